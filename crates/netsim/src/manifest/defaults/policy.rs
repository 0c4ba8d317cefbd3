//! Defaulting and model conversion for NetworkPolicy and ClusterNetworkPolicy.
//!
//! NetworkPolicy: `pkg/apis/networking/v1/defaults.go` — `SetDefaults_NetworkPolicy` (an empty
//! `policyTypes` becomes `[Ingress]`, plus `Egress` when `len(spec.egress) != 0`) and
//! `SetDefaults_NetworkPolicyPort` (a nil `protocol` becomes TCP). ClusterNetworkPolicy is a CRD
//! without defaults in its schema; invalid values (rejected by validation) are replaced by
//! harmless ones so the model stays total.

use crate::manifest::kinds::parse_protocol;
use crate::manifest::kinds::policy::{
    RawCnp, RawCnpPeer, RawCnpProtocol, RawCnpRule, RawNamespacedPod, RawNetworkPolicy, RawNpRule,
};
use crate::model::*;

/// `SetDefaults_NetworkPolicy` + `SetDefaults_NetworkPolicyPort`, on the raw shape (validation
/// sees the defaulted object, as in the API server).
pub(crate) fn network_policy(np: &mut RawNetworkPolicy) {
    if np.policy_types.is_empty() {
        np.policy_types.push("Ingress".to_string());
        if !np.egress.is_empty() {
            np.policy_types.push("Egress".to_string());
        }
    }
    for rule in np.ingress.iter_mut().chain(np.egress.iter_mut()) {
        for p in &mut rule.ports {
            if p.protocol.is_none() {
                p.protocol = Some("TCP".to_string());
            }
        }
    }
}

fn np_rule(r: RawNpRule) -> NetworkPolicyRule {
    NetworkPolicyRule {
        peers: r.peers,
        ports: r
            .ports
            .into_iter()
            .map(|p| NetworkPolicyPort {
                protocol: p.protocol.as_deref().and_then(parse_protocol).unwrap_or(Protocol::Tcp),
                port: p.port,
                end_port: p.end_port,
            })
            .collect(),
    }
}

/// The model of a (defaulted) NetworkPolicy; unsupported policy types are left out.
pub(crate) fn network_policy_model(raw: RawNetworkPolicy) -> NetworkPolicy {
    let mut types = Vec::new();
    for t in &raw.policy_types {
        let t = match t.as_str() {
            "Ingress" => PolicyType::Ingress,
            "Egress" => PolicyType::Egress,
            _ => continue,
        };
        if !types.contains(&t) {
            types.push(t);
        }
    }
    NetworkPolicy {
        meta: raw.meta,
        spec: NetworkPolicySpec {
            pod_selector: raw.pod_selector,
            ingress: raw.ingress.into_iter().map(np_rule).collect(),
            egress: raw.egress.into_iter().map(np_rule).collect(),
            policy_types: types,
        },
    }
}

fn namespaced_pod(p: RawNamespacedPod) -> NamespacedPod {
    NamespacedPod {
        namespace_selector: p.namespace_selector.unwrap_or_default(),
        pod_selector: p.pod_selector.unwrap_or_default(),
    }
}

fn cnp_peer(p: RawCnpPeer) -> CnpPeer {
    if p.props != 1 {
        return CnpPeer::Invalid;
    }
    if let Some(s) = p.namespaces {
        CnpPeer::Namespaces(s)
    } else if let Some(s) = p.pods {
        CnpPeer::Pods(namespaced_pod(s))
    } else if let Some(s) = p.nodes {
        CnpPeer::Nodes(s)
    } else if let Some(n) = p.networks {
        CnpPeer::Networks(n)
    } else if let Some(d) = p.domain_names {
        CnpPeer::DomainNames(d)
    } else {
        CnpPeer::Invalid
    }
}

fn cnp_protocol(p: RawCnpProtocol) -> CnpProtocol {
    if p.props != 1 {
        return CnpProtocol::Invalid;
    }
    if let Some((protocol, port, _)) = p.port {
        let port = match port {
            None => None,
            Some(q) if q.props != 1 => return CnpProtocol::Invalid,
            Some(q) => match (q.number, q.range) {
                (Some(n), None) => Some(CnpPort::Number(i32::try_from(n).unwrap_or(0))),
                (None, Some((Some(s), Some(e)))) => Some(CnpPort::Range {
                    start: i32::try_from(s).unwrap_or(0),
                    end: i32::try_from(e).unwrap_or(0),
                }),
                _ => return CnpProtocol::Invalid,
            },
        };
        CnpProtocol::Port { protocol, port }
    } else if let Some(n) = p.named_port {
        CnpProtocol::NamedPort(n)
    } else {
        CnpProtocol::Invalid
    }
}

fn cnp_rule(r: RawCnpRule) -> CnpRule {
    CnpRule {
        name: r.name.unwrap_or_default(),
        action: match r.action.as_deref() {
            Some("Deny") => CnpAction::Deny,
            Some("Pass") => CnpAction::Pass,
            _ => CnpAction::Accept,
        },
        peers: r.peers.unwrap_or_default().into_iter().map(cnp_peer).collect(),
        protocols: r.protocols.unwrap_or_default().into_iter().map(cnp_protocol).collect(),
    }
}

/// The model of a ClusterNetworkPolicy (cluster-scoped: any namespace given is dropped, as the
/// API server ignores it for cluster-scoped resources).
pub(crate) fn cnp_model(raw: RawCnp) -> ClusterNetworkPolicy {
    let mut meta = raw.meta;
    meta.namespace = String::new();
    let subject = match raw.subject {
        Some(s) if s.props == 1 => match (s.namespaces, s.pods) {
            (Some(n), None) => CnpSubject::Namespaces(n),
            (None, Some(p)) => CnpSubject::Pods(namespaced_pod(p)),
            _ => CnpSubject::None,
        },
        _ => CnpSubject::None,
    };
    ClusterNetworkPolicy {
        meta,
        spec: ClusterNetworkPolicySpec {
            tier: match raw.tier.as_deref() {
                Some("Baseline") => CnpTier::Baseline,
                _ => CnpTier::Admin,
            },
            priority: raw.priority.and_then(|p| i32::try_from(p).ok()).unwrap_or(0),
            subject,
            ingress: raw.ingress.unwrap_or_default().into_iter().map(cnp_rule).collect(),
            egress: raw.egress.unwrap_or_default().into_iter().map(cnp_rule).collect(),
        },
    }
}
