//! `syncProxyRules`: Services + EndpointSlices → the iptables-restore input of one node.
//!
//! Follows `pkg/proxy/iptables/proxier.go` (`syncProxyRules`, `writeServiceToEndpointRules`),
//! `pkg/proxy/util/nodeport_addresses.go` and, through [`super::ports`], the shared service and
//! endpoint maps and `CategorizeEndpoints`. Rules are emitted in upstream's order within each
//! chain; services are visited in `ServicePortName` order (upstream visits a Go map, so only the
//! per-chain order is meaningful, which is what its tests compare).
//!
//! The steps are those of upstream's sync: read the local-traffic detector and the NodePort
//! addresses, collect service ports and endpoints, write the fixed chains, then per service port
//! capture its cluster IP, external IPs, load-balancer IPs, NodePort and health-check port, write
//! its internal, external and firewall chains, its endpoint-choice chains and its endpoint
//! chains; finally the NodePort jump and the forwarding rules.

use std::net::{IpAddr, Ipv4Addr};

use super::names::{compute_probability, endpoint_chain, service_hash};
use super::ports::{self, family_matches, Categorized, Ep, SvcPort};
use super::{NodeInfo, Note, ProxyConfig, Ruleset};
use crate::model::{EndpointSlice, IpFamily, Service};
use crate::net::Cidr;

/// Upstream `largeClusterEndpointsThreshold`.
pub const LARGE_CLUSTER_ENDPOINTS_THRESHOLD: usize = 1000;

/// Joins rule arguments with single spaces, as `LineBuffer.Write` does.
fn line(parts: &[&str]) -> String {
    parts.join(" ")
}

/// The most common rule shape: a destination `ip:port/proto` matched with a comment, then a jump:
/// `-A CHAIN -m comment --comment C -m P -p P -d IP --dport PORT -j TARGET`.
fn dest_rule(
    chain: &str,
    comment: &str,
    proto: &str,
    ip: &str,
    port: &str,
    target: &str,
) -> String {
    line(&[
        "-A",
        chain,
        "-m",
        "comment",
        "--comment",
        comment,
        "-m",
        proto,
        "-p",
        proto,
        "-d",
        ip,
        "--dport",
        port,
        "-j",
        target,
    ])
}

fn quoted(s: &str) -> String {
    format!("\"{s}\"")
}

/// The local-traffic detector (`proxyutil.NewDetectLocalByCIDR`): the first `clusterCIDR` entry
/// of this family. `None`: no detector.
pub(super) fn local_detector(
    cfg: &ProxyConfig,
    family: IpFamily,
    notes: &mut Vec<Note>,
) -> Option<Cidr> {
    let text = cfg.cluster_cidr.as_deref()?;
    for part in text.split(',') {
        match Cidr::parse(part.trim()) {
            Some(c) if c.is_ipv4() == (family == IpFamily::IPv4) => return Some(c),
            Some(_) => {}
            None => notes.push(Note::new(
                "proxy-invalid-cluster-cidr",
                "KubeProxyConfiguration",
                format!("clusterCIDR {:?} is not a valid CIDR; kube-proxy runs without a local-traffic detector", part.trim()),
            )),
        }
    }
    None
}

/// `nodePortAddresses` in iptables mode (`NewNodePortAddresses`): CIDRs of this family; none
/// means every local address.
struct NodePortAddresses {
    cidrs: Vec<Cidr>,
    match_all: bool,
}

fn node_port_addresses(
    cfg: &ProxyConfig,
    node: &NodeInfo,
    family: IpFamily,
    notes: &mut Vec<Note>,
) -> NodePortAddresses {
    let mut npa = NodePortAddresses { cidrs: Vec::new(), match_all: false };
    for s in &cfg.node_port_addresses {
        if s == "primary" {
            for ip in node.ips.iter().filter(|ip| family_matches(**ip, family)).take(1) {
                npa.cidrs.push(Cidr::host(*ip));
            }
            continue;
        }
        // `NewNodePortAddresses` (pkg/proxy/util/nodeport_addresses.go) reads each entry with
        // `ParseCIDRSloppy`, as the config's validation does.
        match Cidr::parse_sloppy(s.trim()) {
            Some(c) if c.is_ipv4() == (family == IpFamily::IPv4) => {
                if c.prefix == 0 {
                    npa.match_all = true;
                }
                npa.cidrs.push(c);
            }
            Some(_) => {}
            None => notes.push(Note::new(
                "proxy-invalid-nodeport-address",
                "KubeProxyConfiguration",
                format!("nodePortAddresses entry {s:?} is not a valid CIDR; it is ignored"),
            )),
        }
    }
    if npa.cidrs.is_empty() {
        npa.match_all = true;
    }
    npa
}

/// Settings that hold for every service port of one sync.
struct Ctx<'a> {
    cfg: &'a ProxyConfig,
    node: &'a NodeInfo,
    family: IpFamily,
    mark: String,
    /// The detector's CIDR as text (`-s`/`! -s`), if there is a detector.
    if_local: Option<String>,
    localhost_node_ports: bool,
    large: bool,
}

/// The two tables being written.
#[derive(Default)]
struct Tables {
    filter_chains: Vec<String>,
    filter_rules: Vec<String>,
    nat_chains: Vec<String>,
    nat_rules: Vec<String>,
}

/// Generates the rules of `node` for the given objects. Never fails: objects the rules cannot
/// express are skipped with a [`Note`].
pub fn generate(
    services: &[Service],
    slices: &[EndpointSlice],
    node: &NodeInfo,
    cfg: &ProxyConfig,
) -> Ruleset {
    let family = cfg.ip_family;
    let mut notes: Vec<Note> = Vec::new();
    let local_cidr = local_detector(cfg, family, &mut notes);
    let npa = node_port_addresses(cfg, node, family, &mut notes);
    let contains_v4_loopback =
        npa.match_all || npa.cidrs.iter().any(|c| c.contains(IpAddr::V4(Ipv4Addr::LOCALHOST)));
    // `NewProxier`: localhost NodePorts need IPv4 and a loopback-including nodePortAddresses.
    let localhost_node_ports =
        cfg.localhost_node_ports && family == IpFamily::IPv4 && contains_v4_loopback;

    let svc_ports = ports::service_ports(services, family, &mut notes);
    let endpoints_of = ports::endpoints(&svc_ports, slices, node, family, &mut notes, |sp, ep| {
        endpoint_chain(&sp.spn, sp.proto, ep)
    });
    let total_endpoints: usize = endpoints_of.iter().map(Vec::len).sum();
    let ctx = Ctx {
        cfg,
        node,
        family,
        mark: cfg.mark(),
        if_local: local_cidr.map(|c| c.to_string()),
        localhost_node_ports,
        large: total_endpoints > LARGE_CLUSTER_ENDPOINTS_THRESHOLD,
    };

    let mut t = Tables::default();
    let has_kube_firewall = write_fixed_chains(&ctx, &mut t);
    for (sp, all_eps) in svc_ports.iter().zip(&endpoints_of) {
        write_service_port(&ctx, &mut t, sp, all_eps);
    }
    write_node_ports_jump(&ctx, &mut t, &npa);
    write_forward_rules(&ctx, &mut t);

    Ruleset {
        family,
        filter_chains: t.filter_chains,
        filter_rules: t.filter_rules,
        nat_chains: t.nat_chains,
        nat_rules: t.nat_rules,
        has_kube_firewall,
        large_cluster_mode: ctx.large,
        notes,
    }
}

/// The chains every sync declares, KUBE-POSTROUTING / KUBE-MARK-MASQ and (IPv4 with localhost
/// NodePorts) KUBE-FIREWALL. Returns whether KUBE-FIREWALL was written.
fn write_fixed_chains(ctx: &Ctx<'_>, t: &mut Tables) -> bool {
    let mark = ctx.mark.as_str();
    let masq_mark_pair = format!("{mark}/{mark}");
    t.filter_chains = [
        "KUBE-SERVICES",
        "KUBE-EXTERNAL-SERVICES",
        "KUBE-FORWARD",
        "KUBE-NODEPORTS",
        "KUBE-PROXY-FIREWALL",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    t.nat_chains = ["KUBE-SERVICES", "KUBE-NODEPORTS", "KUBE-POSTROUTING", "KUBE-MARK-MASQ"]
        .iter()
        .map(|s| s.to_string())
        .collect();

    t.nat_rules.push(line(&[
        "-A",
        "KUBE-POSTROUTING",
        "-m",
        "mark",
        "!",
        "--mark",
        &masq_mark_pair,
        "-j",
        "RETURN",
    ]));
    t.nat_rules.push(line(&["-A", "KUBE-POSTROUTING", "-j", "MARK", "--xor-mark", mark]));
    let mut masq = line(&[
        "-A",
        "KUBE-POSTROUTING",
        "-m",
        "comment",
        "--comment",
        "\"kubernetes service traffic requiring SNAT\"",
        "-j",
        "MASQUERADE",
    ]);
    if ctx.cfg.random_fully {
        masq.push_str(" --random-fully");
    }
    t.nat_rules.push(masq);
    t.nat_rules.push(line(&["-A", "KUBE-MARK-MASQ", "-j", "MARK", "--or-mark", mark]));

    let has_kube_firewall = ctx.family == IpFamily::IPv4 && ctx.localhost_node_ports;
    if has_kube_firewall {
        t.filter_chains.push("KUBE-FIREWALL".to_string());
        t.filter_rules.push(line(&[
            "-A",
            "KUBE-FIREWALL",
            "-m",
            "comment",
            "--comment",
            "\"block incoming localnet connections\"",
            "-d",
            "127.0.0.0/8",
            "!",
            "-s",
            "127.0.0.0/8",
            "-m",
            "conntrack",
            "!",
            "--ctstate",
            "RELATED,ESTABLISHED,DNAT",
            "-j",
            "DROP",
        ]));
    }
    has_kube_firewall
}

/// One service port's chain names, endpoint categories and the flags `syncProxyRules` derives.
struct Svc<'a> {
    sp: &'a SvcPort<'a>,
    cat: Categorized<'a>,
    port: String,
    cluster_ip: String,
    svc_chain: String,
    svl_chain: String,
    ext_chain: String,
    fw_chain: String,
    uses_cluster_chain: bool,
    uses_local_chain: bool,
    has_endpoints: bool,
    has_internal: bool,
    has_external: bool,
    uses_ext_chain: bool,
    uses_fw: bool,
    /// Target and comment of the filter rules for a service without (local) endpoints.
    no_ep_target: &'static str,
    no_ep_comment: String,
    cip_comment: String,
}

impl Svc<'_> {
    /// The chain internal (ClusterIP) traffic goes to: KUBE-SVL with iTP=Local.
    fn internal_chain(&self) -> &str {
        if self.sp.internal_local {
            &self.svl_chain
        } else {
            &self.svc_chain
        }
    }
    /// The chain external traffic ends in: KUBE-SVL with eTP=Local.
    fn external_policy_chain(&self) -> &str {
        if self.sp.external_local {
            &self.svl_chain
        } else {
            &self.svc_chain
        }
    }
    /// Where load-balancer IP traffic goes: the firewall chain when source ranges apply.
    fn lb_chain(&self) -> &str {
        if self.uses_fw {
            &self.fw_chain
        } else {
            &self.ext_chain
        }
    }
}

fn write_service_port<'a>(ctx: &Ctx<'_>, t: &mut Tables, sp: &'a SvcPort<'a>, all_eps: &'a [Ep]) {
    let hash = service_hash(&sp.spn, sp.proto);
    let cat = ports::categorize(all_eps, sp, ctx.node, ctx.cfg.prefer_same_traffic_distribution);
    let has_endpoints = cat.has_any;
    let has_local = !cat.local.is_empty();
    let (no_ep_target, no_ep_comment) = if has_endpoints {
        ("DROP", quoted(&format!("{} has no local endpoints", sp.spn)))
    } else {
        ("REJECT", quoted(&format!("{} has no endpoints", sp.spn)))
    };
    let s = Svc {
        sp,
        port: sp.port.to_string(),
        cluster_ip: sp.cluster_ip.to_string(),
        svc_chain: format!("KUBE-SVC-{hash}"),
        svl_chain: format!("KUBE-SVL-{hash}"),
        ext_chain: format!("KUBE-EXT-{hash}"),
        fw_chain: format!("KUBE-FW-{hash}"),
        uses_cluster_chain: !cat.cluster.is_empty() && sp.uses_cluster_endpoints(),
        uses_local_chain: has_local && sp.uses_local_endpoints(),
        has_endpoints,
        has_internal: has_endpoints && (!sp.internal_local || has_local),
        has_external: has_endpoints && (!sp.external_local || has_local),
        uses_ext_chain: has_endpoints && sp.externally_accessible(),
        uses_fw: has_endpoints && !sp.lb_ips.is_empty() && !sp.source_ranges.is_empty(),
        no_ep_target,
        no_ep_comment,
        cip_comment: quoted(&format!("{} cluster IP", sp.spn)),
        cat,
    };

    capture_cluster_ip(t, &s);
    capture_external_ips(t, &s);
    capture_load_balancer_ips(t, &s);
    capture_node_port(ctx, t, &s);
    capture_health_check_node_port(t, &s);
    write_internal_masquerade(ctx, t, &s);
    write_external_chain(ctx, t, &s);
    write_firewall_chain(ctx, t, &s);
    if s.uses_cluster_chain {
        t.nat_chains.push(s.svc_chain.clone());
        write_service_to_endpoint_rules(
            &mut t.nat_rules,
            sp,
            &s.svc_chain,
            &s.cat.cluster,
            ctx.large,
        );
    }
    if s.uses_local_chain {
        t.nat_chains.push(s.svl_chain.clone());
        write_service_to_endpoint_rules(
            &mut t.nat_rules,
            sp,
            &s.svl_chain,
            &s.cat.local,
            ctx.large,
        );
    }
    write_endpoint_chains(ctx, t, &s);
}

/// Capture the clusterIP: nat KUBE-SERVICES to the internal chain, or a filter REJECT/DROP.
fn capture_cluster_ip(t: &mut Tables, s: &Svc<'_>) {
    let proto = s.sp.proto;
    if s.has_internal {
        t.nat_rules.push(dest_rule(
            "KUBE-SERVICES",
            &s.cip_comment,
            proto,
            &s.cluster_ip,
            &s.port,
            s.internal_chain(),
        ));
    } else {
        t.filter_rules.push(dest_rule(
            "KUBE-SERVICES",
            &s.no_ep_comment,
            proto,
            &s.cluster_ip,
            &s.port,
            s.no_ep_target,
        ));
    }
}

/// Capture externalIPs.
fn capture_external_ips(t: &mut Tables, s: &Svc<'_>) {
    let proto = s.sp.proto;
    for eip in &s.sp.external_ips {
        let eip = eip.to_string();
        if s.has_endpoints {
            t.nat_rules.push(dest_rule(
                "KUBE-SERVICES",
                &quoted(&format!("{} external IP", s.sp.spn)),
                proto,
                &eip,
                &s.port,
                &s.ext_chain,
            ));
        }
        if !s.has_external {
            t.filter_rules.push(dest_rule(
                "KUBE-EXTERNAL-SERVICES",
                &s.no_ep_comment,
                proto,
                &eip,
                &s.port,
                s.no_ep_target,
            ));
        }
    }
}

/// Capture load-balancer ingress IPs (and the KUBE-PROXY-FIREWALL drops for source ranges).
fn capture_load_balancer_ips(t: &mut Tables, s: &Svc<'_>) {
    let proto = s.sp.proto;
    for lbip in &s.sp.lb_ips {
        let lbip = lbip.to_string();
        if s.has_endpoints {
            t.nat_rules.push(dest_rule(
                "KUBE-SERVICES",
                &quoted(&format!("{} loadbalancer IP", s.sp.spn)),
                proto,
                &lbip,
                &s.port,
                s.lb_chain(),
            ));
        }
        if s.uses_fw {
            t.filter_rules.push(dest_rule(
                "KUBE-PROXY-FIREWALL",
                &quoted(&format!("{} traffic not accepted by {}", s.sp.spn, s.fw_chain)),
                proto,
                &lbip,
                &s.port,
                "DROP",
            ));
        }
    }
    if !s.has_external {
        for lbip in &s.sp.lb_ips {
            t.filter_rules.push(dest_rule(
                "KUBE-EXTERNAL-SERVICES",
                &s.no_ep_comment,
                proto,
                &lbip.to_string(),
                &s.port,
                s.no_ep_target,
            ));
        }
    }
}

/// Capture the NodePort (KUBE-NODEPORTS, plus the localhost nfacct rule).
fn capture_node_port(ctx: &Ctx<'_>, t: &mut Tables, s: &Svc<'_>) {
    if s.sp.node_port == 0 {
        return;
    }
    let proto = s.sp.proto;
    let spn = s.sp.spn.as_str();
    let np = s.sp.node_port.to_string();
    if s.has_endpoints {
        if ctx.localhost_node_ports && ctx.cfg.nfacct {
            t.nat_rules.push(line(&[
                "-A",
                "KUBE-NODEPORTS",
                "-m",
                "comment",
                "--comment",
                spn,
                "-m",
                proto,
                "-p",
                proto,
                "-d",
                "127.0.0.0/8",
                "--dport",
                &np,
                "-m",
                "nfacct",
                "--nfacct-name",
                "localhost_nps_accepted_pkts",
                "-j",
                &s.ext_chain,
            ]));
        }
        t.nat_rules.push(line(&[
            "-A",
            "KUBE-NODEPORTS",
            "-m",
            "comment",
            "--comment",
            spn,
            "-m",
            proto,
            "-p",
            proto,
            "--dport",
            &np,
            "-j",
            &s.ext_chain,
        ]));
    }
    if !s.has_external {
        t.filter_rules.push(line(&[
            "-A",
            "KUBE-EXTERNAL-SERVICES",
            "-m",
            "comment",
            "--comment",
            &s.no_ep_comment,
            "-m",
            "addrtype",
            "--dst-type",
            "LOCAL",
            "-m",
            proto,
            "-p",
            proto,
            "--dport",
            &np,
            "-j",
            s.no_ep_target,
        ]));
    }
}

/// Capture healthCheckNodePorts (always TCP, whatever the service protocol).
fn capture_health_check_node_port(t: &mut Tables, s: &Svc<'_>) {
    if s.sp.health_check_node_port == 0 {
        return;
    }
    t.filter_rules.push(line(&[
        "-A",
        "KUBE-NODEPORTS",
        "-m",
        "comment",
        "--comment",
        &quoted(&format!("{} health check node port", s.sp.spn)),
        "-m",
        "tcp",
        "-p",
        "tcp",
        "--dport",
        &s.sp.health_check_node_port.to_string(),
        "-j",
        "ACCEPT",
    ]));
}

/// Internal traffic: masquerade off-cluster sources (or everything with masqueradeAll).
fn write_internal_masquerade(ctx: &Ctx<'_>, t: &mut Tables, s: &Svc<'_>) {
    if !s.has_internal {
        return;
    }
    let proto = s.sp.proto;
    let mut v = vec![
        "-A",
        s.internal_chain(),
        "-m",
        "comment",
        "--comment",
        s.cip_comment.as_str(),
        "-m",
        proto,
        "-p",
        proto,
        "-d",
        s.cluster_ip.as_str(),
        "--dport",
        s.port.as_str(),
    ];
    if ctx.cfg.masquerade_all {
        v.extend(["-j", "KUBE-MARK-MASQ"]);
        t.nat_rules.push(line(&v));
    } else if let Some(cidr) = &ctx.if_local {
        v.extend(["!", "-s", cidr.as_str(), "-j", "KUBE-MARK-MASQ"]);
        t.nat_rules.push(line(&v));
    }
}

/// External traffic: KUBE-EXT-<hash> (masquerade for eTP=Cluster; the pod/host short-circuits
/// for eTP=Local), then the policy chain.
fn write_external_chain(ctx: &Ctx<'_>, t: &mut Tables, s: &Svc<'_>) {
    if !s.uses_ext_chain {
        return;
    }
    let spn = s.sp.spn.as_str();
    let ext = s.ext_chain.as_str();
    t.nat_chains.push(s.ext_chain.clone());
    if !s.sp.external_local {
        t.nat_rules.push(line(&[
            "-A",
            ext,
            "-m",
            "comment",
            "--comment",
            &quoted(&format!("masquerade traffic for {spn} external destinations")),
            "-j",
            "KUBE-MARK-MASQ",
        ]));
    } else {
        if let Some(cidr) = &ctx.if_local {
            t.nat_rules.push(line(&[
                "-A",
                ext,
                "-m",
                "comment",
                "--comment",
                &quoted(&format!("pod traffic for {spn} external destinations")),
                "-s",
                cidr,
                "-j",
                &s.svc_chain,
            ]));
        }
        t.nat_rules.push(line(&[
            "-A",
            ext,
            "-m",
            "comment",
            "--comment",
            &quoted(&format!("masquerade LOCAL traffic for {spn} external destinations")),
            "-m",
            "addrtype",
            "--src-type",
            "LOCAL",
            "-j",
            "KUBE-MARK-MASQ",
        ]));
        t.nat_rules.push(line(&[
            "-A",
            ext,
            "-m",
            "comment",
            "--comment",
            &quoted(&format!("route LOCAL traffic for {spn} external destinations")),
            "-m",
            "addrtype",
            "--src-type",
            "LOCAL",
            "-j",
            &s.svc_chain,
        ]));
    }
    if s.has_external {
        t.nat_rules.push(line(&["-A", ext, "-j", s.external_policy_chain()]));
    }
}

/// Firewall chain (loadBalancerSourceRanges).
fn write_firewall_chain(ctx: &Ctx<'_>, t: &mut Tables, s: &Svc<'_>) {
    if !s.uses_fw {
        return;
    }
    let fw = s.fw_chain.as_str();
    t.nat_chains.push(s.fw_chain.clone());
    let c = quoted(&format!("{} loadbalancer IP", s.sp.spn));
    let mut allow_from_node = false;
    for r in &s.sp.source_ranges {
        t.nat_rules.push(line(&[
            "-A",
            fw,
            "-m",
            "comment",
            "--comment",
            &c,
            "-s",
            &r.to_string(),
            "-j",
            &s.ext_chain,
        ]));
        // Upstream checks `proxier.nodeIP`, the node's primary IP of this family.
        if let Some(nip) = ctx.node.primary_ip(ctx.family) {
            allow_from_node |= r.contains(nip);
        }
    }
    if allow_from_node {
        for lbip in &s.sp.lb_ips {
            t.nat_rules.push(line(&[
                "-A",
                fw,
                "-m",
                "comment",
                "--comment",
                &c,
                "-s",
                &lbip.to_string(),
                "-j",
                &s.ext_chain,
            ]));
        }
    }
    t.nat_rules.push(line(&[
        "-A",
        fw,
        "-m",
        "comment",
        "--comment",
        &quoted(&format!("other traffic to {} will be dropped by KUBE-PROXY-FIREWALL", s.sp.spn)),
    ]));
}

/// Per-endpoint chains: the hairpin masquerade and the DNAT.
fn write_endpoint_chains(ctx: &Ctx<'_>, t: &mut Tables, s: &Svc<'_>) {
    let proto = s.sp.proto;
    for ep in &s.cat.reachable {
        t.nat_chains.push(ep.chain.clone());
        let mut head: Vec<&str> = vec!["-A", &ep.chain];
        if !ctx.large {
            head.extend(["-m", "comment", "--comment", &s.sp.spn]);
        }
        let ip = ep.ip.to_string();
        let mut hairpin = head.clone();
        hairpin.extend(["-s", &ip, "-j", "KUBE-MARK-MASQ"]);
        t.nat_rules.push(line(&hairpin));
        let mut dnat = head;
        if s.sp.affinity_timeout.is_some() {
            dnat.extend(["-m", "recent", "--name", &ep.chain, "--set"]);
        }
        dnat.extend(["-m", proto, "-p", proto, "-j", "DNAT", "--to-destination", &ep.text]);
        t.nat_rules.push(line(&dnat));
    }
}

/// Finally, tail-call to the nodePorts chain.
fn write_node_ports_jump(ctx: &Ctx<'_>, t: &mut Tables, npa: &NodePortAddresses) {
    let np_comment =
        "\"kubernetes service nodeports; NOTE: this must be the last rule in this chain\"";
    if npa.match_all {
        let mut v = vec![
            "-A",
            "KUBE-SERVICES",
            "-m",
            "comment",
            "--comment",
            np_comment,
            "-m",
            "addrtype",
            "--dst-type",
            "LOCAL",
        ];
        if ctx.family == IpFamily::IPv6 {
            v.extend(["!", "-d", "::1/128"]);
        } else if !ctx.localhost_node_ports {
            v.extend(["!", "-d", "127.0.0.0/8"]);
        }
        v.extend(["-j", "KUBE-NODEPORTS"]);
        t.nat_rules.push(line(&v));
        return;
    }
    for ip in ctx.node.ips.iter().filter(|ip| family_matches(**ip, ctx.family)) {
        if !npa.cidrs.iter().any(|c| c.contains(*ip)) {
            continue;
        }
        if ip.is_loopback() && (ctx.family == IpFamily::IPv6 || !ctx.localhost_node_ports) {
            continue;
        }
        t.nat_rules.push(line(&[
            "-A",
            "KUBE-SERVICES",
            "-m",
            "comment",
            "--comment",
            np_comment,
            "-d",
            &ip.to_string(),
            "-j",
            "KUBE-NODEPORTS",
        ]));
    }
}

/// KUBE-FORWARD: drop INVALID (unless conntrack is TCP-liberal: `syncProxyRules` writes the
/// drop only `if !proxier.conntrackTCPLiberal`), accept marked and established traffic.
fn write_forward_rules(ctx: &Ctx<'_>, t: &mut Tables) {
    let masq_mark_pair = format!("{}/{}", ctx.mark, ctx.mark);
    if !ctx.cfg.conntrack_tcp_liberal {
        let mut invalid = vec!["-A", "KUBE-FORWARD", "-m", "conntrack", "--ctstate", "INVALID"];
        if ctx.cfg.nfacct {
            invalid.extend(["-m", "nfacct", "--nfacct-name", "ct_state_invalid_dropped_pkts"]);
        }
        invalid.extend(["-j", "DROP"]);
        t.filter_rules.push(line(&invalid));
    }
    t.filter_rules.push(line(&[
        "-A",
        "KUBE-FORWARD",
        "-m",
        "comment",
        "--comment",
        "\"kubernetes forwarding rules\"",
        "-m",
        "mark",
        "--mark",
        &masq_mark_pair,
        "-j",
        "ACCEPT",
    ]));
    t.filter_rules.push(line(&[
        "-A",
        "KUBE-FORWARD",
        "-m",
        "comment",
        "--comment",
        "\"kubernetes forwarding conntrack rule\"",
        "-m",
        "conntrack",
        "--ctstate",
        "RELATED,ESTABLISHED",
        "-j",
        "ACCEPT",
    ]));
}

/// `writeServiceToEndpointRules`: affinity checks, then the cascade of statistic rules.
fn write_service_to_endpoint_rules(
    out: &mut Vec<String>,
    sp: &SvcPort<'_>,
    chain: &str,
    eps: &[&Ep],
    large: bool,
) {
    if let Some(timeout) = sp.affinity_timeout {
        let secs = timeout.to_string();
        for ep in eps {
            let comment = quoted(&format!("{} -> {}", sp.spn, ep.text));
            let mut v: Vec<&str> = vec!["-A", chain];
            if !large {
                v.extend(["-m", "comment", "--comment", &comment]);
            }
            v.extend([
                "-m",
                "recent",
                "--name",
                &ep.chain,
                "--rcheck",
                "--seconds",
                &secs,
                "--reap",
                "-j",
                &ep.chain,
            ]);
            out.push(line(&v));
        }
    }
    let n = eps.len();
    for (i, ep) in eps.iter().enumerate() {
        let comment = quoted(&format!("{} -> {}", sp.spn, ep.text));
        let prob = compute_probability(n - i);
        let mut v: Vec<&str> = vec!["-A", chain];
        if !large {
            v.extend(["-m", "comment", "--comment", &comment]);
        }
        if i + 1 < n {
            v.extend(["-m", "statistic", "--mode", "random", "--probability", &prob]);
        }
        v.extend(["-j", &ep.chain]);
        out.push(line(&v));
    }
}
