// A wasm module in two parts: wasm-split (binaryen) moved the functions a profile never saw run
// into a second module, so the first part is all a start needs. Each function moved left a
// placeholder in the first part's table, at the function's own index; the first call of any of
// them loads the second module (if it is not in yet), instantiates it against the first part's
// memory, table and exports — its element segments overwrite every placeholder with its
// function — and calls on through the table.
//
// Two modules are split this way (`crates/xtask/src/split.rs`), each bundled with its own copy
// of this file by the site build (which wraps the glue's `__wbg_get_imports`): the first-topology
// engine in the engine worker (`engine.js`), where the second part is fetched synchronously when
// first needed (the worker waits anyway, and the call must return its result), and the page's
// wasm (`netsim_web.js`), whose second part `boot.js` fetches (at low priority) and compiles off
// the main thread once the first topology is drawn, or at once on a page the service worker
// answers (`prefetchSecondPart`); a placeholder called before that is in fetches it
// synchronously, as the worker does.

// How the second module's bytes are fetched when a placeholder needs them at once: a
// synchronous request. The site build's check of the split engine (`crates/xtask/src/split.rs`,
// under Node) reads the file instead.
export const secondPart = {
  url: null,
  fetch(url) {
    const xhr = new XMLHttpRequest();
    xhr.open("GET", url, false);
    // A page's synchronous request cannot ask for an ArrayBuffer (a worker's can): the bytes
    // come as a string of one char per byte.
    const page = typeof document !== "undefined";
    if (page) xhr.overrideMimeType("text/plain; charset=x-user-defined");
    else xhr.responseType = "arraybuffer";
    xhr.send();
    if (xhr.status !== 200) throw new SplitLoadError(`${url}: HTTP ${xhr.status}`);
    if (!page) return xhr.response;
    const text = xhr.responseText;
    const bytes = new Uint8Array(text.length);
    for (let i = 0; i < text.length; i++) bytes[i] = text.charCodeAt(i) & 0xff;
    return bytes;
  },
  // The second module compiled ahead (`prefetchSecondPart`), if it is.
  module: null,
  // Called with the error when the second module cannot be loaded, before it is thrown.
  onerror: null,
  // How many times the second module was instantiated (0 or 1), for the checks.
  loaded: 0,
  // Set by `splitImports`: the first part's imports and its instance's exports.
  imports: null,
  exports: null,
};

// The second module could not be fetched or instantiated: the engine worker answers with the
// full engine instead; the page says so (`secondPart.onerror`).
export class SplitLoadError extends Error {
  constructor(message) {
    super(`the second part of the wasm: ${message}`);
    this.name = "SplitLoadError";
  }
}

// A page being left (hidden, then `pagehide`): Firefox fails its pending requests and its
// worker as it goes, and what the page runs then (an engine call failing) may need the second
// part, whose request then fails too (HTTP 0). The error is thrown (the call cannot go on) and
// `quietWhenLeaving` ends it there.
let leaving = false;
if (typeof addEventListener === "function" && typeof document !== "undefined") {
  addEventListener("pagehide", () => { leaving = true; });
  addEventListener("pageshow", () => { leaving = false; });
}

// `f`, a Rust closure the browser calls (an event, a promise's settling), as the glue wraps it:
// a load of the second part that failed while the page was being left ends the call quietly
// (there is no page to go on with) instead of an uncaught error.
export function quietWhenLeaving(f) {
  return (...args) => {
    try {
      return f(...args);
    } catch (e) {
      if (e instanceof SplitLoadError && e.leaving) return undefined;
      throw e;
    }
  };
}

function load() {
  if (secondPart.loaded) return;
  try {
    const module = secondPart.module || new WebAssembly.Module(secondPart.fetch(secondPart.url));
    new WebAssembly.Instance(module, { ...secondPart.imports, primary: secondPart.exports() });
  } catch (e) {
    const error = e instanceof SplitLoadError ? e : new SplitLoadError(String(e));
    error.leaving = leaving || (typeof document !== "undefined" && document.visibilityState === "hidden");
    if (secondPart.onerror) secondPart.onerror(error);
    throw error;
  }
  secondPart.loaded += 1;
}

// Fetches and compiles the second module in the background and instantiates it (a task of its
// own, not in a click's); resolves once it is in. A failure is left for the first placeholder
// to meet (it tries again, synchronously).
let prefetching = null;
export function prefetchSecondPart() {
  if (secondPart.loaded) return Promise.resolve();
  if (!prefetching) {
    const url = secondPart.url;
    const get = () => fetch(url, { priority: "low" });
    const compiled = typeof WebAssembly.compileStreaming === "function"
      ? WebAssembly.compileStreaming(get()).catch(() =>
        get().then((r) => r.arrayBuffer()).then((b) => WebAssembly.compile(b)))
      : get().then((r) => r.arrayBuffer()).then((b) => WebAssembly.compile(b));
    prefetching = compiled.then((module) => {
      if (secondPart.loaded) return;
      secondPart.module = module;
      // Not before the first part runs: then the first placeholder puts it in.
      if (secondPart.exports && secondPart.exports()) load();
    }).catch((e) => {
      prefetching = null;
      console.warn("the page's second part did not prefetch; it loads when first needed:", e);
    });
  }
  return prefetching;
}

// `imports` with the placeholders (`placeholder.<table index>`) added; `exports()` is the
// instance's exports once it runs.
export function splitImports(imports, exports) {
  secondPart.imports = imports;
  secondPart.exports = exports;
  const placeholder = new Proxy({}, {
    get(_, index) {
      const i = Number(index);
      return (...args) => {
        load();
        return exports().table.get(i)(...args);
      };
    },
  });
  return { ...imports, placeholder };
}
