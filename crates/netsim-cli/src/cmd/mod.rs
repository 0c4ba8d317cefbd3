//! One module per subcommand (docs/cli.md). Each exposes `run(&Args, &[Input]) -> Result<Output, UsageError>`.

mod check;
mod describe;
mod get;

use crate::{Args, Input, Output, UsageError};

mod dns;
mod explain;
mod graph;
mod iptables;
mod nftables;
mod packet;
mod request;
mod resolv_conf;

pub(crate) const USAGE: &str = "\
netsim — Kubernetes Service networking, simulated from your manifests

Usage: netsim <COMMAND> -f <PATH>... [OPTIONS]

Commands:
  check        print every diagnostic in the input (--format kubectl: as kubectl apply would)
  get          kubectl get: pods, services, endpoints, endpointslices, nodes, namespaces,
               workloads, replicationcontrollers, networkpolicies,
               clusternetworkpolicies, events, all
  describe     kubectl describe: services, pods, endpoints, endpointslices, nodes,
               deployments, replicasets, statefulsets, daemonsets, rc, networkpolicies
  dns          resolve a name as a Pod's resolver would, query by query (any query type)
  resolv-conf  a Pod's /etc/resolv.conf
  iptables     the rules kube-proxy (iptables mode) writes on a node
  nftables     the rules kube-proxy (nftables mode) writes on a node
  packet       walk one packet through a node's rules (the node's kube-proxy mode)
  request      an end-to-end request: DNS, rules, routing, delivery
  explain      the Debug Services checklist for one Service
  graph        the topology the playground draws (json, svg, dot)

Common options:
  -f, --filename PATH  input file, directory (read in name order) or - for stdin; repeatable
  -o, --output FORMAT  json on every command (keys in each command's help); other formats per
                       command
      --event EVENT    a what-if event applied first (get, describe, dns, packet, request,
                       iptables, nftables, explain): delete-pod/POD, grace-over/POD, scale/…
  -h, --help           help for netsim or for one command

Exit status: 0 success, 1 the input has errors, 2 bad usage.
Run 'netsim <COMMAND> --help' for the options of one command.
";

pub(crate) fn help(command: Option<&str>) -> String {
    match command {
        None => USAGE.to_string(),
        Some(c) => match COMMANDS.iter().find(|(name, _, _)| *name == c) {
            Some((_, help, _)) => (*help).to_string(),
            None => USAGE.to_string(),
        },
    }
}

type Runner = fn(&Args, &[Input]) -> Result<Output, UsageError>;

/// (name, help text, runner).
const COMMANDS: &[(&str, &str, Runner)] = &[
    ("check", check::HELP, check::run),
    ("get", get::HELP, get::run),
    ("describe", describe::HELP, describe::run),
    ("dns", dns::HELP, dns::run),
    ("resolv-conf", resolv_conf::HELP, resolv_conf::run),
    ("iptables", iptables::HELP, iptables::run),
    ("nftables", nftables::HELP, nftables::run),
    ("packet", packet::HELP, packet::run),
    ("request", request::HELP, request::run),
    ("explain", explain::HELP, explain::run),
    ("graph", graph::HELP, graph::run),
];

pub(crate) fn dispatch(a: &Args, inputs: &[Input]) -> Result<Output, UsageError> {
    let Some(command) = a.command.as_deref() else {
        return Err(UsageError("no command given".into()));
    };
    match COMMANDS.iter().find(|(name, _, _)| *name == command) {
        Some((_, _, runner)) => runner(a, inputs),
        None => Err(UsageError(format!("unknown command '{command}'"))),
    }
}

/// Builds the diagnostics' source table from the CLI inputs.
pub(crate) fn source_files(inputs: &[Input]) -> netsim::diagnostic::SourceFiles {
    let mut files = netsim::diagnostic::SourceFiles::default();
    for i in inputs {
        files.add(i.name.clone(), i.text.clone());
    }
    files
}

/// Renders diagnostics for stderr, in the order given. Returns the text and whether any is an error.
pub(crate) fn render_diagnostics(
    files: &netsim::diagnostic::SourceFiles,
    diagnostics: &[netsim::diagnostic::Diagnostic],
) -> (String, bool) {
    let mut out = String::new();
    let mut errors = false;
    for d in diagnostics {
        out.push_str(&files.render(d));
        errors |= d.severity == netsim::diagnostic::Severity::Error;
    }
    (out, errors)
}

/// The session over the inputs (with what-if `events` applied), and the input's diagnostics
/// rendered for stderr; input errors, and what-if events that could not happen, end the command
/// with status 1.
pub(crate) fn session(
    inputs: &[Input],
    events: &[netsim::cluster::WhatIf],
) -> Result<(netsim::session::Session, String), Output> {
    let session = netsim::session::Session::with_what_ifs(source_files(inputs), events);
    let (rendered, errors) = render_diagnostics(session.files(), session.diagnostics());
    if errors {
        return Err(Output { stdout: String::new(), stderr: rendered, code: 1 });
    }
    // A what-if that could not happen (an unknown Pod, a grace period of a Pod not deleted):
    // the question would be about another cluster than the one asked for.
    let (stderr, code) = listing_diagnostics(&session);
    if code != 0 {
        return Err(Output { stdout: String::new(), stderr, code });
    }
    Ok((session, rendered))
}

/// The `--event` what-ifs of a command (`ns` is the namespace of names without one).
pub(crate) fn what_ifs(a: &Args, ns: &str) -> Result<Vec<netsim::cluster::WhatIf>, UsageError> {
    let mut events = Vec::new();
    for e in a.options.get("event").map(Vec::as_slice).unwrap_or(&[]) {
        events.push(netsim::cluster::parse_event(e, ns).map_err(UsageError)?);
    }
    Ok(events)
}

/// What `get` and `describe` print on stderr before their answer, and their status so far: the
/// input's diagnostics (status 1 on errors; the accepted objects are still listed, as kubectl
/// lists what the API server took), then what the `--event` what-ifs could not do, worded as
/// kubectl words it (status 1).
pub(crate) fn listing_diagnostics(session: &netsim::session::Session) -> (String, i32) {
    let (mut stderr, has_errors) = render_diagnostics(session.files(), session.diagnostics());
    let mut code = i32::from(has_errors);
    for d in session.what_if_diagnostics() {
        if d.code == "unknown-object" {
            stderr.push_str(&format!("Error from server (NotFound): {}\n", d.message));
        } else {
            stderr.push_str(&format!("error: {}\n", d.message));
        }
        code = 1;
    }
    (stderr, code)
}

/// A question the session could not answer: a usage error (status 2), or the message after
/// the warnings with status 1.
pub(crate) fn ask_failed(
    e: netsim::session::AskError,
    warnings: String,
) -> Result<Output, UsageError> {
    if e.code == "wrong-proxy-mode" {
        // docs/cli.md: one line naming the node's mode, status 2.
        let stderr = format!("{warnings}error: {}\n", e.message);
        return Ok(Output { stdout: String::new(), stderr, code: 2 });
    }
    if e.usage {
        return Err(UsageError(e.message));
    }
    let line = if e.message.starts_with("Error from server") {
        e.message
    } else {
        format!("error: {}", e.message)
    };
    Ok(Output { stdout: String::new(), stderr: format!("{warnings}{line}\n"), code: 1 })
}

#[cfg(test)]
mod tests {
    use crate::{run, Input};

    const INPUT: &str = "apiVersion: v1\nkind: Pod\nmetadata: {name: client}\nspec:\n  nodeName: kind-worker\n  containers: [{name: shell, image: busybox}]\n---\napiVersion: v1\nkind: Pod\nmetadata: {name: web, labels: {app: web}}\nspec:\n  containers: [{name: web, image: nginx, ports: [{containerPort: 80}]}]\n---\napiVersion: v1\nkind: Service\nmetadata: {name: web}\nspec: {selector: {app: web}, ports: [{port: 80}]}\n";

    fn json_of(args: &str, extra: &str) -> serde_json::Value {
        let argv: Vec<String> = args.split_whitespace().map(String::from).collect();
        let inputs = [Input { name: "in.yaml".into(), text: format!("{INPUT}{extra}") }];
        let out = run(&argv, &inputs);
        assert_eq!(out.code, 0, "{args}: {}", out.stderr);
        serde_json::from_str(&out.stdout).unwrap_or_else(|e| panic!("{args}: {e}"))
    }

    /// Object keys at every depth, except inside values that are maps of names (`outcomes`)
    /// or tagged variants the help text abbreviates (`result`, `outcome` of a DNS query).
    fn keys(v: &serde_json::Value, out: &mut Vec<String>) {
        match v {
            serde_json::Value::Object(m) => {
                for (k, x) in m {
                    out.push(k.clone());
                    if !matches!(k.as_str(), "outcomes" | "result" | "outcome") {
                        keys(x, out);
                    }
                }
            }
            serde_json::Value::Array(a) => a.iter().for_each(|x| keys(x, out)),
            _ => {}
        }
    }

    /// Every command's `--help` documents the JSON keys its `-o json` prints (docs/cli.md).
    #[test]
    fn help_documents_the_json_keys() {
        let nft = "---\napiVersion: kubeproxy.config.k8s.io/v1alpha1\nkind: KubeProxyConfiguration\nmode: nftables\n";
        let netpol = "---\napiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: deny}\nspec: {podSelector: {}, policyTypes: [Ingress]}\n";
        let zones = "---\napiVersion: v1\nkind: Node\nmetadata: {name: kind-worker, labels: {topology.kubernetes.io/zone: a}}\nstatus: {addresses: [{type: InternalIP, address: 172.18.0.3}]}\n";
        let cases = [
            ("check -o json", ""),
            ("describe svc web -o json", ""),
            ("dns web --from client -o json", ""),
            ("resolv-conf client -o json", ""),
            ("iptables --node kind-worker -o json", ""),
            ("nftables --node kind-worker -o json", nft),
            ("packet --node kind-worker --src 10.244.1.2 --dst 10.107.138.14:80 -o json", ""),
            ("packet --node kind-worker --src 10.244.1.2 --dst 10.107.138.14:80 -o json", nft),
            ("request pod/client http://web/ --count 4 -o json", ""),
            ("request pod/client http://web/ -o json", nft),
            ("request pod/client http://web/ -o json", netpol),
            ("request pod/client http://web/ --count 3 -o json", zones),
            ("explain web -o json", ""),
        ];
        for (args, extra) in cases {
            let command = args.split_whitespace().next().unwrap_or_default();
            let help = super::help(Some(command));
            let mut found = Vec::new();
            keys(&json_of(args, extra), &mut found);
            for k in found {
                assert!(
                    help.contains(&format!("\"{k}\"")),
                    "netsim {command} --help lacks \"{k}\""
                );
            }
        }
    }

    /// The top-level help lists every command.
    #[test]
    fn usage_lists_every_command() {
        for (name, help, _) in super::COMMANDS {
            assert!(
                super::USAGE.contains(&format!("\n  {name} ")),
                "{name} missing from netsim --help"
            );
            assert!(help.starts_with(&format!("netsim {name} — ")), "{name}");
        }
    }
}
