//! The top bar: product name and the theme switch (system, light, dark).

use yew::prelude::*;

const THEME_KEY: &str = "netsim.theme";

/// Applies a theme (`system`, `light`, `dark`) to `<html data-theme>` and remembers it.
fn apply_theme(theme: &str) {
    let Some(w) = web_sys::window() else { return };
    if let Some(root) = w.document().and_then(|d| d.document_element()) {
        let _ = root.set_attribute("data-theme", theme);
    }
    if let Ok(Some(s)) = w.local_storage() {
        let _ = s.set_item(THEME_KEY, theme);
    }
}

/// The initial theme: `?theme=` in the URL, else the saved choice, else the system's.
fn initial_theme() -> String {
    let Some(w) = web_sys::window() else { return "system".into() };
    let from_url = w.location().search().ok().and_then(|q| {
        q.trim_start_matches('?')
            .split('&')
            .find_map(|kv| kv.strip_prefix("theme=").map(str::to_string))
    });
    let saved =
        || w.local_storage().ok().flatten().and_then(|s| s.get_item(THEME_KEY).ok().flatten());
    match from_url.or_else(saved).as_deref() {
        Some(t @ ("light" | "dark" | "system")) => t.to_string(),
        _ => "system".into(),
    }
}

#[derive(Properties, PartialEq)]
pub struct HeaderProps {
    /// Opens the help overlay.
    pub on_help: Callback<MouseEvent>,
    /// Opens the share dialog.
    pub on_share: Callback<MouseEvent>,
    /// False for the app's first steps: the name alone (see `stage` in `App`).
    pub controls: bool,
}

#[component]
pub fn Header(props: &HeaderProps) -> Html {
    let app = crate::hooks::use_app();
    // The version select shows the release the cluster runs, also after an undo (the options'
    // `selected` attributes no longer move a select the learner has used).
    let version_ref = use_node_ref();
    {
        let version_ref = version_ref.clone();
        use_effect_with(app.analysis.version.current.clone(), move |v| {
            if let Some(el) = version_ref.cast::<web_sys::HtmlSelectElement>() {
                el.set_value(v);
            }
        });
    }
    let theme = use_state(initial_theme);
    {
        let theme = (*theme).clone();
        use_effect_with(theme, |t| apply_theme(t));
    }
    let next = match theme.as_str() {
        "system" => "light",
        "light" => "dark",
        _ => "system",
    };
    let onclick = {
        let theme = theme.clone();
        Callback::from(move |_| theme.set(next.to_string()))
    };
    html! {
        <header class="topbar">
            <div class="brand">
                // The helm of `web/assets/favicon.svg`, inline (see `.logo` in style.css).
                <svg class="logo" viewBox="0 0 32 32" aria-hidden="true">
                    <circle cx="16" cy="16" r="15" fill="#326ce5" />
                    <g stroke="#fff" stroke-width="2.2" stroke-linecap="round" fill="none">
                        <circle cx="16" cy="16" r="5" />
                        <path d="M16 3v8M16 21v8M3 16h8M21 16h8M6.8 6.8l5.7 5.7M19.5 19.5l5.7 5.7M25.2 6.8l-5.7 5.7M12.5 19.5l-5.7 5.7" />
                    </g>
                </svg>
                <h1>{"kube-netsim"}</h1>
                <span class="tagline">{"Kubernetes Service networking, simulated from your manifests"}</span>
            </div>
            if props.controls {
                <crate::components::scenario_picker::ScenarioPicker />
                { crate::components::version::version_select(&app, &version_ref) }
                <button type="button" class="share-button" data-testid="share-button" onclick={props.on_share.clone()}
                    title="Link to this state, or embed it in slides">{ "Share" }</button>
                <button type="button" class="help-button" data-testid="help-button" onclick={props.on_help.clone()}
                    title="Keyboard shortcuts and help (?)" aria-label="Help">{ "?" }</button>
                <button type="button" class="theme" data-testid="theme-toggle" {onclick}
                    title={format!("Theme: {} (click for {next})", *theme)}>
                    { match theme.as_str() { "light" => "☀ Light", "dark" => "☾ Dark", _ => "◐ System" } }
                </button>
                // Offline use's status, which `offline.js` writes once the page runs: its place is
                // kept from the start, so nothing in the bar moves when it appears.
                <span class="offline-status" data-testid="offline-status" role="status"></span>
            }
        </header>
    }
}
