//! TypeScript declarations of the answer types (feature `ts`; host builds only, the wasm builds
//! never enable it). The types derive `ts_rs::TS` beside `serde`, so a declaration follows every
//! serde attribute (`rename_all`, `tag`, `untagged`, `skip_serializing_if` with `default`);
//! [`Declarations`] collects them, with every type they reach, into the text of
//! `crates/netsim-wasm/src/types.d.ts` (the `ts_declarations` test in `tests/` writes and checks
//! it). 64-bit integers are JSON numbers (`Config::with_large_int("number")`); `IpAddr` is a
//! string.

use std::any::TypeId;
use std::collections::{BTreeMap, BTreeSet};

use ts_rs::{Config, TypeVisitor, TS};

/// Declarations collected from root types and every type they reach, by TypeScript name.
pub struct Declarations {
    cfg: Config,
    seen: BTreeSet<TypeId>,
    decls: BTreeMap<String, String>,
    clashes: Vec<String>,
}

impl Default for Declarations {
    fn default() -> Self {
        Declarations {
            cfg: Config::new().with_large_int("number"),
            seen: BTreeSet::new(),
            decls: BTreeMap::new(),
            clashes: Vec::new(),
        }
    }
}

struct Visit<'a>(&'a mut Declarations);

impl TypeVisitor for Visit<'_> {
    fn visit<T: TS + 'static + ?Sized>(&mut self) {
        self.0.add::<T>();
    }
}

impl Declarations {
    /// Adds `T`'s declaration and those of every type it reaches (primitives, strings,
    /// collections and `IpAddr` have none).
    pub fn add<T: TS + 'static + ?Sized>(&mut self) {
        if T::output_path().is_none() || !self.seen.insert(TypeId::of::<T>()) {
            return;
        }
        let mut text = T::docs().unwrap_or_default();
        text.push_str("export ");
        text.push_str(&T::decl(&self.cfg));
        let name = T::ident(&self.cfg);
        if let Some(other) = self.decls.get(&name) {
            if *other != text {
                self.clashes.push(name);
            }
        } else {
            self.decls.insert(name, text);
        }
        T::visit_dependencies(&mut Visit(self));
    }

    /// Every answer of the core, the questions, and what the JS package passes in and out.
    pub fn add_core(&mut self) {
        // Questions and their answers.
        self.add::<crate::session::Question>();
        self.add::<crate::session::AskError>();
        self.add::<crate::request::Report>();
        self.add::<crate::session::Lookup>();
        self.add::<crate::dns::ResolvConf>();
        self.add::<crate::session::PacketWalk>();
        self.add::<crate::session::Rules>();
        self.add::<crate::request::Explanation>();
        self.add::<crate::session::Listing>();
        self.add::<crate::session::detail::ServiceDetail>();
        self.add::<crate::session::detail::PodDetail>();
        self.add::<crate::session::Description>();
        self.add::<crate::session::policy::PolicyOverview>();
        // The built cluster, its events and the page's view model.
        self.add::<crate::session::summary::ClusterSummary>();
        self.add::<crate::cluster::Event>();
        self.add::<crate::view::Analysis>();
        // The lesson library.
        self.add::<crate::scenario::Index>();
        self.add::<crate::scenario::ChallengeStatus>();
        self.add::<crate::scenario::SuggestedStatus>();
        // NetworkPolicy answers.
        self.add::<crate::policy::Verdict>();
        self.add::<crate::policy::PolicyInspection>();
        self.add::<crate::policy::PodPolicies>();
        self.add::<crate::policy::Matrix>();
    }

    /// The declarations in name order, after `header`; an error names the TypeScript names two
    /// different types share.
    pub fn render(&self, header: &str) -> Result<String, String> {
        if !self.clashes.is_empty() {
            return Err(format!(
                "two types declare each of these names (rename one with #[ts(rename)]): {}",
                self.clashes.join(", ")
            ));
        }
        let mut out = header.to_string();
        for text in self.decls.values() {
            out.push('\n');
            out.push_str(&layout(text));
        }
        Ok(out)
    }
}

/// ts-rs writes a declaration on one line, broken only around doc comments. wasm-bindgen
/// re-indents the package's `.d.ts` by braces (a line that ends with `{` opens a level, one that
/// starts with `}` closes one: `reset_indentation` in wasm-bindgen-cli-support), so an object
/// that spans lines gets its `{` at the end of a line and its `}` at the start of one, and the
/// text is indented here as wasm-bindgen will indent it.
fn layout(text: &str) -> String {
    let chars: Vec<char> = text.chars().collect();
    // The position of each `{` and its `}`, outside strings and comments.
    let mut pairs: BTreeMap<usize, usize> = BTreeMap::new();
    let mut closes: BTreeSet<usize> = BTreeSet::new();
    let mut stack = Vec::new();
    let (mut in_string, mut in_comment) = (false, false);
    let mut i = 0;
    while i < chars.len() {
        let (c, next) = (chars[i], chars.get(i + 1).copied());
        if in_comment {
            if c == '*' && next == Some('/') {
                in_comment = false;
                i += 1;
            }
        } else if in_string {
            if c == '\\' {
                i += 1;
            } else if c == '"' {
                in_string = false;
            }
        } else if c == '/' && next == Some('*') {
            in_comment = true;
            i += 1;
        } else if c == '"' {
            in_string = true;
        } else if c == '{' {
            stack.push(i);
        } else if c == '}' {
            if let Some(open) = stack.pop() {
                if chars[open..i].contains(&'\n') {
                    pairs.insert(open, i);
                    closes.insert(i);
                }
            }
        }
        i += 1;
    }
    let mut out = String::new();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if closes.contains(&i) && !out[out.rfind('\n').map_or(0, |p| p + 1)..].trim().is_empty() {
            let trimmed = out.trim_end_matches(' ').len();
            out.truncate(trimmed);
            out.push('\n');
        }
        out.push(c);
        i += 1;
        if pairs.contains_key(&(i - 1)) {
            // What follows a multi-line object's `{` starts on the next line.
            while chars.get(i) == Some(&' ') {
                i += 1;
            }
            if chars.get(i) != Some(&'\n') {
                out.push('\n');
            }
        }
    }
    indent(&out)
}

/// wasm-bindgen's `reset_indentation`: four spaces per open brace level; doc comment lines
/// (starting with `*`) one space further.
fn indent(text: &str) -> String {
    let mut level = 0usize;
    let mut out = String::new();
    for line in text.trim().lines() {
        let line = line.trim();
        if line.starts_with('*') {
            out.push_str(&"    ".repeat(level));
            out.push(' ');
            out.push_str(line);
            out.push('\n');
            continue;
        }
        if line.starts_with('}') {
            level = level.saturating_sub(1);
        }
        if !line.is_empty() {
            let extra = usize::from(line.starts_with(':') || line.starts_with('?'));
            out.push_str(&"    ".repeat(level + extra));
            out.push_str(line);
        }
        out.push('\n');
        if line.ends_with('{') {
            level += 1;
        }
    }
    out
}
