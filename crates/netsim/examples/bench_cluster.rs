//! Benchmark: building the cluster model (`cluster::build`) for the synthetic cluster of
//! 10,000 Pods, 2,000 Services and 50 nodes (`testgen::generate`), as a ratio to parsing the same
//! YAML (`manifest::load`) in the same run, each the best of 11 interleaved runs. Budget:
//! build / parse ≤ 1.0.
//!
//! The next lines measure the same cluster with the Pods made by controllers (no nodeName: the
//! controllers, name generation and the scheduler run too): 2,000 Deployments, ReplicaSets,
//! StatefulSets or ReplicationControllers of 5 replicas, or 2,000 DaemonSets each on the 5 nodes
//! of its pool (`nodeSelector`), 10,000 Pods each time. The ratio grows with the Pods each
//! workload's few lines of YAML make; 5 apiece is the yardstick for every kind.
//!
//! Each line ends in a machine-readable `ratio cluster/<name> <build/parse> 1.0` line, which
//! `cargo xtask bench` collects.
//!
//! `cargo run --release -p netsim --example bench_cluster [NAME…]` (e.g. `deployments`: only
//! that line)

// std's sorts are fine outside the wasm: `clippy.toml` bans them only to keep it small.
#![allow(clippy::disallowed_methods)]

use std::fmt::Write as _;
use std::hint::black_box;
use std::time::{Duration, Instant};

#[path = "common/alloc.rs"]
mod alloc;

use netsim::diagnostic::SourceFiles;
use netsim::{cluster, manifest, testgen};

const PODS: usize = 10_000;
const SERVICES: usize = 2_000;
const NODES: usize = 50;
const RUNS: usize = 11;

/// The best of the runs: on a shared machine the minimum is the stable figure (a median moves
/// with the load).
fn best(v: Vec<Duration>) -> Duration {
    v.into_iter().min().unwrap_or_default()
}

fn measure(name: &str, yaml: &str) {
    let mut files = SourceFiles::default();
    files.add("bench.yaml", yaml);
    let mut parse = Vec::new();
    let mut build = Vec::new();
    let mut pods = 0;
    let mut slices = 0;
    for _ in 0..RUNS {
        let t = Instant::now();
        let loaded = black_box(manifest::load(&files));
        parse.push(t.elapsed());
        let t = Instant::now();
        let c = black_box(cluster::build(&loaded.objects));
        build.push(t.elapsed());
        pods = c.objects.pods.len();
        slices = c.objects.endpoint_slices.len();
    }
    let (p, b) = (best(parse), best(build));
    let ratio = b.as_secs_f64() / p.as_secs_f64();
    println!(
        "{name}: {} bytes, {pods} Pods, {slices} EndpointSlices; parse {:.1} ms, build {:.1} ms, build/parse = {ratio:.3} (budget 1.0)",
        yaml.len(),
        p.as_secs_f64() * 1e3,
        b.as_secs_f64() * 1e3,
    );
    println!("ratio cluster/{name} {ratio:.3} 1.0");
}

/// How many node pools the DaemonSet line spreads its DaemonSets over.
const POOLS: usize = 10;

fn nodes(out: &mut String, nodes: usize, pools: bool) {
    for n in 0..nodes {
        let labels =
            if pools { format!("  labels:\n    pool: p{}\n", n % POOLS) } else { String::new() };
        let _ = write!(
            out,
            "apiVersion: v1\nkind: Node\nmetadata:\n  name: node-{n}\n{labels}status:\n  addresses:\n  - type: InternalIP\n    address: 172.18.{}.{}\n---\n",
            n / 250,
            n % 250 + 2
        );
    }
}

/// `count` workloads of `kind` (each behind its own Service), `replicas` each. DaemonSets
/// instead run on the nodes of one pool each (`nodeSelector`): `nodes / POOLS` Pods apiece.
fn workloads(kind: &str, replicas: usize, count: usize, node_count: usize) -> String {
    let daemonset = kind == "DaemonSet";
    let mut out = String::new();
    nodes(&mut out, node_count, daemonset);
    for s in 0..count {
        let (api, selector, extra) = match kind {
            // A ReplicationController's selector is a plain map.
            "ReplicationController" => ("v1", format!("    app: svc-{s}"), String::new()),
            "StatefulSet" => (
                "apps/v1",
                format!("    matchLabels:\n      app: svc-{s}"),
                format!("  serviceName: svc-{s}\n"),
            ),
            _ => ("apps/v1", format!("    matchLabels:\n      app: svc-{s}"), String::new()),
        };
        let replicas = if daemonset { String::new() } else { format!("  replicas: {replicas}\n") };
        let node_selector = if daemonset {
            format!("      nodeSelector:\n        pool: p{}\n", s % POOLS)
        } else {
            String::new()
        };
        let _ = write!(
            out,
            "apiVersion: v1\nkind: Service\nmetadata:\n  name: svc-{s}\n  namespace: bench\nspec:\n  selector:\n    app: svc-{s}\n  ports:\n  - name: http\n    port: 80\n    targetPort: http\n---\napiVersion: {api}\nkind: {kind}\nmetadata:\n  name: app-{s}\n  namespace: bench\nspec:\n{replicas}{extra}  selector:\n{selector}\n  template:\n    metadata:\n      labels:\n        app: svc-{s}\n    spec:\n{node_selector}      containers:\n      - name: app\n        image: registry.k8s.io/e2e-test-images/agnhost:2.39\n        ports:\n        - name: http\n          containerPort: 8080\n---\n"
        );
    }
    out
}

fn main() {
    // `bench_cluster NAME…` measures only those lines (to profile one).
    let only: Vec<String> = std::env::args().skip(1).collect();
    let run = |name: &str, yaml: &dyn Fn() -> String| {
        if only.is_empty() || only.iter().any(|o| o == name) {
            measure(name, &yaml());
        }
    };
    run("pods", &|| testgen::generate(PODS, SERVICES, NODES));
    let replicas = PODS / SERVICES;
    run("deployments", &|| workloads("Deployment", replicas, SERVICES, NODES));
    run("replicasets", &|| workloads("ReplicaSet", replicas, SERVICES, NODES));
    run("statefulsets", &|| workloads("StatefulSet", replicas, SERVICES, NODES));
    run("replicationcontrollers", &|| {
        workloads("ReplicationController", replicas, SERVICES, NODES)
    });
    // 2,000 DaemonSets of 5 Pods: each on the 5 nodes of its pool.
    run("daemonsets", &|| workloads("DaemonSet", 0, SERVICES, NODES));
}
