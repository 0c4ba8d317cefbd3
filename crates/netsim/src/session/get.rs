//! The answer to a `get` question (`netsim get`, the page's kubectl view): kubectl's tables,
//! `-o name` lines, or the objects as `-o yaml|json` prints them — one implementation for the
//! CLI and the page, [`crate::cluster::print::get`] (`all`, `--show-labels`, every kind of
//! [`crate::cluster::print::Kind`], events).

use serde::{Deserialize, Serialize};

use super::answer::AskError;
use super::Session;
use crate::cluster::print::{self, GetRequest};

/// What `get` prints.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Listing {
    /// stdout: the tables (one per kind, a blank line between), the `-o name` lines, or the
    /// YAML/JSON document.
    pub text: String,
    /// stderr lines, as kubectl prints them: the API server's `Warning: …` (a list of v1
    /// Endpoints), `Error from server (NotFound): …` for a named object that does not exist,
    /// `No resources found in NS namespace.` when nothing matched, and for a `-l` selector the
    /// API server cannot parse, kubectl's `Error from server (BadRequest): Unable to find …`
    /// line per resource type.
    pub problems: Vec<String>,
    /// Every named object was found (and the selector parsed).
    pub ok: bool,
}

/// Checks a `get` question without a cluster (what kubectl refuses before it asks the
/// server).
pub fn check(q: &GetRequest) -> Result<(), AskError> {
    print::check(q).map_err(|e| AskError::usage(usage_code(&e), e))
}

/// The stable code of a `get` usage error.
fn usage_code(message: &str) -> &'static str {
    if message.starts_with("the server doesn't have a resource type") {
        "unknown-kind"
    } else if message.starts_with("you must specify only one")
        || message.starts_with("name cannot be provided")
        || message.starts_with("a resource cannot be retrieved by name")
        || message.starts_with("there is no need to specify a resource type")
        || message.starts_with("arguments in resource/name form")
    {
        "bad-names"
    } else if message.starts_with("-n and -A") {
        "bad-namespace"
    } else {
        "bad-selector"
    }
}

impl Session {
    /// `kubectl get` over the cluster (what-if events applied).
    pub fn get(&self, q: &GetRequest) -> Result<Listing, AskError> {
        let out = print::get(&self.cluster, q).map_err(|e| AskError::usage(usage_code(&e), e))?;
        Ok(Listing {
            text: out.stdout,
            problems: out.stderr.lines().map(str::to_string).collect(),
            ok: out.code == 0,
        })
    }
}
