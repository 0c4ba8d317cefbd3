//! The what-if timeline: the events applied so far, and the next moments the cluster is waiting
//! for (a deleted Pod's grace period running out — `view::PendingMoment` from the core), each a
//! button that moves the timeline on.

use yew::prelude::*;

use crate::hooks::AppContext;
use crate::state::Action;

/// The timeline strip (nothing when no what-if is applied or pending). A function, not a
/// component: each component type costs the page's first load.
pub fn timeline(app: &AppContext) -> Html {
    let pending = &app.last_good.pending;
    if app.what_ifs.is_empty() && pending.is_empty() {
        return html! {};
    }
    let undo = {
        let app = app.clone();
        Callback::from(move |_: MouseEvent| app.dispatch(Action::ClearWhatIfs))
    };
    html! {
        <div class="timeline" data-testid="timeline" role="group" aria-label="What-if timeline">
            <span class="muted">{ "What-ifs:" }</span>
            <ol class="timeline-steps">
                { for app.what_ifs.iter().map(|e| html! { <li class="done"><code>{ e }</code></li> }) }
            </ol>
            if !pending.is_empty() {
                <span class="muted">{ "Next:" }</span>
                { for pending.iter().map(|m| {
                    let app = app.clone();
                    let event = m.event.clone();
                    let onclick = Callback::from(move |_: MouseEvent| app.dispatch(Action::WhatIf(event.clone())));
                    html! {
                        <button type="button" class="next-moment" data-testid="timeline-next" data-event={m.event.clone()}
                            title={m.text.clone()} {onclick}>{ format!("⏭ {}", m.title) }</button>
                    }
                }) }
            }
            <button type="button" class="undo" onclick={undo} disabled={app.what_ifs.is_empty()}
                data-testid="timeline-undo">{ "Undo all" }</button>
        </div>
    }
}
