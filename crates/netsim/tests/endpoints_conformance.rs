//! Conformance: `tests/conformance/endpoints/pod_to_endpoint.yaml` (upstream
//! `staging/src/k8s.io/endpointslice/utils_test.go` TestPodToEndpoint), read at runtime with our
//! own YAML front end; every case is rebuilt on the upstream fixture (Pod `test/…` with IP
//! 1.2.3.5 on node-1, Service `foo`, node1 labelled with zone us-central1-a) and checked against
//! `netsim::cluster::pod_to_endpoint`, plus the same Pods through the whole cluster build.

use std::net::IpAddr;

use netsim::cluster::{self, pod_to_endpoint};
use netsim::model::*;
use netsim::syntax::{self, Node as Y};
use netsim::text::FileId;

const PATH: &str =
    concat!(env!("CARGO_MANIFEST_DIR"), "/tests/conformance/endpoints/pod_to_endpoint.yaml");

fn s(n: &Y<'_>) -> String {
    n.as_scalar().map(|s| s.text.to_string()).unwrap_or_default()
}

fn get<'a, 'b>(n: &'b Y<'a>, k: &str) -> Option<&'b Y<'a>> {
    n.get(k).map(|e| &e.value)
}

fn flag(n: Option<&Y<'_>>) -> Option<bool> {
    n.map(s).map(|v| v == "true")
}

fn ips(n: Option<&Y<'_>>) -> Vec<IpAddr> {
    n.and_then(|n| n.as_sequence())
        .unwrap_or(&[])
        .iter()
        .map(|x| s(x).parse().expect("ip"))
        .collect()
}

struct Case {
    name: String,
    pod: Pod,
    node: Option<Node>,
    svc: Service,
    family: IpFamily,
    expected: Endpoint,
}

fn cases() -> Vec<Case> {
    let text = std::fs::read_to_string(PATH).expect("conformance file");
    let parsed = syntax::parse(FileId(0), &text);
    assert!(parsed.diagnostics.is_empty(), "{:?}", parsed.diagnostics);
    let root = parsed.documents[0].root.as_ref().expect("document");
    let mut out = Vec::new();
    for c in get(root, "cases").and_then(|c| c.as_sequence()).expect("cases") {
        let name = s(get(c, "name").expect("name"));
        let p = get(c, "pod").expect("pod");
        let mut pod = Pod {
            meta: ObjectMeta {
                name: "pod1".into(),
                namespace: "test".into(),
                ..Default::default()
            },
            ..Default::default()
        };
        pod.spec.node_name = Some("node-1".into());
        pod.status.phase = "Running".into();
        pod.status.ready = flag(get(p, "ready"));
        if flag(get(p, "terminating")) == Some(true) {
            pod.meta.deletion_timestamp = Some("2024-01-01T00:00:00Z".into());
        }
        let given = ips(get(p, "podIPs"));
        pod.status.pod_ips =
            if given.is_empty() { vec!["1.2.3.5".parse().unwrap()] } else { given };
        pod.spec.hostname = get(p, "hostname").map(s);
        // `<service name 'foo'>`: the subdomain equals the Service's name.
        pod.spec.subdomain = get(p, "subdomain").map(|_| "foo".to_string());
        let mut svc = Service {
            meta: ObjectMeta { name: "foo".into(), namespace: "test".into(), ..Default::default() },
            ..Default::default()
        };
        svc.spec.publish_not_ready_addresses =
            flag(get(c, "publishNotReadyAddresses")).unwrap_or(false);
        let node = get(c, "node").map(|_| Node {
            meta: ObjectMeta {
                name: "node-1".into(),
                labels: [("topology.kubernetes.io/zone".to_string(), "us-central1-a".to_string())]
                    .into(),
                ..Default::default()
            },
            ready: true,
            ..Default::default()
        });
        let family = match get(c, "addressType").map(s).as_deref() {
            Some("IPv6") => IpFamily::IPv6,
            _ => IpFamily::IPv4,
        };
        let e = get(c, "expected").expect("expected");
        let cond = get(e, "conditions").expect("conditions");
        let expected = Endpoint {
            addresses: ips(get(e, "addresses")),
            conditions: EndpointConditions {
                ready: flag(get(cond, "ready")),
                serving: flag(get(cond, "serving")),
                terminating: flag(get(cond, "terminating")),
            },
            hostname: get(e, "hostname").map(s),
            node_name: get(e, "nodeName").map(s),
            zone: get(e, "zone").map(s),
            hints: None,
            target_ref: Some(ObjectReference {
                kind: "Pod".into(),
                namespace: "test".into(),
                name: "pod1".into(),
            }),
        };
        out.push(Case { name, pod, node, svc, family, expected });
    }
    out
}

#[test]
fn pod_to_endpoint_yaml() {
    let all = cases();
    assert_eq!(all.len(), 10, "every case of the sample is read");
    for c in &all {
        let got = pod_to_endpoint(&c.pod, c.node.as_ref(), &c.svc, c.family);
        assert_eq!(got, c.expected, "case {:?}", c.name);
    }
}

/// The same cases through `cluster::build`: the Pod pinned to an existing node-1, the Service
/// selecting it; the controller's slice endpoint must equal the expected one.
#[test]
fn pod_to_endpoint_through_the_cluster() {
    for c in cases() {
        let mut o = Objects::default();
        let mut node = c.node.clone().unwrap_or_else(|| Node {
            meta: ObjectMeta { name: "node-1".into(), ..Default::default() },
            ready: true,
            ..Default::default()
        });
        node.pod_cidrs = vec!["1.2.3.0/24".into()];
        o.nodes.push(node);
        let mut pod = c.pod.clone();
        pod.meta.labels.insert("app".into(), "foo".into());
        o.pods.push(pod);
        let mut svc = c.svc.clone();
        svc.spec.selector = Some([("app".to_string(), "foo".to_string())].into());
        svc.spec.ports.push(ServicePort {
            name: String::new(),
            protocol: Protocol::Tcp,
            port: 80,
            target_port: IntOrString::Int(80),
            node_port: None,
            app_protocol: None,
        });
        if c.family == IpFamily::IPv6 {
            svc.spec.ip_families = vec![IpFamily::IPv6];
        }
        o.services.push(svc);
        if c.family == IpFamily::IPv6 || c.pod.status.pod_ips.iter().any(|i| i.is_ipv6()) {
            o.cluster_configurations.push(ClusterConfiguration {
                service_subnet: Some("10.96.0.0/12,fd00:10:96::/112".into()),
                pod_subnet: Some("10.244.0.0/16,fd00:10:244::/56".into()),
                ..Default::default()
            });
        }
        let built = cluster::build(&o);
        let slice = built
            .objects
            .endpoint_slices
            .iter()
            .find(|s| {
                s.meta.namespace == "test"
                    && s.service_name() == Some("foo")
                    && s.address_type == "IPv4"
            })
            .expect("slice");
        let ep =
            slice.endpoints.first().unwrap_or_else(|| panic!("case {:?}: no endpoint", c.name));
        let mut want = c.expected.clone();
        if c.node.is_none() {
            want.zone = None;
        }
        assert_eq!(ep, &want, "case {:?}", c.name);
    }
}

// ---------------------------------------------------------------------------------------------
// endpointslice_controller.yaml

const CONTROLLER_PATH: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/tests/conformance/endpoints/endpointslice_controller.yaml"
);

fn map(n: Option<&Y<'_>>) -> Labels {
    n.and_then(|n| n.as_mapping()).unwrap_or(&[]).iter().map(|e| (s(&e.key), s(&e.value))).collect()
}

/// `*` matches any text (possibly empty).
fn glob(pat: &str, text: &str) -> bool {
    match pat.split_once('*') {
        None => pat == text,
        Some((head, rest)) => {
            text.starts_with(head)
                && (head.len()..=text.len())
                    .any(|i| text.is_char_boundary(i) && glob(rest, &text[i..]))
        }
    }
}

fn should_be_in_endpoints(c: &Y<'_>) {
    let mut pod = Pod::default();
    pod.status.phase = s(get(c, "phase").expect("phase"));
    pod.status.pod_ips = ips(get(c, "podIPs"));
    if flag(get(c, "terminating")) == Some(true) {
        pod.meta.deletion_timestamp = Some("2024-01-01T00:00:00Z".into());
    }
    let include = flag(get(c, "includeTerminating")).unwrap_or(false);
    assert_eq!(
        cluster::should_pod_be_in_endpoints(&pod, include),
        flag(get(c, "expected")).unwrap(),
        "{}",
        s(get(c, "name").unwrap())
    );
}

fn should_set_hostname(c: &Y<'_>) {
    let p = get(c, "pod").unwrap();
    let sv = get(c, "service").unwrap();
    let mut pod = Pod::default();
    pod.meta.namespace = s(get(p, "namespace").unwrap());
    pod.spec.hostname = Some(s(get(p, "hostname").unwrap()));
    pod.spec.subdomain = Some(s(get(p, "subdomain").unwrap()));
    pod.status.pod_ips = vec!["1.2.3.4".parse().unwrap()];
    let mut svc = Service::default();
    svc.meta.namespace = s(get(sv, "namespace").unwrap());
    svc.meta.name = s(get(sv, "name").unwrap());
    let ep = pod_to_endpoint(&pod, None, &svc, IpFamily::IPv4);
    assert_eq!(
        ep.hostname.is_some(),
        flag(get(c, "expected")).unwrap(),
        "{}",
        s(get(c, "name").unwrap())
    );
}

fn find_port(c: &Y<'_>) {
    let mut pod = Pod::default();
    for ctr in get(c, "containers").unwrap().as_sequence().unwrap() {
        let ports = ctr
            .as_sequence()
            .unwrap()
            .iter()
            .map(|p| ContainerPort {
                name: get(p, "name").map(s).filter(|n| !n.is_empty()),
                container_port: s(get(p, "containerPort").unwrap()).parse().unwrap(),
                protocol: if s(get(p, "protocol").unwrap()) == "UDP" {
                    Protocol::Udp
                } else {
                    Protocol::Tcp
                },
                host_port: get(p, "hostPort").map(|h| s(h).parse().unwrap()),
            })
            .collect();
        pod.spec.containers.push(Container { ports, ..Default::default() });
    }
    let port = s(get(c, "port").unwrap());
    let target = match port.parse::<i32>() {
        Ok(n) => IntOrString::Int(n),
        Err(_) => IntOrString::Str(port),
    };
    let sp = ServicePort {
        name: String::new(),
        protocol: Protocol::Tcp,
        port: 80,
        target_port: target,
        node_port: None,
        app_protocol: None,
    };
    let want = get(c, "expected").map(s).and_then(|e| e.parse::<i32>().ok());
    assert_eq!(cluster::find_port(&pod, &sp), want, "{}", s(get(c, "name").unwrap()));
}

fn ports_text(ports: &[EndpointPort]) -> String {
    let p: Vec<String> = ports.iter().map(|p| p.port.unwrap_or(0).to_string()).collect();
    p.join(",")
}

/// A case's name, the session its manifests build (with no errors) and its `service`'s
/// namespace and name.
fn case_session(c: &Y<'_>) -> (String, netsim::session::Session, String, String) {
    let name = s(get(c, "name").unwrap());
    let session =
        netsim::session::Session::from_text("case.yaml", &s(get(c, "manifests").unwrap()));
    assert_eq!(session.errors(), 0, "{name}: {:?}", session.diagnostics());
    let (ns, svc) = s(get(c, "service").unwrap())
        .split_once('/')
        .map(|(a, b)| (a.to_string(), b.to_string()))
        .unwrap();
    (name, session, ns, svc)
}

/// One whole-cluster case: the Service's slices, their labels and ports, the Endpoints cell.
fn cluster_case(c: &Y<'_>) {
    let (name, session, ns, svc) = case_session(c);
    let objects = &session.cluster().objects;
    let slices: Vec<&EndpointSlice> = objects
        .endpoint_slices
        .iter()
        .filter(|x| x.meta.namespace == ns && x.service_name() == Some(svc.as_str()))
        .collect();
    assert!(!slices.is_empty(), "{name}: no slices");
    for sl in &slices {
        assert!(sl.meta.name.starts_with(&format!("{svc}-")), "{name}: {}", sl.meta.name);
        assert_eq!(sl.meta.name.len(), svc.len() + 6, "{name}: <svc>-<5 chars>: {}", sl.meta.name);
    }
    if let Some(want) = get(c, "slices").and_then(|n| n.as_sequence()) {
        let got: std::collections::BTreeMap<String, usize> = slices
            .iter()
            .map(|x| format!("{} [{}] {}", x.address_type, ports_text(&x.ports), x.endpoints.len()))
            .fold(Default::default(), |mut m, k| {
                *m.entry(k).or_default() += 1;
                m
            });
        let want: std::collections::BTreeMap<String, usize> = want
            .iter()
            .map(|w| {
                let f = |k| s(get(w, k).unwrap());
                format!("{} [{}] {}", f("addressType"), f("ports"), f("endpoints"))
            })
            .fold(Default::default(), |mut m, k| {
                *m.entry(k).or_default() += 1;
                m
            });
        assert_eq!(got, want, "{name}");
    }
    if get(c, "labels").is_some() {
        for sl in &slices {
            assert_eq!(sl.meta.labels, map(get(c, "labels")), "{name}");
        }
    }
    if let Some(want) = get(c, "ports").and_then(|n| n.as_sequence()) {
        let want: Vec<EndpointPort> = want
            .iter()
            .map(|p| EndpointPort {
                name: get(p, "name").map(s),
                port: get(p, "port").map(|n| s(n).parse().unwrap()),
                protocol: Protocol::Tcp,
                app_protocol: get(p, "appProtocol").map(s),
            })
            .collect();
        // getEndpointPorts gives the Service's order; the reconciler then sorts the slice's
        // ports by hash (NewPortMapKey), so the slice holds the same ports in another order.
        let set = |ports: &[EndpointPort]| -> std::collections::BTreeSet<String> {
            ports.iter().map(|p| format!("{p:?}")).collect()
        };
        for sl in &slices {
            assert_eq!(sl.ports.len(), want.len(), "{name}");
            assert_eq!(set(&sl.ports), set(&want), "{name}");
        }
    }
    if let Some(cell) = get(c, "endpointsCell").map(s) {
        let ep = objects
            .endpoints
            .iter()
            .find(|e| e.meta.namespace == ns && e.meta.name == svc)
            .unwrap_or_else(|| panic!("{name}: no Endpoints"));
        let got = netsim::cluster::print::format_endpoints(ep);
        assert!(glob(&cell, &got), "{name}: {got:?} is not {cell:?}");
    }
}

#[test]
fn endpointslice_controller_yaml() {
    let checked = each_case(CONTROLLER_PATH, |test, c| match test {
        "TestShouldPodBeInEndpoints" => should_be_in_endpoints(c),
        "TestShouldSetHostname" => should_set_hostname(c),
        "TestFindPort" => find_port(c),
        "cluster" => cluster_case(c),
        other => panic!("unknown group {other}"),
    });
    assert!(checked >= 38, "only {checked} cases checked");
}

/// Runs `case` on every case of every group (`groups: [{test, cases: [...]}]`) of the file at
/// `path`; the number of cases run.
fn each_case(path: &str, mut case: impl FnMut(&str, &Y)) -> usize {
    let text = std::fs::read_to_string(path).expect("conformance file");
    let parsed = syntax::parse(FileId(0), &text);
    assert!(parsed.diagnostics.is_empty(), "{:?}", parsed.diagnostics);
    let root = parsed.documents[0].root.as_ref().expect("document");
    let mut checked = 0;
    for g in get(root, "groups").and_then(|g| g.as_sequence()).expect("groups") {
        let test = s(get(g, "test").unwrap());
        for c in get(g, "cases").and_then(|c| c.as_sequence()).expect("cases") {
            case(&test, c);
            checked += 1;
        }
    }
    checked
}

// ---------------------------------------------------------------------------------------------
// endpoints_controller.yaml

const LEGACY_PATH: &str =
    concat!(env!("CARGO_MANIFEST_DIR"), "/tests/conformance/endpoints/endpoints_controller.yaml");

fn counts(n: Option<&Y<'_>>) -> Vec<usize> {
    n.and_then(|n| n.as_sequence())
        .unwrap_or(&[])
        .iter()
        .map(|x| s(x).parse().expect("count"))
        .collect()
}

fn truncate_case(c: &Y<'_>) {
    let addr = EndpointAddress {
        ip: "10.0.0.1".parse().unwrap(),
        hostname: None,
        node_name: None,
        target_ref: None,
    };
    let ready = counts(get(c, "subsetsReady"));
    let not_ready = counts(get(c, "subsetsNotReady"));
    let mut subsets: Vec<EndpointSubset> = ready
        .iter()
        .zip(&not_ready)
        .map(|(r, n)| EndpointSubset {
            addresses: vec![addr.clone(); *r],
            not_ready_addresses: vec![addr.clone(); *n],
            ports: Vec::new(),
            unparsed_addresses: Vec::new(),
        })
        .collect();
    cluster::truncate_endpoints(&mut subsets, cluster::MAX_ENDPOINTS_ADDRESSES);
    let desc = s(get(c, "desc").unwrap());
    let got: Vec<usize> = subsets.iter().map(|x| x.addresses.len()).collect();
    assert_eq!(got, counts(get(c, "expectedReady")), "{desc}: ready");
    let got: Vec<usize> = subsets.iter().map(|x| x.not_ready_addresses.len()).collect();
    assert_eq!(got, counts(get(c, "expectedNotReady")), "{desc}: not ready");
}

fn sync_service_addresses_case(c: &Y<'_>) {
    let name = s(get(c, "name").unwrap());
    let mut o = Objects::default();
    o.nodes.push(Node {
        meta: ObjectMeta { name: "node-1".into(), ..Default::default() },
        ready: true,
        pod_cidrs: vec!["10.1.1.0/24".into()],
        ..Default::default()
    });
    let mut pod = Pod {
        meta: ObjectMeta {
            name: "fakepod".into(),
            namespace: "ns".into(),
            labels: [("foo".to_string(), "bar".to_string())].into(),
            ..Default::default()
        },
        ..Default::default()
    };
    pod.spec.node_name = Some("node-1".into());
    pod.status.phase = s(get(c, "phase").unwrap());
    pod.status.ready = flag(get(c, "ready"));
    pod.status.pod_ips = vec!["10.1.1.1".parse().unwrap()];
    if flag(get(c, "terminating")) == Some(true) {
        pod.meta.deletion_timestamp = Some("2024-01-01T00:00:00Z".into());
    }
    o.pods.push(pod);
    let mut svc = foo_service("ns");
    svc.spec.publish_not_ready_addresses = flag(get(c, "publishNotReadyAddresses")).unwrap();
    o.services.push(svc);
    let built = cluster::build(&o);
    let ep = foo_endpoints(&built, "ns", &name);
    let ready: usize = ep.subsets.iter().map(|x| x.addresses.len()).sum();
    let unready: usize = ep.subsets.iter().map(|x| x.not_ready_addresses.len()).sum();
    let want = |k| s(get(c, k).unwrap()).parse::<usize>().unwrap();
    assert_eq!((ready, unready), (want("expectedReady"), want("expectedUnready")), "{name}");
}

/// `n` Pods `pod<i>` (1.2.3.x on node-1, labelled foo=bar, container port `port0` 8080), the
/// first `ready` of them Ready (upstream's `addPods`).
fn test_pods(o: &mut Objects, ns: &str, ready: usize, not_ready: usize) {
    for i in 0..ready + not_ready {
        let mut pod = Pod {
            meta: ObjectMeta {
                name: format!("pod{i}"),
                namespace: ns.into(),
                labels: [("foo".to_string(), "bar".to_string())].into(),
                ..Default::default()
            },
            ..Default::default()
        };
        pod.spec.node_name = Some("node-1".into());
        pod.spec.containers.push(Container {
            ports: vec![ContainerPort {
                name: Some("port0".into()),
                container_port: 8080,
                protocol: Protocol::Tcp,
                host_port: None,
            }],
            ..Default::default()
        });
        pod.status.phase = "Running".into();
        pod.status.ready = Some(i < ready);
        let ip =
            std::net::Ipv4Addr::from(u32::from(std::net::Ipv4Addr::new(1, 2, 0, 0)) + i as u32);
        pod.status.pod_ips = vec![IpAddr::V4(ip)];
        o.pods.push(pod);
    }
}

/// The upstream tests' Service: `foo` in `ns`, selecting `foo=bar`, port 80 → 80/TCP.
fn foo_service(ns: &str) -> Service {
    let mut svc = Service {
        meta: ObjectMeta { name: "foo".into(), namespace: ns.into(), ..Default::default() },
        ..Default::default()
    };
    svc.spec.selector = Some([("foo".to_string(), "bar".to_string())].into());
    svc.spec.ports.push(ServicePort {
        name: String::new(),
        protocol: Protocol::Tcp,
        port: 80,
        target_port: IntOrString::Int(80),
        node_port: None,
        app_protocol: None,
    });
    svc
}

/// The Endpoints the controller made for [`foo_service`] in `ns`.
fn foo_endpoints<'a>(built: &'a cluster::Cluster, ns: &str, case: &str) -> &'a Endpoints {
    built
        .objects
        .endpoints
        .iter()
        .find(|e| e.meta.namespace == ns && e.meta.name == "foo")
        .unwrap_or_else(|| panic!("{case}: no Endpoints"))
}

fn over_capacity_case(c: &Y<'_>) {
    let name = s(get(c, "name").unwrap());
    let n = |k| s(get(c, k).unwrap()).parse::<usize>().unwrap();
    let mut o = Objects::default();
    o.nodes.push(Node {
        meta: ObjectMeta { name: "node-1".into(), ..Default::default() },
        ready: true,
        pod_cidrs: vec!["1.2.0.0/16".into()],
        ..Default::default()
    });
    test_pods(&mut o, "test", n("desired"), n("desiredNotReady"));
    o.services.push(foo_service("test"));
    let built = cluster::build(&o);
    let ep = foo_endpoints(&built, "test", &name);
    let ready: usize = ep.subsets.iter().map(|x| x.addresses.len()).sum();
    let unready: usize = ep.subsets.iter().map(|x| x.not_ready_addresses.len()).sum();
    assert_eq!((ready, unready), (n("expectedReady"), n("expectedNotReady")), "{name}");
    let annotation = ep.meta.annotations.get("endpoints.kubernetes.io/over-capacity");
    let want = flag(get(c, "annotation")).unwrap().then(|| "truncated".to_string());
    assert_eq!(annotation, want.as_ref(), "{name}");
}

/// An address as the YAML names it: its Pod, else its IP.
fn address_name(a: &EndpointAddress) -> String {
    a.target_ref.as_ref().map(|r| r.name.clone()).unwrap_or_else(|| a.ip.to_string())
}

fn names_match(want: Option<&Y<'_>>, got: &[EndpointAddress], what: &str) {
    let want: Vec<String> =
        want.and_then(|n| n.as_sequence()).unwrap_or(&[]).iter().map(s).collect();
    let got: Vec<String> = got.iter().map(address_name).collect();
    assert_eq!(want.len(), got.len(), "{what}: {got:?} is not {want:?}");
    for (w, g) in want.iter().zip(&got) {
        assert!(glob(w, g), "{what}: {got:?} is not {want:?}");
    }
}

fn subsets_case(c: &Y<'_>) {
    let (name, session, ns, svc) = case_session(c);
    let ep = session
        .cluster()
        .objects
        .endpoints
        .iter()
        .find(|e| e.meta.namespace == ns && e.meta.name == svc);
    let want = get(c, "expected").filter(|e| e.as_mapping().is_some());
    let (Some(want), Some(ep)) = (want, ep) else {
        assert_eq!(want.is_some(), ep.is_some(), "{name}: Endpoints {ep:?}");
        return;
    };
    assert_eq!(ep.meta.labels, map(get(want, "labels")), "{name}: labels");
    let subsets = get(want, "subsets").and_then(|n| n.as_sequence()).unwrap();
    assert_eq!(subsets.len(), ep.subsets.len(), "{name}: {:?}", ep.subsets);
    for (w, g) in subsets.iter().zip(&ep.subsets) {
        names_match(get(w, "addresses"), &g.addresses, &format!("{name}: addresses"));
        names_match(
            get(w, "notReadyAddresses"),
            &g.not_ready_addresses,
            &format!("{name}: notReady"),
        );
        // Upstream compares with SortSubsets(expected): the order is the hash order on both
        // sides (checked in the crate's port_hash tests), so compare as sets here.
        let want: Vec<String> =
            get(w, "ports").and_then(|n| n.as_sequence()).unwrap_or(&[]).iter().map(s).collect();
        let got: Vec<String> = g
            .ports
            .iter()
            .map(|p| {
                let n = p.name.as_deref().unwrap_or("");
                format!("{n}:{}/{}", p.port.unwrap_or(0), p.protocol.as_str())
            })
            .collect();
        assert_eq!(got.len(), want.len(), "{name}: ports {got:?}");
        let set = |v: &[String]| v.iter().cloned().collect::<std::collections::BTreeSet<_>>();
        assert_eq!(set(&got), set(&want), "{name}: ports");
        if let Some(fam) = get(want_family(c), "family").map(s) {
            for a in g.addresses.iter().chain(&g.not_ready_addresses) {
                let v6 = a.ip.is_ipv6();
                assert_eq!(v6, fam == "IPv6", "{name}: {} is not {fam}", a.ip);
            }
        }
    }
}

fn want_family<'a, 'b>(c: &'b Y<'a>) -> &'b Y<'a> {
    get(c, "expected").expect("expected")
}

#[test]
fn endpoints_controller_yaml() {
    let checked = each_case(LEGACY_PATH, |test, c| match test {
        "TestTruncateEndpoints" => truncate_case(c),
        "TestSyncServiceAddresses" => sync_service_addresses_case(c),
        "TestSyncServiceOverCapacity" => over_capacity_case(c),
        "subsets" => subsets_case(c),
        other => panic!("unknown group {other}"),
    });
    assert_eq!(checked, 58);
}
