//! One component per file. Components draw props and dispatch intents; no simulation logic here.

pub mod crash;
pub mod editor;
pub mod events;
pub mod header;
pub mod help;
pub mod inspector;
pub mod iptables;
pub mod kubectl;
pub mod nslookup;
pub mod objects;
pub mod problems;
pub mod requests;
pub mod scenario_info;
pub mod scenario_picker;
pub mod share;
pub mod topology;
