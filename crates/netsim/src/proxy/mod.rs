//! kube-proxy: the rules each node gets in iptables or nftables mode, their textual views, and
//! packet walkers that read the text back.
//!
//! Stage: reads `model::Service` / `model::EndpointSlice` like kube-proxy reads API objects
//! (independent of the manifest and cluster stages, exactly like upstream's unit tests). Both
//! modes share the service and endpoint maps and `CategorizeEndpoints` (topology hints,
//! traffic policies, the serving-terminating fallback) in `ports`.
//!
//! iptables mode (`pkg/proxy/iptables/proxier.go`):
//! * [`generate`] → [`Ruleset`]; [`Ruleset::restore_text`] is kube-proxy's restore input,
//!   [`Ruleset::save_text`] is what `iptables-save` shows on the node afterwards,
//!   [`Ruleset::kernel_text`] is the restore input plus the jump rules kube-proxy installs in the
//!   built-in chains (what the kernel evaluates).
//! * [`RuleTable::parse`] parses rule text (restore or save syntax) back; [`walk`] and
//!   [`walk_seeded`] evaluate a packet over the parsed rules only, so editing the text changes
//!   the walk.
//!
//! nftables mode (`pkg/proxy/nftables/proxier.go`), in [`nft`]:
//! * [`nft::generate`] → [`nft::NftRuleset`] (a table per IP family):
//!   [`nft::NftRuleset::dump_text`] (knftables' dump, what upstream's tests compare) and
//!   [`nft::NftRuleset::ruleset_text`] (`nft list ruleset`).
//! * [`nft::NftTables::parse`] reads either back; [`nft::walk`] / [`nft::walk_seeded`] return
//!   the same [`Trace`] as the iptables walker.
//!
//! For a built cluster: [`ProxyConfig::for_cluster`] (the KubeProxyConfiguration and cluster
//! settings), [`rules_for_node`] / [`nft_rules_for_node`] (one node, with notes), [`mode_note`]
//! (`mode: ipvs` and unknown modes).
//!
//! Invariants: deterministic (services visited in `ServicePortName` order, endpoints in `ip:port`
//! byte order as upstream sorts them), no panics on any input, bounded walks.

mod generate;
mod inspect;
pub mod names;
pub mod nft;
mod objects;
mod ports;
mod rules;
mod walk;

#[cfg(test)]
mod tests;

use std::net::IpAddr;

/// The core's one CIDR type, re-exported where kube-proxy's API takes it.
pub use crate::net::Cidr;
pub use generate::{generate, LARGE_CLUSTER_ENDPOINTS_THRESHOLD};
pub use inspect::{
    endpoints_map, local_ready_endpoints, service_port_map, EndpointInfo, EndpointsMapEntry,
    ServicePortInfo,
};
pub use objects::{mode_note, nft_rules_for_node, node_info, rules_for_node, UnknownNode};
pub use ports::{categorize_endpoints, CategorizedPort};
pub use rules::{Match, ParseError, Rule, RuleTable, Target};
pub use walk::{
    walk, walk_seeded, AffinityState, Destination, Origin, Outcome, Packet, SplitMix64, Step,
    Trace, Verdict,
};

use crate::model::IpFamily;

/// The node kube-proxy runs on.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct NodeInfo {
    /// `nodeName`: endpoints with this `nodeName` are local.
    pub name: String,
    /// Local addresses (what `-m addrtype --src-type/--dst-type LOCAL` matches), primary first.
    /// Include `127.0.0.1` for the loopback interface.
    pub ips: Vec<IpAddr>,
    /// The Node's `topology.kubernetes.io/zone` label: topology hints for this zone apply
    /// (`CategorizeEndpoints`). `None`: no zone, so zone hints are ignored on this node.
    pub zone: Option<String>,
}

impl NodeInfo {
    /// The first non-loopback address of `family` (upstream `proxier.nodeIP`).
    pub fn primary_ip(&self, family: IpFamily) -> Option<IpAddr> {
        self.ips.iter().copied().find(|ip| IpFamily::of(*ip) == family && !ip.is_loopback())
    }
}

/// How the masquerade mark is spelled in the restore input.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum MarkStyle {
    /// Real kube-proxy: `fmt.Sprintf("%#08x", 1<<bit)` → `0x00004000`.
    #[default]
    Padded,
    /// Upstream's `NewFakeProxier` hard-codes `0x4000`; the conformance samples use this form.
    Short,
}

/// KubeProxyConfiguration settings that shape the rules (plus host facts upstream probes).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ProxyConfig {
    /// `clusterCIDR`: the local-traffic detector (`! -s <cidr>` / `-s <cidr>`). `None`: no
    /// detector, so no off-cluster masquerade rule and no "pod traffic" short-circuit.
    pub cluster_cidr: Option<String>,
    /// `iptables.masqueradeBit` (default 14).
    pub masquerade_bit: u32,
    /// `iptables.masqueradeAll`.
    pub masquerade_all: bool,
    /// `iptables.localhostNodePorts` (default true).
    pub localhost_node_ports: bool,
    /// `nodePortAddresses` CIDRs (or `primary`); empty = all local addresses.
    pub node_port_addresses: Vec<String>,
    /// Whether the nfacct counters exist (modern kernels: yes).
    pub nfacct: bool,
    /// Whether iptables supports `--random-fully` (modern iptables: yes).
    pub random_fully: bool,
    /// KubeProxyConfiguration `conntrack.tcpBeLiberal` (default false): conntrack accepts
    /// out-of-window TCP packets, so kube-proxy writes no INVALID drop rule in KUBE-FORWARD.
    pub conntrack_tcp_liberal: bool,
    pub mark_style: MarkStyle,
    /// The family this proxier instance programs (`iptables` = IPv4, `ip6tables` = IPv6).
    pub ip_family: IpFamily,
    /// KubeProxyConfiguration `mode`: which rules the node's kube-proxy writes.
    pub mode: ProxyMode,
    /// The `nftables` section (the nftables mode's own masquerade settings).
    pub nftables: NftablesSettings,
    /// The cluster's IP families, primary first (dual-stack: both). nftables mode writes one
    /// table per family (`ip kube-proxy`, `ip6 kube-proxy`). Empty means `[ip_family]`.
    pub ip_families: Vec<IpFamily>,
    /// The Service CIDRs kube-proxy learns from ServiceCIDR objects (`OnServiceCIDRsChanged`),
    /// any family: nftables mode drops traffic to unallocated addresses in them. Empty: no
    /// such rule.
    pub service_cidrs: Vec<String>,
    /// The `PreferSameTrafficDistribution` feature gate (KEP-3015): node hints (`forNodes`)
    /// count in `topologyModeFromHints` only when it is on. Alpha and off in v1.33, beta and on
    /// from v1.34, GA in v1.35 (`pkg/proxy/topology.go`, kubernetes-networking-2.md §4).
    pub prefer_same_traffic_distribution: bool,
}

/// KubeProxyConfiguration `mode`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum ProxyMode {
    /// `iptables` (also the default when `mode` is empty).
    #[default]
    Iptables,
    /// `nftables` (GA since v1.33, KEP-3866).
    Nftables,
    /// `ipvs`: deprecated upstream since v1.35 (KEP-5495) and not simulated.
    Ipvs,
}

impl ProxyMode {
    /// Parses KubeProxyConfiguration `mode` (empty or absent: `iptables`). `None` for anything
    /// kube-proxy would not accept on Linux.
    pub fn parse(mode: Option<&str>) -> Option<ProxyMode> {
        match mode.unwrap_or_default() {
            "" | "iptables" => Some(ProxyMode::Iptables),
            "nftables" => Some(ProxyMode::Nftables),
            "ipvs" => Some(ProxyMode::Ipvs),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            ProxyMode::Iptables => "iptables",
            ProxyMode::Nftables => "nftables",
            ProxyMode::Ipvs => "ipvs",
        }
    }
}

/// KubeProxyConfiguration `nftables` (`KubeProxyNFTablesConfiguration`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct NftablesSettings {
    /// `nftables.masqueradeBit` (default 14).
    pub masquerade_bit: u32,
    /// `nftables.masqueradeAll`.
    pub masquerade_all: bool,
}

impl Default for NftablesSettings {
    fn default() -> Self {
        NftablesSettings { masquerade_bit: 14, masquerade_all: false }
    }
}

impl Default for ProxyConfig {
    fn default() -> Self {
        ProxyConfig {
            cluster_cidr: None,
            masquerade_bit: 14,
            masquerade_all: false,
            localhost_node_ports: true,
            node_port_addresses: Vec::new(),
            nfacct: true,
            random_fully: true,
            conntrack_tcp_liberal: false,
            mark_style: MarkStyle::Padded,
            ip_family: IpFamily::IPv4,
            mode: ProxyMode::Iptables,
            nftables: NftablesSettings::default(),
            ip_families: Vec::new(),
            service_cidrs: Vec::new(),
            prefer_same_traffic_distribution: true,
        }
    }
}

impl ProxyConfig {
    /// The environment of upstream's `NewFakeProxier` (proxier_test.go): pod CIDR
    /// `10.0.0.0/8`, mark `0x4000`, nfacct present, no `--random-fully`.
    pub fn upstream_fake() -> Self {
        ProxyConfig {
            cluster_cidr: Some("10.0.0.0/8".to_string()),
            nfacct: true,
            random_fully: false,
            mark_style: MarkStyle::Short,
            ..ProxyConfig::default()
        }
    }

    /// The environment of upstream's nftables `NewFakeProxier`
    /// (`pkg/proxy/nftables/proxier_test.go`): pod CIDR `10.0.0.0/8` (IPv6 `fd00:10::/64`),
    /// Service CIDR `172.30.0.0/16` (`fd00:10:96::/112`), nodePortAddresses
    /// `192.168.0.2/32` and `2001:db8::1/128`, mark `0x4000`, mode nftables.
    pub fn upstream_fake_nft(family: IpFamily) -> Self {
        let (pod, svc) = match family {
            IpFamily::IPv4 => ("10.0.0.0/8", "172.30.0.0/16"),
            IpFamily::IPv6 => ("fd00:10::/64", "fd00:10:96::/112"),
        };
        ProxyConfig {
            cluster_cidr: Some(pod.to_string()),
            mark_style: MarkStyle::Short,
            ip_family: family,
            mode: ProxyMode::Nftables,
            ip_families: vec![family],
            service_cidrs: vec![svc.to_string()],
            node_port_addresses: vec!["192.168.0.2/32".into(), "2001:db8::1/128".into()],
            ..ProxyConfig::default()
        }
    }

    /// The families to program, primary first.
    pub fn families(&self) -> Vec<IpFamily> {
        if self.ip_families.is_empty() {
            vec![self.ip_family]
        } else {
            self.ip_families.clone()
        }
    }

    /// The nftables masquerade mark (`nftables.masqueradeBit`), spelled as kube-proxy writes it
    /// (real: `%#08x` → `0x00004000`; upstream's fake proxier: `0x4000`).
    pub fn nft_mark(&self) -> String {
        mark_text(self.nftables.masquerade_bit, self.mark_style)
    }

    /// The masquerade mark as written to the restore input. Bits above 31 are clamped to 31
    /// (the API server rejects them; this only keeps the function total).
    pub fn mark(&self) -> String {
        mark_text(self.masquerade_bit, self.mark_style)
    }
}

fn mark_text(bit: u32, style: MarkStyle) -> String {
    let v: u32 = 1u32 << bit.min(31);
    match style {
        // Go's `%#08x` pads the digits to 8 (the `0x` is extra): 1<<14 → `0x00004000`,
        // as real kube-proxy restore logs show.
        MarkStyle::Padded => format!("{v:#010x}"),
        MarkStyle::Short => format!("{v:#x}"),
    }
}

/// Something the rules could not express (skipped input), for the caller to turn into a
/// diagnostic with the object's span.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Note {
    pub code: &'static str,
    /// `Service ns/name`, `EndpointSlice ns/name` or `KubeProxyConfiguration`.
    pub object: String,
    pub message: String,
}

impl Note {
    fn new(code: &'static str, object: &str, message: String) -> Note {
        Note { code, object: object.to_string(), message }
    }
}

/// One node's kube-proxy rules: the filter and nat parts of the restore input, in write order.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Ruleset {
    pub family: IpFamily,
    /// Chain names declared in `*filter` (`:NAME - [0:0]` lines), in write order.
    pub filter_chains: Vec<String>,
    /// `-A ...` lines of `*filter`.
    pub filter_rules: Vec<String>,
    pub nat_chains: Vec<String>,
    pub nat_rules: Vec<String>,
    /// KUBE-FIREWALL (localnet protection) was written (IPv4 with localhostNodePorts).
    pub has_kube_firewall: bool,
    /// More than 1000 endpoints: SEP and SVC→SEP comments are dropped.
    pub large_cluster_mode: bool,
    pub notes: Vec<Note>,
}

/// Jump rules kube-proxy ensures in the built-in chains (`iptablesJumpChains`, prepended, plus
/// the kubelet-compatible KUBE-FIREWALL jumps), in the order real `iptables-save` dumps show them.
const FILTER_JUMPS: &[(&str, &str)] = &[
    ("INPUT", "-m conntrack --ctstate NEW -m comment --comment \"kubernetes load balancer firewall\" -j KUBE-PROXY-FIREWALL"),
    ("INPUT", "-m comment --comment \"kubernetes health check service ports\" -j KUBE-NODEPORTS"),
    ("INPUT", "-m conntrack --ctstate NEW -m comment --comment \"kubernetes externally-visible service portals\" -j KUBE-EXTERNAL-SERVICES"),
    ("INPUT", "-j KUBE-FIREWALL"),
    ("FORWARD", "-m conntrack --ctstate NEW -m comment --comment \"kubernetes load balancer firewall\" -j KUBE-PROXY-FIREWALL"),
    ("FORWARD", "-m comment --comment \"kubernetes forwarding rules\" -j KUBE-FORWARD"),
    ("FORWARD", "-m conntrack --ctstate NEW -m comment --comment \"kubernetes service portals\" -j KUBE-SERVICES"),
    ("FORWARD", "-m conntrack --ctstate NEW -m comment --comment \"kubernetes externally-visible service portals\" -j KUBE-EXTERNAL-SERVICES"),
    ("OUTPUT", "-m conntrack --ctstate NEW -m comment --comment \"kubernetes load balancer firewall\" -j KUBE-PROXY-FIREWALL"),
    ("OUTPUT", "-m conntrack --ctstate NEW -m comment --comment \"kubernetes service portals\" -j KUBE-SERVICES"),
    ("OUTPUT", "-j KUBE-FIREWALL"),
];
const NAT_JUMPS: &[(&str, &str)] = &[
    ("PREROUTING", "-m comment --comment \"kubernetes service portals\" -j KUBE-SERVICES"),
    ("OUTPUT", "-m comment --comment \"kubernetes service portals\" -j KUBE-SERVICES"),
    ("POSTROUTING", "-m comment --comment \"kubernetes postrouting rules\" -j KUBE-POSTROUTING"),
];
const FILTER_BUILTINS: &[&str] = &["INPUT", "FORWARD", "OUTPUT"];
const NAT_BUILTINS: &[&str] = &["PREROUTING", "INPUT", "OUTPUT", "POSTROUTING"];

impl Ruleset {
    /// Exactly what kube-proxy passes to `iptables-restore --noflush --counters`.
    pub fn restore_text(&self) -> String {
        let mut out = String::new();
        out.push_str("*filter\n");
        push_table(&mut out, &self.filter_chains, &self.filter_rules);
        out.push_str("COMMIT\n*nat\n");
        push_table(&mut out, &self.nat_chains, &self.nat_rules);
        out.push_str("COMMIT\n");
        out
    }

    /// The restore input plus the built-in chains and kube-proxy's jump rules in them: the
    /// complete rule set the kernel evaluates (restore syntax). The walker runs on this.
    pub fn kernel_text(&self) -> String {
        let mut out = String::new();
        out.push_str("*filter\n");
        for b in FILTER_BUILTINS {
            out.push_str(&format!(":{b} ACCEPT [0:0]\n"));
        }
        for c in &self.filter_chains {
            out.push_str(&format!(":{c} - [0:0]\n"));
        }
        for (chain, rest) in self.filter_jumps() {
            out.push_str(&format!("-A {chain} {rest}\n"));
        }
        for r in &self.filter_rules {
            out.push_str(r);
            out.push('\n');
        }
        out.push_str("COMMIT\n*nat\n");
        for b in NAT_BUILTINS {
            out.push_str(&format!(":{b} ACCEPT [0:0]\n"));
        }
        for c in &self.nat_chains {
            out.push_str(&format!(":{c} - [0:0]\n"));
        }
        for (chain, rest) in NAT_JUMPS {
            out.push_str(&format!("-A {chain} {rest}\n"));
        }
        for r in &self.nat_rules {
            out.push_str(r);
            out.push('\n');
        }
        out.push_str("COMMIT\n");
        out
    }

    fn filter_jumps(&self) -> impl Iterator<Item = &(&'static str, &'static str)> {
        let fw = self.has_kube_firewall;
        FILTER_JUMPS.iter().filter(move |(_, r)| fw || !r.ends_with("-j KUBE-FIREWALL"))
    }

    /// What `iptables-save` prints on the node after kube-proxy's sync (filter then nat): the
    /// built-in chains with their policies, chains in name order, rules per chain, each rule in
    /// the canonical form the kernel hands back (see [`Rule::save_text`]). Run through
    /// [`RuleTable::parse`] of [`Ruleset::kernel_text`]. The `# Generated by` / `# Completed`
    /// comment lines (they carry a timestamp) are left out.
    pub fn save_text(&self) -> String {
        match RuleTable::parse(&self.kernel_text()) {
            Ok(t) => t.save_text(),
            // Our own output always parses; keep the function total anyway.
            Err(e) => format!("# internal error: {e}\n"),
        }
    }
}

fn push_table(out: &mut String, chains: &[String], rules: &[String]) {
    for c in chains {
        out.push(':');
        out.push_str(c);
        out.push_str(" - [0:0]\n");
    }
    for r in rules {
        out.push_str(r);
        out.push('\n');
    }
}
