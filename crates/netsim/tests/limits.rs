//! Every documented bound of the core (ARCHITECTURE.md, "Limits"): hitting it gives a diagnostic
//! with a stable code that says what was cut and why, and it stays fast. The time bounds are
//! generous for a debug build on a shared machine (the page budget of 100 ms is for the release
//! wasm build; see `examples/bench_limits.rs` for release figures).
// Native only: drives the CLI library, which is a native dev-dependency.
#![cfg(not(target_arch = "wasm32"))]

use std::fmt::Write;
use std::time::{Duration, Instant};

use netsim::diagnostic::{Diagnostic, Severity, SourceFiles};

/// Debug build, 2 shared cores: a bound that catches runaway work, not a benchmark.
const BUDGET: Duration = Duration::from_secs(2);

/// The tests here run one at a time, so their timings do not include each other's work.
static SERIAL: std::sync::Mutex<()> = std::sync::Mutex::new(());

fn serial() -> std::sync::MutexGuard<'static, ()> {
    SERIAL.lock().unwrap_or_else(|e| e.into_inner())
}

struct Run {
    diagnostics: Vec<Diagnostic>,
    rendered: String,
    cluster: netsim::cluster::Cluster,
    elapsed: Duration,
}

/// load + build + view analysis, timed.
fn simulate(text: &str) -> Run {
    let mut files = SourceFiles::default();
    files.add("limits.yaml", text);
    let start = Instant::now();
    let loaded = netsim::manifest::load(&files);
    let cluster = netsim::cluster::build(&loaded.objects);
    let analysis = netsim::view::analyze(&files);
    let elapsed = start.elapsed();
    std::hint::black_box(&analysis);
    let mut diagnostics = loaded.diagnostics;
    diagnostics.extend(cluster.diagnostics.iter().cloned());
    let rendered = diagnostics.iter().map(|d| files.render(d)).collect::<Vec<_>>().join("\n");
    Run { diagnostics, rendered, cluster, elapsed }
}

/// load + cluster build of every object read, timed (the cluster-size limits).
fn build_timed(name: &str, text: String) -> (SourceFiles, netsim::cluster::Cluster, Duration) {
    let mut files = SourceFiles::default();
    files.add(name, text);
    let start = Instant::now();
    let loaded = netsim::manifest::load(&files);
    let cluster = netsim::cluster::build(&loaded.objects);
    (files, cluster, start.elapsed())
}

fn find<'a>(run: &'a Run, code: &str) -> &'a Diagnostic {
    match run.diagnostics.iter().find(|d| d.code == code) {
        Some(d) => d,
        None => panic!("no `{code}` diagnostic; got:\n{}", run.rendered),
    }
}

fn assert_fast(run: &Run, what: &str) {
    assert!(run.elapsed < BUDGET, "{what} took {:?} (budget {BUDGET:?})", run.elapsed);
}

fn service(i: usize) -> String {
    format!(
        "---\napiVersion: v1\nkind: Service\nmetadata:\n  name: s{i}\nspec:\n  selector:\n    app: a{i}\n  ports:\n  - port: 80\n"
    )
}

#[test]
fn input_over_10_mb_is_refused_with_its_size() {
    let _serial = serial();
    let mut text =
        String::from("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: big\ndata:\n  x: ");
    text.push_str(&"a".repeat(10 * 1024 * 1024));
    let run = simulate(&text);
    let d = find(&run, "input-too-large");
    assert_eq!(d.severity, Severity::Error);
    assert!(d.message.contains("10 MB"), "{}", d.message);
    assert!(d.message.contains(&text.len().to_string()), "{}", d.message);
    assert!(!d.hints.is_empty());
    assert_fast(&run, "10 MB input");
}

#[test]
fn document_count_is_bounded() {
    let _serial = serial();
    let limit = netsim::syntax::limits::MAX_DOCUMENTS;
    let text = "---\n{}\n".repeat(limit + 5);
    let run = simulate(&text);
    let d = find(&run, "too-many-documents");
    assert!(d.message.contains(&limit.to_string()), "{}", d.message);
    // 100,000 documents are really read (load runs twice here, once inside analyze): a larger
    // bound than the cut-at-once cases; release takes under a second (bench_limits).
    assert!(run.elapsed < Duration::from_secs(20), "100k documents took {:?}", run.elapsed);
}

#[test]
fn flow_nesting_depth_is_bounded() {
    let _serial = serial();
    let text = format!("a: {}{}\n", "[".repeat(10_000), "]".repeat(10_000));
    let run = simulate(&text);
    let d = find(&run, "yaml-too-deep");
    assert!(d.message.contains("100"), "{}", d.message);
    assert_fast(&run, "deep flow nesting");
}

#[test]
fn block_nesting_depth_is_bounded() {
    let _serial = serial();
    let mut text = String::new();
    for i in 0..1_000 {
        let _ = writeln!(text, "{}k{i}:", " ".repeat(i));
    }
    let run = simulate(&text);
    find(&run, "yaml-too-deep");
    assert_fast(&run, "deep block nesting");
}

#[test]
fn billion_laughs_is_stopped() {
    let _serial = serial();
    let mut text = String::from("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: lol\ndata:\n  a0: &a0 [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n");
    for i in 1..10 {
        let p = i - 1;
        let _ =
            writeln!(text, "  a{i}: &a{i} [*a{p},*a{p},*a{p},*a{p},*a{p},*a{p},*a{p},*a{p},*a{p}]");
    }
    let run = simulate(&text);
    let d = find(&run, "yaml-alias-limit");
    assert!(d.hints.iter().any(|h| h.contains("billion laughs")), "{:?}", d.hints);
    assert_fast(&run, "billion laughs");
}

#[test]
fn long_strings_are_bounded() {
    let _serial = serial();
    let text = format!(
        "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\n  annotations:\n    a: \"{}\"\nspec:\n  containers:\n  - name: c\n    image: i\n",
        "x".repeat(2 * 1024 * 1024)
    );
    let run = simulate(&text);
    let d = find(&run, "yaml-scalar-too-long");
    assert!(d.message.contains(&netsim::syntax::limits::MAX_SCALAR_BYTES.to_string()));
    assert_fast(&run, "long scalar");
}

#[test]
fn long_names_get_the_api_server_message_and_stay_fast() {
    let _serial = serial();
    let name = "a".repeat(100_000);
    // YAML caps implicit keys at 1024 characters, so the label key is shorter.
    let key = "k".repeat(1000);
    let text = format!(
        "apiVersion: v1\nkind: Service\nmetadata:\n  name: {name}\n  labels:\n    {key}: {name}\nspec:\n  ports:\n  - port: 80\n"
    );
    let run = simulate(&text);
    // metadata.name: "must be no more than 63 characters" (DNS-1035 label).
    assert!(
        run.diagnostics.iter().any(|d| d.severity == Severity::Error && d.message.contains("63")),
        "{}",
        run.rendered
    );
    assert_fast(&run, "long names");
}

#[test]
fn replicas_of_a_billion_create_nothing_and_say_why() {
    let _serial = serial();
    let text = "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: huge\nspec:\n  replicas: 1000000000\n  selector:\n    matchLabels: {app: huge}\n  template:\n    metadata:\n      labels: {app: huge}\n    spec:\n      containers:\n      - name: c\n        image: i\n";
    let run = simulate(text);
    let d = find(&run, "too-many-replicas");
    assert!(d.message.contains("1000000000"), "{}", d.message);
    assert!(d.message.contains(&netsim::cluster::MAX_REPLICAS.to_string()));
    assert!(!run.cluster.objects.pods.iter().any(|p| p.meta.name.starts_with("huge")));
    assert_fast(&run, "replicas 1e9");
}

#[test]
fn replicas_beyond_i32_are_a_validation_error() {
    let _serial = serial();
    let text = "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: huge\nspec:\n  replicas: 99999999999999999999\n  selector:\n    matchLabels: {app: huge}\n  template:\n    metadata:\n      labels: {app: huge}\n    spec:\n      containers:\n      - name: c\n        image: i\n";
    let run = simulate(text);
    assert!(run.diagnostics.iter().any(|d| d.severity == Severity::Error), "{}", run.rendered);
    assert_fast(&run, "replicas overflow");
}

#[test]
fn cluster_pod_total_is_bounded() {
    let _serial = serial();
    // Six workloads of 10,000: the sixth would pass MAX_PODS.
    let mut text = String::new();
    for i in 0..6 {
        let _ = write!(
            text,
            "---\napiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: d{i}\nspec:\n  replicas: 10000\n  selector:\n    matchLabels: {{app: d{i}}}\n  template:\n    metadata:\n      labels: {{app: d{i}}}\n    spec:\n      containers:\n      - name: c\n        image: i\n"
        );
    }
    let (_, cluster, elapsed) = build_timed("pods.yaml", text);
    assert!(cluster.diagnostics.iter().any(|d| d.code == "too-many-pods"));
    assert!(cluster.objects.pods.len() <= netsim::cluster::MAX_PODS);
    // 50,000 Pods really are built here: a larger budget than the cut-only cases.
    assert!(elapsed < Duration::from_secs(30), "50k Pods took {elapsed:?}");
}

#[test]
fn input_pods_beyond_the_total_are_left_out_and_coredns_still_runs() {
    let _serial = serial();
    let n = netsim::cluster::MAX_PODS + 3;
    let mut text = String::new();
    for i in 0..n {
        let _ = writeln!(
            text,
            "---\n{{apiVersion: v1, kind: Pod, metadata: {{name: p{i}}}, spec: {{containers: [{{name: c, image: i}}]}}}}"
        );
    }
    let (files, cluster, elapsed) = build_timed("pods.yaml", text);
    let d: Vec<_> = cluster.diagnostics.iter().filter(|d| d.code == "too-many-pods").collect();
    assert_eq!(d.len(), 1, "one diagnostic for the cut, not one per Pod");
    let max = netsim::cluster::MAX_PODS;
    assert_eq!(
        d[0].message,
        format!("the input has {n} Pods; the simulator runs at most {max}: Pod \"p{max}\" and the 2 after it are left out")
    );
    // On the first Pod left out (document number MAX_PODS + 1, two lines each).
    assert_eq!(
        files
            .line_index(d[0].span.file)
            .map(|i| i.line_col(files.text(d[0].span.file), d[0].span.range.start).line),
        u32::try_from(2 * max + 2).ok()
    );
    // The cluster's own CoreDNS Pods still run, on top of the input's first MAX_PODS.
    let coredns = cluster.objects.pods.iter().filter(|p| p.meta.namespace == "kube-system").count();
    assert_eq!(coredns, 2);
    assert_eq!(cluster.objects.pods.len(), max + 2);
    assert!(cluster.objects.pods.iter().all(|p| p.meta.name != format!("p{max}")));
    assert!(elapsed < Duration::from_secs(30), "50k Pods took {elapsed:?}");
}

#[test]
fn daemonset_on_too_many_nodes_says_where_it_stopped() {
    let _serial = serial();
    let mut text = String::new();
    let nodes = netsim::cluster::MAX_PODS / 10 + 1;
    for i in 0..nodes {
        let _ = write!(text, "---\napiVersion: v1\nkind: Node\nmetadata:\n  name: n{i}\n");
    }
    for i in 0..10 {
        let _ = write!(
            text,
            "---\napiVersion: apps/v1\nkind: DaemonSet\nmetadata:\n  name: ds{i}\nspec:\n  selector:\n    matchLabels: {{app: ds{i}}}\n  template:\n    metadata:\n      labels: {{app: ds{i}}}\n    spec:\n      containers:\n      - name: c\n        image: i\n"
        );
    }
    let (_, cluster, elapsed) = build_timed("ds.yaml", text);
    assert!(elapsed < Duration::from_secs(30), "5,001 nodes x 10 DaemonSets took {elapsed:?}");
    assert!(cluster.objects.pods.len() <= netsim::cluster::MAX_PODS);
    assert!(
        cluster.diagnostics.iter().any(|d| d.code == "too-many-pods"),
        "a DaemonSet cut at the Pod limit must say so"
    );
}

#[test]
fn many_services_stay_fast() {
    let _serial = serial();
    // 5,000 Services (about 0.5 MB of YAML): ClusterIP allocation and the view stay quick.
    let text: String = (0..5_000).map(service).collect();
    let run = simulate(&text);
    assert_eq!(
        run.cluster.objects.services.iter().filter(|s| s.meta.name.starts_with('s')).count(),
        5_000
    );
    assert!(run.cluster.objects.services.iter().all(|s| !s.spec.cluster_ips.is_empty()
        || s.spec.headless
        || s.spec.type_ == netsim::model::ServiceType::ExternalName));
    // Load runs twice (once inside analyze).
    assert!(run.elapsed < Duration::from_secs(20), "5k Services took {:?}", run.elapsed);
}

fn assert_fast_secs(d: Duration, what: &str) {
    assert!(d < BUDGET, "{what} took {d:?} (budget {BUDGET:?})");
}

#[test]
fn policies_are_bounded_and_the_matrix_stays_fast() {
    let _g = serial();
    // MAX_POLICIES + 10 NetworkPolicies over 2,000 Pods: the rest are counted and reported, and
    // indexing plus a 200 × 200 matrix stay within the budget.
    let extra = 10;
    let mut text =
        netsim::testgen::generate_policies(2_000, 20, netsim::policy::MAX_POLICIES + extra, 20);
    text.push('\n');
    let (_files, cluster, _) = build_timed("policies.yaml", text);
    let start = Instant::now();
    let set = netsim::policy::PolicySet::new(&cluster.objects);
    let keys: Vec<String> = cluster
        .objects
        .pods
        .iter()
        .filter(|p| p.meta.name.starts_with("pod-"))
        .take(200)
        .map(|p| format!("{}/{}", p.meta.namespace, p.meta.name))
        .collect();
    let keys: Vec<&str> = keys.iter().map(String::as_str).collect();
    let m = set.matrix(&keys, None);
    assert_fast_secs(start.elapsed(), "policy index + 200x200 matrix");
    assert_eq!(m.pods.len(), 200);
    assert_eq!(set.omitted, extra);
    let d = set.diagnostics();
    assert_eq!(d.len(), 1);
    assert_eq!(d[0].code, "too-many-policies");
    assert_eq!(d[0].severity, Severity::Error);
}
