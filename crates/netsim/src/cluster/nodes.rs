//! Nodes (cluster stage): the user's Node objects, completed, or a kind-like default.
//!
//! Default (no Node in the input): three nodes as `kind create cluster` with two workers makes
//! them — `kind-control-plane` (label `node-role.kubernetes.io/control-plane`, taint
//! `node-role.kubernetes.io/control-plane:NoSchedule`), `kind-worker`, `kind-worker2`. Node IPs
//! are `172.18.0.2`, `.3`, `.4` in that order (kind's docker network is `172.18.0.0/16`; docker
//! hands out addresses in container start order, which the simulator fixes as node order), and
//! for dual-stack `fc00:f853:ccd:e793::2`, `::3`, `::4` (kind's IPv6 docker network).
//!
//! Pod CIDRs are carved from the pod subnet as kube-controller-manager's range allocator does
//! (`pkg/controller/nodeipam/ipam/range_allocator.go`, `--node-cidr-mask-size` default /24 for
//! IPv4 and /64 for IPv6): the next free block, in node order — `10.244.0.0/24`,
//! `10.244.1.0/24`, … A Node that already has `spec.podCIDRs` keeps them and its blocks are
//! skipped. Nodes given without an InternalIP get the next free `172.18.0.x`.
//!
//! With no Node in the input, nodes that Pods from a real cluster name (`spec.nodeName` together
//! with `status.hostIP`, as `kubectl get -o yaml` shows them) are added to the default three, with
//! that host IP.
//!
//! Labels the kubelet sets on registration (`kubernetes.io/hostname`, `kubernetes.io/os`,
//! `kubernetes.io/arch`, and the `beta.` forms) are added when missing.

use std::collections::BTreeSet;
use std::net::IpAddr;

use super::{span_of, Cluster};
use crate::diagnostic::Diagnostic;
use crate::model::{IpFamily, Node, ObjectMeta, Taint};
use crate::net::Cidr;

pub(crate) const CONTROL_PLANE_LABEL: &str = "node-role.kubernetes.io/control-plane";

/// The node lifecycle controller's taints on the input's Nodes
/// (`pkg/controller/nodelifecycle/node_lifecycle_controller.go`: `doNoScheduleTaintingPass`
/// maps Ready False to `node.kubernetes.io/not-ready`, Unknown to `…/unreachable`, and
/// `spec.unschedulable` to `…/unschedulable`, all NoSchedule; `doNoExecuteTaintingPass` adds the
/// NoExecute not-ready / unreachable taint, which every Pod tolerates for 300 s through the
/// DefaultTolerationSeconds admission plugin).
fn lifecycle_taints(node: &mut Node) {
    let mut wanted: Vec<(&str, &str)> = Vec::new();
    if !node.ready {
        let key = if node.ready_false {
            "node.kubernetes.io/not-ready"
        } else {
            "node.kubernetes.io/unreachable"
        };
        wanted.push((key, "NoSchedule"));
        wanted.push((key, "NoExecute"));
    }
    if node.unschedulable {
        wanted.push(("node.kubernetes.io/unschedulable", "NoSchedule"));
    }
    for (key, effect) in wanted {
        if !node.taints.iter().any(|t| t.key == key && t.effect == effect) {
            node.taints.push(Taint {
                key: key.into(),
                value: String::new(),
                effect: effect.into(),
            });
        }
    }
}

pub(crate) fn complete(c: &mut Cluster) {
    for node in &mut c.objects.nodes {
        lifecycle_taints(node);
    }
    let defaulted = c.objects.nodes.is_empty();
    if defaulted {
        for name in ["kind-control-plane", "kind-worker", "kind-worker2"] {
            let mut node = Node {
                meta: ObjectMeta { name: name.into(), ..Default::default() },
                ready: true,
                ..Default::default()
            };
            if name == "kind-control-plane" {
                node.meta.labels.insert(CONTROL_PLANE_LABEL.into(), String::new());
                node.meta.labels.insert(
                    "node.kubernetes.io/exclude-from-external-load-balancers".into(),
                    String::new(),
                );
                node.taints.push(Taint {
                    key: CONTROL_PLANE_LABEL.into(),
                    value: String::new(),
                    effect: "NoSchedule".into(),
                });
            }
            c.objects.nodes.push(node);
        }
    }
    if defaulted {
        // Pods pasted from a real cluster (`kubectl get -o yaml`) name their nodes and carry
        // `status.hostIP`: those nodes exist, so they are added (with that IP) next to the
        // default ones. A nodeName without hostIP stays unknown (a typo, reported later).
        let mut implied: Vec<Node> = Vec::new();
        for p in &c.objects.pods {
            let (Some(n), Some(ip)) = (&p.spec.node_name, p.status.host_ip) else { continue };
            if c.objects.nodes.iter().chain(implied.iter()).any(|x| &x.meta.name == n) {
                continue;
            }
            implied.push(Node {
                meta: ObjectMeta { name: n.clone(), ..Default::default() },
                internal_ips: vec![ip],
                ready: true,
                ..Default::default()
            });
        }
        c.objects.nodes.extend(implied);
    }
    // Node address families follow the cluster's: IPv4, IPv6 or both, the service network's
    // primary family first (kind gives IPv6 and dual-stack nodes fc00:f853:ccd:e793::/64 addresses).
    let fams: Vec<IpFamily> = c
        .settings
        .service_subnets
        .iter()
        .chain(c.settings.pod_subnets.iter())
        .map(|s| s.family())
        .collect();
    let want_v4 = fams.is_empty() || fams.contains(&IpFamily::IPv4);
    let want_v6 = fams.contains(&IpFamily::IPv6);
    let v6_first = fams.first() == Some(&IpFamily::IPv6);
    let mut used_ips: BTreeSet<IpAddr> =
        c.objects.nodes.iter().flat_map(|n| n.internal_ips.iter().copied()).collect();
    let mut next_v4 = 2u8;
    let mut next_v6 = 2u16;
    for node in &mut c.objects.nodes {
        if node.meta.uid.is_none() {
            node.meta.uid = Some(super::uid_for("Node", "", &node.meta.name));
        }
        let name = node.meta.name.clone();
        for (k, v) in [
            ("beta.kubernetes.io/arch", "amd64"),
            ("beta.kubernetes.io/os", "linux"),
            ("kubernetes.io/arch", "amd64"),
            ("kubernetes.io/hostname", name.as_str()),
            ("kubernetes.io/os", "linux"),
        ] {
            node.meta.labels.entry(k.into()).or_insert_with(|| v.into());
        }
        if node.internal_ips.is_empty() {
            while want_v4 && next_v4 < 255 {
                let ip = IpAddr::from([172, 18, 0, next_v4]);
                next_v4 += 1;
                if used_ips.insert(ip) {
                    node.internal_ips.push(ip);
                    break;
                }
            }
            if want_v6 {
                while next_v6 < 0xffff {
                    let ip = IpAddr::from([0xfc00, 0xf853, 0xccd, 0xe793, 0, 0, 0, next_v6]);
                    next_v6 += 1;
                    if used_ips.insert(ip) {
                        node.internal_ips.push(ip);
                        break;
                    }
                }
            }
            if v6_first {
                crate::sort::sort_by_key(&mut node.internal_ips, |ip| ip.is_ipv4());
            }
        }
    }
    assign_pod_cidrs(c);
}

fn assign_pod_cidrs(c: &mut Cluster) {
    let subnets = c.settings.pod_subnets.clone();
    let mut taken: Vec<Cidr> = c
        .objects
        .nodes
        .iter()
        .flat_map(|n| n.pod_cidrs.iter().filter_map(|t| Cidr::parse_lenient(t)))
        .collect();
    let mut next: Vec<u128> = vec![0; subnets.len()];
    let mut diags = Vec::new();
    for node in &mut c.objects.nodes {
        if !node.pod_cidrs.is_empty() {
            for t in &node.pod_cidrs {
                if Cidr::parse_lenient(t).is_none() {
                    diags.push(Diagnostic::error(
                        "invalid-cidr",
                        span_of(&node.meta, "spec.podCIDRs"),
                        format!("Node {:?}: podCIDR {t:?} is not a CIDR", node.meta.name),
                    ));
                }
            }
            continue;
        }
        for (i, subnet) in subnets.iter().enumerate() {
            let mask = if subnet.family() == IpFamily::IPv4 { 24 } else { 64 };
            let mask = mask.max(subnet.prefix);
            let mut found = None;
            // Bounded: at most 4096 probes per node (far more blocks than nodes we accept).
            for _ in 0..4096 {
                let Some(block) = subnet.subnet(mask, next[i]) else { break };
                next[i] += 1;
                if !taken.iter().any(|t| t.overlaps(block)) {
                    found = Some(block);
                    break;
                }
            }
            match found {
                Some(b) => {
                    taken.push(b);
                    node.pod_cidrs.push(b.to_string());
                }
                None => diags.push(
                    Diagnostic::warning(
                        "pod-cidr-exhausted",
                        span_of(&node.meta, "metadata.name"),
                        format!(
                            "Node {:?} gets no pod CIDR: the pod subnet {subnet} has no free /{mask} block left",
                            node.meta.name
                        ),
                    )
                    .with_hint("kube-controller-manager reports CIDRNotAvailable; Pods on this node cannot start"),
                ),
            }
        }
    }
    c.diagnostics.extend(diags);
}

/// `kubectl get nodes` ROLES: every `node-role.kubernetes.io/<role>` label and
/// `kubernetes.io/role` (`pkg/printers/internalversion/printers.go` `findNodeRoles`).
pub fn roles(node: &Node) -> Vec<String> {
    let mut roles = BTreeSet::new();
    for (k, v) in &node.meta.labels {
        if let Some(r) = k.strip_prefix("node-role.kubernetes.io/") {
            if !r.is_empty() {
                roles.insert(r.to_string());
            }
        } else if k == "kubernetes.io/role" && !v.is_empty() {
            roles.insert(v.clone());
        }
    }
    roles.into_iter().collect()
}

pub(crate) fn is_control_plane(node: &Node) -> bool {
    node.meta.labels.contains_key(CONTROL_PLANE_LABEL)
}
