//! The answer to a DNS question (`netsim dns`, the page's DNS view): the client, its
//! resolv.conf, every query of the search walk with CoreDNS's answer, and the result — and the
//! one text rendering of it (dig-like sections per query, then an nslookup-like summary).

use std::fmt::Write as _;

use serde::{Deserialize, Serialize};

use super::answer::ObjectRef;
use crate::dns::{DnsPacket, Outcome, RecordType, Response, WalkResult};

/// What a resolver in a Pod sees for one name (`netsim dns -o json`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Lookup {
    /// The client Pod.
    pub client: ObjectRef,
    /// The client is a virtual Pod (dnsPolicy ClusterFirst) in that namespace, not one of the
    /// cluster's.
    pub virtual_client: bool,
    /// The name was sent once, fully qualified, with no search list (`--exact`).
    pub exact: bool,
    /// The client's search list.
    pub searches: Vec<String>,
    /// The client's `/etc/resolv.conf`.
    pub resolv_conf: String,
    /// The query packet: Pod IP → first nameserver, UDP 53 (`None` without a Pod IP).
    pub packet: Option<DnsPacket>,
    /// The name asked.
    pub name: String,
    #[serde(rename = "type")]
    pub qtype: RecordType,
    /// The nameserver the queries go to.
    pub nameserver: Option<String>,
    pub ndots: u32,
    /// Each query of the search walk, in order, with CoreDNS's response.
    pub queries: Vec<Response>,
    /// How the walk ended.
    pub result: WalkResult,
    /// The NetworkPolicies that judged the queries (the client's egress, CoreDNS's ingress).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub policies: Vec<crate::policy::PolicyEffect>,
}

impl Lookup {
    /// The walk as `netsim dns` prints it: a line about the client, each query as dig shows
    /// its sections, then nslookup's summary of the result.
    pub fn text(&self) -> String {
        let mut s = String::new();
        let w = self;
        let _ = writeln!(
            s,
            ";; client {}{}: nameserver {}, search [{}], ndots:{}{}",
            self.client,
            if self.virtual_client { " (virtual Pod, dnsPolicy ClusterFirst)" } else { "" },
            w.nameserver.as_deref().unwrap_or("-"),
            self.searches.join(" "),
            w.ndots,
            if self.exact { " (--exact: no search list)" } else { "" },
        );
        if let Some(p) = &self.packet {
            let _ = writeln!(s, ";; each query: {} -> {}:{}/UDP", p.src, p.dst, p.dst_port);
        }
        s.push('\n');
        for r in &w.queries {
            response_text(&mut s, r);
        }
        summary(&mut s, w);
        s
    }
}

fn response_text(out: &mut String, r: &Response) {
    let _ = writeln!(out, ";; QUESTION: {} IN {}", r.name, r.qtype);
    match &r.outcome {
        Outcome::Answered => {
            let rcode = r.rcode.map_or("-", |c| c.as_str());
            let why = if r.why.is_empty() { String::new() } else { format!(" ({})", r.why) };
            let _ = writeln!(out, ";; status: {rcode}{why}");
            for (title, recs) in
                [("ANSWER", &r.answer), ("AUTHORITY", &r.authority), ("ADDITIONAL", &r.additional)]
            {
                if !recs.is_empty() {
                    let _ = writeln!(out, ";; {title} SECTION:");
                    for rec in recs {
                        let _ = writeln!(out, "{rec}");
                    }
                }
            }
            for u in &r.upstream_lookups {
                let _ = writeln!(out, ";; CoreDNS resolves {u} through its upstream (outside the cluster; not simulated)");
            }
        }
        Outcome::Forwarded { upstream } => {
            let _ = writeln!(out, ";; forwarded upstream: {}; CoreDNS asks {upstream}", r.why);
            let _ = writeln!(out, ";; the answer comes from outside the cluster (not simulated)");
        }
        Outcome::OtherNameserver { nameserver } => {
            let _ = writeln!(
                out,
                ";; sent to {nameserver}, which is not cluster DNS: the query leaves the cluster"
            );
        }
        Outcome::Invalid { error } => {
            // `why` is the error, and what the resolver does next when it says more.
            let why = if r.why.is_empty() { error.to_string() } else { r.why.clone() };
            let _ = writeln!(out, ";; not sent: {why}");
        }
    }
    out.push('\n');
}

/// nslookup's words for the record types.
fn nslookup_word(t: RecordType) -> &'static str {
    match t {
        RecordType::SRV => "service",
        RecordType::PTR => "name",
        RecordType::NS => "nameserver",
        RecordType::TXT => "text",
        RecordType::MX => "mail exchanger",
        _ => t.as_str(),
    }
}

fn summary(out: &mut String, w: &Lookup) {
    let sent = !matches!(w.result, WalkResult::InvalidName { .. });
    if let (Some(ns), true) = (&w.nameserver, sent) {
        let _ = writeln!(out, "Server:\t\t{ns}\nAddress:\t{ns}#53\n");
    }
    let asked = w.name.trim_end_matches('.');
    match &w.result {
        WalkResult::Resolved { name, answers, upstream } => {
            let shown = name.trim_end_matches('.');
            for a in answers {
                let owner = a.name.trim_end_matches('.');
                let _ = match a.rtype {
                    RecordType::A | RecordType::AAAA => {
                        writeln!(out, "Name:\t{owner}\nAddress: {}", a.data)
                    }
                    RecordType::CNAME => {
                        writeln!(out, "{owner}\tcanonical name = {}", a.data.trim_end_matches('.'))
                    }
                    t => writeln!(out, "{shown}\t{} = {}", nslookup_word(t), a.data),
                };
            }
            for u in upstream {
                let _ = writeln!(
                    out,
                    "{} leaves the cluster: CoreDNS resolves it through its upstream (not simulated)",
                    u.trim_end_matches('.')
                );
            }
        }
        WalkResult::NotFound { nodata: true, .. } => {
            let _ = writeln!(out, "*** Can't find {asked}: No answer");
        }
        WalkResult::NotFound { nodata: false, .. } => {
            let _ = writeln!(out, "** server can't find {asked}: NXDOMAIN");
        }
        WalkResult::LeavesCluster { name, upstream } => {
            let _ = writeln!(
                out,
                "{name} leaves the cluster: resolved by {upstream}, outside the simulation"
            );
        }
        WalkResult::Failed { rcode } => {
            let _ = writeln!(out, "** server can't find {asked}: {rcode}");
        }
        WalkResult::InvalidName { error } => {
            let _ = writeln!(out, "** invalid name: {error}");
        }
        WalkResult::NoNameserver => {
            let _ = writeln!(out, "** no nameserver in resolv.conf");
        }
        WalkResult::TimedOut { why } => {
            let _ = writeln!(out, ";; connection timed out; no servers could be reached");
            let _ = writeln!(out, ";; ({why})");
        }
    }
}
