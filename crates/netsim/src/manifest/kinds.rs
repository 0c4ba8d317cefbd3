//! Per-kind decoders: spanned tree → API objects (model types, or the raw Service shape that
//! validation needs before defaulting turns it into the model).

use std::net::IpAddr;

use super::decode::Cx;
use super::schema as s;
use crate::model::*;
use crate::syntax::{Entry, Node};

/// Walks the fields of a mapping: `fields!(cx, node, KNOWN, k, e => { "a" => ..., })`.
/// Each arm runs with the path extended by the key and its spans recorded; keys not matched are
/// checked against `KNOWN` (silently accepted or reported as unknown).
macro_rules! fields {
    ($cx:ident, $node:expr, $known:expr, $e:ident => { $($pat:pat => $body:expr),* $(,)? }) => {{
        for $e in $cx.mapping($node) {
            let Some(k) = $e.key_str() else { continue };
            let m = $cx.enter(k, $e);
            #[allow(unreachable_patterns)]
            match k {
                $($pat => { $body; })*
                _ => $cx.other(k, $e, $known),
            }
            $cx.leave(m);
        }
    }};
}
pub(crate) use fields;

/// Iterates list items with the path extended by `[i]`.
macro_rules! items {
    ($cx:ident, $node:expr, $i:ident, $it:ident => $body:expr) => {{
        for ($i, $it) in $cx.sequence($node).iter().enumerate() {
            let m = $cx.enter_index($i, $it);
            $body;
            $cx.leave(m);
        }
    }};
}
pub(crate) use items;

/// NetworkPolicy and ClusterNetworkPolicy.
pub(crate) mod policy;

pub(crate) fn ip(cx: &mut Cx<'_>, n: &Node<'_>) -> Option<IpAddr> {
    let t = cx.string(n)?;
    match t.parse::<IpAddr>() {
        Ok(ip) => Some(ip),
        Err(_) => {
            let msg = format!(
                "{}: Invalid value: \"{}\": must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)",
                cx.path, t
            );
            cx.severity_error("invalid-value", n.range, msg);
            None
        }
    }
}

pub(crate) fn meta(cx: &mut Cx<'_>, n: &Node<'_>) -> ObjectMeta {
    let mut m = ObjectMeta::default();
    let go = cx.go;
    cx.go = "ObjectMeta";
    fields!(cx, n, s::OBJECT_META, e => {
        "name" => m.name = cx.string(&e.value).unwrap_or_default(),
        "namespace" => m.namespace = cx.string(&e.value).unwrap_or_default(),
        "generateName" => m.generate_name = cx.string(&e.value),
        "labels" => m.labels = cx.string_map(&e.value),
        "annotations" => m.annotations = cx.string_map(&e.value),
        "uid" => m.uid = cx.string(&e.value),
        "deletionTimestamp" => m.deletion_timestamp = cx.string(&e.value),
        "deletionGracePeriodSeconds" => m.deletion_grace_period_seconds = cx.int64(&e.value),
        "ownerReferences" => items!(cx, &e.value, _i, it => {
            let mut r = OwnerReference { kind: String::new(), name: String::new(), controller: false };
            fields!(cx, it, s::OWNER_REFERENCE, f => {
                "kind" => r.kind = cx.string(&f.value).unwrap_or_default(),
                "name" => r.name = cx.string(&f.value).unwrap_or_default(),
                "controller" => r.controller = cx.boolean(&f.value).unwrap_or(false),
            });
            m.owner_references.push(r);
        }),
    });
    cx.go = go;
    m
}

pub(crate) fn protocol_str(cx: &mut Cx<'_>, n: &Node<'_>) -> Option<String> {
    cx.string(n)
}

pub(crate) fn parse_protocol(p: &str) -> Option<Protocol> {
    match p {
        "TCP" => Some(Protocol::Tcp),
        "UDP" => Some(Protocol::Udp),
        "SCTP" => Some(Protocol::Sctp),
        _ => None,
    }
}

// ---------------------------------------------------------------------------------------------
// Pods

/// A container port as given, before validation.
#[derive(Clone, Debug, Default)]
pub(crate) struct RawContainerPort {
    pub name: Option<String>,
    pub container_port: i32,
    pub protocol: Option<String>,
    pub host_port: Option<i32>,
    /// `hostIP` as given (read only for the API server's warnings).
    pub host_ip: String,
}

/// An `env` item: name, value, and whether `valueFrom` is set (for the duplicate-env warning).
#[derive(Clone, Debug, Default)]
pub(crate) struct RawEnvVar {
    pub name: String,
    pub value: String,
    pub value_from: bool,
    /// What `valueFrom` names, read as it is (the API server's checks of it are not modelled).
    pub source: Option<crate::model::EnvSource>,
}

#[derive(Clone, Debug, Default)]
pub(crate) struct RawContainer {
    pub name: String,
    pub image: String,
    pub ports: Vec<RawContainerPort>,
    pub restart_policy: Option<String>,
    pub env: Vec<RawEnvVar>,
    pub command: Vec<String>,
    pub args: Vec<String>,
    /// `resources.limits` / `.requests`: (resource, quantity text) in input order.
    pub limits: Vec<(String, String)>,
    pub requests: Vec<(String, String)>,
    /// `securityContext.seccompProfile` / `.appArmorProfile` are set.
    pub seccomp_field: bool,
    pub apparmor_field: bool,
}

/// Pod-spec facts only the API server's warnings read (`pkg/api/pod/warnings.go`), from
/// fields the simulator otherwise accepts without modelling.
#[derive(Clone, Debug, Default)]
pub(crate) struct PodWarnFacts {
    /// Each `hostAliases[i].ip`, and its `hostnames`.
    pub host_aliases: Vec<String>,
    pub host_alias_names: Vec<Vec<String>>,
    pub image_pull_secrets: Vec<String>,
    /// `matchExpressions[*].key` of each required / preferred node selector term.
    pub node_required: Vec<Vec<String>>,
    pub node_preferred: Vec<Vec<String>>,
    /// Whether each term has a non-null `labelSelector`: podAffinity required, preferred,
    /// podAntiAffinity required, preferred.
    pub pod_affinity: [Vec<bool>; 4],
    /// `(topologyKey, labelSelector set)` per topology spread constraint.
    pub topology_spread: Vec<(String, bool)>,
    pub seccomp_field: bool,
    pub apparmor_field: bool,
}

#[derive(Clone, Debug, Default)]
pub(crate) struct RawPodSpec {
    pub spec: PodSpec,
    pub containers: Vec<RawContainer>,
    pub init_containers: Vec<RawContainer>,
    /// `tolerationSeconds` given, per toleration (as in the model, for validation by index).
    pub toleration_seconds: Vec<Option<i64>>,
    /// `activeDeadlineSeconds` (forbidden in a ReplicationController's template).
    pub active_deadline_seconds: Option<i64>,
    pub warn: PodWarnFacts,
}

fn raw_str(n: Option<&Entry<'_>>) -> String {
    n.and_then(|e| e.value.as_scalar()).map(|s| s.text.to_string()).unwrap_or_default()
}

fn raw_items<'n, 'a>(n: Option<&'n Entry<'a>>) -> &'n [Node<'a>] {
    n.and_then(|e| e.value.as_sequence()).unwrap_or(&[])
}

fn raw_set(n: Option<&Entry<'_>>) -> bool {
    n.is_some_and(|e| !e.value.is_null())
}

/// `securityContext`: (seccompProfile set, appArmorProfile set).
fn security_profiles(n: &Node<'_>) -> (bool, bool) {
    (raw_set(n.get("seccompProfile")), raw_set(n.get("appArmorProfile")))
}

fn match_expression_keys(term: Option<&Node<'_>>) -> Vec<String> {
    let exprs = term.and_then(|t| t.get("matchExpressions"));
    raw_items(exprs).iter().map(|e| raw_str(e.get("key"))).collect()
}

/// The required node affinity terms the scheduler and the DaemonSet controller match nodes by.
fn required_node_terms(n: &Node<'_>) -> Option<Vec<crate::model::NodeSelectorTerm>> {
    let na = n.get("nodeAffinity")?;
    let req = na.value.get("requiredDuringSchedulingIgnoredDuringExecution")?;
    let reqs = |list: Option<&Entry<'_>>| -> Vec<crate::model::NodeSelectorRequirement> {
        raw_items(list)
            .iter()
            .map(|r| crate::model::NodeSelectorRequirement {
                key: raw_str(r.get("key")),
                operator: raw_str(r.get("operator")),
                values: raw_items(r.get("values"))
                    .iter()
                    .filter_map(|v| v.as_scalar().map(|s| s.text.to_string()))
                    .collect(),
            })
            .collect()
    };
    Some(
        raw_items(req.value.get("nodeSelectorTerms"))
            .iter()
            .map(|t| crate::model::NodeSelectorTerm {
                match_expressions: reqs(t.get("matchExpressions")),
                match_fields: reqs(t.get("matchFields")),
            })
            .collect(),
    )
}

/// `spec.affinity`, as far as the warnings read it.
fn affinity_facts(w: &mut PodWarnFacts, n: &Node<'_>) {
    if let Some(na) = n.get("nodeAffinity") {
        let req = na.value.get("requiredDuringSchedulingIgnoredDuringExecution");
        let terms = req.and_then(|r| r.value.get("nodeSelectorTerms"));
        w.node_required = raw_items(terms).iter().map(|t| match_expression_keys(Some(t))).collect();
        let pref = na.value.get("preferredDuringSchedulingIgnoredDuringExecution");
        w.node_preferred = raw_items(pref)
            .iter()
            .map(|t| match_expression_keys(t.get("preference").map(|p| &p.value)))
            .collect();
    }
    for (i, key) in ["podAffinity", "podAntiAffinity"].into_iter().enumerate() {
        let Some(a) = n.get(key) else { continue };
        let req = a.value.get("requiredDuringSchedulingIgnoredDuringExecution");
        w.pod_affinity[2 * i] =
            raw_items(req).iter().map(|t| raw_set(t.get("labelSelector"))).collect();
        let pref = a.value.get("preferredDuringSchedulingIgnoredDuringExecution");
        w.pod_affinity[2 * i + 1] = raw_items(pref)
            .iter()
            .map(|t| raw_set(t.get("podAffinityTerm").and_then(|p| p.value.get("labelSelector"))))
            .collect();
    }
}

fn container(cx: &mut Cx<'_>, n: &Node<'_>) -> RawContainer {
    let mut c = RawContainer::default();
    cx.go = "Container";
    fields!(cx, n, s::CONTAINER, e => {
        "name" => c.name = cx.string(&e.value).unwrap_or_default(),
        "image" => c.image = cx.string(&e.value).unwrap_or_default(),
        "restartPolicy" => c.restart_policy = cx.string(&e.value),
        "ports" => items!(cx, &e.value, _i, it => {
            let mut p = RawContainerPort::default();
            cx.go = "ContainerPort";
            fields!(cx, it, s::CONTAINER_PORT, f => {
                "name" => p.name = cx.string(&f.value),
                "containerPort" => p.container_port = cx.int32(&f.value).unwrap_or(0),
                "protocol" => p.protocol = protocol_str(cx, &f.value),
                "hostPort" => p.host_port = cx.int32(&f.value),
                "hostIP" => p.host_ip = cx.string(&f.value).unwrap_or_default(),
            });
            c.ports.push(p);
        }),
        "env" => items!(cx, &e.value, _i, it => {
            let mut v = RawEnvVar::default();
            cx.go = "EnvVar";
            fields!(cx, it, s::ENV_VAR, f => {
                "name" => v.name = cx.string(&f.value).unwrap_or_default(),
                "value" => v.value = cx.string(&f.value).unwrap_or_default(),
                "valueFrom" => {
                    v.value_from = !f.value.is_null();
                    v.source = env_source(&f.value);
                },
            });
            c.env.push(v);
        }),
        "securityContext" => (c.seccomp_field, c.apparmor_field) = security_profiles(&e.value),
        "command" => c.command = cx.string_list(&e.value),
        "args" => c.args = cx.string_list(&e.value),
        "resources" => fields!(cx, &e.value, s::RESOURCE_REQUIREMENTS, f => {
            "limits" => c.limits = quantities(cx, &f.value),
            "requests" => c.requests = quantities(cx, &f.value),
            "claims" => {},
        }),
    });
    c
}

/// A `resources.limits` or `.requests` map: each resource and its quantity as written
/// (a number or a string). One that is no quantity fails the API server's decoding
/// (`Quantity.UnmarshalJSON`: `ErrFormatWrong`) and is left out.
fn quantities(cx: &mut Cx<'_>, n: &Node<'_>) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for e in n.as_mapping().unwrap_or(&[]) {
        let (Some(name), Some(q)) = (e.key_str(), e.value.as_scalar()) else { continue };
        let m = cx.enter(name, e);
        let text = q.text.trim();
        if crate::quantity::Quantity::parse(text).is_some() {
            out.push((name.to_string(), text.to_string()));
        } else {
            let d = crate::diagnostic::Diagnostic::error(
                "invalid-quantity",
                cx.span(e.value.range),
                format!("{}: {:?} is not a quantity", cx.display_path(), q.text),
            )
            .with_hint("write a number with an optional suffix: `500m` or `0.5` CPU, `128Mi` or `1G` of memory (suffixes are case-sensitive: Ki Mi Gi, k M G, m)")
            .with_hint("the API server rejects it: quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'");
            cx.push(d);
        }
        cx.leave(m);
    }
    out
}

/// What an env var's `valueFrom` names (`EnvVarSource`).
fn env_source(n: &Node<'_>) -> Option<crate::model::EnvSource> {
    use crate::model::EnvSource;
    let text = |e: Option<&Entry<'_>>, key: &str| raw_str(e.and_then(|e| e.value.get(key)));
    let optional = |e: Option<&Entry<'_>>| text(e, "optional") == "true";
    if let Some(f) = n.get("fieldRef") {
        let api_version = text(Some(f), "apiVersion");
        return Some(EnvSource::Field {
            // `SetDefaults_ObjectFieldSelector`: v1.
            api_version: if api_version.is_empty() { "v1".into() } else { api_version },
            field_path: text(Some(f), "fieldPath"),
        });
    }
    if let Some(r) = n.get("resourceFieldRef") {
        return Some(EnvSource::Resource {
            container: text(Some(r), "containerName"),
            resource: text(Some(r), "resource"),
        });
    }
    if let Some(s) = n.get("secretKeyRef") {
        return Some(EnvSource::SecretKey {
            name: text(Some(s), "name"),
            key: text(Some(s), "key"),
            optional: optional(Some(s)),
        });
    }
    if let Some(c) = n.get("configMapKeyRef") {
        return Some(EnvSource::ConfigMapKey {
            name: text(Some(c), "name"),
            key: text(Some(c), "key"),
            optional: optional(Some(c)),
        });
    }
    (!n.is_null()).then_some(EnvSource::Other)
}

pub(crate) fn pod_spec(cx: &mut Cx<'_>, n: &Node<'_>) -> RawPodSpec {
    let mut r = RawPodSpec::default();
    let go = cx.go;
    cx.go = "PodSpec";
    fields!(cx, n, s::POD_SPEC, e => {
        "nodeName" => r.spec.node_name = cx.string(&e.value),
        "nodeSelector" => r.spec.node_selector = cx.string_map(&e.value),
        "hostNetwork" => r.spec.host_network = cx.boolean(&e.value).unwrap_or(false),
        "hostname" => r.spec.hostname = cx.string(&e.value),
        "subdomain" => r.spec.subdomain = cx.string(&e.value),
        "dnsPolicy" => r.spec.dns_policy = cx.string(&e.value).unwrap_or_default(),
        "restartPolicy" => r.spec.restart_policy = cx.string(&e.value).unwrap_or_default(),
        "terminationGracePeriodSeconds" => r.spec.termination_grace_period_seconds = cx.int64(&e.value),
        "activeDeadlineSeconds" => r.active_deadline_seconds = cx.int64(&e.value),
        "serviceAccountName" => if let Some(a) = cx.string(&e.value).filter(|a| !a.is_empty()) {
            r.spec.service_account_name = Some(a);
        },
        "serviceAccount" => if let Some(a) = cx.string(&e.value).filter(|a| !a.is_empty()) {
            r.spec.service_account_name.get_or_insert(a);
        },
        "priorityClassName" => r.spec.priority_class_name = cx.string(&e.value).filter(|a| !a.is_empty()),
        "runtimeClassName" => r.spec.runtime_class_name = cx.string(&e.value).filter(|a| !a.is_empty()),
        "containers" => items!(cx, &e.value, _i, it => {
            r.containers.push(container(cx, it));
            cx.go = "PodSpec";
        }),
        "initContainers" => items!(cx, &e.value, _i, it => {
            r.init_containers.push(container(cx, it));
            cx.go = "PodSpec";
        }),
        "tolerations" => items!(cx, &e.value, _i, it => {
            let mut t = Toleration::default();
            let mut seconds = None;
            cx.go = "Toleration";
            fields!(cx, it, s::TOLERATION, f => {
                "key" => t.key = cx.string(&f.value).unwrap_or_default(),
                "operator" => t.operator = cx.string(&f.value).unwrap_or_default(),
                "value" => t.value = cx.string(&f.value).unwrap_or_default(),
                "effect" => t.effect = cx.string(&f.value).unwrap_or_default(),
                "tolerationSeconds" => seconds = cx.int64(&f.value),
            });
            cx.go = "PodSpec";
            t.seconds = seconds;
            r.spec.tolerations.push(t);
            r.toleration_seconds.push(seconds);
        }),
        "dnsConfig" => {
            let mut d = PodDnsConfig::default();
            cx.go = "PodDNSConfig";
            fields!(cx, &e.value, s::POD_DNS_CONFIG, f => {
                "nameservers" => d.nameservers = cx.string_list(&f.value),
                "searches" => d.searches = cx.string_list(&f.value),
                "options" => items!(cx, &f.value, _i, it => {
                    let mut name = String::new();
                    let mut value = None;
                    cx.go = "PodDNSConfigOption";
                    fields!(cx, it, s::POD_DNS_CONFIG_OPTION, g => {
                        "name" => name = cx.string(&g.value).unwrap_or_default(),
                        "value" => value = cx.string(&g.value),
                    });
                    d.options.push((name, value));
                }),
            });
            cx.go = "PodSpec";
            r.spec.dns_config = Some(d);
        },
        "securityContext" => (r.warn.seccomp_field, r.warn.apparmor_field) = security_profiles(&e.value),
        "affinity" => {
            affinity_facts(&mut r.warn, &e.value);
            r.spec.required_node_terms = required_node_terms(&e.value);
        },
        "hostAliases" => {
            let aliases = raw_items(Some(e));
            r.warn.host_aliases = aliases.iter().map(|h| raw_str(h.get("ip"))).collect();
            r.warn.host_alias_names = aliases
                .iter()
                .map(|h| h.get("hostnames").and_then(|n| n.value.as_sequence()).unwrap_or(&[]).iter().map(|n| n.as_scalar().map(|s| s.text.to_string()).unwrap_or_default()).collect())
                .collect();
        },
        "imagePullSecrets" => r.warn.image_pull_secrets = raw_items(Some(e)).iter().map(|h| raw_str(h.get("name"))).collect(),
        "topologySpreadConstraints" => r.warn.topology_spread = raw_items(Some(e)).iter().map(|t| (raw_str(t.get("topologyKey")), raw_set(t.get("labelSelector")))).collect(),
        "readinessGates" => items!(cx, &e.value, _i, it => {
            fields!(cx, it, s::READINESS_GATE, f => {
                "conditionType" => if let Some(t) = cx.string(&f.value) { r.spec.readiness_gates.push(t) },
            });
        }),
        // A gate without a name is one named "" (the validation says why it is not one).
        "schedulingGates" => items!(cx, &e.value, _i, it => {
            let mut name = String::new();
            fields!(cx, it, s::SCHEDULING_GATE, f => {
                "name" => if let Some(t) = cx.string(&f.value) { name = t },
            });
            r.spec.scheduling_gates.push(name);
        }),
    });
    cx.go = go;
    r
}

pub(crate) fn pod_status(cx: &mut Cx<'_>, n: &Node<'_>) -> PodStatus {
    let mut st = PodStatus::default();
    let mut pod_ip: Option<IpAddr> = None;
    let mut pod_ips: Vec<IpAddr> = Vec::new();
    cx.go = "PodStatus";
    fields!(cx, n, s::POD_STATUS, e => {
        "phase" => st.phase = cx.string(&e.value).unwrap_or_default(),
        "hostIP" => st.host_ip = ip(cx, &e.value),
        "podIP" => pod_ip = ip(cx, &e.value),
        "nominatedNodeName" => st.nominated_node_name = cx.string(&e.value).filter(|n| !n.is_empty()),
        "podIPs" => items!(cx, &e.value, _i, it => {
            fields!(cx, it, s::POD_IP, f => {
                "ip" => if let Some(a) = ip(cx, &f.value) { pod_ips.push(a) },
            });
        }),
        "conditions" => items!(cx, &e.value, _i, it => {
            let mut ty = String::new();
            let mut status = String::new();
            fields!(cx, it, s::POD_CONDITION, f => {
                "type" => ty = cx.string(&f.value).unwrap_or_default(),
                "status" => status = cx.string(&f.value).unwrap_or_default(),
            });
            if ty == "Ready" {
                st.ready = Some(status == "True");
            } else if !ty.is_empty() {
                st.conditions.push((ty, status));
            }
        }),
        "containerStatuses" => items!(cx, &e.value, _i, it => {
            let mut name = String::new();
            let mut restarts = 0u32;
            fields!(cx, it, s::CONTAINER_STATUS, f => {
                "name" => name = cx.string(&f.value).unwrap_or_default(),
                "restartCount" => restarts = cx.int32(&f.value).unwrap_or(0).max(0) as u32,
            });
            st.restart_count = st.restart_count.saturating_add(restarts);
            st.container_restarts.push((name, restarts));
        }),
    });
    // status.podIPs[0] is status.podIP (the API keeps them in sync); either may be given.
    if pod_ips.is_empty() {
        pod_ips.extend(pod_ip);
    } else if let Some(p) = pod_ip {
        if !pod_ips.contains(&p) {
            pod_ips.insert(0, p);
        }
    }
    st.pod_ips = pod_ips;
    st
}

// ---------------------------------------------------------------------------------------------
// Services

#[derive(Clone, Debug, Default)]
pub(crate) struct RawServicePort {
    pub name: String,
    pub protocol: Option<String>,
    pub app_protocol: Option<String>,
    pub port: i32,
    pub target_port: Option<IntOrString>,
    pub node_port: i32,
}

/// `v1.Service` as given: strings where the model has enums, so validation can report exactly
/// what the API server reports.
#[derive(Clone, Debug, Default)]
pub(crate) struct RawService {
    pub meta: ObjectMeta,
    pub type_: Option<String>,
    pub selector: Option<Labels>,
    pub ports: Vec<RawServicePort>,
    pub cluster_ip: Option<String>,
    pub cluster_ips: Vec<String>,
    pub external_ips: Vec<String>,
    pub session_affinity: Option<String>,
    pub session_affinity_timeout: Option<i32>,
    pub has_session_affinity_config: bool,
    pub load_balancer_ip: Option<String>,
    pub load_balancer_source_ranges: Vec<String>,
    pub external_name: Option<String>,
    pub external_traffic_policy: Option<String>,
    pub internal_traffic_policy: Option<String>,
    pub health_check_node_port: i32,
    pub publish_not_ready_addresses: bool,
    pub ip_families: Vec<String>,
    pub ip_family_policy: Option<String>,
    pub allocate_load_balancer_node_ports: Option<bool>,
    pub load_balancer_class: Option<String>,
    pub traffic_distribution: Option<String>,
    pub status: ServiceStatus,
}

pub(crate) fn service_spec(cx: &mut Cx<'_>, n: &Node<'_>, svc: &mut RawService) {
    cx.go = "ServiceSpec";
    fields!(cx, n, s::SERVICE_SPEC, e => {
        "type" => svc.type_ = cx.string(&e.value),
        "selector" => {
            if e.value.is_null() {
                svc.selector = None;
            } else {
                svc.selector = Some(cx.string_map(&e.value));
            }
        },
        "ports" => items!(cx, &e.value, _i, it => {
            let mut p = RawServicePort::default();
            cx.go = "ServicePort";
            fields!(cx, it, s::SERVICE_PORT, f => {
                "name" => p.name = cx.string(&f.value).unwrap_or_default(),
                "protocol" => p.protocol = cx.string(&f.value),
                "appProtocol" => p.app_protocol = cx.string(&f.value),
                "port" => p.port = cx.int32(&f.value).unwrap_or(0),
                "targetPort" => p.target_port = cx.int_or_string(&f.value),
                "nodePort" => p.node_port = cx.int32(&f.value).unwrap_or(0),
            });
            cx.go = "ServiceSpec";
            svc.ports.push(p);
        }),
        "clusterIP" => svc.cluster_ip = cx.string(&e.value),
        "clusterIPs" => svc.cluster_ips = cx.string_list(&e.value),
        "externalIPs" => svc.external_ips = cx.string_list(&e.value),
        "sessionAffinity" => svc.session_affinity = cx.string(&e.value),
        "sessionAffinityConfig" => {
            svc.has_session_affinity_config = !e.value.is_null();
            cx.go = "SessionAffinityConfig";
            fields!(cx, &e.value, s::SESSION_AFFINITY_CONFIG, f => {
                "clientIP" => {
                    cx.go = "ClientIPConfig";
                    fields!(cx, &f.value, s::CLIENT_IP_CONFIG, g => {
                        "timeoutSeconds" => svc.session_affinity_timeout = cx.int32(&g.value),
                    });
                },
            });
            cx.go = "ServiceSpec";
        },
        "loadBalancerIP" => svc.load_balancer_ip = cx.string(&e.value),
        "loadBalancerSourceRanges" => svc.load_balancer_source_ranges = cx.string_list(&e.value),
        "externalName" => svc.external_name = cx.string(&e.value),
        "trafficDistribution" => svc.traffic_distribution = cx.string(&e.value),
        "externalTrafficPolicy" => svc.external_traffic_policy = cx.string(&e.value),
        "internalTrafficPolicy" => svc.internal_traffic_policy = cx.string(&e.value),
        "healthCheckNodePort" => svc.health_check_node_port = cx.int32(&e.value).unwrap_or(0),
        "publishNotReadyAddresses" => svc.publish_not_ready_addresses = cx.boolean(&e.value).unwrap_or(false),
        "ipFamilies" => svc.ip_families = cx.string_list(&e.value),
        "ipFamilyPolicy" => svc.ip_family_policy = cx.string(&e.value),
        "allocateLoadBalancerNodePorts" => svc.allocate_load_balancer_node_ports = cx.boolean(&e.value),
        "loadBalancerClass" => svc.load_balancer_class = cx.string(&e.value),
    });
}

pub(crate) fn service_status(cx: &mut Cx<'_>, n: &Node<'_>) -> ServiceStatus {
    let mut st = ServiceStatus::default();
    cx.go = "ServiceStatus";
    fields!(cx, n, s::SERVICE_STATUS, e => {
        "loadBalancer" => fields!(cx, &e.value, s::LOAD_BALANCER_STATUS, f => {
            "ingress" => items!(cx, &f.value, _i, it => {
                let mut ing = LoadBalancerIngress { ip: None, hostname: None, ip_mode: None };
                cx.go = "LoadBalancerIngress";
                fields!(cx, it, s::LOAD_BALANCER_INGRESS, g => {
                    // The API server drops a Service's status on create (`PrepareForCreate`
                    // in pkg/registry/core/service/strategy.go) and never validates it there:
                    // an address that is no IP is our warning, and the entry has none.
                    "ip" => if let Some(t) = cx.string(&g.value) {
                        match t.parse::<IpAddr>() {
                            Ok(a) => ing.ip = Some(a),
                            Err(_) => cx.warning(
                                "status-not-an-ip",
                                g.value.range,
                                format!("{}: {t:?} is not an IP address: the load balancer's address is ignored", cx.path),
                                "kubectl apply creates the Service all the same (the API server drops `status` on create; a load-balancer controller writes it); write the address as an IP, or leave `status` out",
                            ),
                        }
                    },
                    "hostname" => ing.hostname = cx.string(&g.value),
                    "ipMode" => ing.ip_mode = cx.string(&g.value),
                });
                st.load_balancer_ingress.push(ing);
            }),
        }),
    });
    st
}

// ---------------------------------------------------------------------------------------------
// Nodes

pub(crate) fn node_spec(cx: &mut Cx<'_>, n: &Node<'_>, node: &mut Node_) {
    let mut cidr: Option<String> = None;
    let mut cidrs: Vec<String> = Vec::new();
    cx.go = "NodeSpec";
    fields!(cx, n, s::NODE_SPEC, e => {
        "podCIDR" => cidr = cx.string(&e.value),
        "podCIDRs" => cidrs = cx.string_list(&e.value),
        "unschedulable" => node.unschedulable = cx.boolean(&e.value).unwrap_or(false),
        "taints" => items!(cx, &e.value, _i, it => {
            let mut t = Taint { key: String::new(), value: String::new(), effect: String::new() };
            cx.go = "Taint";
            fields!(cx, it, s::TAINT, f => {
                "key" => t.key = cx.string(&f.value).unwrap_or_default(),
                "value" => t.value = cx.string(&f.value).unwrap_or_default(),
                "effect" => t.effect = cx.string(&f.value).unwrap_or_default(),
            });
            node.taints.push(t);
        }),
    });
    if cidrs.is_empty() {
        cidrs.extend(cidr);
    }
    node.pod_cidrs = cidrs;
}

/// `model::Node` under a name that does not clash with the syntax tree's `Node`.
pub(crate) type Node_ = crate::model::Node;

pub(crate) fn node_status(cx: &mut Cx<'_>, n: &Node<'_>, node: &mut Node_) {
    cx.go = "NodeStatus";
    fields!(cx, n, s::NODE_STATUS, e => {
        "addresses" => items!(cx, &e.value, _i, it => {
            let mut ty = String::new();
            let mut addr = None;
            cx.go = "NodeAddress";
            fields!(cx, it, s::NODE_ADDRESS, f => {
                "type" => ty = cx.string(&f.value).unwrap_or_default(),
                "address" => addr = cx.string(&f.value).map(|a| (a, f.value.range)),
            });
            if let Some((a, range)) = addr {
                match (ty.as_str(), a.parse::<IpAddr>()) {
                    ("InternalIP", Ok(ip)) => node.internal_ips.push(ip),
                    ("ExternalIP", Ok(ip)) => node.external_ips.push(ip),
                    ("InternalIP" | "ExternalIP", Err(_)) => {
                        let msg = format!("{}.address: Invalid value: \"{a}\": must be a valid IP address", cx.path);
                        cx.severity_error("invalid-value", range, msg);
                    }
                    _ => {}
                }
            }
        }),
        "allocatable" => {
            // Only the CPU is read (`topology-mode: Auto`), in millicores; an unparsable quantity
            // counts as none (the topology cache's "allocatable CPU not specified").
            let cpu = e.value.get("cpu").and_then(|c| c.value.as_scalar()).map(|c| c.text.to_string());
            node.allocatable_cpu_milli = cpu.as_deref().and_then(crate::cluster::cpu_milli);
        },
        "nodeInfo" => {
            node.node_info = Some(node_info(cx, &e.value));
            cx.go = "NodeStatus";
        },
        "conditions" => items!(cx, &e.value, _i, it => {
            let mut ty = String::new();
            let mut status = String::new();
            fields!(cx, it, s::NODE_CONDITION, f => {
                "type" => ty = cx.string(&f.value).unwrap_or_default(),
                "status" => status = cx.string(&f.value).unwrap_or_default(),
            });
            if ty == "Ready" {
                node.ready = status == "True";
                node.ready_false = status == "False";
            }
        }),
    });
}

/// `status.nodeInfo`: what the kubelet reports, stated by the input (core/v1 `NodeSystemInfo`).
fn node_info(cx: &mut Cx<'_>, n: &Node<'_>) -> crate::model::NodeInfo {
    let mut i = crate::model::NodeInfo::default();
    cx.go = "NodeSystemInfo";
    fields!(cx, n, s::NODE_SYSTEM_INFO, f => {
        "kubeletVersion" => i.kubelet_version = cx.string(&f.value).unwrap_or_default(),
        "osImage" => i.os_image = cx.string(&f.value).unwrap_or_default(),
        "kernelVersion" => i.kernel_version = cx.string(&f.value).unwrap_or_default(),
        "containerRuntimeVersion" => i.container_runtime_version = cx.string(&f.value).unwrap_or_default(),
    });
    i
}

// ---------------------------------------------------------------------------------------------
// Endpoints and EndpointSlices

fn object_reference(cx: &mut Cx<'_>, n: &Node<'_>) -> ObjectReference {
    let mut r =
        ObjectReference { kind: String::new(), namespace: String::new(), name: String::new() };
    cx.go = "ObjectReference";
    fields!(cx, n, s::OBJECT_REFERENCE, e => {
        "kind" => r.kind = cx.string(&e.value).unwrap_or_default(),
        "namespace" => r.namespace = cx.string(&e.value).unwrap_or_default(),
        "name" => r.name = cx.string(&e.value).unwrap_or_default(),
    });
    r
}

fn endpoint_port(cx: &mut Cx<'_>, n: &Node<'_>) -> EndpointPort {
    let mut p =
        EndpointPort { name: None, port: None, protocol: Protocol::Tcp, app_protocol: None };
    let go = cx.go;
    cx.go = "EndpointPort";
    fields!(cx, n, s::ENDPOINT_PORT, e => {
        "name" => p.name = cx.string(&e.value),
        "port" => p.port = cx.int32(&e.value),
        "protocol" => if let Some(t) = cx.string(&e.value) {
            match parse_protocol(&t) {
                Some(pr) => p.protocol = pr,
                None => {
                    let msg = format!("{}: Unsupported value: \"{t}\": supported values: \"SCTP\", \"TCP\", \"UDP\"", cx.path);
                    cx.severity_error("unsupported-value", e.value.range, msg);
                }
            }
        },
        "appProtocol" => p.app_protocol = cx.string(&e.value),
    });
    cx.go = go;
    p
}

pub(crate) fn endpoints_subsets(cx: &mut Cx<'_>, n: &Node<'_>) -> Vec<EndpointSubset> {
    let mut out = Vec::new();
    items!(cx, n, _i, it => {
        let mut sub = EndpointSubset::default();
        cx.go = "EndpointSubset";
        fields!(cx, it, s::ENDPOINT_SUBSET, e => {
            "addresses" | "notReadyAddresses" => {
                let ready = e.key_str() == Some("addresses");
                items!(cx, &e.value, j, a => {
                    let mut ipa = None;
                    let mut hostname = None;
                    let mut node_name = None;
                    let mut target_ref = None;
                    cx.go = "EndpointAddress";
                    fields!(cx, a, s::ENDPOINT_ADDRESS, f => {
                        "ip" => ipa = ip(cx, &f.value),
                        "hostname" => hostname = cx.string(&f.value),
                        "nodeName" => node_name = cx.string(&f.value),
                        "targetRef" => target_ref = Some(object_reference(cx, &f.value)),
                    });
                    if let Some(ipa) = ipa {
                        let addr = EndpointAddress { ip: ipa, hostname, node_name, target_ref };
                        if ready { sub.addresses.push(addr) } else { sub.not_ready_addresses.push(addr) }
                    } else {
                        unparsed_address(cx, a);
                        sub.unparsed_addresses.push((ready, j));
                    }
                });
            },
            "ports" => items!(cx, &e.value, _j, p => sub.ports.push(endpoint_port(cx, p))),
        });
        out.push(sub);
    });
    out
}

/// An Endpoints address without a readable `ip`: validateEndpointAddress reports it twice,
/// `validation.IsValidIP` (already reported by [`ip`] when the field is there) and then
/// `ValidateNonSpecialIP`'s own parse (pkg/apis/core/validation/validation.go).
fn unparsed_address(cx: &mut Cx<'_>, a: &Node<'_>) {
    let given = a.get("ip");
    let text =
        given.and_then(|e| e.value.as_scalar()).map_or(String::new(), |s| s.text.to_string());
    let range = given.map_or(a.range, |e| e.value.range);
    let path = format!("{}.ip", cx.path);
    if given.is_none() {
        let msg = format!("{path}: Invalid value: \"\": must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)");
        cx.severity_error("invalid-value", range, msg);
    }
    let msg = format!(
        "{path}: Invalid value: {}: must be a valid IP address",
        super::validate::go_quote(&text)
    );
    cx.severity_error("invalid-value", range, msg);
}

/// `endpoints` of an EndpointSlice of `address_type`, checked as `validateEndpoints` does
/// (pkg/apis/discovery/validation/validation.go) while they are read, since the model keeps only
/// usable IP addresses.
pub(crate) fn slice_endpoints(cx: &mut Cx<'_>, n: &Node<'_>, address_type: &str) -> Vec<Endpoint> {
    let mut out = Vec::new();
    let items = cx.sequence(n);
    if items.len() > 1000 {
        let msg = format!("{}: Too many: {}: must have at most 1000 items", cx.path, items.len());
        cx.severity_error("too-many", n.range, msg);
        return out;
    }
    items!(cx, n, _i, it => {
        let mut ep = Endpoint::default();
        cx.go = "Endpoint";
        let mut checks = slice::EndpointChecks::default();
        fields!(cx, it, s::SLICE_ENDPOINT, e => {
            "addresses" => {
                checks.addresses = true;
                let count = cx.sequence(&e.value).len();
                slice::address_count(cx, &e.value, e.key.range, count);
                items!(cx, &e.value, _j, a => ep.addresses.extend(slice::address(cx, a, address_type)))
            },
            "deprecatedTopology" => checks.topology = Some((cx.string_map(&e.value), e.value.range)),
            "conditions" => {
                cx.go = "EndpointConditions";
                fields!(cx, &e.value, s::SLICE_CONDITIONS, f => {
                    "ready" => ep.conditions.ready = cx.boolean(&f.value),
                    "serving" => ep.conditions.serving = cx.boolean(&f.value),
                    "terminating" => ep.conditions.terminating = cx.boolean(&f.value),
                });
            },
            "hostname" => ep.hostname = cx.string(&e.value),
            "nodeName" => ep.node_name = cx.string(&e.value),
            "zone" => ep.zone = cx.string(&e.value),
            "targetRef" => ep.target_ref = Some(object_reference(cx, &e.value)),
            "hints" => ep.hints = Some(slice_hints(cx, &e.value)),
        });
        slice::endpoint_checks(cx, it, &ep, checks);
        out.push(ep);
    });
    out
}

/// EndpointSlice endpoint checks of `validateEndpoints`.
mod slice;

/// `EndpointHints`: `forZones: [{name}]`, `forNodes: [{name}]`.
fn slice_hints(cx: &mut Cx<'_>, n: &Node<'_>) -> EndpointHints {
    let mut h = EndpointHints::default();
    cx.go = "EndpointHints";
    fields!(cx, n, s::SLICE_HINTS, e => {
        "forZones" => items!(cx, &e.value, _j, it => fields!(cx, it, s::SLICE_HINT_NAME, f => {
            "name" => h.for_zones.extend(cx.string(&f.value)),
        })),
        "forNodes" => items!(cx, &e.value, _j, it => fields!(cx, it, s::SLICE_HINT_NAME, f => {
            "name" => h.for_nodes.extend(cx.string(&f.value)),
        })),
    });
    cx.go = "Endpoint";
    h
}

pub(crate) fn slice_ports(cx: &mut Cx<'_>, n: &Node<'_>) -> Vec<EndpointPort> {
    let mut out = Vec::new();
    items!(cx, n, _i, it => out.push(endpoint_port(cx, it)));
    out
}

// ---------------------------------------------------------------------------------------------
// Workloads

pub(crate) fn label_selector(cx: &mut Cx<'_>, n: &Node<'_>) -> LabelSelector {
    let mut sel = LabelSelector::default();
    let go = cx.go;
    cx.go = "LabelSelector";
    fields!(cx, n, s::LABEL_SELECTOR, e => {
        "matchLabels" => sel.match_labels = cx.string_map(&e.value),
        "matchExpressions" => items!(cx, &e.value, _i, it => {
            let mut r = LabelSelectorRequirement { key: String::new(), operator: String::new(), values: Vec::new() };
            cx.go = "LabelSelectorRequirement";
            fields!(cx, it, s::LABEL_SELECTOR_REQUIREMENT, f => {
                "key" => r.key = cx.string(&f.value).unwrap_or_default(),
                "operator" => r.operator = cx.string(&f.value).unwrap_or_default(),
                "values" => r.values = cx.string_list(&f.value),
            });
            cx.go = "LabelSelector";
            sel.match_expressions.push(r);
        }),
    });
    cx.go = go;
    sel
}

/// `spec.template`: (labels, annotations, raw pod spec).
pub(crate) fn pod_template(cx: &mut Cx<'_>, n: &Node<'_>) -> (ObjectMeta, RawPodSpec) {
    let mut meta_ = ObjectMeta::default();
    let mut spec = RawPodSpec::default();
    cx.go = "PodTemplateSpec";
    fields!(cx, n, s::POD_TEMPLATE_SPEC, e => {
        "metadata" => meta_ = meta(cx, &e.value),
        "spec" => spec = pod_spec(cx, &e.value),
    });
    (meta_, spec)
}
