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
    run(wasm_split
        .command()
        .arg("--instrument")
        .args(FEATURES)
        .arg(whole)
        .arg("-o")
        .arg(&instrumented))?;
    fix_externref_export(&instrumented)?;
    let profile = tmp.join("lite.profile");
    let mut node = Command::new("node");
    node.arg(root().join("web/js/split-profile.mjs"))
        .arg(tmp.join(WHOLE_GLUE))
        .arg(&instrumented)
        .arg(&profile)
        .args(scenarios()?);
    run(&mut node)?;
    run(wasm_split
        .command()
        .arg("--split")
        .args(FEATURES)
        .arg(whole)
        .arg("--profile")
        .arg(&profile)
        .arg("-o1")
        .arg(primary)
        .arg("-o2")
        .arg(second))?;
    fix_externref_export(primary)
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
    Ok(format!(
        "import {{ splitImports as __netsim_split_imports }} from \"{split_js}\";\n{}",
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
    let mut r = Reader { bytes, at: 8 };
    if r.bytes.get(..4) != Some(b"\0asm") {
        return Err("not a wasm module".into());
    }
    // Tables in index order (imported first): whether each is externref.
    let mut tables: Vec<bool> = Vec::new();
    let mut export: Option<(usize, u32)> = None;
    while r.at < r.bytes.len() {
        let id = r.byte()?;
        let size = r.leb()? as usize;
        let end = r.at + size;
        match id {
            2 => {
                for _ in 0..r.leb()? {
                    r.name()?;
                    r.name()?;
                    match r.byte()? {
                        0 => drop(r.leb()?),
                        1 => {
                            tables.push(r.byte()? == EXTERNREF);
                            r.limits()?;
                        }
                        2 => r.limits()?,
                        3 => r.at += 2,
                        4 => {
                            r.byte()?;
                            r.leb()?;
                        }
                        k => return Err(format!("unknown import kind {k}")),
                    }
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
        r.at = end;
    }
    let Some((at, index)) = export else { return Ok(false) };
    if tables.get(index as usize) == Some(&true) {
        return Ok(false);
    }
    let right = tables.iter().position(|&e| e).ok_or("no externref table")?;
    if right > 0x7f || r.bytes[at] & 0x80 != 0 {
        return Err("table index wider than one byte".into());
    }
    r.bytes[at] = right as u8;
    Ok(true)
}

struct Reader<'a> {
    bytes: &'a mut [u8],
    at: usize,
}

impl Reader<'_> {
    fn byte(&mut self) -> Result<u8, String> {
        let b = *self.bytes.get(self.at).ok_or("unexpected end of module")?;
        self.at += 1;
        Ok(b)
    }

    fn leb(&mut self) -> Result<u32, String> {
        let mut value = 0u32;
        for shift in (0..35).step_by(7) {
            let b = self.byte()?;
            value |= u32::from(b & 0x7f) << shift;
            if b & 0x80 == 0 {
                return Ok(value);
            }
        }
        Err("LEB128 too long".into())
    }

    fn name(&mut self) -> Result<Vec<u8>, String> {
        let len = self.leb()? as usize;
        let name = self.bytes.get(self.at..self.at + len).ok_or("unexpected end of module")?;
        self.at += len;
        Ok(name.to_vec())
    }

    fn limits(&mut self) -> Result<(), String> {
        let flags = self.byte()?;
        self.leb()?;
        if flags & 1 != 0 {
            self.leb()?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
