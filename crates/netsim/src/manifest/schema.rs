//! Field names of the real Kubernetes schema, per type (json tags of `k8s.io/api` types, read
//! from `staging/src/k8s.io/api/core/v1/types.go`, `apps/v1/types.go`,
//! `discovery/v1/types.go`, `meta/v1/types.go`, kubeadm `v1beta3`/`v1beta4` types and
//! kube-proxy `v1alpha1` types, MetalLB `api/v1beta1`).
//!
//! A field in these lists that the simulator does not model is accepted silently (it exists in
//! Kubernetes, it just does not change Service networking); a field that is in no list gets an
//! `unknown-field` warning with the closest name as a suggestion.

pub(crate) const TYPE_META: &[&str] = &["apiVersion", "kind", "metadata", "spec", "status"];
pub(crate) const CONFIGMAP_TOP: &[&str] =
    &["apiVersion", "kind", "metadata", "data", "binaryData", "immutable"];
pub(crate) const ENDPOINTS_TOP: &[&str] = &["apiVersion", "kind", "metadata", "subsets"];
pub(crate) const ENDPOINTSLICE_TOP: &[&str] =
    &["apiVersion", "kind", "metadata", "addressType", "endpoints", "ports"];
pub(crate) const LIST_TOP: &[&str] = &["apiVersion", "kind", "metadata", "items"];

pub(crate) const OBJECT_META: &[&str] = &[
    "name",
    "generateName",
    "namespace",
    "selfLink",
    "uid",
    "resourceVersion",
    "generation",
    "creationTimestamp",
    "deletionTimestamp",
    "deletionGracePeriodSeconds",
    "labels",
    "annotations",
    "ownerReferences",
    "finalizers",
    "managedFields",
];
pub(crate) const OWNER_REFERENCE: &[&str] =
    &["apiVersion", "kind", "name", "uid", "controller", "blockOwnerDeletion"];

pub(crate) const SERVICE_SPEC: &[&str] = &[
    "ports",
    "selector",
    "clusterIP",
    "clusterIPs",
    "type",
    "externalIPs",
    "sessionAffinity",
    "loadBalancerIP",
    "loadBalancerSourceRanges",
    "externalName",
    "externalTrafficPolicy",
    "healthCheckNodePort",
    "publishNotReadyAddresses",
    "sessionAffinityConfig",
    "ipFamilies",
    "ipFamilyPolicy",
    "allocateLoadBalancerNodePorts",
    "loadBalancerClass",
    "internalTrafficPolicy",
    "trafficDistribution",
];
pub(crate) const SERVICE_PORT: &[&str] =
    &["name", "protocol", "appProtocol", "port", "targetPort", "nodePort"];
pub(crate) const SESSION_AFFINITY_CONFIG: &[&str] = &["clientIP"];
pub(crate) const CLIENT_IP_CONFIG: &[&str] = &["timeoutSeconds"];
pub(crate) const SERVICE_STATUS: &[&str] = &["loadBalancer", "conditions"];
pub(crate) const LOAD_BALANCER_STATUS: &[&str] = &["ingress"];
pub(crate) const LOAD_BALANCER_INGRESS: &[&str] = &["ip", "hostname", "ipMode", "ports"];

pub(crate) const POD_SPEC: &[&str] = &[
    "volumes",
    "initContainers",
    "containers",
    "ephemeralContainers",
    "restartPolicy",
    "terminationGracePeriodSeconds",
    "activeDeadlineSeconds",
    "dnsPolicy",
    "nodeSelector",
    "serviceAccountName",
    "serviceAccount",
    "automountServiceAccountToken",
    "nodeName",
    "hostNetwork",
    "hostPID",
    "hostIPC",
    "shareProcessNamespace",
    "securityContext",
    "imagePullSecrets",
    "hostname",
    "subdomain",
    "affinity",
    "schedulerName",
    "tolerations",
    "hostAliases",
    "priorityClassName",
    "priority",
    "dnsConfig",
    "readinessGates",
    "runtimeClassName",
    "enableServiceLinks",
    "preemptionPolicy",
    "overhead",
    "topologySpreadConstraints",
    "setHostnameAsFQDN",
    "os",
    "hostUsers",
    "schedulingGates",
    "resourceClaims",
    "resources",
];
pub(crate) const CONTAINER: &[&str] = &[
    "name",
    "image",
    "command",
    "args",
    "workingDir",
    "ports",
    "envFrom",
    "env",
    "resources",
    "resizePolicy",
    "restartPolicy",
    "restartPolicyRules",
    "volumeMounts",
    "volumeDevices",
    "livenessProbe",
    "readinessProbe",
    "startupProbe",
    "lifecycle",
    "terminationMessagePath",
    "terminationMessagePolicy",
    "imagePullPolicy",
    "securityContext",
    "stdin",
    "stdinOnce",
    "tty",
];
pub(crate) const CONTAINER_PORT: &[&str] =
    &["name", "hostPort", "containerPort", "protocol", "hostIP"];
pub(crate) const ENV_VAR: &[&str] = &["name", "value", "valueFrom"];
pub(crate) const TOLERATION: &[&str] = &["key", "operator", "value", "effect", "tolerationSeconds"];
pub(crate) const POD_DNS_CONFIG: &[&str] = &["nameservers", "searches", "options"];
pub(crate) const POD_DNS_CONFIG_OPTION: &[&str] = &["name", "value"];
pub(crate) const READINESS_GATE: &[&str] = &["conditionType"];
pub(crate) const SCHEDULING_GATE: &[&str] = &["name"];
pub(crate) const RESOURCE_REQUIREMENTS: &[&str] = &["limits", "requests", "claims"];
pub(crate) const POD_STATUS: &[&str] = &[
    "phase",
    "conditions",
    "message",
    "reason",
    "nominatedNodeName",
    "hostIP",
    "hostIPs",
    "podIP",
    "podIPs",
    "startTime",
    "initContainerStatuses",
    "containerStatuses",
    "qosClass",
    "ephemeralContainerStatuses",
    "resize",
    "resourceClaimStatuses",
    "observedGeneration",
    "extendedResourceClaimStatus",
];
pub(crate) const POD_CONDITION: &[&str] = &[
    "type",
    "status",
    "lastProbeTime",
    "lastTransitionTime",
    "reason",
    "message",
    "observedGeneration",
];
pub(crate) const POD_IP: &[&str] = &["ip"];
pub(crate) const CONTAINER_STATUS: &[&str] = &[
    "name",
    "state",
    "lastState",
    "ready",
    "restartCount",
    "image",
    "imageID",
    "containerID",
    "started",
    "allocatedResources",
    "resources",
    "volumeMounts",
    "user",
    "allocatedResourcesStatus",
    "stopSignal",
];

pub(crate) const NODE_SPEC: &[&str] =
    &["podCIDR", "podCIDRs", "providerID", "unschedulable", "taints", "configSource", "externalID"];
pub(crate) const TAINT: &[&str] = &["key", "value", "effect", "timeAdded"];
pub(crate) const NODE_STATUS: &[&str] = &[
    "capacity",
    "allocatable",
    "phase",
    "conditions",
    "addresses",
    "daemonEndpoints",
    "nodeInfo",
    "images",
    "volumesInUse",
    "volumesAttached",
    "config",
    "runtimeHandlers",
    "features",
    "declaredFeatures",
];
pub(crate) const NODE_ADDRESS: &[&str] = &["type", "address"];
/// `NodeSystemInfo` (core/v1 types.go).
pub(crate) const NODE_SYSTEM_INFO: &[&str] = &[
    "machineID",
    "systemUUID",
    "bootID",
    "kernelVersion",
    "osImage",
    "containerRuntimeVersion",
    "kubeletVersion",
    "kubeProxyVersion",
    "operatingSystem",
    "architecture",
    "swap",
];
pub(crate) const NODE_CONDITION: &[&str] =
    &["type", "status", "lastHeartbeatTime", "lastTransitionTime", "reason", "message"];
pub(crate) const NAMESPACE_SPEC: &[&str] = &["finalizers"];
pub(crate) const NAMESPACE_STATUS: &[&str] = &["phase", "conditions"];

pub(crate) const ENDPOINT_SUBSET: &[&str] = &["addresses", "notReadyAddresses", "ports"];
pub(crate) const ENDPOINT_ADDRESS: &[&str] = &["ip", "hostname", "nodeName", "targetRef"];
pub(crate) const ENDPOINT_PORT: &[&str] = &["name", "port", "protocol", "appProtocol"];
pub(crate) const OBJECT_REFERENCE: &[&str] =
    &["kind", "namespace", "name", "uid", "apiVersion", "resourceVersion", "fieldPath"];
pub(crate) const SLICE_ENDPOINT: &[&str] = &[
    "addresses",
    "conditions",
    "hostname",
    "targetRef",
    "nodeName",
    "zone",
    "hints",
    "deprecatedTopology",
];
pub(crate) const SLICE_CONDITIONS: &[&str] = &["ready", "serving", "terminating"];
pub(crate) const SLICE_HINTS: &[&str] = &["forZones", "forNodes"];
pub(crate) const SLICE_HINT_NAME: &[&str] = &["name"];

pub(crate) const DEPLOYMENT_SPEC: &[&str] = &[
    "replicas",
    "selector",
    "template",
    "strategy",
    "minReadySeconds",
    "revisionHistoryLimit",
    "paused",
    "progressDeadlineSeconds",
];
pub(crate) const REPLICASET_SPEC: &[&str] =
    &["replicas", "minReadySeconds", "selector", "template"];
/// `core/v1` `ReplicationControllerSpec`; `selector` is a plain label map.
pub(crate) const REPLICATION_CONTROLLER_SPEC: &[&str] =
    &["replicas", "minReadySeconds", "selector", "template"];
pub(crate) const STATEFULSET_SPEC: &[&str] = &[
    "replicas",
    "selector",
    "template",
    "volumeClaimTemplates",
    "serviceName",
    "podManagementPolicy",
    "updateStrategy",
    "revisionHistoryLimit",
    "minReadySeconds",
    "persistentVolumeClaimRetentionPolicy",
    "ordinals",
];
pub(crate) const DAEMONSET_SPEC: &[&str] =
    &["selector", "template", "updateStrategy", "minReadySeconds", "revisionHistoryLimit"];
pub(crate) const POD_TEMPLATE_SPEC: &[&str] = &["metadata", "spec"];
pub(crate) const LABEL_SELECTOR: &[&str] = &["matchLabels", "matchExpressions"];
pub(crate) const LABEL_SELECTOR_REQUIREMENT: &[&str] = &["key", "operator", "values"];

pub(crate) const KUBEADM_CLUSTER_CONFIGURATION: &[&str] = &[
    "apiVersion",
    "kind",
    "etcd",
    "networking",
    "kubernetesVersion",
    "controlPlaneEndpoint",
    "apiServer",
    "controllerManager",
    "scheduler",
    "dns",
    "proxy",
    "certificatesDir",
    "imageRepository",
    "featureGates",
    "clusterName",
    "encryptionAlgorithm",
    "certificateValidityPeriod",
    "caCertificateValidityPeriod",
    "useHyperKubeImage",
    "metadata",
];
pub(crate) const KUBEADM_NETWORKING: &[&str] = &["serviceSubnet", "podSubnet", "dnsDomain"];
pub(crate) const KUBEADM_API_SERVER: &[&str] =
    &["extraArgs", "extraVolumes", "extraEnvs", "certSANs", "timeoutForControlPlane"];

pub(crate) const KUBE_PROXY_CONFIGURATION: &[&str] = &[
    "apiVersion",
    "kind",
    "metadata",
    "featureGates",
    "clientConnection",
    "logging",
    "hostnameOverride",
    "bindAddress",
    "healthzBindAddress",
    "metricsBindAddress",
    "bindAddressHardFail",
    "enableProfiling",
    "showHiddenMetricsForVersion",
    "mode",
    "iptables",
    "ipvs",
    "nftables",
    "winkernel",
    "detectLocalMode",
    "detectLocal",
    "clusterCIDR",
    "nodePortAddresses",
    "oomScoreAdj",
    "conntrack",
    "configSyncPeriod",
    "portRange",
    "linux",
    "windowsRunAsService",
    "udpIdleTimeout",
];
pub(crate) const KUBE_PROXY_IPTABLES: &[&str] =
    &["masqueradeBit", "masqueradeAll", "localhostNodePorts", "syncPeriod", "minSyncPeriod"];
pub(crate) const KUBE_PROXY_LINUX: &[&str] = &["conntrack", "masqueradeAll", "oomScoreAdj"];
pub(crate) const KUBE_PROXY_NFTABLES: &[&str] =
    &["masqueradeBit", "masqueradeAll", "syncPeriod", "minSyncPeriod"];

pub(crate) const METALLB_POOL_SPEC: &[&str] =
    &["addresses", "autoAssign", "avoidBuggyIPs", "serviceAllocation"];
pub(crate) const METALLB_L2_SPEC: &[&str] =
    &["ipAddressPools", "ipAddressPoolSelectors", "nodeSelectors", "interfaces"];
