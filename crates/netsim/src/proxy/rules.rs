//! Parsing iptables rule text (restore input, `iptables-save` output or `iptables -S`) into rule
//! tables, and rendering rules in the canonical form `iptables-save` prints.
//!
//! The save form follows iptables userspace (`iptables/iptables-save.c` print order: `-s`, `-d`,
//! `-p`, then matches in order, then the target; `libxt_comment` quotes unless the value is only
//! letters, digits, `_` and `-` (`xtables_save_string`), `libxt_statistic`
//! prints `%.11f` of the stored fixed-point value, `libxt_MARK` prints `--or-mark`/`--xor-mark`
//! as `--set-xmark value/mask`, `libxt_recent` prints `--set|--rcheck [--seconds N] [--reap]
//! --name N --mask M --rsource`, `libxt_nfacct` prints `--nfacct-name  N` with two spaces,
//! `libipt_REJECT` prints its default `--reject-with icmp-port-unreachable`).

use std::collections::BTreeMap;
use std::fmt;

use super::names::probability_readback;
use crate::net::Cidr;

/// Longest input accepted, in lines (a 10,000-service node has ~100,000 rules).
const MAX_LINES: usize = 2_000_000;

/// iptables/xshared.c: a chain name that starts with `-` or `!`, or (as the tokenizer here
/// joins quoted parts) holds whitespace or quotes, is `Invalid chain name`. Without this a
/// quoted phrase became a chain name that the save form could not print back (found by the
/// rules_parser fuzz target).
fn check_chain_name(name: &str) -> Result<(), String> {
    let bad = name.is_empty()
        || name.starts_with('-')
        || name.starts_with('!')
        || name.chars().any(|c| c.is_whitespace() || c == '"' || c == '\'');
    if bad {
        Err(format!("Invalid chain name `{name}'"))
    } else {
        Ok(())
    }
}

/// A rule text that could not be parsed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ParseError {
    /// 1-based line number.
    pub line: usize,
    pub message: String,
}

impl fmt::Display for ParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "line {}: {}", self.line, self.message)
    }
}

/// `-m recent` action.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RecentAction {
    Set,
    Rcheck,
    Update,
}

/// One match extension with its options, in the order written.
#[derive(Clone, Debug, PartialEq)]
pub enum Match {
    Comment(String),
    /// `-m tcp|udp|sctp [--sport N] [--dport N]` (negation flag, port).
    Port {
        module: String,
        sport: Option<(bool, u16)>,
        dport: Option<(bool, u16)>,
    },
    AddrType {
        src_type: Option<(bool, String)>,
        dst_type: Option<(bool, String)>,
    },
    /// `-m statistic --mode random --probability P` (P as written).
    Statistic {
        probability: String,
    },
    Recent {
        name: String,
        action: RecentAction,
        seconds: Option<u64>,
        reap: bool,
    },
    Mark {
        negated: bool,
        value: u32,
        mask: u32,
    },
    Conntrack {
        negated: bool,
        states: Vec<String>,
    },
    Nfacct {
        name: String,
    },
}

/// A rule's target (`-j`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Target {
    /// A user-defined chain.
    Jump(String),
    Accept,
    Drop,
    Return,
    Reject {
        with: Option<String>,
    },
    Dnat {
        to: String,
    },
    Masquerade {
        random_fully: bool,
    },
    /// `MARK`: new mark = (mark & !mask) ^ xor (the kernel's `--set-xmark` form).
    Mark {
        xor: u32,
        mask: u32,
    },
}

/// One parsed rule.
#[derive(Clone, Debug, PartialEq)]
pub struct Rule {
    pub chain: String,
    pub src: Option<(bool, Cidr)>,
    pub dst: Option<(bool, Cidr)>,
    pub proto: Option<(bool, String)>,
    pub matches: Vec<Match>,
    pub target: Option<Target>,
    /// The line as given (for traces).
    pub text: String,
}

/// A chain of one table.
#[derive(Clone, Debug, PartialEq)]
pub struct Chain {
    pub name: String,
    /// `ACCEPT`/`DROP` for built-in chains, `None` (`-`) for user chains.
    pub policy: Option<String>,
    pub rules: Vec<Rule>,
}

/// One table (`*filter`, `*nat`).
#[derive(Clone, Debug, PartialEq, Default)]
pub struct Table {
    pub name: String,
    /// Chains in declaration order.
    pub chains: Vec<Chain>,
    /// Chain name → position in `chains`.
    index: BTreeMap<String, usize>,
}

impl Table {
    fn new(name: &str) -> Table {
        Table { name: name.to_string(), chains: Vec::new(), index: BTreeMap::new() }
    }

    pub fn chain(&self, name: &str) -> Option<&Chain> {
        self.index.get(name).and_then(|i| self.chains.get(*i))
    }

    fn chain_index(&mut self, name: &str) -> usize {
        if let Some(i) = self.index.get(name) {
            return *i;
        }
        self.chains.push(Chain { name: name.to_string(), policy: None, rules: Vec::new() });
        let i = self.chains.len() - 1;
        self.index.insert(name.to_string(), i);
        i
    }

    fn delete_chain(&mut self, name: &str) {
        self.chains.retain(|c| c.name != name);
        self.index = self.chains.iter().enumerate().map(|(i, c)| (c.name.clone(), i)).collect();
    }
}

/// Parsed rules of all tables.
#[derive(Clone, Debug, PartialEq, Default)]
pub struct RuleTable {
    pub tables: Vec<Table>,
}

const BUILTIN_ORDER: &[&str] = &["PREROUTING", "INPUT", "FORWARD", "OUTPUT", "POSTROUTING"];

impl RuleTable {
    pub fn table(&self, name: &str) -> Option<&Table> {
        self.tables.iter().find(|t| t.name == name)
    }

    /// Parses `iptables-restore` input or `iptables-save` output (`*table`, `:CHAIN POLICY
    /// [p:b]`, `-A`, `-N`, `-X`, `COMMIT`, `#` comments).
    pub fn parse(text: &str) -> Result<RuleTable, ParseError> {
        let mut out = RuleTable::default();
        let mut current: Option<Table> = None;
        for (i, raw) in text.lines().enumerate() {
            let lineno = i + 1;
            if lineno > MAX_LINES {
                return Err(err(lineno, "too many lines"));
            }
            let line = raw.trim();
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            if let Some(name) = line.strip_prefix('*') {
                if current.is_some() {
                    return Err(err(lineno, "table started before COMMIT"));
                }
                current = Some(Table::new(name.trim()));
                continue;
            }
            if line == "COMMIT" {
                match current.take() {
                    Some(t) => {
                        let name = t.name.clone();
                        merge_table(&mut out, t);
                        if let Some(cycle) =
                            out.tables.iter().find(|x| x.name == name).and_then(jump_loop)
                        {
                            return Err(err(
                                lineno,
                                &format!(
                                    "the jumps loop ({}): the kernel refuses a table whose chains \
                                     jump in a circle (ELOOP, \"Too many levels of symbolic links\")",
                                    cycle.join(" → ")
                                ),
                            ));
                        }
                    }
                    None => return Err(err(lineno, "COMMIT outside a table")),
                }
                continue;
            }
            let Some(table) = current.as_mut() else {
                return Err(err(lineno, "rule outside a table (missing *filter or *nat)"));
            };
            if let Some(decl) = line.strip_prefix(':') {
                let mut parts = decl.split_whitespace();
                let name = parts.next().unwrap_or_default();
                if name.is_empty() {
                    return Err(err(lineno, "chain declaration without a name"));
                }
                let policy = parts.next().filter(|p| *p != "-").map(str::to_string);
                let idx = table.chain_index(name);
                if let Some(c) = table.chains.get_mut(idx) {
                    // A chain line flushes the chain (iptables-restore semantics).
                    c.rules.clear();
                    c.policy = policy;
                }
                continue;
            }
            let tokens = tokenize(line).map_err(|m| err(lineno, &m))?;
            match tokens.first().map(String::as_str) {
                Some("-A") | Some("--append") => {
                    let rule = parse_rule(&tokens, line).map_err(|m| err(lineno, &m))?;
                    check_chain_name(&rule.chain).map_err(|m| err(lineno, &m))?;
                    let idx = table.chain_index(&rule.chain);
                    if let Some(c) = table.chains.get_mut(idx) {
                        c.rules.push(rule);
                    }
                }
                Some("-N") | Some("--new-chain") => {
                    let name = tokens.get(1).ok_or_else(|| err(lineno, "-N needs a chain"))?;
                    check_chain_name(name).map_err(|m| err(lineno, &m))?;
                    table.chain_index(name);
                }
                Some("-P") | Some("--policy") => {
                    let name = tokens.get(1).ok_or_else(|| err(lineno, "-P needs a chain"))?;
                    let policy = tokens.get(2).cloned();
                    let idx = table.chain_index(name);
                    if let Some(c) = table.chains.get_mut(idx) {
                        c.policy = policy;
                    }
                }
                Some("-X") | Some("--delete-chain") => {
                    let name = tokens.get(1).ok_or_else(|| err(lineno, "-X needs a chain"))?;
                    table.delete_chain(name);
                }
                _ => return Err(err(lineno, &format!("unsupported line: {line}"))),
            }
        }
        if current.is_some() {
            return Err(err(text.lines().count(), "missing COMMIT at the end"));
        }
        Ok(out)
    }

    /// Renders all tables as `iptables-save` does (without its timestamped comment lines).
    pub fn save_text(&self) -> String {
        let mut out = String::new();
        for t in &self.tables {
            out.push_str(&format!("*{}\n", t.name));
            let mut order: Vec<&Chain> = Vec::new();
            for b in BUILTIN_ORDER {
                if let Some(c) = t.chains.iter().find(|c| c.name == *b) {
                    order.push(c);
                }
            }
            let mut user: Vec<&Chain> =
                t.chains.iter().filter(|c| !BUILTIN_ORDER.contains(&c.name.as_str())).collect();
            crate::sort::sort_by(&mut user, |a, b| a.name.cmp(&b.name));
            order.extend(user);
            for c in &order {
                let policy = c.policy.as_deref().unwrap_or("-");
                out.push_str(&format!(":{} {} [0:0]\n", c.name, policy));
            }
            for c in &order {
                for r in &c.rules {
                    out.push_str(&r.save_text());
                    out.push('\n');
                }
            }
            out.push_str("COMMIT\n");
        }
        out
    }
}

fn merge_table(out: &mut RuleTable, t: Table) {
    if let Some(existing) = out.tables.iter_mut().find(|x| x.name == t.name) {
        for c in t.chains {
            let idx = existing.chain_index(&c.name);
            if let Some(e) = existing.chains.get_mut(idx) {
                if c.policy.is_some() {
                    e.policy = c.policy;
                }
                e.rules.extend(c.rules);
            }
        }
    } else {
        out.tables.push(t);
    }
}

/// A circle of jumps between the table's chains, as chain names (first repeated at the end),
/// if there is one. The kernel checks the same when a table is loaded (`mark_source_chains` in
/// net/ipv4/netfilter/ip_tables.c returns -ELOOP), so iptables-restore fails at COMMIT.
fn jump_loop(t: &Table) -> Option<Vec<String>> {
    let targets = |c: &Chain| -> Vec<usize> {
        c.rules
            .iter()
            .filter_map(|r| match &r.target {
                Some(Target::Jump(name)) => t.index.get(name).copied(),
                _ => None,
            })
            .collect()
    };
    // Iterative depth-first search: 0 unvisited, 1 on the stack, 2 done.
    let mut state = vec![0u8; t.chains.len()];
    for start in 0..t.chains.len() {
        if state[start] != 0 {
            continue;
        }
        let mut stack: Vec<(usize, Vec<usize>)> = vec![(start, targets(&t.chains[start]))];
        state[start] = 1;
        while let Some((node, next)) = stack.last_mut() {
            let node = *node;
            match next.pop() {
                Some(n) if state[n] == 1 => {
                    let from = stack.iter().position(|(c, _)| *c == n).unwrap_or(0);
                    let mut cycle: Vec<String> =
                        stack[from..].iter().map(|(c, _)| t.chains[*c].name.clone()).collect();
                    cycle.push(t.chains[n].name.clone());
                    return Some(cycle);
                }
                Some(n) if state[n] == 0 => {
                    state[n] = 1;
                    stack.push((n, targets(&t.chains[n])));
                }
                Some(_) => {}
                None => {
                    state[node] = 2;
                    stack.pop();
                }
            }
        }
    }
    None
}

/// Protocol names iptables knows without /etc/protocols (libxtables' `xtables_chain_protos`)
/// and the common /etc/protocols entries.
const KNOWN_PROTOCOLS: &[&str] = &[
    "all",
    "tcp",
    "udp",
    "udplite",
    "icmp",
    "icmpv6",
    "ipv6-icmp",
    "esp",
    "ah",
    "sctp",
    "mh",
    "gre",
    "ipip",
    "ipv6",
    "igmp",
    "dccp",
];

fn err(line: usize, message: &str) -> ParseError {
    ParseError { line, message: message.to_string() }
}

/// Splits a rule line into words; `"..."` groups words (with `\"` and `\\` escapes).
fn tokenize(line: &str) -> Result<Vec<String>, String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut in_word = false;
    let mut chars = line.chars();
    while let Some(c) = chars.next() {
        match c {
            '"' => {
                in_word = true;
                loop {
                    match chars.next() {
                        Some('"') => break,
                        Some('\\') => match chars.next() {
                            Some(n) => cur.push(n),
                            None => return Err("unterminated quote".into()),
                        },
                        Some(n) => cur.push(n),
                        None => return Err("unterminated quote".into()),
                    }
                }
            }
            c if c.is_whitespace() => {
                if in_word {
                    out.push(std::mem::take(&mut cur));
                    in_word = false;
                }
            }
            c => {
                in_word = true;
                cur.push(c);
            }
        }
    }
    if in_word {
        out.push(cur);
    }
    Ok(out)
}

fn parse_u32(s: &str) -> Option<u32> {
    if let Some(h) = s.strip_prefix("0x").or_else(|| s.strip_prefix("0X")) {
        u32::from_str_radix(h, 16).ok()
    } else {
        s.parse().ok()
    }
}

/// `value[/mask]`, mask defaulting to all ones.
fn parse_mark(s: &str) -> Option<(u32, u32)> {
    match s.split_once('/') {
        Some((v, m)) => Some((parse_u32(v)?, parse_u32(m)?)),
        None => Some((parse_u32(s)?, u32::MAX)),
    }
}

fn parse_rule(tokens: &[String], line: &str) -> Result<Rule, String> {
    let chain = tokens.get(1).ok_or("-A needs a chain name")?.clone();
    let mut rule = Rule {
        chain,
        src: None,
        dst: None,
        proto: None,
        matches: Vec::new(),
        target: None,
        text: line.to_string(),
    };
    let mut i = 2;
    let mut neg = false;
    let mut in_target = false;
    while let Some(tok) = tokens.get(i) {
        let tok = tok.as_str();
        let next = tokens.get(i + 1).map(String::as_str);
        let value = || next.ok_or_else(|| format!("{tok} needs a value"));
        let mut consumed = 1;
        let was_neg = neg;
        neg = false;
        match tok {
            "!" => {
                neg = true;
            }
            "-s" | "--source" | "--src" => {
                let v = value()?;
                let c = Cidr::parse_or_host(v).ok_or_else(|| format!("bad address {v:?}"))?;
                rule.src = Some((was_neg, c));
                consumed = 2;
            }
            "-d" | "--destination" | "--dst" => {
                let v = value()?;
                let c = Cidr::parse_or_host(v).ok_or_else(|| format!("bad address {v:?}"))?;
                rule.dst = Some((was_neg, c));
                consumed = 2;
            }
            "-p" | "--protocol" => {
                let p = value()?.to_ascii_lowercase();
                // iptables takes a number or a name from /etc/protocols (libxtables
                // xtables_parse_protocol); anything else: `unknown protocol "…" specified`.
                if !(KNOWN_PROTOCOLS.contains(&p.as_str()) || p.parse::<u8>().is_ok()) {
                    return Err(format!("unknown protocol {p:?} specified"));
                }
                rule.proto = Some((was_neg, p));
                consumed = 2;
            }
            "-m" | "--match" => {
                let m = value()?;
                rule.matches.push(match m {
                    "comment" => Match::Comment(String::new()),
                    "tcp" | "udp" | "sctp" => {
                        Match::Port { module: m.to_string(), sport: None, dport: None }
                    }
                    "addrtype" => Match::AddrType { src_type: None, dst_type: None },
                    "statistic" => Match::Statistic { probability: String::new() },
                    "recent" => Match::Recent {
                        name: "DEFAULT".to_string(),
                        action: RecentAction::Set,
                        seconds: None,
                        reap: false,
                    },
                    "mark" => Match::Mark { negated: false, value: 0, mask: u32::MAX },
                    "conntrack" => Match::Conntrack { negated: false, states: Vec::new() },
                    "nfacct" => Match::Nfacct { name: String::new() },
                    other => return Err(format!("match module {other:?} is not supported")),
                });
                consumed = 2;
            }
            "-j" | "--jump" => {
                let t = value()?;
                rule.target = Some(match t {
                    "ACCEPT" => Target::Accept,
                    "DROP" => Target::Drop,
                    "RETURN" => Target::Return,
                    "REJECT" => Target::Reject { with: None },
                    "DNAT" => Target::Dnat { to: String::new() },
                    "MASQUERADE" => Target::Masquerade { random_fully: false },
                    "MARK" => Target::Mark { xor: 0, mask: 0 },
                    other
                        if other.chars().all(|c| {
                            c.is_ascii_uppercase() || c.is_ascii_digit() || c == '-' || c == '_'
                        }) && other.starts_with("KUBE-") =>
                    {
                        Target::Jump(other.to_string())
                    }
                    other
                        if other
                            .chars()
                            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_') =>
                    {
                        Target::Jump(other.to_string())
                    }
                    other => return Err(format!("bad target {other:?}")),
                });
                in_target = true;
                consumed = 2;
            }
            opt if in_target => {
                consumed = target_option(&mut rule.target, opt, next)?;
            }
            opt => {
                consumed = match_option(&mut rule, opt, next, was_neg)?;
            }
        }
        i += consumed;
    }
    if let Some(Target::Dnat { to }) = &rule.target {
        if to.is_empty() {
            return Err("DNAT needs --to-destination".into());
        }
    }
    for m in &rule.matches {
        if let Match::Statistic { probability } = m {
            if probability.parse::<f64>().is_err() {
                return Err("statistic needs --mode random --probability P".into());
            }
        }
        // libxt_conntrack.c `conntrack_mt_check`: "At least one option is required". Without
        // this, `-m conntrack` alone parsed and its save form (`--ctstate` with no states)
        // did not (found by the rules_parser fuzz target).
        if let Match::Conntrack { states, .. } = m {
            if states.is_empty() {
                return Err("conntrack: At least one option is required".into());
            }
        }
    }
    Ok(rule)
}

fn target_option(
    target: &mut Option<Target>,
    opt: &str,
    next: Option<&str>,
) -> Result<usize, String> {
    let value = || next.ok_or_else(|| format!("{opt} needs a value"));
    match (target.as_mut(), opt) {
        (Some(Target::Dnat { to }), "--to-destination") => {
            *to = value()?.to_string();
            Ok(2)
        }
        (Some(Target::Masquerade { random_fully }), "--random-fully") => {
            *random_fully = true;
            Ok(1)
        }
        (Some(Target::Reject { with }), "--reject-with") => {
            *with = Some(value()?.to_string());
            Ok(2)
        }
        (Some(Target::Mark { xor, mask }), "--or-mark") => {
            let v = parse_u32(value()?).ok_or("bad mark")?;
            *xor = v;
            *mask = v;
            Ok(2)
        }
        (Some(Target::Mark { xor, mask }), "--xor-mark") => {
            *xor = parse_u32(value()?).ok_or("bad mark")?;
            *mask = 0;
            Ok(2)
        }
        (Some(Target::Mark { xor, mask }), "--set-xmark") => {
            let (v, m) = parse_mark(value()?).ok_or("bad mark")?;
            *xor = v;
            *mask = m;
            Ok(2)
        }
        (Some(Target::Mark { xor, mask }), "--set-mark") => {
            let (v, m) = parse_mark(value()?).ok_or("bad mark")?;
            *xor = v;
            *mask = m | v;
            Ok(2)
        }
        _ => Err(format!("unsupported target option {opt}")),
    }
}

fn parse_port(v: &str) -> Result<u16, String> {
    v.parse::<u16>().map_err(|_| format!("bad port {v:?}"))
}

fn match_option(
    rule: &mut Rule,
    opt: &str,
    next: Option<&str>,
    neg: bool,
) -> Result<usize, String> {
    let value = || next.ok_or_else(|| format!("{opt} needs a value"));
    // Options belong to the most recent match module that takes them.
    let find = |rule: &mut Rule, pred: fn(&Match) -> bool| -> Option<usize> {
        rule.matches.iter().rposition(pred)
    };
    match opt {
        "--dport" | "--destination-port" | "--sport" | "--source-port" => {
            let port = parse_port(value()?)?;
            let idx = match find(rule, |m| matches!(m, Match::Port { .. })) {
                Some(i) => i,
                None => {
                    // `-p tcp --dport N` loads the tcp match implicitly.
                    let module = match &rule.proto {
                        Some((false, p)) if matches!(p.as_str(), "tcp" | "udp" | "sctp") => {
                            p.clone()
                        }
                        // iptables: the protocol's match has no such option.
                        Some((false, _)) => return Err(format!("unknown option \"{opt}\"")),
                        _ => return Err(format!("{opt} needs -p tcp|udp|sctp")),
                    };
                    rule.matches.push(Match::Port { module, sport: None, dport: None });
                    rule.matches.len() - 1
                }
            };
            if let Some(Match::Port { sport, dport, .. }) = rule.matches.get_mut(idx) {
                if opt.contains("dport") || opt.contains("destination") {
                    *dport = Some((neg, port));
                } else {
                    *sport = Some((neg, port));
                }
            }
            Ok(2)
        }
        "--comment" => {
            let v = value()?.to_string();
            match find(rule, |m| matches!(m, Match::Comment(_)))
                .and_then(|i| rule.matches.get_mut(i))
            {
                Some(Match::Comment(c)) => *c = v,
                _ => return Err("--comment needs -m comment".into()),
            }
            Ok(2)
        }
        "--src-type" | "--dst-type" => {
            let v = value()?.to_string();
            // libxt_addrtype.c `rtn_names`, any case, comma-separated: anything else is
            // "addrtype: invalid type" (and could not be printed back unquoted).
            const TYPES: [&str; 12] = [
                "UNSPEC",
                "UNICAST",
                "LOCAL",
                "BROADCAST",
                "ANYCAST",
                "MULTICAST",
                "BLACKHOLE",
                "UNREACHABLE",
                "PROHIBIT",
                "THROW",
                "NAT",
                "XRESOLVE",
            ];
            if v.split(',').any(|t| !TYPES.iter().any(|k| k.eq_ignore_ascii_case(t))) {
                return Err(format!("addrtype: invalid type \"{v}\""));
            }
            match find(rule, |m| matches!(m, Match::AddrType { .. }))
                .and_then(|i| rule.matches.get_mut(i))
            {
                Some(Match::AddrType { src_type, dst_type }) => {
                    if opt == "--src-type" {
                        *src_type = Some((neg, v));
                    } else {
                        *dst_type = Some((neg, v));
                    }
                }
                _ => return Err(format!("{opt} needs -m addrtype")),
            }
            Ok(2)
        }
        "--mode" => {
            if value()? != "random" {
                return Err("only --mode random is supported".into());
            }
            Ok(2)
        }
        "--probability" => {
            let v = value()?.to_string();
            match find(rule, |m| matches!(m, Match::Statistic { .. }))
                .and_then(|i| rule.matches.get_mut(i))
            {
                Some(Match::Statistic { probability }) => *probability = v,
                _ => return Err("--probability needs -m statistic".into()),
            }
            Ok(2)
        }
        "--name" | "--set" | "--rcheck" | "--update" | "--seconds" | "--reap" | "--mask"
        | "--rsource" => {
            let takes_value = matches!(opt, "--name" | "--seconds" | "--mask");
            let v = if takes_value { Some(value()?.to_string()) } else { None };
            match find(rule, |m| matches!(m, Match::Recent { .. }))
                .and_then(|i| rule.matches.get_mut(i))
            {
                Some(Match::Recent { name, action, seconds, reap }) => match opt {
                    "--name" => *name = v.unwrap_or_default(),
                    "--set" => *action = RecentAction::Set,
                    "--rcheck" => *action = RecentAction::Rcheck,
                    "--update" => *action = RecentAction::Update,
                    "--seconds" => {
                        *seconds = Some(
                            v.unwrap_or_default()
                                .parse()
                                .map_err(|_| "bad --seconds".to_string())?,
                        )
                    }
                    "--reap" => *reap = true,
                    _ => {}
                },
                _ => return Err(format!("{opt} needs -m recent")),
            }
            Ok(if takes_value { 2 } else { 1 })
        }
        "--mark" => {
            let (v, m) = parse_mark(value()?).ok_or("bad mark")?;
            match find(rule, |m| matches!(m, Match::Mark { .. }))
                .and_then(|i| rule.matches.get_mut(i))
            {
                Some(Match::Mark { negated, value, mask }) => {
                    *negated = neg;
                    *value = v;
                    *mask = m;
                }
                _ => return Err("--mark needs -m mark".into()),
            }
            Ok(2)
        }
        "--ctstate" => {
            let v: Vec<String> = value()?.split(',').map(str::to_string).collect();
            // libxt_conntrack.c `conntrack_ps_state`: only these names (any case), else
            // `Bad ctstate "…"`. Accepting anything let a quoted phrase in, which the save
            // form then printed unquoted (found by the rules_parser fuzz target).
            const STATES: [&str; 7] =
                ["INVALID", "ESTABLISHED", "NEW", "RELATED", "UNTRACKED", "SNAT", "DNAT"];
            if let Some(bad) = v.iter().find(|s| !STATES.iter().any(|k| k.eq_ignore_ascii_case(s)))
            {
                return Err(format!("Bad ctstate \"{bad}\""));
            }
            match find(rule, |m| matches!(m, Match::Conntrack { .. }))
                .and_then(|i| rule.matches.get_mut(i))
            {
                Some(Match::Conntrack { negated, states }) => {
                    *negated = neg;
                    *states = v;
                }
                _ => return Err("--ctstate needs -m conntrack".into()),
            }
            Ok(2)
        }
        "--nfacct-name" => {
            let v = value()?.to_string();
            match find(rule, |m| matches!(m, Match::Nfacct { .. }))
                .and_then(|i| rule.matches.get_mut(i))
            {
                Some(Match::Nfacct { name }) => *name = v,
                _ => return Err("--nfacct-name needs -m nfacct".into()),
            }
            Ok(2)
        }
        other => Err(format!("unsupported option {other}")),
    }
}

const CT_ORDER: &[&str] =
    &["INVALID", "NEW", "RELATED", "ESTABLISHED", "UNTRACKED", "SNAT", "DNAT"];

fn save_quote(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        if c == '"' || c == '\\' {
            out.push('\\');
        }
        out.push(c);
    }
    out.push('"');
    out
}

/// `xtables_save_string` (libxtables/xtables.c), which `libxt_comment` saves with: a value made
/// only of letters, digits, `_` and `-` is printed bare; anything else in double quotes with `"`,
/// `\` and `'` escaped. (The restore text kube-proxy writes keeps its own quotes.)
fn save_string(s: &str) -> String {
    let bare =
        !s.is_empty() && s.chars().all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-');
    if bare {
        return s.to_string();
    }
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        if c == '"' || c == '\\' || c == '\'' {
            out.push('\\');
        }
        out.push(c);
    }
    out.push('"');
    out
}

fn neg_str(n: bool) -> &'static str {
    if n {
        "! "
    } else {
        ""
    }
}

impl Rule {
    /// The rule as `iptables-save` prints it back from the kernel.
    pub fn save_text(&self) -> String {
        let mut s = format!("-A {}", self.chain);
        if let Some((n, c)) = &self.src {
            s.push_str(&format!(" {}-s {c}", neg_str(*n)));
        }
        if let Some((n, c)) = &self.dst {
            s.push_str(&format!(" {}-d {c}", neg_str(*n)));
        }
        if let Some((n, p)) = &self.proto {
            s.push_str(&format!(" {}-p {p}", neg_str(*n)));
        }
        let v6 = matches!(&self.dst, Some((_, c)) if !c.is_ipv4())
            || matches!(&self.src, Some((_, c)) if !c.is_ipv4());
        for m in &self.matches {
            match m {
                Match::Comment(c) => {
                    s.push_str(&format!(" -m comment --comment {}", save_string(c)))
                }
                Match::Port { module, sport, dport } => {
                    s.push_str(&format!(" -m {module}"));
                    if let Some((n, p)) = sport {
                        s.push_str(&format!(" {}--sport {p}", neg_str(*n)));
                    }
                    if let Some((n, p)) = dport {
                        s.push_str(&format!(" {}--dport {p}", neg_str(*n)));
                    }
                }
                Match::AddrType { src_type, dst_type } => {
                    s.push_str(" -m addrtype");
                    if let Some((n, t)) = src_type {
                        s.push_str(&format!(" {}--src-type {t}", neg_str(*n)));
                    }
                    if let Some((n, t)) = dst_type {
                        s.push_str(&format!(" {}--dst-type {t}", neg_str(*n)));
                    }
                }
                Match::Statistic { probability } => s.push_str(&format!(
                    " -m statistic --mode random --probability {}",
                    probability_readback(probability)
                )),
                Match::Recent { name, action, seconds, reap } => {
                    s.push_str(" -m recent");
                    s.push_str(match action {
                        RecentAction::Set => " --set",
                        RecentAction::Rcheck => " --rcheck",
                        RecentAction::Update => " --update",
                    });
                    if let Some(sec) = seconds {
                        s.push_str(&format!(" --seconds {sec}"));
                    }
                    if *reap {
                        s.push_str(" --reap");
                    }
                    let mask = if v6 {
                        "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff"
                    } else {
                        "255.255.255.255"
                    };
                    s.push_str(&format!(" --name {name} --mask {mask} --rsource"));
                }
                Match::Mark { negated, value, mask } => {
                    if *mask == u32::MAX {
                        s.push_str(&format!(" -m mark {}--mark {value:#x}", neg_str(*negated)));
                    } else {
                        s.push_str(&format!(
                            " -m mark {}--mark {value:#x}/{mask:#x}",
                            neg_str(*negated)
                        ));
                    }
                }
                Match::Conntrack { negated, states } => {
                    let mut ordered: Vec<&str> = CT_ORDER
                        .iter()
                        .copied()
                        .filter(|o| states.iter().any(|s| s == o))
                        .collect();
                    for st in states {
                        if !CT_ORDER.contains(&st.as_str()) {
                            ordered.push(st);
                        }
                    }
                    s.push_str(&format!(
                        " -m conntrack {}--ctstate {}",
                        neg_str(*negated),
                        ordered.join(",")
                    ));
                }
                // libxt_nfacct prints the name bare; one with blanks or quotes (never kube-proxy's)
                // would not re-parse, so it is quoted as iptables-restore reads it back.
                Match::Nfacct { name } => {
                    let bare = !name.is_empty()
                        && !name.chars().any(|c| c.is_whitespace() || c == '"' || c == '\\');
                    let name = if bare { name.clone() } else { save_quote(name) };
                    s.push_str(&format!(" -m nfacct --nfacct-name  {name}"))
                }
            }
        }
        match &self.target {
            None => {}
            Some(Target::Jump(c)) => s.push_str(&format!(" -j {c}")),
            Some(Target::Accept) => s.push_str(" -j ACCEPT"),
            Some(Target::Drop) => s.push_str(" -j DROP"),
            Some(Target::Return) => s.push_str(" -j RETURN"),
            Some(Target::Reject { with }) => {
                let default = if v6 { "icmp6-port-unreachable" } else { "icmp-port-unreachable" };
                s.push_str(&format!(
                    " -j REJECT --reject-with {}",
                    with.as_deref().unwrap_or(default)
                ));
            }
            Some(Target::Dnat { to }) => s.push_str(&format!(" -j DNAT --to-destination {to}")),
            Some(Target::Masquerade { random_fully }) => {
                s.push_str(" -j MASQUERADE");
                if *random_fully {
                    s.push_str(" --random-fully");
                }
            }
            Some(Target::Mark { xor, mask }) => {
                s.push_str(&format!(" -j MARK --set-xmark {xor:#x}/{mask:#x}"))
            }
        }
        s
    }
}
