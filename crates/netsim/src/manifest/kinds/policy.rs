//! Decoders for `networking.k8s.io/v1` NetworkPolicy and `policy.networking.k8s.io`
//! ClusterNetworkPolicy: spanned tree → raw shapes that keep what validation needs (protocol
//! and policy-type strings as written, which optional fields were present, how many properties
//! a one-of object had), before `defaults::policy` turns them into the model.
//!
//! Field names: `k8s.io/api` `networking/v1/types.go` (NetworkPolicy*, IPBlock) and
//! `kubernetes-sigs/network-policy-api` `apis/v1alpha2/clusternetworkpolicy_types.go`.

use super::label_selector;
use crate::manifest::decode::Cx;
use crate::model::*;
use crate::syntax::Node;

pub(crate) const NETWORK_POLICY_TOP: &[&str] = &["apiVersion", "kind", "metadata", "spec"];
pub(crate) const NETWORK_POLICY_SPEC: &[&str] =
    &["podSelector", "ingress", "egress", "policyTypes"];
pub(crate) const NETWORK_POLICY_INGRESS_RULE: &[&str] = &["ports", "from"];
pub(crate) const NETWORK_POLICY_EGRESS_RULE: &[&str] = &["ports", "to"];
pub(crate) const NETWORK_POLICY_PEER: &[&str] = &["podSelector", "namespaceSelector", "ipBlock"];
pub(crate) const IP_BLOCK: &[&str] = &["cidr", "except"];
pub(crate) const NETWORK_POLICY_PORT: &[&str] = &["protocol", "port", "endPort"];

pub(crate) const CNP_TOP: &[&str] = &["apiVersion", "kind", "metadata", "spec", "status"];
pub(crate) const CNP_SPEC: &[&str] = &["tier", "priority", "subject", "ingress", "egress"];
pub(crate) const CNP_SUBJECT: &[&str] = &["namespaces", "pods"];
pub(crate) const CNP_NAMESPACED_POD: &[&str] = &["namespaceSelector", "podSelector"];
pub(crate) const CNP_INGRESS_RULE: &[&str] = &["name", "action", "from", "protocols"];
pub(crate) const CNP_EGRESS_RULE: &[&str] = &["name", "action", "to", "protocols"];
pub(crate) const CNP_INGRESS_PEER: &[&str] = &["namespaces", "pods"];
pub(crate) const CNP_EGRESS_PEER: &[&str] =
    &["namespaces", "pods", "nodes", "networks", "domainNames"];
pub(crate) const CNP_PROTOCOL: &[&str] = &["tcp", "udp", "sctp", "destinationNamedPort"];
pub(crate) const CNP_PROTOCOL_PORT: &[&str] = &["destinationPort"];
pub(crate) const CNP_PORT: &[&str] = &["number", "range"];
pub(crate) const CNP_PORT_RANGE: &[&str] = &["start", "end"];

// ---------------------------------------------------------------------------------------------
// NetworkPolicy

/// A NetworkPolicy as given, before `SetDefaults_NetworkPolicy`.
#[derive(Clone, Debug, Default)]
pub(crate) struct RawNetworkPolicy {
    pub meta: ObjectMeta,
    pub pod_selector: LabelSelector,
    pub ingress: Vec<RawNpRule>,
    pub egress: Vec<RawNpRule>,
    /// As written (validation reports unsupported values).
    pub policy_types: Vec<String>,
}

#[derive(Clone, Debug, Default)]
pub(crate) struct RawNpRule {
    pub peers: Vec<NetworkPolicyPeer>,
    pub ports: Vec<RawNpPort>,
}

#[derive(Clone, Debug, Default)]
pub(crate) struct RawNpPort {
    /// `None` when absent (defaulted to TCP); `Some("")` is an explicit empty string.
    pub protocol: Option<String>,
    pub port: Option<IntOrString>,
    pub end_port: Option<i32>,
}

/// A `podSelector`/`namespaceSelector` pointer: `null` is absent, `{}` selects everything.
fn optional_selector(cx: &mut Cx<'_>, n: &Node<'_>) -> Option<LabelSelector> {
    if n.is_null() {
        None
    } else {
        Some(label_selector(cx, n))
    }
}

fn np_peer(cx: &mut Cx<'_>, n: &Node<'_>) -> NetworkPolicyPeer {
    let mut p = NetworkPolicyPeer::default();
    cx.go = "NetworkPolicyPeer";
    fields!(cx, n, NETWORK_POLICY_PEER, e => {
        "podSelector" => { p.pod_selector = optional_selector(cx, &e.value); cx.go = "NetworkPolicyPeer"; },
        "namespaceSelector" => { p.namespace_selector = optional_selector(cx, &e.value); cx.go = "NetworkPolicyPeer"; },
        "ipBlock" => if !e.value.is_null() {
            let mut b = IpBlock::default();
            cx.go = "IPBlock";
            fields!(cx, &e.value, IP_BLOCK, f => {
                "cidr" => b.cidr = cx.string(&f.value).unwrap_or_default(),
                "except" => b.except = cx.string_list(&f.value),
            });
            cx.go = "NetworkPolicyPeer";
            p.ip_block = Some(b);
        },
    });
    p
}

fn np_port(cx: &mut Cx<'_>, n: &Node<'_>) -> RawNpPort {
    let mut p = RawNpPort::default();
    cx.go = "NetworkPolicyPort";
    fields!(cx, n, NETWORK_POLICY_PORT, e => {
        "protocol" => p.protocol = cx.string(&e.value),
        "port" => p.port = cx.int_or_string(&e.value),
        "endPort" => p.end_port = cx.int32(&e.value),
    });
    p
}

fn np_rule(cx: &mut Cx<'_>, n: &Node<'_>, egress: bool) -> RawNpRule {
    let mut r = RawNpRule::default();
    let (go, known, peers_key) = if egress {
        ("NetworkPolicyEgressRule", NETWORK_POLICY_EGRESS_RULE, "to")
    } else {
        ("NetworkPolicyIngressRule", NETWORK_POLICY_INGRESS_RULE, "from")
    };
    cx.go = go;
    for e in cx.mapping(n) {
        let Some(k) = e.key_str() else { continue };
        let m = cx.enter(k, e);
        if k == "ports" {
            items!(cx, &e.value, _i, it => { r.ports.push(np_port(cx, it)); cx.go = go; });
        } else if k == peers_key {
            items!(cx, &e.value, _i, it => { r.peers.push(np_peer(cx, it)); cx.go = go; });
        } else {
            cx.other(k, e, known);
        }
        cx.leave(m);
    }
    r
}

/// `spec` of a NetworkPolicy.
pub(crate) fn network_policy_spec(cx: &mut Cx<'_>, n: &Node<'_>, np: &mut RawNetworkPolicy) {
    cx.go = "NetworkPolicySpec";
    fields!(cx, n, NETWORK_POLICY_SPEC, e => {
        // A value (not a pointer) upstream: `podSelector: null` is the empty selector.
        "podSelector" => { np.pod_selector = label_selector(cx, &e.value); cx.go = "NetworkPolicySpec"; },
        "ingress" => items!(cx, &e.value, _i, it => { np.ingress.push(np_rule(cx, it, false)); cx.go = "NetworkPolicySpec"; }),
        "egress" => items!(cx, &e.value, _i, it => { np.egress.push(np_rule(cx, it, true)); cx.go = "NetworkPolicySpec"; }),
        "policyTypes" => np.policy_types = cx.string_list(&e.value),
    });
}

// ---------------------------------------------------------------------------------------------
// ClusterNetworkPolicy

/// A ClusterNetworkPolicy as given. `Option`s record presence (the CRD schema has required
/// fields); `*_props` count the non-null properties of the one-of objects (min/maxProperties).
#[derive(Clone, Debug, Default)]
pub(crate) struct RawCnp {
    pub meta: ObjectMeta,
    pub has_spec: bool,
    pub tier: Option<String>,
    pub priority: Option<i64>,
    pub subject: Option<RawCnpSubject>,
    pub ingress: Option<Vec<RawCnpRule>>,
    pub egress: Option<Vec<RawCnpRule>>,
}

#[derive(Clone, Debug, Default)]
pub(crate) struct RawCnpSubject {
    pub namespaces: Option<LabelSelector>,
    pub pods: Option<RawNamespacedPod>,
    pub props: usize,
}

#[derive(Clone, Debug, Default)]
pub(crate) struct RawNamespacedPod {
    pub namespace_selector: Option<LabelSelector>,
    pub pod_selector: Option<LabelSelector>,
}

#[derive(Clone, Debug, Default)]
pub(crate) struct RawCnpRule {
    pub name: Option<String>,
    pub action: Option<String>,
    pub peers: Option<Vec<RawCnpPeer>>,
    pub protocols: Option<Vec<RawCnpProtocol>>,
}

#[derive(Clone, Debug, Default)]
pub(crate) struct RawCnpPeer {
    pub namespaces: Option<LabelSelector>,
    pub pods: Option<RawNamespacedPod>,
    pub nodes: Option<LabelSelector>,
    pub networks: Option<Vec<String>>,
    pub domain_names: Option<Vec<String>>,
    pub props: usize,
}

#[derive(Clone, Debug, Default)]
pub(crate) struct RawCnpProtocol {
    /// (`tcp`/`udp`/`sctp`, its `destinationPort`, the property count of that object).
    pub port: Option<(Protocol, Option<RawCnpPort>, usize)>,
    pub named_port: Option<String>,
    pub props: usize,
}

#[derive(Clone, Debug, Default)]
pub(crate) struct RawCnpPort {
    pub number: Option<i64>,
    /// (`start`, `end`) as given.
    pub range: Option<(Option<i64>, Option<i64>)>,
    pub props: usize,
}

fn namespaced_pod(cx: &mut Cx<'_>, n: &Node<'_>) -> RawNamespacedPod {
    let mut p = RawNamespacedPod::default();
    fields!(cx, n, CNP_NAMESPACED_POD, e => {
        "namespaceSelector" => p.namespace_selector = optional_selector(cx, &e.value),
        "podSelector" => p.pod_selector = optional_selector(cx, &e.value),
    });
    p
}

fn cnp_port(cx: &mut Cx<'_>, n: &Node<'_>) -> RawCnpPort {
    let mut p = RawCnpPort::default();
    fields!(cx, n, CNP_PORT, e => {
        "number" => if !e.value.is_null() { p.props += 1; p.number = cx.int64(&e.value) },
        "range" => if !e.value.is_null() {
            p.props += 1;
            let mut r = (None, None);
            fields!(cx, &e.value, CNP_PORT_RANGE, f => {
                "start" => r.0 = cx.int64(&f.value),
                "end" => r.1 = cx.int64(&f.value),
            });
            p.range = Some(r);
        },
    });
    p
}

fn cnp_protocol(cx: &mut Cx<'_>, n: &Node<'_>) -> RawCnpProtocol {
    let mut p = RawCnpProtocol::default();
    for e in cx.mapping(n) {
        let Some(k) = e.key_str() else { continue };
        let m = cx.enter(k, e);
        let proto = match k {
            "tcp" => Some(Protocol::Tcp),
            "udp" => Some(Protocol::Udp),
            "sctp" => Some(Protocol::Sctp),
            _ => None,
        };
        if let Some(proto) = proto {
            if !e.value.is_null() {
                p.props += 1;
                let mut port = None;
                let mut props = 0;
                fields!(cx, &e.value, CNP_PROTOCOL_PORT, f => {
                    "destinationPort" => if !f.value.is_null() { props += 1; port = Some(cnp_port(cx, &f.value)) },
                });
                // Several protocols in one item is a maxProperties error; keep the first.
                if p.port.is_none() {
                    p.port = Some((proto, port, props));
                }
            }
        } else if k == "destinationNamedPort" {
            if !e.value.is_null() {
                p.props += 1;
                p.named_port = cx.string(&e.value);
            }
        } else {
            cx.other(k, e, CNP_PROTOCOL);
        }
        cx.leave(m);
    }
    p
}

fn cnp_peer(cx: &mut Cx<'_>, n: &Node<'_>, egress: bool) -> RawCnpPeer {
    let mut p = RawCnpPeer::default();
    let known = if egress { CNP_EGRESS_PEER } else { CNP_INGRESS_PEER };
    for e in cx.mapping(n) {
        let Some(k) = e.key_str() else { continue };
        let m = cx.enter(k, e);
        let present = !e.value.is_null();
        match k {
            "namespaces" => {
                p.props += usize::from(present);
                p.namespaces = optional_selector(cx, &e.value);
            }
            "pods" => {
                p.props += usize::from(present);
                if present {
                    p.pods = Some(namespaced_pod(cx, &e.value));
                }
            }
            "nodes" if egress => {
                p.props += usize::from(present);
                p.nodes = optional_selector(cx, &e.value);
            }
            "networks" if egress => {
                p.props += usize::from(present);
                if present {
                    p.networks = Some(cx.string_list(&e.value));
                }
            }
            "domainNames" if egress => {
                p.props += usize::from(present);
                if present {
                    p.domain_names = Some(cx.string_list(&e.value));
                }
            }
            _ => cx.other(k, e, known),
        }
        cx.leave(m);
    }
    p
}

fn cnp_rule(cx: &mut Cx<'_>, n: &Node<'_>, egress: bool) -> RawCnpRule {
    let mut r = RawCnpRule::default();
    let (known, peers_key) =
        if egress { (CNP_EGRESS_RULE, "to") } else { (CNP_INGRESS_RULE, "from") };
    for e in cx.mapping(n) {
        let Some(k) = e.key_str() else { continue };
        let m = cx.enter(k, e);
        match k {
            "name" => r.name = cx.string(&e.value),
            "action" => r.action = cx.string(&e.value),
            "protocols" if !e.value.is_null() => {
                let mut v = Vec::new();
                items!(cx, &e.value, _i, it => v.push(cnp_protocol(cx, it)));
                r.protocols = Some(v);
            }
            "protocols" => {}
            k if k == peers_key => {
                if !e.value.is_null() {
                    let mut v = Vec::new();
                    items!(cx, &e.value, _i, it => v.push(cnp_peer(cx, it, egress)));
                    r.peers = Some(v);
                }
            }
            _ => cx.other(k, e, known),
        }
        cx.leave(m);
    }
    r
}

/// `spec` of a ClusterNetworkPolicy.
pub(crate) fn cnp_spec(cx: &mut Cx<'_>, n: &Node<'_>, c: &mut RawCnp) {
    c.has_spec = !n.is_null();
    // A CRD: the API server checks the OpenAPI schema, not Go types.
    cx.go = "";
    fields!(cx, n, CNP_SPEC, e => {
        "tier" => c.tier = cx.string(&e.value),
        "priority" => c.priority = cx.int64(&e.value),
        "subject" => if !e.value.is_null() {
            let mut s = RawCnpSubject::default();
            fields!(cx, &e.value, CNP_SUBJECT, f => {
                "namespaces" => {
                    s.props += usize::from(!f.value.is_null());
                    s.namespaces = optional_selector(cx, &f.value);
                },
                "pods" => if !f.value.is_null() {
                    s.props += 1;
                    s.pods = Some(namespaced_pod(cx, &f.value));
                },
            });
            c.subject = Some(s);
        },
        "ingress" => if !e.value.is_null() {
            let mut v = Vec::new();
            items!(cx, &e.value, _i, it => v.push(cnp_rule(cx, it, false)));
            c.ingress = Some(v);
        },
        "egress" => if !e.value.is_null() {
            let mut v = Vec::new();
            items!(cx, &e.value, _i, it => v.push(cnp_rule(cx, it, true)));
            c.egress = Some(v);
        },
    });
}
