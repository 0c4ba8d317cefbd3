//! Benchmark of the manifest front end (YAML text → validated, defaulted `model::Objects` with
//! diagnostics, i.e. `netsim::manifest::load`) against granit-parser's bare event stream over
//! the same text, in the same run.
//!
//! `cargo run --release -p netsim --example bench_manifest [pods services nodes]`
//! (default: the 2,000-Pod / 500-Service stream of `netsim::testgen::generate`, 20 Nodes).
//! Prints the median of 15 interleaved runs of each and the ratio (budget ≤ 2.0).

// std's sorts are fine outside the wasm: `clippy.toml` bans them only to keep it small.
#![allow(clippy::disallowed_methods)]

use std::hint::black_box;
use std::time::{Duration, Instant};

#[path = "common/alloc.rs"]
mod alloc;

use granit_parser::{Event, Parser};
use netsim::diagnostic::SourceFiles;

fn events(text: &str, options: Option<granit_parser::Options>) -> usize {
    let parser = match options {
        Some(o) => Parser::new_from_str_with_options(text, o),
        None => Parser::new_from_str(text),
    };
    let mut n = 0;
    for ev in parser {
        match ev {
            Ok((Event::StreamEnd, _)) => break,
            Ok((ev, _)) => {
                black_box(&ev);
                n += 1;
            }
            Err(_) => break,
        }
    }
    n
}

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

fn main() {
    let args: Vec<usize> = std::env::args().skip(1).filter_map(|a| a.parse().ok()).collect();
    let (pods, services, nodes) = match args.as_slice() {
        [p, s, n] => (*p, *s, *n),
        _ => (2000, 500, 20),
    };
    let text = netsim::testgen::generate(pods, services, nodes);
    let mut files = SourceFiles::default();
    files.add("bench.yaml", text.clone());
    let no_comments = granit_parser::options! { emit_comments: false };

    // Warm up, and check the front end reads everything without a problem.
    let loaded = netsim::manifest::load(&files);
    assert!(loaded.diagnostics.is_empty(), "{:?}", loaded.diagnostics.first());
    assert_eq!(loaded.objects.pods.len(), pods);
    let n_events = events(&text, None);

    let runs = 15;
    let (mut bare, mut bare_nc, mut front) = (Vec::new(), Vec::new(), Vec::new());
    for _ in 0..runs {
        let t = Instant::now();
        black_box(events(black_box(&text), None));
        bare.push(t.elapsed());
        let t = Instant::now();
        black_box(events(black_box(&text), Some(no_comments.clone())));
        bare_nc.push(t.elapsed());
        let t = Instant::now();
        black_box(netsim::manifest::load(black_box(&files)));
        front.push(t.elapsed());
    }
    let (b, bnc, f) = (median(bare), median(bare_nc), median(front));
    let mb = text.len() as f64 / 1e6;
    println!(
        "input: {pods} Pods, {services} Services, {nodes} Nodes; {:.2} MB, {n_events} events",
        mb
    );
    println!(
        "granit-parser events (defaults):     {:>8.1} ms  ({:.0} MB/s)",
        b.as_secs_f64() * 1e3,
        mb / b.as_secs_f64()
    );
    println!("granit-parser events (no comments):  {:>8.1} ms", bnc.as_secs_f64() * 1e3);
    println!(
        "manifest::load (YAML → validated):   {:>8.1} ms  ({:.0} MB/s)",
        f.as_secs_f64() * 1e3,
        mb / f.as_secs_f64()
    );
    let (vs_defaults, vs_same) =
        (f.as_secs_f64() / b.as_secs_f64(), f.as_secs_f64() / bnc.as_secs_f64());
    println!(
        "ratio front end / bare event stream: {vs_defaults:.2} (vs defaults), {vs_same:.2} (vs same parser options); budget ≤ 2.0",
    );
    // Machine-readable, for `cargo xtask bench`: `ratio <name> <value> <budget or ->`.
    println!("ratio manifest/front-end {vs_defaults:.3} 2.0");
    println!("ratio manifest/front-end-same-options {vs_same:.3} 2.0");
}
