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
//! Endpoints addresses sorted by IP text (`LessEndpointAddress`); subsets and ports in first-seen
//! order (upstream sorts them by an object hash).

use std::collections::{BTreeMap, BTreeSet};

use super::net::suffix;
use super::{service_selects, Cluster};
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
        node_name: pod.spec.node_name.clone(),
        zone: node.and_then(|n| n.meta.labels.get(ZONE_LABEL).cloned()),
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

fn base_labels(svc: &Service) -> crate::model::Labels {
    let mut l = svc.meta.labels.clone();
    if svc.spec.headless {
        l.insert("service.kubernetes.io/headless".into(), String::new());
    }
    l
}

/// Pods by `(namespace, label key, label value)`, in creation order: a Service's candidates are
/// the Pods carrying its first selector pair (then every pair is checked).
pub(crate) struct PodIndex<'a> {
    by_label: BTreeMap<(&'a str, &'a str, &'a str), Vec<usize>>,
}

impl<'a> PodIndex<'a> {
    pub(crate) fn new(pods: &'a [Pod]) -> PodIndex<'a> {
        let mut by_label: BTreeMap<(&str, &str, &str), Vec<usize>> = BTreeMap::new();
        for (i, p) in pods.iter().enumerate() {
            for (k, v) in &p.meta.labels {
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

/// The EndpointSlices the controller keeps for `svc`.
pub(crate) fn slices_for(
    c: &Cluster,
    idx: &PodIndex<'_>,
    nodes: &BTreeMap<&str, &Node>,
    svc: &Service,
) -> Vec<EndpointSlice> {
    let pods = selected(c, idx, svc);
    let mut families = svc.spec.ip_families.clone();
    if families.is_empty() {
        families.push(c.settings.service_families().first().copied().unwrap_or(IpFamily::IPv4));
    }
    let mut out = Vec::new();
    for fam in families {
        let mut groups: Vec<(Vec<EndpointPort>, Vec<Endpoint>)> = Vec::new();
        for pod in &pods {
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
            let ports = endpoint_ports(svc, pod);
            match groups.iter_mut().find(|(p, _)| *p == ports) {
                Some((_, eps)) => eps.push(ep),
                None => groups.push((ports, vec![ep])),
            }
        }
        let mut chunks: Vec<(Vec<EndpointPort>, Vec<Endpoint>)> = Vec::new();
        for (ports, eps) in groups {
            for chunk in eps.chunks(MAX_ENDPOINTS_PER_SLICE) {
                chunks.push((ports.clone(), chunk.to_vec()));
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

/// The hints the EndpointSlice controller writes on freshly built slices
/// (`trafficdist/trafficdist.go` `ReconcileHints`, `reconciler.go`).
///
/// * `topology-mode: Auto` takes precedence (`canUseTrafficDistribution := valid && !hintsEnabled`).
///   The topology cache's CPU-proportional allocation is not simulated: its slices keep no hints
///   (as when its safeguards trip), so kube-proxy spreads over every endpoint. *(Documented
///   simplification.)*
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

/// Addresses by `ip/pod`, with readiness.
type AddressSet = BTreeMap<String, (EndpointAddress, bool)>;

/// The legacy Endpoints object the Endpoints controller keeps for `svc`.
pub(crate) fn endpoints_for(c: &Cluster, idx: &PodIndex<'_>, svc: &Service) -> Endpoints {
    let pnr = svc.spec.publish_not_ready_addresses;
    let fam = svc.spec.ip_families.first().copied().unwrap_or(IpFamily::IPv4);
    // Port (with its resolved number) → addresses (ip, ready).
    let mut per_port: Vec<(Option<EndpointPort>, AddressSet)> = Vec::new();
    for pod in selected(c, idx, svc) {
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
        let mut add = |port: Option<EndpointPort>| {
            let key = format!("{ip}/{}", pod.meta.name);
            match per_port.iter_mut().find(|(p, _)| *p == port) {
                Some((_, set)) => {
                    set.insert(key, (addr.clone(), ready));
                }
                None => per_port.push((port, [(key, (addr.clone(), ready))].into())),
            }
        };
        if svc.spec.ports.is_empty() && svc.spec.headless {
            add(None);
        }
        for p in &svc.spec.ports {
            if let Some(n) = find_port(pod, p) {
                add(Some(EndpointPort {
                    name: Some(p.name.clone()),
                    port: Some(n),
                    protocol: p.protocol,
                    app_protocol: p.app_protocol.clone(),
                }));
            }
        }
    }
    // RepackSubsets: ports with identical address sets share one subset.
    let mut subsets: Vec<(Vec<String>, EndpointSubset)> = Vec::new();
    for (port, set) in per_port {
        let key: Vec<String> = set.iter().map(|(k, (_, r))| format!("{k}/{r}")).collect();
        let idx = match subsets.iter().position(|(k, _)| *k == key) {
            Some(i) => i,
            None => {
                let mut s = EndpointSubset::default();
                let mut addrs: Vec<(EndpointAddress, bool)> = set.into_values().collect();
                crate::sort::sort_by(&mut addrs, |a, b| {
                    a.0.ip.to_string().cmp(&b.0.ip.to_string()).then(
                        a.0.target_ref
                            .as_ref()
                            .map(|t| t.name.clone())
                            .cmp(&b.0.target_ref.as_ref().map(|t| t.name.clone())),
                    )
                });
                for (a, ready) in addrs {
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
    let mut meta = ObjectMeta {
        name: svc.meta.name.clone(),
        namespace: svc.meta.namespace.clone(),
        labels: base_labels(svc),
        uid: Some(super::uid_for("Endpoints", &svc.meta.namespace, &svc.meta.name)),
        ..Default::default()
    };
    let total: usize =
        subsets.iter().map(|s| s.addresses.len() + s.not_ready_addresses.len()).sum();
    if total > MAX_ENDPOINTS_ADDRESSES {
        meta.annotations.insert("endpoints.kubernetes.io/over-capacity".into(), "truncated".into());
        let mut budget = MAX_ENDPOINTS_ADDRESSES;
        for s in &mut subsets {
            s.addresses.truncate(budget);
            budget -= s.addresses.len();
        }
        for s in &mut subsets {
            s.not_ready_addresses.truncate(budget);
            budget -= s.not_ready_addresses.len();
        }
        subsets.retain(|s| !s.addresses.is_empty() || !s.not_ready_addresses.is_empty());
    }
    Endpoints { meta, subsets }
}

/// `EndpointSliceMirroring`: a user's Endpoints for a selectorless Service, as a slice.
fn mirror(c: &Cluster, ep: &Endpoints) -> Vec<EndpointSlice> {
    let mut out = Vec::new();
    for (i, s) in ep.subsets.iter().enumerate() {
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
            let endpoints: Vec<Endpoint> = s
                .addresses
                .iter()
                .filter(|a| IpFamily::of(a.ip) == fam)
                .map(|a| mk(a, true))
                .chain(
                    s.not_ready_addresses
                        .iter()
                        .filter(|a| IpFamily::of(a.ip) == fam)
                        .map(|a| mk(a, false)),
                )
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
            out.push(EndpointSlice {
                meta: ObjectMeta {
                    name,
                    namespace: ep.meta.namespace.clone(),
                    generate_name: Some(prefix),
                    labels,
                    ..Default::default()
                },
                address_type: family_name(fam).into(),
                endpoints: endpoints.into_iter().take(MAX_ENDPOINTS_PER_SLICE).collect(),
                ports: s.ports.clone(),
            });
        }
    }
    let _ = c;
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
    let services = c.objects.services.clone();
    let mut slices = Vec::new();
    let mut eps = Vec::new();
    {
        let idx = PodIndex::new(&c.objects.pods);
        let nodes: BTreeMap<&str, &Node> =
            c.objects.nodes.iter().map(|n| (n.meta.name.as_str(), n)).collect();
        for svc in &services {
            if !has_selector(svc) {
                continue;
            }
            slices.extend(slices_for(c, &idx, &nodes, svc));
            eps.push(endpoints_for(c, &idx, svc));
        }
    }
    // Mirroring: user Endpoints of selectorless Services that have no slice of their own.
    for ep in &c.objects.endpoints {
        let Some(svc) = services
            .iter()
            .find(|s| s.meta.namespace == ep.meta.namespace && s.meta.name == ep.meta.name)
        else {
            continue;
        };
        if has_selector(svc)
            || ep
                .meta
                .labels
                .get("endpointslice.kubernetes.io/skip-mirror")
                .is_some_and(|v| v == "true")
        {
            continue;
        }
        slices.extend(mirror(c, ep));
    }
    c.objects.endpoint_slices.extend(slices);
    c.objects.endpoints.extend(eps);
}

fn has_selector(s: &Service) -> bool {
    s.spec.type_ != ServiceType::ExternalName
        && s.spec.selector.as_ref().is_some_and(|m| !m.is_empty())
}
