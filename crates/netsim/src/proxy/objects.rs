//! Glue from a complete cluster (`model::Objects` after the cluster stage) to one node's rules:
//! picks the node, its local addresses and the KubeProxyConfiguration settings.

use std::fmt;
use std::net::{IpAddr, Ipv4Addr};

use super::{generate, NftablesSettings, NodeInfo, Note, ProxyConfig, ProxyMode, Ruleset};
use crate::model::{KubeProxyConfiguration, Objects};

/// The requested node does not exist.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UnknownNode {
    pub name: String,
    /// The nodes that do exist, in input order.
    pub known: Vec<String>,
}

impl fmt::Display for UnknownNode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.known.is_empty() {
            write!(f, "node \"{}\" not found: the input has no nodes", self.name)
        } else {
            write!(f, "node \"{}\" not found; nodes: {}", self.name, self.known.join(", "))
        }
    }
}

impl ProxyConfig {
    /// Settings from a KubeProxyConfiguration (unset fields keep kube-proxy's defaults).
    pub fn from_kube_proxy_configuration(k: &KubeProxyConfiguration) -> ProxyConfig {
        let d = ProxyConfig::default();
        ProxyConfig {
            cluster_cidr: k.cluster_cidr.clone().filter(|s| !s.is_empty()),
            masquerade_bit: k
                .masquerade_bit
                .and_then(|b| u32::try_from(b).ok())
                .filter(|b| *b <= 31)
                .unwrap_or(d.masquerade_bit),
            masquerade_all: k.masquerade_all.unwrap_or(d.masquerade_all),
            localhost_node_ports: k.localhost_node_ports.unwrap_or(d.localhost_node_ports),
            node_port_addresses: k.node_port_addresses.clone(),
            mode: ProxyMode::parse(k.mode.as_deref()).unwrap_or_default(),
            nftables: NftablesSettings {
                masquerade_bit: k
                    .nftables_masquerade_bit
                    .and_then(|b| u32::try_from(b).ok())
                    .filter(|b| *b <= 31)
                    .unwrap_or(d.nftables.masquerade_bit),
                masquerade_all: k.nftables_masquerade_all.unwrap_or(d.nftables.masquerade_all),
            },
            ..d
        }
    }
}

/// The node as kube-proxy sees it: its name and local addresses (InternalIP and ExternalIP
/// addresses, then the loopback address).
pub fn node_info(objects: &Objects, name: &str) -> Result<NodeInfo, UnknownNode> {
    let Some(node) = objects.nodes.iter().find(|n| n.meta.name == name) else {
        return Err(UnknownNode {
            name: name.to_string(),
            known: objects.nodes.iter().map(|n| n.meta.name.clone()).collect(),
        });
    };
    let mut ips: Vec<IpAddr> = node.internal_ips.clone();
    for ip in &node.external_ips {
        if !ips.contains(ip) {
            ips.push(*ip);
        }
    }
    ips.push(IpAddr::V4(Ipv4Addr::LOCALHOST));
    let zone = node.meta.labels.get(crate::cluster::ZONE_LABEL).filter(|z| !z.is_empty()).cloned();
    Ok(NodeInfo { name: name.to_string(), ips, zone })
}

/// One node's rules for a complete cluster, plus notes for endpoints that name no node or an
/// unknown node (kube-proxy treats them as remote).
pub fn rules_for_node(
    objects: &Objects,
    name: &str,
    cfg: &ProxyConfig,
) -> Result<(NodeInfo, Ruleset), UnknownNode> {
    let node = node_info(objects, name)?;
    let mut rs = generate(&objects.services, &objects.endpoint_slices, &node, cfg);
    // Only slices from the input: the built-in `default/kubernetes` slice has no nodeName on a
    // real cluster either (the API server endpoint is not a Pod).
    for s in objects.endpoint_slices.iter().filter(|s| s.meta.source.is_some()) {
        for e in &s.endpoints {
            let addr = e.addresses.first().map(|a| a.to_string()).unwrap_or_default();
            let object = format!("EndpointSlice {}/{}", s.meta.namespace, s.meta.name);
            match &e.node_name {
                None => rs.notes.push(Note::new(
                    "endpoint-without-node",
                    &object,
                    format!("endpoint {addr} has no nodeName; kube-proxy treats it as remote on every node"),
                )),
                Some(n) if !objects.nodes.iter().any(|x| &x.meta.name == n) => {
                    rs.notes.push(Note::new(
                        "endpoint-unknown-node",
                        &object,
                        format!("endpoint {addr} is on node \"{n}\", which does not exist; kube-proxy treats it as remote"),
                    ))
                }
                Some(_) => {}
            }
        }
    }
    Ok((node, rs))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Endpoint, EndpointSlice, Node, ObjectMeta};

    #[test]
    fn unknown_node_lists_nodes() {
        let mut o = Objects::default();
        o.nodes.push(Node {
            meta: ObjectMeta { name: "kind-worker".into(), ..Default::default() },
            internal_ips: vec!["172.18.0.3".parse().unwrap()],
            ..Default::default()
        });
        let e = rules_for_node(&o, "nope", &ProxyConfig::default()).unwrap_err();
        assert_eq!(e.to_string(), "node \"nope\" not found; nodes: kind-worker");
        o.endpoint_slices.push(EndpointSlice {
            meta: ObjectMeta {
                source: Some(crate::model::Source {
                    file: crate::text::FileId(0),
                    range: Default::default(),
                    fields: Default::default(),
                }),
                ..Default::default()
            },
            endpoints: vec![Endpoint {
                addresses: vec!["10.244.1.2".parse().unwrap()],
                ..Default::default()
            }],
            ..Default::default()
        });
        let (n, rs) = rules_for_node(&o, "kind-worker", &ProxyConfig::default()).unwrap();
        assert_eq!(n.ips.len(), 2);
        assert_eq!(rs.notes.len(), 1);
        assert_eq!(rs.notes[0].code, "endpoint-without-node");
        let k = KubeProxyConfiguration {
            cluster_cidr: Some("10.244.0.0/16".into()),
            masquerade_bit: Some(40),
            ..Default::default()
        };
        let c = ProxyConfig::from_kube_proxy_configuration(&k);
        assert_eq!(c.masquerade_bit, 14);
        assert_eq!(c.cluster_cidr.as_deref(), Some("10.244.0.0/16"));
    }
}
