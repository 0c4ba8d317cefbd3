//! Asking the engine worker something about the current cluster from a component.

use std::any::Any;
use std::rc::Rc;

use yew::prelude::*;

use crate::hooks::use_app;

/// The engine's answer to `op(args)` for the cluster on screen: `None` while it is on its way,
/// then the JSON text or the message of a refusal. Asked again whenever the cluster changes
/// (new text or what-if events) or `args` change; nothing is asked while `args` is empty.
#[hook]
pub fn use_engine(op: &'static str, args: String) -> Option<Result<String, String>> {
    let app = use_app();
    let answer = use_state(|| None::<(String, u64, Result<String, String>)>);
    let seq = app.sim_seq;
    // Only once the engine has simulated the current text: it answers in order, so a question
    // sent before the `simulate` would be answered about the previous cluster.
    let ready = app.full;
    {
        let answer = answer.clone();
        let engine = app.engine.clone();
        use_effect_with((args.clone(), seq, ready), move |(args, seq, ready)| {
            if *ready && !args.is_empty() {
                let (args, seq) = (args.clone(), *seq);
                wasm_bindgen_futures::spawn_local(async move {
                    let r = engine.call(op, &args).await.map_err(|e| e.to_string());
                    answer.set(Some((args, seq, r)));
                });
            }
        });
    }
    match &*answer {
        Some((a, _, r)) if *a == args => Some(r.clone()),
        _ => None,
    }
}

/// The engine's typed answer to `question` about the cluster on screen (`None` while it is on
/// its way, or when there is no question): the same core type `netsim … -o json` prints, parsed
/// once. Asked again whenever the cluster or the question changes.
///
/// Only the parse is generic: the asking and the state live in [`use_ask_parsed`], once in the
/// page's wasm whatever the answer type (each generic hook instance costs the first load).
#[hook]
pub fn use_ask<T>(question: Option<netsim::session::Question>) -> Option<Result<Rc<T>, String>>
where
    T: serde::de::DeserializeOwned + 'static,
{
    let args = question.map(|q| crate::engine::ask_args(&q)).unwrap_or_default();
    use_ask_parsed(args, parse::<T>).map(|r| {
        r.and_then(|any| any.downcast::<T>().map_err(|_| "an answer of another type".to_string()))
    })
}

fn parse<T: serde::de::DeserializeOwned + 'static>(json: &str) -> Result<Rc<dyn Any>, String> {
    serde_json::from_str::<T>(json).map(|t| Rc::new(t) as Rc<dyn Any>).map_err(|e| e.to_string())
}

/// The answer to `ask(args)`, parsed by `parse` once per answer.
#[hook]
fn use_ask_parsed(args: String, parse: Parser) -> Option<Result<Rc<dyn Any>, String>> {
    let answer = use_state(|| None::<(String, Result<Rc<dyn Any>, String>)>);
    let text = use_engine("ask", args.clone());
    {
        let answer = answer.clone();
        use_effect_with((args.clone(), text), move |(args, text)| {
            if let Some(text) = text {
                answer.set(Some((args.clone(), text.clone().and_then(|json| parse(&json)))));
            }
        });
    }
    match &*answer {
        Some((a, r)) if *a == args => Some(r.clone()),
        _ => None,
    }
}

type Parser = fn(&str) -> Result<Rc<dyn Any>, String>;
