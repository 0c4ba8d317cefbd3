//! Unit tests: the request trace and the checklist over clusters built by the real pipeline
//! (manifest::load → cluster::build).

use super::*;
use crate::cluster::{build, Cluster};
use crate::diagnostic::SourceFiles;

fn cluster(yaml: &str) -> Cluster {
    let mut files = SourceFiles::default();
    files.add("t.yaml", yaml);
    let loaded = crate::manifest::load(&files);
    build(&loaded.objects)
}

fn send(c: &Cluster, from: &str, to: &str) -> Report {
    let net = Network::new(&c.objects, &c.settings);
    let from = parse_source(from).unwrap_or(Source::External);
    let to = match parse_target(to) {
        Ok(t) => t,
        Err(e) => panic!("{e}"),
    };
    match net.request(&from, &to, &Options::default()) {
        Ok(r) => r,
        Err(e) => panic!("{e}"),
    }
}

const SHOP: &str = "
apiVersion: v1
kind: Namespace
metadata: {name: shop}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: shop}
spec:
  replicas: 3
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers:
      - name: web
        image: nginx
        ports: [{containerPort: 8080, name: http}]
---
apiVersion: v1
kind: Service
metadata: {name: web, namespace: shop}
spec:
  selector: {app: web}
  ports: [{port: 80, targetPort: http}]
---
apiVersion: v1
kind: Pod
metadata: {name: client, namespace: shop}
spec:
  containers: [{name: c, image: busybox}]
---
apiVersion: v1
kind: Pod
metadata: {name: other, namespace: default}
spec:
  containers: [{name: c, image: busybox}]
";

#[test]
fn pod_to_service_by_name_connects() {
    let c = cluster(SHOP);
    let r = send(&c, "pod/shop/client", "http://web/");
    assert_eq!(r.outcome, Outcome::Connected, "{r:#?}");
    assert!(r.hops.iter().any(|h| h.kind == "dns" && h.text.contains("DNAT")), "{r:#?}");
    assert!(r.hops.iter().any(|h| h.kind == "nat" && h.text.contains("KUBE-SEP-")), "{r:#?}");
    let ep = r.endpoint.unwrap_or_else(|| panic!("endpoint"));
    assert_eq!(ep.port, 8080);
    assert_eq!(ep.container.as_deref(), Some("web"));
}

#[test]
fn short_name_from_other_namespace_is_nxdomain() {
    let c = cluster(SHOP);
    let r = send(&c, "pod/other", "web:80");
    assert_eq!(r.outcome, Outcome::NxDomain);
    assert!(r.fix.contains("web.shop"), "{}", r.fix);
    assert_eq!(send(&c, "pod/other", "web.shop:80").outcome, Outcome::Connected);
}

#[test]
fn undeclared_service_port_times_out() {
    let c = cluster(SHOP);
    let r = send(&c, "pod/shop/client", "web:8080");
    assert_eq!(r.outcome, Outcome::Timeout, "{r:#?}");
}

#[test]
fn count_spreads_and_affinity_pins() {
    let c = cluster(SHOP);
    let net = Network::new(&c.objects, &c.settings);
    let from = parse_source("pod/shop/client").unwrap_or(Source::External);
    let to = parse_target("web.shop:80").unwrap_or_else(|e| panic!("{e}"));
    let r =
        net.request(&from, &to, &Options { count: 300, seed: 7 }).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(r.distribution.len(), 3);
    assert!(r.distribution.iter().all(|d| d.count > 50), "{:?}", r.distribution);
    let total: f64 = r.distribution.iter().map(|d| d.probability).sum();
    assert!((total - 1.0).abs() < 1e-6);
    let aff = SHOP.replace(
        "  ports: [{port: 80, targetPort: http}]",
        "  sessionAffinity: ClientIP\n  ports: [{port: 80, targetPort: http}]",
    );
    let c = cluster(&aff);
    let net = Network::new(&c.objects, &c.settings);
    let r =
        net.request(&from, &to, &Options { count: 50, seed: 7 }).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(r.distribution.iter().filter(|d| d.count > 0).count(), 1, "{:?}", r.distribution);
}

#[test]
fn bad_requests_are_errors() {
    let c = cluster(SHOP);
    let net = Network::new(&c.objects, &c.settings);
    let to = parse_target("web:80").unwrap_or_else(|e| panic!("{e}"));
    let err = |s: &str| {
        net.request(&parse_source(s).unwrap_or(Source::External), &to, &Options::default())
            .err()
            .map(|e| e.code)
    };
    assert_eq!(err("pod/nope"), Some("unknown-pod"));
    assert_eq!(err("pod/shop/client:nope"), Some("unknown-container"));
    assert_eq!(err("node/nope"), Some("unknown-node"));
}

#[test]
fn explain_selector_near_miss() {
    let c =
        cluster(&SHOP.replace("selector: {app: web}\n  ports", "selector: {app: Web}\n  ports"));
    let net = Network::new(&c.objects, &c.settings);
    let e = explain(&net, "shop", "web");
    let sel = e.checks.iter().find(|c| c.id == "selector").unwrap_or_else(|| panic!("row"));
    assert_eq!(sel.mark, Mark::Fail);
    assert!(sel.evidence.iter().any(|l| l.contains("near miss")), "{sel:#?}");
    let r = send(&c, "pod/shop/client", "web:80");
    assert_eq!(r.outcome, Outcome::Refused, "{r:#?}");
}
