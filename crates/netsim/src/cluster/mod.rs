//! The cluster stage: turns validated objects into the running cluster Kubernetes would make of
//! them — nodes, built-in objects, Pods from workloads, scheduling, Pod IPs, ClusterIPs,
//! NodePorts, load-balancer addresses, readiness, EndpointSlices and Endpoints — and applies
//! "what-if" events to it (a Pod deleted, a workload scaled, a node down…).
//!
//! Invariants:
//! * pure and deterministic: the same objects give byte-identical clusters. Where Kubernetes
//!   chooses at random (generated name suffixes, dynamic ClusterIPs and NodePorts), the choice is
//!   derived from a hash of stable input (namespace, name, index), so adding an object does not
//!   move the others;
//! * explicit values in the input (nodeName, podIP, clusterIP, nodePort, readiness conditions,
//!   load-balancer status) are honoured; only what is missing is filled in;
//! * nothing panics; every problem is a [`Diagnostic`]. Sizes are bounded ([`MAX_REPLICAS`],
//!   [`MAX_PODS`]).
//!
//! Not modelled (documented gaps): kubelet `maxPods` (110) and resource requests (the scheduler
//! only filters on unschedulable, taints and nodeSelector/nodeName); the kube-system Pods other
//! than CoreDNS (static control-plane Pods, kube-proxy and kindnet DaemonSets, kind's
//! local-path-provisioner); ReplicaSets adopting orphan Pods that match their selector; graceful
//! termination of deleted Pods (a what-if deletion removes the Pod at once); the order of
//! Endpoints subsets and of EndpointSlice ports, which upstream sorts by a hash of Go structs
//! including pointer addresses (here: first-seen and Service port order).
//!
//! Module map: [`settings`] (cluster configuration), `nodes` (Node defaults and pod CIDRs),
//! `builtins` (`default/kubernetes`, `kube-system/kube-dns` and CoreDNS), `workloads`
//! (controllers' Pods and names), `schedule` (the scheduler's filters), `addresses` (IPAM and
//! the apiserver allocators), `endpoints` (the EndpointSlice and Endpoints controllers),
//! `whatif` (events), [`print`](mod@print) (`kubectl get`: tables, `all`, `--show-labels`,
//! `-o yaml|json|name`), [`describe`](mod@describe) (`kubectl describe`).

pub mod describe;
pub mod net;
pub mod print;
pub mod settings;

mod addresses;
mod builtins;
mod endpoints;
mod nodes;
mod port_hash;
mod schedule;
mod topologycache;
mod whatif;
mod workloads;

use std::collections::{BTreeMap, BTreeSet};
use std::net::IpAddr;

use crate::diagnostic::Diagnostic;
use crate::model::{LabelSelector, Labels, ObjectMeta, Objects, OwnerReference, Pod};
use crate::text::Span;

pub(crate) use endpoints::unmet_readiness_gate;
pub use endpoints::{
    find_port, is_pod_ready, pod_to_endpoint, reconcile_hints, should_pod_be_in_endpoints,
    topology_mode_auto, truncate_endpoints, MAX_ENDPOINTS_ADDRESSES, MAX_ENDPOINTS_PER_SLICE,
    ZONE_LABEL,
};
pub use nodes::roles;
pub use settings::{PortRange, ProxySettings, Settings};
pub use topologycache::{add_hints, cpu_milli, zone_ratios, HintEvent, ZoneRatios};
pub use whatif::{
    apply, parse_event, pending, WhatIf, DEFAULT_GRACE_PERIOD_SECONDS, DELETION_TIMESTAMP,
};
pub use workloads::STATEFULSET_WAITING;

/// At most this many Pods per workload: more is reported and nothing is created for it.
pub const MAX_REPLICAS: i64 = 10_000;
/// At most this many Pods in the whole cluster: the input's own Pods beyond it are left out, and a
/// workload whose Pods would go beyond it gets none (the cluster's built-in CoreDNS Pods come on
/// top).
pub const MAX_PODS: usize = 50_000;

/// `Normal` or `Warning`, as in `kubectl events`.
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, serde::Serialize, serde::Deserialize,
)]
#[serde(try_from = "String")]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub enum EventType {
    Normal,
    Warning,
}

impl EventType {
    pub fn as_str(self) -> &'static str {
        match self {
            EventType::Normal => "Normal",
            EventType::Warning => "Warning",
        }
    }
}
from_name!(EventType: EventType::Normal, EventType::Warning);

/// One Kubernetes event, in `kubectl events` words.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(rename = "ClusterEvent"))]
pub struct Event {
    #[serde(rename = "type")]
    pub type_: EventType,
    /// `SuccessfulCreate`, `Scheduled`, `Killing`, `FailedScheduling`, …
    pub reason: String,
    /// `kind/name` in kubectl's lower-case form: `replicaset/web-7d4b9c8f5`, `pod/web-0`.
    pub object: String,
    /// Empty for cluster-scoped objects (nodes).
    pub namespace: String,
    pub message: String,
}

impl Event {
    pub(crate) fn new(
        type_: EventType,
        reason: &str,
        object: String,
        namespace: &str,
        message: String,
    ) -> Event {
        Event { type_, reason: reason.into(), object, namespace: namespace.into(), message }
    }

    /// `Normal  SuccessfulCreate  replicaset/web-7d4b9c8f5  Created pod: web-7d4b9c8f5-x2k9p`.
    pub fn line(&self) -> String {
        format!("{}  {}  {}  {}", self.type_.as_str(), self.reason, self.object, self.message)
    }
}

/// Allocator and controller bookkeeping that must survive what-if events (so an IP released by
/// a deleted Pod is not handed out again at once, and replacement Pods get fresh names).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct State {
    /// Next host index to try, per node pod CIDR (host-local IPAM's "last reserved IP").
    pub(crate) pod_ip_cursor: BTreeMap<crate::net::Cidr, u128>,
    pub(crate) used_pod_ips: BTreeSet<IpAddr>,
    /// Pod CIDRs a probe found full: the next Pod fails at once instead of probing every
    /// address again (Pods beyond a full node made the build quadratic). Cleared whenever an
    /// address is released.
    pub(crate) full_pod_cidrs: BTreeSet<crate::net::Cidr>,
    /// Pods created so far per controller (`ns/kind/name`), seeding generated name suffixes.
    pub(crate) created: BTreeMap<String, u64>,
    /// Generated object names, so a suffix collision is probed past.
    pub(crate) names: BTreeSet<String>,
}

/// The running cluster: every object, complete (built-ins, generated Pods, allocated
/// addresses, EndpointSlices), the settings, what went wrong, and what the controllers did.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Cluster {
    pub objects: Objects,
    pub settings: Settings,
    pub diagnostics: Vec<Diagnostic>,
    /// What the controllers, scheduler and kubelet did, in order (`kubectl events`).
    pub events: Vec<Event>,
    pub state: State,
}

impl Cluster {
    /// The Pod `ns/name`, if it exists.
    pub fn pod(&self, namespace: &str, name: &str) -> Option<&Pod> {
        self.objects.pods.iter().find(|p| p.meta.namespace == namespace && p.meta.name == name)
    }
}

/// Builds the cluster from validated objects. See the module docs for the rules.
/// The API server's allocation answers for the Services of `loaded` (code
/// [`crate::manifest::apply::ALLOCATION`]): taken or out-of-range `clusterIP`s and `nodePort`s,
/// families the cluster lacks (pkg/registry/core/service/storage/alloc.go).
///
/// The Service REST create allocates before it validates (`Store.Create` runs `BeginCreate`,
/// then `rest.BeforeCreate`), and gives everything back when validation then fails. So the
/// cluster holds the accepted objects only, and a Service that validation rejects is also tried
/// against the accepted Services above it: when its allocation fails, that is the answer the
/// API server gives instead of the validation errors. (Not for the errors of the allocator's own
/// pre-check, [`crate::manifest::validate::ALLOCATOR_PRECHECK`], which come first.)
pub fn allocation_answers(loaded: &crate::manifest::Loaded) -> Vec<Diagnostic> {
    use crate::diagnostic::Severity;
    use crate::manifest::apply::ALLOCATION;
    let accepted =
        loaded.accepted_unless(|d| d.severity == Severity::Error || d.code == "unknown-field");
    let mut out: Vec<Diagnostic> =
        build(&accepted).diagnostics.into_iter().filter(|d| d.code == ALLOCATION).collect();
    let pos = |m: &ObjectMeta| m.source.as_ref().map(|s| (s.file, s.range.start));
    for svc in &loaded.objects.services {
        if accepted.services.iter().any(|a| pos(&a.meta) == pos(&svc.meta)) {
            continue;
        }
        let label = crate::manifest::object_label("Service", &svc.meta.name);
        // Only a Service that validation alone refuses reaches allocation: decoding and
        // admission (a missing namespace) answer before, as does the allocator's own pre-check.
        let before_allocation = loaded.diagnostics.iter().any(|d| {
            d.object.as_deref() == Some(label.as_str())
                && (d.hints.iter().any(|h| h == crate::manifest::validate::ALLOCATOR_PRECHECK)
                    || (d.severity == Severity::Error
                        && !crate::manifest::validate::is_validation_code(d.code)))
        });
        if before_allocation {
            continue;
        }
        let mut objects = accepted.clone();
        objects.services.retain(|a| pos(&a.meta) < pos(&svc.meta));
        objects.services.push(svc.clone());
        out.extend(
            build_owned(objects)
                .diagnostics
                .into_iter()
                .filter(|d| d.code == ALLOCATION && d.object.as_deref() == Some(label.as_str())),
        );
    }
    out
}

pub fn build(objects: &Objects) -> Cluster {
    build_owned(objects.clone())
}

/// [`build`] from objects the caller hands over (`Session` builds from the accepted objects,
/// already a copy of the input's: no second copy).
pub fn build_owned(objects: Objects) -> Cluster {
    let mut diagnostics = Vec::new();
    let settings = settings::read(&objects, &mut diagnostics);
    let mut c =
        Cluster { objects, settings, diagnostics, events: Vec::new(), state: State::default() };
    cap_input_pods(&mut c);
    nodes::complete(&mut c);
    builtins::add(&mut c);
    addresses::allocate_services(&mut c);
    addresses::assign_load_balancers(&mut c);
    workloads::expand_all(&mut c);
    namespaces(&mut c);
    addresses::reserve_explicit_pod_ips(&mut c);
    let order = apply_order(&c);
    schedule::schedule_and_start(&mut c, &order);
    endpoints::reconcile_all(&mut c);
    c
}

/// Leaves out the input's Pods beyond [`MAX_PODS`], with one diagnostic on the first of them.
fn cap_input_pods(c: &mut Cluster) {
    let n = c.objects.pods.len();
    if n <= MAX_PODS {
        return;
    }
    let first = &c.objects.pods[MAX_PODS];
    let span = match &first.meta.source {
        Some(s) => Span { file: s.file, range: s.range },
        None => Span::default(),
    };
    c.diagnostics.push(
        Diagnostic::error(
            "too-many-pods",
            span,
            format!(
                "the input has {n} Pods; the simulator runs at most {MAX_PODS}: Pod {:?} and the {} after it are left out",
                first.meta.name,
                n - MAX_PODS - 1
            ),
        )
        .with_hint("the Pods above this one are simulated as usual; split the input to see the rest"),
    );
    c.objects.pods.truncate(MAX_PODS);
}

/// The order the scheduler sees the Pods in: as `kubectl apply` creates the objects, in input
/// order — a workload's Pods at the workload's place — after the cluster's own Pods (CoreDNS
/// runs before anything is applied). So a Pod added at the end of the input never moves the
/// Pods of the objects above it, and the picture stays put while the learner types.
fn apply_order(c: &Cluster) -> Vec<usize> {
    /// Where an object was defined: (file, offset).
    type Place = Option<(u32, u32)>;
    let o = &c.objects;
    // The workloads by (kind, namespace, name), the first of each kept: an index instead of a
    // scan of every workload per Pod and per owner (that was Pods × workloads).
    let mut workloads: BTreeMap<(&str, &str, &str), &ObjectMeta> = BTreeMap::new();
    for w in &o.workloads {
        workloads
            .entry((w.kind.as_str(), w.meta.namespace.as_str(), w.meta.name.as_str()))
            .or_insert(&w.meta);
    }
    // Where an object was defined: its own source, else its controller's (a ReplicaSet a
    // Deployment made points on to the Deployment).
    let place = |meta: &ObjectMeta| -> Place {
        let mut meta = meta;
        for _ in 0..4 {
            if let Some(s) = &meta.source {
                return Some((s.file.0, s.range.start));
            }
            let owner = meta.owner_references.iter().find(|r| r.controller)?;
            meta = workloads.get(&(
                owner.kind.as_str(),
                meta.namespace.as_str(),
                owner.name.as_str(),
            ))?;
        }
        None
    };
    // A workload's Pods come one after another: the previous Pod's answer serves while the
    // controller (kind, namespace, name) is the same.
    let mut last: Option<(&OwnerReference, &str, Place)> = None;
    let keys: Vec<Place> = o
        .pods
        .iter()
        .map(|p| {
            let owner =
                match (&p.meta.source, p.meta.owner_references.iter().find(|r| r.controller)) {
                    (None, Some(owner)) => owner,
                    _ => return place(&p.meta),
                };
            if let Some((o, ns, key)) = last {
                if o.kind == owner.kind && o.name == owner.name && ns == p.meta.namespace {
                    return key;
                }
            }
            let key = place(&p.meta);
            last = Some((owner, p.meta.namespace.as_str(), key));
            key
        })
        .collect();
    let mut order: Vec<usize> = (0..o.pods.len()).collect();
    // Stable: Pods of one workload keep their creation order.
    crate::sort::sort_by_key(&mut order, |&i| keys[i]);
    order
}

/// Every namespace used by an object exists (the built-in four, plus ones the input uses; a
/// real cluster would reject objects in a missing namespace, the simulator creates it instead).
fn namespaces(c: &mut Cluster) {
    let mut have: BTreeSet<String> =
        c.objects.namespaces.iter().map(|n| n.meta.name.clone()).collect();
    // The namespaces to create, in first-use order (borrowed: one clone per new namespace, not
    // one per object).
    let mut new: Vec<String> = Vec::new();
    {
        let o = &c.objects;
        let wanted = ["default", "kube-node-lease", "kube-public", "kube-system"]
            .into_iter()
            .chain(o.pods.iter().map(|p| p.meta.namespace.as_str()))
            .chain(o.services.iter().map(|p| p.meta.namespace.as_str()))
            .chain(o.workloads.iter().map(|p| p.meta.namespace.as_str()))
            .chain(o.endpoints.iter().map(|p| p.meta.namespace.as_str()))
            .chain(o.endpoint_slices.iter().map(|p| p.meta.namespace.as_str()));
        for ns in wanted {
            if !ns.is_empty() && !have.contains(ns) {
                have.insert(ns.to_string());
                new.push(ns.to_string());
            }
        }
    }
    for ns in new {
        c.objects.namespaces.push(crate::model::Namespace {
            meta: ObjectMeta {
                labels: [("kubernetes.io/metadata.name".to_string(), ns.clone())].into(),
                name: ns,
                ..Default::default()
            },
        });
    }
    // The apiserver gives every object a UID; ours are derived from the identity.
    for p in &mut c.objects.pods {
        if p.meta.uid.is_none() {
            p.meta.uid = Some(uid_for("Pod", &p.meta.namespace, &p.meta.name));
        }
    }
    for s in &mut c.objects.services {
        if s.meta.uid.is_none() {
            s.meta.uid = Some(uid_for("Service", &s.meta.namespace, &s.meta.name));
        }
    }
    // Hand-written Endpoints and EndpointSlices too (a mirrored slice's ownerReference
    // names its Endpoints' UID).
    for e in &mut c.objects.endpoints {
        if e.meta.uid.is_none() {
            e.meta.uid = Some(uid_for("Endpoints", &e.meta.namespace, &e.meta.name));
        }
    }
    for e in &mut c.objects.endpoint_slices {
        if e.meta.uid.is_none() {
            e.meta.uid = Some(uid_for("EndpointSlice", &e.meta.namespace, &e.meta.name));
        }
    }
    for w in &mut c.objects.workloads {
        if w.meta.uid.is_none() {
            w.meta.uid = Some(uid_for(w.kind.as_str(), &w.meta.namespace, &w.meta.name));
        }
    }
    for n in &mut c.objects.namespaces {
        if n.meta.uid.is_none() {
            n.meta.uid = Some(uid_for("Namespace", "", &n.meta.name));
        }
        // Every Namespace carries its name in this label, whatever value the input gave it
        // (`SetDefaults_Namespace` overwrites it, pkg/apis/core/v1/defaults.go).
        n.meta.labels.insert("kubernetes.io/metadata.name".into(), n.meta.name.clone());
    }
}

/// The span of field `path` of an object (or of the object, or nothing for generated ones).
pub(crate) fn span_of(meta: &ObjectMeta, path: &str) -> Span {
    match &meta.source {
        Some(s) => {
            Span { file: s.file, range: s.fields.value_or_ancestor(path).unwrap_or(s.range) }
        }
        None => Span::default(),
    }
}

/// `metav1.LabelSelector` semantics (`LabelSelectorAsSelector`): matchLabels and
/// matchExpressions ANDed; `NotIn` and `DoesNotExist` match absent keys; a selector that does
/// not convert selects nothing ([`crate::select::label_selector_selects`]).
pub fn selector_matches(sel: &LabelSelector, labels: &Labels) -> bool {
    crate::select::label_selector_selects(Some(sel), labels)
}

/// Service selector semantics (§1.1): every pair must match; a nil or empty selector selects
/// nothing (the controllers do nothing for it).
pub fn service_selects(selector: Option<&Labels>, labels: &Labels) -> bool {
    match selector {
        Some(s) if !s.is_empty() => s.iter().all(|(k, v)| labels.get(k) == Some(v)),
        _ => false,
    }
}

/// A deterministic UID in the API's 8-4-4-4-12 shape, from the object's identity.
///
/// The 32 hex digits are FNV-64a of `kind/namespace/name` and of `name/namespace/kind#`. Written
/// digit by digit: every Pod gets one, and `format!` made it a tenth of the build.
pub(crate) fn uid_for(kind: &str, namespace: &str, name: &str) -> String {
    let (kind, namespace, name) = (kind.as_bytes(), namespace.as_bytes(), name.as_bytes());
    let a = net::fnv64a_parts(&[kind, b"/", namespace, b"/", name]);
    let b = net::fnv64a_parts(&[name, b"/", namespace, b"/", kind, b"#"]);
    const HEX: &[u8; 16] = b"0123456789abcdef";
    let mut out = [b'-'; 36];
    let mut at = 0;
    for word in [a, b] {
        for d in 0..16 {
            if matches!(at, 8 | 13 | 18 | 23) {
                at += 1;
            }
            out[at] = HEX[((word >> (60 - 4 * d)) & 0xf) as usize];
            at += 1;
        }
    }
    // ASCII throughout, so never the empty fallback.
    String::from_utf8(out.to_vec()).unwrap_or_default()
}

#[cfg(test)]
mod tests;
