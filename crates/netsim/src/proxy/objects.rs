//! Glue from a complete cluster (`model::Objects` after the cluster stage) to one node's rules:
//! picks the node, its local addresses and the KubeProxyConfiguration settings.

use std::fmt;
use std::net::{IpAddr, Ipv4Addr};

use super::nft::{self, NftRuleset};
use super::{generate, NftablesSettings, NodeInfo, Note, ProxyConfig, ProxyMode, Ruleset};
use crate::cluster::Settings;
use crate::manifest::KubeVersion;
use crate::model::{IpFamily, KubeProxyConfiguration, Objects};

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

impl ProxyConfig {
    /// The configuration every node's kube-proxy runs with in a built cluster: the first
    /// KubeProxyConfiguration (mode, masquerade settings of both modes, nodePortAddresses) and
    /// the cluster settings (local-traffic detector CIDRs, the Service families and CIDRs).
    ///
    /// `clusterCIDR`: absent means kubeadm's default (the pod subnet, `settings.proxy`); an
    /// explicit empty string means no local-traffic detector (detectLocalMode `ClusterCIDR`
    /// with no CIDR: `proxyutil.NewNoOpLocalDetector`), so no off-cluster masquerade rule and no
    /// pod short-circuit. (`Settings` alone cannot tell the two apart: it falls back to the pod
    /// subnet for both.)
    pub fn for_cluster(objects: &Objects, settings: &Settings) -> ProxyConfig {
        let k = objects.kube_proxy_configurations.first();
        let base = k.map(ProxyConfig::from_kube_proxy_configuration).unwrap_or_default();
        let p = &settings.proxy;
        let explicit_empty =
            k.and_then(|k| k.cluster_cidr.as_deref()).is_some_and(|c| c.trim().is_empty());
        let cluster_cidr = if explicit_empty || p.cluster_cidrs.is_empty() {
            None
        } else {
            Some(p.cluster_cidrs.iter().map(|c| c.to_string()).collect::<Vec<_>>().join(","))
        };
        let families = settings.service_families();
        ProxyConfig {
            cluster_cidr,
            masquerade_bit: u32::try_from(p.masquerade_bit)
                .ok()
                .filter(|b| *b <= 31)
                .unwrap_or(base.masquerade_bit),
            masquerade_all: p.masquerade_all,
            localhost_node_ports: p.localhost_node_ports,
            node_port_addresses: p.node_port_addresses.clone(),
            ip_family: families.first().copied().unwrap_or(IpFamily::IPv4),
            ip_families: families,
            service_cidrs: settings.service_subnets.iter().map(|c| c.to_string()).collect(),
            prefer_same_traffic_distribution: settings.version.minor >= 34,
            ..base
        }
    }
}

/// What to tell the user about KubeProxyConfiguration `mode` when it is not one the simulator
/// shows: `ipvs` (not simulated; deprecated upstream from v1.35, KEP-5495 stage 1, so the
/// cluster's release decides whether to say so) or a value kube-proxy would refuse. `None` for
/// `iptables`, `nftables` and unset.
pub fn mode_note(k: &KubeProxyConfiguration, version: KubeVersion) -> Option<Note> {
    let mode = k.mode.as_deref().unwrap_or_default();
    match ProxyMode::parse(Some(mode)) {
        Some(ProxyMode::Iptables | ProxyMode::Nftables) => None,
        Some(ProxyMode::Ipvs) => Some(Note::new(
            "proxy-mode-ipvs",
            "KubeProxyConfiguration",
            if version.ipvs_deprecated() {
                "mode \"ipvs\" is deprecated upstream (since v1.35, KEP-5495) and is not simulated; the rules shown are those of iptables mode, the default"
            } else {
                "mode \"ipvs\" is not simulated; the rules shown are those of iptables mode, the default"
            }
            .to_string(),
        )),
        None => Some(Note::new(
            "proxy-mode-unknown",
            "KubeProxyConfiguration",
            format!("mode {mode:?} is not a kube-proxy mode on Linux (iptables, nftables, ipvs); the rules shown are those of iptables mode, the default"),
        )),
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
    endpoint_notes(objects, &mut rs.notes);
    Ok((node, rs))
}

/// One node's nftables-mode tables for a complete cluster (one per family in
/// [`ProxyConfig::families`]), with the same notes as [`rules_for_node`].
pub fn nft_rules_for_node(
    objects: &Objects,
    name: &str,
    cfg: &ProxyConfig,
) -> Result<(NodeInfo, NftRuleset), UnknownNode> {
    let node = node_info(objects, name)?;
    let mut rs = nft::generate(&objects.services, &objects.endpoint_slices, &node, cfg);
    endpoint_notes(objects, &mut rs.notes);
    Ok((node, rs))
}

fn endpoint_notes(objects: &Objects, notes: &mut Vec<Note>) {
    // Only slices from the input: the built-in `default/kubernetes` slice has no nodeName on a
    // real cluster either (the API server endpoint is not a Pod).
    for s in objects.endpoint_slices.iter().filter(|s| s.meta.source.is_some()) {
        for e in &s.endpoints {
            let addr = e.addresses.first().map(|a| a.to_string()).unwrap_or_default();
            let object = format!("EndpointSlice {}/{}", s.meta.namespace, s.meta.name);
            match &e.node_name {
                None => notes.push(Note::new(
                    "endpoint-without-node",
                    &object,
                    format!("endpoint {addr} has no nodeName; kube-proxy treats it as remote on every node"),
                )),
                Some(n) if !objects.nodes.iter().any(|x| &x.meta.name == n) => {
                    notes.push(Note::new(
                        "endpoint-unknown-node",
                        &object,
                        format!("endpoint {addr} is on node \"{n}\", which does not exist; kube-proxy treats it as remote"),
                    ))
                }
                Some(_) => {}
            }
        }
    }
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

    fn built(kpc: &str) -> crate::cluster::Cluster {
        let text = format!(
            "apiVersion: kubeadm.k8s.io/v1beta3\nkind: ClusterConfiguration\nnetworking:\n  podSubnet: 10.244.0.0/16,fd00:10:244::/56\n  serviceSubnet: 10.96.0.0/12,fd00:10:96::/112\n---\napiVersion: kubeproxy.config.k8s.io/v1alpha1\nkind: KubeProxyConfiguration\n{kpc}"
        );
        let mut files = crate::diagnostic::SourceFiles::default();
        files.add("c.yaml", text.as_str());
        crate::cluster::build(&crate::manifest::load(&files).objects)
    }

    #[test]
    fn config_for_a_cluster() {
        let c = built("mode: nftables\nnftables: {masqueradeBit: 15, masqueradeAll: true}\n");
        let cfg = ProxyConfig::for_cluster(&c.objects, &c.settings);
        assert_eq!(cfg.mode, ProxyMode::Nftables);
        assert_eq!(cfg.nftables, NftablesSettings { masquerade_bit: 15, masquerade_all: true });
        assert_eq!(cfg.masquerade_bit, 14);
        assert_eq!(cfg.cluster_cidr.as_deref(), Some("10.244.0.0/16,fd00:10:244::/56"));
        assert_eq!(cfg.ip_families, vec![IpFamily::IPv4, IpFamily::IPv6]);
        assert_eq!(cfg.service_cidrs, vec!["10.96.0.0/12", "fd00:10:96::/112"]);
        assert_eq!(cfg.nft_mark(), "0x00008000");
        // `clusterCIDR: ""` given explicitly: no local-traffic detector.
        let c = built("clusterCIDR: \"\"\n");
        let cfg = ProxyConfig::for_cluster(&c.objects, &c.settings);
        assert_eq!(cfg.cluster_cidr, None);
        assert_eq!(cfg.mode, ProxyMode::Iptables);
        let rs = generate(
            &c.objects.services,
            &c.objects.endpoint_slices,
            &node_info(&c.objects, "kind-worker").unwrap(),
            &cfg,
        );
        assert!(!rs.nat_rules.iter().any(|r| r.contains("! -s")), "no off-cluster masquerade rule");
        // Modes that are not shown get a note.
        let k = |m: &str| KubeProxyConfiguration { mode: Some(m.into()), ..Default::default() };
        let v = KubeVersion::NEWEST;
        assert_eq!(mode_note(&k("nftables"), v), None);
        assert_eq!(mode_note(&k(""), v), None);
        assert_eq!(mode_note(&k("ipvs"), v).map(|n| n.code), Some("proxy-mode-ipvs"));
        assert_eq!(mode_note(&k("userspace"), v).map(|n| n.code), Some("proxy-mode-unknown"));
        let old = KubeVersion { minor: 34, patch: 0 };
        assert!(!mode_note(&k("ipvs"), old).is_some_and(|n| n.message.contains("deprecated")));
        // The nftables tables of a node of the built cluster, one per family.
        let c = built("mode: nftables\n");
        let cfg = ProxyConfig::for_cluster(&c.objects, &c.settings);
        let (_, rs) = nft_rules_for_node(&c.objects, "kind-worker", &cfg).unwrap();
        assert_eq!(rs.tables.len(), 2);
        let dump = rs.dump_text();
        assert!(dump.contains("add element ip kube-proxy service-ips { 10.96.0.1 . tcp . 443 : goto service-2QRHZV4L-default/kubernetes/tcp/https }"), "{dump}");
        assert!(dump.contains(
            "add rule ip6 kube-proxy cluster-ips-check ip6 daddr { fd00:10:96::/112 } drop"
        ));
    }
}
