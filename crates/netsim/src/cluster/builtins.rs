//! Objects every real cluster has before the user applies anything (cluster stage):
//!
//! * `default/kubernetes`: created by kube-apiserver (`pkg/controlplane/controller/kubernetesservice`)
//!   with the first Service IP (`pkg/controlplane/services.go` `ServiceIPRange`:
//!   `GetIndexedIP(&serviceClusterIPRange, 1)`), port `https` 443/TCP → 6443, no selector; its
//!   Endpoints and EndpointSlice (named `kubernetes`) are written by the apiserver's endpoint
//!   reconciler with the control-plane node IPs (`pkg/controlplane/reconcilers/endpointsadapter.go`).
//! * `kube-system/kube-dns` and the `coredns` Deployment (2 replicas) as kubeadm's DNS addon
//!   writes them (`cmd/kubeadm/app/phases/addons/dns/manifests.go`): the 10th Service IP, ports
//!   dns 53/UDP, dns-tcp 53/TCP, metrics 9153/TCP, selector `k8s-app=kube-dns`, and a Pod
//!   template tolerating the control-plane taint.
//! * Namespaces `default`, `kube-system`, `kube-public`, `kube-node-lease` (added with the
//!   namespaces the input uses, in `cluster::namespaces`).
//!
//! Each is replaced by the user's own object of the same kind, namespace and name.

use super::Cluster;
use crate::model::{
    Container, ContainerPort, Endpoint, EndpointAddress, EndpointConditions, EndpointPort,
    EndpointSlice, EndpointSubset, Endpoints, IntOrString, IpFamily, LabelSelector, ObjectMeta,
    PodSpec, PodTemplate, Protocol, Service, ServicePort, ServiceSpec, ServiceType, Toleration,
    TrafficPolicy, Workload, WorkloadKind,
};

fn labels(pairs: &[(&str, &str)]) -> crate::model::Labels {
    pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect()
}

fn meta(ns: &str, name: &str, l: &[(&str, &str)]) -> ObjectMeta {
    ObjectMeta { name: name.into(), namespace: ns.into(), labels: labels(l), ..Default::default() }
}

fn port(name: &str, protocol: Protocol, port: i32, target: i32) -> ServicePort {
    ServicePort {
        name: name.into(),
        protocol,
        port,
        target_port: IntOrString::Int(target),
        node_port: None,
        app_protocol: None,
    }
}

/// The objects every cluster has: the `default/kubernetes` Service with its Endpoints and
/// EndpointSlice, the `kube-system/kube-dns` Service and the CoreDNS Deployment (each unless the
/// input defines it).
pub(crate) fn add(c: &mut Cluster) {
    let family = c.settings.service_subnets.first().map_or(IpFamily::IPv4, |s| s.family());
    kubernetes_service(c, family);
    kube_dns_service(c, family);
    coredns_deployment(c);
}

fn has_service(c: &Cluster, ns: &str, n: &str) -> bool {
    c.objects.services.iter().any(|s| s.meta.namespace == ns && s.meta.name == n)
}

/// `default/kubernetes`: the API server's Service, its Endpoints and EndpointSlice.
fn kubernetes_service(c: &mut Cluster, family: IpFamily) {
    if has_service(c, "default", "kubernetes") {
        return;
    }
    let ip = c.settings.service_subnets.first().and_then(|s| s.nth(1));
    let svc = Service {
        meta: meta(
            "default",
            "kubernetes",
            &[("component", "apiserver"), ("provider", "kubernetes")],
        ),
        spec: ServiceSpec {
            type_: ServiceType::ClusterIP,
            ports: vec![port("https", Protocol::Tcp, 443, 6443)],
            cluster_ips: ip.into_iter().collect(),
            ip_families: vec![family],
            ip_family_policy: "SingleStack".into(),
            session_affinity: "None".into(),
            internal_traffic_policy: Some(TrafficPolicy::Cluster),
            ..Default::default()
        },
        status: Default::default(),
    };
    c.objects.services.insert(0, svc);
    let cp_ips: Vec<std::net::IpAddr> = control_plane_ips(c, family);
    let https = EndpointPort {
        name: Some("https".into()),
        port: Some(6443),
        protocol: Protocol::Tcp,
        app_protocol: None,
    };
    if !c
        .objects
        .endpoints
        .iter()
        .any(|e| e.meta.namespace == "default" && e.meta.name == "kubernetes")
    {
        c.objects.endpoints.insert(
            0,
            Endpoints {
                meta: meta(
                    "default",
                    "kubernetes",
                    &[("endpointslice.kubernetes.io/skip-mirror", "true")],
                ),
                subsets: vec![EndpointSubset {
                    addresses: cp_ips
                        .iter()
                        .map(|ip| EndpointAddress {
                            ip: *ip,
                            hostname: None,
                            node_name: None,
                            target_ref: None,
                        })
                        .collect(),
                    not_ready_addresses: Vec::new(),
                    ports: vec![https.clone()],
                    unparsed_addresses: Vec::new(),
                }],
            },
        );
    }
    if !c
        .objects
        .endpoint_slices
        .iter()
        .any(|e| e.meta.namespace == "default" && e.service_name() == Some("kubernetes"))
    {
        c.objects.endpoint_slices.insert(
            0,
            EndpointSlice {
                meta: meta(
                    "default",
                    "kubernetes",
                    &[("kubernetes.io/service-name", "kubernetes")],
                ),
                address_type: match family {
                    IpFamily::IPv4 => "IPv4".into(),
                    IpFamily::IPv6 => "IPv6".into(),
                },
                endpoints: cp_ips
                    .iter()
                    .map(|ip| Endpoint {
                        addresses: vec![*ip],
                        conditions: EndpointConditions {
                            ready: Some(true),
                            serving: None,
                            terminating: None,
                        },
                        ..Default::default()
                    })
                    .collect(),
                ports: vec![https],
            },
        );
    }
}

/// `kube-system/kube-dns`: CoreDNS's Service, after `default/kubernetes`.
fn kube_dns_service(c: &mut Cluster, family: IpFamily) {
    if has_service(c, "kube-system", "kube-dns") {
        return;
    }
    let ip = c.settings.service_subnets.first().and_then(|s| s.nth(10));
    let mut m = meta(
        "kube-system",
        "kube-dns",
        &[
            ("k8s-app", "kube-dns"),
            ("kubernetes.io/cluster-service", "true"),
            ("kubernetes.io/name", "CoreDNS"),
        ],
    );
    m.annotations = labels(&[("prometheus.io/port", "9153"), ("prometheus.io/scrape", "true")]);
    let svc = Service {
        meta: m,
        spec: ServiceSpec {
            type_: ServiceType::ClusterIP,
            selector: Some(labels(&[("k8s-app", "kube-dns")])),
            ports: vec![
                port("dns", Protocol::Udp, 53, 53),
                port("dns-tcp", Protocol::Tcp, 53, 53),
                port("metrics", Protocol::Tcp, 9153, 9153),
            ],
            cluster_ips: ip.into_iter().collect(),
            ip_families: vec![family],
            ip_family_policy: "SingleStack".into(),
            session_affinity: "None".into(),
            internal_traffic_policy: Some(TrafficPolicy::Cluster),
            ..Default::default()
        },
        status: Default::default(),
    };
    let at = usize::from(
        c.objects
            .services
            .first()
            .is_some_and(|s| s.meta.namespace == "default" && s.meta.name == "kubernetes"),
    );
    c.objects.services.insert(at, svc);
}

/// `kube-system/coredns`: the Deployment kubeadm installs.
fn coredns_deployment(c: &mut Cluster) {
    if c.objects.workloads.iter().any(|w| {
        w.kind == WorkloadKind::Deployment
            && w.meta.namespace == "kube-system"
            && w.meta.name == "coredns"
    }) {
        return;
    }
    let cport = |name: &str, p: Protocol, n: i32| ContainerPort {
        name: Some(name.into()),
        container_port: n,
        protocol: p,
        host_port: None,
    };
    let tpl = PodTemplate {
        labels: labels(&[("k8s-app", "kube-dns")]),
        annotations: Default::default(),
        spec: PodSpec {
            node_selector: labels(&[("kubernetes.io/os", "linux")]),
            tolerations: vec![
                Toleration {
                    key: "CriticalAddonsOnly".into(),
                    operator: "Exists".into(),
                    ..Default::default()
                },
                Toleration {
                    key: "node-role.kubernetes.io/control-plane".into(),
                    effect: "NoSchedule".into(),
                    ..Default::default()
                },
            ],
            dns_policy: "Default".into(),
            restart_policy: "Always".into(),
            containers: vec![Container {
                name: "coredns".into(),
                image: "registry.k8s.io/coredns/coredns:v1.11.3".into(),
                ports: vec![
                    cport("dns", Protocol::Udp, 53),
                    cport("dns-tcp", Protocol::Tcp, 53),
                    cport("metrics", Protocol::Tcp, 9153),
                ],
                ..Default::default()
            }],
            ..Default::default()
        },
    };
    c.objects.workloads.insert(
        0,
        Workload {
            kind: WorkloadKind::Deployment,
            meta: meta("kube-system", "coredns", &[("k8s-app", "kube-dns")]),
            replicas: 2,
            selector: Some(LabelSelector {
                match_labels: labels(&[("k8s-app", "kube-dns")]),
                match_expressions: vec![],
            }),
            template: tpl,
            service_name: None,
            ordinals_start: 0,
            pod_management_policy: String::new(),
            rollout: Default::default(),
        },
    );
}

fn control_plane_ips(c: &Cluster, family: IpFamily) -> Vec<std::net::IpAddr> {
    let nodes = &c.objects.nodes;
    let cps: Vec<&crate::model::Node> =
        nodes.iter().filter(|n| super::nodes::is_control_plane(n)).collect();
    let cps = if cps.is_empty() { nodes.iter().take(1).collect() } else { cps };
    cps.iter()
        .filter_map(|n| n.internal_ips.iter().copied().find(|ip| IpFamily::of(*ip) == family))
        .collect()
}

/// True for the built-in CoreDNS Pods, which kubeadm schedules while only the control plane
/// exists (so they sit on the control-plane node in a fresh kind cluster).
pub(crate) fn is_builtin_coredns(pod: &crate::model::Pod) -> bool {
    pod.meta.source.is_none()
        && pod.meta.namespace == "kube-system"
        && pod.meta.labels.get("k8s-app").is_some_and(|v| v == "kube-dns")
}
