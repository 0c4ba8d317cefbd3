//! Unit tests: index parsing rules and the challenge check over a stub and over the real pipeline.

use super::*;

const INDEX: &str = r#"{
  "default": "a",
  "scenarios": [
    {"name": "a", "title": "A", "lesson": "l", "file": "a.yaml", "explanation": "e",
     "requests": [{"from": "pod/client", "target": "web:80", "expect": "connected"}],
     "tryThis": ["t"]},
    {"name": "b-2", "title": "B", "lesson": "l", "file": "b.yaml", "explanation": "e",
     "challenge": {"goal": "g",
       "mustSucceed": [{"from": "pod/client", "target": "web:80"}],
       "mustFail": [{"from": "pod/client", "target": "db:5432"},
                    {"from": "external", "target": "172.18.0.3:30080", "expect": "timeout"}]}}
  ]
}"#;

#[test]
fn parses_the_index() {
    let i = parse_index(INDEX).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(i.scenarios.len(), 2);
    assert_eq!(i.get("a").map(|s| s.requests[0].expect), Some(Outcome::Connected));
    let c = i.get("b-2").and_then(|s| s.challenge.as_ref());
    assert_eq!(c.map(|c| c.must_fail[1].expect), Some(Some(Outcome::Timeout)));
}

#[test]
fn rejects_bad_indexes() {
    let bad = |from: &str, to: &str| parse_index(&INDEX.replacen(from, to, 1)).map(|_| ());
    assert!(
        matches!(bad("\"name\": \"a\"", "\"name\": \"A a\""), Err(IndexError::Invalid(m)) if m.contains("kebab-case"))
    );
    assert!(
        matches!(bad("\"b-2\"", "\"a\""), Err(IndexError::Invalid(m)) if m.contains("used twice"))
    );
    assert!(matches!(
        bad("\"default\": \"a\"", "\"default\": \"zz\""),
        Err(IndexError::Invalid(_))
    ));
    assert!(
        matches!(bad("\"connected\"", "\"ok\""), Err(IndexError::Json(m)) if m.contains("unknown variant"))
    );
    assert!(
        matches!(bad("\"tryThis\"", "\"tryThat\""), Err(IndexError::Json(m)) if m.contains("unknown field"))
    );
    assert!(matches!(bad("a.yaml", "../a.yaml"), Err(IndexError::Invalid(_))));
    assert!(matches!(
        bad("\"expect\": \"timeout\"", "\"expect\": \"connected\""),
        Err(IndexError::Invalid(m)) if m.contains("mustFail")
    ));
    assert!(matches!(parse_index("[1,"), Err(IndexError::Json(_))));
}

#[test]
fn challenge_says_what_still_fails() {
    let i = parse_index(INDEX).unwrap_or_else(|e| panic!("{e}"));
    let Some(c) = i.get("b-2").and_then(|s| s.challenge.as_ref()) else { panic!("no challenge") };
    // Broken: web refused, db connects, NodePort times out.
    let st = check_challenge(c, |_, t| {
        Ok(match t {
            "web:80" => Outcome::Refused,
            "db:5432" => Outcome::Connected,
            _ => Outcome::Timeout,
        })
    });
    assert!(!st.solved);
    let msgs: Vec<&str> = st.requirements.iter().map(|r| r.message.as_str()).collect();
    assert_eq!(
        msgs,
        [
            "✗ pod/client → web:80 must connect, but it ends in refused",
            "✗ pod/client → db:5432 must not connect, but it connects",
            "✓ external → 172.18.0.3:30080 ends in timeout",
        ]
    );
    assert_eq!(st.first_failing().map(|r| r.target.as_str()), Some("web:80"));
    // Wrong kind of failure for a specific expectation.
    let st = check_challenge(c, |_, t| {
        Ok(if t == "web:80" { Outcome::Connected } else { Outcome::Refused })
    });
    assert!(!st.solved);
    assert_eq!(
        st.first_failing().map(|r| r.message.as_str()),
        Some("✗ external → 172.18.0.3:30080 must end in timeout, but it ends in refused")
    );
    // Fixed.
    let st = check_challenge(c, |_, t| {
        Ok(match t {
            "web:80" => Outcome::Connected,
            "db:5432" => Outcome::NxDomain,
            _ => Outcome::Timeout,
        })
    });
    assert!(st.solved);
    assert_eq!(st.first_failing(), None);
    // A request that cannot be sent is never met.
    let st = check_challenge(c, |_, _| Err("pod \"client\" not found".into()));
    assert!(!st.solved);
    assert!(st.requirements[0].message.contains("cannot be sent: pod \"client\" not found"));
}

const BROKEN: &str = "
apiVersion: v1
kind: Pod
metadata: {name: web, labels: {app: web}}
spec:
  containers: [{name: web, image: nginx, ports: [{containerPort: 80}]}]
---
apiVersion: v1
kind: Service
metadata: {name: web}
spec:
  selector: {app: wbe}
  ports: [{port: 80}]
---
apiVersion: v1
kind: Pod
metadata: {name: client}
spec:
  containers: [{name: c, image: busybox}]
";

#[test]
fn challenge_over_the_real_pipeline() {
    let c = Challenge {
        goal: "web:80 answers".into(),
        must_succeed: vec![Requirement {
            from: "pod/client".into(),
            target: "web:80".into(),
            expect: None,
        }],
        must_fail: vec![],
    };
    let run = |yaml: &str| {
        let sim = crate::session::Session::from_text("t.yaml", yaml);
        check_challenge(&c, sim.outcome())
    };
    let st = run(BROKEN);
    assert!(!st.solved);
    assert_eq!(st.requirements[0].actual, Some(Outcome::Refused));
    assert!(run(&BROKEN.replace("app: wbe", "app: web")).solved);
    // Input errors: the requirement cannot be checked yet.
    let st = run(&BROKEN.replace("port: 80}]\n---", "port: 99999}]\n---"));
    assert_eq!(st.requirements[0].actual, None);
    assert!(st.requirements[0].message.contains("error"), "{}", st.requirements[0].message);
}
