//! `netsim request FROM TARGET [--count N] [--seed S]`: the end-to-end trace of one request
//! (or N), one line per hop, then the outcome with its reason and fix.

use netsim::request::{parse_source, parse_target, Options, MAX_COUNT};
use netsim::session::to_json;

use crate::{Args, Input, Output, UsageError};

pub(crate) const HELP: &str = "\
netsim request — send a request through the simulated cluster and follow every hop

Usage: netsim request FROM TARGET [--count N] [--seed S] [--event EVENT]... -f PATH... [-o json]

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
The outcome is one of connected, refused, timeout, nxdomain, or unknown where the manifests
cannot decide it (the request leaves the cluster, e.g. through an ExternalName CNAME; the
container declares no ports, so whether its process listens is not known); each is a result
(exit 0). The node's kube-proxy mode (KubeProxyConfiguration mode: iptables or nftables) decides
which rules are walked.

Options:
  --count N        send N requests (1..100000) and show how they spread over the endpoints
  --seed S         seed of kube-proxy's random endpoint choice (default 0)
  --event EVENT    apply a what-if event first (repeatable, in order; see 'netsim get --help'):
                   delete-pod/[NS/]POD, grace-over/[NS/]POD, force-delete-pod/[NS/]POD,
                   scale/KIND/[NS/]NAME=N, pod-ready/[NS/]POD=true|false, node-down/NODE,
                   label/KIND/[NS/]NAME:KEY=VALUE; one that cannot happen ends with status 1
  -o json          {\"outcome\", \"reason\", \"fix\", \"from\", \"target\", \"port\", \"sourceZone\"?,
                   \"count\", \"seed\",
                   \"hops\": [{\"kind\", \"text\", \"rule\", \"node\", \"policies\"?}],
                   \"endpoint\": {\"pod\": {\"kind\", \"namespace\", \"name\"}|null, \"host\"?,
                   \"container\", \"ip\", \"port\", \"node\", \"sourceIp\"}|null,
                   \"distribution\": [{\"pod\", \"zone\"?, \"ip\", \"port\", \"probability\",
                   \"count\"}],
                   \"outcomes\": {OUTCOME: count}, \"path\": [{\"kind\", \"namespace\", \"name\"}],
                   \"policies\": [{\"name\": \"NS/NAME\", \"kind\", \"direction\": \"egress\"|\"ingress\",
                   \"effect\": \"allow\"|\"deny\"|\"pass\"}]}
                   outcome is connected, refused, timeout, nxdomain or unknown; hop kinds are
                   client, resolv, resolve, dns, answer, enter, nat, filter, route, snat,
                   policy (with the policies it weighed), deliver, note; host (the node
                   process or outside host reached) only when there is one; distribution and
                   outcomes only with --count above 1; sourceZone and each endpoint's zone
                   when the nodes have topology.kubernetes.io/zone; path lists the client,
                   the Service and the Pod that answered; policies lists every NetworkPolicy
                   or ClusterNetworkPolicy (kind) that took part (a request a policy drops
                   ends timeout)
";

pub(crate) fn run(a: &Args, inputs: &[Input]) -> Result<Output, UsageError> {
    a.only(&["filename", "output", "count", "seed", "event"])?;
    let json_out = a.output_in(&["json"])?.is_some();
    let from = a.positional(0, "FROM")?;
    let target = a.positional(1, "TARGET")?;
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
    // The arguments are checked before the input is read.
    parse_source(from).map_err(|e| UsageError(e.message))?;
    parse_target(target).map_err(|e| UsageError(e.message))?;
    let events = super::what_ifs(a, "default")?;
    let (session, warnings) = match super::session(inputs, &events) {
        Ok(s) => s,
        Err(out) => return Ok(out),
    };
    let report = match session.request(from, target, Options { count, seed }) {
        Ok(r) => r,
        Err(e) => return super::ask_failed(e, warnings),
    };
    let stdout = if json_out { to_json(&report) } else { report.text() };
    Ok(Output { stdout, stderr: warnings, code: 0 })
}
