//! The inspector: what a click on the topology selected. A Service shows its selector-match
//! table (every Pod of its namespace, ✓/✗ per selector pair), endpoints with conditions, DNS
//! names, the Debug Services checklist and its kube-proxy rules on each node; a Pod its labels,
//! containers, node, IP and the Services that select it; a node its Pods. What-if buttons
//! change the running cluster (delete a Pod, make it unready, scale its workload, take a node
//! down). Everything shown comes from the view model or the engine.

use netsim::session::detail::{PodDetail, ServiceDetail};
use netsim::session::{Question, Rules};
use netsim::view::{NodeBox, PodBox, Topology};
use yew::prelude::*;

use crate::hooks::{use_app, use_ask};
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
        html! { <PodInspector pod={p.id.clone()} /> }
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

#[derive(Properties, PartialEq)]
struct PodProps {
    pod: String,
}

#[component]
fn PodInspector(props: &PodProps) -> Html {
    let app = use_app();
    let t = &app.last_good.topology;
    let p = all_pods(t).find(|p| p.id == props.pod);
    let ns_name = p.map(|p| format!("{}/{}", p.namespace, p.name)).unwrap_or_default();
    let detail =
        use_ask::<PodDetail>((!ns_name.is_empty()).then(|| Question::Pod { pod: ns_name.clone() }));
    let Some(p) = p else { return html! {} };
    let ready = p.state == netsim::view::PodState::Ready;
    let detail = detail.and_then(Result::ok);
    let scale = detail.as_ref().and_then(|d| d.scalable.clone());
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
            { match &detail {
                None => html! { <p class="muted">{ "…" }</p> },
                Some(d) if d.selected_by.is_empty() => html! {
                    <p class="muted" data-testid="inspector-selected-by">{ "No Service selects this Pod." }</p>
                },
                Some(d) => html! {
                    <ul class="plain" data-testid="inspector-selected-by">
                        { for d.selected_by.iter().map(|s| html! { <li><code>{ s.service.to_string() }</code>{ format!(" ({})", s.type_.as_str()) }</li> }) }
                    </ul>
                },
            } }
            <h4>{ "What if…" }</h4>
            <div class="what-ifs">
                <button type="button" data-testid="whatif-delete-pod" onclick={what_if(&app, format!("delete-pod/{ns_name}"))}
                    title="kubectl delete pod: its controller (if any) creates a replacement with a new IP">{ "Delete Pod" }</button>
                <button type="button" data-testid="whatif-ready" onclick={what_if(&app, format!("pod-ready/{ns_name}={}", !ready))}
                    title="Flip the Ready condition, as a failing or passing readiness probe would">
                    { if ready { "Make unready" } else { "Make ready" } }</button>
                if let Some(w) = scale {
                    <button type="button" data-testid="whatif-scale-up" onclick={what_if(&app, format!("scale/{}/{}/{}={}", w.kind, p.namespace, w.name, w.replicas + 1))}>
                        { format!("Scale {} to {}", w.kind, w.replicas + 1) }</button>
                    if w.replicas > 0 {
                        <button type="button" data-testid="whatif-scale-down" onclick={what_if(&app, format!("scale/{}/{}/{}={}", w.kind, p.namespace, w.name, w.replicas - 1))}>
                            { format!("Scale to {}", w.replicas - 1) }</button>
                    }
                }
            </div>
        </div>
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

#[component]
fn ServiceInspector(props: &ServiceProps) -> Html {
    let app = use_app();
    let t = &app.last_good.topology;
    let s = t.services.iter().find(|s| s.id == props.service);
    let ns_name = s.map(|s| format!("{}/{}", s.namespace, s.name)).unwrap_or_default();
    let detail = use_ask::<ServiceDetail>(
        (!ns_name.is_empty()).then(|| Question::Service { service: ns_name.clone() }),
    );
    let Some(s) = s else { return html! {} };
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
            { match &detail {
                None => html! { <p class="muted">{ "…" }</p> },
                Some(Err(e)) => html! { <p class="error">{ e }</p> },
                Some(Ok(d)) => service_detail(d, s.external_name.is_some(), s.ready_endpoints, s.endpoints),
            } }
            <ServiceRules service={ns_name} />
        </div>
    }
}

fn service_detail(d: &ServiceDetail, external_name: bool, ready: usize, all: usize) -> Html {
    html! {
        <>
            <h4>{ "DNS names" }</h4>
            <ul class="plain">
                { for d.dns_names.iter().map(|n| html! { <li><code>{ &n.name }</code><span class="muted">{ format!(" — {}", n.scope) }</span></li> }) }
            </ul>
            <h4>{ "Selector match" }</h4>
            { match_table(d, external_name) }
            <h4>{ format!("Endpoints ({ready} ready of {all})") }</h4>
            if d.endpoints.is_empty() {
                <p class="muted" data-testid="inspector-endpoints">{ "No endpoints: a request to this Service is rejected." }</p>
            } else {
                <table class="grid" data-testid="inspector-endpoints">
                    <thead><tr><th>{ "Pod" }</th><th>{ "IP" }</th><th>{ "Node" }</th><th>{ "Conditions" }</th></tr></thead>
                    <tbody>
                        { for d.endpoints.iter().map(|e| html! {
                            <tr>
                                <td>{ e.pod.as_ref().map(|p| p.name.clone()).unwrap_or_default() }</td>
                                <td>{ &e.ip }</td><td>{ e.node.clone().unwrap_or_default() }</td>
                                <td>{ format!("ready={} serving={} terminating={}", e.ready, e.serving, e.terminating) }</td>
                            </tr>
                        }) }
                    </tbody>
                </table>
            }
            <h4>{ "Debug Services checklist" }</h4>
            <ul class="checklist" data-testid="inspector-checklist">
                { for d.checklist.checks.iter().map(|c| html! {
                    <li class={c.mark.as_str()}>
                        <span class="mark">{ c.mark.symbol() }</span>{ " " }{ &c.title }
                        { for c.evidence.iter().map(|e| html! { <div class="evidence">{ e }</div> }) }
                        if !c.fix.is_empty() { <div class="fix">{ format!("Fix: {}", c.fix) }</div> }
                    </li>
                }) }
            </ul>
        </>
    }
}

/// Every Pod of the namespace against every selector pair (the core's table).
fn match_table(d: &ServiceDetail, external_name: bool) -> Html {
    if external_name {
        return html! { <p class="muted">{ "An ExternalName Service has no selector: DNS answers with a CNAME." }</p> };
    }
    if d.selector.is_empty() {
        return html! { <p class="muted" data-testid="inspector-match">{ "No selector: endpoints are managed by hand (EndpointSlices in the input)." }</p> };
    }
    html! {
        <table class="grid match" data-testid="inspector-match">
            <thead>
                <tr>
                    <th>{ "Pod" }</th>
                    { for d.selector.iter().map(|pair| html! { <th><code>{ pair }</code></th> }) }
                    <th>{ "Selected" }</th>
                </tr>
            </thead>
            <tbody>
                { for d.matches.iter().map(|row| html! {
                    <tr class={if row.selected { "yes" } else { "no" }} data-pod={row.pod.name.clone()}>
                        <td>{ &row.pod.name }</td>
                        { for row.cells.iter().map(|c| html! { <td class={if c.ok { "ok" } else { "bad" }}>{ &c.text }</td> }) }
                        <td>{ if row.selected { "✓ yes" } else { "✗ no" } }</td>
                    </tr>
                }) }
            </tbody>
        </table>
    }
}

#[derive(Properties, PartialEq)]
struct RulesProps {
    service: String,
}

/// The Service's kube-proxy rules on each node (the lines the core marks as its own).
#[component]
fn ServiceRules(props: &RulesProps) -> Html {
    let app = use_app();
    let nodes = app.last_good.topology.node_names();
    let node = use_state(|| nodes.first().cloned().unwrap_or_default());
    let rules = use_ask::<Rules>((!node.is_empty()).then(|| Question::Rules {
        node: (*node).clone(),
        format: None,
        service: Some(props.service.clone()),
        mode: None,
    }));
    let onchange = {
        let node = node.clone();
        crate::components::on_select(move |v| node.set(v))
    };
    let lines: Vec<&str> = match &rules {
        Some(Ok(r)) => r
            .text
            .lines()
            .enumerate()
            .filter(|(i, _)| r.highlight.binary_search(&(*i as u32)).is_ok())
            .map(|(_, l)| l)
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
