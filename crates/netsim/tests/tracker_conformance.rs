//! Conformance: what kube-proxy builds from Services and EndpointSlices before it writes any
//! rule, from the samples in `tests/conformance/tracker`, read at runtime.
//!
//! * `service_port_map.yaml` (upstream `pkg/proxy/servicechangetracker_test.go`
//!   `TestServiceToServiceMap` and the service-map state tests): through
//!   `proxy::service_port_map`.
//! * `endpoints_map.yaml` (upstream `TestUpdateEndpointsMap` and
//!   `TestHealthCheckNodePortWhenTerminating` of the iptables and nftables proxier tests):
//!   through `proxy::endpoints_map` and `proxy::local_ready_endpoints`; and
//!   `pkg/proxy/endpointslicecache_test.go` `TestEndpointsMapFromESC` /
//!   `TestEndpointInfoByServicePort` (one Service's map, with endpoint conditions).

// std's sorts are fine in tests: `clippy.toml` bans them only to keep the wasm small.
#![allow(clippy::disallowed_methods)]

use std::collections::BTreeMap;
use std::net::IpAddr;

use netsim::model::{IpFamily, Protocol};
use netsim::proxy::{self, Cidr, NodeInfo};

const ROOT: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/conformance");

#[path = "common/proxy_fixtures.rs"]
mod proxy_fixtures;

use proxy_fixtures::{protocol, Y};

fn read(path: &str) -> Y {
    proxy_fixtures::read(ROOT, path)
}

fn ips(y: &Y) -> Vec<IpAddr> {
    y.seq().iter().map(|i| i.s().parse().expect("IP")).collect()
}

fn family(y: &Y) -> IpFamily {
    match y.str() {
        Some("IPv6") => IpFamily::IPv6,
        _ => IpFamily::IPv4,
    }
}

/// Every case of every group of a file, with the group's source for messages.
fn cases(file: &Y) -> Vec<(String, &Y)> {
    let mut out = Vec::new();
    for g in file.get("groups").seq() {
        let src = g.get("source");
        let test = src.get("test").str().map_or_else(|| "state tests".to_string(), str::to_string);
        for c in g.get("cases").seq() {
            out.push((format!("{test}: {}", c.get("name").s()), c));
        }
    }
    out
}

fn check_service_port(name: &str, got: &proxy::ServicePortInfo, want: &Y) {
    let ctx = format!("{name}: {}", got.service_port);
    assert_eq!(got.service_port, want.get("servicePort").s(), "{name}");
    assert_eq!(got.protocol, protocol(want.get("protocol")), "{ctx}: protocol");
    assert_eq!(got.cluster_ip, want.get("clusterIP").s().parse::<IpAddr>().unwrap(), "{ctx}");
    assert_eq!(i64::from(got.port), want.get("port").int().unwrap(), "{ctx}: port");
    assert_eq!(
        i64::from(got.health_check_node_port),
        want.get("healthCheckNodePort").int().unwrap_or(0),
        "{ctx}: healthCheckNodePort"
    );
    assert_eq!(got.external_ips, ips(want.get("externalIPs")), "{ctx}: externalIPs");
    assert_eq!(got.load_balancer_vips, ips(want.get("loadBalancerVIPs")), "{ctx}: VIPs");
    let ranges: Vec<String> = want
        .get("loadBalancerSourceRanges")
        .seq()
        .iter()
        .map(|r| Cidr::parse_sloppy(&r.s()).expect("CIDR").to_string())
        .collect();
    assert_eq!(got.load_balancer_source_ranges, ranges, "{ctx}: loadBalancerSourceRanges");
}

#[test]
fn service_port_map() {
    let file = read("tracker/service_port_map.yaml");
    let mut checked = 0;
    for (name, c) in cases(&file) {
        let services: Vec<_> =
            c.get("services").seq().iter().map(proxy_fixtures::service).collect();
        let got = proxy::service_port_map(&services, family(c.get("family")));
        if let Y::Seq(want) = c.get("expected") {
            let mut want: Vec<&Y> = want.iter().collect();
            want.sort_by_key(|w| w.get("servicePort").s());
            assert_eq!(got.len(), want.len(), "{name}: {got:#?}");
            for (g, w) in got.iter().zip(want) {
                check_service_port(&name, g, w);
            }
        }
        if let Some(n) = c.get("length").int() {
            assert_eq!(got.len() as i64, n, "{name}: service map length");
        }
        if let Y::Map(hc) = c.get("healthCheckNodePorts") {
            let want: BTreeMap<String, i64> =
                hc.iter().map(|(k, v)| (k.clone(), v.int().unwrap())).collect();
            let mut have = BTreeMap::new();
            for p in got.iter().filter(|p| p.health_check_node_port != 0) {
                let svc = p.service_port.split(':').next().unwrap().to_string();
                have.insert(svc, i64::from(p.health_check_node_port));
            }
            assert_eq!(have, want, "{name}: HealthCheckNodePorts()");
        }
        checked += 1;
    }
    assert_eq!(checked, 24, "cases in service_port_map.yaml");
}

fn node(name: &str) -> NodeInfo {
    NodeInfo { name: name.into(), ..Default::default() }
}

fn slices(state: &Y) -> Vec<netsim::model::EndpointSlice> {
    state
        .get("endpointSlices")
        .seq()
        .iter()
        .map(|s| proxy_fixtures::slice(s, s.get("sliceNum").int().unwrap_or(1) as usize))
        .collect()
}

fn check_map(name: &str, got: &[proxy::EndpointsMapEntry], want: &[Y]) {
    let mut want: Vec<&Y> = want.iter().collect();
    want.sort_by_key(|w| w.get("servicePort").s());
    let keys = |v: &[proxy::EndpointsMapEntry]| {
        v.iter().map(|e| format!("{} {:?}", e.service_port, e.protocol)).collect::<Vec<_>>()
    };
    assert_eq!(got.len(), want.len(), "{name}: entries {:?}", keys(got));
    for (g, w) in got.iter().zip(want) {
        assert_eq!(g.service_port, w.get("servicePort").s(), "{name}");
        assert_eq!(g.protocol, protocol(w.get("protocol")), "{name}: {}", g.service_port);
        let want = w.get("endpoints").seq();
        let have: Vec<&str> = g.endpoints.iter().map(|e| e.endpoint.as_str()).collect();
        let expect: Vec<String> = want.iter().map(|e| e.get("endpoint").s()).collect();
        assert_eq!(have, expect, "{name}: {}", g.service_port);
        for (e, w) in g.endpoints.iter().zip(want) {
            let ctx = format!("{name}: {} {}", g.service_port, e.endpoint);
            assert_eq!(Some(e.is_local), w.get("isLocal").bool(), "{ctx}: isLocal");
            // Conditions, where the case gives them (upstream BaseEndpointInfo fields).
            for (flag, key) in
                [(e.ready, "ready"), (e.serving, "serving"), (e.terminating, "terminating")]
            {
                if let Some(b) = w.get(key).bool() {
                    assert_eq!(flag, b, "{ctx}: {key}");
                }
            }
        }
    }
}

#[test]
fn endpoints_map() {
    let file = read("tracker/endpoints_map.yaml");
    let mut checked = 0;
    for (name, c) in cases(&file) {
        for state in c.get("states").seq() {
            let name = format!("{name} ({})", state.get("name").s());
            let host = c.get("hostname").str().unwrap_or("test-node");
            let mut got = proxy::endpoints_map(&slices(state), &node(host), IpFamily::IPv4);
            // Upstream's per-Service map (endpointslicecache_test.go): one Service's entries.
            if let Some(svc) = c.get("service").str() {
                got.retain(|e| e.service_port.split(':').next() == Some(svc));
            }
            if let Y::Seq(want) = state.get("expected") {
                check_map(&name, &got, want);
            }
            let local = proxy::local_ready_endpoints(&got);
            if let Y::Map(want) = state.get("localReadyEndpoints") {
                let want: BTreeMap<String, usize> =
                    want.iter().map(|(k, v)| (k.clone(), v.int().unwrap() as usize)).collect();
                assert_eq!(local, want, "{name}: LocalReadyEndpoints()");
            }
            if let Some(n) = state.get("localReadyServices").int() {
                assert_eq!(local.len() as i64, n, "{name}: len(LocalReadyEndpoints())");
            }
            checked += 1;
        }
    }
    assert_eq!(checked, 41, "states in endpoints_map.yaml");
}

#[test]
fn endpoints_map_protocols_are_kept_apart() {
    // A sanity check of the key: the same port name on two protocols is two entries.
    let y = proxy_fixtures::parse_yaml(
        "{namespace: ns1, service: s, addressType: IPv4, endpoints: [{addresses: [10.0.0.1]}], \
         ports: [{name: dns, port: 53, protocol: UDP}, {name: dns, port: 53, protocol: TCP}]}",
    );
    let got = proxy::endpoints_map(&[proxy_fixtures::slice(&y, 1)], &node("n"), IpFamily::IPv4);
    let protos: Vec<Protocol> = got.iter().map(|e| e.protocol).collect();
    assert_eq!(protos.len(), 2, "{got:?}");
}
