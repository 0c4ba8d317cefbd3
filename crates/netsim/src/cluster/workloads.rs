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
use std::fmt::Write as _;

use super::net::{fnv32a_parts, safe_encode, suffix};
use super::schedule;
use super::{
    selector_matches, span_of, uid_for, Cluster, Event, EventType, MAX_PODS, MAX_REPLICAS,
};
use crate::diagnostic::Diagnostic;
use crate::model::{
    ObjectMeta, OwnerReference, Pod, PodSpec, PodTemplate, Taint, Toleration, Workload,
    WorkloadKind,
};

/// `controller.ComputeHash` shape: SafeEncodeString(decimal FNV-32a of the template).
///
/// The dump leaves out fields the model gained later while they hold their default, so the
/// names (and every expectation built on them) stay what they were: only a template that sets
/// such a field gets a different hash, as it would upstream.
pub(crate) fn template_hash(t: &PodTemplate) -> String {
    const LEFT_OUT: [&str; 12] = [
        ", termination_grace_period_seconds: None",
        ", seconds: None",
        ", service_account_name: None",
        ", priority_class_name: None",
        ", runtime_class_name: None",
        ", required_node_terms: None",
        ", scheduling_gates: []",
        ", command: []",
        ", args: []",
        ", env: []",
        ", limits: []",
        ", requests: []",
    ];
    let mut dump = String::with_capacity(1024);
    let _ = write!(dump, "{t:?}");
    // FNV-32a of the dump with every `LEFT_OUT` removed (as `str::replace` would), hashed
    // piece by piece instead of copied. Each starts with `, ` and none is a prefix of another,
    // so one pass over the commas finds them all (five substring searches per cut were a
    // third of this function).
    let bytes = dump.as_bytes();
    let mut parts: Vec<&[u8]> = Vec::new();
    let (mut kept, mut at) = (0, 0);
    while let Some(comma) = bytes[at..].iter().position(|&b| b == b',') {
        at += comma;
        match LEFT_OUT.iter().find(|p| bytes[at..].starts_with(p.as_bytes())) {
            Some(p) => {
                parts.push(&bytes[kept..at]);
                at += p.len();
                kept = at;
            }
            None => at += 1,
        }
    }
    parts.push(&bytes[kept..]);
    safe_encode(&fnv32a_parts(&parts).to_string())
}

pub(crate) fn expand_all(c: &mut Cluster) {
    // In input order; a Deployment's new ReplicaSet is expanded right after it (the built-in
    // CoreDNS Deployment comes first, so its Pods are the first of the cluster, as in kind).
    let existing: Vec<String> = c
        .objects
        .pods
        .iter()
        .map(|p| [p.meta.namespace.as_str(), "/", &p.meta.name].concat())
        .collect();
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
    // Deployments that already have a ReplicaSet (`namespace`, Deployment name): from the
    // input, then each one made here. One set instead of a scan of every workload per
    // Deployment (that was Deployments × workloads).
    let mut rolled_out: BTreeSet<(String, String)> = BTreeSet::new();
    for w in c.objects.workloads.iter().filter(|w| w.kind == WorkloadKind::ReplicaSet) {
        for o in w.meta.owner_references.iter().filter(|o| o.kind == "Deployment") {
            rolled_out.insert((w.meta.namespace.clone(), o.name.clone()));
        }
    }
    // The Pods so far (namespace, name), for the StatefulSet controller's "exists"
    // check; brought up to date from `pods[indexed..]` before each use (Pods are only added
    // here), instead of a scan of every Pod per ordinal.
    let mut pod_names: BTreeSet<(String, String)> = BTreeSet::new();
    let mut indexed = 0;
    let mut ds_nodes: Option<BTreeMap<(String, String), BTreeSet<String>>> = None;
    let mut node_taints: Option<Vec<Vec<Taint>>> = None;
    // The input's workloads are taken out while the controllers run (none of them reads the
    // list: borrowed, not cloned one by one), and the ReplicaSets made here go after them.
    let input = std::mem::take(&mut c.objects.workloads);
    // Room for the Pods the replica controllers will make (at most `MAX_PODS`), so the list
    // is not moved as it grows (a Pod is a large value: growing it was a tenth of this stage).
    // Not for DaemonSets: which nodes each runs on is not known yet, and every node would be
    // many times too much.
    let wanted: usize = input
        .iter()
        .filter(|w| w.kind != WorkloadKind::DaemonSet)
        .map(|w| usize::try_from(w.replicas).unwrap_or(0))
        .fold(0, usize::saturating_add);
    c.objects.pods.reserve(wanted.min(MAX_PODS.saturating_sub(c.objects.pods.len())));
    let mut made: Vec<Workload> = Vec::new();
    for w in &input {
        match w.kind {
            WorkloadKind::Deployment => {
                if check(c, w) {
                    if let Some(rs) = deployment(c, w, &mut rolled_out) {
                        replicaset(c, &rs, &owned);
                        made.push(rs);
                    }
                }
            }
            // The ReplicationManager is the ReplicaSet controller run on ReplicationControllers
            // (`pkg/controller/replication/replication_controller.go`).
            WorkloadKind::ReplicaSet | WorkloadKind::ReplicationController => {
                replicaset(c, w, &owned)
            }
            WorkloadKind::StatefulSet => {
                if check(c, w) && bounded(c, w) {
                    for p in &c.objects.pods[indexed..] {
                        pod_names.insert((p.meta.namespace.clone(), p.meta.name.clone()));
                    }
                    indexed = c.objects.pods.len();
                    let rev = revision(w);
                    for ord in w.ordinals_start..w.ordinals_start + w.replicas.max(0) {
                        let key = (w.meta.namespace.clone(), sts_pod_name(w, ord));
                        if pod_names.contains(&key) {
                            continue;
                        }
                        add_sts_pod(c, w, ord, key.1, &rev);
                    }
                }
            }
            WorkloadKind::DaemonSet => {
                if check(c, w) {
                    // The nodes each DaemonSet (namespace, name) has Pods on: the Pods there
                    // were before the controllers ran, indexed once (not a scan per DaemonSet:
                    // that was DaemonSets × Pods), and those each DaemonSet made (only the
                    // DaemonSet controller makes Pods a DaemonSet owns).
                    let ds_nodes = ds_nodes.get_or_insert_with(|| daemonset_nodes(&c.objects.pods));
                    let key = (w.meta.namespace.clone(), w.meta.name.clone());
                    let served = ds_nodes.remove(&key).unwrap_or_default();
                    // Every node's taints, once for all DaemonSets (nodes do not change here).
                    let taints = node_taints.get_or_insert_with(|| {
                        c.objects.nodes.iter().map(schedule::effective_taints).collect()
                    });
                    ds_nodes.insert(key, daemonset_serving(c, w, served, taints));
                }
            }
        }
    }
    c.objects.workloads = input;
    c.objects.workloads.extend(made);
    // The Deployment controller records the revision of its ReplicaSet on the Deployment
    // (`deployment.kubernetes.io/revision`, `SetNewReplicaSetAnnotations` and
    // `syncRevision`), for the one it made or found.
    // apps/v1 carries a DaemonSet's templateGeneration (1 on create: the registry's
    // `PrepareForCreate`) as the `deprecated.daemonset.template.generation` annotation
    // (pkg/apis/apps/v1 conversion); its Pods' `pod-template-generation` label matches it.
    for d in c.objects.workloads.iter_mut().filter(|w| w.kind == WorkloadKind::DaemonSet) {
        d.meta
            .annotations
            .entry("deprecated.daemonset.template.generation".into())
            .or_insert_with(|| "1".into());
    }
    // One pass over the workloads (a scan per Deployment was Deployments × workloads).
    for d in c.objects.workloads.iter_mut().filter(|w| w.kind == WorkloadKind::Deployment) {
        if rolled_out.contains(&(d.meta.namespace.clone(), d.meta.name.clone())) {
            d.meta
                .annotations
                .entry("deployment.kubernetes.io/revision".into())
                .or_insert_with(|| "1".into());
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
        let names = NameGen::new(w);
        for _ in have..want {
            create_rs_pod_with(c, w, &names);
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
    [w.meta.namespace.as_str(), "/", w.kind.as_str(), "/", &w.meta.name].concat()
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

/// The Deployment controller makes `d`'s ReplicaSet, unless it has one (`rolled_out`: the
/// Deployments that have a ReplicaSet, by namespace and name; updated here). The caller lists
/// it.
fn deployment(
    c: &mut Cluster,
    d: &Workload,
    rolled_out: &mut BTreeSet<(String, String)>,
) -> Option<Workload> {
    if !bounded(c, d) {
        return None;
    }
    if !rolled_out.insert((d.meta.namespace.clone(), d.meta.name.clone())) {
        return None;
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
    // `getNewReplicaSet` (deployment/sync.go) records it only `if !alreadyExists &&
    // newReplicasCount > 0`: a Deployment of 0 replicas gets its ReplicaSet silently.
    if d.replicas > 0 {
        c.events.push(Event::new(
            EventType::Normal,
            "ScalingReplicaSet",
            format!("deployment/{}", d.meta.name),
            &d.meta.namespace,
            format!("Scaled up replica set {name} from 0 to {}", d.replicas),
        ));
    }
    Some(Workload {
        kind: WorkloadKind::ReplicaSet,
        meta,
        replicas: d.replicas,
        selector: Some(selector),
        template,
        service_name: None,
        ordinals_start: 0,
        pod_management_policy: String::new(),
        rollout: Default::default(),
    })
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
    let base = [name, "-"].concat();
    // Fewer bytes than the cut means fewer characters too.
    if base.len() <= 58 {
        base
    } else {
        base.chars().take(58).collect()
    }
}

/// What a controller's generated names are made of, computed once per workload.
struct NameGen {
    /// `namespace/kind/name`: the key of `State::created` and the seed prefix.
    key: String,
    /// `generate_base(name)`.
    base: String,
    /// `<owner>-`, the Pod's `generateName`.
    generate_name: String,
}

impl NameGen {
    fn new(w: &Workload) -> NameGen {
        NameGen {
            key: key(w),
            base: generate_base(&w.meta.name),
            generate_name: [w.meta.name.as_str(), "-"].concat(),
        }
    }
}

/// A fresh generated name `<base>xxxxx` not used before in this cluster, and the
/// `generateName` the controller set (`<owner>-`).
fn generated_name_with(c: &mut Cluster, w: &Workload, g: &NameGen) -> (String, String) {
    // `n`: the Pods this controller created so far; each try counts.
    let mut n = c.state.created.get(&g.key).copied().unwrap_or(0);
    let mut seed = String::with_capacity(g.key.len() + 21);
    let mut found = None;
    // Bounded probing past (unlikely) collisions.
    for _ in 0..64 {
        seed.clear();
        let _ = write!(seed, "{}/{n}", g.key);
        n += 1;
        let name = [g.base.as_str(), &suffix(&seed, 5)].concat();
        let full = [w.meta.namespace.as_str(), "/", &name].concat();
        // `state.names` holds every Pod name ever used in this cluster (never reused).
        if c.state.names.insert(full) {
            found = Some(name);
            break;
        }
    }
    match c.state.created.get_mut(&g.key) {
        Some(count) => *count = n,
        None => {
            c.state.created.insert(g.key.clone(), n);
        }
    }
    match found {
        Some(name) => (name, g.generate_name.clone()),
        None => (format!("{}{n}", g.base), g.generate_name.clone()),
    }
}

/// `pod/<name>`, `replicaset/<name>`…: an event's object in kubectl's lower-case form.
fn event_object(kind: &str, name: &str) -> String {
    [kind, "/", name].concat()
}

/// A workload kind as events name it.
fn lower_kind(kind: WorkloadKind) -> &'static str {
    match kind {
        WorkloadKind::Deployment => "deployment",
        WorkloadKind::ReplicaSet => "replicaset",
        WorkloadKind::StatefulSet => "statefulset",
        WorkloadKind::DaemonSet => "daemonset",
        WorkloadKind::ReplicationController => "replicationcontroller",
    }
}

/// The ReplicaSet controller creates one Pod (`SuccessfulCreate`). Returns its index.
pub(crate) fn create_rs_pod(c: &mut Cluster, w: &Workload) -> usize {
    create_rs_pod_with(c, w, &NameGen::new(w))
}

/// [`create_rs_pod`] with `w`'s [`NameGen`].
fn create_rs_pod_with(c: &mut Cluster, w: &Workload, g: &NameGen) -> usize {
    let (name, base) = generated_name_with(c, w, g);
    let message = ["Created pod: ", name.as_str()].concat();
    let pod = new_pod(w, name, Some(base), w.kind.as_str());
    c.events.push(Event::new(
        EventType::Normal,
        "SuccessfulCreate",
        event_object(lower_kind(w.kind), &w.meta.name),
        &w.meta.namespace,
        message,
    ));
    c.objects.pods.push(pod);
    c.objects.pods.len() - 1
}

/// The StatefulSet controller creates ordinal `ord` unless it exists. Returns its index.
pub(crate) fn create_sts_pod(c: &mut Cluster, w: &Workload, ord: i32) -> Option<usize> {
    let name = sts_pod_name(w, ord);
    if c.pod(&w.meta.namespace, &name).is_some() {
        return None;
    }
    Some(add_sts_pod(c, w, ord, name, &revision(w)))
}

/// `getPodName`: `<sts>-<ordinal>`.
fn sts_pod_name(w: &Workload, ord: i32) -> String {
    [w.meta.name.as_str(), "-", &ord.to_string()].concat()
}

/// The StatefulSet's `controller-revision-hash`: `<sts>-<template hash>`.
fn revision(w: &Workload) -> String {
    format!("{}-{}", w.meta.name, template_hash(&w.template))
}

/// Ordinal `ord` of StatefulSet `w`, named `name` (checked free by the caller), at revision
/// `rev` ([`revision`]). Returns its index.
fn add_sts_pod(c: &mut Cluster, w: &Workload, ord: i32, name: String, rev: &str) -> usize {
    let mut pod = new_pod(w, name.clone(), None, "StatefulSet");
    pod.meta.labels.insert("apps.kubernetes.io/pod-index".into(), ord.to_string());
    pod.meta.labels.insert("controller-revision-hash".into(), rev.to_string());
    pod.meta.labels.insert("statefulset.kubernetes.io/pod-name".into(), name.clone());
    // `initIdentity`: hostname = Pod name, subdomain = spec.serviceName.
    pod.spec.hostname = Some(name.clone());
    pod.spec.subdomain = w.service_name.clone().filter(|s| !s.is_empty());
    c.events.push(Event::new(
        EventType::Normal,
        "SuccessfulCreate",
        event_object("statefulset", &w.meta.name),
        &w.meta.namespace,
        ["create Pod ", name.as_str(), " in StatefulSet ", &w.meta.name, " successful"].concat(),
    ));
    c.objects.pods.push(pod);
    c.objects.pods.len() - 1
}

/// The DaemonSet controller's tolerations on every Pod it makes (`AddOrUpdateDaemonPodTolerations`,
/// pkg/controller/daemon/util/daemonset_util.go): `not-ready` and `unreachable` NoExecute (no
/// eviction when the node fails), the node-condition NoSchedule taints, and for a hostNetwork
/// Pod `network-unavailable` too, each added or updated as `AddOrUpdateTolerationInPodSpec` does
/// (a toleration of the same key, operator, value and effect is replaced in place; one equal to
/// it leaves the list as it is).
fn add_daemon_tolerations(spec: &mut crate::model::PodSpec) {
    let t = |key: &str, effect: &str| Toleration {
        key: key.into(),
        operator: "Exists".into(),
        value: String::new(),
        effect: effect.into(),
        seconds: None,
    };
    let mut wanted = vec![
        t("node.kubernetes.io/not-ready", "NoExecute"),
        t("node.kubernetes.io/unreachable", "NoExecute"),
        t("node.kubernetes.io/disk-pressure", "NoSchedule"),
        t("node.kubernetes.io/memory-pressure", "NoSchedule"),
        t("node.kubernetes.io/pid-pressure", "NoSchedule"),
        t("node.kubernetes.io/unschedulable", "NoSchedule"),
    ];
    if spec.host_network {
        wanted.push(t("node.kubernetes.io/network-unavailable", "NoSchedule"));
    }
    for want in wanted {
        // `Toleration.MatchToleration`: key, operator, value and effect.
        let same = |have: &Toleration| {
            have.key == want.key
                && have.operator == want.operator
                && have.value == want.value
                && have.effect == want.effect
        };
        match spec.tolerations.iter_mut().find(|have| same(have)) {
            Some(have) => *have = want,
            None => spec.tolerations.push(want),
        }
    }
}

/// The nodes that run a Pod of each DaemonSet (namespace, name) among `pods`.
fn daemonset_nodes(pods: &[Pod]) -> BTreeMap<(String, String), BTreeSet<String>> {
    let mut nodes: BTreeMap<(String, String), BTreeSet<String>> = BTreeMap::new();
    for p in pods {
        let Some(node) = &p.spec.node_name else { continue };
        for o in p.meta.owner_references.iter().filter(|o| o.kind == "DaemonSet") {
            nodes
                .entry((p.meta.namespace.clone(), o.name.clone()))
                .or_default()
                .insert(node.clone());
        }
    }
    nodes
}

/// Does `p` belong to DaemonSet `name` (any owner reference of that kind and name)?
fn of_daemonset(p: &Pod, name: &str) -> bool {
    p.meta.owner_references.iter().any(|o| o.kind == "DaemonSet" && o.name == name)
}

/// The DaemonSet controller for `w`: a Pod on every eligible node that has none of its Pods.
pub(crate) fn daemonset(c: &mut Cluster, w: &Workload) {
    // Nodes that already run a Pod of this DaemonSet: one scan, not one per node (that was
    // nodes × Pods).
    let served: BTreeSet<String> = c
        .objects
        .pods
        .iter()
        .filter(|p| p.meta.namespace == w.meta.namespace && of_daemonset(p, &w.meta.name))
        .filter_map(|p| p.spec.node_name.clone())
        .collect();
    let taints: Vec<Vec<Taint>> = c.objects.nodes.iter().map(schedule::effective_taints).collect();
    daemonset_serving(c, w, served, &taints);
}

/// The nodes DaemonSet `w` should run a Pod on (`NodeShouldRunDaemonPod`: the DaemonSet Pod's
/// tolerations against each node's taints, its node selector and required affinity).
pub(crate) fn daemonset_eligible(c: &Cluster, w: &Workload) -> BTreeSet<String> {
    let mut probe = new_pod(w, String::new(), None, "DaemonSet");
    add_daemon_tolerations(&mut probe.spec);
    c.objects
        .nodes
        .iter()
        .filter(|n| {
            let taints = schedule::effective_taints(n);
            n.ready && schedule::filter_with(n, &taints, &probe).is_ok()
        })
        .map(|n| n.meta.name.clone())
        .collect()
}

/// [`daemonset`] given the nodes that already run one of its Pods (`served`) and every node's
/// [`schedule::effective_taints`] (`taints`, in node order).
fn daemonset_serving(
    c: &mut Cluster,
    w: &Workload,
    mut served: BTreeSet<String>,
    taints: &[Vec<Taint>],
) -> BTreeSet<String> {
    let hash = template_hash(&w.template);
    // What every Pod of `w` starts as (and the scheduler's view of one): each node's Pod is a
    // copy with its own name, UID and node.
    let mut probe = new_pod(w, String::new(), None, "DaemonSet");
    add_daemon_tolerations(&mut probe.spec);
    probe.meta.labels.insert("controller-revision-hash".into(), hash);
    probe.meta.labels.insert("pod-template-generation".into(), "1".into());
    let nodes: Vec<String> = c
        .objects
        .nodes
        .iter()
        .zip(taints)
        .filter(|(n, t)| n.ready && schedule::filter_with(n, t, &probe).is_ok())
        .map(|(n, _)| n.meta.name.clone())
        .collect();
    let names = NameGen::new(w);
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
            return served;
        }
        served.insert(node.clone());
        let (name, base) = generated_name_with(c, w, &names);
        let mut pod = probe.clone();
        pod.meta.uid = Some(uid_for("Pod", &w.meta.namespace, &name));
        pod.meta.name = name.clone();
        pod.meta.generate_name = Some(base);
        // The DaemonSet controller pins each Pod with node affinity on metadata.name; the
        // scheduler then binds it there. The outcome is the same as nodeName.
        pod.spec.node_name = Some(node);
        c.events.push(Event::new(
            EventType::Normal,
            "SuccessfulCreate",
            event_object("daemonset", &w.meta.name),
            &w.meta.namespace,
            ["Created pod: ", name.as_str()].concat(),
        ));
        c.objects.pods.push(pod);
    }
    served
}

/// The code of the warning that a StatefulSet waits for a Pod to be Running and Ready.
pub const STATEFULSET_WAITING: &str = "statefulset-waiting";

/// The StatefulSet controller creates ordinal `ord` of `w` (the caller knows it is free).
/// Returns its index.
pub(crate) fn add_sts_ordinal(c: &mut Cluster, w: &Workload, ord: i32) -> usize {
    add_sts_pod(c, w, ord, sts_pod_name(w, ord), &revision(w))
}

/// The StatefulSet controller's `OrderedReady` policy, the default: with it ("monotonic", not
/// `allowsBurst`) the controller creates one Pod per sync and waits until it is Running and
/// Ready before the next ordinal; a Pod below that is not (or is terminating) stops it
/// (`pkg/controller/statefulset/stateful_set_control.go`, `updateStatefulSet`: "StatefulSet %s
/// is waiting for Pod %s to be Running and Ready"). `Parallel` creates every ordinal at once.
///
/// Here the controllers make every Pod up front and the scheduler starts them in order (a
/// StatefulSet's in ordinal order), so the gate sits at the scheduler: a Pod the controller made
/// in this pass whose turn would not have come is held — never scheduled, given no address — and
/// [`OrderedGate::drop_held`] takes it out again with its `SuccessfulCreate`.
pub(crate) struct OrderedGate {
    /// OrderedReady StatefulSets, (namespace, name) → their first ordinal.
    sets: BTreeMap<(String, String), i32>,
    /// Their Pods, (namespace, name) → index: made on first need (a set's Pods come one
    /// after another, and `last` answers for the one before).
    pods: Option<BTreeMap<(String, String), usize>>,
    /// The last Pod asked about: (namespace, set, first ordinal, ordinal, index, every ordinal
    /// below it Running and Ready).
    last: Option<(String, String, i32, i32, usize, bool)>,
    /// (namespace, set, k) → every ordinal from the first through k is Running and Ready.
    healthy_through: BTreeMap<(String, String, i32), bool>,
    /// The Pods held, by index (ascending: the scheduler goes through a pass's Pods in order,
    /// but a set is kept for the look-ups).
    held: BTreeSet<usize>,
}

/// What a StatefulSet waits for: the Pod, why it is not Running and Ready and what lets the set
/// go on, and the Pods held (ordinal, name).
type Waiting = (String, (&'static str, &'static str), Vec<(i32, String)>);

/// A Pod the StatefulSet controller counts as done: `isRunningAndReady` and not
/// `isTerminating`.
pub(crate) fn running_and_ready(p: &Pod) -> bool {
    p.status.phase == "Running"
        && super::endpoints::is_pod_ready(p)
        && p.meta.deletion_timestamp.is_none()
}

/// Pod `p`'s StatefulSet (its controller) and ordinal, when it has both.
pub(crate) fn sts_ordinal(p: &Pod) -> Option<(&str, i32)> {
    let owner = p.meta.owner_references.iter().find(|o| o.controller && o.kind == "StatefulSet")?;
    let ord = p.meta.name.strip_prefix(owner.name.as_str())?.strip_prefix('-')?.parse().ok()?;
    Some((owner.name.as_str(), ord))
}

impl OrderedGate {
    pub(crate) fn new(c: &Cluster) -> OrderedGate {
        let sets: BTreeMap<(String, String), i32> = c
            .objects
            .workloads
            .iter()
            .filter(|w| {
                w.kind == WorkloadKind::StatefulSet && w.pod_management_policy != "Parallel"
            })
            .map(|w| ((w.meta.namespace.clone(), w.meta.name.clone()), w.ordinals_start))
            .collect();
        OrderedGate {
            sets,
            pods: None,
            last: None,
            healthy_through: BTreeMap::new(),
            held: BTreeSet::new(),
        }
    }

    fn pods_index(&mut self, c: &Cluster) -> &BTreeMap<(String, String), usize> {
        self.pods.get_or_insert_with(|| {
            c.objects
                .pods
                .iter()
                .enumerate()
                .filter(|(_, p)| sts_ordinal(p).is_some())
                .map(|(i, p)| ((p.meta.namespace.clone(), p.meta.name.clone()), i))
                .collect()
        })
    }

    /// Whether Pod `i` waits: the controller made it in this pass (no source, not started) and
    /// an ordinal below it is missing, held, or not Running and Ready.
    pub(crate) fn holds(&mut self, c: &Cluster, i: usize) -> bool {
        if self.sets.is_empty() {
            return false;
        }
        let Some(p) = c.objects.pods.get(i) else { return false };
        if p.meta.source.is_some() || !p.status.phase.is_empty() {
            return false;
        }
        let Some((set, ord)) = sts_ordinal(p) else { return false };
        let ns = p.meta.namespace.as_str();
        // The ordinal before this one was the last asked about: its answer and its Pod decide.
        let (first, below_ok) = match &self.last {
            Some((lns, lset, first, lord, lidx, lok))
                if lns == ns && lset == set && *lord + 1 == ord =>
            {
                let prev = !self.held.contains(lidx)
                    && c.objects.pods.get(*lidx).is_some_and(running_and_ready);
                (*first, *lok && prev)
            }
            _ => {
                let Some(&first) = self.sets.get(&(ns.to_string(), set.to_string())) else {
                    return false;
                };
                (first, ord <= first || self.healthy(c, ns, set, first, ord - 1))
            }
        };
        let below_ok = below_ok || ord <= first;
        match &mut self.last {
            Some(l) if l.0 == ns && l.1 == set => (l.2, l.3, l.4, l.5) = (first, ord, i, below_ok),
            _ => self.last = Some((ns.to_string(), set.to_string(), first, ord, i, below_ok)),
        }
        if below_ok {
            return false;
        }
        self.held.insert(i);
        true
    }

    /// Every ordinal of `set` from `first` through `k` is Running and Ready (remembered: a
    /// set's Pods ask one after another).
    fn healthy(&mut self, c: &Cluster, ns: &str, set: &str, first: i32, k: i32) -> bool {
        // Down to the first ordinal or one already known, then back up.
        let mut down = k;
        let mut known = true;
        while down >= first {
            if let Some(&v) = self.healthy_through.get(&(ns.to_string(), set.to_string(), down)) {
                known = v;
                break;
            }
            down -= 1;
        }
        for j in down + 1..=k {
            let name = [set, "-", &j.to_string()].concat();
            let at = self.pods_index(c).get(&(ns.to_string(), name)).copied();
            let ok = known
                && at
                    .filter(|i| !self.held.contains(i))
                    .and_then(|i| c.objects.pods.get(i))
                    .is_some_and(running_and_ready);
            self.healthy_through.insert((ns.to_string(), set.to_string(), j), ok);
            known = ok;
        }
        known
    }

    /// Takes the held Pods out (they were never created) with their `SuccessfulCreate`, and
    /// says for each StatefulSet which Pod it waits for.
    pub(crate) fn drop_held(mut self, c: &mut Cluster) {
        if self.held.is_empty() {
            return;
        }
        self.pods_index(c);
        let index = self.pods.take().unwrap_or_default();
        // Per StatefulSet (namespace, name): the Pod it waits for and why, and the Pods held,
        // found while the indices still hold.
        let mut waiting: BTreeMap<(String, String), Waiting> = BTreeMap::new();
        for &i in &self.held {
            let Some(pod) = c.objects.pods.get(i) else { continue };
            let Some((set, ord)) = sts_ordinal(pod) else { continue };
            let ns = pod.meta.namespace.clone();
            let entry = waiting.entry((ns.clone(), set.to_string())).or_insert_with(|| {
                // The lowest ordinal that is missing or not Running and Ready (the first held
                // Pod of the set comes first here: indices ascend with the ordinals).
                let first = self.sets.get(&(ns.clone(), set.to_string())).copied().unwrap_or(0);
                let pod_at = |k: i32| {
                    index
                        .get(&(ns.clone(), [set, "-", &k.to_string()].concat()))
                        .filter(|j| !self.held.contains(j))
                        .and_then(|&j| c.objects.pods.get(j))
                };
                let k = (first..ord)
                    .find(|&k| pod_at(k).is_none_or(|p| !running_and_ready(p)))
                    .unwrap_or(ord - 1);
                let name = [set, "-", &k.to_string()].concat();
                let blocker = pod_at(k);
                // Why it is not, and what lets the set go on.
                let why = match blocker {
                    None => ("it does not exist yet", "{pod} comes first"),
                    Some(p) if p.meta.deletion_timestamp.is_some() => {
                        ("it is terminating", "the controller creates {pod} again once it is gone")
                    }
                    Some(p) if p.status.phase == "Running" => {
                        ("it is not Ready", "make {pod} Ready")
                    }
                    Some(p) if p.status.phase == "Failed" => {
                        ("it is Failed", "the controller replaces {pod}")
                    }
                    Some(p) if p.status.phase == "Succeeded" => {
                        ("it is Succeeded", "the controller replaces {pod}")
                    }
                    Some(_) => {
                        ("it is Pending", "fix what keeps {pod} Pending (its events say why)")
                    }
                };
                (name, why, Vec::new())
            });
            entry.2.push((ord, pod.meta.name.clone()));
        }
        for &i in self.held.iter().rev() {
            let pod = c.objects.pods.remove(i);
            let Some((set, _)) = sts_ordinal(&pod) else { continue };
            let created =
                ["create Pod ", pod.meta.name.as_str(), " in StatefulSet ", set, " successful"]
                    .concat();
            if let Some(e) = c.events.iter().rposition(|e| {
                e.reason == "SuccessfulCreate"
                    && e.namespace == pod.meta.namespace
                    && e.message == created
            }) {
                c.events.remove(e);
            }
        }
        for ((ns, set), (blocker, why, mut pods)) in waiting {
            crate::sort::sort(&mut pods);
            let Some(w) = c.objects.workloads.iter().find(|w| {
                w.kind == WorkloadKind::StatefulSet && w.meta.namespace == ns && w.meta.name == set
            }) else {
                continue;
            };
            let names: Vec<String> = pods.iter().map(|(_, n)| format!("{n:?}")).collect();
            let list = match names.as_slice() {
                [one] => one.clone(),
                [rest @ .., last] => format!("{} and {last}", rest.join(", ")),
                [] => String::new(),
            };
            let verb = if names.len() == 1 { "is" } else { "are" };
            let d = Diagnostic::warning(
                STATEFULSET_WAITING,
                super::span_of(&w.meta, "spec.replicas"),
                format!(
                    "StatefulSet {set:?} is waiting for Pod {blocker:?} to be Running and Ready ({}): {list} {verb} not created yet", why.0
                ),
            )
            .with_hint(format!(
                "podManagementPolicy OrderedReady (the default) starts one Pod at a time, each once the one before it is Running and Ready: {}; or set `podManagementPolicy: Parallel` to start them all at once", why.1.replace("{pod}", &blocker)
            ));
            c.diagnostics.push(d);
        }
    }
}
