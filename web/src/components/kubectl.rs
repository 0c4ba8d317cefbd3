//! `kubectl get` over the simulated cluster, what-if events applied: the same tables `netsim get`
//! prints (one core function draws both), so the page and the terminal never disagree.

use yew::prelude::*;

use netsim::session::{GetFormat, GetRequest, Question};

use crate::hooks::use_ask;

const KINDS: [(&str, &str); 10] = [
    ("pods,services,endpointslices", "Pods, Services, EndpointSlices"),
    ("pods", "pods"),
    ("services", "services"),
    ("endpointslices", "endpointslices"),
    ("endpoints", "endpoints"),
    ("deployments,replicasets,statefulsets,daemonsets", "workloads"),
    ("replicationcontrollers", "replicationcontrollers"),
    ("nodes", "nodes"),
    ("networkpolicies", "networkpolicies"),
    ("clusternetworkpolicies", "clusternetworkpolicies"),
];

#[component]
pub fn KubectlView() -> Html {
    let kind = use_state(|| KINDS[0].0.to_string());
    let wide = use_state(|| true);
    // What a learner would type; the what-if events are already in the engine's cluster.
    let command = format!("kubectl get {} -A{}", *kind, if *wide { " -o wide" } else { "" });
    // What the terminal shows (stderr above the tables): the core renders it.
    let out = use_ask::<String>(Some(Question::Text {
        question: Box::new(Question::Get(GetRequest {
            kinds: (*kind).clone(),
            all_namespaces: true,
            output: if *wide { GetFormat::Wide } else { GetFormat::Table },
            ..GetRequest::default()
        })),
    }));
    let onchange = {
        let kind = kind.clone();
        crate::components::on_select(move |v| kind.set(v))
    };
    let toggle = {
        let wide = wide.clone();
        Callback::from(move |_: MouseEvent| wide.set(!*wide))
    };
    html! {
        <section class="text-view" data-testid="kubectl-view" aria-label="kubectl get">
            <div class="view-toolbar">
                <select {onchange} aria-label="Resource types" data-testid="kubectl-kind">
                    { for KINDS.iter().map(|(k, label)| html! { <option value={*k} selected={*k == *kind}>{ *label }</option> }) }
                </select>
                <label><input type="checkbox" checked={*wide} onclick={toggle} />{ " -o wide" }</label>
            </div>
            <pre class="terminal" data-testid="kubectl-output" tabindex="0" aria-label="kubectl output"><span class="prompt">{ format!("$ {command}\n") }</span>{
                match out {
                    None => "…".to_string(),
                    Some(Err(e)) => e,
                    Some(Ok(text)) => (*text).clone(),
                }
            }</pre>
        </section>
    }
}
