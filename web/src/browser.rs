//! The little browser IO the page does: fetching static files, local storage (autosave), the
//! URL's query, and asking before replacing the learner's work. Everything here fails soft:
//! a missing API or a failed fetch is `None`, never a panic.

use std::rc::Rc;

use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;

use crate::state::ScenarioInfo;

/// Where the editor's text is saved between visits.
pub const SAVED_TEXT_KEY: &str = "netsim.text";
/// Which scenario the saved text came from (empty for none).
pub const SAVED_SCENARIO_KEY: &str = "netsim.scenario";
/// Larger texts are not autosaved (local storage holds about 5 MB per site).
pub const MAX_SAVED_BYTES: usize = 2 * 1024 * 1024;

/// A size for people: `2.3 MB` (mebibytes, as the limits are set; rounded to tenths). Integer
/// arithmetic: float formatting would add kilobytes to the page's wasm.
pub fn megabytes(bytes: usize) -> String {
    let tenths = (bytes as u64 * 10 + 512 * 1024) / (1024 * 1024);
    match tenths % 10 {
        0 => format!("{} MB", tenths / 10),
        t => format!("{}.{t} MB", tenths / 10),
    }
}

/// Resolves in a later task (a zero `setTimeout`): long main-thread work split with it lets the
/// page draw and take input in between (the 100 ms budget of issue 10).
pub async fn next_task() {
    let wait = js_sys::Promise::new(&mut |resolve, _reject| {
        let scheduled = web_sys::window().and_then(|w| {
            w.set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, 0).ok()
        });
        if scheduled.is_none() {
            let _ = resolve.call0(&JsValue::NULL);
        }
    });
    let _ = JsFuture::from(wait).await;
}

/// Resolves when the page is idle (`requestIdleCallback`, at most a second away; where there is
/// none, as [`next_task`] does).
pub async fn idle() {
    let window = js_sys::global();
    let Some(ric) = js_sys::Reflect::get(&window, &"requestIdleCallback".into())
        .ok()
        .and_then(|f| f.dyn_into::<js_sys::Function>().ok())
    else {
        return next_task().await;
    };
    let wait = js_sys::Promise::new(&mut |resolve, _reject| {
        let options = js_sys::Object::new();
        let _ = js_sys::Reflect::set(&options, &"timeout".into(), &1000.into());
        if ric.call2(&window, &resolve, &options).is_err() {
            let _ = resolve.call0(&JsValue::NULL);
        }
    });
    let _ = JsFuture::from(wait).await;
}

/// GETs a same-origin file as text.
pub async fn fetch_text(url: &str) -> Option<String> {
    let window = web_sys::window()?;
    let response = JsFuture::from(window.fetch_with_str(url)).await.ok()?;
    let response: web_sys::Response = response.dyn_into().ok()?;
    if !response.ok() {
        return None;
    }
    JsFuture::from(response.text().ok()?).await.ok()?.as_string()
}

/// Parses `scenarios/index.json` (see `netsim::scenario` for its schema) into the entries the
/// page shows. Entries with missing names are skipped.
pub fn parse_scenario_index(json: &str) -> Vec<ScenarioInfo> {
    let Ok(root) = js_sys::JSON::parse(json) else { return Vec::new() };
    let get = |v: &JsValue, k: &str| js_sys::Reflect::get(v, &JsValue::from_str(k)).ok();
    let text = |v: &JsValue, k: &str| get(v, k).and_then(|x| x.as_string()).unwrap_or_default();
    let Some(list) = get(&root, "scenarios").and_then(|v| v.dyn_into::<js_sys::Array>().ok())
    else {
        return Vec::new();
    };
    list.iter()
        .filter_map(|s| {
            let name = text(&s, "name");
            if name.is_empty() {
                return None;
            }
            let try_this = get(&s, "tryThis")
                .and_then(|v| v.dyn_into::<js_sys::Array>().ok())
                .map(|a| a.iter().filter_map(|x| x.as_string()).collect())
                .unwrap_or_default();
            let requests = get(&s, "requests")
                .and_then(|v| v.dyn_into::<js_sys::Array>().ok())
                .map(|a| {
                    a.iter()
                        .map(|r| (text(&r, "from"), text(&r, "target"), text(&r, "expect")))
                        .collect()
                })
                .unwrap_or_default();
            let challenge = get(&s, "challenge")
                .filter(|c| c.is_object())
                .and_then(|c| js_sys::JSON::stringify(&c).ok())
                .and_then(|c| c.as_string());
            Some(ScenarioInfo {
                challenge,
                file: text(&s, "file"),
                title: text(&s, "title"),
                lesson: text(&s, "lesson"),
                explanation: text(&s, "explanation"),
                try_this,
                requests,
                name,
            })
        })
        .collect()
}

fn storage() -> Option<web_sys::Storage> {
    web_sys::window()?.local_storage().ok().flatten()
}

/// The autosaved text and the scenario it came from.
pub fn saved_work() -> Option<(String, Option<Rc<str>>)> {
    let s = storage()?;
    let text = s.get_item(SAVED_TEXT_KEY).ok().flatten()?;
    let scenario = s.get_item(SAVED_SCENARIO_KEY).ok().flatten().filter(|n| !n.is_empty());
    Some((text, scenario.map(Rc::from)))
}

/// Saves the learner's work in this browser; false when it was not saved: storage unavailable
/// or full, or the text over [`MAX_SAVED_BYTES`] (localStorage holds about 5 MB per site).
pub fn save_work(text: &str, scenario: Option<&str>) -> bool {
    if text.len() > MAX_SAVED_BYTES {
        return false;
    }
    let Some(s) = storage() else { return false };
    // A full storage (quota) refuses the write.
    s.set_item(SAVED_TEXT_KEY, text).is_ok()
        && s.set_item(SAVED_SCENARIO_KEY, scenario.unwrap_or("")).is_ok()
}

/// Forgets the saved work.
pub fn clear_work() {
    if let Some(s) = storage() {
        let _ = s.remove_item(SAVED_TEXT_KEY);
        let _ = s.remove_item(SAVED_SCENARIO_KEY);
    }
}

/// The value of `?name=` in the page URL.
pub fn query_param(name: &str) -> Option<String> {
    let search = web_sys::window()?.location().search().ok()?;
    search.trim_start_matches('?').split('&').find_map(|kv| {
        let (k, v) = kv.split_once('=').unwrap_or((kv, ""));
        (k == name).then(|| js_sys::decode_uri_component(v).ok()?.as_string()).flatten()
    })
}

/// Points the address bar at `?scenario=NAME` (or at the bare page) without reloading, so the
/// link can be shared.
pub fn show_scenario_in_url(name: Option<&str>) {
    let Some(w) = web_sys::window() else { return };
    let Ok(history) = w.history() else { return };
    let path = w.location().pathname().unwrap_or_else(|_| "/".into());
    let url = match name {
        Some(n) => format!("{path}?scenario={}", String::from(js_sys::encode_uri_component(n))),
        None => path,
    };
    let _ = history.replace_state_with_url(&JsValue::NULL, "", Some(&url));
}

/// Asks the learner to confirm; true when there is no way to ask.
pub fn confirm(question: &str) -> bool {
    web_sys::window().and_then(|w| w.confirm_with_message(question).ok()).unwrap_or(true)
}

/// A `keydown` listener on the document, removed when dropped.
pub struct KeyListener {
    closure: wasm_bindgen::closure::Closure<dyn FnMut(web_sys::KeyboardEvent)>,
}

impl Drop for KeyListener {
    fn drop(&mut self) {
        if let Some(d) = web_sys::window().and_then(|w| w.document()) {
            let _ = d.remove_event_listener_with_callback(
                "keydown",
                self.closure.as_ref().unchecked_ref(),
            );
        }
    }
}

/// Calls `f` for every key pressed anywhere on the page.
pub fn on_key(mut f: impl FnMut(&web_sys::KeyboardEvent) + 'static) -> Option<KeyListener> {
    let closure = wasm_bindgen::closure::Closure::<dyn FnMut(web_sys::KeyboardEvent)>::new(
        move |e: web_sys::KeyboardEvent| f(&e),
    );
    let d = web_sys::window()?.document()?;
    d.add_event_listener_with_callback("keydown", closure.as_ref().unchecked_ref()).ok()?;
    Some(KeyListener { closure })
}

/// True when the key went to a text field or the editor (so `?` types a question mark).
pub fn typing_in_field(e: &web_sys::KeyboardEvent) -> bool {
    let Some(el) = e.target().and_then(|t| t.dyn_into::<web_sys::Element>().ok()) else {
        return false;
    };
    matches!(el.tag_name().as_str(), "INPUT" | "TEXTAREA" | "SELECT")
        || el.closest(".cm-editor").ok().flatten().is_some()
}

thread_local! {
    /// When each simulation (by `sim_seq`) started, for the edit → redraw timings.
    static STARTED: std::cell::RefCell<Vec<(u64, f64)>> = const { std::cell::RefCell::new(Vec::new()) };
    /// The first topology of this page is drawn.
    static FIRST_DRAWN: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

fn now() -> f64 {
    // The reducer's unit tests run natively, where there is no window to ask.
    if !cfg!(target_arch = "wasm32") {
        return 0.0;
    }
    web_sys::window().and_then(|w| w.performance()).map_or(0.0, |p| p.now())
}

/// A performance mark named `name` (the start's steps are `netsim-start-N`: the end-to-end
/// check names the main thread's long tasks by the marks inside them).
pub fn mark(name: &str) {
    if let Some(p) = web_sys::window().and_then(|w| w.performance()) {
        let _ = p.mark(name);
    }
}

/// Notes that simulation `seq` started (the debounced edit fired, or a scenario loaded).
pub fn perf_mark(seq: u64) {
    STARTED.with(|s| {
        let mut s = s.borrow_mut();
        s.retain(|&(q, _)| q + 16 > seq);
        s.push((seq, now()));
    });
}

/// Notes that the topology of simulation `seq` is on screen: appends the milliseconds since
/// its start to `window.netsimTimings` (read by the end-to-end check and by curious learners).
pub fn perf_drawn(seq: u64) {
    if !FIRST_DRAWN.with(|f| f.replace(true)) {
        // The first topology of this page: navigation → topology drawn, as a performance mark
        // (`netsim-topology`) the end-to-end check reads.
        mark("netsim-topology");
    }
    let Some(start) = STARTED.with(|s| s.borrow().iter().find(|&&(q, _)| q == seq).map(|x| x.1))
    else {
        return;
    };
    let Some(w) = web_sys::window() else { return };
    let key = JsValue::from_str("netsimTimings");
    let list = js_sys::Reflect::get(&w, &key).ok().filter(|v| v.is_object()).unwrap_or_else(|| {
        let a = js_sys::Array::new();
        let _ = js_sys::Reflect::set(&w, &key, &a);
        a.into()
    });
    if let Ok(list) = list.dyn_into::<js_sys::Array>() {
        list.push(&JsValue::from_f64(now() - start));
    }
    STARTED.with(|s| s.borrow_mut().retain(|&(q, _)| q != seq));
}

/// The element the app is drawn in, at the end of `<body>` (`display: contents`: its children
/// are laid out as the body's). Yew empties the element it mounts on: mounted on the body, it
/// took the loading page away at once (a blank page until the bar was drawn) and the fonts
/// `boot.js` was setting up.
pub fn app_root() -> Option<web_sys::Element> {
    let doc = web_sys::window()?.document()?;
    let root = doc.create_element("div").ok()?;
    root.set_id("app-root");
    doc.body()?.append_child(&root).ok()?;
    Some(root)
}

/// Takes `index.html`'s loading page away: the app has drawn its bar (see `stage` in `App`), in
/// the same frame.
pub fn remove_loading_page() {
    if let Some(el) =
        web_sys::window().and_then(|w| w.document()).and_then(|d| d.get_element_by_id("loading"))
    {
        el.remove();
    }
}

/// Tells `boot.js` the start is over (the first answer drawn, the page idle and the full engine
/// fetched): the event `netsim-settled` on the window, which starts offline use (the service
/// worker then saves every file of the build; not while the first topology's files download).
pub fn settled() {
    let Some(w) = web_sys::window() else { return };
    if let Ok(e) = web_sys::Event::new("netsim-settled") {
        let _ = w.dispatch_event(&e);
    }
}

/// The page URL's fragment (`#s=…` for a share link), if any.
pub fn fragment() -> Option<String> {
    let hash = web_sys::window()?.location().hash().ok()?;
    (!hash.is_empty()).then_some(hash)
}

/// Drops the fragment from the address bar (after a shared state was opened).
pub fn clear_fragment() {
    let Some(w) = web_sys::window() else { return };
    let Ok(history) = w.history() else { return };
    let url = format!(
        "{}{}",
        w.location().pathname().unwrap_or_else(|_| "/".into()),
        w.location().search().unwrap_or_default()
    );
    let _ = history.replace_state_with_url(&JsValue::NULL, "", Some(&url));
}

/// The page's address without query or fragment (`https://host/path/`).
pub fn page_base() -> String {
    web_sys::window()
        .map(|w| {
            let l = w.location();
            format!("{}{}", l.origin().unwrap_or_default(), l.pathname().unwrap_or_default())
        })
        .unwrap_or_default()
}

/// True when the URL has `?name` (with or without a value).
pub fn has_query_flag(name: &str) -> bool {
    web_sys::window().and_then(|w| w.location().search().ok()).is_some_and(|q| {
        q.trim_start_matches('?').split('&').any(|kv| kv.split('=').next() == Some(name))
    })
}

/// Keeps a copy of the learner's own work before a shared link replaces it.
pub fn backup_work(text: &str) {
    if let Some(s) = storage() {
        let _ = s.set_item("netsim.text.before-link", text);
    }
}

thread_local! {
    /// The editor's text as last seen by the reducer, for the crash page.
    static LAST_TEXT: std::cell::RefCell<Rc<str>> = std::cell::RefCell::new(Rc::from(""));
}

/// Remembers the learner's current text (called by the reducer on every change).
pub fn remember_text(text: &Rc<str>) {
    LAST_TEXT.with(|t| *t.borrow_mut() = Rc::clone(text));
}

/// The page hit a bug (a Rust panic on the main thread; the wasm instance is gone after it):
/// save the text, and replace the page with a report that carries it. DOM text only, no markup
/// from the input.
pub fn show_crash_page(message: &str) {
    // The editor's own text first: edits reach the app state only once typing pauses.
    let text = crate::components::editor::live_text_now()
        .map(Rc::from)
        .unwrap_or_else(|| LAST_TEXT.with(|t| Rc::clone(&t.borrow())));
    if !text.is_empty() {
        let _ = save_work(&text, None);
    }
    let Some(doc) = web_sys::window().and_then(|w| w.document()) else { return };
    let Some(body) = doc.body() else { return };
    body.set_text_content(None);
    let el = |tag: &str, text: &str| -> Option<web_sys::Element> {
        let e = doc.create_element(tag).ok()?;
        e.set_text_content(Some(text));
        let _ = body.append_child(&e);
        Some(e)
    };
    let _ = el("h1", "kube-netsim hit a bug");
    let _ = el("p", "Your text is safe: it is saved in this browser and comes back when you reload the page. Please send this report (your input is attached):");
    if let Some(area) = el(
        "textarea",
        &format!("kube-netsim crashed in the page.\n\npanic: {message}\n\n--- input (manifests.yaml) ---\n{text}"),
    ) {
        let _ = area.set_attribute("rows", "20");
        let _ = area.set_attribute("cols", "100");
        let _ = area.set_attribute("readonly", "");
        let _ = area.set_attribute("data-testid", "crash-page-report");
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn megabytes_in_tenths() {
        assert_eq!(super::megabytes(1024 * 1024), "1 MB");
        assert_eq!(super::megabytes(2_000_013), "1.9 MB");
        assert_eq!(super::megabytes(11_120_890), "10.6 MB");
        assert_eq!(super::megabytes(0), "0 MB");
    }
}
