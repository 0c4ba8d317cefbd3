use super::*;

fn p(text: &str) -> Parsed<'_> {
    parse(FileId(0), text)
}

#[test]
fn multi_document_and_spans() {
    let t = "a: 1\nb: [x, \"y\"]\n---\nc:\n  d: e\n";
    let r = p(t);
    assert!(r.diagnostics.is_empty(), "{:?}", r.diagnostics);
    assert_eq!(r.documents.len(), 2);
    let root = r.documents[0].root.as_ref().unwrap();
    let e = root.get("b").unwrap();
    assert_eq!(&t[e.key.range.start as usize..e.key.range.end as usize], "b");
    assert_eq!(&t[e.value.range.start as usize..e.value.range.end as usize], "[x, \"y\"]");
    let seq = e.value.as_sequence().unwrap();
    assert_eq!(seq[1].as_scalar().unwrap().style, Style::DoubleQuoted);
    let root2 = r.documents[1].root.as_ref().unwrap();
    let c = root2.get("c").unwrap();
    assert_eq!(&t[c.value.range.start as usize..c.value.range.end as usize], "d: e");
}

#[test]
fn broken_document_keeps_others() {
    let t = "a: [1, 2\n---\nb: 2\n---\nc: 3\n";
    let r = p(t);
    assert_eq!(r.documents.len(), 2, "{:?}", r.diagnostics);
    assert_eq!(r.diagnostics.len(), 1);
}

#[test]
fn duplicate_keys_both_positions() {
    let t = "a: 1\nb: 2\na: 3\n";
    let r = p(t);
    assert_eq!(r.diagnostics.len(), 1);
    let d = &r.diagnostics[0];
    assert_eq!(d.code, "yaml-duplicate-key");
    assert_eq!(d.span.range.start, 10);
    assert_eq!(d.related[0].span.range.start, 0);
    // The later value is the one kept (as kubectl reads YAML).
    let root = r.documents[0].root.as_ref().unwrap();
    assert_eq!(root.get("a").and_then(|e| e.value.as_scalar()).map(|s| s.text.as_ref()), Some("3"));
    assert_eq!(root.as_mapping().map(|m| m.len()), Some(2));
}

#[test]
fn json_input() {
    let t = r#"{"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "x"}}"#;
    let r = p(t);
    assert!(r.diagnostics.is_empty());
    assert_eq!(
        r.documents[0].root.as_ref().unwrap().get("kind").unwrap().value.as_scalar().unwrap().text,
        "Pod"
    );
}

#[test]
fn deep_nesting_is_bounded() {
    let t = "[".repeat(10_000) + &"]".repeat(10_000);
    let r = p(&t);
    assert_eq!(r.documents.len(), 0);
    assert_eq!(r.diagnostics[0].code, "yaml-too-deep");
    // Block nesting 10,000 deep on one line: `- - - … x`.
    let t = "- ".repeat(10_000) + "x\n";
    let r = p(&t);
    assert_eq!(r.documents.len(), 0);
    assert_eq!(r.diagnostics[0].code, "yaml-too-deep");
    let t = "{a: ".repeat(10_000) + &"}".repeat(10_000);
    let r = p(&t);
    assert_eq!(r.diagnostics[0].code, "yaml-too-deep");
}

#[test]
fn alias_bomb_is_bounded() {
    let mut t = String::from("a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n");
    for i in 1..10 {
        let prev = format!("*a{}", i - 1);
        t.push_str(&format!("a{i}: &a{i} [{}]\n", vec![prev; 10].join(", ")));
    }
    let r = p(&t);
    assert!(r.diagnostics.iter().any(|d| d.code == "yaml-alias-limit"), "{:?}", r.diagnostics);
}

#[test]
fn binary_garbage_never_panics() {
    let mut s = String::new();
    let mut x: u32 = 12345;
    for _ in 0..20_000 {
        x = x.wrapping_mul(1_103_515_245).wrapping_add(12345);
        let c = char::from_u32((x >> 16) % 0x3000).unwrap_or('?');
        s.push(c);
    }
    let _ = p(&s);
    let _ = p("\u{0}\u{1}\u{2}: [\u{7f}");
}

#[test]
fn many_documents_are_cut() {
    let t = "a: 1\n---\n".repeat(limits::MAX_DOCUMENTS + 5);
    let r = p(&t);
    assert_eq!(r.documents.len(), limits::MAX_DOCUMENTS);
    assert_eq!(r.diagnostics.len(), 1);
    assert_eq!(r.diagnostics[0].code, "too-many-documents");
}

#[test]
fn unclosed_quote_points_at_opening_quote() {
    let t = "a: 1\nb: \"hello\nc: 3\n";
    let r = p(t);
    let d = &r.diagnostics[0];
    assert_eq!(d.code, "yaml-unclosed-quote", "{d:?}");
    assert_eq!(d.span.range.start, 8);
}

#[test]
fn input_size_limit() {
    let t = "a: b\n".repeat(limits::MAX_INPUT_BYTES / 5 + 1);
    let r = p(&t);
    assert_eq!(r.documents.len(), 0);
    assert_eq!(r.diagnostics.len(), 1);
    assert_eq!(r.diagnostics[0].code, "input-too-large");
}

#[test]
fn replaced_invalid_utf8_is_reported() {
    let t = String::from_utf8_lossy(b"a: b\nc: \xff\xfe\n").into_owned();
    let r = p(&t);
    assert_eq!(r.diagnostics[0].code, "invalid-utf8");
    assert_eq!(r.diagnostics[0].span.range.start, 8);
    assert_eq!(r.documents.len(), 1);
}

#[test]
fn kubectl_document_separator() {
    let r = p("a: 1\n--- # fine\nb: 2\n--- {c: 3}\n");
    assert_eq!(r.documents.len(), 3);
    let codes: Vec<_> = r.diagnostics.iter().map(|d| d.code).collect();
    assert_eq!(codes, ["yaml-document-separator"]);
    assert_eq!(r.diagnostics[0].message, "invalid Yaml document separator: {c: 3}");
}

#[test]
fn huge_scalars_and_numbers_never_panic() {
    let t =
        format!("a: {}\nb: -{}\nc: 0x{}\n", "9".repeat(5000), "9".repeat(5000), "f".repeat(5000));
    let r = p(&t);
    assert!(r.diagnostics.is_empty());
    for e in r.documents[0].root.as_ref().unwrap().as_mapping().unwrap() {
        let s = e.value.as_scalar().unwrap();
        assert!(
            matches!(scalar::resolve(s), scalar::Resolved::BigInt | scalar::Resolved::Float(_)),
            "{:?}",
            scalar::resolve(s)
        );
    }
}

#[test]
fn many_broken_documents_stay_fast() {
    // 20,000 documents, each with an indentation error and no list item or content above it
    // within the document: error messages must not look back across the whole stream.
    let doc = "a:\n  b: 1\n c: 2\n---\n";
    let t = doc.repeat(20_000);
    let start = std::time::Instant::now();
    let r = p(&t);
    assert_eq!(r.diagnostics.len(), 20_000);
    assert!(start.elapsed().as_secs() < 30);
}

#[test]
fn merge_keys_as_go_yaml_v2() {
    let t = "base: &b {app: web, tier: fe}\nx:\n  <<: *b\n  tier: be\ny:\n  tier: be\n  <<: *b\nz:\n  <<: [{a: 1}, {a: 2, b: 2}]\n";
    let r = p(t);
    assert!(r.diagnostics.is_empty(), "{:?}", r.diagnostics);
    let root = r.documents[0].root.as_ref().unwrap();
    let get = |m: &str, k: &str| {
        root.get(m).unwrap().value.get(k).unwrap().value.as_scalar().unwrap().text.to_string()
    };
    assert_eq!(get("x", "app"), "web");
    assert_eq!(get("x", "tier"), "be");
    assert_eq!(get("y", "tier"), "fe");
    assert_eq!(get("z", "a"), "1");
    assert_eq!(get("z", "b"), "2");
}

#[test]
fn scalar_length_limit() {
    let t = format!("a: {}\n---\nb: 1\n", "x".repeat(limits::MAX_SCALAR_BYTES + 1));
    let r = p(&t);
    assert_eq!(r.diagnostics.len(), 1);
    assert_eq!(r.diagnostics[0].code, "yaml-scalar-too-long");
    assert_eq!(r.documents.len(), 1, "the next document still loads");
}
