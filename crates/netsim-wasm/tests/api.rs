//! The JS API in headless Chrome (wasm-bindgen-test): what a page using the package sees.
#![cfg(target_arch = "wasm32")]

use netsim_wasm::Simulator;
use wasm_bindgen::JsValue;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

fn input(name: &str, text: &str) -> JsValue {
    let file = js_sys::Object::new();
    js_sys::Reflect::set(&file, &"name".into(), &name.into()).unwrap();
    js_sys::Reflect::set(&file, &"text".into(), &text.into()).unwrap();
    let files = js_sys::Array::new();
    files.push(&file);
    files.into()
}

fn get(v: &JsValue, key: &str) -> JsValue {
    js_sys::Reflect::get(v, &key.into()).unwrap()
}

#[wasm_bindgen_test]
fn analyze_lists_objects() {
    let sim = Simulator::new();
    let text =
        "apiVersion: v1\nkind: Service\nmetadata:\n  name: web\nspec:\n  ports:\n  - port: 80\n";
    let a = sim.analyze(input("svc.yaml", text)).unwrap();
    let objects: js_sys::Array = get(&a, "objects").into();
    assert_eq!(objects.length(), 1);
    let o = objects.get(0);
    assert_eq!(get(&o, "kind").as_string().as_deref(), Some("Service"));
    assert_eq!(get(&o, "name").as_string().as_deref(), Some("web"));
    assert_eq!(get(&o, "line").as_f64(), Some(1.0));
}

#[wasm_bindgen_test]
fn bad_argument_is_an_error_not_a_panic() {
    let sim = Simulator::new();
    assert!(sim.analyze(JsValue::from_str("not an array")).is_err());
}
