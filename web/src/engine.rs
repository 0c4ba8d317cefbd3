//! The engine worker (`static/engine.js`) as the page sees it: `call(op, args)` posts a message
//! and resolves with the worker's JSON answer. The worker runs the whole core (cluster, DNS,
//! kube-proxy, requests) off the main thread; the page's own wasm carries only the manifest
//! stage. A crash in the worker comes back as [`EngineError::Crashed`] with a report, and the
//! next call starts a fresh worker. Embeds (`?embed`, e.g. the `<netsim-playground>` elements of
//! a course page) share one engine: a SharedWorker of the site's origin, one session per page;
//! after a crash an embed goes on with a worker of its own.

use std::cell::RefCell;
use std::collections::BTreeMap;
use std::rc::Rc;

use js_sys::{Function, Object, Promise, Reflect};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;
use web_sys::{MessageEvent, MessagePort, SharedWorker, Worker, WorkerOptions, WorkerType};

/// Why a call has no answer.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum EngineError {
    /// The core refused the call (unknown Pod, bad target…): show the message.
    Refused { message: String, code: String },
    /// The core crashed (a bug): the message and a report to attach to a bug report.
    Crashed { message: String, report: String },
    /// The worker could not start (no Worker support, the package failed to load).
    Unavailable(String),
    /// A newer `simulate` came while this one waited for its turn: it was never sent.
    Superseded,
}

impl std::fmt::Display for EngineError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            EngineError::Refused { message, .. } => f.write_str(message),
            EngineError::Crashed { message, .. } => write!(f, "the simulator crashed: {message}"),
            EngineError::Unavailable(m) => write!(f, "the simulator engine is unavailable: {m}"),
            EngineError::Superseded => f.write_str("superseded by a newer text"),
        }
    }
}

/// A handle on the engine worker; cheap to clone, shared through the app context.
#[derive(Clone, Default)]
pub struct Engine(Rc<RefCell<Inner>>);

impl PartialEq for Engine {
    fn eq(&self, other: &Engine) -> bool {
        Rc::ptr_eq(&self.0, &other.0)
    }
}

impl std::fmt::Debug for Engine {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Engine")
    }
}

#[derive(Default)]
struct Inner {
    /// The worker, or this page's port to the shared engine (it takes the same `postMessage` and
    /// `onmessage`, so it is held as a `Worker`).
    worker: Option<Worker>,
    /// `worker` is a port to the shared engine.
    shared: bool,
    /// The shared engine crashed: this page's next engine is its own.
    crashed: bool,
    next_id: u32,
    /// The `resolve` of each call's promise, by message id.
    pending: BTreeMap<u32, Function>,
    // Kept alive while the worker lives.
    on_message: Option<Closure<dyn FnMut(MessageEvent)>>,
    on_error: Option<Closure<dyn FnMut(web_sys::Event)>>,
    /// `simulate` calls so far; a waiting call that is no longer the newest is dropped. (The
    /// in-process engine of the component tests answers at once: it uses none of the three.)
    #[cfg_attr(feature = "local-engine", allow(dead_code))]
    sim_calls: u64,
    /// A `simulate` is in the worker; the next one waits (the worker answers in order, and a
    /// learner typing into a 10 MB text must not queue a simulation per pause).
    #[cfg_attr(feature = "local-engine", allow(dead_code))]
    sim_busy: bool,
    /// The last `simulate`'s arguments, for a fresh worker that takes over.
    #[cfg_attr(feature = "local-engine", allow(dead_code))]
    last_simulate: Option<JsValue>,
    /// The `resolve` of each `simulate` waiting for its turn.
    #[cfg_attr(feature = "local-engine", allow(dead_code))]
    sim_waiting: Vec<Function>,
}

const WORKER_URL: &str = "engine.js";

/// The answer [`Engine::restart`] gives the calls the stopped worker left unanswered.
const RESTARTED: &str = "the engine restarted";

/// Objects, diagnostics and events the engine sends at most (the page lists fewer; see
/// `netsim::view::Analysis::truncate`); of the events, the newest. `static/engine.js` uses the
/// same number.
pub const MAX_ROWS: u32 = 1000;

/// The worker `boot.js` started with the page (`window.netsimTakeWorker`, once), and whether it
/// is a SharedWorker; `None` when there is none or it has already failed (the caller starts a
/// fresh one, whose failure it then hears of).
fn take_early_worker() -> Option<(JsValue, bool)> {
    let take = Reflect::get(&js_sys::global(), &"netsimTakeWorker".into()).ok()?;
    let early = take.dyn_ref::<Function>()?.call0(&JsValue::NULL).ok()?;
    if early.is_null() || early.is_undefined() {
        return None;
    }
    let error = Reflect::get(&early, &"error".into()).ok()?.as_string().unwrap_or_default();
    if !error.is_empty() {
        return None;
    }
    let worker = Reflect::get(&early, &"worker".into()).ok()?;
    let shared = Reflect::get(&early, &"shared".into()).ok()?.as_bool().unwrap_or(false);
    Some((worker, shared))
}

impl Engine {
    fn worker(&self) -> Result<Worker, EngineError> {
        if let Some(w) = &self.0.borrow().worker {
            return Ok(w.clone());
        }
        let inner = Rc::downgrade(&self.0);
        let on_message = Closure::<dyn FnMut(MessageEvent)>::new(move |e: MessageEvent| {
            let Some(inner) = inner.upgrade() else { return };
            let data = e.data();
            let id =
                Reflect::get(&data, &"id".into()).ok().and_then(|v| v.as_f64()).unwrap_or(-1.0);
            let resolve = inner.borrow_mut().pending.remove(&(id as u32));
            if let Some(resolve) = resolve {
                let _ = resolve.call1(&JsValue::NULL, &data);
            }
        });
        let inner = Rc::downgrade(&self.0);
        let on_error = Closure::<dyn FnMut(web_sys::Event)>::new(move |e: web_sys::Event| {
            // The script or the package failed to load: fail every waiting call.
            let Some(inner) = inner.upgrade() else { return };
            let message = Reflect::get(&e, &"message".into())
                .ok()
                .and_then(|m| m.as_string())
                .unwrap_or_else(|| "the engine worker failed to start".into());
            let pending = std::mem::take(&mut inner.borrow_mut().pending);
            let answer = Object::new();
            let _ = Reflect::set(&answer, &"unavailable".into(), &message.into());
            for resolve in pending.into_values() {
                let _ = resolve.call1(&JsValue::NULL, &answer);
            }
        });
        let opts = WorkerOptions::new();
        opts.set_type(WorkerType::Module);
        let shared = crate::browser::has_query_flag("embed")
            && !self.0.borrow().crashed
            && Reflect::has(&js_sys::global(), &"SharedWorker".into()).unwrap_or(false);
        // The worker `boot.js` started beside the page's wasm, or a new one.
        let early = (!self.0.borrow().crashed).then(take_early_worker).flatten();
        let (started, shared) = match early {
            Some(early) => early,
            None if shared => {
                // Named after the build's engine (`<html data-engine>`, written by `cargo xtask
                // build`): pages of another deploy, open at the same time, get an engine of
                // their own.
                let build = web_sys::window()
                    .and_then(|w| w.document()?.document_element()?.get_attribute("data-engine"))
                    .unwrap_or_default();
                opts.set_name(&format!("netsim-{build}"));
                let w = SharedWorker::new_with_worker_options(WORKER_URL, &opts)
                    .map_err(|e| EngineError::Unavailable(js_text(&e)))?;
                (w.into(), true)
            }
            None => {
                let w = Worker::new_with_options(WORKER_URL, &opts)
                    .map_err(|e| EngineError::Unavailable(js_text(&e)))?;
                (w.into(), false)
            }
        };
        let worker = if shared {
            let w = started.unchecked_into::<SharedWorker>();
            w.set_onerror(Some(on_error.as_ref().unchecked_ref()));
            w.port().unchecked_into::<Worker>()
        } else {
            let w = started.unchecked_into::<Worker>();
            w.set_onerror(Some(on_error.as_ref().unchecked_ref()));
            w
        };
        // Setting a port's `onmessage` also starts it.
        worker.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
        let mut inner = self.0.borrow_mut();
        inner.worker = Some(worker.clone());
        inner.shared = shared;
        inner.on_message = Some(on_message);
        inner.on_error = Some(on_error);
        Ok(worker)
    }

    /// `worker` is the one calls go to now (not one a restart already replaced).
    fn is_current(&self, worker: &Worker) -> bool {
        self.0.borrow().worker.as_ref().is_some_and(|w| JsValue::from(w) == JsValue::from(worker))
    }

    /// Stops the worker (after a crash); the next call starts a fresh one. Calls still waiting
    /// for the old worker get an answer now (it would never come).
    fn restart(&self) {
        let pending = {
            let mut inner = self.0.borrow_mut();
            if let Some(w) = inner.worker.take() {
                if inner.shared {
                    // A shared engine is not ours to stop: leave it, and go on with our own.
                    w.set_onmessage(None);
                    w.unchecked_into::<MessagePort>().close();
                    inner.crashed = true;
                } else {
                    w.terminate();
                }
            }
            inner.on_message = None;
            inner.on_error = None;
            std::mem::take(&mut inner.pending)
        };
        let answer = Object::new();
        let _ = Reflect::set(&answer, &"unavailable".into(), &RESTARTED.into());
        for resolve in pending.into_values() {
            let _ = resolve.call1(&JsValue::NULL, &answer);
        }
    }

    /// Runs `op` in the worker with `args` (a JSON object's text) and returns the JSON answer.
    pub async fn call(&self, op: &str, args: &str) -> Result<String, EngineError> {
        #[cfg(feature = "local-engine")]
        return local::call(op, args);
        #[cfg(not(feature = "local-engine"))]
        {
            let args =
                js_sys::JSON::parse(args).map_err(|e| EngineError::Unavailable(js_text(&e)))?;
            self.call_worker(op, args).await
        }
    }

    /// `simulate` for `text` and the what-if `events`. The text goes to the worker as it is
    /// (no JSON round trip: a pasted megabyte costs the main thread nothing extra). One runs at a
    /// time: a call made while another is in the worker waits, and only the newest waiting call
    /// is sent ([`EngineError::Superseded`] for the others).
    pub async fn simulate(&self, text: &str, events: &[String]) -> Result<String, EngineError> {
        #[cfg(feature = "local-engine")]
        return local::call(
            "simulate",
            &serde_json::json!({ "text": text, "events": events }).to_string(),
        );
        #[cfg(not(feature = "local-engine"))]
        {
            let call = {
                let mut inner = self.0.borrow_mut();
                inner.sim_calls += 1;
                inner.sim_calls
            };
            while self.0.borrow().sim_busy {
                let engine = Rc::clone(&self.0);
                let turn = Promise::new(&mut |resolve, _reject| {
                    engine.borrow_mut().sim_waiting.push(resolve);
                });
                let _ = JsFuture::from(turn).await;
            }
            if self.0.borrow().sim_calls != call {
                return Err(EngineError::Superseded);
            }
            self.0.borrow_mut().sim_busy = true;
            let answer = self.send_simulate(text, events).await;
            let waiting = {
                let mut inner = self.0.borrow_mut();
                inner.sim_busy = false;
                std::mem::take(&mut inner.sim_waiting)
            };
            for resolve in waiting {
                let _ = resolve.call0(&JsValue::NULL);
            }
            answer
        }
    }

    #[cfg(not(feature = "local-engine"))]
    async fn send_simulate(&self, text: &str, events: &[String]) -> Result<String, EngineError> {
        let args = Object::new();
        let _ = Reflect::set(&args, &"text".into(), &text.into());
        let list = js_sys::Array::new();
        for e in events {
            list.push(&e.into());
        }
        let _ = Reflect::set(&args, &"events".into(), &list);
        self.call_worker("simulate", args.into()).await
    }

    #[cfg_attr(feature = "local-engine", allow(dead_code))]
    async fn call_worker(&self, op: &str, args: JsValue) -> Result<String, EngineError> {
        if op == "simulate" {
            self.0.borrow_mut().last_simulate = Some(args.clone());
        }
        // Once more on a fresh worker when the one it went to was stopped (another call, or in
        // a shared engine another page, crashed it) before answering. The fresh worker has no
        // input yet: a question is asked after the last text is simulated there again.
        match self.call_worker_once(op, &args).await {
            Err(EngineError::Unavailable(m)) if m == RESTARTED => {
                let last = self.0.borrow().last_simulate.clone();
                if let Some(sim) = last.filter(|_| op != "simulate") {
                    self.call_worker_once("simulate", &sim).await?;
                }
                self.call_worker_once(op, &args).await
            }
            answer => answer,
        }
    }

    #[cfg_attr(feature = "local-engine", allow(dead_code))]
    async fn call_worker_once(&self, op: &str, args: &JsValue) -> Result<String, EngineError> {
        let worker = self.worker()?;
        let id = {
            let mut inner = self.0.borrow_mut();
            inner.next_id = inner.next_id.wrapping_add(1);
            inner.next_id
        };
        let message = Object::new();
        let _ = Reflect::set(&message, &"id".into(), &id.into());
        let _ = Reflect::set(&message, &"op".into(), &op.into());
        let _ = Reflect::set(&message, &"args".into(), args);
        let engine = Rc::clone(&self.0);
        let promise = Promise::new(&mut |resolve, _reject| {
            engine.borrow_mut().pending.insert(id, resolve);
        });
        if let Err(e) = worker.post_message(&message) {
            self.0.borrow_mut().pending.remove(&id);
            return Err(EngineError::Unavailable(js_text(&e)));
        }
        let data = JsFuture::from(promise).await.unwrap_or(JsValue::NULL);
        let field = |k: &str| Reflect::get(&data, &k.into()).ok().and_then(|v| v.as_string());
        if let Some(ok) = field("ok") {
            return Ok(ok);
        }
        if field("stopped").is_some() {
            // Stopped by an earlier crash, not this call's: go on with a fresh engine.
            if self.is_current(&worker) {
                self.restart();
            }
            return Err(EngineError::Unavailable(RESTARTED.into()));
        }
        if let Some(message) = field("panic") {
            self.restart();
            let report = field("report").unwrap_or_default();
            return Err(EngineError::Crashed { message, report });
        }
        if let Some(message) = field("unavailable") {
            if message != RESTARTED {
                self.restart();
            }
            return Err(EngineError::Unavailable(message));
        }
        Err(EngineError::Refused {
            message: field("err").unwrap_or_else(|| "no answer from the engine".into()),
            code: field("code").unwrap_or_default(),
        })
    }
}

/// The arguments of `ask` for `question` (`{"question": …}`), written as JSON text directly:
/// building a `serde_json::Value` on the way would cost the page's wasm that type's serializer
/// and maps.
pub fn ask_args(question: &netsim::session::Question) -> String {
    format!("{{\"question\":{}}}", serde_json::to_string(question).unwrap_or_default())
}

fn js_text(v: &JsValue) -> String {
    v.as_string()
        .or_else(|| Reflect::get(v, &"message".into()).ok().and_then(|m| m.as_string()))
        .unwrap_or_else(|| "unknown error".into())
}

/// The same operations in-process, for the component tests (the test runner serves no worker
/// script): `static/engine.js` in Rust, over the same JS package.
#[cfg(feature = "local-engine")]
mod local {
    use super::EngineError;
    use netsim_wasm::Simulator;
    use wasm_bindgen::JsValue;

    thread_local! {
        static SIM: std::cell::RefCell<(Simulator, JsValue)> =
            std::cell::RefCell::new((Simulator::new(), JsValue::NULL));
    }

    fn get(v: &JsValue, k: &str) -> JsValue {
        js_sys::Reflect::get(v, &k.into()).unwrap_or(JsValue::UNDEFINED)
    }

    fn s(v: &JsValue, k: &str) -> String {
        get(v, k).as_string().unwrap_or_default()
    }

    fn json(v: &JsValue) -> String {
        js_sys::JSON::stringify(v).ok().and_then(|s| s.as_string()).unwrap_or_default()
    }

    pub(super) fn call(op: &str, args: &str) -> Result<String, EngineError> {
        let a = js_sys::JSON::parse(args).unwrap_or(JsValue::NULL);
        let refused = |e: JsValue| EngineError::Refused {
            message: s(&e, "message"),
            code: get(&e, "code").as_string().unwrap_or_default(),
        };
        SIM.with(|cell| {
            let (sim, files) = &mut *cell.borrow_mut();
            match op {
                "simulate" => {
                    let file = js_sys::Object::new();
                    let _ = js_sys::Reflect::set(&file, &"name".into(), &"manifests.yaml".into());
                    let _ = js_sys::Reflect::set(&file, &"text".into(), &get(&a, "text"));
                    *files = js_sys::Array::of1(&file).into();
                    let opts = js_sys::Object::new();
                    let _ = js_sys::Reflect::set(&opts, &"events".into(), &get(&a, "events"));
                    sim.simulate_json(
                        files.clone(),
                        Some(JsValue::from(opts).into()),
                        Some(super::MAX_ROWS),
                    )
                    .map_err(refused)
                }
                "ask" => sim.ask(get(&a, "question")).map_err(refused),
                // In-process, the full engine is always there.
                "prepare" => Ok("ready".into()),
                "checkChallenge" => {
                    sim.check_challenge(get(&a, "challenge")).map(|v| json(&v)).map_err(refused)
                }
                other => Err(EngineError::Refused {
                    message: format!("unknown engine operation '{other}'"),
                    code: "bad-op".into(),
                }),
            }
        })
    }
}
