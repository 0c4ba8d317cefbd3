//! Conformance of kube-proxy's nftables mode with upstream's own tests: the samples in
//! `tests/data/nftables` were transcribed from `pkg/proxy/nftables/proxier_test.go` (the source is
//! noted at the top of each file). Whole-ruleset expectations are compared after upstream's
//! `sortNFTablesTransaction` (helpers_test.go); packet-flow tables are walked over our own rule
//! text, parsed back (both the dump and the `nft list ruleset` rendering).

// std's sorts are fine in tests: `clippy.toml` bans them only to keep the wasm small.
#![allow(clippy::disallowed_methods)]

use std::net::IpAddr;

use netsim::model::{EndpointSlice, IpFamily, Service};
use netsim::net::Cidr;
use netsim::proxy::nft::{self, NftTables};
use netsim::proxy::{NodeInfo, Origin, Packet, ProxyConfig};

const ROOT: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/nftables");

#[path = "common/proxy_fixtures.rs"]
mod proxy_fixtures;

use proxy_fixtures::{protocol, Y};

fn read(path: &str) -> Y {
    proxy_fixtures::read(ROOT, path)
}

fn read_text(path: &str) -> String {
    proxy_fixtures::read_text(ROOT, path)
}

fn fixtures(input: &Y) -> (Vec<Service>, Vec<EndpointSlice>) {
    proxy_fixtures::fixtures(input, 1)
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

/// Upstream's own check of `sortNFTablesTransaction` (helpers_test.go
/// Test_sortNFTablesTransaction), so the comparisons below sort exactly as upstream's do.
#[test]
fn sort_transaction_as_upstream() {
    let doc = read("sort_transaction.yaml");
    let got = sort_nftables_transaction(&doc.get("input").s());
    assert_eq!(got, doc.get("expected").s().trim());
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
    assert_eq!(states.len(), 7);
    for st in states {
        let (svcs, slices) = fixtures(st.get("input"));
        let cfg = ProxyConfig::upstream_fake_nft(IpFamily::IPv4);
        let rs = nft::generate(&svcs, &slices, &fake_node(), &cfg);
        let expected =
            format!("{}\n{}", read_text("base_rules.nft"), st.get("expected_dump_after_base").s());
        assert_same_transaction(&st.get("name").s(), &expected, &rs.dump_text());
    }
}

/// TestBadIPs (whole dump), TestLoadBalancerIngressRouteTypeProxy (one `service-ips`
/// element present or not), TestBuildServiceMapServiceHeadless / ...TypeExternalName (dump is
/// baseRules only).
#[test]
fn exact_rules() {
    let doc = read("exact_rules.yaml");
    let variants = doc.get("variants").seq();
    assert_eq!(variants.len(), 6);
    for v in variants {
        let name = v.get("name").s();
        let (svcs, slices) = fixtures(v.get("input"));
        let cfg = ProxyConfig::upstream_fake_nft(IpFamily::IPv4);
        let dump = nft::generate(&svcs, &slices, &fake_node(), &cfg).dump_text();
        if let Some(exp) = v.get("expected_dump_after_base").str() {
            let expected = format!("{}\n{exp}", read_text("base_rules.nft"));
            assert_same_transaction(&name, &expected, &dump);
        }
        let el = v.get("service_ips_element");
        if let Some(key) = el.get("key").str() {
            let prefix = format!("add element ip kube-proxy service-ips {{ {key} : ");
            let found = dump.lines().any(|l| l.starts_with(&prefix));
            assert_eq!(Some(found), el.get("present").bool(), "{name}\n{dump}");
        }
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
        "flows_no_endpoints_metric.yaml",
        "flows_service_map.yaml",
        "flows_health_check_terminating.yaml",
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
