//! The objects pane: what the core read from the manifests. While the text has errors it shows
//! the last good result, marked stale.

use yew::prelude::*;

use crate::hooks::use_app;

/// Rows the table draws at most.
const SHOWN: usize = 500;

#[component]
pub fn Objects() -> Html {
    let app = use_app();
    let stale = app.stale();
    let shown = if stale { &app.last_good } else { &app.analysis };
    let hidden = shown.objects.len().saturating_sub(SHOWN) + shown.omitted_objects;
    let rows = shown.objects.iter().take(SHOWN).map(|o| {
        html! {
            <tr data-testid="object-row">
                <td>{ &o.kind }</td>
                <td>{ if o.namespace.is_empty() { "—" } else { o.namespace.as_str() } }</td>
                <td class="name">{ &o.name }</td>
                <td class="num">{ if o.line == 0 { String::new() } else { o.line.to_string() } }</td>
            </tr>
        }
    });
    html! {
        <section class={classes!("objects", stale.then_some("stale"))} data-testid="objects" aria-label="Objects">
            if stale {
                <p class="stale-banner" data-testid="stale" role="status">
                    { "The manifests have errors — showing the last good result." }
                </p>
            }
            <table>
                <caption>{ format!("{} objects", shown.objects.len() + shown.omitted_objects) }</caption>
                <thead><tr><th>{"Kind"}</th><th>{"Namespace"}</th><th>{"Name"}</th><th class="num">{"Line"}</th></tr></thead>
                <tbody>
                    { for rows }
                    if hidden > 0 {
                        <tr><td colspan="4" class="muted">{ format!("… and {hidden} more (kubectl get lists them all)") }</td></tr>
                    }
                </tbody>
            </table>
        </section>
    }
}
