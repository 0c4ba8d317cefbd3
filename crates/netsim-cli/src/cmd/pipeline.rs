//! The load (+ build) pipeline the DNS commands share. `cluster::build` is not on this branch
//! yet: until it is, the objects are used as loaded (explicit IPs, EndpointSlices and Pod
//! statuses in the input), and the DNS settings are read here from the configuration objects
//! with kubeadm's defaults. Once the cluster stage is merged, `build` calls it instead.

use std::net::IpAddr;

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

/// Loads (and builds) the cluster. Input errors → exit 1 with the diagnostics.
pub(crate) fn build(inputs: &[Input]) -> Result<Built, Output> {
    let files = source_files(inputs);
    let loaded = netsim::manifest::load(&files);
    let objects = loaded.objects;
    let mut diags = loaded.diagnostics;
    let dns_domain = objects
        .cluster_configurations
        .iter()
        .find_map(|c| c.dns_domain.clone())
        .unwrap_or_else(|| "cluster.local".into());
    let cluster_domain = objects
        .kubelet_configurations
        .iter()
        .find_map(|k| k.cluster_domain.clone())
        .unwrap_or_else(|| dns_domain.clone());
    let cluster_dns: Vec<IpAddr> = objects
        .kubelet_configurations
        .iter()
        .flat_map(|k| k.cluster_dns.iter().filter_map(|s| s.parse().ok()))
        .collect();
    let cluster_dns = if cluster_dns.is_empty() {
        vec![IpAddr::V4(std::net::Ipv4Addr::new(10, 96, 0, 10))]
    } else {
        cluster_dns
    };
    let corefile = match objects
        .config_maps
        .iter()
        .find(|c| c.meta.namespace == "kube-system" && c.meta.name == "coredns")
    {
        Some(cm) => match cm.data.get("Corefile") {
            Some(text) => {
                let span = cm
                    .meta
                    .source
                    .as_ref()
                    .map(|s| Span {
                        file: s.file,
                        range: s.fields.value_or_ancestor("data.Corefile").unwrap_or(s.range),
                    })
                    .unwrap_or_default();
                let (cfg, d) = CorefileConfig::parse(text, &dns_domain, span);
                diags.extend(d);
                cfg
            }
            None => CorefileConfig::kubeadm(&dns_domain),
        },
        None => CorefileConfig::kubeadm(&dns_domain),
    };
    let (rendered, errors) = render_diagnostics(&files, &diags);
    if errors {
        return Err(Output { stdout: String::new(), stderr: rendered, code: 1 });
    }
    Ok(Built {
        objects,
        corefile,
        resolver: ResolverSettings::new(cluster_dns, cluster_domain),
        warnings: rendered,
    })
}
