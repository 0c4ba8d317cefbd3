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
pub fn start() {
    std::panic::set_hook(Box::new(|info| browser::show_crash_page(&info.to_string())));
    yew::Renderer::<app::App>::new().render();
}
