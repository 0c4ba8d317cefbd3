//! The end-to-end check of `<netsim-playground>` (`static/netsim-playground.js`) on the example
//! pages of `static/embed/`: two playgrounds on a plain course page (both drawn, the second only
//! once scrolled to, a request sent in one, one engine shared), markup in the inline YAML kept
//! as text, the theme and height attributes, the mdBook-style chapter, the reveal.js deck with a
//! playground on a slide, and the how-to page the Share dialog links to.

use std::time::Duration;

use serde_json::Value;

use crate::webdriver::Driver;
use crate::{site, Result};

/// `const d = …`: the document inside the playground element `#id` (its shadow root's iframe),
/// or null while it has not started.
fn doc(id: &str) -> String {
    format!(
        "const host = document.getElementById({id:?}); \
         const f = host && host.shadowRoot && host.shadowRoot.querySelector('iframe'); \
         const d = f && f.contentDocument;"
    )
}

/// Waits until the playground `#id` has drawn at least `pods` Pods and one Service.
fn drawn(driver: &Driver, id: &str, pods: usize) -> Result {
    driver
        .wait_for(
            &format!("the topology of playground #{id}"),
            &format!(
                "{} return !!d && d.querySelectorAll('[data-testid=topology-pod]').length >= {pods} \
                 && d.querySelectorAll('[data-testid=topology-service]').length >= 1",
                doc(id)
            ),
            Duration::from_secs(30),
        )
        .map(drop)
}

/// Sends the lesson playground's suggested request (`pod/client http://web/`), once it is in
/// the form.
fn send_lesson_request(driver: &Driver) -> Result {
    driver.wait_for(
        "the suggested request",
        &format!(
            "{} const t = d && d.querySelector('[data-testid=request-target]'); \
             return !!t && t.value === 'http://web/'",
            doc("lesson")
        ),
        Duration::from_secs(10),
    )?;
    driver
        .eval(&format!(
            "{} d.querySelector('[data-testid=request-send]').click(); return true;",
            doc("lesson")
        ))
        .map(drop)
}

/// Posts `op` to the shared engine of the lesson's page from a probe of its own (a
/// SharedWorker of the same name): the answer's `ok` text, or the whole answer as JSON.
fn shared_engine_call(driver: &Driver, op: &str) -> Result<Value> {
    driver.eval_args(
        &format!(
            "{} const name = 'netsim-' + d.documentElement.dataset.engine; \
             return new Promise((ok, fail) => {{ \
               const w = new SharedWorker('../engine.js', {{type: 'module', name}}); \
               w.onerror = (e) => fail(String(e.message || e)); \
               w.port.onmessage = (e) => {{ w.port.close(); ok(e.data.ok || JSON.stringify(e.data)); }}; \
               w.port.postMessage({{id: 1, op: arguments[0]}}); }})",
            doc("lesson")
        ),
        &[Value::String(op.into())],
    )
}

fn json(v: &Value) -> Result<Value> {
    serde_json::from_str(v.as_str().unwrap_or("null")).map_err(|e| format!("{e}: {v}"))
}

/// `url` is the served site's root (`http://127.0.0.1:PORT/`), the driver's page is the app.
pub(crate) fn check(
    driver: &Driver,
    url: &str,
    assert: &mut dyn FnMut(&str, Result) -> Result,
) -> Result {
    let secs = Duration::from_secs;
    assert(
        "embed: the service worker's file list holds the element and the example pages",
        (|| {
            let sw =
                std::fs::read_to_string(site::dist().join("sw.js")).map_err(|e| e.to_string())?;
            let missing: Vec<&str> = [
                "netsim-playground.js",
                "embed/index.html",
                "embed/course.html",
                "embed/chapter.html",
                "embed/deck.html",
                "embed/shop.yaml",
                "embed/vendor/reveal/reveal.js",
                "embed/vendor/reveal/reveal.css",
            ]
            .into_iter()
            .filter(|f| !sw.contains(&format!("\"{f}\":\"")))
            .collect();
            if missing.is_empty() {
                Ok(())
            } else {
                Err(format!("sw.js does not list {missing:?}"))
            }
        })(),
    )?;
    // Anything logged before belongs to earlier checks.
    driver.console()?;
    driver.goto(&format!("{url}embed/course.html"))?;
    assert(
        "embed: a course page with two <netsim-playground> elements draws the first",
        drawn(driver, "lesson", 3),
    )?;
    assert(
        "embed: the second playground starts only when scrolled into view, then draws (src= file)",
        (|| {
            let before = driver.eval(&format!("{} return f === null", doc("shop")))?;
            if before != Value::Bool(true) {
                return Err("the playground below the fold started before it was seen".into());
            }
            driver.eval("document.getElementById('shop').scrollIntoView(); return true;")?;
            drawn(driver, "shop", 3)?;
            let height = driver.eval(
                "return Math.round(document.getElementById('shop').getBoundingClientRect().height)",
            )?;
            if height.as_i64() != Some(380) {
                return Err(format!("height=\"380\" gave a {height} px element"));
            }
            Ok(())
        })(),
    )?;
    assert(
        "embed: a request sent in one playground connects, with its hops",
        (|| {
            driver.eval("document.getElementById('lesson').scrollIntoView(); return true;")?;
            send_lesson_request(driver)?;
            driver
                .wait_for(
                    "connected",
                    &format!(
                        "{} const o = d.querySelector('[data-testid=request-outcome]'); \
                         return !!o && o.dataset.outcome === 'connected' \
                         && d.querySelectorAll('[data-testid=request-hops] li').length > 2",
                        doc("lesson")
                    ),
                    secs(15),
                )
                .map(drop)
        })(),
    )?;
    assert(
        "embed: the playgrounds of a page share one engine (a SharedWorker)",
        (|| {
            let v = json(&shared_engine_call(driver, "__engine")?)?;
            let mark = driver
                .eval(&format!("{} return d.documentElement.dataset.engine", doc("lesson")))?;
            if !mark
                .as_str()
                .is_some_and(|m| m.len() == 16 && m.bytes().all(|b| b.is_ascii_hexdigit()))
            {
                return Err(format!("the build did not name its engine: data-engine={mark}"));
            }
            // Both playgrounds' inputs are sessions of the one engine this probe reached.
            let inputs: Vec<&str> = v["inputs"]
                .as_array()
                .map(|a| a.iter().filter_map(Value::as_str).collect())
                .unwrap_or_default();
            let both = inputs.iter().any(|l| l.starts_with("# Two web Pods behind a Service"))
                && inputs.iter().any(|l| l.starts_with("# The shop:"));
            if v["shared"] == Value::Bool(true) && both {
                Ok(())
            } else {
                Err(format!("the shared engine says {v}"))
            }
        })(),
    )?;
    assert(
        "embed: markup in the inline YAML stays text (<b>, <img onerror>, <svg onload>)",
        (|| {
            driver.wait_for(
                "the lesson's code editor",
                &format!(
                    "{} return d.querySelector('[data-testid=editor] .cm-content') !== null",
                    doc("lesson")
                ),
                Duration::from_secs(20),
            )?;
            let v = driver.eval(&format!(
                "{} const text = d.querySelector('[data-testid=editor] .cm-content').textContent; \
                 return JSON.stringify({{ \
                   text: text.includes('<b>Markup here is text</b> <img src=x onerror=\"window.top.__pwned = 1\">') \
                     && text.includes(\"<svg onload='window.top.__pwned = 2'>\"), \
                   bold: [...d.querySelectorAll('b'), ...document.querySelectorAll('b')] \
                     .some((b) => b.textContent.includes('Markup here is text')), \
                   img: d.querySelectorAll('img').length + document.querySelectorAll('img').length, \
                   svgOnload: d.querySelectorAll('svg[onload]').length, \
                   hostScripts: document.querySelectorAll('netsim-playground script[type=\"text/yaml\"]').length, \
                   pwned: window.__pwned === undefined ? null : window.__pwned }})",
                doc("lesson")
            ))?;
            let v = json(&v)?;
            let want = serde_json::json!({
                "text": true, "bold": false, "img": 0, "svgOnload": 0, "hostScripts": 1, "pwned": null
            });
            if v == want {
                Ok(())
            } else {
                Err(format!("got {v}, want {want}"))
            }
        })(),
    )?;
    assert(
        "embed: an element made by script, theme=\"dark\": the playground is dark",
        (|| {
            driver.eval(
                "const p = document.createElement('netsim-playground'); p.id = 'made'; \
                 p.setAttribute('theme', 'dark'); p.setAttribute('view', 'topology'); p.setAttribute('height', '300'); \
                 const s = document.createElement('script'); s.type = 'text/yaml'; \
                 s.textContent = '  apiVersion: v1\\n  kind: Pod\\n  metadata: {name: solo, labels: {app: solo}}\\n  spec:\\n    containers: [{name: c, image: nginx}]\\n  ---\\n  apiVersion: v1\\n  kind: Service\\n  metadata: {name: solo}\\n  spec:\\n    selector: {app: solo}\\n    ports: [{port: 80}]\\n'; \
                 p.append(s); document.querySelector('main').prepend(p); p.scrollIntoView(); return true;",
            )?;
            drawn(driver, "made", 1)?;
            let theme =
                driver.eval(&format!("{} return d.documentElement.dataset.theme", doc("made")))?;
            if theme.as_str() != Some("dark") {
                return Err(format!("data-theme {theme}"));
            }
            let bg = driver.eval(&format!(
                "{} return d.defaultView.matchMedia('(prefers-color-scheme: dark)').matches \
                   || getComputedStyle(d.body).backgroundColor",
                doc("made")
            ))?;
            // The page's own background in the dark theme is dark, whatever the system's scheme.
            if let Some(rgb) = bg.as_str() {
                let dark = rgb
                    .trim_start_matches("rgba(")
                    .trim_start_matches("rgb(")
                    .split(',')
                    .take(3)
                    .filter_map(|c| c.trim().trim_end_matches(')').parse::<f64>().ok())
                    .all(|c| c < 100.0);
                if !dark {
                    return Err(format!("the dark playground's background is {rgb}"));
                }
            }
            Ok(())
        })(),
    )?;

    driver.goto(&format!("{url}embed/chapter.html"))?;
    assert(
        "embed: the mdBook-style chapter draws its playground",
        (|| {
            driver.eval("document.getElementById('dns').scrollIntoView(); return true;")?;
            drawn(driver, "dns", 2)
        })(),
    )?;

    driver.goto(&format!("{url}embed/deck.html#/1"))?;
    assert(
        "embed: the reveal.js deck shows a playground on a slide",
        (|| {
            driver.wait_for(
                "reveal.js on the playground slide",
                "return typeof Reveal !== 'undefined' && Reveal.isReady() \
                 && Reveal.getCurrentSlide().id === 'playground-slide'",
                secs(15),
            )?;
            drawn(driver, "slide", 2)?;
            let seen = driver.eval(&format!(
                "{} const r = f.getBoundingClientRect(); \
                 return r.width > 300 && r.height > 200 && r.top >= 0 && r.bottom <= innerHeight + 1",
                doc("slide")
            ))?;
            if seen == Value::Bool(true) {
                Ok(())
            } else {
                Err("the playground is not on screen".into())
            }
        })(),
    )?;

    driver.goto(url)?;
    assert(
        "embed: the Share dialog links to the how-to page, whose snippets name this site",
        (|| {
            driver.wait_for(
                "the app",
                "return document.querySelector('[data-testid=share-button]') !== null",
                secs(30),
            )?;
            driver.eval(
                "document.querySelector('[data-testid=share-button]').click(); return true;",
            )?;
            let href = driver.wait_for(
                "the how-to link",
                "const a = document.querySelector('[data-testid=embed-howto]'); return a && a.href",
                secs(10),
            )?;
            let href = href.as_str().unwrap_or_default().to_string();
            if href != format!("{url}embed/") {
                return Err(format!("links to {href}"));
            }
            driver.goto(&href)?;
            driver.wait_for(
                "the snippets with this site's address",
                &format!(
                    "return [...document.querySelectorAll('[data-site]')].every((c) => \
                     !c.textContent.includes('YOUR-SITE')) \
                     && document.querySelector('[data-site]').textContent.includes({url:?})"
                ),
                secs(10),
            )?;
            driver.eval("document.getElementById('howto').scrollIntoView(); return true;")?;
            drawn(driver, "howto", 3)
        })(),
    )?;
    let console = driver.console()?;
    let errors: Vec<_> = console.iter().filter(|(level, _)| level == "SEVERE").collect();
    assert(
        "embed: no console errors on the embed pages",
        if errors.is_empty() { Ok(()) } else { Err(format!("{errors:?}")) },
    )?;
    assert(
        "embed: after the shared engine crashed elsewhere, a playground goes on with an engine of \
         its own, no crash shown",
        shared_engine_crash(driver, url),
    )?;
    // The crash's console errors are this check's own.
    driver.console()?;
    Ok(())
}

/// On the course page, another page of the site (a probe connected to the same shared engine)
/// crashes it; the lesson's next request must still connect, on a worker of its own that first
/// simulates the lesson's text again, and the lesson must show no crash report (the crash was
/// not its input's).
fn shared_engine_crash(driver: &Driver, url: &str) -> Result {
    let secs = Duration::from_secs;
    driver.goto(&format!("{url}embed/course.html"))?;
    drawn(driver, "lesson", 3)?;
    let crash = shared_engine_call(driver, "__crash")?;
    if !crash.as_str().unwrap_or_default().contains("deliberate panic") {
        return Err(format!("the probe's crash: {crash}"));
    }
    send_lesson_request(driver)?;
    driver
        .wait_for(
            "connected on an engine of its own",
            &format!(
                "{} const o = d.querySelector('[data-testid=request-outcome]'); \
                 return !!o && o.dataset.outcome === 'connected'",
                doc("lesson")
            ),
            secs(30),
        )
        .map_err(|e| {
            let page = driver
                .eval(&format!("{} return d.body.innerText.slice(0, 400)", doc("lesson")))
                .unwrap_or_default();
            format!("{e}; the playground shows {page}")
        })?;
    let banner = driver.eval(&format!(
        "{} return d.querySelector('[data-testid=crash-report]') !== null",
        doc("lesson")
    ))?;
    if banner == Value::Bool(true) {
        return Err("the playground shows a crash report for another page's crash".into());
    }
    Ok(())
}
