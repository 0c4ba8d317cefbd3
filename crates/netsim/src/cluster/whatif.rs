//! What-if events (cluster stage): "Pods are not reliable". Each event changes the running
//! cluster the way Kubernetes' controllers would react, recomputes EndpointSlices/Endpoints,
//! keeps every Service's ClusterIP and NodePorts, and appends to `Cluster::events` in
//! `kubectl events` words.
//!
//! * `DeletePod`: the kubelet stops the containers (`Killing`); a ReplicaSet or DaemonSet
//!   creates a replacement with a new generated name, a StatefulSet recreates the same name; the
//!   replacement is scheduled anew and gets a new IP — host-local IPAM continues after the last
//!   address it handed out, so a released address is not reused until the CIDR wraps.
//! * `Scale`: a Deployment scales its ReplicaSet (`ScalingReplicaSet`); a ReplicaSet creates Pods or
//!   deletes the not-ready ones first, then the newest (`SuccessfulDelete`); a StatefulSet adds
//!   ordinals or removes the highest first.
//! * `SetPodReady`: flips the Pod's Ready condition (a readiness probe starting to fail or pass).
//! * `NodeDown`: the node stops reporting: NotReady, tainted `node.kubernetes.io/unreachable`
//!   (NoSchedule and NoExecute), its Pods marked not ready, and — once the default 300 s
//!   toleration runs out — evicted (`TaintManagerEviction`) and replaced on other nodes;
//!   DaemonSet Pods tolerate the taint and stay, not ready.
//! * `SetLabel`: sets (`Some`) or removes (`None`) a label on a Pod, Service, Node or workload.
//!   A Pod that no longer matches its ReplicaSet's selector is released and replaced — the classic
//!   way to take a Pod out of rotation for debugging.

use super::workloads::{self, owned_pods};
use super::{endpoints, schedule, selector_matches, Cluster, Event, EventType, MAX_REPLICAS};
use crate::diagnostic::Diagnostic;
use crate::model::{Taint, WorkloadKind};
use crate::text::Span;

/// One what-if event.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum WhatIf {
    DeletePod {
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
    endpoints::reconcile_all(&mut c);
    c
}

/// Deletes one Pod (kubelet `Killing`, events) and lets its controller replace it.
fn delete_pod(c: &mut Cluster, ns: &str, name: &str, reason: Option<&str>) {
    let Some(i) = c.objects.pods.iter().position(|p| p.meta.namespace == ns && p.meta.name == name)
    else {
        return;
    };
    let pod = c.objects.pods.remove(i);
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
    if !pod.spec.host_network {
        for ip in &pod.status.pod_ips {
            c.state.used_pod_ips.remove(ip);
            c.state.full_pod_cidrs.clear();
        }
    }
    let Some(owner) = pod.meta.owner_references.iter().find(|o| o.controller).cloned() else {
        return;
    };
    let Some(w) = c
        .objects
        .workloads
        .iter()
        .find(|w| {
            w.meta.namespace == ns && w.kind.as_str() == owner.kind && w.meta.name == owner.name
        })
        .cloned()
    else {
        return;
    };
    let new = match w.kind {
        WorkloadKind::ReplicaSet => Some(workloads::create_rs_pod(c, &w)),
        WorkloadKind::StatefulSet => {
            let ord = name.rsplit('-').next().and_then(|o| o.parse::<i32>().ok()).unwrap_or(0);
            workloads::create_sts_pod(c, &w, ord)
        }
        WorkloadKind::DaemonSet => {
            let before = c.objects.pods.len();
            workloads::daemonset(c, &w);
            (c.objects.pods.len() > before).then(|| c.objects.pods.len() - 1)
        }
        WorkloadKind::Deployment => None,
    };
    if let Some(n) = new {
        schedule::schedule_and_start(c, &[n]);
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
        WorkloadKind::ReplicaSet => {
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
                // getPodsToDelete: unscheduled/pending/not-ready first, then the newest.
                crate::sort::sort_by_key(&mut owned, |&i| {
                    let p = &c.objects.pods[i];
                    (
                        p.spec.node_name.is_some(),
                        p.status.phase == "Running",
                        endpoints::is_pod_ready(p),
                        std::cmp::Reverse(i),
                    )
                });
                let victims: Vec<String> = owned
                    .iter()
                    .take(owned.len() - want)
                    .map(|&i| c.objects.pods[i].meta.name.clone())
                    .collect();
                for v in victims {
                    c.events.push(Event::new(
                        EventType::Normal,
                        "SuccessfulDelete",
                        format!("replicaset/{name}"),
                        ns,
                        format!("Deleted pod: {v}"),
                    ));
                    remove_without_replacement(c, ns, &v);
                }
            }
        }
        WorkloadKind::StatefulSet => {
            let from = c.objects.workloads[wi].replicas;
            c.objects.workloads[wi].replicas = replicas;
            let w = c.objects.workloads[wi].clone();
            if replicas > from {
                let mut new = Vec::new();
                for ord in 0..replicas {
                    new.extend(workloads::create_sts_pod(c, &w, ord));
                }
                schedule::schedule_and_start(c, &new);
            } else {
                for ord in (replicas..from).rev() {
                    let pod = format!("{name}-{ord}");
                    if c.pod(ns, &pod).is_some() {
                        c.events.push(Event::new(
                            EventType::Normal,
                            "SuccessfulDelete",
                            format!("statefulset/{name}"),
                            ns,
                            format!("delete Pod {pod} in StatefulSet {name} successful"),
                        ));
                        remove_without_replacement(c, ns, &pod);
                    }
                }
            }
        }
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
            let kind = match other {
                "deployment" | "deployments" | "deploy" => Some(WorkloadKind::Deployment),
                "replicaset" | "replicasets" | "rs" => Some(WorkloadKind::ReplicaSet),
                "statefulset" | "statefulsets" | "sts" => Some(WorkloadKind::StatefulSet),
                "daemonset" | "daemonsets" | "ds" => Some(WorkloadKind::DaemonSet),
                _ => None,
            };
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
/// `delete-pod/[NS/]NAME`, `scale/KIND/[NS/]NAME=N`, `pod-ready/[NS/]NAME=true|false`,
/// `node-down/NAME`, `label/KIND/[NS/]NAME:KEY=VALUE` (or `:KEY-` to remove).
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
    let workload_kind = |k: &str| match k.to_lowercase().as_str() {
        "deployment" | "deployments" | "deploy" => Ok(WorkloadKind::Deployment),
        "replicaset" | "replicasets" | "rs" => Ok(WorkloadKind::ReplicaSet),
        "statefulset" | "statefulsets" | "sts" => Ok(WorkloadKind::StatefulSet),
        "daemonset" | "daemonsets" | "ds" => Ok(WorkloadKind::DaemonSet),
        _ => Err(format!(
            "event {text:?}: unknown workload kind {k:?} (deployment, replicaset, statefulset)"
        )),
    };
    match verb {
        "delete-pod" => {
            let (namespace, name) = ns_name(rest)?;
            Ok(WhatIf::DeletePod { namespace, name })
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
            "unknown event {text:?}: expected delete-pod/…, scale/…, pod-ready/…, node-down/NODE or label/…"
        )),
    }
}
