//! Release timings of the core at its limits (ARCHITECTURE.md, "Limits"): each hostile or large
//! input through load, build and the view analysis, stage by stage, in one run.
//!
//! `cargo run --release -p netsim --example bench_limits`

use std::fmt::Write;
use std::time::{Duration, Instant};

#[path = "common/alloc.rs"]
mod alloc;

use netsim::diagnostic::SourceFiles;

fn time(name: &str, text: &str) -> Duration {
    let mut files = SourceFiles::default();
    files.add("bench.yaml", text);
    let t0 = Instant::now();
    let loaded = netsim::manifest::load(&files);
    let t1 = Instant::now();
    let cluster = netsim::cluster::build(&loaded.objects);
    let t2 = Instant::now();
    let analysis = netsim::view::analyze(&files);
    let t3 = Instant::now();
    std::hint::black_box((&cluster, &analysis));
    let codes: Vec<&str> = loaded
        .diagnostics
        .iter()
        .chain(&cluster.diagnostics)
        .map(|d| d.code)
        .filter(|c| c.contains("too") || c.contains("limit"))
        .collect();
    println!(
        "{name:<34} {:>7} KiB  load {:>8.1?}  build {:>8.1?}  analyze {:>8.1?}  pods {:>6}  {}",
        text.len() / 1024,
        t1 - t0,
        t2 - t1,
        t3 - t2,
        cluster.objects.pods.len(),
        codes.first().copied().unwrap_or("-")
    );
    t3 - t0
}

fn deployment(name: &str, replicas: u64) -> String {
    format!(
        "---\napiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: {name}\nspec:\n  replicas: {replicas}\n  selector:\n    matchLabels: {{app: {name}}}\n  template:\n    metadata:\n      labels: {{app: {name}}}\n    spec:\n      containers:\n      - name: c\n        image: i\n"
    )
}

fn main() {
    let mut big =
        String::from("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: big\ndata:\n  x: ");
    big.push_str(&"a".repeat(10 * 1024 * 1024));
    time("input > 10 MB", &big);

    time("100k+ documents", &"---\n{}\n".repeat(netsim::syntax::limits::MAX_DOCUMENTS + 5));

    time("flow nesting 10k", &format!("a: {}{}\n", "[".repeat(10_000), "]".repeat(10_000)));

    let mut lol = String::from("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: lol\ndata:\n  a0: &a0 [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n");
    for i in 1..10 {
        let p = i - 1;
        let _ =
            writeln!(lol, "  a{i}: &a{i} [*a{p},*a{p},*a{p},*a{p},*a{p},*a{p},*a{p},*a{p},*a{p}]");
    }
    time("billion laughs", &lol);

    time("replicas: 1000000000", &deployment("huge", 1_000_000_000));

    let services: String = (0..5_000)
        .map(|i| format!("---\napiVersion: v1\nkind: Service\nmetadata:\n  name: s{i}\nspec:\n  selector:\n    app: a{i}\n  ports:\n  - port: 80\n"))
        .collect();
    time("5,000 Services", &services);

    time("10,000 replicas (one Deployment)", &deployment("web", 10_000));

    let six: String = (0..6).map(|i| deployment(&format!("d{i}"), 10_000)).collect();
    time("6 x 10,000 replicas (Pod cap)", &six);

    time("testgen 10k Pods / 2k Services", &netsim::testgen::generate(10_000, 2_000, 100));
}
