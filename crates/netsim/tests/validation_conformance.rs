//! Conformance: `tests/conformance/validation/` — Service creation as `kubectl apply` answers
//! it, Pod specs (`pod_spec.yaml`), apps/v1 selectors (`workloads_selectors.yaml`), name rules
//! (`name_rules.yaml`); in detail: Service creation as `kubectl apply` answers
//! it (`service_create.yaml`, upstream `TestValidateServiceCreate`), Service defaults
//! (`service_defaults.yaml`, upstream `SetDefaults_Service`) and the declarative-validation
//! Service cases (`declarative_validation_service.yaml`, upstream
//! `pkg/registry/core/service/declarative_validation_test.go`), read at runtime.
//!
//! The declarative cases name a tweak of upstream's `makeValidService()` in prose; each tweak is
//! transcribed below as YAML, and the test fails if the file gains a case this table lacks.
//! Update cases ("update: …") validate a change against a stored object; the simulator only
//! creates, so they are listed as not applicable.

use netsim::diagnostic::SourceFiles;
use netsim::manifest;
use netsim::model::{IntOrString, Protocol, ServiceType, TrafficPolicy};
use netsim::syntax::{self, Node};
use netsim::text::FileId;

const DIR: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/conformance/validation/");

fn load(text: &str) -> manifest::Loaded {
    let mut files = SourceFiles::default();
    files.add("t.yaml", text);
    manifest::load(&files)
}

fn s(n: &Node<'_>) -> String {
    n.as_scalar().map(|s| s.text.to_string()).unwrap_or_default()
}

/// upstream `makeValidService()` with two named ports, as YAML; `{..}` placeholders are tweaked.
fn valid_service(
    name: &str,
    p0: &str,
    p1: &str,
    proto0: &str,
    cluster_ip: &str,
    cluster_ips: &str,
) -> String {
    format!(
        "apiVersion: v1
kind: Service
metadata:
  name: {name}
  namespace: default
spec:
  selector: {{key: val}}
  sessionAffinity: None
  type: ClusterIP
  ports:
  - {{name: {p0}, protocol: {proto0}, port: 8675, targetPort: 8675}}
  - {{name: {p1}, protocol: TCP, port: 309, targetPort: 309}}
  clusterIP: {cluster_ip}
  clusterIPs: [{cluster_ips}]
  ipFamilies: [IPv4]
  ipFamilyPolicy: SingleStack
  internalTrafficPolicy: Cluster
"
    )
}

#[test]
fn declarative_validation_service() {
    let text =
        std::fs::read_to_string(format!("{DIR}declarative_validation_service.yaml")).unwrap();
    let parsed = syntax::parse(FileId(0), &text);
    let root = parsed.documents[0].root.as_ref().unwrap();
    let cases = root.get("cases").unwrap().value.as_sequence().unwrap();
    let mut checked = 0;
    for c in cases {
        let name = s(&c.get("name").unwrap().value);
        let yaml = match name.as_str() {
            "no change" => valid_service("valid", "p", "q", "TCP", "1.2.3.4", "1.2.3.4"),
            "invalid name" => {
                valid_service("_invalid_name_", "p", "q", "TCP", "1.2.3.4", "1.2.3.4")
            }
            "empty port name" => valid_service("valid", "\"\"", "q", "TCP", "1.2.3.4", "1.2.3.4"),
            "invalid port name" => {
                valid_service("valid", "port.one", "q", "TCP", "1.2.3.4", "1.2.3.4")
            }
            "duplicate ports names" => {
                valid_service("valid", "p", "p", "TCP", "1.2.3.4", "1.2.3.4")
            }
            "supported protocol" => valid_service("valid", "p", "q", "TCP", "1.2.3.4", "1.2.3.4"),
            "unsupported protocol" => {
                valid_service("valid", "p", "q", "HTTP", "1.2.3.4", "1.2.3.4")
            }
            "cluster ip mismatch" => valid_service("valid", "p", "q", "TCP", "1.2.3.5", "1.2.3.4"),
            "invalid cluster ip" => valid_service("valid", "p", "q", "TCP", "1.2.3", "1.2.3"),
            n if n.starts_with("update:") => continue,
            other => panic!("case {other:?} is not transcribed in this test"),
        };
        let l = load(&yaml);
        // (type, field) pairs, as upstream's fixtures assert them.
        let got: Vec<(String, String)> = l
            .diagnostics
            .iter()
            .map(|d| {
                let (field, rest) = d.message.split_once(": ").unwrap();
                let ty = match rest.split(':').next().unwrap() {
                    "Invalid value" => "FieldValueInvalid",
                    "Required value" => "FieldValueRequired",
                    "Duplicate value" => "FieldValueDuplicate",
                    "Unsupported value" => "FieldValueNotSupported",
                    "Forbidden" => "FieldValueForbidden",
                    other => panic!("unexpected error type {other}"),
                };
                (ty.to_string(), field.to_string())
            })
            .collect();
        let want: Vec<(String, String)> = c
            .get("expected")
            .unwrap()
            .value
            .as_sequence()
            .unwrap()
            .iter()
            .map(|e| (s(&e.get("type").unwrap().value), s(&e.get("field").unwrap().value)))
            .collect();
        assert_eq!(got, want, "case {name:?}: {:#?}", l.diagnostics);
        if let Some(sup) = c
            .get("expected")
            .unwrap()
            .value
            .as_sequence()
            .unwrap()
            .first()
            .and_then(|e| e.get("supported"))
        {
            let list: Vec<String> =
                sup.value.as_sequence().unwrap().iter().map(|v| format!("{:?}", s(v))).collect();
            assert!(l.diagnostics[0]
                .message
                .ends_with(&format!("supported values: {}", list.join(", "))));
        }
        checked += 1;
    }
    assert_eq!(checked, 9);
}

#[test]
fn service_defaults() {
    let text = std::fs::read_to_string(format!("{DIR}service_defaults.yaml")).unwrap();
    let parsed = syntax::parse(FileId(0), &text);
    let root = parsed.documents[0].root.as_ref().unwrap();
    let example = &root.get("example").unwrap().value;
    let input = example.get("input").unwrap();
    // Re-serialise the sample's input object: it is a flow/block mix; cut it from the text.
    let src = &text[input.value.range.start as usize..input.value.range.end as usize];
    let indent = text[..input.value.range.start as usize].rsplit('\n').next().unwrap().len();
    let yaml: String = std::iter::once(src.lines().next().unwrap().to_string())
        .chain(src.lines().skip(1).map(|l| l.get(indent..).unwrap_or("").to_string()))
        .collect::<Vec<_>>()
        .join("\n");
    let l = load(&yaml);
    assert!(l.diagnostics.is_empty(), "{:#?}", l.diagnostics);
    let svc = &l.objects.services[0];
    let want = &example.get("expected_after_create_on_ipv4_single_stack_cluster").unwrap().value;
    let spec = &want.get("spec").unwrap().value;
    assert_eq!(svc.spec.type_.as_str(), s(&spec.get("type").unwrap().value));
    assert_eq!(svc.spec.type_, ServiceType::ClusterIP);
    assert_eq!(svc.spec.session_affinity, s(&spec.get("sessionAffinity").unwrap().value));
    assert_eq!(svc.spec.session_affinity_timeout, None);
    assert_eq!(
        svc.spec.internal_traffic_policy.map(TrafficPolicy::as_str),
        Some(s(&spec.get("internalTrafficPolicy").unwrap().value).as_str())
    );
    assert_eq!(svc.spec.external_traffic_policy, None, "not externally accessible");
    let port = &spec.get("ports").unwrap().value.as_sequence().unwrap()[0];
    assert_eq!(svc.spec.ports[0].protocol.as_str(), s(&port.get("protocol").unwrap().value));
    assert_eq!(svc.spec.ports[0].port.to_string(), s(&port.get("port").unwrap().value));
    assert_eq!(
        svc.spec.ports[0].target_port,
        IntOrString::Int(s(&port.get("targetPort").unwrap().value).parse().unwrap())
    );
    // ipFamilies, ipFamilyPolicy and clusterIP(s) are the registry's allocation: the cluster
    // stage's job (`cluster::build`), not defaulting.
    assert!(svc.spec.cluster_ips.is_empty());
}

#[test]
fn more_defaults() {
    // The rules listed in service_defaults.yaml beyond its worked example.
    let l = load(
        "apiVersion: v1
kind: Service
metadata: {name: lb}
spec:
  type: LoadBalancer
  sessionAffinity: ClientIP
  ports: [{port: 80, targetPort: 0}, {name: b, port: 81, protocol: UDP, targetPort: \"\"}]
---
apiVersion: v1
kind: Service
metadata: {name: ext}
spec:
  externalIPs: [192.0.2.10]
  ports: [{port: 80}]
---
apiVersion: v1
kind: Service
metadata: {name: db}
spec:
  type: ExternalName
  externalName: db.example.com
---
apiVersion: v1
kind: Pod
metadata: {name: p}
spec:
  hostNetwork: true
  containers: [{name: c, image: x, ports: [{containerPort: 8080}]}]
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: d}
spec:
  selector: {matchLabels: {a: b}}
  template:
    metadata: {labels: {a: b}}
    spec: {containers: [{name: c, image: x}]}
",
    );
    // The API server's warning for externalIPs (v1.36+) is not a validation error.
    let errs: Vec<_> = l
        .diagnostics
        .iter()
        .filter(|d| d.code != "required-value" && d.code != "api-warning")
        .collect();
    assert!(errs.is_empty(), "{errs:#?}");
    let lb = &l.objects.services[0];
    assert_eq!(lb.spec.session_affinity_timeout, Some(10800));
    assert_eq!(lb.spec.external_traffic_policy, Some(TrafficPolicy::Cluster));
    assert_eq!(lb.spec.allocate_load_balancer_node_ports, Some(true));
    assert_eq!(lb.spec.ports[0].target_port, IntOrString::Int(80));
    assert_eq!(lb.spec.ports[1].target_port, IntOrString::Int(81));
    assert_eq!(lb.spec.ports[1].protocol, Protocol::Udp);
    let ext = &l.objects.services[1];
    assert_eq!(ext.spec.external_traffic_policy, Some(TrafficPolicy::Cluster));
    let db = &l.objects.services[2];
    assert_eq!(db.spec.internal_traffic_policy, None);
    assert_eq!(db.spec.external_traffic_policy, None);
    let p = &l.objects.pods[0];
    assert_eq!(p.meta.namespace, "default");
    assert_eq!(p.spec.dns_policy, "ClusterFirst");
    assert_eq!(p.spec.restart_policy, "Always");
    assert_eq!(p.spec.containers[0].ports[0].protocol, Protocol::Tcp);
    assert_eq!(p.spec.containers[0].ports[0].host_port, Some(8080));
    let d = &l.objects.workloads[0];
    assert_eq!(d.replicas, 1);
    assert_eq!(d.template.spec.dns_policy, "ClusterFirst");
}

/// `kubectl apply -f` of one manifest, as `netsim check --format kubectl` prints it: the load's
/// answers plus the cluster stage's allocation answers; stdout, then stderr.
fn kubectl_apply(text: &str) -> String {
    let mut files = SourceFiles::default();
    files.add("svc.yaml", text);
    let mut loaded = manifest::load(&files);
    let alloc = netsim::cluster::allocation_answers(&loaded);
    loaded.diagnostics.extend(alloc);
    let out = manifest::apply::kubectl_apply(&files, &loaded);
    format!("{}{}", out.stdout, out.stderr)
}

/// `service_create.yaml`: upstream `TestValidateServiceCreate` and
/// `TestValidateServiceExternalTrafficPolicy` cases, each as the manifest kubectl sends and the
/// exact text `kubectl apply` prints for it.
#[test]
fn service_create() {
    let n = kubectl_cases("service_create.yaml");
    assert_eq!(n, 160, "upstream: 150 create cases + 10 externalTrafficPolicy cases");
}

/// `pod_host_ports.yaml`: host-port rules of ValidatePodSpec, as `kubectl apply` answers.
#[test]
fn pod_host_ports() {
    assert_eq!(kubectl_cases("pod_host_ports.yaml"), 10);
}

/// `endpoints_create.yaml`: upstream `TestValidateEndpointsCreate`, as `kubectl apply` answers.
#[test]
fn endpoints_create() {
    assert_eq!(kubectl_cases("endpoints_create.yaml"), 18);
}

/// `endpointslice_create.yaml`: upstream `TestValidateEndpointSlice` and
/// `TestValidateEndpointSliceCreate`, as `kubectl apply` answers.
#[test]
fn endpointslice_create() {
    assert_eq!(kubectl_cases("endpointslice_create.yaml"), 38);
}

/// `service_warnings.yaml`: upstream `TestGetWarningsForService` and `TestGetWarningsForCIDR`,
/// as `kubectl apply` prints the warnings of a created Service.
#[test]
fn service_warnings() {
    assert_eq!(kubectl_cases("service_warnings.yaml"), 11);
}

/// `pod_warnings.yaml`: upstream `pkg/api/pod/warnings_test.go` `TestWarnings` and
/// `TestTemplateOnlyWarnings`, as `kubectl apply` prints a created Pod's or workload's warnings.
#[test]
fn pod_warnings() {
    assert_eq!(kubectl_cases("pod_warnings.yaml"), 46);
}

/// `node_create.yaml`: `ValidateNode` (taints, podCIDRs), as `kubectl apply` answers.
#[test]
fn node_create() {
    assert_eq!(kubectl_cases("node_create.yaml"), 12);
}

/// `replication_controller.yaml`: upstream `TestValidateReplicationController`, as
/// `kubectl apply` answers.
#[test]
fn replication_controller() {
    assert_eq!(kubectl_cases("replication_controller.yaml"), 14);
}

/// `pod_spec.yaml`: upstream `TestValidatePorts`, `TestValidateRestartPolicy`,
/// `TestValidateDNSPolicy`, `TestValidatePodDNSConfig` and the `TestValidatePodSpec` /
/// `TestValidatePod` cases on fields the simulator reads, as `kubectl apply` answers.
#[test]
fn pod_spec() {
    assert_eq!(kubectl_cases("pod_spec.yaml"), 71);
}

/// `workloads_selectors.yaml`: upstream `TestValidateReplicaSet` / `TestValidateStatefulSet`
/// cases on the apps/v1 kinds, `TestValidateLabelSelector` on a Deployment's selector and
/// `TestValidateLabels` on a Pod's labels, as `kubectl apply` answers.
#[test]
fn workloads_selectors() {
    assert_eq!(kubectl_cases("workloads_selectors.yaml"), 88);
}

/// `workloads_strategy.yaml`: upstream `TestValidateDeployment`, `TestValidateStatefulSet`,
/// `TestValidateStatefulSetMinReadySeconds` and `TestDaemonSetUpdateMaxSurge` cases on the apps/v1
/// strategy, rollout and ordinal fields and StatefulSet names, as `kubectl apply` answers.
#[test]
fn workloads_strategy() {
    assert_eq!(kubectl_cases("workloads_strategy.yaml"), 38);
}

/// `network_extra.yaml`: upstream `TestValidatePodReadinessGates`, the hostAliases cases of
/// `TestValidatePodSpec`, `TestValidateSchedulingGates`, `TestValidateHostUsers` and
/// `TestValidateNonSpecialIP` (as Endpoints addresses), plus a Service created with a status,
/// as `kubectl apply` answers.
#[test]
fn network_extra() {
    assert_eq!(kubectl_cases("network_extra.yaml"), 21);
}

/// `namespace_create.yaml`: upstream `TestValidateNamespace`, as `kubectl apply` answers.
#[test]
fn namespace_create() {
    assert_eq!(kubectl_cases("namespace_create.yaml"), 4);
}

/// Runs a file of `{name, manifest, kubectl}` cases (after the file's `cluster` document);
/// `NETSIM_DUMP=1` prints what the simulator answers instead. Returns the number of cases.
fn kubectl_cases(file: &str) -> usize {
    let text = std::fs::read_to_string(format!("{DIR}{file}")).unwrap();
    let parsed = syntax::parse(FileId(0), &text);
    let root = parsed.documents[0].root.as_ref().unwrap();
    let cluster = s(&root.get("cluster").unwrap().value);
    let cases = root.get("cases").unwrap().value.as_sequence().unwrap();
    let dump = std::env::var_os("NETSIM_DUMP").is_some();
    let mut failures = Vec::new();
    let mut dumped = Vec::new();
    for c in cases {
        let name = s(&c.get("name").unwrap().value);
        let m = &c.get("manifest").unwrap().value;
        let doc = &text[m.range.start as usize..m.range.end as usize];
        let got = kubectl_apply(&format!("{cluster}---\n{doc}\n"));
        let want = s(&c.get("kubectl").unwrap().value);
        if dump {
            dumped.push(format!("{name:?}: {got:?}"));
        } else if c.get("known_gap").is_some() {
            // A documented difference: the case must still differ (else drop the mark).
            if got.trim_end() == want.trim_end() {
                failures.push(format!("case {name:?} passes: remove its known_gap"));
            }
        } else if got.trim_end() != want.trim_end() {
            failures.push(format!("case {name:?}:\n--- want\n{want}\n--- got\n{got}"));
        }
    }
    if dump {
        println!("{{{}}}", dumped.join(",\n"));
    }
    assert!(failures.is_empty(), "{} failing:\n{}", failures.len(), failures.join("\n"));
    cases.len()
}

/// One asserted field of [`defaults_test`]'s objects, as the API would print it (`None`: unset).
fn defaulted_field(l: &manifest::Loaded, key: &str) -> Option<String> {
    let idx = |k: &str, at: &str| -> usize {
        let rest = &k[k.find(at).unwrap() + at.len() + 1..];
        rest[..rest.find(']').unwrap()].parse().unwrap()
    };
    let tp = |t: &IntOrString| match t {
        IntOrString::Int(n) => n.to_string(),
        IntOrString::Str(s) => s.clone(),
    };
    if let Some(svc) = l.objects.services.first() {
        let port = || &svc.spec.ports[idx(key, "ports")];
        return match key {
            "spec.type" => Some(svc.spec.type_.as_str().to_string()),
            "spec.sessionAffinity" => Some(svc.spec.session_affinity.clone()),
            "spec.sessionAffinityConfig.clientIP.timeoutSeconds" => {
                svc.spec.session_affinity_timeout.map(|t| t.to_string())
            }
            "spec.externalTrafficPolicy" => {
                svc.spec.external_traffic_policy.map(|p| p.as_str().to_string())
            }
            k if k.ends_with(".protocol") => Some(port().protocol.as_str().to_string()),
            k if k.ends_with(".targetPort") => Some(tp(&port().target_port)),
            other => panic!("no accessor for {other}"),
        };
    }
    if let Some(e) = l.objects.endpoints.first() {
        let p = &e.subsets[idx(key, "subsets")].ports[idx(key, "ports")];
        return Some(p.protocol.as_str().to_string());
    }
    let spec = &l.objects.pods[0].spec;
    let list = if key.starts_with("spec.initContainers") {
        &spec.init_containers
    } else {
        &spec.containers
    };
    let c = &list[idx(key, "ontainers")];
    c.ports[idx(key, "ports")].host_port.map(|p| p.to_string())
}

/// `defaults_test.yaml`: upstream `pkg/apis/core/v1/defaults_test.go` Service, Endpoints and
/// host-network Pod cases.
#[test]
fn defaults_test() {
    let text = std::fs::read_to_string(format!("{DIR}defaults_test.yaml")).unwrap();
    let parsed = syntax::parse(FileId(0), &text);
    let root = parsed.documents[0].root.as_ref().unwrap();
    let cases = root.get("cases").unwrap().value.as_sequence().unwrap();
    for c in cases {
        let name = s(&c.get("name").unwrap().value);
        let m = &c.get("manifest").unwrap().value;
        let l = load(&format!("{}\n", &text[m.range.start as usize..m.range.end as usize]));
        let errs: Vec<_> = l
            .diagnostics
            .iter()
            .filter(|d| manifest::validate::is_validation_code(d.code))
            .collect();
        assert!(errs.is_empty(), "case {name:?}: {errs:#?}");
        for e in c.get("expect").unwrap().value.as_mapping().unwrap() {
            let key = s(&e.key);
            let want = match s(&e.value) {
                v if v == "null" => None,
                v => Some(v),
            };
            assert_eq!(defaulted_field(&l, &key), want, "case {name:?}, field {key}");
        }
    }
    assert_eq!(cases.len(), 13);
}

/// The manifest that puts `value` where `applied_as` says (see `name_rules.yaml`).
fn name_rule_manifest(applied_as: &str, value: &str) -> String {
    let q = format!("{value:?}");
    let pod = |meta: &str| {
        format!("apiVersion: v1\nkind: Pod\nmetadata: {meta}\nspec: {{containers: [{{name: c, image: x}}]}}\n")
    };
    match applied_as {
        "Namespace" => format!("apiVersion: v1\nkind: Namespace\nmetadata: {{name: {q}}}\n"),
        "Pod" => pod(&format!("{{name: {q}}}")),
        // Before v1.36 (RelaxedServiceNameValidation) a Service name is a DNS-1035 label.
        "Service on a v1.35 cluster" => format!(
            "apiVersion: kubeadm.k8s.io/v1beta4\nkind: ClusterConfiguration\nkubernetesVersion: v1.35.0\n---\napiVersion: v1\nkind: Service\nmetadata: {{name: {q}}}\nspec: {{ports: [{{port: 80}}]}}\n"
        ),
        "label key" => pod(&format!("{{name: p, labels: {{{q}: x}}}}")),
        "label value" => pod(&format!("{{name: p, labels: {{k: {q}}}}}")),
        other => panic!("no manifest shape for {other}"),
    }
}

/// `name_rules.yaml`: apimachinery's good and bad values of the name rules, each applied to the
/// field of a created object that uses the rule.
#[test]
fn name_rules() {
    let text = std::fs::read_to_string(format!("{DIR}name_rules.yaml")).unwrap();
    let parsed = syntax::parse(FileId(0), &text);
    let root = parsed.documents[0].root.as_ref().unwrap();
    let groups = root.get("groups").unwrap().value.as_sequence().unwrap();
    let mut failures = Vec::new();
    let mut n = 0;
    for g in groups {
        let test = s(&g.get("test").unwrap().value);
        let applied = s(&g.get("applied_as").unwrap().value);
        let at = s(&g.get("at").unwrap().value);
        for (key, want_ok) in [("good", true), ("bad", false)] {
            for v in g.get(key).unwrap().value.as_sequence().unwrap() {
                let value = s(v);
                let l = load(&name_rule_manifest(&applied, &value));
                let errs: Vec<&str> = l
                    .diagnostics
                    .iter()
                    .filter(|d| manifest::validate::is_validation_code(d.code))
                    .map(|d| d.message.as_str())
                    .collect();
                let on_field = errs.iter().any(|m| m.starts_with(&format!("{at}:")));
                if want_ok != errs.is_empty() || (!want_ok && !on_field) {
                    failures.push(format!("{test} {key} {value:?}: {errs:?}"));
                }
                n += 1;
            }
        }
    }
    assert!(failures.is_empty(), "{} failing:\n{}", failures.len(), failures.join("\n"));
    assert_eq!(n, 237);
}
