//! The scenario library (`static/scenarios/`): every scenario loads and builds without an
//! error-severity diagnostic, every suggested request gives the outcome its text promises, every
//! challenge starts unsolved and is solved by its reference fix, and the library covers every
//! lesson point and classic mistake of `docs/product.md`.

use std::collections::BTreeSet;

use netsim::diagnostic::Severity;
use netsim::scenario::{check_challenge, check_requests, parse_index, Index};
use netsim::session::Session;

const DIR: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../static/scenarios");

fn index() -> Index {
    let path = format!("{DIR}/index.json");
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    parse_index(&text).unwrap_or_else(|e| panic!("{e}"))
}

fn read(file: &str) -> String {
    let path = format!("{DIR}/{file}");
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

fn simulate(file: &str, text: &str) -> Session {
    Session::from_text(file, text)
}

#[test]
fn every_scenario_builds_without_errors() {
    let idx = index();
    assert!(idx.scenarios.len() >= 20, "{} scenarios", idx.scenarios.len());
    for s in &idx.scenarios {
        let sim = simulate(&s.file, &read(&s.file));
        let errors: Vec<String> = sim
            .diagnostics()
            .iter()
            .filter(|d| d.severity == Severity::Error)
            .map(|d| format!("{}: {}", d.code, d.message))
            .collect();
        assert!(errors.is_empty(), "scenario {}: {errors:?}", s.name);
        assert!(!s.explanation.is_empty() && !s.title.is_empty() && !s.lesson.is_empty());
        assert!((2..=4).contains(&s.try_this.len()), "scenario {}: tryThis", s.name);
        assert!(!s.requests.is_empty(), "scenario {}: no suggested request", s.name);
    }
}

#[test]
fn suggested_requests_give_the_promised_outcome() {
    let mut checked = 0;
    for s in &index().scenarios {
        let sim = simulate(&s.file, &read(&s.file));
        for st in check_requests(s, sim.outcome()) {
            assert!(
                st.ok(),
                "scenario {}: {} → {} promised {}, got {:?} {:?}",
                s.name,
                st.from,
                st.target,
                st.expect,
                st.actual,
                st.error
            );
            checked += 1;
        }
    }
    assert!(checked >= 50, "{checked} requests");
}

/// The reference fix of each challenge, as text replacements of its manifest.
fn solution(name: &str) -> Vec<(&'static str, &'static str)> {
    match name {
        "challenge-fix-the-shop" => vec![("app: shopp", "app: shop"), ("targetPort: 80", "targetPort: http")],
        "challenge-cross-namespace" => vec![(
            "apiVersion: v1\nkind: Pod\nmetadata:\n  name: frontend",
            "apiVersion: v1\nkind: Service\nmetadata:\n  name: redis-master\n  namespace: shop\nspec:\n  type: ExternalName\n  externalName: redis-master.cache.svc.cluster.local\n---\napiVersion: v1\nkind: Pod\nmetadata:\n  name: frontend",
        )],
        "challenge-expose-only-web" => vec![
            ("  externalTrafficPolicy: Local\n", ""),
            ("  type: NodePort\n  selector:\n    app: admin", "  selector:\n    app: admin"),
            ("    nodePort: 30090\n", ""),
        ],
        "challenge-allow-dns-egress" => vec![(
            "---\napiVersion: v1\nkind: Pod\nmetadata:\n  name: web",
            "---\napiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata:\n  name: allow-dns\nspec:\n  podSelector: {}\n  policyTypes:\n  - Egress\n  egress:\n  - to:\n    - namespaceSelector:\n        matchLabels:\n          kubernetes.io/metadata.name: kube-system\n      podSelector:\n        matchLabels:\n          k8s-app: kube-dns\n    ports:\n    - protocol: UDP\n      port: 53\n    - protocol: TCP\n      port: 53\n---\napiVersion: v1\nkind: Pod\nmetadata:\n  name: web",
        )],
        // One peer with both selectors (AND) instead of two peers (OR).
        "challenge-and-or-selector" => vec![(
            "          kubernetes.io/metadata.name: ops\n    - podSelector:",
            "          kubernetes.io/metadata.name: ops\n      podSelector:",
        )],
        // The target port, not the Service port.
        "challenge-policy-target-port" => {
            vec![("    - protocol: TCP\n      port: 80\n", "    - protocol: TCP\n      port: 8080\n")]
        }
        _ => vec![],
    }
}

#[test]
fn challenges_start_broken_and_the_reference_fix_solves_them() {
    let idx = index();
    let challenges: Vec<_> =
        idx.scenarios.iter().filter_map(|s| s.challenge.as_ref().map(|c| (s, c))).collect();
    assert!((2..=8).contains(&challenges.len()), "{} challenges", challenges.len());
    for (s, c) in challenges {
        let text = read(&s.file);
        let st = check_challenge(c, simulate(&s.file, &text).outcome());
        assert!(!st.solved, "challenge {} is solved before any edit", s.name);
        let fix = solution(&s.name);
        assert!(!fix.is_empty(), "challenge {} has no reference fix in this test", s.name);
        let mut fixed = text.clone();
        for (from, to) in fix {
            assert!(fixed.contains(from), "challenge {}: {from:?} not in the manifest", s.name);
            fixed = fixed.replacen(from, to, 1);
        }
        let sim = simulate(&s.file, &fixed);
        assert_eq!(sim.errors(), 0, "challenge {}: the fix has errors", s.name);
        let st = check_challenge(c, sim.outcome());
        assert!(st.solved, "challenge {}: {:?}", s.name, st.first_failing());
    }
}

#[test]
fn the_library_covers_every_lesson_and_classic_mistake() {
    let idx = index();
    let names: BTreeSet<&str> = idx.scenarios.iter().map(|s| s.name.as_str()).collect();
    for required in [
        "default",
        // The lesson points of docs/product.md.
        "container-to-container",
        "pod-to-pod",
        "pod-to-service",
        "external-to-service",
        "pods-are-not-reliable",
        "dns-namespaces",
        "service-types",
        "loadbalancer-pending",
        "externalname-database",
        "kube-proxy-rules",
        "labels-loose-coupling",
        // The classic mistakes.
        "mistake-selector-mismatch",
        "mistake-wrong-target-port",
        "mistake-named-port-missing",
        "mistake-pod-not-ready",
        "mistake-wrong-namespace",
        "mistake-headless-surprise",
        "mistake-externalname-host-header",
        "mistake-etp-local",
        // Wave 2: kube-proxy's nftables mode and zones (issue 17).
        "nftables-same-service",
        "zones-prefer-same-zone",
        // Wave 2: NetworkPolicy in the trace (issue 18).
        "policy-default-deny",
        "challenge-allow-dns-egress",
        "policy-namespace-isolation",
        "challenge-and-or-selector",
        "challenge-policy-target-port",
        "policy-cluster-tiers",
    ] {
        assert!(names.contains(required), "no scenario {required}");
    }
    // Every manifest in the folder is listed, and every listed file exists.
    let files: BTreeSet<String> = idx.scenarios.iter().map(|s| s.file.clone()).collect();
    let on_disk: BTreeSet<String> = std::fs::read_dir(DIR)
        .unwrap_or_else(|e| panic!("{DIR}: {e}"))
        .filter_map(|e| e.ok()?.file_name().into_string().ok())
        .filter(|n| n.ends_with(".yaml"))
        .collect();
    assert_eq!(files, on_disk);
    assert_eq!(idx.default, "default");
}

#[test]
fn the_default_scenario_link_is_under_2000_characters() {
    let state = netsim::share::ShareState {
        files: vec![("default.yaml".into(), read("default.yaml"))],
        view: "topology".into(),
        request: Some(("pod/client".into(), "http://web/".into())),
        scenario: Some("default".into()),
    };
    let link = format!("https://example.github.io/kube-netsim/{}", netsim::share::fragment(&state));
    assert!(link.len() < 2000, "{} characters", link.len());
    assert_eq!(netsim::share::decode(&link), Ok(state));
}
