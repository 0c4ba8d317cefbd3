use super::*;

fn load_str(text: &str) -> Loaded {
    let mut files = SourceFiles::default();
    files.add("t.yaml", text);
    load(&files)
}

#[test]
fn loads_pod_and_service() {
    let l = load_str(
        "apiVersion: v1\nkind: Service\nmetadata:\n  name: web\nspec:\n  selector:\n    app: web\n  ports:\n  - port: 80\n---\napiVersion: v1\nkind: Pod\nmetadata:\n  name: p\n  labels: {app: web}\nspec:\n  containers:\n  - name: c\n    image: nginx\n    ports:\n    - containerPort: 80\nstatus:\n  podIP: 10.0.0.5\n  conditions:\n  - type: Ready\n    status: \"True\"\n",
    );
    assert!(l.diagnostics.is_empty(), "{:?}", l.diagnostics);
    let s = &l.objects.services[0];
    assert_eq!(s.meta.namespace, "default");
    assert_eq!(s.spec.ports[0].target_port, IntOrString::Int(80));
    assert_eq!(s.spec.session_affinity, "None");
    assert_eq!(s.spec.internal_traffic_policy, Some(TrafficPolicy::Cluster));
    let src = s.meta.source.as_ref().unwrap();
    assert!(src.fields.get("spec.selector").is_some());
    assert!(src.fields.get("spec.ports[0].port").is_some());
    let p = &l.objects.pods[0];
    assert_eq!(p.spec.dns_policy, "ClusterFirst");
    assert_eq!(p.status.ready, Some(true));
    assert_eq!(p.status.pod_ips.len(), 1);
    assert_eq!(p.spec.containers[0].ports[0].protocol, Protocol::Tcp);
}

#[test]
fn list_and_unknown_kind() {
    let l = load_str("apiVersion: v1\nkind: List\nitems:\n- apiVersion: v1\n  kind: Namespace\n  metadata: {name: shop}\n- apiVersion: v1\n  kind: Secret\n  metadata: {name: s}\n");
    assert_eq!(l.objects.namespaces.len(), 1);
    assert_eq!(l.diagnostics.len(), 1);
    assert_eq!(l.diagnostics[0].code, "unsupported-kind");
}

#[test]
fn unknown_field_suggestion() {
    let l = load_str("apiVersion: v1\nkind: Service\nmetadata:\n  name: web\nspec:\n  selecter:\n    app: web\n  ports:\n  - port: 80\n    targetport: 8080\n");
    let msgs: Vec<_> = l.diagnostics.iter().map(|d| (d.message.clone(), d.hints.clone())).collect();
    assert_eq!(msgs[0].0, "unknown field \"spec.selecter\"");
    assert_eq!(msgs[0].1[0], "did you mean `selector`?");
    assert_eq!(msgs[1].0, "unknown field \"spec.ports[0].targetport\"");
    assert_eq!(msgs[1].1[0], "did you mean `targetPort`?");
}

#[test]
fn all_kinds() {
    let text = r#"
apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: shop}
spec:
  selector:
    matchLabels: {app: web}
    matchExpressions:
    - {key: tier, operator: In, values: [fe]}
  template:
    metadata:
      labels: {app: web, tier: fe}
    spec:
      containers:
      - name: c
        image: nginx:1.25
        resources: {limits: {cpu: "1"}}
        readinessProbe: {httpGet: {path: /, port: 80}}
        ports: [{containerPort: 80, name: http}]
---
apiVersion: apps/v1
kind: StatefulSet
metadata: {name: db}
spec:
  serviceName: db
  replicas: 3
  selector: {matchLabels: {app: db}}
  template:
    metadata: {labels: {app: db}}
    spec: {containers: [{name: db, image: redis}]}
---
apiVersion: v1
kind: Node
metadata: {name: n1}
spec:
  podCIDR: 10.244.1.0/24
  taints: [{key: k, value: v, effect: NoSchedule}]
status:
  addresses:
  - {type: InternalIP, address: 172.18.0.2}
  - {type: Hostname, address: n1}
  conditions:
  - {type: Ready, status: "False"}
---
apiVersion: discovery.k8s.io/v1
kind: EndpointSlice
metadata:
  name: ext-1
  labels: {kubernetes.io/service-name: ext}
addressType: IPv4
endpoints:
- addresses: [192.168.1.10]
  conditions: {ready: true}
ports: [{name: http, port: 80, protocol: TCP}]
---
apiVersion: v1
kind: Endpoints
metadata: {name: ext}
subsets:
- addresses: [{ip: 192.168.1.10}]
  notReadyAddresses: [{ip: 192.168.1.11}]
  ports: [{port: 80}]
---
apiVersion: kubeadm.k8s.io/v1beta4
kind: ClusterConfiguration
networking: {podSubnet: 10.244.0.0/16, serviceSubnet: 10.96.0.0/12, dnsDomain: cluster.local}
apiServer:
  extraArgs:
  - {name: service-node-port-range, value: 20000-22767}
---
apiVersion: kubeadm.k8s.io/v1beta3
kind: ClusterConfiguration
apiServer:
  extraArgs: {service-node-port-range: 30000-32767}
---
apiVersion: kubeproxy.config.k8s.io/v1alpha1
kind: KubeProxyConfiguration
mode: iptables
clusterCIDR: 10.244.0.0/16
iptables: {masqueradeBit: 14, masqueradeAll: true}
---
apiVersion: kubelet.config.k8s.io/v1beta1
kind: KubeletConfiguration
clusterDNS: [10.96.0.10]
clusterDomain: cluster.local
cgroupDriver: systemd
---
apiVersion: metallb.io/v1beta1
kind: IPAddressPool
metadata: {name: pool, namespace: metallb-system}
spec: {addresses: [172.18.255.200-172.18.255.250]}
---
apiVersion: metallb.io/v1beta1
kind: L2Advertisement
metadata: {name: l2, namespace: metallb-system}
spec: {ipAddressPools: [pool]}
---
apiVersion: v1
kind: ConfigMap
metadata: {name: coredns, namespace: kube-system}
data:
  Corefile: |
    .:53 {
        kubernetes cluster.local
    }
"#;
    let text = format!("apiVersion: v1\nkind: Namespace\nmetadata: {{name: shop}}\n---\n{text}");
    let l = load_str(&text);
    // kubectl prints the API server's warning for the Endpoints object, nothing else.
    let codes: Vec<&str> = l.diagnostics.iter().map(|d| d.code).collect();
    assert_eq!(codes, ["api-warning"], "{:#?}", l.diagnostics);
    assert_eq!(l.diagnostics[0].message, validate::ENDPOINTS_DEPRECATED);
    let o = &l.objects;
    assert_eq!(o.workloads.len(), 2);
    assert_eq!(o.workloads[0].replicas, 1);
    assert_eq!(o.workloads[0].meta.namespace, "shop");
    assert_eq!(o.workloads[0].selector.as_ref().unwrap().match_expressions[0].values, ["fe"]);
    assert_eq!(o.workloads[0].template.spec.containers[0].ports[0].name.as_deref(), Some("http"));
    assert_eq!(o.workloads[1].service_name.as_deref(), Some("db"));
    assert_eq!(o.workloads[1].replicas, 3);
    assert_eq!(o.nodes[0].pod_cidrs, ["10.244.1.0/24"]);
    assert!(!o.nodes[0].ready);
    assert_eq!(o.nodes[0].internal_ips.len(), 1);
    assert_eq!(o.endpoint_slices[0].service_name(), Some("ext"));
    assert_eq!(o.endpoint_slices[0].endpoints[0].conditions.ready, Some(true));
    assert_eq!(o.endpoints[0].subsets[0].not_ready_addresses.len(), 1);
    assert_eq!(o.cluster_configurations[0].service_node_port_range.as_deref(), Some("20000-22767"));
    assert_eq!(o.cluster_configurations[1].service_node_port_range.as_deref(), Some("30000-32767"));
    assert_eq!(o.cluster_configurations[0].dns_domain.as_deref(), Some("cluster.local"));
    assert_eq!(o.kube_proxy_configurations[0].masquerade_bit, Some(14));
    assert_eq!(o.kubelet_configurations[0].cluster_dns, ["10.96.0.10"]);
    assert_eq!(o.ip_address_pools[0].addresses.len(), 1);
    assert!(o.ip_address_pools[0].auto_assign);
    assert_eq!(o.l2_advertisements[0].ip_address_pools, ["pool"]);
    assert!(o.config_maps[0].data["Corefile"].contains("kubernetes cluster.local"));
}

#[test]
fn yaml_traps_in_labels() {
    let l = load_str("apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\n  labels:\n    enabled: yes\n    version: 1.10\n    mode: 0777\nspec:\n  containers: [{name: c, image: x}]\n");
    let codes: Vec<_> = l.diagnostics.iter().map(|d| d.code).collect();
    assert_eq!(codes, ["yaml-1.1-bool", "yaml-1.1-number", "yaml-1.1-number"]);
    assert_eq!(
        l.diagnostics[0].hints[0],
        "kubectl apply fails: json: cannot unmarshal bool into Go struct field ObjectMeta.metadata.labels of type string"
    );
    assert_eq!(l.objects.pods[0].meta.labels["version"], "1.1");
    assert_eq!(l.objects.pods[0].meta.labels["mode"], "511");
}

#[test]
fn wrong_types() {
    let l = load_str("apiVersion: v1\nkind: Service\nmetadata: {name: s}\nspec:\n  ports:\n  - port: \"80\"\n  - port: 99999999999\n  - port: [1]\n");
    let m: Vec<_> = l
        .diagnostics
        .iter()
        .filter(|d| d.code != "required-value")
        .map(|d| d.message.as_str())
        .collect();
    assert_eq!(m[0], "spec.ports[0].port: expected an integer, found a string");
    assert_eq!(m[1], "spec.ports[1].port: 99999999999 does not fit in this field (int32)");
    assert_eq!(m[2], "spec.ports[2].port: expected an integer, found a list");
}

#[test]
fn duplicate_objects() {
    let l = load_str("apiVersion: v1\nkind: Namespace\nmetadata: {name: a}\n---\napiVersion: v1\nkind: Namespace\nmetadata: {name: a}\n");
    assert_eq!(l.objects.namespaces.len(), 1);
    assert_eq!(l.diagnostics[0].code, "duplicate-object");
    assert_eq!(l.diagnostics[0].related.len(), 1);
}

#[test]
fn missing_kind_and_wrong_version() {
    let l = load_str(
        "metadata: {name: a}\n---\napiVersion: v1\nkind: Deployment\nmetadata: {name: d}\n",
    );
    assert_eq!(
        l.diagnostics[0].message,
        "error validating data: [apiVersion not set, kind not set]"
    );
    assert_eq!(l.diagnostics[1].message, "no matches for kind \"Deployment\" in version \"v1\"");
}

/// Regression (hardening): `%q` escapes what Go's `unicode.IsPrint` rejects, so a rejected
/// name with a bidi override or a zero-width character shows as text, as kubectl shows it.
#[test]
fn go_quote_escapes_unprintable_runes_like_strconv_quote() {
    use super::validate::go_quote;
    assert_eq!(go_quote("abc\u{202E}cba\u{200B}<x>"), "\"abc\\u202ecba\\u200b<x>\"");
    assert_eq!(go_quote("a\u{a0}b\u{feff}\u{fffe}"), "\"a\\u00a0b\\ufeff\\ufffe\"");
    assert_eq!(go_quote("\u{e0041}\u{10ffff}"), "\"\\U000e0041\\U0010ffff\"");
    assert_eq!(go_quote("\u{1}\u{7f}\u{85}"), "\"\\x01\\x7f\\u0085\"");
    // Printable non-ASCII stays as it is.
    assert_eq!(go_quote("café ☺ 名前"), "\"café ☺ 名前\"");
}

#[test]
fn rejected_name_with_bidi_override_is_quoted_safely() {
    let l = load_str(
        "apiVersion: v1\nkind: Service\nmetadata:\n  name: \"abc\\u202Ecba\"\nspec:\n  ports: [{port: 80}]\n",
    );
    let d = l.diagnostics.iter().find(|d| d.message.contains("metadata.name"));
    let Some(d) = d else { panic!("{:?}", l.diagnostics) };
    assert!(d.message.contains("\"abc\\u202ecba\""), "{}", d.message);
    assert!(!d.message.contains('\u{202E}'), "{}", d.message);
}

#[test]
fn yaml_traps_in_keys() {
    let l = load_str("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\ndata:\n  on: v1\n  1.10: v2\n  \"yes\": v3\n");
    let codes: Vec<_> = l.diagnostics.iter().map(|d| d.code).collect();
    assert_eq!(codes, ["yaml-1.1-bool", "yaml-1.1-number"]);
    assert_eq!(
        l.diagnostics[0].message,
        "the key `on` is the boolean true in YAML, so Kubernetes stores the key \"true\""
    );
    let keys: Vec<_> = l.objects.config_maps[0].data.keys().cloned().collect();
    assert_eq!(keys, ["1.1", "true", "yes"]);
}

/// Deterministic mutation fuzzing: thousands of corrupted variants of a realistic stream must
/// load without a panic (every problem is a diagnostic).
#[test]
fn mutated_manifests_never_panic() {
    let base = "apiVersion: v1\nkind: Service\nmetadata:\n  name: web\n  labels: {app: web, tier: \"fe\"}\nspec:\n  type: LoadBalancer\n  clusterIP: None\n  selector:\n    app: web\n  ports:\n  - name: http\n    port: 80\n    targetPort: http\n    nodePort: 30080\n  sessionAffinity: ClientIP\n  externalTrafficPolicy: Local\n---\napiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web}\nspec:\n  replicas: 2\n  selector:\n    matchLabels: {app: web}\n    matchExpressions: [{key: tier, operator: In, values: [fe]}]\n  template:\n    metadata:\n      labels: &l {app: web}\n    spec:\n      hostNetwork: true\n      containers:\n      - name: web\n        image: nginx\n        ports: [{containerPort: 80, name: http, hostPort: 8080}]\n---\napiVersion: v1\nkind: List\nitems:\n- {apiVersion: v1, kind: Pod, metadata: {name: p, labels: *l}, spec: {containers: [{name: c, image: x}]}, status: {podIP: 10.0.0.1}}\n";
    let alphabet: Vec<char> = " \n\t:-[]{},\"'&*!#|>~0123456789abcXYZé\u{0}".chars().collect();
    let chars: Vec<char> = base.chars().collect();
    let mut x: u64 = 0x9E37_79B9_7F4A_7C15;
    let mut next = || {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        x
    };
    for _ in 0..2000 {
        let mut c = chars.clone();
        for _ in 0..(next() % 4 + 1) {
            let pos = (next() as usize) % c.len();
            match next() % 3 {
                0 => c[pos] = alphabet[(next() as usize) % alphabet.len()],
                1 => {
                    c.remove(pos);
                }
                _ => c.insert(pos, alphabet[(next() as usize) % alphabet.len()]),
            }
        }
        let text: String = c.into_iter().collect();
        let l = load_str(&text);
        // Spans always lie inside the text.
        for d in &l.diagnostics {
            assert!(d.span.range.end as usize <= text.len(), "{d:?} in {text:?}");
        }
    }
}

#[test]
fn objects_with_errors_are_listed_but_not_created() {
    let text = "apiVersion: v1\nkind: Service\nmetadata: {name: ok}\nspec: {ports: [{port: 80}]}\n---\n\
                apiVersion: v1\nkind: Service\nmetadata: {name: Bad_Name}\nspec: {ports: [{port: 80}]}\n---\n\
                apiVersion: v1\nkind: Pod\nmetadata: {name: p, labels: {app: 'a b'}}\nspec: {containers: [{name: c, image: i}]}\n---\n\
                apiVersion: v1\nkind: Pod\nmetadata: {name: q, labelz: {}}\nspec: {containers: [{name: c, image: i}]}\n";
    let mut files = SourceFiles::default();
    files.add("t.yaml", text);
    let loaded = load(&files);
    // Everything read is listed (objects pane, `check`)…
    assert_eq!(loaded.objects.services.len(), 2);
    assert_eq!(loaded.objects.pods.len(), 2);
    // …but kubectl apply creates only what the API server accepts; a warning rejects nothing.
    let accepted = loaded.accepted();
    let names = |v: Vec<&str>| v.into_iter().map(String::from).collect::<Vec<_>>();
    assert_eq!(
        accepted.services.iter().map(|s| s.meta.name.clone()).collect::<Vec<_>>(),
        names(vec!["ok"])
    );
    assert_eq!(
        accepted.pods.iter().map(|p| p.meta.name.clone()).collect::<Vec<_>>(),
        names(vec!["q"])
    );
}

// ---------------------------------------------------------------------------------------------
// Lists, ReplicationControllers, namespaces, versions (issue 16)

fn codes(l: &Loaded) -> Vec<&'static str> {
    l.diagnostics.iter().map(|d| d.code).collect()
}

#[test]
fn kind_lists_take_the_item_kind() {
    // A ServiceList of bare bodies and an item with its own kind (decodeToList).
    let l = load_str(
        "apiVersion: v1\nkind: ServiceList\nitems:\n- metadata: {name: a}\n  spec: {ports: [{port: 80}]}\n- apiVersion: v1\n  kind: Pod\n  metadata: {name: b}\n  spec: {containers: [{name: c, image: nginx}]}\n",
    );
    assert!(l.diagnostics.is_empty(), "{:#?}", l.diagnostics);
    let svcs: Vec<&str> = l.objects.services.iter().map(|s| s.meta.name.as_str()).collect();
    assert_eq!(svcs, ["a"]);
    assert_eq!(l.objects.pods[0].meta.name, "b");
}

#[test]
fn a_list_inside_a_list_fails_the_document() {
    // FlattenListVisitor: meta.ExtractList cannot take the items of a nested
    // *unstructured.Unstructured, so nothing of the document is applied.
    let l = load_str(
        "apiVersion: v1\nkind: ServiceList\nitems:\n- metadata: {name: a}\n  spec: {ports: [{port: 80}]}\n- apiVersion: v1\n  kind: List\n  items:\n  - {apiVersion: v1, kind: Service, metadata: {name: c}, spec: {ports: [{port: 82}]}}\n",
    );
    assert_eq!(codes(&l), ["nested-list"]);
    assert!(l.objects.services.is_empty());
}

#[test]
fn a_bad_list_item_does_not_stop_the_others() {
    let l = load_str(
        "apiVersion: v1\nkind: ReplicationControllerList\nitems:\n- metadata: {name: Bad_Name}\n  spec:\n    template:\n      metadata: {labels: {app: x}}\n      spec: {containers: [{name: c, image: i}]}\n- metadata: {name: good}\n  spec:\n    template:\n      metadata: {labels: {app: good}}\n      spec: {containers: [{name: c, image: i}]}\n",
    );
    assert_eq!(codes(&l), ["invalid-value"]);
    assert_eq!(l.objects.workloads.len(), 2);
    let accepted = l.accepted();
    assert_eq!(accepted.workloads.len(), 1);
    assert_eq!(accepted.workloads[0].meta.name, "good");
    assert_eq!(accepted.workloads[0].kind, WorkloadKind::ReplicationController);
}

#[test]
fn list_kinds_must_name_a_served_kind() {
    let l = load_str("apiVersion: v1\nkind: DeploymentList\nitems: []\n");
    assert_eq!(codes(&l), ["no-kind-match"]);
    assert_eq!(
        l.diagnostics[0].message,
        "no matches for kind \"DeploymentList\" in version \"v1\""
    );
    // `List` exists in every group/version; an empty list is fine.
    assert!(load_str("apiVersion: apps/v1\nkind: List\nitems: []\n").diagnostics.is_empty());
}

#[test]
fn replication_controller_defaults_and_validation() {
    // SetDefaults_ReplicationController: selector and labels from the template, replicas 1.
    let l = load_str(
        "apiVersion: v1\nkind: ReplicationController\nmetadata: {name: redis}\nspec:\n  template:\n    metadata: {labels: {app: redis, role: master}}\n    spec: {containers: [{name: m, image: redis, ports: [{containerPort: 6379}]}]}\n",
    );
    assert!(l.diagnostics.is_empty(), "{:#?}", l.diagnostics);
    let w = &l.objects.workloads[0];
    assert_eq!(w.replicas, 1);
    assert_eq!(
        crate::cluster::print::format_labels(&w.selector.as_ref().unwrap().match_labels),
        "app=redis,role=master"
    );
    assert_eq!(w.meta.labels, w.template.labels);
    // ValidateReplicationControllerSpec, in upstream order.
    let l = load_str(
        "apiVersion: v1\nkind: ReplicationController\nmetadata: {name: r}\nspec:\n  replicas: -1\n  selector: {app: a}\n  template:\n    metadata: {labels: {app: b}}\n    spec:\n      restartPolicy: OnFailure\n      activeDeadlineSeconds: 5\n      containers: [{name: c, image: i}]\n",
    );
    let msgs: Vec<&str> = l.diagnostics.iter().map(|d| d.message.as_str()).collect();
    assert_eq!(
        msgs,
        [
            "spec.replicas: Invalid value: -1: must be greater than or equal to 0",
            "spec.template.metadata.labels: Invalid value: map[string]string{\"app\":\"b\"}: `selector` does not match template `labels`",
            "spec.template.spec.restartPolicy: Unsupported value: \"OnFailure\": supported values: \"Always\"",
            "spec.template.spec.activeDeadlineSeconds: Forbidden: activeDeadlineSeconds in ReplicationController is not Supported",
        ]
    );
    let l =
        load_str("apiVersion: v1\nkind: ReplicationController\nmetadata: {name: r}\nspec: {}\n");
    let msgs: Vec<&str> = l.diagnostics.iter().map(|d| d.message.as_str()).collect();
    assert_eq!(msgs, ["spec.selector: Required value", "spec.template: Required value"]);
}

#[test]
fn a_missing_namespace_refuses_the_object_with_a_fix() {
    let text = "# app\napiVersion: v1\nkind: Service\nmetadata: {name: web, namespace: shop}\nspec: {ports: [{port: 80}]}\n";
    let l = load_str(text);
    assert_eq!(codes(&l), ["namespace-not-found"]);
    let d = &l.diagnostics[0];
    assert_eq!(d.message, "namespaces \"shop\" not found");
    assert_eq!(d.object.as_deref(), Some("Service \"web\""));
    assert!(d.hints.iter().any(|h| h == "kubectl apply: Error from server (NotFound): error when creating \"t.yaml\": namespaces \"shop\" not found"));
    // The span is the namespace field; the fix inserts a Namespace before the document.
    assert_eq!(&text[d.span.range.start as usize..d.span.range.end as usize], "shop");
    let fix = d.fix.as_ref().unwrap();
    assert_eq!(fix.title, "Add Namespace \"shop\"");
    assert_eq!(fix.edits[0].span.range.start, 6);
    assert_eq!(
        fix.edits[0].text,
        "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: shop\n---\n"
    );
    assert!(l.accepted().services.is_empty());
    // Applying the fix makes the input clean.
    let fixed = format!("{}{}{}", &text[..6], fix.edits[0].text, &text[6..]);
    assert!(load_str(&fixed).diagnostics.is_empty());
    // A Namespace further down does not help (kubectl applies in input order): no fix, a hint.
    let later = format!("{text}---\napiVersion: v1\nkind: Namespace\nmetadata: {{name: shop}}\n");
    let l = load_str(&later);
    assert_eq!(codes(&l), ["namespace-not-found"]);
    assert!(l.diagnostics[0].fix.is_none());
    assert!(l.diagnostics[0].hints[0].contains("defined further down"));
    // Built-in namespaces, and metallb-system with MetalLB objects, exist.
    assert!(load_str(
        "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c, namespace: kube-system}\n"
    )
    .diagnostics
    .is_empty());
    assert!(load_str("apiVersion: metallb.io/v1beta1\nkind: IPAddressPool\nmetadata: {name: p, namespace: metallb-system}\nspec: {addresses: [10.0.0.0/24]}\n").diagnostics.is_empty());
}

#[test]
fn versions_change_validation_and_warnings() {
    let cc = |v: &str| {
        format!("apiVersion: kubeadm.k8s.io/v1beta4\nkind: ClusterConfiguration\nkubernetesVersion: {v}\n---\n")
    };
    let svc =
        "apiVersion: v1\nkind: Service\nmetadata: {name: 1web}\nspec: {ports: [{port: 80}]}\n";
    // Default v1.37: a Service name may start with a digit (RelaxedServiceNameValidation).
    assert!(load_str(svc).diagnostics.is_empty());
    assert_eq!(load_str(svc).version, KubeVersion::NEWEST);
    let l = load_str(&format!("{}{svc}", cc("v1.35.4")));
    assert_eq!(l.version, KubeVersion { minor: 35, patch: 4 });
    assert_eq!(l.diagnostics[0].message, "metadata.name: Invalid value: \"1web\": a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123', regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')");
    let bad = "apiVersion: v1\nkind: Service\nmetadata: {name: Web}\nspec: {ports: [{port: 80}]}\n";
    assert_eq!(load_str(bad).diagnostics[0].message, "metadata.name: Invalid value: \"Web\": a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')");
    // trafficDistribution: PreferSameZone arrives in v1.34.
    let td = "apiVersion: v1\nkind: Service\nmetadata: {name: w}\nspec: {trafficDistribution: PreferSameZone, ports: [{port: 80}]}\n";
    assert!(load_str(td).diagnostics.is_empty());
    let l = load_str(&format!("{}{td}", cc("v1.33.0")));
    assert_eq!(codes(&l), ["unsupported-value"]);
    assert_eq!(l.diagnostics[0].message, "spec.trafficDistribution: Unsupported value: \"PreferSameZone\": supported values: \"PreferClose\"");
    // Unsupported releases: a clear error with the range, and the default is used.
    let l = load_str(&format!("{}{svc}", cc("v1.30.1")));
    assert_eq!(codes(&l), ["unsupported-version"]);
    assert_eq!(l.diagnostics[0].message, "kubernetesVersion \"v1.30.1\" is not simulated: the simulator runs Kubernetes v1.33 to v1.37");
    assert_eq!(l.version, KubeVersion::NEWEST);
    // Warnings the API server sends: externalIPs deprecated from v1.36, PreferClose.
    let ext = "apiVersion: v1\nkind: Service\nmetadata: {name: w}\nspec: {externalIPs: [198.51.100.7], trafficDistribution: PreferClose, ports: [{port: 80}]}\n";
    let msgs = |l: &Loaded| l.diagnostics.iter().map(|d| d.message.clone()).collect::<Vec<_>>();
    assert_eq!(
        msgs(&load_str(ext)),
        [
            "spec.externalIPs is deprecated and may no longer be implemented in some clusters",
            "spec.trafficDistribution: \"PreferClose\" is deprecated; use \"PreferSameZone\"",
        ]
    );
    assert!(load_str(&format!("{}{ext}", cc("v1.34.0"))).diagnostics.is_empty());
    // No warnings for a Service the API server refuses.
    let refused = ext.replace("ports: [{port: 80}]", "ports: [{port: 0}]");
    assert!(codes(&load_str(&refused)).iter().all(|c| *c == "invalid-value"));
}

#[test]
fn kubectl_apply_prints_the_servers_answers() {
    let mut files = SourceFiles::default();
    files.add(
        "app.yaml",
        "apiVersion: v1\nkind: Service\nmetadata: {name: web, namespace: shop}\nspec: {ports: [{port: 80}]}\n---\napiVersion: v1\nkind: Endpoints\nmetadata: {name: ext}\nsubsets: [{addresses: [{ip: 192.0.2.1}], ports: [{port: 80}]}]\n---\napiVersion: v1\nkind: ReplicationController\nmetadata: {name: rc}\nspec:\n  template:\n    metadata: {labels: {app: x}}\n    spec: {containers: [{name: c, image: i}]}\n",
    );
    let l = load(&files);
    let out = apply::kubectl_apply(&files, &l);
    assert_eq!(out.stdout, "endpoints/ext created\nreplicationcontroller/rc created\n");
    assert_eq!(
        out.stderr,
        "Warning: v1 Endpoints is deprecated in v1.33+; use discovery.k8s.io/v1 EndpointSlice\nError from server (NotFound): error when creating \"app.yaml\": namespaces \"shop\" not found\n"
    );
    assert_eq!(out.code, 1);
}

/// The input of `tests/cases/manifest/missing-namespace.case`: kubectl apply creates what it
/// can in input order (the Namespace defined below its objects comes too late for them) and
/// prints the server's NotFound for each refused object.
#[test]
fn kubectl_apply_refuses_objects_in_missing_namespaces() {
    let mut files = SourceFiles::default();
    files.add(
        "app.yaml",
        "apiVersion: v1\nkind: Service\nmetadata: {name: web, namespace: shop}\nspec: {selector: {app: web}, ports: [{port: 80}]}\n---\napiVersion: v1\nkind: Pod\nmetadata: {name: web, namespace: shop, labels: {app: web}}\nspec: {containers: [{name: web, image: nginx}]}\n---\napiVersion: v1\nkind: Service\nmetadata: {name: metrics, namespace: kube-system}\nspec: {selector: {app: metrics}, ports: [{port: 9090}]}\n---\napiVersion: v1\nkind: Namespace\nmetadata: {name: shop}\n---\napiVersion: v1\nkind: Service\nmetadata: {name: api, namespace: staging}\nspec: {ports: [{port: 8080}]}\n",
    );
    let l = load(&files);
    let out = apply::kubectl_apply(&files, &l);
    assert_eq!(out.stdout, "service/metrics created\nnamespace/shop created\n");
    assert_eq!(
        out.stderr,
        "Error from server (NotFound): error when creating \"app.yaml\": namespaces \"shop\" not found\nError from server (NotFound): error when creating \"app.yaml\": namespaces \"shop\" not found\nError from server (NotFound): error when creating \"app.yaml\": namespaces \"staging\" not found\n"
    );
    assert_eq!(out.code, 1);
    // The later Namespace: the hint says to move it, and there is no "add" fix.
    let shop: Vec<_> = l.diagnostics.iter().filter(|d| d.message.contains("\"shop\"")).collect();
    assert_eq!(shop.len(), 2);
    assert!(shop.iter().all(|d| d.fix.is_none() && d.hints[0].contains("further down")));
    assert!(shop.iter().all(|d| d.hints.iter().any(|h| h.starts_with("kubectl apply: "))));
    let staging = l.diagnostics.iter().find(|d| d.message.contains("staging")).unwrap();
    assert!(staging.fix.is_some());
}

/// `netutils.ParseIPSloppy`: leading zeros are decimal, octets stay within 0-255, an
/// IPv4-mapped IPv6 address is its IPv4 address.
#[test]
fn sloppy_ip_parse() {
    use super::validate::parse_ip_sloppy as p;
    let v4 = |a, b, c, d| Some(std::net::IpAddr::from([a, b, c, d]));
    assert_eq!(p("010.000.002.001"), v4(10, 0, 2, 1));
    assert_eq!(p("::ffff:192.0.2.7"), v4(192, 0, 2, 7));
    assert_eq!(p("0000000000255.1.1.1"), None); // over the digit bound
    assert_eq!(p("000000000255.1.1.1"), v4(255, 1, 1, 1));
    for bad in ["256.0.0.1", "1.2.3", "1.2.3.4.5", "1..2.3", "+1.2.3.4", "1.2.3.4 ", ""] {
        assert_eq!(p(bad), None, "{bad}");
    }
    assert_eq!(p("fd00::1").map(|i| i.is_ipv6()), Some(true));
}

/// Field spans: each path's key and value as written, the closest recorded ancestor for a
/// path the input lacks, and the later record of a path that is recorded twice.
#[test]
fn field_spans_point_at_the_text() {
    let text = "apiVersion: v1\nkind: Service\nmetadata:\n  name: web\nspec:\n  selector: {app: web}\n  ports:\n  - port: 80\n    targetPort: http\n";
    let l = load_str(text);
    let src = l.objects.services[0].meta.source.as_ref().unwrap();
    let at = |r: crate::text::TextRange| &text[r.start as usize..r.end as usize];
    let name = src.fields.get("metadata.name").unwrap();
    assert_eq!((at(name.key.unwrap()), at(name.value)), ("name", "web"));
    assert_eq!(at(src.fields.get("spec.selector.app").unwrap().value), "web");
    let port = src.fields.get("spec.ports[0]").unwrap();
    assert_eq!(port.key, None);
    assert!(at(port.value).starts_with("port: 80"), "{:?}", at(port.value));
    assert_eq!(at(src.fields.get("spec.ports[0].targetPort").unwrap().value), "http");
    assert_eq!(src.fields.get("spec.ports[1]"), None);
    assert_eq!(src.fields.get("spec.ports[0].name"), None);
    assert_eq!(at(src.fields.value_or_ancestor("spec.ports[0].name").unwrap()), at(port.value));
    assert_eq!(src.fields.value_or_ancestor("status.loadBalancer"), None);

    let mut b = crate::model::FieldSpansBuilder::default();
    let span = |v: u32| crate::model::FieldSpan { key: None, value: TextRange::new(v, v + 1) };
    b.record("spec", span(0));
    b.record("spec.a", span(1));
    b.record("spec", span(2));
    let spans = b.finish();
    assert_eq!(spans.get("spec"), Some(span(2)));
    assert_eq!(spans.get("spec.a"), Some(span(1)));
    assert_eq!(spans.get("spe"), None);
    assert_eq!(spans.get("spec.a.b"), None);
}
