// The TypeScript declarations of kube-netsim's JavaScript package, generated from the Rust
// types (derive(ts_rs::TS), feature `ts`) by `cargo test -p netsim-tests --test
// ts_declarations`; `UPDATE_GOLDEN=1` rewrites this file. Do not edit it by hand.

/**
 * Everything the results pane shows for one version of the input.
 */
export type Analysis = {
    objects: Array<ObjectRow>, diagnostics: Array<DiagnosticRow>, errors: number, warnings: number,
    /**
     * The cluster as the playground draws it.
     */
    topology: Topology,
    /**
     * How many objects and diagnostics [`Analysis::truncate`] left out (0 when complete).
     */
    omittedObjects?: number, omittedDiagnostics?: number,
    /**
     * The Kubernetes release the cluster runs, and the edits that choose another.
     */
    version: VersionView,
    /**
     * The next moments of the what-if timeline (a deleted Pod's grace period running out),
     * each with the event that makes it happen.
     */
    pending?: Array<PendingMoment>,
};

/**
 * Why a question has no answer: a bad argument (exit 2 in the CLI) or an object that does not
 * exist (exit 1), with a stable code and the message to show.
 */
export type AskError = {
    /**
     * Stable kebab-case code (`bad-target`, `unknown-pod`, `unknown-node`, …).
     */
    code: string, message: string,
    /**
     * Whether the question itself is malformed (the CLI's usage error) rather than naming
     * something the cluster lacks.
     */
    usage: boolean,
};

/**
 * One way the packet can go after the path all branches share.
 */
export type Branch = {
    /**
     * The share of new connections that take it.
     */
    probability: number, verdict: Verdict,
    /**
     * `ip:port` of the DNAT, if any.
     */
    destination: string | null, masquerade: boolean,
    /**
     * The steps after the shared path.
     */
    path: Array<Step>,
};

/**
 * A scenario broken on purpose, and the goal that says it is fixed.
 */
export type Challenge = {
    /**
     * The goal in a sentence or two.
     */
    goal: string,
    /**
     * Requests that must connect.
     */
    mustSucceed: Array<Requirement>,
    /**
     * Requests that must not connect.
     */
    mustFail: Array<Requirement>,
};

/**
 * The state of a challenge after the learner's latest edit.
 */
export type ChallengeStatus = {
    solved: boolean,
    /**
     * Every requirement, `mustSucceed` first, in index order.
     */
    requirements: Array<RequirementStatus>,
};

/**
 * One checklist row.
 */
export type Check = {
    /**
     * Stable id: `service-exists`, `selector`, `target-port`, `readiness`, `endpoints`,
     * `network-policy`, `dns`, `rules`, `load-balancer`, `traffic-policy`.
     */
    id: string, result: Mark,
    /**
     * The row's headline.
     */
    title: string,
    /**
     * Evidence lines (one per Pod, node or name).
     */
    evidence: Array<string>,
    /**
     * Empty for ✓ rows.
     */
    fix: string,
};

/**
 * One Kubernetes event, in `kubectl events` words.
 */
export type ClusterEvent = {
    type: EventType,
    /**
     * `SuccessfulCreate`, `Scheduled`, `Killing`, `FailedScheduling`, …
     */
    reason: string,
    /**
     * `kind/name` in kubectl's lower-case form: `replicaset/web-7d4b9c8f5`, `pod/web-0`.
     */
    object: string,
    /**
     * Empty for cluster-scoped objects (nodes).
     */
    namespace: string, message: string,
};

export type ClusterSummary = { nodes: Array<NodeSummary>, pods: Array<PodSummary>, services: Array<ServiceSummary>, dnsDomain: string, clusterDNS: Array<string>, };

export type ContainerPortSummary = { name: string | null, port: number, protocol: Protocol, };

export type ContainerSummary = { name: string, ports: Array<ContainerPortSummary>, };

/**
 * The outcome for one direction, or for the whole connection.
 */
export type Decision = "allowed" | "denied" | "unknown";

/**
 * What `kubectl describe KIND [NAME]` prints.
 */
export type Description = {
    /**
     * The API kind described (`Service`, `Pod`, …).
     */
    kind: string,
    /**
     * stdout: the descriptions (several, without a NAME, separated by a blank line); empty
     * when nothing matched.
     */
    text: string,
    /**
     * stderr lines: the API server's `Warning: …` for reading v1 Endpoints (v1.33+), `No
     * resources found in NS namespace.` when no NAME was given and the namespace has none of
     * the kind.
     */
    problems: Array<string>,
};

/**
 * A possible DNAT target with the share of traffic it gets.
 */
export type Destination = { ip: string, port: number, probability: number, };

/**
 * One diagnostic, positioned for the editor.
 */
export type DiagnosticRow = {
    severity: Severity, code: string, message: string, hints: Array<string>, file: number, line: number,
    /**
     * 1-based column in characters as the editor counts them (UTF-16).
     */
    col: number,
    /**
     * UTF-16 offsets of the span in its file, for squiggles.
     */
    from: number, to: number,
    /**
     * A one-click fix (e.g. add the missing Namespace), in the editor's UTF-16 offsets.
     */
    fix?: FixRow | null,
};

/**
 * Which way a connection is judged: egress at the source Pod, ingress at the destination Pod.
 */
export type Direction = "egress" | "ingress";

/**
 * The judgement of one direction of a connection.
 */
export type DirectionVerdict = {
    direction: Direction,
    /**
     * The Pod judged (`NS/NAME`): the source for egress, the destination for ingress. `None`
     * when that end is not a Pod (a node or an outside address): nothing to judge, allowed.
     */
    pod: string | null,
    /**
     * NetworkPolicy isolation of that Pod for this direction.
     */
    isolation: Isolation, decision: Decision,
    /**
     * The policy that decided (for `Unknown`: the one whose rule the doubt is about), if any.
     */
    decidedBy: PolicyRef | null, rule: RuleRef | null,
    /**
     * One sentence for a learner that names the policy and the direction.
     */
    reason: string,
    /**
     * Every policy that took part, in evaluation order.
     */
    policies: Array<PolicyEffect>,
};

/**
 * A name the Service answers to, and from where it works.
 */
export type DnsName = {
    name: string,
    /**
     * `from Pods in NS`, `from any namespace`, `fully qualified`.
     */
    scope: string,
};

/**
 * What happened to one query sent to cluster DNS.
 */
export type DnsOutcome = { "kind": "answered" } | {
    "kind": "forwarded",
    /**
     * The forward targets as the Corefile gives them (`/etc/resolv.conf`), with what they
     * mean here.
     */
    upstream: string,
} | { "kind": "otherNameserver", nameserver: string, } | { "kind": "invalid", error: QueryError, };

/**
 * A DNS query as a packet: the Pod sends UDP to the first nameserver on port 53. The request
 * simulation routes it (through kube-proxy's rules for the kube-dns ClusterIP) to a CoreDNS Pod.
 */
export type DnsPacket = { src: string, dst: string, dstPort: number, protocol: Protocol, };

/**
 * One resource record. `name` is absolute (trailing dot); `data` is the RDATA in zone-file
 * presentation format, exactly as `dig` prints it (`0 100 80 svc1.testns.svc.cluster.local.`,
 * `"1.1.0"`).
 */
export type DnsRecord = { name: string, type: RecordType, ttl: number, data: string, };

/**
 * One DNS response (or non-response, see [`Outcome`]).
 */
export type DnsResponse = {
    /**
     * The question name, absolute, with the case the client used.
     */
    name: string, type: RecordType, outcome: DnsOutcome,
    /**
     * `None` unless [`Outcome::Answered`].
     */
    rcode: Rcode | null, answers: Array<DnsRecord>, authority: Array<DnsRecord>, additional: Array<DnsRecord>,
    /**
     * Names CoreDNS resolves through its own upstream to complete the answer (the target of
     * an ExternalName CNAME outside the cluster zones). Their addresses are not simulated.
     */
    upstreamLookups: Array<string>,
    /**
     * Why this rcode, in words (which `parse.go` / `kubernetes.go` rule applied).
     */
    why: string,
};

/**
 * Which branch of `GetPodDNS` produced the file.
 */
export type DnsSource = "Cluster" | "Host" | "None";

export type Edge = {
    /**
     * `<from>-><to>`.
     */
    id: string, from: string, to: string, kind: EdgeKind,
    /**
     * Short text for the edge (near-miss reason, entry label); empty if none.
     */
    label: string, nearMiss: NearMiss | null,
    /**
     * A cubic Bézier: start, control 1, control 2, end.
     */
    points: [Point, Point, Point, Point],
    /**
     * Where the label is drawn (the curve's midpoint; near-miss labels staggered).
     */
    labelAt: Point,
};

export type EdgeKind = "ready" | "notReady" | "nearMiss" | "entry" | "externalName";

/**
 * What one policy did to a connection in one direction.
 */
export type Effect = "allow" | "deny" | "pass";

/**
 * Who received the request.
 */
export type Endpoint = {
    /**
     * The Pod that accepted it (`None` when the request left the cluster or reached a node's
     * own process).
     */
    pod: ObjectRef | null,
    /**
     * The host outside the cluster, or the node process, that the request reached instead.
     */
    host?: string | null, container: string | null, ip: string, port: number, node: string | null,
    /**
     * The client address the server sees (after any SNAT).
     */
    sourceIp: string | null,
};

/**
 * One endpoint of the Service's EndpointSlices, with its conditions.
 */
export type EndpointRow = {
    pod: ObjectRef | null, ip: string, node: string | null, ready: boolean, serving: boolean, terminating: boolean,
    /**
     * The endpoint's `zone` (its node's `topology.kubernetes.io/zone`), when it has one.
     */
    zone?: string | null,
    /**
     * The EndpointSlice controller's `hints.forZones` (trafficDistribution PreferSameZone /
     * PreferClose): kube-proxy in those zones prefers this endpoint.
     */
    forZones?: Array<string>,
    /**
     * `hints.forNodes` (trafficDistribution PreferSameNode).
     */
    forNodes?: Array<string>,
};

export type EndpointSummary = { ip: string, ready: boolean, node: string | null, pod: string | null, };

export type EntryKind = "nodePort" | "loadBalancer" | "externalIp";

/**
 * A way into a Service from outside the cluster.
 */
export type EntryPoint = {
    /**
     * `entry/<namespace>/<service>/<nodePort|loadBalancer|externalIp>`.
     */
    id: string, service: string, kind: EntryKind,
    /**
     * `:30080`, `203.0.113.7:80`, `<pending>`.
     */
    label: string, rect: Rect,
};

/**
 * `Normal` or `Warning`, as in `kubectl events`.
 */
export type EventType = "Normal" | "Warning";

/**
 * The checklist for one Service (`netsim explain -o json`).
 */
export type Explanation = {
    service: ObjectRef,
    /**
     * No row failed.
     */
    ok: boolean, checks: Array<Check>,
};

/**
 * A diagnostic's one-click fix, for the editor: apply `edits` together (one undo step).
 */
export type FixRow = {
    /**
     * The button's label: `Add Namespace "shop"`.
     */
    title: string,
    /**
     * In text order (file, then offset), so an editor applies them in one pass.
     */
    edits: Array<TextEdit>,
};

/**
 * `kubectl get`'s output formats (`-o`).
 */
export type GetFormat = "table" | "wide" | "yaml" | "json" | "name";

/**
 * Options of `get`.
 */
export type GetOptions = { wide?: boolean, };

/**
 * The arguments of `kubectl get`, as the CLI and the page pass them (`Question::Get`).
 */
export type GetRequest = {
    /**
     * `pods`, `svc,ep`, `all` (kubectl's "all" category), `events`; kubectl's names and short
     * names, optionally with the group (`deployments.apps`).
     */
    kinds?: string,
    /**
     * Objects to list by name (one resource type only).
     */
    names?: Array<string>,
    /**
     * `-n`; `None` is the `default` namespace.
     */
    namespace?: string,
    /**
     * `-A`.
     */
    allNamespaces?: boolean,
    /**
     * `-l`, kubectl's selector syntax (empty: everything).
     */
    selector?: string,
    /**
     * `-o`.
     */
    output?: GetFormat,
    /**
     * `--show-labels`: a LABELS column last (tables only).
     */
    showLabels?: boolean,
};

/**
 * One step of the trace.
 */
export type Hop = {
    kind: HopKind,
    /**
     * One line for people.
     */
    text: string,
    /**
     * The rule behind it, as written in the node's rules (for `nat`/`filter` hops).
     */
    rule: string | null,
    /**
     * The node the hop happens on, if any.
     */
    node: string | null,
    /**
     * For `policy` hops: every policy that took part, and what it did.
     */
    policies?: Array<PolicyEffect>,
};

/**
 * What a hop of the trace is.
 */
export type HopKind = "client" | "resolv" | "resolve" | "dns" | "answer" | "enter" | "nat" | "filter" | "route" | "snat" | "policy" | "deliver" | "note";

/**
 * One input text: a file name (shown in diagnostics) and its YAML or JSON.
 */
export type InputFile = { name: string, text: string, };

/**
 * Whether NetworkPolicy isolates a Pod for one direction.
 */
export type Isolation = "notIsolated" | "isolated" | "unknown";

/**
 * A `key=value` label or selector pair.
 */
export type LabelPair = { key: string, value: string, };

/**
 * What `get` prints.
 */
export type Listing = {
    /**
     * stdout: the tables (one per kind, a blank line between), the `-o name` lines, or the
     * YAML/JSON document.
     */
    text: string,
    /**
     * stderr lines, as kubectl prints them: the API server's `Warning: …` (a list of v1
     * Endpoints), `Error from server (NotFound): …` for a named object that does not exist,
     * `No resources found in NS namespace.` when nothing matched, and for a `-l` selector the
     * API server cannot parse, kubectl's `Error from server (BadRequest): Unable to find …`
     * line per resource type.
     */
    problems: Array<string>,
    /**
     * Every named object was found (and the selector parsed).
     */
    ok: boolean,
};

/**
 * What a resolver in a Pod sees for one name (`netsim dns -o json`).
 */
export type Lookup = {
    /**
     * The client Pod.
     */
    client: ObjectRef,
    /**
     * The client is a virtual Pod (dnsPolicy ClusterFirst) in that namespace, not one of the
     * cluster's.
     */
    virtualClient: boolean,
    /**
     * The name was sent once, fully qualified, with no search list (`--exact`).
     */
    exact: boolean,
    /**
     * The client's search list.
     */
    searches: Array<string>,
    /**
     * The client's `/etc/resolv.conf`.
     */
    resolvConf: string,
    /**
     * The query packet: Pod IP → first nameserver, UDP 53 (`None` without a Pod IP).
     */
    packet: DnsPacket | null,
    /**
     * The name asked.
     */
    name: string, type: RecordType,
    /**
     * The nameserver the queries go to.
     */
    nameserver: string | null, ndots: number,
    /**
     * Each query of the search walk, in order, with CoreDNS's response.
     */
    queries: Array<DnsResponse>,
    /**
     * How the walk ended.
     */
    result: WalkResult,
    /**
     * The NetworkPolicies that judged the queries (the client's egress, CoreDNS's ingress).
     */
    policies?: Array<PolicyEffect>,
};

/**
 * ✓, ✗, or a neutral note.
 */
export type Mark = "pass" | "fail" | "info";

/**
 * One cell of the selector-match table: a selector pair against one Pod's labels.
 */
export type MatchCell = {
    ok: boolean,
    /**
     * `✓`, `✗ app=api` (the Pod's value), or `✗ no app`.
     */
    text: string,
};

/**
 * One Pod of the Service's namespace against every selector pair.
 */
export type MatchRow = {
    pod: ObjectRef, cells: Array<MatchCell>,
    /**
     * Every pair matches: the Service selects the Pod.
     */
    selected: boolean,
};

/**
 * Sources (rows) × destinations (columns).
 */
export type Matrix = {
    /**
     * `NS/NAME`, the order of both rows and columns.
     */
    pods: Array<string>,
    /**
     * The port each column was probed on.
     */
    ports: Array<MatrixPort>,
    /**
     * Every policy of the cluster (what [`Cell::by`] points into).
     */
    policies: Array<PolicyRef>,
    /**
     * `cells[source][destination]`. A Pod to itself is always allowed.
     */
    cells: Array<Array<MatrixCell>>,
    /**
     * Requested names that are no Pod of the cluster.
     */
    missing: Array<string>, allowed: number, denied: number, unknown: number,
};

/**
 * One cell: may the row's Pod open a connection to the column's Pod?
 */
export type MatrixCell = {
    decision: Decision,
    /**
     * Index into [`Matrix::policies`] of the policy that decided (for allowed cells: the one
     * that allowed it), if any.
     */
    by: number | null,
    /**
     * The direction that decided.
     */
    direction: Direction | null,
};

/**
 * The port a destination column is probed on.
 */
export type MatrixPort = {
    port: number,
    /**
     * `TCP`, `UDP` or `SCTP`.
     */
    protocol: string,
    /**
     * The request target that probes this column from a row's Pod: the Pod's first IP and the
     * port (`10.244.1.5:8080`, `[fd00::5]:8080`); empty while the Pod has no IP.
     */
    target: string,
};

/**
 * A namespace and its colour index, derived from the name alone (stable across inputs).
 */
export type NamespaceTag = { name: string, color: number, };

/**
 * Which selector pair a near-miss Pod lacks, and what it has instead.
 */
export type NearMiss = {
    /**
     * The selector pair the Pod does not match.
     */
    want: LabelPair,
    /**
     * The Pod's closest pair (same key with another value, or a look-alike key), if any.
     */
    have: LabelPair | null,
};

/**
 * A node column holding its Pods (or per-owner groups when it has many).
 */
export type NodeBox = {
    /**
     * `node/<name>`; `node/` (empty name) is the column of Pods not scheduled to a known node.
     */
    id: string, name: string,
    /**
     * `control-plane`, `worker`, or `unscheduled`.
     */
    role: string, ready: boolean,
    /**
     * First InternalIP, empty if none.
     */
    internalIp: string,
    /**
     * The node's `topology.kubernetes.io/zone` label, when it has one.
     */
    zone?: string | null, rect: Rect, pods: Array<PodBox>,
    /**
     * Non-empty only when the node has more than [`GROUP_THRESHOLD`] Pods (then `pods` is empty).
     */
    groups: Array<PodGroup>,
};

export type NodeSummary = { name: string, ready: boolean, internalIPs: Array<string>, podCIDRs: Array<string>, };

/**
 * An object of the cluster by kind, namespace and name (`namespace` is empty for
 * cluster-scoped kinds such as Node).
 */
export type ObjectRef = { kind: string, namespace: string, name: string, };

/**
 * One object found in the input.
 */
export type ObjectRow = {
    kind: string,
    /**
     * Empty for cluster-scoped kinds.
     */
    namespace: string, name: string, file: number,
    /**
     * 1-based line where the object's document starts; 0 for objects the cluster made.
     */
    line: number,
};

/**
 * How a request ends (`netsim request`, docs/cli.md): the one outcome type of the core, also
 * what scenarios promise and challenges require.
 */
export type Outcome = "connected" | "refused" | "timeout" | "nxdomain" | "unknown";

export type OutsideBox = {
    /**
     * `client`, or `ext/<namespace>/<service>`.
     */
    id: string, kind: OutsideKind, label: string, rect: Rect,
};

export type OutsideKind = "client" | "externalName";

/**
 * The walk (`netsim packet -o json`, docs/cli.md).
 */
export type PacketWalk = {
    node: string,
    /**
     * Where the packet comes from: `pod`, `node` or `outside` (which decides the first hook).
     */
    from: string, src: string,
    /**
     * `ip:port` (`[v6]:port`).
     */
    dst: string, proto: Protocol,
    /**
     * DNAT when any branch is DNATed, otherwise the first branch's verdict.
     */
    verdict: Verdict,
    /**
     * Every possible DNAT target in rule order, with its share.
     */
    destinations: Array<Destination>,
    /**
     * Whether any branch is masqueraded.
     */
    masquerade: boolean,
    /**
     * The steps every branch shares: `{table, chain, rule, probability, note}`.
     */
    path: Array<Step>, branches: Array<Branch>,
    /**
     * The walk hit a bound (nesting, branches) and stopped.
     */
    truncated: boolean,
};

/**
 * One peer of a rule, resolved.
 */
export type PeerView = {
    /**
     * "Pods app=client in namespace shop", "every Pod in namespaces team=a", "10.0.0.0/24
     * except 10.0.0.5/32", …
     */
    text: string,
    /**
     * The Pods it matches (`NS/NAME`, at most [`MAX_LISTED`]).
     */
    pods: Array<string>, podCount: number,
    /**
     * For namespace selectors: the namespaces it matches (at most [`MAX_LISTED`]).
     */
    namespaces: Array<string>, nearMisses: Array<PolicyNearMiss>,
};

/**
 * A moment the what-if timeline can go to next.
 */
export type PendingMoment = {
    /**
     * The what-if event that makes it happen (`grace-over/default/web-abc`).
     */
    event: string,
    /**
     * The topology id of the Pod it is about (`pod/default/web-abc`).
     */
    pod: string,
    /**
     * When it happens, in seconds after the deletion (the grace period).
     */
    seconds: number,
    /**
     * The button: `Grace period over: web-abc (30 s later)`.
     */
    title: string,
    /**
     * What happens then, in one sentence.
     */
    text: string,
};

export type PodBox = {
    /**
     * `pod/<namespace>/<name>`.
     */
    id: string, name: string,
    /**
     * `name`, shortened to fit the box.
     */
    label: string, namespace: string, color: number,
    /**
     * First Pod IP, empty while it has none.
     */
    ip: string, labels: Array<LabelPair>,
    /**
     * `labels` as one line (`app=web tier=fe`), shortened to fit the box.
     */
    labelsText: string, state: PodState,
    /**
     * The controller owner as `Kind/name`, if any.
     */
    owner: string | null, node: string,
    /**
     * One line per container (sidecars included): `web (nginx:1.25) 80/TCP http`.
     */
    containers: Array<string>,
    /**
     * The containers' names, in the same order (what `pod/NS/NAME:CONTAINER` names).
     */
    containerNames: Array<string>, rect: Rect,
};

/**
 * The inspector's Pod (`{ask: "pod", pod}`).
 */
export type PodDetail = {
    pod: ObjectRef,
    /**
     * The controller chain, nearest first (`ReplicaSet web-7d4…`, `Deployment web`).
     */
    owners: Array<ObjectRef>,
    /**
     * What "scale" changes: the Deployment of a ReplicaSet's Pod, else its ReplicaSet or
     * StatefulSet; `None` for bare Pods and DaemonSet Pods.
     */
    scalable: Scalable | null, selectedBy: Array<SelectedBy>,
    /**
     * The container names (what `pod/NS/NAME:CONTAINER` request sources name).
     */
    containers: Array<string>,
};

/**
 * Pods of one owner on one node, drawn as a count box.
 */
export type PodGroup = {
    /**
     * `group/<node>/<namespace>/<owner>`.
     */
    id: string,
    /**
     * `Kind/name`, empty for Pods without a controller, or `*` when the node has so many
     * owners that its Pods are grouped per namespace only.
     */
    owner: string, label: string, namespace: string, color: number, count: number, ready: number,
    /**
     * The ids of the Pods in the group, in order.
     */
    pods: Array<string>, rect: Rect,
};

/**
 * The policies that apply to one Pod (a topology marker).
 */
export type PodPolicies = {
    /**
     * `NS/NAME`.
     */
    pod: string, ingress: Isolation, egress: Isolation,
    /**
     * NetworkPolicies (`NS/NAME`) isolating the Pod for ingress / egress.
     */
    ingressPolicies: Array<string>, egressPolicies: Array<string>,
    /**
     * ClusterNetworkPolicies whose subject selects the Pod, in evaluation order.
     */
    clusterPolicies: Array<string>,
};

/**
 * The state a Pod box is drawn in.
 */
export type PodState = "ready" | "notReady" | "pending" | "terminating";

export type PodSummary = { namespace: string, name: string, node: string | null, ips: Array<string>, phase: string, ready: boolean, labels: { [key in string]: string }, containers: Array<ContainerSummary>, };

export type Point = { x: number, y: number, };

/**
 * One entry of the `policies` array of `netsim request -o json` (cli.md):
 * `{"name":"NS/NAME","kind":"NetworkPolicy","direction":"ingress","effect":"deny"}`.
 */
export type PolicyEffect = { name: string, kind: PolicyKind, direction: Direction, effect: Effect, };

/**
 * Everything the policy inspector shows about one policy.
 */
export type PolicyInspection = {
    /**
     * `NS/NAME` (NetworkPolicy) or `NAME` (ClusterNetworkPolicy).
     */
    name: string, kind: PolicyKind, namespace: string | null,
    /**
     * ClusterNetworkPolicy `Admin` / `Baseline`.
     */
    tier: string | null, priority: number | null,
    /**
     * NetworkPolicy: `policyTypes` (after defaulting); ClusterNetworkPolicy: the directions it
     * has rules for.
     */
    directions: Array<Direction>,
    /**
     * NetworkPolicy: the POD-SELECTOR column; ClusterNetworkPolicy: the subject's selectors.
     */
    selector: string,
    /**
     * A sentence: "Selects Pods app=web in namespace shop (2 Pods)."
     */
    selects: string, selected: Array<string>, selectedCount: number, nearMisses: Array<PolicyNearMiss>, rules: Array<RuleView>,
    /**
     * Things a learner should know (defaulted policyTypes, ignored egress rules, the AND/OR
     * trap, alpha API, equal priorities).
     */
    notes: Array<string>,
};

/**
 * The kind of a policy, spelled as the API kind.
 */
export type PolicyKind = "NetworkPolicy" | "ClusterNetworkPolicy";

/**
 * A Pod or namespace that misses a selector by one requirement.
 */
export type PolicyNearMiss = {
    /**
     * `pod/NS/NAME` or `namespace/NAME`.
     */
    object: string,
    /**
     * Which selector: `podSelector`, `namespaceSelector`, `subject.namespaces`, …
     */
    selector: string,
    /**
     * The requirement it misses (`app=web`, `tier in (a,b)`, `!legacy`).
     */
    want: string,
    /**
     * What it has instead (the same key with another value, or a look-alike key), if any.
     */
    have: string | null,
};

/**
 * The cluster's policies and which Pods they isolate (`{ask: "policies"}`).
 */
export type PolicyOverview = {
    /**
     * NetworkPolicies by namespace/name, then ClusterNetworkPolicies in evaluation order.
     */
    policies: Array<PolicyRef>,
    /**
     * The Pods some policy isolates, with the direction and the policies (topology markers).
     */
    isolated: Array<PodPolicies>,
    /**
     * Policies beyond the limit, left out of every answer.
     */
    omitted: number,
};

/**
 * A policy by name: `NS/NAME` for a NetworkPolicy, `NAME` for a (cluster-scoped)
 * ClusterNetworkPolicy.
 */
export type PolicyRef = { name: string, kind: PolicyKind, };

/**
 * The judgement of a connection: egress at the source and ingress at the destination.
 */
export type PolicyVerdict = {
    /**
     * Allowed only when both directions are; denied when either is; unknown otherwise.
     */
    decision: Decision, egress: DirectionVerdict, ingress: DirectionVerdict,
    /**
     * Every policy that took part: egress first (the packet meets it first), then ingress.
     */
    policies: Array<PolicyEffect>,
    /**
     * The direction that decided a denied or unknown connection (egress first).
     */
    decidedIn: Direction | null, decidedBy: PolicyRef | null,
    /**
     * One sentence: the deciding direction's reason (both, when allowed and restricted).
     */
    reason: string,
};

export type PortRef = number | string;

export type Protocol = "TCP" | "UDP" | "SCTP";

/**
 * Why a query was never sent: the name or type is not something a resolver puts on the wire.
 */
export type QueryError = { "error": "empty-name" } | { "error": "empty-label", name: string, } | { "error": "label-too-long", label: string, len: number, } | { "error": "name-too-long", len: number, } | { "error": "non-ascii", name: string, } | { "error": "bad-character", name: string, } | { "error": "unknown-type", name: string, };

/**
 * Every question, as the JS package and the engine worker pass it (`{"ask": "request", …}`).
 */
export type Question = { "ask": "request", from: string, target: string, count?: number, seed?: number, } | { "ask": "dns", name: string, from?: string, namespace?: string, type?: string, exact?: boolean, } | { "ask": "resolvConf", pod: string, namespace?: string, } | { "ask": "packet", node: string, src: string, dst: string, proto?: string, } | { "ask": "rules", node: string, format?: RuleFormat, service?: string, mode?: string, } | { "ask": "explain", service: string, namespace?: string, } | { "ask": "get" } & GetRequest | { "ask": "describe", kind: string, name?: string, namespace?: string, } | { "ask": "service", service: string, } | { "ask": "pod", pod: string, } | { "ask": "policies" } | { "ask": "topologySvg" } | { "ask": "policy", kind: string, name: string, } | { "ask": "text", question: Question, } | { "ask": "matrix", pods?: Array<string>, port?: string, };

/**
 * The response codes CoreDNS gives in this simulation.
 */
export type Rcode = "NOERROR" | "NXDOMAIN" | "SERVFAIL" | "REFUSED";

/**
 * A query type. The simulator answers any type as CoreDNS does: the types the kubernetes plugin
 * has records for by name, every other one (`HINFO`, `CAA`, `TYPE65280`, …) as
 * [`RecordType::Other`] with its number, answered like the plugin's `default:` branch
 * (`handler.go` `ServeDNS`: a fake A lookup tells NXDOMAIN from NODATA).
 */
export type RecordType = string;

/**
 * An axis-aligned box.
 */
export type Rect = { x: number, y: number, w: number, h: number, };

/**
 * The result of a request (`netsim request -o json`).
 */
export type Report = {
    outcome: Outcome,
    /**
     * Why, in one or two sentences.
     */
    reason: string,
    /**
     * What to change, in one sentence (empty when nothing needs fixing).
     */
    fix: string,
    /**
     * The source as asked (`pod/NS/NAME`, `node/NAME`, `external`).
     */
    from: string,
    /**
     * The target as asked (`host:port` or a URL).
     */
    target: string,
    /**
     * The destination port.
     */
    port: number,
    /**
     * The zone of the client's node (`topology.kubernetes.io/zone`), when it has one: topology
     * hints (trafficDistribution) keep traffic there.
     */
    sourceZone?: string | null,
    /**
     * How many requests were sent, and the seed of kube-proxy's random choices.
     */
    count: number, seed: number, hops: Array<Hop>, endpoint: Endpoint | null,
    /**
     * Present when more than one request was sent.
     */
    distribution: Array<Share>,
    /**
     * Outcome counts over all requests, when more than one was sent.
     */
    outcomes: { [key in Outcome]?: number },
    /**
     * The objects the request went through, in order: the client (Pod or Node), the Service
     * it addressed (if any), the Pod that answered (if any).
     */
    path: Array<ObjectRef>,
    /**
     * Every NetworkPolicy / ClusterNetworkPolicy that took part (the DNS query's and the
     * connection's), in the order the packets met them (docs/cli.md `policies`).
     */
    policies: Array<PolicyEffect>,
};

/**
 * Options of `request`: how many requests (1 to 100000) and the seed of kube-proxy's random
 * choices.
 */
export type RequestOptions = { count?: number, seed?: number, };

/**
 * A challenge requirement: a request and what it must (not) do.
 */
export type Requirement = {
    from: string, target: string,
    /**
     * For `mustFail`, a specific failure (e.g. `refused`); absent: any outcome but `connected`.
     * For `mustSucceed` it may only be `connected` (the default).
     */
    expect?: Outcome | null,
};

/**
 * One requirement checked.
 */
export type RequirementStatus = {
    side: Side, from: string, target: string,
    /**
     * What happened (`None` when the request could not be sent).
     */
    actual: Outcome | null, met: boolean,
    /**
     * A sentence for the learner: `✓ pod/client → web:80 connects` or what is still wrong.
     */
    message: string,
};

/**
 * A Pod's `/etc/resolv.conf`. `Display` prints the file.
 */
export type ResolvConf = {
    nameservers: Array<string>, searches: Array<string>, options: Array<string>, source: DnsSource,
    /**
     * kubelet events (`DNSConfigForming`, `MissingClusterDNS`) raised while forming the file.
     */
    warnings: Array<string>,
};

/**
 * Which text of the rules.
 */
export type RuleFormat = "restore" | "save" | "dump" | "ruleset";

/**
 * The rule that decided: its position in the policy's `ingress`/`egress` list (0-based) and,
 * for ClusterNetworkPolicy rules, its `name` when it has one.
 */
export type RuleRef = { index: number, name?: string | null, };

/**
 * One rule of a policy, resolved.
 */
export type RuleView = {
    direction: Direction,
    /**
     * Position in the policy's `ingress`/`egress` list (0-based).
     */
    index: number,
    /**
     * ClusterNetworkPolicy rule name, when given.
     */
    name: string | null,
    /**
     * `allow` for NetworkPolicy rules; `accept`, `deny` or `pass` for ClusterNetworkPolicy.
     */
    action: string,
    /**
     * One sentence: "Allows ingress from Pods app=client in namespace shop on TCP 8080."
     */
    text: string,
    /**
     * Empty: every peer.
     */
    peers: Array<PeerView>,
    /**
     * "TCP 8080", "TCP 32000-32768", "TCP http (named port)", "all TCP ports"; empty: every
     * port and protocol.
     */
    ports: Array<string>,
};

/**
 * One node's kube-proxy rules (`netsim iptables -o json`, `netsim nftables -o json`).
 */
export type Rules = {
    node: string,
    /**
     * The proxy mode these rules are for (`iptables` or `nftables`).
     */
    mode: string,
    /**
     * The mode the cluster's kube-proxy runs (KubeProxyConfiguration `mode`; `ipvs` shows
     * iptables rules).
     */
    clusterMode: string, format: RuleFormat, text: string,
    /**
     * iptables mode with more than 1000 endpoints: kube-proxy drops the per-endpoint comments.
     */
    largeClusterMode: boolean,
    /**
     * When asked about one Service: the 0-based numbers of the lines that are its rules (the
     * lines that name it, and every line of the chains those lines lead to).
     */
    highlight: Array<number>,
};

/**
 * The workload that owns a Pod and can be scaled.
 */
export type Scalable = {
    /**
     * `deployment`, `replicaset`, `statefulset`, `replicationcontroller` (the what-if's
     * spelling).
     */
    kind: string, name: string, replicas: number,
};

/**
 * One scenario of the library.
 */
export type Scenario = {
    /**
     * Kebab-case, unique; `?scenario=NAME` opens it.
     */
    name: string, title: string,
    /**
     * The lesson point or classic mistake it demonstrates (product.md wording).
     */
    lesson: string,
    /**
     * The manifest file, relative to the index.
     */
    file: string,
    /**
     * A few sentences in plain language.
     */
    explanation: string, requests: Array<SuggestedRequest>, tryThis: Array<string>, challenge?: Challenge | null,
};

/**
 * The index file: `{"scenarios": [...]}`.
 */
export type ScenarioIndex = {
    /**
     * The scenario opened when no other is asked for.
     */
    default: string, scenarios: Array<Scenario>,
};

/**
 * A Service that selects the Pod.
 */
export type SelectedBy = { service: ObjectRef, type: ServiceType, };

export type ServiceBox = {
    /**
     * `svc/<namespace>/<name>`.
     */
    id: string, name: string, label: string, namespace: string, color: number, type: string,
    /**
     * The primary ClusterIP; `None` for headless Services; empty for ExternalName.
     */
    clusterIp: string,
    /**
     * One line per port: `80/TCP → http`, or `80:30080/TCP → 8080` with a NodePort.
     */
    ports: Array<string>,
    /**
     * `<name>.<namespace>.svc.<domain>`.
     */
    dnsName: string,
    /**
     * kubectl's EXTERNAL-IP column when it is not `<none>`: addresses, or `<pending>`.
     */
    externalIp: string | null, externalName: string | null, selector: Array<LabelPair>,
    /**
     * Pods behind the Service (from its EndpointSlices) and how many of them are ready.
     */
    endpoints: number, readyEndpoints: number, rect: Rect,
};

/**
 * The inspector's Service (`{ask: "service", service}`).
 */
export type ServiceDetail = {
    service: ObjectRef,
    /**
     * `key=value` pairs of the selector, in order (empty: no selector).
     */
    selector: Array<string>,
    /**
     * Every Pod of the namespace against the selector (empty without a selector).
     */
    matches: Array<MatchRow>, endpoints: Array<EndpointRow>, dnsNames: Array<DnsName>, checklist: Explanation,
};

export type ServicePortSummary = { name: string, protocol: Protocol, port: number, targetPort: PortRef, nodePort: number | null, };

export type ServiceSummary = { namespace: string, name: string, type: ServiceType, clusterIPs: Array<string>, headless: boolean, externalName: string | null, externalIPs: Array<string>, loadBalancerIngress: Array<string>, selector: { [key in string]: string } | null, ports: Array<ServicePortSummary>, endpoints: Array<EndpointSummary>, dnsName: string, };

export type ServiceType = "ClusterIP" | "NodePort" | "LoadBalancer" | "ExternalName";

export type Severity = "hint" | "info" | "warning" | "error";

/**
 * How `count` requests spread over the endpoints.
 */
export type Share = {
    /**
     * The Pod with that address (`None` if no Pod has it).
     */
    pod: ObjectRef | null,
    /**
     * The zone of the Pod's node (`topology.kubernetes.io/zone`), when it has one.
     */
    zone?: string | null, ip: string, port: number,
    /**
     * The share the rules give this endpoint (product of the statistic probabilities),
     * rounded to 10 decimals.
     */
    probability: number,
    /**
     * How many of the simulated requests went there.
     */
    count: number,
};

/**
 * The request a share link restores.
 */
export type ShareRequest = { from: string, target: string, };

/**
 * Everything a share link restores (`shareLink` takes it, `openShareLink` returns it).
 */
export type ShareState = { files: Array<InputFile>, view: string, request: ShareRequest | null, scenario: string | null, };

/**
 * Which side of the goal a requirement is on.
 */
export type Side = "mustSucceed" | "mustFail";

/**
 * Options of `simulate`: what-if events applied after the build, in order.
 */
export type SimulateOptions = { events?: Array<string>, };

/**
 * What `simulate` returns: the input's objects and diagnostics, the built cluster, the
 * controllers' events and what a what-if event could not do.
 */
export type Simulation = { objects: Array<ObjectRow>, diagnostics: Array<DiagnosticRow>, errors: number, warnings: number, cluster: ClusterSummary, events: Array<ClusterEvent>, whatIfErrors: Array<string>, };

/**
 * One matched rule (or a note such as a probability branch) on the way.
 */
export type Step = {
    table: string, chain: string,
    /**
     * The rule as written in the parsed text (empty for policy/branch notes).
     */
    rule: string,
    /**
     * For statistic rules: the share of traffic that took this rule, given it got here.
     */
    probability: number | null,
    /**
     * Extra explanation (`not taken (p=...)`, `policy ACCEPT`, …).
     */
    note: string | null,
};

/**
 * A suggested request: ready to send, with the outcome the scenario's text promises.
 */
export type SuggestedRequest = {
    /**
     * `pod/NAME`, `pod/NS/NAME[:CONTAINER]`, `node/NAME` or `external` (as `netsim request`).
     */
    from: string,
    /**
     * `host:port` or a URL.
     */
    target: string, expect: Outcome,
};

/**
 * One suggested request checked against its promise.
 */
export type SuggestedStatus = {
    from: string, target: string, expect: Outcome, actual: Outcome | null,
    /**
     * Why the request could not be sent, if it could not.
     */
    error?: string,
};

/**
 * Replace UTF-16 offsets `from..to` of file `file` with `text` (an empty range inserts).
 */
export type TextEdit = { file: number, from: number, to: number, text: string, };

/**
 * The whole picture.
 */
export type Topology = {
    /**
     * Canvas size (the SVG `viewBox` is `0 0 width height`).
     */
    width: number, height: number,
    /**
     * The cluster DNS domain the Service names use.
     */
    dnsDomain: string,
    /**
     * The frame around everything inside the cluster (Services and nodes).
     */
    cluster: Rect,
    /**
     * Every namespace shown, with its colour, in order of first appearance (the legend).
     */
    namespaces: Array<NamespaceTag>, nodes: Array<NodeBox>, services: Array<ServiceBox>,
    /**
     * Boxes outside the cluster: the external client and ExternalName targets.
     */
    outside: Array<OutsideBox>,
    /**
     * NodePort / LoadBalancer / externalIPs entry points, drawn on top of their Service.
     */
    entries: Array<EntryPoint>,
    /**
     * Drawn under the boxes, in this order.
     */
    edges: Array<Edge>,
};

/**
 * Final decision for one branch.
 */
export type Verdict = "DNAT" | "REJECT" | "DROP" | "ACCEPT" | "NONE";

/**
 * One release of the version select.
 */
export type VersionChoice = {
    /**
     * `v1.35`.
     */
    version: string,
    /**
     * The edit that makes the text choose it; `None` when the text already runs it.
     */
    edit: TextEdit | null,
};

/**
 * The Kubernetes release the cluster runs, and how to choose another (the version select).
 */
export type VersionView = {
    /**
     * `v1.37`: the release simulated.
     */
    current: string,
    /**
     * `kubernetesVersion` as the text writes it, when it does (else the default, the newest).
     */
    written: string | null,
    /**
     * Every release simulated, oldest first.
     */
    choices: Array<VersionChoice>,
};

/**
 * How the walk ended.
 */
export type WalkResult = {
    "kind": "resolved", name: string, answers: Array<DnsRecord>,
    /**
     * CNAME targets outside the cluster that CoreDNS resolves through its upstream (the
     * final addresses come from outside the cluster and are not simulated).
     */
    upstream: Array<string>,
} | { "kind": "notFound", rcode: Rcode, nodata: boolean, } | { "kind": "leavesCluster", name: string, upstream: string, } | { "kind": "failed", rcode: Rcode, } | { "kind": "invalidName", error: QueryError, } | { "kind": "noNameserver" } | { "kind": "timedOut", why: string, };
