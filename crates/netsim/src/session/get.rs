//! The answer to a `get` question (`netsim get`, the page's kubectl view): kubectl's tables,
//! `-o name` lines, or the objects as `-o yaml|json` prints them — one implementation for the
//! CLI and the page, [`crate::cluster::print::get`] (`all`, `--show-labels`, every kind of
//! [`crate::cluster::print::Kind`], events).

use serde::{Deserialize, Serialize};

use super::answer::AskError;
use super::Session;
use crate::cluster::print::{self, GetFormat, GetRequest};

/// `-o`: kubectl's output formats.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub enum OutputFormat {
    /// The table.
    #[default]
    Table,
    /// The table with the extra columns.
    Wide,
    Yaml,
    Json,
    /// `KIND/NAME` lines.
    Name,
}

impl OutputFormat {
    pub fn parse(s: &str) -> Option<OutputFormat> {
        match s {
            "wide" => Some(OutputFormat::Wide),
            "yaml" => Some(OutputFormat::Yaml),
            "json" => Some(OutputFormat::Json),
            "name" => Some(OutputFormat::Name),
            _ => None,
        }
    }
}

/// `kubectl get KINDS [NAMES] [-n NS | -A] [-l SELECTOR] [-o FORMAT]`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct GetQuestion {
    /// kubectl's comma-separated kinds, short names too (`pods,svc`).
    #[cfg_attr(feature = "ts", ts(as = "Option<_>", optional))]
    pub kinds: String,
    #[cfg_attr(feature = "ts", ts(as = "Option<_>", optional))]
    pub names: Vec<String>,
    /// The namespace to list (`None`: default).
    #[cfg_attr(feature = "ts", ts(optional))]
    pub namespace: Option<String>,
    #[cfg_attr(feature = "ts", ts(as = "Option<_>", optional))]
    pub all_namespaces: bool,
    /// kubectl's `-l` selector syntax.
    #[cfg_attr(feature = "ts", ts(as = "Option<_>", optional))]
    pub selector: String,
    #[cfg_attr(feature = "ts", ts(as = "Option<_>", optional))]
    pub output: OutputFormat,
    /// `--show-labels`: kubectl's LABELS column last (tables only).
    #[cfg_attr(feature = "ts", ts(as = "Option<_>", optional))]
    pub show_labels: bool,
}

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
    /// `No resources found in NS namespace.` when nothing matched.
    pub problems: Vec<String>,
    /// Every named object was found.
    pub ok: bool,
}

impl GetQuestion {
    /// Checks the question without a cluster (what kubectl refuses before it asks the server).
    pub fn check(&self) -> Result<(), AskError> {
        print::check(&self.request()).map_err(|e| AskError::usage(usage_code(&e), e))
    }

    fn request(&self) -> GetRequest {
        GetRequest {
            resources: self.kinds.clone(),
            names: self.names.clone(),
            namespace: self.namespace.clone(),
            all_namespaces: self.all_namespaces,
            selector: self.selector.clone(),
            output: match self.output {
                OutputFormat::Table => GetFormat::Table,
                OutputFormat::Wide => GetFormat::Wide,
                OutputFormat::Yaml => GetFormat::Yaml,
                OutputFormat::Json => GetFormat::Json,
                OutputFormat::Name => GetFormat::Name,
            },
            show_labels: self.show_labels,
        }
    }
}

/// The stable code of a `get` usage error.
fn usage_code(message: &str) -> &'static str {
    if message.starts_with("the server doesn't have a resource type") {
        "unknown-kind"
    } else if message.starts_with("you must specify only one") {
        "bad-names"
    } else if message.starts_with("-n and -A") {
        "bad-namespace"
    } else {
        "bad-selector"
    }
}

impl Session {
    /// `kubectl get` over the cluster (what-if events applied).
    pub fn get(&self, q: &GetQuestion) -> Result<Listing, AskError> {
        let out = print::get(&self.cluster, &q.request())
            .map_err(|e| AskError::usage(usage_code(&e), e))?;
        Ok(Listing {
            text: out.stdout,
            problems: out.stderr.lines().map(str::to_string).collect(),
            ok: out.code == 0,
        })
    }
}
