//! Hostile text in manifests (markup, script, attribute breaking, XML tricks, bidi and
//! zero-width characters) comes out of the core as text: verbatim in terminal output, escaped
//! in JSON, SVG and DOT, and shown safely in the API server's validation messages.

use netsim::diagnostic::SourceFiles;
use netsim_cli::{run, Input, Output};

const SCRIPT: &str = "<script>alert(1)</script>";
const IMG: &str = "\"><img src=x onerror=alert(1)>";
const XML: &str = "]]><!DOCTYPE x [<!ENTITY e SYSTEM \"file:///etc/passwd\">]>&e;<?xml-stylesheet href=\"http://evil/x.xsl\"?>";
const BIDI: &str = "abc\u{202E}cba\u{202C}";
const ZW: &str = "we\u{200B}b\u{200D}\u{FEFF}";
/// Characters XML 1.0 does not allow at all, and a C0 control.
const NON_XML: &str = "a\u{FFFE}b\u{FFFF}c\u{1}d";

fn all() -> [&'static str; 6] {
    [SCRIPT, IMG, XML, BIDI, ZW, NON_XML]
}

/// A YAML double-quoted scalar holding `s` exactly.
fn yq(s: &str) -> String {
    let mut o = String::from("\"");
    for c in s.chars() {
        match c {
            '"' => o.push_str("\\\""),
            '\\' => o.push_str("\\\\"),
            c if (c as u32) < 0x20 => o.push_str(&format!("\\x{:02x}", c as u32)),
            '\u{FEFF}' | '\u{FFFE}' | '\u{FFFF}' => o.push_str(&format!("\\u{:04x}", c as u32)),
            c => o.push(c),
        }
    }
    o.push('"');
    o
}

/// Valid objects that carry the hostile strings where Kubernetes allows any text: annotations,
/// ConfigMap data, container image and args, and a YAML comment.
fn free_text_manifest() -> String {
    let mut ann = String::new();
    for (i, s) in all().iter().enumerate() {
        ann.push_str(&format!("    evil{i}: {}\n", yq(s)));
    }
    format!(
        "# comment {SCRIPT} {BIDI}\napiVersion: v1\nkind: Pod\nmetadata:\n  name: web\n  labels:\n    app: web\n  annotations:\n{ann}spec:\n  containers:\n  - name: c\n    image: {}\n    args: [{}]\n---\napiVersion: v1\nkind: Service\nmetadata:\n  name: web\n  annotations:\n{ann}spec:\n  selector:\n    app: web\n  ports:\n  - port: 80\n---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cm\ndata:\n  page: {}\n",
        yq(IMG),
        yq(XML),
        yq(SCRIPT)
    )
}

/// Objects whose names and labels are hostile: the API server rejects them.
fn invalid_names_manifest() -> String {
    let mut docs = String::new();
    for (i, s) in all().iter().enumerate() {
        docs.push_str(&format!(
            "---\napiVersion: v1\nkind: Pod\nmetadata:\n  name: {}\n  labels:\n    app: {}\n    {}: x{i}\nspec:\n  containers:\n  - name: c\n    image: busybox\n---\napiVersion: v1\nkind: Service\nmetadata:\n  name: {}\nspec:\n  selector:\n    app: {}\n  ports:\n  - port: 80\n",
            yq(s),
            yq(s),
            yq(s),
            yq(s),
            yq(s)
        ));
    }
    docs
}

fn cli(argv: &[&str], text: &str) -> Output {
    let argv: Vec<String> = argv.iter().map(|s| s.to_string()).collect();
    run(&argv, &[Input { name: "evil.yaml".into(), text: text.into() }])
}

#[test]
fn terminal_output_prints_free_text_verbatim() {
    let text = free_text_manifest();
    let out = cli(&["get", "pods,services", "-o", "yaml"], &text);
    assert_eq!(out.code, 0, "{}", out.stderr);
    for s in [SCRIPT, IMG, XML, BIDI, ZW] {
        // YAML output may quote, but the characters themselves are not rewritten.
        let plain = s.replace('"', "");
        let shown = out.stdout.replace("\\\"", "").replace('"', "");
        assert!(shown.contains(&plain), "{s:?} not shown verbatim in:\n{}", out.stdout);
    }
}

#[test]
fn json_output_round_trips_every_string() {
    let text = free_text_manifest();
    let out = cli(&["get", "pods,services", "-o", "json"], &text);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let v: serde_json::Value = match serde_json::from_str(&out.stdout) {
        Ok(v) => v,
        Err(e) => panic!("not JSON: {e}\n{}", out.stdout),
    };
    let mut strings = Vec::new();
    collect_strings(&v, &mut strings);
    for s in all().into_iter().filter(|s| *s != SCRIPT) {
        // (SCRIPT is only in the ConfigMap, which `get` does not list.)
        assert!(strings.iter().any(|x| x == s), "{s:?} lost or altered in JSON output");
    }
    // No raw control characters survive in the JSON text (serde escapes them).
    assert!(!out.stdout.chars().any(|c| (c as u32) < 0x20 && c != '\n'));
}

fn collect_strings(v: &serde_json::Value, out: &mut Vec<String>) {
    match v {
        serde_json::Value::String(s) => out.push(s.clone()),
        serde_json::Value::Array(a) => a.iter().for_each(|x| collect_strings(x, out)),
        serde_json::Value::Object(o) => {
            for (k, x) in o {
                out.push(k.clone());
                collect_strings(x, out);
            }
        }
        _ => {}
    }
}

#[test]
fn validation_messages_show_rejected_names_as_text() {
    let text = invalid_names_manifest();
    let out = cli(&["check"], &text);
    assert_eq!(out.code, 1, "hostile names must be rejected:\n{}", out.stdout);
    for s in [SCRIPT, IMG, BIDI] {
        // Go's strconv.Quote form, as the API server's messages print names.
        let go_quoted: String = s
            .chars()
            .map(|c| match c {
                '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' | '\u{200B}'..='\u{200F}' => {
                    format!("\\u{:04x}", c as u32)
                }
                '"' => "\\\"".to_string(),
                c => c.to_string(),
            })
            .collect();
        assert!(
            out.stderr.contains(s) || out.stderr.contains(&go_quoted),
            "the message does not quote {s:?}:\n{}",
            out.stderr
        );
    }
    // The messages quote names as the API server does (Go `%q`): bidi and zero-width
    // characters escaped, markup kept as inert text.
    for line in out.stderr.lines().filter(|l| l.contains("Invalid value")) {
        assert!(!line.contains('\u{202E}') && !line.contains('\u{200B}'), "{line}");
    }
    assert!(out.stderr.contains("abc\\u202ecba\\u202c"), "{}", out.stderr);
    assert!(out.stderr.contains("we\\u200bb\\u200d\\ufeff"), "{}", out.stderr);
    // JSON diagnostics are valid JSON and keep the text.
    let out = cli(&["check", "-o", "json"], &text);
    let v: serde_json::Value = match serde_json::from_str(&out.stdout) {
        Ok(v) => v,
        Err(e) => panic!("not JSON: {e}\n{}", out.stdout),
    };
    let mut strings = Vec::new();
    collect_strings(&v, &mut strings);
    assert!(strings.iter().any(|m| m.contains(SCRIPT)), "{strings:?}");
}

/// Tag and attribute names of an SVG/XML text, with a check that it is well formed enough:
/// every `<` opens a tag, comment or CDATA section the renderer wrote, every attribute value is
/// quoted, and no character XML forbids appears.
fn svg_shape(svg: &str) -> (Vec<String>, Vec<String>) {
    let mut tags = Vec::new();
    let mut attrs = Vec::new();
    for c in svg.chars() {
        let ok = matches!(c, '\t' | '\n' | '\r')
            || ('\u{20}'..='\u{D7FF}').contains(&c)
            || ('\u{E000}'..='\u{FFFD}').contains(&c)
            || c >= '\u{10000}';
        assert!(ok, "character {:?} is not allowed in XML 1.0", c);
    }
    let mut rest = svg;
    while let Some(i) = rest.find('<') {
        rest = &rest[i + 1..];
        let end = rest.find('>').unwrap_or(rest.len());
        let inner = &rest[..end];
        rest = &rest[end..];
        if inner.starts_with('!') || inner.starts_with('?') {
            tags.push(inner.chars().take(8).collect());
            continue;
        }
        let inner = inner.trim_start_matches('/').trim_end_matches('/');
        let mut parts = inner.splitn(2, char::is_whitespace);
        tags.push(parts.next().unwrap_or("").to_string());
        let mut a = parts.next().unwrap_or("");
        while let Some(eq) = a.find('=') {
            attrs.push(a[..eq].trim().to_string());
            let v = &a[eq + 1..];
            assert!(v.starts_with('"'), "unquoted attribute value in <{inner}>");
            let close = v[1..].find('"').map_or(v.len(), |j| j + 2);
            a = &v[close.min(v.len())..];
        }
    }
    (tags, attrs)
}

const SVG_TAGS: &[&str] = &[
    "svg", "g", "rect", "text", "tspan", "title", "line", "path", "polyline", "polygon", "circle",
    "defs", "marker", "style", "desc",
];

fn assert_safe_svg(svg: &str) {
    let (tags, attrs) = svg_shape(svg);
    for t in &tags {
        assert!(SVG_TAGS.contains(&t.as_str()), "unexpected markup <{t}> in SVG:\n{svg}");
    }
    for a in &attrs {
        assert!(!a.to_ascii_lowercase().starts_with("on"), "event attribute {a} in SVG");
        assert!(!a.contains('<') && !a.contains('"'), "attribute name {a:?}");
    }
}

/// The API server rejects hostile names and label values, so the core never draws them; the
/// renderers are still checked on them: every text field of a real topology is replaced by a
/// hostile string (as if a future field, or a bug upstream, let one through).
fn poisoned(s: &str) -> netsim::view::Topology {
    let mut t = topology_of(&free_text_manifest());
    let h = |x: &mut String| *x = format!("{x}{s}");
    h(&mut t.dns_domain);
    t.namespaces.iter_mut().for_each(|n| h(&mut n.name));
    for n in &mut t.nodes {
        [&mut n.id, &mut n.name, &mut n.role, &mut n.internal_ip].into_iter().for_each(h);
        for p in &mut n.pods {
            [&mut p.id, &mut p.name, &mut p.label, &mut p.namespace, &mut p.ip, &mut p.labels_text]
                .into_iter()
                .for_each(h);
            for l in &mut p.labels {
                h(&mut l.key);
                h(&mut l.value);
            }
            p.owner = Some(s.to_string());
        }
        for g in &mut n.groups {
            [&mut g.id, &mut g.owner, &mut g.label, &mut g.namespace].into_iter().for_each(h);
        }
    }
    for v in &mut t.services {
        [&mut v.id, &mut v.name, &mut v.label, &mut v.namespace, &mut v.type_, &mut v.cluster_ip]
            .into_iter()
            .for_each(h);
        h(&mut v.dns_name);
        v.ports.iter_mut().for_each(h);
    }
    for o in &mut t.outside {
        [&mut o.id, &mut o.label].into_iter().for_each(h);
    }
    for e in &mut t.edges {
        [&mut e.id, &mut e.from, &mut e.to, &mut e.label].into_iter().for_each(h);
    }
    t
}

#[test]
fn renderers_escape_hostile_text_in_every_field() {
    for s in all() {
        let t = poisoned(s);
        assert!(!t.nodes.is_empty() && !t.services.is_empty());
        let svg = netsim::view::svg(&t);
        assert_safe_svg(&svg);
        if s == SCRIPT {
            assert!(svg.contains("&lt;script&gt;"), "the hostile text is drawn, escaped");
        }
        let dot = netsim::view::dot(&t);
        assert_safe_dot(&dot);
        if s == IMG {
            assert!(dot.contains("\\\"><img"), "quote escaped in DOT:\n{dot}");
        }
    }
}

fn topology_of(text: &str) -> netsim::view::Topology {
    let mut files = SourceFiles::default();
    files.add("evil.yaml", text);
    netsim::view::analyze(&files).topology
}

#[test]
fn svg_export_escapes_user_text() {
    for text in [free_text_manifest(), invalid_names_manifest()] {
        let t = topology_of(&text);
        let svg = netsim::view::svg(&t);
        assert_safe_svg(&svg);
        assert!(!svg.contains("<script"), "{svg}");
        assert!(!svg.contains("<img"), "{svg}");
    }
    // And through the CLI (valid objects only reach a successful export).
    let out = cli(&["graph", "-o", "svg", "-A"], &free_text_manifest());
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_safe_svg(&out.stdout);
}

#[test]
fn svg_escaping_is_exact_for_each_hostile_string() {
    for s in all() {
        let e = netsim::view::esc(s);
        assert!(!e.contains('<') && !e.contains('>') && !e.contains('"') && !e.contains('\''));
        assert_safe_svg(&format!("<text>{e}</text>"));
    }
    assert_eq!(netsim::view::esc(SCRIPT), "&lt;script&gt;alert(1)&lt;/script&gt;");
    assert_eq!(
        netsim::view::esc(BIDI),
        BIDI,
        "bidi controls stay as characters (text, not markup)"
    );
}

/// Every quoted DOT string is closed on its line and no user text opens an HTML-like label.
fn assert_safe_dot(dot: &str) {
    for line in dot.lines() {
        let mut in_str = false;
        let mut escaped = false;
        for c in line.chars() {
            match (in_str, escaped, c) {
                (true, true, _) => escaped = false,
                (true, false, '\\') => escaped = true,
                (_, false, '"') => in_str = !in_str,
                (false, _, '<') => panic!("HTML-like label opened outside a string: {line}"),
                _ => {}
            }
        }
        assert!(!in_str, "unterminated DOT string: {line}");
    }
}

#[test]
fn dot_export_quotes_user_text() {
    for text in [free_text_manifest(), invalid_names_manifest()] {
        let t = topology_of(&text);
        let dot = netsim::view::dot(&t);
        assert_safe_dot(&dot);
    }
    let out = cli(&["graph", "-o", "dot", "-A"], &free_text_manifest());
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_safe_dot(&out.stdout);
}

#[test]
fn view_model_json_keeps_hostile_text_as_strings() {
    let mut files = SourceFiles::default();
    files.add("evil.yaml", invalid_names_manifest());
    let a = netsim::view::analyze(&files);
    let json = match serde_json::to_string(&a) {
        Ok(j) => j,
        Err(e) => panic!("{e}"),
    };
    let back: serde_json::Value = match serde_json::from_str(&json) {
        Ok(v) => v,
        Err(e) => panic!("{e}"),
    };
    let mut strings = Vec::new();
    collect_strings(&back, &mut strings);
    assert!(strings.iter().any(|s| s.contains(SCRIPT)), "diagnostics quote the name");
}
