//! DNS from a Pod's point of view: the resolv.conf the kubelet wrote into it, and an nslookup
//! box that walks its search list against CoreDNS's answers.

use netsim::session::Question;
use yew::prelude::*;

use crate::hooks::{use_app, use_ask};

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
    // What the terminal shows (`netsim resolv-conf`, `netsim dns`): the core renders both.
    let rc = use_ask::<String>((!pod_value.is_empty()).then(|| Question::Text {
        question: Box::new(Question::ResolvConf { pod: pod_value.clone(), namespace: None }),
    }));
    let walk =
        use_ask::<String>((!asked.is_empty() && !pod_value.is_empty()).then(|| Question::Text {
            question: Box::new(Question::Dns {
                name: (*asked).clone(),
                from: Some(pod_value.clone()),
                namespace: None,
                qtype: None,
                exact: false,
            }),
        }));
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
            <pre class="terminal" data-testid="resolv-conf" tabindex="0" aria-label="resolv.conf">{ match rc {
                None => "…".to_string(),
                Some(Err(e)) => e,
                Some(Ok(rc)) => (*rc).clone(),
            } }</pre>
            <form class="request-form" {onsubmit}>
                <label class="grow">{ "nslookup " }
                    <input type="text" value={(*name).clone()} oninput={on_name} data-testid="nslookup-name"
                        aria-label="Name to look up" spellcheck="false" autocomplete="off" />
                </label>
                <button type="submit" class="primary" data-testid="nslookup-send">{ "Look up" }</button>
            </form>
            if !asked.is_empty() {
                <pre class="terminal" data-testid="nslookup-output" tabindex="0" aria-label="DNS answer">{ match walk {
                    None => "…".to_string(),
                    Some(Err(e)) => e,
                    // The one rendering `netsim dns` prints: dig's sections, nslookup's summary.
                    Some(Ok(lookup)) => (*lookup).clone(),
                } }</pre>
            }
        </section>
    }
}
