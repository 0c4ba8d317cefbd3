//! kube-netsim's engine for JavaScript: a small typed API over the core, built with wasm-pack.
//!
//! ```js
//! import init, { Simulator } from "netsim-wasm";
//! await init();
//! const sim = new Simulator();
//! const analysis = sim.analyze([{ name: "app.yaml", text }]);
//! console.log(analysis.objects, analysis.diagnostics);
//! ```

use netsim::diagnostic::SourceFiles;
use serde::Deserialize;
use wasm_bindgen::prelude::*;

#[wasm_bindgen(typescript_custom_section)]
const TYPES: &'static str = r#"
/** One input text: a file name (shown in diagnostics) and its YAML or JSON. */
export interface InputFile { name: string; text: string; }
/** An object found in the input. */
export interface ObjectRow { kind: string; namespace: string; name: string; file: number; line: number; }
/** A diagnostic positioned for an editor (UTF-16 columns and offsets). */
export interface DiagnosticRow {
  severity: "hint" | "info" | "warning" | "error";
  code: string; message: string; hints: string[];
  file: number; line: number; col: number; from: number; to: number;
}
export interface Analysis { objects: ObjectRow[]; diagnostics: DiagnosticRow[]; errors: number; warnings: number; }
"#;

#[wasm_bindgen(start)]
fn start() {
    console_error_panic_hook::set_once();
}

#[derive(Deserialize)]
struct InputFile {
    name: String,
    text: String,
}

/// The simulator. Stateless for now; methods take the manifests they work on.
#[wasm_bindgen]
#[derive(Default)]
pub struct Simulator {}

#[wasm_bindgen]
impl Simulator {
    #[wasm_bindgen(constructor)]
    pub fn new() -> Simulator {
        Simulator {}
    }

    /// Reads the files and returns the objects found and every diagnostic.
    #[wasm_bindgen(unchecked_return_type = "Analysis")]
    pub fn analyze(
        &self,
        #[wasm_bindgen(unchecked_param_type = "InputFile[]")] files: JsValue,
    ) -> Result<JsValue, JsError> {
        let files: Vec<InputFile> = serde_wasm_bindgen::from_value(files)
            .map_err(|e| JsError::new(&format!("expected an array of {{name, text}}: {e}")))?;
        let mut sources = SourceFiles::default();
        for f in files {
            sources.add(f.name, f.text);
        }
        let analysis = netsim::view::analyze(&sources);
        analysis
            .serialize(&serde_wasm_bindgen::Serializer::json_compatible())
            .map_err(|e| JsError::new(&e.to_string()))
    }
}

use serde::Serialize as _;
