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
    let l = load_str(text);
    assert!(l.diagnostics.is_empty(), "{:#?}", l.diagnostics);
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
