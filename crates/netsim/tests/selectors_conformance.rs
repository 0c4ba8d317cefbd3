//! Conformance: `tests/conformance/selectors/labels_selector_test.yaml` (upstream
//! `staging/src/k8s.io/apimachinery/pkg/labels/selector_test.go`), read at runtime with our own
//! YAML front end and checked case by case against `netsim::select`.

use netsim::model::Labels;
use netsim::select::{self, Operator, Requirement};
use netsim::syntax::{self, Node};
use netsim::text::FileId;

const PATH: &str =
    concat!(env!("CARGO_MANIFEST_DIR"), "/tests/conformance/selectors/labels_selector_test.yaml");

fn s(n: &Node<'_>) -> String {
    n.as_scalar().map(|s| s.text.to_string()).unwrap_or_default()
}

fn get<'a, 'b>(n: &'b Node<'a>, k: &str) -> Option<&'b Node<'a>> {
    n.get(k).map(|e| &e.value)
}

fn labels(n: Option<&Node<'_>>) -> Labels {
    let mut out = Labels::new();
    for e in n.and_then(|n| n.as_mapping()).unwrap_or(&[]) {
        out.insert(s(&e.key), s(&e.value));
    }
    out
}

fn strings(n: Option<&Node<'_>>) -> Vec<String> {
    n.and_then(|n| n.as_sequence()).unwrap_or(&[]).iter().map(s).collect()
}

fn boolean(n: Option<&Node<'_>>) -> bool {
    n.map(s).as_deref() == Some("true")
}

#[test]
fn labels_selector_test_yaml() {
    let text = std::fs::read_to_string(PATH).expect("conformance file");
    let parsed = syntax::parse(FileId(0), &text);
    assert!(parsed.diagnostics.is_empty(), "{:?}", parsed.diagnostics);
    let root = parsed.documents[0].root.as_ref().unwrap();
    let mut checked = 0;
    for g in get(root, "groups").unwrap().as_sequence().unwrap() {
        let test = s(get(g, "test").unwrap());
        match test.as_str() {
            "TestSelectorMatches" => {
                for c in get(g, "cases").unwrap().as_sequence().unwrap() {
                    let sel = select::parse(&s(get(c, "selector").unwrap())).expect("parses");
                    let l = labels(get(c, "labels"));
                    assert_eq!(sel.matches(&l), boolean(get(c, "match")), "{test}: {sel} on {l:?}");
                    checked += 1;
                }
            }
            "TestRequirementSelectorMatching" => {
                for c in get(g, "cases").unwrap().as_sequence().unwrap() {
                    let l = labels(get(c, "labels"));
                    let reqs: Vec<Requirement> = get(c, "requirements")
                        .unwrap()
                        .as_sequence()
                        .unwrap()
                        .iter()
                        .map(|r| {
                            let op =
                                Operator::from_selection(&s(get(r, "operator").unwrap())).unwrap();
                            Requirement::new(
                                &s(get(r, "key").unwrap()),
                                op,
                                strings(get(r, "values")),
                            )
                            .unwrap()
                        })
                        .collect();
                    let sel = select::Selector { requirements: reqs, nothing: false };
                    assert_eq!(sel.matches(&l), boolean(get(c, "match")), "{test}: {sel} on {l:?}");
                    checked += 1;
                }
            }
            "TestSetMatches" => {
                let l = labels(get(g, "labels"));
                for c in get(g, "cases").unwrap().as_sequence().unwrap() {
                    let set = labels(get(c, "selector_set"));
                    assert_eq!(
                        select::set_matches(&set, &l),
                        boolean(get(c, "match")),
                        "{test}: {set:?}"
                    );
                    // A Service's selector: empty selects nothing (kubernetes-networking.md §1.1).
                    if set.is_empty() {
                        assert!(!select::service_selects(Some(&set), &l));
                    }
                    checked += 1;
                }
            }
            "TestRequirementConstructor" => {
                for c in get(g, "cases").unwrap().as_sequence().unwrap() {
                    let op = Operator::from_selection(&s(get(c, "op").unwrap())).unwrap();
                    let r =
                        Requirement::new(&s(get(c, "key").unwrap()), op, strings(get(c, "values")));
                    assert_eq!(r.is_ok(), boolean(get(c, "valid")), "{test}: {r:?}");
                    checked += 1;
                }
            }
            "TestSelectorParse" => {
                for c in get(g, "good").unwrap().as_sequence().unwrap() {
                    let input = s(c);
                    let sel = select::parse(&input).unwrap_or_else(|e| panic!("{input:?}: {e}"));
                    assert_eq!(sel.to_string(), input.replace(' ', ""), "String() of {input:?}");
                    checked += 1;
                }
                for c in get(g, "bad").unwrap().as_sequence().unwrap() {
                    let input = s(c);
                    assert!(select::parse(&input).is_err(), "{input:?} must not parse");
                    checked += 1;
                }
            }
            other => panic!("unknown group {other}"),
        }
    }
    assert!(checked >= 60, "only {checked} cases checked");
}

#[test]
fn label_selector_nil_empty_and_operators() {
    use netsim::model::{LabelSelector, LabelSelectorRequirement};
    let mut l = Labels::new();
    l.insert("app".into(), "web".into());
    assert!(!select::label_selector_matches(None, &l));
    assert!(select::label_selector_matches(Some(&LabelSelector::default()), &l));
    let sel = LabelSelector {
        match_labels: Labels::new(),
        match_expressions: vec![
            LabelSelectorRequirement {
                key: "app".into(),
                operator: "In".into(),
                values: vec!["web".into()],
            },
            LabelSelectorRequirement {
                key: "tier".into(),
                operator: "DoesNotExist".into(),
                values: vec![],
            },
            LabelSelectorRequirement {
                key: "env".into(),
                operator: "NotIn".into(),
                values: vec!["prod".into()],
            },
        ],
    };
    assert!(select::label_selector_matches(Some(&sel), &l));
    assert!(select::label_selector_as_selector(Some(&sel)).unwrap().matches(&l));
    assert!(!select::service_selects(None, &l));
    assert!(select::service_selects(Some(&l), &l));
}
