//! `netsim get`: kubectl-style listings of the simulated cluster (docs/cli.md).

use netsim::cluster::print::{self, Kind, Row, J};
use netsim::cluster::{self, Cluster};

use super::{render_diagnostics, source_files};
use crate::{Args, Input, Output, UsageError};

pub(crate) const HELP: &str = "\
netsim get — list objects of the simulated cluster, as kubectl get does

Usage: netsim get KIND[,KIND...] [NAME...] -f PATH... [-n NS | -A] [-l SELECTOR]
                  [-o wide|yaml|json|name] [--event EVENT]...

Kinds (kubectl names and short forms): pods (po), services (svc), endpoints (ep),
endpointslices, nodes (no), namespaces (ns), deployments (deploy), replicasets (rs),
statefulsets (sts), daemonsets (ds), events (ev).

Options:
  -n, --namespace NS     namespace to list (default: default)
  -A, --all-namespaces   every namespace; adds a NAMESPACE column
  -l, --selector SEL     kubectl label selector: a=b, a==b, a!=b, 'a in (x,y)', 'a notin (x)',
                         a, !a (comma-separated, all must hold)
  -o, --output FORMAT    wide (extra columns), yaml or json (objects with allocated and
                         defaulted fields, a `kind: List` unless one NAME is given), name
                         (KIND/NAME lines)
      --event EVENT      apply a what-if event before listing (repeatable, in order):
                           delete-pod/[NS/]POD              the Pod's controller replaces it
                           scale/KIND/[NS/]NAME=N           deployment, replicaset, statefulset
                           pod-ready/[NS/]POD=true|false    flip the Pod's Ready condition
                           node-down/NODE                   NotReady, Pods evicted and replaced
                           label/KIND/[NS/]NAME:KEY=VALUE   set a label (KEY- removes it);
                                                            KIND pod, service, node, deployment…
                         `netsim get events --event …` shows what the controllers did.

Columns and cells are kubectl's (pkg/printers/internalversion/printers.go); AGE is left
out (the simulator has no clock). Rows are sorted by namespace and name. Node VERSION,
OS-IMAGE, KERNEL-VERSION and CONTAINER-RUNTIME are fixed kind-like values.
Events are listed as TYPE REASON OBJECT MESSAGE, in the order they happened (LAST SEEN left
out); -o yaml|json prints them as v1 Events.

JSON (-o json) is the objects as the Kubernetes API shows them (apiVersion, kind, metadata,
spec, status; camelCase), a List {apiVersion, items, kind, metadata} for several.

Exit status: 0 success; 1 the input has errors (diagnostics on stderr) or a named object
does not exist; 2 bad usage.
";

enum Target {
    Kind(Kind),
    Events,
}

fn event_rows(c: &Cluster, ns: Option<&str>) -> Vec<(String, Vec<String>)> {
    c.events
        .iter()
        .filter(|e| ns.is_none_or(|n| e.namespace == n))
        .map(|e| {
            (
                e.namespace.clone(),
                vec![
                    e.type_.as_str().into(),
                    e.reason.clone(),
                    e.object.clone(),
                    e.message.clone(),
                ],
            )
        })
        .collect()
}

pub(crate) fn run(a: &Args, inputs: &[Input]) -> Result<Output, UsageError> {
    a.only(&["namespace", "all-namespaces", "selector", "output", "event"])?;
    let output = a.output_in(&["wide", "yaml", "json", "name"])?;
    let spec = a.positional(0, "resource type (e.g. netsim get pods)")?;
    let mut targets = Vec::new();
    for k in spec.split(',') {
        let lk = k.to_ascii_lowercase();
        if lk == "events" || lk == "event" || lk == "ev" {
            targets.push(Target::Events);
            continue;
        }
        match Kind::parse(k) {
            Some(kind) => targets.push(Target::Kind(kind)),
            None => {
                return Err(UsageError(format!("the server doesn't have a resource type \"{k}\"")))
            }
        }
    }
    let names: Vec<&str> = a.positionals.iter().skip(1).map(String::as_str).collect();
    if !names.is_empty() && targets.len() > 1 {
        return Err(UsageError("names cannot be given with several resource types (use KIND/NAME lists one kind at a time)".into()));
    }
    let all = a.flag("all-namespaces");
    if all && a.value("namespace").is_some() {
        return Err(UsageError("-n and -A cannot be used together".into()));
    }
    let ns = a.value("namespace").unwrap_or("default").to_string();
    let selector = netsim::select::parse(a.value("selector").unwrap_or("")).map_err(UsageError)?;
    let mut events = Vec::new();
    for e in a.options.get("event").map(Vec::as_slice).unwrap_or(&[]) {
        events.push(cluster::parse_event(e, &ns).map_err(UsageError)?);
    }

    let files = source_files(inputs);
    let loaded = netsim::manifest::load(&files);
    let mut c = cluster::build(&loaded.accepted());
    let built = c.diagnostics.len();
    for e in &events {
        c = cluster::apply(&c, e);
    }
    let mut diags = loaded.diagnostics;
    diags.extend(c.diagnostics.iter().take(built).cloned());
    let (mut stderr, has_errors) = render_diagnostics(&files, &diags);
    let mut code = i32::from(has_errors);
    // Problems of the --event what-ifs are about the command, worded as kubectl words them.
    for d in c.diagnostics.iter().skip(built) {
        if d.code == "unknown-object" {
            stderr.push_str(&format!("Error from server (NotFound): {}\n", d.message));
        } else {
            stderr.push_str(&format!("error: {}\n", d.message));
        }
        code = 1;
    }

    let wide = output == Some("wide");
    let several = targets.len() > 1;
    let mut tables: Vec<String> = Vec::new();
    let mut objects: Vec<J> = Vec::new();
    let mut name_lines = String::new();
    let mut any_namespaced = false;
    for t in &targets {
        match t {
            Target::Events => {
                any_namespaced = true;
                let rows = event_rows(&c, if all { None } else { Some(ns.as_str()) });
                if rows.is_empty() {
                    continue;
                }
                if matches!(output, Some("yaml" | "json" | "name")) {
                    for (i, e) in c.events.iter().enumerate() {
                        if !all && e.namespace != ns {
                            continue;
                        }
                        let j = print::event_json(e, i);
                        if output == Some("name") {
                            if let J::Obj(fields) = &j {
                                let name = fields.iter().find(|(k, _)| k == "metadata").and_then(
                                    |(_, m)| match m {
                                        J::Obj(m) => m
                                            .iter()
                                            .find(|(k, _)| k == "name")
                                            .map(|(_, v)| v.clone()),
                                        _ => None,
                                    },
                                );
                                if let Some(J::Str(n)) = name {
                                    name_lines.push_str(&format!("event/{n}\n"));
                                }
                            }
                        } else {
                            objects.push(j);
                        }
                    }
                    continue;
                }
                let mut lines = Vec::new();
                let mut head: Vec<String> =
                    ["TYPE", "REASON", "OBJECT", "MESSAGE"].iter().map(|s| s.to_string()).collect();
                if all {
                    head.insert(0, "NAMESPACE".into());
                }
                lines.push(head);
                for (n, mut cells) in rows {
                    if all {
                        cells.insert(0, n);
                    }
                    lines.push(cells);
                }
                tables.push(print::tabulate(&lines));
            }
            Target::Kind(kind) => {
                let kind = *kind;
                any_namespaced |= kind.namespaced();
                let rows: Vec<Row> = print::rows(&c, kind, wide)
                    .into_iter()
                    .filter(|r| !kind.namespaced() || all || r.namespace == ns)
                    .filter(|r| names.is_empty() || names.contains(&r.name.as_str()))
                    .filter(|r| selector.matches(&r.labels))
                    .collect();
                for n in &names {
                    if !rows.iter().any(|r| r.name == *n) {
                        stderr.push_str(&format!(
                            "Error from server (NotFound): {} \"{n}\" not found\n",
                            kind.plural()
                        ));
                        code = 1;
                    }
                }
                if rows.is_empty() {
                    continue;
                }
                match output {
                    Some("yaml" | "json") => objects.extend(rows.into_iter().map(|r| r.object)),
                    Some("name") => {
                        for r in rows {
                            name_lines.push_str(&format!("{}/{}\n", kind.prefix(), r.name));
                        }
                    }
                    _ => tables.push(print::table(kind, rows, all, wide, several)),
                }
            }
        }
    }
    let stdout = match output {
        Some("yaml" | "json") => {
            let doc = if names.len() == 1 && objects.len() == 1 {
                objects.remove(0)
            } else {
                print::list(objects)
            };
            if output == Some("json") {
                print::to_json(&doc)
            } else {
                print::to_yaml(&doc)
            }
        }
        Some("name") => name_lines,
        _ => {
            if tables.is_empty() && names.is_empty() {
                if !all && any_namespaced {
                    stderr.push_str(&format!("No resources found in {ns} namespace.\n"));
                } else {
                    stderr.push_str("No resources found\n");
                }
            }
            tables.join("\n")
        }
    };
    Ok(Output { stdout, stderr, code })
}
