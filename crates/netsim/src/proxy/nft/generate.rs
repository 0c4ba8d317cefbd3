//! `syncProxyRules` of the nftables proxier: Services + EndpointSlices → the `kube-proxy` table
//! of one node and family, as after one full sync.
//!
//! Upstream: `pkg/proxy/nftables/proxier.go`. The base-chain layout is the current one
//! (kubernetes#132456, in v1.35 and backported to v1.33.6): the source-range check runs before
//! DNAT (`filter-prerouting-pre-dnat` / `filter-output-pre-dnat`, priority −110), the
//! no-endpoint and ClusterIP checks after it (`filter-input` / `filter-forward` /
//! `filter-output`, priority 0). Rule texts follow the newest `proxier_test.go` expectations
//! (e.g. the internal chain's first rule is `ip daddr <clusterIP> ip saddr != <podCIDR> jump
//! mark-for-masquerade`, without a port match).

use std::collections::BTreeMap;
use std::net::IpAddr;

use sha2::{Digest, Sha256};

use super::super::generate::local_detector;
use super::super::names::base32_std;
use super::super::ports::{self, family_matches, Categorized, Ep, SvcPort};
use super::super::{NodeInfo, Note, ProxyConfig};
use super::{BaseChain, Chain, Element, Family, NftRuleset, Rule, Set, Table, TABLE};
use crate::model::{EndpointSlice, IpFamily, Service};
use crate::net::Cidr;

/// knftables `NameLengthMax`: the longest chain/set name nft accepts.
pub const NAME_LENGTH_MAX: usize = 256;
/// `chainNamePrefixLengthMax`: room for `service-`, `endpoint-`, … prefixes.
const CHAIN_NAME_PREFIX_LENGTH_MAX: usize = 16;
/// `chainNameBaseLengthMax`.
const CHAIN_NAME_BASE_LENGTH_MAX: usize = NAME_LENGTH_MAX - CHAIN_NAME_PREFIX_LENGTH_MAX;

/// `hashAndTruncate`: the first 8 characters of base32(sha256(name)), `-`, the name; cut to
/// 240 − 3 characters plus `...` if longer (never for Service chains; possible in theory for
/// IPv6 endpoint chains).
pub fn hash_and_truncate(name: &str) -> String {
    let digest = Sha256::digest(name.as_bytes());
    let mut out = base32_std(&digest);
    out.truncate(8);
    out.push('-');
    out.push_str(name);
    if out.len() > CHAIN_NAME_BASE_LENGTH_MAX {
        let mut cut = CHAIN_NAME_BASE_LENGTH_MAX - 3;
        while !out.is_char_boundary(cut) {
            cut -= 1;
        }
        out.truncate(cut);
        out.push_str("...");
    }
    out
}

/// `servicePortChainNameBase`: `HASH-ns/svc/proto/portName`.
fn service_base(sp: &SvcPort<'_>) -> String {
    let ns = &sp.svc.meta.namespace;
    let name = &sp.svc.meta.name;
    hash_and_truncate(&format!("{ns}/{name}/{}/{}", sp.proto, sp.port_name))
}

/// `servicePortEndpointChainNameBase`: `HASH-ns/svc/proto/portName__ip/port` (IPv6 `:` → `.`).
fn endpoint_base(sp: &SvcPort<'_>, ip: IpAddr, port: &str) -> String {
    let ns = &sp.svc.meta.namespace;
    let name = &sp.svc.meta.name;
    let ip = ip.to_string().replace(':', ".");
    hash_and_truncate(&format!("{ns}/{name}/{}/{}__{ip}/{port}", sp.proto, sp.port_name))
}

/// The `endpoint-` chain of `ip:port` (the text `ports::endpoints` passes).
fn endpoint_chain_name(sp: &SvcPort<'_>, ep_text: &str) -> String {
    let (ip, port) = split_host_port(ep_text);
    match ip.parse::<IpAddr>() {
        Ok(ip) => format!("endpoint-{}", endpoint_base(sp, ip, port)),
        Err(_) => format!("endpoint-{}", hash_and_truncate(ep_text)),
    }
}

fn split_host_port(s: &str) -> (&str, &str) {
    if let Some(rest) = s.strip_prefix('[') {
        if let Some((ip, port)) = rest.split_once("]:") {
            return (ip, port);
        }
    }
    s.rsplit_once(':').unwrap_or((s, ""))
}

/// The affinity set of an endpoint: same base as its chain (`servicePortEndpointAffinityNamePrefix`).
fn affinity_set(ep: &Ep) -> String {
    match ep.chain.strip_prefix("endpoint-") {
        Some(base) => format!("affinity-{base}"),
        None => format!("affinity-{}", ep.chain),
    }
}

/// Generates `node`'s tables, one per family in [`ProxyConfig::families`]. Never fails: input
/// the rules cannot express is skipped with a [`Note`].
pub fn generate(
    services: &[Service],
    slices: &[EndpointSlice],
    node: &NodeInfo,
    cfg: &ProxyConfig,
) -> NftRuleset {
    let mut notes: Vec<Note> = Vec::new();
    let mut tables = Vec::new();
    for family in cfg.families() {
        tables.push(generate_table(services, slices, node, cfg, family, &mut notes));
    }
    // The same object can be reported by both families' passes.
    let mut unique: Vec<Note> = Vec::with_capacity(notes.len());
    for n in notes {
        if !unique.contains(&n) {
            unique.push(n);
        }
    }
    NftRuleset { tables, notes: unique }
}

/// Table under construction: chains and sets in creation order, with name indexes
/// (`ensureChain` adds a chain only once).
struct Builder {
    table: Table,
    chains: BTreeMap<String, usize>,
    sets: BTreeMap<String, usize>,
    /// Per set (same index as `table.sets`): element key → element index.
    elements: Vec<BTreeMap<Vec<String>, usize>>,
    /// The chain the last rule went to.
    last_chain: usize,
}

impl Builder {
    fn chain(&mut self, name: &str) -> usize {
        // Rules mostly go to the chain the previous one went to: no map lookup then.
        if let Some(c) = self.table.chains.get(self.last_chain) {
            if c.name == name {
                return self.last_chain;
            }
        }
        if let Some(&i) = self.chains.get(name) {
            self.last_chain = i;
            return i;
        }
        self.table.chains.push(Chain {
            name: name.to_string(),
            base: None,
            comment: None,
            rules: Vec::new(),
        });
        let i = self.table.chains.len() - 1;
        self.chains.insert(name.to_string(), i);
        self.last_chain = i;
        i
    }

    fn base_chain(&mut self, name: &str, chain_type: &str, hook: &str, priority: i32) {
        let i = self.chain(name);
        if let Some(c) = self.table.chains.get_mut(i) {
            c.base = Some(BaseChain { chain_type: chain_type.into(), hook: hook.into(), priority });
        }
    }

    fn rule(&mut self, chain: &str, text: String) {
        self.rule_with_comment(chain, text, None);
    }

    fn rule_with_comment(&mut self, chain: &str, text: String, comment: Option<&str>) {
        let i = self.chain(chain);
        if let Some(c) = self.table.chains.get_mut(i) {
            c.rules.push(Rule { text, comment: comment.map(str::to_string) });
        }
    }

    fn set(&mut self, set: Set) {
        if self.sets.contains_key(&set.name) {
            return;
        }
        self.sets.insert(set.name.clone(), self.table.sets.len());
        self.table.sets.push(set);
        self.elements.push(BTreeMap::new());
    }

    fn element(
        &mut self,
        set: &str,
        key: Vec<String>,
        value: Option<String>,
        comment: Option<&str>,
    ) {
        let Some(i) = self.sets.get(set).copied() else { return };
        let (Some(s), Some(index)) = (self.table.sets.get_mut(i), self.elements.get_mut(i)) else {
            return;
        };
        // knftables' fake replaces an element with the same key (`findElement`).
        let e = Element { key, value, comment: comment.map(str::to_string) };
        match index.get(&e.key).and_then(|j| s.elements.get_mut(*j)) {
            Some(x) => *x = e,
            None => {
                index.insert(e.key.clone(), s.elements.len());
                s.elements.push(e);
            }
        }
    }
}

fn new_set(name: &str, type_: &str, comment: &str) -> Set {
    Set {
        name: name.into(),
        is_map: false,
        type_: type_.into(),
        flags: Vec::new(),
        timeout_secs: None,
        comment: Some(comment.into()),
        elements: Vec::new(),
    }
}

fn new_map(name: &str, type_: &str, comment: &str) -> Set {
    Set { is_map: true, ..new_set(name, type_, comment) }
}

/// `nodePortAddresses` in nftables mode (`NewNodePortAddresses` with the node IP; the nftables
/// default is `primary`): whether every local address accepts NodePorts, else the node's
/// addresses that do (`GetNodeIPs`, loopback skipped).
pub(super) struct NodePortIps {
    pub(super) match_all: bool,
    pub(super) ips: Vec<IpAddr>,
}

pub(super) fn node_port_ips(
    cfg: &ProxyConfig,
    node: &NodeInfo,
    family: IpFamily,
    notes: &mut Vec<Note>,
) -> NodePortIps {
    let primary = node.primary_ip(family);
    let mut cidrs: Vec<Cidr> = Vec::new();
    let mut match_all = false;
    for s in &cfg.node_port_addresses {
        let s = s.trim();
        match s {
            "primary" => cidrs.extend(primary.map(Cidr::host)),
            // Keywords of newer releases (KEP-6032); not verified against a release.
            "all" => match_all = true,
            "localhost" => cidrs.extend(Cidr::parse(match family {
                IpFamily::IPv4 => "127.0.0.0/8",
                IpFamily::IPv6 => "::1/128",
            })),
            // `ParseCIDRSloppy`, as `NewNodePortAddresses` reads them.
            _ => match Cidr::parse_sloppy(s) {
                Some(c) if c.is_ipv4() == (family == IpFamily::IPv4) => {
                    match_all |= c.prefix == 0;
                    cidrs.push(c);
                }
                Some(_) => {}
                None => notes.push(Note::new(
                    "proxy-invalid-nodeport-address",
                    "KubeProxyConfiguration",
                    format!("nodePortAddresses entry {s:?} is not a valid CIDR; it is ignored"),
                )),
            },
        }
    }
    if cidrs.is_empty() && !match_all {
        let given = cfg.node_port_addresses.iter().any(|s| {
            let s = s.trim();
            s != "primary" && Cidr::parse_sloppy(s).is_some()
        });
        match primary {
            // CIDRs given, none of this family: `NewNodePortAddresses` (pkg/proxy/util/
            // nodeport_addresses.go) adds 0.0.0.0/0 or ::/0, "If there are no CIDRs of the given
            // family": every address.
            _ if given => match_all = true,
            // Nothing given: the nftables default, the primary node IP
            // (`--nodeport-addresses primary`); a family the node has no IP of matches all.
            Some(ip) => cidrs.push(Cidr::host(ip)),
            None => match_all = true,
        }
    }
    let mut ips: Vec<IpAddr> = Vec::new();
    if !match_all {
        for ip in node.ips.iter().copied().filter(|ip| family_matches(*ip, family)) {
            if !cidrs.iter().any(|c| c.contains(ip)) || ips.contains(&ip) {
                continue;
            }
            if ip.is_loopback() {
                notes.push(Note::new(
                    "proxy-localhost-nodeports",
                    "KubeProxyConfiguration",
                    format!("--nodeport-addresses includes localhost but localhost NodePorts are not supported (address {ip})"),
                ));
                continue;
            }
            ips.push(ip);
        }
    }
    NodePortIps { match_all, ips }
}

/// Family-dependent words: `ip`/`ip6`, the address type, the localhost exclusion.
struct Words {
    ip: &'static str,
    addr_type: &'static str,
    no_localhost: &'static str,
}

fn words(family: Family) -> Words {
    match family {
        Family::Ip => {
            Words { ip: "ip", addr_type: "ipv4_addr", no_localhost: "ip daddr != 127.0.0.0/8" }
        }
        Family::Ip6 => {
            Words { ip: "ip6", addr_type: "ipv6_addr", no_localhost: "ip6 daddr != ::1" }
        }
    }
}

/// The base chains (`nftablesBaseChains`, current layout) and jumps (`nftablesJumpChains`).
const BASE_CHAINS: &[(&str, &str, &str, i32)] = &[
    ("filter-prerouting-pre-dnat", "filter", "prerouting", -110),
    ("filter-output-pre-dnat", "filter", "output", -110),
    ("filter-input", "filter", "input", 0),
    ("filter-forward", "filter", "forward", 0),
    ("filter-output", "filter", "output", 0),
    ("nat-prerouting", "nat", "prerouting", -100),
    ("nat-output", "nat", "output", -100),
    ("nat-postrouting", "nat", "postrouting", 100),
];
const JUMP_CHAINS: &[(&str, &str, &str)] = &[
    ("nodeport-endpoints-check", "filter-input", "ct state new "),
    ("service-endpoints-check", "filter-input", "ct state new "),
    ("service-endpoints-check", "filter-forward", "ct state new "),
    ("service-endpoints-check", "filter-output", "ct state new "),
    ("firewall-check", "filter-prerouting-pre-dnat", "ct state new "),
    ("firewall-check", "filter-output-pre-dnat", "ct state new "),
    ("services", "nat-output", ""),
    ("services", "nat-prerouting", ""),
    ("masquerading", "nat-postrouting", ""),
    ("cluster-ips-check", "filter-forward", "ct state new "),
    ("cluster-ips-check", "filter-output", "ct state new "),
];

fn generate_table(
    services: &[Service],
    slices: &[EndpointSlice],
    node: &NodeInfo,
    cfg: &ProxyConfig,
    ip_family: IpFamily,
    notes: &mut Vec<Note>,
) -> Table {
    let family = Family::of(ip_family);
    let mut b = Builder {
        table: Table {
            family,
            name: TABLE.to_string(),
            comment: Some("rules for kube-proxy".into()),
            chains: Vec::new(),
            sets: Vec::new(),
        },
        chains: BTreeMap::new(),
        sets: BTreeMap::new(),
        elements: Vec::new(),
        last_chain: 0,
    };
    let detector = local_detector(cfg, ip_family, notes);
    let np = node_port_ips(cfg, node, ip_family, notes);
    let ctx = Ctx {
        w: words(family),
        mark: cfg.nft_mark(),
        masquerade_all: cfg.nftables.masquerade_all,
        if_local: detector.map(|c| c.to_string()),
        node,
        prefer_same_node: cfg.prefer_same_traffic_distribution,
    };
    setup(&mut b, &ctx, cfg, &np, ip_family, notes);

    let svc_ports = ports::service_ports(services, ip_family, notes);
    let endpoints_of =
        ports::endpoints(&svc_ports, slices, node, ip_family, notes, endpoint_chain_name);
    for (sp, eps) in svc_ports.iter().zip(&endpoints_of) {
        sync_service_port(&mut b, &ctx, sp, eps);
    }
    b.table
}

/// Settings that hold for every service port of one table.
struct Ctx<'a> {
    w: Words,
    mark: String,
    masquerade_all: bool,
    /// The local-traffic detector's CIDR (`IfLocalNFT` / `IfNotLocalNFT`).
    if_local: Option<String>,
    node: &'a NodeInfo,
    /// [`ProxyConfig::prefer_same_traffic_distribution`].
    prefer_same_node: bool,
}

/// `setupNFTables`: the table, base chains and their jumps, the masquerade chains, the fixed
/// sets and maps with the rules that consult them.
fn setup(
    b: &mut Builder,
    ctx: &Ctx<'_>,
    cfg: &ProxyConfig,
    np: &NodePortIps,
    ip_family: IpFamily,
    notes: &mut Vec<Note>,
) {
    let ip = ctx.w.ip;
    let addr = ctx.w.addr_type;
    for (name, t, hook, prio) in BASE_CHAINS {
        b.base_chain(name, t, hook, *prio);
    }
    for (dst, src, extra) in JUMP_CHAINS {
        b.chain(dst);
        b.rule(src, format!("{extra}jump {dst}"));
    }
    for c in ["services", "cluster-ips-check", "masquerading", "mark-for-masquerade"] {
        b.chain(c);
    }
    let mark = &ctx.mark;
    b.rule("mark-for-masquerade", format!("mark set mark or {mark}"));
    b.rule("masquerading", format!("mark and {mark} == 0 return"));
    b.rule("masquerading", format!("mark set mark xor {mark}"));
    b.rule("masquerading", "masquerade fully-random".into());

    b.set(new_set("cluster-ips", addr, "Active ClusterIPs"));
    b.rule_with_comment(
        "cluster-ips-check",
        format!("{ip} daddr @cluster-ips reject"),
        Some("Reject traffic to invalid ports of ClusterIPs"),
    );
    let service_cidrs = service_cidrs(cfg, ip_family, notes);
    if !service_cidrs.is_empty() {
        b.rule_with_comment(
            "cluster-ips-check",
            format!("{ip} daddr {{ {service_cidrs} }} drop"),
            Some("Drop traffic to unallocated ClusterIPs"),
        );
    }

    // With match-all nodePortAddresses the set is added and deleted in the same transaction.
    if !np.match_all {
        b.set(new_set("nodeport-ips", addr, "IPs that accept NodePort traffic"));
        for nip in &np.ips {
            b.element("nodeport-ips", vec![nip.to_string()], None, None);
        }
    }

    b.set(new_map(
        "no-endpoint-services",
        &format!("{addr} . inet_proto . inet_service : verdict"),
        "vmap to drop or reject packets to services with no endpoints",
    ));
    b.set(new_map(
        "no-endpoint-nodeports",
        "inet_proto . inet_service : verdict",
        "vmap to drop or reject packets to service nodeports with no endpoints",
    ));
    let reject = b.chain("reject-chain");
    if let Some(c) = b.table.chains.get_mut(reject) {
        c.comment = Some("helper for @no-endpoint-services / @no-endpoint-nodeports".into());
    }
    b.rule("reject-chain", "reject".into());
    b.rule(
        "service-endpoints-check",
        format!("{ip} daddr . meta l4proto . th dport vmap @no-endpoint-services"),
    );
    let nodeport_dst = if np.match_all {
        ctx.w.no_localhost.to_string()
    } else {
        format!("{ip} daddr @nodeport-ips")
    };
    b.rule(
        "nodeport-endpoints-check",
        format!("{nodeport_dst} meta l4proto . th dport vmap @no-endpoint-nodeports"),
    );

    b.set(new_map(
        "firewall-ips",
        &format!("{addr} . inet_proto . inet_service : verdict"),
        "destinations that are subject to LoadBalancerSourceRanges",
    ));
    b.rule("firewall-check", format!("{ip} daddr . meta l4proto . th dport vmap @firewall-ips"));

    b.set(new_map(
        "service-ips",
        &format!("{addr} . inet_proto . inet_service : verdict"),
        "ClusterIP, ExternalIP and LoadBalancer IP traffic",
    ));
    b.set(new_map("service-nodeports", "inet_proto . inet_service : verdict", "NodePort traffic"));
    b.rule("services", format!("{ip} daddr . meta l4proto . th dport vmap @service-ips"));
    let nodeport_match = if np.match_all {
        format!("fib daddr type local {}", ctx.w.no_localhost)
    } else {
        format!("{ip} daddr @nodeport-ips")
    };
    b.rule("services", format!("{nodeport_match} meta l4proto . th dport vmap @service-nodeports"));
}

/// `OnServiceCIDRsChanged`: the Service CIDRs of this family, joined with `,`.
fn service_cidrs(cfg: &ProxyConfig, family: IpFamily, notes: &mut Vec<Note>) -> String {
    let mut out: Vec<String> = Vec::new();
    for s in &cfg.service_cidrs {
        match Cidr::parse(s.trim()) {
            Some(c) if c.is_ipv4() == (family == IpFamily::IPv4) => out.push(c.to_string()),
            Some(_) => {}
            None => notes.push(Note::new(
                "proxy-invalid-service-cidr",
                "ServiceCIDR",
                format!("service CIDR {s:?} is not a valid CIDR; kube-proxy ignores it"),
            )),
        }
    }
    out.join(",")
}

/// The per-port decisions of `syncProxyRules`.
struct Svc<'a> {
    sp: &'a SvcPort<'a>,
    cat: Categorized<'a>,
    proto: &'static str,
    port: String,
    spn: &'a str,
    cluster_chain: String,
    local_chain: String,
    external_chain: String,
    firewall_chain: String,
    uses_cluster_chain: bool,
    uses_local_chain: bool,
    has_endpoints: bool,
    has_internal: bool,
    has_external: bool,
    uses_external_chain: bool,
    uses_fw: bool,
    /// Verdicts for the `no-endpoint-*` maps.
    internal_verdict: &'static str,
    external_verdict: &'static str,
}

impl Svc<'_> {
    fn internal_chain(&self) -> &str {
        if self.sp.internal_local {
            &self.local_chain
        } else {
            &self.cluster_chain
        }
    }
    fn external_policy_chain(&self) -> &str {
        if self.sp.external_local {
            &self.local_chain
        } else {
            &self.cluster_chain
        }
    }
    fn key(&self, ip: &IpAddr) -> Vec<String> {
        vec![ip.to_string(), self.proto.to_string(), self.port.clone()]
    }
}

fn sync_service_port<'a>(b: &mut Builder, ctx: &Ctx<'_>, sp: &'a SvcPort<'a>, eps: &'a [Ep]) {
    let base = service_base(sp);
    let cat = ports::categorize(eps, sp, ctx.node, ctx.prefer_same_node);
    let has_endpoints = cat.has_any;
    let has_local = !cat.local.is_empty();
    let has_internal = has_endpoints && (!sp.internal_local || has_local);
    let has_external = has_endpoints && (!sp.external_local || has_local);
    let s = Svc {
        sp,
        proto: sp.proto,
        port: sp.port.to_string(),
        spn: &sp.spn,
        cluster_chain: format!("service-{base}"),
        local_chain: format!("local-{base}"),
        external_chain: format!("external-{base}"),
        firewall_chain: format!("firewall-{base}"),
        uses_cluster_chain: !cat.cluster.is_empty() && sp.uses_cluster_endpoints(),
        uses_local_chain: has_local && sp.uses_local_endpoints(),
        has_endpoints,
        has_internal,
        has_external,
        uses_external_chain: has_endpoints && sp.externally_accessible(),
        uses_fw: !sp.lb_ips.is_empty() && !sp.source_ranges.is_empty(),
        internal_verdict: if has_endpoints { "drop" } else { "goto reject-chain" },
        external_verdict: if has_endpoints { "drop" } else { "goto reject-chain" },
        cat,
    };
    for ep in &s.cat.reachable {
        b.chain(&ep.chain);
    }
    if s.uses_cluster_chain {
        b.chain(&s.cluster_chain);
    }
    if s.uses_local_chain {
        b.chain(&s.local_chain);
    }
    if s.uses_external_chain {
        b.chain(&s.external_chain);
    }
    write_elements(b, &s);
    write_internal_rules(b, ctx, &s);
    write_external_rules(b, ctx, &s);
    write_firewall_rules(b, ctx, &s);
    write_affinity_sets(b, ctx, &s);
    if s.uses_cluster_chain {
        write_service_to_endpoint_rules(b, ctx, &s, &s.cluster_chain, &s.cat.cluster);
    }
    if s.uses_local_chain {
        write_service_to_endpoint_rules(b, ctx, &s, &s.local_chain, &s.cat.local);
    }
    write_endpoint_rules(b, ctx, &s);
}

/// The port's elements: `cluster-ips`, `service-ips` / `no-endpoint-services` for the
/// ClusterIP, externalIPs and load-balancer IPs, `firewall-ips`, and `service-nodeports` /
/// `no-endpoint-nodeports` for the NodePort.
fn write_elements(b: &mut Builder, s: &Svc<'_>) {
    let sp = s.sp;
    let spn = Some(s.spn);
    b.element("cluster-ips", vec![sp.cluster_ip.to_string()], None, None);
    if s.has_internal {
        let v = format!("goto {}", s.internal_chain());
        b.element("service-ips", s.key(&sp.cluster_ip), Some(v), None);
    } else {
        let v = s.internal_verdict.to_string();
        b.element("no-endpoint-services", s.key(&sp.cluster_ip), Some(v), spn);
    }
    let goto_external = format!("goto {}", s.external_chain);
    for eip in &sp.external_ips {
        if s.has_endpoints {
            b.element("service-ips", s.key(eip), Some(goto_external.clone()), None);
        }
        if !s.has_external {
            let v = s.external_verdict.to_string();
            b.element("no-endpoint-services", s.key(eip), Some(v), spn);
        }
    }
    if s.uses_fw {
        b.chain(&s.firewall_chain);
    }
    for lbip in &sp.lb_ips {
        if s.has_endpoints {
            b.element("service-ips", s.key(lbip), Some(goto_external.clone()), None);
        }
        if s.uses_fw {
            let v = format!("goto {}", s.firewall_chain);
            b.element("firewall-ips", s.key(lbip), Some(v), None);
        }
    }
    if !s.has_external {
        for lbip in &sp.lb_ips {
            let v = s.external_verdict.to_string();
            b.element("no-endpoint-services", s.key(lbip), Some(v), spn);
        }
    }
    if sp.node_port != 0 {
        let key = vec![s.proto.to_string(), sp.node_port.to_string()];
        if s.has_endpoints {
            b.element("service-nodeports", key.clone(), Some(goto_external), None);
        }
        if !s.has_external {
            let v = s.external_verdict.to_string();
            b.element("no-endpoint-nodeports", key, Some(v), spn);
        }
    }
}

/// Internal traffic: masquerade off-cluster sources (all with masqueradeAll) that reach the
/// ClusterIP.
fn write_internal_rules(b: &mut Builder, ctx: &Ctx<'_>, s: &Svc<'_>) {
    if !s.has_internal {
        return;
    }
    let ip = ctx.w.ip;
    let cip = s.sp.cluster_ip;
    if ctx.masquerade_all {
        b.rule(s.internal_chain(), format!("{ip} daddr {cip} jump mark-for-masquerade"));
    } else if let Some(cidr) = &ctx.if_local {
        b.rule(
            s.internal_chain(),
            format!("{ip} daddr {cip} {ip} saddr != {cidr} jump mark-for-masquerade"),
        );
    }
}

/// The `external-` chain: masquerade under eTP=Cluster; under eTP=Local the pod and host
/// short-circuits (to all cluster endpoints) before the local chain.
fn write_external_rules(b: &mut Builder, ctx: &Ctx<'_>, s: &Svc<'_>) {
    if !s.uses_external_chain {
        return;
    }
    let ext = s.external_chain.as_str();
    let cluster = s.cluster_chain.as_str();
    if !s.sp.external_local {
        b.rule(ext, "jump mark-for-masquerade".into());
    } else {
        if let Some(cidr) = &ctx.if_local {
            b.rule_with_comment(
                ext,
                format!("{} saddr {cidr} goto {cluster}", ctx.w.ip),
                Some("short-circuit pod traffic"),
            );
        }
        b.rule_with_comment(
            ext,
            "fib saddr type local jump mark-for-masquerade".into(),
            Some("masquerade local traffic"),
        );
        b.rule_with_comment(
            ext,
            format!("fib saddr type local goto {cluster}"),
            Some("short-circuit local traffic"),
        );
    }
    if s.has_external {
        b.rule(ext, format!("goto {}", s.external_policy_chain()));
    }
}

/// The `firewall-` chain: drop sources outside loadBalancerSourceRanges (plus the LB IPs when a
/// range holds the node IP).
fn write_firewall_rules(b: &mut Builder, ctx: &Ctx<'_>, s: &Svc<'_>) {
    if !s.uses_fw {
        return;
    }
    let family = s.sp.cluster_ip;
    let node_ip = ctx.node.primary_ip(crate::model::IpFamily::of(family));
    let mut sources: Vec<String> = Vec::new();
    let mut allow_from_node = false;
    for r in &s.sp.source_ranges {
        sources.push(r.to_string());
        allow_from_node |= node_ip.is_some_and(|ip| r.contains(ip));
    }
    if allow_from_node {
        sources.extend(s.sp.lb_ips.iter().map(IpAddr::to_string));
    }
    b.rule(&s.firewall_chain, format!("{} saddr != {{ {} }} drop", ctx.w.ip, sources.join(" , ")));
}

/// One affinity set per reachable endpoint (ClientIP session affinity).
fn write_affinity_sets(b: &mut Builder, ctx: &Ctx<'_>, s: &Svc<'_>) {
    let Some(timeout) = s.sp.affinity_timeout else { return };
    for ep in &s.cat.reachable {
        b.set(Set {
            name: affinity_set(ep),
            is_map: false,
            type_: ctx.w.addr_type.into(),
            flags: vec!["dynamic".into(), "timeout".into()],
            timeout_secs: Some(u64::try_from(timeout).unwrap_or(0)),
            comment: None,
            elements: Vec::new(),
        });
    }
}

/// `writeServiceToEndpointRules`: affinity lookups, then `numgen random mod N vmap`.
fn write_service_to_endpoint_rules(
    b: &mut Builder,
    ctx: &Ctx<'_>,
    s: &Svc<'_>,
    chain: &str,
    eps: &[&Ep],
) {
    if s.sp.affinity_timeout.is_some() {
        for ep in eps {
            let rule = format!("{} saddr @{} goto {}", ctx.w.ip, affinity_set(ep), ep.chain);
            b.rule(chain, rule);
        }
    }
    let mut elements = String::new();
    for (i, ep) in eps.iter().enumerate() {
        if i > 0 {
            elements.push_str(" , ");
        }
        elements.push_str(&format!("{i} : goto {}", ep.chain));
    }
    b.rule(chain, format!("numgen random mod {} vmap {{ {elements} }}", eps.len()));
}

/// Per-endpoint chains: hairpin masquerade, affinity update, DNAT.
fn write_endpoint_rules(b: &mut Builder, ctx: &Ctx<'_>, s: &Svc<'_>) {
    let ip = ctx.w.ip;
    for ep in &s.cat.reachable {
        b.rule(&ep.chain, format!("{ip} saddr {} jump mark-for-masquerade", ep.ip));
        if s.sp.affinity_timeout.is_some() {
            b.rule(&ep.chain, format!("update @{} {{ {ip} saddr }}", affinity_set(ep)));
        }
        b.rule(&ep.chain, format!("meta l4proto {} dnat to {}", s.proto, ep.text));
    }
}
