//! Reading nftables text back: the dump form (`add table|chain|set|map|rule|element …` lines,
//! as knftables writes them and `nft -f` reads them, plus `flush` and `delete`) and the
//! `nft list ruleset` form (nested blocks). Either becomes [`NftTables`], which the walker
//! evaluates.
//!
//! Only the statements kube-proxy writes are understood (address, `fib`, `ct state`, port and
//! mark matches; set lookups and verdict maps; `numgen random mod N vmap`; `jump`, `goto`,
//! `return`, `accept`, `drop`, `reject`; `dnat to`, `masquerade`, `mark set`, `update @set`,
//! `counter`, `comment`), in both the knftables spelling (`mark set mark or 0x4000`) and the one
//! `nft list ruleset` prints (`meta mark set meta mark | 0x00004000`). Anything else is a parse
//! error with its line, as `nft -f` would reject an unknown statement. References are checked at
//! the end: a jump to a missing chain, a lookup in a missing set, or chains that jump in a
//! circle make the text invalid (nft: `No such file or directory`, `Too many levels of symbolic
//! links`).

use std::collections::BTreeMap;
use std::fmt;
use std::net::IpAddr;

use super::BaseChain;
use crate::net::Cidr;

/// Longest input accepted, in lines (as the iptables parser).
const MAX_LINES: usize = 2_000_000;

/// A text that could not be parsed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ParseError {
    /// 1-based line number (0 when the problem is not on one line).
    pub line: usize,
    pub message: String,
}

impl fmt::Display for ParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "line {}: {}", self.line, self.message)
    }
}

fn err(line: usize, message: impl Into<String>) -> ParseError {
    ParseError { line, message: message.into() }
}

/// A table's family as parsed (`inet` tables see both IP families).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum PFamily {
    Ip,
    Ip6,
    Inet,
}

impl PFamily {
    fn parse(s: &str) -> Option<PFamily> {
        match s {
            "ip" => Some(PFamily::Ip),
            "ip6" => Some(PFamily::Ip6),
            "inet" => Some(PFamily::Inet),
            _ => None,
        }
    }
    pub(super) fn as_str(self) -> &'static str {
        match self {
            PFamily::Ip => "ip",
            PFamily::Ip6 => "ip6",
            PFamily::Inet => "inet",
        }
    }
}

/// A verdict (rule end, map value).
#[derive(Clone, Debug, PartialEq, Eq)]
pub(super) enum Verdict {
    Accept,
    Drop,
    Reject,
    Return,
    Continue,
    Jump(String),
    Goto(String),
}

/// Packet fields of a lookup key.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Field {
    Saddr,
    Daddr,
    L4proto,
    Dport,
}

/// The address side a match looks at.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Side {
    Src,
    Dst,
}

/// What an address is compared with.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(super) enum AddrSet {
    Cidrs(Vec<Cidr>),
    Named(String),
}

/// One statement of a rule.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(super) enum Stmt {
    Addr {
        side: Side,
        neg: bool,
        set: AddrSet,
    },
    FibLocal {
        side: Side,
        neg: bool,
    },
    CtState {
        neg: bool,
        states: Vec<String>,
    },
    L4proto {
        neg: bool,
        proto: String,
    },
    Dport {
        proto: Option<String>,
        neg: bool,
        port: u16,
    },
    /// `a . b . c @set` (membership) or `a . b . c vmap @map`.
    Lookup {
        key: Vec<Field>,
        set: String,
        vmap: bool,
    },
    Numgen {
        modulus: u32,
        entries: Vec<(u32, Verdict)>,
    },
    MarkMatch {
        mask: u32,
        value: u32,
        neg: bool,
    },
    /// new mark = (mark & and) ^ xor | or.
    MarkSet {
        and: u32,
        xor: u32,
        or: u32,
    },
    Update {
        set: String,
        key: Field,
    },
    Dnat {
        to: String,
    },
    Masquerade,
    Verdict(Verdict),
}

#[derive(Clone, Debug, PartialEq)]
pub(super) struct PRule {
    /// The line as written (trimmed), for traces.
    pub text: String,
    pub stmts: Vec<Stmt>,
}

#[derive(Clone, Debug, PartialEq)]
pub(super) struct PChain {
    pub name: String,
    pub base: Option<BaseChain>,
    pub policy_drop: bool,
    pub rules: Vec<PRule>,
}

#[derive(Clone, Debug, PartialEq)]
pub(super) struct PElement {
    pub key: Vec<String>,
    pub value: Option<Verdict>,
    /// The element as written, for traces.
    pub text: String,
}

#[derive(Clone, Debug, PartialEq, Default)]
pub(super) struct PSet {
    pub name: String,
    pub is_map: bool,
    pub timeout: Option<u64>,
    pub elements: Vec<PElement>,
    /// Joined key (`a . b . c`, normalised) → element index.
    pub exact: BTreeMap<String, usize>,
    /// Elements with a CIDR key part (interval sets).
    pub ranged: Vec<usize>,
}

impl PSet {
    fn insert(&mut self, e: PElement) {
        let joined = e.key.join(" . ");
        if let Some(i) = self.exact.get(&joined).copied() {
            if let Some(slot) = self.elements.get_mut(i) {
                *slot = e;
            }
            return;
        }
        let i = self.elements.len();
        if e.key.iter().any(|k| k.contains('/')) {
            self.ranged.push(i);
        }
        self.exact.insert(joined, i);
        self.elements.push(e);
    }

    fn clear(&mut self) {
        self.elements.clear();
        self.exact.clear();
        self.ranged.clear();
    }

    /// The element whose key equals `key` (or, for one-field interval sets, contains it).
    pub(super) fn find(&self, key: &str) -> Option<&PElement> {
        if let Some(e) = self.exact.get(key).and_then(|i| self.elements.get(*i)) {
            return Some(e);
        }
        let ip: IpAddr = key.parse().ok()?;
        self.ranged.iter().filter_map(|i| self.elements.get(*i)).find(|e| {
            e.key.len() == 1
                && e.key.first().and_then(|k| Cidr::parse(k)).is_some_and(|c| c.contains(ip))
        })
    }
}

#[derive(Clone, Debug, PartialEq)]
pub(super) struct PTable {
    pub family: PFamily,
    pub name: String,
    pub chains: Vec<PChain>,
    pub chain_index: BTreeMap<String, usize>,
    pub sets: Vec<PSet>,
    pub set_index: BTreeMap<String, usize>,
    /// `ip kube-proxy`: how traces name the table.
    pub label: String,
    /// Base chains by hook: (priority, chain index), by priority (creation order on ties).
    pub hooks: BTreeMap<String, Vec<(i32, usize)>>,
}

impl PTable {
    fn new(family: PFamily, name: &str) -> PTable {
        PTable {
            family,
            name: name.to_string(),
            chains: Vec::new(),
            chain_index: BTreeMap::new(),
            sets: Vec::new(),
            set_index: BTreeMap::new(),
            label: format!("{} {name}", family.as_str()),
            hooks: BTreeMap::new(),
        }
    }

    /// Indexes the base chains by hook (after parsing).
    fn index_hooks(&mut self) {
        let mut hooks: BTreeMap<String, Vec<(i32, usize)>> = BTreeMap::new();
        for (i, c) in self.chains.iter().enumerate() {
            if let Some(b) = &c.base {
                hooks.entry(b.hook.clone()).or_default().push((b.priority, i));
            }
        }
        for v in hooks.values_mut() {
            crate::sort::sort_by(v, |a, b| a.0.cmp(&b.0));
        }
        self.hooks = hooks;
    }

    fn chain_mut(&mut self, name: &str) -> &mut PChain {
        let i = match self.chain_index.get(name) {
            Some(i) => *i,
            None => {
                self.chains.push(PChain {
                    name: name.to_string(),
                    base: None,
                    policy_drop: false,
                    rules: Vec::new(),
                });
                let i = self.chains.len() - 1;
                self.chain_index.insert(name.to_string(), i);
                i
            }
        };
        let last = self.chains.len() - 1;
        let i = i.min(last);
        &mut self.chains[i]
    }

    fn set_mut(&mut self, name: &str, is_map: bool) -> &mut PSet {
        let i = match self.set_index.get(name) {
            Some(i) => *i,
            None => {
                self.sets.push(PSet { name: name.to_string(), is_map, ..PSet::default() });
                let i = self.sets.len() - 1;
                self.set_index.insert(name.to_string(), i);
                i
            }
        };
        let last = self.sets.len() - 1;
        let i = i.min(last);
        &mut self.sets[i]
    }

    fn delete_chain(&mut self, name: &str) {
        self.chains.retain(|c| c.name != name);
        self.chain_index =
            self.chains.iter().enumerate().map(|(i, c)| (c.name.clone(), i)).collect();
    }

    fn delete_set(&mut self, name: &str) {
        self.sets.retain(|s| s.name != name);
        self.set_index = self.sets.iter().enumerate().map(|(i, s)| (s.name.clone(), i)).collect();
    }

    pub(super) fn chain(&self, name: &str) -> Option<(usize, &PChain)> {
        let i = *self.chain_index.get(name)?;
        Some((i, self.chains.get(i)?))
    }

    pub(super) fn set(&self, name: &str) -> Option<&PSet> {
        self.set_index.get(name).and_then(|i| self.sets.get(*i))
    }
}

/// Parsed nftables tables, ready for the walker.
#[derive(Clone, Debug, PartialEq, Default)]
pub struct NftTables {
    pub(super) tables: Vec<PTable>,
}

impl NftTables {
    /// Parses the dump form or the `nft list ruleset` form (recognised by the first statement).
    pub fn parse(text: &str) -> Result<NftTables, ParseError> {
        let first = text
            .lines()
            .map(str::trim)
            .find(|l| !l.is_empty() && !l.starts_with('#'))
            .unwrap_or_default();
        let mut out =
            if first.starts_with("table ") { parse_ruleset(text)? } else { parse_dump(text)? };
        check_references(&out)?;
        for t in &mut out.tables {
            t.index_hooks();
        }
        Ok(out)
    }

    /// `family name` of every table, in order (`ip kube-proxy`, `ip6 kube-proxy`).
    pub fn table_names(&self) -> Vec<String> {
        self.tables.iter().map(|t| t.label.clone()).collect()
    }

    /// The chain names of a table (`ip kube-proxy`), in creation order.
    pub fn chain_names(&self, table: &str) -> Vec<String> {
        self.tables
            .iter()
            .find(|t| t.label == table)
            .map(|t| t.chains.iter().map(|c| c.name.clone()).collect())
            .unwrap_or_default()
    }

    fn table_mut(&mut self, family: PFamily, name: &str) -> &mut PTable {
        let i = match self.tables.iter().position(|t| t.family == family && t.name == name) {
            Some(i) => i,
            None => {
                self.tables.push(PTable::new(family, name));
                self.tables.len() - 1
            }
        };
        let last = self.tables.len() - 1;
        &mut self.tables[i.min(last)]
    }
}

// ---------------------------------------------------------------------------------------------
// Tokens

/// A word, or a quoted string (quotes removed, `\"` and `\\` unescaped).
#[derive(Clone, Debug, PartialEq, Eq)]
enum Tok {
    Word(String),
    Str(String),
}

impl Tok {
    fn word(&self) -> Option<&str> {
        match self {
            Tok::Word(w) => Some(w),
            Tok::Str(_) => None,
        }
    }
    fn is(&self, w: &str) -> bool {
        self.word() == Some(w)
    }
    fn text(&self) -> String {
        match self {
            Tok::Word(w) => w.clone(),
            Tok::Str(s) => format!("{s:?}"),
        }
    }
}

/// Splits a line into tokens; `{`, `}`, `;` and `,` are tokens of their own.
fn tokenize(line: &str) -> Result<Vec<Tok>, String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut chars = line.chars();
    let flush = |cur: &mut String, out: &mut Vec<Tok>| {
        if !cur.is_empty() {
            out.push(Tok::Word(std::mem::take(cur)));
        }
    };
    while let Some(c) = chars.next() {
        match c {
            '"' => {
                flush(&mut cur, &mut out);
                let mut s = String::new();
                loop {
                    match chars.next() {
                        Some('"') => break,
                        Some('\\') => match chars.next() {
                            Some('n') => s.push('\n'),
                            Some('t') => s.push('\t'),
                            Some(n) => s.push(n),
                            None => return Err("unterminated quote".into()),
                        },
                        Some(n) => s.push(n),
                        None => return Err("unterminated quote".into()),
                    }
                }
                out.push(Tok::Str(s));
            }
            '{' | '}' | ';' | ',' => {
                flush(&mut cur, &mut out);
                out.push(Tok::Word(c.to_string()));
            }
            c if c.is_whitespace() => flush(&mut cur, &mut out),
            c => cur.push(c),
        }
    }
    flush(&mut cur, &mut out);
    Ok(out)
}

/// A cursor over one statement's tokens.
struct Cur<'a> {
    toks: &'a [Tok],
    i: usize,
}

impl<'a> Cur<'a> {
    fn peek(&self) -> Option<&'a Tok> {
        self.toks.get(self.i)
    }
    fn peek_word(&self) -> Option<&'a str> {
        self.peek().and_then(Tok::word)
    }
    fn peek_at(&self, n: usize) -> Option<&'a str> {
        self.toks.get(self.i + n).and_then(Tok::word)
    }
    fn next(&mut self) -> Option<&'a Tok> {
        let t = self.toks.get(self.i);
        if t.is_some() {
            self.i += 1;
        }
        t
    }
    fn word(&mut self, what: &str) -> Result<&'a str, String> {
        match self.next() {
            Some(Tok::Word(w)) => Ok(w),
            Some(t) => Err(format!("expected {what}, found {}", t.text())),
            None => Err(format!("expected {what} at the end of the line")),
        }
    }
    fn expect(&mut self, w: &str) -> Result<(), String> {
        let got = self.word(&format!("`{w}`"))?;
        if got == w {
            Ok(())
        } else {
            Err(format!("expected `{w}`, found `{got}`"))
        }
    }
    fn eat(&mut self, w: &str) -> bool {
        if self.peek_word() == Some(w) {
            self.i += 1;
            true
        } else {
            false
        }
    }
    fn done(&self) -> bool {
        self.i >= self.toks.len()
    }
}

// ---------------------------------------------------------------------------------------------
// Values

fn parse_u32(s: &str) -> Option<u32> {
    match s.strip_prefix("0x").or_else(|| s.strip_prefix("0X")) {
        Some(h) => u32::from_str_radix(h, 16).ok(),
        None => s.parse().ok(),
    }
}

/// nft protocol names and numbers, normalised to the name.
fn proto_name(s: &str) -> Option<&'static str> {
    match s {
        "tcp" | "6" => Some("tcp"),
        "udp" | "17" => Some("udp"),
        "sctp" | "132" => Some("sctp"),
        "icmp" | "1" => Some("icmp"),
        "icmpv6" | "58" => Some("icmpv6"),
        _ => None,
    }
}

/// An element key part in the form lookups compare: canonical IP text, protocol name, port
/// number.
fn normalize_key_part(s: &str) -> String {
    if let Ok(ip) = s.parse::<IpAddr>() {
        return ip.to_string();
    }
    if let Some(c) = Cidr::parse(s) {
        return c.to_string();
    }
    if let Some(p) = proto_name(s) {
        return p.to_string();
    }
    if let Ok(n) = s.parse::<u16>() {
        return n.to_string();
    }
    s.to_string()
}

fn chain_name(s: &str) -> Result<String, String> {
    let ok = !s.is_empty()
        && s.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.' | '/'))
        && s.len() <= super::NAME_LENGTH_MAX;
    if ok {
        Ok(s.to_string())
    } else {
        Err(format!("invalid chain name `{s}`"))
    }
}

fn parse_verdict(c: &mut Cur<'_>) -> Result<Verdict, String> {
    let w = c.word("a verdict")?;
    Ok(match w {
        "accept" => Verdict::Accept,
        "drop" => Verdict::Drop,
        "reject" => Verdict::Reject,
        "return" => Verdict::Return,
        "continue" => Verdict::Continue,
        "jump" => Verdict::Jump(chain_name(c.word("a chain")?)?),
        "goto" => Verdict::Goto(chain_name(c.word("a chain")?)?),
        other => return Err(format!("`{other}` is not a verdict")),
    })
}

fn parse_cidr(s: &str) -> Result<Cidr, String> {
    Cidr::parse_or_host(s).ok_or_else(|| format!("`{s}` is not an address or prefix"))
}

/// `{ a, b }` (after the `{`): addresses and prefixes.
fn parse_anon_set(c: &mut Cur<'_>) -> Result<Vec<Cidr>, String> {
    let mut out = Vec::new();
    loop {
        let w = c.word("an address or `}`")?;
        match w {
            "}" => return Ok(out),
            "," => continue,
            w => out.push(parse_cidr(w)?),
        }
        if out.len() > 100_000 {
            return Err("anonymous set too large".into());
        }
    }
}

fn ip_word(w: &str) -> bool {
    w == "ip" || w == "ip6"
}

/// A concatenation key (`ip daddr . meta l4proto . th dport`), the first field already known.
fn parse_key_fields(c: &mut Cur<'_>, first: Field) -> Result<Vec<Field>, String> {
    let mut key = vec![first];
    while c.eat(".") {
        let a = c.word("a key field")?;
        let f = match (a, c.word("a key field")?) {
            (ip, "daddr") if ip_word(ip) => Field::Daddr,
            (ip, "saddr") if ip_word(ip) => Field::Saddr,
            ("meta", "l4proto") => Field::L4proto,
            ("th" | "tcp" | "udp" | "sctp", "dport") => Field::Dport,
            (a, b) => return Err(format!("unsupported key field `{a} {b}`")),
        };
        key.push(f);
    }
    Ok(key)
}

/// After a key: `@set` (membership) or `vmap @map`.
fn parse_lookup(c: &mut Cur<'_>, key: Vec<Field>) -> Result<Stmt, String> {
    let vmap = c.eat("vmap");
    let w = c.word("`@set`")?;
    let Some(set) = w.strip_prefix('@') else {
        return Err(format!("expected a named set `@name`, found `{w}`"));
    };
    Ok(Stmt::Lookup { key, set: set.to_string(), vmap })
}

fn parse_addr(c: &mut Cur<'_>, side: Side) -> Result<Stmt, String> {
    let field = if side == Side::Src { Field::Saddr } else { Field::Daddr };
    if c.peek_word() == Some(".") {
        let key = parse_key_fields(c, field)?;
        return parse_lookup(c, key);
    }
    let mut neg = false;
    if c.eat("!=") {
        neg = true;
    } else {
        c.eat("==");
    }
    let w = c.word("an address")?;
    let set = if let Some(name) = w.strip_prefix('@') {
        AddrSet::Named(name.to_string())
    } else if w == "{" {
        AddrSet::Cidrs(parse_anon_set(c)?)
    } else {
        AddrSet::Cidrs(vec![parse_cidr(w)?])
    };
    if c.peek_word() == Some("vmap") {
        if let AddrSet::Named(_) = set {
            return Err("a vmap needs a key before it".into());
        }
    }
    Ok(Stmt::Addr { side, neg, set })
}

/// `mark …` / `meta mark …` (the word `mark` already read).
fn parse_mark(c: &mut Cur<'_>) -> Result<Stmt, String> {
    if c.eat("set") {
        // `mark set mark or X` / `meta mark set meta mark | X` / `mark set X`.
        c.eat("meta");
        if c.eat("mark") {
            let op = c.word("`or`, `xor` or `and`")?;
            let v = c.word("a mark value")?;
            let v = parse_u32(v).ok_or_else(|| format!("bad mark `{v}`"))?;
            return Ok(match op {
                "or" | "|" => Stmt::MarkSet { and: u32::MAX, xor: 0, or: v },
                "xor" | "^" => Stmt::MarkSet { and: u32::MAX, xor: v, or: 0 },
                "and" | "&" => Stmt::MarkSet { and: v, xor: 0, or: 0 },
                other => return Err(format!("unsupported mark operation `{other}`")),
            });
        }
        let v = c.word("a mark value")?;
        let v = parse_u32(v).ok_or_else(|| format!("bad mark `{v}`"))?;
        return Ok(Stmt::MarkSet { and: 0, xor: 0, or: v });
    }
    // `mark and X == Y` / `meta mark & X == Y` / `mark X` / `mark != X`.
    let mut mask = u32::MAX;
    if c.eat("and") || c.eat("&") {
        let v = c.word("a mask")?;
        mask = parse_u32(v).ok_or_else(|| format!("bad mark mask `{v}`"))?;
    }
    let neg = if c.eat("!=") {
        true
    } else {
        c.eat("==");
        false
    };
    let v = c.word("a mark value")?;
    let value = parse_u32(v).ok_or_else(|| format!("bad mark `{v}`"))?;
    Ok(Stmt::MarkMatch { mask, value, neg })
}

fn parse_numgen(c: &mut Cur<'_>) -> Result<Stmt, String> {
    c.expect("random")?;
    c.expect("mod")?;
    let m = c.word("a modulus")?;
    let modulus: u32 = m.parse().map_err(|_| format!("bad modulus `{m}`"))?;
    if modulus == 0 {
        return Err("numgen modulus must be at least 1".into());
    }
    c.expect("vmap")?;
    c.expect("{")?;
    let mut entries = Vec::new();
    loop {
        let w = c.word("an index or `}`")?;
        match w {
            "}" => break,
            "," => continue,
            w => {
                let i: u32 = w.parse().map_err(|_| format!("bad numgen index `{w}`"))?;
                c.expect(":")?;
                entries.push((i, parse_verdict(c)?));
            }
        }
    }
    Ok(Stmt::Numgen { modulus, entries })
}

/// One rule's statements, and its comment.
fn parse_stmts(toks: &[Tok]) -> Result<Vec<Stmt>, String> {
    let mut c = Cur { toks, i: 0 };
    let mut out = Vec::new();
    while let Some(t) = c.next() {
        let w = match t {
            Tok::Word(w) => w.as_str(),
            Tok::Str(s) => return Err(format!("unexpected string {s:?}")),
        };
        let stmt = match w {
            "ip" | "ip6" => match c.word("`saddr` or `daddr`")? {
                "saddr" => parse_addr(&mut c, Side::Src)?,
                "daddr" => parse_addr(&mut c, Side::Dst)?,
                other => return Err(format!("unsupported `{w} {other}`")),
            },
            "fib" => {
                let side = match c.word("`saddr` or `daddr`")? {
                    "saddr" => Side::Src,
                    "daddr" => Side::Dst,
                    other => return Err(format!("unsupported `fib {other}`")),
                };
                c.expect("type")?;
                let neg = c.eat("!=");
                c.expect("local")?;
                Stmt::FibLocal { side, neg }
            }
            "ct" => {
                c.expect("state")?;
                let neg = c.eat("!=");
                let mut states = vec![c.word("a state")?.to_string()];
                while c.eat(",") {
                    states.push(c.word("a state")?.to_string());
                }
                Stmt::CtState { neg, states }
            }
            "meta" => match c.word("`l4proto` or `mark`")? {
                "l4proto" if c.peek_word() == Some(".") => {
                    let key = parse_key_fields(&mut c, Field::L4proto)?;
                    parse_lookup(&mut c, key)?
                }
                "l4proto" => {
                    let neg = c.eat("!=");
                    let p = c.word("a protocol")?;
                    let proto = proto_name(p).ok_or_else(|| format!("unknown protocol `{p}`"))?;
                    Stmt::L4proto { neg, proto: proto.to_string() }
                }
                "mark" => parse_mark(&mut c)?,
                other => return Err(format!("unsupported `meta {other}`")),
            },
            "mark" => parse_mark(&mut c)?,
            "tcp" | "udp" | "sctp" | "th" => {
                c.expect("dport")?;
                if c.peek_word() == Some(".") {
                    let key = parse_key_fields(&mut c, Field::Dport)?;
                    parse_lookup(&mut c, key)?
                } else {
                    let neg = c.eat("!=");
                    let p = c.word("a port")?;
                    let port: u16 = p.parse().map_err(|_| format!("bad port `{p}`"))?;
                    let proto = (w != "th").then(|| w.to_string());
                    Stmt::Dport { proto, neg, port }
                }
            }
            "numgen" => parse_numgen(&mut c)?,
            "accept" | "drop" | "reject" | "return" | "continue" | "jump" | "goto" => {
                c.i -= 1;
                let v = parse_verdict(&mut c)?;
                if matches!(v, Verdict::Reject) && c.eat("with") {
                    // `reject with icmp type port-unreachable` and the like.
                    while c.peek_word().is_some_and(|w| w != "comment") {
                        c.next();
                    }
                }
                Stmt::Verdict(v)
            }
            "dnat" => {
                if matches!(c.peek_word(), Some("ip" | "ip6")) {
                    c.next();
                }
                c.expect("to")?;
                let to = c.word("a destination")?;
                Stmt::Dnat { to: to.to_string() }
            }
            "masquerade" => {
                while matches!(c.peek_word(), Some("fully-random" | "random" | "persistent")) {
                    c.next();
                    c.eat(",");
                }
                Stmt::Masquerade
            }
            "update" | "add" => {
                let s = c.word("`@set`")?;
                let Some(set) = s.strip_prefix('@') else {
                    return Err(format!("expected `@set`, found `{s}`"));
                };
                c.expect("{")?;
                let ipw = c.word("`ip`")?;
                if !ip_word(ipw) {
                    return Err(format!("unsupported set key `{ipw}`"));
                }
                let key = match c.word("`saddr` or `daddr`")? {
                    "saddr" => Field::Saddr,
                    "daddr" => Field::Daddr,
                    other => return Err(format!("unsupported set key `{ipw} {other}`")),
                };
                c.expect("}")?;
                Stmt::Update { set: set.to_string(), key }
            }
            "counter" => {
                while matches!(c.peek_word(), Some("packets" | "bytes")) {
                    c.next();
                    c.next();
                }
                continue;
            }
            "comment" => {
                match c.next() {
                    Some(Tok::Str(_)) => {}
                    _ => return Err("comment needs a quoted string".into()),
                }
                if !c.done() {
                    return Err("the comment must end the rule".into());
                }
                continue;
            }
            other => return Err(format!("unsupported statement `{other}`")),
        };
        out.push(stmt);
        if out.len() > 1_000 {
            return Err("rule too long".into());
        }
    }
    if out.is_empty() {
        return Err("empty rule".into());
    }
    Ok(out)
}

/// Elements inside `{ … }` (the `{` already read): key parts joined by `.`, an optional
/// `comment "…"`, an optional `: verdict`, separated by `,`. Ends at the matching `}`.
/// A parsed element: normalised key parts, value, the element as written.
type ParsedElement = (Vec<String>, Option<Verdict>, String);

fn parse_elements(c: &mut Cur<'_>) -> Result<Vec<ParsedElement>, String> {
    let mut out = Vec::new();
    loop {
        let Some(first) = c.next() else {
            return Err("missing `}` after the elements".into());
        };
        let first = match first {
            Tok::Word(w) if w == "}" => return Ok(out),
            Tok::Word(w) if w == "," => continue,
            Tok::Word(w) => w.as_str(),
            Tok::Str(s) => return Err(format!("unexpected string {s:?}")),
        };
        let mut key = vec![first.to_string()];
        while c.eat(".") {
            key.push(c.word("a key part")?.to_string());
        }
        let mut text = key.join(" . ");
        if c.eat("comment") {
            match c.next() {
                Some(Tok::Str(s)) => {
                    text.push_str(&format!(" comment {}", super::render::go_quote(s)))
                }
                _ => return Err("comment needs a quoted string".into()),
            }
        }
        let mut value = None;
        if c.eat(":") {
            let start = c.i;
            let v = parse_verdict(c)?;
            let words: Vec<String> =
                c.toks.get(start..c.i).unwrap_or_default().iter().map(Tok::text).collect();
            text.push_str(&format!(" : {}", words.join(" ")));
            value = Some(v);
        }
        out.push((key.iter().map(|k| normalize_key_part(k)).collect(), value, text));
        if out.len() > 10_000_000 {
            return Err("too many elements".into());
        }
    }
}

/// `type T hook H priority P ;` (dump) or `type T hook H priority P; policy accept;` (ruleset).
fn parse_base(c: &mut Cur<'_>) -> Result<(BaseChain, bool), String> {
    let chain_type = c.word("a chain type")?.to_string();
    if !matches!(chain_type.as_str(), "filter" | "nat" | "route") {
        return Err(format!("unknown chain type `{chain_type}`"));
    }
    c.expect("hook")?;
    let hook = c.word("a hook")?.to_string();
    if !matches!(hook.as_str(), "prerouting" | "input" | "forward" | "output" | "postrouting") {
        return Err(format!("unknown hook `{hook}`"));
    }
    c.expect("priority")?;
    let priority = parse_priority(c)?;
    let mut drop = false;
    c.eat(";");
    if c.eat("policy") {
        drop = match c.word("a policy")? {
            "accept" => false,
            "drop" => true,
            other => return Err(format!("unknown policy `{other}`")),
        };
        c.eat(";");
    }
    Ok((BaseChain { chain_type, hook, priority }, drop))
}

/// A priority: a number, or a standard name with an optional `+ n` / `- n` (also `dstnat-10`).
fn parse_priority(c: &mut Cur<'_>) -> Result<i32, String> {
    let w = c.word("a priority")?;
    if let Ok(n) = w.parse::<i32>() {
        return Ok(n);
    }
    let (name, glued) = match w.find(['+', '-']) {
        Some(i) => (&w[..i], Some(&w[i..])),
        None => (w, None),
    };
    let base: i32 = match name {
        "raw" => -300,
        "mangle" => -150,
        "dstnat" => -100,
        "filter" => 0,
        "security" => 50,
        "srcnat" => 100,
        other => return Err(format!("unknown priority `{other}`")),
    };
    let offset = match glued {
        Some(g) => g.parse::<i32>().map_err(|_| format!("bad priority `{w}`"))?,
        None => match c.peek_word() {
            Some(sign @ ("+" | "-")) => {
                c.next();
                let n = c.word("a number")?;
                let n: i32 = n.parse().map_err(|_| format!("bad priority offset `{n}`"))?;
                if sign == "-" {
                    -n
                } else {
                    n
                }
            }
            _ => 0,
        },
    };
    Ok(base.saturating_add(offset))
}

/// Reads `type … ;`, `flags … ;`, `timeout …`, `comment "…"`, … of a set declaration until
/// `}` (dump) or the end of the line (ruleset). Returns the timeout.
fn parse_set_props(c: &mut Cur<'_>, is_map: bool) -> Result<Option<u64>, String> {
    let mut timeout = None;
    let mut saw_type = false;
    while let Some(w) = c.peek_word() {
        match w {
            "}" | "elements" => break,
            ";" => {
                c.next();
            }
            "type" | "typeof" => {
                c.next();
                saw_type = true;
                let mut words = Vec::new();
                while let Some(t) = c.peek_word() {
                    if t == ";" || t == "}" {
                        break;
                    }
                    words.push(t.to_string());
                    c.next();
                }
                let has_value = words.iter().any(|w| w == ":");
                if has_value != is_map {
                    return Err(if is_map {
                        "a map type needs `: <value type>`".into()
                    } else {
                        "a set type cannot have `:`".into()
                    });
                }
            }
            "flags" => {
                c.next();
                c.word("flags")?;
                while c.eat(",") {
                    c.word("a flag")?;
                }
            }
            "timeout" => {
                c.next();
                let t = c.word("a timeout")?;
                timeout = Some(parse_duration(t).ok_or_else(|| format!("bad timeout `{t}`"))?);
            }
            "size" | "gc-interval" | "policy" => {
                c.next();
                c.word("a value")?;
            }
            "auto-merge" => {
                c.next();
            }
            "comment" => {
                c.next();
                match c.next() {
                    Some(Tok::Str(_)) => {}
                    _ => return Err("comment needs a quoted string".into()),
                }
            }
            other => return Err(format!("unsupported set property `{other}`")),
        }
    }
    if !saw_type && !c.done() {
        return Err("a set needs a type".into());
    }
    Ok(timeout)
}

/// `10800s`, `10800`, `3h`, `1h30m`, `2d`.
fn parse_duration(s: &str) -> Option<u64> {
    if let Ok(n) = s.parse::<u64>() {
        return Some(n);
    }
    let mut total: u64 = 0;
    let mut num = String::new();
    let mut any = false;
    let mut chars = s.chars().peekable();
    while let Some(ch) = chars.next() {
        if ch.is_ascii_digit() {
            num.push(ch);
            continue;
        }
        let n: u64 = num.parse().ok()?;
        num.clear();
        let mult = match ch {
            'd' => 86_400,
            'h' => 3_600,
            'm' if chars.peek() == Some(&'s') => {
                chars.next();
                total = total.checked_add(n / 1000)?;
                any = true;
                continue;
            }
            'm' => 60,
            's' => 1,
            _ => return None,
        };
        total = total.checked_add(n.checked_mul(mult)?)?;
        any = true;
    }
    (any && num.is_empty()).then_some(total)
}

// ---------------------------------------------------------------------------------------------
// The dump form

fn parse_dump(text: &str) -> Result<NftTables, ParseError> {
    let mut out = NftTables::default();
    for (i, raw) in text.lines().enumerate() {
        let lineno = i + 1;
        if lineno > MAX_LINES {
            return Err(err(lineno, "too many lines"));
        }
        let line = raw.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let toks = tokenize(line).map_err(|m| err(lineno, m))?;
        dump_line(&mut out, &toks, line).map_err(|m| err(lineno, m))?;
    }
    Ok(out)
}

fn dump_line(out: &mut NftTables, toks: &[Tok], line: &str) -> Result<(), String> {
    let mut c = Cur { toks, i: 0 };
    let verb = c.word("a command")?;
    if !matches!(verb, "add" | "create" | "flush" | "delete" | "destroy") {
        return Err(format!("unsupported command `{verb}`"));
    }
    let object = c.word("an object type")?;
    let fam = c.word("a family")?;
    let family = PFamily::parse(fam).ok_or_else(|| format!("unsupported family `{fam}`"))?;
    let table = c.word("a table")?;
    if object == "table" {
        return match verb {
            "delete" | "destroy" => {
                out.tables.retain(|t| !(t.family == family && t.name == table));
                Ok(())
            }
            "flush" => {
                let t = out.table_mut(family, table);
                for ch in &mut t.chains {
                    ch.rules.clear();
                }
                Ok(())
            }
            _ => {
                out.table_mut(family, table);
                Ok(())
            }
        };
    }
    let Some(t) = out.tables.iter_mut().find(|t| t.family == family && t.name == table) else {
        return Err(format!("table `{fam} {table}` does not exist (add it first)"));
    };
    let name = c.word("a name")?;
    match (verb, object) {
        ("add" | "create", "chain") => {
            let name = chain_name(name)?;
            let (base, drop) = if c.eat("{") {
                let mut base = None;
                let mut drop = false;
                while let Some(w) = c.peek_word() {
                    match w {
                        "}" => break,
                        ";" => {
                            c.next();
                        }
                        "type" => {
                            c.next();
                            let (b, d) = parse_base(&mut c)?;
                            base = Some(b);
                            drop = d;
                        }
                        "comment" => {
                            c.next();
                            c.next();
                        }
                        "policy" => {
                            c.next();
                            drop = c.word("a policy")? == "drop";
                        }
                        other => return Err(format!("unsupported chain property `{other}`")),
                    }
                }
                c.expect("}")?;
                (base, drop)
            } else {
                (None, false)
            };
            let ch = t.chain_mut(&name);
            if base.is_some() {
                ch.base = base;
                ch.policy_drop = drop;
            }
        }
        ("add" | "create", "set" | "map") => {
            c.expect("{")?;
            let timeout = parse_set_props(&mut c, object == "map")?;
            c.expect("}")?;
            let s = t.set_mut(name, object == "map");
            if s.is_map != (object == "map") {
                return Err(format!(
                    "`{name}` is already a {}",
                    if s.is_map { "map" } else { "set" }
                ));
            }
            s.timeout = timeout.or(s.timeout);
        }
        ("add" | "create", "rule") => {
            let rest = toks.get(c.i..).unwrap_or_default();
            let stmts = parse_stmts(rest)?;
            let ch = t.chain_mut(&chain_name(name)?);
            ch.rules.push(PRule { text: line.to_string(), stmts });
        }
        ("add" | "create", "element") => {
            c.expect("{")?;
            let elements = parse_elements(&mut c)?;
            let Some(i) = t.set_index.get(name).copied() else {
                return Err(format!("set `{name}` does not exist"));
            };
            let prefix = format!("add element {} {} {name}", family.as_str(), t.name);
            let Some(s) = t.sets.get_mut(i) else { return Ok(()) };
            for (key, value, text) in elements {
                if s.is_map && value.is_none() {
                    return Err(format!("an element of map `{name}` needs `: <verdict>`"));
                }
                if !s.is_map && value.is_some() {
                    return Err(format!("set `{name}` has no values"));
                }
                s.insert(PElement { key, value, text: format!("{prefix} {{ {text} }}") });
            }
        }
        ("flush", "chain") => {
            if let Some(i) = t.chain_index.get(name).copied() {
                if let Some(ch) = t.chains.get_mut(i) {
                    ch.rules.clear();
                }
            }
        }
        ("flush", "set" | "map") => {
            if let Some(i) = t.set_index.get(name).copied() {
                if let Some(s) = t.sets.get_mut(i) {
                    s.clear();
                }
            }
        }
        ("delete" | "destroy", "chain") => t.delete_chain(name),
        ("delete" | "destroy", "set" | "map") => t.delete_set(name),
        ("delete" | "destroy", "element") => {
            c.expect("{")?;
            let elements = parse_elements(&mut c)?;
            if let Some(s) = t.set_index.get(name).copied().and_then(|i| t.sets.get_mut(i)) {
                let keep: Vec<PElement> = s
                    .elements
                    .drain(..)
                    .filter(|e| !elements.iter().any(|(k, _, _)| *k == e.key))
                    .collect();
                s.clear();
                for e in keep {
                    s.insert(e);
                }
            }
        }
        (v, o) => return Err(format!("unsupported command `{v} {o}`")),
    }
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// The `nft list ruleset` form

enum Block {
    Table(usize),
    Set(usize, usize),
    Chain(usize, usize),
}

fn parse_ruleset(text: &str) -> Result<NftTables, ParseError> {
    let mut out = NftTables::default();
    let mut stack: Vec<Block> = Vec::new();
    let lines: Vec<&str> = text.lines().collect();
    let mut i = 0;
    while let Some(raw) = lines.get(i).copied() {
        let lineno = i + 1;
        if lineno > MAX_LINES {
            return Err(err(lineno, "too many lines"));
        }
        i += 1;
        let line = raw.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let mut toks = tokenize(line).map_err(|m| err(lineno, m))?;
        // `elements = { …` may go on over several lines until its `}`.
        if toks.first().is_some_and(|t| t.is("elements")) {
            let mut depth = brace_depth(&toks);
            while depth > 0 {
                let Some(more) = lines.get(i).copied() else {
                    return Err(err(lineno, "missing `}` after the elements"));
                };
                i += 1;
                let more = tokenize(more.trim()).map_err(|m| err(i, m))?;
                depth += brace_depth(&more);
                toks.extend(more);
            }
        }
        ruleset_line(&mut out, &mut stack, &toks, line).map_err(|m| err(lineno, m))?;
    }
    if !stack.is_empty() {
        return Err(err(lines.len(), "missing `}` at the end"));
    }
    Ok(out)
}

fn brace_depth(toks: &[Tok]) -> i64 {
    toks.iter()
        .map(|t| {
            if t.is("{") {
                1
            } else if t.is("}") {
                -1
            } else {
                0
            }
        })
        .sum()
}

fn ruleset_line(
    out: &mut NftTables,
    stack: &mut Vec<Block>,
    toks: &[Tok],
    line: &str,
) -> Result<(), String> {
    let mut c = Cur { toks, i: 0 };
    if c.eat("}") {
        return match stack.pop() {
            Some(_) if c.done() => Ok(()),
            Some(_) => Err("unexpected text after `}`".into()),
            None => Err("unmatched `}`".into()),
        };
    }
    match stack.last() {
        None => {
            c.expect("table")?;
            let fam = c.word("a family")?;
            let family =
                PFamily::parse(fam).ok_or_else(|| format!("unsupported family `{fam}`"))?;
            let name = c.word("a table name")?;
            c.expect("{")?;
            out.table_mut(family, name);
            let ti =
                out.tables.iter().position(|t| t.family == family && t.name == name).unwrap_or(0);
            stack.push(Block::Table(ti));
        }
        Some(Block::Table(ti)) => {
            let ti = *ti;
            let Some(t) = out.tables.get_mut(ti) else { return Err("no table".into()) };
            match c.word("a declaration")? {
                "comment" | "flags" => {}
                kind @ ("set" | "map") => {
                    let name = c.word("a name")?;
                    c.expect("{")?;
                    t.set_mut(name, kind == "map");
                    let si = t.set_index.get(name).copied().unwrap_or(0);
                    stack.push(Block::Set(ti, si));
                }
                "chain" => {
                    let name = chain_name(c.word("a name")?)?;
                    c.expect("{")?;
                    t.chain_mut(&name);
                    let ci = t.chain_index.get(&name).copied().unwrap_or(0);
                    stack.push(Block::Chain(ti, ci));
                }
                other => return Err(format!("unsupported table declaration `{other}`")),
            }
        }
        Some(Block::Set(ti, si)) => {
            let (ti, si) = (*ti, *si);
            let Some(t) = out.tables.get_mut(ti) else { return Err("no table".into()) };
            let prefix = String::new();
            let Some(s) = t.sets.get_mut(si) else { return Err("no set".into()) };
            if c.eat("elements") {
                c.expect("=")?;
                c.expect("{")?;
                for (key, value, text) in parse_elements(&mut c)? {
                    if s.is_map && value.is_none() {
                        return Err(format!("an element of map `{}` needs `: <verdict>`", s.name));
                    }
                    s.insert(PElement { key, value, text: format!("{prefix}{text}") });
                }
            } else {
                let is_map = s.is_map;
                let timeout = parse_set_props(&mut c, is_map)?;
                if timeout.is_some() {
                    s.timeout = timeout;
                }
            }
        }
        Some(Block::Chain(ti, ci)) => {
            let (ti, ci) = (*ti, *ci);
            let Some(ch) = out.tables.get_mut(ti).and_then(|t| t.chains.get_mut(ci)) else {
                return Err("no chain".into());
            };
            if c.peek_word() == Some("type") && c.peek_at(2) == Some("hook") {
                c.next();
                let (b, d) = parse_base(&mut c)?;
                ch.base = Some(b);
                ch.policy_drop = d;
            } else if c.peek_word() == Some("comment") && toks.len() == 2 {
                // A chain comment.
            } else {
                let stmts = parse_stmts(toks)?;
                ch.rules.push(PRule { text: line.to_string(), stmts });
            }
        }
    }
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// References

fn verdict_targets(v: &Verdict) -> Option<&str> {
    match v {
        Verdict::Jump(c) | Verdict::Goto(c) => Some(c),
        _ => None,
    }
}

/// Every jump/goto target and set reference must exist, and jumps must not loop.
fn check_references(out: &NftTables) -> Result<(), ParseError> {
    for t in &out.tables {
        let mut edges: Vec<Vec<usize>> = vec![Vec::new(); t.chains.len()];
        for (ci, ch) in t.chains.iter().enumerate() {
            for (ri, r) in ch.rules.iter().enumerate() {
                let line = |m: String| err(0, format!("chain `{}` rule {}: {m}", ch.name, ri + 1));
                let mut targets: Vec<&str> = Vec::new();
                for s in &r.stmts {
                    match s {
                        Stmt::Verdict(v) => targets.extend(verdict_targets(v)),
                        Stmt::Numgen { entries, .. } => {
                            targets.extend(entries.iter().filter_map(|(_, v)| verdict_targets(v)))
                        }
                        Stmt::Lookup { set, vmap, .. } => match t.set(set) {
                            None => return Err(line(format!("set `{set}` does not exist"))),
                            Some(m) if *vmap && !m.is_map => {
                                return Err(line(format!("`{set}` is a set, not a verdict map")))
                            }
                            Some(m) => targets.extend(
                                m.elements
                                    .iter()
                                    .filter_map(|e| e.value.as_ref().and_then(verdict_targets)),
                            ),
                        },
                        Stmt::Addr { set: AddrSet::Named(set), .. } | Stmt::Update { set, .. }
                            if t.set(set).is_none() =>
                        {
                            return Err(line(format!("set `{set}` does not exist")));
                        }
                        _ => {}
                    }
                }
                for target in targets {
                    match t.chain(target) {
                        Some((i, c)) if c.base.is_none() => {
                            if let Some(e) = edges.get_mut(ci) {
                                e.push(i);
                            }
                        }
                        Some(_) => {
                            return Err(line(format!("cannot jump to base chain `{target}`")))
                        }
                        None => {
                            return Err(line(format!(
                                "chain `{target}` does not exist (nft: Could not process rule: No such file or directory)"
                            )))
                        }
                    }
                }
            }
        }
        if let Some(cycle) = find_cycle(&edges) {
            let names: Vec<&str> =
                cycle.iter().filter_map(|i| t.chains.get(*i)).map(|c| c.name.as_str()).collect();
            return Err(err(
                0,
                format!(
                    "the jumps loop ({}): the kernel refuses chains that jump in a circle (ELOOP, \"Too many levels of symbolic links\")",
                    names.join(" → ")
                ),
            ));
        }
    }
    Ok(())
}

/// A circle in the jump graph, as chain indices with the first repeated at the end.
fn find_cycle(edges: &[Vec<usize>]) -> Option<Vec<usize>> {
    let mut state = vec![0u8; edges.len()];
    for start in 0..edges.len() {
        if state.get(start) != Some(&0) {
            continue;
        }
        let mut stack: Vec<(usize, usize)> = vec![(start, 0)];
        if let Some(s) = state.get_mut(start) {
            *s = 1;
        }
        while let Some((node, next)) = stack.last().copied() {
            let target = edges.get(node).and_then(|e| e.get(next)).copied();
            if let Some(top) = stack.last_mut() {
                top.1 += 1;
            }
            match target {
                Some(n) if state.get(n) == Some(&1) => {
                    let from = stack.iter().position(|(c, _)| *c == n).unwrap_or(0);
                    let mut cycle: Vec<usize> =
                        stack.get(from..).unwrap_or_default().iter().map(|(c, _)| *c).collect();
                    cycle.push(n);
                    return Some(cycle);
                }
                Some(n) if state.get(n) == Some(&0) => {
                    if let Some(s) = state.get_mut(n) {
                        *s = 1;
                    }
                    stack.push((n, 0));
                }
                Some(_) => {}
                None => {
                    if let Some(s) = state.get_mut(node) {
                        *s = 2;
                    }
                    stack.pop();
                }
            }
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_and_priorities() {
        assert_eq!(parse_duration("10800s"), Some(10800));
        assert_eq!(parse_duration("3h"), Some(10800));
        assert_eq!(parse_duration("1m40s"), Some(100));
        assert_eq!(parse_duration("1x"), None);
        let toks = tokenize("dstnat - 10").unwrap();
        assert_eq!(parse_priority(&mut Cur { toks: &toks, i: 0 }), Ok(-110));
        let toks = tokenize("dstnat-10").unwrap();
        assert_eq!(parse_priority(&mut Cur { toks: &toks, i: 0 }), Ok(-110));
        let toks = tokenize("srcnat").unwrap();
        assert_eq!(parse_priority(&mut Cur { toks: &toks, i: 0 }), Ok(100));
    }

    #[test]
    fn statements_in_both_spellings() {
        let a = parse_stmts(&tokenize("mark set mark or 0x4000").unwrap()).unwrap();
        let b = parse_stmts(&tokenize("meta mark set meta mark | 0x00004000").unwrap()).unwrap();
        assert_eq!(a, b);
        let a = parse_stmts(&tokenize("mark and 0x4000 == 0 return").unwrap()).unwrap();
        let b =
            parse_stmts(&tokenize("meta mark & 0x00004000 == 0x00000000 return").unwrap()).unwrap();
        assert_eq!(a, b);
        let a = parse_stmts(&tokenize("ip daddr { 10.96.0.0/12 } drop").unwrap()).unwrap();
        let b = parse_stmts(&tokenize("ip daddr 10.96.0.0/12 drop").unwrap()).unwrap();
        assert_eq!(a, b);
        let n =
            parse_stmts(&tokenize("numgen random mod 2 vmap { 0 : goto a, 1 : goto b }").unwrap())
                .unwrap();
        assert_eq!(
            n,
            vec![Stmt::Numgen {
                modulus: 2,
                entries: vec![(0, Verdict::Goto("a".into())), (1, Verdict::Goto("b".into()))]
            }]
        );
        assert!(parse_stmts(&tokenize("log prefix \"x\"").unwrap()).is_err());
        assert!(parse_stmts(&tokenize("ip daddr").unwrap()).is_err());
        assert!(parse_stmts(&tokenize("numgen random mod 0 vmap { }").unwrap()).is_err());
    }
}
