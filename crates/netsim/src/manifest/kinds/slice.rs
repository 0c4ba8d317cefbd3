//! The endpoint checks of an EndpointSlice (`pkg/apis/discovery/validation/validation.go`
//! `validateEndpoints`, `validateHints`), made while the endpoints are read: the model keeps
//! only usable IP addresses, not what was written.

use std::net::IpAddr;

use crate::manifest::decode::Cx;
use crate::manifest::validate::{
    go_quote, is_dns1123_label, is_dns1123_subdomain, is_qualified_name, is_valid_label_value,
    parse_ip_sloppy, special_ip,
};
use crate::model::{Endpoint, Labels};
use crate::syntax::Node;
use crate::text::TextRange;

/// What one endpoint held that the model does not keep.
#[derive(Default)]
pub(super) struct EndpointChecks {
    /// `addresses` was given.
    pub(super) addresses: bool,
    pub(super) topology: Option<(Labels, TextRange)>,
}

fn invalid(cx: &mut Cx<'_>, path: &str, range: TextRange, value: &str, detail: &str) {
    let msg = format!("{path}: Invalid value: {}: {detail}", go_quote(value));
    cx.severity_error("invalid-value", range, msg);
}

fn too_many(cx: &mut Cx<'_>, path: &str, range: TextRange, got: usize, max: usize) {
    let msg = format!("{path}: Too many: {got}: must have at most {max} items");
    cx.severity_error("too-many", range, msg);
}

/// The count check of `addresses` (before its items are read, as upstream orders it).
pub(super) fn address_count(cx: &mut Cx<'_>, n: &Node<'_>, key: TextRange, count: usize) {
    if count == 0 {
        let msg = format!("{}: Required value: must contain at least 1 address", cx.path);
        cx.severity_error("required-value", key, msg);
    } else if count > 100 {
        let path = cx.path.clone();
        too_many(cx, &path, n.range, count, 100);
    }
}

/// One address of a slice of `address_type`: `IsValidIPv4Address` / `IsValidIPv6Address`, then
/// (when that passed) `ValidateEndpointIP`; `IsFullyQualifiedDomainName` for FQDN. Returns the
/// IP the model keeps.
pub(super) fn address(cx: &mut Cx<'_>, a: &Node<'_>, address_type: &str) -> Option<IpAddr> {
    let text = cx.string(a)?;
    let path = cx.path.clone();
    let parsed = parse_ip_sloppy(&text);
    let family_ok = match address_type {
        "IPv4" => parsed.is_some_and(|ip| ip.is_ipv4()),
        "IPv6" => parsed.is_some_and(|ip| ip.is_ipv6()),
        "FQDN" => {
            fqdn(cx, &path, a.range, &text);
            return None;
        }
        // An unknown type is reported on `addressType`; its addresses are not checked.
        _ => return parsed,
    };
    if !family_ok {
        invalid(cx, &path, a.range, &text, &format!("must be a valid {address_type} address"));
        return None;
    }
    let ip = parsed?;
    for m in special_ip(ip) {
        invalid(cx, &path, a.range, &text, &m);
    }
    Some(ip)
}

/// apimachinery `IsFullyQualifiedDomainName`.
fn fqdn(cx: &mut Cx<'_>, path: &str, range: TextRange, text: &str) {
    if text.is_empty() {
        cx.severity_error("required-value", range, format!("{path}: Required value"));
        return;
    }
    let name = text.strip_suffix('.').unwrap_or(text);
    let errs = is_dns1123_subdomain(name);
    if !errs.is_empty() {
        return invalid(cx, path, range, name, &errs.join(","));
    }
    if name.split('.').count() < 2 {
        return invalid(
            cx,
            path,
            range,
            name,
            "should be a domain with at least two segments separated by dots",
        );
    }
    for label in name.split('.') {
        let errs = is_dns1123_label(label);
        if !errs.is_empty() {
            return invalid(cx, path, range, label, &errs.join(","));
        }
    }
}

/// The rest of `validateEndpoints` for one endpoint (at the current path), after its addresses.
pub(super) fn endpoint_checks(cx: &mut Cx<'_>, it: &Node<'_>, ep: &Endpoint, c: EndpointChecks) {
    let base = cx.path.clone();
    let at = |key: &str| it.get(key).map_or(it.range, |e| e.value.range);
    if !c.addresses {
        let msg = format!("{base}.addresses: Required value: must contain at least 1 address");
        cx.severity_error("required-value", it.range, msg);
    }
    if let Some(n) = &ep.node_name {
        for m in is_dns1123_subdomain(n) {
            invalid(cx, &format!("{base}.nodeName"), at("nodeName"), n, &m);
        }
    }
    if let Some((topology, range)) = &c.topology {
        let path = format!("{base}.deprecatedTopology");
        if topology.len() > 16 {
            too_many(cx, &path, *range, topology.len(), 16);
        }
        for (k, v) in topology {
            for m in is_qualified_name(k) {
                invalid(cx, &path, *range, k, &m);
            }
            for m in is_valid_label_value(v) {
                invalid(cx, &path, *range, v, &m);
            }
        }
    }
    if let Some(h) = &ep.hostname {
        for m in is_dns1123_label(h) {
            invalid(cx, &format!("{base}.hostname"), at("hostname"), h, &m);
        }
    }
    if let Some(hints) = &ep.hints {
        zone_hints(cx, &format!("{base}.hints.forZones"), at("hints"), &hints.for_zones);
    }
}

/// `validateHints`: at most 8 zones, each once, each a label value.
fn zone_hints(cx: &mut Cx<'_>, path: &str, range: TextRange, zones: &[String]) {
    if zones.len() > 8 {
        return too_many(cx, path, range, zones.len(), 8);
    }
    for (i, z) in zones.iter().enumerate() {
        let zp = format!("{path}[{i}].name");
        if zones.iter().take(i).any(|o| o == z) {
            let msg = format!("{zp}: Duplicate value: {}", go_quote(z));
            cx.severity_error("duplicate-value", range, msg);
        }
        for m in is_valid_label_value(z) {
            invalid(cx, &zp, range, z, &m);
        }
    }
}
