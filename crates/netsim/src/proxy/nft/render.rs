//! The two renderings of a [`NftRuleset`].
//!
//! **Dump** (`knftables` `Fake.Dump()`, `objects.go` `writeOperation`): the table; every chain,
//! set and map (each group in byte order of the name); each chain's rules (chains in name
//! order, rules in chain order); each set's and map's elements (set/map name order). Elements
//! are sorted by line within one set, where knftables keeps insertion order (kube-proxy inserts
//! in Go map order, which is random): a deterministic choice that upstream's comparator
//! (`helpers_test.go` `sortNFTablesTransaction`, which sorts lines) accepts.
//!
//! **Ruleset** (what `nft list ruleset` prints, nftables `src/rule.c` `table_print`,
//! `set_print`, `chain_print`, `prio2str`; checked against one third-party ruleset only, so the
//! details are partly unverified): nested blocks indented with tabs; the table comment; sets and
//! maps, then chains, each in creation order and separated by a blank line; standard priorities
//! by name where the hook allows (`dstnat - 10`, `filter`, `srcnat`); marks as 32-bit hex with
//! `meta mark … |`/`^`/`&`; a one-element anonymous set without braces; map elements one per
//! line, IPv4 set elements two per line (`calculate_delim`); timeouts in nft's `3h` form.
//!
//! Checked against a third-party k3s `nft list ruleset` (older base-chain layout): base-chain
//! lines, priorities, marks, element lines and separators agree. That listing printed sets and
//! chains interleaved in creation (handle) order with a blank line after the table comment, as
//! newer nft releases do; this rendering keeps the classic order (sets and maps, then chains),
//! which other published listings show. Either is one nft version's view of the same table.

use std::fmt::Write as _;

use super::{BaseChain, Chain, Element, NftRuleset, Rule, Set, Table};

/// Go's `%q` for the strings kube-proxy writes (comments): quotes, with `"` and `\` escaped and
/// control characters as Go escapes.
pub(super) fn go_quote(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            c if (c as u32) < 0x20 || c as u32 == 0x7f => {
                let _ = write!(out, "\\x{:02x}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

fn element_line(prefix: &str, set: &str, e: &Element) -> String {
    let mut s = format!("add element {prefix} {set} {{ {}", e.key.join(" . "));
    if let Some(c) = &e.comment {
        s.push_str(" comment ");
        s.push_str(&go_quote(c));
    }
    if let Some(v) = &e.value {
        s.push_str(" : ");
        s.push_str(v);
    }
    s.push_str(" }");
    s
}

fn set_line(prefix: &str, s: &Set) -> String {
    let kind = if s.is_map { "map" } else { "set" };
    let mut out = format!("add {kind} {prefix} {} {{ type {} ;", s.name, s.type_);
    if !s.flags.is_empty() {
        let _ = write!(out, " flags {} ;", s.flags.join(","));
    }
    if let Some(t) = s.timeout_secs {
        let _ = write!(out, " timeout {t}s ;");
    }
    if let Some(c) = &s.comment {
        let _ = write!(out, " comment {} ;", go_quote(c));
    }
    out.push_str(" }");
    out
}

fn chain_line(prefix: &str, c: &Chain) -> String {
    let mut out = format!("add chain {prefix} {}", c.name);
    if c.base.is_some() || c.comment.is_some() {
        out.push_str(" {");
        if let Some(b) = &c.base {
            let _ = write!(out, " type {} hook {} priority {} ;", b.chain_type, b.hook, b.priority);
        }
        if let Some(cm) = &c.comment {
            let _ = write!(out, " comment {} ;", go_quote(cm));
        }
        out.push_str(" }");
    }
    out
}

fn rule_text(r: &Rule) -> String {
    match &r.comment {
        Some(c) => format!("{} comment {}", r.text, go_quote(c)),
        None => r.text.clone(),
    }
}

impl Table {
    /// This table in knftables' dump form (see the module docs).
    pub fn dump_text(&self) -> String {
        let prefix = format!("{} {}", self.family.as_str(), self.name);
        let mut out = String::new();
        out.push_str(&format!("add table {prefix}"));
        if let Some(c) = &self.comment {
            let _ = write!(out, " {{ comment {} ; }}", go_quote(c));
        }
        out.push('\n');
        let mut chains: Vec<&Chain> = self.chains.iter().collect();
        crate::sort::sort_by(&mut chains, |a, b| a.name.cmp(&b.name));
        let mut sets: Vec<&Set> = self.sets.iter().filter(|s| !s.is_map).collect();
        crate::sort::sort_by(&mut sets, |a, b| a.name.cmp(&b.name));
        let mut maps: Vec<&Set> = self.sets.iter().filter(|s| s.is_map).collect();
        crate::sort::sort_by(&mut maps, |a, b| a.name.cmp(&b.name));
        for c in &chains {
            out.push_str(&chain_line(&prefix, c));
            out.push('\n');
        }
        for s in sets.iter().chain(&maps) {
            out.push_str(&set_line(&prefix, s));
            out.push('\n');
        }
        for c in &chains {
            for r in &c.rules {
                let _ = writeln!(out, "add rule {prefix} {} {}", c.name, rule_text(r));
            }
        }
        for s in sets.iter().chain(&maps) {
            let mut lines: Vec<String> =
                s.elements.iter().map(|e| element_line(&prefix, &s.name, e)).collect();
            crate::sort::sort(&mut lines);
            for l in lines {
                out.push_str(&l);
                out.push('\n');
            }
        }
        out
    }

    /// This table as `nft list ruleset` prints it (see the module docs).
    pub fn ruleset_text(&self) -> String {
        let mut out = format!("table {} {} {{\n", self.family.as_str(), self.name);
        if let Some(c) = &self.comment {
            let _ = writeln!(out, "\tcomment {}", go_quote(c));
        }
        let mut first = true;
        for s in &self.sets {
            if !first {
                out.push('\n');
            }
            first = false;
            ruleset_set(&mut out, s);
        }
        for c in &self.chains {
            if !first {
                out.push('\n');
            }
            first = false;
            ruleset_chain(&mut out, c);
        }
        out.push_str("}\n");
        out
    }
}

impl NftRuleset {
    /// Every table in dump form, primary family first.
    pub fn dump_text(&self) -> String {
        self.tables.iter().map(Table::dump_text).collect()
    }

    /// Every table as `nft list ruleset` shows it.
    pub fn ruleset_text(&self) -> String {
        self.tables.iter().map(Table::ruleset_text).collect()
    }
}

/// nft's time format (`time_print`): `3h`, `1m40s`, `0s`.
pub(super) fn nft_duration(secs: u64) -> String {
    if secs == 0 {
        return "0s".into();
    }
    let mut out = String::new();
    let mut rest = secs;
    for (unit, n) in [("d", 86_400u64), ("h", 3_600), ("m", 60), ("s", 1)] {
        let q = rest / n;
        rest %= n;
        if q > 0 {
            let _ = write!(out, "{q}{unit}");
        }
    }
    out
}

fn ruleset_set(out: &mut String, s: &Set) {
    let kind = if s.is_map { "map" } else { "set" };
    let _ = writeln!(out, "\t{kind} {} {{", s.name);
    let _ = writeln!(out, "\t\ttype {}", s.type_);
    if !s.flags.is_empty() {
        let _ = writeln!(out, "\t\tflags {}", s.flags.join(","));
    }
    if let Some(t) = s.timeout_secs {
        let _ = writeln!(out, "\t\ttimeout {}", nft_duration(t));
    }
    if let Some(c) = &s.comment {
        let _ = writeln!(out, "\t\tcomment {}", go_quote(c));
    }
    if !s.elements.is_empty() {
        let mut elements: Vec<&Element> = s.elements.iter().collect();
        // Plain address sets come back in address order (the k3s ruleset in the docs shows
        // its `cluster-ips` sorted); map elements in the kernel's hash order, which cannot be
        // predicted: sorted by text here.
        crate::sort::sort_by(&mut elements, |a, b| {
            let ip = |e: &Element| e.key.first().and_then(|k| k.parse::<std::net::IpAddr>().ok());
            match (s.is_map || a.key.len() > 1, ip(a), ip(b)) {
                (false, Some(x), Some(y)) => x.cmp(&y),
                _ => ruleset_element(a).cmp(&ruleset_element(b)),
            }
        });
        out.push_str("\t\telements = { ");
        // `calculate_delim` (nftables src/expression.c): IPv4 addresses two per line, integers
        // and ports five, everything else (IPv6, concatenations, maps) one.
        let per_line = match s.type_.as_str() {
            _ if s.is_map => 1,
            "ipv4_addr" => 2,
            "inet_service" | "inet_proto" | "mark" => 5,
            _ => 1,
        };
        for (i, e) in elements.iter().enumerate() {
            if i > 0 {
                if i % per_line == 0 {
                    out.push_str(",\n\t\t\t     ");
                } else {
                    out.push_str(", ");
                }
            }
            out.push_str(&ruleset_element(e));
        }
        out.push_str(" }\n");
    }
    out.push_str("\t}\n");
}

fn ruleset_element(e: &Element) -> String {
    let mut s = e.key.join(" . ");
    if let Some(c) = &e.comment {
        s.push_str(" comment ");
        s.push_str(&go_quote(c));
    }
    if let Some(v) = &e.value {
        s.push_str(" : ");
        s.push_str(v);
    }
    s
}

/// `prio2str`: a standard priority name within ±10 when the hook allows it (`dstnat` only in
/// prerouting, `srcnat` only in postrouting), else the number.
pub(super) fn priority_text(b: &BaseChain) -> String {
    const STD: [(&str, i32); 6] = [
        ("raw", -300),
        ("mangle", -150),
        ("dstnat", -100),
        ("filter", 0),
        ("security", 50),
        ("srcnat", 100),
    ];
    for (name, v) in STD {
        let off = b.priority - v;
        if off.abs() <= 10 {
            let compatible = match name {
                "dstnat" => b.hook == "prerouting",
                "srcnat" => b.hook == "postrouting",
                _ => true,
            };
            if !compatible {
                break;
            }
            return match off {
                0 => name.to_string(),
                o if o > 0 => format!("{name} + {o}"),
                o => format!("{name} - {}", -o),
            };
        }
    }
    b.priority.to_string()
}

fn ruleset_chain(out: &mut String, c: &Chain) {
    let _ = writeln!(out, "\tchain {} {{", c.name);
    if let Some(cm) = &c.comment {
        let _ = writeln!(out, "\t\tcomment {}", go_quote(cm));
    }
    if let Some(b) = &c.base {
        let _ = writeln!(
            out,
            "\t\ttype {} hook {} priority {}; policy accept;",
            b.chain_type,
            b.hook,
            priority_text(b)
        );
    }
    for r in &c.rules {
        let _ = writeln!(out, "\t\t{}", listed_rule(r));
    }
    out.push_str("\t}\n");
}

/// A rule as the kernel hands it back: marks in `meta mark` form with 32-bit hex, anonymous
/// sets with `, ` (one element without braces), `numgen` maps with `, `.
pub(super) fn listed_rule(r: &Rule) -> String {
    let tokens: Vec<&str> = r.text.split_whitespace().collect();
    let mut out: Vec<String> = Vec::with_capacity(tokens.len());
    let mut i = 0;
    while let Some(t) = tokens.get(i).copied() {
        match t {
            "mark" if out.last().map(String::as_str) != Some("meta") => {
                out.push("meta mark".into());
            }
            "or" | "xor" | "and" if i > 0 && tokens.get(i - 1) == Some(&"mark") => {
                out.push(match t {
                    "or" => "|".into(),
                    "xor" => "^".into(),
                    _ => "&".into(),
                });
            }
            "{" => {
                // An anonymous set or map up to the matching `}`.
                let end = (i + 1..tokens.len()).find(|j| tokens.get(*j) == Some(&"}"));
                let Some(end) = end else {
                    out.push(t.into());
                    i += 1;
                    continue;
                };
                let inner = tokens.get(i + 1..end).unwrap_or_default().join(" ");
                let items: Vec<&str> =
                    inner.split(" , ").flat_map(|x| x.split(',')).map(str::trim).collect();
                let items: Vec<&str> = items.into_iter().filter(|x| !x.is_empty()).collect();
                // `update @set { ip saddr }` keeps its braces (a set key, not a set).
                let is_update = out.len() >= 2
                    && out.get(out.len() - 2).is_some_and(|t| t == "update" || t == "add");
                if items.len() == 1 && !inner.contains(" : ") && !is_update {
                    out.push(items.join(""));
                } else {
                    out.push(format!("{{ {} }}", items.join(", ")));
                }
                i = end + 1;
                continue;
            }
            t if t.starts_with("0x") && is_mark_context(&out) => {
                let v = u32::from_str_radix(t.trim_start_matches("0x"), 16).unwrap_or(0);
                out.push(format!("{v:#010x}"));
            }
            "0" if is_mark_compare(&out) => out.push("0x00000000".into()),
            t => out.push(t.into()),
        }
        i += 1;
    }
    let mut s = out.join(" ");
    if let Some(c) = &r.comment {
        s.push_str(" comment ");
        s.push_str(&go_quote(c));
    }
    s
}

/// The previous tokens are `meta mark …` (a mark value follows).
fn is_mark_context(out: &[String]) -> bool {
    out.iter().rev().take(4).any(|t| t == "meta mark")
}

/// `meta mark & X ==` just before: the compared value is a mark too.
fn is_mark_compare(out: &[String]) -> bool {
    out.last().map(String::as_str) == Some("==") && is_mark_context(out)
}
