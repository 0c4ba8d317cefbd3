//! What the page's controls change, prepared by the core so that the page only applies it:
//! text edits in the editor's UTF-16 offsets (a diagnostic's one-click fix, the Kubernetes
//! version select) and the next moments of the what-if timeline (a deleted Pod's grace period
//! running out).
//!
//! The version is chosen **by editing the text** (kubeadm ClusterConfiguration
//! `kubernetesVersion`), so the CLI reading the same text sees the same cluster: the edit
//! replaces the value where the text has one, adds the field to the ClusterConfiguration that
//! lacks it, or appends a ClusterConfiguration document.

use serde::{Deserialize, Serialize};

use crate::cluster::{Cluster, WhatIf};
use crate::diagnostic::{Fix, SourceFiles};
use crate::manifest::KubeVersion;
use crate::syntax::{self, Node};
use crate::text::{FileId, Span, TextRange};

/// Replace UTF-16 offsets `from..to` of file `file` with `text` (an empty range inserts).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct TextEdit {
    pub file: u32,
    pub from: u32,
    pub to: u32,
    pub text: String,
}

impl TextEdit {
    /// The edit of byte range `range` of `file`, in the editor's UTF-16 offsets.
    pub fn new(files: &SourceFiles, file: FileId, range: TextRange, text: String) -> TextEdit {
        let t = files.text(file);
        let (from, to) = files
            .line_index(file)
            .map_or((0, 0), |i| (i.utf16_offset(t, range.start), i.utf16_offset(t, range.end)));
        TextEdit { file: file.0, from, to, text }
    }
}

/// A diagnostic's one-click fix, for the editor: apply `edits` together (one undo step).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct FixRow {
    /// The button's label: `Add Namespace "shop"`.
    pub title: String,
    /// In text order (file, then offset), so an editor applies them in one pass.
    pub edits: Vec<TextEdit>,
}

impl FixRow {
    pub fn new(files: &SourceFiles, fix: &Fix) -> FixRow {
        let mut edits: Vec<TextEdit> =
            fix.edits.iter().map(|e| edit_at(files, e.span, e.text.clone())).collect();
        crate::sort::sort_by_key(&mut edits, |e| (e.file, e.from));
        FixRow { title: fix.title.clone(), edits }
    }
}

fn edit_at(files: &SourceFiles, span: Span, text: String) -> TextEdit {
    TextEdit::new(files, span.file, span.range, text)
}

/// The Kubernetes release the cluster runs, and how to choose another (the version select).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct VersionView {
    /// `v1.37`: the release simulated.
    pub current: String,
    /// `kubernetesVersion` as the text writes it, when it does (else the default, the newest).
    pub written: Option<String>,
    /// Every release simulated, oldest first.
    pub choices: Vec<VersionChoice>,
}

/// One release of the version select.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct VersionChoice {
    /// `v1.35`.
    pub version: String,
    /// The edit that makes the text choose it; `None` when the text already runs it.
    pub edit: Option<TextEdit>,
}

/// Where `kubernetesVersion` goes in the text.
enum Place {
    /// Replace the value (byte range) of an existing `kubernetesVersion`.
    Value(FileId, TextRange),
    /// A `kubernetesVersion:` with no value: replace from the end of the key to the end of the
    /// value part of its line.
    Empty(FileId, TextRange),
    /// Add a `kubernetesVersion:` line at this offset, indented so.
    Line(FileId, u32, usize),
    /// Append a ClusterConfiguration document to the end of file 0.
    Append,
}

/// The version select of the text `files` whose cluster runs `version`.
pub fn version_view(files: &SourceFiles, version: KubeVersion) -> VersionView {
    let found = find_cluster_configuration(files);
    let written = found.as_ref().and_then(|(_, w)| w.clone());
    let place = found.map_or(Place::Append, |(p, _)| p);
    // The release the text's value names (an unusable value names none).
    let named = written.as_deref().and_then(|w| crate::manifest::version::parse(w).ok());
    // Every choice edits the same place: its UTF-16 offsets are found once (a long line is
    // counted once, not once per release).
    let (at, text_for) = version_edit(files, &place);
    let choices = (KubeVersion::OLDEST.minor..=KubeVersion::NEWEST.minor)
        .map(|minor| {
            let v = KubeVersion { minor, patch: 0 };
            let runs = match (&written, named) {
                (Some(_), Some(n)) => n.minor == minor,
                (Some(_), None) => false,
                (None, _) => minor == version.minor,
            };
            VersionChoice {
                version: v.minor_string(),
                edit: (!runs).then(|| TextEdit { text: text_for(&v.to_string()), ..at.clone() }),
            }
        })
        .collect();
    VersionView { current: version.minor_string(), written, choices }
}

/// Where the version edit goes (its text empty) and the text that writes release `v` there.
/// The text that writes a release at an edit's place.
type VersionText = Box<dyn Fn(&str) -> String>;

fn version_edit(files: &SourceFiles, place: &Place) -> (TextEdit, VersionText) {
    match *place {
        Place::Value(file, range) => {
            (TextEdit::new(files, file, range, String::new()), Box::new(|v| v.to_string()))
        }
        Place::Empty(file, range) => {
            (TextEdit::new(files, file, range, String::new()), Box::new(|v| format!(": {v}")))
        }
        Place::Line(file, at, indent) => (
            TextEdit::new(files, file, TextRange::empty(at), String::new()),
            Box::new(move |v| format!("{:indent$}kubernetesVersion: {v}\n", "")),
        ),
        Place::Append => {
            let file = FileId(0);
            let text = files.text(file);
            let end = u32::try_from(text.len()).unwrap_or(u32::MAX);
            let sep = if text.trim().is_empty() {
                ""
            } else if text.ends_with('\n') {
                "---\n"
            } else {
                "\n---\n"
            };
            (
                TextEdit::new(files, file, TextRange::empty(end), String::new()),
                Box::new(move |v| {
                    format!("{sep}apiVersion: kubeadm.k8s.io/v1beta4\nkind: ClusterConfiguration\nkubernetesVersion: {v}\n")
                }),
            )
        }
    }
}

/// The first kubeadm ClusterConfiguration of the input (as the loader finds the version: a
/// document, or an item of a List document), where its `kubernetesVersion` goes, and the value
/// written.
fn find_cluster_configuration(files: &SourceFiles) -> Option<(Place, Option<String>)> {
    let mut found = None;
    for (file, _, text) in files.iter() {
        if !text.contains("ClusterConfiguration") {
            continue;
        }
        syntax::parse_each(file, text, |item| {
            let syntax::Item::Document(doc) = item else { return };
            let Some(root) = &doc.root else { return };
            if found.is_some() {
                return;
            }
            let mut candidates: Vec<&Node<'_>> = vec![root];
            if let Some(items) = root.get("items").and_then(|e| e.value.as_sequence()) {
                candidates.extend(items.iter());
            }
            found = candidates.into_iter().find_map(|n| place_in(file, text, n));
        });
        if found.is_some() {
            break;
        }
    }
    found
}

fn place_in(file: FileId, text: &str, n: &Node<'_>) -> Option<(Place, Option<String>)> {
    let scalar = |k: &str| n.get(k).and_then(|e| e.value.as_scalar()).map(|s| s.text.to_string());
    let kind = n.get("kind")?;
    let is_cc = scalar("kind").as_deref() == Some("ClusterConfiguration")
        && scalar("apiVersion").is_some_and(|a| {
            crate::model::kind_info("ClusterConfiguration").is_some_and(|k| k.serves(&a))
        });
    if !is_cc {
        return None;
    }
    if let Some(e) = n.get("kubernetesVersion") {
        let written = e.value.as_scalar().map(|s| s.text.to_string()).filter(|w| !w.is_empty());
        if e.value.range.start < e.value.range.end {
            return Some((Place::Value(file, e.value.range), written));
        }
        // `kubernetesVersion:` alone: from the key's end to the end of the line's value part.
        let end = line_value_end(text, e.key.range.end);
        return Some((Place::Empty(file, TextRange::new(e.key.range.end, end)), None));
    }
    // A line of its own under `kind:`, indented as `kind` (a block mapping); a flow mapping
    // gets a ClusterConfiguration document of its own instead.
    let start = kind.key.range.start as usize;
    let line_start = text[..start].rfind('\n').map_or(0, |i| i + 1);
    let prefix = &text[line_start..start];
    if !prefix.chars().all(|c| c == ' ' || c == '-') {
        return None;
    }
    let end = kind.value.range.end as usize;
    let at = text[end..].find('\n').map(|i| end + i + 1)?;
    Some((Place::Line(file, u32::try_from(at).ok()?, prefix.len()), None))
}

/// The end of the value part of the line at `from`: before a ` #` comment or the line end.
fn line_value_end(text: &str, from: u32) -> u32 {
    let rest = &text[from as usize..];
    let line = rest.split('\n').next().unwrap_or("");
    let value = line.find(" #").map_or(line, |i| &line[..i]).trim_end_matches([' ', '\r']);
    from + u32::try_from(value.len()).unwrap_or(0)
}

/// A moment the what-if timeline can go to next.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct PendingMoment {
    /// The what-if event that makes it happen (`grace-over/default/web-abc`).
    pub event: String,
    /// The topology id of the Pod it is about (`pod/default/web-abc`).
    pub pod: String,
    /// When it happens, in seconds after the deletion (the grace period).
    pub seconds: i64,
    /// The button: `Grace period over: web-abc (30 s later)`.
    pub title: String,
    /// What happens then, in one sentence.
    pub text: String,
}

/// The moments pending in `c` (`cluster::pending`), for the what-if timeline.
pub fn pending_moments(c: &Cluster) -> Vec<PendingMoment> {
    crate::cluster::pending(c)
        .into_iter()
        .map(|(w, seconds)| {
            let (ns, name) = match &w {
                WhatIf::GracePeriodOver { namespace, name } => (namespace.as_str(), name.as_str()),
                _ => ("", ""),
            };
            PendingMoment {
                event: w.to_event(),
                pod: format!("pod/{ns}/{name}"),
                seconds,
                title: format!("Grace period over: {name} ({seconds} s later)"),
                text: format!(
                    "After its {seconds} s grace period Pod {ns}/{name} is gone: its endpoint \
                     leaves the EndpointSlice and its IP is released."
                ),
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn files(text: &str) -> SourceFiles {
        let mut f = SourceFiles::default();
        f.add("manifests.yaml", text);
        f
    }

    /// The text after applying `edit` (UTF-16 offsets).
    fn apply(text: &str, e: &TextEdit) -> String {
        let units: Vec<u16> = text.encode_utf16().collect();
        let mut out: Vec<u16> = units[..e.from as usize].to_vec();
        out.extend(e.text.encode_utf16());
        out.extend(&units[e.to as usize..]);
        String::from_utf16(&out).unwrap_or_default()
    }

    /// The version the text runs after choosing `v`, and the text.
    #[track_caller]
    fn choose(text: &str, v: &str) -> (String, String) {
        let f = files(text);
        let loaded = crate::manifest::load(&f);
        let view = version_view(&f, loaded.version);
        let choice = view.choices.iter().find(|c| c.version == v).expect("a choice");
        let edit = choice.edit.as_ref().expect("an edit");
        let after = apply(text, edit);
        let again = crate::manifest::load(&files(&after));
        (again.version.minor_string(), after)
    }

    const POD: &str = "# é – a comment with non-ASCII text\napiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers: [{name: c, image: nginx}]\n";

    #[test]
    fn choosing_a_version_without_a_cluster_configuration_appends_one() {
        let f = files(POD);
        let view = version_view(&f, crate::manifest::load(&f).version);
        assert_eq!(view.current, "v1.37");
        assert_eq!(view.written, None);
        let names: Vec<&str> = view.choices.iter().map(|c| c.version.as_str()).collect();
        assert_eq!(names, ["v1.33", "v1.34", "v1.35", "v1.36", "v1.37"]);
        // The release it runs needs no edit.
        assert!(view.choices[4].edit.is_none());
        let (v, after) = choose(POD, "v1.35");
        assert_eq!(v, "v1.35");
        assert!(after.starts_with(POD));
        assert!(after.ends_with("---\napiVersion: kubeadm.k8s.io/v1beta4\nkind: ClusterConfiguration\nkubernetesVersion: v1.35.0\n"));
        // An empty text gets the document alone.
        let (v, after) = choose("", "v1.33");
        assert_eq!(v, "v1.33");
        assert!(after.starts_with("apiVersion: kubeadm"));
    }

    #[test]
    fn choosing_a_version_replaces_the_value_or_adds_the_field() {
        let cc = "apiVersion: kubeadm.k8s.io/v1beta4\nkind: ClusterConfiguration\nkubernetesVersion: \"v1.34.2\" # pinned\nnetworking: {podSubnet: 10.244.0.0/16}\n---\n";
        let text = format!("{POD}---\n{cc}");
        let f = files(&text);
        let view = version_view(&f, crate::manifest::load(&f).version);
        assert_eq!((view.current.as_str(), view.written.as_deref()), ("v1.34", Some("v1.34.2")));
        assert!(view.choices[1].edit.is_none());
        let (v, after) = choose(&text, "v1.36");
        assert_eq!(v, "v1.36");
        assert!(after.contains("kubernetesVersion: v1.36.0 # pinned\n"), "{after}");
        // No kubernetesVersion: a line of its own under `kind`.
        let bare = "apiVersion: kubeadm.k8s.io/v1beta3\nkind: ClusterConfiguration\nnetworking: {dnsDomain: cluster.local}\n";
        let (v, after) = choose(bare, "v1.33");
        assert_eq!(v, "v1.33");
        assert_eq!(after, "apiVersion: kubeadm.k8s.io/v1beta3\nkind: ClusterConfiguration\nkubernetesVersion: v1.33.0\nnetworking: {dnsDomain: cluster.local}\n");
        // An empty value.
        let empty =
            "apiVersion: kubeadm.k8s.io/v1beta4\nkind: ClusterConfiguration\nkubernetesVersion:\n";
        let (v, after) = choose(empty, "v1.34");
        assert_eq!((v.as_str(), after.as_str()), ("v1.34", "apiVersion: kubeadm.k8s.io/v1beta4\nkind: ClusterConfiguration\nkubernetesVersion: v1.34.0\n"));
        // Inside a List, indented as the item's keys.
        let list = "apiVersion: v1\nkind: List\nitems:\n- apiVersion: kubeadm.k8s.io/v1beta4\n  kind: ClusterConfiguration\n";
        let (v, after) = choose(list, "v1.35");
        assert_eq!(v, "v1.35");
        assert!(
            after.ends_with("  kind: ClusterConfiguration\n  kubernetesVersion: v1.35.0\n"),
            "{after}"
        );
    }

    #[test]
    fn an_unsupported_version_offers_every_release() {
        let text = "apiVersion: kubeadm.k8s.io/v1beta4\nkind: ClusterConfiguration\nkubernetesVersion: v1.20.0\n";
        let f = files(text);
        let view = version_view(&f, crate::manifest::load(&f).version);
        assert_eq!(view.written.as_deref(), Some("v1.20.0"));
        assert!(view.choices.iter().all(|c| c.edit.is_some()));
        assert_eq!(choose(text, "v1.37").0, "v1.37");
    }

    #[test]
    fn a_missing_namespace_fix_is_in_utf16_offsets() {
        let text = format!("{POD}---\napiVersion: v1\nkind: Service\nmetadata: {{name: s, namespace: shop}}\nspec:\n  ports: [{{port: 80}}]\n");
        let f = files(&text);
        let a = crate::view::analyze(&f);
        let d = a.diagnostics.iter().find(|d| d.code == "namespace-not-found").expect("the error");
        let fix = d.fix.as_ref().expect("a fix");
        assert_eq!(fix.title, "Add Namespace \"shop\"");
        let mut after = text;
        for e in fix.edits.iter().rev() {
            after = apply(&after, e);
        }
        let fixed = crate::view::analyze(&files(&after));
        assert_eq!(fixed.errors, 0, "{after}");
        assert!(after.contains("kind: Namespace\nmetadata:\n  name: shop\n"));
    }

    #[test]
    fn a_deleted_pod_offers_its_grace_period_as_the_next_moment() {
        let mut f = SourceFiles::default();
        f.add("a.yaml", POD);
        let s = crate::session::Session::with_what_ifs(
            f,
            &[WhatIf::DeletePod { namespace: "default".into(), name: "p".into() }],
        );
        let a = s.view();
        let p = a.topology.nodes.iter().flat_map(|n| &n.pods).find(|p| p.name == "p");
        assert_eq!(p.map(|p| p.state), Some(crate::view::PodState::Terminating));
        assert_eq!(a.pending.len(), 1);
        let m = &a.pending[0];
        assert_eq!(
            (m.event.as_str(), m.pod.as_str(), m.seconds),
            ("grace-over/default/p", "pod/default/p", 30)
        );
        assert!(m.title.contains("30 s"));
        // Going there: the Pod is gone and nothing is pending.
        let mut f = SourceFiles::default();
        f.add("a.yaml", POD);
        let events = [
            WhatIf::DeletePod { namespace: "default".into(), name: "p".into() },
            crate::cluster::parse_event(&m.event, "default").unwrap_or_else(|e| panic!("{e}")),
        ];
        let a = crate::session::Session::with_what_ifs(f, &events).view();
        assert!(a.pending.is_empty());
        assert!(a.topology.nodes.iter().flat_map(|n| &n.pods).all(|p| p.name != "p"));
    }
}
