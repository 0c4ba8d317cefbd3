//! The scheduler and the kubelet start-up, as far as networking sees them (cluster stage).
//!
//! Filters, in the default profile's order (`pkg/scheduler/framework/plugins`): NodeUnschedulable
//! (`node(s) were unschedulable`, unless the Pod tolerates `node.kubernetes.io/unschedulable`),
//! TaintToleration (NoSchedule and NoExecute taints; a NotReady node counts as tainted
//! `node.kubernetes.io/not-ready:NoSchedule` as the node lifecycle controller does), NodeAffinity
//! (`nodeSelector`). The first failing filter is the node's reason, and the FailedScheduling
//! message is the scheduler's `FitError` text: reasons counted, sorted as strings, then the
//! preemption post-filter's note.
//!
//! Placement (documented choice; the real scheduler scores with resource and spreading plugins):
//! among eligible nodes, the one with the fewest Pods of the same owner (spreading replicas like
//! the default topology-spread constraints), then the fewest Pods overall, then by name. The
//! built-in CoreDNS Pods go to the control plane first (kubeadm starts them before workers join).
//! `spec.nodeName` bypasses the scheduler; an unknown node leaves the Pod Pending.

use std::collections::BTreeMap;

use super::{addresses, builtins, span_of, Cluster, Event, EventType};
use crate::diagnostic::Diagnostic;
use crate::model::{IpFamily, Node, OwnerReference, Pod, Taint, Toleration};

/// Why a node does not fit a Pod.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Reason {
    Unschedulable,
    Taint { key: String, value: String },
    Selector,
}

impl Reason {
    fn text(&self) -> String {
        match self {
            Reason::Unschedulable => "node(s) were unschedulable".into(),
            Reason::Taint { key, value } => {
                format!("node(s) had untolerated taint {{{key}: {value}}}")
            }
            Reason::Selector => "node(s) didn't match Pod's node affinity/selector".into(),
        }
    }
}

/// `v1helper.TolerationsTolerateTaint` / `Toleration.ToleratesTaint`.
pub(crate) fn tolerates(t: &Toleration, taint: &Taint) -> bool {
    if !t.effect.is_empty() && t.effect != taint.effect {
        return false;
    }
    if t.key != taint.key && !(t.key.is_empty() && t.operator == "Exists") {
        return false;
    }
    match t.operator.as_str() {
        "Exists" => true,
        "" | "Equal" => t.value == taint.value,
        _ => false,
    }
}

pub(crate) fn effective_taints(node: &Node) -> Vec<Taint> {
    let mut taints = node.taints.clone();
    if !node.ready && !taints.iter().any(|t| t.key.starts_with("node.kubernetes.io/")) {
        taints.push(Taint {
            key: "node.kubernetes.io/not-ready".into(),
            value: String::new(),
            effect: "NoSchedule".into(),
        });
    }
    taints
}

/// The scheduler's filters for one node, given its [`effective_taints`].
pub(crate) fn filter_with(node: &Node, taints: &[Taint], pod: &Pod) -> Result<(), Reason> {
    if node.unschedulable {
        let t = Taint {
            key: "node.kubernetes.io/unschedulable".into(),
            value: String::new(),
            effect: "NoSchedule".into(),
        };
        if !pod.spec.tolerations.iter().any(|tol| tolerates(tol, &t)) {
            return Err(Reason::Unschedulable);
        }
    }
    for taint in taints {
        if taint.effect != "NoSchedule" && taint.effect != "NoExecute" {
            continue;
        }
        if !pod.spec.tolerations.iter().any(|t| tolerates(t, taint)) {
            return Err(Reason::Taint { key: taint.key.clone(), value: taint.value.clone() });
        }
    }
    if !pod.spec.node_selector.iter().all(|(k, v)| node.meta.labels.get(k) == Some(v)) {
        return Err(Reason::Selector);
    }
    // NodeAffinity's Filter (`nodeaffinity.GetRequiredNodeAffinity(pod).Match(node)`): the
    // nodeSelector and one of the required terms.
    if let Some(terms) = &pod.spec.required_node_terms {
        if !terms.iter().any(|t| term_matches(t, node)) {
            return Err(Reason::Selector);
        }
    }
    Ok(())
}

/// A `nodeSelectorTerms` item (`v1helper.NodeSelectorRequirementsAsSelector` and the
/// `metadata.name` field selector): every requirement holds; an empty term matches nothing.
fn term_matches(t: &crate::model::NodeSelectorTerm, node: &Node) -> bool {
    if t.match_expressions.is_empty() && t.match_fields.is_empty() {
        return false;
    }
    let holds = |r: &crate::model::NodeSelectorRequirement, value: Option<&str>| -> bool {
        let int = |s: &str| s.parse::<i64>().ok();
        match r.operator.as_str() {
            "In" => value.is_some_and(|v| r.values.iter().any(|x| x == v)),
            "NotIn" => value.is_none_or(|v| !r.values.iter().any(|x| x == v)),
            "Exists" => value.is_some(),
            "DoesNotExist" => value.is_none(),
            // One integer value; the label must parse too.
            "Gt" | "Lt" => match (value.and_then(int), r.values.first().and_then(|x| int(x))) {
                (Some(v), Some(x)) => {
                    (r.operator == "Gt" && v > x) || (r.operator == "Lt" && v < x)
                }
                _ => false,
            },
            _ => false,
        }
    };
    t.match_expressions.iter().all(|r| holds(r, node.meta.labels.get(&r.key).map(String::as_str)))
        && t.match_fields
            .iter()
            .all(|r| r.key == "metadata.name" && holds(r, Some(node.meta.name.as_str())))
}

/// `FitError.Error()` (`pkg/scheduler/framework/types.go`) with the default preemption note.
pub(crate) fn fit_error(total: usize, reasons: &[Reason]) -> String {
    let mut hist: BTreeMap<String, usize> = BTreeMap::new();
    for r in reasons {
        *hist.entry(r.text()).or_insert(0) += 1;
    }
    let mut parts: Vec<String> = hist.iter().map(|(k, v)| format!("{v} {k}")).collect();
    crate::sort::sort(&mut parts);
    format!(
        "0/{total} nodes are available: {}. preemption: 0/{total} nodes are available: {total} Preemption is not helpful for scheduling.",
        parts.join(", ")
    )
}

fn owner_key(p: &Pod) -> Option<String> {
    p.meta
        .owner_references
        .iter()
        .find(|o| o.controller)
        .map(|o| [p.meta.namespace.as_str(), "/", &o.kind, "/", &o.name].concat())
}

fn counts_as_load(p: &Pod) -> bool {
    p.status.phase != "Succeeded" && p.status.phase != "Failed"
}

/// Schedules (where needed) and starts the Pods at `order`: node, IPs, phase, readiness.
pub(crate) fn schedule_and_start(c: &mut Cluster, order: &[usize]) {
    let node_count = c.objects.nodes.len();
    let node_ix: BTreeMap<String, usize> =
        c.objects.nodes.iter().enumerate().map(|(i, n)| (n.meta.name.clone(), i)).collect();
    let taints: Vec<Vec<Taint>> = c.objects.nodes.iter().map(effective_taints).collect();
    let control_plane: Vec<bool> =
        c.objects.nodes.iter().map(super::nodes::is_control_plane).collect();
    // Each node's pod CIDRs, read once (not once per Pod started there).
    let pod_cidrs: Vec<Vec<crate::net::Cidr>> = c
        .objects
        .nodes
        .iter()
        .map(|n| n.pod_cidrs.iter().filter_map(|t| crate::net::Cidr::parse_lenient(t)).collect())
        .collect();
    // Each node's place in name order (equal names, equal places): the last tie-break as a
    // number, not a string comparison per candidate node.
    let mut by_name: Vec<usize> = (0..node_count).collect();
    crate::sort::sort_by(&mut by_name, |&a, &b| {
        c.objects.nodes[a].meta.name.cmp(&c.objects.nodes[b].meta.name)
    });
    let mut name_rank = vec![0usize; node_count];
    for (k, pair) in by_name.iter().enumerate() {
        let same =
            k > 0 && c.objects.nodes[by_name[k - 1]].meta.name == c.objects.nodes[*pair].meta.name;
        name_rank[*pair] = if same { name_rank[by_name[k - 1]] } else { k };
    }
    // Each Pod's controller (`namespace/kind/name`) as a number; a workload's Pods come one
    // after another, so the previous Pod's answer usually serves.
    let mut owner_ids: BTreeMap<String, usize> = BTreeMap::new();
    let mut last: Option<(&str, &OwnerReference, usize)> = None;
    let owner_of: Vec<Option<usize>> = c
        .objects
        .pods
        .iter()
        .map(|p| {
            let owner = p.meta.owner_references.iter().find(|o| o.controller)?;
            if let Some((ns, o, id)) = last {
                if ns == p.meta.namespace && o.kind == owner.kind && o.name == owner.name {
                    return Some(id);
                }
            }
            let key = owner_key(p)?;
            let next = owner_ids.len();
            let id = *owner_ids.entry(key).or_insert(next);
            last = Some((p.meta.namespace.as_str(), owner, id));
            Some(id)
        })
        .collect();
    let mut load = vec![0usize; node_count];
    // Pods per node of each controller (by id; none yet: all zero).
    let mut owner_load: Vec<Vec<usize>> = vec![Vec::new(); owner_ids.len()];
    for (p, owner) in c.objects.pods.iter().zip(&owner_of).filter(|(p, _)| counts_as_load(p)) {
        if let Some(&ix) = p.spec.node_name.as_ref().and_then(|n| node_ix.get(n)) {
            load[ix] += 1;
            if let Some(v) = owner.and_then(|o| owner_load.get_mut(o)) {
                if v.is_empty() {
                    *v = vec![0; node_count];
                }
                v[ix] += 1;
            }
        }
    }
    // The nodes the last Pod the filters ran for fits on, by node, and that Pod: the filters
    // read only its tolerations, node selector and required node affinity, and a workload's
    // Pods, which come one after another, have the same (one pass over the nodes per workload,
    // not per Pod).
    let mut last_fits: Option<(usize, Vec<bool>)> = None;
    let mut gate = super::workloads::OrderedGate::new(c);
    for &i in order {
        let Some(pod) = c.objects.pods.get(i) else { continue };
        if pod.status.phase == "Succeeded" || pod.status.phase == "Failed" {
            continue;
        }
        if gate.holds(c, i) {
            continue;
        }
        if hold_gated(c, i) {
            continue;
        }
        let Some(pod) = c.objects.pods.get(i) else { continue };
        let owner = owner_of.get(i).copied().flatten();
        let node_idx = match pod.spec.node_name.clone() {
            Some(n) => match node_ix.get(&n) {
                Some(&ix) => {
                    // Already counted above when it was bound before this call.
                    Some(ix)
                }
                None => {
                    let d = Diagnostic::warning(
                        "unknown-node",
                        span_of(&pod.meta, "spec.nodeName"),
                        format!("Pod {:?} is bound to node {n:?}, which does not exist; it stays Pending", pod.meta.name),
                    )
                    .with_hint(format!("nodes: {}", node_names(c)));
                    c.diagnostics.push(d);
                    None
                }
            },
            None => {
                let same =
                    last_fits.as_ref().and_then(|(j, _)| c.objects.pods.get(*j)).is_some_and(|q| {
                        q.spec.tolerations == pod.spec.tolerations
                            && q.spec.node_selector == pod.spec.node_selector
                            && q.spec.required_node_terms == pod.spec.required_node_terms
                    });
                if !same {
                    let fits = (0..node_count)
                        .map(|ix| filter_with(&c.objects.nodes[ix], &taints[ix], pod).is_ok())
                        .collect();
                    last_fits = Some((i, fits));
                }
                let fit_on = last_fits.as_ref().map_or(&[][..], |(_, f)| f.as_slice());
                let fits = |ix: usize| fit_on.get(ix).copied().unwrap_or(false);
                let coredns = builtins::is_builtin_coredns(pod);
                let own = owner.and_then(|o| owner_load.get(o)).filter(|v| !v.is_empty());
                let key = |ix: usize| {
                    (
                        !(coredns && control_plane[ix]),
                        own.map_or(0, |v| v[ix]),
                        load[ix],
                        name_rank[ix],
                    )
                };
                // The first of the smallest (spread key, node name), as `min_by` picks.
                let mut best: Option<(usize, (bool, usize, usize, usize))> = None;
                for ix in (0..node_count).filter(|&ix| fits(ix)) {
                    let k = key(ix);
                    if best.is_none_or(|(_, b)| k < b) {
                        best = Some((ix, k));
                    }
                }
                let best = best.map(|(ix, _)| ix);
                match best {
                    Some(ix) => {
                        let node = c.objects.nodes[ix].meta.name.clone();
                        let message = [
                            "Successfully assigned ",
                            pod.meta.namespace.as_str(),
                            "/",
                            &pod.meta.name,
                            " to ",
                            &node,
                        ]
                        .concat();
                        c.events.push(Event::new(
                            EventType::Normal,
                            "Scheduled",
                            ["pod/", pod.meta.name.as_str()].concat(),
                            &pod.meta.namespace,
                            message,
                        ));
                        if let Some(p) = c.objects.pods.get_mut(i) {
                            p.spec.node_name = Some(node);
                        }
                        load[ix] += 1;
                        if let Some(v) = owner.and_then(|o| owner_load.get_mut(o)) {
                            if v.is_empty() {
                                *v = vec![0; node_count];
                            }
                            v[ix] += 1;
                        }
                        Some(ix)
                    }
                    None => {
                        failed_scheduling(c, i, &taints);
                        None
                    }
                }
            }
        };
        let Some(ix) = node_idx else {
            if let Some(p) = c.objects.pods.get_mut(i) {
                p.status.phase = "Pending".into();
                p.status.ready = Some(false);
                p.status.host_ip = None;
                if p.spec.node_name.is_none() {
                    p.status.pod_ips.clear();
                }
            }
            continue;
        };
        start(c, i, ix, &pod_cidrs[ix]);
    }
    gate.drop_held(c);
}

/// The kubelet starts the Pod on `node`: host-network Pods take the node's IPs, others get one
/// per family from the node's pod CIDRs, `pod_cidrs` (unless the input gave them).
fn start(c: &mut Cluster, i: usize, node_ix: usize, pod_cidrs: &[crate::net::Cidr]) {
    let Some(node) = c.objects.nodes.get(node_ix) else { return };
    let Some(pod) = c.objects.pods.get(i) else { return };
    let host_network = pod.spec.host_network;
    let mut ips = pod.status.pod_ips.clone();
    if host_network {
        ips = node.internal_ips.clone();
    } else if ips.is_empty() {
        for &cidr in pod_cidrs {
            match addresses::alloc_pod_ip(&mut c.state, cidr) {
                Some(ip) => ips.push(ip),
                None => c.diagnostics.push(
                    Diagnostic::warning(
                        "pod-cidr-full",
                        span_of(&pod.meta, "metadata.name"),
                        format!(
                            "Pod {:?} gets no IP: the pod CIDR {cidr} of node {:?} is full",
                            pod.meta.name, node.meta.name
                        ),
                    )
                    .with_hint("the CNI plugin fails the sandbox; the Pod stays ContainerCreating"),
                ),
            }
        }
    }
    // Primary family first, as the kubelet reports podIPs (the first is podIP).
    let primary = node.internal_ips.first().map_or(IpFamily::IPv4, |ip| IpFamily::of(*ip));
    if !host_network {
        crate::sort::sort_by_key(&mut ips, |ip| IpFamily::of(*ip) != primary);
    }
    let host_ip = node.internal_ips.first().copied();
    if let Some(p) = c.objects.pods.get_mut(i) {
        let started = !ips.is_empty();
        p.status.pod_ips = ips;
        p.status.host_ip = host_ip;
        if p.status.phase.is_empty() {
            p.status.phase = if started { "Running".into() } else { "Pending".into() };
        }
        if p.status.ready.is_none() {
            // The kubelet's Ready needs every readiness gate's condition True too. A status the
            // input gives with the kubelet's own conditions but no Ready (a dump taken before
            // the kubelet reported it) is not ready: `IsPodReady` wants the condition.
            let gates_met = super::endpoints::unmet_readiness_gate(p).is_none();
            let reported = p.status.conditions.iter().any(|(t, _)| {
                matches!(
                    t.as_str(),
                    "PodScheduled"
                        | "Initialized"
                        | "ContainersReady"
                        | "PodReadyToStartContainers"
                )
            });
            p.status.ready = Some(p.status.phase == "Running" && gates_met && !reported);
        }
    }
}

/// No node fits Pod `i`: the scheduler's `FailedScheduling` event and our warning.
fn failed_scheduling(c: &mut Cluster, i: usize, taints: &[Vec<Taint>]) {
    let Some(pod) = c.objects.pods.get(i) else { return };
    let node_count = c.objects.nodes.len();
    let reasons: Vec<Reason> = c
        .objects
        .nodes
        .iter()
        .zip(taints)
        .filter_map(|(n, t)| filter_with(n, t, pod).err())
        .collect();
    let msg = fit_error(node_count, &reasons);
    c.events.push(Event::new(
        EventType::Warning,
        "FailedScheduling",
        format!("pod/{}", pod.meta.name),
        &pod.meta.namespace,
        msg.clone(),
    ));
    let d = Diagnostic::warning(
        "failed-scheduling",
        pod_span(c, pod, "spec"),
        format!("Pod {:?} cannot be scheduled: {msg}", pod.meta.name),
    )
    .with_hint("it stays Pending, with no IP, and is in no Service's endpoints");
    c.diagnostics.push(d);
}

/// A Pod with scheduling gates never reaches the scheduler's queue (its PreEnqueue plugin,
/// SchedulingGates): no FailedScheduling, it waits Pending until they are removed (the API
/// server sets PodScheduled False, reason SchedulingGated). True when Pod `i` waits so.
fn hold_gated(c: &mut Cluster, i: usize) -> bool {
    let Some(pod) = c.objects.pods.get(i).filter(|p| scheduling_gated(p)) else { return false };
    let gates: Vec<String> = pod.spec.scheduling_gates.iter().map(|g| format!("{g:?}")).collect();
    let d = Diagnostic::warning(
        "scheduling-gated",
        pod_span(c, pod, "spec.schedulingGates"),
        format!(
            "Pod {:?} is not scheduled: scheduling is blocked by its schedulingGates ({})",
            pod.meta.name,
            gates.join(", ")
        ),
    )
    .with_hint("whoever owns a gate removes it when the Pod may run; until then it stays Pending (SchedulingGated), with no node and no IP, and is in no Service's endpoints");
    c.diagnostics.push(d);
    if let Some(p) = c.objects.pods.get_mut(i) {
        p.status.phase = "Pending".into();
        p.status.ready = Some(false);
        p.status.host_ip = None;
        p.status.pod_ips.clear();
    }
    true
}

/// Where a diagnostic about Pod `pod` at `path` (`spec…`) points: the Pod's own text, or for a
/// Pod a controller made, its controller's template (a Deployment's, through its ReplicaSet).
fn pod_span(c: &Cluster, pod: &Pod, path: &str) -> crate::text::Span {
    if pod.meta.source.is_some() {
        return span_of(&pod.meta, path);
    }
    let mut meta = &pod.meta;
    for _ in 0..2 {
        let Some(owner) = meta.owner_references.iter().find(|o| o.controller) else { break };
        let Some(w) = c.objects.workloads.iter().find(|w| {
            w.kind.as_str() == owner.kind
                && w.meta.namespace == pod.meta.namespace
                && w.meta.name == owner.name
        }) else {
            break;
        };
        if w.meta.source.is_some() {
            return span_of(&w.meta, &["spec.template.", path].concat());
        }
        meta = &w.meta;
    }
    span_of(&pod.meta, path)
}

/// The Pod waits for its scheduling gates: it has some and is not bound.
pub(crate) fn scheduling_gated(p: &Pod) -> bool {
    !p.spec.scheduling_gates.is_empty() && p.spec.node_name.is_none()
}

fn node_names(c: &Cluster) -> String {
    c.objects.nodes.iter().map(|n| n.meta.name.as_str()).collect::<Vec<_>>().join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fit_error_text() {
        let r = vec![
            Reason::Taint {
                key: "node-role.kubernetes.io/control-plane".into(),
                value: String::new(),
            },
            Reason::Selector,
            Reason::Selector,
        ];
        assert_eq!(
            fit_error(3, &r),
            "0/3 nodes are available: 1 node(s) had untolerated taint {node-role.kubernetes.io/control-plane: }, 2 node(s) didn't match Pod's node affinity/selector. preemption: 0/3 nodes are available: 3 Preemption is not helpful for scheduling."
        );
    }

    #[test]
    fn toleration_rules() {
        let taint = Taint { key: "k".into(), value: "v".into(), effect: "NoSchedule".into() };
        let tol = |key: &str, op: &str, value: &str, effect: &str| Toleration {
            key: key.into(),
            operator: op.into(),
            value: value.into(),
            effect: effect.into(),
            seconds: None,
        };
        assert!(tolerates(&tol("k", "Equal", "v", "NoSchedule"), &taint));
        assert!(tolerates(&tol("k", "", "v", ""), &taint));
        assert!(tolerates(&tol("", "Exists", "", ""), &taint));
        assert!(tolerates(&tol("k", "Exists", "", "NoSchedule"), &taint));
        assert!(!tolerates(&tol("k", "Equal", "w", ""), &taint));
        assert!(!tolerates(&tol("k", "Exists", "", "NoExecute"), &taint));
        assert!(!tolerates(&tol("", "Equal", "", ""), &taint));
    }
}
