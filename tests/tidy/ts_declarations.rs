//! The JS package's TypeScript declarations (`crates/netsim-wasm/src/types.d.ts`) are generated
//! from the Rust types (`derive(ts_rs::TS)` under the `ts` feature, `netsim::ts`), so they cannot
//! drift from what the package returns: this test fails when the checked-in file differs from
//! what the types declare. `UPDATE_GOLDEN=1` rewrites it (review the diff, as with the golden
//! cases).

use std::path::Path;

#[test]
fn types_d_ts_is_what_the_types_declare() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../crates/netsim-wasm/src/types.d.ts");
    let expected = netsim_wasm::declarations().unwrap();
    if std::env::var_os("UPDATE_GOLDEN").is_some() {
        std::fs::write(&path, &expected).unwrap();
        return;
    }
    let actual = std::fs::read_to_string(&path).unwrap_or_default();
    if actual != expected {
        let line = actual.lines().zip(expected.lines()).position(|(a, e)| a != e);
        panic!(
            "{} is not what the Rust types declare (first difference at line {}); run \
             `UPDATE_GOLDEN=1 cargo test -p netsim-tests --test ts_declarations` and review the diff",
            path.display(),
            line.map_or(actual.lines().count().min(expected.lines().count()), |l| l) + 1
        );
    }
}

/// `GetRequest` is read with `#[serde(default)]` on the whole struct, so every field may be
/// left out: each needs `#[cfg_attr(feature = "ts", ts(as = "Option<_>", optional))]` (or
/// `ts(optional)` on an `Option`).
#[test]
fn every_get_question_field_is_optional() {
    let text = netsim_wasm::declarations().unwrap();
    let block = text
        .split("export type GetRequest = {")
        .nth(1)
        .and_then(|rest| rest.split("\n};").next())
        .unwrap();
    let required: Vec<&str> = block
        .lines()
        .map(str::trim)
        .filter(|l| !l.starts_with('*') && !l.starts_with("/**"))
        .flat_map(|l| l.split(", "))
        .filter_map(|field| field.split_once(':').map(|(name, _)| name.trim()))
        .filter(|name| !name.is_empty() && !name.ends_with('?'))
        .collect();
    assert!(required.is_empty(), "GetRequest fields declared as required: {required:?}");
}
