//! Conformance of kube-proxy's nftables mode with upstream's own tests: the samples in
//! `tests/data/nftables` were transcribed from `pkg/proxy/nftables/proxier_test.go` (the source is
//! noted at the top of each file). Whole-ruleset expectations are compared after upstream's
//! `sortNFTablesTransaction` (helpers_test.go); packet-flow tables are walked over our own rule
//! text, parsed back (both the dump and the `nft list ruleset` rendering).

// std's sorts are fine in tests: `clippy.toml` bans them only to keep the wasm small.
#![allow(clippy::disallowed_methods)]

use std::collections::BTreeMap;
use std::net::IpAddr;

use granit_parser::{Event, Parser, ScalarStyle};
use netsim::model::{
    Endpoint, EndpointConditions, EndpointHints, EndpointPort, EndpointSlice, IntOrString,
    IpFamily, LoadBalancerIngress, ObjectMeta, Protocol, Service, ServicePort, ServiceType,
    TrafficPolicy,
};
use netsim::net::Cidr;
use netsim::proxy::nft::{self, NftTables};
use netsim::proxy::{NodeInfo, Origin, Packet, ProxyConfig};

const ROOT: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/nftables");

// ---------------------------------------------------------------------------------------------
// A tiny YAML value tree over granit-parser events.

#[derive(Clone, Debug)]
enum Y {
    Null,
    Str(String),
    Seq(Vec<Y>),
    Map(Vec<(String, Y)>),
}

impl Y {
    fn get(&self, key: &str) -> &Y {
        match self {
            Y::Map(m) => m.iter().find(|(k, _)| k == key).map(|(_, v)| v).unwrap_or(&Y::Null),
            _ => &Y::Null,
        }
    }
    fn str(&self) -> Option<&str> {
        match self {
            Y::Str(s) => Some(s),
            _ => None,
        }
    }
    fn s(&self) -> String {
        self.str().unwrap_or_default().to_string()
    }
    fn int(&self) -> Option<i64> {
        self.str().and_then(|s| s.parse().ok())
    }
    fn seq(&self) -> &[Y] {
        match self {
            Y::Seq(v) => v,
            _ => &[],
        }
    }
    fn bool(&self) -> Option<bool> {
        match self.str() {
            Some("true") => Some(true),
            Some("false") => Some(false),
            _ => None,
        }
    }
}

fn parse_yaml(text: &str) -> Y {
    let mut stack: Vec<(Y, Option<String>)> = Vec::new();
    let mut root = Y::Null;
    fn push(stack: &mut [(Y, Option<String>)], root: &mut Y, v: Y) {
        match stack.last_mut() {
            None => *root = v,
            Some((Y::Seq(items), _)) => items.push(v),
            Some((Y::Map(entries), pending)) => match pending.take() {
                None => {
                    let k = match v {
                        Y::Str(s) => s,
                        _ => String::new(),
                    };
                    *pending = Some(k);
                }
                Some(k) => entries.push((k, v)),
            },
            Some(_) => {}
        }
    }
    for ev in Parser::new_from_str(text) {
        let (ev, _) = ev.expect("conformance YAML parses");
        match ev {
            Event::Scalar(v, style, _, _) => {
                let y = if style == ScalarStyle::Plain && (v == "null" || v == "~" || v.is_empty())
                {
                    Y::Null
                } else {
                    Y::Str(v.to_string())
                };
                push(&mut stack, &mut root, y);
            }
            Event::SequenceStart(..) => stack.push((Y::Seq(Vec::new()), None)),
            Event::MappingStart(..) => stack.push((Y::Map(Vec::new()), None)),
            Event::SequenceEnd | Event::MappingEnd => {
                if let Some((v, _)) = stack.pop() {
                    push(&mut stack, &mut root, v);
                }
            }
            _ => {}
        }
    }
    root
}

fn read(path: &str) -> Y {
    parse_yaml(&read_text(path))
}

fn read_text(path: &str) -> String {
    let full = format!("{ROOT}/{path}");
    std::fs::read_to_string(&full).unwrap_or_else(|e| panic!("{full}: {e}"))
}

// ---------------------------------------------------------------------------------------------
// Fixtures → model objects (as upstream's makeTestService / makeTestEndpointSlice).

fn protocol(y: &Y) -> Protocol {
    match y.str() {
        Some("UDP") => Protocol::Udp,
        Some("SCTP") => Protocol::Sctp,
        _ => Protocol::Tcp,
    }
}

fn policy(y: &Y) -> Option<TrafficPolicy> {
    match y.str() {
        Some("Local") => Some(TrafficPolicy::Local),
        Some("Cluster") => Some(TrafficPolicy::Cluster),
        _ => None,
    }
}

fn service(y: &Y) -> Service {
    let md = y.get("metadata");
    let spec = y.get("spec");
    let mut s = Service {
        meta: ObjectMeta {
            name: md.get("name").s(),
            namespace: md.get("namespace").s(),
            ..Default::default()
        },
        ..Default::default()
    };
    s.spec.type_ = match spec.get("type").str() {
        Some("NodePort") => ServiceType::NodePort,
        Some("LoadBalancer") => ServiceType::LoadBalancer,
        Some("ExternalName") => ServiceType::ExternalName,
        _ => ServiceType::ClusterIP,
    };
    match spec.get("clusterIP").str() {
        Some("None") => s.spec.headless = true,
        Some(ip) => s.spec.cluster_ips = vec![ip.parse().expect("clusterIP")],
        None => {}
    }
    for p in spec.get("ports").seq() {
        let port = p.get("port").int().unwrap_or(0) as i32;
        s.spec.ports.push(ServicePort {
            name: p.get("name").s(),
            protocol: protocol(p.get("protocol")),
            port,
            target_port: IntOrString::Int(p.get("targetPort").int().unwrap_or(port as i64) as i32),
            node_port: p.get("nodePort").int().map(|n| n as i32),
            app_protocol: None,
        });
    }
    s.spec.external_ips =
        spec.get("externalIPs").seq().iter().filter_map(|i| i.str()?.parse().ok()).collect();
    s.spec.health_check_node_port = spec.get("healthCheckNodePort").int().map(|n| n as i32);
    s.spec.load_balancer_source_ranges =
        spec.get("loadBalancerSourceRanges").seq().iter().map(Y::s).collect();
    s.spec.session_affinity = spec.get("sessionAffinity").str().unwrap_or("None").to_string();
    s.spec.session_affinity_timeout = spec
        .get("sessionAffinityConfig")
        .get("clientIP")
        .get("timeoutSeconds")
        .int()
        .map(|n| n as i32);
    s.spec.external_traffic_policy = policy(spec.get("externalTrafficPolicy"));
    s.spec.internal_traffic_policy = policy(spec.get("internalTrafficPolicy"));
    for i in y.get("status").get("loadBalancer").get("ingress").seq() {
        s.status.load_balancer_ingress.push(LoadBalancerIngress {
            ip: i.get("ip").str().and_then(|v| v.parse().ok()),
            hostname: None,
        });
    }
    s
}

fn slice(y: &Y, idx: usize) -> EndpointSlice {
    let mut labels = BTreeMap::new();
    labels.insert("kubernetes.io/service-name".to_string(), y.get("service").s());
    EndpointSlice {
        meta: ObjectMeta {
            name: format!("{}-{idx}", y.get("service").s()),
            namespace: y.get("namespace").s(),
            labels,
            ..Default::default()
        },
        address_type: y.get("addressType").str().unwrap_or("IPv4").to_string(),
        endpoints: y
            .get("endpoints")
            .seq()
            .iter()
            .map(|e| Endpoint {
                addresses: e
                    .get("addresses")
                    .seq()
                    .iter()
                    .filter_map(|a| a.str()?.parse().ok())
                    .collect(),
                conditions: EndpointConditions {
                    ready: e.get("conditions").get("ready").bool(),
                    serving: e.get("conditions").get("serving").bool(),
                    terminating: e.get("conditions").get("terminating").bool(),
                },
                node_name: e.get("nodeName").str().map(str::to_string),
                zone: e.get("zone").str().map(str::to_string),
                hints: match e.get("hints") {
                    Y::Null => None,
                    h => Some(EndpointHints {
                        for_zones: h
                            .get("forZones")
                            .seq()
                            .iter()
                            .map(|z| z.get("name").s())
                            .collect(),
                        for_nodes: h
                            .get("forNodes")
                            .seq()
                            .iter()
                            .map(|z| z.get("name").s())
                            .collect(),
                    }),
                },
                ..Default::default()
            })
            .collect(),
        ports: y
            .get("ports")
            .seq()
            .iter()
            .map(|p| EndpointPort {
                name: Some(p.get("name").s()),
                port: p.get("port").int().map(|n| n as i32),
                protocol: protocol(p.get("protocol")),
                app_protocol: None,
            })
            .collect(),
    }
}

fn fixtures(input: &Y) -> (Vec<Service>, Vec<EndpointSlice>) {
    let svcs = input.get("services").seq().iter().map(service).collect();
    let slices = input
        .get("endpointSlices")
        .seq()
        .iter()
        .enumerate()
        .map(|(i, s)| slice(s, i + 1))
        .collect();
    (svcs, slices)
}

/// The nftables NewFakeProxier's node: name and local addresses (primary first).
fn fake_node() -> NodeInfo {
    NodeInfo {
        name: "test-node".into(),
        ips: [
            "192.168.0.2",
            "192.168.1.2",
            "192.168.99.11",
            "2001:db8::1",
            "2001:db8:1::2",
            "127.0.0.1",
            "::1",
        ]
        .iter()
        .map(|s| s.parse().unwrap())
        .collect(),
        zone: None,
    }
}

// ---------------------------------------------------------------------------------------------
// Upstream `sortNFTablesTransaction` (pkg/proxy/nftables/helpers_test.go).

fn object_order(t: &str) -> i32 {
    match t {
        "table" => 10,
        "chain" => 9,
        "rule" => 8,
        "set" => 7,
        "map" => 6,
        "element" => 5,
        _ => 0,
    }
}

fn sort_nftables_transaction(tx: &str) -> String {
    let mut lines: Vec<&str> =
        tx.lines().filter(|l| !l.is_empty() && !l.starts_with('#')).collect();
    lines.sort_by(|li, lj| {
        let wi: Vec<&str> = li.split(' ').collect();
        let wj: Vec<&str> = lj.split(' ').collect();
        if wi.len() < 5 || wj.len() < 5 {
            return std::cmp::Ordering::Equal;
        }
        if wi[1] != wj[1] {
            return object_order(wj[1]).cmp(&object_order(wi[1]));
        }
        if wi[4] != wj[4] {
            return wi[4].cmp(wj[4]);
        }
        if wi[1] == "rule" {
            return std::cmp::Ordering::Equal;
        }
        li.cmp(lj)
    });
    lines.join("\n")
}

fn dedent(text: &str) -> String {
    text.lines().map(str::trim).collect::<Vec<_>>().join("\n")
}

fn assert_same_transaction(what: &str, expected: &str, got: &str) {
    let want = sort_nftables_transaction(&dedent(expected));
    let have = sort_nftables_transaction(got);
    if want != have {
        let w: Vec<&str> = want.lines().collect();
        let h: Vec<&str> = have.lines().collect();
        let missing: Vec<&&str> = w.iter().filter(|l| !h.contains(l)).collect();
        let extra: Vec<&&str> = h.iter().filter(|l| !w.contains(l)).collect();
        panic!("{what}: dumps differ\nmissing:\n{missing:#?}\nextra:\n{extra:#?}\n\nfull:\n{got}");
    }
}

// ---------------------------------------------------------------------------------------------

#[test]
fn overall_nftables_rules() {
    let doc = read("overall_rules.yaml");
    let (svcs, slices) = fixtures(doc.get("input"));
    assert_eq!(svcs.len(), 6);
    let cfg = ProxyConfig::upstream_fake_nft(IpFamily::IPv4);
    let rs = nft::generate(&svcs, &slices, &fake_node(), &cfg);
    let expected =
        format!("{}\n{}", read_text("base_rules.nft"), doc.get("expected_dump_after_base").s());
    assert_same_transaction("TestOverallNFTablesRules", &expected, &rs.dump_text());
    if std::env::var_os("NFT_DUMP").is_some() {
        println!("{}\n{}", rs.dump_text(), rs.ruleset_text());
    }
    // Both renderings parse back, to the same tables.
    let a = NftTables::parse(&rs.dump_text()).expect("dump parses");
    let b = NftTables::parse(&rs.ruleset_text()).expect("ruleset parses");
    assert_eq!(a.table_names(), vec!["ip kube-proxy".to_string()]);
    assert_eq!(a.chain_names("ip kube-proxy").len(), b.chain_names("ip kube-proxy").len());
    // Upstream's expected text itself parses (in its own line order).
    NftTables::parse(&expected).expect("upstream text parses");
}

#[test]
fn sync_repeated_states() {
    let doc = read("sync_repeated.yaml");
    let states = doc.get("states").seq();
    assert_eq!(states.len(), 4);
    for st in states {
        let (svcs, slices) = fixtures(st.get("input"));
        let cfg = ProxyConfig::upstream_fake_nft(IpFamily::IPv4);
        let rs = nft::generate(&svcs, &slices, &fake_node(), &cfg);
        let expected =
            format!("{}\n{}", read_text("base_rules.nft"), st.get("expected_dump_after_base").s());
        assert_same_transaction(&st.get("name").s(), &expected, &rs.dump_text());
    }
}

/// The fake proxier's configuration for a variant's `proxier` overrides.
fn config(p: &Y) -> (ProxyConfig, IpFamily) {
    let family = match p.get("family").str() {
        Some("IPv6") => IpFamily::IPv6,
        _ => IpFamily::IPv4,
    };
    let mut cfg = ProxyConfig::upstream_fake_nft(family);
    if let Y::Seq(v) = p.get("nodePortAddresses") {
        cfg.node_port_addresses = v.iter().map(Y::s).collect();
    }
    if let Some(b) = p.get("masqueradeAll").bool() {
        cfg.nftables.masquerade_all = b;
    }
    if p.get("localDetector").bool() == Some(false) {
        cfg.cluster_cidr = None;
    }
    (cfg, family)
}

fn run_flows(id: &str, variant: &Y) -> usize {
    let (cfg, family) = config(variant.get("proxier"));
    let (svcs, slices) = fixtures(variant.get("input"));
    let node = fake_node();
    let rs = nft::generate(&svcs, &slices, &node, &cfg);
    let pod_cidr = Cidr::parse(match family {
        IpFamily::IPv4 => "10.0.0.0/8",
        IpFamily::IPv6 => "fd00:10::/64",
    });
    let cases = variant.get("cases").seq();
    assert!(!cases.is_empty(), "{id}: no cases");
    for (form, text) in [("dump", rs.dump_text()), ("ruleset", rs.ruleset_text())] {
        let tables = NftTables::parse(&text).unwrap_or_else(|e| panic!("{id} {form}: {e}\n{text}"));
        for c in cases {
            let name = c.get("name").s();
            let src: IpAddr = c.get("sourceIP").s().parse().unwrap();
            let packet = Packet {
                src,
                dst: c.get("destIP").s().parse().unwrap(),
                dport: c.get("destPort").int().unwrap() as u16,
                proto: protocol(c.get("protocol")),
                origin: Origin::infer(src, &node, pod_cidr.as_ref()),
            };
            let trace = nft::walk(&tables, &node, &packet);
            assert_eq!(
                trace.upstream_output(),
                c.get("output").s(),
                "{id} / {name} ({form})\n{text}"
            );
            if let Some(m) = c.get("masq").bool() {
                assert_eq!(trace.marked(), m, "{id} / {name} ({form}): masq");
                assert_eq!(
                    trace.masquerade(),
                    m,
                    "{id} / {name} ({form}): masquerade in postrouting"
                );
            }
            let mut rng = netsim::proxy::SplitMix64::new(7);
            let mut aff = netsim::proxy::AffinityState::default();
            let one = nft::walk_seeded(&tables, &node, &packet, &mut rng, &mut aff);
            assert_eq!(one.outcomes.len(), 1, "{id} / {name}: seeded walk has one outcome");
            if let Some(d) = one.destinations().first() {
                assert!(trace.destinations().iter().any(|x| x.ip == d.ip && x.port == d.port));
            }
        }
    }
    cases.len()
}

#[test]
fn packet_flows() {
    let mut total = 0;
    for file in [
        "flows_basic.yaml",
        "flows_nodeports.yaml",
        "flows_policies.yaml",
        "flows_internal_external_masquerade.yaml",
    ] {
        let doc = read(file);
        let id = doc.get("id").s();
        let variants = doc.get("variants").seq();
        assert!(!variants.is_empty(), "{file}");
        for v in variants {
            total += run_flows(&format!("{id} [{}]", v.get("name").s()), v);
        }
    }
    assert!(total >= 150, "ran {total} packet cases");
}
