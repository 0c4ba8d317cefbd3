//! Defaulting as the API server does it before validation (`pkg/apis/core/v1/defaults.go`
//! `SetDefaults_Service`, `SetDefaults_Pod`, `SetDefaults_PodSpec`, `SetDefaults_ContainerPort`;
//! `pkg/apis/apps/v1/defaults.go` for replicas), and the conversion of the raw shapes into the
//! model. IP families, cluster IPs and NodePorts are allocated by the cluster stage, not here.

use std::net::IpAddr;

use super::kinds::{parse_protocol, RawContainer, RawPodSpec, RawService};
use crate::model::*;

/// NetworkPolicy and ClusterNetworkPolicy.
pub(crate) mod policy;

/// Namespaced objects without a namespace go to `default` (what kubectl does with no `-n`).
pub(crate) fn namespace(meta: &mut ObjectMeta) {
    if meta.namespace.is_empty() {
        meta.namespace = "default".to_string();
    }
}

/// `SetDefaults_PodSpec` + `SetDefaults_ContainerPort` (+ `SetDefaults_Pod`'s host-network
/// ports for Pods: `hostPort` = `containerPort` when unset).
pub(crate) fn pod_spec(spec: &mut RawPodSpec, is_pod: bool) {
    if spec.spec.dns_policy.is_empty() {
        spec.spec.dns_policy = "ClusterFirst".to_string();
    }
    if spec.spec.restart_policy.is_empty() {
        spec.spec.restart_policy = "Always".to_string();
    }
    let host_network = spec.spec.host_network;
    for c in spec.containers.iter_mut().chain(spec.init_containers.iter_mut()) {
        for p in &mut c.ports {
            if p.protocol.as_deref().is_none_or(str::is_empty) {
                p.protocol = Some("TCP".to_string());
            }
            if is_pod && host_network && p.host_port.is_none_or(|h| h == 0) {
                p.host_port = Some(p.container_port);
            }
        }
    }
}

fn container_model(c: RawContainer) -> Container {
    Container {
        name: c.name,
        image: c.image,
        ports: c
            .ports
            .into_iter()
            .map(|p| ContainerPort {
                name: p.name.filter(|n| !n.is_empty()),
                container_port: p.container_port,
                protocol: p.protocol.as_deref().and_then(parse_protocol).unwrap_or(Protocol::Tcp),
                host_port: p.host_port.filter(|&h| h != 0),
            })
            .collect(),
        restart_policy: c.restart_policy,
        command: c.command,
        args: c.args,
        env: c
            .env
            .into_iter()
            .map(|e| crate::model::EnvVar { name: e.name, value: e.value, value_from: e.source })
            .collect(),
        // `SetDefaults_Pod`: a resource with a limit and no request is requested at its limit.
        requests: {
            let mut requests = c.requests;
            for (name, q) in &c.limits {
                if !requests.iter().any(|(n, _)| n == name) {
                    requests.push((name.clone(), q.clone()));
                }
            }
            requests
        },
        limits: c.limits,
    }
}

pub(crate) fn pod_spec_model(raw: RawPodSpec) -> PodSpec {
    let mut spec = raw.spec;
    spec.containers = raw.containers.into_iter().map(container_model).collect();
    spec.init_containers = raw.init_containers.into_iter().map(container_model).collect();
    spec
}

/// `service.ExternallyAccessible` (`pkg/api/v1/service/util.go`).
pub(crate) fn externally_accessible(svc: &RawService) -> bool {
    match svc.type_.as_deref() {
        Some("LoadBalancer" | "NodePort") => true,
        Some("ClusterIP") => !svc.external_ips.is_empty(),
        _ => false,
    }
}

/// `SetDefaults_Service`, plus the registry's `normalizeClusterIPs` (clusterIP ⇄ clusterIPs[0]),
/// which runs in `PrepareForCreate` before validation.
pub(crate) fn service(svc: &mut RawService) {
    if svc.session_affinity.as_deref().is_none_or(str::is_empty) {
        svc.session_affinity = Some("None".to_string());
    }
    match svc.session_affinity.as_deref() {
        Some("None") => {
            svc.session_affinity_timeout = None;
            svc.has_session_affinity_config = false;
        }
        Some("ClientIP") if svc.session_affinity_timeout.is_none() => {
            svc.session_affinity_timeout = Some(10800);
        }
        _ => {}
    }
    if svc.type_.as_deref().is_none_or(str::is_empty) {
        svc.type_ = Some("ClusterIP".to_string());
    }
    for p in &mut svc.ports {
        if p.protocol.as_deref().is_none_or(str::is_empty) {
            p.protocol = Some("TCP".to_string());
        }
        let unset = match &p.target_port {
            None => true,
            Some(IntOrString::Int(0)) => true,
            Some(IntOrString::Str(s)) => s.is_empty(),
            _ => false,
        };
        if unset {
            p.target_port = Some(IntOrString::Int(p.port));
        }
    }
    if externally_accessible(svc)
        && svc.external_traffic_policy.as_deref().is_none_or(str::is_empty)
    {
        svc.external_traffic_policy = Some("Cluster".to_string());
    }
    if svc.internal_traffic_policy.is_none()
        && matches!(svc.type_.as_deref(), Some("NodePort" | "LoadBalancer" | "ClusterIP"))
    {
        svc.internal_traffic_policy = Some("Cluster".to_string());
    }
    if svc.type_.as_deref() == Some("LoadBalancer")
        && svc.allocate_load_balancer_node_ports.is_none()
    {
        svc.allocate_load_balancer_node_ports = Some(true);
    }
    // normalizeClusterIPs (pkg/registry/core/service/storage/storage.go) on create: the plural
    // from the singular for an old client; never the singular from the plural ("new client
    // must use both fields"): `clusterIPs` alone is refused, "must be empty when `clusterIP`
    // is not specified" (`ValidateServiceClusterIPsRelatedFields`).
    if let Some(ip) = svc.cluster_ip.clone().filter(|s| !s.is_empty()) {
        if svc.cluster_ips.is_empty() {
            svc.cluster_ips = vec![ip];
        }
    }
}

fn traffic_policy(s: Option<&str>) -> Option<TrafficPolicy> {
    match s? {
        "Local" => Some(TrafficPolicy::Local),
        "Cluster" => Some(TrafficPolicy::Cluster),
        _ => Some(TrafficPolicy::Cluster),
    }
}

/// Converts a defaulted (and validated) raw Service into the model. Invalid values fall back to
/// their default so that the rest of the cluster still simulates (see the module docs).
pub(crate) fn service_model(svc: RawService) -> Service {
    let type_ = match svc.type_.as_deref() {
        Some("NodePort") => ServiceType::NodePort,
        Some("LoadBalancer") => ServiceType::LoadBalancer,
        Some("ExternalName") => ServiceType::ExternalName,
        _ => ServiceType::ClusterIP,
    };
    let headless = svc.cluster_ip.as_deref() == Some("None")
        || svc.cluster_ips.first().map(String::as_str) == Some("None");
    let cluster_ips: Vec<IpAddr> = if headless || type_ == ServiceType::ExternalName {
        Vec::new()
    } else {
        svc.cluster_ips.iter().filter_map(|s| super::validate::parse_ip_sloppy(s)).collect()
    };
    let ip_families = svc
        .ip_families
        .iter()
        .filter_map(|f| match f.as_str() {
            "IPv4" => Some(IpFamily::IPv4),
            "IPv6" => Some(IpFamily::IPv6),
            _ => None,
        })
        .collect();
    let ports = svc
        .ports
        .into_iter()
        .map(|p| ServicePort {
            name: p.name,
            protocol: p.protocol.as_deref().and_then(parse_protocol).unwrap_or(Protocol::Tcp),
            port: p.port,
            target_port: p.target_port.unwrap_or(IntOrString::Int(p.port)),
            node_port: (p.node_port != 0).then_some(p.node_port),
            app_protocol: p.app_protocol,
        })
        .collect();
    Service {
        meta: svc.meta,
        spec: ServiceSpec {
            type_,
            selector: svc.selector,
            ports,
            headless,
            cluster_ips,
            ip_families,
            ip_family_policy: if type_ == ServiceType::ExternalName {
                String::new()
            } else {
                svc.ip_family_policy.unwrap_or_default()
            },
            external_ips: svc
                .external_ips
                .iter()
                .filter_map(|s| super::validate::parse_ip_sloppy(s))
                .collect(),
            external_name: svc.external_name.filter(|s| !s.is_empty()),
            session_affinity: match svc.session_affinity.as_deref() {
                Some("ClientIP") => "ClientIP".to_string(),
                _ => "None".to_string(),
            },
            session_affinity_timeout: if svc.session_affinity.as_deref() == Some("ClientIP") {
                svc.session_affinity_timeout
            } else {
                None
            },
            external_traffic_policy: traffic_policy(svc.external_traffic_policy.as_deref()),
            internal_traffic_policy: if type_ == ServiceType::ExternalName {
                None
            } else {
                traffic_policy(svc.internal_traffic_policy.as_deref())
                    .or(Some(TrafficPolicy::Cluster))
            },
            health_check_node_port: (svc.health_check_node_port != 0)
                .then_some(svc.health_check_node_port),
            load_balancer_ip: svc
                .load_balancer_ip
                .as_deref()
                .and_then(super::validate::parse_ip_sloppy),
            load_balancer_source_ranges: svc.load_balancer_source_ranges,
            allocate_load_balancer_node_ports: svc.allocate_load_balancer_node_ports,
            publish_not_ready_addresses: svc.publish_not_ready_addresses,
            load_balancer_class: svc.load_balancer_class,
            traffic_distribution: svc.traffic_distribution.filter(|t| !t.is_empty()),
        },
        status: svc.status,
    }
}
