//! Scenarios: the lesson library under `static/scenarios/` (an `index.json` plus one manifest file
//! per scenario), and the challenge check that tells a learner which requirement still fails.
//!
//! This module is data plus pure evaluation: it parses the index (serde), runs the suggested
//! requests or a challenge's requirements through [`crate::request`] on a built cluster, and
//! compares outcomes. It reads no files: callers (the page, the CLI, tests) fetch the texts.
//!
//! Invariants: parsing never panics (errors are [`IndexError`]s with a message); evaluation is
//! deterministic (seed 0 for every request) and bounded (at most [`MAX_REQUIREMENTS`] requests).

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::request::Outcome;

/// At most this many requests are evaluated per scenario or challenge.
pub const MAX_REQUIREMENTS: usize = 64;

/// A suggested request: ready to send, with the outcome the scenario's text promises.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct SuggestedRequest {
    /// `pod/NAME`, `pod/NS/NAME[:CONTAINER]`, `node/NAME` or `external` (as `netsim request`).
    pub from: String,
    /// `host:port` or a URL.
    pub target: String,
    pub expect: Outcome,
}

/// A challenge requirement: a request and what it must (not) do.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Requirement {
    pub from: String,
    pub target: String,
    /// For `mustFail`, a specific failure (e.g. `refused`); absent: any outcome but `connected`.
    /// For `mustSucceed` it may only be `connected` (the default).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expect: Option<Outcome>,
}

/// A scenario broken on purpose, and the goal that says it is fixed.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Challenge {
    /// The goal in a sentence or two.
    pub goal: String,
    /// Requests that must connect.
    #[serde(default)]
    pub must_succeed: Vec<Requirement>,
    /// Requests that must not connect.
    #[serde(default)]
    pub must_fail: Vec<Requirement>,
}

/// One scenario of the library.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Scenario {
    /// Kebab-case, unique; `?scenario=NAME` opens it.
    pub name: String,
    pub title: String,
    /// The lesson point or classic mistake it demonstrates (product.md wording).
    pub lesson: String,
    /// The manifest file, relative to the index.
    pub file: String,
    /// A few sentences in plain language.
    pub explanation: String,
    #[serde(default)]
    pub requests: Vec<SuggestedRequest>,
    #[serde(default)]
    pub try_this: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub challenge: Option<Challenge>,
}

/// The index file: `{"scenarios": [...]}`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(rename = "ScenarioIndex"))]
pub struct Index {
    /// The scenario opened when no other is asked for.
    pub default: String,
    pub scenarios: Vec<Scenario>,
}

impl Index {
    /// The scenario called `name`.
    pub fn get(&self, name: &str) -> Option<&Scenario> {
        self.scenarios.iter().find(|s| s.name == name)
    }
}

/// Why the index could not be used.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum IndexError {
    /// Not valid JSON for the index shape (serde's message, with line and column).
    Json(String),
    /// Valid JSON, but a rule of the library is broken (duplicate or non-kebab-case name, …).
    Invalid(String),
}

impl fmt::Display for IndexError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            IndexError::Json(m) => write!(f, "scenario index: {m}"),
            IndexError::Invalid(m) => write!(f, "scenario index: {m}"),
        }
    }
}

impl std::error::Error for IndexError {}

fn is_kebab(s: &str) -> bool {
    !s.is_empty()
        && !s.starts_with('-')
        && !s.ends_with('-')
        && !s.contains("--")
        && s.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
}

/// Parses and checks the index: names unique and kebab-case, the default present, files named,
/// challenges with at least one requirement, `mustSucceed` never expecting a failure.
pub fn parse_index(json: &str) -> Result<Index, IndexError> {
    let index: Index = serde_json::from_str(json).map_err(|e| IndexError::Json(e.to_string()))?;
    let mut names = std::collections::BTreeSet::new();
    for s in &index.scenarios {
        if !is_kebab(&s.name) {
            return Err(IndexError::Invalid(format!("name {:?} is not kebab-case", s.name)));
        }
        if !names.insert(s.name.as_str()) {
            return Err(IndexError::Invalid(format!("name {:?} is used twice", s.name)));
        }
        if s.file.is_empty() || s.file.contains("..") || s.file.starts_with('/') {
            return Err(IndexError::Invalid(format!(
                "scenario {:?}: file {:?} must be a relative path inside the scenario folder",
                s.name, s.file
            )));
        }
        if s.requests.len() > MAX_REQUIREMENTS {
            return Err(IndexError::Invalid(format!("scenario {:?}: too many requests", s.name)));
        }
        if let Some(c) = &s.challenge {
            let n = c.must_succeed.len() + c.must_fail.len();
            if n == 0 || n > MAX_REQUIREMENTS {
                return Err(IndexError::Invalid(format!(
                    "challenge {:?} needs between 1 and {MAX_REQUIREMENTS} requirements",
                    s.name
                )));
            }
            if c.must_succeed.iter().any(|r| r.expect.is_some_and(|e| e != Outcome::Connected)) {
                return Err(IndexError::Invalid(format!(
                    "challenge {:?}: a mustSucceed request can only expect connected",
                    s.name
                )));
            }
            if c.must_fail.iter().any(|r| r.expect == Some(Outcome::Connected)) {
                return Err(IndexError::Invalid(format!(
                    "challenge {:?}: a mustFail request cannot expect connected",
                    s.name
                )));
            }
        }
    }
    if !names.contains(index.default.as_str()) {
        return Err(IndexError::Invalid(format!(
            "the default scenario {:?} is not in the list",
            index.default
        )));
    }
    Ok(index)
}

/// What one request did: its outcome, or why it could not be sent at all (unknown Pod, bad
/// target, or the input has errors).
pub type RequestResult = Result<Outcome, String>;

/// Which side of the goal a requirement is on.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub enum Side {
    MustSucceed,
    MustFail,
}

/// One requirement checked.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct RequirementStatus {
    pub side: Side,
    pub from: String,
    pub target: String,
    /// What happened (`None` when the request could not be sent).
    pub actual: Option<Outcome>,
    pub met: bool,
    /// A sentence for the learner: `✓ pod/client → web:80 connects` or what is still wrong.
    pub message: String,
}

/// The state of a challenge after the learner's latest edit.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct ChallengeStatus {
    pub solved: bool,
    /// Every requirement, `mustSucceed` first, in index order.
    pub requirements: Vec<RequirementStatus>,
}

impl ChallengeStatus {
    /// The first requirement that still fails, if any — what the page shows as "next".
    pub fn first_failing(&self) -> Option<&RequirementStatus> {
        self.requirements.iter().find(|r| !r.met)
    }
}

/// Checks a challenge given a way to send a request (`outcome(from, target)`). Pure: the caller
/// decides how requests are simulated ([`Session::outcome`](crate::session::Session::outcome) on a built cluster is the usual
/// one). Evaluates every requirement (bounded by [`MAX_REQUIREMENTS`]) so the page can show all.
pub fn check_challenge(
    challenge: &Challenge,
    mut outcome: impl FnMut(&str, &str) -> RequestResult,
) -> ChallengeStatus {
    let reqs = challenge
        .must_succeed
        .iter()
        .map(|r| (Side::MustSucceed, r))
        .chain(challenge.must_fail.iter().map(|r| (Side::MustFail, r)))
        .take(MAX_REQUIREMENTS);
    let mut requirements = Vec::new();
    for (side, r) in reqs {
        let got = outcome(&r.from, &r.target);
        let arrow = format!("{} → {}", r.from, r.target);
        let (actual, met, message) = match (&got, side) {
            (Err(e), _) => (None, false, format!("✗ {arrow} cannot be sent: {e}")),
            (Ok(a), Side::MustSucceed) => {
                if *a == Outcome::Connected {
                    (Some(*a), true, format!("✓ {arrow} connects"))
                } else {
                    (Some(*a), false, format!("✗ {arrow} must connect, but it ends in {a}"))
                }
            }
            (Ok(a), Side::MustFail) => match r.expect {
                Some(want) if *a == want => (Some(*a), true, format!("✓ {arrow} ends in {a}")),
                Some(want) => {
                    (Some(*a), false, format!("✗ {arrow} must end in {want}, but it ends in {a}"))
                }
                None if *a != Outcome::Connected => {
                    (Some(*a), true, format!("✓ {arrow} does not connect ({a})"))
                }
                None => (Some(*a), false, format!("✗ {arrow} must not connect, but it connects")),
            },
        };
        requirements.push(RequirementStatus {
            side,
            from: r.from.clone(),
            target: r.target.clone(),
            actual,
            met,
            message,
        });
    }
    let solved = !requirements.is_empty() && requirements.iter().all(|r| r.met);
    ChallengeStatus { solved, requirements }
}

/// One suggested request checked against its promise.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct SuggestedStatus {
    pub from: String,
    pub target: String,
    pub expect: Outcome,
    pub actual: Option<Outcome>,
    /// Why the request could not be sent, if it could not.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub error: Option<String>,
}

impl SuggestedStatus {
    pub fn ok(&self) -> bool {
        self.actual == Some(self.expect)
    }
}

/// Runs a scenario's suggested requests (`outcome` as for [`check_challenge`]).
pub fn check_requests(
    scenario: &Scenario,
    mut outcome: impl FnMut(&str, &str) -> RequestResult,
) -> Vec<SuggestedStatus> {
    scenario
        .requests
        .iter()
        .take(MAX_REQUIREMENTS)
        .map(|r| {
            let got = outcome(&r.from, &r.target);
            SuggestedStatus {
                from: r.from.clone(),
                target: r.target.clone(),
                expect: r.expect,
                actual: got.as_ref().ok().copied(),
                error: got.err(),
            }
        })
        .collect()
}

#[cfg(test)]
mod tests;
