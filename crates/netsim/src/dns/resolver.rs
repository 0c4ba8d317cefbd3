//! The Pod side of DNS: the `/etc/resolv.conf` kubelet writes for a Pod, and the stub resolver's
//! search walk over it.
//!
//! `resolv.conf` follows kubelet `pkg/kubelet/network/dns/dns.go` (`GetPodDNS`,
//! `getPodDNSType`, `generateSearchesForDNSClusterFirst`, `appendDNSConfig`, `mergeDNSOptions`,
//! `formDNSSearchFitsLimits`, `formDNSNameserversFitsLimits`). The lines are printed nameserver,
//! search, options: the order of the conformance sample and of the website's examples
//! (dns-pod-service.md, debug-service.md). containerd (`parseDNSOptions` in its CRI plugin)
//! writes `search` before `nameserver`; the content is the same.
//!
//! The walk follows glibc `res_nsearch` (`resolv/res_query.c`): a name with a trailing dot is
//! tried alone; a name with at least `ndots` dots is tried as-is first; otherwise each search
//! domain is appended in order and the name as-is comes last. NXDOMAIN and NODATA move on to the
//! next candidate; the first answer wins. A candidate CoreDNS forwards upstream (or one sent to a
//! nameserver that is not cluster DNS) ends the simulated walk: what happens next depends on a
//! resolver outside the cluster, which the simulator does not invent.

use std::fmt;
use std::net::IpAddr;

use serde::{Deserialize, Serialize};

use super::records::{check_name, Outcome, QueryError, Rcode, Record, RecordType, Response};
use super::zone::Zone;
use crate::model::{Pod, Protocol};

/// kubelet limits (`pkg/apis/core/validation` `MaxDNSNameservers`, `MaxDNSSearchPathsExpanded`,
/// `MaxDNSSearchListCharsExpanded`; ExpandedDNSConfig is GA since 1.28).
pub const MAX_NAMESERVERS: usize = 3;
pub const MAX_SEARCH_PATHS: usize = 32;
pub const MAX_SEARCH_LIST_CHARS: usize = 2048;
/// glibc `RES_MAXNDOTS`.
pub const MAX_NDOTS: u32 = 15;

/// A node's own resolver configuration (what kubelet's `--resolv-conf` file says).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct HostResolvConf {
    pub nameservers: Vec<String>,
    pub searches: Vec<String>,
    pub options: Vec<String>,
}

impl HostResolvConf {
    /// The node resolv.conf the simulation assumes: a kind node on the default `kind` Docker
    /// network, whose resolver is the network gateway `172.18.0.1`, with no search domains.
    /// (Real nodes differ; the point is that it is not cluster DNS.)
    pub fn kind_node() -> HostResolvConf {
        HostResolvConf {
            nameservers: vec!["172.18.0.1".into()],
            searches: Vec::new(),
            options: Vec::new(),
        }
    }
}

/// What kubelet knows when it writes a Pod's resolv.conf.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ResolverSettings {
    /// kubelet `clusterDNS` (kubeadm: the kube-dns ClusterIP, `10.96.0.10`).
    pub cluster_dns: Vec<IpAddr>,
    /// kubelet `clusterDomain` (kubeadm `dnsDomain`, default `cluster.local`).
    pub cluster_domain: String,
    pub host: HostResolvConf,
}

impl ResolverSettings {
    /// Settings with the kind node resolv.conf ([`HostResolvConf::kind_node`]).
    pub fn new(cluster_dns: Vec<IpAddr>, cluster_domain: impl Into<String>) -> ResolverSettings {
        ResolverSettings {
            cluster_dns,
            cluster_domain: cluster_domain.into(),
            host: HostResolvConf::kind_node(),
        }
    }
}

/// Which branch of `GetPodDNS` produced the file.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub enum DnsSource {
    /// `ClusterFirst` / `ClusterFirstWithHostNet`: cluster DNS and the cluster search list.
    Cluster,
    /// `Default`, or `ClusterFirst` on a hostNetwork Pod: the node's resolv.conf.
    Host,
    /// `None`: only `dnsConfig`.
    None,
}

/// A Pod's `/etc/resolv.conf`. `Display` prints the file.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct ResolvConf {
    pub nameservers: Vec<String>,
    pub searches: Vec<String>,
    pub options: Vec<String>,
    pub source: DnsSource,
    /// kubelet events (`DNSConfigForming`, `MissingClusterDNS`) raised while forming the file.
    pub warnings: Vec<String>,
}

impl fmt::Display for ResolvConf {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for ns in &self.nameservers {
            writeln!(f, "nameserver {ns}")?;
        }
        if !self.searches.is_empty() {
            writeln!(f, "search {}", self.searches.join(" "))?;
        }
        if !self.options.is_empty() {
            writeln!(f, "options {}", self.options.join(" "))?;
        }
        Ok(())
    }
}

impl ResolvConf {
    /// The `ndots` option (glibc default 1, capped at 15); the last one wins.
    pub fn ndots(&self) -> u32 {
        let mut n = 1;
        for o in &self.options {
            if let Some(v) = o.strip_prefix("ndots:") {
                if let Ok(v) = v.parse::<u32>() {
                    n = v.min(MAX_NDOTS);
                }
            }
        }
        n
    }
}

fn omit_duplicates(v: Vec<String>) -> Vec<String> {
    let mut out: Vec<String> = Vec::with_capacity(v.len());
    for s in v {
        if !out.contains(&s) {
            out.push(s);
        }
    }
    out
}

/// `mergeDNSOptions`: dnsConfig options override same-named existing ones. kubelet rebuilds the
/// list from a Go map (random order); the simulation keeps first-seen order to stay deterministic.
fn merge_options(existing: &[String], extra: &[(String, Option<String>)]) -> Vec<String> {
    let mut map: Vec<(String, String)> = Vec::new();
    let mut set = |k: &str, v: &str| {
        if let Some(e) = map.iter_mut().find(|(n, _)| n == k) {
            e.1 = v.to_string();
        } else {
            map.push((k.to_string(), v.to_string()));
        }
    };
    for op in existing {
        match op.split_once(':') {
            Some((k, v)) => set(k, v),
            None => set(op, ""),
        }
    }
    for (k, v) in extra {
        set(k, v.as_deref().unwrap_or(""));
    }
    map.into_iter().map(|(k, v)| if v.is_empty() { k } else { format!("{k}:{v}") }).collect()
}

/// kubelet `formDNSSearchFitsLimits` (`pkg/kubelet/network/dns/dns.go`): at most
/// [`MAX_SEARCH_PATHS`] paths, paths longer than 253 characters dropped, then paths cut from the
/// end until the line fits [`MAX_SEARCH_LIST_CHARS`]; any cut adds the `DNSConfigForming` event
/// text to `warnings`. No de-duplication here (kubelet does that before).
pub fn fit_search(mut search: Vec<String>, warnings: &mut Vec<String>) -> Vec<String> {
    let mut exceeded = false;
    if search.len() > MAX_SEARCH_PATHS {
        search.truncate(MAX_SEARCH_PATHS);
        exceeded = true;
    }
    let before = search.len();
    search.retain(|s| s.len() <= 253);
    exceeded |= search.len() != before;
    let line_len = search.join(" ").len();
    if line_len > MAX_SEARCH_LIST_CHARS {
        let mut cut_len = 0;
        let mut cut_num = 0;
        for s in search.iter().rev() {
            cut_len += s.len() + 1;
            cut_num += 1;
            if line_len.saturating_sub(cut_len) <= MAX_SEARCH_LIST_CHARS {
                break;
            }
        }
        search.truncate(search.len().saturating_sub(cut_num));
        exceeded = true;
    }
    if exceeded {
        warnings.push(format!(
            "Search Line limits were exceeded, some search paths have been omitted, the applied search line is: {}",
            search.join(" ")
        ));
    }
    search
}

/// The `/etc/resolv.conf` kubelet gives `pod` (`GetPodDNS`).
pub fn resolv_conf(pod: &Pod, settings: &ResolverSettings) -> ResolvConf {
    let mut warnings = Vec::new();
    let host = &settings.host;
    let policy =
        if pod.spec.dns_policy.is_empty() { "ClusterFirst" } else { pod.spec.dns_policy.as_str() };
    // getPodDNSType
    let mut source = match policy {
        "None" => DnsSource::None,
        "ClusterFirstWithHostNet" => DnsSource::Cluster,
        "ClusterFirst" if !pod.spec.host_network => DnsSource::Cluster,
        "ClusterFirst" | "Default" => DnsSource::Host,
        other => {
            warnings.push(format!(
                "invalid DNSPolicy={other}: Falling back to DNSClusterFirst policy."
            ));
            DnsSource::Cluster
        }
    };
    let (mut servers, mut searches, mut options) =
        (host.nameservers.clone(), host.searches.clone(), host.options.clone());
    match source {
        DnsSource::None => {
            servers.clear();
            searches.clear();
            options.clear();
        }
        DnsSource::Cluster if !settings.cluster_dns.is_empty() => {
            servers = settings.cluster_dns.iter().map(ToString::to_string).collect();
            if !settings.cluster_domain.is_empty() {
                let d = settings.cluster_domain.trim_end_matches('.');
                let mut s = vec![
                    format!("{}.svc.{d}", pod.meta.namespace),
                    format!("svc.{d}"),
                    d.to_string(),
                ];
                s.extend(searches);
                searches = omit_duplicates(s);
            }
            options = vec!["ndots:5".to_string()];
        }
        DnsSource::Cluster => {
            warnings.push(
                "kubelet does not have ClusterDNS IP configured and cannot create Pod using \"ClusterFirst\" policy. Falling back to \"Default\" policy.".into(),
            );
            source = DnsSource::Host;
        }
        DnsSource::Host => {}
    }
    if let Some(cfg) = &pod.spec.dns_config {
        servers.extend(cfg.nameservers.iter().cloned());
        servers = omit_duplicates(servers);
        searches.extend(cfg.searches.iter().cloned());
        searches = omit_duplicates(searches);
        options = merge_options(&options, &cfg.options);
    }
    if servers.len() > MAX_NAMESERVERS {
        servers.truncate(MAX_NAMESERVERS);
        warnings.push(format!(
            "Nameserver limits were exceeded, some nameservers have been omitted, the applied nameserver line is: {}",
            servers.join(" ")
        ));
    }
    let searches = fit_search(searches, &mut warnings);
    ResolvConf { nameservers: servers, searches, options, source, warnings }
}

/// A DNS query as a packet: the Pod sends UDP to the first nameserver on port 53. The request
/// simulation routes it (through kube-proxy's rules for the kube-dns ClusterIP) to a CoreDNS Pod.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct DnsPacket {
    pub src: IpAddr,
    pub dst: IpAddr,
    pub dst_port: u16,
    pub protocol: Protocol,
}

/// The packet `pod`'s resolver sends (`None` when the Pod has no IP or resolv.conf has no usable
/// nameserver; glibc then uses 127.0.0.1, which is not simulated).
pub fn query_packet(pod: &Pod, rc: &ResolvConf) -> Option<DnsPacket> {
    let src = *pod.status.pod_ips.first()?;
    let dst = rc.nameservers.iter().find_map(|n| n.parse::<IpAddr>().ok())?;
    Some(DnsPacket { src, dst, dst_port: 53, protocol: Protocol::Udp })
}

/// How the walk ended.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "camelCase", try_from = "WalkResultRepr")]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub enum WalkResult {
    /// A candidate got NOERROR with answers.
    Resolved {
        name: String,
        answers: Vec<Record>,
        /// CNAME targets outside the cluster that CoreDNS resolves through its upstream (the
        /// final addresses come from outside the cluster and are not simulated).
        upstream: Vec<String>,
    },
    /// Every candidate failed in the cluster: NXDOMAIN, or NODATA if any candidate was NODATA
    /// (glibc reports `NO_DATA` then).
    NotFound { rcode: Rcode, nodata: bool },
    /// A candidate left the cluster (forwarded upstream, or sent to a non-cluster nameserver).
    LeavesCluster { name: String, upstream: String },
    /// A SERVFAIL/REFUSED ended the walk with no answer.
    Failed { rcode: Rcode },
    /// The name cannot be queried at all.
    InvalidName { error: QueryError },
    /// resolv.conf has no nameserver.
    NoNameserver,
    /// The queries never got an answer: a NetworkPolicy dropped them on the way (`why`).
    TimedOut { why: String },
}

/// The flat form [`WalkResult`] is read back from (its JSON, `{"kind": "resolved", …}`): a plain
/// struct costs the page's wasm a fraction of what an internally tagged enum does.
#[derive(Deserialize)]
struct WalkResultRepr {
    kind: String,
    #[serde(default)]
    name: String,
    #[serde(default)]
    answers: Vec<Record>,
    /// A list for `resolved`, one resolver for `leavesCluster`.
    #[serde(default)]
    upstream: Upstream,
    rcode: Option<Rcode>,
    #[serde(default)]
    nodata: bool,
    error: Option<QueryError>,
    #[serde(default)]
    why: String,
}

#[derive(Default, Deserialize)]
#[serde(untagged)]
enum Upstream {
    #[default]
    None,
    One(String),
    Many(Vec<String>),
}

impl TryFrom<WalkResultRepr> for WalkResult {
    type Error = String;
    fn try_from(r: WalkResultRepr) -> Result<WalkResult, String> {
        let rcode = || r.rcode.ok_or("a walk result without its rcode");
        Ok(match r.kind.as_str() {
            "resolved" => WalkResult::Resolved {
                name: r.name.clone(),
                answers: r.answers.clone(),
                upstream: match &r.upstream {
                    Upstream::Many(v) => v.clone(),
                    Upstream::One(u) => vec![u.clone()],
                    Upstream::None => Vec::new(),
                },
            },
            "notFound" => WalkResult::NotFound { rcode: rcode()?, nodata: r.nodata },
            "leavesCluster" => WalkResult::LeavesCluster {
                name: r.name.clone(),
                upstream: match &r.upstream {
                    Upstream::One(u) => u.clone(),
                    Upstream::Many(v) => v.join(", "),
                    Upstream::None => String::new(),
                },
            },
            "failed" => WalkResult::Failed { rcode: rcode()? },
            "invalidName" => WalkResult::InvalidName {
                error: r.error.clone().ok_or("an invalid name without its error")?,
            },
            "noNameserver" => WalkResult::NoNameserver,
            "timedOut" => WalkResult::TimedOut { why: r.why.clone() },
            other => return Err(format!("unknown walk result '{other}'")),
        })
    }
}

/// The stub resolver's walk for one name and type.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Walk {
    pub name: String,
    #[serde(rename = "type")]
    pub qtype: RecordType,
    pub nameserver: Option<String>,
    pub ndots: u32,
    /// The queries in order, each with its response.
    pub queries: Vec<Response>,
    pub result: WalkResult,
}

/// The candidate names for `name` under `rc` (glibc `res_nsearch` order).
///
/// A search domain `.` (the root) is the name itself at that place in the list, and the name is
/// then not tried again at the end: glibc `resolv/res_query.c` `__res_context_search` strips the
/// leading `.` of a search domain ("passing it \"\" will result in \"name.\"") and counts
/// `root_on_list`, which skips the final as-is query.
pub fn candidates(rc: &ResolvConf, name: &str) -> Vec<String> {
    search_order(rc, name).into_iter().map(|(c, _)| c).collect()
}

/// [`candidates`], each marked whether it comes from the search list (the loop of
/// `__res_context_search`, which an unrecoverable error ends) or is the name as typed.
fn search_order(rc: &ResolvConf, name: &str) -> Vec<(String, bool)> {
    if name.ends_with('.') {
        return vec![(name.to_string(), false)];
    }
    let dots = name.matches('.').count() as u32;
    let ndots = rc.ndots();
    let mut out = Vec::new();
    if dots >= ndots {
        out.push((format!("{name}."), false));
    }
    let mut root_on_list = false;
    for d in &rc.searches {
        let d = d.strip_prefix('.').unwrap_or(d).trim_end_matches('.');
        if d.is_empty() {
            root_on_list = true;
            out.push((format!("{name}."), true));
            continue;
        }
        out.push((format!("{name}.{d}."), true));
    }
    if dots < ndots && !root_on_list {
        out.push((format!("{name}."), false));
    }
    out
}

/// Resolves `name` as a Pod with `rc` would, asking `zone` for names sent to cluster DNS.
/// `cluster_dns` are the nameserver addresses that reach CoreDNS (kubelet clusterDNS, i.e. the
/// kube-dns Service IPs).
pub fn resolve(
    rc: &ResolvConf,
    name: &str,
    qtype: RecordType,
    zone: &Zone,
    cluster_dns: &[IpAddr],
) -> Walk {
    let mut walk = Walk {
        name: name.to_string(),
        qtype,
        nameserver: rc.nameservers.first().cloned(),
        ndots: rc.ndots(),
        queries: Vec::new(),
        result: WalkResult::NoNameserver,
    };
    if let Err(error) = check_name(name) {
        walk.result = WalkResult::InvalidName { error };
        return walk;
    }
    let Some(ns) = walk.nameserver.clone() else { return walk };
    let to_cluster = ns.parse::<IpAddr>().is_ok_and(|ip| cluster_dns.contains(&ip));
    let mut nodata = false;
    let mut last_fail = None;
    // glibc `__res_context_search`: a search-list candidate that fails other than by NXDOMAIN,
    // NODATA or SERVFAIL (`h_errno` NO_RECOVERY: a name too long to build, or a REFUSED or
    // FORMERR answer) ends the search list ("anything else implies that we're done"); the name
    // as typed is still tried after it.
    let mut search_done = false;
    for (cand, from_search) in search_order(rc, name) {
        if from_search && search_done {
            continue;
        }
        if !to_cluster {
            let mut r = zone.query(&cand, qtype);
            r.outcome = Outcome::OtherNameserver { nameserver: ns.clone() };
            r.rcode = None;
            r.answer.clear();
            r.authority.clear();
            r.additional.clear();
            r.upstream_lookups.clear();
            r.why = format!("sent to {ns}, which is not cluster DNS");
            walk.queries.push(r);
            walk.result = WalkResult::LeavesCluster { name: cand, upstream: ns };
            return walk;
        }
        let r = zone.query(&cand, qtype);
        match (&r.outcome, r.rcode) {
            (Outcome::Invalid { .. }, _) => {
                // A candidate glibc cannot build (too long) is not sent.
                search_done = from_search;
                let mut r = r;
                if from_search {
                    r.why.push_str(
                        "; the resolver stops using its search list here (glibc: NO_RECOVERY) and tries the name as typed",
                    );
                }
                walk.queries.push(r);
            }
            (Outcome::Forwarded { upstream }, _)
            | (Outcome::OtherNameserver { nameserver: upstream }, _) => {
                walk.result = WalkResult::LeavesCluster { name: cand, upstream: upstream.clone() };
                walk.queries.push(r);
                return walk;
            }
            (Outcome::Answered, Some(Rcode::NoError)) if !r.answer.is_empty() => {
                walk.result = WalkResult::Resolved {
                    name: cand,
                    answers: r.answer.clone(),
                    upstream: r.upstream_lookups.clone(),
                };
                walk.queries.push(r);
                return walk;
            }
            (Outcome::Answered, Some(Rcode::NoError)) => {
                nodata = true;
                walk.queries.push(r);
            }
            (Outcome::Answered, Some(rc @ (Rcode::ServFail | Rcode::Refused))) => {
                // glibc keeps searching after SERVFAIL, not after REFUSED; it remembers either
                // for the final error.
                last_fail = Some(rc);
                search_done = from_search && rc == Rcode::Refused;
                walk.queries.push(r);
            }
            _ => walk.queries.push(r),
        }
    }
    walk.result = match last_fail {
        Some(rcode) if !nodata => WalkResult::Failed { rcode },
        _ => WalkResult::NotFound {
            rcode: if nodata { Rcode::NoError } else { Rcode::NxDomain },
            nodata,
        },
    };
    walk
}
