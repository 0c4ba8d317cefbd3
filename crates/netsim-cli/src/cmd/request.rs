//! `netsim request FROM TARGET [--count N] [--seed S]`: the end-to-end trace of one request
//! (or N), one line per hop, then the outcome with its reason and fix.

use std::fmt::Write as _;

use netsim::request::{parse_source, parse_target, Network, Options, Report, MAX_COUNT};
use serde_json::json;

use super::{render_diagnostics, source_files};
use crate::{Args, Input, Output, UsageError};

pub(crate) const HELP: &str = "\
netsim request — send a request through the simulated cluster and follow every hop

Usage: netsim request FROM TARGET [--count N] [--seed S] -f PATH... [-o json]

FROM:    pod/NAME or pod/NAMESPACE/NAME, optionally :CONTAINER (pod/shop/web-0:sidecar);
         node/NAME (a process on the node); external (a client outside the cluster, 203.0.113.10)
TARGET:  host:port or a URL (http:// defaults to port 80, https:// to 443). The host is a
         Service short name, name.namespace, a fully qualified name, a ClusterIP, a Pod IP,
         localhost, a node IP (with a NodePort), a load-balancer IP or an externalIP.

The trace follows the real mechanisms: the resolver's search walk and the DNS query routed to a
CoreDNS Pod through the kube-dns Service, then the netfilter path on the entry node (nat
PREROUTING for Pods, OUTPUT for the node itself) walked through kube-proxy's rules, DNAT, the
route to the Pod's node, SNAT where kube-proxy masquerades, and delivery into the container that
declares the port (a declared containerPort is what the simulation treats as listening).
The outcome is one of connected, refused, timeout, nxdomain; each is a result (exit 0).

Options:
  --count N   send N requests (1..100000) and show how they spread over the endpoints
  --seed S    seed of kube-proxy's random endpoint choice (default 0)
  -o json     {\"outcome\",\"reason\",\"fix\",\"hops\":[{\"kind\",\"text\",\"rule\",\"node\"}],
              \"endpoint\":{\"pod\",\"container\",\"ip\",\"port\",\"node\",\"sourceIp\"}|null,
              \"distribution\":[{\"pod\",\"ip\",\"port\",\"probability\",\"count\"}],\"outcomes\":{…}}
";

pub(crate) fn run(a: &Args, inputs: &[Input]) -> Result<Output, UsageError> {
    a.only(&["filename", "output", "count", "seed"])?;
    let json_out = a.output_in(&["json"])?.is_some();
    let from_text = a.positional(0, "FROM")?;
    let target_text = a.positional(1, "TARGET")?;
    if a.positionals.len() > 2 {
        return Err(UsageError(format!("unexpected argument '{}'", a.positionals[2])));
    }
    let count = match a.value("count") {
        None => 1,
        Some(v) => match v.parse::<u32>() {
            Ok(n) if (1..=MAX_COUNT).contains(&n) => n,
            _ => {
                return Err(UsageError(format!(
                    "--count must be a number from 1 to {MAX_COUNT}, not '{v}'"
                )))
            }
        },
    };
    let seed = match a.value("seed") {
        None => 0,
        Some(v) => v
            .parse::<u64>()
            .map_err(|_| UsageError(format!("--seed must be a non-negative number, not '{v}'")))?,
    };
    let from = parse_source(from_text).map_err(|e| UsageError(e.message))?;
    let target = parse_target(target_text).map_err(|e| UsageError(e.message))?;
    let files = source_files(inputs);
    let loaded = netsim::manifest::load(&files);
    let cluster = netsim::cluster::build(&loaded.accepted());
    let mut diags = loaded.diagnostics;
    diags.extend(cluster.diagnostics.iter().cloned());
    let (warnings, errors) = render_diagnostics(&files, &diags);
    if errors {
        return Ok(Output { stdout: String::new(), stderr: warnings, code: 1 });
    }
    let net = Network::new(&cluster.objects, &cluster.settings);
    let report = match net.request(&from, &target, &Options { count, seed }) {
        Ok(r) => r,
        Err(e) => {
            return Ok(Output {
                stdout: String::new(),
                stderr: format!("{warnings}error: {}\n", e.message),
                code: 1,
            })
        }
    };
    let stdout = if json_out {
        to_json(&report)
    } else {
        human(from_text, target_text, &target, &report, count, seed)
    };
    Ok(Output { stdout, stderr: warnings, code: 0 })
}

fn human(
    from: &str,
    to: &str,
    target: &netsim::request::Target,
    r: &Report,
    count: u32,
    seed: u64,
) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "request {from} → {to} (port {}/TCP)", target.port);
    for h in &r.hops {
        let _ = writeln!(out, "{:<8}{}", h.kind, h.text);
    }
    let _ = writeln!(out, "\noutcome: {}", r.outcome.as_str());
    if let Some(e) = &r.endpoint {
        let c = e.container.as_deref().map(|c| format!(" container {c}")).unwrap_or_default();
        let src = e.source_ip.map(|s| format!(", sees source {s}")).unwrap_or_default();
        let _ = writeln!(
            out,
            "endpoint: {}{c} {}{src}",
            e.pod,
            if e.ip.contains(':') {
                format!("[{}]:{}", e.ip, e.port)
            } else {
                format!("{}:{}", e.ip, e.port)
            }
        );
    }
    let _ = writeln!(out, "reason: {}", r.reason);
    if !r.fix.is_empty() {
        let _ = writeln!(out, "fix: {}", r.fix);
    }
    if count > 1 {
        let outcomes: Vec<String> = r.outcomes.iter().map(|(k, v)| format!("{k} {v}")).collect();
        let _ = writeln!(out, "\n{count} requests (seed {seed}): {}", outcomes.join(", "));
        for d in &r.distribution {
            let pod = if d.pod.is_empty() { "-".to_string() } else { d.pod.clone() };
            let _ =
                writeln!(out, "  {pod}  {}:{}  p={:.5}  {}", d.ip, d.port, d.probability, d.count);
        }
    }
    out
}

fn to_json(r: &Report) -> String {
    let v = json!({
        "outcome": r.outcome.as_str(),
        "reason": r.reason,
        "fix": r.fix,
        "hops": r.hops.iter().map(|h| json!({"kind": h.kind, "text": h.text, "rule": h.rule, "node": h.node})).collect::<Vec<_>>(),
        "endpoint": r.endpoint.as_ref().map(|e| json!({
            "pod": e.pod, "container": e.container, "ip": e.ip, "port": e.port, "node": e.node,
            "sourceIp": e.source_ip.map(|s| s.to_string()),
        })),
        "distribution": r.distribution.iter().map(|d| json!({
            "pod": d.pod, "ip": d.ip, "port": d.port,
            "probability": (d.probability * 1e10).round() / 1e10, "count": d.count,
        })).collect::<Vec<_>>(),
        "outcomes": r.outcomes,
    });
    let mut s = serde_json::to_string_pretty(&v).unwrap_or_default();
    s.push('\n');
    s
}
