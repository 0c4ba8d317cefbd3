//! End-to-end checks of the wave-2 page (issues 16-18) over the served site, with the real
//! CodeMirror editor and engine worker: a diagnostic's one-click fix and the version select
//! (both one undo step), the unknown outcome's own colour, graceful termination and kube-proxy's
//! fallback to a terminating endpoint, both proxy modes side by side, zones, NetworkPolicy (marks,
//! inspector, the deciding policy in a trace, the reachability matrix), `kubectl get` of
//! ReplicationControllers, and the contrast of the new colours in both themes.

use std::time::Duration;

use serde_json::{json, Value};

use crate::test::{CLICK, UNDO};
use crate::webdriver::Driver;
use crate::Result;

const SECS: fn(u64) -> Duration = Duration::from_secs;

/// A Service in a namespace that does not exist.
const NO_NAMESPACE: &str =
    "apiVersion: v1\nkind: Service\nmetadata:\n  name: web\n  namespace: shop\nspec:\n  ports: [{port: 80}]\n";

/// A bare Pod (nothing replaces it) behind a Service, and a client.
const LONE_POD: &str = "apiVersion: v1\nkind: Pod\nmetadata: {name: only, labels: {app: only}}\nspec:\n  containers: [{name: web, image: nginx, ports: [{containerPort: 80}]}]\n---\napiVersion: v1\nkind: Service\nmetadata: {name: only}\nspec:\n  selector: {app: only}\n  ports: [{port: 80}]\n---\napiVersion: v1\nkind: Pod\nmetadata: {name: client}\nspec:\n  containers: [{name: c, image: busybox}]\n";

/// Zoned nodes, a Pod in each zone, a client in zone-a, a default-deny policy for the web Pods
/// except from the client, and an ExternalName Service.
const ZONED_POLICIES: &str = "apiVersion: v1\nkind: Node\nmetadata: {name: a1, labels: {topology.kubernetes.io/zone: zone-a}}\n---\napiVersion: v1\nkind: Node\nmetadata: {name: b1, labels: {topology.kubernetes.io/zone: zone-b}}\n---\napiVersion: v1\nkind: Pod\nmetadata: {name: web-a, labels: {app: web}}\nspec:\n  nodeName: a1\n  containers: [{name: web, image: nginx, ports: [{containerPort: 80}]}]\n---\napiVersion: v1\nkind: Pod\nmetadata: {name: web-b, labels: {app: web}}\nspec:\n  nodeName: b1\n  containers: [{name: web, image: nginx, ports: [{containerPort: 80}]}]\n---\napiVersion: v1\nkind: Pod\nmetadata: {name: client, labels: {role: client}}\nspec:\n  nodeName: a1\n  containers: [{name: c, image: busybox}]\n---\napiVersion: v1\nkind: Pod\nmetadata: {name: intruder}\nspec:\n  nodeName: b1\n  containers: [{name: c, image: busybox}]\n---\napiVersion: v1\nkind: Service\nmetadata: {name: web}\nspec:\n  selector: {app: web}\n  trafficDistribution: PreferSameZone\n  ports: [{port: 80}]\n---\napiVersion: v1\nkind: Service\nmetadata: {name: db}\nspec:\n  type: ExternalName\n  externalName: db.example.com\n---\napiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: web-from-client}\nspec:\n  podSelector: {matchLabels: {app: web}}\n  ingress:\n  - from: [{podSelector: {matchLabels: {role: client}}}]\n";

pub(crate) fn run(driver: &Driver, assert: &mut dyn FnMut(&str, Result) -> Result) -> Result {
    let click = |selector: &str| -> Result {
        let ok = driver.eval_args(CLICK, &[json!(selector)])?;
        if ok == Value::Bool(true) {
            Ok(())
        } else {
            Err(format!("no element {selector}"))
        }
    };
    let set_text = |text: &str| -> Result {
        driver
            .eval_args("window.NetsimEditor.setText(0, arguments[0]); return true;", &[json!(text)])
            .map(drop)
    };
    let get_text = || -> Result<String> {
        Ok(driver
            .eval("return window.NetsimEditor.getText(0)")?
            .as_str()
            .unwrap_or_default()
            .to_string())
    };
    let wait = |what: &str, js: &str| driver.wait_for(what, js, SECS(15));
    let text_is = |text: &str| format!("return window.NetsimEditor.getText(0) === {}", json!(text));
    let choose = |testid: &str, value: &str| -> Result {
        driver
            .eval_args(
                "const s = document.querySelector(`[data-testid=${arguments[0]}]`); s.value = arguments[1]; \
                 s.dispatchEvent(new Event('change', {bubbles: true})); return true;",
                &[json!(testid), json!(value)],
            )
            .map(drop)
    };
    let send = |from: &str, target: &str, testid: &str| -> Result {
        wait("the source", &format!("return document.querySelector(\"[data-testid=request-from] option[value='{from}']\") !== null"))?;
        choose("request-from", from)?;
        driver.eval_args(
            "const i = document.querySelector('[data-testid=request-target]'); i.value = arguments[0]; \
             i.dispatchEvent(new InputEvent('input', {bubbles: true})); return true;",
            &[json!(target)],
        )?;
        // The previous answer goes, so the wait below sees this request's.
        driver.eval("document.querySelectorAll('[data-testid=request-outcome]').forEach(e => e.removeAttribute('data-outcome')); return true;")?;
        click(&format!("[data-testid={testid}]"))
    };
    let outcome = "const o = document.querySelector('[data-testid=request-outcome]'); return o && o.dataset.outcome";

    let original = get_text()?;
    assert(
        "a missing namespace: the problem's fix button adds it in the editor, one undo step",
        (|| {
            set_text(NO_NAMESPACE)?;
            wait("the fix button", "const b = document.querySelector('[data-testid=problem-fix]'); return b && b.textContent.includes('Add Namespace \"shop\"')")?;
            click("[data-testid=problem-fix]")?;
            let fixed = format!(
                "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: shop\n---\n{NO_NAMESPACE}"
            );
            wait("the Namespace in the editor", &text_is(&fixed))?;
            wait("no problems", "return document.querySelector('[data-testid=problem-summary]').textContent === 'No problems'")?;
            driver.eval(UNDO)?;
            wait("one undo step back", &text_is(NO_NAMESPACE))?;
            wait(
                "the problem again",
                "return document.querySelector('[data-testid=problem-fix]') !== null",
            )
            .map(drop)
        })(),
    )?;
    assert(
        "the version select writes kubernetesVersion into the text, one undo step",
        (|| {
            set_text(&original)?;
            wait("v1.37", "const s = document.querySelector('[data-testid=version-select]'); return s && s.dataset.current === 'v1.37'")?;
            choose("version-select", "v1.35")?;
            let edited = format!("{original}---\napiVersion: kubeadm.k8s.io/v1beta4\nkind: ClusterConfiguration\nkubernetesVersion: v1.35.0\n");
            wait("the ClusterConfiguration in the editor", &text_is(&edited))?;
            wait("the cluster on v1.35", "return document.querySelector('[data-testid=version-select]').dataset.current === 'v1.35'")?;
            choose("version-select", "v1.36")?;
            wait("the value replaced", &text_is(&edited.replace("v1.35.0", "v1.36.0")))?;
            driver.eval(UNDO)?;
            wait("back to v1.35", &text_is(&edited))?;
            driver.eval(UNDO)?;
            wait("back to the default", &text_is(&original))?;
            wait("the cluster on v1.37 again, shown by the select", "const s = document.querySelector('[data-testid=version-select]'); return s.dataset.current === 'v1.37' && s.value === 'v1.37'").map(drop)
        })(),
    )?;
    assert(
        "a terminating Pod still serves when it is the only endpoint (kube-proxy's fallback), until its grace period is over",
        (|| {
            set_text(LONE_POD)?;
            wait("the lone Pod", "return document.querySelector('[data-testid=topology-pod][data-id=\"pod/default/only\"]') !== null")?;
            click("[data-testid=topology-pod][data-id=\"pod/default/only\"]")?;
            wait("the Pod inspector", "return document.querySelector('[data-testid=whatif-delete-pod]') !== null")?;
            click("[data-testid=whatif-delete-pod]")?;
            wait("drawn terminating", "return document.querySelector('[data-testid=topology-pod][data-id=\"pod/default/only\"].terminating') !== null")?;
            wait("the inspector's note and next moment", "return document.querySelector('[data-testid=inspector-terminating]') !== null && document.querySelector('[data-testid=whatif-grace-over]') !== null")?;
            send("pod/default/client", "http://only/", "request-send")?;
            let o = wait("the outcome meanwhile", outcome)?;
            if o != json!("connected") {
                return Err(format!("while terminating: {o}"));
            }
            click("[data-testid=topology-service][data-id=\"svc/default/only\"]")?;
            wait("the endpoint's conditions", "return [...document.querySelectorAll('[data-testid=endpoint-row]')].some(r => r.textContent.includes('ready=false serving=true terminating=true'))")?;
            click("[data-testid=timeline-next]")?;
            wait("the Pod gone", "return document.querySelector('[data-testid=topology-pod][data-id=\"pod/default/only\"]') === null && document.querySelector('[data-testid=timeline-next]') === null")?;
            send("pod/default/client", "http://only/", "request-send")?;
            let o = wait("the outcome afterwards", outcome)?;
            if o != json!("refused") {
                return Err(format!("after the grace period: {o}"));
            }
            click("[data-testid=timeline-undo]")?;
            wait("the what-ifs undone", "return document.querySelector('[data-testid=timeline]') === null").map(drop)
        })(),
    )?;
    assert(
        "the rules view shows the mode and both modes side by side, the Service highlighted in each",
        (|| {
            set_text(&original)?;
            wait("the default scenario", "return document.querySelectorAll('[data-testid=topology-pod]').length === 4")?;
            click("[data-testid=topology-service][data-id=\"svc/default/web\"]")?;
            click("[data-testid=tab-iptables]")?;
            wait("the mode", "const m = document.querySelector('[data-testid=rules-mode]'); return m && m.dataset.mode === 'iptables'")?;
            click("[data-testid=rules-compare]")?;
            wait("both modes highlighted", "const h = (id) => document.querySelectorAll(`[data-testid=${id}] .line.hit`).length; \
                return h('rules-iptables') > 0 && h('rules-nftables') > 0 \
                && document.querySelector('[data-testid=rules-nftables]').textContent.includes('table ip kube-proxy')")?;
            click("[data-testid=rules-compare]")?;
            click("[data-testid=tab-topology]")
        })(),
    )?;
    set_text(ZONED_POLICIES)?;
    wait("the zoned cluster", "return document.querySelector('[data-testid=topology-pod][data-id=\"pod/default/intruder\"]') !== null")?;
    assert(
        "an unknown outcome has its own colour in the request panel and on the path",
        (|| {
            send("pod/default/client", "db:5432", "request-send")?;
            let o = wait("the outcome", outcome)?;
            if o != json!("unknown") {
                return Err(format!("outcome {o}"));
            }
            let look = driver.eval("const o = document.querySelector('[data-testid=request-outcome]'); \
                const u = getComputedStyle(document.documentElement).getPropertyValue('--unknown').trim(); \
                return JSON.stringify({border: getComputedStyle(o).borderLeftColor, unknown: u, \
                  path: document.querySelector('[data-testid=topology]').classList.contains('path-unknown'), \
                  reason: document.querySelector('[data-testid=request-reason]').textContent})")?;
            let v: Value =
                serde_json::from_str(look.as_str().unwrap_or("{}")).map_err(|e| e.to_string())?;
            if v["border"] != "rgb(109, 40, 217)"
                || v["path"] != true
                || v["reason"].as_str().unwrap_or_default().is_empty()
            {
                return Err(format!("{v}"));
            }
            Ok(())
        })(),
    )?;
    assert(
        "zones: on the nodes, the endpoints' hints, and the spread of 100 requests",
        (|| {
            wait("the zone labels", "const t = document.querySelector('[data-testid=topology]').textContent; return t.includes('zone zone-a') && t.includes('zone zone-b')")?;
            send("pod/default/client", "http://web/", "request-send-many")?;
            let d = wait("the distribution", "const d = document.querySelector('[data-testid=request-distribution]'); \
                return d && JSON.stringify({from: d.dataset.sourceZone, rows: [...d.querySelectorAll('.bar-row')].map(r => [r.dataset.zone, Number(r.dataset.count)])})")?;
            let v: Value =
                serde_json::from_str(d.as_str().unwrap_or("{}")).map_err(|e| e.to_string())?;
            let rows = v["rows"].as_array().cloned().unwrap_or_default();
            let in_a: i64 =
                rows.iter().filter(|r| r[0] == "zone-a").map(|r| r[1].as_i64().unwrap_or(0)).sum();
            if v["from"] != "zone-a" || in_a != 100 {
                return Err(format!("{v}"));
            }
            click("[data-testid=topology-service][data-id=\"svc/default/web\"]")?;
            wait("the hints", "return [...document.querySelectorAll('[data-testid=endpoint-hints]')].map(h => h.textContent).join() === 'for zone zone-a,for zone zone-b'").map(drop)
        })(),
    )?;
    assert(
        "NetworkPolicy: marks, the policy inspector, the deciding policy in a trace, the matrix",
        (|| {
            wait("two isolated Pods", "return document.querySelectorAll('[data-testid=isolation-mark][data-ingress=isolated]').length === 2")?;
            click("[data-testid=policy-button][data-id=\"netpol/default/web-from-client\"]")?;
            wait("the inspector", "const p = document.querySelector('[data-testid=inspector-policy]'); \
                return p && p.textContent.includes('network plugin') && document.querySelectorAll('[data-testid=policy-selected] li').length === 2 \
                && document.querySelector('[data-testid=policy-rules]').textContent.includes('role=client')")?;
            send("pod/default/intruder", "http://web/", "request-send")?;
            let o = wait("the outcome", outcome)?;
            if o != json!("timeout") {
                return Err(format!("intruder → web: {o}"));
            }
            wait("the deciding policy", "return [...document.querySelectorAll('[data-testid=request-policies] [data-testid=policy-effect]')] \
                .some(e => e.dataset.decided === 'true' && e.dataset.effect === 'deny' && e.dataset.policy === 'default/web-from-client')")?;
            click("[data-testid=tab-reach]")?;
            let cell = |from: &str, to: &str| {
                format!("[data-testid=reach-cell][data-from=\"default/{from}\"][data-to=\"default/{to}\"]")
            };
            wait("the matrix", &format!("const c = document.querySelector('{}'); return c && c.dataset.decision === 'denied'", cell("intruder", "web-a")))?;
            let allowed = driver.eval(&format!(
                "return document.querySelector('{}').dataset.decision",
                cell("client", "web-b")
            ))?;
            if allowed != json!("allowed") {
                return Err(format!("client → web-b: {allowed}"));
            }
            click(&cell("client", "web-b"))?;
            // The intruder's outcome stays on screen until the cell's request is answered:
            // wait for the new one rather than read whatever is there.
            wait(
                "the cell's request to connect",
                "const o = document.querySelector('[data-testid=request-outcome]'); \
                 return o && o.dataset.outcome === 'connected' \
                 && document.querySelector('[data-testid=request-from]').value === 'pod/default/client'",
            )
            .map_err(|e| {
                let o = driver.eval(outcome).unwrap_or_default();
                format!("{e}; the outcome on screen: {o}")
            })?;
            let from =
                driver.eval("return document.querySelector('[data-testid=request-from]').value")?;
            if from != json!("pod/default/client") {
                return Err(format!("the panel's source: {from}"));
            }
            click("[data-testid=tab-topology]")
        })(),
    )?;
    assert(
        "the new colours keep 4.5:1 contrast in the light and dark themes",
        (|| {
            let r = driver.eval(CONTRAST)?;
            let bad: Vec<Value> = serde_json::from_str::<Vec<Value>>(r.as_str().unwrap_or("[]"))
                .map_err(|e| e.to_string())?
                .into_iter()
                .filter(|c| c["ratio"].as_f64().unwrap_or(0.0) < 4.5)
                .collect();
            if bad.is_empty() {
                Ok(())
            } else {
                Err(format!("{bad:?}"))
            }
        })(),
    )?;
    assert(
        "kubectl get replicationcontrollers",
        (|| {
            set_text("apiVersion: v1\nkind: ReplicationController\nmetadata: {name: legacy}\nspec:\n  replicas: 2\n  selector: {app: legacy}\n  template:\n    metadata: {labels: {app: legacy}}\n    spec:\n      containers: [{name: c, image: nginx}]\n")?;
            click("[data-testid=tab-kubectl]")?;
            wait(
                "the kinds",
                "return document.querySelector('[data-testid=kubectl-kind]') !== null",
            )?;
            choose("kubectl-kind", "replicationcontrollers")?;
            wait("the ReplicationController", "const o = document.querySelector('[data-testid=kubectl-output]'); \
                return o && o.textContent.includes('kubectl get replicationcontrollers') && o.textContent.includes('DESIRED') && o.textContent.includes('legacy')")?;
            click("[data-testid=tab-topology]")
        })(),
    )?;
    set_text(&original)?;
    driver.eval("localStorage.clear(); return true;")?;
    Ok(())
}

/// The contrast ratio (WCAG 2) of the new text colours against what they are drawn on, in the
/// light and the dark theme: a list of `{what, theme, ratio}`.
const CONTRAST: &str = "const lum = (c) => { const m = c.match(/\\d+(\\.\\d+)?/g).map(Number); \
    const f = (v) => { v /= 255; return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); }; \
    return 0.2126 * f(m[0]) + 0.7152 * f(m[1]) + 0.0722 * f(m[2]); }; \
  const ratio = (a, b) => { const x = lum(a), y = lum(b); return (Math.max(x, y) + 0.05) / (Math.min(x, y) + 0.05); }; \
  const probe = (html) => { const d = document.createElement('div'); d.innerHTML = html; document.body.append(d); return d; }; \
  const root = document.documentElement; const before = root.getAttribute('data-theme'); const out = []; \
  for (const theme of ['light', 'dark']) { root.setAttribute('data-theme', theme); \
    const v = (n) => { const e = document.createElement('span'); e.style.color = `var(${n})`; document.body.append(e); const c = getComputedStyle(e).color; e.remove(); return c; }; \
    const d = probe('<div class=\"outcome unknown\"><strong>?</strong></div><button class=\"policy-chip deny\">x</button><button class=\"policy-chip allow\">x</button>'); \
    const o = d.querySelector('.outcome strong'); out.push({what: 'unknown outcome', theme, ratio: ratio(getComputedStyle(o).color, getComputedStyle(d.firstChild).backgroundColor)}); \
    for (const c of d.querySelectorAll('.policy-chip')) out.push({what: c.className, theme, ratio: ratio(getComputedStyle(c).color, v('--panel'))}); \
    d.remove(); \
    const svg = probe('<svg><g class=\"t-iso\"><rect class=\"t-iso-box\"/><text class=\"t-iso-text\">x</text></g><text class=\"t-zone\">z</text></svg>'); \
    out.push({what: 'isolation mark', theme, ratio: ratio(getComputedStyle(svg.querySelector('.t-iso-text')).fill, getComputedStyle(svg.querySelector('.t-iso-box')).fill)}); \
    out.push({what: 'zone label', theme, ratio: ratio(getComputedStyle(svg.querySelector('.t-zone')).fill, v('--t-cluster'))}); \
    svg.remove(); } \
  root.setAttribute('data-theme', before || 'system'); return JSON.stringify(out);";
