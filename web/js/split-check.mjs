// The site build's check of the split first-topology engine (crates/xtask/src/split.rs): the
// whole engine and the split one (its second part read from disk instead of fetched) answer
// every file given alike, byte for byte, and the second part was needed for some.
// usage: node split-check.mjs WHOLE_GLUE WHOLE.wasm SPLIT_GLUE PRIMARY.wasm SECOND.wasm FILE...
import fs from "node:fs";
import path from "node:path";
import { pathToFileURL } from "node:url";

const [wholeGlue, wholeWasm, splitGlue, primaryWasm, secondWasm, ...files] = process.argv.slice(2);
const whole = await import(pathToFileURL(wholeGlue).href);
const split = await import(pathToFileURL(splitGlue).href);
const { secondPart } = await import(pathToFileURL(path.join(path.dirname(splitGlue), "split.mjs")).href);
whole.initSync({ module: fs.readFileSync(wholeWasm) });
secondPart.url = secondWasm;
secondPart.fetch = (file) => fs.readFileSync(file);
split.initSync({ module: fs.readFileSync(primaryWasm) });

const run = (engine, text) => {
  try {
    return engine.simulateJson("manifests.yaml", text, [], 1000);
  } catch (e) {
    return `threw: ${e}`;
  }
};
const a = new whole.Simulator();
const b = new split.Simulator();
let firstNeed = "";
const differ = [];
for (const file of files) {
  const text = fs.readFileSync(file, "utf8");
  const loaded = secondPart.loaded;
  if (run(a, text) !== run(b, text)) differ.push(file);
  if (!loaded && secondPart.loaded) firstNeed = path.basename(file);
}
console.log(`${files.length} inputs answered alike by the whole and the split engine: ` +
  `${files.length - differ.length}; second part first needed by ${firstNeed || "none"}`);
if (differ.length) {
  console.log(`answered differently:\n  ${differ.join("\n  ")}`);
  process.exit(1);
}
if (!secondPart.loaded) {
  console.log("the second part was never needed: the check did not reach it");
  process.exit(1);
}
