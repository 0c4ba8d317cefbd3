//! `kubectl get` over the simulated cluster: the CLI's own tables (`netsim get`), so the page and
//! the terminal never disagree, with the what-if events applied.

use yew::prelude::*;

use crate::hooks::{use_app, use_engine};

const KINDS: [(&str, &str); 7] = [
    ("pods,services,endpointslices", "Pods, Services, EndpointSlices"),
    ("pods", "pods"),
    ("services", "services"),
    ("endpointslices", "endpointslices"),
    ("endpoints", "endpoints"),
    ("deployments,replicasets,statefulsets,daemonsets", "workloads"),
    ("nodes", "nodes"),
];

#[derive(serde::Deserialize)]
struct CliOutput {
    stdout: String,
    stderr: String,
}

#[component]
pub fn KubectlView() -> Html {
    let app = use_app();
    let kind = use_state(|| KINDS[0].0.to_string());
    let wide = use_state(|| true);
    let mut argv: Vec<String> = vec!["get".into(), (*kind).clone(), "-A".into()];
    if *wide {
        argv.extend(["-o".into(), "wide".into()]);
    }
    for e in app.what_ifs.iter() {
        argv.extend(["--event".into(), e.clone()]);
    }
    let command = format!(
        "kubectl {}",
        argv.iter()
            .filter(|a| !a.starts_with("--event") && !a.contains('/'))
            .cloned()
            .collect::<Vec<_>>()
            .join(" ")
    );
    let out = use_engine("cli", serde_json::json!({ "argv": argv }).to_string());
    let onchange = {
        let kind = kind.clone();
        Callback::from(move |e: Event| {
            if let Some(el) = e.target_dyn_into::<web_sys::HtmlSelectElement>() {
                kind.set(el.value());
            }
        })
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
            <pre class="terminal" data-testid="kubectl-output"><span class="prompt">{ format!("$ {command}\n") }</span>{
                match out {
                    None => "…".to_string(),
                    Some(Err(e)) => e,
                    Some(Ok(json)) => serde_json::from_str::<CliOutput>(&json)
                        .map(|o| format!("{}{}", o.stdout, o.stderr))
                        .unwrap_or_else(|e| e.to_string()),
                }
            }</pre>
        </section>
    }
}
