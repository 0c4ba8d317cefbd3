//! NetworkPolicy and ClusterNetworkPolicy: who may talk to whom, and which policy said so.
//!
//! A pure stage beside `request`: [`PolicySet::new`] indexes the policies of a cluster once
//! (which Pods each policy selects, which Pods each rule peer matches, as bitsets over the
//! cluster's Pods), and then answers, without evaluating a label selector again:
//!
//! - [`PolicySet::evaluate`]: one connection, judged for **egress at the source Pod** and for
//!   **ingress at the destination Pod**, on the address and port *after* kube-proxy's DNAT (the
//!   backend Pod and its target port) and on the source *as it arrives* (after masquerade). The
//!   answer is a typed, serialisable [`Verdict`]: per direction the Pod's isolation, the decision
//!   (allowed / denied / unknown), the policy that decided, every policy that took part (the
//!   `policies` array of `netsim request -o json`) and one sentence for a learner;
//! - [`PolicySet::isolation`]: which Pods are isolated for ingress / egress (topology markers);
//! - [`PolicySet::inspect`]: one policy — the Pods it selects, what each rule allows, and the
//!   near misses of its selectors (the policy inspector);
//! - [`PolicySet::matrix`]: sources × destinations, each cell allowed / denied / unknown with the
//!   deciding policy;
//! - [`pod_selector_column`]: the POD-SELECTOR cell of `kubectl get networkpolicies`.
//!
//! Semantics (kubernetes-networking-2.md §3, with the upstream sources named where used):
//! NetworkPolicies are additive allow-lists; a Pod is isolated for a direction only when some
//! policy of its namespace selects it and lists that direction in `policyTypes`; a connection
//! needs egress at the source and ingress at the destination. ClusterNetworkPolicies come in
//! two tiers around NetworkPolicy: Admin (priority order, first matching rule: Accept / Deny
//! final, Pass hands over to NetworkPolicy), then NetworkPolicy (final for the Pods it
//! isolates), then Baseline, then the default allow.
//!
//! Where the documentation leaves the answer to the network plugin, the decision is
//! [`Decision::Unknown`] with the reason, never a guess: `hostNetwork` Pods as subjects or
//! peers of NetworkPolicy, traffic whose source was masqueraded when the two readings (before /
//! after SNAT) give different answers, a Pod reaching itself through a Service under
//! NetworkPolicy, an ingress `ipBlock` that would match a Pod IP, equal-priority
//! ClusterNetworkPolicies that disagree, and `domainNames` peers.
//!
//! Egress `ipBlock`s match Pod IPs (upstream e2e "should allow egress access to server in CIDR
//! block" expects it); an ingress `ipBlock` that contains a source Pod's IP is unknown (no
//! upstream test; the concept page says ipBlocks "should be cluster-external IPs").
//!
//! In a request trace: build the set once per cluster; after kube-proxy has chosen the endpoint
//! call [`PolicySet::evaluate`] with the client ([`Peer::Pod`], [`Peer::Node`] or
//! [`Peer::External`]), `snat` = the masquerading node when the rules masqueraded, the endpoint
//! Pod (or the outside / node address the DNAT led to), `service_ip` = the address dialled when
//! DNAT happened, and the port after DNAT. `Denied` ends the request in a timeout (policies drop
//! silently), `Unknown` ends it unknown; [`Verdict::policies`] is the `policies` JSON. The DNS
//! query is a connection too: client Pod → CoreDNS Pod, 53/UDP.
//!
//! Invariants: no IO, no clock, no randomness; never panics; output ordered (policies by
//! namespace/name, ClusterNetworkPolicies by tier, priority, name; Pods by namespace/name);
//! every list shown to a person is capped ([`MAX_LISTED`], [`MAX_NEAR_MISSES`]).

mod eval;
mod inspect;
mod matrix;
pub mod net;

#[cfg(test)]
mod tests;

use std::collections::BTreeMap;
use std::net::IpAddr;

use serde::{Deserialize, Serialize};

use crate::model::*;
use net::IpNet;

pub use inspect::{
    pod_selector_column, Allowance, IngressSummary, NearMiss, PeerView, PodPolicies,
    PolicyInspection, RuleView,
};
pub use matrix::{Cell, Matrix, MatrixPort};

/// Lists of Pods or namespaces in the inspector hold at most this many names (the count is
/// always complete).
pub const MAX_LISTED: usize = 100;
/// At most this many near misses per selector, closest first.
pub const MAX_NEAR_MISSES: usize = 8;
/// At most this many policies (NetworkPolicies first, then ClusterNetworkPolicies in evaluation
/// order) are indexed: each holds a bitset over the cluster's Pods per selector (6 KB each at
/// 50,000 Pods). The rest are left out and counted in [`PolicySet::omitted`]; the caller says so.
pub const MAX_POLICIES: usize = 1_000;

// ---------------------------------------------------------------------------------------------
// Public vocabulary

/// Which way a connection is judged: egress at the source Pod, ingress at the destination Pod.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", try_from = "String")]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub enum Direction {
    Egress,
    Ingress,
}

impl Direction {
    pub fn as_str(self) -> &'static str {
        match self {
            Direction::Egress => "egress",
            Direction::Ingress => "ingress",
        }
    }
}

/// The kind of a policy, spelled as the API kind.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "String")]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub enum PolicyKind {
    NetworkPolicy,
    ClusterNetworkPolicy,
}

impl PolicyKind {
    pub fn as_str(self) -> &'static str {
        match self {
            PolicyKind::NetworkPolicy => "NetworkPolicy",
            PolicyKind::ClusterNetworkPolicy => "ClusterNetworkPolicy",
        }
    }
}

/// What one policy did to a connection in one direction.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", try_from = "String")]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub enum Effect {
    /// A NetworkPolicy rule allowed it, or a ClusterNetworkPolicy rule accepted it.
    Allow,
    /// A ClusterNetworkPolicy rule denied it, or a NetworkPolicy isolates the Pod and none of
    /// its rules allows it.
    Deny,
    /// A ClusterNetworkPolicy rule passed the decision on to the next tier.
    Pass,
}

impl Effect {
    pub fn as_str(self) -> &'static str {
        match self {
            Effect::Allow => "allow",
            Effect::Deny => "deny",
            Effect::Pass => "pass",
        }
    }
}

// Read back from their names (size measure: see `from_name!` in lib.rs).
from_name!(Direction: Direction::Egress, Direction::Ingress);
from_name!(PolicyKind: PolicyKind::NetworkPolicy, PolicyKind::ClusterNetworkPolicy);
from_name!(Effect: Effect::Allow, Effect::Deny, Effect::Pass);
from_name!(Decision: Decision::Allowed, Decision::Denied, Decision::Unknown);
from_name!(Isolation: Isolation::NotIsolated, Isolation::Isolated, Isolation::Unknown);

/// A policy by name: `NS/NAME` for a NetworkPolicy, `NAME` for a (cluster-scoped)
/// ClusterNetworkPolicy.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct PolicyRef {
    pub name: String,
    pub kind: PolicyKind,
}

/// One entry of the `policies` array of `netsim request -o json` (cli.md):
/// `{"name":"NS/NAME","kind":"NetworkPolicy","direction":"ingress","effect":"deny"}`.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct PolicyEffect {
    pub name: String,
    pub kind: PolicyKind,
    pub direction: Direction,
    pub effect: Effect,
}

/// The outcome for one direction, or for the whole connection.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", try_from = "String")]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub enum Decision {
    Allowed,
    Denied,
    /// The documentation leaves it to the network plugin; the reason says why.
    Unknown,
}

impl Decision {
    pub fn as_str(self) -> &'static str {
        match self {
            Decision::Allowed => "allowed",
            Decision::Denied => "denied",
            Decision::Unknown => "unknown",
        }
    }
}

/// Whether NetworkPolicy isolates a Pod for one direction.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", try_from = "String")]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub enum Isolation {
    /// No NetworkPolicy selects the Pod for this direction (or this end is not a Pod).
    NotIsolated,
    Isolated,
    /// A `hostNetwork` Pod that a policy would select: whether the plugin isolates it is
    /// undefined.
    Unknown,
}

impl Isolation {
    pub fn as_str(self) -> &'static str {
        match self {
            Isolation::NotIsolated => "notIsolated",
            Isolation::Isolated => "isolated",
            Isolation::Unknown => "unknown",
        }
    }
}

/// The rule that decided: its position in the policy's `ingress`/`egress` list (0-based) and,
/// for ClusterNetworkPolicy rules, its `name` when it has one.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct RuleRef {
    pub index: usize,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
}

/// The judgement of one direction of a connection.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct DirectionVerdict {
    pub direction: Direction,
    /// The Pod judged (`NS/NAME`): the source for egress, the destination for ingress. `None`
    /// when that end is not a Pod (a node or an outside address): nothing to judge, allowed.
    pub pod: Option<String>,
    /// NetworkPolicy isolation of that Pod for this direction.
    pub isolation: Isolation,
    pub decision: Decision,
    /// The policy that decided (for `Unknown`: the one whose rule the doubt is about), if any.
    pub decided_by: Option<PolicyRef>,
    pub rule: Option<RuleRef>,
    /// One sentence for a learner that names the policy and the direction.
    pub reason: String,
    /// Every policy that took part, in evaluation order.
    pub policies: Vec<PolicyEffect>,
}

/// The judgement of a connection: egress at the source and ingress at the destination.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(rename = "PolicyVerdict"))]
pub struct Verdict {
    /// Allowed only when both directions are; denied when either is; unknown otherwise.
    pub decision: Decision,
    pub egress: DirectionVerdict,
    pub ingress: DirectionVerdict,
    /// Every policy that took part: egress first (the packet meets it first), then ingress.
    pub policies: Vec<PolicyEffect>,
    /// The direction that decided a denied or unknown connection (egress first).
    pub decided_in: Option<Direction>,
    pub decided_by: Option<PolicyRef>,
    /// One sentence: the deciding direction's reason (both, when allowed and restricted).
    pub reason: String,
}

/// One end of a connection.
#[derive(Clone, Copy, Debug)]
pub enum Peer<'a> {
    /// A Pod of the cluster (its namespace, labels, IPs, node, `hostNetwork` and container
    /// ports are read). Its first Pod IP is the address used.
    Pod(&'a Pod),
    /// A process on a node (or the node's address after masquerade).
    Node { name: &'a str, ip: IpAddr },
    /// An address outside the cluster (or any address that is no Pod and no node).
    External(IpAddr),
}

/// A connection to judge, as the request trace sees it at the destination.
#[derive(Clone, Copy, Debug)]
pub struct Connection<'a> {
    /// Who opened the connection: egress is judged at this Pod.
    pub source: Peer<'a>,
    /// When the source address was rewritten on the way (kube-proxy's MASQUERADE): the source as
    /// it arrives, normally `Peer::Node` of the node that masqueraded. `None`: not rewritten.
    pub snat: Option<Peer<'a>>,
    /// The destination after DNAT: the backend Pod, a node, or an outside address.
    pub destination: Peer<'a>,
    /// The Service address the client dialled, when kube-proxy DNATed the connection.
    pub service_ip: Option<IpAddr>,
    /// The destination port after DNAT (the Service's target port).
    pub port: u16,
    pub protocol: Protocol,
}

// ---------------------------------------------------------------------------------------------
// The index

/// A fixed-size set of Pod indexes.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct Bits(Vec<u64>);

impl Bits {
    fn new(n: usize) -> Bits {
        Bits(vec![0; n.div_ceil(64)])
    }
    fn set(&mut self, i: usize) {
        if let Some(w) = self.0.get_mut(i / 64) {
            *w |= 1 << (i % 64);
        }
    }
    pub(crate) fn get(&self, i: usize) -> bool {
        self.0.get(i / 64).is_some_and(|w| w & (1 << (i % 64)) != 0)
    }
    fn iter(&self) -> impl Iterator<Item = usize> + '_ {
        self.0.iter().enumerate().flat_map(|(wi, &w)| {
            (0..64).filter(move |b| w & (1u64 << b) != 0).map(move |b| wi * 64 + b)
        })
    }
}

/// A NetworkPolicy peer, pre-matched.
#[derive(Clone, Debug)]
pub(crate) enum NpPeerIx {
    /// Selector peer: the Pods it matches (hostNetwork Pods included; the evaluator treats them
    /// as undefined).
    Pods(Bits),
    /// `ipBlock`: `None` when the CIDR does not parse (the object is rejected by validation).
    Block(Option<(IpNet, Vec<IpNet>)>),
}

#[derive(Clone, Debug)]
pub(crate) struct NpRuleIx {
    pub peers: Vec<NpPeerIx>,
}

#[derive(Clone, Debug)]
pub(crate) struct NpIx<'a> {
    pub policy: &'a NetworkPolicy,
    pub name: String,
    pub selected: Bits,
    pub ingress: bool,
    pub egress: bool,
    pub ingress_rules: Vec<NpRuleIx>,
    pub egress_rules: Vec<NpRuleIx>,
}

/// A ClusterNetworkPolicy peer, pre-matched.
#[derive(Clone, Debug)]
pub(crate) enum CnpPeerIx {
    /// `namespaces` / `pods`: the non-hostNetwork Pods matched.
    Pods(Bits),
    /// `nodes`: indexes of the matching Nodes.
    Nodes(Vec<usize>),
    Networks(Vec<IpNet>),
    DomainNames,
    Invalid,
}

#[derive(Clone, Debug)]
pub(crate) struct CnpRuleIx {
    pub peers: Vec<CnpPeerIx>,
}

#[derive(Clone, Debug)]
pub(crate) struct CnpIx<'a> {
    pub policy: &'a ClusterNetworkPolicy,
    pub subject: Bits,
    pub ingress_rules: Vec<CnpRuleIx>,
    pub egress_rules: Vec<CnpRuleIx>,
}

/// A policy by index: NetworkPolicy `i` or ClusterNetworkPolicy `i` of the set.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub(crate) enum Pid {
    Np(usize),
    Cnp(usize),
}

/// The policies of a cluster, indexed for evaluation. Build once per cluster.
pub struct PolicySet<'a> {
    pub(crate) objects: &'a Objects,
    /// `(namespace, name)` → Pod index into `objects.pods` (first wins).
    pub(crate) pod_index: BTreeMap<(&'a str, &'a str), usize>,
    /// Namespace name → labels, for every namespace of the cluster and every namespace a Pod
    /// names, with `kubernetes.io/metadata.name` always set.
    pub(crate) ns_labels: BTreeMap<&'a str, Labels>,
    /// Node address → node index.
    pub(crate) node_by_ip: BTreeMap<IpAddr, usize>,
    /// NetworkPolicies sorted by namespace, name.
    pub(crate) nps: Vec<NpIx<'a>>,
    /// ClusterNetworkPolicies: Admin tier by priority then name, then Baseline likewise.
    pub(crate) cnps: Vec<CnpIx<'a>>,
    /// Per Pod: the NetworkPolicies isolating it for ingress / egress (indexes into `nps`).
    pub(crate) np_ingress: Vec<Vec<usize>>,
    pub(crate) np_egress: Vec<Vec<usize>>,
    /// Per Pod: the ClusterNetworkPolicies whose subject selects it (indexes into `cnps`, in
    /// evaluation order).
    pub(crate) cnp_of: Vec<Vec<usize>>,
    /// Policies beyond [`MAX_POLICIES`], not indexed (their effect is missing from every answer).
    pub omitted: usize,
    /// The first policy left out, for the diagnostic.
    first_omitted: Option<&'a ObjectMeta>,
}

/// `kubernetes.io/metadata.name` is set on every namespace by the API server; a namespace the
/// input never created still has it.
pub(crate) const NS_NAME_LABEL: &str = "kubernetes.io/metadata.name";

impl<'a> PolicySet<'a> {
    /// Indexes the NetworkPolicies and ClusterNetworkPolicies of `objects` (a complete cluster,
    /// as `cluster::build` returns it). Cost: one selector evaluation per (Pod, selector).
    pub fn new(objects: &'a Objects) -> PolicySet<'a> {
        let n = objects.pods.len();
        let mut pod_index = BTreeMap::new();
        for (i, p) in objects.pods.iter().enumerate() {
            pod_index.entry((p.meta.namespace.as_str(), p.meta.name.as_str())).or_insert(i);
        }
        let mut ns_labels: BTreeMap<&'a str, Labels> = BTreeMap::new();
        for ns in &objects.namespaces {
            ns_labels.entry(ns.meta.name.as_str()).or_insert_with(|| ns.meta.labels.clone());
        }
        for p in &objects.pods {
            ns_labels.entry(p.meta.namespace.as_str()).or_default();
        }
        for (name, labels) in ns_labels.iter_mut() {
            // Set by the API server on every namespace, over any value given
            // (`SetDefaults_Namespace`).
            labels.insert(NS_NAME_LABEL.to_string(), name.to_string());
        }
        let mut node_by_ip = BTreeMap::new();
        for (i, node) in objects.nodes.iter().enumerate() {
            for ip in node.internal_ips.iter().chain(&node.external_ips) {
                node_by_ip.entry(*ip).or_insert(i);
            }
        }
        let mut set = PolicySet {
            objects,
            pod_index,
            ns_labels,
            node_by_ip,
            nps: Vec::new(),
            cnps: Vec::new(),
            np_ingress: vec![Vec::new(); n],
            np_egress: vec![Vec::new(); n],
            cnp_of: vec![Vec::new(); n],
            omitted: 0,
            first_omitted: None,
        };
        // Namespace label matches are computed once per (selector, namespace), then spread to
        // the Pods: Pods of one namespace share the answer.
        let pods_by_ns = set.pods_by_namespace();

        let mut nps: Vec<&NetworkPolicy> = objects.network_policies.iter().collect();
        crate::sort::sort_by(&mut nps, |a, b| {
            (&a.meta.namespace, &a.meta.name).cmp(&(&b.meta.namespace, &b.meta.name))
        });
        let total = nps.len() + objects.cluster_network_policies.len();
        set.omitted = total.saturating_sub(MAX_POLICIES);
        set.first_omitted = nps.get(MAX_POLICIES).map(|np| &np.meta);
        nps.truncate(MAX_POLICIES);
        for np in nps {
            let ns = np.meta.namespace.as_str();
            let mut selected = Bits::new(n);
            for &i in pods_by_ns.get(ns).map(Vec::as_slice).unwrap_or(&[]) {
                if selects(&np.spec.pod_selector, &objects.pods[i].meta.labels) {
                    selected.set(i);
                }
            }
            let rules = |rules: &[NetworkPolicyRule]| -> Vec<NpRuleIx> {
                rules
                    .iter()
                    .map(|r| NpRuleIx {
                        peers: r.peers.iter().map(|p| set.np_peer(ns, p, &pods_by_ns)).collect(),
                    })
                    .collect()
            };
            let ix = NpIx {
                policy: np,
                name: format!("{}/{}", np.meta.namespace, np.meta.name),
                ingress: np.spec.policy_types.contains(&PolicyType::Ingress),
                egress: np.spec.policy_types.contains(&PolicyType::Egress),
                ingress_rules: rules(&np.spec.ingress),
                egress_rules: rules(&np.spec.egress),
                selected,
            };
            set.nps.push(ix);
        }
        for (k, ix) in set.nps.iter().enumerate() {
            for i in ix.selected.iter() {
                if ix.ingress {
                    if let Some(v) = set.np_ingress.get_mut(i) {
                        v.push(k);
                    }
                }
                if ix.egress {
                    if let Some(v) = set.np_egress.get_mut(i) {
                        v.push(k);
                    }
                }
            }
        }

        let mut cnps: Vec<&ClusterNetworkPolicy> =
            objects.cluster_network_policies.iter().collect();
        crate::sort::sort_by(&mut cnps, |a, b| {
            (a.spec.tier, a.spec.priority, &a.meta.name).cmp(&(
                b.spec.tier,
                b.spec.priority,
                &b.meta.name,
            ))
        });
        let room = MAX_POLICIES.saturating_sub(set.nps.len());
        if set.first_omitted.is_none() {
            set.first_omitted = cnps.get(room).map(|c| &c.meta);
        }
        cnps.truncate(room);
        for c in cnps {
            let subject = match &c.spec.subject {
                CnpSubject::Namespaces(s) => set.pods_in(&pods_by_ns, s, None),
                CnpSubject::Pods(p) => {
                    set.pods_in(&pods_by_ns, &p.namespace_selector, Some(&p.pod_selector))
                }
                CnpSubject::None => Bits::new(n),
            };
            let rules = |rules: &[CnpRule]| -> Vec<CnpRuleIx> {
                rules
                    .iter()
                    .map(|r| CnpRuleIx {
                        peers: r.peers.iter().map(|p| set.cnp_peer(p, &pods_by_ns)).collect(),
                    })
                    .collect()
            };
            let ix = CnpIx {
                policy: c,
                ingress_rules: rules(&c.spec.ingress),
                egress_rules: rules(&c.spec.egress),
                subject,
            };
            set.cnps.push(ix);
        }
        for (k, ix) in set.cnps.iter().enumerate() {
            for i in ix.subject.iter() {
                if let Some(v) = set.cnp_of.get_mut(i) {
                    v.push(k);
                }
            }
        }
        set
    }

    /// Pod indexes per namespace, in Pod order.
    fn pods_by_namespace(&self) -> BTreeMap<&'a str, Vec<usize>> {
        let mut m: BTreeMap<&'a str, Vec<usize>> = BTreeMap::new();
        for (i, p) in self.objects.pods.iter().enumerate() {
            m.entry(p.meta.namespace.as_str()).or_default().push(i);
        }
        m
    }

    /// The labels of namespace `ns` (its `kubernetes.io/metadata.name` label at least).
    pub(crate) fn namespace_labels(&self, ns: &str) -> std::borrow::Cow<'_, Labels> {
        match self.ns_labels.get(ns) {
            Some(l) => std::borrow::Cow::Borrowed(l),
            None => std::borrow::Cow::Owned([(NS_NAME_LABEL.to_string(), ns.to_string())].into()),
        }
    }

    /// The namespaces a selector matches (the cluster's, plus those only Pods name), sorted.
    pub(crate) fn namespaces_matching(&self, sel: &LabelSelector) -> Vec<&'a str> {
        self.ns_labels.iter().filter(|(_, l)| selects(sel, l)).map(|(ns, _)| *ns).collect()
    }

    /// Pods in namespaces matching `ns_sel` (and matching `pod_sel`, if given), hostNetwork Pods
    /// left out (ClusterNetworkPolicy: "host-networked pods are not included").
    fn pods_in(
        &self,
        pods_by_ns: &BTreeMap<&'a str, Vec<usize>>,
        ns_sel: &LabelSelector,
        pod_sel: Option<&LabelSelector>,
    ) -> Bits {
        let mut b = Bits::new(self.objects.pods.len());
        for ns in self.namespaces_matching(ns_sel) {
            for &i in pods_by_ns.get(ns).map(Vec::as_slice).unwrap_or(&[]) {
                let p = &self.objects.pods[i];
                if p.spec.host_network {
                    continue;
                }
                if pod_sel.is_none_or(|s| selects(s, &p.meta.labels)) {
                    b.set(i);
                }
            }
        }
        b
    }

    fn np_peer(
        &self,
        ns: &str,
        p: &NetworkPolicyPeer,
        pods_by_ns: &BTreeMap<&'a str, Vec<usize>>,
    ) -> NpPeerIx {
        if let Some(b) = &p.ip_block {
            return NpPeerIx::Block(parse_block(b));
        }
        let n = self.objects.pods.len();
        let mut bits = Bits::new(n);
        match (&p.namespace_selector, &p.pod_selector) {
            (None, None) => {}
            (None, Some(ps)) => {
                for &i in pods_by_ns.get(ns).map(Vec::as_slice).unwrap_or(&[]) {
                    if selects(ps, &self.objects.pods[i].meta.labels) {
                        bits.set(i);
                    }
                }
            }
            (Some(nss), ps) => {
                for pns in self.namespaces_matching(nss) {
                    for &i in pods_by_ns.get(pns).map(Vec::as_slice).unwrap_or(&[]) {
                        if ps
                            .as_ref()
                            .is_none_or(|ps| selects(ps, &self.objects.pods[i].meta.labels))
                        {
                            bits.set(i);
                        }
                    }
                }
            }
        }
        NpPeerIx::Pods(bits)
    }

    fn cnp_peer(&self, p: &CnpPeer, pods_by_ns: &BTreeMap<&'a str, Vec<usize>>) -> CnpPeerIx {
        match p {
            CnpPeer::Namespaces(s) => CnpPeerIx::Pods(self.pods_in(pods_by_ns, s, None)),
            CnpPeer::Pods(np) => CnpPeerIx::Pods(self.pods_in(
                pods_by_ns,
                &np.namespace_selector,
                Some(&np.pod_selector),
            )),
            CnpPeer::Nodes(s) => CnpPeerIx::Nodes(
                self.objects
                    .nodes
                    .iter()
                    .enumerate()
                    .filter(|(_, node)| selects(s, &node.meta.labels))
                    .map(|(i, _)| i)
                    .collect(),
            ),
            CnpPeer::Networks(cidrs) => {
                CnpPeerIx::Networks(cidrs.iter().filter_map(|c| IpNet::parse_strict(c)).collect())
            }
            CnpPeer::DomainNames(_) => CnpPeerIx::DomainNames,
            CnpPeer::Invalid => CnpPeerIx::Invalid,
        }
    }

    /// The name of a policy as the `policies` JSON spells it.
    pub(crate) fn name_of(&self, pid: Pid) -> String {
        match pid {
            Pid::Np(i) => self.nps.get(i).map(|x| x.name.clone()).unwrap_or_default(),
            Pid::Cnp(i) => self.cnps.get(i).map(|x| x.policy.meta.name.clone()).unwrap_or_default(),
        }
    }

    pub(crate) fn ref_of(&self, pid: Pid) -> PolicyRef {
        PolicyRef {
            name: self.name_of(pid),
            kind: match pid {
                Pid::Np(_) => PolicyKind::NetworkPolicy,
                Pid::Cnp(_) => PolicyKind::ClusterNetworkPolicy,
            },
        }
    }

    /// The index of a Pod of the cluster.
    pub(crate) fn index_of(&self, pod: &Pod) -> Option<usize> {
        self.pod_index.get(&(pod.meta.namespace.as_str(), pod.meta.name.as_str())).copied()
    }

    /// The Pod `NS/NAME` (or `NAME` in `default`).
    pub fn pod(&self, key: &str) -> Option<&'a Pod> {
        let (ns, name) = key.split_once('/').unwrap_or(("default", key));
        self.pod_index.get(&(ns, name)).and_then(|&i| self.objects.pods.get(i))
    }

    /// What the caller should report about the set: `too-many-policies` (error) when
    /// [`MAX_POLICIES`] was hit, on the first policy left out.
    pub fn diagnostics(&self) -> Vec<crate::diagnostic::Diagnostic> {
        let Some(meta) = self.first_omitted.filter(|_| self.omitted > 0) else { return Vec::new() };
        let span = match &meta.source {
            Some(s) => crate::text::Span { file: s.file, range: s.range },
            None => crate::text::Span::default(),
        };
        vec![crate::diagnostic::Diagnostic::error(
            "too-many-policies",
            span,
            format!(
                "the input has {} NetworkPolicies and ClusterNetworkPolicies; the simulator evaluates at most {MAX_POLICIES}: this one and the {} after it are left out",
                self.omitted + MAX_POLICIES,
                self.omitted - 1
            ),
        )
        .with_hint("requests, the matrix and the markers ignore the policies left out; split the input to see their effect")]
    }

    /// Whether the ClusterNetworkPolicy `name` is in the Admin tier, whose Accept and Deny no
    /// NetworkPolicy can override.
    pub fn is_admin_tier(&self, name: &str) -> bool {
        self.cnps.iter().any(|c| c.policy.meta.name == name && c.policy.spec.tier == CnpTier::Admin)
    }

    /// Whether the cluster has any NetworkPolicy or ClusterNetworkPolicy.
    pub fn is_empty(&self) -> bool {
        self.nps.is_empty() && self.cnps.is_empty()
    }

    /// Pairs of ClusterNetworkPolicies in the same tier with the same priority whose subjects
    /// overlap: upstream leaves it undefined which one applies ("the implementation can apply
    /// any of the matching policies"). Evaluation orders them by name and reports a conflict
    /// as unknown.
    pub fn same_priority_overlaps(&self) -> Vec<(String, String)> {
        let mut out = Vec::new();
        for (i, a) in self.cnps.iter().enumerate() {
            // Sorted by (tier, priority, name): equal priorities are neighbours.
            let same = |b: &&CnpIx<'_>| {
                a.policy.spec.tier == b.policy.spec.tier
                    && a.policy.spec.priority == b.policy.spec.priority
            };
            for b in self.cnps.iter().skip(i + 1).take_while(same) {
                if a.subject.0.iter().zip(&b.subject.0).any(|(x, y)| x & y != 0) {
                    out.push((a.policy.meta.name.clone(), b.policy.meta.name.clone()));
                }
            }
        }
        out
    }
}

/// `metav1.LabelSelector` semantics (`{}` matches everything; a selector that
/// `LabelSelectorAsSelector` refuses, e.g. an unknown operator, selects nothing).
pub(crate) fn selects(sel: &LabelSelector, labels: &Labels) -> bool {
    crate::select::label_selector_selects(Some(sel), labels)
}

fn parse_block(b: &IpBlock) -> Option<(IpNet, Vec<IpNet>)> {
    let cidr = IpNet::parse_sloppy(&b.cidr)?;
    let except = b.except.iter().filter_map(|e| IpNet::parse_sloppy(e)).collect();
    Some((cidr, except))
}

/// `NS/NAME` of a Pod.
pub(crate) fn pod_key(p: &Pod) -> String {
    format!("{}/{}", p.meta.namespace, p.meta.name)
}
