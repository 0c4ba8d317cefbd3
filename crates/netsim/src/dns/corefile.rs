//! The CoreDNS configuration the simulation follows: the `kubernetes` and `forward` plugins of a
//! Corefile (the `kube-system/coredns` ConfigMap), or kubeadm's default Corefile.
//!
//! Parsing follows CoreDNS `plugin/kubernetes/setup.go` (`ParseStanza`): the same options, the
//! same defaults (`pods disabled`, `ttl 5` when a Corefile omits them) and the same error texts.
//! A Corefile CoreDNS would refuse to load is reported as a `corefile-invalid` diagnostic and the
//! simulation falls back to kubeadm's Corefile (what a running cluster keeps serving: the `reload`
//! plugin keeps the last good configuration). Other plugins (`cache`, `errors`, `loop`, …) are
//! accepted and do not change answers in this model.

use crate::diagnostic::Diagnostic;
use crate::text::Span;

/// `pods` option of the `kubernetes` plugin (`kubernetes.go` `podMode*`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum PodMode {
    /// The plugin default: `<ip>.<ns>.pod.<zone>` is always NXDOMAIN.
    #[default]
    Disabled,
    /// Answer only when a Pod with that IP exists in that namespace.
    Verified,
    /// kubeadm's choice: answer any well-formed IP without checking.
    Insecure,
}

impl PodMode {
    pub fn as_str(self) -> &'static str {
        match self {
            PodMode::Disabled => "disabled",
            PodMode::Verified => "verified",
            PodMode::Insecure => "insecure",
        }
    }
}

/// The `kubernetes` plugin stanza.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct KubernetesConfig {
    /// Normalised zones (lowercase, trailing dot), e.g. `cluster.local.`, `in-addr.arpa.`.
    pub zones: Vec<String>,
    pub pods: PodMode,
    /// Answer TTL (`ttl`, 0–3600; plugin default 5).
    pub ttl: u32,
    /// `ignore empty_service`: a ClusterIP Service with no ready endpoints is NXDOMAIN.
    pub ignore_empty_service: bool,
    /// `endpoint_pod_names`: endpoint names use the Pod name when the endpoint has no hostname.
    pub endpoint_pod_names: bool,
    /// `noendpoints`: the endpoints informer is never started (`setup.go` sets
    /// `opts.initEndpointsCache = false`; `controller.go` keeps the empty lister), so no
    /// EndpointSlice is known: headless Services and endpoint names are NXDOMAIN, no endpoint
    /// PTRs, and `ignore empty_service` finds every ClusterIP Service empty.
    pub no_endpoints: bool,
    /// `fallthrough [zones]`: `None` = no fallthrough; `Some(empty)` = every zone.
    pub fallthrough: Option<Vec<String>>,
    /// `namespaces`: only these are exposed (empty = all).
    pub namespaces: Vec<String>,
    /// `namespace_labels` was given (the namespace label selector itself is not simulated).
    pub namespace_labels: bool,
}

impl KubernetesConfig {
    /// The plugin's own defaults for the given zones (`kubernetes.go` `New`): pods disabled,
    /// TTL 5, nothing ignored, no fallthrough.
    pub fn plugin_defaults(zones: Vec<String>) -> KubernetesConfig {
        KubernetesConfig {
            zones,
            pods: PodMode::Disabled,
            ttl: 5,
            ignore_empty_service: false,
            endpoint_pod_names: false,
            no_endpoints: false,
            fallthrough: None,
            namespaces: Vec::new(),
            namespace_labels: false,
        }
    }

    /// The first non-reverse zone (`primaryZone()`), used for PTR targets.
    pub fn primary_zone(&self) -> &str {
        self.zones.iter().find(|z| !is_reverse_zone(z)).map_or("cluster.local.", String::as_str)
    }
}

/// The `forward` plugin: `forward FROM TO...`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ForwardConfig {
    /// Normalised zone the forwarder handles (`.` = everything).
    pub from: String,
    pub to: Vec<String>,
}

/// One server block: the zones it serves (its keys) and its `forward`, when it is not the block
/// with the `kubernetes` plugin. CoreDNS sends a query to the block whose key matches the name
/// most specifically (`core/dnsserver/server.go` `ServeDNS`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OtherServerBlock {
    pub zones: Vec<String>,
    pub forward: Option<ForwardConfig>,
}

/// What the simulation needs from a Corefile.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CorefileConfig {
    /// The keys (zones) of the server block that holds the `kubernetes` plugin; empty = `.`.
    pub server_zones: Vec<String>,
    /// The other server blocks.
    pub other_blocks: Vec<OtherServerBlock>,
    /// `None` when the server block has no `kubernetes` plugin: no cluster names at all.
    pub kubernetes: Option<KubernetesConfig>,
    pub forward: Option<ForwardConfig>,
    /// The Corefile text the configuration came from (kubeadm's when defaulted).
    pub text: String,
    /// True when this is kubeadm's default (no ConfigMap, or one that could not be read).
    pub defaulted: bool,
}

/// kubeadm's Corefile (`cmd/kubeadm/app/phases/addons/dns/manifests.go`, `CoreDNSConfigMap`),
/// with `{{ .DNSDomain }}` replaced by `dns_domain`.
pub fn kubeadm_corefile_text(dns_domain: &str) -> String {
    format!(
        ".:53 {{
    errors
    health {{
       lameduck 5s
    }}
    ready
    kubernetes {dns_domain} in-addr.arpa ip6.arpa {{
       pods insecure
       fallthrough in-addr.arpa ip6.arpa
       ttl 30
    }}
    prometheus :9153
    forward . /etc/resolv.conf {{
       max_concurrent 1000
    }}
    cache 30 {{
       disable success {dns_domain}
       disable denial {dns_domain}
    }}
    loop
    reload
    loadbalance
}}
"
    )
}

impl CorefileConfig {
    /// kubeadm's Corefile for the cluster domain (`kubernetes <domain> in-addr.arpa ip6.arpa {
    /// pods insecure; fallthrough in-addr.arpa ip6.arpa; ttl 30 }`, `forward . /etc/resolv.conf`).
    pub fn kubeadm(dns_domain: &str) -> CorefileConfig {
        let domain = normalize_zone(dns_domain);
        let domain = if domain == "." { "cluster.local.".to_string() } else { domain };
        CorefileConfig {
            kubernetes: Some(KubernetesConfig {
                zones: vec![domain.clone(), "in-addr.arpa.".into(), "ip6.arpa.".into()],
                pods: PodMode::Insecure,
                ttl: 30,
                ignore_empty_service: false,
                endpoint_pod_names: false,
                no_endpoints: false,
                fallthrough: Some(vec!["in-addr.arpa.".into(), "ip6.arpa.".into()]),
                namespaces: Vec::new(),
                namespace_labels: false,
            }),
            forward: Some(ForwardConfig { from: ".".into(), to: vec!["/etc/resolv.conf".into()] }),
            server_zones: vec![".".into()],
            other_blocks: Vec::new(),
            text: kubeadm_corefile_text(domain.trim_end_matches('.')),
            defaulted: true,
        }
    }

    /// Reads a Corefile. `span` is where its text is in the input (the ConfigMap's
    /// `data.Corefile`), for diagnostics. On an error CoreDNS would stop at, the result is
    /// kubeadm's Corefile for `dns_domain` plus a `corefile-invalid` diagnostic.
    pub fn parse(text: &str, dns_domain: &str, span: Span) -> (CorefileConfig, Vec<Diagnostic>) {
        match parse_inner(text) {
            Ok(mut cfg) => {
                cfg.text = text.to_string();
                let mut diags = Vec::new();
                if cfg.kubernetes.is_none() {
                    diags.push(
                        Diagnostic::warning(
                            "corefile-no-kubernetes",
                            span,
                            "the Corefile has no `kubernetes` plugin: CoreDNS will not answer any cluster name",
                        )
                        .with_hint(format!(
                            "kubeadm's Corefile has `kubernetes {} in-addr.arpa ip6.arpa {{ pods insecure; fallthrough in-addr.arpa ip6.arpa; ttl 30 }}`",
                            dns_domain.trim_end_matches('.')
                        )),
                    );
                }
                (cfg, diags)
            }
            Err(e) => {
                let d = Diagnostic::error(
                    "corefile-invalid",
                    span,
                    format!("CoreDNS cannot load this Corefile: {}", e.message()),
                )
                .with_hint(
                    "a new CoreDNS Pod would exit with this error (CrashLoopBackOff); a running one keeps its last good configuration (reload plugin)",
                )
                .with_hint(format!(
                    "the simulation answers with kubeadm's default Corefile for {}",
                    dns_domain.trim_end_matches('.')
                ));
                (CorefileConfig::kubeadm(dns_domain), vec![d])
            }
        }
    }
}

/// A Corefile error, with its 1-based line in the Corefile text.
#[derive(Clone, Debug, PartialEq, Eq)]
struct CorefileError {
    line: usize,
    text: String,
}

impl CorefileError {
    fn message(&self) -> String {
        // Caddy's `c.Errf` / `c.ArgErr` prefix errors with the file and line.
        format!("Corefile:{} - Error during parsing: {}", self.line, self.text)
    }
}

/// Lowercase, strip a `dns://` scheme and `:port`, add the trailing dot
/// (`plugin.Host(...).Normalize()`).
pub fn normalize_zone(zone: &str) -> String {
    let z = zone.trim();
    let z = z.strip_prefix("dns://").unwrap_or(z);
    // A port suffix (`.:53`, `cluster.local:53`); IPv6 reverse zones never contain ':'.
    let z = match z.rsplit_once(':') {
        Some((host, port)) if port.bytes().all(|b| b.is_ascii_digit()) => host,
        _ => z,
    };
    let mut z = z.to_ascii_lowercase();
    if z.is_empty() {
        return ".".into();
    }
    if !z.ends_with('.') {
        z.push('.');
    }
    z
}

/// A zone argument or server block key as CoreDNS normalises it (`plugin.Host(...).Normalize()`,
/// `plugin/normalize.go`): a CIDR stands for the reverse zones that cover it, split on octet
/// (IPv4) or nibble (IPv6) boundaries — `10.0.0.0/16` is `0.10.in-addr.arpa.`, `10.0.0.0/17` the
/// 128 zones `0.0.10.in-addr.arpa.` … `127.0.10.in-addr.arpa.`, `fd00:77:30::/110` four
/// `ip6.arpa.` zones (setup_reverse_test.go). Anything else is [`normalize_zone`].
pub fn normalize_zones(zone: &str) -> Vec<String> {
    let z = zone.trim();
    let z = z.strip_prefix("dns://").unwrap_or(z);
    let Some((addr, bits)) = z.split_once('/') else { return vec![normalize_zone(zone)] };
    let (Ok(ip), Ok(bits)) = (addr.parse::<std::net::IpAddr>(), bits.parse::<u32>()) else {
        return vec![normalize_zone(zone)];
    };
    let (width, total) = if ip.is_ipv4() { (8u32, 32u32) } else { (4, 128) };
    if bits > total {
        return vec![normalize_zone(zone)];
    }
    let value: u128 = match ip {
        std::net::IpAddr::V4(v4) => u128::from(u32::from(v4)),
        std::net::IpAddr::V6(v6) => u128::from(v6),
    };
    let boundary = bits.div_ceil(width) * width;
    let keep = |v: u128, n: u32| if n == 0 { 0 } else { v >> (total - n) << (total - n) };
    let base = keep(value, bits);
    (0..1u128 << (boundary - bits))
        .map(|i| reverse_zone(base + (i << (total - boundary)), boundary, ip.is_ipv4()))
        .collect()
}

/// The reverse zone of the first `bits` bits of `value` (a multiple of 8 for IPv4, of 4 for
/// IPv6).
fn reverse_zone(value: u128, bits: u32, v4: bool) -> String {
    let mut labels = Vec::new();
    if v4 {
        for i in 0..bits / 8 {
            labels.push(((value >> (24 - 8 * i)) & 0xff).to_string());
        }
    } else {
        for i in 0..bits / 4 {
            labels.push(format!("{:x}", (value >> (124 - 4 * i)) & 0xf));
        }
    }
    labels.reverse();
    labels.push(if v4 { "in-addr.arpa.".into() } else { "ip6.arpa.".into() });
    labels.join(".")
}

/// `dnsutil.IsReverse(z) > 0` (`plugin/pkg/dnsutil/reverse.go`): the name ends in
/// `.in-addr.arpa.` or `.ip6.arpa.` — with the leading dot, so `in-addr.arpa.` itself (a zone of
/// kubeadm's Corefile) and `xin-addr.arpa.` are not reverse names (TestIsReverse).
pub fn is_reverse_zone(zone: &str) -> bool {
    let z = zone.to_ascii_lowercase();
    z.ends_with(".in-addr.arpa.") || z.ends_with(".ip6.arpa.")
}

/// One line of a Corefile, split into tokens (comments removed).
struct Line<'a> {
    no: usize,
    tokens: Vec<&'a str>,
}

fn tokenize(text: &str) -> Vec<Line<'_>> {
    let mut out = Vec::new();
    for (i, raw) in text.lines().enumerate() {
        let mut tokens = Vec::new();
        for tok in raw.split_whitespace() {
            if tok.starts_with('#') {
                break;
            }
            // `name{` and `}` glued to words are rare in Corefiles; split a trailing brace.
            if tok.len() > 1 && tok.ends_with('{') {
                tokens.push(tok.trim_end_matches('{'));
                tokens.push("{");
            } else {
                tokens.push(tok);
            }
        }
        if !tokens.is_empty() {
            out.push(Line { no: i + 1, tokens });
        }
    }
    out
}

/// A directive with its arguments and the lines of its block.
struct Directive<'a> {
    line: usize,
    /// The line of the closing `}` of its block (its own line when it has none).
    end_line: usize,
    name: &'a str,
    args: Vec<&'a str>,
    block: Vec<(usize, Vec<&'a str>)>,
}

struct ServerBlock<'a> {
    keys: Vec<&'a str>,
    directives: Vec<Directive<'a>>,
}

/// Bound on lines/directives kept, so a hostile input cannot blow up memory.
const MAX_LINES: usize = 10_000;

fn parse_blocks(text: &str) -> Result<Vec<ServerBlock<'_>>, CorefileError> {
    let lines = tokenize(text);
    if lines.len() > MAX_LINES {
        return Err(CorefileError { line: MAX_LINES, text: "Corefile too long".into() });
    }
    let mut blocks: Vec<ServerBlock<'_>> = Vec::new();
    let mut i = 0;
    while i < lines.len() {
        let Some(line) = lines.get(i) else { break };
        // Server block keys up to `{`.
        let mut keys: Vec<&str> = Vec::new();
        let mut opened = false;
        let mut j = i;
        while let Some(l) = lines.get(j) {
            for t in &l.tokens {
                if *t == "{" {
                    opened = true;
                } else if opened {
                    return Err(CorefileError {
                        line: l.no,
                        text: format!("Unexpected token '{t}', expecting newline"),
                    });
                } else {
                    keys.push(t.trim_end_matches(','));
                }
            }
            j += 1;
            if opened {
                break;
            }
        }
        if !opened {
            return Err(CorefileError {
                line: line.no,
                text: "Unexpected EOF, expecting '{' after the server block keys".into(),
            });
        }
        let mut block = ServerBlock { keys, directives: Vec::new() };
        let mut closed = false;
        while let Some(l) = lines.get(j) {
            j += 1;
            let toks = &l.tokens;
            if toks.as_slice() == ["}"] {
                closed = true;
                break;
            }
            let Some((name, rest)) = toks.split_first() else { continue };
            if *name == "{" || *name == "}" {
                return Err(CorefileError { line: l.no, text: format!("Unexpected '{name}'") });
            }
            let opens = rest.last() == Some(&"{");
            let args: Vec<&str> = if opens {
                rest.get(..rest.len() - 1).unwrap_or(&[]).to_vec()
            } else {
                rest.to_vec()
            };
            let mut d = Directive { line: l.no, end_line: l.no, name, args, block: Vec::new() };
            if opens {
                let mut depth = 1usize;
                let mut done = false;
                while let Some(inner) = lines.get(j) {
                    j += 1;
                    for t in &inner.tokens {
                        if *t == "{" {
                            depth += 1;
                        } else if *t == "}" {
                            depth = depth.saturating_sub(1);
                        }
                    }
                    if depth == 0 {
                        d.end_line = inner.no;
                        done = true;
                        break;
                    }
                    if depth == 1 {
                        d.block.push((inner.no, inner.tokens.clone()));
                    }
                }
                if !done {
                    return Err(CorefileError {
                        line: l.no,
                        text: format!("Unexpected EOF, unclosed block of '{name}'"),
                    });
                }
            }
            block.directives.push(d);
        }
        if !closed {
            return Err(CorefileError {
                line: line.no,
                text: "Unexpected EOF, expecting '}' to close the server block".into(),
            });
        }
        blocks.push(block);
        i = j;
    }
    if blocks.is_empty() {
        return Err(CorefileError { line: 1, text: "no server blocks".into() });
    }
    Ok(blocks)
}

fn arg_err(line: usize, after: &str) -> CorefileError {
    // caddy `ArgErr`: "Wrong argument count or unexpected line ending after '%s'".
    CorefileError {
        line,
        text: format!("Wrong argument count or unexpected line ending after '{after}'"),
    }
}

fn parse_inner(text: &str) -> Result<CorefileConfig, CorefileError> {
    let blocks = parse_blocks(text)?;
    // The block that serves cluster names: the first with a `kubernetes` plugin, else the
    // first (the `.:53` block in every kubeadm/kind cluster).
    let block = blocks
        .iter()
        .find(|b| b.directives.iter().any(|d| d.name == "kubernetes"))
        .or_else(|| blocks.first());
    let Some(block) = block else {
        return Err(CorefileError { line: 1, text: "no server blocks".into() });
    };
    let mut kubernetes = None;
    let mut forward = None;
    let mut other_blocks = Vec::new();
    for b in &blocks {
        if std::ptr::eq(b, block) {
            continue;
        }
        let mut fwd = None;
        for d in &b.directives {
            if d.name == "forward" {
                if let Some((from, to)) = d.args.split_first() {
                    fwd = Some(ForwardConfig {
                        from: normalize_zone(from),
                        to: to.iter().map(|s| (*s).to_string()).collect(),
                    });
                }
            }
        }
        other_blocks.push(OtherServerBlock {
            zones: b.keys.iter().flat_map(|k| normalize_zones(k)).collect(),
            forward: fwd,
        });
    }
    for d in &block.directives {
        match d.name {
            "kubernetes" => {
                if kubernetes.is_some() {
                    // plugin.ErrOnce
                    return Err(CorefileError {
                        line: d.line,
                        text:
                            "plugin/kubernetes: this plugin can only be used once per Server Block"
                                .into(),
                    });
                }
                kubernetes = Some(parse_kubernetes(d, &block.keys)?);
            }
            "forward" => {
                let Some((from, to)) = d.args.split_first() else {
                    return Err(arg_err(d.line, "forward"));
                };
                if to.is_empty() {
                    return Err(arg_err(d.line, from));
                }
                forward = Some(ForwardConfig {
                    from: normalize_zone(from),
                    to: to.iter().map(|s| (*s).to_string()).collect(),
                });
            }
            _ => {}
        }
    }
    Ok(CorefileConfig {
        kubernetes,
        forward,
        server_zones: block.keys.iter().flat_map(|k| normalize_zones(k)).collect(),
        other_blocks,
        text: String::new(),
        defaulted: false,
    })
}

/// `ParseStanza` of `plugin/kubernetes/setup.go`.
fn parse_kubernetes(d: &Directive<'_>, keys: &[&str]) -> Result<KubernetesConfig, CorefileError> {
    let zones: Vec<String> = if d.args.is_empty() {
        keys.iter().flat_map(|k| normalize_zones(k)).collect()
    } else {
        d.args.iter().flat_map(|z| normalize_zones(z)).collect()
    };
    if !zones.iter().any(|z| !is_reverse_zone(z)) {
        return Err(CorefileError {
            line: d.line,
            text: "plugin/kubernetes: non-reverse zone name must be used".into(),
        });
    }
    let mut k = KubernetesConfig::plugin_defaults(zones);
    for (line, toks) in &d.block {
        let Some((name, args)) = toks.split_first() else { continue };
        match *name {
            "endpoint_pod_names" => {
                if let Some(last) = args.last() {
                    return Err(arg_err(*line, last));
                }
                k.endpoint_pod_names = true;
            }
            "pods" => match args {
                [mode] => {
                    k.pods = match *mode {
                        "disabled" => PodMode::Disabled,
                        "verified" => PodMode::Verified,
                        "insecure" => PodMode::Insecure,
                        other => {
                            return Err(CorefileError {
                                line: *line,
                                text: format!(
                                    "plugin/kubernetes: wrong value for pods: {other},  must be one of: disabled, verified, insecure"
                                ),
                            })
                        }
                    }
                }
                _ => return Err(arg_err(*line, args.last().copied().unwrap_or(name))),
            },
            "namespaces" => {
                if args.is_empty() {
                    return Err(arg_err(*line, name));
                }
                k.namespaces.extend(args.iter().map(|s| (*s).to_string()));
            }
            "fallthrough" => {
                k.fallthrough = Some(args.iter().map(|z| normalize_zone(z)).collect());
            }
            "ttl" => {
                let Some(v) = args.first() else { return Err(arg_err(*line, name)) };
                let t: i64 = v.parse().map_err(|_| CorefileError {
                    line: *line,
                    text: format!("strconv.Atoi: parsing \"{v}\": invalid syntax"),
                })?;
                if !(0..=3600).contains(&t) {
                    return Err(CorefileError {
                        line: *line,
                        text: format!("ttl must be in range [0, 3600]: {t}"),
                    });
                }
                k.ttl = u32::try_from(t).unwrap_or(5);
            }
            "ignore" => match args.first() {
                Some(&"empty_service") => k.ignore_empty_service = true,
                Some(other) => {
                    return Err(CorefileError {
                        line: *line,
                        text: format!("plugin/kubernetes: unable to parse ignore value: '{other}'"),
                    })
                }
                None => {}
            },
            // Checked as CoreDNS checks them; only `noendpoints` changes answers here.
            "endpoint" | "tls" | "kubeconfig" | "labels" | "namespace_labels" | "noendpoints" => {
                check_unused_option(name, args, *line)?;
                k.namespace_labels |= *name == "namespace_labels";
                k.no_endpoints |= *name == "noendpoints";
            }
            "multicluster" | "apiserver_qps" | "apiserver_burst" | "apiserver_max_inflight"
            | "startup_timeout" => {}
            other => {
                return Err(CorefileError {
                    line: *line,
                    text: format!("unknown property '{other}'"),
                })
            }
        }
    }
    if !k.namespaces.is_empty() && k.namespace_labels {
        // `c.Errf` after the block: the line of the block's closing brace.
        return Err(CorefileError {
            line: d.end_line,
            text: "namespaces and namespace_labels cannot both be set".into(),
        });
    }
    Ok(k)
}

/// The argument checks `ParseStanza` makes for options that do not change answers here:
/// `endpoint` needs an address, `tls` three files, `kubeconfig` a file and maybe a context,
/// `noendpoints` nothing, `labels` / `namespace_labels` a label selector
/// (`meta.ParseToLabelSelector` of the arguments joined by spaces).
fn check_unused_option(name: &str, args: &[&str], line: usize) -> Result<(), CorefileError> {
    let count_ok = match name {
        "endpoint" | "labels" | "namespace_labels" => !args.is_empty(),
        "tls" => args.len() == 3,
        "kubeconfig" => args.len() == 1 || args.len() == 2,
        _ => args.is_empty(),
    };
    if !count_ok {
        return Err(arg_err(line, args.last().copied().unwrap_or(name)));
    }
    if name == "labels" || name == "namespace_labels" {
        let selector = args.join(" ");
        if let Err(e) = crate::select::parse(&selector) {
            let what = if name == "labels" { "label" } else { "namespace_label" };
            return Err(CorefileError {
                line,
                text: format!(
                    "plugin/kubernetes: unable to parse {what} selector value: '{selector}': {e}"
                ),
            });
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> (CorefileConfig, Vec<Diagnostic>) {
        CorefileConfig::parse(text, "cluster.local", Span::default())
    }

    #[test]
    fn kubeadm_text_parses_to_the_kubeadm_config() {
        let (cfg, diags) = parse(&kubeadm_corefile_text("cluster.local"));
        assert!(diags.is_empty(), "{diags:?}");
        let want = CorefileConfig::kubeadm("cluster.local");
        assert_eq!(cfg.kubernetes, want.kubernetes);
        assert_eq!(cfg.forward, want.forward);
        assert!(!cfg.defaulted);
    }

    #[test]
    fn custom_domain_in_default() {
        let cfg = CorefileConfig::kubeadm("example.org");
        let k = cfg.kubernetes.unwrap_or_else(|| KubernetesConfig::plugin_defaults(vec![]));
        assert_eq!(k.zones[0], "example.org.");
        assert!(cfg.text.contains("kubernetes example.org in-addr.arpa ip6.arpa {"));
    }

    #[test]
    fn plugin_defaults_when_options_are_missing() {
        let (cfg, diags) = parse(".:53 {\n  kubernetes cluster.local\n}\n");
        assert!(diags.is_empty());
        let k = cfg.kubernetes.expect("kubernetes");
        assert_eq!(k.pods, PodMode::Disabled);
        assert_eq!(k.ttl, 5);
        assert_eq!(k.fallthrough, None);
        assert_eq!(cfg.forward, None);
    }

    #[test]
    fn zones_default_to_server_block_keys() {
        let (cfg, _) = parse("cluster.local:53 {\n kubernetes {\n  pods verified\n }\n}\n");
        let k = cfg.kubernetes.expect("kubernetes");
        assert_eq!(k.zones, vec!["cluster.local.".to_string()]);
        assert_eq!(k.pods, PodMode::Verified);
    }

    #[test]
    fn options() {
        let text = ".:53 {\n kubernetes cluster.local {\n  ignore empty_service\n  endpoint_pod_names\n  fallthrough\n  ttl 0\n  namespaces a b # comment\n }\n forward . 8.8.8.8 1.1.1.1\n}\n";
        let (cfg, diags) = parse(text);
        assert!(diags.is_empty(), "{diags:?}");
        let k = cfg.kubernetes.expect("kubernetes");
        assert!(k.ignore_empty_service && k.endpoint_pod_names);
        assert_eq!(k.fallthrough, Some(vec![]));
        assert_eq!(k.ttl, 0);
        assert_eq!(k.namespaces, vec!["a".to_string(), "b".to_string()]);
        assert_eq!(
            cfg.forward,
            Some(ForwardConfig { from: ".".into(), to: vec!["8.8.8.8".into(), "1.1.1.1".into()] })
        );
    }

    fn error_of(text: &str) -> String {
        let (cfg, diags) = parse(text);
        assert!(cfg.defaulted, "falls back to kubeadm's Corefile");
        assert_eq!(diags.len(), 1);
        assert_eq!(diags[0].code, "corefile-invalid");
        diags[0].message.clone()
    }

    #[test]
    fn errors_use_coredns_texts() {
        assert_eq!(
            error_of(".:53 {\n kubernetes cluster.local {\n  pods secure\n }\n}\n"),
            "CoreDNS cannot load this Corefile: Corefile:3 - Error during parsing: plugin/kubernetes: wrong value for pods: secure,  must be one of: disabled, verified, insecure"
        );
        assert!(error_of(".:53 {\n kubernetes cluster.local {\n  ttl 9000\n }\n}\n")
            .ends_with("ttl must be in range [0, 3600]: 9000"));
        assert!(error_of(".:53 {\n kubernetes cluster.local {\n  ttl x\n }\n}\n")
            .ends_with("strconv.Atoi: parsing \"x\": invalid syntax"));
        assert!(error_of(".:53 {\n kubernetes cluster.local {\n  bogus\n }\n}\n")
            .ends_with("unknown property 'bogus'"));
        assert!(error_of(".:53 {\n kubernetes cluster.local {\n  ignore x\n }\n}\n")
            .ends_with("unable to parse ignore value: 'x'"));
        assert!(error_of(".:53 {\n kubernetes 10.in-addr.arpa 0.0.ip6.arpa\n}\n")
            .ends_with("non-reverse zone name must be used"));
        // IsReverse wants `.in-addr.arpa.` with its leading dot: the bare zone is not reverse.
        let (cfg, diags) = parse(".:53 {\n kubernetes in-addr.arpa\n}\n");
        assert!(diags.is_empty(), "{diags:?}");
        assert_eq!(
            cfg.kubernetes.map(|k| k.primary_zone().to_string()),
            Some("in-addr.arpa.".into())
        );
        assert!(error_of(".:53 {\n kubernetes cluster.local {\n  pods\n }\n}\n")
            .contains("Wrong argument count"));
        assert!(error_of(".:53 {\n kubernetes cluster.local {\n").contains("Unexpected EOF"));
        assert!(error_of("").contains("no server blocks"));
        assert!(error_of("garbage").contains("Unexpected EOF"));
    }

    #[test]
    fn missing_kubernetes_plugin_is_a_warning() {
        let (cfg, diags) = parse(".:53 {\n forward . /etc/resolv.conf\n}\n");
        assert!(cfg.kubernetes.is_none());
        assert_eq!(diags[0].code, "corefile-no-kubernetes");
    }

    #[test]
    fn zone_normalisation() {
        assert_eq!(normalize_zone(".:53"), ".");
        assert_eq!(normalize_zone("Cluster.Local"), "cluster.local.");
        assert_eq!(normalize_zone("dns://cluster.local:53"), "cluster.local.");
        assert!(is_reverse_zone("10.in-addr.arpa."));
    }
}
