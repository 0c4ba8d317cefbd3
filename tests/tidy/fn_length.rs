//! No function in the core (`crates/netsim/src`) is longer than [`MAX_LINES`] lines, counted from
//! the line of its `fn` to the line of its closing brace. A long function is split along the
//! steps its comments name; the few exceptions are listed in [`ALLOWED`], each with why, and in
//! ARCHITECTURE.md.
//!
//! Tests are not counted: files named `tests.rs` and items under `#[cfg(test)]` (a table-driven
//! test is long because its table is).

use std::path::{Path, PathBuf};

/// The most lines a function of the core may have.
const MAX_LINES: usize = 200;

/// Functions allowed to be longer: (file under `crates/netsim/src`, function, why).
const ALLOWED: &[(&str, &str, &str)] = &[];

/// A function found in a file: its name, the 1-based line of `fn`, and its length in lines.
#[derive(Debug, PartialEq)]
struct Function {
    name: String,
    line: usize,
    lines: usize,
}

#[test]
fn no_function_in_the_core_is_longer_than_200_lines() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("../crates/netsim/src");
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    assert!(files.len() > 50, "found only {} files under {}", files.len(), src.display());
    let mut too_long = Vec::new();
    let mut still_long = Vec::new();
    for path in files {
        let rel = path.strip_prefix(&src).unwrap().to_string_lossy().replace('\\', "/");
        let text = std::fs::read_to_string(&path).unwrap();
        for f in functions(&text) {
            if f.lines <= MAX_LINES {
                continue;
            }
            if ALLOWED.iter().any(|(file, name, _)| *file == rel && *name == f.name) {
                still_long.push((rel.clone(), f.name));
            } else {
                too_long.push(format!(
                    "crates/netsim/src/{rel}:{} fn {}: {} lines",
                    f.line, f.name, f.lines
                ));
            }
        }
    }
    let stale: Vec<String> = ALLOWED
        .iter()
        .filter(|(file, name, _)| !still_long.iter().any(|(f, n)| f == file && n == name))
        .map(|(file, name, _)| format!("crates/netsim/src/{file} fn {name}"))
        .collect();
    assert!(
        too_long.is_empty(),
        "functions longer than {MAX_LINES} lines (split them along the steps their comments \
         name, or add them to ALLOWED in {} and to ARCHITECTURE.md, with why):\n{}",
        file!(),
        too_long.join("\n")
    );
    assert!(
        stale.is_empty(),
        "no longer over {MAX_LINES} lines or gone: remove from ALLOWED in {} and from \
         ARCHITECTURE.md:\n{}",
        file!(),
        stale.join("\n")
    );
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let mut entries: Vec<PathBuf> =
        std::fs::read_dir(dir).unwrap().map(|e| e.unwrap().path()).collect();
    entries.sort();
    for p in entries {
        if p.is_dir() {
            rust_files(&p, out);
        } else if p.extension().is_some_and(|e| e == "rs")
            && p.file_name().is_some_and(|n| n != "tests.rs")
        {
            out.push(p);
        }
    }
}

/// Every function with a body in `text`, outside `#[cfg(test)]` items.
fn functions(text: &str) -> Vec<Function> {
    let code = blank_literals_and_comments(text);
    let line_of = |at: usize| code[..at].iter().filter(|c| **c == '\n').count() + 1;
    let mut out = Vec::new();
    let mut i = 0;
    while i < code.len() {
        if starts_with(&code, i, "#[cfg(test)]") {
            // Skip the whole item (a module or a function; nothing for a `use`).
            let item = body_start(&code, i + "#[cfg(test)]".len());
            i = match item {
                Some(open) => matching_brace(&code, open).map_or(code.len(), |close| close + 1),
                None => i + 1,
            };
            continue;
        }
        if is_word_at(&code, i, "fn") {
            let name_start = skip_space(&code, i + 2);
            let name: String = code[name_start..].iter().take_while(|c| is_ident(**c)).collect();
            if !name.is_empty() {
                if let Some(close) =
                    body_start(&code, name_start).and_then(|open| matching_brace(&code, open))
                {
                    let line = line_of(i);
                    out.push(Function { name, line, lines: line_of(close) - line + 1 });
                }
            }
            i += 2;
            continue;
        }
        i += 1;
    }
    out
}

/// The `{` that opens the body of the item whose signature starts at `from`, or `None` when a
/// `;` at the top level comes first (a declaration without a body).
fn body_start(code: &[char], from: usize) -> Option<usize> {
    let mut depth = 0i32;
    for (k, c) in code.iter().enumerate().skip(from) {
        match c {
            '(' | '[' => depth += 1,
            ')' | ']' => depth -= 1,
            '{' if depth == 0 => return Some(k),
            ';' if depth == 0 => return None,
            _ => {}
        }
    }
    None
}

fn matching_brace(code: &[char], open: usize) -> Option<usize> {
    let mut depth = 0usize;
    for (k, c) in code.iter().enumerate().skip(open) {
        match c {
            '{' => depth += 1,
            '}' => {
                depth -= 1;
                if depth == 0 {
                    return Some(k);
                }
            }
            _ => {}
        }
    }
    None
}

/// `text` with comments, string and character literals replaced by spaces (newlines kept), so
/// that braces and keywords inside them do not count.
fn blank_literals_and_comments(text: &str) -> Vec<char> {
    let s: Vec<char> = text.chars().collect();
    let mut out = s.clone();
    let blank = |out: &mut Vec<char>, from: usize, to: usize| {
        for c in &mut out[from..to.min(s.len())] {
            if *c != '\n' {
                *c = ' ';
            }
        }
    };
    let mut i = 0;
    while i < s.len() {
        let prev_ident = i > 0 && is_ident(s[i - 1]);
        let end = if starts_with(&s, i, "//") {
            s[i..].iter().position(|c| *c == '\n').map_or(s.len(), |p| i + p)
        } else if starts_with(&s, i, "/*") {
            block_comment_end(&s, i)
        } else if s[i] == '"' {
            string_end(&s, i + 1)
        } else if !prev_ident && (s[i] == 'r' || starts_with(&s, i, "br")) {
            raw_string_end(&s, i).unwrap_or(i + 1)
        } else if s[i] == '\'' {
            char_end(&s, i)
        } else {
            i + 1
        };
        if end > i + 1 || matches!(s[i], '"' | '\'') {
            blank(&mut out, i, end);
        }
        i = end.max(i + 1);
    }
    out
}

fn block_comment_end(s: &[char], from: usize) -> usize {
    let mut depth = 0;
    let mut i = from;
    while i < s.len() {
        if starts_with(s, i, "/*") {
            depth += 1;
            i += 2;
        } else if starts_with(s, i, "*/") {
            depth -= 1;
            i += 2;
            if depth == 0 {
                return i;
            }
        } else {
            i += 1;
        }
    }
    s.len()
}

/// The end (exclusive) of a string whose contents start at `from`.
fn string_end(s: &[char], from: usize) -> usize {
    let mut i = from;
    while i < s.len() {
        match s[i] {
            '\\' => i += 2,
            '"' => return i + 1,
            _ => i += 1,
        }
    }
    s.len()
}

/// `r"…"`, `r#"…"#`, `br"…"`: the end (exclusive), or `None` if `from` starts no raw string.
fn raw_string_end(s: &[char], from: usize) -> Option<usize> {
    let mut i = from + if s[from] == 'b' { 2 } else { 1 };
    let hashes = s[i..].iter().take_while(|c| **c == '#').count();
    i += hashes;
    if s.get(i) != Some(&'"') {
        return None;
    }
    let close: String = std::iter::once('"').chain(std::iter::repeat_n('#', hashes)).collect();
    let mut k = i + 1;
    while k < s.len() {
        if starts_with(s, k, &close) {
            return Some(k + close.chars().count());
        }
        k += 1;
    }
    Some(s.len())
}

/// A character literal (`'x'`, `'\n'`, `'\u{1F600}'`) ends after its closing quote; a lifetime
/// or label (`'a`) is only its quote.
fn char_end(s: &[char], from: usize) -> usize {
    match s.get(from + 1) {
        Some('\\') => {
            s[from + 3..].iter().position(|c| *c == '\'').map_or(s.len(), |p| from + 4 + p)
        }
        Some(_) if s.get(from + 2) == Some(&'\'') => from + 3,
        _ => from + 1,
    }
}

fn starts_with(s: &[char], at: usize, pat: &str) -> bool {
    let mut rest = s.get(at..).unwrap_or(&[]).iter();
    pat.chars().all(|p| rest.next() == Some(&p))
}

fn is_ident(c: char) -> bool {
    c.is_alphanumeric() || c == '_'
}

fn is_word_at(s: &[char], at: usize, word: &str) -> bool {
    let n = word.chars().count();
    starts_with(s, at, word)
        && (at == 0 || !is_ident(s[at - 1]))
        && !s.get(at + n).is_some_and(|c| is_ident(*c))
}

fn skip_space(s: &[char], mut at: usize) -> usize {
    while s.get(at).is_some_and(|c| c.is_whitespace()) {
        at += 1;
    }
    at
}

#[test]
fn the_scanner_counts_lines_and_ignores_literals_comments_and_tests() {
    let text = r####"
fn one() {
    let s = "}}} fn fake() {";
    let r = r#"}"#;
    let c = '}';
    let q = '\'';
    let e = '\u{7d}';
    let l: &'static str = "x";
    // }
    /* } /* nested } */ } */
}

trait T {
    fn declared(&self) -> u32;
    fn with_default(&self)
    where
        Self: Sized,
    {
        let x = [1, 2];
    }
}

#[cfg(test)]
mod tests {
    fn hidden() {}
}

pub(crate) fn generic<F: Fn(u32) -> u32>(f: F) -> u32 { f(1) }
"####;
    let found = functions(text);
    let summary: Vec<(&str, usize, usize)> =
        found.iter().map(|f| (f.name.as_str(), f.line, f.lines)).collect();
    assert_eq!(summary, [("one", 2, 10), ("with_default", 15, 6), ("generic", 28, 1)]);
}
