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

const PARSE_PATH: &str =
    concat!(env!("CARGO_MANIFEST_DIR"), "/tests/conformance/selectors/selector_parse_test.yaml");

fn requirement(r: &Node<'_>) -> Requirement {
    let op = Operator::from_selection(&s(get(r, "operator").unwrap())).unwrap();
    Requirement::new(&s(get(r, "key").unwrap()), op, strings(get(r, "values"))).unwrap()
}

/// `labels.Parse` of one case: valid with its `String()`, or invalid with upstream's text.
fn check_parse(c: &Node<'_>) {
    let input = s(get(c, "in").unwrap());
    match select::parse(&input) {
        Ok(sel) => {
            assert!(boolean(get(c, "valid")), "{input:?} must not parse, got {sel}");
            assert_eq!(sel.to_string(), s(get(c, "string").unwrap()), "String() of {input:?}");
        }
        Err(e) => {
            assert!(!boolean(get(c, "valid")), "{input:?} must parse: {e}");
            assert_eq!(e, s(get(c, "error").unwrap()), "error of {input:?}");
        }
    }
}

/// `kubectl get KINDS -l SELECTOR` on an empty cluster: the API server's BadRequest per kind.
fn check_kubectl(c: &Node<'_>) {
    use netsim::cluster::print::{self, GetRequest};
    let cluster = netsim::cluster::build(&netsim::model::Objects::default());
    let req = GetRequest {
        kinds: s(get(c, "kinds").unwrap()),
        names: strings(get(c, "names")),
        selector: s(get(c, "selector").unwrap()),
        ..Default::default()
    };
    if let Some(e) = get(c, "error") {
        assert_eq!(print::get(&cluster, &req), Err(s(e)), "{}", req.selector);
        assert_eq!(print::check(&req), Err(s(e)));
        return;
    }
    let out = print::get(&cluster, &req).expect("the request itself is fine");
    let want: Vec<String> = strings(get(c, "stderr"));
    assert_eq!(out.stderr.lines().collect::<Vec<_>>(), want, "{}", req.selector);
    assert_eq!(out.code, 1);
    assert_eq!(out.stdout, "");
}

/// Calls `check` with each case of the file at `path` and its group's `test` name; returns how
/// many cases were checked.
fn each_case(path: &str, mut check: impl FnMut(&str, &Node<'_>)) -> usize {
    let text = std::fs::read_to_string(path).expect("conformance file");
    let parsed = syntax::parse(FileId(0), &text);
    assert!(parsed.diagnostics.is_empty(), "{:?}", parsed.diagnostics);
    let root = parsed.documents[0].root.as_ref().unwrap();
    let mut checked = 0;
    for g in get(root, "groups").unwrap().as_sequence().unwrap() {
        let test = s(get(g, "test").unwrap());
        for c in get(g, "cases").unwrap().as_sequence().unwrap() {
            check(&test, c);
            checked += 1;
        }
    }
    checked
}

#[test]
fn selector_parse_test_yaml() {
    let checked = each_case(PARSE_PATH, |test, c| match test {
        "TestSetSelectorParser" | "TestSelectorParse" | "TestDeterministicParse" => check_parse(c),
        "TestLexer" => {
            let input = s(get(c, "s").unwrap());
            let toks = select::tokens(&input);
            let first = toks.first().map_or("EndOfStringToken", |t| t.0);
            assert_eq!(first, s(get(c, "token").unwrap()), "{input:?}");
            if let Some((_, lit)) = toks.first() {
                assert_eq!(lit, &input);
            }
        }
        "TestLexerSequence" => {
            let input = s(get(c, "s").unwrap());
            let toks: Vec<String> =
                select::tokens(&input).into_iter().map(|t| t.0.to_string()).collect();
            assert_eq!(toks, strings(get(c, "tokens")), "{input:?}");
        }
        "TestToString" => {
            let reqs = get(c, "requirements").unwrap().as_sequence().unwrap();
            let sel = select::Selector {
                requirements: reqs.iter().map(requirement).collect(),
                nothing: false,
            };
            assert_eq!(sel.to_string(), s(get(c, "string").unwrap()));
        }
        "TestRequirementConstructor" => {
            let op = Operator::from_selection(&s(get(c, "op").unwrap())).unwrap();
            let key = s(get(c, "key").unwrap());
            let r = Requirement::new(&key, op, strings(get(c, "values")));
            match get(c, "field").map(s) {
                None => assert!(r.is_ok(), "{key}: {r:?}"),
                Some(f) => {
                    let e = r.expect_err(&key);
                    assert!(e.starts_with(&format!("{f}: Invalid value: ")), "{key}: {e}");
                }
            }
        }
        "kubectl get -l" => check_kubectl(c),
        other => panic!("unknown group {other}"),
    });
    assert!(checked >= 70, "only {checked} cases checked");
}

/// `metav1.FormatLabelSelector` (kubectl's SELECTOR cell of workloads): requirements sorted by
/// key, set values sorted, `<none>` for nil and empty selectors.
#[test]
fn format_label_selector_sorts_like_upstream() {
    use netsim::model::{LabelSelector, LabelSelectorRequirement};
    assert_eq!(select::format_label_selector(None), "<none>");
    assert_eq!(select::format_label_selector(Some(&LabelSelector::default())), "<none>");
    let sel = LabelSelector {
        match_labels: [("zz".to_string(), "a".to_string()), ("app".into(), "d".into())].into(),
        match_expressions: vec![
            LabelSelectorRequirement {
                key: "env".into(),
                operator: "In".into(),
                values: vec!["z".into(), "b".into()],
            },
            LabelSelectorRequirement {
                key: "aa".into(),
                operator: "Exists".into(),
                values: vec![],
            },
        ],
    };
    assert_eq!(select::format_label_selector(Some(&sel)), "aa,app=d,env in (b,z),zz=a");
    // `safeSort` sorts without removing duplicates (selector_test.go TestSafeSort "duplicated
    // strings"): NewRequirement keeps the values it is given.
    let dup = LabelSelector {
        match_labels: Labels::new(),
        match_expressions: vec![LabelSelectorRequirement {
            key: "x".into(),
            operator: "In".into(),
            values: vec!["foo".into(), "bar".into(), "foo".into(), "bar".into()],
        }],
    };
    assert_eq!(select::format_label_selector(Some(&dup)), "x in (bar,bar,foo,foo)");
    let bad = LabelSelector {
        match_labels: Labels::new(),
        match_expressions: vec![LabelSelectorRequirement {
            key: "env".into(),
            operator: "In".into(),
            values: vec![],
        }],
    };
    assert_eq!(select::format_label_selector(Some(&bad)), "<error>");
}

const MORE_PATH: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/tests/conformance/selectors/labels_selector_more_test.yaml"
);

fn op(n: &Node<'_>) -> Operator {
    Operator::from_selection(&s(n)).unwrap_or_else(|| panic!("operator {}", s(n)))
}

fn requirements(n: Option<&Node<'_>>) -> Vec<Requirement> {
    n.and_then(|n| n.as_sequence()).unwrap_or(&[]).iter().map(requirement).collect()
}

fn is_null(n: Option<&Node<'_>>) -> bool {
    n.is_none_or(|n| n.as_scalar().is_some_and(|s| s.text == "null" || s.text == "~"))
}

/// One case of `labels_selector_more_test.yaml`.
fn check_more(test: &str, c: &Node<'_>) {
    let sel = |c: &Node<'_>| select::Selector {
        requirements: requirements(get(c, "sel")),
        nothing: false,
    };
    match test {
        "TestEverything" | "TestNilMapIsValid" | "TestSetIsEmpty" => {
            let sel = match s(get(c, "selector").unwrap()).as_str() {
                "everything" => select::Selector::everything(),
                "new" => select::Selector::default(),
                _ => select::validated_selector_from_set(&labels(get(c, "set"))).unwrap(),
            };
            let l = labels(get(c, "labels"));
            assert_eq!(sel.matches(&l), boolean(get(c, "match")), "{test}");
            assert_eq!(sel.is_empty(), boolean(get(c, "empty")), "{test}");
            if test != "TestEverything" {
                // A Service's selector is different: nil or {} selects nothing.
                assert!(!select::service_selects(Some(&labels(get(c, "set"))), &l));
            }
        }
        "TestParseOperator" => {
            let token = s(get(c, "token").unwrap());
            match get(c, "error") {
                Some(e) => assert_eq!(select::parse_operator(&token), Err(s(e)), "{token}"),
                None => {
                    assert_eq!(select::parse_operator(&token), Ok(op(get(c, "operator").unwrap())))
                }
            }
        }
        "TestAdd" => {
            let add = requirement(get(c, "add").unwrap());
            let got = sel(c).add([add]);
            assert_eq!(
                got.requirements,
                requirements(get(c, "want")),
                "{}",
                s(get(c, "name").unwrap())
            );
        }
        "TestSafeSort" => {
            let input = strings(get(c, "in"));
            let want = strings(get(c, "want"));
            let r = if input.is_empty() {
                Requirement::new("x", Operator::Exists, input).unwrap()
            } else {
                let r = Requirement::new("x", Operator::In, input).unwrap();
                assert_eq!(r.to_string(), format!("x in ({})", want.join(",")));
                r
            };
            assert_eq!(r.values, want);
        }
        "TestRequiresExactMatch" => {
            let label = s(get(c, "label").unwrap());
            let got = sel(c).requires_exact_match(&label).map(str::to_string);
            let want = boolean(get(c, "found")).then(|| s(get(c, "value").unwrap()));
            assert_eq!(got, want, "{}", s(get(c, "name").unwrap()));
        }
        "TestValidatedSelectorFromSet" => {
            let got = select::validated_selector_from_set(&labels(get(c, "input")));
            match get(c, "error") {
                Some(e) => assert_eq!(got, Err(s(e))),
                None => assert_eq!(got.unwrap().to_string(), s(get(c, "string").unwrap())),
            }
        }
        "TestSetSelectorString" => {
            let set = labels(get(c, "set"));
            let got = select::validated_selector_from_set(&set).unwrap().to_string();
            assert_eq!(got, s(get(c, "string").unwrap()));
        }
        other => panic!("unknown group {other}"),
    }
}

#[test]
fn labels_selector_more_test_yaml() {
    let checked = each_case(MORE_PATH, check_more);
    assert!(checked >= 35, "only {checked} cases checked");
}

const META_PATH: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/tests/conformance/selectors/meta_v1_label_selector_test.yaml"
);

/// A `metav1.LabelSelector` written as the API writes it (`null` for nil).
fn label_selector(n: Option<&Node<'_>>) -> Option<netsim::model::LabelSelector> {
    use netsim::model::{LabelSelector, LabelSelectorRequirement};
    if is_null(n) {
        return None;
    }
    let n = n?;
    let exprs = get(n, "matchExpressions").and_then(|e| e.as_sequence()).unwrap_or(&[]);
    Some(LabelSelector {
        match_labels: labels(get(n, "matchLabels")),
        match_expressions: exprs
            .iter()
            .map(|e| LabelSelectorRequirement {
                key: s(get(e, "key").unwrap()),
                operator: s(get(e, "operator").unwrap()),
                values: strings(get(e, "values")),
            })
            .collect(),
    })
}

fn check_as_selector(c: &Node<'_>) {
    let ls = label_selector(get(c, "selector"));
    let got = select::label_selector_as_selector(ls.as_ref()).map(|sel| sel.to_string());
    match get(c, "error") {
        Some(e) => assert_eq!(got, Err(s(e)), "{ls:?}"),
        None => assert_eq!(got, Ok(s(get(c, "string").unwrap())), "{ls:?}"),
    }
    assert_eq!(select::format_label_selector(ls.as_ref()), s(get(c, "format").unwrap()));
    if let Some(m) = get(c, "match") {
        let l = labels(get(c, "labels"));
        let want = s(m) == "true";
        assert_eq!(select::label_selector_selects(ls.as_ref(), &l), want, "{ls:?} on {l:?}");
        if let Some(sel) = &ls {
            assert_eq!(netsim::cluster::selector_matches(sel, &l), want, "{ls:?} on {l:?}");
        }
    }
}

fn check_as_map(c: &Node<'_>) {
    let ls = label_selector(get(c, "selector"));
    let (out, err) = select::label_selector_as_map(ls.as_ref());
    let want = if is_null(get(c, "out")) { None } else { Some(labels(get(c, "out"))) };
    assert_eq!(out, want, "{ls:?}");
    match (get(c, "error"), err) {
        (None, r) => assert_eq!(r, Ok(()), "{ls:?}"),
        (Some(e), r) => {
            let got = r.expect_err("an error");
            assert_eq!(got, s(e));
            if let Some(part) = get(c, "error_contains") {
                assert!(got.contains(&s(part)), "{got}");
            }
        }
    }
}

#[test]
fn meta_v1_label_selector_test_yaml() {
    let checked = each_case(META_PATH, |test, c| match test {
        "TestLabelSelectorAsSelector" | "LabelSelectorAsSelector operators" => check_as_selector(c),
        "TestLabelSelectorAsMap" => check_as_map(c),
        other => panic!("unknown group {other}"),
    });
    assert!(checked >= 20, "only {checked} cases checked");
}
