//! Benchmark: building the cluster model (`cluster::build`) for the synthetic cluster of
//! 10,000 Pods, 2,000 Services and 50 nodes (`testgen::generate`), as a ratio to parsing the same
//! YAML (`manifest::load`) in the same run. Budget: build / parse ≤ 1.0.
//!
//! A second line measures the same cluster with the Pods coming from 2,000 Deployments of 5
//! replicas (no nodeName: the controllers, name generation and the scheduler run too).
//!
//! `cargo run --release -p netsim --example bench_cluster`

use std::fmt::Write as _;
use std::hint::black_box;
use std::time::{Duration, Instant};

use netsim::diagnostic::SourceFiles;
use netsim::{cluster, manifest, testgen};

const PODS: usize = 10_000;
const SERVICES: usize = 2_000;
const NODES: usize = 50;
const RUNS: usize = 5;

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
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
    let (p, b) = (median(parse), median(build));
    println!(
        "{name}: {} bytes, {pods} Pods, {slices} EndpointSlices; parse {:.1} ms, build {:.1} ms, build/parse = {:.3} (budget 1.0)",
        yaml.len(),
        p.as_secs_f64() * 1e3,
        b.as_secs_f64() * 1e3,
        b.as_secs_f64() / p.as_secs_f64()
    );
}

fn deployments(replicas: usize, services: usize, nodes: usize) -> String {
    let mut out = String::new();
    for n in 0..nodes {
        let _ = write!(
            out,
            "apiVersion: v1\nkind: Node\nmetadata:\n  name: node-{n}\nstatus:\n  addresses:\n  - type: InternalIP\n    address: 172.18.{}.{}\n---\n",
            n / 250,
            n % 250 + 2
        );
    }
    for s in 0..services {
        let _ = write!(
            out,
            "apiVersion: v1\nkind: Service\nmetadata:\n  name: svc-{s}\n  namespace: bench\nspec:\n  selector:\n    app: svc-{s}\n  ports:\n  - name: http\n    port: 80\n    targetPort: http\n---\napiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: app-{s}\n  namespace: bench\nspec:\n  replicas: {replicas}\n  selector:\n    matchLabels:\n      app: svc-{s}\n  template:\n    metadata:\n      labels:\n        app: svc-{s}\n    spec:\n      containers:\n      - name: app\n        image: registry.k8s.io/e2e-test-images/agnhost:2.39\n        ports:\n        - name: http\n          containerPort: 8080\n---\n"
        );
    }
    out
}

fn main() {
    measure("pods", &testgen::generate(PODS, SERVICES, NODES));
    measure("deployments", &deployments(PODS / SERVICES, SERVICES, NODES));
}
