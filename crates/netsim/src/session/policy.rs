//! What the page asks about NetworkPolicies: the list with each policy's isolation marks, one
//! policy inspected, and the reachability matrix — answers of the core's `policy` stage over
//! this session's cluster.

use serde::{Deserialize, Serialize};

use super::answer::AskError;
use super::Session;
use crate::model::Protocol;
use crate::policy::{Matrix, PodPolicies, PolicyInspection, PolicyKind, PolicyRef, PolicySet};

/// The cluster's policies and which Pods they isolate (`{ask: "policies"}`).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct PolicyOverview {
    /// NetworkPolicies by namespace/name, then ClusterNetworkPolicies in evaluation order.
    pub policies: Vec<PolicyRef>,
    /// The Pods some policy isolates, with the direction and the policies (topology markers).
    pub isolated: Vec<PodPolicies>,
    /// Policies beyond the limit, left out of every answer.
    pub omitted: usize,
}

impl Session {
    fn with_policies<T>(&self, f: impl FnOnce(&PolicySet<'_>) -> T) -> T {
        f(&PolicySet::new(&self.cluster.objects))
    }

    /// Every policy and the Pods they isolate.
    pub fn policy_overview(&self) -> PolicyOverview {
        let o = &self.cluster.objects;
        if o.network_policies.is_empty() && o.cluster_network_policies.is_empty() {
            return PolicyOverview::default();
        }
        self.with_policies(|set| PolicyOverview {
            policies: set.policies(),
            isolated: set.isolation(),
            omitted: set.omitted,
        })
    }

    /// One policy as the inspector shows it: `NS/NAME` for a NetworkPolicy, `NAME` for a
    /// ClusterNetworkPolicy.
    pub fn policy_inspection(&self, kind: &str, name: &str) -> Result<PolicyInspection, AskError> {
        let kind = match kind {
            "NetworkPolicy" | "networkpolicy" | "netpol" => PolicyKind::NetworkPolicy,
            "ClusterNetworkPolicy" | "clusternetworkpolicy" => PolicyKind::ClusterNetworkPolicy,
            k => return Err(AskError::usage("bad-kind", format!("not a policy kind: '{k}'"))),
        };
        let (ns, n) = match kind {
            PolicyKind::NetworkPolicy => super::ask::split_name(name, None),
            PolicyKind::ClusterNetworkPolicy => (String::new(), name.to_string()),
        };
        self.with_policies(|set| set.inspect(kind, &ns, &n)).ok_or_else(|| {
            AskError::missing(
                "unknown-policy",
                format!(
                    "Error from server (NotFound): {} \"{n}\" not found",
                    kind.as_str().to_ascii_lowercase()
                ),
            )
        })
    }

    /// The reachability matrix over `pods` (`NS/NAME`; every Pod when empty), each cell judged
    /// on `port` (default: each destination's first declared port, else 80/TCP).
    pub fn policy_matrix(&self, pods: &[String], port: Option<(u16, Protocol)>) -> Matrix {
        self.with_policies(|set| {
            if pods.is_empty() {
                set.matrix_all(port)
            } else {
                let keys: Vec<&str> = pods.iter().map(String::as_str).collect();
                set.matrix(&keys, port)
            }
        })
    }
}
