//! The reachability matrix: for the Pods on the topology, may each source (row) open a
//! connection to each destination (column), on the destination's first declared port? ✓ allowed,
//! ✗ denied by a NetworkPolicy, ? left to the network plugin — the core's `policy::Matrix`.
//! Clicking a cell sends that request (the source Pod to the destination Pod's IP and port) and
//! shows its trace in the request panel.

use yew::prelude::*;

use netsim::policy::{Decision, Matrix};
use netsim::session::Question;

use crate::hooks::{use_app, use_ask};
use crate::state::Action;

/// Pods the matrix takes at most (a 40 × 40 table is as much as a screen reads).
const MAX_PODS: usize = 40;

#[component]
pub fn ReachabilityView() -> Html {
    let app = use_app();
    let t = &app.last_good.topology;
    let all: Vec<String> = t
        .nodes
        .iter()
        .flat_map(|n| n.pods.iter())
        .map(|p| format!("{}/{}", p.namespace, p.name))
        .collect();
    let pods: Vec<String> = all.iter().take(MAX_PODS).cloned().collect();
    let matrix = use_ask::<Matrix>(
        (!pods.is_empty()).then(|| Question::Matrix { pods: pods.clone(), port: None }),
    );
    let body = match &matrix {
        _ if pods.is_empty() => html! { <p class="muted">{ "No Pods on the topology." }</p> },
        None => html! { <p class="muted">{ "…" }</p> },
        Some(Err(e)) => html! { <p class="error">{ e }</p> },
        Some(Ok(m)) => table(&app, m),
    };
    html! {
        <section class="text-view reach" data-testid="reach-view" aria-label="Reachability">
            <p class="muted">
                { "May the Pod of each row open a connection to the Pod of each column (on its first declared port)? \
                   ✓ allowed · ✗ denied by a policy · ? left to the network plugin. Click a cell to send that request and see its trace." }
            </p>
            if all.len() > MAX_PODS {
                <p class="muted">{ format!("The first {MAX_PODS} of {} Pods.", all.len()) }</p>
            }
            { body }
        </section>
    }
}

fn table(app: &crate::hooks::AppContext, m: &Matrix) -> Html {
    let by = |i: Option<u32>| -> String {
        i.and_then(|i| m.policies.get(i as usize))
            .map(|p| format!(" by {} {}", p.kind.as_str(), p.name))
            .unwrap_or_default()
    };
    html! {
        <>
            <p data-testid="reach-summary">
                { format!("{} allowed, {} denied, {} unknown", m.allowed, m.denied, m.unknown) }
                if m.policies.is_empty() {
                    <span class="muted">{ " — no NetworkPolicy: every Pod may reach every Pod." }</span>
                }
            </p>
            <div class="matrix-wrap">
                <table class="grid matrix" data-testid="reach-matrix">
                    <thead>
                        <tr>
                            <th scope="col">{ "from ↓ to →" }</th>
                            { for m.pods.iter().zip(&m.ports).map(|(p, port)| html! {
                                <th scope="col" title={format!("{p} on {}/{}", port.port, port.protocol)}>
                                    <div>{ p }</div>
                                    <div class="muted">{ format!("{}/{}", port.port, port.protocol) }</div>
                                </th>
                            }) }
                        </tr>
                    </thead>
                    <tbody>
                        { for m.pods.iter().zip(&m.cells).map(|(src, row)| html! {
                            <tr>
                                <th scope="row">{ src }</th>
                                { for row.iter().zip(m.pods.iter().zip(&m.ports)).map(|(c, (dst, port))| {
                                    let (mark, word) = match c.decision {
                                        Decision::Allowed => ("✓", "allowed"),
                                        Decision::Denied => ("✗", "denied"),
                                        Decision::Unknown => ("?", "unknown"),
                                    };
                                    let label = format!(
                                        "{src} → {dst} {}/{}: {word}{}{}",
                                        port.port,
                                        port.protocol,
                                        c.direction.map(|d| format!(" ({})", d.as_str())).unwrap_or_default(),
                                        by(c.by)
                                    );
                                    let from = format!("pod/{src}");
                                    let target = port.target.clone();
                                    let app = app.clone();
                                    let onclick = Callback::from(move |_: MouseEvent| {
                                        app.dispatch(Action::Send(from.clone(), target.clone()))
                                    });
                                    html! {
                                        <td class={classes!("cell", c.decision.as_str())}>
                                            <button type="button" data-testid="reach-cell" data-decision={c.decision.as_str()}
                                                data-from={src.clone()} data-to={dst.clone()} aria-label={label.clone()} title={label}
                                                disabled={port.target.is_empty()} {onclick}>{ mark }</button>
                                        </td>
                                    }
                                }) }
                            </tr>
                        }) }
                    </tbody>
                </table>
            </div>
        </>
    }
}
