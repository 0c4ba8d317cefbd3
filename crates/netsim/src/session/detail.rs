//! What the inspector shows about one object, computed by the core so that the page only draws:
//! a Service's selector-match table, its endpoints with their conditions, its DNS names and the
//! Debug Services checklist; a Pod's workload (what a "scale" what-if scales) and the Services
//! that select it.

use serde::{Deserialize, Serialize};

use super::answer::{AskError, ObjectRef};
use super::Session;
use crate::model::{Pod, Service, ServiceType, WorkloadKind};
use crate::request::Explanation;

/// One cell of the selector-match table: a selector pair against one Pod's labels.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct MatchCell {
    pub ok: bool,
    /// `✓`, `✗ app=api` (the Pod's value), or `✗ no app`.
    pub text: String,
}

/// One Pod of the Service's namespace against every selector pair.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct MatchRow {
    pub pod: ObjectRef,
    pub cells: Vec<MatchCell>,
    /// Every pair matches: the Service selects the Pod.
    pub selected: bool,
}

/// One endpoint of the Service's EndpointSlices, with its conditions.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct EndpointRow {
    pub pod: Option<ObjectRef>,
    pub ip: String,
    pub node: Option<String>,
    pub ready: bool,
    pub serving: bool,
    pub terminating: bool,
    /// The endpoint's `zone` (its node's `topology.kubernetes.io/zone`), when it has one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub zone: Option<String>,
    /// The EndpointSlice controller's `hints.forZones` (trafficDistribution PreferSameZone /
    /// PreferClose): kube-proxy in those zones prefers this endpoint.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub for_zones: Vec<String>,
    /// `hints.forNodes` (trafficDistribution PreferSameNode).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub for_nodes: Vec<String>,
}

/// A name the Service answers to, and from where it works.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct DnsName {
    pub name: String,
    /// `from Pods in NS`, `from any namespace`, `fully qualified`.
    pub scope: String,
}

/// The inspector's Service (`{ask: "service", service}`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct ServiceDetail {
    pub service: ObjectRef,
    /// `key=value` pairs of the selector, in order (empty: no selector).
    pub selector: Vec<String>,
    /// Every Pod of the namespace against the selector (empty without a selector).
    pub matches: Vec<MatchRow>,
    pub endpoints: Vec<EndpointRow>,
    pub dns_names: Vec<DnsName>,
    pub checklist: Explanation,
}

/// The workload that owns a Pod and can be scaled.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Scalable {
    /// `deployment`, `replicaset`, `statefulset`, `replicationcontroller` (the what-if's
    /// spelling).
    pub kind: String,
    pub name: String,
    pub replicas: i32,
}

/// A Service that selects the Pod.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct SelectedBy {
    pub service: ObjectRef,
    #[serde(rename = "type")]
    pub type_: ServiceType,
}

/// The inspector's Pod (`{ask: "pod", pod}`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct PodDetail {
    pub pod: ObjectRef,
    /// The controller chain, nearest first (`ReplicaSet web-7d4…`, `Deployment web`).
    pub owners: Vec<ObjectRef>,
    /// What "scale" changes: the Deployment of a ReplicaSet's Pod, else its ReplicaSet or
    /// StatefulSet; `None` for bare Pods and DaemonSet Pods.
    pub scalable: Option<Scalable>,
    pub selected_by: Vec<SelectedBy>,
    /// The container names (what `pod/NS/NAME:CONTAINER` request sources name).
    pub containers: Vec<String>,
}

fn selects(s: &Service, p: &Pod) -> bool {
    s.meta.namespace == p.meta.namespace
        && s.spec.selector.as_ref().is_some_and(|sel| {
            !sel.is_empty() && sel.iter().all(|(k, v)| p.meta.labels.get(k) == Some(v))
        })
}

impl Session {
    fn service_of(&self, service: &str) -> Result<&Service, AskError> {
        let (ns, name) = super::ask::split_name(service, None);
        self.cluster
            .objects
            .services
            .iter()
            .find(|s| s.meta.namespace == ns && s.meta.name == name)
            .ok_or_else(|| {
                AskError::missing(
                    "unknown-service",
                    format!("Error from server (NotFound): services \"{name}\" not found"),
                )
            })
    }

    /// The inspector's view of Service `service` (`NS/NAME`, or `NAME` in default).
    pub fn service_detail(&self, service: &str) -> Result<ServiceDetail, AskError> {
        let s = self.service_of(service)?;
        let (ns, name) = (&s.meta.namespace, &s.meta.name);
        let o = &self.cluster.objects;
        let selector: Vec<(&String, &String)> =
            s.spec.selector.iter().flat_map(|sel| sel.iter()).collect();
        let matches = if selector.is_empty() {
            Vec::new()
        } else {
            o.pods
                .iter()
                .filter(|p| p.meta.namespace == *ns)
                .map(|p| {
                    let cells: Vec<MatchCell> = selector
                        .iter()
                        .map(|(k, v)| match p.meta.labels.get(*k) {
                            Some(got) if got == *v => MatchCell { ok: true, text: "✓".into() },
                            Some(got) => MatchCell { ok: false, text: format!("✗ {k}={got}") },
                            None => MatchCell { ok: false, text: format!("✗ no {k}") },
                        })
                        .collect();
                    let selected = cells.iter().all(|c| c.ok);
                    MatchRow { pod: ObjectRef::pod(ns, &p.meta.name), cells, selected }
                })
                .collect()
        };
        let endpoints = o
            .endpoint_slices
            .iter()
            .filter(|sl| sl.meta.namespace == *ns && sl.service_name() == Some(name.as_str()))
            .flat_map(|sl| &sl.endpoints)
            .flat_map(|e| {
                // EndpointSlice API: a missing ready means ready, a missing serving means ready.
                let ready = e.conditions.ready.unwrap_or(true);
                e.addresses.iter().map(move |ip| EndpointRow {
                    pod: e
                        .target_ref
                        .as_ref()
                        .filter(|r| r.kind == "Pod")
                        .map(|r| ObjectRef::pod(&r.namespace, &r.name)),
                    ip: ip.to_string(),
                    node: e.node_name.clone(),
                    ready,
                    serving: e.conditions.serving.unwrap_or(ready),
                    terminating: e.conditions.terminating.unwrap_or(false),
                    zone: e.zone.clone(),
                    for_zones: e.hints.as_ref().map(|h| h.for_zones.clone()).unwrap_or_default(),
                    for_nodes: e.hints.as_ref().map(|h| h.for_nodes.clone()).unwrap_or_default(),
                })
            })
            .collect();
        let domain = self.cluster.settings.dns_domain.trim_end_matches('.');
        let dns_names = vec![
            DnsName { name: name.clone(), scope: format!("from Pods in {ns}") },
            DnsName { name: format!("{name}.{ns}"), scope: "from any namespace".into() },
            DnsName { name: format!("{name}.{ns}.svc.{domain}"), scope: "fully qualified".into() },
        ];
        Ok(ServiceDetail {
            service: ObjectRef::service(ns, name),
            selector: selector.iter().map(|(k, v)| format!("{k}={v}")).collect(),
            matches,
            endpoints,
            dns_names,
            checklist: self.explain(ns, name),
        })
    }

    /// The inspector's view of Pod `pod` (`NS/NAME`, or `NAME` in default).
    pub fn pod_detail(&self, pod: &str) -> Result<PodDetail, AskError> {
        let (ns, name) = super::ask::split_name(pod, None);
        let o = &self.cluster.objects;
        let p = self.network().pod(&ns, &name).ok_or_else(|| {
            AskError::missing(
                "unknown-pod",
                format!("Error from server (NotFound): pods \"{name}\" not found"),
            )
        })?;
        // Follow controller references up: Pod → ReplicaSet → Deployment (bounded).
        let mut owners = Vec::new();
        let mut refs = &p.meta.owner_references;
        for _ in 0..4 {
            let Some(r) = refs.iter().find(|r| r.controller) else { break };
            owners.push(ObjectRef::new(&r.kind, &ns, &r.name));
            let Some(w) = o.workloads.iter().find(|w| {
                w.kind.as_str() == r.kind && w.meta.namespace == ns && w.meta.name == r.name
            }) else {
                break;
            };
            refs = &w.meta.owner_references;
        }
        let scalable = owners.iter().rev().find_map(|r| {
            let w = o.workloads.iter().find(|w| {
                w.kind.as_str() == r.kind && w.meta.namespace == ns && w.meta.name == r.name
            })?;
            let kind = match w.kind {
                WorkloadKind::Deployment => "deployment",
                WorkloadKind::ReplicaSet => "replicaset",
                WorkloadKind::StatefulSet => "statefulset",
                WorkloadKind::ReplicationController => "replicationcontroller",
                WorkloadKind::DaemonSet => return None,
            };
            Some(Scalable { kind: kind.into(), name: w.meta.name.clone(), replicas: w.replicas })
        });
        let selected_by = o
            .services
            .iter()
            .filter(|s| selects(s, p))
            .map(|s| SelectedBy {
                service: ObjectRef::service(&s.meta.namespace, &s.meta.name),
                type_: s.spec.type_,
            })
            .collect();
        Ok(PodDetail {
            pod: ObjectRef::pod(&ns, &name),
            owners,
            scalable,
            selected_by,
            containers: p.spec.containers.iter().map(|c| c.name.clone()).collect(),
        })
    }
}
