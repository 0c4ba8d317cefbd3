//! Building the static site into `dist/`: the Yew app (size-optimised wasm, wasm-bindgen,
//! wasm-opt), the CodeMirror bundle (esbuild), and everything under `static/`.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::Command;

use crate::split;
use crate::tools::{self, run};
use crate::{root, Result};

/// The cargo profile of every wasm the site and the JS package ship (`Cargo.toml`): `release`
/// at `opt-level = "z"`, so the native `release` profile can run at full speed.
pub(crate) const WASM_PROFILE: &str = "wasm-release";

/// First-load transfer budget (HTML, CSS, JS, wasm; gzip), from issue 2.
pub(crate) const BUDGET_BYTES: u64 = 400 * 1000;

/// What the first topology needs, page and engine together (issue 19's budget, enforced: the
/// build fails past it). How it came down: 1,054,000 B before the editor left the first load;
/// 938,700 B after; 930,400 B with the page's wasm-opt flags on the engine too; 620,900 B once
/// the first topology came from the first-topology engine, with the full engine after it;
/// 622,800 B with the loading page, the worker started by `boot.js` and the top bar's fixed
/// places; 621,500 B with the engine's glue bundled into `engine.js`; 619,500 B with the page's
/// JSON arguments written directly, not through `serde_json::Value`; 548,200 B with the
/// first-topology engine split, its second part fetched when a text needs it; 498,300 B with
/// wasm-opt no longer inlining every single-caller function; 414,300 B with the page's wasm
/// split too (what the start runs first, the rest prefetched); 409,000 B with short names
/// between each wasm and its glue ([`crate::names`]); 392,700 B with the constants only the
/// second parts read moved into them ([`crate::data_move`]).
pub(crate) const FIRST_TOPOLOGY_BUDGET: u64 = 500 * 1000;

/// The files a browser fetches on first load of `index.html`: the page and the UI.
const FIRST_LOAD: &[&str] =
    &["index.html", "style.css", "boot.js", "netsim_web.js", "netsim_web_bg.wasm"];

/// Fetched once the first topology is drawn: the page's second part (what the start does not
/// run), the code editor (CodeMirror), which a textarea stands in for until then, and the full
/// engine (the JS package: every question about the cluster), which the engine worker fetches
/// once the first-topology engine has answered.
const AFTER_FIRST_TOPOLOGY: &[&str] =
    &[PAGE_SECOND_PART, "editor.js", "pkg/netsim_wasm.js", "pkg/netsim_wasm_bg.wasm"];

/// Offline use, once the page runs: the script that registers the service worker, and the
/// worker (it then fetches every file of the build, apart from the page's loads).
const OFFLINE: &[&str] = &["offline.js", "sw.js"];

/// The engine worker the page starts at once, off the main thread, with the first-topology
/// engine (`crates/netsim-lite`: load, build, draw): fetched in parallel with the page and
/// reported apart from the first-load budget.
const ENGINE: &[&str] = &["engine.js", "lite/netsim_lite_bg.wasm"];

/// The first-topology engine's second part ([`split`]): what the bundled scenarios never run,
/// fetched by the worker the first time a text needs it.
pub(crate) const SECOND_PART: &str = "lite/netsim_lite_split.wasm";

/// The page's wasm's second part ([`split::split_page`]): what the start never runs (a click,
/// a tab, a dialog). `boot.js` prefetches it once the first topology is drawn.
pub(crate) const PAGE_SECOND_PART: &str = "netsim_web_split.wasm";

/// The full engine the worker fetches after the first topology (the JS package).
const FULL_ENGINE: &[&str] = &["pkg/netsim_wasm.js", "pkg/netsim_wasm_bg.wasm"];

pub(crate) fn dist() -> PathBuf {
    root().join("dist")
}

/// Builds `dist/` in release mode and returns the size report.
pub(crate) fn build_release() -> Result<String> {
    tools::ensure_site_tools()?;
    build()?;
    let (mut report, total, topology) = size_report()?;
    // The split first-topology engine answers as the whole one (or the build fails).
    report.push('\n');
    report.push_str(split::check()?.trim_end());
    if total > BUDGET_BYTES {
        return Err(format!(
            "{report}\nfirst-load transfer {total} B is over the budget of {BUDGET_BYTES} B"
        ));
    }
    if topology > FIRST_TOPOLOGY_BUDGET {
        return Err(format!(
            "{report}\npage + engine {topology} B is over the budget of {FIRST_TOPOLOGY_BUDGET} B"
        ));
    }
    Ok(report)
}

fn build() -> Result {
    let root = root();
    let dist = dist();
    let tmp = root.join("target/site");
    let map = cargo_wasm_mapped(
        "netsim-web",
        &["--bin", "netsim-web"],
        "netsim-web.wasm",
        "netsim_web.map",
    )?;
    let wasm = wasm_out("netsim-web.wasm");
    let _ = std::fs::remove_dir_all(&tmp);
    run(Command::new("wasm-bindgen")
        .args(["--target", "web", "--no-typescript", "--out-name", "netsim_web", "--out-dir"])
        .arg(&tmp)
        .arg(&wasm))?;
    shorten_names(&tmp, "netsim_web")?;

    let _ = std::fs::remove_dir_all(&dist);
    copy_dir(&root.join("static"), &dist)?;
    // The page's own stylesheet and boot script are sent minified (they are first-load bytes).
    minify(&dist.join("style.css"), &[])?;
    minify(&dist.join("boot.js"), &["--format=esm"])?;
    vendor_reveal(&dist.join("embed/vendor/reveal"))?;
    // The wasm-bindgen glue, minified (it stays an ES module: `boot.js` imports it).
    // Its imports wrapped for the page's wasm in two parts (`static/split.js`, bundled in).
    let glue = std::fs::read_to_string(tmp.join("netsim_web.js"))
        .map_err(|e| format!("the page's glue: {e}"))?;
    let split_js = root.join("static/split.js");
    std::fs::write(
        tmp.join("netsim_web.split.js"),
        start_a_task_later(&split::patch_glue(&glue, &split_js.to_string_lossy())?)?,
    )
    .map_err(|e| format!("write the page's glue: {e}"))?;
    minify_glue(&tmp.join("netsim_web.split.js"), &dist.join("netsim_web.js"))?;
    // wasm-opt from the npm `binaryen` package: Debian's is too old for what rustc emits.
    let whole = tmp.join("netsim_web_opt.wasm");
    wasm_opt(&tmp.join("netsim_web_bg.wasm"), &whole, WASM_OPT_SIZE)?;
    bundle_editor(&dist.join("editor.js"))?;
    build_js_package(&dist.join("pkg"))?;
    build_engine_worker(&dist)?;
    // The page's wasm in two parts, split by what the start runs (in a browser: the whole site
    // must be there).
    split::split_page(&whole, &dist, "netsim_web_bg.wasm", PAGE_SECOND_PART, &tmp)?;
    let moved = crate::data_move::move_data(
        &dist.join("netsim_web_bg.wasm"),
        &dist.join(PAGE_SECOND_PART),
        &map,
    )?;
    eprintln!(
        "the page's second part: {} constants ({} B) only it reads moved into it",
        moved.objects, moved.bytes
    );
    mark_engine(&dist)?;
    write_service_worker(&dist)?;
    precompress(&dist)
}

/// Short names for what wasm-bindgen's `dir/{out}_bg.wasm` imports from and exports to its glue
/// `dir/{out}.js`, in both ([`names::shorten`]). Kept: what the split's profiles call
/// (`__wbindgen_malloc`) and fix (`__wbindgen_externrefs`).
fn shorten_names(dir: &Path, out: &str) -> Result {
    let (wasm_path, glue_path) =
        (dir.join(format!("{out}_bg.wasm")), dir.join(format!("{out}.js")));
    let wasm = std::fs::read(&wasm_path).map_err(|e| format!("{}: {e}", wasm_path.display()))?;
    let glue =
        std::fs::read_to_string(&glue_path).map_err(|e| format!("{}: {e}", glue_path.display()))?;
    let (wasm, glue) =
        crate::names::shorten(&wasm, &glue, &["__wbindgen_malloc", "__wbindgen_externrefs"])
            .map_err(|e| format!("short names for {}: {e}", wasm_path.display()))?;
    std::fs::write(&wasm_path, wasm).map_err(|e| format!("{}: {e}", wasm_path.display()))?;
    std::fs::write(&glue_path, glue).map_err(|e| format!("{}: {e}", glue_path.display()))
}

/// `cargo rustc` of `package`'s `target` (`--lib`, `--bin NAME`) for wasm32 in [`WASM_PROFILE`],
/// with wasm-ld's link map (where each constant went, for [`crate::data_move`]) written beside
/// the wasm (`wasm`) as `map`; its path, once the map is checked to be the wasm's.
fn cargo_wasm_mapped(package: &str, target: &[&str], wasm: &str, map: &str) -> Result<PathBuf> {
    let map = wasm_out(map);
    run(Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()))
        .args(["rustc", "--profile", WASM_PROFILE, "--target", "wasm32-unknown-unknown", "-p"])
        .arg(package)
        .args(target)
        .args(["--", "-C"])
        .arg(format!("link-arg=--Map={}", map.display()))
        .current_dir(root()))?;
    crate::data_move::check_map(&map, &wasm_out(wasm))?;
    Ok(map)
}

/// `cargo build` of `package` for wasm32 in [`WASM_PROFILE`].
fn cargo_wasm(package: &str) -> Result {
    run(Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()))
        .args(["build", "--profile", WASM_PROFILE, "--target", "wasm32-unknown-unknown", "-p"])
        .arg(package)
        .current_dir(root()))
}

/// wasm-bindgen's glue `from`, with what it imports (`static/split.js`) bundled in and
/// minified, into `to` (it stays an ES module).
fn minify_glue(from: &Path, to: &Path) -> Result {
    run(Command::new(tools::npm_bin("esbuild"))
        .arg(from)
        .args(["--bundle", "--minify", "--format=esm", "--target=es2020", "--legal-comments=none"])
        .arg(format!("--outfile={}", to.display())))
}

/// Where cargo puts `file` of a wasm32 build in [`WASM_PROFILE`].
fn wasm_out(file: &str) -> PathBuf {
    crate::cargo_target().join("wasm32-unknown-unknown").join(WASM_PROFILE).join(file)
}

/// The engine's mark in `static/index.html`, replaced by [`mark_engine`].
const ENGINE_PLACEHOLDER: &str = "data-engine=\"dev\"";

/// Writes into `index.html` which engine this build is (`<html data-engine>`: the SHA-256 of the
/// page's wasm and glue and of the engine worker's files): embeds name their shared engine after
/// it, so pages of two deploys open at once never share one.
fn mark_engine(dist: &Path) -> Result {
    use sha2::{Digest, Sha256};
    let mut h = Sha256::new();
    let second = [SECOND_PART, PAGE_SECOND_PART];
    for f in ["netsim_web.js", "netsim_web_bg.wasm"]
        .iter()
        .chain(ENGINE)
        .chain(&second)
        .chain(FULL_ENGINE)
    {
        h.update(std::fs::read(dist.join(f)).map_err(|e| format!("{f}: {e}"))?);
    }
    let index = dist.join("index.html");
    let html = std::fs::read_to_string(&index).map_err(|e| format!("index.html: {e}"))?;
    if !html.contains(ENGINE_PLACEHOLDER) {
        return Err(format!("static/index.html lacks {ENGINE_PLACEHOLDER}"));
    }
    let mark = format!("data-engine=\"{}\"", &hex(&h.finalize())[..16]);
    std::fs::write(&index, html.replace(ENGINE_PLACEHOLDER, &mark))
        .map_err(|e| format!("index.html: {e}"))
}

/// The service worker's placeholder in `static/sw.js`.
const BUILD_PLACEHOLDER: &str = "/* NETSIM_BUILD */ null";

/// Writes `sw.js` into the site at `dir` (a built `dist/`): `static/sw.js` with the build's
/// manifest in place of [`BUILD_PLACEHOLDER`] — every file of the site but `sw.js` and the `.gz`
/// twins, with its SHA-256, and a version that is the SHA-256 of that list (the cache's name, so
/// a new deploy is a new cache). Returns the version and the manifest.
pub(crate) fn write_service_worker(dir: &Path) -> Result<(String, Vec<(String, String)>)> {
    let (version, manifest) = build_manifest(dir)?;
    let files: serde_json::Map<String, serde_json::Value> =
        manifest.iter().map(|(p, h)| (p.clone(), serde_json::Value::String(h.clone()))).collect();
    let build = serde_json::json!({"version": version, "files": files});
    let template = std::fs::read_to_string(root().join("static/sw.js"))
        .map_err(|e| format!("static/sw.js: {e}"))?;
    if !template.contains(BUILD_PLACEHOLDER) {
        return Err(format!("static/sw.js lacks the placeholder {BUILD_PLACEHOLDER}"));
    }
    let sw = template.replace(BUILD_PLACEHOLDER, &build.to_string());
    std::fs::write(dir.join("sw.js"), sw).map_err(|e| format!("sw.js: {e}"))?;
    Ok((version, manifest))
}

/// The build's version and files (path, SHA-256) as [`write_service_worker`] writes them.
pub(crate) fn build_manifest(dir: &Path) -> Result<(String, Vec<(String, String)>)> {
    use sha2::{Digest, Sha256};
    let mut files = Vec::new();
    collect_files(dir, dir, &mut files)?;
    files.retain(|p| p != "sw.js" && !p.ends_with(".gz"));
    files.sort();
    let mut manifest = Vec::with_capacity(files.len());
    let mut all = Sha256::new();
    for path in files {
        let bytes = std::fs::read(dir.join(&path)).map_err(|e| format!("{path}: {e}"))?;
        let hash = hex(&Sha256::digest(&bytes));
        all.update(format!("{path} {hash}\n").as_bytes());
        manifest.push((path, hash));
    }
    let version = hex(&all.finalize())[..16].to_string();
    Ok((version, manifest))
}

/// Every file under `dir`, as `/`-separated paths relative to `base`.
fn collect_files(base: &Path, dir: &Path, out: &mut Vec<String>) -> Result {
    let entries = std::fs::read_dir(dir).map_err(|e| format!("read {}: {e}", dir.display()))?;
    for e in entries.filter_map(std::result::Result::ok) {
        let path = e.path();
        if path.is_dir() {
            collect_files(base, &path, out)?;
        } else if let Ok(rel) = path.strip_prefix(base) {
            let parts: Vec<String> =
                rel.components().map(|c| c.as_os_str().to_string_lossy().into_owned()).collect();
            out.push(parts.join("/"));
        }
    }
    Ok(())
}

/// Minifies a CSS or JS file of the site in place with esbuild (no bundling).
fn minify(file: &Path, args: &[&str]) -> Result {
    let tmp = file.with_extension(format!(
        "min.{}",
        file.extension().and_then(|e| e.to_str()).unwrap_or_default()
    ));
    run(Command::new(tools::npm_bin("esbuild"))
        .arg(file)
        .args(["--minify", "--legal-comments=none", "--log-level=warning"])
        .args(args)
        .arg(format!("--outfile={}", tmp.display())))?;
    std::fs::rename(&tmp, file).map_err(|e| format!("rename {}: {e}", tmp.display()))
}

/// reveal.js for the example deck (`static/embed/deck.html`), from the npm package pinned in
/// `web/js/package-lock.json`: the script, its stylesheet, a theme without web fonts, and its
/// licence.
fn vendor_reveal(to: &Path) -> Result {
    let from = tools::js_dir().join("node_modules/reveal.js");
    std::fs::create_dir_all(to).map_err(|e| format!("create {}: {e}", to.display()))?;
    for (src, dst) in [
        ("dist/reveal.js", "reveal.js"),
        ("dist/reveal.css", "reveal.css"),
        ("dist/theme/serif.css", "serif.css"),
        ("LICENSE", "LICENSE"),
    ] {
        std::fs::copy(from.join(src), to.join(dst))
            .map_err(|e| format!("reveal.js {src} (run npm ci in web/js): {e}"))?;
    }
    Ok(())
}

/// The wasm features rustc's wasm32 output uses, for binaryen's tools (wasm-opt, wasm-split).
pub(crate) const WASM_OPT_FEATURES: &[&str] = &[
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
    cargo_wasm("netsim-wasm")?;
    let wasm = wasm_out("netsim_wasm.wasm");
    let _ = std::fs::remove_dir_all(out);
    run(Command::new("wasm-bindgen")
        .args(["--target", "web", "--out-name", "netsim_wasm", "--out-dir"])
        .arg(out)
        .arg(&wasm))?;
    wasm_opt_in_place(&out.join("netsim_wasm_bg.wasm"))
}

/// The engine worker: the first-topology engine (`crates/netsim-lite`: its wasm,
/// size-optimised like the page's, in `dist/lite/`) and `engine.js` bundled with its
/// wasm-bindgen glue, so the worker fetches its wasm one request after its script rather than
/// two (on a phone's link each request in a chain costs a round trip: about 0.6 s under
/// Lighthouse's slow 4G). The full engine stays a request of its own (`pkg/`, imported when
/// needed).
fn build_engine_worker(dist: &Path) -> Result {
    let root = root();
    let map = cargo_wasm_mapped("netsim-lite", &["--lib"], "netsim_lite.wasm", "netsim_lite.map")?;
    let tmp = root.join(split::TMP);
    let _ = std::fs::remove_dir_all(&tmp);
    run(Command::new("wasm-bindgen")
        .args(["--target", "web", "--no-typescript", "--out-name", "netsim_lite", "--out-dir"])
        .arg(&tmp)
        .arg(wasm_out("netsim_lite.wasm")))?;
    shorten_names(&tmp, "netsim_lite")?;
    let out = dist.join("lite");
    std::fs::create_dir_all(&out).map_err(|e| format!("create {}: {e}", out.display()))?;
    let whole = tmp.join("netsim_lite_opt.wasm");
    wasm_opt(&tmp.join("netsim_lite_bg.wasm"), &whole, WASM_OPT_SIZE)?;
    // Its first part (what the bundled scenarios run) and the second, fetched when needed.
    let (primary, second) = (out.join("netsim_lite_bg.wasm"), dist.join(SECOND_PART));
    split::split(&whole, &tmp.join("netsim_lite.js"), &primary, &second, &tmp)?;
    // And the constants only the second part reads.
    let moved = crate::data_move::move_data(&primary, &second, &map)?;
    eprintln!(
        "the first-topology engine's second part: {} constants ({} B) only it reads moved into it",
        moved.objects, moved.bytes
    );
    // `static/engine.js` imports the glue as `./lite/netsim_lite.js` (its imports wrapped by
    // `static/split.js`, which `copy_dir` put in `dist/`): put it there for esbuild to read,
    // bundle, and take both away again (nothing fetches them).
    let glue = std::fs::read_to_string(tmp.join("netsim_lite.js"))
        .map_err(|e| format!("the lite glue: {e}"))?;
    std::fs::write(out.join("netsim_lite.js"), split::patch_glue(&glue, "../split.js")?)
        .map_err(|e| format!("write the lite glue: {e}"))?;
    let engine = dist.join("engine.js");
    let bundled = tmp.join("engine.js");
    run(Command::new(tools::npm_bin("esbuild"))
        .arg(&engine)
        .args(["--bundle", "--minify", "--format=esm", "--target=es2020", "--legal-comments=none"])
        .args(["--external:./pkg/*", "--log-level=warning"])
        .arg(format!("--outfile={}", bundled.display())))?;
    std::fs::rename(&bundled, &engine).map_err(|e| format!("engine.js: {e}"))?;
    std::fs::remove_file(out.join("netsim_lite.js")).map_err(|e| format!("the lite glue: {e}"))?;
    std::fs::remove_file(dist.join("split.js")).map_err(|e| format!("split.js: {e}"))
}

/// wasm-opt's size flags beside `-Oz`, for the page and the engine alike.
/// `--low-memory-unused`: rustc's wasm32 output never uses the first 1 KB of memory (the data
/// starts at `__global_base`, 1024 by default), so wasm-opt may fold constant offsets into loads
/// and stores: about 2.5 KB off the page's gzip (`--converge`: 0.3 KB more).
/// `--one-caller-inline-max-function-size 0`: `-Oz` inlines every function that has one caller,
/// however big, into it; the core's stages then become a few functions of 60–80 KB each (the
/// loader, the cluster build, the view), with very many locals. Without that, the first-topology
/// engine is 32 KB smaller (gzip -9: 348.3 → 315.7 KB) and the page 2.8 KB, and the split
/// ([`split`]) can leave a stage's rarely run parts out of the first part (273.5 → 222.5 KB).
const WASM_OPT_SIZE: &[&str] =
    &["--low-memory-unused", "--converge", "--one-caller-inline-max-function-size", "0"];

/// `wasm-opt -Oz` from the npm `binaryen` package, in place.
pub(crate) fn wasm_opt_in_place(file: &Path) -> Result {
    let tmp = file.with_extension("opt.wasm");
    wasm_opt(file, &tmp, WASM_OPT_SIZE)?;
    std::fs::rename(&tmp, file).map_err(|e| format!("rename {}: {e}", tmp.display()))
}

/// `wasm-opt -Oz` (the features are the ones rustc enables by default for
/// wasm32-unknown-unknown), remembered in `target/wasm-opt-cache/` by the SHA-256 of the input,
/// the flags and wasm-opt's version: it takes minutes on the engine, which the site and the npm
/// package share and a second `cargo xtask test` meets unchanged.
fn wasm_opt(input: &Path, output: &Path, extra: &[&str]) -> Result {
    use sha2::{Digest, Sha256};
    let bytes = std::fs::read(input).map_err(|e| format!("{}: {e}", input.display()))?;
    let version = Command::new(tools::npm_bin("wasm-opt"))
        .arg("--version")
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).into_owned())
        .unwrap_or_default();
    let mut h = Sha256::new();
    h.update(version.as_bytes());
    for flag in WASM_OPT_FEATURES.iter().chain(extra) {
        h.update(flag.as_bytes());
    }
    h.update(&bytes);
    let key = hex(&h.finalize());
    let cache = root().join("target/wasm-opt-cache");
    let cached = cache.join(format!("{key}.wasm"));
    if cached.is_file() {
        eprintln!("wasm-opt: {} is unchanged, optimized before", input.display());
    } else {
        std::fs::create_dir_all(&cache).map_err(|e| format!("{}: {e}", cache.display()))?;
        let tmp = cache.join(format!("{key}.tmp"));
        run(Command::new(tools::npm_bin("wasm-opt"))
            .arg("-Oz")
            .args(extra)
            .args(WASM_OPT_FEATURES)
            .args(["--strip-debug", "--strip-producers"])
            .arg(input)
            .arg("-o")
            .arg(&tmp))?;
        std::fs::rename(&tmp, &cached).map_err(|e| format!("{}: {e}", cached.display()))?;
    }
    std::fs::copy(&cached, output).map_err(|e| format!("{}: {e}", output.display())).map(drop)
}

/// Lower-case hex of `bytes`.
pub(crate) fn hex(bytes: &[u8]) -> String {
    bytes.iter().fold(String::with_capacity(bytes.len() * 2), |mut s, b| {
        let _ = write!(s, "{b:02x}");
        s
    })
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

pub(crate) fn copy_dir(from: &Path, to: &Path) -> Result {
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

/// The transfer size of every file of the site (its `.gz` twin when it has one): what the
/// service worker saves.
fn walk_sizes(dist: &Path) -> Result<Vec<u64>> {
    let mut files = Vec::new();
    collect_files(dist, dist, &mut files)?;
    let mut sizes = Vec::new();
    for f in files.iter().filter(|f| !f.ends_with(".gz")) {
        let gz = dist.join(format!("{f}.gz"));
        let path = if gz.is_file() { gz } else { dist.join(f) };
        sizes.push(std::fs::metadata(&path).map_err(|e| format!("{}: {e}", path.display()))?.len());
    }
    Ok(sizes)
}

/// Size of each first-load file as transferred (its precompressed `.gz`), and the total.
/// The size report, the first load's gzip bytes and the first topology's (page + engine).
pub(crate) fn size_report() -> Result<(String, u64, u64)> {
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
    let _ = writeln!(
        report,
        "engine worker and first-topology engine (started by the page, load in parallel):"
    );
    let mut engine = 0;
    for name in ENGINE {
        let gz_path = dist.join(format!("{name}.gz"));
        let gz =
            std::fs::metadata(&gz_path).map_err(|e| format!("{}: {e}", gz_path.display()))?.len();
        engine += gz;
        let _ = writeln!(report, "  {name:<22} {gz:>36} B gz");
    }
    let _ = writeln!(report, "  {:<22} {:>36} B gz", "engine total", engine);
    let topology = total + engine;
    let _ = writeln!(
        report,
        "first topology (page + engine)  {topology:>20} B gz (budget {FIRST_TOPOLOGY_BUDGET} B, {:.0}%)",
        topology as f64 * 100.0 / FIRST_TOPOLOGY_BUDGET as f64
    );
    let _ = writeln!(
        report,
        "the first-topology engine's second part (a text the bundled scenarios do not run):"
    );
    let gz_path = dist.join(format!("{SECOND_PART}.gz"));
    let gz = std::fs::metadata(&gz_path).map_err(|e| format!("{}: {e}", gz_path.display()))?.len();
    let _ = writeln!(
        report,
        "  {SECOND_PART:<22} {gz:>36} B gz (page + engine with it: {} B gz)",
        topology + gz
    );
    let _ = writeln!(
        report,
        "after the first topology (the page's second part, the editor, the full engine):"
    );
    for name in AFTER_FIRST_TOPOLOGY {
        let gz_path = dist.join(format!("{name}.gz"));
        let gz =
            std::fs::metadata(&gz_path).map_err(|e| format!("{}: {e}", gz_path.display()))?.len();
        let _ = writeln!(report, "  {name:<22} {gz:>36} B gz");
    }
    let _ = writeln!(
        report,
        "offline use (once the page runs; the worker then saves the whole build):"
    );
    let mut all = 0;
    for name in OFFLINE {
        let gz_path = dist.join(format!("{name}.gz"));
        let gz =
            std::fs::metadata(&gz_path).map_err(|e| format!("{}: {e}", gz_path.display()))?.len();
        let _ = writeln!(report, "  {name:<22} {gz:>36} B gz");
    }
    for e in walk_sizes(&dist)? {
        all += e;
    }
    let _ = write!(report, "  {:<22} {:>36} B gz", "whole build", all);
    Ok((report, total, topology))
}

/// The page's glue with the wasm's start (`__wbindgen_start`: the app's `start`, and V8's first
/// lazy compiles) a task after its instantiation, not in the same one: on a phone the two were
/// the start's longest task (16 ms unslowed, 64 ms in Lighthouse's simulated 4× phone).
fn start_a_task_later(glue: &str) -> Result<String> {
    const LOADED: &str =
        "    const { instance, module } = await __wbg_load(await module_or_path, imports);\n";
    if glue.matches(LOADED).count() != 1 {
        return Err("the wasm-bindgen glue has changed shape: `__wbg_load` in `__wbg_init_once` \
                    not found (crates/xtask/src/site.rs)"
            .into());
    }
    Ok(glue.replace(
        LOADED,
        &format!("{LOADED}    await new Promise((resolve) => setTimeout(resolve, 0));\n"),
    ))
}
