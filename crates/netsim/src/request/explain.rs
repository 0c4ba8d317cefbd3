//! `explain`: the Debug Services checklist (kubernetes/website
//! `content/en/docs/tasks/debug/debug-application/debug-service.md`, summarised in
//! kubernetes-networking.md §9) for one Service, as ✓/✗ rows with evidence and a fix each.

use serde::{Deserialize, Serialize};

use super::Network;
use crate::cluster::{find_port, is_pod_ready, should_pod_be_in_endpoints};
use crate::dns::RecordType;
use crate::model::{IntOrString, Labels, Pod, Service, ServiceType, TrafficPolicy};
use crate::session::ObjectRef;

/// ✓, ✗, or a neutral note.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase", try_from = "String")]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub enum Mark {
    Pass,
    Fail,
    Info,
}

impl Mark {
    pub fn symbol(self) -> &'static str {
        match self {
            Mark::Pass => "✓",
            Mark::Fail => "✗",
            Mark::Info => "-",
        }
    }
    pub fn as_str(self) -> &'static str {
        match self {
            Mark::Pass => "pass",
            Mark::Fail => "fail",
            Mark::Info => "info",
        }
    }
}
from_name!(Mark: Mark::Pass, Mark::Fail, Mark::Info);

/// One checklist row.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Check {
    /// Stable id: `service-exists`, `selector`, `target-port`, `readiness`, `endpoints`,
    /// `network-policy`, `dns`, `rules`, `load-balancer`, `traffic-policy`.
    pub id: String,
    #[serde(rename = "result")]
    pub mark: Mark,
    /// The row's headline.
    pub title: String,
    /// Evidence lines (one per Pod, node or name).
    pub evidence: Vec<String>,
    /// Empty for ✓ rows.
    pub fix: String,
}

/// The checklist for one Service (`netsim explain -o json`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Explanation {
    pub service: ObjectRef,
    /// No row failed.
    pub ok: bool,
    pub checks: Vec<Check>,
}

impl Explanation {
    /// The checklist as `netsim explain` prints it: a ✓/✗ line per check, evidence and fix
    /// indented under it.
    pub fn text(&self) -> String {
        let mut out = format!("Debug Services checklist for {}\n", self.service);
        for c in &self.checks {
            out.push_str(&format!("{} {}\n", c.mark.symbol(), c.title));
            for l in &c.evidence {
                out.push_str(&format!("    {l}\n"));
            }
            if !c.fix.is_empty() {
                out.push_str(&format!("    fix: {}\n", c.fix));
            }
        }
        out
    }
}

fn check(id: &'static str, mark: Mark, title: String, evidence: Vec<String>, fix: &str) -> Check {
    Check { id: id.to_string(), mark, title, evidence, fix: fix.to_string() }
}

/// Levenshtein distance, bounded (labels are short; longer inputs just count as far apart).
fn distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().take(64).collect();
    let b: Vec<char> = b.chars().take(64).collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.iter().enumerate() {
        let mut cur = vec![i + 1; b.len() + 1];
        for (j, cb) in b.iter().enumerate() {
            let sub = prev.get(j).copied().unwrap_or(0) + usize::from(ca != cb);
            let del = prev.get(j + 1).copied().unwrap_or(0) + 1;
            let ins = cur.get(j).copied().unwrap_or(0) + 1;
            if let Some(c) = cur.get_mut(j + 1) {
                *c = sub.min(del).min(ins);
            }
        }
        prev = cur;
    }
    prev.last().copied().unwrap_or(0)
}

fn near(a: &str, b: &str) -> bool {
    a != b && (a.eq_ignore_ascii_case(b) || (a.len().min(b.len()) >= 3 && distance(a, b) <= 2))
}

/// What is wrong with one selector pair on a Pod, or `None` when it matches.
fn pair_problem(k: &str, v: &str, labels: &Labels) -> Option<String> {
    match labels.get(k) {
        Some(got) if got == v => None,
        Some(got) if near(got, v) => {
            Some(format!("{k}={got} (near miss: the selector wants {k}={v})"))
        }
        Some(got) => Some(format!("{k}={got} (the selector wants {k}={v})")),
        None => match labels.iter().find(|(lk, _)| near(lk, k)) {
            Some((lk, lv)) => {
                Some(format!("has {lk}={lv}, not {k} (near miss: the selector wants {k}={v})"))
            }
            None => Some(format!("no label {k} (the selector wants {k}={v})")),
        },
    }
}

/// Runs the checklist for Service `namespace/name`.
pub fn explain(net: &Network<'_>, namespace: &str, name: &str) -> Explanation {
    let mut e = checklist(net, namespace, name);
    e.ok = e.checks.iter().all(|c| c.mark != Mark::Fail);
    e
}

fn checklist(net: &Network<'_>, namespace: &str, name: &str) -> Explanation {
    let mut out =
        Explanation { service: ObjectRef::service(namespace, name), ok: false, checks: Vec::new() };
    let objs = net.objects;
    let Some(svc) =
        objs.services.iter().find(|s| s.meta.namespace == namespace && s.meta.name == name)
    else {
        let elsewhere: Vec<String> = objs
            .services
            .iter()
            .filter(|s| s.meta.name == name)
            .map(|s| s.meta.namespace.clone())
            .collect();
        let (ev, fix) = match elsewhere.first() {
            Some(ns) => (
                vec![format!("a Service {name} exists in namespace {}", elsewhere.join(", "))],
                format!("Use -n {ns}; from Pods in {namespace} call it {name}.{ns} (the short name only searches the Pod's own namespace)."),
            ),
            None => (
                vec![format!("kubectl get svc {name} -n {namespace} → Error from server (NotFound): services \"{name}\" not found"), format!("clients see: wget: unable to resolve host address '{name}'")],
                format!("Create the Service {name} in namespace {namespace} (kubectl expose, or a Service manifest)."),
            ),
        };
        out.checks.push(check(
            "service-exists",
            Mark::Fail,
            format!("Service {namespace}/{name} does not exist"),
            ev,
            &fix,
        ));
        return out;
    };
    out.checks.push(exists_row(svc));
    if svc.spec.type_ == ServiceType::ExternalName {
        let target = svc.spec.external_name.clone().unwrap_or_default();
        out.checks.push(check(
            "externalname",
            Mark::Info,
            format!("ExternalName: DNS answers {name}.{namespace}.svc.{} with a CNAME to {target}", net.settings.cluster_domain),
            vec!["no selector, no endpoints, no kube-proxy rules: the client connects to the outside host itself".into(), format!("the HTTP Host header and TLS server name stay {name}.{namespace}…, not {target}")],
            "",
        ));
        out.checks.push(dns_row(net, svc));
        return out;
    }
    let selected = selector_row(net, svc, &mut out.checks);
    ports_row(svc, &selected, &mut out.checks);
    readiness_row(&selected, &mut out.checks);
    endpoints_row(net, svc, &mut out.checks);
    if let Some(row) = policy_row(net, &selected) {
        out.checks.push(row);
    }
    out.checks.push(dns_row(net, svc));
    rules_row(net, svc, &mut out.checks);
    if svc.spec.type_ == ServiceType::LoadBalancer {
        let ips: Vec<String> = svc
            .status
            .load_balancer_ingress
            .iter()
            .map(|g| g.ip.map(|i| i.to_string()).or_else(|| g.hostname.clone()).unwrap_or_default())
            .collect();
        out.checks.push(if ips.is_empty() {
            check("load-balancer", Mark::Fail, "LoadBalancer: EXTERNAL-IP <pending>".into(), vec!["no cloud controller (or MetalLB) filled in status.loadBalancer, so no load-balancer IP exists".into(), "the ClusterIP and the NodePorts still work".into()], "Reach it through a NodePort on any node IP, or install a load-balancer implementation (e.g. MetalLB with an IPAddressPool).")
        } else {
            check("load-balancer", Mark::Pass, format!("LoadBalancer ingress {}", ips.join(", ")), Vec::new(), "")
        });
    }
    if svc.spec.external_traffic_policy == Some(TrafficPolicy::Local) {
        let with: std::collections::BTreeSet<String> = objs
            .endpoint_slices
            .iter()
            .filter(|e| {
                e.meta.namespace == svc.meta.namespace && e.service_name() == Some(&svc.meta.name)
            })
            .flat_map(|e| e.endpoints.iter())
            .filter(|e| e.conditions.ready != Some(false))
            .filter_map(|e| e.node_name.clone())
            .collect();
        let without: Vec<String> =
            net.nodes.iter().filter(|n| !with.contains(&n.name)).map(|n| n.name.clone()).collect();
        let ev = vec![
            format!(
                "nodes with a ready local endpoint: {}",
                if with.is_empty() {
                    "none".into()
                } else {
                    with.iter().cloned().collect::<Vec<_>>().join(", ")
                }
            ),
            format!(
                "nodes that DROP external traffic (\"has no local endpoints\"): {}",
                if without.is_empty() { "none".into() } else { without.join(", ") }
            ),
            "the client source IP is preserved (no masquerade)".into(),
        ];
        out.checks.push(if without.is_empty() {
            check("traffic-policy", Mark::Pass, "externalTrafficPolicy Local: every node has a local endpoint".into(), ev, "")
        } else {
            check("traffic-policy", Mark::Fail, "externalTrafficPolicy Local: some nodes have no local endpoint".into(), ev, "Send external traffic only to nodes with endpoints (a load balancer checks healthCheckNodePort), or use externalTrafficPolicy Cluster.")
        });
    }
    out
}

fn exists_row(svc: &Service) -> Check {
    let ip = if svc.spec.headless {
        "None (headless)".to_string()
    } else {
        svc.spec.cluster_ips.iter().map(|i| i.to_string()).collect::<Vec<_>>().join(",")
    };
    let ports: Vec<String> = svc
        .spec
        .ports
        .iter()
        .map(|p| {
            let np = p.node_port.map(|n| format!(":{n}")).unwrap_or_default();
            let tp = match &p.target_port {
                IntOrString::Int(n) => n.to_string(),
                IntOrString::Str(s) => s.clone(),
            };
            format!("{}{np}/{} → {tp}", p.port, p.protocol.as_str())
        })
        .collect();
    check(
        "service-exists",
        Mark::Pass,
        format!("Service {}/{} exists", svc.meta.namespace, svc.meta.name),
        vec![format!(
            "type {}, clusterIP {ip}, ports {}",
            svc.spec.type_.as_str(),
            if ports.is_empty() { "none".into() } else { ports.join(", ") }
        )],
        "",
    )
}

fn selector_row<'a>(net: &Network<'a>, svc: &Service, checks: &mut Vec<Check>) -> Vec<&'a Pod> {
    let ns = &svc.meta.namespace;
    let pods: Vec<&Pod> = net.objects.pods.iter().filter(|p| &p.meta.namespace == ns).collect();
    let sel = match &svc.spec.selector {
        Some(s) if !s.is_empty() => s,
        // default/kubernetes: the kube-apiserver's endpoint reconciler keeps its endpoints
        // (pkg/controlplane/reconcilers): the API servers' addresses.
        _ if ns == "default" && svc.meta.name == "kubernetes" => {
            checks.push(check(
                "selector",
                Mark::Info,
                "no selector: the API server keeps this Service's endpoints itself".into(),
                vec!["its endpoint reconciler writes the API servers' addresses (the control plane, port 6443) into the Endpoints and EndpointSlice named kubernetes".into()],
                "",
            ));
            return Vec::new();
        }
        _ => {
            checks.push(check(
                "selector",
                Mark::Info,
                "no selector: Kubernetes creates no endpoints for this Service".into(),
                vec!["endpoints come only from EndpointSlices you write yourself (label kubernetes.io/service-name)".into()],
                "",
            ));
            return Vec::new();
        }
    };
    let sel_text: Vec<String> = sel.iter().map(|(k, v)| format!("{k}={v}")).collect();
    let mut selected = Vec::new();
    let mut ev = Vec::new();
    for p in &pods {
        let problems: Vec<String> =
            sel.iter().filter_map(|(k, v)| pair_problem(k, v, &p.meta.labels)).collect();
        if problems.is_empty() {
            selected.push(*p);
            let extra: Vec<&str> = p
                .meta
                .labels
                .keys()
                .filter(|k| !sel.contains_key(*k))
                .map(String::as_str)
                .collect();
            if extra.is_empty() {
                ev.push(format!("pod {}: matches", p.meta.name));
            } else {
                let (noun, verb) =
                    if extra.len() == 1 { ("label", "does") } else { ("labels", "do") };
                ev.push(format!(
                    "pod {}: matches (extra {noun} {} {verb} not matter)",
                    p.meta.name,
                    extra.join(", ")
                ));
            }
        } else {
            ev.push(format!("pod {}: {}", p.meta.name, problems.join("; ")));
        }
    }
    if pods.is_empty() {
        ev.push(format!("namespace {ns} has no Pods"));
    }
    let elsewhere = net
        .objects
        .pods
        .iter()
        .filter(|p| {
            &p.meta.namespace != ns && crate::cluster::service_selects(Some(sel), &p.meta.labels)
        })
        .map(|p| format!("{}/{}", p.meta.namespace, p.meta.name))
        .take(3)
        .collect::<Vec<_>>();
    if selected.is_empty() && !elsewhere.is_empty() {
        ev.push(format!("matching Pods in other namespaces (a Service only selects Pods in its own namespace): {}", elsewhere.join(", ")));
    }
    checks.push(if selected.is_empty() {
        check(
            "selector",
            Mark::Fail,
            format!("selector {} matches no Pod in namespace {ns}", sel_text.join(",")),
            ev,
            "Make the selector and the Pod labels agree: every key=value of the selector must be on the Pod (extra Pod labels are fine).",
        )
    } else {
        check(
            "selector",
            Mark::Pass,
            format!("selector {} matches {} Pod(s) in namespace {ns}", sel_text.join(","), selected.len()),
            ev,
            "",
        )
    });
    selected
}

fn ports_row(svc: &Service, selected: &[&Pod], checks: &mut Vec<Check>) {
    if svc.spec.ports.is_empty() {
        checks.push(check(
            "target-port",
            if svc.spec.headless { Mark::Info } else { Mark::Fail },
            "the Service declares no ports".into(),
            Vec::new(),
            "Add the port clients use to spec.ports.",
        ));
        return;
    }
    let mut ev = Vec::new();
    let mut bad = false;
    for sp in &svc.spec.ports {
        let label = if sp.name.is_empty() {
            format!("{}/{}", sp.port, sp.protocol.as_str())
        } else {
            format!("{} {}/{}", sp.name, sp.port, sp.protocol.as_str())
        };
        for p in selected {
            let declared: Vec<(String, i32, crate::model::Protocol, Option<String>)> = p
                .spec
                .containers
                .iter()
                .flat_map(|c| {
                    c.ports.iter().map(move |cp| {
                        (c.name.clone(), cp.container_port, cp.protocol, cp.name.clone())
                    })
                })
                .collect();
            match (&sp.target_port, find_port(p, sp)) {
                (IntOrString::Str(n), None) => {
                    bad = true;
                    let other = declared.iter().find(|d| d.3.as_deref() == Some(n.as_str()));
                    match other {
                        Some(d) => ev.push(format!("{label} → targetPort {n}: pod {} names port {n} with protocol {}, not {} (protocol mismatch: the Pod is left out of the endpoints for this port)", p.meta.name, d.2.as_str(), sp.protocol.as_str())),
                        None => ev.push(format!("{label} → targetPort {n}: pod {} has no container port named {n} (the Pod is left out of the endpoints for this port)", p.meta.name)),
                    }
                }
                (_, Some(n)) => match declared.iter().find(|d| d.1 == n && d.2 == sp.protocol) {
                    Some(d) => ev.push(format!(
                        "{label} → pod {}: {} container {} listens",
                        p.meta.name, n, d.0
                    )),
                    None => {
                        bad = true;
                        let has: Vec<String> =
                            declared.iter().map(|d| format!("{}/{}", d.1, d.2.as_str())).collect();
                        ev.push(format!("{label} → pod {}: targetPort {n}/{} but the Pod declares {} (nothing listens there: connections are refused at the Pod)", p.meta.name, sp.protocol.as_str(), if has.is_empty() { "no ports".into() } else { has.join(", ") }));
                    }
                },
                (IntOrString::Int(_), None) => {}
            }
        }
    }
    if selected.is_empty() {
        ev.push("no selected Pods to check the targetPorts against".into());
    }
    checks.push(if bad {
        check("target-port", Mark::Fail, "targetPort does not reach a listening container on every Pod".into(), ev, "Set targetPort to the containerPort (number or name) the process listens on, with the same protocol; a named targetPort must exist on every Pod.")
    } else {
        check("target-port", Mark::Pass, "targetPorts resolve to a declared containerPort on every selected Pod".into(), ev, "")
    });
}

fn readiness_row(selected: &[&Pod], checks: &mut Vec<Check>) {
    if selected.is_empty() {
        return;
    }
    let mut ev = Vec::new();
    let mut not = 0;
    let mut gated = false;
    let mut unscheduled = false;
    for p in selected {
        let phase = if p.status.phase.is_empty() { "Pending" } else { &p.status.phase };
        if !should_pod_be_in_endpoints(p, false) {
            not += 1;
            let why = if !p.spec.scheduling_gates.is_empty() && p.spec.node_name.is_none() {
                unscheduled = true;
                format!(
                    "SchedulingGated: its schedulingGates ({}) keep the scheduler from placing it, so it has no node and no IP",
                    p.spec.scheduling_gates.join(", ")
                )
            } else if p.spec.node_name.is_none() {
                unscheduled = true;
                "Pending: not scheduled (no node fits it; its FailedScheduling event says why), so it has no IP".to_string()
            } else {
                format!("{phase}, no IP or finished")
            };
            ev.push(format!("pod {}: {why} (not an endpoint)", p.meta.name));
        } else if is_pod_ready(p) {
            let restarts = match p.status.restart_count {
                0 => String::new(),
                n => format!(" — restarted {n} times: while it restarts its endpoint drops out, so connections fail intermittently"),
            };
            ev.push(format!(
                "pod {}: Ready ({phase}, restarts {}){restarts}",
                p.meta.name, p.status.restart_count
            ));
        } else {
            not += 1;
            // A Running Pod held back by a readiness gate: the kubelet's Ready message says which.
            let gate = (p.status.phase == "Running")
                .then(|| crate::cluster::unmet_readiness_gate(p))
                .flatten()
                .map(|m| format!(" — {m}"))
                .unwrap_or_default();
            gated |= !gate.is_empty();
            ev.push(format!(
                "pod {}: not Ready ({phase}) → listed as not ready, gets no traffic{gate}",
                p.meta.name
            ));
        }
    }
    checks.push(if not == 0 {
        check("readiness", Mark::Pass, "every selected Pod is Ready".into(), ev, "")
    } else {
        let mut fix = if gated {
            "Fix the readiness probe or the container so the Pod becomes Ready (kubectl describe pod shows why); a readiness gate waits for the controller that owns it to set its condition True.".to_string()
        } else {
            "Fix the readiness probe or the container so the Pod becomes Ready (kubectl describe pod shows why).".to_string()
        };
        if unscheduled {
            fix.push_str(" A Pod with no node must be scheduled first: give it a node it fits (nodeSelector, taints and tolerations) or remove its scheduling gates.");
        }
        check("readiness", Mark::Fail, format!("{not} of {} selected Pods not Ready", selected.len()), ev, &fix)
    });
}

/// "Any Network Policy Ingress rules affecting the target Pods?" (debug-service.md): the
/// NetworkPolicies that isolate the Service's Pods for ingress. None: ✓. Only policies without
/// an ingress rule: ✗, nothing gets in. Others: a note to review what their rules allow (which
/// client is allowed is a question for `netsim request`). `None` when the cluster has no policy.
fn policy_row(net: &Network<'_>, selected: &[&Pod]) -> Option<Check> {
    use crate::policy::Direction;
    let set = net.policies()?;
    let mut names: Vec<String> = Vec::new();
    let mut any_rule = false;
    for p in selected {
        for &k in set.isolating(set.index_of(p), Direction::Ingress) {
            let Some(np) = set.nps.get(k) else { continue };
            any_rule |= !np.policy.spec.ingress.is_empty();
            if !names.contains(&np.name) {
                names.push(np.name.clone());
            }
        }
    }
    if selected.is_empty() {
        return None;
    }
    Some(if names.is_empty() {
        check(
            "network-policy",
            Mark::Pass,
            "NetworkPolicy: no policy isolates the Service's Pods for ingress".into(),
            Vec::new(),
            "",
        )
    } else if !any_rule {
        check(
            "network-policy",
            Mark::Fail,
            "NetworkPolicy: the Service's Pods accept no ingress".into(),
            vec![format!(
                "{} isolate{} them for ingress and {} no ingress rule: every connection is dropped (clients time out)",
                names.join(", "),
                if names.len() == 1 { "s" } else { "" },
                if names.len() == 1 { "has" } else { "have" }
            )],
            "Add an ingress rule that allows the clients on the target port (from a podSelector or namespaceSelector), or remove the policy.",
        )
    } else {
        check(
            "network-policy",
            Mark::Info,
            "NetworkPolicy: policies isolate the Service's Pods for ingress; only what their rules allow gets in".into(),
            vec![format!("isolating: {}", names.join(", "))],
            "Check that a rule allows your client on the target port: netsim request FROM SERVICE shows the decision.",
        )
    })
}

fn endpoints_row(net: &Network<'_>, svc: &Service, checks: &mut Vec<Check>) {
    let slices: Vec<_> = net
        .objects
        .endpoint_slices
        .iter()
        .filter(|e| {
            e.meta.namespace == svc.meta.namespace && e.service_name() == Some(&svc.meta.name)
        })
        .collect();
    let mut ready = Vec::new();
    let mut not_ready = Vec::new();
    let mut portless = Vec::new();
    for s in &slices {
        if s.ports.is_empty() && !svc.spec.ports.is_empty() {
            // The controller puts a Pod whose targetPorts all failed to resolve in a slice
            // without ports; kube-proxy and `kubectl get endpoints` have nothing to use there.
            portless
                .extend(s.endpoints.iter().flat_map(|e| e.addresses.iter().map(|a| a.to_string())));
            continue;
        }
        let ports: Vec<String> =
            s.ports.iter().map(|p| format!("{}", p.port.unwrap_or(0))).collect();
        for e in &s.endpoints {
            for a in &e.addresses {
                let t = if ports.is_empty() {
                    a.to_string()
                } else {
                    ports.iter().map(|p| format!("{a}:{p}")).collect::<Vec<_>>().join(",")
                };
                if e.conditions.ready == Some(false) {
                    not_ready.push(t);
                } else {
                    ready.push(t);
                }
            }
        }
    }
    let mut ev = vec![format!(
        "ENDPOINTS {}",
        if ready.is_empty() { "<none>".to_string() } else { ready.join(",") }
    )];
    if !not_ready.is_empty() {
        ev.push(format!("not ready: {}", not_ready.join(",")));
    }
    if !portless.is_empty() {
        ev.push(format!(
            "in a slice without ports (no targetPort resolved): {}",
            portless.join(",")
        ));
    }
    checks.push(if ready.is_empty() {
        ev.push(
            "kube-proxy installs a REJECT rule: connections to the Service are refused at once"
                .into(),
        );
        check(
            "endpoints",
            Mark::Fail,
            "the Service has no ready endpoints".into(),
            ev,
            "Fix the rows above: the selector must match running, Ready Pods whose ports resolve.",
        )
    } else {
        check("endpoints", Mark::Pass, format!("{} ready endpoint(s)", ready.len()), ev, "")
    });
}

fn dns_row(net: &Network<'_>, svc: &Service) -> Check {
    let d = &net.settings.cluster_domain;
    let (n, ns) = (&svc.meta.name, &svc.meta.namespace);
    let fq = format!("{n}.{ns}.svc.{d}.");
    let r = net.zone.query(&fq, RecordType::A);
    let answers: Vec<String> =
        r.answer.iter().map(|a| format!("{} {}", a.rtype.as_str(), a.data)).collect();
    let ans = if answers.is_empty() {
        r.rcode.map(|c| c.as_str().to_string()).unwrap_or_else(|| "no answer".into())
    } else {
        answers.join(", ")
    };
    let mut ev = vec![
        format!("{fq} → {ans}"),
        format!("{n} works from Pods in namespace {ns} only; {n}.{ns} and {n}.{ns}.svc from Pods in any namespace; the full name {n}.{ns}.svc.{d} from any Pod using cluster DNS"),
        "nodes and outside clients do not use cluster DNS".into(),
    ];
    if svc.spec.headless {
        ev.push(
            "headless: the A records are the ready Pod IPs; clients connect to them directly"
                .into(),
        );
    }
    // "Does any Service work by DNS name?": the nameserver Pods use is itself a Service.
    let dns_ip = net.settings.cluster_dns.first().copied();
    let dns_svc = dns_ip
        .and_then(|ip| net.vips.get(&ip))
        .and_then(|v| v.first())
        .and_then(|i| net.objects.services.get(*i));
    let dns_ready = dns_svc.map(|d| {
        net.objects
            .endpoint_slices
            .iter()
            .filter(|e| {
                e.meta.namespace == d.meta.namespace && e.service_name() == Some(&d.meta.name)
            })
            .filter(|e| !e.ports.is_empty())
            .flat_map(|e| e.endpoints.iter())
            .filter(|e| e.conditions.ready != Some(false))
            .count()
    });
    match (dns_ip, dns_svc, dns_ready) {
        (Some(ip), Some(d), Some(0)) => {
            ev.push(format!("cluster DNS {ip} is Service {}/{}, which has no ready endpoints: every DNS query is rejected, so no name resolves from any Pod", d.meta.namespace, d.meta.name));
            return check("dns", Mark::Fail, "DNS: cluster DNS is down".into(), ev, "Fix the kube-dns Service and its CoreDNS Pods (netsim explain kube-dns -n kube-system); meanwhile the ClusterIP works.");
        }
        (Some(ip), None, _) => {
            ev.push(format!("no Service has the cluster DNS address {ip} (kubelet clusterDNS): Pods' DNS queries go nowhere"));
            return check(
                "dns",
                Mark::Fail,
                "DNS: cluster DNS is down".into(),
                ev,
                "Restore the kube-dns Service with the ClusterIP kubelet gives Pods as nameserver.",
            );
        }
        (Some(ip), Some(d), Some(n)) => {
            ev.push(format!(
                "cluster DNS {ip} is Service {}/{} with {n} ready endpoint(s)",
                d.meta.namespace, d.meta.name
            ));
        }
        _ => {}
    }
    if r.has_answer() {
        check("dns", Mark::Pass, format!("DNS: {fq} resolves"), ev, "")
    } else {
        check(
            "dns",
            Mark::Fail,
            format!("DNS: {fq} has no address"),
            ev,
            if svc.spec.headless {
                "A headless Service only has A records for ready endpoints: fix the endpoints."
            } else {
                "Check the cluster DNS (netsim dns)."
            },
        )
    }
}

/// Whether a rule's comment names Service `ns/name` (quoted `"ns/name:port …"` or bare
/// `ns/name`), not a longer name that merely starts the same.
fn mentions(rule: &str, key: &str) -> bool {
    for pre in ["--comment \"", "--comment "] {
        let pat = format!("{pre}{key}");
        let mut rest = rule;
        while let Some(i) = rest.find(&pat) {
            let after = rest.get(i + pat.len()..).unwrap_or("");
            if matches!(after.chars().next(), None | Some(':' | ' ' | '"')) {
                return true;
            }
            rest = after;
        }
    }
    false
}

/// What iptables mode wrote for the Service `key` (`ns/name`) on one node.
fn iptables_evidence(
    node: &str,
    rules: &crate::proxy::RuleTable,
    key: &str,
    ev: &mut Vec<String>,
    missing: &mut bool,
) {
    let mut svc_rules = 0;
    let mut seps = 0;
    let mut reject = 0;
    let mut svc_chains = 0;
    for t in &rules.tables {
        for c in &t.chains {
            let k = c.rules.iter().filter(|r| mentions(&r.text, key)).count();
            if t.name == "nat" && c.name == "KUBE-SERVICES" {
                svc_rules += k;
            }
            if t.name == "filter" {
                reject += c
                    .rules
                    .iter()
                    .filter(|r| mentions(&r.text, key) && r.text.contains("-j REJECT"))
                    .count();
            }
            if t.name == "nat"
                && k > 0
                && (c.name.starts_with("KUBE-SVC-") || c.name.starts_with("KUBE-SVL-"))
            {
                svc_chains += 1;
            }
            if t.name == "nat" && k > 0 && c.name.starts_with("KUBE-SEP-") {
                seps += 1;
            }
        }
    }
    if reject > 0 {
        ev.push(format!("{node}: {reject} REJECT rule(s) in filter (no endpoints)"));
    } else if svc_rules == 0 {
        *missing = true;
        ev.push(format!("{node}: no rule in KUBE-SERVICES"));
    } else {
        ev.push(format!("{node}: {svc_rules} rule(s) in KUBE-SERVICES, {svc_chains} KUBE-SVC chain(s), {seps} KUBE-SEP chain(s)"));
    }
}

/// What nftables mode wrote for the Service `key` (`ns/name`) on one node, read from the dump:
/// its elements in the `service-ips` / `service-nodeports` verdict maps, its per-service and
/// per-endpoint chains (their names carry `ns/name/`), its `no-endpoint-*` elements.
fn nft_evidence(node: &str, dump: &str, key: &str, ev: &mut Vec<String>, missing: &mut bool) {
    let in_name = format!("-{key}/");
    let in_comment = |l: &str| {
        l.match_indices(&format!("comment \"{key}"))
            .any(|(i, m)| matches!(l[i + m.len()..].chars().next(), Some(':' | '"')))
    };
    let (mut elements, mut chains, mut endpoints, mut no_endpoints) = (0, 0, 0, 0);
    for l in dump.lines() {
        if l.starts_with("add element")
            && (l.contains(" service-ips ") || l.contains(" service-nodeports "))
            && l.contains(&in_name)
        {
            elements += 1;
        } else if l.starts_with("add element") && l.contains(" no-endpoint-") && in_comment(l) {
            no_endpoints += 1;
        } else if let Some(name) =
            l.strip_prefix("add chain ").and_then(|r| r.split_whitespace().nth(2))
        {
            if name.contains(&in_name) {
                if name.starts_with("endpoint-") {
                    endpoints += 1;
                } else {
                    chains += 1;
                }
            }
        }
    }
    if no_endpoints > 0 && elements == 0 {
        ev.push(format!("{node}: {no_endpoints} element(s) in no-endpoint-services/no-endpoint-nodeports (no endpoints: reject or drop)"));
    } else if elements == 0 {
        *missing = true;
        ev.push(format!("{node}: no element in the service-ips or service-nodeports map"));
    } else {
        ev.push(format!("{node}: {elements} element(s) in service-ips/service-nodeports, {chains} service chain(s), {endpoints} endpoint chain(s)"));
    }
}

fn rules_row(net: &Network<'_>, svc: &Service, checks: &mut Vec<Check>) {
    if svc.spec.headless {
        checks.push(check(
            "rules",
            Mark::Info,
            "headless: kube-proxy writes no rules (there is no ClusterIP)".into(),
            Vec::new(),
            "",
        ));
        return;
    }
    let key = format!("{}/{}", svc.meta.namespace, svc.meta.name);
    let mut ev = Vec::new();
    let mut missing = false;
    for (i, n) in net.nodes.iter().enumerate() {
        match net.rules(i) {
            Some(super::NodeTables::Iptables(rules)) => {
                iptables_evidence(&n.name, rules, &key, &mut ev, &mut missing)
            }
            Some(super::NodeTables::Nftables(_)) => {
                if let Some(super::NodeRuleset::Nftables(rs)) = net.ruleset(i) {
                    nft_evidence(&n.name, &rs.dump_text(), &key, &mut ev, &mut missing)
                }
            }
            None => {
                ev.push(format!("{}: rules could not be built", n.name));
                missing = true;
            }
        }
    }
    checks.push(if missing {
        check(
            "rules",
            Mark::Fail,
            "kube-proxy rules missing on some node".into(),
            ev,
            "Check that kube-proxy runs on every node (netsim iptables --node NODE, or netsim nftables in nftables mode).",
        )
    } else {
        check("rules", Mark::Pass, "kube-proxy rules present on every node".into(), ev, "")
    });
}
