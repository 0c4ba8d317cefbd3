//! Stage 1 of the pipeline: YAML (and JSON) text → our own spanned tree.
//!
//! The event parser is granit-parser (pinned `=2.1.0`, see `docs/yaml.md` for the choice); this
//! module is the only place that names it, so another event parser can replace it. We build a
//! small tree of our own — mappings (ordered entries, key and value spans), sequences and scalars
//! (raw text, quoting style, span) — because the manifest stage needs a span for every key and
//! value, the quoting style for YAML 1.1 traps, and every document of a stream even when one is
//! broken.
//!
//! Invariants:
//! - never panics and never loops without bound: the input size, document count, nesting depth,
//!   alias expansion and scalar length are all limited (see [`limits`]), each with a diagnostic;
//! - a broken document is dropped with one diagnostic and parsing resumes at the next `---`
//!   (granit-parser's `proceed_next_document`), so one mistake never hides the other documents;
//! - duplicate mapping keys are reported with both positions;
//! - anchors/aliases are expanded (within a document, budgeted) and merge keys (`<<: *base`)
//!   applied as go-yaml v2 (kubectl's YAML library) applies them; scalars keep their raw text and
//!   style, and [`scalar::resolve`] gives the YAML 1.1 value Kubernetes reads;
//! - kubectl's own document splitting is checked (`---` followed by text).
//!
//! API: [`parse`] (all documents and diagnostics at once) or [`parse_each`] (streamed, one
//! document at a time, in input order); the tree is [`Document`] → [`Node`] ([`Value`]:
//! [`Scalar`], sequence, mapping of [`Entry`]), every node with its byte [`TextRange`].

mod errors;
pub mod scalar;

use std::borrow::Cow;
use std::collections::BTreeMap;

use granit_parser::{Event, Parser, ScalarStyle, StructureStyle};

use crate::diagnostic::Diagnostic;
use crate::text::{FileId, Span, TextRange};

/// The documented bounds of the YAML front end. Every one of them produces a diagnostic when hit.
pub mod limits {
    /// Largest accepted input text, per file (10 MB).
    pub const MAX_INPUT_BYTES: usize = 10 * 1024 * 1024;
    /// Most documents read from one stream; the rest is cut with a diagnostic.
    pub const MAX_DOCUMENTS: usize = 100_000;
    /// Deepest nesting of mappings and sequences.
    pub const MAX_DEPTH: usize = 100;
    /// Nodes that aliases (`*name`) may copy in, per file: stops "billion laughs" alias bombs.
    pub const MAX_ALIAS_NODES: usize = 100_000;
    /// Longest scalar (1 MiB; Kubernetes caps all annotations of an object at 256 KiB).
    pub const MAX_SCALAR_BYTES: usize = 1024 * 1024;
}

/// How a scalar was written.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Style {
    Plain,
    SingleQuoted,
    DoubleQuoted,
    /// `|` block.
    Literal,
    /// `>` block.
    Folded,
}

impl Style {
    /// Plain scalars are the only ones YAML resolves to bool/int/float/null.
    pub fn is_plain(self) -> bool {
        self == Style::Plain
    }
}

/// A scalar: its text after escape processing, how it was written, and an explicit tag if any.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Scalar<'a> {
    pub text: Cow<'a, str>,
    pub style: Style,
    /// The core-schema suffix of an explicit tag (`!!str` → `str`), or the raw tag otherwise.
    pub tag: Option<Box<str>>,
}

/// One mapping entry.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Entry<'a> {
    pub key: Node<'a>,
    pub value: Node<'a>,
}

impl Entry<'_> {
    /// The key's text when it is a scalar (every Kubernetes key is).
    pub fn key_str(&self) -> Option<&str> {
        self.key.as_scalar().map(|s| s.text.as_ref())
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Value<'a> {
    Scalar(Scalar<'a>),
    Sequence(Vec<Node<'a>>),
    Mapping(Vec<Entry<'a>>),
}

/// A node with the byte range it covers in its file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Node<'a> {
    pub range: TextRange,
    pub value: Value<'a>,
}

impl<'a> Node<'a> {
    pub fn as_scalar(&self) -> Option<&Scalar<'a>> {
        match &self.value {
            Value::Scalar(s) => Some(s),
            _ => None,
        }
    }

    pub fn as_mapping(&self) -> Option<&[Entry<'a>]> {
        match &self.value {
            Value::Mapping(m) => Some(m),
            _ => None,
        }
    }

    pub fn as_sequence(&self) -> Option<&[Node<'a>]> {
        match &self.value {
            Value::Sequence(s) => Some(s),
            _ => None,
        }
    }

    /// The first entry of a mapping with key `key`.
    pub fn get(&self, key: &str) -> Option<&Entry<'a>> {
        self.as_mapping()?.iter().find(|e| e.key_str() == Some(key))
    }

    /// `true` for an empty plain scalar or `null`/`~` (YAML null).
    pub fn is_null(&self) -> bool {
        match &self.value {
            Value::Scalar(s) => s.style.is_plain() && s.tag.is_none() && scalar::is_null(&s.text),
            _ => false,
        }
    }

    /// What the node is, for "expected X, found Y" messages.
    pub fn describe(&self) -> &'static str {
        match &self.value {
            Value::Mapping(_) => "a mapping",
            Value::Sequence(_) => "a list",
            Value::Scalar(s) => match scalar::resolve(s) {
                scalar::Resolved::Null => "null",
                scalar::Resolved::Bool(_) => "a boolean",
                scalar::Resolved::Int(_) | scalar::Resolved::BigInt => "an integer",
                scalar::Resolved::Float(_) => "a number",
                scalar::Resolved::Str => "a string",
            },
        }
    }
}

/// One document of a stream.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Document<'a> {
    pub file: FileId,
    /// From the document's first content to the end of its last node.
    pub range: TextRange,
    /// `None` for an empty document (only comments, or a lone `---`).
    pub root: Option<Node<'a>>,
}

/// The result of parsing one text: every readable document, plus diagnostics for the rest.
#[derive(Clone, Debug, Default)]
pub struct Parsed<'a> {
    pub documents: Vec<Document<'a>>,
    pub diagnostics: Vec<Diagnostic>,
}

enum Frame<'a> {
    Seq {
        start: u32,
        flow: bool,
        anchor: usize,
        items: Vec<Node<'a>>,
        size: usize,
    },
    Map {
        start: u32,
        flow: bool,
        anchor: usize,
        entries: Vec<Entry<'a>>,
        key: Option<Node<'a>>,
        size: usize,
    },
}

fn convert_style(s: ScalarStyle) -> Style {
    match s {
        ScalarStyle::Plain => Style::Plain,
        ScalarStyle::SingleQuoted => Style::SingleQuoted,
        ScalarStyle::DoubleQuoted => Style::DoubleQuoted,
        ScalarStyle::Literal => Style::Literal,
        ScalarStyle::Folded => Style::Folded,
    }
}

fn offset(m: &granit_parser::Marker) -> u32 {
    u32::try_from(m.byte_offset().unwrap_or(m.index())).unwrap_or(u32::MAX)
}

fn range_of(s: &granit_parser::Span) -> TextRange {
    let a = offset(&s.start);
    let b = offset(&s.end).max(a);
    TextRange::new(a, b)
}

/// One item of a parsed stream, in input order.
#[derive(Clone, Debug)]
pub enum Item<'a> {
    Document(Document<'a>),
    Diagnostic(Diagnostic),
}

/// Parses one text into documents. Never fails: problems become diagnostics.
pub fn parse(file: FileId, text: &str) -> Parsed<'_> {
    let mut out = Parsed::default();
    parse_each(file, text, |item| match item {
        Item::Document(d) => out.documents.push(d),
        Item::Diagnostic(d) => out.diagnostics.push(d),
    });
    out
}

/// Parses one text, handing each document (and each diagnostic) to `emit` as soon as it is
/// complete, in input order, so a caller can process and drop documents one by one (the
/// manifest stage does: a 10 MB stream never holds more than one document's tree).
pub fn parse_each<'a>(file: FileId, text: &'a str, emit: impl FnMut(Item<'a>)) {
    let mut out =
        Emitter { emit, pre: std::collections::VecDeque::new(), inner: Vec::new(), documents: 0 };
    if text.len() > limits::MAX_INPUT_BYTES {
        out.diagnostic(
            Diagnostic::error(
                "input-too-large",
                Span { file, range: TextRange::empty(0) },
                format!(
                    "this input is {} bytes; the simulator reads at most {} bytes (10 MB) per file",
                    text.len(),
                    limits::MAX_INPUT_BYTES
                ),
            )
            .with_hint("split the manifests into several files, or remove what the simulation does not need"),
        );
        return;
    }
    // Problems found before parsing (position-ordered) are emitted as the parse passes them.
    let mut pre = Vec::new();
    if let Some(at) = text.find('\u{FFFD}') {
        // The CLI replaces invalid UTF-8 with U+FFFD (so the rest still reads); say so once.
        let at = u32::try_from(at).unwrap_or(0);
        pre.push(
            Diagnostic::warning(
                "invalid-utf8",
                Span { file, range: TextRange::new(at, at + 3) },
                "this file is not valid UTF-8 text; the bytes that are not were replaced by U+FFFD (�)",
            )
            .with_hint("save the file as UTF-8; binary files cannot be read as manifests"),
        );
    }
    separators(file, text, &mut pre);
    crate::sort::sort_by_key(&mut pre, |d| d.span.range.start);
    out.pre = pre.into();
    let options = granit_parser::options! {
        emit_comments: false,
        block_nesting_limit: limits::MAX_DEPTH,
        flow_nesting_limit: limits::MAX_DEPTH,
    };
    let mut parser = Parser::new_from_str_with_options(text, options);
    let mut b = Builder {
        file,
        stack: Vec::new(),
        anchors: BTreeMap::new(),
        alias_budget: limits::MAX_ALIAS_NODES,
        doc_start: 0,
        root: None,
        failed: None,
    };
    loop {
        let next = parser.next_event();
        match next {
            None => break,
            Some(Ok((event, span))) => {
                match event {
                    Event::StreamEnd => break,
                    Event::DocumentStart(..) => {
                        if out.documents >= limits::MAX_DOCUMENTS {
                            out.diagnostic(
                                Diagnostic::error(
                                    "too-many-documents",
                                    Span { file, range: range_of(&span) },
                                    format!(
                                        "this stream has more than {} documents; the rest of the file is not read",
                                        limits::MAX_DOCUMENTS
                                    ),
                                )
                                .with_hint("split the stream into several files"),
                            );
                            out.flush(u32::MAX);
                            return;
                        }
                        b.start_document(offset(&span.start));
                    }
                    Event::DocumentEnd => {
                        if let Some(d) = b.failed.take() {
                            out.diagnostic(d);
                            b.reset();
                            // Skip to the next document boundary.
                            match parser.proceed_next_document() {
                                Ok(true) => continue,
                                _ => break,
                            }
                        }
                        let root = b.root.take();
                        let range =
                            root.as_ref().map_or(TextRange::empty(b.doc_start), |n| n.range);
                        out.document(Document { file, range, root });
                        b.reset();
                    }
                    ev => {
                        if b.failed.is_some() {
                            continue;
                        }
                        // Problems inside a document (duplicate keys) are reported after it,
                        // so the object's own diagnostics (decoding, validation) come first in
                        // the order the API server gives them.
                        b.event(ev, &span, &mut out.inner);
                        if let Some(d) = b.failed.take() {
                            out.diagnostic(d);
                            b.reset();
                            match parser.proceed_next_document() {
                                Ok(true) => continue,
                                _ => break,
                            }
                        }
                    }
                }
            }
            Some(Err(e)) => {
                out.diagnostic(errors::scan_error(file, text, &e));
                b.reset();
                match parser.proceed_next_document() {
                    Ok(true) => continue,
                    Ok(false) => break,
                    Err(e) => {
                        out.diagnostic(errors::scan_error(file, text, &e));
                        break;
                    }
                }
            }
        }
    }
    out.drain_inner();
    out.flush(u32::MAX);
}

struct Emitter<F> {
    emit: F,
    /// Diagnostics found before parsing, waiting for the parse to reach their position.
    pre: std::collections::VecDeque<Diagnostic>,
    /// Diagnostics found inside the current document, emitted after it.
    inner: Vec<Diagnostic>,
    documents: usize,
}

impl<'a, F: FnMut(Item<'a>)> Emitter<F> {
    fn flush(&mut self, upto: u32) {
        while let Some(d) = self.pre.pop_front() {
            if d.span.range.start > upto {
                self.pre.push_front(d);
                break;
            }
            (self.emit)(Item::Diagnostic(d));
        }
    }

    fn diagnostic(&mut self, d: Diagnostic) {
        self.drain_inner();
        self.flush(d.span.range.start);
        (self.emit)(Item::Diagnostic(d));
    }

    fn drain_inner(&mut self) {
        for d in std::mem::take(&mut self.inner) {
            self.flush(d.span.range.start);
            (self.emit)(Item::Diagnostic(d));
        }
    }

    fn document(&mut self, d: Document<'a>) {
        self.flush(d.range.start);
        self.documents += 1;
        (self.emit)(Item::Document(d));
        self.drain_inner();
    }
}

fn is_merge_key(n: &Node<'_>) -> bool {
    matches!(&n.value, Value::Scalar(s) if s.style == Style::Plain && s.tag.is_none() && s.text == "<<")
}

/// YAML merge keys (`<<: *base`), as go-yaml v2 applies them (`decoder.merge`): entries are
/// applied in order, a merged mapping overwrites keys set before it, keys after it override it;
/// with a list of mappings, earlier ones take precedence. Anything else under `<<` is kept as a
/// plain entry (the schema walk then reports it).
fn merge_keys(entries: Vec<Entry<'_>>) -> Vec<Entry<'_>> {
    if !entries.iter().any(|e| is_merge_key(&e.key)) {
        return entries;
    }
    let mut out: Vec<Entry<'_>> = Vec::with_capacity(entries.len());
    fn set<'a>(out: &mut Vec<Entry<'a>>, e: Entry<'a>) {
        let k = e.key_str().map(str::to_owned);
        match k.and_then(|k| out.iter().position(|x| x.key_str() == Some(k.as_str()))) {
            Some(i) => {
                if let Some(slot) = out.get_mut(i) {
                    *slot = e;
                }
            }
            None => out.push(e),
        }
    }
    for e in entries {
        if !is_merge_key(&e.key) {
            set(&mut out, e);
            continue;
        }
        match e.value.value {
            Value::Mapping(m) => m.into_iter().for_each(|x| set(&mut out, x)),
            Value::Sequence(items)
                if items.iter().all(|i| matches!(i.value, Value::Mapping(_))) =>
            {
                for item in items.into_iter().rev() {
                    if let Value::Mapping(m) = item.value {
                        m.into_iter().for_each(|x| set(&mut out, x));
                    }
                }
            }
            value => out.push(Entry { key: e.key, value: Node { range: e.value.range, value } }),
        }
    }
    out
}

/// kubectl splits streams itself before YAML parsing (`k8s.io/apimachinery/pkg/util/yaml`
/// `YAMLReader.Read`): a line starting with `---` may be followed only by spaces or a comment,
/// otherwise kubectl stops with `invalid Yaml document separator: <rest>`, although YAML itself
/// allows e.g. `--- {a: 1}`. Report those lines (bounded: at most 100 reports).
fn separators(file: FileId, text: &str, diags: &mut Vec<Diagnostic>) {
    let mut offset = 0usize;
    let mut reported = 0;
    for line in text.split_inclusive('\n') {
        if let Some(rest) = line.strip_prefix("---") {
            let trimmed = rest.trim();
            if !trimmed.is_empty() && !trimmed.starts_with('#') && reported < 100 {
                reported += 1;
                let start = u32::try_from(offset).unwrap_or(u32::MAX);
                let end = u32::try_from(offset + line.trim_end().len()).unwrap_or(u32::MAX);
                diags.push(
                    Diagnostic::error(
                        "yaml-document-separator",
                        Span { file, range: TextRange::new(start, end.max(start)) },
                        format!("invalid Yaml document separator: {trimmed}"),
                    )
                    .with_hint("kubectl accepts only spaces or a `# comment` after `---`; put the content on the next line"),
                );
            }
        }
        offset += line.len();
    }
}

struct Builder<'a> {
    file: FileId,
    stack: Vec<Frame<'a>>,
    /// Anchor id → (node, its size in nodes).
    anchors: BTreeMap<usize, (Node<'a>, usize)>,
    alias_budget: usize,
    doc_start: u32,
    root: Option<Node<'a>>,
    /// A problem that abandons the current document.
    failed: Option<Diagnostic>,
}

impl<'a> Builder<'a> {
    fn start_document(&mut self, at: u32) {
        self.reset();
        self.doc_start = at;
    }

    fn reset(&mut self) {
        self.stack.clear();
        self.anchors.clear();
        self.root = None;
    }

    fn span(&self, range: TextRange) -> Span {
        Span { file: self.file, range }
    }

    fn event(&mut self, ev: Event<'a>, span: &granit_parser::Span, diags: &mut Vec<Diagnostic>) {
        let range = range_of(span);
        match ev {
            Event::Scalar(text, style, anchor, tag) => {
                if text.len() > limits::MAX_SCALAR_BYTES {
                    self.failed = Some(Diagnostic::error(
                        "yaml-scalar-too-long",
                        self.span(TextRange::new(range.start, range.start)),
                        format!(
                            "this value is {} bytes long; the simulator accepts at most {} bytes (1 MiB) per value",
                            text.len(),
                            limits::MAX_SCALAR_BYTES
                        ),
                    ));
                    return;
                }
                let tag = tag.map(|t| {
                    let t: &granit_parser::Tag = &t;
                    match t.core_suffix() {
                        Some(s) => Box::<str>::from(s),
                        None => Box::<str>::from(t.original().as_str()),
                    }
                });
                let node = Node {
                    range,
                    value: Value::Scalar(Scalar { text, style: convert_style(style), tag }),
                };
                self.finish(node, anchor, 1);
            }
            Event::SequenceStart(style, anchor, _) => {
                if self.stack.len() >= limits::MAX_DEPTH {
                    self.failed = Some(errors::too_deep(self.span(range)));
                    return;
                }
                self.stack.push(Frame::Seq {
                    start: range.start,
                    flow: style == StructureStyle::Flow,
                    anchor,
                    items: Vec::new(),
                    size: 1,
                });
            }
            Event::MappingStart(style, anchor, _) => {
                if self.stack.len() >= limits::MAX_DEPTH {
                    self.failed = Some(errors::too_deep(self.span(range)));
                    return;
                }
                self.stack.push(Frame::Map {
                    start: range.start,
                    flow: style == StructureStyle::Flow,
                    anchor,
                    entries: Vec::new(),
                    key: None,
                    size: 1,
                });
            }
            Event::SequenceEnd => {
                if let Some(Frame::Seq { start, flow, anchor, items, size }) = self.stack.pop() {
                    let end = if flow {
                        range.end
                    } else {
                        items.last().map_or(range.end, |n| n.range.end)
                    };
                    let node = Node {
                        range: TextRange::new(start, end.max(start)),
                        value: Value::Sequence(items),
                    };
                    self.finish(node, anchor, size);
                }
            }
            Event::MappingEnd => {
                if let Some(Frame::Map { start, flow, anchor, entries, size, .. }) =
                    self.stack.pop()
                {
                    let end = if flow {
                        range.end
                    } else {
                        entries.last().map_or(range.end, |e| e.value.range.end.max(e.key.range.end))
                    };
                    let entries = self.check_duplicates(entries, diags);
                    let entries = merge_keys(entries);
                    let node = Node {
                        range: TextRange::new(start, end.max(start)),
                        value: Value::Mapping(entries),
                    };
                    self.finish(node, anchor, size);
                }
            }
            Event::Alias(id) => {
                let Some((node, size)) = self.anchors.get(&id) else {
                    return;
                };
                if *size > self.alias_budget {
                    self.failed = Some(
                        Diagnostic::error(
                            "yaml-alias-limit",
                            self.span(range),
                            format!(
                                "aliases in this file expand to more than {} nodes; the document is not read",
                                limits::MAX_ALIAS_NODES
                            ),
                        )
                        .with_hint("this looks like an alias bomb (\"billion laughs\"); write the values out instead of nesting aliases"),
                    );
                    return;
                }
                let size = *size;
                self.alias_budget -= size;
                let mut copy = node.clone();
                // The copy keeps its original spans except the root, which points at `*name`.
                copy.range = range;
                self.finish(copy, 0, size);
            }
            Event::UnresolvedAlias(_) => {}
            _ => {}
        }
    }

    /// A complete node: attach it to its parent (or make it the document root).
    fn finish(&mut self, node: Node<'a>, anchor: usize, size: usize) {
        if anchor != 0 {
            self.anchors.insert(anchor, (node.clone(), size));
        }
        match self.stack.last_mut() {
            None => self.root = Some(node),
            Some(Frame::Seq { items, size: s, .. }) => {
                *s = s.saturating_add(size);
                items.push(node);
            }
            Some(Frame::Map { entries, key, size: s, .. }) => {
                *s = s.saturating_add(size);
                match key.take() {
                    None => *key = Some(node),
                    Some(k) => entries.push(Entry { key: k, value: node }),
                }
            }
        }
    }

    /// A key given twice in one mapping: a warning, and the later value is the one kept, as
    /// kubectl reads YAML (sigs.k8s.io/yaml's non-strict `Unmarshal`, go-yaml v2 `setMapIndex`
    /// overwriting without a word: `YAMLToJSON` "pass[es] on duplicate field names"; what the
    /// API server then receives is JSON without the earlier value).
    fn check_duplicates(
        &self,
        entries: Vec<Entry<'a>>,
        diags: &mut Vec<Diagnostic>,
    ) -> Vec<Entry<'a>> {
        if entries.len() < 2 {
            return entries;
        }
        let mut replaced: Vec<usize> = Vec::new();
        let mut dup = |first: &Entry<'a>, second: &Entry<'a>, k: &str| {
            let mut d = Diagnostic::warning(
                "yaml-duplicate-key",
                self.span(second.key.range),
                format!("mapping key \"{k}\" is given twice in the same mapping; the later value replaces the earlier one"),
            )
            .with_related(self.span(first.key.range), format!("\"{k}\" first given here: this value is dropped"));
            if matches!(k, "apiVersion" | "kind") {
                d = d.with_hint("two objects in one document? Separate them with a line `---`: only the later one is created");
            }
            diags.push(
                d.with_hint("kubectl keeps the later value without a word; keep one of them"),
            );
        };
        if entries.len() <= 16 {
            for (i, e) in entries.iter().enumerate() {
                let Some(k) = e.key_str() else { continue };
                if let Some(j) = entries.iter().take(i).rposition(|f| f.key_str() == Some(k)) {
                    if let Some(first) = entries.get(j) {
                        dup(first, e, k);
                    }
                    replaced.push(j);
                }
            }
        } else {
            let mut seen: BTreeMap<&str, usize> = BTreeMap::new();
            for (i, e) in entries.iter().enumerate() {
                let Some(k) = e.key_str() else { continue };
                if let Some(j) = seen.insert(k, i) {
                    if let Some(first) = entries.get(j) {
                        dup(first, e, k);
                    }
                    replaced.push(j);
                }
            }
        }
        if replaced.is_empty() {
            return entries;
        }
        let mut keep = vec![true; entries.len()];
        for j in replaced {
            if let Some(k) = keep.get_mut(j) {
                *k = false;
            }
        }
        entries.into_iter().zip(keep).filter(|(_, k)| *k).map(|(e, _)| e).collect()
    }
}

#[cfg(test)]
mod tests;
