//! kube-netsim core: Kubernetes Service networking, simulated from manifests.
//!
//! The pipeline (each stage a module, each a pure function of its inputs):
//!
//! ```text
//! texts ──syntax──▶ spanned YAML documents (never fails; diagnostics)
//!       ──manifest─▶ model::Objects, validated and defaulted as the API server does
//!       ──cluster──▶ Cluster: nodes, Pods from workloads, IPs, NodePorts, EndpointSlices
//!       ──dns──────▶ CoreDNS answers and the Pod resolver's search walk
//!       ──proxy────▶ kube-proxy iptables rules per node, and a packet walker over them
//!       ──request──▶ end-to-end traces (DNS + rules + routing + delivery) and explanations
//!       ──policy───▶ NetworkPolicy / ClusterNetworkPolicy verdicts (beside request)
//!       ──view─────▶ the POD view model the playground and `netsim graph` draw
//! ```
//!
//! Invariants: no IO, no clock, no randomness (choices Kubernetes makes at random take a seed);
//! nothing panics on any input; the same input gives byte-identical output.

/// `impl TryFrom<String>` for a unit enum from its `as_str()` names, for
/// `#[serde(try_from = "String")]`: the enum is read back from JSON through one shared `String`
/// visitor and a match. Size measure for the page's first load (the page deserializes the view
/// model and the session's answers): serde's derived per-enum variant visitors cost about 1 KB of
/// wasm each. `as_str()` must spell every variant as serde writes it (a round-trip test per enum).
macro_rules! from_name {
    ($t:ty: $($v:expr),+) => {
        impl TryFrom<String> for $t {
            type Error = String;
            fn try_from(s: String) -> Result<$t, String> {
                let all = [$($v),+];
                all.into_iter().find(|v| v.as_str() == s).ok_or_else(|| {
                    // serde's own words for an unknown variant.
                    let names: Vec<String> = all.iter().map(|v| format!("`{}`", v.as_str())).collect();
                    format!("unknown variant `{s}`, expected one of {}", names.join(", "))
                })
            }
        }
    };
}

pub mod cluster;
pub mod diagnostic;
pub mod dns;
pub mod manifest;
pub mod model;
pub mod net;
pub mod policy;
pub mod proxy;
pub mod quantity;
pub mod request;
pub mod scenario;
pub mod select;
pub mod session;
pub mod share;
pub(crate) mod sort;
pub mod syntax;
pub mod testgen;
pub mod text;
#[cfg(feature = "ts")]
pub mod ts;
pub mod view;
