//! The topology view model: the picture the playground draws and `netsim graph` prints.
//!
//! Input: a *complete* cluster (`cluster::build` output: Pods with IPs and nodes, Services with
//! ClusterIPs and NodePorts, generated EndpointSlices). Output: plain data with every position
//! already decided, so the Yew component, the SVG writer and the DOT writer only draw.
//!
//! Invariants:
//! * all coordinates are integers (no float, so no platform-dependent rounding);
//! * the layout is stable while typing: nodes keep cluster order left to right, each node's Pods
//!   stack in cluster (creation/input) order top to bottom, Services keep input order. Adding a
//!   Pod therefore moves nothing but the node that receives it (which grows) and the canvas size;
//! * large clusters stay readable: a node with more than [`GROUP_THRESHOLD`] Pods shows one count
//!   box per owner instead of one box per Pod;
//! * built-in system objects (`default/kubernetes`, the `kube-system` CoreDNS Pods and Service)
//!   are left out unless the input itself has an object in that namespace;
//! * nothing panics and every list is bounded (near-miss edges per Service, label text length).

use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};

use crate::model::{Labels, Objects, Pod, Service, ServiceType};

/// A node with more Pods than this shows them grouped per owner.
pub const GROUP_THRESHOLD: usize = 12;
/// At most this many dashed near-miss edges per Service (the closest Pods come first).
pub const MAX_NEAR_MISSES: usize = 8;
/// How many namespace colours there are (`color` fields are `0..NAMESPACE_COLORS`).
pub const NAMESPACE_COLORS: u8 = 8;

// Layout grid, in SVG user units (pixels at zoom 1).
const MARGIN: i32 = 24;
const LEGEND_H: i32 = 20;
const COL: i32 = 240;
const NODE_W: i32 = 220;
const NODE_HEAD: i32 = 44;
const POD_W: i32 = 196;
const POD_H: i32 = 52;
const POD_GAP: i32 = 8;
const SVC_W: i32 = 220;
const SVC_H: i32 = 96;
const ENTRY_H: i32 = 20;
const ENTRY_W: i32 = 104;
const OUT_W: i32 = 200;
const OUT_H: i32 = 44;
/// Characters that fit on one line of a box at the drawing's font size.
const LINE_CHARS: usize = 28;

/// The whole picture.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Topology {
    /// Canvas size (the SVG `viewBox` is `0 0 width height`).
    pub width: i32,
    pub height: i32,
    /// The cluster DNS domain the Service names use.
    pub dns_domain: String,
    /// The frame around everything inside the cluster (Services and nodes).
    pub cluster: Rect,
    /// Every namespace shown, with its colour, in order of first appearance (the legend).
    pub namespaces: Vec<NamespaceTag>,
    pub nodes: Vec<NodeBox>,
    pub services: Vec<ServiceBox>,
    /// Boxes outside the cluster: the external client and ExternalName targets.
    pub outside: Vec<OutsideBox>,
    /// NodePort / LoadBalancer / externalIPs entry points, drawn on top of their Service.
    pub entries: Vec<EntryPoint>,
    /// Drawn under the boxes, in this order.
    pub edges: Vec<Edge>,
}

impl Topology {
    /// The names of the nodes drawn (not the column of unscheduled Pods), in order.
    pub fn node_names(&self) -> Vec<String> {
        self.nodes.iter().filter(|n| !n.name.is_empty()).map(|n| n.name.clone()).collect()
    }
}

/// An axis-aligned box.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Rect {
    pub x: i32,
    pub y: i32,
    pub w: i32,
    pub h: i32,
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Point {
    pub x: i32,
    pub y: i32,
}

/// A namespace and its colour index, derived from the name alone (stable across inputs).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct NamespaceTag {
    pub name: String,
    pub color: u8,
}

/// A `key=value` label or selector pair.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct LabelPair {
    pub key: String,
    pub value: String,
}

/// A node column holding its Pods (or per-owner groups when it has many).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct NodeBox {
    /// `node/<name>`; `node/` (empty name) is the column of Pods not scheduled to a known node.
    pub id: String,
    pub name: String,
    /// `control-plane`, `worker`, or `unscheduled`.
    pub role: String,
    pub ready: bool,
    /// First InternalIP, empty if none.
    pub internal_ip: String,
    /// The node's `topology.kubernetes.io/zone` label, when it has one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub zone: Option<String>,
    pub rect: Rect,
    pub pods: Vec<PodBox>,
    /// Non-empty only when the node has more than [`GROUP_THRESHOLD`] Pods (then `pods` is empty).
    pub groups: Vec<PodGroup>,
}

/// The state a Pod box is drawn in.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", try_from = "String")]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub enum PodState {
    Ready,
    NotReady,
    /// Not running yet (no node or no IP).
    Pending,
    /// Has a deletionTimestamp.
    Terminating,
}

impl PodState {
    pub fn as_str(self) -> &'static str {
        match self {
            PodState::Ready => "ready",
            PodState::NotReady => "notReady",
            PodState::Pending => "pending",
            PodState::Terminating => "terminating",
        }
    }
}
from_name!(PodState: PodState::Ready, PodState::NotReady, PodState::Pending, PodState::Terminating);

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct PodBox {
    /// `pod/<namespace>/<name>`.
    pub id: String,
    pub name: String,
    /// `name`, shortened to fit the box.
    pub label: String,
    pub namespace: String,
    pub color: u8,
    /// First Pod IP, empty while it has none.
    pub ip: String,
    pub labels: Vec<LabelPair>,
    /// `labels` as one line (`app=web tier=fe`), shortened to fit the box.
    pub labels_text: String,
    pub state: PodState,
    /// The controller owner as `Kind/name`, if any.
    pub owner: Option<String>,
    pub node: String,
    /// One line per container (sidecars included): `web (nginx:1.25) 80/TCP http`.
    pub containers: Vec<String>,
    /// The containers' names, in the same order (what `pod/NS/NAME:CONTAINER` names).
    pub container_names: Vec<String>,
    pub rect: Rect,
}

/// Pods of one owner on one node, drawn as a count box.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct PodGroup {
    /// `group/<node>/<namespace>/<owner>`.
    pub id: String,
    /// `Kind/name`, empty for Pods without a controller, or `*` when the node has so many
    /// owners that its Pods are grouped per namespace only.
    pub owner: String,
    pub label: String,
    pub namespace: String,
    pub color: u8,
    pub count: usize,
    pub ready: usize,
    /// The ids of the Pods in the group, in order.
    pub pods: Vec<String>,
    pub rect: Rect,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct ServiceBox {
    /// `svc/<namespace>/<name>`.
    pub id: String,
    pub name: String,
    pub label: String,
    pub namespace: String,
    pub color: u8,
    #[serde(rename = "type")]
    pub type_: String,
    /// The primary ClusterIP; `None` for headless Services; empty for ExternalName.
    pub cluster_ip: String,
    /// One line per port: `80/TCP → http`, or `80:30080/TCP → 8080` with a NodePort.
    pub ports: Vec<String>,
    /// `<name>.<namespace>.svc.<domain>`.
    pub dns_name: String,
    /// kubectl's EXTERNAL-IP column when it is not `<none>`: addresses, or `<pending>`.
    pub external_ip: Option<String>,
    pub external_name: Option<String>,
    pub selector: Vec<LabelPair>,
    /// Pods behind the Service (from its EndpointSlices) and how many of them are ready.
    pub endpoints: usize,
    pub ready_endpoints: usize,
    pub rect: Rect,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub enum OutsideKind {
    /// A client outside the cluster (shown when some Service is reachable from outside).
    Client,
    /// The DNS name an ExternalName Service points to.
    ExternalName,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct OutsideBox {
    /// `client`, or `ext/<namespace>/<service>`.
    pub id: String,
    pub kind: OutsideKind,
    pub label: String,
    pub rect: Rect,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub enum EntryKind {
    NodePort,
    LoadBalancer,
    ExternalIp,
}

impl EntryKind {
    /// How the entry is named in the picture's tooltips.
    pub fn as_str(self) -> &'static str {
        match self {
            EntryKind::NodePort => "NodePort",
            EntryKind::LoadBalancer => "LoadBalancer",
            EntryKind::ExternalIp => "externalIP",
        }
    }
}

/// A way into a Service from outside the cluster.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct EntryPoint {
    /// `entry/<namespace>/<service>/<nodePort|loadBalancer|externalIp>`.
    pub id: String,
    pub service: String,
    pub kind: EntryKind,
    /// `:30080`, `203.0.113.7:80`, `<pending>`.
    pub label: String,
    pub rect: Rect,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", try_from = "String")]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub enum EdgeKind {
    /// Service → Pod that is a ready endpoint.
    Ready,
    /// Service → Pod that is an endpoint but not ready (or terminating).
    NotReady,
    /// Service ⇢ Pod in the namespace that misses the selector by one pair (dashed).
    NearMiss,
    /// Client → entry point → Service.
    Entry,
    /// ExternalName Service → its target outside the cluster (dashed).
    ExternalName,
}

impl EdgeKind {
    pub fn as_str(self) -> &'static str {
        match self {
            EdgeKind::Ready => "ready",
            EdgeKind::NotReady => "notReady",
            EdgeKind::NearMiss => "nearMiss",
            EdgeKind::Entry => "entry",
            EdgeKind::ExternalName => "externalName",
        }
    }
}
from_name!(EdgeKind: EdgeKind::Ready, EdgeKind::NotReady, EdgeKind::NearMiss, EdgeKind::Entry, EdgeKind::ExternalName);

/// Which selector pair a near-miss Pod lacks, and what it has instead.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct NearMiss {
    /// The selector pair the Pod does not match.
    pub want: LabelPair,
    /// The Pod's closest pair (same key with another value, or a look-alike key), if any.
    pub have: Option<LabelPair>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Edge {
    /// `<from>-><to>`.
    pub id: String,
    pub from: String,
    pub to: String,
    pub kind: EdgeKind,
    /// Short text for the edge (near-miss reason, entry label); empty if none.
    pub label: String,
    pub near_miss: Option<NearMiss>,
    /// A cubic Bézier: start, control 1, control 2, end.
    pub points: [Point; 4],
    /// Where the label is drawn (the curve's midpoint; near-miss labels staggered).
    pub label_at: Point,
}

/// Which objects to draw.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Options {
    /// Also draw the built-in system objects (`default/kubernetes`, CoreDNS).
    pub system: bool,
}

const SYSTEM_NAMESPACES: [&str; 3] = ["kube-system", "kube-public", "kube-node-lease"];

/// The colour index of a namespace: FNV-1a of its name, so it never depends on other objects.
pub fn namespace_color(namespace: &str) -> u8 {
    let h = crate::cluster::net::fnv64a(namespace.as_bytes());
    (h % u64::from(NAMESPACE_COLORS)) as u8
}

/// Lays out a complete cluster. `dns_domain` is the cluster domain (`cluster.local`).
pub fn topology(objects: &Objects, dns_domain: &str, options: Options) -> Topology {
    let (pods, services) = shown_objects(objects, options);
    let mut t = Topology { dns_domain: dns_domain.to_string(), ..Topology::default() };
    t.namespaces = namespace_legend(&pods, &services);
    let (mut columns, per_column) = node_columns(objects, &pods);
    let endpoints = service_endpoints(objects, &pods);

    // Vertical bands: legend, outside row (if any), Services, nodes.
    let has_client = services.iter().any(|s| reachable_from_outside(s));
    let has_outside =
        has_client || services.iter().any(|s| s.spec.type_ == ServiceType::ExternalName);
    let outside_y = MARGIN + LEGEND_H + 16;
    let services_top = if has_outside { outside_y + OUT_H + 56 } else { outside_y + 16 };
    let cols = columns.len().max(4);
    let svc_rows = services.len().div_ceil(cols);
    let svc_row_stride = SVC_H + 44;
    let nodes_top = services_top + (svc_rows as i32) * svc_row_stride + 20;

    // Outside boxes.
    if has_client {
        t.outside.push(OutsideBox {
            id: "client".into(),
            kind: OutsideKind::Client,
            label: "External client".into(),
            rect: Rect { x: MARGIN, y: outside_y, w: OUT_W, h: OUT_H },
        });
    }

    // Services, with their entry points.
    let band = Bands { cols, outside_y, services_top, svc_row_stride };
    for (i, s) in services.iter().enumerate() {
        place_service(&mut t, s, i, dns_domain, &endpoints, &band);
    }
    let placed = place_pods(&mut columns, &per_column, nodes_top);

    // Service → Pod edges (endpoints), then dashed near misses.
    let pod_ids: Vec<String> = pods.iter().map(|p| pod_id(p)).collect();
    let order = PodOrder::new(&pods, &pod_ids);
    for (s, sb) in services.iter().zip(&t.services) {
        let mut done = BTreeSet::new();
        endpoint_edges(&mut t.edges, s, sb, &order, &endpoints, &placed, &mut done);
        near_miss_edges(&mut t.edges, s, sb, &order, &placed, &mut done);
    }
    // Canvas and cluster frame, edge labels.
    frame(&mut t, columns, services_top, nodes_top);
    place_labels(&mut t.edges);
    t
}

/// The Pods and Services drawn: system namespaces only where the input wrote objects (or
/// with `options.system`); Pods in input order.
fn shown_objects(objects: &Objects, options: Options) -> (Vec<&Pod>, Vec<&Service>) {
    // Namespaces the input itself wrote objects into: their system objects are shown too.
    let mut user_namespaces: BTreeSet<&str> = BTreeSet::new();
    for m in objects
        .pods
        .iter()
        .map(|p| &p.meta)
        .chain(objects.services.iter().map(|s| &s.meta))
        .chain(objects.workloads.iter().map(|w| &w.meta))
    {
        if m.source.is_some() {
            user_namespaces.insert(m.namespace.as_str());
        }
    }
    let shown_ns = |ns: &str| {
        options.system || !SYSTEM_NAMESPACES.contains(&ns) || user_namespaces.contains(ns)
    };
    let pods: Vec<&Pod> = objects.pods.iter().filter(|p| shown_ns(&p.meta.namespace)).collect();
    // Input order: a Pod sorts where it (or the workload that made it) is written, so a Pod
    // typed anywhere never moves the Pods of workloads written before it. The sort is stable,
    // keeping the cluster's order among one workload's Pods.
    // Keys computed once: `input_position` walks the owner chain through the workload list.
    // The shared stable sort (`crate::sort`) keeps the wasm small.
    let mut keyed: Vec<((u32, u32), &Pod)> =
        pods.iter().map(|p| (input_position(objects, p), *p)).collect();
    crate::sort::sort_by_key(&mut keyed, |(k, _)| *k);
    let pods: Vec<&Pod> = keyed.into_iter().map(|(_, p)| p).collect();
    let services: Vec<&Service> = objects
        .services
        .iter()
        .filter(|s| shown_ns(&s.meta.namespace))
        .filter(|s| {
            options.system
                || s.meta.source.is_some()
                || !(s.meta.namespace == "default" && s.meta.name == "kubernetes")
        })
        .collect();
    (pods, services)
}

/// The namespace legend, in order of first appearance (Services, then Pods).
fn namespace_legend(pods: &[&Pod], services: &[&Service]) -> Vec<NamespaceTag> {
    let mut legend = Vec::new();
    let mut seen_ns = BTreeSet::new();
    for ns in
        services.iter().map(|s| &s.meta.namespace).chain(pods.iter().map(|p| &p.meta.namespace))
    {
        if seen_ns.insert(ns.clone()) {
            legend.push(NamespaceTag { name: ns.clone(), color: namespace_color(ns) });
        }
    }
    legend
}

/// The node columns: cluster nodes in order, then one column for Pods on no known node;
/// with the Pods of each column.
fn node_columns<'o>(objects: &Objects, pods: &[&'o Pod]) -> (Vec<NodeBox>, Vec<Vec<&'o Pod>>) {
    let mut columns: Vec<NodeBox> = objects
        .nodes
        .iter()
        .map(|n| NodeBox {
            id: format!("node/{}", n.meta.name),
            name: n.meta.name.clone(),
            role: if crate::cluster::roles(n).iter().any(|r| r == "control-plane") {
                "control-plane".into()
            } else {
                "worker".into()
            },
            ready: n.ready,
            internal_ip: n.internal_ips.first().map(|ip| ip.to_string()).unwrap_or_default(),
            zone: n.meta.labels.get(crate::cluster::ZONE_LABEL).filter(|z| !z.is_empty()).cloned(),
            rect: Rect::default(),
            pods: Vec::new(),
            groups: Vec::new(),
        })
        .collect();
    let node_index: BTreeMap<&str, usize> =
        objects.nodes.iter().enumerate().map(|(i, n)| (n.meta.name.as_str(), i)).collect();
    let mut per_column: Vec<Vec<&Pod>> = vec![Vec::new(); columns.len() + 1];
    for p in pods {
        let i = p
            .spec
            .node_name
            .as_deref()
            .and_then(|n| node_index.get(n).copied())
            .unwrap_or(columns.len());
        if let Some(c) = per_column.get_mut(i) {
            c.push(p);
        }
    }
    if per_column.last().is_some_and(|c| !c.is_empty()) {
        columns.push(NodeBox {
            id: "node/".into(),
            name: "(unscheduled)".into(),
            role: "unscheduled".into(),
            ready: false,
            internal_ip: String::new(),
            zone: None,
            rect: Rect::default(),
            pods: Vec::new(),
            groups: Vec::new(),
        });
    }
    (columns, per_column)
}

/// Ready state of each endpoint Pod, by Service (namespace, name) and Pod id.
type EndpointsByService = BTreeMap<(String, String), BTreeMap<String, bool>>;

/// The endpoints of each Service, from its EndpointSlices: Pod id → ready. An endpoint without
/// a Pod targetRef (user-managed slices) still counts when its address is a Pod's IP.
fn service_endpoints(objects: &Objects, pods: &[&Pod]) -> EndpointsByService {
    let mut pod_by_ip: BTreeMap<std::net::IpAddr, String> = BTreeMap::new();
    for p in pods {
        for ip in &p.status.pod_ips {
            pod_by_ip.entry(*ip).or_insert_with(|| pod_id(p));
        }
    }
    let mut endpoints = EndpointsByService::new();
    for slice in &objects.endpoint_slices {
        let Some(svc) = slice.service_name() else { continue };
        let entry = endpoints.entry((slice.meta.namespace.clone(), svc.to_string())).or_default();
        for e in &slice.endpoints {
            let id = match &e.target_ref {
                Some(r) if r.kind == "Pod" => {
                    let ns =
                        if r.namespace.is_empty() { &slice.meta.namespace } else { &r.namespace };
                    format!("pod/{ns}/{}", r.name)
                }
                Some(_) => continue,
                None => match e.addresses.iter().find_map(|ip| pod_by_ip.get(ip)) {
                    Some(id) => id.clone(),
                    None => continue,
                },
            };
            // A missing condition means ready (EndpointConditions docs).
            let ready = e.conditions.ready != Some(false);
            let v = entry.entry(id).or_insert(false);
            *v |= ready;
        }
    }
    endpoints
}

/// The vertical bands the Service boxes are placed in.
struct Bands {
    /// Services per row.
    cols: usize,
    /// The top of the outside row (clients, ExternalName targets).
    outside_y: i32,
    services_top: i32,
    svc_row_stride: i32,
}

/// The `i`-th Service's box, its entry points (NodePort, LoadBalancer, external IP) with their
/// edges from the outside client, and an ExternalName Service's target outside the cluster.
fn place_service(
    t: &mut Topology,
    s: &Service,
    i: usize,
    dns_domain: &str,
    endpoints: &EndpointsByService,
    band: &Bands,
) {
    let col = (i % band.cols) as i32;
    let row = (i / band.cols) as i32;
    let rect = Rect {
        x: MARGIN + col * COL,
        y: band.services_top + row * band.svc_row_stride,
        w: SVC_W,
        h: SVC_H,
    };
    let ns = &s.meta.namespace;
    let id = format!("svc/{ns}/{}", s.meta.name);
    let eps = endpoints.get(&(ns.clone(), s.meta.name.clone()));
    let boxed = service_box(s, dns_domain, &id, rect, eps);
    t.services.push(boxed);
    service_entries(t, s, &id, rect);

    // ExternalName target outside the cluster.
    if let (ServiceType::ExternalName, Some(target)) = (s.spec.type_, s.spec.external_name.as_ref())
    {
        let slot = t.outside.len() as i32;
        let or = Rect { x: MARGIN + slot * COL, y: band.outside_y, w: OUT_W, h: OUT_H };
        let oid = format!("ext/{ns}/{}", s.meta.name);
        t.edges.push(Edge {
            id: format!("{id}->{oid}"),
            from: id.clone(),
            to: oid.clone(),
            kind: EdgeKind::ExternalName,
            label: "CNAME".into(),
            near_miss: None,
            points: vertical(top_center(rect), bottom_center(or)),
            label_at: Point::default(),
        });
        t.outside.push(OutsideBox {
            id: oid,
            kind: OutsideKind::ExternalName,
            label: fit(target, LINE_CHARS),
            rect: or,
        });
    }
}

/// A Service's entry points, left to right on its top edge, each with an edge from the outside
/// client (if drawn) and one into the Service.
fn service_entries(t: &mut Topology, s: &Service, id: &str, rect: Rect) {
    let ns = &s.meta.namespace;
    let mut entry_x = rect.x + 8;
    let mut add_entry = |t: &mut Topology, kind: EntryKind, key: &str, label: String| {
        let er = Rect { x: entry_x, y: rect.y - ENTRY_H - 6, w: ENTRY_W, h: ENTRY_H };
        entry_x += ENTRY_W + 4;
        let eid = format!("entry/{ns}/{}/{key}", s.meta.name);
        if let Some(client) = t.outside.first().map(|o| o.rect) {
            t.edges.push(Edge {
                id: format!("client->{eid}"),
                from: "client".into(),
                to: eid.clone(),
                kind: EdgeKind::Entry,
                label: String::new(),
                near_miss: None,
                points: vertical(bottom_center(client), top_center(er)),
                label_at: Point::default(),
            });
        }
        t.edges.push(Edge {
            id: format!("{eid}->{id}"),
            from: eid.clone(),
            to: id.to_string(),
            kind: EdgeKind::Entry,
            label: String::new(),
            near_miss: None,
            points: vertical(bottom_center(er), Point { x: er.x + er.w / 2, y: rect.y }),
            label_at: Point::default(),
        });
        t.entries.push(EntryPoint { id: eid, service: id.to_string(), kind, label, rect: er });
    };
    let node_ports: Vec<String> =
        s.spec.ports.iter().filter_map(|p| p.node_port).map(|n| format!(":{n}")).collect();
    if matches!(s.spec.type_, ServiceType::NodePort | ServiceType::LoadBalancer)
        && !node_ports.is_empty()
    {
        add_entry(t, EntryKind::NodePort, "nodePort", fit(&node_ports.join(","), 14));
    }
    if s.spec.type_ == ServiceType::LoadBalancer {
        let ingress = lb_addresses(s);
        let label = match ingress.first() {
            Some(a) => a.clone(),
            None => "<pending>".into(),
        };
        add_entry(t, EntryKind::LoadBalancer, "loadBalancer", fit(&label, 14));
    }
    if let Some(ip) = s.spec.external_ips.first() {
        add_entry(t, EntryKind::ExternalIp, "externalIp", fit(&ip.to_string(), 14));
    }
}

/// Where the Pods were drawn.
struct PlacedPods {
    /// Box id (a Pod's or a group's) → its rectangle.
    pod_at: BTreeMap<String, Rect>,
    /// Pod id → the id of the box that stands for it (itself, or its group).
    drawn_as: BTreeMap<String, String>,
}

/// The Pods of each node column, one box each, or grouped when a column has more than
/// [`GROUP_THRESHOLD`]; sizes each node box to its Pods.
fn place_pods(columns: &mut [NodeBox], per_column: &[Vec<&Pod>], nodes_top: i32) -> PlacedPods {
    let mut placed = PlacedPods { pod_at: BTreeMap::new(), drawn_as: BTreeMap::new() };
    for (ci, node) in columns.iter_mut().enumerate() {
        let x = MARGIN + (ci as i32) * COL;
        let col_pods: &[&Pod] = per_column.get(ci).map_or(&[], |v| v.as_slice());
        let inner_x = x + (NODE_W - POD_W) / 2;
        let mut y = nodes_top + NODE_HEAD;
        if col_pods.len() > GROUP_THRESHOLD {
            group_pods(node, col_pods, inner_x, &mut y, &mut placed);
        } else {
            for p in col_pods {
                let rect = Rect { x: inner_x, y, w: POD_W, h: POD_H };
                y += POD_H + POD_GAP;
                let id = pod_id(p);
                placed.drawn_as.insert(id.clone(), id.clone());
                placed.pod_at.insert(id.clone(), rect);
                node.pods.push(pod_box(p, id, rect));
            }
        }
        let h = (y - nodes_top).max(NODE_HEAD + POD_H) + 4;
        node.rect = Rect { x, y: nodes_top, w: NODE_W, h };
    }
    placed
}

/// The Pods of a full column as groups, from `*y` down: per (namespace, owner), in order of
/// first appearance; when even that gives more boxes than the threshold, per namespace only.
fn group_pods(
    node: &mut NodeBox,
    col_pods: &[&Pod],
    inner_x: i32,
    y: &mut i32,
    placed: &mut PlacedPods,
) {
    let owners: BTreeSet<(&str, Option<String>)> =
        col_pods.iter().map(|p| (p.meta.namespace.as_str(), owner_of(p))).collect();
    let per_owner = owners.len() <= GROUP_THRESHOLD;
    let mut order: Vec<(String, String)> = Vec::new();
    let mut members: BTreeMap<(String, String), Vec<&Pod>> = BTreeMap::new();
    for p in col_pods {
        let owner = if per_owner { owner_of(p).unwrap_or_default() } else { "*".into() };
        let key = (p.meta.namespace.clone(), owner);
        let list = members.entry(key.clone()).or_default();
        if list.is_empty() {
            order.push(key);
        }
        list.push(p);
    }
    for key in order {
        let list = members.get(&key).map_or(&[][..], |v| v.as_slice());
        let (ns, owner) = key;
        let rect = Rect { x: inner_x, y: *y, w: POD_W, h: POD_H };
        *y += POD_H + POD_GAP;
        let id = format!("group/{}/{ns}/{owner}", node.name);
        let ready = list.iter().filter(|p| pod_state(p) == PodState::Ready).count();
        let ids: Vec<String> = list.iter().map(|p| pod_id(p)).collect();
        for pid in &ids {
            placed.drawn_as.insert(pid.clone(), id.clone());
        }
        placed.pod_at.insert(id.clone(), rect);
        let shown_owner = match owner.as_str() {
            "" => "(no owner)".to_string(),
            "*" => format!("Pods in {ns}"),
            o => o.to_string(),
        };
        node.groups.push(PodGroup {
            id,
            label: format!("{} ×{}", fit(&shown_owner, LINE_CHARS - 6), list.len()),
            owner,
            color: namespace_color(&ns),
            namespace: ns,
            count: list.len(),
            ready,
            pods: ids,
            rect,
        });
    }
}

/// The Pods in drawing order, with their ids and where each id first appears.
struct PodOrder<'p> {
    pods: &'p [&'p Pod],
    ids: &'p [String],
    index: BTreeMap<&'p str, usize>,
}

impl<'p> PodOrder<'p> {
    fn new(pods: &'p [&'p Pod], ids: &'p [String]) -> Self {
        // First occurrence wins, as the Pod-order walk it replaces.
        let mut index: BTreeMap<&str, usize> = BTreeMap::new();
        for (i, id) in ids.iter().enumerate() {
            index.entry(id.as_str()).or_insert(i);
        }
        PodOrder { pods, ids, index }
    }
}

/// One Service's edges to the boxes of its endpoint Pods (ready or not).
fn endpoint_edges(
    edges: &mut Vec<Edge>,
    s: &Service,
    sb: &ServiceBox,
    order: &PodOrder<'_>,
    endpoints: &EndpointsByService,
    placed: &PlacedPods,
    done: &mut BTreeSet<String>,
) {
    let start = bottom_center(sb.rect);
    let Some(eps) = endpoints.get(&(s.meta.namespace.clone(), s.meta.name.clone())) else {
        return;
    };
    // Ready first per target box, so a group with any ready Pod draws a ready edge.
    // In Pod order, visiting only this Service's endpoints (not every Pod per Service:
    // that was Services × Pods string formatting, seconds on a 10k-Pod cluster).
    let mut at: Vec<usize> =
        eps.keys().filter_map(|pid| order.index.get(pid.as_str()).copied()).collect();
    crate::sort::sort(&mut at);
    let mut per_box: Vec<(String, bool)> = Vec::new();
    let mut box_at: BTreeMap<&str, usize> = BTreeMap::new();
    for i in at {
        let Some(pid) = order.ids.get(i) else { continue };
        let Some(&ready) = eps.get(pid) else { continue };
        let Some(target) = placed.drawn_as.get(pid) else { continue };
        match box_at.get(target.as_str()).and_then(|&b| per_box.get_mut(b)) {
            Some((_, r)) => *r |= ready,
            None => {
                box_at.insert(target.as_str(), per_box.len());
                per_box.push((target.clone(), ready));
            }
        }
    }
    for (target, ready) in per_box {
        let Some(&r) = placed.pod_at.get(&target) else { continue };
        done.insert(target.clone());
        edges.push(Edge {
            id: format!("{}->{target}", sb.id),
            from: sb.id.clone(),
            to: target,
            kind: if ready { EdgeKind::Ready } else { EdgeKind::NotReady },
            label: String::new(),
            near_miss: None,
            points: to_pod(start, r),
            label_at: Point::default(),
        });
    }
}

/// One Service's dashed near-miss edges: Pods of its namespace whose labels almost match its
/// selector (at most [`MAX_NEAR_MISSES`]), to boxes it has no edge to yet.
fn near_miss_edges(
    edges: &mut Vec<Edge>,
    s: &Service,
    sb: &ServiceBox,
    order: &PodOrder<'_>,
    placed: &PlacedPods,
    done: &mut BTreeSet<String>,
) {
    let start = bottom_center(sb.rect);
    let Some(selector) = s.spec.selector.as_ref().filter(|sel| !sel.is_empty()) else {
        return;
    };
    let mut misses = 0;
    for (p, pid) in order.pods.iter().zip(order.ids) {
        if misses >= MAX_NEAR_MISSES {
            break;
        }
        if p.meta.namespace != s.meta.namespace {
            continue;
        }
        // Cheap checks first: a box that already has an edge from this Service gets no
        // second one (groups of many Pods are one box).
        let Some(target) = placed.drawn_as.get(pid) else { continue };
        if done.contains(target) {
            continue;
        }
        let Some(miss) = near_miss(selector, &p.meta.labels) else { continue };
        done.insert(target.clone());
        let Some(&r) = placed.pod_at.get(target) else { continue };
        misses += 1;
        let label = match &miss.have {
            Some(h) => format!("{}={} ≠ {}={}", miss.want.key, miss.want.value, h.key, h.value),
            None => format!("no {}={}", miss.want.key, miss.want.value),
        };
        edges.push(Edge {
            id: format!("{}->{target}", sb.id),
            from: sb.id.clone(),
            to: target.clone(),
            kind: EdgeKind::NearMiss,
            label: fit(&label, 40),
            near_miss: Some(miss),
            points: to_pod(start, r),
            label_at: Point::default(),
        });
    }
}

/// The canvas size and the cluster frame around the Services and nodes; takes the node
/// columns into the topology.
fn frame(t: &mut Topology, columns: Vec<NodeBox>, services_top: i32, nodes_top: i32) {
    let right = columns
        .iter()
        .map(|n| n.rect.x + n.rect.w)
        .chain(t.services.iter().map(|s| s.rect.x + s.rect.w))
        .chain(t.outside.iter().map(|o| o.rect.x + o.rect.w))
        .max()
        .unwrap_or(MARGIN + NODE_W);
    let bottom = columns
        .iter()
        .map(|n| n.rect.y + n.rect.h)
        .chain(t.services.iter().map(|s| s.rect.y + s.rect.h))
        .max()
        .unwrap_or(nodes_top);
    let frame_top = services_top - ENTRY_H - 18;
    t.cluster = Rect {
        x: MARGIN / 2,
        y: frame_top,
        w: right - MARGIN / 2 + 12,
        h: bottom - frame_top + 12,
    };
    t.width = right + MARGIN;
    t.height = bottom + MARGIN + 12;
    t.nodes = columns;
}

/// Where each edge's label goes.
fn place_labels(edges: &mut [Edge]) {
    let mut near_misses_of: BTreeMap<String, i32> = BTreeMap::new();
    for e in edges {
        // The Bézier midpoint B(1/2) = (p0 + 3·p1 + 3·p2 + p3) / 8, which lies in the gap
        // between the Service row and the nodes; near-miss labels of one Service are staggered
        // so they do not overlap.
        let [a, b, c, d] = e.points;
        let mut at = Point {
            x: (a.x + 3 * b.x + 3 * c.x + d.x) / 8,
            y: (a.y + 3 * b.y + 3 * c.y + d.y) / 8,
        };
        if e.kind == EdgeKind::NearMiss {
            let k = near_misses_of.entry(e.from.clone()).or_insert(0);
            at.y += *k * 13 - 4;
            *k += 1;
        }
        e.label_at = at;
    }
}

/// One line of text inside a box, positioned relative to the box's top-left corner. Both the
/// SVG writer and the playground draw boxes from these, so they always say the same thing.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TextLine {
    /// Style class: `title`, `sub`, `mono`, `small`, `badge`.
    pub class: &'static str,
    pub text: String,
    pub dx: i32,
    pub dy: i32,
    /// Right-aligned at `dx` instead of left-aligned.
    pub end: bool,
}

fn line(class: &'static str, text: String, dx: i32, dy: i32) -> TextLine {
    TextLine { class, text, dx, dy, end: false }
}

/// The text of a Service box.
pub fn service_lines(s: &ServiceBox) -> Vec<TextLine> {
    let mut out = vec![
        line("title", s.label.clone(), 12, 18),
        TextLine { class: "badge", text: s.type_.clone(), dx: s.rect.w - 8, dy: 18, end: true },
    ];
    let second = match s.type_.as_str() {
        "ExternalName" => format!("→ {}", s.external_name.as_deref().unwrap_or("")),
        _ if s.cluster_ip == "None" => "ClusterIP None (headless)".to_string(),
        _ => format!("ClusterIP {}", s.cluster_ip),
    };
    out.push(line("mono", fit(&second, LINE_CHARS + 2), 12, 36));
    let ports = match s.ports.len() {
        0 => "no ports".to_string(),
        1 => s.ports.first().cloned().unwrap_or_default(),
        n => format!("{} (+{} more)", s.ports.first().cloned().unwrap_or_default(), n - 1),
    };
    out.push(line("mono", fit(&ports, LINE_CHARS + 2), 12, 53));
    out.push(line("small", fit(&s.dns_name, LINE_CHARS + 6), 12, 70));
    let status = match (&s.external_ip, s.type_.as_str()) {
        (_, "ExternalName") => format!("ns {}", s.namespace),
        (Some(ext), _) => format!("ns {} · ext {}", s.namespace, ext),
        (None, _) => format!("ns {} · {}/{} ready", s.namespace, s.ready_endpoints, s.endpoints),
    };
    out.push(line("sub", fit(&status, LINE_CHARS + 6), 12, 87));
    out
}

/// The text of a Pod box; the labels line only when `labels` is on.
pub fn pod_lines(p: &PodBox, labels: bool) -> Vec<TextLine> {
    let ip = if p.ip.is_empty() { "no IP".to_string() } else { p.ip.clone() };
    let mut out = vec![
        line("title", p.label.clone(), 12, 17),
        line("mono", fit(&format!("{ip} · {}", p.namespace), LINE_CHARS - 2), 12, 32),
    ];
    if labels {
        out.push(line("small", p.labels_text.clone(), 12, 46));
    } else {
        let state = match p.state {
            PodState::Ready => "Ready",
            PodState::NotReady => "Not ready",
            PodState::Pending => "Pending",
            PodState::Terminating => "Terminating",
        };
        out.push(line("sub", state.to_string(), 12, 46));
    }
    out
}

/// The text of a per-owner group box.
pub fn group_lines(g: &PodGroup) -> Vec<TextLine> {
    vec![
        line("title", g.label.clone(), 12, 17),
        line("mono", format!("{} Pods · {} ready", g.count, g.ready), 12, 32),
        line("sub", fit(&format!("ns {}", g.namespace), LINE_CHARS), 12, 46),
    ]
}

/// The header text of a node column.
pub fn node_lines(n: &NodeBox) -> Vec<TextLine> {
    let mut second = n.role.clone();
    if !n.internal_ip.is_empty() {
        second = format!("{second} · {}", n.internal_ip);
    }
    if !n.ready && n.role != "unscheduled" {
        second.push_str(" · NotReady");
    }
    let mut lines =
        vec![line("title", fit(&n.name, 26), 12, 18), line("sub", fit(&second, 30), 12, 34)];
    if let Some(zone) = &n.zone {
        // Above the box's top edge, right-aligned: the node's zone.
        let mut z = line("zone", fit(&format!("zone {zone}"), 30), n.rect.w - 8, -6);
        z.end = true;
        lines.push(z);
    }
    lines
}

/// True when a Service can be reached from outside (NodePort, LoadBalancer, externalIPs).
fn reachable_from_outside(s: &Service) -> bool {
    matches!(s.spec.type_, ServiceType::NodePort | ServiceType::LoadBalancer)
        || !s.spec.external_ips.is_empty()
}

fn lb_addresses(s: &Service) -> Vec<String> {
    s.status
        .load_balancer_ingress
        .iter()
        .filter_map(|i| i.ip.map(|ip| ip.to_string()).or_else(|| i.hostname.clone()))
        .collect()
}

fn service_box(
    s: &Service,
    domain: &str,
    id: &str,
    rect: Rect,
    eps: Option<&BTreeMap<String, bool>>,
) -> ServiceBox {
    let ns = &s.meta.namespace;
    let cluster_ip = if s.spec.type_ == ServiceType::ExternalName {
        String::new()
    } else if s.spec.headless {
        "None".into()
    } else {
        s.spec.cluster_ips.first().map(|ip| ip.to_string()).unwrap_or_default()
    };
    let ports = s
        .spec
        .ports
        .iter()
        .map(|p| {
            let target = match &p.target_port {
                crate::model::IntOrString::Int(n) => n.to_string(),
                crate::model::IntOrString::Str(s) => s.clone(),
            };
            let node = p.node_port.map(|n| format!(":{n}")).unwrap_or_default();
            fit(&format!("{}{node}/{} → {target}", p.port, p.protocol.as_str()), LINE_CHARS)
        })
        .collect();
    // kubectl's EXTERNAL-IP column (pkg/printers/internalversion/printers.go, getServiceExternalIP).
    let external_ip = match s.spec.type_ {
        ServiceType::ClusterIP | ServiceType::NodePort => {
            (!s.spec.external_ips.is_empty()).then(|| {
                s.spec.external_ips.iter().map(|i| i.to_string()).collect::<Vec<_>>().join(",")
            })
        }
        ServiceType::LoadBalancer => {
            let mut all = lb_addresses(s);
            all.extend(s.spec.external_ips.iter().map(|i| i.to_string()));
            Some(if all.is_empty() { "<pending>".into() } else { all.join(",") })
        }
        ServiceType::ExternalName => s.spec.external_name.clone(),
    };
    ServiceBox {
        id: id.to_string(),
        name: s.meta.name.clone(),
        label: fit(&s.meta.name, 22),
        namespace: ns.clone(),
        color: namespace_color(ns),
        type_: s.spec.type_.as_str().into(),
        cluster_ip,
        ports,
        dns_name: format!("{}.{ns}.svc.{domain}", s.meta.name),
        external_ip,
        external_name: s.spec.external_name.clone(),
        selector: s.spec.selector.as_ref().map(pairs).unwrap_or_default(),
        endpoints: eps.map_or(0, |e| e.len()),
        ready_endpoints: eps.map_or(0, |e| e.values().filter(|r| **r).count()),
        rect,
    }
}

/// Where a Pod is written in the input: its own source, else its controller's (following
/// ReplicaSet → Deployment), else after everything (built-ins, Pods made by what-if events).
fn input_position(objects: &Objects, p: &Pod) -> (u32, u32) {
    let mut meta = &p.meta;
    // Bounded walk up the owner chain: Pod → ReplicaSet → Deployment.
    for _ in 0..4 {
        if let Some(s) = &meta.source {
            return (s.file.0.saturating_add(1), s.range.start);
        }
        let Some(owner) = meta.owner_references.iter().find(|o| o.controller) else { break };
        let Some(w) = objects.workloads.iter().find(|w| {
            w.kind.as_str() == owner.kind
                && w.meta.name == owner.name
                && w.meta.namespace == meta.namespace
        }) else {
            break;
        };
        meta = &w.meta;
    }
    (u32::MAX, u32::MAX)
}

fn pod_id(p: &Pod) -> String {
    format!("pod/{}/{}", p.meta.namespace, p.meta.name)
}

fn owner_of(p: &Pod) -> Option<String> {
    let refs = &p.meta.owner_references;
    refs.iter().find(|o| o.controller).or(refs.first()).map(|o| format!("{}/{}", o.kind, o.name))
}

fn pod_state(p: &Pod) -> PodState {
    if p.meta.deletion_timestamp.is_some() {
        PodState::Terminating
    } else if p.spec.node_name.is_none()
        || p.status.pod_ips.is_empty()
        || p.status.phase == "Pending"
    {
        PodState::Pending
    } else if crate::cluster::is_pod_ready(p) {
        PodState::Ready
    } else {
        PodState::NotReady
    }
}

fn pod_box(p: &Pod, id: String, rect: Rect) -> PodBox {
    let labels = pairs(&p.meta.labels);
    let text =
        labels.iter().map(|l| format!("{}={}", l.key, l.value)).collect::<Vec<_>>().join(" ");
    PodBox {
        id,
        name: p.meta.name.clone(),
        label: fit(&p.meta.name, 22),
        namespace: p.meta.namespace.clone(),
        color: namespace_color(&p.meta.namespace),
        ip: p.status.pod_ips.first().map(|ip| ip.to_string()).unwrap_or_default(),
        labels,
        labels_text: fit(&text, LINE_CHARS + 2),
        state: pod_state(p),
        owner: owner_of(p),
        node: p.spec.node_name.clone().unwrap_or_default(),
        containers: serving_containers(p).map(container_line).collect(),
        container_names: serving_containers(p).map(|c| c.name.clone()).collect(),
        rect,
    }
}

/// Sidecars (restartable init containers) first, then the containers, as the kubelet starts them.
fn serving_containers(p: &Pod) -> impl Iterator<Item = &crate::model::Container> {
    p.spec
        .init_containers
        .iter()
        .filter(|c| c.restart_policy.as_deref() == Some("Always"))
        .chain(&p.spec.containers)
}

fn container_line(c: &crate::model::Container) -> String {
    let mut line = format!("{} ({})", c.name, c.image);
    for p in &c.ports {
        line.push_str(&format!(" {}/{}", p.container_port, p.protocol.as_str()));
        if let Some(name) = &p.name {
            line.push(' ');
            line.push_str(name);
        }
    }
    line
}

fn pairs(l: &Labels) -> Vec<LabelPair> {
    l.iter().map(|(k, v)| LabelPair { key: k.clone(), value: v.clone() }).collect()
}

/// Pods that miss a Service selector by exactly one pair. With a multi-pair selector any such
/// Pod counts (it shares everything else); with a one-pair selector only a look-alike counts
/// (same key with a similar value, or a similar key with the same value), so every unrelated
/// Pod in the namespace is not flagged.
pub fn near_miss(selector: &Labels, labels: &Labels) -> Option<NearMiss> {
    let mut missed = selector.iter().filter(|(k, v)| labels.get(*k) != Some(*v));
    let (key, want) = missed.next()?;
    if missed.next().is_some() {
        return None;
    }
    let have = match labels.get(key) {
        Some(v) => Some(LabelPair { key: key.clone(), value: v.clone() }),
        None => labels
            .iter()
            .find(|(k, v)| *v == want && similar(k, key))
            .map(|(k, v)| LabelPair { key: k.clone(), value: v.clone() }),
    };
    let close = match &have {
        Some(h) if h.key == *key => similar(&h.value, want),
        Some(_) => true,
        None => false,
    };
    if selector.len() < 2 && !close {
        return None;
    }
    Some(NearMiss { want: LabelPair { key: key.clone(), value: want.clone() }, have })
}

/// Look-alike strings: equal ignoring case, one a prefix of the other, or at most two edits
/// apart (bounded: label parts are at most 63 characters, longer input is never "similar").
fn similar(a: &str, b: &str) -> bool {
    if a.eq_ignore_ascii_case(b) {
        return true;
    }
    let (a, b): (Vec<char>, Vec<char>) = (a.chars().collect(), b.chars().collect());
    if a.is_empty() || b.is_empty() || a.len() > 63 || b.len() > 63 {
        return false;
    }
    if a.starts_with(&b) || b.starts_with(&a) {
        return true;
    }
    // Levenshtein distance with two rows.
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    let mut cur = vec![0; b.len() + 1];
    for (i, ca) in a.iter().enumerate() {
        cur[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let sub = prev[j] + usize::from(ca != cb);
            cur[j + 1] = sub.min(prev[j + 1] + 1).min(cur[j] + 1);
        }
        std::mem::swap(&mut prev, &mut cur);
    }
    prev[b.len()] <= 2
}

/// Shortens `s` to at most `max` characters, ending in `…` when cut.
pub fn fit(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        return s.to_string();
    }
    let mut out: String = s.chars().take(max.saturating_sub(1)).collect();
    out.push('…');
    out
}

fn top_center(r: Rect) -> Point {
    Point { x: r.x + r.w / 2, y: r.y }
}

fn bottom_center(r: Rect) -> Point {
    Point { x: r.x + r.w / 2, y: r.y + r.h }
}

/// A curve leaving `a` downwards and arriving at `b` from above.
fn vertical(a: Point, b: Point) -> [Point; 4] {
    let mid = (a.y + b.y) / 2;
    [a, Point { x: a.x, y: mid }, Point { x: b.x, y: mid }, b]
}

/// A curve from a Service's bottom edge into a Pod box's left side (through the node gutter),
/// so edges to Pods lower in a column do not run through the Pods above them.
fn to_pod(start: Point, pod: Rect) -> [Point; 4] {
    let end = Point { x: pod.x, y: pod.y + pod.h / 2 };
    [start, Point { x: start.x, y: start.y + 56 }, Point { x: pod.x - 40, y: end.y }, end]
}

/// One sentence describing the picture (the SVG's accessible name).
pub fn summary(t: &Topology) -> String {
    let pods: usize = t
        .nodes
        .iter()
        .map(|n| n.pods.len() + n.groups.iter().map(|g| g.count).sum::<usize>())
        .sum();
    let plural =
        |n: usize, one: &str, many: &str| format!("{n} {}", if n == 1 { one } else { many });
    format!(
        "Cluster topology: {}, {}, {}",
        plural(t.nodes.len(), "node", "nodes"),
        plural(pods, "Pod", "Pods"),
        plural(t.services.len(), "Service", "Services")
    )
}

/// A plain table of the topology (the screen-reader view, and `kubectl`-like text).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Table {
    pub caption: String,
    pub header: Vec<String>,
    pub rows: Vec<Vec<String>>,
}

/// The same data as the picture, as tables: Services (with endpoints and near misses), then
/// Pods (with node, state, labels and the Services that select them).
pub fn tables(t: &Topology) -> Vec<Table> {
    let strings = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>();
    let services = t
        .services
        .iter()
        .map(|s| {
            let near: Vec<String> = t
                .edges
                .iter()
                .filter(|e| e.from == s.id && e.kind == EdgeKind::NearMiss)
                .map(|e| format!("{} ({})", e.to.trim_start_matches("pod/"), e.label))
                .collect();
            vec![
                s.namespace.clone(),
                s.name.clone(),
                s.type_.clone(),
                s.cluster_ip.clone(),
                s.ports.join("; "),
                s.dns_name.clone(),
                s.external_ip.clone().unwrap_or_default(),
                format!("{}/{} ready", s.ready_endpoints, s.endpoints),
                near.join("; "),
            ]
        })
        .collect();
    let mut pods = Vec::new();
    for n in &t.nodes {
        for p in &n.pods {
            let selected_by: Vec<&str> = t
                .edges
                .iter()
                .filter(|e| e.to == p.id && matches!(e.kind, EdgeKind::Ready | EdgeKind::NotReady))
                .map(|e| e.from.trim_start_matches("svc/"))
                .collect();
            let labels: Vec<String> =
                p.labels.iter().map(|l| format!("{}={}", l.key, l.value)).collect();
            pods.push(vec![
                p.namespace.clone(),
                p.name.clone(),
                p.ip.clone(),
                n.name.clone(),
                p.state.as_str().to_string(),
                labels.join(", "),
                selected_by.join(", "),
            ]);
        }
        for g in &n.groups {
            pods.push(vec![
                g.namespace.clone(),
                g.label.clone(),
                String::new(),
                n.name.clone(),
                format!("{}/{} ready", g.ready, g.count),
                String::new(),
                String::new(),
            ]);
        }
    }
    vec![
        Table {
            caption: "Services".into(),
            header: strings(&[
                "Namespace",
                "Name",
                "Type",
                "ClusterIP",
                "Ports",
                "DNS name",
                "External",
                "Endpoints",
                "Near misses",
            ]),
            rows: services,
        },
        Table {
            caption: "Pods".into(),
            header: strings(&["Namespace", "Name", "IP", "Node", "State", "Labels", "Selected by"]),
            rows: pods,
        },
    ]
}
