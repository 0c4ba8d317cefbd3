//! DNS vocabulary shared by the CoreDNS model ([`super::Zone`]) and the stub resolver
//! ([`super::resolve`]): record types, response codes, resource records printed like `dig`,
//! responses, and the query-name checks a resolver applies before it sends anything.

use std::fmt;

use serde::{Deserialize, Serialize};

/// The query types the simulator understands. Anything else is a [`QueryError::UnknownType`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum RecordType {
    A,
    #[allow(clippy::upper_case_acronyms)]
    AAAA,
    #[allow(clippy::upper_case_acronyms)]
    CNAME,
    #[allow(clippy::upper_case_acronyms)]
    PTR,
    #[allow(clippy::upper_case_acronyms)]
    SRV,
    #[allow(clippy::upper_case_acronyms)]
    TXT,
    NS,
    #[allow(clippy::upper_case_acronyms)]
    SOA,
    MX,
    #[allow(clippy::upper_case_acronyms)]
    ANY,
    #[allow(clippy::upper_case_acronyms)]
    AXFR,
    #[allow(clippy::upper_case_acronyms)]
    IXFR,
}

impl RecordType {
    /// Every type, for help texts and error hints.
    pub const ALL: [RecordType; 12] = [
        RecordType::A,
        RecordType::AAAA,
        RecordType::CNAME,
        RecordType::PTR,
        RecordType::SRV,
        RecordType::TXT,
        RecordType::NS,
        RecordType::SOA,
        RecordType::MX,
        RecordType::ANY,
        RecordType::AXFR,
        RecordType::IXFR,
    ];

    /// The mnemonic as `dig` prints it.
    pub fn as_str(self) -> &'static str {
        match self {
            RecordType::A => "A",
            RecordType::AAAA => "AAAA",
            RecordType::CNAME => "CNAME",
            RecordType::PTR => "PTR",
            RecordType::SRV => "SRV",
            RecordType::TXT => "TXT",
            RecordType::NS => "NS",
            RecordType::SOA => "SOA",
            RecordType::MX => "MX",
            RecordType::ANY => "ANY",
            RecordType::AXFR => "AXFR",
            RecordType::IXFR => "IXFR",
        }
    }

    /// Parses a mnemonic, case-insensitively (`aaaa`, `SRV`).
    pub fn parse(text: &str) -> Result<RecordType, QueryError> {
        RecordType::ALL
            .into_iter()
            .find(|t| t.as_str().eq_ignore_ascii_case(text))
            .ok_or_else(|| QueryError::UnknownType { name: text.chars().take(32).collect() })
    }
}

impl fmt::Display for RecordType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The response codes CoreDNS gives in this simulation.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum Rcode {
    #[serde(rename = "NOERROR")]
    NoError,
    #[serde(rename = "NXDOMAIN")]
    NxDomain,
    #[serde(rename = "SERVFAIL")]
    ServFail,
    #[serde(rename = "REFUSED")]
    Refused,
}

impl Rcode {
    /// The name as `dig` prints it in `status:`.
    pub fn as_str(self) -> &'static str {
        match self {
            Rcode::NoError => "NOERROR",
            Rcode::NxDomain => "NXDOMAIN",
            Rcode::ServFail => "SERVFAIL",
            Rcode::Refused => "REFUSED",
        }
    }
}

impl fmt::Display for Rcode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One resource record. `name` is absolute (trailing dot); `data` is the RDATA in zone-file
/// presentation format, exactly as `dig` prints it (`0 100 80 svc1.testns.svc.cluster.local.`,
/// `"1.1.0"`).
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct Record {
    pub name: String,
    #[serde(rename = "type")]
    pub rtype: RecordType,
    pub ttl: u32,
    pub data: String,
}

impl fmt::Display for Record {
    /// `name. 30 IN A 10.96.0.10`
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {} IN {} {}", self.name, self.ttl, self.rtype, self.data)
    }
}

/// Why a query was never sent: the name or type is not something a resolver puts on the wire.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "error", rename_all = "kebab-case")]
pub enum QueryError {
    /// The name is empty.
    EmptyName,
    /// Two dots in a row, or a leading dot (`a..b`, `.a`).
    EmptyLabel { name: String },
    /// A label longer than 63 bytes (RFC 1035 §2.3.4).
    LabelTooLong { label: String, len: usize },
    /// More than 253 characters (255 octets on the wire, RFC 1035 §2.3.4).
    NameTooLong { len: usize },
    /// Non-ASCII text (internationalised names must be sent as `xn--` punycode).
    NonAscii { name: String },
    /// Whitespace or control characters.
    BadCharacter { name: String },
    /// A record type the simulator does not know.
    UnknownType { name: String },
}

impl fmt::Display for QueryError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            QueryError::EmptyName => f.write_str("empty query name"),
            QueryError::EmptyLabel { name } => {
                write!(f, "'{name}' is not a legal name (empty label)")
            }
            QueryError::LabelTooLong { label, len } => {
                write!(f, "'{label}' is not a legal name (label too long: {len} bytes, at most 63)")
            }
            QueryError::NameTooLong { len } => {
                write!(f, "name too long: {len} characters, at most 253")
            }
            QueryError::NonAscii { name } => write!(
                f,
                "'{name}' is not a legal name (non-ASCII characters; use the xn-- punycode form)"
            ),
            QueryError::BadCharacter { name } => {
                write!(f, "'{name}' is not a legal name (whitespace or control characters)")
            }
            QueryError::UnknownType { name: t } => write!(
                f,
                "unknown record type '{t}' (known: A, AAAA, CNAME, PTR, SRV, TXT, NS, SOA, MX, ANY)"
            ),
        }
    }
}

/// Longest name in presentation form without the trailing dot (RFC 1035: 255 octets on the
/// wire, which is 253 characters of text).
pub const MAX_NAME_LEN: usize = 253;
/// Longest label (RFC 1035 §2.3.4).
pub const MAX_LABEL_LEN: usize = 63;

/// Checks a query name as a resolver (or `dig`) does before sending it. A single trailing dot
/// is allowed (absolute name); `.` alone is the root. Returns the labels.
pub fn check_name(name: &str) -> Result<Vec<&str>, QueryError> {
    if name.is_empty() {
        return Err(QueryError::EmptyName);
    }
    let short: String = name.chars().take(80).collect();
    if !name.is_ascii() {
        return Err(QueryError::NonAscii { name: short });
    }
    if name.bytes().any(|b| b.is_ascii_whitespace() || b.is_ascii_control()) {
        return Err(QueryError::BadCharacter { name: short.escape_default().to_string() });
    }
    if name == "." {
        return Ok(Vec::new());
    }
    let body = name.strip_suffix('.').unwrap_or(name);
    if body.len() > MAX_NAME_LEN {
        return Err(QueryError::NameTooLong { len: body.len() });
    }
    let labels: Vec<&str> = body.split('.').collect();
    for label in &labels {
        if label.is_empty() {
            return Err(QueryError::EmptyLabel { name: short });
        }
        if label.len() > MAX_LABEL_LEN {
            return Err(QueryError::LabelTooLong {
                label: label.chars().take(80).collect(),
                len: label.len(),
            });
        }
    }
    Ok(labels)
}

/// `name` with exactly one trailing dot.
pub fn fqdn(name: &str) -> String {
    if name.ends_with('.') {
        name.to_string()
    } else {
        format!("{name}.")
    }
}

/// What happened to one query sent to cluster DNS.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "camelCase")]
pub enum Outcome {
    /// CoreDNS's `kubernetes` plugin answered (authoritatively) with `Response::rcode`.
    Answered,
    /// The name is not for the `kubernetes` plugin (outside its zones, or a name error in a
    /// `fallthrough` zone): CoreDNS passes it on to `forward`, so the answer comes from the
    /// upstream resolver, outside the cluster. The simulator never invents that answer.
    Forwarded {
        /// The forward targets as the Corefile gives them (`/etc/resolv.conf`), with what they
        /// mean here.
        upstream: String,
    },
    /// The query went to a nameserver that is not cluster DNS (e.g. `dnsPolicy: Default`).
    OtherNameserver { nameserver: String },
    /// The query was never sent.
    Invalid { error: QueryError },
}

/// One DNS response (or non-response, see [`Outcome`]).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Response {
    /// The question name, absolute, with the case the client used.
    pub name: String,
    #[serde(rename = "type")]
    pub qtype: RecordType,
    pub outcome: Outcome,
    /// `None` unless [`Outcome::Answered`].
    pub rcode: Option<Rcode>,
    #[serde(rename = "answers")]
    pub answer: Vec<Record>,
    pub authority: Vec<Record>,
    pub additional: Vec<Record>,
    /// Names CoreDNS resolves through its own upstream to complete the answer (the target of
    /// an ExternalName CNAME outside the cluster zones). Their addresses are not simulated.
    pub upstream_lookups: Vec<String>,
    /// Why this rcode, in words (which `parse.go` / `kubernetes.go` rule applied).
    pub why: String,
}

impl Response {
    /// NOERROR with at least one answer record.
    pub fn has_answer(&self) -> bool {
        self.rcode == Some(Rcode::NoError) && !self.answer.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn record_types_parse_case_insensitively() {
        assert_eq!(RecordType::parse("aaaa"), Ok(RecordType::AAAA));
        assert_eq!(RecordType::parse("Srv"), Ok(RecordType::SRV));
        assert!(matches!(RecordType::parse("FOO"), Err(QueryError::UnknownType { .. })));
        assert!(matches!(RecordType::parse(""), Err(QueryError::UnknownType { .. })));
    }

    #[test]
    fn name_checks() {
        assert_eq!(check_name("a.b."), Ok(vec!["a", "b"]));
        assert_eq!(check_name("."), Ok(vec![]));
        assert_eq!(check_name(""), Err(QueryError::EmptyName));
        assert!(matches!(check_name("a..b"), Err(QueryError::EmptyLabel { .. })));
        assert!(matches!(check_name(".a"), Err(QueryError::EmptyLabel { .. })));
        assert!(matches!(check_name("a.b.."), Err(QueryError::EmptyLabel { .. })));
        let long = "x".repeat(64);
        assert!(matches!(check_name(&long), Err(QueryError::LabelTooLong { len: 64, .. })));
        assert!(check_name(&"x".repeat(63)).is_ok());
        let name = vec!["abcdefghi"; 26].join("."); // 26*10-1 = 259
        assert!(matches!(check_name(&name), Err(QueryError::NameTooLong { len: 259 })));
        assert!(matches!(check_name("café.default"), Err(QueryError::NonAscii { .. })));
        assert!(matches!(check_name("a b"), Err(QueryError::BadCharacter { .. })));
    }

    #[test]
    fn record_prints_like_dig() {
        let r = Record {
            name: "svc1.testns.svc.cluster.local.".into(),
            rtype: RecordType::A,
            ttl: 5,
            data: "10.0.0.1".into(),
        };
        assert_eq!(r.to_string(), "svc1.testns.svc.cluster.local. 5 IN A 10.0.0.1");
    }
}
