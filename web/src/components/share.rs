//! The share dialog: a link that reopens exactly this state (manifests, open view, the request
//! in the panel) from the URL fragment, and the `<iframe>` snippet that embeds it in slides with
//! the chosen panes.

use std::rc::Rc;

use yew::prelude::*;

use crate::components::dialog::Dialog;
use crate::hooks::use_app;

#[derive(Properties, PartialEq)]
pub struct ShareProps {
    pub on_close: Callback<()>,
    /// The editor's text size in bytes when it is over [`MAX_LINK_TEXT_BYTES`] (measured when
    /// the dialog opened; the app's copy of the text may still be on its way).
    #[prop_or_default]
    pub too_big: Option<usize>,
}

/// Panes an embed can show, in the order they are offered.
const PANES: [&str; 8] =
    ["editor", "topology", "requests", "objects", "kubectl", "dns", "iptables", "events"];

/// Manifests a link holds at most (1 MiB, a ≈ 60,000-character link): encoding takes ≈ 40 ms
/// per megabyte in wasm, opening a link a little less, and the page has 100 ms per task.
pub const MAX_LINK_TEXT_BYTES: usize = 1024 * 1024;

/// The fragment (`#s=1.…`) of the app's current state.
pub fn share_fragment(app: &crate::state::AppState) -> String {
    netsim::share::fragment(&netsim::share::ShareState {
        files: vec![(crate::state::EDITOR_FILE.to_string(), app.text.to_string())],
        view: app.view.to_string(),
        request: app.request.as_deref().cloned(),
        scenario: app.scenario.as_deref().map(str::to_string),
    })
}

#[component]
pub fn ShareDialog(props: &ShareProps) -> Html {
    let app = use_app();
    let panes = use_state(|| vec!["topology".to_string(), "requests".to_string()]);
    let readonly = use_state(|| true);
    let size = props.too_big.unwrap_or(app.text.len());
    let too_big = size > MAX_LINK_TEXT_BYTES;
    // Encoded in a task of its own once the dialog is drawn, and again only when what the link
    // holds changes (not at every checkbox).
    let fragment = use_state(|| None::<String>);
    {
        let fragment = fragment.clone();
        let deps =
            (Rc::clone(&app.text), Rc::clone(&app.view), app.request.clone(), app.scenario.clone());
        use_effect_with(deps, move |_| {
            if !too_big {
                wasm_bindgen_futures::spawn_local(async move {
                    crate::browser::next_task().await;
                    fragment.set(Some(share_fragment(&app)));
                });
            }
        });
    }
    let only = |body: Html| {
        html! {
            <Dialog label="Share" testid="share-dialog" on_close={props.on_close.clone()}>
                <h2>{ "Share this state" }</h2>
                { body }
            </Dialog>
        }
    };
    if too_big {
        return only(html! {
            <p data-testid="share-too-big">{ format!(
                "These manifests are {}; a link holds at most {}. Share the file itself instead.",
                crate::browser::megabytes(size),
                crate::browser::megabytes(MAX_LINK_TEXT_BYTES)
            ) }</p>
        });
    }
    let Some(fragment) = (*fragment).clone() else {
        return only(html! { <p class="muted">{ "Making the link…" }</p> });
    };
    let base = crate::browser::page_base();
    let link = format!("{base}{fragment}");
    let mut query = format!("?embed&view={}", panes.join(","));
    if *readonly {
        query.push_str("&readonly");
    }
    let snippet = format!(
        "<iframe src=\"{base}{query}{fragment}\" width=\"800\" height=\"450\" style=\"border:0\" title=\"kube-netsim\" loading=\"lazy\"></iframe>"
    );
    let toggle = |pane: &'static str| {
        let panes = panes.clone();
        Callback::from(move |_: MouseEvent| {
            let mut next: Vec<String> = (*panes).clone();
            if let Some(i) = next.iter().position(|p| p == pane) {
                next.remove(i);
            } else {
                next.push(pane.to_string());
                next.sort_by_key(|p| PANES.iter().position(|x| x == p));
            }
            panes.set(next);
        })
    };
    let toggle_readonly = {
        let readonly = readonly.clone();
        Callback::from(move |_: MouseEvent| readonly.set(!*readonly))
    };
    let select_all = Callback::from(|e: FocusEvent| {
        if let Some(el) = e.target_dyn_into::<web_sys::HtmlInputElement>() {
            el.select();
        } else if let Some(el) = e.target_dyn_into::<web_sys::HtmlTextAreaElement>() {
            el.select();
        }
    });
    html! {
        <Dialog label="Share" testid="share-dialog" on_close={props.on_close.clone()}>
                <h2>{ "Share this state" }</h2>
                <p class="muted">{ format!("The link holds the manifests, the open view and the request ({} characters); nothing is uploaded.", link.chars().count()) }</p>
                <input type="text" readonly=true value={link} data-testid="share-link" onfocus={select_all.clone()} class="copy-field" />
                <h2>{ "Embed in slides" }</h2>
                <div class="what-ifs">
                    { for PANES.iter().map(|p| html! {
                        <label><input type="checkbox" checked={panes.iter().any(|x| x == p)} onclick={toggle(p)} />{ format!(" {p}") }</label>
                    }) }
                    <label><input type="checkbox" checked={*readonly} onclick={toggle_readonly} />{ " read-only" }</label>
                </div>
                <textarea readonly=true rows="4" value={snippet} data-testid="embed-snippet" onfocus={select_all} class="copy-field" />
                <p><a href="embed/" target="_blank" rel="noopener" data-testid="embed-howto">{ "How to embed: course pages, books, slides" }</a></p>
        </Dialog>
    }
}
