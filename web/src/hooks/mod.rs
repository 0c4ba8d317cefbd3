//! Custom hooks.

mod use_app;

pub use use_app::{open_scenario, use_app, AppContext};
