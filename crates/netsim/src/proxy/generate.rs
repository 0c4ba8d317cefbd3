//! `syncProxyRules`: Services + EndpointSlices → the iptables-restore input of one node.
//!
//! Follows `pkg/proxy/iptables/proxier.go` (`syncProxyRules`, `writeServiceToEndpointRules`),
//! `pkg/proxy/topology.go` (`CategorizeEndpoints`), `pkg/proxy/endpointslicecache.go` (endpoint
//! collection, dedup and `ip:port` string order), `pkg/proxy/serviceport.go` (what counts as
//! externally accessible) and `pkg/proxy/util/nodeport_addresses.go`. Rules are emitted in
//! upstream's order within each chain; services are visited in `ServicePortName` order (upstream
//! visits a Go map, so only the per-chain order is meaningful, which is what its tests compare).

use std::collections::BTreeMap;
use std::net::{IpAddr, Ipv4Addr};

use super::cidr::Cidr;
use super::names::{
    compute_probability, endpoint_chain, join_host_port, service_hash, service_port_name,
};
use super::{NodeInfo, Note, ProxyConfig, Ruleset};
use crate::model::{EndpointSlice, IpFamily, Service, ServiceType, TrafficPolicy};

/// Upstream `largeClusterEndpointsThreshold`.
pub const LARGE_CLUSTER_ENDPOINTS_THRESHOLD: usize = 1000;

/// One usable endpoint of a service port (`BaseEndpointInfo`).
#[derive(Clone, Debug)]
struct Ep {
    ip: IpAddr,
    /// `ip:port` (the sort key and the `--to-destination` value).
    text: String,
    ready: bool,
    serving: bool,
    terminating: bool,
    local: bool,
    chain: String,
}

/// Per service port, everything `syncProxyRules` reads from `servicePortInfo`.
struct SvcPort<'a> {
    svc: &'a Service,
    spn: String,
    proto: &'static str,
    cluster_ip: IpAddr,
    port: i32,
    node_port: i32,
    health_check_node_port: i32,
    external_ips: Vec<IpAddr>,
    lb_ips: Vec<IpAddr>,
    source_ranges: Vec<Cidr>,
    affinity_timeout: Option<i32>,
    internal_local: bool,
    external_local: bool,
    hash: String,
}

impl SvcPort<'_> {
    fn externally_accessible(&self) -> bool {
        self.node_port != 0 || !self.lb_ips.is_empty() || !self.external_ips.is_empty()
    }
    /// Upstream `UsesClusterEndpoints`: Cluster policy somewhere, or the eTP=Local
    /// short-circuit rules (which jump to the cluster chain).
    fn uses_cluster_endpoints(&self) -> bool {
        !self.internal_local || self.externally_accessible()
    }
    fn uses_local_endpoints(&self) -> bool {
        self.internal_local || (self.external_local && self.externally_accessible())
    }
}

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

fn family_matches(ip: IpAddr, family: IpFamily) -> bool {
    IpFamily::of(ip) == family
}

fn valid_port(p: i32) -> bool {
    (1..=65535).contains(&p)
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
    let mark = cfg.mark();
    let masq_mark_pair = format!("{mark}/{mark}");

    // Local-traffic detector (`proxyutil.NewDetectLocalByCIDR`): the cluster CIDR of this family.
    let local_cidr: Option<Cidr> = cfg.cluster_cidr.as_deref().and_then(|s| {
        let mut found = None;
        for part in s.split(',') {
            match Cidr::parse(part.trim()) {
                Some(c) if c.is_ipv4() == (family == IpFamily::IPv4) => {
                    found = Some(c);
                    break;
                }
                Some(_) => {}
                None => notes.push(Note::new(
                    "proxy-invalid-cluster-cidr",
                    "KubeProxyConfiguration",
                    format!("clusterCIDR {:?} is not a valid CIDR; kube-proxy runs without a local-traffic detector", part.trim()),
                )),
            }
        }
        found
    });

    // nodePortAddresses (`NewNodePortAddresses`): CIDRs of this family; none means "all".
    let mut npa: Vec<Cidr> = Vec::new();
    let mut npa_match_all = false;
    for s in &cfg.node_port_addresses {
        if s == "primary" {
            for ip in node.ips.iter().filter(|ip| family_matches(**ip, family)).take(1) {
                npa.push(Cidr::host(*ip));
            }
            continue;
        }
        match Cidr::parse(s.trim()) {
            Some(c) if c.is_ipv4() == (family == IpFamily::IPv4) => {
                if c.prefix == 0 {
                    npa_match_all = true;
                }
                npa.push(c);
            }
            Some(_) => {}
            None => notes.push(Note::new(
                "proxy-invalid-nodeport-address",
                "KubeProxyConfiguration",
                format!("nodePortAddresses entry {s:?} is not a valid CIDR; it is ignored"),
            )),
        }
    }
    if npa.is_empty() {
        npa_match_all = true;
    }
    let contains_v4_loopback =
        npa_match_all || npa.iter().any(|c| c.contains(IpAddr::V4(Ipv4Addr::LOCALHOST)));
    // `NewProxier`: localhost NodePorts need IPv4 and a loopback-including nodePortAddresses.
    let localhost_node_ports =
        cfg.localhost_node_ports && family == IpFamily::IPv4 && contains_v4_loopback;

    // ---- Collect service ports (ServiceChangeTracker) ----
    let mut svc_ports: Vec<SvcPort<'_>> = Vec::new();
    for svc in services {
        let obj = format!("Service {}/{}", svc.meta.namespace, svc.meta.name);
        // `ShouldSkipService`: no cluster IP (headless, none set) or ExternalName.
        if svc.spec.type_ == ServiceType::ExternalName || svc.spec.headless {
            continue;
        }
        let Some(cluster_ip) =
            svc.spec.cluster_ips.iter().copied().find(|ip| family_matches(*ip, family))
        else {
            continue;
        };
        let external_ips: Vec<IpAddr> = svc
            .spec
            .external_ips
            .iter()
            .copied()
            .filter(|ip| family_matches(*ip, family))
            .collect();
        // `LoadBalancerVIPs` (pkg/proxy/serviceport.go): every status ingress IP of this family,
        // whatever the Service type (the type is not checked upstream either).
        let lb_ips: Vec<IpAddr> = svc
            .status
            .load_balancer_ingress
            .iter()
            .filter_map(|i| i.ip)
            .filter(|ip| family_matches(*ip, family))
            .collect();
        let mut source_ranges = Vec::new();
        for r in &svc.spec.load_balancer_source_ranges {
            match Cidr::parse(r.trim()) {
                Some(c) if c.is_ipv4() == (family == IpFamily::IPv4) => source_ranges.push(c),
                Some(_) => {}
                None => notes.push(Note::new(
                    "proxy-invalid-source-range",
                    &obj,
                    format!(
                        "loadBalancerSourceRanges entry {r:?} is not a CIDR; kube-proxy ignores it"
                    ),
                )),
            }
        }
        let accessible_svc =
            matches!(svc.spec.type_, ServiceType::LoadBalancer | ServiceType::NodePort)
                || !svc.spec.external_ips.is_empty();
        let external_local =
            accessible_svc && svc.spec.external_traffic_policy == Some(TrafficPolicy::Local);
        let internal_local = svc.spec.internal_traffic_policy == Some(TrafficPolicy::Local);
        let needs_health_check = svc.spec.type_ == ServiceType::LoadBalancer && external_local;
        let affinity_timeout = (svc.spec.session_affinity == "ClientIP")
            .then(|| svc.spec.session_affinity_timeout.unwrap_or(10800));
        for p in &svc.spec.ports {
            if !valid_port(p.port) {
                notes.push(Note::new(
                    "proxy-invalid-port",
                    &obj,
                    format!(
                        "port {} of {obj} is outside 1-65535; kube-proxy cannot write a rule for it",
                        p.port
                    ),
                ));
                continue;
            }
            let node_port = match p.node_port {
                Some(np) if valid_port(np) => np,
                Some(0) | None => 0,
                Some(np) => {
                    notes.push(Note::new(
                        "proxy-invalid-port",
                        &obj,
                        format!("nodePort {np} of {obj} is outside 1-65535; no NodePort rule is written"),
                    ));
                    0
                }
            };
            let health_check_node_port = match svc.spec.health_check_node_port {
                Some(h) if needs_health_check && valid_port(h) => h,
                _ => 0,
            };
            let spn = service_port_name(&svc.meta.namespace, &svc.meta.name, &p.name);
            let proto = p.protocol.lower();
            let hash = service_hash(&spn, proto);
            svc_ports.push(SvcPort {
                svc,
                spn,
                proto,
                cluster_ip,
                port: p.port,
                node_port,
                health_check_node_port,
                external_ips: external_ips.clone(),
                lb_ips: lb_ips.clone(),
                source_ranges: source_ranges.clone(),
                affinity_timeout,
                internal_local,
                external_local,
                hash,
            });
        }
    }
    crate::sort::sort_by(&mut svc_ports, |a, b| (&a.spn, a.proto).cmp(&(&b.spn, b.proto)));

    // ---- Collect endpoints (EndpointSliceCache) ----
    // Slices by (namespace, service name), in slice-name order.
    let mut by_service: BTreeMap<(&str, &str), Vec<&EndpointSlice>> = BTreeMap::new();
    for s in slices {
        if let Some(name) = s.service_name() {
            by_service.entry((s.meta.namespace.as_str(), name)).or_default().push(s);
        }
    }
    for v in by_service.values_mut() {
        crate::sort::sort_by(v, |a, b| a.meta.name.cmp(&b.meta.name));
    }
    let family_str = match family {
        IpFamily::IPv4 => "IPv4",
        IpFamily::IPv6 => "IPv6",
    };
    let mut endpoints_of: Vec<Vec<Ep>> = Vec::with_capacity(svc_ports.len());
    for sp in &svc_ports {
        let port_name = sp.spn.split_once(':').map(|(_, n)| n).unwrap_or_default();
        let mut set: BTreeMap<String, Ep> = BTreeMap::new();
        let key = (sp.svc.meta.namespace.as_str(), sp.svc.meta.name.as_str());
        for slice in by_service.get(&key).map(Vec::as_slice).unwrap_or_default() {
            if slice.address_type != family_str {
                continue;
            }
            for port in &slice.ports {
                let (Some(name), Some(num)) = (port.name.as_deref(), port.port) else {
                    continue;
                };
                if name != port_name || port.protocol.lower() != sp.proto {
                    continue;
                }
                if !valid_port(num) {
                    notes.push(Note::new(
                        "proxy-invalid-port",
                        &format!("EndpointSlice {}/{}", slice.meta.namespace, slice.meta.name),
                        format!("endpoint port {num} is outside 1-65535; kube-proxy ignores it"),
                    ));
                    continue;
                }
                for e in &slice.endpoints {
                    let Some(ip) = e.addresses.first().copied() else {
                        continue;
                    };
                    if !family_matches(ip, family) {
                        continue;
                    }
                    let text = join_host_port(ip, i64::from(num));
                    let ep = Ep {
                        ip,
                        chain: endpoint_chain(&sp.spn, sp.proto, &text),
                        text: text.clone(),
                        ready: e.conditions.ready.unwrap_or(true),
                        serving: e.conditions.serving.unwrap_or(true),
                        terminating: e.conditions.terminating.unwrap_or(false),
                        local: e.node_name.as_deref() == Some(node.name.as_str()),
                    };
                    // Duplicate `ip:port` (an endpoint moving between slices, or a Pod IP reused
                    // while the old Pod terminates): a later non-terminating copy wins
                    // (endpointslicecache.go addEndpoints: `!exists || !terminating`).
                    let replace = !set.contains_key(&text) || !ep.terminating;
                    if replace {
                        set.insert(text, ep);
                    }
                }
            }
        }
        // BTreeMap iteration is the byte order of `ip:port`, i.e. upstream's `byEndpoint` sort.
        endpoints_of.push(set.into_values().collect());
    }

    let total_endpoints: usize = endpoints_of.iter().map(Vec::len).sum();
    let large = total_endpoints > LARGE_CLUSTER_ENDPOINTS_THRESHOLD;

    // ---- Write the tables ----
    let mut filter_chains: Vec<String> = [
        "KUBE-SERVICES",
        "KUBE-EXTERNAL-SERVICES",
        "KUBE-FORWARD",
        "KUBE-NODEPORTS",
        "KUBE-PROXY-FIREWALL",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    let mut nat_chains: Vec<String> =
        ["KUBE-SERVICES", "KUBE-NODEPORTS", "KUBE-POSTROUTING", "KUBE-MARK-MASQ"]
            .iter()
            .map(|s| s.to_string())
            .collect();
    let mut filter_rules: Vec<String> = Vec::new();
    let mut nat_rules: Vec<String> = Vec::new();

    nat_rules.push(line(&[
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
    nat_rules.push(line(&["-A", "KUBE-POSTROUTING", "-j", "MARK", "--xor-mark", &mark]));
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
    if cfg.random_fully {
        masq.push_str(" --random-fully");
    }
    nat_rules.push(masq);
    nat_rules.push(line(&["-A", "KUBE-MARK-MASQ", "-j", "MARK", "--or-mark", &mark]));

    let has_kube_firewall = family == IpFamily::IPv4 && localhost_node_ports;
    if has_kube_firewall {
        filter_chains.push("KUBE-FIREWALL".to_string());
        filter_rules.push(line(&[
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

    let if_local = local_cidr.map(|c| c.to_string());

    for (sp, all_eps) in svc_ports.iter().zip(&endpoints_of) {
        let proto = sp.proto;
        let spn = sp.spn.as_str();
        let port = sp.port.to_string();
        let cluster_ip = sp.cluster_ip.to_string();
        let svc_chain = format!("KUBE-SVC-{}", sp.hash);
        let svl_chain = format!("KUBE-SVL-{}", sp.hash);
        let ext_chain = format!("KUBE-EXT-{}", sp.hash);
        let fw_chain = format!("KUBE-FW-{}", sp.hash);

        let cat = categorize(all_eps, sp);
        let uses_cluster_chain = !cat.cluster.is_empty() && sp.uses_cluster_endpoints();
        let uses_local_chain = !cat.local.is_empty() && sp.uses_local_endpoints();

        let has_endpoints = cat.has_any;
        let (internal_chain, has_internal) = if sp.internal_local {
            (&svl_chain, has_endpoints && !cat.local.is_empty())
        } else {
            (&svc_chain, has_endpoints)
        };
        let (external_policy_chain, has_external) = if sp.external_local {
            (&svl_chain, has_endpoints && !cat.local.is_empty())
        } else {
            (&svc_chain, has_endpoints)
        };
        let uses_ext_chain = has_endpoints && sp.externally_accessible();
        let uses_fw = has_endpoints && !sp.lb_ips.is_empty() && !sp.source_ranges.is_empty();
        let lb_chain = if uses_fw { &fw_chain } else { &ext_chain };

        let (int_target, int_comment, ext_target, ext_comment) = if !has_endpoints {
            let c = quoted(&format!("{spn} has no endpoints"));
            ("REJECT", c.clone(), "REJECT", c)
        } else {
            let c = quoted(&format!("{spn} has no local endpoints"));
            ("DROP", c.clone(), "DROP", c)
        };

        // Capture the clusterIP.
        let cip_comment = quoted(&format!("{spn} cluster IP"));
        if has_internal {
            nat_rules.push(dest_rule(
                "KUBE-SERVICES",
                &cip_comment,
                proto,
                &cluster_ip,
                &port,
                internal_chain,
            ));
        } else {
            filter_rules.push(dest_rule(
                "KUBE-SERVICES",
                &int_comment,
                proto,
                &cluster_ip,
                &port,
                int_target,
            ));
        }

        // Capture externalIPs.
        for eip in &sp.external_ips {
            let eip = eip.to_string();
            if has_endpoints {
                nat_rules.push(dest_rule(
                    "KUBE-SERVICES",
                    &quoted(&format!("{spn} external IP")),
                    proto,
                    &eip,
                    &port,
                    &ext_chain,
                ));
            }
            if !has_external {
                filter_rules.push(dest_rule(
                    "KUBE-EXTERNAL-SERVICES",
                    &ext_comment,
                    proto,
                    &eip,
                    &port,
                    ext_target,
                ));
            }
        }

        // Capture load-balancer ingress.
        for lbip in &sp.lb_ips {
            let lbip = lbip.to_string();
            if has_endpoints {
                nat_rules.push(dest_rule(
                    "KUBE-SERVICES",
                    &quoted(&format!("{spn} loadbalancer IP")),
                    proto,
                    &lbip,
                    &port,
                    lb_chain,
                ));
            }
            if uses_fw {
                filter_rules.push(dest_rule(
                    "KUBE-PROXY-FIREWALL",
                    &quoted(&format!("{spn} traffic not accepted by {fw_chain}")),
                    proto,
                    &lbip,
                    &port,
                    "DROP",
                ));
            }
        }
        if !has_external {
            for lbip in &sp.lb_ips {
                filter_rules.push(dest_rule(
                    "KUBE-EXTERNAL-SERVICES",
                    &ext_comment,
                    proto,
                    &lbip.to_string(),
                    &port,
                    ext_target,
                ));
            }
        }

        // Capture nodeports.
        if sp.node_port != 0 {
            let np = sp.node_port.to_string();
            if has_endpoints {
                if localhost_node_ports && cfg.nfacct {
                    nat_rules.push(line(&[
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
                        &ext_chain,
                    ]));
                }
                nat_rules.push(line(&[
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
                    &ext_chain,
                ]));
            }
            if !has_external {
                filter_rules.push(line(&[
                    "-A",
                    "KUBE-EXTERNAL-SERVICES",
                    "-m",
                    "comment",
                    "--comment",
                    &ext_comment,
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
                    ext_target,
                ]));
            }
        }

        // Capture healthCheckNodePorts (always TCP, whatever the service protocol).
        if sp.health_check_node_port != 0 {
            filter_rules.push(line(&[
                "-A",
                "KUBE-NODEPORTS",
                "-m",
                "comment",
                "--comment",
                &quoted(&format!("{spn} health check node port")),
                "-m",
                "tcp",
                "-p",
                "tcp",
                "--dport",
                &sp.health_check_node_port.to_string(),
                "-j",
                "ACCEPT",
            ]));
        }

        // Internal traffic: masquerade off-cluster sources (or everything with masqueradeAll).
        if has_internal {
            let base = [
                "-A",
                internal_chain.as_str(),
                "-m",
                "comment",
                "--comment",
                cip_comment.as_str(),
                "-m",
                proto,
                "-p",
                proto,
                "-d",
                cluster_ip.as_str(),
                "--dport",
                port.as_str(),
            ];
            if cfg.masquerade_all {
                let mut v = base.to_vec();
                v.extend(["-j", "KUBE-MARK-MASQ"]);
                nat_rules.push(line(&v));
            } else if let Some(cidr) = &if_local {
                let mut v = base.to_vec();
                v.extend(["!", "-s", cidr.as_str(), "-j", "KUBE-MARK-MASQ"]);
                nat_rules.push(line(&v));
            }
        }

        // External traffic.
        if uses_ext_chain {
            nat_chains.push(ext_chain.clone());
            if !sp.external_local {
                nat_rules.push(line(&[
                    "-A",
                    &ext_chain,
                    "-m",
                    "comment",
                    "--comment",
                    &quoted(&format!("masquerade traffic for {spn} external destinations")),
                    "-j",
                    "KUBE-MARK-MASQ",
                ]));
            } else {
                if let Some(cidr) = &if_local {
                    nat_rules.push(line(&[
                        "-A",
                        &ext_chain,
                        "-m",
                        "comment",
                        "--comment",
                        &quoted(&format!("pod traffic for {spn} external destinations")),
                        "-s",
                        cidr,
                        "-j",
                        &svc_chain,
                    ]));
                }
                nat_rules.push(line(&[
                    "-A",
                    &ext_chain,
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
                nat_rules.push(line(&[
                    "-A",
                    &ext_chain,
                    "-m",
                    "comment",
                    "--comment",
                    &quoted(&format!("route LOCAL traffic for {spn} external destinations")),
                    "-m",
                    "addrtype",
                    "--src-type",
                    "LOCAL",
                    "-j",
                    &svc_chain,
                ]));
            }
            if has_external {
                nat_rules.push(line(&["-A", &ext_chain, "-j", external_policy_chain]));
            }
        }

        // Firewall chain (loadBalancerSourceRanges).
        if uses_fw {
            nat_chains.push(fw_chain.clone());
            let c = quoted(&format!("{spn} loadbalancer IP"));
            let mut allow_from_node = false;
            for r in &sp.source_ranges {
                nat_rules.push(line(&[
                    "-A",
                    &fw_chain,
                    "-m",
                    "comment",
                    "--comment",
                    &c,
                    "-s",
                    &r.to_string(),
                    "-j",
                    &ext_chain,
                ]));
                // Upstream checks `proxier.nodeIP`, the node's primary IP of this family.
                if let Some(nip) = node.primary_ip(family) {
                    allow_from_node |= r.contains(nip);
                }
            }
            if allow_from_node {
                for lbip in &sp.lb_ips {
                    nat_rules.push(line(&[
                        "-A",
                        &fw_chain,
                        "-m",
                        "comment",
                        "--comment",
                        &c,
                        "-s",
                        &lbip.to_string(),
                        "-j",
                        &ext_chain,
                    ]));
                }
            }
            nat_rules.push(line(&[
                "-A",
                &fw_chain,
                "-m",
                "comment",
                "--comment",
                &quoted(&format!("other traffic to {spn} will be dropped by KUBE-PROXY-FIREWALL")),
            ]));
        }

        if uses_cluster_chain {
            nat_chains.push(svc_chain.clone());
            write_service_to_endpoint_rules(&mut nat_rules, sp, &svc_chain, &cat.cluster, large);
        }
        if uses_local_chain {
            nat_chains.push(svl_chain.clone());
            write_service_to_endpoint_rules(&mut nat_rules, sp, &svl_chain, &cat.local, large);
        }

        // Per-endpoint chains.
        for ep in &cat.reachable {
            nat_chains.push(ep.chain.clone());
            let mut head: Vec<&str> = vec!["-A", &ep.chain];
            if !large {
                head.extend(["-m", "comment", "--comment", spn]);
            }
            let ip = ep.ip.to_string();
            let mut hairpin = head.clone();
            hairpin.extend(["-s", &ip, "-j", "KUBE-MARK-MASQ"]);
            nat_rules.push(line(&hairpin));
            let mut dnat = head;
            if sp.affinity_timeout.is_some() {
                dnat.extend(["-m", "recent", "--name", &ep.chain, "--set"]);
            }
            dnat.extend(["-m", proto, "-p", proto, "-j", "DNAT", "--to-destination", &ep.text]);
            nat_rules.push(line(&dnat));
        }
    }

    // Finally, tail-call to the nodePorts chain.
    let np_comment =
        "\"kubernetes service nodeports; NOTE: this must be the last rule in this chain\"";
    if npa_match_all {
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
        if family == IpFamily::IPv6 {
            v.extend(["!", "-d", "::1/128"]);
        } else if !localhost_node_ports {
            v.extend(["!", "-d", "127.0.0.0/8"]);
        }
        v.extend(["-j", "KUBE-NODEPORTS"]);
        nat_rules.push(line(&v));
    } else {
        for ip in node.ips.iter().filter(|ip| family_matches(**ip, family)) {
            if !npa.iter().any(|c| c.contains(*ip)) {
                continue;
            }
            if ip.is_loopback() && (family == IpFamily::IPv6 || !localhost_node_ports) {
                continue;
            }
            nat_rules.push(line(&[
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

    let mut invalid = vec!["-A", "KUBE-FORWARD", "-m", "conntrack", "--ctstate", "INVALID"];
    if cfg.nfacct {
        invalid.extend(["-m", "nfacct", "--nfacct-name", "ct_state_invalid_dropped_pkts"]);
    }
    invalid.extend(["-j", "DROP"]);
    filter_rules.push(line(&invalid));
    filter_rules.push(line(&[
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
    filter_rules.push(line(&[
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

    Ruleset {
        family,
        filter_chains,
        filter_rules,
        nat_chains,
        nat_rules,
        has_kube_firewall,
        large_cluster_mode: large,
        notes,
    }
}

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

struct Categorized<'a> {
    cluster: Vec<&'a Ep>,
    local: Vec<&'a Ep>,
    reachable: Vec<&'a Ep>,
    has_any: bool,
}

/// `CategorizeEndpoints` (topology hints are not modelled: every ready endpoint is eligible).
fn categorize<'a>(eps: &'a [Ep], sp: &SvcPort<'_>) -> Categorized<'a> {
    let mut out = Categorized {
        cluster: Vec::new(),
        local: Vec::new(),
        reachable: Vec::new(),
        has_any: false,
    };
    if sp.uses_cluster_endpoints() {
        out.cluster = eps.iter().filter(|e| e.ready).collect();
        if out.cluster.is_empty() {
            out.cluster = eps.iter().filter(|e| e.serving && e.terminating).collect();
        }
        out.has_any = !out.cluster.is_empty();
    }
    if !sp.uses_local_endpoints() {
        out.reachable = out.cluster.clone();
        return out;
    }
    let mut local_ready = false;
    let mut local_st = false;
    for e in eps {
        if e.ready {
            out.has_any = true;
            local_ready |= e.local;
        } else if e.serving && e.terminating {
            out.has_any = true;
            local_st |= e.local;
        }
    }
    if local_ready {
        out.local = eps.iter().filter(|e| e.local && e.ready).collect();
    } else if local_st {
        out.local = eps.iter().filter(|e| e.local && e.serving && e.terminating).collect();
    }
    if !sp.uses_cluster_endpoints() {
        out.reachable = out.local.clone();
        return out;
    }
    // Union, in `ip:port` order (upstream builds it from a map; order is not significant).
    let mut all: BTreeMap<&str, &Ep> = BTreeMap::new();
    for e in out.cluster.iter().chain(out.local.iter()) {
        all.insert(e.text.as_str(), e);
    }
    out.reachable = all.into_values().collect();
    out
}
