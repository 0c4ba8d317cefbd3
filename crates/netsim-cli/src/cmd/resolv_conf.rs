//! `netsim resolv-conf POD`: the Pod's `/etc/resolv.conf` as kubelet writes it.

use netsim::session::to_json;

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
    let (session, mut warnings) = match super::session(inputs, &[]) {
        Ok(s) => s,
        Err(out) => return Ok(out),
    };
    let rc = match session.resolv_conf(&target, a.value("namespace")) {
        Ok(rc) => rc,
        Err(e) => return super::ask_failed(e, warnings),
    };
    for w in &rc.warnings {
        warnings.push_str(&format!("warning: kubelet: {w}\n"));
    }
    let stdout = if json_out { to_json(&rc) } else { rc.to_string() };
    Ok(Output { stdout, stderr: warnings, code: 0 })
}
