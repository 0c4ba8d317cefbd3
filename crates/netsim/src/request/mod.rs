//! Requests end to end (the last stage): a client (Pod, container, node or outside client)
//! sends a request to a name or address, and the simulation follows it through the real
//! mechanisms, hop by hop — the resolver's search walk ([`crate::dns::resolve`]), the DNS query
//! itself routed through kube-proxy's rules to a CoreDNS Pod, the netfilter path on the entry node
//! walked over the parsed rule text ([`crate::proxy::walk_seeded`] on
//! [`crate::proxy::RuleTable::parse`] of the node's rules), DNAT, the route between nodes, SNAT,
//! and delivery into the container that declares the port. It ends in one [`Outcome`] with a
//! reason and a fix. [`explain`] is the Debug Services checklist for one Service.
//!
//! Invariants: pure and deterministic (endpoint choice comes from a seed); never panics on any
//! input; every lookup is indexed and the per-node rule tables and the DNS zone are built once
//! per [`Network`] and reused across requests (what the benchmark measures).
//!
//! "Listening" is modelled by declared `containerPort`s: a container listens on exactly the
//! ports its spec declares (Kubernetes itself does not need them declared; the simulation does,
//! and says so in the reasons).

mod explain;
mod parse;
mod trace;

#[cfg(test)]
mod tests;

use std::cell::{OnceCell, RefCell};
use std::collections::BTreeMap;
use std::net::IpAddr;

use crate::cluster::Settings;
use crate::dns::{ResolverSettings, Zone};
use crate::model::{IpFamily, Objects, Pod};
use crate::net::Cidr;
use crate::proxy::{NodeInfo, ProxyConfig, RuleTable, Ruleset};

pub use explain::{explain, Check, Explanation, Mark};
pub use parse::{parse_source, parse_target, Host, Source, Target};
pub use trace::{
    Endpoint, Hop, HopKind, Options, Outcome, Report, Share, EXTERNAL_CLIENT_IP, MAX_COUNT,
};

/// A request that cannot be made at all (bad argument, unknown Pod): a usage problem, not a
/// simulated outcome.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RequestError {
    /// Stable kebab-case code: `bad-source`, `bad-target`, `bad-port`, `missing-port`,
    /// `unsupported-scheme`, `unknown-pod`, `unknown-container`, `unknown-node`, `pod-has-no-ip`.
    pub code: &'static str,
    pub message: String,
}

impl RequestError {
    pub(crate) fn new(code: &'static str, message: String) -> RequestError {
        RequestError { code, message }
    }
}

impl std::fmt::Display for RequestError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

/// One node as the request simulation sees it: its addresses, pod CIDRs and (built on first
/// use) its kube-proxy rules, as text and parsed back for the walker.
pub(crate) struct NodeCtx {
    pub name: String,
    pub ready: bool,
    pub info: NodeInfo,
    pub pod_cidrs: Vec<Cidr>,
    /// The rules kube-proxy writes on this node.
    ruleset: OnceCell<NodeRuleset>,
    /// Those rules parsed back from their text (what the kernel evaluates).
    table: OnceCell<Option<NodeTables>>,
}

/// The rules kube-proxy writes on a node, in the mode it runs (KubeProxyConfiguration `mode`;
/// `ipvs` is not simulated and shows iptables mode).
pub enum NodeRuleset {
    Iptables(Ruleset),
    Nftables(crate::proxy::nft::NftRuleset),
}

impl NodeRuleset {
    /// What the rules could not express.
    pub fn notes(&self) -> &[crate::proxy::Note] {
        match self {
            NodeRuleset::Iptables(r) => &r.notes,
            NodeRuleset::Nftables(r) => &r.notes,
        }
    }

    /// The text the walker reads: iptables' kernel view (restore input plus the jumps in the
    /// built-in chains), or the nft dump.
    fn walked_text(&self) -> String {
        match self {
            NodeRuleset::Iptables(r) => r.kernel_text(),
            NodeRuleset::Nftables(r) => r.dump_text(),
        }
    }
}

/// A node's rules parsed back from their text: what the walker evaluates.
pub enum NodeTables {
    Iptables(RuleTable),
    Nftables(crate::proxy::nft::NftTables),
}

impl NodeTables {
    /// Every branch of the walk, each with its share (upstream's tracer).
    pub fn walk(&self, node: &NodeInfo, packet: &crate::proxy::Packet) -> crate::proxy::Trace {
        match self {
            NodeTables::Iptables(t) => crate::proxy::walk(t, node, packet),
            NodeTables::Nftables(t) => crate::proxy::nft::walk(t, node, packet),
        }
    }

    /// One branch, chosen by `rng` as the kernel would, with ClientIP affinity.
    pub fn walk_seeded(
        &self,
        node: &NodeInfo,
        packet: &crate::proxy::Packet,
        rng: &mut crate::proxy::SplitMix64,
        affinity: &mut crate::proxy::AffinityState,
    ) -> crate::proxy::Trace {
        match self {
            NodeTables::Iptables(t) => crate::proxy::walk_seeded(t, node, packet, rng, affinity),
            NodeTables::Nftables(t) => {
                crate::proxy::nft::walk_seeded(t, node, packet, rng, affinity)
            }
        }
    }
}

/// The indexes a [`Network`] answers from: nodes (with their rules, built on first use) and the
/// lookups by name, address and port. Built once per cluster and kept (a
/// [`Session`](crate::session::Session) keeps it); every request reads it.
pub struct Index {
    pub(crate) nodes: Vec<NodeCtx>,
    /// (namespace, name) → Pod index.
    pods_by_name: BTreeMap<(String, String), usize>,
    /// Pod IP → Pod index (Pods with their own network namespace only).
    pub(crate) pods_by_ip: BTreeMap<IpAddr, usize>,
    /// ClusterIP / externalIP / load-balancer IP → Service indexes.
    pub(crate) vips: BTreeMap<IpAddr, Vec<usize>>,
    /// NodePort → Service index.
    pub(crate) node_ports: BTreeMap<i32, usize>,
    /// Where a DNS query from (node, nameserver, port, origin kind) is sent: see `trace::dns_path`.
    #[allow(clippy::type_complexity)]
    pub(crate) dns_paths:
        RefCell<BTreeMap<(usize, IpAddr, u16, &'static str), Result<String, (String, String)>>>,
}

impl Index {
    /// Indexes `objects` (complete, as `cluster::build` returns them).
    pub fn new(objects: &Objects) -> Index {
        let nodes = objects
            .nodes
            .iter()
            .map(|n| {
                let info = crate::proxy::node_info(objects, &n.meta.name).unwrap_or_else(|_| {
                    NodeInfo { name: n.meta.name.clone(), ips: n.internal_ips.clone(), zone: None }
                });
                NodeCtx {
                    name: n.meta.name.clone(),
                    ready: n.ready,
                    info,
                    pod_cidrs: n.pod_cidrs.iter().filter_map(|c| Cidr::parse_lenient(c)).collect(),
                    ruleset: OnceCell::new(),
                    table: OnceCell::new(),
                }
            })
            .collect();
        let mut pods_by_ip = BTreeMap::new();
        let mut pods_by_name = BTreeMap::new();
        for (i, pod) in objects.pods.iter().enumerate() {
            pods_by_name.entry((pod.meta.namespace.clone(), pod.meta.name.clone())).or_insert(i);
            if pod.spec.host_network {
                continue;
            }
            for ip in &pod.status.pod_ips {
                pods_by_ip.entry(*ip).or_insert(i);
            }
        }
        let mut vips: BTreeMap<IpAddr, Vec<usize>> = BTreeMap::new();
        let mut node_ports = BTreeMap::new();
        for (i, s) in objects.services.iter().enumerate() {
            let ingress = s.status.load_balancer_ingress.iter().filter_map(|g| g.ip);
            for ip in s.spec.cluster_ips.iter().chain(&s.spec.external_ips).copied().chain(ingress)
            {
                let v = vips.entry(ip).or_default();
                if !v.contains(&i) {
                    v.push(i);
                }
            }
            for p in &s.spec.ports {
                if let Some(np) = p.node_port {
                    node_ports.entry(np).or_insert(i);
                }
            }
        }
        Index {
            nodes,
            pods_by_name,
            pods_by_ip,
            vips,
            node_ports,
            dns_paths: RefCell::new(BTreeMap::new()),
        }
    }
}

/// A complete cluster prepared for requests: the objects, the DNS zone, resolver and kube-proxy
/// settings, and the [`Index`]. A view over parts a [`Session`](crate::session::Session) owns
/// and builds once (`Session::network`); send any number of requests through it.
pub struct Network<'a> {
    pub objects: &'a Objects,
    pub settings: &'a Settings,
    pub(crate) zone: &'a Zone,
    pub(crate) resolver: &'a ResolverSettings,
    pub(crate) proxy: &'a ProxyConfig,
    index: &'a Index,
    /// The cluster's NetworkPolicies and ClusterNetworkPolicies, indexed on first use (`None`
    /// when there are none: nothing to judge).
    policies: OnceCell<Option<crate::policy::PolicySet<'a>>>,
}

impl<'a> std::ops::Deref for Network<'a> {
    type Target = Index;
    fn deref(&self) -> &Index {
        self.index
    }
}

impl<'a> Network<'a> {
    /// The parts, as a [`Session`](crate::session::Session) keeps them.
    pub(crate) fn from_parts(
        objects: &'a Objects,
        settings: &'a Settings,
        zone: &'a Zone,
        resolver: &'a ResolverSettings,
        proxy: &'a ProxyConfig,
        index: &'a Index,
    ) -> Network<'a> {
        Network { objects, settings, zone, resolver, proxy, index, policies: OnceCell::new() }
    }

    /// The policy verdict on `pod`'s DNS query to the cluster DNS address `server` (53/UDP to a
    /// CoreDNS Pod); `None` when no policy takes part.
    pub fn dns_query_verdict(&self, pod: &Pod, server: IpAddr) -> Option<crate::policy::Verdict> {
        let set = self.policies()?;
        let coredns = trace::dns_server(self, server)?;
        let v = set.evaluate(&crate::policy::Connection {
            source: crate::policy::Peer::Pod(pod),
            snat: None,
            destination: crate::policy::Peer::Pod(coredns),
            service_ip: Some(server),
            port: 53,
            protocol: crate::model::Protocol::Udp,
        });
        (!v.policies.is_empty()).then_some(v)
    }

    /// The policies, indexed on first use; `None` in a cluster without any.
    pub(crate) fn policies(&self) -> Option<&crate::policy::PolicySet<'a>> {
        self.policies
            .get_or_init(|| {
                let o = self.objects;
                let any = !o.network_policies.is_empty() || !o.cluster_network_policies.is_empty();
                any.then(|| crate::policy::PolicySet::new(o))
            })
            .as_ref()
    }

    /// The kube-proxy rules of node `i` (generated on first use, then kept), in the mode the
    /// cluster's kube-proxy runs.
    pub(crate) fn ruleset(&self, i: usize) -> Option<&'a NodeRuleset> {
        let n = self.index.nodes.get(i)?;
        Some(n.ruleset.get_or_init(|| {
            let o = self.objects;
            // With the notes about endpoints kube-proxy treats as remote.
            if self.proxy.mode == crate::proxy::ProxyMode::Nftables {
                return NodeRuleset::Nftables(
                    match crate::proxy::nft_rules_for_node(o, &n.name, self.proxy) {
                        Ok((_, rs)) => rs,
                        Err(_) => crate::proxy::nft::generate(
                            &o.services,
                            &o.endpoint_slices,
                            &n.info,
                            self.proxy,
                        ),
                    },
                );
            }
            NodeRuleset::Iptables(match crate::proxy::rules_for_node(o, &n.name, self.proxy) {
                Ok((_, rs)) => rs,
                Err(_) => {
                    crate::proxy::generate(&o.services, &o.endpoint_slices, &n.info, self.proxy)
                }
            })
        }))
    }

    /// The parsed kube-proxy rules of node `i` (parsed from their text on first use, then
    /// kept): routing comes from the rule text in both modes.
    pub(crate) fn rules(&self, i: usize) -> Option<&'a NodeTables> {
        let n = self.index.nodes.get(i)?;
        n.table
            .get_or_init(|| {
                let text = self.ruleset(i)?.walked_text();
                match self.ruleset(i)? {
                    NodeRuleset::Iptables(_) => {
                        RuleTable::parse(&text).ok().map(NodeTables::Iptables)
                    }
                    NodeRuleset::Nftables(_) => {
                        crate::proxy::nft::NftTables::parse(&text).ok().map(NodeTables::Nftables)
                    }
                }
            })
            .as_ref()
    }

    /// The node index of `name`.
    pub(crate) fn node_index(&self, name: &str) -> Option<usize> {
        self.nodes.iter().position(|n| n.name == name)
    }

    /// The node whose address is `ip`.
    pub(crate) fn node_by_ip(&self, ip: IpAddr) -> Option<usize> {
        self.nodes.iter().position(|n| !ip.is_loopback() && n.info.ips.contains(&ip))
    }

    /// The node owning the pod CIDR that contains `ip`.
    pub(crate) fn node_by_pod_cidr(&self, ip: IpAddr) -> Option<usize> {
        self.nodes.iter().position(|n| n.pod_cidrs.iter().any(|c| c.contains(ip)))
    }

    pub(crate) fn primary_ip(&self, node: usize) -> Option<IpAddr> {
        self.nodes.get(node).and_then(|n| n.info.primary_ip(IpFamily::IPv4))
    }

    /// The Pod `namespace/name`.
    pub(crate) fn pod(&self, namespace: &str, name: &str) -> Option<&'a Pod> {
        self.index
            .pods_by_name
            .get(&(namespace.to_string(), name.to_string()))
            .and_then(|i| self.objects.pods.get(*i))
    }

    pub(crate) fn pod_at(&self, ip: IpAddr) -> Option<&'a Pod> {
        self.index.pods_by_ip.get(&ip).and_then(|i| self.objects.pods.get(*i))
    }

    /// Sends a request (or `opts.count` of them) from `from` to `target`.
    pub fn request(
        &self,
        from: &Source,
        target: &Target,
        opts: &Options,
    ) -> Result<Report, RequestError> {
        trace::request(self, from, target, opts)
    }
}
