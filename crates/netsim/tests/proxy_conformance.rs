//! Conformance: kube-proxy iptables samples in `tests/conformance/iptables` and
//! `tests/conformance/packet_flow`, read at runtime (transcribed from upstream
//! `pkg/proxy/iptables/proxier_test.go`).

// std's sorts are fine in tests: `clippy.toml` bans them only to keep the wasm small.
#![allow(clippy::disallowed_methods)]

use std::collections::BTreeMap;
use std::net::IpAddr;

use netsim::model::{EndpointSlice, IpFamily, Protocol, Service};
use netsim::net::Cidr;
use netsim::proxy::{self, names, NodeInfo, Origin, Packet, ProxyConfig, RuleTable};

const ROOT: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/conformance");

#[path = "common/proxy_fixtures.rs"]
mod proxy_fixtures;

use proxy_fixtures::{parse_yaml, protocol, Y};

fn read(path: &str) -> Y {
    proxy_fixtures::read(ROOT, path)
}

fn fixtures(input: &Y) -> (Vec<Service>, Vec<EndpointSlice>) {
    proxy_fixtures::fixtures(input, 0)
}

/// NewFakeProxier's node: name and local addresses (packet_flow/README.md).
fn fake_node() -> NodeInfo {
    NodeInfo {
        name: "test-node".into(),
        ips: [
            "192.168.0.2",
            "127.0.0.1",
            "::1",
            "192.168.1.2",
            "192.168.99.11",
            "2001:db8::1",
            "2001:db8:1::2",
        ]
        .iter()
        .map(|s| s.parse().unwrap())
        .collect(),
        zone: None,
    }
}

// ---------------------------------------------------------------------------------------------
// Upstream `sortIPTablesRules` (proxier_test.go).

fn comment_of(rule: &str) -> String {
    let Some(pos) = rule.find("--comment ") else {
        return String::new();
    };
    let rest = &rule[pos + "--comment ".len()..];
    if let Some(q) = rest.strip_prefix('"') {
        q.split('"').next().unwrap_or_default().to_string()
    } else {
        rest.split_whitespace().next().unwrap_or_default().to_string()
    }
}

fn sort_iptables_rules(text: &str) -> String {
    // table -> (chain order, chain -> rules)
    // (table, chain order, chain -> rules)
    type Parsed = (String, Vec<String>, BTreeMap<String, Vec<String>>);
    let mut tables: Vec<Parsed> = Vec::new();
    for line in text.lines().map(str::trim).filter(|l| !l.is_empty()) {
        if let Some(t) = line.strip_prefix('*') {
            tables.push((t.to_string(), Vec::new(), BTreeMap::new()));
        } else if line == "COMMIT" {
        } else if let Some(c) = line.strip_prefix(':') {
            let name = c.split_whitespace().next().unwrap().to_string();
            let t = tables.last_mut().unwrap();
            t.1.push(name.clone());
            t.2.entry(name).or_default();
        } else {
            let chain = line.split_whitespace().nth(1).unwrap().to_string();
            let t = tables.last_mut().unwrap();
            t.2.entry(chain).or_default().push(line.to_string());
        }
    }
    tables.sort_by(|a, b| a.0.cmp(&b.0));
    let mut out = String::new();
    for (name, mut chains, mut rules) in tables {
        let rank = |c: &str| match c {
            "KUBE-NODEPORTS" => 0,
            "KUBE-SERVICES" => 1,
            _ => 2,
        };
        chains.sort_by(|a, b| (rank(a), a).cmp(&(rank(b), b)));
        if let Some(r) = rules.get_mut("KUBE-NODEPORTS") {
            r.sort_by_key(|l| comment_of(l));
        }
        if let Some(r) = rules.get_mut("KUBE-SERVICES") {
            r.sort_by_key(|l| {
                let c = comment_of(l);
                if c.starts_with("kubernetes service nodeports") {
                    "~~~~".to_string()
                } else {
                    c.split(' ').next().unwrap_or_default().to_string()
                }
            });
        }
        out.push_str(&format!("*{name}\n"));
        for c in &chains {
            out.push_str(&format!(":{c} - [0:0]\n"));
        }
        for c in &chains {
            for r in rules.get(c).map(Vec::as_slice).unwrap_or_default() {
                out.push_str(r);
                out.push('\n');
            }
        }
        out.push_str("COMMIT\n");
    }
    out
}

// ---------------------------------------------------------------------------------------------

#[test]
fn chain_names() {
    let doc = read("iptables/chain_names.yaml");
    let cases = doc.get("cases").seq();
    assert!(cases.len() >= 30, "expected the full sample, got {}", cases.len());
    for c in cases {
        let input = c.get("input");
        let spn = input.get("servicePortName").s();
        let proto = input.get("protocol").s();
        let want = c.get("expected").get("chain").s();
        let got = match input.get("kind").str() {
            Some("SEP") => names::endpoint_chain(&spn, &proto, &input.get("endpoint").s()),
            Some(kind) => format!("KUBE-{kind}-{}", names::service_hash(&spn, &proto)),
            None => panic!("no kind"),
        };
        assert_eq!(got, want, "{}", c.get("id").s());
    }
}

/// A ClusterIP service with `n` ready endpoints, generated for real.
fn n_endpoint_rules(n: usize) -> (Vec<String>, Vec<String>) {
    let y = parse_yaml(&format!(
        "services:\n- metadata: {{namespace: ns, name: svc}}\n  spec: {{clusterIP: 172.30.0.1, ports: [{{name: p, port: 80}}]}}\nendpointSlices:\n- namespace: ns\n  service: svc\n  addressType: IPv4\n  endpoints: [{}]\n  ports: [{{name: p, port: 80, protocol: TCP}}]\n",
        (1..=n).map(|i| format!("{{addresses: [10.0.0.{i}]}}")).collect::<Vec<_>>().join(", ")
    ));
    let (svcs, slices) = fixtures(&y);
    let rs = proxy::generate(&svcs, &slices, &fake_node(), &ProxyConfig::upstream_fake());
    let chain = format!("KUBE-SVC-{}", names::service_hash("ns/svc:p", "tcp"));
    let probs = |text: &str| -> Vec<String> {
        text.lines()
            .filter(|l| l.starts_with(&format!("-A {chain} ")) && l.contains("KUBE-SEP-"))
            .map(|l| {
                l.split("--probability ")
                    .nth(1)
                    .map(|p| p.split_whitespace().next().unwrap_or_default().to_string())
                    .unwrap_or_else(|| "null".to_string())
            })
            .collect()
    };
    (probs(&rs.restore_text()), probs(&rs.save_text()))
}

#[test]
fn probabilities() {
    let doc = read("iptables/probabilities.yaml");
    let cases = doc.get("cases").seq();
    assert!(cases.len() >= 12);
    for c in cases {
        let id = c.get("id").s();
        let exp = c.get("expected");
        if let Some(want) = exp.get("computeProbability").str() {
            let n = c.get("input").get("n").int().unwrap() as usize;
            assert_eq!(names::compute_probability(n), want, "{id}");
            continue;
        }
        let n = c.get("input").get("endpoints").int().unwrap() as usize;
        let expect = |key: &str| -> Vec<String> {
            exp.get(key).seq().iter().map(|v| v.str().unwrap_or("null").to_string()).collect()
        };
        let (restore, save) = n_endpoint_rules(n);
        assert_eq!(restore, expect("probabilityArgs"), "{id} restore");
        assert_eq!(save, expect("iptablesSaveReadback"), "{id} save");
        // Effective shares from the walker, following every branch.
        let shares: Vec<f64> = exp
            .get("effectiveShare")
            .seq()
            .iter()
            .map(|v| v.str().unwrap().parse().unwrap())
            .collect();
        let y = parse_yaml(&format!(
            "services:\n- metadata: {{namespace: ns, name: svc}}\n  spec: {{clusterIP: 172.30.0.1, ports: [{{name: p, port: 80}}]}}\nendpointSlices:\n- namespace: ns\n  service: svc\n  addressType: IPv4\n  endpoints: [{}]\n  ports: [{{name: p, port: 80, protocol: TCP}}]\n",
            (1..=n).map(|i| format!("{{addresses: [10.0.0.{i}]}}")).collect::<Vec<_>>().join(", ")
        ));
        let (svcs, slices) = fixtures(&y);
        let rs = proxy::generate(&svcs, &slices, &fake_node(), &ProxyConfig::upstream_fake());
        let table = RuleTable::parse(&rs.kernel_text()).unwrap();
        let trace = proxy::walk(
            &table,
            &fake_node(),
            &Packet {
                src: "10.1.1.1".parse().unwrap(),
                dst: "172.30.0.1".parse().unwrap(),
                dport: 80,
                proto: Protocol::Tcp,
                origin: Origin::FromPod,
            },
        );
        let got: Vec<f64> = trace.destinations().iter().map(|d| d.probability).collect();
        assert_eq!(got.len(), shares.len(), "{id}");
        for (g, w) in got.iter().zip(&shares) {
            assert!((g - w).abs() < 1e-6, "{id}: share {g} vs {w}");
        }
    }
}

#[test]
fn overall_iptables_rules() {
    let doc = read("iptables/overall_iptables_rules.yaml");
    let (svcs, slices) = fixtures(doc.get("input"));
    assert_eq!(svcs.len(), 6);
    let rs = proxy::generate(&svcs, &slices, &fake_node(), &ProxyConfig::upstream_fake());
    let want = sort_iptables_rules(&doc.get("expected_iptables_restore").s());
    let got = sort_iptables_rules(&rs.restore_text());
    check_rule_jumps("overall", &rs.restore_text());
    if got != want {
        for (i, (g, w)) in got.lines().zip(want.lines()).enumerate() {
            if g != w {
                panic!("first difference at line {}:\n got: {g}\nwant: {w}\n\nfull:\n{got}", i + 1);
            }
        }
        panic!("length differs:\n{got}\n---\n{want}");
    }
    if std::env::var_os("PROXY_DUMP").is_some() {
        println!("{}\n{}", rs.restore_text(), rs.save_text());
    }
    // The walker parses its own text back.
    assert!(RuleTable::parse(&rs.kernel_text()).is_ok());
    assert!(RuleTable::parse(&rs.save_text()).is_ok());
}

/// The fake proxier's settings a sample asks for (`proxier_config`): upstream's
/// `NewFakeProxier` plus the fields its tests override.
fn proxier_config(pc: &Y) -> ProxyConfig {
    let mut cfg = ProxyConfig::upstream_fake();
    if pc.get("family").str() == Some("IPv6") {
        // NewFakeProxier with an IPv6 iptables: pod CIDR fd00:10::/64.
        cfg.ip_family = IpFamily::IPv6;
        cfg.cluster_cidr = Some("fd00:10::/64".to_string());
    }
    if let Some(b) = pc.get("localhostNodePorts").bool() {
        cfg.localhost_node_ports = b;
    }
    if let Some(b) = pc.get("masqueradeAll").bool() {
        cfg.masquerade_all = b;
    }
    // `localDetector: false`: proxyutil.NewNoOpLocalDetector().
    if pc.get("localDetector").bool() == Some(false) {
        cfg.cluster_cidr = None;
    }
    if let Some(b) = pc.get("randomFully").bool() {
        cfg.random_fully = b;
    }
    if let Some(b) = pc.get("nfacct").bool() {
        cfg.nfacct = b;
    }
    if let Some(b) = pc.get("tcpLiberal").bool() {
        cfg.conntrack_tcp_liberal = b;
    }
    cfg.node_port_addresses = pc.get("nodePortAddresses").seq().iter().map(Y::s).collect();
    cfg
}

/// The pod CIDR the packet origin is guessed from (independent of the local-traffic detector,
/// which a sample may switch off).
fn pod_cidr(cfg: &ProxyConfig) -> Option<Cidr> {
    match cfg.ip_family {
        IpFamily::IPv4 => Cidr::parse("10.0.0.0/8"),
        IpFamily::IPv6 => Cidr::parse("fd00:10::/64"),
    }
}

fn run_packet_cases(
    id: &str,
    svcs: &[Service],
    slices: &[EndpointSlice],
    cfg: &ProxyConfig,
    cases: &[Y],
) -> usize {
    let node = fake_node();
    let rs = proxy::generate(svcs, slices, &node, cfg);
    check_rule_jumps(id, &rs.restore_text());
    let table = RuleTable::parse(&rs.kernel_text()).expect("own text parses");
    let pod_cidr = pod_cidr(cfg);
    assert!(!cases.is_empty(), "{id}: no cases");
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
        let trace = proxy::walk(&table, &node, &packet);
        assert_eq!(
            trace.upstream_output(),
            c.get("output").s(),
            "{id} / {name}\n{}",
            rs.kernel_text()
        );
        if let Some(m) = c.get("masq").bool() {
            assert_eq!(trace.marked(), m, "{id} / {name}: masq\n{}", rs.kernel_text());
            assert_eq!(trace.masquerade(), m, "{id} / {name}: MASQUERADE in POSTROUTING");
        }
        // A seeded walk lands on one of the destinations.
        let mut rng = proxy::SplitMix64::new(7);
        let mut aff = proxy::AffinityState::default();
        let one = proxy::walk_seeded(&table, &node, &packet, &mut rng, &mut aff);
        assert_eq!(one.outcomes.len(), 1, "{id} / {name}: seeded walk has one outcome");
        if let Some(d) = one.destinations().first() {
            assert!(trace.destinations().iter().any(|x| x.ip == d.ip && x.port == d.port));
        }
    }
    cases.len()
}

/// The rules of one chain, in write order (`-A CHAIN ...` lines of the restore input).
fn chain_rules(rs: &proxy::Ruleset, table: &str, chain: &str) -> String {
    let rules = if table == "nat" { &rs.nat_rules } else { &rs.filter_rules };
    let prefix = format!("-A {chain} ");
    rules.iter().filter(|r| r.starts_with(&prefix)).map(|r| format!("{r}\n")).collect()
}

/// `expected_chains`: upstream's `assertIPTablesChainEqual` (one chain's rules, exactly).
fn check_chains(id: &str, rs: &proxy::Ruleset, expected: &Y) -> usize {
    for e in expected.seq() {
        let (table, chain) = (e.get("table").s(), e.get("chain").s());
        let want: String = e.get("rules").s().lines().map(|l| format!("{}\n", l.trim())).collect();
        assert_eq!(chain_rules(rs, &table, &chain), want, "{id}: {table} {chain}");
    }
    expected.seq().len()
}

fn packet_flow_file(path: &str) -> usize {
    let doc = read(path);
    let id = doc.get("id").s();
    let mut n = 0;
    if let Y::Seq(variants) = doc.get("variants") {
        for v in variants {
            // A variant may bring its own objects (a later sync of upstream's test).
            let input = match v.get("input") {
                Y::Null => doc.get("input"),
                y => y,
            };
            let (svcs, slices) = fixtures(input);
            let cfg = proxier_config(v.get("proxier_config"));
            let vid = format!("{id} [{}]", v.get("name").s());
            n += run_packet_cases(&vid, &svcs, &slices, &cfg, v.get("cases").seq());
            let rs = proxy::generate(&svcs, &slices, &fake_node(), &cfg);
            if let Some(fw) = v.get("expected_KUBE_FIREWALL_chain").str() {
                assert_eq!(chain_rules(&rs, "filter", "KUBE-FIREWALL"), fw, "{vid}: KUBE-FIREWALL");
            }
            check_chains(&vid, &rs, v.get("expected_chains"));
        }
    } else {
        let (svcs, slices) = fixtures(doc.get("input"));
        n += run_packet_cases(
            &id,
            &svcs,
            &slices,
            &ProxyConfig::upstream_fake(),
            doc.get("cases").seq(),
        );
    }
    n
}

/// The `.yaml` files of `dir`, by name.
fn yaml_files(dir: &str) -> Vec<String> {
    let mut files: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .filter_map(|e| e.ok())
        .map(|e| e.file_name().to_string_lossy().to_string())
        .filter(|n| n.ends_with(".yaml"))
        .collect();
    files.sort();
    files
}

#[test]
fn packet_flows() {
    let dir = format!("{ROOT}/packet_flow");
    let files = yaml_files(&dir);
    assert!(!files.is_empty());
    let mut total = 0;
    for f in files {
        total += packet_flow_file(&format!("packet_flow/{f}"));
    }
    assert!(total >= 200, "ran {total} packet cases");
}

/// upstream `countEndpointsAndComments`: the KUBE-SEP DNAT line containing `match`, how many
/// KUBE-SEP DNAT lines there are and how many of them carry a comment.
fn count_endpoints_and_comments(text: &str, matching: &str) -> (String, usize, usize) {
    let (mut matched, mut n, mut comments) = (String::new(), 0, 0);
    for l in text.lines().filter(|l| l.starts_with("-A KUBE-SEP-") && l.contains("-j DNAT")) {
        n += 1;
        if l.contains("--comment") {
            comments += 1;
        }
        if l.contains(matching) {
            matched = l.to_string();
        }
    }
    (matched, n, comments)
}

fn assert_same_rules(id: &str, got: &str, want: &str) {
    let (got, want) = (sort_iptables_rules(got), sort_iptables_rules(want));
    if got != want {
        for (i, (g, w)) in got.lines().zip(want.lines()).enumerate() {
            assert_eq!(g, w, "{id}: first difference at line {}\nfull:\n{got}", i + 1);
        }
        panic!("{id}: length differs:\n{got}\n---\n{want}");
    }
}

/// `iptables/*.yaml` files of `kind: exact_rules`: per variant, the whole restore input
/// (`assertIPTablesRulesEqual`), single chains (`assertIPTablesChainEqual`) or endpoint-rule
/// counts (`countEndpointsAndComments`).
#[test]
fn exact_rules() {
    let dir = format!("{ROOT}/iptables");
    let files = yaml_files(&dir);
    let mut checks = 0;
    for f in files {
        let doc = read(&format!("iptables/{f}"));
        if doc.get("kind").str() != Some("exact_rules") {
            continue;
        }
        for v in doc.get("variants").seq() {
            let vid = format!("{} [{}]", doc.get("id").s(), v.get("name").s());
            let input = match v.get("input") {
                Y::Null => doc.get("input"),
                y => y,
            };
            let (svcs, slices) = fixtures(input);
            let cfg = proxier_config(v.get("proxier_config"));
            let rs = proxy::generate(&svcs, &slices, &fake_node(), &cfg);
            let text = rs.restore_text();
            check_rule_jumps(&vid, &text);
            if let Some(want) = v.get("expected_iptables_restore").str() {
                assert_same_rules(&vid, &text, want);
                checks += 1;
            }
            checks += check_chains(&vid, &rs, v.get("expected_chains"));
            for c in v.get("sep_dnat").seq() {
                let (line, n, comments) = count_endpoints_and_comments(&text, &c.get("match").s());
                assert_eq!(line, c.get("line").s(), "{vid}");
                assert_eq!(n as i64, c.get("endpoints").int().unwrap(), "{vid}: endpoints");
                assert_eq!(comments as i64, c.get("comments").int().unwrap(), "{vid}: comments");
                checks += 1;
            }
            assert!(RuleTable::parse(&rs.kernel_text()).is_ok(), "{vid}: own text parses");
        }
    }
    assert!(checks >= 10, "ran {checks} exact-rules checks");
}

/// upstream `checkIPTablesRuleJumps` (run by `assertIPTablesRulesEqual` on every sync): per
/// table, every `-j` target and every `-A` chain is declared, every jumped-to chain has rules
/// (KUBE-NODEPORTS excepted), and every declared chain is jumped to (kube-proxy's fixed
/// chains excepted).
fn check_rule_jumps(id: &str, restore: &str) {
    use std::collections::BTreeSet;
    const BUILTIN_TARGETS: &[&str] =
        &["ACCEPT", "REJECT", "DROP", "MARK", "RETURN", "DNAT", "SNAT", "MASQUERADE"];
    const FIXED: &[&str] = &[
        "KUBE-SERVICES",
        "KUBE-EXTERNAL-SERVICES",
        "KUBE-NODEPORTS",
        "KUBE-POSTROUTING",
        "KUBE-FORWARD",
        "KUBE-MARK-MASQ",
        "KUBE-PROXY-FIREWALL",
        "KUBE-FIREWALL",
    ];
    for table in restore.split("COMMIT\n").filter(|t| !t.trim().is_empty()) {
        let name = table.lines().next().unwrap_or_default();
        let created: BTreeSet<&str> = table
            .lines()
            .filter_map(|l| l.strip_prefix(':'))
            .filter_map(|l| l.split_whitespace().next())
            .collect();
        let filled: BTreeSet<&str> = table
            .lines()
            .filter_map(|l| l.strip_prefix("-A "))
            .filter_map(|l| l.split_whitespace().next())
            .collect();
        let jumped: BTreeSet<&str> = table
            .lines()
            .filter_map(|l| l.split(" -j ").nth(1))
            .filter_map(|l| l.split_whitespace().next())
            .filter(|t| !BUILTIN_TARGETS.contains(t))
            .collect();
        let missing: Vec<_> = jumped.union(&filled).filter(|c| !created.contains(*c)).collect();
        assert!(missing.is_empty(), "{id}: {name}: used but not created: {missing:?}");
        let empty: Vec<_> =
            jumped.iter().filter(|c| !filled.contains(*c) && **c != "KUBE-NODEPORTS").collect();
        assert!(empty.is_empty(), "{id}: {name}: jumped to but no rules: {empty:?}");
        let extra: Vec<_> =
            created.iter().filter(|c| !jumped.contains(*c) && !FIXED.contains(c)).collect();
        assert!(extra.is_empty(), "{id}: {name}: created but not used: {extra:?}\n{restore}");
    }
}
