//! `netsim resolv-conf POD`: the Pod's `/etc/resolv.conf` as kubelet writes it.

use netsim::dns::resolv_conf;
use netsim::model::Pod;
use serde_json::json;

use super::pipeline;
use crate::{Args, Input, Output, UsageError};

pub(crate) const HELP: &str = "\
netsim resolv-conf — a Pod's /etc/resolv.conf, as kubelet writes it from dnsPolicy and dnsConfig

Usage: netsim resolv-conf POD [-n NS] -f PATH... [-o json]

POD is NAME (in -n NS, default: default) or NAMESPACE/NAME.
ClusterFirst: the cluster DNS address, search <ns>.svc.<domain> svc.<domain> <domain>, ndots:5.
Default (and ClusterFirst with hostNetwork): the node's resolv.conf; the simulated nodes are kind
nodes whose resolver is 172.18.0.1. None: only dnsConfig.
  -o json   {\"nameservers\":[…],\"searches\":[…],\"options\":[…],\"source\":\"Cluster\"|\"Host\"|\"None\",\"warnings\":[…]}
";

pub(crate) fn run(a: &Args, inputs: &[Input]) -> Result<Output, UsageError> {
    a.only(&["namespace", "output", "help"])?;
    let json_out = a.output_in(&["json"])?.is_some();
    let target = a.positional(0, "POD (NAME or NAMESPACE/NAME)")?.to_string();
    let built = match pipeline::build(inputs) {
        Ok(b) => b,
        Err(out) => return Ok(out),
    };
    let (ns, name) = match target.split_once('/') {
        Some((ns, n)) => (ns.to_string(), n.to_string()),
        None => (a.value("namespace").unwrap_or("default").to_string(), target.clone()),
    };
    let Some(pod): Option<&Pod> =
        built.objects.pods.iter().find(|p| p.meta.namespace == ns && p.meta.name == name)
    else {
        return Ok(super::dns::not_found(&ns, &name));
    };
    let rc = resolv_conf(pod, &built.resolver);
    let mut out = Output::ok(String::new());
    out.stderr = built.warnings;
    for w in &rc.warnings {
        out.stderr.push_str(&format!("warning: kubelet: {w}\n"));
    }
    out.stdout = if json_out {
        let mut s = serde_json::to_string_pretty(&json!(rc)).unwrap_or_default();
        s.push('\n');
        s
    } else {
        rc.to_string()
    };
    Ok(out)
}
