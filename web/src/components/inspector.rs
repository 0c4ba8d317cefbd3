//! The inspector: what a click on the topology selected. A Service shows its selector-match
//! table (every Pod of its namespace, ✓/✗ per selector pair), endpoints with conditions, DNS
//! names, the Debug Services checklist and its kube-proxy rules on each node; a Pod its labels,
//! containers, node, IP and the Services that select it; a node its Pods. What-if buttons
//! change the running cluster (delete a Pod, make it unready, scale its workload, take a node
//! down). Everything shown comes from the view model or the engine.

use netsim::policy::{PolicyInspection, PolicyKind};
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
    } else if let Some((kind, name)) = parse_policy_id(&id) {
        html! { <PolicyInspector {kind} name={name.to_string()} /> }
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

/// The inspector's id of a policy: `netpol/NS/NAME` or `cnp/NAME`.
pub fn policy_id(kind: PolicyKind, name: &str) -> String {
    match kind {
        PolicyKind::NetworkPolicy => format!("netpol/{name}"),
        PolicyKind::ClusterNetworkPolicy => format!("cnp/{name}"),
    }
}

fn parse_policy_id(id: &str) -> Option<(PolicyKind, &str)> {
    if let Some(name) = id.strip_prefix("netpol/") {
        Some((PolicyKind::NetworkPolicy, name))
    } else {
        id.strip_prefix("cnp/").map(|name| (PolicyKind::ClusterNetworkPolicy, name))
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
    let terminating = p.state == netsim::view::PodState::Terminating;
    let moment = app.last_good.pending.iter().find(|m| m.pod == p.id).cloned();
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
            if terminating {
                <div class="terminating-note" data-testid="inspector-terminating">
                    <p>
                        { "Terminating: the kubelet sent SIGTERM and the Pod has its grace period to finish. \
                           Its EndpointSlice endpoint stays with ready=false, serving=true, terminating=true \
                           (the Services' inspectors show it); DNS and the legacy Endpoints dropped it at once." }
                    </p>
                    <p>
                        { "Meanwhile kube-proxy sends new connections only to ready endpoints — unless none is \
                           left: then it falls back to the serving terminating ones, so requests still reach this Pod." }
                    </p>
                    if let Some(m) = &moment {
                        <button type="button" data-testid="whatif-grace-over" onclick={what_if(&app, m.event.clone())}
                            title={m.text.clone()}>{ format!("⏭ {}", m.title) }</button>
                    }
                </div>
            }
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
                if let Some(z) = &n.zone { <dt>{ "Zone" }</dt><dd data-testid="inspector-node-zone">{ z }</dd> }
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

/// The endpoint's topology hints (`hints.forZones` / `forNodes`: where kube-proxy prefers it).
fn hints(e: &netsim::session::detail::EndpointRow) -> Html {
    let mut parts: Vec<String> = e.for_zones.iter().map(|z| format!("zone {z}")).collect();
    parts.extend(e.for_nodes.iter().map(|n| format!("node {n}")));
    if parts.is_empty() {
        return Html::default();
    }
    html! {
        <div class="hints" data-testid="endpoint-hints" title="hints: kube-proxy in these zones/nodes prefers this endpoint">
            { format!("for {}", parts.join(", ")) }
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
                            <tr class={classes!(e.terminating.then_some("terminating"))} data-testid="endpoint-row"
                                data-terminating={e.terminating.to_string()} data-zone={e.zone.clone().unwrap_or_default()}>
                                <td>{ e.pod.as_ref().map(|p| p.name.clone()).unwrap_or_default() }</td>
                                <td>{ &e.ip }</td>
                                <td>{ e.node.clone().unwrap_or_default() }{ e.zone.as_ref().map(|z| format!(" · zone {z}")).unwrap_or_default() }</td>
                                <td>{ format!("ready={} serving={} terminating={}", e.ready, e.serving, e.terminating) }{ hints(e) }</td>
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
            <h4 data-testid="inspector-rules-mode">
                { match &rules {
                    Some(Ok(r)) => format!("kube-proxy rules ({} mode) on ", r.mode),
                    _ => "kube-proxy rules on ".to_string(),
                } }
                <select {onchange} aria-label="Node" data-testid="inspector-rules-node">
                    { for nodes.iter().map(|n| html! { <option value={n.clone()} selected={*n == *node}>{ n }</option> }) }
                </select>
            </h4>
            { match &rules {
                None => html! { <p class="muted">{ "Loading rules…" }</p> },
                Some(Err(e)) => html! { <p class="error">{ e }</p> },
                Some(Ok(_)) if lines.is_empty() => html! { <p class="muted">{ "No rules mention this Service." }</p> },
                Some(Ok(_)) => html! { <pre class="rules" data-testid="inspector-rules" tabindex="0" aria-label="This Service's rules">{ lines.join("\n") }</pre> },
            } }
        </>
    }
}

#[derive(Properties, PartialEq)]
struct PolicyProps {
    kind: PolicyKind,
    name: String,
}

/// One NetworkPolicy or ClusterNetworkPolicy: the Pods it selects, each rule in words with its
/// peers, the near misses of its selectors, and the notes (the core's `PolicyInspection`).
#[component]
fn PolicyInspector(props: &PolicyProps) -> Html {
    let app = use_app();
    let p = use_ask::<PolicyInspection>(Some(Question::Policy {
        kind: props.kind.as_str().to_string(),
        name: props.name.clone(),
    }));
    let select = |id: String| {
        let app = app.clone();
        Callback::from(move |_: MouseEvent| {
            app.dispatch(Action::Select(Some(std::rc::Rc::from(id.as_str()))))
        })
    };
    let pod_link = |key: &String| {
        html! {
            <li><button type="button" class="link" onclick={select(format!("pod/{key}"))}>{ key }</button></li>
        }
    };
    let body = match &p {
        None => html! { <p class="muted">{ "…" }</p> },
        Some(Err(e)) => html! { <p class="error">{ e }</p> },
        Some(Ok(p)) => html! {
            <>
                <dl class="facts">
                    if let Some(ns) = &p.namespace { <dt>{ "Namespace" }</dt><dd>{ ns }</dd> }
                    if let Some(tier) = &p.tier { <dt>{ "Tier" }</dt><dd>{ tier }</dd> }
                    if let Some(prio) = p.priority { <dt>{ "Priority" }</dt><dd>{ prio }</dd> }
                    <dt>{ "Directions" }</dt>
                    <dd>{ p.directions.iter().map(|d| d.as_str()).collect::<Vec<_>>().join(", ") }</dd>
                    <dt>{ "Selector" }</dt><dd>{ &p.selector }</dd>
                </dl>
                <p data-testid="policy-selects">{ &p.selects }</p>
                if !p.selected.is_empty() {
                    <ul class="plain" data-testid="policy-selected">{ for p.selected.iter().map(pod_link) }</ul>
                    if p.selected_count > p.selected.len() {
                        <p class="muted">{ format!("… and {} more", p.selected_count - p.selected.len()) }</p>
                    }
                }
                if !p.near_misses.is_empty() {
                    <h4>{ "Near misses of its selector" }</h4>
                    <ul class="plain near-misses" data-testid="policy-near-misses">
                        { for p.near_misses.iter().map(near_miss) }
                    </ul>
                }
                <h4>{ "Rules" }</h4>
                if p.rules.is_empty() {
                    <p class="muted" data-testid="policy-rules">{ "No rules: every connection in its directions is denied to the Pods it selects." }</p>
                } else {
                    <ol class="policy-rules" data-testid="policy-rules">
                        { for p.rules.iter().map(|r| html! {
                            <li class={classes!("rule", r.action.clone())} data-direction={r.direction.as_str()}>
                                <span class={classes!("rule-action", r.action.clone())}>{ &r.action }</span>{ " " }
                                if let Some(n) = &r.name { <code>{ n }</code>{ " " } }
                                { &r.text }
                                { for r.peers.iter().map(peer) }
                            </li>
                        }) }
                    </ol>
                }
                if !p.notes.is_empty() {
                    <h4>{ "Notes" }</h4>
                    <ul class="plain notes" data-testid="policy-notes">{ for p.notes.iter().map(|n| html! { <li>{ n }</li> }) }</ul>
                }
            </>
        },
    };
    html! {
        <div data-testid="inspector-policy">
            <h3>{ format!("{} ", props.kind.as_str()) }<code>{ &props.name }</code></h3>
            <p class="plugin-note" data-testid="policy-plugin-note">
                { match props.kind {
                    PolicyKind::NetworkPolicy => "NetworkPolicy is enforced by the cluster's network plugin (Calico, Cilium, …): with a plugin that does not implement it, this policy has no effect.",
                    PolicyKind::ClusterNetworkPolicy => "ClusterNetworkPolicy (policy.networking.k8s.io/v1alpha2) is alpha: it needs a network plugin that implements it; most clusters ignore it.",
                } }
            </p>
            { body }
        </div>
    }
}

/// One peer of a rule: what it matches (Pods, namespaces) and what nearly matches.
fn peer(p: &netsim::policy::PeerView) -> Html {
    let mut matched = Vec::new();
    if p.pod_count > 0 {
        matched.push(format!("{} Pod(s): {}", p.pod_count, p.pods.join(", ")));
    }
    if !p.namespaces.is_empty() {
        matched.push(format!("namespaces {}", p.namespaces.join(", ")));
    }
    html! {
        <div class="peer">
            { &p.text }
            <span class="muted">{ if matched.is_empty() { String::new() } else { format!(" — {}", matched.join("; ")) } }</span>
            <ul class="plain near-misses">{ for p.near_misses.iter().map(near_miss) }</ul>
        </div>
    }
}

fn near_miss(m: &netsim::policy::NearMiss) -> Html {
    let have = m.have.as_ref().map(|h| format!(" (has {h})")).unwrap_or_default();
    html! { <li><code>{ &m.object }</code>{ format!(" misses {} by {}{have}", m.selector, m.want) }</li> }
}
