//! One component per file. Components draw props and dispatch intents; no simulation logic here.

pub mod crash;
pub mod dialog;
pub mod editor;
pub mod events;
pub mod header;
pub mod help;
pub mod inspector;
pub mod iptables;
pub mod kubectl;
pub mod matrix;
pub mod nslookup;
pub mod objects;
pub mod problems;
pub mod requests;
pub mod scenario_info;
pub mod scenario_picker;
pub mod share;
pub mod timeline;
pub mod topology;
pub mod version;

/// A `<select>`'s `onchange` that hands the chosen value to `set`.
use yew::TargetCast;

pub fn on_select(set: impl Fn(String) + 'static) -> yew::Callback<web_sys::Event> {
    yew::Callback::from(move |e: web_sys::Event| {
        if let Some(el) = e.target_dyn_into::<web_sys::HtmlSelectElement>() {
            set(el.value());
        }
    })
}
