//! `cargo xtask fuzz [--seconds N] [--seeds-only] [TARGET...]`: runs the cargo-fuzz targets of
//! `fuzz/` one after the other (one in-process fuzzer at a time, the machine is shared), N seconds each, and prints
//! executions and findings per target.
//!
//! Before running, the corpus `fuzz/corpus/<target>/` (generated, not committed) is seeded from
//! the committed seeds `fuzz/seeds/<target>/` and from what the repository already holds:
//! `static/scenarios/*.yaml`, the `#- file:` sections and `#- run:` lines of `tests/cases/**`,
//! and the YAML of the core's conformance data (`crates/netsim/tests/conformance`). `--seeds-only` stops after seeding.
//! Crash inputs land in `fuzz/artifacts/<target>/`; copy each into
//! `tests/fuzz_regressions/` once fixed.
//!
//! Needs the nightly toolchain and cargo-fuzz (installed from crates.io when missing).

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

use crate::Result;

/// Every target of `fuzz/Cargo.toml`.
pub(crate) const TARGETS: &[&str] = &[
    "yaml_front_end",
    "pipeline",
    "dns_name",
    "rules_parser",
    "request_target",
    "share_decode",
    "nft_parser",
];

pub(crate) fn run(args: &[String]) -> Result {
    let mut seconds = 60u64;
    let mut seeds_only = false;
    let mut targets: Vec<String> = Vec::new();
    let mut it = args.iter();
    while let Some(a) = it.next() {
        match a.as_str() {
            "--seconds" => {
                let v = it.next().ok_or("--seconds needs a value")?;
                seconds = v.parse().map_err(|_| format!("invalid --seconds '{v}'"))?;
            }
            "--seeds-only" => seeds_only = true,
            t if TARGETS.contains(&t) => targets.push(t.to_string()),
            other => {
                return Err(format!("unknown argument '{other}' (targets: {})", TARGETS.join(", ")))
            }
        }
    }
    if targets.is_empty() {
        targets = TARGETS.iter().map(|s| s.to_string()).collect();
    }
    let root = crate::root();
    let fuzz = root.join("fuzz");
    for t in &targets {
        let n = seed(&root, t)?;
        println!("{t}: corpus seeded with {n} inputs");
    }
    if seeds_only {
        return Ok(());
    }
    ensure_cargo_fuzz()?;
    let mut summary = Vec::new();
    for t in &targets {
        let artifacts = fuzz.join("artifacts").join(t);
        let before = count_files(&artifacts);
        let started = Instant::now();
        let out = Command::new("cargo")
            .current_dir(&fuzz)
            // `-a`: overflow checks on, as in the debug builds the tests run.
            .args(["+nightly", "fuzz", "run", "-a", t, &format!("corpus/{t}")])
            // One in-process fuzzer (no `-jobs`/`-fork`: those spawn workers that log to files
            // instead of stderr); the machine is shared.
            .args(["--", "-rss_limit_mb=2048", "-timeout=10", "-print_final_stats=1"])
            .arg(format!("-max_total_time={seconds}"))
            .arg(format!("-artifact_prefix={}/", artifacts.display()))
            .output()
            .map_err(|e| format!("cargo fuzz: {e}"))?;
        fs::create_dir_all(&artifacts).ok();
        let log = String::from_utf8_lossy(&out.stderr).into_owned();
        fs::write(fuzz.join(format!("last-{t}.log")), &log).ok();
        let execs = last_stat(&log, "stat::number_of_executed_units:")
            .or_else(|| last_execs(&log))
            .unwrap_or(0);
        let findings = count_files(&artifacts).saturating_sub(before);
        // libFuzzer's own figure (`Done N runs in S second(s)`), else the wall time.
        let secs = log
            .lines()
            .rev()
            .find_map(|l| l.strip_prefix("Done ").and_then(|r| r.split(" in ").nth(1)))
            .and_then(|r| r.split_whitespace().next())
            .and_then(|n| n.parse().ok())
            .unwrap_or_else(|| started.elapsed().as_secs());
        let line = format!(
            "{t}: {execs} executions in {secs} s, {findings} new finding(s){}",
            if out.status.success() { String::new() } else { format!(" (exit {})", out.status) }
        );
        println!("{line}");
        summary.push(line);
    }
    println!("\nfuzz summary:");
    for l in &summary {
        println!("  {l}");
    }
    Ok(())
}

fn ensure_cargo_fuzz() -> Result {
    let ok = Command::new("cargo")
        .args(["+nightly", "fuzz", "--version"])
        .output()
        .is_ok_and(|o| o.status.success());
    if !ok {
        crate::tools::run(Command::new("cargo").args(["install", "--locked", "cargo-fuzz"]))?;
    }
    Ok(())
}

fn count_files(dir: &Path) -> usize {
    fs::read_dir(dir).map_or(0, |d| d.filter_map(|e| e.ok()).filter(|e| e.path().is_file()).count())
}

/// `stat::number_of_executed_units: N` (printed with `-print_final_stats=1`).
fn last_stat(log: &str, key: &str) -> Option<u64> {
    log.lines().rev().find_map(|l| l.strip_prefix(key)).and_then(|v| v.trim().parse().ok())
}

/// The execution count of the last status line (`#123456\tDONE ...` / `#1234 pulse ...`).
fn last_execs(log: &str) -> Option<u64> {
    log.lines().rev().find_map(|l| {
        let rest = l.strip_prefix('#')?;
        let n: String = rest.chars().take_while(char::is_ascii_digit).collect();
        n.parse().ok()
    })
}

/// Fills `fuzz/corpus/<target>/` and returns how many inputs it holds.
fn seed(root: &Path, target: &str) -> Result<usize> {
    let dir = root.join("fuzz").join("corpus").join(target);
    fs::create_dir_all(&dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    let mut inputs = Vec::new();
    let committed = root.join("fuzz").join("seeds").join(target);
    for p in files_in(&committed) {
        if let Ok(b) = fs::read(&p) {
            inputs.push(b);
        }
    }
    for s in extract(root, target) {
        inputs.push(s.into_bytes());
    }
    for (i, b) in inputs.iter().enumerate() {
        fs::write(dir.join(format!("seed-{i:04}")), b).map_err(|e| e.to_string())?;
    }
    Ok(count_files(&dir))
}

fn files_in(dir: &Path) -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = fs::read_dir(dir)
        .map(|d| d.filter_map(|e| e.ok()).map(|e| e.path()).filter(|p| p.is_file()).collect())
        .unwrap_or_default();
    v.sort();
    v
}

fn walk(dir: &Path, ext: &str, out: &mut Vec<PathBuf>) {
    for p in files_in(dir) {
        if p.extension().is_some_and(|e| e == ext) {
            out.push(p);
        }
    }
    if let Ok(d) = fs::read_dir(dir) {
        let mut subs: Vec<PathBuf> =
            d.filter_map(|e| e.ok()).map(|e| e.path()).filter(|p| p.is_dir()).collect();
        subs.sort();
        for s in subs {
            walk(&s, ext, out);
        }
    }
}

/// One golden case: its file sections, `#- run:` command lines and the stdout of each run.
struct Case {
    files: Vec<String>,
    /// (argv line, stdout)
    runs: Vec<(String, String)>,
}

fn parse_case(text: &str) -> Case {
    let mut case = Case { files: Vec::new(), runs: Vec::new() };
    enum Sec {
        None,
        File,
        Stdout,
        Other,
    }
    let mut sec = Sec::None;
    let mut buf = String::new();
    let flush = |sec: &Sec, buf: &mut String, case: &mut Case| {
        match sec {
            Sec::File => case.files.push(std::mem::take(buf)),
            Sec::Stdout => {
                if let Some(r) = case.runs.last_mut() {
                    r.1 = std::mem::take(buf);
                }
            }
            _ => {}
        }
        buf.clear();
    };
    for line in text.split_inclusive('\n') {
        if let Some(rest) = line.strip_prefix("#- ") {
            flush(&sec, &mut buf, &mut case);
            let rest = rest.trim_end();
            if rest.starts_with("file:") {
                sec = Sec::File;
            } else if let Some(cmd) = rest.strip_prefix("run:") {
                case.runs.push((cmd.trim().to_string(), String::new()));
                sec = Sec::Other;
            } else if rest == "stdout" {
                sec = Sec::Stdout;
            } else {
                sec = Sec::Other;
            }
        } else {
            buf.push_str(line);
        }
    }
    flush(&sec, &mut buf, &mut case);
    case
}

/// Seeds found in the repository for `target`.
fn extract(root: &Path, target: &str) -> Vec<String> {
    let mut cases = Vec::new();
    walk(&root.join("tests").join("cases"), "case", &mut cases);
    let cases: Vec<Case> =
        cases.iter().filter_map(|p| fs::read_to_string(p).ok()).map(|t| parse_case(&t)).collect();
    let mut yaml = Vec::new();
    walk(&root.join("static").join("scenarios"), "yaml", &mut yaml);
    walk(&root.join("crates/netsim/tests/conformance"), "yaml", &mut yaml);
    let yaml: Vec<String> = yaml.iter().filter_map(|p| fs::read_to_string(p).ok()).collect();
    let mut out = Vec::new();
    match target {
        "yaml_front_end" => {
            out.extend(yaml);
            out.extend(cases.iter().flat_map(|c| c.files.iter().cloned()));
        }
        "pipeline" => {
            out.extend(yaml);
            for c in &cases {
                let mut s = String::new();
                for (i, f) in c.files.iter().enumerate() {
                    s.push_str(&format!("#- file: f{i}.yaml\n"));
                    s.push_str(f);
                }
                out.push(s);
            }
        }
        "dns_name" => {
            for c in &cases {
                for (cmd, _) in &c.runs {
                    let mut w = cmd.split_whitespace();
                    if w.next() == Some("dns") {
                        if let Some(name) = w.next() {
                            // First byte: the record type index (0 = A, 4 = SRV).
                            let t = if cmd.contains("SRV") { '\u{4}' } else { '\u{0}' };
                            out.push(format!("{t}{name}"));
                        }
                    }
                }
            }
            for y in &yaml {
                for l in y.lines() {
                    if let Some(q) = l.split("qname: ").nth(1) {
                        let q: String = q.chars().take_while(|c| !matches!(c, ',' | '}')).collect();
                        out.push(format!("\u{0}{q}"));
                    }
                }
            }
        }
        "rules_parser" => {
            for c in &cases {
                for (cmd, stdout) in &c.runs {
                    if cmd.starts_with("iptables") && !stdout.is_empty() {
                        out.push(stdout.clone());
                    }
                }
            }
        }
        "nft_parser" => {
            for c in &cases {
                for (cmd, stdout) in &c.runs {
                    if cmd.starts_with("nftables") && !stdout.is_empty() {
                        out.push(stdout.clone());
                    }
                }
            }
        }
        "request_target" => {
            for c in &cases {
                for (cmd, _) in &c.runs {
                    let w: Vec<&str> = cmd.split_whitespace().collect();
                    if let ["request", from, target, ..] = w.as_slice() {
                        out.push(format!("{from}\n{target}"));
                    }
                }
            }
        }
        "share_decode" => {
            // Mode 0 + the link text for bare garbage; the real links come from the committed
            // seeds (`fuzz/seeds/share_decode/`).
            out.push("\u{0}1.".to_string());
            out.push("\u{0}#s=1.AAAA".to_string());
        }
        _ => {}
    }
    out.sort();
    out.dedup();
    out
}
