//! Conformance: the DNS samples in `tests/conformance/dns/`, read at run time.
//!
//! `resolv_conf_and_search_expansion.yaml`: the cluster state, the expected resolv.conf, and for
//! each case the candidate names in order with rcode and answer, and the result.
//! `record_shapes.yaml`: every rule key is checked by a query against a cluster built to show it
//! (a new rule key in the file fails the test until it is covered here). Answers are compared as
//! sets.

use std::collections::BTreeMap;
use std::net::IpAddr;

use netsim::dns::*;
use netsim::model::*;

const DIR: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/conformance/dns/");

fn read(name: &str) -> String {
    std::fs::read_to_string(format!("{DIR}{name}")).unwrap_or_else(|e| panic!("read {name}: {e}"))
}

fn ip(s: &str) -> IpAddr {
    s.parse().unwrap_or_else(|e| panic!("bad ip {s}: {e}"))
}

/// Parses a one-line YAML flow mapping `{a: b, c: "d, e"}` (the shape the samples use).
fn flow_map(line: &str) -> BTreeMap<String, String> {
    let body = line.trim().trim_start_matches("- ").trim();
    let body = body.strip_prefix('{').and_then(|b| b.strip_suffix('}')).unwrap_or(body);
    let mut out = BTreeMap::new();
    let mut parts = Vec::new();
    let (mut cur, mut quoted) = (String::new(), false);
    for c in body.chars() {
        match c {
            '"' => quoted = !quoted,
            ',' if !quoted => parts.push(std::mem::take(&mut cur)),
            _ => cur.push(c),
        }
    }
    parts.push(cur);
    for p in parts {
        if let Some((k, v)) = p.split_once(": ") {
            out.insert(k.trim().to_string(), v.trim().to_string());
        }
    }
    out
}

fn meta(ns: &str, name: &str) -> ObjectMeta {
    ObjectMeta { name: name.into(), namespace: ns.into(), ..ObjectMeta::default() }
}

fn cluster_service(ns: &str, name: &str, cluster_ip: &str) -> Service {
    let mut s = Service { meta: meta(ns, name), ..Service::default() };
    s.spec.cluster_ips = vec![ip(cluster_ip)];
    s.spec.ports = vec![ServicePort {
        name: "http".into(),
        protocol: Protocol::Tcp,
        port: 80,
        target_port: IntOrString::Int(80),
        node_port: None,
        app_protocol: None,
    }];
    s
}

struct Case {
    name: String,
    client_namespace: String,
    query: String,
    candidates: Vec<BTreeMap<String, String>>,
    result: String,
}

#[test]
fn resolv_conf_and_search_expansion() {
    let text = read("resolv_conf_and_search_expansion.yaml");
    let lines: Vec<&str> = text.lines().collect();
    // cluster_state
    let mut services = Vec::new();
    let mut namespaces = Vec::new();
    let mut section = "";
    let mut cases: Vec<Case> = Vec::new();
    let mut expected_resolv = String::new();
    let mut in_expected = false;
    for line in &lines {
        let t = line.trim();
        if in_expected {
            if line.starts_with("    ") {
                expected_resolv.push_str(t);
                expected_resolv.push('\n');
                continue;
            }
            in_expected = false;
        }
        if t.starts_with("expected: |") {
            in_expected = true;
            continue;
        }
        if !line.starts_with(' ') {
            section = t.split(':').next().unwrap_or("");
        }
        match section {
            "cluster_state" => {
                if t.starts_with("- {namespace:") {
                    let m = flow_map(t);
                    services.push(cluster_service(&m["namespace"], &m["name"], &m["clusterIP"]));
                } else if let Some(list) = t.strip_prefix("namespaces: [") {
                    for n in list.trim_end_matches(']').split(',') {
                        namespaces.push(Namespace { meta: meta("", n.trim()) });
                    }
                }
            }
            "cases" => {
                if let Some(n) = t.strip_prefix("- name: ") {
                    cases.push(Case {
                        name: n.trim_matches('"').into(),
                        client_namespace: String::new(),
                        query: String::new(),
                        candidates: Vec::new(),
                        result: String::new(),
                    });
                } else if let Some(c) = cases.last_mut() {
                    if let Some(v) = t.strip_prefix("client_namespace: ") {
                        c.client_namespace = v.into();
                    } else if let Some(v) = t.strip_prefix("query: ") {
                        c.query = v.into();
                    } else if t.starts_with("- {qname:") {
                        c.candidates.push(flow_map(t));
                    } else if let Some(v) = t.strip_prefix("result: ") {
                        c.result = v.trim_matches('"').into();
                    }
                }
            }
            _ => {}
        }
    }
    assert_eq!(services.len(), 4);
    assert_eq!(cases.len(), 8, "cases read from the sample");

    let zone = Zone::new(
        CorefileConfig::kubeadm("cluster.local"),
        ZoneInput { services: &services, endpoint_slices: &[], pods: &[], namespaces: &namespaces },
    );
    let settings = ResolverSettings::new(vec![ip("10.96.0.10")], "cluster.local");
    let dns = [ip("10.96.0.10")];

    let mut default_pod = Pod { meta: meta("default", "client"), ..Pod::default() };
    default_pod.spec.dns_policy = "ClusterFirst".into();
    assert_eq!(resolv_conf(&default_pod, &settings).to_string(), expected_resolv);

    for case in &cases {
        let mut pod = Pod { meta: meta(&case.client_namespace, "client"), ..Pod::default() };
        pod.spec.dns_policy = "ClusterFirst".into();
        let rc = resolv_conf(&pod, &settings);
        let walk = resolve(&rc, &case.query, RecordType::A, &zone, &dns);
        // Candidates in the sample that we can compare: real query names (the sample also lists
        // placeholder rows such as "(host search domains, if any)", which kind nodes do not have).
        let expected: Vec<&BTreeMap<String, String>> =
            case.candidates.iter().filter(|c| !c["qname"].starts_with('(')).collect();
        assert_eq!(walk.queries.len(), expected.len(), "{}: {:#?}", case.name, walk.queries);
        for (q, want) in walk.queries.iter().zip(&expected) {
            let qname = want["qname"].split(' ').next().unwrap_or("");
            assert_eq!(q.name, qname, "{}", case.name);
            let rcode = want["rcode"].as_str();
            if rcode.starts_with("upstream-dependent") {
                assert!(matches!(q.outcome, Outcome::Forwarded { .. }), "{}: {q:?}", case.name);
                assert!(q.answer.is_empty());
                continue;
            }
            assert_eq!(q.rcode.map(|r| r.as_str()), Some(rcode), "{} {qname}", case.name);
            if let Some(ans) = want.get("answer") {
                // "A 10.96.120.7" or "A 10.244.1.46 (insecure mode: ...)"
                let mut it = ans.split_whitespace();
                let (t, data) = (it.next().unwrap_or(""), it.next().unwrap_or(""));
                let got: Vec<(String, String)> =
                    q.answer.iter().map(|r| (r.rtype.to_string(), r.data.clone())).collect();
                assert_eq!(got, vec![(t.to_string(), data.to_string())], "{} {qname}", case.name);
            } else {
                assert!(q.answer.is_empty(), "{} {qname}", case.name);
            }
        }
        match &walk.result {
            WalkResult::Resolved { answers, .. } => {
                assert_eq!(
                    answers.iter().map(|a| a.data.as_str()).collect::<Vec<_>>(),
                    vec![case.result.as_str()],
                    "{}",
                    case.name
                )
            }
            WalkResult::LeavesCluster { .. } => {
                assert!(case.result.starts_with("not resolved"), "{}: {:?}", case.name, walk.result)
            }
            other => panic!("{}: unexpected {other:?}", case.name),
        }
    }
}

fn slice(
    ns: &str,
    svc: &str,
    eps: &[(&str, Option<&str>, Option<bool>)],
    ports: &[(&str, i32)],
) -> EndpointSlice {
    let mut m = meta(ns, &format!("{svc}-abc"));
    m.labels.insert("kubernetes.io/service-name".into(), svc.into());
    EndpointSlice {
        meta: m,
        address_type: "IPv4".into(),
        endpoints: eps
            .iter()
            .map(|(a, h, r)| Endpoint {
                addresses: vec![ip(a)],
                conditions: EndpointConditions { ready: *r, ..Default::default() },
                hostname: h.map(String::from),
                ..Endpoint::default()
            })
            .collect(),
        ports: ports
            .iter()
            .map(|(n, p)| EndpointPort {
                name: Some((*n).into()),
                port: Some(*p),
                protocol: Protocol::Tcp,
                app_protocol: None,
            })
            .collect(),
    }
}

fn set(rs: &[Record]) -> std::collections::BTreeSet<String> {
    rs.iter().map(ToString::to_string).collect()
}

fn strs(v: &[&str]) -> std::collections::BTreeSet<String> {
    v.iter().map(|s| (*s).to_string()).collect()
}

#[test]
fn record_shapes() {
    let text = read("record_shapes.yaml");
    let mut rule_keys = Vec::new();
    let mut weights = Vec::new();
    let mut in_rules = false;
    for line in text.lines() {
        if !line.starts_with(' ') {
            in_rules = line.starts_with("rules:");
        }
        if in_rules && line.starts_with("  ") && !line.starts_with("   ") {
            if let Some((k, _)) = line.trim().split_once(':') {
                rule_keys.push(k.to_string());
            }
        }
        if let Some(m) = line.strip_prefix("srv_weight_check: ") {
            for (k, v) in flow_map(m) {
                let n: usize = k.trim_start_matches('N').parse().unwrap_or(0);
                let w: u32 = v.parse().unwrap_or(0);
                weights.push((n, w));
            }
        }
    }
    let covered = [
        "clusterip_service_A",
        "headless_service_A",
        "headless_endpoint_name",
        "clusterip_endpoint_name",
        "srv_clusterip",
        "srv_headless",
        "srv_bare",
        "srv_weight",
        "port_and_proto_matching",
        "externalname",
        "pods",
        "txt",
        "nxdomain_vs_nodata",
        "not_synced",
        "ignore_empty_service",
        "ttl",
    ];
    for k in &rule_keys {
        assert!(covered.contains(&k.as_str()), "rule {k} of record_shapes.yaml is not covered");
    }
    assert_eq!(weights.len(), 5);

    let mut dual = cluster_service("ns", "dual", "10.96.0.20");
    dual.spec.cluster_ips.push(ip("fd00::20"));
    let mut hdls = Service { meta: meta("ns", "hdls"), ..Service::default() };
    hdls.spec.headless = true;
    let mut ext = Service { meta: meta("ns", "ext"), ..Service::default() };
    ext.spec.type_ = ServiceType::ExternalName;
    ext.spec.external_name = Some("example.com".into());
    let mut services = vec![
        cluster_service("ns", "web", "10.96.0.5"),
        dual,
        hdls,
        ext,
        cluster_service("ns", "empty", "10.96.0.6"),
    ];
    let mut slices = vec![
        slice("ns", "web", &[("10.244.1.5", None, None)], &[("http", 8080)]),
        slice(
            "ns",
            "hdls",
            &[
                ("172.0.0.2", None, Some(true)),
                ("172.0.0.3", Some("db-0"), None),
                ("172.0.0.9", None, Some(false)),
                ("5678:abcd::1", None, None),
            ],
            &[("http", 8080)],
        ),
    ];
    for (n, _) in &weights {
        let name = format!("w{n}");
        let eps: Vec<String> = (0..*n).map(|i| format!("10.9.{n}.{i}")).collect();
        let refs: Vec<(&str, Option<&str>, Option<bool>)> =
            eps.iter().map(|e| (e.as_str(), None, None)).collect();
        slices.push(slice("ns", &name, &refs, &[("http", 80)]));
        let mut s = Service { meta: meta("ns", &name), ..Service::default() };
        s.spec.headless = true;
        services.push(s);
    }
    let build = |cfg: CorefileConfig| {
        Zone::new(
            cfg,
            ZoneInput { services: &services, endpoint_slices: &slices, pods: &[], namespaces: &[] },
        )
    };
    let z = build(CorefileConfig::kubeadm("cluster.local"));
    let a = |n: &str| set(&z.query(n, RecordType::A).answer);

    // clusterip_service_A (dual-stack)
    assert_eq!(
        a("web.ns.svc.cluster.local."),
        strs(&["web.ns.svc.cluster.local. 30 IN A 10.96.0.5"])
    );
    assert_eq!(
        set(&z.query("dual.ns.svc.cluster.local.", RecordType::AAAA).answer),
        strs(&["dual.ns.svc.cluster.local. 30 IN AAAA fd00::20"])
    );
    // headless_service_A: ready (true or unset) only
    assert_eq!(
        a("hdls.ns.svc.cluster.local."),
        strs(&[
            "hdls.ns.svc.cluster.local. 30 IN A 172.0.0.2",
            "hdls.ns.svc.cluster.local. 30 IN A 172.0.0.3"
        ])
    );
    // headless_endpoint_name
    assert_eq!(a("172-0-0-2.hdls.ns.svc.cluster.local.").len(), 1);
    assert_eq!(a("db-0.hdls.ns.svc.cluster.local.").len(), 1);
    assert_eq!(
        set(&z.query("5678-abcd--1.hdls.ns.svc.cluster.local.", RecordType::AAAA).answer).len(),
        1
    );
    // clusterip_endpoint_name
    assert_eq!(
        a("10-244-1-5.web.ns.svc.cluster.local."),
        strs(&["10-244-1-5.web.ns.svc.cluster.local. 30 IN A 10.244.1.5"])
    );
    // srv_clusterip: service port, A in additional
    let r = z.query("_http._tcp.web.ns.svc.cluster.local.", RecordType::SRV);
    assert_eq!(
        set(&r.answer),
        strs(&[
            "_http._tcp.web.ns.svc.cluster.local. 30 IN SRV 0 100 80 web.ns.svc.cluster.local."
        ])
    );
    assert_eq!(set(&r.additional), strs(&["web.ns.svc.cluster.local. 30 IN A 10.96.0.5"]));
    // srv_headless: endpoint port, endpoint names
    let r = z.query("_http._tcp.hdls.ns.svc.cluster.local.", RecordType::SRV);
    assert_eq!(set(&r.answer), strs(&[
        "_http._tcp.hdls.ns.svc.cluster.local. 30 IN SRV 0 33 8080 172-0-0-2.hdls.ns.svc.cluster.local.",
        "_http._tcp.hdls.ns.svc.cluster.local. 30 IN SRV 0 33 8080 db-0.hdls.ns.svc.cluster.local.",
        "_http._tcp.hdls.ns.svc.cluster.local. 30 IN SRV 0 33 8080 5678-abcd--1.hdls.ns.svc.cluster.local.",
    ]));
    assert_eq!(r.additional.len(), 3);
    // srv_bare
    assert_eq!(z.query("hdls.ns.svc.cluster.local.", RecordType::SRV).answer.len(), 3);
    // srv_weight
    for (n, w) in &weights {
        let r = z.query(&format!("w{n}.ns.svc.cluster.local."), RecordType::SRV);
        assert!(
            r.answer.iter().all(|x| x.data.starts_with(&format!("0 {w} "))),
            "N={n}: {:?}",
            r.answer
        );
    }
    // port_and_proto_matching
    assert_eq!(z.query("_HTTP._TCP.web.ns.svc.cluster.local.", RecordType::SRV).answer.len(), 1);
    assert_eq!(
        z.query("_http._udp.web.ns.svc.cluster.local.", RecordType::SRV).rcode,
        Some(Rcode::NxDomain)
    );
    // externalname
    let r = z.query("ext.ns.svc.cluster.local.", RecordType::A);
    assert_eq!(set(&r.answer), strs(&["ext.ns.svc.cluster.local. 30 IN CNAME example.com."]));
    assert_eq!(r.upstream_lookups, vec!["example.com.".to_string()]);
    assert_eq!(z.query("x.ext.ns.svc.cluster.local.", RecordType::A).rcode, Some(Rcode::NxDomain));
    assert_eq!(z.query("_http._tcp.ext.ns.svc.cluster.local.", RecordType::SRV).answer.len(), 0);
    // pods (insecure under kubeadm)
    assert_eq!(
        a("10-244-1-46.ns.pod.cluster.local."),
        strs(&["10-244-1-46.ns.pod.cluster.local. 30 IN A 10.244.1.46"])
    );
    // txt
    assert_eq!(
        set(&z.query("dns-version.cluster.local.", RecordType::TXT).answer),
        strs(&["dns-version.cluster.local. 28800 IN TXT \"1.1.0\""])
    );
    // nxdomain_vs_nodata
    let soa = "cluster.local. 30 IN SOA ns.dns.cluster.local. hostmaster.cluster.local. 1 7200 1800 86400 30";
    for (n, t, rc) in [
        ("nope.ns.svc.cluster.local.", RecordType::A, Rcode::NxDomain),
        ("web.nope.svc.cluster.local.", RecordType::A, Rcode::NxDomain),
        ("web.ns.foo.cluster.local.", RecordType::A, Rcode::NxDomain),
        ("web.ns.svc.cluster.local.", RecordType::AAAA, Rcode::NoError),
        ("web.ns.svc.cluster.local.", RecordType::TXT, Rcode::NoError),
        ("ns.svc.cluster.local.", RecordType::A, Rcode::NoError),
        ("svc.cluster.local.", RecordType::A, Rcode::NoError),
        ("pod.cluster.local.", RecordType::A, Rcode::NoError),
    ] {
        let r = z.query(n, t);
        assert_eq!(r.rcode, Some(rc), "{n} {t}");
        assert!(r.answer.is_empty());
        assert_eq!(set(&r.authority), strs(&[soa]), "{n} {t}");
    }
    // not_synced: the simulated API is always synced, so a missing name is NXDOMAIN, never SERVFAIL.
    assert_eq!(z.query("nope.ns.svc.cluster.local.", RecordType::A).rcode, Some(Rcode::NxDomain));
    // ignore_empty_service
    let mut cfg = CorefileConfig::kubeadm("cluster.local");
    if let Some(k) = cfg.kubernetes.as_mut() {
        k.ignore_empty_service = true;
    }
    let z2 = build(cfg);
    assert_eq!(z2.query("empty.ns.svc.cluster.local.", RecordType::A).rcode, Some(Rcode::NxDomain));
    assert_eq!(z2.query("web.ns.svc.cluster.local.", RecordType::A).answer.len(), 1);
    // ttl: plugin default 5 when the Corefile omits it
    let (cfg, d) = CorefileConfig::parse(
        ".:53 {\n kubernetes cluster.local\n}\n",
        "cluster.local",
        Default::default(),
    );
    assert!(d.is_empty());
    let z3 = build(cfg);
    assert_eq!(
        set(&z3.query("web.ns.svc.cluster.local.", RecordType::A).answer),
        strs(&["web.ns.svc.cluster.local. 5 IN A 10.96.0.5"])
    );
}

// ---------------------------------------------------------------------------------------------
// `coredns_kubernetes_plugin.yaml`: CoreDNS plugin/kubernetes handler tests, fixture by fixture.

mod yaml {
    use netsim::syntax::{self, Node};
    use netsim::text::FileId;

    pub(crate) fn s(n: &Node<'_>) -> String {
        n.as_scalar().map(|s| s.text.to_string()).unwrap_or_default()
    }

    pub(crate) fn get<'a, 'b>(n: &'b Node<'a>, k: &str) -> Option<&'b Node<'a>> {
        n.get(k).map(|e| &e.value)
    }

    pub(crate) fn field(n: &Node<'_>, k: &str) -> String {
        get(n, k).map(s).unwrap_or_default()
    }

    pub(crate) fn list(n: &Node<'_>, k: &str) -> Vec<String> {
        get(n, k).and_then(|n| n.as_sequence()).unwrap_or(&[]).iter().map(s).collect()
    }

    pub(crate) fn seq<'a, 'b>(n: &'b Node<'a>, k: &str) -> &'b [Node<'a>] {
        get(n, k).and_then(|n| n.as_sequence()).unwrap_or(&[])
    }

    pub(crate) fn with_root<T>(text: &str, f: impl FnOnce(&Node<'_>) -> T) -> T {
        let parsed = syntax::parse(FileId(0), text);
        assert!(parsed.diagnostics.is_empty(), "{:?}", parsed.diagnostics);
        let root = parsed.documents[0].root.as_ref().expect("a document");
        f(root)
    }
}

fn protocol(p: &str) -> Protocol {
    match p.to_ascii_lowercase().as_str() {
        "udp" => Protocol::Udp,
        "sctp" => Protocol::Sctp,
        _ => Protocol::Tcp,
    }
}

/// `name/proto/port`.
fn port_spec(p: &str) -> (String, Protocol, i32) {
    let mut it = p.split('/');
    let name = it.next().unwrap_or("").to_string();
    let proto = protocol(it.next().unwrap_or("tcp"));
    let port = it.next().and_then(|n| n.parse().ok()).unwrap_or(0);
    (name, proto, port)
}

/// The fixture's objects: Services, EndpointSlices, Pods (CoreDNS's own Pods for `localIPs`)
/// and Namespaces.
fn fixture_objects(
    f: &netsim::syntax::Node<'_>,
) -> (Vec<Service>, Vec<EndpointSlice>, Vec<Pod>, Vec<Namespace>) {
    use yaml::*;
    let namespaces =
        list(f, "namespaces").iter().map(|n| Namespace { meta: meta("", n) }).collect();
    let mut services = Vec::new();
    for n in seq(f, "services") {
        let mut svc =
            Service { meta: meta(&field(n, "ns"), &field(n, "name")), ..Service::default() };
        if field(n, "type") == "ExternalName" {
            svc.spec.type_ = ServiceType::ExternalName;
            svc.spec.external_name = Some(field(n, "externalName"));
        }
        for i in list(n, "ips") {
            if i == "None" {
                svc.spec.headless = true;
            } else {
                svc.spec.cluster_ips.push(ip(&i));
            }
        }
        for p in list(n, "ports") {
            let (name, protocol, port) = port_spec(&p);
            svc.spec.ports.push(ServicePort {
                name,
                protocol,
                port,
                target_port: IntOrString::Int(port),
                node_port: None,
                app_protocol: None,
            });
        }
        services.push(svc);
    }
    let mut slices = Vec::new();
    for (i, n) in seq(f, "endpoints").iter().enumerate() {
        let svc = field(n, "service");
        let mut m = meta(&field(n, "ns"), &format!("{svc}-{i}"));
        m.labels.insert("kubernetes.io/service-name".into(), svc);
        // `addresses` are ready endpoints; `unready` ones have conditions.ready false.
        let ready = list(n, "addresses").into_iter().map(|a| (a, None));
        let unready = list(n, "unready").into_iter().map(|a| (a, Some(false)));
        let endpoints = ready
            .chain(unready)
            .map(|(a, ready)| {
                let (a, pod) = match a.split_once('@') {
                    Some((a, p)) => (a, Some(p)),
                    None => (a.as_str(), None),
                };
                let (addr, host) = match a.split_once('=') {
                    Some((a, h)) => (a, Some(h.to_string())),
                    None => (a, None),
                };
                let target_ref = pod.map(|p| ObjectReference {
                    kind: "Pod".into(),
                    namespace: field(n, "ns"),
                    name: p.into(),
                });
                Endpoint {
                    addresses: vec![ip(addr)],
                    hostname: host,
                    target_ref,
                    conditions: EndpointConditions { ready, ..Default::default() },
                    ..Endpoint::default()
                }
            })
            .collect();
        let ports = list(n, "ports")
            .iter()
            .map(|p| {
                let (name, protocol, port) = port_spec(p);
                EndpointPort { name: Some(name), port: Some(port), protocol, app_protocol: None }
            })
            .collect();
        slices.push(EndpointSlice { meta: m, address_type: "IPv4".into(), endpoints, ports });
    }
    let mut pods = Vec::new();
    for n in seq(f, "pods") {
        let mut p = Pod { meta: meta(&field(n, "ns"), &field(n, "name")), ..Pod::default() };
        p.status.pod_ips = vec![ip(&field(n, "ip"))];
        if field(n, "deleting") == "true" {
            p.meta.deletion_timestamp = Some("2024-01-01T00:00:00Z".into());
        }
        pods.push(p);
    }
    for (i, l) in list(f, "localIPs").iter().enumerate() {
        let mut p = Pod { meta: meta("kube-system", &format!("coredns-{i}")), ..Pod::default() };
        p.meta.labels.insert("k8s-app".into(), "kube-dns".into());
        p.status.pod_ips = vec![ip(l)];
        pods.push(p);
    }
    (services, slices, pods, namespaces)
}

/// A record as upstream's `test.Section` compares it: TTL 303 matches any TTL; an SOA keeps
/// owner, TTL, mname, rname and the refresh/retry/expire timers (not its serial or minimum).
fn comparable(rr: &str, any_ttl: bool) -> String {
    let f: Vec<&str> = rr.split_whitespace().collect();
    let mut out: Vec<&str> = f.clone();
    if any_ttl {
        if let Some(t) = out.get_mut(1) {
            *t = "*";
        }
    }
    if f.get(3) == Some(&"SOA") && out.len() == 11 {
        out.remove(10);
        out.remove(6);
    }
    out.join(" ")
}

fn section(want: &[String], got: &[Record]) -> (BTreeMap<String, usize>, BTreeMap<String, usize>) {
    let mut w = BTreeMap::new();
    let mut g = BTreeMap::new();
    let any: std::collections::BTreeSet<usize> = want
        .iter()
        .enumerate()
        .filter(|(_, r)| r.split_whitespace().nth(1) == Some("303"))
        .map(|(i, _)| i)
        .collect();
    let loose = !any.is_empty();
    for r in want {
        *w.entry(comparable(r, loose)).or_insert(0) += 1;
    }
    for r in got {
        *g.entry(comparable(&r.to_string(), loose)).or_insert(0) += 1;
    }
    (w, g)
}

#[test]
fn coredns_kubernetes_plugin() {
    let checked = plugin_shaped_file("coredns_kubernetes_plugin.yaml");
    assert_eq!(checked, 114, "cases read from coredns_kubernetes_plugin.yaml");
}

/// `coredns_ci_and_controller.yaml`: coredns/ci `test/kubernetes` integration tests on the ci
/// manifest's objects, and plugin/kubernetes controller_test / zonal_test / parse_test cases.
#[test]
fn coredns_ci_and_controller() {
    let checked = plugin_shaped_file("coredns_ci_and_controller.yaml");
    assert_eq!(checked, 37, "cases read from coredns_ci_and_controller.yaml");
}

/// `coredns_dnsutil_reverse.yaml`: CoreDNS `plugin/pkg/dnsutil` reverse-name helpers.
#[test]
fn coredns_dnsutil_reverse() {
    use yaml::*;
    let text = read("coredns_dnsutil_reverse.yaml");
    let checked = with_root(&text, |root| {
        let mut checked = 0;
        for g in seq(root, "groups") {
            for c in seq(g, "cases") {
                let name = field(c, "name");
                if let Some(a) = get(c, "address") {
                    let got = netsim::dns::address_from_reverse(&name)
                        .map(|ip| ip.to_string())
                        .unwrap_or_default();
                    assert_eq!(got, s(a), "{}: {name}", field(g, "test"));
                }
                if let Some(r) = get(c, "is_reverse") {
                    let got = netsim::dns::is_reverse_zone(&name);
                    assert_eq!(got, s(r) != "0", "{}: {name}", field(g, "test"));
                }
                checked += 1;
            }
        }
        checked
    });
    assert_eq!(checked, 14, "cases read from coredns_dnsutil_reverse.yaml");
}

/// `kubernetes_dns_specification.yaml`: the Kubernetes DNS specification's examples, in the
/// plugin file's shape.
#[test]
fn kubernetes_dns_specification() {
    let checked = plugin_shaped_file("kubernetes_dns_specification.yaml");
    assert_eq!(checked, 28, "cases read from kubernetes_dns_specification.yaml");
}

/// Runs every group of a file shaped as `coredns_kubernetes_plugin.yaml` (fixtures, groups with
/// a Corefile and cases) and returns the number of cases checked.
fn plugin_shaped_file(name: &str) -> usize {
    use yaml::*;
    let text = read(name);
    with_root(&text, |root| {
        let fixtures = get(root, "fixtures").expect("fixtures");
        let mut checked = 0;
        let mut failures = Vec::new();
        for g in seq(root, "groups") {
            let test = field(g, "test");
            let fixture = get(fixtures, &field(g, "fixture")).expect("the group's fixture");
            let (services, slices, pods, namespaces) = fixture_objects(fixture);
            let (cfg, diags) =
                CorefileConfig::parse(&field(g, "corefile"), "cluster.local", Default::default());
            assert!(diags.is_empty(), "{test}: {diags:?}");
            let zone = Zone::new(
                cfg,
                ZoneInput {
                    services: &services,
                    endpoint_slices: &slices,
                    pods: &pods,
                    namespaces: &namespaces,
                },
            );
            for c in seq(g, "cases") {
                let qname = field(c, "qname");
                let qtype = RecordType::parse(&field(c, "qtype")).expect("a type");
                let r = zone.query(&qname, qtype);
                let what = format!("{test}: {qname} {qtype}");
                checked += 1;
                let rcode = r.rcode.map(|x| x.as_str().to_string()).unwrap_or_default();
                if rcode != field(c, "rcode") {
                    failures.push(format!(
                        "{what}: rcode {rcode:?}, want {} ({})",
                        field(c, "rcode"),
                        r.why
                    ));
                    continue;
                }
                for (key, got) in
                    [("answer", &r.answer), ("ns", &r.authority), ("extra", &r.additional)]
                {
                    let (w, g) = section(&list(c, key), got);
                    if w != g {
                        failures.push(format!("{what}: {key}\n  got  {g:?}\n  want {w:?}"));
                    }
                }
                let up = list(c, "upstream");
                if up != r.upstream_lookups {
                    failures
                        .push(format!("{what}: upstream {:?}, want {up:?}", r.upstream_lookups));
                }
            }
        }
        assert!(failures.is_empty(), "{} failing cases:\n{}", failures.len(), failures.join("\n"));
        checked
    })
}

// ---------------------------------------------------------------------------------------------
// `kubelet_pod_dns.yaml`: kubelet pkg/kubelet/network/dns tests.

/// `A{128}` → 128 × "A" (the file's shorthand for strings.Repeat).
fn expand(s: &str) -> String {
    let mut out = String::new();
    let mut rest = s;
    while let Some(open) = rest.find('{') {
        let Some(close) = rest[open..].find('}').map(|c| open + c) else { break };
        let Ok(n) = rest[open + 1..close].parse::<usize>() else { break };
        let (head, unit) = rest[..open].split_at(rest[..open].len() - 1);
        out.push_str(head);
        out.push_str(&unit.repeat(n));
        rest = &rest[close + 1..];
    }
    out.push_str(rest);
    out
}

fn expanded(n: &netsim::syntax::Node<'_>, k: &str) -> Vec<String> {
    yaml::list(n, k).iter().map(|s| expand(s)).collect()
}

fn option_pairs(opts: &[String]) -> Vec<(String, Option<String>)> {
    opts.iter()
        .map(|o| match o.split_once(':') {
            Some((k, v)) => (k.to_string(), Some(v.to_string())),
            None => (o.clone(), None),
        })
        .collect()
}

fn kubelet_settings(g: &netsim::syntax::Node<'_>) -> ResolverSettings {
    use yaml::*;
    let mut s = ResolverSettings::new(Vec::new(), "cluster.local");
    if let Some(st) = get(g, "settings") {
        s.cluster_dns = list(st, "clusterDNS").iter().map(|i| ip(i)).collect();
        s.cluster_domain = field(st, "clusterDomain");
        if let Some(h) = get(st, "host") {
            s.host.nameservers = list(h, "nameservers");
            s.host.searches = list(h, "searches");
            s.host.options = list(h, "options");
        }
    }
    s
}

fn pod_for(g: &netsim::syntax::Node<'_>, c: &netsim::syntax::Node<'_>) -> Pod {
    use yaml::*;
    let mut p = Pod { meta: meta(&field(g, "namespace"), "test_pod"), ..Pod::default() };
    p.spec.dns_policy = field(c, "dnsPolicy");
    p.spec.host_network = field(c, "hostNetwork") == "true";
    if let Some(d) = get(c, "dnsConfig") {
        p.spec.dns_config = Some(PodDnsConfig {
            nameservers: list(d, "nameservers"),
            searches: list(d, "searches"),
            options: option_pairs(&list(d, "options")),
        });
    }
    p
}

fn set_of(v: &[String]) -> std::collections::BTreeSet<String> {
    v.iter().cloned().collect()
}

#[test]
fn kubelet_pod_dns() {
    use yaml::*;
    let text = read("kubelet_pod_dns.yaml");
    let checked = with_root(&text, |root| {
        let mut checked = 0;
        for g in seq(root, "groups") {
            let test = field(g, "test");
            let settings = kubelet_settings(g);
            for c in seq(g, "cases") {
                let what = format!("{test}: {}", field(c, "desc"));
                checked += 1;
                let event = expand(&field(c, "event"));
                match test.as_str() {
                    "TestFormDNSSearchFitsLimits" => {
                        let mut warnings = Vec::new();
                        let got = fit_search(expanded(c, "search"), &mut warnings);
                        assert_eq!(got, expanded(c, "want"), "{what}");
                        let want: Vec<String> =
                            [event].into_iter().filter(|e| !e.is_empty()).collect();
                        assert_eq!(warnings, want, "{what}");
                    }
                    "TestFormDNSNameserversFitsLimits" => {
                        let mut p = Pod { meta: meta("testNS", "test_pod"), ..Pod::default() };
                        p.spec.dns_policy = "None".into();
                        p.spec.dns_config = Some(PodDnsConfig {
                            nameservers: list(c, "nameservers"),
                            ..PodDnsConfig::default()
                        });
                        let rc = resolv_conf(&p, &settings);
                        assert_eq!(rc.nameservers, list(c, "want"), "{what}");
                        let want: Vec<String> =
                            [event].into_iter().filter(|e| !e.is_empty()).collect();
                        assert_eq!(rc.warnings, want, "{what}");
                    }
                    "TestMergeDNSOptions" => {
                        let mut s = settings.clone();
                        s.host.options = list(c, "existing");
                        let mut p = Pod { meta: meta("testNS", "test_pod"), ..Pod::default() };
                        p.spec.dns_policy = "Default".into();
                        p.spec.dns_config = Some(PodDnsConfig {
                            options: option_pairs(&list(c, "dnsConfig")),
                            ..PodDnsConfig::default()
                        });
                        let rc = resolv_conf(&p, &s);
                        assert_eq!(set_of(&rc.options), set_of(&list(c, "want")), "{what}");
                        assert_eq!(rc.options.len(), list(c, "want").len(), "{what}");
                    }
                    "TestGetPodDNSType" => {
                        let mut s = settings.clone();
                        if field(c, "hasClusterDNS") != "true" {
                            s.cluster_dns.clear();
                        }
                        let rc = resolv_conf(&pod_for(g, c), &s);
                        assert_eq!(format!("{:?}", rc.source), field(c, "want"), "{what}");
                    }
                    _ => {
                        let rc = resolv_conf(&pod_for(g, c), &settings);
                        let want = get(c, "want").expect("want");
                        assert_eq!(rc.nameservers, list(want, "nameservers"), "{what}");
                        assert_eq!(rc.searches, list(want, "searches"), "{what}");
                        assert_eq!(set_of(&rc.options), set_of(&list(want, "options")), "{what}");
                        assert!(rc.warnings.is_empty(), "{what}: {:?}", rc.warnings);
                    }
                }
            }
        }
        checked
    });
    assert_eq!(checked, 30, "cases read from kubelet_pod_dns.yaml");
}

// ---------------------------------------------------------------------------------------------
// `coredns_corefile_setup.yaml`: CoreDNS plugin/kubernetes setup (Corefile option) tests.

/// `{0..127}.0.10.in-addr.arpa.` → the 128 names (the file's shorthand for a counted list).
fn zone_list(items: &[String]) -> Vec<String> {
    let mut out = Vec::new();
    for z in items {
        let range = z.strip_prefix('{').and_then(|r| r.split_once('}'));
        match range.and_then(|(r, rest)| r.split_once("..").map(|(a, b)| (a, b, rest))) {
            Some((a, b, rest)) => {
                let (a, b): (u32, u32) = (a.parse().unwrap_or(0), b.parse().unwrap_or(0));
                out.extend((a..=b).map(|i| format!("{i}{rest}")));
            }
            None => out.push(z.clone()),
        }
    }
    out
}

fn check_setup_case(c: &netsim::syntax::Node<'_>, what: &str) {
    use yaml::*;
    let input = field(c, "input");
    let (cfg, diags) = CorefileConfig::parse(
        &format!(".:53 {{\n{input}\n}}\n"),
        "cluster.local",
        Default::default(),
    );
    if let Some(e) = get(c, "error") {
        assert!(cfg.defaulted && diags.len() == 1, "{what}: no error ({diags:?})");
        assert!(diags[0].message.contains(&s(e)), "{what}: {}", diags[0].message);
        return;
    }
    assert!(diags.is_empty() && !cfg.defaulted, "{what}: {diags:?}");
    let k = cfg.kubernetes.expect("a kubernetes plugin");
    let want = |key: &str| get(c, key).map(s);
    if let Some(n) = want("zones") {
        assert_eq!(k.zones.len().to_string(), n, "{what}: {:?}", k.zones);
    }
    if get(c, "zone_list").is_some() {
        assert_eq!(k.zones, zone_list(&list(c, "zone_list")), "{what}");
    }
    if let Some(n) = want("namespaces") {
        assert_eq!(k.namespaces.len().to_string(), n, "{what}");
    }
    if let Some(p) = want("pods") {
        assert_eq!(k.pods.as_str(), p, "{what}");
    }
    match get(c, "fallthrough") {
        Some(f) if f.as_sequence().is_some() => {
            assert_eq!(k.fallthrough, Some(list(c, "fallthrough")), "{what}")
        }
        Some(f) if s(f) == "all" => assert_eq!(k.fallthrough, Some(Vec::new()), "{what}"),
        Some(_) => assert_eq!(k.fallthrough, None, "{what}"),
        None => {}
    }
    if let Some(b) = want("endpoint_pod_names") {
        assert_eq!(k.endpoint_pod_names.to_string(), b, "{what}");
    }
    if let Some(b) = want("ignore_empty_service") {
        assert_eq!(k.ignore_empty_service.to_string(), b, "{what}");
    }
    if let Some(t) = want("ttl") {
        assert_eq!(k.ttl.to_string(), t, "{what}");
    }
    if let Some(b) = want("endpoints_init") {
        assert_eq!((!k.no_endpoints).to_string(), b, "{what}");
    }
}

#[test]
fn coredns_corefile_setup() {
    use yaml::*;
    let text = read("coredns_corefile_setup.yaml");
    let checked = with_root(&text, |root| {
        let mut checked = 0;
        let mut failed = Vec::new();
        for g in seq(root, "groups") {
            for (i, c) in seq(g, "cases").iter().enumerate() {
                let what = format!("{} case {i}", field(g, "test"));
                let run = std::panic::AssertUnwindSafe(|| check_setup_case(c, &what));
                if std::panic::catch_unwind(run).is_err() {
                    failed.push(what);
                }
                checked += 1;
            }
        }
        assert!(failed.is_empty(), "{} failing cases: {failed:?}", failed.len());
        checked
    });
    assert_eq!(checked, 41, "cases read from coredns_corefile_setup.yaml");
}

// ---------------------------------------------------------------------------------------------
// `e2e_dns.yaml`: test/e2e/network/dns.go, each test's objects run through the whole pipeline.

/// The probe Pod of `createDNSPod`, with what the group changes on it.
fn e2e_probe_pod(root: &netsim::syntax::Node<'_>, g: &netsim::syntax::Node<'_>) -> String {
    use yaml::*;
    let labels = get(g, "podLabels")
        .and_then(|m| m.as_mapping())
        .map(|m| {
            let kv: Vec<String> =
                m.iter().map(|e| format!("{}: \"{}\"", s(&e.key), s(&e.value))).collect();
            format!("{{{}}}", kv.join(", "))
        })
        .unwrap_or_else(|| "{}".into());
    let or = |k: &str, d: &str| Some(field(g, k)).filter(|v| !v.is_empty()).unwrap_or(d.into());
    // Lines of the Pod's spec (two spaces in, as in `probe_pod`).
    let mut extra = String::new();
    if field(g, "hostNetwork") == "true" {
        extra.push_str("  hostNetwork: true\n  dnsPolicy: ClusterFirstWithHostNet\n");
    }
    if let Some(d) = get(g, "dnsConfig") {
        extra.push_str("  dnsPolicy: ClusterFirst\n  dnsConfig:\n");
        for l in s(d).lines() {
            extra.push_str(&format!("    {l}\n"));
        }
    }
    field(root, "probe_pod")
        .replace("LABELS", &labels)
        .replace("HOSTNAME", &or("podHostname", "dns-querier-1"))
        .replace("SUBDOMAIN", &or("podSubdomain", "dns-test-service"))
        .replace("  EXTRA\n", &extra)
}

fn pod_ip(sess: &netsim::session::Session, name: &str) -> String {
    let p = sess.objects().pods.iter().find(|p| p.meta.name == name);
    p.and_then(|p| p.status.pod_ips.first()).map(ToString::to_string).unwrap_or_default()
}

fn cluster_ip(sess: &netsim::session::Session, name: &str) -> String {
    let s = sess.objects().services.iter().find(|s| s.meta.name == name);
    s.and_then(|s| s.spec.cluster_ips.first()).map(ToString::to_string).unwrap_or_default()
}

/// One probe; `Err` says how it failed.
fn e2e_probe(sess: &netsim::session::Session, p: &netsim::syntax::Node<'_>) -> Result<(), String> {
    use yaml::*;
    let from = format!(
        "dns-1234/{}",
        Some(field(p, "from")).filter(|f| !f.is_empty()).unwrap_or("dns-test".into())
    );
    let podip = pod_ip(sess, "dns-test");
    let want_data: Vec<String> =
        list(p, "data").iter().map(|d| d.replace("PODIP", &podip)).collect();
    let walk = |name: &str, t: RecordType, exact: bool| {
        sess.dns(name, Some(&from), None, t, exact).map_err(|e| format!("{e:?}"))
    };
    let answered = |l: netsim::session::Lookup| -> Result<(), String> {
        match &l.result {
            WalkResult::Resolved { answers, .. } if !answers.is_empty() => {
                let got: std::collections::BTreeSet<String> =
                    answers.iter().map(|a| a.data.clone()).collect();
                if want_data.is_empty() || got == want_data.iter().cloned().collect() {
                    Ok(())
                } else {
                    Err(format!("answers {got:?}, want {want_data:?}"))
                }
            }
            other => Err(format!("no answer: {other:?}")),
        }
    };
    if let Some(n) = get(p, "search") {
        let t = RecordType::parse(&field(p, "type")).map_err(|e| format!("{e:?}"))?;
        return answered(walk(&s(n), t, false)?);
    }
    if get(p, "podARecord").is_some() {
        let dashed = podip.replace('.', "-");
        let l = walk(&format!("{dashed}.dns-1234.pod.cluster.local"), RecordType::A, false)?;
        let Some(at) = get(p, "leavesAt") else { return answered(l) };
        let want = s(at).replace("PODDASHED", &dashed);
        return match &l.result {
            WalkResult::LeavesCluster { name, .. } if *name == want => Ok(()),
            other => Err(format!("{other:?}, want the walk to leave the cluster at {want}")),
        };
    }
    if let Some(svc) = get(p, "ptrOf") {
        let name = reverse_name(ip(&cluster_ip(sess, &s(svc))));
        return answered(walk(&name, RecordType::PTR, false)?);
    }
    if let Some(n) = get(p, "short") {
        let t = RecordType::parse(&field(p, "type")).map_err(|e| format!("{e:?}"))?;
        let want = match get(p, "wantClusterIPOf") {
            Some(svc) => cluster_ip(sess, &s(svc)),
            None => field(p, "want"),
        };
        let l = walk(&s(n), t, true)?;
        let got: Vec<String> =
            l.queries.iter().flat_map(|q| q.answer.iter().map(|a| a.data.clone())).collect();
        return if got == vec![want.clone()] {
            Ok(())
        } else {
            Err(format!("{got:?}, want {want}"))
        };
    }
    if let Some(pod) = get(p, "resolvConfOf") {
        let rc = sess.resolv_conf(&s(pod), Some("dns-1234")).map_err(|e| format!("{e:?}"))?;
        let text = rc.to_string();
        return match list(p, "contains").iter().find(|c| !text.contains(c.as_str())) {
            Some(c) => Err(format!("resolv.conf lacks {c:?}:\n{text}")),
            None => Ok(()),
        };
    }
    if let Some(n) = get(p, "firstQuery") {
        let l = walk(&s(n), RecordType::A, false)?;
        let server = pod_ip(sess, &field(p, "nameserverPodIP"));
        let first = l.queries.first().map(|q| q.name.clone()).unwrap_or_default();
        return if first == field(p, "want") && l.nameserver.as_deref() == Some(server.as_str()) {
            Ok(())
        } else {
            Err(format!(
                "first query {first} to {:?}, want {} to {server}",
                l.nameserver,
                field(p, "want")
            ))
        };
    }
    Err("unknown probe".into())
}

#[test]
fn e2e_network_dns() {
    use yaml::*;
    let text = read("e2e_dns.yaml");
    let (checked, failures) = with_root(&text, |root| {
        let shared = get(root, "shared").expect("shared");
        let (mut checked, mut failures) = (0, Vec::new());
        for g in seq(root, "groups") {
            let test = field(g, "test");
            let steps: Vec<&netsim::syntax::Node<'_>> = match get(g, "steps") {
                Some(st) => st.as_sequence().unwrap_or(&[]).iter().collect(),
                None => vec![g],
            };
            for (i, st) in steps.iter().enumerate() {
                let mut manifests = vec![field(root, "base"), e2e_probe_pod(root, g)];
                if let Some(k) = get(g, "shared") {
                    manifests.push(field(shared, &s(k)));
                }
                manifests.push(field(st, "manifests"));
                let mut input = manifests.join("\n---\n");
                // The test CoreDNS Pod's IP, known only once the Pods are placed.
                if input.contains("SERVERIP") {
                    let first = netsim::session::Session::from_text("e2e.yaml", &input);
                    input = input.replace("SERVERIP", &pod_ip(&first, "e2e-configmap-dns-server"));
                }
                let sess = netsim::session::Session::from_text("e2e.yaml", &input);
                assert_eq!(sess.errors(), 0, "{test}: {:?}", sess.diagnostics());
                for p in seq(st, "probes") {
                    checked += 1;
                    if let Err(e) = e2e_probe(&sess, p) {
                        let what = p
                            .as_mapping()
                            .and_then(|m| m.first())
                            .map(|e| format!("{}: {}", s(&e.key), s(&e.value)))
                            .unwrap_or_default();
                        failures.push(format!("{test} (step {i}): {what}: {e}"));
                    }
                }
            }
        }
        (checked, failures)
    });
    assert!(failures.is_empty(), "{} failing probes:\n{}", failures.len(), failures.join("\n"));
    assert_eq!(checked, 42, "probes read from e2e_dns.yaml");
}
