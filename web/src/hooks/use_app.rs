//! The app-wide state as a context, and the hook components use to read it and send intents.

use yew::prelude::*;

use std::rc::Rc;

use crate::state::{Action, AppState};

/// The reducer handle shared through context.
pub type AppContext = UseReducerHandle<AppState>;

/// The app state and its dispatcher; panics only if used outside `App` (a programming error).
#[hook]
pub fn use_app() -> AppContext {
    use_context::<AppContext>().expect("use_app must be used inside App's ContextProvider")
}

/// Fetches a scenario's manifests and loads them (the URL then names the scenario).
pub fn open_scenario(dispatcher: UseReducerDispatcher<AppState>, name: String, file: String) {
    wasm_bindgen_futures::spawn_local(async move {
        if let Some(text) = crate::browser::fetch_text(&format!("scenarios/{file}")).await {
            crate::browser::show_scenario_in_url(Some(&name));
            dispatcher.dispatch(Action::Load {
                text: Rc::from(text),
                scenario: Some(Rc::from(name)),
                pristine: true,
            });
        }
    });
}
