//! Benchmark: the topology view model (and its SVG) for the playground's default scenario and
//! for a 500-Pod synthetic cluster, as ratios to parsing + building that cluster in the same run.
//!
//! `cargo run --release -p netsim --example bench_view`

// std's sorts are fine outside the wasm: `clippy.toml` bans them only to keep it small.
#![allow(clippy::disallowed_methods)]

use std::hint::black_box;
use std::time::Instant;

#[path = "common/alloc.rs"]
mod alloc;

use netsim::diagnostic::SourceFiles;

const DEFAULT: &str = include_str!("../../../static/scenarios/default.yaml");

/// Median of `runs` timings of `f`, in microseconds.
fn median_us(runs: usize, mut f: impl FnMut()) -> f64 {
    let mut t: Vec<f64> = (0..runs)
        .map(|_| {
            let start = Instant::now();
            f();
            start.elapsed().as_secs_f64() * 1e6
        })
        .collect();
    t.sort_by(f64::total_cmp);
    t.get(t.len() / 2).copied().unwrap_or(0.0)
}

fn report(name: &str, key: &str, text: &str, runs: usize) {
    let mut files = SourceFiles::default();
    files.add("bench.yaml", text);
    let loaded = netsim::manifest::load(&files);
    let cluster = netsim::cluster::build(&loaded.objects);
    let opts = netsim::view::Options::default();
    let domain = cluster.settings.dns_domain.clone();
    let pipeline = median_us(runs, || {
        let l = netsim::manifest::load(black_box(&files));
        black_box(netsim::cluster::build(&l.objects));
    });
    let topo = median_us(runs, || {
        black_box(netsim::view::topology(black_box(&cluster.objects), &domain, opts));
    });
    let t = netsim::view::topology(&cluster.objects, &domain, opts);
    let svg = median_us(runs, || {
        black_box(netsim::view::svg(black_box(&t)));
    });
    let analyze = median_us(runs, || {
        black_box(netsim::view::analyze(black_box(&files)));
    });
    println!(
        "{name}: {} Pods, {} edges | load+build {pipeline:.0} µs | topology {topo:.0} µs \
         ({:.2}× load+build) | svg {svg:.0} µs ({:.2}×) | analyze (whole edit) {analyze:.0} µs",
        cluster.objects.pods.len(),
        t.edges.len(),
        topo / pipeline.max(1e-9),
        svg / pipeline.max(1e-9),
    );
    // Machine-readable, for `cargo xtask bench`: `ratio <name> <value> <budget or ->`, each a
    // ratio to load + build.
    println!("ratio view/{key}-topology {:.3} -", topo / pipeline.max(1e-9));
    println!("ratio view/{key}-svg {:.3} -", svg / pipeline.max(1e-9));
}

fn main() {
    report("default scenario", "default", DEFAULT, 200);
    report(
        "500 Pods / 50 Services / 5 nodes",
        "500-pods",
        &netsim::testgen::generate(500, 50, 5),
        30,
    );
}
