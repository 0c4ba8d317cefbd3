//! The playground's first-topology engine: the core's load, build and view stages behind one
//! call, and nothing else.
//!
//! The first thing a learner waits for is the topology of the text on screen. The full engine
//! (the JS package, `crates/netsim-wasm`) answers every question — rules in both proxy modes,
//! DNS, NetworkPolicy, requests, `kubectl` — and that is most of its bytes. This build links
//! only what `simulateJson` reaches (the linker leaves the rest out), so the worker
//! (`static/engine.js`) can draw the first topology from far fewer bytes and fetch the full
//! engine after it. Its answer is the same text as the full engine's `simulateJson`: both are
//! [`netsim::view::Simulated::json`] of the same session (the end-to-end check compares them).

use netsim::diagnostic::SourceFiles;
use netsim::session::Session;
use wasm_bindgen::prelude::*;

#[wasm_bindgen(start)]
fn start() {
    // A panic's message goes to console.error before the trap: the worker puts it in the
    // crash report.
    console_error_panic_hook::set_once();
}

/// The first-topology engine. Each `simulateJson` replaces the last input.
#[wasm_bindgen]
#[derive(Default)]
pub struct Simulator {
    _private: (),
}

#[wasm_bindgen]
impl Simulator {
    #[wasm_bindgen(constructor)]
    pub fn new() -> Simulator {
        Simulator::default()
    }

    /// Loads and builds the file `name` with `text`, applies the what-if `events` in order (the
    /// `netsim get --event` syntax) and returns the answer as compact JSON text: `{view, cluster:
    /// {events, omittedEvents, whatIfErrors}}`, at most `maxRows` rows of each list. An event that
    /// does not parse throws an `Error` with `code` `bad-event`, as the full engine does.
    #[wasm_bindgen(js_name = simulateJson)]
    pub fn simulate_json(
        &mut self,
        name: String,
        text: String,
        events: Vec<String>,
        max_rows: u32,
    ) -> Result<String, JsValue> {
        simulate(name, text, &events, max_rows as usize).map_err(|message| {
            let e = js_sys::Error::new(&message);
            let _ = js_sys::Reflect::set(&e, &"code".into(), &"bad-event".into());
            e.into()
        })
    }
}

/// The answer of [`Simulator::simulate_json`], or the message of the first event that does not
/// parse.
pub fn simulate(
    name: String,
    text: String,
    events: &[String],
    max_rows: usize,
) -> Result<String, String> {
    let mut files = SourceFiles::default();
    files.add(name, text);
    let events = events
        .iter()
        .map(|e| netsim::cluster::parse_event(e, "default"))
        .collect::<Result<Vec<_>, _>>()?;
    let session = Session::with_what_ifs(files, &events);
    let analysis = session.view();
    Ok(netsim::view::Simulated::json(&session, &analysis, max_rows))
}
