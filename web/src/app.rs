//! The app shell: state, context, debounced re-simulation, the engine worker, and the page layout
//! from product.md (editor + problems on the left; results, inspector and requests on the right).

use gloo_timers::callback::Timeout;
use yew::prelude::*;

use crate::components::{
    crash::CrashBanner, editor::Editor, events::EventsView, header::Header, help::HelpOverlay,
    inspector::Inspector, iptables::IptablesView, kubectl::KubectlView, nslookup::DnsView,
    objects::Objects, problems::Problems, requests::RequestsPanel,
    scenario_info::ScenarioInfoPanel, topology::TopologyPane,
};
use std::rc::Rc;

use crate::hooks::{open_scenario, AppContext};
use crate::state::{Action, AppState, Simulated};

/// Quiet time after the last keystroke before re-simulating.
const DEBOUNCE_MS: u32 = 120;

/// The tabs of the results pane.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Tab {
    Topology,
    Objects,
    Kubectl,
    Dns,
    Iptables,
    Events,
}

const TABS: [(Tab, &str, &str); 6] = [
    (Tab::Topology, "Topology", "tab-topology"),
    (Tab::Objects, "Objects", "tab-objects"),
    (Tab::Kubectl, "kubectl get", "tab-kubectl"),
    (Tab::Dns, "DNS", "tab-dns"),
    (Tab::Iptables, "iptables", "tab-iptables"),
    (Tab::Events, "Events", "tab-events"),
];

#[component]
pub fn App() -> Html {
    let state = use_reducer(|| AppState::new(crate::DEFAULT_SCENARIO));
    // Which results tab is open: layout state only, so it lives here and not in the reducer.
    let tab = use_state(|| Tab::Topology);
    let help = use_state(|| false);
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
    {
        // The engine worker builds the cluster for every new text or what-if list.
        let dispatcher = state.dispatcher();
        let engine = state.engine.clone();
        let args = state.simulate_args();
        use_effect_with(state.sim_seq, move |&seq| {
            wasm_bindgen_futures::spawn_local(async move {
                let result = engine.call("simulate", &args).await.and_then(|json| {
                    serde_json::from_str::<Simulated>(&json).map(Rc::new).map_err(|e| {
                        crate::engine::EngineError::Unavailable(format!(
                            "unreadable answer from the engine: {e}"
                        ))
                    })
                });
                dispatcher.dispatch(Action::Simulated { seq, result });
            });
        });
    }
    {
        // Keyboard: `?` toggles the help overlay (not while typing), Escape closes it.
        let help = help.clone();
        use_effect_with((), move |()| {
            let listener = crate::browser::on_key(move |e: &KeyboardEvent| {
                if e.key() == "?" && !crate::browser::typing_in_field(e) {
                    e.prevent_default();
                    help.set(!*help);
                } else if e.key() == "Escape" {
                    help.set(false);
                }
            });
            move || drop(listener)
        });
    }
    let close_help = {
        let help = help.clone();
        Callback::from(move |_| help.set(false))
    };
    let open_help = {
        let help = help.clone();
        Callback::from(move |_: MouseEvent| help.set(true))
    };
    let tab_button = |which: Tab, label: &'static str, testid: &'static str| {
        let tab = tab.clone();
        let selected = *tab == which;
        let onclick = Callback::from(move |_: MouseEvent| tab.set(which));
        html! {
            <button type="button" role="tab" class={classes!("tab", selected.then_some("active"))}
                aria-selected={selected.to_string()} data-testid={testid} {onclick}>{ label }</button>
        }
    };
    let inspecting = state.selected.is_some();
    html! {
        <ContextProvider<AppContext> context={state}>
            <div class="app" data-testid="app">
                <Header on_help={open_help} />
                <CrashBanner />
                <main class="panes">
                    <section class="pane left" aria-label="Manifests">
                        <Editor />
                        <Problems />
                    </section>
                    <section class="pane right" aria-label="Results">
                        <ScenarioInfoPanel />
                        <nav class="tabs" role="tablist" aria-label="Results views">
                            { for TABS.iter().map(|&(t, label, id)| tab_button(t, label, id)) }
                        </nav>
                        <div class={classes!("results", inspecting.then_some("inspecting"))}>
                            <div class="tab-body" role="tabpanel">
                                { results_pane(*tab) }
                            </div>
                            if inspecting {
                                <Inspector />
                            }
                        </div>
                        <RequestsPanel />
                    </section>
                </main>
                if *help {
                    <HelpOverlay on_close={close_help} />
                }
            </div>
        </ContextProvider<AppContext>>
    }
}

/// The pane of the open results tab.
fn results_pane(tab: Tab) -> Html {
    match tab {
        Tab::Topology => html! { <TopologyPane /> },
        Tab::Objects => html! { <Objects /> },
        Tab::Kubectl => html! { <KubectlView /> },
        Tab::Dns => html! { <DnsView /> },
        Tab::Iptables => html! { <IptablesView /> },
        Tab::Events => html! { <EventsView /> },
    }
}
