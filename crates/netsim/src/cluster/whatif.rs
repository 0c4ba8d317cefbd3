//! What-if events (cluster stage): "Pods are not reliable". Each event changes the running
//! cluster the way Kubernetes' controllers would react, recomputes EndpointSlices/Endpoints,
//! keeps every Service's ClusterIP and NodePorts, and appends to `Cluster::events` in
//! `kubectl events` words.
//!
//! * `DeletePod`: graceful deletion, in two moments (website tutorial "Explore Termination
//!   Behavior for Pods And Their Endpoints"; KEP-1672; kubernetes-networking-2.md §5):
//!   1. the Pod gets `deletionTimestamp` and `deletionGracePeriodSeconds` (its
//!      `terminationGracePeriodSeconds`, default 30) and shows `Terminating`; the kubelet sends
//!      SIGTERM (`Killing`). It keeps its IP and its Ready condition, so its EndpointSlice
//!      endpoint stays with `ready: false, serving: <Ready>, terminating: true` (kube-proxy
//!      may still use it when no ready endpoint is left); the legacy Endpoints and CoreDNS drop it
//!      at once. A ReplicaSet, ReplicationController or DaemonSet does not count a terminating
//!      Pod and creates the replacement now (new generated name, scheduled anew, a new IP —
//!      host-local IPAM continues after the last address it handed out);
//!   2. `GracePeriodOver`: the grace period has run out (or the containers exited), the Pod
//!      object is gone, its IP is released and its endpoint leaves the slice; only now does a
//!      StatefulSet recreate the same name (at most one Pod per ordinal) and a DaemonSet refill
//!      the node (it creates a Pod only where none is left).
//!
//!   A grace period of 0 (`terminationGracePeriodSeconds: 0`, or `ForceDeletePod`, as
//!   `kubectl delete --grace-period=0 --force`) removes the Pod in one step.
//! * `Scale`: a Deployment scales its ReplicaSet (`ScalingReplicaSet`); a ReplicaSet creates Pods or
//!   deletes them in `getPodsToDelete`'s order (unscheduled, pending, not ready, a lower
//!   deletion cost, more of the set on the same node, more restarts, then the newest:
//!   `scale_down_ranks`; `SuccessfulDelete`); a StatefulSet adds ordinals or removes the highest
//!   first, with OrderedReady one at a time while the Pods before are Running and Ready.
//! * `SetPodReady`: flips the Pod's Ready condition (a readiness probe starting to fail or pass).
//! * `NodeDown`: the node stops reporting: NotReady, tainted `node.kubernetes.io/unreachable`
//!   (NoSchedule and NoExecute), its Pods marked not ready, and — once the default 300 s
//!   toleration runs out — evicted (`TaintManagerEviction`): deleted gracefully, but the kubelet
//!   that would confirm it is unreachable, so they stay `Terminating` (not ready, not serving)
//!   until `GracePeriodOver` stands for their removal (a force delete, or the node coming back);
//!   ReplicaSets replace them on other nodes at once, a StatefulSet only once they are gone;
//!   DaemonSet Pods tolerate the taint and stay, not ready.
//! * `SetLabel`: sets (`Some`) or removes (`None`) a label on a Pod, Service, Node or workload.
//!   A Pod that no longer matches its ReplicaSet's selector is released and replaced — the classic
//!   way to take a Pod out of rotation for debugging.

use std::collections::BTreeMap;

use super::workloads::{self, owned_pods};
use super::{endpoints, schedule, selector_matches, Cluster, Event, EventType, MAX_REPLICAS};
use crate::diagnostic::Diagnostic;
use crate::model::{Taint, WorkloadKind};
use crate::text::Span;

/// One what-if event.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum WhatIf {
    /// `kubectl delete pod`: the Pod starts terminating (see the module docs).
    DeletePod {
        namespace: String,
        name: String,
    },
    /// The deleted Pod's grace period is over: it is gone.
    GracePeriodOver {
        namespace: String,
        name: String,
    },
    /// `kubectl delete pod --grace-period=0 --force`: gone at once.
    ForceDeletePod {
        namespace: String,
        name: String,
    },
    Scale {
        kind: WorkloadKind,
        namespace: String,
        name: String,
        replicas: i32,
    },
    SetPodReady {
        namespace: String,
        name: String,
        ready: bool,
    },
    NodeDown {
        name: String,
    },
    /// `kind`: `pod`, `service`, `node`, `deployment`, `replicaset`, `statefulset`, `daemonset`.
    SetLabel {
        kind: String,
        namespace: String,
        name: String,
        key: String,
        value: Option<String>,
    },
}

fn warn(c: &mut Cluster, msg: String) {
    c.diagnostics.push(Diagnostic::warning("unknown-object", Span::default(), msg));
}

/// Applies one event and returns the new cluster (events appended to `events`).
pub fn apply(cluster: &Cluster, event: &WhatIf) -> Cluster {
    let mut c = cluster.clone();
    match event {
        WhatIf::DeletePod { namespace, name } => {
            if c.pod(namespace, name).is_none() {
                warn(&mut c, format!("pods \"{name}\" not found"));
                return c;
            }
            delete_pod(&mut c, namespace, name, None);
        }
        WhatIf::GracePeriodOver { namespace, name } => match c.pod(namespace, name) {
            None => {
                warn(&mut c, format!("pods \"{name}\" not found"));
                return c;
            }
            Some(p) if p.meta.deletion_timestamp.is_none() => {
                c.diagnostics.push(Diagnostic::warning(
                    "not-terminating",
                    Span::default(),
                    format!("pod \"{name}\" is not terminating: delete it first (delete-pod/{namespace}/{name})"),
                ));
                return c;
            }
            Some(_) => pod_gone(&mut c, namespace, name),
        },
        WhatIf::ForceDeletePod { namespace, name } => {
            if c.pod(namespace, name).is_none() {
                warn(&mut c, format!("pods \"{name}\" not found"));
                return c;
            }
            delete_pod(&mut c, namespace, name, None);
            if c.pod(namespace, name).is_some() {
                pod_gone(&mut c, namespace, name);
            }
        }
        WhatIf::Scale { kind, namespace, name, replicas } => {
            scale(&mut c, *kind, namespace, name, *replicas)
        }
        WhatIf::SetPodReady { namespace, name, ready } => {
            let Some(p) = c
                .objects
                .pods
                .iter_mut()
                .find(|p| p.meta.namespace == *namespace && p.meta.name == *name)
            else {
                warn(&mut c, format!("pods \"{name}\" not found"));
                return c;
            };
            let running = p.status.phase == "Running";
            p.status.ready = Some(*ready && running);
            let container = p.spec.containers.first().map(|c| c.name.clone()).unwrap_or_default();
            if !*ready {
                c.events.push(Event::new(
                    EventType::Warning,
                    "Unhealthy",
                    format!("pod/{name}"),
                    namespace,
                    format!("Readiness probe failed: container {container} reports not ready (simulated)"),
                ));
            }
        }
        WhatIf::NodeDown { name } => node_down(&mut c, name),
        WhatIf::SetLabel { kind, namespace, name, key, value } => {
            set_label(&mut c, kind, namespace, name, key, value.as_deref())
        }
    }
    // Which StatefulSet waits for which Pod is worked out anew after the event.
    c.diagnostics.retain(|d| d.code != workloads::STATEFULSET_WAITING);
    resync_statefulsets(&mut c);
    endpoints::reconcile_all(&mut c);
    c
}

/// The deletion timestamp the what-ifs write. The simulation has no clock: the moment of a
/// what-if deletion is shown as this fixed time (an RFC 3339 text, as the API prints it).
pub const DELETION_TIMESTAMP: &str = "1970-01-01T00:00:00Z";

/// `terminationGracePeriodSeconds` when the Pod does not set it (`SetDefaults_PodSpec`,
/// `v1.DefaultTerminationGracePeriodSeconds`).
pub const DEFAULT_GRACE_PERIOD_SECONDS: i64 = 30;

/// The Pods a what-if deletion left terminating, with what ends their grace period: the
/// follow-up moments of the timeline (`GracePeriodOver` for each, in Pod order).
pub fn pending(c: &Cluster) -> Vec<(WhatIf, i64)> {
    c.objects
        .pods
        .iter()
        .filter(|p| p.meta.deletion_timestamp.as_deref() == Some(DELETION_TIMESTAMP))
        .map(|p| {
            (
                WhatIf::GracePeriodOver {
                    namespace: p.meta.namespace.clone(),
                    name: p.meta.name.clone(),
                },
                p.meta.deletion_grace_period_seconds.unwrap_or(DEFAULT_GRACE_PERIOD_SECONDS),
            )
        })
        .collect()
}

/// Deletes one Pod gracefully: it starts terminating (kubelet `Killing`: SIGTERM) and its
/// controller creates a replacement when it does not count terminating Pods. A Pod already
/// terminating is left as it is (a second delete changes nothing here); one with a grace period
/// of 0 is gone at once.
fn delete_pod(c: &mut Cluster, ns: &str, name: &str, reason: Option<&str>) {
    let Some(i) = c.objects.pods.iter().position(|p| p.meta.namespace == ns && p.meta.name == name)
    else {
        return;
    };
    if c.objects.pods[i].meta.deletion_timestamp.is_some() {
        return;
    }
    let grace = c.objects.pods[i]
        .spec
        .termination_grace_period_seconds
        .unwrap_or(DEFAULT_GRACE_PERIOD_SECONDS)
        .max(0);
    {
        let pod = &mut c.objects.pods[i];
        pod.meta.deletion_timestamp = Some(DELETION_TIMESTAMP.to_string());
        pod.meta.deletion_grace_period_seconds = Some(grace);
    }
    let pod = c.objects.pods[i].clone();
    if let Some(r) = reason {
        c.events.push(Event::new(
            EventType::Normal,
            r,
            format!("pod/{name}"),
            ns,
            format!("Marking for deletion Pod {ns}/{name}"),
        ));
    }
    for ct in &pod.spec.containers {
        c.events.push(Event::new(
            EventType::Normal,
            "Killing",
            format!("pod/{name}"),
            ns,
            format!("Stopping container {}", ct.name),
        ));
    }
    if let Some(w) = controller_of(c, &pod) {
        let new = match w.kind {
            WorkloadKind::ReplicaSet | WorkloadKind::ReplicationController => {
                Some(workloads::create_rs_pod(c, &w))
            }
            // A StatefulSet and a DaemonSet wait until the old Pod is gone (`pod_gone`): the
            // StatefulSet keeps at most one Pod per ordinal, the DaemonSet controller creates a
            // Pod only on a node that has none (`podsShouldBeOnNode` counts the terminating
            // one).
            WorkloadKind::StatefulSet | WorkloadKind::DaemonSet | WorkloadKind::Deployment => None,
        };
        if let Some(n) = new {
            schedule::schedule_and_start(c, &[n]);
        }
    }
    if grace == 0 {
        pod_gone(c, ns, name);
    }
}

/// The workload that controls `pod` (its controller ownerReference), if it exists.
fn controller_of(c: &Cluster, pod: &crate::model::Pod) -> Option<crate::model::Workload> {
    let owner = pod.meta.owner_references.iter().find(|o| o.controller)?;
    c.objects
        .workloads
        .iter()
        .find(|w| {
            w.meta.namespace == pod.meta.namespace
                && w.kind.as_str() == owner.kind
                && w.meta.name == owner.name
        })
        .cloned()
}

/// The end of a Pod's grace period: the object is gone, its addresses are free again, and a
/// StatefulSet recreates the ordinal.
fn pod_gone(c: &mut Cluster, ns: &str, name: &str) {
    let Some(i) = c.objects.pods.iter().position(|p| p.meta.namespace == ns && p.meta.name == name)
    else {
        return;
    };
    let pod = c.objects.pods.remove(i);
    if !pod.spec.host_network {
        for ip in &pod.status.pod_ips {
            c.state.used_pod_ips.remove(ip);
            c.state.full_pod_cidrs.clear();
        }
    }
    match controller_of(c, &pod) {
        Some(w) if w.kind == WorkloadKind::StatefulSet => {
            let ord = name.rsplit('-').next().and_then(|o| o.parse::<i32>().ok()).unwrap_or(0);
            if let Some(n) = workloads::create_sts_pod(c, &w, ord) {
                schedule::schedule_and_start(c, &[n]);
            }
        }
        Some(w) if w.kind == WorkloadKind::DaemonSet => {
            let before = c.objects.pods.len();
            workloads::daemonset(c, &w);
            if c.objects.pods.len() > before {
                schedule::schedule_and_start(c, &[c.objects.pods.len() - 1]);
            }
        }
        _ => {}
    }
}

fn scale(c: &mut Cluster, kind: WorkloadKind, ns: &str, name: &str, replicas: i32) {
    let Some(wi) = c
        .objects
        .workloads
        .iter()
        .position(|w| w.kind == kind && w.meta.namespace == ns && w.meta.name == name)
    else {
        warn(
            c,
            format!(
                "{}.apps \"{name}\" not found in namespace {ns:?}",
                kind.as_str().to_lowercase() + "s"
            ),
        );
        return;
    };
    if i64::from(replicas) > MAX_REPLICAS || replicas < 0 {
        c.diagnostics.push(Diagnostic::error(
            "too-many-replicas",
            Span::default(),
            format!("cannot scale {} {name:?} to {replicas}: the simulator runs 0 to {MAX_REPLICAS} Pods per workload", kind.as_str()),
        ));
        return;
    }
    match kind {
        WorkloadKind::DaemonSet => {
            warn(c, format!("daemonsets.apps \"{name}\" cannot be scaled: it runs one Pod per eligible node"));
        }
        WorkloadKind::Deployment => {
            c.objects.workloads[wi].replicas = replicas;
            let rs = c.objects.workloads.iter().position(|w| {
                w.kind == WorkloadKind::ReplicaSet
                    && w.meta.namespace == ns
                    && w.meta
                        .owner_references
                        .iter()
                        .any(|o| o.kind == "Deployment" && o.name == name)
            });
            if let Some(ri) = rs {
                let from = c.objects.workloads[ri].replicas;
                let rs_name = c.objects.workloads[ri].meta.name.clone();
                if from != replicas {
                    let dir = if replicas > from { "up" } else { "down" };
                    c.events.push(Event::new(
                        EventType::Normal,
                        "ScalingReplicaSet",
                        format!("deployment/{name}"),
                        ns,
                        format!("Scaled {dir} replica set {rs_name} from {from} to {replicas}"),
                    ));
                }
                scale(c, WorkloadKind::ReplicaSet, ns, &rs_name, replicas);
            }
        }
        WorkloadKind::ReplicaSet | WorkloadKind::ReplicationController => {
            c.objects.workloads[wi].replicas = replicas;
            let w = c.objects.workloads[wi].clone();
            let mut owned = owned_pods(c, &w);
            let want = usize::try_from(replicas).unwrap_or(0);
            if owned.len() < want {
                let mut new = Vec::new();
                for _ in owned.len()..want {
                    new.push(workloads::create_rs_pod(c, &w));
                }
                schedule::schedule_and_start(c, &new);
            } else if owned.len() > want {
                let ranks = scale_down_ranks(c, &w, &owned);
                crate::sort::sort_by_key(&mut owned, |&i| ranks[&i]);
                let victims: Vec<String> = owned
                    .iter()
                    .take(owned.len() - want)
                    .map(|&i| c.objects.pods[i].meta.name.clone())
                    .collect();
                for v in victims {
                    c.events.push(Event::new(
                        EventType::Normal,
                        "SuccessfulDelete",
                        format!("{}/{name}", kind.as_str().to_ascii_lowercase()),
                        ns,
                        format!("Deleted pod: {v}"),
                    ));
                    remove_without_replacement(c, ns, &v);
                }
            }
        }
        WorkloadKind::StatefulSet => scale_statefulset(c, wi, replicas),
    }
}

/// The ReplicaSet controller's order for deleting Pods (`getPodsToDelete`,
/// pkg/controller/replicaset/replica_set.go: `ActivePodsWithRanks.Less`,
/// pkg/controller/controller_utils.go), first to go first: 1. not on a node; 2. Pending, then
/// Unknown, then Running; 3. not ready; 4. the lower `controller.kubernetes.io/pod-deletion-cost`
/// (an int32; unset or not a number is 0); 5. the more Pods related to it on its node (the
/// "doubled up": the Pods of the ReplicaSet, or of every ReplicaSet of its Deployment,
/// `getPodsRankedByRelatedPodsOnSameNode`); 6. how long it has been ready (equal here: the
/// simulation has no clock); 7. the more container restarts; 8. the newer. Pods made in one
/// simulation have equal creation times (a second apart at most in a cluster), where
/// Kubernetes' sort leaves the order to chance: here the most recently made goes first.
type DeleteRank = (
    bool,
    u8,
    bool,
    i32,
    std::cmp::Reverse<usize>,
    std::cmp::Reverse<u32>,
    std::cmp::Reverse<usize>,
);

fn scale_down_ranks(
    c: &Cluster,
    w: &crate::model::Workload,
    owned: &[usize],
) -> BTreeMap<usize, DeleteRank> {
    // The Pods related to `w`'s: of the ReplicaSets its Deployment owns, or its own.
    let deployment =
        w.meta.owner_references.iter().find(|o| o.controller && o.kind == "Deployment");
    let siblings: Vec<&crate::model::Workload> = match deployment {
        Some(d) => c
            .objects
            .workloads
            .iter()
            .filter(|r| {
                r.kind == w.kind
                    && r.meta.namespace == w.meta.namespace
                    && r.meta
                        .owner_references
                        .iter()
                        .any(|o| o.controller && o.kind == "Deployment" && o.name == d.name)
            })
            .collect(),
        None => vec![w],
    };
    let mut on_node: BTreeMap<&str, usize> = BTreeMap::new();
    for r in siblings {
        for i in owned_pods(c, r) {
            let p = &c.objects.pods[i];
            if matches!(p.status.phase.as_str(), "Succeeded" | "Failed") {
                continue;
            }
            if let Some(n) = p.spec.node_name.as_deref() {
                *on_node.entry(n).or_insert(0) += 1;
            }
        }
    }
    owned
        .iter()
        .map(|&i| {
            let p = &c.objects.pods[i];
            let phase = match p.status.phase.as_str() {
                "Unknown" => 1,
                "Running" => 2,
                _ => 0,
            };
            let cost = p
                .meta
                .annotations
                .get("controller.kubernetes.io/pod-deletion-cost")
                .and_then(|v| v.parse::<i32>().ok())
                .unwrap_or(0);
            let doubled =
                p.spec.node_name.as_deref().and_then(|n| on_node.get(n)).copied().unwrap_or(0);
            let restarts = p
                .status
                .container_restarts
                .iter()
                .map(|(_, n)| *n)
                .max()
                .unwrap_or(p.status.restart_count);
            let rank = (
                p.spec.node_name.is_some(),
                phase,
                endpoints::is_pod_ready(p),
                cost,
                std::cmp::Reverse(doubled),
                std::cmp::Reverse(restarts),
                std::cmp::Reverse(i),
            );
            (i, rank)
        })
        .collect()
}

/// A StatefulSet scaled: its controller syncs ([`sync_statefulset`]).
fn scale_statefulset(c: &mut Cluster, wi: usize, replicas: i32) {
    c.objects.workloads[wi].replicas = replicas;
    let w = c.objects.workloads[wi].clone();
    sync_statefulset(c, &w, true);
}

/// After every what-if, each StatefulSet whose first ordinal runs syncs again: a Pod it held
/// may have its turn now (the one before it became Ready, the one in the way is gone), a
/// scale-down that waited may go on. (A set the build refused, or one scaled to 0, has nothing
/// to go on from: only a scale starts it.)
fn resync_statefulsets(c: &mut Cluster) {
    let sets: Vec<crate::model::Workload> = c
        .objects
        .workloads
        .iter()
        .filter(|w| w.kind == WorkloadKind::StatefulSet && w.replicas > 0)
        .cloned()
        .collect();
    if sets.is_empty() {
        return;
    }
    let names: std::collections::BTreeSet<(String, String)> =
        c.objects.pods.iter().map(|p| (p.meta.namespace.clone(), p.meta.name.clone())).collect();
    for w in sets {
        let first = format!("{}-{}", w.meta.name, w.ordinals_start);
        if names.contains(&(w.meta.namespace.clone(), first)) {
            sync_statefulset(c, &w, false);
        }
    }
}

/// The StatefulSet controller's sync (`updateStatefulSet`, stateful_set_control.go): Pods at
/// ordinals from `replicas` up are condemned and deleted, highest first; missing ordinals below
/// are created (the scheduler's [`workloads::OrderedGate`] holds those whose turn has not come).
/// With OrderedReady (monotonic) nothing is deleted while a Pod it keeps is not Running and
/// Ready, and a condemned Pod goes only once it is Running and Ready or is the set's first
/// unhealthy Pod. (A deleted Pod is gone at once here, so none waits for one terminating.)
/// `scaled`: a scale asked for it (otherwise only what a sync would change is done).
fn sync_statefulset(c: &mut Cluster, w: &crate::model::Workload, scaled: bool) {
    let (ns, name) = (w.meta.namespace.as_str(), w.meta.name.as_str());
    let (start, end) = (w.ordinals_start, w.ordinals_start + w.replicas.max(0));
    let ordered = w.pod_management_policy != "Parallel";
    // The set's Pods: ordinal → Running and Ready.
    let mut health: BTreeMap<i32, bool> = c
        .objects
        .pods
        .iter()
        .filter(|p| p.meta.namespace == ns)
        .filter_map(|p| {
            let (set, ord) = workloads::sts_ordinal(p)?;
            (set == name).then(|| (ord, workloads::running_and_ready(p)))
        })
        .collect();
    let kept_unhealthy =
        (start..end).find(|o| !health.get(o).copied().unwrap_or(false)).filter(|_| ordered);
    let condemned: Vec<i32> = health.range(end..).map(|(o, _)| *o).rev().collect();
    for ord in condemned {
        let first_unhealthy = health.iter().find(|(_, ok)| !**ok).map(|(o, _)| *o);
        let blocker = kept_unhealthy
            .or_else(|| first_unhealthy.filter(|&f| ordered && !health[&ord] && f != ord));
        if let Some(b) = blocker {
            let left: Vec<String> =
                health.range(end..=ord).map(|(o, _)| format!("\"{name}-{o}\"")).collect();
            let list = match left.as_slice() {
                [one] => format!("{one} is"),
                [rest @ .., last] => format!("{} and {last} are", rest.join(", ")),
                [] => String::new(),
            };
            c.diagnostics.push(
                Diagnostic::warning(
                    workloads::STATEFULSET_WAITING,
                    super::span_of(&w.meta, "spec.replicas"),
                    format!("StatefulSet {name:?} is waiting for Pod \"{name}-{b}\" to be Running and Ready: {list} not deleted yet"),
                )
                .with_hint("podManagementPolicy OrderedReady (the default) scales down one Pod at a time, highest ordinal first, only while the Pods it keeps are Running and Ready; Parallel deletes them all at once"),
            );
            break;
        }
        health.remove(&ord);
        let pod = format!("{name}-{ord}");
        c.events.push(Event::new(
            EventType::Normal,
            "SuccessfulDelete",
            format!("statefulset/{name}"),
            ns,
            format!("delete Pod {pod} in StatefulSet {name} successful"),
        ));
        remove_without_replacement(c, ns, &pod);
    }
    let missing = (start..end).filter(|o| !health.contains_key(o)).count();
    if missing > 0 && (scaled || health.contains_key(&start)) {
        // An ordinal's name taken by a Pod of no StatefulSet is not created again (the API
        // server would answer AlreadyExists).
        let taken: std::collections::BTreeSet<String> = c
            .objects
            .pods
            .iter()
            .filter(|p| p.meta.namespace == ns && p.meta.name.starts_with(name))
            .map(|p| p.meta.name.clone())
            .collect();
        let new: Vec<usize> = (start..end)
            .filter(|o| !health.contains_key(o) && !taken.contains(&format!("{name}-{o}")))
            .map(|o| workloads::add_sts_ordinal(c, w, o))
            .collect();
        schedule::schedule_and_start(c, &new);
    }
}

fn remove_without_replacement(c: &mut Cluster, ns: &str, name: &str) {
    let Some(i) = c.objects.pods.iter().position(|p| p.meta.namespace == ns && p.meta.name == name)
    else {
        return;
    };
    let pod = c.objects.pods.remove(i);
    for ct in &pod.spec.containers {
        c.events.push(Event::new(
            EventType::Normal,
            "Killing",
            format!("pod/{name}"),
            ns,
            format!("Stopping container {}", ct.name),
        ));
    }
    if !pod.spec.host_network {
        for ip in &pod.status.pod_ips {
            c.state.used_pod_ips.remove(ip);
            c.state.full_pod_cidrs.clear();
        }
    }
}

fn node_down(c: &mut Cluster, name: &str) {
    let Some(node) = c.objects.nodes.iter_mut().find(|n| n.meta.name == name) else {
        warn(c, format!("nodes \"{name}\" not found"));
        return;
    };
    node.ready = false;
    // It stops reporting: Unknown, not the kubelet's own NotReady.
    node.ready_false = false;
    for effect in ["NoSchedule", "NoExecute"] {
        if !node
            .taints
            .iter()
            .any(|t| t.key == "node.kubernetes.io/unreachable" && t.effect == effect)
        {
            node.taints.push(Taint {
                key: "node.kubernetes.io/unreachable".into(),
                value: String::new(),
                effect: effect.into(),
            });
        }
    }
    let taint = Taint {
        key: "node.kubernetes.io/unreachable".into(),
        value: String::new(),
        effect: "NoExecute".into(),
    };
    c.events.push(Event::new(
        EventType::Normal,
        "NodeNotReady",
        format!("node/{name}"),
        "default", // Node events are recorded in the default namespace.
        format!("Node {name} status is now: NodeNotReady"),
    ));
    let mut evict = Vec::new();
    for p in &mut c.objects.pods {
        if p.spec.node_name.as_deref() != Some(name) {
            continue;
        }
        p.status.ready = Some(false); // MarkPodsNotReady
                                      // Tolerations without tolerationSeconds (DaemonSets') keep the Pod; the default 300 s
                                      // ones added by admission run out.
        if !p.spec.tolerations.iter().any(|t| schedule::tolerates(t, &taint)) {
            evict.push((p.meta.namespace.clone(), p.meta.name.clone()));
        }
    }
    for (ns, pod) in evict {
        delete_pod(c, &ns, &pod, Some("TaintManagerEviction"));
    }
}

fn set_label(c: &mut Cluster, kind: &str, ns: &str, name: &str, key: &str, value: Option<&str>) {
    let apply = |labels: &mut crate::model::Labels| match value {
        Some(v) => {
            labels.insert(key.to_string(), v.to_string());
        }
        None => {
            labels.remove(key);
        }
    };
    match kind {
        "pod" | "pods" | "po" => {
            let Some(p) =
                c.objects.pods.iter_mut().find(|p| p.meta.namespace == ns && p.meta.name == name)
            else {
                warn(c, format!("pods \"{name}\" not found"));
                return;
            };
            apply(&mut p.meta.labels);
            let labels = p.meta.labels.clone();
            let owner = p
                .meta
                .owner_references
                .iter()
                .find(|o| o.controller && o.kind == "ReplicaSet")
                .cloned();
            if let Some(o) = owner {
                let rs = c
                    .objects
                    .workloads
                    .iter()
                    .find(|w| {
                        w.kind == WorkloadKind::ReplicaSet
                            && w.meta.namespace == ns
                            && w.meta.name == o.name
                    })
                    .cloned();
                if let Some(rs) = rs {
                    if !rs.selector.as_ref().is_some_and(|s| selector_matches(s, &labels)) {
                        // The ReplicaSet releases the Pod (orphans it) and makes up the count.
                        if let Some(p) = c
                            .objects
                            .pods
                            .iter_mut()
                            .find(|p| p.meta.namespace == ns && p.meta.name == name)
                        {
                            p.meta
                                .owner_references
                                .retain(|r| !(r.controller && r.kind == "ReplicaSet"));
                        }
                        let n = workloads::create_rs_pod(c, &rs);
                        schedule::schedule_and_start(c, &[n]);
                    }
                }
            }
        }
        "service" | "services" | "svc" => match c
            .objects
            .services
            .iter_mut()
            .find(|s| s.meta.namespace == ns && s.meta.name == name)
        {
            Some(s) => apply(&mut s.meta.labels),
            None => warn(c, format!("services \"{name}\" not found")),
        },
        "node" | "nodes" | "no" => match c.objects.nodes.iter_mut().find(|n| n.meta.name == name) {
            Some(n) => apply(&mut n.meta.labels),
            None => warn(c, format!("nodes \"{name}\" not found")),
        },
        other => {
            let kind = workload_kind(other);
            match kind.and_then(|k| {
                c.objects
                    .workloads
                    .iter_mut()
                    .find(|w| w.kind == k && w.meta.namespace == ns && w.meta.name == name)
            }) {
                Some(w) => apply(&mut w.meta.labels),
                None => warn(c, format!("{other} \"{name}\" not found")),
            }
        }
    }
}

/// Parses the CLI's `--event` text (see `netsim get --help`):
/// `delete-pod/[NS/]NAME` (the Pod starts terminating), `grace-over/[NS/]NAME` (its grace period
/// is over: it is gone), `force-delete-pod/[NS/]NAME` (both at once), `scale/KIND/[NS/]NAME=N`,
/// `pod-ready/[NS/]NAME=true|false`, `node-down/NAME`, `label/KIND/[NS/]NAME:KEY=VALUE` (or
/// `:KEY-` to remove). [`WhatIf::to_event`] writes the same text back.
pub fn parse_event(text: &str, default_ns: &str) -> Result<WhatIf, String> {
    let (verb, rest) = text.split_once('/').ok_or_else(|| {
        format!("event {text:?} has no '/': expected e.g. delete-pod/default/web-abc")
    })?;
    let ns_name = |s: &str| -> Result<(String, String), String> {
        match s.split_once('/') {
            Some((ns, n)) if !ns.is_empty() && !n.is_empty() && !n.contains('/') => {
                Ok((ns.into(), n.into()))
            }
            None if !s.is_empty() => Ok((default_ns.into(), s.into())),
            _ => Err(format!("event {text:?}: expected [NAMESPACE/]NAME")),
        }
    };
    let workload_kind = |k: &str| {
        workload_kind(k).ok_or_else(|| {
            format!("event {text:?}: unknown workload kind {k:?} (deployment, replicaset, statefulset, replicationcontroller)")
        })
    };
    match verb {
        "delete-pod" => {
            let (namespace, name) = ns_name(rest)?;
            Ok(WhatIf::DeletePod { namespace, name })
        }
        "grace-over" => {
            let (namespace, name) = ns_name(rest)?;
            Ok(WhatIf::GracePeriodOver { namespace, name })
        }
        "force-delete-pod" => {
            let (namespace, name) = ns_name(rest)?;
            Ok(WhatIf::ForceDeletePod { namespace, name })
        }
        "scale" => {
            let (kind, target) = rest.split_once('/').ok_or_else(|| format!("event {text:?}: expected scale/KIND/[NS/]NAME=N"))?;
            let (target, n) = target.split_once('=').ok_or_else(|| format!("event {text:?}: expected scale/KIND/[NS/]NAME=N"))?;
            let replicas = n.parse::<i32>().map_err(|_| format!("event {text:?}: replicas {n:?} is not a number"))?;
            let (namespace, name) = ns_name(target)?;
            Ok(WhatIf::Scale { kind: workload_kind(kind)?, namespace, name, replicas })
        }
        "pod-ready" => {
            let (target, v) = rest.split_once('=').ok_or_else(|| format!("event {text:?}: expected pod-ready/[NS/]NAME=true|false"))?;
            let ready = match v {
                "true" => true,
                "false" => false,
                _ => return Err(format!("event {text:?}: expected true or false after '='")),
            };
            let (namespace, name) = ns_name(target)?;
            Ok(WhatIf::SetPodReady { namespace, name, ready })
        }
        "node-down" if !rest.is_empty() && !rest.contains('/') => Ok(WhatIf::NodeDown { name: rest.into() }),
        "label" => {
            let (kind, target) = rest.split_once('/').ok_or_else(|| format!("event {text:?}: expected label/KIND/[NS/]NAME:KEY=VALUE"))?;
            let (target, kv) = target.split_once(':').ok_or_else(|| format!("event {text:?}: expected label/KIND/[NS/]NAME:KEY=VALUE"))?;
            let (key, value) = match kv.split_once('=') {
                Some((k, v)) => (k.to_string(), Some(v.to_string())),
                None => match kv.strip_suffix('-') {
                    Some(k) => (k.to_string(), None),
                    None => return Err(format!("event {text:?}: expected KEY=VALUE or KEY- after ':'")),
                },
            };
            if key.is_empty() {
                return Err(format!("event {text:?}: empty label key"));
            }
            let (namespace, name) = ns_name(target)?;
            Ok(WhatIf::SetLabel { kind: kind.to_lowercase(), namespace, name, key, value })
        }
        _ => Err(format!(
            "unknown event {text:?}: expected delete-pod/…, grace-over/…, force-delete-pod/…, scale/…, pod-ready/…, node-down/NODE or label/…"
        )),
    }
}

/// A workload kind by kubectl's names (`deploy`, `replicasets`, `rc`, `statefulsets.apps`).
fn workload_kind(name: &str) -> Option<WorkloadKind> {
    [
        WorkloadKind::Deployment,
        WorkloadKind::ReplicaSet,
        WorkloadKind::StatefulSet,
        WorkloadKind::DaemonSet,
        WorkloadKind::ReplicationController,
    ]
    .into_iter()
    .find(|k| k.info().named(name))
}

impl WhatIf {
    /// The event text [`parse_event`] reads (`delete-pod/default/web-abc`), for the page's
    /// timeline and share links.
    pub fn to_event(&self) -> String {
        match self {
            WhatIf::DeletePod { namespace, name } => format!("delete-pod/{namespace}/{name}"),
            WhatIf::GracePeriodOver { namespace, name } => format!("grace-over/{namespace}/{name}"),
            WhatIf::ForceDeletePod { namespace, name } => {
                format!("force-delete-pod/{namespace}/{name}")
            }
            WhatIf::Scale { kind, namespace, name, replicas } => format!(
                "scale/{}/{namespace}/{name}={replicas}",
                kind.as_str().to_ascii_lowercase()
            ),
            WhatIf::SetPodReady { namespace, name, ready } => {
                format!("pod-ready/{namespace}/{name}={ready}")
            }
            WhatIf::NodeDown { name } => format!("node-down/{name}"),
            WhatIf::SetLabel { kind, namespace, name, key, value } => match value {
                Some(v) => format!("label/{kind}/{namespace}/{name}:{key}={v}"),
                None => format!("label/{kind}/{namespace}/{name}:{key}-"),
            },
        }
    }
}
