//! The typed walk over the spanned tree: field paths, spans, expected types, unknown fields and
//! YAML 1.1 traps.
//!
//! One [`Cx`] per object. It keeps the current field path in one reusable `String` (pushed and
//! truncated as the walk goes down and up, so no path is allocated unless a span is recorded or
//! a diagnostic is made), the spans of every field seen, and the diagnostics.
//!
//! Type rules follow what the API server does with the JSON that `kubectl apply` sends it
//! (sigs.k8s.io/yaml → go-yaml v2 → JSON → `encoding/json` into the Go types): a null value is
//! the same as an absent field; a boolean or number where a string is expected is rejected
//! (`json: cannot unmarshal bool into Go struct field ObjectMeta.metadata.labels of type string`);
//! a string where a number is expected is rejected.

use crate::diagnostic::{Diagnostic, Severity};
use crate::model::{FieldSpan, FieldSpansBuilder, IntOrString, Labels};
use crate::syntax::scalar::{self, Resolved};
use crate::syntax::{Entry, Node, Style, Value};
use crate::text::{FileId, Span, TextRange};

/// Walk state for one object.
pub(crate) struct Cx<'d> {
    pub(crate) file: FileId,
    pub(crate) diags: &'d mut Vec<Diagnostic>,
    pub(crate) path: String,
    /// The spans of the fields walked so far.
    pub(crate) spans: FieldSpansBuilder,
    /// The Go type whose fields are being read, for the API server's JSON error texts.
    pub(crate) go: &'static str,
    /// Whether to record field spans (always on; a switch for benchmarks and tests).
    pub(crate) record: bool,
    /// Inside a `map[string]string`: the path length of the map (Go errors name the map field).
    go_cut: Option<usize>,
}

/// A saved path position, restored by [`Cx::leave`].
#[derive(Clone, Copy)]
pub(crate) struct Mark(usize, &'static str);

impl<'d> Cx<'d> {
    pub(crate) fn new(file: FileId, diags: &'d mut Vec<Diagnostic>) -> Self {
        Cx {
            file,
            diags,
            path: String::new(),
            spans: FieldSpansBuilder::default(),
            go: "",
            record: true,
            go_cut: None,
        }
    }

    pub(crate) fn span(&self, range: TextRange) -> Span {
        Span { file: self.file, range }
    }

    /// Goes down into field `key` of the current mapping and records its spans.
    pub(crate) fn enter(&mut self, key: &str, e: &Entry<'_>) -> Mark {
        let m = Mark(self.path.len(), self.go);
        if !self.path.is_empty() {
            self.path.push('.');
        }
        self.path.push_str(key);
        if self.record {
            self.spans
                .record(&self.path, FieldSpan { key: Some(e.key.range), value: e.value.range });
        }
        m
    }

    /// Goes down into item `i` of the current list and records its span.
    pub(crate) fn enter_index(&mut self, i: usize, n: &Node<'_>) -> Mark {
        use std::fmt::Write;
        let m = Mark(self.path.len(), self.go);
        let _ = write!(self.path, "[{i}]");
        if self.record {
            self.spans.record(&self.path, FieldSpan { key: None, value: n.range });
        }
        m
    }

    pub(crate) fn leave(&mut self, m: Mark) {
        self.path.truncate(m.0);
        self.go = m.1;
    }

    /// The path as the API server's JSON decoder names a field: no list indexes.
    fn go_path(&self) -> String {
        let mut out = String::with_capacity(self.path.len());
        let mut depth = 0usize;
        let path = self.go_cut.and_then(|c| self.path.get(..c)).unwrap_or(&self.path);
        for c in path.chars() {
            match c {
                '[' => depth += 1,
                ']' => depth = depth.saturating_sub(1),
                _ if depth == 0 => out.push(c),
                _ => {}
            }
        }
        out
    }

    fn json_error(&self, found: &str, go_type: &str) -> String {
        if self.go.is_empty() {
            format!("json: cannot unmarshal {found} into Go value of type {go_type}")
        } else {
            format!(
                "json: cannot unmarshal {found} into Go struct field {}.{} of type {go_type}",
                self.go,
                self.go_path()
            )
        }
    }

    pub(crate) fn push(&mut self, d: Diagnostic) {
        self.diags.push(d);
    }

    fn wrong_type(&mut self, n: &Node<'_>, expected: &str, go_type: &str) {
        let found = n.describe();
        let json_found = match &n.value {
            Value::Mapping(_) => "object".to_string(),
            Value::Sequence(_) => "array".to_string(),
            Value::Scalar(s) => match scalar::resolve(s) {
                Resolved::Bool(_) => "bool".to_string(),
                Resolved::Int(_) | Resolved::BigInt | Resolved::Float(_) => "number".to_string(),
                _ => "string".to_string(),
            },
        };
        let mut d = Diagnostic::error(
            "wrong-type",
            self.span(n.range),
            format!("{}: expected {expected}, found {found}", self.display_path()),
        )
        .with_hint(format!("the API server rejects it: {}", self.json_error(&json_found, go_type)));
        if let Value::Scalar(s) = &n.value {
            if !s.style.is_plain()
                && matches!(scalar::resolve_plain(&s.text), Resolved::Int(_))
                && expected.contains("integer")
            {
                d = d.with_hint(format!("remove the quotes: {}", s.text));
            }
        }
        self.push(d);
    }

    pub(crate) fn display_path(&self) -> &str {
        if self.path.is_empty() {
            "<root>"
        } else {
            &self.path
        }
    }

    /// The entries of a mapping; null is an empty mapping; other types are reported.
    pub(crate) fn mapping<'n, 'a>(&mut self, n: &'n Node<'a>) -> &'n [Entry<'a>] {
        match &n.value {
            Value::Mapping(m) => m,
            _ if n.is_null() => &[],
            _ => {
                self.wrong_type(n, "a mapping", "map[string]interface {}");
                &[]
            }
        }
    }

    /// The items of a list; null is an empty list; other types are reported.
    pub(crate) fn sequence<'n, 'a>(&mut self, n: &'n Node<'a>) -> &'n [Node<'a>] {
        match &n.value {
            Value::Sequence(s) => s,
            _ if n.is_null() => &[],
            _ => {
                self.wrong_type(n, "a list", "[]interface {}");
                &[]
            }
        }
    }

    /// A string field. Booleans and numbers written plain (YAML 1.1 `yes`, `1.10`, `0777`) are
    /// reported with the value Kubernetes sees; the returned text is that value.
    pub(crate) fn string(&mut self, n: &Node<'_>) -> Option<String> {
        let s = match &n.value {
            Value::Scalar(s) => s,
            _ => {
                self.wrong_type(n, "a string", "string");
                return None;
            }
        };
        match scalar::resolve(s) {
            Resolved::Str => Some(s.text.to_string()),
            Resolved::Null => {
                if s.text.is_empty() {
                    None
                } else {
                    self.trap_null(n, &s.text);
                    None
                }
            }
            r => Some(self.trap(n, &s.text, r)),
        }
    }

    /// Reports a plain scalar that YAML reads as bool/number where a string is expected.
    fn trap(&mut self, n: &Node<'_>, text: &str, r: Resolved) -> String {
        let (code, seen, what, json) = match r {
            Resolved::Bool(b) => {
                ("yaml-1.1-bool", b.to_string(), format!("the boolean {b}"), "bool")
            }
            Resolved::Int(v) => {
                let how = if text.trim_start_matches(['-', '+']).starts_with("0x")
                    || text.trim_start_matches(['-', '+']).starts_with("0X")
                {
                    format!("the number {v} (hexadecimal)")
                } else if text.trim_start_matches(['-', '+']).len() > 1
                    && text.trim_start_matches(['-', '+']).starts_with('0')
                {
                    format!("the number {v} (octal)")
                } else {
                    format!("the number {v}")
                };
                ("yaml-1.1-number", v.to_string(), how, "number")
            }
            Resolved::Float(f) => {
                let s = scalar::go_float(f);
                ("yaml-1.1-number", s.clone(), format!("the number {s}"), "number")
            }
            Resolved::BigInt => {
                ("yaml-1.1-number", text.to_string(), "a number".to_string(), "number")
            }
            _ => ("yaml-1.1-number", text.to_string(), "a number".to_string(), "number"),
        };
        let quote = if text.contains('"') { format!("'{text}'") } else { format!("\"{text}\"") };
        let msg = if seen == text {
            format!("`{text}` is {what} in YAML, but this field takes a string")
        } else {
            format!("`{text}` is {what} in YAML, not the string \"{text}\"")
        };
        let d = Diagnostic::error(code, self.span(n.range), msg)
            .with_hint(format!("kubectl apply fails: {}", self.json_error(json, "string")))
            .with_hint(format!("quote it to keep it a string: {quote}"));
        self.push(d);
        seen
    }

    fn trap_null(&mut self, n: &Node<'_>, text: &str) {
        let d = Diagnostic::warning(
            "yaml-1.1-null",
            self.span(n.range),
            format!("`{text}` is null in YAML, so Kubernetes sees no value here"),
        )
        .with_hint(format!("quote it if you mean the text: \"{text}\""));
        self.push(d);
    }

    /// An integer field (`int32` in the API).
    pub(crate) fn int32(&mut self, n: &Node<'_>) -> Option<i32> {
        self.int(n, "int32").and_then(|v| match i32::try_from(v) {
            Ok(v) => Some(v),
            Err(_) => {
                self.out_of_range(n, &v.to_string(), "int32");
                None
            }
        })
    }

    pub(crate) fn int64(&mut self, n: &Node<'_>) -> Option<i64> {
        self.int(n, "int64")
    }

    fn out_of_range(&mut self, n: &Node<'_>, v: &str, go_type: &str) {
        let d = Diagnostic::error(
            "number-out-of-range",
            self.span(n.range),
            format!("{}: {v} does not fit in this field ({go_type})", self.display_path()),
        )
        .with_hint(format!(
            "the API server rejects it: {}",
            self.json_error(&format!("number {v}"), go_type)
        ));
        self.push(d);
    }

    fn int(&mut self, n: &Node<'_>, go_type: &str) -> Option<i64> {
        let Value::Scalar(s) = &n.value else {
            self.wrong_type(n, "an integer", go_type);
            return None;
        };
        match scalar::resolve(s) {
            Resolved::Int(v) => {
                let t = s.text.trim_start_matches(['-', '+']);
                if s.style == Style::Plain
                    && t.len() > 1
                    && t.starts_with('0')
                    && t.bytes().all(|b| b.is_ascii_digit())
                {
                    let d = Diagnostic::warning(
                        "yaml-1.1-number",
                        self.span(n.range),
                        format!(
                            "`{}` has a leading zero, so YAML reads it as the octal number {v}",
                            s.text
                        ),
                    )
                    .with_hint(format!(
                        "write {} if you meant decimal, or {v} to make the octal value explicit",
                        t.trim_start_matches('0')
                    ));
                    self.push(d);
                }
                Some(v)
            }
            Resolved::Null => None,
            Resolved::BigInt => {
                self.out_of_range(n, &s.text, go_type);
                None
            }
            Resolved::Float(f) => {
                if f.fract() == 0.0 && f.abs() < 9.0e15 {
                    Some(f as i64)
                } else {
                    let v = scalar::go_float(f);
                    let d = Diagnostic::error(
                        "wrong-type",
                        self.span(n.range),
                        format!(
                            "{}: expected an integer, found the number {v}",
                            self.display_path()
                        ),
                    )
                    .with_hint(format!(
                        "the API server rejects it: {}",
                        self.json_error(&format!("number {v}"), go_type)
                    ));
                    self.push(d);
                    None
                }
            }
            _ => {
                self.wrong_type(n, "an integer", go_type);
                None
            }
        }
    }

    pub(crate) fn boolean(&mut self, n: &Node<'_>) -> Option<bool> {
        let Value::Scalar(s) = &n.value else {
            self.wrong_type(n, "a boolean (true or false)", "bool");
            return None;
        };
        match scalar::resolve(s) {
            Resolved::Bool(b) => Some(b),
            Resolved::Null => None,
            _ => {
                self.wrong_type(n, "a boolean (true or false)", "bool");
                None
            }
        }
    }

    /// `intstr.IntOrString` (targetPort): a JSON number or string.
    pub(crate) fn int_or_string(&mut self, n: &Node<'_>) -> Option<IntOrString> {
        let Value::Scalar(s) = &n.value else {
            self.wrong_type(n, "an integer or a string", "intstr.IntOrString");
            return None;
        };
        match scalar::resolve(s) {
            Resolved::Str => Some(IntOrString::Str(s.text.to_string())),
            Resolved::Null => None,
            Resolved::Int(_) | Resolved::Float(_) | Resolved::BigInt => {
                self.int32(n).map(IntOrString::Int)
            }
            Resolved::Bool(_) => {
                self.wrong_type(n, "an integer or a string", "intstr.IntOrString");
                None
            }
        }
    }

    /// `map[string]string` (labels, annotations, selectors, ConfigMap data).
    pub(crate) fn string_map(&mut self, n: &Node<'_>) -> Labels {
        let mut out = Labels::new();
        let entries: &[Entry<'_>] = match &n.value {
            Value::Mapping(m) => m,
            _ if n.is_null() => &[],
            _ => {
                self.wrong_type(n, "a mapping", "map[string]string");
                &[]
            }
        };
        let cut = self.go_cut.replace(self.path.len());
        for e in entries {
            let Some(k) = self.key(e) else { continue };
            let m = self.enter(&k, e);
            if let Some(v) = self.string(&e.value) {
                out.insert(k, v);
            } else if e.value.is_null() {
                // JSON null in a map[string]string decodes to "".
                out.insert(k, String::new());
            }
            self.leave(m);
        }
        self.go_cut = cut;
        out
    }

    /// `[]string`.
    pub(crate) fn string_list(&mut self, n: &Node<'_>) -> Vec<String> {
        let items = self.sequence(n);
        let mut out = Vec::with_capacity(items.len());
        for (i, it) in items.iter().enumerate() {
            let m = self.enter_index(i, it);
            if let Some(s) = self.string(it) {
                out.push(s);
            }
            self.leave(m);
        }
        out
    }

    /// A mapping key as text; keys that are not strings are reported as YAML traps too
    /// (`yes:` as a key is the boolean true).
    pub(crate) fn key(&mut self, e: &Entry<'_>) -> Option<String> {
        match &e.key.value {
            Value::Scalar(s) => {
                // sigs.k8s.io/yaml (`convertToJSONableObject`) turns bool and number keys into
                // strings; the key Kubernetes stores is then not the text the user wrote.
                let seen = match scalar::resolve(s) {
                    Resolved::Str => return Some(s.text.to_string()),
                    Resolved::Bool(b) => {
                        ("yaml-1.1-bool", format!("the boolean {b}"), b.to_string())
                    }
                    Resolved::Int(v) => {
                        ("yaml-1.1-number", format!("the number {v}"), v.to_string())
                    }
                    Resolved::Float(f) => {
                        let t = scalar::go_float(f);
                        ("yaml-1.1-number", format!("the number {t}"), t)
                    }
                    Resolved::Null | Resolved::BigInt => return Some(s.text.to_string()),
                };
                if seen.2 != s.text {
                    let d = Diagnostic::warning(
                        seen.0,
                        self.span(e.key.range),
                        format!(
                            "the key `{}` is {} in YAML, so Kubernetes stores the key \"{}\"",
                            s.text, seen.1, seen.2
                        ),
                    )
                    .with_hint(format!("quote the key to keep it as written: \"{}\":", s.text));
                    self.push(d);
                }
                Some(seen.2)
            }
            _ => {
                let d = Diagnostic::error(
                    "wrong-type",
                    self.span(e.key.range),
                    "a mapping key must be a plain value, not a list or mapping".to_string(),
                );
                self.push(d);
                None
            }
        }
    }

    /// A field we do not simulate: silent when the real schema has it, otherwise an
    /// `unknown-field` warning worded as kubectl's strict field validation.
    pub(crate) fn other(&mut self, key: &str, e: &Entry<'_>, known: &[&str]) {
        if known.contains(&key) {
            return;
        }
        let mut d = Diagnostic::warning(
            "unknown-field",
            self.span(e.key.range),
            format!("unknown field \"{}\"", self.path),
        );
        let top = !self.path.contains(['.', '[']);
        use super::schema as sc;
        // A field of a nested type written one level too high is the commonest slip.
        let misplaced = match self.go {
            "Container" if sc::CONTAINER_PORT.contains(&key) => {
                Some(format!("`{key}` belongs to a port of the container: `ports: [{{{key}: …}}]`"))
            }
            "PodSpec" if sc::CONTAINER.contains(&key) => {
                Some(format!("`{key}` is a container field: put it under `containers: - name: …`"))
            }
            "ServiceSpec" if sc::SERVICE_PORT.contains(&key) => {
                Some(format!("`{key}` belongs to a port of the Service: `ports: [{{{key}: …}}]`"))
            }
            "DeploymentSpec" | "ReplicaSetSpec" | "StatefulSetSpec" | "DaemonSetSpec"
                if sc::POD_SPEC.contains(&key) =>
            {
                Some(format!("`{key}` belongs to the Pod template: `spec.template.spec.{key}`"))
            }
            "DeploymentSpec" | "ReplicaSetSpec" | "StatefulSetSpec" | "DaemonSetSpec"
                if key == "labels" =>
            {
                Some("Pod labels go under `spec.template.metadata.labels`".to_string())
            }
            _ => None,
        };
        let spec_level = self.path.strip_prefix("spec.").is_some_and(|rest| rest == key);
        if spec_level && sc::OBJECT_META.contains(&key) && key != "namespace" {
            d = d.with_hint(format!("`{key}` belongs under `metadata:`, not `spec:`"));
        } else if let Some(h) = misplaced {
            d = d.with_hint(h);
        } else if let Some(s) = suggest(key, known) {
            d = d.with_hint(format!("did you mean `{s}`?"));
        } else if top && super::schema::OBJECT_META.contains(&key) {
            d = d.with_hint(format!("`{key}` belongs under `metadata:`"));
        } else if top
            && (super::schema::SERVICE_SPEC.contains(&key)
                || super::schema::POD_SPEC.contains(&key)
                || super::schema::DEPLOYMENT_SPEC.contains(&key))
        {
            d = d.with_hint(format!("`{key}` belongs under `spec:`"));
        } else if self.path.starts_with("spec.")
            && !self.path.contains('[')
            && super::schema::OBJECT_META.contains(&key)
            && key != "namespace"
        {
            d = d.with_hint(format!("`{key}` belongs under `metadata:`, not `spec:`"));
        } else {
            d = d.with_hint("Kubernetes does not have this field here; it is ignored");
        }
        self.push(d);
    }

    /// Our own warning at the current path (not the API server's: `kubectl` prints nothing).
    pub(crate) fn warning(
        &mut self,
        code: &'static str,
        range: TextRange,
        msg: String,
        hint: &str,
    ) {
        self.push(Diagnostic::new(code, Severity::Warning, self.span(range), msg).with_hint(hint));
    }

    /// A validation error at the current path with an API-server message.
    pub(crate) fn severity_error(&mut self, code: &'static str, range: TextRange, msg: String) {
        self.push(Diagnostic::new(code, Severity::Error, self.span(range), msg));
    }
}

/// The closest known field name: a case-insensitive match first (`targetport` → `targetPort`),
/// else the smallest edit distance within a third of the length (at least 1, at most 3).
pub(crate) fn suggest<'k>(key: &str, known: &[&'k str]) -> Option<&'k str> {
    if let Some(k) = known.iter().find(|k| k.eq_ignore_ascii_case(key)) {
        return Some(k);
    }
    let lower = key.to_ascii_lowercase();
    let limit = (key.chars().count() / 3).clamp(1, 3);
    let mut best: Option<(usize, &'k str)> = None;
    for k in known {
        let d = edit_distance(&lower, &k.to_ascii_lowercase());
        if d <= limit && best.is_none_or(|(bd, _)| d < bd) {
            best = Some((d, k));
        }
    }
    best.map(|(_, k)| k)
}

/// Damerau (optimal string alignment) distance over chars; inputs are short field names.
pub(crate) fn edit_distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().take(64).collect();
    let b: Vec<char> = b.chars().take(64).collect();
    let (n, m) = (a.len(), b.len());
    let mut d = vec![vec![0usize; m + 1]; n + 1];
    for (i, row) in d.iter_mut().enumerate() {
        row[0] = i;
    }
    if let Some(first) = d.first_mut() {
        for (j, c) in first.iter_mut().enumerate() {
            *c = j;
        }
    }
    for i in 1..=n {
        for j in 1..=m {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            let mut v = (d[i - 1][j] + 1).min(d[i][j - 1] + 1).min(d[i - 1][j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                v = v.min(d[i - 2][j - 2] + 1);
            }
            d[i][j] = v;
        }
    }
    d[n][m]
}
