// The playground's service worker: after one visit the site works with no network.
//
// `cargo xtask build` writes BUILD below: every file of this build (paths relative to the site)
// with its SHA-256, and a version that is the hash of that whole list. Installing fetches every
// file, checks each against its hash and keeps them in one cache named after the version; a file
// that does not match (a deploy landed while we were fetching) fails the install, so a cache never
// holds two builds. Once a build's cache is complete it is the `latest`.
//
// A page keeps the build it was loaded from: a navigation gets the latest build, and the page (and
// each worker it starts) is pinned to that build's cache by client id; every request it makes is
// answered from there. So a new deploy is picked up on the next visit once it is saved, an open
// page never mixes two builds, and a superseded build's cache is deleted once no page uses it.
// None of this waits for the browser to switch service workers: whichever version is active
// serves any build's cache the same way, and the new one takes over when the tabs of the old one
// are closed. Requests for files not in a build go to the network.
const BUILD = /* NETSIM_BUILD */ null;

const PREFIX = "netsim-";
const CACHE = BUILD && `${PREFIX}${BUILD.version}`;
// The bookkeeping, shared by every version of this worker: `client/<id>` → the build cache of
// that page or worker, when it was pinned and whether it was seen running (`{build, at, seen}`;
// an older worker wrote the build alone), `latest` → the newest complete build, `retired` → the builds it replaced.
const STATE = "kube-netsim-state";
const SCOPE = new URL(self.registration.scope);

function hex(buffer) {
  return [...new Uint8Array(buffer)].map((b) => b.toString(16).padStart(2, "0")).join("");
}

const at = (key) => new URL(`.netsim/${key}`, SCOPE);

async function read(key, fallback) {
  const hit = await caches.match(at(key), { cacheName: STATE });
  return hit ? hit.json() : fallback;
}

async function write(key, value) {
  await (await caches.open(STATE)).put(at(key), new Response(JSON.stringify(value)));
}

// The build a page or worker is pinned to, if it is: `{build, at, seen}` (or an older worker's
// bare build name: `at` unknown).
const pinOf = (value) => (typeof value === "string" ? { build: value, at: 0 } : value);
const pinned = async (id) => pinOf(await read(`client/${id}`, null));

async function fetchChecked(cache, path, hash) {
  const url = new URL(path, SCOPE);
  const response = await fetch(url, { cache: "no-store" });
  if (!response.ok) throw new Error(`${path}: HTTP ${response.status}`);
  const body = await response.arrayBuffer();
  if (hex(await crypto.subtle.digest("SHA-256", body)) !== hash) {
    throw new Error(`${path} is not the file of build ${BUILD.version}: the site changed meanwhile`);
  }
  // The body arrives decoded: the stored copy keeps the headers (the CSP among them) but not the
  // transfer encoding.
  const headers = new Headers(response.headers);
  headers.delete("Content-Encoding");
  headers.delete("Content-Length");
  await cache.put(url, new Response(body, { status: 200, headers }));
}

self.addEventListener("install", (event) => {
  if (!BUILD) return;
  event.waitUntil((async () => {
    const cache = await caches.open(CACHE);
    const saved = await Promise.allSettled(
      Object.entries(BUILD.files).map(([path, hash]) => fetchChecked(cache, path, hash)),
    );
    const failed = saved.find((r) => r.status === "rejected");
    if (failed) {
      await caches.delete(CACHE);
      throw failed.reason;
    }
    const before = await read("latest", null);
    if (before !== CACHE) {
      if (before) await write("retired", [...(await read("retired", [])), before]);
      await write("latest", CACHE);
    }
    // No skipWaiting(): the active worker already serves this build to new pages, and Chromium
    // holds every fetch while it swaps workers under a busy page.
  })());
});

// The build a request is answered from: a new page's is the latest; a worker's, its page's;
// anything else, its page's or worker's.
async function buildFor(event) {
  const latest = await read("latest", CACHE);
  let build = latest;
  if (event.request.mode !== "navigate") {
    const pin = await pinned(event.clientId);
    build = pin?.build ?? latest;
    await sawRunning(event.clientId, pin);
  }
  if (event.resultingClientId) {
    await write(`client/${event.resultingClientId}`, { build, at: Date.now() });
  }
  return build;
}

// A page or worker that makes a request or sends a message runs: its pin is `seen`, so once it is
// gone its build is not held for it (an unseen pin is kept a minute, for a page that does not
// run yet). Without this, a page left within a moment of its start (before any clean-up listed
// it as a client) held its build for that minute.
async function sawRunning(id, pin) {
  if (id && pin && !pin.seen) await write(`client/${id}`, { ...pin, seen: true });
}

// One tidy at a time in this worker (two at once would both rewrite `retired`).
let tidying = Promise.resolve(false);
const tidy = () => (tidying = tidying.then(tidyNow, tidyNow));

// Forgets the pages and workers that are gone, and deletes the replaced builds none of the rest
// uses. (A build being installed is neither latest nor retired: not touched while a worker
// installs.) True when a replaced build is kept, so worth a second look: for workers (most likely those of a page that
// is closing: they outlive it a moment), for a page that does not run yet, or for a page that
// may be the one just left (Firefox lists a page it is leaving as a client for a moment).
async function tidyNow() {
  const clients = await self.clients.matchAll({ type: "all", includeUncontrolled: true });
  const live = new Map(clients.map((c) => [c.id, c.type]));
  const state = await caches.open(STATE);
  const latest = await read("latest", CACHE);
  const used = new Set([latest]);
  for (const key of await state.keys()) {
    const name = new URL(key.url).pathname.split("/").pop();
    if (!new URL(key.url).pathname.includes("/.netsim/client/")) continue;
    const type = live.get(decodeURIComponent(name));
    const pin = pinOf(await (await state.match(key)).json());
    if (type) {
      used.add(pin.build);
      if (!pin.seen) await state.put(key, new Response(JSON.stringify({ ...pin, seen: true })));
    } else if (!pin.seen && Date.now() - pin.at < 60000) {
      // Pinned by a navigation whose page does not run yet (`clients.matchAll` lists a page
      // only once it runs): forgetting it now would leave that page to the latest build.
      used.add(pin.build);
    } else await state.delete(key);
  }
  const retired = await read("retired", []);
  const keep = [];
  for (const name of retired) {
    if (used.has(name)) keep.push(name);
    else await caches.delete(name);
  }
  if (keep.length !== retired.length) await write("retired", keep);
  // A build's cache that is neither the latest nor a replaced one is left from an install the
  // browser stopped halfway (it may end a worker at any time): it goes too, once no other worker
  // is installing (whose cache it could be) and no page or worker uses it.
  let orphans = false;
  for (const name of await caches.keys()) {
    if (!name.startsWith(PREFIX) || name === CACHE || used.has(name) || keep.includes(name)) continue;
    if (self.registration.installing) orphans = true;
    else await caches.delete(name);
  }
  return keep.length > 0 || orphans;
}

self.addEventListener("activate", (event) => event.waitUntil(tidy()));

// A page asks which build it runs and which is the latest (`static/offline.js`); replaced builds
// it no longer needs are deleted then, and the page hears whether one is still kept
// (`{kept}`): then it asks again a little later, so a build held by a page that is closing (its
// workers outlive it a moment, longer when a big compile is under way; Firefox lists the page
// just left as a client for a moment) goes during this visit, not the next. The page keeps that
// schedule, not this worker: a browser may stop a service worker between events, or replace it
// with a new version, and a loop here would end with it.
self.addEventListener("message", (event) => {
  if (event.data !== "build?" || !event.source) return;
  event.waitUntil((async () => {
    const latest = await read("latest", CACHE);
    const pin = await pinned(event.source.id);
    const page = pin?.build ?? latest;
    await sawRunning(event.source.id, pin);
    event.source.postMessage({ page, latest });
    event.source.postMessage({ kept: await tidy() });
  })());
});

self.addEventListener("fetch", (event) => {
  const request = event.request;
  if (!BUILD || request.method !== "GET") return;
  const url = new URL(request.url);
  if (url.origin !== SCOPE.origin || !url.pathname.startsWith(SCOPE.pathname)) return;
  let path = decodeURIComponent(url.pathname.slice(SCOPE.pathname.length));
  if (path === "" || path.endsWith("/")) path += "index.html";
  if (path.startsWith(".netsim/")) return;
  event.respondWith((async () => {
    const key = new URL(path, SCOPE);
    const hit = await caches.match(key, { cacheName: await buildFor(event) });
    // Not a file of that build (or its cache was evicted): the network.
    return hit || fetch(request);
  })());
});
