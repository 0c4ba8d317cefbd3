//! Replays every input kept in `tests/fuzz_regressions/` through the code path of the fuzz
//! target it was found by (the file name starts with the target: `pipeline-…`,
//! `yaml_front_end-…`, `dns_name-…`, `rules_parser-…`, `request_target-…`, `share_decode-…`,
//! `nft_parser-…`). A crash found by
//! `cargo xtask fuzz` is fixed in its module (with a unit test there) and its input is copied
//! here, so it can never come back. The harnesses mirror `fuzz/fuzz_targets/*.rs`.
// Native-only test code: std sorts are fine here (the ban in clippy.toml is about wasm size).
#![allow(clippy::disallowed_methods)]

use std::net::{IpAddr, Ipv4Addr};
use std::path::PathBuf;

use netsim::diagnostic::SourceFiles;
use netsim::dns::{CorefileConfig, RecordType, Zone, ZoneInput};
use netsim::model::Protocol;
use netsim::proxy::{walk, NodeInfo, Origin, Packet, RuleTable};
use netsim_cli::Input;

fn dir() -> PathBuf {
    PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/fuzz_regressions"))
}

fn yaml_front_end(text: &str) {
    std::hint::black_box(netsim::syntax::parse(netsim::text::FileId(0), text));
    let mut files = SourceFiles::default();
    files.add("fuzz.yaml", text);
    let loaded = netsim::manifest::load(&files);
    for d in &loaded.diagnostics {
        std::hint::black_box(files.render(d));
    }
}

fn pipeline(text: &str) {
    let mut inputs = Vec::new();
    let mut cur = String::new();
    let mut name = String::from("a.yaml");
    for line in text.split_inclusive('\n') {
        if let Some(n) = line.strip_prefix("#- file:") {
            if !cur.is_empty() {
                inputs.push(Input { name: name.clone(), text: std::mem::take(&mut cur) });
            }
            name = n.trim().to_string();
        } else {
            cur.push_str(line);
        }
    }
    inputs.push(Input { name, text: cur });
    let mut files = SourceFiles::default();
    for i in &inputs {
        files.add(i.name.clone(), i.text.clone());
    }
    std::hint::black_box(netsim::view::analyze(&files));
    let loaded = netsim::manifest::load(&files);
    let cluster = netsim::cluster::build(&loaded.objects);
    let run = |argv: &[&str]| {
        let argv: Vec<String> = argv.iter().map(|s| s.to_string()).collect();
        std::hint::black_box(netsim_cli::run(&argv, &inputs));
    };
    run(&["get", "all", "-A", "-o", "json"]);
    run(&["graph", "-o", "svg", "-A"]);
    if let Some(n) = cluster.objects.nodes.first() {
        run(&["iptables", "--node", &n.meta.name]);
    }
    if let Some(p) = cluster.objects.pods.first() {
        let pod = format!("{}/{}", p.meta.namespace, p.meta.name);
        let svc = cluster.objects.services.last().map_or("kubernetes.default".to_string(), |s| {
            format!("{}.{}", s.meta.name, s.meta.namespace)
        });
        run(&["dns", &svc, "--from", &pod]);
        run(&["dns", &svc, "--from", &pod, "--type", "SRV"]);
        run(&["request", &format!("pod/{pod}"), &format!("{svc}:80"), "--count", "20"]);
    }
}

fn dns_name(data: &[u8]) {
    let Some((&t, rest)) = data.split_first() else { return };
    let types = RecordType::ALL;
    let qtype = types[usize::from(t) % types.len()];
    let name = String::from_utf8_lossy(rest);
    let mut files = SourceFiles::default();
    files.add("cluster.yaml", include_str!("../../fuzz/seeds/cluster.yaml"));
    let loaded = netsim::manifest::load(&files);
    let c = netsim::cluster::build(&loaded.objects);
    let o = &c.objects;
    let zone = Zone::new(
        CorefileConfig::kubeadm(&c.settings.dns_domain),
        ZoneInput {
            services: &o.services,
            endpoint_slices: &o.endpoint_slices,
            pods: &o.pods,
            namespaces: &o.namespaces,
        },
    );
    let settings = netsim::dns::ResolverSettings::new(
        c.settings.cluster_dns.clone(),
        c.settings.cluster_domain.clone(),
    );
    let pod = o.pods.first().cloned().unwrap_or_default();
    let rc = netsim::dns::resolv_conf(&pod, &settings);
    std::hint::black_box(netsim::dns::check_name(&name).ok());
    std::hint::black_box(zone.query(&name, qtype));
    for c in netsim::dns::candidates(&rc, &name) {
        std::hint::black_box(zone.query(&c, qtype));
    }
}

fn rules_parser(text: &str) {
    let Ok(table) = RuleTable::parse(text) else { return };
    let saved = table.save_text();
    if let Err(e) = RuleTable::parse(&saved) {
        panic!("save text does not re-parse: {e:?}\n{saved}");
    }
    let node = NodeInfo {
        name: "node-1".into(),
        ips: vec![IpAddr::V4(Ipv4Addr::new(10, 0, 0, 1)), IpAddr::V4(Ipv4Addr::LOCALHOST)],
        zone: None,
    };
    let p = Packet {
        src: Ipv4Addr::new(10, 244, 1, 5).into(),
        dst: Ipv4Addr::new(10, 96, 0, 10).into(),
        dport: 53,
        proto: Protocol::Udp,
        origin: Origin::FromPod,
    };
    std::hint::black_box(walk(&table, &node, &p));
}

fn nft_parser(text: &str) {
    let Ok(tables) = netsim::proxy::nft::NftTables::parse(text) else { return };
    let node = NodeInfo {
        name: "node-1".into(),
        ips: vec![IpAddr::V4(Ipv4Addr::new(10, 0, 0, 1)), IpAddr::V4(Ipv4Addr::LOCALHOST)],
        zone: None,
    };
    let p = Packet {
        src: Ipv4Addr::new(10, 244, 1, 5).into(),
        dst: Ipv4Addr::new(10, 96, 0, 10).into(),
        dport: 53,
        proto: Protocol::Udp,
        origin: Origin::FromPod,
    };
    std::hint::black_box(netsim::proxy::nft::walk(&tables, &node, &p));
}

fn share_decode(data: &[u8]) {
    let Some((&mode, rest)) = data.split_first() else { return };
    let link = if mode == 0 {
        String::from_utf8_lossy(rest).into_owned()
    } else {
        // The fuzz target base64url-encodes binary payloads; kept inputs here are link text.
        return;
    };
    if let Ok(state) = netsim::share::decode(&link) {
        let again = netsim::share::encode(&state);
        assert_eq!(netsim::share::decode(&again), Ok(state));
    }
}

fn request_target(text: &str) {
    let (from, target) = text.split_once('\n').unwrap_or(("", text));
    std::hint::black_box(netsim::request::parse_source(from).ok());
    std::hint::black_box(netsim::request::parse_target(target).ok());
}

#[test]
fn every_kept_fuzz_input_replays_without_panic() {
    let mut paths: Vec<PathBuf> = match std::fs::read_dir(dir()) {
        Ok(d) => d.filter_map(|e| e.ok()).map(|e| e.path()).filter(|p| p.is_file()).collect(),
        Err(e) => panic!("{}: {e}", dir().display()),
    };
    paths.sort();
    let mut replayed = 0;
    for p in &paths {
        let name = p.file_name().and_then(|n| n.to_str()).unwrap_or_default().to_string();
        if name == "README.md" {
            continue;
        }
        let data = match std::fs::read(p) {
            Ok(d) => d,
            Err(e) => panic!("{name}: {e}"),
        };
        let text = String::from_utf8_lossy(&data);
        let target = name.split('-').next().unwrap_or_default();
        match target {
            "yaml_front_end" => yaml_front_end(&text),
            "pipeline" => pipeline(&text),
            "dns_name" => dns_name(&data),
            "rules_parser" => rules_parser(&text),
            "request_target" => request_target(&text),
            "share_decode" => share_decode(&data),
            "nft_parser" => nft_parser(&text),
            other => panic!("{name}: unknown fuzz target `{other}`"),
        }
        replayed += 1;
    }
    assert!(replayed > 0, "no regression inputs in {}", dir().display());
}
