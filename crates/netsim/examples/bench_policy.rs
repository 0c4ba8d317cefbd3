//! Benchmark: the NetworkPolicy / ClusterNetworkPolicy reachability matrix for 500 Pods and 50
//! policies (`testgen::generate_policies(500, 10, 50, 10)`: 45 NetworkPolicies of five shapes
//! and 5 ClusterNetworkPolicies), i.e. 250,000 cells, each judged for egress at the source and
//! ingress at the destination on the destination's first container port.
//!
//! Prints the matrix time as a ratio to parsing the cluster's YAML once (`manifest::load`),
//! both the best of five runs in this process (the machine is shared: the minimum is the
//! stable figure), plus the one-off costs (`cluster::build`, `PolicySet::new`: every selector evaluated once)
//! and the cost of one full `PolicySet::evaluate` (with reasons) per connection. Run with
//! `cargo run --release -p netsim --example bench_policy`.

use std::hint::black_box;
use std::time::Instant;

#[path = "common/alloc.rs"]
mod alloc;

use netsim::diagnostic::SourceFiles;
use netsim::model::Protocol;
use netsim::policy::{Connection, Peer, PolicySet};

const PODS: usize = 500;
const NAMESPACES: usize = 10;
const POLICIES: usize = 50;
const NODES: usize = 10;
const RUNS: usize = 5;

fn main() {
    let yaml = netsim::testgen::generate_policies(PODS, NAMESPACES, POLICIES, NODES);
    let mut files = SourceFiles::default();
    files.add("bench.yaml", yaml);

    let mut parse = std::time::Duration::MAX;
    let mut loaded = None;
    for _ in 0..RUNS {
        let t = Instant::now();
        let l = black_box(netsim::manifest::load(&files));
        parse = parse.min(t.elapsed());
        loaded = Some(l);
    }
    let Some(loaded) = loaded else { return };

    let t = Instant::now();
    let cluster = netsim::cluster::build(&loaded.accepted());
    let build = t.elapsed();

    let t = Instant::now();
    let set = PolicySet::new(&cluster.objects);
    let index = t.elapsed();

    let keys: Vec<String> = cluster
        .objects
        .pods
        .iter()
        .filter(|p| p.meta.name.starts_with("pod-"))
        .map(|p| format!("{}/{}", p.meta.namespace, p.meta.name))
        .collect();
    let keys: Vec<&str> = keys.iter().map(String::as_str).collect();

    let mut matrix = std::time::Duration::MAX;
    let mut m = None;
    for _ in 0..RUNS {
        let t = Instant::now();
        let x = black_box(set.matrix(&keys, None));
        matrix = matrix.min(t.elapsed());
        m = Some(x);
    }
    let Some(m) = m else { return };

    // The same judgements through the full API (verdict with reasons and policies), for a
    // sample of 10,000 cells.
    let pods: Vec<_> = keys.iter().filter_map(|k| set.pod(k)).collect();
    let t = Instant::now();
    let mut n = 0usize;
    for (i, s) in pods.iter().enumerate().take(100) {
        for d in pods.iter().skip(i % 5).step_by(5).take(100) {
            let v = set.evaluate(&Connection {
                source: Peer::Pod(s),
                snat: None,
                destination: Peer::Pod(d),
                service_ip: None,
                port: 8080,
                protocol: Protocol::Tcp,
            });
            black_box(&v);
            n += 1;
        }
    }
    let evaluate = t.elapsed();
    let per_eval = evaluate.as_secs_f64() / n.max(1) as f64;

    let p = parse.as_secs_f64().max(1e-12);
    println!(
        "cluster: {} Pods in the matrix, {} NetworkPolicies + {} ClusterNetworkPolicies; {} cells: {} allowed, {} denied, {} unknown",
        m.pods.len(),
        cluster.objects.network_policies.len(),
        cluster.objects.cluster_network_policies.len(),
        m.pods.len() * m.pods.len(),
        m.allowed,
        m.denied,
        m.unknown
    );
    println!("parse YAML once (manifest::load, best of {RUNS}): {:>10.3} ms", p * 1e3);
    println!("cluster::build:                     {:>10.3} ms", build.as_secs_f64() * 1e3);
    println!("PolicySet::new (selectors once):    {:>10.3} ms", index.as_secs_f64() * 1e3);
    println!(
        "matrix {}x{} (best of {RUNS}):         {:>10.3} ms",
        m.pods.len(),
        m.pods.len(),
        matrix.as_secs_f64() * 1e3
    );
    println!("matrix / parse once:                {:>10.3}", matrix.as_secs_f64() / p);
    println!("(index + matrix) / parse once:      {:>10.3}", (index + matrix).as_secs_f64() / p);
    println!(
        "evaluate with reasons, per connection: {:>7.3} µs (ratio to parse once {:.5}; {n} connections)",
        per_eval * 1e6,
        per_eval / p
    );
    // Machine-readable, for `cargo xtask bench`: `ratio <name> <value> <budget or ->`, each a
    // ratio to parsing the YAML once.
    println!("ratio policy/build {:.3} 1.0", build.as_secs_f64() / p);
    println!("ratio policy/matrix {:.3} -", matrix.as_secs_f64() / p);
    println!("ratio policy/index-matrix {:.3} -", (index + matrix).as_secs_f64() / p);
    println!("ratio policy/evaluate-per-connection {:.5} -", per_eval / p);
}
