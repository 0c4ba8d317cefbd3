//! Each node's `iptables-save` as kube-proxy left it, with the rules of the selected Service
//! highlighted.

use yew::prelude::*;

use netsim::session::{Question, Rules};

use crate::hooks::{use_app, use_ask};

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
    // The selected Service (`svc/ns/name`): the core marks its lines.
    let service = app.selected.as_deref().and_then(|s| s.strip_prefix("svc/")).map(str::to_string);
    let rules = use_ask::<Rules>((!node_value.is_empty()).then(|| Question::Rules {
        node: node_value.clone(),
        format: None,
        service: service.clone(),
        mode: None,
    }));
    let onchange = crate::components::on_select(move |v| node.set(Some(v)));
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
                { match rules {
                    None => html! { "…" },
                    Some(Err(e)) => html! { e },
                    Some(Ok(r)) => r.text.lines().enumerate().map(|(i, l)| {
                        let hit = r.highlight.binary_search(&(i as u32)).is_ok();
                        html! { <span class={classes!("line", hit.then_some("hit"))}>{ l }{ "\n" }</span> }
                    }).collect::<Html>(),
                } }
            </pre>
        </section>
    }
}
