//! What the open scenario teaches: its explanation, the requests to try, and "try this" prompts.

use yew::prelude::*;

use serde::Deserialize;

use crate::hooks::{use_app, use_engine};

#[derive(Deserialize)]
struct ChallengeStatus {
    solved: bool,
    requirements: Vec<Requirement>,
}

#[derive(Deserialize)]
struct Requirement {
    side: String,
    from: String,
    target: String,
    met: bool,
    message: String,
}

#[component]
pub fn ScenarioInfoPanel() -> Html {
    let app = use_app();
    let challenge = app.current_scenario().and_then(|s| s.challenge.clone());
    // A challenge is checked live against every version of the learner's text.
    let status = use_engine(
        "checkChallenge",
        challenge.map(|c| format!("{{\"challenge\":{c}}}")).unwrap_or_default(),
    );
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
            if info.challenge.is_some() {
                { challenge_view(status) }
            }
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

fn challenge_view(status: Option<Result<String, String>>) -> Html {
    let Some(status) = status else {
        return html! { <p class="muted">{ "Checking the goal…" }</p> };
    };
    let status =
        status.and_then(|j| serde_json::from_str::<ChallengeStatus>(&j).map_err(|e| e.to_string()));
    match status {
        Err(e) => html! { <p class="error">{ e }</p> },
        Ok(s) => html! {
            <div class={classes!("challenge", s.solved.then_some("solved"))} data-testid="challenge" data-solved={s.solved.to_string()}>
                <strong>{ if s.solved { "✓ Solved! Every requirement holds." } else { "Goal not met yet:" } }</strong>
                <ul class="checklist">
                    { for s.requirements.iter().map(|r| html! {
                        <li class={if r.met { "pass" } else { "fail" }}>
                            <span class="mark">{ if r.met { "✓" } else { "✗" } }</span>
                            <code>{ format!("{} → {}", r.from, r.target) }</code>
                            { if r.side == "mustFail" { " must fail" } else { " must succeed" } }
                            if !r.met { <div class="evidence">{ &r.message }</div> }
                        </li>
                    }) }
                </ul>
            </div>
        },
    }
}
