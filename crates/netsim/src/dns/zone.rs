//! The cluster DNS server: CoreDNS's `kubernetes` plugin over the simulated API objects.
//!
//! Built once from Services, EndpointSlices, Pods and Namespaces into indexes (by
//! `(namespace, name)`, by IP for PTR), exactly like the plugin's informer caches
//! (`plugin/kubernetes/controller.go` `SvcIndex`, `EpIndex`, `SvcIndexReverse`, `EpIndexReverse`,
//! `PodIndex`), so one query costs a few map lookups and never scans all Services.
//!
//! Query handling follows, function by function:
//! * `plugin/kubernetes/handler.go` `ServeDNS`: type dispatch, the "fake A lookup" that tells
//!   NXDOMAIN from NODATA for other types, SOA only at the apex, AXFR/IXFR refused, `fallthrough`;
//! * `plugin/kubernetes/parse.go` `parseRequest`: the name grammar;
//! * `plugin/kubernetes/kubernetes.go` `Services`, `Records`, `findServices`, `findPods`,
//!   `endpointHostname`; `ns.go` `nsAddrs`; `reverse.go` `serviceRecordForIP`;
//! * `plugin/backend_lookup.go` `A`, `AAAA`, `SRV` (weights), `CNAME`, `TXT`, `PTR`, `NS`, `SOA`;
//! * `plugin/kubernetes/object/endpoint.go` `EndpointSliceToEndpoints`: only endpoints whose
//!   `conditions.ready` is unset or true are seen; a slice without ports gets a `-1` port sentinel.
//!
//! Namespace existence (`namespace.go` `filteredNamespaceExists`): CoreDNS asks its namespace
//! informer. Here a namespace exists if a Namespace object names it, if any Service, Pod or
//! EndpointSlice lives in it (the API server would have rejected those objects otherwise), or if it
//! is one of the four namespaces every cluster has (`default`, `kube-system`, `kube-public`,
//! `kube-node-lease`).
//!
//! Invariants: no panics on any name; answers are in input order (CoreDNS promises none, so tests
//! compare sets); names outside the zones are never answered here, only marked
//! [`Outcome::Forwarded`].

use std::collections::{BTreeMap, BTreeSet};
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

use super::corefile::{is_reverse_zone, CorefileConfig, KubernetesConfig, PodMode};
use super::records::{check_name, fqdn, Outcome, Rcode, Record, RecordType, Response};
use crate::model::{EndpointSlice, Namespace, Pod, Service, ServiceType};

/// The SOA serial. CoreDNS uses the Unix time of the last API change
/// (`kubernetes.go` `Serial` → `APIConn.Modified`); the simulation has no clock, so it is fixed.
pub const SOA_SERIAL: u32 = 1;

/// Namespaces every cluster has.
const BUILTIN_NAMESPACES: [&str; 4] = ["default", "kube-system", "kube-public", "kube-node-lease"];

/// The API objects the DNS server reads.
#[derive(Clone, Copy, Debug, Default)]
pub struct ZoneInput<'a> {
    pub services: &'a [Service],
    pub endpoint_slices: &'a [EndpointSlice],
    pub pods: &'a [Pod],
    pub namespaces: &'a [Namespace],
}

#[derive(Clone, Debug)]
enum SvcKind {
    ClusterIp(Vec<IpAddr>),
    Headless,
    External(String),
}

#[derive(Clone, Debug)]
struct SvcPort {
    name: String,
    protocol: &'static str,
    port: i32,
}

#[derive(Clone, Debug)]
struct SvcInfo {
    name: String,
    namespace: String,
    kind: SvcKind,
    ports: Vec<SvcPort>,
}

#[derive(Clone, Debug)]
struct Addr {
    ip: IpAddr,
    hostname: String,
    target_ref_name: String,
}

#[derive(Clone, Debug)]
struct EpPort {
    name: String,
    protocol: &'static str,
    /// -1: the sentinel `EndpointSliceToEndpoints` adds when a slice has no ports.
    port: i32,
}

/// One EndpointSlice as CoreDNS keeps it: ready addresses × ports.
#[derive(Clone, Debug)]
struct Subset {
    addresses: Vec<Addr>,
    ports: Vec<EpPort>,
}

/// An NS target: `<prefix>.<zone>` with an address (`ns.go` `nsAddrs`).
#[derive(Clone, Debug)]
struct NsTarget {
    prefix: String,
    ip: IpAddr,
}

/// A `msg.Service`: what the backend returns before records are made.
#[derive(Clone, Debug)]
struct Msg {
    host: Host,
    port: i32,
    ttl: u32,
    /// `msg.Domain(Key)`: the owner name SRV/NS records point at (absolute).
    target: String,
}

#[derive(Clone, Debug)]
enum Host {
    Ip(IpAddr),
    Name(String),
    Text(String),
}

/// `errNoItems`, `errNsNotExposed`, `errInvalidRequest`: all "name errors" (NXDOMAIN), with
/// the reason in words.
#[derive(Clone, Debug)]
struct NameError(String);

type Lookup<T> = Result<T, NameError>;

/// The parsed query (`parse.go` `recordRequest`).
#[derive(Clone, Debug, Default)]
struct Request {
    port: String,
    protocol: String,
    endpoint: String,
    service: String,
    namespace: String,
    pod_or_svc: String,
}

/// Cluster DNS: CoreDNS (kubernetes + forward plugins) over one snapshot of the cluster.
#[derive(Clone, Debug)]
pub struct Zone {
    config: CorefileConfig,
    namespaces: BTreeSet<String>,
    services: BTreeMap<(String, String), Vec<SvcInfo>>,
    endpoints: BTreeMap<(String, String), Vec<Subset>>,
    svc_by_ip: BTreeMap<IpAddr, (String, String)>,
    /// Ready endpoint IP → (namespace, service, endpoint hostname).
    ep_by_ip: BTreeMap<IpAddr, Vec<(String, String, String)>>,
    /// Pod IP (`status.podIP`) → namespaces of Pods with it.
    pods_by_ip: BTreeMap<IpAddr, Vec<String>>,
    /// (IP, namespace) of Pods being deleted: not in CoreDNS's pod index, kept to explain why.
    terminating_pods: BTreeSet<(IpAddr, String)>,
    ns_targets: Vec<NsTarget>,
}

/// Go's `net.IP.String()` form with `.`/`:` replaced by `-` (`endpointHostname`); a trailing
/// `-` (an address ending in `::`) gets a `0` so the label does not end in a hyphen.
fn dashed_ip(ip: IpAddr) -> String {
    match ip {
        IpAddr::V4(v4) => v4.to_string().replace('.', "-"),
        IpAddr::V6(v6) => {
            let mut s = v6.to_string().replace(':', "-");
            if s.ends_with('-') {
                s.push('0');
            }
            s
        }
    }
}

/// `dns.IsSubDomain(parent, child)` on lowercase absolute names.
fn is_subdomain(parent: &str, child: &str) -> bool {
    parent == "." || child == parent || child.ends_with(&format!(".{parent}"))
}

/// Strips `zone` from `name` (`dnsutil.TrimZone`), both absolute; the zone may be spelt in
/// the query's case (CoreDNS keeps it, see [`Zone::query`]), so the suffix is compared without
/// case.
fn trim_zone<'a>(name: &'a str, zone: &str) -> &'a str {
    if zone == "." {
        return name.strip_suffix('.').unwrap_or(name);
    }
    if name.eq_ignore_ascii_case(zone) {
        return "";
    }
    let Some(cut) = name.len().checked_sub(zone.len()) else { return "" };
    match (name.get(..cut), name.get(cut..)) {
        (Some(head), Some(tail)) if tail.eq_ignore_ascii_case(zone) => {
            head.strip_suffix('.').unwrap_or("")
        }
        _ => "",
    }
}

/// `dnsutil.ExtractAddressFromReverse`: the IP a full PTR name stands for.
pub fn address_from_reverse(name: &str) -> Option<IpAddr> {
    let name = name.to_ascii_lowercase();
    let name = name.strip_suffix('.').unwrap_or(&name);
    if let Some(rest) = name.strip_suffix(".in-addr.arpa") {
        let mut parts: Vec<&str> = rest.split('.').collect();
        if parts.len() != 4 {
            return None;
        }
        parts.reverse();
        return parts.join(".").parse::<Ipv4Addr>().ok().map(IpAddr::V4);
    }
    if let Some(rest) = name.strip_suffix(".ip6.arpa") {
        // `reverse6`: the labels reversed, then `len/4` groups of four labels each, joined with
        // ':' and parsed. Labels past the last whole group (1 to 3 extra leftmost labels) are
        // dropped, so such a name still stands for the address its last 32 labels spell.
        let mut labels: Vec<&str> = rest.split('.').collect();
        labels.reverse();
        let groups: Vec<String> = labels.chunks_exact(4).map(|g| g.concat()).collect();
        // Go's `net.IP.String()` prints an IPv4-mapped address in dotted form, and that text
        // is what `serviceRecordForIP` looks up: `::ffff:10.96.0.10` is 10.96.0.10.
        return groups.join(":").parse::<Ipv6Addr>().ok().map(|v6| match v6.to_ipv4_mapped() {
            Some(v4) => IpAddr::V4(v4),
            None => IpAddr::V6(v6),
        });
    }
    None
}

/// The reverse name of an IP (`10.96.0.10` → `10.0.96.10.in-addr.arpa.`), as `dig -x` builds it.
pub fn reverse_name(ip: IpAddr) -> String {
    match ip {
        IpAddr::V4(v4) => {
            let o = v4.octets();
            format!("{}.{}.{}.{}.in-addr.arpa.", o[3], o[2], o[1], o[0])
        }
        IpAddr::V6(v6) => {
            let mut s = String::new();
            for b in v6.octets().iter().rev() {
                s.push_str(&format!("{:x}.{:x}.", b & 0xf, b >> 4));
            }
            s.push_str("ip6.arpa.");
            s
        }
    }
}

fn protocol_str(p: crate::model::Protocol) -> &'static str {
    p.as_str()
}

/// `matchPortAndProtocol`: the query side may be empty (wildcard); comparison ignores case.
fn match_port_and_protocol(q_port: &str, port: &str, q_proto: &str, proto: &str) -> bool {
    (q_port.is_empty() || q_port.eq_ignore_ascii_case(port))
        && (q_proto.is_empty() || q_proto.eq_ignore_ascii_case(proto))
}

fn strip_underscore(s: &str) -> &str {
    s.strip_prefix('_').unwrap_or(s)
}

impl Zone {
    /// Builds the server's caches from the cluster objects.
    pub fn new(config: CorefileConfig, input: ZoneInput<'_>) -> Zone {
        let mut namespaces: BTreeSet<String> =
            BUILTIN_NAMESPACES.iter().map(|s| (*s).to_string()).collect();
        for n in input.namespaces {
            namespaces.insert(n.meta.name.to_ascii_lowercase());
        }
        let mut services: BTreeMap<(String, String), Vec<SvcInfo>> = BTreeMap::new();
        let mut svc_by_ip = BTreeMap::new();
        for s in input.services {
            let ns = s.meta.namespace.to_ascii_lowercase();
            let name = s.meta.name.to_ascii_lowercase();
            namespaces.insert(ns.clone());
            let kind = if s.spec.type_ == ServiceType::ExternalName {
                SvcKind::External(s.spec.external_name.clone().unwrap_or_default())
            } else if s.spec.headless {
                SvcKind::Headless
            } else {
                for ip in &s.spec.cluster_ips {
                    svc_by_ip.entry(*ip).or_insert_with(|| (ns.clone(), name.clone()));
                }
                SvcKind::ClusterIp(s.spec.cluster_ips.clone())
            };
            let ports = s
                .spec
                .ports
                .iter()
                .map(|p| SvcPort {
                    name: p.name.clone(),
                    protocol: protocol_str(p.protocol),
                    port: p.port,
                })
                .collect();
            services.entry((ns.clone(), name.clone())).or_default().push(SvcInfo {
                name,
                namespace: ns,
                kind,
                ports,
            });
        }
        let mut endpoints: BTreeMap<(String, String), Vec<Subset>> = BTreeMap::new();
        let mut ep_by_ip: BTreeMap<IpAddr, Vec<(String, String, String)>> = BTreeMap::new();
        let endpoint_pod_names = config.kubernetes.as_ref().is_some_and(|k| k.endpoint_pod_names);
        // `noendpoints`: the EndpointSlice informer never runs, its index stays empty.
        let no_endpoints = config.kubernetes.as_ref().is_some_and(|k| k.no_endpoints);
        let slices = if no_endpoints { &[][..] } else { input.endpoint_slices };
        for slice in slices {
            let ns = slice.meta.namespace.to_ascii_lowercase();
            namespaces.insert(ns.clone());
            // `EndpointsKey(labels[kubernetes.io/service-name], namespace)`.
            let svc = slice.service_name().unwrap_or("").to_ascii_lowercase();
            let ports = if slice.ports.is_empty() {
                vec![EpPort { name: String::new(), protocol: "", port: -1 }]
            } else {
                slice
                    .ports
                    .iter()
                    .map(|p| EpPort {
                        name: p.name.clone().unwrap_or_default(),
                        protocol: protocol_str(p.protocol),
                        port: p.port.unwrap_or(-1),
                    })
                    .collect()
            };
            let mut addresses = Vec::new();
            for e in &slice.endpoints {
                // `endpointsliceReady`: nil means ready.
                if e.conditions.ready == Some(false) {
                    continue;
                }
                for ip in &e.addresses {
                    let target_ref_name = e
                        .target_ref
                        .as_ref()
                        .filter(|r| r.name.len() < 64)
                        .map(|r| r.name.clone())
                        .unwrap_or_default();
                    let addr = Addr {
                        ip: *ip,
                        hostname: e.hostname.clone().unwrap_or_default(),
                        target_ref_name,
                    };
                    ep_by_ip.entry(*ip).or_default().push((
                        ns.clone(),
                        svc.clone(),
                        endpoint_hostname(&addr, endpoint_pod_names),
                    ));
                    addresses.push(addr);
                }
            }
            endpoints.entry((ns, svc)).or_default().push(Subset { addresses, ports });
        }
        let mut pods_by_ip: BTreeMap<IpAddr, Vec<String>> = BTreeMap::new();
        let mut terminating_pods = BTreeSet::new();
        let mut coredns_ips = Vec::new();
        for p in input.pods {
            let ns = p.meta.namespace.to_ascii_lowercase();
            namespaces.insert(ns.clone());
            // object/pod.go keeps `status.podIP`, the first of `podIPs`, and drops Pods that are
            // being deleted (`toPod`: a set deletionTimestamp → not added).
            if let Some(ip) = p.status.pod_ips.first() {
                if p.meta.deletion_timestamp.is_none() {
                    pods_by_ip.entry(*ip).or_default().push(ns.clone());
                } else {
                    terminating_pods.insert((*ip, ns.clone()));
                }
                // A CoreDNS instance's own addresses are every address of its interfaces
                // (plugin/kubernetes local.go `boundIPs`): a dual-stack Pod's both.
                if ns == "kube-system"
                    && p.meta.labels.get("k8s-app").map(String::as_str) == Some("kube-dns")
                    && p.meta.deletion_timestamp.is_none()
                {
                    coredns_ips.extend(p.status.pod_ips.iter().copied());
                }
            }
        }
        let mut zone = Zone {
            config,
            namespaces,
            services,
            endpoints,
            svc_by_ip,
            ep_by_ip,
            pods_by_ip,
            terminating_pods,
            ns_targets: Vec::new(),
        };
        zone.ns_targets = zone.ns_addrs(&coredns_ips);
        zone
    }

    /// The configuration this server answers with.
    pub fn config(&self) -> &CorefileConfig {
        &self.config
    }

    /// `ns.go` `nsAddrs`: the Services whose ready endpoints include a CoreDNS Pod IP
    /// (`kube-system` Pods labelled `k8s-app=kube-dns`); a headless one contributes its endpoint
    /// names. Without any, `ns.dns.<zone>` with the CoreDNS Pod IPs. When the input has no CoreDNS
    /// Pods at all, the `kube-system/kube-dns` Service stands in (the simulation's assumption).
    /// Each CoreDNS Pod computes its own list ([`ns_dedup`]); the replicas' lists are merged.
    fn ns_addrs(&self, coredns_ips: &[IpAddr]) -> Vec<NsTarget> {
        let mut out = Vec::new();
        for ip in coredns_ips {
            out.extend(ns_dedup(self.ns_candidates(*ip)));
        }
        // Replicas behind the same Service give the same names: repeated pairs are dropped.
        let mut seen = BTreeSet::new();
        out.retain(|t| seen.insert((t.prefix.clone(), t.ip)));
        if out.is_empty() {
            out = coredns_ips
                .iter()
                .map(|ip| NsTarget { prefix: "ns.dns".into(), ip: *ip })
                .collect();
        }
        if out.is_empty() {
            let key = ("kube-system".to_string(), "kube-dns".to_string());
            for svc in self.services.get(&key).into_iter().flatten() {
                if let SvcKind::ClusterIp(ips) = &svc.kind {
                    if let Some(ip) = ips.first() {
                        out.push(NsTarget { prefix: "kube-dns.kube-system.svc".into(), ip: *ip });
                    }
                }
            }
        }
        out
    }

    /// The (name, address) list `nsAddrs` collects for one CoreDNS Pod IP, before de-duplication:
    /// per Service whose endpoints hold the IP, its (first) ClusterIP, or for a headless one every
    /// endpoint name with its address.
    fn ns_candidates(&self, ip: IpAddr) -> Vec<NsTarget> {
        let endpoint_pod_names =
            self.config.kubernetes.as_ref().is_some_and(|k| k.endpoint_pod_names);
        let mut keys: Vec<(String, String)> = self
            .ep_by_ip
            .get(&ip)
            .map(|v| v.iter().map(|(ns, s, _)| (ns.clone(), s.clone())).collect())
            .unwrap_or_default();
        keys.dedup();
        let mut out = Vec::new();
        for key in keys {
            for svc in self.services.get(&key).into_iter().flatten() {
                let base = format!("{}.{}.svc", svc.name, svc.namespace);
                match &svc.kind {
                    SvcKind::Headless => {
                        for sub in self.endpoints.get(&key).into_iter().flatten() {
                            for a in &sub.addresses {
                                let host = endpoint_hostname(a, endpoint_pod_names);
                                out.push(NsTarget { prefix: format!("{host}.{base}"), ip: a.ip });
                            }
                        }
                    }
                    SvcKind::ClusterIp(ips) => {
                        if let Some(ip) = ips.first() {
                            out.push(NsTarget { prefix: base, ip: *ip });
                        }
                    }
                    SvcKind::External(_) => {}
                }
            }
        }
        out
    }

    /// Answers one query as CoreDNS would. `name` may be relative or absolute; it is always
    /// treated as absolute (a stub resolver's search walk is [`super::resolve`]).
    pub fn query(&self, name: &str, qtype: RecordType) -> Response {
        let mut resp = Response {
            name: fqdn(name),
            qtype,
            outcome: Outcome::Answered,
            rcode: None,
            answer: Vec::new(),
            authority: Vec::new(),
            additional: Vec::new(),
            upstream_lookups: Vec::new(),
            why: String::new(),
        };
        if let Err(error) = check_name(name) {
            resp.why = error.to_string();
            resp.outcome = Outcome::Invalid { error };
            return resp;
        }
        let qname = resp.name.clone();
        let lname = qname.to_ascii_lowercase();
        // Server block selection: the most specific key that contains the name.
        let own = if self.config.server_zones.is_empty() {
            Some(1)
        } else {
            self.config
                .server_zones
                .iter()
                .filter(|z| is_subdomain(z, &lname))
                .map(|z| z.len())
                .max()
        };
        let other = self
            .config
            .other_blocks
            .iter()
            .filter_map(|b| {
                b.zones
                    .iter()
                    .filter(|z| is_subdomain(z, &lname))
                    .map(|z| z.len())
                    .max()
                    .map(|l| (l, b))
            })
            .max_by_key(|(l, _)| *l);
        match (own, other) {
            (None, None) => {
                resp.rcode = Some(Rcode::Refused);
                resp.why = "no server block of the Corefile serves this name".into();
                return resp;
            }
            (own, Some((len, block))) if own.is_none_or(|o| len > o) => {
                match &block.forward {
                    Some(f) if is_subdomain(&f.from, &lname) => {
                        resp.outcome = Outcome::Forwarded { upstream: describe_forward(&f.to) };
                        resp.why =
                            format!("served by the Corefile block for {}", block.zones.join(" "));
                    }
                    _ => {
                        resp.rcode = Some(Rcode::ServFail);
                        resp.why = format!(
                            "the Corefile block for {} has no plugin that answers it",
                            block.zones.join(" ")
                        );
                    }
                }
                return resp;
            }
            _ => {}
        }
        let Some(k) = self.config.kubernetes.as_ref() else {
            self.next_plugin(&mut resp, &lname, "the Corefile has no kubernetes plugin");
            return resp;
        };
        // `plugin.Zones(k.Zones).Matches`: the longest zone the name is in.
        let zone =
            k.zones.iter().filter(|z| is_subdomain(z, &lname)).max_by_key(|z| z.len()).cloned();
        let Some(zone) = zone else {
            self.next_plugin(&mut resp, &lname, "outside the kubernetes plugin's zones");
            return resp;
        };
        // `handler.go`: `zone = qname[len(qname)-len(zone):] // maintain case of original
        // query`: the SOA owner and mname, SRV targets and NS names spell the zone as the
        // query did (plugin/kubernetes/handler_case_test.go).
        let zone = qname
            .len()
            .checked_sub(zone.len())
            .and_then(|cut| qname.get(cut..))
            .map_or(zone, str::to_string);
        let mut upstream = Vec::new();
        let result: Lookup<(Vec<Record>, Vec<Record>)> = match qtype {
            RecordType::A | RecordType::AAAA => {
                let mut prev = Vec::new();
                self.address(k, &zone, &qname, qtype == RecordType::AAAA, &mut prev, &mut upstream)
                    .map(|r| (r, Vec::new()))
            }
            RecordType::TXT => self.services(k, &zone, &lname, qtype).map(|svcs| {
                let recs = svcs
                    .iter()
                    .filter_map(|s| match &s.host {
                        Host::Text(t) => Some(Record {
                            name: qname.clone(),
                            rtype: RecordType::TXT,
                            ttl: s.ttl,
                            data: format!("\"{t}\""),
                        }),
                        _ => None,
                    })
                    .collect();
                (recs, Vec::new())
            }),
            RecordType::CNAME => self.services(k, &zone, &lname, qtype).map(|svcs| {
                // backend_lookup.go `CNAME`: only the first service, only if it is a name.
                let recs = match svcs.first() {
                    Some(Msg { host: Host::Name(t), ttl, .. }) => vec![Record {
                        name: qname.clone(),
                        rtype: RecordType::CNAME,
                        ttl: *ttl,
                        data: fqdn(t),
                    }],
                    _ => Vec::new(),
                };
                (recs, Vec::new())
            }),
            RecordType::PTR => self.ptr(k, &zone, &qname, &lname).map(|r| (r, Vec::new())),
            RecordType::MX => {
                // No Service is a mail exchanger: NODATA, unless the name does not exist.
                self.services(k, &zone, &lname, qtype).map(|_| (Vec::new(), Vec::new()))
            }
            RecordType::SRV => self.srv(k, &zone, &qname, &lname),
            RecordType::SOA => Ok((
                if lname.eq_ignore_ascii_case(&zone) {
                    vec![self.soa(k, &zone)]
                } else {
                    Vec::new()
                },
                Vec::new(),
            )),
            RecordType::AXFR | RecordType::IXFR => {
                resp.rcode = Some(Rcode::Refused);
                resp.why = "zone transfers are refused (no transfer plugin)".into();
                return resp;
            }
            // `handler.go`: `if state.Name() == zone`, the lower-cased name against the zone as
            // the query spelled it: a query with capitals in its zone part (`Cluster.Local.`)
            // takes the fake A lookup below (NODATA), not the NS answer.
            RecordType::NS if lname == zone => Ok(self.ns(k, &zone, &qname)),
            // `default:` — every other type (ANY, HINFO, CAA, TYPE65280 …).
            RecordType::NS | RecordType::ANY | RecordType::Other(_) => {
                // "Do a fake A lookup, so we can distinguish between NODATA and NXDOMAIN".
                let mut prev = Vec::new();
                let mut ignored = Vec::new();
                self.address(k, &zone, &qname, false, &mut prev, &mut ignored)
                    .map(|_| (Vec::new(), Vec::new()))
            }
        };
        match result {
            Err(NameError(why)) => {
                if self.falls_through(k, &lname) {
                    self.next_plugin(
                        &mut resp,
                        &lname,
                        &format!("{why}; `fallthrough` passes the name error on"),
                    );
                    return resp;
                }
                resp.rcode = Some(Rcode::NxDomain);
                resp.authority.push(self.soa(k, &zone));
                resp.why = why;
            }
            Ok((answer, additional)) if answer.is_empty() => {
                resp.rcode = Some(Rcode::NoError);
                resp.authority.push(self.soa(k, &zone));
                resp.why = format!("the name exists but has no {qtype} record (NODATA)");
                let _ = additional;
            }
            Ok((answer, additional)) => {
                resp.rcode = Some(Rcode::NoError);
                resp.answer = answer;
                resp.additional = additional;
                resp.upstream_lookups = upstream;
            }
        }
        resp
    }

    /// The kubernetes plugin passes the query to the next plugin: `forward`, or nothing
    /// (`plugin.NextOrFailure` → SERVFAIL).
    fn next_plugin(&self, resp: &mut Response, lname: &str, why: &str) {
        match &self.config.forward {
            Some(f) if is_subdomain(&f.from, lname) => {
                resp.outcome = Outcome::Forwarded { upstream: describe_forward(&f.to) };
                resp.why = why.to_string();
            }
            _ => {
                resp.rcode = Some(Rcode::ServFail);
                resp.why = format!("{why}, and no plugin after it handles the name");
            }
        }
    }

    /// `fall.F.Through`.
    fn falls_through(&self, k: &KubernetesConfig, lname: &str) -> bool {
        match &k.fallthrough {
            None => false,
            Some(zones) if zones.is_empty() => true,
            Some(zones) => zones.iter().any(|z| is_subdomain(z, lname)),
        }
    }

    /// `backend_lookup.go` `SOA`.
    fn soa(&self, k: &KubernetesConfig, zone: &str) -> Record {
        let join = |p: &str| if zone == "." { format!("{p}.") } else { format!("{p}.{zone}") };
        Record {
            name: zone.to_string(),
            rtype: RecordType::SOA,
            ttl: k.ttl.min(300),
            data: format!(
                "{} {} {SOA_SERIAL} 7200 1800 86400 {}",
                join("ns.dns"),
                join("hostmaster"),
                k.ttl
            ),
        }
    }

    fn ns_msgs(&self, k: &KubernetesConfig, zone: &str) -> Vec<(String, IpAddr, u32)> {
        self.ns_targets
            .iter()
            .map(|t| {
                let name = if zone == "." {
                    format!("{}.", t.prefix)
                } else {
                    format!("{}.{zone}", t.prefix)
                };
                (name, t.ip, k.ttl)
            })
            .collect()
    }

    /// `backend_lookup.go` `NS`: `<zone> NS <name>` per CoreDNS service name, addresses in the
    /// additional section.
    fn ns(&self, k: &KubernetesConfig, zone: &str, qname: &str) -> (Vec<Record>, Vec<Record>) {
        let mut records = Vec::new();
        let mut extra = Vec::new();
        let mut seen = BTreeSet::new();
        for (name, ip, ttl) in self.ns_msgs(k, zone) {
            extra.push(addr_record(&name, ip, ttl));
            if seen.insert(name.clone()) {
                records.push(Record {
                    name: qname.to_string(),
                    rtype: RecordType::NS,
                    ttl,
                    data: name,
                });
            }
        }
        (records, extra)
    }

    /// `kubernetes.go` `Services`.
    fn services(
        &self,
        k: &KubernetesConfig,
        zone: &str,
        lname: &str,
        qtype: RecordType,
    ) -> Lookup<Vec<Msg>> {
        match qtype {
            RecordType::TXT => {
                // 1 label + zone, label must be "dns-version".
                let t = trim_zone(lname, zone);
                if t == "dns-version" {
                    return Ok(vec![Msg {
                        host: Host::Text("1.1.0".into()),
                        port: 0,
                        ttl: 28800,
                        target: lname.to_string(),
                    }]);
                }
                // "Check if we have an existing record for this query of another type": NODATA
                // when the name has records, NXDOMAIN otherwise (`kubernetes.go` `Services`,
                // the TXT branch; handler_test.go "A TXT record does not exist and neither
                // does another record for the same FQDN").
                return match self.records(k, zone, lname) {
                    Ok(found) if !found.is_empty() => Ok(Vec::new()),
                    Ok(_) => Err(NameError("no record of any type has this name".into())),
                    Err(e) => Err(e),
                };
            }
            RecordType::NS => {
                return Ok(self
                    .ns_msgs(k, zone)
                    .into_iter()
                    .map(|(name, ip, ttl)| Msg { host: Host::Ip(ip), port: 0, ttl, target: name })
                    .collect());
            }
            _ => {}
        }
        let default_ns = if zone == "." { "ns.dns.".to_string() } else { format!("ns.dns.{zone}") };
        // `isDefaultNS(state.Name(), state.Zone)`: the lower-cased name against the zone as the
        // query spelled it (case-sensitive: `ns.dns.Cluster.Local.` is not it, and is then no
        // valid name: NXDOMAIN).
        if lname == default_ns {
            return Ok(self
                .ns_msgs(k, zone)
                .into_iter()
                .filter(|(_, ip, _)| match qtype {
                    RecordType::A => ip.is_ipv4(),
                    RecordType::AAAA => ip.is_ipv6(),
                    _ => false,
                })
                .map(|(_, ip, ttl)| Msg {
                    host: Host::Ip(ip),
                    port: 0,
                    ttl,
                    target: lname.to_string(),
                })
                .collect());
        }
        let s = self.records(k, zone, lname)?;
        if qtype == RecordType::SRV {
            // "SRV for external services is not yet implemented, so remove those records."
            return Ok(s.into_iter().filter(|m| !matches!(m.host, Host::Name(_))).collect());
        }
        Ok(s)
    }

    /// `parse.go` `parseRequest`.
    fn parse_request(lname: &str, zone: &str) -> Lookup<Option<Request>> {
        let base = trim_zone(lname, zone);
        if base.is_empty() || base == "svc" || base == "pod" {
            return Ok(None);
        }
        let mut segs: Vec<&str> = base.split('.').collect();
        let mut r = Request::default();
        let Some(last) = segs.pop() else { return Ok(None) };
        if last != "svc" && last != "pod" {
            return Err(NameError(format!(
                "the label before the zone is '{last}', not 'svc' or 'pod' (invalid query name)"
            )));
        }
        r.pod_or_svc = last.to_string();
        let Some(ns) = segs.pop() else { return Ok(Some(r)) };
        r.namespace = ns.to_string();
        let Some(svc) = segs.pop() else { return Ok(Some(r)) };
        r.service = svc.to_string();
        match segs.as_slice() {
            [] => {}
            [endpoint] => r.endpoint = (*endpoint).to_string(),
            [port, protocol] => {
                r.protocol = strip_underscore(protocol).to_string();
                r.port = strip_underscore(port).to_string();
            }
            _ => {
                return Err(NameError(format!(
                    "{} labels before <service>.<namespace>.{}: at most 2 are allowed (invalid query name)",
                    segs.len(),
                    r.pod_or_svc
                )))
            }
        }
        Ok(Some(r))
    }

    /// `namespaceExposed`.
    fn namespace_exposed(&self, k: &KubernetesConfig, ns: &str) -> bool {
        (k.namespaces.is_empty() || k.namespaces.iter().any(|n| n == ns))
            && self.namespaces.contains(ns)
    }

    /// `kubernetes.go` `Records`.
    fn records(&self, k: &KubernetesConfig, zone: &str, lname: &str) -> Lookup<Vec<Msg>> {
        let Some(r) = Self::parse_request(lname, zone)? else { return Ok(Vec::new()) };
        if is_reverse_zone(lname) {
            return Err(NameError("a reverse name that is not a full IP address".into()));
        }
        if !self.namespace_exposed(k, &r.namespace) {
            return Err(NameError(if self.namespaces.contains(&r.namespace) {
                format!(
                    "namespace '{}' is not exposed (the Corefile's `namespaces` lists {})",
                    r.namespace,
                    k.namespaces.join(" ")
                )
            } else {
                format!("namespace '{}' does not exist", r.namespace)
            }));
        }
        if r.pod_or_svc == "pod" {
            return self.find_pods(k, zone, &r);
        }
        self.find_services(k, zone, &r)
    }

    /// `kubernetes.go` `findPods`.
    fn find_pods(&self, k: &KubernetesConfig, zone: &str, r: &Request) -> Lookup<Vec<Msg>> {
        if k.pods == PodMode::Disabled {
            return Err(NameError("pod records are disabled (`pods disabled`)".into()));
        }
        let podname = &r.service;
        if podname.is_empty() {
            return Ok(Vec::new());
        }
        let text = if podname.matches('-').count() == 3 && !podname.contains("--") {
            podname.replace('-', ".")
        } else {
            podname.replace('-', ":")
        };
        let Ok(ip) = text.parse::<IpAddr>() else {
            return Err(NameError(format!("'{podname}' is not a dashed IP address")));
        };
        let target = format!("{podname}.{}.pod.{zone}", r.namespace);
        let msg = Msg { host: Host::Ip(ip), port: 0, ttl: k.ttl, target };
        if k.pods == PodMode::Insecure {
            return Ok(vec![msg]);
        }
        // Verified: a Pod with that IP must exist in that namespace. CoreDNS looks the address up
        // as text (`PodIndex(ip)`, then `ip == p.PodIP`), so only the canonical spelling of the
        // Pod's IP matches: `fd00-0-0-0-0-0-0-1` is not `fd00::1`'s name in this mode.
        let found = ip.to_string() == text
            && self.pods_by_ip.get(&ip).is_some_and(|v| v.contains(&r.namespace));
        if found {
            return Ok(vec![msg]);
        }
        let why = if ip.to_string() != text {
            format!("'{podname}' is not the canonical spelling of {ip}; `pods verified` compares the Pod IP as text")
        } else if self.terminating_pods.contains(&(ip, r.namespace.clone())) {
            format!(
                "the Pod with IP {ip} in namespace '{}' is being deleted, and CoreDNS's pod index leaves such Pods out (`pods verified`)",
                r.namespace
            )
        } else {
            format!("no Pod with IP {ip} in namespace '{}' (`pods verified`)", r.namespace)
        };
        Err(NameError(why))
    }

    /// `kubernetes.go` `findServices`.
    fn find_services(&self, k: &KubernetesConfig, zone: &str, r: &Request) -> Lookup<Vec<Msg>> {
        if r.service.is_empty() {
            return Ok(Vec::new());
        }
        let key = (r.namespace.clone(), r.service.clone());
        let Some(list) = self.services.get(&key) else {
            return Err(NameError(format!(
                "no Service '{}' in namespace '{}'",
                r.service, r.namespace
            )));
        };
        let endpoint_pod_names = k.endpoint_pod_names;
        let subsets: &[Subset] = self.endpoints.get(&key).map_or(&[], Vec::as_slice);
        let mut found = false;
        let mut why = format!("no record matches in Service '{}/{}'", r.namespace, r.service);
        let mut out = Vec::new();
        for svc in list {
            let base = format!("{}.{}.svc.{zone}", svc.name, svc.namespace);
            if k.ignore_empty_service
                && !matches!(svc.kind, SvcKind::External(_) | SvcKind::Headless)
            {
                let count: usize = subsets.iter().map(|s| s.addresses.len()).sum();
                if count == 0 {
                    why = format!(
                        "Service '{}/{}' has no ready endpoints and the Corefile says `ignore empty_service`",
                        svc.namespace, svc.name
                    );
                    continue;
                }
            }
            match &svc.kind {
                SvcKind::External(target) => {
                    // "External services do not have endpoints, nor can we accept port/protocol
                    // pseudo subdomains in an SRV query" (`findServices`): such a name does not
                    // exist.
                    if !r.endpoint.is_empty() || !r.port.is_empty() || !r.protocol.is_empty() {
                        why = if r.endpoint.is_empty() {
                            "CoreDNS gives an ExternalName Service no port names: `_port._proto` names under it do not exist, whatever its `ports`".into()
                        } else {
                            "an ExternalName Service has no endpoints, so no endpoint names under it".into()
                        };
                        continue;
                    }
                    // HostType: an IP "externalName" is not a CNAME and is dropped.
                    if target.parse::<IpAddr>().is_ok() {
                        why = format!("externalName '{target}' is an IP address, not a name");
                        continue;
                    }
                    out.push(Msg {
                        host: Host::Name(target.clone()),
                        port: -1,
                        ttl: k.ttl,
                        target: base,
                    });
                    found = true;
                }
                SvcKind::Headless | SvcKind::ClusterIp(_)
                    if matches!(svc.kind, SvcKind::Headless) || !r.endpoint.is_empty() =>
                {
                    for sub in subsets {
                        for a in &sub.addresses {
                            let host = endpoint_hostname(a, endpoint_pod_names);
                            if !r.endpoint.is_empty() && !r.endpoint.eq_ignore_ascii_case(&host) {
                                continue;
                            }
                            for p in &sub.ports {
                                if !match_port_and_protocol(
                                    &r.port,
                                    &p.name,
                                    &r.protocol,
                                    p.protocol,
                                ) {
                                    continue;
                                }
                                out.push(Msg {
                                    host: Host::Ip(a.ip),
                                    port: p.port,
                                    ttl: k.ttl,
                                    target: format!("{host}.{base}"),
                                });
                                found = true;
                            }
                        }
                    }
                    if !found {
                        why = if r.endpoint.is_empty() {
                            format!(
                                "headless Service '{}/{}' has no ready endpoint{}",
                                svc.namespace,
                                svc.name,
                                if r.port.is_empty() {
                                    String::new()
                                } else {
                                    format!(" with port {}/{}", r.port, r.protocol)
                                }
                            )
                        } else {
                            format!(
                                "Service '{}/{}' has no ready endpoint named '{}'",
                                svc.namespace, svc.name, r.endpoint
                            )
                        };
                    }
                }
                SvcKind::ClusterIp(ips) => {
                    for p in &svc.ports {
                        if !match_port_and_protocol(&r.port, &p.name, &r.protocol, p.protocol) {
                            continue;
                        }
                        found = true;
                        for ip in ips {
                            out.push(Msg {
                                host: Host::Ip(*ip),
                                port: p.port,
                                ttl: k.ttl,
                                target: base.clone(),
                            });
                        }
                    }
                    if !found {
                        why = format!(
                            "Service '{}/{}' has no port named '{}' with protocol '{}'",
                            svc.namespace, svc.name, r.port, r.protocol
                        );
                    }
                }
                SvcKind::Headless => {}
            }
        }
        if found {
            Ok(out)
        } else {
            Err(NameError(why))
        }
    }

    /// `backend_lookup.go` `A` / `AAAA`, with the in-cluster CNAME chase (at most 8 links).
    fn address(
        &self,
        k: &KubernetesConfig,
        zone: &str,
        qname: &str,
        v6: bool,
        prev: &mut Vec<Record>,
        upstream: &mut Vec<String>,
    ) -> Lookup<Vec<Record>> {
        let lname = qname.to_ascii_lowercase();
        let qtype = if v6 { RecordType::AAAA } else { RecordType::A };
        // checkForApex: the apex itself has no address records (NODATA).
        let services = if lname.eq_ignore_ascii_case(zone) {
            Vec::new()
        } else {
            self.services(k, zone, &lname, qtype)?
        };
        let mut records = Vec::new();
        let mut dup = BTreeSet::new();
        for serv in services {
            match serv.host {
                Host::Name(target) => {
                    let target_fq = fqdn(&target);
                    if target_fq.eq_ignore_ascii_case(&lname) {
                        continue; // x CNAME x is a direct loop
                    }
                    let cname = Record {
                        name: qname.to_string(),
                        rtype: RecordType::CNAME,
                        ttl: serv.ttl,
                        data: target_fq.clone(),
                    };
                    if prev.len() > 7 || prev.contains(&cname) {
                        continue;
                    }
                    if is_subdomain(&zone.to_ascii_lowercase(), &target_fq.to_ascii_lowercase()) {
                        prev.push(cname.clone());
                        if let Ok(next) = self.address(k, zone, &target_fq, v6, prev, upstream) {
                            if !next.is_empty() {
                                records.push(cname);
                                records.extend(next);
                            }
                        }
                        continue;
                    }
                    // Outside the zone: CoreDNS asks its upstream for the target's records.
                    upstream.push(target_fq);
                    records.push(cname);
                }
                Host::Ip(ip) => {
                    // `msg.Service.HostType`: an address whose `To4()` is not nil is an A record,
                    // IPv4-mapped IPv6 ones too (a Pod name `0-0-0-0-0-ffff-a00-1` answers A
                    // 10.0.0.1, AAAA nothing).
                    let ip = match ip {
                        IpAddr::V6(v6) => v6.to_ipv4_mapped().map_or(ip, IpAddr::V4),
                        v4 => v4,
                    };
                    if ip.is_ipv6() == v6 && dup.insert(ip) {
                        records.push(Record {
                            name: qname.to_string(),
                            rtype: qtype,
                            ttl: serv.ttl,
                            data: ip.to_string(),
                        });
                    }
                }
                Host::Text(_) => {}
            }
        }
        Ok(records)
    }

    /// `backend_lookup.go` `SRV`.
    fn srv(
        &self,
        k: &KubernetesConfig,
        zone: &str,
        qname: &str,
        lname: &str,
    ) -> Lookup<(Vec<Record>, Vec<Record>)> {
        let services = self.services(k, zone, lname, RecordType::SRV)?;
        // All records have priority 0 and weight 0 (→ 100): the total is 100 per record, and
        // each gets floor(100 / total * 100), at least 1. Port -1 records count but are skipped.
        let total = 100.0 * services.len() as f64;
        let mut records = Vec::new();
        let mut extra = Vec::new();
        let mut dup_srv = BTreeSet::new();
        let mut dup_addr = BTreeSet::new();
        for serv in services {
            if serv.port == -1 {
                continue;
            }
            let w1 = 100.0 / total * 100.0;
            let weight = (w1.floor() as u16).max(1);
            if let Host::Ip(ip) = serv.host {
                if dup_srv.insert((serv.target.clone(), serv.port)) {
                    records.push(Record {
                        name: qname.to_string(),
                        rtype: RecordType::SRV,
                        ttl: serv.ttl,
                        data: format!("0 {weight} {} {}", serv.port, serv.target),
                    });
                }
                if dup_addr.insert((serv.target.clone(), ip)) {
                    extra.push(addr_record(&serv.target, ip, serv.ttl));
                }
            }
        }
        Ok((records, extra))
    }

    /// `backend_lookup.go` `PTR` over `reverse.go` `Reverse`.
    fn ptr(
        &self,
        k: &KubernetesConfig,
        zone: &str,
        qname: &str,
        lname: &str,
    ) -> Lookup<Vec<Record>> {
        let Some(ip) = address_from_reverse(lname) else {
            // Not a full reverse name: Records decides between NODATA and NXDOMAIN.
            return self.records(k, zone, lname).map(|_| Vec::new());
        };
        let primary = k.primary_zone();
        let mut hosts: Vec<String> = Vec::new();
        if let Some((ns, name)) = self.svc_by_ip.get(&ip) {
            if self.namespace_exposed_for_reverse(k, ns) {
                hosts.push(format!("{name}.{ns}.svc.{primary}"));
            }
        }
        if hosts.is_empty() {
            for (ns, svc, host) in self.ep_by_ip.get(&ip).into_iter().flatten() {
                if self.namespace_exposed_for_reverse(k, ns) {
                    hosts.push(format!("{host}.{svc}.{ns}.svc.{primary}"));
                }
            }
        }
        if hosts.is_empty() {
            return Err(NameError(format!("no Service or ready endpoint has the IP {ip}")));
        }
        let mut seen = BTreeSet::new();
        Ok(hosts
            .into_iter()
            .filter(|h| seen.insert(h.clone()))
            .map(|h| Record {
                name: qname.to_string(),
                rtype: RecordType::PTR,
                ttl: k.ttl,
                data: h,
            })
            .collect())
    }

    /// `reverse.go` checks exposure only when `namespaces` is configured.
    fn namespace_exposed_for_reverse(&self, k: &KubernetesConfig, ns: &str) -> bool {
        k.namespaces.is_empty() || self.namespace_exposed(k, ns)
    }
}

/// `nsAddrs`'s de-duplication: an address already seen is skipped, and the records are named
/// by position — the i-th record kept takes the i-th name collected (`rr.Hdr.Name =
/// svcNames[i]` with `i` counting kept records), so after a skipped duplicate the later
/// addresses carry earlier names, exactly as CoreDNS answers.
fn ns_dedup(collected: Vec<NsTarget>) -> Vec<NsTarget> {
    let names: Vec<String> = collected.iter().map(|t| t.prefix.clone()).collect();
    let mut seen = BTreeSet::new();
    let mut out = Vec::new();
    for t in collected {
        if !seen.insert(t.ip) {
            continue;
        }
        let prefix = names.get(out.len()).cloned().unwrap_or(t.prefix);
        out.push(NsTarget { prefix, ip: t.ip });
    }
    out
}

/// `endpointHostname`.
fn endpoint_hostname(a: &Addr, endpoint_pod_names: bool) -> String {
    if !a.hostname.is_empty() {
        return a.hostname.clone();
    }
    if endpoint_pod_names && !a.target_ref_name.is_empty() {
        return a.target_ref_name.clone();
    }
    dashed_ip(a.ip)
}

fn addr_record(name: &str, ip: IpAddr, ttl: u32) -> Record {
    Record {
        name: name.to_string(),
        rtype: if ip.is_ipv4() { RecordType::A } else { RecordType::AAAA },
        ttl,
        data: ip.to_string(),
    }
}

/// `forward . /etc/resolv.conf` in words: CoreDNS Pods use `dnsPolicy: Default`, so their
/// `/etc/resolv.conf` is the node's.
fn describe_forward(to: &[String]) -> String {
    let list = to.join(" ");
    if to.iter().any(|t| t == "/etc/resolv.conf") {
        format!("{list} (the node's resolver)")
    } else {
        list
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dashed_ips() {
        assert_eq!(
            dashed_ip("172.0.0.2".parse().unwrap_or(IpAddr::V4(Ipv4Addr::UNSPECIFIED))),
            "172-0-0-2"
        );
        let v6: IpAddr = "5678:abcd::1".parse().unwrap_or(IpAddr::V4(Ipv4Addr::UNSPECIFIED));
        assert_eq!(dashed_ip(v6), "5678-abcd--1");
        let v6: IpAddr = "fd00::".parse().unwrap_or(IpAddr::V4(Ipv4Addr::UNSPECIFIED));
        assert_eq!(dashed_ip(v6), "fd00--0");
    }

    #[test]
    fn reverse_names_round_trip() {
        for ip in ["10.96.0.10", "1234:abcd::1"] {
            let ip: IpAddr = ip.parse().unwrap_or(IpAddr::V4(Ipv4Addr::UNSPECIFIED));
            assert_eq!(address_from_reverse(&reverse_name(ip)), Some(ip));
        }
        assert_eq!(address_from_reverse("96.10.in-addr.arpa."), None);
        assert_eq!(address_from_reverse("x.0.96.10.in-addr.arpa."), None);
        assert_eq!(address_from_reverse("1.ip6.arpa."), None);
    }

    #[test]
    fn parse_request_grammar() {
        let z = "cluster.local.";
        let p = |n: &str| Zone::parse_request(n, z);
        assert!(matches!(p("cluster.local."), Ok(None)));
        assert!(matches!(p("svc.cluster.local."), Ok(None)));
        assert!(matches!(p("pod.cluster.local."), Ok(None)));
        assert!(p("foo.cluster.local.").is_err());
        let r = p("_HTTP._tcp.svc1.testns.svc.cluster.local.").ok().flatten().unwrap_or_default();
        assert_eq!((r.port.as_str(), r.protocol.as_str()), ("HTTP", "tcp"));
        assert_eq!((r.service.as_str(), r.namespace.as_str()), ("svc1", "testns"));
        let r = p("ep.svc1.testns.svc.cluster.local.").ok().flatten().unwrap_or_default();
        assert_eq!(r.endpoint, "ep");
        let r = p("testns.svc.cluster.local.").ok().flatten().unwrap_or_default();
        assert_eq!((r.namespace.as_str(), r.service.as_str()), ("testns", ""));
        assert!(p("a.b.c.svc1.testns.svc.cluster.local.").is_err());
    }
}
