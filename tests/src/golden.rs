//! The golden-test runner: every `tests/cases/**/*.case` file is a set of input files and
//! `netsim` command lines with their exact expected stdout, stderr and exit status.
//!
//! ```text
//! # Comment lines first: what the case checks and the upstream source it follows.
//! #- file: services.yaml
//! <text>
//! #- run: get services -o wide
//! #- exit: 0
//! #- stdout
//! <exact stdout>
//! #- stderr
//! <exact stderr>
//! ```
//!
//! Every file of a case is an input of every run. `UPDATE_GOLDEN=1` rewrites the expected
//! sections from the actual output (review the diff: never bless what Kubernetes would not do).
//! A name filter may be given as the first argument: `cargo test --test golden -- dns/`.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use netsim_cli::{run, Input};

#[derive(Debug, Default)]
struct Case {
    header: String,
    files: Vec<Input>,
    runs: Vec<Run>,
}

#[derive(Debug, Default)]
struct Run {
    args: String,
    exit: i32,
    stdout: String,
    stderr: String,
}

enum Section {
    Header,
    File,
    Stdout,
    Stderr,
}

fn parse(text: &str) -> Result<Case, String> {
    let mut case = Case::default();
    let mut section = Section::Header;
    for (n, line) in text.split_inclusive('\n').enumerate() {
        let bare = line.trim_end_matches(['\n', '\r']);
        if let Some(marker) = bare.strip_prefix("#- ") {
            if let Some(name) = marker.strip_prefix("file: ") {
                case.files.push(Input { name: name.trim().to_string(), text: String::new() });
                section = Section::File;
            } else if let Some(args) = marker.strip_prefix("run: ") {
                case.runs.push(Run { args: args.trim().to_string(), ..Run::default() });
                section = Section::Header;
            } else if let Some(code) = marker.strip_prefix("exit: ") {
                let run = case.runs.last_mut().ok_or(format!("line {}: exit before run", n + 1))?;
                run.exit = code.trim().parse().map_err(|_| format!("line {}: bad exit", n + 1))?;
            } else if marker == "stdout" {
                section = Section::Stdout;
            } else if marker == "stderr" {
                section = Section::Stderr;
            } else {
                return Err(format!("line {}: unknown marker '#- {marker}'", n + 1));
            }
            continue;
        }
        match section {
            Section::Header => case.header.push_str(line),
            Section::File => {
                if let Some(f) = case.files.last_mut() {
                    f.text.push_str(line);
                }
            }
            Section::Stdout => {
                if let Some(r) = case.runs.last_mut() {
                    r.stdout.push_str(line);
                }
            }
            Section::Stderr => {
                if let Some(r) = case.runs.last_mut() {
                    r.stderr.push_str(line);
                }
            }
        }
    }
    if case.runs.is_empty() {
        return Err("no '#- run:' in case".into());
    }
    Ok(case)
}

fn render(case: &Case, actual: &[(String, i32, String, String)]) -> String {
    let mut out = case.header.clone();
    for f in &case.files {
        let _ = writeln!(out, "#- file: {}", f.name);
        out.push_str(&f.text);
        if !f.text.is_empty() && !f.text.ends_with('\n') {
            out.push('\n');
        }
    }
    for (args, exit, stdout, stderr) in actual {
        let _ = writeln!(out, "#- run: {args}");
        let _ = writeln!(out, "#- exit: {exit}");
        out.push_str("#- stdout\n");
        out.push_str(stdout);
        out.push_str("#- stderr\n");
        out.push_str(stderr);
    }
    out
}

/// Splits a run line into arguments: whitespace-separated, with '…' or "…" quoting.
fn split_args(s: &str) -> Vec<String> {
    let mut args = Vec::new();
    let mut cur = String::new();
    let mut quote = None;
    let mut any = false;
    for c in s.chars() {
        match (quote, c) {
            (Some(q), c) if c == q => quote = None,
            (Some(_), c) => cur.push(c),
            (None, '\'' | '"') => {
                quote = Some(c);
                any = true;
            }
            (None, c) if c.is_whitespace() => {
                if any || !cur.is_empty() {
                    args.push(std::mem::take(&mut cur));
                    any = false;
                }
            }
            (None, c) => cur.push(c),
        }
    }
    if any || !cur.is_empty() {
        args.push(cur);
    }
    args
}

fn cases(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else { return };
    let mut entries: Vec<PathBuf> = entries.filter_map(Result::ok).map(|e| e.path()).collect();
    entries.sort();
    for p in entries {
        if p.is_dir() {
            cases(&p, out);
        } else if p.extension().is_some_and(|e| e == "case") {
            out.push(p);
        }
    }
}

/// Normalises line endings so a stray CRLF checkout cannot fail a case.
fn normalise(s: &str) -> String {
    s.replace("\r\n", "\n")
}

fn main() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("cases");
    let filter = std::env::args().skip(1).find(|a| !a.starts_with('-'));
    let update = std::env::var_os("UPDATE_GOLDEN").is_some();
    let mut paths = Vec::new();
    cases(&root, &mut paths);
    let (mut passed, mut failed, mut filtered) = (0, 0, 0);
    println!("\nrunning {} golden cases", paths.len());
    for path in &paths {
        let name = path.strip_prefix(&root).unwrap_or(path).display().to_string();
        if filter.as_ref().is_some_and(|f| !name.contains(f.as_str())) {
            filtered += 1;
            continue;
        }
        let text = match std::fs::read_to_string(path) {
            Ok(t) => normalise(&t),
            Err(e) => {
                println!("test {name} ... FAILED (cannot read: {e})");
                failed += 1;
                continue;
            }
        };
        let case = match parse(&text) {
            Ok(c) => c,
            Err(e) => {
                println!("test {name} ... FAILED (bad case file: {e})");
                failed += 1;
                continue;
            }
        };
        let mut actual = Vec::new();
        let mut problems = String::new();
        for r in &case.runs {
            let out = run(&split_args(&r.args), &case.files);
            if out.code != r.exit || out.stdout != r.stdout || out.stderr != r.stderr {
                let _ = writeln!(problems, "  run: netsim {}", r.args);
                if out.code != r.exit {
                    let _ = writeln!(problems, "  exit: expected {}, got {}", r.exit, out.code);
                }
                for (what, want, got) in
                    [("stdout", &r.stdout, &out.stdout), ("stderr", &r.stderr, &out.stderr)]
                {
                    if want != got {
                        let _ = writeln!(problems, "  {what} differs:\n{}", diff(want, got));
                    }
                }
            }
            actual.push((r.args.clone(), out.code, out.stdout, out.stderr));
        }
        if problems.is_empty() {
            println!("test {name} ... ok");
            passed += 1;
        } else if update {
            let _ = std::fs::write(path, render(&case, &actual));
            println!("test {name} ... updated");
            passed += 1;
        } else {
            println!("test {name} ... FAILED\n{problems}");
            failed += 1;
        }
    }
    let status = if failed == 0 { "ok" } else { "FAILED" };
    println!(
        "\ntest result: {status}. {passed} passed; {failed} failed; 0 ignored; 0 measured; {filtered} filtered out\n"
    );
    if failed > 0 {
        println!("(UPDATE_GOLDEN=1 rewrites expectations from actual output; review the diff.)");
        std::process::exit(101);
    }
}

/// A small line diff: `-` expected, `+` actual, for lines that differ.
fn diff(want: &str, got: &str) -> String {
    let w: Vec<&str> = want.lines().collect();
    let g: Vec<&str> = got.lines().collect();
    let mut out = String::new();
    for i in 0..w.len().max(g.len()) {
        match (w.get(i), g.get(i)) {
            (Some(a), Some(b)) if a == b => {}
            (a, b) => {
                if let Some(a) = a {
                    let _ = writeln!(out, "    -{a}");
                }
                if let Some(b) = b {
                    let _ = writeln!(out, "    +{b}");
                }
            }
        }
    }
    if want.ends_with('\n') != got.ends_with('\n') {
        out.push_str("    (trailing newline differs)\n");
    }
    out
}
