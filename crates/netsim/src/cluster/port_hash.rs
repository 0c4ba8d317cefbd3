//! The order the controllers give ports: by a hash of each port object as
//! `hashutil.DeepHashObject` prints it (`k8s.io/utils/dump` `ForHash`: go-spew's `%#v` with
//! methods disabled), hash bytes compared.
//!
//! * Endpoints subsets: `pkg/api/v1/endpoints/util.go` `SortSubsets` `portsByHash` over
//!   `v1.EndpointPort`, printed
//!   `(v1.EndpointPort){Name:(string)dns Port:(int32)53 Protocol:(v1.Protocol)UDP AppProtocol:(*string)<nil>}`.
//! * EndpointSlices: `staging/src/k8s.io/endpointslice/util/controller_utils.go` `NewPortMapKey`
//!   sorts the ports in place (`portsInOrder`) before the slice is written; `discovery/v1`
//!   `EndpointPort` has pointer fields, printed
//!   `(v1.EndpointPort){Name:(*string)dns Protocol:(*v1.Protocol)UDP Port:(*int32)53 AppProtocol:(*string)<nil>}`
//!   (the controller always sets Name, Protocol and Port; a set AppProtocol prints as
//!   `(*string)http`).
//!
//! The hash is MD5 up to v1.34 and FNV-1a 128 from v1.35
//! ([`crate::manifest::KubeVersion::fnv_object_hashes`]). Checked against real clusters: kube-dns's
//! Endpoints list `dns-tcp`, `dns`, `metrics` (MD5), its slice PORTS read `9153,53,53` (MD5)
//! and `53,53,9153` (FNV).

use crate::model::EndpointPort;

/// `(v1.EndpointPort){…}` (core/v1) as spew's `%#v` prints it.
pub(crate) fn spew_endpoint_port(p: &EndpointPort) -> String {
    format!(
        "(v1.EndpointPort){{Name:(string){} Port:(int32){} Protocol:(v1.Protocol){} AppProtocol:{}}}",
        p.name.as_deref().unwrap_or(""),
        p.port.unwrap_or(0),
        p.protocol.as_str(),
        spew_str_ptr(p.app_protocol.as_deref())
    )
}

/// `(v1.EndpointPort){…}` (discovery/v1, pointer fields) as spew's `%#v` prints it.
pub(crate) fn spew_discovery_port(p: &EndpointPort) -> String {
    let port = p.port.map_or("(*int32)<nil>".to_string(), |n| format!("(*int32){n}"));
    format!(
        "(v1.EndpointPort){{Name:{} Protocol:(*v1.Protocol){} Port:{port} AppProtocol:{}}}",
        spew_str_ptr(p.name.as_deref()),
        p.protocol.as_str(),
        spew_str_ptr(p.app_protocol.as_deref())
    )
}

fn spew_str_ptr(s: Option<&str>) -> String {
    match s {
        Some(s) => format!("(*string){s}"),
        None => "(*string)<nil>".to_string(),
    }
}

/// The object hash of `text`: FNV-1a 128 (`fnv`) or MD5, as bytes.
fn object_hash(text: &str, fnv: bool) -> [u8; 16] {
    if fnv {
        fnv1a_128(text.as_bytes())
    } else {
        md5(text.as_bytes())
    }
}

/// Sorts an Endpoints subset's ports as `portsByHash` does.
pub(crate) fn sort_endpoints_ports(ports: &mut [EndpointPort], fnv: bool) {
    crate::sort::sort_by_key(ports, |p| object_hash(&spew_endpoint_port(p), fnv));
}

/// Sorts an EndpointSlice's ports as `NewPortMapKey` (`portsInOrder`) does.
pub(crate) fn sort_slice_ports(ports: &mut [EndpointPort], fnv: bool) {
    crate::sort::sort_by_key(ports, |p| object_hash(&spew_discovery_port(p), fnv));
}

/// FNV-1a, 128 bits (Go `hash/fnv` `New128a`), big-endian bytes as `Sum` gives them.
pub(crate) fn fnv1a_128(data: &[u8]) -> [u8; 16] {
    const OFFSET: u128 = 0x6c62272e07bb014262b821756295c58d;
    const PRIME: u128 = 0x0000000001000000000000000000013b;
    data.iter().fold(OFFSET, |h, b| (h ^ u128::from(*b)).wrapping_mul(PRIME)).to_be_bytes()
}

const S: [u32; 16] = [7, 12, 17, 22, 5, 9, 14, 20, 4, 11, 16, 23, 6, 10, 15, 21];

/// `floor(abs(sin(i + 1)) * 2^32)` (RFC 1321).
const K: [u32; 64] = [
    0xd76aa478, 0xe8c7b756, 0x242070db, 0xc1bdceee, 0xf57c0faf, 0x4787c62a, 0xa8304613, 0xfd469501,
    0x698098d8, 0x8b44f7af, 0xffff5bb1, 0x895cd7be, 0x6b901122, 0xfd987193, 0xa679438e, 0x49b40821,
    0xf61e2562, 0xc040b340, 0x265e5a51, 0xe9b6c7aa, 0xd62f105d, 0x02441453, 0xd8a1e681, 0xe7d3fbc8,
    0x21e1cde6, 0xc33707d6, 0xf4d50d87, 0x455a14ed, 0xa9e3e905, 0xfcefa3f8, 0x676f02d9, 0x8d2a4c8a,
    0xfffa3942, 0x8771f681, 0x6d9d6122, 0xfde5380c, 0xa4beea44, 0x4bdecfa9, 0xf6bb4b60, 0xbebfbc70,
    0x289b7ec6, 0xeaa127fa, 0xd4ef3085, 0x04881d05, 0xd9d4d039, 0xe6db99e5, 0x1fa27cf8, 0xc4ac5665,
    0xf4292244, 0x432aff97, 0xab9423a7, 0xfc93a039, 0x655b59c3, 0x8f0ccc92, 0xffeff47d, 0x85845dd1,
    0x6fa87e4f, 0xfe2ce6e0, 0xa3014314, 0x4e0811a1, 0xf7537e82, 0xbd3af235, 0x2ad7d2bb, 0xeb86d391,
];

/// MD5 (RFC 1321) of `data`.
pub(crate) fn md5(data: &[u8]) -> [u8; 16] {
    let mut msg = data.to_vec();
    msg.push(0x80);
    while msg.len() % 64 != 56 {
        msg.push(0);
    }
    msg.extend_from_slice(&((data.len() as u64).wrapping_mul(8)).to_le_bytes());
    let mut state: [u32; 4] = [0x67452301, 0xefcdab89, 0x98badcfe, 0x10325476];
    for block in msg.chunks_exact(64) {
        compress(&mut state, block);
    }
    let mut out = [0u8; 16];
    for (o, w) in out.chunks_exact_mut(4).zip(state) {
        o.copy_from_slice(&w.to_le_bytes());
    }
    out
}

fn compress(state: &mut [u32; 4], block: &[u8]) {
    let mut m = [0u32; 16];
    for (w, b) in m.iter_mut().zip(block.chunks_exact(4)) {
        *w = u32::from_le_bytes([b[0], b[1], b[2], b[3]]);
    }
    let [mut a, mut b, mut c, mut d] = *state;
    for i in 0..64 {
        let (f, g) = match i / 16 {
            0 => ((b & c) | (!b & d), i),
            1 => ((d & b) | (!d & c), (5 * i + 1) % 16),
            2 => (b ^ c ^ d, (3 * i + 5) % 16),
            _ => (c ^ (b | !d), (7 * i) % 16),
        };
        let rot = S[(i / 16) * 4 + i % 4];
        let sum = a.wrapping_add(f).wrapping_add(K[i]).wrapping_add(m[g]);
        (a, d, c) = (d, c, b);
        b = b.wrapping_add(sum.rotate_left(rot));
    }
    for (s, v) in state.iter_mut().zip([a, b, c, d]) {
        *s = s.wrapping_add(v);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Protocol;

    fn hex(d: [u8; 16]) -> String {
        d.iter().map(|b| format!("{b:02x}")).collect()
    }

    #[test]
    fn md5_test_suite() {
        // RFC 1321 appendix A.5.
        assert_eq!(hex(md5(b"")), "d41d8cd98f00b204e9800998ecf8427e");
        assert_eq!(hex(md5(b"abc")), "900150983cd24fb0d6963f7d28e17f72");
        assert_eq!(
            hex(md5(
                b"12345678901234567890123456789012345678901234567890123456789012345678901234567890"
            )),
            "57edf4a22be3c955ac49da2e2107b67a"
        );
    }

    #[test]
    fn fnv1a_128_vectors() {
        // The offset basis for empty input; "a" from the FNV reference test vectors.
        assert_eq!(hex(fnv1a_128(b"")), "6c62272e07bb014262b821756295c58d");
        assert_eq!(hex(fnv1a_128(b"a")), "d228cb696f1a8caf78912b704e4a8964");
    }

    fn kube_dns() -> Vec<EndpointPort> {
        let p = |n: &str, port, protocol| EndpointPort {
            name: Some(n.into()),
            port: Some(port),
            protocol,
            app_protocol: None,
        };
        vec![
            p("dns", 53, Protocol::Udp),
            p("dns-tcp", 53, Protocol::Tcp),
            p("metrics", 9153, Protocol::Tcp),
        ]
    }

    fn names(ports: &[EndpointPort]) -> Vec<String> {
        ports.iter().map(|p| p.name.clone().unwrap_or_default()).collect()
    }

    /// The orders real clusters show for CoreDNS's kube-dns (`kubectl describe endpoints`
    /// outputs of 2021–2024; `kubectl get endpointslices` PORTS `9153,53,53` on v1.2x–v1.34
    /// clusters, `53,53,9153` on recent ones).
    #[test]
    fn kube_dns_ports_in_real_cluster_order() {
        let mut ports = kube_dns();
        sort_endpoints_ports(&mut ports, false);
        assert_eq!(names(&ports), ["dns-tcp", "dns", "metrics"]);
        sort_slice_ports(&mut ports, false);
        assert_eq!(names(&ports), ["metrics", "dns", "dns-tcp"]);
        sort_slice_ports(&mut ports, true);
        assert_eq!(names(&ports), ["dns", "dns-tcp", "metrics"]);
    }
}
