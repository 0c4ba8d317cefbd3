//! TypeScript declarations of the answer types (feature `ts`; host builds only, the wasm builds
//! never enable it). The types derive `ts_rs::TS` beside `serde`, so a declaration follows every
//! serde attribute (`rename_all`, `tag`, `untagged`, `skip_serializing_if` with `default`);
//! [`Declarations`] collects them, with every type they reach, into the text of
//! `crates/netsim-wasm/src/types.d.ts` (the `ts_declarations` test in `tests/` writes and checks
//! it). 64-bit integers are JSON numbers (`Config::with_large_int("number")`); `IpAddr` is a
//! string.
//!
//! The request report, the Debug Services checklist and the questions are declared through
//! [`mirror`] types for now: their files (`request/trace.rs`, `request/explain.rs`,
//! `session/ask.rs`) are being reworked on another branch. Each mirror converts from its type by
//! exhaustive destructuring (a new field or variant does not compile here) and
//! [`check_mirrors`] proves that both serialise to the same JSON. When those files are free
//! again, derive `TS` on the types themselves and delete the mirrors.

use std::any::TypeId;
use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;

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
        self.add::<mirror::Question>();
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

/// Implements `TS` for `$real` as `$mirror` declares it.
macro_rules! declared_as {
    ($real:ty => $mirror:ty) => {
        impl TS for $real {
            type WithoutGenerics = Self;
            type OptionInnerType = Self;
            const IS_ENUM: bool = <$mirror as TS>::IS_ENUM;
            fn ident(cfg: &Config) -> String {
                <$mirror as TS>::ident(cfg)
            }
            fn docs() -> Option<String> {
                <$mirror as TS>::docs()
            }
            fn name(cfg: &Config) -> String {
                <$mirror as TS>::name(cfg)
            }
            fn decl(cfg: &Config) -> String {
                <$mirror as TS>::decl(cfg)
            }
            fn decl_concrete(cfg: &Config) -> String {
                <$mirror as TS>::decl_concrete(cfg)
            }
            fn inline(cfg: &Config) -> String {
                <$mirror as TS>::inline(cfg)
            }
            fn inline_flattened(cfg: &Config) -> String {
                <$mirror as TS>::inline_flattened(cfg)
            }
            fn visit_dependencies(v: &mut impl TypeVisitor)
            where
                Self: 'static,
            {
                <$mirror as TS>::visit_dependencies(v);
            }
            fn output_path() -> Option<PathBuf> {
                <$mirror as TS>::output_path()
            }
        }
    };
}

declared_as!(crate::request::Outcome => mirror::Outcome);
declared_as!(crate::request::HopKind => mirror::HopKind);
declared_as!(crate::request::Hop => mirror::Hop);
declared_as!(crate::request::Endpoint => mirror::Endpoint);
declared_as!(crate::request::Share => mirror::Share);
declared_as!(crate::request::Report => mirror::Report);
declared_as!(crate::request::Mark => mirror::Mark);
declared_as!(crate::request::Check => mirror::Check);
declared_as!(crate::request::Explanation => mirror::Explanation);
declared_as!(crate::session::Question => mirror::Question);

/// Whether `report`, `explanation` and `questions` serialise exactly as their mirrors do (the
/// mirrors' declarations describe the real JSON); `Err` shows both texts.
pub fn check_mirrors(
    report: &crate::request::Report,
    explanation: &crate::request::Explanation,
    questions: &[crate::session::Question],
) -> Result<(), String> {
    fn same<A: serde::Serialize, B: serde::Serialize>(real: &A, mirror: &B) -> Result<(), String> {
        let (a, b) = (serde_json::to_string(real), serde_json::to_string(mirror));
        match (a, b) {
            (Ok(a), Ok(b)) if a == b => Ok(()),
            (a, b) => Err(format!("the type serialises as\n{a:?}\nits mirror as\n{b:?}")),
        }
    }
    same(report, &mirror::Report::from(report))?;
    same(explanation, &mirror::Explanation::from(explanation))?;
    for q in questions {
        same(q, &mirror::Question::from(q))?;
    }
    Ok(())
}

/// Declaration-only copies of types whose files are being reworked elsewhere (see the module
/// docs): same fields, same serde attributes; `From` destructures exhaustively.
pub mod mirror {
    use std::collections::BTreeMap;
    use std::net::IpAddr;

    use serde::Serialize;
    use ts_rs::TS;

    use crate::policy::PolicyEffect;
    use crate::request as real;
    use crate::session::{GetQuestion, ObjectRef, RuleFormat};

    /// How a request ends: the one outcome type of the core, also what scenarios promise and
    /// challenges require.
    #[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, TS)]
    #[serde(rename_all = "lowercase")]
    pub enum Outcome {
        /// A container accepted the connection.
        Connected,
        /// Refused at once (a REJECT rule, or nothing listening on a declared-port container).
        Refused,
        /// Dropped somewhere: the client waits and gives up.
        Timeout,
        /// The name does not resolve.
        #[serde(rename = "nxdomain")]
        NxDomain,
        /// The manifests cannot decide it.
        Unknown,
    }

    impl From<real::Outcome> for Outcome {
        fn from(o: real::Outcome) -> Self {
            match o {
                real::Outcome::Connected => Outcome::Connected,
                real::Outcome::Refused => Outcome::Refused,
                real::Outcome::Timeout => Outcome::Timeout,
                real::Outcome::NxDomain => Outcome::NxDomain,
                real::Outcome::Unknown => Outcome::Unknown,
            }
        }
    }

    /// What a hop of the trace is.
    #[derive(Serialize, TS)]
    #[serde(rename_all = "lowercase")]
    pub enum HopKind {
        /// Where the request starts: the client Pod, container, node or outside client.
        Client,
        /// The client's resolver configuration (its `/etc/resolv.conf`).
        Resolv,
        /// A query of the resolver's search walk and its rcode.
        Resolve,
        /// The DNS query itself on its way to a CoreDNS Pod.
        Dns,
        /// The address the resolver returned.
        Answer,
        /// The packet entering the node that handles it.
        Enter,
        /// A matched rule in the nat table (DNAT, the Service and endpoint chains).
        Nat,
        /// A matched rule in the filter table (REJECT, DROP, ACCEPT).
        Filter,
        /// The packet crossing the node network, or leaving it.
        Route,
        /// Source NAT (MASQUERADE) on the way out of a node.
        Snat,
        /// NetworkPolicy / ClusterNetworkPolicy judging the connection (egress at the client,
        /// ingress at the destination Pod), with the policies that took part.
        Policy,
        /// Delivery into a container (or why there is none).
        Deliver,
        /// An explanation that is not a step (hairpin, a caveat).
        Note,
    }

    impl From<real::HopKind> for HopKind {
        fn from(k: real::HopKind) -> Self {
            match k {
                real::HopKind::Client => HopKind::Client,
                real::HopKind::Resolv => HopKind::Resolv,
                real::HopKind::Resolve => HopKind::Resolve,
                real::HopKind::Dns => HopKind::Dns,
                real::HopKind::Answer => HopKind::Answer,
                real::HopKind::Enter => HopKind::Enter,
                real::HopKind::Nat => HopKind::Nat,
                real::HopKind::Filter => HopKind::Filter,
                real::HopKind::Route => HopKind::Route,
                real::HopKind::Snat => HopKind::Snat,
                real::HopKind::Policy => HopKind::Policy,
                real::HopKind::Deliver => HopKind::Deliver,
                real::HopKind::Note => HopKind::Note,
            }
        }
    }

    /// One step of the trace.
    #[derive(Serialize, TS)]
    #[serde(rename_all = "camelCase")]
    pub struct Hop {
        pub kind: HopKind,
        /// One line for people.
        pub text: String,
        /// The rule behind it, as written in the node's rules (for `nat`/`filter` hops).
        pub rule: Option<String>,
        /// The node the hop happens on, if any.
        pub node: Option<String>,
        /// For `policy` hops: every policy that took part, and what it did.
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        pub policies: Vec<PolicyEffect>,
    }

    impl From<&real::Hop> for Hop {
        fn from(h: &real::Hop) -> Self {
            let real::Hop { kind, text, rule, node, policies } = h;
            Hop {
                kind: (*kind).into(),
                text: text.clone(),
                rule: rule.clone(),
                node: node.clone(),
                policies: policies.clone(),
            }
        }
    }

    /// Who received the request.
    #[derive(Serialize, TS)]
    #[serde(rename_all = "camelCase")]
    pub struct Endpoint {
        /// The Pod that accepted it (`null` when the request left the cluster or reached a
        /// node's own process).
        pub pod: Option<ObjectRef>,
        /// The host outside the cluster, or the node process, that the request reached instead.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub host: Option<String>,
        pub container: Option<String>,
        pub ip: String,
        pub port: u16,
        pub node: Option<String>,
        /// The client address the server sees (after any SNAT).
        pub source_ip: Option<IpAddr>,
    }

    impl From<&real::Endpoint> for Endpoint {
        fn from(e: &real::Endpoint) -> Self {
            let real::Endpoint { pod, host, container, ip, port, node, source_ip } = e;
            Endpoint {
                pod: pod.clone(),
                host: host.clone(),
                container: container.clone(),
                ip: ip.clone(),
                port: *port,
                node: node.clone(),
                source_ip: *source_ip,
            }
        }
    }

    /// How `count` requests spread over the endpoints.
    #[derive(Serialize, TS)]
    #[serde(rename_all = "camelCase")]
    pub struct Share {
        /// The Pod with that address (`null` if no Pod has it).
        pub pod: Option<ObjectRef>,
        /// The zone of the Pod's node (`topology.kubernetes.io/zone`), when it has one.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub zone: Option<String>,
        pub ip: String,
        pub port: u16,
        /// The share the rules give this endpoint, rounded to 10 decimals.
        pub probability: f64,
        /// How many of the simulated requests went there.
        pub count: u32,
    }

    impl From<&real::Share> for Share {
        fn from(s: &real::Share) -> Self {
            let real::Share { pod, zone, ip, port, probability, count } = s;
            Share {
                pod: pod.clone(),
                zone: zone.clone(),
                ip: ip.clone(),
                port: *port,
                probability: *probability,
                count: *count,
            }
        }
    }

    /// The result of a request (`netsim request -o json`, the JS package's `request`).
    #[derive(Serialize, TS)]
    #[serde(rename_all = "camelCase")]
    pub struct Report {
        pub outcome: Outcome,
        /// Why, in one or two sentences.
        pub reason: String,
        /// What to change, in one sentence (empty when nothing needs fixing).
        pub fix: String,
        /// The source as asked (`pod/NS/NAME`, `node/NAME`, `external`).
        pub from: String,
        /// The target as asked (`host:port` or a URL).
        pub target: String,
        /// The destination port.
        pub port: u16,
        /// The zone of the client's node (`topology.kubernetes.io/zone`), when it has one:
        /// topology hints (trafficDistribution) keep traffic there.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub source_zone: Option<String>,
        /// How many requests were sent, and the seed of kube-proxy's random choices.
        pub count: u32,
        pub seed: u64,
        pub hops: Vec<Hop>,
        pub endpoint: Option<Endpoint>,
        /// Present when more than one request was sent.
        pub distribution: Vec<Share>,
        /// Outcome counts over all requests, when more than one was sent.
        pub outcomes: BTreeMap<Outcome, u32>,
        /// The objects the request went through, in order: the client (Pod or Node), the
        /// Service it addressed (if any), the Pod that answered (if any).
        pub path: Vec<ObjectRef>,
        /// Every NetworkPolicy / ClusterNetworkPolicy that took part (the DNS query's and the
        /// connection's), in the order the packets met them.
        pub policies: Vec<PolicyEffect>,
    }

    impl From<&real::Report> for Report {
        fn from(r: &real::Report) -> Self {
            let real::Report {
                outcome,
                reason,
                fix,
                from,
                target,
                port,
                source_zone,
                count,
                seed,
                hops,
                endpoint,
                distribution,
                outcomes,
                path,
                policies,
            } = r;
            Report {
                outcome: (*outcome).into(),
                reason: reason.clone(),
                fix: fix.clone(),
                from: from.clone(),
                target: target.clone(),
                port: *port,
                source_zone: source_zone.clone(),
                count: *count,
                seed: *seed,
                hops: hops.iter().map(Hop::from).collect(),
                endpoint: endpoint.as_ref().map(Endpoint::from),
                distribution: distribution.iter().map(Share::from).collect(),
                outcomes: outcomes.iter().map(|(k, v)| (Outcome::from(*k), *v)).collect(),
                path: path.clone(),
                policies: policies.clone(),
            }
        }
    }

    /// ✓, ✗, or a neutral note.
    #[derive(Serialize, TS)]
    #[serde(rename_all = "lowercase")]
    pub enum Mark {
        Pass,
        Fail,
        Info,
    }

    impl From<real::Mark> for Mark {
        fn from(m: real::Mark) -> Self {
            match m {
                real::Mark::Pass => Mark::Pass,
                real::Mark::Fail => Mark::Fail,
                real::Mark::Info => Mark::Info,
            }
        }
    }

    /// One checklist row.
    #[derive(Serialize, TS)]
    #[serde(rename_all = "camelCase")]
    pub struct Check {
        /// Stable id: `service-exists`, `selector`, `target-port`, `readiness`, `endpoints`,
        /// `dns`, `rules`, `load-balancer`, `traffic-policy`.
        pub id: String,
        #[serde(rename = "result")]
        pub mark: Mark,
        /// The row's headline.
        pub title: String,
        /// Evidence lines (one per Pod, node or name).
        pub evidence: Vec<String>,
        /// Empty for ✓ rows.
        pub fix: String,
    }

    impl From<&real::Check> for Check {
        fn from(c: &real::Check) -> Self {
            let real::Check { id, mark, title, evidence, fix } = c;
            Check {
                id: id.clone(),
                mark: (*mark).into(),
                title: title.clone(),
                evidence: evidence.clone(),
                fix: fix.clone(),
            }
        }
    }

    /// The Debug Services checklist for one Service (`netsim explain -o json`).
    #[derive(Serialize, TS)]
    #[serde(rename_all = "camelCase")]
    pub struct Explanation {
        pub service: ObjectRef,
        /// No row failed.
        pub ok: bool,
        pub checks: Vec<Check>,
    }

    impl From<&real::Explanation> for Explanation {
        fn from(e: &real::Explanation) -> Self {
            let real::Explanation { service, ok, checks } = e;
            Explanation {
                service: service.clone(),
                ok: *ok,
                checks: checks.iter().map(Check::from).collect(),
            }
        }
    }

    /// Every question, as the JS package's `ask` and the engine worker pass it
    /// (`{"ask": "request", …}`). Fields marked `?` may be left out.
    #[derive(Serialize, TS)]
    #[serde(tag = "ask", rename_all = "camelCase", rename_all_fields = "camelCase")]
    pub enum Question {
        /// `netsim request FROM TARGET [--count N] [--seed S]`.
        Request {
            from: String,
            target: String,
            #[ts(optional)]
            count: Option<u32>,
            #[ts(optional)]
            seed: Option<u64>,
        },
        /// `netsim dns NAME [--from POD | --namespace NS] [--type T] [--exact]`.
        Dns {
            name: String,
            #[ts(optional)]
            from: Option<String>,
            #[ts(optional)]
            namespace: Option<String>,
            #[serde(rename = "type")]
            #[ts(optional)]
            qtype: Option<String>,
            #[ts(optional)]
            exact: Option<bool>,
        },
        /// `netsim resolv-conf POD [-n NS]`.
        ResolvConf {
            pod: String,
            #[ts(optional)]
            namespace: Option<String>,
        },
        /// `netsim packet --node N --src IP --dst IP:PORT [--proto P]`.
        Packet {
            node: String,
            src: String,
            dst: String,
            #[ts(optional)]
            proto: Option<String>,
        },
        /// `netsim iptables|nftables --node N [--format F]`, with one Service's lines marked;
        /// with `mode`, the rules the node would have in that mode.
        Rules {
            node: String,
            #[ts(optional)]
            format: Option<RuleFormat>,
            #[ts(optional)]
            service: Option<String>,
            #[ts(optional)]
            mode: Option<String>,
        },
        /// `netsim explain SERVICE [-n NS]`.
        Explain {
            service: String,
            #[ts(optional)]
            namespace: Option<String>,
        },
        /// `netsim get …`.
        Get(GetQuestion),
        /// `netsim describe KIND [NAME] [-n NS]`.
        Describe {
            kind: String,
            #[ts(optional)]
            name: Option<String>,
            #[ts(optional)]
            namespace: Option<String>,
        },
        /// What the inspector shows about a Service (`NS/NAME`).
        Service { service: String },
        /// What the inspector shows about a Pod (`NS/NAME`).
        Pod { pod: String },
        /// The cluster's policies and the Pods they isolate.
        Policies,
        /// One policy for the inspector: `kind` NetworkPolicy (`NS/NAME`) or
        /// ClusterNetworkPolicy.
        Policy { kind: String, name: String },
        /// The reachability matrix over `pods` (`NS/NAME`; all Pods when empty), on `port`
        /// (`80/TCP`; default: each destination's first declared port).
        Matrix {
            #[ts(optional)]
            pods: Option<Vec<String>>,
            #[ts(optional)]
            port: Option<String>,
        },
    }

    impl From<&crate::session::Question> for Question {
        fn from(q: &crate::session::Question) -> Self {
            use crate::session::Question as Q;
            match q.clone() {
                Q::Request { from, target, count, seed } => {
                    Question::Request { from, target, count: Some(count), seed: Some(seed) }
                }
                Q::Dns { name, from, namespace, qtype, exact } => {
                    Question::Dns { name, from, namespace, qtype, exact: Some(exact) }
                }
                Q::ResolvConf { pod, namespace } => Question::ResolvConf { pod, namespace },
                Q::Packet { node, src, dst, proto } => Question::Packet { node, src, dst, proto },
                Q::Rules { node, format, service, mode } => {
                    Question::Rules { node, format, service, mode }
                }
                Q::Explain { service, namespace } => Question::Explain { service, namespace },
                Q::Get(g) => Question::Get(g),
                Q::Describe { kind, name, namespace } => {
                    Question::Describe { kind, name, namespace }
                }
                Q::Service { service } => Question::Service { service },
                Q::Pod { pod } => Question::Pod { pod },
                Q::Policies => Question::Policies,
                Q::Policy { kind, name } => Question::Policy { kind, name },
                Q::Matrix { pods, port } => Question::Matrix { pods: Some(pods), port },
            }
        }
    }
}
