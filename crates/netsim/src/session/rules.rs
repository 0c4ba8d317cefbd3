//! The answer to a rules question (`netsim iptables`, the page's rules view and inspector): the
//! rules kube-proxy writes on one node, as text, and which lines belong to one Service.

use std::collections::BTreeSet;

use serde::{Deserialize, Serialize};

use super::answer::AskError;
use super::Session;
use crate::diagnostic::Diagnostic;
use crate::proxy::{Note, ProxyConfig, ProxyMode};
use crate::request::NodeRuleset;
use crate::text::Span;

/// Which text of the rules.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase", try_from = "String")]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub enum RuleFormat {
    /// iptables mode: what kube-proxy feeds to `iptables-restore`.
    Restore,
    /// iptables mode: what `iptables-save` shows on the node afterwards.
    Save,
    /// nftables mode: the state after one sync as `nft -f` input (upstream's test form).
    Dump,
    /// nftables mode: what `nft list ruleset` shows afterwards.
    Ruleset,
}

impl RuleFormat {
    pub fn parse(s: &str) -> Option<RuleFormat> {
        match s {
            "restore" => Some(RuleFormat::Restore),
            "save" => Some(RuleFormat::Save),
            "dump" => Some(RuleFormat::Dump),
            "ruleset" => Some(RuleFormat::Ruleset),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            RuleFormat::Restore => "restore",
            RuleFormat::Save => "save",
            RuleFormat::Dump => "dump",
            RuleFormat::Ruleset => "ruleset",
        }
    }

    /// The mode whose text this is.
    pub fn mode(self) -> ProxyMode {
        match self {
            RuleFormat::Restore | RuleFormat::Save => ProxyMode::Iptables,
            RuleFormat::Dump | RuleFormat::Ruleset => ProxyMode::Nftables,
        }
    }

    /// What an admin lists on a node of that mode: `iptables-save`, `nft list ruleset`.
    pub fn listing(mode: ProxyMode) -> RuleFormat {
        match mode {
            ProxyMode::Nftables => RuleFormat::Ruleset,
            ProxyMode::Iptables | ProxyMode::Ipvs => RuleFormat::Save,
        }
    }
}
from_name!(RuleFormat: RuleFormat::Restore, RuleFormat::Save, RuleFormat::Dump, RuleFormat::Ruleset);

/// The mode's name as KubeProxyConfiguration spells it.
pub(crate) fn mode_name(mode: ProxyMode) -> &'static str {
    match mode {
        ProxyMode::Iptables => "iptables",
        ProxyMode::Nftables => "nftables",
        ProxyMode::Ipvs => "ipvs",
    }
}

/// One node's kube-proxy rules (`netsim iptables -o json`, `netsim nftables -o json`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Rules {
    pub node: String,
    /// The proxy mode these rules are for (`iptables` or `nftables`).
    pub mode: String,
    /// The mode the cluster's kube-proxy runs (KubeProxyConfiguration `mode`; `ipvs` shows
    /// iptables rules).
    pub cluster_mode: String,
    pub format: RuleFormat,
    pub text: String,
    /// iptables mode with more than 1000 endpoints: kube-proxy drops the per-endpoint comments.
    pub large_cluster_mode: bool,
    /// When asked about one Service: the 0-based numbers of the lines that are its rules (the
    /// lines that name it, and every line of the chains those lines lead to).
    pub highlight: Vec<u32>,
}

impl Session {
    /// The rules kube-proxy writes on `node`, in the format asked (its mode must be the one
    /// the cluster's kube-proxy runs; `None`: what an admin lists in that mode). With `service`
    /// (`NS/NAME`, or `NAME` in default), [`Rules::highlight`] marks that Service's lines.
    pub fn rules(
        &self,
        node: &str,
        format: Option<RuleFormat>,
        service: Option<&str>,
    ) -> Result<Rules, AskError> {
        let i = self.node(node)?;
        let running = self.proxy_mode();
        let format = format.unwrap_or(RuleFormat::listing(running));
        if format.mode() != running {
            let message = match (self.proxy.mode, running) {
                (ProxyMode::Ipvs, _) => format!("node \"{node}\" runs kube-proxy in ipvs mode (KubeProxyConfiguration mode), which is not simulated; iptables mode's rules are shown instead, by netsim iptables"),
                (_, ProxyMode::Nftables) => format!("node \"{node}\" runs kube-proxy in nftables mode (KubeProxyConfiguration mode); its rules are shown by netsim nftables"),
                _ => format!("node \"{node}\" runs kube-proxy in iptables mode (KubeProxyConfiguration mode); its rules are shown by netsim iptables"),
            };
            return Err(AskError::usage("wrong-proxy-mode", message));
        }
        let net = self.network();
        let rs = net
            .ruleset(i)
            .ok_or_else(|| AskError::usage("unknown-node", format!("node \"{node}\" not found")))?;
        Ok(rules_answer(node, running, rs, format, service))
    }

    /// The rules `node` would have if kube-proxy ran in `mode` (the page's side-by-side
    /// comparison); generated on each call, nothing kept.
    pub fn rules_in_mode(
        &self,
        node: &str,
        mode: ProxyMode,
        service: Option<&str>,
    ) -> Result<Rules, AskError> {
        if mode == self.proxy_mode() {
            return self.rules(node, None, service);
        }
        let i = self.node(node)?;
        let info = &self.network().nodes[i].info;
        let o = &self.cluster.objects;
        let cfg = ProxyConfig { mode, ..self.proxy.clone() };
        let rs = match mode {
            ProxyMode::Nftables => NodeRuleset::Nftables(crate::proxy::nft::generate(
                &o.services,
                &o.endpoint_slices,
                info,
                &cfg,
            )),
            _ => NodeRuleset::Iptables(crate::proxy::generate(
                &o.services,
                &o.endpoint_slices,
                info,
                &cfg,
            )),
        };
        Ok(rules_answer(node, self.proxy_mode(), &rs, RuleFormat::listing(mode), service))
    }

    /// The mode the cluster's kube-proxy runs (`ipvs`, not simulated, runs as iptables).
    pub fn proxy_mode(&self) -> ProxyMode {
        match self.proxy.mode {
            ProxyMode::Nftables => ProxyMode::Nftables,
            _ => ProxyMode::Iptables,
        }
    }

    /// What the rules of `node` could not express (a skipped Service or slice), as warnings on
    /// the object's span when the input has it, else as plain notes.
    pub fn rule_notes(&self, node: &str) -> Result<(Vec<Diagnostic>, Vec<String>), AskError> {
        let i = self.node(node)?;
        let Some(rs) = self.network().ruleset(i) else { return Ok((Vec::new(), Vec::new())) };
        let mut spanned = Vec::new();
        let mut plain = Vec::new();
        for n in rs.notes() {
            match self.note_span(n) {
                Some(span) => spanned.push(Diagnostic::warning(n.code, span, n.message.clone())),
                None => plain.push(format!("warning[{}]: {}", n.code, n.message)),
            }
        }
        Ok((spanned, plain))
    }

    /// The source span of the note's `Service ns/name` or `EndpointSlice ns/name`.
    fn note_span(&self, n: &Note) -> Option<Span> {
        let (kind, rest) = n.object.split_once(' ')?;
        let (ns, name) = rest.split_once('/')?;
        let o = &self.cluster.objects;
        let meta = match kind {
            "Service" => o
                .services
                .iter()
                .find(|s| s.meta.namespace == ns && s.meta.name == name)?
                .meta
                .source
                .as_ref(),
            "EndpointSlice" => o
                .endpoint_slices
                .iter()
                .find(|s| s.meta.namespace == ns && s.meta.name == name)?
                .meta
                .source
                .as_ref(),
            _ => None,
        }?;
        Some(Span { file: meta.file, range: meta.range })
    }
}

fn rules_answer(
    node: &str,
    running: ProxyMode,
    rs: &NodeRuleset,
    format: RuleFormat,
    service: Option<&str>,
) -> Rules {
    let (mode, text, large) = match (rs, format) {
        (NodeRuleset::Iptables(r), RuleFormat::Restore) => {
            ("iptables", r.restore_text(), r.large_cluster_mode)
        }
        (NodeRuleset::Iptables(r), _) => ("iptables", r.save_text(), r.large_cluster_mode),
        (NodeRuleset::Nftables(r), RuleFormat::Dump) => ("nftables", r.dump_text(), false),
        (NodeRuleset::Nftables(r), _) => ("nftables", r.ruleset_text(), false),
    };
    let highlight = match service {
        Some(s) => {
            let (ns, name) = super::ask::split_name(s, None);
            let key = format!("{ns}/{name}");
            match rs {
                NodeRuleset::Iptables(_) => service_lines(&text, &key),
                NodeRuleset::Nftables(_) => nft_service_lines(&text, &key),
            }
        }
        None => Vec::new(),
    };
    Rules {
        node: node.to_string(),
        mode: mode.into(),
        cluster_mode: mode_name(running).into(),
        format,
        text,
        large_cluster_mode: large,
        highlight,
    }
}

/// The lines of nft text (dump or ruleset) that are the Service's: the per-service and
/// per-endpoint chains and sets carry `ns/name/` in their names (`service-2QRHZV4L-ns/name/tcp/
/// http`), map elements `goto` them, `no-endpoint-*` elements name it in their comment; in the
/// ruleset form every line inside such a chain's block is its too.
fn nft_service_lines(text: &str, key: &str) -> Vec<u32> {
    let in_name = format!("-{key}/");
    let comment = format!("comment \"{key}");
    let mut out = Vec::new();
    let mut inside = false;
    for (i, l) in text.lines().enumerate() {
        let t = l.trim_start();
        let named = l.contains(&in_name)
            || l.match_indices(&comment)
                .any(|(j, m)| matches!(l[j + m.len()..].chars().next(), Some(':' | '"')));
        if (t.starts_with("chain ") || t.starts_with("set ")) && t.ends_with('{') {
            inside = named;
        }
        if named || inside {
            out.push(i as u32);
        }
        if inside && t == "}" {
            inside = false;
        }
    }
    out
}

/// Whether a rule line's comment names the Service `ns/name` (kube-proxy writes
/// `"ns/name"`, `"ns/name:port"` or `"ns/name:port cluster IP"`; `iptables-save` drops the
/// quotes when the comment has no blank).
fn names_service(line: &str, ns_name: &str) -> bool {
    line.match_indices(ns_name).any(|(i, _)| {
        let before = &line[..i];
        let after = line[i + ns_name.len()..].chars().next();
        (before.ends_with('"') || before.ends_with("--comment "))
            && matches!(after, None | Some('"' | ':' | ' '))
    })
}

/// The chain a rule line appends to (`-A CHAIN …`) and the chain it jumps to (`-j`/`-g`).
fn chains_of(line: &str) -> (Option<&str>, Option<&str>) {
    let mut words = line.split_whitespace();
    let mut own = None;
    let mut target = None;
    while let Some(w) = words.next() {
        match w {
            "-A" if own.is_none() => own = words.next(),
            "-j" | "-g" | "--jump" | "--goto" => target = words.next(),
            _ => {}
        }
    }
    (own, target)
}

/// A chain kube-proxy writes for one Service port or endpoint (iptables mode).
fn per_service(chain: &str) -> bool {
    ["KUBE-SVC-", "KUBE-SVL-", "KUBE-EXT-", "KUBE-FW-", "KUBE-SEP-"]
        .iter()
        .any(|p| chain.starts_with(p))
}

/// The lines of `text` that are the Service's: the lines that name it, and every line of the
/// per-Service and per-endpoint chains (`KUBE-SVC-`, `KUBE-SEP-`, …) those lines lead to, so
/// that large-cluster mode (no comments on endpoint rules) still shows them.
fn service_lines(text: &str, ns_name: &str) -> Vec<u32> {
    let lines: Vec<&str> = text.lines().collect();
    let mut chains: BTreeSet<&str> = BTreeSet::new();
    let mut hit = vec![false; lines.len()];
    for (i, l) in lines.iter().enumerate() {
        if names_service(l, ns_name) {
            hit[i] = true;
            if let (_, Some(t)) = chains_of(l) {
                if per_service(t) {
                    chains.insert(t);
                }
            }
        }
    }
    // Follow jumps out of the owned chains (SVC → SEP, EXT → SVC …); bounded by the chain count.
    for _ in 0..4 {
        let before = chains.len();
        for l in &lines {
            if let (Some(own), Some(t)) = chains_of(l) {
                if chains.contains(own) && per_service(t) {
                    chains.insert(t);
                }
            }
        }
        if chains.len() == before {
            break;
        }
    }
    for (i, l) in lines.iter().enumerate() {
        let (own, _) = chains_of(l);
        let declared = l.strip_prefix(':').and_then(|r| r.split_whitespace().next());
        if own.or(declared).is_some_and(|c| chains.contains(c)) {
            hit[i] = true;
        }
    }
    hit.iter().enumerate().filter(|(_, h)| **h).map(|(i, _)| i as u32).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_service_owns_its_commented_lines_and_their_chains() {
        let text = "\
*nat
:KUBE-SERVICES - [0:0]
:KUBE-SVC-AAAAAAAAAAAAAAAA - [0:0]
:KUBE-SEP-BBBBBBBBBBBBBBBB - [0:0]
:KUBE-SVC-CCCCCCCCCCCCCCCC - [0:0]
-A KUBE-SERVICES -m comment --comment \"default/web:http cluster IP\" -m tcp -p tcp -d 10.96.0.5 --dport 80 -j KUBE-SVC-AAAAAAAAAAAAAAAA
-A KUBE-SERVICES -m comment --comment \"default/webby cluster IP\" -j KUBE-SVC-CCCCCCCCCCCCCCCC
-A KUBE-SVC-AAAAAAAAAAAAAAAA -j KUBE-SEP-BBBBBBBBBBBBBBBB
-A KUBE-SEP-BBBBBBBBBBBBBBBB -m tcp -p tcp -j DNAT --to-destination 10.244.1.2:8080
-A KUBE-SVC-CCCCCCCCCCCCCCCC -m comment --comment default/web -j KUBE-MARK-MASQ
COMMIT
";
        // Line 9 names default/web bare (save form) although it sits in another Service's chain.
        assert_eq!(service_lines(text, "default/web"), vec![2, 3, 5, 7, 8, 9]);
        assert_eq!(service_lines(text, "default/webby"), vec![4, 6, 9]);
        assert_eq!(service_lines(text, "other/web"), Vec::<u32>::new());
    }
}
