//! Cluster DNS: CoreDNS's answers and the Pod resolver's search walk.
//!
//! Stage: after `cluster` (which completes Services, EndpointSlices and Pods). The DNS model reads
//! those objects like CoreDNS's informers read the API, plus its own configuration
//! ([`CorefileConfig`], from the `kube-system/coredns` ConfigMap or kubeadm's default), and the
//! kubelet settings for resolv.conf ([`ResolverSettings`]).
//!
//! * [`Zone`]: the DNS server. `query(name, type)` gives one [`Response`] exactly as CoreDNS's
//!   `kubernetes` plugin would (rcode, answer, authority SOA, additional), or says the name is
//!   forwarded upstream ([`Outcome::Forwarded`]); addresses outside the cluster are never made up.
//! * [`resolv_conf`]: a Pod's `/etc/resolv.conf` from its dnsPolicy and dnsConfig.
//! * [`resolve`]: the glibc search walk over a resolv.conf, query by query ([`Walk`]).
//! * [`query_packet`]: the UDP packet the resolver sends, for the request trace.
//!
//! Invariants: pure and deterministic; never panics on any name or object; lookups use indexes,
//! never a scan of all Services.

mod corefile;
mod records;
mod resolver;
mod zone;

pub use corefile::{
    is_reverse_zone, kubeadm_corefile_text, normalize_zone, normalize_zones, CorefileConfig,
    ForwardConfig, KubernetesConfig, OtherServerBlock, PodMode,
};
pub use records::{
    check_name, fqdn, Outcome, QueryError, Rcode, Record, RecordType, Response, MAX_LABEL_LEN,
    MAX_NAME_LEN,
};
pub use resolver::{
    candidates, fit_search, query_packet, resolv_conf, resolve, DnsPacket, DnsSource,
    HostResolvConf, ResolvConf, ResolverSettings, Walk, WalkResult, MAX_NAMESERVERS, MAX_NDOTS,
    MAX_SEARCH_LIST_CHARS, MAX_SEARCH_PATHS,
};
pub use zone::{address_from_reverse, reverse_name, Zone, ZoneInput, SOA_SERIAL};

#[cfg(test)]
mod tests;
