//! The problems list: every diagnostic with its position; clicking one reveals it in the editor,
//! and a diagnostic that carries a fix (a missing Namespace…) offers it as a button.

use netsim::diagnostic::Severity;
use yew::prelude::*;

use crate::hooks::use_app;
use crate::state::Action;

/// Rows the list draws at most; the rest are counted.
const SHOWN: usize = 200;

#[component]
pub fn Problems() -> Html {
    let app = use_app();
    let a = &app.analysis;
    let summary = match (a.errors, a.warnings) {
        (0, 0) => "No problems".to_string(),
        (e, w) => format!("{} {}, {} {}", e, plural(e, "error"), w, plural(w, "warning")),
    };
    let (shown, hidden) = a.capped_diagnostics(SHOWN);
    let rows = shown.into_iter().map(|d| {
        let (from, to) = (d.from, d.to);
        let dispatcher = app.dispatcher();
        let onclick = Callback::from(move |_| dispatcher.dispatch(Action::Reveal { from, to }));
        let sev = match d.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Info | Severity::Hint => "info",
        };
        html! {
            <li class={classes!("problem", sev)} data-testid="problem">
                <button type="button" {onclick} title="Show in the editor">
                    <span class="sev" aria-label={sev}>{ match d.severity {
                        Severity::Error => "✖",
                        Severity::Warning => "▲",
                        _ => "ℹ",
                    } }</span>
                    <span class="pos">{ format!("{}:{}", d.line, d.col) }</span>
                    <span class="msg">{ &d.message }</span>
                    <code class="code">{ &d.code }</code>
                </button>
                { for d.hints.iter().map(|h| html! { <div class="hint">{ h }</div> }) }
                if let Some(fix) = &d.fix {
                    <button type="button" class="fix-button" data-testid="problem-fix" disabled={app.readonly}
                        onclick={apply_fix(&app, d, fix)} title="Apply this fix in the editor (one undo step)">
                        { format!("Fix: {}", fix.title) }
                    </button>
                }
            </li>
        }
    });
    html! {
        <section class="problems" aria-label="Problems" data-testid="problems">
            <h2>{ "Problems" }<span class="count" data-testid="problem-summary">{ summary }</span></h2>
            <ul>
                { for rows }
                if hidden > 0 {
                    <li class="problem more" data-testid="problems-more">
                        { format!("… and {hidden} more (the errors are all listed first)") }
                    </li>
                }
            </ul>
        </section>
    }
}

fn apply_fix(
    app: &crate::hooks::AppContext,
    d: &netsim::view::DiagnosticRow,
    fix: &netsim::view::FixRow,
) -> Callback<MouseEvent> {
    let app = app.clone();
    let edit = crate::state::PendingEdit::Fix { code: d.code.clone(), title: fix.title.clone() };
    Callback::from(move |_| crate::components::editor::request_edit(&app, edit.clone()))
}

fn plural(n: usize, word: &str) -> String {
    if n == 1 {
        word.to_string()
    } else {
        format!("{word}s")
    }
}
