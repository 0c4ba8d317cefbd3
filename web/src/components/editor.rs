//! The YAML editor: CodeMirror 6 (bundled `editor.js`, `window.NetsimEditor`) when present, a
//! plain `<textarea>` otherwise (e.g. in component tests, which run without the bundle).

use std::cell::RefCell;
use std::rc::Rc;

use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::HtmlTextAreaElement;
use yew::prelude::*;

use crate::hooks::use_app;
use crate::state::Action;

#[wasm_bindgen]
extern "C" {
    #[wasm_bindgen(js_namespace = NetsimEditor, js_name = create)]
    fn cm_create(
        parent: &web_sys::Element,
        text: &str,
        on_change: &js_sys::Function,
        read_only: bool,
    ) -> u32;
    #[wasm_bindgen(js_namespace = NetsimEditor, js_name = setText)]
    fn cm_set_text(id: u32, text: &str);
    #[wasm_bindgen(js_namespace = NetsimEditor, js_name = setDiagnostics)]
    fn cm_set_diagnostics(id: u32, json: &str);
    #[wasm_bindgen(js_namespace = NetsimEditor, js_name = reveal)]
    fn cm_reveal(id: u32, from: u32, to: u32);
}

/// Whether the CodeMirror bundle is loaded on this page.
fn codemirror_available() -> bool {
    web_sys::window()
        .and_then(|w| js_sys::Reflect::get(&w, &JsValue::from_str("NetsimEditor")).ok())
        .is_some_and(|v| !v.is_undefined())
}

/// The live CodeMirror instance and the closure it calls on every edit.
struct Live {
    id: u32,
    _on_change: Closure<dyn FnMut(String)>,
}

#[component]
pub fn Editor() -> Html {
    let app = use_app();
    let host = use_node_ref();
    let live: Rc<RefCell<Option<Live>>> = use_mut_ref(|| None);
    let use_cm = use_memo((), |()| codemirror_available());

    {
        let host = host.clone();
        let live = Rc::clone(&live);
        let dispatcher = app.dispatcher();
        let text = Rc::clone(&app.text);
        let readonly = app.readonly;
        use_effect_with((), move |()| {
            if let Some(el) = host.cast::<web_sys::Element>() {
                if codemirror_available() {
                    let on_change = Closure::<dyn FnMut(String)>::new(move |t: String| {
                        dispatcher.dispatch(Action::Edit(Rc::from(t)));
                    });
                    let id = cm_create(&el, &text, on_change.as_ref().unchecked_ref(), readonly);
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
        use_effect_with(Rc::clone(&app.analysis), move |analysis| {
            if let Some(l) = live.borrow().as_ref() {
                // CodeMirror draws each squiggle; a thousand is plenty to read.
                let diags: Vec<_> = analysis
                    .capped_diagnostics(1000)
                    .0
                    .into_iter()
                    .filter(|d| d.file == 0)
                    .map(|d| {
                        serde_json::json!({
                            "from": d.from,
                            "to": d.to,
                            "severity": match d.severity {
                                netsim::diagnostic::Severity::Error => "error",
                                netsim::diagnostic::Severity::Warning => "warning",
                                _ => "info",
                            },
                            "message": if d.hints.is_empty() {
                                format!("{} [{}]", d.message, d.code)
                            } else {
                                format!("{} [{}]\n{}", d.message, d.code, d.hints.join("\n"))
                            },
                        })
                    })
                    .collect();
                cm_set_diagnostics(l.id, &serde_json::Value::Array(diags).to_string());
            }
        });
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
        html! {
            <div class="editor" data-testid="editor">
                <textarea
                    ref={host}
                    class="editor-fallback"
                    data-testid="editor-input"
                    aria-label="Kubernetes manifests (YAML)"
                    spellcheck="false"
                    value={app.text.to_string()}
                    {oninput}
                />
            </div>
        }
    }
}
