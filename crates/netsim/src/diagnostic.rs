//! Diagnostics: every problem the simulator finds, with a stable code, a span and hints.
//!
//! One type for all stages (YAML syntax, schema, API-server validation, cluster building, DNS,
//! kube-proxy). Messages are written for learners; where Kubernetes itself reports the problem,
//! `message` is the API server's exact text and our explanation goes into `hints`.

use serde::{Deserialize, Serialize};

use crate::text::{FileId, LineIndex, Span};

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase", try_from = "String")]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub enum Severity {
    Hint,
    Info,
    Warning,
    Error,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Hint => "hint",
            Severity::Info => "info",
            Severity::Warning => "warning",
            Severity::Error => "error",
        }
    }
}
from_name!(Severity: Severity::Hint, Severity::Info, Severity::Warning, Severity::Error);

/// A suggested change to the input that resolves a diagnostic: the editor offers it as a
/// one-click fix. Edits are applied together; none overlap.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Fix {
    /// What the fix does, as a button label: `Add Namespace "shop"`.
    pub title: String,
    pub edits: Vec<Edit>,
}

/// Replace the text at `span` with `text` (an empty span inserts).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Edit {
    pub span: Span,
    pub text: String,
}

/// A secondary location with its own message ("first defined here").
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Label {
    pub span: Span,
    pub message: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Diagnostic {
    /// Stable kebab-case code, e.g. `unknown-field`, `yaml-syntax`, `invalid-value`.
    pub code: &'static str,
    pub severity: Severity,
    pub message: String,
    pub span: Span,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub related: Vec<Label>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub hints: Vec<String>,
    /// For API-server validation errors: the object (`Service "web"`) the error belongs to, so
    /// `netsim check --format kubectl` can group causes as `kubectl apply` does.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub object: Option<String>,
    /// A change to the input that resolves the problem, for the editor's one-click fix.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fix: Option<Fix>,
}

impl Diagnostic {
    pub fn new(
        code: &'static str,
        severity: Severity,
        span: Span,
        message: impl Into<String>,
    ) -> Self {
        Diagnostic {
            code,
            severity,
            message: message.into(),
            span,
            related: Vec::new(),
            hints: Vec::new(),
            object: None,
            fix: None,
        }
    }

    pub fn error(code: &'static str, span: Span, message: impl Into<String>) -> Self {
        Diagnostic::new(code, Severity::Error, span, message)
    }

    pub fn warning(code: &'static str, span: Span, message: impl Into<String>) -> Self {
        Diagnostic::new(code, Severity::Warning, span, message)
    }

    #[must_use]
    pub fn with_hint(mut self, hint: impl Into<String>) -> Self {
        self.hints.push(hint.into());
        self
    }

    #[must_use]
    pub fn with_fix(mut self, fix: Fix) -> Self {
        self.fix = Some(fix);
        self
    }

    #[must_use]
    pub fn with_related(mut self, span: Span, message: impl Into<String>) -> Self {
        self.related.push(Label { span, message: message.into() });
        self
    }
}

/// The inputs diagnostics point into: names and texts, indexed by [`FileId`].
#[derive(Clone, Debug, Default)]
pub struct SourceFiles {
    files: Vec<(String, String, LineIndex)>,
}

impl SourceFiles {
    pub fn add(&mut self, name: impl Into<String>, text: impl Into<String>) -> FileId {
        let text = text.into();
        let index = LineIndex::new(&text);
        self.files.push((name.into(), text, index));
        FileId(u32::try_from(self.files.len() - 1).unwrap_or(u32::MAX))
    }

    pub fn name(&self, file: FileId) -> &str {
        self.files.get(file.0 as usize).map_or("<unknown>", |f| f.0.as_str())
    }

    pub fn text(&self, file: FileId) -> &str {
        self.files.get(file.0 as usize).map_or("", |f| f.1.as_str())
    }

    pub fn line_index(&self, file: FileId) -> Option<&LineIndex> {
        self.files.get(file.0 as usize).map(|f| &f.2)
    }

    pub fn len(&self) -> usize {
        self.files.len()
    }

    pub fn is_empty(&self) -> bool {
        self.files.is_empty()
    }

    pub fn iter(&self) -> impl Iterator<Item = (FileId, &str, &str)> {
        self.files.iter().enumerate().map(|(i, f)| {
            (FileId(u32::try_from(i).unwrap_or(u32::MAX)), f.0.as_str(), f.1.as_str())
        })
    }

    /// Renders one diagnostic as `file:line:col: severity[code]: message`, the source line, a
    /// caret underline, and `= hint:` lines — what `netsim check` prints.
    ///
    /// Everything taken from the input (the quoted source line, and user text inside messages,
    /// notes, hints and file names) goes through [`visible`]: control characters, ANSI escapes,
    /// bidi overrides and zero-width characters are shown as visible stand-ins instead of
    /// reaching the terminal, and the carets stay under the replaced text.
    pub fn render(&self, d: &Diagnostic) -> String {
        use std::fmt::Write;
        let mut out = String::new();
        let text = self.text(d.span.file);
        let name = visible(self.name(d.span.file));
        let message = visible(&d.message);
        let Some(index) = self.line_index(d.span.file) else {
            let _ = writeln!(out, "{name}: {}[{}]: {message}", d.severity.as_str(), d.code);
            return out;
        };
        let start = index.line_col(text, d.span.range.start);
        let _ = writeln!(
            out,
            "{name}:{}:{}: {}[{}]: {message}",
            start.line,
            start.col,
            d.severity.as_str(),
            d.code,
        );
        let line = index.line_text(text, start.line);
        if !line.is_empty() || !text.is_empty() {
            let gutter = start.line.to_string().len();
            let _ = writeln!(out, "{:gutter$} |", "");
            let _ = writeln!(out, "{} | {}", start.line, visible(line));
            // Underline within the first line of the span, at least one caret.
            let col0 = (start.col as usize).saturating_sub(1).min(line.len());
            let end = index.line_col(text, d.span.range.end);
            let width = if end.line == start.line {
                (end.col as usize).saturating_sub(start.col as usize)
            } else {
                line.len().saturating_sub(col0)
            };
            // `line_col` never splits a UTF-8 sequence, so these slices exist; an empty prefix
            // or underline is the safe fallback.
            let prefix = line.get(..col0).unwrap_or("");
            let under = line.get(col0..col0 + width.min(line.len() - col0)).unwrap_or("");
            // Tabs are printed as they are (the terminal expands them), so the padding repeats
            // them to stay aligned; every other character takes its shown width.
            let pad: String = prefix
                .chars()
                .flat_map(|c| {
                    let (fill, n) = if c == '\t' { ('\t', 1) } else { (' ', shown_width(c)) };
                    std::iter::repeat_n(fill, n)
                })
                .collect();
            let carets: usize = under.chars().map(shown_width).sum::<usize>().max(1);
            let _ = writeln!(out, "{:gutter$} | {pad}{}", "", "^".repeat(carets));
        }
        for r in &d.related {
            let lc = self
                .line_index(r.span.file)
                .map(|i| i.line_col(self.text(r.span.file), r.span.range.start));
            if let Some(lc) = lc {
                let _ = writeln!(
                    out,
                    "  = note: {}:{}:{}: {}",
                    visible(self.name(r.span.file)),
                    lc.line,
                    lc.col,
                    visible(&r.message)
                );
            }
        }
        for h in &d.hints {
            let _ = writeln!(out, "  = hint: {}", visible(h));
        }
        out
    }
}

/// How `c` is shown in rendered diagnostics: `None` for as-is, else its visible stand-in.
///
/// Two conventions, both from existing tools:
/// - C0 control characters (but tab) and DEL become their Unicode Control Pictures (`␛` for
///   ESC, so an ANSI escape sequence shows as `␛[31m` instead of colouring the terminal), as
///   rustc's emitter does (`OUTPUT_REPLACEMENTS` in rust-lang/annotate-snippets-rs
///   `src/renderer/mod.rs`, used by `rustc_errors`).
/// - Characters that are invisible or reorder the text around them — C1 controls (U+009B is
///   CSI on 8-bit terminals), bidi embeddings/overrides/isolates (U+202A–U+202E,
///   U+2066–U+2069), zero-width characters and marks (U+200B–U+200F, U+2060–U+2064, U+FEFF),
///   other format characters (soft hyphen, U+061C, tags), spaces other than U+0020 (they look
///   like a space but are not one to YAML), line/paragraph separators, private use and
///   noncharacters — become `<U+202E>`, the form `less` shows for binary characters (its
///   default `LESSUTFBINFMT`). rustc prints a bare `�` for the bidi ones; naming the code point
///   tells the learner what to delete.
///
/// Tabs are left alone: the terminal expands them, and [`SourceFiles::render`] pads with tabs.
pub fn visible_char(c: char) -> Option<String> {
    let n = c as u32;
    match n {
        0x09 => None,
        0x00..=0x1f => char::from_u32(0x2400 + n).map(String::from),
        0x7f => Some("\u{2421}".to_string()),
        0x80..=0x9f
        | 0xa0
        | 0xad
        | 0x34f
        | 0x600..=0x605
        | 0x61c
        | 0x6dd
        | 0x70f
        | 0x180e
        | 0x1680
        | 0x2000..=0x200f
        | 0x2028..=0x202f
        | 0x205f..=0x206f
        | 0x3000
        | 0x3164
        | 0xe000..=0xf8ff
        | 0xfdd0..=0xfdef
        | 0xfeff
        | 0xfff9..=0xfffb
        | 0x1d173..=0x1d17a
        | 0xe0000..=0xe007f
        | 0xf0000..=0x10ffff => Some(format!("<U+{n:04X}>")),
        _ if n & 0xfffe == 0xfffe => Some(format!("<U+{n:04X}>")),
        _ => None,
    }
}

/// `s` with every character [`visible_char`] replaces shown by its stand-in.
pub fn visible(s: &str) -> std::borrow::Cow<'_, str> {
    if !s.chars().any(|c| visible_char(c).is_some()) {
        return std::borrow::Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 16);
    for c in s.chars() {
        match visible_char(c) {
            Some(r) => out.push_str(&r),
            None => out.push(c),
        }
    }
    std::borrow::Cow::Owned(out)
}

/// Columns `c` takes once rendered (one per character, as the caret line always counted).
fn shown_width(c: char) -> usize {
    visible_char(c).map_or(1, |r| r.chars().count())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::text::TextRange;

    fn render_at(text: &str, needle: &str, len: u32, message: &str) -> String {
        let mut files = SourceFiles::default();
        let file = files.add("in.yaml", text);
        let start = u32::try_from(text.find(needle).unwrap()).unwrap();
        let span = Span { file, range: TextRange::new(start, start + len) };
        files.render(&Diagnostic::error("invalid-value", span, message).with_hint(message))
    }

    /// The column of the first caret on the caret line (after the `  | ` gutter).
    fn caret_line(out: &str) -> &str {
        out.lines().find(|l| l.trim_start().starts_with('|') && l.contains('^')).unwrap()
    }

    #[test]
    fn plain_lines_render_unchanged() {
        let out = render_at("a: 1\nname: web\n", "web", 3, "bad");
        assert_eq!(
            out,
            "in.yaml:2:7: error[invalid-value]: bad\n  |\n2 | name: web\n  |       ^^^\n  = hint: bad\n"
        );
    }

    #[test]
    fn control_characters_and_ansi_escapes_are_shown_as_control_pictures() {
        let text = "name: \"a\u{1b}[31mb\u{7}\u{7f}\" # x\n";
        let out = render_at(text, "#", 1, "value \"a\u{1b}[31mb\"");
        assert!(!out.contains('\u{1b}') && !out.contains('\u{7}') && !out.contains('\u{7f}'));
        assert!(out.contains("1 | name: \"a␛[31mb␇␡\" # x\n"), "{out}");
        // One column per control picture: the caret is under `#`.
        let source = out.lines().find(|l| l.starts_with("1 | ")).unwrap();
        let caret = caret_line(&out);
        assert_eq!(
            source.chars().position(|c| c == '#'),
            caret.chars().position(|c| c == '^'),
            "{out}"
        );
        assert!(
            out.starts_with("in.yaml:1:19: error[invalid-value]: value \"a␛[31mb\"\n"),
            "{out}"
        );
        assert!(out.contains("  = hint: value \"a␛[31mb\"\n"), "{out}");
    }

    #[test]
    fn bidi_and_zero_width_characters_are_named_and_carets_stay_aligned() {
        // A Trojan-Source style line: the override would make `admin` display reversed.
        let text = "name: \u{202E}nimda\u{2066}\u{200B}\u{FEFF}x\n";
        let out = render_at(text, "x", 1, "name \"\u{202E}nimda\"");
        for c in ['\u{202E}', '\u{2066}', '\u{200B}', '\u{FEFF}'] {
            assert!(!out.contains(c), "{c:?} in {out}");
        }
        assert!(out.contains("1 | name: <U+202E>nimda<U+2066><U+200B><U+FEFF>x\n"), "{out}");
        let source = out.lines().find(|l| l.starts_with("1 | ")).unwrap();
        assert_eq!(
            source.chars().position(|c| c == 'x'),
            caret_line(&out).chars().position(|c| c == '^'),
            "{out}"
        );
        assert!(out.contains("error[invalid-value]: name \"<U+202E>nimda\"\n"), "{out}");
    }

    #[test]
    fn carets_cover_the_replaced_width_of_the_span() {
        // The span covers `a`, U+202E and `b`: 1 + 8 + 1 columns.
        let out = render_at("k: a\u{202E}b\n", "a", 5, "m");
        assert!(caret_line(&out).ends_with(&format!("   {}", "^".repeat(10))), "{out}");
    }

    #[test]
    fn tabs_are_kept_and_repeated_in_the_padding() {
        let out = render_at("\tkey: x\n", "x", 1, "m");
        assert!(out.contains("1 | \tkey: x\n"), "{out}");
        assert!(out.contains("  | \t     ^\n"), "{out}");
    }

    #[test]
    fn other_invisible_characters_are_named() {
        assert_eq!(
            visible("a\u{00A0}b\u{2028}c\u{9B}d\u{E0041}"),
            "a<U+00A0>b<U+2028>c<U+009B>d<U+E0041>"
        );
        assert_eq!(visible("ü 😀 日本 \t"), "ü 😀 日本 \t");
        assert_eq!(visible("\n\r\0"), "␊␍␀");
        assert!(matches!(visible("plain"), std::borrow::Cow::Borrowed(_)));
    }

    #[test]
    fn file_names_and_notes_are_shown_safely() {
        let mut files = SourceFiles::default();
        let file = files.add("x\u{1b}]0;pwned\u{7}.yaml", "a: 1\n");
        let span = Span { file, range: TextRange::new(0, 1) };
        let d = Diagnostic::error("c", span, "m").with_related(span, "first \u{202E} here");
        let out = files.render(&d);
        assert!(out.starts_with("x␛]0;pwned␇.yaml:1:1: error[c]: m\n"), "{out}");
        assert!(out.contains("  = note: x␛]0;pwned␇.yaml:1:1: first <U+202E> here\n"), "{out}");
    }
}
