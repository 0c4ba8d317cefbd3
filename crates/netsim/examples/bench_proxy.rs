//! Benchmark: kube-proxy rule generation and packet walks for the 10,000-Pod / 2,000-Service
//! synthetic cluster, as ratios to parsing that cluster's YAML in the same run.
//!
//! `cargo run --release -p netsim --example bench_proxy`
//!
//! It times the whole pipeline on `testgen::generate(10_000, 2_000, 100)` (100 nodes, so every
//! Pod fits under the kubelet maxPods of 110): `manifest::load`, `cluster::build`, then
//! `proxy::rules_for_node` for node-0. It also times `proxy::generate` on equivalent model objects
//! built here directly (one Service per selector, 5 Pods each), the rule text round trip, and
//! 10,000 all-branch packet walks. The same for nftables mode: `proxy::nft::generate` for node-0
//! of the built cluster and for the model objects, the dump text round trip, and walks over the
//! parsed dump (all-branch and seeded), reported per packet.

use std::collections::BTreeMap;
use std::hint::black_box;
use std::net::{IpAddr, Ipv4Addr};
use std::time::Instant;

#[path = "common/alloc.rs"]
mod alloc;

use netsim::model::{
    Endpoint, EndpointConditions, EndpointPort, EndpointSlice, IntOrString, ObjectMeta, Protocol,
    Service, ServicePort, ServiceType,
};
use netsim::proxy::{self, nft, NodeInfo, Origin, Packet, ProxyConfig, RuleTable};

const PODS: usize = 10_000;
const SERVICES: usize = 2_000;
const NODES: usize = 100;
const PACKETS: usize = 10_000;

fn v4(a: u32) -> IpAddr {
    IpAddr::V4(Ipv4Addr::from(a))
}

fn objects() -> (Vec<Service>, Vec<EndpointSlice>) {
    let mut services = Vec::with_capacity(SERVICES);
    let mut slices = Vec::with_capacity(SERVICES);
    for s in 0..SERVICES {
        let mut svc = Service {
            meta: ObjectMeta {
                name: format!("svc-{s}"),
                namespace: "bench".into(),
                ..Default::default()
            },
            ..Default::default()
        };
        svc.spec.type_ = ServiceType::ClusterIP;
        svc.spec.cluster_ips = vec![v4(0x0A60_0000 + 10 + s as u32)]; // 10.96.0.10 + s
        svc.spec.session_affinity = "None".into();
        svc.spec.ports = vec![ServicePort {
            name: "http".into(),
            protocol: Protocol::Tcp,
            port: 80,
            target_port: IntOrString::Int(8080),
            node_port: None,
            app_protocol: None,
        }];
        services.push(svc);
        let mut labels = BTreeMap::new();
        labels.insert("kubernetes.io/service-name".to_string(), format!("svc-{s}"));
        let endpoints = (0..PODS)
            .filter(|p| p % SERVICES == s)
            .map(|p| Endpoint {
                addresses: vec![v4(0x0AF4_0000
                    + ((p % NODES) as u32) * 256 * 8
                    + (p / NODES) as u32
                    + 2)],
                conditions: EndpointConditions {
                    ready: Some(true),
                    serving: Some(true),
                    terminating: Some(false),
                },
                node_name: Some(format!("node-{}", p % NODES)),
                ..Default::default()
            })
            .collect();
        slices.push(EndpointSlice {
            meta: ObjectMeta {
                name: format!("svc-{s}-abcde"),
                namespace: "bench".into(),
                labels,
                ..Default::default()
            },
            address_type: "IPv4".into(),
            endpoints,
            ports: vec![EndpointPort {
                name: Some("http".into()),
                port: Some(8080),
                protocol: Protocol::Tcp,
                app_protocol: None,
            }],
        });
    }
    (services, slices)
}

fn secs(f: impl FnOnce()) -> f64 {
    let t = Instant::now();
    f();
    t.elapsed().as_secs_f64()
}

fn best_of(n: usize, mut f: impl FnMut()) -> f64 {
    (0..n).map(|_| secs(&mut f)).fold(f64::INFINITY, f64::min)
}

fn main() {
    let yaml = netsim::testgen::generate(PODS, SERVICES, NODES);
    let parse = best_of(3, || {
        let mut events = 0usize;
        for ev in granit_parser::Parser::new_from_str(&yaml) {
            if ev.is_err() {
                break;
            }
            events += 1;
        }
        black_box(events);
    });

    // The full pipeline on the same YAML: manifest::load + cluster::build, then node-0's rules.
    let mut files = netsim::diagnostic::SourceFiles::default();
    files.add("cluster.yaml", yaml.clone());
    let mut loaded = None;
    let load = secs(|| loaded = Some(netsim::manifest::load(&files)));
    let Some(loaded) = loaded else { return };
    let mut cluster = None;
    let build = secs(|| cluster = Some(netsim::cluster::build(&loaded.objects)));
    let Some(cluster) = cluster else { return };
    let pipeline_cfg =
        ProxyConfig { cluster_cidr: Some("10.244.0.0/16".into()), ..ProxyConfig::default() };
    let mut piped = None;
    let generate_pipeline = best_of(3, || {
        piped = Some(black_box(proxy::rules_for_node(&cluster.objects, "node-0", &pipeline_cfg)))
    });
    let piped_rules = match &piped {
        Some(Ok((_, rs))) => rs.nat_rules.len() + rs.filter_rules.len(),
        _ => 0,
    };

    let (services, slices) = objects();
    let node = NodeInfo {
        name: "node-0".into(),
        ips: vec![v4(0xAC12_0002), IpAddr::V4(Ipv4Addr::LOCALHOST)],
        zone: None,
    };
    let cfg = ProxyConfig { cluster_cidr: Some("10.244.0.0/16".into()), ..ProxyConfig::default() };
    let mut ruleset = None;
    let generate = best_of(3, || {
        ruleset = Some(black_box(proxy::generate(&services, &slices, &node, &cfg)));
    });
    let Some(ruleset) = ruleset else { return };
    let mut text = String::new();
    let render = best_of(3, || text = black_box(ruleset.kernel_text()));
    let mut table = None;
    let parse_rules = best_of(3, || table = Some(black_box(RuleTable::parse(&text))));
    let Some(Ok(table)) = table else {
        eprintln!("rule text did not parse");
        return;
    };
    let packets: Vec<Packet> = (0..PACKETS)
        .map(|i| Packet {
            src: v4(0x0AF4_0000 + 2 + (i % 200) as u32),
            dst: v4(0x0A60_0000 + 10 + (i % SERVICES) as u32),
            dport: 80,
            proto: Protocol::Tcp,
            origin: Origin::FromPod,
        })
        .collect();
    let mut dnat = 0usize;
    let walk = secs(|| {
        for p in &packets {
            let t = proxy::walk(&table, &node, p);
            dnat += t.destinations().len();
        }
    });
    // ---- nftables mode ----
    let nft_cfg = ProxyConfig {
        cluster_cidr: Some("10.244.0.0/16".into()),
        service_cidrs: vec!["10.96.0.0/12".into()],
        mode: proxy::ProxyMode::Nftables,
        ..ProxyConfig::default()
    };
    let node0 = proxy::node_info(&cluster.objects, "node-0").ok();
    let mut nft_piped = None;
    let nft_pipeline = best_of(3, || {
        if let Some(n) = &node0 {
            nft_piped = Some(black_box(nft::generate(
                &cluster.objects.services,
                &cluster.objects.endpoint_slices,
                n,
                &nft_cfg,
            )));
        }
    });
    let nft_piped_rules: usize = nft_piped
        .as_ref()
        .map(|r| r.tables.iter().flat_map(|t| &t.chains).map(|c| c.rules.len()).sum())
        .unwrap_or(0);
    let mut nft_rs = None;
    let nft_generate =
        best_of(3, || nft_rs = Some(black_box(nft::generate(&services, &slices, &node, &nft_cfg))));
    let Some(nft_rs) = nft_rs else { return };
    let mut dump = String::new();
    let nft_render = best_of(3, || dump = black_box(nft_rs.dump_text()));
    let mut nft_tables = None;
    let nft_parse = best_of(3, || nft_tables = Some(black_box(nft::NftTables::parse(&dump))));
    let Some(Ok(nft_tables)) = nft_tables else {
        eprintln!("nft dump did not parse");
        return;
    };
    let mut nft_dnat = 0usize;
    let nft_walk = secs(|| {
        for p in &packets {
            nft_dnat += nft::walk(&nft_tables, &node, p).destinations().len();
        }
    });
    let mut rng = proxy::SplitMix64::new(1);
    let mut aff = proxy::AffinityState::default();
    let mut nft_one = 0usize;
    let nft_seeded = secs(|| {
        for p in &packets {
            nft_one += nft::walk_seeded(&nft_tables, &node, p, &mut rng, &mut aff).outcomes.len();
        }
    });
    let nft_rules: usize =
        nft_rs.tables.iter().flat_map(|t| &t.chains).map(|c| c.rules.len()).sum();
    let nft_elements: usize =
        nft_rs.tables.iter().flat_map(|t| &t.sets).map(|s| s.elements.len()).sum();

    let rules = ruleset.nat_rules.len() + ruleset.filter_rules.len();
    println!(
        "kube-proxy iptables benchmark: {PODS} pods, {SERVICES} services, {NODES} nodes (node-0)"
    );
    println!("  YAML size                     {:>10} bytes", yaml.len());
    println!("  rules generated               {rules:>10} ({} bytes of restore text)", text.len());
    println!("  parse YAML (granit events)    {:>10.2} ms  = 1.00", parse * 1e3);
    println!(
        "  manifest::load                {:>10.2} ms  = {:.3} x parse",
        load * 1e3,
        load / parse
    );
    println!(
        "  cluster::build                {:>10.2} ms  = {:.3} x parse ({} pods, {} slices)",
        build * 1e3,
        build / parse,
        cluster.objects.pods.len(),
        cluster.objects.endpoint_slices.len()
    );
    println!(
        "  generate rules, built cluster {:>10.2} ms  = {:.3} x parse ({piped_rules} rules; budget <= 0.5)",
        generate_pipeline * 1e3,
        generate_pipeline / parse
    );
    println!(
        "  generate rules, model objects {:>10.2} ms  = {:.3} x parse (budget <= 0.5)",
        generate * 1e3,
        generate / parse
    );
    println!(
        "  render restore text           {:>10.2} ms  = {:.3} x parse",
        render * 1e3,
        render / parse
    );
    println!(
        "  parse rule text (walker)      {:>10.2} ms  = {:.3} x parse",
        parse_rules * 1e3,
        parse_rules / parse
    );
    println!(
        "  walk {PACKETS} packets (all branches) {:>8.2} ms  = {:.3} x parse ({dnat} destinations)",
        walk * 1e3,
        walk / parse
    );
    println!("kube-proxy nftables benchmark (same cluster, node-0)");
    println!(
        "  rules generated               {nft_rules:>10} rules, {nft_elements} elements ({} bytes of dump text)",
        dump.len()
    );
    println!(
        "  nft generate, built cluster   {:>10.2} ms  = {:.3} x parse ({nft_piped_rules} rules; budget <= 0.5)",
        nft_pipeline * 1e3,
        nft_pipeline / parse
    );
    println!(
        "  nft generate, model objects   {:>10.2} ms  = {:.3} x parse (budget <= 0.5)",
        nft_generate * 1e3,
        nft_generate / parse
    );
    println!(
        "  render dump text              {:>10.2} ms  = {:.3} x parse",
        nft_render * 1e3,
        nft_render / parse
    );
    println!(
        "  parse dump text (walker)      {:>10.2} ms  = {:.3} x parse",
        nft_parse * 1e3,
        nft_parse / parse
    );
    println!(
        "  walk {PACKETS} packets (all branches) {:>8.2} ms  = {:.3} x parse = {:.2} us/packet ({nft_dnat} destinations)",
        nft_walk * 1e3,
        nft_walk / parse,
        nft_walk * 1e6 / PACKETS as f64
    );
    println!(
        "  walk {PACKETS} packets (seeded)      {:>8.2} ms  = {:.3} x parse = {:.2} us/packet ({nft_one} outcomes)",
        nft_seeded * 1e3,
        nft_seeded / parse,
        nft_seeded * 1e6 / PACKETS as f64
    );
    println!(
        "  iptables walk per packet      {:>10.2} us (for comparison)",
        walk * 1e6 / PACKETS as f64
    );
    // Machine-readable, for `cargo xtask bench`: `ratio <name> <value> <budget or ->`, each a
    // ratio to the bare YAML event stream above.
    for (name, secs, budget) in [
        ("load", load, "-"),
        ("build", build, "1.0"),
        ("iptables-generate", generate_pipeline, "0.5"),
        ("iptables-generate-objects", generate, "0.5"),
        ("iptables-render", render, "-"),
        ("iptables-parse-rules", parse_rules, "-"),
        ("iptables-walk-10k", walk, "-"),
        ("nft-generate", nft_pipeline, "0.5"),
        ("nft-generate-objects", nft_generate, "0.5"),
        ("nft-render", nft_render, "-"),
        ("nft-parse", nft_parse, "-"),
        ("nft-walk-10k", nft_walk, "-"),
        ("nft-walk-seeded-10k", nft_seeded, "-"),
    ] {
        println!("ratio proxy/{name} {:.3} {budget}", secs / parse);
    }
}
