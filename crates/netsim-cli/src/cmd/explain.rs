//! `netsim explain SERVICE [-n NS]`: the Debug Services checklist for one Service.

use netsim::session::to_json;

use crate::{Args, Input, Output, UsageError};

pub(crate) const HELP: &str = "\
netsim explain — the Debug Services checklist for one Service

Usage: netsim explain SERVICE [-n NAMESPACE] [--event EVENT]... -f PATH... [-o json]

One ✓/✗ row per check of the official \"Debug Services\" task, with the evidence under it and a
fix for each ✗: the Service exists (and in which namespace); its selector against every Pod of
the namespace (which pair is missing or different, near-miss spellings); targetPorts resolved
per Pod and protocol; readiness; endpoints; the NetworkPolicies that isolate its Pods for
ingress (when the cluster has any); the DNS names that work and from where; the kube-proxy
rules on each node; LoadBalancer status and externalTrafficPolicy Local coverage.

Options:
  -n, --namespace NS  the Service's namespace (default: default)
  --event EVENT       apply a what-if event first (repeatable; see 'netsim get --help')
  -o json             {\"service\": {\"kind\", \"namespace\", \"name\"}, \"ok\",
                       \"checks\": [{\"id\", \"result\": \"pass\"|\"fail\"|\"info\", \"title\",
                       \"evidence\": [...], \"fix\"}]}; ok is true when no check failed
";

pub(crate) fn run(a: &Args, inputs: &[Input]) -> Result<Output, UsageError> {
    a.only(&["filename", "output", "namespace", "event"])?;
    let json_out = a.output_in(&["json"])?.is_some();
    let name = a.positional(0, "SERVICE")?;
    if a.positionals.len() > 1 {
        return Err(UsageError(format!("unexpected argument '{}'", a.positionals[1])));
    }
    let (ns, name) = match name.split_once('/') {
        Some((ns, n)) if a.value("namespace").is_none() => (ns.to_string(), n.to_string()),
        _ => (a.value("namespace").unwrap_or("default").to_string(), name.to_string()),
    };
    let events = super::what_ifs(a, a.value("namespace").unwrap_or("default"))?;
    let (session, warnings) = match super::session(inputs, &events) {
        Ok(s) => s,
        Err(out) => return Ok(out),
    };
    let e = session.explain(&ns, &name);
    let stdout = if json_out { to_json(&e) } else { e.text() };
    Ok(Output { stdout, stderr: warnings, code: 0 })
}
