//! Validation of NetworkPolicy (API server) and ClusterNetworkPolicy (CRD schema).
//!
//! NetworkPolicy follows `pkg/apis/networking/validation/validation.go` (`ValidateNetworkPolicy`,
//! `ValidateNetworkPolicySpec`, `ValidateNetworkPolicyPort`, `ValidateNetworkPolicyPeer`,
//! `ValidateIPBlock`), in its order, with its messages. CIDRs are checked as
//! `IsValidCIDRForLegacyField` does with `StrictIPCIDRValidation` off (alpha in the stored
//! feature-gate tables up to v1.35; its default in v1.36+ is unverified): `ParseCIDRSloppy`.
//!
//! ClusterNetworkPolicy is a CRD: the API server checks its OpenAPI schema and CEL rules
//! (`kubernetes-sigs/network-policy-api` `apis/v1alpha2/clusternetworkpolicy_types.go` markers)
//! and turns the failures into `field.Error`s in `apiextensions-apiserver`
//! `pkg/apiserver/validation/validation.go`. The detail texts are kube-openapi's
//! (`pkg/validation/errors`: "in body should be less than or equal to", "should have at least
//! %d items", …); the `Invalid value: "object"` form of CEL failures and the order of several
//! schema errors in one object are derived, not checked against a live API server.

use super::*;
use crate::manifest::kinds::policy::{
    RawCnp, RawCnpPeer, RawCnpProtocol, RawCnpRule, RawNamespacedPod, RawNetworkPolicy, RawNpPort,
};
use crate::policy::net::IpNet;

// ---------------------------------------------------------------------------------------------
// NetworkPolicy

/// `ValidateNetworkPolicyPort`.
fn np_port(v: &mut V<'_>, version: KubeVersion, base: &str, p: &RawNpPort) {
    if let Some(proto) = p.protocol.as_deref() {
        if !matches!(proto, "TCP" | "UDP" | "SCTP") {
            v.unsupported(
                &format!("{base}.protocol"),
                proto,
                &["TCP", "UDP", "SCTP"],
                Some(protocol_hint(proto)),
            );
        }
    }
    let port_path = format!("{base}.port");
    let end_path = format!("{base}.endPort");
    match &p.port {
        Some(IntOrString::Int(n)) => {
            for m in is_valid_port_num(i64::from(*n)) {
                v.invalid(&port_path, &port_path, &n.to_string(), &m, None);
            }
            if let Some(end) = p.end_port {
                if end < *n {
                    // The bad value is the `endPort` since kubernetes#137960 (merged
                    // 2026-03-24, v1.37); earlier releases reported the `port` value (#98726).
                    let bad = if version.end_port_value_fixed() { end } else { *n };
                    v.invalid(
                        &end_path,
                        &end_path,
                        &bad.to_string(),
                        "must be greater than or equal to `port`",
                        Some(format!("a port range runs from `port` up to `endPort`: make endPort {n} or more")),
                    );
                }
                for m in is_valid_port_num(i64::from(end)) {
                    v.invalid(&end_path, &end_path, &end.to_string(), &m, None);
                }
            }
        }
        Some(IntOrString::Str(name)) => {
            if let Some(end) = p.end_port {
                v.invalid(
                    &end_path,
                    &end_path,
                    &end.to_string(),
                    "may not be specified when `port` is non-numeric",
                    Some("a named port is one port; use numbers for a range".to_string()),
                );
            }
            for m in is_valid_port_name(name) {
                v.invalid(&port_path, &port_path, &go_quote(name), &m, Some("a named port is the `name` of a container port of the destination Pod (at most 15 lower-case letters, digits and '-'), or use a number".to_string()));
            }
        }
        None => {
            if let Some(end) = p.end_port {
                v.invalid(
                    &end_path,
                    &end_path,
                    &end.to_string(),
                    "may not be specified when `port` is not specified",
                    Some("add `port:` with the first port of the range".to_string()),
                );
            }
        }
    }
}

/// The warnings the API server returns with a created NetworkPolicy: apimachinery
/// `GetWarningsForCIDR` on every ipBlock `cidr` and `except` value, ingress rules first
/// (`pkg/registry/networking/networkpolicy/strategy.go` `networkPolicyWarnings`; KEP-4858's
/// alpha, v1.33, added the IP/CIDR warnings to the objects other than Service). kubectl prints
/// each as `Warning: <text>`, only when the policy is created.
pub(crate) fn network_policy_warnings(np: &RawNetworkPolicy, diags: &mut Vec<Diagnostic>) {
    let mut v = V::new("NetworkPolicy", &np.meta, diags);
    for (dir, peers, rules) in [("ingress", "from", &np.ingress), ("egress", "to", &np.egress)] {
        for (i, r) in rules.iter().enumerate() {
            for (j, p) in r.peers.iter().enumerate() {
                let Some(b) = &p.ip_block else { continue };
                let base = format!("spec.{dir}[{i}].{peers}[{j}].ipBlock");
                super::cidr_warning(&mut v, &format!("{base}.cidr"), &b.cidr);
                for (k, e) in b.except.iter().enumerate() {
                    super::cidr_warning(&mut v, &format!("{base}.except[{k}]"), e);
                }
            }
        }
    }
}

/// `ValidateIPBlock`.
fn ip_block(v: &mut V<'_>, version: KubeVersion, base: &str, b: &IpBlock) {
    let cidr_path = format!("{base}.cidr");
    if b.cidr.is_empty() {
        v.required(&cidr_path, "", Some("an ipBlock needs `cidr:`, e.g. 10.0.0.0/24".to_string()));
        return;
    }
    let Some(cidr) = super::legacy_cidr(v, version, &cidr_path, &cidr_path, &b.cidr, None) else {
        return;
    };
    for (i, e) in b.except.iter().enumerate() {
        let p = format!("{base}.except[{i}]");
        let Some(ex) = super::legacy_cidr(v, version, &p, &p, e, None) else { continue };
        // `cidrIPNet.Contains(exceptCIDR.IP) && cidrMaskLen < exceptMaskLen`.
        if !cidr.contains(ex.addr) || cidr.prefix >= ex.prefix {
            v.invalid(
                &p,
                &p,
                &go_quote(e),
                "must be a strict subset of `cidr`",
                Some(format!(
                    "`except` removes smaller ranges from inside {}: each must lie inside it and be longer than /{}",
                    b.cidr, cidr.prefix
                )),
            );
        }
    }
}

/// `ValidateNetworkPolicyPeer`.
fn np_peer(v: &mut V<'_>, version: KubeVersion, base: &str, p: &NetworkPolicyPeer) {
    let mut n = 0;
    if let Some(s) = &p.pod_selector {
        n += 1;
        label_selector(v, &format!("{base}.podSelector"), s);
    }
    if let Some(s) = &p.namespace_selector {
        n += 1;
        label_selector(v, &format!("{base}.namespaceSelector"), s);
    }
    if let Some(b) = &p.ip_block {
        n += 1;
        ip_block(v, version, &format!("{base}.ipBlock"), b);
    }
    if n == 0 {
        v.required(base, "must specify a peer", Some("give the peer a `podSelector`, a `namespaceSelector` (or both), or an `ipBlock`; to allow everyone, leave out `from`/`to` altogether".to_string()));
    } else if n > 1 && p.ip_block.is_some() {
        v.forbidden(base, base, "may not specify both ipBlock and another peer", Some("make the ipBlock its own list item (`- ipBlock: …`): peers in one item are ANDed, ipBlock cannot be combined".to_string()));
    }
}

/// `ValidateNetworkPolicy` (create): metadata, then the spec in upstream's order.
pub(crate) fn network_policy(
    np: &RawNetworkPolicy,
    version: KubeVersion,
    diags: &mut Vec<Diagnostic>,
) {
    let mut v = V::new("NetworkPolicy", &np.meta, diags);
    object_meta(&mut v, "NetworkPolicy", &np.meta, NameRule::Subdomain, true);
    label_selector(&mut v, "spec.podSelector", &np.pod_selector);
    for (dir, peers, rules) in [("ingress", "from", &np.ingress), ("egress", "to", &np.egress)] {
        for (i, r) in rules.iter().enumerate() {
            for (j, p) in r.ports.iter().enumerate() {
                np_port(&mut v, version, &format!("spec.{dir}[{i}].ports[{j}]"), p);
            }
            for (j, p) in r.peers.iter().enumerate() {
                np_peer(&mut v, version, &format!("spec.{dir}[{i}].{peers}[{j}]"), p);
            }
        }
    }
    let types = &np.policy_types;
    if types.len() > 2 {
        // `field.Invalid(path, &spec.PolicyTypes, …)`: the error printer dereferences the
        // pointer and prints the slice with %#v (derived; not checked against a live server).
        let inner: Vec<String> = types.iter().map(|t| go_quote(t)).collect();
        v.invalid(
            "spec.policyTypes",
            "spec.policyTypes",
            &format!("[]networking.PolicyType{{{}}}", inner.join(", ")),
            "may not specify more than two policyTypes",
            Some("policyTypes lists Ingress, Egress or both".to_string()),
        );
        return;
    }
    for (i, t) in types.iter().enumerate() {
        if t != "Ingress" && t != "Egress" {
            let hint = match t.to_ascii_lowercase().as_str() {
                "ingress" => "policy types are case-sensitive: Ingress".to_string(),
                "egress" => "policy types are case-sensitive: Egress".to_string(),
                _ => "policyTypes lists Ingress, Egress or both".to_string(),
            };
            v.unsupported(&format!("spec.policyTypes[{i}]"), t, &["Ingress", "Egress"], Some(hint));
        }
    }
}

// ---------------------------------------------------------------------------------------------
// ClusterNetworkPolicy (CRD schema)

const MAX_RULES: usize = 25;

/// kube-openapi `minItems` failure, via apiextensions' default case (`field.Invalid`).
fn min_items(v: &mut V<'_>, path: &str, got: usize, min: usize) {
    v.invalid(
        path,
        path,
        &got.to_string(),
        &format!("{path} in body should have at least {min} items"),
        None,
    );
}

/// `maxItems` / `maxProperties`: `field.TooMany`.
fn too_many(v: &mut V<'_>, path: &str, got: usize, max: usize, hint: Option<String>) {
    v.push(
        "too-many",
        path,
        true,
        format!("{path}: Too many: {got}: must have at most {max} items"),
        hint,
    );
}

/// `minProperties` / `maxProperties` of a one-of object.
fn one_of(v: &mut V<'_>, path: &str, props: usize, fields: &str) -> bool {
    let hint = Some(format!("set exactly one of {fields}"));
    if props == 0 {
        v.invalid(
            path,
            path,
            "0",
            &format!("{path} in body should have at least 1 properties"),
            hint,
        );
        false
    } else if props > 1 {
        too_many(v, path, props, 1, hint);
        false
    } else {
        true
    }
}

fn number_range(v: &mut V<'_>, path: &str, n: i64, min: i64, max: i64) {
    if n < min {
        v.invalid(
            path,
            path,
            &n.to_string(),
            &format!("{path} in body should be greater than or equal to {min}"),
            None,
        );
    }
    if n > max {
        v.invalid(
            path,
            path,
            &n.to_string(),
            &format!("{path} in body should be less than or equal to {max}"),
            None,
        );
    }
}

/// A `metav1.LabelSelector` in a CRD: the schema only requires `key` and `operator`.
fn crd_selector(v: &mut V<'_>, path: &str, s: &LabelSelector) {
    for (i, e) in s.match_expressions.iter().enumerate() {
        if e.key.is_empty() {
            v.required(&format!("{path}.matchExpressions[{i}].key"), "", None);
        }
        if e.operator.is_empty() {
            v.required(&format!("{path}.matchExpressions[{i}].operator"), "", None);
        }
    }
}

fn namespaced_pod(v: &mut V<'_>, path: &str, p: &RawNamespacedPod) {
    if let Some(s) = &p.namespace_selector {
        crd_selector(v, &format!("{path}.namespaceSelector"), s);
    }
    match &p.pod_selector {
        Some(s) => crd_selector(v, &format!("{path}.podSelector"), s),
        None => v.required(
            &format!("{path}.podSelector"),
            "",
            Some("`pods` needs a `podSelector` (`{}` selects every Pod)".to_string()),
        ),
    }
}

/// The `DomainName` pattern of the CRD.
fn is_domain_name(s: &str) -> bool {
    let s = s.strip_prefix("*.").unwrap_or(s);
    let s = s.strip_suffix('.').unwrap_or(s);
    let labels: Vec<&str> = s.split('.').collect();
    labels.len() >= 2
        && labels.iter().all(|l| {
            let b = l.as_bytes();
            !b.is_empty()
                && b.iter().all(|c| c.is_ascii_alphanumeric() || *c == b'-' || *c == b'_')
                && b.first().is_some_and(u8::is_ascii_alphanumeric)
                && b.last().is_some_and(u8::is_ascii_alphanumeric)
        })
}

const DOMAIN_PATTERN: &str = r"^(\*\.)?([a-zA-Z0-9]([-a-zA-Z0-9_]*[a-zA-Z0-9])?\.)+[a-zA-Z0-9]([-a-zA-Z0-9_]*[a-zA-Z0-9])?\.?$";

fn cnp_peer(v: &mut V<'_>, path: &str, p: &RawCnpPeer, egress: bool) {
    let fields =
        if egress { "namespaces, pods, nodes, networks, domainNames" } else { "namespaces, pods" };
    one_of(v, path, p.props, fields);
    if let Some(s) = &p.namespaces {
        crd_selector(v, &format!("{path}.namespaces"), s);
    }
    if let Some(s) = &p.nodes {
        crd_selector(v, &format!("{path}.nodes"), s);
    }
    if let Some(pods) = &p.pods {
        namespaced_pod(v, &format!("{path}.pods"), pods);
    }
    if let Some(nets) = &p.networks {
        let np = format!("{path}.networks");
        if nets.is_empty() {
            min_items(v, &np, 0, 1);
        } else if nets.len() > MAX_RULES {
            too_many(v, &np, nets.len(), MAX_RULES, None);
        }
        for (i, n) in nets.iter().enumerate() {
            let p = format!("{np}[{i}]");
            if n.len() > 43 {
                v.push(
                    "too-long",
                    &p,
                    false,
                    format!("{p}: Too long: may not be more than 43 bytes"),
                    None,
                );
            }
            if IpNet::parse_strict(n).is_none() {
                v.invalid(
                    &p,
                    &p,
                    "\"string\"",
                    "Invalid CIDR format provided",
                    Some(
                        "write a network as address/prefix-length, e.g. 10.0.0.0/8 or fd00::/8"
                            .to_string(),
                    ),
                );
            }
        }
    }
    if let Some(names) = &p.domain_names {
        let dp = format!("{path}.domainNames");
        if names.is_empty() {
            min_items(v, &dp, 0, 1);
        } else if names.len() > MAX_RULES {
            too_many(v, &dp, names.len(), MAX_RULES, None);
        }
        for (i, n) in names.iter().enumerate() {
            if !is_domain_name(n) {
                let p = format!("{dp}[{i}]");
                v.invalid(
                    &p,
                    &p,
                    &go_quote(n),
                    &format!("{p} in body should match '{DOMAIN_PATTERN}'"),
                    None,
                );
            }
        }
    }
}

fn cnp_protocol(v: &mut V<'_>, path: &str, p: &RawCnpProtocol) {
    one_of(v, path, p.props, "tcp, udp, sctp, destinationNamedPort");
    let Some((proto, port, props)) = &p.port else { return };
    let pp = format!("{path}.{}", proto.lower());
    if *props == 0 {
        v.invalid(
            &pp,
            &pp,
            "0",
            &format!("{pp} in body should have at least 1 properties"),
            Some(
                "give it a `destinationPort`, or leave out `protocols` to match every port"
                    .to_string(),
            ),
        );
    }
    let Some(port) = port else { return };
    let dp = format!("{pp}.destinationPort");
    one_of(v, &dp, port.props, "number, range");
    if let Some(n) = port.number {
        number_range(v, &format!("{dp}.number"), n, 1, 65535);
    }
    if let Some((start, end)) = port.range {
        let rp = format!("{dp}.range");
        match start {
            Some(s) => number_range(v, &format!("{rp}.start"), s, 1, 65535),
            None => v.required(&format!("{rp}.start"), "", None),
        }
        match end {
            Some(e) => number_range(v, &format!("{rp}.end"), e, 1, 65535),
            None => v.required(&format!("{rp}.end"), "", None),
        }
        if let (Some(s), Some(e)) = (start, end) {
            // CEL `self.start < self.end`.
            if s >= e {
                v.invalid(
                    &rp,
                    &rp,
                    "\"object\"",
                    "Start port must be less than End port",
                    Some("a range needs start < end; for one port use `number:`".to_string()),
                );
            }
        }
    }
}

fn cnp_rule(v: &mut V<'_>, path: &str, r: &RawCnpRule, egress: bool) {
    if let Some(name) = &r.name {
        if name.len() > 100 {
            let p = format!("{path}.name");
            v.push(
                "too-long",
                &p,
                false,
                format!("{p}: Too long: may not be more than 100 bytes"),
                None,
            );
        }
    }
    let ap = format!("{path}.action");
    match r.action.as_deref() {
        None => v.required(
            &ap,
            "",
            Some("every rule needs `action: Accept`, `Deny` or `Pass`".to_string()),
        ),
        Some(a) if !matches!(a, "Accept" | "Deny" | "Pass") => {
            let hint = match a {
                "Allow" => "ClusterNetworkPolicy says Accept where AdminNetworkPolicy said Allow"
                    .to_string(),
                _ => "actions are Accept, Deny and Pass (case-sensitive)".to_string(),
            };
            v.unsupported(&ap, a, &["Accept", "Deny", "Pass"], Some(hint));
        }
        Some(_) => {}
    }
    let peers_key = if egress { "to" } else { "from" };
    let pp = format!("{path}.{peers_key}");
    match &r.peers {
        None => v.required(
            &pp,
            "",
            Some(format!("every rule needs `{peers_key}:` with at least one peer")),
        ),
        Some(peers) => {
            if peers.is_empty() {
                min_items(v, &pp, 0, 1);
            } else if peers.len() > MAX_RULES {
                too_many(v, &pp, peers.len(), MAX_RULES, None);
            }
            for (i, p) in peers.iter().enumerate() {
                cnp_peer(v, &format!("{pp}[{i}]"), p, egress);
            }
        }
    }
    if let Some(protos) = &r.protocols {
        let p = format!("{path}.protocols");
        if protos.is_empty() {
            min_items(v, &p, 0, 1);
        } else if protos.len() > MAX_RULES {
            too_many(v, &p, protos.len(), MAX_RULES, None);
        }
        for (i, q) in protos.iter().enumerate() {
            cnp_protocol(v, &format!("{p}[{i}]"), q);
        }
        // The egress rule's CEL rule (experimental channel).
        let named = protos.iter().any(|q| q.named_port.is_some());
        let addr_peers = r.peers.as_ref().is_some_and(|ps| {
            ps.iter().any(|p| p.networks.is_some() || p.nodes.is_some() || p.domain_names.is_some())
        });
        if egress && named && addr_peers {
            v.invalid(path, path, "\"object\"", "networks/nodes/domainNames peer cannot be set with namedPorts since there are no namedPorts for networks/nodes/domainNames", Some("named ports are container port names of Pods; use port numbers with networks, nodes or domainNames".to_string()));
        }
    }
}

/// The CRD schema and CEL rules of a ClusterNetworkPolicy (create).
pub(crate) fn cluster_network_policy(c: &RawCnp, diags: &mut Vec<Diagnostic>) {
    let mut v = V::new("ClusterNetworkPolicy", &c.meta, diags);
    object_meta(&mut v, "ClusterNetworkPolicy", &c.meta, NameRule::Subdomain, false);
    if !c.has_spec {
        v.required(
            "spec",
            "",
            Some(
                "a ClusterNetworkPolicy needs `spec:` with tier, priority, subject and rules"
                    .to_string(),
            ),
        );
        return;
    }
    match c.tier.as_deref() {
        None => v.required("spec.tier", "", Some("`tier: Admin` (before NetworkPolicy) or `tier: Baseline` (where no NetworkPolicy decides)".to_string())),
        Some(t) if t != "Admin" && t != "Baseline" => {
            v.unsupported("spec.tier", t, &["Admin", "Baseline"], Some("tiers are Admin and Baseline (case-sensitive)".to_string()))
        }
        Some(_) => {}
    }
    match c.priority {
        None => v.required(
            "spec.priority",
            "",
            Some("`priority:` 0–1000, lower is evaluated first".to_string()),
        ),
        Some(p) => number_range(&mut v, "spec.priority", p, 0, 1000),
    }
    match &c.subject {
        None => v.required(
            "spec.subject",
            "",
            Some(
                "`subject:` selects the Pods the policy applies to: `namespaces:` or `pods:`"
                    .to_string(),
            ),
        ),
        Some(s) => {
            one_of(&mut v, "spec.subject", s.props, "namespaces, pods");
            if let Some(n) = &s.namespaces {
                crd_selector(&mut v, "spec.subject.namespaces", n);
            }
            if let Some(p) = &s.pods {
                namespaced_pod(&mut v, "spec.subject.pods", p);
            }
        }
    }
    for (dir, rules, egress) in [("ingress", &c.ingress, false), ("egress", &c.egress, true)] {
        let Some(rules) = rules else { continue };
        let p = format!("spec.{dir}");
        if rules.len() > MAX_RULES {
            too_many(&mut v, &p, rules.len(), MAX_RULES, Some("a ClusterNetworkPolicy holds at most 25 rules per direction; split it into several policies".to_string()));
        }
        for (i, r) in rules.iter().enumerate() {
            cnp_rule(&mut v, &format!("{p}[{i}]"), r, egress);
        }
    }
}

#[cfg(test)]
mod tests;
