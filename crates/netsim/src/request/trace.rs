//! The request trace: client → name resolution → netfilter on the entry node → route →
//! SNAT → delivery, one [`Hop`] per step, ending in one [`Outcome`].
//!
//! Sources for the behaviour: kubernetes-networking.md §8 (what a request does), §7.5 (who is
//! masqueraded), §7.7 (traffic policies), §6.3 (search walk); the routing model is the flat pod
//! network every CNI must provide (each node owns its pod CIDR; Pod IPs are routed between nodes
//! without NAT — "Cluster Networking", kubernetes/website `cluster-administration/networking.md`).

use std::collections::BTreeMap;
use std::net::IpAddr;

use serde::{Deserialize, Serialize};

use super::{Host, Network, RequestError, Source, Target};
use crate::dns::{
    query_packet, resolv_conf, resolve, DnsSource, Outcome as DnsOutcome, RecordType, ResolvConf,
    WalkResult,
};
use crate::model::{Pod, Protocol, Service, ServiceType};
use crate::policy::{Decision, Direction, Peer, PolicyEffect, PolicyKind};
use crate::proxy::{AffinityState, Origin, Packet, SplitMix64, Verdict};
use crate::session::ObjectRef;

/// The address the simulated outside client uses (TEST-NET-3, RFC 5737).
pub const EXTERNAL_CLIENT_IP: IpAddr = IpAddr::V4(std::net::Ipv4Addr::new(203, 0, 113, 10));
/// At most this many requests per call.
pub const MAX_COUNT: u32 = 100_000;

/// How many requests and which random stream.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Options {
    /// Number of requests (1 = one trace; more adds the distribution). Clamped to [`MAX_COUNT`].
    pub count: u32,
    /// Seed of the endpoint choice (kube-proxy's `-m statistic --mode random`).
    pub seed: u64,
}

impl Default for Options {
    fn default() -> Self {
        Options { count: 1, seed: 0 }
    }
}

/// How a request ends (`netsim request`, docs/cli.md): the one outcome type of the core, also
/// what scenarios promise and challenges require.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase", try_from = "String")]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub enum Outcome {
    /// A container accepted the connection.
    Connected,
    /// Refused at once (a REJECT rule, or nothing listening on a declared-port container).
    Refused,
    /// Dropped somewhere: the client waits and gives up.
    Timeout,
    /// The name does not resolve.
    #[serde(rename = "nxdomain")]
    NxDomain,
    /// The manifests cannot decide it (the request leaves the cluster; the container declares
    /// no ports, so whether its process listens is not known).
    Unknown,
}

impl Outcome {
    pub const ALL: [Outcome; 5] = [
        Outcome::Connected,
        Outcome::Refused,
        Outcome::Timeout,
        Outcome::NxDomain,
        Outcome::Unknown,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Outcome::Connected => "connected",
            Outcome::Refused => "refused",
            Outcome::Timeout => "timeout",
            Outcome::NxDomain => "nxdomain",
            Outcome::Unknown => "unknown",
        }
    }

    /// Parses the JSON spelling (`connected`, `nxdomain`, …).
    pub fn parse(s: &str) -> Option<Outcome> {
        Outcome::ALL.into_iter().find(|o| o.as_str() == s)
    }

    /// The headline the page shows.
    pub fn title(self) -> &'static str {
        match self {
            Outcome::Connected => "✓ Connected",
            Outcome::Refused => "✗ Connection refused",
            Outcome::Timeout => "✗ Timed out",
            Outcome::NxDomain => "✗ Name not found (NXDOMAIN)",
            Outcome::Unknown => "? Unknown: the manifests cannot decide",
        }
    }
}

from_name!(Outcome: Outcome::Connected, Outcome::Refused, Outcome::Timeout, Outcome::NxDomain, Outcome::Unknown);

impl std::fmt::Display for Outcome {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// What a hop of the trace is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase", try_from = "String")]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub enum HopKind {
    /// Where the request starts: the client Pod, container, node or outside client.
    Client,
    /// The client's resolver configuration (its `/etc/resolv.conf`).
    Resolv,
    /// A query of the resolver's search walk and its rcode.
    Resolve,
    /// The DNS query itself on its way to a CoreDNS Pod (kube-dns Service, rules, route).
    Dns,
    /// The address the resolver returned.
    Answer,
    /// The packet entering the node that handles it (from a Pod's veth, the node itself, or
    /// the outside).
    Enter,
    /// A matched rule in the nat table (DNAT, the Service and endpoint chains).
    Nat,
    /// A matched rule in the filter table (REJECT, DROP, ACCEPT).
    Filter,
    /// The packet crossing the node network, or leaving it.
    Route,
    /// Source NAT (MASQUERADE) on the way out of a node.
    Snat,
    /// NetworkPolicy / ClusterNetworkPolicy judging the connection (egress at the client,
    /// ingress at the destination Pod), with the policies that took part.
    Policy,
    /// Delivery into a container (or why there is none).
    Deliver,
    /// An explanation that is not a step (hairpin, a caveat).
    Note,
}

impl HopKind {
    pub fn as_str(self) -> &'static str {
        match self {
            HopKind::Client => "client",
            HopKind::Resolv => "resolv",
            HopKind::Resolve => "resolve",
            HopKind::Dns => "dns",
            HopKind::Answer => "answer",
            HopKind::Enter => "enter",
            HopKind::Nat => "nat",
            HopKind::Filter => "filter",
            HopKind::Route => "route",
            HopKind::Snat => "snat",
            HopKind::Policy => "policy",
            HopKind::Deliver => "deliver",
            HopKind::Note => "note",
        }
    }
}
from_name!(HopKind: HopKind::Client, HopKind::Resolv, HopKind::Resolve, HopKind::Dns, HopKind::Answer, HopKind::Enter, HopKind::Nat, HopKind::Filter, HopKind::Route, HopKind::Snat, HopKind::Policy, HopKind::Deliver, HopKind::Note);

/// One step of the trace.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Hop {
    pub kind: HopKind,
    /// One line for people.
    pub text: String,
    /// The rule behind it, as written in the node's rules (for `nat`/`filter` hops).
    pub rule: Option<String>,
    /// The node the hop happens on, if any.
    pub node: Option<String>,
    /// For `policy` hops: every policy that took part, and what it did.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub policies: Vec<PolicyEffect>,
}

/// Who received the request.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Endpoint {
    /// The Pod that accepted it (`None` when the request left the cluster or reached a node's
    /// own process).
    pub pod: Option<ObjectRef>,
    /// The host outside the cluster, or the node process, that the request reached instead.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub host: Option<String>,
    pub container: Option<String>,
    pub ip: String,
    pub port: u16,
    pub node: Option<String>,
    /// The client address the server sees (after any SNAT).
    pub source_ip: Option<IpAddr>,
}

impl Endpoint {
    /// A host outside the cluster at `host:port` (its name or address), seen from `source_ip`.
    fn outside(host: String, port: u16, source_ip: Option<IpAddr>) -> Endpoint {
        Endpoint {
            pod: None,
            ip: host.clone(),
            host: Some(host),
            container: None,
            port,
            node: None,
            source_ip,
        }
    }

    /// `ns/name` of the Pod, or the host.
    pub fn who(&self) -> String {
        match (&self.pod, &self.host) {
            (Some(p), _) => p.to_string(),
            (None, Some(h)) => h.clone(),
            (None, None) => String::new(),
        }
    }
}

/// How `count` requests spread over the endpoints.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Share {
    /// The Pod with that address (`None` if no Pod has it).
    pub pod: Option<ObjectRef>,
    /// The zone of the Pod's node (`topology.kubernetes.io/zone`), when it has one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub zone: Option<String>,
    pub ip: String,
    pub port: u16,
    /// The share the rules give this endpoint (product of the statistic probabilities),
    /// rounded to 10 decimals.
    pub probability: f64,
    /// How many of the simulated requests went there.
    pub count: u32,
}

/// The result of a request (`netsim request -o json`).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Report {
    pub outcome: Outcome,
    /// Why, in one or two sentences.
    pub reason: String,
    /// What to change, in one sentence (empty when nothing needs fixing).
    pub fix: String,
    /// The source as asked (`pod/NS/NAME`, `node/NAME`, `external`).
    pub from: String,
    /// The target as asked (`host:port` or a URL).
    pub target: String,
    /// The destination port.
    pub port: u16,
    /// The zone of the client's node (`topology.kubernetes.io/zone`), when it has one: topology
    /// hints (trafficDistribution) keep traffic there.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source_zone: Option<String>,
    /// How many requests were sent, and the seed of kube-proxy's random choices.
    pub count: u32,
    pub seed: u64,
    pub hops: Vec<Hop>,
    pub endpoint: Option<Endpoint>,
    /// Present when more than one request was sent.
    pub distribution: Vec<Share>,
    /// Outcome counts over all requests, when more than one was sent.
    pub outcomes: BTreeMap<Outcome, u32>,
    /// The objects the request went through, in order: the client (Pod or Node), the Service
    /// it addressed (if any), the Pod that answered (if any).
    pub path: Vec<ObjectRef>,
    /// Every NetworkPolicy / ClusterNetworkPolicy that took part (the DNS query's and the
    /// connection's), in the order the packets met them (docs/cli.md `policies`).
    pub policies: Vec<PolicyEffect>,
}

impl Report {
    /// The trace as `netsim request` prints it: a line per hop, the outcome, the endpoint, the
    /// reason and the fix, then (for several requests) how they spread.
    pub fn text(&self) -> String {
        use std::fmt::Write as _;
        let mut out = String::new();
        let _ = writeln!(out, "request {} → {} (port {}/TCP)", self.from, self.target, self.port);
        for h in &self.hops {
            let _ = writeln!(out, "{:<8}{}", h.kind.as_str(), h.text);
        }
        let _ = writeln!(out, "\noutcome: {}", self.outcome.as_str());
        if let Some(e) = &self.endpoint {
            let c = e.container.as_deref().map(|c| format!(" container {c}")).unwrap_or_default();
            let src = e.source_ip.map(|s| format!(", sees source {s}")).unwrap_or_default();
            let _ = writeln!(out, "endpoint: {}{c} {}{src}", e.who(), join_hp(&e.ip, e.port));
        }
        let _ = writeln!(out, "reason: {}", self.reason);
        if !self.fix.is_empty() {
            let _ = writeln!(out, "fix: {}", self.fix);
        }
        if self.count > 1 {
            let outcomes: Vec<String> =
                self.outcomes.iter().map(|(k, v)| format!("{} {v}", k.as_str())).collect();
            let _ = writeln!(
                out,
                "\n{} requests (seed {}): {}",
                self.count,
                self.seed,
                outcomes.join(", ")
            );
            if let Some(z) = &self.source_zone {
                let _ = writeln!(out, "  (from zone {z})");
            }
            for d in &self.distribution {
                let pod = d.pod.as_ref().map_or("-".to_string(), ToString::to_string);
                let zone = d.zone.as_deref().map(|z| format!("  zone {z}")).unwrap_or_default();
                let _ = writeln!(
                    out,
                    "  {pod}  {}:{}{zone}  p={:.5}  {}",
                    d.ip, d.port, d.probability, d.count
                );
            }
        }
        out
    }
}

/// The client, looked up.
struct Client<'a> {
    pod: Option<&'a Pod>,
    container: Option<String>,
    ip: IpAddr,
    node: Option<usize>,
    origin: Origin,
    label: String,
}

/// The result of one connection attempt (after name resolution).
struct Conn {
    outcome: Outcome,
    reason: String,
    fix: String,
    hops: Vec<Hop>,
    endpoint: Option<Endpoint>,
}

fn hop(kind: HopKind, text: String, node: Option<&str>) -> Hop {
    Hop { kind, text, rule: None, node: node.map(str::to_string), policies: Vec::new() }
}

fn svc_name(s: &Service) -> String {
    format!("{}/{}", s.meta.namespace, s.meta.name)
}

fn pod_name(p: &Pod) -> String {
    format!("{}/{}", p.meta.namespace, p.meta.name)
}

fn pod_ref(p: &Pod) -> ObjectRef {
    ObjectRef::pod(&p.meta.namespace, &p.meta.name)
}

fn join_hp(ip: &str, port: u16) -> String {
    if ip.contains(':') {
        format!("[{ip}]:{port}")
    } else {
        format!("{ip}:{port}")
    }
}

pub(super) fn request(
    net: &Network<'_>,
    from: &Source,
    target: &Target,
    opts: &Options,
) -> Result<Report, RequestError> {
    let mut r = trace(net, from, target, opts)?;
    r.port = target.port;
    r.source_zone = match find_client(net, from) {
        Ok(c) => c.node.and_then(|i| net.nodes.get(i)).and_then(|n| n.info.zone.clone()),
        Err(_) => None,
    };
    for h in &r.hops {
        for p in &h.policies {
            if !r.policies.contains(p) {
                r.policies.push(p.clone());
            }
        }
    }
    Ok(r)
}

fn trace(
    net: &Network<'_>,
    from: &Source,
    target: &Target,
    opts: &Options,
) -> Result<Report, RequestError> {
    let client = find_client(net, from)?;
    let mut hops = vec![hop(HopKind::Client, client_line(net, &client), node_of(net, client.node))];
    // 1. The address: localhost, an IP, or a name through the resolver.
    let ip = match &target.host {
        Host::Localhost => {
            let c = localhost(net, &client, target.port);
            hops.extend(c.hops.iter().cloned());
            let path = path(net, &client, None, target.port, None, c.endpoint.as_ref());
            return Ok(single(c, hops, path, opts));
        }
        Host::Ip(ip) => *ip,
        Host::Name(name) => match resolve_name(net, &client, name, target, &mut hops) {
            Ok(ip) => ip,
            Err(c) => {
                hops.extend(c.hops.iter().cloned());
                let outside = c.endpoint.as_ref().and_then(|e| e.host.as_deref());
                let cname = outside.map(|o| (name.as_str(), o));
                let path = path(net, &client, None, target.port, cname, c.endpoint.as_ref());
                return Ok(single(c, hops, path, opts));
            }
        },
    };
    // 2. The connection, `count` times with one random stream and one affinity state.
    let count = opts.count.clamp(1, MAX_COUNT);
    let mut rng = SplitMix64::new(opts.seed);
    let mut affinity = AffinityState::default();
    let first = connect(net, &client, ip, target.port, Some((&mut rng, &mut affinity)));
    let path = path(net, &client, Some(ip), target.port, None, first.endpoint.as_ref());
    let mut report = Report {
        outcome: first.outcome,
        reason: first.reason,
        fix: first.fix,
        from: String::new(),
        target: String::new(),
        port: 0,
        source_zone: None,
        count,
        seed: opts.seed,
        hops,
        endpoint: first.endpoint,
        distribution: Vec::new(),
        outcomes: BTreeMap::new(),
        path,
        policies: Vec::new(),
    };
    report.hops.extend(first.hops);
    if count > 1 {
        let mut counts: BTreeMap<(String, u16), u32> = BTreeMap::new();
        let mut bump = |r: &Option<Endpoint>, o: Outcome, outcomes: &mut BTreeMap<_, u32>| {
            *outcomes.entry(o).or_insert(0) += 1;
            if let Some(e) = r {
                *counts.entry((e.ip.clone(), e.port)).or_insert(0) += 1;
            }
        };
        bump(&report.endpoint, report.outcome, &mut report.outcomes);
        for _ in 1..count {
            // One second between requests: ClientIP affinity (timeout ≥ 1s) keeps pinning.
            affinity.now = affinity.now.saturating_add(1);
            let c = connect(net, &client, ip, target.port, Some((&mut rng, &mut affinity)));
            bump(&c.endpoint, c.outcome, &mut report.outcomes);
        }
        report.distribution = distribution(net, &client, ip, target.port, &counts);
    }
    Ok(report)
}

/// The report of a request that ends before any connection (every one of `count` ends alike).
fn single(c: Conn, hops: Vec<Hop>, path: Vec<ObjectRef>, opts: &Options) -> Report {
    let mut outcomes = BTreeMap::new();
    if opts.count > 1 {
        outcomes.insert(c.outcome, opts.count.clamp(1, MAX_COUNT));
    }
    Report {
        outcome: c.outcome,
        reason: c.reason,
        fix: c.fix,
        from: String::new(),
        target: String::new(),
        port: 0,
        source_zone: None,
        count: opts.count.clamp(1, MAX_COUNT),
        seed: opts.seed,
        hops,
        endpoint: c.endpoint,
        distribution: Vec::new(),
        outcomes,
        path,
        policies: Vec::new(),
    }
}

fn node_of<'n>(net: &'n Network<'_>, i: Option<usize>) -> Option<&'n str> {
    i.and_then(|i| net.nodes.get(i)).map(|n| n.name.as_str())
}

fn client_line(net: &Network<'_>, c: &Client<'_>) -> String {
    let on = node_of(net, c.node).map(|n| format!(" on node {n}")).unwrap_or_default();
    match (c.pod, c.origin) {
        (Some(p), Origin::FromNode) => {
            format!(
                "{} ({}, hostNetwork: the node's address){on}",
                c.label,
                p.status.pod_ips.first().map(|i| i.to_string()).unwrap_or_default()
            )
        }
        (Some(_), _) => format!("{} ({}){on}", c.label, c.ip),
        (None, Origin::FromOutside) => {
            format!("{} ({}), a client outside the cluster on the nodes' network", c.label, c.ip)
        }
        (None, _) => format!("{} ({})", c.label, c.ip),
    }
}

fn find_client<'a>(net: &Network<'a>, from: &Source) -> Result<Client<'a>, RequestError> {
    match from {
        Source::Pod { namespace, name, container } => {
            let Some(pod) = net.pod(namespace, name) else {
                let elsewhere: Vec<&str> = net
                    .objects
                    .pods
                    .iter()
                    .filter(|p| p.meta.name == *name)
                    .map(|p| p.meta.namespace.as_str())
                    .take(3)
                    .collect();
                let hint = match elsewhere.first() {
                    Some(ns) => format!(" (there is one in namespace {ns}: pod/{ns}/{name})"),
                    None => String::new(),
                };
                return Err(RequestError::new(
                    "unknown-pod",
                    format!("pod \"{name}\" not found in namespace \"{namespace}\"{hint}"),
                ));
            };
            if let Some(c) = container {
                // Restartable init containers ("sidecars") run beside the app containers too.
                let all: Vec<&str> = pod
                    .spec
                    .containers
                    .iter()
                    .chain(
                        pod.spec
                            .init_containers
                            .iter()
                            .filter(|c| c.restart_policy.as_deref() == Some("Always")),
                    )
                    .map(|c| c.name.as_str())
                    .collect();
                if !all.contains(&c.as_str()) {
                    return Err(RequestError::new(
                        "unknown-container",
                        format!(
                            "container \"{c}\" not found in pod {namespace}/{name} (containers: {})",
                            all.join(", ")
                        ),
                    ));
                }
            }
            let Some(ip) = pod.status.pod_ips.first().copied() else {
                let phase = if pod.status.phase.is_empty() { "Pending" } else { &pod.status.phase };
                return Err(RequestError::new(
                    "pod-has-no-ip",
                    format!("pod {namespace}/{name} has no IP (phase {phase}): it is not running on a node, so it cannot send requests"),
                ));
            };
            let node = pod.spec.node_name.as_deref().and_then(|n| net.node_index(n));
            let label = match container {
                Some(c) => format!("pod/{namespace}/{name}:{c}"),
                None => format!("pod/{namespace}/{name}"),
            };
            Ok(Client {
                pod: Some(pod),
                container: container.clone(),
                ip,
                node,
                origin: if pod.spec.host_network { Origin::FromNode } else { Origin::FromPod },
                label,
            })
        }
        Source::Node { name } => {
            let node = net.node_index(name).ok_or_else(|| {
                let all: Vec<&str> = net.nodes.iter().map(|n| n.name.as_str()).collect();
                RequestError::new(
                    "unknown-node",
                    format!("node \"{name}\" not found (nodes: {})", all.join(", ")),
                )
            })?;
            let ip = net.primary_ip(node).unwrap_or(IpAddr::from([127, 0, 0, 1]));
            Ok(Client {
                pod: None,
                container: None,
                ip,
                node: Some(node),
                origin: Origin::FromNode,
                label: format!("node/{name}"),
            })
        }
        Source::External => Ok(Client {
            pod: None,
            container: None,
            ip: EXTERNAL_CLIENT_IP,
            node: None,
            origin: Origin::FromOutside,
            label: "external".into(),
        }),
    }
}

// ---------------------------------------------------------------------------------------------
// localhost: the client's own network namespace

fn localhost(net: &Network<'_>, client: &Client<'_>, port: u16) -> Conn {
    match client.pod {
        Some(pod) if !pod.spec.host_network => {
            let mut hops = vec![hop(HopKind::Route,
                format!(
                    "localhost:{port} stays inside pod {}: its containers share one network namespace (lo)",
                    pod_name(pod)
                ),
                node_of(net, client.node),
            )];
            let c = deliver(pod, port, Some(client.ip), &mut hops, node_of(net, client.node));
            let listeners = listeners(pod, port, Protocol::Tcp);
            let mut reason = c.reason;
            if listeners.len() > 1 {
                reason.push_str(&format!(
                    " Port clash: containers {} all declare port {port}; they share one network namespace, so only one can bind it — the other fails with \"address already in use\" and restarts.",
                    listeners.join(", ")
                ));
            }
            if c.outcome == Outcome::Connected {
                if let (Some(from), Some(ep)) = (&client.container, &c.endpoint) {
                    if ep.container.as_deref() != Some(from.as_str()) {
                        reason.push_str(&format!(
                            " Container {from} reached container {} over localhost: no Service, no DNS, no NAT.",
                            ep.container.as_deref().unwrap_or("")
                        ));
                    }
                }
            }
            Conn { reason, hops, ..c }
        }
        _ => {
            // The node's (or outside client's) own loopback: kube-proxy's localhost NodePorts
            // (nat OUTPUT → KUBE-SERVICES → KUBE-NODEPORTS for `-d 127.0.0.0/8`).
            match client.node {
                Some(n) => connect_at(
                    net,
                    client,
                    n,
                    IpAddr::from([127, 0, 0, 1]),
                    port,
                    Origin::FromNode,
                    None,
                ),
                None => Conn {
                    outcome: Outcome::Refused,
                    reason: format!("localhost:{port} is the outside client's own machine, not the cluster."),
                    fix: "Send the request to a node IP and NodePort, an externalIP or a load-balancer IP.".into(),
                    hops: Vec::new(),
                    endpoint: None,
                },
            }
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Name resolution

fn host_resolv_conf(net: &Network<'_>) -> ResolvConf {
    let h = &net.resolver.host;
    ResolvConf {
        nameservers: h.nameservers.clone(),
        searches: h.searches.clone(),
        options: h.options.clone(),
        source: DnsSource::Host,
        warnings: Vec::new(),
    }
}

// The Err side is the finished (failed) connection; it is built once per request.
#[allow(clippy::result_large_err)]
fn resolve_name(
    net: &Network<'_>,
    client: &Client<'_>,
    name: &str,
    target: &Target,
    hops: &mut Vec<Hop>,
) -> Result<IpAddr, Conn> {
    let node = node_of(net, client.node);
    let rc = match client.pod {
        Some(p) => resolv_conf(p, net.resolver),
        None => host_resolv_conf(net),
    };
    let cluster_dns = &net.settings.cluster_dns;
    let ns_ip = rc.nameservers.first().and_then(|n| n.parse::<IpAddr>().ok());
    let to_cluster = ns_ip.is_some_and(|ip| cluster_dns.contains(&ip));
    // The settings behind the walk: the client's resolv.conf (kubelet writes it for Pods from
    // dnsPolicy; nodes and outside clients have their own).
    let whose = match client.pod {
        Some(p) => format!(
            "dnsPolicy {}{}",
            if p.spec.dns_policy.is_empty() { "ClusterFirst" } else { &p.spec.dns_policy },
            if p.spec.host_network { ", hostNetwork" } else { "" }
        ),
        None if client.node.is_some() => "the node's own file".into(),
        None => "assumed: the outside client's resolver is the nodes' network gateway".into(),
    };
    let search = if rc.searches.is_empty() { "none".to_string() } else { rc.searches.join(" ") };
    hops.push(hop(
        HopKind::Resolv,
        format!(
            "/etc/resolv.conf: nameserver {}, search {search}, ndots:{} ({whose})",
            rc.nameservers.first().map(String::as_str).unwrap_or("none"),
            rc.ndots()
        ),
        node,
    ));
    // The DNS query itself is a packet: UDP to the kube-dns ClusterIP, through this node's rules.
    if to_cluster {
        if let (Some(pod), Some(n)) = (client.pod, client.node) {
            if let Some(pkt) = query_packet(pod, &rc) {
                let origin = client.origin;
                match dns_path(net, n, pkt.src, pkt.dst, pkt.dst_port, origin) {
                    Ok(line) => {
                        hops.push(hop(HopKind::Dns, line, node));
                        // The query is a connection like any other: the client's egress
                        // policies judge it (and CoreDNS's ingress ones).
                        if let Some(server) = dns_server(net, pkt.dst) {
                            let dest = Peer::Pod(server);
                            let judged = judge(
                                net,
                                client,
                                None,
                                dest,
                                Some(pkt.dst),
                                53,
                                Protocol::Udp,
                                hops,
                                node,
                            );
                            if let Err((d, why, admin)) = judged {
                                return Err(dns_blocked(name, pkt.dst, d, why, admin));
                            }
                        }
                    }
                    Err((line, why)) => {
                        hops.push(hop(HopKind::Dns, line, node));
                        return Err(Conn {
                            outcome: Outcome::Timeout,
                            reason: format!("The name {name} cannot be resolved: the DNS query to {}:53/UDP gets no answer ({why}). Every name fails the same way.", pkt.dst),
                            fix: "Fix the kube-dns Service in kube-system (selector k8s-app=kube-dns, port 53/UDP) and its CoreDNS Pods; check with 'netsim explain kube-dns -n kube-system'.".into(),
                            hops: Vec::new(),
                            endpoint: None,
                        });
                    }
                }
            }
        }
    }
    let walk = resolve(&rc, name, RecordType::A, net.zone, cluster_dns);
    for q in &walk.queries {
        let ans = match (&q.outcome, q.rcode) {
            (DnsOutcome::Answered, Some(rc)) if q.answer.is_empty() => {
                if rc.as_str() == "NOERROR" {
                    "NOERROR, no A record (NODATA)".to_string()
                } else {
                    rc.as_str().to_string()
                }
            }
            (DnsOutcome::Answered, _) => q
                .answer
                .iter()
                .map(|r| format!("{} {}", r.rtype.as_str(), r.data))
                .collect::<Vec<_>>()
                .join(", "),
            (DnsOutcome::Forwarded { upstream }, _) => format!("forwarded upstream ({upstream})"),
            (DnsOutcome::OtherNameserver { nameserver }, _) => {
                format!("sent to {nameserver}, which is not cluster DNS")
            }
            (DnsOutcome::Invalid { error }, _) if q.why.is_empty() => format!("not sent: {error}"),
            (DnsOutcome::Invalid { .. }, _) => format!("not sent: {}", q.why),
        };
        hops.push(hop(HopKind::Resolve, format!("{} A → {ans}", q.name), node));
    }
    match walk.result {
        WalkResult::Resolved { name: found, answers, .. } => {
            let addrs: Vec<IpAddr> =
                answers.iter().filter_map(|r| r.data.parse::<IpAddr>().ok()).collect();
            let cname = answers.iter().find(|r| r.rtype == RecordType::CNAME);
            match (addrs.first(), cname) {
                (Some(ip), _) => {
                    let what = describe_ip(net, *ip);
                    let more = if addrs.len() > 1 {
                        format!(" (first of {} addresses: a headless Service answers with every ready Pod IP, and the client connects to one directly)", addrs.len())
                    } else {
                        String::new()
                    };
                    hops.push(hop(HopKind::Answer, format!("{found} → {ip}{what}{more}"), node));
                    Ok(*ip)
                }
                (None, Some(c)) => Err(external(name, &c.data, target, &found)),
                (None, None) => Err(Conn {
                    outcome: Outcome::NxDomain,
                    reason: format!("{found} answered without an address."),
                    fix: "Query the name with 'netsim dns' to see the records.".into(),
                    hops: Vec::new(),
                    endpoint: None,
                }),
            }
        }
        WalkResult::LeavesCluster { name: n, upstream } => {
            // The last candidate went upstream. A single label, a name under the cluster
            // domain, or one that starts with a Service's name is an in-cluster name that the
            // outside resolver cannot know: treat it as NXDOMAIN there.
            let bare = n.trim_end_matches('.');
            let first = bare.split('.').next().unwrap_or("");
            let in_cluster_like = !bare.contains('.')
                || bare.ends_with(&net.settings.cluster_domain)
                || net.objects.services.iter().any(|s| s.meta.name == first);
            if to_cluster && in_cluster_like {
                let mut c = not_found(net, client, name, false);
                c.reason.push_str(&format!(" The last candidate {n} went to the upstream resolver, which knows nothing of the cluster."));
                Err(c)
            } else if to_cluster {
                Err(external(name, bare, target, &n))
            } else if !in_cluster_like {
                // A public name through the client's own resolver: outside the simulation.
                let who = if client.pod.is_some() { "this Pod" } else if client.node.is_some() { "the node" } else { "the outside client" };
                Err(Conn {
                    outcome: Outcome::Unknown,
                    reason: format!("{who} does not use cluster DNS: its resolver is {upstream}, outside the cluster, so whether {name} resolves (and answers) is not in the manifests."),
                    fix: String::new(),
                    hops: Vec::new(),
                    endpoint: None,
                })
            } else {
                let who = if client.pod.is_some() { "this Pod" } else if client.node.is_some() { "the node" } else { "the outside client" };
                Err(Conn {
                    outcome: Outcome::NxDomain,
                    reason: format!("{who} does not use cluster DNS: its resolver is {upstream}, which knows nothing of Services, so {name} does not resolve there (the simulation stops at the cluster edge)."),
                    fix: if client.pod.is_some() {
                        "Use dnsPolicy ClusterFirst (the default; ClusterFirstWithHostNet for hostNetwork Pods), or connect to the ClusterIP directly.".into()
                    } else {
                        "From a node use the ClusterIP (or a NodePort); from outside use a node IP and NodePort, an externalIP or a load-balancer IP.".into()
                    },
                    hops: Vec::new(),
                    endpoint: None,
                })
            }
        }
        WalkResult::NotFound { nodata, .. } => Err(not_found(net, client, name, nodata)),
        WalkResult::Failed { rcode } => Err(Conn {
            outcome: Outcome::NxDomain,
            reason: format!("The lookup of {name} failed with {}.", rcode.as_str()),
            fix: "Check the CoreDNS configuration (the kube-system/coredns ConfigMap).".into(),
            hops: Vec::new(),
            endpoint: None,
        }),
        WalkResult::InvalidName { error } => Err(Conn {
            outcome: Outcome::NxDomain,
            reason: format!("{name} is not a valid DNS name: {error}."),
            fix: "Use a Service name, name.namespace, or a fully qualified name.".into(),
            hops: Vec::new(),
            endpoint: None,
        }),
        WalkResult::TimedOut { why } => Err(dns_blocked(name, ns_ip.unwrap_or(IpAddr::from([0, 0, 0, 0])), Decision::Denied, why, None)),
        WalkResult::NoNameserver => Err(Conn {
            outcome: Outcome::Timeout,
            reason: format!("The client's resolv.conf has no nameserver, so {name} cannot be looked up."),
            fix: "Give the Pod a nameserver (dnsPolicy ClusterFirst, or dnsConfig.nameservers with dnsPolicy None).".into(),
            hops: Vec::new(),
            endpoint: None,
        }),
    }
}

/// The CoreDNS Pod a query to the cluster DNS address `ip` reaches: the first ready endpoint
/// of the Service that holds it.
pub(crate) fn dns_server<'a>(net: &Network<'a>, ip: IpAddr) -> Option<&'a Pod> {
    let objects = net.objects;
    let svc = net.vips.get(&ip)?.first().and_then(|i| objects.services.get(*i))?;
    objects
        .endpoint_slices
        .iter()
        .filter(|sl| {
            sl.meta.namespace == svc.meta.namespace
                && sl.service_name() == Some(svc.meta.name.as_str())
        })
        .flat_map(|sl| &sl.endpoints)
        .filter(|e| e.conditions.ready.unwrap_or(true))
        .flat_map(|e| &e.addresses)
        .find_map(|a| net.pod_at(*a))
}

/// A DNS query a policy dropped (or could not decide): every name fails the same way, and
/// nslookup says its servers cannot be reached. `admin`: the Admin-tier ClusterNetworkPolicy
/// that denied it.
fn dns_blocked(
    name: &str,
    server: IpAddr,
    d: Decision,
    why: String,
    admin: Option<String>,
) -> Conn {
    if d == Decision::Unknown {
        return Conn {
            outcome: Outcome::Unknown,
            reason: format!("Whether the DNS query for {name} to {server}:53/UDP gets through is not decided by the manifests: {why}"),
            fix: String::new(),
            hops: Vec::new(),
            endpoint: None,
        };
    }
    Conn {
        outcome: Outcome::Timeout,
        reason: format!("The DNS query for {name} to {server}:53/UDP is dropped: {why} The resolver waits and gives up, as nslookup says: \";; connection timed out; no servers could be reached\". Every name fails the same way."),
        fix: match admin {
            Some(policy) => admin_deny_fix(&policy, "DNS to the kube-dns Pods (port 53, UDP and TCP)"),
            None => "Allow DNS egress: a NetworkPolicy egress rule to the kube-dns Pods (namespaceSelector kubernetes.io/metadata.name: kube-system, podSelector k8s-app: kube-dns) on port 53 UDP and TCP.".into(),
        },
        hops: Vec::new(),
        endpoint: None,
    }
}

/// The DNS query packet's way to CoreDNS: `Ok(line)` when it is DNATed to a CoreDNS Pod.
fn dns_path(
    net: &Network<'_>,
    node: usize,
    src: IpAddr,
    dst: IpAddr,
    port: u16,
    origin: Origin,
) -> Result<String, (String, String)> {
    let head = format!("query {src} → {dst}:{port}/UDP");
    // Where the query goes depends on the node's rules and the kind of sender, not on the
    // sending Pod (kube-dns has no session affinity): computed once per node and origin.
    let key = (node, dst, port, origin.as_str());
    let cached = net.dns_paths.borrow().get(&key).cloned();
    let tail = match cached {
        Some(t) => t,
        None => {
            let t = dns_path_tail(net, node, src, dst, port, origin);
            net.dns_paths.borrow_mut().insert(key, t.clone());
            t
        }
    };
    match tail {
        Ok(t) => Ok(format!("{head}{t}")),
        Err((t, why)) => Err((format!("{head}{t}"), why)),
    }
}

fn dns_path_tail(
    net: &Network<'_>,
    node: usize,
    src: IpAddr,
    dst: IpAddr,
    port: u16,
    origin: Origin,
) -> Result<String, (String, String)> {
    let Some((rules, info)) = net.rules(node).zip(net.nodes.get(node).map(|n| &n.info)) else {
        return Err((": no rules".into(), "the node has no kube-proxy rules".into()));
    };
    let pkt = Packet { src, dst, dport: port, proto: Protocol::Udp, origin };
    let trace = rules.walk(info, &pkt);
    let svc = net.vips.get(&dst).and_then(|v| v.first()).and_then(|i| net.objects.services.get(*i));
    let via = svc.map(|s| format!(" (Service {})", svc_name(s))).unwrap_or_default();
    match trace.verdict() {
        Verdict::Dnat => {
            let d = trace.destinations();
            let pods: Vec<String> = d
                .iter()
                .map(|d| {
                    let name =
                        d.ip.parse::<IpAddr>()
                            .ok()
                            .and_then(|ip| net.pod_at(ip))
                            .map(|p| format!(" {}", p.meta.name))
                            .unwrap_or_default();
                    format!("{}{}", join_hp(&d.ip, d.port), name)
                })
                .collect();
            // Delivery: the DNS server must listen on the DNATed port (declared UDP port).
            let deaf: Vec<String> = d
                .iter()
                .filter_map(|d| {
                    let p = d.ip.parse::<IpAddr>().ok().and_then(|ip| net.pod_at(ip))?;
                    listeners(p, d.port, Protocol::Udp)
                        .is_empty()
                        .then(|| format!("{} ({}/UDP)", p.meta.name, d.port))
                })
                .collect();
            if !deaf.is_empty() && deaf.len() == d.len() {
                return Err((
                    format!("{via}: DNAT to {}, where nothing listens", pods.join(" | ")),
                    format!("the DNS Pods {} declare no such UDP port", deaf.join(", ")),
                ));
            }
            Ok(format!("{via}: DNAT by kube-proxy to a CoreDNS Pod ({})", pods.join(" | ")))
        }
        Verdict::Reject => Err((
            format!("{via}: REJECT (the Service has no endpoints)"),
            format!(
                "{} has no ready endpoints, so kube-proxy rejects the query",
                svc.map(svc_name).unwrap_or_else(|| dst.to_string())
            ),
        )),
        v => Err((
            format!("{via}: no kube-proxy rule matches ({})", v.as_str()),
            format!("no Service owns {dst}:{port}/UDP"),
        )),
    }
}

/// A name that leaves the cluster (ExternalName CNAME, or forwarded upstream).
fn external(asked: &str, outside: &str, target: &Target, found: &str) -> Conn {
    let outside = outside.trim_end_matches('.');
    let scheme_note = match target.scheme.as_deref() {
        Some("https") => format!(" TLS: the client sends SNI {asked} and checks the certificate against {asked}; a certificate for {outside} does not cover it."),
        Some(_) => format!(" HTTP: the Host header stays \"{}\" — the outside server sees the name the client used, not {outside}, and may answer 404 or reject it.", target.host_text),
        None => format!(" For HTTP the Host header stays \"{}\", and for TLS the certificate must cover that name, not {outside}.", target.host_text),
    };
    let is_cname = found.trim_end_matches('.') != outside;
    let hops = vec![hop(
        HopKind::Route,
        format!("leaves the cluster for {outside}:{} (not simulated further)", target.port),
        None,
    )];
    Conn {
        outcome: Outcome::Unknown,
        reason: if is_cname {
            format!("{found} is a CNAME to {outside} (an ExternalName Service): CoreDNS answers with the CNAME and the client connects to the outside host — no kube-proxy rule, no endpoints, no port mapping. Whether {outside} answers is outside the cluster, so the manifests cannot decide.{scheme_note}")
        } else {
            format!("{asked} is not a cluster name: CoreDNS forwards it upstream and the client connects outside the cluster. Whether that host answers is not in the manifests.")
        },
        fix: if is_cname {
            "If the outside service needs its own name, make clients use it (or set the Host header / SNI explicitly); ExternalName cannot rewrite it.".into()
        } else {
            String::new()
        },
        hops,
        endpoint: Some(Endpoint::outside(outside.to_string(), target.port, None)),
    }
}

fn not_found(net: &Network<'_>, client: &Client<'_>, name: &str, nodata: bool) -> Conn {
    let first = name.trim_end_matches('.').split('.').next().unwrap_or("");
    let client_ns = client.pod.map(|p| p.meta.namespace.as_str()).unwrap_or("default");
    let elsewhere: Vec<&Service> =
        net.objects.services.iter().filter(|s| s.meta.name == first).take(3).collect();
    let short = !name.trim_end_matches('.').contains('.');
    let (reason, fix) = match elsewhere.first() {
        Some(s) if short && s.meta.namespace != client_ns => (
            format!("No Service {first} in namespace {client_ns}: the short name only searches the client's namespace ({first}.{client_ns}.svc.{}), but Service {first} is in namespace {}.", net.settings.cluster_domain, s.meta.namespace),
            format!("Use the namespace-qualified name {first}.{} (or {first}.{}.svc.{}).", s.meta.namespace, s.meta.namespace, net.settings.cluster_domain),
        ),
        _ if nodata => (
            format!("{name} exists in DNS but has no A record (NODATA)."),
            "Check the Service type and its endpoints with 'netsim explain'.".into(),
        ),
        _ => (
            format!("No Service or Pod record matches {name}: every candidate of the search list got NXDOMAIN."),
            format!("Create the Service, or check the spelling and namespace (kubectl get svc -A | grep {first})."),
        ),
    };
    Conn { outcome: Outcome::NxDomain, reason, fix, hops: Vec::new(), endpoint: None }
}

/// ` (Service ns/name)`, ` (pod ns/name)`, ` (node n)` or ``.
fn describe_ip(net: &Network<'_>, ip: IpAddr) -> String {
    if let Some(s) =
        net.vips.get(&ip).and_then(|v| v.first()).and_then(|i| net.objects.services.get(*i))
    {
        return format!(" (Service {})", svc_name(s));
    }
    if let Some(p) = net.pod_at(ip) {
        return format!(" (pod {})", pod_name(p));
    }
    if let Some(n) = net.node_by_ip(ip).and_then(|i| net.nodes.get(i)) {
        return format!(" (node {})", n.name);
    }
    String::new()
}

// ---------------------------------------------------------------------------------------------
// The connection

type Seeded<'r> = Option<(&'r mut SplitMix64, &'r mut AffinityState)>;

fn connect(
    net: &Network<'_>,
    client: &Client<'_>,
    ip: IpAddr,
    port: u16,
    seeded: Seeded<'_>,
) -> Conn {
    match client.node {
        Some(n) => connect_at(net, client, n, ip, port, client.origin, seeded),
        None => {
            // Outside the cluster: only node addresses, externalIPs and load-balancer IPs are
            // routed to the cluster (to some node). ClusterIPs and Pod IPs are not.
            let svc = net.vips.get(&ip).and_then(|v| {
                v.iter().filter_map(|i| net.objects.services.get(*i)).find(|s| {
                    s.spec.external_ips.contains(&ip)
                        || s.status.load_balancer_ingress.iter().any(|g| g.ip == Some(ip))
                })
            });
            let entry = match (net.node_by_ip(ip), svc) {
                (Some(n), _) => Some((
                    n,
                    format!(
                        "{ip} is node {}'s address",
                        net.nodes.get(n).map(|n| n.name.as_str()).unwrap_or("")
                    ),
                )),
                (None, Some(s)) if s.spec.external_ips.contains(&ip) => {
                    let n = net.nodes.iter().position(|n| n.ready).unwrap_or(0);
                    let why = format!("{ip} is an externalIP of Service {}; the network routes it to a node (assumed: the first ready node)", svc_name(s));
                    Some((n, why))
                }
                (None, Some(s)) => {
                    let (n, how) = load_balancer_node(net, s);
                    let why = format!("{ip} is the load-balancer IP of Service {}; the load balancer sends it to a node (assumed: the first {how})", svc_name(s));
                    Some((n, why))
                }
                _ => None,
            };
            let Some((n, why)) = entry.filter(|(n, _)| *n < net.nodes.len()) else {
                return unreachable_from_outside(net, ip, port);
            };
            let mut c = connect_at(net, client, n, ip, port, Origin::FromOutside, seeded);
            c.hops.insert(
                0,
                hop(
                    HopKind::Route,
                    format!(
                        "{} → {ip}:{port} arrives at node {}: {why}",
                        client.ip,
                        net.nodes.get(n).map(|n| n.name.as_str()).unwrap_or("")
                    ),
                    node_of(net, Some(n)),
                ),
            );
            c
        }
    }
}

/// NetworkPolicy and ClusterNetworkPolicy on a TCP connection that reached `dest` (egress at the
/// client, ingress at the destination — the address and port after DNAT, the source as it
/// arrives: `snat` is the node that masqueraded and the address it gave). Adds a `policy` hop
/// when any policy took part; `Err` ends the request: dropped (timeout) or undecidable
/// (unknown). Nothing happens in a cluster without policies.
#[allow(clippy::too_many_arguments)]
fn police(
    net: &Network<'_>,
    client: &Client<'_>,
    snat: Option<(usize, IpAddr)>,
    dest: Peer<'_>,
    service_ip: Option<IpAddr>,
    port: u16,
    hops: &mut Vec<Hop>,
    node: Option<&str>,
) -> Result<(), Box<Conn>> {
    judge(net, client, snat, dest, service_ip, port, Protocol::Tcp, hops, node).map_err(|(v, why, admin)| {
        let denied = v == Decision::Denied;
        Box::new(Conn {
            outcome: if denied { Outcome::Timeout } else { Outcome::Unknown },
            reason: if denied {
                format!("{why} Policies drop without an answer, so the client times out.")
            } else {
                why
            },
            fix: match (denied, admin) {
                (true, Some(name)) => admin_deny_fix(&name, "this connection"),
                (true, None) => "Add a policy rule that allows this connection (egress from the client and ingress into the Pod both must allow it), or remove the policy that isolates the Pod.".into(),
                (false, _) => String::new(),
            },
            hops: Vec::new(),
            endpoint: None,
        })
    })
}

/// What to change when an Admin-tier ClusterNetworkPolicy (`name`) denied `what`: no
/// NetworkPolicy can allow it back, so a policy rule of the usual kind is no fix.
fn admin_deny_fix(name: &str, what: &str) -> String {
    format!("ClusterNetworkPolicy {name} denies {what} in the Admin tier, which no NetworkPolicy can override: change or remove that rule, or add an Accept rule for it to an Admin-tier ClusterNetworkPolicy with a lower priority number (evaluated first).")
}

/// The policy judgement of one connection (see [`police`]); `Err((decision, reason, the
/// Admin-tier ClusterNetworkPolicy that denied it))` when it is not allowed.
#[allow(clippy::too_many_arguments)]
fn judge(
    net: &Network<'_>,
    client: &Client<'_>,
    snat: Option<(usize, IpAddr)>,
    dest: Peer<'_>,
    service_ip: Option<IpAddr>,
    port: u16,
    protocol: Protocol,
    hops: &mut Vec<Hop>,
    node: Option<&str>,
) -> Result<(), (Decision, String, Option<String>)> {
    let Some(set) = net.policies() else { return Ok(()) };
    let source = match (client.pod, client.node) {
        (Some(p), _) => Peer::Pod(p),
        (None, Some(n)) => {
            Peer::Node { name: net.nodes.get(n).map_or("", |x| x.name.as_str()), ip: client.ip }
        }
        (None, None) => Peer::External(client.ip),
    };
    let snat =
        snat.and_then(|(m, ip)| net.nodes.get(m).map(|x| Peer::Node { name: x.name.as_str(), ip }));
    let v = set.evaluate(&crate::policy::Connection {
        source,
        snat,
        destination: dest,
        service_ip,
        port,
        protocol,
    });
    if v.policies.is_empty() && v.decision == Decision::Allowed {
        return Ok(());
    }
    let what = match v.decision {
        Decision::Allowed => "allowed",
        Decision::Denied => match v.decided_in {
            Some(Direction::Egress) => "dropped (egress)",
            _ => "dropped (ingress)",
        },
        Decision::Unknown => "unknown",
    };
    hops.push(Hop {
        kind: HopKind::Policy,
        text: format!("{port}/{} {what}: {}", protocol.as_str(), v.reason),
        rule: None,
        node: node.map(str::to_string),
        policies: v.policies.clone(),
    });
    let admin = v
        .decided_by
        .as_ref()
        .filter(|p| {
            v.decision == Decision::Denied
                && p.kind == PolicyKind::ClusterNetworkPolicy
                && set.is_admin_tier(&p.name)
        })
        .map(|p| p.name.clone());
    match v.decision {
        Decision::Allowed => Ok(()),
        d => Err((d, v.reason, admin)),
    }
}

/// Whether a walked rule is a hop worth showing: every nat rule on the way to the DNAT, the
/// masquerade itself, and filter rules that end the packet (reject, drop, accept); jumps that
/// fall through (the base chains' plumbing) are left out. Both modes.
fn decides(s: &crate::proxy::Step) -> bool {
    let t = s.rule.as_str();
    let (kind, _) = step_kind_and_text(s);
    let postrouting = matches!(
        s.chain.as_str(),
        "POSTROUTING" | "KUBE-POSTROUTING" | "nat-postrouting" | "masquerading"
    );
    if postrouting {
        return t.contains("MASQUERADE") || t.contains(" masquerade");
    }
    if kind == HopKind::Filter {
        let ends = ["-j REJECT", "-j DROP", "-j ACCEPT", " reject", " drop", " accept"];
        return ends.iter().any(|e| t.contains(e));
    }
    true
}

/// A walked rule as a hop: its kind (nat or filter) and its text without the chain it is in
/// (`-A CHAIN …` in iptables, `add rule ip kube-proxy CHAIN …` or a map element in nftables).
fn step_kind_and_text(s: &crate::proxy::Step) -> (HopKind, &str) {
    let nft = s.table.starts_with("ip");
    let rest = if nft {
        let rule = format!("add rule {} {} ", s.table, s.chain);
        let element = "add ";
        s.rule
            .strip_prefix(rule.as_str())
            .or_else(|| s.rule.strip_prefix(element))
            .unwrap_or(&s.rule)
    } else {
        s.rule
            .strip_prefix("-A ")
            .and_then(|r| r.split_once(' '))
            .map_or(s.rule.as_str(), |(_, r)| r)
    };
    // nftables: the filter-hooked base chains and the checks they jump to; everything else
    // (services, service-/local-/external-/endpoint- chains, masquerading) is dstnat/srcnat.
    let filter = if nft {
        s.chain.starts_with("filter-")
            || s.chain.ends_with("-check")
            || s.chain == "reject-chain"
            || s.chain.starts_with("firewall-")
    } else {
        s.table == "filter"
    };
    (if filter { HopKind::Filter } else { HopKind::Nat }, rest)
}

/// The Service a connection to `ip:port` addresses: the one holding the virtual IP, else (on a
/// node address or loopback) the one with that NodePort.
fn addressed_service<'a>(net: &Network<'a>, ip: IpAddr, port: u16) -> Option<&'a Service> {
    let objects = net.objects;
    let vip = net.vips.get(&ip).and_then(|v| v.first()).and_then(|i| objects.services.get(*i));
    if vip.is_none() && net.node_by_ip(ip).is_some() || ip.is_loopback() {
        return net.node_ports.get(&i32::from(port)).and_then(|i| objects.services.get(*i));
    }
    vip
}

/// The objects a request went through: its client, the Service it addressed (by address, or
/// the ExternalName Service whose name it asked), the Pod that answered.
fn path(
    net: &Network<'_>,
    client: &Client<'_>,
    addressed: Option<IpAddr>,
    port: u16,
    cname_of: Option<(&str, &str)>,
    endpoint: Option<&Endpoint>,
) -> Vec<ObjectRef> {
    let mut out = Vec::new();
    match (client.pod, client.node) {
        (Some(p), _) => out.push(pod_ref(p)),
        (None, Some(n)) => out.extend(net.nodes.get(n).map(|n| ObjectRef::node(&n.name))),
        (None, None) => {}
    }
    let by_address = addressed.and_then(|ip| addressed_service(net, ip, port));
    // An ExternalName Service: the one named like the asked name (`name`, `name.ns`, FQDN)
    // whose externalName is where the request went.
    let by_name = cname_of.and_then(|(asked, outside)| {
        let mut labels = asked.trim_end_matches('.').split('.');
        let name = labels.next()?;
        let ns = labels.next().or(client.pod.map(|p| p.meta.namespace.as_str()));
        net.objects.services.iter().find(|s| {
            s.meta.name == name
                && ns.is_none_or(|ns| s.meta.namespace == ns)
                && s.spec.external_name.as_deref().map(|e| e.trim_end_matches('.'))
                    == Some(outside.trim_end_matches('.'))
        })
    });
    out.extend(by_address.or(by_name).map(|s| ObjectRef::service(&s.meta.namespace, &s.meta.name)));
    out.extend(endpoint.and_then(|e| e.pod.clone()));
    out
}

fn unreachable_from_outside(net: &Network<'_>, ip: IpAddr, port: u16) -> Conn {
    let pending: Vec<String> = net
        .objects
        .services
        .iter()
        .filter(|s| {
            s.spec.type_ == ServiceType::LoadBalancer && s.status.load_balancer_ingress.is_empty()
        })
        .map(svc_name)
        .take(3)
        .collect();
    let (reason, fix) = if net.vips.contains_key(&ip) {
        (
            format!("{ip} is a ClusterIP: a virtual address that exists only in kube-proxy's rules inside the cluster, so nothing outside routes it; the packets are lost."),
            "From outside use a NodePort (node IP + nodePort), an externalIP or a load-balancer IP.".to_string(),
        )
    } else if net.pod_at(ip).is_some() || net.node_by_pod_cidr(ip).is_some() {
        (
            format!("{ip} is a Pod IP: the pod network is routed between the nodes only, not from outside the cluster."),
            "Expose the Pods with a NodePort or LoadBalancer Service.".to_string(),
        )
    } else if !pending.is_empty() {
        (
            format!("No host has the address {ip}. LoadBalancer Service {} is <pending>: without a cloud controller (or MetalLB) no load-balancer IP is ever assigned, so there is no such IP to send to.", pending.join(", ")),
            "Use the Service's NodePort on any node IP (it still works), or install a load-balancer implementation (e.g. MetalLB with an IPAddressPool).".to_string(),
        )
    } else {
        (
            format!("No node, externalIP or load-balancer IP of the cluster is {ip}: the packets go nowhere."),
            "Use a node IP and NodePort, an externalIP or a load-balancer IP.".to_string(),
        )
    };
    Conn {
        outcome: Outcome::Timeout,
        reason,
        fix,
        hops: vec![hop(
            HopKind::Route,
            format!("{EXTERNAL_CLIENT_IP} → {ip}:{port}: no route into the cluster"),
            None,
        )],
        endpoint: None,
    }
}

/// Walks the packet on node `n` (and on a second node when it is sent on to another node's
/// address), then routes and delivers it.
fn connect_at(
    net: &Network<'_>,
    client: &Client<'_>,
    n: usize,
    ip: IpAddr,
    port: u16,
    origin: Origin,
    seeded: Seeded<'_>,
) -> Conn {
    match walk_rules(net, client, n, ip, port, origin, seeded) {
        Ok(a) => arrive(net, client, a),
        Err(c) => *c,
    }
}

/// Where a connection stands after kube-proxy's rules: what delivery reads.
struct Arrival<'a> {
    hops: Vec<Hop>,
    /// The node the packet is on.
    at: usize,
    /// The client's address (127.0.0.1 for a connection to loopback).
    src: IpAddr,
    /// The destination after any DNAT.
    dst: IpAddr,
    dport: u16,
    /// The destination as dialled.
    ip: IpAddr,
    /// The node whose rules masqueraded the packet, if any.
    masq_at: Option<usize>,
    /// The node a Pod's packet left with that node's address (kindnet's own masquerade of
    /// traffic to addresses outside the pod network), if any.
    left_as: Option<usize>,
    dnat: bool,
    /// The Service the dialled address belongs to.
    svc_hit: Option<&'a Service>,
}

impl Arrival<'_> {
    /// The source the destination sees: the masquerading node's address, or the client's.
    /// MASQUERADE takes the address of the interface the packet leaves by: towards another node
    /// the node's own address; towards a Pod on the node itself the host side of the Pod's veth,
    /// which kind's CNI (kindnet: the `ptp` plugin, `setupHostVeth`) gives the gateway of the
    /// node's pod CIDR, its first address (the source-ip tutorial's `client_address=10.180.1.1`
    /// for the node that hosts the endpoint).
    fn seen(&self, net: &Network<'_>) -> IpAddr {
        let Some(m) = self.masq_at else { return self.src };
        let gateway = net
            .nodes
            .get(m)
            .and_then(|n| n.pod_cidrs.iter().find(|c| c.contains(self.dst)))
            .and_then(|c| c.nth(1));
        gateway.or_else(|| net.primary_ip(m)).unwrap_or(self.src)
    }

    /// The masquerade, as the policy stage reads it: the node and the address it gave.
    fn snat(&self, net: &Network<'_>) -> Option<(usize, IpAddr)> {
        self.masq_at.or(self.left_as).map(|m| (m, self.seen(net)))
    }

    /// The Service address dialled, when kube-proxy DNATed it.
    fn service_ip(&self) -> Option<IpAddr> {
        self.dnat.then_some(self.ip)
    }

    fn at_name(&self, net: &Network<'_>) -> String {
        net.nodes.get(self.at).map(|x| x.name.clone()).unwrap_or_default()
    }
}

/// The netfilter path: the rules of the entry node, and of a second node when the packet is
/// sent on to its address (a NodePort on another node). `Err` when the rules end it (REJECT,
/// DROP).
fn walk_rules<'a>(
    net: &Network<'a>,
    client: &Client<'_>,
    n: usize,
    ip: IpAddr,
    port: u16,
    origin: Origin,
    mut seeded: Seeded<'_>,
) -> Result<Arrival<'a>, Box<Conn>> {
    let mut a = Arrival {
        hops: Vec::new(),
        at: n,
        // A connection to 127.0.0.1 leaves from the loopback address.
        src: if ip.is_loopback() { ip } else { client.ip },
        dst: ip,
        dport: port,
        ip,
        masq_at: None,
        left_as: None,
        dnat: false,
        svc_hit: addressed_service(net, ip, port),
    };
    let mut origin = origin;
    for pass in 0..2 {
        let node_name = a.at_name(net);
        let Some(rules) = net.rules(a.at) else { break };
        let Some(info) = net.nodes.get(a.at).map(|x| &x.info) else { break };
        let pkt = Packet { src: a.src, dst: a.dst, dport: a.dport, proto: Protocol::Tcp, origin };
        let trace = match seeded.as_mut() {
            Some((rng, aff)) => rules.walk_seeded(info, &pkt, rng, aff),
            None => rules.walk(info, &pkt),
        };
        let Some(o) = trace.outcomes.first() else { break };
        let nft = matches!(rules, crate::request::NodeTables::Nftables(_));
        // The second pass: the packet came over the node network, not through a veth here.
        walk_hops(&mut a.hops, &pkt, o, nft, &node_name, pass > 0);
        match o.verdict {
            Verdict::Reject | Verdict::Drop => {
                let hops = std::mem::take(&mut a.hops);
                return Err(Box::new(Conn { hops, ..stopped(net, &a, o, &node_name) }));
            }
            Verdict::Dnat => {
                if let Some((h, p)) = o.dnat.as_deref().and_then(split_hp) {
                    a.dst = h;
                    a.dport = p;
                }
                if o.masquerade {
                    a.masq_at = Some(a.at);
                }
                a.dnat = true;
                break;
            }
            Verdict::Accept | Verdict::None => {
                if o.masquerade {
                    a.masq_at = Some(a.at);
                }
                match net.node_by_ip(a.dst) {
                    Some(other) if other != a.at && pass == 0 => {
                        let other_name =
                            net.nodes.get(other).map(|x| x.name.clone()).unwrap_or_default();
                        let line = format!("{} is node {other_name}'s address: the packet goes there over the node network", a.dst);
                        a.hops.push(hop(HopKind::Route, line, Some(&node_name)));
                        // kindnet masquerades what a Pod sends outside the pod network as it
                        // leaves the node (kind `images/kindnetd/cmd/kindnetd/masq.go`: nat
                        // POSTROUTING `-m addrtype ! --dst-type LOCAL -j KIND-MASQ-AGENT`, which
                        // RETURNs for the pod subnet and MASQUERADEs the rest): the other node
                        // sees this node's address, not the Pod's, and its rules do not take it
                        // for pod traffic.
                        let from_pod = net.pod_at(a.src).is_some_and(|p| !p.spec.host_network)
                            || net.node_by_pod_cidr(a.src).is_some();
                        if let Some(own) = net.primary_ip(a.at).filter(|_| from_pod) {
                            let line = format!("source {} → {own} (kindnet's masquerade, nat POSTROUTING → KIND-MASQ-AGENT: a Pod's packet to an address outside the pod network leaves {node_name} with the node's address)", a.src);
                            a.hops.push(hop(HopKind::Snat, line, Some(&node_name)));
                            a.src = own;
                            a.left_as = Some(a.at);
                        }
                        a.at = other;
                        origin = match net.nodes.get(other) {
                            Some(x) => Origin::infer(a.src, &x.info, None).min_pod(net, a.src),
                            None => origin,
                        };
                    }
                    _ => break,
                }
            }
        }
    }
    Ok(a)
}

/// The hops of one node's walk: where the packet enters, and the rules that decide.
fn walk_hops(
    hops: &mut Vec<Hop>,
    pkt: &Packet,
    o: &crate::proxy::Outcome,
    nft: bool,
    node_name: &str,
    sent_on: bool,
) {
    let hook = match (pkt.origin == Origin::FromNode, nft) {
        (true, false) => "nat OUTPUT",
        (false, false) => "nat PREROUTING",
        (true, true) => "the output hook (nftables, table ip kube-proxy)",
        (false, true) => "the prerouting hook (nftables, table ip kube-proxy)",
    };
    hops.push(hop(
        HopKind::Enter,
        format!(
            "{} → {}:{}/TCP enters {hook} on {node_name} ({})",
            pkt.src,
            dst_text(pkt.dst),
            pkt.dport,
            origin_text(pkt.origin, sent_on)
        ),
        Some(node_name),
    ));
    for s in &o.path {
        // Keep the hops that decide something (see `decides`).
        if s.note.as_deref() == Some("not taken") || !decides(s) {
            continue;
        }
        let p = s.probability.map(|p| format!("  [p={p:.5}]")).unwrap_or_default();
        let (kind, rest) = step_kind_and_text(s);
        hops.push(Hop {
            kind,
            text: format!("{} {rest}{p}", s.chain),
            rule: Some(s.rule.clone()),
            node: Some(node_name.to_string()),
            policies: Vec::new(),
        });
    }
}

/// The node a load balancer sends `s`'s traffic to (assumed: the first it may use), and how it
/// was chosen. The service controller leaves out nodes labelled
/// `node.kubernetes.io/exclude-from-external-load-balancers` (kind's control-plane node carries
/// it); with externalTrafficPolicy Local the load balancer's health checks on healthCheckNodePort
/// leave out nodes without a local endpoint ("deliberately failing health checks", the
/// source-ip tutorial), unless no node has one.
fn load_balancer_node(net: &Network<'_>, s: &Service) -> (usize, &'static str) {
    const EXCLUDE: &str = "node.kubernetes.io/exclude-from-external-load-balancers";
    let usable: Vec<usize> = (0..net.nodes.len())
        .filter(|&i| net.nodes.get(i).is_some_and(|n| n.ready))
        .filter(|&i| net.objects.nodes.get(i).is_none_or(|n| !n.meta.labels.contains_key(EXCLUDE)))
        .collect();
    if s.spec.external_traffic_policy == Some(crate::model::TrafficPolicy::Local) {
        let has_local = |i: usize| {
            let Some(name) = net.nodes.get(i).map(|n| n.name.as_str()) else { return false };
            net.objects.endpoint_slices.iter().any(|sl| {
                sl.meta.namespace == s.meta.namespace
                    && sl.meta.labels.get("kubernetes.io/service-name") == Some(&s.meta.name)
                    && sl.endpoints.iter().any(|e| {
                        e.node_name.as_deref() == Some(name) && e.conditions.ready != Some(false)
                    })
            })
        };
        if let Some(&n) = usable.iter().find(|&&i| has_local(i)) {
            return (n, "node that passes its health check (it has a local endpoint)");
        }
    }
    match usable.first() {
        Some(&n) => (n, "ready node not excluded from external load balancers"),
        None => (net.nodes.iter().position(|n| n.ready).unwrap_or(0), "ready node"),
    }
}

/// A connection the rules ended: REJECT (refused at once) or DROP (a timeout), with why.
fn stopped(net: &Network<'_>, a: &Arrival<'_>, o: &crate::proxy::Outcome, node_name: &str) -> Conn {
    let svc_txt = a
        .svc_hit
        .map(|s| format!("Service {}", svc_name(s)))
        .unwrap_or_else(|| "the Service".into());
    let rule = o.path.last().map(|s| s.rule.clone()).unwrap_or_default();
    if o.verdict == Verdict::Reject {
        // nftables `cluster-ips-check`: an active ClusterIP on a port no Service port defines
        // (KEP-3866 README "Behavior of service IPs"), not a Service without endpoints; iptables
        // mode lets such a packet through un-NATed.
        if rule.contains("@cluster-ips reject") {
            let s = net
                .vips
                .get(&a.dst)
                .and_then(|v| v.first())
                .and_then(|i| net.objects.services.get(*i));
            let ports: Vec<String> = s
                .map(|s| {
                    s.spec
                        .ports
                        .iter()
                        .map(|p| format!("{}/{}", p.port, p.protocol.as_str()))
                        .collect()
                })
                .unwrap_or_default();
            let name = s.map(svc_name).unwrap_or_else(|| "the Service".into());
            let (dst, dport) = (a.dst, a.dport);
            return Conn {
                outcome: Outcome::Refused,
                reason: format!("{dst} is the ClusterIP of Service {name}, which does not declare port {dport}/TCP (its ports: {}); in nftables mode kube-proxy on {node_name} rejects traffic to undefined ports of a ClusterIP (\"connection refused\" at once; iptables mode lets the packet go and the client times out). Rule: {rule}", if ports.is_empty() { "none".into() } else { ports.join(", ") }),
                fix: format!("Connect to a declared port, or add port {dport} (protocol TCP) to spec.ports of Service {name}."),
                hops: Vec::new(),
                endpoint: None,
            };
        }
        return Conn {
            outcome: Outcome::Refused,
            reason: format!("{svc_txt} has no ready endpoints, so kube-proxy on {node_name} REJECTs the connection (ICMP port unreachable: \"connection refused\" at once). Rule: {rule}"),
            fix: "Give the Service ready endpoints: make its selector match running, ready Pods (check with 'netsim explain').".into(),
            hops: Vec::new(),
            endpoint: None,
        };
    }
    if rule.contains("Drop traffic to unallocated ClusterIPs") {
        return Conn {
            outcome: Outcome::Timeout,
            reason: format!("No Service has the ClusterIP {}: in nftables mode kube-proxy drops traffic to addresses of the Service range that no Service holds (cluster-ips-check), so the client times out. Rule: {rule}", a.dst),
            fix: "Use the Service's DNS name rather than a remembered ClusterIP; check 'netsim get services -A'.".into(),
            hops: Vec::new(),
            endpoint: None,
        };
    }
    // iptables: "has no local endpoints" in filter KUBE-SERVICES (internalTrafficPolicy Local)
    // or KUBE-EXTERNAL-SERVICES (externalTrafficPolicy Local); nftables: a `drop` element of
    // the no-endpoint-services / no-endpoint-nodeports maps.
    let nft_drop = rule.contains(" no-endpoint-") && rule.contains(": drop");
    let local = rule.contains("has no local endpoints") || nft_drop;
    let to_cluster_ip = a.svc_hit.is_some_and(|s| s.spec.cluster_ips.contains(&a.ip));
    let internal =
        rule.starts_with("-A KUBE-SERVICES ") || (nft_drop && to_cluster_ip && a.masq_at.is_none());
    Conn {
        outcome: Outcome::Timeout,
        reason: if local && internal {
            format!("{svc_txt} has no local endpoints on {node_name}: with internalTrafficPolicy Local kube-proxy only sends ClusterIP traffic to Pods on the client's own node, and DROPs it here (the client times out). Rule: {rule}")
        } else if local {
            format!("{svc_txt} has no local endpoints on {node_name}: with externalTrafficPolicy Local kube-proxy only sends external traffic to Pods on the node it arrives at, and DROPs it here (the client times out). Rule: {rule}")
        } else {
            format!("kube-proxy on {node_name} DROPs the packet. Rule: {rule}")
        },
        fix: if local && internal {
            "Run an endpoint on every node that has clients (e.g. a DaemonSet), or use internalTrafficPolicy: Cluster.".into()
        } else if local {
            "Send the traffic to a node that runs a ready endpoint (the load balancer's health check on healthCheckNodePort does this), or use externalTrafficPolicy: Cluster (the source IP is then masqueraded).".into()
        } else {
            format!(
                "Check the node's rules with 'netsim {}'.",
                if net.proxy.mode == crate::proxy::ProxyMode::Nftables {
                    "nftables"
                } else {
                    "iptables"
                }
            )
        },
        hops: Vec::new(),
        endpoint: None,
    }
}

/// After the rules: the source NAT, then the destination — a Pod, a node, an address outside
/// the cluster, or nothing.
fn arrive(net: &Network<'_>, client: &Client<'_>, mut a: Arrival<'_>) -> Conn {
    let at_name = a.at_name(net);
    if a.masq_at.is_some() {
        let to = a.seen(net);
        let line = if net.proxy.mode == crate::proxy::ProxyMode::Nftables {
            format!(
                "source {} → {to} (masquerade in chain masquerading: the packet carries mark {})",
                a.src,
                net.proxy.nft_mark()
            )
        } else {
            format!(
                "source {} → {to} (MASQUERADE in KUBE-POSTROUTING: the packet carries mark 0x{:x})",
                a.src,
                1u32 << net.proxy.masquerade_bit.min(31)
            )
        };
        a.hops.push(hop(HopKind::Snat, line, Some(&at_name)));
    }
    if let Some(pod) = net.pod_at(a.dst) {
        return to_pod(net, client, a, pod);
    }
    if let Some(nn) = net.node_by_ip(a.dst) {
        return to_node(net, client, a, nn);
    }
    if a.dnat && net.node_by_pod_cidr(a.dst).is_none() && !net.vips.contains_key(&a.dst) {
        return to_outside(net, client, a);
    }
    unanswered(net, client, a)
}

/// Delivery into a Pod (policies first), with what the connection went through.
fn to_pod(net: &Network<'_>, client: &Client<'_>, a: Arrival<'_>, pod: &Pod) -> Conn {
    let (seen, snat, service_ip, at_name) =
        (a.seen(net), a.snat(net), a.service_ip(), a.at_name(net));
    let Arrival { mut hops, at, src, dst, dport, ip, dnat, svc_hit, masq_at, left_as, .. } = a;
    let a_masq = masq_at.is_some();
    // The client's own address, before kindnet's masquerade took the node's.
    let (src, kindnet) = match left_as {
        Some(_) if !a_masq => (client.ip, true),
        _ => (src, false),
    };
    let pod_node = pod.spec.node_name.as_deref().and_then(|x| net.node_index(x));
    let pn = node_of(net, pod_node).unwrap_or("?").to_string();
    let line = if pod_node == Some(at) {
        format!("{} is pod {} on this node ({pn}): delivered over its veth", dst, pod_name(pod))
    } else {
        let cidr = pod_node
            .and_then(|i| net.nodes.get(i))
            .and_then(|x| x.pod_cidrs.iter().find(|c| c.contains(dst)).map(|c| c.to_string()))
            .unwrap_or_else(|| "?".into());
        let via =
            pod_node.and_then(|i| net.primary_ip(i)).map(|i| i.to_string()).unwrap_or_default();
        format!("{dst} is in {cidr}, node {pn}'s pod CIDR: routed across the pod network to {pn} ({via}) without NAT")
    };
    hops.push(hop(HopKind::Route, line, Some(&at_name)));
    let hairpin = client
        .pod
        .is_some_and(|p| p.meta.name == pod.meta.name && p.meta.namespace == pod.meta.namespace);
    if hairpin && dnat {
        hops.push(hop(HopKind::Note, "hairpin: the Service sent the client to itself; the SEP rule `-s <podIP> -j KUBE-MARK-MASQ` masquerades it so the reply comes back through the node (kubelet --hairpin-mode hairpin-veth or promiscuous-bridge must let it back into the same veth)".into(), Some(&pn)));
    }
    if let Err(c) =
        police(net, client, snat, Peer::Pod(pod), service_ip, dport, &mut hops, Some(&pn))
    {
        return Conn { hops, ..*c };
    }
    let mut c = deliver(pod, dport, Some(seen), &mut hops, Some(&pn));
    c.hops = hops;
    if c.outcome == Outcome::Connected {
        let mut r = c.reason.clone();
        if let (true, Some(s)) = (dnat, svc_hit) {
            r = format!("{} through Service {}.", r.trim_end_matches('.'), svc_name(s));
            if kindnet {
                r.push_str(&format!(" The Pod sees {seen}, not {src}: kindnet masqueraded the Pod's packet as it left its node for another node's address, so the traffic policies there took it for traffic from outside the pod network."));
            } else {
                r.push_str(&source_sentence(src, seen, a_masq, s, ip, net));
            }
            if s.spec.session_affinity == "ClientIP" {
                r.push_str(&format!(
                    " sessionAffinity ClientIP: the `-m recent` rules send later connections from {src} to the same Pod for {}s.",
                    s.spec.session_affinity_timeout.unwrap_or(10800)
                ));
            }
        } else if !dnat {
            r.push_str(&format!(
                " Pod-to-Pod traffic is not NATed: the Pod sees the client address {seen}."
            ));
        }
        c.reason = r;
    } else if dnat && svc_hit.is_some() {
        c.reason = format!("{} {}", c.reason, "kube-proxy cannot see this: it DNATs to every endpoint whatever listens there (a wrong targetPort shows up only as refused connections).");
    }
    c
}

/// A node address: a hostNetwork Pod on it, the API server behind `default/kubernetes`, or
/// nothing listening.
fn to_node(net: &Network<'_>, client: &Client<'_>, a: Arrival<'_>, nn: usize) -> Conn {
    let (seen, snat, service_ip) = (a.seen(net), a.snat(net), a.service_ip());
    let Arrival { mut hops, dst, dport, dnat, svc_hit, .. } = a;
    // The node itself: hostNetwork Pods on it share its address.
    let name = net.nodes.get(nn).map(|x| x.name.as_str()).unwrap_or("");
    let host_pod = net.objects.pods.iter().find(|p| {
        p.spec.host_network
            && p.spec.node_name.as_deref() == Some(name)
            && !listeners(p, dport, Protocol::Tcp).is_empty()
    });
    if let Some(p) = host_pod {
        hops.push(hop(
            HopKind::Route,
            format!("{dst} is node {name}: pod {} uses the host network", pod_name(p)),
            Some(name),
        ));
        if let Err(c) =
            police(net, client, snat, Peer::Pod(p), service_ip, dport, &mut hops, Some(name))
        {
            return Conn { hops, ..*c };
        }
        let mut c = deliver(p, dport, Some(seen), &mut hops, Some(name));
        c.hops = hops;
        return c;
    }
    // The node's own address (the API server behind `default/kubernetes`, or nothing
    // listening): the client's egress policies judge it like any node address — an isolated
    // Pod needs an ipBlock for it unless it is the Pod's own node.
    let node_peer = Peer::Node { name, ip: dst };
    if let Err(c) = police(net, client, snat, node_peer, service_ip, dport, &mut hops, Some(name)) {
        return Conn { hops, ..*c };
    }
    // The API server: a static Pod on the control-plane node's host network, not in the
    // simulated objects; `default/kubernetes`'s endpoints point at it.
    if dnat && svc_hit.is_some_and(|s| s.meta.namespace == "default" && s.meta.name == "kubernetes")
    {
        hops.push(hop(
            HopKind::Deliver,
            format!("{dst}:{dport} → kube-apiserver on node {name} (host network)"),
            Some(name),
        ));
        return Conn {
            outcome: Outcome::Connected,
            reason: format!("Connected to kube-apiserver on node {name} ({dst}:{dport}) through Service default/kubernetes; its endpoints are the API server addresses, written by the API server itself."),
            fix: String::new(),
            hops,
            endpoint: Some(Endpoint {
                pod: Some(ObjectRef::pod("kube-system", &format!("kube-apiserver-{name}"))),
                host: None,
                container: Some("kube-apiserver".into()),
                ip: dst.to_string(),
                port: dport,
                node: Some(name.to_string()),
                source_ip: Some(seen),
            }),
        };
    }
    Conn {
        outcome: Outcome::Refused,
        reason: format!("Nothing on node {name} listens on {dport}/TCP: no Service has nodePort {dport} (kube-proxy only catches allocated NodePorts) and no hostNetwork Pod declares it; the node answers with a TCP reset."),
        fix: format!("Use the Service's nodePort (range {}), or its ClusterIP from inside the cluster.", net.settings.node_port_range),
        hops,
        endpoint: None,
    }
}

/// A DNAT to an address outside the cluster (a Service without a selector and hand-written
/// endpoints): the client's egress policies apply; whether the host answers is unknown.
fn to_outside(net: &Network<'_>, client: &Client<'_>, a: Arrival<'_>) -> Conn {
    let (seen, snat, at_name) = (a.seen(net), a.snat(net), a.at_name(net));
    let Arrival { mut hops, dst, dport, ip, svc_hit, .. } = a;
    let via = svc_hit.map(|s| format!(" through Service {}", svc_name(s))).unwrap_or_default();
    hops.push(hop(HopKind::Route, format!("{dst}:{dport} is outside the pod network: it leaves through the node's default route (not simulated further)"), Some(&at_name)));
    let outside = Peer::External(dst);
    if let Err(c) = police(net, client, snat, outside, Some(ip), dport, &mut hops, Some(&at_name)) {
        return Conn { hops, ..*c };
    }
    Conn {
        outcome: Outcome::Unknown,
        reason: format!("kube-proxy sent the connection{via} to {dst}:{dport}, an endpoint outside the cluster (a Service without a selector and hand-written endpoints). Whether that host answers is not in the manifests."),
        fix: String::new(),
        hops,
        endpoint: Some(Endpoint::outside(dst.to_string(), dport, Some(seen))),
    }
}

/// No Pod, node or outside endpoint took the packet: an undeclared Service port, a Pod IP
/// nobody has, an unallocated ClusterIP, or an address outside the cluster.
fn unanswered(net: &Network<'_>, client: &Client<'_>, a: Arrival<'_>) -> Conn {
    let (at_name, seen, snat) = (a.at_name(net), a.seen(net), a.snat(net));
    let Arrival { mut hops, dst, dport, .. } = a;
    if let Some(s) =
        net.vips.get(&dst).and_then(|v| v.first()).and_then(|i| net.objects.services.get(*i))
    {
        let ports: Vec<String> =
            s.spec.ports.iter().map(|p| format!("{}/{}", p.port, p.protocol.as_str())).collect();
        let is_lb = s.status.load_balancer_ingress.iter().any(|g| g.ip == Some(dst));
        let kind = if s.spec.cluster_ips.contains(&dst) {
            "ClusterIP"
        } else if is_lb {
            "load-balancer IP"
        } else {
            "externalIP"
        };
        hops.push(hop(
            HopKind::Route,
            format!("{dst}:{dport} left unchanged: no rule matched, and no host owns the {kind}"),
            Some(&at_name),
        ));
        return Conn {
            outcome: Outcome::Timeout,
            reason: format!("Service {} does not declare port {dport}/TCP (its ports: {}), so no kube-proxy rule matches {dst}:{dport}; nothing owns a {kind}, so the packet is lost and the client times out.", svc_name(s), if ports.is_empty() { "none".into() } else { ports.join(", ") }),
            fix: format!("Connect to a declared port, or add port {dport} (protocol TCP) to spec.ports of Service {}.", svc_name(s)),
            hops,
            endpoint: None,
        };
    }
    if let Some(nn) = net.node_by_pod_cidr(dst) {
        let name = net.nodes.get(nn).map(|x| x.name.as_str()).unwrap_or("");
        hops.push(hop(
            HopKind::Route,
            format!("{dst} is in node {name}'s pod CIDR, but no Pod has that IP"),
            Some(&at_name),
        ));
        return Conn {
            outcome: Outcome::Timeout,
            reason: format!("No Pod has the IP {dst} (it may have been deleted and replaced with a new IP), so nothing answers."),
            fix: "Use the Service name instead of a Pod IP: Pods come and go, their IPs change.".into(),
            hops,
            endpoint: None,
        };
    }
    let pending: Vec<String> = net
        .objects
        .services
        .iter()
        .filter(|s| {
            s.spec.type_ == ServiceType::LoadBalancer && s.status.load_balancer_ingress.is_empty()
        })
        .map(svc_name)
        .take(3)
        .collect();
    if dst.is_loopback() {
        // The node's own loopback and no kube-proxy rule took it: the host stack answers.
        let nodeport = net.node_ports.contains_key(&i32::from(dport));
        let nft = net.proxy.mode == crate::proxy::ProxyMode::Nftables;
        hops.push(hop(
            HopKind::Route,
            format!("{dst}:{dport} stays on node {at_name}: no kube-proxy rule matched"),
            Some(&at_name),
        ));
        return Conn {
            outcome: Outcome::Refused,
            reason: if nft && nodeport {
                format!("kube-proxy in nftables mode does not serve NodePorts on 127.0.0.1 (KEP-3866 \"Localhost NodePorts\"; the alpha KubeProxyNFTablesLocalhostNodePorts gate of v1.37 is off), so {dst}:{dport} reaches the node's own network stack, where nothing listens: the connection is refused.")
            } else {
                format!("Nothing on node {at_name} listens on {dst}:{dport}: no kube-proxy rule matched it, so the node's own network stack answers with a TCP reset.")
            },
            fix: if nft && nodeport {
                "Use the node's primary IP with the NodePort (nodePortAddresses defaults to primary in nftables mode), or the Service's ClusterIP.".into()
            } else {
                "Connect to a Service's ClusterIP or a node IP and NodePort.".into()
            },
            hops,
            endpoint: None,
        };
    }
    if let Some(range) = net.settings.service_subnets.iter().find(|c| c.contains(dst)) {
        // A ClusterIP that no Service holds (any more): the rules went with the Service.
        hops.push(hop(HopKind::Route,
            format!("{dst}:{dport} is in the Service range {range}, but no Service has this ClusterIP: no kube-proxy rule matches"),
            Some(&at_name),
        ));
        return Conn {
            outcome: Outcome::Timeout,
            reason: format!("No Service has the ClusterIP {dst}: a ClusterIP is only a match in kube-proxy's rules, and deleting a Service removes them, so nothing answers and the client times out."),
            fix: "Use the Service's DNS name rather than a remembered ClusterIP; check 'netsim get services -A'.".into(),
            hops,
            endpoint: None,
        };
    }
    hops.push(hop(
        HopKind::Route,
        format!("{dst}:{dport} is outside the cluster: it leaves through the node's default route"),
        Some(&at_name),
    ));
    if !pending.is_empty() {
        return Conn {
            outcome: Outcome::Timeout,
            reason: format!("{dst} is no Service, Pod or node address of the cluster. LoadBalancer Service {} is <pending>: no load-balancer IP was ever assigned, so there is no such IP.", pending.join(", ")),
            fix: "Use a Service name, ClusterIP, Pod IP or node IP + NodePort.".into(),
            hops,
            endpoint: None,
        };
    }
    // An address outside the cluster: the client's egress policies apply, then the request
    // leaves the simulation.
    if let Err(c) =
        police(net, client, snat, Peer::External(dst), None, dport, &mut hops, Some(&at_name))
    {
        return Conn { hops, ..*c };
    }
    Conn {
        outcome: Outcome::Unknown,
        reason: format!("{dst} is no Service, Pod or node address of the cluster: the request leaves the cluster, and whether that host answers is not in the manifests."),
        fix: String::new(),
        hops,
        endpoint: Some(Endpoint::outside(dst.to_string(), dport, Some(seen))),
    }
}

trait MinPod {
    fn min_pod(self, net: &Network<'_>, src: IpAddr) -> Origin;
}

impl MinPod for Origin {
    /// A packet arriving at another node from a Pod keeps counting as pod traffic there (its
    /// source is in the cluster CIDR), from a node as outside traffic.
    fn min_pod(self, net: &Network<'_>, src: IpAddr) -> Origin {
        if net.node_by_pod_cidr(src).is_some() || net.pod_at(src).is_some() {
            Origin::FromPod
        } else if self == Origin::FromNode {
            Origin::FromOutside
        } else {
            self
        }
    }
}

/// Where the packet comes from, as the entry hop says it; `sent_on`: it arrived from another
/// node over the node network (its rules still see a Pod's source as pod traffic).
fn origin_text(o: Origin, sent_on: bool) -> &'static str {
    match (o, sent_on) {
        (Origin::FromPod, false) => "from a Pod, through its veth",
        (Origin::FromPod, true) => "from a Pod on another node, over the node network",
        (Origin::FromNode, _) => "a local process",
        (Origin::FromOutside, _) => "from the network",
    }
}

fn dst_text(ip: IpAddr) -> String {
    if ip.is_ipv6() {
        format!("[{ip}]")
    } else {
        ip.to_string()
    }
}

fn split_hp(s: &str) -> Option<(IpAddr, u16)> {
    if let Some(rest) = s.strip_prefix('[') {
        let (ip, port) = rest.split_once("]:")?;
        return Some((ip.parse().ok()?, port.parse().ok()?));
    }
    let (ip, port) = s.rsplit_once(':')?;
    Some((ip.parse().ok()?, port.parse().ok()?))
}

/// The sentence about the source address the Pod sees, and what a node's pod-CIDR gateway
/// address is when that is it (see [`Arrival::seen`]).
fn source_sentence(
    src: IpAddr,
    seen: IpAddr,
    masqueraded: bool,
    s: &Service,
    ip: IpAddr,
    net: &Network<'_>,
) -> String {
    let mut out = source_words(src, seen, masqueraded, s, ip, net);
    let gateway_of = net.nodes.iter().find(|n| n.pod_cidrs.iter().any(|c| c.nth(1) == Some(seen)));
    if let Some(n) = gateway_of.filter(|_| seen != src) {
        out.push_str(&format!(" ({seen} is node {}'s address on its end of the Pod's veth: masquerading takes the address of the interface the packet leaves by, here the one towards a Pod on the same node.)", n.name));
    }
    out
}

fn source_words(
    src: IpAddr,
    seen: IpAddr,
    masqueraded: bool,
    s: &Service,
    ip: IpAddr,
    net: &Network<'_>,
) -> String {
    let external = !s.spec.cluster_ips.contains(&ip);
    let etp = s.spec.external_traffic_policy.map(|p| p.as_str()).unwrap_or("Cluster");
    let local = s.spec.external_traffic_policy == Some(crate::model::TrafficPolicy::Local);
    if seen == src && masqueraded {
        format!(" The Pod sees {src}: the connection was masqueraded to the node's own address, which is already the source.")
    } else if seen == src {
        let from_pod = net.pod_at(src).is_some() || net.node_by_pod_cidr(src).is_some();
        if external && local && from_pod {
            // proxier.go: "locally-originated pod -> external destination traffic … is subject
            // to neither form of traffic policy" (the "pod traffic for … external destinations"
            // rule jumps to every endpoint, KUBE-SVC).
            format!(" The Pod sees the client address {src} (not masqueraded): a Pod's traffic to a Service's external address skips externalTrafficPolicy and may go to any endpoint.")
        } else if external && local {
            format!(" The Pod sees the real client address {src}: externalTrafficPolicy {etp} delivers only to local endpoints and does not masquerade.")
        } else {
            format!(" The Pod sees the client address {src} (not masqueraded).")
        }
    } else if src.is_loopback() {
        format!(" The Pod sees {seen}: a connection from 127.0.0.1 is masqueraded to the node's address (loopback addresses cannot leave the node).")
    } else if external {
        format!(" The Pod sees {seen}, not {src}: externalTrafficPolicy {etp} masquerades external traffic (SNAT to the node), so the client address is lost; externalTrafficPolicy Local keeps it.")
    } else if net.pod_at(src).is_some() {
        format!(" The Pod sees {seen}, not {src}: the connection was masqueraded.")
    } else {
        format!(" The Pod sees {seen}: traffic from outside the pod network is masqueraded.")
    }
}

/// Container names declaring `port`/`proto` (restartable init containers too), in spec order.
fn listeners(pod: &Pod, port: u16, proto: Protocol) -> Vec<String> {
    serving_containers(pod)
        .filter(|c| {
            c.ports.iter().any(|p| p.container_port == i32::from(port) && p.protocol == proto)
        })
        .map(|c| c.name.clone())
        .collect()
}

/// Delivery into the Pod: the first container that declares the port.
///
/// The model: where containers declare ports, a declared containerPort is what listens (a
/// process may listen on an undeclared port — the API reference: "Not specifying a port here
/// DOES NOT prevent that port from being exposed" — but a learner who declares ports means
/// them). A container that declares no ports at all may listen on any: then the manifests
/// cannot decide, and the outcome is `unknown`.
fn deliver(
    pod: &Pod,
    port: u16,
    seen: Option<IpAddr>,
    hops: &mut Vec<Hop>,
    node: Option<&str>,
) -> Conn {
    let ip = pod.status.pod_ips.first().map(|i| i.to_string()).unwrap_or_default();
    let ip_text =
        dst_text(pod.status.pod_ips.first().copied().unwrap_or(IpAddr::from([0, 0, 0, 0])));
    let endpoint = |container: Option<String>| Endpoint {
        pod: Some(pod_ref(pod)),
        host: None,
        container,
        ip: ip.clone(),
        port,
        node: pod.spec.node_name.clone(),
        source_ip: seen,
    };
    let l = listeners(pod, port, Protocol::Tcp);
    if let Some(c) = l.first() {
        hops.push(hop(
            HopKind::Deliver,
            format!(
                "{ip_text}:{port} → pod {} container {c} (declares containerPort {port}/TCP)",
                pod_name(pod)
            ),
            node,
        ));
        return Conn {
            outcome: Outcome::Connected,
            reason: format!("Connected to pod {} container {c} on port {port}.", pod_name(pod)),
            fix: String::new(),
            hops: Vec::new(),
            endpoint: Some(endpoint(Some(c.clone()))),
        };
    }
    let silent: Vec<&str> =
        serving_containers(pod).filter(|c| c.ports.is_empty()).map(|c| c.name.as_str()).collect();
    if !silent.is_empty() {
        let names = silent.join(", ");
        hops.push(hop(
            HopKind::Deliver,
            format!(
                "{ip_text}:{port} → pod {}: container {names} declares no ports, so whether it listens on {port}/TCP is not in the manifests",
                pod_name(pod)
            ),
            node,
        ));
        let one = silent.len() == 1;
        return Conn {
            outcome: Outcome::Unknown,
            reason: format!(
                "The request reaches pod {} on port {port}/TCP, but container{} {names} declare{} no ports: a process may listen on a port it does not declare, so whether the connection succeeds depends on the image, not on the manifests.",
                pod_name(pod),
                if one { "" } else { "s" },
                if one { "s" } else { "" },
            ),
            fix: format!("Declare the port the container listens on (containerPort {port}, ideally with a name) so the Service and readers know it; the simulation then decides."),
            hops: Vec::new(),
            endpoint: Some(endpoint(None)),
        };
    }
    let declared: Vec<String> = serving_containers(pod)
        .flat_map(|c| {
            c.ports
                .iter()
                .map(move |p| format!("{} {}/{}", c.name, p.container_port, p.protocol.as_str()))
        })
        .collect();
    hops.push(hop(
        HopKind::Deliver,
        format!("{ip}:{port} → pod {}: no container listens on {port}/TCP", pod_name(pod)),
        node,
    ));
    Conn {
        outcome: Outcome::Refused,
        reason: format!(
            "Pod {} has no container listening on port {port}/TCP (declared: {}); where containers declare ports, the simulation treats the declared containerPorts as what listens, so the Pod answers with a TCP reset.",
            pod_name(pod),
            declared.join(", ")
        ),
        fix: format!("Point the Service's targetPort (or your request) at a port the container listens on, or declare containerPort {port} if the process listens there."),
        hops: Vec::new(),
        endpoint: None,
    }
}

/// The containers that serve traffic: the regular ones and restartable init (sidecar) ones.
fn serving_containers(pod: &Pod) -> impl Iterator<Item = &crate::model::Container> {
    pod.spec.containers.iter().chain(
        pod.spec.init_containers.iter().filter(|c| c.restart_policy.as_deref() == Some("Always")),
    )
}

/// The zone of the node a Pod runs on.
fn pod_zone(net: &Network<'_>, p: &Pod) -> Option<String> {
    let i = p.spec.node_name.as_deref().and_then(|n| net.node_index(n))?;
    net.nodes.get(i)?.info.zone.clone()
}

/// A probability rounded to 10 decimals (shares are products of `1/n`: keep `0.3333333333`,
/// not the float noise of the product).
fn round10(p: f64) -> f64 {
    (p * 1e10).round() / 1e10
}

/// The distribution over endpoints: probabilities from an unseeded walk (every branch with its
/// share), counts from the seeded requests.
fn distribution(
    net: &Network<'_>,
    client: &Client<'_>,
    ip: IpAddr,
    port: u16,
    counts: &BTreeMap<(String, u16), u32>,
) -> Vec<Share> {
    let mut out: Vec<Share> = Vec::new();
    let entry = client
        .node
        .or_else(|| net.node_by_ip(ip))
        .or_else(|| net.nodes.iter().position(|n| n.ready));
    let origin = if client.node.is_some() { client.origin } else { Origin::FromOutside };
    if let (Some(n), true) = (entry, !ip.is_loopback()) {
        if let (Some(rules), Some(x)) = (net.rules(n), net.nodes.get(n)) {
            let t = rules.walk(
                &x.info,
                &Packet { src: client.ip, dst: ip, dport: port, proto: Protocol::Tcp, origin },
            );
            for d in t.destinations() {
                let p = d.ip.parse::<IpAddr>().ok().and_then(|i| net.pod_at(i));
                let count = counts.get(&(d.ip.clone(), d.port)).copied().unwrap_or(0);
                let probability = round10(d.probability);
                let (pod, zone) = (p.map(pod_ref), p.and_then(|p| pod_zone(net, p)));
                out.push(Share { pod, zone, ip: d.ip, port: d.port, probability, count });
            }
        }
    }
    for ((ip, port), count) in counts {
        if !out.iter().any(|s| s.ip == *ip && s.port == *port) {
            let p = ip.parse::<IpAddr>().ok().and_then(|i| net.pod_at(i));
            let (pod, zone) = (p.map(pod_ref), p.and_then(|p| pod_zone(net, p)));
            let probability = if out.is_empty() { 1.0 } else { 0.0 };
            out.push(Share { pod, zone, ip: ip.clone(), port: *port, probability, count: *count });
        }
    }
    out
}
