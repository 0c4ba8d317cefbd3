//! Unit tests of the DNS model. The fixture and most cases are CoreDNS's
//! `plugin/kubernetes/handler_test.go` (`dnsTestCases`, `svcIndex`, `epsIndex`), ported to model
//! objects; answers are compared as sets, as `test.SortAndCheck` does.

use std::collections::BTreeSet;
use std::net::IpAddr;

use super::*;
use crate::model::*;

pub(super) fn ip(s: &str) -> IpAddr {
    s.parse().unwrap_or(IpAddr::V4(std::net::Ipv4Addr::UNSPECIFIED))
}

fn meta(ns: &str, name: &str) -> ObjectMeta {
    ObjectMeta { name: name.into(), namespace: ns.into(), ..ObjectMeta::default() }
}

fn port(name: &str, proto: Protocol, p: i32) -> ServicePort {
    ServicePort {
        name: name.into(),
        protocol: proto,
        port: p,
        target_port: IntOrString::Int(p),
        node_port: None,
        app_protocol: None,
    }
}

fn svc(ns: &str, name: &str, ips: &[&str], ports: Vec<ServicePort>) -> Service {
    let mut s = Service { meta: meta(ns, name), ..Service::default() };
    s.spec.cluster_ips = ips.iter().map(|i| ip(i)).collect();
    s.spec.ports = ports;
    s
}

fn headless(ns: &str, name: &str) -> Service {
    let mut s = svc(ns, name, &[], vec![]);
    s.spec.headless = true;
    s
}

fn external(ns: &str, name: &str, target: &str) -> Service {
    let mut s = svc(ns, name, &[], vec![port("http", Protocol::Tcp, 80)]);
    s.spec.type_ = ServiceType::ExternalName;
    s.spec.external_name = Some(target.into());
    s
}

/// (ip, hostname, ready)
fn slice(
    ns: &str,
    svc: &str,
    eps: &[(&str, Option<&str>, Option<bool>)],
    ports: &[(&str, i32)],
) -> EndpointSlice {
    let mut m = meta(ns, &format!("{svc}-slice1"));
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

pub(super) struct Fixture {
    pub services: Vec<Service>,
    pub slices: Vec<EndpointSlice>,
    pub pods: Vec<Pod>,
    pub namespaces: Vec<Namespace>,
}

impl Fixture {
    pub(super) fn zone(&self, cfg: CorefileConfig) -> Zone {
        Zone::new(
            cfg,
            ZoneInput {
                services: &self.services,
                endpoint_slices: &self.slices,
                pods: &self.pods,
                namespaces: &self.namespaces,
            },
        )
    }
}

/// `svcIndex` + `epsIndex` of handler_test.go.
fn coredns_fixture() -> Fixture {
    let http = || vec![port("http", Protocol::Tcp, 80)];
    let services = vec![
        svc("kube-system", "kubedns", &["10.0.0.10"], vec![port("dns", Protocol::Udp, 53)]),
        svc("testns", "svc1", &["10.0.0.1"], http()),
        svc("testns", "svcempty", &["10.0.0.1"], http()),
        svc("testns", "svc6", &["1234:abcd::1"], http()),
        headless("testns", "hdls1"),
        external("testns", "external", "ext.interwebs.test"),
        external("testns", "external-to-service", "svc1.testns.svc.cluster.local."),
        headless("testns", "hdlsprtls"),
        svc("unexposedns", "svc1", &["10.0.0.2"], http()),
        svc("testns", "svc-dual-stack", &["10.0.0.3", "10::3"], http()),
    ];
    let mut kubedns =
        slice("kube-system", "kubedns", &[("172.0.0.100", None, None)], &[("dns", 53)]);
    kubedns.ports[0].protocol = Protocol::Udp;
    let slices = vec![
        kubedns,
        slice("testns", "svc1", &[("172.0.0.1", Some("ep1a"), None)], &[("http", 80)]),
        slice("testns", "svcempty", &[], &[("http", 80)]),
        slice(
            "testns",
            "hdls1",
            &[
                ("172.0.0.2", None, None),
                ("172.0.0.3", None, None),
                ("172.0.0.4", Some("dup-name"), None),
                ("172.0.0.5", Some("dup-name"), None),
                ("5678:abcd::1", None, None),
                ("5678:abcd::2", None, None),
            ],
            &[("http", 80)],
        ),
        slice("testns", "hdlsprtls", &[("172.0.0.20", None, None)], &[]),
    ];
    let mut pod = Pod { meta: meta("podns", "foo"), ..Pod::default() };
    pod.status.pod_ips = vec![ip("10.240.0.1")];
    Fixture { services, slices, pods: vec![pod], namespaces: vec![] }
}

/// TestServeDNS's plugin: zone cluster.local., `namespaces testns`, plugin defaults (ttl 5).
fn test_config() -> CorefileConfig {
    let mut k = KubernetesConfig::plugin_defaults(vec!["cluster.local.".into()]);
    k.namespaces = vec!["testns".into()];
    CorefileConfig {
        kubernetes: Some(k),
        forward: None,
        server_zones: Vec::new(),
        other_blocks: Vec::new(),
        text: String::new(),
        defaulted: false,
    }
}

fn set(records: &[Record]) -> BTreeSet<String> {
    records.iter().map(ToString::to_string).collect()
}

fn strs(v: &[&str]) -> BTreeSet<String> {
    v.iter().map(|s| (*s).to_string()).collect()
}

const SOA5: &str =
    "cluster.local. 5 IN SOA ns.dns.cluster.local. hostmaster.cluster.local. 1 7200 1800 86400 5";

/// One handler_test case: rcode, answer set, additional set (authority checked for negatives).
fn check(
    zone: &Zone,
    name: &str,
    qtype: RecordType,
    rcode: Rcode,
    answer: &[&str],
    extra: &[&str],
) {
    let r = zone.query(name, qtype);
    assert_eq!(r.rcode, Some(rcode), "{name} {qtype}: {r:?}");
    assert_eq!(set(&r.answer), strs(answer), "{name} {qtype} answer");
    assert_eq!(set(&r.additional), strs(extra), "{name} {qtype} additional");
    if answer.is_empty() {
        assert_eq!(set(&r.authority), strs(&[SOA5]), "{name} {qtype} authority");
    }
}

#[test]
fn coredns_handler_cases() {
    use Rcode::*;
    use RecordType::*;
    let z = coredns_fixture().zone(test_config());
    let q = &z;
    check(
        q,
        "svc1.testns.svc.cluster.local.",
        A,
        NoError,
        &["svc1.testns.svc.cluster.local. 5 IN A 10.0.0.1"],
        &[],
    );
    check(
        q,
        "svcempty.testns.svc.cluster.local.",
        A,
        NoError,
        &["svcempty.testns.svc.cluster.local. 5 IN A 10.0.0.1"],
        &[],
    );
    check(
        q,
        "svc1.testns.svc.cluster.local.",
        SRV,
        NoError,
        &["svc1.testns.svc.cluster.local. 5 IN SRV 0 100 80 svc1.testns.svc.cluster.local."],
        &["svc1.testns.svc.cluster.local. 5 IN A 10.0.0.1"],
    );
    check(q, "svcempty.testns.svc.cluster.local.", SRV, NoError,
        &["svcempty.testns.svc.cluster.local. 5 IN SRV 0 100 80 svcempty.testns.svc.cluster.local."],
        &["svcempty.testns.svc.cluster.local. 5 IN A 10.0.0.1"]);
    check(
        q,
        "svc6.testns.svc.cluster.local.",
        SRV,
        NoError,
        &["svc6.testns.svc.cluster.local. 5 IN SRV 0 100 80 svc6.testns.svc.cluster.local."],
        &["svc6.testns.svc.cluster.local. 5 IN AAAA 1234:abcd::1"],
    );
    check(q, "_http._tcp.svc1.testns.svc.cluster.local.", SRV, NoError,
        &["_http._tcp.svc1.testns.svc.cluster.local. 5 IN SRV 0 100 80 svc1.testns.svc.cluster.local."],
        &["svc1.testns.svc.cluster.local. 5 IN A 10.0.0.1"]);
    check(
        q,
        "hdls1.testns.svc.cluster.local.",
        A,
        NoError,
        &[
            "hdls1.testns.svc.cluster.local. 5 IN A 172.0.0.2",
            "hdls1.testns.svc.cluster.local. 5 IN A 172.0.0.3",
            "hdls1.testns.svc.cluster.local. 5 IN A 172.0.0.4",
            "hdls1.testns.svc.cluster.local. 5 IN A 172.0.0.5",
        ],
        &[],
    );
    check(
        q,
        "hdlsprtls.testns.svc.cluster.local.",
        A,
        NoError,
        &["hdlsprtls.testns.svc.cluster.local. 5 IN A 172.0.0.20"],
        &[],
    );
    check(
        q,
        "172-0-0-20.hdlsprtls.testns.svc.cluster.local.",
        A,
        NoError,
        &["172-0-0-20.hdlsprtls.testns.svc.cluster.local. 5 IN A 172.0.0.20"],
        &[],
    );
    check(
        q,
        "172-0-0-2.hdls1.testns.svc.cluster.local.",
        A,
        NoError,
        &["172-0-0-2.hdls1.testns.svc.cluster.local. 5 IN A 172.0.0.2"],
        &[],
    );
    check(
        q,
        "dup-name.hdls1.testns.svc.cluster.local.",
        A,
        NoError,
        &[
            "dup-name.hdls1.testns.svc.cluster.local. 5 IN A 172.0.0.4",
            "dup-name.hdls1.testns.svc.cluster.local. 5 IN A 172.0.0.5",
        ],
        &[],
    );
    check(q, "_http._tcp.hdls1.testns.svc.cluster.local.", SRV, NoError, &[
        "_http._tcp.hdls1.testns.svc.cluster.local. 5 IN SRV 0 16 80 172-0-0-2.hdls1.testns.svc.cluster.local.",
        "_http._tcp.hdls1.testns.svc.cluster.local. 5 IN SRV 0 16 80 172-0-0-3.hdls1.testns.svc.cluster.local.",
        "_http._tcp.hdls1.testns.svc.cluster.local. 5 IN SRV 0 16 80 5678-abcd--1.hdls1.testns.svc.cluster.local.",
        "_http._tcp.hdls1.testns.svc.cluster.local. 5 IN SRV 0 16 80 5678-abcd--2.hdls1.testns.svc.cluster.local.",
        "_http._tcp.hdls1.testns.svc.cluster.local. 5 IN SRV 0 16 80 dup-name.hdls1.testns.svc.cluster.local.",
    ], &[
        "172-0-0-2.hdls1.testns.svc.cluster.local. 5 IN A 172.0.0.2",
        "172-0-0-3.hdls1.testns.svc.cluster.local. 5 IN A 172.0.0.3",
        "5678-abcd--1.hdls1.testns.svc.cluster.local. 5 IN AAAA 5678:abcd::1",
        "5678-abcd--2.hdls1.testns.svc.cluster.local. 5 IN AAAA 5678:abcd::2",
        "dup-name.hdls1.testns.svc.cluster.local. 5 IN A 172.0.0.4",
        "dup-name.hdls1.testns.svc.cluster.local. 5 IN A 172.0.0.5",
    ]);
    check(
        q,
        "5678-abcd--2.hdls1.testns.svc.cluster.local",
        AAAA,
        NoError,
        &["5678-abcd--2.hdls1.testns.svc.cluster.local. 5 IN AAAA 5678:abcd::2"],
        &[],
    );
    check(
        q,
        "external.testns.svc.cluster.local.",
        CNAME,
        NoError,
        &["external.testns.svc.cluster.local. 5 IN CNAME ext.interwebs.test."],
        &[],
    );
    check(q, "external-to-service.testns.svc.cluster.local", A, NoError, &[
        "external-to-service.testns.svc.cluster.local. 5 IN CNAME svc1.testns.svc.cluster.local.",
        "svc1.testns.svc.cluster.local. 5 IN A 10.0.0.1",
    ], &[]);
    check(q, "svc1.testns.svc.cluster.local.", AAAA, NoError, &[], &[]);
    check(q, "svc0.testns.svc.cluster.local.", AAAA, NxDomain, &[], &[]);
    check(q, "svc0.testns.svc.cluster.local.", A, NxDomain, &[], &[]);
    check(q, "svc0.svc-nons.svc.cluster.local.", A, NxDomain, &[], &[]);
    let r = z.query("dns-version.cluster.local.", TXT);
    assert_eq!(set(&r.answer), strs(&["dns-version.cluster.local. 28800 IN TXT \"1.1.0\""]));
    check(q, "bogusendpoint.hdls1.testns.svc.cluster.local.", A, NxDomain, &[], &[]);
    check(q, "bogusendpoint.svc0.testns.svc.cluster.local.", A, NxDomain, &[], &[]);
    check(
        q,
        "svc6.testns.svc.cluster.local.",
        AAAA,
        NoError,
        &["svc6.testns.svc.cluster.local. 5 IN AAAA 1234:abcd::1"],
        &[],
    );
    check(q, "_http._tcp.svc6.testns.svc.cluster.local.", SRV, NoError,
        &["_http._tcp.svc6.testns.svc.cluster.local. 5 IN SRV 0 100 80 svc6.testns.svc.cluster.local."],
        &["svc6.testns.svc.cluster.local. 5 IN AAAA 1234:abcd::1"]);
    check(
        q,
        "hdls1.testns.svc.cluster.local.",
        AAAA,
        NoError,
        &[
            "hdls1.testns.svc.cluster.local. 5 IN AAAA 5678:abcd::1",
            "hdls1.testns.svc.cluster.local. 5 IN AAAA 5678:abcd::2",
        ],
        &[],
    );
    check(
        q,
        "5678-abcd--1.hdls1.testns.svc.cluster.local.",
        AAAA,
        NoError,
        &["5678-abcd--1.hdls1.testns.svc.cluster.local. 5 IN AAAA 5678:abcd::1"],
        &[],
    );
    check(q, "svc.cluster.local.", A, NoError, &[], &[]);
    check(q, "pod.cluster.local.", A, NoError, &[], &[]);
    check(q, "testns.svc.cluster.local.", A, NoError, &[], &[]);
    check(q, "svc.cluster.local.", NS, NoError, &[], &[]);
    check(q, "testns.svc.cluster.local.", NS, NoError, &[], &[]);
    check(q, "foo.cluster.local.", NS, NxDomain, &[], &[]);
    check(q, "foo.svc.cluster.local.", NS, NxDomain, &[], &[]);
    check(
        q,
        "svc-dual-stack.testns.svc.cluster.local.",
        A,
        NoError,
        &["svc-dual-stack.testns.svc.cluster.local. 5 IN A 10.0.0.3"],
        &[],
    );
    check(
        q,
        "svc-dual-stack.testns.svc.cluster.local.",
        AAAA,
        NoError,
        &["svc-dual-stack.testns.svc.cluster.local. 5 IN AAAA 10::3"],
        &[],
    );
    check(q, "svc-dual-stack.testns.svc.cluster.local.", SRV, NoError,
        &["svc-dual-stack.testns.svc.cluster.local. 5 IN SRV 0 50 80 svc-dual-stack.testns.svc.cluster.local."],
        &["svc-dual-stack.testns.svc.cluster.local. 5 IN A 10.0.0.3", "svc-dual-stack.testns.svc.cluster.local. 5 IN AAAA 10::3"]);
    check(q, "svc1.testns.svc.cluster.local.", SOA, NoError, &[], &[]);
    check(q, "endpoint.external.testns.svc.cluster.local.", CNAME, NxDomain, &[], &[]);
}

#[test]
fn external_name_outside_the_cluster_is_left_to_upstream() {
    let z = coredns_fixture().zone(test_config());
    let r = z.query("external.testns.svc.cluster.local.", RecordType::A);
    assert_eq!(r.rcode, Some(Rcode::NoError));
    assert_eq!(
        set(&r.answer),
        strs(&["external.testns.svc.cluster.local. 5 IN CNAME ext.interwebs.test."])
    );
    assert_eq!(r.upstream_lookups, vec!["ext.interwebs.test.".to_string()]);
    // SRV on an ExternalName: CNAMEs are removed → NODATA.
    let r = z.query("external.testns.svc.cluster.local.", RecordType::SRV);
    assert_eq!((r.rcode, r.answer.len()), (Some(Rcode::NoError), 0));
}

#[test]
fn namespace_cases() {
    // TestServeNamespaceDNS: every namespace exposed; "nsnoexist" does not exist.
    let mut cfg = test_config();
    if let Some(k) = cfg.kubernetes.as_mut() {
        k.namespaces.clear();
    }
    let z = coredns_fixture().zone(cfg);
    assert_eq!(z.query("svc1.testns.svc.cluster.local.", RecordType::A).answer.len(), 1);
    assert_eq!(z.query("svc1.unexposedns.svc.cluster.local.", RecordType::A).answer.len(), 1);
    assert_eq!(
        z.query("svc1.nsnoexist.svc.cluster.local.", RecordType::A).rcode,
        Some(Rcode::NxDomain)
    );
    // With `namespaces testns`, unexposedns is NXDOMAIN even though it exists.
    let z = coredns_fixture().zone(test_config());
    assert_eq!(
        z.query("svc1.unexposedns.svc.cluster.local.", RecordType::A).rcode,
        Some(Rcode::NxDomain)
    );
    // A Namespace object alone makes `<ns>.svc.<zone>` NODATA.
    let mut f = coredns_fixture();
    f.namespaces.push(Namespace { meta: meta("", "empty-ns") });
    let z = f.zone(CorefileConfig::kubeadm("cluster.local"));
    let r = z.query("empty-ns.svc.cluster.local.", RecordType::A);
    assert_eq!((r.rcode, r.answer.len()), (Some(Rcode::NoError), 0));
    let r = z.query("nope.svc.cluster.local.", RecordType::A);
    assert_eq!(r.rcode, Some(Rcode::NxDomain));
}

fn pod_mode(mode: PodMode) -> Zone {
    let mut cfg = test_config();
    if let Some(k) = cfg.kubernetes.as_mut() {
        k.pods = mode;
        k.namespaces.clear();
    }
    coredns_fixture().zone(cfg)
}

#[test]
fn pod_modes() {
    // handler_pod_insecure_test.go / verified / disabled.
    let z = pod_mode(PodMode::Insecure);
    assert_eq!(
        set(&z.query("10-240-0-1.podns.pod.cluster.local.", RecordType::A).answer),
        strs(&["10-240-0-1.podns.pod.cluster.local. 5 IN A 10.240.0.1"])
    );
    assert_eq!(
        set(&z.query("172-0-0-2.podns.pod.cluster.local.", RecordType::A).answer),
        strs(&["172-0-0-2.podns.pod.cluster.local. 5 IN A 172.0.0.2"])
    );
    assert_eq!(
        z.query("blah.podns.pod.cluster.local.", RecordType::A).rcode,
        Some(Rcode::NxDomain)
    );
    assert_eq!(z.query("podns.pod.cluster.local.", RecordType::A).rcode, Some(Rcode::NoError));
    assert_eq!(
        set(&z.query("fd00--1.podns.pod.cluster.local.", RecordType::AAAA).answer),
        strs(&["fd00--1.podns.pod.cluster.local. 5 IN AAAA fd00::1"])
    );
    assert_eq!(
        z.query("1-2-3-4.nsnoexist.pod.cluster.local.", RecordType::A).rcode,
        Some(Rcode::NxDomain)
    );
    let z = pod_mode(PodMode::Verified);
    assert_eq!(z.query("10-240-0-1.podns.pod.cluster.local.", RecordType::A).answer.len(), 1);
    assert_eq!(
        z.query("172-0-0-2.podns.pod.cluster.local.", RecordType::A).rcode,
        Some(Rcode::NxDomain)
    );
    assert_eq!(
        z.query("10-240-0-1.otherns.pod.cluster.local.", RecordType::A).rcode,
        Some(Rcode::NxDomain)
    );
    let z = pod_mode(PodMode::Disabled);
    assert_eq!(
        z.query("10-240-0-1.podns.pod.cluster.local.", RecordType::A).rcode,
        Some(Rcode::NxDomain)
    );
}

#[test]
fn ignore_empty_service() {
    let mut cfg = test_config();
    if let Some(k) = cfg.kubernetes.as_mut() {
        k.ignore_empty_service = true;
    }
    let z = coredns_fixture().zone(cfg);
    assert_eq!(
        z.query("svcempty.testns.svc.cluster.local.", RecordType::A).rcode,
        Some(Rcode::NxDomain)
    );
    assert_eq!(z.query("svc1.testns.svc.cluster.local.", RecordType::A).answer.len(), 1);
}

#[test]
fn not_ready_endpoints_disappear() {
    let mut f = coredns_fixture();
    f.slices.push(slice(
        "testns",
        "web",
        &[("10.1.0.1", None, Some(true)), ("10.1.0.2", None, Some(false))],
        &[("http", 80)],
    ));
    f.services.push(headless("testns", "web"));
    let z = f.zone(CorefileConfig::kubeadm("cluster.local"));
    assert_eq!(
        set(&z.query("web.testns.svc.cluster.local.", RecordType::A).answer),
        strs(&["web.testns.svc.cluster.local. 30 IN A 10.1.0.1"])
    );
    assert_eq!(
        z.query("10-1-0-2.web.testns.svc.cluster.local.", RecordType::A).rcode,
        Some(Rcode::NxDomain)
    );
    // A headless Service with no ready endpoint at all is NXDOMAIN.
    f.services.push(headless("testns", "none"));
    let z = f.zone(CorefileConfig::kubeadm("cluster.local"));
    assert_eq!(
        z.query("none.testns.svc.cluster.local.", RecordType::A).rcode,
        Some(Rcode::NxDomain)
    );
}

#[test]
fn endpoint_names_on_clusterip_services() {
    let z = coredns_fixture().zone(test_config());
    assert_eq!(
        set(&z.query("ep1a.svc1.testns.svc.cluster.local.", RecordType::A).answer),
        strs(&["ep1a.svc1.testns.svc.cluster.local. 5 IN A 172.0.0.1"])
    );
}

#[test]
fn endpoint_pod_names() {
    let mut f = coredns_fixture();
    let mut s = slice("testns", "sts", &[("10.1.0.9", None, None)], &[("http", 80)]);
    s.endpoints[0].target_ref = Some(ObjectReference {
        kind: "Pod".into(),
        namespace: "testns".into(),
        name: "web-0".into(),
    });
    f.slices.push(s);
    f.services.push(headless("testns", "sts"));
    let mut cfg = test_config();
    if let Some(k) = cfg.kubernetes.as_mut() {
        k.endpoint_pod_names = true;
    }
    let z = f.zone(cfg);
    assert_eq!(z.query("web-0.sts.testns.svc.cluster.local.", RecordType::A).answer.len(), 1);
    let z = f.zone(test_config());
    assert_eq!(
        z.query("web-0.sts.testns.svc.cluster.local.", RecordType::A).rcode,
        Some(Rcode::NxDomain)
    );
    assert_eq!(z.query("10-1-0-9.sts.testns.svc.cluster.local.", RecordType::A).answer.len(), 1);
}

#[test]
fn srv_port_matching() {
    let mut f = coredns_fixture();
    f.services.push(svc(
        "testns",
        "multi",
        &["10.0.0.7"],
        vec![port("http", Protocol::Tcp, 80), port("dns", Protocol::Udp, 53)],
    ));
    f.services.push(svc("testns", "unnamed", &["10.0.0.8"], vec![port("", Protocol::Tcp, 8080)]));
    let z = f.zone(test_config());
    let r = z.query("multi.testns.svc.cluster.local.", RecordType::SRV);
    assert_eq!(
        set(&r.answer),
        strs(&[
            "multi.testns.svc.cluster.local. 5 IN SRV 0 50 80 multi.testns.svc.cluster.local.",
            "multi.testns.svc.cluster.local. 5 IN SRV 0 50 53 multi.testns.svc.cluster.local.",
        ])
    );
    assert_eq!(r.additional.len(), 1, "one A record for the shared target");
    assert_eq!(
        z.query("_DNS._UDP.multi.testns.svc.cluster.local.", RecordType::SRV).answer.len(),
        1
    );
    assert_eq!(
        z.query("_dns._tcp.multi.testns.svc.cluster.local.", RecordType::SRV).rcode,
        Some(Rcode::NxDomain)
    );
    // An unnamed port matches only the bare name.
    assert_eq!(z.query("unnamed.testns.svc.cluster.local.", RecordType::SRV).answer.len(), 1);
    assert_eq!(
        z.query("_http._tcp.unnamed.testns.svc.cluster.local.", RecordType::SRV).rcode,
        Some(Rcode::NxDomain)
    );
    // A wrong _port on an A query is NXDOMAIN too; three labels left is NXDOMAIN.
    assert_eq!(
        z.query("a.b.c.multi.testns.svc.cluster.local.", RecordType::A).rcode,
        Some(Rcode::NxDomain)
    );
    // Headless without ports: SRV is NODATA (port -1 sentinel skipped).
    let r = z.query("hdlsprtls.testns.svc.cluster.local.", RecordType::SRV);
    assert_eq!((r.rcode, r.answer.len()), (Some(Rcode::NoError), 0));
}

#[test]
fn srv_weights() {
    // record_shapes.yaml srv_weight_check.
    let mut f = coredns_fixture();
    for n in [1usize, 2, 3, 4, 6] {
        let name = format!("w{n}");
        let eps: Vec<String> = (0..n).map(|i| format!("10.9.{n}.{i}")).collect();
        let refs: Vec<(&str, Option<&str>, Option<bool>)> =
            eps.iter().map(|e| (e.as_str(), None, None)).collect();
        f.slices.push(slice("testns", &name, &refs, &[("http", 80)]));
        f.services.push(headless("testns", &name));
    }
    let z = f.zone(test_config());
    for (n, w) in [(1, 100), (2, 50), (3, 33), (4, 25), (6, 16)] {
        let r = z.query(&format!("w{n}.testns.svc.cluster.local."), RecordType::SRV);
        assert_eq!(r.answer.len(), n);
        assert!(
            r.answer.iter().all(|a| a.data.starts_with(&format!("0 {w} 80 "))),
            "{n}: {:?}",
            r.answer
        );
    }
}

fn kubeadm_fixture() -> Fixture {
    let mut f = coredns_fixture();
    f.services.push(svc(
        "kube-system",
        "kube-dns",
        &["10.96.0.10"],
        vec![port("dns", Protocol::Udp, 53)],
    ));
    f.slices.push(slice("kube-system", "kube-dns", &[("10.244.0.5", None, None)], &[("dns", 53)]));
    let mut p = Pod { meta: meta("kube-system", "coredns-abc"), ..Pod::default() };
    p.meta.labels.insert("k8s-app".into(), "kube-dns".into());
    p.status.pod_ips = vec![ip("10.244.0.5")];
    f.pods.push(p);
    f
}

#[test]
fn apex_records() {
    let z = kubeadm_fixture().zone(CorefileConfig::kubeadm("cluster.local"));
    let soa = "cluster.local. 30 IN SOA ns.dns.cluster.local. hostmaster.cluster.local. 1 7200 1800 86400 30";
    assert_eq!(set(&z.query("cluster.local.", RecordType::SOA).answer), strs(&[soa]));
    let r = z.query("cluster.local.", RecordType::NS);
    assert_eq!(
        set(&r.answer),
        strs(&["cluster.local. 30 IN NS kube-dns.kube-system.svc.cluster.local."])
    );
    assert_eq!(
        set(&r.additional),
        strs(&["kube-dns.kube-system.svc.cluster.local. 30 IN A 10.96.0.10"])
    );
    assert_eq!(
        set(&z.query("ns.dns.cluster.local.", RecordType::A).answer),
        strs(&["ns.dns.cluster.local. 30 IN A 10.96.0.10"])
    );
    let r = z.query("cluster.local.", RecordType::A);
    assert_eq!((r.rcode, r.answer.len()), (Some(Rcode::NoError), 0));
    assert_eq!(set(&r.authority), strs(&[soa]));
    // TXT: NXDOMAIN for a name that does not exist, as for A (kubernetes.go `Services`, TXT
    // branch; handler_test.go "A TXT record does not exist and neither does another record").
    let r = z.query("nosuch.default.svc.cluster.local.", RecordType::TXT);
    assert_eq!(r.rcode, Some(Rcode::NxDomain));
    assert_eq!(
        z.query("kube-dns.kube-system.svc.cluster.local.", RecordType::TXT).rcode,
        Some(Rcode::NoError)
    );
    assert_eq!(z.query("cluster.local.", RecordType::AXFR).rcode, Some(Rcode::Refused));
    assert_eq!(
        z.query("nosuch.default.svc.cluster.local.", RecordType::MX).rcode,
        Some(Rcode::NxDomain)
    );
    assert_eq!(
        z.query("svc1.testns.svc.cluster.local.", RecordType::MX).rcode,
        Some(Rcode::NoError)
    );
    assert_eq!(
        z.query("nosuch.default.svc.cluster.local.", RecordType::ANY).rcode,
        Some(Rcode::NxDomain)
    );
}

#[test]
fn ptr_records_and_fallthrough() {
    let z = kubeadm_fixture().zone(CorefileConfig::kubeadm("cluster.local"));
    let r = z.query(&reverse_name(ip("10.0.0.1")), RecordType::PTR);
    // Two Services share 10.0.0.1 in the fixture; the first indexed one answers.
    assert_eq!(
        set(&r.answer),
        strs(&["1.0.0.10.in-addr.arpa. 30 IN PTR svc1.testns.svc.cluster.local."])
    );
    let r = z.query("2.0.0.172.in-addr.arpa.", RecordType::PTR);
    assert_eq!(
        set(&r.answer),
        strs(&["2.0.0.172.in-addr.arpa. 30 IN PTR 172-0-0-2.hdls1.testns.svc.cluster.local."])
    );
    let r = z.query(&reverse_name(ip("5678:abcd::1")), RecordType::PTR);
    assert_eq!(r.answer.len(), 1);
    assert_eq!(r.answer[0].data, "5678-abcd--1.hdls1.testns.svc.cluster.local.");
    // Unknown IP: name error in a fallthrough zone → forward.
    let r = z.query("9.9.9.9.in-addr.arpa.", RecordType::PTR);
    assert!(matches!(r.outcome, Outcome::Forwarded { .. }), "{r:?}");
    assert_eq!(r.rcode, None);
    // Without fallthrough it is NXDOMAIN.
    let z = kubeadm_fixture().zone({
        let mut c = CorefileConfig::kubeadm("cluster.local");
        if let Some(k) = c.kubernetes.as_mut() {
            k.fallthrough = None;
        }
        c
    });
    assert_eq!(z.query("9.9.9.9.in-addr.arpa.", RecordType::PTR).rcode, Some(Rcode::NxDomain));
}

#[test]
fn names_outside_the_zone_are_forwarded_or_servfail() {
    let z = kubeadm_fixture().zone(CorefileConfig::kubeadm("cluster.local"));
    let r = z.query("example.com", RecordType::A);
    assert!(
        matches!(&r.outcome, Outcome::Forwarded { upstream } if upstream.contains("/etc/resolv.conf"))
    );
    assert!(r.answer.is_empty());
    let mut cfg = CorefileConfig::kubeadm("cluster.local");
    cfg.forward = None;
    let z = kubeadm_fixture().zone(cfg);
    assert_eq!(z.query("example.com.", RecordType::A).rcode, Some(Rcode::ServFail));
    let z = kubeadm_fixture()
        .zone(CorefileConfig { kubernetes: None, ..CorefileConfig::kubeadm("cluster.local") });
    assert!(matches!(
        z.query("svc1.testns.svc.cluster.local.", RecordType::A).outcome,
        Outcome::Forwarded { .. }
    ));
}

#[test]
fn case_insensitive_and_case_preserving() {
    let z = coredns_fixture().zone(test_config());
    let r = z.query("SVC1.TestNS.svc.Cluster.Local.", RecordType::A);
    assert_eq!(set(&r.answer), strs(&["SVC1.TestNS.svc.Cluster.Local. 5 IN A 10.0.0.1"]));
}

#[test]
fn bad_queries_never_panic() {
    let z = kubeadm_fixture().zone(CorefileConfig::kubeadm("cluster.local"));
    let long_label = "a".repeat(64);
    let long_name = ["abcdefghij"; 25].join(".");
    for name in [
        "",
        "..",
        "a..b",
        &long_label,
        &long_name,
        "café.default.svc.cluster.local",
        "a\tb",
        "-",
        "*.svc.cluster.local",
        "_._._._.svc.cluster.local.",
    ] {
        for t in RecordType::ALL {
            let r = z.query(name, t);
            let _ = r.to_owned();
        }
    }
    assert!(matches!(z.query("a..b", RecordType::A).outcome, Outcome::Invalid { .. }));
    assert!(matches!(
        z.query(&long_label, RecordType::A).outcome,
        Outcome::Invalid { error: QueryError::LabelTooLong { .. } }
    ));
}

// ---------------------------------------------------------------------------------------------
// resolv.conf and the search walk

fn pod(ns: &str, name: &str) -> Pod {
    let mut p = Pod { meta: meta(ns, name), ..Pod::default() };
    p.spec.dns_policy = "ClusterFirst".into();
    p.status.pod_ips = vec![ip("10.244.1.7")];
    p
}

fn settings() -> ResolverSettings {
    ResolverSettings::new(vec![ip("10.96.0.10")], "cluster.local")
}

#[test]
fn resolv_conf_cluster_first() {
    let rc = resolv_conf(&pod("default", "client"), &settings());
    assert_eq!(rc.to_string(), "nameserver 10.96.0.10\nsearch default.svc.cluster.local svc.cluster.local cluster.local\noptions ndots:5\n");
    assert_eq!(rc.ndots(), 5);
    assert_eq!(rc.source, DnsSource::Cluster);
}

#[test]
fn resolv_conf_policies() {
    let s = settings();
    let mut p = pod("default", "x");
    p.spec.dns_policy = "Default".into();
    assert_eq!(resolv_conf(&p, &s).to_string(), "nameserver 172.18.0.1\n");
    p.spec.dns_policy = "ClusterFirst".into();
    p.spec.host_network = true;
    assert_eq!(resolv_conf(&p, &s).source, DnsSource::Host);
    p.spec.dns_policy = "ClusterFirstWithHostNet".into();
    assert_eq!(resolv_conf(&p, &s).source, DnsSource::Cluster);
    p.spec.dns_policy = "None".into();
    p.spec.dns_config = Some(PodDnsConfig {
        nameservers: vec!["1.2.3.4".into()],
        searches: vec!["ns1.svc.cluster-domain.example".into(), "my.dns.search.suffix".into()],
        options: vec![("ndots".into(), Some("2".into())), ("edns0".into(), None)],
    });
    // The example of the website's dns-pod-service.md "Pod's DNS Config".
    assert_eq!(resolv_conf(&p, &s).to_string(), "nameserver 1.2.3.4\nsearch ns1.svc.cluster-domain.example my.dns.search.suffix\noptions ndots:2 edns0\n");
    // dnsConfig merged into ClusterFirst: duplicates dropped, ndots overridden.
    p.spec.dns_policy = "ClusterFirst".into();
    p.spec.host_network = false;
    p.spec.dns_config = Some(PodDnsConfig {
        nameservers: vec!["10.96.0.10".into()],
        searches: vec!["svc.cluster.local".into(), "corp.example".into()],
        options: vec![("ndots".into(), Some("1".into()))],
    });
    assert_eq!(resolv_conf(&p, &s).to_string(), "nameserver 10.96.0.10\nsearch default.svc.cluster.local svc.cluster.local cluster.local corp.example\noptions ndots:1\n");
    // No clusterDNS: ClusterFirst falls back to Default with a warning.
    let mut s2 = settings();
    s2.cluster_dns.clear();
    p.spec.dns_config = None;
    let rc = resolv_conf(&p, &s2);
    assert_eq!(rc.source, DnsSource::Host);
    assert_eq!(rc.warnings.len(), 1);
}

#[test]
fn resolv_conf_limits() {
    let mut p = pod("default", "x");
    p.spec.dns_config = Some(PodDnsConfig {
        nameservers: vec!["1.1.1.1".into(), "2.2.2.2".into(), "3.3.3.3".into()],
        searches: (0..40).map(|i| format!("d{i}.example")).collect(),
        options: vec![],
    });
    let rc = resolv_conf(&p, &settings());
    assert_eq!(rc.nameservers.len(), 3);
    assert_eq!(rc.searches.len(), 32);
    assert_eq!(rc.warnings.len(), 2);
    p.spec.dns_config = Some(PodDnsConfig {
        searches: (0..30).map(|i| format!("{i}{}", "x".repeat(90))).collect(),
        ..PodDnsConfig::default()
    });
    let rc = resolv_conf(&p, &settings());
    assert!(rc.searches.join(" ").len() <= 2048);
    assert!(rc.warnings[0].starts_with("Search Line limits were exceeded"));
}

#[test]
fn candidate_order() {
    let rc = resolv_conf(&pod("default", "client"), &settings());
    assert_eq!(
        candidates(&rc, "redis-master"),
        vec![
            "redis-master.default.svc.cluster.local.",
            "redis-master.svc.cluster.local.",
            "redis-master.cluster.local.",
            "redis-master.",
        ]
    );
    assert_eq!(
        candidates(&rc, "a.b.c.d.e.f"),
        vec![
            "a.b.c.d.e.f.",
            "a.b.c.d.e.f.default.svc.cluster.local.",
            "a.b.c.d.e.f.svc.cluster.local.",
            "a.b.c.d.e.f.cluster.local.",
        ]
    );
    assert_eq!(candidates(&rc, "x.y."), vec!["x.y."]);
}

/// glibc `__res_context_search`: a search domain `.` is the name as is, at its place in the
/// list, and the final as-is query is then skipped (`root_on_list`).
#[test]
fn root_search_domain_is_the_name_itself() {
    let mut rc = resolv_conf(&pod("default", "client"), &settings());
    rc.searches = vec!["a.example".into(), ".".into(), "_sip._tcp.abc_d.example.com".into()];
    assert_eq!(
        candidates(&rc, "web"),
        vec!["web.a.example.", "web.", "web._sip._tcp.abc_d.example.com."]
    );
}

#[test]
fn walk_outcomes() {
    let f = kubeadm_fixture();
    let z = f.zone(CorefileConfig::kubeadm("cluster.local"));
    let dns = [ip("10.96.0.10")];
    let rc = resolv_conf(&pod("testns", "client"), &settings());
    let w = resolve(&rc, "svc1", RecordType::A, &z, &dns);
    assert_eq!(w.queries.len(), 1);
    assert!(
        matches!(&w.result, WalkResult::Resolved { name, .. } if name == "svc1.testns.svc.cluster.local.")
    );
    let w = resolve(&rc, "google.com", RecordType::A, &z, &dns);
    assert_eq!(w.queries.len(), 4);
    assert!(matches!(&w.result, WalkResult::LeavesCluster { name, .. } if name == "google.com."));
    let w = resolve(&rc, "svc1", RecordType::AAAA, &z, &dns);
    // NODATA on the first candidate; the rest NXDOMAIN; the absolute name leaves the cluster.
    assert!(matches!(&w.result, WalkResult::LeavesCluster { .. }));
    assert_eq!(w.queries[0].rcode, Some(Rcode::NoError));
    let w = resolve(&rc, "a..b", RecordType::A, &z, &dns);
    assert!(matches!(w.result, WalkResult::InvalidName { .. }));
    let mut p = pod("testns", "client");
    p.spec.dns_policy = "Default".into();
    let rc = resolv_conf(&p, &settings());
    let w = resolve(&rc, "svc1", RecordType::A, &z, &dns);
    assert!(
        matches!(&w.result, WalkResult::LeavesCluster { upstream, .. } if upstream == "172.18.0.1")
    );
    let pkt = query_packet(&pod("testns", "c"), &resolv_conf(&pod("testns", "c"), &settings()));
    assert_eq!(
        pkt,
        Some(DnsPacket {
            src: ip("10.244.1.7"),
            dst: ip("10.96.0.10"),
            dst_port: 53,
            protocol: Protocol::Udp
        })
    );
}

#[test]
fn two_coredns_replicas_give_one_ns() {
    let mut f = kubeadm_fixture();
    f.slices.push(slice("kube-system", "kube-dns", &[("10.244.1.6", None, None)], &[("dns", 53)]));
    let mut p = Pod { meta: meta("kube-system", "coredns-def"), ..Pod::default() };
    p.meta.labels.insert("k8s-app".into(), "kube-dns".into());
    p.status.pod_ips = vec![ip("10.244.1.6")];
    f.pods.push(p);
    let z = f.zone(CorefileConfig::kubeadm("cluster.local"));
    let r = z.query("cluster.local.", RecordType::NS);
    assert_eq!(r.answer.len(), 1);
    assert_eq!(r.additional.len(), 1);
    // No CoreDNS Pods and no kube-dns Service: NS has no data.
    let z = coredns_fixture().zone(CorefileConfig::kubeadm("cluster.local"));
    let r = z.query("cluster.local.", RecordType::NS);
    assert_eq!((r.rcode, r.answer.len()), (Some(Rcode::NoError), 0));
}

#[test]
fn cluster_domain_mismatch_leaves_the_cluster() {
    // kubelet says example.org, CoreDNS serves cluster.local: every search candidate is
    // outside the plugin's zones and is forwarded.
    let z = kubeadm_fixture().zone(CorefileConfig::kubeadm("cluster.local"));
    let s = ResolverSettings::new(vec![ip("10.96.0.10")], "example.org");
    let rc = resolv_conf(&pod("testns", "c"), &s);
    let w = resolve(&rc, "svc1", RecordType::A, &z, &[ip("10.96.0.10")]);
    assert_eq!(w.queries.len(), 1);
    assert!(
        matches!(&w.result, WalkResult::LeavesCluster { name, .. } if name == "svc1.testns.svc.example.org.")
    );
}

#[test]
fn custom_zone_from_corefile() {
    let (cfg, d) = CorefileConfig::parse(
        "example.org:53 {\n  kubernetes {\n    pods insecure\n  }\n}\n.:53 {\n  forward . 8.8.8.8\n}\n",
        "example.org",
        crate::text::Span::default(),
    );
    assert!(d.is_empty(), "{d:?}");
    let z = coredns_fixture().zone(cfg);
    assert_eq!(
        set(&z.query("svc1.testns.svc.example.org.", RecordType::A).answer),
        strs(&["svc1.testns.svc.example.org. 5 IN A 10.0.0.1"])
    );
    // Other names go to the `.:53` block, which forwards them.
    let r = z.query("svc1.testns.svc.cluster.local.", RecordType::A);
    assert!(
        matches!(&r.outcome, Outcome::Forwarded { upstream } if upstream == "8.8.8.8"),
        "{r:?}"
    );
    // With only the example.org block, other names are REFUSED.
    let (cfg, _) = CorefileConfig::parse(
        "example.org:53 {\n  kubernetes\n}\n",
        "example.org",
        crate::text::Span::default(),
    );
    let z = coredns_fixture().zone(cfg);
    assert_eq!(z.query("example.com.", RecordType::A).rcode, Some(Rcode::Refused));
}

#[test]
fn external_name_target_is_reported_in_the_walk() {
    let z = coredns_fixture().zone(CorefileConfig::kubeadm("cluster.local"));
    let rc = resolv_conf(&pod("testns", "c"), &settings());
    let w = resolve(&rc, "external", RecordType::A, &z, &[ip("10.96.0.10")]);
    match &w.result {
        WalkResult::Resolved { answers, upstream, .. } => {
            assert_eq!(answers.len(), 1);
            assert_eq!(upstream, &vec!["ext.interwebs.test.".to_string()]);
        }
        other => panic!("{other:?}"),
    }
}

/// coredns/coredns plugin/kubernetes handler_case_test.go `dnsPreserveCaseCases` (TestPreserveCase,
/// zone cluster.local., ttl 5): the answers keep the query's spelling of the zone — the SOA owner
/// and mname of a negative answer, SRV targets and their additional records.
#[test]
fn coredns_preserve_case_cases() {
    let z = coredns_fixture().zone(test_config());
    let r = z.query("not-a-service.testns.svc.ClUsTeR.lOcAl.", RecordType::A);
    assert_eq!(r.rcode, Some(Rcode::NxDomain));
    assert_eq!(
        set(&r.authority),
        strs(&["ClUsTeR.lOcAl. 5 IN SOA ns.dns.ClUsTeR.lOcAl. hostmaster.ClUsTeR.lOcAl. 1 7200 1800 86400 5"])
    );
    let r = z.query("SvC1.TeStNs.SvC.cLuStEr.LoCaL.", RecordType::A);
    assert_eq!(set(&r.answer), strs(&["SvC1.TeStNs.SvC.cLuStEr.LoCaL. 5 IN A 10.0.0.1"]));
    let r = z.query("_HtTp._TcP.sVc1.TeStNs.SvC.cLuStEr.LoCaL.", RecordType::SRV);
    assert_eq!(
        set(&r.answer),
        strs(&["_HtTp._TcP.sVc1.TeStNs.SvC.cLuStEr.LoCaL. 5 IN SRV 0 100 80 svc1.testns.svc.cLuStEr.LoCaL."])
    );
    assert_eq!(set(&r.additional), strs(&["svc1.testns.svc.cLuStEr.LoCaL. 5 IN A 10.0.0.1"]));
    let r = z.query("Cluster.local.", RecordType::SOA);
    assert_eq!(
        set(&r.answer),
        strs(&["Cluster.local. 5 IN SOA ns.dns.Cluster.local. hostmaster.Cluster.local. 1 7200 1800 86400 5"])
    );
}

/// handler_test.go (newer revision): a name's rcode does not depend on the query type — TXT is
/// NODATA for a name with other records and NXDOMAIN for one without; other types (HINFO, …)
/// take the `default:` branch's fake A lookup (kubernetes_apex_test.go: HINFO at the apex is
/// NODATA).
#[test]
fn coredns_rcode_does_not_depend_on_the_type() {
    let z = coredns_fixture().zone(test_config());
    let hinfo = RecordType::Other(13);
    for (name, rcode) in [
        ("svc1.testns.svc.cluster.local.", Rcode::NoError),
        ("svc0.svc-nons.svc.cluster.local.", Rcode::NxDomain),
        ("svc0.testns.svc.cluster.local.", Rcode::NxDomain),
        ("hdls1.testns.svc.cluster.local.", Rcode::NoError),
        ("bogusendpoint.hdls1.testns.svc.cluster.local.", Rcode::NxDomain),
    ] {
        for t in [RecordType::A, RecordType::TXT, hinfo, RecordType::Other(257)] {
            let r = z.query(name, t);
            assert_eq!(r.rcode, Some(rcode), "{name} {t}");
            if t != RecordType::A || rcode == Rcode::NxDomain {
                assert_eq!(set(&r.authority), strs(&[SOA5]), "{name} {t}");
            }
        }
    }
    let r = z.query("svc1.testns.svc.cluster.local.", RecordType::TXT);
    assert!(r.answer.is_empty());
    assert_eq!(z.query("cluster.local.", hinfo).rcode, Some(Rcode::NoError));
    let r = z.query("dns-version.cluster.local.", RecordType::TXT);
    assert_eq!(set(&r.answer), strs(&["dns-version.cluster.local. 28800 IN TXT \"1.1.0\""]));
}

/// kubernetes.go `findServices`: "External services do not have endpoints, nor can we accept
/// port/protocol pseudo subdomains in an SRV query" — a name with more labels under an
/// ExternalName Service than it has records is NXDOMAIN, not the Service's CNAME.
#[test]
fn coredns_extra_labels_under_a_service_do_not_exist() {
    let z = coredns_fixture().zone(test_config());
    for name in [
        "_http._tcp.external.testns.svc.cluster.local.",
        "ep.external.testns.svc.cluster.local.",
        "a.b.svc1.testns.svc.cluster.local.",
        "x.svc1.testns.svc.cluster.local.",
        "a.b.c.svc1.testns.svc.cluster.local.",
    ] {
        for t in [RecordType::A, RecordType::CNAME, RecordType::SRV, RecordType::TXT] {
            let r = z.query(name, t);
            assert_eq!(r.rcode, Some(Rcode::NxDomain), "{name} {t}: {r:?}");
        }
    }
    // The Service's own name still answers.
    let r = z.query("external.testns.svc.cluster.local.", RecordType::CNAME);
    assert_eq!(
        set(&r.answer),
        strs(&["external.testns.svc.cluster.local. 5 IN CNAME ext.interwebs.test."])
    );
}
