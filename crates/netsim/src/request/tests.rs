//! Unit tests: the request trace and the checklist over clusters built by the real pipeline
//! (manifest::load → cluster::build).

use super::*;
use crate::session::Session;

fn cluster(yaml: &str) -> Session {
    Session::from_text("t.yaml", yaml)
}

fn send(c: &Session, from: &str, to: &str) -> Report {
    let net = c.network();
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
    assert!(r.hops.iter().any(|h| h.kind == HopKind::Dns && h.text.contains("DNAT")), "{r:#?}");
    assert!(
        r.hops.iter().any(|h| h.kind == HopKind::Nat && h.text.contains("KUBE-SEP-")),
        "{r:#?}"
    );
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
    let net = c.network();
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
    let net = c.network();
    let r =
        net.request(&from, &to, &Options { count: 50, seed: 7 }).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(r.distribution.iter().filter(|d| d.count > 0).count(), 1, "{:?}", r.distribution);
}

#[test]
fn bad_requests_are_errors() {
    let c = cluster(SHOP);
    let net = c.network();
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
    let net = c.network();
    let e = explain(&net, "shop", "web");
    let sel = e.checks.iter().find(|c| c.id == "selector").unwrap_or_else(|| panic!("row"));
    assert_eq!(sel.mark, Mark::Fail);
    assert!(sel.evidence.iter().any(|l| l.contains("near miss")), "{sel:#?}");
    let r = send(&c, "pod/shop/client", "web:80");
    assert_eq!(r.outcome, Outcome::Refused, "{r:#?}");
}

#[test]
fn never_panics_on_odd_requests() {
    let c = cluster(SHOP);
    let net = c.network();
    let sources = [
        "pod/shop/client",
        "pod/shop/client:client",
        "node/kind-worker",
        "external",
        "pod/default/other",
    ];
    let targets = [
        "web:80",
        "web.shop:80",
        "[fd00::1]:80",
        "[::1]:80",
        "http://[fd00::5]/",
        "0.0.0.0:1",
        "255.255.255.255:65535",
        "10.96.0.10:53",
        "10.96.0.1:443",
        "172.18.0.2:30000",
        "127.0.0.1:30000",
        "localhost:1",
        "a.b.c.d.e.f.g:80",
        "-web:80",
        "web.:80",
        ".web:80",
        "web..shop:80",
        "x.svc.cluster.local:80",
        "kube-dns.kube-system:53",
        "https://web.shop",
        "http://web.shop:8080/x#y",
        "UPPER.Shop:80",
        &format!("{}:80", "a".repeat(300)),
    ];
    for s in sources {
        for t in targets {
            let (Ok(from), Ok(to)) = (parse_source(s), parse_target(t)) else { continue };
            for count in [1, 5] {
                let r = net.request(&from, &to, &Options { count, seed: 1 });
                if let Ok(r) = r {
                    assert!(!r.reason.is_empty(), "{s} → {t}");
                    assert!(!r.hops.is_empty(), "{s} → {t}");
                }
            }
        }
    }
    for bad in [
        "",
        ":",
        ":80",
        "http://:80/",
        "[]:80",
        "[::1",
        "web:-1",
        "web:+80",
        "web:８０",
        "héllo:80",
        "http://web:/",
    ] {
        assert!(parse_target(bad).is_err(), "{bad}");
    }
}

#[test]
fn pending_pod_cannot_send() {
    let y = format!("{SHOP}---\napiVersion: v1\nkind: Pod\nmetadata: {{name: stuck, namespace: shop}}\nspec:\n  nodeSelector: {{disk: ssd}}\n  containers: [{{name: c, image: busybox}}]\n");
    let c = cluster(&y);
    let net = c.network();
    let to = parse_target("web:80").unwrap_or_else(|e| panic!("{e}"));
    let from = parse_source("pod/shop/stuck").unwrap_or(Source::External);
    assert_eq!(
        net.request(&from, &to, &Options::default()).err().map(|e| e.code),
        Some("pod-has-no-ip")
    );
}

#[test]
fn explain_rows_for_a_healthy_service_all_pass() {
    let c = cluster(SHOP);
    let net = c.network();
    let e = explain(&net, "shop", "web");
    let ids: Vec<&str> = e.checks.iter().map(|c| c.id.as_str()).collect();
    assert_eq!(
        ids,
        ["service-exists", "selector", "target-port", "readiness", "endpoints", "dns", "rules"]
    );
    assert!(e.checks.iter().all(|c| c.mark == Mark::Pass), "{e:#?}");
    let missing = explain(&net, "default", "web");
    assert_eq!(missing.checks.len(), 1);
    assert_eq!(missing.checks[0].mark, Mark::Fail);
    assert!(missing.checks[0].fix.contains("-n shop"));
}

#[test]
fn egress_policy_judges_node_addresses_and_the_api_server() {
    // client (kind-worker) isolated for egress: the API server behind default/kubernetes and
    // another node's address are node addresses, dropped unless an ipBlock allows them; the
    // Pod's own node is always allowed ("traffic to and from the node where a Pod is running
    // is always allowed").
    let deny = "---\napiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: deny-egress, namespace: shop}\nspec:\n  podSelector: {}\n  policyTypes: [Egress]\n";
    let y = format!("{SHOP}{deny}").replace(
        "metadata: {name: client, namespace: shop}\nspec:\n",
        "metadata: {name: client, namespace: shop}\nspec:\n  nodeName: kind-worker\n",
    );
    let c = cluster(&y);
    for to in ["10.96.0.1:443", "172.18.0.2:6443", "172.18.0.4:10250"] {
        let r = send(&c, "pod/shop/client", to);
        assert_eq!(r.outcome, Outcome::Timeout, "{to}: {}", r.text());
        assert!(
            r.reason.contains("shop/deny-egress") && r.reason.contains("egress"),
            "{}",
            r.reason
        );
        assert!(r.hops.iter().any(|h| h.kind == HopKind::Policy), "{}", r.text());
    }
    // The Pod's own node: allowed, then refused by the node (nothing listens there).
    let r = send(&c, "pod/shop/client", "172.18.0.3:10250");
    assert_eq!(r.outcome, Outcome::Refused, "{}", r.text());
    // An ipBlock for the control-plane node lets the API server in again.
    let allow = "---\napiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: api, namespace: shop}\nspec:\n  podSelector: {}\n  policyTypes: [Egress]\n  egress:\n  - to: [{ipBlock: {cidr: 172.18.0.2/32}}]\n    ports: [{port: 6443}]\n";
    let c = cluster(&format!("{y}{allow}"));
    let r = send(&c, "pod/shop/client", "10.96.0.1:443");
    assert_eq!(r.outcome, Outcome::Connected, "{}", r.text());
}

#[test]
fn nftables_rejects_an_undefined_clusterip_port_and_says_so() {
    // KEP-3866 "Behavior of service IPs": cluster-ips-check rejects traffic to active
    // ClusterIPs on ports no Service port defines; the Service has endpoints all along.
    let nft = "apiVersion: kubeproxy.config.k8s.io/v1alpha1\nkind: KubeProxyConfiguration\nmode: nftables\n---\n";
    let c = cluster(&format!("{nft}{SHOP}"));
    let ip =
        c.objects().services.iter().find(|s| s.meta.name == "web").map(|s| s.spec.cluster_ips[0]);
    let r = send(&c, "pod/shop/client", &format!("{}:81", ip.unwrap_or_else(|| panic!("web"))));
    assert_eq!(r.outcome, Outcome::Refused, "{}", r.text());
    assert!(r.reason.contains("does not declare port 81/TCP"), "{}", r.reason);
    assert!(!r.reason.contains("no ready endpoints"), "{}", r.reason);
}
