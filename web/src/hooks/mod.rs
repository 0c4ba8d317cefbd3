//! Custom hooks.

mod use_app;
mod use_engine;

pub use use_app::{open_scenario, use_app, AppContext};
pub use use_engine::{use_ask, use_engine};
