//! The inspector: what a click on the topology selected. A Service shows its selector-match
//! table (every Pod of its namespace, ✓/✗ per selector pair), endpoints with conditions, DNS
//! names, the Debug Services checklist and its kube-proxy rules on each node; a Pod its labels,
//! containers, node, IP and the Services that select it; a node its Pods. What-if buttons
//! change the running cluster (delete a Pod, make it unready, scale its workload, take a node
//! down). Everything shown comes from the view model or the engine.

use netsim::view::{EdgeKind, NodeBox, PodBox, ServiceBox, Topology};
use serde::Deserialize;
use yew::prelude::*;

use crate::hooks::{use_app, use_engine};
use crate::state::Action;

#[component]
pub fn Inspector() -> Html {
    let app = use_app();
    let Some(id) = app.selected.clone() else { return html! {} };
    let t = &app.last_good.topology;
    let close = {
        let app = app.clone();
        Callback::from(move |_: MouseEvent| app.dispatch(Action::Select(None)))
    };
    let body = if let Some(s) = t.services.iter().find(|s| *s.id == *id) {
        html! { <ServiceInspector service={s.id.clone()} /> }
    } else if let Some(p) = all_pods(t).find(|p| *p.id == *id) {
        pod_view(&app, t, p)
    } else if let Some(n) = t.nodes.iter().find(|n| *n.id == *id) {
        node_view(&app, n)
    } else {
        html! { <p class="muted">{ format!("{id} is no longer in the cluster.") }</p> }
    };
    html! {
        <aside class="inspector" data-testid="inspector" aria-label="Inspector">
            <button type="button" class="close" onclick={close} aria-label="Close the inspector"
                data-testid="inspector-close">{ "×" }</button>
            { body }
        </aside>
    }
}

fn all_pods(t: &Topology) -> impl Iterator<Item = &PodBox> {
    t.nodes.iter().flat_map(|n| n.pods.iter())
}

fn what_if(app: &crate::hooks::AppContext, event: String) -> Callback<MouseEvent> {
    let app = app.clone();
    Callback::from(move |_| app.dispatch(Action::WhatIf(event.clone())))
}

fn pod_view(app: &crate::hooks::AppContext, t: &Topology, p: &PodBox) -> Html {
    let selected_by: Vec<&ServiceBox> = t
        .edges
        .iter()
        .filter(|e| e.to == p.id && matches!(e.kind, EdgeKind::Ready | EdgeKind::NotReady))
        .filter_map(|e| t.services.iter().find(|s| s.id == e.from))
        .collect();
    let ns_name = format!("{}/{}", p.namespace, p.name);
    let ready = p.state == netsim::view::PodState::Ready;
    let scale = p.owner.as_deref().and_then(|o| scalable_owner(app, &p.namespace, o));
    html! {
        <div data-testid="inspector-pod">
            <h3>{ "Pod " }<code>{ &p.name }</code></h3>
            <dl class="facts">
                <dt>{ "Namespace" }</dt><dd>{ &p.namespace }</dd>
                <dt>{ "IP" }</dt><dd data-testid="inspector-pod-ip">{ if p.ip.is_empty() { "<none>" } else { &p.ip } }</dd>
                <dt>{ "Node" }</dt><dd>{ if p.node.is_empty() { "<none>" } else { &p.node } }</dd>
                <dt>{ "State" }</dt><dd>{ p.state.as_str() }</dd>
                <dt>{ "Owner" }</dt><dd>{ p.owner.as_deref().unwrap_or("none (a bare Pod: nothing recreates it)") }</dd>
            </dl>
            <h4>{ "Labels" }</h4>
            <ul class="chips">
                { for p.labels.iter().map(|l| html! { <li><code>{ format!("{}={}", l.key, l.value) }</code></li> }) }
            </ul>
            if p.labels.is_empty() { <p class="muted">{ "No labels: no Service can select this Pod." }</p> }
            <h4>{ "Containers" }</h4>
            <ul class="plain">{ for p.containers.iter().map(|c| html! { <li><code>{ c }</code></li> }) }</ul>
            <h4>{ "Selected by" }</h4>
            if selected_by.is_empty() {
                <p class="muted" data-testid="inspector-selected-by">{ "No Service selects this Pod." }</p>
            } else {
                <ul class="plain" data-testid="inspector-selected-by">
                    { for selected_by.iter().map(|s| html! { <li><code>{ format!("{}/{}", s.namespace, s.name) }</code>{ format!(" ({})", s.type_) }</li> }) }
                </ul>
            }
            <h4>{ "What if…" }</h4>
            <div class="what-ifs">
                <button type="button" data-testid="whatif-delete-pod" onclick={what_if(app, format!("delete-pod/{ns_name}"))}
                    title="kubectl delete pod: its controller (if any) creates a replacement with a new IP">{ "Delete Pod" }</button>
                <button type="button" data-testid="whatif-ready" onclick={what_if(app, format!("pod-ready/{ns_name}={}", !ready))}
                    title="Flip the Ready condition, as a failing or passing readiness probe would">
                    { if ready { "Make unready" } else { "Make ready" } }</button>
                if let Some((kind, name, replicas)) = scale {
                    <button type="button" data-testid="whatif-scale-up" onclick={what_if(app, format!("scale/{kind}/{}/{name}={}", p.namespace, replicas + 1))}>
                        { format!("Scale {kind} to {}", replicas + 1) }</button>
                    if replicas > 0 {
                        <button type="button" data-testid="whatif-scale-down" onclick={what_if(app, format!("scale/{kind}/{}/{name}={}", p.namespace, replicas - 1))}>
                            { format!("Scale to {}", replicas - 1) }</button>
                    }
                }
            </div>
        </div>
    }
}

/// The workload to scale for a Pod's owner (`ReplicaSet/web-7d4b9c8f5` → its Deployment when
/// the input has one) and its current replica count (Pods of it on screen, not terminating).
fn scalable_owner(
    app: &crate::hooks::AppContext,
    namespace: &str,
    owner: &str,
) -> Option<(&'static str, String, usize)> {
    let (kind, name) = owner.split_once('/')?;
    let t = &app.last_good.topology;
    let replicas = all_pods(t)
        .filter(|p| p.owner.as_deref() == Some(owner))
        .filter(|p| p.state != netsim::view::PodState::Terminating)
        .count();
    match kind {
        "ReplicaSet" => {
            let deploy = name.rsplit_once('-').map(|(d, _)| d)?;
            let has_deploy =
                app.analysis.objects.iter().any(|o| {
                    o.kind == "Deployment" && o.namespace == namespace && o.name == deploy
                });
            Some(if has_deploy {
                ("deployment", deploy.to_string(), replicas)
            } else {
                ("replicaset", name.to_string(), replicas)
            })
        }
        "StatefulSet" => Some(("statefulset", name.to_string(), replicas)),
        _ => None,
    }
}

fn node_view(app: &crate::hooks::AppContext, n: &NodeBox) -> Html {
    let pods = n.pods.len() + n.groups.iter().map(|g| g.count).sum::<usize>();
    html! {
        <div data-testid="inspector-node">
            <h3>{ "Node " }<code>{ &n.name }</code></h3>
            <dl class="facts">
                <dt>{ "Role" }</dt><dd>{ &n.role }</dd>
                <dt>{ "InternalIP" }</dt><dd>{ &n.internal_ip }</dd>
                <dt>{ "Ready" }</dt><dd>{ if n.ready { "True" } else { "False (NotReady)" } }</dd>
                <dt>{ "Pods" }</dt><dd>{ pods }</dd>
            </dl>
            if !n.name.is_empty() && n.ready {
                <h4>{ "What if…" }</h4>
                <div class="what-ifs">
                    <button type="button" data-testid="whatif-node-down" onclick={what_if(app, format!("node-down/{}", n.name))}
                        title="The node stops reporting: NotReady, its Pods evicted and replaced elsewhere">{ "Take node down" }</button>
                </div>
            }
        </div>
    }
}

#[derive(Properties, PartialEq)]
struct ServiceProps {
    service: String,
}

#[derive(Deserialize)]
struct Explanation {
    checks: Vec<Check>,
}

#[derive(Deserialize)]
struct Check {
    mark: String,
    symbol: String,
    title: String,
    evidence: Vec<String>,
    fix: String,
}

#[component]
fn ServiceInspector(props: &ServiceProps) -> Html {
    let app = use_app();
    let t = &app.last_good.topology;
    let s = t.services.iter().find(|s| s.id == props.service);
    let ns_name = s.map(|s| format!("{}/{}", s.namespace, s.name)).unwrap_or_default();
    let explain = use_engine("explain", serde_json::json!({ "service": ns_name }).to_string());
    let Some(s) = s else { return html! {} };
    let pods: Vec<&PodBox> = all_pods(t).filter(|p| p.namespace == s.namespace).collect();
    let short = [
        (s.name.clone(), format!("from Pods in {}", s.namespace)),
        (format!("{}.{}", s.name, s.namespace), "from any namespace".to_string()),
        (s.dns_name.clone(), "fully qualified".to_string()),
    ];
    let endpoints: Vec<(&PodBox, EdgeKind)> = t
        .edges
        .iter()
        .filter(|e| e.from == s.id && matches!(e.kind, EdgeKind::Ready | EdgeKind::NotReady))
        .filter_map(|e| pods.iter().find(|p| p.id == e.to).map(|p| (*p, e.kind)))
        .collect();
    html! {
        <div data-testid="inspector-service">
            <h3>{ "Service " }<code>{ &s.name }</code></h3>
            <dl class="facts">
                <dt>{ "Namespace" }</dt><dd>{ &s.namespace }</dd>
                <dt>{ "Type" }</dt><dd>{ &s.type_ }</dd>
                <dt>{ "ClusterIP" }</dt><dd data-testid="inspector-cluster-ip">{ if s.cluster_ip.is_empty() { "<none>" } else { &s.cluster_ip } }</dd>
                if let Some(ext) = &s.external_ip { <dt>{ "External IP" }</dt><dd>{ ext }</dd> }
                if let Some(name) = &s.external_name { <dt>{ "External name" }</dt><dd>{ format!("{name} (CNAME)") }</dd> }
                <dt>{ "Ports" }</dt><dd>{ s.ports.join(", ") }</dd>
            </dl>
            <h4>{ "DNS names" }</h4>
            <ul class="plain">
                { for short.iter().map(|(n, why)| html! { <li><code>{ n }</code><span class="muted">{ format!(" — {why}") }</span></li> }) }
            </ul>
            <h4>{ "Selector match" }</h4>
            { match_table(s, &pods) }
            <h4>{ format!("Endpoints ({} ready of {})", s.ready_endpoints, s.endpoints) }</h4>
            if endpoints.is_empty() {
                <p class="muted" data-testid="inspector-endpoints">{ "No endpoints: a request to this Service is rejected." }</p>
            } else {
                <table class="grid" data-testid="inspector-endpoints">
                    <thead><tr><th>{ "Pod" }</th><th>{ "IP" }</th><th>{ "Node" }</th><th>{ "Conditions" }</th></tr></thead>
                    <tbody>
                        { for endpoints.iter().map(|(p, kind)| html! {
                            <tr>
                                <td>{ &p.name }</td><td>{ &p.ip }</td><td>{ &p.node }</td>
                                <td>{ conditions(p, *kind) }</td>
                            </tr>
                        }) }
                    </tbody>
                </table>
            }
            <h4>{ "Debug Services checklist" }</h4>
            { match explain {
                None => html! { <p class="muted">{ "Checking…" }</p> },
                Some(Err(e)) => html! { <p class="error">{ e }</p> },
                Some(Ok(json)) => match serde_json::from_str::<Explanation>(&json) {
                    Ok(x) => html! {
                        <ul class="checklist" data-testid="inspector-checklist">
                            { for x.checks.iter().map(|c| html! {
                                <li class={c.mark.clone()}>
                                    <span class="mark">{ &c.symbol }</span>{ " " }{ &c.title }
                                    { for c.evidence.iter().map(|e| html! { <div class="evidence">{ e }</div> }) }
                                    if !c.fix.is_empty() { <div class="fix">{ format!("Fix: {}", c.fix) }</div> }
                                </li>
                            }) }
                        </ul>
                    },
                    Err(e) => html! { <p class="error">{ e.to_string() }</p> },
                },
            } }
            <ServiceRules service={ns_name} />
        </div>
    }
}

/// EndpointSlice conditions as kubectl describe words.
fn conditions(p: &PodBox, kind: EdgeKind) -> &'static str {
    use netsim::view::PodState;
    match (p.state, kind) {
        (PodState::Terminating, _) => "ready=false serving=true terminating=true",
        (_, EdgeKind::Ready) => "ready=true serving=true terminating=false",
        _ => "ready=false serving=false terminating=false",
    }
}

/// Every Pod of the namespace against every selector pair.
fn match_table(s: &ServiceBox, pods: &[&PodBox]) -> Html {
    if s.external_name.is_some() {
        return html! { <p class="muted">{ "An ExternalName Service has no selector: DNS answers with a CNAME." }</p> };
    }
    if s.selector.is_empty() {
        return html! { <p class="muted" data-testid="inspector-match">{ "No selector: endpoints are managed by hand (EndpointSlices in the input)." }</p> };
    }
    html! {
        <table class="grid match" data-testid="inspector-match">
            <thead>
                <tr>
                    <th>{ "Pod" }</th>
                    { for s.selector.iter().map(|l| html! { <th><code>{ format!("{}={}", l.key, l.value) }</code></th> }) }
                    <th>{ "Selected" }</th>
                </tr>
            </thead>
            <tbody>
                { for pods.iter().map(|p| {
                    let cells: Vec<(bool, String)> = s.selector.iter().map(|want| {
                        match p.labels.iter().find(|l| l.key == want.key) {
                            Some(l) if l.value == want.value => (true, "✓".to_string()),
                            Some(l) => (false, format!("✗ {}={}", l.key, l.value)),
                            None => (false, format!("✗ no {}", want.key)),
                        }
                    }).collect();
                    let all = cells.iter().all(|c| c.0);
                    html! {
                        <tr class={if all { "yes" } else { "no" }} data-pod={p.name.clone()}>
                            <td>{ &p.name }</td>
                            { for cells.into_iter().map(|(ok, text)| html! { <td class={if ok { "ok" } else { "bad" }}>{ text }</td> }) }
                            <td>{ if all { "✓ yes" } else { "✗ no" } }</td>
                        </tr>
                    }
                }) }
            </tbody>
        </table>
    }
}

#[derive(Properties, PartialEq)]
struct RulesProps {
    service: String,
}

/// The Service's kube-proxy rules on each node (the lines whose comment names it).
#[component]
fn ServiceRules(props: &RulesProps) -> Html {
    let app = use_app();
    let nodes = app.last_good.topology.node_names();
    let node = use_state(|| nodes.first().cloned().unwrap_or_default());
    let rules = use_engine("rules", serde_json::json!({ "node": *node }).to_string());
    let onchange = {
        let node = node.clone();
        crate::components::on_select(move |v| node.set(v))
    };
    let lines: Vec<String> = match &rules {
        Some(Ok(json)) => serde_json::from_str::<String>(json)
            .unwrap_or_default()
            .lines()
            .filter(|l| mentions(l, &props.service))
            .map(str::to_string)
            .collect(),
        _ => Vec::new(),
    };
    html! {
        <>
            <h4>
                { "kube-proxy rules on " }
                <select {onchange} aria-label="Node" data-testid="inspector-rules-node">
                    { for nodes.iter().map(|n| html! { <option value={n.clone()} selected={*n == *node}>{ n }</option> }) }
                </select>
            </h4>
            { match &rules {
                None => html! { <p class="muted">{ "Loading rules…" }</p> },
                Some(Err(e)) => html! { <p class="error">{ e }</p> },
                Some(Ok(_)) if lines.is_empty() => html! { <p class="muted">{ "No rules mention this Service." }</p> },
                Some(Ok(_)) => html! { <pre class="rules" data-testid="inspector-rules">{ lines.join("\n") }</pre> },
            } }
        </>
    }
}

/// True when an iptables line's comment names the Service (`"ns/name"` or `"ns/name:port…"`).
pub fn mentions(line: &str, ns_name: &str) -> bool {
    line.match_indices(ns_name).any(|(i, _)| {
        line[..i].ends_with('"')
            && matches!(line[i + ns_name.len()..].chars().next(), Some('"' | ':' | ' '))
    })
}
