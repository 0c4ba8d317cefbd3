//! Parsing the two ends of a request: the source (`pod/NAME`, `pod/NS/NAME[:CONTAINER]`,
//! `node/NAME`, `external`) and the target (`host:port` or an `http://` / `https://` URL).
//! Pure string work; looking the names up in the cluster happens in the trace.

use std::net::IpAddr;

use super::RequestError;

/// Where a request starts.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Source {
    /// A Pod (or one named container of it). `namespace` is `default` when not given.
    Pod { namespace: String, name: String, container: Option<String> },
    /// A process on a node (host network namespace).
    Node { name: String },
    /// A client outside the cluster (a laptop on the nodes' network).
    External,
}

/// The host part of a target.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Host {
    /// A DNS name, resolved by the client's resolver.
    Name(String),
    Ip(IpAddr),
    /// `localhost` (the client's own network namespace; `127.0.0.1` is the same).
    Localhost,
}

/// Where a request goes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Target {
    /// `http` or `https` when given as a URL.
    pub scheme: Option<String>,
    pub host: Host,
    pub port: u16,
    /// The host as typed (for the HTTP Host header / TLS server name).
    pub host_text: String,
}

const MAX_ARG: usize = 2048;

/// Parses `pod/NAME`, `pod/NS/NAME`, either with `:CONTAINER`, `node/NAME`, or `external`.
pub fn parse_source(text: &str) -> Result<Source, RequestError> {
    let t = text.trim();
    if t.len() > MAX_ARG {
        return Err(RequestError::new("bad-source", "the source is too long".into()));
    }
    if t == "external" {
        return Ok(Source::External);
    }
    let bad = || {
        RequestError::new(
            "bad-source",
            format!(
                "invalid source \"{t}\": expected pod/NAME, pod/NAMESPACE/NAME (optionally :CONTAINER), node/NAME or external"
            ),
        )
    };
    let (kind, rest) = t.split_once('/').ok_or_else(bad)?;
    match kind {
        "pod" | "pods" | "po" => {
            let (path, container) = match rest.split_once(':') {
                Some((p, c)) if !c.is_empty() => (p, Some(c.to_string())),
                Some(_) => return Err(bad()),
                None => (rest, None),
            };
            let (ns, name) = match path.split_once('/') {
                Some((ns, name)) => (ns, name),
                None => ("default", path),
            };
            if ns.is_empty() || name.is_empty() || name.contains('/') {
                return Err(bad());
            }
            Ok(Source::Pod { namespace: ns.into(), name: name.into(), container })
        }
        "node" | "nodes" | "no" if !rest.is_empty() && !rest.contains('/') => {
            Ok(Source::Node { name: rest.into() })
        }
        _ => Err(bad()),
    }
}

fn parse_port(p: &str, whole: &str) -> Result<u16, RequestError> {
    if p.is_empty() || p.len() > 10 || !p.bytes().all(|b| b.is_ascii_digit()) {
        return Err(RequestError::new(
            "bad-port",
            format!("invalid port \"{p}\" in \"{whole}\": a port is a number from 1 to 65535"),
        ));
    }
    match p.parse::<u64>() {
        Ok(n) if (1..=65535).contains(&n) => Ok(n as u16),
        _ => Err(RequestError::new(
            "bad-port",
            format!("port {p} in \"{whole}\" is out of range: a port is a number from 1 to 65535"),
        )),
    }
}

/// Splits `host:port`, `[v6]:port` or `host` (port `None`).
fn split_host_port<'a>(
    hp: &'a str,
    whole: &str,
) -> Result<(&'a str, Option<&'a str>), RequestError> {
    if let Some(rest) = hp.strip_prefix('[') {
        let (h, after) = rest.split_once(']').ok_or_else(|| {
            RequestError::new("bad-target", format!("invalid target \"{whole}\": missing ']'"))
        })?;
        return match after {
            "" => Ok((h, None)),
            _ => match after.strip_prefix(':') {
                Some(p) => Ok((h, Some(p))),
                None => Err(RequestError::new(
                    "bad-target",
                    format!("invalid target \"{whole}\": unexpected text after ']'"),
                )),
            },
        };
    }
    match hp.matches(':').count() {
        0 => Ok((hp, None)),
        1 => match hp.split_once(':') {
            Some((h, p)) => Ok((h, Some(p))),
            None => Ok((hp, None)),
        },
        // A bare IPv6 address without a port.
        _ => Ok((hp, None)),
    }
}

/// Parses `host:port` or a URL (`http://web.shop/`, `https://api:8443/x`). URLs default the port
/// by scheme (80, 443); only `http` and `https` are supported.
pub fn parse_target(text: &str) -> Result<Target, RequestError> {
    let t = text.trim();
    if t.is_empty() {
        return Err(RequestError::new("bad-target", "the target is empty".into()));
    }
    if t.len() > MAX_ARG {
        return Err(RequestError::new("bad-target", "the target is too long".into()));
    }
    let (scheme, hostport) = match t.split_once("://") {
        Some((s, rest)) => {
            let s = s.to_ascii_lowercase();
            if s != "http" && s != "https" {
                return Err(RequestError::new(
                    "unsupported-scheme",
                    format!(
                        "unsupported scheme \"{s}\" in \"{t}\": use http://, https:// or host:port"
                    ),
                ));
            }
            // Authority ends at the first '/', '?' or '#'.
            let end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
            let auth = rest.get(..end).unwrap_or("");
            if auth.contains('@') {
                return Err(RequestError::new(
                    "bad-target",
                    format!("invalid URL \"{t}\": user info (user@host) is not supported"),
                ));
            }
            (Some(s), auth)
        }
        None => {
            if t.contains('/') {
                return Err(RequestError::new(
                    "bad-target",
                    format!(
                        "invalid target \"{t}\": expected host:port or a URL such as http://{}/",
                        t.split('/').next().unwrap_or("")
                    ),
                ));
            }
            (None, t)
        }
    };
    let (host, port) = split_host_port(hostport, t)?;
    if host.is_empty() {
        return Err(RequestError::new("bad-target", format!("invalid target \"{t}\": no host")));
    }
    let port = match (port, scheme.as_deref()) {
        (Some(p), _) => parse_port(p, t)?,
        (None, Some("https")) => 443,
        (None, Some(_)) => 80,
        (None, None) => {
            return Err(RequestError::new(
                "missing-port",
                format!("target \"{t}\" has no port: write {t}:PORT or a URL such as http://{t}/"),
            ))
        }
    };
    let host_kind = if host.eq_ignore_ascii_case("localhost") {
        Host::Localhost
    } else if let Ok(ip) = host.parse::<IpAddr>() {
        if ip.is_loopback() {
            Host::Localhost
        } else {
            Host::Ip(ip)
        }
    } else {
        let ok =
            host.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'.' || b == b'_');
        if !ok {
            return Err(RequestError::new(
                "bad-target",
                format!("invalid host \"{host}\" in \"{t}\": expected a DNS name or an IP address"),
            ));
        }
        Host::Name(host.to_ascii_lowercase())
    };
    Ok(Target { scheme, host: host_kind, port, host_text: host.to_string() })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sources() {
        assert_eq!(
            parse_source("pod/client"),
            Ok(Source::Pod { namespace: "default".into(), name: "client".into(), container: None })
        );
        assert_eq!(
            parse_source("pod/shop/web-0:sidecar"),
            Ok(Source::Pod {
                namespace: "shop".into(),
                name: "web-0".into(),
                container: Some("sidecar".into())
            })
        );
        assert_eq!(
            parse_source("node/kind-worker"),
            Ok(Source::Node { name: "kind-worker".into() })
        );
        assert_eq!(parse_source("external"), Ok(Source::External));
        for bad in ["", "client", "pod/", "pod/a/b/c", "pod/a:", "svc/x", "node/", "node/a/b"] {
            assert_eq!(parse_source(bad).map_err(|e| e.code), Err("bad-source"), "{bad}");
        }
    }

    #[test]
    fn targets() {
        let t = parse_target("http://web.shop/").unwrap_or_else(|e| panic!("{e:?}"));
        assert_eq!((t.host, t.port), (Host::Name("web.shop".into()), 80));
        let t = parse_target("https://api:8443/x?y").unwrap_or_else(|e| panic!("{e:?}"));
        assert_eq!(
            (t.host, t.port, t.scheme.as_deref()),
            (Host::Name("api".into()), 8443, Some("https"))
        );
        assert_eq!(parse_target("https://api/").map(|t| t.port), Ok(443));
        assert_eq!(
            parse_target("10.96.0.12:80").map(|t| t.host),
            Ok(Host::Ip("10.96.0.12".parse().unwrap_or(IpAddr::from([0, 0, 0, 0]))))
        );
        assert_eq!(parse_target("localhost:8080").map(|t| t.host), Ok(Host::Localhost));
        assert_eq!(parse_target("127.0.0.1:8080").map(|t| t.host), Ok(Host::Localhost));
        assert_eq!(parse_target("[fd00::1]:80").map(|t| t.port), Ok(80));
        assert_eq!(parse_target("web:0").map_err(|e| e.code), Err("bad-port"));
        assert_eq!(parse_target("web:70000").map_err(|e| e.code), Err("bad-port"));
        assert_eq!(parse_target("web:http").map_err(|e| e.code), Err("bad-port"));
        assert_eq!(parse_target("web").map_err(|e| e.code), Err("missing-port"));
        assert_eq!(parse_target("ftp://web/").map_err(|e| e.code), Err("unsupported-scheme"));
        assert_eq!(parse_target("http://").map_err(|e| e.code), Err("bad-target"));
        assert_eq!(parse_target("http://[::1/").map_err(|e| e.code), Err("bad-target"));
        assert_eq!(parse_target("web/x:80").map_err(|e| e.code), Err("bad-target"));
        assert_eq!(parse_target("we b:80").map_err(|e| e.code), Err("bad-target"));
        assert_eq!(parse_target("http://u@web/").map_err(|e| e.code), Err("bad-target"));
        assert_eq!(
            parse_target("http://web:99999999999999999999/").map_err(|e| e.code),
            Err("bad-port")
        );
    }
}
