//! The end-to-end check of offline use (`static/sw.js`, `static/offline.js`): the built site on
//! a server of its own (its own origin, so no service worker from earlier checks), visited once,
//! then with the server down, then after two deploys — one whole, one that changes a file under
//! the install.

use std::path::{Path, PathBuf};
use std::time::Duration;

use serde_json::{json, Value};

use crate::serve::TestSite;
use crate::webdriver::Driver;
use crate::{root, site, Result};

/// The name of a build's cache, and the paths it must hold (relative to the site).
fn expected(dir: &Path) -> Result<(String, Vec<String>)> {
    let (version, manifest) = site::build_manifest(dir)?;
    Ok((format!("netsim-{version}"), manifest.into_iter().map(|(p, _)| p).collect()))
}

/// Every build cache (`netsim-*`) of the page's origin with its paths (relative to the site),
/// sorted. (The worker's other cache, `kube-netsim-state`, says which page uses which build.)
const CACHES: &str = "return (async () => { const out = {}; \
    for (const name of (await caches.keys()).filter((n) => n.startsWith('netsim-'))) { \
      if (!(await caches.has(name))) continue; \
      const keys = await (await caches.open(name)).keys(); \
      out[name] = keys.map((r) => new URL(r.url).pathname.slice(1)).sort(); } \
    return JSON.stringify(out); })()";

fn caches(driver: &Driver) -> Result<Value> {
    let v = driver.eval(CACHES)?;
    serde_json::from_str(v.as_str().unwrap_or("null")).map_err(|e| e.to_string())
}

/// The page's caches are exactly one: `name`, holding `files`.
fn only_cache(driver: &Driver, name: &str, files: &[String]) -> Result {
    let got = caches(driver)?;
    let want = json!({ name: files });
    if got == want {
        Ok(())
    } else {
        let held: Vec<String> = got
            .as_object()
            .map(|o| {
                o.iter()
                    .map(|(k, v)| format!("{k}: {} files", v.as_array().map_or(0, Vec::len)))
                    .collect()
            })
            .unwrap_or_default();
        Err(format!(
            "caches {held:?}; expected only {name} with {} files; {}",
            files.len(),
            bookkeeping(driver)
        ))
    }
}

fn status(driver: &Driver, state: &str, timeout: Duration) -> Result {
    driver
        .wait_for(
            &format!("the offline status '{state}'"),
            &format!(
                "const s = document.querySelector('[data-testid=offline-status]'); \
                 return s !== null && s.dataset.state === {state:?} && s.textContent.length > 0"
            ),
            timeout,
        )
        .map(drop)
        .map_err(|e| format!("{e}; {}", worker_state(driver)))
}

/// The service worker's bookkeeping (`kube-netsim-state`: which page or worker is pinned to
/// which build, the latest, the retired), with the page's clock, for a failure's message.
fn bookkeeping(driver: &Driver) -> String {
    let v = driver.eval(
        "return (async () => { const out = { now: Date.now() }; \
           const state = await caches.open('kube-netsim-state'); \
           for (const key of await state.keys()) \
             out[new URL(key.url).pathname.split('/.netsim/').pop()] = await (await state.match(key)).json(); \
           return JSON.stringify(out); })()",
    );
    match v {
        Ok(v) => format!("the worker's bookkeeping: {}", v.as_str().unwrap_or("?")),
        Err(e) => format!("(the worker's bookkeeping could not be read: {e})"),
    }
}

/// The worker's bookkeeping says `latest` is the newest build and no replaced build is kept:
/// every delete of a retired build is over.
fn retired_done(driver: &Driver, latest: &str) -> Result {
    let done = driver.eval(&format!(
        "return (async () => {{ \
           const scope = (await navigator.serviceWorker.getRegistration()).scope; \
           const read = async (k) => {{ const hit = await caches.match(new URL('.netsim/' + k, scope), {{ cacheName: 'kube-netsim-state' }}); return hit ? hit.json() : null; }}; \
           const latest = await read('latest'); const retired = await read('retired'); \
           return latest === {latest:?} && (retired === null || retired.length === 0); }})()"
    ))?;
    if done == Value::Bool(true) {
        Ok(())
    } else {
        Err(format!("the worker still keeps a replaced build; {}", bookkeeping(driver)))
    }
}

/// What the page and its service worker registration say (for a failure's message): the
/// status, the workers' states and the worker's answer to "build?".
fn worker_state(driver: &Driver) -> String {
    let v = driver.eval(
        "return (async () => { const reg = await navigator.serviceWorker.getRegistration(); \
           const st = (w) => w ? w.state : null; \
           const answer = await new Promise((ok) => { const c = navigator.serviceWorker.controller; \
             if (!c) return ok('no controller'); \
             const on = (e) => { navigator.serviceWorker.removeEventListener('message', on); ok(e.data); }; \
             navigator.serviceWorker.addEventListener('message', on); c.postMessage('build?'); \
             setTimeout(() => ok('no answer'), 3000); }); \
           return JSON.stringify({ status: document.documentElement.dataset.offline || null, \
             installing: st(reg && reg.installing), waiting: st(reg && reg.waiting), active: st(reg && reg.active), \
             answer }); })()",
    );
    match v {
        Ok(v) => format!("the page and its worker: {}", v.as_str().unwrap_or("?")),
        Err(e) => format!("(its worker's state could not be read: {e})"),
    }
}

fn topology(driver: &Driver) -> Result {
    driver
        .wait_for(
            "the topology",
            "return document.querySelectorAll('[data-testid=topology-pod]').length >= 4 \
             && document.querySelectorAll('[data-testid=topology-service]').length >= 1",
            Duration::from_secs(30),
        )
        .map(drop)
}

/// The deploy marker a test build carries in its `index.html`.
fn marker(driver: &Driver) -> Result<String> {
    let v = driver.eval(
        "const m = document.querySelector('meta[name=netsim-deploy]'); return m ? m.content : ''",
    )?;
    Ok(v.as_str().unwrap_or_default().to_string())
}

/// A copy of `from` at `to` as another deploy: `index.html` carries `marker`, and `sw.js` lists
/// the new files. Returns the new cache name and files.
fn deploy_copy(from: &Path, to: &Path, marker: &str) -> Result<(String, Vec<String>)> {
    let _ = std::fs::remove_dir_all(to);
    site::copy_dir(from, to)?;
    let index = to.join("index.html");
    let html = std::fs::read_to_string(&index).map_err(|e| e.to_string())?;
    let html = html.replacen(
        "<meta charset=\"utf-8\">",
        &format!("<meta charset=\"utf-8\">\n  <meta name=\"netsim-deploy\" content=\"{marker}\">"),
        1,
    );
    std::fs::write(&index, html).map_err(|e| e.to_string())?;
    // The precompressed twins of what changed would be the old bytes.
    for stale in ["index.html.gz", "sw.js.gz"] {
        let _ = std::fs::remove_file(to.join(stale));
    }
    site::write_service_worker(to)?;
    expected(to)
}

pub(crate) fn check(driver: &Driver, assert: &mut dyn FnMut(&str, Result) -> Result) -> Result {
    let secs = Duration::from_secs;
    let dist = site::dist();
    let (cache1, files1) = expected(&dist)?;
    let site = TestSite::start(dist.clone())?;
    let url = format!("http://127.0.0.1:{}/", site.port);

    driver.goto(&url)?;
    assert(
        "offline: after one visit the page says it works offline",
        topology(driver).and_then(|()| status(driver, "ready", secs(60))),
    )?;
    assert(
        "offline: one cache, named after the build, holds exactly the build's files",
        only_cache(driver, &cache1, &files1),
    )?;
    site.set_down(true);
    assert(
        "offline: with the server down a request outside the build fails",
        (|| {
            let r = driver.eval(
                "return fetch('no-such-file?' + Date.now()).then(() => 'answered', (e) => 'failed: ' + e.name)",
            )?;
            if r.as_str().is_some_and(|s| s.starts_with("failed")) {
                Ok(())
            } else {
                Err(format!("the request was {r}"))
            }
        })(),
    )?;
    driver.goto(&url)?;
    assert(
        "offline: the page reloads with no server, the engine simulates, the topology draws, the status says offline",
        topology(driver).and_then(|()| status(driver, "offline", secs(30))),
    )?;
    assert(
        "offline: a scenario opens by name with no server (its text, title and topology)",
        (|| {
            let index = std::fs::read_to_string(dist.join("scenarios/index.json"))
                .map_err(|e| e.to_string())?;
            let index: Value = serde_json::from_str(&index).map_err(|e| e.to_string())?;
            let title = index["scenarios"]
                .as_array()
                .into_iter()
                .flatten()
                .find(|s| s["name"] == "pod-to-service")
                .and_then(|s| s["title"].as_str())
                .ok_or("no pod-to-service scenario")?
                .to_string();
            driver.goto(&format!("{url}?scenario=pod-to-service"))?;
            driver
                .wait_for(
                    "the scenario's title and its two web Pods and client",
                    &format!(
                        "const h = document.querySelector('[data-testid=scenario-info] h2'); \
                         return h !== null && h.textContent.startsWith({}) \
                           && document.querySelectorAll('[data-testid=topology-pod][data-id^=\"pod/default/web-\"]').length === 2 \
                           && document.querySelector('[data-testid=topology-pod][data-id=\"pod/default/client\"]') !== null",
                        json!(title)
                    ),
                    secs(30),
                )
                .map(drop)
        })(),
    )?;

    // A new deploy: picked up on the next visit, whole.
    let scratch = root().join("target/e2e-deploys");
    let dist2: PathBuf = scratch.join("second");
    let (cache2, files2) = deploy_copy(&dist, &dist2, "second")?;
    site.deploy(dist2.clone());
    site.set_down(false);
    driver.goto(&url)?;
    assert(
        "offline: a visit after a deploy stays on its build, whole, while the new one is saved",
        (|| {
            topology(driver)?;
            status(driver, "update", secs(60))?;
            let m = marker(driver)?;
            if !m.is_empty() {
                return Err(format!("the page shows deploy {m:?}"));
            }
            // The new build has taken over the worker; this page's own requests still get its
            // build's files.
            let later = driver.eval(
                "return fetch('index.html').then((r) => r.text()).then((t) => t.includes('netsim-deploy') ? 'new' : 'old')",
            )?;
            if later != "old" {
                return Err(format!("a request of the open page got the {later} build"));
            }
            Ok(())
        })(),
    )?;
    driver.goto(&url)?;
    assert(
        "offline: the next visit runs the new build, and only its cache is left",
        (|| {
            driver.wait_for(
                "the second deploy's page",
                "const m = document.querySelector('meta[name=netsim-deploy]'); return m !== null && m.content === 'second'",
                secs(30),
            )?;
            topology(driver)?;
            status(driver, "ready", secs(30))?;
            // Caches are listed once the worker has finished retiring the first build (its
            // bookkeeping's `retired` is written after the deletes): listing them earlier could
            // race a delete, and `caches.open`, the only way to list a cache's files, would
            // create the cache again, empty (as a CI run once saw).
            let deadline = std::time::Instant::now() + secs(30);
            loop {
                let checked = retired_done(driver, &cache2)
                    .and_then(|()| only_cache(driver, &cache2, &files2));
                match checked {
                    Ok(()) => return Ok(()),
                    Err(e) if std::time::Instant::now() > deadline => return Err(e),
                    Err(_) => std::thread::sleep(Duration::from_millis(200)),
                }
            }
        })(),
    )?;

    // A deploy that changes a file while the worker saves it (its list says one thing, the
    // server sends another): the install fails and the saved build stays as it was.
    let dist3 = scratch.join("third");
    deploy_copy(&dist2, &dist3, "third")?;
    let css = dist3.join("style.css");
    let mut text = std::fs::read_to_string(&css).map_err(|e| e.to_string())?;
    text.push_str("\n/* changed after the list was made */\n");
    std::fs::write(&css, text).map_err(|e| e.to_string())?;
    let _ = std::fs::remove_file(dist3.join("style.css.gz"));
    site.deploy(dist3);
    assert(
        "offline: a deploy whose files do not match its list is refused, the saved build stays",
        (|| {
            let r = driver.eval(
                "return (async () => { const reg = await navigator.serviceWorker.getRegistration(); \
                   const done = new Promise((ok) => reg.addEventListener('updatefound', () => { \
                     const w = reg.installing; \
                     w.addEventListener('statechange', () => { if (w.state === 'installed' || w.state === 'redundant') ok(w.state); }); \
                   })); \
                   await reg.update(); return await done; })()",
            )?;
            if r != "redundant" {
                return Err(format!("the new worker ended {r}"));
            }
            // The page's own update check can run a second install of the same build: wait
            // until no install is left.
            driver.wait_for(
                "no install in progress",
                "return navigator.serviceWorker.getRegistration().then((r) => !r.installing)",
                secs(60),
            )?;
            only_cache(driver, &cache2, &files2)?;
            driver.goto(&url)?;
            topology(driver)?;
            match marker(driver)?.as_str() {
                "second" => Ok(()),
                other => Err(format!("the page shows deploy {other:?}")),
            }
        })(),
    )?;
    let _ = std::fs::remove_dir_all(&scratch);
    Ok(())
}
