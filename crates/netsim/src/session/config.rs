//! The one place that derives DNS and kube-proxy configuration from the cluster's settings (which
//! `cluster::settings` reads from the input's kubeadm, kubelet and kube-proxy configuration
//! objects and the `kube-system/coredns` ConfigMap).

use crate::cluster::Settings;
use crate::diagnostic::Diagnostic;
use crate::dns::{CorefileConfig, ResolverSettings};
use crate::model::{IpFamily, Objects};
use crate::proxy::ProxyConfig;
use crate::text::Span;

/// CoreDNS's configuration: the `kube-system/coredns` ConfigMap's Corefile when the input has
/// one (its problems point at `data.Corefile`), else the Corefile kubeadm installs.
pub(super) fn corefile(input: &Objects, settings: &Settings) -> (CorefileConfig, Vec<Diagnostic>) {
    let Some(text) = &settings.corefile else {
        return (CorefileConfig::kubeadm(&settings.dns_domain), Vec::new());
    };
    let span = input
        .config_maps
        .iter()
        .find(|c| c.meta.namespace == "kube-system" && c.meta.name == "coredns")
        .and_then(|cm| cm.meta.source.as_ref())
        .map(|s| Span {
            file: s.file,
            range: s.fields.value_or_ancestor("data.Corefile").unwrap_or(s.range),
        })
        .unwrap_or_default();
    CorefileConfig::parse(text, &settings.dns_domain, span)
}

/// The kubelet's resolver settings: `clusterDNS` and `clusterDomain`.
pub(super) fn resolver(settings: &Settings) -> ResolverSettings {
    ResolverSettings::new(settings.cluster_dns.clone(), settings.cluster_domain.clone())
}

/// kube-proxy's configuration from the KubeProxyConfiguration settings, for the cluster's
/// primary service family.
pub fn proxy_config(settings: &Settings) -> ProxyConfig {
    let p = &settings.proxy;
    ProxyConfig {
        cluster_cidr: if p.cluster_cidrs.is_empty() {
            None
        } else {
            Some(p.cluster_cidrs.iter().map(|c| c.to_string()).collect::<Vec<_>>().join(","))
        },
        // The API server refuses bits above 31; keep the function total anyway.
        masquerade_bit: u32::try_from(p.masquerade_bit).ok().filter(|b| *b <= 31).unwrap_or(14),
        masquerade_all: p.masquerade_all,
        localhost_node_ports: p.localhost_node_ports,
        node_port_addresses: p.node_port_addresses.clone(),
        ip_family: settings.service_families().first().copied().unwrap_or(IpFamily::IPv4),
        ..ProxyConfig::default()
    }
}
