//! The answer to a `describe` question (`netsim describe`, the page's kubectl view): kubectl's
//! describe layout from [`crate::cluster::describe::describe`], one renderer for both.

use serde::{Deserialize, Serialize};

use super::answer::AskError;
use super::Session;
use crate::cluster::print::Kind;

const NOT_DESCRIBED: &str = "describe is simulated for services, pods, endpoints, endpointslices, nodes, deployments, replicasets, statefulsets, daemonsets, replicationcontrollers and networkpolicies";

/// What `kubectl describe KIND [NAME]` prints.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Description {
    /// The API kind described (`Service`, `Pod`, …).
    pub kind: String,
    /// stdout: the descriptions (several, without a NAME, separated by a blank line); empty
    /// when nothing matched.
    pub text: String,
    /// stderr lines: the API server's `Warning: …` for reading v1 Endpoints (v1.33+), `No
    /// resources found in NS namespace.` when no NAME was given and the namespace has none of
    /// the kind.
    pub problems: Vec<String>,
}

impl Session {
    /// `kubectl describe KIND [NAME] [-n NS]` over the cluster (what-if events applied). `kind`
    /// is kubectl's name for it (`svc`, `pods`, `endpointslices.discovery.k8s.io`, …); the
    /// namespace defaults to `default`. Services, Pods, Endpoints, EndpointSlices, Nodes,
    /// Deployments, ReplicaSets, StatefulSets, DaemonSets, ReplicationControllers and
    /// NetworkPolicies are described.
    pub fn describe(
        &self,
        kind: &str,
        name: Option<&str>,
        namespace: Option<&str>,
    ) -> Result<Description, AskError> {
        let Some(k) = Kind::parse(kind) else {
            // A kind Kubernetes has but `describe` does not simulate, or no kind at all.
            if crate::model::KINDS.iter().any(|i| i.named(kind)) {
                return Err(AskError::usage("not-described", NOT_DESCRIBED));
            }
            return Err(AskError::usage(
                "unknown-kind",
                format!("the server doesn't have a resource type \"{kind}\""),
            ));
        };
        let ns = namespace.unwrap_or("default");
        let kind = k.api_kind().to_string();
        // KEP-4974: the API server warns whoever reads v1 Endpoints; kubectl prints it first.
        let warnings = if k == Kind::Endpoints {
            vec![format!("Warning: {}", crate::manifest::validate::ENDPOINTS_DEPRECATED)]
        } else {
            Vec::new()
        };
        match crate::cluster::describe::describe(&self.cluster, &k.plural(), name, ns) {
            Ok(text) => {
                let mut text = text;
                if !text.ends_with('\n') {
                    text.push('\n');
                }
                Ok(Description { kind, text, problems: warnings })
            }
            Err(e) if e.starts_with("No resources found") => {
                let mut problems = warnings;
                problems.push(e);
                Ok(Description { kind, text: String::new(), problems })
            }
            Err(e) if e.starts_with("Error from server (NotFound)") => {
                Err(AskError::missing("not-found", e))
            }
            Err(e) => Err(AskError::usage(
                "not-described",
                e.strip_prefix("error: ").unwrap_or(&e).to_string(),
            )),
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::session::{Question, Session};

    /// The page asks `{"ask": "describe", …}` and gets what `netsim describe -o json` prints.
    #[test]
    fn describe_is_a_question() {
        let s = Session::from_text("in.yaml", "");
        let q: Question =
            serde_json::from_str(r#"{"ask": "describe", "kind": "svc", "name": "kubernetes"}"#)
                .unwrap();
        let json = s.ask(&q).unwrap();
        let v: serde_json::Value = serde_json::from_str(&json).unwrap();
        assert_eq!(v["kind"], "Service");
        assert!(v["text"].as_str().unwrap().starts_with("Name:"), "{json}");
        assert!(v["text"].as_str().unwrap().contains("\nEndpoints:"), "{json}");
        let q = Question::Describe { kind: "svc".into(), name: Some("x".into()), namespace: None };
        let e = s.ask(&q).unwrap_err();
        assert_eq!((e.code.as_str(), e.usage), ("not-found", false));
        let q = Question::Describe { kind: "bogus".into(), name: None, namespace: None };
        assert!(s.ask(&q).unwrap_err().usage);
        let q = Question::Describe { kind: "ep".into(), name: None, namespace: Some("x".into()) };
        let d = s.describe("ep", None, Some("x")).unwrap();
        assert_eq!(d.text, "");
        assert_eq!(
            d.problems.last().map(String::as_str),
            Some("No resources found in x namespace.")
        );
        assert!(s.ask(&q).is_ok());
    }
}
