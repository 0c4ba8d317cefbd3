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
//! deduplicated, as kubectl's default warning handler does). A document kubectl cannot read or
//! validate before sending (YAML, a missing kind) ends the reading of its file there (cli-runtime
//! `StreamVisitor`): earlier documents and other files are still sent; a kind kubectl cannot map
//! fails that object only (`resource mapping not found …`). Several errors print as kubectl's
//! `MultipleErrors`, one line each.
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

/// Where kubectl's stream of one file stops: the start of the document that holds `offset`
/// (`apimachinery` `util/yaml` `YAMLReader` splits on lines that begin with `---` followed by
/// nothing but blanks or a comment).
fn document_start(text: &str, offset: u32) -> u32 {
    let mut start = 0usize;
    let mut at = 0usize;
    for line in text.split_inclusive('\n') {
        if at >= offset as usize {
            break;
        }
        let rest = line.strip_prefix("---").map(str::trim);
        if rest.is_some_and(|r| r.is_empty() || r.starts_with('#')) {
            start = at + line.len();
        }
        at += line.len();
    }
    u32::try_from(start.min(offset as usize)).unwrap_or(offset)
}

/// `Warning: <text>` once per text (kubectl's default warning handler deduplicates).
fn push_warning<'a>(warned: &mut Vec<&'a str>, out: &mut String, d: &'a Diagnostic) {
    if !warned.contains(&d.message.as_str()) {
        warned.push(d.message.as_str());
        let _ = writeln!(out, "Warning: {}", d.message);
    }
}

/// One error of the apply, printed once every object was sent (`apply.go` `Run` returns them
/// all, `cmdutil.CheckErr` prints them).
enum ApplyError {
    /// An API `Status` other than Invalid: printed the same alone or among others.
    Server(String),
    /// A 422 Invalid: `(label, qualified label, source, causes)`.
    Invalid(String, String, String, Vec<String>),
}

/// The text `cmdutil.CheckErr` prints for the apply's errors: builder errors first (they are
/// `errs[0]`, one aggregate), then one per object. Alone, an error is printed by `checkErr`
/// (`error: ` prefix, `The Service "x" is invalid: …` with `* cause` lines); among others by
/// `MultipleErrors`: no prefix, an Invalid as `Error from server (Invalid): error when creating
/// "<file>": <Kind[.group]> "x" is invalid: <cause>` (several causes as Go's `[a, b]`), and
/// several builder errors inside the aggregate as one `[a, b]` line when the apply also failed.
fn render_errors(builder: &[String], server: &[ApplyError]) -> String {
    let mut out = String::new();
    let total = builder.len() + server.len();
    let bare = |t: &str| t.strip_prefix("error: ").unwrap_or(t).to_string();
    if total == 1 {
        if let Some(b) = builder.first() {
            let _ = writeln!(out, "{b}");
        }
    } else if builder.len() > 1 && !server.is_empty() {
        let all: Vec<String> = builder.iter().map(|b| bare(b)).collect();
        let _ = writeln!(out, "[{}]", all.join(", "));
    } else {
        for b in builder {
            let _ = writeln!(out, "{}", bare(b));
        }
    }
    for e in server {
        match e {
            ApplyError::Server(t) => {
                let _ = writeln!(out, "{t}");
            }
            ApplyError::Invalid(label, _, _, causes) if total == 1 => match causes.as_slice() {
                [one] => {
                    let _ = writeln!(out, "The {label} is invalid: {one}");
                }
                many => {
                    let _ = writeln!(out, "The {label} is invalid: ");
                    for c in many {
                        let _ = writeln!(out, "* {c}");
                    }
                }
            },
            ApplyError::Invalid(_, qualified, source, causes) => {
                let text = match causes.as_slice() {
                    [one] => one.clone(),
                    many => format!("[{}]", many.join(", ")),
                };
                let _ = writeln!(
                    out,
                    "Error from server (Invalid): error when creating \"{source}\": {qualified} is invalid: {text}"
                );
            }
        }
    }
    out
}

/// A segment of a field path: a key, or an index in a list.
#[derive(Clone, PartialEq, Eq, PartialOrd, Ord)]
enum Segment {
    Key(String),
    Index(u64),
}

/// The place of an `unknown field "spec.ports[0].nme"` message's path in a JSON document whose
/// keys are sorted: its segments, compared one by one.
fn json_order(message: &str) -> Vec<Segment> {
    let path = message.split('"').nth(1).unwrap_or(message);
    let mut out = Vec::new();
    for part in path.split('.') {
        let mut rest = part;
        if let Some(i) = rest.find('[') {
            out.push(Segment::Key(rest[..i].to_string()));
            rest = &rest[i..];
            while let Some(r) = rest.strip_prefix('[') {
                let (n, tail) = r.split_once(']').unwrap_or((r, ""));
                out.push(Segment::Index(n.parse().unwrap_or(0)));
                rest = tail;
            }
        } else {
            out.push(Segment::Key(rest.to_string()));
        }
    }
    out
}

/// The API server's answer to creating one object, if it refuses it (`mine`: the object's
/// diagnostics).
fn server_error(
    o: &super::AppliedObject,
    source: &str,
    mine: &[&Diagnostic],
) -> Option<ApplyError> {
    // Decoding fails first (strict decoding, then JSON types).
    let mut unknown: Vec<String> =
        mine.iter().filter(|d| d.code == "unknown-field").map(|d| d.message.clone()).collect();
    // In the order the API server's strict decoder meets them: kubectl sends the object as JSON
    // from a Go map (an `Unstructured`), whose keys are sorted at every level.
    crate::sort::sort_by_key(&mut unknown, |m| json_order(m));
    let json_errs: Vec<&str> = mine.iter().filter_map(|d| decode_error(d)).collect();
    let bad_request = |what: String| {
        Some(ApplyError::Server(format!(
            "Error from server (BadRequest): error when creating \"{source}\": {} in version \"{}\" cannot be handled as a {}: {what}",
            o.kind, o.version, o.kind
        )))
    };
    if let Some(first) = json_errs.first() {
        return bad_request((*first).to_string());
    }
    if !unknown.is_empty() {
        return bad_request(format!("strict decoding error: {}", unknown.join(", ")));
    }
    // Admission: the namespace must exist (`errors.NewNotFound` → 404, kubectl's
    // `AddSourceToErr("creating", …)` and `StandardErrorMessage`).
    if let Some(d) = mine.iter().find(|d| d.code == NAMESPACE_NOT_FOUND) {
        return Some(ApplyError::Server(format!(
            "Error from server (NotFound): error when creating \"{source}\": {}",
            d.message
        )));
    }
    // alloc.go answers a health-check nodePort it cannot reserve with an InternalError
    // (500), not a 422 Invalid.
    if let Some(d) = mine.iter().find(|d| d.code == ALLOCATION && is_internal(d)) {
        return Some(ApplyError::Server(format!(
            "Error from server (InternalError): error when creating \"{source}\": {}",
            d.message
        )));
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
        .filter(|d| is_validation_code(d.code) && d.hints.iter().any(|h| h == ALLOCATOR_PRECHECK))
        .map(|d| d.message.as_str())
        .collect();
    let causes: Vec<&str> = if !precheck.is_empty() {
        precheck
    } else if allocation.is_empty() {
        mine.iter().filter(|d| is_validation_code(d.code)).map(|d| d.message.as_str()).collect()
    } else {
        allocation
    };
    if causes.is_empty() {
        return None;
    }
    // `apierrors.NewInvalid` names the group-qualified kind (`Deployment.apps "web"`).
    let qualified = match o.resource.split_once('.') {
        Some((_, group)) => format!("{}.{group}{}", o.kind, &o.label[o.kind.len()..]),
        None => o.label.clone(),
    };
    Some(ApplyError::Invalid(
        o.label.clone(),
        qualified,
        source.to_string(),
        causes.into_iter().map(str::to_string).collect(),
    ))
}

/// `kubectl apply -f` of the loaded input. `loaded.diagnostics` may include the cluster
/// stage's [`ALLOCATION`] answers.
///
/// kubectl reads every file first (`Result.Infos`), then creates what it read: a document that
/// fails client-side validation (or YAML parsing) ends its file's stream there, so the objects
/// before it, and those of other files, are still created (`cli-runtime` `visitor.go`
/// `StreamVisitor.Visit`, `EagerVisitorList`; `apply.go` `Run`). Nothing read and nothing wrong:
/// `error: no objects passed to apply`.
pub fn kubectl_apply(files: &SourceFiles, l: &Loaded) -> ApplyOutput {
    let mut stdout = String::new();
    let mut stderr = String::new();
    // Problems kubectl would report before sending anything (YAML syntax, missing kind…) or not
    // at all (our own warnings).
    let mut client_side: Vec<&Diagnostic> =
        l.diagnostics.iter().filter(|d| d.object.is_none() || !is_server_answer(d)).collect();
    crate::sort::sort_by_key(&mut client_side, |d| (d.span.file, d.span.range.start));
    // Where each file's stream stops: the document of its first client-side error.
    let mut stops: Vec<(crate::text::FileId, u32)> = Vec::new();
    let stop_of = |stops: &[(crate::text::FileId, u32)], f| {
        stops.iter().find(|(file, _)| *file == f).map(|(_, at)| *at)
    };
    let mut builder: Vec<(crate::text::FileId, u32, String)> = Vec::new();
    for d in &client_side {
        let (file, at) = (d.span.file, d.span.range.start);
        if stop_of(&stops, file).is_some_and(|s| at >= s) {
            continue;
        }
        if d.severity != Severity::Error {
            // Our own warnings (YAML 1.1 readings, text that is not UTF-8…): kubectl prints
            // nothing for these (sigs.k8s.io/yaml turns a boolean key into "true" and kubectl
            // replaces a bad byte without a word); plain `netsim check` shows them.
            continue;
        }
        let text = match kubectl_text(d) {
            // `infoForData`'s mapping error ends with a second line (`mapper.go`).
            Some(t) if t.starts_with("error: resource mapping not found") => {
                format!("{t}\nensure CRDs are installed first")
            }
            Some(t) => t.to_string(),
            None => files.render(d).trim_end().to_string(),
        };
        // Errors of one object (REST mapping, typing a list item) do not stop the stream.
        if !matches!(d.code, "no-kind-match" | "nested-list") {
            stops.push((file, document_start(files.text(file), at)));
        }
        builder.push((file, at, text));
    }
    let builder: Vec<String> = builder.into_iter().map(|(_, _, t)| t).collect();
    // Objects in input order, with the API server's answer for each.
    let mut objs = applied_objects(&l.objects);
    // Objects of kinds Kubernetes serves but the simulator does not model (a Secret, an
    // Ingress): kubectl creates them too.
    objs.extend(l.diagnostics.iter().filter(|d| d.code == "unsupported-kind").filter_map(|d| {
        let label = d.object.clone()?;
        let info = crate::model::kind_info(label.split_once(' ')?.0)?;
        let name = label.split_once(' ')?.1.trim_matches('"').to_string();
        Some(super::AppliedObject {
            file: d.span.file,
            offset: d.span.range.start,
            kind: info.kind,
            version: info.versions.first().copied().unwrap_or("v1"),
            resource: info.kubectl_name(),
            name,
            label,
        })
    }));
    objs.retain(|o| stop_of(&stops, o.file).is_none_or(|s| o.offset < s));
    crate::sort::sort_by_key(&mut objs, |o| (o.file, o.offset));
    let mut server = Vec::new();
    let mut warnings = String::new();
    let mut warned: Vec<&str> = Vec::new();
    for o in &objs {
        let label = &o.label;
        let mine: Vec<&Diagnostic> =
            l.diagnostics.iter().filter(|d| d.object.as_deref() == Some(label.as_str())).collect();
        // A deprecated kind's warning comes with every response, the GET kubectl apply sends
        // first included (apiserver `deprecation.WarningMessage`, added by the handler), so it is
        // printed whatever the create answers.
        for d in mine.iter().filter(|d| d.code == API_WARNING && is_deprecation(d)) {
            push_warning(&mut warned, &mut warnings, d);
        }
        match server_error(o, files.name(o.file), &mine) {
            Some(e) => server.push(e),
            None => {
                let _ = writeln!(stdout, "{}/{} created", o.resource, o.name);
                for d in mine.iter().filter(|d| d.code == API_WARNING) {
                    push_warning(&mut warned, &mut warnings, d);
                }
            }
        }
    }
    stderr.push_str(&warnings);
    stderr.push_str(&render_errors(&builder, &server));
    let failed = !builder.is_empty() || !server.is_empty();
    // Objects kubectl read (those the simulator does not model included).
    let read = l.read_at.iter().any(|(f, at)| stop_of(&stops, *f).is_none_or(|s| *at < s));
    if !read && !failed {
        stderr.push_str("error: no objects passed to apply\n");
    }
    let code = i32::from(failed || !read);
    ApplyOutput { stdout, stderr, code }
}
