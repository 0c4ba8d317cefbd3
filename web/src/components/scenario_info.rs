//! What the open scenario teaches: its explanation, the requests to try, and "try this" prompts.

use yew::prelude::*;

use crate::hooks::use_app;

#[component]
pub fn ScenarioInfoPanel() -> Html {
    let app = use_app();
    let Some(info) = app.current_scenario() else { return html! {} };
    let requests = info.requests.iter().map(|(from, target, expect)| {
        html! {
            <li><code>{ format!("netsim request {from} {target}") }</code>
                <span class={classes!("expect", expect.clone())}>{ format!(" → {expect}") }</span></li>
        }
    });
    html! {
        <section class="scenario-info" data-testid="scenario-info" aria-label="About this scenario">
            <h2>{ &info.title }<span class="count">{ &info.lesson }</span></h2>
            <p>{ &info.explanation }</p>
            if !info.requests.is_empty() {
                <details>
                    <summary>{ "Requests to send" }</summary>
                    <ul class="requests">{ for requests }</ul>
                </details>
            }
            if !info.try_this.is_empty() {
                <details open=true>
                    <summary>{ "Try this" }</summary>
                    <ul>{ for info.try_this.iter().map(|t| html! { <li>{ t }</li> }) }</ul>
                </details>
            }
        </section>
    }
}
