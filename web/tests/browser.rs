//! Component tests in headless Chrome: render the real app, act as a user, read the DOM.
//! Selects by `data-testid`; waits poll a condition (no fixed sleeps).
#![cfg(target_arch = "wasm32")]

use std::time::Duration;

use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;
use web_sys::{Element, HtmlTextAreaElement};

wasm_bindgen_test_configure!(run_in_browser);

fn document() -> web_sys::Document {
    web_sys::window().unwrap().document().unwrap()
}

fn mount() -> Element {
    let root = document().create_element("div").unwrap();
    document().body().unwrap().append_child(&root).unwrap();
    yew::Renderer::<netsim_web::app::App>::with_root(root.clone()).render();
    root
}

fn all(root: &Element, testid: &str) -> Vec<Element> {
    let list = root.query_selector_all(&format!("[data-testid={testid}]")).unwrap();
    (0..list.length()).filter_map(|i| list.item(i)?.dyn_into::<Element>().ok()).collect()
}

/// Yields to the browser until `cond` holds; fails after five seconds.
async fn wait_until(what: &str, mut cond: impl FnMut() -> bool) {
    let deadline = js_sys::Date::now() + 5000.0;
    loop {
        yew::scheduler::flush().await;
        if cond() {
            return;
        }
        assert!(js_sys::Date::now() < deadline, "timed out waiting for {what}");
        yew::platform::time::sleep(Duration::from_millis(10)).await;
    }
}

fn type_text(root: &Element, text: &str) {
    let ta: HtmlTextAreaElement = all(root, "editor-input").remove(0).dyn_into().unwrap();
    ta.set_value(text);
    let ev = web_sys::InputEvent::new("input").unwrap();
    ta.dispatch_event(&ev).unwrap();
}

#[wasm_bindgen_test]
async fn default_scenario_is_simulated_on_load() {
    let root = mount();
    wait_until("objects", || !all(&root, "object-row").is_empty()).await;
    let kinds: Vec<String> = all(&root, "object-row")
        .iter()
        .map(|r| r.first_element_child().unwrap().text_content().unwrap())
        .collect();
    assert_eq!(kinds, ["Deployment", "Service", "Pod"]);
    assert_eq!(all(&root, "problem-summary")[0].text_content().unwrap(), "No problems");
    root.remove();
}

#[wasm_bindgen_test]
async fn editing_updates_results_and_errors_keep_the_last_good_result() {
    let root = mount();
    wait_until("objects", || all(&root, "object-row").len() == 3).await;

    type_text(
        &root,
        "apiVersion: v1\nkind: Service\nmetadata:\n  name: db\nspec:\n  ports:\n  - port: 5432\n",
    );
    wait_until("one object", || all(&root, "object-row").len() == 1).await;
    assert!(all(&root, "object-row")[0].text_content().unwrap().contains("db"));

    // Break the YAML: a problem is listed, and the last good result stays, marked stale.
    type_text(&root, "apiVersion: v1\nkind: Service\nmetadata:\n  name: \"db\n");
    wait_until("a problem", || !all(&root, "problem").is_empty()).await;
    assert_eq!(all(&root, "stale").len(), 1);
    assert_eq!(all(&root, "object-row").len(), 1);
    root.remove();
}
