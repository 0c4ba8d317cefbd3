//! Unit tests for the cluster stage, one or more per rule, on objects built in Rust.

use super::*;
use crate::model::*;

fn labels(pairs: &[(&str, &str)]) -> Labels {
    pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect()
}

fn meta(ns: &str, name: &str) -> ObjectMeta {
    ObjectMeta { name: name.into(), namespace: ns.into(), ..Default::default() }
}

fn container(ports: &[(&str, i32, Protocol)]) -> Container {
    Container {
        name: "app".into(),
        image: "nginx".into(),
        ports: ports
            .iter()
            .map(|(n, p, proto)| ContainerPort {
                name: if n.is_empty() { None } else { Some(n.to_string()) },
                container_port: *p,
                protocol: *proto,
                host_port: None,
            })
            .collect(),
        ..Default::default()
    }
}

fn pod(name: &str, l: &[(&str, &str)]) -> Pod {
    let mut p = Pod { meta: meta("default", name), ..Default::default() };
    p.meta.labels = labels(l);
    p.spec.containers.push(container(&[("http", 8080, Protocol::Tcp)]));
    p
}

fn sport(name: &str, port: i32, target: IntOrString) -> ServicePort {
    ServicePort {
        name: name.into(),
        protocol: Protocol::Tcp,
        port,
        target_port: target,
        node_port: None,
        app_protocol: None,
    }
}

fn svc(name: &str, sel: &[(&str, &str)]) -> Service {
    let mut s = Service { meta: meta("default", name), ..Default::default() };
    s.spec.selector = Some(labels(sel));
    s.spec.ports.push(sport("", 80, IntOrString::Int(8080)));
    s
}

fn deploy(name: &str, replicas: i32, l: &[(&str, &str)]) -> Workload {
    Workload {
        kind: WorkloadKind::Deployment,
        meta: meta("default", name),
        replicas,
        selector: Some(LabelSelector { match_labels: labels(l), match_expressions: vec![] }),
        template: PodTemplate {
            labels: labels(l),
            annotations: Default::default(),
            spec: PodSpec {
                containers: vec![container(&[("http", 8080, Protocol::Tcp)])],
                ..Default::default()
            },
        },
        service_name: None,
        ordinals_start: 0,
        pod_management_policy: String::new(),
        rollout: Default::default(),
    }
}

fn get_svc<'a>(c: &'a Cluster, ns: &str, name: &str) -> &'a Service {
    c.objects
        .services
        .iter()
        .find(|s| s.meta.namespace == ns && s.meta.name == name)
        .expect("service")
}

fn slices<'a>(c: &'a Cluster, ns: &str, svc: &str) -> Vec<&'a EndpointSlice> {
    c.objects
        .endpoint_slices
        .iter()
        .filter(|s| s.meta.namespace == ns && s.service_name() == Some(svc))
        .collect()
}

fn eps<'a>(c: &'a Cluster, ns: &str, name: &str) -> &'a Endpoints {
    c.objects
        .endpoints
        .iter()
        .find(|e| e.meta.namespace == ns && e.meta.name == name)
        .expect("endpoints")
}

fn codes(c: &Cluster) -> Vec<&'static str> {
    c.diagnostics.iter().map(|d| d.code).collect()
}

#[test]
fn default_cluster_is_kind_like() {
    let c = build(&Objects::default());
    assert!(c.diagnostics.is_empty(), "{:?}", c.diagnostics);
    let names: Vec<&str> = c.objects.nodes.iter().map(|n| n.meta.name.as_str()).collect();
    assert_eq!(names, ["kind-control-plane", "kind-worker", "kind-worker2"]);
    let ips: Vec<String> = c.objects.nodes.iter().map(|n| n.internal_ips[0].to_string()).collect();
    assert_eq!(ips, ["172.18.0.2", "172.18.0.3", "172.18.0.4"]);
    let cidrs: Vec<&str> = c.objects.nodes.iter().map(|n| n.pod_cidrs[0].as_str()).collect();
    assert_eq!(cidrs, ["10.244.0.0/24", "10.244.1.0/24", "10.244.2.0/24"]);
    assert_eq!(roles(&c.objects.nodes[0]), ["control-plane"]);
    assert_eq!(get_svc(&c, "default", "kubernetes").spec.cluster_ips[0].to_string(), "10.96.0.1");
    let dns = get_svc(&c, "kube-system", "kube-dns");
    assert_eq!(dns.spec.cluster_ips[0].to_string(), "10.96.0.10");
    // CoreDNS: two Pods on the control plane, the first addresses of its CIDR.
    let core: Vec<&Pod> =
        c.objects.pods.iter().filter(|p| p.meta.namespace == "kube-system").collect();
    assert_eq!(core.len(), 2);
    for (i, p) in core.iter().enumerate() {
        assert!(p.meta.name.starts_with("coredns-"), "{}", p.meta.name);
        assert_eq!(p.spec.node_name.as_deref(), Some("kind-control-plane"));
        assert_eq!(p.status.pod_ips[0].to_string(), format!("10.244.0.{}", i + 2));
        assert_eq!(p.status.phase, "Running");
    }
    let k = eps(&c, "default", "kubernetes");
    assert_eq!(k.subsets[0].addresses[0].ip.to_string(), "172.18.0.2");
    assert_eq!(k.subsets[0].ports[0].port, Some(6443));
    let ks = slices(&c, "default", "kubernetes");
    assert_eq!(ks.len(), 1);
    assert_eq!(ks[0].meta.name, "kubernetes");
    let d = slices(&c, "kube-system", "kube-dns");
    assert_eq!(d.len(), 1);
    assert_eq!(d[0].endpoints.len(), 2);
    assert_eq!(d[0].ports.len(), 3);
    let ns: Vec<&str> = c.objects.namespaces.iter().map(|n| n.meta.name.as_str()).collect();
    assert_eq!(ns, ["default", "kube-node-lease", "kube-public", "kube-system"]);
    assert_eq!(c.settings.cluster_dns[0].to_string(), "10.96.0.10");
}

#[test]
fn build_is_deterministic() {
    let mut o = Objects::default();
    o.workloads.push(deploy("web", 3, &[("app", "web")]));
    o.services.push(svc("web", &[("app", "web")]));
    assert_eq!(build(&o), build(&o));
}

#[test]
fn user_builtins_replace_ours() {
    let mut o = Objects::default();
    let mut k = svc("kube-dns", &[("app", "mydns")]);
    k.meta.namespace = "kube-system".into();
    k.spec.cluster_ips = vec!["10.96.0.10".parse().unwrap()];
    o.services.push(k);
    let c = build(&o);
    assert!(c.diagnostics.is_empty(), "{:?}", c.diagnostics);
    let d = get_svc(&c, "kube-system", "kube-dns");
    assert_eq!(d.spec.selector.as_ref().unwrap().get("app").map(String::as_str), Some("mydns"));
    assert_eq!(c.objects.services.iter().filter(|s| s.meta.name == "kube-dns").count(), 1);
}

#[test]
fn deployment_makes_replicaset_and_pods_with_controller_names() {
    let mut o = Objects::default();
    o.workloads.push(deploy("web", 3, &[("app", "web")]));
    let c = build(&o);
    let rs = c
        .objects
        .workloads
        .iter()
        .find(|w| w.kind == WorkloadKind::ReplicaSet && w.meta.namespace == "default")
        .unwrap();
    let hash = rs.meta.labels.get("pod-template-hash").unwrap().clone();
    assert_eq!(rs.meta.name, format!("web-{hash}"));
    assert!(hash.bytes().all(|b| b"456789bcdf".contains(&b)), "{hash}");
    assert_eq!(rs.selector.as_ref().unwrap().match_labels.get("pod-template-hash"), Some(&hash));
    let pods: Vec<&Pod> = c.objects.pods.iter().filter(|p| p.meta.namespace == "default").collect();
    assert_eq!(pods.len(), 3);
    for p in &pods {
        let sfx = p.meta.name.strip_prefix(&format!("{}-", rs.meta.name)).unwrap();
        assert_eq!(sfx.len(), 5);
        assert!(sfx.bytes().all(|b| net::ALPHANUMS.contains(&b)));
        assert_eq!(p.meta.labels.get("pod-template-hash"), Some(&hash));
        assert_ne!(p.spec.node_name.as_deref(), Some("kind-control-plane"));
    }
    // Spread: workers alternate, ties by name.
    let nodes: Vec<&str> = pods.iter().map(|p| p.spec.node_name.as_deref().unwrap()).collect();
    assert_eq!(nodes, ["kind-worker", "kind-worker2", "kind-worker"]);
    let ips: Vec<String> = pods.iter().map(|p| p.status.pod_ips[0].to_string()).collect();
    assert_eq!(ips, ["10.244.1.2", "10.244.2.2", "10.244.1.3"]);
    assert!(c.events.iter().any(|e| e.line()
        == format!(
            "Normal  ScalingReplicaSet  deployment/web  Scaled up replica set {} from 0 to 3",
            rs.meta.name
        )));
    assert!(c
        .events
        .iter()
        .any(|e| e.reason == "SuccessfulCreate"
            && e.object == format!("replicaset/{}", rs.meta.name)));
}

#[test]
fn selector_not_matching_template_creates_nothing() {
    let mut o = Objects::default();
    let mut d = deploy("web", 2, &[("app", "web")]);
    d.template.labels = labels(&[("app", "other")]);
    o.workloads.push(d);
    let c = build(&o);
    // The manifest stage reports it (validate.rs); the cluster stage does not repeat it.
    assert!(c.diagnostics.is_empty());
    assert!(c.objects.pods.iter().all(|p| p.meta.namespace != "default"));
}

#[test]
fn a_billion_replicas_is_bounded() {
    let mut o = Objects::default();
    o.workloads.push(deploy("big", 1_000_000_000, &[("app", "big")]));
    let mut s = deploy("big2", 1_000_000_000, &[("app", "big2")]);
    s.kind = WorkloadKind::StatefulSet;
    o.workloads.push(s);
    let c = build(&o);
    assert_eq!(codes(&c), ["too-many-replicas", "too-many-replicas"]);
    assert_eq!(c.objects.pods.iter().filter(|p| p.meta.namespace == "default").count(), 0);
    assert!(!c.objects.workloads.iter().any(|w| w.meta.name.starts_with("big-")));
}

#[test]
fn statefulset_and_daemonset() {
    let mut o = Objects::default();
    let mut s = deploy("db", 3, &[("app", "db")]);
    s.kind = WorkloadKind::StatefulSet;
    s.service_name = Some("db".into());
    o.workloads.push(s);
    let mut d = deploy("agent", 0, &[("app", "agent")]);
    d.kind = WorkloadKind::DaemonSet;
    o.workloads.push(d);
    let c = build(&o);
    let names: Vec<&str> = c
        .objects
        .pods
        .iter()
        .filter(|p| p.meta.labels.get("app").is_some_and(|a| a == "db"))
        .map(|p| p.meta.name.as_str())
        .collect();
    assert_eq!(names, ["db-0", "db-1", "db-2"]);
    let p = c.pod("default", "db-1").unwrap();
    assert_eq!(p.spec.hostname.as_deref(), Some("db-1"));
    assert_eq!(p.spec.subdomain.as_deref(), Some("db"));
    assert_eq!(
        p.meta.labels.get("statefulset.kubernetes.io/pod-name").map(String::as_str),
        Some("db-1")
    );
    // DaemonSet: not on the tainted control plane; one per worker.
    let ds: Vec<&Pod> = c
        .objects
        .pods
        .iter()
        .filter(|p| p.meta.labels.get("app").is_some_and(|a| a == "agent"))
        .collect();
    let nodes: Vec<&str> = ds.iter().map(|p| p.spec.node_name.as_deref().unwrap()).collect();
    assert_eq!(nodes, ["kind-worker", "kind-worker2"]);
    assert!(ds
        .iter()
        .all(|p| p.meta.name.starts_with("agent-") && p.meta.name.len() == "agent-".len() + 5));
}

#[test]
fn scheduling_honours_node_name_selector_taints() {
    let mut o = Objects::default();
    let mut a = pod("pinned", &[]);
    a.spec.node_name = Some("kind-control-plane".into());
    let mut b = pod("lost", &[]);
    b.spec.node_name = Some("nowhere".into());
    let mut d = pod("picky", &[]);
    d.spec.node_selector = labels(&[("disk", "ssd")]);
    let mut h = pod("host", &[]);
    h.spec.host_network = true;
    h.spec.node_name = Some("kind-worker2".into());
    let mut t = pod("tolerant", &[]);
    t.spec.node_selector = labels(&[("kubernetes.io/hostname", "kind-control-plane")]);
    t.spec.tolerations.push(Toleration {
        key: "node-role.kubernetes.io/control-plane".into(),
        operator: "Exists".into(),
        ..Default::default()
    });
    o.pods.extend([a, b, d, h, t]);
    let c = build(&o);
    assert_eq!(codes(&c), ["unknown-node", "failed-scheduling"]);
    assert_eq!(
        c.pod("default", "pinned").unwrap().spec.node_name.as_deref(),
        Some("kind-control-plane")
    );
    let lost = c.pod("default", "lost").unwrap();
    assert_eq!(lost.status.phase, "Pending");
    assert!(lost.status.pod_ips.is_empty());
    let picky = c.pod("default", "picky").unwrap();
    assert_eq!(picky.status.phase, "Pending");
    assert!(c.events.iter().any(|e| e.reason == "FailedScheduling"
        && e.message == "0/3 nodes are available: 1 node(s) had untolerated taint {node-role.kubernetes.io/control-plane: }, 2 node(s) didn't match Pod's node affinity/selector. preemption: 0/3 nodes are available: 3 Preemption is not helpful for scheduling."));
    let host = c.pod("default", "host").unwrap();
    assert_eq!(host.status.pod_ips[0].to_string(), "172.18.0.4");
    assert_eq!(
        c.pod("default", "tolerant").unwrap().spec.node_name.as_deref(),
        Some("kind-control-plane")
    );
}

#[test]
fn explicit_pod_ips_and_conflicts() {
    let mut o = Objects::default();
    let mut a = pod("a", &[]);
    a.status.pod_ips = vec!["10.244.1.2".parse().unwrap()];
    a.spec.node_name = Some("kind-worker".into());
    let mut b = pod("b", &[]);
    b.status.pod_ips = vec!["10.244.1.2".parse().unwrap()];
    b.spec.node_name = Some("kind-worker".into());
    o.pods.extend([a, b]);
    let c = build(&o);
    assert_eq!(codes(&c), ["duplicate-pod-ip"]);
    assert_eq!(c.pod("default", "a").unwrap().status.pod_ips[0].to_string(), "10.244.1.2");
    assert_eq!(c.pod("default", "b").unwrap().status.pod_ips[0].to_string(), "10.244.1.3");
}

#[test]
fn cluster_ips_explicit_conflicts_and_dynamic() {
    let mut o = Objects::default();
    let mut a = svc("a", &[("app", "a")]);
    a.spec.cluster_ips = vec!["10.96.0.10".parse().unwrap()];
    let mut b = svc("b", &[("app", "b")]);
    b.spec.cluster_ips = vec!["10.0.0.5".parse().unwrap()];
    let mut fixed = svc("fixed", &[("app", "f")]);
    fixed.spec.cluster_ips = vec!["10.96.0.50".parse().unwrap()];
    o.services.extend([a, b, fixed, svc("web", &[("app", "web")])]);
    let c = build(&o);
    let msgs: Vec<&str> = c.diagnostics.iter().map(|d| d.message.as_str()).collect();
    assert_eq!(
        msgs,
        [
            "spec.clusterIPs: Invalid value: []string{\"10.96.0.10\"}: failed to allocate IP 10.96.0.10: provided IP is already allocated",
            "spec.clusterIPs: Invalid value: []string{\"10.0.0.5\"}: failed to allocate IP 10.0.0.5: the provided network does not match the current range",
        ]
    );
    assert_eq!(c.diagnostics[0].object.as_deref(), Some("Service \"a\""));
    assert!(c.objects.services.iter().all(|s| s.meta.name != "a" && s.meta.name != "b"));
    let web = get_svc(&c, "default", "web");
    let ip = web.spec.cluster_ips[0];
    let range = crate::net::Cidr::parse_lenient("10.96.0.0/12").unwrap();
    assert!(range.index_of(ip).unwrap() > 256, "upper band: {ip}");
    assert_eq!(web.spec.ip_families, [IpFamily::IPv4]);
    assert_eq!(web.spec.ip_family_policy, "SingleStack");
    // Stable while typing: another Service does not move web's IP.
    let mut o2 = o.clone();
    o2.services.insert(0, svc("zzz", &[("app", "z")]));
    assert_eq!(get_svc(&build(&o2), "default", "web").spec.cluster_ips[0], ip);
}

#[test]
fn full_service_range() {
    let mut o = Objects::default();
    o.cluster_configurations.push(ClusterConfiguration {
        service_subnet: Some("10.96.0.0/29".into()),
        ..Default::default()
    });
    for i in 0..10 {
        o.services.push(svc(&format!("s{i}"), &[("app", "x")]));
    }
    let c = build(&o);
    // /29: 6 usable addresses; kubernetes takes .1, kube-dns (its 10th address does not exist
    // in a /29) a dynamic one, four of the ten user Services get the rest.
    let full: Vec<&Diagnostic> =
        c.diagnostics.iter().filter(|d| d.message.contains("range is full")).collect();
    assert_eq!(full.len(), 6);
    assert_eq!(
        full[0].message,
        "Internal error occurred: failed to allocate a serviceIP: range is full"
    );
    assert_eq!(c.objects.services.len(), 6);
}

#[test]
fn node_ports() {
    let mut o = Objects::default();
    let mut a = svc("a", &[("app", "a")]);
    a.spec.type_ = ServiceType::NodePort;
    a.spec.ports =
        vec![sport("http", 80, IntOrString::Int(8080)), sport("udp", 80, IntOrString::Int(8080))];
    a.spec.ports[1].protocol = Protocol::Udp;
    a.spec.ports[0].node_port = Some(30080);
    let mut b = svc("b", &[("app", "b")]);
    b.spec.type_ = ServiceType::NodePort;
    b.spec.ports[0].node_port = Some(30080);
    let mut d = svc("d", &[("app", "d")]);
    d.spec.type_ = ServiceType::NodePort;
    d.spec.ports[0].node_port = Some(8080);
    let mut lb = svc("lb", &[("app", "lb")]);
    lb.spec.type_ = ServiceType::LoadBalancer;
    lb.spec.external_traffic_policy = Some(TrafficPolicy::Local);
    let mut dynamic = svc("dyn", &[("app", "dyn")]);
    dynamic.spec.type_ = ServiceType::NodePort;
    o.services.extend([a, b, d, lb, dynamic]);
    let c = build(&o);
    let msgs: Vec<&str> = c.diagnostics.iter().map(|d| d.message.as_str()).collect();
    assert_eq!(
        msgs,
        [
            "spec.ports[0].nodePort: Invalid value: 30080: provided port is already allocated",
            "spec.ports[0].nodePort: Invalid value: 8080: provided port is not in the valid range. The range of valid ports is 30000-32767",
        ]
    );
    let a = get_svc(&c, "default", "a");
    assert_eq!(a.spec.ports[1].node_port, Some(30080), "same port number shares the nodePort");
    let lb = get_svc(&c, "default", "lb");
    let np = lb.spec.ports[0].node_port.unwrap();
    assert!((30086..=32767).contains(&np), "{np}");
    assert!(lb
        .spec
        .health_check_node_port
        .is_some_and(|h| h != np && (30086..=32767).contains(&h)));
    assert!(get_svc(&c, "default", "dyn").spec.ports[0].node_port.is_some());
    assert!(lb.status.load_balancer_ingress.is_empty(), "no provider: <pending>");
}

#[test]
fn dual_stack() {
    let mut o = Objects::default();
    o.cluster_configurations.push(ClusterConfiguration {
        pod_subnet: Some("10.244.0.0/16,fd00:10:244::/56".into()),
        service_subnet: Some("10.96.0.0/16,fd00:10:96::/112".into()),
        ..Default::default()
    });
    let mut pref = svc("pref", &[("app", "web")]);
    pref.spec.ip_family_policy = "PreferDualStack".into();
    let mut six = svc("six", &[("app", "web")]);
    six.spec.ip_families = vec![IpFamily::IPv6];
    let mut headless = svc("hl", &[]);
    headless.spec.selector = None;
    headless.spec.headless = true;
    o.services.extend([pref, six, headless, svc("single", &[("app", "web")])]);
    o.workloads.push(deploy("web", 1, &[("app", "web")]));
    let c = build(&o);
    assert!(c.diagnostics.is_empty(), "{:?}", c.diagnostics);
    let p = get_svc(&c, "default", "pref");
    assert_eq!(p.spec.ip_families, [IpFamily::IPv4, IpFamily::IPv6]);
    assert_eq!(p.spec.cluster_ips.len(), 2);
    assert!(p.spec.cluster_ips[1].is_ipv6());
    let six = get_svc(&c, "default", "six");
    assert!(six.spec.cluster_ips[0].is_ipv6() && six.spec.cluster_ips.len() == 1);
    let hl = get_svc(&c, "default", "hl");
    assert_eq!(hl.spec.ip_family_policy, "RequireDualStack");
    assert_eq!(hl.spec.ip_families.len(), 2);
    assert!(hl.spec.cluster_ips.is_empty());
    let web = c.objects.pods.iter().find(|p| p.meta.namespace == "default").unwrap();
    assert_eq!(web.status.pod_ips.len(), 2);
    assert_eq!(web.status.pod_ips[1].to_string(), "fd00:10:244:1::2");
    assert_eq!(c.objects.nodes[0].internal_ips[1].to_string(), "fc00:f853:ccd:e793::2");
    let pref_slices = slices(&c, "default", "pref");
    let types: Vec<&str> = pref_slices.iter().map(|s| s.address_type.as_str()).collect();
    assert_eq!(types, ["IPv4", "IPv6"]);
    assert_eq!(
        slices(&c, "default", "six")[0].endpoints[0].addresses[0].to_string(),
        "fd00:10:244:1::2"
    );
}

#[test]
fn readiness_and_conditions() {
    let mut o = Objects::default();
    let ready = pod("ready", &[("app", "web")]);
    let mut unready = pod("unready", &[("app", "web")]);
    unready.status.ready = Some(false);
    let mut term = pod("term", &[("app", "web")]);
    term.meta.deletion_timestamp = Some("2024-01-01T00:00:00Z".into());
    let mut done = pod("done", &[("app", "web")]);
    done.status.phase = "Succeeded".into();
    let mut other_ns = pod("elsewhere", &[("app", "web")]);
    other_ns.meta.namespace = "other".into();
    o.pods.extend([ready, unready, term, done, other_ns]);
    o.services.push(svc("web", &[("app", "web")]));
    let mut pnr = svc("pnr", &[("app", "web")]);
    pnr.spec.publish_not_ready_addresses = true;
    o.services.push(pnr);
    let c = build(&o);
    let s = slices(&c, "default", "web");
    assert_eq!(s.len(), 1);
    let conds: Vec<(String, EndpointConditions)> = s[0]
        .endpoints
        .iter()
        .map(|e| (e.target_ref.as_ref().unwrap().name.clone(), e.conditions))
        .collect();
    let c3 =
        |r, s, t| EndpointConditions { ready: Some(r), serving: Some(s), terminating: Some(t) };
    assert_eq!(
        conds,
        [
            ("ready".to_string(), c3(true, true, false)),
            ("unready".to_string(), c3(false, false, false)),
            ("term".to_string(), c3(false, true, true)),
        ]
    );
    assert_eq!(
        s[0].meta.labels.get("endpointslice.kubernetes.io/managed-by").map(String::as_str),
        Some("endpointslice-controller.k8s.io")
    );
    assert!(s[0].meta.name.starts_with("web-") && s[0].meta.name.len() == 9);
    let e = eps(&c, "default", "web");
    assert_eq!(e.subsets.len(), 1);
    assert_eq!(e.subsets[0].addresses.len(), 1);
    assert_eq!(e.subsets[0].not_ready_addresses.len(), 1);
    let p = eps(&c, "default", "pnr");
    assert_eq!(p.subsets[0].addresses.len(), 3, "publishNotReadyAddresses: all, terminating too");
    let ps = slices(&c, "default", "pnr");
    assert!(ps[0].endpoints.iter().all(|e| e.conditions.ready == Some(true)));
}

#[test]
fn named_target_ports_resolve_per_pod_and_protocol() {
    let mut o = Objects::default();
    let mut a = pod("a", &[("app", "web")]);
    a.spec.containers = vec![container(&[("http", 8080, Protocol::Tcp)])];
    let mut b = pod("b", &[("app", "web")]);
    b.spec.containers = vec![container(&[("http", 9090, Protocol::Tcp)])];
    let mut d = pod("d", &[("app", "web")]);
    d.spec.containers = vec![container(&[("http", 7070, Protocol::Udp)])];
    let mut side = pod("side", &[("app", "web")]);
    side.spec.containers = vec![container(&[])];
    let mut sc = container(&[("http", 6060, Protocol::Tcp)]);
    sc.restart_policy = Some("Always".into());
    side.spec.init_containers = vec![sc];
    o.pods.extend([a, b, d, side]);
    let mut s = svc("web", &[("app", "web")]);
    s.spec.ports = vec![
        sport("http", 80, IntOrString::Str("http".into())),
        sport("raw", 81, IntOrString::Int(5000)),
    ];
    o.services.push(s);
    let c = build(&o);
    let sl = slices(&c, "default", "web");
    let shape: Vec<(Vec<Option<i32>>, Vec<String>)> = sl
        .iter()
        .map(|s| {
            (
                s.ports.iter().map(|p| p.port).collect(),
                s.endpoints.iter().map(|e| e.target_ref.as_ref().unwrap().name.clone()).collect(),
            )
        })
        .collect();
    // Each slice's ports in the reconciler's hash order (NewPortMapKey), not the Service's.
    assert_eq!(
        shape,
        [
            (vec![Some(8080), Some(5000)], vec!["a".to_string()]),
            (vec![Some(5000), Some(9090)], vec!["b".to_string()]),
            (vec![Some(5000)], vec!["d".to_string()]),
            (vec![Some(6060), Some(5000)], vec!["side".to_string()]),
        ]
    );
    let e = eps(&c, "default", "web");
    // raw:5000 has all four Pods; each http number its own subset.
    let shape: Vec<(usize, Vec<Option<i32>>)> = e
        .subsets
        .iter()
        .map(|s| (s.addresses.len(), s.ports.iter().map(|p| p.port).collect()))
        .collect();
    assert_eq!(
        shape,
        [
            (1, vec![Some(8080)]),
            (4, vec![Some(5000)]),
            (1, vec![Some(9090)]),
            (1, vec![Some(6060)])
        ]
    );
}

#[test]
fn hostname_subdomain_and_selectorless() {
    let mut o = Objects::default();
    let mut a = pod("busybox-1", &[("app", "bb")]);
    a.spec.hostname = Some("busybox-1".into());
    a.spec.subdomain = Some("default-subdomain".into());
    o.pods.push(a);
    let mut s = svc("default-subdomain", &[("app", "bb")]);
    s.spec.headless = true;
    o.services.push(s);
    o.services.push(svc("other", &[("app", "bb")]));
    let mut manual = svc("manual", &[]);
    manual.spec.selector = None;
    o.services.push(manual);
    let mut empty = svc("empty", &[]);
    empty.spec.selector = Some(Labels::new());
    o.services.push(empty);
    o.endpoints.push(Endpoints {
        meta: meta("default", "manual"),
        subsets: vec![EndpointSubset {
            addresses: vec![EndpointAddress {
                ip: "192.168.1.5".parse().unwrap(),
                hostname: None,
                node_name: None,
                target_ref: None,
            }],
            not_ready_addresses: vec![],
            ports: vec![EndpointPort {
                name: None,
                port: Some(5432),
                protocol: Protocol::Tcp,
                app_protocol: None,
            }],
            unparsed_addresses: Vec::new(),
        }],
    });
    let c = build(&o);
    let hs = slices(&c, "default", "default-subdomain");
    assert_eq!(hs[0].endpoints[0].hostname.as_deref(), Some("busybox-1"));
    assert_eq!(
        hs[0].meta.labels.get("service.kubernetes.io/headless").map(String::as_str),
        Some("")
    );
    assert_eq!(slices(&c, "default", "other")[0].endpoints[0].hostname, None);
    // Selectorless: the user's Endpoints kept, mirrored into a slice.
    assert_eq!(eps(&c, "default", "manual").subsets[0].addresses[0].ip.to_string(), "192.168.1.5");
    let m = slices(&c, "default", "manual");
    assert_eq!(m.len(), 1);
    assert_eq!(
        m[0].meta.labels.get("endpointslice.kubernetes.io/managed-by").map(String::as_str),
        Some("endpointslicemirroring-controller.k8s.io")
    );
    // Empty selector: no endpoints at all.
    assert!(slices(&c, "default", "empty").is_empty());
    assert!(!c.objects.endpoints.iter().any(|e| e.meta.name == "empty"));
}

#[test]
fn placeholder_slice_and_limits() {
    let mut o = Objects::default();
    o.services.push(svc("nobody", &[("app", "none")]));
    o.workloads.push(deploy("many", 1005, &[("app", "many")]));
    // One big node (a /24 per node would hold only 253 Pods).
    o.nodes.push(Node {
        meta: meta("", "big"),
        pod_cidrs: vec!["10.1.0.0/20".into()],
        ready: true,
        ..Default::default()
    });
    o.services.push(svc("many", &[("app", "many")]));
    let c = build(&o);
    let p = slices(&c, "default", "nobody");
    assert_eq!(p.len(), 1);
    assert!(p[0].endpoints.is_empty() && p[0].ports.is_empty());
    assert!(eps(&c, "default", "nobody").subsets.is_empty());
    let m = slices(&c, "default", "many");
    assert_eq!(m.len(), 11);
    assert!(m.iter().all(|s| s.endpoints.len() <= 100));
    let e = eps(&c, "default", "many");
    assert_eq!(e.subsets[0].addresses.len(), 1000);
    assert_eq!(
        e.meta.annotations.get("endpoints.kubernetes.io/over-capacity").map(String::as_str),
        Some("truncated")
    );
}

#[test]
fn unknown_node_pods_are_skipped_in_slices_unless_publish_not_ready() {
    let mut o = Objects::default();
    let mut a = pod("ghost", &[("app", "g")]);
    a.spec.node_name = Some("gone".into());
    a.status.pod_ips = vec!["10.244.9.9".parse().unwrap()];
    a.status.phase = "Running".into();
    o.pods.push(a);
    o.services.push(svc("g", &[("app", "g")]));
    let mut p = svc("gp", &[("app", "g")]);
    p.spec.publish_not_ready_addresses = true;
    o.services.push(p);
    let c = build(&o);
    assert!(slices(&c, "default", "g")[0].endpoints.is_empty());
    assert_eq!(slices(&c, "default", "gp")[0].endpoints.len(), 1);
}

#[test]
fn metallb_assigns_first_free_address() {
    let mut o = Objects::default();
    o.ip_address_pools.push(IpAddressPool {
        meta: meta("metallb-system", "pool"),
        addresses: vec!["172.18.255.200-172.18.255.250".into()],
        auto_assign: true,
    });
    let mut a = svc("a", &[("app", "a")]);
    a.spec.type_ = ServiceType::LoadBalancer;
    let mut b = a.clone();
    b.meta.name = "b".into();
    let mut fixed = a.clone();
    fixed.meta.name = "fixed".into();
    fixed.spec.load_balancer_ip = Some("172.18.255.210".parse().unwrap());
    let mut given = a.clone();
    given.meta.name = "given".into();
    given.status.load_balancer_ingress.push(LoadBalancerIngress {
        ip: Some("1.2.3.4".parse().unwrap()),
        hostname: None,
        ip_mode: None,
    });
    o.services.extend([a, b, fixed, given]);
    let c = build(&o);
    let ip =
        |n: &str| get_svc(&c, "default", n).status.load_balancer_ingress[0].ip.unwrap().to_string();
    assert_eq!(ip("a"), "172.18.255.200");
    assert_eq!(ip("b"), "172.18.255.201");
    assert_eq!(ip("fixed"), "172.18.255.210");
    assert_eq!(ip("given"), "1.2.3.4");
}

#[test]
fn whatif_delete_pod_replaces_it_with_new_name_and_ip() {
    let mut o = Objects::default();
    o.workloads.push(deploy("web", 2, &[("app", "web")]));
    o.services.push(svc("web", &[("app", "web")]));
    let c = build(&o);
    let victim = c.objects.pods.iter().find(|p| p.meta.namespace == "default").unwrap().clone();
    let before_ip = get_svc(&c, "default", "web").spec.cluster_ips.clone();
    let n = c.events.len();
    let c2 = apply(
        &c,
        &WhatIf::DeletePod { namespace: "default".into(), name: victim.meta.name.clone() },
    );
    // Graceful deletion: the victim is Terminating, its replacement is already there.
    let old = c2.pod("default", &victim.meta.name).unwrap();
    assert_eq!(old.meta.deletion_timestamp.as_deref(), Some(DELETION_TIMESTAMP));
    assert_eq!(old.meta.deletion_grace_period_seconds, Some(30));
    let pods: Vec<&Pod> = c2
        .objects
        .pods
        .iter()
        .filter(|p| p.meta.namespace == "default" && p.meta.deletion_timestamp.is_none())
        .collect();
    assert_eq!(pods.len(), 2);
    let new = pods.last().unwrap();
    assert_ne!(new.meta.name, victim.meta.name);
    assert_ne!(new.status.pod_ips, victim.status.pod_ips, "IPs are not reused at once");
    assert_eq!(get_svc(&c2, "default", "web").spec.cluster_ips, before_ip);
    let lines: Vec<String> = c2.events[n..].iter().map(Event::line).collect();
    assert_eq!(
        lines[0],
        format!("Normal  Killing  pod/{}  Stopping container app", victim.meta.name)
    );
    assert!(lines[1].starts_with("Normal  SuccessfulCreate  replicaset/web-"));
    assert!(lines[2].starts_with("Normal  Scheduled  pod/web-"));
    // The terminating endpoint stays in the slice: not ready, still serving, terminating.
    let slice = &slices(&c2, "default", "web")[0];
    let cond = |n: &str| {
        slice
            .endpoints
            .iter()
            .find(|e| e.target_ref.as_ref().unwrap().name == n)
            .map(|e| e.conditions)
    };
    let gone = cond(&victim.meta.name).unwrap();
    assert_eq!((gone.ready, gone.serving, gone.terminating), (Some(false), Some(true), Some(true)));
    assert_eq!(cond(&new.meta.name).unwrap().ready, Some(true));
    // The legacy Endpoints drop it at once.
    assert_eq!(eps(&c2, "default", "web").subsets[0].addresses.len(), 2);
    assert!(!eps(&c2, "default", "web").subsets[0].addresses.iter().any(|a| a
        .target_ref
        .as_ref()
        .unwrap()
        .name
        == victim.meta.name));
    // The follow-up moment: the grace period is over and the Pod is gone.
    assert_eq!(
        pending(&c2),
        vec![(
            WhatIf::GracePeriodOver { namespace: "default".into(), name: victim.meta.name.clone() },
            30
        )]
    );
    let c3 = apply(
        &c2,
        &WhatIf::GracePeriodOver { namespace: "default".into(), name: victim.meta.name.clone() },
    );
    assert!(c3.pod("default", &victim.meta.name).is_none());
    assert!(pending(&c3).is_empty());
    let addrs: Vec<String> = slices(&c3, "default", "web")[0]
        .endpoints
        .iter()
        .map(|e| e.target_ref.as_ref().unwrap().name.clone())
        .collect();
    assert!(addrs.contains(&new.meta.name) && !addrs.contains(&victim.meta.name));
    // A forced delete (grace period 0) does both at once.
    let forced = apply(
        &c,
        &WhatIf::ForceDeletePod { namespace: "default".into(), name: victim.meta.name.clone() },
    );
    assert!(forced.pod("default", &victim.meta.name).is_none());
    assert_eq!(forced.objects.pods.iter().filter(|p| p.meta.namespace == "default").count(), 2);
}

#[test]
fn whatif_scale_and_ready_and_label_and_node_down() {
    let mut o = Objects::default();
    o.workloads.push(deploy("web", 2, &[("app", "web")]));
    o.services.push(svc("web", &[("app", "web")]));
    let c = build(&o);
    let up = apply(
        &c,
        &WhatIf::Scale {
            kind: WorkloadKind::Deployment,
            namespace: "default".into(),
            name: "web".into(),
            replicas: 4,
        },
    );
    assert_eq!(up.objects.pods.iter().filter(|p| p.meta.namespace == "default").count(), 4);
    let down = apply(
        &up,
        &WhatIf::Scale {
            kind: WorkloadKind::Deployment,
            namespace: "default".into(),
            name: "web".into(),
            replicas: 1,
        },
    );
    let left: Vec<&Pod> =
        down.objects.pods.iter().filter(|p| p.meta.namespace == "default").collect();
    assert_eq!(left.len(), 1);
    assert_eq!(
        left[0].meta.name,
        c.objects.pods.iter().find(|p| p.meta.namespace == "default").unwrap().meta.name,
        "newest deleted first"
    );
    let name = left[0].meta.name.clone();
    let unready = apply(
        &down,
        &WhatIf::SetPodReady { namespace: "default".into(), name: name.clone(), ready: false },
    );
    assert_eq!(eps(&unready, "default", "web").subsets[0].not_ready_addresses.len(), 1);
    // Relabel: the Pod leaves the Service and the ReplicaSet replaces it.
    let relabeled = apply(
        &down,
        &WhatIf::SetLabel {
            kind: "pod".into(),
            namespace: "default".into(),
            name: name.clone(),
            key: "app".into(),
            value: Some("debug".into()),
        },
    );
    let pods: Vec<&Pod> =
        relabeled.objects.pods.iter().filter(|p| p.meta.namespace == "default").collect();
    assert_eq!(pods.len(), 2);
    let s = slices(&relabeled, "default", "web");
    assert_eq!(s[0].endpoints.len(), 1);
    assert_ne!(s[0].endpoints[0].target_ref.as_ref().unwrap().name, name);
    // Node down: its Pods are evicted (stuck Terminating: the kubelet cannot confirm) and
    // replaced elsewhere.
    let node = left[0].spec.node_name.clone().unwrap();
    let nd = apply(&down, &WhatIf::NodeDown { name: node.clone() });
    let pods: Vec<&Pod> = nd
        .objects
        .pods
        .iter()
        .filter(|p| p.meta.namespace == "default" && p.meta.deletion_timestamp.is_none())
        .collect();
    assert_eq!(pods.len(), 1);
    assert_ne!(pods[0].spec.node_name.as_deref(), Some(node.as_str()));
    let evicted = nd.pod("default", &name).unwrap();
    assert!(evicted.meta.deletion_timestamp.is_some());
    let e = slices(&nd, "default", "web")[0]
        .endpoints
        .iter()
        .find(|e| e.target_ref.as_ref().unwrap().name == name)
        .unwrap()
        .conditions;
    assert_eq!((e.ready, e.serving, e.terminating), (Some(false), Some(false), Some(true)));
    assert!(nd.events.iter().any(|e| e.reason == "TaintManagerEviction"));
    // Unknown names are reported, never panic.
    let x = apply(&c, &WhatIf::DeletePod { namespace: "default".into(), name: "nope".into() });
    assert_eq!(codes(&x), ["unknown-object"]);
}

#[test]
fn parse_events() {
    assert_eq!(
        parse_event("delete-pod/web-abc", "default"),
        Ok(WhatIf::DeletePod { namespace: "default".into(), name: "web-abc".into() })
    );
    assert_eq!(
        parse_event("scale/deploy/shop/web=5", "default"),
        Ok(WhatIf::Scale {
            kind: WorkloadKind::Deployment,
            namespace: "shop".into(),
            name: "web".into(),
            replicas: 5
        })
    );
    assert_eq!(
        parse_event("pod-ready/a=false", "x"),
        Ok(WhatIf::SetPodReady { namespace: "x".into(), name: "a".into(), ready: false })
    );
    assert_eq!(
        parse_event("node-down/kind-worker", "x"),
        Ok(WhatIf::NodeDown { name: "kind-worker".into() })
    );
    assert_eq!(
        parse_event("label/pod/a:app-", "default"),
        Ok(WhatIf::SetLabel {
            kind: "pod".into(),
            namespace: "default".into(),
            name: "a".into(),
            key: "app".into(),
            value: None
        })
    );
    assert!(parse_event("explode/x", "d").is_err());
    assert!(parse_event("scale/deploy/web", "d").is_err());
}

#[test]
fn whatif_statefulset_pod_comes_back_with_its_name() {
    let mut o = Objects::default();
    let mut s = deploy("db", 2, &[("app", "db")]);
    s.kind = WorkloadKind::StatefulSet;
    s.service_name = Some("db".into());
    o.workloads.push(s);
    let c = build(&o);
    let before = c.pod("default", "db-1").unwrap().status.pod_ips.clone();
    let c2 = apply(&c, &WhatIf::DeletePod { namespace: "default".into(), name: "db-1".into() });
    // A StatefulSet waits for the old Pod to be gone before it recreates the name.
    assert!(c2.pod("default", "db-1").unwrap().meta.deletion_timestamp.is_some());
    assert_eq!(c2.pod("default", "db-1").unwrap().status.pod_ips, before);
    let c2 =
        apply(&c2, &WhatIf::GracePeriodOver { namespace: "default".into(), name: "db-1".into() });
    let after = c2.pod("default", "db-1").unwrap();
    assert!(after.meta.deletion_timestamp.is_none());
    assert_ne!(after.status.pod_ips, before, "same name, new IP");
    assert_eq!(after.spec.hostname.as_deref(), Some("db-1"));
    let down = apply(
        &c2,
        &WhatIf::Scale {
            kind: WorkloadKind::StatefulSet,
            namespace: "default".into(),
            name: "db".into(),
            replicas: 1,
        },
    );
    assert!(down.pod("default", "db-1").is_none() && down.pod("default", "db-0").is_some());
    assert!(down
        .events
        .iter()
        .any(|e| e.message == "delete Pod db-1 in StatefulSet db successful"));
    let up = apply(
        &down,
        &WhatIf::Scale {
            kind: WorkloadKind::StatefulSet,
            namespace: "default".into(),
            name: "db".into(),
            replicas: 3,
        },
    );
    let names: Vec<&str> = up
        .objects
        .pods
        .iter()
        .filter(|p| p.meta.namespace == "default")
        .map(|p| p.meta.name.as_str())
        .collect();
    assert_eq!(names, ["db-0", "db-1", "db-2"]);
    // Huge or negative scale requests are refused without touching anything.
    let huge = apply(
        &up,
        &WhatIf::Scale {
            kind: WorkloadKind::StatefulSet,
            namespace: "default".into(),
            name: "db".into(),
            replicas: 1_000_000_000,
        },
    );
    assert_eq!(codes(&huge), ["too-many-replicas"]);
    assert_eq!(huge.objects.pods, up.objects.pods);
}

#[test]
fn degenerate_inputs_never_panic() {
    let mut o = Objects::default();
    o.cluster_configurations.push(ClusterConfiguration {
        pod_subnet: Some("10.0.0.0/30".into()),
        service_subnet: Some("10.1.0.0/32".into()),
        service_node_port_range: Some("30000-30000".into()),
        ..Default::default()
    });
    o.nodes.push(Node {
        meta: meta("", "tiny"),
        pod_cidrs: vec!["1.2.3.4/32".into(), "bogus".into()],
        ready: true,
        ..Default::default()
    });
    o.nodes.push(Node {
        meta: meta("", "six"),
        pod_cidrs: vec!["fd00::/128".into()],
        ready: false,
        unschedulable: true,
        ..Default::default()
    });
    o.nodes.push(Node { meta: meta("", "auto"), ready: true, ..Default::default() });
    let mut np = svc("np", &[("app", "x")]);
    np.spec.type_ = ServiceType::NodePort;
    np.spec.ports.push(sport("b", 81, IntOrString::Int(1)));
    o.services.push(np);
    let mut neg = deploy("neg", -5, &[("app", "x")]);
    neg.template.spec.containers.clear();
    o.workloads.push(neg);
    o.workloads.push(deploy("x", 40, &[("app", "x")]));
    let mut weird = pod("weird", &[("app", "x")]);
    weird.status.pod_ips = vec!["::1".parse().unwrap(), "::1".parse().unwrap()];
    weird.status.phase = "Unknown".into();
    o.pods.push(weird);
    o.ip_address_pools.push(IpAddressPool {
        meta: meta("m", "p"),
        addresses: vec!["9.9.9.9-1.1.1.1".into(), "x".into(), "::/0".into()],
        auto_assign: true,
    });
    let c = build(&o);
    assert!(!c.diagnostics.is_empty());
    for e in [
        WhatIf::NodeDown { name: "auto".into() },
        WhatIf::NodeDown { name: "tiny".into() },
        WhatIf::Scale {
            kind: WorkloadKind::Deployment,
            namespace: "default".into(),
            name: "x".into(),
            replicas: 0,
        },
        WhatIf::Scale {
            kind: WorkloadKind::DaemonSet,
            namespace: "default".into(),
            name: "x".into(),
            replicas: 3,
        },
        WhatIf::SetLabel {
            kind: "node".into(),
            namespace: String::new(),
            name: "six".into(),
            key: "a".into(),
            value: None,
        },
        WhatIf::SetLabel {
            kind: "gizmo".into(),
            namespace: "default".into(),
            name: "x".into(),
            key: "a".into(),
            value: None,
        },
    ] {
        let _ = apply(&c, &e);
    }
    // Every table and serialisation of the odd cluster renders.
    for k in [
        print::Kind::Pods,
        print::Kind::Services,
        print::Kind::Endpoints,
        print::Kind::EndpointSlices,
        print::Kind::Nodes,
        print::Kind::Deployments,
    ] {
        for r in print::rows(&c, k, true) {
            let _ = print::to_yaml(&r.object);
            let _ = print::to_json(&r.object);
        }
    }
}

#[test]
fn pods_from_a_real_cluster_bring_their_nodes() {
    let mut o = Objects::default();
    let mut p = pod("api-1", &[("app", "api")]);
    p.spec.node_name = Some("ip-10-0-1-5.ec2.internal".into());
    p.status.host_ip = Some("10.0.1.5".parse().unwrap());
    p.status.pod_ips = vec!["10.0.1.77".parse().unwrap()];
    p.status.phase = "Running".into();
    let mut typo = pod("typo", &[]);
    typo.spec.node_name = Some("kind-wroker".into());
    o.pods.extend([p, typo]);
    o.services.push(svc("api", &[("app", "api")]));
    let c = build(&o);
    assert_eq!(codes(&c), ["unknown-node"]);
    let n = c.objects.nodes.iter().find(|n| n.meta.name == "ip-10-0-1-5.ec2.internal").unwrap();
    assert_eq!(n.internal_ips[0].to_string(), "10.0.1.5");
    let s = slices(&c, "default", "api");
    assert_eq!(s[0].endpoints[0].addresses[0].to_string(), "10.0.1.77");
}

#[test]
fn standalone_replicaset_and_daemonset_replacement() {
    let mut o = Objects::default();
    let mut rs = deploy("front", 2, &[("app", "front")]);
    rs.kind = WorkloadKind::ReplicaSet;
    o.workloads.push(rs);
    let mut ds = deploy("agent", 0, &[("app", "agent")]);
    ds.kind = WorkloadKind::DaemonSet;
    o.workloads.push(ds);
    let c = build(&o);
    let front: Vec<&Pod> = c
        .objects
        .pods
        .iter()
        .filter(|p| p.meta.labels.get("app").is_some_and(|a| a == "front"))
        .collect();
    assert_eq!(front.len(), 2);
    assert!(front.iter().all(|p| p.meta.name.len() == "front-".len() + 5
        && !p.meta.labels.contains_key("pod-template-hash")));
    let victim = c
        .objects
        .pods
        .iter()
        .find(|p| p.meta.labels.get("app").is_some_and(|a| a == "agent"))
        .unwrap()
        .clone();
    let c2 = apply(
        &c,
        &WhatIf::DeletePod { namespace: "default".into(), name: victim.meta.name.clone() },
    );
    let c2 = apply(
        &c2,
        &WhatIf::GracePeriodOver { namespace: "default".into(), name: victim.meta.name.clone() },
    );
    let again: Vec<&Pod> = c2
        .objects
        .pods
        .iter()
        .filter(|p| {
            p.meta.labels.get("app").is_some_and(|a| a == "agent")
                && p.spec.node_name == victim.spec.node_name
                && p.meta.deletion_timestamp.is_none()
        })
        .collect();
    assert_eq!(again.len(), 1, "the DaemonSet refills its node");
    assert_ne!(again[0].meta.name, victim.meta.name);
}

#[test]
fn ipv6_single_stack() {
    let mut o = Objects::default();
    o.cluster_configurations.push(ClusterConfiguration {
        pod_subnet: Some("fd00:10:244::/56".into()),
        service_subnet: Some("fd00:10:96::/112".into()),
        ..Default::default()
    });
    o.workloads.push(deploy("web", 1, &[("app", "web")]));
    o.services.push(svc("web", &[("app", "web")]));
    let c = build(&o);
    assert!(c.diagnostics.is_empty(), "{:?}", c.diagnostics);
    assert_eq!(
        c.objects.nodes[0].internal_ips.iter().map(|i| i.to_string()).collect::<Vec<_>>(),
        ["fc00:f853:ccd:e793::2"]
    );
    assert_eq!(
        get_svc(&c, "default", "kubernetes").spec.cluster_ips[0].to_string(),
        "fd00:10:96::1"
    );
    assert_eq!(
        get_svc(&c, "kube-system", "kube-dns").spec.cluster_ips[0].to_string(),
        "fd00:10:96::a"
    );
    assert_eq!(
        eps(&c, "default", "kubernetes").subsets[0].addresses[0].ip.to_string(),
        "fc00:f853:ccd:e793::2"
    );
    let s = slices(&c, "default", "web");
    assert_eq!(s[0].address_type, "IPv6");
    assert_eq!(s[0].endpoints[0].addresses[0].to_string(), "fd00:10:244:1::2");
    assert_eq!(print::format_endpoints(eps(&c, "default", "web")), "[fd00:10:244:1::2]:8080");
}

/// The portallocator's range is inclusive at both ends (`net.PortRange.Contains`); a port just
/// outside is `ErrNotInRange`, reported at the nodePort value, and the Service is not created.
#[test]
fn node_port_range_bounds_and_span() {
    let svc_yaml = |name: &str, np: i32| {
        format!(
            "apiVersion: v1\nkind: Service\nmetadata: {{name: {name}}}\nspec:\n  type: NodePort\n  \
             ports:\n  - port: 80\n    nodePort: {np}\n---\n"
        )
    };
    let text: String = [("a", 29999), ("b", 30000), ("c", 32767), ("d", 32768)]
        .iter()
        .map(|(n, p)| svc_yaml(n, *p))
        .collect();
    let mut files = crate::diagnostic::SourceFiles::default();
    files.add("s.yaml", text.as_str());
    let c = build(&crate::manifest::load(&files).objects);
    let errs: Vec<(String, &str)> = c
        .diagnostics
        .iter()
        .map(|d| {
            let r = d.span.range;
            (d.message.clone(), text.get(r.start as usize..r.end as usize).unwrap_or(""))
        })
        .collect();
    let msg = |p: i32| {
        format!("spec.ports[0].nodePort: Invalid value: {p}: provided port is not in the valid range. The range of valid ports is 30000-32767")
    };
    assert_eq!(errs, [(msg(29999), "29999"), (msg(32768), "32768")]);
    let names: Vec<&str> = c.objects.services.iter().map(|s| s.meta.name.as_str()).collect();
    assert!(names.contains(&"b") && names.contains(&"c"), "{names:?}");
    assert!(!names.contains(&"a") && !names.contains(&"d"), "{names:?}");
    assert_eq!(get_svc(&c, "default", "c").spec.ports[0].node_port, Some(32767));
}

// ---------------------------------------------------------------------------------------------
// kubectl get all / --show-labels / describe (issue 16)

fn loaded_cluster(text: &str) -> Cluster {
    let mut files = crate::diagnostic::SourceFiles::default();
    files.add("in.yaml", text);
    let l = crate::manifest::load(&files);
    assert!(
        l.diagnostics.iter().all(|d| d.severity != crate::diagnostic::Severity::Error),
        "{:#?}",
        l.diagnostics
    );
    build(&l.accepted())
}

const WEB_APP: &str = "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web, labels: {app: web}}\nspec:\n  replicas: 2\n  selector: {matchLabels: {app: web}}\n  template:\n    metadata: {labels: {app: web}}\n    spec:\n      containers:\n      - {name: nginx, image: \"nginx:1.25\", ports: [{containerPort: 80, name: http}]}\n---\napiVersion: v1\nkind: ReplicationController\nmetadata: {name: redis}\nspec:\n  template:\n    metadata: {labels: {app: redis}}\n    spec: {containers: [{name: redis, image: redis}]}\n---\napiVersion: v1\nkind: Service\nmetadata: {name: web, annotations: {note: hello}}\nspec:\n  type: NodePort\n  selector: {app: web}\n  ports: [{name: http, port: 80, targetPort: http}]\n";

#[test]
fn get_all_lists_the_all_category_in_kubectl_order() {
    let c = loaded_cluster(WEB_APP);
    let req = print::GetRequest { kinds: "all".into(), ..Default::default() };
    let out = print::get(&c, &req).unwrap();
    let heads: Vec<&str> = out
        .stdout
        .lines()
        .filter(|l| l.contains('/'))
        .map(|l| l.split('/').next().unwrap_or(""))
        .collect();
    let mut order = heads.clone();
    order.dedup();
    assert_eq!(
        order,
        ["pod", "replicationcontroller", "service", "deployment.apps", "replicaset.apps"]
    );
    assert!(out.stdout.contains("\nNAME                          DESIRED   CURRENT   READY\nreplicationcontroller/redis   1         1         1\n"), "{}", out.stdout);
    // --show-labels adds LABELS last; -A adds NAMESPACE first.
    let req = print::GetRequest {
        kinds: "svc".into(),
        show_labels: true,
        all_namespaces: true,
        ..Default::default()
    };
    let out = print::get(&c, &req).unwrap();
    assert!(out.stdout.starts_with("NAMESPACE     NAME         TYPE        CLUSTER-IP      EXTERNAL-IP   PORT(S)                  LABELS\n"), "{}", out.stdout);
    assert!(out.stdout.contains("default       kubernetes   ClusterIP   10.96.0.1       <none>        443/TCP                  component=apiserver,provider=kubernetes\n"), "{}", out.stdout);
    assert!(out.stdout.contains("kube-dns     ClusterIP   10.96.0.10      <none>        53/UDP,53/TCP,9153/TCP   k8s-app=kube-dns,"), "{}", out.stdout);
    // get rc, with -o wide's CONTAINERS IMAGES SELECTOR (printers.go).
    let req = print::GetRequest {
        kinds: "rc".into(),
        output: print::GetFormat::Wide,
        ..Default::default()
    };
    assert_eq!(
        print::get(&c, &req).unwrap().stdout,
        "NAME    DESIRED   CURRENT   READY   CONTAINERS   IMAGES   SELECTOR\nredis   1         1         1       redis        redis    app=redis\n"
    );
    // Lists of v1 Endpoints get the API server's deprecation warning.
    let req = print::GetRequest { kinds: "ep".into(), ..Default::default() };
    assert!(print::get(&c, &req).unwrap().stderr.starts_with(
        "Warning: v1 Endpoints is deprecated in v1.33+; use discovery.k8s.io/v1 EndpointSlice\n"
    ));
    let req = print::GetRequest { kinds: "bogus".into(), ..Default::default() };
    assert_eq!(
        print::get(&c, &req).unwrap_err(),
        "the server doesn't have a resource type \"bogus\""
    );
}

#[test]
fn go_tabwriter_blocks() {
    // A line without a tab ends the column block; the last cell of a line is not padded.
    let t = describe::tabwriter(
        "Name:\tweb\nNamespace:\tdefault\nSubsets:\n  Addresses:\t1.2.3.4\n\nEvents:\t<none>\n",
        2,
    );
    assert_eq!(t, "Name:       web\nNamespace:  default\nSubsets:\n  Addresses:  1.2.3.4\n\nEvents:  <none>\n");
    // Nested columns align within their own block.
    let t = describe::tabwriter("a\tb\tc\naaa\tb\tcc\nx\ty\n", 2);
    assert_eq!(t, "a    b  c\naaa  b  cc\nx    y\n");
}

#[test]
fn describe_service_endpoints_pod_and_node() {
    let c = loaded_cluster(WEB_APP);
    let svc = describe::describe(&c, "svc", Some("web"), "default").unwrap();
    let slice = c.objects.endpoint_slices.iter().find(|s| s.service_name() == Some("web")).unwrap();
    let ips: Vec<String> =
        slice.endpoints.iter().map(|e| format!("{}:80", e.addresses[0])).collect();
    let ip = get_svc(&c, "default", "web").spec.cluster_ips[0].to_string();
    let np = get_svc(&c, "default", "web").spec.ports[0].node_port.unwrap();
    assert_eq!(
        svc,
        format!(
            "Name:                     web\nNamespace:                default\nLabels:                   <none>\nAnnotations:              note: hello\nSelector:                 app=web\nType:                     NodePort\nIP Family Policy:         SingleStack\nIP Families:              IPv4\nIP:                       {ip}\nIPs:                      {ip}\nPort:                     http  80/TCP\nTargetPort:               http/TCP\nNodePort:                 http  {np}/TCP\nEndpoints:                {}\nSession Affinity:         None\nExternal Traffic Policy:  Cluster\nInternal Traffic Policy:  Cluster\nEvents:                   <none>\n",
            ips.join(",")
        )
    );
    let ep = describe::describe(&c, "endpoints", Some("web"), "default").unwrap();
    assert!(ep.starts_with("Name:         web\nNamespace:    default\nLabels:       <none>\nAnnotations:  <none>\nSubsets:\n  Addresses:          "), "{ep}");
    assert!(ep.ends_with("  NotReadyAddresses:  <none>\n  Ports:\n    Name  Port  Protocol\n    ----  ----  --------\n    http  80    TCP\n\nEvents:  <none>\n"), "{ep}");
    let pod = &c
        .objects
        .pods
        .iter()
        .find(|p| p.meta.labels.get("app").map(String::as_str) == Some("web"))
        .unwrap()
        .meta
        .name;
    let d = describe::describe(&c, "po", Some(pod), "default").unwrap();
    for want in [
        "Priority:         0\nService Account:  default\nNode:             kind-",
        "Status:           Running\n",
        "Controlled By:  ReplicaSet/web-",
        "Containers:\n  nginx:\n    Image:          nginx:1.25\n    Port:           80/TCP\n    Host Port:      0/TCP\n    State:          Running\n    Ready:          True\n    Restart Count:  0\n    Environment:    <none>\n    Mounts:         <none>\nConditions:\n  Type                        Status\n  PodReadyToStartContainers   True \n",
        "Tolerations:                  node.kubernetes.io/not-ready:NoExecute op=Exists for 300s\n                              node.kubernetes.io/unreachable:NoExecute op=Exists for 300s\n",
        "Events:\n  Type    Reason     Age        From               Message\n  ----    ------     ----       ----               -------\n  Normal  Scheduled  <unknown>  default-scheduler  Successfully assigned default/",
    ] {
        assert!(d.contains(want), "{want:?} not in\n{d}");
    }
    // Terminating, after a what-if delete.
    let gone = apply(&c, &WhatIf::DeletePod { namespace: "default".into(), name: pod.clone() });
    let d = describe::describe(&gone, "pod", Some(pod), "default").unwrap();
    assert!(d.contains("Status:                    Terminating (lasts <unknown>)\nTermination Grace Period:  30s\n"), "{d}");
    let n = describe::describe(&c, "node", Some("kind-worker"), "").unwrap();
    assert!(n.contains("Unschedulable:  false\nLease:\n  HolderIdentity:  kind-worker\n  AcquireTime:     <unset>\nConditions:\n"), "{n}");
    assert!(n.contains("  Kubelet Version:            v1.37.0\n"), "{n}");
    let rc = describe::describe(&c, "rc", Some("redis"), "default").unwrap();
    assert!(rc.starts_with("Name:         redis\nNamespace:    default\nSelector:     app=redis\nLabels:       app=redis\nAnnotations:  <none>\nReplicas:     1 current / 1 desired\nPods Status:  1 Running / 0 Waiting / 0 Succeeded / 0 Failed\nPod Template:\n  Labels:  app=redis\n  Containers:\n   redis:\n    Image:         redis\n    Port:          <none>\n    Host Port:     <none>\n    Environment:   <none>\n    Mounts:        <none>\n  Volumes:         <none>\n  Node-Selectors:  <none>\n  Tolerations:     <none>\nEvents:\n"), "{rc}");
    assert_eq!(
        describe::describe(&c, "svc", Some("nope"), "default").unwrap_err(),
        "Error from server (NotFound): services \"nope\" not found"
    );
}

/// A terminating endpoint is not ready, and CoreDNS publishes only ready endpoints of a headless
/// Service (plugin/kubernetes `endpointsFromSlice` keeps `Ready` addresses unless the Service
/// has publishNotReadyAddresses): the deleted Pod's IP leaves the answer at once, though it
/// stays in the EndpointSlice as serving and terminating until the grace period is over.
#[test]
fn whatif_delete_pod_leaves_the_headless_dns_answer_at_once() {
    use crate::dns::{RecordType, Zone, ZoneInput};
    let mut o = Objects::default();
    o.workloads.push(deploy("web", 2, &[("app", "web")]));
    let mut s = svc("web", &[("app", "web")]);
    s.spec.headless = true;
    o.services.push(s);
    let c = build(&o);
    let victim = c.objects.pods.iter().find(|p| p.meta.namespace == "default").unwrap().clone();
    let c2 = apply(
        &c,
        &WhatIf::DeletePod { namespace: "default".into(), name: victim.meta.name.clone() },
    );
    let answer = |c: &Cluster| {
        let zone = Zone::new(
            crate::dns::CorefileConfig::kubeadm("cluster.local"),
            ZoneInput {
                services: &c.objects.services,
                endpoint_slices: &c.objects.endpoint_slices,
                pods: &c.objects.pods,
                namespaces: &c.objects.namespaces,
            },
        );
        let r = zone.query("web.default.svc.cluster.local.", RecordType::A);
        r.answer.iter().map(|a| a.to_string()).collect::<Vec<String>>()
    };
    let victim_ip = victim.status.pod_ips[0].to_string();
    assert_eq!(answer(&c).len(), 2);
    assert!(answer(&c).iter().any(|a| a.ends_with(&format!(" {victim_ip}"))));
    let after = answer(&c2);
    assert_eq!(after.len(), 2, "the replacement and the other Pod: {after:?}");
    assert!(!after.iter().any(|a| a.ends_with(&format!(" {victim_ip}"))), "{after:?}");
}

/// `uid_for` and `generate_base` are written without `format!` for speed: the same text as the
/// plain formulas they replaced.
#[test]
fn uid_and_generate_base_match_their_formulas() {
    let uid = |kind: &str, ns: &str, name: &str| {
        let a = net::fnv64a(format!("{kind}/{ns}/{name}").as_bytes());
        let b = net::fnv64a(format!("{name}/{ns}/{kind}#").as_bytes());
        let hex = format!("{a:016x}{b:016x}");
        format!("{}-{}-{}-{}-{}", &hex[0..8], &hex[8..12], &hex[12..16], &hex[16..20], &hex[20..32])
    };
    for (kind, ns, name) in [
        ("Pod", "default", "web-0"),
        ("Namespace", "", "kube-system"),
        ("ReplicaSet", "shop", "web-7d4b9c8f5"),
        ("EndpointSlice", "é", ""),
    ] {
        assert_eq!(uid_for(kind, ns, name), uid(kind, ns, name));
    }
    assert_eq!(uid_for("Pod", "default", "web-0"), uid_for("Pod", "default", "web-0"));
    for name in ["web", "", &"x".repeat(57), &"x".repeat(58), &"é".repeat(40), &"ab".repeat(40)] {
        let want: String = format!("{name}-").chars().take(58).collect();
        assert_eq!(workloads::generate_base(name), want, "{name}");
    }
}

#[test]
fn mirroring_caps_a_subset_at_1000_addresses_and_says_so() {
    let mut text = String::from(
        "apiVersion: v1\nkind: Service\nmetadata: {name: big}\nspec:\n  ports: [{port: 80}]\n---\napiVersion: v1\nkind: Endpoints\nmetadata: {name: big}\nsubsets:\n- ports: [{port: 80}]\n  addresses:\n",
    );
    for i in 0..1005 {
        text.push_str(&format!("  - ip: 10.1.{}.{}\n", i / 250, i % 250 + 1));
    }
    let s = crate::session::Session::from_text("big.yaml", &text);
    let c = s.cluster();
    let m: Vec<&EndpointSlice> =
        c.objects.endpoint_slices.iter().filter(|e| e.meta.name.starts_with("big-")).collect();
    assert_eq!(m.len(), 1);
    assert_eq!(m[0].endpoints.len(), 1000);
    let ev: Vec<&Event> =
        c.events.iter().filter(|e| e.reason == "TooManyAddressesToMirror").collect();
    assert_eq!(ev.len(), 1);
    assert_eq!(ev[0].object, "endpoints/big");
    assert_eq!(
        ev[0].message,
        "A max of 1000 addresses can be mirrored to EndpointSlices per Endpoints subset. 5 addresses were skipped"
    );
}
