//! The core compiled to wasm32 and run in headless Chrome (wasm-bindgen-test): the same pipeline
//! the playground runs, checked where it runs.
#![cfg(target_arch = "wasm32")]

use netsim::diagnostic::SourceFiles;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

#[wasm_bindgen_test]
fn analyzes_a_service() {
    let mut files = SourceFiles::default();
    files.add(
        "svc.yaml",
        "apiVersion: v1\nkind: Service\nmetadata:\n  name: web\nspec:\n  ports:\n  - port: 80\n",
    );
    let a = netsim::view::analyze(&files);
    assert_eq!(a.objects.len(), 1);
    assert_eq!(a.objects[0].kind, "Service");
    assert_eq!(a.errors, 0);
}

#[wasm_bindgen_test]
fn utf16_columns_for_the_browser() {
    let text = "a: 1\nnäme: 😀x\n";
    let idx = netsim::text::LineIndex::new(text);
    let x = u32::try_from(text.find('x').unwrap()).unwrap();
    assert_eq!(idx.line_col(text, x).col_utf16, 9);
    assert_eq!(idx.utf16_offset(text, x), 13);
}
