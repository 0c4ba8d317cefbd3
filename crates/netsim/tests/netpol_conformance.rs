//! Conformance: `tests/conformance/netpol/` — the upstream NetworkPolicy e2e suite
//! (`test/e2e/network/netpol/network_policy.go`) on its model cluster (`model.yaml`: namespaces
//! x, y, z; Pods a, b, c; ports 80/81 over TCP, UDP and SCTP; a Service per Pod).
//!
//! Every step of every case is loaded as one input (the model, relabelled where the step says,
//! plus the step's policies) and every probe's matrix is compared cell by cell, as upstream's
//! `ValidateOrFail` does (Pod-to-itself cells ignored, `ignoreLoopback`):
//!
//! - through the policy engine's public API ([`PolicySet::evaluate`]) on the connection the e2e
//!   probe makes: source Pod → the target's Service IP, DNATed to the target Pod on the same port
//!   (`probe.go` `probeWorker` dials the Service IP), for TCP, UDP and SCTP;
//! - for TCP also end to end, as `netsim request pod/NS/NAME CLUSTER-IP:PORT` decides it
//!   ([`Session::request`]): `connected` for a reachable cell, `timeout` (a dropping policy) for
//!   an unreachable one.

use netsim::diagnostic::Severity;
use netsim::model::Protocol;
use netsim::policy::{Connection, Decision, Peer, PolicySet};
use netsim::request::{Options, Outcome};
use netsim::session::Session;
use netsim::syntax::{self, Node as Y};
use netsim::text::FileId;

const DIR: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/conformance/netpol");
const PODS: [&str; 9] = ["x/a", "x/b", "x/c", "y/a", "y/b", "y/c", "z/a", "z/b", "z/c"];

fn s(n: &Y<'_>) -> String {
    n.as_scalar().map(|s| s.text.to_string()).unwrap_or_default()
}

fn get<'a, 'b>(n: &'b Y<'a>, k: &str) -> Option<&'b Y<'a>> {
    n.get(k).map(|e| &e.value)
}

fn seq<'a, 'b>(n: Option<&'b Y<'a>>) -> &'b [Y<'a>] {
    n.and_then(|n| n.as_sequence()).unwrap_or(&[])
}

fn read(file: &str) -> String {
    let path = format!("{DIR}/{file}");
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

fn model() -> String {
    let text = read("model.yaml");
    let parsed = syntax::parse(FileId(0), &text);
    assert!(parsed.diagnostics.is_empty(), "{:?}", parsed.diagnostics);
    let root = parsed.documents[0].root.as_ref().expect("document");
    s(get(root, "manifests").expect("manifests"))
}

/// Upstream's `Peer` as written in the files: `*`, `NS` or `NS/POD`.
fn peer_matches(pattern: &str, pod: &str) -> bool {
    pattern == "*" || pattern == pod || pod.split('/').next() == Some(pattern)
}

/// The expected matrix: all true, then each `[FROM, TO, connected]` in order.
fn expected(ops: &[Y<'_>]) -> Vec<Vec<bool>> {
    let mut m = vec![vec![true; PODS.len()]; PODS.len()];
    for op in ops {
        let op = op.as_sequence().expect("[FROM, TO, connected]");
        let (from, to, v) = (s(&op[0]), s(&op[1]), s(&op[2]) == "true");
        for (i, f) in PODS.iter().enumerate() {
            for (j, t) in PODS.iter().enumerate() {
                if peer_matches(&from, f) && peer_matches(&to, t) {
                    m[i][j] = v;
                }
            }
        }
    }
    m
}

/// The model with the step's `relabel` applied: `namespace/NS` or `pod/NS/NAME` → new labels.
fn relabelled(model: &str, relabel: Option<&Y<'_>>) -> String {
    let mut text = model.to_string();
    for e in relabel.and_then(|r| r.as_mapping()).unwrap_or(&[]) {
        let key = s(&e.key);
        let labels = s(&e.value);
        let old = match key.split('/').collect::<Vec<_>>()[..] {
            ["namespace", ns] => format!("metadata: {{name: \"{ns}\", labels: {{ns: \"{ns}\"}}}}"),
            ["pod", ns, p] => {
                format!("metadata: {{name: {p}, namespace: \"{ns}\", labels: {{pod: {p}}}}}")
            }
            _ => panic!("relabel {key}"),
        };
        assert!(text.contains(&old), "relabel {key}: `{old}` not in the model");
        let new = old.replace(
            &old[old.find("labels:").unwrap()..old.len() - 1],
            &format!("labels: {labels}"),
        );
        text = text.replace(&old, &new);
    }
    text
}

fn protocol(p: &str) -> Protocol {
    match p {
        "TCP" => Protocol::Tcp,
        "UDP" => Protocol::Udp,
        "SCTP" => Protocol::Sctp,
        _ => panic!("protocol {p}"),
    }
}

struct Probe {
    port: u16,
    protocol: Protocol,
    expect: Vec<Vec<bool>>,
}

/// Checks one step; returns the wrong cells, described.
fn check_step(name: &str, text: &str, probes: &[Probe]) -> Vec<String> {
    let session = Session::from_text("netpol.yaml", text);
    let errors: Vec<String> = session
        .diagnostics()
        .iter()
        .filter(|d| d.severity == Severity::Error)
        .map(|d| format!("{}: {}", d.code, d.message))
        .collect();
    assert!(errors.is_empty(), "{name}: {errors:?}");
    let objects = &session.cluster().objects;
    let set = PolicySet::new(objects);
    let pod = |k: &str| {
        let (ns, n) = k.split_once('/').unwrap();
        session.cluster().pod(ns, n).unwrap_or_else(|| panic!("{name}: no Pod {k}"))
    };
    let svc_ip = |k: &str| {
        let (ns, n) = k.split_once('/').unwrap();
        let svc = format!("s-{ns}-{n}");
        objects
            .services
            .iter()
            .find(|s| s.meta.namespace == ns && s.meta.name == svc)
            .and_then(|s| s.spec.cluster_ips.first().copied())
            .unwrap_or_else(|| panic!("{name}: no ClusterIP for {svc}"))
    };
    let mut wrong = Vec::new();
    for p in probes {
        for (i, from) in PODS.iter().enumerate() {
            for (j, to) in PODS.iter().enumerate() {
                if i == j {
                    continue; // ignoreLoopback
                }
                let want = p.expect[i][j];
                let conn = Connection {
                    source: Peer::Pod(pod(from)),
                    snat: None,
                    destination: Peer::Pod(pod(to)),
                    service_ip: Some(svc_ip(to)),
                    port: p.port,
                    protocol: p.protocol,
                };
                let v = set.evaluate(&conn);
                let want_d = if want { Decision::Allowed } else { Decision::Denied };
                if v.decision != want_d {
                    wrong.push(format!(
                        "{name}: {from} -> {to} {}/{}: policy {} (want {}): {}",
                        p.port,
                        p.protocol.as_str(),
                        v.decision.as_str(),
                        want_d.as_str(),
                        v.reason
                    ));
                }
                if p.protocol != Protocol::Tcp {
                    continue;
                }
                let target = format!("{}:{}", svc_ip(to), p.port);
                let want_o = if want { Outcome::Connected } else { Outcome::Timeout };
                match session.request(&format!("pod/{from}"), &target, Options::default()) {
                    Ok(r) if r.outcome == want_o => {}
                    Ok(r) => wrong.push(format!(
                        "{name}: request pod/{from} {target} ({to}): {} (want {}): {}",
                        r.outcome.as_str(),
                        want_o.as_str(),
                        r.reason
                    )),
                    Err(e) => wrong.push(format!("{name}: request pod/{from} {target}: {e:?}")),
                }
            }
        }
    }
    wrong
}

#[test]
fn network_policy_e2e() {
    let model = model();
    let text = read("network_policy.yaml");
    let parsed = syntax::parse(FileId(0), &text);
    assert!(parsed.diagnostics.is_empty(), "{:?}", parsed.diagnostics);
    let root = parsed.documents[0].root.as_ref().expect("document");
    let mut wrong = Vec::new();
    let (mut cases, mut cells) = (0, 0);
    for c in seq(get(root, "cases")) {
        let it = s(get(c, "it").expect("it"));
        cases += 1;
        for (k, step) in seq(get(c, "steps")).iter().enumerate() {
            let mut input = relabelled(&model, get(step, "relabel"));
            let policies = get(step, "policies").map(s).unwrap_or_default();
            if !policies.trim().is_empty() {
                input.push_str("\n---\n");
                input.push_str(&policies);
            }
            let probes: Vec<Probe> = seq(get(step, "probes"))
                .iter()
                .map(|p| Probe {
                    port: s(get(p, "port").expect("port")).parse().expect("port"),
                    protocol: protocol(&s(get(p, "protocol").expect("protocol"))),
                    expect: expected(seq(get(p, "expect"))),
                })
                .collect();
            cells += probes.len() * PODS.len() * (PODS.len() - 1);
            wrong.extend(check_step(&format!("{it} [step {}]", k + 1), &input, &probes));
        }
    }
    assert!(cases >= 40, "{cases} cases");
    assert!(wrong.is_empty(), "{} wrong of {cells} cells:\n{}", wrong.len(), wrong.join("\n"));
}

/// `kubectl apply -f` of one manifest, as `netsim check --format kubectl` prints it: the load's
/// answers plus the cluster stage's allocation answers; stdout, then stderr.
fn kubectl_apply(text: &str) -> String {
    let mut files = netsim::diagnostic::SourceFiles::default();
    files.add("np.yaml", text);
    let mut loaded = netsim::manifest::load(&files);
    let alloc = netsim::cluster::allocation_answers(&loaded);
    loaded.diagnostics.extend(alloc);
    let out = netsim::manifest::apply::kubectl_apply(&files, &loaded);
    format!("{}{}", out.stdout, out.stderr)
}

/// `validate_network_policy.yaml`: upstream `TestValidateNetworkPolicy`, each case as the
/// manifest kubectl sends and the text `kubectl apply` prints for it. `NETSIM_DUMP=1` prints what
/// the simulator answers instead.
#[test]
fn validate_network_policy() {
    let text = read("validate_network_policy.yaml");
    let parsed = syntax::parse(FileId(0), &text);
    assert!(parsed.diagnostics.is_empty(), "{:?}", parsed.diagnostics);
    let root = parsed.documents[0].root.as_ref().expect("document");
    let cluster = s(get(root, "cluster").expect("cluster"));
    let dump = std::env::var_os("NETSIM_DUMP").is_some();
    let mut failures = Vec::new();
    let cases = seq(get(root, "cases"));
    for c in cases {
        let name = s(get(c, "name").expect("name"));
        let m = get(c, "manifest").expect("manifest");
        let doc = &text[m.range.start as usize..m.range.end as usize];
        let got = kubectl_apply(&format!("{cluster}---\n{doc}\n"));
        let want = s(get(c, "kubectl").expect("kubectl"));
        if dump {
            println!("{name:?}:\n{got}");
        } else if got.trim_end() != want.trim_end() {
            failures.push(format!("case {name:?}:\n--- want\n{want}\n--- got\n{got}"));
        }
    }
    assert!(failures.is_empty(), "{} failing:\n{}", failures.len(), failures.join("\n"));
    assert_eq!(cases.len(), 48, "upstream: 17 success + 28 error cases, 3 declarative cases");
}

/// `cnp_isolation.yaml`: network-policy-api conformance tests for ClusterNetworkPolicy
/// (v1alpha2) on the suite's base manifests; each poke goes straight to the server's Pod IP.
#[test]
fn cluster_network_policy_isolation() {
    let base = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/src/policy/testdata/npapi-conformance-manifests.yaml"
    ))
    .expect("npapi manifests");
    let text = read("cnp_isolation.yaml");
    let parsed = syntax::parse(FileId(0), &text);
    assert!(parsed.diagnostics.is_empty(), "{:?}", parsed.diagnostics);
    let root = parsed.documents[0].root.as_ref().expect("document");
    let mut wrong = Vec::new();
    let mut pokes = 0;
    for t in seq(get(root, "tests")) {
        let name = s(get(t, "test").expect("test"));
        let input = format!("{base}\n---\n{}", s(get(t, "policies").expect("policies")));
        let session = Session::from_text("npapi.yaml", &input);
        assert_eq!(session.errors(), 0, "{name}: {:?}", session.diagnostics());
        let set = PolicySet::new(&session.cluster().objects);
        let pod = |k: &str| {
            let (ns, n) = k.split_once('/').unwrap();
            session.cluster().pod(ns, n).unwrap_or_else(|| panic!("{name}: no Pod {k}"))
        };
        for p in seq(get(t, "pokes")) {
            pokes += 1;
            let (from, to) = (s(get(p, "from").unwrap()), s(get(p, "to").unwrap()));
            let want = s(get(p, "connected").unwrap()) == "true";
            let v = set.evaluate(&Connection {
                source: Peer::Pod(pod(&from)),
                snat: None,
                destination: Peer::Pod(pod(&to)),
                service_ip: None,
                port: s(get(p, "port").unwrap()).parse().unwrap(),
                protocol: protocol(&s(get(p, "protocol").unwrap())),
            });
            let want_d = if want { Decision::Allowed } else { Decision::Denied };
            if v.decision != want_d {
                let run = s(get(p, "run").unwrap());
                wrong.push(format!(
                    "{name} / {run}: {} (want {}): {}",
                    v.decision.as_str(),
                    want_d.as_str(),
                    v.reason
                ));
            }
        }
    }
    assert_eq!(pokes, 12);
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}
