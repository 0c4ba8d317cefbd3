// Starts the playground. The editor bundle (CodeMirror, `editor.js`) is not needed for the
// first topology: the app asks for it (`netsimLoadEditor`) when the learner focuses the editor
// or a few seconds after the first topology, and shows a plain textarea until it has run
// (`netsim-editor-ready`).
import init from "./netsim_web.js";

let editor = null;
window.netsimLoadEditor = () => {
  if (editor) return;
  editor = document.createElement("script");
  editor.src = "editor.js";
  editor.onload = () => dispatchEvent(new Event("netsim-editor-ready"));
  editor.onerror = () => console.warn("the code editor did not load; the plain editor stays");
  document.head.append(editor);
};

function start() {
  document.getElementById("loading")?.remove();
  init().then(
    () => {
      // If the engine is slow to answer, the editor does not wait for it for ever.
      setTimeout(window.netsimLoadEditor, 15000);
      return import("./offline.js").catch((e) => console.warn("no offline use:", e));
    },
    (e) => {
      console.error("kube-netsim failed to start", e);
      document.body.textContent = "kube-netsim could not start: " + e;
    },
  );
}

// `?theme=light|dark` before the first paint: an embed has no theme switch of its own (the
// `theme` attribute of `<netsim-playground>` arrives this way); the page's switch starts from it.
const theme = /[?&]theme=(light|dark)(&|$)/.exec(location.search);
if (theme) document.documentElement.dataset.theme = theme[1];

start();
