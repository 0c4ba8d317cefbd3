//! `kubectl get` for the simulated cluster: tables with kubectl's columns and cell formats
//! (`pkg/printers/internalversion/printers.go`), aligned like kubectl's tabwriter
//! (`k8s.io/cli-runtime/pkg/printers/tabwriter.go`: min width 6, padding 3, the last column
//! unpadded), and `-o yaml|json` of the objects in API shape with allocated and defaulted fields.
//!
//! Documented choices: AGE is left out (the simulator has no clock; docs/cli.md allows it);
//! node VERSION is the cluster's Kubernetes release; OS-IMAGE / KERNEL-VERSION /
//! CONTAINER-RUNTIME are fixed kind-like values ([`NODE_INFO`]) unless the input states the
//! node's `status.nodeInfo` (then its fields, an empty one `<unknown>`). JSON keys are sorted
//! with 4-space indentation (kubectl's `json.MarshalIndent` of an `unstructured.Unstructured`,
//! a Go map), YAML keys too (kubectl converts JSON to YAML through a map), in go-yaml v2's
//! style (lists not indented under their key, strings quoted only when needed).

use std::fmt::Write as _;
use std::net::IpAddr;

use super::{endpoints::is_pod_ready, nodes::roles, Cluster};
use crate::model::{
    kind_info, Endpoint, EndpointPort, EndpointSlice, Endpoints, IntOrString, IpFamily, KindInfo,
    LabelSelector, Labels, Namespace, NetworkPolicy, NetworkPolicyPeer, NetworkPolicyPort,
    NetworkPolicyRule, Node, ObjectMeta, ObjectReference, OwnerReference, Pod, PodSpec,
    PodTemplate, Service, ServiceType, Workload, WorkloadKind, KINDS,
};

/// (OS image, kernel, container runtime) printed for a node whose input has no
/// `status.nodeInfo`: kind-like values. The kubelet
/// (and kube-proxy) version is the cluster's release, `Settings::version`.
pub const NODE_INFO: (&str, &str, &str) =
    ("Debian GNU/Linux 12 (bookworm)", "6.8.0-45-generic", "containerd://1.7.18");

/// A resource kind `netsim get` knows. Names, prefixes and scope come from the one kind table,
/// [`crate::model::KINDS`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Kind {
    Pods,
    Services,
    Endpoints,
    EndpointSlices,
    Nodes,
    Namespaces,
    Deployments,
    ReplicaSets,
    StatefulSets,
    DaemonSets,
    ReplicationControllers,
    NetworkPolicies,
    ClusterNetworkPolicies,
}

impl Kind {
    /// Every kind `get` lists, in `kubectl get all` section order where it applies.
    pub const ALL: [Kind; 13] = [
        Kind::Pods,
        Kind::ReplicationControllers,
        Kind::Services,
        Kind::DaemonSets,
        Kind::Deployments,
        Kind::ReplicaSets,
        Kind::StatefulSets,
        Kind::Endpoints,
        Kind::EndpointSlices,
        Kind::Nodes,
        Kind::Namespaces,
        Kind::NetworkPolicies,
        Kind::ClusterNetworkPolicies,
    ];

    /// The API kind (`Pod`).
    pub fn api_kind(self) -> &'static str {
        match self {
            Kind::Pods => "Pod",
            Kind::Services => "Service",
            Kind::Endpoints => "Endpoints",
            Kind::EndpointSlices => "EndpointSlice",
            Kind::Nodes => "Node",
            Kind::Namespaces => "Namespace",
            Kind::Deployments => "Deployment",
            Kind::ReplicaSets => "ReplicaSet",
            Kind::StatefulSets => "StatefulSet",
            Kind::DaemonSets => "DaemonSet",
            Kind::ReplicationControllers => "ReplicationController",
            Kind::NetworkPolicies => "NetworkPolicy",
            Kind::ClusterNetworkPolicies => "ClusterNetworkPolicy",
        }
    }

    /// The kind's row in the kind table.
    pub fn info(self) -> &'static KindInfo {
        // Every `Kind` has a row; the fallback is never taken.
        kind_info(self.api_kind()).unwrap_or(&KINDS[0])
    }

    /// kubectl's names, plural, singular and short forms (`po`, `svc`, `ep`, `no`, `ns`, …),
    /// optionally with the group (`deployments.apps`).
    pub fn parse(s: &str) -> Option<Kind> {
        Kind::ALL.into_iter().find(|k| k.info().named(s))
    }

    /// The prefix kubectl shows when several kinds are listed (`pod/web-0`, `deployment.apps/web`).
    pub fn prefix(self) -> String {
        self.info().kubectl_name()
    }

    /// The plural resource name with its group (`No resources found`, errors).
    pub fn plural(self) -> String {
        self.info().qualified_plural()
    }

    pub fn namespaced(self) -> bool {
        self.info().namespaced
    }

    /// The workload kind behind a workload listing.
    fn workload(self) -> Option<WorkloadKind> {
        Some(match self {
            Kind::Deployments => WorkloadKind::Deployment,
            Kind::ReplicaSets => WorkloadKind::ReplicaSet,
            Kind::StatefulSets => WorkloadKind::StatefulSet,
            Kind::DaemonSets => WorkloadKind::DaemonSet,
            Kind::ReplicationControllers => WorkloadKind::ReplicationController,
            _ => return None,
        })
    }
}

/// One listed object: identity, labels (for `-l`), its table cells after NAME, and its API form.
#[derive(Clone, Debug)]
pub struct Row {
    pub namespace: String,
    pub name: String,
    pub labels: Labels,
    pub cells: Vec<String>,
    pub object: J,
}

/// One `kubectl get` table: NAMESPACE (with `-A`, namespaced kinds), NAME (`kind/name` when
/// several kinds are listed together), then the kind's columns.
pub fn table(
    kind: Kind,
    rows: Vec<Row>,
    all_namespaces: bool,
    wide: bool,
    several: bool,
) -> String {
    table_with(kind, rows, all_namespaces, wide, several, false)
}

/// [`table`], with kubectl's `--show-labels` LABELS column last (`printers`
/// `PrintOptions.ShowLabels`: `labels.FormatLabels`, `<none>` when empty).
pub fn table_with(
    kind: Kind,
    rows: Vec<Row>,
    all_namespaces: bool,
    wide: bool,
    several: bool,
    show_labels: bool,
) -> String {
    let show_ns = all_namespaces && kind.namespaced();
    let mut head: Vec<String> = Vec::new();
    if show_ns {
        head.push("NAMESPACE".into());
    }
    head.push("NAME".into());
    head.extend(headers(kind, wide).iter().map(|h| h.to_string()));
    if show_labels {
        head.push("LABELS".into());
    }
    let mut lines = vec![head];
    for r in rows {
        let mut l = Vec::new();
        if show_ns {
            l.push(r.namespace);
        }
        l.push(if several { format!("{}/{}", kind.prefix(), r.name) } else { r.name });
        l.extend(r.cells);
        if show_labels {
            l.push(format_labels(&r.labels));
        }
        lines.push(l);
    }
    tabulate(&lines)
}

/// `kubectl get KIND[,KIND…] -A [-o wide]` over the whole cluster: the tables, blank-line
/// separated, or kubectl's "No resources found" when nothing exists. `Err` names an unknown
/// resource type (kubectl's "the server doesn't have a resource type" case).
pub fn get_all(c: &super::Cluster, kinds: &str, wide: bool) -> Result<String, String> {
    let req = GetRequest {
        kinds: kinds.to_string(),
        all_namespaces: true,
        output: if wide { GetFormat::Wide } else { GetFormat::Table },
        ..GetRequest::default()
    };
    let out = get(c, &req)?;
    Ok(if out.stdout.is_empty() { "No resources found\n".to_string() } else { out.stdout })
}

/// `kubectl get`'s output formats (`-o`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub enum GetFormat {
    #[default]
    Table,
    Wide,
    Yaml,
    Json,
    Name,
}

impl GetFormat {
    /// `-o wide|yaml|json|name` (the table has no name).
    pub fn parse(s: &str) -> Option<GetFormat> {
        match s {
            "wide" => Some(GetFormat::Wide),
            "yaml" => Some(GetFormat::Yaml),
            "json" => Some(GetFormat::Json),
            "name" => Some(GetFormat::Name),
            _ => None,
        }
    }
}

/// The arguments of `kubectl get`, as the CLI and the page pass them (`Question::Get`).
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "camelCase", default)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct GetRequest {
    /// `pods`, `svc,ep`, `all` (kubectl's "all" category), `events`; kubectl's names and short
    /// names, optionally with the group (`deployments.apps`).
    #[cfg_attr(feature = "ts", ts(as = "Option<_>", optional))]
    pub kinds: String,
    /// Objects to list by name (one resource type only).
    #[cfg_attr(feature = "ts", ts(as = "Option<_>", optional))]
    pub names: Vec<String>,
    /// `-n`; `None` is the `default` namespace.
    #[cfg_attr(feature = "ts", ts(optional))]
    pub namespace: Option<String>,
    /// `-A`.
    #[cfg_attr(feature = "ts", ts(as = "Option<_>", optional))]
    pub all_namespaces: bool,
    /// `-l`, kubectl's selector syntax (empty: everything).
    #[cfg_attr(feature = "ts", ts(as = "Option<_>", optional))]
    pub selector: String,
    /// `-o`.
    #[cfg_attr(feature = "ts", ts(as = "Option<_>", optional))]
    pub output: GetFormat,
    /// `--show-labels`: a LABELS column last (tables only).
    #[cfg_attr(feature = "ts", ts(as = "Option<_>", optional))]
    pub show_labels: bool,
}

/// What `kubectl get` prints, and its exit status (0, or 1 when a named object is missing).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct GetOutput {
    pub stdout: String,
    pub stderr: String,
    pub code: i32,
}

enum Target {
    Kind(Kind),
    Events,
}

/// Checks a `get` request without a cluster (what kubectl refuses before it asks the server):
/// unknown resource types, names with a selector or with several types, `-n` with `-A`. (A bad
/// selector is the API server's error: [`get`] reports it.)
pub fn check(req: &GetRequest) -> Result<(), String> {
    match type_name_args(req)? {
        Some(tuples) => {
            tuple_kinds(&tuples)?;
            for (kind, name) in &tuples {
                let one =
                    GetRequest { kinds: kind.clone(), names: vec![name.clone()], ..req.clone() };
                parse_request(&one).map(drop)?;
            }
            Ok(())
        }
        None => parse_request(req).map(drop),
    }
}

/// A parsed request: the kinds to list, the `GroupVersionResource` strings kubectl names them
/// by, and the selector (a bad one is the API server's error, per kind: [`selector_errors`]).
type Parsed = (Vec<Target>, Vec<String>, Result<crate::select::Selector, String>);

/// `schema.GroupVersionResource.String()`: `/v1, Resource=pods`, `apps/v1, Resource=deployments`.
fn gvr(info: &crate::model::KindInfo) -> String {
    let version = info.versions.first().copied().unwrap_or("v1");
    format!("{}/{version}, Resource={}", info.group, info.plural)
}

fn parse_request(req: &GetRequest) -> Result<Parsed, String> {
    let mut targets = Vec::new();
    let mut resources = Vec::new();
    for k in req.kinds.split(',') {
        let lk = k.to_ascii_lowercase();
        if lk == "events" || lk == "event" || lk == "ev" {
            targets.push(Target::Events);
            resources.push("/v1, Resource=events".to_string());
        } else if lk == "all" {
            for info in crate::model::all_category() {
                resources.push(gvr(info));
                if let Some(kind) = Kind::ALL.into_iter().find(|x| x.info().kind == info.kind) {
                    targets.push(Target::Kind(kind));
                }
            }
        } else {
            match Kind::parse(k) {
                Some(kind) => {
                    targets.push(Target::Kind(kind));
                    resources.push(gvr(kind.info()));
                }
                None => return Err(format!("the server doesn't have a resource type \"{k}\"")),
            }
        }
    }
    let several = targets.len() > 1;
    if !req.names.is_empty() && !req.selector.trim().is_empty() {
        // cli-runtime resource/builder.go visitBySelector (selectors are visited before names).
        return Err("name cannot be provided when a selector is specified".into());
    }
    if !req.names.is_empty() && several {
        // cli-runtime resource/builder.go visitByName.
        return Err("you must specify only one resource".into());
    }
    let all = req.all_namespaces;
    if all && req.namespace.is_some() {
        return Err("-n and -A cannot be used together".into());
    }
    let namespaced = targets.iter().any(|t| !matches!(t, Target::Kind(k) if !k.namespaced()));
    if all && !req.names.is_empty() && namespaced {
        // cli-runtime resource/builder.go visitByName: a namespaced resource is fetched by
        // name in one namespace.
        return Err("a resource cannot be retrieved by name across all namespaces".into());
    }
    // kubectl trims the selector and sends it to the API server, which parses it
    // (cli-runtime resource/builder.go LabelSelectorParam).
    let selector = crate::select::parse(req.selector.trim());
    Ok((targets, resources, selector))
}

/// A selector the API server cannot parse: each listed resource fails with `BadRequest`, which
/// kubectl rewrites (cli-runtime `resource/selector.go` `Selector.Visit`) and prints one line
/// per resource (`cmdutil.MultipleErrors`, `StandardErrorMessage`); kubectl exits 1.
fn selector_errors(resources: &[String], selector: &str, err: &str) -> GetOutput {
    let mut out = GetOutput { code: 1, ..GetOutput::default() };
    let quoted = crate::manifest::validate::go_quote(selector.trim());
    if resources.iter().any(|r| r == "/v1, Resource=endpoints") {
        // The deprecation warning rides on the failed response too.
        out.stderr
            .push_str(&format!("Warning: {}\n", crate::manifest::validate::ENDPOINTS_DEPRECATED));
    }
    for r in resources {
        out.stderr.push_str(&format!(
            "Error from server (BadRequest): Unable to find \"{r}\" that match label selector {quoted}, field selector \"\": {err}\n"
        ));
    }
    out
}

/// `kubectl get` over the simulated cluster: kubectl's tables (one per resource type, blank-line
/// separated, `kind/name` when several types are listed, `NAMESPACE` with `-A`, `LABELS` with
/// `--show-labels`), `-o yaml|json|name`, `No resources found` and `NotFound` messages, and the
/// API server's `Warning:` for `v1 Endpoints` lists. `all` is kubectl's "all" category
/// (`kubectl get all`: pods, replicationcontrollers, services, daemonsets, deployments,
/// replicasets, statefulsets, and the kinds the simulator does not run: horizontalpodautoscalers,
/// cronjobs, jobs, which list nothing here). `Err` is a usage error (kubectl exits 1 with it;
/// `netsim` exits 2).
pub fn get(c: &Cluster, req: &GetRequest) -> Result<GetOutput, String> {
    if let Some(tuples) = type_name_args(req)? {
        return get_tuples(c, req, &tuples);
    }
    let mut acc = Collected::default();
    if let Err(bad) = collect(c, req, None, &mut acc)? {
        return Ok(bad);
    }
    Ok(finish(req, acc, !req.names.is_empty(), req.names.len() == 1))
}

/// What the listed kinds gave, before it is printed.
#[derive(Default)]
struct Collected {
    out: GetOutput,
    tables: Vec<String>,
    objects: Vec<J>,
    any_namespaced: bool,
}

/// `kubectl get TYPE/NAME...` (cli-runtime `resource/builder.go` `ResourceTypeOrNameArgs`):
/// one Info per argument, in order; the printer starts a new table whenever the resource type
/// changes (`get.go`), and rows carry `kind/name` when the arguments name several types
/// (`multipleGVKsRequested`).
fn get_tuples(
    c: &Cluster,
    req: &GetRequest,
    tuples: &[(String, String)],
) -> Result<GetOutput, String> {
    let kinds = tuple_kinds(tuples)?;
    let several = kinds.iter().any(|k| Some(k) != kinds.first());
    let mut acc = Collected::default();
    let mut i = 0;
    while i < tuples.len() {
        let j = (i..tuples.len()).find(|&j| kinds.get(j) != kinds.get(i)).unwrap_or(tuples.len());
        let sub = GetRequest {
            kinds: tuples.get(i).map(|t| t.0.clone()).unwrap_or_default(),
            names: tuples.get(i..j).unwrap_or(&[]).iter().map(|t| t.1.clone()).collect(),
            ..req.clone()
        };
        if let Err(bad) = collect(c, &sub, Some(several), &mut acc)? {
            return Ok(bad);
        }
        i = j;
    }
    Ok(finish(req, acc, true, tuples.len() == 1))
}

fn tuple_kinds(tuples: &[(String, String)]) -> Result<Vec<Kind>, String> {
    tuples
        .iter()
        .map(|(k, _)| {
            Kind::parse(k).ok_or_else(|| format!("the server doesn't have a resource type \"{k}\""))
        })
        .collect()
}

/// The arguments in `TYPE/NAME` form (`hasCombinedTypeArgs`, `splitResourceTypeName`), `None`
/// when no argument has a slash.
fn type_name_args(req: &GetRequest) -> Result<Option<Vec<(String, String)>>, String> {
    let args: Vec<&str> =
        std::iter::once(req.kinds.as_str()).chain(req.names.iter().map(String::as_str)).collect();
    let slashed = args.iter().filter(|a| a.contains('/')).count();
    if slashed == 0 {
        return Ok(None);
    }
    if slashed != args.len() {
        return Err("there is no need to specify a resource type as a separate argument when passing arguments in resource/name form (e.g. 'kubectl get resource/<resource_name>' instead of 'kubectl get resource resource/<resource_name>'".into());
    }
    let mut tuples = Vec::new();
    for a in args {
        let seg: Vec<&str> = a.split('/').collect();
        let [resource, name] = seg.as_slice() else {
            return Err("arguments in resource/name form may not have more than one slash".into());
        };
        if resource.is_empty() || name.is_empty() || resource.contains(',') {
            return Err(
                "arguments in resource/name form must have a single resource and name".into()
            );
        }
        tuples.push((resource.to_string(), name.to_string()));
    }
    Ok(Some(tuples))
}

/// Lists the request's kinds into `acc`; `Ok(Err(out))` is the API server's answer to a bad
/// selector. `prefix` forces (or forbids) `kind/name` rows.
fn collect(
    c: &Cluster,
    req: &GetRequest,
    prefix: Option<bool>,
    acc: &mut Collected,
) -> Result<Result<(), GetOutput>, String> {
    let (targets, resources, selector) = parse_request(req)?;
    let selector = match selector {
        Ok(s) => s,
        Err(e) => return Ok(Err(selector_errors(&resources, &req.selector, &e))),
    };
    let several = prefix.unwrap_or(targets.len() > 1);
    let all = req.all_namespaces;
    let ns = req.namespace.clone().unwrap_or_else(|| "default".to_string());
    let wide = req.output == GetFormat::Wide;
    let Collected { out, tables, objects, any_namespaced } = acc;
    for t in &targets {
        match t {
            Target::Events => {
                *any_namespaced = true;
                let events: Vec<(usize, &super::Event)> =
                    c.events.iter().enumerate().filter(|(_, e)| all || e.namespace == ns).collect();
                if events.is_empty() {
                    continue;
                }
                match req.output {
                    GetFormat::Yaml | GetFormat::Json => {
                        objects.extend(events.iter().map(|(i, e)| event_json(e, *i)));
                    }
                    GetFormat::Name => {
                        for (i, e) in &events {
                            if let Some(J::Str(n)) =
                                field(&event_json(e, *i), &["metadata", "name"])
                            {
                                out.stdout.push_str(&format!("event/{n}\n"));
                            }
                        }
                    }
                    _ => {
                        let mut head: Vec<String> = ["TYPE", "REASON", "OBJECT", "MESSAGE"]
                            .iter()
                            .map(|s| s.to_string())
                            .collect();
                        if all {
                            head.insert(0, "NAMESPACE".into());
                        }
                        let mut lines = vec![head];
                        for (_, e) in events {
                            let mut cells = vec![
                                e.type_.as_str().to_string(),
                                e.reason.clone(),
                                e.object.clone(),
                                e.message.clone(),
                            ];
                            if all {
                                cells.insert(0, e.namespace.clone());
                            }
                            lines.push(cells);
                        }
                        tables.push(tabulate(&lines));
                    }
                }
            }
            Target::Kind(kind) => {
                let kind = *kind;
                *any_namespaced |= kind.namespaced();
                if kind == Kind::Endpoints {
                    // Every list of v1 Endpoints gets the deprecation warning (v1.33+).
                    let w =
                        format!("Warning: {}\n", crate::manifest::validate::ENDPOINTS_DEPRECATED);
                    if !out.stderr.contains(&w) {
                        out.stderr.push_str(&w);
                    }
                }
                let mut rows: Vec<Row> = rows(c, kind, wide)
                    .into_iter()
                    .filter(|r| !kind.namespaced() || all || r.namespace == ns)
                    .filter(|r| req.names.is_empty() || req.names.contains(&r.name))
                    .filter(|r| selector.matches(&r.labels))
                    .collect();
                // Named objects come in the order they were named: the builder visits one
                // `Info` per name (cli-runtime `resource/builder.go` `visitByName`).
                let at = |r: &Row| req.names.iter().position(|n| *n == r.name);
                crate::sort::sort_by(&mut rows, |a, b| at(a).cmp(&at(b)));
                for n in &req.names {
                    if !rows.iter().any(|r| r.name == *n) {
                        out.stderr.push_str(&format!(
                            "Error from server (NotFound): {} \"{n}\" not found\n",
                            kind.plural()
                        ));
                        out.code = 1;
                    }
                }
                if rows.is_empty() {
                    continue;
                }
                match req.output {
                    GetFormat::Yaml | GetFormat::Json => {
                        objects.extend(rows.into_iter().map(|r| r.object));
                    }
                    GetFormat::Name => {
                        for r in rows {
                            out.stdout.push_str(&format!("{}/{}\n", kind.prefix(), r.name));
                        }
                    }
                    _ => tables.push(table_with(kind, rows, all, wide, several, req.show_labels)),
                }
            }
        }
    }
    Ok(Ok(()))
}

/// Prints what [`collect`] gathered: one object or a `List` for `-o yaml|json` (`single`: one
/// object was named), the tables blank-line separated, or kubectl's "No resources found".
fn finish(req: &GetRequest, acc: Collected, named: bool, single: bool) -> GetOutput {
    let Collected { mut out, tables, mut objects, any_namespaced } = acc;
    let all = req.all_namespaces;
    let ns = req.namespace.as_deref().unwrap_or("default");
    match req.output {
        // One name that is not there: `printGeneric` returns the error before printing
        // anything (`singleItemImplied`, kubectl pkg/cmd/get/get.go), not an empty List.
        GetFormat::Yaml | GetFormat::Json if single && objects.is_empty() && out.code != 0 => {}
        GetFormat::Yaml | GetFormat::Json => {
            let doc = if single && objects.len() == 1 { objects.remove(0) } else { list(objects) };
            out.stdout = if req.output == GetFormat::Json { to_json(&doc) } else { to_yaml(&doc) };
        }
        GetFormat::Name => {}
        _ => {
            if tables.is_empty() && !named {
                if !all && any_namespaced {
                    out.stderr.push_str(&format!("No resources found in {ns} namespace.\n"));
                } else {
                    out.stderr.push_str("No resources found\n");
                }
            }
            out.stdout = tables.join("\n");
        }
    }
    out
}

/// The value at a path of object keys.
fn field<'a>(v: &'a J, path: &[&str]) -> Option<&'a J> {
    let mut cur = v;
    for k in path {
        let J::Obj(m) = cur else { return None };
        cur = &m.iter().find(|(key, _)| key == k)?.1;
    }
    Some(cur)
}

/// The table headers after NAME (AGE left out).
pub fn headers(kind: Kind, wide: bool) -> Vec<&'static str> {
    let mut h: Vec<&str> = match kind {
        Kind::Pods => vec!["READY", "STATUS", "RESTARTS"],
        Kind::Services => vec!["TYPE", "CLUSTER-IP", "EXTERNAL-IP", "PORT(S)"],
        Kind::Endpoints => vec!["ENDPOINTS"],
        Kind::EndpointSlices => vec!["ADDRESSTYPE", "PORTS", "ENDPOINTS"],
        Kind::Nodes => vec!["STATUS", "ROLES", "VERSION"],
        Kind::Namespaces => vec!["STATUS"],
        Kind::Deployments => vec!["READY", "UP-TO-DATE", "AVAILABLE"],
        Kind::ReplicaSets => vec!["DESIRED", "CURRENT", "READY"],
        Kind::StatefulSets => vec!["READY"],
        Kind::DaemonSets => {
            vec!["DESIRED", "CURRENT", "READY", "UP-TO-DATE", "AVAILABLE", "NODE SELECTOR"]
        }
        // printers.go `replicationControllerColumnDefinitions`.
        Kind::ReplicationControllers => vec!["DESIRED", "CURRENT", "READY"],
        // printers.go `networkPolicyColumnDefinitions` (Name, Pod-Selector, Age).
        Kind::NetworkPolicies => vec!["POD-SELECTOR"],
        // The CRD's printer columns (clusternetworkpolicy_types.go `+kubebuilder:printcolumn`:
        // Tier, Priority, Age).
        Kind::ClusterNetworkPolicies => vec!["TIER", "PRIORITY"],
    };
    if wide {
        h.extend(match kind {
            Kind::Pods => vec!["IP", "NODE", "NOMINATED NODE", "READINESS GATES"],
            Kind::Services => vec!["SELECTOR"],
            Kind::Nodes => vec![
                "INTERNAL-IP",
                "EXTERNAL-IP",
                "OS-IMAGE",
                "KERNEL-VERSION",
                "CONTAINER-RUNTIME",
            ],
            Kind::Deployments | Kind::ReplicaSets | Kind::ReplicationControllers => {
                vec!["CONTAINERS", "IMAGES", "SELECTOR"]
            }
            Kind::StatefulSets => vec!["CONTAINERS", "IMAGES"],
            Kind::DaemonSets => vec!["CONTAINERS", "IMAGES", "SELECTOR"],
            _ => vec![],
        });
    }
    h
}

/// Every object of `kind`, sorted by namespace then name (the apiserver's list order).
pub fn rows(c: &Cluster, kind: Kind, wide: bool) -> Vec<Row> {
    let o = &c.objects;
    let mut rows: Vec<Row> = match kind {
        Kind::Pods => {
            o.pods.iter().map(|p| row(&p.meta, pod_cells(p, wide), pod_json(p))).collect()
        }
        Kind::Services => o
            .services
            .iter()
            .map(|s| row(&s.meta, service_cells(s, wide), service_json(s)))
            .collect(),
        Kind::Endpoints => o
            .endpoints
            .iter()
            .map(|e| row(&e.meta, vec![format_endpoints(e)], endpoints_json(e)))
            .collect(),
        Kind::EndpointSlices => o
            .endpoint_slices
            .iter()
            .map(|s| {
                row(
                    &s.meta,
                    vec![
                        s.address_type.clone(),
                        discovery_ports(&s.ports),
                        discovery_endpoints(&s.endpoints),
                    ],
                    slice_json(s),
                )
            })
            .collect(),
        Kind::Nodes => {
            let version = c.settings.version.to_string();
            o.nodes
                .iter()
                .map(|n| row(&n.meta, node_cells(n, &version, wide), node_json(n, &version)))
                .collect()
        }
        Kind::Namespaces => o
            .namespaces
            .iter()
            .map(|n| row(&n.meta, vec!["Active".into()], namespace_json(n)))
            .collect(),
        Kind::NetworkPolicies => o
            .network_policies
            .iter()
            .map(|n| {
                let cell = crate::policy::pod_selector_column(&n.spec.pod_selector);
                row(&n.meta, vec![cell], network_policy_json(n))
            })
            .collect(),
        Kind::ClusterNetworkPolicies => o
            .cluster_network_policies
            .iter()
            .map(|n| {
                let cells = vec![n.spec.tier.as_str().to_string(), n.spec.priority.to_string()];
                row(&n.meta, cells, cluster_network_policy_json(n))
            })
            .collect(),
        _ => {
            let wk = kind.workload().unwrap_or(WorkloadKind::DaemonSet);
            o.workloads
                .iter()
                .filter(|w| w.kind == wk)
                .map(|w| row(&w.meta, workload_cells(c, w, wide), workload_json(w)))
                .collect()
        }
    };
    crate::sort::sort_by(&mut rows, |a, b| {
        (a.namespace.as_str(), a.name.as_str()).cmp(&(b.namespace.as_str(), b.name.as_str()))
    });
    rows
}

fn row(meta: &ObjectMeta, cells: Vec<String>, object: J) -> Row {
    Row {
        namespace: meta.namespace.clone(),
        name: meta.name.clone(),
        labels: meta.labels.clone(),
        cells,
        object,
    }
}

/// kubectl's tabwriter: each column as wide as its widest cell plus 3 (at least 6); the last
/// column is not padded.
pub fn tabulate(lines: &[Vec<String>]) -> String {
    let escaped: Vec<Vec<String>> =
        lines.iter().map(|l| l.iter().map(|c| table_cell(c).into_owned()).collect()).collect();
    let lines = escaped.as_slice();
    let cols = lines.iter().map(Vec::len).max().unwrap_or(0);
    let mut widths = vec![0usize; cols];
    for l in lines {
        for (i, cell) in l.iter().enumerate() {
            if i + 1 < l.len() {
                widths[i] = widths[i].max((cell.chars().count() + 3).max(6));
            }
        }
    }
    let mut out = String::new();
    for l in lines {
        for (i, cell) in l.iter().enumerate() {
            out.push_str(cell);
            if i + 1 < l.len() {
                let pad = widths[i].saturating_sub(cell.chars().count());
                out.extend(std::iter::repeat_n(' ', pad));
            }
        }
        out.push('\n');
    }
    out
}

/// A cell as kubectl writes it: cut at the first newline, carriage return or form feed (then
/// `...`), and ESC shown as `^[`, so text from an object cannot drive the terminal
/// (k8s.io/cli-runtime `pkg/printers/tableprinter.go` `appendCellValue` and `terminal.go`
/// `terminalEscaper`, kubernetes/kubernetes#101695).
pub fn table_cell(cell: &str) -> std::borrow::Cow<'_, str> {
    if !cell.contains(['\u{c}', '\n', '\r', '\u{1b}']) {
        return std::borrow::Cow::Borrowed(cell);
    }
    let (kept, cut) = match cell.find(['\u{c}', '\n', '\r']) {
        Some(i) => (cell.get(..i).unwrap_or(""), true),
        None => (cell, false),
    };
    let mut out = kept.replace('\u{1b}', "^[");
    if cut {
        out.push_str("...");
    }
    std::borrow::Cow::Owned(out)
}

// ---------------------------------------------------------------------------------------------
// Cells

fn none_if_empty(s: String) -> String {
    if s.is_empty() {
        "<none>".into()
    } else {
        s
    }
}

/// `labels.FormatLabels`: `k=v,k2=v2` sorted, `<none>` when empty.
pub fn format_labels(l: &Labels) -> String {
    none_if_empty(l.iter().map(|(k, v)| format!("{k}={v}")).collect::<Vec<_>>().join(","))
}

fn pod_cells(p: &Pod, wide: bool) -> Vec<String> {
    let sidecars = p
        .spec
        .init_containers
        .iter()
        .filter(|c| c.restart_policy.as_deref() == Some("Always"))
        .count();
    let total = p.spec.containers.len() + sidecars;
    let running = p.status.phase == "Running";
    let ready = if running && super::endpoints::containers_ready(p) { total } else { 0 };
    // printers.go `printPod`: a deleted Pod reads Terminating unless its phase is terminal
    // (`podutilv1.IsPodPhaseTerminal`: Succeeded, Failed keep their reason).
    let terminal = matches!(p.status.phase.as_str(), "Succeeded" | "Failed");
    let status = if p.meta.deletion_timestamp.is_some() && !terminal {
        "Terminating".to_string()
    } else {
        match p.status.phase.as_str() {
            "Succeeded" => "Completed".into(),
            "Failed" => "Error".into(),
            // `printPod`: the API server's PodScheduled condition, reason SchedulingGated.
            "Pending" | "" if super::schedule::scheduling_gated(p) => "SchedulingGated".into(),
            "Pending" if p.spec.node_name.is_some() && p.status.host_ip.is_some() => {
                "ContainerCreating".into()
            }
            "" => "Pending".into(),
            other => other.to_string(),
        }
    };
    let mut cells = vec![format!("{ready}/{total}"), status, p.status.restart_count.to_string()];
    if wide {
        cells.push(p.status.pod_ips.first().map_or("<none>".into(), |ip| ip.to_string()));
        cells.push(p.spec.node_name.clone().unwrap_or_else(|| "<none>".into()));
        cells.push(p.status.nominated_node_name.clone().unwrap_or_else(|| "<none>".into()));
        // printPod: the gates whose condition is True, of all gates.
        let gates = p.spec.readiness_gates.len();
        let met = p
            .spec
            .readiness_gates
            .iter()
            .filter(|g| super::endpoints::condition_status(p, g) == Some("True"))
            .count();
        cells.push(if gates == 0 { "<none>".into() } else { format!("{met}/{gates}") });
    }
    cells
}

fn service_cells(s: &Service, wide: bool) -> Vec<String> {
    let cluster_ip = if s.spec.headless {
        "None".to_string()
    } else {
        s.spec.cluster_ips.first().map_or("<none>".into(), |ip| ip.to_string())
    };
    let ext: Vec<String> = s.spec.external_ips.iter().map(|i| i.to_string()).collect();
    let external = match s.spec.type_ {
        ServiceType::ClusterIP | ServiceType::NodePort => none_if_empty(ext.join(",")),
        ServiceType::LoadBalancer => {
            let mut set: Vec<String> = s
                .status
                .load_balancer_ingress
                .iter()
                .filter_map(|i| i.ip.map(|ip| ip.to_string()).or_else(|| i.hostname.clone()))
                .collect();
            crate::sort::sort(&mut set);
            set.dedup();
            let mut lb = set.join(",");
            if !wide && lb.chars().count() > 16 {
                lb = lb.chars().take(13).collect::<String>() + "...";
            }
            if !ext.is_empty() {
                let mut all: Vec<String> =
                    if lb.is_empty() { vec![] } else { lb.split(',').map(String::from).collect() };
                all.extend(ext);
                all.join(",")
            } else if lb.is_empty() {
                "<pending>".into()
            } else {
                lb
            }
        }
        ServiceType::ExternalName => s.spec.external_name.clone().unwrap_or_default(),
    };
    let ports: Vec<String> = s
        .spec
        .ports
        .iter()
        .map(|p| match p.node_port {
            Some(np) if np > 0 => format!("{}:{np}/{}", p.port, p.protocol.as_str()),
            _ => format!("{}/{}", p.port, p.protocol.as_str()),
        })
        .collect();
    let mut cells = vec![
        s.spec.type_.as_str().to_string(),
        cluster_ip,
        external,
        none_if_empty(ports.join(",")),
    ];
    if wide {
        cells.push(format_labels(s.spec.selector.as_ref().unwrap_or(&Labels::new())));
    }
    cells
}

fn host_port(ip: IpAddr, port: i32) -> String {
    match ip {
        IpAddr::V4(v) => format!("{v}:{port}"),
        IpAddr::V6(v) => format!("[{v}]:{port}"),
    }
}

/// `formatEndpoints`: up to 3 ready `ip:port`, then `+ N more...`; `<none>` without subsets.
pub fn format_endpoints(e: &Endpoints) -> String {
    if e.subsets.is_empty() {
        return "<none>".into();
    }
    let max = 3;
    let mut list = Vec::new();
    let mut more = false;
    let mut count = 0;
    for ss in &e.subsets {
        if ss.ports.is_empty() {
            count += ss.addresses.len();
            for a in &ss.addresses {
                if list.len() == max {
                    more = true;
                    break;
                }
                list.push(a.ip.to_string());
            }
            continue;
        }
        for p in &ss.ports {
            count += ss.addresses.len();
            for a in &ss.addresses {
                if list.len() == max {
                    more = true;
                    break;
                }
                list.push(host_port(a.ip, p.port.unwrap_or(0)));
            }
        }
    }
    let ret = list.join(",");
    if more {
        format!("{ret} + {} more...", count - max)
    } else {
        ret
    }
}

fn list_with_more(list: Vec<String>, more: bool, count: usize, max: usize) -> String {
    let ret = list.join(",");
    if more {
        return format!("{ret} + {} more...", count - max);
    }
    if ret.is_empty() {
        "<unset>".into()
    } else {
        ret
    }
}

/// `formatDiscoveryPorts`.
pub fn discovery_ports(ports: &[EndpointPort]) -> String {
    let (max, mut list, mut more, mut count) = (3, Vec::new(), false, 0);
    for p in ports {
        if list.len() < max {
            list.push(match (p.port, &p.name) {
                (Some(n), _) => n.to_string(),
                (None, Some(name)) => name.clone(),
                (None, None) => "*".into(),
            });
        } else if list.len() == max {
            more = true;
        }
        count += 1;
    }
    list_with_more(list, more, count, max)
}

/// `formatDiscoveryEndpoints`.
pub fn discovery_endpoints(eps: &[Endpoint]) -> String {
    let (max, mut list, mut more, mut count) = (3, Vec::new(), false, 0);
    for e in eps {
        for a in &e.addresses {
            if list.len() < max {
                list.push(a.to_string());
            } else if list.len() == max {
                more = true;
            }
            count += 1;
        }
    }
    list_with_more(list, more, count, max)
}

fn node_cells(n: &Node, version: &str, wide: bool) -> Vec<String> {
    let mut status = if n.ready { "Ready".to_string() } else { "NotReady".to_string() };
    if n.unschedulable {
        status.push_str(",SchedulingDisabled");
    }
    let info = node_info(n, version);
    let mut cells = vec![status, none_if_empty(roles(n).join(",")), info.kubelet_version];
    if wide {
        cells.push(n.internal_ips.first().map_or("<none>".into(), |i| i.to_string()));
        cells.push(n.external_ips.first().map_or("<none>".into(), |i| i.to_string()));
        // printers.go `printNode`: an empty OSImage, KernelVersion or ContainerRuntimeVersion
        // prints as <unknown>.
        let unknown = |v: String| if v.is_empty() { "<unknown>".to_string() } else { v };
        cells.extend([
            unknown(info.os_image),
            unknown(info.kernel_version),
            unknown(info.container_runtime_version),
        ]);
    }
    cells
}

/// The node's `status.nodeInfo`: the input's when it states one (a kubeletVersion it leaves
/// out is the cluster's release), else the simulated kubelet's ([`NODE_INFO`]).
pub(crate) fn node_info(n: &Node, version: &str) -> crate::model::NodeInfo {
    let mut i = n.node_info.clone().unwrap_or_else(|| crate::model::NodeInfo {
        kubelet_version: String::new(),
        os_image: NODE_INFO.0.into(),
        kernel_version: NODE_INFO.1.into(),
        container_runtime_version: NODE_INFO.2.into(),
    });
    if i.kubelet_version.is_empty() {
        i.kubelet_version = version.to_string();
    }
    i
}

fn workload_cells(c: &Cluster, w: &Workload, wide: bool) -> Vec<String> {
    let pods: Vec<&Pod> = if w.kind == WorkloadKind::Deployment {
        let rs: Vec<&str> = c
            .objects
            .workloads
            .iter()
            .filter(|r| {
                r.kind == WorkloadKind::ReplicaSet
                    && r.meta.namespace == w.meta.namespace
                    && r.meta
                        .owner_references
                        .iter()
                        .any(|o| o.kind == "Deployment" && o.name == w.meta.name)
            })
            .map(|r| r.meta.name.as_str())
            .collect();
        c.objects
            .pods
            .iter()
            .filter(|p| {
                p.meta.namespace == w.meta.namespace
                    && p.meta
                        .owner_references
                        .iter()
                        .any(|o| o.kind == "ReplicaSet" && rs.contains(&o.name.as_str()))
            })
            .collect()
    } else {
        c.objects
            .pods
            .iter()
            .filter(|p| {
                p.meta.namespace == w.meta.namespace
                    && p.meta
                        .owner_references
                        .iter()
                        .any(|o| o.kind == w.kind.as_str() && o.name == w.meta.name)
            })
            .collect()
    };
    // The controllers count active Pods only (`controller.FilterActivePods`): a terminating Pod
    // is no longer a replica.
    let pods: Vec<&Pod> =
        pods.into_iter().filter(|p| p.meta.deletion_timestamp.is_none()).collect();
    // A DaemonSet counts only the nodes it should run on (`updateDaemonSetStatus`:
    // desiredNumberScheduled, currentNumberScheduled, numberReady); a Pod left on a node it
    // should no longer run on (a NoSchedule taint since) is misscheduled, in none of them.
    let eligible =
        (w.kind == WorkloadKind::DaemonSet).then(|| super::workloads::daemonset_eligible(c, w));
    let pods: Vec<&Pod> = match &eligible {
        Some(nodes) => pods
            .into_iter()
            .filter(|p| p.spec.node_name.as_ref().is_some_and(|n| nodes.contains(n)))
            .collect(),
        None => pods,
    };
    let current = pods.len();
    let ready = pods.iter().filter(|p| p.status.phase == "Running" && is_pod_ready(p)).count();
    let desired = if let Some(nodes) = &eligible {
        nodes.len()
    } else {
        usize::try_from(w.replicas.max(0)).unwrap_or(0)
    };
    let mut cells = match w.kind {
        WorkloadKind::Deployment => {
            vec![format!("{ready}/{desired}"), current.to_string(), ready.to_string()]
        }
        WorkloadKind::ReplicaSet | WorkloadKind::ReplicationController => {
            vec![desired.to_string(), current.to_string(), ready.to_string()]
        }
        WorkloadKind::StatefulSet => vec![format!("{ready}/{desired}")],
        WorkloadKind::DaemonSet => vec![
            desired.to_string(),
            current.to_string(),
            ready.to_string(),
            current.to_string(),
            ready.to_string(),
            format_labels(&w.template.spec.node_selector),
        ],
    };
    if wide {
        cells.push(
            w.template.spec.containers.iter().map(|c| c.name.clone()).collect::<Vec<_>>().join(","),
        );
        cells.push(
            w.template
                .spec
                .containers
                .iter()
                .map(|c| c.image.clone())
                .collect::<Vec<_>>()
                .join(","),
        );
        if w.kind != WorkloadKind::StatefulSet {
            cells.push(crate::select::format_label_selector(w.selector.as_ref()));
        }
    }
    cells
}

// ---------------------------------------------------------------------------------------------
// API-shaped values: an ordered JSON tree, printed as kubectl's JSON or YAML.

/// A JSON value with ordered object keys.
#[derive(Clone, Debug, PartialEq)]
pub enum J {
    Null,
    Bool(bool),
    Int(i64),
    Str(String),
    Arr(Vec<J>),
    Obj(Vec<(String, J)>),
}

impl J {
    fn obj() -> J {
        J::Obj(Vec::new())
    }
    fn set(&mut self, k: &str, v: J) {
        if let J::Obj(m) = self {
            m.push((k.to_string(), v));
        }
    }
    fn with(mut self, k: &str, v: J) -> J {
        self.set(k, v);
        self
    }
    /// Sets `k` unless `v` is empty (`omitempty`).
    fn opt(mut self, k: &str, v: J) -> J {
        let empty = match &v {
            J::Null => true,
            J::Str(s) => s.is_empty(),
            J::Arr(a) => a.is_empty(),
            J::Obj(o) => o.is_empty(),
            J::Bool(b) => !b,
            J::Int(_) => false,
        };
        if !empty {
            self.set(k, v);
        }
        self
    }
}

fn s(v: impl Into<String>) -> J {
    J::Str(v.into())
}

fn map(l: &Labels) -> J {
    J::Obj(l.iter().map(|(k, v)| (k.clone(), s(v.clone()))).collect())
}

fn ips(v: &[IpAddr]) -> J {
    J::Arr(v.iter().map(|i| s(i.to_string())).collect())
}

fn api_version_of(kind: &str) -> String {
    kind_info(kind).map_or_else(|| "v1".to_string(), KindInfo::api_version)
}

fn owner_json(o: &OwnerReference, ns: &str) -> J {
    J::obj()
        .with("apiVersion", s(api_version_of(&o.kind)))
        .with("blockOwnerDeletion", J::Bool(true))
        .with("controller", J::Bool(o.controller))
        .with("kind", s(o.kind.clone()))
        .with("name", s(o.name.clone()))
        .with("uid", s(super::uid_for(&o.kind, ns, &o.name)))
}

fn meta_json(m: &ObjectMeta) -> J {
    J::obj()
        .with("name", s(m.name.clone()))
        .opt("generateName", s(m.generate_name.clone().unwrap_or_default()))
        .opt("namespace", s(m.namespace.clone()))
        .opt("uid", s(m.uid.clone().unwrap_or_default()))
        .opt("deletionTimestamp", s(m.deletion_timestamp.clone().unwrap_or_default()))
        .opt("deletionGracePeriodSeconds", m.deletion_grace_period_seconds.map_or(J::Null, J::Int))
        .opt("labels", map(&m.labels))
        .opt("annotations", map(&m.annotations))
        .opt(
            "ownerReferences",
            J::Arr(m.owner_references.iter().map(|o| owner_json(o, &m.namespace)).collect()),
        )
}

fn top(api: &str, kind: &str, meta: &ObjectMeta) -> J {
    J::obj().with("apiVersion", s(api)).with("kind", s(kind)).with("metadata", meta_json(meta))
}

fn target_ref_json(r: &ObjectReference) -> J {
    J::obj()
        .with("kind", s(r.kind.clone()))
        .with("namespace", s(r.namespace.clone()))
        .with("name", s(r.name.clone()))
        .with("uid", s(super::uid_for(&r.kind, &r.namespace, &r.name)))
}

/// A container's `env` item as the API server returns it (`fieldRef.apiVersion` defaulted).
fn env_json(e: &crate::model::EnvVar) -> J {
    use crate::model::EnvSource;
    let key_ref = |name: &str, key: &str, optional: bool| {
        J::obj()
            .with("key", s(key.to_string()))
            .with("name", s(name.to_string()))
            .opt("optional", J::Bool(optional))
    };
    let from = match &e.value_from {
        None => return J::obj().with("name", s(e.name.clone())).opt("value", s(e.value.clone())),
        Some(EnvSource::Field { api_version, field_path }) => J::obj().with(
            "fieldRef",
            J::obj()
                .with("apiVersion", s(api_version.clone()))
                .with("fieldPath", s(field_path.clone())),
        ),
        Some(EnvSource::Resource { container, resource }) => J::obj().with(
            "resourceFieldRef",
            J::obj()
                .opt("containerName", s(container.clone()))
                .with("divisor", s("0"))
                .with("resource", s(resource.clone())),
        ),
        Some(EnvSource::SecretKey { name, key, optional }) => {
            J::obj().with("secretKeyRef", key_ref(name, key, *optional))
        }
        Some(EnvSource::ConfigMapKey { name, key, optional }) => {
            J::obj().with("configMapKeyRef", key_ref(name, key, *optional))
        }
        Some(EnvSource::Other) => J::obj(),
    };
    J::obj().with("name", s(e.name.clone())).with("valueFrom", from)
}

/// A resource list, each quantity in its canonical form (as the API server stores it).
fn quantities_json(list: &[(String, String)]) -> J {
    let mut o = J::obj();
    for (name, q) in list {
        let q = crate::quantity::Quantity::parse(q).map_or(q.clone(), |q| q.canonical());
        o.set(name, s(q));
    }
    o
}

fn pod_spec_json(p: &PodSpec) -> J {
    let containers = |cs: &[crate::model::Container]| {
        J::Arr(
            cs.iter()
                .map(|c| {
                    J::obj()
                        .with("name", s(c.name.clone()))
                        .opt("image", s(c.image.clone()))
                        .opt(
                            "ports",
                            J::Arr(
                                c.ports
                                    .iter()
                                    .map(|p| {
                                        J::obj()
                                            .opt("name", s(p.name.clone().unwrap_or_default()))
                                            .opt(
                                                "hostPort",
                                                p.host_port.map_or(J::Null, |h| J::Int(h.into())),
                                            )
                                            .with("containerPort", J::Int(p.container_port.into()))
                                            .with("protocol", s(p.protocol.as_str()))
                                    })
                                    .collect(),
                            ),
                        )
                        .opt("restartPolicy", s(c.restart_policy.clone().unwrap_or_default()))
                        .opt("command", J::Arr(c.command.iter().map(|a| s(a.clone())).collect()))
                        .opt("args", J::Arr(c.args.iter().map(|a| s(a.clone())).collect()))
                        .opt("env", J::Arr(c.env.iter().map(env_json).collect()))
                        .opt(
                            "resources",
                            J::obj()
                                .opt("limits", quantities_json(&c.limits))
                                .opt("requests", quantities_json(&c.requests)),
                        )
                })
                .collect(),
        )
    };
    J::obj()
        .opt("initContainers", containers(&p.init_containers))
        .with("containers", containers(&p.containers))
        .opt("restartPolicy", s(p.restart_policy.clone()))
        // SetDefaults_PodSpec: 30 when unset.
        .with(
            "terminationGracePeriodSeconds",
            J::Int(
                p.termination_grace_period_seconds.unwrap_or(super::DEFAULT_GRACE_PERIOD_SECONDS),
            ),
        )
        .opt("dnsPolicy", s(p.dns_policy.clone()))
        .opt("nodeSelector", map(&p.node_selector))
        .opt("nodeName", s(p.node_name.clone().unwrap_or_default()))
        .opt("hostNetwork", J::Bool(p.host_network))
        .opt("hostname", s(p.hostname.clone().unwrap_or_default()))
        .opt("subdomain", s(p.subdomain.clone().unwrap_or_default()))
        .opt(
            "tolerations",
            J::Arr(
                p.tolerations
                    .iter()
                    .map(|t| {
                        J::obj()
                            .opt("key", s(t.key.clone()))
                            .opt("operator", s(t.operator.clone()))
                            .opt("value", s(t.value.clone()))
                            .opt("effect", s(t.effect.clone()))
                            .opt("tolerationSeconds", t.seconds.map_or(J::Null, J::Int))
                    })
                    .collect(),
            ),
        )
        .opt(
            "readinessGates",
            J::Arr(
                p.readiness_gates
                    .iter()
                    .map(|g| J::obj().with("conditionType", s(g.clone())))
                    .collect(),
            ),
        )
        .opt(
            "schedulingGates",
            J::Arr(
                p.scheduling_gates.iter().map(|g| J::obj().with("name", s(g.clone()))).collect(),
            ),
        )
}

/// `status.containerStatuses` of a started Pod, one per container in spec order: what the
/// simulation knows of the kubelet's (image, readiness, the restarts the input gave, running or
/// still being created). No container IDs, image digests or start times: there is no runtime
/// and no clock.
fn container_statuses(p: &Pod, started: bool, running: bool, ready: bool) -> J {
    if !started {
        return J::Null;
    }
    let state = if running {
        J::obj().with("running", J::obj())
    } else {
        J::obj().with("waiting", J::obj().with("reason", s("ContainerCreating")))
    };
    J::Arr(
        p.spec
            .containers
            .iter()
            .map(|c| {
                let restarts = p
                    .status
                    .container_restarts
                    .iter()
                    .find(|(n, _)| *n == c.name)
                    .map_or(0, |r| r.1);
                J::obj()
                    .with("image", s(c.image.clone()))
                    .with("lastState", J::obj())
                    .with("name", s(c.name.clone()))
                    .with("ready", J::Bool(ready))
                    .with("restartCount", J::Int(restarts.into()))
                    .with("started", J::Bool(running))
                    .with("state", state.clone())
            })
            .collect(),
    )
}

fn pod_json(p: &Pod) -> J {
    let running = p.status.phase == "Running";
    let ready = if is_pod_ready(p) && running { "True" } else { "False" };
    // The kubelet's ContainersReady looks at the containers only, not at readiness gates
    // (pkg/kubelet/status/generate.go `GenerateContainersReadyCondition`).
    let containers_ready = super::endpoints::containers_ready(p) && running;
    let mut status = J::obj();
    let started = p.status.host_ip.is_some() || running;
    if started {
        // The kubelet's conditions, in the order it writes them.
        let cond = |t: &str, st: &str| J::obj().with("status", s(st)).with("type", s(t));
        status = status.with(
            "conditions",
            J::Arr(vec![
                cond("PodReadyToStartContainers", "True"),
                cond("Initialized", "True"),
                cond("Ready", ready),
                cond("ContainersReady", if containers_ready { "True" } else { "False" }),
                cond("PodScheduled", "True"),
            ]),
        );
    } else if super::schedule::scheduling_gated(p) {
        // `applySchedulingGatedCondition` (pkg/registry/core/pod/strategy.go).
        status = status.with(
            "conditions",
            J::Arr(vec![J::obj()
                .with("message", s("Scheduling is blocked due to non-empty scheduling gates"))
                .with("reason", s("SchedulingGated"))
                .with("status", s("False"))
                .with("type", s("PodScheduled"))]),
        );
    } else if p.spec.node_name.is_none() {
        status = status.with(
            "conditions",
            J::Arr(vec![J::obj()
                .with("reason", s("Unschedulable"))
                .with("status", s("False"))
                .with("type", s("PodScheduled"))]),
        );
    }
    let status = status
        .opt("hostIP", s(p.status.host_ip.map(|i| i.to_string()).unwrap_or_default()))
        .opt(
            "hostIPs",
            J::Arr(
                p.status.host_ip.iter().map(|i| J::obj().with("ip", s(i.to_string()))).collect(),
            ),
        )
        .with(
            "phase",
            s(if p.status.phase.is_empty() {
                "Pending".to_string()
            } else {
                p.status.phase.clone()
            }),
        )
        .opt("podIP", s(p.status.pod_ips.first().map(|i| i.to_string()).unwrap_or_default()))
        .opt(
            "podIPs",
            J::Arr(
                p.status.pod_ips.iter().map(|i| J::obj().with("ip", s(i.to_string()))).collect(),
            ),
        )
        .opt("containerStatuses", container_statuses(p, started, running, containers_ready))
        // Set on create (`PrepareForCreate`, pkg/registry/core/pod/strategy.go).
        .with("qosClass", s(super::describe::qos_class(p)));
    top("v1", "Pod", &p.meta).with("spec", pod_spec_json(&p.spec)).with("status", status)
}

fn fam(f: IpFamily) -> J {
    s(match f {
        IpFamily::IPv4 => "IPv4",
        IpFamily::IPv6 => "IPv6",
    })
}

fn service_json(svc: &Service) -> J {
    let sp = &svc.spec;
    let ports = J::Arr(
        sp.ports
            .iter()
            .map(|p| {
                J::obj()
                    .opt("name", s(p.name.clone()))
                    .with("protocol", s(p.protocol.as_str()))
                    .opt("appProtocol", s(p.app_protocol.clone().unwrap_or_default()))
                    .with("port", J::Int(p.port.into()))
                    .with(
                        "targetPort",
                        match &p.target_port {
                            IntOrString::Int(n) => J::Int((*n).into()),
                            IntOrString::Str(t) => s(t.clone()),
                        },
                    )
                    .opt("nodePort", p.node_port.map_or(J::Null, |n| J::Int(n.into())))
            })
            .collect(),
    );
    let (cip, cips) = if sp.headless {
        (s("None"), J::Arr(vec![s("None")]))
    } else {
        (s(sp.cluster_ips.first().map(|i| i.to_string()).unwrap_or_default()), ips(&sp.cluster_ips))
    };
    let mut spec = J::obj()
        .opt("ports", ports)
        .opt("selector", sp.selector.as_ref().map_or(J::Null, map))
        .opt("clusterIP", cip)
        .opt("clusterIPs", cips)
        .with("type", s(sp.type_.as_str()))
        .opt("externalIPs", ips(&sp.external_ips))
        .opt("sessionAffinity", s(sp.session_affinity.clone()))
        .opt("loadBalancerIP", s(sp.load_balancer_ip.map(|i| i.to_string()).unwrap_or_default()))
        .opt(
            "loadBalancerSourceRanges",
            J::Arr(sp.load_balancer_source_ranges.iter().map(|r| s(r.clone())).collect()),
        )
        .opt("externalName", s(sp.external_name.clone().unwrap_or_default()))
        .opt(
            "externalTrafficPolicy",
            s(sp.external_traffic_policy.map(|t| t.as_str()).unwrap_or_default()),
        )
        .opt("healthCheckNodePort", sp.health_check_node_port.map_or(J::Null, |h| J::Int(h.into())))
        .opt("publishNotReadyAddresses", J::Bool(sp.publish_not_ready_addresses));
    if sp.session_affinity == "ClientIP" {
        spec = spec.with(
            "sessionAffinityConfig",
            J::obj().with(
                "clientIP",
                J::obj().with(
                    "timeoutSeconds",
                    J::Int(sp.session_affinity_timeout.unwrap_or(10800).into()),
                ),
            ),
        );
    }
    let spec = spec
        .opt("ipFamilies", J::Arr(sp.ip_families.iter().map(|f| fam(*f)).collect()))
        .opt("ipFamilyPolicy", s(sp.ip_family_policy.clone()))
        .opt(
            "allocateLoadBalancerNodePorts",
            sp.allocate_load_balancer_node_ports.map_or(J::Null, J::Bool),
        )
        .opt("loadBalancerClass", s(sp.load_balancer_class.clone().unwrap_or_default()))
        .opt(
            "internalTrafficPolicy",
            s(sp.internal_traffic_policy.map(|t| t.as_str()).unwrap_or_default()),
        )
        .opt("trafficDistribution", s(sp.traffic_distribution.clone().unwrap_or_default()));
    let ingress = J::Arr(
        svc.status
            .load_balancer_ingress
            .iter()
            .map(|i| {
                J::obj()
                    .opt("ip", s(i.ip.map(|x| x.to_string()).unwrap_or_default()))
                    .opt("hostname", s(i.hostname.clone().unwrap_or_default()))
                    // SetDefaults_Service: an ingress with an IP and no ipMode gets VIP.
                    .opt(
                        "ipMode",
                        match (&i.ip_mode, i.ip) {
                            (Some(m), _) => s(m.clone()),
                            (None, Some(_)) => s("VIP"),
                            (None, None) => J::Null,
                        },
                    )
            })
            .collect(),
    );
    top("v1", "Service", &svc.meta)
        .with("spec", spec)
        .with("status", J::obj().with("loadBalancer", J::obj().opt("ingress", ingress)))
}

fn eport_json(p: &EndpointPort) -> J {
    J::obj()
        .opt("name", s(p.name.clone().unwrap_or_default()))
        .opt("port", p.port.map_or(J::Null, |n| J::Int(n.into())))
        .with("protocol", s(p.protocol.as_str()))
        .opt("appProtocol", s(p.app_protocol.clone().unwrap_or_default()))
}

fn slice_json(sl: &EndpointSlice) -> J {
    let eps: Vec<J> = sl
        .endpoints
        .iter()
        .map(|e| {
            let mut cond = J::obj();
            for (k, v) in [
                ("ready", e.conditions.ready),
                ("serving", e.conditions.serving),
                ("terminating", e.conditions.terminating),
            ] {
                if let Some(b) = v {
                    cond.set(k, J::Bool(b));
                }
            }
            J::obj()
                .with("addresses", ips(&e.addresses))
                .with("conditions", cond)
                .opt("hostname", s(e.hostname.clone().unwrap_or_default()))
                .opt("targetRef", e.target_ref.as_ref().map_or(J::Null, target_ref_json))
                .opt("nodeName", s(e.node_name.clone().unwrap_or_default()))
                .opt("zone", s(e.zone.clone().unwrap_or_default()))
                .opt("hints", e.hints.as_ref().map_or(J::Null, hints_json))
        })
        .collect();
    // Name and port of a slice port are pointers: `name: ""` is printed when set.
    let ports: Vec<J> = sl
        .ports
        .iter()
        .map(|p| {
            J::obj()
                .with("name", s(p.name.clone().unwrap_or_default()))
                .opt("port", p.port.map_or(J::Null, |n| J::Int(n.into())))
                .with("protocol", s(p.protocol.as_str()))
                .opt("appProtocol", s(p.app_protocol.clone().unwrap_or_default()))
        })
        .collect();
    top("discovery.k8s.io/v1", "EndpointSlice", &sl.meta)
        .with("addressType", s(sl.address_type.clone()))
        .with("endpoints", if eps.is_empty() { J::Null } else { J::Arr(eps) })
        .with("ports", if ports.is_empty() { J::Null } else { J::Arr(ports) })
}

/// discovery/v1 `EndpointHints`: `forZones`, `forNodes`, each a list of `{name}`.
fn hints_json(h: &crate::model::EndpointHints) -> J {
    let names =
        |v: &[String]| J::Arr(v.iter().map(|n| J::obj().with("name", s(n.clone()))).collect());
    J::obj().opt("forZones", names(&h.for_zones)).opt("forNodes", names(&h.for_nodes))
}

fn endpoints_json(e: &Endpoints) -> J {
    let addr = |a: &crate::model::EndpointAddress| {
        J::obj()
            .with("ip", s(a.ip.to_string()))
            .opt("hostname", s(a.hostname.clone().unwrap_or_default()))
            .opt("nodeName", s(a.node_name.clone().unwrap_or_default()))
            .opt("targetRef", a.target_ref.as_ref().map_or(J::Null, target_ref_json))
    };
    let subsets = J::Arr(
        e.subsets
            .iter()
            .map(|ss| {
                J::obj()
                    .opt("addresses", J::Arr(ss.addresses.iter().map(addr).collect()))
                    .opt(
                        "notReadyAddresses",
                        J::Arr(ss.not_ready_addresses.iter().map(addr).collect()),
                    )
                    .opt("ports", J::Arr(ss.ports.iter().map(eport_json).collect()))
            })
            .collect(),
    );
    top("v1", "Endpoints", &e.meta).opt("subsets", subsets)
}

fn node_json(n: &Node, version: &str) -> J {
    let taints = J::Arr(
        n.taints
            .iter()
            .map(|t| {
                J::obj()
                    .with("effect", s(t.effect.clone()))
                    .with("key", s(t.key.clone()))
                    .opt("value", s(t.value.clone()))
            })
            .collect(),
    );
    let spec = J::obj()
        .opt("podCIDR", s(n.pod_cidrs.first().cloned().unwrap_or_default()))
        .opt("podCIDRs", J::Arr(n.pod_cidrs.iter().map(|c| s(c.clone())).collect()))
        .opt("taints", taints)
        .opt("unschedulable", J::Bool(n.unschedulable));
    let mut addrs: Vec<J> = n
        .internal_ips
        .iter()
        .map(|i| J::obj().with("address", s(i.to_string())).with("type", s("InternalIP")))
        .collect();
    addrs.extend(
        n.external_ips
            .iter()
            .map(|i| J::obj().with("address", s(i.to_string())).with("type", s("ExternalIP"))),
    );
    addrs.push(J::obj().with("address", s(n.meta.name.clone())).with("type", s("Hostname")));
    let (ready, reason) = match (n.ready, n.ready_false) {
        (true, _) => ("True", "KubeletReady"),
        (false, true) => ("False", "KubeletNotReady"),
        (false, false) => ("Unknown", "NodeStatusUnknown"),
    };
    let status = J::obj()
        .with("addresses", J::Arr(addrs))
        .with(
            "conditions",
            J::Arr(vec![J::obj()
                .with("reason", s(reason))
                .with("status", s(ready))
                .with("type", s("Ready"))]),
        )
        .with("nodeInfo", node_info_json(&node_info(n, version)));
    top("v1", "Node", &n.meta).with("spec", spec).with("status", status)
}

fn node_info_json(i: &crate::model::NodeInfo) -> J {
    J::obj()
        .with("architecture", s("amd64"))
        .with("containerRuntimeVersion", s(&i.container_runtime_version))
        .with("kernelVersion", s(&i.kernel_version))
        .with("kubeletVersion", s(&i.kubelet_version))
        .with("operatingSystem", s("linux"))
        .with("osImage", s(&i.os_image))
}

fn namespace_json(n: &Namespace) -> J {
    top("v1", "Namespace", &n.meta)
        .with("spec", J::obj().with("finalizers", J::Arr(vec![s("kubernetes")])))
        .with("status", J::obj().with("phase", s("Active")))
}

fn selector_json(sel: &LabelSelector) -> J {
    J::obj().opt("matchLabels", map(&sel.match_labels)).opt(
        "matchExpressions",
        J::Arr(
            sel.match_expressions
                .iter()
                .map(|r| {
                    J::obj()
                        .with("key", s(r.key.clone()))
                        .with("operator", s(r.operator.clone()))
                        .opt("values", J::Arr(r.values.iter().map(|v| s(v.clone())).collect()))
                })
                .collect(),
        ),
    )
}

fn template_json(t: &PodTemplate) -> J {
    J::obj()
        .with(
            "metadata",
            J::obj().opt("labels", map(&t.labels)).opt("annotations", map(&t.annotations)),
        )
        .with("spec", pod_spec_json(&t.spec))
}

fn workload_json(w: &Workload) -> J {
    let mut spec = J::obj();
    if w.kind != WorkloadKind::DaemonSet {
        spec.set("replicas", J::Int(w.replicas.into()));
    }
    // A ReplicationController's selector is a plain label map.
    let selector = match (&w.selector, w.kind) {
        (Some(sel), WorkloadKind::ReplicationController) => map(&sel.match_labels),
        (Some(sel), _) => selector_json(sel),
        (None, _) => J::Null,
    };
    let spec = spec
        .opt("selector", selector)
        .with("template", template_json(&w.template))
        .opt("serviceName", s(w.service_name.clone().unwrap_or_default()))
        .opt("podManagementPolicy", s(w.pod_management_policy.clone()))
        .opt(
            "ordinals",
            if w.ordinals_start > 0 {
                J::obj().with("start", J::Int(w.ordinals_start.into()))
            } else {
                J::Null
            },
        );
    top(&w.kind.info().api_version(), w.kind.as_str(), &w.meta).with("spec", spec)
}

/// A NetworkPolicy as the API server returns it (`networking/v1` types.go field order:
/// spec `podSelector` (always printed), `ingress` (`ports`, `from`), `egress` (`ports`, `to`),
/// `policyTypes` (defaulted); peers `podSelector`, `namespaceSelector`, `ipBlock`).
fn network_policy_json(n: &NetworkPolicy) -> J {
    let peer = |p: &NetworkPolicyPeer| {
        let mut j = J::obj();
        if let Some(sel) = &p.pod_selector {
            j.set("podSelector", selector_json(sel));
        }
        if let Some(sel) = &p.namespace_selector {
            j.set("namespaceSelector", selector_json(sel));
        }
        if let Some(b) = &p.ip_block {
            j.set(
                "ipBlock",
                J::obj()
                    .with("cidr", s(b.cidr.clone()))
                    .opt("except", J::Arr(b.except.iter().map(|e| s(e.clone())).collect())),
            );
        }
        j
    };
    let port = |p: &NetworkPolicyPort| {
        J::obj()
            .with("protocol", s(p.protocol.as_str()))
            .opt(
                "port",
                match &p.port {
                    None => J::Null,
                    Some(IntOrString::Int(n)) => J::Int((*n).into()),
                    Some(IntOrString::Str(t)) => s(t.clone()),
                },
            )
            .opt("endPort", p.end_port.map_or(J::Null, |e| J::Int(e.into())))
    };
    let rules = |rules: &[NetworkPolicyRule], peers: &str| {
        J::Arr(
            rules
                .iter()
                .map(|r| {
                    J::obj()
                        .opt("ports", J::Arr(r.ports.iter().map(port).collect()))
                        .opt(peers, J::Arr(r.peers.iter().map(peer).collect()))
                })
                .collect(),
        )
    };
    let spec = J::obj()
        .with("podSelector", selector_json(&n.spec.pod_selector))
        .opt("ingress", rules(&n.spec.ingress, "from"))
        .opt("egress", rules(&n.spec.egress, "to"))
        .opt("policyTypes", J::Arr(n.spec.policy_types.iter().map(|t| s(t.as_str())).collect()));
    // The API server gives every object a uid; the cluster stage assigns none to policies.
    let mut meta = n.meta.clone();
    if meta.uid.is_none() {
        meta.uid = Some(super::uid_for("NetworkPolicy", &meta.namespace, &meta.name));
    }
    top("networking.k8s.io/v1", "NetworkPolicy", &meta).with("spec", spec)
}

/// A ClusterNetworkPolicy as the API server returns it (network-policy-api
/// `clusternetworkpolicy_types.go`: `subject` with `namespaces` or `pods`, rules with `name`,
/// `action`, `from`/`to` and `protocols`).
fn cluster_network_policy_json(n: &crate::model::ClusterNetworkPolicy) -> J {
    use crate::model::{CnpPeer, CnpPort, CnpProtocol, CnpRule, CnpSubject, NamespacedPod};
    let pods = |p: &NamespacedPod| {
        J::obj()
            .with("namespaceSelector", selector_json(&p.namespace_selector))
            .with("podSelector", selector_json(&p.pod_selector))
    };
    let strings = |v: &[String]| J::Arr(v.iter().map(|x| s(x.clone())).collect());
    let peer = |p: &CnpPeer| match p {
        CnpPeer::Namespaces(sel) => J::obj().with("namespaces", selector_json(sel)),
        CnpPeer::Pods(np) => J::obj().with("pods", pods(np)),
        CnpPeer::Nodes(sel) => J::obj().with("nodes", selector_json(sel)),
        CnpPeer::Networks(v) => J::obj().with("networks", strings(v)),
        CnpPeer::DomainNames(v) => J::obj().with("domainNames", strings(v)),
        CnpPeer::Invalid => J::obj(),
    };
    let protocol = |p: &CnpProtocol| match p {
        CnpProtocol::Port { protocol, port } => {
            let dest = match port {
                None => J::Null,
                Some(CnpPort::Number(n)) => J::obj().with("number", J::Int((*n).into())),
                Some(CnpPort::Range { start, end }) => J::obj().with(
                    "range",
                    J::obj()
                        .with("end", J::Int((*end).into()))
                        .with("start", J::Int((*start).into())),
                ),
            };
            J::obj().with(
                &protocol.as_str().to_ascii_lowercase(),
                J::obj().opt("destinationPort", dest),
            )
        }
        CnpProtocol::NamedPort(name) => J::obj().with("destinationNamedPort", s(name.clone())),
        CnpProtocol::Invalid => J::obj(),
    };
    let rules = |rules: &[CnpRule], peers: &str| {
        J::Arr(
            rules
                .iter()
                .map(|r| {
                    J::obj()
                        .with("action", s(r.action.as_str()))
                        .opt(peers, J::Arr(r.peers.iter().map(peer).collect()))
                        .opt("name", s(r.name.clone()))
                        .opt("protocols", J::Arr(r.protocols.iter().map(protocol).collect()))
                })
                .collect(),
        )
    };
    let subject = match &n.spec.subject {
        CnpSubject::Namespaces(sel) => J::obj().with("namespaces", selector_json(sel)),
        CnpSubject::Pods(np) => J::obj().with("pods", pods(np)),
        CnpSubject::None => J::obj(),
    };
    let spec = J::obj()
        .opt("egress", rules(&n.spec.egress, "to"))
        .opt("ingress", rules(&n.spec.ingress, "from"))
        .with("priority", J::Int(n.spec.priority.into()))
        .with("subject", subject)
        .with("tier", s(n.spec.tier.as_str()));
    let mut meta = n.meta.clone();
    if meta.uid.is_none() {
        meta.uid = Some(super::uid_for("ClusterNetworkPolicy", "", &meta.name));
    }
    top(&api_version_of("ClusterNetworkPolicy"), "ClusterNetworkPolicy", &meta).with("spec", spec)
}

/// kubectl's `-o json` (`json.MarshalIndent` with 4 spaces, Go's HTML-safe escaping).
pub fn to_json(v: &J) -> String {
    let mut out = String::new();
    json(v, 0, &mut out);
    out.push('\n');
    out
}

fn json_str(t: &str, out: &mut String) {
    out.push('"');
    for ch in t.chars() {
        match ch {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '<' | '>' | '&' | '\u{2028}' | '\u{2029}' => {
                let _ = write!(out, "\\u{:04x}", u32::from(ch));
            }
            c if u32::from(c) < 0x20 => {
                let _ = write!(out, "\\u{:04x}", u32::from(c));
            }
            c => out.push(c),
        }
    }
    out.push('"');
}

fn json(v: &J, depth: usize, out: &mut String) {
    let ind = |d: usize| "    ".repeat(d);
    match v {
        J::Null => out.push_str("null"),
        J::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        J::Int(n) => out.push_str(&n.to_string()),
        J::Str(t) => json_str(t, out),
        J::Arr(a) if a.is_empty() => out.push_str("[]"),
        J::Obj(o) if o.is_empty() => out.push_str("{}"),
        J::Arr(a) => {
            out.push_str("[\n");
            for (i, x) in a.iter().enumerate() {
                out.push_str(&ind(depth + 1));
                json(x, depth + 1, out);
                out.push_str(if i + 1 < a.len() { ",\n" } else { "\n" });
            }
            out.push_str(&ind(depth));
            out.push(']');
        }
        J::Obj(o) => {
            // `kubectl get` reads objects as `unstructured.Unstructured`, whose JSON encoding
            // marshals a `map[string]interface{}`: Go sorts map keys (byte order).
            let mut o: Vec<&(String, J)> = o.iter().collect();
            crate::sort::sort_by(&mut o, |a, b| a.0.cmp(&b.0));
            out.push_str("{\n");
            for (i, (k, x)) in o.iter().map(|e| (&e.0, &e.1)).enumerate() {
                out.push_str(&ind(depth + 1));
                json_str(k, out);
                out.push_str(": ");
                json(x, depth + 1, out);
                out.push_str(if i + 1 < o.len() { ",\n" } else { "\n" });
            }
            out.push_str(&ind(depth));
            out.push('}');
        }
    }
}

/// kubectl's `-o yaml`: keys sorted, go-yaml v2 layout and quoting.
pub fn to_yaml(v: &J) -> String {
    let mut out = String::new();
    match v {
        J::Obj(o) if !o.is_empty() => yaml_map(o, 0, &mut out),
        J::Arr(a) if !a.is_empty() => yaml_seq(a, 0, &mut out),
        other => {
            out.push_str(&yaml_scalar(other, 0));
            out.push('\n');
        }
    }
    out
}

fn yaml_map(o: &[(String, J)], indent: usize, out: &mut String) {
    let mut entries: Vec<&(String, J)> = o.iter().collect();
    crate::sort::sort_by(&mut entries, |a, b| a.0.cmp(&b.0));
    for (k, v) in entries {
        out.push_str(&" ".repeat(indent));
        out.push_str(&yaml_string(k, indent));
        out.push(':');
        yaml_value(v, indent, out);
    }
}

fn yaml_value(v: &J, indent: usize, out: &mut String) {
    match v {
        J::Obj(o) if !o.is_empty() => {
            out.push('\n');
            yaml_map(o, indent + 2, out);
        }
        J::Arr(a) if !a.is_empty() => {
            out.push('\n');
            yaml_seq(a, indent, out);
        }
        other => {
            out.push(' ');
            out.push_str(&yaml_scalar(other, indent + 2));
            out.push('\n');
        }
    }
}

fn yaml_seq(a: &[J], indent: usize, out: &mut String) {
    for item in a {
        out.push_str(&" ".repeat(indent));
        out.push('-');
        match item {
            J::Obj(o) if !o.is_empty() => {
                // First key on the dash line, the rest indented under it.
                let mut first = String::new();
                yaml_map(o, indent + 2, &mut first);
                out.push(' ');
                out.push_str(first.get(indent + 2..).unwrap_or(""));
            }
            J::Arr(inner) if !inner.is_empty() => {
                out.push('\n');
                yaml_seq(inner, indent + 2, out);
            }
            other => {
                out.push(' ');
                out.push_str(&yaml_scalar(other, indent + 2));
                out.push('\n');
            }
        }
    }
}

fn yaml_scalar(v: &J, indent: usize) -> String {
    match v {
        J::Null => "null".into(),
        J::Bool(b) => b.to_string(),
        J::Int(n) => n.to_string(),
        J::Str(t) => yaml_string(t, indent),
        J::Arr(_) => "[]".into(),
        J::Obj(_) => "{}".into(),
    }
}

/// Would go-yaml v2 read this plain scalar as something other than a string?
fn resolves_non_string(t: &str) -> bool {
    const WORDS: &[&str] = &[
        "y", "Y", "yes", "Yes", "YES", "n", "N", "no", "No", "NO", "true", "True", "TRUE", "false",
        "False", "FALSE", "on", "On", "ON", "off", "Off", "OFF", "null", "Null", "NULL", "~",
        ".inf", ".Inf", ".INF", "+.inf", "+.Inf", "+.INF", "-.inf", "-.Inf", "-.INF", ".nan",
        ".NaN", ".NAN", "<<",
    ];
    if t.is_empty() || WORDS.contains(&t) {
        return true;
    }
    let u: String = t.chars().filter(|c| *c != '_').collect();
    let body = u.strip_prefix(['-', '+']).unwrap_or(&u);
    if let Some(hex) = body.strip_prefix("0x") {
        return !hex.is_empty() && hex.chars().all(|c| c.is_ascii_hexdigit());
    }
    if let Some(bin) = body.strip_prefix("0b") {
        return !bin.is_empty() && bin.chars().all(|c| c == '0' || c == '1');
    }
    // Integers, floats (`1.10`, `1e3`, `.5`) and base-60 (`1:20`).
    let (mant, exp) = match body.find(['e', 'E']) {
        Some(i) => (&body[..i], Some(&body[i + 1..])),
        None => (body, None),
    };
    let mant_ok = !mant.is_empty()
        && mant.chars().all(|c| c.is_ascii_digit() || c == '.')
        && mant.chars().filter(|c| *c == '.').count() <= 1
        && mant.chars().any(|c| c.is_ascii_digit());
    let exp_ok = exp.is_none_or(|e| {
        let e = e.strip_prefix(['-', '+']).unwrap_or(e);
        !e.is_empty() && e.chars().all(|c| c.is_ascii_digit())
    });
    if mant_ok && exp_ok {
        return true;
    }
    if body.contains(':')
        && body.split(':').all(|p| !p.is_empty() && p.chars().all(|c| c.is_ascii_digit()))
    {
        return true;
    }
    // Timestamps: 2006-01-02 and 2006-01-02T15:04:05Z…
    let b = t.as_bytes();
    b.len() >= 10
        && b[..4].iter().all(u8::is_ascii_digit)
        && b[4] == b'-'
        && b[5..7].iter().all(u8::is_ascii_digit)
        && b[7] == b'-'
        && b[8..10].iter().all(u8::is_ascii_digit)
}

fn plain_allowed(t: &str) -> bool {
    let first = t.chars().next().unwrap_or(' ');
    let second = t.chars().nth(1);
    if ",[]{}#&*!|>'\"%@`".contains(first) {
        return false;
    }
    if "-?:".contains(first) && second.is_none_or(|c| c == ' ') {
        return false;
    }
    !(t.starts_with(' ')
        || t.ends_with(' ')
        || t.ends_with(':')
        || t.contains(": ")
        || t.contains(" #")
        || t.contains('\t')
        || t.chars().any(|c| c.is_control()))
}

fn yaml_string(t: &str, indent: usize) -> String {
    if t.contains('\n') && !t.chars().any(|c| c.is_control() && c != '\n') {
        let chomp = if t.ends_with('\n') { "" } else { "-" };
        let mut out = format!("|{chomp}");
        for line in t.strip_suffix('\n').unwrap_or(t).split('\n') {
            out.push('\n');
            if !line.is_empty() {
                out.push_str(&" ".repeat(indent));
                out.push_str(line);
            }
        }
        return out;
    }
    if resolves_non_string(t) || t.chars().any(|c| c.is_control()) {
        let mut out = String::new();
        json_str(t, &mut out);
        return out;
    }
    if plain_allowed(t) {
        t.to_string()
    } else {
        format!("'{}'", t.replace('\'', "''"))
    }
}

/// A `v1/Event` in API shape (`-o yaml|json` of `get events`). The name is the object's name
/// and a hash of the event's position (upstream: a hex timestamp).
pub fn event_json(e: &super::Event, index: usize) -> J {
    let (kind, name) = e.object.split_once('/').unwrap_or(("", e.object.as_str()));
    let kind = KINDS.iter().find(|k| k.singular() == kind).map_or(kind, |k| k.kind);
    let component = event_component(e);
    let id = super::net::fnv64a(format!("{}/{}/{index}", e.object, e.reason).as_bytes());
    let meta = ObjectMeta {
        name: format!("{name}.{id:016x}"),
        namespace: if e.namespace.is_empty() { "default".into() } else { e.namespace.clone() },
        ..Default::default()
    };
    let mut involved = J::obj()
        .with("apiVersion", s(api_version_of(kind)))
        .with("kind", s(kind))
        .with("name", s(name));
    if kind != "Node" {
        involved.set("namespace", s(e.namespace.clone()));
    }
    top("v1", "Event", &meta)
        .with("involvedObject", involved)
        .with("reason", s(e.reason.clone()))
        .with("message", s(e.message.clone()))
        .with("source", J::obj().with("component", s(component)))
        .with("count", J::Int(1))
        .with("type", s(e.type_.as_str()))
}

/// The component that records an event (`source.component`, describe's `From` column).
pub(crate) fn event_component(e: &super::Event) -> &'static str {
    let kind = e.object.split_once('/').map_or("", |(k, _)| k);
    match e.reason.as_str() {
        "ScalingReplicaSet" => "deployment-controller",
        "Scheduled" | "FailedScheduling" => "default-scheduler",
        "Killing" | "Unhealthy" => "kubelet",
        "NodeNotReady" => "node-controller",
        "TaintManagerEviction" => "taint-eviction-controller",
        "IPAllocated" | "AllocationFailed" => "metallb-controller",
        // The EndpointSlice controller's recorder (`endpointslice_controller.go` NewController:
        // `EventSource{Component: "endpoint-slice-controller"}`): topology-mode Auto events.
        "TopologyAwareHintsEnabled"
        | "TopologyAwareHintsDisabled"
        | "FailedToUpdateEndpointSlices" => "endpoint-slice-controller",
        "TooManyAddressesToMirror" => "endpoint-slice-mirroring-controller",
        _ => match kind {
            "statefulset" => "statefulset-controller",
            "daemonset" => "daemonset-controller",
            "replicationcontroller" => "replication-controller",
            _ => "replicaset-controller",
        },
    }
}

/// `kind: List` wrapper kubectl prints for several objects.
pub fn list(items: Vec<J>) -> J {
    J::obj()
        .with("apiVersion", s("v1"))
        .with("items", J::Arr(items))
        .with("kind", s("List"))
        .with("metadata", J::obj().with("resourceVersion", s("")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tabwriter_pads_like_kubectl() {
        let t = tabulate(&[
            vec!["NAME".into(), "TYPE".into(), "X".into()],
            vec!["kubernetes".into(), "ClusterIP".into(), "y".into()],
        ]);
        assert_eq!(t, "NAME         TYPE        X\nkubernetes   ClusterIP   y\n");
        assert_eq!(tabulate(&[vec!["a".into(), "b".into()]]), "a     b\n");
    }

    /// kubectl's tableprinter_test.go cases: ESC becomes `^[`, a cell ends at a line break.
    #[test]
    fn table_cells_are_escaped_like_kubectl() {
        assert_eq!(table_cell("web"), "web");
        assert_eq!(table_cell("a\u{1b}[31mb"), "a^[[31mb");
        assert_eq!(table_cell("first\nsecond"), "first...");
        assert_eq!(table_cell("x\u{1b}]0;t\ry"), "x^[]0;t...");
        assert_eq!(table_cell("f\u{c}g"), "f...");
        let t =
            tabulate(&[vec!["NAME".into(), "X".into()], vec!["p\u{1b}[2J".into(), "a\nb".into()]]);
        assert_eq!(t, "NAME     X\np^[[2J   a...\n");
    }

    #[test]
    fn yaml_quoting() {
        assert_eq!(yaml_string("nginx", 0), "nginx");
        assert_eq!(yaml_string("80", 0), "\"80\"");
        assert_eq!(yaml_string("1.10", 0), "\"1.10\"");
        assert_eq!(yaml_string("yes", 0), "\"yes\"");
        assert_eq!(yaml_string("", 0), "\"\"");
        assert_eq!(yaml_string("*", 0), "'*'");
        assert_eq!(yaml_string("2024-01-01T00:00:00Z", 0), "\"2024-01-01T00:00:00Z\"");
        assert_eq!(yaml_string("10.96.0.1", 0), "10.96.0.1");
        assert_eq!(yaml_string("a: b", 0), "'a: b'");
        let v = J::obj()
            .with("b", J::Arr(vec![J::obj().with("z", J::Int(1)).with("x", s("q"))]))
            .with("a", map(&Labels::new()));
        assert_eq!(to_yaml(&v), "a: {}\nb:\n- x: q\n  z: 1\n");
        assert_eq!(to_json(&v), "{\n    \"a\": {},\n    \"b\": [\n        {\n            \"x\": \"q\",\n            \"z\": 1\n        }\n    ]\n}\n");
        assert_eq!(to_yaml(&J::obj().with("c", s("line1\nline2\n"))), "c: |\n  line1\n  line2\n");
    }

    #[test]
    fn cell_formats() {
        let ep = |p: Option<i32>, n: Option<&str>| EndpointPort {
            name: n.map(String::from),
            port: p,
            protocol: crate::model::Protocol::Tcp,
            app_protocol: None,
        };
        assert_eq!(discovery_ports(&[]), "<unset>");
        assert_eq!(
            discovery_ports(&[
                ep(Some(80), None),
                ep(None, Some("http")),
                ep(None, None),
                ep(Some(1), None)
            ]),
            "80,http,* + 1 more..."
        );
        assert_eq!(discovery_endpoints(&[]), "<unset>");
        assert_eq!(format_endpoints(&Endpoints::default()), "<none>");
        assert_eq!(host_port("fd00::1".parse().unwrap(), 80), "[fd00::1]:80");
    }

    /// builder.go `visitByName`: one Info per name, in the order named; a namespaced resource
    /// is not fetched by name across all namespaces (cluster-scoped ones are).
    #[test]
    fn names_keep_their_order() {
        let req = |kinds: &str, names: &[&str], all: bool| GetRequest {
            kinds: kinds.into(),
            names: names.iter().map(|n| n.to_string()).collect(),
            all_namespaces: all,
            output: GetFormat::Name,
            ..GetRequest::default()
        };
        let s = crate::session::Session::from_text("in.yaml", "");
        let c = s.cluster();
        let out = get(c, &req("nodes", &["kind-worker2", "kind-control-plane"], false)).unwrap();
        assert_eq!(out.stdout, "node/kind-worker2\nnode/kind-control-plane\n");
        assert!(get(c, &req("nodes", &["kind-worker"], true)).is_ok());
        assert_eq!(
            check(&req("svc", &["kubernetes"], true)).unwrap_err(),
            "a resource cannot be retrieved by name across all namespaces"
        );
    }

    /// builder.go `hasCombinedTypeArgs` / `splitResourceTypeName`.
    #[test]
    fn type_name_arguments() {
        let req = |kinds: &str, names: &[&str]| GetRequest {
            kinds: kinds.into(),
            names: names.iter().map(|n| n.to_string()).collect(),
            output: GetFormat::Name,
            ..GetRequest::default()
        };
        assert!(check(&req("svc", &["node/x"])).unwrap_err().starts_with("there is no need"));
        assert_eq!(
            check(&req("svc/a/b", &[])).unwrap_err(),
            "arguments in resource/name form may not have more than one slash"
        );
        assert_eq!(
            check(&req("svc,po/a", &[])).unwrap_err(),
            "arguments in resource/name form must have a single resource and name"
        );
        let s = crate::session::Session::from_text("in.yaml", "");
        let out = get(s.cluster(), &req("node/kind-worker", &["svc/kubernetes"])).unwrap();
        assert_eq!(out.stdout, "node/kind-worker\nservice/kubernetes\n");
    }
}
