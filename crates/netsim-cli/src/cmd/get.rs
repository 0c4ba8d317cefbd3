//! `netsim get`: kubectl-style listings of the simulated cluster (docs/cli.md).

use netsim::session::{GetFormat, GetRequest};

use crate::{Args, Input, Output, UsageError};

pub(crate) const HELP: &str = "\
netsim get — list objects of the simulated cluster, as kubectl get does

Usage: netsim get KIND[,KIND...] [NAME...] -f PATH... [-n NS | -A] [-l SELECTOR]
                  [-o wide|yaml|json|name] [--show-labels] [--event EVENT]...
       netsim get KIND/NAME... -f PATH... [options]   (kubectl's TYPE/NAME form, in order)

Kinds (kubectl names, short forms, with or without the group): pods (po), services (svc),
endpoints (ep), endpointslices, nodes (no), namespaces (ns), deployments (deploy), replicasets
(rs), statefulsets (sts), daemonsets (ds), replicationcontrollers (rc), networkpolicies
(netpol), clusternetworkpolicies (cnp), events (ev), and all: kubectl's \"all\" category (pods, replicationcontrollers,
services, daemonsets, deployments, replicasets, statefulsets; rows as pod/NAME, service/NAME,
deployment.apps/NAME).

Options:
  -n, --namespace NS     namespace to list (default: default)
  -A, --all-namespaces   every namespace; adds a NAMESPACE column
  -l, --selector SEL     kubectl label selector: a=b, a==b, a!=b, 'a in (x,y)', 'a notin (x)',
                         a, !a (comma-separated, all must hold)
      --show-labels      add kubectl's LABELS column last (k=v,k2=v2 or <none>)
  -o, --output FORMAT    wide (extra columns), yaml or json (objects with allocated and
                         defaulted fields, a `kind: List` unless one NAME is given), name
                         (KIND/NAME lines)
      --event EVENT      apply a what-if event before listing (repeatable, in order):
                           delete-pod/[NS/]POD              graceful deletion: the Pod shows
                                                            Terminating for its grace period,
                                                            its endpoint stays serving and
                                                            terminating; its controller
                                                            replaces it
                           grace-over/[NS/]POD              the deleted Pod's grace period is
                                                            over: it and its endpoint are gone
                           force-delete-pod/[NS/]POD        kubectl delete --grace-period=0
                                                            --force: gone at once
                           scale/KIND/[NS/]NAME=N           deployment, replicaset, statefulset,
                                                            replicationcontroller (rc)
                           pod-ready/[NS/]POD=true|false    flip the Pod's Ready condition
                           node-down/NODE                   NotReady, Pods evicted and replaced
                           label/KIND/[NS/]NAME:KEY=VALUE   set a label (KEY- removes it);
                                                            KIND pod, service, node, deployment…
                         `netsim get events --event …` shows what the controllers did.

Columns and cells are kubectl's (pkg/printers/internalversion/printers.go); AGE is left
out (the simulator has no clock). Rows are sorted by namespace and name. Node VERSION is the
cluster's Kubernetes release (or the node's status.nodeInfo.kubeletVersion); OS-IMAGE,
KERNEL-VERSION and CONTAINER-RUNTIME are fixed kind-like values unless the input gives the
node's status.nodeInfo (then its fields; an empty one <unknown>). networkpolicies: NAME
POD-SELECTOR; clusternetworkpolicies: NAME TIER PRIORITY (the CRD's printer columns). Listing
v1 Endpoints prints the API
server's deprecation warning on stderr (v1.33+), as kubectl does.
Events are listed as TYPE REASON OBJECT MESSAGE, in the order they happened (LAST SEEN left
out); -o yaml|json prints them as v1 Events.

JSON (-o json) is the objects as the Kubernetes API shows them (apiVersion, kind, metadata,
spec, status; camelCase; keys sorted, as kubectl prints them), a List {apiVersion, items,
kind, metadata} for several.

Exit status: 0 success; 1 the input has errors (diagnostics on stderr), a named object
does not exist, or the -l selector does not parse (the API server's BadRequest, as kubectl
prints it); 2 bad usage.
";

pub(crate) fn run(a: &Args, inputs: &[Input]) -> Result<Output, UsageError> {
    a.only(&["namespace", "all-namespaces", "selector", "output", "event", "show-labels"])?;
    let output = a.output_in(&["wide", "yaml", "json", "name"])?;
    let kinds = a.positional(0, "resource type (e.g. netsim get pods)")?;
    let ns = a.value("namespace").unwrap_or("default");
    let q = GetRequest {
        kinds: kinds.to_string(),
        names: a.positionals.iter().skip(1).cloned().collect(),
        namespace: a.value("namespace").map(str::to_string),
        all_namespaces: a.flag("all-namespaces"),
        selector: a.value("selector").unwrap_or("").to_string(),
        output: output.and_then(GetFormat::parse).unwrap_or_default(),
        show_labels: a.flag("show-labels"),
    };
    // The question is checked before the input is read (an unknown kind is a usage error).
    netsim::session::check_get(&q).map_err(|e| UsageError(e.message))?;
    let events = super::what_ifs(a, ns)?;
    let session = netsim::session::Session::with_what_ifs(super::source_files(inputs), &events);
    let (mut stderr, mut code) = super::listing_diagnostics(&session);
    let listing = session.get(&q).map_err(|e| UsageError(e.message))?;
    for p in &listing.problems {
        stderr.push_str(p);
        stderr.push('\n');
    }
    if !listing.ok {
        code = 1;
    }
    Ok(Output { stdout: listing.text, stderr, code })
}
