//! `netsim iptables --node NODE [--format restore|save]`: the rules kube-proxy (iptables mode)
//! writes on that node (docs/cli.md).

use netsim::diagnostic::{Diagnostic, SourceFiles};
use netsim::model::{IpFamily, Objects};
use netsim::proxy::{self, NodeInfo, ProxyConfig, Ruleset};
use netsim::text::Span;

use super::{render_diagnostics, source_files};
use crate::{Args, Input, Output, UsageError};

pub(crate) const HELP: &str = "\
netsim iptables — the rules kube-proxy (iptables mode) writes on a node

Usage: netsim iptables -f <PATH>... --node NODE [--format restore|save] [-o json]

Options:
  --node NODE         the node whose rules to print (required)
  --format restore    what kube-proxy feeds to iptables-restore (default): filter and nat
                      tables, ':CHAIN - [0:0]' lines, rules in kube-proxy's order, COMMIT
  --format save       what 'iptables-save' shows on the node afterwards: built-in chains and
                      kube-proxy's jump rules, chains in name order, /32 prefixes, -p before the
                      matches, 11-decimal probabilities, MARK --set-xmark
  -o json             {\"node\", \"format\", \"text\", \"largeClusterMode\"}

Settings come from the KubeProxyConfiguration in the input (clusterCIDR, masqueradeBit,
masqueradeAll, localhostNodePorts, nodePortAddresses).
";

/// The complete cluster plus the rendered warnings, or the exit-1 output for input errors.
pub(crate) struct Built {
    pub(crate) files: SourceFiles,
    pub(crate) objects: Objects,
    pub(crate) config: ProxyConfig,
    pub(crate) stderr: String,
}

/// manifest::load + cluster::build; input errors end the command with status 1.
pub(crate) fn build(inputs: &[Input]) -> Result<Built, Output> {
    let files = source_files(inputs);
    let loaded = netsim::manifest::load(&files);
    let cluster = netsim::cluster::build(&loaded.accepted());
    let mut diags = loaded.diagnostics;
    diags.extend(cluster.diagnostics.iter().cloned());
    let (stderr, errors) = render_diagnostics(&files, &diags);
    if errors {
        return Err(Output { stdout: String::new(), stderr, code: 1 });
    }
    let p = &cluster.settings.proxy;
    let family = cluster.settings.service_families().first().copied().unwrap_or(IpFamily::IPv4);
    let config = ProxyConfig {
        cluster_cidr: if p.cluster_cidrs.is_empty() {
            None
        } else {
            Some(p.cluster_cidrs.iter().map(|c| c.to_string()).collect::<Vec<_>>().join(","))
        },
        masquerade_bit: u32::try_from(p.masquerade_bit).ok().filter(|b| *b <= 31).unwrap_or(14),
        masquerade_all: p.masquerade_all,
        localhost_node_ports: p.localhost_node_ports,
        node_port_addresses: p.node_port_addresses.clone(),
        ip_family: family,
        ..ProxyConfig::default()
    };
    Ok(Built { files, objects: cluster.objects, config, stderr })
}

/// The `--node` value, checked against the cluster's nodes.
pub(crate) fn node_arg(a: &Args, b: &Built) -> Result<String, UsageError> {
    let names: Vec<&str> = b.objects.nodes.iter().map(|n| n.meta.name.as_str()).collect();
    match a.value("node") {
        Some(n) => Ok(n.to_string()),
        None => Err(UsageError(format!("--node is required; nodes: {}", names.join(", ")))),
    }
}

/// Rules for the node, with notes rendered as warnings appended to `b.stderr`.
pub(crate) fn rules(a: &Args, b: &mut Built) -> Result<(NodeInfo, Ruleset), UsageError> {
    let node = node_arg(a, b)?;
    let (info, rs) = proxy::rules_for_node(&b.objects, &node, &b.config)
        .map_err(|e| UsageError(e.to_string()))?;
    let mut warnings = Vec::new();
    let mut plain = String::new();
    for n in &rs.notes {
        match source_of(&b.objects, &n.object) {
            Some(span) => warnings.push(Diagnostic::warning(n.code, span, n.message.clone())),
            None => plain.push_str(&format!("warning[{}]: {}\n", n.code, n.message)),
        }
    }
    let (text, _) = render_diagnostics(&b.files, &warnings);
    b.stderr.push_str(&text);
    b.stderr.push_str(&plain);
    Ok((info, rs))
}

/// The source span of `Service ns/name` or `EndpointSlice ns/name`, if it came from the input.
fn source_of(o: &Objects, object: &str) -> Option<Span> {
    let (kind, rest) = object.split_once(' ')?;
    let (ns, name) = rest.split_once('/')?;
    let meta = match kind {
        "Service" => o
            .services
            .iter()
            .find(|s| s.meta.namespace == ns && s.meta.name == name)
            .map(|s| &s.meta),
        "EndpointSlice" => o
            .endpoint_slices
            .iter()
            .find(|s| s.meta.namespace == ns && s.meta.name == name)
            .map(|s| &s.meta),
        _ => None,
    }?;
    let src = meta.source.as_ref()?;
    Some(Span { file: src.file, range: src.range })
}

pub(crate) fn run(a: &Args, inputs: &[Input]) -> Result<Output, UsageError> {
    a.only(&["filename", "node", "format", "output"])?;
    let json = a.output_in(&["json"])?.is_some();
    let format = a.value("format").unwrap_or("restore");
    if !matches!(format, "restore" | "save") {
        return Err(UsageError(format!("invalid --format '{format}': use restore or save")));
    }
    let mut b = match build(inputs) {
        Ok(b) => b,
        Err(out) => return Ok(out),
    };
    let (info, rs) = rules(a, &mut b)?;
    let text = if format == "save" { rs.save_text() } else { rs.restore_text() };
    let stdout = if json {
        let v = serde_json::json!({
            "node": info.name,
            "format": format,
            "text": text,
            "largeClusterMode": rs.large_cluster_mode,
        });
        format!("{}\n", serde_json::to_string_pretty(&v).unwrap_or_default())
    } else {
        text
    };
    Ok(Output { stdout, stderr: b.stderr, code: 0 })
}
