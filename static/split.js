// The first-topology engine in two parts: wasm-split (binaryen) moved the functions the bundled
// scenarios never run into a second module, `lite/netsim_lite_split.wasm`, so the first
// topology needs only the first part. Each function moved left a placeholder in the first
// part's table, at the function's own index; the first call of any of them fetches the second
// module (synchronously: the worker waits anyway, and the call must return its result),
// instantiates it against the first part's memory, table and exports — its element segments
// overwrite every placeholder with its function — and calls on through the table.
//
// The site build imports this from the first-topology engine's glue (`crates/xtask/src/site.rs`
// wraps the glue's `__wbg_get_imports`), bundled into `engine.js`.

// How the second module's bytes are fetched: a synchronous request (a worker may make one).
// The site build's check of the split (`crates/xtask/src/split.rs`, under Node) reads the file
// instead.
export const secondPart = {
  url: null,
  fetch(url) {
    const xhr = new XMLHttpRequest();
    xhr.open("GET", url, false);
    xhr.responseType = "arraybuffer";
    xhr.send();
    if (xhr.status !== 200) throw new SplitLoadError(`${url}: HTTP ${xhr.status}`);
    return xhr.response;
  },
  // How many times the second module was instantiated (0 or 1), for the checks.
  loaded: 0,
};

// The second module could not be fetched or instantiated: the worker answers with the full
// engine instead.
export class SplitLoadError extends Error {
  constructor(message) {
    super(`the first-topology engine's second part: ${message}`);
    this.name = "SplitLoadError";
  }
}

// `imports` with the placeholders (`placeholder.<table index>`) added; `exports()` is the
// instance's exports once it runs.
export function splitImports(imports, exports) {
  const load = () => {
    if (secondPart.loaded) return;
    const primary = exports();
    try {
      const bytes = secondPart.fetch(secondPart.url);
      new WebAssembly.Instance(new WebAssembly.Module(bytes), { ...imports, primary });
    } catch (e) {
      throw e instanceof SplitLoadError ? e : new SplitLoadError(String(e));
    }
    secondPart.loaded += 1;
  };
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
