//! Chain names and probabilities exactly as kube-proxy computes them.
//!
//! Upstream: `pkg/proxy/iptables/proxier.go` (`portProtoHash`, `servicePortPolicyClusterChain`,
//! `servicePortEndpointChainName`, `computeProbability`) and `pkg/proxy/types.go`
//! (`ServicePortName.String`).

use sha2::{Digest, Sha256};

/// RFC 4648 standard base32 (A–Z, 2–7) with `=` padding, as Go's `base32.StdEncoding`.
pub fn base32_std(data: &[u8]) -> String {
    const ALPHABET: &[u8; 32] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
    let mut out = String::with_capacity(data.len().div_ceil(5) * 8);
    for chunk in data.chunks(5) {
        let mut buf = [0u8; 5];
        for (slot, byte) in buf.iter_mut().zip(chunk) {
            *slot = *byte;
        }
        let bits = buf.iter().fold(0u64, |acc, b| (acc << 8) | u64::from(*b));
        // Number of output symbols that carry data for a short final chunk.
        let symbols = match chunk.len() {
            1 => 2,
            2 => 4,
            3 => 5,
            4 => 7,
            _ => 8,
        };
        for i in 0..8 {
            if i < symbols {
                let idx = ((bits >> (35 - 5 * i)) & 0x1f) as usize;
                out.push(char::from(ALPHABET.get(idx).copied().unwrap_or(b'A')));
            } else {
                out.push('=');
            }
        }
    }
    out
}

/// `portProtoHash`: the first 16 characters of base32(sha256(input)).
pub fn proto_hash(input: &str) -> String {
    let digest = Sha256::digest(input.as_bytes());
    let mut s = base32_std(&digest);
    s.truncate(16);
    s
}

/// `ServicePortName.String()`: `ns/name` plus `:port` when the port has a name.
pub fn service_port_name(namespace: &str, name: &str, port_name: &str) -> String {
    if port_name.is_empty() {
        format!("{namespace}/{name}")
    } else {
        format!("{namespace}/{name}:{port_name}")
    }
}

/// The 16-character suffix shared by `KUBE-SVC-`, `KUBE-SVL-`, `KUBE-EXT-` and `KUBE-FW-`.
pub fn service_hash(spn: &str, protocol_lower: &str) -> String {
    proto_hash(&format!("{spn}{protocol_lower}"))
}

/// `KUBE-SEP-` + hash of `spn + protocol + endpoint` (endpoint = `ip:port`, `[v6]:port`).
pub fn endpoint_chain(spn: &str, protocol_lower: &str, endpoint: &str) -> String {
    format!("KUBE-SEP-{}", proto_hash(&format!("{spn}{protocol_lower}{endpoint}")))
}

/// `computeProbability(n)`: `fmt.Sprintf("%0.10f", 1.0/float64(n))`.
pub fn compute_probability(n: usize) -> String {
    let n = n.max(1) as f64;
    format!("{:.10}", 1.0 / n)
}

/// What netfilter stores for `--probability p`: `lround(p * 2^31)` (libxt_statistic.c), capped to
/// the 31-bit range the kernel compares against.
pub fn probability_fixed(p: f64) -> u32 {
    if !p.is_finite() || p <= 0.0 {
        return 0;
    }
    let v = (p * 2147483648.0).round();
    if v >= 2147483648.0 {
        0x8000_0000
    } else {
        v as u32
    }
}

/// How `iptables-save` prints a stored probability: `%.11f` of `stored / 2^31`.
pub fn probability_readback(text: &str) -> String {
    let p: f64 = text.trim().parse().unwrap_or(0.0);
    let fixed = probability_fixed(p);
    format!("{:.11}", f64::from(fixed) / 2147483648.0)
}

/// `net.JoinHostPort(ip, port)`.
pub fn join_host_port(ip: std::net::IpAddr, port: i64) -> String {
    match ip {
        std::net::IpAddr::V4(v4) => format!("{v4}:{port}"),
        std::net::IpAddr::V6(v6) => format!("[{v6}]:{port}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base32_matches_rfc4648_vectors() {
        assert_eq!(base32_std(b""), "");
        assert_eq!(base32_std(b"f"), "MY======");
        assert_eq!(base32_std(b"fo"), "MZXQ====");
        assert_eq!(base32_std(b"foo"), "MZXW6===");
        assert_eq!(base32_std(b"foob"), "MZXW6YQ=");
        assert_eq!(base32_std(b"fooba"), "MZXW6YTB");
        assert_eq!(base32_std(b"foobar"), "MZXW6YTBOI======");
    }

    #[test]
    fn known_chain_names() {
        assert_eq!(service_hash("ns1/svc1:p80", "tcp"), "XPGD46QRK7WJZT7O");
        assert_eq!(
            endpoint_chain("ns1/svc1:p80", "tcp", "10.180.0.1:80"),
            "KUBE-SEP-SXIVWICOYRO3J4NJ"
        );
    }

    #[test]
    fn probabilities() {
        assert_eq!(compute_probability(3), "0.3333333333");
        assert_eq!(compute_probability(100001), "0.0000099999");
        assert_eq!(probability_readback("0.3333333333"), "0.33333333349");
        assert_eq!(probability_readback("0.2000000000"), "0.20000000019");
        assert_eq!(probability_readback("0.5000000000"), "0.50000000000");
    }
}
