//! `cargo xtask`: the project's build, serve and test driver (matklad's xtask pattern).
//!
//! Everything a newcomer needs is two commands: `cargo xtask serve` and `cargo xtask test`. Both
//! install what is missing (the wasm32 target, wasm-bindgen-cli at exactly the Cargo.lock
//! version, the npm packages pinned by `web/js/package-lock.json`, Debian's binaryen package for
//! `wasm-split` (unpacked under `target/tools/`), and for tests Debian's
//! chromium + chromium-driver, Debian's firefox-esr and geckodriver from crates.io) and never
//! download anything outside the package registries.

mod bench;
mod data_move;
mod e2e_a11y;
mod e2e_wave2;
mod embed;
mod fuzz;
mod names;
mod npm;
mod offline;
mod serve;
mod site;
mod split;
mod test;
mod tools;
mod wasm;
mod webdriver;

use std::path::PathBuf;
use std::process::ExitCode;

const USAGE: &str = "\
cargo xtask <COMMAND>

Commands:
  serve [--port N]   build the site in release mode into dist/ and serve it on 127.0.0.1:8080
  build              build the site into dist/ (the page's wasm split by what its start runs in
                     headless Chromium), check its split first-topology engine and print its
                     sizes; fails past the first-load or the first-topology budget
  test               install what is missing, then run every check (fmt, clippy, native tests,
                     browser tests, site build + size budget, end-to-end); ends with 'N passed, M failed'
  package [--check]  build the npm package kube-netsim (crates/netsim-wasm) with wasm-pack into
                     target/pkg/, ready to publish; --check: and run its tests (as in `test`)
  e2e [--browser chromium|firefox] [--no-build] [--only embed|offline|start]
                     build the site and run only the end-to-end check (both browsers by default;
                     --no-build tests the dist/ there is; --only embed: just the checks of
                     <netsim-playground> and its example pages; --only offline: just offline use;
                     --only start: just the start at a phone's speed, 10 first visits, Chromium)
  screenshots        build the site and save light and dark screenshots under target/screenshots/
  bench [NAME...]    build the core's benchmarks (crates/netsim/examples/bench_*.rs) at full
                     optimisation, run them one by one and print one table of their ratios
                     against the budgets; fails if one is over (e.g. 'cargo xtask bench cluster')
  fuzz [--seconds N] [--seeds-only] [TARGET...]
                     seed and run the cargo-fuzz targets of fuzz/ (nightly), N seconds each
                     (default 60), one at a time; prints executions and findings per target
";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let result = match args.first().map(String::as_str) {
        Some("serve") => {
            let port = match parse_port(&args[1..]) {
                Ok(p) => p,
                Err(e) => {
                    eprintln!("error: {e}\n\n{USAGE}");
                    return ExitCode::from(2);
                }
            };
            serve::run(port)
        }
        Some("build") => site::build_release().map(|report| {
            println!("{report}");
        }),
        Some("test") => test::run(),
        Some("screenshots") => test::screenshots(),
        Some("fuzz") => fuzz::run(&args[1..]),
        Some("bench") => bench::run_all(&args[1..]),
        Some("e2e") => test::e2e_only(&args[1..]),
        Some("package") => npm::package_command(&args[1..]),
        Some("-h" | "--help") | None => {
            print!("{USAGE}");
            return ExitCode::SUCCESS;
        }
        Some(other) => {
            eprintln!("error: unknown command '{other}'\n\n{USAGE}");
            return ExitCode::from(2);
        }
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("xtask: error: {e}");
            ExitCode::FAILURE
        }
    }
}

fn parse_port(args: &[String]) -> Result<u16, String> {
    let mut port = 8080;
    let mut it = args.iter();
    while let Some(a) = it.next() {
        let value = if a == "--port" {
            it.next().cloned().ok_or("--port needs a value")?
        } else if let Some(v) = a.strip_prefix("--port=") {
            v.to_string()
        } else {
            return Err(format!("unknown argument '{a}'"));
        };
        port = value.parse().map_err(|_| format!("invalid port '{value}'"))?;
    }
    Ok(port)
}

/// The workspace root (this crate lives in `crates/xtask`).
pub(crate) fn root() -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    dir.parent().and_then(|p| p.parent()).map_or(dir.clone(), PathBuf::from)
}

/// Where cargo puts what it builds: `CARGO_TARGET_DIR` when set (relative to the repository),
/// else `target/`.
pub(crate) fn cargo_target() -> PathBuf {
    match std::env::var_os("CARGO_TARGET_DIR") {
        Some(dir) if !dir.is_empty() => root().join(dir),
        _ => root().join("target"),
    }
}

pub(crate) type Result<T = (), E = String> = std::result::Result<T, E>;
