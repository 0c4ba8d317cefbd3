//! `netsim graph [-o svg|json|dot] [-A]`: the topology the playground draws, from the same view
//! model (`netsim::view::topology`), so the CLI and the page never disagree.

use crate::{Args, Input, Output, UsageError};

pub(crate) const HELP: &str = "\
netsim graph — the topology the playground draws

Usage: netsim graph -f <PATH>... [-o svg|json|dot] [-A]

Prints the cluster as the playground draws it: nodes holding their Pods, Services with their
type, ClusterIP, ports and DNS name, edges from each Service to the Pods behind it (dashed:
Pods that miss the selector by one label), entry points from outside and ExternalName targets.

Options:
  -o, --output FORMAT   svg (default: a standalone picture for slides and documents),
                        json (the view model, camelCase) or dot (Graphviz: dot -Tpng)
  -A, --all-namespaces  also draw the built-in system objects (default/kubernetes, CoreDNS)
";

pub(crate) fn run(a: &Args, inputs: &[Input]) -> Result<Output, UsageError> {
    a.only(&["output", "all-namespaces"])?;
    let format = a.output_in(&["svg", "json", "dot"])?.unwrap_or("svg");
    if let Some(p) = a.positionals.first() {
        return Err(UsageError(format!("unexpected argument '{p}'")));
    }
    let (session, stderr) = match super::session(inputs, &[]) {
        Ok(s) => s,
        Err(out) => return Ok(out),
    };
    let options = netsim::view::Options { system: a.flag("all-namespaces") };
    let c = session.cluster();
    let t = netsim::view::topology(&c.objects, &c.settings.dns_domain, options);
    let stdout = match format {
        "json" => netsim::session::to_json(&t),
        "dot" => netsim::view::dot(&t),
        _ => netsim::view::svg(&t),
    };
    Ok(Output { stdout, stderr, code: 0 })
}
