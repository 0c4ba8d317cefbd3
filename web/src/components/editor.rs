//! The YAML editor: CodeMirror 6 (bundled `editor.js`, `window.NetsimEditor`) once loaded, a
//! plain `<textarea>` until then (the bundle is loaded after the first topology) and where there
//! is none (component tests run without it).

use std::cell::RefCell;
use std::rc::Rc;

use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::HtmlTextAreaElement;
use yew::prelude::*;

use crate::hooks::use_app;
use crate::state::Action;

/// A fix applied in CodeMirror (`cm_apply_edits`), in its UTF-16 offsets.
#[derive(serde::Serialize)]
struct CmEdit<'a> {
    from: u32,
    to: u32,
    text: &'a str,
}

/// A squiggle in CodeMirror (`cm_set_diagnostics`), in its UTF-16 offsets.
#[derive(serde::Serialize)]
struct CmDiagnostic {
    from: u32,
    to: u32,
    severity: &'static str,
    message: String,
}

#[wasm_bindgen]
extern "C" {
    #[wasm_bindgen(js_namespace = NetsimEditor, js_name = create)]
    fn cm_create(
        parent: &web_sys::Element,
        text: &str,
        on_change: &js_sys::Function,
        read_only: bool,
    ) -> u32;
    #[wasm_bindgen(js_namespace = NetsimEditor, js_name = getText)]
    fn cm_get_text(id: u32) -> String;
    #[wasm_bindgen(js_namespace = NetsimEditor, js_name = snapshot)]
    fn cm_snapshot(id: u32) -> JsValue;
    #[wasm_bindgen(js_namespace = NetsimEditor, js_name = snapshotLength)]
    fn cm_snapshot_length(doc: &JsValue) -> u32;
    #[wasm_bindgen(js_namespace = NetsimEditor, js_name = snapshotUtf8Length)]
    fn cm_snapshot_utf8_length(doc: &JsValue) -> f64;
    #[wasm_bindgen(js_namespace = NetsimEditor, js_name = snapshotSlice)]
    fn cm_snapshot_slice(doc: &JsValue, from: u32, max: u32) -> js_sys::JsString;
    #[wasm_bindgen(js_namespace = NetsimEditor, js_name = setText)]
    fn cm_set_text(id: u32, text: &str);
    #[wasm_bindgen(js_namespace = NetsimEditor, js_name = setDiagnostics)]
    fn cm_set_diagnostics(id: u32, json: &str);
    #[wasm_bindgen(js_namespace = NetsimEditor, js_name = reveal)]
    fn cm_reveal(id: u32, from: u32, to: u32);
    #[wasm_bindgen(js_namespace = NetsimEditor, js_name = applyEdits)]
    fn cm_apply_edits(id: u32, json: &str) -> bool;
}

/// Whether the CodeMirror bundle is loaded on this page.
fn codemirror_available() -> bool {
    web_sys::window()
        .and_then(|w| js_sys::Reflect::get(&w, &JsValue::from_str("NetsimEditor")).ok())
        .is_some_and(|v| !v.is_undefined())
}

/// Asks `boot.js` to load the CodeMirror bundle (`window.netsimLoadEditor`, once; absent in
/// component tests, which run without it).
fn load_editor() {
    let Some(w) = web_sys::window() else { return };
    if let Ok(f) = js_sys::Reflect::get(&w, &JsValue::from_str("netsimLoadEditor")) {
        if let Some(f) = f.dyn_ref::<js_sys::Function>() {
            let _ = f.call0(&JsValue::NULL);
        }
    }
}

/// How long the first topology is on screen before the code editor is fetched, unless the
/// learner turns to the editor first, in ms.
const EDITOR_AFTER_MS: u32 = 5000;

/// The live CodeMirror instance and the closure it calls on every edit.
struct Live {
    id: u32,
    _on_change: Closure<dyn FnMut()>,
}

thread_local! {
    /// The page's CodeMirror editor, once created.
    static LIVE_ID: std::cell::Cell<Option<u32>> = const { std::cell::Cell::new(None) };
    /// Edits so far in the CodeMirror editor.
    static EDITS: std::cell::Cell<u64> = const { std::cell::Cell::new(0) };
}

/// UTF-16 units of the editor's text copied into the page's memory per task (≈ 10 ms).
const COPY_SLICE: u32 = 1 << 20;

/// The CodeMirror editor's whole text, when the page has one. Edits dispatch nothing; the
/// debounce timer reads the text from here once typing pauses, a big text in slices
/// of one task each (copying 10 MB into wasm at once holds the page for 100 ms and more).
pub async fn live_text() -> Option<String> {
    let id = LIVE_ID.with(std::cell::Cell::get)?;
    let doc = cm_snapshot(id);
    let len = cm_snapshot_length(&doc);
    let mut out = String::with_capacity(len as usize);
    let mut at = 0;
    while at < len {
        if at > 0 {
            crate::browser::next_task().await;
        }
        let slice = cm_snapshot_slice(&doc, at, COPY_SLICE);
        if slice.length() == 0 {
            break;
        }
        at += slice.length();
        out.push_str(&slice.as_string()?);
    }
    Some(out)
}

/// The length of the editor's text in UTF-16 units (never more than its UTF-8 bytes), without
/// copying it.
pub fn live_text_len() -> Option<u32> {
    LIVE_ID.with(std::cell::Cell::get).map(|id| cm_snapshot_length(&cm_snapshot(id)))
}

/// The size of the editor's text in UTF-8 bytes, without copying it.
pub fn live_text_bytes() -> Option<usize> {
    LIVE_ID.with(std::cell::Cell::get).map(|id| cm_snapshot_utf8_length(&cm_snapshot(id)) as usize)
}

/// The editor's text at once (for the crash page, which cannot wait).
pub fn live_text_now() -> Option<String> {
    LIVE_ID.with(std::cell::Cell::get).map(cm_get_text)
}

/// Asks for an edit the core prepared (a diagnostic's fix, a version): the editor applies it as
/// one undo step once the analysis on screen is of the text in the editor, since the edit's
/// offsets come from that analysis. A learner who clicks right after typing gets it applied to
/// the text they typed, as soon as the engine has caught up.
pub fn request_edit(app: &crate::hooks::AppContext, edit: crate::state::PendingEdit) {
    app.dispatch(Action::ApplyEdit(Some(Rc::new(edit))));
}

/// Applies `pending` if the analysis is of the editor's text; else makes the app catch up
/// (the effect runs again with the new analysis). Returns true when it is done with it.
fn try_apply(app: &crate::hooks::AppContext, pending: &crate::state::PendingEdit) -> bool {
    let live = LIVE_ID.with(std::cell::Cell::get);
    if let Some(text) = live.map(cm_get_text).filter(|t| t.as_str() != &*app.text) {
        // Typed since the last pause: simulate what the editor holds first.
        app.dispatch(Action::Flush(Rc::from(text)));
        return false;
    }
    if !app.analysis_is_current() {
        return false;
    }
    let Some(edits) = pending.edits(&app.analysis) else { return true };
    let edits: Vec<&netsim::view::TextEdit> = edits.iter().filter(|e| e.file == 0).collect();
    match live {
        Some(id) => {
            let json: Vec<CmEdit> =
                edits.iter().map(|e| CmEdit { from: e.from, to: e.to, text: &e.text }).collect();
            cm_apply_edits(id, &serde_json::to_string(&json).unwrap_or_default());
        }
        None => app.dispatch(Action::Edit(Rc::from(splice_utf16(&app.text, &edits)))),
    }
    true
}

/// `text` with `edits` applied: UTF-16 offsets into `text`, in ascending order and not
/// overlapping, as the core makes them.
fn splice_utf16(text: &str, edits: &[&netsim::view::TextEdit]) -> String {
    let units: Vec<u16> = text.encode_utf16().collect();
    let mut out: Vec<u16> = Vec::with_capacity(units.len());
    let mut at = 0usize;
    for e in edits {
        let from = (e.from as usize).clamp(at, units.len());
        let to = (e.to as usize).clamp(from, units.len());
        out.extend_from_slice(&units[at..from]);
        out.extend(e.text.encode_utf16());
        at = to;
    }
    out.extend_from_slice(&units[at..]);
    String::from_utf16_lossy(&out)
}

#[component]
pub fn Editor() -> Html {
    let app = use_app();
    let host = use_node_ref();
    let live: Rc<RefCell<Option<Live>>> = use_mut_ref(|| None);
    // CodeMirror (`editor.js`) is not part of the first load: the page draws the first topology
    // with a plain textarea (a working editor: the problems pane lists the diagnostics) and asks
    // for the bundle when the learner turns to the editor (focus), or once the first topology
    // has been on screen for EDITOR_AFTER_MS (creating CodeMirror is the longest task of the
    // page's start; a phone is left to draw and answer first). The textarea gives way to
    // CodeMirror with the text as it is then, and its focus and selection.
    let use_cm = use_state(codemirror_available);
    // The textarea's selection when CodeMirror arrived, if it had the focus.
    let handoff: Rc<RefCell<Option<(u32, u32)>>> = use_mut_ref(|| None);
    {
        let use_cm = use_cm.clone();
        let host = host.clone();
        let handoff = Rc::clone(&handoff);
        use_effect_with((), move |()| {
            if !*use_cm {
                if let Some(w) = web_sys::window() {
                    let ready = use_cm.clone();
                    let on_ready = Closure::once_into_js(move || {
                        if let Some(ta) = host.cast::<HtmlTextAreaElement>() {
                            let focused = web_sys::window()
                                .and_then(|w| w.document())
                                .and_then(|d| d.active_element())
                                .is_some_and(|a| a == **ta);
                            if focused {
                                let from = ta.selection_start().ok().flatten().unwrap_or(0);
                                let to = ta.selection_end().ok().flatten().unwrap_or(from);
                                *handoff.borrow_mut() = Some((from, to));
                            }
                        }
                        ready.set(true);
                    });
                    let _ = w.add_event_listener_with_callback(
                        "netsim-editor-ready",
                        on_ready.unchecked_ref(),
                    );
                }
                // Loaded between the first render and this effect: no event will come.
                if codemirror_available() {
                    use_cm.set(true);
                }
            }
        });
    }
    {
        // The first topology has been on screen for a while: time for the editor.
        let use_cm = *use_cm;
        use_effect_with(app.full, move |&answered| {
            let timer = (answered && !use_cm)
                .then(|| gloo_timers::callback::Timeout::new(EDITOR_AFTER_MS, load_editor));
            // A new text before then starts the wait again.
            move || drop(timer)
        });
    }

    {
        let host = host.clone();
        let live = Rc::clone(&live);
        let dispatcher = app.dispatcher();
        let text = Rc::clone(&app.text);
        let readonly = app.readonly;
        use_effect_with(*use_cm, move |&ready| {
            if let Some(el) = host.cast::<web_sys::Element>() {
                if ready && live.borrow().is_none() {
                    // No action per keystroke (each would redraw the whole page): the text is
                    // taken once typing pauses for DEBOUNCE_MS, copied in slices, and only if
                    // no edit came while it was copied.
                    let pause: Rc<RefCell<Option<gloo_timers::callback::Timeout>>> = Rc::default();
                    let on_change = Closure::<dyn FnMut()>::new(move || {
                        let edit = EDITS.with(|e| {
                            e.set(e.get() + 1);
                            e.get()
                        });
                        let dispatcher = dispatcher.clone();
                        let timer = gloo_timers::callback::Timeout::new(
                            crate::app::DEBOUNCE_MS,
                            move || {
                                wasm_bindgen_futures::spawn_local(async move {
                                    let Some(text) = live_text().await else { return };
                                    if EDITS.with(std::cell::Cell::get) == edit {
                                        dispatcher.dispatch(Action::Flush(Rc::from(text)));
                                    }
                                });
                            },
                        );
                        // Replacing the timer cancels the previous one.
                        *pause.borrow_mut() = Some(timer);
                    });
                    let id = cm_create(&el, &text, on_change.as_ref().unchecked_ref(), readonly);
                    let handed = handoff.borrow_mut().take();
                    if let Some((from, to)) = handed {
                        // The learner was in the textarea: go on where they were.
                        cm_reveal(id, from, to);
                    }
                    LIVE_ID.with(|l| l.set(Some(id)));
                    *live.borrow_mut() = Some(Live { id, _on_change: on_change });
                }
            }
        });
    }
    {
        // Text replaced from outside the editor (a scenario, saved work): show it.
        let live = Rc::clone(&live);
        let text = Rc::clone(&app.text);
        use_effect_with(app.load_seq, move |_| {
            if let Some(l) = live.borrow().as_ref() {
                cm_set_text(l.id, &text);
            }
        });
    }
    {
        let live = Rc::clone(&live);
        use_effect_with((Rc::clone(&app.analysis), *use_cm), move |(analysis, _)| {
            let analysis = Rc::clone(analysis);
            // A task of its own: a thousand squiggles are not drawn in the task that drew the
            // topology.
            wasm_bindgen_futures::spawn_local(async move {
                crate::browser::next_task().await;
                if let Some(l) = live.borrow().as_ref() {
                    // CodeMirror draws each squiggle; a thousand is plenty to read.
                    let diags: Vec<_> = analysis
                        .capped_diagnostics(1000)
                        .0
                        .into_iter()
                        .filter(|d| d.file == 0)
                        .map(|d| CmDiagnostic {
                            from: d.from,
                            to: d.to,
                            severity: match d.severity {
                                netsim::diagnostic::Severity::Error => "error",
                                netsim::diagnostic::Severity::Warning => "warning",
                                _ => "info",
                            },
                            message: if d.hints.is_empty() {
                                format!("{} [{}]", d.message, d.code)
                            } else {
                                format!("{} [{}]\n{}", d.message, d.code, d.hints.join("\n"))
                            },
                        })
                        .collect();
                    cm_set_diagnostics(l.id, &serde_json::to_string(&diags).unwrap_or_default());
                }
            });
        });
    }
    {
        // An edit the learner asked for, once the analysis is of the editor's text.
        let app2 = app.clone();
        use_effect_with(
            (app.pending_edit.clone(), Rc::clone(&app.analysis), app.full, app.sim_seq),
            move |(pending, ..)| {
                if let Some(p) = pending {
                    if try_apply(&app2, p) {
                        app2.dispatch(Action::ApplyEdit(None));
                    }
                }
            },
        );
    }
    {
        let live = Rc::clone(&live);
        let host = host.clone();
        use_effect_with(app.reveal, move |reveal| {
            if let Some((from, to, _)) = *reveal {
                if let Some(l) = live.borrow().as_ref() {
                    cm_reveal(l.id, from, to);
                } else if let Some(ta) = host.cast::<HtmlTextAreaElement>() {
                    let _ = ta.set_selection_range(from, to);
                    let _ = ta.focus();
                }
            }
        });
    }

    if *use_cm {
        html! { <div class="editor" data-testid="editor" ref={host}></div> }
    } else {
        let dispatcher = app.dispatcher();
        let oninput = Callback::from(move |e: InputEvent| {
            if let Some(ta) = e.target_dyn_into::<HtmlTextAreaElement>() {
                dispatcher.dispatch(Action::Edit(Rc::from(ta.value())));
            }
        });
        // The learner turns to the editor: bring CodeMirror now.
        let onfocus = Callback::from(|_: FocusEvent| load_editor());
        html! {
            <div class="editor" data-testid="editor">
                <textarea
                    {onfocus}
                    ref={host}
                    class="editor-fallback"
                    data-testid="editor-input"
                    aria-label="Kubernetes manifests (YAML)"
                    spellcheck="false"
                    readonly={app.readonly}
                    value={app.text.to_string()}
                    {oninput}
                />
            </div>
        }
    }
}
