//! The packet walker: evaluates one packet over parsed rules in kernel order.
//!
//! Order (netfilter hooks): nat PREROUTING (or nat OUTPUT for packets from a local process) →
//! the DNAT rewrite → filter INPUT (destination local), FORWARD (routed) or OUTPUT (local
//! process) → nat POSTROUTING (not for local delivery). Only the parsed rules decide: chains,
//! matches and targets are interpreted as the kernel does for a connection's first packet
//! (conntrack state NEW, plus DNAT once rewritten). Built-in chain policies are ACCEPT.
//!
//! Two modes: [`walk`] follows every `-m statistic` branch (both outcomes, with the share of
//! traffic each gets, like upstream's `iptablesTracer`) and treats `-m recent --rcheck` as not
//! matching; [`walk_seeded`] picks one branch per statistic rule with the kernel's test
//! `(random & 0x7FFFFFFF) < lround(p * 2^31)` using [`SplitMix64`], and evaluates `-m recent`
//! against an explicit [`AffinityState`] (ClientIP affinity).
//!
//! Bounds: chain nesting ≤ 32, at most 4096 outcomes per walk; beyond that the trace is marked
//! `truncated`.

use std::collections::BTreeMap;
use std::net::IpAddr;

use serde::{Deserialize, Serialize};

use super::names::probability_fixed;
use super::rules::{Chain, Match, RecentAction, Rule, RuleTable, Table, Target};
use super::NodeInfo;
use crate::model::Protocol;

const MAX_DEPTH: u32 = 32;
const MAX_OUTCOMES: usize = 4096;
/// Rules evaluated per walk at most: a table without loops can still branch exponentially
/// (many statistic rules jumping into chains with more of them); the walk stops, truncated.
const MAX_STEPS: u32 = 1_000_000;

/// Where the packet comes from, which decides the first hook.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Origin {
    /// A Pod on this node (enters through its veth: nat PREROUTING, then filter FORWARD/INPUT).
    FromPod,
    /// A process on the node itself (nat OUTPUT, filter OUTPUT).
    FromNode,
    /// Another machine (nat PREROUTING).
    FromOutside,
}

impl Origin {
    /// Guesses the origin from the source address: a local address of the node → `FromNode`,
    /// inside the cluster CIDR → `FromPod`, otherwise `FromOutside`.
    pub fn infer(src: IpAddr, node: &NodeInfo, cluster_cidr: Option<&crate::net::Cidr>) -> Origin {
        if src.is_loopback() || node.ips.contains(&src) {
            Origin::FromNode
        } else if cluster_cidr.is_some_and(|c| c.contains(src)) {
            Origin::FromPod
        } else {
            Origin::FromOutside
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Origin::FromPod => "pod",
            Origin::FromNode => "node",
            Origin::FromOutside => "outside",
        }
    }
}

/// The first packet of a connection.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Packet {
    pub src: IpAddr,
    pub dst: IpAddr,
    pub dport: u16,
    pub proto: Protocol,
    pub origin: Origin,
}

/// One matched rule (or a note such as a probability branch) on the way.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Step {
    pub table: String,
    pub chain: String,
    /// The rule as written in the parsed text (empty for policy/branch notes).
    pub rule: String,
    /// For statistic rules: the share of traffic that took this rule, given it got here.
    pub probability: Option<f64>,
    /// Extra explanation (`not taken (p=...)`, `policy ACCEPT`, …).
    pub note: Option<String>,
}

/// Final decision for one branch.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "UPPERCASE")]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub enum Verdict {
    Dnat,
    Reject,
    Drop,
    Accept,
    None,
}

impl Verdict {
    pub fn as_str(self) -> &'static str {
        match self {
            Verdict::Dnat => "DNAT",
            Verdict::Reject => "REJECT",
            Verdict::Drop => "DROP",
            Verdict::Accept => "ACCEPT",
            Verdict::None => "NONE",
        }
    }
}

/// One way the packet can go (one combination of statistic branches).
#[derive(Clone, Debug, PartialEq)]
pub struct Outcome {
    /// Share of new connections that take this way (1.0 in seeded mode).
    pub share: f64,
    pub path: Vec<Step>,
    /// `--to-destination` of the DNAT, if any.
    pub dnat: Option<String>,
    /// Marked by KUBE-MARK-MASQ at some point.
    pub marked: bool,
    /// Source NAT by a MASQUERADE rule in nat POSTROUTING.
    pub masquerade: bool,
    pub verdict: Verdict,
}

/// A possible DNAT target with the share of traffic it gets.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Destination {
    pub ip: String,
    pub port: u16,
    pub probability: f64,
}

/// Everything the walk found.
#[derive(Clone, Debug, PartialEq, Default)]
pub struct Trace {
    pub outcomes: Vec<Outcome>,
    pub truncated: bool,
}

impl Trace {
    /// DNAT targets in rule order, shares summed per target.
    pub fn destinations(&self) -> Vec<Destination> {
        let mut out: Vec<Destination> = Vec::new();
        for o in &self.outcomes {
            let Some(to) = &o.dnat else { continue };
            if o.verdict != Verdict::Dnat {
                continue;
            }
            let (ip, port) = split_host_port(to);
            match out.iter_mut().find(|d| d.ip == ip && d.port == port) {
                Some(d) => d.probability += o.share,
                None => out.push(Destination { ip, port, probability: o.share }),
            }
        }
        out
    }

    /// DNAT when any branch is DNATed, otherwise the first branch's verdict.
    pub fn verdict(&self) -> Verdict {
        if self.outcomes.iter().any(|o| o.verdict == Verdict::Dnat) {
            Verdict::Dnat
        } else {
            self.outcomes.first().map(|o| o.verdict).unwrap_or(Verdict::None)
        }
    }

    /// Whether any branch is masqueraded.
    pub fn masquerade(&self) -> bool {
        self.outcomes.iter().any(|o| o.masquerade)
    }

    /// Whether any branch jumped to KUBE-MARK-MASQ (upstream tracer's `masq`).
    pub fn marked(&self) -> bool {
        self.outcomes.iter().any(|o| o.marked)
    }

    /// Upstream `tracePacket` output: `"ip:port, ip:port"`, `REJECT`, `DROP`, `ACCEPT` or `""`.
    pub fn upstream_output(&self) -> String {
        let d = self.destinations();
        if !d.is_empty() {
            return d.iter().map(|d| join(&d.ip, d.port)).collect::<Vec<_>>().join(", ");
        }
        match self.verdict() {
            Verdict::Reject => "REJECT".into(),
            Verdict::Drop => "DROP".into(),
            Verdict::Accept => "ACCEPT".into(),
            _ => String::new(),
        }
    }
}

fn join(ip: &str, port: u16) -> String {
    if ip.contains(':') {
        format!("[{ip}]:{port}")
    } else {
        format!("{ip}:{port}")
    }
}

fn split_host_port(s: &str) -> (String, u16) {
    if let Some(rest) = s.strip_prefix('[') {
        if let Some((ip, port)) = rest.split_once("]:") {
            return (ip.to_string(), port.parse().unwrap_or(0));
        }
    }
    match s.rsplit_once(':') {
        Some((ip, port)) => (ip.to_string(), port.parse().unwrap_or(0)),
        None => (s.to_string(), 0),
    }
}

/// splitmix64 (Steele, Lea, Flood 2014): a tiny deterministic PRNG for seeded walks.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SplitMix64 {
    pub state: u64,
}

impl SplitMix64 {
    pub fn new(seed: u64) -> Self {
        SplitMix64 { state: seed }
    }
    pub fn next_u64(&mut self) -> u64 {
        self.state = self.state.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.state;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    pub fn next_u32(&mut self) -> u32 {
        (self.next_u64() >> 32) as u32
    }
}

/// `xt_recent` lists: list name → source address → last-seen time (seconds).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct AffinityState {
    /// The current time in seconds (the caller advances it between requests).
    pub now: u64,
    pub lists: BTreeMap<String, BTreeMap<IpAddr, u64>>,
}

impl AffinityState {
    pub(crate) fn check(
        &mut self,
        name: &str,
        src: IpAddr,
        seconds: Option<u64>,
        reap: bool,
    ) -> bool {
        let now = self.now;
        let Some(list) = self.lists.get_mut(name) else {
            return false;
        };
        if let (true, Some(s)) = (reap, seconds) {
            list.retain(|_, t| now.saturating_sub(*t) < s);
        }
        match (list.get(&src), seconds) {
            (Some(t), Some(s)) => now.saturating_sub(*t) < s,
            (Some(_), None) => true,
            (None, _) => false,
        }
    }
    pub(crate) fn set(&mut self, name: &str, src: IpAddr) {
        self.lists.entry(name.to_string()).or_default().insert(src, self.now);
    }
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
    path: Vec<Step>,
}

/// One way's final record.
fn outcome(w: World, flow: Flow) -> Outcome {
    let verdict = match flow {
        Flow::Reject => Verdict::Reject,
        Flow::Drop => Verdict::Drop,
        _ if w.dnat.is_some() => Verdict::Dnat,
        Flow::Accept => Verdict::Accept,
        _ => Verdict::None,
    };
    Outcome {
        share: w.share,
        path: w.path,
        dnat: w.dnat,
        marked: w.marked,
        masquerade: w.masquerade,
        verdict,
    }
}

/// The verdict of two filter hooks in a row (OUTPUT, then INPUT over loopback): the second
/// decides unless it only fell through, then an explicit ACCEPT of the first stands.
fn combine(first: Flow, second: Flow) -> Flow {
    match second {
        Flow::Continue | Flow::NatDone => first,
        f => f,
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Flow {
    /// Fell off the chain or RETURNed: the caller continues.
    Continue,
    Accept,
    Drop,
    Reject,
    /// nat terminal targets (DNAT, MASQUERADE): stop this table.
    NatDone,
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

/// Follows every probability branch (no affinity state).
pub fn walk(rules: &RuleTable, node: &NodeInfo, packet: &Packet) -> Trace {
    let mut e = Engine {
        node,
        packet,
        rng: None,
        affinity: None,
        outcomes_budget: MAX_OUTCOMES,
        steps: 0,
        truncated: false,
    };
    e.run(rules)
}

/// Chooses one branch per statistic rule from `rng`, and applies/consults `-m recent` lists in
/// `affinity` (ClientIP session affinity).
pub fn walk_seeded(
    rules: &RuleTable,
    node: &NodeInfo,
    packet: &Packet,
    rng: &mut SplitMix64,
    affinity: &mut AffinityState,
) -> Trace {
    let mut e = Engine {
        node,
        packet,
        rng: Some(rng),
        affinity: Some(affinity),
        outcomes_budget: MAX_OUTCOMES,
        steps: 0,
        truncated: false,
    };
    e.run(rules)
}

enum Hit {
    No,
    Yes,
    /// A statistic match with this stored probability (of 2^31).
    Branch(u32),
}

impl Engine<'_> {
    fn is_local(&self, ip: IpAddr) -> bool {
        ip.is_loopback() || self.node.ips.contains(&ip)
    }

    fn run(&mut self, rules: &RuleTable) -> Trace {
        let start = World {
            share: 1.0,
            mark: 0,
            dst: self.packet.dst,
            dport: self.packet.dport,
            dnat: None,
            marked: false,
            masquerade: false,
            path: Vec::new(),
        };
        let from_node = self.packet.origin == Origin::FromNode;
        // 1. nat PREROUTING / OUTPUT.
        let nat = rules.table("nat");
        let after_nat: Vec<World> = match nat {
            Some(t) => {
                let hook = if from_node { "OUTPUT" } else { "PREROUTING" };
                let entry = if t.chain(hook).is_some_and(|c| !c.rules.is_empty()) {
                    hook
                } else {
                    // Bare restore input without built-in jumps: enter kube-proxy's chain.
                    "KUBE-SERVICES"
                };
                self.run_chain(t, entry, start, 0).into_iter().map(|(w, _)| w).collect()
            }
            None => vec![start],
        };
        // 2. filter, 3. nat POSTROUTING (and, for the node's connections to itself, the
        // loopback delivery through filter INPUT).
        let mut outcomes = Vec::new();
        for w in after_nat {
            let local_dst = self.is_local(w.dst);
            let hook = if from_node {
                "OUTPUT"
            } else if local_dst {
                "INPUT"
            } else {
                "FORWARD"
            };
            for (w, flow) in self.run_filter(rules, hook, w) {
                let stopped = matches!(flow, Flow::Reject | Flow::Drop);
                // POSTROUTING for packets that leave (or are locally generated).
                let w = if !stopped && (from_node || !local_dst) {
                    self.run_postrouting(nat, w)
                } else {
                    w
                };
                if !stopped && from_node && local_dst {
                    // A locally generated packet for a local address is delivered over
                    // loopback: after OUTPUT and POSTROUTING it passes filter INPUT too
                    // (where kube-proxy's "health check service ports" jump accepts
                    // healthCheckNodePorts; upstream's TestTracePacket, "ACCEPT
                    // (NodePortHealthCheck)" from the node to its own IP).
                    for (w, input) in self.run_filter(rules, "INPUT", w) {
                        outcomes.push(outcome(w, combine(flow, input)));
                    }
                } else {
                    outcomes.push(outcome(w, flow));
                }
            }
        }
        Trace { outcomes, truncated: self.truncated }
    }

    /// One filter hook: its built-in chain, or (bare restore input without the built-in jumps)
    /// kube-proxy's filter chains in turn, as upstream's tracer runs them.
    fn run_filter(&mut self, rules: &RuleTable, hook: &str, w: World) -> Vec<(World, Flow)> {
        let Some(t) = rules.table("filter") else {
            return vec![(w, Flow::Continue)];
        };
        if t.chain(hook).is_some_and(|c| !c.rules.is_empty()) {
            return self.run_chain(t, hook, w, 0);
        }
        let mut cur = vec![(w, Flow::Continue)];
        for c in
            ["KUBE-SERVICES", "KUBE-EXTERNAL-SERVICES", "KUBE-NODEPORTS", "KUBE-PROXY-FIREWALL"]
        {
            let mut next = Vec::new();
            for (w, f) in cur {
                if f != Flow::Continue || t.chain(c).is_none() {
                    next.push((w, f));
                } else {
                    next.extend(self.run_chain(t, c, w, 0));
                }
            }
            cur = next;
        }
        cur
    }

    /// nat POSTROUTING (or KUBE-POSTROUTING in a bare restore input): the masquerade.
    fn run_postrouting(&mut self, nat: Option<&Table>, w: World) -> World {
        let Some(t) = nat else { return w };
        let entry = if t.chain("POSTROUTING").is_some_and(|c| !c.rules.is_empty()) {
            "POSTROUTING"
        } else if t.chain("KUBE-POSTROUTING").is_some() {
            "KUBE-POSTROUTING"
        } else {
            return w;
        };
        let mut r = self.run_chain(t, entry, w.clone(), 0);
        // POSTROUTING never branches on statistic in kube-proxy's rules; keep the first
        // result to stay total if a text does.
        if r.is_empty() {
            w
        } else {
            r.swap_remove(0).0
        }
    }

    fn run_chain(&mut self, t: &Table, name: &str, w: World, depth: u32) -> Vec<(World, Flow)> {
        let mut out = Vec::new();
        match t.chain(name) {
            Some(c) if depth < MAX_DEPTH => self.run_from(t, c, 0, w, depth, &mut out),
            Some(_) => {
                self.truncated = true;
                out.push((w, Flow::Continue));
            }
            // A jump to a chain that does not exist: iptables-restore would reject the text;
            // treat it as not matching.
            None => out.push((w, Flow::Continue)),
        }
        out
    }

    fn run_from(
        &mut self,
        t: &Table,
        chain: &Chain,
        start: usize,
        mut w: World,
        depth: u32,
        out: &mut Vec<(World, Flow)>,
    ) {
        for idx in start..chain.rules.len() {
            let Some(rule) = chain.rules.get(idx) else {
                break;
            };
            self.steps += 1;
            if self.steps > MAX_STEPS {
                self.truncated = true;
                return;
            }
            let mut prob = None;
            match self.hit(rule, &w) {
                Hit::No => continue,
                Hit::Yes => {}
                Hit::Branch(fixed) => {
                    let p = f64::from(fixed) / 2147483648.0;
                    match self.rng.as_mut() {
                        Some(rng) => {
                            if (rng.next_u32() & 0x7FFF_FFFF) >= fixed {
                                continue;
                            }
                            prob = Some(p);
                        }
                        None => {
                            if self.outcomes_budget == 0 {
                                self.truncated = true;
                            } else if p < 1.0 {
                                // The branch that does not take this rule continues below.
                                self.outcomes_budget -= 1;
                                let mut not = w.clone();
                                not.share *= 1.0 - p;
                                not.path.push(Step {
                                    table: t.name.clone(),
                                    chain: chain.name.clone(),
                                    rule: rule.text.clone(),
                                    probability: Some(1.0 - p),
                                    note: Some("not taken".into()),
                                });
                                let mut rest = Vec::new();
                                if p > 0.0 {
                                    w.share *= p;
                                    prob = Some(p);
                                    self.apply(t, chain, idx, rule, w, depth, prob, out);
                                }
                                self.run_from(t, chain, idx + 1, not, depth, &mut rest);
                                out.extend(rest);
                                return;
                            }
                            prob = Some(p);
                        }
                    }
                }
            }
            self.apply(t, chain, idx, rule, w, depth, prob, out);
            return;
        }
        out.push((w, Flow::Continue));
    }

    /// Records the matched rule and applies its target; continues the chain when the target
    /// does not end it.
    #[allow(clippy::too_many_arguments)]
    fn apply(
        &mut self,
        t: &Table,
        chain: &Chain,
        idx: usize,
        rule: &Rule,
        mut w: World,
        depth: u32,
        prob: Option<f64>,
        out: &mut Vec<(World, Flow)>,
    ) {
        w.path.push(Step {
            table: t.name.clone(),
            chain: chain.name.clone(),
            rule: rule.text.clone(),
            probability: prob,
            note: None,
        });
        // Side effects of matches (`-m recent --set`).
        for m in &rule.matches {
            if let Match::Recent {
                name, action: RecentAction::Set | RecentAction::Update, ..
            } = m
            {
                if let Some(a) = self.affinity.as_mut() {
                    a.set(name, self.packet.src);
                }
            }
        }
        match &rule.target {
            None => self.run_from(t, chain, idx + 1, w, depth, out),
            Some(Target::Jump(next)) => {
                if next == "KUBE-MARK-MASQ" {
                    w.marked = true;
                }
                for (w2, flow) in self.run_chain(t, next, w, depth + 1) {
                    if flow == Flow::Continue {
                        self.run_from(t, chain, idx + 1, w2, depth, out);
                    } else {
                        out.push((w2, flow));
                    }
                }
            }
            Some(Target::Return) => out.push((w, Flow::Continue)),
            Some(Target::Accept) => out.push((w, Flow::Accept)),
            Some(Target::Drop) => out.push((w, Flow::Drop)),
            Some(Target::Reject { .. }) => out.push((w, Flow::Reject)),
            Some(Target::Dnat { to }) => {
                let (ip, port) = split_host_port(to);
                if let Ok(ip) = ip.parse() {
                    w.dst = ip;
                }
                if port != 0 {
                    w.dport = port;
                }
                w.dnat = Some(to.clone());
                out.push((w, Flow::NatDone));
            }
            Some(Target::Masquerade { .. }) => {
                w.masquerade = true;
                out.push((w, Flow::NatDone));
            }
            Some(Target::Mark { xor, mask }) => {
                w.mark = (w.mark & !mask) ^ xor;
                self.run_from(t, chain, idx + 1, w, depth, out);
            }
        }
    }

    fn hit(&mut self, rule: &Rule, w: &World) -> Hit {
        let p = self.packet;
        if let Some((neg, c)) = &rule.src {
            if c.contains(p.src) == *neg {
                return Hit::No;
            }
        }
        if let Some((neg, c)) = &rule.dst {
            if c.contains(w.dst) == *neg {
                return Hit::No;
            }
        }
        let proto = p.proto.lower();
        if let Some((neg, pr)) = &rule.proto {
            let m = pr == "all" || pr == proto;
            if m == *neg {
                return Hit::No;
            }
        }
        let mut branch = None;
        for m in &rule.matches {
            let ok = match m {
                Match::Comment(_) | Match::Nfacct { .. } => true,
                Match::Port { module, sport, dport } => {
                    module == proto
                        && sport.is_none()
                        && dport.is_none_or(|(neg, port)| (port == w.dport) != neg)
                }
                Match::AddrType { src_type, dst_type } => {
                    let check = |t: &Option<(bool, String)>, ip: IpAddr| match t {
                        None => true,
                        Some((neg, ty)) => (ty == "LOCAL" && self.is_local(ip)) != *neg,
                    };
                    check(src_type, p.src) && check(dst_type, w.dst)
                }
                Match::Statistic { probability } => {
                    let v: f64 = probability.parse().unwrap_or(0.0);
                    branch = Some(probability_fixed(v));
                    true
                }
                Match::Recent { name, action, seconds, reap } => match action {
                    RecentAction::Set => true,
                    RecentAction::Rcheck | RecentAction::Update => match self.affinity.as_mut() {
                        Some(a) => a.check(name, p.src, *seconds, *reap),
                        None => false,
                    },
                },
                Match::Mark { negated, value, mask } => ((w.mark & mask) == *value) != *negated,
                Match::Conntrack { negated, states } => {
                    let has =
                        states.iter().any(|s| s == "NEW" || (s == "DNAT" && w.dnat.is_some()));
                    has != *negated
                }
            };
            if !ok {
                return Hit::No;
            }
        }
        match branch {
            Some(f) => Hit::Branch(f),
            None => Hit::Yes,
        }
    }
}
