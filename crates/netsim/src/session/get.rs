//! The answer to a `get` question (`netsim get`, the page's kubectl view): kubectl's tables,
//! `-o name` lines, or the objects as `-o yaml|json` prints them — one implementation for the
//! CLI and the page.

use serde::{Deserialize, Serialize};

use super::answer::AskError;
use super::Session;
use crate::cluster::print::{self, Kind, Row, J};
use crate::cluster::Cluster;

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
}

/// What `get` prints.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Listing {
    /// stdout: the tables (one per kind, a blank line between), the `-o name` lines, or the
    /// YAML/JSON document.
    pub text: String,
    /// stderr lines: `Error from server (NotFound): …` for a named object that does not
    /// exist, `No resources found in NS namespace.` when nothing matched.
    pub problems: Vec<String>,
    /// Every named object was found.
    pub ok: bool,
}

enum Target {
    Kind(Kind),
    Events,
}

fn event_rows(c: &Cluster, ns: Option<&str>) -> Vec<(String, Vec<String>)> {
    c.events
        .iter()
        .filter(|e| ns.is_none_or(|n| e.namespace == n))
        .map(|e| {
            let cells = vec![
                e.type_.as_str().into(),
                e.reason.clone(),
                e.object.clone(),
                e.message.clone(),
            ];
            (e.namespace.clone(), cells)
        })
        .collect()
}

/// The `metadata.name` of an object printed as JSON.
fn object_name(j: &J) -> Option<&str> {
    let J::Obj(fields) = j else { return None };
    let (_, J::Obj(meta)) = fields.iter().find(|(k, _)| k == "metadata")? else { return None };
    match meta.iter().find(|(k, _)| k == "name") {
        Some((_, J::Str(n))) => Some(n),
        _ => None,
    }
}

fn parse_kinds(spec: &str) -> Result<Vec<Target>, AskError> {
    let mut targets = Vec::new();
    for k in spec.split(',') {
        let lk = k.to_ascii_lowercase();
        if lk == "events" || lk == "event" || lk == "ev" {
            targets.push(Target::Events);
            continue;
        }
        match Kind::parse(k) {
            Some(kind) => targets.push(Target::Kind(kind)),
            None => {
                return Err(AskError::usage(
                    "unknown-kind",
                    format!("the server doesn't have a resource type \"{k}\""),
                ))
            }
        }
    }
    Ok(targets)
}

impl GetQuestion {
    /// Checks the question without a cluster (what kubectl refuses before it asks the server).
    pub fn check(&self) -> Result<(), AskError> {
        self.parse().map(drop)
    }

    fn parse(&self) -> Result<(Vec<Target>, crate::select::Selector), AskError> {
        let targets = parse_kinds(&self.kinds)?;
        if !self.names.is_empty() && targets.len() > 1 {
            return Err(AskError::usage("bad-names", "names cannot be given with several resource types (use KIND/NAME lists one kind at a time)"));
        }
        if self.all_namespaces && self.namespace.is_some() {
            return Err(AskError::usage("bad-namespace", "-n and -A cannot be used together"));
        }
        let selector =
            crate::select::parse(&self.selector).map_err(|e| AskError::usage("bad-selector", e))?;
        Ok((targets, selector))
    }
}

/// What one kind or the events contribute.
#[derive(Default)]
struct Out {
    tables: Vec<String>,
    objects: Vec<J>,
    name_lines: String,
    problems: Vec<String>,
    any_namespaced: bool,
}

impl Session {
    /// `kubectl get` over the cluster (what-if events applied).
    pub fn get(&self, q: &GetQuestion) -> Result<Listing, AskError> {
        let (targets, selector) = q.parse()?;
        let ns = q.namespace.as_deref().unwrap_or("default");
        let c = &self.cluster;
        let several = targets.len() > 1;
        let mut out = Out::default();
        for t in &targets {
            match t {
                Target::Events => self.get_events(q, ns, &mut out),
                Target::Kind(kind) => {
                    let kind = *kind;
                    out.any_namespaced |= kind.namespaced();
                    let rows: Vec<Row> = print::rows(c, kind, q.output == OutputFormat::Wide)
                        .into_iter()
                        .filter(|r| !kind.namespaced() || q.all_namespaces || r.namespace == ns)
                        .filter(|r| q.names.is_empty() || q.names.contains(&r.name))
                        .filter(|r| selector.matches(&r.labels))
                        .collect();
                    for n in &q.names {
                        if !rows.iter().any(|r| r.name == *n) {
                            out.problems.push(format!(
                                "Error from server (NotFound): {} \"{n}\" not found",
                                kind.plural()
                            ));
                        }
                    }
                    if rows.is_empty() {
                        continue;
                    }
                    match q.output {
                        OutputFormat::Yaml | OutputFormat::Json => {
                            out.objects.extend(rows.into_iter().map(|r| r.object))
                        }
                        OutputFormat::Name => {
                            for r in rows {
                                out.name_lines.push_str(&format!("{}/{}\n", kind.prefix(), r.name));
                            }
                        }
                        OutputFormat::Table | OutputFormat::Wide => out.tables.push(print::table(
                            kind,
                            rows,
                            q.all_namespaces,
                            q.output == OutputFormat::Wide,
                            several,
                        )),
                    }
                }
            }
        }
        let ok = out.problems.is_empty();
        let text = match q.output {
            OutputFormat::Yaml | OutputFormat::Json => {
                let doc = if q.names.len() == 1 && out.objects.len() == 1 {
                    out.objects.remove(0)
                } else {
                    print::list(std::mem::take(&mut out.objects))
                };
                if q.output == OutputFormat::Json {
                    print::to_json(&doc)
                } else {
                    print::to_yaml(&doc)
                }
            }
            OutputFormat::Name => std::mem::take(&mut out.name_lines),
            OutputFormat::Table | OutputFormat::Wide => {
                if out.tables.is_empty() && q.names.is_empty() {
                    out.problems.push(if !q.all_namespaces && out.any_namespaced {
                        format!("No resources found in {ns} namespace.")
                    } else {
                        "No resources found".to_string()
                    });
                }
                out.tables.join("\n")
            }
        };
        Ok(Listing { text, problems: out.problems, ok })
    }

    fn get_events(&self, q: &GetQuestion, ns: &str, out: &mut Out) {
        let c = &self.cluster;
        out.any_namespaced = true;
        let rows = event_rows(c, if q.all_namespaces { None } else { Some(ns) });
        if rows.is_empty() {
            return;
        }
        match q.output {
            OutputFormat::Yaml | OutputFormat::Json | OutputFormat::Name => {
                for (i, e) in c.events.iter().enumerate() {
                    if !q.all_namespaces && e.namespace != ns {
                        continue;
                    }
                    let j = print::event_json(e, i);
                    if q.output == OutputFormat::Name {
                        if let Some(n) = object_name(&j) {
                            out.name_lines.push_str(&format!("event/{n}\n"));
                        }
                    } else {
                        out.objects.push(j);
                    }
                }
            }
            OutputFormat::Table | OutputFormat::Wide => {
                let mut head: Vec<String> =
                    ["TYPE", "REASON", "OBJECT", "MESSAGE"].iter().map(|s| s.to_string()).collect();
                if q.all_namespaces {
                    head.insert(0, "NAMESPACE".into());
                }
                let mut lines = vec![head];
                for (n, mut cells) in rows {
                    if q.all_namespaces {
                        cells.insert(0, n);
                    }
                    lines.push(cells);
                }
                out.tables.push(print::tabulate(&lines));
            }
        }
    }
}
