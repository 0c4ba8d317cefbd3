//! The packet walker over parsed nftables text: the same [`Trace`] the iptables walker
//! produces, with `Step.table` = `ip kube-proxy`, `Step.chain` = the chain, `Step.rule` = the
//! rule line or the map element that decided.
//!
//! Order (netfilter hooks, base chains by priority within a hook, creation order on ties):
//! a packet from a Pod or from another machine runs `prerouting`, then `input` when the
//! (possibly DNATed) destination is a local address, else `forward` and `postrouting`; a packet
//! from a process on the node runs `output` and `postrouting`, then `input` when it is
//! delivered locally. Only the first packet of a connection is modelled (`ct state new`).
//! Base-chain policy is accept; `dnat` and `masquerade` end their base chain; `jump` returns,
//! `goto` does not; a chain without a verdict returns (as upstream's `helpers_test.go`
//! `runChain`).
//!
//! [`walk`] follows every `numgen random mod N` branch with probability 1/N each (as upstream's
//! tracer) and treats dynamic (affinity) sets as empty; [`walk_seeded`] picks one branch
//! (`reciprocal_scale(random, N)` as the kernel's `nft_ng_random_gen`) from [`SplitMix64`] and
//! reads and updates affinity sets in [`AffinityState`] (the set's `timeout` bounds an entry's
//! age).
//!
//! Bounds: chain nesting ≤ 32, at most 4096 outcomes, at most 1,000,000 rules evaluated per
//! walk; beyond that the trace is marked `truncated`.

use std::net::IpAddr;

use super::super::walk::{
    AffinityState, Origin, Outcome, Packet, SplitMix64, Step, Trace, Verdict,
};
use super::super::NodeInfo;
use super::parse::Verdict as NftVerdict;
use super::parse::{AddrSet, Field, NftTables, PChain, PFamily, PRule, PSet, PTable, Side, Stmt};
use crate::model::IpFamily;

const MAX_DEPTH: u32 = 32;
const MAX_OUTCOMES: usize = 4096;
const MAX_STEPS: u32 = 1_000_000;

/// Follows every `numgen` branch (no affinity state).
pub fn walk(rules: &NftTables, node: &NodeInfo, packet: &Packet) -> Trace {
    Engine::new(node, packet, None, None).run(rules)
}

/// Chooses one `numgen` branch per lookup from `rng`, and consults and updates the affinity
/// sets in `affinity` (ClientIP session affinity).
pub fn walk_seeded(
    rules: &NftTables,
    node: &NodeInfo,
    packet: &Packet,
    rng: &mut SplitMix64,
    affinity: &mut AffinityState,
) -> Trace {
    Engine::new(node, packet, Some(rng), Some(affinity)).run(rules)
}

/// How a packet's way ends in the filter hooks.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Stop {
    Drop,
    Reject,
}

#[derive(Clone)]
struct World {
    share: f64,
    mark: u32,
    dst: IpAddr,
    dport: u16,
    dnat: Option<String>,
    marked: bool,
    masquerade: bool,
    accepted: bool,
    stop: Option<Stop>,
    path: Vec<Step>,
    /// Branch choices so far: outcomes are sorted by this (depth-first rule order).
    order: Vec<u32>,
}

/// How a chain was left.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Flow {
    /// Fell off the end or `return`ed: the caller continues.
    Continue,
    Accept,
    Drop,
    Reject,
    /// `dnat` / `masquerade`: the base chain is done.
    NatDone,
}

/// What happens after a rule.
enum Next {
    /// The rule did not match, or matched without a verdict: the next rule.
    NextRule,
    /// The chain is left with this flow.
    Leave(Flow),
}

struct Engine<'a> {
    node: &'a NodeInfo,
    packet: &'a Packet,
    rng: Option<&'a mut SplitMix64>,
    affinity: Option<&'a mut AffinityState>,
    outcomes_budget: usize,
    steps: u32,
    truncated: bool,
}

impl<'a> Engine<'a> {
    fn new(
        node: &'a NodeInfo,
        packet: &'a Packet,
        rng: Option<&'a mut SplitMix64>,
        affinity: Option<&'a mut AffinityState>,
    ) -> Engine<'a> {
        Engine {
            node,
            packet,
            rng,
            affinity,
            outcomes_budget: MAX_OUTCOMES,
            steps: 0,
            truncated: false,
        }
    }

    fn is_local(&self, ip: IpAddr) -> bool {
        ip.is_loopback() || self.node.ips.contains(&ip)
    }

    fn run(&mut self, rules: &NftTables) -> Trace {
        let family = IpFamily::of(self.packet.dst);
        let tables: Vec<&PTable> = rules
            .tables
            .iter()
            .filter(|t| match t.family {
                PFamily::Ip => family == IpFamily::IPv4,
                PFamily::Ip6 => family == IpFamily::IPv6,
                PFamily::Inet => true,
            })
            .collect();
        let start = World {
            share: 1.0,
            mark: 0,
            dst: self.packet.dst,
            dport: self.packet.dport,
            dnat: None,
            marked: false,
            masquerade: false,
            accepted: false,
            stop: None,
            path: Vec::new(),
            order: Vec::new(),
        };
        let from_node = self.packet.origin == Origin::FromNode;
        let first = if from_node { "output" } else { "prerouting" };
        let mut done: Vec<World> = Vec::new();
        for w in self.run_hook(&tables, first, vec![start]) {
            let local = self.is_local(w.dst);
            let hooks: &[&str] = match (from_node, local) {
                (true, true) => &["postrouting", "input"],
                (true, false) => &["postrouting"],
                (false, true) => &["input"],
                (false, false) => &["forward", "postrouting"],
            };
            let mut worlds = vec![w];
            for hook in hooks {
                worlds = self.run_hook(&tables, hook, worlds);
            }
            done.extend(worlds);
        }
        crate::sort::sort_by(&mut done, |a, b| a.order.cmp(&b.order));
        let outcomes = done
            .into_iter()
            .map(|w| Outcome {
                share: w.share,
                verdict: match w.stop {
                    Some(Stop::Reject) => Verdict::Reject,
                    Some(Stop::Drop) => Verdict::Drop,
                    None if w.dnat.is_some() => Verdict::Dnat,
                    None if w.accepted => Verdict::Accept,
                    None => Verdict::None,
                },
                path: w.path,
                dnat: w.dnat,
                marked: w.marked,
                masquerade: w.masquerade,
            })
            .collect();
        Trace { outcomes, truncated: self.truncated }
    }

    /// Runs every base chain of `hook` (all tables, by priority) over `worlds`; a dropped or
    /// rejected world skips the rest.
    fn run_hook(&mut self, tables: &[&PTable], hook: &str, worlds: Vec<World>) -> Vec<World> {
        let mut chains: Vec<(i32, usize, usize)> = Vec::new();
        for (ti, t) in tables.iter().enumerate() {
            for (prio, ci) in t.hooks.get(hook).map(Vec::as_slice).unwrap_or_default() {
                chains.push((*prio, ti, *ci));
            }
        }
        if tables.len() > 1 {
            crate::sort::sort_by(&mut chains, |a, b| a.0.cmp(&b.0));
        }
        let mut worlds = worlds;
        for (_, ti, ci) in chains {
            let (Some(t), Some(c)) =
                (tables.get(ti), tables.get(ti).and_then(|t| t.chains.get(ci)))
            else {
                continue;
            };
            let mut next = Vec::with_capacity(worlds.len());
            for w in worlds {
                if w.stop.is_some() {
                    next.push(w);
                    continue;
                }
                for (mut w, flow) in self.run_chain(t, c, w, 0) {
                    match flow {
                        Flow::Drop => w.stop = Some(Stop::Drop),
                        Flow::Reject => w.stop = Some(Stop::Reject),
                        Flow::Accept => w.accepted = true,
                        Flow::Continue if c.policy_drop => w.stop = Some(Stop::Drop),
                        Flow::Continue | Flow::NatDone => {}
                    }
                    next.push(w);
                }
            }
            worlds = next;
        }
        worlds
    }

    /// Runs `chain` to its end for `w`; every way out with its flow.
    fn run_chain(
        &mut self,
        t: &PTable,
        chain: &PChain,
        w: World,
        depth: u32,
    ) -> Vec<(World, Flow)> {
        let mut out = Vec::new();
        if depth >= MAX_DEPTH {
            self.truncated = true;
            out.push((w, Flow::Continue));
            return out;
        }
        // Worlds waiting at a rule index of this chain.
        let mut work: Vec<(World, usize)> = vec![(w, 0)];
        while let Some((mut w, mut idx)) = work.pop() {
            loop {
                let Some(rule) = chain.rules.get(idx) else {
                    out.push((w, Flow::Continue));
                    break;
                };
                self.steps += 1;
                if self.steps > MAX_STEPS {
                    self.truncated = true;
                    out.push((w, Flow::Continue));
                    break;
                }
                let mut results = self.eval_rule(t, chain, rule, w, depth);
                if results.len() == 1 {
                    match results.pop() {
                        Some((w2, Next::NextRule)) => {
                            w = w2;
                            idx += 1;
                            continue;
                        }
                        Some((w2, Next::Leave(flow))) => out.push((w2, flow)),
                        None => {}
                    }
                    break;
                }
                for (w2, next) in results {
                    match next {
                        Next::NextRule => work.push((w2, idx + 1)),
                        Next::Leave(flow) => out.push((w2, flow)),
                    }
                }
                break;
            }
        }
        out
    }

    fn step(&self, t: &PTable, chain: &PChain, rule: &str) -> Step {
        Step {
            table: t.label.clone(),
            chain: chain.name.clone(),
            rule: rule.to_string(),
            probability: None,
            note: None,
        }
    }

    /// One rule for one world: its matches, side effects and verdict.
    fn eval_rule(
        &mut self,
        t: &PTable,
        chain: &PChain,
        rule: &PRule,
        mut w: World,
        depth: u32,
    ) -> Vec<(World, Next)> {
        let mut recorded = false;
        for stmt in &rule.stmts {
            match stmt {
                Stmt::Addr { .. }
                | Stmt::FibLocal { .. }
                | Stmt::CtState { .. }
                | Stmt::L4proto { .. }
                | Stmt::Dport { .. }
                | Stmt::MarkMatch { .. }
                | Stmt::Lookup { vmap: false, .. } => {
                    if !self.holds(t, stmt, &w) {
                        return vec![(w, Next::NextRule)];
                    }
                }
                Stmt::MarkSet { and, xor, or } => {
                    if !recorded {
                        w.path.push(self.step(t, chain, &rule.text));
                        recorded = true;
                    }
                    w.mark = ((w.mark & and) ^ xor) | or;
                    if *or != 0 {
                        w.marked = true;
                    }
                }
                Stmt::Update { set, key } => {
                    let ip = if *key == Field::Saddr { self.packet.src } else { w.dst };
                    if let Some(a) = self.affinity.as_mut() {
                        a.set(set, ip);
                    }
                }
                Stmt::Lookup { key, set, vmap: true } => {
                    let k = self.key(key, &w);
                    let Some(el) = t.set(set).and_then(|s| s.find(&k)) else {
                        return vec![(w, Next::NextRule)];
                    };
                    if !recorded {
                        w.path.push(self.step(t, chain, &rule.text));
                    }
                    let mut s = self.step(t, chain, &el.text);
                    s.note = Some(format!("element of @{set}"));
                    w.path.push(s);
                    let Some(v) = el.value.as_ref() else {
                        return vec![(w, Next::NextRule)];
                    };
                    return self.verdict(t, v, w, depth);
                }
                Stmt::Numgen { modulus, entries } => {
                    if !recorded {
                        w.path.push(self.step(t, chain, &rule.text));
                    }
                    return self.numgen(t, chain, rule, *modulus, entries, w, depth);
                }
                Stmt::Dnat { to } => {
                    if !recorded {
                        w.path.push(self.step(t, chain, &rule.text));
                    }
                    let (ip, port) = split_host_port(to);
                    if let Ok(ip) = ip.parse() {
                        w.dst = ip;
                    }
                    if let Some(p) = port.and_then(|p| p.parse().ok()) {
                        w.dport = p;
                    }
                    w.dnat = Some(to.clone());
                    return vec![(w, Next::Leave(Flow::NatDone))];
                }
                Stmt::Masquerade => {
                    if !recorded {
                        w.path.push(self.step(t, chain, &rule.text));
                    }
                    w.masquerade = true;
                    return vec![(w, Next::Leave(Flow::NatDone))];
                }
                Stmt::Verdict(v) => {
                    if !recorded {
                        w.path.push(self.step(t, chain, &rule.text));
                    }
                    return self.verdict(t, v, w, depth);
                }
            }
        }
        if !recorded {
            w.path.push(self.step(t, chain, &rule.text));
        }
        vec![(w, Next::NextRule)]
    }

    /// Applies a verdict (rule end or map value).
    fn verdict(&mut self, t: &PTable, v: &NftVerdict, w: World, depth: u32) -> Vec<(World, Next)> {
        match v {
            NftVerdict::Accept => vec![(w, Next::Leave(Flow::Accept))],
            NftVerdict::Drop => vec![(w, Next::Leave(Flow::Drop))],
            NftVerdict::Reject => vec![(w, Next::Leave(Flow::Reject))],
            NftVerdict::Return => vec![(w, Next::Leave(Flow::Continue))],
            NftVerdict::Continue => vec![(w, Next::NextRule)],
            NftVerdict::Jump(c) | NftVerdict::Goto(c) => {
                let goto = matches!(v, NftVerdict::Goto(_));
                let Some((_, target)) = t.chain(c) else {
                    // A missing chain cannot be loaded; keep the walk total anyway.
                    return vec![(w, Next::NextRule)];
                };
                self.run_chain(t, target, w, depth + 1)
                    .into_iter()
                    .map(|(w, flow)| match (flow, goto) {
                        (Flow::Continue, false) => (w, Next::NextRule),
                        (flow, _) => (w, Next::Leave(flow)),
                    })
                    .collect()
            }
        }
    }

    #[allow(clippy::too_many_arguments)]
    fn numgen(
        &mut self,
        t: &PTable,
        chain: &PChain,
        rule: &PRule,
        modulus: u32,
        entries: &[(u32, NftVerdict)],
        w: World,
        depth: u32,
    ) -> Vec<(World, Next)> {
        let n = f64::from(modulus.max(1));
        if let Some(rng) = self.rng.as_mut() {
            // `nft_ng_random_gen`: reciprocal_scale(prandom_u32(), modulus).
            let pick = ((u64::from(rng.next_u32()) * u64::from(modulus)) >> 32) as u32;
            let mut w = w;
            if let Some(last) = w.path.last_mut() {
                last.note = Some(format!("numgen picked {pick} of {modulus}"));
            }
            return match entries.iter().find(|(i, _)| *i == pick) {
                Some((_, v)) => self.verdict(t, v, w, depth),
                None => vec![(w, Next::NextRule)],
            };
        }
        let mut out = Vec::new();
        let mut valid: Vec<(u32, &NftVerdict)> = Vec::new();
        for (i, v) in entries {
            if *i < modulus && !valid.iter().any(|(j, _)| j == i) {
                valid.push((*i, v));
            }
        }
        let missing = modulus - u32::try_from(valid.len()).unwrap_or(modulus);
        for (k, (i, v)) in valid.into_iter().enumerate() {
            if k > 0 {
                if self.outcomes_budget == 0 {
                    self.truncated = true;
                    return out;
                }
                self.outcomes_budget -= 1;
            }
            let mut b = w.clone();
            b.share *= 1.0 / n;
            b.order.push(i);
            if let Some(last) = b.path.last_mut() {
                last.probability = Some(1.0 / n);
                last.note = Some(format!("numgen {i} of {modulus}: {}", verdict_text(v)));
            }
            out.extend(self.verdict(t, v, b, depth));
        }
        if missing > 0 {
            // Indices without an element: the vmap lookup misses and the next rule runs.
            if !out.is_empty() {
                if self.outcomes_budget == 0 {
                    self.truncated = true;
                    return out;
                }
                self.outcomes_budget -= 1;
            }
            let mut b = w;
            b.share *= f64::from(missing) / n;
            b.order.push(modulus);
            if let Some(last) = b.path.last_mut() {
                last.probability = Some(f64::from(missing) / n);
                last.note = Some("numgen: no element for this index".into());
            }
            out.push((b, Next::NextRule));
        }
        let _ = (chain, rule);
        out
    }

    /// A lookup key: the packet's fields joined as element keys are (`a . b . c`).
    fn key(&self, fields: &[Field], w: &World) -> String {
        let mut out = String::new();
        for (i, f) in fields.iter().enumerate() {
            if i > 0 {
                out.push_str(" . ");
            }
            match f {
                Field::Saddr => out.push_str(&self.packet.src.to_string()),
                Field::Daddr => out.push_str(&w.dst.to_string()),
                Field::L4proto => out.push_str(self.packet.proto.lower()),
                Field::Dport => out.push_str(&w.dport.to_string()),
            }
        }
        out
    }

    fn in_set(&mut self, set: Option<&PSet>, ip: IpAddr) -> bool {
        let Some(set) = set else { return false };
        if set.find(&ip.to_string()).is_some() {
            return true;
        }
        match (self.affinity.as_mut(), set.timeout) {
            (Some(a), timeout) => a.check(&set.name, ip, timeout, true),
            (None, _) => false,
        }
    }

    /// Whether a match statement holds for `w`.
    fn holds(&mut self, t: &PTable, stmt: &Stmt, w: &World) -> bool {
        let p = self.packet;
        match stmt {
            Stmt::Addr { side, neg, set } => {
                let ip = if *side == Side::Src { p.src } else { w.dst };
                let m = match set {
                    AddrSet::Cidrs(c) => c.iter().any(|c| c.contains(ip)),
                    AddrSet::Named(name) => self.in_set(t.set(name), ip),
                };
                m != *neg
            }
            Stmt::FibLocal { side, neg } => {
                let ip = if *side == Side::Src { p.src } else { w.dst };
                self.is_local(ip) != *neg
            }
            // The first packet of a connection.
            Stmt::CtState { neg, states } => states.iter().any(|s| s == "new") != *neg,
            Stmt::L4proto { neg, proto } => (proto == p.proto.lower()) != *neg,
            Stmt::Dport { proto, neg, port } => {
                let proto_ok = proto.as_deref().is_none_or(|x| x == p.proto.lower());
                proto_ok && ((w.dport == *port) != *neg)
            }
            Stmt::MarkMatch { mask, value, neg } => ((w.mark & mask) == *value) != *neg,
            Stmt::Lookup { key, set, .. } => {
                let k = self.key(key, w);
                t.set(set).and_then(|s| s.find(&k)).is_some()
            }
            _ => true,
        }
    }
}

fn verdict_text(v: &NftVerdict) -> String {
    match v {
        NftVerdict::Accept => "accept".into(),
        NftVerdict::Drop => "drop".into(),
        NftVerdict::Reject => "reject".into(),
        NftVerdict::Return => "return".into(),
        NftVerdict::Continue => "continue".into(),
        NftVerdict::Jump(c) => format!("jump {c}"),
        NftVerdict::Goto(c) => format!("goto {c}"),
    }
}

/// `10.0.0.1:80`, `[fd00::1]:80`, `10.0.0.1` (no port).
fn split_host_port(s: &str) -> (&str, Option<&str>) {
    if let Some(rest) = s.strip_prefix('[') {
        if let Some((ip, port)) = rest.split_once("]:") {
            return (ip, Some(port));
        }
        return (rest.trim_end_matches(']'), None);
    }
    match s.split_once(':') {
        Some((ip, port)) if !port.contains(':') => (ip, Some(port)),
        _ => (s, None),
    }
}
