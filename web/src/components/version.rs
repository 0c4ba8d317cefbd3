//! The Kubernetes version select in the top bar: the release the cluster runs (kubeadm
//! ClusterConfiguration `kubernetesVersion`, default the newest). Choosing another edits that
//! field in the text through the editor (one undo step), so the CLI reading the same text sees
//! the same cluster; the core prepares each choice's edit (`view::VersionView`).

use yew::prelude::*;

use crate::hooks::AppContext;

/// The select (nothing before the engine's first answer). A function, not a component: each
/// component type costs the page's first load.
pub fn version_select(app: &AppContext, select: &NodeRef) -> Html {
    let v = &app.analysis.version;
    if v.choices.is_empty() {
        // Before the engine's first answer: the same control, waiting, so nothing in the top
        // bar moves when the answer comes (a phone's bar wraps: the page below would shift).
        let newest = netsim::manifest::version::KubeVersion::NEWEST;
        return html! {
            <label class="version-select" title="The Kubernetes release, once the cluster is built">
                <span>{ "Kubernetes" }</span>
                <select data-testid="version-select-pending" aria-label="Kubernetes version" disabled=true>
                    <option>{ format!("v1.{}", newest.minor) }</option>
                </select>
            </label>
        };
    }
    let onchange = {
        let app = app.clone();
        crate::components::on_select(move |chosen| {
            crate::components::editor::request_edit(
                &app,
                crate::state::PendingEdit::Version(chosen),
            )
        })
    };
    let title = match &v.written {
        Some(w) => format!(
            "The cluster runs Kubernetes {} (ClusterConfiguration kubernetesVersion: {w}). Choosing another release edits that field.",
            v.current
        ),
        None => format!(
            "The cluster runs Kubernetes {} (the default: no ClusterConfiguration kubernetesVersion). Choosing another release adds one to the text.",
            v.current
        ),
    };
    html! {
        <label class="version-select" {title}>
            <span>{ "Kubernetes" }</span>
            <select data-testid="version-select" aria-label="Kubernetes version" {onchange} ref={select.clone()}
                disabled={app.readonly} data-current={v.current.clone()}>
                { for v.choices.iter().map(|c| html! {
                    <option value={c.version.clone()} selected={c.version == v.current}>{ &c.version }</option>
                }) }
            </select>
        </label>
    }
}
