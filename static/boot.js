// Starts the playground. The editor bundle (CodeMirror, `editor.js`) is not needed for the
// first topology: the app asks for it (`netsimLoadEditor`) when the learner focuses the editor
// or a few seconds after the first topology, and shows a plain textarea until it has run
// (`netsim-editor-ready`).

let editor = null;
window.netsimLoadEditor = () => {
  if (editor) return;
  editor = document.createElement("script");
  editor.src = "editor.js";
  editor.onload = () => dispatchEvent(new Event("netsim-editor-ready"));
  editor.onerror = () => console.warn("the code editor did not load; the plain editor stays");
  document.head.append(editor);
};

// The engine worker starts first thing, beside the page's wasm rather than after it has run,
// and before the page's glue is imported (a static import would hold this script until the
// glue is in: a round trip on a phone's link). The app takes it at its first call
// (`netsimTakeWorker`, once). Embeds share one engine, a SharedWorker named after the build
// (as `web/src/engine.rs` names it). It is made a task after this script, not in it: making a
// worker took 8–19 ms at Lighthouse's 4× CPU slowdown, and this script's task can also hold
// the loading page's first layout.
let early = null;
let engineStarted = false;
const startEngine = () => {
  if (engineStarted) return;
  engineStarted = true;
  try {
    const embed = new URLSearchParams(location.search).has("embed");
    const name = "netsim-" + (document.documentElement.dataset.engine || "");
    const worker = embed && typeof SharedWorker === "function"
      ? new SharedWorker("engine.js", { type: "module", name })
      : new Worker("engine.js", { type: "module" });
    early = { worker, shared: !(worker instanceof Worker), error: "" };
    // A failure before the app takes it over is kept for the app to see.
    worker.onerror = (e) => { early && (early.error = e.message || "the engine worker failed to start"); };
  } catch (e) {
    early = null;
  }
};
setTimeout(startEngine, 0);
window.netsimTakeWorker = () => {
  startEngine();
  const w = early;
  early = null;
  return w;
};

// Offline use (`offline.js`: the service worker, which then downloads and saves every file of
// the build) starts when the app says the start is over (`netsim-settled`: the first topology
// drawn, the page idle, the full engine in), or 15 s after the app's first frame: its downloads
// would take a phone's link from the first topology's, and hashing the build the CPU.
let offline = false;
const startOffline = () => {
  if (offline) return;
  offline = true;
  import("./offline.js").catch((e) => console.warn("no offline use:", e));
};
addEventListener("netsim-settled", startOffline, { once: true });

// The page's wasm, compiled from the preloaded response (its bytes decoded; V8 compiles each
// function when it first runs) and then, a task later, instantiated and started: on a phone
// (Lighthouse's 4× CPU slowdown) the two in one task were 55–70 ms. A server that sends the
// wasm with another MIME type fails `compileStreaming`: the glue then fetches it its own way.
const nextTask = () => new Promise((resolve) => setTimeout(resolve, 0));
const compiled = () =>
  typeof WebAssembly.compileStreaming !== "function"
    ? Promise.resolve(undefined)
    : WebAssembly.compileStreaming(fetch(new URL("netsim_web_bg.wasm", import.meta.url))).then(
      async (module) => {
        await nextTask();
        return { module_or_path: module };
      },
      () => undefined,
    );

// A failure after the start (the loading page is gone): an alert at the foot of the page.
function fail(text) {
  if (document.querySelector(".fatal")) return;
  const alert = document.createElement("div");
  alert.className = "fatal";
  alert.setAttribute("role", "alert");
  alert.textContent = text;
  document.body.append(alert);
}

// The page's wasm is in two parts (`crates/xtask/src/split.rs`): the first, which the page
// loads, is what the start runs; the second (what a click, a tab, a dialog or the editor runs)
// is fetched (at low priority) and compiled in the background once the first topology is drawn,
// and put in place between two tasks. Something that needs it sooner waits for it then
// (`static/split.js`). `?secondPart=later` leaves it until then and `?secondPart=missing` points
// it at a file that is not there: the end-to-end check of both.
function secondPart(glue) {
  const part = glue.__netsim_second_part;
  if (!part) return;
  const mode = new URLSearchParams(location.search).get("secondPart");
  const file = mode === "missing" ? "missing.wasm" : "netsim_web_split.wasm";
  part.url = new URL(file, import.meta.url).href;
  part.onerror = (e) =>
    fail(`kube-netsim could not load part of its code (${e.message}). Check the network connection and reload the page.`);
  if (mode === "later" || mode === "missing") return;
  // Once the first topology is drawn, the app's start is over (its last step drawn) and the
  // page is idle: its fetch and compile do not take the network and the CPU from the first
  // topology's (on a phone, the engine's compile) or from the start's last steps. What the
  // start runs is all in the first part, so nothing waits for it meanwhile.
  const prefetch = () => idle(() => glue.__netsim_prefetch_second_part(), 1000);
  // A page the service worker answers (offline use) takes it from the saved build, not the
  // network: at once. (A synchronous request is not answered by the service worker: offline, a
  // placeholder met before the prefetch is in could not load it.)
  if (navigator.serviceWorker && navigator.serviceWorker.controller) {
    return glue.__netsim_prefetch_second_part();
  }
  const waited = ["netsim-topology", "netsim-started"];
  const all = () => waited.every((name) => performance.getEntriesByName(name).length);
  if (all()) return prefetch();
  try {
    const seen = new PerformanceObserver(() => {
      if (!all()) return;
      seen.disconnect();
      prefetch();
    });
    seen.observe({ type: "mark" });
  } catch (e) {
    setTimeout(prefetch, 3000);
  }
}

// The page's first read of `localStorage` (the app's theme and the learner's saved work) is a
// synchronous request to the browser for the site's storage (on a fresh profile 10-40 ms at a
// phone's speed): made while the page waits for its wasm, in a task of its own, not in one of
// the app's first steps, whose reads are then in memory. (An embed reads none.)
const readStorage = () => {
  try {
    localStorage.getItem("netsim.theme");
  } catch (e) {
    // No storage (blocked, or a sandboxed frame): the app does without.
  }
};

// `f` in an idle moment of the page's, a task of its own, at most `timeout` ms away.
const idle = (f, timeout = 500) => typeof requestIdleCallback === "function"
  ? requestIdleCallback(f, { timeout })
  : setTimeout(f, 0);

// Every font "strike" (family, weight, size) a page first draws text in is set up by the
// renderer; Chromium on Linux asks the browser for each with a synchronous request, and a new
// family or weight with another, which the browser, busy with the start, answers in 2-38 ms
// (each the longer at a phone's speed). One layout that set up three took 24-38 ms, 100 ms and
// more in Lighthouse's phone. So the text styles the app's first steps and first topology draw
// in (`style.css`: `.font-warmup`) are set up here beforehand, one a task (while the page
// waits for its wasm, or between the app's first steps when it is in already: idle moments
// came too late then), in a hidden box: the app's steps then set up none. (Elsewhere the
// lookups are in-process: cheap.)
const WARM = [
  ["w-title"], // 1.1rem: the bar's name
  ["w-small"], // 0.9em: small text, tables, the requests panel
  ["w-small-strong"], // 0.9em semibold: headings, table heads
  ["w-mono"], // 13px monospace: the editor (a new family)
  ["w-strong"], // 14px semibold: the active tab
  ["t-title", true], // the topology's 12px semibold
  ["t-mono", true], // 10px monospace
  ["t-sub", true], // 10px
  ["t-small", true], // 9.5px
  ["t-badge", true], // 9.5px semibold
];
const warmFonts = (i) => {
  let box = document.getElementById("font-warmup");
  if (i >= WARM.length) {
    // The fonts stay set up for the page's life.
    box?.remove();
    return;
  }
  if (!box) {
    box = document.createElement("div");
    box.id = "font-warmup";
    box.className = "topo font-warmup";
    box.setAttribute("aria-hidden", "true");
    document.body.append(box);
  }
  const [style, svg] = WARM[i];
  if (svg) {
    const ns = "http://www.w3.org/2000/svg";
    const pic = document.createElementNS(ns, "svg");
    const text = document.createElementNS(ns, "text");
    text.setAttribute("class", style);
    text.textContent = "a";
    pic.append(text);
    box.append(pic);
  } else {
    const text = document.createElement("span");
    text.className = style;
    text.textContent = "a";
    box.append(text);
  }
  // Laid out now, in this task.
  box.getBoundingClientRect();
  setTimeout(() => warmFonts(i + 1), 0);
};

function start() {
  if (!new URLSearchParams(location.search).has("embed")) idle(readStorage);
  setTimeout(() => warmFonts(0), 0);
  // `index.html` preloads the glue and the wasm.
  Promise.all([import("./netsim_web.js"), compiled()]).then(([glue, init]) => {
    secondPart(glue);
    return glue.default(init);
  }).then(
    () => {
      // The app runs (it takes the loading page away once it has drawn its bar: the
      // loading page stays until then, so a slow network shows what is coming, not a blank
      // page). If the engine is slow to answer, the editor and offline use do not wait for ever.
      setTimeout(window.netsimLoadEditor, 15000);
      setTimeout(startOffline, 15000);
    },
    (e) => {
      // The loading page stays (what the playground is), and its status says what went wrong.
      console.error("kube-netsim failed to start", e);
      const status = document.querySelector("#loading [role=status]");
      const text = `kube-netsim could not start (${e}). Check the network connection and reload the page.`;
      if (status) {
        status.textContent = text;
        status.setAttribute("role", "alert");
      } else {
        document.body.textContent = text;
      }
    },
  );
}

// `?theme=light|dark` before the first paint: an embed has no theme switch of its own (the
// `theme` attribute of `<netsim-playground>` arrives this way); the page's switch starts from it.
const theme = /[?&]theme=(light|dark)(&|$)/.exec(location.search);
if (theme) document.documentElement.dataset.theme = theme[1];

// The app starts once the loading page has been painted (two frames after this script, or
// 100 ms at most if no frame comes, as in a hidden tab). On a phone's network that is always the
// order: the page's wasm comes long after the HTML; on a fast link the app could draw first and
// take the loading page away before it was ever shown (one frame was not always enough), and
// the first paint would be a bare top bar. Its cost is a frame or two (16–33 ms) on a fast link.
// (Lighthouse's simulated phone replays the fast link's order: its LCP was the last of the app's
// first steps, 2.8–2.9 s, and is now the loading page's text, bound by the page's wasm: 2.4 s.)
let started = false;
const go = () => {
  if (started) return;
  started = true;
  start();
};
if (document.visibilityState === "visible") {
  requestAnimationFrame(() => requestAnimationFrame(() => setTimeout(go, 0)));
  setTimeout(go, 100);
} else {
  go();
}
