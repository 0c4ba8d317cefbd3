//! `netsim packet --node NODE --src IP --dst IP:PORT [--proto tcp|udp|sctp]`: one packet walked
//! through that node's rules, following every probability branch (docs/cli.md).

use netsim::session::to_json;

use super::iptables::{node_arg, notes};
use crate::{Args, Input, Output, UsageError};

pub(crate) const HELP: &str = "\
netsim packet — walk one packet through a node's kube-proxy rules

Usage: netsim packet -f <PATH>... --node NODE --src IP --dst IP:PORT [--proto tcp|udp|sctp]
                     [--event EVENT]... [-o json]

The packet is the first packet of a new connection. It enters from a Pod (the source is a Pod
IP or inside the cluster CIDR), from the node itself (the source is one of the node's addresses
or 127.0.0.1), or from outside. The rules are those of the node's kube-proxy mode
(KubeProxyConfiguration mode): iptables (nat PREROUTING or OUTPUT, then filter INPUT, FORWARD
or OUTPUT, then nat POSTROUTING; every --probability branch followed) or nftables (the
kube-proxy table's base chains by hook and priority; every numgen vmap branch followed). They
are generated, printed as text and parsed back; the walk reads only that text.

Options:
  --node NODE      the node the packet arrives at or leaves from
  --src IP         source address
  --dst IP:PORT    destination ([v6]:port for IPv6)
  --proto P        tcp (default), udp or sctp
  --event EVENT    apply a what-if event first (repeatable, in order; see 'netsim get --help'):
                   delete-pod/[NS/]POD, grace-over/[NS/]POD, force-delete-pod/[NS/]POD,
                   scale/KIND/[NS/]NAME=N, pod-ready/[NS/]POD=true|false, node-down/NODE,
                   label/KIND/[NS/]NAME:KEY=VALUE; one that cannot happen ends with status 1
  -o json          {\"node\", \"from\": \"pod\"|\"node\"|\"outside\", \"src\", \"dst\", \"proto\",
                   \"verdict\": \"DNAT\"|\"REJECT\"|\"DROP\"|\"ACCEPT\"|\"NONE\",
                   \"destinations\": [{\"ip\", \"port\", \"probability\"}], \"masquerade\",
                   \"path\": [{\"table\", \"chain\", \"rule\", \"probability\", \"note\"}],
                   \"branches\": [{\"probability\", \"verdict\", \"destination\", \"masquerade\",
                   \"path\"}], \"truncated\"}
                   path is what every branch shares (table: nat/filter in iptables mode,
                   'ip kube-proxy'/'ip6 kube-proxy' in nftables mode); NONE means no kube-proxy
                   rule decided
";

pub(crate) fn run(a: &Args, inputs: &[Input]) -> Result<Output, UsageError> {
    a.only(&["filename", "node", "src", "dst", "proto", "output", "event"])?;
    let json = a.output_in(&["json"])?.is_some();
    let src = a.value("src").ok_or_else(|| UsageError("--src is required".into()))?;
    let dst = a.value("dst").ok_or_else(|| UsageError("--dst is required".into()))?;
    let events = super::what_ifs(a, "default")?;
    let (session, mut warnings) = match super::session(inputs, &events) {
        Ok(s) => s,
        Err(out) => return Ok(out),
    };
    let node = node_arg(a, &session)?;
    let walk = match session.packet_text_args(node, src, dst, a.value("proto")) {
        Ok(w) => w,
        Err(e) => return super::ask_failed(e, warnings),
    };
    notes(&session, node, &mut warnings);
    let stdout = if json { to_json(&walk) } else { walk.text() };
    Ok(Output { stdout, stderr: warnings, code: 0 })
}
