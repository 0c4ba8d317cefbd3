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
///
/// Made by [`FieldSpansBuilder`] in the order the front end walked the fields, the paths one
/// string (a path's own `String` per field was the largest part of reading a field), and
/// shared: nothing changes them after, so a copy of an object (the cluster stage starts from a
/// copy of the input's objects) copies none of them.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct FieldSpans {
    recorded: std::sync::Arc<FieldSpansBuilder>,
}

/// The spans of one field: its key (if it is a mapping entry) and its value.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct FieldSpan {
    pub key: Option<TextRange>,
    pub value: TextRange,
}

/// Records [`FieldSpans`] as the fields are walked.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct FieldSpansBuilder {
    /// Every recorded path, one after another.
    paths: String,
    /// (end of the path in `paths`, its spans); a path starts where the previous one ends.
    entries: Vec<(u32, FieldSpan)>,
}

impl FieldSpansBuilder {
    /// Records the spans of the field at `path` (a later record for the same path wins).
    pub fn record(&mut self, path: &str, span: FieldSpan) {
        self.paths.push_str(path);
        self.entries.push((u32::try_from(self.paths.len()).unwrap_or(u32::MAX), span));
    }

    /// The recorded spans, from here on shared by every copy of the object.
    pub fn finish(self) -> FieldSpans {
        FieldSpans { recorded: std::sync::Arc::new(self) }
    }
}

impl FieldSpans {
    /// The spans of the field at `path`, if the input had that field. An object has a few
    /// dozen fields and their spans are read for diagnostics: a scan, the last record first.
    pub fn get(&self, path: &str) -> Option<FieldSpan> {
        let r = &*self.recorded;
        (0..r.entries.len()).rev().find_map(|k| {
            let start = k.checked_sub(1).map_or(0, |p| r.entries[p].0 as usize);
            let (end, span) = r.entries[k];
            (r.paths.get(start..end as usize) == Some(path)).then_some(span)
        })
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
    /// `deletionGracePeriodSeconds`: set with `deletionTimestamp` when a Pod is deleted
    /// gracefully (its `terminationGracePeriodSeconds`).
    pub deletion_grace_period_seconds: Option<i64>,
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

#[derive(
    Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize,
)]
#[serde(rename_all = "UPPERCASE")]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
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
    /// The input's Ready condition is `False`: the kubelet reports the node not ready (and
    /// still posts its status), as opposed to `Unknown`, a node that stopped reporting.
    pub ready_false: bool,
    /// `status.allocatable.cpu` in millicores, when given: `topology-mode: Auto` splits a
    /// Service's endpoints between zones by it (`topologycache.go` `SetNodes`).
    pub allocatable_cpu_milli: Option<i64>,
    /// `status.nodeInfo` when the input gives it (the kubelet's report stated by hand):
    /// None prints the simulated kubelet's kind-like values.
    pub node_info: Option<NodeInfo>,
}

/// The `status.nodeInfo` fields `kubectl get nodes -o wide` prints; empty when not given.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct NodeInfo {
    pub kubelet_version: String,
    pub os_image: String,
    pub kernel_version: String,
    pub container_runtime_version: String,
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
    /// `tolerationSeconds` (only with `NoExecute`): how long a bound Pod stays after the taint.
    pub seconds: Option<i64>,
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
    /// `terminationGracePeriodSeconds`; `None` means the API default, 30
    /// (`SetDefaults_PodSpec`). How long a deleted Pod stays `Terminating`.
    pub termination_grace_period_seconds: Option<i64>,
    /// Only restartable ("sidecar", `restartPolicy: Always`) init containers matter for ports.
    pub init_containers: Vec<Container>,
    /// Defaulted to `Always`.
    pub restart_policy: String,
    pub readiness_gates: Vec<String>,
    /// `schedulingGates` names: while any is left the scheduler does not consider the Pod
    /// (KEP-3521, GA in v1.30).
    pub scheduling_gates: Vec<String>,
    /// `serviceAccountName` (or the deprecated `serviceAccount` when it is unset:
    /// `Convert_v1_PodSpec_To_core_PodSpec`); `None` means the ServiceAccount admission
    /// plugin's `default`.
    pub service_account_name: Option<String>,
    /// `priorityClassName`, when given and not empty.
    pub priority_class_name: Option<String>,
    /// `runtimeClassName`, when given and not empty.
    pub runtime_class_name: Option<String>,
    /// `affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms`
    /// (a node must match one of them); `None` when not given.
    pub required_node_terms: Option<Vec<NodeSelectorTerm>>,
}

/// One `nodeSelectorTerms` item: every requirement must hold (an empty term matches no node).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct NodeSelectorTerm {
    pub match_expressions: Vec<NodeSelectorRequirement>,
    /// On node fields: only `metadata.name` exists.
    pub match_fields: Vec<NodeSelectorRequirement>,
}

/// `key`, `operator` (`In`, `NotIn`, `Exists`, `DoesNotExist`, `Gt`, `Lt`) and `values`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct NodeSelectorRequirement {
    pub key: String,
    pub operator: String,
    pub values: Vec<String>,
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
    pub command: Vec<String>,
    pub args: Vec<String>,
    pub env: Vec<EnvVar>,
    /// `resources.limits` and `resources.requests` as written (`(resource, quantity)`, in input
    /// order); requests defaulted from limits (`SetDefaults_Pod`).
    pub limits: Vec<(String, String)>,
    pub requests: Vec<(String, String)>,
}

/// A container's environment variable: a literal `value`, or where `valueFrom` takes it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EnvVar {
    pub name: String,
    pub value: String,
    pub value_from: Option<EnvSource>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum EnvSource {
    /// The downward API: `fieldRef` (`apiVersion`, defaulted to `v1`, and `fieldPath`).
    Field {
        api_version: String,
        field_path: String,
    },
    /// `resourceFieldRef`: a container's limit or request.
    Resource {
        container: String,
        resource: String,
    },
    SecretKey {
        name: String,
        key: String,
        optional: bool,
    },
    ConfigMapKey {
        name: String,
        key: String,
        optional: bool,
    },
    /// A source the simulator does not read (`fileKeyRef`, …).
    Other,
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
    /// The restarts of all containers together (`kubectl get`'s RESTARTS).
    pub restart_count: u32,
    /// `status.containerStatuses` as given: each container's `(name, restartCount)`.
    pub container_restarts: Vec<(String, u32)>,
    /// The other conditions as given, `(type, status)` in input order: a readiness gate's
    /// condition (set by the controller that owns the gate), or the kubelet's own.
    pub conditions: Vec<(String, String)>,
    /// `status.nominatedNodeName` as given (the scheduler's preemption nominee).
    pub nominated_node_name: Option<String>,
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
    /// `v1` ReplicationController: the ReplicaSet's predecessor, with an equality-map selector
    /// (`LabelSelector::match_labels` only).
    ReplicationController,
}

impl WorkloadKind {
    pub fn as_str(self) -> &'static str {
        match self {
            WorkloadKind::Deployment => "Deployment",
            WorkloadKind::ReplicaSet => "ReplicaSet",
            WorkloadKind::StatefulSet => "StatefulSet",
            WorkloadKind::DaemonSet => "DaemonSet",
            WorkloadKind::ReplicationController => "ReplicationController",
        }
    }

    /// The kind's row in [`KINDS`].
    pub fn info(self) -> &'static KindInfo {
        // Every workload kind has a row; the fallback is never taken.
        kind_info(self.as_str()).unwrap_or(&KINDS[0])
    }
}

/// Deployment, ReplicaSet, StatefulSet, DaemonSet or ReplicationController.
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
    /// StatefulSet `spec.ordinals.start`: its Pods are `<name>-<start>` on (0 when not given).
    pub ordinals_start: i32,
    /// StatefulSet `spec.podManagementPolicy` as given, defaulted to `OrderedReady`
    /// (`SetDefaults_StatefulSet`); empty for the other kinds.
    pub pod_management_policy: String,
    /// The rollout fields as given, for the API server's checks (the simulation has no
    /// rollouts).
    pub rollout: Rollout,
}

/// A workload's rollout settings as written: `minReadySeconds`, `revisionHistoryLimit`,
/// `progressDeadlineSeconds`, and the strategy (`strategy` of a Deployment, `updateStrategy` of
/// a StatefulSet or DaemonSet) with its `rollingUpdate`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Rollout {
    pub min_ready_seconds: Option<i64>,
    pub revision_history_limit: Option<i64>,
    pub progress_deadline_seconds: Option<i64>,
    pub strategy_type: Option<String>,
    /// `rollingUpdate` is given (not null).
    pub rolling_update: bool,
    pub max_surge: Option<IntOrString>,
    pub max_unavailable: Option<IntOrString>,
    pub partition: Option<i64>,
    /// `ordinals.start` as given (the simulation starts a negative one at 0).
    pub ordinals_start: Option<i64>,
    /// A StatefulSet's `persistentVolumeClaimRetentionPolicy` (`whenDeleted`, `whenScaled`).
    pub pvc_retention: [Option<String>; 2],
}

// ---------------------------------------------------------------------------------------------
// Services

#[derive(
    Clone,
    Copy,
    Debug,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    Hash,
    Default,
    serde::Serialize,
    serde::Deserialize,
)]
#[serde(try_from = "String")]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
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
from_name!(ServiceType: ServiceType::ClusterIP, ServiceType::NodePort, ServiceType::LoadBalancer, ServiceType::ExternalName);

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
    /// `spec.trafficDistribution` as given (`PreferClose`, `PreferSameZone`, `PreferSameNode`);
    /// which values a release accepts is checked by the manifest stage; the EndpointSlice
    /// controller turns it into endpoint hints.
    pub traffic_distribution: Option<String>,
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
    /// `ipMode` as written (`VIP` or `Proxy`); `None` when absent (the API server defaults it
    /// to `VIP` when `ip` is set). kube-proxy ignores `Proxy` entries.
    pub ip_mode: Option<String>,
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
    /// Addresses the manifest lists whose `ip` is missing or not an IP (reported while
    /// decoding, and left out above), as (in `addresses`, not `notReadyAddresses`; index in
    /// that list): they still count as given for validation, and keep the others' indices.
    pub unparsed_addresses: Vec<(bool, usize)>,
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
    /// `kubernetesVersion` as given (`v1.35.2`); the cluster runs [`crate::manifest::KubeVersion`].
    pub kubernetes_version: Option<String>,
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

// ---------------------------------------------------------------------------------------------
// NetworkPolicy (networking.k8s.io/v1) and ClusterNetworkPolicy (policy.networking.k8s.io)

/// `spec.policyTypes` values.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum PolicyType {
    Ingress,
    Egress,
}

impl PolicyType {
    pub fn as_str(self) -> &'static str {
        match self {
            PolicyType::Ingress => "Ingress",
            PolicyType::Egress => "Egress",
        }
    }
}

/// `networking.k8s.io/v1` NetworkPolicy, defaulted (`SetDefaults_NetworkPolicy`).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct NetworkPolicy {
    pub meta: ObjectMeta,
    pub spec: NetworkPolicySpec,
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct NetworkPolicySpec {
    /// `{}` (or absent) selects every Pod of the policy's namespace.
    pub pod_selector: LabelSelector,
    /// `ingress[]`: each rule's `from` peers and `ports`.
    pub ingress: Vec<NetworkPolicyRule>,
    /// `egress[]`: each rule's `to` peers and `ports`.
    pub egress: Vec<NetworkPolicyRule>,
    /// Defaulted: `[Ingress]`, plus `Egress` when `egress` has rules. Only valid values are kept.
    pub policy_types: Vec<PolicyType>,
}

/// One ingress or egress rule. Empty `peers` matches every peer, empty `ports` every port.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct NetworkPolicyRule {
    /// `from` (ingress) or `to` (egress).
    pub peers: Vec<NetworkPolicyPeer>,
    pub ports: Vec<NetworkPolicyPort>,
}

/// A `from`/`to` item. `None` selectors are absent; `Some(empty)` selects everything.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct NetworkPolicyPeer {
    pub pod_selector: Option<LabelSelector>,
    pub namespace_selector: Option<LabelSelector>,
    pub ip_block: Option<IpBlock>,
}

/// `ipBlock`: `cidr` minus every `except`, as written.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct IpBlock {
    pub cidr: String,
    pub except: Vec<String>,
}

/// A `ports` item; `protocol` defaulted to TCP (`SetDefaults_NetworkPolicyPort`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NetworkPolicyPort {
    pub protocol: Protocol,
    /// A number or a named port (a container port name of the destination Pod); `None`: all.
    pub port: Option<IntOrString>,
    /// With a numeric `port`: the inclusive end of the range.
    pub end_port: Option<i32>,
}

/// `spec.tier` of a ClusterNetworkPolicy.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum CnpTier {
    /// Evaluated before NetworkPolicy.
    #[default]
    Admin,
    /// Evaluated only where no NetworkPolicy decided.
    Baseline,
}

impl CnpTier {
    pub fn as_str(self) -> &'static str {
        match self {
            CnpTier::Admin => "Admin",
            CnpTier::Baseline => "Baseline",
        }
    }
}

/// A rule's `action`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum CnpAction {
    #[default]
    Accept,
    Deny,
    Pass,
}

impl CnpAction {
    pub fn as_str(self) -> &'static str {
        match self {
            CnpAction::Accept => "Accept",
            CnpAction::Deny => "Deny",
            CnpAction::Pass => "Pass",
        }
    }
}

/// `policy.networking.k8s.io` ClusterNetworkPolicy (cluster-scoped; the successor of
/// AdminNetworkPolicy / BaselineAdminNetworkPolicy).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ClusterNetworkPolicy {
    pub meta: ObjectMeta,
    pub spec: ClusterNetworkPolicySpec,
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ClusterNetworkPolicySpec {
    pub tier: CnpTier,
    /// 0–1000; lower is evaluated first.
    pub priority: i32,
    pub subject: CnpSubject,
    /// In precedence order (the first matching rule decides).
    pub ingress: Vec<CnpRule>,
    pub egress: Vec<CnpRule>,
}

/// `spec.subject` (exactly one of `namespaces` / `pods`; `None` when neither or both were given,
/// which validation rejects).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub enum CnpSubject {
    Namespaces(LabelSelector),
    Pods(NamespacedPod),
    #[default]
    None,
}

/// `NamespacedPod`: Pods matching `pod_selector` in namespaces matching `namespace_selector`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct NamespacedPod {
    pub namespace_selector: LabelSelector,
    pub pod_selector: LabelSelector,
}

/// One ingress or egress rule of a ClusterNetworkPolicy.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct CnpRule {
    pub name: String,
    pub action: CnpAction,
    /// `from` (ingress) or `to` (egress).
    pub peers: Vec<CnpPeer>,
    /// Empty: every port and protocol.
    pub protocols: Vec<CnpProtocol>,
}

/// A `from`/`to` item (exactly one field set; `Invalid` otherwise — "fail closed").
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum CnpPeer {
    Namespaces(LabelSelector),
    Pods(NamespacedPod),
    /// Egress only (experimental): the node addresses of matching Nodes.
    Nodes(LabelSelector),
    /// Egress only: CIDRs as written.
    Networks(Vec<String>),
    /// Egress only (experimental), Accept rules only.
    DomainNames(Vec<String>),
    Invalid,
}

/// A `protocols` item.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum CnpProtocol {
    /// `tcp` / `udp` / `sctp`, with an optional `destinationPort`.
    Port {
        protocol: Protocol,
        port: Option<CnpPort>,
    },
    /// `destinationNamedPort` (experimental).
    NamedPort(String),
    Invalid,
}

/// `destinationPort`: one `number` or an inclusive `range`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CnpPort {
    Number(i32),
    Range { start: i32, end: i32 },
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
    pub network_policies: Vec<NetworkPolicy>,
    pub cluster_network_policies: Vec<ClusterNetworkPolicy>,
}

impl Objects {
    /// Every object's kind and metadata, kind by kind in [`KINDS`] order (each kind's objects
    /// in input order): one walk over all kinds for listings such as the page's objects table.
    /// Configuration kinds (kubeadm, kube-proxy, kubelet) are included.
    pub fn metas(&self) -> Vec<(&'static str, &ObjectMeta)> {
        let mut out: Vec<(&'static str, &ObjectMeta)> = Vec::new();
        out.extend(self.namespaces.iter().map(|x| ("Namespace", &x.meta)));
        out.extend(self.nodes.iter().map(|x| ("Node", &x.meta)));
        out.extend(self.pods.iter().map(|x| ("Pod", &x.meta)));
        out.extend(self.services.iter().map(|x| ("Service", &x.meta)));
        out.extend(self.endpoints.iter().map(|x| ("Endpoints", &x.meta)));
        out.extend(self.endpoint_slices.iter().map(|x| ("EndpointSlice", &x.meta)));
        out.extend(self.workloads.iter().map(|x| (x.kind.as_str(), &x.meta)));
        out.extend(self.config_maps.iter().map(|x| ("ConfigMap", &x.meta)));
        out.extend(self.cluster_configurations.iter().map(|x| ("ClusterConfiguration", &x.meta)));
        out.extend(
            self.kube_proxy_configurations.iter().map(|x| ("KubeProxyConfiguration", &x.meta)),
        );
        out.extend(self.kubelet_configurations.iter().map(|x| ("KubeletConfiguration", &x.meta)));
        out.extend(self.ip_address_pools.iter().map(|x| ("IPAddressPool", &x.meta)));
        out.extend(self.l2_advertisements.iter().map(|x| ("L2Advertisement", &x.meta)));
        out.extend(self.network_policies.iter().map(|x| ("NetworkPolicy", &x.meta)));
        out.extend(self.cluster_network_policies.iter().map(|x| ("ClusterNetworkPolicy", &x.meta)));
        out
    }
}

// ---------------------------------------------------------------------------------------------
// Kinds: the one table every stage reads

/// How the simulator treats a kind.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Simulated {
    /// Decoded, validated and simulated.
    Yes,
    /// A built-in API kind the simulator reads no further: warned as not simulated.
    No,
    /// A configuration file read by its tool (kubeadm, kube-proxy, kubelet), not an API object:
    /// `kubectl apply` has no resource for it.
    Config,
}

/// One kind: its API identity and the names kubectl knows it by.
///
/// Sources: `kubectl api-resources` of a v1.33–v1.37 cluster (names, short names, namespaced,
/// the `all` category: `pkg/registry/*/rest.go` `Categories()`), kubeadm / kube-proxy /
/// kubelet configuration groups, MetalLB's CRDs (`metallb.io`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct KindInfo {
    pub kind: &'static str,
    /// API group; empty for the core group.
    pub group: &'static str,
    /// The versions the group serves this kind in, preferred first.
    pub versions: &'static [&'static str],
    /// The resource name (`pods`); empty for configuration kinds.
    pub plural: &'static str,
    /// kubectl's short names (`po`).
    pub short: &'static [&'static str],
    pub namespaced: bool,
    pub simulated: Simulated,
    /// Member of kubectl's `all` category (`kubectl get all`).
    pub all: bool,
}

impl KindInfo {
    /// The preferred `apiVersion` (`apps/v1`, `v1`).
    pub fn api_version(&self) -> String {
        let v = self.versions.first().copied().unwrap_or("v1");
        if self.group.is_empty() {
            v.to_string()
        } else {
            format!("{}/{v}", self.group)
        }
    }

    /// Whether `api_version` (`apps/v1`) serves this kind.
    pub fn serves(&self, api_version: &str) -> bool {
        let (group, version) = api_version.rsplit_once('/').unwrap_or(("", api_version));
        group == self.group && self.versions.contains(&version)
    }

    /// The singular resource name (`pod`): the kind in lower case.
    pub fn singular(&self) -> String {
        self.kind.to_ascii_lowercase()
    }

    /// kubectl's `resource.group` name for messages and `kind/name` prefixes: `pod`,
    /// `deployment.apps`, `endpointslice.discovery.k8s.io`.
    pub fn kubectl_name(&self) -> String {
        if self.group.is_empty() {
            self.singular()
        } else {
            format!("{}.{}", self.singular(), self.group)
        }
    }

    /// The plural with its group (`deployments.apps`), as `Error from server (NotFound)` and
    /// `the server doesn't have …` name it.
    pub fn qualified_plural(&self) -> String {
        if self.group.is_empty() {
            self.plural.to_string()
        } else {
            format!("{}.{}", self.plural, self.group)
        }
    }

    /// Whether kubectl resolves `name` to this kind: plural, singular, short name, or either
    /// with its group (`deploy`, `deployments.apps`), case-insensitively.
    pub fn named(&self, name: &str) -> bool {
        if self.plural.is_empty() {
            return false;
        }
        let n = name.to_ascii_lowercase();
        let (base, group) = match n.split_once('.') {
            Some((b, g)) => (b, Some(g)),
            None => (n.as_str(), None),
        };
        if group.is_some_and(|g| g != self.group) {
            return false;
        }
        base == self.plural
            || base == self.singular()
            || (group.is_none() && self.short.contains(&base))
    }
}

/// Every kind the simulator knows, simulated or not, in `kubectl api-resources` order (core
/// group first, then groups by name).
pub const KINDS: &[KindInfo] = &[
    k("Binding", "", &["v1"], "bindings", &[], true, Simulated::No, false),
    k("ComponentStatus", "", &["v1"], "componentstatuses", &["cs"], false, Simulated::No, false),
    k("ConfigMap", "", &["v1"], "configmaps", &["cm"], true, Simulated::Yes, false),
    k("Endpoints", "", &["v1"], "endpoints", &["ep"], true, Simulated::Yes, false),
    k("Event", "", &["v1"], "events", &["ev"], true, Simulated::No, false),
    k("LimitRange", "", &["v1"], "limitranges", &["limits"], true, Simulated::No, false),
    k("Namespace", "", &["v1"], "namespaces", &["ns"], false, Simulated::Yes, false),
    k("Node", "", &["v1"], "nodes", &["no"], false, Simulated::Yes, false),
    k(
        "PersistentVolumeClaim",
        "",
        &["v1"],
        "persistentvolumeclaims",
        &["pvc"],
        true,
        Simulated::No,
        false,
    ),
    k("PersistentVolume", "", &["v1"], "persistentvolumes", &["pv"], false, Simulated::No, false),
    k("Pod", "", &["v1"], "pods", &["po"], true, Simulated::Yes, true),
    k("PodTemplate", "", &["v1"], "podtemplates", &[], true, Simulated::No, false),
    k(
        "ReplicationController",
        "",
        &["v1"],
        "replicationcontrollers",
        &["rc"],
        true,
        Simulated::Yes,
        true,
    ),
    k("ResourceQuota", "", &["v1"], "resourcequotas", &["quota"], true, Simulated::No, false),
    k("Secret", "", &["v1"], "secrets", &[], true, Simulated::No, false),
    k("ServiceAccount", "", &["v1"], "serviceaccounts", &["sa"], true, Simulated::No, false),
    k("Service", "", &["v1"], "services", &["svc"], true, Simulated::Yes, true),
    k(
        "CustomResourceDefinition",
        "apiextensions.k8s.io",
        &["v1"],
        "customresourcedefinitions",
        &["crd", "crds"],
        false,
        Simulated::No,
        false,
    ),
    k(
        "ControllerRevision",
        "apps",
        &["v1"],
        "controllerrevisions",
        &[],
        true,
        Simulated::No,
        false,
    ),
    k("DaemonSet", "apps", &["v1"], "daemonsets", &["ds"], true, Simulated::Yes, true),
    k("Deployment", "apps", &["v1"], "deployments", &["deploy"], true, Simulated::Yes, true),
    k("ReplicaSet", "apps", &["v1"], "replicasets", &["rs"], true, Simulated::Yes, true),
    k("StatefulSet", "apps", &["v1"], "statefulsets", &["sts"], true, Simulated::Yes, true),
    k(
        "HorizontalPodAutoscaler",
        "autoscaling",
        &["v2", "v1"],
        "horizontalpodautoscalers",
        &["hpa"],
        true,
        Simulated::No,
        true,
    ),
    k("CronJob", "batch", &["v1"], "cronjobs", &["cj"], true, Simulated::No, true),
    k("Job", "batch", &["v1"], "jobs", &[], true, Simulated::No, true),
    k("Lease", "coordination.k8s.io", &["v1"], "leases", &[], true, Simulated::No, false),
    // v1beta1 was removed in v1.25; the simulator still reads old dumps that use it.
    k(
        "EndpointSlice",
        "discovery.k8s.io",
        &["v1", "v1beta1"],
        "endpointslices",
        &[],
        true,
        Simulated::Yes,
        false,
    ),
    k(
        "IngressClass",
        "networking.k8s.io",
        &["v1"],
        "ingressclasses",
        &[],
        false,
        Simulated::No,
        false,
    ),
    k("Ingress", "networking.k8s.io", &["v1"], "ingresses", &["ing"], true, Simulated::No, false),
    k(
        "IPAddress",
        "networking.k8s.io",
        &["v1"],
        "ipaddresses",
        &["ip"],
        false,
        Simulated::No,
        false,
    ),
    k(
        "NetworkPolicy",
        "networking.k8s.io",
        &["v1"],
        "networkpolicies",
        &["netpol"],
        true,
        Simulated::Yes,
        false,
    ),
    k(
        "ServiceCIDR",
        "networking.k8s.io",
        &["v1"],
        "servicecidrs",
        &[],
        false,
        Simulated::No,
        false,
    ),
    // network-policy-api v0.2 (v1alpha2); the conformance suite's newest manifests use v1beta1
    // with the same fields.
    k(
        "ClusterNetworkPolicy",
        "policy.networking.k8s.io",
        &["v1alpha2", "v1beta1"],
        "clusternetworkpolicies",
        // `+kubebuilder:resource:shortName=cnp` (clusternetworkpolicy_types.go).
        &["cnp"],
        false,
        Simulated::Yes,
        false,
    ),
    k(
        "PodDisruptionBudget",
        "policy",
        &["v1"],
        "poddisruptionbudgets",
        &["pdb"],
        true,
        Simulated::No,
        false,
    ),
    k(
        "ClusterRoleBinding",
        "rbac.authorization.k8s.io",
        &["v1"],
        "clusterrolebindings",
        &[],
        false,
        Simulated::No,
        false,
    ),
    k(
        "ClusterRole",
        "rbac.authorization.k8s.io",
        &["v1"],
        "clusterroles",
        &[],
        false,
        Simulated::No,
        false,
    ),
    k(
        "RoleBinding",
        "rbac.authorization.k8s.io",
        &["v1"],
        "rolebindings",
        &[],
        true,
        Simulated::No,
        false,
    ),
    k("Role", "rbac.authorization.k8s.io", &["v1"], "roles", &[], true, Simulated::No, false),
    k(
        "PriorityClass",
        "scheduling.k8s.io",
        &["v1"],
        "priorityclasses",
        &["pc"],
        false,
        Simulated::No,
        false,
    ),
    k(
        "StorageClass",
        "storage.k8s.io",
        &["v1"],
        "storageclasses",
        &["sc"],
        false,
        Simulated::No,
        false,
    ),
    // MetalLB's CRDs (metallb.io), simulated when the input uses them.
    k("BFDProfile", "metallb.io", &["v1beta1"], "bfdprofiles", &[], true, Simulated::No, false),
    k(
        "BGPAdvertisement",
        "metallb.io",
        &["v1beta1"],
        "bgpadvertisements",
        &[],
        true,
        Simulated::No,
        false,
    ),
    k(
        "BGPPeer",
        "metallb.io",
        &["v1beta2", "v1beta1"],
        "bgppeers",
        &[],
        true,
        Simulated::No,
        false,
    ),
    k("Community", "metallb.io", &["v1beta1"], "communities", &[], true, Simulated::No, false),
    k(
        "IPAddressPool",
        "metallb.io",
        &["v1beta1"],
        "ipaddresspools",
        &[],
        true,
        Simulated::Yes,
        false,
    ),
    k(
        "L2Advertisement",
        "metallb.io",
        &["v1beta1"],
        "l2advertisements",
        &[],
        true,
        Simulated::Yes,
        false,
    ),
    // Configuration files, read by their tools; kubeadm reads v1beta3 and v1beta4.
    k(
        "ClusterConfiguration",
        "kubeadm.k8s.io",
        &["v1beta4", "v1beta3"],
        "",
        &[],
        false,
        Simulated::Config,
        false,
    ),
    k(
        "KubeProxyConfiguration",
        "kubeproxy.config.k8s.io",
        &["v1alpha1"],
        "",
        &[],
        false,
        Simulated::Config,
        false,
    ),
    k(
        "KubeletConfiguration",
        "kubelet.config.k8s.io",
        &["v1beta1"],
        "",
        &[],
        false,
        Simulated::Config,
        false,
    ),
];

#[allow(clippy::too_many_arguments)]
const fn k(
    kind: &'static str,
    group: &'static str,
    versions: &'static [&'static str],
    plural: &'static str,
    short: &'static [&'static str],
    namespaced: bool,
    simulated: Simulated,
    all: bool,
) -> KindInfo {
    KindInfo { kind, group, versions, plural, short, namespaced, simulated, all }
}

/// The row of `kind` (exact, case-sensitive as in manifests).
pub fn kind_info(kind: &str) -> Option<&'static KindInfo> {
    KINDS.iter().find(|k| k.kind == kind)
}

/// The kind kubectl means by a resource name (`po`, `services`, `deployments.apps`).
pub fn kind_named(name: &str) -> Option<&'static KindInfo> {
    KINDS.iter().find(|k| k.named(name))
}

/// The kinds an `apiVersion` (`apps/v1`) serves.
pub fn kinds_served_by(api_version: &str) -> impl Iterator<Item = &'static KindInfo> + '_ {
    KINDS.iter().filter(move |k| k.serves(api_version))
}

/// kubectl's `all` category in the order `kubectl get all` prints it: the core group's
/// resources first, then the other groups by name (discovery order), each group's kinds by
/// resource name.
pub fn all_category() -> impl Iterator<Item = &'static KindInfo> {
    KINDS.iter().filter(|k| k.all)
}
