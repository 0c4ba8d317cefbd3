//! What kube-proxy builds from the API objects before it writes any rule, for inspection and
//! upstream's tracker tests: the `ServicePortMap` (`pkg/proxy/servicechangetracker.go`
//! `serviceToServiceMap`, `pkg/proxy/serviceport.go` `newBaseServiceInfo`) and the
//! `EndpointsMap` (`pkg/proxy/endpointslicecache.go` `endpointInfoByServicePort`,
//! `addEndpoints`, `endpointsMapFromEndpointInfo`). Both modes share them; the rules are
//! generated from exactly these values ([`super::ports`]).

use std::collections::BTreeMap;
use std::net::IpAddr;

use super::names::service_port_name;
use super::ports::{add_endpoints, address_type, service_ports, slices_by_service, valid_port, Ep};
use super::NodeInfo;
use crate::model::{EndpointSlice, IpFamily, Protocol, Service};

/// One entry of the `ServicePortMap` (`BaseServicePortInfo`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ServicePortInfo {
    /// `ServicePortName.String()`: `ns/name` or `ns/name:port`.
    pub service_port: String,
    pub protocol: Protocol,
    pub cluster_ip: IpAddr,
    pub port: i32,
    /// 0 when the port has none.
    pub node_port: i32,
    /// 0 unless `NeedsHealthCheck` (LoadBalancer with externalTrafficPolicy Local).
    pub health_check_node_port: i32,
    /// `spec.externalIPs` of this family.
    pub external_ips: Vec<IpAddr>,
    /// `LoadBalancerVIPs`: status ingress IPs of this family whose `ipMode` is VIP (or unset).
    pub load_balancer_vips: Vec<IpAddr>,
    /// `loadBalancerSourceRanges` of this family, trimmed and parsed (`a.b.c.d/n`).
    pub load_balancer_source_ranges: Vec<String>,
    pub external_policy_local: bool,
    pub internal_policy_local: bool,
}

/// The `ServicePortMap` kube-proxy of `family` builds from `services`: Services it skips
/// (`ShouldSkipService`: headless, ExternalName, no cluster IP of this family) have no entry.
/// In `ServicePortName` order.
pub fn service_port_map(services: &[Service], family: IpFamily) -> Vec<ServicePortInfo> {
    let mut notes = Vec::new();
    service_ports(services, family, &mut notes)
        .iter()
        .map(|sp| ServicePortInfo {
            service_port: sp.spn.clone(),
            protocol: sp.protocol,
            cluster_ip: sp.cluster_ip,
            port: sp.port,
            node_port: sp.node_port,
            health_check_node_port: sp.health_check_node_port,
            external_ips: sp.external_ips.clone(),
            load_balancer_vips: sp.lb_ips.clone(),
            load_balancer_source_ranges: sp.source_ranges.iter().map(ToString::to_string).collect(),
            external_policy_local: sp.external_local,
            internal_policy_local: sp.internal_local,
        })
        .collect()
}

/// One endpoint of an `EndpointsMap` entry (`BaseEndpointInfo`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EndpointInfo {
    /// `Endpoint.String()`: `ip:port` (`[ip]:port` for IPv6).
    pub endpoint: String,
    /// `IsLocal()`: the endpoint's `nodeName` is this node.
    pub is_local: bool,
    pub ready: bool,
    pub serving: bool,
    pub terminating: bool,
}

/// One entry of the `EndpointsMap`: a service port name (from the slices' port names; no
/// Service needed) and its endpoints in `Endpoint.String()` byte order (`byEndpoint`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EndpointsMapEntry {
    /// `ServicePortName.String()`: `ns/name` or `ns/name:port`.
    pub service_port: String,
    pub protocol: Protocol,
    pub endpoints: Vec<EndpointInfo>,
}

/// The `EndpointsMap` kube-proxy of `family` on `node` builds from `slices`: every named port
/// (`name` and a non-zero `port` set) of every slice of this address type, merged across a
/// Service's slices and deduplicated by `ip:port`. Ports without endpoints have no entry. In
/// `ServicePortName` order.
pub fn endpoints_map(
    slices: &[EndpointSlice],
    node: &NodeInfo,
    family: IpFamily,
) -> Vec<EndpointsMapEntry> {
    let mut map: BTreeMap<(String, Protocol), BTreeMap<String, Ep>> = BTreeMap::new();
    for ((ns, svc), list) in slices_by_service(slices) {
        for slice in list.iter().filter(|s| s.address_type == address_type(family)) {
            for port in &slice.ports {
                let (Some(name), Some(num)) = (port.name.as_deref(), port.port) else {
                    continue;
                };
                if !valid_port(num) {
                    continue;
                }
                let key = (service_port_name(ns, svc, name), port.protocol);
                let set = map.entry(key).or_default();
                add_endpoints(slice, num, node, family, &|_| String::new(), set);
            }
        }
    }
    map.into_iter()
        .filter(|(_, set)| !set.is_empty())
        .map(|((service_port, protocol), set)| EndpointsMapEntry {
            service_port,
            protocol,
            endpoints: set.into_values().map(endpoint_info).collect(),
        })
        .collect()
}

fn endpoint_info(e: Ep) -> EndpointInfo {
    EndpointInfo {
        endpoint: e.text,
        is_local: e.local,
        ready: e.ready,
        serving: e.serving,
        terminating: e.terminating,
    }
}

/// `EndpointsMap.LocalReadyEndpoints`: per Service (`ns/name`), how many distinct IPs of ready
/// endpoints on this node its ports have (what the health-check node port reports as
/// `localEndpoints`).
pub fn local_ready_endpoints(map: &[EndpointsMapEntry]) -> BTreeMap<String, usize> {
    let mut ips: BTreeMap<String, std::collections::BTreeSet<&str>> = BTreeMap::new();
    for entry in map {
        let svc = entry.service_port.split(':').next().unwrap_or_default().to_string();
        for e in entry.endpoints.iter().filter(|e| e.is_local && e.ready) {
            let ip = e.endpoint.rsplit_once(':').map_or(e.endpoint.as_str(), |(ip, _)| ip);
            ips.entry(svc.clone()).or_default().insert(ip);
        }
    }
    ips.into_iter().map(|(k, v)| (k, v.len())).collect()
}
