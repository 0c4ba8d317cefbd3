//! A summary of the built cluster for pages that draw it without our UI (the JS package's
//! `simulate` answer): nodes, Pods with their IPs and containers, Services with their addresses,
//! ports and endpoints.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::cluster::Cluster;
use crate::model::{IntOrString, Pod, Protocol, ServiceType};

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct ClusterSummary {
    pub nodes: Vec<NodeSummary>,
    pub pods: Vec<PodSummary>,
    pub services: Vec<ServiceSummary>,
    pub dns_domain: String,
    #[serde(rename = "clusterDNS")]
    pub cluster_dns: Vec<String>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct NodeSummary {
    pub name: String,
    pub ready: bool,
    #[serde(rename = "internalIPs")]
    pub internal_ips: Vec<String>,
    #[serde(rename = "podCIDRs")]
    pub pod_cidrs: Vec<String>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct ContainerSummary {
    pub name: String,
    pub ports: Vec<ContainerPortSummary>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct ContainerPortSummary {
    pub name: Option<String>,
    pub port: i32,
    pub protocol: Protocol,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct PodSummary {
    pub namespace: String,
    pub name: String,
    pub node: Option<String>,
    pub ips: Vec<String>,
    pub phase: String,
    pub ready: bool,
    pub labels: BTreeMap<String, String>,
    pub containers: Vec<ContainerSummary>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(untagged)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub enum PortRef {
    Number(i32),
    Name(String),
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct ServicePortSummary {
    pub name: String,
    pub protocol: Protocol,
    pub port: i32,
    pub target_port: PortRef,
    pub node_port: Option<i32>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct EndpointSummary {
    pub ip: String,
    pub ready: bool,
    pub node: Option<String>,
    pub pod: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct ServiceSummary {
    pub namespace: String,
    pub name: String,
    #[serde(rename = "type")]
    pub type_: ServiceType,
    #[serde(rename = "clusterIPs")]
    pub cluster_ips: Vec<String>,
    pub headless: bool,
    pub external_name: Option<String>,
    #[serde(rename = "externalIPs")]
    pub external_ips: Vec<String>,
    pub load_balancer_ingress: Vec<String>,
    pub selector: Option<BTreeMap<String, String>>,
    pub ports: Vec<ServicePortSummary>,
    pub endpoints: Vec<EndpointSummary>,
    pub dns_name: String,
}

fn pod_ready(p: &Pod) -> bool {
    p.status.ready.unwrap_or(p.status.phase == "Running")
}

/// The built cluster in a few lines per object.
pub fn summary(c: &Cluster) -> ClusterSummary {
    let o = &c.objects;
    let domain = c.settings.dns_domain.trim_end_matches('.').to_string();
    let nodes = o
        .nodes
        .iter()
        .map(|n| NodeSummary {
            name: n.meta.name.clone(),
            ready: n.ready,
            internal_ips: n.internal_ips.iter().map(ToString::to_string).collect(),
            pod_cidrs: n.pod_cidrs.clone(),
        })
        .collect();
    let pods = o
        .pods
        .iter()
        .map(|p| PodSummary {
            namespace: p.meta.namespace.clone(),
            name: p.meta.name.clone(),
            node: p.spec.node_name.clone(),
            ips: p.status.pod_ips.iter().map(ToString::to_string).collect(),
            phase: p.status.phase.clone(),
            ready: pod_ready(p),
            labels: p.meta.labels.clone(),
            containers: p
                .spec
                .containers
                .iter()
                .map(|k| ContainerSummary {
                    name: k.name.clone(),
                    ports: k
                        .ports
                        .iter()
                        .map(|cp| ContainerPortSummary {
                            name: cp.name.clone(),
                            port: cp.container_port,
                            protocol: cp.protocol,
                        })
                        .collect(),
                })
                .collect(),
        })
        .collect();
    let services = o
        .services
        .iter()
        .map(|s| {
            let ns = &s.meta.namespace;
            let name = &s.meta.name;
            let endpoints = o
                .endpoint_slices
                .iter()
                .filter(|sl| sl.meta.namespace == *ns && sl.service_name() == Some(name.as_str()))
                .flat_map(|sl| &sl.endpoints)
                .flat_map(|e| {
                    e.addresses.iter().map(move |ip| EndpointSummary {
                        ip: ip.to_string(),
                        // EndpointSlice API: a nil ready condition means ready.
                        ready: e.conditions.ready.unwrap_or(true),
                        node: e.node_name.clone(),
                        pod: e
                            .target_ref
                            .as_ref()
                            .filter(|r| r.kind == "Pod")
                            .map(|r| r.name.clone()),
                    })
                })
                .collect();
            ServiceSummary {
                namespace: ns.clone(),
                name: name.clone(),
                type_: s.spec.type_,
                cluster_ips: s.spec.cluster_ips.iter().map(ToString::to_string).collect(),
                headless: s.spec.headless,
                external_name: s.spec.external_name.clone(),
                external_ips: s.spec.external_ips.iter().map(ToString::to_string).collect(),
                load_balancer_ingress: s
                    .status
                    .load_balancer_ingress
                    .iter()
                    .filter_map(|g| g.ip.map(|ip| ip.to_string()).or_else(|| g.hostname.clone()))
                    .collect(),
                selector: s.spec.selector.clone(),
                ports: s
                    .spec
                    .ports
                    .iter()
                    .map(|p| ServicePortSummary {
                        name: p.name.clone(),
                        protocol: p.protocol,
                        port: p.port,
                        target_port: match &p.target_port {
                            IntOrString::Int(n) => PortRef::Number(*n),
                            IntOrString::Str(s) => PortRef::Name(s.clone()),
                        },
                        node_port: p.node_port,
                    })
                    .collect(),
                endpoints,
                dns_name: format!("{name}.{ns}.svc.{domain}"),
            }
        })
        .collect();
    ClusterSummary {
        nodes,
        pods,
        services,
        dns_domain: domain,
        cluster_dns: c.settings.cluster_dns.iter().map(ToString::to_string).collect(),
    }
}
