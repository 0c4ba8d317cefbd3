//! DNS benchmark: resolve every Service name of a 2,000-Service cluster from one Pod, each with
//! the full glibc search walk (`netsim::dns::resolve`), and compare the time per lookup with one
//! ClusterIP map lookup (`BTreeMap<(namespace, name), IpAddr>::get`) measured in the same run.
//!
//! `cargo run --release -p netsim --example bench_dns`
//!
//! The cluster is built from model objects directly (no `testgen` generator exists yet): 2,000
//! ClusterIP Services over 20 namespaces, each with an EndpointSlice of 2 ready endpoints, 4,000
//! Pods. Names are queried as `<svc>.<namespace>` from a Pod in `ns-0` (two candidates for other
//! namespaces, as kubelet's search list makes them), plus every same-namespace short name.

use std::collections::BTreeMap;
use std::hint::black_box;
use std::net::{IpAddr, Ipv4Addr};
use std::time::Instant;

use netsim::dns::{
    resolv_conf, resolve, CorefileConfig, RecordType, ResolverSettings, WalkResult, Zone, ZoneInput,
};
use netsim::model::*;

const SERVICES: usize = 2000;
const NAMESPACES: usize = 20;

fn v4(a: u8, b: u8, c: u8, d: u8) -> IpAddr {
    IpAddr::V4(Ipv4Addr::new(a, b, c, d))
}

fn main() {
    let mut services = Vec::with_capacity(SERVICES);
    let mut slices = Vec::with_capacity(SERVICES);
    let mut pods = Vec::with_capacity(SERVICES * 2);
    let mut names = Vec::with_capacity(SERVICES);
    for i in 0..SERVICES {
        let ns = format!("ns-{}", i % NAMESPACES);
        let name = format!("svc-{i}");
        let ip = v4(10, 96, (i / 250) as u8 + 1, (i % 250) as u8 + 1);
        let mut s = Service::default();
        s.meta.name = name.clone();
        s.meta.namespace = ns.clone();
        s.spec.cluster_ips = vec![ip];
        s.spec.ports = vec![ServicePort {
            name: "http".into(),
            protocol: Protocol::Tcp,
            port: 80,
            target_port: IntOrString::Int(8080),
            node_port: None,
            app_protocol: None,
        }];
        services.push(s);
        let mut sl = EndpointSlice::default();
        sl.meta.name = format!("{name}-abcde");
        sl.meta.namespace = ns.clone();
        sl.meta.labels.insert("kubernetes.io/service-name".into(), name.clone());
        for k in 0..2u8 {
            let pip = v4(10, 244, (i / 125) as u8, ((i % 125) * 2) as u8 + k);
            sl.endpoints.push(Endpoint { addresses: vec![pip], ..Endpoint::default() });
            let mut p = Pod::default();
            p.meta.name = format!("{name}-{k}");
            p.meta.namespace = ns.clone();
            p.status.pod_ips = vec![pip];
            pods.push(p);
        }
        sl.ports.push(EndpointPort {
            name: Some("http".into()),
            port: Some(8080),
            protocol: Protocol::Tcp,
            app_protocol: None,
        });
        slices.push(sl);
        names.push((ns, name, ip));
    }
    let t0 = Instant::now();
    let zone = Zone::new(
        CorefileConfig::kubeadm("cluster.local"),
        ZoneInput { services: &services, endpoint_slices: &slices, pods: &pods, namespaces: &[] },
    );
    let build = t0.elapsed();

    let mut client = Pod::default();
    client.meta.name = "client".into();
    client.meta.namespace = "ns-0".into();
    client.spec.dns_policy = "ClusterFirst".into();
    let dns = [v4(10, 96, 0, 10)];
    let rc = resolv_conf(&client, &ResolverSettings::new(dns.to_vec(), "cluster.local"));
    let queries: Vec<String> = names
        .iter()
        .map(|(ns, n, _)| if ns == "ns-0" { n.clone() } else { format!("{n}.{ns}") })
        .collect();

    // Warm up and check every name resolves to its ClusterIP.
    let mut candidates = 0usize;
    for (q, (_, _, ip)) in queries.iter().zip(&names) {
        let w = resolve(&rc, q, RecordType::A, &zone, &dns);
        candidates += w.queries.len();
        match &w.result {
            WalkResult::Resolved { answers, .. }
                if answers.first().map(|a| a.data.as_str()) == Some(ip.to_string().as_str()) => {}
            other => panic!("{q}: {other:?}"),
        }
    }

    let rounds = 5;
    let t = Instant::now();
    for _ in 0..rounds {
        for q in &queries {
            black_box(resolve(&rc, black_box(q), RecordType::A, &zone, &dns));
        }
    }
    let per_lookup = t.elapsed().as_secs_f64() / (rounds * queries.len()) as f64;

    let map: BTreeMap<(String, String), IpAddr> =
        names.iter().map(|(ns, n, ip)| ((ns.clone(), n.clone()), *ip)).collect();
    let keys: Vec<(String, String)> =
        names.iter().map(|(ns, n, _)| (ns.clone(), n.clone())).collect();
    let map_rounds = 2000;
    let t = Instant::now();
    for _ in 0..map_rounds {
        for k in &keys {
            black_box(map.get(black_box(k)));
        }
    }
    let per_get = t.elapsed().as_secs_f64() / (map_rounds * keys.len()) as f64;

    println!("services: {SERVICES}, namespaces: {NAMESPACES}, pods: {}", pods.len());
    println!("zone build: {:.2} ms", build.as_secs_f64() * 1e3);
    println!(
        "names resolved: {} (candidates queried: {}, {:.2} per name)",
        queries.len(),
        candidates,
        candidates as f64 / queries.len() as f64
    );
    println!("time per resolve (full search walk): {:.2} µs", per_lookup * 1e6);
    println!("time per ClusterIP map lookup:       {:.1} ns", per_get * 1e9);
    println!("ratio resolve / map lookup:          {:.0}x", per_lookup / per_get);
}
