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

/// The indentation of the nearest list item (`- `) above the line starting at `start`.
fn previous_list_item(text: &str, start: usize) -> Option<usize> {
    let mut end = start.checked_sub(1)?;
    for _ in 0..LOOK_BACK_LINES {
        let s = line_start(text, end);
        let line = text.get(s..end).unwrap_or("");
        let t = line.trim_start();
        if line.starts_with("---") {
            return None;
        }
        if t.starts_with("- ") || t == "-" {
            return Some(line.len() - t.len());
        }
        end = s.checked_sub(1)?;
    }
    None
}

fn line_text(text: &str, ls: usize) -> &str {
    let rest = text.get(ls..).unwrap_or("");
    rest.split('\n').next().unwrap_or("").trim_end_matches('\r')
}

/// The column where a line's key starts (after indentation and any `- ` list markers) and the
/// key itself (text before the first `:`), e.g. `  - port: 80` → (4, "port").
fn key_of_line(line: &str) -> (usize, &str) {
    let mut col = line.bytes().take_while(|&b| b == b' ').count();
    let mut rest = line.get(col..).unwrap_or("");
    while let Some(r) = rest.strip_prefix("- ") {
        let extra = r.bytes().take_while(|&b| b == b' ').count();
        col += 2 + extra;
        rest = r.get(extra..).unwrap_or("");
    }
    let key = rest.split(':').next().unwrap_or("").trim();
    let key =
        if key.len() > 40 || key.contains(' ') && !key.starts_with(['"', '\'']) { "" } else { key };
    (col, key)
}

/// The range of a line's key (or of its first character when it has none).
fn key_range(ls: usize, line: &str) -> TextRange {
    let (col, key) = key_of_line(line);
    let start = ls + col;
    let end = start + key.len().max(1).min(line.len().saturating_sub(col).max(1));
    TextRange::new(u32::try_from(start).unwrap_or(0), u32::try_from(end).unwrap_or(0))
}

/// The previous non-blank, non-comment line before the line starting at `start`.
/// Looks back at most [`LOOK_BACK_LINES`] lines and never past a `---` document marker, so that
/// many errors in one stream cannot make the error messages quadratic.
fn previous_content_line(text: &str, start: usize) -> Option<(usize, &str)> {
    let mut end = start.checked_sub(1)?;
    for _ in 0..LOOK_BACK_LINES {
        let s = line_start(text, end);
        let line = text.get(s..end).unwrap_or("");
        let t = line.trim();
        if line.starts_with("---") {
            return None;
        }
        if !t.is_empty() && !t.starts_with('#') {
            return Some((s, line));
        }
        end = s.checked_sub(1)?;
    }
    None
}

const LOOK_BACK_LINES: usize = 200;

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
        if o - i > 65_536 {
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
        | ErrorKind::InvalidQuotedScalarIndent => unclosed_quote(text, o, &mut span, &mut hints),
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
            mapping_value(text, o, &mut span, &mut hints)
        }
        ErrorKind::ExpectedBlockMappingKey
        | ErrorKind::InvalidIndentation
        | ErrorKind::ExpectedBlockSequenceEntry
        | ErrorKind::InvalidSimpleKey
        | ErrorKind::SimpleKeyExpected => indentation(text, o, &mut span, &mut hints),
        ErrorKind::UnclosedFlowCollection { open } => {
            let close = if *open == '[' { ']' } else { '}' };
            hints.push(format!("add the closing `{close}` after the last item"));
            ("yaml-unclosed-bracket", format!("`{open}` is never closed with `{close}`"))
        }
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
            // Cover the whole `*name` token.
            let from = o as usize;
            let name: String = text
                .get(from..)
                .unwrap_or("")
                .chars()
                .skip(1)
                .take_while(|c| !c.is_whitespace() && !matches!(c, ',' | '[' | ']' | '{' | '}'))
                .take(200)
                .collect();
            let end = u32::try_from(from + 1 + name.len()).unwrap_or(o);
            span.range = TextRange::new(o, end.max(o));
            // go-yaml v2 (libyaml's scanner, which kubectl reads with) takes only letters,
            // digits, `-` and `_` in an alias: `*.example.com` is no alias there but a syntax
            // error ("did not find expected alphabetic or numeric character"), most often an
            // unquoted wildcard host.
            let alias_chars = |c: char| c.is_ascii_alphanumeric() || c == '-' || c == '_';
            if name.is_empty() || !name.chars().all(alias_chars) {
                hints.push(format!("a value that starts with `*` must be quoted: `\"*{name}\"`"));
                (
                    "yaml-syntax",
                    format!("`*{name}` is read as an alias (`*` starts one), and an alias name has only letters, digits, `-` and `_`: did not find expected alphabetic or numeric character"),
                )
            } else {
                hints.push("an anchor (`&name`) only exists inside its own document (between `---` lines) and must come before the alias; repeat the values in each document".into());
                ("yaml-unknown-alias", format!("the alias `*{name}` refers to an anchor that is not defined before it in this document"))
            }
        }
        ErrorKind::BlockSequenceEntryNotAllowed | ErrorKind::BlockEntryInFlowCollection => {
            hints.push("a `- ` list item must be on its own line, indented under its key".into());
            ("yaml-syntax", "a list item `- ` is not allowed here".to_string())
        }
        ErrorKind::UnexpectedCharacter { character } => {
            unexpected_character(text, o, character, &mut span, &mut hints)
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

/// An unclosed quote: points at the opening quote when it can be found.
fn unclosed_quote(
    text: &str,
    o: u32,
    span: &mut Span,
    hints: &mut Vec<String>,
) -> (&'static str, String) {
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
            format!("this {} quote is never closed", if c == '"' { "double" } else { "single" }),
        )
    } else {
        ("yaml-unclosed-quote", "a quoted value is never closed".to_string())
    }
}

/// A `:` where no mapping value may start: a key indented too far under a key that has a
/// value, or a `: ` inside a plain value.
fn mapping_value(
    text: &str,
    o: u32,
    span: &mut Span,
    hints: &mut Vec<String>,
) -> (&'static str, String) {
    let ls = line_start(text, o as usize);
    let line = line_text(text, ls);
    let (ind, key) = key_of_line(line);
    let colon_in_value = text
        .get(ls..o as usize)
        .is_some_and(|before| before.trim_start().trim_start_matches("- ").contains(": "));
    match previous_content_line(text, ls) {
        Some((_, prev)) if !colon_in_value && !key.is_empty() => {
            let (pind, pkey) = key_of_line(prev);
            let prev_has_value = !prev.trim_end().ends_with(':');
            if ind > pind && prev_has_value {
                span.range = key_range(ls, line);
                hints.push(format!("`{key}` lines up with nothing: put it in the same column as `{pkey}` if it belongs to the same mapping"));
                (
                    "yaml-indentation",
                    format!("bad indentation: `{key}` is indented {ind} spaces, more than `{pkey}` above it ({pind}), but `{pkey}` already has a value"),
                )
            } else {
                hints.push("a value that contains `: ` must be quoted, e.g. `command: \"echo a: b\"`; otherwise check the indentation of this line".into());
                (
                    "yaml-mapping-value",
                    "unexpected `:` here: a mapping value is not allowed in this place".to_string(),
                )
            }
        }
        _ => {
            hints.push(format!("quote the value if the `: ` is part of it, e.g. `{}\"{}\"`, or put the nested key on its own line, indented", line.get(..line.find(": ").map_or(0, |i| i + 2)).unwrap_or("").trim_start(), line.get(line.find(": ").map_or(0, |i| i + 2)..).unwrap_or("").trim_end()));
            (
                "yaml-mapping-value",
                "a second `: ` on this line: YAML cannot start a mapping inside a plain value"
                    .to_string(),
            )
        }
    }
}

/// A line that lines up with nothing above it: names the columns of the key or list item.
fn indentation(
    text: &str,
    o: u32,
    span: &mut Span,
    hints: &mut Vec<String>,
) -> (&'static str, String) {
    let ls = line_start(text, o as usize);
    let line = line_text(text, ls);
    let (ind, key) = key_of_line(line);
    span.range = key_range(ls, line);
    let plural = |n: usize| if n == 1 { "" } else { "s" };
    let dash = line.trim_start().starts_with("- ") || line.trim_start() == "-";
    let prev_dash = if dash { previous_list_item(text, ls) } else { None };
    let msg = match previous_content_line(text, ls) {
        _ if prev_dash.is_some_and(|p| p != line.len() - line.trim_start().len()) => {
            let d = line.len() - line.trim_start().len();
            let p = prev_dash.unwrap_or(0);
            let at = u32::try_from(ls + d).unwrap_or(0);
            span.range = TextRange::new(at, at + 1);
            hints.push("items of the same list must start with `-` in the same column".into());
            format!("bad indentation: this list item `-` is indented {d} space{} but the list item above uses {p}", plural(d))
        }
        Some((_, prev)) => {
            let (pind, pkey) = key_of_line(prev);
            if ind != pind && !prev.trim_end().ends_with(':') && !key.is_empty() {
                format!(
                    "bad indentation: `{key}` is indented {ind} space{} but `{pkey}` above it uses {pind}",
                    plural(ind)
                )
            } else if key.is_empty() {
                format!("bad indentation: this line is indented {ind} space{}, which does not line up with any mapping above", plural(ind))
            } else {
                format!("bad indentation: `{key}` is indented {ind} space{}, which does not line up with any mapping above", plural(ind))
            }
        }
        None => "bad indentation: this line does not line up with the lines above".to_string(),
    };
    if hints.is_empty() {
        hints.push("keys of the same mapping must start in the same column; nested keys go further right than their parent".into());
    }
    ("yaml-indentation", msg)
}

/// A character the scanner cannot read here: points at it; control characters get their own
/// message.
fn unexpected_character(
    text: &str,
    o: u32,
    character: &char,
    span: &mut Span,
    hints: &mut Vec<String>,
) -> (&'static str, String) {
    // The parser points at the token that contains the character; find the character.
    let from = o as usize;
    if let Some(i) = text
        .get(from..)
        .and_then(|t| t.char_indices().take(10_000).find(|&(_, c)| c == *character).map(|(i, _)| i))
    {
        let at = u32::try_from(from + i).unwrap_or(o);
        span.range = TextRange::new(at, at + u32::try_from(character.len_utf8()).unwrap_or(1));
    }
    if character.is_control() {
        hints.push("YAML text may not contain control characters; is this a binary file, or was it pasted from a terminal?".into());
        (
            "yaml-syntax",
            format!("the control character U+{:04X} is not allowed in YAML", *character as u32),
        )
    } else {
        ("yaml-syntax", format!("unexpected character `{character}`"))
    }
}

fn next_char_end(text: &str, o: u32) -> u32 {
    let o = o as usize;
    match text.get(o..).and_then(|s| s.chars().next()) {
        Some(c) if c != '\n' => u32::try_from(o + c.len_utf8()).unwrap_or(u32::MAX),
        _ => u32::try_from(o).unwrap_or(u32::MAX),
    }
}
