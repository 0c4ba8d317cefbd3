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

/// Mounts a fresh app: no saved work from earlier tests.
fn mount() -> Element {
    web_sys::window().unwrap().local_storage().unwrap().unwrap().clear().unwrap();
    mount_keeping_storage()
}

/// Mounts the app as a reload would: whatever was saved stays.
fn mount_keeping_storage() -> Element {
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

fn click(root: &Element, testid: &str) {
    let el: web_sys::HtmlElement = all(root, testid).remove(0).dyn_into().unwrap();
    el.click();
}

#[wasm_bindgen_test]
async fn default_scenario_is_simulated_on_load() {
    let root = mount();
    wait_until("topology", || !all(&root, "topology").is_empty()).await;
    click(&root, "tab-objects");
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
    wait_until("tabs", || !all(&root, "tab-objects").is_empty()).await;
    click(&root, "tab-objects");
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

fn attr(e: &Element, name: &str) -> String {
    e.get_attribute(name).unwrap_or_default()
}

/// Every Pod box as (id, x, y).
fn pod_boxes(root: &Element) -> Vec<(String, String, String)> {
    all(root, "topology-pod")
        .iter()
        .map(|p| (attr(p, "data-id"), attr(p, "data-x"), attr(p, "data-y")))
        .collect()
}

#[wasm_bindgen_test]
async fn topology_draws_the_default_scenario() {
    let root = mount();
    wait_until("topology", || all(&root, "topology-pod").len() == 4).await;
    // The Topology tab is open first.
    assert_eq!(attr(&all(&root, "tab-topology")[0], "aria-selected"), "true");
    assert_eq!(all(&root, "topology-node").len(), 3);
    let services = all(&root, "topology-service");
    assert_eq!(services.len(), 1);
    assert!(services[0].text_content().unwrap().contains("web.default.svc.cluster.local"));
    let edges = all(&root, "topology-edge");
    assert_eq!(edges.len(), 3);
    for e in &edges {
        assert_eq!(attr(e, "data-from"), "svc/default/web");
        assert!(attr(e, "data-to").starts_with("pod/default/web-"));
        assert_eq!(attr(e, "data-kind"), "ready");
    }
    let names: Vec<String> =
        all(&root, "topology-pod").iter().map(|p| attr(p, "data-id")).collect();
    assert!(names.contains(&"pod/default/client".to_string()));
    // The table view holds the same data for screen readers.
    let table = all(&root, "topology-table").remove(0).text_content().unwrap();
    assert!(table.contains("web.default.svc.cluster.local") && table.contains("client"));
    root.remove();
}

#[wasm_bindgen_test]
async fn typing_a_pod_adds_a_box_and_moves_nothing() {
    let root = mount();
    wait_until("topology", || all(&root, "topology-pod").len() == 4).await;
    let before = pod_boxes(&root);
    let services_before: Vec<(String, String)> = all(&root, "topology-service")
        .iter()
        .map(|s| (attr(s, "data-x"), attr(s, "data-y")))
        .collect();
    let text = format!(
        "{}---\napiVersion: v1\nkind: Pod\nmetadata:\n  name: debug\n  labels: {{app: debug}}\nspec:\n  \
         nodeName: kind-control-plane\n  containers:\n  - name: shell\n    image: busybox\n",
        netsim_web::DEFAULT_SCENARIO
    );
    type_text(&root, &text);
    wait_until("a fifth Pod", || all(&root, "topology-pod").len() == 5).await;
    let after = pod_boxes(&root);
    for b in &before {
        assert!(after.contains(b), "{b:?} moved: {after:?}");
    }
    assert!(after.iter().any(|(id, _, _)| id == "pod/default/debug"));
    let services_after: Vec<(String, String)> = all(&root, "topology-service")
        .iter()
        .map(|s| (attr(s, "data-x"), attr(s, "data-y")))
        .collect();
    assert_eq!(services_before, services_after);

    // Labels on demand: the Pod boxes show a labels line only when asked.
    let label_lines = |root: &Element| root.query_selector_all(".t-pod .t-small").unwrap().length();
    assert_eq!(label_lines(&root), 0);
    click(&root, "topology-labels");
    wait_until("labels shown", || label_lines(&root) == 5).await;
    assert!(all(&root, "topology").remove(0).text_content().unwrap().contains("app=debug"));

    // Breaking the YAML keeps the last good topology, marked stale.
    type_text(&root, "apiVersion: v1\nkind: Pod\nmetadata:\n  name: \"x\n");
    wait_until("stale", || !all(&root, "stale").is_empty()).await;
    assert_eq!(all(&root, "topology-pod").len(), 5);
    root.remove();
}

#[wasm_bindgen_test]
async fn zoom_and_table_toggle() {
    let root = mount();
    wait_until("topology", || all(&root, "topology-pod").len() == 4).await;
    let svg = || all(&root, "topology").remove(0);
    let before = attr(&svg(), "viewBox");
    let zoom_in: web_sys::HtmlElement =
        root.query_selector("button[aria-label='Zoom in']").unwrap().unwrap().dyn_into().unwrap();
    zoom_in.click();
    wait_until("zoomed", || attr(&svg(), "viewBox") != before).await;
    let w = |vb: &str| vb.split(' ').nth(2).unwrap().parse::<i64>().unwrap();
    assert!(w(&attr(&svg(), "viewBox")) < w(&before), "zooming in shows less");
    click(&root, "topology-fit");
    wait_until("fit", || attr(&svg(), "viewBox") == before).await;

    // The table is there for screen readers, and shown on demand.
    let table = || all(&root, "topology-table").remove(0);
    assert!(table().class_name().contains("sr-only"));
    click(&root, "topology-table-toggle");
    wait_until("table shown", || !table().class_name().contains("sr-only")).await;
    let rows = table().query_selector_all("tbody tr").unwrap().length();
    assert_eq!(rows, 5, "one Service and four Pods");
    root.remove();
}

#[wasm_bindgen_test]
async fn edits_survive_a_reload_and_reset_brings_the_scenario_back() {
    let root = mount();
    wait_until("tabs", || !all(&root, "tab-objects").is_empty()).await;
    click(&root, "tab-objects");
    let text = "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: saved-work\n";
    type_text(&root, text);
    wait_until("one object", || all(&root, "object-row").len() == 1).await;
    root.remove();

    // "Reload": a new app instance over the same storage comes back with the edits.
    let root = mount_keeping_storage();
    wait_until("tabs", || !all(&root, "tab-objects").is_empty()).await;
    click(&root, "tab-objects");
    let editor =
        || all(&root, "editor-input")[0].clone().dyn_into::<HtmlTextAreaElement>().unwrap().value();
    wait_until("the saved text", || editor() == text).await;
    wait_until("its object", || {
        all(&root, "object-row").iter().any(|r| r.text_content().unwrap().contains("saved-work"))
    })
    .await;

    // Reset asks first (window.confirm); answer yes, as the learner would.
    let yes = wasm_bindgen::closure::Closure::<dyn Fn() -> bool>::new(|| true);
    js_sys::Reflect::set(&web_sys::window().unwrap(), &"confirm".into(), yes.as_ref()).unwrap();
    yes.forget();
    click(&root, "reset");
    wait_until("the default text", || editor() == netsim_web::DEFAULT_SCENARIO).await;
    wait_until("its objects", || all(&root, "object-row").len() == 3).await;
    root.remove();
}
