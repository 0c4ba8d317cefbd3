// The playground's engine: a module Web Worker running the kube-netsim core off the main
// thread, so a big paste never freezes the page. It runs in two steps:
// - the first-topology engine (`lite/`, crates/netsim-lite: load, build and draw, nothing
//   else) answers `simulate` from the start, so the first topology needs only its bytes;
// - the full engine (the JS package under `pkg/`, the same one pages use without our UI) is
//   fetched once the page has drawn the first answer and is idle (`prepare`), or at the first
//   question, and answers everything from then on: each question first brings the full
//   engine's session up to the newest input.
// Both answer `simulate` with the same text (`netsim::view::Simulated::json`). The site build
// bundles this script with the first-topology engine's glue (one request less before its wasm).
//
// Protocol: the page posts `{id, op, args}`; the worker answers `{id, ok}` with a JSON text,
// `{id, err, code}` for a refused call, or `{id, panic, report}` when the core crashed — then it
// is dead (a trapped wasm instance cannot be trusted) and the page starts a fresh one; a dead
// engine answers every later call `{id, stopped}`.
//
// The playground starts it as its own worker. Embeds (`?embed`: the `<netsim-playground>`
// elements of a course page, each an iframe) start it as a SharedWorker, so they share one
// engine: every page connected gets a session (its own simulators and input) over its port.
import initLite, { Simulator as FirstTopology } from "./lite/netsim_lite.js";
import { secondPart, SplitLoadError } from "./split.js";

const FILE = "manifests.yaml";
// Rows of each list the page gets at most (MAX_ROWS in web/src/engine.rs).
const MAX_ROWS = 1000;
let dead = false;
let lastConsoleError = "";
const shared = typeof SharedWorkerGlobalScope !== "undefined" && self instanceof SharedWorkerGlobalScope;
let connections = 0;
// The sessions of a shared engine, for `__engine` (weakly: a page that is gone lets its go).
const sessions = [];
// Which engine answered the first `simulate`, and the engines in the order they were ready.
let firstAnswer = "";
const ready = [];

// The core's panic hook writes the panic message with console.error before the trap.
const consoleError = console.error.bind(console);
console.error = (...args) => {
  lastConsoleError = args.map(String).join(" ");
  consoleError(...args);
};

// Its wasm's address is given: the site build bundles this script with the glue. That wasm is
// the engine's first part (what the bundled scenarios run); `split.js` fetches the second when a
// text needs it.
// (`engine.js?secondPart=missing` is the end-to-end check of the fallback below: a second part
// that is not there.)
const missing = new URL(import.meta.url).searchParams.get("secondPart") === "missing";
secondPart.url = new URL(`lite/${missing ? "missing" : "netsim_lite_split"}.wasm`, import.meta.url).href;
const lite = initLite({ module_or_path: new URL("lite/netsim_lite_bg.wasm", import.meta.url) })
  .then(() => ready.push("lite"));
// The first-topology engine stopped in the middle of a call (its second part could not be
// fetched): the full engine answers from then on.
let liteBroken = false;
// The full engine's module once it is ready (`full` the promise of it; null again after a
// failed fetch, so the next question tries again).
let full = null;
let fullModule = null;
function fullEngine() {
  full ??= import("./pkg/netsim_wasm.js").then(async (m) => {
    await m.default();
    ready.push("full");
    fullModule = m;
    return m;
  }, (e) => {
    full = null;
    throw e;
  });
  return full;
}

// Runs `input` ({text, events}) in the session's full engine; its answer.
function simulateFull(m, s, input) {
  s.sim ??= new m.Simulator();
  const answer = s.sim.simulateJson([{ name: FILE, text: input.text }], { events: input.events }, MAX_ROWS);
  s.simInput = input;
  if (!liteBroken) s.lite?.free();
  s.lite = null;
  return answer;
}

// The session's full simulator, with the newest input simulated.
async function fullSimulator(s) {
  const m = await fullEngine();
  if (s.input && s.simInput !== s.input) simulateFull(m, s, s.input);
  return s.sim ??= new m.Simulator();
}

const ops = {
  // Builds the cluster from the text with the what-if events; the view model and the events.
  async simulate(s, { text, events }) {
    const input = { text, events: events || [] };
    s.text = text;
    let answer, by = "full";
    if (fullModule) {
      answer = simulateFull(fullModule, s, input);
    } else {
      await lite;
      try {
        if (liteBroken) throw new SplitLoadError("not fetched earlier");
        s.lite ??= new FirstTopology();
        answer = s.lite.simulateJson(FILE, text, input.events, MAX_ROWS);
        by = "lite";
      } catch (e) {
        if (!(e instanceof SplitLoadError)) throw e;
        // Offline before the second part was kept, say: the instance stopped in the middle of
        // a call and cannot be trusted again; the full engine answers instead.
        liteBroken = true;
        answer = simulateFull(await fullEngine(), s, input);
      }
    }
    firstAnswer ||= by;
    s.input = input;
    return answer;
  },
  // The page has drawn its first topology and is idle: fetch the full engine now (not while
  // the page draws: its compile would take the CPU from it). A question fetches it too.
  prepare: async () => {
    await fullEngine();
    return "ready";
  },
  // Any question about the cluster (`Question` in the core): the answer is the JSON text
  // `netsim … -o json` prints, passed on as it is.
  ask: async (s, { question }) => (await fullSimulator(s)).ask(question),
  checkChallenge: async (s, { challenge }) => JSON.stringify((await fullSimulator(s)).checkChallenge(challenge)),
  get: async (s, { kinds, wide }) => JSON.stringify((await fullSimulator(s)).get(kinds, { wide: !!wide })),
  // Which engine answers: shared or not, how many pages have connected to it, the first line of
  // each live session's input (the end-to-end check of embeds sharing one engine), which engine
  // answered the first `simulate` and the engines ready so far (the check of the two steps).
  __engine: () => JSON.stringify({
    shared,
    connections,
    inputs: sessions.map((w) => w.deref()).filter((x) => x && x.text !== undefined)
      .map((x) => x.text.split("\n")[0]),
    firstAnswer,
    ready,
    // Whether the first-topology engine's second part was needed (and fetched) so far.
    secondPart: secondPart.loaded > 0,
  }),
  // For the end-to-end check of the crash report only.
  __crash: async () => (await fullEngine()).__testPanic(),
};

// Answers one message of the session `s` with `reply`.
async function answer(s, data, reply) {
  const { id, op, args } = data;
  if (dead) {
    // Not this input's crash (in a shared engine, maybe another page's): the page starts an
    // engine of its own and asks again.
    reply({ id, stopped: "the engine stopped after an earlier crash" });
    return;
  }
  try {
    const run = ops[op];
    if (!run) throw Object.assign(new Error(`unknown engine operation '${op}'`), { code: "bad-op" });
    reply({ id, ok: await run(s, args || {}) });
  } catch (err) {
    if (err instanceof WebAssembly.RuntimeError) {
      dead = true;
      const message = lastConsoleError || String(err);
      const input = s.text ?? "";
      reply({ id, panic: message, report: `operation: ${op}\n${message}`, input });
    } else {
      reply({ id, err: String(err && err.message || err), code: err && err.code || "" });
    }
  }
}

if (shared) {
  self.onconnect = (e) => {
    const port = e.ports[0];
    const s = { lite: null, sim: null, input: null, simInput: null, text: undefined };
    connections += 1;
    sessions.push(new WeakRef(s));
    port.onmessage = (m) => answer(s, m.data, (r) => port.postMessage(r));
  };
} else {
  const s = { lite: null, sim: null, input: null, simInput: null, text: undefined };
  connections = 1;
  self.onmessage = (e) => answer(s, e.data, (r) => self.postMessage(r));
}
