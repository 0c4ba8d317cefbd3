// The site build's profile of the first-topology engine (crates/xtask/src/split.rs): runs the
// engine instrumented by `wasm-split --instrument` over each file given and writes which
// functions ran, for `wasm-split --split --profile`.
// usage: node split-profile.mjs GLUE INSTRUMENTED.wasm PROFILE FILE...
import fs from "node:fs";
import { pathToFileURL } from "node:url";

const [glue, wasm, profile, ...files] = process.argv.slice(2);
const { initSync, Simulator } = await import(pathToFileURL(glue).href);
const exports = initSync({ module: fs.readFileSync(wasm) });
const sim = new Simulator();
for (const file of files) {
  // The worker's call for a first topology (engine.js: FILE, no events, MAX_ROWS).
  sim.simulateJson("manifests.yaml", fs.readFileSync(file, "utf8"), [], 1000);
}
const room = 1 << 20;
const at = exports.__wbindgen_malloc(room, 8);
const size = exports.__write_profile(at, room);
if (size <= 0 || size > room) throw new Error(`__write_profile wrote ${size} bytes`);
fs.writeFileSync(profile, new Uint8Array(exports.memory.buffer, at, size));
console.error(`split profile: ${files.length} scenarios, ${size} bytes`);
