// Example: the kube-netsim engine from plain JavaScript, through the wasm-pack package
// (`wasm-pack build crates/netsim-wasm --target web`, served as ./pkg/). No framework, no
// inline script (the site's Content-Security-Policy forbids it).
import init, { Simulator, shareLink, openShareLink, parseScenarioIndex } from "./pkg/netsim_wasm.js";

const $ = (id) => document.getElementById(id);
let sim = null; // created after init(): the wasm module must be loaded first
let lastRequest = null;

function text(el, value) { el.textContent = value; }

function row(cells, tag = "td") {
  const tr = document.createElement("tr");
  for (const c of cells) {
    const td = document.createElement(tag);
    td.textContent = c;
    tr.append(td);
  }
  return tr;
}

function table(headers, rows) {
  const t = document.createElement("table");
  t.append(row(headers, "th"));
  for (const r of rows) t.append(row(r));
  return t;
}

function simulate() {
  const files = [{ name: "example.yaml", text: $("yaml").value }];
  const result = sim.simulate(files);
  const c = result.cluster;
  text($("status"), `${result.objects.length} objects, ${result.errors} errors, ${result.warnings} warnings`);
  const summary = $("summary");
  summary.replaceChildren(
    table(["Pod", "node", "IP", "ready"],
      c.pods.map((p) => [`${p.namespace}/${p.name}`, p.node ?? "", p.ips.join(", "), p.ready ? "yes" : "no"])),
    table(["Service", "type", "ClusterIP", "endpoints"],
      c.services.map((s) => [`${s.namespace}/${s.name}`, s.type, s.clusterIPs.join(", ") || (s.externalName ?? "None"),
        String(s.endpoints.filter((e) => e.ready).length)])),
  );
  const ul = $("diagnostics");
  ul.replaceChildren(...sim.diagnostics().map((d) => {
    const li = document.createElement("li");
    li.className = d.severity;
    li.textContent = `line ${d.line}:${d.col} ${d.severity}[${d.code}]: ${d.message}`;
    return li;
  }));
  const node = $("node");
  const chosen = node.value;
  node.replaceChildren(...c.nodes.map((n) => new Option(n.name, n.name, false, n.name === chosen)));
}

function guard(fn) {
  return (event) => {
    event?.preventDefault();
    try { fn(); } catch (e) { text($("status"), `${e.code ?? "error"}: ${e.message ?? e}`); }
  };
}

function sendRequest() {
  const from = $("from").value.trim();
  const target = $("target").value.trim();
  lastRequest = { from, target };
  const r = sim.request(from, target, { count: Number($("count").value) || 1, seed: 0 });
  const lines = r.hops.map((h) => `${h.kind.padEnd(8)}${h.text}`);
  lines.push("", `outcome: ${r.outcome}`, `reason: ${r.reason}`);
  if (r.fix) lines.push(`fix: ${r.fix}`);
  for (const s of r.distribution) lines.push(`  ${s.pod} ${s.ip}:${s.port}  ${s.count} (p=${s.probability.toFixed(3)})`);
  text($("trace"), lines.join("\n"));
}

function resolveName() {
  const w = sim.resolve($("dns-pod").value.trim(), $("dns-name").value.trim(), "A");
  const lines = [w.resolvConf, ...w.queries.map((q) =>
    `${q.name} ${q.type} → ${q.rcode ?? "(left the cluster)"} ${q.answer.map((a) => `${a.type} ${a.data}`).join(", ")}`)];
  lines.push("", `result: ${w.result.kind}`);
  text($("dns"), lines.join("\n"));
}

function showRules() {
  text($("rules"), sim.rules($("node").value, $("format").value));
}

function makeShareLink() {
  const fragment = shareLink({
    files: [{ name: "example.yaml", text: $("yaml").value }],
    view: "requests",
    request: lastRequest,
    scenario: $("scenario").value || null,
  });
  const a = $("share-link");
  a.href = fragment;
  text(a, `${location.origin}${location.pathname}${fragment} (${fragment.length} characters)`);
}

async function loadScenario(file) {
  const res = await fetch(`scenarios/${file}`);
  $("yaml").value = await res.text();
  guard(simulate)();
}

async function main() {
  await init();
  sim = new Simulator();
  const index = parseScenarioIndex(await (await fetch("scenarios/index.json")).text());
  const select = $("scenario");
  select.replaceChildren(...index.scenarios.map((s) => new Option(s.title, s.name, false, s.name === index.default)));
  select.addEventListener("change", () => {
    const s = index.scenarios.find((x) => x.name === select.value);
    if (s) loadScenario(s.file).then(() => {
      if (s.requests[0]) { $("from").value = s.requests[0].from; $("target").value = s.requests[0].target; }
    });
  });
  $("simulate").addEventListener("click", guard(simulate));
  $("request-form").addEventListener("submit", guard(sendRequest));
  $("dns-form").addEventListener("submit", guard(resolveName));
  $("rules-form").addEventListener("submit", guard(showRules));
  $("share").addEventListener("click", guard(makeShareLink));

  // A link made by this page opens with the same text and request.
  if (location.hash.startsWith("#s=")) {
    try {
      const state = openShareLink(location.hash);
      $("yaml").value = state.files.map((f) => f.text).join("\n---\n");
      if (state.scenario) select.value = state.scenario;
      if (state.request) { $("from").value = state.request.from; $("target").value = state.request.target; }
      guard(simulate)();
      if (state.request) guard(sendRequest)();
      return;
    } catch (e) {
      text($("status"), `could not open the link: ${e.message}`);
    }
  }
  const def = index.scenarios.find((s) => s.name === index.default);
  await loadScenario(def ? def.file : "default.yaml");
}

main().catch((e) => text($("status"), `could not start: ${e}`));
