//! The session answers every question from one build, in both proxy modes, with policies.

use super::*;
use crate::request::{HopKind, Options, Outcome};

const APP: &str = "
apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  replicas: 2
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers: [{name: web, image: nginx, ports: [{containerPort: 8080, name: http}]}]
---
apiVersion: v1
kind: Service
metadata: {name: web}
spec:
  selector: {app: web}
  ports: [{port: 80, targetPort: http}]
---
apiVersion: v1
kind: Pod
metadata: {name: client, labels: {role: client}}
spec:
  containers: [{name: c, image: busybox}]
";

fn ask(s: &Session, q: serde_json::Value) -> serde_json::Value {
    let q: Question = serde_json::from_value(q).unwrap_or_else(|e| panic!("{e}"));
    let text = s.ask(&q).unwrap_or_else(|e| panic!("{e}"));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{e}: {text}"))
}

#[test]
fn the_rules_follow_the_clusters_proxy_mode() {
    let ipt = Session::from_text("a.yaml", APP);
    let r = ipt.rules("kind-worker", None, Some("web")).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!((r.mode.as_str(), r.format), ("iptables", RuleFormat::Save));
    assert!(!r.highlight.is_empty());
    let err = ipt.rules("kind-worker", Some(RuleFormat::Dump), None).err();
    assert_eq!(err.map(|e| e.code), Some("wrong-proxy-mode".to_string()));

    let nft = Session::from_text(
        "a.yaml",
        &format!("apiVersion: kubeproxy.config.k8s.io/v1alpha1\nkind: KubeProxyConfiguration\nmode: nftables\n---{APP}"),
    );
    let r = nft.rules("kind-worker", None, Some("default/web")).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!((r.mode.as_str(), r.format), ("nftables", RuleFormat::Ruleset));
    // Every line naming the Service is marked; no line of another Service is.
    for (i, l) in r.text.lines().enumerate() {
        let marked = r.highlight.contains(&(i as u32));
        if l.contains("-default/web/") {
            assert!(marked, "{l}");
        }
        if l.contains("default/kubernetes") || l.contains("kube-system/kube-dns") {
            assert!(!marked, "{l}");
        }
    }
    // The same Service, connected through the nft rules text.
    let report = nft
        .request("pod/client", "http://web/", Options::default())
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(report.outcome, Outcome::Connected, "{}", report.text());
    assert!(report
        .hops
        .iter()
        .any(|h| h.kind == HopKind::Nat && h.text.contains("numgen random mod 2")));
    // And the other mode, for the page's comparison.
    let other = nft.rules_in_mode("kind-worker", crate::proxy::ProxyMode::Iptables, Some("web"));
    assert!(other.is_ok_and(|r| r.mode == "iptables" && r.text.contains("KUBE-SVC-")));
}

#[test]
fn a_policy_on_the_service_port_instead_of_the_target_port_drops_the_request() {
    let policy = "---\napiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: web-in}\nspec:\n  podSelector: {matchLabels: {app: web}}\n  ingress:\n  - from: [{podSelector: {matchLabels: {role: client}}}]\n    ports: [{port: 80}]\n";
    let s = Session::from_text("a.yaml", &format!("{APP}{policy}"));
    let r = s
        .request("pod/client", "http://web/", Options::default())
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(r.outcome, Outcome::Timeout, "{}", r.text());
    assert_eq!(r.policies.len(), 1);
    assert_eq!(r.policies[0].name, "default/web-in");
    assert!(r.reason.contains("default/web-in") && r.reason.contains("ingress"), "{}", r.reason);
    // The fix: the target port (by name or number) lets it in.
    let fixed =
        Session::from_text("a.yaml", &format!("{APP}{}", policy.replace("port: 80", "port: http")));
    let r = fixed
        .request("pod/client", "http://web/", Options::default())
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(r.outcome, Outcome::Connected, "{}", r.text());
    assert!(r.hops.iter().any(|h| h.kind == HopKind::Policy));
    // The overview, the inspector and the matrix answer about the same policy.
    let o = ask(&s, serde_json::json!({"ask": "policies"}));
    assert_eq!(o["policies"][0]["name"], "default/web-in");
    let i = ask(
        &s,
        serde_json::json!({"ask": "policy", "kind": "NetworkPolicy", "name": "default/web-in"}),
    );
    assert!(i.is_object());
    let m = ask(&s, serde_json::json!({"ask": "matrix", "port": "8080/TCP"}));
    assert!(m["denied"].as_u64().is_some_and(|d| d > 0), "{m}");
}

#[test]
fn default_deny_egress_makes_name_lookups_time_out() {
    let deny = "---\napiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: deny-egress}\nspec:\n  podSelector: {}\n  policyTypes: [Egress]\n";
    let s = Session::from_text("a.yaml", &format!("{APP}{deny}"));
    let r = s
        .request("pod/client", "http://web/", Options::default())
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(r.outcome, Outcome::Timeout);
    assert!(r.reason.contains("no servers could be reached"), "{}", r.reason);
    let l = s
        .dns("web", Some("client"), None, crate::dns::RecordType::A, false)
        .unwrap_or_else(|e| panic!("{e}"));
    assert!(matches!(l.result, crate::dns::WalkResult::TimedOut { .. }));
    assert!(l.text().contains(";; connection timed out; no servers could be reached"));
}

#[test]
fn details_come_from_the_core() {
    let s = Session::from_text("a.yaml", APP);
    let d = s.service_detail("web").unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(d.selector, vec!["app=web"]);
    assert_eq!(d.matches.iter().filter(|m| m.selected).count(), 2);
    assert_eq!(d.endpoints.len(), 2);
    let client = d.matches.iter().find(|m| m.pod.name == "client");
    assert!(client.is_some_and(|m| m.cells[0].text == "✗ no app"));
    let pod = s
        .objects()
        .pods
        .iter()
        .find(|p| p.meta.name.starts_with("web-"))
        .map(|p| p.meta.name.clone());
    let p = s.pod_detail(&pod.unwrap_or_default()).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(
        p.scalable.map(|w| (w.kind, w.name, w.replicas)),
        Some(("deployment".into(), "web".into(), 2))
    );
    assert_eq!(p.selected_by.len(), 1);
}

/// The DNS answer types are read back (by the page) from the JSON they write, every variant.
#[test]
fn dns_answers_round_trip_through_json() {
    use crate::dns::{Outcome as Q, QueryError as E, Rcode, Record, RecordType, WalkResult as W};
    let rec = Record { name: "a.".into(), rtype: RecordType::A, ttl: 5, data: "10.0.0.1".into() };
    let errors = [
        E::EmptyName,
        E::EmptyLabel { name: "a..b".into() },
        E::LabelTooLong { label: "x".into(), len: 64 },
        E::NameTooLong { len: 300 },
        E::NonAscii { name: "é".into() },
        E::BadCharacter { name: "a b".into() },
        E::UnknownType { name: "FOO".into() },
    ];
    for e in &errors {
        let back: E = serde_json::from_str(&serde_json::to_string(e).unwrap_or_default())
            .unwrap_or_else(|x| panic!("{e:?}: {x}"));
        assert_eq!(&back, e);
    }
    let outcomes = [
        Q::Answered,
        Q::Forwarded { upstream: "/etc/resolv.conf".into() },
        Q::OtherNameserver { nameserver: "8.8.8.8".into() },
        Q::Invalid { error: E::NameTooLong { len: 300 } },
    ];
    for o in &outcomes {
        let back: Q = serde_json::from_str(&serde_json::to_string(o).unwrap_or_default())
            .unwrap_or_else(|x| panic!("{o:?}: {x}"));
        assert_eq!(&back, o);
    }
    let results = [
        W::Resolved { name: "a.".into(), answers: vec![rec], upstream: vec!["x.example.".into()] },
        W::NotFound { rcode: Rcode::NxDomain, nodata: true },
        W::LeavesCluster { name: "b.".into(), upstream: "172.18.0.1".into() },
        W::Failed { rcode: Rcode::ServFail },
        W::InvalidName { error: E::EmptyName },
        W::NoNameserver,
        W::TimedOut { why: "dropped".into() },
    ];
    for w in &results {
        let back: W = serde_json::from_str(&serde_json::to_string(w).unwrap_or_default())
            .unwrap_or_else(|x| panic!("{w:?}: {x}"));
        assert_eq!(&back, w);
    }
}

/// Two zoned workers, a Pod on each, a Service that prefers its own zone.
const ZONED: &str = "
apiVersion: v1
kind: Node
metadata: {name: a1, labels: {topology.kubernetes.io/zone: zone-a}}
---
apiVersion: v1
kind: Node
metadata: {name: b1, labels: {topology.kubernetes.io/zone: zone-b}}
---
apiVersion: v1
kind: Pod
metadata: {name: web-a, labels: {app: web}}
spec:
  nodeName: a1
  containers: [{name: web, image: nginx, ports: [{containerPort: 80}]}]
---
apiVersion: v1
kind: Pod
metadata: {name: web-b, labels: {app: web}}
spec:
  nodeName: b1
  containers: [{name: web, image: nginx, ports: [{containerPort: 80}]}]
---
apiVersion: v1
kind: Service
metadata: {name: web}
spec:
  selector: {app: web}
  trafficDistribution: PreferSameZone
  ports: [{port: 80}]
";

#[test]
fn the_service_inspector_shows_each_endpoints_zone_and_hints() {
    let s = Session::from_text("a.yaml", ZONED);
    let d = s.service_detail("default/web").unwrap_or_else(|e| panic!("{e}"));
    let rows: Vec<(String, Option<String>, Vec<String>)> = d
        .endpoints
        .iter()
        .map(|e| {
            (
                e.pod.as_ref().map(|p| p.name.clone()).unwrap_or_default(),
                e.zone.clone(),
                e.for_zones.clone(),
            )
        })
        .collect();
    assert_eq!(
        rows,
        [
            ("web-a".to_string(), Some("zone-a".to_string()), vec!["zone-a".to_string()]),
            ("web-b".to_string(), Some("zone-b".to_string()), vec!["zone-b".to_string()]),
        ]
    );
    // Without zones, nothing is said (and the JSON has no keys for it).
    let plain = Session::from_text("a.yaml", APP);
    let d = plain.service_detail("default/web").unwrap_or_else(|e| panic!("{e}"));
    assert!(d.endpoints.iter().all(|e| e.zone.is_none() && e.for_zones.is_empty()));
    assert!(!serde_json::to_string(&d).unwrap_or_default().contains("forZones"));
}

#[test]
fn a_text_question_answers_what_the_terminal_shows() {
    let s = Session::from_text("a.yaml", APP);
    let text = |q: serde_json::Value| -> String {
        let a = ask(&s, serde_json::json!({"ask": "text", "question": q}));
        a.as_str().map(str::to_string).unwrap_or_else(|| panic!("not a string: {a}"))
    };
    let lookup = s
        .dns("web", Some("client"), None, crate::dns::RecordType::A, false)
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(
        text(serde_json::json!({"ask": "dns", "name": "web", "from": "client"})),
        lookup.text()
    );
    let rc = s.resolv_conf("client", None).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(text(serde_json::json!({"ask": "resolvConf", "pod": "client"})), rc.to_string());
    assert!(text(serde_json::json!({"ask": "resolvConf", "pod": "client"}))
        .contains("nameserver 10.96.0.10"));
    // A question without a text form says so.
    let q: Question =
        serde_json::from_value(serde_json::json!({"ask": "text", "question": {"ask": "policies"}}))
            .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(s.ask(&q).err().map(|e| e.code), Some("no-text".to_string()));
}

#[test]
fn the_topology_svg_is_the_drawn_topology_as_a_document() {
    let s = Session::from_text("a.yaml", APP);
    let svg = ask(&s, serde_json::json!({"ask": "topologySvg"}));
    let svg = svg.as_str().unwrap_or_else(|| panic!("not a JSON string: {svg}"));
    // The same document the core draws from the view model's topology, with the Deployment's
    // Pods, the Service and the client in it.
    assert_eq!(svg, crate::view::svg(&s.view().topology));
    assert!(svg.starts_with("<svg") && svg.trim_end().ends_with("</svg>"), "{svg:.80}");
    for name in ["web", "client"] {
        assert!(svg.contains(name), "{name} missing");
    }
}
