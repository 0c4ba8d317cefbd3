//! The app state and its reducer: every user intent is an [`Action`]. The core itself runs in
//! the engine worker (`engine.rs`); its answers come back as [`Action::Simulated`].

use std::rc::Rc;

use netsim::request::Outcome;
use netsim::view::Analysis;
use yew::Reducible;

use crate::engine::{Engine, EngineError};

/// The name the editor's text carries in diagnostics.
pub const EDITOR_FILE: &str = "manifests.yaml";

#[derive(Clone, Debug, PartialEq)]
pub struct AppState {
    /// The learner's text, exactly as typed.
    pub text: Rc<str>,
    /// The analysis of `text`.
    pub analysis: Rc<Analysis>,
    /// The last analysis without errors: kept on screen (marked stale) while the text is broken.
    pub last_good: Rc<Analysis>,
    /// Revision counter of `text`, so debounced work can tell it is outdated.
    pub revision: u64,
    /// The editor location the problems list asked to reveal (UTF-16 offsets), with a sequence
    /// number so revealing the same spot twice still moves the cursor.
    pub reveal: Option<(u32, u32, u64)>,
    /// The scenario library (`scenarios/index.json`), once fetched.
    pub scenarios: Rc<Vec<ScenarioInfo>>,
    /// The scenario the text was loaded from, if any.
    pub scenario: Option<Rc<str>>,
    /// The scenario's text as published (empty when unknown, e.g. restored work): edits are
    /// what differs.
    pub loaded: Rc<str>,
    /// Bumped whenever the text is replaced from outside the editor, so the editor shows it.
    pub load_seq: u64,
    /// Bumped whenever the engine must simulate again (new text or what-if events); the
    /// engine's answer carries the number it answers, so late answers are dropped.
    pub sim_seq: u64,
    /// True when `analysis` is the engine's answer for the current `sim_seq`, false while the
    /// engine works on it (the previous answer stays on screen meanwhile).
    pub full: bool,
    /// The engine's answer for the shown cluster: its events and what-if failures.
    pub cluster: Rc<EngineView>,
    /// What-if events applied after the build, in order (`netsim get --event` syntax).
    pub what_ifs: Rc<Vec<String>>,
    /// The topology element the inspector shows (`svc/ns/name`, `pod/ns/name`, `node/name`).
    pub selected: Option<Rc<str>>,
    /// The engine could not answer (crash report, or why it is unavailable).
    pub engine_problem: Option<Rc<EngineProblem>>,
    /// The engine worker.
    pub engine: Engine,
    /// Ids of the topology boxes the last request went through (drawn as its path).
    pub highlight: Rc<Vec<String>>,
    /// How that request ended (the path is drawn in the outcome's colour).
    pub path_outcome: Option<Outcome>,
    /// Bumped when another pane asks the request panel to send `request` (a matrix cell).
    pub send_seq: u64,
    /// The text the current `sim_seq` simulates: `analysis` is of `text` only when this is
    /// `text` and the answer is in (`full`).
    pub sim_text: Rc<str>,
    /// The request in the request panel (source, target): shared in links.
    pub request: Option<Rc<(String, String)>>,
    /// The open results tab (`topology`, `objects`, `kubectl`, `dns`, `iptables`, `events`,
    /// `reach`).
    pub view: Rc<str>,
    /// `?readonly` (embeds in slides): the editor cannot be changed.
    pub readonly: bool,
    /// A message for the learner about the page itself (a damaged share link…).
    pub notice: Option<Rc<str>>,
    /// An edit the learner asked for (a fix, a version), applied by the editor as soon as the
    /// analysis is of the text in the editor (the edit's offsets come from it).
    pub pending_edit: Option<Rc<PendingEdit>>,
}

/// An edit the core prepares in the view model, named so that it can be found again in the
/// analysis of the text the editor holds when it is applied.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PendingEdit {
    /// The version select's choice (`v1.35`): `VersionView.choices[].edit`.
    Version(String),
    /// A diagnostic's fix, by the diagnostic's code and the fix's title.
    Fix { code: String, title: String },
}

impl PendingEdit {
    /// The edits in `a` (the analysis of the editor's text); `None` when there are none any
    /// more (the version already chosen, the problem gone).
    pub fn edits(&self, a: &Analysis) -> Option<Vec<netsim::view::TextEdit>> {
        match self {
            PendingEdit::Version(v) => {
                a.version.choices.iter().find(|c| c.version == *v)?.edit.clone().map(|e| vec![e])
            }
            PendingEdit::Fix { code, title } => a
                .diagnostics
                .iter()
                .filter(|d| d.code == *code)
                .find_map(|d| d.fix.as_ref().filter(|f| f.title == *title))
                .map(|f| f.edits.clone()),
        }
    }
}

/// The engine's answer to `simulate`, less the view model (kept in `AppState::analysis`): the
/// newest events and what a what-if event could not do.
pub use netsim::view::ClusterEvents as EngineView;

/// The whole answer of the engine's `simulate`.
pub use netsim::view::Simulated;

/// Why the engine has no answer.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum EngineProblem {
    /// The core crashed on this input: the message and the report for a bug report.
    Crashed { message: String, report: String, text: Rc<str> },
    /// The engine could not run (or refused the what-if events).
    Unavailable(String),
}

/// One entry of the scenario library, as the page shows it.
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct ScenarioInfo {
    pub name: String,
    pub title: String,
    pub lesson: String,
    pub file: String,
    pub explanation: String,
    pub try_this: Vec<String>,
    /// Suggested requests as (from, target, expected outcome).
    pub requests: Vec<(String, String, String)>,
    /// A challenge's goal and requirements as the index has them (JSON), for the engine.
    pub challenge: Option<String>,
}

impl ScenarioInfo {
    /// "Lessons", "Classic mistakes" or "Challenges", from the name's prefix.
    pub fn group(&self) -> &'static str {
        if self.name.starts_with("mistake-") {
            "Classic mistakes"
        } else if self.name.starts_with("challenge-") {
            "Challenges"
        } else {
            "Lessons"
        }
    }
}

impl AppState {
    pub fn new(text: &str) -> AppState {
        // Nothing is known until the engine worker answers (a few milliseconds).
        let analysis = Rc::new(Analysis::default());
        AppState {
            text: Rc::from(text),
            last_good: Rc::clone(&analysis),
            analysis,
            revision: 0,
            reveal: None,
            scenarios: Rc::new(Vec::new()),
            scenario: None,
            loaded: Rc::from(text),
            load_seq: 0,
            sim_seq: 1,
            full: false,
            cluster: Rc::default(),
            what_ifs: Rc::default(),
            selected: None,
            engine_problem: None,
            engine: Engine::default(),
            highlight: Rc::default(),
            path_outcome: None,
            send_seq: 0,
            sim_text: Rc::from(text),
            request: None,
            view: Rc::from("topology"),
            readonly: false,
            notice: None,
            pending_edit: None,
        }
    }

    /// True when the learner changed the text since it was loaded.
    pub fn edited(&self) -> bool {
        self.text != self.loaded
    }

    /// The library entry of the current scenario.
    pub fn current_scenario(&self) -> Option<&ScenarioInfo> {
        let name = self.scenario.as_deref()?;
        self.scenarios.iter().find(|s| s.name == name)
    }

    /// True when `analysis` is the engine's answer for the text as it is now: positions in
    /// it (a fix's edits, the version select's) fit the text.
    pub fn analysis_is_current(&self) -> bool {
        self.full && (Rc::ptr_eq(&self.sim_text, &self.text) || *self.sim_text == *self.text)
    }

    /// True while the text has errors and the results shown are the last good ones.
    pub fn stale(&self) -> bool {
        self.analysis.errors > 0
    }
}

#[derive(Clone, Debug, PartialEq)]
pub enum Action {
    /// The editor text changed to this (the plain `<textarea>` editor; not yet re-simulated).
    Edit(Rc<str>),
    /// Re-simulate the current text (sent by the plain editor's debounce timer with the
    /// revision it saw).
    Simulate(u64),
    /// The CodeMirror editor's text, once typing paused (or the Share button wants the last
    /// keystroke): simulate it if it is new. CodeMirror's edits dispatch nothing per keystroke
    /// (a keystroke in a 10 MB text must not copy 10 MB, nor redraw the page).
    Flush(Rc<str>),
    /// Replace the whole text and simulate it at once: a scenario as published (`pristine`),
    /// or the learner's saved work (which counts as edits: Reset offers the scenario back).
    Load { text: Rc<str>, scenario: Option<Rc<str>>, pristine: bool },
    /// The scenario library arrived.
    SetScenarios(Rc<Vec<ScenarioInfo>>),
    /// Jump the editor to a span (from the problems list).
    Reveal { from: u32, to: u32 },
    /// The engine answered `simulate` number `seq`.
    Simulated { seq: u64, result: Result<Rc<Simulated>, EngineError> },
    /// Apply a what-if event (delete a Pod, scale, readiness, node down).
    WhatIf(String),
    /// Undo every what-if event.
    ClearWhatIfs,
    /// Show an element in the inspector (`None` closes it).
    Select(Option<Rc<str>>),
    /// Draw a request's path over the topology, in the colour of its outcome.
    Highlight(Vec<String>, Option<Outcome>),
    /// Ask the request panel to send a request from `from` to `target` (a matrix cell's).
    Send(String, String),
    /// The request panel's source and target changed (or a link set them).
    SetRequest(String, String),
    /// Open a results tab.
    SetView(Rc<str>),
    /// Say something about the page (`None` dismisses it).
    Notice(Option<Rc<str>>),
    /// Apply an edit the core prepared, once the analysis is of the editor's text (`None`: it
    /// was applied, or there is nothing to apply any more).
    ApplyEdit(Option<Rc<PendingEdit>>),
}

impl Reducible for AppState {
    type Action = Action;

    fn reduce(self: Rc<Self>, action: Action) -> Rc<Self> {
        let next = self.reduce_inner(action);
        crate::browser::remember_text(&next.text);
        next
    }
}

impl AppState {
    /// This state, asking the engine for a new simulation (of the text, with the what-ifs).
    fn resimulate(mut self) -> Rc<Self> {
        self.full = false;
        self.sim_seq += 1;
        self.sim_text = Rc::clone(&self.text);
        crate::browser::perf_mark(self.sim_seq);
        Rc::new(self)
    }

    fn reduce_inner(self: Rc<Self>, action: Action) -> Rc<Self> {
        match action {
            Action::Edit(text) => {
                if *text == *self.text {
                    return self;
                }
                let mut next = (*self).clone();
                next.text = text;
                next.revision += 1;
                Rc::new(next)
            }
            Action::Flush(text) => {
                if *text == *self.text {
                    // Typed and undone within the pause: the analysis is of this text.
                    return self;
                }
                let mut next = (*self).clone();
                next.text = text;
                next.resimulate()
            }
            Action::Simulate(revision) => {
                if revision != self.revision {
                    return self;
                }
                (*self).clone().resimulate()
            }
            Action::Simulated { seq, result } => {
                if seq != self.sim_seq || matches!(result, Err(EngineError::Superseded)) {
                    return self;
                }
                let mut next = (*self).clone();
                match result {
                    Ok(sim) => {
                        // The answer is only here: move it (a big cluster's view model is
                        // megabytes; a copy would cost the main thread).
                        let (view, cluster) = match Rc::try_unwrap(sim) {
                            Ok(s) => (s.view, s.cluster),
                            Err(rc) => (rc.view.clone(), rc.cluster.clone()),
                        };
                        let analysis = Rc::new(view);
                        if analysis.errors == 0 {
                            next.last_good = Rc::clone(&analysis);
                        }
                        next.analysis = analysis;
                        next.cluster = Rc::new(cluster);
                        next.full = true;
                        next.engine_problem = None;
                    }
                    Err(EngineError::Crashed { message, report }) => {
                        next.engine_problem = Some(Rc::new(EngineProblem::Crashed {
                            message,
                            report,
                            text: Rc::clone(&self.text),
                        }));
                    }
                    Err(e) => {
                        next.engine_problem =
                            Some(Rc::new(EngineProblem::Unavailable(e.to_string())))
                    }
                }
                Rc::new(next)
            }
            Action::WhatIf(event) => {
                let mut next = (*self).clone();
                let mut list = (*self.what_ifs).clone();
                list.push(event);
                next.what_ifs = Rc::new(list);
                next.sim_seq += 1;
                Rc::new(next)
            }
            Action::ClearWhatIfs => {
                if self.what_ifs.is_empty() {
                    return self;
                }
                let mut next = (*self).clone();
                next.what_ifs = Rc::default();
                next.sim_seq += 1;
                Rc::new(next)
            }
            Action::SetRequest(from, target) => {
                if self.request.as_deref() == Some(&(from.clone(), target.clone())) {
                    return self;
                }
                let mut next = (*self).clone();
                next.request = Some(Rc::new((from, target)));
                Rc::new(next)
            }
            Action::ApplyEdit(pending) => {
                let mut next = (*self).clone();
                next.pending_edit = pending;
                Rc::new(next)
            }
            Action::Notice(notice) => {
                let mut next = (*self).clone();
                next.notice = notice;
                Rc::new(next)
            }
            Action::SetView(view) => {
                if view == self.view {
                    return self;
                }
                let mut next = (*self).clone();
                next.view = view;
                Rc::new(next)
            }
            Action::Highlight(ids, outcome) => {
                let mut next = (*self).clone();
                next.highlight = Rc::new(ids);
                next.path_outcome = outcome;
                Rc::new(next)
            }
            Action::Send(from, target) => {
                let mut next = (*self).clone();
                next.request = Some(Rc::new((from, target)));
                next.send_seq += 1;
                Rc::new(next)
            }
            Action::Select(id) => {
                if id == self.selected {
                    return self;
                }
                let mut next = (*self).clone();
                next.selected = id;
                Rc::new(next)
            }
            Action::Load { text, scenario, pristine } => {
                let mut next = (*self).clone();
                next.full = false;
                next.sim_seq += 1;
                next.what_ifs = Rc::default();
                next.selected = None;
                next.loaded = if pristine { Rc::clone(&text) } else { Rc::from("") };
                next.sim_text = Rc::clone(&text);
                next.text = text;
                next.scenario = scenario;
                // A new revision with no pending edit: the debounce timer it starts finds
                // nothing to redo (the analysis above is already of this text).
                next.revision += 1;
                next.load_seq += 1;
                Rc::new(next)
            }
            Action::SetScenarios(list) => {
                let mut next = (*self).clone();
                next.scenarios = list;
                Rc::new(next)
            }
            Action::Reveal { from, to } => {
                let mut next = (*self).clone();
                let seq = self.reveal.map_or(0, |r| r.2 + 1);
                next.reveal = Some((from, to, seq));
                Rc::new(next)
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_engine_crash_keeps_the_text_and_reports_it() {
        let s = Rc::new(AppState::new("a: 1\n"));
        let seq = s.sim_seq;
        let s = s.reduce(Action::Simulated {
            seq,
            result: Err(EngineError::Crashed { message: "boom".into(), report: "op".into() }),
        });
        assert_eq!(&*s.text, "a: 1\n");
        assert_eq!(
            s.engine_problem.as_deref(),
            Some(&EngineProblem::Crashed {
                message: "boom".into(),
                report: "op".into(),
                text: Rc::from("a: 1\n")
            })
        );
        // A late answer for an older simulation is dropped.
        let same = Rc::clone(&s).reduce(Action::Simulated {
            seq: seq - 1,
            result: Err(EngineError::Unavailable("x".into())),
        });
        assert!(Rc::ptr_eq(&same, &s));
    }

    #[test]
    fn edits_are_debounced_by_revision() {
        let s = Rc::new(AppState::new("a: 1\n"));
        let s = s.reduce(Action::Edit(Rc::from("b: 2\n")));
        assert_eq!(s.revision, 1);
        // A timer from before the edit does nothing.
        let same = Rc::clone(&s).reduce(Action::Simulate(0));
        assert!(Rc::ptr_eq(&same, &s));
        // Re-typing the same text is a no-op.
        let same = Rc::clone(&s).reduce(Action::Edit(Rc::from("b: 2\n")));
        assert!(Rc::ptr_eq(&same, &s));
    }

    #[test]
    fn codemirror_edits_bring_their_text_with_the_timer() {
        let s = Rc::new(AppState::new("a: 1\n"));
        let seq = s.sim_seq;
        // Typed and undone before the timer: nothing to simulate.
        let same = Rc::clone(&s).reduce(Action::Flush(Rc::from("a: 1\n")));
        assert!(Rc::ptr_eq(&same, &s));
        let s = s.reduce(Action::Flush(Rc::from("b: 2\n")));
        assert_eq!((&*s.text, s.sim_seq), ("b: 2\n", seq + 1));
    }
}

#[cfg(test)]
mod more_tests {
    use super::*;

    #[test]
    fn the_analysis_is_current_only_for_the_text_it_simulated() {
        let s = Rc::new(AppState::new("a: 1\n"));
        assert!(!s.analysis_is_current(), "no answer yet");
        let seq = s.sim_seq;
        let answer = Simulated { view: Analysis::default(), cluster: EngineView::default() };
        let s = s.reduce(Action::Simulated { seq, result: Ok(Rc::new(answer)) });
        assert!(s.analysis_is_current());
        // Typed in the plain editor: the answer is of the old text until simulated again.
        let s = s.reduce(Action::Edit(Rc::from("b: 2\n")));
        assert!(!s.analysis_is_current());
        let revision = s.revision;
        let s = s.reduce(Action::Simulate(revision));
        assert!(!s.analysis_is_current(), "on its way");
        let seq = s.sim_seq;
        let answer = Simulated { view: Analysis::default(), cluster: EngineView::default() };
        let s = s.reduce(Action::Simulated { seq, result: Ok(Rc::new(answer)) });
        assert!(s.analysis_is_current());
    }

    #[test]
    fn another_pane_can_ask_the_request_panel_to_send() {
        let s = Rc::new(AppState::new("a: 1\n"));
        let s = s.reduce(Action::Send("pod/default/a".into(), "10.244.1.2:80".into()));
        assert_eq!(s.send_seq, 1);
        assert_eq!(
            s.request.as_deref(),
            Some(&("pod/default/a".to_string(), "10.244.1.2:80".to_string()))
        );
    }
}
