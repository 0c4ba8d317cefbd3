//! The engine crashed on this input (a bug in the simulator, never the learner's fault): say
//! so, keep the text (it is in the editor and saved in the browser), and offer a bug report
//! with the input attached.

use yew::prelude::*;

use crate::hooks::use_app;
use crate::state::EngineProblem;

#[component]
pub fn CrashBanner() -> Html {
    let app = use_app();
    if let Some(notice) = &app.notice {
        let dismiss = {
            let app = app.clone();
            Callback::from(move |_: MouseEvent| app.dispatch(crate::state::Action::Notice(None)))
        };
        return html! {
            <div class="banner warn" role="status" data-testid="notice">
                { notice.to_string() }{ " " }
                <button type="button" onclick={dismiss}>{ "Dismiss" }</button>
            </div>
        };
    }
    match app.engine_problem.as_deref() {
        None => html! {},
        Some(EngineProblem::Unavailable(m)) => html! {
            <div class="banner warn" role="alert" data-testid="engine-unavailable">{ m }</div>
        },
        Some(EngineProblem::Crashed { message, report, text }) => {
            let body = format!(
                "kube-netsim crashed.\n\n{report}\n\npanic: {message}\n\n--- input (manifests.yaml) ---\n{text}"
            );
            html! {
                <div class="banner error" role="alert" data-testid="crash-report">
                    <strong>{ "The simulator hit a bug on this input." }</strong>
                    { " Your text is safe — it stays in the editor and in this browser. Edit it to try again, or send this report:" }
                    <details>
                        <summary>{ "Bug report (with your input attached)" }</summary>
                        <textarea readonly=true rows="8" data-testid="crash-report-text" value={body} />
                    </details>
                </div>
            }
        }
    }
}
