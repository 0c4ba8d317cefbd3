//! `kubectl apply -f …` as a learner would see it against a real API server: what
//! `netsim check --format kubectl` prints, from the diagnostics of [`super::load`] (plus the
//! cluster stage's allocation answers, which the caller adds).
//!
//! Per object, in input order, the API server's first answer wins, in the order it checks:
//! decoding (`BadRequest`: strict decoding of unknown fields, JSON types), then admission
//! (`NotFound` for a namespace that does not exist: the NamespaceLifecycle plugin runs before
//! validation), then validation and allocation (`The Service "x" is invalid: …`, `* cause` lines
//! when several); an accepted object prints `<resource>/<name> created` on stdout and its
//! warnings as `Warning: <text>` on stderr (`client-go` `rest/warnings.go` `WarningWriter`;
//! deduplicated, as kubectl's default warning handler does). Problems kubectl finds before
//! sending anything (YAML, a missing kind) stop the whole apply; a kind kubectl cannot map
//! fails that object only (`resource mapping not found …`).
//!
//! Stream order: warnings arrive with each response, while errors are collected and printed
//! once every object was sent (`apply.go` aggregates them), so stderr holds the client-side
//! problems, then the warnings, then the errors.

use std::fmt::Write as _;

use super::validate::{is_validation_code, ALLOCATOR_PRECHECK, API_WARNING};
use super::{applied_objects, Loaded, NAMESPACE_NOT_FOUND};
use crate::diagnostic::{Diagnostic, Severity, SourceFiles};

/// The cluster stage's code for the API server's allocation answers (taken or out-of-range
/// `clusterIP`/`nodePort`): a cause like a validation error, or an `InternalError` when the
/// message says so.
pub const ALLOCATION: &str = "service-allocation";

/// What `kubectl apply` prints, and its exit status.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ApplyOutput {
    pub stdout: String,
    pub stderr: String,
    /// 0 when every object was created, 1 otherwise.
    pub code: i32,
}

fn is_internal(d: &Diagnostic) -> bool {
    d.message.starts_with("Internal error occurred: ")
}

/// The JSON decoding error text the API server answers with (kept as our hint).
fn decode_error(d: &Diagnostic) -> Option<&str> {
    d.hints.iter().find_map(|h| {
        h.strip_prefix("kubectl apply fails: ")
            .or_else(|| h.strip_prefix("the API server rejects it: "))
    })
}

/// kubectl's own text for a problem, kept by the front end as a `kubectl apply: …` hint.
fn kubectl_text(d: &Diagnostic) -> Option<&str> {
    d.hints.iter().find_map(|h| h.strip_prefix("kubectl apply: "))
}

/// A kind's deprecation warning (`"%s %s is deprecated in v%d.%d+"`, apiserver
/// `pkg/endpoints/deprecation/deprecation.go`), as opposed to the warnings of a created object.
fn is_deprecation(d: &Diagnostic) -> bool {
    d.message.contains(" is deprecated in v") && d.message.contains("+")
}

/// Answers the API server gives for one object (as opposed to kubectl's own checks).
fn is_server_answer(d: &Diagnostic) -> bool {
    is_validation_code(d.code)
        || decode_error(d).is_some()
        || matches!(d.code, "unknown-field" | ALLOCATION | NAMESPACE_NOT_FOUND | API_WARNING)
}

/// `kubectl apply -f` of the loaded input. `loaded.diagnostics` may include the cluster
/// stage's [`ALLOCATION`] answers.
pub fn kubectl_apply(files: &SourceFiles, l: &Loaded) -> ApplyOutput {
    let mut stdout = String::new();
    let mut stderr = String::new();
    // Problems kubectl would report before sending anything (YAML syntax, missing kind…) or not
    // at all (our own warnings): our own format.
    let client_side: Vec<&Diagnostic> =
        l.diagnostics.iter().filter(|d| d.object.is_none() || !is_server_answer(d)).collect();
    // A document kubectl cannot decode or validate client-side stops the whole apply; an
    // unknown kind fails only that object (REST mapping, during the apply). Where the front end
    // kept kubectl's exact text (a `kubectl apply: …` hint), print that.
    let aborts =
        client_side.iter().any(|d| d.severity == Severity::Error && d.code != "no-kind-match");
    let mut mapping_errors = String::new();
    for d in &client_side {
        match kubectl_text(d) {
            Some(t) if d.code == "no-kind-match" => {
                mapping_errors.push_str(t);
                mapping_errors.push_str("\nensure CRDs are installed first\n");
            }
            Some(t) => {
                stderr.push_str(t);
                stderr.push('\n');
            }
            None => stderr.push_str(&files.render(d)),
        }
    }
    // Objects in input order, with the API server's answer for each.
    let mut objs = applied_objects(&l.objects);
    crate::sort::sort_by_key(&mut objs, |o| (o.file, o.offset));
    let mut blocks = String::new();
    let mut warnings = String::new();
    let mut warned: Vec<&str> = Vec::new();
    for o in &objs {
        let label = &o.label;
        let mine: Vec<&Diagnostic> =
            l.diagnostics.iter().filter(|d| d.object.as_deref() == Some(label.as_str())).collect();
        let source = files.name(o.file);
        // A deprecated kind's warning comes with every response, the GET kubectl apply sends
        // first included (apiserver `deprecation.WarningMessage`, added by the handler), so it is
        // printed whatever the create answers.
        if !aborts {
            for d in mine.iter().filter(|d| d.code == API_WARNING && is_deprecation(d)) {
                if !warned.contains(&d.message.as_str()) {
                    warned.push(d.message.as_str());
                    let _ = writeln!(warnings, "Warning: {}", d.message);
                }
            }
        }
        // Decoding fails first (strict decoding, then JSON types).
        let unknown: Vec<String> =
            mine.iter().filter(|d| d.code == "unknown-field").map(|d| d.message.clone()).collect();
        let json_errs: Vec<&str> = mine.iter().filter_map(|d| decode_error(d)).collect();
        if let Some(first) = json_errs.first() {
            let _ = writeln!(
                blocks,
                "Error from server (BadRequest): error when creating \"{source}\": {} in version \"{}\" cannot be handled as a {}: {first}",
                o.kind, o.version, o.kind
            );
            continue;
        }
        if !unknown.is_empty() {
            let _ = writeln!(
                blocks,
                "Error from server (BadRequest): error when creating \"{source}\": {} in version \"{}\" cannot be handled as a {}: strict decoding error: {}",
                o.kind,
                o.version,
                o.kind,
                unknown.join(", ")
            );
            continue;
        }
        // Admission: the namespace must exist (`errors.NewNotFound` → 404, kubectl's
        // `AddSourceToErr("creating", …)` and `StandardErrorMessage`).
        if let Some(d) = mine.iter().find(|d| d.code == NAMESPACE_NOT_FOUND) {
            let _ = writeln!(
                blocks,
                "Error from server (NotFound): error when creating \"{source}\": {}",
                d.message
            );
            continue;
        }
        // alloc.go answers a health-check nodePort it cannot reserve with an InternalError
        // (500), not a 422 Invalid.
        if let Some(d) = mine.iter().find(|d| d.code == ALLOCATION && is_internal(d)) {
            let _ = writeln!(
                blocks,
                "Error from server (InternalError): error when creating \"{source}\": {}",
                d.message
            );
            continue;
        }
        // The Service allocator answers before validation runs (alloc.go from `BeginCreate`):
        // its errors, when there are any, are the whole answer.
        let allocation: Vec<&str> = mine
            .iter()
            .filter(|d| d.code == ALLOCATION && !is_internal(d))
            .map(|d| d.message.as_str())
            .collect();
        // Before it allocates, the allocator checks the clusterIP(s)/ipFamilies fields alone and
        // answers with those errors only (`initIPFamilyFields`).
        let precheck: Vec<&str> = mine
            .iter()
            .filter(|d| {
                is_validation_code(d.code) && d.hints.iter().any(|h| h == ALLOCATOR_PRECHECK)
            })
            .map(|d| d.message.as_str())
            .collect();
        let causes: Vec<&str> = if !precheck.is_empty() {
            precheck
        } else if allocation.is_empty() {
            mine.iter().filter(|d| is_validation_code(d.code)).map(|d| d.message.as_str()).collect()
        } else {
            allocation
        };
        match causes.as_slice() {
            [] => {
                if !aborts {
                    let _ = writeln!(stdout, "{}/{} created", o.resource, o.name);
                    for d in mine.iter().filter(|d| d.code == API_WARNING) {
                        if !warned.contains(&d.message.as_str()) {
                            warned.push(d.message.as_str());
                            let _ = writeln!(warnings, "Warning: {}", d.message);
                        }
                    }
                }
            }
            [one] => {
                let _ = writeln!(blocks, "The {label} is invalid: {one}");
            }
            many => {
                let _ = writeln!(blocks, "The {label} is invalid: ");
                for c in many {
                    let _ = writeln!(blocks, "* {c}");
                }
            }
        }
    }
    if !aborts {
        stderr.push_str(&warnings);
        stderr.push_str(&blocks);
        stderr.push_str(&mapping_errors);
    }
    let code = i32::from(aborts || !blocks.is_empty() || !mapping_errors.is_empty());
    ApplyOutput { stdout, stderr, code }
}
