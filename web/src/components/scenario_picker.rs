//! The examples menu: every scenario of the library, grouped, and a reset to the loaded text.

use std::rc::Rc;

use web_sys::HtmlSelectElement;
use yew::prelude::*;

use crate::hooks::{open_scenario, use_app};
use crate::state::Action;

#[component]
pub fn ScenarioPicker() -> Html {
    let app = use_app();
    let current = app.scenario.as_deref().unwrap_or("").to_string();
    let onchange = {
        let app = app.clone();
        Callback::from(move |e: Event| {
            let Some(select) = e.target_dyn_into::<HtmlSelectElement>() else { return };
            let name = select.value();
            let Some(info) = app.scenarios.iter().find(|s| s.name == name) else { return };
            if app.edited()
                && !crate::browser::confirm(&format!(
                    "Open the scenario “{}”? Your edits to the current text will be replaced.",
                    info.title
                ))
            {
                select.set_value(app.scenario.as_deref().unwrap_or(""));
                return;
            }
            open_scenario(app.dispatcher(), info.name.clone(), info.file.clone());
        })
    };
    let onreset = {
        let app = app.clone();
        Callback::from(move |_: MouseEvent| {
            if app.edited()
                && !crate::browser::confirm("Undo all your edits and reload this scenario?")
            {
                return;
            }
            crate::browser::clear_work();
            match app.current_scenario() {
                Some(info) => open_scenario(app.dispatcher(), info.name.clone(), info.file.clone()),
                None => app.dispatch(Action::Load {
                    text: Rc::from(crate::DEFAULT_SCENARIO),
                    scenario: None,
                    pristine: true,
                }),
            }
        })
    };
    let group = |label: &'static str| {
        let options = app.scenarios.iter().filter(|s| s.group() == label).map(|s| {
            html! { <option value={s.name.clone()} selected={s.name == current}>{ &s.title }</option> }
        });
        html! { <optgroup label={label}>{ for options }</optgroup> }
    };
    html! {
        <div class="scenario-picker">
            <label for="scenario-select" class="visually-hidden">{ "Scenario" }</label>
            <select id="scenario-select" data-testid="scenario-select" {onchange}
                disabled={app.scenarios.is_empty()}>
                <option value="" selected={current.is_empty()} disabled=true>
                    { if app.scenarios.is_empty() { "Loading examples…" } else { "Examples…" } }
                </option>
                { group("Lessons") }
                { group("Classic mistakes") }
                { group("Challenges") }
            </select>
            <button type="button" data-testid="reset" onclick={onreset}
                title="Throw away your edits and reload the scenario" disabled={!app.edited()}>
                { "Reset" }
            </button>
        </div>
    }
}
