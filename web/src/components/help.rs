//! The help overlay (`?`): keyboard shortcuts and where things are.

use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct HelpProps {
    pub on_close: Callback<()>,
}

const SHORTCUTS: [(&str, &str); 7] = [
    ("?", "Show or hide this help"),
    ("Ctrl/Cmd + Enter", "Send the request in the request panel"),
    ("Ctrl/Cmd + Z, Shift + Ctrl/Cmd + Z", "Undo, redo in the editor"),
    ("Tab", "Indent with two spaces (YAML forbids tabs)"),
    ("Escape", "Close this help"),
    ("Wheel, drag", "Zoom and pan the topology"),
    ("Click a box", "Inspect a Service, Pod or node"),
];

#[component]
pub fn HelpOverlay(props: &HelpProps) -> Html {
    let close = {
        let on_close = props.on_close.clone();
        Callback::from(move |_: MouseEvent| on_close.emit(()))
    };
    let stop = Callback::from(|e: MouseEvent| e.stop_propagation());
    html! {
        <div class="overlay" data-testid="help" onclick={close.clone()}>
            <div class="dialog" role="dialog" aria-modal="true" aria-label="Help" onclick={stop}>
                <button type="button" class="close" onclick={close} aria-label="Close help">{ "×" }</button>
                <h2>{ "Keyboard shortcuts" }</h2>
                <table class="grid">
                    <tbody>
                        { for SHORTCUTS.iter().map(|(k, what)| html! { <tr><td><kbd>{ *k }</kbd></td><td>{ *what }</td></tr> }) }
                    </tbody>
                </table>
                <h2>{ "How it works" }</h2>
                <p>{ "Paste Pods, Services, Deployments (or kubectl get -o yaml output) on the left. The cluster is built as Kubernetes would: IPs, EndpointSlices, CoreDNS answers and kube-proxy's iptables rules on every node. Click a Service to see which Pods its selector matches; send requests from any Pod, node or an outside client and follow every hop." }</p>
            </div>
        </div>
    }
}
