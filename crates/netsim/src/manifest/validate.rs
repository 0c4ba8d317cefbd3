//! API-server validation with the upstream messages, byte for byte.
//!
//! Sources (kubernetes/kubernetes): `pkg/apis/core/validation/validation.go` (`ValidateService`,
//! `validateServicePort`, `ValidateServiceClusterIPsRelatedFields`,
//! `validateServiceExternalTrafficPolicy`, `ValidatePodSpec`, `validateContainerPorts`),
//! `pkg/apis/apps/validation/validation.go` (`ValidateDeploymentSpec`, `ValidateReplicaSetSpec`,
//! `ValidateStatefulSetSpec`, `ValidateDaemonSetSpec`), apimachinery
//! `pkg/api/validation/objectmeta.go` (`ValidateObjectMetaAccessor`),
//! `pkg/apis/meta/v1/validation/validation.go` (`ValidateLabels`, `ValidateLabelSelector`) and
//! `pkg/util/validation/validation.go` (the name, label and port rules and their texts), with
//! `field.Error` formatting from `pkg/util/validation/field/errors.go`.
//!
//! Each error becomes one diagnostic: code `invalid-value` / `required-value` /
//! `duplicate-value` / `unsupported-value` / `forbidden` / `too-long`, message = the API text
//! (`spec.ports[0].port: Invalid value: 0: must be between 1 and 65535, inclusive`), `object` =
//! `Service "web"`, the span of the field (or its closest ancestor in the input), and our hint.
//! Errors come in the order the API server lists them (labels and maps in key order: Go's map
//! order is random, ours is sorted).
//!
//! Left out on purpose: checks that depend on allocation (`healthCheckNodePort`/`nodePort`
//! required, allocation conflicts — the cluster stage does those), on updates, and on status
//! (the API server drops the status of a created object; the simulator honours it instead).

use std::net::IpAddr;

use super::kinds::{RawContainer, RawContainerPort, RawPodSpec, RawService};
use super::version::KubeVersion;
use crate::diagnostic::Diagnostic;
use crate::model::*;
use crate::text::{Span, TextRange};

// ---------------------------------------------------------------------------------------------
// apimachinery util/validation: names, labels, ports

const QUALIFIED_NAME_FMT: &str = "([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]";
const QUALIFIED_NAME_ERR: &str = "must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character";
const LABEL_VALUE_FMT: &str = "(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?";
const LABEL_VALUE_ERR: &str = "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character";
const DNS1123_LABEL_FMT: &str = "[a-z0-9]([-a-z0-9]*[a-z0-9])?";
const DNS1123_LABEL_ERR: &str = "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character";
const DNS1123_SUBDOMAIN_FMT: &str =
    "[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*";
const DNS1123_SUBDOMAIN_ERR: &str = "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character";
const DNS1035_LABEL_FMT: &str = "[a-z]([-a-z0-9]*[a-z0-9])?";
const DNS1035_LABEL_ERR: &str = "a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character";

/// `RegexError`: note the `', ` + ` or ` that gives the double space upstream has.
fn regex_error(msg: &str, fmt: &str, examples: &[&str]) -> String {
    let mut s = format!("{msg} (e.g. ");
    for (i, e) in examples.iter().enumerate() {
        if i > 0 {
            s.push_str(" or ");
        }
        s.push('\'');
        s.push_str(e);
        s.push_str("', ");
    }
    s.push_str("regex used for validation is '");
    s.push_str(fmt);
    s.push_str("')");
    s
}

fn max_len_error(n: usize) -> String {
    format!("must be no more than {n} characters")
}

fn alnum(b: u8) -> bool {
    b.is_ascii_alphanumeric()
}

/// `([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]`
fn matches_qualified_name(s: &str) -> bool {
    let b = s.as_bytes();
    match (b.first(), b.last()) {
        (Some(&f), Some(&l)) => {
            alnum(f) && alnum(l) && b.iter().all(|&c| alnum(c) || matches!(c, b'-' | b'_' | b'.'))
        }
        _ => false,
    }
}

fn lower_alnum(b: u8) -> bool {
    b.is_ascii_lowercase() || b.is_ascii_digit()
}

/// `[a-z0-9]([-a-z0-9]*[a-z0-9])?`
fn matches_dns1123_label(s: &str) -> bool {
    let b = s.as_bytes();
    match (b.first(), b.last()) {
        (Some(&f), Some(&l)) => {
            lower_alnum(f) && lower_alnum(l) && b.iter().all(|&c| lower_alnum(c) || c == b'-')
        }
        _ => false,
    }
}

fn matches_dns1123_subdomain(s: &str) -> bool {
    !s.is_empty() && s.split('.').all(matches_dns1123_label)
}

/// `validation.IsQualifiedName`.
pub fn is_qualified_name(value: &str) -> Vec<String> {
    let mut errs = Vec::new();
    let parts: Vec<&str> = value.split('/').collect();
    let name = match parts.as_slice() {
        [name] => *name,
        [prefix, name] => {
            if prefix.is_empty() {
                errs.push("prefix part must be non-empty".to_string());
            } else {
                for m in is_dns1123_subdomain(prefix) {
                    errs.push(format!("prefix part {m}"));
                }
            }
            *name
        }
        _ => {
            errs.push(format!(
                "a qualified name {} with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')",
                regex_error(QUALIFIED_NAME_ERR, QUALIFIED_NAME_FMT, &["MyName", "my.name", "123-abc"])
            ));
            return errs;
        }
    };
    if name.is_empty() {
        errs.push("name part must be non-empty".to_string());
    } else if name.len() > 63 {
        errs.push(format!("name part {}", max_len_error(63)));
    }
    if !matches_qualified_name(name) {
        errs.push(format!(
            "name part {}",
            regex_error(QUALIFIED_NAME_ERR, QUALIFIED_NAME_FMT, &["MyName", "my.name", "123-abc"])
        ));
    }
    errs
}

/// `validation.IsValidLabelValue`.
pub fn is_valid_label_value(value: &str) -> Vec<String> {
    let mut errs = Vec::new();
    if value.len() > 63 {
        errs.push(max_len_error(63));
    }
    if !value.is_empty() && !matches_qualified_name(value) {
        errs.push(regex_error(LABEL_VALUE_ERR, LABEL_VALUE_FMT, &["MyValue", "my_value", "12345"]));
    }
    errs
}

/// `validation.IsDNS1123Label`.
pub fn is_dns1123_label(value: &str) -> Vec<String> {
    let mut errs = Vec::new();
    if value.len() > 63 {
        errs.push(max_len_error(63));
    }
    if !matches_dns1123_label(value) {
        if matches_dns1123_subdomain(value) {
            errs.push("must not contain dots".to_string());
        } else {
            errs.push(regex_error(DNS1123_LABEL_ERR, DNS1123_LABEL_FMT, &["my-name", "123-abc"]));
        }
    }
    errs
}

/// `validation.IsDNS1123Subdomain`.
pub fn is_dns1123_subdomain(value: &str) -> Vec<String> {
    let mut errs = Vec::new();
    if value.len() > 253 {
        errs.push(max_len_error(253));
    }
    if !matches_dns1123_subdomain(value) {
        errs.push(regex_error(DNS1123_SUBDOMAIN_ERR, DNS1123_SUBDOMAIN_FMT, &["example.com"]));
    }
    errs
}

/// `_?[a-z0-9]([-_a-z0-9]*[a-z0-9])?`
fn matches_dns1123_label_with_underscore(s: &str) -> bool {
    let b = s.strip_prefix('_').unwrap_or(s).as_bytes();
    match (b.first(), b.last()) {
        (Some(&f), Some(&l)) => {
            lower_alnum(f)
                && lower_alnum(l)
                && b.iter().all(|&c| lower_alnum(c) || c == b'-' || c == b'_')
        }
        _ => false,
    }
}

/// `validation.IsDNS1123SubdomainWithUnderscore`.
pub fn is_dns1123_subdomain_with_underscore(value: &str) -> Vec<String> {
    const FMT: &str = "_?[a-z0-9]([-_a-z0-9]*[a-z0-9])?(\\._?[a-z0-9]([-_a-z0-9]*[a-z0-9])?)*";
    const ERR: &str = "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '_', '-' or '.', and must start and end with an alphanumeric character";
    let mut errs = Vec::new();
    if value.len() > 253 {
        errs.push(max_len_error(253));
    }
    if value.is_empty() || !value.split('.').all(matches_dns1123_label_with_underscore) {
        errs.push(regex_error(ERR, FMT, &["example.com"]));
    }
    errs
}

/// `validation.IsDNS1035Label`.
pub fn is_dns1035_label(value: &str) -> Vec<String> {
    let mut errs = Vec::new();
    if value.len() > 63 {
        errs.push(max_len_error(63));
    }
    let b = value.as_bytes();
    let ok = match (b.first(), b.last()) {
        (Some(&f), Some(&l)) => {
            f.is_ascii_lowercase()
                && lower_alnum(l)
                && b.iter().all(|&c| lower_alnum(c) || c == b'-')
        }
        _ => false,
    };
    if !ok {
        errs.push(regex_error(DNS1035_LABEL_ERR, DNS1035_LABEL_FMT, &["my-name", "abc-123"]));
    }
    errs
}

/// `validation.IsValidPortName` (IANA_SVC_NAME).
pub fn is_valid_port_name(port: &str) -> Vec<String> {
    let mut errs = Vec::new();
    if port.len() > 15 {
        errs.push(max_len_error(15));
    }
    if port.is_empty()
        || !port.bytes().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == b'-')
    {
        errs.push(
            "must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)".to_string(),
        );
    }
    if !port.bytes().any(|c| c.is_ascii_lowercase()) {
        errs.push("must contain at least one letter (a-z)".to_string());
    }
    if port.contains("--") {
        errs.push("must not contain consecutive hyphens".to_string());
    }
    if port.starts_with('-') || port.ends_with('-') {
        errs.push("must not begin or end with a hyphen".to_string());
    }
    errs
}

/// `validation.IsValidPortNum`.
pub fn is_valid_port_num(port: i64) -> Vec<String> {
    if (1..=65535).contains(&port) {
        Vec::new()
    } else {
        vec!["must be between 1 and 65535, inclusive".to_string()]
    }
}

/// Go's `%q` for a string.
pub fn go_quote(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            '\u{7}' => out.push_str("\\a"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            '\u{b}' => out.push_str("\\v"),
            c if (c as u32) < 0x20 || c as u32 == 0x7f => {
                out.push_str(&format!("\\x{:02x}", c as u32))
            }
            // strconv.Quote escapes every rune `unicode.IsPrint` rejects as \uXXXX/\UXXXXXXXX:
            // so bidi overrides and zero-width characters in a rejected name show as text.
            c if !go_is_print(c) => {
                let n = c as u32;
                if n < 0x10000 {
                    out.push_str(&format!("\\u{n:04x}"));
                } else {
                    out.push_str(&format!("\\U{n:08x}"));
                }
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// Go's `unicode.IsPrint` for the runes it rejects that matter in names and labels: C1
/// controls, format characters (Cf: bidi controls, zero-width characters, BOM, tags), spaces
/// other than U+0020 (Zs, Zl, Zp), private use (Co) and noncharacters. Unassigned code points
/// (Cn) need the Unicode tables and are left printable.
fn go_is_print(c: char) -> bool {
    let n = c as u32;
    !matches!(n,
        0x80..=0x9f
        | 0xa0 | 0xad
        | 0x600..=0x605 | 0x61c | 0x6dd | 0x70f | 0x890..=0x891 | 0x8e2 | 0x180e
        | 0x1680
        | 0x2000..=0x200f
        | 0x2028..=0x202f
        | 0x205f..=0x2064
        | 0x2066..=0x206f
        | 0x3000
        | 0xe000..=0xf8ff
        | 0xfdd0..=0xfdef
        | 0xfeff
        | 0xfff9..=0xfffb
        | 0x110bd | 0x110cd | 0x13430..=0x1343f | 0x1bca0..=0x1bca3 | 0x1d173..=0x1d17a
        | 0xe0001 | 0xe0020..=0xe007f
        | 0xf0000..=0x10ffff
    ) && (n & 0xfffe) != 0xfffe
}

/// Go's `%#v` of a `[]string`.
fn go_string_slice(v: &[String]) -> String {
    let inner: Vec<String> = v.iter().map(|s| go_quote(s)).collect();
    format!("[]string{{{}}}", inner.join(", "))
}

/// Go's `%#v` of a `map[string]string` (keys sorted, as fmt prints maps).
fn go_string_map(m: &Labels) -> String {
    if m.is_empty() {
        return "map[string]string(nil)".to_string();
    }
    let inner: Vec<String> =
        m.iter().map(|(k, v)| format!("{}:{}", go_quote(k), go_quote(v))).collect();
    format!("map[string]string{{{}}}", inner.join(", "))
}

// ---------------------------------------------------------------------------------------------
// Error emission

/// The codes of API-server validation errors (one per `field.ErrorType` we emit).
pub fn is_validation_code(code: &str) -> bool {
    matches!(
        code,
        "invalid-value"
            | "required-value"
            | "duplicate-value"
            | "unsupported-value"
            | "forbidden"
            | "too-long"
            | "too-many"
    )
}

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

struct V<'a> {
    diags: &'a mut Vec<Diagnostic>,
    source: Option<&'a Source>,
    /// The object's kind and name: its label ([`super::object_label`]) is made for a
    /// diagnostic only (most objects have none, and the label was a few percent of loading).
    kind: &'a str,
    name: &'a str,
}

impl V<'_> {
    fn new<'a>(kind: &'a str, meta: &'a ObjectMeta, diags: &'a mut Vec<Diagnostic>) -> V<'a> {
        V { diags, source: meta.source.as_ref(), kind, name: &meta.name }
    }

    fn object(&self) -> String {
        super::object_label(self.kind, self.name)
    }

    /// Whether the input has the field at `at` (a map or list spelled out, even if empty).
    fn given(&self, at: &str) -> bool {
        self.source.is_some_and(|s| s.fields.get(at).is_some())
    }

    fn span(&self, at: &str, key: bool) -> Span {
        match self.source {
            Some(s) => {
                let range = match s.fields.get(at) {
                    Some(f) if key => f.key.unwrap_or(f.value),
                    Some(f) => f.value,
                    None => {
                        // Point at the closest ancestor's key when the field itself is absent
                        // (a required field is reported where it should have been).
                        let mut p = at;
                        loop {
                            match p.rfind(['.', '[']) {
                                Some(cut) => {
                                    p = p.get(..cut).unwrap_or("");
                                    if let Some(f) = s.fields.get(p) {
                                        break f.key.unwrap_or(f.value);
                                    }
                                }
                                None => break TextRange::new(s.range.start, s.range.start),
                            }
                        }
                    }
                };
                Span { file: s.file, range }
            }
            None => Span::default(),
        }
    }

    fn push(
        &mut self,
        code: &'static str,
        at: &str,
        key: bool,
        message: String,
        hint: Option<String>,
    ) {
        let mut d = Diagnostic::error(code, self.span(at, key), message);
        d.object = Some(self.object());
        if let Some(h) = hint {
            d.hints.push(h);
        }
        self.diags.push(d);
    }

    /// `field.Invalid(path, value, detail)`; `value` already formatted as the API prints it.
    fn invalid(&mut self, path: &str, at: &str, value: &str, detail: &str, hint: Option<String>) {
        let msg = if detail.is_empty() {
            format!("{path}: Invalid value: {value}")
        } else {
            format!("{path}: Invalid value: {value}: {detail}")
        };
        self.push("invalid-value", at, false, msg, hint);
    }

    fn required(&mut self, path: &str, detail: &str, hint: Option<String>) {
        let msg = if detail.is_empty() {
            format!("{path}: Required value")
        } else {
            format!("{path}: Required value: {detail}")
        };
        self.push("required-value", path, true, msg, hint);
    }

    fn duplicate(&mut self, path: &str, at: &str, value: &str, hint: Option<String>) {
        self.push("duplicate-value", at, false, format!("{path}: Duplicate value: {value}"), hint);
    }

    fn unsupported(&mut self, path: &str, value: &str, supported: &[&str], hint: Option<String>) {
        let list: Vec<String> = supported.iter().map(|s| go_quote(s)).collect();
        self.push(
            "unsupported-value",
            path,
            false,
            format!(
                "{path}: Unsupported value: {}: supported values: {}",
                go_quote(value),
                list.join(", ")
            ),
            hint,
        );
    }

    /// `field.NotSupported` with a value that prints as it is (a Go `%#v`), not quoted.
    fn unsupported_raw(
        &mut self,
        path: &str,
        value: &str,
        supported: &[&str],
        hint: Option<String>,
    ) {
        let list: Vec<String> = supported.iter().map(|s| go_quote(s)).collect();
        self.push(
            "unsupported-value",
            path,
            false,
            format!("{path}: Unsupported value: {value}: supported values: {}", list.join(", ")),
            hint,
        );
    }

    fn forbidden(&mut self, path: &str, at: &str, detail: &str, hint: Option<String>) {
        self.push("forbidden", at, true, format!("{path}: Forbidden: {detail}"), hint);
    }

    /// An API-server warning (`Warning: <text>` in kubectl), code `api-warning`.
    fn warn(&mut self, at: &str, text: String, hint: &str) {
        let mut d = Diagnostic::warning(API_WARNING, self.span(at, false), text.clone());
        d.object = Some(self.object());
        d.hints.push(hint.to_string());
        d.hints.push(format!("kubectl apply prints: Warning: {text}"));
        self.diags.push(d);
    }
}

/// NetworkPolicy and ClusterNetworkPolicy (a child module, so it shares the helpers above).
pub(crate) mod policy;

/// The API server's warnings for Pods and Pod templates.
mod pod_warnings;

/// The warnings of a created Pod (`template` false: `GetWarningsForPod`) or workload
/// (`GetWarningsForPodTemplate`, `ann` the template's annotations), for
/// `Loader::warn_if_created`.
pub(crate) fn pod_warnings(
    kind: &str,
    meta: &ObjectMeta,
    ann: &Labels,
    template: bool,
    spec: &RawPodSpec,
) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    let mut v = V::new(kind, meta, &mut out);
    pod_warnings::pod_warnings(&mut v, template, ann, spec);
    out
}

/// The code of the warnings the API server returns with an accepted object (kubectl prints each
/// as `Warning: <text>`); the message is the warning's exact text.
pub const API_WARNING: &str = "api-warning";

fn name_hint(rule: NameRule, kind: &str) -> String {
    match rule {
        NameRule::Dns1035 => format!("{kind} names become DNS names: use lower-case letters, digits and '-', start with a letter and end with a letter or digit (at most 63 characters), e.g. `my-service`"),
        NameRule::Label if kind == "Service" => "Service names become DNS names: use lower-case letters, digits and '-', start and end with a letter or digit (at most 63 characters), e.g. `my-service`".to_string(),
        NameRule::Label => format!("{kind} names use lower-case letters, digits and '-', start and end with a letter or digit (at most 63 characters)"),
        NameRule::Subdomain => format!("{kind} names use lower-case letters, digits, '-' and '.', start and end with a letter or digit (at most 253 characters), e.g. `web-1`"),
    }
}

/// `ValidateObjectMetaAccessor` (name, namespace, labels, annotations).
fn object_meta(v: &mut V<'_>, kind: &str, meta: &ObjectMeta, rule: NameRule, namespaced: bool) {
    let name_msgs = |name: &str| match rule {
        NameRule::Dns1035 => is_dns1035_label(name),
        NameRule::Label => is_dns1123_label(name),
        NameRule::Subdomain => is_dns1123_subdomain(name),
    };
    if let Some(g) = meta.generate_name.as_deref().filter(|g| !g.is_empty()) {
        // NameIsDNS*(prefix=true): `maskTrailingDash` lets a generateName end with '-'.
        let masked = match g.strip_suffix('-') {
            Some(head) if g.len() > 1 => format!("{head}a"),
            _ => g.to_string(),
        };
        for m in name_msgs(&masked) {
            v.invalid(
                "metadata.generateName",
                "metadata.generateName",
                &go_quote(g),
                &m,
                Some(name_hint(rule, kind)),
            );
        }
    }
    if meta.name.is_empty() {
        if meta.generate_name.as_deref().is_none_or(str::is_empty) {
            v.required(
                "metadata.name",
                "name or generateName is required",
                Some(format!(
                    "give the {kind} a name under `metadata:` (`name: my-{}`)",
                    kind.to_ascii_lowercase()
                )),
            );
        }
    } else {
        for m in name_msgs(&meta.name) {
            v.invalid(
                "metadata.name",
                "metadata.name",
                &go_quote(&meta.name),
                &m,
                Some(name_hint(rule, kind)),
            );
        }
    }
    if namespaced && !meta.namespace.is_empty() {
        for m in is_dns1123_label(&meta.namespace) {
            v.invalid("metadata.namespace", "metadata.namespace", &go_quote(&meta.namespace), &m, Some("namespace names use lower-case letters, digits and '-' (at most 63 characters)".to_string()));
        }
    }
    labels(v, "metadata.labels", &meta.labels);
    for k in meta.annotations.keys() {
        for m in is_qualified_name(&k.to_ascii_lowercase()) {
            let at = format!("metadata.annotations.{k}");
            v.push(
                "invalid-value",
                &at,
                true,
                format!("metadata.annotations: Invalid value: {}: {m}", go_quote(k)),
                Some("annotation keys follow the label key syntax: an optional DNS prefix and '/', then a name of letters, digits, '-', '_' and '.'".to_string()),
            );
        }
    }
    let size: usize = meta.annotations.iter().map(|(k, v)| k.len() + v.len()).sum();
    if size > 256 * 1024 {
        v.push(
            "too-long",
            "metadata.annotations",
            true,
            "metadata.annotations: Too long: may not be more than 262144 bytes".to_string(),
            Some("all annotations of one object together may hold at most 256 KiB".to_string()),
        );
    }
}

/// `ValidateLabels` at `path` (`metadata.labels`, `spec.selector`, …): keys then values.
fn labels(v: &mut V<'_>, path: &str, l: &Labels) {
    labels_at(v, path, path, l);
}

/// [`labels`] reported at `path` but pointing at the input under `at_base` (upstream reports
/// template labels at `spec.template.labels`, where the input has `spec.template.metadata.labels`).
fn labels_at(v: &mut V<'_>, path: &str, at_base: &str, l: &Labels) {
    for (k, val) in l {
        let at = format!("{at_base}.{k}");
        for m in is_qualified_name(k) {
            v.push(
                "invalid-value",
                &at,
                true,
                format!("{path}: Invalid value: {}: {m}", go_quote(k)),
                Some("label keys are an optional DNS prefix and '/', then a name of at most 63 letters, digits, '-', '_' or '.', starting and ending with a letter or digit (e.g. `app.kubernetes.io/name`)".to_string()),
            );
        }
        for m in is_valid_label_value(val) {
            v.invalid(path, &at, &go_quote(val), &m, Some("label values are at most 63 letters, digits, '-', '_' or '.', starting and ending with a letter or digit; no spaces or '/'".to_string()));
        }
    }
}

pub(crate) fn meta_common(
    kind: &str,
    meta: &ObjectMeta,
    rule: NameRule,
    diags: &mut Vec<Diagnostic>,
) {
    let mut v = V::new(kind, meta, diags);
    object_meta(&mut v, kind, meta, rule, true);
}

/// `ValidateNonSpecialIP`: the detail messages for an address that may not be an endpoint or
/// external IP.
pub(crate) fn special_ip(ip: IpAddr) -> Vec<String> {
    let mut out = Vec::new();
    if ip.is_unspecified() {
        out.push(format!("may not be unspecified ({ip})"));
    }
    if ip.is_loopback() {
        out.push("may not be in the loopback range (127.0.0.0/8, ::1/128)".to_string());
    }
    let link_local = match ip {
        IpAddr::V4(x) => x.is_link_local(),
        IpAddr::V6(x) => x.segments().first().is_some_and(|s| s & 0xffc0 == 0xfe80),
    };
    if link_local {
        out.push("may not be in the link-local range (169.254.0.0/16, fe80::/10)".to_string());
    }
    let ll_multicast = match ip {
        IpAddr::V4(x) => matches!(x.octets(), [224, 0, 0, _]),
        IpAddr::V6(x) => x.segments().first().is_some_and(|s| s & 0xff0f == 0xff02),
    };
    if ll_multicast {
        out.push(
            "may not be in the link-local multicast range (224.0.0.0/24, ff02::/10)".to_string(),
        );
    }
    out
}

/// `ValidateEndpoints` → `validateEndpointSubsets` (`validateEndpointAddress`,
/// `validateEndpointPort`).
pub(crate) fn endpoints(e: &Endpoints, diags: &mut Vec<Diagnostic>) {
    let mut v = V::new("Endpoints", &e.meta, diags);
    object_meta(&mut v, "Endpoints", &e.meta, NameRule::Subdomain, true);
    for (i, ss) in e.subsets.iter().enumerate() {
        let p = format!("subsets[{i}]");
        if ss.addresses.is_empty()
            && ss.not_ready_addresses.is_empty()
            && ss.unparsed_addresses.is_empty()
        {
            v.required(&p, "must specify `addresses` or `notReadyAddresses`", None);
        }
        for (field, ready, list) in [
            ("addresses", true, &ss.addresses),
            ("notReadyAddresses", false, &ss.not_ready_addresses),
        ] {
            // Each address's index in the manifest's list, the unreadable ones (left out of
            // the model) skipped.
            let mut index = (0..).filter(|k| !ss.unparsed_addresses.contains(&(ready, *k)));
            for a in list.iter() {
                let j = index.next().unwrap_or(0);
                let ap = format!("{p}.{field}[{j}]");
                if let Some(h) = a.hostname.as_deref().filter(|h| !h.is_empty()) {
                    for m in is_dns1123_label(h) {
                        let hp = format!("{ap}.hostname");
                        v.invalid(&hp, &hp, &go_quote(h), &m, None);
                    }
                }
                if let Some(n) = &a.node_name {
                    for m in is_dns1123_subdomain(n) {
                        let np = format!("{ap}.nodeName");
                        v.invalid(&np, &np, &go_quote(n), &m, None);
                    }
                }
                for m in special_ip(a.ip) {
                    let ip = format!("{ap}.ip");
                    v.invalid(&ip, &ip, &go_quote(&a.ip.to_string()), &m, Some("an endpoint must be an address another host can reach: a Pod or machine IP".to_string()));
                }
            }
        }
        let require_name = ss.ports.len() > 1;
        for (j, port) in ss.ports.iter().enumerate() {
            let pp = format!("{p}.ports[{j}]");
            match port.name.as_deref().filter(|n| !n.is_empty()) {
                None if require_name => v.required(
                    &format!("{pp}.name"),
                    "",
                    Some(
                        "with several ports, each needs the `name` of the Service port it serves"
                            .to_string(),
                    ),
                ),
                None => {}
                Some(n) => {
                    for m in is_dns1123_label(n) {
                        let np = format!("{pp}.name");
                        v.invalid(&np, &np, &go_quote(n), &m, None);
                    }
                }
            }
            let n = port.port.unwrap_or(0);
            for m in is_valid_port_num(i64::from(n)) {
                let np = format!("{pp}.port");
                v.invalid(&np, &np, &n.to_string(), &m, None);
            }
            // validateEndpointPort: ValidateQualifiedName(appProtocol).
            if let Some(ap) = &port.app_protocol {
                for m in is_qualified_name(ap) {
                    let ap_path = format!("{pp}.appProtocol");
                    v.invalid(&ap_path, &ap_path, &go_quote(ap), &m, None);
                }
            }
        }
    }
}

/// The field path a validation message starts with (`ports[0].name: Invalid value: …`).
fn message_path(message: &str) -> &str {
    message.split_once(": ").map_or(message, |(p, _)| p)
}

/// The index in `path` after `prefix` (`ports[3]…` → 3).
fn index_after(path: &str, prefix: &str) -> usize {
    path.strip_prefix(prefix)
        .and_then(|r| r.strip_prefix('['))
        .and_then(|r| r.split(']').next())
        .and_then(|n| n.parse().ok())
        .unwrap_or(0)
}

/// Puts the validation errors of one object (`diags`, all of one object) in the order upstream's
/// validation appends them, by `rank` of each error's field path and message: some were found
/// while the object was decoded (an address that is no IP, a protocol), before the metadata's.
/// Other diagnostics (warnings) keep their places; equal ranks keep their order.
pub(crate) fn reorder(diags: &mut [Diagnostic], rank: impl Fn(&str, &str) -> Vec<usize>) {
    let slots: Vec<usize> =
        (0..diags.len()).filter(|&i| is_validation_code(diags[i].code)).collect();
    let mut errs: Vec<Diagnostic> = slots.iter().map(|&i| diags[i].clone()).collect();
    crate::sort::sort_by(&mut errs, |a, b| {
        rank(message_path(&a.message), &a.message).cmp(&rank(message_path(&b.message), &b.message))
    });
    for (slot, d) in slots.into_iter().zip(errs) {
        diags[slot] = d;
    }
}

/// `ValidateEndpointSlice`'s order: metadata, addressType, endpoints (each as
/// `validateEndpoints` checks it), ports (per port: name, duplicate name, protocol, appProtocol).
pub(crate) fn endpoint_slice_rank(path: &str, _message: &str) -> Vec<usize> {
    if path.starts_with("metadata") {
        vec![0]
    } else if path == "addressType" {
        vec![1]
    } else if path.starts_with("endpoints") {
        vec![2]
    } else if path.starts_with("ports[") {
        let field = match path.rsplit('.').next() {
            Some("name") => 0,
            Some("protocol") => 1,
            _ => 2,
        };
        vec![3, index_after(path, "ports"), field]
    } else if path.starts_with("ports") {
        vec![3]
    } else {
        vec![4]
    }
}

/// `ValidateEndpoints`' order: metadata, then each subset (`validateEndpointSubsets`): the
/// missing addresses, each address (`validateEndpointAddress`: `IsValidIP`, hostname, nodeName,
/// then `ValidateNonSpecialIP`), each not-ready address, each port (`validateEndpointPort`:
/// name, port, protocol, appProtocol).
pub(crate) fn endpoints_rank(path: &str, message: &str) -> Vec<usize> {
    let Some(rest) = path.strip_prefix("subsets") else {
        return vec![0];
    };
    let i = index_after(path, "subsets");
    let rest = rest.split_once('.').map_or("", |(_, r)| r);
    let (section, item) = if rest.starts_with("addresses") {
        (1, index_after(rest, "addresses"))
    } else if rest.starts_with("notReadyAddresses") {
        (2, index_after(rest, "notReadyAddresses"))
    } else if rest.starts_with("ports") {
        (3, index_after(rest, "ports"))
    } else {
        (0, 0)
    };
    let field = match (section, rest.rsplit('.').next()) {
        // `IsValidIP` ("…, (e.g. 10.9.8.7 …)") first; `ValidateNonSpecialIP`'s errors (its own
        // "must be a valid IP address" too) last.
        (1 | 2, Some("ip")) if message.contains("must be a valid IP address, (e.g.") => 0,
        (1 | 2, Some("hostname")) => 1,
        (1 | 2, Some("nodeName")) => 2,
        (1 | 2, _) => 3,
        (3, Some("name")) => 0,
        (3, Some("port")) => 1,
        (3, Some("protocol")) => 2,
        _ => 3,
    };
    vec![1, i, section, item, field]
}

/// `ValidateEndpointSlice` (`pkg/apis/discovery/validation/validation.go`): metadata and
/// `addressType` (the addresses themselves are checked as they are read).
pub(crate) fn endpoint_slice(slice: &EndpointSlice, diags: &mut Vec<Diagnostic>) {
    let mut v = V::new("EndpointSlice", &slice.meta, diags);
    object_meta(&mut v, "EndpointSlice", &slice.meta, NameRule::Subdomain, true);
    match slice.address_type.as_str() {
        "" => v.required(
            "addressType",
            "",
            Some("EndpointSlices need `addressType: IPv4` (or IPv6, FQDN)".to_string()),
        ),
        "IPv4" | "IPv6" | "FQDN" => {}
        other => v.unsupported("addressType", other, &["FQDN", "IPv4", "IPv6"], None),
    }
    slice_ports(&mut v, slice);
}

/// `validatePorts` (pkg/apis/discovery/validation/validation.go): at most 100 ports, names
/// DNS labels and unique (an unnamed port is named "" by SetDefaults_EndpointPort, so two unnamed
/// ports collide), appProtocol a qualified name. (Protocols are checked while decoding.)
fn slice_ports(v: &mut V<'_>, slice: &EndpointSlice) {
    if slice.ports.len() > 100 {
        let msg = format!("ports: Too many: {}: must have at most 100 items", slice.ports.len());
        v.push("too-many", "ports", true, msg, None);
        return;
    }
    let mut names: Vec<&str> = Vec::new();
    for (i, p) in slice.ports.iter().enumerate() {
        let path = format!("ports[{i}].name");
        let name = p.name.as_deref().unwrap_or("");
        if !name.is_empty() {
            for m in is_dns1123_label(name) {
                v.invalid(&path, &path, &go_quote(name), &m, None);
            }
        }
        if names.contains(&name) {
            v.duplicate(
                &path,
                &path,
                &go_quote(name),
                Some("the ports of one EndpointSlice need different names".to_string()),
            );
        } else {
            names.push(name);
        }
        if let Some(ap) = &p.app_protocol {
            let ap_path = format!("ports[{i}].appProtocol");
            for m in is_qualified_name(ap) {
                v.invalid(&ap_path, &ap_path, &go_quote(ap), &m, None);
            }
        }
    }
}

/// `ValidateNamespace` after decoding, which defaults the label `kubernetes.io/metadata.name`
/// to the name (`SetDefaults_Namespace`, pkg/apis/core/v1/defaults.go, overwriting any value
/// given): a name over 63 characters (or otherwise no label value) is refused twice, as the
/// name and as that label's value.
pub(crate) fn namespace(meta: &ObjectMeta, diags: &mut Vec<Diagnostic>) {
    let mut v = V::new("Namespace", meta, diags);
    let mut defaulted = meta.clone();
    if !meta.name.is_empty() {
        defaulted.labels.insert(NAMESPACE_NAME_LABEL.to_string(), meta.name.clone());
    }
    let before = v.diags.len();
    object_meta(&mut v, "Namespace", &defaulted, NameRule::Label, false);
    // The defaulted label's errors point at the name, which they are about.
    let label_error = format!("metadata.labels: Invalid value: {}:", go_quote(&meta.name));
    let name_span = v.span("metadata.name", false);
    for d in v.diags.iter_mut().skip(before).filter(|d| d.message.starts_with(&label_error)) {
        d.span = name_span;
        d.hints = vec![format!(
            "the API server labels every Namespace `{NAMESPACE_NAME_LABEL}: <its name>`, so the name must also be a valid label value (at most 63 characters)"
        )];
    }
}

/// The label every Namespace carries with its own name (`v1.LabelMetadataName`).
const NAMESPACE_NAME_LABEL: &str = "kubernetes.io/metadata.name";

pub(crate) fn node(node: &Node, diags: &mut Vec<Diagnostic>) {
    let mut v = V::new("Node", &node.meta, diags);
    object_meta(&mut v, "Node", &node.meta, NameRule::Subdomain, false);
    node_taints(&mut v, &node.taints);
    for (i, c) in node.pod_cidrs.iter().enumerate() {
        if !is_cidr(c) {
            let p = format!("spec.podCIDRs[{i}]");
            let at = if node
                .meta
                .source
                .as_ref()
                .is_some_and(|s| s.fields.get("spec.podCIDR").is_some())
            {
                "spec.podCIDR".to_string()
            } else {
                p.clone()
            };
            v.invalid(
                &p,
                &at,
                &go_quote(c),
                "must be a valid CIDR value, (e.g. 10.9.8.0/24 or 2001:db8::/64)",
                None,
            );
        }
    }
    pod_cidr_families(&mut v, &node.pod_cidrs);
}

/// `validateNodeTaints`, as `ValidateNode` calls it: with the field path `metadata.taints`
/// (upstream passes `fldPath.Child("taints")` with `fldPath` = `metadata`), though the taints are
/// `spec.taints` in the object (where the diagnostics point).
fn node_taints(v: &mut V<'_>, taints: &[Taint]) {
    for (i, t) in taints.iter().enumerate() {
        let p = format!("metadata.taints[{i}]");
        let at = format!("spec.taints[{i}]");
        for m in is_qualified_name(&t.key) {
            v.invalid(&format!("{p}.key"), &format!("{at}.key"), &go_quote(&t.key), &m, None);
        }
        let errs = is_valid_label_value(&t.value);
        if !errs.is_empty() {
            let (vp, va) = (format!("{p}.value"), format!("{at}.value"));
            v.invalid(&vp, &va, &go_quote(&t.value), &errs.join(";"), None);
        }
        let (ep, ea) = (format!("{p}.effect"), format!("{at}.effect"));
        match t.effect.as_str() {
            "" => v.push("required-value", &ea, true, format!("{ep}: Required value"), None),
            "NoSchedule" | "PreferNoSchedule" | "NoExecute" => {}
            other => v.push("unsupported-value", &ea, false, format!("{ep}: Unsupported value: {}: supported values: \"NoSchedule\", \"PreferNoSchedule\", \"NoExecute\"", go_quote(other)), Some("effects are NoSchedule, PreferNoSchedule or NoExecute (case-sensitive)".to_string())),
        }
        if taints[..i].iter().any(|o| o.key == t.key && o.effect == t.effect) {
            // `field.Duplicate(idxPath, currTaint)`: the value prints as `%#v` of a core.Taint.
            let value = format!(
                "core.Taint{{Key:{}, Value:{}, Effect:{}, TimeAdded:(*v1.Time)(nil)}}",
                go_quote(&t.key),
                go_quote(&t.value),
                go_quote(&t.effect)
            );
            v.push(
                "duplicate-value",
                &at,
                false,
                format!(
                    "{p}: Duplicate value: {value}: taints must be unique by key and effect pair"
                ),
                Some(
                    "a node carries one taint per key and effect: drop or merge the repeated one"
                        .to_string(),
                ),
            );
        }
    }
}

/// `ValidateNode`'s podCIDRs pair rules: at most one CIDR per IP family, no duplicates (only
/// when every CIDR parses: otherwise upstream adds an internal error this does not model).
fn pod_cidr_families(v: &mut V<'_>, cidrs: &[String]) {
    if cidrs.len() < 2 || !cidrs.iter().all(|c| is_cidr(c)) {
        return;
    }
    let v4 = cidrs.iter().filter(|c| !c.contains(':')).count();
    if cidrs.len() > 2 || v4 != 1 {
        let list: Vec<String> = cidrs.iter().map(|c| go_quote(c)).collect();
        let value = format!("[]string{{{}}}", list.join(", "));
        v.invalid(
            "spec.podCIDRs",
            "spec.podCIDRs",
            &value,
            "may specify no more than one CIDR for each IP family",
            Some(
                "a node has one pod CIDR per IP family: one IPv4 and one IPv6 at most".to_string(),
            ),
        );
    }
    for (i, c) in cidrs.iter().enumerate() {
        if cidrs[..i].contains(c) {
            let p = format!("spec.podCIDRs[{i}]");
            v.duplicate(&p, &p, &go_quote(c), None);
        }
    }
}

fn is_cidr(s: &str) -> bool {
    let Some((ip, bits)) = s.split_once('/') else { return false };
    let Ok(ip) = ip.parse::<IpAddr>() else { return false };
    let Ok(bits) = bits.parse::<u8>() else { return false };
    bits <= if ip.is_ipv4() { 32 } else { 128 }
}

// ---------------------------------------------------------------------------------------------
// Pods

/// `validateContainers` (`init` false) / `validateInitContainers` (`init` true, with the regular
/// containers in `regular`): names unique among regular and init containers, host ports unique
/// across the regular containers but only within each init container (they run one by one).
fn container_list(
    v: &mut V<'_>,
    base: &str,
    cs: &[RawContainer],
    regular: &[RawContainer],
    init: bool,
) {
    let required = !init;
    if cs.is_empty() && required {
        v.required(
            base,
            "",
            Some(
                "a Pod needs at least one container: `containers: - name: app` / `image: nginx`"
                    .to_string(),
            ),
        );
    }
    let mut names: Vec<&str> = regular.iter().map(|c| c.name.as_str()).collect();
    for (i, c) in cs.iter().enumerate() {
        let p = format!("{base}[{i}]");
        if c.name.is_empty() {
            v.required(
                &format!("{p}.name"),
                "",
                Some("every container needs a `name`".to_string()),
            );
        } else {
            for m in is_dns1123_label(&c.name) {
                v.invalid(&format!("{p}.name"), &format!("{p}.name"), &go_quote(&c.name), &m, Some("container names use lower-case letters, digits and '-' (at most 63 characters)".to_string()));
            }
        }
        if c.image.is_empty() {
            v.required(
                &format!("{p}.image"),
                "",
                Some("every container needs an `image`, e.g. `image: nginx:1.27`".to_string()),
            );
        }
        let mut port_names: Vec<&str> = Vec::new();
        for (j, port) in c.ports.iter().enumerate() {
            let pp = format!("{p}.ports[{j}]");
            if let Some(n) = port.name.as_deref().filter(|n| !n.is_empty()) {
                let msgs = is_valid_port_name(n);
                if !msgs.is_empty() {
                    for m in msgs {
                        v.invalid(&format!("{pp}.name"), &format!("{pp}.name"), &go_quote(n), &m, Some("port names are IANA service names: at most 15 lower-case letters, digits and '-', with at least one letter (e.g. `http`, `metrics`)".to_string()));
                    }
                } else if port_names.contains(&n) {
                    v.duplicate(
                        &format!("{pp}.name"),
                        &format!("{pp}.name"),
                        &go_quote(n),
                        Some("port names must be unique within a container".to_string()),
                    );
                } else {
                    port_names.push(n);
                }
            }
            if port.container_port == 0 {
                v.required(
                    &format!("{pp}.containerPort"),
                    "",
                    Some(
                        "give the port number the container listens on, e.g. `containerPort: 8080`"
                            .to_string(),
                    ),
                );
            } else {
                for m in is_valid_port_num(i64::from(port.container_port)) {
                    v.invalid(
                        &format!("{pp}.containerPort"),
                        &format!("{pp}.containerPort"),
                        &port.container_port.to_string(),
                        &m,
                        None,
                    );
                }
            }
            if let Some(h) = port.host_port.filter(|&h| h != 0) {
                for m in is_valid_port_num(i64::from(h)) {
                    v.invalid(
                        &format!("{pp}.hostPort"),
                        &format!("{pp}.hostPort"),
                        &h.to_string(),
                        &m,
                        None,
                    );
                }
            }
            match port.protocol.as_deref() {
                None | Some("") => v.required(&format!("{pp}.protocol"), "", None),
                Some("TCP" | "UDP" | "SCTP") => {}
                Some(other) => v.unsupported(
                    &format!("{pp}.protocol"),
                    other,
                    &["SCTP", "TCP", "UDP"],
                    Some(protocol_hint(other)),
                ),
            }
        }
        container_resources(v, &p, c);
        if names.contains(&c.name.as_str()) {
            v.duplicate(
                &format!("{p}.name"),
                &format!("{p}.name"),
                &go_quote(&c.name),
                Some("container names must be unique within a Pod".to_string()),
            );
        } else if !init || !c.name.is_empty() {
            names.push(&c.name);
        }
        if init {
            // `checkHostPortConflicts([]core.Container{ctr}, fldPath)`: upstream indexes the
            // one-container list, so the path always says `[0]`.
            host_port_conflicts(v, base, std::slice::from_ref(c), Some(i));
        }
    }
    if !init {
        host_port_conflicts(v, base, cs, None);
    }
}

/// `ValidateResourceRequirements` for one container at `p` (its limits, then its requests, each
/// resource in name order: upstream ranges over a Go map): a standard container resource name
/// (`validateContainerResourceName`), a quantity of at least 0 (`ValidateNonnegativeQuantity`),
/// and a request no larger than its limit.
fn container_resources(v: &mut V<'_>, p: &str, c: &RawContainer) {
    use crate::quantity::Quantity;
    let mut limits: Vec<&(String, String)> = c.limits.iter().collect();
    crate::sort::sort_by(&mut limits, |a, b| a.0.cmp(&b.0));
    let mut requests: Vec<&(String, String)> = c.requests.iter().collect();
    crate::sort::sort_by(&mut requests, |a, b| a.0.cmp(&b.0));
    for (which, list) in [("limits", &limits), ("requests", &requests)] {
        for (name, q) in list.iter().map(|e| (&e.0, &e.1)) {
            let path = format!("{p}.resources.{which}[{name}]");
            // Where it is written (the source map knows dotted keys).
            let at = format!("{p}.resources.{which}.{name}");
            let standard = matches!(name.as_str(), "cpu" | "memory" | "ephemeral-storage")
                || name.starts_with("hugepages-");
            if !name.contains('/') && !standard {
                let hint = match name.as_str() {
                    "cpus" | "CPU" | "Cpu" => Some("the resource is `cpu`".to_string()),
                    "mem" | "Memory" | "ram" => Some("the resource is `memory`".to_string()),
                    _ => Some("containers take `cpu`, `memory`, `ephemeral-storage`, `hugepages-<size>`, or an extended resource with a domain (`example.com/gpu`)".to_string()),
                };
                v.invalid(
                    &path,
                    &at,
                    &go_quote(name),
                    "must be a standard resource for containers",
                    hint,
                );
            }
            let Some(q) = Quantity::parse(q) else { continue };
            if q.cmp_value(&Quantity::parse("0").unwrap_or(q)) == std::cmp::Ordering::Less {
                v.invalid(
                    &path,
                    &at,
                    &go_quote(&q.canonical()),
                    "must be greater than or equal to 0",
                    None,
                );
            }
            if which == "requests" {
                let limit =
                    limits.iter().find(|(n, _)| n == name).and_then(|(_, l)| Quantity::parse(l));
                if let Some(l) = limit.filter(|l| q.cmp_value(l) == std::cmp::Ordering::Greater) {
                    v.invalid(
                        &format!("{p}.resources.requests"),
                        &at,
                        &go_quote(&q.canonical()),
                        &format!("must be less than or equal to {name} limit of {}", l.canonical()),
                        Some(format!("a container may not request more {name} than its limit: raise the limit or lower the request")),
                    );
                }
            }
        }
    }
}

/// `AccumulateUniqueHostPorts`: `protocol/hostIP/hostPort` unique among `cs`. `at_index`: the container's real index, for one init container checked
/// alone (upstream's path then says `[0]`).
fn host_port_conflicts(v: &mut V<'_>, base: &str, cs: &[RawContainer], at_index: Option<usize>) {
    let mut seen: Vec<String> = Vec::new();
    for (ci, c) in cs.iter().enumerate() {
        for (j, port) in c.ports.iter().enumerate() {
            let Some(h) = port.host_port.filter(|&h| h != 0) else { continue };
            let key = format!("{}/{}/{h}", port.protocol.as_deref().unwrap_or(""), port.host_ip);
            if seen.contains(&key) {
                let path = format!("{base}[{ci}].ports[{j}].hostPort");
                let at = format!("{base}[{}].ports[{j}].hostPort", at_index.unwrap_or(ci));
                v.duplicate(
                    &path,
                    &at,
                    &go_quote(&key),
                    Some("two ports of the Pod's containers cannot use the same host port and protocol".to_string()),
                );
            } else {
                seen.push(key);
            }
        }
    }
}

fn protocol_hint(p: &str) -> String {
    let up = p.to_ascii_uppercase();
    if matches!(up.as_str(), "TCP" | "UDP" | "SCTP") {
        format!("protocols are upper case: write `{up}`")
    } else if matches!(up.as_str(), "HTTP" | "HTTPS" | "GRPC" | "H2C") {
        format!("`protocol` is the transport (TCP, UDP or SCTP); {p} runs over TCP — use `appProtocol: {}` to name the application protocol", p.to_ascii_lowercase())
    } else {
        "use TCP, UDP or SCTP".to_string()
    }
}

/// `ValidatePodSpec` (the parts that matter here) at `base` (`spec` or `spec.template.spec`).
fn pod_spec(v: &mut V<'_>, base: &str, spec: &RawPodSpec) {
    container_list(v, &format!("{base}.containers"), &spec.containers, &[], false);
    container_list(
        v,
        &format!("{base}.initContainers"),
        &spec.init_containers,
        &spec.containers,
        true,
    );
    match spec.spec.restart_policy.as_str() {
        "Always" | "OnFailure" | "Never" => {}
        "" => v.required(&format!("{base}.restartPolicy"), "", None),
        other => v.unsupported(
            &format!("{base}.restartPolicy"),
            other,
            &["Always", "OnFailure", "Never"],
            None,
        ),
    }
    match spec.spec.dns_policy.as_str() {
        "ClusterFirstWithHostNet" | "ClusterFirst" | "Default" | "None" => {}
        "" => v.required(&format!("{base}.dnsPolicy"), "", None),
        other => v.unsupported(
            &format!("{base}.dnsPolicy"),
            other,
            &["ClusterFirstWithHostNet", "ClusterFirst", "Default", "None"],
            Some("dnsPolicy is case-sensitive; ClusterFirst is the default".to_string()),
        ),
    }
    labels(v, &format!("{base}.nodeSelector"), &spec.spec.node_selector);
    if spec.spec.host_network {
        // validatePodHostNetworkDeps: with hostNetwork the host port must equal the container
        // port; only `containers` are checked.
        for (i, c) in spec.containers.iter().enumerate() {
            for (j, p) in c.ports.iter().enumerate() {
                if let Some(h) = p.host_port.filter(|&h| h != 0 && h != p.container_port) {
                    let path = format!("{base}.containers[{i}].ports[{j}].hostPort");
                    v.invalid(
                        &path,
                        &path,
                        &h.to_string(),
                        "must match `containerPort` when `hostNetwork` is true",
                        None,
                    );
                }
            }
        }
    }
    pod_dns_config(v, base, &spec.spec);
    // `validateReadinessGates`: each condition type a qualified name.
    for (i, g) in spec.spec.readiness_gates.iter().enumerate() {
        let p = format!("{base}.readinessGates[{i}].conditionType");
        for m in is_qualified_name(g) {
            v.invalid(
                &p,
                &p,
                &go_quote(g),
                &m,
                Some(
                    "a readiness gate names a Pod condition type, e.g. `example.com/feature-1`"
                        .to_string(),
                ),
            );
        }
    }
    // `validateSchedulingGates`: each name a qualified name, none twice.
    let mut seen = std::collections::BTreeSet::new();
    for (i, g) in spec.spec.scheduling_gates.iter().enumerate() {
        let p = format!("{base}.schedulingGates[{i}]");
        for m in is_qualified_name(g) {
            v.invalid(&p, &p, &go_quote(g), &m, None);
        }
        if !seen.insert(g.as_str()) {
            v.duplicate(
                &p,
                &p,
                &go_quote(g),
                Some("each scheduling gate is listed once".to_string()),
            );
        }
    }
    if let Some(n) = spec.spec.node_name.as_deref().filter(|n| !n.is_empty()) {
        for m in is_dns1123_subdomain(n) {
            let p = format!("{base}.nodeName");
            v.invalid(&p, &p, &go_quote(n), &m, None);
        }
    }
    for (field, val) in [("hostname", &spec.spec.hostname), ("subdomain", &spec.spec.subdomain)] {
        if let Some(h) = val.as_deref().filter(|h| !h.is_empty()) {
            for m in is_dns1123_label(h) {
                let p = format!("{base}.{field}");
                v.invalid(&p, &p, &go_quote(h), &m, Some(format!("`{field}` becomes part of the Pod's DNS name: lower-case letters, digits and '-', at most 63 characters")));
            }
        }
    }
    tolerations(
        v,
        &format!("{base}.tolerations"),
        &spec.spec.tolerations,
        &spec.toleration_seconds,
    );
    // `ValidateHostAliases`: each IP an IP (`IsValidIPForLegacyField`), each hostname a DNS
    // subdomain.
    for (i, ip) in spec.warn.host_aliases.iter().enumerate() {
        if !valid_ip(ip) {
            let p = format!("{base}.hostAliases[{i}].ip");
            v.invalid(
                &p,
                &p,
                &go_quote(ip),
                IP_MSG,
                Some(
                    "a host alias maps an IP address to names in the Pod's /etc/hosts".to_string(),
                ),
            );
        }
        for (j, h) in spec.warn.host_alias_names.get(i).into_iter().flatten().enumerate() {
            for m in is_dns1123_subdomain(h) {
                let p = format!("{base}.hostAliases[{i}].hostnames[{j}]");
                v.invalid(&p, &p, &go_quote(h), &m, None);
            }
        }
    }
}

/// `validatePodDNSConfig` (MaxDNSNameservers 3, MaxDNSSearchPaths 32, MaxDNSSearchListChars 2048).
fn pod_dns_config(v: &mut V<'_>, base: &str, spec: &PodSpec) {
    let path = format!("{base}.dnsConfig");
    if spec.dns_policy == "None" {
        match &spec.dns_config {
            None => {
                v.required(&path, "must provide `dnsConfig` when `dnsPolicy` is None", Some("with `dnsPolicy: None` the Pod gets only what `dnsConfig` lists: add `dnsConfig: {nameservers: [10.96.0.10], searches: [...]}`".to_string()));
                return;
            }
            Some(c) if c.nameservers.is_empty() => {
                v.required(
                    &format!("{path}.nameservers"),
                    "must provide at least one DNS nameserver when `dnsPolicy` is None",
                    None,
                );
                return;
            }
            _ => {}
        }
    }
    let Some(c) = &spec.dns_config else { return };
    let ns_path = format!("{path}.nameservers");
    if c.nameservers.len() > 3 {
        v.invalid(
            &ns_path,
            &ns_path,
            &go_string_slice(&c.nameservers),
            "must not have more than 3 nameservers",
            Some("the resolver (glibc) uses at most 3 nameservers".to_string()),
        );
    }
    for (i, ns) in c.nameservers.iter().enumerate() {
        if ns.parse::<IpAddr>().is_err() {
            let p = format!("{ns_path}[{i}]");
            v.invalid(&p, &p, &go_quote(ns), IP_MSG, None);
        }
    }
    let s_path = format!("{path}.searches");
    if c.searches.len() > 32 {
        v.invalid(
            &s_path,
            &s_path,
            &go_string_slice(&c.searches),
            "must not have more than 32 search paths",
            None,
        );
    }
    if c.searches.join(" ").len() > 2048 {
        v.invalid(
            &s_path,
            &s_path,
            &go_string_slice(&c.searches),
            "must not have more than 2048 characters (including spaces) in the search list",
            None,
        );
    }
    // RelaxedDNSSearchValidation (KEP-4427; beta and on in v1.33, GA in v1.34): `.` alone is
    // allowed, the others are subdomains that may contain '_' (validatePodDNSConfig with
    // AllowRelaxedDNSSearchValidation, IsDNS1123SubdomainWithUnderscore).
    for (i, search) in c.searches.iter().enumerate().filter(|(_, s)| *s != ".") {
        let s = search.strip_suffix('.').unwrap_or(search);
        for m in is_dns1123_subdomain_with_underscore(s) {
            let p = format!("{s_path}[{i}]");
            v.invalid(&p, &p, &go_quote(s), &m, None);
        }
    }
    for (i, (name, _)) in c.options.iter().enumerate() {
        if name.is_empty() {
            v.required(&format!("{path}.options[{i}]"), "must not be empty", None);
        }
    }
}

/// `validateTaintEffect`.
fn taint_effect(v: &mut V<'_>, path: &str, effect: &str, allow_empty: bool) {
    match effect {
        "" if !allow_empty => v.required(path, "", None),
        "" | "NoSchedule" | "PreferNoSchedule" | "NoExecute" => {}
        other => v.unsupported(
            path,
            other,
            &["NoSchedule", "PreferNoSchedule", "NoExecute"],
            Some(
                "effects are NoSchedule, PreferNoSchedule or NoExecute (case-sensitive)"
                    .to_string(),
            ),
        ),
    }
}

/// `ValidateTolerations`.
fn tolerations(v: &mut V<'_>, base: &str, ts: &[Toleration], seconds: &[Option<i64>]) {
    for (i, t) in ts.iter().enumerate() {
        let p = format!("{base}[{i}]");
        if !t.key.is_empty() {
            for m in is_qualified_name(&t.key) {
                let kp = format!("{p}.key");
                v.invalid(&kp, &kp, &go_quote(&t.key), &m, None);
            }
        }
        let op_path = format!("{p}.operator");
        if t.key.is_empty() && t.operator != "Exists" {
            v.invalid(&op_path, &op_path, &go_quote(&t.operator), "operator must be Exists when `key` is empty, which means \"match all values and all keys\"", None);
        }
        let secs = seconds.get(i).copied().flatten();
        if secs.is_some() && t.effect != "NoExecute" {
            let ep = format!("{p}.effect");
            v.invalid(
                &ep,
                &ep,
                &go_quote(&t.effect),
                "effect must be 'NoExecute' when `tolerationSeconds` is set",
                None,
            );
        }
        match t.operator.as_str() {
            "Equal" | "" => {
                let errs = is_valid_label_value(&t.value);
                if !errs.is_empty() {
                    v.invalid(
                        &op_path,
                        &format!("{p}.value"),
                        &go_quote(&t.value),
                        &errs.join(";"),
                        None,
                    );
                }
            }
            "Exists" => {
                if !t.value.is_empty() {
                    let value = format!(
                        "core.Toleration{{Key:{}, Operator:\"Exists\", Value:{}, Effect:{}, TolerationSeconds:(*int64)(nil)}}",
                        go_quote(&t.key),
                        go_quote(&t.value),
                        go_quote(&t.effect)
                    );
                    v.invalid(
                        &op_path,
                        &format!("{p}.value"),
                        &value,
                        "value must be empty when `operator` is 'Exists'",
                        Some(
                            "with `operator: Exists` only the key is compared: remove `value`"
                                .to_string(),
                        ),
                    );
                }
            }
            other => v.unsupported(&op_path, other, &["Equal", "Exists"], None),
        }
        if !t.effect.is_empty() {
            taint_effect(v, &format!("{p}.effect"), &t.effect, true);
        }
    }
}

pub(crate) fn pod(meta: &ObjectMeta, spec: &RawPodSpec, diags: &mut Vec<Diagnostic>) {
    let mut v = V::new("Pod", meta, diags);
    object_meta(&mut v, "Pod", meta, NameRule::Subdomain, true);
    pod_spec(&mut v, "spec", spec);
    // ValidatePodCreate: "A Pod cannot be assigned a Node if there are remaining scheduling
    // gates."
    if spec.spec.node_name.as_deref().is_some_and(|n| !n.is_empty())
        && !spec.spec.scheduling_gates.is_empty()
    {
        v.forbidden(
            "spec.nodeName",
            "spec.nodeName",
            "cannot be set until all schedulingGates have been cleared",
            Some("a Pod with schedulingGates waits for them to be removed before the scheduler binds it: drop `nodeName` (use a nodeSelector on kubernetes.io/hostname) or the gates".to_string()),
        );
    }
    // ValidatePodCreate → validateContainersOnlyForPod / validateInitContainersOnlyForPod
    // (validateContainerOnlyForPod): a Pod's (not a template's) images may not carry leading or
    // trailing whitespace.
    for (base, list) in
        [("spec.containers", &spec.containers), ("spec.initContainers", &spec.init_containers)]
    {
        for (i, c) in list.iter().enumerate() {
            if c.image.trim() != c.image {
                let p = format!("{base}[{i}].image");
                v.invalid(
                    &p,
                    &p,
                    &go_quote(&c.image),
                    "must not have leading or trailing whitespace",
                    Some("remove the spaces around the image reference".to_string()),
                );
            }
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Workloads

/// `%#v` of the dereferenced `metav1.LabelSelector` at `path` (its generated `String()` has a
/// pointer receiver, so `field.Error` falls back to `%#v`). An absent map or list decodes to nil
/// and prints as `(nil)`; one the input spells out empty (`values: []`) decodes to an empty,
/// non-nil value and prints as `{}`.
fn go_label_selector(v: &V<'_>, path: &str, s: &LabelSelector) -> String {
    let labels = if s.match_labels.is_empty() {
        go_empty("map[string]string", v.given(&format!("{path}.matchLabels")))
    } else {
        go_string_map(&s.match_labels)
    };
    let exprs = if s.match_expressions.is_empty() {
        go_empty("[]v1.LabelSelectorRequirement", v.given(&format!("{path}.matchExpressions")))
    } else {
        let inner: Vec<String> = s
            .match_expressions
            .iter()
            .enumerate()
            .map(|(i, e)| {
                let values = if e.values.is_empty() {
                    go_empty("[]string", v.given(&format!("{path}.matchExpressions[{i}].values")))
                } else {
                    go_string_slice(&e.values)
                };
                format!(
                    "v1.LabelSelectorRequirement{{Key:{}, Operator:{}, Values:{values}}}",
                    go_quote(&e.key),
                    go_quote(&e.operator)
                )
            })
            .collect();
        format!("[]v1.LabelSelectorRequirement{{{}}}", inner.join(", "))
    };
    format!("v1.LabelSelector{{MatchLabels:{labels}, MatchExpressions:{exprs}}}")
}

/// `%#v` of an empty Go map or slice of type `ty`: `ty{}` when the input spelled it out, else nil.
fn go_empty(ty: &str, given: bool) -> String {
    if given {
        format!("{ty}{{}}")
    } else {
        format!("{ty}(nil)")
    }
}

/// [`go_string_map`] of the template's labels, `map[string]string{}` when spelled out empty.
fn go_template_labels(v: &V<'_>, l: &Labels) -> String {
    if l.is_empty() {
        go_empty("map[string]string", v.given("spec.template.metadata.labels"))
    } else {
        go_string_map(l)
    }
}

/// `ValidateLabelSelector` (metav1) at `path`; returns whether `LabelSelectorAsSelector` succeeds.
fn label_selector(v: &mut V<'_>, path: &str, s: &LabelSelector) -> bool {
    labels(v, &format!("{path}.matchLabels"), &s.match_labels);
    let mut ok = s.match_labels.keys().all(|k| is_qualified_name(k).is_empty())
        && s.match_labels.values().all(|x| is_valid_label_value(x).is_empty());
    for (i, e) in s.match_expressions.iter().enumerate() {
        let p = format!("{path}.matchExpressions[{i}]");
        match e.operator.as_str() {
            "In" | "NotIn" => {
                if e.values.is_empty() {
                    v.required(
                        &format!("{p}.values"),
                        "must be specified when `operator` is 'In' or 'NotIn'",
                        Some("add `values: [...]` with at least one value".to_string()),
                    );
                    ok = false;
                }
            }
            "Exists" | "DoesNotExist" => {
                if !e.values.is_empty() {
                    let vp = format!("{p}.values");
                    v.forbidden(
                        &vp,
                        &vp,
                        "may not be specified when `operator` is 'Exists' or 'DoesNotExist'",
                        Some(
                            "remove `values`: Exists and DoesNotExist only look at the key"
                                .to_string(),
                        ),
                    );
                    ok = false;
                }
            }
            other => {
                let op = format!("{p}.operator");
                v.invalid(
                    &op,
                    &op,
                    &go_quote(other),
                    "not a valid selector operator",
                    Some(
                        "operators are In, NotIn, Exists and DoesNotExist (case-sensitive)"
                            .to_string(),
                    ),
                );
                ok = false;
            }
        }
        for m in is_qualified_name(&e.key) {
            let kp = format!("{p}.key");
            v.invalid(&kp, &kp, &go_quote(&e.key), &m, None);
            ok = false;
        }
        for (j, val) in e.values.iter().enumerate() {
            for m in is_valid_label_value(val) {
                let vp = format!("{p}.values[{j}]");
                v.invalid(&vp, &vp, &go_quote(val), &m, None);
                ok = false;
            }
        }
    }
    ok
}

pub(crate) fn workload(w: &Workload, spec: &RawPodSpec, diags: &mut Vec<Diagnostic>) {
    let kind = w.kind.as_str();
    let mut v = V::new(kind, &w.meta, diags);
    // `ValidateStatefulSetName` is `NameIsDNSLabel` (the Pods' names and hostnames are
    // `<name>-<ordinal>`); the other apps kinds' names are DNS subdomains.
    let name_rule =
        if w.kind == WorkloadKind::StatefulSet { NameRule::Label } else { NameRule::Subdomain };
    object_meta(&mut v, kind, &w.meta, name_rule, true);
    // `ValidateStatefulSetSpec` checks the policy first (pkg/apis/apps/validation/validation.go).
    if w.kind == WorkloadKind::StatefulSet
        && !matches!(w.pod_management_policy.as_str(), "OrderedReady" | "Parallel")
    {
        v.invalid(
            "spec.podManagementPolicy",
            "spec.podManagementPolicy",
            &go_quote(&w.pod_management_policy),
            "must be 'OrderedReady' or 'Parallel'",
            Some("OrderedReady (the default) starts the Pods one at a time, each once the one before is Running and Ready; Parallel starts them all at once".to_string()),
        );
    }
    if w.kind == WorkloadKind::StatefulSet {
        statefulset_strategy(&mut v, &w.rollout);
    }
    if w.kind != WorkloadKind::DaemonSet && w.replicas < 0 {
        v.invalid(
            "spec.replicas",
            "spec.replicas",
            &w.replicas.to_string(),
            "must be greater than or equal to 0",
            None,
        );
    }
    if matches!(w.kind, WorkloadKind::StatefulSet | WorkloadKind::ReplicaSet) {
        nonnegative(&mut v, "spec.minReadySeconds", w.rollout.min_ready_seconds);
    }
    let mismatch_hint = Some("the selector must match the Pod template's labels, or the controller could never find the Pods it creates: copy the selector's labels into `spec.template.metadata.labels`".to_string());
    let template_checks = |v: &mut V<'_>| {
        labels_at(v, "spec.template.labels", "spec.template.metadata.labels", &w.template.labels);
        pod_spec(v, "spec.template.spec", spec);
        if spec.spec.restart_policy != "Always" {
            v.unsupported(
                "spec.template.spec.restartPolicy",
                &spec.spec.restart_policy,
                &["Always"],
                Some(format!(
                    "{kind} Pods always restart: remove `restartPolicy` or set it to Always"
                )),
            );
        }
        if spec.active_deadline_seconds.is_some() {
            // `ValidatePodTemplateSpecForReplicaSet` words it for a Deployment too.
            let owner = if w.kind == WorkloadKind::Deployment { "ReplicaSet" } else { kind };
            v.forbidden(
                "spec.template.spec.activeDeadlineSeconds",
                "spec.template.spec.activeDeadlineSeconds",
                &format!("activeDeadlineSeconds in {owner} is not Supported"),
                Some(format!("a {kind}'s Pods run until they are replaced; remove `activeDeadlineSeconds` (it is for Jobs and bare Pods)")),
            );
        }
    };
    let empty_msg = match w.kind {
        WorkloadKind::StatefulSet => "empty selector is invalid for statefulset",
        WorkloadKind::DaemonSet => "empty selector is invalid for daemonset",
        _ => "empty selector is invalid for deployment",
    };
    let matches =
        |s: Option<&LabelSelector>| crate::select::label_selector_matches(s, &w.template.labels);
    if w.kind == WorkloadKind::DaemonSet {
        let ok = w.selector.as_ref().is_none_or(|s| label_selector(&mut v, "spec.selector", s));
        if ok && !matches(w.selector.as_ref()) {
            v.invalid(
                "spec.template.metadata.labels",
                "spec.template.metadata.labels",
                &go_template_labels(&v, &w.template.labels),
                "`selector` does not match template `labels`",
                mismatch_hint,
            );
        }
        if let Some(s) = &w.selector {
            if s.match_labels.is_empty() && s.match_expressions.is_empty() {
                v.invalid(
                    "spec.selector",
                    "spec.selector",
                    &go_label_selector(&v, "spec.selector", s),
                    empty_msg,
                    Some(
                        "give the selector at least one label, e.g. `matchLabels: {app: web}`"
                            .to_string(),
                    ),
                );
            }
        }
        template_checks(&mut v);
        daemonset_rollout(&mut v, &w.rollout);
        return;
    }
    let selector_ok;
    match &w.selector {
        None => {
            v.required("spec.selector", "", Some(format!("apps/v1 {kind}s need `spec.selector.matchLabels` matching the template's labels")));
            selector_ok = false;
        }
        Some(s) => {
            selector_ok = label_selector(&mut v, "spec.selector", s);
            if s.match_labels.is_empty() && s.match_expressions.is_empty() {
                v.invalid(
                    "spec.selector",
                    "spec.selector",
                    &go_label_selector(&v, "spec.selector", s),
                    empty_msg,
                    Some(
                        "give the selector at least one label, e.g. `matchLabels: {app: web}`"
                            .to_string(),
                    ),
                );
            }
        }
    }
    if w.selector.is_some() && !selector_ok {
        let detail =
            if w.kind == WorkloadKind::StatefulSet { "" } else { "invalid label selector" };
        let sel = w
            .selector
            .as_ref()
            .map(|s| go_label_selector(&v, "spec.selector", s))
            .unwrap_or_default();
        v.invalid("spec.selector", "spec.selector", &sel, detail, None);
        // ValidateStatefulSetSpec checks the template's restartPolicy outside the template
        // validation that an invalid selector skips.
        if w.kind == WorkloadKind::StatefulSet && spec.spec.restart_policy != "Always" {
            v.unsupported(
                "spec.template.spec.restartPolicy",
                &spec.spec.restart_policy,
                &["Always"],
                Some(format!(
                    "{kind} Pods always restart: remove `restartPolicy` or set it to Always"
                )),
            );
        }
        return;
    }
    // A nil selector converts to Nothing (empty() is false, matches nothing); an empty one to
    // Everything (empty() true: no check).
    let empty = w
        .selector
        .as_ref()
        .is_some_and(|s| s.match_labels.is_empty() && s.match_expressions.is_empty());
    if !empty && !matches(w.selector.as_ref()) {
        v.invalid(
            "spec.template.metadata.labels",
            "spec.template.metadata.labels",
            &go_template_labels(&v, &w.template.labels),
            "`selector` does not match template `labels`",
            mismatch_hint,
        );
    }
    template_checks(&mut v);
    if w.kind == WorkloadKind::Deployment {
        deployment_rollout(&mut v, &w.rollout);
    }
}

/// `getIntOrPercentValue`: the number, a valid percent string's number, or another string's
/// `IntValue()` (`strconv.Atoi`, 0 when it is no number).
fn percent_value(x: &IntOrString) -> Option<i64> {
    Some(match x {
        IntOrString::Int(n) => i64::from(*n),
        IntOrString::Str(s) => match s.strip_suffix('%') {
            Some(d) if !d.is_empty() && d.bytes().all(|b| b.is_ascii_digit()) => {
                d.parse().unwrap_or(0)
            }
            _ => s.parse().unwrap_or(0),
        },
    })
}

/// `%#v` of an `intstr.IntOrString` (its `String()` has a pointer receiver, so `field.Error`
/// prints the struct, as for the other composite values here).
fn go_int_or_string(x: &IntOrString) -> String {
    match x {
        IntOrString::Int(n) => format!("intstr.IntOrString{{Type:0, IntVal:{n}, StrVal:\"\"}}"),
        IntOrString::Str(s) => {
            format!("intstr.IntOrString{{Type:1, IntVal:0, StrVal:{}}}", go_quote(s))
        }
    }
}

/// `ValidateStatefulSetSpec` after the policy: the update strategy (its type; a negative
/// partition; a `rollingUpdate` beside OnDelete), the PVC retention policy and `ordinals.start`,
/// before the replicas and minReadySeconds.
fn statefulset_strategy(v: &mut V<'_>, r: &crate::model::Rollout) {
    match r.strategy_type.as_deref() {
        None | Some("RollingUpdate") => {
            nonnegative(v, "spec.updateStrategy.rollingUpdate.partition", r.partition)
        }
        Some("OnDelete") if r.rolling_update => {
            let path = "spec.updateStrategy.rollingUpdate";
            v.invalid(
                path,
                path,
                &format!(
                    "apps.RollingUpdateStatefulSetStrategy{{Partition:{}, MaxUnavailable:{}}}",
                    r.partition.unwrap_or(0),
                    go_pointer("intstr.IntOrString", r.max_unavailable.is_some())
                ),
                "only allowed for updateStrategy 'RollingUpdate'",
                Some("OnDelete replaces a Pod only when you delete it: remove `rollingUpdate`, or use `type: RollingUpdate`".to_string()),
            );
        }
        Some("OnDelete") => {}
        Some(other) => {
            let path = "spec.updateStrategy";
            v.invalid(
                path,
                path,
                &format!(
                    "apps.StatefulSetUpdateStrategy{{Type:{}, RollingUpdate:{}}}",
                    go_quote(other),
                    go_pointer("apps.RollingUpdateStatefulSetStrategy", r.rolling_update)
                ),
                "must be 'RollingUpdate' or 'OnDelete'",
                Some("a StatefulSet's updateStrategy `type` is RollingUpdate (the default) or OnDelete".to_string()),
            );
        }
    }
    // `ValidatePersistentVolumeClaimRetentionPolicy` (an empty value is defaulted to Retain).
    for (i, key) in ["whenDeleted", "whenScaled"].into_iter().enumerate() {
        if let Some(p) =
            r.pvc_retention[i].as_deref().filter(|p| !matches!(*p, "" | "Retain" | "Delete"))
        {
            v.unsupported(
                &format!("spec.persistentVolumeClaimRetentionPolicy.{key}"),
                p,
                &["Retain", "Delete"],
                Some(
                    "Retain keeps the StatefulSet's volume claims, Delete removes them".to_string(),
                ),
            );
        }
    }
    nonnegative(v, "spec.ordinals.start", r.ordinals_start);
}

/// `%#v` of a pointer field of a Go struct: `(*T)(nil)`, or, when set, an address the API server
/// prints and the simulation cannot know (shown as `0x…`).
fn go_pointer(ty: &str, set: bool) -> String {
    if set {
        format!("(*{ty})(0x…)")
    } else {
        format!("(*{ty})(nil)")
    }
}

/// `ValidateNonnegativeField` of an optional integer at `path`.
fn nonnegative(v: &mut V<'_>, path: &str, value: Option<i64>) {
    if let Some(n) = value.filter(|n| *n < 0) {
        v.invalid(path, path, &n.to_string(), "must be greater than or equal to 0", None);
    }
}

/// `ValidatePositiveIntOrPercent`: a whole number of at least 0, or a percent string
/// (`IsValidPercent`: digits and `%`).
fn int_or_percent_nonnegative(v: &mut V<'_>, path: &str, value: Option<&IntOrString>) {
    match value {
        Some(IntOrString::Int(n)) => nonnegative(v, path, Some(i64::from(*n))),
        Some(x @ IntOrString::Str(s)) => {
            let digits = s.strip_suffix('%').unwrap_or("");
            if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
                v.invalid(
                    path,
                    path,
                    &go_int_or_string(x),
                    "a valid percent string must be a numeric string followed by an ending '%' (e.g. '1%',  or '93%', regex used for validation is '[0-9]+%')",
                    Some("write a whole number (`1`) or a percentage of the replicas (`25%`); a number in quotes is a string and needs the `%`".to_string()),
                );
            }
        }
        None => {}
    }
}

/// `IsNotMoreThan100Percent`: a percent string above 100%.
fn not_over_100_percent(v: &mut V<'_>, path: &str, value: Option<&IntOrString>) {
    if let Some(x @ IntOrString::Str(s)) = value {
        if s.strip_suffix('%').and_then(|n| n.parse::<i64>().ok()).is_some_and(|n| n > 100) {
            v.invalid(path, path, &go_int_or_string(x), "must not be greater than 100%", None);
        }
    }
}

/// The rest of `ValidateDeploymentSpec` after the template: the strategy
/// (`ValidateDeploymentStrategy`), minReadySeconds, revisionHistoryLimit and
/// progressDeadlineSeconds (defaulted to 600: `SetDefaults_Deployment`), which must exceed
/// minReadySeconds.
fn deployment_rollout(v: &mut V<'_>, r: &crate::model::Rollout) {
    match r.strategy_type.as_deref() {
        Some("Recreate") if r.rolling_update => v.forbidden(
            "spec.strategy.rollingUpdate",
            "spec.strategy.rollingUpdate",
            "may not be specified when strategy `type` is 'Recreate'",
            Some("Recreate stops every old Pod before starting new ones: remove `rollingUpdate`, or use `type: RollingUpdate`".to_string()),
        ),
        Some(other) if other != "Recreate" && other != "RollingUpdate" => v.unsupported_raw(
            "spec.strategy",
            &format!(
                "apps.DeploymentStrategy{{Type:{}, RollingUpdate:{}}}",
                go_quote(other),
                go_pointer("apps.RollingUpdateDeployment", r.rolling_update)
            ),
            &["Recreate", "RollingUpdate"],
            Some("a Deployment's strategy `type` is RollingUpdate (the default) or Recreate".to_string()),
        ),
        None | Some("RollingUpdate") => {
            int_or_percent_nonnegative(v, "spec.strategy.rollingUpdate.maxUnavailable", r.max_unavailable.as_ref());
            int_or_percent_nonnegative(v, "spec.strategy.rollingUpdate.maxSurge", r.max_surge.as_ref());
            // Both default to 25% (`SetDefaults_Deployment`); both 0 would never move.
            let quarter = IntOrString::Str("25%".into());
            let unavailable = r.max_unavailable.clone().unwrap_or(quarter.clone());
            let surge = r.max_surge.clone().unwrap_or(quarter);
            let path = "spec.strategy.rollingUpdate.maxUnavailable";
            if percent_value(&unavailable) == Some(0) && percent_value(&surge) == Some(0) {
                v.invalid(
                    path,
                    path,
                    &go_int_or_string(&unavailable),
                    "may not be 0 when `maxSurge` is 0",
                    Some("a rolling update needs room to move: let maxSurge start new Pods first (e.g. `maxSurge: 1`) or maxUnavailable stop some (e.g. `maxUnavailable: 1`)".to_string()),
                );
            }
            not_over_100_percent(v, path, r.max_unavailable.as_ref());
        }
        _ => {}
    }
    let min_ready = r.min_ready_seconds.unwrap_or(0);
    nonnegative(v, "spec.minReadySeconds", r.min_ready_seconds);
    nonnegative(v, "spec.revisionHistoryLimit", r.revision_history_limit);
    let deadline = r.progress_deadline_seconds.unwrap_or(600);
    nonnegative(v, "spec.progressDeadlineSeconds", Some(deadline));
    if deadline <= min_ready {
        v.invalid(
            "spec.progressDeadlineSeconds",
            "spec.progressDeadlineSeconds",
            &deadline.to_string(),
            "must be greater than minReadySeconds",
            Some("the Deployment is reported stuck after progressDeadlineSeconds (600 unless set): make it longer than minReadySeconds".to_string()),
        );
    }
}

/// The rest of `ValidateDaemonSetSpec` after the template: minReadySeconds, the update strategy
/// (`ValidateRollingUpdateDaemonSet`: with maxUnavailable defaulted to 1 and maxSurge to 0, the
/// two may not both be 0) and revisionHistoryLimit.
fn daemonset_rollout(v: &mut V<'_>, r: &crate::model::Rollout) {
    nonnegative(v, "spec.minReadySeconds", r.min_ready_seconds);
    if let Some(other) =
        r.strategy_type.as_deref().filter(|t| !matches!(*t, "RollingUpdate" | "OnDelete"))
    {
        v.unsupported_raw(
            "spec.updateStrategy",
            &format!(
                "apps.DaemonSetUpdateStrategy{{Type:{}, RollingUpdate:{}}}",
                go_quote(other),
                go_pointer("apps.RollingUpdateDaemonSet", r.rolling_update)
            ),
            &["RollingUpdate", "OnDelete"],
            Some(
                "a DaemonSet's updateStrategy `type` is RollingUpdate (the default) or OnDelete"
                    .to_string(),
            ),
        );
    }
    if r.strategy_type.as_deref().is_none_or(|t| t == "RollingUpdate") {
        let unavailable_path = "spec.updateStrategy.rollingUpdate.maxUnavailable";
        let surge_path = "spec.updateStrategy.rollingUpdate.maxSurge";
        int_or_percent_nonnegative(v, unavailable_path, r.max_unavailable.as_ref());
        int_or_percent_nonnegative(v, surge_path, r.max_surge.as_ref());
        not_over_100_percent(v, unavailable_path, r.max_unavailable.as_ref());
        not_over_100_percent(v, surge_path, r.max_surge.as_ref());
        // Defaulted: maxUnavailable 1, maxSurge 0 (`SetDefaults_DaemonSet`).
        let unavailable = r.max_unavailable.clone().unwrap_or(IntOrString::Int(1));
        let surge = r.max_surge.clone().unwrap_or(IntOrString::Int(0));
        let has = |x: &IntOrString| percent_value(x).is_some_and(|n| n != 0);
        if has(&unavailable) && has(&surge) {
            v.invalid(
                surge_path,
                surge_path,
                &go_int_or_string(&surge),
                "may not be set when maxUnavailable is non-zero",
                Some("a DaemonSet update either stops old Pods first (maxUnavailable) or starts new ones beside them (maxSurge, then set `maxUnavailable: 0`), not both".to_string()),
            );
        }
        if !has(&unavailable) && !has(&surge) {
            v.required(
                "spec.updateStrategy.rollingUpdate.maxUnavailable",
                "cannot be 0 when maxSurge is 0",
                Some("a DaemonSet update replaces Pods either by stopping some first (maxUnavailable) or by starting new ones beside them (maxSurge): one of the two must be above 0".to_string()),
            );
        }
    }
    nonnegative(v, "spec.revisionHistoryLimit", r.revision_history_limit);
}

// ---------------------------------------------------------------------------------------------
// Services

fn is_headless(svc: &RawService) -> bool {
    svc.cluster_ips.len() == 1 && svc.cluster_ips.first().map(String::as_str) == Some("None")
}

/// `netutils.ParseIPSloppy` (k8s.io/utils/net, a copy of Go 1.16's `net.ParseIP`): like the
/// strict parse, but IPv4 octets may have leading zeros, read as decimal (`010.0.0.1` is
/// 10.0.0.1). The legacy Service IP fields are parsed this way. An IPv4-mapped IPv6 address is
/// the IPv4 address, as Go's `net.IP` treats it (`To4() != nil`).
pub(crate) fn parse_ip_sloppy(s: &str) -> Option<IpAddr> {
    if let Ok(ip) = s.parse::<IpAddr>() {
        return Some(match ip {
            IpAddr::V6(a) => a.to_ipv4_mapped().map_or(ip, IpAddr::V4),
            IpAddr::V4(_) => ip,
        });
    }
    let mut octets = [0u8; 4];
    let mut parts = s.split('.');
    for o in &mut octets {
        let p = parts.next()?;
        // Go's dtoi stops at 0xFFFFFF; any octet over 255 fails. Bounded: at most 12 digits.
        if p.is_empty() || p.len() > 12 || !p.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        *o = u8::try_from(p.parse::<u64>().ok()?).ok()?;
    }
    if parts.next().is_some() {
        return None;
    }
    Some(IpAddr::from(octets))
}

fn valid_ip(s: &str) -> bool {
    parse_ip_sloppy(s).is_some()
}

/// The StrictIPCIDRValidation checks of `IsValidIPForLegacyField` (apimachinery
/// `util/validation/ip.go` `parseIP`) for a value the sloppy parse accepted: from v1.36 leading
/// zeros and IPv4-mapped IPv6 addresses are errors (before, [`ip_warning`] warns). Returns
/// whether the value passed.
fn strict_ip(v: &mut V<'_>, version: KubeVersion, path: &str, at: &str, value: &str) -> bool {
    if !version.strict_ip_cidr() {
        return true;
    }
    let detail = match value.parse::<IpAddr>() {
        Err(_) => "must not have leading 0s",
        Ok(IpAddr::V6(a)) if a.to_ipv4_mapped().is_some() => {
            "must not be an IPv4-mapped IPv6 address"
        }
        Ok(_) => return true,
    };
    let hint = parse_ip_sloppy(value).map(|c| {
        format!("write {c}: Kubernetes v1.36+ (StrictIPCIDRValidation) refuses this form, which older releases accepted with a warning")
    });
    v.invalid(path, at, &go_quote(value), detail, hint);
    false
}

/// The hint on the errors the Service allocator's pre-check answers with (before validation and
/// before anything is allocated): see [`service`].
pub const ALLOCATOR_PRECHECK: &str = "the API server checks clusterIP(s), ipFamilies and ipFamilyPolicy first, while it allocates the Service's addresses (initIPFamilyFields): kubectl apply shows only these errors until they are fixed";

const IP_MSG: &str = "must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)";

/// `ValidateService` (create), in upstream order, as the cluster's release validates it.
pub(crate) fn service(svc: &RawService, version: KubeVersion, diags: &mut Vec<Diagnostic>) {
    let mut v = V::new("Service", &svc.meta, diags);
    // `ValidateServiceName`: `NameIsDNS1035Label` up to v1.35, `NameIsDNSLabel` (an RFC 1123
    // label, which may start with a digit) from v1.36 (KEP-5311 RelaxedServiceNameValidation).
    let name_rule =
        if version.relaxed_service_names() { NameRule::Label } else { NameRule::Dns1035 };
    object_meta(&mut v, "Service", &svc.meta, name_rule, true);
    topology_annotations(&mut v, svc);
    let ty = svc.type_.as_deref().unwrap_or("");
    let headless = is_headless(svc);
    if svc.ports.is_empty() && !headless && ty != "ExternalName" {
        v.required("spec.ports", "", Some("a Service needs at least one port, e.g. `ports: [{port: 80, targetPort: 8080}]` (only headless and ExternalName Services may have none)".to_string()));
    }
    headless_and_external_name(&mut v, svc, ty, headless);
    service_ports(&mut v, svc);
    if let Some(sel) = &svc.selector {
        labels(&mut v, "spec.selector", sel);
    }
    session_affinity(&mut v, svc);
    // The Service REST create allocates before it validates (`Store.Create` runs `BeginCreate`,
    // then `rest.BeforeCreate`), and the allocator's `initIPFamilyFields`
    // (pkg/registry/core/service/storage/alloc.go) first runs
    // `ValidateServiceClusterIPsRelatedFields` alone: when it finds anything, the API server
    // answers with those errors only (`apply::kubectl_apply` prints just the marked ones).
    let before = v.diags.len();
    cluster_ips(&mut v, svc, version);
    for d in v.diags.iter_mut().skip(before) {
        d.hints.push(ALLOCATOR_PRECHECK.to_string());
    }
    external_ips(&mut v, svc, version);
    service_type(&mut v, svc, ty);
    duplicate_ports(&mut v, svc);
    load_balancer_fields(&mut v, svc, ty, version);
    external_traffic_policy(&mut v, svc, ty);
    internal_traffic_policy(&mut v, svc, ty);
    traffic_distribution(&mut v, svc, version);
}

/// `ValidateService`: the deprecated topology-aware-hints annotation and topology-mode must agree
/// when both are set.
fn topology_annotations(v: &mut V<'_>, svc: &RawService) {
    const HINTS: &str = "service.kubernetes.io/topology-aware-hints";
    const MODE: &str = "service.kubernetes.io/topology-mode";
    let a = &svc.meta.annotations;
    if let (Some(hints), Some(mode)) = (a.get(HINTS), a.get(MODE)) {
        if hints != mode {
            v.invalid(
                &format!("metadata.annotations[{MODE}]"),
                &format!("metadata.annotations.{MODE}"),
                &go_quote(mode),
                &format!("must match annotations[{HINTS}] when both are specified"),
                Some(format!("drop the deprecated `{HINTS}` annotation, or give it the same value as `{MODE}`")),
            );
        }
    }
}

/// What a headless Service cannot be, and what an ExternalName Service may not and must set.
fn headless_and_external_name(v: &mut V<'_>, svc: &RawService, ty: &str, headless: bool) {
    match ty {
        "LoadBalancer" | "NodePort" if headless => {
            v.invalid(
                "spec.clusterIPs[0]",
                if svc.meta.source.as_ref().is_some_and(|s| s.fields.get("spec.clusterIP").is_some()) { "spec.clusterIP" } else { "spec.clusterIPs[0]" },
                "\"None\"",
                &format!("may not be set to 'None' for {ty} services"),
                Some(format!("a headless Service (`clusterIP: None`) has no virtual IP, so it cannot be a {ty}: remove `clusterIP: None` or use type ClusterIP")),
            );
        }
        "ExternalName" => {
            if !svc.cluster_ips.is_empty() {
                v.forbidden(
                    "spec.clusterIPs",
                    if svc
                        .meta
                        .source
                        .as_ref()
                        .is_some_and(|s| s.fields.get("spec.clusterIP").is_some())
                    {
                        "spec.clusterIP"
                    } else {
                        "spec.clusterIPs"
                    },
                    "may not be set for ExternalName services",
                    Some(
                        "an ExternalName Service is only a DNS CNAME; remove `clusterIP`"
                            .to_string(),
                    ),
                );
            }
            if !svc.ip_families.is_empty() {
                v.forbidden(
                    "spec.ipFamilies",
                    "spec.ipFamilies",
                    "may not be set for ExternalName services",
                    None,
                );
            }
            if svc.ip_family_policy.is_some() {
                v.forbidden(
                    "spec.ipFamilyPolicy",
                    "spec.ipFamilyPolicy",
                    "may not be set for ExternalName services",
                    None,
                );
            }
            let name = svc.external_name.as_deref().unwrap_or("");
            let cname = name.strip_suffix('.').unwrap_or(name);
            if cname.is_empty() {
                v.required(
                    "spec.externalName",
                    "",
                    Some(
                        "an ExternalName Service needs `externalName: db.example.com`".to_string(),
                    ),
                );
            } else {
                for m in is_dns1123_subdomain(cname) {
                    v.invalid("spec.externalName", "spec.externalName", &go_quote(cname), &m, Some("externalName is a DNS name: lower-case letters, digits, '-' and '.'; no scheme (`https://`), port or path".to_string()));
                }
            }
        }
        _ => {}
    }
}

/// `validateServicePort` for each port: names, numbers, protocols, target ports, app protocols.
fn service_ports(v: &mut V<'_>, svc: &RawService) {
    let require_name = svc.ports.len() > 1;
    let mut names: Vec<&str> = Vec::new();
    for (i, p) in svc.ports.iter().enumerate() {
        let pp = format!("spec.ports[{i}]");
        if require_name && p.name.is_empty() {
            v.required(&format!("{pp}.name"), "", Some("when a Service has more than one port, every port needs a `name` (e.g. `http`, `https`)".to_string()));
        } else if !p.name.is_empty() {
            for m in is_dns1123_label(&p.name) {
                v.invalid(&format!("{pp}.name"), &format!("{pp}.name"), &go_quote(&p.name), &m, Some("Service port names are DNS labels: lower-case letters, digits and '-' (they appear in SRV records `_name._tcp`)".to_string()));
            }
            if names.contains(&p.name.as_str()) {
                v.duplicate(
                    &format!("{pp}.name"),
                    &format!("{pp}.name"),
                    &go_quote(&p.name),
                    Some("port names must be unique within a Service".to_string()),
                );
            } else {
                names.push(&p.name);
            }
        }
        for m in is_valid_port_num(i64::from(p.port)) {
            v.invalid(
                &format!("{pp}.port"),
                &format!("{pp}.port"),
                &p.port.to_string(),
                &m,
                Some("`port` is the Service's own port number, 1-65535".to_string()),
            );
        }
        match p.protocol.as_deref() {
            None | Some("") => v.required(&format!("{pp}.protocol"), "", None),
            Some("TCP" | "UDP" | "SCTP") => {}
            Some(other) => v.unsupported(
                &format!("{pp}.protocol"),
                other,
                &["SCTP", "TCP", "UDP"],
                Some(protocol_hint(other)),
            ),
        }
        let tp = format!("{pp}.targetPort");
        // When targetPort was defaulted from port, report it where `port` is.
        let tp_at = if svc.meta.source.as_ref().is_some_and(|s| s.fields.get(&tp).is_some()) {
            tp.clone()
        } else {
            format!("{pp}.port")
        };
        match &p.target_port {
            Some(IntOrString::Int(n)) => {
                for m in is_valid_port_num(i64::from(*n)) {
                    v.invalid(&tp, &tp_at, &n.to_string(), &m, None);
                }
            }
            Some(IntOrString::Str(s)) => {
                for m in is_valid_port_name(s) {
                    let hint = if s.parse::<i64>().is_ok() {
                        format!("a quoted number is a port *name*; write `targetPort: {s}` without quotes")
                    } else {
                        "a named targetPort must match the `name` of a containerPort: at most 15 lower-case letters, digits and '-'".to_string()
                    };
                    v.invalid(&tp, &tp_at, &go_quote(s), &m, Some(hint));
                }
            }
            None => {}
        }
        if let Some(ap) = &p.app_protocol {
            for m in is_qualified_name(ap) {
                let path = format!("{pp}.appProtocol");
                v.invalid(&path, &path, &go_quote(ap), &m, None);
            }
        }
    }
}

/// `sessionAffinity` and its ClientIP timeout.
fn session_affinity(v: &mut V<'_>, svc: &RawService) {
    match svc.session_affinity.as_deref().unwrap_or("") {
        "" => v.required("spec.sessionAffinity", "", None),
        "ClientIP" => {
            if let Some(t) = svc.session_affinity_timeout {
                if t <= 0 || t > 86400 {
                    let p = "spec.sessionAffinityConfig.clientIP.timeoutSeconds";
                    v.invalid(
                        p,
                        p,
                        &t.to_string(),
                        "must be greater than 0 and less than 86400",
                        None,
                    );
                }
            }
        }
        "None" => {}
        other => v.unsupported(
            "spec.sessionAffinity",
            other,
            &["ClientIP", "None"],
            Some(
                "sessionAffinity is `None` (default) or `ClientIP` (sticky per client IP)"
                    .to_string(),
            ),
        ),
    }
}

/// `externalIPs`: addresses, in the release's strictness, and not special ones.
fn external_ips(v: &mut V<'_>, svc: &RawService, version: KubeVersion) {
    for (i, ip) in svc.external_ips.iter().enumerate() {
        let p = format!("spec.externalIPs[{i}]");
        match parse_ip_sloppy(ip) {
            None => v.invalid(&p, &p, &go_quote(ip), IP_MSG, None),
            Some(a) if strict_ip(v, version, &p, &p, ip) => {
                for m in special_ip(a) {
                    v.invalid(&p, &p, &go_quote(ip), &m, Some("externalIPs are addresses of the nodes (or routed to them) that clients use; they cannot be loopback, link-local or unspecified".to_string()));
                }
            }
            Some(_) => {}
        }
    }
}

/// `type`, and no `nodePort` on a ClusterIP Service.
fn service_type(v: &mut V<'_>, svc: &RawService, ty: &str) {
    match ty {
        "" => v.required("spec.type", "", None),
        "ClusterIP" | "NodePort" | "LoadBalancer" | "ExternalName" => {}
        other => v.unsupported("spec.type", other, &["ClusterIP", "ExternalName", "LoadBalancer", "NodePort"], Some("Service types are case-sensitive: ClusterIP, NodePort, LoadBalancer or ExternalName".to_string())),
    }
    if ty == "ClusterIP" {
        for (i, p) in svc.ports.iter().enumerate() {
            if p.node_port != 0 {
                let path = format!("spec.ports[{i}].nodePort");
                v.forbidden(&path, &path, "may not be used when `type` is 'ClusterIP'", Some("nodePort only exists on NodePort and LoadBalancer Services: set `type: NodePort` or remove `nodePort`".to_string()));
            }
        }
    }
}

/// Duplicate (protocol, nodePort) and (protocol, port) pairs.
fn duplicate_ports(v: &mut V<'_>, svc: &RawService) {
    let mut seen_np: Vec<(String, i32)> = Vec::new();
    for (i, p) in svc.ports.iter().enumerate() {
        if p.node_port == 0 {
            continue;
        }
        let key = (p.protocol.clone().unwrap_or_default(), p.node_port);
        if seen_np.contains(&key) {
            let path = format!("spec.ports[{i}].nodePort");
            v.duplicate(
                &path,
                &path,
                &p.node_port.to_string(),
                Some("each port of a Service needs its own nodePort".to_string()),
            );
        }
        seen_np.push(key);
    }
    let mut seen_p: Vec<(String, i32)> = Vec::new();
    for (i, p) in svc.ports.iter().enumerate() {
        let proto = p.protocol.clone().unwrap_or_default();
        let key = (proto.clone(), p.port);
        if seen_p.contains(&key) {
            let path = format!("spec.ports[{i}]");
            let value = format!(
                "core.ServicePort{{Name:\"\", Protocol:{}, AppProtocol:(*string)(nil), Port:{}, TargetPort:intstr.IntOrString{{Type:0, IntVal:0, StrVal:\"\"}}, NodePort:0}}",
                go_quote(&proto),
                p.port
            );
            v.duplicate(
                &path,
                &path,
                &value,
                Some(
                    "two ports of one Service cannot use the same port number and protocol"
                        .to_string(),
                ),
            );
        }
        seen_p.push(key);
    }
}

const LB_SOURCE_RANGES: &str = "service.beta.kubernetes.io/load-balancer-source-ranges";
const CIDR_MSG: &str = "must be a valid CIDR value, (e.g. 10.9.8.0/24 or 2001:db8::/64)";

/// The fields only a LoadBalancer Service may set: source ranges (the field, else the
/// `service.beta.kubernetes.io/load-balancer-source-ranges` annotation), node-port allocation,
/// class.
fn load_balancer_fields(v: &mut V<'_>, svc: &RawService, ty: &str, version: KubeVersion) {
    source_ranges(v, svc, ty, version);
    if svc.allocate_load_balancer_node_ports.is_some() && ty != "LoadBalancer" {
        v.forbidden(
            "spec.allocateLoadBalancerNodePorts",
            "spec.allocateLoadBalancerNodePorts",
            "may only be used when `type` is 'LoadBalancer'",
            None,
        );
    }
    if let Some(c) = &svc.load_balancer_class {
        if ty == "LoadBalancer" {
            for m in is_qualified_name(c) {
                v.invalid(
                    "spec.loadBalancerClass",
                    "spec.loadBalancerClass",
                    &go_quote(c),
                    &m,
                    None,
                );
            }
        } else {
            v.forbidden(
                "spec.loadBalancerClass",
                "spec.loadBalancerClass",
                "may only be used when `type` is 'LoadBalancer'",
                None,
            );
        }
    }
}

/// `spec.loadBalancerSourceRanges` (upstream's path spells it `LoadBalancerSourceRanges`), or,
/// only when the field is empty, the annotation it replaced: comma-separated, space-padded CIDRs.
fn source_ranges(v: &mut V<'_>, svc: &RawService, ty: &str, version: KubeVersion) {
    if !svc.load_balancer_source_ranges.is_empty() {
        if ty != "LoadBalancer" {
            v.forbidden("spec.LoadBalancerSourceRanges", "spec.loadBalancerSourceRanges", "may only be used when `type` is 'LoadBalancer'", Some("source ranges restrict who may reach a load balancer; they only apply to `type: LoadBalancer`".to_string()));
        }
        for (i, r) in svc.load_balancer_source_ranges.iter().enumerate() {
            let p = format!("spec.LoadBalancerSourceRanges[{i}]");
            let at = format!("spec.loadBalancerSourceRanges[{i}]");
            legacy_cidr(v, version, &p, &at, r.trim(), None);
        }
    } else if let Some(val) = svc.meta.annotations.get(LB_SOURCE_RANGES) {
        let path = format!("metadata.annotations[{LB_SOURCE_RANGES}]");
        let at = format!("metadata.annotations.{LB_SOURCE_RANGES}");
        if ty != "LoadBalancer" {
            let hint = "the source-ranges annotation only applies to `type: LoadBalancer`";
            v.forbidden(
                &path,
                &at,
                "may only be used when `type` is 'LoadBalancer'",
                Some(hint.to_string()),
            );
        }
        let val = val.trim();
        let hint = "write comma-separated CIDRs, e.g. `10.0.0.0/8, 192.168.0.0/16`, or use `spec.loadBalancerSourceRanges`";
        for r in val.split(',').filter(|_| !val.is_empty()).map(str::trim) {
            legacy_cidr(v, version, &path, &at, r, Some(hint));
        }
    }
}

/// `IsValidCIDRForLegacyField` (apimachinery `util/validation/ip.go` `parseCIDR`), as the
/// cluster's release runs it: `ParseCIDRSloppy` (leading zeros read as decimal, an address with
/// host bits taken as its network) while StrictIPCIDRValidation is off (v1.33-v1.35); from v1.36
/// (beta, on) also the strict checks of [`strict_cidr_detail`]. Returns the network when
/// `ParseCIDRSloppy` accepted the value (upstream goes on with it even after a strict error).
fn legacy_cidr(
    v: &mut V<'_>,
    version: KubeVersion,
    path: &str,
    at: &str,
    value: &str,
    hint: Option<&str>,
) -> Option<crate::policy::net::IpNet> {
    let Some(net) = crate::policy::net::IpNet::parse_sloppy(value) else {
        let hint = hint.unwrap_or("write an address range as address/prefix-length, e.g. 10.0.0.0/24 (one address: 10.0.0.5/32)");
        v.invalid(path, at, &go_quote(value), CIDR_MSG, Some(hint.to_string()));
        return None;
    };
    if let Some(detail) = strict_cidr_detail(value).filter(|_| version.strict_ip_cidr()) {
        let hint = format!("write {}: Kubernetes v1.36+ (StrictIPCIDRValidation) refuses this form, which older releases accepted with a warning", strict_cidr_fix(value, net));
        v.invalid(path, at, &go_quote(value), detail, Some(hint));
    }
    Some(net)
}

/// What to write instead of a CIDR the strict parse refuses.
fn strict_cidr_fix(value: &str, net: crate::policy::net::IpNet) -> String {
    let ip = value.split_once('/').and_then(|(ip, _)| parse_ip_sloppy(ip));
    match ip {
        Some(ip) if net.host_bits_set => {
            let bits = if ip.is_ipv4() { 32 } else { 128 };
            format!("the network {} (or one address, {ip}/{bits})", go_ipnet_string(net))
        }
        _ => go_ipnet_string(net),
    }
}

/// Go's `(*net.IPNet).String()` of what `ParseCIDRSloppy` returns: the masked network, an
/// IPv4-mapped network with a prefix of 96 or more written as IPv4 (`::ffff:1.2.3.0/120` is
/// `1.2.3.0/24`).
fn go_ipnet_string(net: crate::policy::net::IpNet) -> String {
    match net.addr {
        IpAddr::V6(a) if net.prefix >= 96 => match a.to_ipv4_mapped() {
            Some(v4) => format!("{v4}/{}", net.prefix - 96),
            None => net.canonical(),
        },
        _ => net.canonical(),
    }
}

/// The strict half of apimachinery `parseCIDR` for a value `ParseCIDRSloppy` accepted:
/// `netip.ParsePrefix` refuses it (leading zeros in an IPv4 octet or in the prefix length), it
/// holds an IPv4-mapped IPv6 address, or bits are set beyond the prefix length (an "ifaddr" such as
/// `10.0.0.1/8`). Upstream's details, in its order (`TestIsValidCIDR` `legacyStrictErr`).
fn strict_cidr_detail(value: &str) -> Option<&'static str> {
    let (ip, len) = value.split_once('/')?;
    let addr = ip.parse::<IpAddr>().ok().filter(|_| len == "0" || !len.starts_with('0'));
    match addr {
        None => Some("must not have leading 0s in IP or prefix length"),
        Some(IpAddr::V6(a)) if a.to_ipv4_mapped().is_some() => {
            Some("must not have an IPv4-mapped IPv6 address")
        }
        Some(_) => crate::policy::net::IpNet::parse_sloppy(value)
            .filter(|n| n.host_bits_set)
            .map(|_| "must not have bits set beyond the prefix length"),
    }
}

/// `validateServiceExternalTrafficPolicy`, and `healthCheckNodePort` that goes with it.
fn external_traffic_policy(v: &mut V<'_>, svc: &RawService, ty: &str) {
    let etp = svc.external_traffic_policy.as_deref().unwrap_or("");
    if !super::defaults::externally_accessible(svc) {
        if !etp.is_empty() {
            v.invalid("spec.externalTrafficPolicy", "spec.externalTrafficPolicy", &go_quote(etp), "may only be set for externally-accessible services", Some("externalTrafficPolicy applies to traffic from outside the cluster: NodePort, LoadBalancer, or externalIPs; for in-cluster traffic use `internalTrafficPolicy`".to_string()));
        }
    } else if etp.is_empty() {
        v.required("spec.externalTrafficPolicy", "", None);
    } else if etp != "Cluster" && etp != "Local" {
        v.unsupported("spec.externalTrafficPolicy", etp, &["Cluster", "Local"], Some("use `Cluster` (default) or `Local` (keep the client IP, only node-local endpoints)".to_string()));
    }
    let needs_hc = ty == "LoadBalancer" && etp == "Local";
    if !needs_hc && svc.health_check_node_port != 0 {
        v.invalid(
            "spec.healthCheckNodePort",
            "spec.healthCheckNodePort",
            &svc.health_check_node_port.to_string(),
            "may only be set when `type` is 'LoadBalancer' and `externalTrafficPolicy` is 'Local'",
            None,
        );
    } else if needs_hc && svc.health_check_node_port != 0 {
        for m in is_valid_port_num(i64::from(svc.health_check_node_port)) {
            v.invalid(
                "spec.healthCheckNodePort",
                "spec.healthCheckNodePort",
                &svc.health_check_node_port.to_string(),
                &m,
                None,
            );
        }
    }
}

/// `validateServiceInternalTrafficFieldsValue`.
fn internal_traffic_policy(v: &mut V<'_>, svc: &RawService, ty: &str) {
    match svc.internal_traffic_policy.as_deref() {
        None => {
            if matches!(ty, "NodePort" | "LoadBalancer" | "ClusterIP") {
                v.required("spec.internalTrafficPolicy", "", None);
            }
        }
        Some("Cluster" | "Local") => {}
        Some(other) => v.unsupported(
            "spec.internalTrafficPolicy",
            other,
            &["Cluster", "Local"],
            Some(
                "use `Cluster` (default) or `Local` (only endpoints on the client's node)"
                    .to_string(),
            ),
        ),
    }
}

/// `validateServiceTrafficDistribution`: the values depend on the release.
fn traffic_distribution(v: &mut V<'_>, svc: &RawService, version: KubeVersion) {
    // PreferSameTrafficDistribution, see `KubeVersion::traffic_distributions`.
    if let Some(td) = &svc.traffic_distribution {
        let supported = version.traffic_distributions();
        if !supported.contains(&td.as_str()) {
            let hint = if supported.len() == 1 && td.starts_with("PreferSame") {
                format!("{td} arrives in Kubernetes v1.34 (PreferSameTrafficDistribution); this cluster runs {}: use PreferClose, or raise `kubernetesVersion`", version.minor_string())
            } else {
                format!("one of {}", supported.join(", "))
            };
            v.unsupported("spec.trafficDistribution", td, supported, Some(hint));
        }
    }
}

/// The warnings the API server returns with a created Service (`pkg/api/service/warnings.go`
/// `GetWarningsForService`, in its order), as the cluster's release sends them: kubectl prints
/// each as `Warning: <text>`. Only for Services that passed validation (the API server adds
/// warnings after `Validate`, `rest.BeforeCreate`).
pub(crate) fn service_warnings(
    svc: &RawService,
    version: KubeVersion,
    diags: &mut Vec<Diagnostic>,
) {
    let mut v = V::new("Service", &svc.meta, diags);
    let ty = svc.type_.as_deref().unwrap_or("ClusterIP");
    let headless = ty == "ClusterIP" && is_headless(svc);
    if svc.meta.annotations.contains_key("service.kubernetes.io/topology-aware-hints") {
        v.warn(
            "metadata.annotations.service.kubernetes.io/topology-aware-hints",
            "annotation service.kubernetes.io/topology-aware-hints is deprecated, please use service.kubernetes.io/topology-mode instead".into(),
            "rename the annotation to `service.kubernetes.io/topology-mode` (or use `spec.trafficDistribution`)",
        );
    }
    if !headless {
        for (i, ip) in svc.cluster_ips.iter().enumerate() {
            let path = format!("spec.clusterIPs[{i}]");
            let at = if i == 0
                && svc
                    .meta
                    .source
                    .as_ref()
                    .is_some_and(|s| s.fields.get("spec.clusterIP").is_some())
            {
                "spec.clusterIP".to_string()
            } else {
                path.clone()
            };
            ip_warning(&mut v, &path, &at, ip);
        }
    }
    if headless {
        if svc.load_balancer_ip.as_deref().is_some_and(|s| !s.is_empty()) {
            v.warn(
                "spec.loadBalancerIP",
                "spec.loadBalancerIP is ignored for headless services".into(),
                "a headless Service has no virtual IP to load-balance; remove `loadBalancerIP`",
            );
        }
        if !svc.external_ips.is_empty() {
            v.warn("spec.externalIPs", "spec.externalIPs is ignored for headless services".into(), "a headless Service has no virtual IP for kube-proxy to route externalIPs to; remove `externalIPs`");
        }
        if svc.session_affinity.as_deref().is_some_and(|a| a != "None") {
            v.warn("spec.sessionAffinity", "spec.SessionAffinity is ignored for headless services".into(), "clients of a headless Service pick a Pod IP themselves; session affinity needs a ClusterIP");
        }
    }
    for (i, ip) in svc.external_ips.iter().enumerate() {
        let path = format!("spec.externalIPs[{i}]");
        ip_warning(&mut v, &path, &path, ip);
    }
    if version.external_ips_deprecated()
        && !svc.external_ips.is_empty()
        && !headless
        && ty != "ExternalName"
    {
        v.warn("spec.externalIPs", "spec.externalIPs is deprecated and may no longer be implemented in some clusters".into(), "since Kubernetes v1.36 (KEP-5707) kube-proxy may be configured not to route externalIPs; a LoadBalancer Service is the supported way in");
    }
    if let Some(ip) = svc.load_balancer_ip.as_deref().filter(|s| !s.is_empty()) {
        ip_warning(&mut v, "spec.loadBalancerIP", "spec.loadBalancerIP", ip);
    }
    for (i, cidr) in svc.load_balancer_source_ranges.iter().enumerate() {
        cidr_warning(&mut v, &format!("spec.loadBalancerSourceRanges[{i}]"), cidr);
    }
    if ty == "ExternalName" && !svc.external_ips.is_empty() {
        v.warn(
            "spec.externalIPs",
            "spec.externalIPs is ignored when spec.type is \"ExternalName\"".into(),
            "an ExternalName Service is only a DNS CNAME; remove `externalIPs`",
        );
    }
    if ty != "ExternalName" && svc.external_name.as_deref().is_some_and(|n| !n.is_empty()) {
        v.warn(
            "spec.externalName",
            "spec.externalName is ignored when spec.type is not \"ExternalName\"".into(),
            "set `type: ExternalName` for a DNS alias, or remove `externalName`",
        );
    }
    if version.prefer_close_deprecated()
        && svc.traffic_distribution.as_deref() == Some("PreferClose")
    {
        v.warn(
            "spec.trafficDistribution",
            "spec.trafficDistribution: \"PreferClose\" is deprecated; use \"PreferSameZone\""
                .into(),
            "PreferSameZone has the same meaning (KEP-3015)",
        );
    }
}

/// `utilvalidation.GetWarningsForIP` for a value validation accepted: an IPv4-mapped IPv6
/// address or an IPv4 address with leading zeros is non-standard, an IPv6 address not in RFC 5952
/// form non-canonical. (From v1.36 the first two are errors and the object never gets here.)
/// apimachinery `GetWarningsForCIDR`, as `GetWarningsForService` applies it to
/// `loadBalancerSourceRanges` (the raw value: a space-padded one draws none).
fn cidr_warning(v: &mut V<'_>, path: &str, value: &str) {
    use crate::policy::net::IpNet;
    let Some(net) = IpNet::parse_sloppy(value) else { return };
    let mut warned = false;
    if net.host_bits_set {
        let ip = value.split_once('/').and_then(|(ip, _)| parse_ip_sloppy(ip));
        if let Some(ip) = ip {
            let bits = if ip.is_ipv4() { 32 } else { 128 };
            let text = format!(
                "{path}: CIDR value {} is ambiguous in this context (should be {} or {}?)",
                go_quote(value),
                go_quote(&net.canonical()),
                go_quote(&format!("{ip}/{bits}"))
            );
            v.warn(
                path,
                text,
                "write the network (host bits zero), or a /32 (/128) for one address",
            );
            warned = true;
        }
    }
    let strict = IpNet::parse_strict(value);
    if strict.is_none() {
        let text = format!("{path}: non-standard CIDR value {} will be considered invalid in a future Kubernetes release: use {}", go_quote(value), go_quote(&go_ipnet_string(net)));
        let mapped = matches!(net.addr, IpAddr::V6(a) if a.to_ipv4_mapped().is_some());
        v.warn(
            path,
            text,
            if mapped { "write the IPv4 range itself" } else { "drop the leading zeros" },
        );
        warned = true;
    }
    if !warned && net.addr.is_ipv6() && net.canonical() != value {
        let text = format!(
            "{path}: IPv6 CIDR value {} should be in RFC 5952 canonical format ({})",
            go_quote(value),
            go_quote(&net.canonical())
        );
        v.warn(path, text, "RFC 5952 form: lower case, leading zeros dropped, the longest run of zero groups as `::`");
    }
}

fn ip_warning(v: &mut V<'_>, path: &str, at: &str, value: &str) {
    let Ok(ip) = value.parse::<IpAddr>() else {
        // Leading zeros: ParseIPSloppy accepted it, ParseAddr does not.
        if let Some(ip) = parse_ip_sloppy(value) {
            v.warn(at, format!("{path}: non-standard IP address {} will be considered invalid in a future Kubernetes release: use {}", go_quote(value), go_quote(&ip.to_string())), "drop the leading zeros: much software reads a 0-prefixed octet as octal, so the same text can mean two different addresses");
        }
        return;
    };
    match ip {
        IpAddr::V6(v6) => {
            if let Some(v4) = v6.to_ipv4_mapped() {
                v.warn(at, format!("{path}: non-standard IP address {} will be considered invalid in a future Kubernetes release: use {}", go_quote(value), go_quote(&v4.to_string())), "write the IPv4 address itself");
            } else if v6.to_string() != value {
                v.warn(at, format!("{path}: IPv6 address {} should be in RFC 5952 canonical format ({})", go_quote(value), go_quote(&v6.to_string())), "RFC 5952 form: lower case, leading zeros dropped, the longest run of zero groups as `::`");
            }
        }
        IpAddr::V4(_) => {}
    }
}

/// The `Warning:` kubectl prints for every `v1 Endpoints` object it creates (and lists) from
/// v1.33: `apiserver` `pkg/endpoints/deprecation/deprecation.go` `WarningMessage` with
/// `kubernetes/api` `core/v1` lifecycle (`APILifecycleDeprecated() = 1,33`, replacement
/// `discovery.k8s.io/v1 EndpointSlice`); KEP-4974.
pub const ENDPOINTS_DEPRECATED: &str =
    "v1 Endpoints is deprecated in v1.33+; use discovery.k8s.io/v1 EndpointSlice";

pub(crate) fn endpoints_warning(meta: &ObjectMeta, diags: &mut Vec<Diagnostic>) {
    let mut v = V::new("Endpoints", meta, diags);
    v.warn("kind", ENDPOINTS_DEPRECATED.into(), "EndpointSlices (`discovery.k8s.io/v1`) replace Endpoints; kube-proxy and CoreDNS read only EndpointSlices (the EndpointSlice mirroring controller copies a hand-written Endpoints into a slice, which is what the simulator follows)");
}

/// `ValidateReplicationController` (create): name, then `ValidateReplicationControllerSpec`
/// (`pkg/apis/core/validation/validation.go`, read for v1.31–1.37: minReadySeconds, the
/// non-empty selector, replicas, `ValidatePodTemplateSpecForRC`).
pub(crate) fn replication_controller(
    w: &Workload,
    spec: &RawPodSpec,
    has_template: bool,
    min_ready_seconds: Option<i64>,
    diags: &mut Vec<Diagnostic>,
) {
    let kind = "ReplicationController";
    let mut v = V::new(kind, &w.meta, diags);
    object_meta(&mut v, kind, &w.meta, NameRule::Subdomain, true);
    if let Some(m) = min_ready_seconds.filter(|m| *m < 0) {
        v.invalid(
            "spec.minReadySeconds",
            "spec.minReadySeconds",
            &m.to_string(),
            "must be greater than or equal to 0",
            None,
        );
    }
    let selector = w.selector.as_ref().map(|s| &s.match_labels);
    let empty = selector.is_none_or(|s| s.is_empty());
    // `ValidateNonEmptySelector` only: the selector map's keys are not validated as labels.
    if empty {
        v.required("spec.selector", "", Some("a ReplicationController needs `spec.selector` (a label map) or labels on its Pod template, which become the selector".to_string()));
    }
    if w.replicas < 0 {
        v.invalid(
            "spec.replicas",
            "spec.replicas",
            &w.replicas.to_string(),
            "must be greater than or equal to 0",
            None,
        );
    }
    if !has_template {
        v.required("spec.template", "", Some("a ReplicationController needs a Pod template (`spec.template` with `metadata.labels` and `spec.containers`)".to_string()));
        return;
    }
    if let Some(sel) = selector.filter(|s| !s.is_empty()) {
        if !sel.iter().all(|(k, val)| w.template.labels.get(k) == Some(val)) {
            v.invalid(
                "spec.template.metadata.labels",
                "spec.template.metadata.labels",
                &go_template_labels(&v, &w.template.labels),
                "`selector` does not match template `labels`",
                Some("the selector must match the Pod template's labels, or the controller could never find the Pods it creates: copy the selector's labels into `spec.template.metadata.labels`".to_string()),
            );
        }
    }
    labels_at(&mut v, "spec.template.labels", "spec.template.metadata.labels", &w.template.labels);
    pod_spec(&mut v, "spec.template.spec", spec);
    if spec.spec.restart_policy != "Always" {
        v.unsupported(
            "spec.template.spec.restartPolicy",
            &spec.spec.restart_policy,
            &["Always"],
            Some("ReplicationController Pods always restart: remove `restartPolicy` or set it to Always".to_string()),
        );
    }
    if spec.active_deadline_seconds.is_some() {
        v.forbidden(
            "spec.template.spec.activeDeadlineSeconds",
            "spec.template.spec.activeDeadlineSeconds",
            "activeDeadlineSeconds in ReplicationController is not Supported",
            Some(
                "a ReplicationController's Pods run until deleted; remove `activeDeadlineSeconds`"
                    .to_string(),
            ),
        );
    }
}

/// `ValidateServiceClusterIPsRelatedFields`.
fn cluster_ips(v: &mut V<'_>, svc: &RawService, version: KubeVersion) {
    if svc.type_.as_deref() == Some("ExternalName") {
        return;
    }
    let given_ip =
        svc.meta.source.as_ref().is_some_and(|s| s.fields.get("spec.clusterIP").is_some());
    let ip_at = |i: usize| {
        if given_ip && i == 0 {
            "spec.clusterIP".to_string()
        } else {
            format!("spec.clusterIPs[{i}]")
        }
    };
    let ips = &svc.cluster_ips;
    match svc.cluster_ip.as_deref().filter(|s| !s.is_empty()) {
        Some(ip) => {
            if ips.is_empty() {
                v.required("spec.clusterIPs", "", None);
            } else if ips.first().map(String::as_str) != Some(ip) {
                v.invalid("spec.clusterIPs", "spec.clusterIPs", &go_string_slice(ips), "first value must match `clusterIP`", Some("set only one of `clusterIP` and `clusterIPs`, or make clusterIPs[0] equal to clusterIP".to_string()));
            }
        }
        None => {
            if !ips.is_empty() {
                v.invalid(
                    "spec.clusterIPs",
                    "spec.clusterIPs",
                    &go_string_slice(ips),
                    "must be empty when `clusterIP` is not specified",
                    None,
                );
            }
        }
    }
    let mut seen: Vec<&str> = Vec::new();
    for (i, f) in svc.ip_families.iter().enumerate() {
        let p = format!("spec.ipFamilies[{i}]");
        if f != "IPv4" && f != "IPv6" {
            v.push(
                "unsupported-value",
                &p,
                false,
                format!(
                    "{p}: Unsupported value: {}: supported values: \"IPv4\", \"IPv6\"",
                    go_quote(f)
                ),
                None,
            );
        }
        if seen.contains(&f.as_str()) {
            v.duplicate(&p, &p, &go_quote(f), None);
        }
        seen.push(f);
    }
    if let Some(pol) = &svc.ip_family_policy {
        if !matches!(pol.as_str(), "SingleStack" | "PreferDualStack" | "RequireDualStack") {
            v.unsupported(
                "spec.ipFamilyPolicy",
                pol,
                &["PreferDualStack", "RequireDualStack", "SingleStack"],
                None,
            );
        }
    }
    let mut invalid = false;
    for (i, ip) in ips.iter().enumerate() {
        if i == 0 && ip == "None" {
            if ips.len() > 1 {
                invalid = true;
                v.invalid(
                    "spec.clusterIPs",
                    "spec.clusterIPs",
                    &go_string_slice(ips),
                    "'None' must be the first and only value",
                    None,
                );
            }
            continue;
        }
        if !valid_ip(ip) {
            invalid = true;
            let hint = if ip.eq_ignore_ascii_case("none") {
                Some("write `None` with a capital N to make a headless Service".to_string())
            } else {
                Some("clusterIP must be an IP address inside the service CIDR, `None` (headless), or left out to be allocated".to_string())
            };
            v.invalid(&format!("spec.clusterIPs[{i}]"), &ip_at(i), &go_quote(ip), IP_MSG, hint);
        } else if !strict_ip(v, version, &format!("spec.clusterIPs[{i}]"), &ip_at(i), ip) {
            invalid = true;
        }
    }
    if ips.len() > 2 {
        v.invalid(
            "spec.clusterIPs",
            "spec.clusterIPs",
            &go_string_slice(ips),
            "may only hold up to 2 values",
            None,
        );
    }
    if invalid {
        return;
    }
    if ips.len() > 1 {
        // netutils.IsDualStackIPStrings: some IPv4 and some IPv6 address, whatever the count
        // (a third value is reported above).
        let fams: Vec<bool> =
            ips.iter().filter_map(|s| parse_ip_sloppy(s)).map(|a| a.is_ipv4()).collect();
        let dual = fams.contains(&true) && fams.contains(&false);
        if !dual {
            v.invalid(
                "spec.clusterIPs",
                "spec.clusterIPs",
                &go_string_slice(ips),
                "may specify no more than one IP for each IP family",
                None,
            );
        }
    }
    if !is_headless(svc) && !ips.is_empty() && !svc.ip_families.is_empty() {
        for (i, ip) in ips.iter().enumerate() {
            let Some(f) = svc.ip_families.get(i) else { break };
            let v6 = ip.parse::<IpAddr>().is_ok_and(|a| a.is_ipv6());
            if f == "IPv4" && v6 {
                v.invalid(
                    &format!("spec.clusterIPs[{i}]"),
                    &ip_at(i),
                    &go_quote(ip),
                    &format!("expected an IPv4 value as indicated by `ipFamilies[{i}]`"),
                    None,
                );
            }
            if f == "IPv6" && !v6 {
                v.invalid(
                    &format!("spec.clusterIPs[{i}]"),
                    &ip_at(i),
                    &go_quote(ip),
                    &format!("expected an IPv6 value as indicated by `ipFamilies[{i}]`"),
                    None,
                );
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn upstream_texts() {
        assert_eq!(
            is_dns1035_label("my_svc")[0],
            "a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123', regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')"
        );
        assert_eq!(
            is_valid_label_value("my web")[0],
            "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')"
        );
        assert_eq!(is_dns1123_label("port.one"), ["must not contain dots"]);
        assert_eq!(is_valid_port_name("8080"), ["must contain at least one letter (a-z)"]);
        assert_eq!(is_qualified_name("a/b/c").len(), 1);
        assert_eq!(is_qualified_name("").len(), 2);
        assert_eq!(
            is_qualified_name("Example.com/x"),
            vec![format!(
                "prefix part {}",
                regex_error(DNS1123_SUBDOMAIN_ERR, DNS1123_SUBDOMAIN_FMT, &["example.com"])
            )]
        );
        assert_eq!(go_quote("a\"b"), "\"a\\\"b\"");
        assert!(is_dns1123_subdomain_with_underscore("_sip._tcp.example.com").is_empty());
        assert_eq!(
            is_dns1123_subdomain_with_underscore("Example.com"),
            ["a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '_', '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '_?[a-z0-9]([-_a-z0-9]*[a-z0-9])?(\\._?[a-z0-9]([-_a-z0-9]*[a-z0-9])?)*')"]
        );
    }
}
