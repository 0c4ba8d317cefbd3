//! What the kube-proxy conformance tests (`proxy_conformance.rs`, `nft_conformance.rs`) share: a
//! tiny YAML value tree for the samples, and upstream's `makeTestService` /
//! `makeTestEndpointSlice` as model objects.

#![allow(dead_code)]

use std::collections::BTreeMap;

use granit_parser::{Event, Parser, ScalarStyle};
use netsim::model::{
    Endpoint, EndpointConditions, EndpointHints, EndpointPort, EndpointSlice, IntOrString,
    LoadBalancerIngress, ObjectMeta, Protocol, Service, ServicePort, ServiceType, TrafficPolicy,
};

// ---------------------------------------------------------------------------------------------
// A tiny YAML value tree over granit-parser events.

#[derive(Clone, Debug)]
pub(crate) enum Y {
    Null,
    Str(String),
    Seq(Vec<Y>),
    Map(Vec<(String, Y)>),
}

impl Y {
    pub(crate) fn get(&self, key: &str) -> &Y {
        match self {
            Y::Map(m) => m.iter().find(|(k, _)| k == key).map(|(_, v)| v).unwrap_or(&Y::Null),
            _ => &Y::Null,
        }
    }
    pub(crate) fn str(&self) -> Option<&str> {
        match self {
            Y::Str(s) => Some(s),
            _ => None,
        }
    }
    pub(crate) fn s(&self) -> String {
        self.str().unwrap_or_default().to_string()
    }
    pub(crate) fn int(&self) -> Option<i64> {
        self.str().and_then(|s| s.parse().ok())
    }
    pub(crate) fn seq(&self) -> &[Y] {
        match self {
            Y::Seq(v) => v,
            _ => &[],
        }
    }
    pub(crate) fn bool(&self) -> Option<bool> {
        match self.str() {
            Some("true") => Some(true),
            Some("false") => Some(false),
            _ => None,
        }
    }
}

pub(crate) fn parse_yaml(text: &str) -> Y {
    let mut stack: Vec<(Y, Option<String>)> = Vec::new();
    let mut root = Y::Null;
    fn push(stack: &mut [(Y, Option<String>)], root: &mut Y, v: Y) {
        match stack.last_mut() {
            None => *root = v,
            Some((Y::Seq(items), _)) => items.push(v),
            Some((Y::Map(entries), pending)) => match pending.take() {
                None => {
                    let k = match v {
                        Y::Str(s) => s,
                        _ => String::new(),
                    };
                    *pending = Some(k);
                }
                Some(k) => entries.push((k, v)),
            },
            Some(_) => {}
        }
    }
    for ev in Parser::new_from_str(text) {
        let (ev, _) = ev.expect("conformance YAML parses");
        match ev {
            Event::Scalar(v, style, _, _) => {
                let y = if style == ScalarStyle::Plain && (v == "null" || v == "~" || v.is_empty())
                {
                    Y::Null
                } else {
                    Y::Str(v.to_string())
                };
                push(&mut stack, &mut root, y);
            }
            Event::SequenceStart(..) => stack.push((Y::Seq(Vec::new()), None)),
            Event::MappingStart(..) => stack.push((Y::Map(Vec::new()), None)),
            Event::SequenceEnd | Event::MappingEnd => {
                if let Some((v, _)) = stack.pop() {
                    push(&mut stack, &mut root, v);
                }
            }
            _ => {}
        }
    }
    root
}

pub(crate) fn read(root: &str, path: &str) -> Y {
    parse_yaml(&read_text(root, path))
}

pub(crate) fn read_text(root: &str, path: &str) -> String {
    let full = format!("{root}/{path}");
    std::fs::read_to_string(&full).unwrap_or_else(|e| panic!("{full}: {e}"))
}

// ---------------------------------------------------------------------------------------------
// Fixtures → model objects (as upstream's makeTestService / makeTestEndpointSlice).

pub(crate) fn protocol(y: &Y) -> Protocol {
    match y.str() {
        Some("UDP") => Protocol::Udp,
        Some("SCTP") => Protocol::Sctp,
        _ => Protocol::Tcp,
    }
}

pub(crate) fn policy(y: &Y) -> Option<TrafficPolicy> {
    match y.str() {
        Some("Local") => Some(TrafficPolicy::Local),
        Some("Cluster") => Some(TrafficPolicy::Cluster),
        _ => None,
    }
}

pub(crate) fn service(y: &Y) -> Service {
    let md = y.get("metadata");
    let spec = y.get("spec");
    let mut s = Service {
        meta: ObjectMeta {
            name: md.get("name").s(),
            namespace: md.get("namespace").s(),
            ..Default::default()
        },
        ..Default::default()
    };
    s.spec.type_ = match spec.get("type").str() {
        Some("NodePort") => ServiceType::NodePort,
        Some("LoadBalancer") => ServiceType::LoadBalancer,
        Some("ExternalName") => ServiceType::ExternalName,
        _ => ServiceType::ClusterIP,
    };
    match spec.get("clusterIP").str() {
        Some("None") => s.spec.headless = true,
        Some(ip) => s.spec.cluster_ips = vec![ip.parse().expect("clusterIP")],
        None => {}
    }
    for p in spec.get("ports").seq() {
        let port = p.get("port").int().unwrap_or(0) as i32;
        s.spec.ports.push(ServicePort {
            name: p.get("name").s(),
            protocol: protocol(p.get("protocol")),
            port,
            target_port: IntOrString::Int(p.get("targetPort").int().unwrap_or(port as i64) as i32),
            node_port: p.get("nodePort").int().map(|n| n as i32),
            app_protocol: None,
        });
    }
    s.spec.external_ips =
        spec.get("externalIPs").seq().iter().filter_map(|i| i.str()?.parse().ok()).collect();
    s.spec.health_check_node_port = spec.get("healthCheckNodePort").int().map(|n| n as i32);
    s.spec.load_balancer_source_ranges =
        spec.get("loadBalancerSourceRanges").seq().iter().map(Y::s).collect();
    s.spec.session_affinity = spec.get("sessionAffinity").str().unwrap_or("None").to_string();
    s.spec.session_affinity_timeout = spec
        .get("sessionAffinityConfig")
        .get("clientIP")
        .get("timeoutSeconds")
        .int()
        .map(|n| n as i32);
    s.spec.external_traffic_policy = policy(spec.get("externalTrafficPolicy"));
    s.spec.internal_traffic_policy = policy(spec.get("internalTrafficPolicy"));
    for i in y.get("status").get("loadBalancer").get("ingress").seq() {
        s.status.load_balancer_ingress.push(LoadBalancerIngress {
            ip: i.get("ip").str().and_then(|v| v.parse().ok()),
            hostname: None,
            ip_mode: i.get("ipMode").str().map(str::to_string),
        });
    }
    s
}

pub(crate) fn slice(y: &Y, idx: usize) -> EndpointSlice {
    let mut labels = BTreeMap::new();
    labels.insert("kubernetes.io/service-name".to_string(), y.get("service").s());
    EndpointSlice {
        meta: ObjectMeta {
            name: format!("{}-{idx}", y.get("service").s()),
            namespace: y.get("namespace").s(),
            labels,
            ..Default::default()
        },
        address_type: y.get("addressType").str().unwrap_or("IPv4").to_string(),
        endpoints: generated_endpoints(y.get("generateEndpoints"))
            .iter()
            .chain(y.get("endpoints").seq())
            .map(|e| Endpoint {
                addresses: e
                    .get("addresses")
                    .seq()
                    .iter()
                    .filter_map(|a| a.str()?.parse().ok())
                    .collect(),
                conditions: EndpointConditions {
                    ready: e.get("conditions").get("ready").bool(),
                    serving: e.get("conditions").get("serving").bool(),
                    terminating: e.get("conditions").get("terminating").bool(),
                },
                node_name: e.get("nodeName").str().map(str::to_string),
                zone: e.get("zone").str().map(str::to_string),
                hints: match e.get("hints") {
                    Y::Null => None,
                    h => Some(EndpointHints {
                        for_zones: h
                            .get("forZones")
                            .seq()
                            .iter()
                            .map(|z| z.get("name").s())
                            .collect(),
                        for_nodes: h
                            .get("forNodes")
                            .seq()
                            .iter()
                            .map(|z| z.get("name").s())
                            .collect(),
                    }),
                },
                ..Default::default()
            })
            .collect(),
        ports: y
            .get("ports")
            .seq()
            .iter()
            .map(|p| EndpointPort {
                name: Some(p.get("name").s()),
                port: p.get("port").int().map(|n| n as i32),
                protocol: protocol(p.get("protocol")),
                app_protocol: None,
            })
            .collect(),
    }
}

/// `generateEndpoints: {prefix: "10.0", count: N}`: N ready endpoints addressed as upstream's
/// `fmt.Sprintf("10.0.%d.%d", i%256, i/256)` (TestSyncProxyRulesLargeClusterMode).
fn generated_endpoints(g: &Y) -> Vec<Y> {
    let prefix = g.get("prefix").s();
    let count = g.get("count").int().unwrap_or(0);
    (0..count)
        .map(|i| {
            let ip = format!("{prefix}.{}.{}", i % 256, i / 256);
            Y::Map(vec![("addresses".to_string(), Y::Seq(vec![Y::Str(ip)]))])
        })
        .collect()
}

/// The Services and EndpointSlices of a sample; slices are named `<service>-<n>` counting from
/// `first` (upstream's iptables tests count from 0, its nftables tests from 1).
pub(crate) fn fixtures(input: &Y, first: usize) -> (Vec<Service>, Vec<EndpointSlice>) {
    let svcs = input.get("services").seq().iter().map(service).collect();
    let slices = input
        .get("endpointSlices")
        .seq()
        .iter()
        .enumerate()
        .map(|(i, s)| slice(s, i + first))
        .collect();
    (svcs, slices)
}
