//! Decoding, defaulting and validation of NetworkPolicy and ClusterNetworkPolicy.
//!
//! The NetworkPolicy cases are upstream's `pkg/apis/networking/validation/validation_test.go`
//! `TestValidateNetworkPolicy` (its `successCases` and `errorCases`, written as YAML; the case
//! names are upstream's), with the exact messages of `validation.go` where we check the text.

use crate::diagnostic::{Severity, SourceFiles};
use crate::manifest::{load, Loaded};
use crate::model::*;

fn load_str(text: &str) -> Loaded {
    let mut files = SourceFiles::default();
    files.add("t.yaml", text);
    load(&files)
}

fn errors(l: &Loaded) -> Vec<String> {
    l.diagnostics
        .iter()
        .filter(|d| d.severity == Severity::Error)
        .map(|d| d.message.clone())
        .collect()
}

/// `makeValidNetworkPolicy()` (name foo, namespace bar, podSelector a=b) with `spec` lines added.
/// The namespace `bar` is created first (the API server refuses objects in a missing one).
fn np(spec: &str) -> String {
    format!("apiVersion: v1\nkind: Namespace\nmetadata: {{name: bar}}\n---\napiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {{name: foo, namespace: bar}}\nspec:\n  podSelector: {{matchLabels: {{a: b}}}}\n{spec}\n")
}

const V4_BLOCK: &str = "{cidr: 192.168.0.0/16, except: [192.168.3.0/24, 192.168.4.0/24]}";
const V6_BLOCK: &str =
    "{cidr: \"fd00:192:168::/48\", except: [\"fd00:192:168:3::/64\", \"fd00:192:168:4::/64\"]}";

#[test]
fn upstream_success_cases() {
    let ports = "[{port: 80}, {protocol: TCP}, {protocol: TCP, port: 443}, {protocol: UDP, port: dns}, {protocol: SCTP, port: 7777}]";
    let cases = [
        "  ingress: [{}]".to_string(),
        "  ingress: [{from: [{}], ports: [{}]}]".replace("from: [{}], ", ""),
        format!("  ingress: [{{ports: {ports}}}]"),
        "  ingress: [{from: [{podSelector: {matchLabels: {c: d}}}]}]".to_string(),
        "  ingress: [{from: [{namespaceSelector: {matchLabels: {c: d}}}]}]".to_string(),
        "  ingress: [{from: [{podSelector: {matchLabels: {e: f}}, namespaceSelector: {matchLabels: {c: d}}}]}]".to_string(),
        format!("  egress: [{{to: [{{namespaceSelector: {{matchLabels: {{c: d}}}}}}]}}]\n  ingress: [{{from: [{{ipBlock: {V4_BLOCK}}}]}}]"),
        format!("  ingress: [{{from: [{{ipBlock: {V4_BLOCK}}}]}}]"),
        format!("  egress: [{{to: [{{ipBlock: {V4_BLOCK}}}]}}]\n  policyTypes: [Egress]"),
        format!("  egress: [{{to: [{{ipBlock: {V4_BLOCK}}}]}}]\n  policyTypes: [Ingress, Egress]"),
        format!("  egress: [{{ports: {ports}}}]"),
        format!("  egress: [{{to: [{{namespaceSelector: {{matchLabels: {{c: d}}}}}}]}}]\n  ingress: [{{from: [{{ipBlock: {V6_BLOCK}}}]}}]"),
        format!("  ingress: [{{from: [{{ipBlock: {V6_BLOCK}}}]}}]"),
        format!("  egress: [{{to: [{{ipBlock: {V6_BLOCK}}}]}}]\n  policyTypes: [Egress]"),
        "  egress: [{ports: [{port: 32000, endPort: 32768}, {protocol: UDP, port: dns}]}]".to_string(),
        "  egress: [{to: [{namespaceSelector: {matchLabels: {c: d}}}], ports: [{port: 30000, endPort: 32768}, {port: 32000, endPort: 32768}]}]\n  ingress: [{from: [{podSelector: {matchLabels: {e: f}}}], ports: [{protocol: TCP, port: 32768, endPort: 32768}]}]".to_string(),
    ];
    for spec in cases {
        let l = load_str(&np(&spec));
        assert_eq!(errors(&l), Vec::<String>::new(), "{spec}");
        assert_eq!(l.objects.network_policies.len(), 1);
    }
}

#[test]
fn upstream_error_cases() {
    let bad_sel = "{matchLabels: {\"NoUppercaseOrSpecialCharsLike=Equals\": b}}";
    let cases: Vec<(&str, String, Vec<&str>)> = vec![
        ("namespaceSelector and ipBlock", format!("  ingress: [{{from: [{{namespaceSelector: {{matchLabels: {{c: d}}}}, ipBlock: {V4_BLOCK}}}]}}]"),
            vec!["spec.ingress[0].from[0]: Forbidden: may not specify both ipBlock and another peer"]),
        ("podSelector and ipBlock", format!("  egress: [{{to: [{{podSelector: {{matchLabels: {{c: d}}}}, ipBlock: {V4_BLOCK}}}]}}]"),
            vec!["spec.egress[0].to[0]: Forbidden: may not specify both ipBlock and another peer"]),
        ("missing from and to type", "  ingress: [{from: [{}]}]\n  egress: [{to: [{}]}]".to_string(),
            vec!["spec.ingress[0].from[0]: Required value: must specify a peer", "spec.egress[0].to[0]: Required value: must specify a peer"]),
        // The podSelector itself is replaced below.
        ("invalid spec.podSelector", "  ingress: [{from: [{namespaceSelector: {matchLabels: {c: d}}}]}]".to_string(),
            vec!["spec.podSelector.matchLabels: Invalid value: \"NoUppercaseOrSpecialCharsLike=Equals\": name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')"]),
        ("invalid ingress.ports.protocol", "  ingress: [{ports: [{protocol: ICMP, port: 80}]}]".to_string(),
            vec!["spec.ingress[0].ports[0].protocol: Unsupported value: \"ICMP\": supported values: \"TCP\", \"UDP\", \"SCTP\""]),
        ("invalid ingress.ports.port (int)", "  ingress: [{ports: [{protocol: TCP, port: 123456789}]}]".to_string(),
            vec!["spec.ingress[0].ports[0].port: Invalid value: 123456789: must be between 1 and 65535, inclusive"]),
        ("invalid ingress.ports.port (str)", "  ingress: [{ports: [{protocol: TCP, port: \"!@#$\"}]}]".to_string(),
            vec!["spec.ingress[0].ports[0].port: Invalid value: \"!@#$\": must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)",
                 "spec.ingress[0].ports[0].port: Invalid value: \"!@#$\": must contain at least one letter (a-z)"]),
        ("invalid ingress.from.podSelector", format!("  ingress: [{{from: [{{podSelector: {bad_sel}}}]}}]"), vec![]),
        ("invalid egress.to.podSelector", format!("  egress: [{{to: [{{podSelector: {bad_sel}}}]}}]"), vec![]),
        ("invalid egress.ports.protocol", "  egress: [{ports: [{protocol: ICMP, port: 80}]}]".to_string(),
            vec!["spec.egress[0].ports[0].protocol: Unsupported value: \"ICMP\": supported values: \"TCP\", \"UDP\", \"SCTP\""]),
        ("invalid egress.ports.port (int)", "  egress: [{ports: [{protocol: TCP, port: 123456789}]}]".to_string(), vec![]),
        ("invalid egress.ports.port (str)", "  egress: [{ports: [{protocol: TCP, port: \"!@#$\"}]}]".to_string(), vec![]),
        ("invalid ingress.from.namespaceSelector", format!("  ingress: [{{from: [{{namespaceSelector: {bad_sel}}}]}}]"), vec![]),
        ("missing cidr field", "  ingress: [{from: [{ipBlock: {cidr: \"\", except: [192.168.3.0/24]}}]}]".to_string(),
            vec!["spec.ingress[0].from[0].ipBlock.cidr: Required value"]),
        ("invalid cidr format", "  ingress: [{from: [{ipBlock: {cidr: 192.168.5.6, except: [192.168.3.0/24]}}]}]".to_string(),
            vec!["spec.ingress[0].from[0].ipBlock.cidr: Invalid value: \"192.168.5.6\": must be a valid CIDR value, (e.g. 10.9.8.0/24 or 2001:db8::/64)"]),
        ("invalid ipv6 cidr format", "  ingress: [{from: [{ipBlock: {cidr: \"fd00:192:168::\"}}]}]".to_string(), vec![]),
        ("except field is an empty string", "  ingress: [{from: [{ipBlock: {cidr: 192.168.0.0/16, except: [\"\"]}}]}]".to_string(),
            vec!["spec.ingress[0].from[0].ipBlock.except[0]: Invalid value: \"\": must be a valid CIDR value, (e.g. 10.9.8.0/24 or 2001:db8::/64)"]),
        ("except field is an space string", "  ingress: [{from: [{ipBlock: {cidr: 192.168.0.0/16, except: [\" \"]}}]}]".to_string(), vec![]),
        ("except field is an invalid ip", "  ingress: [{from: [{ipBlock: {cidr: 192.168.0.0/16, except: [300.300.300.300]}}]}]".to_string(), vec![]),
        ("except IP is outside of CIDR range", "  ingress: [{from: [{ipBlock: {cidr: 192.168.8.0/24, except: [192.168.9.1/32]}}]}]".to_string(),
            vec!["spec.ingress[0].from[0].ipBlock.except[0]: Invalid value: \"192.168.9.1/32\": must be a strict subset of `cidr`"]),
        ("except IP is not strictly within CIDR range", "  ingress: [{from: [{ipBlock: {cidr: 192.168.0.0/24, except: [192.168.0.0/24]}}]}]".to_string(),
            vec!["spec.ingress[0].from[0].ipBlock.except[0]: Invalid value: \"192.168.0.0/24\": must be a strict subset of `cidr`"]),
        ("except IPv6 is outside of CIDR range", "  ingress: [{from: [{ipBlock: {cidr: \"fd00:192:168:1::/64\", except: [\"fd00:192:168:2::/64\"]}}]}]".to_string(), vec![]),
        ("invalid policyTypes", format!("  egress: [{{to: [{{ipBlock: {V4_BLOCK}}}]}}]\n  policyTypes: [foo, bar]"),
            vec!["spec.policyTypes[0]: Unsupported value: \"foo\": supported values: \"Ingress\", \"Egress\"",
                 "spec.policyTypes[1]: Unsupported value: \"bar\": supported values: \"Ingress\", \"Egress\""]),
        ("too many policyTypes", format!("  egress: [{{to: [{{ipBlock: {V4_BLOCK}}}]}}]\n  policyTypes: [foo, bar, baz]"),
            vec!["spec.policyTypes: Invalid value: []networking.PolicyType{\"foo\", \"bar\", \"baz\"}: may not specify more than two policyTypes"]),
        ("multiple ports defined, one port range is invalid", "  egress: [{to: [{namespaceSelector: {matchLabels: {c: d}}}], ports: [{protocol: UDP, port: 35000, endPort: 32768}, {port: 32000, endPort: 32768}]}]".to_string(),
            // The endPort value since kubernetes#137960 (v1.37, the default version here).
            vec!["spec.egress[0].ports[0].endPort: Invalid value: 32768: must be greater than or equal to `port`"]),
        ("endPort defined with named/string port", "  egress: [{to: [{namespaceSelector: {matchLabels: {c: d}}}], ports: [{protocol: UDP, port: dns, endPort: 32768}, {port: 32000, endPort: 32768}]}]".to_string(),
            vec!["spec.egress[0].ports[0].endPort: Invalid value: 32768: may not be specified when `port` is non-numeric"]),
        ("endPort defined without port defined", "  egress: [{to: [{namespaceSelector: {matchLabels: {c: d}}}], ports: [{protocol: TCP, endPort: 32768}]}]".to_string(),
            vec!["spec.egress[0].ports[0].endPort: Invalid value: 32768: may not be specified when `port` is not specified"]),
        ("port is greater than endPort", "  egress: [{to: [{namespaceSelector: {matchLabels: {c: d}}}], ports: [{protocol: SCTP, port: 35000, endPort: 32768}]}]".to_string(), vec![]),
        ("multiple invalid port ranges defined", "  egress: [{to: [{namespaceSelector: {matchLabels: {c: d}}}], ports: [{protocol: UDP, port: 35000, endPort: 32768}, {protocol: TCP, endPort: 32768}, {protocol: TCP, port: https, endPort: 32768}]}]".to_string(), vec![]),
        ("invalid endport range defined", "  egress: [{to: [{namespaceSelector: {matchLabels: {c: d}}}], ports: [{protocol: TCP, port: 30000, endPort: 65537}]}]".to_string(),
            vec!["spec.egress[0].ports[0].endPort: Invalid value: 65537: must be between 1 and 65535, inclusive"]),
    ];
    for (name, spec, want) in cases {
        let text = if name == "invalid spec.podSelector" {
            np(&spec).replacen("{matchLabels: {a: b}}", bad_sel, 1)
        } else {
            np(&spec)
        };
        let l = load_str(&text);
        let got = errors(&l);
        assert!(!got.is_empty(), "{name}: expected a failure");
        for w in want {
            assert!(got.iter().any(|g| g == w), "{name}: want {w:?} in {got:#?}");
        }
        // `kubectl apply` groups them as `The NetworkPolicy "foo" is invalid`.
        assert!(
            l.diagnostics
                .iter()
                .filter(|d| d.severity == Severity::Error)
                .all(|d| d.object.as_deref() == Some("NetworkPolicy \"foo\"")),
            "{name}"
        );
        assert!(
            l.accepted().network_policies.is_empty(),
            "{name}: an invalid object is not created"
        );
    }
}

#[test]
fn defaulting() {
    // SetDefaults_NetworkPolicy: no policyTypes → [Ingress], plus Egress when egress has rules.
    let types = |spec: &str| {
        let l = load_str(&np(spec));
        assert_eq!(errors(&l), Vec::<String>::new());
        l.objects.network_policies[0].spec.policy_types.clone()
    };
    assert_eq!(types(""), vec![PolicyType::Ingress]);
    assert_eq!(types("  egress: [{}]"), vec![PolicyType::Ingress, PolicyType::Egress]);
    assert_eq!(types("  egress: []"), vec![PolicyType::Ingress]);
    assert_eq!(types("  policyTypes: [Egress]\n  ingress: [{}]"), vec![PolicyType::Egress]);
    // SetDefaults_NetworkPolicyPort: a nil protocol is TCP; an empty one is not nil.
    let l = load_str(&np("  ingress: [{ports: [{port: 80}]}]"));
    assert_eq!(l.objects.network_policies[0].spec.ingress[0].ports[0].protocol, Protocol::Tcp);
    let l = load_str(&np("  ingress: [{ports: [{port: 80, protocol: \"\"}]}]"));
    assert_eq!(errors(&l), vec!["spec.ingress[0].ports[0].protocol: Unsupported value: \"\": supported values: \"TCP\", \"UDP\", \"SCTP\""]);
    // `podSelector: null` is the empty selector (a value, not a pointer); a peer's `null`
    // selector is absent.
    let l = load_str("apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: p}\nspec:\n  podSelector:\n  ingress: [{from: [{podSelector: null}]}]\n");
    assert_eq!(errors(&l), vec!["spec.ingress[0].from[0]: Required value: must specify a peer"]);
    assert_eq!(l.objects.network_policies[0].spec.pod_selector, LabelSelector::default());
    assert_eq!(l.objects.network_policies[0].meta.namespace, "default");
}

#[test]
fn decoding_warnings_and_spans() {
    let text = "apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: p}\nspec:\n  podSelector: {}\n  ingres: [{}]\n  egress:\n  - too: []\n    ports: [{port: 80, endport: 90}]\n";
    let l = load_str(text);
    let msgs: Vec<(&str, &str)> = l
        .diagnostics
        .iter()
        .map(|d| (d.message.as_str(), d.hints.first().map(String::as_str).unwrap_or("")))
        .collect();
    assert_eq!(
        msgs,
        vec![
            ("unknown field \"spec.ingres\"", "did you mean `ingress`?"),
            ("unknown field \"spec.egress[0].too\"", "did you mean `to`?"),
            ("unknown field \"spec.egress[0].ports[0].endport\"", "did you mean `endPort`?"),
        ]
    );
    // Validation errors point at the field.
    let text = np("  ingress:\n  - ports:\n    - port: 0\n");
    let l = load_str(&text);
    let d = l.diagnostics.iter().find(|d| d.severity == Severity::Error).expect("an error");
    let at = &text[d.span.range.start as usize..d.span.range.end as usize];
    assert_eq!((d.message.as_str(), at), ("spec.ingress[0].ports[0].port: Invalid value: 0: must be between 1 and 65535, inclusive", "0"));
    // A string where a number is expected is the JSON decoder's error, with the Go type.
    let l = load_str(&np("  ingress: [{ports: [{endPort: \"90\", port: 80}]}]"));
    assert_eq!(l.diagnostics[0].code, "wrong-type");
    assert!(
        l.diagnostics[0].hints[0]
            .contains("Go struct field NetworkPolicyPort.spec.ingress.ports.endPort of type int32"),
        "{:?}",
        l.diagnostics[0].hints
    );
}

fn cnp(spec: &str) -> String {
    format!("apiVersion: policy.networking.k8s.io/v1alpha2\nkind: ClusterNetworkPolicy\nmetadata: {{name: c}}\nspec:\n{spec}\n")
}

#[test]
fn cluster_network_policy_schema() {
    let ok = cnp("  tier: Admin\n  priority: 10\n  subject: {namespaces: {}}\n  ingress:\n  - name: r\n    action: Deny\n    from: [{namespaces: {}}]\n    protocols: [{tcp: {destinationPort: {range: {start: 80, end: 90}}}}]\n  egress:\n  - action: Accept\n    to: [{networks: [10.0.0.0/8]}, {nodes: {}}, {pods: {podSelector: {}}}]");
    let l = load_str(&ok);
    assert_eq!(errors(&l), Vec::<String>::new());
    let c = &l.objects.cluster_network_policies[0];
    assert_eq!(c.meta.namespace, "");
    assert_eq!(
        c.spec.ingress[0].protocols,
        vec![CnpProtocol::Port {
            protocol: Protocol::Tcp,
            port: Some(CnpPort::Range { start: 80, end: 90 })
        }]
    );
    assert_eq!(
        c.spec.egress[0].peers[2],
        CnpPeer::Pods(NamespacedPod::default()),
        "an omitted namespaceSelector selects every namespace"
    );
    let cases: Vec<(&str, Vec<&str>)> = vec![
        ("  tier: admin\n  priority: 1001\n  subject: {namespaces: {}, pods: {podSelector: {}}}", vec![
            "spec.tier: Unsupported value: \"admin\": supported values: \"Admin\", \"Baseline\"",
            "spec.priority: Invalid value: 1001: spec.priority in body should be less than or equal to 1000",
            "spec.subject: Too many: 2: must have at most 1 items",
        ]),
        ("  priority: -1", vec![
            "spec.tier: Required value",
            "spec.priority: Invalid value: -1: spec.priority in body should be greater than or equal to 0",
            "spec.subject: Required value",
        ]),
        ("  tier: Baseline\n  priority: 1\n  subject: {}\n  ingress:\n  - action: Allow\n    from: []\n  - from: [{namespaces: {}, pods: {podSelector: {}}}]", vec![
            "spec.subject: Invalid value: 0: spec.subject in body should have at least 1 properties",
            "spec.ingress[0].action: Unsupported value: \"Allow\": supported values: \"Accept\", \"Deny\", \"Pass\"",
            "spec.ingress[0].from: Invalid value: 0: spec.ingress[0].from in body should have at least 1 items",
            "spec.ingress[1].action: Required value",
            "spec.ingress[1].from[0]: Too many: 2: must have at most 1 items",
        ]),
        ("  tier: Admin\n  priority: 1\n  subject: {pods: {namespaceSelector: {}}}\n  egress:\n  - action: Deny\n    to: [{networks: [10.0.0.1, \"::ffff:1.2.3.4/120\"]}]\n    protocols: [{destinationNamedPort: http}, {udp: {destinationPort: {range: {start: 53, end: 53}}}}, {tcp: {}}]", vec![
            "spec.subject.pods.podSelector: Required value",
            "spec.egress[0].to[0].networks[0]: Invalid value: \"string\": Invalid CIDR format provided",
            "spec.egress[0].to[0].networks[1]: Invalid value: \"string\": Invalid CIDR format provided",
            "spec.egress[0].protocols[1].udp.destinationPort.range: Invalid value: \"object\": Start port must be less than End port",
            "spec.egress[0].protocols[2].tcp: Invalid value: 0: spec.egress[0].protocols[2].tcp in body should have at least 1 properties",
            "spec.egress[0]: Invalid value: \"object\": networks/nodes/domainNames peer cannot be set with namedPorts since there are no namedPorts for networks/nodes/domainNames",
        ]),
    ];
    for (spec, want) in cases {
        let l = load_str(&cnp(spec));
        assert_eq!(errors(&l), want, "{spec}");
        assert!(l
            .diagnostics
            .iter()
            .filter(|d| d.severity == Severity::Error)
            .all(|d| d.object.as_deref() == Some("ClusterNetworkPolicy \"c\"")));
    }
    // 26 rules: maxItems 25.
    let rules: String = (0..26).map(|_| "  - {action: Deny, from: [{namespaces: {}}]}\n").collect();
    let l = load_str(&cnp(&format!(
        "  tier: Admin\n  priority: 1\n  subject: {{namespaces: {{}}}}\n  ingress:\n{rules}"
    )));
    assert_eq!(errors(&l), vec!["spec.ingress: Too many: 26: must have at most 25 items"]);
    // The conformance suite's newest manifests use v1beta1; an unknown version is no match.
    let l = load_str(
        &cnp("  tier: Admin\n  priority: 1\n  subject: {namespaces: {}}")
            .replace("v1alpha2", "v1beta1"),
    );
    assert_eq!(errors(&l), Vec::<String>::new());
    let l = load_str(
        &cnp("  tier: Admin\n  priority: 1\n  subject: {namespaces: {}}")
            .replace("v1alpha2", "v1alpha1"),
    );
    assert_eq!(l.diagnostics[0].code, "no-kind-match");
    assert_eq!(
        l.diagnostics[0].hints[0],
        "ClusterNetworkPolicy is served as `apiVersion: policy.networking.k8s.io/v1alpha2`"
    );
}
