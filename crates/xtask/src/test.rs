//! `cargo xtask test`: every check, in order, stopping at the first failure, ending with one
//! `N passed, M failed` line that counts every test run (cargo's and wasm-bindgen-test's result
//! lines, plus the size budget and each end-to-end assertion).

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use crate::tools::{self, show};
use crate::webdriver::Driver;
use crate::{root, serve, site, Result};

#[derive(Default)]
struct Tally {
    passed: u64,
    failed: u64,
    steps: Vec<(String, Duration)>,
}

impl Tally {
    fn summary(&self) -> String {
        format!("{} passed, {} failed", self.passed, self.failed)
    }
}

pub(crate) fn run() -> Result {
    let started = Instant::now();
    let mut t = Tally::default();
    let outcome = run_steps(&mut t);
    eprintln!();
    for (name, d) in &t.steps {
        eprintln!("  {:>7.1}s  {name}", d.as_secs_f64());
    }
    eprintln!("  {:>7.1}s  total", started.elapsed().as_secs_f64());
    if let Err(e) = &outcome {
        eprintln!("xtask test: FAILED: {e}");
        if t.failed == 0 {
            t.failed = 1;
        }
    }
    println!("{}", t.summary());
    outcome
}

fn cargo() -> Command {
    let mut c = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()));
    c.current_dir(root());
    c
}

fn browser_env(cmd: &mut Command) -> &mut Command {
    cmd.env(
        "CHROMEDRIVER",
        std::env::var("CHROMEDRIVER").unwrap_or_else(|_| "/usr/bin/chromedriver".into()),
    )
    .env("WASM_BINDGEN_TEST_TIMEOUT", "120")
}

fn run_steps(t: &mut Tally) -> Result {
    step(t, "install tools", |_| {
        tools::ensure_site_tools()?;
        tools::ensure_chromium()
    })?;
    step(t, "cargo fmt --check", |t| check(t, cargo().args(["fmt", "--all", "--check"])))?;
    step(t, "clippy (host)", |t| {
        check(t, cargo().args(["clippy", "--workspace", "--all-targets", "--", "-D", "warnings"]))
    })?;
    step(t, "clippy (wasm32)", |t| {
        check(
            t,
            cargo().args([
                "clippy",
                "--target",
                "wasm32-unknown-unknown",
                "-p",
                "netsim",
                "-p",
                "netsim-wasm",
                "-p",
                "netsim-web",
                "--all-targets",
                "--",
                "-D",
                "warnings",
            ]),
        )
    })?;
    step(t, "native tests", |t| tests(t, cargo().args(["test", "--workspace"])))?;
    step(t, "wasm-bindgen-test: core + netsim-wasm (headless Chrome)", |t| {
        tests(
            t,
            browser_env(&mut cargo()).args([
                "test",
                "--target",
                "wasm32-unknown-unknown",
                "-p",
                "netsim",
                "--test",
                "wasm",
                "-p",
                "netsim-wasm",
                "--test",
                "api",
            ]),
        )
    })?;
    step(t, "web component tests (headless Chrome)", |t| {
        tests(
            t,
            browser_env(&mut cargo()).args([
                "test",
                "--target",
                "wasm32-unknown-unknown",
                "-p",
                "netsim-web",
                "--features",
                "local-engine",
                "--test",
                "browser",
            ]),
        )
    })?;
    step(t, "release site build + size budget", |t| {
        let result = site::build_release();
        match result {
            Ok(report) => {
                eprintln!("{report}");
                t.passed += 1;
                Ok(())
            }
            Err(e) => {
                t.failed += 1;
                Err(e)
            }
        }
    })?;
    step(t, "end-to-end: served dist/ in headless Chromium", e2e)?;
    Ok(())
}

fn step(t: &mut Tally, name: &str, f: impl FnOnce(&mut Tally) -> Result) -> Result {
    eprintln!("\n==> {name}");
    let start = Instant::now();
    let r = f(t);
    t.steps.push((name.to_string(), start.elapsed()));
    r.map_err(|e| format!("{name}: {e}"))
}

/// A check that is not a test runner (fmt, clippy): one pass or one failure.
fn check(t: &mut Tally, cmd: &mut Command) -> Result {
    match tools::run(cmd) {
        Ok(()) => {
            t.passed += 1;
            Ok(())
        }
        Err(e) => {
            t.failed += 1;
            Err(e)
        }
    }
}

/// Runs a test command, echoing its stdout and adding up its `test result:` lines.
fn tests(t: &mut Tally, cmd: &mut Command) -> Result {
    eprintln!("$ {}", show(cmd));
    let mut child =
        cmd.stdout(Stdio::piped()).spawn().map_err(|e| format!("cannot run {}: {e}", show(cmd)))?;
    let mut saw_failure = false;
    if let Some(out) = child.stdout.take() {
        for line in BufReader::new(out).lines().map_while(std::result::Result::ok) {
            println!("{line}");
            if let Some((p, f)) = parse_result_line(&line) {
                t.passed += p;
                t.failed += f;
                saw_failure |= f > 0;
            }
        }
    }
    let status = child.wait().map_err(|e| e.to_string())?;
    if status.success() && !saw_failure {
        Ok(())
    } else {
        if !saw_failure {
            t.failed += 1;
        }
        Err(format!("`{}` failed ({status})", show(cmd)))
    }
}

/// `test result: ok. 12 passed; 0 failed; ...` → (12, 0).
fn parse_result_line(line: &str) -> Option<(u64, u64)> {
    let rest = line.trim().strip_prefix("test result: ")?;
    let mut passed = None;
    let mut failed = None;
    for part in rest.split(';') {
        let words: Vec<&str> = part.split_whitespace().collect();
        if let [.., n, what] = words.as_slice() {
            match *what {
                "passed" => passed = n.parse().ok(),
                "failed" => failed = n.parse().ok(),
                _ => {}
            }
        }
    }
    Some((passed?, failed?))
}

/// Serves `dist/` on a free port in this process and loads it in headless Chromium: the default
/// scenario must be simulated and drawn, with no console errors.
fn e2e(t: &mut Tally) -> Result {
    let listener = serve::bind(0)?;
    let port = listener.local_addr().map_err(|e| e.to_string())?.port();
    let dist = site::dist();
    std::thread::spawn(move || serve::serve_forever(listener, dist));
    let driver = Driver::start(1280, 720, &[])?;
    let url = format!("http://127.0.0.1:{port}/");
    let mut assert = |name: &str, r: Result| -> Result {
        match r {
            Ok(()) => {
                eprintln!("  ok   {name}");
                t.passed += 1;
                Ok(())
            }
            Err(e) => {
                eprintln!("  FAIL {name}: {e}");
                t.failed += 1;
                Err(format!("{name}: {e}"))
            }
        }
    };
    let started = Instant::now();
    driver.goto(&url)?;
    assert(
        "page loads and the app starts",
        driver
            .wait_for(
                "the app to render",
                "return document.querySelector('[data-testid=app]') !== null",
                Duration::from_secs(30),
            )
            .map(drop),
    )?;
    assert(
        "default scenario simulated: objects listed",
        driver
            .wait_for(
                "objects in the results pane",
                "return document.querySelectorAll('[data-testid=object-row]').length",
                Duration::from_secs(30),
            )
            .map(drop),
    )?;
    eprintln!("  first render of the default scenario: {} ms", started.elapsed().as_millis());
    assert(
        "editor holds the default scenario",
        driver
            .wait_for(
                "the editor text",
                "const e = document.querySelector('[data-testid=editor] .cm-content'); \
                 return e && e.textContent.includes('kind: Service')",
                Duration::from_secs(10),
            )
            .map(drop),
    )?;
    let console = driver.console()?;
    let errors: Vec<_> = console.iter().filter(|(level, _)| level == "SEVERE").collect();
    assert(
        "no console errors",
        if errors.is_empty() { Ok(()) } else { Err(format!("{errors:?}")) },
    )?;

    // Every scenario of the library opens by name (`?scenario=NAME`), shows its title, and —
    // challenges aside, which are broken on purpose — has no error diagnostics.
    let index = std::fs::read_to_string(site::dist().join("scenarios/index.json"))
        .map_err(|e| format!("scenarios/index.json: {e}"))?;
    let index: serde_json::Value =
        serde_json::from_str(&index).map_err(|e| format!("scenarios/index.json: {e}"))?;
    let scenarios = index["scenarios"].as_array().cloned().unwrap_or_default();
    assert(
        "the examples menu lists every scenario",
        driver
            .wait_for(
                "the examples menu",
                &format!(
                    "return document.querySelectorAll('[data-testid=scenario-select] option[value]:not([value=\"\"])').length === {}",
                    scenarios.len()
                ),
                Duration::from_secs(10),
            )
            .map(drop),
    )?;
    for s in &scenarios {
        let name = s["name"].as_str().unwrap_or_default();
        let title = s["title"].as_str().unwrap_or_default();
        driver.goto(&format!("{url}?scenario={name}"))?;
        let title_js = serde_json::Value::String(title.to_string());
        let shown = driver.wait_for(
            &format!("scenario {name}"),
            &format!(
                "const h = document.querySelector('[data-testid=scenario-info] h2'); \
                 return h !== null && h.textContent.startsWith({title_js})"
            ),
            Duration::from_secs(15),
        );
        let clean = shown.and_then(|_| {
            if name.starts_with("challenge-") {
                return Ok(());
            }
            let summary = driver.eval(
                "return document.querySelector('[data-testid=problem-summary]').textContent",
            )?;
            let summary = summary.as_str().unwrap_or_default().to_string();
            if summary == "No problems" || summary.starts_with("0 errors") {
                Ok(())
            } else {
                Err(format!("problems: {summary}"))
            }
        });
        assert(&format!("scenario {name} opens by name"), clean)?;
    }
    let console = driver.console()?;
    let errors: Vec<_> = console.iter().filter(|(level, _)| level == "SEVERE").collect();
    assert(
        "no console errors across the scenarios",
        if errors.is_empty() { Ok(()) } else { Err(format!("{errors:?}")) },
    )?;
    Ok(())
}

/// `cargo xtask e2e`: the site build and the end-to-end check alone.
pub(crate) fn e2e_only() -> Result {
    let mut t = Tally::default();
    site::build_release()?;
    tools::ensure_chromium()?;
    let r = e2e(&mut t);
    println!("{}", t.summary());
    r
}

/// Saves light and dark screenshots of the default scenario under `target/screenshots/`.
pub(crate) fn screenshots() -> Result {
    site::build_release()?;
    tools::ensure_chromium()?;
    let listener = serve::bind(0)?;
    let port = listener.local_addr().map_err(|e| e.to_string())?.port();
    let dist = site::dist();
    std::thread::spawn(move || serve::serve_forever(listener, dist));
    let out = root().join("target/screenshots");
    std::fs::create_dir_all(&out).map_err(|e| e.to_string())?;
    for (theme, flag) in [
        ("light", "--force-prefers-color-scheme=light"),
        ("dark", "--blink-settings=preferredColorScheme=0"),
    ] {
        let driver = Driver::start(1280, 720, &[flag])?;
        driver.goto(&format!("http://127.0.0.1:{port}/?theme={theme}"))?;
        driver.wait_for(
            "objects",
            "return document.querySelectorAll('[data-testid=object-row]').length",
            Duration::from_secs(30),
        )?;
        let png = driver.screenshot()?;
        let path = out.join(format!("default-{theme}.png"));
        std::fs::write(&path, png).map_err(|e| e.to_string())?;
        println!("{}", path.display());
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::parse_result_line;

    #[test]
    fn result_lines() {
        assert_eq!(
            parse_result_line("test result: ok. 12 passed; 0 failed; 0 ignored; 0 measured; 0 filtered out; finished in 0.00s"),
            Some((12, 0))
        );
        assert_eq!(
            parse_result_line("test result: FAILED. 3 passed; 2 failed; 0 ignored"),
            Some((3, 2))
        );
        assert_eq!(parse_result_line("running 3 tests"), None);
    }
}
