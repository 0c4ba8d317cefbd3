//! Unit tests of the nftables mode: names, marks, both renderings (exact text), families,
//! nodePortAddresses, topology, the parser and the walker. Whole-ruleset and packet-flow checks
//! against upstream's own tests are in `tests/nft_conformance.rs`.

use std::collections::BTreeMap;
use std::net::IpAddr;

use super::*;
use crate::model::{
    Endpoint, EndpointConditions, EndpointHints, EndpointPort, EndpointSlice, IntOrString,
    LoadBalancerIngress, ObjectMeta, Protocol, Service, ServicePort, ServiceType, TrafficPolicy,
};
use crate::proxy::{
    AffinityState, NodeInfo, Origin, Packet, ProxyConfig, SplitMix64, Trace, Verdict,
};

fn ip(s: &str) -> IpAddr {
    s.parse().unwrap()
}

fn node() -> NodeInfo {
    NodeInfo {
        name: "test-node".into(),
        ips: vec![ip("192.168.0.2"), ip("192.168.1.2"), ip("2001:db8::1"), ip("127.0.0.1")],
        zone: None,
    }
}

fn svc(ns: &str, name: &str, cip: &str, port: (&str, i32, Option<i32>)) -> Service {
    let mut s = Service {
        meta: ObjectMeta { namespace: ns.into(), name: name.into(), ..Default::default() },
        ..Default::default()
    };
    s.spec.cluster_ips = vec![ip(cip)];
    s.spec.session_affinity = "None".into();
    s.spec.ports.push(ServicePort {
        name: port.0.into(),
        protocol: Protocol::Tcp,
        port: port.1,
        target_port: IntOrString::Int(port.1),
        node_port: port.2,
        app_protocol: None,
    });
    if port.2.is_some() {
        s.spec.type_ = ServiceType::NodePort;
    }
    s
}

/// (ip, nodeName, zone hints, node hints)
type Ep<'a> = (&'a str, Option<&'a str>, &'a [&'a str], &'a [&'a str]);

fn slice(ns: &str, svc: &str, port: (&str, i32), eps: &[Ep<'_>]) -> EndpointSlice {
    let mut labels = BTreeMap::new();
    labels.insert("kubernetes.io/service-name".into(), svc.into());
    let v6 = eps.first().is_some_and(|e| e.0.contains(':'));
    EndpointSlice {
        meta: ObjectMeta {
            namespace: ns.into(),
            name: format!("{svc}-1"),
            labels,
            ..Default::default()
        },
        address_type: if v6 { "IPv6".into() } else { "IPv4".into() },
        endpoints: eps
            .iter()
            .map(|(a, n, z, h)| Endpoint {
                addresses: vec![ip(a)],
                conditions: EndpointConditions { ready: Some(true), ..Default::default() },
                node_name: n.map(str::to_string),
                hints: (!z.is_empty() || !h.is_empty()).then(|| EndpointHints {
                    for_zones: z.iter().map(|s| s.to_string()).collect(),
                    for_nodes: h.iter().map(|s| s.to_string()).collect(),
                }),
                ..Default::default()
            })
            .collect(),
        ports: vec![EndpointPort {
            name: Some(port.0.into()),
            port: Some(port.1),
            protocol: Protocol::Tcp,
            app_protocol: None,
        }],
    }
}

fn fake() -> ProxyConfig {
    ProxyConfig::upstream_fake_nft(crate::model::IpFamily::IPv4)
}

fn lines_of(text: &str, chain: &str) -> Vec<String> {
    let prefix = format!("add rule ip kube-proxy {chain} ");
    text.lines().filter_map(|l| l.strip_prefix(&prefix)).map(str::to_string).collect()
}

fn pkt(src: &str, dst: &str, port: u16, origin: Origin) -> Packet {
    Packet { src: ip(src), dst: ip(dst), dport: port, proto: Protocol::Tcp, origin }
}

fn trace(rs: &NftRuleset, p: &Packet) -> Trace {
    let t = NftTables::parse(&rs.dump_text()).unwrap();
    walk(&t, &node(), p)
}

#[test]
fn hash_and_truncate_names() {
    // Derived examples (kubernetes-networking-2.md §1.4; the first four also appear in a
    // third-party real-cluster ruleset).
    let h = |s: &str| hash_and_truncate(s)[..8].to_string();
    assert_eq!(h("default/kubernetes/tcp/https"), "2QRHZV4L");
    assert_eq!(h("kube-system/kube-dns/udp/dns"), "FY5PMXPG");
    assert_eq!(h("kube-system/kube-dns/tcp/dns-tcp"), "NWBZK7IH");
    assert_eq!(h("kube-system/kube-dns/tcp/metrics"), "AS2KJYAD");
    assert_eq!(h("default/kubernetes/tcp/https__172.18.0.2/6443"), "KJBNWEXB");
    assert_eq!(h("default/web/tcp/__fd00.10.244..5/8080"), "GKJ36R7N");
    // Upstream Test_servicePortChainNameBase / Test_servicePortEndpointChainNameBase.
    assert_eq!(hash_and_truncate("testing/service/tcp/http"), "P4ZYZVCF-testing/service/tcp/http");
    assert_eq!(
        hash_and_truncate("testing/service/tcp/https"),
        "LZBRENCP-testing/service/tcp/https"
    );
    assert_eq!(
        hash_and_truncate("testing/service/tcp/http__10.180.0.1/80"),
        "JO2XBXZR-testing/service/tcp/http__10.180.0.1/80"
    );
    assert_eq!(
        hash_and_truncate("testing/service/tcp/http__10.180.0.2/80"),
        "5S6H3H22-testing/service/tcp/http__10.180.0.2/80"
    );
    assert_eq!(
        hash_and_truncate("testing/service/tcp/http__fd80.abcd.12..a1b2.c3d4.e5f6.9999/80"),
        "U7E2ET36-testing/service/tcp/http__fd80.abcd.12..a1b2.c3d4.e5f6.9999/80"
    );
    let ns = "very-long-namespace-name-abcdefghijklmnopqrstuvwxyz0123456789xx";
    let name = "very-long-service-name-why-would-you-even-do-this-i-mean-really";
    let port = "port-443-providing-the-hypertext-transmission-protocol-with-tls";
    let base = format!("{ns}/{name}/sctp/{port}");
    assert_eq!(hash_and_truncate(&base), format!("KR6NACJP-{base}"));
    let ep = format!("{base}__1234.5678.9abc.def0..abc.1234/443");
    assert_eq!(hash_and_truncate(&ep), format!("5YS7AFEA-{ep}"));
    let cut = format!("{base}__1234.5678.9abc.def0..abcd.1234...");
    let t1 = hash_and_truncate(&format!("{base}__1234.5678.9abc.def0..abcd.1234.5678/443"));
    assert_eq!(t1, format!("CI6C53Q3-{cut}"));
    assert_eq!(t1.len(), 240);
    let t2 = hash_and_truncate(&format!("{base}__1234.5678.9abc.def0..abcd.1234.8765/443"));
    assert_eq!(t2, format!("2FLXFK6X-{cut}"));
}

#[test]
fn service_and_endpoint_chain_names_from_objects() {
    let s = svc("default", "web", "10.96.0.50", ("", 8080, None));
    let sl = slice("default", "web", ("", 8080), &[("fd00:10:244::5", None, &[], &[])]);
    let cfg = ProxyConfig::upstream_fake_nft(crate::model::IpFamily::IPv6);
    let mut s6 = s;
    s6.spec.cluster_ips = vec![ip("fd00:10:96::50")];
    let rs = generate(&[s6], &[sl], &node(), &cfg);
    let dump = rs.dump_text();
    // An unnamed port gives a trailing slash; IPv6 `:` becomes `.` (§1.4 derived example).
    assert!(
        dump.contains(
            "add chain ip6 kube-proxy endpoint-GKJ36R7N-default/web/tcp/__fd00.10.244..5/8080\n"
        ),
        "{dump}"
    );
    assert!(dump.contains(
        "add rule ip6 kube-proxy endpoint-GKJ36R7N-default/web/tcp/__fd00.10.244..5/8080 meta l4proto tcp dnat to [fd00:10:244::5]:8080\n"
    ));
    assert!(dump.contains("add chain ip6 kube-proxy service-"));
    assert!(dump.contains("-default/web/tcp/\n"));
    assert!(dump.contains("add set ip6 kube-proxy cluster-ips { type ipv6_addr ;"));
    assert!(dump.contains(
        "add rule ip6 kube-proxy services ip6 daddr . meta l4proto . th dport vmap @service-ips\n"
    ));
    assert!(dump.contains("add element ip6 kube-proxy nodeport-ips { 2001:db8::1 }\n"));
    assert!(dump
        .contains("add rule ip6 kube-proxy cluster-ips-check ip6 daddr { fd00:10:96::/112 } drop"));
}

#[test]
fn real_mark_is_padded_and_uses_the_nftables_bit() {
    let rs = generate(&[], &[], &node(), &ProxyConfig::default());
    let dump = rs.dump_text();
    assert_eq!(lines_of(&dump, "mark-for-masquerade"), vec!["mark set mark or 0x00004000"]);
    assert_eq!(
        lines_of(&dump, "masquerading"),
        vec![
            "mark and 0x00004000 == 0 return",
            "mark set mark xor 0x00004000",
            "masquerade fully-random"
        ]
    );
    // `nftables.masqueradeBit`, not `iptables.masqueradeBit`.
    let mut cfg = ProxyConfig { masquerade_bit: 20, ..ProxyConfig::default() };
    cfg.nftables.masquerade_bit = 15;
    let dump = generate(&[], &[], &node(), &cfg).dump_text();
    assert_eq!(lines_of(&dump, "mark-for-masquerade"), vec!["mark set mark or 0x00008000"]);
    let rules = generate(&[], &[], &node(), &ProxyConfig::default()).ruleset_text();
    assert!(rules.contains("\t\tmeta mark set meta mark | 0x00004000\n"), "{rules}");
    assert!(rules.contains("\t\tmeta mark & 0x00004000 == 0x00000000 return\n"));
    assert!(rules.contains("\t\tmeta mark set meta mark ^ 0x00004000\n"));
}

/// One ClusterIP Service with two endpoints on a real node (padded mark, default
/// nodePortAddresses = primary, kubeadm-like CIDRs): both renderings, exact.
#[test]
fn both_renderings_exact() {
    let s = svc("default", "web", "10.96.0.50", ("http", 80, None));
    let sl = slice(
        "default",
        "web",
        ("http", 8080),
        &[("10.244.1.5", Some("node-a"), &[], &[]), ("10.244.2.7", Some("test-node"), &[], &[])],
    );
    let cfg = ProxyConfig {
        cluster_cidr: Some("10.244.0.0/16".into()),
        service_cidrs: vec!["10.96.0.0/12".into()],
        ..ProxyConfig::default()
    };
    let rs = generate(&[s], &[sl], &node(), &cfg);
    let svc_chain = "service-SUSTUHLJ-default/web/tcp/http";
    let e1 = "endpoint-HGNPOIJ5-default/web/tcp/http__10.244.1.5/8080";
    let e2 = "endpoint-BZGFZVVG-default/web/tcp/http__10.244.2.7/8080";
    let dump = rs.dump_text();
    let want = format!(
        "add table ip kube-proxy {{ comment \"rules for kube-proxy\" ; }}
add chain ip kube-proxy cluster-ips-check
add chain ip kube-proxy {e2}
add chain ip kube-proxy {e1}
add chain ip kube-proxy filter-forward {{ type filter hook forward priority 0 ; }}
add chain ip kube-proxy filter-input {{ type filter hook input priority 0 ; }}
add chain ip kube-proxy filter-output {{ type filter hook output priority 0 ; }}
add chain ip kube-proxy filter-output-pre-dnat {{ type filter hook output priority -110 ; }}
add chain ip kube-proxy filter-prerouting-pre-dnat {{ type filter hook prerouting priority -110 ; }}
add chain ip kube-proxy firewall-check
add chain ip kube-proxy mark-for-masquerade
add chain ip kube-proxy masquerading
add chain ip kube-proxy nat-output {{ type nat hook output priority -100 ; }}
add chain ip kube-proxy nat-postrouting {{ type nat hook postrouting priority 100 ; }}
add chain ip kube-proxy nat-prerouting {{ type nat hook prerouting priority -100 ; }}
add chain ip kube-proxy nodeport-endpoints-check
add chain ip kube-proxy reject-chain {{ comment \"helper for @no-endpoint-services / @no-endpoint-nodeports\" ; }}
add chain ip kube-proxy {svc_chain}
add chain ip kube-proxy service-endpoints-check
add chain ip kube-proxy services
add set ip kube-proxy cluster-ips {{ type ipv4_addr ; comment \"Active ClusterIPs\" ; }}
add set ip kube-proxy nodeport-ips {{ type ipv4_addr ; comment \"IPs that accept NodePort traffic\" ; }}
add map ip kube-proxy firewall-ips {{ type ipv4_addr . inet_proto . inet_service : verdict ; comment \"destinations that are subject to LoadBalancerSourceRanges\" ; }}
add map ip kube-proxy no-endpoint-nodeports {{ type inet_proto . inet_service : verdict ; comment \"vmap to drop or reject packets to service nodeports with no endpoints\" ; }}
add map ip kube-proxy no-endpoint-services {{ type ipv4_addr . inet_proto . inet_service : verdict ; comment \"vmap to drop or reject packets to services with no endpoints\" ; }}
add map ip kube-proxy service-ips {{ type ipv4_addr . inet_proto . inet_service : verdict ; comment \"ClusterIP, ExternalIP and LoadBalancer IP traffic\" ; }}
add map ip kube-proxy service-nodeports {{ type inet_proto . inet_service : verdict ; comment \"NodePort traffic\" ; }}
add rule ip kube-proxy cluster-ips-check ip daddr @cluster-ips reject comment \"Reject traffic to invalid ports of ClusterIPs\"
add rule ip kube-proxy cluster-ips-check ip daddr {{ 10.96.0.0/12 }} drop comment \"Drop traffic to unallocated ClusterIPs\"
add rule ip kube-proxy {e2} ip saddr 10.244.2.7 jump mark-for-masquerade
add rule ip kube-proxy {e2} meta l4proto tcp dnat to 10.244.2.7:8080
add rule ip kube-proxy {e1} ip saddr 10.244.1.5 jump mark-for-masquerade
add rule ip kube-proxy {e1} meta l4proto tcp dnat to 10.244.1.5:8080
add rule ip kube-proxy filter-forward ct state new jump service-endpoints-check
add rule ip kube-proxy filter-forward ct state new jump cluster-ips-check
add rule ip kube-proxy filter-input ct state new jump nodeport-endpoints-check
add rule ip kube-proxy filter-input ct state new jump service-endpoints-check
add rule ip kube-proxy filter-output ct state new jump service-endpoints-check
add rule ip kube-proxy filter-output ct state new jump cluster-ips-check
add rule ip kube-proxy filter-output-pre-dnat ct state new jump firewall-check
add rule ip kube-proxy filter-prerouting-pre-dnat ct state new jump firewall-check
add rule ip kube-proxy firewall-check ip daddr . meta l4proto . th dport vmap @firewall-ips
add rule ip kube-proxy mark-for-masquerade mark set mark or 0x00004000
add rule ip kube-proxy masquerading mark and 0x00004000 == 0 return
add rule ip kube-proxy masquerading mark set mark xor 0x00004000
add rule ip kube-proxy masquerading masquerade fully-random
add rule ip kube-proxy nat-output jump services
add rule ip kube-proxy nat-postrouting jump masquerading
add rule ip kube-proxy nat-prerouting jump services
add rule ip kube-proxy nodeport-endpoints-check ip daddr @nodeport-ips meta l4proto . th dport vmap @no-endpoint-nodeports
add rule ip kube-proxy reject-chain reject
add rule ip kube-proxy {svc_chain} ip daddr 10.96.0.50 ip saddr != 10.244.0.0/16 jump mark-for-masquerade
add rule ip kube-proxy {svc_chain} numgen random mod 2 vmap {{ 0 : goto {e1} , 1 : goto {e2} }}
add rule ip kube-proxy service-endpoints-check ip daddr . meta l4proto . th dport vmap @no-endpoint-services
add rule ip kube-proxy services ip daddr . meta l4proto . th dport vmap @service-ips
add rule ip kube-proxy services ip daddr @nodeport-ips meta l4proto . th dport vmap @service-nodeports
add element ip kube-proxy cluster-ips {{ 10.96.0.50 }}
add element ip kube-proxy nodeport-ips {{ 192.168.0.2 }}
add element ip kube-proxy service-ips {{ 10.96.0.50 . tcp . 80 : goto {svc_chain} }}
"
    );
    assert_eq!(dump, want);

    let ruleset = rs.ruleset_text();
    let want = format!(
        "table ip kube-proxy {{
\tcomment \"rules for kube-proxy\"
\tset cluster-ips {{
\t\ttype ipv4_addr
\t\tcomment \"Active ClusterIPs\"
\t\telements = {{ 10.96.0.50 }}
\t}}

\tset nodeport-ips {{
\t\ttype ipv4_addr
\t\tcomment \"IPs that accept NodePort traffic\"
\t\telements = {{ 192.168.0.2 }}
\t}}

\tmap no-endpoint-services {{
\t\ttype ipv4_addr . inet_proto . inet_service : verdict
\t\tcomment \"vmap to drop or reject packets to services with no endpoints\"
\t}}

\tmap no-endpoint-nodeports {{
\t\ttype inet_proto . inet_service : verdict
\t\tcomment \"vmap to drop or reject packets to service nodeports with no endpoints\"
\t}}

\tmap firewall-ips {{
\t\ttype ipv4_addr . inet_proto . inet_service : verdict
\t\tcomment \"destinations that are subject to LoadBalancerSourceRanges\"
\t}}

\tmap service-ips {{
\t\ttype ipv4_addr . inet_proto . inet_service : verdict
\t\tcomment \"ClusterIP, ExternalIP and LoadBalancer IP traffic\"
\t\telements = {{ 10.96.0.50 . tcp . 80 : goto {svc_chain} }}
\t}}

\tmap service-nodeports {{
\t\ttype inet_proto . inet_service : verdict
\t\tcomment \"NodePort traffic\"
\t}}

\tchain filter-prerouting-pre-dnat {{
\t\ttype filter hook prerouting priority dstnat - 10; policy accept;
\t\tct state new jump firewall-check
\t}}

\tchain filter-output-pre-dnat {{
\t\ttype filter hook output priority -110; policy accept;
\t\tct state new jump firewall-check
\t}}

\tchain filter-input {{
\t\ttype filter hook input priority filter; policy accept;
\t\tct state new jump nodeport-endpoints-check
\t\tct state new jump service-endpoints-check
\t}}

\tchain filter-forward {{
\t\ttype filter hook forward priority filter; policy accept;
\t\tct state new jump service-endpoints-check
\t\tct state new jump cluster-ips-check
\t}}

\tchain filter-output {{
\t\ttype filter hook output priority filter; policy accept;
\t\tct state new jump service-endpoints-check
\t\tct state new jump cluster-ips-check
\t}}

\tchain nat-prerouting {{
\t\ttype nat hook prerouting priority dstnat; policy accept;
\t\tjump services
\t}}

\tchain nat-output {{
\t\ttype nat hook output priority -100; policy accept;
\t\tjump services
\t}}

\tchain nat-postrouting {{
\t\ttype nat hook postrouting priority srcnat; policy accept;
\t\tjump masquerading
\t}}

\tchain nodeport-endpoints-check {{
\t\tip daddr @nodeport-ips meta l4proto . th dport vmap @no-endpoint-nodeports
\t}}

\tchain service-endpoints-check {{
\t\tip daddr . meta l4proto . th dport vmap @no-endpoint-services
\t}}

\tchain firewall-check {{
\t\tip daddr . meta l4proto . th dport vmap @firewall-ips
\t}}

\tchain services {{
\t\tip daddr . meta l4proto . th dport vmap @service-ips
\t\tip daddr @nodeport-ips meta l4proto . th dport vmap @service-nodeports
\t}}

\tchain masquerading {{
\t\tmeta mark & 0x00004000 == 0x00000000 return
\t\tmeta mark set meta mark ^ 0x00004000
\t\tmasquerade fully-random
\t}}

\tchain cluster-ips-check {{
\t\tip daddr @cluster-ips reject comment \"Reject traffic to invalid ports of ClusterIPs\"
\t\tip daddr 10.96.0.0/12 drop comment \"Drop traffic to unallocated ClusterIPs\"
\t}}

\tchain mark-for-masquerade {{
\t\tmeta mark set meta mark | 0x00004000
\t}}

\tchain reject-chain {{
\t\tcomment \"helper for @no-endpoint-services / @no-endpoint-nodeports\"
\t\treject
\t}}

\tchain {e1} {{
\t\tip saddr 10.244.1.5 jump mark-for-masquerade
\t\tmeta l4proto tcp dnat to 10.244.1.5:8080
\t}}

\tchain {e2} {{
\t\tip saddr 10.244.2.7 jump mark-for-masquerade
\t\tmeta l4proto tcp dnat to 10.244.2.7:8080
\t}}

\tchain {svc_chain} {{
\t\tip daddr 10.96.0.50 ip saddr != 10.244.0.0/16 jump mark-for-masquerade
\t\tnumgen random mod 2 vmap {{ 0 : goto {e1}, 1 : goto {e2} }}
\t}}
}}
"
    );
    assert_eq!(ruleset, want);
}

#[test]
fn dual_stack_writes_one_table_per_family() {
    let mut s = svc("default", "web", "10.96.0.50", ("http", 80, None));
    s.spec.cluster_ips.push(ip("fd00:10:96::50"));
    let v4 = slice("default", "web", ("http", 8080), &[("10.244.1.5", None, &[], &[])]);
    let v6 = slice("default", "web", ("http", 8080), &[("fd00:10:244:1::5", None, &[], &[])]);
    let cfg = ProxyConfig {
        ip_families: vec![crate::model::IpFamily::IPv4, crate::model::IpFamily::IPv6],
        ..ProxyConfig::default()
    };
    let rs = generate(&[s], &[v4, v6], &node(), &cfg);
    assert_eq!(rs.tables.len(), 2);
    let dump = rs.dump_text();
    let tables: Vec<&str> = dump.lines().filter(|l| l.starts_with("add table")).collect();
    assert_eq!(
        tables,
        vec![
            "add table ip kube-proxy { comment \"rules for kube-proxy\" ; }",
            "add table ip6 kube-proxy { comment \"rules for kube-proxy\" ; }"
        ]
    );
    assert!(dump.contains("add element ip kube-proxy service-ips { 10.96.0.50 . tcp . 80 : goto service-SUSTUHLJ-default/web/tcp/http }\n"));
    assert!(dump.contains("add element ip6 kube-proxy service-ips { fd00:10:96::50 . tcp . 80 : goto service-SUSTUHLJ-default/web/tcp/http }\n"));
    // The walker takes the table of the packet's family.
    let t = NftTables::parse(&dump).unwrap();
    assert_eq!(t.table_names(), vec!["ip kube-proxy", "ip6 kube-proxy"]);
    let tr = walk(&t, &node(), &pkt("fd00:10:244:2::9", "fd00:10:96::50", 80, Origin::FromPod));
    assert_eq!(tr.upstream_output(), "[fd00:10:244:1::5]:8080");
    assert_eq!(tr.outcomes[0].path[0].table, "ip6 kube-proxy");
}

#[test]
fn node_port_addresses_of_the_other_family_match_all() {
    use crate::model::IpFamily;
    let ips = |npa: &[&str], family| {
        let cfg = ProxyConfig {
            node_port_addresses: npa.iter().map(|s| s.to_string()).collect(),
            ..ProxyConfig::default()
        };
        let r = generate::node_port_ips(&cfg, &node(), family, &mut Vec::new());
        (r.match_all, r.ips)
    };
    // `NewNodePortAddresses`: CIDRs given, none of this family → 0.0.0.0/0 or ::/0.
    assert_eq!(ips(&["192.168.0.0/16"], IpFamily::IPv6), (true, vec![]));
    assert_eq!(ips(&["2001:db8::/64"], IpFamily::IPv4), (true, vec![]));
    // Nothing given, or `primary`: the family's primary node IP.
    assert_eq!(ips(&[], IpFamily::IPv6), (false, vec![ip("2001:db8::1")]));
    assert_eq!(ips(&["primary"], IpFamily::IPv6), (false, vec![ip("2001:db8::1")]));
    assert_eq!(
        ips(&["192.168.0.0/16"], IpFamily::IPv4),
        (false, vec![ip("192.168.0.2"), ip("192.168.1.2")])
    );
}

#[test]
fn node_port_addresses_forms() {
    let s = svc("default", "np", "10.96.0.60", ("http", 80, Some(30080)));
    let sl = slice("default", "np", ("http", 8080), &[("10.244.1.5", None, &[], &[])]);
    let objects = (vec![s], vec![sl]);
    let gen = |npa: &[&str]| {
        let cfg = ProxyConfig {
            node_port_addresses: npa.iter().map(|s| s.to_string()).collect(),
            ..ProxyConfig::default()
        };
        generate(&objects.0, &objects.1, &node(), &cfg).dump_text()
    };
    // Default (nftables: `primary`): the node's primary IP only.
    let d = gen(&[]);
    assert!(d.contains("add element ip kube-proxy nodeport-ips { 192.168.0.2 }\n"));
    assert!(!d.contains("nodeport-ips { 192.168.1.2 }"));
    assert_eq!(gen(&["primary"]), d);
    // A CIDR: every node address in it (loopback skipped with a note).
    let d = gen(&["192.168.0.0/16"]);
    assert!(
        d.contains("nodeport-ips { 192.168.0.2 }") && d.contains("nodeport-ips { 192.168.1.2 }")
    );
    let cfg = ProxyConfig { node_port_addresses: vec!["127.0.0.0/8".into()], ..Default::default() };
    let rs = generate(&objects.0, &objects.1, &node(), &cfg);
    assert_eq!(rs.notes.len(), 1);
    assert_eq!(rs.notes[0].code, "proxy-localhost-nodeports");
    // Match-all: no nodeport-ips set; the fib forms with the localhost exclusion.
    let d = gen(&["0.0.0.0/0"]);
    assert!(!d.contains("nodeport-ips"), "{d}");
    assert_eq!(
        lines_of(&d, "services"),
        vec![
            "ip daddr . meta l4proto . th dport vmap @service-ips",
            "fib daddr type local ip daddr != 127.0.0.0/8 meta l4proto . th dport vmap @service-nodeports"
        ]
    );
    assert_eq!(
        lines_of(&d, "nodeport-endpoints-check"),
        vec!["ip daddr != 127.0.0.0/8 meta l4proto . th dport vmap @no-endpoint-nodeports"]
    );
    // Every local address then takes NodePorts, but 127.0.0.1 does not.
    let rs = generate(
        &objects.0,
        &objects.1,
        &node(),
        &ProxyConfig { node_port_addresses: vec!["0.0.0.0/0".into()], ..Default::default() },
    );
    let t = NftTables::parse(&rs.dump_text()).unwrap();
    let out = |dst: &str| walk(&t, &node(), &pkt("203.0.113.2", dst, 30080, Origin::FromOutside));
    assert_eq!(out("192.168.1.2").upstream_output(), "10.244.1.5:8080");
    let lo = walk(&t, &node(), &pkt("127.0.0.1", "127.0.0.1", 30080, Origin::FromNode));
    assert_eq!(lo.upstream_output(), "");
}

#[test]
fn service_cidrs_are_filtered_per_family() {
    // Upstream TestProxier_OnServiceCIDRsChanged.
    let mk = |family, cidrs: &[&str]| {
        let cfg = ProxyConfig {
            ip_family: family,
            service_cidrs: cidrs.iter().map(|s| s.to_string()).collect(),
            ..ProxyConfig::default()
        };
        let d = generate(&[], &[], &node(), &cfg).dump_text();
        d.lines()
            .find(|l| l.contains("Drop traffic to unallocated ClusterIPs"))
            .map(str::to_string)
            .unwrap_or_default()
    };
    use crate::model::IpFamily::{IPv4, IPv6};
    assert!(mk(IPv4, &["172.30.0.0/16", "fd00:10:96::/112"])
        .contains("ip daddr { 172.30.0.0/16 } drop"));
    assert!(mk(IPv4, &["172.30.0.0/16", "172.50.0.0/16", "fd00:10:96::/112", "fd00:172:30::/112"])
        .contains("ip daddr { 172.30.0.0/16,172.50.0.0/16 } drop"));
    assert!(mk(IPv6, &["172.30.0.0/16", "fd00:10:96::/112"])
        .contains("ip6 daddr { fd00:10:96::/112 } drop"));
    assert!(mk(IPv6, &["172.30.0.0/16", "172.50.0.0/16", "fd00:10:96::/112", "fd00:172:30::/112"])
        .contains("ip6 daddr { fd00:10:96::/112,fd00:172:30::/112 } drop"));
    // No Service CIDRs known: no drop rule.
    assert_eq!(mk(IPv4, &[]), "");
}

#[test]
fn masquerade_all_and_no_local_detector() {
    let mut s = svc("ns", "lb", "172.30.0.42", ("p80", 80, Some(3002)));
    s.spec.type_ = ServiceType::LoadBalancer;
    s.spec.external_traffic_policy = Some(TrafficPolicy::Local);
    let sl = slice("ns", "lb", ("p80", 80), &[("10.180.0.2", Some("test-node"), &[], &[])]);
    let chain = "service-CUJIVYEQ-ns/lb/tcp/p80";
    let ext = "external-CUJIVYEQ-ns/lb/tcp/p80";
    let all = ProxyConfig { cluster_cidr: None, ..fake() };
    let mut cfg = all.clone();
    cfg.nftables.masquerade_all = true;
    let d =
        generate(std::slice::from_ref(&s), std::slice::from_ref(&sl), &node(), &cfg).dump_text();
    assert_eq!(lines_of(&d, chain)[0], "ip daddr 172.30.0.42 jump mark-for-masquerade");
    let d = generate(&[s], &[sl], &node(), &all).dump_text();
    // No detector: no off-cluster masquerade rule and no pod short-circuit.
    assert!(lines_of(&d, chain)[0].starts_with("numgen random mod 1 vmap"), "{d}");
    assert_eq!(
        lines_of(&d, ext),
        vec![
            "fib saddr type local jump mark-for-masquerade comment \"masquerade local traffic\"",
            format!("fib saddr type local goto {chain} comment \"short-circuit local traffic\"")
                .as_str(),
            "goto local-CUJIVYEQ-ns/lb/tcp/p80"
        ]
    );
}

#[test]
fn source_ranges_that_hold_the_node_ip_allow_the_lb_ips() {
    let mut s = svc("ns1", "svc1", "172.30.0.41", ("p80", 80, Some(3001)));
    s.spec.type_ = ServiceType::LoadBalancer;
    s.spec.load_balancer_source_ranges = vec!["192.168.0.0/24".into(), " 203.0.113.0/25".into()];
    s.status.load_balancer_ingress = vec![
        LoadBalancerIngress { ip: Some(ip("1.2.3.4")), hostname: None, ip_mode: None },
        LoadBalancerIngress { ip: Some(ip("5.6.7.8")), hostname: None, ip_mode: None },
    ];
    let d = generate(&[s], &[], &node(), &fake()).dump_text();
    // Written even without endpoints (upstream does not check them for the firewall chain).
    assert_eq!(
        lines_of(&d, "firewall-ULMVA6XW-ns1/svc1/tcp/p80"),
        vec!["ip saddr != { 192.168.0.0/24 , 203.0.113.0/25 , 1.2.3.4 , 5.6.7.8 } drop"]
    );
    assert!(d.contains("add element ip kube-proxy firewall-ips { 1.2.3.4 . tcp . 80 : goto firewall-ULMVA6XW-ns1/svc1/tcp/p80 }"));
    assert!(d.contains("add element ip kube-proxy no-endpoint-nodeports { tcp . 3001 comment \"ns1/svc1:p80\" : goto reject-chain }"));
}

/// Zone hints on a zoned node: the service chain lists only same-zone endpoints (both modes),
/// with upstream's fallbacks.
#[test]
fn topology_hints_filter_cluster_endpoints_in_both_modes() {
    let s = svc("ns", "web", "172.30.0.10", ("http", 80, None));
    let zoned = |z1: &[&str], z2: &[&str]| {
        slice(
            "ns",
            "web",
            ("http", 8080),
            &[("10.0.1.1", Some("node-a"), z1, &[]), ("10.0.2.1", Some("node-b"), z2, &[])],
        )
    };
    let mut n = node();
    n.zone = Some("zone-a".into());
    let run = |sl: EndpointSlice, n: &NodeInfo| {
        let rs = generate(std::slice::from_ref(&s), std::slice::from_ref(&sl), n, &fake());
        let t = NftTables::parse(&rs.dump_text()).unwrap();
        let nft =
            walk(&t, n, &pkt("10.0.9.9", "172.30.0.10", 80, Origin::FromPod)).upstream_output();
        let irs = crate::proxy::generate(
            std::slice::from_ref(&s),
            &[sl],
            n,
            &ProxyConfig::upstream_fake(),
        );
        let it = crate::proxy::RuleTable::parse(&irs.kernel_text()).unwrap();
        let ipt = crate::proxy::walk(&it, n, &pkt("10.0.9.9", "172.30.0.10", 80, Origin::FromPod))
            .upstream_output();
        assert_eq!(nft, ipt, "iptables and nftables agree");
        nft
    };
    // PreferSameZone: every endpoint hinted, one for this zone.
    assert_eq!(run(zoned(&["zone-a"], &["zone-b"]), &n), "10.0.1.1:8080");
    // A missing hint anywhere: no filtering.
    assert_eq!(run(zoned(&["zone-a"], &[]), &n), "10.0.1.1:8080, 10.0.2.1:8080");
    // This zone not represented: no filtering.
    assert_eq!(run(zoned(&["zone-b"], &["zone-b"]), &n), "10.0.1.1:8080, 10.0.2.1:8080");
    // A node without a zone label: no filtering.
    assert_eq!(run(zoned(&["zone-a"], &["zone-b"]), &node()), "10.0.1.1:8080, 10.0.2.1:8080");
    // PreferSameNode: node hints, one for this node (test-node); falls back to zone hints when
    // no endpoint is hinted for this node.
    let same_node = |h1: &[&str], h2: &[&str]| {
        slice(
            "ns",
            "web",
            ("http", 8080),
            &[
                ("10.0.1.1", Some("node-a"), &["zone-a"], h1),
                ("10.0.1.2", Some("test-node"), &["zone-a"], h2),
            ],
        )
    };
    assert_eq!(run(same_node(&["node-a"], &["test-node"]), &n), "10.0.1.2:8080");
    assert_eq!(run(same_node(&["node-a"], &["node-a"]), &n), "10.0.1.1:8080, 10.0.1.2:8080");
    // Internal traffic policy Local ignores hints.
    let mut local = s.clone();
    local.spec.internal_traffic_policy = Some(TrafficPolicy::Local);
    let sl = slice(
        "ns",
        "web",
        ("http", 8080),
        &[
            ("10.0.1.1", Some("test-node"), &["zone-b"], &[]),
            ("10.0.2.1", Some("node-b"), &["zone-a"], &[]),
        ],
    );
    let rs = generate(&[local], &[sl], &n, &fake());
    let t = NftTables::parse(&rs.dump_text()).unwrap();
    let tr = walk(&t, &n, &pkt("10.0.9.9", "172.30.0.10", 80, Origin::FromPod));
    assert_eq!(tr.upstream_output(), "10.0.1.1:8080");
}

#[test]
fn the_walk_reads_the_text_and_names_what_decided() {
    let s = svc("default", "web", "10.96.0.50", ("http", 80, None));
    let sl = slice("default", "web", ("http", 8080), &[("10.244.1.5", None, &[], &[])]);
    let rs = generate(&[s], &[sl], &node(), &ProxyConfig::default());
    let p = pkt("10.244.2.9", "10.96.0.50", 80, Origin::FromPod);
    let tr = trace(&rs, &p);
    assert_eq!(tr.verdict(), Verdict::Dnat);
    let steps: Vec<(String, String)> =
        tr.outcomes[0].path.iter().map(|s| (s.chain.clone(), s.rule.clone())).collect();
    let e = "endpoint-HGNPOIJ5-default/web/tcp/http__10.244.1.5/8080";
    let svc_chain = "service-SUSTUHLJ-default/web/tcp/http";
    assert_eq!(
        steps,
        vec![
            ("filter-prerouting-pre-dnat".into(), "add rule ip kube-proxy filter-prerouting-pre-dnat ct state new jump firewall-check".into()),
            ("nat-prerouting".into(), "add rule ip kube-proxy nat-prerouting jump services".into()),
            ("services".into(), "add rule ip kube-proxy services ip daddr . meta l4proto . th dport vmap @service-ips".into()),
            ("services".into(), format!("add element ip kube-proxy service-ips {{ 10.96.0.50 . tcp . 80 : goto {svc_chain} }}")),
            (svc_chain.into(), format!("add rule ip kube-proxy {svc_chain} numgen random mod 1 vmap {{ 0 : goto {e} }}")),
            (e.into(), format!("add rule ip kube-proxy {e} meta l4proto tcp dnat to 10.244.1.5:8080")),
            ("filter-forward".into(), "add rule ip kube-proxy filter-forward ct state new jump service-endpoints-check".into()),
            ("filter-forward".into(), "add rule ip kube-proxy filter-forward ct state new jump cluster-ips-check".into()),
            ("nat-postrouting".into(), "add rule ip kube-proxy nat-postrouting jump masquerading".into()),
            ("masquerading".into(), "add rule ip kube-proxy masquerading mark and 0x00004000 == 0 return".into()),
        ]
    );
    assert!(tr.outcomes[0].path.iter().all(|s| s.table == "ip kube-proxy"));
    assert_eq!(tr.outcomes[0].path[3].note.as_deref(), Some("element of @service-ips"));
    // Editing the text changes the walk: point the element at a chain that drops.
    let edited = rs.dump_text().replace(&format!(": goto {svc_chain} }}"), ": goto reject-chain }");
    let t = NftTables::parse(&edited).unwrap();
    assert_eq!(walk(&t, &node(), &p).verdict(), Verdict::Reject);
    // The ruleset rendering walks the same way.
    let t = NftTables::parse(&rs.ruleset_text()).unwrap();
    let tr2 = walk(&t, &node(), &p);
    assert_eq!(tr2.upstream_output(), tr.upstream_output());
    assert_eq!(tr2.outcomes[0].path[3].rule, format!("10.96.0.50 . tcp . 80 : goto {svc_chain}"));
}

#[test]
fn numgen_shares_and_seeded_choice() {
    let s = svc("default", "web", "10.96.0.50", ("http", 80, None));
    let eps: Vec<String> = (1..=3).map(|i| format!("10.244.1.{i}")).collect();
    let spec: Vec<Ep<'_>> = eps.iter().map(|e| (e.as_str(), None, &[][..], &[][..])).collect();
    let sl = slice("default", "web", ("http", 8080), &spec);
    let rs = generate(&[s], &[sl], &node(), &ProxyConfig::default());
    let t = NftTables::parse(&rs.dump_text()).unwrap();
    let p = pkt("10.244.2.9", "10.96.0.50", 80, Origin::FromPod);
    let d = walk(&t, &node(), &p).destinations();
    assert_eq!(d.len(), 3);
    for x in &d {
        assert!((x.probability - 1.0 / 3.0).abs() < 1e-9);
    }
    let mut counts = BTreeMap::new();
    let mut rng = SplitMix64::new(42);
    for _ in 0..3000 {
        let tr = walk_seeded(&t, &node(), &p, &mut rng, &mut AffinityState::default());
        assert_eq!(tr.outcomes.len(), 1);
        *counts.entry(tr.upstream_output()).or_insert(0) += 1;
    }
    assert_eq!(counts.len(), 3);
    assert!(counts.values().all(|c| (900..=1100).contains(c)), "{counts:?}");
}

#[test]
fn session_affinity_sets_pin_clients_in_seeded_walks() {
    let mut s = svc("default", "web", "10.96.0.50", ("http", 80, None));
    s.spec.session_affinity = "ClientIP".into();
    s.spec.session_affinity_timeout = Some(60);
    let spec: Vec<Ep<'_>> = ["10.244.1.1", "10.244.1.2", "10.244.1.3"]
        .iter()
        .map(|e| (*e, None, &[][..], &[][..]))
        .collect();
    let sl = slice("default", "web", ("http", 8080), &spec);
    let rs = generate(&[s], &[sl], &node(), &ProxyConfig::default());
    let d = rs.dump_text();
    assert!(d.contains("flags dynamic,timeout ; timeout 60s ; }"));
    assert!(rs.ruleset_text().contains("\t\ttimeout 1m\n"));
    let t = NftTables::parse(&d).unwrap();
    let p = pkt("10.244.2.9", "10.96.0.50", 80, Origin::FromPod);
    let mut rng = SplitMix64::new(1);
    let mut aff = AffinityState::default();
    let first = walk_seeded(&t, &node(), &p, &mut rng, &mut aff).upstream_output();
    for i in 0..20 {
        aff.now = i * 10;
        assert_eq!(walk_seeded(&t, &node(), &p, &mut rng, &mut aff).upstream_output(), first);
    }
    // Each hit refreshed the entry; after the timeout the client is chosen afresh, and the
    // unseeded walk never sees affinity entries.
    assert!(aff.lists.keys().all(|k| k.starts_with("affinity-")));
    let all = walk(&t, &node(), &p);
    assert_eq!(all.destinations().len(), 3);
}

#[test]
fn parse_errors_name_the_line_and_never_panic() {
    let bad = [
        ("add table ip kube-proxy\nadd rule ip kube-proxy c jump nowhere\n", "does not exist"),
        ("add table ip kube-proxy\nadd chain ip kube-proxy a\nadd chain ip kube-proxy b\nadd rule ip kube-proxy a jump b\nadd rule ip kube-proxy b goto a\n", "loop"),
        ("add table ip kube-proxy\nadd rule ip kube-proxy c log prefix \"x\"\n", "unsupported statement"),
        ("add rule ip kube-proxy c drop\n", "does not exist"),
        ("add table ip kube-proxy\nadd rule ip kube-proxy c ip saddr @nope drop\n", "set `nope` does not exist"),
        ("add table ip kube-proxy\nadd element ip kube-proxy s { 1.2.3.4 }\n", "does not exist"),
        ("add table ip kube-proxy\nadd rule ip kube-proxy c comment \"open\n", "unterminated quote"),
        ("table ip kube-proxy {\n\tchain c {\n\t\tdrop\n", "missing `}`"),
        ("frobnicate\n", "unsupported command"),
    ];
    for (text, want) in bad {
        match NftTables::parse(text) {
            Ok(_) => panic!("parsed: {text}"),
            Err(e) => assert!(e.to_string().contains(want), "{e} (wanted {want})"),
        }
    }
    let e =
        NftTables::parse("add table ip kube-proxy\nadd rule ip kube-proxy c log\n").unwrap_err();
    assert_eq!(e.line, 2);
    // Arbitrary bytes and truncations of a real dump: errors or tables, never a panic.
    let s = svc("default", "web", "10.96.0.50", ("http", 80, Some(30080)));
    let sl = slice("default", "web", ("http", 8080), &[("10.244.1.5", None, &[], &[])]);
    let rs = generate(&[s], &[sl], &node(), &ProxyConfig::default());
    for text in [rs.dump_text(), rs.ruleset_text()] {
        for cut in (0..text.len()).step_by(97) {
            if let Some(part) = text.get(..cut) {
                if let Ok(t) = NftTables::parse(part) {
                    let _ = walk(&t, &node(), &pkt("10.0.0.1", "10.96.0.50", 80, Origin::FromPod));
                }
            }
        }
    }
    for junk in ["{{{{", "}", "add", "add table", "table ip x { chain c { jump c } }", "\u{0}\u{1}"]
    {
        let _ = NftTables::parse(junk);
    }
}

#[test]
fn walks_are_bounded() {
    // A long chain of chains deeper than the walker follows.
    let mut text = String::from(
        "add table ip t\nadd chain ip t in { type filter hook prerouting priority 0 ; }\n",
    );
    for i in 0..40 {
        text.push_str(&format!("add chain ip t c{i}\n"));
    }
    text.push_str("add rule ip t in jump c0\n");
    for i in 0..39 {
        text.push_str(&format!("add rule ip t c{i} jump c{}\n", i + 1));
    }
    let t = NftTables::parse(&text).unwrap();
    let tr = walk(&t, &node(), &pkt("10.0.0.1", "10.96.0.1", 80, Origin::FromOutside));
    assert!(tr.truncated);
    // Many numgen branches: at most the outcome budget.
    let mut text = String::from("add table ip t\nadd chain ip t in { type nat hook prerouting priority -100 ; }\nadd chain ip t d\nadd rule ip t d meta l4proto tcp dnat to 10.0.0.9:80\n");
    let entries: Vec<String> = (0..5000).map(|i| format!("{i} : goto d")).collect();
    text.push_str(&format!(
        "add rule ip t in numgen random mod 5000 vmap {{ {} }}\n",
        entries.join(" , ")
    ));
    let t = NftTables::parse(&text).unwrap();
    let tr = walk(&t, &node(), &pkt("10.0.0.1", "10.96.0.1", 80, Origin::FromOutside));
    assert!(tr.truncated);
    assert!(tr.outcomes.len() <= 4097);
}

/// `nft list ruleset` element lines (nftables `calculate_delim`): IPv4 addresses two per line in
/// address order, map elements one per line.
#[test]
fn ruleset_element_lines() {
    let svcs: Vec<Service> = ["10.96.0.100", "10.96.0.9", "10.96.0.10"]
        .iter()
        .enumerate()
        .map(|(i, cip)| svc("ns", &format!("s{i}"), cip, ("p", 80, None)))
        .collect();
    let text = generate(&svcs, &[], &node(), &fake()).ruleset_text();
    assert!(
        text.contains("\t\telements = { 10.96.0.9, 10.96.0.10,\n\t\t\t     10.96.0.100 }\n"),
        "{text}"
    );
    assert!(text.contains(
        "\t\telements = { 10.96.0.10 . tcp . 80 comment \"ns/s2:p\" : goto reject-chain,\n\t\t\t     10.96.0.100 . tcp . 80 comment \"ns/s0:p\" : goto reject-chain,\n"
    ), "{text}");
    // Parsed back, the multi-line elements are whole again.
    let t = NftTables::parse(&text).unwrap();
    let tr = walk(&t, &node(), &pkt("10.0.0.2", "10.96.0.100", 80, Origin::FromPod));
    assert_eq!(tr.upstream_output(), "REJECT");
    assert_eq!(
        tr.outcomes[0].path.iter().filter(|s| s.rule.contains("10.96.0.100 . tcp . 80")).count(),
        1
    );
}
