//! Topology tests: the real pipeline (manifest → cluster → view) on small inputs, plus layout
//! checks on hand-made complete clusters.

use super::*;
use crate::diagnostic::SourceFiles;
use crate::model;

fn topo(yaml: &str) -> Topology {
    let mut files = SourceFiles::default();
    files.add("t.yaml", yaml);
    analyze(&files).topology
}

const DEFAULT: &str = include_str!("../../../../static/scenarios/default.yaml");

fn pod_yaml(name: &str, labels: &str, extra: &str) -> String {
    format!(
        "---\napiVersion: v1\nkind: Pod\nmetadata:\n  name: {name}\n  labels: {labels}\n\
         spec:\n{extra}  containers:\n  - name: c\n    image: busybox\n"
    )
}

fn service_yaml(name: &str, spec: &str) -> String {
    format!("---\napiVersion: v1\nkind: Service\nmetadata:\n  name: {name}\nspec:\n{spec}")
}

/// Every box and edge by id with its coordinates.
fn positions(t: &Topology) -> std::collections::BTreeMap<String, String> {
    let mut m = std::collections::BTreeMap::new();
    for n in &t.nodes {
        for p in &n.pods {
            m.insert(p.id.clone(), format!("{:?}", p.rect));
        }
        for g in &n.groups {
            m.insert(g.id.clone(), format!("{:?}", g.rect));
        }
        m.insert(n.id.clone(), format!("{} {} {}", n.rect.x, n.rect.y, n.rect.w));
    }
    for s in &t.services {
        m.insert(s.id.clone(), format!("{:?}", s.rect));
    }
    for e in &t.edges {
        m.insert(e.id.clone(), format!("{:?}", e.points));
    }
    for o in &t.outside {
        m.insert(o.id.clone(), format!("{:?}", o.rect));
    }
    for e in &t.entries {
        m.insert(e.id.clone(), format!("{:?}", e.rect));
    }
    m
}

fn edges(t: &Topology) -> Vec<String> {
    t.edges.iter().map(|e| format!("{} {} -> {}", e.kind.as_str(), e.from, e.to)).collect()
}

#[test]
fn default_scenario_draws_pods_service_and_ready_edges() {
    let t = topo(DEFAULT);
    let pods: Vec<&str> = t.nodes.iter().flat_map(|n| &n.pods).map(|p| p.name.as_str()).collect();
    assert_eq!(pods.len(), 4, "{pods:?}");
    assert!(pods.contains(&"client"));
    assert_eq!(t.services.len(), 1, "default/kubernetes is a built-in and hidden");
    let web = &t.services[0];
    assert_eq!(web.type_, "ClusterIP");
    assert_eq!(web.dns_name, "web.default.svc.cluster.local");
    assert_eq!(web.ports, ["80/TCP → http"]);
    assert_eq!((web.endpoints, web.ready_endpoints), (3, 3));
    // Three ready edges to the web Pods; the client (app=client) is not a near miss of app=web.
    assert_eq!(t.edges.len(), 3);
    assert!(t
        .edges
        .iter()
        .all(|e| e.kind == EdgeKind::Ready && e.to.starts_with("pod/default/web-")));
    assert!(t.outside.is_empty() && t.entries.is_empty());
    assert_eq!(
        t.namespaces,
        [NamespaceTag { name: "default".into(), color: namespace_color("default") }]
    );
    // Workload Pods sort where their Deployment is written (before the client Pod).
    let worker = t.nodes.iter().find(|n| n.pods.iter().any(|p| p.name == "client")).unwrap();
    assert_eq!(worker.pods.last().unwrap().name, "client");
}

#[test]
fn adding_a_pod_moves_nothing_else() {
    // Pods only (the scheduler places them in input order, so earlier Pods keep their node).
    let mut text = service_yaml("web", "  selector: {app: web}\n  ports: [{port: 80}]\n");
    for i in 0..5 {
        text.push_str(&pod_yaml(&format!("web-{i}"), "{app: web}", ""));
    }
    let before = topo(&text);
    text.push_str(&pod_yaml("debug", "{app: web}", ""));
    let after = topo(&text);
    let (b, a) = (positions(&before), positions(&after));
    for (id, pos) in &b {
        assert_eq!(a.get(id), Some(pos), "{id} moved");
    }
    assert!(a.contains_key("pod/default/debug"));
    assert!(a.contains_key("svc/default/web->pod/default/debug"));
}

#[test]
fn adding_a_pod_by_hand_moves_nothing_else() {
    // The same on a hand-made complete cluster, inserting the Pod first in the node.
    let t = topo(DEFAULT);
    let mut files = SourceFiles::default();
    files.add("t.yaml", DEFAULT);
    let loaded = crate::manifest::load(&files);
    let mut cluster = crate::cluster::build(&loaded.objects);
    let before = topology(&cluster.objects, "cluster.local", Options::default());
    assert_eq!(positions(&before), positions(&t));
    let mut extra = cluster.objects.pods.iter().find(|p| p.meta.name == "client").unwrap().clone();
    extra.meta.name = "late".into();
    extra.meta.source = None;
    extra.meta.owner_references = vec![model::OwnerReference {
        kind: "ReplicaSet".into(),
        name: "nope".into(),
        controller: true,
    }];
    cluster.objects.pods.push(extra);
    let after = topology(&cluster.objects, "cluster.local", Options::default());
    let a = positions(&after);
    for (id, pos) in positions(&before) {
        assert_eq!(a.get(&id), Some(&pos), "{id} moved");
    }
    assert_eq!(a.len(), positions(&before).len() + 1);
}

#[test]
fn near_misses_name_the_missing_pair() {
    let mut text = service_yaml("web", "  selector: {app: web, tier: fe}\n  ports: [{port: 80}]\n");
    text.push_str(&pod_yaml("ok", "{app: web, tier: fe}", ""));
    text.push_str(&pod_yaml("typo", "{app: wbe, tier: fe}", ""));
    text.push_str(&pod_yaml("backend", "{app: web, tier: be}", ""));
    text.push_str(&pod_yaml("other", "{app: db}", ""));
    text.push_str(&pod_yaml("keytypo", "{ap: web, tier: fe}", ""));
    let t = topo(&text);
    assert_eq!(
        edges(&t),
        [
            "ready svc/default/web -> pod/default/ok",
            "nearMiss svc/default/web -> pod/default/typo",
            "nearMiss svc/default/web -> pod/default/backend",
            "nearMiss svc/default/web -> pod/default/keytypo",
        ]
    );
    let labels: Vec<&str> = t.edges.iter().map(|e| e.label.as_str()).collect();
    assert_eq!(labels, ["", "app=web ≠ app=wbe", "tier=fe ≠ tier=be", "app=web ≠ ap=web"]);
}

#[test]
fn one_pair_selectors_flag_only_look_alikes() {
    let p = |s: &str| -> model::Labels {
        s.split(',')
            .filter_map(|kv| kv.split_once('='))
            .map(|(k, v)| (k.into(), v.into()))
            .collect()
    };
    let sel = p("app=web");
    assert!(near_miss(&sel, &p("app=Web")).is_some());
    assert!(near_miss(&sel, &p("app=webapp")).is_some());
    assert!(near_miss(&sel, &p("app=wbe")).is_some());
    assert!(near_miss(&sel, &p("app=client")).is_none());
    assert!(near_miss(&sel, &p("role=web")).is_none());
    assert!(near_miss(&sel, &p("apps=web")).is_some());
    assert!(near_miss(&sel, &p("app=web")).is_none(), "a match is not a miss");
    let two = p("app=web,tier=fe");
    let m = near_miss(&two, &p("app=web")).unwrap();
    assert_eq!(m.want, LabelPair { key: "tier".into(), value: "fe".into() });
    assert_eq!(m.have, None);
    assert!(near_miss(&two, &p("app=db")).is_none(), "two pairs missed");
}

#[test]
fn not_ready_pods_get_not_ready_edges() {
    let mut text = service_yaml("web", "  selector: {app: web}\n  ports: [{port: 80}]\n");
    text.push_str(&pod_yaml("a", "{app: web}", ""));
    text.push_str(&pod_yaml("b", "{app: web}", "  readinessGates: []\n"));
    text.push_str("status:\n  conditions:\n  - type: Ready\n    status: \"False\"\n");
    let t = topo(&text);
    let kinds: Vec<(&str, EdgeKind)> = t.edges.iter().map(|e| (e.to.as_str(), e.kind)).collect();
    assert_eq!(kinds, [("pod/default/a", EdgeKind::Ready), ("pod/default/b", EdgeKind::NotReady)]);
    let b = t.nodes.iter().flat_map(|n| &n.pods).find(|p| p.name == "b").unwrap();
    assert_eq!(b.state, PodState::NotReady);
    assert_eq!(t.services[0].ready_endpoints, 1);
}

#[test]
fn entry_points_client_and_external_names() {
    let mut text = service_yaml(
        "np",
        "  type: NodePort\n  selector: {app: web}\n  ports: [{port: 80, nodePort: 30080}]\n",
    );
    text.push_str(&service_yaml(
        "lb",
        "  type: LoadBalancer\n  selector: {app: web}\n  ports: [{port: 80, nodePort: 30081}]\n",
    ));
    text.push_str(&service_yaml("ext", "  type: ExternalName\n  externalName: db.example.com\n"));
    let t = topo(&text);
    let outside: Vec<(&str, &str)> =
        t.outside.iter().map(|o| (o.id.as_str(), o.label.as_str())).collect();
    assert_eq!(outside, [("client", "External client"), ("ext/default/ext", "db.example.com")]);
    let entries: Vec<(&str, &str)> =
        t.entries.iter().map(|e| (e.id.as_str(), e.label.as_str())).collect();
    assert_eq!(
        entries,
        [
            ("entry/default/np/nodePort", ":30080"),
            ("entry/default/lb/nodePort", ":30081"),
            ("entry/default/lb/loadBalancer", "<pending>"),
        ]
    );
    let lb = &t.services[1];
    assert_eq!(lb.external_ip.as_deref(), Some("<pending>"));
    assert_eq!(lb.ports, ["80:30081/TCP → 80"]);
    let ext = &t.services[2];
    assert_eq!((ext.cluster_ip.as_str(), ext.external_ip.as_deref()), ("", Some("db.example.com")));
    assert!(edges(&t).contains(&"externalName svc/default/ext -> ext/default/ext".to_string()));
    assert!(edges(&t).contains(&"entry client -> entry/default/np/nodePort".to_string()));
    // Entry pills sit above their Service, inside the canvas.
    for e in &t.entries {
        assert!(e.rect.y > t.outside[0].rect.y + t.outside[0].rect.h);
    }
}

#[test]
fn big_nodes_group_pods_per_owner() {
    let text = "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: big\nspec:\n  replicas: 60\n  \
                selector: {matchLabels: {app: big}}\n  template:\n    metadata:\n      labels: {app: big}\n    \
                spec:\n      containers: [{name: c, image: x}]\n"
        .to_string()
        + &service_yaml("big", "  selector: {app: big}\n  ports: [{port: 80}]\n");
    let t = topo(&text);
    let grouped: Vec<&NodeBox> = t.nodes.iter().filter(|n| !n.groups.is_empty()).collect();
    assert!(!grouped.is_empty());
    let total: usize = t
        .nodes
        .iter()
        .map(|n| n.pods.len() + n.groups.iter().map(|g| g.count).sum::<usize>())
        .sum();
    assert_eq!(total, 60);
    for n in grouped {
        assert!(n.pods.is_empty());
        assert_eq!(n.groups.len(), 1);
        assert!(n.groups[0].label.starts_with("ReplicaSet/big-"));
        assert!(n.groups[0].label.ends_with(&format!("×{}", n.groups[0].count)));
    }
    // One edge per group, not one per Pod.
    assert!(t.edges.len() <= t.nodes.len());
}

#[test]
fn system_objects_hidden_unless_asked_or_used() {
    let t = topo(DEFAULT);
    assert!(t.services.iter().all(|s| s.namespace != "kube-system" && s.name != "kubernetes"));
    let mut files = SourceFiles::default();
    files.add("t.yaml", DEFAULT);
    let c = crate::cluster::build(&crate::manifest::load(&files).objects);
    let all = topology(&c.objects, "cluster.local", Options { system: true });
    assert!(all.services.iter().any(|s| s.id == "svc/default/kubernetes"));
    assert!(all.services.iter().any(|s| s.id == "svc/kube-system/kube-dns"));
}

#[test]
fn hostile_names_are_escaped_in_svg_and_dot() {
    let text = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: evil\n  labels:\n    \
                x: \"<script>alert('1')</script>\"\n    q: 'a\"b\\c'\nspec:\n  containers: [{name: c, image: x}]\n";
    // The API server rejects these label values (the Pod is not created), so build from every
    // object read: the drawing must stay safe whatever reaches it.
    let mut files = SourceFiles::default();
    files.add("t.yaml", text);
    let c = crate::cluster::build(&crate::manifest::load(&files).objects);
    let t = topology(&c.objects, "cluster.local", Options::default());
    let pod = t.nodes.iter().flat_map(|n| &n.pods).next().unwrap();
    assert!(pod.labels.iter().any(|l| l.value.contains("<script>")), "{pod:?}");
    let s = svg(&t);
    assert!(!s.contains("<script"), "{s}");
    assert!(s.contains("&lt;script&gt;"));
    assert!(s.contains("a&quot;b"));
    let d = dot(&t);
    assert!(d.contains("a\\\"b\\\\c"), "{d}");
    // Every quote in the DOT output is balanced: each line has an even number of unescaped ".
    for l in d.lines() {
        let unescaped = l.replace("\\\\", "").replace("\\\"", "");
        assert_eq!(unescaped.matches('"').count() % 2, 0, "{l}");
    }
}

#[test]
fn namespaces_have_stable_colours_and_tags() {
    let mut text = pod_yaml("a", "{app: a}", "");
    text.push_str("  namespace: shop\n");
    let text = text
        .replace("  name: a\n", "  name: a\n  namespace: shop\n")
        .replace("  namespace: shop\n  namespace: shop\n", "  namespace: shop\n");
    let ns = "apiVersion: v1\nkind: Namespace\nmetadata: {name: shop}\n---\n";
    let t = topo(&format!("{ns}{text}{}", pod_yaml("b", "{app: b}", "")));
    let names: Vec<&str> = t.namespaces.iter().map(|n| n.name.as_str()).collect();
    assert!(names.contains(&"shop") && names.contains(&"default"), "{names:?}");
    for n in &t.namespaces {
        assert_eq!(n.color, namespace_color(&n.name));
        assert!(n.color < NAMESPACE_COLORS);
    }
    assert_eq!(namespace_color("default"), namespace_color("default"));
}

#[test]
fn svg_and_dot_of_the_default_scenario() {
    let t = topo(DEFAULT);
    let s = svg(&t);
    assert!(s.starts_with("<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 "));
    // Three ready edges (with tooltips), plus the legend's sample line.
    let ready = s.lines().filter(|l| l.starts_with("<path class=\"edge ready\""));
    assert_eq!(ready.clone().filter(|l| l.contains("<title>")).count(), 3);
    assert_eq!(ready.count(), 4);
    assert!(s.contains(">web.default.svc.cluster.local<"));
    let d = dot(&t);
    assert!(d.starts_with("digraph topology {"));
    assert_eq!(d.matches(" -> ").count(), 3);
    // JSON is camelCase.
    let j = serde_json::to_string(&t).unwrap();
    assert!(j.contains("\"dnsDomain\":\"cluster.local\"") && j.contains("\"readyEndpoints\":3"));
}

#[test]
fn broken_and_empty_input_does_not_panic() {
    for text in [
        "",
        "kind: Pod\n",
        ": : :\n",
        "apiVersion: v1\nkind: Service\nmetadata: {name: x}\nspec: {type: LoadBalancer}\n",
    ] {
        let t = topo(text);
        let _ = svg(&t);
        let _ = dot(&t);
        assert!(t.width > 0 && t.height > 0);
    }
}

/// Regression (hardening): U+FFFE/U+FFFF in a label made the SVG ill-formed XML.
#[test]
fn esc_replaces_characters_xml_forbids() {
    assert_eq!(super::esc("a\u{FFFE}b\u{FFFF}c\u{1}"), "a\u{FFFD}b\u{FFFD}c\u{FFFD}");
    assert_eq!(super::esc("\u{202E}\u{200B}"), "\u{202E}\u{200B}");
}

#[test]
fn typing_a_pod_into_the_default_scenario_moves_nothing_else() {
    // The playground's browser test does this: a Pod bound to the control-plane node (so the
    // scheduler's choices for the others cannot change).
    let before = topo(DEFAULT);
    let extra = pod_yaml("debug", "{app: debug}", "  nodeName: kind-control-plane\n");
    let after = topo(&format!("{DEFAULT}{extra}"));
    let (b, a) = (positions(&before), positions(&after));
    for (id, pos) in &b {
        assert_eq!(a.get(id), Some(pos), "{id} moved");
    }
    assert_eq!(a.len(), b.len() + 1);
}

#[test]
fn tables_and_summary_say_what_the_picture_shows() {
    let t = topo(DEFAULT);
    assert_eq!(summary(&t), "Cluster topology: 3 nodes, 4 Pods, 1 Service");
    let tables = tables(&t);
    assert_eq!(tables.len(), 2);
    let svc = &tables[0];
    assert_eq!(svc.rows.len(), 1);
    assert_eq!(svc.rows[0][5], "web.default.svc.cluster.local");
    assert_eq!(svc.rows[0][7], "3/3 ready");
    let pods = &tables[1];
    assert_eq!(pods.rows.len(), 4);
    let client = pods.rows.iter().find(|r| r[1] == "client").unwrap();
    assert_eq!((client[5].as_str(), client[6].as_str()), ("app=client", ""));
    let web = pods.rows.iter().find(|r| r[1].starts_with("web-")).unwrap();
    assert_eq!(web[6], "default/web");
    assert!(pods.rows.iter().all(|r| r.len() == pods.header.len()));
}

#[test]
fn nodes_with_many_owners_group_per_namespace() {
    // 20 Deployments of 2 replicas on one worker: 20 owners is too many boxes, so one per
    // namespace.
    let mut text = String::from(
        "apiVersion: kubeadm.k8s.io/v1beta3\nkind: ClusterConfiguration\n---\n\
         apiVersion: v1\nkind: Node\nmetadata:\n  name: solo\n",
    );
    for i in 0..20 {
        text.push_str(&format!(
            "---\napiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: d{i}\nspec:\n  replicas: 2\n  \
             selector: {{matchLabels: {{app: d{i}}}}}\n  template:\n    metadata:\n      labels: {{app: d{i}}}\n    \
             spec:\n      containers: [{{name: c, image: x}}]\n"
        ));
    }
    let t = topo(&text);
    let groups: Vec<&PodGroup> = t.nodes.iter().flat_map(|n| &n.groups).collect();
    assert!(!groups.is_empty(), "{:?}", t.nodes.iter().map(|n| n.pods.len()).collect::<Vec<_>>());
    for g in groups {
        assert_eq!(g.owner, "*");
        assert!(g.label.starts_with("Pods in default ×"), "{}", g.label);
    }
}

#[test]
fn user_managed_endpoints_draw_edges_by_pod_ip() {
    // A Service without a selector and a hand-written EndpointSlice naming a Pod's IP only.
    let text = pod_yaml("db", "{app: db}", "  nodeName: kind-worker\n")
        + "status:\n  podIP: 10.244.1.50\n  podIPs: [{ip: 10.244.1.50}]\n"
        + &service_yaml("db", "  ports: [{port: 5432}]\n")
        + "---\napiVersion: discovery.k8s.io/v1\nkind: EndpointSlice\nmetadata:\n  name: db-1\n  \
           labels: {kubernetes.io/service-name: db}\naddressType: IPv4\nports: [{port: 5432}]\n\
           endpoints:\n- addresses: [10.244.1.50]\n";
    let t = topo(&text);
    let pod = t.nodes.iter().flat_map(|n| &n.pods).find(|p| p.name == "db").unwrap();
    assert_eq!(pod.ip, "10.244.1.50");
    assert_eq!(edges(&t), ["ready svc/default/db -> pod/default/db"]);
}

#[test]
fn unschedulable_and_terminating_pods() {
    let mut text = service_yaml("web", "  selector: {app: web}\n  ports: [{port: 80}]\n");
    text.push_str(&pod_yaml("stuck", "{app: web}", "  nodeSelector: {disk: ssd}\n"));
    let gone = pod_yaml("gone", "{app: web}", "")
        .replace("  name: gone\n", "  name: gone\n  deletionTimestamp: \"2026-01-01T00:00:00Z\"\n");
    text.push_str(&gone);
    let t = topo(&text);
    let last = t.nodes.last().unwrap();
    assert_eq!((last.id.as_str(), last.role.as_str()), ("node/", "unscheduled"));
    let stuck = &last.pods[0];
    assert_eq!(
        (stuck.name.as_str(), stuck.state, stuck.ip.as_str()),
        ("stuck", PodState::Pending, "")
    );
    let gone = t.nodes.iter().flat_map(|n| &n.pods).find(|p| p.name == "gone").unwrap();
    assert_eq!(gone.state, PodState::Terminating);
    // Neither is a ready endpoint.
    assert!(t.edges.iter().all(|e| e.kind != EdgeKind::Ready), "{:?}", edges(&t));
}

#[test]
fn capped_diagnostics_keep_every_error_first() {
    use crate::diagnostic::Severity;
    let row = |sev: Severity, from: u32| DiagnosticRow {
        severity: sev,
        code: "x".into(),
        message: String::new(),
        hints: Vec::new(),
        file: 0,
        line: 1,
        col: 1,
        from,
        to: from,
        fix: None,
    };
    let mut a = Analysis::default();
    for i in 0..10 {
        a.diagnostics.push(row(Severity::Warning, i));
    }
    a.diagnostics.push(row(Severity::Error, 10));
    let (shown, hidden) = a.capped_diagnostics(3);
    assert_eq!(hidden, 8);
    assert_eq!(shown.iter().map(|d| d.from).collect::<Vec<_>>(), [0, 1, 10]);
    assert_eq!(a.capped_diagnostics(20).1, 0);
    // Truncating for a page keeps the same rows and counts what it dropped.
    let mut t = a.clone();
    t.truncate(3);
    assert_eq!(t.diagnostics.iter().map(|d| d.from).collect::<Vec<_>>(), [0, 1, 10]);
    assert_eq!(t.omitted_diagnostics, 8);
    assert_eq!(t.capped_diagnostics(2).1, 9);
}

#[test]
fn truncating_keeps_group_counts_but_caps_member_ids() {
    let text: String = (0..40)
        .map(|i| format!("---\n{{apiVersion: v1, kind: Pod, metadata: {{name: p{i}}}, spec: {{nodeName: kind-worker, containers: [{{name: c, image: i}}]}}}}\n"))
        .collect();
    let mut files = SourceFiles::default();
    files.add("pods.yaml", text);
    let mut a = analyze(&files);
    let group = |a: &Analysis| {
        a.topology
            .nodes
            .iter()
            .flat_map(|n| n.groups.iter())
            .find(|g| g.namespace == "default")
            .cloned()
    };
    let before = group(&a).expect("40 Pods on one node are drawn as a group");
    assert_eq!((before.count, before.pods.len()), (40, 40));
    a.truncate(5);
    let after = group(&a).expect("still a group");
    assert_eq!((after.count, after.pods.len()), (40, 5));
    assert_eq!(after.pods[..], before.pods[..5]);
}

#[test]
fn zoned_nodes_carry_their_zone_and_show_it() {
    let t = topo("apiVersion: v1\nkind: Node\nmetadata: {name: a1, labels: {topology.kubernetes.io/zone: zone-a}}\n---\napiVersion: v1\nkind: Node\nmetadata: {name: b1}\n");
    let zones: Vec<(&str, Option<&str>)> =
        t.nodes.iter().map(|n| (n.name.as_str(), n.zone.as_deref())).collect();
    assert_eq!(zones, [("a1", Some("zone-a")), ("b1", None)]);
    let shown: Vec<String> = node_lines(&t.nodes[0]).into_iter().map(|l| l.text).collect();
    assert!(shown.contains(&"zone zone-a".to_string()), "{shown:?}");
    assert!(node_lines(&t.nodes[1]).iter().all(|l| l.class != "zone"));
}

/// The unit enums the page reads back through `from_name!` (lib.rs): every variant round-trips
/// through JSON, so `as_str` spells each as serde writes it.
#[test]
fn enums_read_back_by_name_round_trip() {
    use crate::cluster::EventType;
    use crate::diagnostic::Severity;
    use crate::model::ServiceType;
    use crate::request::{HopKind, Mark, Outcome};
    use crate::session::RuleFormat;
    #[track_caller]
    fn round<T: Serialize + serde::de::DeserializeOwned + PartialEq + std::fmt::Debug>(all: &[T]) {
        for v in all {
            let json = serde_json::to_string(v).expect("json");
            let back: T = serde_json::from_str(&json).expect("back");
            assert_eq!(&back, v, "{json}");
        }
        assert!(serde_json::from_str::<T>("\"no-such-variant\"").is_err());
    }
    round(&[Severity::Hint, Severity::Info, Severity::Warning, Severity::Error]);
    round(&[Mark::Pass, Mark::Fail, Mark::Info]);
    round(&[
        ServiceType::ClusterIP,
        ServiceType::NodePort,
        ServiceType::LoadBalancer,
        ServiceType::ExternalName,
    ]);
    round(&[EventType::Normal, EventType::Warning]);
    round(&[
        EdgeKind::Ready,
        EdgeKind::NotReady,
        EdgeKind::NearMiss,
        EdgeKind::Entry,
        EdgeKind::ExternalName,
    ]);
    round(&[PodState::Ready, PodState::NotReady, PodState::Pending, PodState::Terminating]);
    round(&Outcome::ALL);
    round(&[
        HopKind::Client,
        HopKind::Resolv,
        HopKind::Resolve,
        HopKind::Dns,
        HopKind::Answer,
        HopKind::Enter,
        HopKind::Nat,
        HopKind::Filter,
        HopKind::Route,
        HopKind::Snat,
        HopKind::Policy,
        HopKind::Deliver,
        HopKind::Note,
    ]);
    round(&[RuleFormat::Restore, RuleFormat::Save, RuleFormat::Dump, RuleFormat::Ruleset]);
    assert_eq!(serde_json::to_string(&Outcome::NxDomain).expect("json"), "\"nxdomain\"");
}
