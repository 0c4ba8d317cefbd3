//! The view model: what the playground (and `netsim graph`) shows, as plain serialisable data.
//!
//! **API boundary**: the web app reads only these types. They use the editor's vocabulary
//! (lines, UTF-16 offsets, display strings), so components draw without computing anything.
//!
//! [`analyze`] runs the pipeline (manifest → cluster) once per edit and returns the objects
//! list, the diagnostics and the [`Topology`]; [`svg`] and [`dot`] draw a topology for the
//! export button and `netsim graph`.

mod controls;
mod render;
mod topology;

#[cfg(test)]
mod tests;

pub use controls::{
    pending_moments, version_view, FixRow, PendingMoment, TextEdit, VersionChoice, VersionView,
};
pub use render::{dot, edge_title, esc, pod_title, svg, PALETTE};
pub use topology::{
    fit, group_lines, namespace_color, near_miss, node_lines, pod_lines, service_lines, summary,
    tables, topology, Edge, EdgeKind, EntryKind, EntryPoint, LabelPair, NamespaceTag, NearMiss,
    NodeBox, Options, OutsideBox, OutsideKind, PodBox, PodGroup, PodState, Point, Rect, ServiceBox,
    Table, TextLine, Topology, GROUP_THRESHOLD, MAX_NEAR_MISSES, NAMESPACE_COLORS,
};

use serde::{Deserialize, Serialize};

use crate::diagnostic::{Severity, SourceFiles};

/// Everything the results pane shows for one version of the input.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Analysis {
    pub objects: Vec<ObjectRow>,
    pub diagnostics: Vec<DiagnosticRow>,
    pub errors: usize,
    pub warnings: usize,
    /// The cluster as the playground draws it.
    pub topology: Topology,
    /// How many objects and diagnostics [`Analysis::truncate`] left out (0 when complete).
    #[serde(default, skip_serializing_if = "is_zero")]
    pub omitted_objects: usize,
    #[serde(default, skip_serializing_if = "is_zero")]
    pub omitted_diagnostics: usize,
    /// The Kubernetes release the cluster runs, and the edits that choose another.
    #[serde(default)]
    pub version: VersionView,
    /// The next moments of the what-if timeline (a deleted Pod's grace period running out),
    /// each with the event that makes it happen.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub pending: Vec<PendingMoment>,
}

/// The engine's answer to a new input (the playground's worker and the JS package's
/// `simulateJson`): the view model, at most `max_rows` rows of each list
/// ([`Analysis::truncate`]), and what the controllers did. Both engine builds (the first-topology
/// one and the full one) answer with this one type, so the page cannot tell them apart.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Simulated {
    pub view: Analysis,
    pub cluster: ClusterEvents,
}

/// What the controllers, scheduler and kubelet did for one input (`kubectl events`), and what
/// a what-if event could not do.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ClusterEvents {
    /// The newest events, at most `max_rows`.
    pub events: Vec<crate::cluster::Event>,
    /// How many older events were left out.
    #[serde(default)]
    pub omitted_events: usize,
    pub what_if_errors: Vec<String>,
}

impl Simulated {
    /// The answer for `session` (whose view model is `analysis`), each list cut to `max_rows`.
    pub fn new(
        session: &crate::session::Session,
        analysis: &Analysis,
        max_rows: usize,
    ) -> Simulated {
        let mut view = analysis.clone();
        view.truncate(max_rows);
        let events = &session.cluster().events;
        let from = events.len().saturating_sub(max_rows);
        Simulated {
            view,
            cluster: ClusterEvents {
                events: events[from..].to_vec(),
                omitted_events: from,
                what_if_errors: session
                    .what_if_diagnostics()
                    .iter()
                    .map(|d| d.message.clone())
                    .collect(),
            },
        }
    }

    /// [`Simulated::new`] as the compact JSON text the engine sends the page.
    pub fn json(session: &crate::session::Session, analysis: &Analysis, max_rows: usize) -> String {
        serde_json::to_string(&Simulated::new(session, analysis, max_rows)).unwrap_or_default()
    }
}

fn is_zero(n: &usize) -> bool {
    *n == 0
}

/// One object found in the input.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct ObjectRow {
    pub kind: String,
    /// Empty for cluster-scoped kinds.
    pub namespace: String,
    pub name: String,
    pub file: u32,
    /// 1-based line where the object's document starts; 0 for objects the cluster made.
    pub line: u32,
}

/// One diagnostic, positioned for the editor.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct DiagnosticRow {
    pub severity: Severity,
    pub code: String,
    pub message: String,
    pub hints: Vec<String>,
    pub file: u32,
    pub line: u32,
    /// 1-based column in characters as the editor counts them (UTF-16).
    pub col: u32,
    /// UTF-16 offsets of the span in its file, for squiggles.
    pub from: u32,
    pub to: u32,
    /// A one-click fix (e.g. add the missing Namespace), in the editor's UTF-16 offsets.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fix: Option<FixRow>,
}

impl Analysis {
    /// At most `cap` diagnostics, for a problems list or an editor's squiggles: every error
    /// first (up to the cap), then the others in input order; returned in input order, with
    /// how many were left out. (10,000 Pods on a full node CIDR make 9,500 identical warnings.)
    pub fn capped_diagnostics(&self, cap: usize) -> (Vec<&DiagnosticRow>, usize) {
        let d = &self.diagnostics;
        if d.len() <= cap {
            return (d.iter().collect(), self.omitted_diagnostics);
        }
        let picked = capped_indices(d, cap);
        (picked.into_iter().map(|i| &d[i]).collect(), d.len() - cap + self.omitted_diagnostics)
    }

    /// Keeps at most `max` objects (in input order) and `max` diagnostics (errors first, as
    /// [`Analysis::capped_diagnostics`]), counting what it leaves out; the counts of errors and
    /// warnings stay those of the whole input. For a page, which never lists more: the engine
    /// worker sends a 10,000-Pod paste's view model without 9,500 identical warnings. The
    /// topology's Pod groups keep at most `max` member ids each (their `count` stays the whole
    /// group's): 50,000 Pods drawn as a few groups are not 50,000 ids to send.
    pub fn truncate(&mut self, max: usize) {
        for g in self.topology.nodes.iter_mut().flat_map(|n| n.groups.iter_mut()) {
            g.pods.truncate(max);
        }
        if self.objects.len() > max {
            self.omitted_objects += self.objects.len() - max;
            self.objects.truncate(max);
        }
        if self.diagnostics.len() > max {
            let keep = capped_indices(&self.diagnostics, max);
            self.omitted_diagnostics += self.diagnostics.len() - max;
            let mut all =
                std::mem::take(&mut self.diagnostics).into_iter().map(Some).collect::<Vec<_>>();
            self.diagnostics = keep.into_iter().filter_map(|i| all[i].take()).collect();
        }
    }
}

/// The positions of at most `cap` diagnostics: every error first, then the others, in order.
fn capped_indices(d: &[DiagnosticRow], cap: usize) -> Vec<usize> {
    let mut picked: Vec<usize> =
        (0..d.len()).filter(|&i| d[i].severity == Severity::Error).take(cap).collect();
    let room = cap - picked.len();
    picked.extend((0..d.len()).filter(|&i| d[i].severity != Severity::Error).take(room));
    crate::sort::sort(&mut picked);
    picked
}

impl DiagnosticRow {
    /// A core diagnostic positioned for the editor: 1-based line, UTF-16 column and offsets.
    pub fn new(files: &SourceFiles, d: &crate::diagnostic::Diagnostic) -> DiagnosticRow {
        let text = files.text(d.span.file);
        let (line, col, from, to) = files.line_index(d.span.file).map_or((0, 0, 0, 0), |i| {
            let lc = i.line_col(text, d.span.range.start);
            (
                lc.line,
                lc.col_utf16,
                i.utf16_offset(text, d.span.range.start),
                i.utf16_offset(text, d.span.range.end),
            )
        });
        DiagnosticRow {
            severity: d.severity,
            code: d.code.to_string(),
            message: d.message.clone(),
            hints: d.hints.clone(),
            file: d.span.file.0,
            line,
            col,
            from,
            to,
            fix: d.fix.as_ref().map(|f| FixRow::new(files, f)),
        }
    }
}

/// Reads the input texts and builds the view model: objects, diagnostics of every stage, and
/// the topology of the simulated cluster.
pub fn analyze(files: &SourceFiles) -> Analysis {
    crate::session::Session::new(files.clone()).view()
}

impl crate::session::Session {
    /// The view model of this session: the input's objects, every diagnostic, the topology of
    /// the cluster (what-if events applied).
    pub fn view(&self) -> Analysis {
        let c = self.cluster();
        let topology = topology(&c.objects, &c.settings.dns_domain, Options::default());
        let mut a = assemble(self.files(), self.loaded(), self.diagnostics(), topology);
        a.version = version_view(self.files(), self.loaded().version);
        a.pending = pending_moments(c);
        a
    }

    /// The topology as a standalone SVG document ([`svg`]): [`Question::TopologySvg`], the
    /// playground's export.
    ///
    /// [`Question::TopologySvg`]: crate::session::Question::TopologySvg
    pub fn topology_svg(&self) -> String {
        let c = self.cluster();
        svg(&topology(&c.objects, &c.settings.dns_domain, Options::default()))
    }
}

fn assemble(
    files: &SourceFiles,
    loaded: &crate::manifest::Loaded,
    diagnostics: &[crate::diagnostic::Diagnostic],
    topology: Topology,
) -> Analysis {
    // Every object of the input, from the one list of kinds `Objects::metas` keeps, in the
    // order of the text (file, then offset: objects on one line of JSON keep theirs).
    let mut objects: Vec<(u32, ObjectRow)> = loaded
        .objects
        .metas()
        .into_iter()
        .map(|(kind, meta)| {
            let (file, offset, line) = meta.source.as_ref().map_or((0, 0, 0), |s| {
                let line = files
                    .line_index(s.file)
                    .map_or(0, |i| i.line_col(files.text(s.file), s.range.start).line);
                (s.file.0, s.range.start, line)
            });
            let row = ObjectRow {
                kind: kind.to_string(),
                namespace: meta.namespace.clone(),
                name: meta.name.clone(),
                file,
                line,
            };
            (offset, row)
        })
        .collect();
    crate::sort::sort_by_key(&mut objects, |(offset, row)| (row.file, *offset));
    let objects = objects.into_iter().map(|(_, row)| row).collect();

    let mut diagnostics: Vec<DiagnosticRow> =
        diagnostics.iter().map(|d| DiagnosticRow::new(files, d)).collect();
    crate::sort::sort_by_key(&mut diagnostics, |a| (a.file, a.from, a.to));
    let errors = diagnostics.iter().filter(|d| d.severity == Severity::Error).count();
    let warnings = diagnostics.iter().filter(|d| d.severity == Severity::Warning).count();
    Analysis { objects, diagnostics, errors, warnings, topology, ..Analysis::default() }
}
