//! Accessibility, end to end (issue 19): axe-core (npm, pinned in `web/js/package.json`) over the
//! served page in the states a learner sees — the default page, a Service inspected, a request
//! sent, the dark theme and the embed — with no violation allowed; and a keyboard-only learner
//! reaching the request form with Tab from the top of the page (out of the editor with Escape,
//! then Tab, as CodeMirror documents), picking a source and a target, sending, and finding the
//! outcome in a live region.

use std::time::Duration;

use serde_json::{json, Value};

use crate::test::CLICK;
use crate::webdriver::Driver;
use crate::Result;

const TAB: &str = "\u{E004}";
const ENTER: &str = "\u{E007}";
const ESCAPE: &str = "\u{E00C}";
const ARROW_UP: &str = "\u{E013}";
const ARROW_DOWN: &str = "\u{E015}";
const BACKSPACE: &str = "\u{E003}";

/// Runs axe over the document and fails with every violation (rule, impact, the first nodes).
fn axe(driver: &Driver, source: &str) -> Result {
    // What a reader sees once things settle: fade-ins (the request's hops) finished; endless
    // animations (the path's dashes) do not change colours.
    driver.wait_for(
        "the page's animations to finish",
        "return document.getAnimations().every(a => a.playState !== 'running' \
           || a.effect.getComputedTiming().iterations === Infinity)",
        Duration::from_secs(10),
    )?;
    if driver.eval("return typeof window.axe === 'undefined'")? == Value::Bool(true) {
        driver.eval(&format!("{source}\n;return true;"))?;
    }
    driver.eval(
        "window.__axe = null; \
         axe.run(document, {resultTypes: ['violations']}).then(r => window.__axe = JSON.stringify(r.violations.map(v => \
           `${v.id} (${v.impact}): ${v.help} — ${v.nodes.slice(0, 3).map(n => n.target.join(' ')).join(', ')}`))) \
           .catch(e => window.__axe = JSON.stringify(['axe failed: ' + e])); return true;",
    )?;
    let found = driver.wait_for("axe", "return window.__axe", Duration::from_secs(60))?;
    let violations: Vec<String> =
        serde_json::from_str(found.as_str().unwrap_or("[]")).map_err(|e| e.to_string())?;
    if violations.is_empty() {
        Ok(())
    } else {
        Err(format!("{} violation(s):\n      {}", violations.len(), violations.join("\n      ")))
    }
}

fn drawn(driver: &Driver) -> Result {
    driver
        .wait_for(
            "the topology",
            "return document.querySelectorAll('[data-testid=topology-pod]').length >= 1 \
             && (document.querySelector('[data-testid=editor]') === null \
                 || document.querySelector('[data-testid=editor] .cm-content') !== null)",
            Duration::from_secs(30),
        )
        .map(drop)
}

fn focused(driver: &Driver) -> Result<String> {
    Ok(driver
        .eval(
            "const a = document.activeElement; if (!a) return ''; \
             return a.dataset.testid || (a.classList.contains('cm-content') ? 'editor' : a.tagName.toLowerCase());",
        )?
        .as_str()
        .unwrap_or_default()
        .to_string())
}

pub(crate) fn run(
    driver: &Driver,
    base: &str,
    assert: &mut dyn FnMut(&str, Result) -> Result,
) -> Result {
    let source =
        std::fs::read_to_string(crate::tools::js_dir().join("node_modules/axe-core/axe.min.js"))
            .map_err(|e| format!("axe-core (npm): {e}"))?;
    let click = |selector: &str| -> Result {
        match driver.eval_args(CLICK, &[json!(selector)])? {
            Value::Bool(true) => Ok(()),
            _ => Err(format!("no element {selector}")),
        }
    };

    let page = format!("{base}?scenario=default");
    driver.goto(&page)?;
    assert(
        "axe: the default page has no violations",
        drawn(driver).and_then(|()| axe(driver, &source)),
    )?;
    assert(
        "axe: a Service inspected has no violations",
        (|| {
            click("[data-testid=topology-service][data-id=\"svc/default/web\"]")?;
            driver.wait_for(
                "the inspector",
                "return document.querySelector('[data-testid=inspector]') !== null",
                Duration::from_secs(10),
            )?;
            axe(driver, &source)
        })(),
    )?;
    assert(
        "keyboard only: Tab to the request form (Escape, then Tab, leaves the editor), pick a source \
         and a target, Enter sends, the outcome is in a live region",
        (|| {
            driver.goto(&page)?;
            drawn(driver)?;
            driver.eval("document.activeElement && document.activeElement.blur(); return true;")?;
            let mut path = Vec::new();
            for _ in 0..80 {
                let at = focused(driver)?;
                if at == "request-from" {
                    break;
                }
                // The editor keeps Tab for indenting; Escape first lets the next Tab leave.
                driver.keys(&if at == "editor" { format!("{ESCAPE}{TAB}") } else { TAB.to_string() })?;
                path.push(at);
            }
            if focused(driver)? != "request-from" {
                return Err(format!("Tab never reached the source select; focus went {path:?}"));
            }
            // Another Pod as the source (a node's resolver has no cluster search path).
            let before = driver.eval("return document.activeElement.value")?;
            let mut after = before.clone();
            'pick: for key in [ARROW_UP, ARROW_DOWN] {
                for _ in 0..30 {
                    driver.keys(key)?;
                    after = driver.eval("return document.activeElement.value")?;
                    if after != before && after.as_str().is_some_and(|v| v.starts_with("pod/")) {
                        break 'pick;
                    }
                }
            }
            if after == before || !after.as_str().is_some_and(|v| v.starts_with("pod/")) {
                return Err(format!("the arrow keys did not pick another Pod ({before} → {after})"));
            }
            driver.keys(TAB)?;
            if focused(driver)? != "request-target" {
                return Err(format!("Tab from the source went to {}", focused(driver)?));
            }
            let len = driver.eval("return document.activeElement.value.length")?.as_u64().unwrap_or(0);
            driver.keys(&BACKSPACE.repeat(usize::try_from(len).unwrap_or(0)))?;
            driver.keys(&format!("http://web/{ENTER}"))?;
            let outcome = driver.wait_for(
                "the outcome",
                "const o = document.querySelector('[aria-live] [data-testid=request-outcome]'); \
                 return o && o.dataset.outcome && o.textContent.trim().length > 0 && o.dataset.outcome",
                Duration::from_secs(15),
            )?;
            if outcome != json!("connected") {
                return Err(format!("the request from {after} ended {outcome}"));
            }
            Ok(())
        })(),
    )?;
    assert("axe: a request sent has no violations", axe(driver, &source))?;
    driver.goto(&format!("{page}&theme=dark"))?;
    assert(
        "axe: the dark theme has no violations",
        drawn(driver).and_then(|()| axe(driver, &source)),
    )?;
    driver.goto(&format!("{base}?embed&view=topology,requests&readonly"))?;
    assert("axe: the embed has no violations", drawn(driver).and_then(|()| axe(driver, &source)))?;
    Ok(())
}
