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
    thread_local!(static MOUNTED: std::cell::Cell<u32> = const { std::cell::Cell::new(0) });
    let n = MOUNTED.with(|m| m.replace(m.get() + 1));
    let root = document().create_element("div").unwrap();
    // The apps of earlier tests stay on the page: what a test clicks is looked up in its own.
    root.set_id(&format!("test-app-{n}"));
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
    // The table view holds the same data for screen readers (drawn a task after the picture).
    wait_until("the table of the same data", || {
        let table = all(&root, "topology-table").remove(0).text_content().unwrap();
        table.contains("web.default.svc.cluster.local") && table.contains("client")
    })
    .await;
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

// ---------------------------------------------------------------------------------------------
// Wave 2: unknown outcomes, versions, fixes, graceful termination, proxy modes, zones, policies.

/// Runs `js` in the page (what a learner's click or choice does).
fn eval(js: &str) -> wasm_bindgen::JsValue {
    js_sys::eval(js).unwrap_or_else(|e| panic!("{js}: {e:?}"))
}

/// Clicks the first element of `root` matching `selector` with a bubbling click (SVG groups too).
fn click_css(root: &Element, selector: &str) {
    let ok = eval(&format!(
        "(() => {{ const el = document.getElementById({:?}).querySelector({selector:?}); if (!el) return false; \
         el.dispatchEvent(new MouseEvent('click', {{bubbles: true}})); return true; }})()",
        root.id()
    ));
    assert_eq!(ok.as_bool(), Some(true), "no element {selector}");
}

/// Chooses `value` in the `<select>` of `root` with test id `testid`.
fn choose(root: &Element, testid: &str, value: &str) {
    eval(&format!(
        "(() => {{ const s = document.getElementById({:?}).querySelector('[data-testid={testid}]'); s.value = {value:?}; \
         s.dispatchEvent(new Event('change', {{bubbles: true}})); }})()",
        root.id()
    ));
}

fn text_of(root: &Element, testid: &str) -> String {
    all(root, testid).first().and_then(|e| e.text_content()).unwrap_or_default()
}

/// The editor's text ("" before the app has drawn it).
fn editor_text(root: &Element) -> String {
    all(root, "editor-input")
        .first()
        .map(|e| e.clone().dyn_into::<HtmlTextAreaElement>().unwrap().value())
        .unwrap_or_default()
}

/// Types `target` in the request panel and sends `count` (1 or 100) requests from `from`.
async fn send_request(root: &Element, from: &str, target: &str, many: bool) {
    wait_until("the source", || {
        root.query_selector(&format!("[data-testid=request-from] option[value='{from}']"))
            .ok()
            .flatten()
            .is_some()
    })
    .await;
    choose(root, "request-from", from);
    let input: web_sys::HtmlInputElement =
        all(root, "request-target").remove(0).dyn_into().unwrap();
    input.set_value(target);
    input.dispatch_event(&web_sys::InputEvent::new("input").unwrap()).unwrap();
    yew::scheduler::flush().await;
    click(root, if many { "request-send-many" } else { "request-send" });
}

const CLIENT: &str = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: client\nspec:\n  containers: [{name: c, image: busybox}]\n";

#[wasm_bindgen_test]
async fn an_unknown_outcome_is_drawn_and_explained_as_its_own_state() {
    let root = mount();
    wait_until("topology", || all(&root, "topology-pod").len() == 4).await;
    type_text(
        &root,
        &format!("{CLIENT}---\napiVersion: v1\nkind: Service\nmetadata: {{name: db}}\nspec:\n  type: ExternalName\n  externalName: db.example.com\n"),
    );
    wait_until("the new cluster", || all(&root, "topology-pod").len() == 1).await;
    send_request(&root, "pod/default/client", "db:5432", false).await;
    wait_until("an outcome", || !all(&root, "request-outcome").is_empty()).await;
    let o = all(&root, "request-outcome").remove(0);
    assert_eq!(attr(&o, "data-outcome"), "unknown", "{}", o.text_content().unwrap());
    assert!(o.class_name().contains("unknown"));
    assert!(o.text_content().unwrap().starts_with("? Unknown"));
    assert!(!text_of(&root, "request-reason").is_empty());
    assert_eq!(all(&root, "request-unknown-note").len(), 1);
    // On the topology, the path is drawn in the unknown state's own style.
    let svg = all(&root, "topology").remove(0);
    wait_until("the path's outcome", || attr(&svg, "data-path-outcome") == "unknown").await;
    assert!(attr(&svg, "class").contains("path-unknown"));
    root.remove();
}

#[wasm_bindgen_test]
async fn the_version_select_edits_the_cluster_configuration_in_the_text() {
    let root = mount();
    wait_until("the version", || {
        all(&root, "version-select").first().is_some_and(|s| attr(s, "data-current") == "v1.37")
    })
    .await;
    let options = all(&root, "version-select")[0].query_selector_all("option").unwrap().length();
    assert_eq!(options, 5, "v1.33 to v1.37");
    choose(&root, "version-select", "v1.35");
    wait_until("the field in the text", || {
        editor_text(&root).ends_with("---\napiVersion: kubeadm.k8s.io/v1beta4\nkind: ClusterConfiguration\nkubernetesVersion: v1.35.0\n")
    })
    .await;
    assert!(editor_text(&root).starts_with(netsim_web::DEFAULT_SCENARIO));
    wait_until("the cluster on v1.35", || {
        attr(&all(&root, "version-select")[0], "data-current") == "v1.35"
    })
    .await;
    // Again: the value is replaced in place, not added twice.
    choose(&root, "version-select", "v1.33");
    wait_until("v1.33 in the text", || editor_text(&root).contains("kubernetesVersion: v1.33.0\n"))
        .await;
    assert_eq!(editor_text(&root).matches("kind: ClusterConfiguration").count(), 1);
    wait_until("the cluster on v1.33", || {
        attr(&all(&root, "version-select")[0], "data-current") == "v1.33"
    })
    .await;
    root.remove();
}

#[wasm_bindgen_test]
async fn a_missing_namespace_is_fixed_in_one_click() {
    let root = mount();
    wait_until("topology", || all(&root, "topology-pod").len() == 4).await;
    let text = "apiVersion: v1\nkind: Service\nmetadata:\n  name: web\n  namespace: shop\nspec:\n  ports: [{port: 80}]\n";
    type_text(&root, text);
    wait_until("the fix", || !all(&root, "problem-fix").is_empty()).await;
    assert!(text_of(&root, "problem-fix").contains("Add Namespace \"shop\""));
    assert!(text_of(&root, "problem").contains("namespaces \"shop\" not found"));
    click(&root, "problem-fix");
    wait_until("the Namespace in the text", || {
        editor_text(&root)
            == format!("apiVersion: v1\nkind: Namespace\nmetadata:\n  name: shop\n---\n{text}")
    })
    .await;
    wait_until("no problems", || text_of(&root, "problem-summary") == "No problems").await;
    assert!(all(&root, "problem-fix").is_empty());

    // Clicked right after typing (the analysis is of the older text): the fix waits for the
    // analysis of the new text and applies to it.
    type_text(&root, text);
    wait_until("the fix again", || !all(&root, "problem-fix").is_empty()).await;
    let typed = format!("# typed just now\n{text}");
    type_text(&root, &typed);
    click(&root, "problem-fix");
    wait_until("the fix applied to the new text", || {
        editor_text(&root)
            == format!("# typed just now\napiVersion: v1\nkind: Namespace\nmetadata:\n  name: shop\n---\n{text}")
    })
    .await;
    root.remove();
}

#[wasm_bindgen_test]
async fn deleting_a_pod_shows_it_terminating_then_the_grace_period_over() {
    let root = mount();
    wait_until("topology", || all(&root, "topology-pod").len() == 4).await;
    let web = all(&root, "topology-pod")
        .into_iter()
        .map(|p| attr(&p, "data-id"))
        .find(|id| id.starts_with("pod/default/web-"))
        .unwrap();
    click_css(&root, &format!("[data-testid=topology-pod][data-id='{web}']"));
    wait_until("the Pod inspector", || !all(&root, "whatif-delete-pod").is_empty()).await;
    click(&root, "whatif-delete-pod");
    // The Pod is drawn terminating; its replacement is there; the inspector says what happens.
    let terminating = format!("[data-testid=topology-pod][data-id='{web}'].terminating");
    wait_until("the terminating Pod", || root.query_selector(&terminating).unwrap().is_some())
        .await;
    wait_until("the replacement", || all(&root, "topology-pod").len() == 5).await;
    wait_until("the terminating note", || !all(&root, "inspector-terminating").is_empty()).await;
    assert!(text_of(&root, "inspector-terminating")
        .contains("ready=false, serving=true, terminating=true"));
    // The Service's endpoints: the old one is serving and terminating.
    click_css(&root, "[data-testid=topology-service][data-id='svc/default/web']");
    wait_until("a terminating endpoint", || {
        all(&root, "endpoint-row").iter().any(|r| {
            attr(r, "data-terminating") == "true"
                && r.text_content().unwrap().contains("ready=false serving=true terminating=true")
        })
    })
    .await;
    // The timeline offers the next moment; taking it removes the Pod.
    wait_until("the next moment", || !all(&root, "timeline-next").is_empty()).await;
    assert_eq!(
        attr(&all(&root, "timeline-next")[0], "data-event"),
        format!("grace-over/default/{}", &web["pod/default/".len()..])
    );
    assert!(text_of(&root, "timeline-next").contains("30 s"));
    click(&root, "timeline-next");
    wait_until("the Pod gone", || {
        root.query_selector(&format!("[data-testid=topology-pod][data-id='{web}']"))
            .unwrap()
            .is_none()
    })
    .await;
    wait_until("nothing pending", || all(&root, "timeline-next").is_empty()).await;
    assert_eq!(all(&root, "topology-pod").len(), 4);
    click(&root, "timeline-undo");
    wait_until("the timeline gone", || all(&root, "timeline").is_empty()).await;
    root.remove();
}

#[wasm_bindgen_test]
async fn the_rules_view_shows_the_mode_and_compares_both_modes() {
    let root = mount();
    wait_until("topology", || all(&root, "topology-pod").len() == 4).await;
    click_css(&root, "[data-testid=topology-service][data-id='svc/default/web']");
    wait_until("the Service's rules", || !all(&root, "inspector-rules").is_empty()).await;
    assert!(text_of(&root, "inspector-rules-mode").contains("iptables mode"));
    click(&root, "tab-iptables");
    wait_until("the mode", || {
        all(&root, "rules-mode").first().is_some_and(|m| attr(m, "data-mode") == "iptables")
    })
    .await;
    assert!(text_of(&root, "iptables-output").contains("iptables-save"));
    click(&root, "rules-compare");
    let hits = |testid: &str| {
        all(&root, testid)
            .first()
            .map_or(0, |p| p.query_selector_all(".line.hit").unwrap().length())
    };
    wait_until("both modes, the Service highlighted in each", || {
        hits("rules-iptables") > 0 && hits("rules-nftables") > 0
    })
    .await;
    assert!(text_of(&root, "rules-iptables").contains("KUBE-SERVICES"));
    assert!(text_of(&root, "rules-nftables").contains("table ip kube-proxy"));
    assert!(text_of(&root, "rules-nftables").contains("nft list ruleset"));
    // Every highlighted line names the Service or is one of its chains.
    let nft = all(&root, "rules-nftables").remove(0);
    let marked = nft.query_selector_all(".line.hit").unwrap();
    assert!((0..marked.length()).any(|i| marked
        .item(i)
        .unwrap()
        .text_content()
        .unwrap()
        .contains("default/web")));

    // A cluster in nftables mode says so, and lists `nft list ruleset`.
    type_text(
        &root,
        &format!("apiVersion: kubeproxy.config.k8s.io/v1alpha1\nkind: KubeProxyConfiguration\nmode: nftables\n---\n{}", netsim_web::DEFAULT_SCENARIO),
    );
    click(&root, "rules-compare");
    wait_until("nftables mode", || {
        all(&root, "rules-mode").first().is_some_and(|m| attr(m, "data-mode") == "nftables")
            && text_of(&root, "iptables-output").contains("table ip kube-proxy")
    })
    .await;
    assert!(text_of(&root, "iptables-output").contains("nft list ruleset"));
    // The inspector's rules section reads the node's nftables rules too.
    wait_until("the inspector in nftables mode", || {
        text_of(&root, "inspector-rules-mode").contains("nftables mode")
            && text_of(&root, "inspector-rules").contains("default/web")
    })
    .await;
    root.remove();
}

const ZONED: &str = "apiVersion: v1
kind: Node
metadata: {name: a1, labels: {topology.kubernetes.io/zone: zone-a}}
---
apiVersion: v1
kind: Node
metadata: {name: b1, labels: {topology.kubernetes.io/zone: zone-b}}
---
apiVersion: v1
kind: Pod
metadata: {name: web-a, labels: {app: web}}
spec:
  nodeName: a1
  containers: [{name: web, image: nginx, ports: [{containerPort: 80}]}]
---
apiVersion: v1
kind: Pod
metadata: {name: web-b, labels: {app: web}}
spec:
  nodeName: b1
  containers: [{name: web, image: nginx, ports: [{containerPort: 80}]}]
---
apiVersion: v1
kind: Pod
metadata: {name: client}
spec:
  nodeName: a1
  containers: [{name: c, image: busybox}]
---
apiVersion: v1
kind: Service
metadata: {name: web}
spec:
  selector: {app: web}
  trafficDistribution: PreferSameZone
  ports: [{port: 80}]
";

#[wasm_bindgen_test]
async fn zones_show_on_nodes_endpoints_and_the_distribution() {
    let root = mount();
    wait_until("topology", || all(&root, "topology-pod").len() == 4).await;
    type_text(&root, ZONED);
    wait_until("the zoned nodes", || {
        let t = text_of(&root, "topology");
        t.contains("zone zone-a") && t.contains("zone zone-b")
    })
    .await;
    click_css(&root, "[data-testid=topology-service][data-id='svc/default/web']");
    wait_until("endpoints with zones and hints", || {
        let rows = all(&root, "endpoint-row");
        rows.len() == 2
            && rows.iter().any(|r| attr(r, "data-zone") == "zone-a")
            && all(&root, "endpoint-hints")
                .iter()
                .any(|h| h.text_content().unwrap() == "for zone zone-a")
    })
    .await;
    send_request(&root, "pod/default/client", "http://web/", true).await;
    wait_until("the distribution", || !all(&root, "request-distribution").is_empty()).await;
    let d = all(&root, "request-distribution").remove(0);
    assert_eq!(attr(&d, "data-source-zone"), "zone-a");
    assert!(text_of(&root, "request-source-zone").contains("zone-a"));
    // PreferSameZone: the client's zone gets every request.
    let rows = d.query_selector_all(".bar-row").unwrap();
    let rows: Vec<Element> =
        (0..rows.length()).map(|i| rows.item(i).unwrap().dyn_into().unwrap()).collect();
    let counts: Vec<(String, String)> =
        rows.iter().map(|r| (attr(r, "data-zone"), attr(r, "data-count"))).collect();
    assert_eq!(counts, [("zone-a".to_string(), "100".to_string())], "{counts:?}");
    assert!(rows[0].class_name().contains("same-zone"));
    root.remove();
}

const POLICIES: &str = "apiVersion: v1
kind: Pod
metadata: {name: web, labels: {app: web}}
spec:
  containers: [{name: web, image: nginx, ports: [{containerPort: 80}]}]
---
apiVersion: v1
kind: Pod
metadata: {name: client, labels: {role: client}}
spec:
  containers: [{name: c, image: busybox}]
---
apiVersion: v1
kind: Service
metadata: {name: web}
spec:
  selector: {app: web}
  ports: [{port: 80}]
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: web-deny-all}
spec:
  podSelector: {matchLabels: {app: web}}
  policyTypes: [Ingress]
";

#[wasm_bindgen_test]
async fn policies_mark_pods_open_an_inspector_decide_traces_and_fill_the_matrix() {
    let root = mount();
    wait_until("topology", || all(&root, "topology-pod").len() == 4).await;
    type_text(&root, POLICIES);
    // The isolated Pod is marked; the client is not.
    wait_until("the isolation mark", || all(&root, "isolation-mark").len() == 1).await;
    let mark = all(&root, "isolation-mark").remove(0);
    assert_eq!(
        (attr(&mark, "data-ingress"), attr(&mark, "data-egress")),
        ("isolated".into(), "notIsolated".into())
    );
    assert_eq!(attr(&mark.parent_element().unwrap(), "data-id"), "pod/default/web");
    // Its shield is drawn (a path), not a character few fonts have.
    let label = mark.query_selector("text").unwrap().unwrap().text_content().unwrap();
    assert_eq!(label.trim(), "in");
    assert!(mark.query_selector("path").unwrap().is_some());
    // The policy strip opens the policy inspector.
    wait_until("the policy strip", || !all(&root, "policy-button").is_empty()).await;
    assert_eq!(
        all(&root, "policy-button")[0].text_content().unwrap().trim(),
        "default/web-deny-all"
    );
    click(&root, "policy-button");
    wait_until("the policy inspector", || !all(&root, "policy-selected").is_empty()).await;
    assert!(text_of(&root, "inspector-policy").contains("default/web-deny-all"));
    assert!(text_of(&root, "policy-selected").contains("default/web"));
    assert!(text_of(&root, "policy-plugin-note").contains("network plugin"));
    // A request to the isolated Pod times out; the deciding policy is marked in the trace.
    send_request(&root, "pod/default/client", "web:80", false).await;
    wait_until("the outcome", || !all(&root, "request-outcome").is_empty()).await;
    assert_eq!(attr(&all(&root, "request-outcome")[0], "data-outcome"), "timeout");
    let decided: Vec<Element> = all(&root, "policy-effect")
        .into_iter()
        .filter(|e| attr(e, "data-decided") == "true")
        .collect();
    assert!(!decided.is_empty());
    assert!(decided
        .iter()
        .all(|e| attr(e, "data-effect") == "deny"
            && attr(e, "data-policy") == "default/web-deny-all"));
    assert!(all(&root, "request-hops")[0]
        .query_selector("[data-kind=policy] [data-testid=policy-effect]")
        .unwrap()
        .is_some());
    // The matrix: client → web denied, web → client allowed; a cell sends its request.
    click(&root, "tab-reach");
    let cell = |from: &str, to: &str| {
        root.query_selector(&format!(
            "[data-testid=reach-cell][data-from='{from}'][data-to='{to}']"
        ))
        .unwrap()
    };
    wait_until("the matrix", || cell("default/client", "default/web").is_some()).await;
    assert_eq!(attr(&cell("default/client", "default/web").unwrap(), "data-decision"), "denied");
    assert_eq!(attr(&cell("default/web", "default/client").unwrap(), "data-decision"), "allowed");
    assert!(text_of(&root, "reach-summary").contains("1 denied"));
    // Reset the panel's answer, then click the allowed cell: its trace is in the request panel.
    let before = all(&root, "request-outcome").len();
    assert_eq!(before, 1);
    cell("default/web", "default/client")
        .unwrap()
        .dyn_into::<web_sys::HtmlElement>()
        .unwrap()
        .click();
    wait_until("the cell's request", || {
        all(&root, "request-outcome").first().is_some_and(|o| attr(o, "data-outcome") != "timeout")
    })
    .await;
    assert_eq!(
        all(&root, "request-from")[0]
            .clone()
            .dyn_into::<web_sys::HtmlSelectElement>()
            .unwrap()
            .value(),
        "pod/default/web"
    );
    let target = all(&root, "request-target")[0]
        .clone()
        .dyn_into::<web_sys::HtmlInputElement>()
        .unwrap()
        .value();
    assert!(target.ends_with(":80") && target.starts_with("10.244."), "{target}");
    root.remove();
}

#[wasm_bindgen_test]
async fn kubectl_lists_replication_controllers() {
    let root = mount();
    wait_until("topology", || all(&root, "topology-pod").len() == 4).await;
    click(&root, "tab-kubectl");
    wait_until("the kinds", || !all(&root, "kubectl-kind").is_empty()).await;
    choose(&root, "kubectl-kind", "replicationcontrollers");
    // Nothing of the kind: what kubectl says on stderr.
    wait_until("no resources", || text_of(&root, "kubectl-output").contains("No resources found"))
        .await;
    type_text(&root, "apiVersion: v1\nkind: ReplicationController\nmetadata: {name: legacy}\nspec:\n  replicas: 2\n  selector: {app: legacy}\n  template:\n    metadata: {labels: {app: legacy}}\n    spec:\n      containers: [{name: c, image: nginx}]\n");
    wait_until("the ReplicationController", || {
        let o = text_of(&root, "kubectl-output");
        o.contains("$ kubectl get replicationcontrollers -A")
            && o.contains("DESIRED")
            && o.contains("legacy")
    })
    .await;
    root.remove();
}
