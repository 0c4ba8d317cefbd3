//! `kubectl describe` for the simulated cluster, in kubectl's layout: one renderer for `netsim
//! describe` and the page's kubectl view.
//!
//! Source: `kubernetes/kubectl` `pkg/describe/describe.go` — `describeService`,
//! `describeEndpoints`, `describeEndpointSliceV1`, `describePod`, `describeNode`,
//! `describeReplicationController`, `describeNetworkPolicy`, `DescribePodTemplate`,
//! `describeContainers`,
//! `printLabelsMultiline`, `printAnnotationsMultiline`, `printPodTolerationsMultiline`,
//! `printNodeTaintsMultiline`, `formatEndpointSlices`, `DescribeEvents`; text aligned by Go's
//! `text/tabwriter` with kubectl's settings (`tabbedString`: minwidth 0, padding 2, padded
//! with spaces), reproduced by [`tabwriter`].
//!
//! Left out, since the simulation has no clock or does not model them: every time (`Start Time`,
//! `CreationTimestamp`, a NetworkPolicy's `Created on`, a container's `Started`, node condition heartbeats and the lease's
//! `RenewTime`; the events' `Age` is `<unknown>`, as kubectl prints a zero timestamp);
//! container and image IDs; the service-account token volume and its mount
//! (`kube-api-access-…`), so `Volumes` and `Mounts` are `<none>`; a node's resources
//! (`Capacity`, `Allocatable`, `Non-terminated Pods` and `Allocated resources` are not printed;
//! a container's limits and requests are, with the Pod's `QoS Class`); probes; `envFrom`; the node's machine, system and boot IDs (empty) and
//! `ProviderID`; the Endpoints controller's `endpoints.kubernetes.io/last-change-trigger-time`
//! annotation. Events keep the order they happened in (kubectl sorts them by time).

use std::net::IpAddr;

use super::endpoints::is_pod_ready;
use super::print::{event_component, format_labels, Kind};
use super::{nodes::roles, Cluster, Event};
use crate::model::{
    EndpointSlice, Endpoints, IntOrString, NetworkPolicy, NetworkPolicyRule, Node, ObjectMeta, Pod,
    PodSpec, PodTemplate, PolicyType, Service, Toleration, Workload, WorkloadKind,
};

/// `kubectl describe KIND [NAME] [-n NS]`: the description of the named object, or of every
/// object of the kind in the namespace (separated as kubectl separates them). `Err` is kubectl's
/// error text (`Error from server (NotFound): services "x" not found`, or the kind unknown or
/// not described here).
pub fn describe(
    c: &Cluster,
    kind: &str,
    name: Option<&str>,
    namespace: &str,
) -> Result<String, String> {
    let k = Kind::parse(kind)
        .ok_or_else(|| format!("error: the server doesn't have a resource type \"{kind}\""))?;
    let in_ns = |m: &ObjectMeta| !k.namespaced() || m.namespace == namespace;
    let pick = |m: &ObjectMeta| in_ns(m) && name.is_none_or(|n| m.name == n);
    let mut out: Vec<(String, String)> = match k {
        Kind::Services => {
            c.objects.services.iter().filter(|s| pick(&s.meta)).map(|s| named(&s.meta, service(c, s))).collect()
        }
        Kind::Pods => {
            c.objects.pods.iter().filter(|p| pick(&p.meta)).map(|p| named(&p.meta, pod(c, p))).collect()
        }
        Kind::Endpoints => c
            .objects
            .endpoints
            .iter()
            .filter(|e| pick(&e.meta))
            .map(|e| named(&e.meta, endpoints(c, e)))
            .collect(),
        Kind::EndpointSlices => c
            .objects
            .endpoint_slices
            .iter()
            .filter(|e| pick(&e.meta))
            .map(|e| named(&e.meta, endpoint_slice(c, e)))
            .collect(),
        Kind::Nodes => {
            c.objects.nodes.iter().filter(|n| pick(&n.meta)).map(|n| named(&n.meta, node(c, n))).collect()
        }
        Kind::ReplicationControllers => c
            .objects
            .workloads
            .iter()
            .filter(|w| w.kind == WorkloadKind::ReplicationController && pick(&w.meta))
            .map(|w| named(&w.meta, replication_controller(c, w)))
            .collect(),
        Kind::NetworkPolicies => c
            .objects
            .network_policies
            .iter()
            .filter(|n| pick(&n.meta))
            .map(|n| named(&n.meta, network_policy(n)))
            .collect(),
        Kind::Deployments | Kind::ReplicaSets | Kind::StatefulSets | Kind::DaemonSets => {
            let wk = match k {
                Kind::Deployments => WorkloadKind::Deployment,
                Kind::ReplicaSets => WorkloadKind::ReplicaSet,
                Kind::StatefulSets => WorkloadKind::StatefulSet,
                _ => WorkloadKind::DaemonSet,
            };
            c.objects
                .workloads
                .iter()
                .filter(|w| w.kind == wk && pick(&w.meta))
                .map(|w| named(&w.meta, workload(c, w)))
                .collect()
        }
        _ => {
            return Err(format!(
                "error: describe is simulated for services, pods, endpoints, endpointslices, nodes, deployments, replicasets, statefulsets, daemonsets, replicationcontrollers and networkpolicies, not {}",
                k.plural()
            ))
        }
    };
    if out.is_empty() {
        return Err(match name {
            Some(n) => format!("Error from server (NotFound): {} \"{n}\" not found", k.plural()),
            None if k.namespaced() => format!("No resources found in {namespace} namespace."),
            None => "No resources found".to_string(),
        });
    }
    // The API lists objects by name.
    crate::sort::sort_by(&mut out, |a, b| a.0.cmp(&b.0));
    // cmd/describe: the first description as is, each further one after "\n\n".
    Ok(out.into_iter().map(|(_, d)| d).collect::<Vec<_>>().join("\n\n"))
}

fn named(meta: &ObjectMeta, text: String) -> (String, String) {
    (meta.name.clone(), text)
}

// ---------------------------------------------------------------------------------------------
// Go's text/tabwriter, as kubectl's describers use it

/// Text written the way kubectl's `PrefixWriter` writes into a `tabwriter.Writer`, with its
/// `Flush` points.
#[derive(Default)]
struct Tw {
    pending: String,
    out: String,
}

impl Tw {
    /// `PrefixWriter.Write(level, …)`: two spaces per level, then the text (terminal escapes
    /// shown as `^[`, carriage returns as `\r`: cli-runtime `printers.WriteEscaped`).
    fn w(&mut self, level: usize, text: &str) {
        for _ in 0..level {
            self.pending.push_str("  ");
        }
        self.pending.push_str(&text.replace('\u{1b}', "^[").replace('\r', "\\r"));
    }

    fn flush(&mut self) {
        self.out.push_str(&tabwriter(&self.pending, 2));
        self.pending.clear();
    }

    fn finish(mut self) -> String {
        self.flush();
        self.out
    }
}

/// Go's `text/tabwriter` with `minwidth 0, padding`, padded with spaces, no flags: cells are
/// tab-terminated; a column block is a run of consecutive lines that have a cell in that column
/// (the text after a line's last tab is not a column cell); each cell of a block is padded to
/// the block's widest cell plus `padding`. Widths count characters (`utf8.RuneCount`).
pub fn tabwriter(text: &str, padding: usize) -> String {
    let lines: Vec<Vec<&str>> = text
        .split_inclusive('\n')
        .map(|l| l.strip_suffix('\n').unwrap_or(l).split('\t').collect())
        .collect();
    let cols = lines.iter().map(|l| l.len().saturating_sub(1)).max().unwrap_or(0);
    // widths[line][col] for the tab-terminated cells.
    let mut widths: Vec<Vec<usize>> =
        lines.iter().map(|l| vec![0; l.len().saturating_sub(1)]).collect();
    for col in 0..cols {
        let mut i = 0;
        while i < lines.len() {
            if lines[i].len().saturating_sub(1) <= col {
                i += 1;
                continue;
            }
            let start = i;
            let mut w = 0;
            while i < lines.len() && lines[i].len().saturating_sub(1) > col {
                w = w.max(lines[i][col].chars().count() + padding);
                i += 1;
            }
            for row in widths.iter_mut().take(i).skip(start) {
                row[col] = w;
            }
        }
    }
    let mut out = String::with_capacity(text.len() + text.len() / 2);
    for (l, line) in lines.iter().enumerate() {
        for (j, cell) in line.iter().enumerate() {
            out.push_str(cell);
            if j + 1 < line.len() {
                let pad = widths[l][j].saturating_sub(cell.chars().count());
                out.extend(std::iter::repeat_n(' ', pad));
            }
        }
        if text.ends_with('\n') || l + 1 < lines.len() {
            out.push('\n');
        }
    }
    out
}

// ---------------------------------------------------------------------------------------------
// Shared pieces

/// `printLabelsMultiline` (`printLabelsMultilineWithIndent(w, "", title, "\t", labels, …)`).
fn labels(w: &mut Tw, title: &str, l: &crate::model::Labels) {
    labels_indented(w, "", title, l);
}

fn labels_indented(w: &mut Tw, indent: &str, title: &str, l: &crate::model::Labels) {
    w.w(0, &format!("{indent}{title}:\t"));
    if l.is_empty() {
        w.w(0, "<none>\n");
        return;
    }
    for (i, (k, v)) in l.iter().enumerate() {
        if i != 0 {
            w.w(0, &format!("{indent}\t"));
        }
        w.w(0, &format!("{k}={v}\n"));
    }
}

/// `printAnnotationsMultiline`: sorted, the last-applied configuration skipped, values over 140
/// characters (or with line breaks) on their own lines, shortened.
fn annotations(w: &mut Tw, title: &str, a: &crate::model::Labels) {
    w.w(0, &format!("{title}:\t"));
    let keys: Vec<(&String, &String)> = a
        .iter()
        .filter(|(k, _)| k.as_str() != "kubectl.kubernetes.io/last-applied-configuration")
        .collect();
    if keys.is_empty() {
        w.w(0, "<none>\n");
        return;
    }
    for (i, (k, v)) in keys.into_iter().enumerate() {
        if i != 0 {
            w.w(0, "\t");
        }
        let value = v.strip_suffix('\n').unwrap_or(v);
        if value.len() + k.len() + 2 > 140 || value.contains('\n') {
            w.w(0, &format!("{k}:\n"));
            for line in value.split('\n') {
                let short = if line.len() > 138 {
                    format!("{}...", line.get(..138).unwrap_or(line))
                } else {
                    line.to_string()
                };
                w.w(0, &format!("\t  {short}\n"));
            }
        } else {
            w.w(0, &format!("{k}: {value}\n"));
        }
    }
}

/// `DescribeEvents` over the simulator's events for one object (`kind/name` in the namespace).
fn events(w: &mut Tw, c: &Cluster, object: &str, namespace: &str) {
    let mine: Vec<&Event> = c
        .events
        .iter()
        .filter(|e| e.object == object && (e.namespace == namespace || namespace.is_empty()))
        .collect();
    if mine.is_empty() {
        w.w(0, "Events:\t<none>\n");
        return;
    }
    w.flush();
    w.w(0, "Events:\n  Type\tReason\tAge\tFrom\tMessage\n");
    w.w(1, "----\t------\t----\t----\t-------\n");
    for e in mine {
        w.w(
            1,
            &format!(
                "{}\t{}\t<unknown>\t{}\t{}\n",
                e.type_.as_str(),
                e.reason,
                event_component(e),
                e.message.trim()
            ),
        );
    }
}

fn host_port(ip: IpAddr, port: i32) -> String {
    match ip {
        IpAddr::V4(v) => format!("{v}:{port}"),
        IpAddr::V6(v) => format!("[{v}]:{port}"),
    }
}

/// `formatEndpointSlices(slices, ports)`: up to three ready `ip:port` of the named Service port
/// (every port when `port` is `None`), then `+ N more...`; `<none>` without slices.
fn format_endpoint_slices(slices: &[&EndpointSlice], port: Option<&str>) -> String {
    if slices.is_empty() {
        return "<none>".into();
    }
    let (max, mut list, mut more, mut count) = (3usize, Vec::new(), false, 0usize);
    for s in slices {
        if s.ports.is_empty() {
            for e in &s.endpoints {
                if list.len() == max {
                    more = true;
                }
                if e.conditions.ready == Some(false) {
                    continue;
                }
                if !more {
                    if let Some(a) = e.addresses.first() {
                        list.push(a.to_string());
                    }
                }
                count += 1;
            }
            continue;
        }
        for p in &s.ports {
            if port.is_some_and(|n| p.name.as_deref().unwrap_or("") != n) {
                continue;
            }
            for e in &s.endpoints {
                if list.len() == max {
                    more = true;
                }
                if e.conditions.ready == Some(false) {
                    continue;
                }
                if !more {
                    if let Some(a) = e.addresses.first() {
                        list.push(host_port(*a, p.port.unwrap_or(0)));
                    }
                }
                count += 1;
            }
        }
    }
    let ret = list.join(",");
    if more {
        format!("{ret} + {} more...", count.saturating_sub(max))
    } else {
        ret
    }
}

// ---------------------------------------------------------------------------------------------
// Describers

/// `describeService`.
fn service(c: &Cluster, s: &Service) -> String {
    let mut w = Tw::default();
    let sp = &s.spec;
    w.w(0, &format!("Name:\t{}\n", s.meta.name));
    w.w(0, &format!("Namespace:\t{}\n", s.meta.namespace));
    labels(&mut w, "Labels", &s.meta.labels);
    annotations(&mut w, "Annotations", &s.meta.annotations);
    let selector = sp.selector.clone().unwrap_or_default();
    w.w(0, &format!("Selector:\t{}\n", format_labels(&selector)));
    w.w(0, &format!("Type:\t{}\n", sp.type_.as_str()));
    if !sp.ip_family_policy.is_empty() {
        w.w(0, &format!("IP Family Policy:\t{}\n", sp.ip_family_policy));
    }
    let fams: Vec<&str> = sp
        .ip_families
        .iter()
        .map(|f| match f {
            crate::model::IpFamily::IPv4 => "IPv4",
            crate::model::IpFamily::IPv6 => "IPv6",
        })
        .collect();
    w.w(
        0,
        &format!(
            "IP Families:\t{}\n",
            if fams.is_empty() { "<none>".into() } else { fams.join(",") }
        ),
    );
    let (ip, ips) = if sp.headless {
        ("None".to_string(), "None".to_string())
    } else {
        let all: Vec<String> = sp.cluster_ips.iter().map(ToString::to_string).collect();
        (
            all.first().cloned().unwrap_or_default(),
            if all.is_empty() { "<none>".into() } else { all.join(",") },
        )
    };
    w.w(0, &format!("IP:\t{ip}\n"));
    w.w(0, &format!("IPs:\t{ips}\n"));
    if !sp.external_ips.is_empty() {
        let e: Vec<String> = sp.external_ips.iter().map(ToString::to_string).collect();
        w.w(0, &format!("External IPs:\t{}\n", e.join(",")));
    }
    if let Some(lb) = sp.load_balancer_ip {
        w.w(0, &format!("Desired LoadBalancer IP:\t{lb}\n"));
    }
    if let Some(n) = sp.external_name.as_deref().filter(|n| !n.is_empty()) {
        w.w(0, &format!("External Name:\t{n}\n"));
    }
    if !s.status.load_balancer_ingress.is_empty() {
        // buildIngressString: the IP with its ipMode (defaulted to VIP by the API server when
        // not given), or the hostname.
        let list: Vec<String> = s
            .status
            .load_balancer_ingress
            .iter()
            .map(|i| match (i.ip, &i.hostname) {
                (Some(ip), _) => format!("{ip} ({})", i.ip_mode.as_deref().unwrap_or("VIP")),
                (None, Some(h)) => h.clone(),
                (None, None) => String::new(),
            })
            .collect();
        w.w(0, &format!("LoadBalancer Ingress:\t{}\n", list.join(", ")));
    }
    let slices: Vec<&EndpointSlice> = c
        .objects
        .endpoint_slices
        .iter()
        .filter(|e| {
            e.meta.namespace == s.meta.namespace && e.service_name() == Some(s.meta.name.as_str())
        })
        .collect();
    let mut slices = slices;
    crate::sort::sort_by(&mut slices, |a, b| a.meta.name.cmp(&b.meta.name));
    for p in &sp.ports {
        let name = if p.name.is_empty() { "<unset>" } else { p.name.as_str() };
        let proto = p.protocol.as_str();
        w.w(0, &format!("Port:\t{name}\t{}/{proto}\n", p.port));
        match &p.target_port {
            IntOrString::Int(n) => w.w(0, &format!("TargetPort:\t{n}/{proto}\n")),
            IntOrString::Str(t) => w.w(0, &format!("TargetPort:\t{t}/{proto}\n")),
        }
        // describe.go `describeService`: the port's appProtocol follows its TargetPort line
        // (describe_test.go TestDescribeService "test-AppProtocol").
        if let Some(ap) = &p.app_protocol {
            w.w(0, &format!("AppProtocol:\t{ap}\n"));
        }
        if let Some(np) = p.node_port.filter(|n| *n != 0) {
            w.w(0, &format!("NodePort:\t{name}\t{np}/{proto}\n"));
        }
        w.w(0, &format!("Endpoints:\t{}\n", format_endpoint_slices(&slices, Some(&p.name))));
    }
    w.w(0, &format!("Session Affinity:\t{}\n", sp.session_affinity));
    if let Some(e) = sp.external_traffic_policy {
        w.w(0, &format!("External Traffic Policy:\t{}\n", e.as_str()));
    }
    if let Some(i) = sp.internal_traffic_policy {
        w.w(0, &format!("Internal Traffic Policy:\t{}\n", i.as_str()));
    }
    if let Some(h) = sp.health_check_node_port.filter(|h| *h != 0) {
        w.w(0, &format!("HealthCheck NodePort:\t{h}\n"));
    }
    if !sp.load_balancer_source_ranges.is_empty() {
        w.w(
            0,
            &format!("LoadBalancer Source Ranges:\t{}\n", sp.load_balancer_source_ranges.join(",")),
        );
    }
    if let Some(td) = sp.traffic_distribution.as_deref().filter(|t| !t.is_empty()) {
        w.w(0, &format!("Traffic Distribution:\t{td}\n"));
    }
    events(&mut w, c, &format!("service/{}", s.meta.name), &s.meta.namespace);
    w.finish()
}

/// `describeEndpoints`.
fn endpoints(c: &Cluster, e: &Endpoints) -> String {
    let mut w = Tw::default();
    w.w(0, &format!("Name:\t{}\n", e.meta.name));
    w.w(0, &format!("Namespace:\t{}\n", e.meta.namespace));
    labels(&mut w, "Labels", &e.meta.labels);
    annotations(&mut w, "Annotations", &e.meta.annotations);
    w.w(0, "Subsets:\n");
    for ss in &e.subsets {
        let list = |v: &[crate::model::EndpointAddress]| {
            let s: Vec<String> = v.iter().map(|a| a.ip.to_string()).collect();
            if s.is_empty() {
                "<none>".to_string()
            } else {
                s.join(",")
            }
        };
        w.w(1, &format!("Addresses:\t{}\n", list(&ss.addresses)));
        w.w(1, &format!("NotReadyAddresses:\t{}\n", list(&ss.not_ready_addresses)));
        if !ss.ports.is_empty() {
            w.w(1, "Ports:\n");
            w.w(2, "Name\tPort\tProtocol\n");
            w.w(2, "----\t----\t--------\n");
            for p in &ss.ports {
                let name = p.name.as_deref().filter(|n| !n.is_empty()).unwrap_or("<unset>");
                w.w(2, &format!("{name}\t{}\t{}\n", p.port.unwrap_or(0), p.protocol.as_str()));
            }
        }
        w.w(0, "\n");
    }
    events(&mut w, c, &format!("endpoints/{}", e.meta.name), &e.meta.namespace);
    w.finish()
}

/// `describeEndpointSliceV1`.
fn endpoint_slice(c: &Cluster, s: &EndpointSlice) -> String {
    let mut w = Tw::default();
    w.w(0, &format!("Name:\t{}\n", s.meta.name));
    w.w(0, &format!("Namespace:\t{}\n", s.meta.namespace));
    labels(&mut w, "Labels", &s.meta.labels);
    annotations(&mut w, "Annotations", &s.meta.annotations);
    w.w(0, &format!("AddressType:\t{}\n", s.address_type));
    if s.ports.is_empty() {
        w.w(0, "Ports: <unset>\n");
    } else {
        w.w(0, "Ports:\n");
        w.w(1, "Name\tPort\tProtocol\n");
        w.w(1, "----\t----\t--------\n");
        for p in &s.ports {
            let name = p.name.as_deref().filter(|n| !n.is_empty()).unwrap_or("<unset>");
            let port = p.port.map_or("<unset>".to_string(), |n| n.to_string());
            w.w(1, &format!("{name}\t{port}\t{}\n", p.protocol.as_str()));
        }
    }
    if s.endpoints.is_empty() {
        w.w(0, "Endpoints: <none>\n");
    } else {
        w.w(0, "Endpoints:\n");
        for e in &s.endpoints {
            let a: Vec<String> = e.addresses.iter().map(ToString::to_string).collect();
            let a = if a.is_empty() { "<none>".to_string() } else { a.join(", ") };
            w.w(1, &format!("- Addresses:\t{a}\n"));
            w.w(2, "Conditions:\n");
            let ready = e.conditions.ready.map_or("<unset>".to_string(), |r| r.to_string());
            w.w(3, &format!("Ready:\t{ready}\n"));
            w.w(2, &format!("Hostname:\t{}\n", e.hostname.as_deref().unwrap_or("<unset>")));
            if let Some(t) = &e.target_ref {
                w.w(2, &format!("TargetRef:\t{}/{}\n", t.kind, t.name));
            }
            w.w(2, &format!("NodeName:\t{}\n", e.node_name.as_deref().unwrap_or("<unset>")));
            w.w(2, &format!("Zone:\t{}\n", e.zone.as_deref().unwrap_or("<unset>")));
        }
    }
    events(&mut w, c, &format!("endpointslice/{}", s.meta.name), &s.meta.namespace);
    w.finish()
}

/// The tolerations the `DefaultTolerationSeconds` admission plugin adds to every Pod that has
/// none for these taints: `not-ready` and `unreachable`, `NoExecute`, for 300 s.
fn admission_tolerations(spec: &PodSpec) -> Vec<(Toleration, Option<i64>)> {
    let mut out: Vec<(Toleration, Option<i64>)> =
        spec.tolerations.iter().map(|t| (t.clone(), t.seconds)).collect();
    for key in ["node.kubernetes.io/not-ready", "node.kubernetes.io/unreachable"] {
        let covered = spec.tolerations.iter().any(|t| {
            (t.key == key || (t.key.is_empty() && t.operator == "Exists"))
                && (t.effect.is_empty() || t.effect == "NoExecute")
        });
        if !covered {
            out.push((
                Toleration {
                    key: key.into(),
                    operator: "Exists".into(),
                    value: String::new(),
                    effect: "NoExecute".into(),
                    seconds: Some(300),
                },
                Some(300),
            ));
        }
    }
    out
}

/// `printPodTolerationsMultiline`: sorted by key; `key=value:effect`, ` op=Exists`, ` for Ns`.
fn tolerations(w: &mut Tw, indent: &str, title: &str, tols: Vec<(Toleration, Option<i64>)>) {
    w.w(0, &format!("{indent}{title}:\t"));
    if tols.is_empty() {
        w.w(0, "<none>\n");
        return;
    }
    let mut tols = tols;
    crate::sort::sort_by(&mut tols, |a, b| a.0.key.cmp(&b.0.key));
    for (i, (t, secs)) in tols.iter().enumerate() {
        if i != 0 {
            w.w(0, &format!("{indent}\t"));
        }
        let mut s = t.key.clone();
        if !t.value.is_empty() {
            s.push_str(&format!("={}", t.value));
        }
        if !t.effect.is_empty() {
            s.push_str(&format!(":{}", t.effect));
        }
        if t.operator == "Exists" && t.value.is_empty() {
            s.push_str(if t.key.is_empty() && t.effect.is_empty() {
                "op=Exists"
            } else {
                " op=Exists"
            });
        }
        if let Some(n) = secs {
            s.push_str(&format!(" for {n}s"));
        }
        w.w(0, &format!("{s}\n"));
    }
}

/// A started Pod's containers: the state's word, whether they are ready, and each container's
/// restart count as the input's `status.containerStatuses` gave it (name, count).
type ContainersState<'a> = (&'a str, bool, &'a [(String, u32)]);

/// `describeContainers` for a Pod (`statuses`: the kubelet's, when the Pod was started) or a
/// template (`space` = "  ", no statuses).
fn containers(
    w: &mut Tw,
    label: &str,
    cs: &[crate::model::Container],
    status: Option<ContainersState<'_>>,
    space: &str,
    pod: Option<&Pod>,
) {
    let none = if cs.is_empty() { " <none>" } else { "" };
    w.w(0, &format!("{space}{label}:{none}\n"));
    let name_indent = if space.is_empty() { "" } else { " " };
    for ct in cs {
        w.w(1, &format!("{name_indent}{}:\n", ct.name));
        w.w(2, &format!("Image:\t{}\n", ct.image));
        let ports: Vec<String> = ct
            .ports
            .iter()
            .map(|p| format!("{}/{}", p.container_port, p.protocol.as_str()))
            .collect();
        let ports = ports.join(", ");
        if ports.contains(',') {
            w.w(2, &format!("Ports:\t{ports}\n"));
        } else {
            w.w(2, &format!("Port:\t{}\n", if ports.is_empty() { "<none>" } else { &ports }));
        }
        let hosts: Vec<String> = ct
            .ports
            .iter()
            .map(|p| format!("{}/{}", p.host_port.unwrap_or(0), p.protocol.as_str()))
            .collect();
        let hosts = hosts.join(", ");
        if hosts.contains(',') {
            w.w(2, &format!("Host Ports:\t{hosts}\n"));
        } else {
            w.w(2, &format!("Host Port:\t{}\n", if hosts.is_empty() { "<none>" } else { &hosts }));
        }
        // `describeContainerCommand`: each entry's lines on a line of their own.
        for (title, list) in [("Command", &ct.command), ("Args", &ct.args)] {
            if !list.is_empty() {
                w.w(2, &format!("{title}:\n"));
                for line in list.iter().flat_map(|c| c.split('\n')) {
                    w.w(3, &format!("{line}\n"));
                }
            }
        }
        if let Some((state, ready, statuses)) = status {
            // Each container's own count (`describeContainerState`: `status.RestartCount`).
            let restarts = statuses.iter().find(|(n, _)| *n == ct.name).map_or(0, |s| s.1);
            match state {
                "Running" => w.w(2, "State:\tRunning\n"),
                reason => {
                    w.w(2, "State:\tWaiting\n");
                    w.w(3, &format!("Reason:\t{reason}\n"));
                }
            }
            w.w(2, &format!("Ready:\t{}\n", if ready { "True" } else { "False" }));
            w.w(2, &format!("Restart Count:\t{restarts}\n"));
        }
        // `describeResources`: limits, then requests, each by resource name.
        for (title, list) in [("Limits", &ct.limits), ("Requests", &ct.requests)] {
            if list.is_empty() {
                continue;
            }
            w.w(2, &format!("{title}:\n"));
            let mut sorted: Vec<&(String, String)> = list.iter().collect();
            crate::sort::sort_by(&mut sorted, |a, b| a.0.cmp(&b.0));
            for (name, q) in sorted {
                let shown =
                    crate::quantity::Quantity::parse(q).map_or(q.clone(), |q| q.canonical());
                w.w(3, &format!("{name}:\t{shown}\n"));
            }
        }
        env_vars(w, ct, pod);
        w.w(2, "Mounts:\t<none>\n");
    }
}

/// `describeContainerEnvVars`, with `EnvValueRetriever` for a Pod's downward-API fields (it
/// reads only `metadata.*`: other paths print empty, as kubectl prints them).
fn env_vars(w: &mut Tw, ct: &crate::model::Container, pod: Option<&Pod>) {
    use crate::model::EnvSource;
    if ct.env.is_empty() {
        w.w(2, "Environment:\t<none>\n");
        return;
    }
    w.w(2, "Environment:\n");
    for e in &ct.env {
        match &e.value_from {
            None => {
                for (i, line) in e.value.split('\n').enumerate() {
                    if i == 0 {
                        w.w(3, &format!("{}:\t{line}\n", e.name));
                    } else {
                        w.w(3, &format!("\t{line}\n"));
                    }
                }
            }
            Some(EnvSource::Field { api_version, field_path }) => {
                let value = pod.map(|p| field_value(p, field_path)).unwrap_or_default();
                w.w(3, &format!("{}:\t{value} ({api_version}:{field_path})\n", e.name));
            }
            Some(EnvSource::Resource { container, resource }) => {
                let target = if container.is_empty() {
                    Some(ct)
                } else {
                    pod.and_then(|p| p.spec.containers.iter().find(|c| &c.name == container))
                };
                let value = target.map(|t| resource_value(t, resource)).unwrap_or_default();
                w.w(3, &format!("{}:\t{value} ({resource})\n", e.name));
            }
            Some(EnvSource::SecretKey { name, key, optional }) => w.w(
                3,
                &format!(
                    "{}:\t<set to the key '{key}' in secret '{name}'>\tOptional: {optional}\n",
                    e.name
                ),
            ),
            Some(EnvSource::ConfigMapKey { name, key, optional }) => w.w(
                3,
                &format!(
                    "{}:\t<set to the key '{key}' of config map '{name}'>\tOptional: {optional}\n",
                    e.name
                ),
            ),
            Some(EnvSource::Other) => {}
        }
    }
}

/// `fieldpath.ExtractFieldPathAsString` on a Pod: `metadata.name`, `.namespace`, `.uid`,
/// `.labels['k']`, `.annotations['k']` (and the whole maps); anything else is empty.
fn field_value(p: &Pod, path: &str) -> String {
    let keyed = |prefix: &str| {
        path.strip_prefix(prefix)
            .and_then(|r| r.strip_prefix("['"))
            .and_then(|r| r.strip_suffix("']"))
    };
    let all = |m: &crate::model::Labels| {
        m.iter().map(|(k, v)| format!("{k}=\"{v}\"")).collect::<Vec<_>>().join("\n")
    };
    match path {
        "metadata.name" => p.meta.name.clone(),
        "metadata.namespace" => p.meta.namespace.clone(),
        "metadata.uid" => p.meta.uid.clone().unwrap_or_default(),
        "metadata.labels" => all(&p.meta.labels),
        "metadata.annotations" => all(&p.meta.annotations),
        _ => match (keyed("metadata.labels"), keyed("metadata.annotations")) {
            (Some(k), _) => p.meta.labels.get(k).cloned().unwrap_or_default(),
            (_, Some(k)) => p.meta.annotations.get(k).cloned().unwrap_or_default(),
            _ => String::new(),
        },
    }
}

/// `ExtractContainerResourceValue` with the default divisor (1): a CPU quantity in whole cores
/// (rounded up), memory and storage in bytes; a resource the container does not set is 0.
fn resource_value(ct: &crate::model::Container, resource: &str) -> String {
    let (list, name) = match resource.split_once('.') {
        Some(("limits", n)) => (&ct.limits, n),
        Some(("requests", n)) => (&ct.requests, n),
        _ => return String::new(),
    };
    let q =
        list.iter().find(|(n, _)| n == name).and_then(|(_, q)| crate::quantity::Quantity::parse(q));
    q.map_or("0".to_string(), |q| q.ceil_integer().to_string())
}

/// `qos.GetPodQOS` (pkg/apis/core/helper/qos): from the CPU and memory requests and limits of
/// every container and init container.
pub(crate) fn qos_class(p: &Pod) -> &'static str {
    use crate::quantity::Quantity;
    use std::collections::BTreeMap;
    let mut requests: BTreeMap<&str, Quantity> = BTreeMap::new();
    let mut limits: BTreeMap<&str, Quantity> = BTreeMap::new();
    let mut guaranteed = true;
    let supported = |n: &str| n == "cpu" || n == "memory";
    for ct in p.spec.containers.iter().chain(&p.spec.init_containers) {
        let mut found = 0;
        for (list, sums, is_limits) in
            [(&ct.requests, &mut requests, false), (&ct.limits, &mut limits, true)]
        {
            for (name, q) in list.iter().filter(|(n, _)| supported(n)) {
                let Some(q) = Quantity::parse(q).filter(|q| q.is_positive()) else { continue };
                if is_limits {
                    found += 1;
                }
                let sum = match sums.get(name.as_str()) {
                    Some(s) => s.add(&q).unwrap_or(q),
                    None => q,
                };
                sums.insert(name.as_str(), sum);
            }
        }
        if found < 2 {
            guaranteed = false;
        }
    }
    if requests.is_empty() && limits.is_empty() {
        return "BestEffort";
    }
    if guaranteed
        && requests.len() == limits.len()
        && requests.iter().all(|(n, r)| {
            limits.get(n).is_some_and(|l| l.cmp_value(r) == std::cmp::Ordering::Equal)
        })
    {
        return "Guaranteed";
    }
    "Burstable"
}

/// The priority the Priority admission plugin gives a Pod of this class: the built-in
/// `system-cluster-critical` (SystemCriticalPriority, 2000000000) and `system-node-critical`
/// (+1000), pkg/apis/scheduling/types.go; 0 for no class. Other PriorityClass objects are not
/// simulated, so their Pods keep 0.
fn builtin_priority(class: Option<&str>) -> i64 {
    match class {
        Some("system-node-critical") => 2_000_001_000,
        Some("system-cluster-critical") => 2_000_000_000,
        _ => 0,
    }
}

/// `describePod`.
fn pod(c: &Cluster, p: &Pod) -> String {
    let mut w = Tw::default();
    w.w(0, &format!("Name:\t{}\n", p.meta.name));
    w.w(0, &format!("Namespace:\t{}\n", p.meta.namespace));
    // The Priority admission plugin gives a Pod without a PriorityClass priority 0, and one of
    // the built-in classes its value; the ServiceAccount plugin, the `default` service account.
    w.w(0, &format!("Priority:\t{}\n", builtin_priority(p.spec.priority_class_name.as_deref())));
    // describe.go `describePod`: the class names, when set.
    if let Some(n) = &p.spec.priority_class_name {
        w.w(0, &format!("Priority Class Name:\t{n}\n"));
    }
    if let Some(n) = &p.spec.runtime_class_name {
        w.w(0, &format!("Runtime Class Name:\t{n}\n"));
    }
    w.w(
        0,
        &format!(
            "Service Account:\t{}\n",
            p.spec.service_account_name.as_deref().unwrap_or("default")
        ),
    );
    match &p.spec.node_name {
        None => w.w(0, "Node:\t<none>\n"),
        Some(n) => w.w(
            0,
            &format!(
                "Node:\t{n}/{}\n",
                p.status.host_ip.map(|i| i.to_string()).unwrap_or_default()
            ),
        ),
    }
    labels(&mut w, "Labels", &p.meta.labels);
    annotations(&mut w, "Annotations", &p.meta.annotations);
    let phase = if p.status.phase.is_empty() { "Pending" } else { p.status.phase.as_str() };
    if p.meta.deletion_timestamp.is_some() && phase != "Failed" && phase != "Succeeded" {
        w.w(0, "Status:\tTerminating (lasts <unknown>)\n");
        let grace = p
            .meta
            .deletion_grace_period_seconds
            .or(p.spec.termination_grace_period_seconds)
            .unwrap_or(super::DEFAULT_GRACE_PERIOD_SECONDS);
        w.w(0, &format!("Termination Grace Period:\t{grace}s\n"));
    } else {
        w.w(0, &format!("Status:\t{phase}\n"));
    }
    w.w(
        0,
        &format!("IP:\t{}\n", p.status.pod_ips.first().map(|i| i.to_string()).unwrap_or_default()),
    );
    if p.status.pod_ips.is_empty() {
        w.w(0, "IPs:\t<none>\n");
    } else {
        w.w(0, "IPs:\n");
        for ip in &p.status.pod_ips {
            w.w(1, &format!("IP:\t{ip}\n"));
        }
    }
    if let Some(o) = p.meta.owner_references.iter().find(|o| o.controller) {
        w.w(0, &format!("Controlled By:\t{}/{}\n", o.kind, o.name));
    }
    if let Some(n) = &p.status.nominated_node_name {
        w.w(0, &format!("NominatedNodeName:\t{n}\n"));
    }
    let started = p.status.host_ip.is_some() || p.status.phase == "Running";
    let running = p.status.phase == "Running";
    let ready = is_pod_ready(p) && running;
    let containers_ready = super::endpoints::containers_ready(p) && running;
    let state = started
        .then_some((if running { "Running" } else { "ContainerCreating" }, containers_ready));
    let no_statuses: &[(String, u32)] = &[];
    let sidecars: Vec<crate::model::Container> = p.spec.init_containers.clone();
    if !sidecars.is_empty() {
        containers(
            &mut w,
            "Init Containers",
            &sidecars,
            state.map(|(s, r)| (s, r, no_statuses)),
            "",
            Some(p),
        );
    }
    let statuses = p.status.container_restarts.as_slice();
    containers(
        &mut w,
        "Containers",
        &p.spec.containers,
        state.map(|(s, r)| (s, r, statuses)),
        "",
        Some(p),
    );
    if !p.spec.readiness_gates.is_empty() {
        w.w(0, "Readiness Gates:\n  Type\tStatus\n");
        for g in &p.spec.readiness_gates {
            let status = super::endpoints::condition_status(p, g).unwrap_or("<none>");
            w.w(1, &format!("{g} \t{status} \n"));
        }
    }
    let tf = |b: bool| if b { "True" } else { "False" };
    let mut conditions: Vec<(&str, &str)> = if started {
        vec![
            ("PodReadyToStartContainers", "True"),
            ("Initialized", "True"),
            ("Ready", tf(ready)),
            ("ContainersReady", tf(containers_ready)),
            ("PodScheduled", "True"),
        ]
    } else if p.spec.node_name.is_none() {
        vec![("PodScheduled", "False")]
    } else {
        vec![]
    };
    // The conditions the input gives besides (a readiness gate's, set by its controller).
    for (t, s) in &p.status.conditions {
        if !conditions.iter().any(|(k, _)| k == t) {
            conditions.push((t, s));
        }
    }
    if !conditions.is_empty() {
        w.w(0, "Conditions:\n  Type\tStatus\n");
        for (t, s) in conditions {
            w.w(1, &format!("{t} \t{s} \n"));
        }
    }
    w.w(0, "Volumes:\t<none>\n");
    w.w(0, &format!("QoS Class:\t{}\n", qos_class(p)));
    labels(&mut w, "Node-Selectors", &p.spec.node_selector);
    tolerations(&mut w, "", "Tolerations", admission_tolerations(&p.spec));
    events(&mut w, c, &format!("pod/{}", p.meta.name), &p.meta.namespace);
    w.finish()
}

/// `DescribePodTemplate`.
fn pod_template(w: &mut Tw, t: &PodTemplate) {
    w.w(0, "Pod Template:\n");
    labels_indented(w, "  ", "Labels", &t.labels);
    if !t.annotations.is_empty() {
        w.w(0, "  ");
        annotations(w, "Annotations", &t.annotations);
    }
    if !t.spec.init_containers.is_empty() {
        containers(w, "Init Containers", &t.spec.init_containers, None, "  ", None);
    }
    containers(w, "Containers", &t.spec.containers, None, "  ", None);
    w.w(0, "  Volumes:\t<none>\n");
    labels_indented(w, "  ", "Node-Selectors", &t.spec.node_selector);
    tolerations(
        w,
        "  ",
        "Tolerations",
        t.spec.tolerations.iter().map(|t| (t.clone(), None)).collect(),
    );
}

/// `describeReplicationController`.
fn replication_controller(c: &Cluster, r: &Workload) -> String {
    let mut w = Tw::default();
    let pods = owned_active(c, "ReplicationController", &r.meta.namespace, &r.meta.name);
    w.w(0, &format!("Name:\t{}\n", r.meta.name));
    let sel = r.selector.as_ref().map(|s| s.match_labels.clone()).unwrap_or_default();
    header(&mut w, r, &format_labels(&sel));
    w.w(0, &format!("Replicas:\t{} current / {} desired\n", pods.len(), r.replicas));
    pods_status(&mut w, &pods);
    pod_template(&mut w, &r.template);
    events(&mut w, c, &format!("replicationcontroller/{}", r.meta.name), &r.meta.namespace);
    w.finish()
}

/// The lines the replica controllers' describers start with after the name: Namespace,
/// Selector, Labels, Annotations.
fn header(w: &mut Tw, r: &Workload, selector: &str) {
    w.w(0, &format!("Namespace:\t{}\n", r.meta.namespace));
    w.w(0, &format!("Selector:\t{selector}\n"));
    labels(w, "Labels", &r.meta.labels);
    annotations(w, "Annotations", &r.meta.annotations);
}

/// The active Pods (not terminating) a workload's controller owns.
fn owned_active<'c>(c: &'c Cluster, kind: &str, ns: &str, name: &str) -> Vec<&'c Pod> {
    c.objects
        .pods
        .iter()
        .filter(|p| {
            p.meta.namespace == ns
                && p.meta.deletion_timestamp.is_none()
                && p.meta
                    .owner_references
                    .iter()
                    .any(|o| o.controller && o.kind == kind && o.name == name)
        })
        .collect()
}

/// `Pods Status:` of the replica controllers' describers (`getPodStatusForController`).
fn pods_status(w: &mut Tw, pods: &[&Pod]) {
    let count = |phase: &str| pods.iter().filter(|p| p.status.phase == phase).count();
    let waiting =
        pods.iter().filter(|p| p.status.phase == "Pending" || p.status.phase.is_empty()).count();
    w.w(
        0,
        &format!(
            "Pods Status:\t{} Running / {waiting} Waiting / {} Succeeded / {} Failed\n",
            count("Running"),
            count("Succeeded"),
            count("Failed")
        ),
    );
}

fn running_ready(p: &Pod) -> bool {
    p.status.phase == "Running" && is_pod_ready(p)
}

/// `describeDeployment`, `describeReplicaSet`, `describeStatefulSet` and `describeDaemonSet`
/// (kubectl describe.go), with the status their controllers would post (no clock: the
/// Deployment's `CreationTimestamp` is left out, and a Pod counts as available once Ready,
/// `minReadySeconds` passed).
fn workload(c: &Cluster, r: &Workload) -> String {
    let mut w = Tw::default();
    let (ns, name) = (r.meta.namespace.as_str(), r.meta.name.as_str());
    let selector = crate::select::format_label_selector(r.selector.as_ref());
    w.w(0, &format!("Name:\t{name}\n"));
    match r.kind {
        WorkloadKind::Deployment => {
            w.w(0, &format!("Namespace:\t{ns}\n"));
            labels(&mut w, "Labels", &r.meta.labels);
            annotations(&mut w, "Annotations", &r.meta.annotations);
            w.w(0, &format!("Selector:\t{selector}\n"));
            let sets: Vec<&Workload> = c
                .objects
                .workloads
                .iter()
                .filter(|s| {
                    s.kind == WorkloadKind::ReplicaSet
                        && s.meta.namespace == ns
                        && s.meta
                            .owner_references
                            .iter()
                            .any(|o| o.controller && o.kind == "Deployment" && o.name == name)
                })
                .collect();
            let pods: Vec<&Pod> =
                sets.iter().flat_map(|s| owned_active(c, "ReplicaSet", ns, &s.meta.name)).collect();
            let desired = r.replicas.max(0);
            let total = pods.len();
            let available = pods.iter().filter(|p| running_ready(p)).count();
            let unavailable = (usize::try_from(desired).unwrap_or(0)).saturating_sub(available);
            w.w(0, &format!("Replicas:\t{desired} desired | {total} updated | {total} total | {available} available | {unavailable} unavailable\n"));
            let strategy =
                r.rollout.strategy_type.clone().unwrap_or_else(|| "RollingUpdate".into());
            w.w(0, &format!("StrategyType:\t{strategy}\n"));
            w.w(0, &format!("MinReadySeconds:\t{}\n", r.rollout.min_ready_seconds.unwrap_or(0)));
            // `SetDefaults_Deployment`: 25% each for RollingUpdate.
            if strategy == "RollingUpdate" {
                let show = |x: &Option<crate::model::IntOrString>| match x {
                    Some(crate::model::IntOrString::Int(n)) => n.to_string(),
                    Some(crate::model::IntOrString::Str(s)) => s.clone(),
                    None => "25%".into(),
                };
                w.w(
                    0,
                    &format!(
                        "RollingUpdateStrategy:\t{} max unavailable, {} max surge\n",
                        show(&r.rollout.max_unavailable),
                        show(&r.rollout.max_surge)
                    ),
                );
            }
            pod_template(&mut w, &r.template);
            // The Deployment controller's conditions (`syncRolloutStatus`): Available once at
            // least `replicas - maxUnavailable` Pods are available; Progressing with the new
            // ReplicaSet complete or still being updated.
            let max_unavailable = match &r.rollout.max_unavailable {
                Some(crate::model::IntOrString::Int(n)) => i64::from(*n),
                Some(crate::model::IntOrString::Str(s)) => {
                    let pct: i64 = s.trim_end_matches('%').parse().unwrap_or(25);
                    i64::from(desired).saturating_mul(pct) / 100
                }
                None => i64::from(desired) * 25 / 100,
            };
            let min_available = (i64::from(desired) - max_unavailable).max(0);
            let avail = i64::try_from(available).unwrap_or(0);
            w.w(0, "Conditions:\n  Type\tStatus\tReason\n");
            w.w(1, "----\t------\t------\n");
            if avail >= min_available {
                w.w(1, "Available \tTrue\tMinimumReplicasAvailable\n");
            } else {
                w.w(1, "Available \tFalse\tMinimumReplicasUnavailable\n");
            }
            if avail >= i64::from(desired) {
                w.w(1, "Progressing \tTrue\tNewReplicaSetAvailable\n");
            } else {
                w.w(1, "Progressing \tTrue\tReplicaSetUpdated\n");
            }
            w.w(0, "OldReplicaSets:\t<none>\n");
            let new_rs: Vec<String> = sets
                .iter()
                .map(|s| {
                    let have = owned_active(c, "ReplicaSet", ns, &s.meta.name).len();
                    format!("{} ({have}/{} replicas created)", s.meta.name, s.replicas)
                })
                .collect();
            w.w(
                0,
                &format!(
                    "NewReplicaSet:\t{}\n",
                    if new_rs.is_empty() { "<none>".to_string() } else { new_rs.join(", ") }
                ),
            );
            events(&mut w, c, &format!("deployment/{name}"), ns);
        }
        WorkloadKind::ReplicaSet => {
            let pods = owned_active(c, "ReplicaSet", ns, name);
            header(&mut w, r, &selector);
            if let Some(o) = r.meta.owner_references.iter().find(|o| o.controller) {
                w.w(0, &format!("Controlled By:\t{}/{}\n", o.kind, o.name));
            }
            w.w(0, &format!("Replicas:\t{} current / {} desired\n", pods.len(), r.replicas));
            pods_status(&mut w, &pods);
            pod_template(&mut w, &r.template);
            events(&mut w, c, &format!("replicaset/{name}"), ns);
        }
        WorkloadKind::StatefulSet => {
            let pods = owned_active(c, "StatefulSet", ns, name);
            header(&mut w, r, &selector);
            w.w(0, &format!("Replicas:\t{} desired | {} total\n", r.replicas, pods.len()));
            let strategy =
                r.rollout.strategy_type.clone().unwrap_or_else(|| "RollingUpdate".into());
            w.w(0, &format!("Update Strategy:\t{strategy}\n"));
            // `SetDefaults_StatefulSet`: RollingUpdate with partition 0.
            if strategy == "RollingUpdate" {
                w.w(1, &format!("Partition:\t{}\n", r.rollout.partition.unwrap_or(0)));
                match &r.rollout.max_unavailable {
                    Some(crate::model::IntOrString::Int(n)) => {
                        w.w(1, &format!("MaxUnavailable:\t{n}\n"))
                    }
                    Some(crate::model::IntOrString::Str(s)) => {
                        w.w(1, &format!("MaxUnavailable:\t{s}\n"))
                    }
                    None => {}
                }
            }
            pods_status(&mut w, &pods);
            pod_template(&mut w, &r.template);
            w.w(0, "Volume Claims:\t<none>\n");
            events(&mut w, c, &format!("statefulset/{name}"), ns);
        }
        WorkloadKind::DaemonSet | WorkloadKind::ReplicationController => {
            let eligible = super::workloads::daemonset_eligible(c, r);
            let pods: Vec<&Pod> = owned_active(c, "DaemonSet", ns, name)
                .into_iter()
                .filter(|p| p.spec.node_name.as_ref().is_some_and(|n| eligible.contains(n)))
                .collect();
            let all = owned_active(c, "DaemonSet", ns, name);
            w.w(0, &format!("Namespace:\t{ns}\n"));
            w.w(0, &format!("Selector:\t{selector}\n"));
            w.w(
                0,
                &format!(
                    "Node-Selector:\t{}\n",
                    none_if_empty_labels(&r.template.spec.node_selector)
                ),
            );
            labels(&mut w, "Labels", &r.meta.labels);
            annotations(&mut w, "Annotations", &r.meta.annotations);
            let ready = pods.iter().filter(|p| running_ready(p)).count();
            w.w(0, &format!("Desired Number of Nodes Scheduled: {}\n", eligible.len()));
            w.w(0, &format!("Current Number of Nodes Scheduled: {}\n", pods.len()));
            w.w(0, &format!("Number of Nodes Scheduled with Up-to-date Pods: {}\n", pods.len()));
            w.w(0, &format!("Number of Nodes Scheduled with Available Pods: {ready}\n"));
            w.w(0, &format!("Number of Nodes Misscheduled: {}\n", all.len() - pods.len()));
            pods_status(&mut w, &pods);
            pod_template(&mut w, &r.template);
            events(&mut w, c, &format!("daemonset/{name}"), ns);
        }
    }
    w.finish()
}

fn none_if_empty_labels(l: &crate::model::Labels) -> String {
    if l.is_empty() {
        "<none>".to_string()
    } else {
        format_labels(l)
    }
}

/// `describeNode`.
/// `describeNetworkPolicy` and `describeNetworkPolicySpec` (`Created on` left out: no clock).
/// Each direction the policy types name lists its rules (`printNetworkPolicySpecIngressFrom`,
/// `printNetworkPolicySpecEgressTo`): the ports, then each peer, rules separated by a line of
/// dashes; a direction not named is "Not affecting … traffic".
fn network_policy(n: &NetworkPolicy) -> String {
    let mut w = Tw::default();
    w.w(0, &format!("Name:\t{}\n", n.meta.name));
    w.w(0, &format!("Namespace:\t{}\n", n.meta.namespace));
    labels(&mut w, "Labels", &n.meta.labels);
    annotations(&mut w, "Annotations", &n.meta.annotations);
    w.w(0, "Spec:\n");
    w.w(1, "PodSelector: ");
    let sel = &n.spec.pod_selector;
    if sel.match_labels.is_empty() && sel.match_expressions.is_empty() {
        w.w(2, "<none> (Allowing the specific traffic to all pods in this namespace)\n");
    } else {
        w.w(2, &format!("{}\n", crate::select::format_label_selector(Some(sel))));
    }
    let has = |t: PolicyType| n.spec.policy_types.contains(&t);
    if has(PolicyType::Ingress) {
        w.w(1, "Allowing ingress traffic:\n");
        policy_rules(&mut w, &n.spec.ingress, "ingress", "From", "source");
    } else {
        w.w(1, "Not affecting ingress traffic\n");
    }
    if has(PolicyType::Egress) {
        w.w(1, "Allowing egress traffic:\n");
        policy_rules(&mut w, &n.spec.egress, "egress", "To", "destination");
    } else {
        w.w(1, "Not affecting egress traffic\n");
    }
    let types: Vec<&str> = n.spec.policy_types.iter().map(|t| t.as_str()).collect();
    let types = if types.is_empty() { "<none>".to_string() } else { types.join(", ") };
    w.w(1, &format!("Policy Types: {types}\n"));
    w.finish()
}

/// The rules of one direction, as kubectl prints them with the initial indent "    ".
fn policy_rules(w: &mut Tw, rules: &[NetworkPolicyRule], dir: &str, peer: &str, side: &str) {
    const IND: &str = "    ";
    if rules.is_empty() {
        w.w(0, &format!("{IND}<none> (Selected pods are isolated for {dir} connectivity)\n"));
        return;
    }
    let selector = |s: &crate::model::LabelSelector| crate::select::format_label_selector(Some(s));
    for (i, r) in rules.iter().enumerate() {
        if r.ports.is_empty() {
            w.w(0, &format!("{IND}To Port: <any> (traffic allowed to all ports)\n"));
        }
        for p in &r.ports {
            // `%s` of the `*intstr.IntOrString`: `<nil>` when the port is left out.
            let port = match &p.port {
                None => "<nil>".to_string(),
                Some(IntOrString::Int(n)) => n.to_string(),
                Some(IntOrString::Str(t)) => t.clone(),
            };
            let proto = p.protocol.as_str();
            match p.end_port {
                None => w.w(0, &format!("{IND}To Port: {port}/{proto}\n")),
                Some(end) => w.w(0, &format!("{IND}To Port Range: {port}-{end}/{proto}\n")),
            }
        }
        if r.peers.is_empty() {
            w.w(0, &format!("{IND}{peer}: <any> (traffic not restricted by {side})\n"));
        }
        for x in &r.peers {
            w.w(0, &format!("{IND}{peer}:\n"));
            match (&x.pod_selector, &x.namespace_selector, &x.ip_block) {
                (Some(pods), Some(nss), _) => {
                    w.w(1, &format!("{IND}NamespaceSelector: {}\n", selector(nss)));
                    w.w(1, &format!("{IND}PodSelector: {}\n", selector(pods)));
                }
                (Some(pods), None, _) => w.w(1, &format!("{IND}PodSelector: {}\n", selector(pods))),
                (None, Some(nss), _) => {
                    w.w(1, &format!("{IND}NamespaceSelector: {}\n", selector(nss)))
                }
                (None, None, Some(b)) => {
                    w.w(1, &format!("{IND}IPBlock:\n"));
                    w.w(2, &format!("{IND}CIDR: {}\n", b.cidr));
                    w.w(2, &format!("{IND}Except: {}\n", b.except.join(", ")));
                }
                (None, None, None) => {}
            }
        }
        if i + 1 != rules.len() {
            w.w(0, &format!("{IND}----------\n"));
        }
    }
}

fn node(c: &Cluster, n: &Node) -> String {
    let mut w = Tw::default();
    w.w(0, &format!("Name:\t{}\n", n.meta.name));
    let r = roles(n);
    w.w(0, &format!("Roles:\t{}\n", if r.is_empty() { "<none>".into() } else { r.join(",") }));
    labels(&mut w, "Labels", &n.meta.labels);
    annotations(&mut w, "Annotations", &n.meta.annotations);
    // printNodeTaintsMultiline: sorted by "effect,key".
    w.w(0, "Taints:\t");
    if n.taints.is_empty() {
        w.w(0, "<none>\n");
    } else {
        let mut taints = n.taints.clone();
        crate::sort::sort_by(&mut taints, |a, b| {
            format!("{},{}", a.effect, a.key).cmp(&format!("{},{}", b.effect, b.key))
        });
        for (i, t) in taints.iter().enumerate() {
            if i != 0 {
                w.w(0, "\t");
            }
            let v = if t.value.is_empty() { String::new() } else { format!("={}", t.value) };
            w.w(0, &format!("{}{v}:{}\n", t.key, t.effect));
        }
    }
    w.w(0, &format!("Unschedulable:\t{}\n", n.unschedulable));
    w.w(0, "Lease:\n");
    w.w(1, &format!("HolderIdentity:\t{}\n", n.meta.name));
    w.w(1, "AcquireTime:\t<unset>\n");
    // The kubelet's four conditions; when it stops reporting, the node lifecycle controller
    // sets them Unknown (`nodelifecycle` `tryUpdateNodeHealth`).
    w.w(0, "Conditions:\n  Type\tStatus\tLastHeartbeatTime\tLastTransitionTime\tReason\tMessage\n");
    w.w(1, "----\t------\t-----------------\t------------------\t------\t-------\n");
    // A Ready False from the input: the kubelet still posts, and says the node is not ready
    // (`KubeletNotReady`; its message, the runtime's error, is not known here).
    let rows: [(&str, &str, &str, &str); 4] = if n.ready || n.ready_false {
        [
            (
                "MemoryPressure",
                "False",
                "KubeletHasSufficientMemory",
                "kubelet has sufficient memory available",
            ),
            ("DiskPressure", "False", "KubeletHasNoDiskPressure", "kubelet has no disk pressure"),
            (
                "PIDPressure",
                "False",
                "KubeletHasSufficientPID",
                "kubelet has sufficient PID available",
            ),
            if n.ready {
                ("Ready", "True", "KubeletReady", "kubelet is posting ready status")
            } else {
                ("Ready", "False", "KubeletNotReady", "")
            },
        ]
    } else {
        let m = "Kubelet stopped posting node status.";
        [
            ("MemoryPressure", "Unknown", "NodeStatusUnknown", m),
            ("DiskPressure", "Unknown", "NodeStatusUnknown", m),
            ("PIDPressure", "Unknown", "NodeStatusUnknown", m),
            ("Ready", "Unknown", "NodeStatusUnknown", m),
        ]
    };
    for (t, s, reason, msg) in rows {
        w.w(1, &format!("{t} \t{s} \t<unknown> \t<unknown> \t{reason} \t{msg}\n"));
    }
    w.w(0, "Addresses:\n");
    for ip in &n.internal_ips {
        w.w(1, &format!("InternalIP:\t{ip}\n"));
    }
    for ip in &n.external_ips {
        w.w(1, &format!("ExternalIP:\t{ip}\n"));
    }
    w.w(1, &format!("Hostname:\t{}\n", n.meta.name));
    let version = c.settings.version.to_string();
    let info = super::print::node_info(n, &version);
    let (os, kernel, runtime) =
        (&info.os_image, &info.kernel_version, &info.container_runtime_version);
    w.w(0, "System Info:\n");
    w.w(0, "  Machine ID:\t\n");
    w.w(0, "  System UUID:\t\n");
    w.w(0, "  Boot ID:\t\n");
    w.w(0, &format!("  Kernel Version:\t{kernel}\n"));
    w.w(0, &format!("  OS Image:\t{os}\n"));
    w.w(0, "  Operating System:\tlinux\n");
    w.w(0, "  Architecture:\tamd64\n");
    w.w(0, &format!("  Container Runtime Version:\t{runtime}\n"));
    w.w(0, &format!("  Kubelet Version:\t{}\n", info.kubelet_version));
    w.w(0, "  Kube-Proxy Version:\t\n");
    if let Some(first) = n.pod_cidrs.first() {
        w.w(0, &format!("PodCIDR:\t{first}\n"));
        w.w(0, &format!("PodCIDRs:\t{}\n", n.pod_cidrs.join(",")));
    }
    // Node events are recorded in the default namespace.
    events(&mut w, c, &format!("node/{}", n.meta.name), "");
    w.finish()
}
