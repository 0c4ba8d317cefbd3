//! What a policy does, for people: the Pods it selects, what each rule allows, the near misses
//! of its selectors (the policy inspector), which Pods are isolated (topology markers), and the
//! POD-SELECTOR column of `kubectl get networkpolicies`.

use super::*;

/// The POD-SELECTOR cell of `kubectl get networkpolicies`: `metav1.FormatLabelSelector`
/// (`pkg/printers/internalversion/printers.go` `printNetworkPolicy`), i.e. the selector's
/// `String()` after `LabelSelectorAsSelector` (requirements sorted by key, `k=v`,
/// `k in (a,b)`, `k notin (a,b)`, `k`, `!k`), `<none>` for `{}`, `<error>` when it does not
/// convert.
pub fn pod_selector_column(sel: &LabelSelector) -> String {
    match crate::select::label_selector_as_selector(Some(sel)) {
        Ok(s) => {
            let t = s.to_string();
            if t.is_empty() {
                "<none>".to_string()
            } else {
                t
            }
        }
        Err(_) => "<error>".to_string(),
    }
}

/// The policies that apply to one Pod (a topology marker).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct PodPolicies {
    /// `NS/NAME`.
    pub pod: String,
    pub ingress: Isolation,
    pub egress: Isolation,
    /// NetworkPolicies (`NS/NAME`) isolating the Pod for ingress / egress.
    pub ingress_policies: Vec<String>,
    pub egress_policies: Vec<String>,
    /// ClusterNetworkPolicies whose subject selects the Pod, in evaluation order.
    pub cluster_policies: Vec<String>,
}

/// A Pod or namespace that misses a selector by one requirement.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(rename = "PolicyNearMiss"))]
pub struct NearMiss {
    /// `pod/NS/NAME` or `namespace/NAME`.
    pub object: String,
    /// Which selector: `podSelector`, `namespaceSelector`, `subject.namespaces`, …
    pub selector: String,
    /// The requirement it misses (`app=web`, `tier in (a,b)`, `!legacy`).
    pub want: String,
    /// What it has instead (the same key with another value, or a look-alike key), if any.
    pub have: Option<String>,
}

/// One peer of a rule, resolved.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct PeerView {
    /// "Pods app=client in namespace shop", "every Pod in namespaces team=a", "10.0.0.0/24
    /// except 10.0.0.5/32", …
    pub text: String,
    /// The Pods it matches (`NS/NAME`, at most [`MAX_LISTED`]).
    pub pods: Vec<String>,
    pub pod_count: usize,
    /// For namespace selectors: the namespaces it matches (at most [`MAX_LISTED`]).
    pub namespaces: Vec<String>,
    pub near_misses: Vec<NearMiss>,
}

/// One rule of a policy, resolved.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct RuleView {
    pub direction: Direction,
    /// Position in the policy's `ingress`/`egress` list (0-based).
    pub index: usize,
    /// ClusterNetworkPolicy rule name, when given.
    pub name: Option<String>,
    /// `allow` for NetworkPolicy rules; `accept`, `deny` or `pass` for ClusterNetworkPolicy.
    pub action: String,
    /// One sentence: "Allows ingress from Pods app=client in namespace shop on TCP 8080."
    pub text: String,
    /// Empty: every peer.
    pub peers: Vec<PeerView>,
    /// "TCP 8080", "TCP 32000-32768", "TCP http (named port)", "all TCP ports"; empty: every
    /// port and protocol.
    pub ports: Vec<String>,
}

/// Everything the policy inspector shows about one policy.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct PolicyInspection {
    /// `NS/NAME` (NetworkPolicy) or `NAME` (ClusterNetworkPolicy).
    pub name: String,
    pub kind: PolicyKind,
    pub namespace: Option<String>,
    /// ClusterNetworkPolicy `Admin` / `Baseline`.
    pub tier: Option<String>,
    pub priority: Option<i32>,
    /// NetworkPolicy: `policyTypes` (after defaulting); ClusterNetworkPolicy: the directions it
    /// has rules for.
    pub directions: Vec<Direction>,
    /// NetworkPolicy: the POD-SELECTOR column; ClusterNetworkPolicy: the subject's selectors.
    pub selector: String,
    /// A sentence: "Selects Pods app=web in namespace shop (2 Pods)."
    pub selects: String,
    pub selected: Vec<String>,
    pub selected_count: usize,
    pub near_misses: Vec<NearMiss>,
    pub rules: Vec<RuleView>,
    /// Things a learner should know (defaulted policyTypes, ignored egress rules, the AND/OR
    /// trap, alpha API, equal priorities).
    pub notes: Vec<String>,
}

/// Look-alike strings: equal ignoring case, one a prefix of the other, or at most two edits
/// apart (label parts are at most 63 characters; longer text is never "similar").
fn similar(a: &str, b: &str) -> bool {
    if a.eq_ignore_ascii_case(b) {
        return true;
    }
    if a.is_empty() || b.is_empty() || a.len() > 63 || b.len() > 63 {
        return false;
    }
    if a.starts_with(b) || b.starts_with(a) {
        return true;
    }
    crate::manifest::decode::edit_distance(a, b) <= 2
}

/// One requirement of a `metav1.LabelSelector`: (key, operator, values).
fn requirements(sel: &LabelSelector) -> Vec<(&str, &str, Vec<&str>)> {
    let mut out: Vec<(&str, &str, Vec<&str>)> =
        sel.match_labels.iter().map(|(k, v)| (k.as_str(), "=", vec![v.as_str()])).collect();
    for e in &sel.match_expressions {
        out.push((
            e.key.as_str(),
            e.operator.as_str(),
            e.values.iter().map(String::as_str).collect(),
        ));
    }
    out
}

fn requirement_matches(key: &str, op: &str, values: &[&str], labels: &Labels) -> bool {
    let v = labels.get(key).map(String::as_str);
    match op {
        "=" | "In" => v.is_some_and(|v| values.contains(&v)),
        "NotIn" => v.is_none_or(|v| !values.contains(&v)),
        "Exists" => v.is_some(),
        "DoesNotExist" => v.is_none(),
        _ => false,
    }
}

fn requirement_text(key: &str, op: &str, values: &[&str]) -> String {
    match op {
        "=" => format!("{key}={}", values.first().copied().unwrap_or("")),
        "In" => format!("{key} in ({})", values.join(",")),
        "NotIn" => format!("{key} notin ({})", values.join(",")),
        "Exists" => key.to_string(),
        "DoesNotExist" => format!("!{key}"),
        other => format!("{key} {other} ({})", values.join(",")),
    }
}

/// `labels` misses `sel` by exactly one requirement: (want, have). A one-requirement selector
/// only counts a miss that looks like a typo (same key, look-alike value, or look-alike key).
pub(crate) fn selector_near_miss(
    sel: &LabelSelector,
    labels: &Labels,
) -> Option<(String, Option<String>)> {
    let reqs = requirements(sel);
    let mut failing = reqs.iter().filter(|(k, op, vals)| !requirement_matches(k, op, vals, labels));
    let (key, op, values) = failing.next()?;
    if failing.next().is_some() {
        return None;
    }
    let pair = |k: &str, v: &str| format!("{k}={v}");
    let (have, close) = match labels.get(*key) {
        Some(v) => {
            let close = matches!(*op, "=" | "In") && values.iter().any(|x| similar(v, x));
            (Some(pair(key, v)), close)
        }
        None => {
            let look = labels.iter().find(|(k, v)| {
                similar(k, key) && (values.is_empty() || values.contains(&v.as_str()))
            });
            (look.map(|(k, v)| pair(k, v)), look.is_some())
        }
    };
    if reqs.len() < 2 && !close {
        return None;
    }
    Some((requirement_text(key, op, values), have))
}

/// How a selector reads in a sentence: `{}` is "every".
fn selector_words(sel: &LabelSelector) -> Option<String> {
    let t = pod_selector_column(sel);
    (t != "<none>").then_some(t)
}

fn capped(mut v: Vec<String>) -> (Vec<String>, usize) {
    let n = v.len();
    v.truncate(MAX_LISTED);
    (v, n)
}

impl<'a> PolicySet<'a> {
    /// The policies that apply to `pod`.
    pub fn pod_policies(&self, pod: &Pod) -> PodPolicies {
        let i = self.index_of(pod);
        let names = |ks: &[usize]| -> Vec<String> {
            ks.iter().filter_map(|&k| self.nps.get(k).map(|x| x.name.clone())).collect()
        };
        let iso = |ks: &[usize]| {
            if ks.is_empty() {
                Isolation::NotIsolated
            } else if pod.spec.host_network {
                Isolation::Unknown
            } else {
                Isolation::Isolated
            }
        };
        let ing = self.isolating(i, Direction::Ingress);
        let eg = self.isolating(i, Direction::Egress);
        PodPolicies {
            pod: pod_key(pod),
            ingress: iso(ing),
            egress: iso(eg),
            ingress_policies: names(ing),
            egress_policies: names(eg),
            cluster_policies: i
                .and_then(|i| self.cnp_of.get(i))
                .map(|ks| {
                    ks.iter()
                        .filter_map(|&k| self.cnps.get(k).map(|c| c.policy.meta.name.clone()))
                        .collect()
                })
                .unwrap_or_default(),
        }
    }

    /// Every Pod some policy applies to, sorted by `NS/NAME` (topology markers).
    pub fn isolation(&self) -> Vec<PodPolicies> {
        let mut out: Vec<PodPolicies> = self
            .objects
            .pods
            .iter()
            .enumerate()
            .filter(|(i, _)| {
                !self.np_ingress[*i].is_empty()
                    || !self.np_egress[*i].is_empty()
                    || !self.cnp_of[*i].is_empty()
            })
            .map(|(_, p)| self.pod_policies(p))
            .collect();
        crate::sort::sort_by(&mut out, |a, b| a.pod.cmp(&b.pod));
        out
    }

    /// Pods of `ns` missing `sel` by one requirement (not those matching).
    fn pod_near_misses(&self, pods: &[usize], sel: &LabelSelector, which: &str) -> Vec<NearMiss> {
        let mut out = Vec::new();
        for &i in pods {
            if out.len() >= MAX_NEAR_MISSES {
                break;
            }
            let Some(p) = self.objects.pods.get(i) else { continue };
            if let Some((want, have)) = selector_near_miss(sel, &p.meta.labels) {
                out.push(NearMiss {
                    object: format!("pod/{}", pod_key(p)),
                    selector: which.to_string(),
                    want,
                    have,
                });
            }
        }
        out
    }

    fn ns_near_misses(&self, all: &[&str], sel: &LabelSelector, which: &str) -> Vec<NearMiss> {
        let mut out = Vec::new();
        for ns in all {
            if out.len() >= MAX_NEAR_MISSES {
                break;
            }
            if let Some((want, have)) = selector_near_miss(sel, &self.namespace_labels(ns)) {
                out.push(NearMiss {
                    object: format!("namespace/{ns}"),
                    selector: which.to_string(),
                    want,
                    have,
                });
            }
        }
        out
    }

    /// All namespaces (cluster objects and those only Pods name), sorted.
    fn all_namespaces(&self) -> Vec<&'a str> {
        self.ns_labels.keys().copied().collect()
    }

    fn pods_of_bits(&self, bits: &Bits) -> Vec<String> {
        let mut v: Vec<String> =
            bits.iter().filter_map(|i| self.objects.pods.get(i)).map(pod_key).collect();
        crate::sort::sort(&mut v);
        v
    }

    fn np_peer_view(
        &self,
        ns: &str,
        p: &NetworkPolicyPeer,
        ix: &NpPeerIx,
        pods_by_ns: &BTreeMap<&'a str, Vec<usize>>,
    ) -> PeerView {
        if let Some(b) = &p.ip_block {
            let text = if b.except.is_empty() {
                format!("addresses in {}", b.cidr)
            } else {
                format!("addresses in {} except {}", b.cidr, b.except.join(", "))
            };
            return PeerView {
                text,
                pods: Vec::new(),
                pod_count: 0,
                namespaces: Vec::new(),
                near_misses: Vec::new(),
            };
        }
        let (pods, pod_count) = match ix {
            NpPeerIx::Pods(bits) => capped(self.pods_of_bits(bits)),
            NpPeerIx::Block(_) => (Vec::new(), 0),
        };
        let mut namespaces = Vec::new();
        let mut near = Vec::new();
        let text = match (&p.namespace_selector, &p.pod_selector) {
            (None, Some(ps)) => {
                let local = pods_by_ns.get(ns).map(Vec::as_slice).unwrap_or(&[]);
                near = self.pod_near_misses(local, ps, "podSelector");
                match selector_words(ps) {
                    Some(s) => format!("Pods {s} in namespace {ns}"),
                    None => format!("every Pod in namespace {ns}"),
                }
            }
            (Some(nss), ps) => {
                let matched = self.namespaces_matching(nss);
                near = self.ns_near_misses(&self.all_namespaces(), nss, "namespaceSelector");
                if let Some(ps) = ps {
                    let in_matched: Vec<usize> = matched
                        .iter()
                        .flat_map(|m| pods_by_ns.get(m).map(Vec::as_slice).unwrap_or(&[]))
                        .copied()
                        .collect();
                    let room = MAX_NEAR_MISSES.saturating_sub(near.len());
                    near.extend(
                        self.pod_near_misses(&in_matched, ps, "podSelector").into_iter().take(room),
                    );
                }
                namespaces = matched.iter().take(MAX_LISTED).map(|s| s.to_string()).collect();
                let where_ = match selector_words(nss) {
                    Some(s) => format!("namespaces {s}"),
                    None => "every namespace".to_string(),
                };
                match ps.as_ref().and_then(selector_words) {
                    Some(s) => format!("Pods {s} in {where_}"),
                    None => format!("every Pod in {where_}"),
                }
            }
            (None, None) => "nothing (an empty peer)".to_string(),
        };
        PeerView { text, pods, pod_count, namespaces, near_misses: near }
    }

    fn np_ports(ports: &[NetworkPolicyPort]) -> Vec<String> {
        ports
            .iter()
            .map(|p| match (&p.port, p.end_port) {
                (None, _) => format!("all {} ports", p.protocol.as_str()),
                (Some(IntOrString::Int(n)), Some(e)) => format!("{} {n}-{e}", p.protocol.as_str()),
                (Some(IntOrString::Int(n)), None) => format!("{} {n}", p.protocol.as_str()),
                (Some(IntOrString::Str(s)), _) => {
                    format!("{} {s} (named port)", p.protocol.as_str())
                }
            })
            .collect()
    }

    fn inspect_np(&self, k: usize) -> Option<PolicyInspection> {
        let ix = self.nps.get(k)?;
        let np = ix.policy;
        let ns = np.meta.namespace.as_str();
        let pods_by_ns = self.pods_by_namespace();
        let local = pods_by_ns.get(ns).cloned().unwrap_or_default();
        let (selected, selected_count) = capped(self.pods_of_bits(&ix.selected));
        let selects = match selector_words(&np.spec.pod_selector) {
            Some(s) => format!(
                "Selects Pods {s} in namespace {ns} ({selected_count} Pod{}).",
                plural(selected_count)
            ),
            None => format!(
                "Selects every Pod in namespace {ns} ({selected_count} Pod{}).",
                plural(selected_count)
            ),
        };
        let mut rules = Vec::new();
        for (dir, list, rix) in [
            (Direction::Ingress, &np.spec.ingress, &ix.ingress_rules),
            (Direction::Egress, &np.spec.egress, &ix.egress_rules),
        ] {
            for (i, (r, rx)) in list.iter().zip(rix).enumerate() {
                let peers: Vec<PeerView> = r
                    .peers
                    .iter()
                    .zip(&rx.peers)
                    .map(|(p, px)| self.np_peer_view(ns, p, px, &pods_by_ns))
                    .collect();
                let ports = Self::np_ports(&r.ports);
                let who = if peers.is_empty() {
                    "anywhere".to_string()
                } else {
                    peers.iter().map(|p| p.text.clone()).collect::<Vec<_>>().join(" or ")
                };
                let on = if ports.is_empty() { "every port".to_string() } else { ports.join(", ") };
                let text = match dir {
                    Direction::Ingress => format!("Allows ingress from {who} on {on}."),
                    Direction::Egress => format!("Allows egress to {who} on {on}."),
                };
                rules.push(RuleView {
                    direction: dir,
                    index: i,
                    name: None,
                    action: "allow".to_string(),
                    text,
                    peers,
                    ports,
                });
            }
        }
        let directions: Vec<Direction> = np
            .spec
            .policy_types
            .iter()
            .map(|t| match t {
                PolicyType::Ingress => Direction::Ingress,
                PolicyType::Egress => Direction::Egress,
            })
            .collect();
        let mut notes = Vec::new();
        let types_given =
            np.meta.source.as_ref().is_none_or(|s| s.fields.get("spec.policyTypes").is_some());
        let types: Vec<&str> = np.spec.policy_types.iter().map(|t| t.as_str()).collect();
        if !types_given {
            notes.push(format!(
                "policyTypes is not set, so Kubernetes sets it to [{}]: Ingress always, Egress only when there are egress rules.",
                types.join(", ")
            ));
        }
        if !ix.egress && !np.spec.egress.is_empty() {
            notes.push("This policy has egress rules but policyTypes does not list Egress: they are ignored.".to_string());
        }
        if ix.ingress && np.spec.ingress.is_empty() {
            notes.push("It lists Ingress with no ingress rules: the selected Pods accept no ingress at all (default deny), except from their own node.".to_string());
        }
        if ix.egress && np.spec.egress.is_empty() {
            notes.push("It lists Egress with no egress rules: the selected Pods can send nothing, not even DNS queries (default deny egress).".to_string());
        }
        for (dir, list) in
            [(Direction::Ingress, &np.spec.ingress), (Direction::Egress, &np.spec.egress)]
        {
            for (i, r) in list.iter().enumerate() {
                let ns_only = r
                    .peers
                    .iter()
                    .any(|p| p.namespace_selector.is_some() && p.pod_selector.is_none());
                let pod_only = r
                    .peers
                    .iter()
                    .any(|p| p.pod_selector.is_some() && p.namespace_selector.is_none());
                if ns_only && pod_only {
                    notes.push(format!(
                        "{} rule {} has a namespaceSelector peer and a separate podSelector peer: two list items are OR (any Pod in those namespaces, or those Pods in {ns}). To allow only those Pods in those namespaces, put both selectors in one item (no '-' before podSelector).",
                        dir.as_str(),
                        i + 1
                    ));
                }
            }
        }
        if selected_count == 0 {
            notes.push(format!("It selects no Pod in namespace {ns}."));
        }
        Some(PolicyInspection {
            name: ix.name.clone(),
            kind: PolicyKind::NetworkPolicy,
            namespace: Some(ns.to_string()),
            tier: None,
            priority: None,
            directions,
            selector: pod_selector_column(&np.spec.pod_selector),
            selects,
            selected,
            selected_count,
            near_misses: self.pod_near_misses(&local, &np.spec.pod_selector, "podSelector"),
            rules,
            notes,
        })
    }

    fn cnp_peer_view(
        &self,
        p: &CnpPeer,
        ix: &CnpPeerIx,
        pods_by_ns: &BTreeMap<&'a str, Vec<usize>>,
    ) -> PeerView {
        let all_ns = self.all_namespaces();
        let (pods, pod_count) = match ix {
            CnpPeerIx::Pods(bits) => capped(self.pods_of_bits(bits)),
            _ => (Vec::new(), 0),
        };
        let mut namespaces = Vec::new();
        let mut near = Vec::new();
        let text = match p {
            CnpPeer::Namespaces(s) => {
                namespaces = self
                    .namespaces_matching(s)
                    .iter()
                    .take(MAX_LISTED)
                    .map(|s| s.to_string())
                    .collect();
                near = self.ns_near_misses(&all_ns, s, "namespaces");
                match selector_words(s) {
                    Some(t) => format!("every Pod in namespaces {t}"),
                    None => "every Pod in every namespace".to_string(),
                }
            }
            CnpPeer::Pods(np) => {
                let matched = self.namespaces_matching(&np.namespace_selector);
                namespaces = matched.iter().take(MAX_LISTED).map(|s| s.to_string()).collect();
                near =
                    self.ns_near_misses(&all_ns, &np.namespace_selector, "pods.namespaceSelector");
                let in_matched: Vec<usize> = matched
                    .iter()
                    .flat_map(|m| pods_by_ns.get(m).map(Vec::as_slice).unwrap_or(&[]))
                    .copied()
                    .collect();
                let room = MAX_NEAR_MISSES.saturating_sub(near.len());
                near.extend(
                    self.pod_near_misses(&in_matched, &np.pod_selector, "pods.podSelector")
                        .into_iter()
                        .take(room),
                );
                let where_ = match selector_words(&np.namespace_selector) {
                    Some(t) => format!("namespaces {t}"),
                    None => "every namespace".to_string(),
                };
                match selector_words(&np.pod_selector) {
                    Some(t) => format!("Pods {t} in {where_}"),
                    None => format!("every Pod in {where_}"),
                }
            }
            CnpPeer::Nodes(s) => match selector_words(s) {
                Some(t) => format!("the addresses of nodes {t}"),
                None => "the addresses of every node".to_string(),
            },
            CnpPeer::Networks(n) => format!("addresses in {}", n.join(", ")),
            CnpPeer::DomainNames(d) => format!("the names {}", d.join(", ")),
            CnpPeer::Invalid => {
                "an invalid peer (no field, or several: it fails closed)".to_string()
            }
        };
        PeerView { text, pods, pod_count, namespaces, near_misses: near }
    }

    fn inspect_cnp(&self, k: usize) -> Option<PolicyInspection> {
        let ix = self.cnps.get(k)?;
        let c = ix.policy;
        let pods_by_ns = self.pods_by_namespace();
        let all_ns = self.all_namespaces();
        let (selected, selected_count) = capped(self.pods_of_bits(&ix.subject));
        let (selector, subject_words, near_misses) = match &c.spec.subject {
            CnpSubject::Namespaces(s) => (
                format!("namespaces: {}", pod_selector_column(s)),
                match selector_words(s) {
                    Some(t) => format!("every Pod in namespaces {t}"),
                    None => "every Pod in every namespace".to_string(),
                },
                self.ns_near_misses(&all_ns, s, "subject.namespaces"),
            ),
            CnpSubject::Pods(p) => {
                let matched = self.namespaces_matching(&p.namespace_selector);
                let in_matched: Vec<usize> = matched
                    .iter()
                    .flat_map(|m| pods_by_ns.get(m).map(Vec::as_slice).unwrap_or(&[]))
                    .copied()
                    .collect();
                let mut near = self.ns_near_misses(
                    &all_ns,
                    &p.namespace_selector,
                    "subject.pods.namespaceSelector",
                );
                let room = MAX_NEAR_MISSES.saturating_sub(near.len());
                near.extend(
                    self.pod_near_misses(&in_matched, &p.pod_selector, "subject.pods.podSelector")
                        .into_iter()
                        .take(room),
                );
                let where_ = match selector_words(&p.namespace_selector) {
                    Some(t) => format!("namespaces {t}"),
                    None => "every namespace".to_string(),
                };
                (
                    format!(
                        "pods: namespaceSelector {}, podSelector {}",
                        pod_selector_column(&p.namespace_selector),
                        pod_selector_column(&p.pod_selector)
                    ),
                    match selector_words(&p.pod_selector) {
                        Some(t) => format!("Pods {t} in {where_}"),
                        None => format!("every Pod in {where_}"),
                    },
                    near,
                )
            }
            CnpSubject::None => {
                ("<invalid>".to_string(), "no Pod (the subject is invalid)".to_string(), Vec::new())
            }
        };
        let mut rules = Vec::new();
        for (dir, list, rix) in [
            (Direction::Ingress, &c.spec.ingress, &ix.ingress_rules),
            (Direction::Egress, &c.spec.egress, &ix.egress_rules),
        ] {
            for (i, (r, rx)) in list.iter().zip(rix).enumerate() {
                let peers: Vec<PeerView> = r
                    .peers
                    .iter()
                    .zip(&rx.peers)
                    .map(|(p, px)| self.cnp_peer_view(p, px, &pods_by_ns))
                    .collect();
                let ports: Vec<String> = r
                    .protocols
                    .iter()
                    .map(|q| match q {
                        CnpProtocol::Port { protocol, port: None } => {
                            format!("all {} ports", protocol.as_str())
                        }
                        CnpProtocol::Port { protocol, port: Some(CnpPort::Number(n)) } => {
                            format!("{} {n}", protocol.as_str())
                        }
                        CnpProtocol::Port {
                            protocol,
                            port: Some(CnpPort::Range { start, end }),
                        } => {
                            format!("{} {start}-{end}", protocol.as_str())
                        }
                        CnpProtocol::NamedPort(n) => format!("{n} (named port)"),
                        CnpProtocol::Invalid => "an invalid protocol entry".to_string(),
                    })
                    .collect();
                let who = peers.iter().map(|p| p.text.clone()).collect::<Vec<_>>().join(" or ");
                let on = if ports.is_empty() { "every port".to_string() } else { ports.join(", ") };
                let verb = match r.action {
                    CnpAction::Accept => "Accepts",
                    CnpAction::Deny => "Denies",
                    CnpAction::Pass => "Passes on",
                };
                let text = match dir {
                    Direction::Ingress => format!("{verb} ingress from {who} on {on}."),
                    Direction::Egress => format!("{verb} egress to {who} on {on}."),
                };
                rules.push(RuleView {
                    direction: dir,
                    index: i,
                    name: Some(r.name.clone()).filter(|n| !n.is_empty()),
                    action: r.action.as_str().to_ascii_lowercase(),
                    text,
                    peers,
                    ports,
                });
            }
        }
        let mut directions = Vec::new();
        if !c.spec.ingress.is_empty() {
            directions.push(Direction::Ingress);
        }
        if !c.spec.egress.is_empty() {
            directions.push(Direction::Egress);
        }
        let mut notes = vec![
            "ClusterNetworkPolicy is an alpha API (policy.networking.k8s.io/v1alpha2, a CRD from kubernetes-sigs/network-policy-api): it only has an effect with a network plugin that implements it.".to_string(),
            match c.spec.tier {
                CnpTier::Admin => "Admin tier: its rules are checked before any NetworkPolicy; Accept and Deny are final, Pass hands the decision to NetworkPolicy.".to_string(),
                CnpTier::Baseline => "Baseline tier: its rules only apply where no NetworkPolicy isolates the Pod (and no Admin rule decided).".to_string(),
            },
            "Rules have no implicit isolation: traffic no rule matches goes on to the next tier.".to_string(),
        ];
        for (a, b) in self.same_priority_overlaps() {
            if a == c.meta.name || b == c.meta.name {
                let other = if a == c.meta.name { b } else { a };
                notes.push(format!("ClusterNetworkPolicy {other} has the same tier and priority ({}) and selects some of the same Pods: which one applies to a connection both match is undefined.", c.spec.priority));
            }
        }
        Some(PolicyInspection {
            name: c.meta.name.clone(),
            kind: PolicyKind::ClusterNetworkPolicy,
            namespace: None,
            tier: Some(c.spec.tier.as_str().to_string()),
            priority: Some(c.spec.priority),
            directions,
            selector,
            selects: format!(
                "Applies to {subject_words} ({selected_count} Pod{}; hostNetwork Pods never).",
                plural(selected_count)
            ),
            selected,
            selected_count,
            near_misses,
            rules,
            notes,
        })
    }

    /// The inspector's view of one policy: `namespace` is ignored for ClusterNetworkPolicies.
    pub fn inspect(
        &self,
        kind: PolicyKind,
        namespace: &str,
        name: &str,
    ) -> Option<PolicyInspection> {
        match kind {
            PolicyKind::NetworkPolicy => {
                let k = self.nps.iter().position(|x| {
                    x.policy.meta.namespace == namespace && x.policy.meta.name == name
                })?;
                self.inspect_np(k)
            }
            PolicyKind::ClusterNetworkPolicy => {
                let k = self.cnps.iter().position(|x| x.policy.meta.name == name)?;
                self.inspect_cnp(k)
            }
        }
    }

    /// Every policy, NetworkPolicies (by namespace, name) then ClusterNetworkPolicies (in
    /// evaluation order).
    pub fn policies(&self) -> Vec<PolicyRef> {
        (0..self.nps.len())
            .map(|k| self.ref_of(Pid::Np(k)))
            .chain((0..self.cnps.len()).map(|k| self.ref_of(Pid::Cnp(k))))
            .collect()
    }
}

fn plural(n: usize) -> &'static str {
    if n == 1 {
        ""
    } else {
        "s"
    }
}

/// One way in: a NetworkPolicy rule that allows ingress on the port asked about.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Allowance {
    pub policy: PolicyRef,
    pub rule: RuleRef,
    /// The peers, as the inspector words them; empty: from anywhere.
    pub from: Vec<String>,
}

/// Who may open connections to a Pod on one port, as far as NetworkPolicy says (for `netsim
/// explain` on a Service's endpoints, with the target port).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct IngressSummary {
    pub pod: String,
    pub port: u16,
    pub protocol: String,
    pub isolation: Isolation,
    /// The NetworkPolicies isolating the Pod for ingress.
    pub isolated_by: Vec<String>,
    /// Their rules that allow this port (empty and isolated: nothing gets in but its node).
    pub allowed_from: Vec<Allowance>,
    /// ClusterNetworkPolicies whose subject includes the Pod (their rules come first or last).
    pub cluster_policies: Vec<String>,
}

impl PolicySet<'_> {
    /// Which NetworkPolicy rules let connections into `pod` on `port`/`protocol` (a named port
    /// in a rule counts when the Pod's container port of that name is `port`).
    pub fn ingress_summary(&self, pod: &Pod, port: u16, protocol: Protocol) -> IngressSummary {
        let marks = self.pod_policies(pod);
        let i = self.index_of(pod);
        let pods_by_ns = self.pods_by_namespace();
        let mut allowed_from = Vec::new();
        for &k in self.isolating(i, Direction::Ingress) {
            let Some(ix) = self.nps.get(k) else { continue };
            let ns = ix.policy.meta.namespace.as_str();
            for (r, (rule, rx)) in ix.policy.spec.ingress.iter().zip(&ix.ingress_rules).enumerate()
            {
                let ports_ok = eval::ports_match_at(&rule.ports, port, protocol, Some(pod));
                if !ports_ok {
                    continue;
                }
                let from = rule
                    .peers
                    .iter()
                    .zip(&rx.peers)
                    .map(|(p, px)| self.np_peer_view(ns, p, px, &pods_by_ns).text)
                    .collect();
                allowed_from.push(Allowance {
                    policy: self.ref_of(Pid::Np(k)),
                    rule: RuleRef { index: r, name: None },
                    from,
                });
            }
        }
        IngressSummary {
            pod: marks.pod,
            port,
            protocol: protocol.as_str().to_string(),
            isolation: marks.ingress,
            isolated_by: marks.ingress_policies,
            allowed_from,
            cluster_policies: marks.cluster_policies,
        }
    }
}
