//! The questions a [`Session`] answers. Each method takes the question as the CLI and the JS
//! package spell it and returns a typed answer (serde, camelCase) or an [`AskError`].
//! [`Question`] lists them all for the JS package's `ask` and the page's engine worker, which
//! pass questions as JSON; [`Session::ask`] answers one with the same JSON text `netsim … -o json`
//! prints.

use std::net::IpAddr;

use serde::{Deserialize, Serialize};

use super::answer::{to_json, AskError, ObjectRef};
use super::Session;
use crate::dns::{fqdn, query_packet, resolv_conf, resolve, RecordType, ResolvConf, WalkResult};
use crate::model::{Pod, Protocol};
use crate::proxy::{Origin, Packet};
use crate::request::{
    explain, parse_source, parse_target, Explanation, NodeTables, Options, Report, RequestError,
};
use crate::scenario::RequestResult;

pub use super::describe::Description;
pub use super::dns::Lookup;
pub use super::get::Listing;
pub use super::packet::PacketWalk;
pub use super::rules::{RuleFormat, Rules};
pub use crate::cluster::print::{GetFormat, GetRequest};

/// Every question, as the JS package and the engine worker pass it (`{"ask": "request", …}`).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "ask", rename_all = "camelCase", rename_all_fields = "camelCase")]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub enum Question {
    /// `netsim request FROM TARGET [--count N] [--seed S]`.
    Request {
        from: String,
        target: String,
        #[serde(default = "one")]
        #[cfg_attr(feature = "ts", ts(as = "Option<_>", optional))]
        count: u32,
        #[serde(default)]
        #[cfg_attr(feature = "ts", ts(as = "Option<_>", optional))]
        seed: u64,
    },
    /// `netsim dns NAME [--from POD | --namespace NS] [--type T] [--exact]`.
    Dns {
        name: String,
        #[serde(default)]
        #[cfg_attr(feature = "ts", ts(optional))]
        from: Option<String>,
        #[serde(default)]
        #[cfg_attr(feature = "ts", ts(optional))]
        namespace: Option<String>,
        #[serde(default, rename = "type")]
        #[cfg_attr(feature = "ts", ts(optional))]
        qtype: Option<String>,
        #[serde(default)]
        #[cfg_attr(feature = "ts", ts(as = "Option<_>", optional))]
        exact: bool,
    },
    /// `netsim resolv-conf POD [-n NS]`.
    ResolvConf {
        pod: String,
        #[serde(default)]
        #[cfg_attr(feature = "ts", ts(optional))]
        namespace: Option<String>,
    },
    /// `netsim packet --node N --src IP --dst IP:PORT [--proto P]`.
    Packet {
        node: String,
        src: String,
        dst: String,
        #[serde(default)]
        #[cfg_attr(feature = "ts", ts(optional))]
        proto: Option<String>,
    },
    /// `netsim iptables --node N [--format restore|save]` or `netsim nftables --node N
    /// [--format dump|ruleset]` (no format: what an admin lists in the node's mode), with one
    /// Service's lines marked. With `mode`, the rules the node would have in that mode (the
    /// page's iptables/nftables comparison).
    Rules {
        node: String,
        #[serde(default)]
        #[cfg_attr(feature = "ts", ts(optional))]
        format: Option<RuleFormat>,
        #[serde(default)]
        #[cfg_attr(feature = "ts", ts(optional))]
        service: Option<String>,
        #[serde(default)]
        #[cfg_attr(feature = "ts", ts(optional))]
        mode: Option<String>,
    },
    /// `netsim explain SERVICE [-n NS]`.
    Explain {
        service: String,
        #[serde(default)]
        #[cfg_attr(feature = "ts", ts(optional))]
        namespace: Option<String>,
    },
    /// `netsim get …`.
    Get(GetRequest),
    /// `netsim describe KIND [NAME] [-n NS]`.
    Describe {
        kind: String,
        #[serde(default)]
        #[cfg_attr(feature = "ts", ts(optional))]
        name: Option<String>,
        #[serde(default)]
        #[cfg_attr(feature = "ts", ts(optional))]
        namespace: Option<String>,
    },
    /// What the inspector shows about a Service (`NS/NAME`).
    Service { service: String },
    /// What the inspector shows about a Pod (`NS/NAME`).
    Pod { pod: String },
    /// The cluster's policies and the Pods they isolate.
    Policies,
    /// The topology as a standalone SVG document (styles embedded, labels shown; a JSON
    /// string): the playground's export, drawn by the engine so the page does not carry it.
    TopologySvg,
    /// One policy for the inspector: `kind` NetworkPolicy (`NS/NAME`) or ClusterNetworkPolicy.
    Policy { kind: String, name: String },
    /// The text `netsim …` prints for `question` without `-o json` (a JSON string): for views
    /// that show only what a terminal shows (the page's resolv.conf and nslookup), so they need
    /// neither the typed answer nor its rendering. Defined for `dns`, `resolvConf`, `request`,
    /// `explain`, `packet`, `rules` and `get`.
    Text { question: Box<Question> },
    /// The reachability matrix over `pods` (`NS/NAME`; all Pods when empty), on `port`
    /// (`80/TCP`; default: each destination's first declared port).
    Matrix {
        #[serde(default)]
        #[cfg_attr(feature = "ts", ts(as = "Option<_>", optional))]
        pods: Vec<String>,
        #[serde(default)]
        #[cfg_attr(feature = "ts", ts(optional))]
        port: Option<String>,
    },
}

fn one() -> u32 {
    1
}

/// `NS/NAME`, or `NAME` in `namespace` (default `default`).
pub(crate) fn split_name(text: &str, namespace: Option<&str>) -> (String, String) {
    match text.split_once('/') {
        Some((ns, name)) if namespace.is_none() => (ns.to_string(), name.to_string()),
        _ => (namespace.unwrap_or("default").to_string(), text.to_string()),
    }
}

/// The CLI's and kubectl's words for a Pod that is not there.
fn no_pod(namespace: &str, name: &str) -> AskError {
    AskError::missing(
        "unknown-pod",
        format!(
            "Error from server (NotFound): pods \"{name}\" not found in namespace \"{namespace}\""
        ),
    )
}

fn request_error(e: RequestError, usage: bool) -> AskError {
    AskError { code: e.code.to_string(), message: e.message, usage }
}

impl Session {
    /// Answers `q` with the JSON text `netsim … -o json` prints for it.
    pub fn ask(&self, q: &Question) -> Result<String, AskError> {
        Ok(match q {
            Question::Request { from, target, count, seed } => {
                to_json(&self.request(from, target, Options { count: *count, seed: *seed })?)
            }
            Question::Dns { name, from, namespace, qtype, exact } => {
                let qtype = match qtype.as_deref() {
                    None => RecordType::A,
                    Some(t) => RecordType::parse(t)
                        .map_err(|e| AskError::usage("bad-type", e.to_string()))?,
                };
                to_json(&self.dns(name, from.as_deref(), namespace.as_deref(), qtype, *exact)?)
            }
            Question::ResolvConf { pod, namespace } => {
                to_json(&self.resolv_conf(pod, namespace.as_deref())?)
            }
            Question::Packet { node, src, dst, proto } => {
                to_json(&self.packet_text_args(node, src, dst, proto.as_deref())?)
            }
            Question::Rules { node, format, service, mode: None } => {
                to_json(&self.rules(node, *format, service.as_deref())?)
            }
            Question::Rules { node, service, mode: Some(mode), .. } => {
                let mode = crate::proxy::ProxyMode::parse(Some(mode))
                    .filter(|m| *m != crate::proxy::ProxyMode::Ipvs)
                    .ok_or_else(|| {
                        AskError::usage(
                            "bad-mode",
                            format!("unknown proxy mode '{mode}': use iptables or nftables"),
                        )
                    })?;
                to_json(&self.rules_in_mode(node, mode, service.as_deref())?)
            }
            Question::Explain { service, namespace } => {
                let (ns, name) = split_name(service, namespace.as_deref());
                to_json(&self.explain(&ns, &name))
            }
            Question::Service { service } => to_json(&self.service_detail(service)?),
            Question::Pod { pod } => to_json(&self.pod_detail(pod)?),
            Question::Describe { kind, name, namespace } => {
                to_json(&self.describe(kind, name.as_deref(), namespace.as_deref())?)
            }
            Question::Policies => to_json(&self.policy_overview()),
            Question::TopologySvg => to_json(&self.topology_svg()),
            Question::Policy { kind, name } => to_json(&self.policy_inspection(kind, name)?),
            Question::Matrix { pods, port } => {
                let port = match port.as_deref() {
                    None | Some("") => None,
                    Some(p) => Some(parse_port(p)?),
                };
                to_json(&self.policy_matrix(pods, port))
            }
            Question::Text { question } => to_json(&self.ask_text(question)?),
            Question::Get(g) => {
                let l = self.get(g)?;
                match g.output {
                    GetFormat::Json => l.text,
                    _ => to_json(&l),
                }
            }
        })
    }

    /// The text `netsim …` prints for `q` without `-o json` ([`Question::Text`]).
    pub fn ask_text(&self, q: &Question) -> Result<String, AskError> {
        Ok(match q {
            Question::Dns { name, from, namespace, qtype, exact } => {
                let qtype = match qtype.as_deref() {
                    None => RecordType::A,
                    Some(t) => RecordType::parse(t)
                        .map_err(|e| AskError::usage("bad-type", e.to_string()))?,
                };
                self.dns(name, from.as_deref(), namespace.as_deref(), qtype, *exact)?.text()
            }
            Question::ResolvConf { pod, namespace } => {
                self.resolv_conf(pod, namespace.as_deref())?.to_string()
            }
            Question::Request { from, target, count, seed } => {
                self.request(from, target, Options { count: *count, seed: *seed })?.text()
            }
            Question::Explain { service, namespace } => {
                let (ns, name) = split_name(service, namespace.as_deref());
                self.explain(&ns, &name).text()
            }
            Question::Packet { node, src, dst, proto } => {
                self.packet_text_args(node, src, dst, proto.as_deref())?.text()
            }
            Question::Rules { node, format, service, mode: None } => {
                self.rules(node, *format, service.as_deref())?.text
            }
            Question::Get(g) => {
                // As a terminal shows `kubectl get`: stderr (warnings, `No resources found`)
                // above the tables.
                let l = self.get(g)?;
                let mut out = String::new();
                for p in &l.problems {
                    out.push_str(p);
                    out.push('\n');
                }
                out.push_str(&l.text);
                out
            }
            _ => {
                return Err(AskError::usage(
                    "no-text",
                    "this question has no text form: ask for its JSON answer",
                ))
            }
        })
    }

    /// Sends a request (or `opts.count` of them) from `from` (`pod/NAME`,
    /// `pod/NS/NAME[:CONTAINER]`, `node/NAME`, `external`) to `target` (`host:port` or a URL).
    pub fn request(&self, from: &str, target: &str, opts: Options) -> Result<Report, AskError> {
        let src = parse_source(from).map_err(|e| request_error(e, true))?;
        let dst = parse_target(target).map_err(|e| request_error(e, true))?;
        let mut r =
            self.network().request(&src, &dst, &opts).map_err(|e| request_error(e, false))?;
        r.from = from.to_string();
        r.target = target.to_string();
        r.port = dst.port;
        Ok(r)
    }

    /// An outcome function for [`crate::scenario::check_challenge`] and
    /// [`crate::scenario::check_requests`]: each request sent once with seed 0; none while the
    /// input has errors.
    pub fn outcome(&self) -> impl FnMut(&str, &str) -> RequestResult + '_ {
        let errors = self.errors();
        move |from, target| {
            if errors > 0 {
                return Err(format!(
                    "the manifests have {errors} error{}; fix {} first",
                    if errors == 1 { "" } else { "s" },
                    if errors == 1 { "it" } else { "them" }
                ));
            }
            self.request(from, target, Options::default())
                .map(|r: Report| r.outcome)
                .map_err(|e| e.message)
        }
    }

    /// The client Pod of a DNS question: `from` (`NAME` in `namespace`, or `NS/NAME`), or a
    /// virtual Pod with dnsPolicy ClusterFirst in `namespace` (default `default`).
    fn dns_client(
        &self,
        from: Option<&str>,
        namespace: Option<&str>,
    ) -> Result<(Pod, bool), AskError> {
        if let Some(from) = from {
            let (ns, name) = split_name(from, namespace);
            return self
                .network()
                .pod(&ns, &name)
                .cloned()
                .map(|p| (p, false))
                .ok_or_else(|| no_pod(&ns, &name));
        }
        let mut p = Pod::default();
        p.meta.name = "client".into();
        p.meta.namespace = namespace.unwrap_or("default").to_string();
        p.spec.dns_policy = "ClusterFirst".into();
        Ok((p, true))
    }

    /// What a resolver in a Pod sees for `name`: its resolv.conf, each query of the search walk
    /// answered as CoreDNS would, and the result. `exact` sends `name` once, fully qualified,
    /// to cluster DNS.
    pub fn dns(
        &self,
        name: &str,
        from: Option<&str>,
        namespace: Option<&str>,
        qtype: RecordType,
        exact: bool,
    ) -> Result<Lookup, AskError> {
        let (pod, virtual_client) = self.dns_client(from, namespace)?;
        let rc = resolv_conf(&pod, &self.resolver);
        let cluster_dns = &self.resolver.cluster_dns;
        let walk = if exact {
            let mut one = rc.clone();
            one.searches.clear();
            if let Some(first) = cluster_dns.first() {
                one.nameservers = vec![first.to_string()];
            }
            let name = if name.is_empty() { String::new() } else { fqdn(name) };
            resolve(&one, &name, qtype, self.zone(), cluster_dns)
        } else {
            resolve(&rc, name, qtype, self.zone(), cluster_dns)
        };
        // The queries are packets too: a NetworkPolicy may drop them (egress of the client,
        // ingress of CoreDNS), and then every query times out.
        let net = self.network();
        let verdict = match (virtual_client, rc.nameservers.first().and_then(|n| n.parse().ok())) {
            (false, Some(server)) if cluster_dns.contains(&server) => {
                net.dns_query_verdict(&pod, server)
            }
            _ => None,
        };
        let mut walk = walk;
        let mut policies = Vec::new();
        if let Some(v) = verdict {
            policies = v.policies.clone();
            if v.decision == crate::policy::Decision::Denied {
                for q in &mut walk.queries {
                    q.rcode = None;
                    q.answer.clear();
                    q.authority.clear();
                    q.additional.clear();
                    q.why = "dropped by NetworkPolicy: no answer".into();
                }
                walk.queries.truncate(1);
                walk.result = WalkResult::TimedOut { why: v.reason };
            }
        }
        Ok(Lookup {
            policies,
            client: ObjectRef::pod(&pod.meta.namespace, &pod.meta.name),
            virtual_client,
            exact,
            searches: rc.searches.clone(),
            resolv_conf: rc.to_string(),
            packet: query_packet(&pod, &rc),
            name: walk.name,
            qtype: walk.qtype,
            nameserver: walk.nameserver,
            ndots: walk.ndots,
            queries: walk.queries,
            result: walk.result,
        })
    }

    /// The `/etc/resolv.conf` the kubelet writes into Pod `pod` (`NAME` in `namespace`, or
    /// `NS/NAME`).
    pub fn resolv_conf(&self, pod: &str, namespace: Option<&str>) -> Result<ResolvConf, AskError> {
        let (ns, name) = split_name(pod, namespace);
        let pod = self.network().pod(&ns, &name).ok_or_else(|| no_pod(&ns, &name))?;
        Ok(resolv_conf(pod, &self.resolver))
    }

    /// The Debug Services checklist for Service `namespace/name`.
    pub fn explain(&self, namespace: &str, name: &str) -> Explanation {
        explain(&self.network(), namespace, name)
    }

    /// The node index of `name`, or the error that lists the nodes.
    pub(super) fn node(&self, name: &str) -> Result<usize, AskError> {
        self.network().node_index(name).ok_or_else(|| {
            let names: Vec<&str> =
                self.cluster.objects.nodes.iter().map(|n| n.meta.name.as_str()).collect();
            AskError::usage(
                "unknown-node",
                format!("node \"{name}\" not found; nodes: {}", names.join(", ")),
            )
        })
    }

    /// The parsed rules of node `i` (what the walker evaluates).
    pub(super) fn rule_table(&self, i: usize) -> Result<&NodeTables, AskError> {
        self.network().rules(i).ok_or_else(|| {
            AskError::missing(
                "rules-unparsable",
                "internal error: the generated rules do not parse",
            )
        })
    }

    /// `packet` with its arguments as text: `--src IP`, `--dst IP:PORT` (`[v6]:PORT`),
    /// `--proto tcp|udp|sctp`.
    pub fn packet_text_args(
        &self,
        node: &str,
        src: &str,
        dst: &str,
        proto: Option<&str>,
    ) -> Result<PacketWalk, AskError> {
        let src: IpAddr = src.parse().map_err(|_| {
            AskError::usage("bad-source", format!("invalid --src '{src}': expected an IP address"))
        })?;
        let (dst, dport) = parse_dst(dst)?;
        let proto = match proto.unwrap_or("tcp").to_ascii_lowercase().as_str() {
            "tcp" => Protocol::Tcp,
            "udp" => Protocol::Udp,
            "sctp" => Protocol::Sctp,
            other => {
                return Err(AskError::usage(
                    "bad-protocol",
                    format!("invalid --proto '{other}': use tcp, udp or sctp"),
                ))
            }
        };
        self.packet(node, src, dst, dport, proto)
    }

    /// One packet arriving at (or leaving from) `node`, walked through its rules, every
    /// probability branch followed.
    pub fn packet(
        &self,
        node: &str,
        src: IpAddr,
        dst: IpAddr,
        dport: u16,
        proto: Protocol,
    ) -> Result<PacketWalk, AskError> {
        let i = self.node(node)?;
        let table = self.rule_table(i)?;
        let net = self.network();
        let info = &net.nodes[i].info;
        let pod_here = self.cluster.objects.pods.iter().any(|p| {
            p.spec.node_name.as_deref() == Some(info.name.as_str())
                && !p.spec.host_network
                && p.status.pod_ips.contains(&src)
        });
        let in_cluster_cidr = self
            .proxy
            .cluster_cidr
            .as_deref()
            .unwrap_or_default()
            .split(',')
            .filter_map(|c| crate::proxy::Cidr::parse(c.trim()))
            .any(|c| c.contains(src));
        let origin = if src.is_loopback() || info.ips.contains(&src) {
            Origin::FromNode
        } else if pod_here || in_cluster_cidr {
            Origin::FromPod
        } else {
            Origin::FromOutside
        };
        let packet = Packet { src, dst, dport, proto, origin };
        let trace = table.walk(info, &packet);
        Ok(PacketWalk::new(&info.name, &packet, &trace))
    }
}

/// `80`, `80/TCP`, `53/udp`.
fn parse_port(s: &str) -> Result<(u16, Protocol), AskError> {
    let (n, proto) = s.split_once('/').unwrap_or((s, "TCP"));
    let bad = || AskError::usage("bad-port", format!("invalid port '{s}': expected e.g. 80/TCP"));
    let port: u16 = n.trim().parse().ok().filter(|p| *p > 0).ok_or_else(bad)?;
    let proto = match proto.trim().to_ascii_uppercase().as_str() {
        "TCP" => Protocol::Tcp,
        "UDP" => Protocol::Udp,
        "SCTP" => Protocol::Sctp,
        _ => return Err(bad()),
    };
    Ok((port, proto))
}

/// `IP:PORT`, or `[IPv6]:PORT`.
fn parse_dst(s: &str) -> Result<(IpAddr, u16), AskError> {
    let bad = || {
        AskError::usage(
            "bad-destination",
            format!("invalid --dst '{s}': expected IP:PORT with a port in 1-65535"),
        )
    };
    let (ip, port) = if let Some(rest) = s.strip_prefix('[') {
        rest.split_once("]:").ok_or_else(bad)?
    } else {
        s.rsplit_once(':').ok_or_else(bad)?
    };
    let ip: IpAddr = ip.parse().map_err(|_| bad())?;
    let port: u16 = port.parse().map_err(|_| bad())?;
    if port == 0 {
        return Err(bad());
    }
    Ok((ip, port))
}
