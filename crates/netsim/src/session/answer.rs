//! The vocabulary every answer shares: references to objects, and the error of a question that
//! cannot be asked. The answers themselves live with the stage that computes them
//! ([`crate::request::Report`], [`crate::dns::Lookup`], [`crate::proxy::PacketWalk`], …); this
//! module lists them all ([`Question`], [`Answer`] in `session::ask`).

use std::fmt;

use serde::{Deserialize, Serialize};

/// An object of the cluster by kind, namespace and name (`namespace` is empty for
/// cluster-scoped kinds such as Node).
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct ObjectRef {
    pub kind: String,
    pub namespace: String,
    pub name: String,
}

impl ObjectRef {
    pub fn new(kind: &str, namespace: &str, name: &str) -> ObjectRef {
        ObjectRef {
            kind: kind.to_string(),
            namespace: namespace.to_string(),
            name: name.to_string(),
        }
    }

    pub fn pod(namespace: &str, name: &str) -> ObjectRef {
        ObjectRef::new("Pod", namespace, name)
    }

    pub fn service(namespace: &str, name: &str) -> ObjectRef {
        ObjectRef::new("Service", namespace, name)
    }

    pub fn node(name: &str) -> ObjectRef {
        ObjectRef::new("Node", "", name)
    }

    /// The id of the object's box in the topology (`pod/NS/NAME`, `svc/NS/NAME`, `node/NAME`).
    pub fn topology_id(&self) -> String {
        match self.kind.as_str() {
            "Pod" => format!("pod/{}/{}", self.namespace, self.name),
            "Service" => format!("svc/{}/{}", self.namespace, self.name),
            "Node" => format!("node/{}", self.name),
            k => format!("{}/{}/{}", k.to_ascii_lowercase(), self.namespace, self.name),
        }
    }
}

impl fmt::Display for ObjectRef {
    /// `namespace/name`, or `name` for cluster-scoped objects.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.namespace.is_empty() {
            f.write_str(&self.name)
        } else {
            write!(f, "{}/{}", self.namespace, self.name)
        }
    }
}

/// Why a question has no answer: a bad argument (exit 2 in the CLI) or an object that does not
/// exist (exit 1), with a stable code and the message to show.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct AskError {
    /// Stable kebab-case code (`bad-target`, `unknown-pod`, `unknown-node`, …).
    pub code: String,
    pub message: String,
    /// Whether the question itself is malformed (the CLI's usage error) rather than naming
    /// something the cluster lacks.
    pub usage: bool,
}

impl AskError {
    /// A malformed question.
    pub fn usage(code: &str, message: impl Into<String>) -> AskError {
        AskError { code: code.to_string(), message: message.into(), usage: true }
    }

    /// A question about something the cluster does not have.
    pub fn missing(code: &str, message: impl Into<String>) -> AskError {
        AskError { code: code.to_string(), message: message.into(), usage: false }
    }
}

impl fmt::Display for AskError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for AskError {}

/// An answer as JSON text: pretty-printed with a final newline, exactly what `netsim … -o json`
/// prints and the JS package's `ask` returns.
pub fn to_json<T: Serialize + ?Sized>(answer: &T) -> String {
    let mut s = serde_json::to_string_pretty(answer).unwrap_or_default();
    s.push('\n');
    s
}
