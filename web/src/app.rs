//! The app shell: state, context, debounced re-simulation, the engine worker, and the page layout
//! from product.md (editor + problems on the left; results, inspector and requests on the right).

use gloo_timers::callback::Timeout;
use yew::prelude::*;

use crate::components::{
    crash::CrashBanner, editor::Editor, events::EventsView, header::Header, help::HelpOverlay,
    inspector::Inspector, iptables::IptablesView, kubectl::KubectlView, matrix::ReachabilityView,
    nslookup::DnsView, objects::Objects, problems::Problems, requests::RequestsPanel,
    scenario_info::ScenarioInfoPanel, share::ShareDialog, topology::TopologyPane,
};
use std::rc::Rc;

use crate::hooks::{open_scenario, AppContext};
use crate::state::{Action, AppState, Simulated};

/// Quiet time after the last keystroke before re-simulating.
pub(crate) const DEBOUNCE_MS: u32 = 120;

/// The tabs of the results pane: (view name, label, test id).
const TABS: [(&str, &str, &str); 7] = [
    ("topology", "Topology", "tab-topology"),
    ("objects", "Objects", "tab-objects"),
    ("kubectl", "kubectl get", "tab-kubectl"),
    ("dns", "DNS", "tab-dns"),
    ("iptables", "Rules", "tab-iptables"),
    ("reach", "Reachability", "tab-reach"),
    ("events", "Events", "tab-events"),
];

/// `?embed&view=topology,requests&readonly`: which panes an embed shows.
#[derive(Clone, Debug, PartialEq)]
struct Embed {
    panes: Vec<String>,
}

impl Embed {
    fn from_url() -> Option<Embed> {
        if !crate::browser::has_query_flag("embed") {
            return None;
        }
        let panes: Vec<String> = crate::browser::query_param("view")
            .unwrap_or_else(|| "topology".into())
            .split(',')
            .map(|p| p.trim().to_string())
            .filter(|p| !p.is_empty())
            .collect();
        Some(Embed { panes })
    }

    fn shows(&self, pane: &str) -> bool {
        self.panes.iter().any(|p| p == pane)
    }
}

#[component]
pub fn App() -> Html {
    let embed = use_memo((), |()| Embed::from_url());
    let state =
        use_reducer(|| {
            let mut s = AppState::new(crate::DEFAULT_SCENARIO);
            s.readonly = crate::browser::has_query_flag("readonly");
            if let Some(first) = embed.as_ref().as_ref().and_then(|e| {
                e.panes.iter().find(|p| TABS.iter().any(|t| t.0 == p.as_str())).cloned()
            }) {
                s.view = Rc::from(first);
            }
            s
        });
    let help = use_state(|| false);
    // The first render comes in steps, one task each, top to bottom (see [`Step`]): a phone
    // compiles the page's wasm function by function as it first runs (V8's lazy compilation),
    // and one render of everything was the start's longest task (240–290 ms at Lighthouse's 4×
    // CPU slowdown; the app and the whole bar in one step, 65–100 ms; the note, the tabs and
    // the topology in one, 38–65 ms in a trace). Later parts only appear below or beside
    // earlier ones, so nothing drawn moves; the loading page stays until the whole bar is
    // drawn. Each step makes a performance mark (`netsim-start-N`) once it is drawn.
    let stage = use_state(|| 0u8);
    {
        let stage = stage.clone();
        use_effect_with(*stage, move |&now| {
            crate::browser::mark(START_MARKS[usize::from(now)]);
            if now == LAST_STAGE {
                // What waits for the start to be over (`boot.js`: the page's second part).
                crate::browser::mark("netsim-started");
            }
            let next = (now < LAST_STAGE).then(|| Timeout::new(0, move || stage.set(now + 1)));
            move || drop(next)
        });
    }
    let stage = *stage;
    use_effect_with(stage >= Step::Bar as u8, |&drawn| {
        if drawn {
            crate::browser::remove_loading_page();
        }
    });
    // Open: `Some(the editor's size in bytes when it is too big for a link)`.
    let share = use_state(|| None::<Option<usize>>);
    {
        // Once, a task after the app's first step (the first read of `localStorage` asks the
        // browser for the site's storage, a synchronous request: with the app's first render
        // and effects it made one of the start's longest tasks on a phone): a share link (`#s=…`)
        // wins, then `?scenario=NAME`, then the learner's saved work, else the default scenario
        // stays. The first simulation waits a task too, and goes after this one's. Then, in a
        // task of its own, fetch the scenario library.
        let dispatcher = state.dispatcher();
        use_effect_with((), move |()| {
            wasm_bindgen_futures::spawn_local(async move {
                crate::browser::next_task().await;
                let wanted = crate::browser::query_param("scenario");
                // An embed shows what its link holds and never touches the learner's saved work.
                let embedded = crate::browser::has_query_flag("embed");
                let saved = if embedded { None } else { crate::browser::saved_work() };
                let shared = crate::browser::fragment().filter(|f| f.starts_with("#s="));
                let mut opened_link = false;
                if let Some(link) = shared {
                    match netsim::share::decode_limited(
                        &link,
                        crate::components::share::MAX_LINK_TEXT_BYTES,
                    ) {
                        Ok(st) => {
                            let text: String = match st.files.len() {
                                1 => st.files[0].1.clone(),
                                _ => st
                                    .files
                                    .iter()
                                    .map(|f| f.1.as_str())
                                    .collect::<Vec<_>>()
                                    .join("\n---\n"),
                            };
                            // Nothing the learner typed is lost: ask before replacing it, and keep a copy.
                            let own =
                                saved.as_ref().map(|s| s.0.as_str()).filter(|own| *own != text);
                            let go = own.is_none_or(|_| {
                                crate::browser::confirm("This link opens shared manifests. Replace your current work with them? (A copy of your work stays saved in this browser.)")
                            });
                            if go {
                                if let Some(own) = own {
                                    crate::browser::backup_work(own);
                                }
                                dispatcher.dispatch(Action::Load {
                                    text: Rc::from(text),
                                    scenario: st.scenario.map(Rc::from),
                                    pristine: true,
                                });
                                if TABS.iter().any(|t| t.0 == st.view) {
                                    dispatcher.dispatch(Action::SetView(Rc::from(st.view)));
                                }
                                if let Some((from, target)) = st.request {
                                    dispatcher.dispatch(Action::SetRequest(from, target));
                                }
                                opened_link = true;
                            }
                        }
                        Err(e) => dispatcher.dispatch(Action::Notice(Some(Rc::from(format!(
                            "This share link cannot be opened: {e}"
                        ))))),
                    }
                }
                if !opened_link && wanted.is_none() {
                    if let Some((text, scenario)) = saved {
                        dispatcher.dispatch(Action::Load {
                            text: Rc::from(text),
                            scenario,
                            pristine: false,
                        });
                    }
                }
                crate::browser::next_task().await;
                let Some(json) = crate::browser::fetch_text("scenarios/index.json").await else {
                    return;
                };
                let list = crate::browser::parse_scenario_index(&json);
                if let Some(name) = wanted.filter(|_| !opened_link) {
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
        let edited = state.edited() && embed.is_none();
        let dispatcher = state.dispatcher();
        let unsaved = use_mut_ref(|| false);
        use_effect_with((text, scenario, edited), move |(text, scenario, edited)| {
            if *edited {
                let saved = crate::browser::save_work(text, scenario.as_deref());
                // Say so once, when the text stops being saved (not at every pause).
                if !saved && !*unsaved.borrow() {
                    dispatcher.dispatch(Action::Notice(Some(Rc::from(format!(
                        "This text ({}) is too big to keep in this browser (at most {}): \
                         it is not saved if you reload, so keep a copy of your own.",
                        crate::browser::megabytes(text.len()),
                        crate::browser::megabytes(crate::browser::MAX_SAVED_BYTES)
                    )))));
                }
                *unsaved.borrow_mut() = !saved;
            }
        });
    }
    {
        // The plain editor's edits bump the revision; the effect's cleanup cancels the previous
        // timer. (CodeMirror's edits keep their own timer: `components/editor.rs`.)
        let dispatcher = state.dispatcher();
        use_effect_with(state.revision, move |&revision| {
            let timer = (revision > 0).then(|| {
                Timeout::new(DEBOUNCE_MS, move || dispatcher.dispatch(Action::Simulate(revision)))
            });
            move || drop(timer)
        });
    }
    {
        // The engine worker builds the cluster for every new text or what-if list. The first
        // is sent a task after the app's first step (its state, its effects): on a phone the
        // two in one task were 35–70 ms at Lighthouse's 4× CPU slowdown (most of it V8
        // compiling, function by function, what each runs for the first time); the engine's
        // worker is still loading its own wasm then.
        let dispatcher = state.dispatcher();
        let engine = state.engine.clone();
        let text = Rc::clone(&state.text);
        let events = Rc::clone(&state.what_ifs);
        // The newest simulation asked for (0: none yet). One asked for while the first waits
        // for its task (the learner's saved work, a share link, an embed's text) goes instead,
        // and the first is not sent at all (sent after it, it would leave the engine's session
        // on the default text: the engine keeps the last text it was sent).
        let newest = use_mut_ref(|| 0u64);
        use_effect_with(state.sim_seq, move |&seq| {
            let first = std::mem::replace(&mut *newest.borrow_mut(), seq) == 0;
            wasm_bindgen_futures::spawn_local(async move {
                if first {
                    crate::browser::next_task().await;
                    if *newest.borrow() != seq {
                        return;
                    }
                }
                let result = engine.simulate(&text, &events).await.and_then(|json| {
                    serde_json::from_str::<Simulated>(&json).map(Rc::new).map_err(|e| {
                        crate::engine::EngineError::Unavailable(format!(
                            "unreadable answer from the engine: {e}"
                        ))
                    })
                });
                // Reading a big answer and drawing it are two tasks, not one long one.
                crate::browser::next_task().await;
                dispatcher.dispatch(Action::Simulated { seq, result });
            });
        });
    }
    {
        // Once the first answer is drawn, the start's last step too, and the page is idle, the
        // worker fetches the full engine (every question), not while the page draws: on a
        // phone its compile took the CPU from drawing the first topology (and, begun before the
        // last steps, made them long tasks). Then offline use starts (`browser::settled`).
        let engine = state.engine.clone();
        let asked = use_mut_ref(|| false);
        use_effect_with(state.full && stage == LAST_STAGE, move |&ready| {
            if ready && !asked.replace(true) {
                wasm_bindgen_futures::spawn_local(async move {
                    crate::browser::idle().await;
                    // A failure shows at the first question, which fetches it again.
                    let _ = engine.call("prepare", "{}").await;
                    crate::browser::settled();
                });
            }
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
    let close_share = {
        let share = share.clone();
        Callback::from(move |_| share.set(None))
    };
    let open_share = {
        let share = share.clone();
        let dispatcher = state.dispatcher();
        Callback::from(move |_: MouseEvent| {
            // The link carries what the editor shows, even the last keystroke (not worth
            // copying a text too big for a link: the dialog only says so).
            // The size is the editor's, not the last flushed text's: a paste a moment ago may
            // not have reached the app yet.
            let bytes = crate::components::editor::live_text_bytes();
            let fits = bytes.is_some_and(|n| n <= crate::components::share::MAX_LINK_TEXT_BYTES);
            if let Some(text) = fits.then(crate::components::editor::live_text_now).flatten() {
                dispatcher.dispatch(Action::Flush(Rc::from(text)));
            }
            share.set(Some(bytes.filter(|_| !fits)))
        })
    };
    let embed = (*embed).clone();
    let shown_tabs: Vec<(&str, &str, &str)> =
        TABS.iter().copied().filter(|t| embed.as_ref().is_none_or(|e| e.shows(t.0))).collect();
    let dispatcher = state.dispatcher();
    let current = Rc::clone(&state.view);
    let tab_button = |(which, label, testid): (&'static str, &'static str, &'static str)| {
        let dispatcher = dispatcher.clone();
        let selected = *current == *which;
        let onclick = Callback::from(move |_: MouseEvent| {
            dispatcher.dispatch(Action::SetView(Rc::from(which)))
        });
        html! {
            <button type="button" role="tab" class={classes!("tab", selected.then_some("active"))}
                aria-selected={selected.to_string()} data-testid={testid} {onclick}>{ label }</button>
        }
    };
    let inspecting = state.selected.is_some();
    // An embed shows only its panes, whatever view a link asked for.
    let view = if shown_tabs.iter().any(|t| *t.0 == *state.view) {
        state.view.to_string()
    } else {
        shown_tabs.first().map_or("topology", |t| t.0).to_string()
    };
    let show_editor = embed.as_ref().is_none_or(|e| e.shows("editor"));
    let show_requests = embed.as_ref().is_none_or(|e| e.shows("requests"));
    let show_results = !shown_tabs.is_empty();
    let panes_class = (!show_editor || !(show_results || show_requests)).then_some("single");
    let show_editor_now = show_editor && stage >= Step::Editor as u8;
    let (show_results_now, show_tab_now, show_requests_now) = (
        show_results && stage >= Step::Tabs as u8,
        stage >= Step::Tab as u8,
        show_requests && stage >= LAST_STAGE,
    );
    let open_link = embed.as_ref().map(|_| {
        format!(
            "{}{}",
            crate::browser::page_base(),
            crate::components::share::share_fragment(&state)
        )
    });
    if stage < Step::Name as u8 {
        return Html::default();
    }
    html! {
        <ContextProvider<AppContext> context={state}>
            // Busy until the last step has drawn the requests panel: assistive technology (and
            // the end-to-end checks) can wait for the whole page rather than read it half drawn.
            <div class={classes!("app", embed.is_some().then_some("embed"), (stage < Step::Bar as u8).then_some("starting"))} data-testid="app"
                aria-busy={(stage < LAST_STAGE).then_some("true")}>
                if embed.is_none() {
                    <Header on_help={open_help} on_share={open_share} controls={stage >= Step::Bar as u8} />
                }
                <CrashBanner />
                <main class={classes!("panes", panes_class)}>
                    if embed.is_some() {
                        <h1 class="sr-only">{ "kube-netsim playground" }</h1>
                    }
                    if show_editor {
                        <section class="pane left" aria-label="Manifests">
                            if show_editor_now {
                                <Editor />
                                <Problems />
                            }
                        </section>
                    }
                    if show_results || show_requests {
                        <section class="pane right" aria-label="Results">
                            if embed.is_none() && stage >= Step::Tabs as u8 {
                                <ScenarioInfoPanel />
                            }
                            if show_results_now {
                                if shown_tabs.len() > 1 {
                                    <nav class="tabs" role="tablist" aria-label="Results views">
                                        { for shown_tabs.iter().copied().map(&tab_button) }
                                    </nav>
                                }
                                <div class={classes!("results", inspecting.then_some("inspecting"))}>
                                    <div class="tab-body" role="tabpanel">
                                        if show_tab_now {
                                            { results_pane(&view) }
                                        }
                                    </div>
                                    if inspecting {
                                        <Inspector />
                                    }
                                </div>
                            }
                            if show_requests_now {
                                <RequestsPanel />
                            }
                        </section>
                    }
                </main>
                if let Some(href) = open_link {
                    <footer>
                        <a class="open-playground" href={href} target="_blank" rel="noopener" data-testid="open-in-playground">{ "Open in playground ↗" }</a>
                    </footer>
                }
                if *help {
                    <HelpOverlay on_close={close_help} />
                }
                if let Some(too_big) = *share {
                    <ShareDialog on_close={close_share} {too_big} />
                }
            </div>
        </ContextProvider<AppContext>>
    }
}

/// The steps of the first render after the first (0: nothing, the app with its state and
/// effects), in order; `stage` in [`App`] is the last one drawn.
#[derive(Clone, Copy)]
enum Step {
    /// The bar's name, not shown yet (the app stays hidden under the loading page).
    Name = 1,
    /// The bar's controls; the app is shown and the loading page goes.
    Bar,
    /// The editor and the problems.
    Editor,
    /// The scenario's note and the results' tabs.
    Tabs,
    /// The open tab (the topology).
    Tab,
    /// The requests panel.
    Requests,
}

/// The last step of the first render.
const LAST_STAGE: u8 = Step::Requests as u8;

/// The performance mark each step of the first render makes once it is drawn.
const START_MARKS: [&str; LAST_STAGE as usize + 1] = [
    "netsim-start-0",
    "netsim-start-1",
    "netsim-start-2",
    "netsim-start-3",
    "netsim-start-4",
    "netsim-start-5",
    "netsim-start-6",
];

/// The pane of the open results tab.
fn results_pane(view: &str) -> Html {
    match view {
        "objects" => html! { <Objects /> },
        "kubectl" => html! { <KubectlView /> },
        "dns" => html! { <DnsView /> },
        "iptables" => html! { <IptablesView /> },
        "events" => html! { <EventsView /> },
        "reach" => html! { <ReachabilityView /> },
        _ => html! { <TopologyPane /> },
    }
}
