//! The one place that derives DNS and kube-proxy configuration from the cluster's settings (which
//! `cluster::settings` reads from the input's kubeadm, kubelet and kube-proxy configuration
//! objects and the `kube-system/coredns` ConfigMap).

use crate::cluster::Settings;
use crate::diagnostic::Diagnostic;
use crate::dns::{CorefileConfig, ResolverSettings};
use crate::manifest::KubeVersion;
use crate::model::Objects;
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

/// kube-proxy's configuration from the KubeProxyConfiguration settings (mode, clusterCIDR —
/// an explicit `""` is no local-traffic detector —, masquerade bits of both modes,
/// nodePortAddresses, the cluster's IP families and Service CIDRs).
pub fn proxy_config(objects: &Objects, settings: &Settings) -> ProxyConfig {
    ProxyConfig::for_cluster(objects, settings)
}

/// A warning for KubeProxyConfiguration `mode: ipvs` (not simulated; deprecated upstream from
/// v1.35) or a mode kube-proxy refuses, on the `mode` field.
pub(super) fn mode_warning(input: &Objects, version: KubeVersion) -> Option<Diagnostic> {
    let k = input.kube_proxy_configurations.first()?;
    let note = crate::proxy::mode_note(k, version)?;
    let ipvs = note.code == "proxy-mode-ipvs";
    let span = k
        .meta
        .source
        .as_ref()
        .map(|s| Span {
            file: s.file,
            range: s.fields.value_or_ancestor("mode").unwrap_or(s.range),
        })
        .unwrap_or_default();
    let mut d = Diagnostic::warning(note.code, span, note.message);
    let set =
        "Set mode: iptables or mode: nftables (GA since v1.33) to see the rules kube-proxy writes";
    if !version.ipvs_deprecated() {
        d.hints.push(format!("{set}."));
        return Some(d);
    }
    d.hints.push(format!("{set}; IPVS mode is being removed upstream (KEP-5495)."));
    if ipvs {
        // cmd/kube-proxy/app/server_linux.go (v1.35+): logged at start, and sent as a Warning
        // event `IPVSDeprecation` on the Node.
        d.hints.push("kube-proxy logs: The ipvs proxier is now deprecated and may be removed in a future release. Please use 'nftables' instead.".into());
    }
    Some(d)
}
