//! Diagnostics: every problem the simulator finds, with a stable code, a span and hints.
//!
//! One type for all stages (YAML syntax, schema, API-server validation, cluster building, DNS,
//! kube-proxy). Messages are written for learners; where Kubernetes itself reports the problem,
//! `message` is the API server's exact text and our explanation goes into `hints`.

use serde::{Deserialize, Serialize};

use crate::text::{FileId, LineIndex, Span};

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
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
    pub fn render(&self, d: &Diagnostic) -> String {
        use std::fmt::Write;
        let mut out = String::new();
        let text = self.text(d.span.file);
        let name = self.name(d.span.file);
        let Some(index) = self.line_index(d.span.file) else {
            let _ = writeln!(out, "{name}: {}[{}]: {}", d.severity.as_str(), d.code, d.message);
            return out;
        };
        let start = index.line_col(text, d.span.range.start);
        let _ = writeln!(
            out,
            "{name}:{}:{}: {}[{}]: {}",
            start.line,
            start.col,
            d.severity.as_str(),
            d.code,
            d.message
        );
        let line = index.line_text(text, start.line);
        if !line.is_empty() || !text.is_empty() {
            let gutter = start.line.to_string().len();
            let _ = writeln!(out, "{:gutter$} |", "");
            let _ = writeln!(out, "{} | {}", start.line, line);
            // Underline within the first line of the span, at least one caret.
            let col0 = (start.col as usize).saturating_sub(1).min(line.len());
            let end = index.line_col(text, d.span.range.end);
            let width = if end.line == start.line {
                (end.col as usize).saturating_sub(start.col as usize)
            } else {
                line.len().saturating_sub(col0)
            };
            let pad: usize = line.get(..col0).map_or(col0, |p| p.chars().count());
            let carets: usize = line
                .get(col0..col0 + width.min(line.len() - col0))
                .map_or(width, |s| s.chars().count())
                .max(1);
            let _ = writeln!(out, "{:gutter$} | {}{}", "", " ".repeat(pad), "^".repeat(carets));
        }
        for r in &d.related {
            let lc = self
                .line_index(r.span.file)
                .map(|i| i.line_col(self.text(r.span.file), r.span.range.start));
            if let Some(lc) = lc {
                let _ = writeln!(
                    out,
                    "  = note: {}:{}:{}: {}",
                    self.name(r.span.file),
                    lc.line,
                    lc.col,
                    r.message
                );
            }
        }
        for h in &d.hints {
            let _ = writeln!(out, "  = hint: {h}");
        }
        out
    }
}
