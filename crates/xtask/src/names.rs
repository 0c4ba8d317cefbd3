//! Short names for what a wasm module imports from its wasm-bindgen glue and exports to it.
//!
//! wasm-bindgen names each function the wasm imports after the JS it calls and a 16-hex-digit
//! hash (`__wbg_setTimeout_a60d83bec06b4345`), the module they come from after the glue's file
//! (`./netsim_web_bg.js`), and each closure's entry point after its Rust symbol
//! (`wasm_bindgen__convert__closures_____invoke__h41faed77ddcb8765`). The names are written
//! twice, in the wasm's import and export sections and in the glue, and the hashes do not
//! compress: the page's wasm and glue carried ~6 KB gz of them (of the first topology's bytes).
//! [`shorten`] renames them in both, before wasm-opt and the split see the module (as
//! binaryen's `--minify-imports-and-exports` does for emscripten, whose JS side emscripten
//! rewrites from the map it prints; here the glue is rewritten in the same step). Nothing else
//! reads these names: the glue is the only JS that calls the wasm directly, and the few exports
//! other code names are kept (`keep`).

use std::collections::BTreeMap;

use crate::wasm::{leb, name, sections, Reader};

/// The module `wasm` and its wasm-bindgen glue `glue` with every imported function and every
/// export the glue names (except its memory and those in `keep`) renamed `_a`, `_b`, … (wasm-split's own
/// exports, added later, are plain letters), and the import module renamed too. Fails if the
/// glue does not have the shape this expects (an import not in its import object, a renamed
/// export still named in it).
pub(crate) fn shorten(wasm: &[u8], glue: &str, keep: &[&str]) -> Result<(Vec<u8>, String), String> {
    let sections = sections(wasm)?;
    let mut map: BTreeMap<String, String> = BTreeMap::new();
    let mut next = 0usize;
    let mut short = |map: &mut BTreeMap<String, String>, long: &str| {
        map.entry(long.to_string())
            .or_insert_with(|| {
                next += 1;
                short_name(next - 1)
            })
            .clone()
    };
    // The glue's import object: `"MODULE": importN,` in what `__wbg_get_imports` returns, and
    // one key `NAME: function(` per imported function.
    let modules: Vec<String> = glue
        .lines()
        .filter_map(|l| {
            let l = l.trim();
            let rest = l.strip_prefix('"')?;
            let (module, tail) = rest.split_once("\": import")?;
            tail.trim_end_matches(',').parse::<u32>().ok().map(|_| module.to_string())
        })
        .collect();
    if modules.is_empty() {
        return Err("the glue's import object (`\"MODULE\": import0`) not found".into());
    }
    let mut out = wasm[..8].to_vec();
    let mut renamed_imports = Vec::new();
    let mut renamed_exports = Vec::new();
    for (id, start, end) in sections {
        let body = &wasm[start..end];
        let body = match id {
            2 => {
                let mut r = Reader { bytes: body, at: 0 };
                let count = r.leb()?;
                let mut w = leb(count);
                for _ in 0..count {
                    let module = r.string()?;
                    let field = r.string()?;
                    let desc_at = r.at;
                    let kind = r.byte()?;
                    r.import_desc(kind)?;
                    let desc = &body[desc_at..r.at];
                    let (module, field) = if modules.contains(&module) && kind == 0 {
                        renamed_imports.push(field.clone());
                        (short(&mut map, &module), short(&mut map, &field))
                    } else {
                        (module, field)
                    };
                    w.extend(name(&module));
                    w.extend(name(&field));
                    w.extend(desc);
                }
                w
            }
            7 => {
                let mut r = Reader { bytes: body, at: 0 };
                let count = r.leb()?;
                let mut w = leb(count);
                for _ in 0..count {
                    let export = r.string()?;
                    let desc_at = r.at;
                    r.byte()?;
                    r.leb()?;
                    let named = glue_names_export(glue, &export);
                    let kept = export == "memory" || keep.contains(&export.as_str());
                    let export = if named && !kept {
                        renamed_exports.push(export.clone());
                        short(&mut map, &export)
                    } else {
                        export
                    };
                    w.extend(name(&export));
                    w.extend(&body[desc_at..r.at]);
                }
                w
            }
            _ => body.to_vec(),
        };
        out.push(id);
        out.extend(leb(body.len() as u32));
        out.extend(body);
    }
    let glue = rename_in_glue(glue, &map, &modules, &renamed_imports, &renamed_exports)?;
    Ok((out, glue))
}

/// `_a` … `_Z`, `_ba` …: the `index`th short name.
fn short_name(mut index: usize) -> String {
    const LETTERS: &[u8] = b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ";
    let mut s = Vec::new();
    loop {
        s.push(LETTERS[index % LETTERS.len()]);
        index /= LETTERS.len();
        if index == 0 {
            break;
        }
    }
    s.push(b'_');
    s.reverse();
    String::from_utf8(s).expect("ASCII")
}

/// Whether the glue calls `export` as `wasm.EXPORT`.
fn glue_names_export(glue: &str, export: &str) -> bool {
    find_token(glue, &format!("wasm.{export}")).next().is_some()
}

/// Where `token` stands in `text` not followed by an identifier character.
fn find_token<'a>(text: &'a str, token: &'a str) -> impl Iterator<Item = usize> + 'a {
    text.match_indices(token).map(|(at, _)| at).filter(move |&at| {
        !text[at + token.len()..]
            .chars()
            .next()
            .is_some_and(|c| c.is_ascii_alphanumeric() || c == '_' || c == '$')
    })
}

/// The glue with the import object's keys, its module names and its `wasm.EXPORT` calls
/// renamed as `map` says.
fn rename_in_glue(
    glue: &str,
    map: &BTreeMap<String, String>,
    modules: &[String],
    imports: &[String],
    exports: &[String],
) -> Result<String, String> {
    let mut lines: Vec<String> = Vec::new();
    let mut keys = 0;
    for line in glue.lines() {
        let indent = &line[..line.len() - line.trim_start().len()];
        let trimmed = line.trim_start();
        let key = trimmed.split_once(": function(").map(|(k, _)| k);
        let module = modules.iter().find(|m| trimmed.starts_with(&format!("\"{m}\": import")));
        if let Some(key) = key.filter(|k| imports.iter().any(|i| i == k)) {
            keys += 1;
            lines.push(format!("{indent}{}{}", map[key], &trimmed[key.len()..]));
        } else if let Some(m) = module {
            lines.push(format!("{indent}\"{}\"{}", map[m], &trimmed[m.len() + 2..]));
        } else {
            lines.push(line.to_string());
        }
    }
    let mut glue = lines.join("\n");
    glue.push('\n');
    let distinct: std::collections::BTreeSet<&String> = imports.iter().collect();
    if keys != distinct.len() {
        return Err(format!(
            "the glue's import object has {keys} keys for the wasm's {} imported functions",
            distinct.len()
        ));
    }
    for export in exports {
        let long = format!("wasm.{export}");
        let short = format!("wasm.{}", map[export]);
        let at: Vec<usize> = find_token(&glue, &long).collect();
        for &at in at.iter().rev() {
            glue.replace_range(at..at + long.len(), &short);
        }
    }
    Ok(glue)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A module with these function imports (module, field) and exports (name, kind, index).
    fn wasm(imports: [(&str, &str); 2], exports: [(&str, u8, u8); 3]) -> Vec<u8> {
        let mut m = b"\0asm\x01\0\0\0".to_vec();
        let mut section = leb(2);
        for (module, field) in imports {
            section.extend(name(module));
            section.extend(name(field));
            section.extend([0, 0]);
        }
        m.push(2);
        m.extend(leb(section.len() as u32));
        m.extend(section);
        let mut section = leb(3);
        for (export, kind, index) in exports {
            section.extend(name(export));
            section.extend([kind, index]);
        }
        m.push(7);
        m.extend(leb(section.len() as u32));
        m.extend(section);
        m
    }

    /// A module importing `__wbg_f_…` from `./m_bg.js` and `g` from `other`, exporting its
    /// memory, a closure's entry and `keep`; with its glue.
    fn module() -> (Vec<u8>, String) {
        let m = wasm(
            [("./m_bg.js", "__wbg_f_0123456789abcdef"), ("other", "g")],
            [("memory", 2, 0), ("wasm_bindgen__h_1", 0, 2), ("keep", 0, 1)],
        );
        let glue = "function __wbg_get_imports() {\n    const import0 = {\n        __proto__: null,\n        \
                    __wbg_f_0123456789abcdef: function(arg0) {\n            wasm.wasm_bindgen__h_1(arg0);\n        },\n    };\n    \
                    return {\n        __proto__: null,\n        \"./m_bg.js\": import0,\n    };\n}\n\
                    function wasm_bindgen__h_1(a) { wasm.wasm_bindgen__h_1(a); wasm.keep(); wasm.memory; }\n";
        (m, glue.to_string())
    }

    #[test]
    fn renames_the_glues_imports_module_and_exports_in_both() {
        let (m, glue) = module();
        let (short_wasm, short_glue) = shorten(&m, &glue, &["keep"]).unwrap();
        assert_eq!(
            short_wasm,
            wasm([("_a", "_b"), ("other", "g")], [("memory", 2, 0), ("_c", 0, 2), ("keep", 0, 1)])
        );
        assert_eq!(
            short_glue,
            "function __wbg_get_imports() {\n    const import0 = {\n        __proto__: null,\n        \
             _b: function(arg0) {\n            wasm._c(arg0);\n        },\n    };\n    \
             return {\n        __proto__: null,\n        \"_a\": import0,\n    };\n}\n\
             function wasm_bindgen__h_1(a) { wasm._c(a); wasm.keep(); wasm.memory; }\n"
        );
    }

    #[test]
    fn an_import_the_glue_lacks_is_an_error() {
        let (wasm, glue) = module();
        let glue = glue.replace("__wbg_f_0123456789abcdef: function", "other: function");
        assert!(shorten(&wasm, &glue, &[]).unwrap_err().contains("0 keys"));
    }

    #[test]
    fn short_names_count_in_letters() {
        assert_eq!(short_name(0), "_a");
        assert_eq!(short_name(51), "_Z");
        assert_eq!(short_name(52), "_ba");
    }
}
