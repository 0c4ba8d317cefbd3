//! The app shell: state, context, debounced re-simulation, and the page layout from product.md
//! (editor + problems on the left, results on the right).

use gloo_timers::callback::Timeout;
use yew::prelude::*;

#[cfg(feature = "topology")]
use crate::components::topology::TopologyPane;
use crate::components::{
    editor::Editor, header::Header, objects::Objects, problems::Problems,
    scenario_info::ScenarioInfoPanel,
};
use std::rc::Rc;

use crate::hooks::{open_scenario, AppContext};
use crate::state::{Action, AppState};

/// Quiet time after the last keystroke before re-simulating.
const DEBOUNCE_MS: u32 = 120;

/// The tabs of the results pane.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Tab {
    Topology,
    Objects,
}

#[component]
pub fn App() -> Html {
    let state = use_reducer(|| AppState::new(crate::DEFAULT_SCENARIO));
    // Which results tab is open: layout state only, so it lives here and not in the reducer.
    let tab = use_state(|| if cfg!(feature = "topology") { Tab::Topology } else { Tab::Objects });
    let tab_button = |which: Tab, label: &'static str, testid: &'static str| {
        let tab = tab.clone();
        let selected = *tab == which;
        let onclick = Callback::from(move |_: MouseEvent| tab.set(which));
        html! {
            <button type="button" role="tab" class={classes!("tab", selected.then_some("active"))}
                aria-selected={selected.to_string()} data-testid={testid} {onclick}>{ label }</button>
        }
    };
    {
        // Once: fetch the scenario library, then open what the URL names (`?scenario=NAME`),
        // else the learner's saved work, else stay on the default scenario.
        let dispatcher = state.dispatcher();
        use_effect_with((), move |()| {
            let wanted = crate::browser::query_param("scenario");
            let saved = crate::browser::saved_work();
            if wanted.is_none() {
                if let Some((text, scenario)) = saved {
                    dispatcher.dispatch(Action::Load {
                        text: Rc::from(text),
                        scenario,
                        pristine: false,
                    });
                }
            }
            wasm_bindgen_futures::spawn_local(async move {
                let Some(json) = crate::browser::fetch_text("scenarios/index.json").await else {
                    return;
                };
                let list = crate::browser::parse_scenario_index(&json);
                if let Some(name) = wanted {
                    if let Some(info) = list.iter().find(|s| s.name == name) {
                        open_scenario(dispatcher.clone(), info.name.clone(), info.file.clone());
                    }
                }
                dispatcher.dispatch(Action::SetScenarios(Rc::new(list)));
            });
        });
    }
    {
        // Autosave: the learner's edits survive a reload (only once they edited something).
        let text = Rc::clone(&state.text);
        let scenario = state.scenario.clone();
        let edited = state.edited();
        use_effect_with((text, scenario, edited), |(text, scenario, edited)| {
            if *edited {
                crate::browser::save_work(text, scenario.as_deref());
            }
        });
    }
    {
        // Each edit bumps the revision; the effect's cleanup cancels the previous timer.
        let dispatcher = state.dispatcher();
        use_effect_with(state.revision, move |&revision| {
            let timer = (revision > 0).then(|| {
                Timeout::new(DEBOUNCE_MS, move || dispatcher.dispatch(Action::Simulate(revision)))
            });
            move || drop(timer)
        });
    }
    html! {
        <ContextProvider<AppContext> context={state}>
            <div class="app" data-testid="app">
                <Header />
                <main class="panes">
                    <section class="pane left" aria-label="Manifests">
                        <Editor />
                        <Problems />
                    </section>
                    <section class="pane right" aria-label="Results">
                        <ScenarioInfoPanel />
                        <nav class="tabs" role="tablist" aria-label="Results views">
                            if cfg!(feature = "topology") {
                                { tab_button(Tab::Topology, "Topology", "tab-topology") }
                            }
                            { tab_button(Tab::Objects, "Objects", "tab-objects") }
                        </nav>
                        <div class="tab-body" role="tabpanel">
                            { results_pane(*tab) }
                        </div>
                    </section>
                </main>
            </div>
        </ContextProvider<AppContext>>
    }
}

/// The pane of the open results tab.
fn results_pane(tab: Tab) -> Html {
    match tab {
        #[cfg(feature = "topology")]
        Tab::Topology => html! { <TopologyPane /> },
        #[cfg(not(feature = "topology"))]
        Tab::Topology => html! { <Objects /> },
        Tab::Objects => html! { <Objects /> },
    }
}
