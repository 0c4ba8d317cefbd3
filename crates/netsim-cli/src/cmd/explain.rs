//! `netsim explain SERVICE [-n NS]`: the Debug Services checklist for one Service.

use std::fmt::Write as _;

use netsim::request::{explain, Network};
use serde_json::json;

use super::{render_diagnostics, source_files};
use crate::{Args, Input, Output, UsageError};

pub(crate) const HELP: &str = "\
netsim explain — the Debug Services checklist for one Service

Usage: netsim explain SERVICE [-n NAMESPACE] -f PATH... [-o json]

One ✓/✗ row per check of the official \"Debug Services\" task, with the evidence under it and a
fix for each ✗: the Service exists (and in which namespace); its selector against every Pod of
the namespace (which pair is missing or different, near-miss spellings); targetPorts resolved
per Pod and protocol; readiness; endpoints; the DNS names that work and from where; the
kube-proxy rules on each node; LoadBalancer status and externalTrafficPolicy Local coverage.

Options:
  -n, --namespace NS  the Service's namespace (default: default)
  -o json             {\"service\":{\"namespace\",\"name\"},\"ok\":bool,
                       \"checks\":[{\"id\",\"result\":\"pass\"|\"fail\"|\"info\",\"title\",\"evidence\":[…],\"fix\"}]}
";

pub(crate) fn run(a: &Args, inputs: &[Input]) -> Result<Output, UsageError> {
    a.only(&["filename", "output", "namespace"])?;
    let json_out = a.output_in(&["json"])?.is_some();
    let name = a.positional(0, "SERVICE")?;
    if a.positionals.len() > 1 {
        return Err(UsageError(format!("unexpected argument '{}'", a.positionals[1])));
    }
    let (ns, name) = match name.split_once('/') {
        Some((ns, n)) if a.value("namespace").is_none() => (ns.to_string(), n.to_string()),
        _ => (a.value("namespace").unwrap_or("default").to_string(), name.to_string()),
    };
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
    let e = explain(&net, &ns, &name);
    let ok = e.checks.iter().all(|c| c.mark != netsim::request::Mark::Fail);
    let stdout = if json_out {
        let v = json!({
            "service": {"namespace": e.namespace, "name": e.name},
            "ok": ok,
            "checks": e.checks.iter().map(|c| json!({
                "id": c.id, "result": c.mark.as_str(), "title": c.title,
                "evidence": c.evidence, "fix": c.fix,
            })).collect::<Vec<_>>(),
        });
        let mut s = serde_json::to_string_pretty(&v).unwrap_or_default();
        s.push('\n');
        s
    } else {
        let mut out = String::new();
        let _ = writeln!(out, "Debug Services checklist for {}/{}", e.namespace, e.name);
        for c in &e.checks {
            let _ = writeln!(out, "{} {}", c.mark.symbol(), c.title);
            for l in &c.evidence {
                let _ = writeln!(out, "    {l}");
            }
            if !c.fix.is_empty() {
                let _ = writeln!(out, "    fix: {}", c.fix);
            }
        }
        out
    };
    Ok(Output { stdout, stderr: warnings, code: 0 })
}
