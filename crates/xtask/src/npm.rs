//! The npm package `kube-netsim` (`cargo xtask package`): the JS API of `crates/netsim-wasm`
//! built with wasm-pack (`--target web`) into `target/pkg/`, plus a Node.js entry
//! (`crates/netsim-wasm/npm/node.js`, picked by the `node` export condition), the licence files
//! and a package.json fit to publish. [`check`] is what `cargo xtask test` proves about it.

use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::{json, Value};

use crate::tools::{self, run};
use crate::{root, site, Result};

/// The name the package is published under.
pub(crate) const NAME: &str = "kube-netsim";

/// The files `npm pack` puts in the tarball, exactly.
const PACKED: &[&str] = &[
    "LICENSE-APACHE",
    "LICENSE-MIT",
    "README.md",
    "netsim_wasm.d.ts",
    "netsim_wasm.js",
    "netsim_wasm_bg.wasm",
    "node.js",
    "package.json",
];

pub(crate) fn out_dir() -> PathBuf {
    root().join("target/pkg")
}

fn npm_dir() -> PathBuf {
    root().join("crates/netsim-wasm/npm")
}

/// `cargo xtask package [--check]`: builds the package into `target/pkg/` and prints where it
/// is; with `--check`, runs [`check`] as `cargo xtask test` does.
pub(crate) fn package_command(args: &[String]) -> Result {
    match args {
        [] => {
            let out = package()?;
            println!("npm package {NAME} in {0} (publish: cd {0} && npm publish)", out.display());
            Ok(())
        }
        [flag] if flag == "--check" => {
            let (mut passed, mut failed) = (0, 0);
            let r = check(&mut |name: &str, r: Result| {
                match &r {
                    Ok(()) => passed += 1,
                    Err(_) => failed += 1,
                }
                eprintln!(
                    "  {} {name}{}",
                    if r.is_ok() { "ok  " } else { "FAIL" },
                    r.as_ref().err().map(|e| format!(": {e}")).unwrap_or_default()
                );
                r.map_err(|e| format!("{name}: {e}"))
            });
            println!("{passed} passed, {failed} failed");
            r
        }
        _ => Err("usage: cargo xtask package [--check]".into()),
    }
}

/// Builds the package with wasm-pack (installed from crates.io when missing), optimises the
/// wasm with the pinned wasm-opt, adds the Node entry and the licences, and writes the
/// package.json.
pub(crate) fn package() -> Result<PathBuf> {
    tools::ensure_site_tools()?;
    tools::ensure_wasm_pack()?;
    let root = root();
    let out = out_dir();
    let _ = std::fs::remove_dir_all(&out);
    run(Command::new("wasm-pack")
        .args([
            "build",
            "crates/netsim-wasm",
            "--profile",
            site::WASM_PROFILE,
            "--target",
            "web",
            "--mode",
            "no-install",
            "--out-dir",
        ])
        .arg(&out)
        .current_dir(&root))?;
    site::wasm_opt_in_place(&out.join("netsim_wasm_bg.wasm"))?;
    copy(&npm_dir().join("node.js"), &out.join("node.js"))?;
    for licence in ["LICENSE-MIT", "LICENSE-APACHE"] {
        copy(&root.join(licence), &out.join(licence))?;
    }
    let path = out.join("package.json");
    let generated: Value = read_json(&path)?;
    std::fs::write(&path, package_json(&generated))
        .map_err(|e| format!("{}: {e}", path.display()))?;
    Ok(out)
}

/// The published package.json: wasm-pack's (version, description, licence, repository from
/// Cargo.toml) with our name and what Node and TypeScript need to find the entry points. Written
/// as text: the order of the keys under `exports` matters (Node takes the first condition that
/// matches, TypeScript wants `types` first), and serde_json's maps are sorted.
fn package_json(generated: &Value) -> String {
    let field = |k: &str| generated.get(k).cloned().unwrap_or(Value::Null).to_string();
    format!(
        r#"{{
  "name": "{NAME}",
  "version": {version},
  "description": {description},
  "license": {license},
  "repository": {repository},
  "homepage": {homepage},
  "keywords": ["kubernetes", "networking", "service", "kube-proxy", "iptables", "dns", "simulator", "webassembly", "autograder", "education"],
  "type": "module",
  "main": "netsim_wasm.js",
  "types": "netsim_wasm.d.ts",
  "exports": {{
    ".": {{
      "types": "./netsim_wasm.d.ts",
      "node": "./node.js",
      "default": "./netsim_wasm.js"
    }},
    "./netsim_wasm_bg.wasm": "./netsim_wasm_bg.wasm",
    "./package.json": "./package.json"
  }},
  "files": ["netsim_wasm_bg.wasm", "netsim_wasm.js", "netsim_wasm.d.ts", "node.js", "LICENSE-MIT", "LICENSE-APACHE"],
  "engines": {{ "node": ">=20" }},
  "sideEffects": ["./node.js", "./snippets/*"]
}}
"#,
        version = field("version"),
        description = field("description"),
        license = field("license"),
        repository = field("repository"),
        homepage = field("homepage"),
    )
}

fn copy(from: &Path, to: &Path) -> Result {
    std::fs::copy(from, to).map(drop).map_err(|e| format!("copy {}: {e}", from.display()))
}

fn read_json(path: &Path) -> Result<Value> {
    let text = std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
    serde_json::from_str(&text).map_err(|e| format!("{}: {e}", path.display()))
}

/// Runs `cmd`, returning (exit code, stdout + stderr).
fn output(cmd: &mut Command) -> Result<(i32, String)> {
    let shown = tools::show(cmd);
    eprintln!("$ {shown}");
    let out = cmd.output().map_err(|e| format!("cannot run {shown}: {e}"))?;
    let mut text = String::from_utf8_lossy(&out.stdout).into_owned();
    text.push_str(&String::from_utf8_lossy(&out.stderr));
    Ok((out.status.code().unwrap_or(-1), text))
}

/// What `cargo xtask test` proves about the package, one named check each (`assert` counts and
/// reports): the tarball `npm pack` would publish, its package.json, a project that installs the
/// tarball (as a user does, no registry involved), TypeScript over the example with the
/// package's declarations, and the README's autograder example run against four answers.
pub(crate) fn check(assert: &mut dyn FnMut(&str, Result) -> Result) -> Result {
    let pkg = package()?;
    let manifest: Value = read_json(&pkg.join("package.json"))?;
    assert(
        "package.json: name, version, licence, repository, types, Node entry",
        (|| {
            let want = [
                ("name", json!(NAME)),
                ("license", json!("MIT OR Apache-2.0")),
                ("types", json!("netsim_wasm.d.ts")),
                ("type", json!("module")),
            ];
            for (k, v) in want {
                if manifest[k] != v {
                    return Err(format!("{k} is {}, not {v}", manifest[k]));
                }
            }
            let version = manifest["version"].as_str().unwrap_or_default();
            if version.split('.').count() != 3
                || version.split('.').any(|n| n.parse::<u32>().is_err())
            {
                return Err(format!("version {version:?}"));
            }
            if !manifest["repository"]["url"].as_str().is_some_and(|u| u.contains("github.com/")) {
                return Err(format!("repository {}", manifest["repository"]));
            }
            if manifest["exports"]["."]["node"] != "./node.js"
                || manifest["engines"]["node"] != ">=20"
            {
                return Err(format!(
                    "exports {} engines {}",
                    manifest["exports"], manifest["engines"]
                ));
            }
            Ok(())
        })(),
    )?;
    assert(
        "npm pack --dry-run: exactly the package's files",
        (|| {
            eprintln!("$ npm pack --dry-run --json");
            let out = Command::new("npm")
                .args(["pack", "--dry-run", "--json"])
                .current_dir(&pkg)
                .output()
                .map_err(|e| format!("npm pack: {e}"))?;
            if !out.status.success() {
                return Err(String::from_utf8_lossy(&out.stderr).into_owned());
            }
            let v: Value = serde_json::from_slice(&out.stdout).map_err(|e| e.to_string())?;
            let mut files: Vec<&str> = v[0]["files"]
                .as_array()
                .into_iter()
                .flatten()
                .filter_map(|f| f["path"].as_str())
                .collect();
            files.sort_unstable();
            if files != PACKED {
                return Err(format!("packs {files:?}, expected {PACKED:?}"));
            }
            if v[0]["name"] != NAME {
                return Err(format!("name {}", v[0]["name"]));
            }
            eprintln!(
                "  {} {}: {} files, {} B packed, {} B unpacked",
                v[0]["name"],
                v[0]["version"],
                files.len(),
                v[0]["size"],
                v[0]["unpackedSize"]
            );
            Ok(())
        })(),
    )?;
    // A user's project: the tarball installed from disk (no registry), the example beside it.
    let project = root().join("target/npm-example");
    let _ = std::fs::remove_dir_all(&project);
    std::fs::create_dir_all(project.join("submissions")).map_err(|e| e.to_string())?;
    let packed = Command::new("npm")
        .args(["pack", "--json", "--pack-destination"])
        .arg(&project)
        .current_dir(&pkg)
        .output()
        .map_err(|e| format!("npm pack: {e}"))?;
    let tarball = serde_json::from_slice::<Value>(&packed.stdout)
        .ok()
        .and_then(|v| v[0]["filename"].as_str().map(str::to_string))
        .filter(|_| packed.status.success())
        .ok_or_else(|| format!("npm pack failed: {}", String::from_utf8_lossy(&packed.stderr)))?;
    std::fs::write(
        project.join("package.json"),
        "{\"name\": \"autograder\", \"private\": true, \"type\": \"module\"}\n",
    )
    .map_err(|e| e.to_string())?;
    assert(
        "the tarball installs in a project with no registry",
        output(
            Command::new("npm")
                .args(["install", "--offline", "--no-audit", "--no-fund", "--no-package-lock"])
                .arg(format!("./{tarball}"))
                .current_dir(&project),
        )
        .and_then(|(code, text)| if code == 0 { Ok(()) } else { Err(text) }),
    )?;
    copy(&npm_dir().join("autograde.mjs"), &project.join("autograde.mjs"))?;
    let answers =
        ["pass.yaml", "wrong-port.yaml", "selector-typo.yaml", "sticky.yaml", "invalid.yaml"];
    for a in answers {
        copy(&npm_dir().join("submissions").join(a), &project.join("submissions").join(a))?;
    }
    assert(
        "the README shows the autograder example as it is tested",
        (|| {
            let readme =
                std::fs::read_to_string(pkg.join("README.md")).map_err(|e| e.to_string())?;
            let example = std::fs::read_to_string(npm_dir().join("autograde.mjs"))
                .map_err(|e| e.to_string())?;
            if readme.contains(&format!("```js\n{example}```")) {
                Ok(())
            } else {
                Err("README.md lacks crates/netsim-wasm/npm/autograde.mjs in a ```js block".into())
            }
        })(),
    )?;
    assert(
        "TypeScript (strict) checks the example against the package's declarations",
        output(
            Command::new(tools::npm_bin("tsc"))
                .args([
                    "--noEmit",
                    "--strict",
                    "--allowJs",
                    "--checkJs",
                    "--module",
                    "nodenext",
                    "--moduleResolution",
                    "nodenext",
                    "--target",
                    "es2022",
                    "--types",
                    "node",
                    "--typeRoots",
                ])
                .arg(tools::js_dir().join("node_modules/@types"))
                .arg("autograde.mjs")
                .current_dir(&project),
        )
        .and_then(|(code, text)| if code == 0 { Ok(()) } else { Err(text) }),
    )?;
    // The example grades five answers: one right, four wrong in the ways learners are.
    let cases: [(&str, i32, &[&str]); 5] = [
        ("pass.yaml", 0, &["PASS submissions/pass.yaml"]),
        (
            "wrong-port.yaml",
            1,
            &[
                "FAIL submissions/wrong-port.yaml",
                "http://web/ from the client: refused.",
                "no container listening on port 80/TCP",
            ],
        ),
        (
            "selector-typo.yaml",
            1,
            &[
                "http://web/ from the client: refused.",
                "Service default/web has no ready endpoints",
            ],
        ),
        ("sticky.yaml", 1, &["300 requests reached 1 of the 3 web Pods"]),
        (
            "invalid.yaml",
            1,
            &["submissions/invalid.yaml:4:9: invalid-value: metadata.name", "\"Web_Service\""],
        ),
    ];
    for (answer, want_code, want_text) in cases {
        assert(
            &format!("node autograde.mjs submissions/{answer}: exit {want_code}"),
            output(
                Command::new("node")
                    .arg("autograde.mjs")
                    .arg(format!("submissions/{answer}"))
                    .current_dir(&project),
            )
            .and_then(|(code, text)| {
                eprint!("{}", text.lines().map(|l| format!("    | {l}\n")).collect::<String>());
                if code != want_code {
                    return Err(format!("exit {code}: {text}"));
                }
                match want_text.iter().find(|w| !text.contains(**w)) {
                    Some(missing) => Err(format!("no {missing:?} in: {text}")),
                    None => Ok(()),
                }
            }),
        )?;
    }
    Ok(())
}
