//! `cargo xtask bench [NAME...]`: builds the core's benchmark examples
//! (`crates/netsim/examples/bench_*.rs`) in the native `release` profile, runs each in turn
//! (one at a time: the machine is shared), shows what each prints, and ends with one table of
//! the ratios they report, each against its budget.
//!
//! A benchmark reports a ratio with a line `ratio <name> <value> <budget>` (budget `-` when it
//! has none); every other line is shown as printed. A ratio over its budget is marked `OVER`
//! and makes the command fail. The load average is printed with the table: the ratios are
//! measured within one run of each benchmark, but a busy machine still moves them.

use std::io::{BufRead as _, BufReader};
use std::path::Path;
use std::process::{Command, Stdio};

use crate::tools::run;
use crate::{root, Result};

/// One `ratio` line.
struct Ratio {
    bench: String,
    name: String,
    value: f64,
    budget: Option<f64>,
    /// The budget as the benchmark wrote it (`1.0`, `-`).
    budget_text: String,
}

impl Ratio {
    fn over(&self) -> bool {
        self.budget.is_some_and(|b| self.value > b)
    }
}

/// Parses `ratio <name> <value> <budget or ->`.
fn parse_ratio(bench: &str, line: &str) -> Option<Ratio> {
    let mut words = line.split_whitespace();
    if words.next()? != "ratio" {
        return None;
    }
    let name = words.next()?.to_string();
    let value = words.next()?.parse().ok()?;
    let budget_text = words.next()?.to_string();
    let budget = match budget_text.as_str() {
        "-" => None,
        b => Some(b.parse().ok()?),
    };
    words.next().is_none().then(|| Ratio {
        bench: bench.to_string(),
        name,
        value,
        budget,
        budget_text,
    })
}

/// The benchmark examples, by name (`bench_cluster`…), sorted.
fn benches(root: &Path) -> Result<Vec<String>> {
    let dir = root.join("crates/netsim/examples");
    let entries = std::fs::read_dir(&dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    let mut names: Vec<String> = entries
        .filter_map(|e| e.ok())
        .filter_map(|e| e.file_name().to_str().map(str::to_string))
        .filter_map(|f| f.strip_suffix(".rs").map(str::to_string))
        .filter(|n| n.starts_with("bench_"))
        .collect();
    names.sort();
    Ok(names)
}

pub(crate) fn run_all(args: &[String]) -> Result {
    let root = root();
    let all = benches(&root)?;
    // `cargo xtask bench cluster proxy` runs bench_cluster and bench_proxy.
    let mut chosen = Vec::new();
    for a in args {
        let name = if a.starts_with("bench_") { a.clone() } else { format!("bench_{a}") };
        if !all.contains(&name) {
            return Err(format!("unknown benchmark '{a}' (benchmarks: {})", all.join(", ")));
        }
        chosen.push(name);
    }
    if chosen.is_empty() {
        chosen = all;
    }
    let mut build = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()));
    build.args(["build", "--release", "-p", "netsim"]).current_dir(&root);
    for b in &chosen {
        build.args(["--example", b]);
    }
    run(&mut build)?;

    let mut ratios: Vec<Ratio> = Vec::new();
    for b in &chosen {
        println!("== {b}");
        let exe = crate::cargo_target().join("release/examples").join(b);
        let mut child = Command::new(&exe)
            .current_dir(&root)
            .stdout(Stdio::piped())
            .spawn()
            .map_err(|e| format!("cannot run {}: {e}", exe.display()))?;
        let mut found = 0;
        if let Some(out) = child.stdout.take() {
            for line in BufReader::new(out).lines() {
                let line = line.map_err(|e| format!("{b}: {e}"))?;
                match parse_ratio(b, &line) {
                    Some(r) => {
                        ratios.push(r);
                        found += 1;
                    }
                    None => println!("   {line}"),
                }
            }
        }
        let status = child.wait().map_err(|e| format!("{b}: {e}"))?;
        if !status.success() {
            return Err(format!("{b} failed ({status})"));
        }
        if found == 0 {
            println!("   (no ratios: timings only)");
        }
    }

    println!();
    println!("{}", table(&ratios));
    let load = std::fs::read_to_string("/proc/loadavg").unwrap_or_default();
    let load: Vec<&str> = load.split_whitespace().take(3).collect();
    let over = ratios.iter().filter(|r| r.over()).count();
    println!(
        "{} ratios, {} with a budget, {over} over budget; load average {} (2 cores shared: figures move with it)",
        ratios.len(),
        ratios.iter().filter(|r| r.budget.is_some()).count(),
        if load.is_empty() { "unknown".to_string() } else { load.join(" ") },
    );
    if over > 0 {
        return Err(format!("{over} ratio(s) over budget"));
    }
    Ok(())
}

/// The ratios as a table: benchmark, ratio, value, budget, and `OVER` where it is exceeded.
fn table(ratios: &[Ratio]) -> String {
    let w_bench = ratios.iter().map(|r| r.bench.len()).max().unwrap_or(0).max("benchmark".len());
    let w_name = ratios.iter().map(|r| r.name.len()).max().unwrap_or(0).max("ratio".len());
    let mut out = format!(
        "{:<w_bench$}  {:<w_name$}  {:>10}  {:>7}",
        "benchmark", "ratio", "value", "budget"
    );
    for r in ratios {
        out.push_str(&format!(
            "\n{:<w_bench$}  {:<w_name$}  {:>10}  {:>7}{}",
            r.bench,
            r.name,
            fmt_value(r.value),
            r.budget_text,
            if r.over() { "  OVER" } else { "" }
        ));
    }
    out
}

/// Three significant decimals for ratios near 1, more for tiny per-item ratios.
fn fmt_value(v: f64) -> String {
    if v != 0.0 && v.abs() < 0.01 {
        format!("{v:.5}")
    } else {
        format!("{v:.3}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ratio_lines() {
        let r = parse_ratio("bench_cluster", "ratio cluster/pods 0.241 1.0").unwrap();
        assert_eq!((r.name.as_str(), r.value, r.budget), ("cluster/pods", 0.241, Some(1.0)));
        assert!(!r.over());
        let r = parse_ratio("b", "ratio view/default-svg 0.07 -").unwrap();
        assert_eq!(r.budget, None);
        assert!(!r.over());
        assert!(parse_ratio("b", "ratio x 1.2 1.0").unwrap().over());
        for not in ["ratio front end / bare event stream: 1.54", "ratio x 1.0", "pods: 1 ratio", ""]
        {
            assert!(parse_ratio("b", not).is_none(), "{not}");
        }
        let t = table(&[
            parse_ratio("bench_cluster", "ratio cluster/pods 0.241 1.0").unwrap(),
            parse_ratio("bench_cluster", "ratio cluster/deployments 1.5 1.0").unwrap(),
        ]);
        assert_eq!(
            t,
            "benchmark      ratio                     value   budget\n\
             bench_cluster  cluster/pods              0.241      1.0\n\
             bench_cluster  cluster/deployments       1.500      1.0  OVER"
        );
    }
}
