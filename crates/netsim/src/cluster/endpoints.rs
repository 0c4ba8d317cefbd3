//! The EndpointSlice, Endpoints and EndpointSliceMirroring controllers (cluster stage).
//!
//! Sources: `staging/src/k8s.io/endpointslice/{reconciler.go,utils.go}`,
//! `staging/src/k8s.io/endpointslice/util/controller_utils.go` (`ShouldPodBeInEndpoints`,
//! `ShouldSetHostname`), `pkg/controller/endpoint/endpoints_controller.go`,
//! `pkg/api/v1/endpoints/util.go` (`RepackSubsets`), `pkg/api/v1/pod/util.go` (`FindPort`),
//! `pkg/controller/endpointslicemirroring`.
//!
//! Rules: only Services with a non-empty selector get controller endpoints (nil/empty →
//! nothing, the user's own Endpoints/EndpointSlices are kept); Pods in the Service's namespace
//! whose labels carry every selector pair; terminal Pods and Pods without IP are skipped; the
//! slice reconciler keeps terminating Pods (with their conditions) and skips Pods on unknown
//! nodes unless publishNotReadyAddresses; the Endpoints controller drops terminating Pods unless
//! publishNotReadyAddresses and puts unready ones in `notReadyAddresses`. A named targetPort is
//! resolved per Pod with the port's protocol; a Pod that cannot resolve a port is left out of
//! that port only. Slices are grouped by port set, at most 100 endpoints each, one set per
//! address family, with a placeholder slice when there is nothing; legacy Endpoints are capped at
//! 1000 addresses with `endpoints.kubernetes.io/over-capacity: truncated`.
//!
//! Orders (documented choices where upstream uses map order): endpoints in Pod creation order;
//! Endpoints addresses sorted by IP text (`LessEndpointAddress`); a subset's ports and a slice's
//! ports by the hash of their spew dump as upstream (`SortSubsets` `portsByHash`,
//! `NewPortMapKey`, see `port_hash`); subsets in first-seen order (upstream sorts them by a
//! hash that takes in the Pods' random UIDs).

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;

use super::net::suffix;
use super::{service_selects, Cluster, Event, EventType, ZoneRatios};
use crate::model::{
    Endpoint, EndpointAddress, EndpointConditions, EndpointHints, EndpointPort, EndpointSlice,
    EndpointSubset, Endpoints, IntOrString, IpFamily, Node, ObjectMeta, ObjectReference,
    OwnerReference, Pod, Service, ServicePort, ServiceType,
};

pub(crate) const MANAGED_BY: &str = "endpointslice.kubernetes.io/managed-by";
/// `v1.LabelTopologyZone`: the Node label the controller copies into each endpoint's `zone`.
pub const ZONE_LABEL: &str = "topology.kubernetes.io/zone";
pub(crate) const CONTROLLER: &str = "endpointslice-controller.k8s.io";
const MIRROR_CONTROLLER: &str = "endpointslicemirroring-controller.k8s.io";
/// `--max-endpoints-per-slice` default.
pub const MAX_ENDPOINTS_PER_SLICE: usize = 100;
/// `maxCapacity` of the Endpoints controller.
pub const MAX_ENDPOINTS_ADDRESSES: usize = 1000;

/// `ShouldPodBeInEndpoints`.
pub fn should_pod_be_in_endpoints(pod: &Pod, include_terminating: bool) -> bool {
    if pod.status.phase == "Succeeded" || pod.status.phase == "Failed" {
        return false;
    }
    if pod.status.pod_ips.is_empty() {
        return false;
    }
    include_terminating || pod.meta.deletion_timestamp.is_none()
}

/// `podutil.IsPodReady`: the Ready condition (running Pods default to ready in the simulator).
/// The status of the Pod's condition `ty` as given (`None`: the Pod has no such condition).
pub(crate) fn condition_status<'a>(pod: &'a Pod, ty: &str) -> Option<&'a str> {
    pod.status.conditions.iter().find(|(t, _)| t == ty).map(|(_, s)| s.as_str())
}

/// Why the Pod's readiness gates keep it from Ready, as the kubelet words it in the Ready
/// condition's message (`pkg/kubelet/status/generate.go` `GeneratePodReadyCondition`: the
/// first gate whose condition is missing or not `True`); `None` when every gate is met.
pub(crate) fn unmet_readiness_gate(pod: &Pod) -> Option<String> {
    pod.spec.readiness_gates.iter().find_map(|g| match condition_status(pod, g) {
        None => {
            Some(format!("corresponding condition of pod readiness gate \"{g}\" does not exist."))
        }
        Some("True") => None,
        Some(s) => {
            Some(format!("the status of pod readiness gate \"{g}\" is not \"True\", but {s}"))
        }
    })
}

/// Whether the Pod's containers are ready (its `ContainersReady` condition): as given, else as
/// Ready is, or true when only a readiness gate holds Ready back.
pub(crate) fn containers_ready(pod: &Pod) -> bool {
    match condition_status(pod, "ContainersReady") {
        Some(s) => s == "True",
        None => is_pod_ready(pod) || unmet_readiness_gate(pod).is_some(),
    }
}

pub fn is_pod_ready(pod: &Pod) -> bool {
    pod.status.ready.unwrap_or(pod.status.phase == "Running")
}

/// `FindPort`: the container port a Service port's targetPort means for this Pod.
pub fn find_port(pod: &Pod, port: &ServicePort) -> Option<i32> {
    match &port.target_port {
        IntOrString::Int(n) => Some(*n),
        IntOrString::Str(name) => {
            let sidecars = pod
                .spec
                .init_containers
                .iter()
                .filter(|c| c.restart_policy.as_deref() == Some("Always"));
            pod.spec
                .containers
                .iter()
                .chain(sidecars)
                .flat_map(|c| c.ports.iter())
                .find(|p| p.name.as_deref() == Some(name.as_str()) && p.protocol == port.protocol)
                .map(|p| p.container_port)
        }
    }
}

/// `ShouldSetHostname`.
fn should_set_hostname(pod: &Pod, svc: &Service) -> bool {
    pod.spec.hostname.as_deref().is_some_and(|h| !h.is_empty())
        && pod.spec.subdomain.as_deref() == Some(svc.meta.name.as_str())
        && svc.meta.namespace == pod.meta.namespace
}

fn target_ref(pod: &Pod) -> ObjectReference {
    ObjectReference {
        kind: "Pod".into(),
        namespace: pod.meta.namespace.clone(),
        name: pod.meta.name.clone(),
    }
}

/// `podToEndpoint`: one slice endpoint for `pod`, with addresses of `family` only.
pub fn pod_to_endpoint(
    pod: &Pod,
    node: Option<&Node>,
    svc: &Service,
    family: IpFamily,
) -> Endpoint {
    let serving = is_pod_ready(pod);
    let terminating = pod.meta.deletion_timestamp.is_some();
    let ready = svc.spec.publish_not_ready_addresses || (serving && !terminating);
    Endpoint {
        addresses: pod
            .status
            .pod_ips
            .iter()
            .copied()
            .filter(|ip| IpFamily::of(*ip) == family)
            .take(1)
            .collect(),
        conditions: EndpointConditions {
            ready: Some(ready),
            serving: Some(serving),
            terminating: Some(terminating),
        },
        hostname: if should_set_hostname(pod, svc) { pod.spec.hostname.clone() } else { None },
        // Both only when non-empty (`podToEndpoint`: `pod.Spec.NodeName != ""`,
        // `node.Labels[v1.LabelTopologyZone] != ""`).
        node_name: pod.spec.node_name.clone().filter(|n| !n.is_empty()),
        zone: node.and_then(|n| n.meta.labels.get(ZONE_LABEL)).filter(|z| !z.is_empty()).cloned(),
        target_ref: Some(target_ref(pod)),
        hints: None,
    }
}

fn endpoint_ports(svc: &Service, pod: &Pod) -> Vec<EndpointPort> {
    svc.spec
        .ports
        .iter()
        .filter_map(|p| {
            find_port(pod, p).map(|n| EndpointPort {
                name: Some(p.name.clone()),
                port: Some(n),
                protocol: p.protocol,
                app_protocol: p.app_protocol.clone(),
            })
        })
        .collect()
}

fn family_name(f: IpFamily) -> &'static str {
    match f {
        IpFamily::IPv4 => "IPv4",
        IpFamily::IPv6 => "IPv6",
    }
}

const HEADLESS_LABEL: &str = "service.kubernetes.io/headless";

/// `isReservedLabelKey`: Service labels the slice controller never copies onto its slices.
fn is_reserved_label_key(k: &str) -> bool {
    k == "kubernetes.io/service-name" || k == MANAGED_BY || k == HEADLESS_LABEL
}

/// The Service's labels without those `reserved` rejects, plus `service.kubernetes.io/headless:
/// ""` when the Service has no ClusterIP.
fn labels_from(svc: &Service, reserved: fn(&str) -> bool) -> crate::model::Labels {
    let mut l: crate::model::Labels = svc
        .meta
        .labels
        .iter()
        .filter(|(k, _)| !reserved(k))
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect();
    if svc.spec.headless {
        l.insert(HEADLESS_LABEL.into(), String::new());
    }
    l
}

/// `setEndpointSliceLabels` (`staging/src/k8s.io/endpointslice/utils.go`): the Service's labels
/// without the reserved ones, the headless label when `!isServiceIPSet`; the caller then sets
/// the service-name and managed-by labels.
fn base_labels(svc: &Service) -> crate::model::Labels {
    labels_from(svc, is_reserved_label_key)
}

/// The legacy Endpoints' labels (`pkg/controller/endpoint` `syncService`): the Service's labels,
/// with the headless label added for a headless Service (`CloneAndAddLabel`) and removed
/// otherwise (`CloneAndRemoveLabel`).
fn endpoints_labels(svc: &Service) -> crate::model::Labels {
    labels_from(svc, |k| k == HEADLESS_LABEL)
}

/// Pods by `(namespace, label key, label value)`, in creation order: a Service's candidates are
/// the Pods carrying its first selector pair (then every pair is checked).
pub(crate) struct PodIndex<'a> {
    by_label: BTreeMap<(&'a str, &'a str, &'a str), Vec<usize>>,
}

impl<'a> PodIndex<'a> {
    /// The index for `services`: only the label keys some Service's first selector pair uses
    /// are indexed (a StatefulSet's Pod-name and ordinal labels, say, never are).
    pub(crate) fn new(pods: &'a [Pod], services: &[Service]) -> PodIndex<'a> {
        let keys: BTreeSet<&str> = services
            .iter()
            .filter_map(|s| s.spec.selector.as_ref()?.keys().next().map(String::as_str))
            .collect();
        let mut by_label: BTreeMap<(&str, &str, &str), Vec<usize>> = BTreeMap::new();
        for (i, p) in pods.iter().enumerate() {
            for (k, v) in p.meta.labels.iter().filter(|(k, _)| keys.contains(k.as_str())) {
                by_label
                    .entry((p.meta.namespace.as_str(), k.as_str(), v.as_str()))
                    .or_default()
                    .push(i);
            }
        }
        PodIndex { by_label }
    }
}

fn selected<'a>(c: &'a Cluster, idx: &PodIndex<'_>, svc: &Service) -> Vec<&'a Pod> {
    let Some((k, v)) = svc.spec.selector.as_ref().and_then(|s| s.iter().next()) else {
        return Vec::new();
    };
    let Some(cands) = idx.by_label.get(&(svc.meta.namespace.as_str(), k.as_str(), v.as_str()))
    else {
        return Vec::new();
    };
    cands
        .iter()
        .filter_map(|&i| c.objects.pods.get(i))
        .filter(|p| service_selects(svc.spec.selector.as_ref(), &p.meta.labels))
        .collect()
}

/// The Warning the EndpointSlice controller records when it leaves out Pods whose Node does not
/// exist (`reconciler.go` `Reconcile`: "skipping Pod %s for Service %s/%s: Node %s Not Found",
/// unless the Service publishes not-ready addresses; `endpointslice_controller.go` `syncService`
/// records the aggregated error as `FailedToUpdateEndpointSlices`).
fn missing_node_event(
    pods: &[&Pod],
    nodes: &BTreeMap<&str, &Node>,
    svc: &Service,
) -> Option<Event> {
    if svc.spec.publish_not_ready_addresses {
        return None;
    }
    let (ns, name) = (&svc.meta.namespace, &svc.meta.name);
    let mut errs: Vec<String> = Vec::new();
    for pod in pods {
        if !should_pod_be_in_endpoints(pod, true) {
            continue;
        }
        let node = pod.spec.node_name.as_deref().unwrap_or("");
        if nodes.contains_key(node) {
            continue;
        }
        let e = format!(
            "skipping Pod {} for Service {ns}/{name}: Node {node} Not Found",
            pod.meta.name
        );
        if !errs.contains(&e) {
            errs.push(e);
        }
    }
    // `utilerrors.NewAggregate(errs).Error()`: one error as it is, several in brackets.
    let agg = match errs.len() {
        0 => return None,
        1 => errs.remove(0),
        _ => format!("[{}]", errs.join(", ")),
    };
    Some(Event::new(
        EventType::Warning,
        "FailedToUpdateEndpointSlices",
        format!("service/{name}"),
        ns,
        format!("Error updating Endpoint Slices for Service {ns}/{name}: {agg}"),
    ))
}

/// The EndpointSlices the controller keeps for `svc`.
/// `pods`: the Pods `svc` selects ([`selected`]).
pub(crate) fn slices_for(
    c: &Cluster,
    pods: &[&Pod],
    nodes: &BTreeMap<&str, &Node>,
    svc: &Service,
) -> Vec<EndpointSlice> {
    let fnv = c.settings.version.fnv_object_hashes();
    let mut families = svc.spec.ip_families.clone();
    if families.is_empty() {
        families.push(c.settings.service_families().first().copied().unwrap_or(IpFamily::IPv4));
    }
    let mut out = Vec::new();
    for fam in families {
        let mut groups: Vec<(Vec<EndpointPort>, Vec<Endpoint>)> = Vec::new();
        for pod in pods {
            if !should_pod_be_in_endpoints(pod, true) {
                continue;
            }
            let node = pod.spec.node_name.as_deref().and_then(|n| nodes.get(n).copied());
            if node.is_none() && !svc.spec.publish_not_ready_addresses {
                continue; // "skipping Pod for Service, Node not found"
            }
            let ep = pod_to_endpoint(pod, node, svc, fam);
            if ep.addresses.is_empty() {
                continue;
            }
            let mut ports = endpoint_ports(svc, pod);
            super::port_hash::sort_slice_ports(&mut ports, fnv);
            match groups.iter_mut().find(|(p, _)| *p == ports) {
                Some((_, eps)) => eps.push(ep),
                None => groups.push((ports, vec![ep])),
            }
        }
        let mut chunks: Vec<(Vec<EndpointPort>, Vec<Endpoint>)> = Vec::new();
        for (ports, eps) in groups {
            // `chunks(MAX_ENDPOINTS_PER_SLICE)`, moved rather than cloned.
            let mut eps = eps.into_iter();
            loop {
                let chunk: Vec<Endpoint> = eps.by_ref().take(MAX_ENDPOINTS_PER_SLICE).collect();
                if chunk.is_empty() {
                    break;
                }
                chunks.push((ports.clone(), chunk));
            }
        }
        if chunks.is_empty() {
            chunks.push((Vec::new(), Vec::new())); // placeholder slice
        }
        for (i, (ports, endpoints)) in chunks.into_iter().enumerate() {
            let mut labels = base_labels(svc);
            labels.insert("kubernetes.io/service-name".into(), svc.meta.name.clone());
            labels.insert(MANAGED_BY.into(), CONTROLLER.into());
            let prefix = format!("{}-", svc.meta.name);
            let base = super::workloads::generate_base(&svc.meta.name);
            let name = format!(
                "{base}{}",
                suffix(
                    &format!("{}/{}/{}/{i}", svc.meta.namespace, svc.meta.name, family_name(fam)),
                    5
                )
            );
            out.push(EndpointSlice {
                meta: ObjectMeta {
                    uid: Some(super::uid_for("EndpointSlice", &svc.meta.namespace, &name)),
                    name,
                    namespace: svc.meta.namespace.clone(),
                    generate_name: Some(prefix),
                    labels,
                    owner_references: vec![OwnerReference {
                        kind: "Service".into(),
                        name: svc.meta.name.clone(),
                        controller: true,
                    }],
                    ..Default::default()
                },
                address_type: family_name(fam).into(),
                endpoints,
                ports,
            });
        }
    }
    reconcile_hints(svc, &mut out);
    out
}

/// `trafficDistribution` values the controller acts on (`reconciler.go`
/// `validTrafficDistribution`; `PreferSameZone` and `PreferSameNode` need the
/// `PreferSameTrafficDistribution` gate: beta and on from v1.34, GA in v1.35, so on for every
/// version the simulator runs by default).
fn hint_distribution(svc: &Service) -> Option<&str> {
    match svc.spec.traffic_distribution.as_deref() {
        Some(d @ ("PreferClose" | "PreferSameZone" | "PreferSameNode")) => Some(d),
        _ => None,
    }
}

/// `hintsEnabled` (`staging/src/k8s.io/endpointslice/utils.go`): the deprecated
/// `service.kubernetes.io/topology-aware-hints` annotation decides when present, otherwise
/// `service.kubernetes.io/topology-mode`; `Auto` or `auto` turns topology-aware hints on.
pub fn topology_mode_auto(svc: &Service) -> bool {
    let a = &svc.meta.annotations;
    let v = a
        .get("service.kubernetes.io/topology-aware-hints")
        .or_else(|| a.get("service.kubernetes.io/topology-mode"));
    matches!(v.map(String::as_str), Some("Auto" | "auto"))
}

/// `topology-mode: Auto` (`topologycache.go` `AddHints`, per address type): hints by the
/// zones' share of allocatable CPU (`SetNodes`), or every hint removed when a safeguard trips
/// (Nodes without `status.allocatable.cpu` or a zone label, one zone, fewer endpoints than
/// zones, ...). The controller records the returned event with `, addressType: <type>`
/// (`FormatWithAddressType`).
fn auto_hints(
    svc: &Service,
    ratios: Option<&ZoneRatios>,
    slices: &mut [EndpointSlice],
) -> Vec<Event> {
    let mut out = Vec::new();
    for group in slices.chunk_by_mut(|a, b| a.address_type == b.address_type) {
        let family = group.first().map(|s| s.address_type.clone()).unwrap_or_default();
        let ev = super::add_hints(ratios, group);
        out.push(Event::new(
            if ev.warning { EventType::Warning } else { EventType::Normal },
            ev.reason,
            format!("service/{}", svc.meta.name),
            &svc.meta.namespace,
            format!("{}, addressType: {family}", ev.message),
        ));
    }
    out
}

/// The hints the EndpointSlice controller writes on freshly built slices
/// (`trafficdist/trafficdist.go` `ReconcileHints`, `reconciler.go`).
///
/// * `topology-mode: Auto` takes precedence (`canUseTrafficDistribution := valid && !hintsEnabled`):
///   hints are cleared here and written by the topology cache (`auto_hints`).
/// * `PreferClose` / `PreferSameZone` / `PreferSameNode` (`preferCloseHeuristic`): every ready
///   endpoint gets `forZones: [{name: <zone>}]` when it has a zone, and with `PreferSameNode`
///   also `forNodes: [{name: <nodeName>}]`; a ready endpoint with neither gets no hints.
///   Not-ready endpoints are left alone (these slices are new, so they have none).
/// * Anything else (`defaultHeuristic`): no hints.
pub fn reconcile_hints(svc: &Service, slices: &mut [EndpointSlice]) {
    let dist = if topology_mode_auto(svc) { None } else { hint_distribution(svc) };
    for slice in slices.iter_mut() {
        for ep in &mut slice.endpoints {
            let Some(dist) = dist else {
                ep.hints = None;
                continue;
            };
            if ep.conditions.ready != Some(true) {
                continue;
            }
            let for_zones: Vec<String> =
                ep.zone.iter().filter(|z| !z.is_empty()).cloned().collect();
            let for_nodes: Vec<String> = if dist == "PreferSameNode" {
                ep.node_name.iter().filter(|n| !n.is_empty()).cloned().collect()
            } else {
                Vec::new()
            };
            ep.hints = if for_zones.is_empty() && for_nodes.is_empty() {
                None
            } else {
                Some(EndpointHints { for_zones, for_nodes })
            };
        }
    }
}

/// The IP text and the Pod name of an [`AddressSet`] key (an IP's text has no '/').
fn ip_and_pod(key: &str) -> (&str, &str) {
    key.split_once('/').unwrap_or((key, ""))
}

/// Addresses by `ip/pod`, with readiness.
type AddressSet = BTreeMap<String, (EndpointAddress, bool)>;

/// The legacy Endpoints object the Endpoints controller keeps for `svc`.
/// `pods`: the Pods `svc` selects ([`selected`]).
pub(crate) fn endpoints_for(c: &Cluster, pods: &[&Pod], svc: &Service) -> Endpoints {
    let pnr = svc.spec.publish_not_ready_addresses;
    let fam = svc.spec.ip_families.first().copied().unwrap_or(IpFamily::IPv4);
    // Port (with its resolved number) → addresses (ip, ready).
    let mut per_port: Vec<(Option<EndpointPort>, AddressSet)> = Vec::new();
    for &pod in pods {
        if !should_pod_be_in_endpoints(pod, pnr) {
            continue;
        }
        let Some(ip) = pod.status.pod_ips.iter().copied().find(|ip| IpFamily::of(*ip) == fam)
        else {
            continue;
        };
        let addr = EndpointAddress {
            ip,
            hostname: if should_set_hostname(pod, svc) { pod.spec.hostname.clone() } else { None },
            node_name: pod.spec.node_name.clone(),
            target_ref: Some(target_ref(pod)),
        };
        let ready = pnr || is_pod_ready(pod);
        let mut pod_key = String::with_capacity(40 + pod.meta.name.len());
        let _ = write!(pod_key, "{ip}/{}", pod.meta.name);
        // The ports this Pod serves (none for a headless Service without ports).
        let mut ports: Vec<Option<EndpointPort>> = Vec::new();
        if svc.spec.ports.is_empty() && svc.spec.headless {
            ports.push(None);
        }
        for p in &svc.spec.ports {
            if let Some(n) = find_port(pod, p) {
                ports.push(Some(EndpointPort {
                    name: Some(p.name.clone()),
                    port: Some(n),
                    protocol: p.protocol,
                    app_protocol: p.app_protocol.clone(),
                }));
            }
        }
        // The address under each port; the last port takes it (and its key) without a copy.
        let mut entry = Some((pod_key, addr));
        let last = ports.len().saturating_sub(1);
        for (i, port) in ports.into_iter().enumerate() {
            let (key, addr) = match (i == last, entry.as_ref()) {
                (false, Some((k, a))) => (k.clone(), a.clone()),
                _ => match entry.take() {
                    Some(e) => e,
                    None => break,
                },
            };
            match per_port.iter_mut().find(|(p, _)| *p == port) {
                Some((_, set)) => {
                    set.insert(key, (addr, ready));
                }
                None => per_port.push((port, [(key, (addr, ready))].into())),
            }
        }
    }
    // RepackSubsets: ports with identical address sets share one subset.
    // A set's identity: its (`ip/pod`, ready) pairs in order.
    let mut subsets: Vec<(Vec<(String, bool)>, EndpointSubset)> = Vec::new();
    let sets = per_port.len();
    for (n, (port, set)) in per_port.into_iter().enumerate() {
        // Needed only to compare with a subset made before or after this one (a Service
        // with one port has none to compare).
        let key: Vec<(String, bool)> = if subsets.is_empty() && n + 1 == sets {
            Vec::new()
        } else {
            set.iter().map(|(k, (_, r))| (k.clone(), *r)).collect()
        };
        let idx = match subsets.iter().position(|(k, _)| *k == key) {
            Some(i) => i,
            None => {
                let mut s = EndpointSubset::default();
                // By IP text, then Pod name (the target): both are in the set's key
                // `ip/pod` (an IP's text has no '/'), so nothing is formatted per comparison.
                let mut addrs: Vec<(String, (EndpointAddress, bool))> = set.into_iter().collect();
                crate::sort::sort_by(&mut addrs, |a, b| ip_and_pod(&a.0).cmp(&ip_and_pod(&b.0)));
                for (_, (a, ready)) in addrs {
                    if ready {
                        s.addresses.push(a);
                    } else {
                        s.not_ready_addresses.push(a);
                    }
                }
                subsets.push((key, s));
                subsets.len() - 1
            }
        };
        if let (Some(p), Some((_, s))) = (port, subsets.get_mut(idx)) {
            s.ports.push(p);
        }
    }
    let mut subsets: Vec<EndpointSubset> = subsets.into_iter().map(|(_, s)| s).collect();
    let fnv = c.settings.version.fnv_object_hashes();
    for s in &mut subsets {
        super::port_hash::sort_endpoints_ports(&mut s.ports, fnv);
    }
    let mut meta = ObjectMeta {
        name: svc.meta.name.clone(),
        namespace: svc.meta.namespace.clone(),
        labels: endpoints_labels(svc),
        uid: Some(super::uid_for("Endpoints", &svc.meta.namespace, &svc.meta.name)),
        ..Default::default()
    };
    if truncate_endpoints(&mut subsets, MAX_ENDPOINTS_ADDRESSES) {
        meta.annotations.insert("endpoints.kubernetes.io/over-capacity".into(), "truncated".into());
    }
    Endpoints { meta, subsets }
}

/// `truncateEndpoints` (`pkg/controller/endpoint/endpoints_controller.go`): above `max`
/// addresses in all, each subset keeps its share, rounded up, of what fits (capped by what is
/// left), ready addresses first: when the ready ones alone fit, only not-ready ones are cut;
/// otherwise the ready ones are cut the same way and every not-ready one dropped. Subsets left
/// empty stay. Returns whether anything was cut (the `over-capacity: truncated` annotation).
pub fn truncate_endpoints(subsets: &mut [EndpointSubset], max: usize) -> bool {
    let ready: usize = subsets.iter().map(|s| s.addresses.len()).sum();
    let not_ready: usize = subsets.iter().map(|s| s.not_ready_addresses.len()).sum();
    if ready + not_ready <= max {
        return false;
    }
    let truncate_ready = ready > max;
    let (room, total) = if truncate_ready { (max, ready) } else { (max - ready, not_ready) };
    let mut left = room;
    for s in subsets.iter_mut() {
        let n = if truncate_ready { s.addresses.len() } else { s.not_ready_addresses.len() };
        // `math.Ceil((float64(n) / float64(total)) * float64(room))`, in floats as upstream
        // (total > 0 here; the result is at most room).
        let share = ((n as f64 / total.max(1) as f64) * room as f64).ceil();
        let share = (share.max(0.0) as usize).min(left);
        if truncate_ready {
            s.addresses.truncate(share);
            s.not_ready_addresses.clear();
            left -= s.addresses.len();
        } else {
            s.not_ready_addresses.truncate(share);
            left -= s.not_ready_addresses.len();
        }
    }
    true
}

/// `--mirroring-max-endpoints-per-subset` default (`endpointslicemirroring/config/v1alpha1`
/// `RecommendedDefaultEndpointSliceMirroringControllerConfiguration`).
const MIRRORING_MAX_ENDPOINTS_PER_SUBSET: usize = 1000;

/// The addresses of a subset the mirroring controller takes (`reconciler.go` `reconcile`): ready
/// ones, then not-ready ones, at most [`MIRRORING_MAX_ENDPOINTS_PER_SUBSET`] in all (whatever
/// their family); the rest are skipped.
fn mirrored_addresses(s: &EndpointSubset) -> Vec<(&EndpointAddress, bool)> {
    s.addresses
        .iter()
        .map(|a| (a, true))
        .chain(s.not_ready_addresses.iter().map(|a| (a, false)))
        .take(MIRRORING_MAX_ENDPOINTS_PER_SUBSET)
        .collect()
}

/// A mirrored slice's ports (`utils.go` `epPortsToEpsPorts`: the name always set), in the order
/// `newAddrTypePortMapKey` (`NewPortMapKey`) sorts them.
fn mirrored_ports(c: &Cluster, s: &EndpointSubset) -> Vec<EndpointPort> {
    let mut ports: Vec<EndpointPort> = s
        .ports
        .iter()
        .map(|p| EndpointPort { name: Some(p.name.clone().unwrap_or_default()), ..p.clone() })
        .collect();
    super::port_hash::sort_slice_ports(&mut ports, c.settings.version.fnv_object_hashes());
    ports
}

/// An address's identity in `RepackSubsets` (`addressKey`: the IP and the target's UID; the
/// target's kind, namespace and name stand for its UID here).
type AddressKey<'a> = (std::net::IpAddr, Option<(&'a str, &'a str, &'a str)>);

/// `RepackSubsets` (pkg/api/v1/endpoints/util.go), as the mirroring controller applies it to a
/// user's Endpoints before it mirrors them (`endpointslicemirroring/reconciler.go` `reconcile`;
/// the API server stores Endpoints as written): every port maps to the addresses that offer it
/// (an address not ready in any subset for a port is not ready for it: "not ready always trumps
/// ready"; a subset without ports keeps its addresses under a placeholder port), and ports with
/// the same addresses share one subset. Addresses are sorted by IP text (`LessEndpointAddress`),
/// ports by their object hash (`portsByHash`); the subsets stay in the order they first appear
/// (upstream sorts them by hash, which here decides only the mirrored slices' random names).
/// (Upstream's port key compares `appProtocol` by pointer, so ports with an appProtocol never
/// merge across subsets there; they do here.)
fn repack(subsets: &[EndpointSubset], fnv: bool) -> Vec<EndpointSubset> {
    fn key(a: &EndpointAddress) -> AddressKey<'_> {
        (
            a.ip,
            a.target_ref.as_ref().map(|r| (r.kind.as_str(), r.namespace.as_str(), r.name.as_str())),
        )
    }
    let mut addrs: Vec<&EndpointAddress> = Vec::new();
    // Each address's index in `addrs`, by key (a map: a dump may list thousands).
    let mut index: BTreeMap<AddressKey<'_>, usize> = BTreeMap::new();
    // Port (None: the placeholder of a subset without ports) → address index → ready.
    let mut per_port: Vec<(Option<&EndpointPort>, BTreeMap<usize, bool>)> = Vec::new();
    for s in subsets {
        let ports: Vec<Option<&EndpointPort>> =
            if s.ports.is_empty() { vec![None] } else { s.ports.iter().map(Some).collect() };
        for port in ports {
            let listed = s.addresses.iter().map(|a| (a, true));
            for (a, ready) in listed.chain(s.not_ready_addresses.iter().map(|a| (a, false))) {
                let ai = *index.entry(key(a)).or_insert_with(|| {
                    addrs.push(a);
                    addrs.len() - 1
                });
                let pi = match per_port.iter().position(|(p, _)| *p == port) {
                    Some(i) => i,
                    None => {
                        per_port.push((port, BTreeMap::new()));
                        per_port.len() - 1
                    }
                };
                let set = &mut per_port[pi].1;
                if set.get(&ai).is_none_or(|&was| was) {
                    set.insert(ai, ready);
                }
            }
        }
    }
    let mut out: Vec<(Vec<(usize, bool)>, EndpointSubset)> = Vec::new();
    for (port, set) in per_port {
        let members: Vec<(usize, bool)> = set.into_iter().collect();
        let i = match out.iter().position(|(m, _)| *m == members) {
            Some(i) => i,
            None => {
                let mut s = EndpointSubset::default();
                for &(ai, ready) in &members {
                    let a = addrs[ai].clone();
                    if ready {
                        s.addresses.push(a);
                    } else {
                        s.not_ready_addresses.push(a);
                    }
                }
                let by_ip = |a: &EndpointAddress, b: &EndpointAddress| {
                    let name = |x: &EndpointAddress| x.target_ref.as_ref().map(|r| r.name.clone());
                    a.ip.to_string().cmp(&b.ip.to_string()).then_with(|| name(a).cmp(&name(b)))
                };
                crate::sort::sort_by(&mut s.addresses, by_ip);
                crate::sort::sort_by(&mut s.not_ready_addresses, by_ip);
                out.push((members, s));
                out.len() - 1
            }
        };
        if let Some(p) = port {
            out[i].1.ports.push(p.clone());
        }
    }
    let mut out: Vec<EndpointSubset> = out.into_iter().map(|(_, s)| s).collect();
    for s in &mut out {
        super::port_hash::sort_endpoints_ports(&mut s.ports, fnv);
    }
    out
}

/// `EndpointSliceMirroring`: a user's Endpoints for a selectorless Service, repacked
/// ([`repack`]), as one slice per subset and address type (`reconcileByPortMapping`: a single
/// slice of at most maxEndpointsPerSubset endpoints), labelled and annotated as
/// `newEndpointSlice` does.
fn mirror(c: &Cluster, ep: &Endpoints, events: &mut Vec<Event>) -> Vec<EndpointSlice> {
    let mut out = Vec::new();
    let subsets = repack(&ep.subsets, c.settings.version.fnv_object_hashes());
    let mut skipped = 0;
    for (i, s) in subsets.iter().enumerate() {
        let taken = mirrored_addresses(s);
        skipped += s.addresses.len() + s.not_ready_addresses.len() - taken.len();
        for fam in [IpFamily::IPv4, IpFamily::IPv6] {
            let mk = |a: &EndpointAddress, ready: bool| Endpoint {
                addresses: vec![a.ip],
                conditions: EndpointConditions {
                    ready: Some(ready),
                    serving: None,
                    terminating: None,
                },
                hostname: a.hostname.clone(),
                node_name: a.node_name.clone(),
                zone: None,
                target_ref: a.target_ref.clone(),
                hints: None,
            };
            let endpoints: Vec<Endpoint> = taken
                .iter()
                .filter(|(a, _)| IpFamily::of(a.ip) == fam)
                .map(|(a, ready)| mk(a, *ready))
                .collect();
            if endpoints.is_empty() {
                continue;
            }
            let prefix = format!("{}-", ep.meta.name);
            let base = super::workloads::generate_base(&ep.meta.name);
            let name = format!(
                "{base}{}",
                suffix(
                    &format!(
                        "mirror/{}/{}/{i}/{}",
                        ep.meta.namespace,
                        ep.meta.name,
                        family_name(fam)
                    ),
                    5
                )
            );
            let mut labels = ep.meta.labels.clone();
            labels.insert("kubernetes.io/service-name".into(), ep.meta.name.clone());
            labels.insert(MANAGED_BY.into(), MIRROR_CONTROLLER.into());
            // Every annotation but these two (`newEndpointSlice`).
            let mut annotations = ep.meta.annotations.clone();
            annotations.remove("endpoints.kubernetes.io/last-change-trigger-time");
            annotations.remove("kubectl.kubernetes.io/last-applied-configuration");
            out.push(EndpointSlice {
                meta: ObjectMeta {
                    uid: Some(super::uid_for("EndpointSlice", &ep.meta.namespace, &name)),
                    name,
                    namespace: ep.meta.namespace.clone(),
                    generate_name: Some(prefix),
                    labels,
                    annotations,
                    // `newEndpointSlice`: `metav1.NewControllerRef(endpoints, v1 Endpoints)`.
                    owner_references: vec![OwnerReference {
                        kind: "Endpoints".into(),
                        name: ep.meta.name.clone(),
                        controller: true,
                    }],
                    ..Default::default()
                },
                address_type: family_name(fam).into(),
                endpoints,
                ports: mirrored_ports(c, s),
            });
        }
    }
    if skipped > 0 {
        // `reconciler.go` `reconcile` (the `endpoint-slice-mirroring-controller`'s recorder).
        events.push(Event::new(
            EventType::Warning,
            "TooManyAddressesToMirror",
            format!("endpoints/{}", ep.meta.name),
            &ep.meta.namespace,
            format!("A max of {MIRRORING_MAX_ENDPOINTS_PER_SUBSET} addresses can be mirrored to EndpointSlices per Endpoints subset. {skipped} addresses were skipped"),
        ));
    }
    out
}

/// Recomputes every controller-managed Endpoints and EndpointSlice from the current objects.
pub(crate) fn reconcile_all(c: &mut Cluster) {
    let controlled: BTreeSet<(String, String)> = c
        .objects
        .services
        .iter()
        .filter(|s| has_selector(s))
        .map(|s| (s.meta.namespace.clone(), s.meta.name.clone()))
        .collect();
    c.objects.endpoint_slices.retain(|s| {
        let managed = s
            .meta
            .labels
            .get(MANAGED_BY)
            .is_some_and(|m| m == CONTROLLER || m == MIRROR_CONTROLLER);
        !managed
    });
    c.objects
        .endpoints
        .retain(|e| !controlled.contains(&(e.meta.namespace.clone(), e.meta.name.clone())));
    // Taken out while the controllers run (nothing below reads `c.objects.services`), put back
    // at the end: cheaper than a copy of every Service.
    let services = std::mem::take(&mut c.objects.services);
    let mut slices = Vec::new();
    let mut eps = Vec::new();
    let mut auto_events = Vec::new();
    {
        let idx = PodIndex::new(&c.objects.pods, &services);
        let nodes: BTreeMap<&str, &Node> =
            c.objects.nodes.iter().map(|n| (n.meta.name.as_str(), n)).collect();
        let ratios = super::zone_ratios(&c.objects.nodes);
        for svc in &services {
            if !has_selector(svc) {
                continue;
            }
            // Both controllers see the same Pods: selected once.
            let pods = selected(c, &idx, svc);
            auto_events.extend(missing_node_event(&pods, &nodes, svc));
            let mut mine = slices_for(c, &pods, &nodes, svc);
            if topology_mode_auto(svc) {
                auto_events.extend(auto_hints(svc, ratios.as_ref(), &mut mine));
            }
            slices.extend(mine);
            eps.push(endpoints_for(c, &pods, svc));
        }
    }
    c.events.extend(auto_events);
    // Mirroring: user Endpoints of selectorless Services that have no slice of their own. The
    // Services by (namespace, name), the first of each (a `kubectl get -o yaml` dump has an
    // Endpoints per Service: no scan of every Service per Endpoints).
    let mut by_name: BTreeMap<(&str, &str), &Service> = BTreeMap::new();
    for s in &services {
        by_name.entry((s.meta.namespace.as_str(), s.meta.name.as_str())).or_insert(s);
    }
    let mut mirror_events = Vec::new();
    for ep in &c.objects.endpoints {
        let Some(&svc) = by_name.get(&(ep.meta.namespace.as_str(), ep.meta.name.as_str())) else {
            continue;
        };
        // `syncEndpoints`: a Service with a selector, of any type (ExternalName too), has its
        // mirrored slices deleted.
        if selector_set(svc) || !should_mirror(ep) {
            continue;
        }
        slices.extend(mirror(c, ep, &mut mirror_events));
    }
    c.events.extend(mirror_events);
    c.objects.endpoint_slices.extend(slices);
    c.objects.endpoints.extend(eps);
    c.objects.services = services;
}

/// `shouldMirror` (`endpointslicemirroring_controller.go`): not with the
/// `endpointslice.kubernetes.io/skip-mirror: "true"` label (`skipMirror`), nor with the
/// leader-election annotation `control-plane.alpha.kubernetes.io/leader` (`hasLeaderElection`).
fn should_mirror(ep: &Endpoints) -> bool {
    let skip =
        ep.meta.labels.get("endpointslice.kubernetes.io/skip-mirror").is_some_and(|v| v == "true");
    !skip && !ep.meta.annotations.contains_key("control-plane.alpha.kubernetes.io/leader")
}

/// The Service is the EndpointSlice and Endpoints controllers' (a selector, not ExternalName).
fn has_selector(s: &Service) -> bool {
    s.spec.type_ != ServiceType::ExternalName && selector_set(s)
}

/// `spec.selector` is set (an empty one is stored as none).
fn selector_set(s: &Service) -> bool {
    s.spec.selector.as_ref().is_some_and(|m| !m.is_empty())
}

#[cfg(test)]
mod hint_tests {
    use crate::model::{EndpointHints, EndpointSlice};

    const NODES: &str = "apiVersion: v1\nkind: Node\nmetadata: {name: node-a, labels: {topology.kubernetes.io/zone: zone-a}}\nstatus: {addresses: [{type: InternalIP, address: 172.18.0.2}]}\n---\napiVersion: v1\nkind: Node\nmetadata: {name: node-b, labels: {topology.kubernetes.io/zone: zone-b}}\nstatus: {addresses: [{type: InternalIP, address: 172.18.0.3}]}\n---\n";

    fn pods() -> String {
        let mut out = String::new();
        for (name, node) in [("web-a", "node-a"), ("web-b", "node-b"), ("web-x", "node-b")] {
            out.push_str(&format!(
                "apiVersion: v1\nkind: Pod\nmetadata: {{name: {name}, labels: {{app: web}}}}\nspec:\n  nodeName: {node}\n  containers: [{{name: c, image: nginx, ports: [{{containerPort: 8080}}]}}]\n---\n"
            ));
        }
        out
    }

    fn cluster(svc_extra: &str) -> crate::cluster::Cluster {
        let text = format!(
            "{NODES}{}apiVersion: v1\nkind: Service\nmetadata:\n  name: web\n{svc_extra}spec:\n  selector: {{app: web}}\n  ports: [{{port: 80, targetPort: 8080}}]\n",
            pods()
        );
        let mut files = crate::diagnostic::SourceFiles::default();
        files.add("c.yaml", text.as_str());
        let loaded = crate::manifest::load(&files);
        assert!(
            loaded.diagnostics.iter().all(|d| d.severity != crate::diagnostic::Severity::Error),
            "{:?}",
            loaded.diagnostics
        );
        crate::cluster::build(&loaded.objects)
    }

    fn web_slice(c: &crate::cluster::Cluster) -> &EndpointSlice {
        c.objects.endpoint_slices.iter().find(|s| s.service_name() == Some("web")).expect("slice")
    }

    fn hints(c: &crate::cluster::Cluster) -> Vec<(Option<String>, Option<EndpointHints>)> {
        web_slice(c).endpoints.iter().map(|e| (e.zone.clone(), e.hints.clone())).collect()
    }

    fn z(zone: &str, nodes: &[&str]) -> (Option<String>, Option<EndpointHints>) {
        (
            Some(zone.to_string()),
            Some(EndpointHints {
                for_zones: vec![zone.to_string()],
                for_nodes: nodes.iter().map(|n| n.to_string()).collect(),
            }),
        )
    }

    #[test]
    fn traffic_distribution_writes_zone_and_node_hints() {
        let none = cluster("");
        assert_eq!(
            hints(&none),
            vec![
                (Some("zone-a".into()), None),
                (Some("zone-b".into()), None),
                (Some("zone-b".into()), None)
            ]
        );
        for d in ["PreferClose", "PreferSameZone"] {
            let c = cluster_with_distribution(d);
            assert_eq!(
                hints(&c),
                vec![z("zone-a", &[]), z("zone-b", &[]), z("zone-b", &[])],
                "{d}"
            );
        }
        let c = cluster_with_distribution("PreferSameNode");
        assert_eq!(
            hints(&c),
            vec![z("zone-a", &["node-a"]), z("zone-b", &["node-b"]), z("zone-b", &["node-b"])]
        );
        // Unknown values leave no hints; so does the topology-mode annotation (which takes
        // precedence) when the Nodes carry no allocatable CPU (its first safeguard).
        assert!(hints(&cluster_with_distribution("Nearby")).iter().all(|(_, h)| h.is_none()));
        let auto = cluster_with(
            "  annotations: {service.kubernetes.io/topology-mode: Auto}\n",
            "PreferSameZone",
        );
        assert!(hints(&auto).iter().all(|(_, h)| h.is_none()));
        let events: Vec<String> = auto
            .events
            .iter()
            .filter(|e| e.reason == "TopologyAwareHintsDisabled")
            .map(|e| e.line())
            .collect();
        assert_eq!(
            events,
            vec!["Warning  TopologyAwareHintsDisabled  service/web  Insufficient Node information: allocatable CPU or zone not specified on one or more nodes, addressType: IPv4"]
        );
    }

    fn cluster_with_distribution(d: &str) -> crate::cluster::Cluster {
        cluster_with("", d)
    }

    fn cluster_with(meta_extra: &str, d: &str) -> crate::cluster::Cluster {
        let text = format!(
            "{NODES}{}apiVersion: v1\nkind: Service\nmetadata:\n  name: web\n{meta_extra}spec:\n  selector: {{app: web}}\n  trafficDistribution: {d}\n  ports: [{{port: 80, targetPort: 8080}}]\n",
            pods()
        );
        let mut files = crate::diagnostic::SourceFiles::default();
        files.add("c.yaml", text.as_str());
        crate::cluster::build(&crate::manifest::load(&files).objects)
    }

    /// From YAML to kube-proxy: with PreferSameZone, node-a's rules send ClusterIP traffic only
    /// to the zone-a endpoint, node-b's only to zone-b's two (both modes).
    #[test]
    fn kube_proxy_keeps_traffic_in_its_zone() {
        use crate::proxy::{self, nft, Origin, Packet, ProxyConfig};
        let c = cluster_with_distribution("PreferSameZone");
        let svc = c.objects.services.iter().find(|s| s.meta.name == "web").expect("web");
        let cip = svc.spec.cluster_ips[0];
        let pod_ip = |name: &str| {
            c.objects
                .pods
                .iter()
                .find(|p| p.meta.name == name)
                .map(|p| p.status.pod_ips[0])
                .expect("pod")
        };
        let cfg =
            ProxyConfig { cluster_cidr: Some("10.244.0.0/16".into()), ..ProxyConfig::default() };
        for (node, want) in [
            ("node-a", format!("{}:8080", pod_ip("web-a"))),
            ("node-b", {
                let mut v =
                    [format!("{}:8080", pod_ip("web-b")), format!("{}:8080", pod_ip("web-x"))];
                crate::sort::sort(&mut v);
                v.join(", ")
            }),
        ] {
            let info = proxy::node_info(&c.objects, node).expect("node");
            let p = Packet {
                src: pod_ip("web-a"),
                dst: cip,
                dport: 80,
                proto: crate::model::Protocol::Tcp,
                origin: Origin::FromPod,
            };
            let rs = nft::generate(&c.objects.services, &c.objects.endpoint_slices, &info, &cfg);
            let t = nft::NftTables::parse(&rs.dump_text()).expect("parses");
            assert_eq!(nft::walk(&t, &info, &p).upstream_output(), want, "{node} nftables");
            let irs = proxy::generate(&c.objects.services, &c.objects.endpoint_slices, &info, &cfg);
            let it = proxy::RuleTable::parse(&irs.kernel_text()).expect("parses");
            assert_eq!(proxy::walk(&it, &info, &p).upstream_output(), want, "{node} iptables");
        }
    }
}
