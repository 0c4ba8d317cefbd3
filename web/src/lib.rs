//! The kube-netsim playground (Yew, client-side rendering).
//!
//! Layout follows yew's `function_todomvc`: one reducer (`state.rs`) that calls the core, a
//! context + hook (`hooks/`), one component per file (`components/`). Components draw the core's
//! view model (`netsim::view`) and dispatch intents; they compute nothing themselves.

pub mod app;
pub mod browser;
pub mod components;
pub mod engine;
pub mod hooks;
pub mod state;

/// The scenario the page opens on.
pub const DEFAULT_SCENARIO: &str = include_str!("../../static/scenarios/default.yaml");

/// Mounts the app on `<body>`, with a panic hook that never loses the learner's text: a bug in
/// the page itself replaces the app with a report that has the input attached.
///
/// The first render is a task of its own, after the one that instantiated the page's wasm
/// (which `boot.js`'s import ends): on a phone each was about half of the start's longest task.
/// The app takes the loading page away when it has drawn (see `App`). It is drawn in an element
/// of its own (`browser::app_root`): Yew empties the element it is mounted on.
pub fn start() {
    std::panic::set_hook(Box::new(|info| browser::show_crash_page(&info.to_string())));
    gloo_timers::callback::Timeout::new(0, || match browser::app_root() {
        Some(root) => {
            yew::Renderer::<Root>::with_root(root).render();
        }
        None => {
            yew::Renderer::<Root>::new().render();
        }
    })
    .forget();
}

/// Yew's own start (its scheduler, the root, the first component), a task before the app's:
/// on a phone each is about half of what was one long task, most of it V8 compiling the wasm
/// functions they run for the first time (see `stage` in [`app::App`]).
#[yew::component]
fn Root() -> yew::Html {
    let started = yew::use_state(|| false);
    {
        let started = started.clone();
        yew::use_effect_with((), move |()| {
            let next = gloo_timers::callback::Timeout::new(0, move || started.set(true));
            move || drop(next)
        });
    }
    if *started {
        yew::html! { <app::App /> }
    } else {
        yew::Html::default()
    }
}
