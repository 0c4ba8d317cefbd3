//! The help overlay (`?`): keyboard shortcuts and where things are.

use yew::prelude::*;

use crate::components::dialog::Dialog;

#[derive(Properties, PartialEq)]
pub struct HelpProps {
    pub on_close: Callback<()>,
}

const SHORTCUTS: [(&str, &str); 8] = [
    ("?", "Show or hide this help"),
    ("Ctrl/Cmd + Enter", "Send the request in the request panel"),
    ("Ctrl/Cmd + Z, Shift + Ctrl/Cmd + Z", "Undo, redo in the editor"),
    ("Tab", "Indent with two spaces (YAML forbids tabs)"),
    ("Escape, then Tab", "Leave the editor with the keyboard"),
    ("Escape", "Close this help"),
    ("Wheel, drag", "Zoom and pan the topology"),
    ("Click a box", "Inspect a Service, Pod or node"),
];

#[component]
pub fn HelpOverlay(props: &HelpProps) -> Html {
    html! {
        <Dialog label="Help" testid="help" on_close={props.on_close.clone()}>
                <h2>{ "Keyboard shortcuts" }</h2>
                <table class="grid">
                    <tbody>
                        { for SHORTCUTS.iter().map(|(k, what)| html! { <tr><td><kbd>{ *k }</kbd></td><td>{ *what }</td></tr> }) }
                    </tbody>
                </table>
                <h2>{ "How it works" }</h2>
                <p>{ "Paste Pods, Services, Deployments (or kubectl get -o yaml output) on the left. The cluster is built as Kubernetes would: IPs, EndpointSlices, CoreDNS answers and kube-proxy's iptables rules on every node. Click a Service to see which Pods its selector matches; send requests from any Pod, node or an outside client and follow every hop." }</p>
        </Dialog>
    }
}
