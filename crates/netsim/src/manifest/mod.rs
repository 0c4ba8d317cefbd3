//! Stage 2 of the pipeline: spanned YAML documents → `model::Objects`, decoded, defaulted and
//! validated as the API server would.
//!
//! For each document (and each item of a `kind: List`): dispatch on `apiVersion` + `kind`, walk
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
//! `unsupported-kind`, `no-kind-match`, `missing-kind`, `not-an-object`, `duplicate-object`.
//! [`applied_objects`] names the objects as `kubectl apply` prints them. The name and label
//! rules (`validate::is_dns1035_label`, `is_qualified_name`, …) are public for other stages.

pub(crate) mod decode;
pub(crate) mod defaults;
pub(crate) mod kinds;
pub(crate) mod schema;
pub mod validate;

use std::collections::BTreeMap;

use crate::diagnostic::{Diagnostic, SourceFiles};
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
        o
    }
}

/// Reads every file: YAML/JSON → objects, with diagnostics. Never fails.
pub fn load(files: &SourceFiles) -> Loaded {
    let mut l = Loader::default();
    for (file, name, text) in files.iter() {
        l.file_name = name.to_string();
        // Documents are decoded as the parser completes them and dropped right after, so the
        // spanned tree of at most one document is alive at a time.
        syntax::parse_each(file, text, |item| match item {
            syntax::Item::Diagnostic(d) => l.diagnostics.push(d),
            syntax::Item::Document(doc) => {
                if let Some(root) = &doc.root {
                    l.object(file, root, 0);
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
    objects: Objects,
    diagnostics: Vec<Diagnostic>,
    /// (kind, namespace, name) → span of the first definition.
    seen: BTreeMap<(&'static str, String, String), Span>,
}

/// The object label the API server uses in `The Service "x" is invalid`: the name with Go's
/// `%q` (`apierrors.NewInvalid`: `fmt.Sprintf("%s %q is invalid: %v", …)`, k8s.io/apimachinery
/// pkg/api/errors/errors.go), so quotes and invisible characters in a bad name show escaped.
pub(crate) fn object_label(kind: &str, name: &str) -> String {
    format!("{kind} {}", validate::go_quote(name))
}

fn api_version_for(kind: &str) -> Option<&'static str> {
    Some(match kind {
        "Namespace" | "Node" | "Pod" | "Service" | "Endpoints" | "ConfigMap" | "List" => "v1",
        "EndpointSlice" => "discovery.k8s.io/v1",
        "Deployment" | "ReplicaSet" | "StatefulSet" | "DaemonSet" => "apps/v1",
        "ClusterConfiguration" => "kubeadm.k8s.io/v1beta4",
        "KubeProxyConfiguration" => "kubeproxy.config.k8s.io/v1alpha1",
        "KubeletConfiguration" => "kubelet.config.k8s.io/v1beta1",
        "IPAddressPool" | "L2Advertisement" => "metallb.io/v1beta1",
        _ => return None,
    })
}

/// The kinds a built-in API group/version serves (`kubectl api-resources`), for telling a typo
/// (`kind: Deplyment`, `kind: service`) from a kind we merely do not simulate. Empty for groups
/// we do not know (CRDs and others are then only "not simulated").
fn builtin_kinds(api: &str) -> &'static [&'static str] {
    match api {
        "v1" => &[
            "Binding",
            "ComponentStatus",
            "ConfigMap",
            "Endpoints",
            "Event",
            "LimitRange",
            "List",
            "Namespace",
            "Node",
            "PersistentVolume",
            "PersistentVolumeClaim",
            "Pod",
            "PodTemplate",
            "ReplicationController",
            "ResourceQuota",
            "Secret",
            "Service",
            "ServiceAccount",
        ],
        "apps/v1" => {
            &["ControllerRevision", "DaemonSet", "Deployment", "ReplicaSet", "StatefulSet"]
        }
        "discovery.k8s.io/v1" => &["EndpointSlice"],
        "batch/v1" => &["CronJob", "Job"],
        "networking.k8s.io/v1" => {
            &["Ingress", "IngressClass", "NetworkPolicy", "IPAddress", "ServiceCIDR"]
        }
        "metallb.io/v1beta1" => &[
            "BFDProfile",
            "BGPAdvertisement",
            "BGPPeer",
            "Community",
            "IPAddressPool",
            "L2Advertisement",
        ],
        _ => &[],
    }
}

impl Loader {
    fn span(file: FileId, range: TextRange) -> Span {
        Span { file, range }
    }

    /// Reads one object, then attaches its label (`Service "web"`) to every diagnostic it
    /// produced, so consumers can group them per object as `kubectl apply` does.
    fn object(&mut self, file: FileId, root: &Node<'_>, depth: usize) {
        let start = self.diagnostics.len();
        let label = self.object_inner(file, root, depth);
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

    fn object_inner(&mut self, file: FileId, root: &Node<'_>, depth: usize) -> Option<String> {
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
                .with_hint("each document (between `---` lines) must be one object, e.g. `apiVersion: v1` / `kind: Pod` / `metadata: …`"),
            );
            return None;
        }
        let text = |key: &str| {
            root.get(key)
                .and_then(|e| e.value.as_scalar())
                .map(|s| s.text.to_string())
                .filter(|s| !s.is_empty())
        };
        let api = text("apiVersion");
        let kind = text("kind");
        let (api, kind) = match (api, kind) {
            (Some(a), Some(k)) => (a, k),
            (a, k) => {
                // kubectl: `error validating data: [apiVersion not set, kind not set]`.
                let mut missing = Vec::new();
                if a.is_none() {
                    missing.push("apiVersion not set");
                }
                if k.is_none() {
                    missing.push("kind not set");
                }
                let at = TextRange::new(root.range.start, root.range.start);
                let mut d = Diagnostic::error(
                    "missing-kind",
                    Self::span(file, at),
                    format!("error validating data: [{}]", missing.join(", ")),
                );
                d = match k.as_deref().and_then(api_version_for) {
                    Some(v) => d.with_hint(format!("add `apiVersion: {v}` at the top of this object")),
                    None => d.with_hint("every object needs `apiVersion` and `kind`, e.g. `apiVersion: v1` and `kind: Service`"),
                };
                // kubectl's client-side validation (`kubectl apply`, default --validate).
                d = d.with_hint(format!(
                    "kubectl apply: error: error validating \"{}\": error validating data: [{}]; if you choose to ignore these errors, turn validation off with --validate=false",
                    self.file_name,
                    missing.join(", ")
                ));
                self.diagnostics.push(d);
                return None;
            }
        };
        let mut cx_owned = Cx::new(file, &mut self.diagnostics);
        let cx = &mut cx_owned;
        let group = api.split_once('/').map_or("", |(g, _)| g);
        match (api.as_str(), kind.as_str()) {
            ("v1", "List") => {
                if depth > 0 {
                    return None;
                }
                let mut list_items: Vec<&Node<'_>> = Vec::new();
                fields!(cx, root, schema::LIST_TOP, e => {
                    "apiVersion" | "kind" | "metadata" => {},
                    "items" => items!(cx, &e.value, _i, it => list_items.push(it)),
                });
                for it in list_items {
                    self.object(file, it, depth + 1);
                }
            }
            ("v1", "Namespace") => {
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
                self.dedup(
                    "Namespace",
                    &meta,
                    |o| &mut o.namespaces,
                    Namespace { meta: meta.clone() },
                );
            }
            ("v1", "Node") => {
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
            ("v1", "Pod") => {
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
                pod.spec = defaults::pod_spec_model(spec);
                let meta = pod.meta.clone();
                self.dedup("Pod", &meta, |o| &mut o.pods, pod);
            }
            ("v1", "Service") => {
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
                validate::service(&svc, &mut self.diagnostics);
                let s = defaults::service_model(svc);
                let meta = s.meta.clone();
                self.dedup("Service", &meta, |o| &mut o.services, s);
            }
            ("v1", "Endpoints") => {
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
                let subsets = eps.subsets;
                self.dedup(
                    "Endpoints",
                    &meta,
                    |o| &mut o.endpoints,
                    Endpoints { meta: meta.clone(), subsets },
                );
            }
            ("discovery.k8s.io/v1" | "discovery.k8s.io/v1beta1", "EndpointSlice") => {
                let mut slice = EndpointSlice::default();
                let mut meta = ObjectMeta::default();
                fields!(cx, root, schema::ENDPOINTSLICE_TOP, e => {
                    "apiVersion" | "kind" => {},
                    "metadata" => meta = kinds::meta(cx, &e.value),
                    "addressType" => slice.address_type = cx.string(&e.value).unwrap_or_default(),
                    "endpoints" => slice.endpoints = kinds::slice_endpoints(cx, &e.value),
                    "ports" => slice.ports = kinds::slice_ports(cx, &e.value),
                });
                defaults::namespace(&mut meta);
                slice.meta = finish_meta(cx, meta, file, root.range);
                validate::endpoint_slice(&slice, &mut self.diagnostics);
                let meta = slice.meta.clone();
                self.dedup("EndpointSlice", &meta, |o| &mut o.endpoint_slices, slice);
            }
            ("apps/v1", "Deployment" | "ReplicaSet" | "StatefulSet" | "DaemonSet") => {
                let wk = match kind.as_str() {
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
                };
                let mut meta = ObjectMeta::default();
                let mut replicas: Option<i32> = None;
                let mut selector: Option<LabelSelector> = None;
                let mut tmeta = ObjectMeta::default();
                let mut tspec = kinds::RawPodSpec::default();
                let mut service_name = None;
                fields!(cx, root, schema::TYPE_META, e => {
                    "apiVersion" | "kind" | "status" => {},
                    "metadata" => meta = kinds::meta(cx, &e.value),
                    "spec" => {
                        cx.go = match wk {
                            WorkloadKind::Deployment => "DeploymentSpec",
                            WorkloadKind::ReplicaSet => "ReplicaSetSpec",
                            WorkloadKind::StatefulSet => "StatefulSetSpec",
                            WorkloadKind::DaemonSet => "DaemonSetSpec",
                        };
                        let go = cx.go;
                        fields!(cx, &e.value, known, f => {
                            "replicas" => replicas = cx.int32(&f.value),
                            "selector" => if !f.value.is_null() { selector = Some(kinds::label_selector(cx, &f.value)) },
                            "template" => { let t = kinds::pod_template(cx, &f.value); tmeta = t.0; tspec = t.1; cx.go = go; },
                            "serviceName" => service_name = cx.string(&f.value),
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
                };
                validate::workload(&w, &tspec, &mut self.diagnostics);
                let mut w = w;
                w.template.spec = defaults::pod_spec_model(tspec);
                let meta = w.meta.clone();
                self.dedup(wk.as_str(), &meta, |o| &mut o.workloads, w);
            }
            ("v1", "ConfigMap") => {
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
            ("kubeadm.k8s.io/v1beta3" | "kubeadm.k8s.io/v1beta4", "ClusterConfiguration") => {
                let v4 = api.ends_with("v1beta4");
                let mut c = ClusterConfiguration::default();
                let mut meta = ObjectMeta::default();
                fields!(cx, root, schema::KUBEADM_CLUSTER_CONFIGURATION, e => {
                    "apiVersion" | "kind" => {},
                    "metadata" => meta = kinds::meta(cx, &e.value),
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
                self.objects.cluster_configurations.push(c);
            }
            ("kubeproxy.config.k8s.io/v1alpha1", "KubeProxyConfiguration") => {
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
            ("kubelet.config.k8s.io/v1beta1", "KubeletConfiguration") => {
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
            ("metallb.io/v1beta1", "IPAddressPool") => {
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
            ("metallb.io/v1beta1", "L2Advertisement") => {
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
            _ => {
                let kind_span = root.get("kind").map_or(root.range, |e| e.value.range);
                let meta = root.get("metadata").map(|e| &e.value);
                let field = |k: &str| {
                    meta.and_then(|m| m.get(k))
                        .and_then(|e| e.value.as_scalar())
                        .map_or(String::new(), |s| s.text.to_string())
                };
                let mapping_error = format!(
                    "kubectl apply: error: resource mapping not found for name: \"{}\" namespace: \"{}\" from \"{}\": no matches for kind \"{kind}\" in version \"{api}\"",
                    field("name"),
                    field("namespace"),
                    self.file_name
                );
                let api_span = root.get("apiVersion").map_or(kind_span, |e| e.value.range);
                let builtin = builtin_kinds(&api);
                let d = match api_version_for(&kind) {
                    Some(v) if v != api && kind != "ClusterConfiguration" => Diagnostic::error(
                        "no-kind-match",
                        Self::span(file, api_span),
                        format!("no matches for kind \"{kind}\" in version \"{api}\""),
                    )
                    .with_hint(format!("{kind} is served as `apiVersion: {v}`"))
                    .with_hint(mapping_error),
                    // A kind the API group does not serve (a typo such as `Deplyment` or
                    // `service`): kubectl's REST mapping fails.
                    _ if !builtin.is_empty() && !builtin.contains(&kind.as_str()) => {
                        let mut d = Diagnostic::error(
                            "no-kind-match",
                            Self::span(file, kind_span),
                            format!("no matches for kind \"{kind}\" in version \"{api}\""),
                        );
                        if let Some(k) = decode::suggest(&kind, builtin) {
                            d = d.with_hint(format!(
                                "did you mean `kind: {k}`? (kinds are case-sensitive)"
                            ));
                        }
                        d.with_hint(mapping_error)
                    }
                    _ => Diagnostic::warning(
                        "unsupported-kind",
                        Self::span(file, kind_span),
                        format!("{kind} ({api}) is not simulated; this object is ignored"),
                    )
                    .with_hint(format!(
                        "the simulator models Service networking; {} objects do not change it here",
                        if group.is_empty() { kind.as_str() } else { group }
                    )),
                };
                self.diagnostics.push(d);
            }
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

    fn objects_has_kind(&self, kind: &str) -> bool {
        api_version_for(kind).is_some()
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
        let key = (kind, meta.namespace.clone(), meta.name.clone());
        if let Some(first) = self.seen.get(&key).copied() {
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
            self.seen.insert(key, h);
        }
        false
    }

    fn finish(self) -> Loaded {
        Loaded { objects: self.objects, diagnostics: self.diagnostics }
    }
}

fn finish_meta(
    cx: &mut Cx<'_>,
    mut meta: ObjectMeta,
    file: FileId,
    range: TextRange,
) -> ObjectMeta {
    meta.source = Some(Source { file, range, fields: std::mem::take(&mut cx.spans) });
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
    IpAddressPool => "IPAddressPool", L2Advertisement => "L2Advertisement");

impl HasMeta for Workload {
    fn meta(&self) -> &ObjectMeta {
        &self.meta
    }
    fn kind_str(&self) -> &'static str {
        self.kind.as_str()
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
    pub resource: &'static str,
    pub name: String,
    /// `Service "web"`.
    pub label: String,
}

/// Every object that `kubectl apply` would send to the API server (configuration kinds such as
/// kubeadm's ClusterConfiguration are files for their tools, not API objects, and are left out).
pub fn applied_objects(o: &Objects) -> Vec<AppliedObject> {
    let mut out = Vec::new();
    let mut add =
        |meta: &ObjectMeta, kind: &'static str, version: &'static str, resource: &'static str| {
            let (file, offset) =
                meta.source.as_ref().map_or((FileId(u32::MAX), 0), |s| (s.file, s.range.start));
            out.push(AppliedObject {
                file,
                offset,
                kind,
                version,
                resource,
                name: meta.name.clone(),
                label: object_label(kind, &meta.name),
            });
        };
    for x in &o.namespaces {
        add(&x.meta, "Namespace", "v1", "namespace");
    }
    for x in &o.nodes {
        add(&x.meta, "Node", "v1", "node");
    }
    for x in &o.pods {
        add(&x.meta, "Pod", "v1", "pod");
    }
    for x in &o.services {
        add(&x.meta, "Service", "v1", "service");
    }
    for x in &o.endpoints {
        add(&x.meta, "Endpoints", "v1", "endpoints");
    }
    for x in &o.endpoint_slices {
        add(&x.meta, "EndpointSlice", "v1", "endpointslice.discovery.k8s.io");
    }
    for x in &o.workloads {
        let (k, r) = match x.kind {
            WorkloadKind::Deployment => ("Deployment", "deployment.apps"),
            WorkloadKind::ReplicaSet => ("ReplicaSet", "replicaset.apps"),
            WorkloadKind::StatefulSet => ("StatefulSet", "statefulset.apps"),
            WorkloadKind::DaemonSet => ("DaemonSet", "daemonset.apps"),
        };
        add(&x.meta, k, "v1", r);
    }
    for x in &o.config_maps {
        add(&x.meta, "ConfigMap", "v1", "configmap");
    }
    for x in &o.ip_address_pools {
        add(&x.meta, "IPAddressPool", "v1beta1", "ipaddresspool.metallb.io");
    }
    for x in &o.l2_advertisements {
        add(&x.meta, "L2Advertisement", "v1beta1", "l2advertisement.metallb.io");
    }
    out
}
