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

pub mod cluster;
pub mod diagnostic;
pub mod dns;
pub mod manifest;
pub mod model;
pub mod net;
pub mod policy;
pub mod proxy;
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
