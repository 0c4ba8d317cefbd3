//! `netsim check`: every diagnostic of the input, as a linter prints them, as `kubectl apply`
//! would print the API server's answers (`--format kubectl`), or as JSON (`-o json`).

use netsim::diagnostic::{Diagnostic, Severity, SourceFiles};
use netsim::manifest::{self, Loaded};

use crate::{Args, Input, Output, UsageError};

pub(crate) const HELP: &str = "\
netsim check — print every problem in the manifests

Usage: netsim check -f <PATH>... [--format kubectl] [-o json]

Reads every document (YAML or JSON, multi-document streams, kind: List) and reports YAML
syntax errors, unknown fields (with a suggestion), YAML 1.1 traps (yes/no/on, 1.10, 0777 where
a string is expected), wrong types, and the API server's validation errors with its exact text,
including its answers to explicit clusterIPs and nodePorts that are taken or outside the
cluster's ranges (the Service is then not created), objects in namespaces that do not exist,
and what the cluster makes of the input: a Corefile CoreDNS would refuse, a kube-proxy mode
that is not simulated (ipvs), a full pod CIDR.

Output:
  stderr  one block per problem: file:line:col: severity[code]: message, the source line with a
          caret underline, then `= note:` (related places) and `= hint:` lines
  stdout  a one-line summary: `N objects, E errors, W warnings`

Options:
  --format kubectl  print what `kubectl apply -f` would, object by object in input order:
                    `<resource>/<name> created` on stdout for each object the API server
                    accepts; on stderr its warnings (`Warning: <text>`), then its errors:
                    `Error from server (NotFound): error when creating \"FILE\": namespaces
                    \"X\" not found` (the namespace does not exist, or is created later in
                    the input), `The Service \"x\" is invalid: <cause>` (several causes: one
                    `* <cause>` line each), `Error from server (BadRequest): …` for decoding
                    errors; several errors in one apply print one line each, as kubectl's
                    MultipleErrors does (`Error from server (Invalid): error when creating
                    \"FILE\": Service \"x\" is invalid: [<cause>, <cause>]`), those kubectl
                    finds before sending (client-side validation) first; a document kubectl
                    cannot read (YAML syntax: in the linter format; no apiVersion or kind)
                    ends the reading of its file there, earlier documents and other files
                    still go; `error: no objects passed to apply` when there are none; exit 1
                    when any object is refused
  -o json           {\"objects\": N, \"errors\": E, \"warnings\": W, \"diagnostics\": [{\"file\",
                    \"line\", \"column\", \"columnUtf16\", \"endLine\", \"endColumn\", \"severity\",
                    \"code\", \"message\", \"object\", \"hints\", \"related\": [{\"file\", \"line\",
                    \"column\", \"message\"}]}]}; line and column are 1-based, columns in bytes
                    (columnUtf16: UTF-16 code units, as browser editors count)

Exit status: 0 no errors (warnings allowed), 1 at least one error, 2 bad usage.
";

pub(crate) fn run(a: &Args, inputs: &[Input]) -> Result<Output, UsageError> {
    a.only(&["format", "output"])?;
    let output = a.output_in(&["json"])?;
    let format = a.value("format");
    if let Some(f) = format {
        if f != "kubectl" {
            return Err(UsageError(format!("unsupported --format '{f}' (expected: kubectl)")));
        }
    }
    if !a.positionals.is_empty() {
        return Err(UsageError(format!(
            "'netsim check' takes no arguments (got '{}')",
            a.positionals.join(" ")
        )));
    }
    let files = super::source_files(inputs);
    if format == Some("kubectl") {
        let mut loaded = manifest::load(&files);
        let allocation = allocation_errors(&loaded);
        loaded.diagnostics.extend(allocation);
        let out = manifest::apply::kubectl_apply(&files, &loaded);
        return Ok(Output { stdout: out.stdout, stderr: out.stderr, code: out.code });
    }
    // The input is read once, by the session: the API server's answers (the load's, then the
    // allocation answers), then what the cluster makes of the input beyond them, as every other
    // command reports it: the build's own diagnostics (a full pod CIDR…), the Corefile CoreDNS
    // would refuse, a kube-proxy mode that is not simulated.
    let session = netsim::session::Session::new(files.clone());
    let loaded = session.loaded();
    let mut diagnostics = loaded.diagnostics.clone();
    diagnostics.extend(allocation_errors(loaded));
    diagnostics.extend(
        session
            .diagnostics()
            .iter()
            .skip(loaded.diagnostics.len())
            .filter(|d| d.code != ALLOCATION)
            .cloned(),
    );
    let errors = diagnostics.iter().filter(|d| d.severity == Severity::Error).count();
    let warnings = diagnostics.iter().filter(|d| d.severity == Severity::Warning).count();
    let objects = count_objects(loaded);
    let code = i32::from(errors > 0);
    if output == Some("json") {
        let v = serde_json::json!({
            "objects": objects,
            "errors": errors,
            "warnings": warnings,
            "diagnostics": diagnostics.iter().map(|d| diagnostic_json(&files, d)).collect::<Vec<_>>(),
        });
        let mut stdout = serde_json::to_string_pretty(&v).unwrap_or_default();
        stdout.push('\n');
        return Ok(Output { stdout, stderr: String::new(), code });
    }
    let (stderr, _) = super::render_diagnostics(&files, &diagnostics);
    let stdout = format!(
        "{} {}, {} {}, {} {}\n",
        objects,
        plural(objects, "object", "objects"),
        errors,
        plural(errors, "error", "errors"),
        warnings,
        plural(warnings, "warning", "warnings")
    );
    Ok(Output { stdout, stderr, code })
}

/// The API server's answers that need the cluster's state: allocating the explicit
/// `clusterIP`s and `nodePort`s (taken, or outside `--service-cluster-ip-range` /
/// `--service-node-port-range`) and the IP families the cluster lacks
/// (pkg/registry/core/service/storage/alloc.go with the portallocator's and ipallocator's
/// errors); see [`netsim::cluster::allocation_answers`]: the allocator answers before
/// validation, and a Service rejected by either gives its addresses back.
fn allocation_errors(loaded: &Loaded) -> Vec<Diagnostic> {
    netsim::cluster::allocation_answers(loaded)
}

fn plural(n: usize, one: &'static str, many: &'static str) -> &'static str {
    if n == 1 {
        one
    } else {
        many
    }
}

/// The objects the input holds, of every kind the simulator reads (`Objects::metas`, the one
/// list of them: NetworkPolicies and ClusterNetworkPolicies count too).
fn count_objects(l: &Loaded) -> usize {
    l.objects.metas().len()
}

fn diagnostic_json(files: &SourceFiles, d: &Diagnostic) -> serde_json::Value {
    let pos = |span: netsim::text::Span, at_end: bool| {
        let text = files.text(span.file);
        files
            .line_index(span.file)
            .map(|i| i.line_col(text, if at_end { span.range.end } else { span.range.start }))
    };
    let start = pos(d.span, false);
    let end = pos(d.span, true);
    serde_json::json!({
        "file": files.name(d.span.file),
        "line": start.map(|p| p.line),
        "column": start.map(|p| p.col),
        "columnUtf16": start.map(|p| p.col_utf16),
        "endLine": end.map(|p| p.line),
        "endColumn": end.map(|p| p.col),
        "severity": d.severity.as_str(),
        "code": d.code,
        "message": d.message,
        "object": d.object,
        "hints": d.hints,
        "related": d.related.iter().map(|r| {
            let p = pos(r.span, false);
            serde_json::json!({
                "file": files.name(r.span.file),
                "line": p.map(|p| p.line),
                "column": p.map(|p| p.col),
                "message": r.message,
            })
        }).collect::<Vec<_>>(),
    })
}

/// The cluster stage's code for the API server's allocation answers (see [`allocation_errors`]).
const ALLOCATION: &str = manifest::apply::ALLOCATION;

#[cfg(test)]
mod tests {
    use crate::{run, Input};

    fn check(args: &[&str], text: &str) -> crate::Output {
        let argv: Vec<String> =
            std::iter::once("check").chain(args.iter().copied()).map(String::from).collect();
        run(&argv, &[Input { name: "in.yaml".into(), text: text.into() }])
    }

    #[test]
    fn binary_garbage_and_invalid_utf8() {
        let mut bytes = Vec::new();
        let mut x: u32 = 7;
        for _ in 0..50_000 {
            x = x.wrapping_mul(1_664_525).wrapping_add(1_013_904_223);
            bytes.push((x >> 24) as u8);
        }
        // What main.rs does with files that are not UTF-8.
        let text = String::from_utf8_lossy(&bytes).into_owned();
        let out = check(&[], &text);
        assert_eq!(out.code, 1);
        assert!(out.stderr.contains("warning[invalid-utf8]"), "{}", out.stderr);
        let out = check(&["-o", "json"], &text);
        assert!(out.stdout.starts_with('{'));
    }

    /// alloc.go's nodePort answers reach `check` (they come from the cluster stage), in the
    /// range the ClusterConfiguration gives the apiserver.
    #[test]
    fn node_ports_outside_the_range_are_rejected() {
        let svc = |np: u32| {
            format!(
                "apiVersion: v1\nkind: Service\nmetadata: {{name: web}}\nspec:\n  type: NodePort\n  \
                 ports:\n  - port: 80\n    nodePort: {np}\n"
            )
        };
        let out = check(&[], &svc(80));
        assert_eq!(out.code, 1);
        assert_eq!(out.stdout, "1 object, 1 error, 0 warnings\n");
        assert!(out.stderr.starts_with(
            "in.yaml:8:15: error[service-allocation]: spec.ports[0].nodePort: Invalid value: 80: \
             provided port is not in the valid range. The range of valid ports is 30000-32767\n"
        ), "{}", out.stderr);
        assert_eq!(check(&[], &svc(30000)).code, 0);
        assert_eq!(check(&[], &svc(32767)).code, 0);
        assert_eq!(check(&[], &svc(32768)).code, 1);
        let kubectl = check(&["--format", "kubectl"], &svc(80));
        assert_eq!(kubectl.stdout, "");
        assert_eq!(
            kubectl.stderr,
            "The Service \"web\" is invalid: spec.ports[0].nodePort: Invalid value: 80: provided \
             port is not in the valid range. The range of valid ports is 30000-32767\n"
        );
        let config =
            "apiVersion: kubeadm.k8s.io/v1beta4\nkind: ClusterConfiguration\napiServer:\n  \
                      extraArgs:\n  - name: service-node-port-range\n    value: 20000-22767\n---\n";
        assert_eq!(check(&[], &format!("{config}{}", svc(20080))).code, 0);
        let out = check(&[], &format!("{config}{}", svc(30080)));
        assert!(out.stderr.contains("Invalid value: 30080: provided port is not in the valid range. The range of valid ports is 20000-22767\n"), "{}", out.stderr);
    }

    #[test]
    fn exit_codes_and_usage() {
        let ok = "apiVersion: v1\nkind: Namespace\nmetadata: {name: a}\n";
        assert_eq!(check(&[], ok).code, 0);
        assert_eq!(check(&[], ok).stdout, "1 object, 0 errors, 0 warnings\n");
        let warn = "apiVersion: v1\nkind: Namespace\nmetadata: {name: a, labls: {}}\n";
        let out = check(&[], warn);
        assert_eq!((out.code, out.stdout.as_str()), (0, "1 object, 0 errors, 1 warning\n"));
        assert_eq!(check(&["--format", "yaml"], ok).code, 2);
        assert_eq!(check(&["-o", "wide"], ok).code, 2);
        assert_eq!(check(&["extra"], ok).code, 2);
    }

    #[test]
    fn kubectl_format_one_and_several_causes() {
        let text = "apiVersion: v1\nkind: Service\nmetadata: {name: a}\nspec:\n  ports: [{port: 0, targetPort: 80}]\n---\napiVersion: v1\nkind: Service\nmetadata: {name: b}\nspec: {}\n---\napiVersion: v1\nkind: Service\nmetadata: {name: c}\nspec: {type: Foo, ports: [{port: 80}]}\n";
        let out = check(&["--format", "kubectl"], text);
        assert_eq!(out.code, 1);
        assert_eq!(out.stdout, "");
        assert_eq!(
            out.stderr,
            // Several errors in one apply: `apply.go` returns them as one aggregate, which
            // `cmdutil.checkErr` prints with `MultipleErrors` (each as `StandardErrorMessage`:
            // `Error from server (Invalid): …`, no `The Service "a" is invalid:` block).
            "Error from server (Invalid): error when creating \"in.yaml\": Service \"a\" is invalid: spec.ports[0].port: Invalid value: 0: must be between 1 and 65535, inclusive\n\
             Error from server (Invalid): error when creating \"in.yaml\": Service \"b\" is invalid: spec.ports: Required value\n\
             Error from server (Invalid): error when creating \"in.yaml\": Service \"c\" is invalid: spec.type: Unsupported value: \"Foo\": supported values: \"ClusterIP\", \"ExternalName\", \"LoadBalancer\", \"NodePort\"\n"
        );
        // One error alone is printed as kubectl's Invalid block.
        let one = check(&["--format", "kubectl"], text.split("---\n").next().unwrap_or_default());
        assert_eq!(
            one.stderr,
            "The Service \"a\" is invalid: spec.ports[0].port: Invalid value: 0: must be between 1 and 65535, inclusive\n"
        );
    }

    #[test]
    fn kubectl_format_quotes_the_name_as_go_does() {
        // apierrors.NewInvalid formats the name with %q: quotes and invisible runes escaped.
        let text = "apiVersion: v1\nkind: Service\nmetadata: {name: \"we\\\"b\\u200b\"}\nspec:\n  ports: [{port: 80}]\n";
        let out = check(&["--format", "kubectl"], text);
        assert_eq!(out.code, 1);
        let first = out.stderr.lines().next().unwrap_or_default();
        assert!(
            first.starts_with("The Service \"we\\\"b\\u200b\" is invalid: metadata.name: Invalid value: \"we\\\"b\\u200b\": "),
            "{}",
            out.stderr
        );
    }
}
