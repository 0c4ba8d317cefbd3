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

use crate::cluster::net::Cidr as PodCidr;
use crate::cluster::Settings;
use crate::dns::{CorefileConfig, ResolverSettings, Zone, ZoneInput};
use crate::model::{IpFamily, Objects, Pod};
use crate::proxy::{NodeInfo, ProxyConfig, RuleTable};
use crate::text::Span;

pub use explain::{explain, Check, Explanation, Mark};
pub use parse::{parse_source, parse_target, Host, Source, Target};
pub use trace::{Endpoint, Hop, Options, Outcome, Report, Share, EXTERNAL_CLIENT_IP, MAX_COUNT};

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
/// use) the parsed kube-proxy rules.
pub(crate) struct NodeCtx {
    pub name: String,
    pub ready: bool,
    pub info: NodeInfo,
    pub pod_cidrs: Vec<PodCidr>,
    rules: OnceCell<Option<RuleTable>>,
}

/// A complete cluster prepared for requests: DNS zone, resolver settings, kube-proxy
/// configuration, node contexts and indexes. Build it once and send any number of requests.
pub struct Network<'a> {
    pub objects: &'a Objects,
    pub settings: &'a Settings,
    pub(crate) zone: Zone,
    pub(crate) resolver: ResolverSettings,
    pub(crate) proxy: ProxyConfig,
    pub(crate) nodes: Vec<NodeCtx>,
    /// (namespace, name) → Pod index.
    pub(crate) pods_by_name: BTreeMap<(&'a str, &'a str), usize>,
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

impl<'a> Network<'a> {
    /// Prepares `objects` (complete, as `cluster::build` returns them) with `settings`.
    pub fn new(objects: &'a Objects, settings: &'a Settings) -> Network<'a> {
        let corefile = match &settings.corefile {
            Some(text) => CorefileConfig::parse(text, &settings.dns_domain, Span::default()).0,
            None => CorefileConfig::kubeadm(&settings.dns_domain),
        };
        let zone = Zone::new(
            corefile,
            ZoneInput {
                services: &objects.services,
                endpoint_slices: &objects.endpoint_slices,
                pods: &objects.pods,
                namespaces: &objects.namespaces,
            },
        );
        let resolver =
            ResolverSettings::new(settings.cluster_dns.clone(), settings.cluster_domain.clone());
        let p = &settings.proxy;
        // The same configuration `netsim iptables` shows (cmd/iptables.rs): the cluster's
        // KubeProxyConfiguration settings, the primary service family.
        let proxy = ProxyConfig {
            cluster_cidr: if p.cluster_cidrs.is_empty() {
                None
            } else {
                Some(p.cluster_cidrs.iter().map(|c| c.to_string()).collect::<Vec<_>>().join(","))
            },
            masquerade_bit: u32::try_from(p.masquerade_bit).ok().filter(|b| *b <= 31).unwrap_or(14),
            masquerade_all: p.masquerade_all,
            localhost_node_ports: p.localhost_node_ports,
            node_port_addresses: p.node_port_addresses.clone(),
            ip_family: settings.service_families().first().copied().unwrap_or(IpFamily::IPv4),
            ..ProxyConfig::default()
        };
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
                    pod_cidrs: n.pod_cidrs.iter().filter_map(|c| PodCidr::parse(c)).collect(),
                    rules: OnceCell::new(),
                }
            })
            .collect();
        let mut pods_by_ip = BTreeMap::new();
        let mut pods_by_name = BTreeMap::new();
        for (i, pod) in objects.pods.iter().enumerate() {
            pods_by_name.entry((pod.meta.namespace.as_str(), pod.meta.name.as_str())).or_insert(i);
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
        Network {
            objects,
            settings,
            zone,
            resolver,
            proxy,
            nodes,
            pods_by_name,
            pods_by_ip,
            vips,
            node_ports,
            dns_paths: RefCell::new(BTreeMap::new()),
        }
    }

    /// The parsed kube-proxy rules of node `i` (generated and parsed on first use, then kept).
    pub(crate) fn rules(&self, i: usize) -> Option<&RuleTable> {
        let n = self.nodes.get(i)?;
        n.rules
            .get_or_init(|| {
                let rs = crate::proxy::generate(
                    &self.objects.services,
                    &self.objects.endpoint_slices,
                    &n.info,
                    &self.proxy,
                );
                // The walker runs on the text: kube-proxy's restore input plus the jumps it
                // installs in the built-in chains (what the kernel evaluates).
                RuleTable::parse(&rs.kernel_text()).ok()
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
        self.pods_by_name.get(&(namespace, name)).and_then(|i| self.objects.pods.get(*i))
    }

    pub(crate) fn pod_at(&self, ip: IpAddr) -> Option<&'a Pod> {
        self.pods_by_ip.get(&ip).and_then(|i| self.objects.pods.get(*i))
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
