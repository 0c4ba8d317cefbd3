//! Learner-grade messages for YAML syntax errors, in place of the parser's own.
//!
//! granit-parser reports a structured [`ErrorKind`] and a position; we map each kind a learner is
//! likely to hit to a sentence that says what is wrong in their terms and how to fix it, and we
//! move the position where it helps (an unclosed quote is reported at its opening quote, not at
//! the end of the file).

use granit_parser::{ErrorKind, ScanError};

use crate::diagnostic::Diagnostic;
use crate::text::{FileId, Span, TextRange};

pub(super) fn too_deep(span: Span) -> Diagnostic {
    Diagnostic::error(
        "yaml-too-deep",
        span,
        format!(
            "this YAML nests mappings and lists more than {} levels deep; the document is not read",
            super::limits::MAX_DEPTH
        ),
    )
    .with_hint("Kubernetes manifests are rarely deeper than 15 levels; check for a runaway indentation or generated input")
}

/// The byte offset of a parser marker, clamped to the text and to a char boundary.
fn at(text: &str, e: &ScanError) -> u32 {
    let m = e.marker();
    let mut o = m.byte_offset().unwrap_or(m.index()).min(text.len());
    while o > 0 && !text.is_char_boundary(o) {
        o -= 1;
    }
    u32::try_from(o).unwrap_or(u32::MAX)
}

fn line_start(text: &str, o: usize) -> usize {
    text.get(..o).and_then(|p| p.rfind('\n')).map_or(0, |i| i + 1)
}

/// The indentation (in spaces) of the line containing `o`, and that line's start.
fn indent_of_line(text: &str, o: usize) -> (usize, usize) {
    let s = line_start(text, o);
    let n = text.get(s..).map_or(0, |l| l.bytes().take_while(|&b| b == b' ').count());
    (n, s)
}

/// The previous non-blank, non-comment line before the line starting at `start`.
fn previous_content_line(text: &str, start: usize) -> Option<(usize, &str)> {
    let mut end = start.checked_sub(1)?;
    loop {
        let s = line_start(text, end);
        let line = text.get(s..end).unwrap_or("");
        let t = line.trim();
        if !t.is_empty() && !t.starts_with('#') {
            return Some((s, line));
        }
        end = s.checked_sub(1)?;
    }
}

/// Finds the opening quote of an unclosed quoted scalar: the last unmatched `"`/`'` before `o`
/// that starts a value (after `: `, `- `, `[`, `{`, `,` or at line start).
fn opening_quote(text: &str, o: usize) -> Option<(usize, char)> {
    let bytes = text.as_bytes();
    let mut i = o.min(bytes.len());
    // Walk back line by line looking for a quote at a value position.
    let mut best = None;
    while i > 0 {
        i -= 1;
        let b = *bytes.get(i)?;
        if b == b'"' || b == b'\'' {
            let prev = if i == 0 { b'\n' } else { *bytes.get(i - 1)? };
            if matches!(prev, b' ' | b'\n' | b'\t' | b'[' | b'{' | b',') {
                best = Some((i, b as char));
                // Keep the earliest such quote on the same logical value: stop at the first
                // one found that is preceded by `: ` or `- ` or a line start.
                let ls = line_start(text, i);
                let before = text.get(ls..i).unwrap_or("").trim_end();
                if before.is_empty()
                    || before.ends_with(':')
                    || before.ends_with('-')
                    || before.ends_with('[')
                    || before.ends_with('{')
                    || before.ends_with(',')
                {
                    return best;
                }
            }
        }
        if o - i > 1_000_000 {
            break;
        }
    }
    best
}

/// One diagnostic for a parser error.
pub(super) fn scan_error(file: FileId, text: &str, e: &ScanError) -> Diagnostic {
    let o = at(text, e);
    let mut span = Span { file, range: TextRange::new(o, next_char_end(text, o)) };
    let mut hints: Vec<String> = Vec::new();
    let (code, message): (&'static str, String) = match e.kind() {
        ErrorKind::UnclosedQuotedScalar
        | ErrorKind::DocumentIndicatorInQuotedScalar
        | ErrorKind::InvalidQuotedScalarIndent => {
            let found = opening_quote(text, o as usize);
            if let Some((q, c)) = found {
                let q = u32::try_from(q).unwrap_or(0);
                span.range = TextRange::new(q, q + 1);
                hints.push(format!(
                    "add the closing {} at the end of the value",
                    if c == '"' { "`\"`" } else { "`'`" }
                ));
                (
                    "yaml-unclosed-quote",
                    format!(
                        "this {} quote is never closed",
                        if c == '"' { "double" } else { "single" }
                    ),
                )
            } else {
                ("yaml-unclosed-quote", "a quoted value is never closed".to_string())
            }
        }
        ErrorKind::TabInIndentation
        | ErrorKind::TabInBlockIndentation
        | ErrorKind::TabNotAllowed
        | ErrorKind::TabAtBlockScalarStart
        | ErrorKind::TabInPlainScalar => {
            // Point at the tab itself when we can see it.
            let ls = line_start(text, o as usize);
            if let Some(t) = text.get(ls..).and_then(|l| l.find('\t')) {
                let t = u32::try_from(ls + t).unwrap_or(o);
                span.range = TextRange::new(t, t + 1);
            }
            hints.push("YAML indentation must use spaces; replace the tab with spaces (most editors have \"indent using spaces\")".into());
            (
                "yaml-tab",
                "a tab character is used for indentation; YAML allows only spaces".to_string(),
            )
        }
        ErrorKind::MappingValueNotAllowed | ErrorKind::InvalidColonPlacement => {
            hints.push("a value that contains `: ` must be quoted, e.g. `command: \"echo a: b\"`; otherwise check the indentation of this line".into());
            (
                "yaml-mapping-value",
                "unexpected `:` here: a mapping value is not allowed in this place".to_string(),
            )
        }
        ErrorKind::ExpectedBlockMappingKey
        | ErrorKind::InvalidIndentation
        | ErrorKind::ExpectedBlockSequenceEntry
        | ErrorKind::InvalidSimpleKey
        | ErrorKind::SimpleKeyExpected => {
            let (ind, ls) = indent_of_line(text, o as usize);
            span.range = TextRange::new(
                u32::try_from(ls).unwrap_or(o),
                u32::try_from(ls + ind.max(1)).unwrap_or(o),
            );
            let msg = match previous_content_line(text, ls) {
                Some((_, prev)) => {
                    let pind = prev.bytes().take_while(|&b| b == b' ').count();
                    let pkey = prev.trim().split(':').next().unwrap_or("").trim_start_matches("- ");
                    if ind != pind && !prev.trim_end().ends_with(':') {
                        format!(
                            "bad indentation: this line is indented {ind} space{} but the line above (`{}`) uses {pind}",
                            if ind == 1 { "" } else { "s" },
                            pkey
                        )
                    } else {
                        format!("bad indentation: this line is indented {ind} space{}, which does not line up with any mapping above", if ind == 1 { "" } else { "s" })
                    }
                }
                None => {
                    "bad indentation: this line does not line up with the lines above".to_string()
                }
            };
            hints.push("keys of the same mapping must start in the same column; nested keys go further right than their parent".into());
            ("yaml-indentation", msg)
        }
        ErrorKind::UnclosedFlowCollection { open } => (
            "yaml-unclosed-bracket",
            format!("`{open}` is never closed with `{}`", if *open == '[' { ']' } else { '}' }),
        ),
        ErrorKind::MismatchedFlowCollectionEnd { open, close } => {
            ("yaml-mismatched-bracket", format!("`{open}` is closed by `{close}`"))
        }
        ErrorKind::MisplacedFlowCollectionEnd => {
            ("yaml-syntax", "this closing bracket has no matching opening bracket".to_string())
        }
        ErrorKind::UnexpectedEofFlowSequence => {
            ("yaml-unclosed-bracket", "the list `[` is never closed with `]`".to_string())
        }
        ErrorKind::UnexpectedEofFlowMapping | ErrorKind::UnexpectedEofImplicitFlowMapping => {
            ("yaml-unclosed-bracket", "the mapping `{` is never closed with `}`".to_string())
        }
        ErrorKind::ExpectedFlowSequenceSeparator => {
            ("yaml-syntax", "expected `,` or `]` in this `[...]` list".to_string())
        }
        ErrorKind::ExpectedFlowMappingSeparator => {
            ("yaml-syntax", "expected `,` or `}` in this `{...}` mapping".to_string())
        }
        ErrorKind::RecursionLimitExceeded => {
            return too_deep(span);
        }
        ErrorKind::UnknownAnchor => {
            hints.push(
                "define the anchor with `&name` before using `*name`, in the same document".into(),
            );
            ("yaml-unknown-alias", "this alias refers to an anchor that is not defined".to_string())
        }
        ErrorKind::BlockSequenceEntryNotAllowed | ErrorKind::BlockEntryInFlowCollection => {
            hints.push("a `- ` list item must be on its own line, indented under its key".into());
            ("yaml-syntax", "a list item `- ` is not allowed here".to_string())
        }
        ErrorKind::UnexpectedCharacter { character } => {
            ("yaml-syntax", format!("unexpected character {character:?}"))
        }
        ErrorKind::UnknownQuotedScalarEscape
        | ErrorKind::InvalidQuotedScalarHexEscape
        | ErrorKind::InvalidUnicodeEscape => {
            hints.push("inside double quotes a backslash starts an escape; write `\\\\` for a backslash, or use single quotes".into());
            ("yaml-escape", "invalid escape sequence in a double-quoted value".to_string())
        }
        ErrorKind::InputDecoding { .. } => {
            ("yaml-encoding", "this input is not valid UTF-8 text".to_string())
        }
        ErrorKind::CommentNotSeparated | ErrorKind::ExpectedWhitespace => {
            hints.push("put a space before `#` to start a comment".into());
            ("yaml-syntax", format!("{}", e.kind()))
        }
        other => ("yaml-syntax", format!("YAML syntax error: {other}")),
    };
    let mut d = Diagnostic::error(code, span, message);
    d.hints = hints;
    d.hints.push("this document is skipped; the other documents are still read".into());
    d
}

fn next_char_end(text: &str, o: u32) -> u32 {
    let o = o as usize;
    match text.get(o..).and_then(|s| s.chars().next()) {
        Some(c) if c != '\n' => u32::try_from(o + c.len_utf8()).unwrap_or(u32::MAX),
        _ => u32::try_from(o).unwrap_or(u32::MAX),
    }
}
