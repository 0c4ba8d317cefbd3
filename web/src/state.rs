//! The app state and its reducer: every user intent is an [`Action`]; `reduce` calls the core.

use std::rc::Rc;

use netsim::diagnostic::SourceFiles;
use netsim::view::Analysis;
use yew::Reducible;

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
        let analysis = Rc::new(analyze(text));
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

    /// True while the text has errors and the results shown are the last good ones.
    pub fn stale(&self) -> bool {
        self.analysis.errors > 0
    }
}

pub fn analyze(text: &str) -> Analysis {
    let mut files = SourceFiles::default();
    files.add(EDITOR_FILE, text);
    // The full pipeline (cluster + topology) only when the Topology tab is built in.
    #[cfg(feature = "topology")]
    let analysis = netsim::view::analyze(&files);
    #[cfg(not(feature = "topology"))]
    let analysis = netsim::view::analyze_manifests(&files);
    analysis
}

#[derive(Clone, Debug, PartialEq)]
pub enum Action {
    /// The editor text changed (not yet re-simulated).
    Edit(Rc<str>),
    /// Re-simulate the current text (sent by the debounce timer with the revision it saw).
    Simulate(u64),
    /// Replace the whole text and simulate it at once: a scenario as published (`pristine`),
    /// or the learner's saved work (which counts as edits: Reset offers the scenario back).
    Load { text: Rc<str>, scenario: Option<Rc<str>>, pristine: bool },
    /// The scenario library arrived.
    SetScenarios(Rc<Vec<ScenarioInfo>>),
    /// Jump the editor to a span (from the problems list).
    Reveal { from: u32, to: u32 },
}

impl Reducible for AppState {
    type Action = Action;

    fn reduce(self: Rc<Self>, action: Action) -> Rc<Self> {
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
            Action::Simulate(revision) => {
                if revision != self.revision {
                    return self;
                }
                let analysis = analyze(&self.text);
                if analysis == *self.analysis {
                    return self;
                }
                let mut next = (*self).clone();
                let analysis = Rc::new(analysis);
                if analysis.errors == 0 {
                    next.last_good = Rc::clone(&analysis);
                }
                next.analysis = analysis;
                Rc::new(next)
            }
            Action::Load { text, scenario, pristine } => {
                let mut next = (*self).clone();
                let analysis = Rc::new(analyze(&text));
                if analysis.errors == 0 {
                    next.last_good = Rc::clone(&analysis);
                }
                next.analysis = analysis;
                next.loaded = if pristine { Rc::clone(&text) } else { Rc::from("") };
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
}
