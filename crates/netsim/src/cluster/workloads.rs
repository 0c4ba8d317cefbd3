//! Workload controllers (cluster stage): the Pods (and ReplicaSets) that Deployment,
//! ReplicaSet, ReplicationController, StatefulSet and DaemonSet controllers create, with the
//! names they generate.
//!
//! Names (deterministic stand-ins for the controllers' random parts):
//! * Deployment → ReplicaSet `<deploy>-<pod-template-hash>` (`pkg/controller/deployment/sync.go`
//!   `getNewReplicaSet`); the hash is `controller.ComputeHash` (`pkg/controller/controller_utils.go`):
//!   FNV-32a of the template, printed in decimal and mapped through `rand.SafeEncodeString`. Upstream
//!   hashes a spew dump of the Go struct; we hash a canonical dump of our template, so the shape and
//!   alphabet are the real ones, the digits are ours. The `pod-template-hash` label is added to the
//!   ReplicaSet, its selector and its Pods, as the controller does.
//! * ReplicationController: the ReplicationManager is the ReplicaSet controller over RCs
//!   (`pkg/controller/replication`), so its Pods are named and counted as a ReplicaSet's.
//! * ReplicaSet, ReplicationController (and DaemonSet) Pods: `generateName: <owner>-` plus 5 characters
//!   (`staging/src/k8s.io/apiserver/pkg/storage/names/generate.go`: `randomLength = 5`, base cut to
//!   58 chars), drawn here from an FNV hash of `namespace/owner/n` (n = Pods created so far by
//!   that controller) in Kubernetes' alphabet `bcdfghjklmnpqrstvwxz2456789`.
//! * StatefulSet Pods: `<sts>-<ordinal>` (`pkg/controller/statefulset/stateful_set_utils.go`
//!   `getPodName`), hostname = Pod name, subdomain = `spec.serviceName`, labels
//!   `statefulset.kubernetes.io/pod-name`, `apps.kubernetes.io/pod-index`, `controller-revision-hash`.
//! * DaemonSet: one Pod per node whose taints the template tolerates and whose labels match its
//!   nodeSelector, with the tolerations the DaemonSet controller adds
//!   (`pkg/controller/daemon/util/daemonset_util.go` `AddOrUpdateDaemonPodTolerations`).
//!
//! Pods already in the input that a controller owns (ownerReferences, as in `kubectl get -o yaml`
//! output) are adopted: only the shortfall is created. Replica counts over [`MAX_REPLICAS`] (or a
//! cluster total over [`MAX_PODS`]) are reported and nothing is created for that workload.

use std::collections::{BTreeMap, BTreeSet};

use super::net::{fnv32a, safe_encode, suffix};
use super::schedule;
use super::{
    selector_matches, span_of, uid_for, Cluster, Event, EventType, MAX_PODS, MAX_REPLICAS,
};
use crate::diagnostic::Diagnostic;
use crate::model::{
    ObjectMeta, OwnerReference, Pod, PodSpec, PodTemplate, Toleration, Workload, WorkloadKind,
};

/// `controller.ComputeHash` shape: SafeEncodeString(decimal FNV-32a of the template).
///
/// The dump leaves out fields the model gained later while they hold their default, so the
/// names (and every expectation built on them) stay what they were: only a template that sets
/// such a field gets a different hash, as it would upstream.
pub(crate) fn template_hash(t: &PodTemplate) -> String {
    let dump = format!("{t:?}").replace(", termination_grace_period_seconds: None", "");
    safe_encode(&fnv32a(dump.as_bytes()).to_string())
}

pub(crate) fn expand_all(c: &mut Cluster) {
    // In input order; a Deployment's new ReplicaSet is expanded right after it (the built-in
    // CoreDNS Deployment comes first, so its Pods are the first of the cluster, as in kind).
    let existing: Vec<String> =
        c.objects.pods.iter().map(|p| format!("{}/{}", p.meta.namespace, p.meta.name)).collect();
    c.state.names.extend(existing);
    // Pods the input already has, by controller (adopted instead of created again).
    let mut owned: BTreeMap<(String, String, String), usize> = BTreeMap::new();
    for p in &c.objects.pods {
        for o in p.meta.owner_references.iter().filter(|o| o.controller) {
            *owned
                .entry((p.meta.namespace.clone(), o.kind.clone(), o.name.clone()))
                .or_insert(0) += 1;
        }
    }
    let original = c.objects.workloads.len();
    let mut i = 0;
    while i < original {
        let w = c.objects.workloads[i].clone();
        i += 1;
        match w.kind {
            WorkloadKind::Deployment => {
                if check(c, &w) {
                    let before = c.objects.workloads.len();
                    deployment(c, &w);
                    let created: Vec<Workload> = c.objects.workloads[before..].to_vec();
                    for rs in &created {
                        replicaset(c, rs, &owned);
                    }
                }
            }
            // The ReplicationManager is the ReplicaSet controller run on ReplicationControllers
            // (`pkg/controller/replication/replication_controller.go`).
            WorkloadKind::ReplicaSet | WorkloadKind::ReplicationController => {
                replicaset(c, &w, &owned)
            }
            WorkloadKind::StatefulSet => {
                if check(c, &w) && bounded(c, &w) {
                    for ord in 0..w.replicas.max(0) {
                        create_sts_pod(c, &w, ord);
                    }
                }
            }
            WorkloadKind::DaemonSet => {
                if check(c, &w) {
                    daemonset(c, &w);
                }
            }
        }
    }
}

fn replicaset(c: &mut Cluster, w: &Workload, owned: &BTreeMap<(String, String, String), usize>) {
    if (w.meta.owner_references.iter().any(|o| o.kind == "Deployment") || check(c, w))
        && bounded(c, w)
    {
        let key = (w.meta.namespace.clone(), "ReplicaSet".to_string(), w.meta.name.clone());
        let have = owned.get(&key).copied().unwrap_or(0);
        let want = usize::try_from(w.replicas.max(0)).unwrap_or(0);
        for _ in have..want {
            create_rs_pod(c, w);
        }
    }
}

/// The selector must exist, be non-empty and select the template's labels (apps validation).
/// The manifest stage reports violations (`validate.rs`); the controller side only refuses to
/// create Pods for such a workload, as the API server would never have stored it.
fn check(_c: &mut Cluster, w: &Workload) -> bool {
    match &w.selector {
        None => false,
        Some(sel) if sel.match_labels.is_empty() && sel.match_expressions.is_empty() => false,
        Some(sel) => selector_matches(sel, &w.template.labels),
    }
}

fn bounded(c: &mut Cluster, w: &Workload) -> bool {
    let n = i64::from(w.replicas);
    if n > MAX_REPLICAS {
        c.diagnostics.push(
            Diagnostic::error(
                "too-many-replicas",
                span_of(&w.meta, "spec.replicas"),
                format!(
                    "{} {:?} asks for {n} replicas; the simulator runs at most {MAX_REPLICAS} Pods per workload",
                    w.kind.as_str(),
                    w.meta.name
                ),
            )
            .with_hint("no Pods were created for it; use a smaller replica count"),
        );
        return false;
    }
    // The cluster's own workloads (CoreDNS, no source) always run.
    if w.meta.source.is_some()
        && c.objects.pods.len().saturating_add(usize::try_from(n.max(0)).unwrap_or(0)) > MAX_PODS
    {
        c.diagnostics.push(
            Diagnostic::error(
                "too-many-pods",
                span_of(&w.meta, "spec.replicas"),
                format!(
                    "{} {:?} would bring the cluster over {MAX_PODS} Pods; the simulator stops there",
                    w.kind.as_str(),
                    w.meta.name
                ),
            )
            .with_hint("no Pods were created for it"),
        );
        return false;
    }
    true
}

fn owner(kind: &str, name: &str) -> OwnerReference {
    OwnerReference { kind: kind.into(), name: name.into(), controller: true }
}

fn key(w: &Workload) -> String {
    format!("{}/{}/{}", w.meta.namespace, w.kind.as_str(), w.meta.name)
}

/// The active Pods `w` controls: terminating ones do not count (`controller.FilterActivePods`).
pub(crate) fn owned_pods(c: &Cluster, w: &Workload) -> Vec<usize> {
    let kind = w.kind.as_str();
    c.objects
        .pods
        .iter()
        .enumerate()
        .filter(|(_, p)| {
            p.meta.deletion_timestamp.is_none()
                && p.meta.namespace == w.meta.namespace
                && p.meta
                    .owner_references
                    .iter()
                    .any(|o| o.controller && o.kind == kind && o.name == w.meta.name)
        })
        .map(|(i, _)| i)
        .collect()
}

fn deployment(c: &mut Cluster, d: &Workload) {
    if !bounded(c, d) {
        return;
    }
    let owned = c.objects.workloads.iter().any(|w| {
        w.kind == WorkloadKind::ReplicaSet
            && w.meta.namespace == d.meta.namespace
            && w.meta
                .owner_references
                .iter()
                .any(|o| o.kind == "Deployment" && o.name == d.meta.name)
    });
    if owned {
        return;
    }
    let hash = template_hash(&d.template);
    // `rs.Name = deployment.Name + "-" + podTemplateSpecHash` (names longer than 63 are cut by
    // the apiserver's validation, not here).
    let name = format!("{}-{hash}", d.meta.name);
    let mut template = d.template.clone();
    template.labels.insert("pod-template-hash".into(), hash.clone());
    let mut selector = d.selector.clone().unwrap_or_default();
    selector.match_labels.insert("pod-template-hash".into(), hash);
    let mut meta = ObjectMeta {
        name: name.clone(),
        namespace: d.meta.namespace.clone(),
        labels: template.labels.clone(),
        owner_references: vec![owner("Deployment", &d.meta.name)],
        uid: Some(uid_for("ReplicaSet", &d.meta.namespace, &name)),
        ..Default::default()
    };
    for (k, v) in [
        ("deployment.kubernetes.io/desired-replicas", d.replicas.to_string()),
        ("deployment.kubernetes.io/max-replicas", (d.replicas + max_surge(d.replicas)).to_string()),
        ("deployment.kubernetes.io/revision", "1".to_string()),
    ] {
        meta.annotations.insert(k.into(), v);
    }
    c.events.push(Event::new(
        EventType::Normal,
        "ScalingReplicaSet",
        format!("deployment/{}", d.meta.name),
        &d.meta.namespace,
        format!("Scaled up replica set {name} from 0 to {}", d.replicas),
    ));
    c.objects.workloads.push(Workload {
        kind: WorkloadKind::ReplicaSet,
        meta,
        replicas: d.replicas,
        selector: Some(selector),
        template,
        service_name: None,
    });
}

/// Default RollingUpdate maxSurge 25%, rounded up (`deploymentutil.MaxSurge`).
fn max_surge(replicas: i32) -> i32 {
    (replicas.max(0) + 3) / 4
}

fn new_pod(w: &Workload, name: String, generate_name: Option<String>, owner_kind: &str) -> Pod {
    let mut spec: PodSpec = w.template.spec.clone();
    if spec.dns_policy.is_empty() {
        spec.dns_policy = "ClusterFirst".into();
    }
    if spec.restart_policy.is_empty() {
        spec.restart_policy = "Always".into();
    }
    Pod {
        meta: ObjectMeta {
            uid: Some(uid_for("Pod", &w.meta.namespace, &name)),
            name,
            namespace: w.meta.namespace.clone(),
            generate_name,
            labels: w.template.labels.clone(),
            annotations: w.template.annotations.clone(),
            owner_references: vec![owner(owner_kind, &w.meta.name)],
            ..Default::default()
        },
        spec,
        status: Default::default(),
    }
}

/// `names.SimpleNameGenerator`: the `generateName` prefix `<name>-`, cut to 58 characters
/// (`maxGeneratedNameLength = 63 - 5`) before the 5 random characters are appended.
pub(crate) fn generate_base(name: &str) -> String {
    format!("{name}-").chars().take(58).collect()
}

/// A fresh generated name `<base>xxxxx` not used before in this cluster, and the
/// `generateName` the controller set (`<owner>-`).
pub(crate) fn generated_name(c: &mut Cluster, w: &Workload) -> (String, String) {
    let k = key(w);
    let base = generate_base(&w.meta.name);
    // Bounded probing past (unlikely) collisions.
    for _ in 0..64 {
        let n = c.state.created.entry(k.clone()).or_insert(0);
        let seed = format!("{k}/{n}");
        *n += 1;
        let name = format!("{base}{}", suffix(&seed, 5));
        let full = format!("{}/{name}", w.meta.namespace);
        // `state.names` holds every Pod name ever used in this cluster (never reused).
        if c.state.names.insert(full) {
            return (name, format!("{}-", w.meta.name));
        }
    }
    let n = c.state.created.get(&k).copied().unwrap_or(0);
    (format!("{base}{n}"), format!("{}-", w.meta.name))
}

/// The ReplicaSet controller creates one Pod (`SuccessfulCreate`). Returns its index.
pub(crate) fn create_rs_pod(c: &mut Cluster, w: &Workload) -> usize {
    let (name, base) = generated_name(c, w);
    let pod = new_pod(w, name.clone(), Some(base), w.kind.as_str());
    c.events.push(Event::new(
        EventType::Normal,
        "SuccessfulCreate",
        format!("{}/{}", w.kind.as_str().to_lowercase(), w.meta.name),
        &w.meta.namespace,
        format!("Created pod: {name}"),
    ));
    c.objects.pods.push(pod);
    c.objects.pods.len() - 1
}

/// The StatefulSet controller creates ordinal `ord` unless it exists. Returns its index.
pub(crate) fn create_sts_pod(c: &mut Cluster, w: &Workload, ord: i32) -> Option<usize> {
    let name = format!("{}-{ord}", w.meta.name);
    if c.pod(&w.meta.namespace, &name).is_some() {
        return None;
    }
    let mut pod = new_pod(w, name.clone(), None, "StatefulSet");
    let rev = format!("{}-{}", w.meta.name, template_hash(&w.template));
    pod.meta.labels.insert("apps.kubernetes.io/pod-index".into(), ord.to_string());
    pod.meta.labels.insert("controller-revision-hash".into(), rev);
    pod.meta.labels.insert("statefulset.kubernetes.io/pod-name".into(), name.clone());
    // `initIdentity`: hostname = Pod name, subdomain = spec.serviceName.
    pod.spec.hostname = Some(name.clone());
    pod.spec.subdomain = w.service_name.clone().filter(|s| !s.is_empty());
    c.events.push(Event::new(
        EventType::Normal,
        "SuccessfulCreate",
        format!("statefulset/{}", w.meta.name),
        &w.meta.namespace,
        format!("create Pod {name} in StatefulSet {} successful", w.meta.name),
    ));
    c.objects.pods.push(pod);
    Some(c.objects.pods.len() - 1)
}

fn daemon_tolerations() -> Vec<Toleration> {
    let t = |key: &str, effect: &str| Toleration {
        key: key.into(),
        operator: "Exists".into(),
        value: String::new(),
        effect: effect.into(),
    };
    vec![
        t("node.kubernetes.io/not-ready", "NoExecute"),
        t("node.kubernetes.io/unreachable", "NoExecute"),
        t("node.kubernetes.io/disk-pressure", "NoSchedule"),
        t("node.kubernetes.io/memory-pressure", "NoSchedule"),
        t("node.kubernetes.io/pid-pressure", "NoSchedule"),
        t("node.kubernetes.io/unschedulable", "NoSchedule"),
    ]
}

pub(crate) fn daemonset(c: &mut Cluster, w: &Workload) {
    let hash = template_hash(&w.template);
    let mut probe = new_pod(w, String::new(), None, "DaemonSet");
    probe.spec.tolerations.extend(daemon_tolerations());
    let nodes: Vec<String> = c
        .objects
        .nodes
        .iter()
        .filter(|n| n.ready && schedule::filter(n, &probe).is_ok())
        .map(|n| n.meta.name.clone())
        .collect();
    // Nodes that already run a Pod of this DaemonSet: one scan, not one per node (that was
    // nodes × Pods).
    let mut served: BTreeSet<String> = c
        .objects
        .pods
        .iter()
        .filter(|p| {
            p.meta.namespace == w.meta.namespace
                && p.meta
                    .owner_references
                    .iter()
                    .any(|o| o.kind == "DaemonSet" && o.name == w.meta.name)
        })
        .filter_map(|p| p.spec.node_name.clone())
        .collect();
    for node in nodes {
        if served.contains(&node) {
            continue;
        }
        if c.objects.pods.len() >= MAX_PODS {
            c.diagnostics.push(
                Diagnostic::error(
                    "too-many-pods",
                    span_of(&w.meta, "metadata.name"),
                    format!(
                        "DaemonSet {:?} would bring the cluster over {MAX_PODS} Pods; the simulator stops there",
                        w.meta.name
                    ),
                )
                .with_hint("the nodes from here on get no Pod of this DaemonSet"),
            );
            return;
        }
        served.insert(node.clone());
        let (name, base) = generated_name(c, w);
        let mut pod = new_pod(w, name.clone(), Some(base), "DaemonSet");
        pod.spec.tolerations.extend(daemon_tolerations());
        pod.meta.labels.insert("controller-revision-hash".into(), hash.clone());
        pod.meta.labels.insert("pod-template-generation".into(), "1".into());
        // The DaemonSet controller pins each Pod with node affinity on metadata.name; the
        // scheduler then binds it there. The outcome is the same as nodeName.
        pod.spec.node_name = Some(node);
        c.events.push(Event::new(
            EventType::Normal,
            "SuccessfulCreate",
            format!("daemonset/{}", w.meta.name),
            &w.meta.namespace,
            format!("Created pod: {name}"),
        ));
        c.objects.pods.push(pod);
    }
}
