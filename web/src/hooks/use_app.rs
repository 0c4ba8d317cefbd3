//! The app-wide state as a context, and the hook components use to read it and send intents.

use yew::prelude::*;

use crate::state::AppState;

/// The reducer handle shared through context.
pub type AppContext = UseReducerHandle<AppState>;

/// The app state and its dispatcher; panics only if used outside `App` (a programming error).
#[hook]
pub fn use_app() -> AppContext {
    use_context::<AppContext>().expect("use_app must be used inside App's ContextProvider")
}
