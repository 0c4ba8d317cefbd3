// The playground's engine: a module Web Worker running the whole kube-netsim core (the JS
// package under `pkg/`, the same one pages use without our UI). The page's first load carries
// only the manifest stage (squiggles and problems as you type); this worker builds the cluster
// off the main thread and answers everything else, so a big paste never freezes the page.
//
// Protocol: the page posts `{id, op, args}`; the worker answers `{id, ok}` with a JSON text,
// `{id, err, code}` for a refused call, or `{id, panic, report}` when the core crashed — then it
// is dead (a trapped wasm instance cannot be trusted) and the page starts a fresh one.
import init, { Simulator, __testPanic } from "./pkg/netsim_wasm.js";

const FILE = "manifests.yaml";
// Rows of each list the page gets at most (MAX_ROWS in web/src/engine.rs).
const MAX_ROWS = 1000;
let sim = null;
let files = [];
let dead = false;
let lastConsoleError = "";

// The package's panic hook writes the panic message with console.error before the trap.
const consoleError = console.error.bind(console);
console.error = (...args) => {
  lastConsoleError = args.map(String).join(" ");
  consoleError(...args);
};

const ready = init().then(() => {
  sim = new Simulator();
});

const ops = {
  // Builds the cluster from the text with the what-if events; the view model and the events.
  simulate({ text, events }) {
    files = [{ name: FILE, text }];
    const r = sim.simulate(files, { events: events || [] });
    // The page lists at most MAX_ROWS objects, diagnostics and (newest) events.
    const shown = r.events.slice(Math.max(0, r.events.length - MAX_ROWS));
    return `{"view":${sim.viewModelJson(MAX_ROWS)},"cluster":{"events":${JSON.stringify(shown)},` +
      `"omittedEvents":${r.events.length - shown.length},"whatIfErrors":${JSON.stringify(r.whatIfErrors)}}}`;
  },
  // Any question about the cluster (`Question` in the core): the answer is the JSON text
  // `netsim … -o json` prints, passed on as it is.
  ask: ({ question }) => sim.ask(question),
  checkChallenge: ({ challenge }) => JSON.stringify(sim.checkChallenge(challenge)),
  get: ({ kinds, wide }) => JSON.stringify(sim.get(kinds, { wide: !!wide })),
  // For the end-to-end check of the crash report only.
  __crash: () => __testPanic(),
};

self.onmessage = async (e) => {
  const { id, op, args } = e.data;
  if (dead) {
    self.postMessage({ id, panic: "the engine stopped after an earlier crash", report: "" });
    return;
  }
  try {
    await ready;
    const run = ops[op];
    if (!run) throw Object.assign(new Error(`unknown engine operation '${op}'`), { code: "bad-op" });
    self.postMessage({ id, ok: run(args || {}) });
  } catch (err) {
    if (err instanceof WebAssembly.RuntimeError) {
      dead = true;
      const message = lastConsoleError || String(err);
      const input = files.length ? files[0].text : "";
      self.postMessage({ id, panic: message, report: `operation: ${op}\n${message}`, input });
    } else {
      self.postMessage({ id, err: String(err && err.message || err), code: err && err.code || "" });
    }
  }
};
