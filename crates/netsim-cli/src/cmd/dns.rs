//! `netsim dns NAME [--from POD | --namespace NS] [--type T] [--exact]`: what a Pod's resolver
//! sees, query by query (dig-like sections), then an nslookup-like summary.

use netsim::dns::RecordType;
use netsim::session::to_json;

use crate::{Args, Input, Output, UsageError};

pub(crate) const HELP: &str = "\
netsim dns — resolve a name as a Pod's resolver would, query by query

Usage: netsim dns NAME [--from POD | --namespace NS] [--type TYPE] [--exact] [--event EVENT]...
                  -f PATH... [-o json]

The resolver reads the Pod's /etc/resolv.conf (see 'netsim resolv-conf') and walks its search
list as glibc does (ndots:5): every candidate name is sent to cluster DNS (the kube-dns Service)
and answered as CoreDNS's kubernetes plugin would. The first answer wins. Names CoreDNS does not
serve are forwarded upstream: shown as leaving the cluster, never resolved to made-up addresses.

Options:
  --from POD        the client Pod, as NAME or NAMESPACE/NAME (NAME alone: in --namespace, or default)
  -n, --namespace NS  without --from: a virtual client Pod (dnsPolicy ClusterFirst) in NS
                    (default: a virtual client in namespace default)
  --type TYPE       the query type, as dig takes it (default A): a mnemonic in any case (A,
                    AAAA, SRV, CNAME, PTR, TXT, NS, SOA, MX, ANY, AXFR, IXFR, HINFO, CAA, …
                    every IANA RR type), TYPEnnn or a number (13 is HINFO). CoreDNS answers
                    every type: a type it has no records of is NODATA (NOERROR, no answers)
                    for a name that exists and NXDOMAIN for one that does not. Types are
                    printed by mnemonic, numbers without one as TYPEnnn (RFC 3597).
  --exact           send NAME once, as a fully qualified name, to cluster DNS (no search list)
  --event EVENT     apply a what-if event first (repeatable; see 'netsim get --help')
  -o json           {\"client\":{\"kind\",\"namespace\",\"name\"}, \"virtualClient\", \"exact\",
                    \"searches\", \"resolvConf\" (the file's text), \"packet\":{\"src\",\"dst\",
                    \"dstPort\",\"protocol\"}|null, \"name\", \"type\", \"nameserver\", \"ndots\",
                    \"queries\":[{\"name\",\"type\",\"outcome\":{\"kind\":\"answered\"|\"forwarded\"|
                    \"otherNameserver\"|\"invalid\",…},\"rcode\",\"answers\":[{\"name\",\"type\",\"ttl\",
                    \"data\"}],\"authority\",\"additional\",\"upstreamLookups\",\"why\"}],
                    \"result\":{\"kind\":\"resolved\"|\"notFound\"|\"leavesCluster\"|\"failed\"|
                    \"invalidName\"|\"noNameserver\",…}}
                    rcode is NOERROR, NXDOMAIN, SERVFAIL, REFUSED, or null when the query left the
                    cluster or was never sent.
";

pub(crate) fn run(a: &Args, inputs: &[Input]) -> Result<Output, UsageError> {
    a.only(&["from", "namespace", "type", "exact", "output", "help", "event"])?;
    let json_out = a.output_in(&["json"])?.is_some();
    let name = a.positional(0, "NAME (the name to resolve)")?.to_string();
    if a.positionals.len() > 1 {
        return Err(UsageError("netsim dns takes one NAME".into()));
    }
    if a.value("namespace").is_some() && a.value("from").is_some_and(|f| f.contains('/')) {
        return Err(UsageError(
            "--from NAMESPACE/NAME and --namespace cannot both be given".into(),
        ));
    }
    let qtype = match a.value("type") {
        None => RecordType::A,
        Some(t) => RecordType::parse(t).map_err(|e| UsageError(e.to_string()))?,
    };
    let events = super::what_ifs(a, a.value("namespace").unwrap_or("default"))?;
    let (session, warnings) = match super::session(inputs, &events) {
        Ok(s) => s,
        Err(out) => return Ok(out),
    };
    let lookup =
        match session.dns(&name, a.value("from"), a.value("namespace"), qtype, a.flag("exact")) {
            Ok(l) => l,
            Err(e) => return super::ask_failed(e, warnings),
        };
    let stdout = if json_out { to_json(&lookup) } else { lookup.text() };
    Ok(Output { stdout, stderr: warnings, code: 0 })
}
