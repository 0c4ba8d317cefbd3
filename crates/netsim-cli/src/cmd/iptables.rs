//! `netsim iptables --node NODE [--format restore|save]`: the rules kube-proxy (iptables mode)
//! writes on that node (docs/cli.md).

use netsim::session::{to_json, RuleFormat, Session};

use super::render_diagnostics;
use crate::{Args, Input, Output, UsageError};

pub(crate) const HELP: &str = "\
netsim iptables — the rules kube-proxy (iptables mode) writes on a node

Usage: netsim iptables -f <PATH>... --node NODE [--format restore|save] [--event EVENT]... [-o json]

Options:
  --node NODE         the node whose rules to print (required)
  --format restore    what kube-proxy feeds to iptables-restore (default): filter and nat
                      tables, ':CHAIN - [0:0]' lines, rules in kube-proxy's order, COMMIT
  --format save       what 'iptables-save' shows on the node afterwards: built-in chains and
                      kube-proxy's jump rules, chains in name order, /32 prefixes, -p before the
                      matches, 11-decimal probabilities, MARK --set-xmark
  --event EVENT       apply a what-if event first (repeatable; see 'netsim get --help')
  -o json             {\"node\", \"mode\", \"clusterMode\", \"format\", \"text\",
                       \"largeClusterMode\", \"highlight\"}: mode iptables, clusterMode the
                       mode the cluster's kube-proxy runs, text the rules above, highlight []
                       (line numbers of one Service's rules, for the page)

Settings come from the KubeProxyConfiguration in the input (mode, clusterCIDR, masqueradeBit,
masqueradeAll, localhostNodePorts, nodePortAddresses). On a node whose kube-proxy runs in
nftables mode this prints one line naming the mode and exits 2: use 'netsim nftables'.
";

/// The `--node` value (required).
pub(crate) fn node_arg<'a>(a: &'a Args, session: &Session) -> Result<&'a str, UsageError> {
    a.value("node").ok_or_else(|| {
        let names: Vec<&str> =
            session.objects().nodes.iter().map(|n| n.meta.name.as_str()).collect();
        UsageError(format!("--node is required; nodes: {}", names.join(", ")))
    })
}

/// What the node's rules could not express, rendered as warnings after `warnings`.
pub(crate) fn notes(session: &Session, node: &str, warnings: &mut String) {
    if let Ok((spanned, plain)) = session.rule_notes(node) {
        warnings.push_str(&render_diagnostics(session.files(), &spanned).0);
        for p in plain {
            warnings.push_str(&p);
            warnings.push('\n');
        }
    }
}

pub(crate) fn run(a: &Args, inputs: &[Input]) -> Result<Output, UsageError> {
    run_mode(a, inputs, &["restore", "save"])
}

/// `netsim iptables` and `netsim nftables`: the formats of one mode (the first is the default).
pub(crate) fn run_mode(a: &Args, inputs: &[Input], formats: &[&str]) -> Result<Output, UsageError> {
    a.only(&["filename", "node", "format", "output", "event"])?;
    let json = a.output_in(&["json"])?.is_some();
    let format = a.value("format").unwrap_or(formats[0]);
    let Some(format) = RuleFormat::parse(format).filter(|_| formats.contains(&format)) else {
        return Err(UsageError(format!(
            "invalid --format '{format}': use {}",
            formats.join(" or ")
        )));
    };
    let events = super::what_ifs(a, "default")?;
    let (session, mut warnings) = match super::session(inputs, &events) {
        Ok(s) => s,
        Err(out) => return Ok(out),
    };
    let node = node_arg(a, &session)?;
    let rules = match session.rules(node, Some(format), None) {
        Ok(r) => r,
        Err(e) => return super::ask_failed(e, warnings),
    };
    notes(&session, node, &mut warnings);
    let stdout = if json { to_json(&rules) } else { rules.text };
    Ok(Output { stdout, stderr: warnings, code: 0 })
}
