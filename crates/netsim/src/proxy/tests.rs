//! Unit tests for rule generation and the walker, one per kube-proxy behaviour (cases modelled
//! on `pkg/proxy/iptables/proxier_test.go`).

use std::collections::BTreeMap;
use std::net::IpAddr;

use super::*;
use crate::model::{
    Endpoint, EndpointConditions, EndpointPort, EndpointSlice, IntOrString, LoadBalancerIngress,
    ObjectMeta, Protocol, Service, ServicePort, ServiceType, TrafficPolicy,
};

fn ip(s: &str) -> IpAddr {
    s.parse().unwrap()
}

fn node() -> NodeInfo {
    NodeInfo {
        name: "test-node".into(),
        ips: vec![ip("192.168.0.2"), ip("127.0.0.1"), ip("192.168.1.2")],
        zone: None,
    }
}

fn svc(ns: &str, name: &str, cip: &str, ports: &[(&str, i32, Protocol, Option<i32>)]) -> Service {
    let mut s = Service {
        meta: ObjectMeta { namespace: ns.into(), name: name.into(), ..Default::default() },
        ..Default::default()
    };
    s.spec.cluster_ips = vec![ip(cip)];
    s.spec.session_affinity = "None".into();
    for (n, p, proto, np) in ports {
        s.spec.ports.push(ServicePort {
            name: n.to_string(),
            protocol: *proto,
            port: *p,
            target_port: IntOrString::Int(*p),
            node_port: *np,
            app_protocol: None,
        });
    }
    s
}

/// (ip, nodeName, ready, serving, terminating)
type EpSpec<'a> = (&'a str, Option<&'a str>, Option<bool>, Option<bool>, Option<bool>);

fn slice(ns: &str, svc: &str, port: (&str, i32, Protocol), eps: &[EpSpec<'_>]) -> EndpointSlice {
    let mut labels = BTreeMap::new();
    labels.insert("kubernetes.io/service-name".into(), svc.into());
    EndpointSlice {
        meta: ObjectMeta {
            namespace: ns.into(),
            name: format!("{svc}-abc"),
            labels,
            ..Default::default()
        },
        address_type: "IPv4".into(),
        endpoints: eps
            .iter()
            .map(|(a, n, r, s, t)| Endpoint {
                addresses: vec![ip(a)],
                conditions: EndpointConditions { ready: *r, serving: *s, terminating: *t },
                node_name: n.map(str::to_string),
                ..Default::default()
            })
            .collect(),
        ports: vec![EndpointPort {
            name: Some(port.0.into()),
            port: Some(port.1),
            protocol: port.2,
            app_protocol: None,
        }],
    }
}

fn fake() -> ProxyConfig {
    ProxyConfig::upstream_fake()
}

fn pkt(src: &str, dst: &str, port: u16, origin: Origin) -> Packet {
    Packet { src: ip(src), dst: ip(dst), dport: port, proto: Protocol::Tcp, origin }
}

fn trace(rs: &Ruleset, p: &Packet) -> Trace {
    let t = RuleTable::parse(&rs.kernel_text()).unwrap();
    walk(&t, &node(), p)
}

fn has(rs: &Ruleset, line: &str) -> bool {
    rs.nat_rules.iter().chain(&rs.filter_rules).any(|r| r == line)
}

#[test]
fn real_mark_is_padded_and_random_fully() {
    let rs = generate(&[], &[], &node(), &ProxyConfig::default());
    assert!(has(&rs, "-A KUBE-MARK-MASQ -j MARK --or-mark 0x00004000"));
    assert!(has(&rs, "-A KUBE-POSTROUTING -m mark ! --mark 0x00004000/0x00004000 -j RETURN"));
    assert!(has(&rs, "-A KUBE-POSTROUTING -m comment --comment \"kubernetes service traffic requiring SNAT\" -j MASQUERADE --random-fully"));
    let save = rs.save_text();
    assert!(save.contains("-A KUBE-MARK-MASQ -j MARK --set-xmark 0x4000/0x4000\n"));
    assert!(save.contains("-A KUBE-POSTROUTING -j MARK --set-xmark 0x4000/0x0\n"));
    assert!(save.contains("-A KUBE-POSTROUTING -m mark ! --mark 0x4000/0x4000 -j RETURN\n"));
    assert!(save.contains(":PREROUTING ACCEPT [0:0]\n"));
    assert!(save.contains(
        "-A PREROUTING -m comment --comment \"kubernetes service portals\" -j KUBE-SERVICES\n"
    ));
    let cfg = ProxyConfig { masquerade_bit: 15, ..ProxyConfig::default() };
    let rs = generate(&[], &[], &node(), &cfg);
    assert!(has(&rs, "-A KUBE-MARK-MASQ -j MARK --or-mark 0x00008000"));
}

#[test]
fn skipped_services() {
    let mut headless = svc("ns", "h", "10.0.0.1", &[("p", 80, Protocol::Tcp, None)]);
    headless.spec.headless = true;
    headless.spec.cluster_ips.clear();
    let mut ext = svc("ns", "e", "10.0.0.2", &[("p", 80, Protocol::Tcp, None)]);
    ext.spec.type_ = ServiceType::ExternalName;
    let mut none = svc("ns", "n", "10.0.0.3", &[("p", 80, Protocol::Tcp, None)]);
    none.spec.cluster_ips.clear();
    let rs = generate(&[headless, ext, none], &[], &node(), &fake());
    assert!(!rs.restore_text().contains("ns/"));
}

#[test]
fn unnamed_port_and_udp() {
    let s = svc("ns", "dns", "10.96.0.10", &[("", 53, Protocol::Udp, None)]);
    let sl = slice("ns", "dns", ("", 53, Protocol::Udp), &[("10.1.0.5", None, None, None, None)]);
    let rs = generate(&[s], &[sl], &node(), &fake());
    let h = names::service_hash("ns/dns", "udp");
    assert!(has(&rs, &format!("-A KUBE-SERVICES -m comment --comment \"ns/dns cluster IP\" -m udp -p udp -d 10.96.0.10 --dport 53 -j KUBE-SVC-{h}")));
    let mut p = pkt("10.2.0.1", "10.96.0.10", 53, Origin::FromPod);
    assert_eq!(trace(&rs, &p).upstream_output(), "");
    p.proto = Protocol::Udp;
    assert_eq!(trace(&rs, &p).upstream_output(), "10.1.0.5:53");
    assert!(rs
        .save_text()
        .contains("-p udp -m comment --comment \"ns/dns cluster IP\" -m udp --dport 53"));
}

#[test]
fn external_traffic_policy_local() {
    // TestExternalTrafficPolicyLocal: LB + eTP Local, one local and one remote endpoint.
    let mut s = svc("ns1", "svc1", "172.30.0.41", &[("", 80, Protocol::Tcp, Some(3001))]);
    s.spec.type_ = ServiceType::LoadBalancer;
    s.spec.external_traffic_policy = Some(TrafficPolicy::Local);
    s.spec.health_check_node_port = Some(30000);
    s.spec.external_ips = vec![ip("192.168.99.11")];
    s.status.load_balancer_ingress =
        vec![LoadBalancerIngress { ip: Some(ip("1.2.3.4")), hostname: None, ip_mode: None }];
    let sl = slice(
        "ns1",
        "svc1",
        ("", 80, Protocol::Tcp),
        &[
            ("10.180.0.1", Some("test-node"), None, None, None),
            ("10.180.2.1", Some("host2"), None, None, None),
        ],
    );
    let rs = generate(std::slice::from_ref(&s), &[sl], &node(), &fake());
    let h = names::service_hash("ns1/svc1", "tcp");
    assert!(has(&rs, &format!("-A KUBE-EXT-{h} -j KUBE-SVL-{h}")));
    assert!(has(&rs, "-A KUBE-NODEPORTS -m comment --comment \"ns1/svc1 health check node port\" -m tcp -p tcp --dport 30000 -j ACCEPT"));
    let both = "10.180.0.1:80, 10.180.2.1:80";
    let cases = [
        ("10.0.0.2", "172.30.0.41", 80, both, false),
        ("203.0.113.2", "1.2.3.4", 80, "10.180.0.1:80", false),
        ("10.0.0.2", "1.2.3.4", 80, both, false),
        ("203.0.113.2", "192.168.0.2", 3001, "10.180.0.1:80", false),
        ("192.168.0.2", "192.168.0.2", 3001, both, true),
        ("203.0.113.2", "192.168.0.2", 30000, "ACCEPT", false),
    ];
    for (src, dst, port, out, masq) in cases {
        let n = node();
        let origin = Origin::infer(ip(src), &n, Cidr::parse("10.0.0.0/8").as_ref());
        let t = trace(&rs, &pkt(src, dst, port, origin));
        assert_eq!(t.upstream_output(), out, "{src} -> {dst}:{port}");
        assert_eq!(t.marked(), masq, "{src} -> {dst}:{port} masq");
    }
    // No local endpoints: external traffic is dropped, the short-circuits still work.
    let sl = slice(
        "ns1",
        "svc1",
        ("", 80, Protocol::Tcp),
        &[("10.180.2.1", Some("host2"), None, None, None)],
    );
    let rs = generate(&[s], &[sl], &node(), &fake());
    assert!(!rs.nat_chains.iter().any(|c| c.starts_with("KUBE-SVL-")));
    let t = trace(&rs, &pkt("203.0.113.2", "1.2.3.4", 80, Origin::FromOutside));
    assert_eq!(t.upstream_output(), "DROP");
    let t = trace(&rs, &pkt("203.0.113.2", "192.168.0.2", 3001, Origin::FromOutside));
    assert_eq!(t.upstream_output(), "DROP");
    let t = trace(&rs, &pkt("10.0.0.2", "1.2.3.4", 80, Origin::FromPod));
    assert_eq!(t.upstream_output(), "10.180.2.1:80");
}

#[test]
fn internal_traffic_policy_local() {
    let mut s = svc("ns1", "svc1", "172.30.1.1", &[("", 80, Protocol::Tcp, None)]);
    s.spec.internal_traffic_policy = Some(TrafficPolicy::Local);
    let sl = slice(
        "ns1",
        "svc1",
        ("", 80, Protocol::Tcp),
        &[
            ("10.0.1.1", Some("test-node"), None, None, None),
            ("10.0.1.2", Some("host1"), None, None, None),
        ],
    );
    let rs = generate(std::slice::from_ref(&s), &[sl], &node(), &fake());
    let h = names::service_hash("ns1/svc1", "tcp");
    assert!(has(&rs, &format!("-A KUBE-SERVICES -m comment --comment \"ns1/svc1 cluster IP\" -m tcp -p tcp -d 172.30.1.1 --dport 80 -j KUBE-SVL-{h}")));
    assert!(!rs.nat_chains.contains(&format!("KUBE-SVC-{h}")));
    let t = trace(&rs, &pkt("10.0.0.5", "172.30.1.1", 80, Origin::FromPod));
    assert_eq!(t.upstream_output(), "10.0.1.1:80");
    let sl = slice(
        "ns1",
        "svc1",
        ("", 80, Protocol::Tcp),
        &[("10.0.1.2", Some("host1"), None, None, None)],
    );
    let rs = generate(&[s], &[sl], &node(), &fake());
    assert!(has(&rs, "-A KUBE-SERVICES -m comment --comment \"ns1/svc1 has no local endpoints\" -m tcp -p tcp -d 172.30.1.1 --dport 80 -j DROP"));
    let t = trace(&rs, &pkt("10.0.0.5", "172.30.1.1", 80, Origin::FromPod));
    assert_eq!(t.upstream_output(), "DROP");
}

#[test]
fn terminating_endpoint_fallback() {
    let s = svc("ns1", "svc1", "172.30.1.1", &[("", 80, Protocol::Tcp, None)]);
    let t = Some(true);
    let f = Some(false);
    // A ready endpoint exists: terminating ones are ignored.
    let sl = slice(
        "ns1",
        "svc1",
        ("", 80, Protocol::Tcp),
        &[("10.0.1.1", None, t, t, f), ("10.0.1.2", None, f, t, t), ("10.0.1.3", None, f, f, t)],
    );
    let rs = generate(std::slice::from_ref(&s), &[sl], &node(), &fake());
    let out = trace(&rs, &pkt("10.0.0.5", "172.30.1.1", 80, Origin::FromPod)).upstream_output();
    assert_eq!(out, "10.0.1.1:80");
    // None ready: serving+terminating endpoints are used.
    let sl = slice(
        "ns1",
        "svc1",
        ("", 80, Protocol::Tcp),
        &[("10.0.1.2", None, f, t, t), ("10.0.1.3", None, f, f, t), ("10.0.1.4", None, f, t, t)],
    );
    let rs = generate(std::slice::from_ref(&s), &[sl], &node(), &fake());
    let out = trace(&rs, &pkt("10.0.0.5", "172.30.1.1", 80, Origin::FromPod)).upstream_output();
    assert_eq!(out, "10.0.1.2:80, 10.0.1.4:80");
    // Only not-serving endpoints: no endpoints at all, REJECT and no nat chains.
    let sl = slice(
        "ns1",
        "svc1",
        ("", 80, Protocol::Tcp),
        &[("10.0.1.3", None, f, f, t), ("10.0.1.5", None, f, None, None)],
    );
    let rs = generate(&[s], &[sl], &node(), &fake());
    assert!(!rs.nat_chains.iter().any(|c| c.starts_with("KUBE-SVC-")));
    let out = trace(&rs, &pkt("10.0.0.5", "172.30.1.1", 80, Origin::FromPod)).upstream_output();
    assert_eq!(out, "REJECT");
}

#[test]
fn endpoint_order_is_string_order() {
    let s = svc("ns", "s", "10.96.0.1", &[("", 8080, Protocol::Tcp, None)]);
    let sl = slice(
        "ns",
        "s",
        ("", 8080, Protocol::Tcp),
        &[
            ("10.244.1.9", None, None, None, None),
            ("10.244.1.10", None, None, None, None),
            ("10.244.1.100", None, None, None, None),
        ],
    );
    let rs = generate(&[s], &[sl], &node(), &fake());
    let out = trace(&rs, &pkt("10.0.0.5", "10.96.0.1", 8080, Origin::FromPod)).upstream_output();
    assert_eq!(out, "10.244.1.100:8080, 10.244.1.10:8080, 10.244.1.9:8080");
}

#[test]
fn large_cluster_mode_drops_endpoint_comments() {
    let s = svc("ns", "big", "10.96.0.1", &[("p", 80, Protocol::Tcp, None)]);
    let addrs: Vec<String> = (0..1001).map(|i| format!("10.{}.{}.1", i / 250, i % 250)).collect();
    let eps: Vec<EpSpec<'_>> = addrs.iter().map(|a| (a.as_str(), None, None, None, None)).collect();
    let sl = slice("ns", "big", ("p", 80, Protocol::Tcp), &eps);
    let rs = generate(std::slice::from_ref(&s), &[sl], &node(), &fake());
    assert!(rs.large_cluster_mode);
    let sep = names::endpoint_chain("ns/big:p", "tcp", "10.0.0.1:80");
    assert!(has(&rs, &format!("-A {sep} -s 10.0.0.1 -j KUBE-MARK-MASQ")));
    assert!(has(&rs, &format!("-A {sep} -m tcp -p tcp -j DNAT --to-destination 10.0.0.1:80")));
    let h = names::service_hash("ns/big:p", "tcp");
    assert!(rs.nat_rules.iter().any(|r| r.starts_with(&format!(
        "-A KUBE-SVC-{h} -m statistic --mode random --probability 0.0009990010"
    ))));
    let eps: Vec<EpSpec<'_>> = eps.into_iter().take(1000).collect();
    let sl = slice("ns", "big", ("p", 80, Protocol::Tcp), &eps);
    assert!(!generate(&[s], &[sl], &node(), &fake()).large_cluster_mode);
}

#[test]
fn masquerade_all_and_no_detector() {
    let s = svc("ns", "s", "10.96.0.1", &[("", 80, Protocol::Tcp, None)]);
    let sl = slice("ns", "s", ("", 80, Protocol::Tcp), &[("10.1.1.1", None, None, None, None)]);
    let h = names::service_hash("ns/s", "tcp");
    let mut cfg = fake();
    cfg.masquerade_all = true;
    let rs = generate(std::slice::from_ref(&s), std::slice::from_ref(&sl), &node(), &cfg);
    assert!(has(&rs, &format!("-A KUBE-SVC-{h} -m comment --comment \"ns/s cluster IP\" -m tcp -p tcp -d 10.96.0.1 --dport 80 -j KUBE-MARK-MASQ")));
    assert!(trace(&rs, &pkt("10.0.0.5", "10.96.0.1", 80, Origin::FromPod)).masquerade());
    let mut cfg = fake();
    cfg.cluster_cidr = None;
    let rs = generate(&[s], &[sl], &node(), &cfg);
    assert!(!rs.nat_rules.iter().any(
        |r| r.starts_with(&format!("-A KUBE-SVC-{h} -m comment --comment \"ns/s cluster IP\""))
    ));
    assert!(!trace(&rs, &pkt("203.0.113.9", "10.96.0.1", 80, Origin::FromOutside)).masquerade());
}

#[test]
fn node_port_addresses_and_localhost() {
    let mut cfg = fake();
    cfg.node_port_addresses = vec!["192.168.0.0/24".into()];
    let rs = generate(&[], &[], &node(), &cfg);
    assert!(has(&rs, "-A KUBE-SERVICES -m comment --comment \"kubernetes service nodeports; NOTE: this must be the last rule in this chain\" -d 192.168.0.2 -j KUBE-NODEPORTS"));
    // 127.0.0.1 is not in nodePortAddresses, so localhost NodePorts are off: no KUBE-FIREWALL.
    assert!(!rs.has_kube_firewall);
    let mut cfg = fake();
    cfg.localhost_node_ports = false;
    let rs = generate(&[], &[], &node(), &cfg);
    assert!(has(&rs, "-A KUBE-SERVICES -m comment --comment \"kubernetes service nodeports; NOTE: this must be the last rule in this chain\" -m addrtype --dst-type LOCAL ! -d 127.0.0.0/8 -j KUBE-NODEPORTS"));
    assert!(rs.save_text().contains("-A KUBE-SERVICES ! -d 127.0.0.0/8 -m comment --comment \"kubernetes service nodeports; NOTE: this must be the last rule in this chain\" -m addrtype --dst-type LOCAL -j KUBE-NODEPORTS\n"));
}

#[test]
fn source_ranges_with_node_ip_allow_the_lb_ip() {
    let mut s = svc("ns", "lb", "10.96.0.1", &[("", 80, Protocol::Tcp, Some(30080))]);
    s.spec.type_ = ServiceType::LoadBalancer;
    s.spec.load_balancer_source_ranges = vec!["192.168.0.0/24".into(), "203.0.113.0/25".into()];
    s.status.load_balancer_ingress =
        vec![LoadBalancerIngress { ip: Some(ip("5.6.7.8")), hostname: None, ip_mode: None }];
    let sl = slice("ns", "lb", ("", 80, Protocol::Tcp), &[("10.1.1.1", None, None, None, None)]);
    let rs = generate(&[s], &[sl], &node(), &fake());
    let h = names::service_hash("ns/lb", "tcp");
    assert!(has(&rs, &format!("-A KUBE-FW-{h} -m comment --comment \"ns/lb loadbalancer IP\" -s 5.6.7.8 -j KUBE-EXT-{h}")));
    let ok = trace(&rs, &pkt("203.0.113.2", "5.6.7.8", 80, Origin::FromOutside));
    assert_eq!(ok.upstream_output(), "10.1.1.1:80");
    let blocked = trace(&rs, &pkt("203.0.113.130", "5.6.7.8", 80, Origin::FromOutside));
    assert_eq!(blocked.upstream_output(), "DROP");
    // NodePorts are not subject to source ranges.
    let np = trace(&rs, &pkt("203.0.113.130", "192.168.0.2", 30080, Origin::FromOutside));
    assert_eq!(np.upstream_output(), "10.1.1.1:80");
}

#[test]
fn session_affinity_pins_clients_in_seeded_walks() {
    let mut s = svc("ns", "s", "10.96.0.1", &[("", 80, Protocol::Tcp, None)]);
    s.spec.session_affinity = "ClientIP".into();
    s.spec.session_affinity_timeout = Some(60);
    let sl = slice(
        "ns",
        "s",
        ("", 80, Protocol::Tcp),
        &[
            ("10.1.1.1", None, None, None, None),
            ("10.1.1.2", None, None, None, None),
            ("10.1.1.3", None, None, None, None),
        ],
    );
    let rs = generate(&[s], &[sl], &node(), &fake());
    assert!(rs.save_text().contains("-m recent --rcheck --seconds 60 --reap --name KUBE-SEP-"));
    assert!(rs.save_text().contains(" -m recent --set --name KUBE-SEP-"));
    let table = RuleTable::parse(&rs.kernel_text()).unwrap();
    let mut rng = SplitMix64::new(42);
    let mut aff = AffinityState::default();
    let p = pkt("10.0.0.7", "10.96.0.1", 80, Origin::FromPod);
    let first = walk_seeded(&table, &node(), &p, &mut rng, &mut aff).destinations();
    for _ in 0..20 {
        aff.now += 1;
        let again = walk_seeded(&table, &node(), &p, &mut rng, &mut aff).destinations();
        assert_eq!(again, first);
    }
    // After the timeout the client is balanced again; across many clients all endpoints are used.
    let mut seen = BTreeMap::new();
    for i in 0..300u32 {
        let src = format!("10.0.{}.{}", i / 200, i % 200 + 1);
        let p = pkt(&src, "10.96.0.1", 80, Origin::FromPod);
        let d = walk_seeded(&table, &node(), &p, &mut rng, &mut aff).destinations();
        *seen.entry(d[0].ip.clone()).or_insert(0) += 1;
    }
    assert_eq!(seen.len(), 3, "{seen:?}");
    assert!(seen.values().all(|n| *n > 60), "{seen:?}");
}

#[test]
fn walk_reads_the_text_not_the_model() {
    let s = svc("ns", "s", "10.96.0.1", &[("", 80, Protocol::Tcp, None)]);
    let sl = slice("ns", "s", ("", 80, Protocol::Tcp), &[("10.1.1.1", None, None, None, None)]);
    let rs = generate(&[s], &[sl], &node(), &fake());
    let edited =
        rs.kernel_text().replace("--to-destination 10.1.1.1:80", "--to-destination 10.9.9.9:8080");
    let t = RuleTable::parse(&edited).unwrap();
    let tr = walk(&t, &node(), &pkt("10.0.0.5", "10.96.0.1", 80, Origin::FromPod));
    assert_eq!(tr.upstream_output(), "10.9.9.9:8080");
    assert_eq!(tr.verdict(), Verdict::Dnat);
    // The save view parses back to the same walk.
    let t2 = RuleTable::parse(&rs.save_text()).unwrap();
    let tr2 = walk(&t2, &node(), &pkt("10.0.0.5", "10.96.0.1", 80, Origin::FromPod));
    assert_eq!(tr2.upstream_output(), "10.1.1.1:80");
    assert!(!tr2.outcomes[0].path.is_empty());
}

#[test]
fn invalid_ports_are_notes_not_rules() {
    let s = svc(
        "ns",
        "bad",
        "10.96.0.1",
        &[("a", 0, Protocol::Tcp, None), ("b", 70000, Protocol::Tcp, Some(99999))],
    );
    let rs = generate(&[s], &[], &node(), &fake());
    assert_eq!(rs.notes.len(), 2, "{:?}", rs.notes);
    assert!(rs.notes.iter().all(|n| n.code == "proxy-invalid-port"));
    assert!(!rs.restore_text().contains("ns/bad"));
}

#[test]
fn parser_rejects_garbage_without_panicking() {
    for text in [
        "",
        "*nat",
        "-A X -j Y",
        "*nat\n-A KUBE-SERVICES -m nosuch -j X\nCOMMIT",
        "*nat\n-A KUBE-SERVICES -d 999.1.1.1 -j X\nCOMMIT",
        "*nat\n-A KUBE-SERVICES -m comment --comment \"unterminated\nCOMMIT",
        "*nat\n-A KUBE-SERVICES -m statistic --mode random --probability x -j X\nCOMMIT",
        "*nat\n-A\nCOMMIT",
        "*nat\n-A C -j DNAT\nCOMMIT",
        "*nat\n-A C --dport 80 -j X\nCOMMIT",
    ] {
        let r = RuleTable::parse(text);
        if text.is_empty() {
            assert!(r.is_ok());
        } else {
            assert!(r.is_err(), "{text:?}");
        }
    }
    // A self-loop is refused as the kernel does (ELOOP at COMMIT).
    let e = RuleTable::parse(
        "*nat\n:PREROUTING ACCEPT [0:0]\n:L - [0:0]\n-A PREROUTING -j L\n-A L -j L\nCOMMIT\n",
    )
    .unwrap_err();
    assert!(e.message.starts_with("the jumps loop (L → L)"), "{}", e.message);
}

#[test]
fn ipv6_proxier() {
    let mut s = svc("ns", "v6", "fd00:10:96::1", &[("", 80, Protocol::Tcp, Some(30080))]);
    s.spec.type_ = ServiceType::NodePort;
    let mut sl = slice("ns", "v6", ("", 80, Protocol::Tcp), &[]);
    sl.address_type = "IPv6".into();
    sl.endpoints.push(crate::model::Endpoint {
        addresses: vec![ip("fd00:10:244::5")],
        ..Default::default()
    });
    let n = NodeInfo {
        name: "test-node".into(),
        ips: vec![ip("fc00:f853:ccd:e793::3"), ip("::1")],
        zone: None,
    };
    let cfg = ProxyConfig {
        ip_family: crate::model::IpFamily::IPv6,
        cluster_cidr: Some("10.244.0.0/16,fd00:10:244::/56".into()),
        ..fake()
    };
    let rs = generate(&[s], &[sl], &n, &cfg);
    // No localhost NodePorts on IPv6: no KUBE-FIREWALL, no nfacct rule, "! -d ::1/128".
    assert!(!rs.has_kube_firewall);
    assert!(has(&rs, "-A KUBE-SERVICES -m comment --comment \"kubernetes service nodeports; NOTE: this must be the last rule in this chain\" -m addrtype --dst-type LOCAL ! -d ::1/128 -j KUBE-NODEPORTS"));
    let sep = names::endpoint_chain("ns/v6", "tcp", "[fd00:10:244::5]:80");
    assert!(has(&rs, &format!("-A {sep} -m comment --comment ns/v6 -m tcp -p tcp -j DNAT --to-destination [fd00:10:244::5]:80")));
    let h = names::service_hash("ns/v6", "tcp");
    assert!(has(&rs, &format!("-A KUBE-SVC-{h} -m comment --comment \"ns/v6 cluster IP\" -m tcp -p tcp -d fd00:10:96::1 --dport 80 ! -s fd00:10:244::/56 -j KUBE-MARK-MASQ")));
    let t = RuleTable::parse(&rs.kernel_text()).unwrap();
    let p = Packet {
        src: ip("2001:db8::7"),
        dst: ip("fc00:f853:ccd:e793::3"),
        dport: 30080,
        proto: Protocol::Tcp,
        origin: Origin::FromOutside,
    };
    let tr = walk(&t, &n, &p);
    assert_eq!(tr.upstream_output(), "[fd00:10:244::5]:80");
    assert!(tr.masquerade());
    assert!(rs.save_text().contains(&format!("-A KUBE-SEP-{} -s fd00:10:244::5/128 ", &sep[9..])));
}

/// Regression (fuzz, rules_parser): `--ctstate` took any text, so a quoted phrase was accepted
/// and saved unquoted (the save form no longer parsed). iptables rejects it: `Bad ctstate`.
#[test]
fn ctstate_and_addrtype_values_are_checked_like_iptables() {
    let head = "*filter\n:INPUT ACCEPT [0:0]\n";
    let bad = format!(
        "{head}-A INPUT -m conntrack --ctstate NEW -m comment --ctstate \"kubernetes portals\" -j ACCEPT\nCOMMIT\n"
    );
    let e = RuleTable::parse(&bad).err().map(|e| e.message);
    assert_eq!(e.as_deref(), Some("Bad ctstate \"kubernetes portals\""));
    let ok = format!("{head}-A INPUT -m conntrack --ctstate new,RELATED -j ACCEPT\nCOMMIT\n");
    assert!(RuleTable::parse(&ok).is_ok());
    let bad = format!("{head}-A INPUT -m addrtype --dst-type \"LOCAL x\" -j ACCEPT\nCOMMIT\n");
    assert!(RuleTable::parse(&bad).is_err());
    let ok = format!("{head}-A INPUT -m addrtype --dst-type LOCAL -j ACCEPT\nCOMMIT\n");
    assert!(RuleTable::parse(&ok).is_ok());
}

/// Regression (fuzz, rules_parser): `-A KUBE-"a -> b"` made a chain name with spaces that the
/// save form printed unquoted.
#[test]
fn chain_names_with_spaces_are_invalid() {
    let bad = "*filter\n:INPUT ACCEPT [0:0]\n-A KUBE-\"a -> b\" -j ACCEPT\nCOMMIT\n";
    let e = RuleTable::parse(bad).err().map(|e| e.message);
    assert_eq!(e.as_deref(), Some("Invalid chain name `KUBE-a -> b'"));
}

// iptables-restore refuses a table whose jumps form a circle (the kernel's ELOOP at COMMIT);
// found by fuzzing (a walk that followed the circle timed out).
#[test]
fn jump_loops_are_refused_at_commit() {
    let text = "*nat\n:PREROUTING ACCEPT [0:0]\n:KUBE-SERVICES - [0:0]\n:KUBE-SVC-A - [0:0]\n\
                -A PREROUTING -j KUBE-SERVICES\n-A KUBE-SERVICES -j KUBE-SVC-A\n\
                -A KUBE-SVC-A -j KUBE-SERVICES\nCOMMIT\n";
    let e = RuleTable::parse(text).unwrap_err();
    assert_eq!(e.line, 8);
    assert!(
        e.message.starts_with("the jumps loop (KUBE-SERVICES → KUBE-SVC-A → KUBE-SERVICES)"),
        "{}",
        e.message
    );
    // The same chains without the jump back load fine.
    let ok = text.replace("-A KUBE-SVC-A -j KUBE-SERVICES\n", "-A KUBE-SVC-A -j ACCEPT\n");
    assert!(RuleTable::parse(&ok).is_ok());
}

// `-p` takes what iptables knows (a number or a protocol name), and a table parsed from any
// text saves as text that parses again (fuzz: `-p \x7ftcp --dport 9153` saved `-m \x7ftcp`).
#[test]
fn protocols_are_checked_and_saved_text_reparses() {
    let rule = |r: &str| RuleTable::parse(&format!("*nat\n:KUBE-SERVICES - [0:0]\n{r}\nCOMMIT\n"));
    let e = rule("-A KUBE-SERVICES -p \u{7f}tcp --dport 53 -j ACCEPT").unwrap_err();
    assert_eq!(e.message, "unknown protocol \"\\u{7f}tcp\" specified");
    for r in [
        "-A KUBE-SERVICES -p tcp --dport 53 -j ACCEPT",
        "-A KUBE-SERVICES -p 17 -j ACCEPT",
        "-A KUBE-SERVICES -p esp -j ACCEPT",
        "-A KUBE-SERVICES -p esp --dport 80 -j ACCEPT",
    ] {
        if let Ok(t) = rule(r) {
            assert!(RuleTable::parse(&t.save_text()).is_ok(), "{r}: {}", t.save_text());
        }
    }
}

/// `iptables-save` prints a comment bare when it is only letters, digits, `_` and `-`
/// (libxtables `xtables_save_string`); the restore text keeps kube-proxy's quotes.
#[test]
fn save_quotes_comments_only_when_needed() {
    let text = "*nat\n:KUBE-X - [0:0]\n-A KUBE-X -m comment --comment \"plain-name_1\" -j RETURN\n-A KUBE-X -m comment --comment \"ns/svc:p80\" -j RETURN\n-A KUBE-X -m comment --comment \"two words\" -j RETURN\n-A KUBE-X -m comment --comment \"it's \\\"q\\\"\" -j RETURN\nCOMMIT\n";
    let t = RuleTable::parse(text).unwrap();
    let save = t.save_text();
    assert!(save.contains("-A KUBE-X -m comment --comment plain-name_1 -j RETURN\n"), "{save}");
    assert!(save.contains("-A KUBE-X -m comment --comment \"ns/svc:p80\" -j RETURN\n"));
    assert!(save.contains("-A KUBE-X -m comment --comment \"two words\" -j RETURN\n"));
    assert!(save.contains("-A KUBE-X -m comment --comment \"it\\'s \\\"q\\\"\" -j RETURN\n"));
    // What is printed parses back to the same comments.
    let again = RuleTable::parse(&save).unwrap();
    assert_eq!(again.save_text(), save);
}
