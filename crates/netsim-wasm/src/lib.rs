//! kube-netsim's engine for JavaScript: a small typed API over the core, built with wasm-pack.
//!
//! ```js
//! import init, { Simulator } from "./pkg/netsim_wasm.js";
//! await init();
//! const sim = new Simulator();
//! const result = sim.simulate([{ name: "app.yaml", text }]);
//! console.log(result.cluster.services, result.diagnostics);
//! const trace = sim.request("pod/client", "http://web/", { count: 1, seed: 0 });
//! console.log(trace.outcome, trace.hops);
//! ```
//!
//! The [`Simulator`] keeps the last simulated input: `simulate` loads and builds the cluster once
//! (`manifest::load` + `cluster::build`), and `objects`, `diagnostics`, `resolve`, `request`,
//! `rules`, `checkChallenge` work on it. Share links (`shareLink`/`openShareLink`) and the
//! scenario index parser are free functions. Every result is plain JSON-compatible data (the
//! TypeScript declarations below describe it); every failure is a thrown `Error` with a message.

use netsim::diagnostic::SourceFiles;
use netsim::dns::RecordType;
use netsim::request::{Options, MAX_COUNT};
use netsim::scenario::{Challenge, Scenario};
use netsim::session::summary::ClusterSummary;
use netsim::session::{to_json, AskError, GetFormat, GetRequest, Question, RuleFormat, Session};
use netsim::view::{Analysis, DiagnosticRow, ObjectRow};
use serde::{Deserialize, Serialize};
use wasm_bindgen::prelude::*;

// The TypeScript declarations of everything the API takes and returns, generated from the Rust
// types (core answers and the option types below) by the `ts_declarations` test in `tests/`.
#[wasm_bindgen(typescript_custom_section)]
const TYPES: &'static str = include_str!("types.d.ts");

#[wasm_bindgen]
extern "C" {
    /// `RequestOptions` (optional argument of `request`).
    #[wasm_bindgen(typescript_type = "RequestOptions")]
    pub type RequestOptionsJs;
    /// `RecordType` (optional argument of `resolve`).
    #[wasm_bindgen(typescript_type = "RecordType")]
    pub type RecordTypeJs;
    /// `GetOptions` (optional argument of `get`).
    #[wasm_bindgen(typescript_type = "GetOptions")]
    pub type GetOptionsJs;
    /// `SimulateOptions` (optional argument of `simulate`).
    #[wasm_bindgen(typescript_type = "SimulateOptions")]
    pub type SimulateOptionsJs;
    /// `RuleFormat` (optional argument of `rules`).
    #[wasm_bindgen(typescript_type = "RuleFormat")]
    pub type RuleFormatJs;
}

#[wasm_bindgen(start)]
fn start() {
    console_error_panic_hook::set_once();
}

/// One input text: a file name (shown in diagnostics) and its YAML or JSON.
#[derive(Deserialize, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
struct InputFile {
    name: String,
    text: String,
}

/// A thrown `Error` with a message and, when given, a stable `code` property.
fn error(message: &str, code: Option<&str>) -> JsValue {
    let e = js_sys::Error::new(message);
    if let Some(code) = code {
        let _ = js_sys::Reflect::set(&e, &"code".into(), &code.into());
    }
    e.into()
}

fn to_js<T: Serialize + ?Sized>(v: &T) -> Result<JsValue, JsValue> {
    v.serialize(&serde_wasm_bindgen::Serializer::json_compatible())
        .map_err(|e| error(&e.to_string(), None))
}

fn sources(files: JsValue) -> Result<SourceFiles, JsValue> {
    let files: Vec<InputFile> = serde_wasm_bindgen::from_value(files).map_err(|e| {
        error(&format!("expected an array of {{name, text}}: {e}"), Some("bad-argument"))
    })?;
    let mut sources = SourceFiles::default();
    for f in files {
        sources.add(f.name, f.text);
    }
    Ok(sources)
}

/// The simulator. `simulate` sets the input; the other methods work on the last input.
#[wasm_bindgen]
#[derive(Default)]
pub struct Simulator {
    last: Option<Last>,
}

struct Last {
    session: Session,
    analysis: Analysis,
}

/// What `simulate` returns: the input's objects and diagnostics, the built cluster, the
/// controllers' events and what a what-if event could not do.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
struct Simulation<'a> {
    objects: &'a [ObjectRow],
    diagnostics: &'a [DiagnosticRow],
    errors: usize,
    warnings: usize,
    cluster: ClusterSummary,
    events: &'a [netsim::cluster::Event],
    what_if_errors: Vec<&'a str>,
}

/// Options of `simulate`: what-if events applied after the build, in order.
#[derive(Deserialize, Default)]
#[serde(default)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
struct SimulateOptions {
    #[cfg_attr(feature = "ts", ts(as = "Option<_>", optional))]
    events: Vec<String>,
}

/// Options of `request`: how many requests (1 to 100000) and the seed of kube-proxy's random
/// choices.
#[derive(Deserialize, Default)]
#[serde(default)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(optional_fields))]
struct RequestOptions {
    count: Option<f64>,
    seed: Option<f64>,
}

/// Options of `get`.
#[derive(Deserialize, Default)]
#[serde(default)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
struct GetOptions {
    #[cfg_attr(feature = "ts", ts(as = "Option<_>", optional))]
    wide: bool,
}

/// The request a share link restores.
#[derive(Deserialize, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
struct ShareRequest {
    from: String,
    target: String,
}

/// Everything a share link restores (`shareLink` takes it, `openShareLink` returns it).
#[derive(Deserialize, Serialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
struct ShareState {
    #[serde(default)]
    files: Vec<InputFile>,
    #[serde(default)]
    view: String,
    #[serde(default)]
    request: Option<ShareRequest>,
    #[serde(default)]
    scenario: Option<String>,
}

/// An answer as a plain object: parsed from exactly the JSON text `ask` (and `netsim … -o json`)
/// gives for it.
fn answer<T: Serialize>(v: &T) -> Result<JsValue, JsValue> {
    js_sys::JSON::parse(&to_json(v)).map_err(|_| error("the answer is not JSON", None))
}

fn ask_error(e: AskError) -> JsValue {
    error(&e.message, Some(&e.code))
}

fn options<T: for<'de> Deserialize<'de> + Default>(
    v: Option<JsValue>,
    shape: &str,
) -> Result<T, JsValue> {
    match v {
        None => Ok(T::default()),
        Some(o) if o.is_undefined() || o.is_null() => Ok(T::default()),
        Some(o) => serde_wasm_bindgen::from_value(o)
            .map_err(|e| error(&format!("options must be {shape}: {e}"), Some("bad-argument"))),
    }
}

#[wasm_bindgen]
impl Simulator {
    #[wasm_bindgen(constructor)]
    pub fn new() -> Simulator {
        Simulator::default()
    }

    /// Reads the files and returns the objects found and every diagnostic with the topology
    /// (stateless).
    #[wasm_bindgen(unchecked_return_type = "Analysis")]
    pub fn analyze(
        &self,
        #[wasm_bindgen(unchecked_param_type = "InputFile[]")] files: JsValue,
    ) -> Result<JsValue, JsValue> {
        let sources = sources(files)?;
        to_js(&netsim::view::analyze(&sources))
    }

    /// Loads and builds the cluster (manifest::load + cluster::build), applies the what-if
    /// `events` in order (the `netsim get --event` syntax: `delete-pod/NS/POD`,
    /// `scale/deployment/NS/NAME=N`, `pod-ready/NS/POD=false`, `node-down/NODE`,
    /// `label/pod/NS/POD:KEY=VALUE`), and keeps the result for the other methods. Returns the
    /// input's objects, every diagnostic (load and build), a summary of the built cluster
    /// (nodes, Pods with IPs, Services with ClusterIPs and endpoints), the controllers' events
    /// and what a what-if event could not do (`whatIfErrors`).
    #[wasm_bindgen(unchecked_return_type = "Simulation")]
    pub fn simulate(
        &mut self,
        #[wasm_bindgen(unchecked_param_type = "InputFile[]")] files: JsValue,
        options: Option<SimulateOptionsJs>,
    ) -> Result<JsValue, JsValue> {
        let last = self.load(files, options)?;
        to_js(&Simulation {
            objects: &last.analysis.objects,
            diagnostics: &last.analysis.diagnostics,
            errors: last.analysis.errors,
            warnings: last.analysis.warnings,
            cluster: netsim::session::summary::summary(last.session.cluster()),
            events: &last.session.cluster().events,
            what_if_errors: last
                .session
                .what_if_diagnostics()
                .iter()
                .map(|d| d.message.as_str())
                .collect(),
        })
    }

    /// `simulate` as the playground's engine answers it: the same input and what-if events, and
    /// the answer as compact JSON text: `{view, cluster: {events, omittedEvents, whatIfErrors}}`
    /// (the view model and the newest events, at most `maxRows` rows of each list, all without
    /// it). The playground's first-topology engine (`crates/netsim-lite`) answers the same text.
    #[wasm_bindgen(js_name = simulateJson)]
    pub fn simulate_json(
        &mut self,
        #[wasm_bindgen(unchecked_param_type = "InputFile[]")] files: JsValue,
        options: Option<SimulateOptionsJs>,
        max_rows: Option<u32>,
    ) -> Result<String, JsValue> {
        let last = self.load(files, options)?;
        let max = max_rows.map_or(usize::MAX, |m| m as usize);
        Ok(netsim::view::Simulated::json(&last.session, &last.analysis, max))
    }

    /// The view model of the last `simulate` as JSON text: objects, diagnostics and the
    /// topology the playground draws. With `maxRows`, at most that many objects and
    /// diagnostics (errors first; `omittedObjects`/`omittedDiagnostics` count the rest).
    #[wasm_bindgen(js_name = viewModelJson)]
    pub fn view_model_json(&self, max_rows: Option<u32>) -> Result<String, JsValue> {
        let last = self.last()?;
        let json = match max_rows {
            Some(max) => {
                let mut a = last.analysis.clone();
                a.truncate(max as usize);
                serde_json::to_string(&a)
            }
            None => serde_json::to_string(&last.analysis),
        };
        json.map_err(|e| error(&e.to_string(), None))
    }

    /// Answers a question about the last `simulate` with the JSON text `netsim … -o json`
    /// prints for it, byte for byte: `{ask: "request", from, target, count?, seed?}`,
    /// `{ask: "dns", name, from?, namespace?, type?, exact?}`, `{ask: "resolvConf", pod,
    /// namespace?}`, `{ask: "packet", node, src, dst, proto?}`, `{ask: "rules", node, format?,
    /// service?}`, `{ask: "explain", service, namespace?}`, `{ask: "get", kinds, names?,
    /// namespace?, allNamespaces?, selector?, output?}`; beyond the CLI's, what the playground
    /// asks (the `Question` type lists them all), e.g. `{ask: "topologySvg"}`, the topology as
    /// an SVG document (a JSON string). The methods below return the same answers as objects.
    pub fn ask(
        &self,
        #[wasm_bindgen(unchecked_param_type = "Question")] question: JsValue,
    ) -> Result<String, JsValue> {
        let last = self.last()?;
        let q: Question = serde_wasm_bindgen::from_value(question)
            .map_err(|e| error(&format!("not a question: {e}"), Some("bad-argument")))?;
        last.session.ask(&q).map_err(ask_error)
    }

    /// `kubectl get KINDS -A [-o wide]` over the last `simulate` (what-if events applied): the
    /// same tables `netsim get` prints. `kinds` is kubectl's comma-separated list
    /// (`pods,services`, short names too).
    pub fn get(&self, kinds: &str, options: Option<GetOptionsJs>) -> Result<String, JsValue> {
        let last = self.last()?;
        let o: GetOptions = self::options(options.map(JsValue::from), "{wide?: boolean}")?;
        let q = GetRequest {
            kinds: kinds.to_string(),
            all_namespaces: true,
            output: if o.wide { GetFormat::Wide } else { GetFormat::Table },
            ..GetRequest::default()
        };
        last.session.get(&q).map(|l| l.text).map_err(ask_error)
    }

    /// The resolv.conf the kubelet writes into `pod` (`NAME` in default, or `NAMESPACE/NAME`).
    #[wasm_bindgen(js_name = resolvConf)]
    pub fn resolv_conf(&self, pod: &str) -> Result<String, JsValue> {
        let last = self.last()?;
        last.session.resolv_conf(pod, None).map(|rc| rc.to_string()).map_err(ask_error)
    }

    /// Loads and builds `files` with the what-if events of `options`, and keeps the session.
    fn load(
        &mut self,
        files: JsValue,
        options: Option<SimulateOptionsJs>,
    ) -> Result<&Last, JsValue> {
        let sources = sources(files)?;
        let opts: SimulateOptions =
            self::options(options.map(JsValue::from), "{events?: string[]}")?;
        let mut events = Vec::new();
        for text in &opts.events {
            events.push(
                netsim::cluster::parse_event(text, "default")
                    .map_err(|e| error(&e, Some("bad-event")))?,
            );
        }
        let session = Session::with_what_ifs(sources, &events);
        let analysis = session.view();
        Ok(self.last.insert(Last { session, analysis }))
    }

    fn last(&self) -> Result<&Last, JsValue> {
        self.last.as_ref().ok_or_else(|| error("call simulate(files) first", Some("no-simulation")))
    }

    /// The objects of the last `simulate` input (empty before the first call).
    #[wasm_bindgen(unchecked_return_type = "ObjectRow[]")]
    pub fn objects(&self) -> Result<JsValue, JsValue> {
        to_js(self.last.as_ref().map_or(&[][..], |l| &l.analysis.objects))
    }

    /// The diagnostics of the last `simulate` input (empty before the first call).
    #[wasm_bindgen(unchecked_return_type = "DiagnosticRow[]")]
    pub fn diagnostics(&self) -> Result<JsValue, JsValue> {
        to_js(self.last.as_ref().map_or(&[][..], |l| &l.analysis.diagnostics))
    }

    /// Resolves `name` as the resolver of `pod` (`NAME` in default, or `NAMESPACE/NAME`) would:
    /// its resolv.conf search walk, each query answered as CoreDNS would. `type` defaults to A.
    #[wasm_bindgen(unchecked_return_type = "Lookup")]
    pub fn resolve(
        &self,
        pod: &str,
        name: &str,
        #[wasm_bindgen(js_name = "type")] qtype: Option<RecordTypeJs>,
    ) -> Result<JsValue, JsValue> {
        let last = self.last()?;
        let qtype = qtype.and_then(|t| JsValue::from(t).as_string());
        let qtype = match qtype.as_deref() {
            None | Some("") => RecordType::A,
            Some(t) => RecordType::parse(t).map_err(|e| error(&e.to_string(), Some("bad-type")))?,
        };
        let lookup = last.session.dns(name, Some(pod), None, qtype, false).map_err(ask_error)?;
        answer(&lookup)
    }

    /// Sends a request (or `count` of them) from `from` (`pod/NAME`, `pod/NS/NAME[:CONTAINER]`,
    /// `node/NAME`, `external`) to `target` (`host:port` or a URL) and returns the trace.
    #[wasm_bindgen(unchecked_return_type = "Report")]
    pub fn request(
        &self,
        from: &str,
        target: &str,
        options: Option<RequestOptionsJs>,
    ) -> Result<JsValue, JsValue> {
        let last = self.last()?;
        let o: RequestOptions =
            self::options(options.map(JsValue::from), "{count?: number, seed?: number}")?;
        let count = o.count.map_or(1, |c| c.clamp(1.0, f64::from(MAX_COUNT)) as u32);
        let seed = o.seed.map_or(0, |s| s.max(0.0) as u64);
        let report =
            last.session.request(from, target, Options { count, seed }).map_err(ask_error)?;
        answer(&report)
    }

    /// One packet arriving at (or leaving from) `node`, walked through its kube-proxy rules:
    /// `src` an IP, `dst` `IP:PORT` (`[v6]:PORT`), `proto` tcp (default), udp or sctp.
    #[wasm_bindgen(unchecked_return_type = "PacketWalk")]
    pub fn packet(
        &self,
        node: &str,
        src: &str,
        dst: &str,
        proto: Option<String>,
    ) -> Result<JsValue, JsValue> {
        let last = self.last()?;
        let walk =
            last.session.packet_text_args(node, src, dst, proto.as_deref()).map_err(ask_error)?;
        answer(&walk)
    }

    /// The rules kube-proxy writes on `node`, in the mode it runs: `restore` (what kube-proxy
    /// feeds to iptables-restore) or `save` (what iptables-save shows) in iptables mode, `dump`
    /// (the `nft -f` state) or `ruleset` (what `nft list ruleset` shows) in nftables mode;
    /// without a format, what an admin lists (`save`, `ruleset`).
    pub fn rules(&self, node: &str, format: Option<RuleFormatJs>) -> Result<String, JsValue> {
        let last = self.last()?;
        let format = format.and_then(|f| JsValue::from(f).as_string());
        let format = match format.as_deref() {
            None | Some("") => None,
            Some(f) => Some(RuleFormat::parse(f).ok_or_else(|| {
                error(
                    &format!("unknown format '{f}': use restore or save (iptables mode), dump or ruleset (nftables mode)"),
                    Some("bad-format"),
                )
            })?),
        };
        last.session.rules(node, format, None).map(|r| r.text).map_err(ask_error)
    }

    /// The Debug Services checklist for `service` (`NAME` in default, or `NAMESPACE/NAME`): one
    /// ✓/✗ row per check (selector vs Pod labels, ports, readiness, endpoints, DNS, rules) with
    /// the evidence and a fix.
    #[wasm_bindgen(unchecked_return_type = "Explanation")]
    pub fn explain(&self, service: &str) -> Result<JsValue, JsValue> {
        let last = self.last()?;
        let (ns, name) = match service.split_once('/') {
            Some((ns, name)) => (ns, name),
            None => ("default", service),
        };
        answer(&last.session.explain(ns, name))
    }

    /// Checks a challenge's requirements against the last input: which still fail.
    #[wasm_bindgen(js_name = checkChallenge, unchecked_return_type = "ChallengeStatus")]
    pub fn check_challenge(
        &self,
        #[wasm_bindgen(unchecked_param_type = "Challenge")] challenge: JsValue,
    ) -> Result<JsValue, JsValue> {
        let last = self.last()?;
        let c: Challenge = serde_wasm_bindgen::from_value(challenge)
            .map_err(|e| error(&format!("not a challenge: {e}"), Some("bad-argument")))?;
        to_js(&netsim::scenario::check_challenge(&c, last.session.outcome()))
    }

    /// Sends a scenario's suggested requests on the last input and compares with the promise.
    #[wasm_bindgen(js_name = checkRequests, unchecked_return_type = "SuggestedStatus[]")]
    pub fn check_requests(
        &self,
        #[wasm_bindgen(unchecked_param_type = "Scenario")] scenario: JsValue,
    ) -> Result<JsValue, JsValue> {
        let last = self.last()?;
        let s: Scenario = serde_wasm_bindgen::from_value(scenario)
            .map_err(|e| error(&format!("not a scenario: {e}"), Some("bad-argument")))?;
        to_js(&netsim::scenario::check_requests(&s, last.session.outcome()))
    }
}

/// The URL fragment (`#s=1.…`) that restores `state` (compressed, URL-safe).
#[wasm_bindgen(js_name = shareLink)]
pub fn share_link(
    #[wasm_bindgen(unchecked_param_type = "ShareState")] state: JsValue,
) -> Result<String, JsValue> {
    let s: ShareState = serde_wasm_bindgen::from_value(state).map_err(|e| {
        error(&format!("expected {{files, view, request, scenario}}: {e}"), Some("bad-argument"))
    })?;
    Ok(netsim::share::fragment(&netsim::share::ShareState {
        files: s.files.into_iter().map(|f| (f.name, f.text)).collect(),
        view: s.view,
        request: s.request.map(|r| (r.from, r.target)),
        scenario: s.scenario,
    }))
}

/// Restores a state from a share link: the fragment (`#s=…`), a whole URL, or the encoded text.
/// Throws an `Error` whose `code` is one of the `share-*` codes and whose message says what is
/// wrong (cut off, damaged, too large, newer format).
#[wasm_bindgen(js_name = openShareLink, unchecked_return_type = "ShareState")]
pub fn open_share_link(fragment: &str) -> Result<JsValue, JsValue> {
    let s = netsim::share::decode(fragment).map_err(|e| error(&e.to_string(), Some(e.code())))?;
    to_js(&ShareState {
        files: s.files.into_iter().map(|(name, text)| InputFile { name, text }).collect(),
        view: s.view,
        request: s.request.map(|(from, target)| ShareRequest { from, target }),
        scenario: s.scenario,
    })
}

/// The text of `types.d.ts`: the declarations of every core answer and question and of the
/// option types above (the `ts_declarations` test in `tests/` writes and checks the file).
#[cfg(feature = "ts")]
pub fn declarations() -> Result<String, String> {
    let mut d = netsim::ts::Declarations::default();
    d.add_core();
    d.add::<InputFile>();
    d.add::<Simulation<'static>>();
    d.add::<SimulateOptions>();
    d.add::<RequestOptions>();
    d.add::<GetOptions>();
    d.add::<ShareState>();
    d.render(
        "// The TypeScript declarations of kube-netsim's JavaScript package, generated from the Rust\n\
         // types (derive(ts_rs::TS), feature `ts`) by `cargo test -p netsim-tests --test\n\
         // ts_declarations`; `UPDATE_GOLDEN=1` rewrites this file. Do not edit it by hand.\n",
    )
}

/// Panics on purpose: lets the playground's end-to-end check prove that a crash in the engine
/// worker is reported (with the input) and survived. Not part of the API.
#[doc(hidden)]
#[wasm_bindgen(js_name = __testPanic, skip_typescript)]
pub fn test_panic() {
    panic!("deliberate panic for the crash-report test");
}

/// Parses and checks `static/scenarios/index.json`.
#[wasm_bindgen(js_name = parseScenarioIndex, unchecked_return_type = "ScenarioIndex")]
pub fn parse_scenario_index(json: &str) -> Result<JsValue, JsValue> {
    let index = netsim::scenario::parse_index(json)
        .map_err(|e| error(&e.to_string(), Some("bad-scenario-index")))?;
    to_js(&index)
}
