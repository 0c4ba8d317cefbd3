//! kube-proxy, nftables mode: the `kube-proxy` tables one node gets, both textual views, and a
//! packet walker over the parsed text.
//!
//! Upstream: `pkg/proxy/nftables/proxier.go` (`setupNFTables`, `syncProxyRules`,
//! `writeServiceToEndpointRules`, `hashAndTruncate`), its tests
//! (`pkg/proxy/nftables/proxier_test.go`, `helpers_test.go`) and `kubernetes-sigs/knftables`
//! (`fake.go` `Dump`, `objects.go` `writeOperation`).
//!
//! * [`generate`] → [`NftRuleset`] (one [`Table`] per IP family of the cluster):
//!   [`NftRuleset::dump_text`] is the state after one full sync in the form knftables'
//!   `Fake.Dump()` prints and upstream's tests compare (one `add` statement per line);
//!   [`NftRuleset::ruleset_text`] is what `nft list ruleset` shows on the node.
//! * [`NftTables::parse`] reads either text back; [`walk`] and [`walk_seeded`] evaluate a packet
//!   over the parsed text only (so editing the text changes the walk), producing the same
//!   [`Trace`](super::Trace) as the iptables walker.
//!
//! Invariants: deterministic (service ports in `ServicePortName` order, endpoints in `ip:port`
//! byte order, elements sorted), no panics on any input, bounded walks.

mod generate;
mod parse;
mod render;
mod walk;

#[cfg(test)]
mod tests;

pub use generate::{generate, hash_and_truncate, NAME_LENGTH_MAX};
pub use parse::{NftTables, ParseError};
pub use walk::{walk, walk_seeded};

use super::Note;
use crate::model::IpFamily;

/// The kube-proxy table's name in both families.
pub const TABLE: &str = "kube-proxy";

/// An nftables address family of the tables kube-proxy writes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Family {
    /// `ip` (IPv4).
    Ip,
    /// `ip6` (IPv6).
    Ip6,
}

impl Family {
    pub fn of(f: IpFamily) -> Family {
        match f {
            IpFamily::IPv4 => Family::Ip,
            IpFamily::IPv6 => Family::Ip6,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Family::Ip => "ip",
            Family::Ip6 => "ip6",
        }
    }

    pub fn ip_family(self) -> IpFamily {
        match self {
            Family::Ip => IpFamily::IPv4,
            Family::Ip6 => IpFamily::IPv6,
        }
    }
}

/// A base chain's hook: `type <t> hook <h> priority <p>`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BaseChain {
    /// `filter` or `nat`.
    pub chain_type: String,
    /// `prerouting`, `input`, `forward`, `output`, `postrouting`.
    pub hook: String,
    /// The numeric priority (knftables writes names as numbers: `dstnat-10` → `-110`).
    pub priority: i32,
}

/// One rule: the text after the chain name, and knftables' `Rule.Comment`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Rule {
    pub text: String,
    pub comment: Option<String>,
}

/// A chain of the table.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Chain {
    pub name: String,
    pub base: Option<BaseChain>,
    pub comment: Option<String>,
    pub rules: Vec<Rule>,
}

/// A set or map element: key parts (`172.30.0.41 . tcp . 80`), optional value (`goto X`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Element {
    pub key: Vec<String>,
    pub value: Option<String>,
    pub comment: Option<String>,
}

/// A named set (`add set`) or map (`add map`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Set {
    pub name: String,
    pub is_map: bool,
    /// `ipv4_addr`, `ipv4_addr . inet_proto . inet_service : verdict`, …
    pub type_: String,
    /// `dynamic`, `timeout`, …
    pub flags: Vec<String>,
    pub timeout_secs: Option<u64>,
    pub comment: Option<String>,
    pub elements: Vec<Element>,
}

/// One `kube-proxy` table: chains and sets in creation order (the order `nft list ruleset`
/// shows); [`NftRuleset::dump_text`] sorts them as knftables' dump does.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Table {
    pub family: Family,
    pub name: String,
    pub comment: Option<String>,
    pub chains: Vec<Chain>,
    pub sets: Vec<Set>,
}

/// One node's kube-proxy state in nftables mode: a table per IP family, primary first.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NftRuleset {
    pub tables: Vec<Table>,
    /// Input the rules could not express (same codes as iptables mode).
    pub notes: Vec<Note>,
}
