//! Core results as the JSON shapes the TypeScript declarations promise (camelCase, strings for
//! addresses). Pure functions over a built cluster; no JS types here, so they are plain Rust.

use std::collections::BTreeMap;

use netsim::cluster::Cluster;
use netsim::dns::{
    resolv_conf, resolve as dns_resolve, CorefileConfig, Outcome as DnsOutcome, Rcode, Record,
    RecordType, ResolvConf, ResolverSettings, Walk, WalkResult, Zone, ZoneInput,
};
use netsim::model::{IntOrString, IpFamily, Pod};
use netsim::proxy::ProxyConfig;
use netsim::request::{parse_source, parse_target, Mark, Network, Options, MAX_COUNT};
use netsim::scenario::Simulated;
use netsim::text::Span;
use serde::Serialize;

/// An error for JS: (stable code, message).
pub(crate) type Failure = (&'static str, String);

/// One cluster event as JS sees it.
#[derive(Serialize)]
pub(crate) struct EventSummary {
    #[serde(rename = "type")]
    type_: &'static str,
    reason: String,
    object: String,
    namespace: String,
    message: String,
}

pub(crate) fn event(e: &netsim::cluster::Event) -> EventSummary {
    EventSummary {
        type_: e.type_.as_str(),
        reason: e.reason.clone(),
        object: e.object.clone(),
        namespace: e.namespace.clone(),
        message: e.message.clone(),
    }
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct ClusterSummary {
    nodes: Vec<NodeSummary>,
    pods: Vec<PodSummary>,
    services: Vec<ServiceSummary>,
    dns_domain: String,
    #[serde(rename = "clusterDNS")]
    cluster_dns: Vec<String>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct NodeSummary {
    name: String,
    ready: bool,
    #[serde(rename = "internalIPs")]
    internal_ips: Vec<String>,
    #[serde(rename = "podCIDRs")]
    pod_cidrs: Vec<String>,
}

#[derive(Serialize)]
struct ContainerSummary {
    name: String,
    ports: Vec<ContainerPortSummary>,
}

#[derive(Serialize)]
struct ContainerPortSummary {
    name: Option<String>,
    port: i32,
    protocol: &'static str,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct PodSummary {
    namespace: String,
    name: String,
    node: Option<String>,
    ips: Vec<String>,
    phase: String,
    ready: bool,
    labels: BTreeMap<String, String>,
    containers: Vec<ContainerSummary>,
}

#[derive(Serialize)]
#[serde(untagged)]
enum PortRef {
    Number(i32),
    Name(String),
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ServicePortSummary {
    name: String,
    protocol: &'static str,
    port: i32,
    target_port: PortRef,
    node_port: Option<i32>,
}

#[derive(Serialize)]
struct EndpointSummary {
    ip: String,
    ready: bool,
    node: Option<String>,
    pod: Option<String>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ServiceSummary {
    namespace: String,
    name: String,
    #[serde(rename = "type")]
    type_: &'static str,
    #[serde(rename = "clusterIPs")]
    cluster_ips: Vec<String>,
    headless: bool,
    external_name: Option<String>,
    #[serde(rename = "externalIPs")]
    external_ips: Vec<String>,
    load_balancer_ingress: Vec<String>,
    selector: Option<BTreeMap<String, String>>,
    ports: Vec<ServicePortSummary>,
    endpoints: Vec<EndpointSummary>,
    dns_name: String,
}

fn pod_ready(p: &Pod) -> bool {
    p.status.ready.unwrap_or(p.status.phase == "Running")
}

/// The built cluster in a few lines per object (what a page draws without the web app).
pub(crate) fn cluster_summary(c: &Cluster) -> ClusterSummary {
    let o = &c.objects;
    let domain = c.settings.dns_domain.trim_end_matches('.').to_string();
    let nodes = o
        .nodes
        .iter()
        .map(|n| NodeSummary {
            name: n.meta.name.clone(),
            ready: n.ready,
            internal_ips: n.internal_ips.iter().map(ToString::to_string).collect(),
            pod_cidrs: n.pod_cidrs.clone(),
        })
        .collect();
    let pods = o
        .pods
        .iter()
        .map(|p| PodSummary {
            namespace: p.meta.namespace.clone(),
            name: p.meta.name.clone(),
            node: p.spec.node_name.clone(),
            ips: p.status.pod_ips.iter().map(ToString::to_string).collect(),
            phase: p.status.phase.clone(),
            ready: pod_ready(p),
            labels: p.meta.labels.clone(),
            containers: p
                .spec
                .containers
                .iter()
                .map(|k| ContainerSummary {
                    name: k.name.clone(),
                    ports: k
                        .ports
                        .iter()
                        .map(|cp| ContainerPortSummary {
                            name: cp.name.clone(),
                            port: cp.container_port,
                            protocol: cp.protocol.as_str(),
                        })
                        .collect(),
                })
                .collect(),
        })
        .collect();
    let services = o
        .services
        .iter()
        .map(|s| {
            let ns = &s.meta.namespace;
            let name = &s.meta.name;
            let endpoints = o
                .endpoint_slices
                .iter()
                .filter(|sl| sl.meta.namespace == *ns && sl.service_name() == Some(name.as_str()))
                .flat_map(|sl| &sl.endpoints)
                .flat_map(|e| {
                    e.addresses.iter().map(move |ip| EndpointSummary {
                        ip: ip.to_string(),
                        // EndpointSlice API: a nil ready condition means ready.
                        ready: e.conditions.ready.unwrap_or(true),
                        node: e.node_name.clone(),
                        pod: e
                            .target_ref
                            .as_ref()
                            .filter(|r| r.kind == "Pod")
                            .map(|r| r.name.clone()),
                    })
                })
                .collect();
            ServiceSummary {
                namespace: ns.clone(),
                name: name.clone(),
                type_: s.spec.type_.as_str(),
                cluster_ips: s.spec.cluster_ips.iter().map(ToString::to_string).collect(),
                headless: s.spec.headless,
                external_name: s.spec.external_name.clone(),
                external_ips: s.spec.external_ips.iter().map(ToString::to_string).collect(),
                load_balancer_ingress: s
                    .status
                    .load_balancer_ingress
                    .iter()
                    .filter_map(|g| g.ip.map(|ip| ip.to_string()).or_else(|| g.hostname.clone()))
                    .collect(),
                selector: s.spec.selector.clone(),
                ports: s
                    .spec
                    .ports
                    .iter()
                    .map(|p| ServicePortSummary {
                        name: p.name.clone(),
                        protocol: p.protocol.as_str(),
                        port: p.port,
                        target_port: match &p.target_port {
                            IntOrString::Int(n) => PortRef::Number(*n),
                            IntOrString::Str(s) => PortRef::Name(s.clone()),
                        },
                        node_port: p.node_port,
                    })
                    .collect(),
                endpoints,
                dns_name: format!("{name}.{ns}.svc.{domain}"),
            }
        })
        .collect();
    ClusterSummary {
        nodes,
        pods,
        services,
        dns_domain: domain,
        cluster_dns: c.settings.cluster_dns.iter().map(ToString::to_string).collect(),
    }
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct DnsWalk {
    name: String,
    #[serde(rename = "type")]
    qtype: RecordType,
    nameserver: Option<String>,
    ndots: u32,
    queries: Vec<DnsQuery>,
    result: WalkResult,
    resolv_conf: String,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct DnsQuery {
    name: String,
    #[serde(rename = "type")]
    qtype: RecordType,
    rcode: Option<Rcode>,
    outcome: DnsOutcome,
    answer: Vec<Record>,
    authority: Vec<Record>,
    additional: Vec<Record>,
    upstream_lookups: Vec<String>,
    why: String,
}

fn walk_js(w: Walk, resolv_conf: String) -> DnsWalk {
    DnsWalk {
        name: w.name,
        qtype: w.qtype,
        nameserver: w.nameserver,
        ndots: w.ndots,
        queries: w
            .queries
            .into_iter()
            .map(|r| DnsQuery {
                name: r.name,
                qtype: r.qtype,
                rcode: r.rcode,
                outcome: r.outcome,
                answer: r.answer,
                authority: r.authority,
                additional: r.additional,
                upstream_lookups: r.upstream_lookups,
                why: r.why,
            })
            .collect(),
        result: w.result,
        resolv_conf,
    }
}

/// `pod` is `NAME` (namespace default) or `NAMESPACE/NAME`.
/// The Pod `NAME` (in default) or `NAMESPACE/NAME` of the cluster.
pub(crate) fn find_pod<'c>(c: &'c Cluster, pod: &str) -> Result<&'c Pod, Failure> {
    let (ns, name) = pod.split_once('/').unwrap_or(("default", pod));
    c.objects
        .pods
        .iter()
        .find(|p| p.meta.namespace == ns && p.meta.name == name)
        .ok_or_else(|| ("unknown-pod", format!("pods \"{name}\" not found in namespace \"{ns}\"")))
}

/// The resolv.conf the kubelet writes for `p` (its dnsPolicy and dnsConfig, the cluster's
/// clusterDNS and domain).
pub(crate) fn pod_resolv_conf(c: &Cluster, p: &Pod) -> ResolvConf {
    let s = &c.settings;
    resolv_conf(p, &ResolverSettings::new(s.cluster_dns.clone(), s.cluster_domain.clone()))
}

pub(crate) fn resolve(
    c: &Cluster,
    pod: &str,
    name: &str,
    qtype: Option<&str>,
) -> Result<DnsWalk, Failure> {
    let p = find_pod(c, pod)?;
    let qtype = match qtype {
        None => RecordType::A,
        Some(t) => RecordType::parse(t).map_err(|e| ("bad-argument", e.to_string()))?,
    };
    let s = &c.settings;
    let corefile = match &s.corefile {
        Some(text) => CorefileConfig::parse(text, &s.dns_domain, Span::default()).0,
        None => CorefileConfig::kubeadm(&s.dns_domain),
    };
    let o = &c.objects;
    let zone = Zone::new(
        corefile,
        ZoneInput {
            services: &o.services,
            endpoint_slices: &o.endpoint_slices,
            pods: &o.pods,
            namespaces: &o.namespaces,
        },
    );
    let rc = pod_resolv_conf(c, p);
    let walk = dns_resolve(&rc, name, qtype, &zone, &s.cluster_dns);
    Ok(walk_js(walk, rc.to_string()))
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct HopJs {
    kind: &'static str,
    text: String,
    rule: Option<String>,
    node: Option<String>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct EndpointJs {
    pod: String,
    container: Option<String>,
    ip: String,
    port: u16,
    node: Option<String>,
    #[serde(rename = "sourceIP")]
    source_ip: Option<String>,
}

#[derive(Serialize)]
struct ShareJs {
    pod: String,
    ip: String,
    port: u16,
    probability: f64,
    count: u32,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct ReportJs {
    outcome: &'static str,
    reason: String,
    fix: String,
    hops: Vec<HopJs>,
    endpoint: Option<EndpointJs>,
    distribution: Vec<ShareJs>,
    outcomes: BTreeMap<&'static str, u32>,
}

/// One request (or `count`), seed `seed` (both from JS numbers; fractions and negatives are
/// refused, counts are clamped to the core's maximum).
pub(crate) fn request(
    sim: &Simulated,
    from: &str,
    target: &str,
    count: Option<f64>,
    seed: Option<f64>,
) -> Result<ReportJs, Failure> {
    let whole = |v: f64, what: &str| -> Result<u64, Failure> {
        if v.is_finite() && v >= 0.0 && v.fract() == 0.0 && v <= 9_007_199_254_740_991.0 {
            Ok(v as u64)
        } else {
            Err(("bad-argument", format!("{what} must be a whole number ≥ 0, not {v}")))
        }
    };
    let count = match count {
        Some(v) => whole(v, "count")?.clamp(1, u64::from(MAX_COUNT)) as u32,
        None => 1,
    };
    let seed = match seed {
        Some(v) => whole(v, "seed")?,
        None => 0,
    };
    let errors = sim.errors();
    if errors > 0 {
        return Err((
            "input-has-errors",
            format!("the input has {errors} error(s); fix them before sending requests"),
        ));
    }
    let src = parse_source(from).map_err(|e| (e.code, e.message))?;
    let dst = parse_target(target).map_err(|e| (e.code, e.message))?;
    let net = Network::new(&sim.cluster.objects, &sim.cluster.settings);
    let r = net.request(&src, &dst, &Options { count, seed }).map_err(|e| (e.code, e.message))?;
    Ok(ReportJs {
        outcome: r.outcome.as_str(),
        reason: r.reason,
        fix: r.fix,
        hops: r
            .hops
            .into_iter()
            .map(|h| HopJs { kind: h.kind, text: h.text, rule: h.rule, node: h.node })
            .collect(),
        endpoint: r.endpoint.map(|e| EndpointJs {
            pod: e.pod,
            container: e.container,
            ip: e.ip,
            port: e.port,
            node: e.node,
            source_ip: e.source_ip.map(|ip| ip.to_string()),
        }),
        distribution: r
            .distribution
            .into_iter()
            .map(|s| ShareJs {
                pod: s.pod,
                ip: s.ip,
                port: s.port,
                probability: s.probability,
                count: s.count,
            })
            .collect(),
        outcomes: r.outcomes,
    })
}

#[derive(Serialize)]
pub(crate) struct ExplanationJs {
    namespace: String,
    name: String,
    checks: Vec<CheckJs>,
}

#[derive(Serialize)]
struct CheckJs {
    id: &'static str,
    mark: &'static str,
    symbol: &'static str,
    title: String,
    evidence: Vec<String>,
    fix: String,
}

/// The Debug Services checklist for `service` (`NAME` in default, or `NS/NAME`).
pub(crate) fn explain(sim: &Simulated, service: &str) -> ExplanationJs {
    let (ns, name) = service.split_once('/').unwrap_or(("default", service));
    let net = Network::new(&sim.cluster.objects, &sim.cluster.settings);
    let e = netsim::request::explain(&net, ns, name);
    ExplanationJs {
        namespace: e.namespace,
        name: e.name,
        checks: e
            .checks
            .into_iter()
            .map(|c| CheckJs {
                id: c.id,
                mark: match c.mark {
                    Mark::Pass => "pass",
                    Mark::Fail => "fail",
                    Mark::Info => "info",
                },
                symbol: c.mark.symbol(),
                title: c.title,
                evidence: c.evidence,
                fix: c.fix,
            })
            .collect(),
    }
}

/// The kube-proxy configuration the cluster settings describe (as `netsim iptables` builds it).
fn proxy_config(c: &Cluster) -> ProxyConfig {
    let p = &c.settings.proxy;
    let family = c.settings.service_families().first().copied().unwrap_or(IpFamily::IPv4);
    ProxyConfig {
        cluster_cidr: if p.cluster_cidrs.is_empty() {
            None
        } else {
            Some(p.cluster_cidrs.iter().map(|c| c.to_string()).collect::<Vec<_>>().join(","))
        },
        masquerade_bit: u32::try_from(p.masquerade_bit).ok().filter(|b| *b <= 31).unwrap_or(14),
        masquerade_all: p.masquerade_all,
        localhost_node_ports: p.localhost_node_ports,
        node_port_addresses: p.node_port_addresses.clone(),
        ip_family: family,
        ..ProxyConfig::default()
    }
}

/// `format`: `restore` (default) or `save`.
pub(crate) fn rules(c: &Cluster, node: &str, format: Option<&str>) -> Result<String, Failure> {
    let save = match format.unwrap_or("restore") {
        "restore" => false,
        "save" => true,
        f => return Err(("bad-argument", format!("invalid format '{f}': use restore or save"))),
    };
    let (_, rs) = netsim::proxy::rules_for_node(&c.objects, node, &proxy_config(c))
        .map_err(|e| ("unknown-node", e.to_string()))?;
    Ok(if save { rs.save_text() } else { rs.restore_text() })
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    //! The JSON shapes on the native target (the wasm tests check the same through JS).

    use super::*;
    use netsim::diagnostic::SourceFiles;

    // `Simulator::get` prints exactly what `netsim get KINDS -A [-o wide]` prints.
    #[test]
    fn get_matches_the_cli() {
        let text = include_str!("../../../static/scenarios/default.yaml");
        let s = sim(text);
        for (kinds, wide) in
            [("pods,services,endpointslices", true), ("nodes", false), ("deploy,rs", false)]
        {
            let ours = netsim::cluster::print::get_all(&s.cluster, kinds, wide).unwrap();
            let mut argv = vec!["get".to_string(), kinds.to_string(), "-A".to_string()];
            if wide {
                argv.extend(["-o".to_string(), "wide".to_string()]);
            }
            let cli = netsim_cli::run(
                &argv,
                &[netsim_cli::Input { name: "t.yaml".into(), text: text.into() }],
            );
            assert_eq!(ours, cli.stdout, "{kinds}");
        }
    }

    fn sim(yaml: &str) -> Simulated {
        let mut files = SourceFiles::default();
        files.add("t.yaml", yaml);
        Simulated::new(&files)
    }

    const YAML: &str = include_str!("../../../static/scenarios/default.yaml");

    #[test]
    fn summary_request_resolve_rules() {
        let s = sim(YAML);
        let sum = serde_json::to_value(cluster_summary(&s.cluster)).unwrap_or_default();
        let web = sum["services"]
            .as_array()
            .and_then(|a| a.iter().find(|v| v["name"] == "web"))
            .cloned()
            .unwrap_or_default();
        assert_eq!(web["type"], "ClusterIP");
        assert_eq!(web["dnsName"], "web.default.svc.cluster.local");
        assert_eq!(web["ports"][0]["targetPort"], "http");
        assert_eq!(web["endpoints"].as_array().map(Vec::len), Some(3));
        assert_eq!(sum["nodes"].as_array().map(Vec::len), Some(3));
        assert_eq!(sum["clusterDNS"][0], "10.96.0.10");

        let r = request(&s, "pod/client", "http://web/", Some(10.0), Some(1.0));
        let r = serde_json::to_value(r.ok()).unwrap_or_default();
        assert_eq!(r["outcome"], "connected");
        assert!(r["hops"].as_array().is_some_and(|h| !h.is_empty()));
        assert_eq!(r["outcomes"]["connected"], 10);
        assert!(matches!(
            request(&s, "pod/client", "web", Some(1.5), None),
            Err(("bad-argument", _))
        ));
        assert!(
            matches!(request(&s, "pod/nobody", "web:80", None, None), Err((_, m)) if m.contains("nobody"))
        );

        let w = serde_json::to_value(resolve(&s.cluster, "client", "web", None).ok())
            .unwrap_or_default();
        assert_eq!(w["type"], "A");
        assert_eq!(w["result"]["kind"], "resolved");
        assert_eq!(w["queries"][0]["name"], "web.default.svc.cluster.local.");
        assert!(w["resolvConf"].as_str().is_some_and(|t| t.contains("nameserver 10.96.0.10")));
        assert!(matches!(resolve(&s.cluster, "x/y", "web", None), Err(("unknown-pod", _))));
        assert!(matches!(
            resolve(&s.cluster, "client", "web", Some("BOGUS")),
            Err(("bad-argument", _))
        ));

        let text = rules(&s.cluster, "kind-worker", None).unwrap_or_default();
        assert!(text.starts_with("*filter") || text.contains("*nat"), "{text}");
        assert!(text.contains("KUBE-SVC-"));
        let save = rules(&s.cluster, "kind-worker", Some("save")).unwrap_or_default();
        assert!(save.contains(":PREROUTING ACCEPT"), "{save}");
        assert!(matches!(rules(&s.cluster, "nope", None), Err(("unknown-node", _))));
        assert!(matches!(rules(&s.cluster, "kind-worker", Some("json")), Err(("bad-argument", _))));

        let e = serde_json::to_value(explain(&s, "web")).unwrap_or_default();
        assert_eq!(e["namespace"], "default");
        let checks = e["checks"].as_array().cloned().unwrap_or_default();
        assert!(checks.len() >= 4);
        assert!(checks.iter().all(|c| c["mark"] != "fail"), "{checks:?}");
        let e = serde_json::to_value(explain(&s, "default/nope")).unwrap_or_default();
        assert_eq!(e["checks"][0]["mark"], "fail");
    }

    #[test]
    fn requests_refuse_input_with_errors() {
        let s = sim(
            "apiVersion: v1\nkind: Service\nmetadata: {name: a}\nspec:\n  ports: [{port: 99999}]\n",
        );
        assert!(matches!(
            request(&s, "external", "1.2.3.4:80", None, None),
            Err(("input-has-errors", _))
        ));
    }
}
