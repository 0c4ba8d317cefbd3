//! Building the static site into `dist/`: the Yew app (size-optimised wasm, wasm-bindgen,
//! wasm-opt), the CodeMirror bundle (esbuild), and everything under `static/`.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::Command;

use crate::tools::{self, run};
use crate::{root, Result};

/// The cargo profile of every wasm the site and the JS package ship (`Cargo.toml`): `release`
/// at `opt-level = "z"`, so the native `release` profile can run at full speed.
pub(crate) const WASM_PROFILE: &str = "wasm-release";

/// First-load transfer budget (HTML, CSS, JS, wasm; gzip), from issue 2.
pub(crate) const BUDGET_BYTES: u64 = 400 * 1000;

/// The files a browser fetches on first load of `index.html`: the page, the editor and the UI.
const FIRST_LOAD: &[&str] =
    &["index.html", "style.css", "boot.js", "editor.js", "netsim_web.js", "netsim_web_bg.wasm"];

/// The engine worker the page starts at once (the whole core, off the main thread): fetched in
/// parallel with the page and reported apart from the first-load budget.
const ENGINE: &[&str] = &["engine.js", "pkg/netsim_wasm.js", "pkg/netsim_wasm_bg.wasm"];

pub(crate) fn dist() -> PathBuf {
    root().join("dist")
}

/// Builds `dist/` in release mode and returns the size report.
pub(crate) fn build_release() -> Result<String> {
    tools::ensure_site_tools()?;
    build()?;
    let (report, total) = size_report()?;
    if total > BUDGET_BYTES {
        return Err(format!(
            "{report}\nfirst-load transfer {total} B is over the budget of {BUDGET_BYTES} B"
        ));
    }
    Ok(report)
}

fn build() -> Result {
    let root = root();
    let dist = dist();
    let tmp = root.join("target/site");
    run(Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()))
        .args([
            "build",
            "--profile",
            WASM_PROFILE,
            "--target",
            "wasm32-unknown-unknown",
            "-p",
            "netsim-web",
        ])
        .current_dir(&root))?;
    let wasm = wasm_out(&root, "netsim-web.wasm");
    let _ = std::fs::remove_dir_all(&tmp);
    run(Command::new("wasm-bindgen")
        .args(["--target", "web", "--no-typescript", "--out-name", "netsim_web", "--out-dir"])
        .arg(&tmp)
        .arg(&wasm))?;

    let _ = std::fs::remove_dir_all(&dist);
    copy_dir(&root.join("static"), &dist)?;
    // The wasm-bindgen glue, minified (it stays an ES module: `boot.js` imports it).
    run(Command::new(tools::npm_bin("esbuild"))
        .arg(tmp.join("netsim_web.js"))
        .args(["--minify", "--format=esm", "--target=es2020", "--legal-comments=none"])
        .arg(format!("--outfile={}", dist.join("netsim_web.js").display())))?;
    // wasm-opt from the npm `binaryen` package: Debian's is too old for what rustc emits. The
    // features are the ones rustc enables by default for wasm32-unknown-unknown.
    // `--low-memory-unused`: rustc's wasm32 output never uses the first 1 KB of memory (the data
    // starts at `__global_base`, 1024 by default), so wasm-opt may fold constant offsets into
    // loads and stores: about 2.5 KB off the page's gzip (`--converge`: 0.3 KB more).
    run(Command::new(tools::npm_bin("wasm-opt"))
        .args(["-Oz", "--low-memory-unused", "--converge"])
        .args(WASM_OPT_FEATURES)
        .args(["--strip-debug", "--strip-producers"])
        .arg(tmp.join("netsim_web_bg.wasm"))
        .arg("-o")
        .arg(dist.join("netsim_web_bg.wasm")))?;
    // The page's stylesheet, minified in place (comments and whitespace: ~0.7 KB of gzip).
    run(Command::new(tools::npm_bin("esbuild"))
        .arg(dist.join("style.css"))
        .args(["--minify", "--allow-overwrite", "--legal-comments=none"])
        .arg(format!("--outfile={}", dist.join("style.css").display())))?;
    bundle_editor(&dist.join("editor.js"))?;
    build_js_package(&dist.join("pkg"))?;
    precompress(&dist)
}

/// Where cargo puts `file` of a wasm32 build in [`WASM_PROFILE`].
fn wasm_out(root: &Path, file: &str) -> PathBuf {
    root.join("target/wasm32-unknown-unknown").join(WASM_PROFILE).join(file)
}

const WASM_OPT_FEATURES: &[&str] = &[
    "--enable-bulk-memory",
    "--enable-nontrapping-float-to-int",
    "--enable-sign-ext",
    "--enable-mutable-globals",
    "--enable-reference-types",
    "--enable-multivalue",
];

/// The JS package (`crates/netsim-wasm`) for pages that use the engine without our UI, e.g.
/// `static/js-example.html`: the same output `wasm-pack build --target web` produces (its
/// wasm-bindgen step), built directly so the site build needs no extra tool.
fn build_js_package(out: &Path) -> Result {
    let root = root();
    run(Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()))
        .args([
            "build",
            "--profile",
            WASM_PROFILE,
            "--target",
            "wasm32-unknown-unknown",
            "-p",
            "netsim-wasm",
        ])
        .current_dir(&root))?;
    let wasm = wasm_out(&root, "netsim_wasm.wasm");
    let _ = std::fs::remove_dir_all(out);
    run(Command::new("wasm-bindgen")
        .args(["--target", "web", "--out-name", "netsim_wasm", "--out-dir"])
        .arg(out)
        .arg(&wasm))?;
    wasm_opt_in_place(&out.join("netsim_wasm_bg.wasm"))
}

/// `wasm-opt -Oz` from the npm `binaryen` package, in place.
pub(crate) fn wasm_opt_in_place(file: &Path) -> Result {
    let tmp = file.with_extension("opt.wasm");
    run(Command::new(tools::npm_bin("wasm-opt"))
        .arg("-Oz")
        .args(WASM_OPT_FEATURES)
        .args(["--strip-debug", "--strip-producers"])
        .arg(file)
        .arg("-o")
        .arg(&tmp))?;
    std::fs::rename(&tmp, file).map_err(|e| format!("rename {}: {e}", tmp.display()))
}

/// `cargo xtask package`: the npm package of the JS API with wasm-pack (installed from
/// crates.io when missing), optimised with the pinned wasm-opt, into `target/pkg/`.
pub(crate) fn package() -> Result {
    tools::ensure_site_tools()?;
    tools::ensure_wasm_pack()?;
    let root = root();
    let out = root.join("target/pkg");
    run(Command::new("wasm-pack")
        .args([
            "build",
            "crates/netsim-wasm",
            "--profile",
            WASM_PROFILE,
            "--target",
            "web",
            "--mode",
            "no-install",
            "--out-dir",
        ])
        .arg(&out)
        .current_dir(&root))?;
    wasm_opt_in_place(&out.join("netsim_wasm_bg.wasm"))?;
    println!("npm package in {}", out.display());
    Ok(())
}

/// Writes a Zopfli `.gz` beside every compressible file of the site (gzip format, ~5% smaller
/// than `gzip -9`): static hosts that serve precompressed files send these, and so does
/// `cargo xtask serve`. The first-load budget is measured on exactly these bytes.
fn precompress(dist: &Path) -> Result {
    let mut files = Vec::new();
    collect_compressible(dist, &mut files)?;
    let mut cmd = Command::new("node");
    cmd.arg(tools::js_dir().join("gzip.mjs")).args(&files);
    run(&mut cmd)
}

fn collect_compressible(dir: &Path, out: &mut Vec<PathBuf>) -> Result {
    let entries = std::fs::read_dir(dir).map_err(|e| format!("read {}: {e}", dir.display()))?;
    for e in entries.filter_map(std::result::Result::ok) {
        let path = e.path();
        if path.is_dir() {
            collect_compressible(&path, out)?;
        } else if matches!(
            path.extension().and_then(|x| x.to_str()),
            Some("html" | "css" | "js" | "mjs" | "wasm" | "svg" | "json" | "yaml" | "txt")
        ) {
            out.push(path);
        }
    }
    out.sort();
    Ok(())
}

/// Bundles the CodeMirror wrapper (`web/js/editor.js`) with esbuild into one minified file.
pub(crate) fn bundle_editor(out: &Path) -> Result {
    tools::ensure_npm()?;
    run(Command::new(tools::npm_bin("esbuild"))
        .arg(tools::js_dir().join("editor.js"))
        .args(["--bundle", "--minify", "--format=iife", "--target=es2020", "--legal-comments=none"])
        // @codemirror/language parses in 100 ms slices when the browser has
        // `navigator.scheduling.isInputPending` (it stops early only for input); without it the
        // slices end at the idle deadline (≤ 50 ms), and no task holds the page for 100 ms.
        .arg("--define:navigator.scheduling=undefined")
        .arg(format!("--outfile={}", out.display())))
}

fn copy_dir(from: &Path, to: &Path) -> Result {
    std::fs::create_dir_all(to).map_err(|e| format!("create {}: {e}", to.display()))?;
    let mut entries: Vec<_> = std::fs::read_dir(from)
        .map_err(|e| format!("read {}: {e}", from.display()))?
        .filter_map(std::result::Result::ok)
        .collect();
    entries.sort_by_key(std::fs::DirEntry::file_name);
    for e in entries {
        let path = e.path();
        let target = to.join(e.file_name());
        if path.is_dir() {
            copy_dir(&path, &target)?;
        } else {
            std::fs::copy(&path, &target).map_err(|e| format!("copy {}: {e}", path.display()))?;
        }
    }
    Ok(())
}

/// Size of each first-load file as transferred (its precompressed `.gz`), and the total.
pub(crate) fn size_report() -> Result<(String, u64)> {
    let dist = dist();
    let mut report =
        String::from("first-load transfer (gzip, as served from the precompressed .gz files):\n");
    let mut total = 0;
    for name in FIRST_LOAD {
        let path = dist.join(name);
        let raw = std::fs::metadata(&path).map_err(|e| format!("{}: {e}", path.display()))?.len();
        let gz_path = dist.join(format!("{name}.gz"));
        let gz =
            std::fs::metadata(&gz_path).map_err(|e| format!("{}: {e}", gz_path.display()))?.len();
        total += gz;
        let _ = writeln!(report, "  {name:<22} {raw:>9} B raw {gz:>8} B gz");
    }
    let _ = writeln!(
        report,
        "  {:<22} {:>27} B gz (budget {} B, {:.0}%)",
        "total",
        total,
        BUDGET_BYTES,
        total as f64 * 100.0 / BUDGET_BYTES as f64
    );
    let _ = writeln!(report, "engine worker (started by the page, loads in parallel):");
    let mut engine = 0;
    for name in ENGINE {
        let gz_path = dist.join(format!("{name}.gz"));
        let gz =
            std::fs::metadata(&gz_path).map_err(|e| format!("{}: {e}", gz_path.display()))?.len();
        engine += gz;
        let _ = writeln!(report, "  {name:<22} {gz:>36} B gz");
    }
    let _ = write!(report, "  {:<22} {:>36} B gz", "engine total", engine);
    Ok((report, total))
}
