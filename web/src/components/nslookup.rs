//! DNS from a Pod's point of view: the resolv.conf the kubelet wrote into it, and an nslookup
//! box that walks its search list against CoreDNS's answers.

use serde::Deserialize;
use yew::prelude::*;

use crate::hooks::{use_app, use_engine};

#[derive(Deserialize)]
struct Walk {
    queries: Vec<Query>,
    result: serde_json::Value,
}

#[derive(Deserialize)]
struct Query {
    name: String,
    #[serde(rename = "type")]
    qtype: String,
    rcode: Option<String>,
    answer: Vec<Record>,
    why: String,
}

#[derive(Deserialize)]
struct Record {
    name: String,
    #[serde(rename = "type")]
    rtype: String,
    data: String,
}

#[component]
pub fn DnsView() -> Html {
    let app = use_app();
    let pods: Vec<String> = app
        .last_good
        .topology
        .nodes
        .iter()
        .flat_map(|n| n.pods.iter())
        .map(|p| format!("{}/{}", p.namespace, p.name))
        .collect();
    let pod = use_state(|| None::<String>);
    let pod_value = (*pod)
        .clone()
        .filter(|p| pods.contains(p))
        .or_else(|| pods.first().cloned())
        .unwrap_or_default();
    let name = use_state(|| "kubernetes.default".to_string());
    let asked = use_state(String::new);
    let rc = use_engine(
        "resolvConf",
        if pod_value.is_empty() {
            String::new()
        } else {
            serde_json::json!({ "pod": pod_value }).to_string()
        },
    );
    let walk = use_engine(
        "resolve",
        if asked.is_empty() || pod_value.is_empty() {
            String::new()
        } else {
            serde_json::json!({ "pod": pod_value, "name": *asked }).to_string()
        },
    );
    let on_pod = crate::components::on_select(move |v| pod.set(Some(v)));
    let on_name = {
        let name = name.clone();
        Callback::from(move |e: InputEvent| {
            if let Some(el) = e.target_dyn_into::<web_sys::HtmlInputElement>() {
                name.set(el.value());
            }
        })
    };
    let onsubmit = {
        let (name, asked) = (name.clone(), asked.clone());
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            asked.set(name.trim().to_string());
        })
    };
    html! {
        <section class="text-view" data-testid="dns-view" aria-label="DNS">
            <div class="view-toolbar">
                <label>{ "Pod " }
                    <select onchange={on_pod} data-testid="dns-pod" aria-label="Pod">
                        { for pods.iter().map(|p| html! { <option value={p.clone()} selected={*p == pod_value}>{ p }</option> }) }
                    </select>
                </label>
            </div>
            <h4>{ "/etc/resolv.conf" }</h4>
            <pre class="terminal" data-testid="resolv-conf">{ match rc {
                None => "…".to_string(),
                Some(Err(e)) => e,
                Some(Ok(j)) => serde_json::from_str::<String>(&j).unwrap_or_default(),
            } }</pre>
            <form class="request-form" {onsubmit}>
                <label class="grow">{ "nslookup " }
                    <input type="text" value={(*name).clone()} oninput={on_name} data-testid="nslookup-name"
                        aria-label="Name to look up" spellcheck="false" autocomplete="off" />
                </label>
                <button type="submit" class="primary" data-testid="nslookup-send">{ "Look up" }</button>
            </form>
            if !asked.is_empty() {
                <pre class="terminal" data-testid="nslookup-output">{ match walk {
                    None => "…".to_string(),
                    Some(Err(e)) => e,
                    Some(Ok(j)) => serde_json::from_str::<Walk>(&j).map(|w| walk_text(&w)).unwrap_or_else(|e| e.to_string()),
                } }</pre>
            }
        </section>
    }
}

/// The search walk as lines: each query with its rcode and answers, then the result.
fn walk_text(w: &Walk) -> String {
    let mut out = String::new();
    for q in &w.queries {
        out.push_str(&format!(
            ";; {} {} → {}   ({})\n",
            q.name,
            q.qtype,
            q.rcode.as_deref().unwrap_or("no answer"),
            q.why
        ));
        for r in &q.answer {
            out.push_str(&format!("   {}\t{}\t{}\n", r.name, r.rtype, r.data));
        }
    }
    let kind = w.result.get("kind").and_then(|k| k.as_str()).unwrap_or("");
    out.push_str(&match kind {
        "resolved" => "=> resolved\n".to_string(),
        "notFound" => "** server can't find the name: NXDOMAIN\n".to_string(),
        other => format!("=> {other}\n"),
    });
    out
}
