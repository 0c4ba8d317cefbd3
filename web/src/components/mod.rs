//! One component per file. Components draw props and dispatch intents; no simulation logic here.

pub mod editor;
pub mod header;
pub mod objects;
pub mod problems;
#[cfg(feature = "topology")]
pub mod topology;
