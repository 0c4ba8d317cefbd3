//! The Kubernetes API objects the simulator understands, as plain data.
//!
//! This is the shared vocabulary of the pipeline. The manifest front end (`manifest`) produces
//! these types from YAML, validated and defaulted as the API server would; the cluster stage
//! (`cluster`) fills in what controllers and allocators add (Pods from workloads, IPs, NodePorts,
//! EndpointSlices); DNS (`dns`) and kube-proxy (`proxy`) read them exactly as CoreDNS and
//! kube-proxy read the real objects.
//!
//! Field names follow the Kubernetes API (camelCase there, snake_case here). Everything is owned
//! and ordered (`BTreeMap`) so that output is deterministic.

use std::collections::BTreeMap;
use std::net::IpAddr;

use crate::text::{FileId, TextRange};

/// `metadata.labels`, `spec.selector` and friends: an ordered string map.
pub type Labels = BTreeMap<String, String>;

/// Where an object came from in the user's input, so later stages can point at it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Source {
    /// The file (editor buffer, `-f` file or stdin) the object was read from.
    pub file: FileId,
    /// The whole document or list item that defined the object.
    pub range: TextRange,
    /// Spans of individual fields, keyed by field path (`spec.selector`, `spec.ports[0].port`).
    pub fields: FieldSpans,
}

/// Field path → span of that field's value (and of its key), for diagnostics raised by later
/// stages ("this selector matches no Pods" underlined at `spec.selector`).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct FieldSpans {
    entries: Vec<(String, FieldSpan)>,
}

/// The spans of one field: its key (if it is a mapping entry) and its value.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct FieldSpan {
    pub key: Option<TextRange>,
    pub value: TextRange,
}

impl FieldSpans {
    /// Records the spans of the field at `path`; later records for the same path win.
    pub fn insert(&mut self, path: impl Into<String>, span: FieldSpan) {
        let path = path.into();
        match self.entries.binary_search_by(|(p, _)| p.as_str().cmp(&path)) {
            Ok(i) => self.entries[i].1 = span,
            Err(i) => self.entries.insert(i, (path, span)),
        }
    }

    /// The spans of the field at `path`, if the input had that field.
    pub fn get(&self, path: &str) -> Option<FieldSpan> {
        self.entries.binary_search_by(|(p, _)| p.as_str().cmp(path)).ok().map(|i| self.entries[i].1)
    }

    /// The value span at `path`, or of its closest ancestor that the input had.
    pub fn value_or_ancestor(&self, mut path: &str) -> Option<TextRange> {
        loop {
            if let Some(s) = self.get(path) {
                return Some(s.value);
            }
            let cut = path.rfind(['.', '['])?;
            path = &path[..cut];
        }
    }
}

/// `metadata` as far as the simulation needs it.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ObjectMeta {
    pub name: String,
    /// Defaulted to `default` for namespaced kinds; empty for cluster-scoped ones.
    pub namespace: String,
    pub generate_name: Option<String>,
    pub labels: Labels,
    pub annotations: Labels,
    /// Set from the input when given, otherwise generated deterministically.
    pub uid: Option<String>,
    /// RFC 3339 text as given; presence means the object is terminating.
    pub deletion_timestamp: Option<String>,
    pub owner_references: Vec<OwnerReference>,
    /// `None` for objects the simulator made itself (built-ins, controller-created Pods).
    pub source: Option<Source>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OwnerReference {
    pub kind: String,
    pub name: String,
    pub controller: bool,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Protocol {
    Tcp,
    Udp,
    Sctp,
}

impl Protocol {
    /// The API spelling: `TCP`, `UDP`, `SCTP`.
    pub fn as_str(self) -> &'static str {
        match self {
            Protocol::Tcp => "TCP",
            Protocol::Udp => "UDP",
            Protocol::Sctp => "SCTP",
        }
    }

    /// The iptables / chain-hash spelling: `tcp`, `udp`, `sctp`.
    pub fn lower(self) -> &'static str {
        match self {
            Protocol::Tcp => "tcp",
            Protocol::Udp => "udp",
            Protocol::Sctp => "sctp",
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum IpFamily {
    IPv4,
    IPv6,
}

impl IpFamily {
    pub fn of(ip: IpAddr) -> IpFamily {
        if ip.is_ipv4() {
            IpFamily::IPv4
        } else {
            IpFamily::IPv6
        }
    }
}

/// A port given as a number or as a name (`targetPort: http`).
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum IntOrString {
    Int(i32),
    Str(String),
}

// ---------------------------------------------------------------------------------------------
// Label selectors

/// `metav1.LabelSelector` (Deployments, ReplicaSets, …). `None` where it is used means "nothing".
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct LabelSelector {
    pub match_labels: Labels,
    pub match_expressions: Vec<LabelSelectorRequirement>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LabelSelectorRequirement {
    pub key: String,
    /// `In`, `NotIn`, `Exists`, `DoesNotExist` (validated by the front end).
    pub operator: String,
    pub values: Vec<String>,
}

// ---------------------------------------------------------------------------------------------
// Namespace, Node

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Namespace {
    pub meta: ObjectMeta,
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Node {
    pub meta: ObjectMeta,
    /// `spec.podCIDRs` (or `spec.podCIDR`), as CIDR text.
    pub pod_cidrs: Vec<String>,
    pub taints: Vec<Taint>,
    pub unschedulable: bool,
    /// `status.addresses` of type InternalIP.
    pub internal_ips: Vec<IpAddr>,
    /// `status.addresses` of type ExternalIP.
    pub external_ips: Vec<IpAddr>,
    /// The Ready condition; `true` unless the input says otherwise.
    pub ready: bool,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Taint {
    pub key: String,
    pub value: String,
    /// `NoSchedule`, `PreferNoSchedule`, `NoExecute`.
    pub effect: String,
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Toleration {
    pub key: String,
    /// `Equal` (default) or `Exists`.
    pub operator: String,
    pub value: String,
    /// Empty matches every effect.
    pub effect: String,
}

// ---------------------------------------------------------------------------------------------
// Pods and workloads

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Pod {
    pub meta: ObjectMeta,
    pub spec: PodSpec,
    pub status: PodStatus,
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct PodSpec {
    pub node_name: Option<String>,
    pub node_selector: Labels,
    pub tolerations: Vec<Toleration>,
    pub host_network: bool,
    pub hostname: Option<String>,
    pub subdomain: Option<String>,
    /// Defaulted to `ClusterFirst`.
    pub dns_policy: String,
    pub dns_config: Option<PodDnsConfig>,
    pub containers: Vec<Container>,
    /// Only restartable ("sidecar", `restartPolicy: Always`) init containers matter for ports.
    pub init_containers: Vec<Container>,
    /// Defaulted to `Always`.
    pub restart_policy: String,
    pub readiness_gates: Vec<String>,
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct PodDnsConfig {
    pub nameservers: Vec<String>,
    pub searches: Vec<String>,
    /// `(name, value)`; value `None` for flag options like `rotate`.
    pub options: Vec<(String, Option<String>)>,
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Container {
    pub name: String,
    pub image: String,
    pub ports: Vec<ContainerPort>,
    /// For init containers: `Some("Always")` marks a sidecar.
    pub restart_policy: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ContainerPort {
    pub name: Option<String>,
    pub container_port: i32,
    pub protocol: Protocol,
    pub host_port: Option<i32>,
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct PodStatus {
    /// `Pending`, `Running`, `Succeeded`, `Failed`, `Unknown`; empty until the cluster sets it.
    pub phase: String,
    pub pod_ips: Vec<IpAddr>,
    pub host_ip: Option<IpAddr>,
    /// The `Ready` condition as given in the input; `None` when the input has no status for it.
    pub ready: Option<bool>,
    pub restart_count: u32,
}

/// `spec.template` of a workload.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct PodTemplate {
    pub labels: Labels,
    pub annotations: Labels,
    pub spec: PodSpec,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum WorkloadKind {
    Deployment,
    ReplicaSet,
    StatefulSet,
    DaemonSet,
}

impl WorkloadKind {
    pub fn as_str(self) -> &'static str {
        match self {
            WorkloadKind::Deployment => "Deployment",
            WorkloadKind::ReplicaSet => "ReplicaSet",
            WorkloadKind::StatefulSet => "StatefulSet",
            WorkloadKind::DaemonSet => "DaemonSet",
        }
    }
}

/// Deployment, ReplicaSet, StatefulSet or DaemonSet.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Workload {
    pub kind: WorkloadKind,
    pub meta: ObjectMeta,
    /// Defaulted to 1; unused for DaemonSets.
    pub replicas: i32,
    pub selector: Option<LabelSelector>,
    pub template: PodTemplate,
    /// StatefulSet `spec.serviceName`.
    pub service_name: Option<String>,
}

// ---------------------------------------------------------------------------------------------
// Services

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub enum ServiceType {
    #[default]
    ClusterIP,
    NodePort,
    LoadBalancer,
    ExternalName,
}

impl ServiceType {
    pub fn as_str(self) -> &'static str {
        match self {
            ServiceType::ClusterIP => "ClusterIP",
            ServiceType::NodePort => "NodePort",
            ServiceType::LoadBalancer => "LoadBalancer",
            ServiceType::ExternalName => "ExternalName",
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum TrafficPolicy {
    #[default]
    Cluster,
    Local,
}

impl TrafficPolicy {
    pub fn as_str(self) -> &'static str {
        match self {
            TrafficPolicy::Cluster => "Cluster",
            TrafficPolicy::Local => "Local",
        }
    }
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Service {
    pub meta: ObjectMeta,
    pub spec: ServiceSpec,
    pub status: ServiceStatus,
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ServiceSpec {
    pub type_: ServiceType,
    /// `None`: no selector (user-managed endpoints). `Some(empty)` behaves the same (see
    /// kubernetes-networking.md §1.1) but is kept to explain it.
    pub selector: Option<Labels>,
    pub ports: Vec<ServicePort>,
    /// `true` for `clusterIP: None`.
    pub headless: bool,
    /// Allocated (or given) cluster IPs, primary first. Empty for headless and ExternalName.
    pub cluster_ips: Vec<IpAddr>,
    pub ip_families: Vec<IpFamily>,
    /// `SingleStack`, `PreferDualStack`, `RequireDualStack`; empty for ExternalName.
    pub ip_family_policy: String,
    pub external_ips: Vec<IpAddr>,
    pub external_name: Option<String>,
    /// `None` or `ClientIP`.
    pub session_affinity: String,
    /// For ClientIP affinity; defaulted to 10800.
    pub session_affinity_timeout: Option<i32>,
    /// `None` for ClusterIP and ExternalName without externalIPs.
    pub external_traffic_policy: Option<TrafficPolicy>,
    /// `None` for ExternalName.
    pub internal_traffic_policy: Option<TrafficPolicy>,
    pub health_check_node_port: Option<i32>,
    pub load_balancer_ip: Option<IpAddr>,
    pub load_balancer_source_ranges: Vec<String>,
    pub allocate_load_balancer_node_ports: Option<bool>,
    pub publish_not_ready_addresses: bool,
    pub load_balancer_class: Option<String>,
    /// `spec.trafficDistribution` as written (`PreferSameZone`, `PreferSameNode`, `PreferClose`);
    /// the EndpointSlice controller turns it into endpoint hints.
    pub traffic_distribution: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ServicePort {
    pub name: String,
    pub protocol: Protocol,
    pub port: i32,
    /// Defaulted to `Int(port)`.
    pub target_port: IntOrString,
    /// `None` until allocated; `None` for ClusterIP Services.
    pub node_port: Option<i32>,
    pub app_protocol: Option<String>,
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ServiceStatus {
    pub load_balancer_ingress: Vec<LoadBalancerIngress>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LoadBalancerIngress {
    pub ip: Option<IpAddr>,
    pub hostname: Option<String>,
}

// ---------------------------------------------------------------------------------------------
// Endpoints

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct EndpointSlice {
    pub meta: ObjectMeta,
    pub address_type: String,
    pub endpoints: Vec<Endpoint>,
    pub ports: Vec<EndpointPort>,
}

impl EndpointSlice {
    /// The `kubernetes.io/service-name` label that links a slice to its Service.
    pub fn service_name(&self) -> Option<&str> {
        self.meta.labels.get("kubernetes.io/service-name").map(String::as_str)
    }
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Endpoint {
    pub addresses: Vec<IpAddr>,
    pub conditions: EndpointConditions,
    pub hostname: Option<String>,
    pub node_name: Option<String>,
    pub zone: Option<String>,
    pub target_ref: Option<ObjectReference>,
    /// `hints` (topology-aware routing): written by the EndpointSlice controller, read by
    /// kube-proxy. `None` when the endpoint has no hints.
    pub hints: Option<EndpointHints>,
}

/// `discovery/v1` `EndpointHints`: the zones (`forZones[].name`) and nodes (`forNodes[].name`)
/// this endpoint should serve.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct EndpointHints {
    pub for_zones: Vec<String>,
    pub for_nodes: Vec<String>,
}

/// Conditions as in the API: `None` means "unknown", which consumers read as ready/serving.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct EndpointConditions {
    pub ready: Option<bool>,
    pub serving: Option<bool>,
    pub terminating: Option<bool>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ObjectReference {
    pub kind: String,
    pub namespace: String,
    pub name: String,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EndpointPort {
    pub name: Option<String>,
    pub port: Option<i32>,
    pub protocol: Protocol,
    pub app_protocol: Option<String>,
}

/// The legacy `v1/Endpoints` object (input and `kubectl get endpoints`).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Endpoints {
    pub meta: ObjectMeta,
    pub subsets: Vec<EndpointSubset>,
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct EndpointSubset {
    pub addresses: Vec<EndpointAddress>,
    pub not_ready_addresses: Vec<EndpointAddress>,
    pub ports: Vec<EndpointPort>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EndpointAddress {
    pub ip: IpAddr,
    pub hostname: Option<String>,
    pub node_name: Option<String>,
    pub target_ref: Option<ObjectReference>,
}

// ---------------------------------------------------------------------------------------------
// Cluster configuration kinds

/// kubeadm `ClusterConfiguration` (v1beta3 / v1beta4).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ClusterConfiguration {
    pub meta: ObjectMeta,
    /// Comma-separated CIDRs as given (dual-stack when two).
    pub pod_subnet: Option<String>,
    pub service_subnet: Option<String>,
    pub dns_domain: Option<String>,
    /// `apiServer.extraArgs` `service-node-port-range`, e.g. `30000-32767`.
    pub service_node_port_range: Option<String>,
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct KubeProxyConfiguration {
    pub meta: ObjectMeta,
    pub mode: Option<String>,
    pub cluster_cidr: Option<String>,
    pub masquerade_bit: Option<i32>,
    pub masquerade_all: Option<bool>,
    pub localhost_node_ports: Option<bool>,
    pub node_port_addresses: Vec<String>,
    /// `nftables.masqueradeBit` (the nftables mode's own setting; default 14).
    pub nftables_masquerade_bit: Option<i32>,
    /// `nftables.masqueradeAll`.
    pub nftables_masquerade_all: Option<bool>,
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct KubeletConfiguration {
    pub meta: ObjectMeta,
    pub cluster_dns: Vec<String>,
    pub cluster_domain: Option<String>,
}

/// A ConfigMap; only `kube-system/coredns` (its `Corefile`) is simulated.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ConfigMap {
    pub meta: ObjectMeta,
    pub data: Labels,
}

/// MetalLB `IPAddressPool`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct IpAddressPool {
    pub meta: ObjectMeta,
    /// CIDRs or `a.b.c.d-e.f.g.h` ranges as given.
    pub addresses: Vec<String>,
    pub auto_assign: bool,
}

/// MetalLB `L2Advertisement`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct L2Advertisement {
    pub meta: ObjectMeta,
    /// Empty means every pool.
    pub ip_address_pools: Vec<String>,
}

/// Every object read from the input, by kind, in input order.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Objects {
    pub namespaces: Vec<Namespace>,
    pub nodes: Vec<Node>,
    pub pods: Vec<Pod>,
    pub services: Vec<Service>,
    pub endpoints: Vec<Endpoints>,
    pub endpoint_slices: Vec<EndpointSlice>,
    pub workloads: Vec<Workload>,
    pub config_maps: Vec<ConfigMap>,
    pub cluster_configurations: Vec<ClusterConfiguration>,
    pub kube_proxy_configurations: Vec<KubeProxyConfiguration>,
    pub kubelet_configurations: Vec<KubeletConfiguration>,
    pub ip_address_pools: Vec<IpAddressPool>,
    pub l2_advertisements: Vec<L2Advertisement>,
}
