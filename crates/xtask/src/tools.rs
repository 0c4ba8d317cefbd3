//! Installing what the build and the tests need, from the package registries only.

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::{root, Result};

/// Runs a command, echoing it, and fails with its status.
pub(crate) fn run(cmd: &mut Command) -> Result {
    eprintln!("$ {}", show(cmd));
    let status = cmd.status().map_err(|e| format!("cannot run {}: {e}", show(cmd)))?;
    if status.success() {
        Ok(())
    } else {
        Err(format!("`{}` failed ({status})", show(cmd)))
    }
}

pub(crate) fn show(cmd: &Command) -> String {
    let mut s = cmd.get_program().to_string_lossy().into_owned();
    for a in cmd.get_args() {
        s.push(' ');
        s.push_str(&a.to_string_lossy());
    }
    s
}

fn output_of(cmd: &mut Command) -> Option<String> {
    let out = cmd.output().ok()?;
    out.status.success().then(|| String::from_utf8_lossy(&out.stdout).into_owned())
}

fn cargo() -> Command {
    Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()))
}

/// The exact `wasm-bindgen` version in Cargo.lock; the CLI must match it.
pub(crate) fn locked_wasm_bindgen_version() -> Result<String> {
    let lock = std::fs::read_to_string(root().join("Cargo.lock"))
        .map_err(|e| format!("cannot read Cargo.lock: {e}"))?;
    let mut lines = lock.lines();
    while let Some(line) = lines.next() {
        if line == "name = \"wasm-bindgen\"" {
            if let Some(v) = lines.next().and_then(|l| l.strip_prefix("version = \"")) {
                return Ok(v.trim_end_matches('"').to_string());
            }
        }
    }
    Err("wasm-bindgen is not in Cargo.lock".into())
}

/// `rustup target add wasm32-unknown-unknown` when missing.
pub(crate) fn ensure_wasm_target() -> Result {
    let installed = output_of(Command::new("rustup").args(["target", "list", "--installed"]))
        .unwrap_or_default();
    if installed.lines().any(|l| l.trim() == "wasm32-unknown-unknown") {
        return Ok(());
    }
    run(Command::new("rustup").args(["target", "add", "wasm32-unknown-unknown"]))
}

/// wasm-bindgen-cli at exactly the Cargo.lock version (its runner also drives browser tests).
pub(crate) fn ensure_wasm_bindgen() -> Result {
    let want = locked_wasm_bindgen_version()?;
    let have = output_of(Command::new("wasm-bindgen").arg("--version")).unwrap_or_default();
    if have.split_whitespace().nth(1) == Some(want.as_str()) {
        return Ok(());
    }
    eprintln!("installing wasm-bindgen-cli {want} (have: {})", have.trim());
    // `--locked` first, as upstream recommends. The registry mirror here can lack a version the
    // CLI's own lockfile pins (seen: webpki-roots 1.0.11); then resolve afresh, same CLI version.
    let locked = run(cargo().args(["install", "--locked", "wasm-bindgen-cli", "--version", &want]));
    if locked.is_err() {
        eprintln!("retrying without --locked");
        run(cargo().args(["install", "--force", "wasm-bindgen-cli", "--version", &want]))?;
    }
    Ok(())
}

/// wasm-pack (for `cargo xtask package`); it uses the wasm-bindgen on PATH with `--mode no-install`.
/// At least 0.14, the first with `--profile NAME` (the package is built in the wasm profile).
pub(crate) fn ensure_wasm_pack() -> Result {
    let have = output_of(Command::new("wasm-pack").arg("--version")).unwrap_or_default();
    // `wasm-pack 0.15.1`
    let version: Vec<u32> = have
        .split_whitespace()
        .nth(1)
        .unwrap_or("")
        .split('.')
        .map_while(|p| p.parse().ok())
        .collect();
    if version.as_slice() >= [0, 14].as_slice() {
        return Ok(());
    }
    if run(cargo().args(["install", "--force", "--locked", "wasm-pack"])).is_err() {
        eprintln!("retrying without --locked");
        run(cargo().args(["install", "--force", "wasm-pack"]))?;
    }
    Ok(())
}

/// The npm packages pinned by `web/js/package-lock.json` (CodeMirror, esbuild, binaryen).
pub(crate) fn ensure_npm() -> Result {
    let dir = js_dir();
    let lock = dir.join("package-lock.json");
    let stamp = dir.join("node_modules/.package-lock.json");
    let fresh = match (std::fs::metadata(&lock), std::fs::metadata(&stamp)) {
        (Ok(l), Ok(s)) => match (l.modified(), s.modified()) {
            (Ok(l), Ok(s)) => s >= l,
            _ => false,
        },
        _ => false,
    };
    if fresh && dir.join("node_modules/.bin/esbuild").exists() {
        return Ok(());
    }
    run(Command::new("npm").args(["ci", "--no-audit", "--no-fund"]).current_dir(&dir))
}

pub(crate) fn js_dir() -> PathBuf {
    root().join("web/js")
}

pub(crate) fn npm_bin(name: &str) -> PathBuf {
    js_dir().join("node_modules/.bin").join(name)
}

/// Debian's chromium and chromium-driver, installed with apt when absent.
pub(crate) fn ensure_chromium() -> Result {
    if Path::new("/usr/bin/chromium").exists() && Path::new("/usr/bin/chromedriver").exists() {
        return Ok(());
    }
    apt_install(&["chromium", "chromium-driver"])
}

/// Debian's Firefox ESR (apt) and geckodriver (built from crates.io), installed when absent.
pub(crate) fn ensure_firefox() -> Result {
    if !Path::new(FIREFOX).exists() {
        apt_install(&["firefox-esr"])?;
    }
    if geckodriver().is_none() {
        if run(cargo().args(["install", "--locked", "geckodriver"])).is_err() {
            eprintln!("retrying without --locked");
            run(cargo().args(["install", "geckodriver"]))?;
        }
        if geckodriver().is_none() {
            return Err("geckodriver was installed but is not on PATH (add ~/.cargo/bin)".into());
        }
    }
    Ok(())
}

/// Debian's Firefox ESR.
pub(crate) const FIREFOX: &str = "/usr/bin/firefox-esr";

/// The geckodriver to use: `$GECKODRIVER`, else the one on PATH (cargo's bin directory).
pub(crate) fn geckodriver() -> Option<PathBuf> {
    let path = match std::env::var_os("GECKODRIVER") {
        Some(p) => PathBuf::from(p),
        None => {
            let bin = std::env::var_os("CARGO_HOME")
                .map(PathBuf::from)
                .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".cargo")))
                .map(|home| home.join("bin/geckodriver"));
            std::env::split_paths(&std::env::var_os("PATH").unwrap_or_default())
                .map(|dir| dir.join("geckodriver"))
                .chain(bin)
                .find(|p| p.is_file())?
        }
    };
    output_of(Command::new(&path).arg("--version")).map(|_| path)
}

/// `apt-get update` and `apt-get install` (with sudo when not root).
fn apt_install(packages: &[&str]) -> Result {
    apt_update()?;
    let mut args = vec!["install", "-y", "-qq"];
    args.extend_from_slice(packages);
    apt(&args)
}

/// `apt-get update` (with sudo when not root).
pub(crate) fn apt_update() -> Result {
    apt(&["update", "-qq"])
}

fn apt(args: &[&str]) -> Result {
    let sudo: &[&str] = if is_root() { &[] } else { &["sudo"] };
    let mut all: Vec<&str> = sudo.to_vec();
    all.push("apt-get");
    all.extend_from_slice(args);
    let mut cmd = Command::new(all[0]);
    cmd.args(&all[1..]).env("DEBIAN_FRONTEND", "noninteractive");
    run(&mut cmd)
}

fn is_root() -> bool {
    output_of(Command::new("id").arg("-u")).is_some_and(|s| s.trim() == "0")
}

/// Everything the site build needs (Chromium: the split of the page's wasm runs the page to
/// see what its start runs, `split::split_page`).
pub(crate) fn ensure_site_tools() -> Result {
    ensure_wasm_target()?;
    ensure_wasm_bindgen()?;
    ensure_npm()?;
    ensure_chromium()
}
