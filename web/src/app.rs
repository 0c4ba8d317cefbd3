//! The app shell: state, context, debounced re-simulation, and the page layout from product.md
//! (editor + problems on the left, results on the right).

use gloo_timers::callback::Timeout;
use yew::prelude::*;

use crate::components::{editor::Editor, header::Header, objects::Objects, problems::Problems};
use crate::hooks::AppContext;
use crate::state::{Action, AppState};

/// Quiet time after the last keystroke before re-simulating.
const DEBOUNCE_MS: u32 = 120;

#[component]
pub fn App() -> Html {
    let state = use_reducer(|| AppState::new(crate::DEFAULT_SCENARIO));
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
                        <Objects />
                    </section>
                </main>
            </div>
        </ContextProvider<AppContext>>
    }
}
