//! One component per file. Components draw props and dispatch intents; no simulation logic here.

pub mod editor;
pub mod header;
pub mod objects;
pub mod problems;
pub mod scenario_info;
pub mod scenario_picker;
#[cfg(feature = "topology")]
pub mod topology;
