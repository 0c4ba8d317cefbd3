//! What kube-proxy knows before it writes a rule, shared by the iptables and nftables modes:
//! the service ports (`ServicePortMap`), their endpoints (`EndpointsMap`) and the endpoints each
//! traffic policy uses on this node (`CategorizeEndpoints`).
//!
//! Upstream: `pkg/proxy/serviceport.go` (`newBaseServiceInfo`, `ExternallyAccessible`,
//! `UsesClusterEndpoints`, `UsesLocalEndpoints`, `LoadBalancerVIPs`), `pkg/proxy/util/utils.go`
//! (`ShouldSkipService`), `pkg/proxy/endpointslicecache.go` (endpoint collection, dedup, zone and
//! node hints, `ip:port` string order) and `pkg/proxy/topology.go` (`CategorizeEndpoints`,
//! `topologyModeFromHints`, `availableForTopology`).

use std::collections::BTreeMap;
use std::net::IpAddr;

use super::names::{join_host_port, service_port_name};
use super::{NodeInfo, Note};
use crate::model::{EndpointSlice, IpFamily, Protocol, Service, ServiceType, TrafficPolicy};
use crate::net::Cidr;

/// One usable endpoint of a service port (`BaseEndpointInfo`).
#[derive(Clone, Debug)]
pub(super) struct Ep {
    pub ip: IpAddr,
    /// `ip:port` (`[ip]:port` for IPv6): the sort key and the DNAT destination.
    pub text: String,
    pub ready: bool,
    pub serving: bool,
    pub terminating: bool,
    pub local: bool,
    /// `hints.forZones[].name` (`ZoneHints()`).
    pub zone_hints: Vec<String>,
    /// `hints.forNodes[].name` (`NodeHints()`).
    pub node_hints: Vec<String>,
    /// The mode's per-endpoint chain (`KUBE-SEP-…` or `endpoint-…`).
    pub chain: String,
}

/// Per service port, everything `syncProxyRules` reads from `servicePortInfo`.
pub(super) struct SvcPort<'a> {
    pub svc: &'a Service,
    /// `ServicePortName.String()`: `ns/name` or `ns/name:port`.
    pub spn: String,
    /// The Service port's name (may be empty).
    pub port_name: &'a str,
    pub protocol: Protocol,
    pub proto: &'static str,
    pub cluster_ip: IpAddr,
    pub port: i32,
    pub node_port: i32,
    pub health_check_node_port: i32,
    pub external_ips: Vec<IpAddr>,
    pub lb_ips: Vec<IpAddr>,
    pub source_ranges: Vec<Cidr>,
    pub affinity_timeout: Option<i32>,
    pub internal_local: bool,
    pub external_local: bool,
}

impl SvcPort<'_> {
    /// Upstream `ExternallyAccessible`: a NodePort, load-balancer VIPs or externalIPs.
    pub(super) fn externally_accessible(&self) -> bool {
        self.node_port != 0 || !self.lb_ips.is_empty() || !self.external_ips.is_empty()
    }
    /// Upstream `UsesClusterEndpoints`: Cluster policy somewhere, or the eTP=Local
    /// short-circuit rules (which jump to the cluster chain).
    pub(super) fn uses_cluster_endpoints(&self) -> bool {
        !self.internal_local || self.externally_accessible()
    }
    /// Upstream `UsesLocalEndpoints`.
    pub(super) fn uses_local_endpoints(&self) -> bool {
        self.internal_local || (self.external_local && self.externally_accessible())
    }
}

pub(super) fn family_matches(ip: IpAddr, family: IpFamily) -> bool {
    IpFamily::of(ip) == family
}

pub(super) fn valid_port(p: i32) -> bool {
    (1..=65535).contains(&p)
}

/// The service ports kube-proxy programs for `family`, in `ServicePortName` order (upstream
/// visits a Go map; only the order within one chain is meaningful, and sorting keeps the output
/// deterministic). Skipped input becomes a [`Note`].
pub(super) fn service_ports<'a>(
    services: &'a [Service],
    family: IpFamily,
    notes: &mut Vec<Note>,
) -> Vec<SvcPort<'a>> {
    let mut out: Vec<SvcPort<'a>> = Vec::new();
    for svc in services {
        service_ports_of(svc, family, notes, &mut out);
    }
    crate::sort::sort_by(&mut out, |a, b| (&a.spn, a.proto).cmp(&(&b.spn, b.proto)));
    out
}

fn service_ports_of<'a>(
    svc: &'a Service,
    family: IpFamily,
    notes: &mut Vec<Note>,
    out: &mut Vec<SvcPort<'a>>,
) {
    let obj = format!("Service {}/{}", svc.meta.namespace, svc.meta.name);
    // `ShouldSkipService`: no cluster IP (headless, none set) or ExternalName.
    if svc.spec.type_ == ServiceType::ExternalName || svc.spec.headless {
        return;
    }
    let Some(cluster_ip) =
        svc.spec.cluster_ips.iter().copied().find(|ip| family_matches(*ip, family))
    else {
        return;
    };
    let external_ips: Vec<IpAddr> =
        svc.spec.external_ips.iter().copied().filter(|ip| family_matches(*ip, family)).collect();
    // `LoadBalancerVIPs` (pkg/proxy/serviceport.go): every status ingress IP of this family,
    // whatever the Service type (the type is not checked upstream either), except entries
    // whose `ipMode` is not VIP (`proxyutil.IsVIPMode`: unset means VIP; LoadBalancerIPMode is
    // GA, so `Proxy` entries get no rules; TestLoadBalancerIngressRouteTypeProxy).
    let lb_ips: Vec<IpAddr> = svc
        .status
        .load_balancer_ingress
        .iter()
        .filter(|i| i.ip_mode.as_deref().is_none_or(|m| m == "VIP"))
        .filter_map(|i| i.ip)
        .filter(|ip| family_matches(*ip, family))
        .collect();
    let mut source_ranges = Vec::new();
    // `proxyutil.MapCIDRsByIPFamily`: each entry trimmed, then `netutils.ParseCIDRSloppy`.
    for r in &svc.spec.load_balancer_source_ranges {
        match Cidr::parse_sloppy(r.trim()) {
            Some(c) if c.is_ipv4() == (family == IpFamily::IPv4) => source_ranges.push(c),
            Some(_) => {}
            None => notes.push(Note::new(
                "proxy-invalid-source-range",
                &obj,
                format!(
                    "loadBalancerSourceRanges entry {r:?} is not a CIDR; kube-proxy ignores it"
                ),
            )),
        }
    }
    let accessible_svc =
        matches!(svc.spec.type_, ServiceType::LoadBalancer | ServiceType::NodePort)
            || !svc.spec.external_ips.is_empty();
    let external_local =
        accessible_svc && svc.spec.external_traffic_policy == Some(TrafficPolicy::Local);
    let internal_local = svc.spec.internal_traffic_policy == Some(TrafficPolicy::Local);
    let needs_health_check = svc.spec.type_ == ServiceType::LoadBalancer && external_local;
    let affinity_timeout = (svc.spec.session_affinity == "ClientIP")
        .then(|| svc.spec.session_affinity_timeout.unwrap_or(10800));
    for p in &svc.spec.ports {
        if !valid_port(p.port) {
            notes.push(Note::new(
                "proxy-invalid-port",
                &obj,
                format!(
                    "port {} of {obj} is outside 1-65535 (the API server refuses such a Service); no rule is simulated for it",
                    p.port
                ),
            ));
            continue;
        }
        let node_port = match p.node_port {
            Some(np) if valid_port(np) => np,
            Some(0) | None => 0,
            Some(np) => {
                notes.push(Note::new(
                    "proxy-invalid-port",
                    &obj,
                    format!(
                        "nodePort {np} of {obj} is outside 1-65535; no NodePort rule is written"
                    ),
                ));
                0
            }
        };
        let health_check_node_port = match svc.spec.health_check_node_port {
            Some(h) if needs_health_check && valid_port(h) => h,
            _ => 0,
        };
        out.push(SvcPort {
            svc,
            spn: service_port_name(&svc.meta.namespace, &svc.meta.name, &p.name),
            port_name: &p.name,
            protocol: p.protocol,
            proto: p.protocol.lower(),
            cluster_ip,
            port: p.port,
            node_port,
            health_check_node_port,
            external_ips: external_ips.clone(),
            lb_ips: lb_ips.clone(),
            source_ranges: source_ranges.clone(),
            affinity_timeout,
            internal_local,
            external_local,
        });
    }
}

/// The endpoints of every service port (`EndpointsMap`), each list in `ip:port` byte order as
/// upstream's `byEndpoint` sort. `chain_of(port, "ip:port")` names the per-endpoint chain.
pub(super) fn endpoints(
    ports: &[SvcPort<'_>],
    slices: &[EndpointSlice],
    node: &NodeInfo,
    family: IpFamily,
    notes: &mut Vec<Note>,
    chain_of: impl Fn(&SvcPort<'_>, &str) -> String,
) -> Vec<Vec<Ep>> {
    let by_service = slices_by_service(slices);
    let family_str = address_type(family);
    let mut out: Vec<Vec<Ep>> = Vec::with_capacity(ports.len());
    for sp in ports {
        let mut set: BTreeMap<String, Ep> = BTreeMap::new();
        let key = (sp.svc.meta.namespace.as_str(), sp.svc.meta.name.as_str());
        for slice in by_service.get(&key).map(Vec::as_slice).unwrap_or_default() {
            if slice.address_type != family_str {
                continue;
            }
            slice_endpoints(sp, slice, node, family, notes, &chain_of, &mut set);
        }
        // BTreeMap iteration is the byte order of `ip:port`, i.e. upstream's `byEndpoint` sort.
        out.push(set.into_values().collect());
    }
    out
}

/// The slices of each Service (`kubernetes.io/service-name` label) by (namespace, service
/// name), each list in slice-name order (upstream `endpointSliceCacheKeys`).
pub(super) fn slices_by_service(
    slices: &[EndpointSlice],
) -> BTreeMap<(&str, &str), Vec<&EndpointSlice>> {
    let mut by_service: BTreeMap<(&str, &str), Vec<&EndpointSlice>> = BTreeMap::new();
    for s in slices {
        if let Some(name) = s.service_name() {
            by_service.entry((s.meta.namespace.as_str(), name)).or_default().push(s);
        }
    }
    for v in by_service.values_mut() {
        crate::sort::sort_by(v, |a, b| a.meta.name.cmp(&b.meta.name));
    }
    by_service
}

/// The EndpointSlice `addressType` kube-proxy of `family` reads.
pub(super) fn address_type(family: IpFamily) -> &'static str {
    match family {
        IpFamily::IPv4 => "IPv4",
        IpFamily::IPv6 => "IPv6",
    }
}

fn slice_endpoints(
    sp: &SvcPort<'_>,
    slice: &EndpointSlice,
    node: &NodeInfo,
    family: IpFamily,
    notes: &mut Vec<Note>,
    chain_of: &impl Fn(&SvcPort<'_>, &str) -> String,
    set: &mut BTreeMap<String, Ep>,
) {
    for port in &slice.ports {
        let (Some(name), Some(num)) = (port.name.as_deref(), port.port) else {
            continue;
        };
        if name != sp.port_name || port.protocol != sp.protocol {
            continue;
        }
        if !valid_port(num) {
            notes.push(Note::new(
                "proxy-invalid-port",
                &format!("EndpointSlice {}/{}", slice.meta.namespace, slice.meta.name),
                format!("endpoint port {num} is outside 1-65535; kube-proxy ignores it"),
            ));
            continue;
        }
        add_endpoints(slice, num, node, family, &|text| chain_of(sp, text), set);
    }
}

/// `addEndpoints` (pkg/proxy/endpointslicecache.go) for one port of one slice: the first
/// address of each endpoint of this family, keyed by `ip:port`. `chain` names the per-endpoint
/// chain from the `ip:port` text.
pub(super) fn add_endpoints(
    slice: &EndpointSlice,
    num: i32,
    node: &NodeInfo,
    family: IpFamily,
    chain: &dyn Fn(&str) -> String,
    set: &mut BTreeMap<String, Ep>,
) {
    for e in &slice.endpoints {
        let Some(ip) = e.addresses.first().copied() else {
            continue;
        };
        if !family_matches(ip, family) {
            continue;
        }
        let text = join_host_port(ip, i64::from(num));
        let hints = e.hints.as_ref();
        let ep = Ep {
            ip,
            chain: chain(&text),
            text: text.clone(),
            ready: e.conditions.ready.unwrap_or(true),
            serving: e.conditions.serving.unwrap_or(true),
            terminating: e.conditions.terminating.unwrap_or(false),
            local: e.node_name.as_deref() == Some(node.name.as_str()),
            zone_hints: hints.map(|h| h.for_zones.clone()).unwrap_or_default(),
            node_hints: hints.map(|h| h.for_nodes.clone()).unwrap_or_default(),
        };
        // Duplicate `ip:port` (an endpoint moving between slices, or a Pod IP reused while
        // the old Pod terminates): a later non-terminating copy wins
        // (endpointslicecache.go addEndpoints: `!exists || !terminating`).
        if !set.contains_key(&text) || !ep.terminating {
            set.insert(text, ep);
        }
    }
}

/// Topology-aware routing mode (`topologyModeFromHints`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum TopologyMode {
    /// No filtering: every ready endpoint.
    None,
    PreferSameZone,
    PreferSameNode,
}

/// `topologyModeFromHints`: only ready endpoints count. PreferSameNode when the
/// `PreferSameTrafficDistribution` gate is on (`prefer_same_node`; v1.34+), every ready endpoint
/// has a node hint and one is for this node; else PreferSameZone when every ready endpoint has
/// a zone hint and one is for this node's zone; else no filtering (a hint missing anywhere, the
/// node's zone not represented, or a node without a zone label). With the gate off node hints
/// are ignored (TestCategorizeEndpoints "PreferSameNode falls back to same-zone when feature
/// gate disabled").
pub(super) fn topology_mode(eps: &[Ep], node: &NodeInfo, prefer_same_node: bool) -> TopologyMode {
    let zone = node.zone.as_deref().unwrap_or_default();
    let mut for_node = false;
    let mut all_node_hints = true;
    let mut for_zone = false;
    let mut all_zone_hints = true;
    for e in eps.iter().filter(|e| e.ready) {
        if e.node_hints.is_empty() {
            all_node_hints = false;
        } else if e.node_hints.contains(&node.name) {
            for_node = true;
        }
        if e.zone_hints.is_empty() {
            all_zone_hints = false;
        } else if e.zone_hints.iter().any(|z| z == zone) {
            for_zone = true;
        }
    }
    if prefer_same_node && all_node_hints && for_node {
        TopologyMode::PreferSameNode
    } else if all_zone_hints && for_zone {
        TopologyMode::PreferSameZone
    } else {
        TopologyMode::None
    }
}

/// `availableForTopology`: no fallback here; the fallback happened when the mode was chosen.
fn available_for_topology(e: &Ep, mode: TopologyMode, node: &NodeInfo) -> bool {
    match mode {
        TopologyMode::None => true,
        TopologyMode::PreferSameNode => e.node_hints.contains(&node.name),
        TopologyMode::PreferSameZone => {
            let zone = node.zone.as_deref().unwrap_or_default();
            e.zone_hints.iter().any(|z| z == zone)
        }
    }
}

/// The result of `CategorizeEndpoints`.
pub(super) struct Categorized<'a> {
    /// Endpoints for Cluster traffic policy (topology-filtered; empty when unused).
    pub cluster: Vec<&'a Ep>,
    /// Endpoints for Local traffic policy (empty when unused).
    pub local: Vec<&'a Ep>,
    /// Every endpoint reachable from this node (the union), in `ip:port` order.
    pub reachable: Vec<&'a Ep>,
    /// Whether the service has usable endpoints anywhere in the cluster.
    pub has_any: bool,
    pub topology: TopologyMode,
}

/// `CategorizeEndpoints`: ready endpoints (topology-filtered for Cluster policy), falling back to
/// serving and terminating ones (ignoring topology), independently for the Cluster and the Local
/// set; Local ignores hints.
pub(super) fn categorize<'a>(
    eps: &'a [Ep],
    sp: &SvcPort<'_>,
    node: &NodeInfo,
    prefer_same_node: bool,
) -> Categorized<'a> {
    let mut out = Categorized {
        cluster: Vec::new(),
        local: Vec::new(),
        reachable: Vec::new(),
        has_any: false,
        topology: TopologyMode::None,
    };
    if sp.uses_cluster_endpoints() {
        out.topology = topology_mode(eps, node, prefer_same_node);
        out.cluster = eps
            .iter()
            .filter(|e| e.ready && available_for_topology(e, out.topology, node))
            .collect();
        if out.cluster.is_empty() {
            out.cluster = eps.iter().filter(|e| e.serving && e.terminating).collect();
        }
        out.has_any = !out.cluster.is_empty();
    }
    if !sp.uses_local_endpoints() {
        out.reachable = out.cluster.clone();
        return out;
    }
    let mut local_ready = false;
    let mut local_st = false;
    for e in eps {
        if e.ready {
            out.has_any = true;
            local_ready |= e.local;
        } else if e.serving && e.terminating {
            out.has_any = true;
            local_st |= e.local;
        }
    }
    if local_ready {
        out.local = eps.iter().filter(|e| e.local && e.ready).collect();
    } else if local_st {
        out.local = eps.iter().filter(|e| e.local && e.serving && e.terminating).collect();
    }
    if !sp.uses_cluster_endpoints() {
        out.reachable = out.local.clone();
        return out;
    }
    // Union, in `ip:port` order (upstream builds it from a map; order is not significant).
    let mut all: BTreeMap<&str, &Ep> = BTreeMap::new();
    for e in out.cluster.iter().chain(out.local.iter()) {
        all.insert(e.text.as_str(), e);
    }
    out.reachable = all.into_values().collect();
    out
}

/// What `CategorizeEndpoints` returns for one service port on one node, as endpoint strings
/// (`ip:port`, upstream `Endpoint.String()`), for inspection and upstream's
/// `TestCategorizeEndpoints` (`pkg/proxy/topology_test.go`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CategorizedPort {
    /// `ServicePortName.String()` (`ns/name` or `ns/name:port`) and the protocol.
    pub service_port: String,
    pub protocol: Protocol,
    /// `clusterEndpoints`; `None` when the port never uses Cluster traffic policy (upstream nil).
    pub cluster: Option<Vec<String>>,
    /// `localEndpoints`; `None` when the port never uses Local traffic policy (upstream nil).
    pub local: Option<Vec<String>>,
    /// `allReachableEndpoints`, in `ip:port` order.
    pub reachable: Vec<String>,
    /// `hasAnyEndpoints`.
    pub has_any: bool,
    /// The mode `topologyModeFromHints` chose: `""`, `PreferSameZone` or `PreferSameNode`.
    pub topology: &'static str,
}

/// `CategorizeEndpoints` for every port of `services` in `cfg.ip_family`, as the node's
/// kube-proxy computes it before writing rules (both modes share it).
pub fn categorize_endpoints(
    services: &[Service],
    slices: &[EndpointSlice],
    node: &NodeInfo,
    cfg: &super::ProxyConfig,
) -> Vec<CategorizedPort> {
    let family = cfg.ip_family;
    let mut notes = Vec::new();
    let ports = service_ports(services, family, &mut notes);
    let eps = endpoints(&ports, slices, node, family, &mut notes, |_, _| String::new());
    let texts = |v: &[&Ep]| v.iter().map(|e| e.text.clone()).collect::<Vec<_>>();
    ports
        .iter()
        .zip(&eps)
        .map(|(sp, eps)| {
            let c = categorize(eps, sp, node, cfg.prefer_same_traffic_distribution);
            CategorizedPort {
                service_port: sp.spn.clone(),
                protocol: sp.protocol,
                cluster: sp.uses_cluster_endpoints().then(|| texts(&c.cluster)),
                local: sp.uses_local_endpoints().then(|| texts(&c.local)),
                reachable: texts(&c.reachable),
                has_any: c.has_any,
                topology: match c.topology {
                    TopologyMode::None => "",
                    TopologyMode::PreferSameZone => "PreferSameZone",
                    TopologyMode::PreferSameNode => "PreferSameNode",
                },
            }
        })
        .collect()
}
