//! Conformance: `tests/conformance/kubectl/` — what `kubectl apply -f` prints for the input
//! shapes learners paste (`kind: List` dumps, `<Kind>List`, multi-document streams, empty and
//! non-object documents, missing namespaces), as `netsim check --format kubectl` prints it.
//! Each case gives one or more files (one `kubectl apply -f` of all of them, in order) and the
//! exact stdout+stderr (`kubectl`), or a text that must not appear (`kubectl_lacks`), and the
//! exit status. `NETSIM_DUMP=1` prints what the simulator answers instead.

use netsim::diagnostic::SourceFiles;
use netsim::manifest;
use netsim::syntax::{self, Node};
use netsim::text::FileId;

const DIR: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/conformance/kubectl/");

fn s(n: &Node<'_>) -> String {
    n.as_scalar().map(|s| s.text.to_string()).unwrap_or_default()
}

/// `kubectl apply -f f1 -f f2 …`: stdout, then stderr, and the exit status.
fn kubectl_apply(files: &[(String, String)]) -> (String, i32) {
    let mut sources = SourceFiles::default();
    for (name, text) in files {
        sources.add(name, text);
    }
    let mut loaded = manifest::load(&sources);
    let alloc = netsim::cluster::allocation_answers(&loaded);
    loaded.diagnostics.extend(alloc);
    let out = manifest::apply::kubectl_apply(&sources, &loaded);
    (format!("{}{}", out.stdout, out.stderr), out.code)
}

fn run(file: &str) -> usize {
    let text = std::fs::read_to_string(format!("{DIR}{file}")).unwrap();
    let parsed = syntax::parse(FileId(0), &text);
    let root = parsed.documents[0].root.as_ref().unwrap();
    let cases = root.get("cases").unwrap().value.as_sequence().unwrap();
    let dump = std::env::var_os("NETSIM_DUMP").is_some();
    let mut failures = Vec::new();
    for c in cases {
        let name = s(&c.get("name").unwrap().value);
        let files: Vec<(String, String)> = c
            .get("files")
            .unwrap()
            .value
            .as_sequence()
            .unwrap()
            .iter()
            .map(|f| (s(&f.get("name").unwrap().value), s(&f.get("text").unwrap().value)))
            .collect();
        let (got, code) = kubectl_apply(&files);
        if dump {
            println!("--- {name}\n{got}(exit {code})");
            continue;
        }
        if let Some(want) = c.get("kubectl") {
            let want = s(&want.value);
            if got.trim_end() != want.trim_end() {
                failures.push(format!("case {name:?}:\n--- want\n{want}\n--- got\n{got}"));
            }
        }
        if let Some(lacks) = c.get("kubectl_lacks") {
            let lacks = s(&lacks.value);
            if got.contains(&lacks) {
                failures.push(format!("case {name:?}: prints {lacks:?}:\n{got}"));
            }
        }
        if let Some(exit) = c.get("exit") {
            let want: i32 = s(&exit.value).parse().unwrap();
            if code != want {
                failures.push(format!("case {name:?}: exit {code}, want {want}"));
            }
        }
    }
    assert!(failures.is_empty(), "{} failing:\n{}", failures.len(), failures.join("\n"));
    cases.len()
}

/// `apply_input.yaml`: kubectl's `pkg/validation` `validation_test.go` cases and the
/// `cli-runtime` / `apply.go` / `decodeToList` / NamespaceLifecycle rules, as `kubectl apply`
/// prints them.
#[test]
fn apply_input() {
    assert_eq!(run("apply_input.yaml"), 32);
}
