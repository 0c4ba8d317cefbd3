//! Cluster-wide settings (cluster stage): read from kubeadm `ClusterConfiguration`,
//! `KubeletConfiguration`, `KubeProxyConfiguration` and the `kube-system/coredns` ConfigMap,
//! with kubeadm's defaults where nothing is given.
//!
//! Defaults follow kubeadm (`cmd/kubeadm/app/apis/kubeadm/v1beta4/defaults.go`:
//! `DefaultServicesSubnet = "10.96.0.0/12"`, `DefaultServiceDNSDomain = "cluster.local"`), kind's
//! pod subnet (`10.244.0.0/16`), the apiserver's node-port range
//! (`pkg/kubeapiserver/options/options.go` `DefaultServiceNodePortRange`, 30000-32767) and
//! kubeadm's cluster DNS address (`cmd/kubeadm/app/constants/constants.go` `GetDNSIP`: the 10th
//! address of the first service subnet).

use std::net::IpAddr;

use super::span_of;
use crate::diagnostic::Diagnostic;
use crate::manifest::{version, KubeVersion};
use crate::model::{IpFamily, Objects};
use crate::net::{parse_list, Cidr};

/// The kube-proxy settings the cluster passes on (`KubeProxyConfiguration`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ProxySettings {
    /// `mode`; `iptables` when unset (what the simulator models).
    pub mode: String,
    /// `clusterCIDR`; kubeadm fills it from `networking.podSubnet`, so that is the default.
    pub cluster_cidrs: Vec<Cidr>,
    /// `iptables.masqueradeBit`, default 14.
    pub masquerade_bit: i32,
    /// `iptables.masqueradeAll`, default false.
    pub masquerade_all: bool,
    /// `iptables.localhostNodePorts`, default true.
    pub localhost_node_ports: bool,
    /// `nodePortAddresses`, default empty (all node addresses).
    pub node_port_addresses: Vec<String>,
}

/// The apiserver's `--service-node-port-range`, inclusive.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PortRange {
    pub first: i32,
    pub last: i32,
}

impl PortRange {
    pub fn size(self) -> i32 {
        self.last - self.first + 1
    }

    pub fn contains(self, p: i32) -> bool {
        p >= self.first && p <= self.last
    }
}

impl std::fmt::Display for PortRange {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}-{}", self.first, self.last)
    }
}

/// Every cluster-wide setting later stages read.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Settings {
    /// The Kubernetes release the cluster runs: the first ClusterConfiguration's
    /// `kubernetesVersion`, else the newest the simulator knows (an unusable value is
    /// reported by the manifest stage, and the default is used).
    pub version: KubeVersion,
    /// `networking.podSubnet`, one per family (dual-stack when two).
    pub pod_subnets: Vec<Cidr>,
    /// `networking.serviceSubnet`, one per family, primary first.
    pub service_subnets: Vec<Cidr>,
    /// `networking.dnsDomain`.
    pub dns_domain: String,
    pub node_port_range: PortRange,
    /// kubelet `clusterDNS`: what Pods get as `nameserver`.
    pub cluster_dns: Vec<IpAddr>,
    /// kubelet `clusterDomain` (defaults to the kubeadm dnsDomain).
    pub cluster_domain: String,
    pub proxy: ProxySettings,
    /// The `Corefile` of the `kube-system/coredns` ConfigMap, if given.
    pub corefile: Option<String>,
}

impl Settings {
    /// The IP families of the service network, primary first.
    pub fn service_families(&self) -> Vec<IpFamily> {
        self.service_subnets.iter().map(|c| c.family()).collect()
    }

    pub fn service_subnet(&self, family: IpFamily) -> Option<Cidr> {
        self.service_subnets.iter().copied().find(|c| c.family() == family)
    }

    pub fn is_dual_stack(&self) -> bool {
        self.service_subnets.len() > 1
    }
}

impl Default for Settings {
    fn default() -> Self {
        read(&Objects::default(), &mut Vec::new())
    }
}

const DEFAULT_POD_SUBNET: &str = "10.244.0.0/16";
const DEFAULT_SERVICE_SUBNET: &str = "10.96.0.0/12";

/// Reads the settings, reporting unusable values (and falling back to the default for them).
pub(crate) fn read(objects: &Objects, diags: &mut Vec<Diagnostic>) -> Settings {
    let cc = objects.cluster_configurations.first();
    let version = cc
        .and_then(|c| c.kubernetes_version.as_deref())
        .and_then(|t| version::parse(t).ok())
        .unwrap_or_default();
    let pod_subnets = subnets(
        cc.and_then(|c| c.pod_subnet.as_deref()),
        DEFAULT_POD_SUBNET,
        "networking.podSubnet",
        cc.map(|c| &c.meta),
        diags,
    );
    let service_subnets = subnets(
        cc.and_then(|c| c.service_subnet.as_deref()),
        DEFAULT_SERVICE_SUBNET,
        "networking.serviceSubnet",
        cc.map(|c| &c.meta),
        diags,
    );
    let dns_domain = cc
        .and_then(|c| c.dns_domain.clone())
        .filter(|d| !d.is_empty())
        .unwrap_or_else(|| "cluster.local".into());
    let mut node_port_range = PortRange { first: 30000, last: 32767 };
    if let Some((c, text)) = cc.and_then(|c| c.service_node_port_range.as_deref().map(|t| (c, t))) {
        match parse_port_range(text) {
            Some(r) => node_port_range = r,
            None => diags.push(
                Diagnostic::error(
                    "invalid-node-port-range",
                    span_of(&c.meta, "apiServer.extraArgs"),
                    format!("invalid service-node-port-range {text:?}: expected FIRST-LAST (e.g. 30000-32767)"),
                )
                .with_hint("the default range 30000-32767 is used instead"),
            ),
        }
    }

    let kubelet = objects.kubelet_configurations.first();
    let mut cluster_dns = Vec::new();
    if let Some(k) = kubelet {
        for s in &k.cluster_dns {
            match s.trim().parse::<IpAddr>() {
                Ok(ip) => cluster_dns.push(ip),
                Err(_) => diags.push(Diagnostic::error(
                    "invalid-cluster-dns",
                    span_of(&k.meta, "clusterDNS"),
                    format!("clusterDNS entry {s:?} is not an IP address"),
                )),
            }
        }
    }
    if cluster_dns.is_empty() {
        // kubeadm GetDNSIP: GetIndexedIP(first service subnet, 10).
        cluster_dns.extend(service_subnets.first().and_then(|c| c.nth(10)));
    }
    let cluster_domain = kubelet
        .and_then(|k| k.cluster_domain.clone())
        .filter(|d| !d.is_empty())
        .unwrap_or_else(|| dns_domain.clone());

    let kp = objects.kube_proxy_configurations.first();
    let cluster_cidrs = match kp.and_then(|k| k.cluster_cidr.as_deref()) {
        Some(text) if !text.trim().is_empty() => {
            let (ok, bad) = parse_list(text);
            for b in bad {
                if let Some(k) = kp {
                    diags.push(Diagnostic::error(
                        "invalid-cidr",
                        span_of(&k.meta, "clusterCIDR"),
                        format!("clusterCIDR {b:?} is not a CIDR"),
                    ));
                }
            }
            ok
        }
        _ => pod_subnets.clone(),
    };
    let proxy = ProxySettings {
        mode: kp
            .and_then(|k| k.mode.clone())
            .filter(|m| !m.is_empty())
            .unwrap_or_else(|| "iptables".into()),
        cluster_cidrs,
        masquerade_bit: kp.and_then(|k| k.masquerade_bit).unwrap_or(14),
        masquerade_all: kp.and_then(|k| k.masquerade_all).unwrap_or(false),
        localhost_node_ports: kp.and_then(|k| k.localhost_node_ports).unwrap_or(true),
        node_port_addresses: kp.map(|k| k.node_port_addresses.clone()).unwrap_or_default(),
    };
    let corefile = objects
        .config_maps
        .iter()
        .find(|c| c.meta.namespace == "kube-system" && c.meta.name == "coredns")
        .and_then(|c| c.data.get("Corefile").cloned());
    Settings {
        version,
        pod_subnets,
        service_subnets,
        dns_domain,
        node_port_range,
        cluster_dns,
        cluster_domain,
        proxy,
        corefile,
    }
}

fn subnets(
    given: Option<&str>,
    default: &str,
    field: &str,
    meta: Option<&crate::model::ObjectMeta>,
    diags: &mut Vec<Diagnostic>,
) -> Vec<Cidr> {
    let default_list = || parse_list(default).0;
    let Some(text) = given.filter(|t| !t.trim().is_empty()) else {
        return default_list();
    };
    let (ok, bad) = parse_list(text);
    let span = meta.map(|m| span_of(m, field)).unwrap_or_default();
    for b in &bad {
        diags.push(
            Diagnostic::error("invalid-cidr", span, format!("{field}: {b:?} is not a CIDR"))
                .with_hint(format!("the default {default} is used instead")),
        );
    }
    let fams: Vec<IpFamily> = ok.iter().map(|c| c.family()).collect();
    let valid = !ok.is_empty() && ok.len() <= 2 && !(ok.len() == 2 && fams[0] == fams[1]);
    if !valid {
        if bad.is_empty() {
            diags.push(
                Diagnostic::error(
                    "invalid-cidr",
                    span,
                    format!("{field}: expected one CIDR, or two of different IP families for dual-stack, got {text:?}"),
                )
                .with_hint(format!("the default {default} is used instead")),
            );
        }
        return default_list();
    }
    ok
}

fn parse_port_range(text: &str) -> Option<PortRange> {
    // `utilnet.ParsePortRange`: "a-b" or a single port; "a+n" is also accepted there.
    let t = text.trim();
    let (first, last) = if let Some((a, b)) = t.split_once('-') {
        (a.trim().parse::<i32>().ok()?, b.trim().parse::<i32>().ok()?)
    } else if let Some((a, n)) = t.split_once('+') {
        let a = a.trim().parse::<i32>().ok()?;
        (a, a.checked_add(n.trim().parse::<i32>().ok()?)?)
    } else {
        let a = t.parse::<i32>().ok()?;
        (a, a)
    };
    (first >= 1 && last <= 65535 && first <= last).then_some(PortRange { first, last })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{ClusterConfiguration, KubeletConfiguration};

    #[test]
    fn defaults_are_kubeadm_and_kind() {
        let s = Settings::default();
        assert_eq!(s.pod_subnets[0].to_string(), "10.244.0.0/16");
        assert_eq!(s.service_subnets[0].to_string(), "10.96.0.0/12");
        assert_eq!(s.dns_domain, "cluster.local");
        assert_eq!(s.node_port_range.to_string(), "30000-32767");
        assert_eq!(s.cluster_dns[0].to_string(), "10.96.0.10");
        assert_eq!(s.proxy.masquerade_bit, 14);
        assert!(s.proxy.localhost_node_ports);
        assert_eq!(s.proxy.cluster_cidrs, s.pod_subnets);
    }

    #[test]
    fn reads_kubeadm_and_kubelet_config() {
        let mut o = Objects::default();
        o.cluster_configurations.push(ClusterConfiguration {
            pod_subnet: Some("10.1.0.0/16,fd00:1::/56".into()),
            service_subnet: Some("10.0.0.0/24,fd00:2::/112".into()),
            dns_domain: Some("example.org".into()),
            service_node_port_range: Some("20000-22767".into()),
            ..Default::default()
        });
        o.kubelet_configurations.push(KubeletConfiguration {
            cluster_dns: vec!["10.0.0.53".into()],
            ..Default::default()
        });
        let mut d = Vec::new();
        let s = read(&o, &mut d);
        assert!(d.is_empty(), "{d:?}");
        assert!(s.is_dual_stack());
        assert_eq!(s.node_port_range, PortRange { first: 20000, last: 22767 });
        assert_eq!(s.cluster_dns[0].to_string(), "10.0.0.53");
        assert_eq!(s.cluster_domain, "example.org");
    }

    #[test]
    fn bad_values_fall_back_with_diagnostics() {
        let mut o = Objects::default();
        o.cluster_configurations.push(ClusterConfiguration {
            pod_subnet: Some("10.1.0.0/16,10.2.0.0/16".into()),
            service_subnet: Some("nonsense".into()),
            service_node_port_range: Some("9-3".into()),
            ..Default::default()
        });
        let mut d = Vec::new();
        let s = read(&o, &mut d);
        assert_eq!(d.len(), 3);
        assert_eq!(s.service_subnets[0].to_string(), "10.96.0.0/12");
        assert_eq!(s.pod_subnets[0].to_string(), "10.244.0.0/16");
    }
}
