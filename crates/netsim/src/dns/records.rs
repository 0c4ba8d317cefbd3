//! DNS vocabulary shared by the CoreDNS model ([`super::Zone`]) and the stub resolver
//! ([`super::resolve`]): record types, response codes, resource records printed like `dig`,
//! responses, and the query-name checks a resolver applies before it sends anything.

use std::fmt;

use serde::{Deserialize, Serialize};

/// A query type. The simulator answers any type as CoreDNS does: the types the kubernetes plugin
/// has records for by name, every other one (`HINFO`, `CAA`, `TYPE65280`, …) as
/// [`RecordType::Other`] with its number, answered like the plugin's `default:` branch
/// (`handler.go` `ServeDNS`: a fake A lookup tells NXDOMAIN from NODATA).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(type = "string"))]
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
    /// Any other type, by its number (RFC 1035 §3.2.2, IANA "DNS Parameters").
    Other(u16),
}

/// IANA's RR type mnemonics and numbers ("Domain Name System (DNS) Parameters", Resource Record
/// (RR) TYPEs; the types miekg/dns names in `TypeToString`), for the types without their own
/// variant.
const OTHER_TYPES: &[(&str, u16)] = &[
    ("MD", 3),
    ("MF", 4),
    ("MB", 7),
    ("MG", 8),
    ("MR", 9),
    ("NULL", 10),
    ("HINFO", 13),
    ("MINFO", 14),
    ("RP", 17),
    ("AFSDB", 18),
    ("X25", 19),
    ("ISDN", 20),
    ("RT", 21),
    ("NSAPPTR", 23),
    ("SIG", 24),
    ("KEY", 25),
    ("PX", 26),
    ("GPOS", 27),
    ("LOC", 29),
    ("NXT", 30),
    ("EID", 31),
    ("NIMLOC", 32),
    ("ATMA", 34),
    ("NAPTR", 35),
    ("KX", 36),
    ("CERT", 37),
    ("DNAME", 39),
    ("OPT", 41),
    ("APL", 42),
    ("DS", 43),
    ("SSHFP", 44),
    ("IPSECKEY", 45),
    ("RRSIG", 46),
    ("NSEC", 47),
    ("DNSKEY", 48),
    ("DHCID", 49),
    ("NSEC3", 50),
    ("NSEC3PARAM", 51),
    ("TLSA", 52),
    ("SMIMEA", 53),
    ("HIP", 55),
    ("NINFO", 56),
    ("RKEY", 57),
    ("TALINK", 58),
    ("CDS", 59),
    ("CDNSKEY", 60),
    ("OPENPGPKEY", 61),
    ("CSYNC", 62),
    ("ZONEMD", 63),
    ("SVCB", 64),
    ("HTTPS", 65),
    ("SPF", 99),
    ("UINFO", 100),
    ("UID", 101),
    ("GID", 102),
    ("UNSPEC", 103),
    ("NID", 104),
    ("L32", 105),
    ("L64", 106),
    ("LP", 107),
    ("EUI48", 108),
    ("EUI64", 109),
    ("TKEY", 249),
    ("TSIG", 250),
    ("MAILB", 253),
    ("MAILA", 254),
    ("URI", 256),
    ("CAA", 257),
    ("AVC", 258),
    ("AMTRELAY", 260),
    ("TA", 32768),
    ("DLV", 32769),
];

impl RecordType {
    /// The types with their own variant, for help texts and error hints.
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

    /// The type's number (RFC 1035 §3.2.2 and successors).
    pub fn code(self) -> u16 {
        match self {
            RecordType::A => 1,
            RecordType::NS => 2,
            RecordType::CNAME => 5,
            RecordType::SOA => 6,
            RecordType::PTR => 12,
            RecordType::MX => 15,
            RecordType::TXT => 16,
            RecordType::AAAA => 28,
            RecordType::SRV => 33,
            RecordType::IXFR => 251,
            RecordType::AXFR => 252,
            RecordType::ANY => 255,
            RecordType::Other(n) => n,
        }
    }

    /// The type for a number: its own variant when it has one.
    pub fn from_code(n: u16) -> RecordType {
        RecordType::ALL.into_iter().find(|t| t.code() == n).unwrap_or(RecordType::Other(n))
    }

    /// The mnemonic as `dig` prints it; `TYPE` for a number without a mnemonic (the full
    /// RFC 3597 form, `TYPE65280`, is [`Display`](fmt::Display)).
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
            RecordType::Other(n) => {
                OTHER_TYPES.iter().find(|(_, c)| *c == n).map_or("TYPE", |(name, _)| name)
            }
        }
    }

    /// Parses a type as `dig` takes it: a mnemonic, case-insensitively (`aaaa`, `Hinfo`), the
    /// RFC 3597 form `TYPE13`, or a bare number (`13`).
    pub fn parse(text: &str) -> Result<RecordType, QueryError> {
        let t = text.trim();
        if let Some(known) =
            RecordType::ALL.into_iter().find(|k| k.as_str().eq_ignore_ascii_case(t))
        {
            return Ok(known);
        }
        if let Some((_, n)) = OTHER_TYPES.iter().find(|(name, _)| name.eq_ignore_ascii_case(t)) {
            return Ok(RecordType::Other(*n));
        }
        let digits = t
            .get(..4)
            .filter(|p| p.eq_ignore_ascii_case("TYPE"))
            .map_or(t, |_| t.get(4..).unwrap_or(""));
        match digits.parse::<u16>() {
            Ok(n) if !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit()) => {
                Ok(RecordType::from_code(n))
            }
            _ => Err(QueryError::UnknownType { name: text.chars().take(32).collect() }),
        }
    }
}

impl fmt::Display for RecordType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.as_str() {
            "TYPE" => write!(f, "TYPE{}", self.code()),
            s => f.write_str(s),
        }
    }
}

impl Serialize for RecordType {
    /// The mnemonic (`"A"`, `"HINFO"`, `"TYPE65280"`), as `dig` prints it.
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for RecordType {
    /// What [`RecordType::parse`] takes.
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<RecordType, D::Error> {
        let text = String::deserialize(d)?;
        RecordType::parse(&text).map_err(serde::de::Error::custom)
    }
}

/// The response codes CoreDNS gives in this simulation.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
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
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(rename = "DnsRecord"))]
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
#[serde(tag = "error", rename_all = "kebab-case", try_from = "QueryErrorRepr")]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
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
    /// Not a record type: neither a mnemonic nor a number from 0 to 65535.
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
                "unknown record type '{t}' (a mnemonic such as A, AAAA, SRV, TXT, HINFO, CAA, or a number: 13, TYPE13)"
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
#[serde(tag = "kind", rename_all = "camelCase", try_from = "OutcomeRepr")]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(rename = "DnsOutcome"))]
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

/// The flat form [`QueryError`] is read back from (its JSON, `{"error": "name-too-long", …}`):
/// a plain struct costs the page's wasm a fraction of what an internally tagged enum does.
#[derive(Deserialize)]
struct QueryErrorRepr {
    error: String,
    name: Option<String>,
    label: Option<String>,
    len: Option<usize>,
}

impl TryFrom<QueryErrorRepr> for QueryError {
    type Error = String;
    fn try_from(r: QueryErrorRepr) -> Result<QueryError, String> {
        let name = || r.name.clone().unwrap_or_default();
        Ok(match r.error.as_str() {
            "empty-name" => QueryError::EmptyName,
            "empty-label" => QueryError::EmptyLabel { name: name() },
            "label-too-long" => QueryError::LabelTooLong {
                label: r.label.clone().unwrap_or_default(),
                len: r.len.unwrap_or(0),
            },
            "name-too-long" => QueryError::NameTooLong { len: r.len.unwrap_or(0) },
            "non-ascii" => QueryError::NonAscii { name: name() },
            "bad-character" => QueryError::BadCharacter { name: name() },
            "unknown-type" => QueryError::UnknownType { name: name() },
            other => return Err(format!("unknown query error '{other}'")),
        })
    }
}

/// The flat form [`Outcome`] is read back from (`{"kind": "forwarded", "upstream": …}`).
#[derive(Deserialize)]
struct OutcomeRepr {
    kind: String,
    upstream: Option<String>,
    nameserver: Option<String>,
    error: Option<QueryError>,
}

impl TryFrom<OutcomeRepr> for Outcome {
    type Error = String;
    fn try_from(r: OutcomeRepr) -> Result<Outcome, String> {
        Ok(match r.kind.as_str() {
            "answered" => Outcome::Answered,
            "forwarded" => Outcome::Forwarded { upstream: r.upstream.unwrap_or_default() },
            "otherNameserver" => {
                Outcome::OtherNameserver { nameserver: r.nameserver.unwrap_or_default() }
            }
            "invalid" => {
                Outcome::Invalid { error: r.error.ok_or("an invalid query without its error")? }
            }
            other => return Err(format!("unknown query outcome '{other}'")),
        })
    }
}

/// One DNS response (or non-response, see [`Outcome`]).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(rename = "DnsResponse"))]
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
        // Any type, as dig takes it: mnemonics, TYPEnnn (RFC 3597), numbers.
        assert_eq!(RecordType::parse("hinfo"), Ok(RecordType::Other(13)));
        assert_eq!(RecordType::parse("TYPE13"), Ok(RecordType::Other(13)));
        assert_eq!(RecordType::parse("28"), Ok(RecordType::AAAA));
        assert_eq!(RecordType::parse("type65280"), Ok(RecordType::Other(65280)));
        assert!(matches!(RecordType::parse("TYPE70000"), Err(QueryError::UnknownType { .. })));
        assert!(matches!(RecordType::parse("TYPE"), Err(QueryError::UnknownType { .. })));
        assert_eq!(RecordType::Other(13).to_string(), "HINFO");
        assert_eq!(RecordType::Other(65280).to_string(), "TYPE65280");
        assert_eq!(serde_json::to_string(&RecordType::Other(257)).ok().as_deref(), Some("\"CAA\""));
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
