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
use netsim::session::{
    to_json, AskError, GetQuestion, OutputFormat, Question, RuleFormat, Session,
};
use netsim::view::{Analysis, DiagnosticRow, ObjectRow};
use serde::{Deserialize, Serialize};
use wasm_bindgen::prelude::*;

#[wasm_bindgen(typescript_custom_section)]
const TYPES: &'static str = r#"
/** One input text: a file name (shown in diagnostics) and its YAML or JSON. */
export interface InputFile { name: string; text: string; }
/** An object found in the input. */
export interface ObjectRow { kind: string; namespace: string; name: string; file: number; line: number; }
/** A diagnostic positioned for an editor (UTF-16 columns and offsets). */
export interface DiagnosticRow {
  severity: "hint" | "info" | "warning" | "error";
  code: string; message: string; hints: string[];
  file: number; line: number; col: number; from: number; to: number;
}
export interface Analysis { objects: ObjectRow[]; diagnostics: DiagnosticRow[]; errors: number; warnings: number; }

/** A node of the built cluster. */
export interface NodeSummary { name: string; ready: boolean; internalIPs: string[]; podCIDRs: string[]; }
/** A Pod of the built cluster (from the input or made by a workload controller). */
export interface PodSummary {
  namespace: string; name: string; node: string | null; ips: string[]; phase: string; ready: boolean;
  labels: Record<string, string>; containers: { name: string; ports: { name: string | null; port: number; protocol: string }[] }[];
}
export interface ServicePortSummary { name: string; protocol: string; port: number; targetPort: number | string; nodePort: number | null; }
/** A Service of the built cluster, with the ready endpoint addresses kube-proxy would use. */
export interface ServiceSummary {
  namespace: string; name: string; type: "ClusterIP" | "NodePort" | "LoadBalancer" | "ExternalName";
  clusterIPs: string[]; headless: boolean; externalName: string | null; externalIPs: string[];
  loadBalancerIngress: string[]; selector: Record<string, string> | null; ports: ServicePortSummary[];
  endpoints: { ip: string; ready: boolean; node: string | null; pod: string | null }[];
  dnsName: string;
}
export interface ClusterSummary {
  nodes: NodeSummary[]; pods: PodSummary[]; services: ServiceSummary[];
  dnsDomain: string; clusterDNS: string[];
}
/** What the controllers, scheduler and kubelet did (`kubectl events`). */
export interface ClusterEvent { type: "Normal" | "Warning"; reason: string; object: string; namespace: string; message: string; }
/** Options of `simulate`: what-if events applied after the build, in order. */
export interface SimulateOptions { events?: string[]; }
/** What `simulate` returns. */
export interface Simulation extends Analysis { cluster: ClusterSummary; events: ClusterEvent[]; whatIfErrors: string[]; }

/** A Kubernetes object named in an answer. */
export interface ObjectRef { kind: string; namespace: string; name: string; }

/** A DNS resource record, as dig prints it. */
export interface DnsRecord { name: string; type: string; ttl: number; data: string; }
/** One query of the resolver's search walk and CoreDNS's response. */
export interface DnsResponse {
  name: string; type: string;
  /** `answered` by the kubernetes plugin, `forwarded` upstream (never answered here), … */
  outcome: { kind: string; [key: string]: unknown };
  rcode: "NOERROR" | "NXDOMAIN" | "SERVFAIL" | "REFUSED" | null;
  answers: DnsRecord[]; authority: DnsRecord[]; additional: DnsRecord[];
  upstreamLookups: string[]; why: string;
}
/** What a resolver in a Pod sees for one name (`resolve`, `netsim dns -o json`). */
export interface Lookup {
  client: ObjectRef; virtualClient: boolean; exact: boolean; searches: string[]; resolvConf: string;
  packet: { src: string; dst: string; dstPort: number; protocol: string } | null;
  name: string; type: RecordType; nameserver: string | null; ndots: number;
  queries: DnsResponse[];
  result: { kind: "resolved" | "notFound" | "leavesCluster" | "failed" | "invalidName" | "noNameserver"; [key: string]: unknown };
  [key: string]: unknown;
}
export type RecordType = "A" | "AAAA" | "SRV" | "CNAME" | "PTR" | "TXT" | "NS" | "SOA" | "MX" | "ANY";

/** How a request ends; `unknown` where the manifests cannot decide it. */
export type Outcome = "connected" | "refused" | "timeout" | "nxdomain" | "unknown";
export interface RequestOptions { count?: number; seed?: number; }
export type HopKind = "client" | "resolv" | "resolve" | "dns" | "answer" | "enter" | "nat" | "filter" | "route" | "snat" | "deliver" | "note";
/** One step of a request's trace: a line for people, the rule behind it, the node. */
export interface Hop { kind: HopKind; text: string; rule: string | null; node: string | null; [key: string]: unknown; }
/** Who received the request: a Pod's container, or (`pod` null) the outside host or node process in `host`. */
export interface RequestEndpoint {
  pod: ObjectRef | null; host?: string; container: string | null; ip: string; port: number;
  node: string | null; sourceIp: string | null; [key: string]: unknown;
}
/** How many of `count` requests went to one endpoint, and the share the rules give it. */
export interface EndpointShare { pod: ObjectRef | null; ip: string; port: number; probability: number; count: number; [key: string]: unknown; }
/** An end-to-end request trace and its outcome (`request`, `netsim request -o json`). */
export interface Report {
  outcome: Outcome; reason: string; fix: string;
  from: string; target: string; port: number; count: number; seed: number;
  hops: Hop[]; endpoint: RequestEndpoint | null;
  /** With `count > 1`: the spread over the endpoints and the outcome counts. */
  distribution: EndpointShare[]; outcomes: Partial<Record<Outcome, number>>;
  /** The client, the Service addressed (if any), the Pod that answered (if any). */
  path: ObjectRef[];
  [key: string]: unknown;
}
/** One rule matched on a packet's way through a node's rules. */
export interface PacketStep { table: string; chain: string; rule: string; probability: number | null; note: string | null; }
export type PacketVerdict = "DNAT" | "REJECT" | "DROP" | "ACCEPT" | "NONE";
/** One packet walked through a node's kube-proxy rules, every random branch followed (`packet`). */
export interface PacketWalk {
  node: string; from: "pod" | "node" | "outside"; src: string; dst: string; proto: string;
  verdict: PacketVerdict;
  destinations: { ip: string; port: number; probability: number }[];
  masquerade: boolean; path: PacketStep[];
  branches: { probability: number; verdict: PacketVerdict; destination: string | null; masquerade: boolean; path: PacketStep[] }[];
  truncated: boolean;
  [key: string]: unknown;
}
export type RulesFormat = "restore" | "save";
/** One row of the Debug Services checklist. */
export interface ExplainCheck { id: string; result: "pass" | "fail" | "info"; title: string; evidence: string[]; fix: string; }
/** The Debug Services checklist for one Service (`explain`, `netsim explain -o json`). */
export interface Explanation { service: ObjectRef; ok: boolean; checks: ExplainCheck[]; }

/** A question for `ask`; the answer is the JSON text `netsim … -o json` prints for it. */
export type Question =
  | { ask: "request"; from: string; target: string; count?: number; seed?: number }
  | { ask: "dns"; name: string; from?: string; namespace?: string; type?: RecordType; exact?: boolean }
  | { ask: "resolvConf"; pod: string; namespace?: string }
  | { ask: "packet"; node: string; src: string; dst: string; proto?: "tcp" | "udp" | "sctp" }
  | { ask: "rules"; node: string; format?: RulesFormat; service?: string }
  | { ask: "explain"; service: string; namespace?: string }
  | { ask: "get"; kinds: string; names?: string[]; namespace?: string; allNamespaces?: boolean; selector?: string; output?: "table" | "wide" | "yaml" | "json" | "name" }
  | { ask: "service"; service: string }
  | { ask: "pod"; pod: string };

/** Everything a share link restores. */
export interface ShareState {
  files: InputFile[]; view: string;
  request: { from: string; target: string } | null; scenario: string | null;
}

export interface SuggestedRequest { from: string; target: string; expect: Outcome; }
export interface Requirement { from: string; target: string; expect?: Outcome; }
export interface Challenge { goal: string; mustSucceed: Requirement[]; mustFail: Requirement[]; }
export interface Scenario {
  name: string; title: string; lesson: string; file: string; explanation: string;
  requests: SuggestedRequest[]; tryThis: string[]; challenge?: Challenge;
}
/** Options of `get`. */
export interface GetOptions { wide?: boolean; }
export interface ScenarioIndex { default: string; scenarios: Scenario[]; }
export interface RequirementStatus {
  side: "mustSucceed" | "mustFail"; from: string; target: string; actual: Outcome | null; met: boolean; message: string;
}
export interface ChallengeStatus { solved: boolean; requirements: RequirementStatus[]; }
export interface SuggestedStatus { from: string; target: string; expect: Outcome; actual: Outcome | null; error?: string; }
"#;

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
    /// `RulesFormat` (optional argument of `rules`).
    #[wasm_bindgen(typescript_type = "RulesFormat")]
    pub type RulesFormatJs;
}

#[wasm_bindgen(start)]
fn start() {
    console_error_panic_hook::set_once();
}

#[derive(Deserialize, Serialize)]
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

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Simulation<'a> {
    objects: &'a [ObjectRow],
    diagnostics: &'a [DiagnosticRow],
    errors: usize,
    warnings: usize,
    cluster: ClusterSummary,
    events: &'a [netsim::cluster::Event],
    what_if_errors: Vec<&'a str>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct SimulateOptions {
    events: Vec<String>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct RequestOptions {
    count: Option<f64>,
    seed: Option<f64>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct GetOptions {
    wide: bool,
}

#[derive(Deserialize)]
struct ShareRequest {
    from: String,
    target: String,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct ShareStateJs {
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
        let last = self.last.insert(Last { session, analysis });
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
    /// namespace?, allNamespaces?, selector?, output?}`. The methods below return the same
    /// answers as objects.
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
        let q = GetQuestion {
            kinds: kinds.to_string(),
            all_namespaces: true,
            output: if o.wide { OutputFormat::Wide } else { OutputFormat::Table },
            ..GetQuestion::default()
        };
        last.session.get(&q).map(|l| l.text).map_err(ask_error)
    }

    /// The resolv.conf the kubelet writes into `pod` (`NAME` in default, or `NAMESPACE/NAME`).
    #[wasm_bindgen(js_name = resolvConf)]
    pub fn resolv_conf(&self, pod: &str) -> Result<String, JsValue> {
        let last = self.last()?;
        last.session.resolv_conf(pod, None).map(|rc| rc.to_string()).map_err(ask_error)
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

    /// The iptables rules kube-proxy writes on `node`: `restore` (what kube-proxy feeds to
    /// iptables-restore, the default) or `save` (what iptables-save shows afterwards).
    pub fn rules(&self, node: &str, format: Option<RulesFormatJs>) -> Result<String, JsValue> {
        let last = self.last()?;
        let format = format.and_then(|f| JsValue::from(f).as_string());
        let format = match format.as_deref() {
            None | Some("") => RuleFormat::Restore,
            Some(f) => RuleFormat::parse(f).ok_or_else(|| {
                error(&format!("unknown format '{f}': use restore or save"), Some("bad-format"))
            })?,
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
    let s: ShareStateJs = serde_wasm_bindgen::from_value(state).map_err(|e| {
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
    #[derive(Serialize)]
    struct Req {
        from: String,
        target: String,
    }
    #[derive(Serialize)]
    struct Out {
        files: Vec<InputFile>,
        view: String,
        request: Option<Req>,
        scenario: Option<String>,
    }
    to_js(&Out {
        files: s.files.into_iter().map(|(name, text)| InputFile { name, text }).collect(),
        view: s.view,
        request: s.request.map(|(from, target)| Req { from, target }),
        scenario: s.scenario,
    })
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
