//! `netsim dns NAME [--from POD | --namespace NS] [--type T] [--exact]`: what a Pod's resolver
//! sees, query by query (dig-like sections), then an nslookup-like summary.

use std::fmt::Write as _;
use std::net::IpAddr;

use netsim::dns::{
    fqdn, query_packet, resolv_conf, resolve, Outcome, RecordType, ResolvConf, Response, Walk,
    WalkResult, Zone, ZoneInput,
};
use netsim::model::Pod;
use serde_json::json;

use super::pipeline::{self, Built};
use crate::{Args, Input, Output, UsageError};

pub(crate) const HELP: &str = "\
netsim dns — resolve a name as a Pod's resolver would, query by query

Usage: netsim dns NAME [--from POD | --namespace NS] [--type TYPE] [--exact] -f PATH... [-o json]

The resolver reads the Pod's /etc/resolv.conf (see 'netsim resolv-conf') and walks its search
list as glibc does (ndots:5): every candidate name is sent to cluster DNS (the kube-dns Service)
and answered as CoreDNS's kubernetes plugin would. The first answer wins. Names CoreDNS does not
serve are forwarded upstream: shown as leaving the cluster, never resolved to made-up addresses.

Options:
  --from POD        the client Pod, as NAME or NAMESPACE/NAME (NAME alone: in --namespace, or default)
  -n, --namespace NS  without --from: a virtual client Pod (dnsPolicy ClusterFirst) in NS
                    (default: a virtual client in namespace default)
  --type TYPE       A (default), AAAA, SRV, CNAME, PTR, TXT, NS, SOA, MX, ANY
  --exact           send NAME once, as a fully qualified name, to cluster DNS (no search list)
  -o json           {\"queries\":[{\"name\",\"type\",\"rcode\",\"outcome\",\"answers\":[{\"name\",\"type\",\"ttl\",\"data\"}],
                    \"authority\",\"additional\",\"why\"}],\"result\":{\"kind\",…},\"resolvConf\",\"packet\"}
                    rcode is NOERROR, NXDOMAIN, SERVFAIL, REFUSED, or null when the query left the
                    cluster or was never sent.
";

/// Finds `--from` (`name` or `ns/name`) or makes the virtual client.
pub(crate) fn client(a: &Args, built: &Built) -> Result<Pod, Output> {
    let ns_opt = a.value("namespace");
    if let Some(from) = a.value("from") {
        let (ns, name) = match from.split_once('/') {
            Some((ns, name)) => (ns.to_string(), name.to_string()),
            None => (ns_opt.unwrap_or("default").to_string(), from.to_string()),
        };
        return built
            .objects
            .pods
            .iter()
            .find(|p| p.meta.namespace == ns && p.meta.name == name)
            .cloned()
            .ok_or_else(|| not_found(&ns, &name));
    }
    let mut p = Pod::default();
    p.meta.name = "client".into();
    p.meta.namespace = ns_opt.unwrap_or("default").to_string();
    p.spec.dns_policy = "ClusterFirst".into();
    Ok(p)
}

pub(crate) fn not_found(ns: &str, name: &str) -> Output {
    Output {
        stdout: String::new(),
        stderr: format!(
            "Error from server (NotFound): pods \"{name}\" not found in namespace \"{ns}\"\n"
        ),
        code: 1,
    }
}

fn question_line(r: &Response) -> String {
    format!(";; QUESTION: {} IN {}\n", r.name, r.qtype)
}

fn print_response(out: &mut String, r: &Response) {
    out.push_str(&question_line(r));
    match &r.outcome {
        Outcome::Answered => {
            let rcode = r.rcode.map_or("-", |c| c.as_str());
            let _ = writeln!(
                out,
                ";; status: {rcode}{}",
                if r.why.is_empty() { String::new() } else { format!(" ({})", r.why) }
            );
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
            let _ = writeln!(out, ";; not sent: {error}");
        }
    }
    out.push('\n');
}

fn summary(out: &mut String, w: &Walk) {
    let sent = !matches!(w.result, WalkResult::InvalidName { .. });
    if let (Some(ns), true) = (&w.nameserver, sent) {
        let _ = writeln!(out, "Server:\t\t{ns}\nAddress:\t{ns}#53\n");
    }
    match &w.result {
        WalkResult::Resolved { name, answers, upstream } => {
            let shown = name.trim_end_matches('.');
            for a in answers {
                match a.rtype {
                    RecordType::A | RecordType::AAAA => {
                        let _ = writeln!(
                            out,
                            "Name:\t{}\nAddress: {}",
                            a.name.trim_end_matches('.'),
                            a.data
                        );
                    }
                    RecordType::CNAME => {
                        let _ = writeln!(
                            out,
                            "{}\tcanonical name = {}",
                            a.name.trim_end_matches('.'),
                            a.data.trim_end_matches('.')
                        );
                    }
                    t => {
                        // nslookup's words for the record types.
                        let word = match t {
                            RecordType::SRV => "service",
                            RecordType::PTR => "name",
                            RecordType::NS => "nameserver",
                            RecordType::TXT => "text",
                            RecordType::MX => "mail exchanger",
                            _ => t.as_str(),
                        };
                        let _ = writeln!(out, "{shown}\t{word} = {}", a.data);
                    }
                }
            }
            for u in upstream {
                let _ = writeln!(
                    out,
                    "{} leaves the cluster: CoreDNS resolves it through its upstream (not simulated)",
                    u.trim_end_matches('.')
                );
            }
        }
        WalkResult::NotFound { nodata, .. } => {
            if *nodata {
                let _ = writeln!(out, "*** Can't find {}: No answer", w.name.trim_end_matches('.'));
            } else {
                let _ = writeln!(
                    out,
                    "** server can't find {}: NXDOMAIN",
                    w.name.trim_end_matches('.')
                );
            }
        }
        WalkResult::LeavesCluster { name, upstream } => {
            let _ = writeln!(
                out,
                "{name} leaves the cluster: resolved by {upstream}, outside the simulation"
            );
        }
        WalkResult::Failed { rcode } => {
            let _ = writeln!(out, "** server can't find {}: {rcode}", w.name.trim_end_matches('.'));
        }
        WalkResult::InvalidName { error } => {
            let _ = writeln!(out, "** invalid name: {error}");
        }
        WalkResult::NoNameserver => {
            let _ = writeln!(out, "** no nameserver in resolv.conf");
        }
    }
}

fn response_json(r: &Response) -> serde_json::Value {
    json!({
        "name": r.name,
        "type": r.qtype,
        "rcode": r.rcode,
        "outcome": r.outcome,
        "answers": r.answer,
        "authority": r.authority,
        "additional": r.additional,
        "upstreamLookups": r.upstream_lookups,
        "why": r.why,
    })
}

pub(crate) fn run(a: &Args, inputs: &[Input]) -> Result<Output, UsageError> {
    a.only(&["from", "namespace", "type", "exact", "output", "help"])?;
    let json_out = a.output_in(&["json"])?.is_some();
    let name = a.positional(0, "NAME (the name to resolve)")?.to_string();
    if a.positionals.len() > 1 {
        return Err(UsageError("netsim dns takes one NAME".into()));
    }
    if a.value("from").is_some()
        && a.value("namespace").is_some()
        && a.value("from").is_some_and(|f| f.contains('/'))
    {
        return Err(UsageError(
            "--from NAMESPACE/NAME and --namespace cannot both be given".into(),
        ));
    }
    let qtype = match a.value("type") {
        None => RecordType::A,
        Some(t) => RecordType::parse(t).map_err(|e| UsageError(e.to_string()))?,
    };
    let built = match pipeline::build(inputs) {
        Ok(b) => b,
        Err(out) => return Ok(out),
    };
    let pod = match client(a, &built) {
        Ok(p) => p,
        Err(out) => return Ok(out),
    };
    let zone = Zone::new(
        built.corefile.clone(),
        ZoneInput {
            services: &built.objects.services,
            endpoint_slices: &built.objects.endpoint_slices,
            pods: &built.objects.pods,
            namespaces: &built.objects.namespaces,
        },
    );
    let rc = resolv_conf(&pod, &built.resolver);
    let walk = if a.flag("exact") {
        exact_walk(&rc, &name, qtype, &zone, &built.resolver.cluster_dns)
    } else {
        resolve(&rc, &name, qtype, &zone, &built.resolver.cluster_dns)
    };
    let packet = query_packet(&pod, &rc);
    let mut out = Output::ok(String::new());
    out.stderr = built.warnings;
    if json_out {
        let doc = json!({
            "client": format!("{}/{}", pod.meta.namespace, pod.meta.name),
            "resolvConf": rc.to_string(),
            "queries": walk.queries.iter().map(response_json).collect::<Vec<_>>(),
            "result": walk.result,
            "packet": packet,
        });
        out.stdout = serde_json::to_string_pretty(&doc).unwrap_or_default();
        out.stdout.push('\n');
        return Ok(out);
    }
    let s = &mut out.stdout;
    let _ = writeln!(
        s,
        ";; client {}/{}{}: nameserver {}, search [{}], ndots:{}{}",
        pod.meta.namespace,
        pod.meta.name,
        if a.value("from").is_none() { " (virtual Pod, dnsPolicy ClusterFirst)" } else { "" },
        rc.nameservers.first().map_or("-", String::as_str),
        rc.searches.join(" "),
        rc.ndots(),
        if a.flag("exact") { " (--exact: no search list)" } else { "" },
    );
    if let Some(p) = &packet {
        let _ = writeln!(s, ";; each query: {} -> {}:{}/UDP", p.src, p.dst, p.dst_port);
    }
    s.push('\n');
    for r in &walk.queries {
        print_response(s, r);
    }
    summary(s, &walk);
    Ok(out)
}

/// `--exact`: one absolute query, straight to cluster DNS.
fn exact_walk(rc: &ResolvConf, name: &str, qtype: RecordType, zone: &Zone, dns: &[IpAddr]) -> Walk {
    let mut exact = rc.clone();
    exact.searches.clear();
    if let Some(first) = dns.first() {
        exact.nameservers = vec![first.to_string()];
    }
    let name = if name.is_empty() { String::new() } else { fqdn(name) };
    resolve(&exact, &name, qtype, zone, dns)
}
