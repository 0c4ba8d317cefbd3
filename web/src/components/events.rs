//! The event log: what the controllers, scheduler and kubelet did, and the what-if events the
//! learner applied (each can be undone all at once).

use yew::prelude::*;

use crate::hooks::use_app;
use crate::state::Action;

#[component]
pub fn EventsView() -> Html {
    let app = use_app();
    let clear = {
        let app = app.clone();
        Callback::from(move |_: MouseEvent| app.dispatch(Action::ClearWhatIfs))
    };
    let events = &app.cluster.events;
    html! {
        <section class="text-view" data-testid="events-view" aria-label="Events">
            <div class="view-toolbar">
                <span>{ format!("What-if events applied: {}", app.what_ifs.len()) }</span>
                <button type="button" onclick={clear} disabled={app.what_ifs.is_empty()} data-testid="whatif-reset">{ "Undo all what-ifs" }</button>
            </div>
            if !app.what_ifs.is_empty() {
                <ol class="plain" data-testid="whatif-list">{ for app.what_ifs.iter().map(|e| html! { <li><code>{ e }</code></li> }) }</ol>
            }
            { for app.cluster.what_if_errors.iter().map(|e| html! { <p class="error">{ e }</p> }) }
            <table class="grid events" data-testid="events-table">
                <thead><tr><th>{ "NAMESPACE" }</th><th>{ "TYPE" }</th><th>{ "REASON" }</th><th>{ "OBJECT" }</th><th>{ "MESSAGE" }</th></tr></thead>
                <tbody>
                    if app.cluster.omitted_events > 0 {
                        <tr class="more" data-testid="events-omitted"><td colspan="5">{ format!("… {} earlier events not shown", app.cluster.omitted_events) }</td></tr>
                    }
                    { for events.iter().map(|e| html! {
                        <tr class={e.type_.as_str().to_ascii_lowercase()}>
                            <td>{ &e.namespace }</td><td>{ e.type_.as_str() }</td><td>{ &e.reason }</td><td>{ &e.object }</td><td>{ &e.message }</td>
                        </tr>
                    }) }
                </tbody>
            </table>
        </section>
    }
}
