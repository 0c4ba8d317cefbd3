//! The pipeline the DNS commands share: `manifest::load`, then `cluster::build` (IPs, generated
//! Pods, EndpointSlices, built-in kube-dns and CoreDNS), then the DNS configuration from the
//! cluster settings: the `kube-system/coredns` Corefile (or kubeadm's), kubelet's clusterDNS and
//! clusterDomain.

use netsim::dns::{CorefileConfig, ResolverSettings};
use netsim::model::Objects;
use netsim::text::Span;

use super::{render_diagnostics, source_files};
use crate::{Input, Output};

pub(crate) struct Built {
    pub objects: Objects,
    pub corefile: CorefileConfig,
    pub resolver: ResolverSettings,
    /// Rendered warnings for stderr.
    pub warnings: String,
}

/// Loads and builds the cluster. Input errors → exit 1 with the diagnostics.
pub(crate) fn build(inputs: &[Input]) -> Result<Built, Output> {
    let files = source_files(inputs);
    let loaded = netsim::manifest::load(&files);
    let cluster = netsim::cluster::build(&loaded.accepted());
    let mut diags = loaded.diagnostics;
    diags.extend(cluster.diagnostics.iter().cloned());
    let settings = &cluster.settings;
    let corefile = match &settings.corefile {
        Some(text) => {
            // Point diagnostics at the ConfigMap's `data.Corefile`.
            let span = loaded
                .objects
                .config_maps
                .iter()
                .find(|c| c.meta.namespace == "kube-system" && c.meta.name == "coredns")
                .and_then(|cm| cm.meta.source.as_ref())
                .map(|s| Span {
                    file: s.file,
                    range: s.fields.value_or_ancestor("data.Corefile").unwrap_or(s.range),
                })
                .unwrap_or_default();
            let (cfg, d) = CorefileConfig::parse(text, &settings.dns_domain, span);
            diags.extend(d);
            cfg
        }
        None => CorefileConfig::kubeadm(&settings.dns_domain),
    };
    let (rendered, errors) = render_diagnostics(&files, &diags);
    if errors {
        return Err(Output { stdout: String::new(), stderr: rendered, code: 1 });
    }
    Ok(Built {
        objects: cluster.objects,
        corefile,
        resolver: ResolverSettings::new(
            settings.cluster_dns.clone(),
            settings.cluster_domain.clone(),
        ),
        warnings: rendered,
    })
}
