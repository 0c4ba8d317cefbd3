//! DNS benchmark: resolve every Service name of a 2,000-Service cluster from one Pod, each with
//! the full glibc search walk (`netsim::dns::resolve`), and compare the time per lookup with one
//! ClusterIP map lookup (`BTreeMap<(namespace, name), IpAddr>::get`) measured in the same run.
//! The same is repeated at 20,000 Services: the time per lookup must stay nearly flat (indexes,
//! no scan of all Services).
//!
//! `cargo run --release -p netsim --example bench_dns`
//!
//! The cluster is built from model objects directly (no `testgen` generator exists yet): N
//! ClusterIP Services over 20 namespaces, each with an EndpointSlice of 2 ready endpoints (2N
//! Pods). Names are queried as `<svc>.<namespace>` from a Pod in `ns-0` (two candidates for other
//! namespaces, as kubelet's search list makes them), and as the short name in `ns-0`.

use std::collections::BTreeMap;
use std::hint::black_box;
use std::net::{IpAddr, Ipv4Addr};
use std::time::Instant;

#[path = "common/alloc.rs"]
mod alloc;

use netsim::dns::{
    resolv_conf, resolve, CorefileConfig, RecordType, ResolverSettings, WalkResult, Zone, ZoneInput,
};
use netsim::model::*;

const NAMESPACES: usize = 20;

fn v4(i: usize, base: u8) -> IpAddr {
    IpAddr::V4(Ipv4Addr::new(10, base, (i / 250) as u8, (i % 250) as u8 + 1))
}

struct Figures {
    build_ms: f64,
    candidates_per_name: f64,
    per_lookup_us: f64,
    per_get_ns: f64,
}

fn measure(n: usize) -> Figures {
    let mut services = Vec::with_capacity(n);
    let mut slices = Vec::with_capacity(n);
    let mut pods = Vec::with_capacity(n * 2);
    let mut names = Vec::with_capacity(n);
    for i in 0..n {
        let ns = format!("ns-{}", i % NAMESPACES);
        let name = format!("svc-{i}");
        let ip = v4(i, 96);
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
        for k in 0..2 {
            let pip = v4(i * 2 + k, 244);
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
    let dns = [IpAddr::V4(Ipv4Addr::new(10, 96, 0, 10))];
    let rc = resolv_conf(&client, &ResolverSettings::new(dns.to_vec(), "cluster.local"));
    let queries: Vec<String> = names
        .iter()
        .map(|(ns, n, _)| if ns == "ns-0" { n.clone() } else { format!("{n}.{ns}") })
        .collect();

    // Warm up, and check that every name resolves to its ClusterIP.
    let mut candidates = 0usize;
    for (q, (_, _, ip)) in queries.iter().zip(&names) {
        let w = resolve(&rc, q, RecordType::A, &zone, &dns);
        candidates += w.queries.len();
        let ok = matches!(&w.result, WalkResult::Resolved { answers, .. }
            if answers.first().map(|a| a.data.clone()) == Some(ip.to_string()));
        assert!(ok, "{q}: {:?}", w.result);
    }

    let rounds = (10_000 / n).max(1);
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
    let map_rounds = (4_000_000 / n).max(1);
    let t = Instant::now();
    for _ in 0..map_rounds {
        for k in &keys {
            black_box(map.get(black_box(k)));
        }
    }
    let per_get = t.elapsed().as_secs_f64() / (map_rounds * keys.len()) as f64;
    Figures {
        build_ms: build.as_secs_f64() * 1e3,
        candidates_per_name: candidates as f64 / queries.len() as f64,
        per_lookup_us: per_lookup * 1e6,
        per_get_ns: per_get * 1e9,
    }
}

fn main() {
    let mut per_lookup = Vec::new();
    for n in [2_000, 20_000] {
        let f = measure(n);
        per_lookup.push(f.per_lookup_us);
        println!("{n} Services, {NAMESPACES} namespaces, {} Pods:", n * 2);
        println!("  zone build:                          {:.2} ms", f.build_ms);
        println!("  candidates queried per name:         {:.2}", f.candidates_per_name);
        println!("  time per resolve (full search walk): {:.2} µs", f.per_lookup_us);
        println!("  time per ClusterIP map lookup:       {:.1} ns", f.per_get_ns);
        let ratio = f.per_lookup_us * 1e3 / f.per_get_ns;
        println!("  ratio resolve / map lookup:          {ratio:.0}x");
        // Machine-readable, for `cargo xtask bench`: `ratio <name> <value> <budget or ->`.
        println!("ratio dns/resolve-vs-map-{n} {ratio:.1} -");
    }
    // Flat: the time per lookup at 20,000 Services over that at 2,000.
    if let [small, large] = per_lookup[..] {
        println!("ratio dns/lookup-20000-vs-2000 {:.3} -", large / small.max(1e-12));
    }
}
