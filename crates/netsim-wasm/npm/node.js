// The package's entry point in Node.js (ESM, Node 20 or later), chosen by the "node" condition of
// package.json's "exports": the same API as netsim_wasm.js (the `--target web` build), with the
// WebAssembly module read from the file beside this one and instantiated when the package is
// imported, so `new Simulator()` works at once. `init()` is there too (it returns at once), so
// code written for browsers (`await init()`) runs unchanged.
import { readFileSync } from "node:fs";
import { initSync } from "./netsim_wasm.js";

initSync({ module: readFileSync(new URL("./netsim_wasm_bg.wasm", import.meta.url)) });

export * from "./netsim_wasm.js";
export { default } from "./netsim_wasm.js";
