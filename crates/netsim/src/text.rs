//! Source text positions: files, byte ranges, and line/column conversion at the edge.
//!
//! Spans are half-open byte ranges (`u32`, so one file is at most 4 GiB; inputs are limited far
//! below that). Line and column numbers are computed only when shown, by [`LineIndex`], in UTF-8
//! bytes or UTF-16 code units (what browser editors count).

use serde::Serialize;

/// One input text: an editor buffer, a `-f` file, or stdin. Index into the caller's file list.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Default)]
pub struct FileId(pub u32);

/// A half-open byte range into one file.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Default)]
pub struct TextRange {
    pub start: u32,
    pub end: u32,
}

impl TextRange {
    pub fn new(start: u32, end: u32) -> TextRange {
        debug_assert!(start <= end);
        TextRange { start, end }
    }

    /// An empty range at `offset`.
    pub fn empty(offset: u32) -> TextRange {
        TextRange { start: offset, end: offset }
    }

    pub fn len(self) -> u32 {
        self.end - self.start
    }

    pub fn is_empty(self) -> bool {
        self.start == self.end
    }

    /// The smallest range covering both.
    pub fn cover(self, other: TextRange) -> TextRange {
        TextRange { start: self.start.min(other.start), end: self.end.max(other.end) }
    }

    pub fn contains(self, offset: u32) -> bool {
        self.start <= offset && offset < self.end
    }
}

/// A range in a particular file.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Default)]
pub struct Span {
    pub file: FileId,
    pub range: TextRange,
}

/// A 1-based line and column.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct LineCol {
    pub line: u32,
    /// 1-based column in UTF-8 bytes.
    pub col: u32,
    /// 1-based column in UTF-16 code units (browser editors).
    pub col_utf16: u32,
}

/// Byte offset → line/column for one text.
#[derive(Clone, Debug)]
pub struct LineIndex {
    /// Byte offset of the start of each line.
    line_starts: Vec<u32>,
    /// UTF-16 offset of the start of each line (browser editors address text in UTF-16).
    line_starts_utf16: Vec<u32>,
}

impl LineIndex {
    pub fn new(text: &str) -> LineIndex {
        let mut line_starts = vec![0];
        let mut line_starts_utf16 = vec![0];
        let mut utf16: u32 = 0;
        for (i, c) in text.char_indices() {
            utf16 = utf16.saturating_add(u32::try_from(c.len_utf16()).unwrap_or(2));
            if c == '\n' {
                line_starts.push(u32::try_from(i + 1).unwrap_or(u32::MAX));
                line_starts_utf16.push(utf16);
            }
        }
        LineIndex { line_starts, line_starts_utf16 }
    }

    /// The position of `offset` in `text` (the text this index was built from). Offsets past
    /// the end or inside a UTF-8 sequence are clamped, never a panic.
    pub fn line_col(&self, text: &str, offset: u32) -> LineCol {
        let offset = offset.min(u32::try_from(text.len()).unwrap_or(u32::MAX));
        let line = match self.line_starts.binary_search(&offset) {
            Ok(i) => i,
            Err(i) => i - 1,
        };
        let start = self.line_starts[line] as usize;
        let mut end = offset as usize;
        while end > start && !text.is_char_boundary(end) {
            end -= 1;
        }
        let prefix = &text[start..end];
        LineCol {
            line: u32::try_from(line + 1).unwrap_or(u32::MAX),
            col: u32::try_from(prefix.len() + 1).unwrap_or(u32::MAX),
            col_utf16: u32::try_from(prefix.encode_utf16().count() + 1).unwrap_or(u32::MAX),
        }
    }

    /// The UTF-16 offset of byte `offset` from the start of `text`.
    pub fn utf16_offset(&self, text: &str, offset: u32) -> u32 {
        let lc = self.line_col(text, offset);
        let start = self.line_starts_utf16.get(lc.line as usize - 1).copied().unwrap_or(0);
        start.saturating_add(lc.col_utf16 - 1)
    }

    /// The text of 1-based `line`, without its line ending.
    pub fn line_text<'a>(&self, text: &'a str, line: u32) -> &'a str {
        let i = (line as usize).saturating_sub(1);
        let Some(&start) = self.line_starts.get(i) else { return "" };
        let end = self.line_starts.get(i + 1).map_or(text.len(), |&e| e as usize);
        text.get(start as usize..end).unwrap_or("").trim_end_matches(['\n', '\r'])
    }

    pub fn line_count(&self) -> usize {
        self.line_starts.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn utf8_and_utf16_columns() {
        let text = "a: 1\nnäme: 😀x\n";
        let idx = LineIndex::new(text);
        let x = text.find('x').unwrap() as u32;
        let lc = idx.line_col(text, x);
        assert_eq!((lc.line, lc.col, lc.col_utf16), (2, 12, 9));
        assert_eq!(idx.line_text(text, 2), "näme: 😀x");
        assert_eq!(idx.utf16_offset(text, x), 13);
        // Past the end clamps.
        assert_eq!(idx.line_col(text, 999).line, 3);
    }
}
