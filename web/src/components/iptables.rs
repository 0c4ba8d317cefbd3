//! The rules view: each node's kube-proxy rules as an admin lists them in the node's mode
//! (`iptables-save`, or `nft list ruleset` in nftables mode), with the selected Service's lines
//! highlighted; and a compare switch that shows the same cluster's rules in both modes side by
//! side, the Service's lines highlighted in both.

use yew::prelude::*;

use netsim::session::{Question, Rules};

use crate::hooks::{use_app, use_ask};

/// The command an admin types to list the rules of `mode`.
fn command(mode: &str) -> &'static str {
    if mode == "nftables" {
        "nft list ruleset"
    } else {
        "iptables-save"
    }
}

#[component]
pub fn IptablesView() -> Html {
    let app = use_app();
    let nodes = app.last_good.topology.node_names();
    let node = use_state(|| None::<String>);
    let compare = use_state(|| false);
    let node_value = (*node)
        .clone()
        .filter(|n| nodes.contains(n))
        .or_else(|| nodes.first().cloned())
        .unwrap_or_default();
    // The selected Service (`svc/ns/name`): the core marks its lines.
    let service = app.selected.as_deref().and_then(|s| s.strip_prefix("svc/")).map(str::to_string);
    let ask = |mode: Option<&str>| {
        (!node_value.is_empty()).then(|| Question::Rules {
            node: node_value.clone(),
            format: None,
            service: service.clone(),
            mode: mode.map(str::to_string),
        })
    };
    // The node's own mode, and (comparing) both modes.
    let own = use_ask::<Rules>(ask(None).filter(|_| !*compare));
    let ipt = use_ask::<Rules>(ask(Some("iptables")).filter(|_| *compare));
    let nft = use_ask::<Rules>(ask(Some("nftables")).filter(|_| *compare));
    let onchange = crate::components::on_select(move |v| node.set(Some(v)));
    let toggle = {
        let compare = compare.clone();
        Callback::from(move |_: MouseEvent| compare.set(!*compare))
    };
    // The cluster's mode, from whichever answer is in.
    let cluster_mode = [&own, &ipt, &nft]
        .into_iter()
        .find_map(|r| r.as_ref().and_then(|r| r.as_ref().ok()).map(|r| r.cluster_mode.clone()));
    html! {
        <section class="text-view" data-testid="iptables-view" aria-label="kube-proxy rules">
            <div class="view-toolbar">
                <label>{ "Node " }
                    <select {onchange} data-testid="iptables-node" aria-label="Node">
                        { for nodes.iter().map(|n| html! { <option value={n.clone()} selected={*n == node_value}>{ n }</option> }) }
                    </select>
                </label>
                <span class="mode-badge" data-testid="rules-mode" data-mode={cluster_mode.clone().unwrap_or_default()}
                    title="KubeProxyConfiguration mode: the rules kube-proxy writes on every node">
                    { match &cluster_mode {
                        Some(m) => format!("kube-proxy mode: {m}"),
                        None => "kube-proxy mode: …".to_string(),
                    } }
                </span>
                <button type="button" data-testid="rules-compare" aria-pressed={compare.to_string()} onclick={toggle}
                    title="Show this cluster's rules in iptables and nftables mode side by side">
                    { if *compare { "Compare: on" } else { "Compare iptables / nftables" } }
                </button>
                <span class="muted">{ match &service {
                    Some(s) => format!("Highlighted: the rules of Service {s}"),
                    None => "Click a Service on the topology to highlight its rules.".to_string(),
                } }</span>
            </div>
            if *compare {
                <div class="rules-compare" data-testid="rules-compare-panes">
                    { rules_pane(&node_value, "iptables", ipt.as_ref(), cluster_mode.as_deref(), "rules-iptables") }
                    { rules_pane(&node_value, "nftables", nft.as_ref(), cluster_mode.as_deref(), "rules-nftables") }
                </div>
            } else {
                <pre class="terminal rules" data-testid="iptables-output" tabindex="0" aria-label="Rules">
                    <span class="prompt">{ format!("root@{node_value}:/# {}\n", command(cluster_mode.as_deref().unwrap_or("iptables"))) }</span>
                    { rule_lines(own.as_ref()) }
                </pre>
            }
        </section>
    }
}

fn rule_lines(rules: Option<&Result<std::rc::Rc<Rules>, String>>) -> Html {
    match rules {
        None => html! { "…" },
        Some(Err(e)) => html! { e.clone() },
        Some(Ok(r)) => r
            .text
            .lines()
            .enumerate()
            .map(|(i, l)| {
                let hit = r.highlight.binary_search(&(i as u32)).is_ok();
                html! { <span class={classes!("line", hit.then_some("hit"))}>{ l }{ "\n" }</span> }
            })
            .collect::<Html>(),
    }
}

/// One side of the comparison: the rules `node` would have in `mode`.
fn rules_pane(
    node: &str,
    mode: &str,
    rules: Option<&Result<std::rc::Rc<Rules>, String>>,
    cluster_mode: Option<&str>,
    testid: &'static str,
) -> Html {
    let runs = cluster_mode == Some(mode);
    html! {
        <div class="rules-side">
            <h4>
                { format!("{mode} mode") }
                <span class="muted">{ if runs { " — what this cluster runs" } else { " — if kube-proxy ran in this mode" } }</span>
            </h4>
            <pre class="terminal rules" data-testid={testid} data-mode={mode.to_string()} tabindex="0" aria-label={format!("{mode} rules")}>
                <span class="prompt">{ format!("root@{node}:/# {}\n", command(mode)) }</span>
                { rule_lines(rules) }
            </pre>
        </div>
    }
}
