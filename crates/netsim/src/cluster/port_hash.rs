//! The order of an Endpoints subset's ports (`pkg/api/v1/endpoints/util.go` `SortSubsets`,
//! `portsByHash`): by the MD5 of each `v1.EndpointPort` as `hashutil.DeepHashObject` prints it
//! (`k8s.io/utils/dump` `ForHash`: go-spew's `%#v` with methods disabled), bytes compared.
//!
//! spew's `%#v` of an EndpointPort is
//! `(v1.EndpointPort){Name:(string)dns Port:(int32)53 Protocol:(v1.Protocol)UDP AppProtocol:(*string)<nil>}`
//! (a set AppProtocol prints as `(*string)http`). For CoreDNS's `kube-dns` this gives the order
//! real clusters show: `dns-tcp`, `dns`, `metrics`.

use crate::model::EndpointPort;

/// `(v1.EndpointPort){…}` as spew's `%#v` prints it.
pub(crate) fn spew_endpoint_port(p: &EndpointPort) -> String {
    let app = match &p.app_protocol {
        Some(a) => format!("(*string){a}"),
        None => "(*string)<nil>".to_string(),
    };
    format!(
        "(v1.EndpointPort){{Name:(string){} Port:(int32){} Protocol:(v1.Protocol){} AppProtocol:{app}}}",
        p.name.as_deref().unwrap_or(""),
        p.port.unwrap_or(0),
        p.protocol.as_str()
    )
}

/// Sorts a subset's ports as `portsByHash` does.
pub(crate) fn sort_ports(ports: &mut [EndpointPort]) {
    crate::sort::sort_by_key(ports, |p| md5(spew_endpoint_port(p).as_bytes()));
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
    fn kube_dns_ports_in_real_cluster_order() {
        let p = |n: &str, port, protocol| EndpointPort {
            name: Some(n.into()),
            port: Some(port),
            protocol,
            app_protocol: None,
        };
        let mut ports = vec![
            p("dns", 53, Protocol::Udp),
            p("dns-tcp", 53, Protocol::Tcp),
            p("metrics", 9153, Protocol::Tcp),
        ];
        sort_ports(&mut ports);
        let names: Vec<_> = ports.iter().map(|p| p.name.clone().unwrap_or_default()).collect();
        assert_eq!(names, ["dns-tcp", "dns", "metrics"]);
    }
}
