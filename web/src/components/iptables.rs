//! Each node's `iptables-save` as kube-proxy left it, with the rules of the selected Service
//! highlighted.

use yew::prelude::*;

use crate::components::inspector::mentions;
use crate::hooks::{use_app, use_engine};

#[component]
pub fn IptablesView() -> Html {
    let app = use_app();
    let nodes = app.last_good.topology.node_names();
    let node = use_state(|| None::<String>);
    let node_value = (*node)
        .clone()
        .filter(|n| nodes.contains(n))
        .or_else(|| nodes.first().cloned())
        .unwrap_or_default();
    let rules = use_engine(
        "rules",
        if node_value.is_empty() {
            String::new()
        } else {
            serde_json::json!({ "node": node_value }).to_string()
        },
    );
    // The selected Service (`svc/ns/name`) as kube-proxy's comments name it (`ns/name`).
    let service = app.selected.as_deref().and_then(|s| s.strip_prefix("svc/")).map(str::to_string);
    let onchange = crate::components::on_select(move |v| node.set(Some(v)));
    let text = match rules {
        None => None,
        Some(Err(e)) => Some(Err(e)),
        Some(Ok(j)) => Some(Ok(serde_json::from_str::<String>(&j).unwrap_or_default())),
    };
    html! {
        <section class="text-view" data-testid="iptables-view" aria-label="iptables-save">
            <div class="view-toolbar">
                <label>{ "Node " }
                    <select {onchange} data-testid="iptables-node" aria-label="Node">
                        { for nodes.iter().map(|n| html! { <option value={n.clone()} selected={*n == node_value}>{ n }</option> }) }
                    </select>
                </label>
                <span class="muted">{ match &service {
                    Some(s) => format!("Highlighted: the rules of Service {s}"),
                    None => "Click a Service on the topology to highlight its rules.".to_string(),
                } }</span>
            </div>
            <pre class="terminal rules" data-testid="iptables-output">
                <span class="prompt">{ format!("root@{node_value}:/# iptables-save\n") }</span>
                { match text {
                    None => html! { "…" },
                    Some(Err(e)) => html! { e },
                    Some(Ok(t)) => t.lines().map(|l| {
                        let hit = service.as_deref().is_some_and(|s| mentions(l, s));
                        html! { <span class={classes!("line", hit.then_some("hit"))}>{ l }{ "\n" }</span> }
                    }).collect::<Html>(),
                } }
            </pre>
        </section>
    }
}
