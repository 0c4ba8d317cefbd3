//! Determinism properties over generated inputs (a tiny seeded generator, no crates):
//! - the same input gives byte-identical CLI output (`get -o yaml`, `iptables`, `dns`, `graph`)
//!   and view-model JSON on every run;
//! - the order of documents and of files does not change the simulated cluster (`get -A -o json`
//!   of every kind, the rules of each node), except where Kubernetes itself depends on creation
//!   order — pinned in `order_dependent_outputs_are_exactly_these` below.
// Native-only test code: std sorts are fine here (the ban in clippy.toml is about wasm size).
#![allow(clippy::disallowed_methods)]

use netsim::diagnostic::SourceFiles;
use netsim_cli::{run, Input, Output};

/// SplitMix64: enough randomness for shapes and shuffles, reproducible from the seed.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
    fn shuffle<T>(&mut self, v: &mut [T]) {
        for i in (1..v.len()).rev() {
            let j = self.below(i + 1);
            v.swap(i, j);
        }
    }
}

const APPS: [&str; 4] = ["web", "api", "db", "cache"];
const NAMESPACES: [&str; 2] = ["default", "shop"];

/// A random but valid cluster: Nodes, Deployments, a StatefulSet, bare Pods, Services of every
/// type with fixed ClusterIPs and NodePorts (so allocation order is not in play), one document
/// per item.
fn generate(seed: u64) -> Vec<String> {
    let mut r = Rng(seed);
    let mut docs = Vec::new();
    let nodes = 1 + r.below(3);
    for i in 0..nodes {
        docs.push(format!(
            "apiVersion: v1\nkind: Node\nmetadata:\n  name: node-{i}\n  labels:\n    zone: z{}\n",
            r.below(2)
        ));
    }
    docs.push("apiVersion: v1\nkind: Namespace\nmetadata:\n  name: shop\n".to_string());
    for (k, app) in APPS.iter().enumerate() {
        let ns = NAMESPACES[r.below(2)];
        let replicas = r.below(4);
        docs.push(format!(
            "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: {app}\n  namespace: {ns}\nspec:\n  replicas: {replicas}\n  selector:\n    matchLabels: {{app: {app}}}\n  template:\n    metadata:\n      labels: {{app: {app}, tier: t{}}}\n    spec:\n      containers:\n      - name: c\n        image: nginx\n        ports:\n        - {{name: http, containerPort: {}}}\n",
            r.below(2),
            8000 + k
        ));
        let (type_, extra) = match r.below(6) {
            // Allocated by the simulator (the API server picks at random).
            4 => ("ClusterIP", String::new()),
            5 => ("NodePort", String::new()),
            0 => ("ClusterIP", format!("  clusterIP: 10.96.{k}.{}\n", 10 + r.below(200))),
            1 => ("ClusterIP", "  clusterIP: None\n".to_string()),
            2 => ("NodePort", format!("  clusterIP: 10.96.{k}.{}\n", 10 + r.below(200))),
            _ => ("LoadBalancer", format!("  clusterIP: 10.96.{k}.{}\n", 10 + r.below(200))),
        };
        let node_port = if type_ == "ClusterIP" || extra.is_empty() {
            String::new()
        } else {
            format!(", nodePort: {}", 30000 + k * 100 + r.below(100))
        };
        docs.push(format!(
            "apiVersion: v1\nkind: Service\nmetadata:\n  name: {app}\n  namespace: {ns}\nspec:\n  type: {type_}\n{extra}  selector: {{app: {app}}}\n  ports:\n  - {{name: http, port: 80, targetPort: http{node_port}}}\n"
        ));
    }
    docs.push(
        "apiVersion: v1\nkind: Service\nmetadata:\n  name: ext\nspec:\n  type: ExternalName\n  externalName: example.com\n"
            .to_string(),
    );
    for i in 0..r.below(3) {
        docs.push(format!(
            "apiVersion: v1\nkind: Pod\nmetadata:\n  name: client-{i}\n  labels: {{app: {}}}\nspec:\n  containers:\n  - name: shell\n    image: busybox\n",
            APPS[r.below(APPS.len())]
        ));
    }
    docs
}

fn inputs(docs: &[String], files: usize) -> Vec<Input> {
    let files = files.max(1);
    let mut texts = vec![String::new(); files];
    for (i, d) in docs.iter().enumerate() {
        let t = &mut texts[i % files];
        t.push_str("---\n");
        t.push_str(d);
    }
    texts
        .into_iter()
        .enumerate()
        .map(|(i, text)| Input { name: format!("f{i}.yaml"), text })
        .collect()
}

fn cli(argv: &[&str], inputs: &[Input]) -> Output {
    let argv: Vec<String> = argv.iter().map(|s| s.to_string()).collect();
    run(&argv, inputs)
}

const KINDS: &str =
    "pods,services,endpoints,endpointslices,nodes,namespaces,deployments,replicasets,statefulsets,daemonsets";

fn node_names(inputs: &[Input]) -> Vec<String> {
    let out = cli(&["get", "nodes", "-o", "name"], inputs);
    out.stdout.lines().filter_map(|l| l.strip_prefix("node/")).map(str::to_string).collect()
}

/// Everything the simulated cluster is, as text: every object as JSON and the rules of each
/// node. Pod IPs are order-dependent (see below), so they can be masked.
fn cluster_state(inputs: &[Input]) -> Vec<(String, String)> {
    let mut v = Vec::new();
    let get = cli(&["get", KINDS, "-A", "-o", "json"], inputs);
    assert_eq!(get.code, 0, "{}", get.stderr);
    v.push(("get".to_string(), get.stdout));
    for n in node_names(inputs) {
        let out = cli(&["iptables", "--node", &n], inputs);
        assert_eq!(out.code, 0, "{}", out.stderr);
        v.push((format!("iptables {n}"), out.stdout));
    }
    v
}

#[test]
fn same_input_gives_byte_identical_outputs() {
    for seed in 0..12 {
        let ins = inputs(&generate(seed), 2);
        let commands: Vec<Vec<String>> = {
            let mut c: Vec<Vec<String>> = vec![
                vec!["get".into(), KINDS.into(), "-A".into(), "-o".into(), "yaml".into()],
                vec!["get".into(), "events".into(), "-A".into()],
                vec!["graph".into(), "-o".into(), "svg".into(), "-A".into()],
                vec!["graph".into(), "-o".into(), "dot".into(), "-A".into()],
                vec!["dns".into(), "web.default".into(), "--namespace".into(), "default".into()],
                vec!["dns".into(), "_http._tcp.api.shop".into(), "--type".into(), "SRV".into()],
            ];
            for n in node_names(&ins) {
                c.push(vec!["iptables".into(), "--node".into(), n]);
            }
            c
        };
        for argv in &commands {
            let a: Vec<&str> = argv.iter().map(String::as_str).collect();
            let first = cli(&a, &ins);
            for _ in 0..2 {
                let again = cli(&a, &ins);
                assert_eq!(first, again, "seed {seed}: `{}` differs between runs", argv.join(" "));
            }
        }
        let mut files = SourceFiles::default();
        for i in &ins {
            files.add(i.name.clone(), i.text.clone());
        }
        let view = |f: &SourceFiles| serde_json::to_string(&netsim::view::analyze(f)).ok();
        let first = view(&files);
        assert!(first.is_some());
        assert_eq!(first, view(&files), "seed {seed}: view model JSON differs between runs");
    }
}

/// Masks what follows creation order in Kubernetes too (see
/// `order_dependent_outputs_are_exactly_these`): Pod IPs (10.244.x.y), the node a Pod was
/// scheduled to (`nodeName`, host IPs 172.18.0.n) and the endpoint chain names hashed from
/// endpoint IPs (`KUBE-SEP-…`). Lines are then sorted: which Pod holds which masked address
/// moves lines around, the multiset of lines must not change.
fn mask(s: &str) -> String {
    let mut lines: Vec<String> = s.lines().map(mask_line).collect();
    lines.sort();
    lines.join("\n")
}

fn mask_line(line: &str) -> String {
    let mut l = line.to_string();
    for (prefix, keep) in [("10.244.", 7), ("172.18.0.", 9)] {
        let mut out = String::with_capacity(l.len());
        let mut rest = l.as_str();
        while let Some(i) = rest.find(prefix) {
            out.push_str(&rest[..i + keep]);
            out.push('x');
            rest = &rest[i + keep..];
            let skip = rest.find(|c: char| !(c.is_ascii_digit() || c == '.')).unwrap_or(rest.len());
            rest = &rest[skip..];
        }
        out.push_str(rest);
        l = out;
    }
    for prefix in ["KUBE-SEP-", "node-"] {
        let mut out = String::with_capacity(l.len());
        let mut rest = l.as_str();
        while let Some(i) = rest.find(prefix) {
            out.push_str(&rest[..i + prefix.len()]);
            out.push('x');
            rest = &rest[i + prefix.len()..];
            let skip = rest.find(|c: char| !c.is_ascii_alphanumeric()).unwrap_or(rest.len());
            rest = &rest[skip..];
        }
        out.push_str(rest);
        l = out;
    }
    l
}

/// The first differing line with some context, for a readable failure.
fn first_difference(a: &str, b: &str) -> String {
    let (la, lb): (Vec<&str>, Vec<&str>) = (a.lines().collect(), b.lines().collect());
    let i = la.iter().zip(&lb).position(|(x, y)| x != y).unwrap_or(la.len().min(lb.len()));
    let from = i.saturating_sub(12);
    let show = |v: &[&str]| v[from.min(v.len())..(i + 3).min(v.len())].join("\n");
    format!("--- in order (line {})\n{}\n--- shuffled\n{}", i + 1, show(&la), show(&lb))
}

#[test]
fn document_and_file_order_do_not_change_the_cluster() {
    for seed in 0..12 {
        let docs = generate(seed);
        let base = cluster_state(&inputs(&docs, 1));
        let mut r = Rng(seed ^ 0xD1CE);
        for files in [1, 2, 3] {
            // A Namespace must precede the objects in it (kubectl applies in input order and
            // the API server refuses an object in a namespace that does not exist yet), so it
            // stays first in every file; everything else is shuffled.
            let (ns, mut shuffled): (Vec<String>, Vec<String>) =
                docs.iter().cloned().partition(|d| d.contains("kind: Namespace"));
            r.shuffle(&mut shuffled);
            let mut ins = inputs(&shuffled, files);
            for i in &mut ins {
                i.text = format!("---\n{}{}", ns.join("---\n"), i.text);
            }
            r.shuffle(&mut ins);
            let other = cluster_state(&ins);
            assert_eq!(base.len(), other.len());
            for ((what, a), (_, b)) in base.iter().zip(&other) {
                // Everything but which Pod got which IP is the same (see the next test).
                let (a, b) = (mask(a), mask(b));
                if a != b {
                    panic!(
                        "seed {seed}, {files} file(s): `{what}` depends on input order:\n{}",
                        first_difference(&a, &b)
                    );
                }
            }
        }
    }
}

/// What follows input order, as it follows creation order in Kubernetes:
/// - Pod IPs: the kubelet starts Pods in the order they are bound, and host-local IPAM hands out
///   the next free address of the node's podCIDR (containernetworking/plugins
///   plugins/ipam/host-local/backend/allocator/allocator.go: from `lastReservedIP` on). Two Pods
///   on one node swap addresses when their manifests swap;
/// - the node a Pod lands on: the scheduler takes Pods one at a time from its queue (creation
///   order at equal priority) and scores nodes by the Pods already placed
///   (pkg/scheduler/framework/plugins/noderesources, podtopologyspread), so the order changes
///   the spread. (A real scheduler also breaks score ties at random — `selectHost` — where the
///   simulator is deterministic.)
///
/// Everything derived moves with them: EndpointSlice addresses and nodeName, headless DNS
/// answers, the DNAT targets and KUBE-SEP chain names of the rules. Everything else (names,
/// UIDs, ClusterIPs, NodePorts, counts, ports, rule structure) is order-independent: the test
/// above checks it with exactly these masked.
#[test]
fn order_dependent_outputs_are_exactly_these() {
    let pod = |name: &str| {
        format!(
            "apiVersion: v1\nkind: Pod\nmetadata:\n  name: {name}\n  labels: {{app: a}}\nspec:\n  nodeName: node-0\n  containers:\n  - name: c\n    image: i\n"
        )
    };
    let node = |n: &str| format!("apiVersion: v1\nkind: Node\nmetadata:\n  name: {n}\n");
    let ab = inputs(&[node("node-0"), pod("a"), pod("b")], 1);
    let ba = inputs(&[node("node-0"), pod("b"), pod("a")], 1);
    let wide = |ins: &[Input]| cli(&["get", "pods", "-o", "wide"], ins).stdout;
    let (x, y) = (wide(&ab), wide(&ba));
    assert_ne!(x, y, "Pod IPs follow creation order");
    assert_eq!(mask(&x), mask(&y), "and nothing else changes");
    let ip = |out: &str, name: &str| {
        out.lines()
            .find(|l| l.starts_with(name))
            .and_then(|l| l.split_whitespace().nth(4).map(String::from))
    };
    assert_eq!(ip(&x, "a "), ip(&y, "b "), "the first Pod created gets the first address");

    // Scheduling: two unpinned single-replica Deployments on two nodes; swapping them swaps
    // their nodes.
    let deploy = |name: &str| {
        format!(
            "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: {name}\nspec:\n  replicas: 1\n  selector:\n    matchLabels: {{app: {name}}}\n  template:\n    metadata:\n      labels: {{app: {name}}}\n    spec:\n      containers:\n      - name: c\n        image: i\n"
        )
    };
    let nodes_of = |ins: &[Input]| {
        let out = cli(&["get", "pods", "-o", "wide"], ins).stdout;
        let node = |prefix: &str| {
            out.lines()
                .find(|l| l.starts_with(prefix))
                .and_then(|l| l.split_whitespace().nth(5).map(String::from))
        };
        (node("p-"), node("q-"))
    };
    let pq = nodes_of(&inputs(&[node("node-0"), node("node-1"), deploy("p"), deploy("q")], 1));
    let qp = nodes_of(&inputs(&[node("node-0"), node("node-1"), deploy("q"), deploy("p")], 1));
    assert!(pq.0.is_some() && pq.1.is_some() && pq.0 != pq.1, "{pq:?}");
    assert_eq!((pq.0, pq.1), (qp.1, qp.0), "the first Deployment gets the first node");
}

/// Share links: the same state gives the same link on every run, and generated states (several
/// files, requests, scenarios) come back unchanged.
#[test]
fn share_links_are_byte_identical_and_round_trip() {
    use netsim::share::{decode, encode, ShareState};
    for seed in 0..12 {
        let docs = generate(seed);
        let files: Vec<(String, String)> =
            inputs(&docs, 1 + (seed as usize % 3)).into_iter().map(|i| (i.name, i.text)).collect();
        let state = ShareState {
            files,
            view: ["topology", "requests", "iptables"][seed as usize % 3].to_string(),
            request: (seed % 2 == 0).then(|| ("pod/client-0".to_string(), "web:80".to_string())),
            scenario: (seed % 3 == 0).then(|| format!("scenario-{seed}")),
        };
        let link = encode(&state);
        assert_eq!(link, encode(&state.clone()), "seed {seed}: link differs between runs");
        assert_eq!(decode(&link), Ok(state), "seed {seed}: link does not round-trip");
    }
}
