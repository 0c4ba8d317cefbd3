//! Benchmark: 10,000 requests through the generated 10,000-Pod / 2,000-Service cluster
//! (`testgen::generate(10_000, 2_000, 100)`), each from a Pod to a Service by short name: the
//! resolver's full search walk, the DNS query routed to CoreDNS, the netfilter walk over the
//! node's parsed rules, routing and delivery. The DNS zone and the per-node rule tables are
//! built once (by the `Session`, rule tables on first use) and reused, as a running cluster would.
//!
//! Prints the time per request as a ratio to parsing the cluster's YAML once
//! (`manifest::load`), plus the one-off costs. Run with
//! `cargo run --release -p netsim --example bench_request`.

use std::hint::black_box;
use std::time::Instant;

#[path = "common/alloc.rs"]
mod alloc;

use netsim::diagnostic::SourceFiles;
use netsim::request::{parse_source, parse_target, Options, Outcome, Source};
use netsim::session::Session;

const PODS: usize = 10_000;
const SERVICES: usize = 2_000;
// 100 nodes: kubelet runs at most 110 Pods per node and each node gets a /24 pod CIDR.
const NODES: usize = 100;
const REQUESTS: usize = 10_000;

fn main() {
    let yaml = netsim::testgen::generate(PODS, SERVICES, NODES);
    let mut files = SourceFiles::default();
    files.add("bench.yaml", yaml);

    let t = Instant::now();
    black_box(netsim::manifest::load(&files));
    let parse = t.elapsed();

    // The session loads and builds (a second parse, counted in `build`).
    let t = Instant::now();
    let session = Session::new(files.clone());
    let build = t.elapsed();
    let cluster = session.cluster();

    let t = Instant::now();
    let net = session.network();
    let prepare = t.elapsed();

    // Requests: pod-i → svc-(7i mod 2000):80 by short name (same namespace `bench`).
    let reqs: Vec<(Source, netsim::request::Target)> = (0..REQUESTS)
        .map(|i| {
            let from = parse_source(&format!("pod/bench/pod-{}", (i * 13) % PODS))
                .unwrap_or(Source::External);
            let to = parse_target(&format!("svc-{}:80", (i * 7) % SERVICES));
            (from, to)
        })
        .filter_map(|(f, t)| t.ok().map(|t| (f, t)))
        .collect();

    // Warm-up: the first request on each node generates and parses that node's rules.
    let t = Instant::now();
    for (from, to) in reqs.iter().take(NODES * 3) {
        let _ = black_box(net.request(from, to, &Options::default()));
    }
    let warm = t.elapsed();

    let t = Instant::now();
    let mut connected = 0usize;
    for (i, (from, to)) in reqs.iter().enumerate() {
        let r = net.request(from, to, &Options { count: 1, seed: i as u64 });
        if matches!(r, Ok(ref r) if r.outcome == Outcome::Connected) {
            connected += 1;
        }
        black_box(&r);
    }
    let run = t.elapsed();

    // The same requests to the ClusterIP directly (no name resolution): the netfilter walk,
    // routing and delivery alone.
    let by_ip: Vec<(Source, netsim::request::Target)> = reqs
        .iter()
        .filter_map(|(f, t)| {
            let netsim::request::Host::Name(n) = &t.host else { return None };
            let svc = cluster
                .objects
                .services
                .iter()
                .find(|s| s.meta.namespace == "bench" && s.meta.name == *n)?;
            let ip = svc.spec.cluster_ips.first()?;
            Some((f.clone(), parse_target(&format!("{ip}:80")).ok()?))
        })
        .collect();
    let t = Instant::now();
    for (i, (from, to)) in by_ip.iter().enumerate() {
        black_box(net.request(from, to, &Options { count: 1, seed: i as u64 }).ok());
    }
    let run_ip = t.elapsed();
    let per_ip = run_ip.as_secs_f64() / by_ip.len().max(1) as f64;

    let per = run.as_secs_f64() / reqs.len().max(1) as f64;
    println!("cluster: {PODS} Pods, {SERVICES} Services, {NODES} nodes; {} requests, {connected} connected", reqs.len());
    println!("parse YAML once (manifest::load):       {:>10.3} ms", parse.as_secs_f64() * 1e3);
    println!("Session::new (load + cluster::build):   {:>10.3} ms", build.as_secs_f64() * 1e3);
    println!("Session::network (DNS zone, indexes):   {:>10.3} ms", prepare.as_secs_f64() * 1e3);
    println!("warm-up (rule tables of {NODES} nodes):       {:>10.3} ms", warm.as_secs_f64() * 1e3);
    println!(
        "{} requests:                         {:>10.3} ms",
        reqs.len(),
        run.as_secs_f64() * 1e3
    );
    println!("per request:                            {:>10.3} µs", per * 1e6);
    println!(
        "per request / parse once:               {:>10.5}",
        per / parse.as_secs_f64().max(1e-12)
    );
    println!(
        "all requests / parse once:              {:>10.3}",
        run.as_secs_f64() / parse.as_secs_f64().max(1e-12)
    );
    println!(
        "per request to the ClusterIP (no DNS):  {:>10.3} µs (ratio to parse once {:.5})",
        per_ip * 1e6,
        per_ip / parse.as_secs_f64().max(1e-12)
    );
    // Machine-readable, for `cargo xtask bench`: `ratio <name> <value> <budget or ->`, each a
    // ratio to parsing the YAML once.
    let p = parse.as_secs_f64().max(1e-12);
    for (name, secs) in [
        ("session-new", build.as_secs_f64()),
        ("session-network", prepare.as_secs_f64()),
        ("rule-tables-warm-up", warm.as_secs_f64()),
        ("requests-10k", run.as_secs_f64()),
        ("per-request", per),
        ("per-request-cluster-ip", per_ip),
    ] {
        println!("ratio request/{name} {:.5} -", secs / p);
    }
}
