//! The API server's warnings for a created Pod or Pod template (`pkg/api/pod/warnings.go`
//! `GetWarningsForPod` / `GetWarningsForPodTemplate` → `warningsForPodSpecAndMeta`, and
//! `pkg/api/node/util.go` `GetNodeLabelDeprecatedMessage` / `GetWarningsForNodeSelectorTerm`),
//! in upstream's order, for the fields the simulator reads. A template's paths start with
//! `spec.template.` (the workload strategies pass `field.NewPath("spec", "template")`).
//!
//! Not covered: volume plugins and projected-volume path overlaps, resource quantities
//! (`overhead`, `resources`): the simulator does not read volumes or resources.

use super::*;

/// `deprecatedNodeLabels` (`pkg/api/node/util.go`).
fn node_label_deprecated(key: &str) -> Option<&'static str> {
    Some(match key {
        "beta.kubernetes.io/arch" => r#"deprecated since v1.14; use "kubernetes.io/arch" instead"#,
        "beta.kubernetes.io/os" => r#"deprecated since v1.14; use "kubernetes.io/os" instead"#,
        "failure-domain.beta.kubernetes.io/region" => {
            r#"deprecated since v1.17; use "topology.kubernetes.io/region" instead"#
        }
        "failure-domain.beta.kubernetes.io/zone" => {
            r#"deprecated since v1.17; use "topology.kubernetes.io/zone" instead"#
        }
        "beta.kubernetes.io/instance-type" => {
            r#"deprecated since v1.17; use "node.kubernetes.io/instance-type" instead"#
        }
        "app.kubernetes.io/created-by" => "deprecated since v1.9",
        "scheduler.alpha.kubernetes.io/preferAvoidPods" => {
            "deprecated since v1.22; use Taints and Tolerations instead"
        }
        "node-role.kubernetes.io/master" => {
            r#"use "node-role.kubernetes.io/control-plane" instead"#
        }
        _ => return None,
    })
}

/// `deprecatedAnnotations` (`pkg/api/pod/warnings.go`), in its order.
const DEPRECATED_ANNOTATIONS: [(&str, &str); 3] = [
    (
        "scheduler.alpha.kubernetes.io/critical-pod",
        r#"non-functional in v1.16+; use the "priorityClassName" field instead"#,
    ),
    (
        "security.alpha.kubernetes.io/sysctls",
        r#"non-functional in v1.11+; use the "sysctls" field instead"#,
    ),
    (
        "security.alpha.kubernetes.io/unsafe-sysctls",
        r#"non-functional in v1.11+; use the "sysctls" field instead"#,
    ),
];

const SECCOMP_POD: &str = "seccomp.security.alpha.kubernetes.io/pod";
const SECCOMP_CONTAINER: &str = "container.seccomp.security.alpha.kubernetes.io/";
const APPARMOR_CONTAINER: &str = "container.apparmor.security.beta.kubernetes.io/";
const SECCOMP_MSG: &str = r#"non-functional in v1.27+; use the "seccompProfile" field instead"#;

struct W<'p, 'v, 'd> {
    v: &'v mut V<'d>,
    /// "" for a Pod, "spec.template." for a workload's template.
    prefix: &'p str,
}

impl W<'_, '_, '_> {
    fn warn(&mut self, at: &str, text: String) {
        let at = format!("{}{at}", self.prefix);
        let text = format!("{}{text}", self.prefix);
        self.v.warn(
            &at,
            text,
            "the API server accepts the object and returns this warning (pkg/api/pod/warnings.go)",
        );
    }
}

/// The containers `pods.VisitContainersWithPath` visits (init containers, then containers;
/// the simulator reads no ephemeral containers), with their paths.
fn visit(spec: &RawPodSpec) -> Vec<(String, &RawContainer)> {
    let init = spec
        .init_containers
        .iter()
        .enumerate()
        .map(|(i, c)| (format!("spec.initContainers[{i}]"), c));
    let main =
        spec.containers.iter().enumerate().map(|(i, c)| (format!("spec.containers[{i}]"), c));
    init.chain(main).collect()
}

/// `warningsForPodSpecAndMeta`; `template`: a workload's Pod template rather than a Pod.
pub(super) fn pod_warnings(v: &mut V<'_>, template: bool, ann: &Labels, spec: &RawPodSpec) {
    let mut w = W { v, prefix: if template { "spec.template." } else { "" } };
    node_labels(&mut w, spec);
    for (key, msg) in DEPRECATED_ANNOTATIONS {
        if ann.contains_key(key) {
            w.warn("metadata.annotations", format!("metadata.annotations[{key}]: {msg}"));
        }
    }
    duplicates(&mut w, spec);
    // A Pod's create copies the seccomp/AppArmor annotations into the fields first (pod
    // strategy `applySeccompVersionSkew` / `applyAppArmorVersionSkew` in PrepareForCreate), so
    // only a template warns about them.
    if template && !spec.warn.seccomp_field && ann.contains_key(SECCOMP_POD) {
        w.warn(
            "metadata.annotations",
            format!("metadata.annotations[{SECCOMP_POD}]: {SECCOMP_MSG}"),
        );
    }
    for (path, c) in visit(spec) {
        if template {
            security_annotations(&mut w, ann, spec, c);
        }
        env_warnings(&mut w, &path, c);
    }
    port_warnings(&mut w, spec);
    port_name_warnings(&mut w, spec);
    if spec.spec.termination_grace_period_seconds.is_some_and(|s| s < 0) {
        w.warn("spec.terminationGracePeriodSeconds", "spec.terminationGracePeriodSeconds: must be >= 0; negative values are invalid and will be treated as 1".into());
    }
    pod_affinity(&mut w, spec);
}

/// Deprecated node labels in nodeSelector (sorted: Go's map order is random), node affinity
/// terms and topology spread constraints; a topology spread constraint without labelSelector.
fn node_labels(w: &mut W<'_, '_, '_>, spec: &RawPodSpec) {
    for k in spec.spec.node_selector.keys() {
        if let Some(msg) = node_label_deprecated(k) {
            w.warn("spec.nodeSelector", format!("spec.nodeSelector[{k}]: {msg}"));
        }
    }
    let f = &spec.warn;
    let na = "spec.affinity.nodeAffinity";
    let terms = f.node_required.iter().enumerate().map(|(i, t)| {
        (format!("{na}.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms[{i}]"), t)
    });
    let prefs = f.node_preferred.iter().enumerate().map(|(i, t)| {
        (format!("{na}.preferredDuringSchedulingIgnoredDuringExecution[{i}].preference"), t)
    });
    for (path, keys) in terms.chain(prefs).collect::<Vec<_>>() {
        for (j, k) in keys.iter().enumerate() {
            if let Some(msg) = node_label_deprecated(k) {
                w.warn(na, format!("{path}.matchExpressions[{j}].key: {k} is {msg}"));
            }
        }
    }
    for (i, (key, has_selector)) in f.topology_spread.iter().enumerate() {
        let path = format!("spec.topologySpreadConstraints[{i}]");
        if let Some(msg) = node_label_deprecated(key) {
            w.warn(&path, format!("{path}.topologyKey: {key} is {msg}"));
        }
        if !has_selector {
            w.warn(
                &path,
                format!("{path}.labelSelector: a null labelSelector results in matching no pod"),
            );
        }
    }
}

/// Duplicate hostAliases IPs and imagePullSecrets names, empty imagePullSecrets names.
fn duplicates(w: &mut W<'_, '_, '_>, spec: &RawPodSpec) {
    let f = &spec.warn;
    for (i, ip) in f.host_aliases.iter().enumerate() {
        if f.host_aliases[..i].contains(ip) {
            let p = format!("spec.hostAliases[{i}].ip");
            w.warn(&p, format!("{p}: duplicate ip {}", go_quote(ip)));
        }
    }
    for (i, name) in f.image_pull_secrets.iter().enumerate() {
        if f.image_pull_secrets[..i].contains(name) {
            let p = format!("spec.imagePullSecrets[{i}].name");
            w.warn(&p, format!("{p}: duplicate name {}", go_quote(name)));
        }
    }
    for (i, name) in f.image_pull_secrets.iter().enumerate() {
        if name.is_empty() {
            let p = format!("spec.imagePullSecrets[{i}].name");
            w.warn(&p, format!("{p}: invalid empty name \"\""));
        }
    }
}

/// A container's seccomp and AppArmor (v1.30+) annotations whose field is not set.
fn security_annotations(w: &mut W<'_, '_, '_>, ann: &Labels, spec: &RawPodSpec, c: &RawContainer) {
    {
        let key = format!("{SECCOMP_CONTAINER}{}", c.name);
        if !c.seccomp_field && ann.contains_key(&key) {
            w.warn("metadata.annotations", format!("metadata.annotations[{key}]: {SECCOMP_MSG}"));
        }
        let key = format!("{APPARMOR_CONTAINER}{}", c.name);
        if !spec.warn.apparmor_field && !c.apparmor_field && ann.contains_key(&key) {
            w.warn("metadata.annotations", format!(r#"metadata.annotations[{key}]: deprecated since v1.30; use the "appArmorProfile" field instead"#));
        }
    }
}

/// Duplicate `env` names that hide an earlier definition.
fn env_warnings(w: &mut W<'_, '_, '_>, path: &str, c: &RawContainer) {
    for (i, e) in c.env.iter().enumerate() {
        if !c.env[..i].iter().any(|p| p.name == e.name) {
            continue;
        }
        let r = format!("$({})", e.name);
        if e.value_from || e.value == r || !e.value.contains(&r) {
            let p = format!("{path}.env[{i}]");
            w.warn(
                &p,
                format!(
                    "{p}: hides previous definition of {}, which may be dropped when using apply",
                    go_quote(&e.name)
                ),
            );
        }
    }
}

/// `%+v` of an `api.ContainerPort`.
fn go_port(p: &RawContainerPort) -> String {
    format!(
        "{{Name:{} HostPort:{} ContainerPort:{} Protocol:{} HostIP:{}}}",
        p.name.as_deref().unwrap_or(""),
        p.host_port.unwrap_or(0),
        p.container_port,
        p.protocol.as_deref().unwrap_or("TCP"),
        p.host_ip
    )
}

/// hostIP without hostPort; duplicate, overlapping and ambiguous (containerPort, protocol)
/// pairs across all containers.
fn port_warnings(w: &mut W<'_, '_, '_>, spec: &RawPodSpec) {
    let mut seen: Vec<(String, &RawContainerPort)> = Vec::new();
    for (cpath, c) in visit(spec) {
        for (i, p) in c.ports.iter().enumerate() {
            let path = format!("{cpath}.ports[{i}]");
            let (hp, ip) = (p.host_port.unwrap_or(0), p.host_ip.as_str());
            if !ip.is_empty() && hp == 0 {
                w.warn(&path, format!("{path}: hostIP set without hostPort: {}", go_port(p)));
            }
            let same = |o: &RawContainerPort| {
                o.container_port == p.container_port && o.protocol == p.protocol
            };
            for (opath, o) in seen.iter().filter(|(_, o)| same(o)) {
                let (ohp, oip) = (o.host_port.unwrap_or(0), o.host_ip.as_str());
                let what = if ip == oip && hp == ohp {
                    "duplicate"
                } else if hp == 0 || ohp == 0 {
                    "overlapping"
                } else if hp == ohp && (ip.is_empty() != oip.is_empty()) {
                    "dangerously ambiguous"
                } else {
                    continue;
                };
                let opath = format!("{}{opath}", w.prefix);
                w.warn(&path, format!("{path}: {what} port definition with {opath}"));
            }
            seen.push((path, p));
        }
    }
}

/// A port name used again in the Pod (any container: init containers too, sidecar or not, as
/// `VisitContainersWithPath` visits them; v1.33+, the oldest version the simulator models); the
/// first one is what a name resolves to.
fn port_name_warnings(w: &mut W<'_, '_, '_>, spec: &RawPodSpec) {
    let mut seen: Vec<(&str, String)> = Vec::new();
    for (cpath, c) in visit(spec) {
        for (i, p) in c.ports.iter().enumerate() {
            let Some(name) = p.name.as_deref().filter(|n| !n.is_empty()) else { continue };
            let path = format!("{cpath}.ports[{i}]");
            match seen.iter().find(|(n, _)| *n == name) {
                Some((_, other)) => {
                    let other = format!("{}{other}", w.prefix);
                    w.warn(&path, format!("{path}: duplicate port name {} with {other}, services and probes that select ports by name will use {other}", go_quote(name)));
                }
                None => seen.push((name, path)),
            }
        }
    }
}

/// Pod (anti-)affinity terms without a labelSelector.
fn pod_affinity(w: &mut W<'_, '_, '_>, spec: &RawPodSpec) {
    let lists = [
        ("podAffinity.requiredDuringSchedulingIgnoredDuringExecution", ""),
        ("podAffinity.preferredDuringSchedulingIgnoredDuringExecution", ".podAffinityTerm"),
        ("podAntiAffinity.requiredDuringSchedulingIgnoredDuringExecution", ""),
        ("podAntiAffinity.preferredDuringSchedulingIgnoredDuringExecution", ".podAffinityTerm"),
    ];
    for ((list, term), set) in lists.iter().zip(&spec.warn.pod_affinity) {
        for (i, _) in set.iter().enumerate().filter(|(_, s)| !**s) {
            let p = format!("spec.affinity.{list}[{i}]{term}.labelSelector");
            w.warn(&p, format!("{p}: a null labelSelector results in matching no pod"));
        }
    }
}
