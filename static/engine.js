// The playground's engine: a module Web Worker running the whole kube-netsim core (the JS
// package under `pkg/`, the same one pages use without our UI). The page's first load carries
// only the manifest stage (squiggles and problems as you type); this worker builds the cluster
// off the main thread and answers everything else, so a big paste never freezes the page.
//
// Protocol: the page posts `{id, op, args}`; the worker answers `{id, ok}` with a JSON text,
// `{id, err, code}` for a refused call, or `{id, panic, report}` when the core crashed — then it
// is dead (a trapped wasm instance cannot be trusted) and the page starts a fresh one.
//
// The playground starts it as its own worker. Embeds (`?embed`: the `<netsim-playground>`
// elements of a course page, each an iframe) start it as a SharedWorker, so they share one
// engine: every page connected gets a session (its own Simulator and input) over its port.
import init, { Simulator, __testPanic } from "./pkg/netsim_wasm.js";

const FILE = "manifests.yaml";
// Rows of each list the page gets at most (MAX_ROWS in web/src/engine.rs).
const MAX_ROWS = 1000;
let dead = false;
let lastConsoleError = "";
const shared = typeof SharedWorkerGlobalScope !== "undefined" && self instanceof SharedWorkerGlobalScope;
let connections = 0;
// The sessions of a shared engine, for `__engine` (weakly: a page that is gone lets its go).
const sessions = [];

// The package's panic hook writes the panic message with console.error before the trap.
const consoleError = console.error.bind(console);
console.error = (...args) => {
  lastConsoleError = args.map(String).join(" ");
  consoleError(...args);
};

const ready = init();

const ops = {
  // Builds the cluster from the text with the what-if events; the view model and the events.
  simulate(s, { text, events }) {
    s.files = [{ name: FILE, text }];
    const r = s.sim.simulate(s.files, { events: events || [] });
    // The page lists at most MAX_ROWS objects, diagnostics and (newest) events.
    const shown = r.events.slice(Math.max(0, r.events.length - MAX_ROWS));
    return `{"view":${s.sim.viewModelJson(MAX_ROWS)},"cluster":{"events":${JSON.stringify(shown)},` +
      `"omittedEvents":${r.events.length - shown.length},"whatIfErrors":${JSON.stringify(r.whatIfErrors)}}}`;
  },
  // Any question about the cluster (`Question` in the core): the answer is the JSON text
  // `netsim … -o json` prints, passed on as it is.
  ask: (s, { question }) => s.sim.ask(question),
  checkChallenge: (s, { challenge }) => JSON.stringify(s.sim.checkChallenge(challenge)),
  get: (s, { kinds, wide }) => JSON.stringify(s.sim.get(kinds, { wide: !!wide })),
  // Which engine answers: shared or not, how many pages have connected to it, and the first
  // line of each live session's input (the end-to-end check of embeds sharing one engine).
  __engine: () => JSON.stringify({
    shared,
    connections,
    inputs: sessions.map((w) => w.deref()).filter((x) => x && x.files.length)
      .map((x) => x.files[0].text.split("\n")[0]),
  }),
  // For the end-to-end check of the crash report only.
  __crash: () => __testPanic(),
};

// Answers one message of the session `s` with `reply`.
async function answer(s, data, reply) {
  const { id, op, args } = data;
  if (dead) {
    reply({ id, panic: "the engine stopped after an earlier crash", report: "" });
    return;
  }
  try {
    await ready;
    s.sim ??= new Simulator();
    const run = ops[op];
    if (!run) throw Object.assign(new Error(`unknown engine operation '${op}'`), { code: "bad-op" });
    reply({ id, ok: run(s, args || {}) });
  } catch (err) {
    if (err instanceof WebAssembly.RuntimeError) {
      dead = true;
      const message = lastConsoleError || String(err);
      const input = s.files.length ? s.files[0].text : "";
      reply({ id, panic: message, report: `operation: ${op}\n${message}`, input });
    } else {
      reply({ id, err: String(err && err.message || err), code: err && err.code || "" });
    }
  }
}

if (shared) {
  self.onconnect = (e) => {
    const port = e.ports[0];
    const s = { sim: null, files: [] };
    connections += 1;
    sessions.push(new WeakRef(s));
    port.onmessage = (m) => answer(s, m.data, (r) => port.postMessage(r));
  };
} else {
  const s = { sim: null, files: [] };
  connections = 1;
  self.onmessage = (e) => answer(s, e.data, (r) => self.postMessage(r));
}
