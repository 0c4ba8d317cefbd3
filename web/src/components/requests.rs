//! The request panel: pick a source (a Pod, a node, or a client outside the cluster), type a
//! target, send one request (its path is drawn on the topology and the hops are listed, ending
//! in the outcome, the reason and the fix) or a hundred (how they spread over the endpoints).
//! Ctrl/Cmd+Enter sends from anywhere on the page.

use netsim::request::{Outcome, Report};
use netsim::session::Question;
use yew::prelude::*;

use crate::hooks::use_app;
use crate::state::Action;

/// How many requests "Send 100" sends.
const MANY: u32 = 100;

#[component]
pub fn RequestsPanel() -> Html {
    let app = use_app();
    let t = &app.last_good.topology;
    // Sources: every Pod (and each container of a Pod with several: `pod/NS/NAME:CONTAINER`),
    // every node, and the outside world.
    let mut sources: Vec<(String, String)> = Vec::new();
    for p in t.nodes.iter().flat_map(|n| n.pods.iter()) {
        sources.push((p.id.clone(), format!("Pod {}/{}", p.namespace, p.name)));
        if p.container_names.len() > 1 {
            for name in &p.container_names {
                sources.push((
                    format!("{}:{name}", p.id),
                    format!("  container {name} of {}/{}", p.namespace, p.name),
                ));
            }
        }
    }
    sources.extend(
        t.nodes
            .iter()
            .filter(|n| !n.name.is_empty())
            .map(|n| (n.id.clone(), format!("Node {}", n.name))),
    );
    sources.push(("external".into(), "A client outside the cluster".into()));
    let suggested = app.current_scenario().and_then(|s| s.requests.first().cloned());
    let from = use_state(|| None::<String>);
    let target = use_state(|| None::<String>);
    // The scenario's first suggested request, else a Pod called `client`, else the first Pod.
    let from_value = (*from)
        .clone()
        .or_else(|| app.request.as_ref().map(|r| full_source(&r.0)))
        .or_else(|| suggested.as_ref().map(|s| full_source(&s.0)))
        .filter(|f| sources.iter().any(|s| s.0 == *f))
        .or_else(|| sources.iter().find(|s| s.0.ends_with("/client")).map(|s| s.0.clone()))
        .or_else(|| sources.first().map(|s| s.0.clone()))
        .unwrap_or_default();
    let target_value = (*target)
        .clone()
        .or_else(|| app.request.as_ref().map(|r| r.1.clone()))
        .or_else(|| suggested.as_ref().map(|s| s.1.clone()))
        .or_else(|| t.services.first().map(|s| format!("http://{}.{}/", s.name, s.namespace)))
        .unwrap_or_default();
    let result = use_state(|| None::<(u32, Result<Report, String>)>);
    let sent = use_mut_ref(|| 0u64);
    let busy = use_state(|| false);

    // Sends `count` requests from `from` to `target`.
    let send_to = {
        let app = app.clone();
        let result = result.clone();
        let busy = busy.clone();
        Callback::from(move |(count, from_value, target_value): (u32, String, String)| {
            let seed = {
                let mut n = sent.borrow_mut();
                *n += 1;
                *n - 1
            };
            let question = Question::Request {
                from: from_value.clone(),
                target: target_value.clone(),
                count,
                seed,
            };
            let args = crate::engine::ask_args(&question);
            let (app, result, busy) = (app.clone(), result.clone(), busy.clone());
            let (from, target) = (from_value, target_value);
            busy.set(true);
            app.dispatch(Action::SetRequest(from.clone(), target));
            wasm_bindgen_futures::spawn_local(async move {
                let r = app.engine.call("ask", &args).await.map_err(|e| e.to_string()).and_then(
                    |json| serde_json::from_str::<Report>(&json).map_err(|e| e.to_string()),
                );
                // The boxes the request went through: the core names them (an outside client
                // is not an object; its box is the source itself).
                let mut path: Vec<String> =
                    r.iter().flat_map(|r| r.path.iter().map(|o| o.topology_id())).collect();
                if from == "external" {
                    path.insert(0, from);
                }
                app.dispatch(Action::Highlight(path, r.as_ref().ok().map(|r| r.outcome)));
                result.set(Some((count, r)));
                busy.set(false);
            });
        })
    };
    let send = {
        let send_to = send_to.clone();
        let (from_value, target_value) = (from_value.clone(), target_value.clone());
        Callback::from(move |count: u32| {
            send_to.emit((count, from_value.clone(), target_value.clone()))
        })
    };
    {
        // Another pane asked to send a request (a reachability matrix cell): show it here as
        // the panel's own request, and send it.
        let seen = use_mut_ref(|| app.send_seq);
        let (from, target) = (from.clone(), target.clone());
        let request = app.request.clone();
        use_effect_with(app.send_seq, move |&seq| {
            if *seen.borrow() != seq {
                *seen.borrow_mut() = seq;
                if let Some(r) = request {
                    from.set(Some(r.0.clone()));
                    target.set(Some(r.1.clone()));
                    send_to.emit((1, r.0.clone(), r.1.clone()));
                }
            }
        });
    }
    {
        // Ctrl/Cmd+Enter sends one request from anywhere on the page.
        let send = send.clone();
        use_effect_with(send, move |send| {
            let send = send.clone();
            let listener = crate::browser::on_key(move |e: &KeyboardEvent| {
                if e.key() == "Enter" && (e.ctrl_key() || e.meta_key()) {
                    e.prevent_default();
                    send.emit(1);
                }
            });
            move || drop(listener)
        });
    }
    let on_from = crate::components::on_select(move |v| from.set(Some(v)));
    let on_target = {
        Callback::from(move |e: InputEvent| {
            if let Some(el) = e.target_dyn_into::<web_sys::HtmlInputElement>() {
                target.set(Some(el.value()));
            }
        })
    };
    let send_one = {
        let send = send.clone();
        Callback::from(move |_: MouseEvent| send.emit(1))
    };
    // Enter in the target field sends one, as a form does (Ctrl/Cmd+Enter is handled above and
    // stops this default).
    let onsubmit = {
        let (send, busy) = (send.clone(), busy.clone());
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            if !*busy {
                send.emit(1);
            }
        })
    };
    let send_many = Callback::from(move |_: MouseEvent| send.emit(MANY));
    // The select shows the source even when it changes from elsewhere (a matrix cell): once a
    // learner has picked an option, the options' `selected` attributes no longer move it.
    let from_ref = use_node_ref();
    {
        let from_ref = from_ref.clone();
        use_effect_with(from_value.clone(), move |v| {
            if let Some(el) = from_ref.cast::<web_sys::HtmlSelectElement>() {
                el.set_value(v);
            }
        });
    }
    let select = {
        let app = app.clone();
        Callback::from(move |id: String| app.dispatch(Action::Select(Some(std::rc::Rc::from(id)))))
    };
    html! {
        <section class="requests" data-testid="requests" aria-label="Requests">
            <form class="request-form" {onsubmit}>
                <label>{ "From " }
                    <select data-testid="request-from" onchange={on_from} aria-label="Source" ref={from_ref}>
                        { for sources.iter().map(|(id, label)| html! {
                            <option value={id.clone()} selected={*id == from_value}>{ label }</option>
                        }) }
                    </select>
                </label>
                <label class="grow">{ "to " }
                    <input type="text" data-testid="request-target" value={target_value.clone()} oninput={on_target}
                        placeholder="http://web.default.svc.cluster.local/ or 10.96.0.10:53" aria-label="Target"
                        spellcheck="false" autocomplete="off" />
                </label>
                <button type="button" class="primary" data-testid="request-send" onclick={send_one} disabled={*busy}
                    title="Send one request (Ctrl/Cmd+Enter)">{ "Send" }</button>
                <button type="button" data-testid="request-send-many" onclick={send_many} disabled={*busy}
                    title="Send 100 requests and see how they spread over the endpoints">{ format!("Send {MANY}") }</button>
            </form>
            // A live region: a screen reader reads the outcome when a request comes back.
            <div class="request-result" aria-live="polite" data-testid="request-result">
                { match &*result {
                    None => html! { <p class="muted hint">{ "Send a request to see every hop: DNS, kube-proxy's rules, routing, delivery." }</p> },
                    Some((_, Err(e))) => html! { <p class="error" data-testid="request-error">{ e }</p> },
                    Some((count, Ok(r))) => report_view(*count, r, &select),
                } }
            </div>
        </section>
    }
}

fn report_view(count: u32, r: &Report, select: &Callback<String>) -> Html {
    let unknown = r.outcome == Outcome::Unknown;
    let outcome = html! {
        <div class={classes!("outcome", r.outcome.as_str())} data-testid="request-outcome" data-outcome={r.outcome.as_str()}>
            <strong>{ r.outcome.title() }</strong>
            if let Some(e) = &r.endpoint { <span>{ format!(" → {} ({}:{})", e.who(), e.ip, e.port) }</span> }
            <p data-testid="request-reason">{ &r.reason }</p>
            if unknown {
                <p class="unknown-note" data-testid="request-unknown-note">
                    { "Not a failure: the manifests cannot decide this, so the simulator does not guess. A real cluster may answer either way." }
                </p>
            }
            if !r.fix.is_empty() { <p class="fix" data-testid="request-fix">{ format!("Fix: {}", r.fix) }</p> }
            if !r.policies.is_empty() {
                <div class="policy-effects" data-testid="request-policies">
                    <span class="muted">{ "Policies: " }</span>
                    { policy_chips(&r.policies, r.outcome, select) }
                </div>
            }
        </div>
    };
    if count > 1 {
        let total: u32 = r.distribution.iter().map(|s| s.count).sum::<u32>().max(1);
        let outcomes: Vec<String> =
            r.outcomes.iter().map(|(o, n)| format!("{} {n}", o.as_str())).collect();
        let zoned = r.source_zone.is_some() || r.distribution.iter().any(|s| s.zone.is_some());
        return html! {
            <div class="request-result">
                { outcome }
                <figure class="distribution" data-testid="request-distribution" data-source-zone={r.source_zone.clone().unwrap_or_default()}>
                    <figcaption>
                        { format!("{count} requests over {} endpoints ({})", r.distribution.len(), outcomes.join(", ")) }
                        if let Some(z) = &r.source_zone {
                            <span class="zone-chip" data-testid="request-source-zone">{ format!("client in zone {z}") }</span>
                        }
                    </figcaption>
                    { for r.distribution.iter().map(|s| {
                        let pct = s.count * 100 / total;
                        let pod = s.pod.as_ref().map_or("-".to_string(), ToString::to_string);
                        let same = zoned && s.zone.is_some() && s.zone == r.source_zone;
                        html! {
                            <div class={classes!("bar-row", same.then_some("same-zone"))} data-pod={pod.clone()} data-count={s.count.to_string()}
                                data-zone={s.zone.clone().unwrap_or_default()}>
                                <span class="bar-label">
                                    { format!("{pod} {}:{}", s.ip, s.port) }
                                    if zoned {
                                        <span class="zone-chip">{ s.zone.as_deref().map_or("no zone".to_string(), |z| format!("zone {z}")) }</span>
                                    }
                                </span>
                                <span class="bar"><span class="fill" style={format!("width:{pct}%")}></span></span>
                                <span class="bar-count">{ s.count }</span>
                            </div>
                        }
                    }) }
                </figure>
            </div>
        };
    }
    html! {
        <div class="request-result">
            <ol class="hops" data-testid="request-hops">
                { for r.hops.iter().enumerate().map(|(i, h)| html! {
                    <li class={classes!("hop", h.kind.as_str())} style={format!("animation-delay:{}ms", i * 90)} data-kind={h.kind.as_str()}>
                        <span class="hop-kind">{ h.kind.as_str() }</span>
                        if let Some(n) = &h.node { <span class="hop-node">{ n }</span> }
                        <span class="hop-text">{ &h.text }</span>
                        if let Some(rule) = &h.rule { <code class="hop-rule">{ rule }</code> }
                        if !h.policies.is_empty() {
                            <div class="hop-policies">{ policy_chips(&h.policies, r.outcome, select) }</div>
                        }
                    </li>
                }) }
            </ol>
            { outcome }
        </div>
    }
}

/// The policies that took part, each a button that opens it in the inspector. The ones that
/// decided are marked: a deny when the request was dropped, the allows when it went through.
fn policy_chips(
    policies: &[netsim::policy::PolicyEffect],
    outcome: Outcome,
    select: &Callback<String>,
) -> Html {
    html! {
        { for policies.iter().map(|p| {
            let effect = p.effect.as_str();
            let decided = match outcome {
                Outcome::Connected => p.effect == netsim::policy::Effect::Allow,
                _ => p.effect == netsim::policy::Effect::Deny,
            };
            let id = crate::components::inspector::policy_id(p.kind, &p.name);
            let select = select.clone();
            let onclick = Callback::from(move |_: MouseEvent| select.emit(id.clone()));
            html! {
                <button type="button" class={classes!("policy-chip", effect, decided.then_some("decided"))}
                    data-testid="policy-effect" data-effect={effect} data-decided={decided.to_string()} data-policy={p.name.clone()}
                    title={p.kind.as_str()} {onclick}>
                    { format!("{} {} {} {}", if decided { "★" } else { "·" }, p.name, p.direction.as_str(), effect) }
                </button>
            }
        }) }
    }
}

/// `pod/NAME` means the Pod in default, as the CLI reads it; the picture's ids are complete.
fn full_source(from: &str) -> String {
    match from.strip_prefix("pod/") {
        Some(rest) if !rest.contains('/') => format!("pod/default/{rest}"),
        _ => from.to_string(),
    }
}
