//! `netsim packet --node NODE --src IP --dst IP:PORT [--proto tcp|udp|sctp]`: one packet walked
//! through that node's rules, following every probability branch (docs/cli.md).

use std::net::IpAddr;

use netsim::model::Protocol;
use netsim::proxy::{self, Cidr, Origin, Packet, RuleTable, Step, Trace};

use super::iptables::{build, rules};
use crate::{Args, Input, Output, UsageError};

pub(crate) const HELP: &str = "\
netsim packet — walk one packet through a node's kube-proxy rules

Usage: netsim packet -f <PATH>... --node NODE --src IP --dst IP:PORT [--proto tcp|udp|sctp] [-o json]

The packet is the first packet of a new connection. It enters from a Pod (the source is a Pod
IP or inside the cluster CIDR), from the node itself (the source is one of the node's addresses
or 127.0.0.1), or from outside. The rules are generated, printed as text and parsed back; the
walk reads only that text, in kernel order: nat PREROUTING (or OUTPUT), then filter INPUT,
FORWARD or OUTPUT, then nat POSTROUTING. Every --probability branch is followed.

Options:
  --node NODE      the node the packet arrives at or leaves from
  --src IP         source address
  --dst IP:PORT    destination ([v6]:port for IPv6)
  --proto P        tcp (default), udp or sctp
  -o json          {\"verdict\", \"destinations\": [{\"ip\", \"port\", \"probability\"}],
                   \"masquerade\", \"path\": [...], \"branches\": [...]}
";

fn parse_dst(s: &str) -> Result<(IpAddr, u16), UsageError> {
    let bad =
        || UsageError(format!("invalid --dst '{s}': expected IP:PORT with a port in 1-65535"));
    let (ip, port) = if let Some(rest) = s.strip_prefix('[') {
        rest.split_once("]:").ok_or_else(bad)?
    } else {
        s.rsplit_once(':').ok_or_else(bad)?
    };
    let ip: IpAddr = ip.parse().map_err(|_| bad())?;
    let port: u16 = port.parse().map_err(|_| bad())?;
    if port == 0 {
        return Err(bad());
    }
    Ok((ip, port))
}

fn pct(p: f64) -> String {
    format!("{:.1}%", p * 100.0)
}

fn step_line(s: &Step) -> String {
    let mut line = format!("  {:<6} {:<28} {}", s.table, s.chain, s.rule);
    if let Some(n) = &s.note {
        line.push_str(&format!("   [{n}]"));
    }
    if let (Some(p), None) = (s.probability, &s.note) {
        line.push_str(&format!("   [{}]", pct(p)));
    }
    line
}

fn step_json(s: &Step) -> serde_json::Value {
    serde_json::json!({
        "table": s.table,
        "chain": s.chain,
        "rule": s.rule,
        "probability": s.probability,
        "note": s.note,
    })
}

/// Length of the path prefix all branches share.
fn common_prefix(t: &Trace) -> usize {
    let Some(first) = t.outcomes.first() else {
        return 0;
    };
    let mut n = first.path.len();
    for o in t.outcomes.iter().skip(1) {
        n = n.min(first.path.iter().zip(&o.path).take_while(|(a, b)| a == b).count());
    }
    n
}

pub(crate) fn run(a: &Args, inputs: &[Input]) -> Result<Output, UsageError> {
    a.only(&["filename", "node", "src", "dst", "proto", "output"])?;
    let json = a.output_in(&["json"])?.is_some();
    let src: IpAddr = match a.value("src") {
        Some(s) => s
            .parse()
            .map_err(|_| UsageError(format!("invalid --src '{s}': expected an IP address")))?,
        None => return Err(UsageError("--src is required".into())),
    };
    let (dst, dport) = match a.value("dst") {
        Some(s) => parse_dst(s)?,
        None => return Err(UsageError("--dst is required".into())),
    };
    let proto = match a.value("proto").unwrap_or("tcp").to_ascii_lowercase().as_str() {
        "tcp" => Protocol::Tcp,
        "udp" => Protocol::Udp,
        "sctp" => Protocol::Sctp,
        other => {
            return Err(UsageError(format!("invalid --proto '{other}': use tcp, udp or sctp")))
        }
    };
    let mut b = match build(inputs) {
        Ok(b) => b,
        Err(out) => return Ok(out),
    };
    let (node, rs) = rules(a, &mut b)?;
    let table = RuleTable::parse(&rs.kernel_text())
        .map_err(|e| UsageError(format!("internal error: generated rules do not parse: {e}")))?;
    let pod_here = b.objects.pods.iter().any(|p| {
        p.spec.node_name.as_deref() == Some(node.name.as_str())
            && !p.spec.host_network
            && p.status.pod_ips.contains(&src)
    });
    let cidrs: Vec<Cidr> = b
        .config
        .cluster_cidr
        .as_deref()
        .unwrap_or_default()
        .split(',')
        .filter_map(|c| Cidr::parse(c.trim()))
        .collect();
    let origin = if src.is_loopback() || node.ips.contains(&src) {
        Origin::FromNode
    } else if pod_here || cidrs.iter().any(|c| c.contains(src)) {
        Origin::FromPod
    } else {
        Origin::FromOutside
    };
    let packet = Packet { src, dst, dport, proto, origin };
    let trace = proxy::walk(&table, &node, &packet);
    let prefix = common_prefix(&trace);
    let dests = trace.destinations();
    let stdout = if json {
        let path: Vec<_> = trace
            .outcomes
            .first()
            .map(|o| o.path.iter().take(prefix).map(step_json).collect())
            .unwrap_or_default();
        let branches: Vec<_> = trace
            .outcomes
            .iter()
            .map(|o| {
                serde_json::json!({
                    "probability": o.share,
                    "verdict": o.verdict.as_str(),
                    "destination": o.dnat,
                    "masquerade": o.masquerade,
                    "path": o.path.iter().skip(prefix).map(step_json).collect::<Vec<_>>(),
                })
            })
            .collect();
        let v = serde_json::json!({
            "node": node.name,
            "from": origin.as_str(),
            "verdict": trace.verdict().as_str(),
            "destinations": dests.iter().map(|d| serde_json::json!({
                "ip": d.ip, "port": d.port, "probability": d.probability
            })).collect::<Vec<_>>(),
            "masquerade": trace.masquerade(),
            "path": path,
            "branches": branches,
        });
        format!("{}\n", serde_json::to_string_pretty(&v).unwrap_or_default())
    } else {
        let mut out = String::new();
        let dst_text = match dst {
            IpAddr::V6(v6) => format!("[{v6}]:{dport}"),
            IpAddr::V4(v4) => format!("{v4}:{dport}"),
        };
        out.push_str(&format!(
            "packet {src} -> {dst_text}/{} on node {} (from {})\n",
            proto.lower(),
            node.name,
            match origin {
                Origin::FromPod => "a pod",
                Origin::FromNode => "the node itself",
                Origin::FromOutside => "outside the cluster",
            }
        ));
        if let Some(first) = trace.outcomes.first() {
            for s in first.path.iter().take(prefix) {
                out.push_str(&step_line(s));
                out.push('\n');
            }
        }
        if trace.outcomes.len() > 1 {
            for (i, o) in trace.outcomes.iter().enumerate() {
                out.push_str(&format!(
                    "branch {} of {} ({}):\n",
                    i + 1,
                    trace.outcomes.len(),
                    pct(o.share)
                ));
                for s in o.path.iter().skip(prefix) {
                    out.push_str(&format!("  {}\n", step_line(s)));
                }
            }
        }
        let verdict = trace.verdict();
        out.push_str(&format!(
            "verdict: {} ({})\n",
            verdict.as_str(),
            match verdict {
                proxy::Verdict::Dnat => "destination rewritten to a Service endpoint",
                proxy::Verdict::Reject => {
                    "rejected with ICMP port unreachable: the client sees \"connection refused\" at once"
                }
                proxy::Verdict::Drop => "dropped: the client times out",
                proxy::Verdict::Accept => "accepted by a kube-proxy rule",
                proxy::Verdict::None => {
                    "no kube-proxy rule changed it: the packet keeps its original destination"
                }
            }
        ));
        if !dests.is_empty() {
            out.push_str("destinations:\n");
            for d in &dests {
                let hp = if d.ip.contains(':') {
                    format!("[{}]:{}", d.ip, d.port)
                } else {
                    format!("{}:{}", d.ip, d.port)
                };
                out.push_str(&format!("  {hp:<24} {}\n", pct(d.probability)));
            }
        }
        let masq_share: f64 = trace.outcomes.iter().filter(|o| o.masquerade).map(|o| o.share).sum();
        let masq = if !trace.masquerade() {
            "no (the source address is kept)".to_string()
        } else if trace.outcomes.iter().all(|o| o.masquerade) {
            "yes (source NAT to the node's address in POSTROUTING)".to_string()
        } else {
            format!(
                "in {} of the branches ({}): source NAT to the node's address in POSTROUTING",
                trace.outcomes.iter().filter(|o| o.masquerade).count(),
                pct(masq_share)
            )
        };
        out.push_str(&format!("masquerade: {masq}\n"));
        if trace.truncated {
            out.push_str("note: the walk was cut short (too many branches or nested chains)\n");
        }
        out
    };
    Ok(Output { stdout, stderr: b.stderr, code: 0 })
}
