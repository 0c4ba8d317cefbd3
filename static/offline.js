// Offline use: registers the service worker (`sw.js`, which keeps every file of this build in the
// browser) and says how things stand, in `<html data-offline="…">` and in a small status at the
// end of the page's top bar (`[data-testid=offline-status]`: the app keeps its place, of a fixed
// size, from the first paint, so writing it moves nothing; nothing of it weighs on the page's
// first load):
//   saving   the files of this build are being saved
//   ready    saved: the playground works with no network
//   offline  no network: this page came from the saved copy
//   update   a newer build is saved; it is used on the next visit (a reload)
// `boot.js` imports this once the start is over (`netsim-settled`). Only a top-level page
// registers (an embed in a course page's iframe does not, and has no top bar).
const root = document.documentElement;

const LABELS = {
  saving: ["Saving for offline…", "Keeping this version in your browser for use without a network."],
  ready: ["✓ Works offline", "This version is kept in your browser: the playground opens and runs with no network."],
  offline: ["Offline", "No network: the playground runs from the copy kept in your browser."],
  update: ["Update ready", "A newer version is kept in your browser; reload to use it."],
};

// The top bar is the app's, and so is the status's place in it (an older page without it gets
// one appended); the app leaves what is written there be.
function paint(tries = 0) {
  const bar = document.querySelector(".topbar");
  if (!bar) {
    if (tries < 600) requestAnimationFrame(() => paint(tries + 1));
    return;
  }
  let slot = bar.querySelector("[data-testid=offline-status]");
  if (!slot) {
    slot = document.createElement("span");
    slot.setAttribute("role", "status");
    slot.dataset.testid = "offline-status";
    slot.className = "offline-status";
    bar.append(slot);
  }
  const state = root.dataset.offline || "";
  const [label, title] = LABELS[state] || ["", ""];
  slot.dataset.state = state;
  slot.textContent = label;
  slot.title = title;
  // Hidden, it keeps its place (`hidden` would take it away, and the bar would reflow).
  slot.style.visibility = label ? "visible" : "hidden";
  slot.style.color = slot.style.borderColor = state === "ready" || state === "saving" ? "var(--muted)" : "var(--info)";
}

function say(state) {
  root.dataset.offline = state;
  paint();
}

async function start() {
  const sw = navigator.serviceWorker;
  const reg = await sw.register("sw.js");
  // Whether the last try to reach the site failed, and whether this page runs an older build
  // than the newest one kept (the worker answers "build?").
  let unreachable = false;
  let behind = false;
  const follow = () => {
    if (reg.active) say(unreachable || !navigator.onLine ? "offline" : behind ? "update" : "ready");
    else if (reg.installing || reg.waiting) say("saving");
  };
  const ask = () => sw.controller && sw.controller.postMessage("build?");
  // While the worker still keeps a replaced build (a page or worker of it may be closing), ask
  // again, less and less often: each answer is also a clean-up (`sw.js`).
  const again = [1, 2, 4, 8, 8, 15, 30, 60, 120, 300];
  let pending = null;
  sw.addEventListener("message", (e) => {
    if (e.data && e.data.latest) {
      behind = e.data.page !== e.data.latest;
      follow();
    }
    if (e.data && e.data.kept === true && !pending && again.length) {
      pending = setTimeout(() => {
        pending = null;
        ask();
      }, again.shift() * 1000);
    }
  });
  sw.addEventListener("controllerchange", ask);
  // A worker being installed: once it is done, the latest build may be newer than this page's.
  // (The browser looks for a new worker after each navigation, so one may already be installing
  // when this runs, its `updatefound` gone by.)
  const watch = (worker) => worker?.addEventListener("statechange", () => {
    follow();
    ask();
  });
  reg.addEventListener("updatefound", () => {
    follow();
    watch(reg.installing);
  });
  watch(reg.installing);
  follow();
  ask();
  // Served from the saved copy: ask the network for a newer build; no answer means offline.
  const check = async () => {
    try {
      await reg.update();
      unreachable = false;
    } catch {
      unreachable = true;
    }
    follow();
  };
  window.addEventListener("online", check);
  window.addEventListener("offline", follow);
  if (sw.controller) await check();
}

if ("serviceWorker" in navigator && window.top === window) {
  start().catch((e) => console.warn("offline use is not available:", e));
}
