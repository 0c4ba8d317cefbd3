//! The first-topology engine in two parts (binaryen's `wasm-split`, guided by a profile).
//!
//! The first topology of a bundled scenario runs a fraction of the first-topology engine's
//! code: the rest (most diagnostics, rare kinds and fields, what-if events, error paths) can come
//! later. The build runs the engine over every bundled scenario (`static/scenarios/*.yaml`, the
//! default one included) in Node with an instrumented copy, and `wasm-split` moves every function
//! those runs never called into a second module, `lite/netsim_lite_split.wasm`; the first part
//! keeps a placeholder for each. `static/split.js` (bundled into `engine.js`) fetches the second
//! part the first time a placeholder is called, synchronously (in the worker), and the call goes
//! on. The profile is a pure function of the engine and the scenarios, so the split is the same
//! on every build of the same sources.
//!
//! [`check`] (every release build of the site) runs the whole engine and the split one over
//! every test case's manifests and the bundled scenarios and requires the same answer, byte for
//! byte, and the second part loaded (some case must need it).
//!
//! `wasm-split` is binaryen's; npm's `binaryen` package does not ship it, Debian's does (version
//! 108 here). Its writer gets one thing wrong on our modules: it exports wasm-bindgen's externref
//! table (`__wbindgen_externrefs`) as the function table, which [`fix_externref_export`] puts
//! right.

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::site::WASM_OPT_FEATURES as FEATURES;
use crate::tools::{self, run};
use crate::wasm::{sections, Reader};
use crate::{root, Result};

/// The scratch directory of the first-topology engine's build: wasm-bindgen's output, the
/// profile, and what [`check`] runs.
pub(crate) const TMP: &str = "target/site-lite";

/// The files `tmp` keeps for [`check`]: the whole engine and its glue as wasm-bindgen wrote it.
const WHOLE_WASM: &str = "whole.wasm";
const WHOLE_GLUE: &str = "whole.mjs";

/// Splits `whole` (the optimised first-topology engine; `glue` wasm-bindgen's glue for it) into
/// `primary` and `second`; `tmp` ([`TMP`]) keeps the profile and what [`check`] needs.
pub(crate) fn split(
    whole: &Path,
    glue: &Path,
    primary: &Path,
    second: &Path,
    tmp: &Path,
) -> Result {
    let wasm_split = ensure_wasm_split()?;
    std::fs::copy(whole, tmp.join(WHOLE_WASM)).map_err(|e| format!("{}: {e}", whole.display()))?;
    std::fs::copy(glue, tmp.join(WHOLE_GLUE)).map_err(|e| format!("{}: {e}", glue.display()))?;
    let instrumented = tmp.join("instrumented.wasm");
    instrument(&wasm_split, whole, &instrumented)?;
    let profile = tmp.join("lite.profile");
    let mut node = Command::new("node");
    node.arg(root().join("web/js/split-profile.mjs"))
        .arg(tmp.join(WHOLE_GLUE))
        .arg(&instrumented)
        .arg(&profile)
        .args(scenarios()?);
    run(&mut node)?;
    split_by_profile(&wasm_split, whole, &profile, primary, second)
}

/// `wasm-split --instrument`: `whole` with a `__write_profile` export that writes which
/// functions have run.
fn instrument(wasm_split: &WasmSplit, whole: &Path, instrumented: &Path) -> Result {
    run(wasm_split
        .command()
        .arg("--instrument")
        .args(FEATURES)
        .arg(whole)
        .arg("-o")
        .arg(instrumented))?;
    fix_externref_export(instrumented)
}

/// `wasm-split --split`: what `profile` saw run stays in `primary`, the rest goes to `second`.
fn split_by_profile(
    wasm_split: &WasmSplit,
    whole: &Path,
    profile: &Path,
    primary: &Path,
    second: &Path,
) -> Result {
    run(wasm_split
        .command()
        .arg("--split")
        .args(FEATURES)
        .arg(whole)
        .arg("--profile")
        .arg(profile)
        .arg("-o1")
        .arg(primary)
        .arg("-o2")
        .arg(second))?;
    fix_externref_export(primary)
}

/// The pages whose start the page's profile records: (query and fragment, window width,
/// height). The playground on a wide and on a phone's screen, a lesson's and a challenge's link
/// (`?scenario=`), and embeds as course pages show them (`<netsim-playground>`: a share link in
/// the fragment, [`SHARE_EMBED`]).
const PAGE_PROFILE_LOADS: &[(&str, u32, u32)] = &[
    ("", 1280, 800),
    ("", 412, 823),
    ("?scenario=pod-to-service", 1280, 800),
    ("?scenario=challenge-fix-the-shop", 1280, 800),
    ("?embed", 800, 520),
    ("?embed&view=topology&readonly&theme=dark", 800, 520),
    ("?embed&view=editor,topology,requests", 800, 520),
];

/// An embed's share link: `static/embed/shop.yaml` with a suggested request, as
/// `<netsim-playground view="topology,requests" request="pod/client http://shop/">` makes it.
const SHARE_EMBED: (&str, u32, u32) = ("?embed&view=topology,requests", 800, 520);

/// A share link's fragment (`#s=1.…`, format 1 of `crates/netsim/src/share.rs`) as
/// `static/netsim-playground.js` writes it: the payload (one file, the view, the request) as an
/// LZ77 stream of one literal run, in base64url.
fn share_fragment(text: &str, view: &str, request: (&str, &str)) -> String {
    fn varint(out: &mut Vec<u8>, mut v: usize) {
        while v >= 0x80 {
            out.push((v % 0x80) as u8 | 0x80);
            v /= 0x80;
        }
        out.push(v as u8);
    }
    fn str(out: &mut Vec<u8>, s: &str) {
        varint(out, s.len());
        out.extend_from_slice(s.as_bytes());
    }
    let mut payload = Vec::new();
    varint(&mut payload, 1);
    str(&mut payload, "manifests.yaml");
    str(&mut payload, text);
    str(&mut payload, view);
    payload.push(1);
    str(&mut payload, request.0);
    str(&mut payload, request.1);
    payload.push(0);
    let mut z = Vec::new();
    varint(&mut z, payload.len());
    if payload.len() >= 15 {
        z.push(0xf0);
        varint(&mut z, payload.len() - 15);
    } else {
        z.push((payload.len() as u8) << 4);
    }
    z.extend_from_slice(&payload);
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    let mut b64 = String::new();
    for chunk in z.chunks(3) {
        let n = chunk.iter().enumerate().fold(0u32, |n, (i, &b)| n | u32::from(b) << (16 - 8 * i));
        for i in 0..=chunk.len() {
            b64.push(ALPHABET[(n >> (18 - 6 * i) & 63) as usize] as char);
        }
    }
    format!("#s=1.{b64}")
}

/// Splits the page's wasm (`whole`, optimised; `dist/` holds the rest of the built site, its
/// glue already wrapped by [`patch_glue`]) into `dist/<primary>` and `dist/<second>`. The
/// profile is the start of the pages of [`PAGE_PROFILE_LOADS`], of a learner's saved work and of
/// every scenario's link in headless Chromium, each up to the first topology, the end of the
/// start (`netsim-settled`, the full engine fetched) and the plain editor focused and replaced
/// by CodeMirror: what the page runs before `boot.js` prefetches the second part. What a
/// learner does next (a click, a tab, a dialog) is in the second part.
pub(crate) fn split_page(
    whole: &Path,
    dist: &Path,
    primary: &str,
    second: &str,
    tmp: &Path,
) -> Result {
    let wasm_split = ensure_wasm_split()?;
    let lowered = tmp.join("page_whole.wasm");
    let mut bytes = std::fs::read(whole).map_err(|e| format!("{}: {e}", whole.display()))?;
    lower_table_fill(&mut bytes).map_err(|e| format!("{}: {e}", whole.display()))?;
    std::fs::write(&lowered, &bytes).map_err(|e| format!("{}: {e}", lowered.display()))?;
    // The split of the same page wasm in the same site (every other file alike) is the same: a
    // build with no change to them takes it from the cache.
    let key = {
        use sha2::{Digest, Sha256};
        let mut h = Sha256::new();
        h.update(&bytes);
        // How the profile is taken (the scenarios are files of the site).
        h.update(format!(
            "{PAGE_PROFILE_LOADS:?} {SHARE_EMBED:?} {PAGE_PROFILE_HOOK} {PAGE_PROFILE_RUNS:?} \
             saved work, every scenario, the editor focused"
        ));
        for (path, hash) in crate::site::build_manifest(dist)?.1 {
            h.update(format!("{path} {hash}\n").as_bytes());
        }
        crate::site::hex(&h.finalize())
    };
    let cache = root().join("target/page-split-cache").join(&key[..32]);
    let (cached_primary, cached_second) = (cache.join("primary.wasm"), cache.join("second.wasm"));
    if cached_primary.is_file() && cached_second.is_file() {
        eprintln!("wasm-split: the page's wasm and site are unchanged, split before");
        for (from, to) in [(&cached_primary, primary), (&cached_second, second)] {
            std::fs::copy(from, dist.join(to)).map_err(|e| format!("{}: {e}", from.display()))?;
        }
        return Ok(());
    }
    // The site is served with the instrumented wasm in the page's place.
    instrument(&wasm_split, &lowered, &dist.join(primary))?;
    let site = crate::serve::TestSite::start(dist.to_path_buf())?;
    let mut profiles = Vec::new();
    let shop = std::fs::read_to_string(root().join("static/embed/shop.yaml"))
        .map_err(|e| format!("static/embed/shop.yaml: {e}"))?;
    let share = format!(
        "{}{}",
        SHARE_EMBED.0,
        share_fragment(&shop, "topology,requests", ("pod/client", "http://shop/"))
    );
    let loads =
        PAGE_PROFILE_LOADS.iter().copied().chain([(share.as_str(), SHARE_EMBED.1, SHARE_EMBED.2)]);
    let mut save = |bytes: Vec<u8>| -> Result {
        let profile = tmp.join(format!("page-{}.profile", profiles.len()));
        std::fs::write(&profile, bytes).map_err(|e| format!("{}: {e}", profile.display()))?;
        profiles.push(profile);
        Ok(())
    };
    for (query, width, height) in loads {
        let driver = profile_driver(width, height)?;
        let url = format!("http://127.0.0.1:{}/{query}", site.port);
        for slower in PAGE_PROFILE_RUNS {
            save(page_profile(&driver, &url, slower)?)?;
        }
    }
    // A learner coming back: their saved work (`web/src/browser.rs`' `netsim.text`) opens in
    // place of the default scenario, and is saved again.
    let driver = profile_driver(1280, 800)?;
    let home = format!("http://127.0.0.1:{}/", site.port);
    driver.goto(&home)?;
    let default = std::fs::read_to_string(root().join("static/scenarios/default.yaml"))
        .map_err(|e| format!("static/scenarios/default.yaml: {e}"))?;
    driver.eval_args(
        "localStorage.setItem('netsim.text', arguments[0]); localStorage.setItem('netsim.scenario', ''); return true;",
        &[serde_json::Value::String(format!("{default}\n# edited\n"))],
    )?;
    for slower in [1, 4] {
        save(page_profile(&driver, &home, slower)?)?;
    }
    // Every scenario of the library by its link, once (with saved work in this browser, as a
    // learner has): what a lesson's start shows (a NetworkPolicy's strip, zones, a challenge) is
    // in the first part.
    for scenario in scenarios()? {
        let name =
            scenario.file_stem().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
        let url = format!("http://127.0.0.1:{}/?scenario={name}", site.port);
        save(page_profile(&driver, &url, 1)?)?;
    }
    let merged = tmp.join("page.profile");
    run(wasm_split.command().arg("--merge-profiles").args(&profiles).arg("-o").arg(&merged))?;
    split_by_profile(&wasm_split, &lowered, &merged, &dist.join(primary), &dist.join(second))?;
    std::fs::create_dir_all(&cache).map_err(|e| format!("{}: {e}", cache.display()))?;
    for (from, to) in [(primary, &cached_primary), (second, &cached_second)] {
        std::fs::copy(dist.join(from), to).map_err(|e| format!("{}: {e}", to.display()))?;
    }
    Ok(())
}

/// Runs before the page's scripts in the profile's loads: keeps the instrumented page wasm's
/// exports (`__write_profile`) and notes the end of the start.
const PAGE_PROFILE_HOOK: &str = "(() => { \
    const instantiate = WebAssembly.instantiate; \
    WebAssembly.instantiate = async function (...args) { \
      const r = await instantiate.apply(this, args); \
      const exports = (r.instance || r).exports; \
      if (exports.__write_profile) window.__netsimProfiled = exports; \
      return r; }; \
    addEventListener('netsim-settled', () => { window.__netsimSettled = true; }); })();";

/// The CPU slowdown of each load of a page of [`PAGE_PROFILE_LOADS`] in one browser: a first
/// visit, a reload (its files cached: the page's steps and the engine's answer come in another
/// order) and a reload with the CPU 4× slower (as on a phone). What the start runs depends on
/// that order; the union of them all is what stays in the first part.
const PAGE_PROFILE_RUNS: [u32; 3] = [1, 1, 4];

/// A fresh headless Chromium of `width`×`height` for [`page_profile`].
fn profile_driver(width: u32, height: u32) -> Result<crate::webdriver::Driver> {
    use crate::webdriver::{Browser, Driver};
    let driver = Driver::start(Browser::Chromium, width, height, &[])?;
    driver.cdp(
        "Page.addScriptToEvaluateOnNewDocument",
        serde_json::json!({ "source": PAGE_PROFILE_HOOK }),
    )?;
    Ok(driver)
}

/// The instrumented page's profile of a load of `url` with the CPU `slower` times slower, taken
/// once the start is over (the first topology drawn, `netsim-settled`), the plain editor focused
/// and CodeMirror in its place, and half a second.
fn page_profile(driver: &crate::webdriver::Driver, url: &str, slower: u32) -> Result<Vec<u8>> {
    use std::time::Duration;
    driver.cdp("Emulation.setCPUThrottlingRate", serde_json::json!({ "rate": slower }))?;
    driver.goto(url)?;
    driver
        .wait_for(
            "the first topology and the end of the start",
            "return performance.getEntriesByName('netsim-topology').length > 0 \
             && window.__netsimSettled === true && !!window.__netsimProfiled",
            Duration::from_secs(60),
        )
        .map_err(|e| format!("the page's profile at {url}: {e}"))?;
    // The learner's first step into the editor: focusing the plain editor brings CodeMirror in
    // (as 5 s after the first topology would), which takes its place.
    driver
        .wait_for(
            "the code editor in",
            "if (!window.__netsimFocused) { window.__netsimFocused = true; \
               const t = document.querySelector('[data-testid=editor-input]'); \
               window.__netsimPlain = !!t; if (t) t.focus(); } \
             return !window.__netsimPlain \
               || document.querySelector('[data-testid=editor] .cm-content') !== null",
            Duration::from_secs(30),
        )
        .map_err(|e| format!("the page's profile at {url}: {e}"))?;
    let bytes = driver.eval(
        "return new Promise((ok) => setTimeout(() => { \
           const x = window.__netsimProfiled, room = 1 << 20; \
           const at = x.__wbindgen_malloc(room, 8); \
           const n = x.__write_profile(at, room); \
           ok(n > 0 && n <= room ? Array.from(new Uint8Array(x.memory.buffer, at, n)) : n); }, 500))",
    )?;
    serde_json::from_value(bytes.clone())
        .map_err(|_| format!("the page's profile at {url}: __write_profile gave {bytes}"))
}

/// Rewrites wasm-bindgen's `table.fill` of one slot (`ref.null extern; i32.const 1; table.fill
/// T`, clearing an externref it lent for a call) in the code section as `table.set T` and three
/// `nop`s, the same length: binaryen 108's wasm-split cannot read `table.fill`. A byte pattern:
/// every such fill is written alike, and wasm-split fails loudly on any other. Returns how many.
fn lower_table_fill(bytes: &mut [u8]) -> Result<usize, String> {
    const FILL_ONE: [u8; 6] = [0xd0, 0x6f, 0x41, 0x01, 0xfc, 0x11];
    let code = code_section(bytes)?;
    let mut count = 0;
    let mut i = code.start;
    while i + FILL_ONE.len() < code.end {
        if bytes[i..i + FILL_ONE.len()] == FILL_ONE && bytes[i + FILL_ONE.len()] < 0x80 {
            let table = bytes[i + FILL_ONE.len()];
            bytes[i..i + 7].copy_from_slice(&[0xd0, 0x6f, 0x26, table, 0x01, 0x01, 0x01]);
            count += 1;
            i += 7;
        } else {
            i += 1;
        }
    }
    Ok(count)
}

/// Where the module's code section's contents are.
fn code_section(bytes: &[u8]) -> Result<std::ops::Range<usize>, String> {
    let code = sections(bytes)?.into_iter().find(|s| s.0 == 10).ok_or("no code section")?;
    Ok(code.1..code.2)
}

/// The bundled scenarios: the profile's inputs.
fn scenarios() -> Result<Vec<PathBuf>> {
    let dir = root().join("static/scenarios");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .map_err(|e| format!("{}: {e}", dir.display()))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "yaml"))
        .collect();
    files.sort();
    Ok(files)
}

/// The glue of the split engine: wasm-bindgen's, with its imports wrapped by `splitImports`
/// of `static/split.js` (the placeholders), imported from `split_js`.
pub(crate) fn patch_glue(glue: &str, split_js: &str) -> Result<String> {
    const GET_IMPORTS: &str = "function __wbg_get_imports() {";
    if glue.matches(GET_IMPORTS).count() != 1
        || !glue.contains("\nlet wasmModule, wasmInstance, wasm;")
    {
        return Err("the wasm-bindgen glue has changed shape: `__wbg_get_imports` or its `wasm` \
                    binding not found (crates/xtask/src/split.rs)"
            .into());
    }
    // The closures the browser calls end quietly when a failed load of the second part was the
    // page being left (`quietWhenLeaving`).
    let mut glue = glue.to_string();
    for make in
        ["function makeMutClosure(arg0, arg1, f) {", "function makeClosure(arg0, arg1, f) {"]
    {
        glue = glue.replace(make, &format!("{make}\n    f = __netsim_quiet(f);"));
    }
    Ok(format!(
        "import {{ splitImports as __netsim_split_imports, quietWhenLeaving as __netsim_quiet }} \
         from \"{split_js}\";\n\
         export {{ secondPart as __netsim_second_part, prefetchSecondPart as \
         __netsim_prefetch_second_part }} from \"{split_js}\";\n{}",
        glue.replace(
            GET_IMPORTS,
            "function __wbg_get_imports() {\n    \
             return __netsim_split_imports(__wbg_get_imports_whole(), () => wasm);\n}\n\
             function __wbg_get_imports_whole() {"
        )
    ))
}

/// The whole first-topology engine and the split one answer every test case's manifests
/// (`tests/cases/`), the fuzz regressions and the bundled scenarios alike, and the second part
/// was needed (and loaded) for some of them; its report. Run after every release build of the
/// site (`dist/lite/`), which fails if not.
pub(crate) fn check() -> Result<String> {
    let root = root();
    let tmp = root.join(TMP);
    let dist = crate::site::dist();
    let cases = tmp.join("check-cases");
    let _ = std::fs::remove_dir_all(&cases);
    std::fs::create_dir_all(&cases).map_err(|e| format!("{}: {e}", cases.display()))?;
    let mut inputs = scenarios()?;
    inputs.extend(case_files(&root.join("tests/cases"), &cases)?);
    let regressions = root.join("tests/fuzz_regressions");
    for e in
        std::fs::read_dir(&regressions).map_err(|e| format!("{}: {e}", regressions.display()))?
    {
        let path = e.map_err(|e| e.to_string())?.path();
        if path.is_file() {
            inputs.push(path);
        }
    }
    inputs.sort();
    let split_glue = tmp.join("split-glue.mjs");
    let glue = std::fs::read_to_string(tmp.join(WHOLE_GLUE)).map_err(|e| e.to_string())?;
    std::fs::copy(root.join("static/split.js"), tmp.join("split.mjs"))
        .map_err(|e| e.to_string())?;
    std::fs::write(&split_glue, patch_glue(&glue, "./split.mjs")?).map_err(|e| e.to_string())?;
    let out = Command::new("node")
        .arg(root.join("web/js/split-check.mjs"))
        .arg(tmp.join(WHOLE_GLUE))
        .arg(tmp.join(WHOLE_WASM))
        .arg(&split_glue)
        .arg(dist.join("lite/netsim_lite_bg.wasm"))
        .arg(dist.join(crate::site::SECOND_PART))
        .args(&inputs)
        .output()
        .map_err(|e| format!("node: {e}"))?;
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    if !out.status.success() {
        return Err(format!("{stdout}{}", String::from_utf8_lossy(&out.stderr)));
    }
    Ok(stdout)
}

/// Writes the files of every `.case` under `dir` (`#- file: NAME` blocks, up to the next `#- `
/// line) into `out`, one per case and file; their paths.
fn case_files(dir: &Path, out: &Path) -> Result<Vec<PathBuf>> {
    let mut cases = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).map_err(|e| format!("{}: {e}", d.display()))? {
            let path = e.map_err(|e| e.to_string())?.path();
            if path.is_dir() {
                stack.push(path);
            } else if path.extension().is_some_and(|x| x == "case") {
                cases.push(path);
            }
        }
    }
    cases.sort();
    let mut files = Vec::new();
    for case in cases {
        let text =
            std::fs::read_to_string(&case).map_err(|e| format!("{}: {e}", case.display()))?;
        let stem = case.strip_prefix(dir).unwrap_or(&case).to_string_lossy().replace('/', "_");
        let mut current: Option<(String, String)> = None;
        let mut flush = |current: &mut Option<(String, String)>| -> Result {
            if let Some((name, body)) = current.take() {
                let path = out.join(format!("{stem}_{}", name.replace('/', "_")));
                std::fs::write(&path, body).map_err(|e| format!("{}: {e}", path.display()))?;
                files.push(path);
            }
            Ok(())
        };
        for line in text.lines() {
            if let Some(rest) = line.strip_prefix("#- ") {
                flush(&mut current)?;
                if let Some(name) = rest.strip_prefix("file: ") {
                    current = Some((name.trim().to_string(), String::new()));
                }
            } else if let Some((_, body)) = current.as_mut() {
                body.push_str(line);
                body.push('\n');
            }
        }
        flush(&mut current)?;
    }
    Ok(files)
}

/// binaryen's `wasm-split` (Debian's package, unpacked under `target/tools/`, not installed:
/// its old `wasm-opt` stays off PATH).
struct WasmSplit {
    bin: PathBuf,
    lib: PathBuf,
}

impl WasmSplit {
    fn command(&self) -> Command {
        let mut c = Command::new(&self.bin);
        c.env("LD_LIBRARY_PATH", &self.lib);
        c
    }
}

fn ensure_wasm_split() -> Result<WasmSplit> {
    let dir = root().join("target/tools/binaryen");
    // Where the package's `libbinaryen.so` is (`usr/lib/<multiarch triple>/`, or `usr/lib/`).
    let lib = |dir: &Path| -> PathBuf {
        let usr_lib = dir.join("usr/lib");
        std::fs::read_dir(&usr_lib)
            .into_iter()
            .flatten()
            .filter_map(|e| e.ok().map(|e| e.path()))
            .find(|d| d.join("libbinaryen.so").exists())
            .unwrap_or(usr_lib)
    };
    let bin = dir.join("usr/bin/wasm-split");
    if bin.is_file() {
        return Ok(WasmSplit { bin, lib: lib(&dir) });
    }
    let debs = root().join("target/tools/debs");
    std::fs::create_dir_all(&debs).map_err(|e| format!("{}: {e}", debs.display()))?;
    let download =
        || run(Command::new("apt-get").args(["download", "-qq", "binaryen"]).current_dir(&debs));
    if download().is_err() {
        // No package lists yet (a fresh container): update them, then try again.
        tools::apt_update()?;
        download()?;
    }
    let deb = std::fs::read_dir(&debs)
        .map_err(|e| e.to_string())?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .find(|p| p.file_name().is_some_and(|n| n.to_string_lossy().starts_with("binaryen_")))
        .ok_or("apt-get download binaryen left no .deb")?;
    run(Command::new("dpkg-deb").arg("-x").arg(&deb).arg(&dir))?;
    if !bin.is_file() {
        return Err(format!("{} has no usr/bin/wasm-split", deb.display()));
    }
    Ok(WasmSplit { bin, lib: lib(&dir) })
}

/// Points the export `__wbindgen_externrefs` at the module's externref table (wasm-split 108
/// writes the function table's index there). Leaves a right export alone.
fn fix_externref_export(path: &Path) -> Result {
    let mut bytes = std::fs::read(path).map_err(|e| format!("{}: {e}", path.display()))?;
    let fixed = externref_export_fix(&mut bytes).map_err(|e| format!("{}: {e}", path.display()))?;
    if fixed {
        std::fs::write(path, &bytes).map_err(|e| format!("{}: {e}", path.display()))?;
    }
    Ok(())
}

/// The fix of [`fix_externref_export`] on the module's bytes: whether it changed them.
fn externref_export_fix(bytes: &mut [u8]) -> Result<bool, String> {
    const EXTERNREF: u8 = 0x6f;
    // Tables in index order (imported first): whether each is externref.
    let mut tables: Vec<bool> = Vec::new();
    let mut export: Option<(usize, u32)> = None;
    for (id, start, end) in sections(bytes)? {
        let mut r = Reader { bytes: &bytes[..end], at: start };
        match id {
            2 => {
                for _ in 0..r.leb()? {
                    r.name()?;
                    r.name()?;
                    let kind = r.byte()?;
                    tables.extend(r.import_desc(kind)?);
                }
            }
            4 => {
                for _ in 0..r.leb()? {
                    tables.push(r.byte()? == EXTERNREF);
                    r.limits()?;
                }
            }
            7 => {
                for _ in 0..r.leb()? {
                    let name = r.name()?;
                    let kind = r.byte()?;
                    let at = r.at;
                    let index = r.leb()?;
                    if kind == 1 && name == b"__wbindgen_externrefs" {
                        export = Some((at, index));
                    }
                }
            }
            _ => {}
        }
    }
    let Some((at, index)) = export else { return Ok(false) };
    if tables.get(index as usize) == Some(&true) {
        return Ok(false);
    }
    let right = tables.iter().position(|&e| e).ok_or("no externref table")?;
    if right > 0x7f || bytes[at] & 0x80 != 0 {
        return Err("table index wider than one byte".into());
    }
    bytes[at] = right as u8;
    Ok(true)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The same fragment `static/netsim-playground.js` writes for this text, view and request.
    #[test]
    fn share_fragment_is_netsim_playground_js_s() {
        assert_eq!(
            share_fragment("kind: Pod\n", "topology", ("pod/a", "http://b/")),
            "#s=1.NvAnAQ5tYW5pZmVzdHMueWFtbApraW5kOiBQb2QKCHRvcG9sb2d5AQVwb2QvYQlodHRwOi8vYi8A"
        );
    }

    #[test]
    fn lowers_table_fill_of_one_slot_in_the_code_section_only() {
        let fill = [0xd0, 0x6f, 0x41, 0x01, 0xfc, 0x11, 0x01];
        // type, function and code sections of one function whose body holds the fill; the
        // same bytes in a custom section after it.
        let mut m = b"\0asm\x01\0\0\0".to_vec();
        m.extend([1, 4, 1, 0x60, 0, 0, 3, 2, 1, 0]);
        let body: Vec<u8> = [&[0u8][..], &[0x41, 0x00], &fill, &[0x0b]].concat();
        m.extend([10, (body.len() + 2) as u8, 1, body.len() as u8]);
        m.extend(&body);
        m.extend([0, 9, 1, b'x']);
        m.extend(fill);
        let mut lowered = m.clone();
        assert_eq!(lower_table_fill(&mut lowered), Ok(1));
        let at = m.windows(7).position(|w| w == fill).unwrap();
        assert_eq!(lowered[at..at + 7], [0xd0, 0x6f, 0x26, 0x01, 0x01, 0x01, 0x01]);
        assert_eq!(lowered[m.len() - 7..], fill, "the custom section is left alone");
        assert_eq!(lowered.len(), m.len());
    }

    /// A module with a funcref and an externref table, exporting the externref one as index
    /// `export`.
    fn module(export: u8) -> Vec<u8> {
        let mut m = b"\0asm\x01\0\0\0".to_vec();
        // table section: funcref min 1; externref min 4
        m.extend([4, 7, 2, 0x70, 0, 1, 0x6f, 0, 4]);
        let name = b"__wbindgen_externrefs";
        let mut body = vec![1, name.len() as u8];
        body.extend(name);
        body.extend([1, export]);
        m.push(7);
        m.push(body.len() as u8);
        m.extend(body);
        m
    }

    #[test]
    fn points_the_export_at_the_externref_table() {
        let mut wrong = module(0);
        assert_eq!(externref_export_fix(&mut wrong), Ok(true));
        assert_eq!(wrong, module(1));
        let mut right = module(1);
        assert_eq!(externref_export_fix(&mut right), Ok(false));
        assert_eq!(right, module(1));
    }
}
