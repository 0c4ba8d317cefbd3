//! API-server validation with the upstream messages (`pkg/apis/core/validation/validation.go`,
//! `pkg/apis/apps/validation/validation.go`, apimachinery `util/validation`).

use super::kinds::{RawPodSpec, RawService};
use crate::diagnostic::Diagnostic;
use crate::model::*;

/// Which name rule `metadata.name` follows.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NameRule {
    /// DNS-1123 subdomain (Pods, Endpoints, most kinds).
    Subdomain,
    /// DNS-1123 label (Namespaces).
    Label,
    /// DNS-1035 label (Services).
    Dns1035,
}

pub(crate) fn meta_common(
    _kind: &str,
    _meta: &ObjectMeta,
    _rule: NameRule,
    _diags: &mut Vec<Diagnostic>,
) {
}
pub(crate) fn namespace(_meta: &ObjectMeta, _diags: &mut Vec<Diagnostic>) {}
pub(crate) fn node(_node: &Node, _diags: &mut Vec<Diagnostic>) {}
pub(crate) fn pod(_meta: &ObjectMeta, _spec: &RawPodSpec, _diags: &mut Vec<Diagnostic>) {}
pub(crate) fn service(_svc: &RawService, _diags: &mut Vec<Diagnostic>) {}
pub(crate) fn workload(
    _w: &Workload,
    _spec: &RawPodSpec,
    _has_template: bool,
    _diags: &mut Vec<Diagnostic>,
) {
}
