//! A modal dialog over the page: a click outside it or on × closes it.

use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct DialogProps {
    /// The dialog's accessible name.
    pub label: AttrValue,
    pub testid: AttrValue,
    pub on_close: Callback<()>,
    pub children: Html,
}

#[component]
pub fn Dialog(props: &DialogProps) -> Html {
    let close = {
        let on_close = props.on_close.clone();
        Callback::from(move |_: MouseEvent| on_close.emit(()))
    };
    let stop = Callback::from(|e: MouseEvent| e.stop_propagation());
    html! {
        <div class="overlay" data-testid={props.testid.clone()} onclick={close.clone()}>
            <div class="dialog" role="dialog" aria-modal="true" aria-label={props.label.clone()} onclick={stop}>
                <button type="button" class="close" onclick={close} aria-label="Close">{ "×" }</button>
                { props.children.clone() }
            </div>
        </div>
    }
}
