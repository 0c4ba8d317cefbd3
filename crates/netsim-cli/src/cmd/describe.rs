//! `netsim describe KIND [NAME] [-n NS]`: kubectl's describe layout for one object (or every
//! object of the kind in the namespace), from the same core renderer as the page's kubectl view.

use netsim::session::to_json;

use crate::{Args, Input, Output, UsageError};

pub(crate) const HELP: &str = "\
netsim describe — show one object of the simulated cluster, as kubectl describe does

Usage: netsim describe KIND [NAME] -f PATH... [-n NS] [--event EVENT]... [-o json]
       netsim describe KIND/NAME -f PATH... [-n NS] [--event EVENT]... [-o json]

Kinds (kubectl names and short forms): services (svc), pods (po), endpoints (ep),
endpointslices, nodes (no), deployments (deploy), replicasets (rs), statefulsets (sts),
daemonsets (ds), replicationcontrollers (rc), networkpolicies (netpol). Without
NAME, every object of the kind in the namespace, separated by a blank line, as kubectl prints
them. A NetworkPolicy shows how Kubernetes reads it: each rule's ports and peers (a peer with
both selectors is one peer: NamespaceSelector and PodSelector together), and \"Not affecting
egress traffic\" for a direction its policy types leave out.

The layout is kubectl's (kubectl pkg/describe/describe.go, aligned as its tabwriter aligns):
for a Service Name, Namespace, Labels, Annotations, Selector, Type, IP Family Policy, IP
Families, IP, IPs, Port, TargetPort, NodePort, Endpoints (the ready Pod addresses, where the
Debug Services task sends you), Session Affinity, Events. Left out, since the simulation has
no clock or does not model them: times (Start Time, CreationTimestamp, Created on), container
and image IDs, the service-account token volume, a node's capacity and probes; events' Age is
<unknown>. A Pod's containers show their command, args, limits and requests and environment,
and the Pod its QoS Class; a Deployment the status its controller posts (replicas, the
Available and Progressing conditions, its ReplicaSet).

Options:
  -n, --namespace NS   the object's namespace (default: default)
      --event EVENT    apply a what-if event first (repeatable, in order), as for 'netsim get':
                       delete-pod/[NS/]POD, grace-over/[NS/]POD, force-delete-pod/[NS/]POD,
                       scale/KIND/[NS/]NAME=N, pod-ready/[NS/]POD=true|false, node-down/NODE,
                       label/KIND/[NS/]NAME:KEY=VALUE (see 'netsim get --help')
  -o json              {\"kind\", \"text\", \"problems\"}: the API kind described, the text above,
                       and the lines also printed on stderr (the API server's warning for v1
                       Endpoints, No resources found in NS namespace.)

Exit status: 0 success (also when a namespace has none of the kind: 'No resources found' on
stderr); 1 the input has errors or the named object does not exist (Error from server
(NotFound) on stderr); 2 bad usage (an unknown kind, or one describe does not simulate).
";

pub(crate) fn run(a: &Args, inputs: &[Input]) -> Result<Output, UsageError> {
    a.only(&["namespace", "output", "event"])?;
    let json = a.output_in(&["json"])?.is_some();
    let first = a.positional(0, "resource type (e.g. netsim describe service web)")?;
    let (kind, name) = match first.split_once('/') {
        Some((k, n)) if a.positionals.len() == 1 && !k.is_empty() && !n.is_empty() => (k, Some(n)),
        Some(_) => {
            return Err(UsageError(
                "there is no need to specify a resource type as a separate argument when passing arguments in resource/name form".into(),
            ))
        }
        None => (first, a.positionals.get(1).map(String::as_str)),
    };
    if a.positionals.len() > 2 {
        return Err(UsageError(format!(
            "netsim describe takes one NAME (got '{}')",
            a.positionals[1..].join(" ")
        )));
    }
    let ns = a.value("namespace").unwrap_or("default");
    let events = super::what_ifs(a, ns)?;
    let session = netsim::session::Session::with_what_ifs(super::source_files(inputs), &events);
    let (mut stderr, code) = super::listing_diagnostics(&session);
    let d = match session.describe(kind, name, a.value("namespace")) {
        Ok(d) => d,
        Err(e) if e.usage => return Err(UsageError(e.message)),
        Err(e) => {
            stderr.push_str(&e.message);
            stderr.push('\n');
            return Ok(Output { stdout: String::new(), stderr, code: 1 });
        }
    };
    for p in &d.problems {
        stderr.push_str(p);
        stderr.push('\n');
    }
    let stdout = if json { to_json(&d) } else { d.text };
    Ok(Output { stdout, stderr, code })
}
