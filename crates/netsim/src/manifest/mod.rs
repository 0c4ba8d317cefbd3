//! Stage 2 of the pipeline: spanned YAML documents → `model::Objects`, decoded, defaulted and
//! validated as the API server would.
//!
//! For each document (and each item of a list: any document with top-level `items`, `kind: List`
//! or `<Kind>List`, expanded breadth-first as kubectl's `FlattenListVisitor` does; bare items
//! take the list's kind without `List` and its apiVersion): dispatch on `apiVersion` + `kind`
//! (the kinds are [`crate::model::KINDS`]), walk
//! the fields with their spans (unknown fields warned with a suggestion, fields Kubernetes has but
//! we do not simulate accepted silently, wrong types and YAML 1.1 traps reported), apply
//! `SetDefaults_*`, run the API server's validation (`validate`), and convert to the model.
//!
//! Invalid objects: every object read is kept in [`Loaded::objects`] (invalid fields dropped or
//! replaced by their default, e.g. an unsupported protocol becomes TCP) for the objects list and
//! `check`; the cluster is built from [`Loaded::accepted`], without the objects that have an
//! error of their own — the API server rejects those and `kubectl apply` creates the rest — so
//! the rest of the cluster still simulates. The errors make `netsim check` fail (exit 1) and
//! are shown everywhere. Objects with
//! the same kind, namespace and name: the later one wins (what `kubectl apply` of the stream
//! does), with a `duplicate-object` warning pointing at both.
//!
//! The cluster's Kubernetes release ([`KubeVersion`], kubeadm ClusterConfiguration's
//! `kubernetesVersion`) is found first ([`version`]); validation and the API warnings
//! (`api-warning`, printed by kubectl as `Warning: …`) follow it.
//!
//! Namespaces: an object in a namespace that neither an earlier Namespace of the input nor the
//! cluster creates is refused as the NamespaceLifecycle admission plugin refuses it
//! (`namespace-not-found`: `namespaces "X" not found`, with a one-click fix that adds the
//! Namespace); `kubectl apply` creates objects in input order, so the Namespace must come first.
//!
//! Invariants: never panics; objects and diagnostics come in input order (within one object:
//! decoding problems in position order, then validation errors in the API server's order).
//!
//! API: [`load`] → [`Loaded`] `{ objects, diagnostics }`. Every object's `meta.source` holds
//! the document's range and the spans of every field read, keyed by path (`spec.selector`,
//! `spec.ports[0].port`, `metadata.labels.app`). Diagnostics of an object carry
//! `object: Some("Service \"web\"")`; API-server validation errors use the codes
//! `invalid-value`, `required-value`, `duplicate-value`, `unsupported-value`, `forbidden`,
//! `too-long` ([`validate::is_validation_code`]) with the API's exact message; decoding uses
//! `unknown-field`, `wrong-type`, `number-out-of-range`, `yaml-1.1-bool|number|null`,
//! `unsupported-kind`, `no-kind-match`, `missing-kind`, `not-an-object`, `nested-list`, `duplicate-object`.
//! [`applied_objects`] names the objects as `kubectl apply` prints them. The name and label
//! rules (`validate::is_dns1035_label`, `is_qualified_name`, …) are public for other stages.

pub mod apply;
pub(crate) mod decode;
pub(crate) mod defaults;
pub(crate) mod kinds;
pub(crate) mod schema;
pub mod validate;
pub mod version;

pub use version::KubeVersion;

use std::collections::BTreeMap;

use crate::diagnostic::{Diagnostic, Edit, Fix, SourceFiles};
use crate::model::*;
use crate::syntax::{self, Node};
use crate::text::{FileId, Span, TextRange};
use decode::Cx;
use kinds::{fields, items};

/// The result of [`load`]: every object that could be read, and every problem found.
#[derive(Clone, Debug, Default)]
pub struct Loaded {
    pub objects: Objects,
    pub diagnostics: Vec<Diagnostic>,
    /// The release the cluster runs (ClusterConfiguration `kubernetesVersion`, else the newest).
    pub version: KubeVersion,
    /// Where every object with an apiVersion and kind starts (file, offset), simulated or not:
    /// what kubectl reads and sends.
    pub read_at: Vec<(FileId, u32)>,
}

impl Loaded {
    /// The objects `kubectl apply` would create: those without an error of their own (an API
    /// validation error or a decoding error — the API server answers 422/400 and stores nothing).
    /// The cluster is built from these; [`Loaded::objects`] keeps every object read, for the
    /// objects list and `check`. Warnings (unknown fields, YAML 1.1 traps) reject nothing.
    pub fn accepted(&self) -> Objects {
        self.accepted_unless(|d| d.severity == crate::diagnostic::Severity::Error)
    }

    /// The objects without a diagnostic of their own for which `rejects` holds (e.g. also
    /// unknown fields, as `kubectl apply --validate=strict` refuses them).
    pub fn accepted_unless(&self, rejects: impl Fn(&Diagnostic) -> bool) -> Objects {
        let rejected: std::collections::BTreeSet<(FileId, u32)> = self
            .diagnostics
            .iter()
            .filter(|d| d.object.is_some() && rejects(d))
            .map(|d| (d.span.file, d.span.range.start))
            .collect();
        if rejected.is_empty() {
            return self.objects.clone();
        }
        let keep = |meta: &ObjectMeta| {
            meta.source.as_ref().is_none_or(|src| {
                rejected
                    .range((src.file, src.range.start)..=(src.file, src.range.end))
                    .next()
                    .is_none()
            })
        };
        let mut o = self.objects.clone();
        o.namespaces.retain(|x| keep(&x.meta));
        o.nodes.retain(|x| keep(&x.meta));
        o.pods.retain(|x| keep(&x.meta));
        o.services.retain(|x| keep(&x.meta));
        o.endpoints.retain(|x| keep(&x.meta));
        o.endpoint_slices.retain(|x| keep(&x.meta));
        o.workloads.retain(|x| keep(&x.meta));
        o.config_maps.retain(|x| keep(&x.meta));
        o.network_policies.retain(|x| keep(&x.meta));
        o.cluster_network_policies.retain(|x| keep(&x.meta));
        o
    }
}

/// Reads every file: YAML/JSON → objects, with diagnostics. Never fails.
pub fn load(files: &SourceFiles) -> Loaded {
    let mut l = Loader { version: find_version(files), ..Loader::default() };
    for (file, name, text) in files.iter() {
        l.file_name = name.to_string();
        l.file_text_start = text.trim_start().chars().next();
        // Documents are decoded as the parser completes them and dropped right after, so the
        // spanned tree of at most one document is alive at a time.
        syntax::parse_each(file, text, |item| match item {
            syntax::Item::Diagnostic(d) => l.diagnostics.push(d),
            syntax::Item::Document(doc) => {
                if let Some(root) = &doc.root {
                    l.document(file, text, root);
                }
            }
        });
    }
    l.finish()
}

#[derive(Default)]
struct Loader {
    /// The name of the file being read (for kubectl's messages, which name it).
    file_name: String,
    /// The first non-blank character of the file being read (`{` or `[` for JSON).
    file_text_start: Option<char>,
    objects: Objects,
    diagnostics: Vec<Diagnostic>,
    /// (kind, namespace, name) → span of the first definition, as kind → namespace → name
    /// (looked up with the object's own strings; only a new name is copied).
    seen: BTreeMap<&'static str, BTreeMap<String, BTreeMap<String, Span>>>,
    version: KubeVersion,
    /// Where the Namespace fix of the document being read is inserted: the start of the line
    /// its root begins on (`None` where inserting YAML text would not be valid).
    insert_at: Option<Span>,
    /// Namespaces the input has created so far (kubectl applies in input order).
    created_namespaces: std::collections::BTreeSet<String>,
    /// `namespace-not-found` diagnostics by namespace, to note a Namespace defined later.
    missing_namespaces: Vec<(usize, String)>,
    /// Whether the input uses MetalLB (its install creates `metallb-system`).
    uses_metallb: bool,
    /// See [`Loaded::read_at`].
    read_at: Vec<(FileId, u32)>,
    /// Whether the object being read is an item of a list document.
    in_list: bool,
}

/// The namespaces every cluster has (kube-apiserver creates them at start: `default`,
/// `kube-system`, `kube-public`, `kube-node-lease`; `pkg/controlplane/controller/systemnamespaces`).
pub const BUILTIN_NAMESPACES: [&str; 4] =
    ["default", "kube-node-lease", "kube-public", "kube-system"];

/// The release named by the first kubeadm ClusterConfiguration's `kubernetesVersion`, found
/// before anything is validated (validation depends on it). Only files that mention
/// `ClusterConfiguration` are parsed for it; an unusable value is reported where the
/// ClusterConfiguration is decoded and the newest release is used.
fn find_version(files: &SourceFiles) -> KubeVersion {
    let mut found: Option<String> = None;
    for (file, _, text) in files.iter() {
        if found.is_some() {
            break;
        }
        if !text.contains("ClusterConfiguration") {
            continue;
        }
        syntax::parse_each(file, text, |item| {
            let syntax::Item::Document(doc) = item else { return };
            if found.is_some() {
                return;
            }
            let Some(root) = &doc.root else { return };
            let scalar = |n: &Node<'_>, k: &str| {
                n.get(k).and_then(|e| e.value.as_scalar()).map(|s| s.text.to_string())
            };
            // The document itself, or the items of a list document (one level).
            let mut candidates: Vec<&Node<'_>> = vec![root];
            if let Some(items) = root.get("items").and_then(|e| e.value.as_sequence()) {
                candidates.extend(items.iter());
            }
            for n in candidates {
                let cc = scalar(n, "kind").as_deref() == Some("ClusterConfiguration")
                    && scalar(n, "apiVersion").is_some_and(|a| {
                        kind_info("ClusterConfiguration").is_some_and(|k| k.serves(&a))
                    });
                if cc {
                    found = Some(scalar(n, "kubernetesVersion").unwrap_or_default());
                    return;
                }
            }
        });
    }
    found.filter(|t| !t.is_empty()).and_then(|t| version::parse(&t).ok()).unwrap_or_default()
}

/// The object label the API server uses in `The Service "x" is invalid`: the name with Go's
/// `%q` (`apierrors.NewInvalid`: `fmt.Sprintf("%s %q is invalid: %v", …)`, k8s.io/apimachinery
/// pkg/api/errors/errors.go), so quotes and invisible characters in a bad name show escaped.
pub(crate) fn object_label(kind: &str, name: &str) -> String {
    format!("{kind} {}", validate::go_quote(name))
}

/// Go's `utilerrors.NewAggregate(errs).Error()`: one distinct message alone, several as
/// `[a, b]` (duplicates dropped).
fn go_aggregate(msgs: &[&str]) -> String {
    let mut seen: Vec<&str> = Vec::new();
    for m in msgs {
        if !seen.contains(m) {
            seen.push(m);
        }
    }
    match seen.as_slice() {
        [one] => (*one).to_string(),
        many => format!("[{}]", many.join(", ")),
    }
}

/// The causes kubectl's `getObjectKind` (`kubectl` `pkg/validation/validation.go`) finds in a
/// document or a `List` item: not a mapping, `apiVersion`/`kind` absent (or null) or not strings.
fn type_meta_causes(n: &Node<'_>) -> Vec<&'static str> {
    if n.as_mapping().is_none() {
        return vec!["invalid object to validate"];
    }
    let check = |key: &str, unset: &'static str, not_string: &'static str| {
        let e = n.get(key)?;
        if e.value.is_null() {
            return Some(unset);
        }
        let is_string = e.value.as_scalar().is_some_and(|s| {
            matches!(crate::syntax::scalar::resolve(s), crate::syntax::scalar::Resolved::Str)
        });
        (!is_string).then_some(not_string)
    };
    let mut out = Vec::new();
    match check("apiVersion", "apiVersion not set", "apiVersion isn't string type") {
        Some(c) => out.push(c),
        None if n.get("apiVersion").is_none() => out.push("apiVersion not set"),
        None => {}
    }
    match check("kind", "kind not set", "kind isn't string type") {
        Some(c) => out.push(c),
        None if n.get("kind").is_none() => out.push("kind not set"),
        None => {}
    }
    out
}

/// kubectl's client-side validation error for a document (`cli-runtime` `visitor.go`
/// `StreamVisitor.Visit` and `ValidateSchema`; the causes from `kubectl` `pkg/validation`
/// `getObjectKind` / `validateList`).
fn invalid_data(file: &str, causes: &[&str]) -> String {
    format!(
        "error: error validating \"{file}\": error validating data: {}; if you choose to ignore these errors, turn validation off with --validate=false",
        go_aggregate(causes)
    )
}

/// The preferred `apiVersion` of a kind ([`KINDS`]), `v1` for `List`.
fn api_version_for(kind: &str) -> Option<String> {
    if kind == "List" {
        return Some("v1".into());
    }
    kind_info(kind).map(KindInfo::api_version)
}

/// The kinds a built-in API group/version serves (`kubectl api-resources`, [`KINDS`]), for
/// telling a typo (`kind: Deplyment`, `kind: service`) from a kind we merely do not simulate.
/// Empty for groups we do not know (CRDs and others are then only "not simulated").
fn builtin_kinds(api: &str) -> Vec<&'static str> {
    let mut out: Vec<&'static str> = kinds_served_by(api).map(|k| k.kind).collect();
    if !out.is_empty() {
        out.push("List");
    }
    out
}

impl Loader {
    fn span(file: FileId, range: TextRange) -> Span {
        Span { file, range }
    }

    /// Reads one top-level document: an object, or a list of them.
    fn document(&mut self, file: FileId, text: &str, root: &Node<'_>) {
        self.insert_at = namespace_insert_point(file, text, root.range.start, self.file_text_start);
        if let Some((at, value, what)) = json_unsupported_float(root) {
            // go-yaml v2 reads `.nan` / `.inf` as floats; sigs.k8s.io/yaml then cannot write
            // them as JSON (`json.Marshal`: UnsupportedValueError), so kubectl cannot read the
            // document, and stops reading its file there (`StreamVisitor`: "error parsing").
            let d = Diagnostic::error(
                "yaml-unsupported-float",
                Self::span(file, at),
                format!("`{value}` is the float {what} in YAML, which JSON cannot hold: kubectl cannot read this document"),
            )
            .with_hint(format!("quote it to keep it a string: \"{value}\""))
            .with_hint(format!(
                "kubectl apply: error: error parsing {}: error converting YAML to JSON: json: unsupported value: {what}",
                self.file_name
            ))
            .with_hint("this document is skipped; the other documents are still read");
            self.diagnostics.push(d);
            return;
        }
        if self.list_schema_invalid(file, root) {
            return;
        }
        if root.get("items").is_some() {
            self.list(file, root);
        } else {
            self.object(file, root, None);
        }
    }

    /// kubectl's client-side validation of a `v1` `List` document (`kubectl` `pkg/validation`
    /// `validation.go` `validateList`, run because the server's field validation does not cover
    /// `List`: `cli-runtime` `query_param_verifier_v3.go` `HasSupport`): `items` must be a
    /// sequence and every item a mapping with `apiVersion` and `kind` of its own (no inheriting
    /// here). A failure rejects the whole document and ends the file's stream. Returns whether
    /// it failed.
    fn list_schema_invalid(&mut self, file: FileId, root: &Node<'_>) -> bool {
        let scalar =
            |k: &str| root.get(k).and_then(|e| e.value.as_scalar()).map(|s| s.text.to_string());
        if scalar("apiVersion").as_deref() != Some("v1")
            || scalar("kind").as_deref() != Some("List")
        {
            return false;
        }
        let mut causes: Vec<&str> = Vec::new();
        let mut at = root.range;
        match root.get("items").and_then(|e| e.value.as_sequence()) {
            None => {
                causes.push("invalid object to validate");
                at = root.get("items").map_or(root.range, |e| e.value.range);
            }
            Some(items) => {
                for it in items {
                    let before = causes.len();
                    causes.extend(type_meta_causes(it));
                    if before == 0 && causes.len() > before {
                        at = it.range;
                    }
                }
            }
        }
        if causes.is_empty() {
            return false;
        }
        let d = Diagnostic::error(
            "missing-kind",
            Self::span(file, TextRange::new(at.start, at.start)),
            format!("error validating data: {}", go_aggregate(&causes)),
        )
        .with_hint("every item of a `kind: List` needs its own `apiVersion` and `kind` (only `<Kind>List` documents such as `ServiceList` give bare items their kind)")
        .with_hint(format!("kubectl apply: {}", invalid_data(&self.file_name, &causes)));
        self.diagnostics.push(d);
        true
    }

    /// A list document (any document with top-level `items`: `kind: List`, `ServiceList`, …),
    /// expanded as kubectl does (`apimachinery` `unstructured/helpers.go` `decodeToList`,
    /// `cli-runtime` `visitor.go` `FlattenListVisitor`): an item with neither `kind` nor
    /// `apiVersion` takes the list's kind without `List` and the list's `apiVersion`; the
    /// list's `metadata` is ignored. A problem in one item does not stop the others. A list
    /// inside the list fails the whole document (see [`Loader::nested_list`]).
    fn list(&mut self, file: FileId, root: &Node<'_>) {
        if self.nested_list(file, root) {
            return;
        }
        type Inherit = Option<(String, String)>;
        let mut queue: std::collections::VecDeque<(&Node<'_>, Inherit)> =
            std::collections::VecDeque::new();
        queue.push_back((root, None));
        let mut leaves: Vec<(&Node<'_>, Inherit)> = Vec::new();
        while let Some((n, inherit)) = queue.pop_front() {
            if n.as_mapping().is_none() || n.get("items").is_none() {
                leaves.push((n, inherit));
                continue;
            }
            let text = |key: &str| {
                n.get(key)
                    .and_then(|e| e.value.as_scalar())
                    .map(|s| s.text.to_string())
                    .filter(|s| !s.is_empty())
            };
            let (api, kind) = match (text("apiVersion"), text("kind"), &inherit) {
                (None, None, Some((a, k))) => (a.clone(), k.clone()),
                (a, k, _) => (a.unwrap_or_default(), k.unwrap_or_default()),
            };
            if !self.list_kind_ok(file, n, &api, &kind) {
                continue;
            }
            let child = Some((api.clone(), kind.strip_suffix("List").unwrap_or(&kind).to_string()));
            let mut cx = Cx::new(file, &mut self.diagnostics);
            fields!(cx, n, schema::LIST_TOP, e => {
                "apiVersion" | "kind" | "metadata" => {},
                "items" => items!(cx, &e.value, _i, it => queue.push_back((it, child.clone()))),
            });
        }
        self.in_list = true;
        for (n, inherit) in leaves {
            let inherit = inherit.as_ref().map(|(a, k)| (a.as_str(), k.as_str()));
            self.object(file, n, inherit);
        }
        self.in_list = false;
    }

    /// A list item that is itself a list (`items` a sequence): `FlattenListVisitor` sees it as a
    /// list (`meta.IsListType` → `Unstructured.IsList`) but `meta.ExtractList` cannot take the
    /// items of a plain `*unstructured.Unstructured` (`GetItemsPtr`: no `Items` field), so the
    /// visitor returns that error before visiting any item of the document. Returns whether
    /// that happened.
    fn nested_list(&mut self, file: FileId, root: &Node<'_>) -> bool {
        let Some(items) = root.get("items").and_then(|e| e.value.as_sequence()) else {
            return false;
        };
        let Some(inner) =
            items.iter().find(|it| it.get("items").and_then(|e| e.value.as_sequence()).is_some())
        else {
            return false;
        };
        let at = inner.get("items").map_or(inner.range, |e| e.key.range);
        self.diagnostics.push(
            Diagnostic::error(
                "nested-list",
                Self::span(file, at),
                "a list inside a list: kubectl cannot expand it, and applies nothing of this document",
            )
            .with_hint("put the inner list's items directly into the outer list's `items`, each with its own `apiVersion` and `kind`")
            .with_hint("kubectl apply: error: *unstructured.Unstructured is not a list: no Items field in this object"),
        );
        true
    }

    /// Whether kubectl can map a list document: `List` exists in every group/version and
    /// `<Kind>List` wherever `<Kind>` is served (`client-go` `restmapper/discovery.go`). A list
    /// of an unknown group is expanded (its items are then reported one by one).
    fn list_kind_ok(&mut self, file: FileId, n: &Node<'_>, api: &str, kind: &str) -> bool {
        if kind == "List" {
            return true;
        }
        let base = kind.strip_suffix("List").unwrap_or(kind);
        let builtin = builtin_kinds(api);
        if builtin.is_empty() || builtin.contains(&base) {
            return true;
        }
        let span = n.get("kind").map_or(n.range, |e| e.value.range);
        let mut d = Diagnostic::error(
            "no-kind-match",
            Self::span(file, span),
            format!("no matches for kind \"{kind}\" in version \"{api}\""),
        )
        .with_hint("a list document's kind is `List`, or `<Kind>List` for a kind its apiVersion serves (e.g. `ServiceList` in `v1`)");
        if let Some(info) = kind_info(base) {
            d = d.with_hint(format!("{base} is served as `apiVersion: {}`", info.api_version()));
        }
        let meta = |k: &str| {
            n.get("metadata")
                .and_then(|m| m.value.get(k))
                .and_then(|e| e.value.as_scalar())
                .map_or(String::new(), |s| s.text.to_string())
        };
        d = d.with_hint(format!(
            "kubectl apply: error: resource mapping not found for name: \"{}\" namespace: \"{}\" from \"{}\": no matches for kind \"{kind}\" in version \"{api}\"",
            meta("name"),
            meta("namespace"),
            self.file_name
        ));
        self.diagnostics.push(d);
        false
    }

    /// Reads one object, then attaches its label (`Service "web"`) to every diagnostic it
    /// produced, so consumers can group them per object as `kubectl apply` does. `inherit` is
    /// the (apiVersion, kind) a list gives its bare items.
    fn object(&mut self, file: FileId, root: &Node<'_>, inherit: Option<(&str, &str)>) {
        let start = self.diagnostics.len();
        let label = self.object_inner(file, root, inherit, start);
        // A field that could not be decoded (wrong type, number out of range) holds its zero
        // value; the API server would have stopped at the decoding error, so validation errors
        // about that field (or containing it) are consequences, not news: drop them.
        let failed: Vec<TextRange> = self
            .diagnostics
            .iter()
            .skip(start)
            .filter(|d| matches!(d.code, "wrong-type" | "number-out-of-range"))
            .map(|d| d.span.range)
            .collect();
        if !failed.is_empty() {
            let mut i = start;
            while i < self.diagnostics.len() {
                let d = &self.diagnostics[i];
                let consequence = validate::is_validation_code(d.code)
                    && failed.iter().any(|f| {
                        let r = d.span.range;
                        (r.start <= f.start && f.end <= r.end)
                            || (f.start <= r.start && r.end <= f.end)
                    });
                if consequence {
                    self.diagnostics.remove(i);
                } else {
                    i += 1;
                }
            }
        }
        if let Some(label) = label {
            for d in self.diagnostics.iter_mut().skip(start) {
                if d.object.is_none() {
                    d.object = Some(label.clone());
                }
            }
        }
    }

    fn object_inner(
        &mut self,
        file: FileId,
        root: &Node<'_>,
        inherit: Option<(&str, &str)>,
        start: usize,
    ) -> Option<String> {
        let (api, kind) = self.object_kind(file, root, inherit)?;
        self.read_at.push((file, root.range.start));
        match (api.as_str(), kind.as_str()) {
            ("v1", "Namespace") => self.namespace(file, root),
            ("v1", "Node") => self.node(file, root),
            ("v1", "Pod") => self.pod(file, root),
            ("v1", "Service") => self.service(file, root, start),
            ("v1", "Endpoints") => self.endpoints(file, root),
            ("discovery.k8s.io/v1" | "discovery.k8s.io/v1beta1", "EndpointSlice") => {
                self.endpoint_slice(file, root)
            }
            ("v1", "ReplicationController") => self.replication_controller(file, root),
            ("apps/v1", "Deployment" | "ReplicaSet" | "StatefulSet" | "DaemonSet") => {
                self.apps_workload(file, root, &kind)
            }
            ("v1", "ConfigMap") => self.config_map(file, root),
            ("kubeadm.k8s.io/v1beta3" | "kubeadm.k8s.io/v1beta4", "ClusterConfiguration") => {
                self.cluster_configuration(file, root, &api)
            }
            ("kubeproxy.config.k8s.io/v1alpha1", "KubeProxyConfiguration") => {
                self.kube_proxy_configuration(file, root)
            }
            ("kubelet.config.k8s.io/v1beta1", "KubeletConfiguration") => {
                self.kubelet_configuration(file, root)
            }
            ("networking.k8s.io/v1", "NetworkPolicy") => self.network_policy(file, root, start),
            (
                "policy.networking.k8s.io/v1alpha2" | "policy.networking.k8s.io/v1beta1",
                "ClusterNetworkPolicy",
            ) => self.cluster_network_policy(file, root),
            ("metallb.io/v1beta1", "IPAddressPool") => self.ip_address_pool(file, root),
            ("metallb.io/v1beta1", "L2Advertisement") => self.l2_advertisement(file, root),
            _ => self.unknown_kind(file, root, &api, &kind),
        }
        let name = root
            .get("metadata")
            .and_then(|m| m.value.get("name"))
            .and_then(|e| e.value.as_scalar())
            .map(|s| s.text.to_string())
            .unwrap_or_default();
        if kind == "List" || !self.objects_has_kind(&kind) {
            return None;
        }
        Some(object_label(&kind, &name))
    }

    /// The apiVersion and kind of the object at `root` (a list's for its bare items:
    /// `inherit`), or `None` after the diagnostic when it is not an object or has neither.
    fn object_kind(
        &mut self,
        file: FileId,
        root: &Node<'_>,
        inherit: Option<(&str, &str)>,
    ) -> Option<(String, String)> {
        if root.as_mapping().is_none() {
            if root.is_null() {
                return None;
            }
            self.diagnostics.push(
                Diagnostic::error(
                    "not-an-object",
                    Self::span(file, root.range),
                    format!(
                        "this document is not a Kubernetes object: expected a mapping with `apiVersion` and `kind`, found {}",
                        root.describe()
                    ),
                )
                .with_hint("each document (between `---` lines) must be one object, e.g. `apiVersion: v1` / `kind: Pod` / `metadata: …`")
                .with_hint(format!("kubectl apply: {}", invalid_data(&self.file_name, &["invalid object to validate"]))),
            );
            return None;
        }
        let text = |key: &str| {
            root.get(key)
                .and_then(|e| e.value.as_scalar())
                .map(|s| s.text.to_string())
                .filter(|s| !s.is_empty())
        };
        let mut api = text("apiVersion");
        let mut kind = text("kind");
        if let (None, None, Some((a, k))) = (&api, &kind, inherit) {
            api = Some(a.to_string()).filter(|a| !a.is_empty());
            kind = Some(k.to_string()).filter(|k| !k.is_empty());
        }
        // kubectl validates the document's own TypeMeta before anything else (a list's bare
        // items are only given the list's kind later, when decoding).
        let mut missing: Vec<&str> =
            if inherit.is_none() { type_meta_causes(root) } else { Vec::new() };
        if missing.is_empty() {
            if api.is_none() {
                missing.push("apiVersion not set");
            }
            if kind.is_none() {
                missing.push("kind not set");
            }
        }
        if self.in_list && inherit.is_some() && kind.is_none() && missing.len() == 1 {
            // A bare item of a `List` that is not `v1` (`apps/v1` `List`): `decodeToList` gives
            // it the kind "" and `infoForObject` cannot type it (`unstructuredscheme`
            // `ObjectKinds`: `runtime.NewMissingKindErr("object has no kind field ")`). That item
            // fails; the others are read.
            let at = TextRange::new(root.range.start, root.range.start);
            self.diagnostics.push(
                Diagnostic::error("no-kind-match", Self::span(file, at), "this list item has no kind: a `List` gives its bare items none")
                    .with_hint("give the item its own `apiVersion` and `kind`")
                    .with_hint("kubectl apply: error: unable to get type info from the object \"*unstructured.Unstructured\": Object 'Kind' is missing in 'object has no kind field '"),
            );
            return None;
        }
        let (Some(api), Some(kind), true) = (&api, &kind, missing.is_empty()) else {
            let at = TextRange::new(root.range.start, root.range.start);
            let mut d = Diagnostic::error(
                "missing-kind",
                Self::span(file, at),
                format!("error validating data: {}", go_aggregate(&missing)),
            );
            d = match kind.as_deref().and_then(api_version_for) {
                Some(v) => d.with_hint(format!("add `apiVersion: {v}` at the top of this object")),
                None => d.with_hint("every object needs `apiVersion` and `kind`, e.g. `apiVersion: v1` and `kind: Service`"),
            };
            // kubectl's client-side validation (`kubectl apply`, default --validate).
            d = d.with_hint(format!("kubectl apply: {}", invalid_data(&self.file_name, &missing)));
            self.diagnostics.push(d);
            return None;
        };
        let (api, kind) = (api.clone(), kind.clone());
        Some((api, kind))
    }

    /// A Namespace.
    fn namespace(&mut self, file: FileId, root: &Node<'_>) {
        let cx = &mut Cx::new(file, &mut self.diagnostics);
        let mut meta = ObjectMeta::default();
        fields!(cx, root, schema::TYPE_META, e => {
            "apiVersion" | "kind" => {},
            "metadata" => meta = kinds::meta(cx, &e.value),
            "spec" => fields!(cx, &e.value, schema::NAMESPACE_SPEC, _f => {}),
            "status" => fields!(cx, &e.value, schema::NAMESPACE_STATUS, _f => {}),
        });
        meta.namespace.clear();
        let meta = finish_meta(cx, meta, file, root.range);
        validate::namespace(&meta, &mut self.diagnostics);
        self.dedup("Namespace", &meta, |o| &mut o.namespaces, Namespace { meta: meta.clone() });
    }

    /// A Node.
    fn node(&mut self, file: FileId, root: &Node<'_>) {
        let cx = &mut Cx::new(file, &mut self.diagnostics);
        let mut meta = ObjectMeta::default();
        let mut node = kinds::Node_ { ready: true, ..Default::default() };
        fields!(cx, root, schema::TYPE_META, e => {
            "apiVersion" | "kind" => {},
            "metadata" => meta = kinds::meta(cx, &e.value),
            "spec" => kinds::node_spec(cx, &e.value, &mut node),
            "status" => kinds::node_status(cx, &e.value, &mut node),
        });
        meta.namespace.clear();
        node.meta = finish_meta(cx, meta, file, root.range);
        validate::node(&node, &mut self.diagnostics);
        let meta = node.meta.clone();
        self.dedup("Node", &meta, |o| &mut o.nodes, node);
    }

    /// A Pod.
    fn pod(&mut self, file: FileId, root: &Node<'_>) {
        let start = self.diagnostics.len();
        let cx = &mut Cx::new(file, &mut self.diagnostics);
        let mut meta = ObjectMeta::default();
        let mut spec = kinds::RawPodSpec::default();
        let mut status = PodStatus::default();
        fields!(cx, root, schema::TYPE_META, e => {
            "apiVersion" | "kind" => {},
            "metadata" => meta = kinds::meta(cx, &e.value),
            "spec" => { cx.go = "Pod"; spec = kinds::pod_spec(cx, &e.value) },
            "status" => status = kinds::pod_status(cx, &e.value),
        });
        defaults::namespace(&mut meta);
        let meta = finish_meta(cx, meta, file, root.range);
        defaults::pod_spec(&mut spec, true);
        let mut pod = Pod { meta, spec: PodSpec::default(), status };
        validate::pod(&pod.meta, &spec, &mut self.diagnostics);
        let warnings =
            validate::pod_warnings("Pod", &pod.meta, &pod.meta.annotations, false, &spec);
        self.warn_if_created(start, warnings);
        pod.spec = defaults::pod_spec_model(spec);
        let meta = pod.meta.clone();
        self.dedup("Pod", &meta, |o| &mut o.pods, pod);
    }

    /// A Service (`start`: its first diagnostic, for the warnings printed only if it is created).
    fn service(&mut self, file: FileId, root: &Node<'_>, start: usize) {
        let cx = &mut Cx::new(file, &mut self.diagnostics);
        let mut svc = kinds::RawService::default();
        let mut meta = ObjectMeta::default();
        fields!(cx, root, schema::TYPE_META, e => {
            "apiVersion" | "kind" => {},
            "metadata" => meta = kinds::meta(cx, &e.value),
            "spec" => kinds::service_spec(cx, &e.value, &mut svc),
            "status" => svc.status = kinds::service_status(cx, &e.value),
        });
        defaults::namespace(&mut meta);
        svc.meta = finish_meta(cx, meta, file, root.range);
        defaults::service(&mut svc);
        validate::service(&svc, self.version, &mut self.diagnostics);
        let mut warnings = Vec::new();
        validate::service_warnings(&svc, self.version, &mut warnings);
        let s = defaults::service_model(svc);
        let meta = s.meta.clone();
        self.dedup("Service", &meta, |o| &mut o.services, s);
        self.warn_if_created(start, warnings);
    }

    /// An Endpoints object (`start` as for [`Loader::service`]).
    fn endpoints(&mut self, file: FileId, root: &Node<'_>) {
        let start = self.diagnostics.len();
        let cx = &mut Cx::new(file, &mut self.diagnostics);
        let mut meta = ObjectMeta::default();
        let mut subsets = Vec::new();
        fields!(cx, root, schema::ENDPOINTS_TOP, e => {
            "apiVersion" | "kind" => {},
            "metadata" => meta = kinds::meta(cx, &e.value),
            "subsets" => subsets = kinds::endpoints_subsets(cx, &e.value),
        });
        defaults::namespace(&mut meta);
        let meta = finish_meta(cx, meta, file, root.range);
        let eps = Endpoints { meta: meta.clone(), subsets };
        validate::endpoints(&eps, &mut self.diagnostics);
        validate::reorder(&mut self.diagnostics[start..], validate::endpoints_rank);
        let subsets = eps.subsets;
        self.dedup(
            "Endpoints",
            &meta,
            |o| &mut o.endpoints,
            Endpoints { meta: meta.clone(), subsets },
        );
        // The deprecation warning comes with every Endpoints response, refused ones too.
        validate::endpoints_warning(&meta, &mut self.diagnostics);
    }

    /// An EndpointSlice.
    fn endpoint_slice(&mut self, file: FileId, root: &Node<'_>) {
        let start = self.diagnostics.len();
        let cx = &mut Cx::new(file, &mut self.diagnostics);
        let mut slice = EndpointSlice::default();
        let mut meta = ObjectMeta::default();
        // The endpoints' addresses are checked for the slice's address type, wherever it is.
        let address_type = root
            .get("addressType")
            .and_then(|e| e.value.as_scalar())
            .map(|s| s.text.to_string())
            .unwrap_or_default();
        fields!(cx, root, schema::ENDPOINTSLICE_TOP, e => {
            "apiVersion" | "kind" => {},
            "metadata" => meta = kinds::meta(cx, &e.value),
            "addressType" => slice.address_type = cx.string(&e.value).unwrap_or_default(),
            "endpoints" => slice.endpoints = kinds::slice_endpoints(cx, &e.value, &address_type),
            "ports" => slice.ports = kinds::slice_ports(cx, &e.value),
        });
        defaults::namespace(&mut meta);
        slice.meta = finish_meta(cx, meta, file, root.range);
        validate::endpoint_slice(&slice, &mut self.diagnostics);
        validate::reorder(&mut self.diagnostics[start..], validate::endpoint_slice_rank);
        let meta = slice.meta.clone();
        self.dedup("EndpointSlice", &meta, |o| &mut o.endpoint_slices, slice);
    }

    /// A ReplicationController.
    fn replication_controller(&mut self, file: FileId, root: &Node<'_>) {
        let start = self.diagnostics.len();
        let cx = &mut Cx::new(file, &mut self.diagnostics);
        let mut meta = ObjectMeta::default();
        let mut replicas: Option<i32> = None;
        let mut selector = Labels::new();
        let mut min_ready: Option<i64> = None;
        let mut template: Option<(ObjectMeta, kinds::RawPodSpec)> = None;
        fields!(cx, root, schema::TYPE_META, e => {
            "apiVersion" | "kind" | "status" => {},
            "metadata" => meta = kinds::meta(cx, &e.value),
            "spec" => {
                cx.go = "ReplicationControllerSpec";
                fields!(cx, &e.value, schema::REPLICATION_CONTROLLER_SPEC, f => {
                    "replicas" => replicas = cx.int32(&f.value),
                    "minReadySeconds" => min_ready = cx.int64(&f.value),
                    "selector" => { cx.go = "ReplicationControllerSpec"; selector = cx.string_map(&f.value) },
                    "template" => if !f.value.is_null() {
                        template = Some(kinds::pod_template(cx, &f.value));
                        cx.go = "ReplicationControllerSpec";
                    },
                });
            },
        });
        defaults::namespace(&mut meta);
        let has_template = template.is_some();
        let (tmeta, mut tspec) = template.unwrap_or_default();
        // SetDefaults_ReplicationController (pkg/apis/core/v1/defaults.go): with template
        // labels, an empty selector and empty object labels become those labels;
        // replicas defaults to 1.
        if !tmeta.labels.is_empty() {
            if selector.is_empty() {
                selector = tmeta.labels.clone();
            }
            if meta.labels.is_empty() {
                meta.labels = tmeta.labels.clone();
            }
        }
        let meta = finish_meta(cx, meta, file, root.range);
        defaults::pod_spec(&mut tspec, false);
        let w = Workload {
            kind: WorkloadKind::ReplicationController,
            meta,
            replicas: replicas.unwrap_or(1),
            selector: Some(LabelSelector { match_labels: selector, match_expressions: Vec::new() }),
            template: PodTemplate {
                labels: tmeta.labels,
                annotations: tmeta.annotations,
                spec: PodSpec::default(),
            },
            service_name: None,
            ordinals_start: 0,
            pod_management_policy: String::new(),
            rollout: Default::default(),
        };
        validate::replication_controller(
            &w,
            &tspec,
            has_template,
            min_ready,
            &mut self.diagnostics,
        );
        let warnings = validate::pod_warnings(
            "ReplicationController",
            &w.meta,
            &w.template.annotations,
            true,
            &tspec,
        );
        self.warn_if_created(start, warnings);
        let mut w = w;
        w.template.spec = defaults::pod_spec_model(tspec);
        let meta = w.meta.clone();
        self.dedup("ReplicationController", &meta, |o| &mut o.workloads, w);
    }

    /// A Deployment, ReplicaSet, StatefulSet or DaemonSet (`kind`).
    fn apps_workload(&mut self, file: FileId, root: &Node<'_>, kind: &str) {
        let start = self.diagnostics.len();
        let cx = &mut Cx::new(file, &mut self.diagnostics);
        let wk = match kind {
            "Deployment" => WorkloadKind::Deployment,
            "ReplicaSet" => WorkloadKind::ReplicaSet,
            "StatefulSet" => WorkloadKind::StatefulSet,
            _ => WorkloadKind::DaemonSet,
        };
        let known = match wk {
            WorkloadKind::Deployment => schema::DEPLOYMENT_SPEC,
            WorkloadKind::ReplicaSet => schema::REPLICASET_SPEC,
            WorkloadKind::StatefulSet => schema::STATEFULSET_SPEC,
            WorkloadKind::DaemonSet => schema::DAEMONSET_SPEC,
            WorkloadKind::ReplicationController => schema::REPLICATION_CONTROLLER_SPEC,
        };
        let mut meta = ObjectMeta::default();
        let mut replicas: Option<i32> = None;
        let mut selector: Option<LabelSelector> = None;
        let mut tmeta = ObjectMeta::default();
        let mut tspec = kinds::RawPodSpec::default();
        let mut service_name = None;
        let mut ordinals_start = 0;
        let mut pod_management_policy = None;
        let mut rollout = crate::model::Rollout::default();
        let mut ordinals_given: Option<i32> = None;
        fields!(cx, root, schema::TYPE_META, e => {
            "apiVersion" | "kind" | "status" => {},
            "metadata" => meta = kinds::meta(cx, &e.value),
            "spec" => {
                cx.go = match wk {
                    WorkloadKind::Deployment => "DeploymentSpec",
                    WorkloadKind::ReplicaSet => "ReplicaSetSpec",
                    WorkloadKind::StatefulSet => "StatefulSetSpec",
                    WorkloadKind::DaemonSet => "DaemonSetSpec",
                    WorkloadKind::ReplicationController => "ReplicationControllerSpec",
                };
                let go = cx.go;
                fields!(cx, &e.value, known, f => {
                    "replicas" => replicas = cx.int32(&f.value),
                    "selector" => if !f.value.is_null() { selector = Some(kinds::label_selector(cx, &f.value)) },
                    "template" => { let t = kinds::pod_template(cx, &f.value); tmeta = t.0; tspec = t.1; cx.go = go; },
                    "serviceName" => service_name = cx.string(&f.value),
                    // `ordinals.start` (StatefulSetStartOrdinal, GA in v1.31).
                    "ordinals" => if let Some(s) = f.value.get("start") {
                        ordinals_given = cx.int32(&s.value);
                        ordinals_start = ordinals_given.unwrap_or(0).max(0);
                    },
                    "minReadySeconds" => rollout.min_ready_seconds = cx.int64(&f.value),
                    "persistentVolumeClaimRetentionPolicy" => for (i, key) in ["whenDeleted", "whenScaled"].into_iter().enumerate() {
                        if let Some(x) = f.value.get(key) { rollout.pvc_retention[i] = cx.string(&x.value) }
                    },
                    "revisionHistoryLimit" => rollout.revision_history_limit = cx.int64(&f.value),
                    "progressDeadlineSeconds" => rollout.progress_deadline_seconds = cx.int64(&f.value),
                    "strategy" | "updateStrategy" => if !f.value.is_null() {
                        if let Some(t) = f.value.get("type") {
                            rollout.strategy_type = cx.string(&t.value);
                        }
                        if let Some(r) = f.value.get("rollingUpdate").filter(|r| !r.value.is_null()) {
                            rollout.rolling_update = true;
                            if let Some(x) = r.value.get("maxSurge") { rollout.max_surge = cx.int_or_string(&x.value) }
                            if let Some(x) = r.value.get("maxUnavailable") { rollout.max_unavailable = cx.int_or_string(&x.value) }
                            if let Some(x) = r.value.get("partition") { rollout.partition = cx.int64(&x.value) }
                        }
                    },
                    "podManagementPolicy" => pod_management_policy = cx.string(&f.value),
                });
            },
        });
        defaults::namespace(&mut meta);
        let meta = finish_meta(cx, meta, file, root.range);
        defaults::pod_spec(&mut tspec, false);
        let w = Workload {
            kind: wk,
            meta,
            replicas: replicas.unwrap_or(1),
            selector,
            template: PodTemplate {
                labels: tmeta.labels,
                annotations: tmeta.annotations,
                spec: PodSpec::default(),
            },
            service_name,
            ordinals_start,
            // `SetDefaults_StatefulSet`: an empty policy is `OrderedReady`.
            pod_management_policy: match pod_management_policy {
                _ if wk != WorkloadKind::StatefulSet => String::new(),
                Some(p) if !p.is_empty() => p,
                _ => "OrderedReady".to_string(),
            },
            rollout: crate::model::Rollout {
                ordinals_start: ordinals_given.map(i64::from),
                ..rollout
            },
        };
        validate::workload(&w, &tspec, &mut self.diagnostics);
        let warnings =
            validate::pod_warnings(wk.as_str(), &w.meta, &w.template.annotations, true, &tspec);
        self.warn_if_created(start, warnings);
        let mut w = w;
        w.template.spec = defaults::pod_spec_model(tspec);
        let meta = w.meta.clone();
        self.dedup(wk.as_str(), &meta, |o| &mut o.workloads, w);
    }

    /// A ConfigMap.
    fn config_map(&mut self, file: FileId, root: &Node<'_>) {
        let cx = &mut Cx::new(file, &mut self.diagnostics);
        let mut meta = ObjectMeta::default();
        let mut data = Labels::new();
        fields!(cx, root, schema::CONFIGMAP_TOP, e => {
            "apiVersion" | "kind" => {},
            "metadata" => meta = kinds::meta(cx, &e.value),
            "data" => { cx.go = "ConfigMap"; data = cx.string_map(&e.value) },
        });
        defaults::namespace(&mut meta);
        let meta = finish_meta(cx, meta, file, root.range);
        validate::meta_common(
            "ConfigMap",
            &meta,
            validate::NameRule::Subdomain,
            &mut self.diagnostics,
        );
        self.dedup(
            "ConfigMap",
            &meta,
            |o| &mut o.config_maps,
            ConfigMap { meta: meta.clone(), data },
        );
    }

    /// kubeadm's ClusterConfiguration (`api`: its apiVersion; v1beta4 changed `extraArgs`).
    fn cluster_configuration(&mut self, file: FileId, root: &Node<'_>, api: &str) {
        let cx = &mut Cx::new(file, &mut self.diagnostics);
        let v4 = api.ends_with("v1beta4");
        let mut c = ClusterConfiguration::default();
        let mut meta = ObjectMeta::default();
        let mut version_at = None;
        fields!(cx, root, schema::KUBEADM_CLUSTER_CONFIGURATION, e => {
            "apiVersion" | "kind" => {},
            "metadata" => meta = kinds::meta(cx, &e.value),
            "kubernetesVersion" => {
                c.kubernetes_version = cx.string(&e.value);
                version_at = Some(e.value.range);
            },
            "networking" => fields!(cx, &e.value, schema::KUBEADM_NETWORKING, f => {
                "serviceSubnet" => c.service_subnet = cx.string(&f.value),
                "podSubnet" => c.pod_subnet = cx.string(&f.value),
                "dnsDomain" => c.dns_domain = cx.string(&f.value),
            }),
            "apiServer" => fields!(cx, &e.value, schema::KUBEADM_API_SERVER, f => {
                "extraArgs" => {
                    if v4 {
                        // v1beta4: a list of {name, value}.
                        items!(cx, &f.value, _i, it => {
                            let mut name = String::new();
                            let mut value = None;
                            fields!(cx, it, &["name", "value"], g => {
                                "name" => name = cx.string(&g.value).unwrap_or_default(),
                                "value" => value = cx.string(&g.value),
                            });
                            if name == "service-node-port-range" {
                                c.service_node_port_range = value;
                            }
                        });
                    } else {
                        let args = cx.string_map(&f.value);
                        if let Some(v) = args.get("service-node-port-range") {
                            c.service_node_port_range = Some(v.clone());
                        }
                    }
                },
            }),
        });
        c.meta = finish_meta(cx, meta, file, root.range);
        if let (Some(text), Some(at)) = (&c.kubernetes_version, version_at) {
            if let Err(e) = version::parse(text) {
                self.diagnostics.push(version_error(Self::span(file, at), text, &e));
            }
        }
        self.objects.cluster_configurations.push(c);
    }

    /// A KubeProxyConfiguration.
    fn kube_proxy_configuration(&mut self, file: FileId, root: &Node<'_>) {
        let cx = &mut Cx::new(file, &mut self.diagnostics);
        let mut c = KubeProxyConfiguration::default();
        let mut meta = ObjectMeta::default();
        fields!(cx, root, schema::KUBE_PROXY_CONFIGURATION, e => {
            "apiVersion" | "kind" => {},
            "metadata" => meta = kinds::meta(cx, &e.value),
            "mode" => c.mode = cx.string(&e.value),
            "clusterCIDR" => c.cluster_cidr = cx.string(&e.value),
            "nodePortAddresses" => c.node_port_addresses = cx.string_list(&e.value),
            "iptables" => fields!(cx, &e.value, schema::KUBE_PROXY_IPTABLES, f => {
                "masqueradeBit" => c.masquerade_bit = cx.int32(&f.value),
                "masqueradeAll" => c.masquerade_all = cx.boolean(&f.value),
                "localhostNodePorts" => c.localhost_node_ports = cx.boolean(&f.value),
            }),
            "linux" => fields!(cx, &e.value, schema::KUBE_PROXY_LINUX, f => {
                "masqueradeAll" => c.masquerade_all = cx.boolean(&f.value),
            }),
            "nftables" => fields!(cx, &e.value, schema::KUBE_PROXY_NFTABLES, f => {
                "masqueradeBit" => c.nftables_masquerade_bit = cx.int32(&f.value),
                "masqueradeAll" => c.nftables_masquerade_all = cx.boolean(&f.value),
            }),
        });
        c.meta = finish_meta(cx, meta, file, root.range);
        self.objects.kube_proxy_configurations.push(c);
    }

    /// A KubeletConfiguration.
    fn kubelet_configuration(&mut self, file: FileId, root: &Node<'_>) {
        let cx = &mut Cx::new(file, &mut self.diagnostics);
        let mut c = KubeletConfiguration::default();
        let mut meta = ObjectMeta::default();
        // KubeletConfiguration has well over a hundred fields; we read two and accept
        // every other field without checking it.
        for e in cx.mapping(root) {
            let Some(k) = e.key_str() else { continue };
            let m = cx.enter(k, e);
            match k {
                "metadata" => meta = kinds::meta(cx, &e.value),
                "clusterDNS" => c.cluster_dns = cx.string_list(&e.value),
                "clusterDomain" => c.cluster_domain = cx.string(&e.value),
                _ => {}
            }
            cx.leave(m);
        }
        c.meta = finish_meta(cx, meta, file, root.range);
        self.objects.kubelet_configurations.push(c);
    }

    /// A NetworkPolicy (`start` as for [`Loader::service`]).
    fn network_policy(&mut self, file: FileId, root: &Node<'_>, start: usize) {
        let cx = &mut Cx::new(file, &mut self.diagnostics);
        let mut np = kinds::policy::RawNetworkPolicy::default();
        let mut meta = ObjectMeta::default();
        fields!(cx, root, kinds::policy::NETWORK_POLICY_TOP, e => {
            "apiVersion" | "kind" => {},
            "metadata" => meta = kinds::meta(cx, &e.value),
            "spec" => kinds::policy::network_policy_spec(cx, &e.value, &mut np),
        });
        defaults::namespace(&mut meta);
        np.meta = finish_meta(cx, meta, file, root.range);
        defaults::policy::network_policy(&mut np);
        validate::policy::network_policy(&np, self.version, &mut self.diagnostics);
        let mut warnings = Vec::new();
        validate::policy::network_policy_warnings(&np, &mut warnings);
        let np = defaults::policy::network_policy_model(np);
        let meta = np.meta.clone();
        self.dedup("NetworkPolicy", &meta, |o| &mut o.network_policies, np);
        self.warn_if_created(start, warnings);
    }

    /// A ClusterNetworkPolicy.
    fn cluster_network_policy(&mut self, file: FileId, root: &Node<'_>) {
        let cx = &mut Cx::new(file, &mut self.diagnostics);
        let mut c = kinds::policy::RawCnp::default();
        let mut meta = ObjectMeta::default();
        fields!(cx, root, kinds::policy::CNP_TOP, e => {
            "apiVersion" | "kind" | "status" => {},
            "metadata" => meta = kinds::meta(cx, &e.value),
            "spec" => kinds::policy::cnp_spec(cx, &e.value, &mut c),
        });
        c.meta = finish_meta(cx, meta, file, root.range);
        validate::policy::cluster_network_policy(&c, &mut self.diagnostics);
        let c = defaults::policy::cnp_model(c);
        let meta = c.meta.clone();
        self.dedup("ClusterNetworkPolicy", &meta, |o| &mut o.cluster_network_policies, c);
    }

    /// A MetalLB IPAddressPool.
    fn ip_address_pool(&mut self, file: FileId, root: &Node<'_>) {
        let cx = &mut Cx::new(file, &mut self.diagnostics);
        let mut p = IpAddressPool { auto_assign: true, ..Default::default() };
        let mut meta = ObjectMeta::default();
        fields!(cx, root, schema::TYPE_META, e => {
            "apiVersion" | "kind" | "status" => {},
            "metadata" => meta = kinds::meta(cx, &e.value),
            "spec" => fields!(cx, &e.value, schema::METALLB_POOL_SPEC, f => {
                "addresses" => p.addresses = cx.string_list(&f.value),
                "autoAssign" => p.auto_assign = cx.boolean(&f.value).unwrap_or(true),
            }),
        });
        defaults::namespace(&mut meta);
        p.meta = finish_meta(cx, meta, file, root.range);
        let meta = p.meta.clone();
        self.dedup("IPAddressPool", &meta, |o| &mut o.ip_address_pools, p);
    }

    /// A MetalLB L2Advertisement.
    fn l2_advertisement(&mut self, file: FileId, root: &Node<'_>) {
        let cx = &mut Cx::new(file, &mut self.diagnostics);
        let mut l2 = L2Advertisement::default();
        let mut meta = ObjectMeta::default();
        fields!(cx, root, schema::TYPE_META, e => {
            "apiVersion" | "kind" | "status" => {},
            "metadata" => meta = kinds::meta(cx, &e.value),
            "spec" => fields!(cx, &e.value, schema::METALLB_L2_SPEC, f => {
                "ipAddressPools" => l2.ip_address_pools = cx.string_list(&f.value),
            }),
        });
        defaults::namespace(&mut meta);
        l2.meta = finish_meta(cx, meta, file, root.range);
        let meta = l2.meta.clone();
        self.dedup("L2Advertisement", &meta, |o| &mut o.l2_advertisements, l2);
    }

    /// A kind that is not simulated, or that its apiVersion does not serve: the error or warning kubectl's REST mapping gives.
    fn unknown_kind(&mut self, file: FileId, root: &Node<'_>, api: &str, kind: &str) {
        let group = api.split_once('/').map_or("", |(g, _)| g);
        let kind_span = root.get("kind").map_or(root.range, |e| e.value.range);
        let meta = root.get("metadata").map(|e| &e.value);
        let field = |k: &str| {
            meta.and_then(|m| m.get(k))
                .and_then(|e| e.value.as_scalar())
                .map_or(String::new(), |s| s.text.to_string())
        };
        // A list's items are mapped by `FlattenListVisitor` through `mapper.infoForObject`
        // (`unable to recognize %v`), a document by `infoForData` (`cli-runtime` `mapper.go`).
        let mapping_error = if self.in_list {
            format!("kubectl apply: error: unable to recognize no matches for kind \"{kind}\" in version \"{api}\"")
        } else {
            format!(
                "kubectl apply: error: resource mapping not found for name: \"{}\" namespace: \"{}\" from \"{}\": no matches for kind \"{kind}\" in version \"{api}\"",
                field("name"),
                field("namespace"),
                self.file_name
            )
        };
        let api_span = root.get("apiVersion").map_or(kind_span, |e| e.value.range);
        let builtin = builtin_kinds(api);
        let d = match api_version_for(kind) {
            Some(v)
                if kind_info(kind)
                    .is_some_and(|k| !k.serves(api) && k.simulated != Simulated::Config) =>
            {
                Diagnostic::error(
                    "no-kind-match",
                    Self::span(file, api_span),
                    format!("no matches for kind \"{kind}\" in version \"{api}\""),
                )
                .with_hint(format!("{kind} is served as `apiVersion: {v}`"))
                .with_hint(mapping_error)
            }
            // A kind the API group does not serve (a typo such as `Deplyment` or
            // `service`): kubectl's REST mapping fails.
            _ if !builtin.is_empty() && !builtin.contains(&kind) => {
                let mut d = Diagnostic::error(
                    "no-kind-match",
                    Self::span(file, kind_span),
                    format!("no matches for kind \"{kind}\" in version \"{api}\""),
                );
                if let Some(k) = decode::suggest(kind, &builtin) {
                    d = d
                        .with_hint(format!("did you mean `kind: {k}`? (kinds are case-sensitive)"));
                }
                d.with_hint(mapping_error)
            }
            _ => {
                let mut d = Diagnostic::warning(
                    "unsupported-kind",
                    Self::span(file, kind_span),
                    format!("{kind} ({api}) is not simulated; this object is ignored"),
                )
                .with_hint(not_simulated_hint(kind, group));
                // A kind Kubernetes serves: `kubectl apply` creates it (`apply::kubectl_apply`).
                if kind_info(kind).is_some() {
                    d.object = Some(object_label(kind, &field("name")));
                }
                d
            }
        };
        self.diagnostics.push(d);
    }

    fn objects_has_kind(&self, kind: &str) -> bool {
        kind_info(kind).is_some_and(|k| k.simulated != Simulated::No)
    }

    /// Adds the API server's warnings for an object it created: none when the object has an
    /// error of its own (the API server answers with the error instead, `rest.BeforeCreate`).
    fn warn_if_created(&mut self, start: usize, warnings: Vec<Diagnostic>) {
        let refused = self
            .diagnostics
            .iter()
            .skip(start)
            .any(|d| d.severity == crate::diagnostic::Severity::Error);
        if !refused {
            self.diagnostics.extend(warnings);
        }
    }

    /// The NamespaceLifecycle admission plugin (`apiserver` `plugin/namespace/lifecycle`
    /// `admission.go`): an object in a namespace that does not exist is refused with
    /// `namespaces "X" not found` (404), before validation. `kubectl apply` creates objects in
    /// input order, so a Namespace of the input counts only above the object.
    fn check_namespace(&mut self, kind: &'static str, meta: &ObjectMeta) {
        let Some(info) = kind_info(kind) else { return };
        if info.group == "metallb.io" {
            self.uses_metallb = true;
        }
        if kind == "Namespace" {
            self.created_namespaces.insert(meta.name.clone());
            return;
        }
        if !info.namespaced || info.simulated == Simulated::Config {
            return;
        }
        let ns = meta.namespace.as_str();
        // MetalLB's install manifest creates `metallb-system`; the simulator assumes MetalLB
        // is installed when the input uses its kinds.
        let builtin =
            BUILTIN_NAMESPACES.contains(&ns) || (ns == "metallb-system" && self.uses_metallb);
        if ns.is_empty() || builtin || self.created_namespaces.contains(ns) {
            return;
        }
        // An invalid name too: no such namespace can exist, and admission answers before
        // validation would report the name (validation_test.go's "invalid namespace" case is
        // unreachable through the API).
        let span = meta.source.as_ref().map_or(Span::default(), |s| Span {
            file: s.file,
            range: s.fields.get("metadata.namespace").map_or(s.range, |f| f.value),
        });
        let message = format!("namespaces \"{ns}\" not found");
        let mut d = Diagnostic::error(NAMESPACE_NOT_FOUND, span, message.clone())
            .with_hint(format!(
                "the namespace {ns:?} does not exist: add a Namespace object above this one (`apiVersion: v1`, `kind: Namespace`, `metadata: {{name: {ns}}}`), or use an existing namespace"
            ))
            .with_hint(format!(
                "kubectl apply: Error from server (NotFound): error when creating \"{}\": {message}",
                self.file_name
            ));
        if let Some(at) = self.insert_at {
            d = d.with_fix(Fix {
                title: format!("Add Namespace \"{ns}\""),
                edits: vec![Edit {
                    span: at,
                    text: format!(
                        "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: {ns}\n---\n"
                    ),
                }],
            });
        }
        d.object = Some(object_label(kind, &meta.name));
        self.missing_namespaces.push((self.diagnostics.len(), ns.to_string()));
        self.diagnostics.push(d);
    }

    /// Adds an object, replacing an earlier one with the same kind/namespace/name (warned).
    ///
    /// Size measure: only the list handling is generic; the bookkeeping and the warning live in
    /// [`Self::note_duplicate`], so they are not copied into the wasm once per kind.
    fn dedup<T>(
        &mut self,
        kind: &'static str,
        meta: &ObjectMeta,
        list: impl Fn(&mut Objects) -> &mut Vec<T>,
        obj: T,
    ) where
        T: HasMeta,
    {
        self.check_namespace(kind, meta);
        let duplicate = self.note_duplicate(kind, meta);
        let l = list(&mut self.objects);
        if duplicate {
            if let Some(pos) = l.iter().position(|o| {
                let m = o.meta();
                m.name == meta.name && m.namespace == meta.namespace && o.kind_str() == kind
            }) {
                l.remove(pos);
            }
        }
        l.push(obj);
    }

    /// Records where `kind`/namespace/name is first defined; for a later definition, warns and
    /// returns true (the caller replaces the earlier object). Unnamed objects are never duplicates.
    #[inline(never)]
    fn note_duplicate(&mut self, kind: &'static str, meta: &ObjectMeta) -> bool {
        let here = meta.source.as_ref().map(|s| Span {
            file: s.file,
            range: s.fields.get("metadata.name").map_or(s.range, |f| f.value),
        });
        if meta.name.is_empty() {
            return false;
        }
        let first = self
            .seen
            .get(kind)
            .and_then(|m| m.get(meta.namespace.as_str()))
            .and_then(|m| m.get(meta.name.as_str()))
            .copied();
        if let Some(first) = first {
            let what = if meta.namespace.is_empty() {
                format!("{kind} \"{}\"", meta.name)
            } else {
                format!("{kind} \"{}\" in namespace \"{}\"", meta.name, meta.namespace)
            };
            let mut d = Diagnostic::warning(
                "duplicate-object",
                here.unwrap_or(first),
                format!("{what} is defined twice; the later definition replaces the earlier one"),
            )
            .with_related(first, "first defined here")
            .with_hint("kubectl apply would apply both in order, so the last one wins; rename one of them or remove the copy");
            d.object = Some(object_label(kind, &meta.name));
            self.diagnostics.push(d);
            return true;
        }
        if let Some(h) = here {
            let names = self.seen.entry(kind).or_default();
            let names = match names.get_mut(meta.namespace.as_str()) {
                Some(n) => n,
                None => names.entry(meta.namespace.clone()).or_default(),
            };
            names.insert(meta.name.clone(), h);
        }
        false
    }

    fn finish(mut self) -> Loaded {
        // A Namespace the input defines only below an object in it: kubectl still refuses the
        // object (input order), the fix is to move the Namespace up, not to add a second one.
        for (i, ns) in std::mem::take(&mut self.missing_namespaces) {
            if self.created_namespaces.contains(&ns) {
                if let Some(d) = self.diagnostics.get_mut(i) {
                    d.fix = None;
                    // Replaces "add a Namespace" (hint 0); the kubectl line stays.
                    d.hints.splice(..1.min(d.hints.len()), [format!(
                        "the Namespace {ns:?} is defined further down: kubectl apply creates objects in input order, so this object comes first and is refused; move the Namespace above it (applying the input a second time would also work)"
                    )]);
                }
            }
        }
        Loaded {
            objects: self.objects,
            diagnostics: self.diagnostics,
            version: self.version,
            read_at: self.read_at,
        }
    }
}

/// The code of the NamespaceLifecycle refusal (see `Loader::check_namespace`).
pub const NAMESPACE_NOT_FOUND: &str = "namespace-not-found";

/// Where a Namespace manifest is inserted for the one-click fix: the start of the line the
/// document's root begins on, when only blanks precede it there (else nothing: inserting at a
/// `--- {…}` line or after a `%YAML` directive would break the stream).
fn namespace_insert_point(
    file: FileId,
    text: &str,
    root_start: u32,
    first_char: Option<char>,
) -> Option<Span> {
    let start = usize::try_from(root_start).ok()?;
    let before = text.get(..start)?;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let prefix = before.get(line_start..)?;
    if !prefix.trim().is_empty() || first_char == Some('%') {
        return None;
    }
    let at = u32::try_from(line_start).ok()?;
    Some(Span { file, range: TextRange::new(at, at) })
}

/// An unusable `kubernetesVersion` (code `unsupported-version`): kubeadm's text for a malformed
/// one, the supported range for a release the simulator does not model.
fn version_error(span: Span, text: &str, e: &version::VersionError) -> Diagnostic {
    let (oldest, newest) = (KubeVersion::OLDEST.minor_string(), KubeVersion::NEWEST.minor_string());
    let message = match e {
        version::VersionError::Malformed(m) => m.clone(),
        version::VersionError::Unsupported(_) => format!(
            "kubernetesVersion {text:?} is not simulated: the simulator runs Kubernetes {oldest} to {newest}"
        ),
    };
    // `v1.36` / `1.36`: kubeadm wants the patch number too.
    let example = match (e, version::parse(&format!("{}.0", text.trim()))) {
        (version::VersionError::Malformed(_), Ok(v)) => v,
        _ => KubeVersion::NEWEST,
    };
    Diagnostic::error("unsupported-version", span, message).with_hint(format!(
        "use a release from {oldest} to {newest} (e.g. `kubernetesVersion: {example}`); the cluster runs {} meanwhile",
        KubeVersion::NEWEST
    ))
}

/// What a kind the simulator does not simulate would have done, in true words.
fn not_simulated_hint(kind: &str, group: &str) -> String {
    match kind {
        "Job" | "CronJob" => format!(
            "the Pods a {kind} creates are not simulated, so no Service gets endpoints from them here; run the Pods from a Deployment to see them behind a Service"
        ),
        "HorizontalPodAutoscaler" => "replica counts stay as written (no autoscaling); use the what-if scale to change them".into(),
        "NetworkPolicy" | "ClusterNetworkPolicy" | "AdminNetworkPolicy" | "BaselineAdminNetworkPolicy" => {
            "policies are not enforced here: requests are simulated as if no network policy existed".into()
        }
        "Ingress" | "IngressClass" | "Gateway" | "HTTPRoute" | "GatewayClass" => format!(
            "no ingress or gateway controller is simulated: requests through the {kind} are not modelled; the Services it points at work as usual"
        ),
        "PodDisruptionBudget" => "no evictions are simulated, so the budget changes nothing here".into(),
        _ if group.is_empty() || matches!(group, "rbac.authorization.k8s.io" | "storage.k8s.io" | "scheduling.k8s.io" | "coordination.k8s.io" | "apiextensions.k8s.io" | "policy") => format!(
            "{kind} objects are not simulated: the simulator models Pods, Services, their endpoints, DNS and kube-proxy, and {kind} takes no part in how they route here"
        ),
        _ => format!(
            "{kind} ({}) is not modelled: whatever its controller would do is not simulated",
            if group.is_empty() { "core" } else { group }
        ),
    }
}

fn finish_meta(
    cx: &mut Cx<'_>,
    mut meta: ObjectMeta,
    file: FileId,
    range: TextRange,
) -> ObjectMeta {
    let fields = std::mem::take(&mut cx.spans).finish();
    meta.source = Some(Source { file, range, fields });
    meta
}

/// Access to `metadata` of every kind stored in [`Objects`], for de-duplication.
pub(crate) trait HasMeta {
    fn meta(&self) -> &ObjectMeta;
    fn kind_str(&self) -> &'static str;
}

macro_rules! has_meta {
    ($($t:ty => $k:expr),*) => {$(
        impl HasMeta for $t {
            fn meta(&self) -> &ObjectMeta { &self.meta }
            fn kind_str(&self) -> &'static str { $k }
        }
    )*};
}
has_meta!(Namespace => "Namespace", crate::model::Node => "Node", Pod => "Pod", Service => "Service",
    Endpoints => "Endpoints", EndpointSlice => "EndpointSlice", ConfigMap => "ConfigMap",
    IpAddressPool => "IPAddressPool", L2Advertisement => "L2Advertisement",
    NetworkPolicy => "NetworkPolicy", ClusterNetworkPolicy => "ClusterNetworkPolicy");

impl HasMeta for Workload {
    fn meta(&self) -> &ObjectMeta {
        &self.meta
    }
    fn kind_str(&self) -> &'static str {
        self.kind.as_str()
    }
}

/// The first value (not key) in `n` that go-yaml reads as a float JSON cannot hold: `.nan`,
/// `.inf`, `-.inf` and their spellings (a key is made a string instead). Its range, text and
/// Go's name for it (`NaN`, `+Inf`, `-Inf`).
fn json_unsupported_float<'a>(n: &'a Node<'_>) -> Option<(TextRange, &'a str, &'static str)> {
    match &n.value {
        syntax::Value::Scalar(s) => match syntax::scalar::resolve(s) {
            syntax::scalar::Resolved::Float(f) if f.is_nan() => Some((n.range, &s.text, "NaN")),
            syntax::scalar::Resolved::Float(f)
                if f.is_infinite() && s.text.contains(['i', 'I']) =>
            {
                Some((n.range, &s.text, if f > 0.0 { "+Inf" } else { "-Inf" }))
            }
            _ => None,
        },
        syntax::Value::Mapping(entries) => {
            entries.iter().find_map(|e| json_unsupported_float(&e.value))
        }
        syntax::Value::Sequence(items) => items.iter().find_map(json_unsupported_float),
    }
}

#[cfg(test)]
mod tests;

/// One API object as `kubectl apply` names it, for printing what kubectl would print.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AppliedObject {
    pub file: FileId,
    /// Byte offset of the object in its file (input order).
    pub offset: u32,
    /// `Service`, `Deployment`, …
    pub kind: &'static str,
    /// The version part of `apiVersion` (`v1` for `apps/v1`).
    pub version: &'static str,
    /// kubectl's resource name: `service`, `deployment.apps`, `endpointslice.discovery.k8s.io`.
    pub resource: String,
    pub name: String,
    /// `Service "web"`.
    pub label: String,
}

/// Every object that `kubectl apply` would send to the API server (configuration kinds such as
/// kubeadm's ClusterConfiguration are files for their tools, not API objects, and are left out).
pub fn applied_objects(o: &Objects) -> Vec<AppliedObject> {
    o.metas()
        .into_iter()
        .filter_map(|(kind, meta)| {
            let info = kind_info(kind).filter(|k| k.simulated == Simulated::Yes)?;
            let (file, offset) =
                meta.source.as_ref().map_or((FileId(u32::MAX), 0), |s| (s.file, s.range.start));
            Some(AppliedObject {
                file,
                offset,
                kind: info.kind,
                version: info.versions.first().copied().unwrap_or("v1"),
                resource: info.kubectl_name(),
                name: meta.name.clone(),
                label: object_label(kind, &meta.name),
            })
        })
        .collect()
}
