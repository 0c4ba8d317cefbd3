// Starts the playground once the editor bundle (a deferred classic script) has run.
import init from "./netsim_web.js";

function start() {
  document.getElementById("loading")?.remove();
  init().then(
    () => import("./offline.js").catch((e) => console.warn("no offline use:", e)),
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

// Module scripts run after deferred scripts in document order, so `editor.js` is loaded here.
start();
