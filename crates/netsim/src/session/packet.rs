//! The answer to a packet question (`netsim packet`): one packet walked through a node's
//! kube-proxy rules, every probability branch followed — and its one text rendering.

use serde::{Deserialize, Serialize};

use crate::proxy::{Destination, Packet, Step, Trace, Verdict};

/// One way the packet can go after the path all branches share.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Branch {
    /// The share of new connections that take it.
    pub probability: f64,
    pub verdict: Verdict,
    /// `ip:port` of the DNAT, if any.
    pub destination: Option<String>,
    pub masquerade: bool,
    /// The steps after the shared path.
    pub path: Vec<Step>,
}

/// The walk (`netsim packet -o json`, docs/cli.md).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct PacketWalk {
    pub node: String,
    /// Where the packet comes from: `pod`, `node` or `outside` (which decides the first hook).
    pub from: String,
    pub src: String,
    /// `ip:port` (`[v6]:port`).
    pub dst: String,
    pub proto: crate::model::Protocol,
    /// DNAT when any branch is DNATed, otherwise the first branch's verdict.
    pub verdict: Verdict,
    /// Every possible DNAT target in rule order, with its share.
    pub destinations: Vec<Destination>,
    /// Whether any branch is masqueraded.
    pub masquerade: bool,
    /// The steps every branch shares: `{table, chain, rule, probability, note}`.
    pub path: Vec<Step>,
    pub branches: Vec<Branch>,
    /// The walk hit a bound (nesting, branches) and stopped.
    pub truncated: bool,
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

fn host_port(ip: &str, port: u16) -> String {
    if ip.contains(':') {
        format!("[{ip}]:{port}")
    } else {
        format!("{ip}:{port}")
    }
}

fn pct(p: f64) -> String {
    format!("{:.1}%", p * 100.0)
}

impl PacketWalk {
    pub(super) fn new(node: &str, packet: &Packet, trace: &Trace) -> PacketWalk {
        let prefix = common_prefix(trace);
        PacketWalk {
            node: node.to_string(),
            from: packet.origin.as_str().to_string(),
            src: packet.src.to_string(),
            dst: host_port(&packet.dst.to_string(), packet.dport),
            proto: packet.proto,
            verdict: trace.verdict(),
            destinations: trace.destinations(),
            masquerade: trace.masquerade(),
            path: trace
                .outcomes
                .first()
                .map(|o| o.path.iter().take(prefix).cloned().collect())
                .unwrap_or_default(),
            branches: trace
                .outcomes
                .iter()
                .map(|o| Branch {
                    probability: o.share,
                    verdict: o.verdict,
                    destination: o.dnat.clone(),
                    masquerade: o.masquerade,
                    path: o.path.iter().skip(prefix).cloned().collect(),
                })
                .collect(),
            truncated: trace.truncated,
        }
    }

    /// The walk as `netsim packet` prints it.
    pub fn text(&self) -> String {
        let mut out = format!(
            "packet {} -> {}/{} on node {} (from {})\n",
            self.src,
            self.dst,
            self.proto.lower(),
            self.node,
            match self.from.as_str() {
                "pod" => "a pod",
                "node" => "the node itself",
                _ => "outside the cluster",
            }
        );
        for s in &self.path {
            out.push_str(&step_line(s));
            out.push('\n');
        }
        if self.branches.len() > 1 {
            for (i, b) in self.branches.iter().enumerate() {
                out.push_str(&format!(
                    "branch {} of {} ({}):\n",
                    i + 1,
                    self.branches.len(),
                    pct(b.probability)
                ));
                for s in &b.path {
                    out.push_str(&format!("  {}\n", step_line(s)));
                }
            }
        }
        out.push_str(&format!(
            "verdict: {} ({})\n",
            self.verdict.as_str(),
            verdict_words(self.verdict)
        ));
        if !self.destinations.is_empty() {
            out.push_str("destinations:\n");
            for d in &self.destinations {
                out.push_str(&format!(
                    "  {:<24} {}\n",
                    host_port(&d.ip, d.port),
                    pct(d.probability)
                ));
            }
        }
        let masq_share: f64 =
            self.branches.iter().filter(|b| b.masquerade).map(|b| b.probability).sum();
        let masq = if !self.masquerade {
            "no (the source address is kept)".to_string()
        } else if self.branches.iter().all(|b| b.masquerade) {
            "yes (source NAT to the node's address in POSTROUTING)".to_string()
        } else {
            format!(
                "in {} of the branches ({}): source NAT to the node's address in POSTROUTING",
                self.branches.iter().filter(|b| b.masquerade).count(),
                pct(masq_share)
            )
        };
        out.push_str(&format!("masquerade: {masq}\n"));
        if self.truncated {
            out.push_str("note: the walk was cut short (too many branches or nested chains)\n");
        }
        out
    }
}

fn verdict_words(v: Verdict) -> &'static str {
    match v {
        Verdict::Dnat => "destination rewritten to a Service endpoint",
        Verdict::Reject => {
            "rejected with ICMP port unreachable: the client sees \"connection refused\" at once"
        }
        Verdict::Drop => "dropped: the client times out",
        Verdict::Accept => "accepted by a kube-proxy rule",
        Verdict::None => "no kube-proxy rule changed it: the packet keeps its original destination",
    }
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
