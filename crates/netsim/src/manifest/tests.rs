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
