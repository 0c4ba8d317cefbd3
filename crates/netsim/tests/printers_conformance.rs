//! Conformance: `tests/conformance/printers/` — kubectl's `get` tables
//! (`pkg/printers/internalversion/printers_test.go`) and `describe` texts
//! (`staging/src/k8s.io/kubectl/pkg/describe/describe_test.go`), read at run time with our own
//! YAML front end and checked through the session API the CLI uses (`Session::get`,
//! `Session::describe`).
//!
//! Table cases: each case's manifests are loaded into a fresh session (they must load without
//! errors), `get KIND NAME…` is asked, and the table is cut into cells at the header's column
//! starts (kubectl's tabwriter aligns every column, so a cell may hold spaces). Upstream's rows
//! include AGE; the simulator has no clock, so the AGE column is dropped from upstream's columns
//! and rows before comparing (docs/cli.md). A cell written `~` is not compared: the case says
//! why under `unchecked` (state the simulated kubelet or controllers own, such as a node's
//! Ready condition, rather than what the printer makes of it). A case with `gap:` is one the
//! simulator does not yet print as upstream does; the runner checks that it still differs, so
//! a fix shows up as a failure asking to drop the mark.

use netsim::session::{GetFormat, GetRequest, Session};
use netsim::syntax::{self, Node};
use netsim::text::FileId;

const DIR: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/conformance/printers");

fn s(n: &Node<'_>) -> String {
    n.as_scalar().map(|s| s.text.to_string()).unwrap_or_default()
}

fn get<'a, 'b>(n: &'b Node<'a>, k: &str) -> Option<&'b Node<'a>> {
    n.get(k).map(|e| &e.value)
}

fn seq<'a, 'b>(n: Option<&'b Node<'a>>) -> &'b [Node<'a>] {
    n.and_then(|n| n.as_sequence()).unwrap_or(&[])
}

/// A cell: `None` for `~` (not compared).
fn cell(n: &Node<'_>) -> Option<String> {
    let sc = n.as_scalar()?;
    if sc.text == "~" && sc.style == netsim::syntax::Style::Plain {
        return None;
    }
    Some(sc.text.to_string())
}

fn session(case: &Node<'_>) -> Result<Session, String> {
    let text = s(get(case, "manifests").expect("manifests"));
    let events: Vec<_> = seq(get(case, "events"))
        .iter()
        .map(|e| netsim::cluster::parse_event(&s(e), "default").expect("event parses"))
        .collect();
    let mut files = netsim::diagnostic::SourceFiles::default();
    files.add("case.yaml", &text);
    let sess = Session::with_what_ifs(files, &events);
    let errors: Vec<_> = sess
        .diagnostics()
        .iter()
        .filter(|d| d.severity == netsim::diagnostic::Severity::Error)
        .map(|d| d.message.clone())
        .collect();
    if !errors.is_empty() {
        return Err(format!("manifests must load cleanly: {errors:?}"));
    }
    Ok(sess)
}

/// Cuts kubectl's table into cells at the start of each expected header.
fn cut(text: &str, headers: &[String]) -> Result<Vec<Vec<String>>, String> {
    let mut lines = text.lines();
    let head: Vec<char> = lines.next().unwrap_or("").chars().collect();
    let head_s: String = head.iter().collect();
    let mut starts = Vec::new();
    let mut from = 0;
    for h in headers {
        let at = head_s
            .get(from..)
            .and_then(|rest| rest.find(h.as_str()))
            .ok_or_else(|| format!("header {h:?} missing in {head_s:?}"))?;
        starts.push(from + at);
        from += at + h.len();
    }
    if head_s.split_whitespace().collect::<Vec<_>>().join(" ") != headers.join(" ") {
        return Err(format!("headers {head_s:?} != {headers:?}"));
    }
    let mut rows = Vec::new();
    for l in lines {
        let chars: Vec<char> = l.chars().collect();
        let mut row = Vec::new();
        for (i, &st) in starts.iter().enumerate() {
            let end = starts.get(i + 1).copied().unwrap_or(chars.len()).min(chars.len());
            let c: String = chars.get(st.min(end)..end).unwrap_or(&[]).iter().collect();
            row.push(c.trim_end().to_string());
        }
        rows.push(row);
    }
    Ok(rows)
}

/// Upstream's columns and rows with the AGE column dropped; `None` cells are not compared.
type Table = (Vec<String>, Vec<Vec<Option<String>>>);

fn expected_table(spec: &Node<'_>) -> Table {
    let columns: Vec<String> = seq(get(spec, "columns")).iter().map(s).collect();
    let age = columns.iter().position(|c| c == "AGE");
    let headers: Vec<String> = columns.iter().filter(|c| *c != "AGE").cloned().collect();
    let mut want = Vec::new();
    for r in seq(get(spec, "rows")) {
        let mut cells: Vec<Option<String>> = seq(Some(r)).iter().map(cell).collect();
        assert_eq!(cells.len(), columns.len(), "row {cells:?} vs columns {columns:?}");
        if let Some(a) = age {
            cells.remove(a);
        }
        want.push(cells);
    }
    (headers, want)
}

fn compare(text: &str, (headers, want): &Table) -> Result<(), String> {
    let got = cut(text, headers)?;
    if got.len() != want.len() {
        return Err(format!("{} rows, want {}:\n{text}", got.len(), want.len()));
    }
    for (g, w) in got.iter().zip(want) {
        for ((gc, wc), h) in g.iter().zip(w).zip(headers) {
            if let Some(wc) = wc {
                if gc != wc {
                    return Err(format!("{h}: got {gc:?}, want {wc:?}\n{text}"));
                }
            }
        }
    }
    Ok(())
}

/// Runs one table case; `Err` describes how our output differs. A case lists one table
/// (`columns`, `rows`: the objects are asked for by name) or several (`tables`: the kinds are
/// listed whole, one table per kind, blank-line separated as kubectl prints them).
fn table_case(case: &Node<'_>) -> Result<(), String> {
    let sess = session(case)?;
    let q = get(case, "get").expect("get");
    let several = get(case, "tables").is_some();
    let tables: Vec<Table> = if several {
        seq(get(case, "tables")).iter().map(expected_table).collect()
    } else {
        vec![expected_table(case)]
    };
    // `args`: kubectl's arguments as given (TYPE/NAME form); otherwise KIND and the rows' names.
    let args: Vec<String> = seq(get(q, "args")).iter().map(s).collect();
    let (kinds, names) = match args.split_first() {
        Some((k, rest)) => (k.clone(), rest.to_vec()),
        None if several => (s(get(q, "kind").expect("kind")), Vec::new()),
        None => (
            s(get(q, "kind").expect("kind")),
            tables[0].1.iter().filter_map(|r| r.first().cloned().flatten()).collect(),
        ),
    };
    let flag = |k: &str| get(q, k).map(s).as_deref() == Some("true");
    let req = GetRequest {
        kinds,
        names,
        namespace: get(q, "namespace").map(s),
        all_namespaces: false,
        selector: get(q, "selector").map(s).unwrap_or_default(),
        output: if flag("wide") { GetFormat::Wide } else { GetFormat::default() },
        show_labels: flag("show_labels"),
    };
    let out = sess.get(&req).map_err(|e| e.message)?;
    let texts: Vec<&str> = out.text.split("\n\n").collect();
    if texts.len() != tables.len() {
        return Err(format!("{} tables, want {}:\n{}", texts.len(), tables.len(), out.text));
    }
    for (text, table) in texts.iter().zip(&tables) {
        compare(text, table)?;
    }
    Ok(())
}

/// Runs one describe case: `text` is the whole output (upstream's `assert.Equal`), every
/// `contains` entry must appear in it (upstream's `strings.Contains` checks), every `lines` entry
/// must be a whole line of it, no `not_contains` entry may appear.
fn describe_case(case: &Node<'_>) -> Result<(), String> {
    let sess = session(case)?;
    let q = get(case, "describe").expect("describe");
    let name = get(q, "name").map(s);
    let ns = get(q, "namespace").map(s);
    let d = sess
        .describe(&s(get(q, "kind").expect("kind")), name.as_deref(), ns.as_deref())
        .map_err(|e| e.message)?;
    if let Some(want) = get(case, "text").map(s) {
        if d.text != want {
            return Err(format!("text differs:\n--- got\n{}--- want\n{want}", d.text));
        }
    }
    for c in seq(get(case, "contains")) {
        let want = s(c);
        if !d.text.contains(&want) {
            return Err(format!("missing {want:?} in:\n{}", d.text));
        }
    }
    for c in seq(get(case, "not_contains")) {
        let bad = s(c);
        if d.text.contains(&bad) {
            return Err(format!("unexpected {bad:?} in:\n{}", d.text));
        }
    }
    for c in seq(get(case, "lines")) {
        let want = s(c);
        if !d.text.lines().any(|l| l == want) {
            return Err(format!("missing line {want:?} in:\n{}", d.text));
        }
    }
    Ok(())
}

fn run_file(file: &str) -> usize {
    let path = format!("{DIR}/{file}");
    let text = std::fs::read_to_string(&path).expect("conformance file");
    let parsed = syntax::parse(FileId(0), &text);
    assert!(parsed.diagnostics.is_empty(), "{file}: {:?}", parsed.diagnostics);
    let root = parsed.documents[0].root.as_ref().expect("document");
    assert!(get(root, "source").is_some(), "{file}: no source");
    let mut checked = 0;
    let mut failures = Vec::new();
    for g in seq(get(root, "groups")) {
        let test = s(get(g, "test").expect("test"));
        for c in seq(get(g, "cases")) {
            let name = get(c, "name").map(s).unwrap_or_default();
            let result =
                if get(c, "describe").is_some() { describe_case(c) } else { table_case(c) };
            match (result, get(c, "gap").is_some()) {
                (Err(e), true) if e.starts_with("manifests must load") => {
                    failures.push(format!("{test} / {name}: {e}"))
                }
                (Ok(()), false) | (Err(_), true) => {}
                (Ok(()), true) => {
                    failures.push(format!("{test} / {name}: passes now; drop its `gap:` mark"))
                }
                (Err(e), false) => failures.push(format!("{test} / {name}: {e}")),
            }
            checked += 1;
        }
    }
    assert!(failures.is_empty(), "{file}: {} failing:\n{}", failures.len(), failures.join("\n\n"));
    checked
}

#[test]
fn printers_test_tables() {
    assert!(run_file("printers_test.yaml") >= 35);
}

#[test]
fn describe_test_texts() {
    assert!(run_file("describe_test.yaml") >= 5);
}
