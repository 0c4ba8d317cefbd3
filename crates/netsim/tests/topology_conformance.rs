//! Conformance: topology-aware routing samples in `tests/conformance/topology`, read at runtime.
//!
//! * `categorize_endpoints.yaml` (upstream `pkg/proxy/topology_test.go`
//!   `TestCategorizeEndpoints`): every case through `proxy::categorize_endpoints` (what both
//!   kube-proxy modes compute before writing rules), then end to end through the iptables and
//!   nftables rules of the same node (the Cluster and Local chains jump to exactly those
//!   endpoints).
//! * `trafficdist_reconcile_hints.yaml` (upstream
//!   `staging/src/k8s.io/endpointslice/trafficdist/trafficdist_test.go` `TestReconcileHints`):
//!   the hints `cluster::reconcile_hints` writes for each `trafficDistribution`.

// std's sorts are fine in tests: `clippy.toml` bans them only to keep the wasm small.
#![allow(clippy::disallowed_methods)]

use std::collections::BTreeMap;

use netsim::model::{
    Endpoint, EndpointConditions, EndpointHints, EndpointPort, EndpointSlice, IntOrString,
    IpFamily, ObjectMeta, Protocol, Service, ServicePort, ServiceType, TrafficPolicy,
};
use netsim::proxy::{self, NodeInfo, ProxyConfig};

const ROOT: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/conformance");

#[path = "common/proxy_fixtures.rs"]
mod proxy_fixtures;

use proxy_fixtures::Y;

fn read(path: &str) -> Y {
    proxy_fixtures::read(ROOT, path)
}

fn strings(y: &Y) -> Vec<String> {
    let mut v: Vec<String> = y.seq().iter().map(Y::s).collect();
    v.sort();
    v
}

/// `null` → `None` (upstream nil: the service does not use this kind of endpoints).
fn opt_strings(y: &Y) -> Option<Vec<String>> {
    match y {
        Y::Null => None,
        _ => Some(strings(y)),
    }
}

struct Categorize {
    name: String,
    svc: Service,
    slice: EndpointSlice,
    node: NodeInfo,
    cfg: ProxyConfig,
    cluster: Option<Vec<String>>,
    local: Option<Vec<String>>,
    all: Vec<String>,
    has_any: bool,
}

/// The Service of a case: `ns1/svc1` port `p80` 80/TCP; a NodePort Service when upstream's
/// `BaseServicePortInfo` has a nodePort (so `ExternallyAccessible`).
fn categorize_service(y: &Y) -> Service {
    let mut svc = Service {
        meta: ObjectMeta { name: "svc1".into(), namespace: "ns1".into(), ..Default::default() },
        ..Default::default()
    };
    svc.spec.cluster_ips = vec!["172.30.0.41".parse().unwrap()];
    let node_port = y.get("nodePort").int().map(|n| n as i32);
    svc.spec.type_ =
        if node_port.is_some() { ServiceType::NodePort } else { ServiceType::ClusterIP };
    svc.spec.ports.push(ServicePort {
        name: "p80".into(),
        protocol: Protocol::Tcp,
        port: 80,
        target_port: IntOrString::Int(80),
        node_port,
        app_protocol: None,
    });
    let local = |k: &str| {
        if y.get(k).bool() == Some(true) {
            Some(TrafficPolicy::Local)
        } else {
            Some(TrafficPolicy::Cluster)
        }
    };
    svc.spec.internal_traffic_policy = local("internalPolicyLocal");
    svc.spec.external_traffic_policy = local("externalPolicyLocal");
    svc
}

/// Upstream `BaseEndpointInfo`: unset booleans are false; `isLocal` is the endpoint's nodeName
/// being this node.
fn categorize_endpoint(e: &Y, node: &str) -> Endpoint {
    let (ip, _) =
        e.get("ep").s().rsplit_once(':').map(|(a, b)| (a.to_string(), b.to_string())).unwrap();
    let b = |k: &str| Some(e.get(k).bool().unwrap_or(false));
    let zones: Vec<String> = e.get("zones").seq().iter().map(Y::s).collect();
    let nodes: Vec<String> = e.get("nodes").seq().iter().map(Y::s).collect();
    Endpoint {
        addresses: vec![ip.parse().unwrap()],
        conditions: EndpointConditions {
            ready: b("ready"),
            serving: b("serving"),
            terminating: b("terminating"),
        },
        node_name: (e.get("local").bool() == Some(true)).then(|| node.to_string()),
        hints: (!zones.is_empty() || !nodes.is_empty())
            .then_some(EndpointHints { for_zones: zones, for_nodes: nodes }),
        ..Default::default()
    }
}

fn categorize_cases() -> Vec<Categorize> {
    let doc = read("topology/categorize_endpoints.yaml");
    let mut out = Vec::new();
    for c in doc.get("cases").seq() {
        let node_name = c.get("nodeName").str().unwrap_or("test-node").to_string();
        let zone = c.get("nodeLabels").get("topology.kubernetes.io/zone");
        let node = NodeInfo {
            name: node_name.clone(),
            ips: vec!["192.168.0.2".parse().unwrap(), "127.0.0.1".parse().unwrap()],
            // `CategorizeEndpoints` reads `nodeLabels[LabelTopologyZone]`; a missing label and
            // an empty one both mean "no zone".
            zone: zone.str().filter(|z| !z.is_empty()).map(str::to_string),
        };
        let mut labels = BTreeMap::new();
        labels.insert("kubernetes.io/service-name".to_string(), "svc1".to_string());
        let slice = EndpointSlice {
            meta: ObjectMeta {
                name: "svc1-abc".into(),
                namespace: "ns1".into(),
                labels,
                ..Default::default()
            },
            address_type: "IPv4".into(),
            endpoints: c
                .get("endpoints")
                .seq()
                .iter()
                .map(|e| categorize_endpoint(e, &node_name))
                .collect(),
            ports: vec![EndpointPort {
                name: Some("p80".into()),
                port: Some(80),
                protocol: Protocol::Tcp,
                app_protocol: None,
            }],
        };
        let cluster = opt_strings(c.get("cluster"));
        let local = opt_strings(c.get("local"));
        // As upstream derives expectedAllEndpoints.
        let all = match (&cluster, &local) {
            (Some(cl), None) => cl.clone(),
            (None, Some(l)) => l.clone(),
            _ => strings(c.get("all")),
        };
        let has_any = !all.is_empty() || c.get("onlyRemote").bool() == Some(true);
        let cfg = ProxyConfig {
            prefer_same_traffic_distribution: c.get("preferSame").bool().unwrap_or(true),
            cluster_cidr: Some("10.0.0.0/8".into()),
            ..ProxyConfig::default()
        };
        out.push(Categorize {
            name: c.get("name").s(),
            svc: categorize_service(c.get("service")),
            slice,
            node,
            cfg,
            cluster,
            local,
            all,
            has_any,
        });
    }
    out
}

fn sorted(v: &[String]) -> Vec<String> {
    let mut v = v.to_vec();
    v.sort();
    v
}

#[test]
fn categorize_endpoints_yaml() {
    let cases = categorize_cases();
    assert_eq!(cases.len(), 30, "every case of the sample is read");
    let mut failures = Vec::new();
    for c in &cases {
        let got = proxy::categorize_endpoints(
            std::slice::from_ref(&c.svc),
            std::slice::from_ref(&c.slice),
            &c.node,
            &c.cfg,
        );
        assert_eq!(got.len(), 1, "{}", c.name);
        let g = &got[0];
        let gc = g.cluster.as_deref().map(sorted);
        let gl = g.local.as_deref().map(sorted);
        if gc != c.cluster
            || gl != c.local
            || sorted(&g.reachable) != c.all
            || g.has_any != c.has_any
        {
            failures.push(format!(
                "{}:\n  want cluster={:?} local={:?} all={:?} hasAny={}\n  got  cluster={:?} local={:?} all={:?} hasAny={} (topology {:?})",
                c.name, c.cluster, c.local, c.all, c.has_any, gc, gl, g.reachable, g.has_any, g.topology
            ));
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} failed:\n{}",
        failures.len(),
        cases.len(),
        failures.join("\n")
    );
}

/// The endpoints (`ip:port`) the iptables chains of `svc1` jump to: KUBE-SVC-* (Cluster policy)
/// and KUBE-SVL-* (Local policy), read from their `-> ip:port` comments.
fn iptables_targets(text: &str, prefix: &str) -> Vec<String> {
    let mut v: Vec<String> = text
        .lines()
        .filter(|l| l.starts_with(&format!("-A {prefix}")) && l.contains("-j KUBE-SEP-"))
        .filter_map(|l| l.split(" -> ").nth(1)?.split('"').next().map(str::to_string))
        .collect();
    v.sort();
    v
}

/// End to end in iptables mode: the Cluster chain jumps to exactly `clusterEndpoints`, the
/// Local chain to exactly `localEndpoints`, and a KUBE-SEP chain exists for each of
/// `allReachableEndpoints`.
#[test]
fn categorize_endpoints_through_iptables() {
    let mut failures = Vec::new();
    for c in categorize_cases() {
        let rs = proxy::generate(
            std::slice::from_ref(&c.svc),
            std::slice::from_ref(&c.slice),
            &c.node,
            &c.cfg,
        );
        let text = rs.restore_text();
        let cluster = iptables_targets(&text, "KUBE-SVC-");
        let local = iptables_targets(&text, "KUBE-SVL-");
        let seps: Vec<String> = {
            let mut v: Vec<String> = text
                .lines()
                .filter(|l| l.starts_with("-A KUBE-SEP-") && l.contains("-j DNAT"))
                .filter_map(|l| l.split("--to-destination ").nth(1).map(|s| s.trim().to_string()))
                .collect();
            v.sort();
            v
        };
        let want_cluster = c.cluster.clone().unwrap_or_default();
        let want_local = c.local.clone().unwrap_or_default();
        if cluster != want_cluster || local != want_local || seps != c.all {
            failures.push(format!(
                "{}: cluster {cluster:?} (want {want_cluster:?}), local {local:?} (want {want_local:?}), SEPs {seps:?} (want {:?})",
                c.name, c.all
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// The endpoints an nftables chain whose name starts with `prefix` dispatches to, read from the
/// `endpoint-…__<ip>/<port>` chain names in its rules.
fn nft_targets(text: &str, prefix: &str) -> Vec<String> {
    let mut v = Vec::new();
    let mut inside = false;
    for line in text.lines() {
        let t = line.trim();
        if let Some(rest) = t.strip_prefix("chain ") {
            inside = rest.starts_with(prefix);
            continue;
        }
        if !inside || t.starts_with("endpoint") {
            continue;
        }
        for tok in t.split(|ch: char| ch.is_whitespace() || ch == ',' || ch == '}') {
            if let Some((_, ep)) = tok.strip_prefix("endpoint-").and_then(|x| x.rsplit_once("__")) {
                if let Some((ip, port)) = ep.rsplit_once('/') {
                    v.push(format!("{ip}:{port}"));
                }
            }
        }
    }
    v.sort();
    v.dedup();
    v
}

/// End to end in nftables mode: `service-…` dispatches to `clusterEndpoints`, `local-…` to
/// `localEndpoints`.
#[test]
fn categorize_endpoints_through_nftables() {
    let mut failures = Vec::new();
    for c in categorize_cases() {
        let cfg = ProxyConfig {
            mode: proxy::ProxyMode::Nftables,
            ip_families: vec![IpFamily::IPv4],
            ..c.cfg.clone()
        };
        let rs = proxy::nft::generate(
            std::slice::from_ref(&c.svc),
            std::slice::from_ref(&c.slice),
            &c.node,
            &cfg,
        );
        let text = rs.ruleset_text();
        let cluster = nft_targets(&text, "service-");
        let local = nft_targets(&text, "local-");
        let want_cluster = c.cluster.clone().unwrap_or_default();
        let want_local = c.local.clone().unwrap_or_default();
        if cluster != want_cluster || local != want_local {
            failures.push(format!(
                "{}: cluster {cluster:?} (want {want_cluster:?}), local {local:?} (want {want_local:?})",
                c.name
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

// ---------------------------------------------------------------------------------------------
// trafficdist_reconcile_hints.yaml

/// Every case's endpoints in one slice of a Service with the case's `trafficDistribution`,
/// through `cluster::reconcile_hints`; each endpoint's zone hints must be upstream's.
#[test]
fn trafficdist_reconcile_hints_yaml() {
    let doc = read("topology/trafficdist_reconcile_hints.yaml");
    let cases = doc.get("cases").seq();
    assert_eq!(cases.len(), 6, "every case of the sample is read");
    let mut failures = Vec::new();
    for c in cases {
        let mut svc = Service {
            meta: ObjectMeta { name: "svc1".into(), namespace: "ns1".into(), ..Default::default() },
            ..Default::default()
        };
        svc.spec.traffic_distribution = c.get("trafficDistribution").str().map(str::to_string);
        let eps = c.get("endpoints").seq();
        let mut slices = vec![EndpointSlice {
            meta: ObjectMeta {
                name: "svc1-abc".into(),
                namespace: "ns1".into(),
                ..Default::default()
            },
            address_type: "IPv4".into(),
            endpoints: eps
                .iter()
                .map(|e| {
                    let hints: Vec<String> = e.get("hints").seq().iter().map(Y::s).collect();
                    Endpoint {
                        addresses: vec![e.get("address").s().parse().unwrap()],
                        conditions: EndpointConditions {
                            ready: e.get("ready").bool(),
                            ..Default::default()
                        },
                        node_name: e.get("nodeName").str().map(str::to_string),
                        zone: e.get("zone").str().map(str::to_string),
                        hints: (!hints.is_empty())
                            .then_some(EndpointHints { for_zones: hints, for_nodes: Vec::new() }),
                        ..Default::default()
                    }
                })
                .collect(),
            ports: Vec::new(),
        }];
        netsim::cluster::reconcile_hints(&svc, &mut slices);
        for (e, got) in eps.iter().zip(&slices[0].endpoints) {
            let want = match e.get("want") {
                Y::Null => None,
                w => Some(EndpointHints {
                    for_zones: w.seq().iter().map(Y::s).collect(),
                    for_nodes: Vec::new(),
                }),
            };
            if got.hints != want {
                failures.push(format!(
                    "{} / {}: hints {:?}, want {want:?}",
                    c.get("name").s(),
                    e.get("address").s(),
                    got.hints
                ));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

// ---------------------------------------------------------------------------------------------
// topologycache.yaml

/// `TestAddHints`: the case's ratios as the cache's `cpuRatiosByZone`, its endpoints (ToCreate
/// then ToUpdate) in one slice, through `cluster::add_hints`: each endpoint's zone hint, the
/// event (type, reason, message prefix) and the hints per zone must be upstream's.
#[test]
fn topologycache_add_hints_yaml() {
    let doc = read("topology/topologycache.yaml");
    let cases = doc.get("addHints").seq();
    assert_eq!(cases.len(), 6, "every TestAddHints case is read");
    let mut failures = Vec::new();
    for c in cases {
        let name = c.get("name").s();
        let ratios: Option<netsim::cluster::ZoneRatios> = match c.get("ratios") {
            Y::Map(m) => Some(m.iter().map(|(k, v)| (k.clone(), v.s().parse().unwrap())).collect()),
            _ => None,
        };
        let eps = c.get("endpoints").seq();
        let mut slices = vec![EndpointSlice {
            meta: ObjectMeta::default(),
            address_type: "IPv4".into(),
            endpoints: eps
                .iter()
                .map(|e| Endpoint {
                    addresses: vec![e.get("address").s().parse().unwrap()],
                    conditions: EndpointConditions {
                        ready: e.get("ready").bool(),
                        ..Default::default()
                    },
                    zone: e.get("zone").str().map(str::to_string),
                    ..Default::default()
                })
                .collect(),
            ports: Vec::new(),
        }];
        let ev = netsim::cluster::add_hints(ratios.as_ref(), &mut slices);
        let want_ev = c.get("event");
        let want_type = want_ev.get("type").s();
        let got_type = if ev.warning { "Warning" } else { "Normal" };
        if got_type != want_type
            || ev.reason != want_ev.get("reason").s()
            || !ev.message.starts_with(&want_ev.get("message").s())
        {
            failures.push(format!("{name}: event {ev:?}, want {want_ev:?}"));
        }
        let mut by_zone: BTreeMap<String, i64> = BTreeMap::new();
        for (e, got) in eps.iter().zip(&slices[0].endpoints) {
            let want = e
                .get("want")
                .str()
                .map(|z| EndpointHints { for_zones: vec![z.to_string()], for_nodes: Vec::new() });
            if got.hints != want {
                failures.push(format!(
                    "{name} / {}: hints {:?}, want {want:?}",
                    e.get("address").s(),
                    got.hints
                ));
            }
            for z in got.hints.iter().flat_map(|h| &h.for_zones) {
                *by_zone.entry(z.clone()).or_insert(0) += 1;
            }
        }
        let want_zones: BTreeMap<String, i64> = match c.get("zones") {
            Y::Map(m) => m.iter().map(|(k, v)| (k.clone(), v.int().unwrap())).collect(),
            _ => BTreeMap::new(),
        };
        if by_zone != want_zones {
            failures.push(format!("{name}: hints by zone {by_zone:?}, want {want_zones:?}"));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// `TestSetNodes`: the Nodes through `cluster::zone_ratios` (allocatable CPU parsed with
/// `cluster::cpu_milli`); `None` is upstream's nil ratios / insufficient node info.
#[test]
fn topologycache_set_nodes_yaml() {
    let doc = read("topology/topologycache.yaml");
    let cases = doc.get("setNodes").seq();
    assert_eq!(cases.len(), 9, "every TestSetNodes case is read");
    let mut failures = Vec::new();
    for c in cases {
        let nodes: Vec<netsim::model::Node> = c
            .get("nodes")
            .seq()
            .iter()
            .enumerate()
            .map(|(i, n)| {
                let mut labels: BTreeMap<String, String> = match n.get("labels") {
                    Y::Map(m) => m.iter().map(|(k, v)| (k.clone(), v.s())).collect(),
                    _ => BTreeMap::new(),
                };
                labels.insert("topology.kubernetes.io/zone".into(), n.get("zone").s());
                netsim::model::Node {
                    meta: ObjectMeta { name: format!("node-{i}"), labels, ..Default::default() },
                    ready: n.get("ready").bool() == Some(true),
                    allocatable_cpu_milli: netsim::cluster::cpu_milli(&n.get("cpu").s()),
                    ..Default::default()
                }
            })
            .collect();
        let got = netsim::cluster::zone_ratios(&nodes);
        let want: Option<netsim::cluster::ZoneRatios> = match c.get("ratios") {
            Y::Map(m) => Some(m.iter().map(|(k, v)| (k.clone(), v.s().parse().unwrap())).collect()),
            _ => None,
        };
        let sufficient = c.get("sufficient").bool() == Some(true);
        if got != want || got.is_some() != sufficient {
            failures.push(format!("{}: ratios {got:?}, want {want:?}", c.get("name").s()));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
