//! CIDR arithmetic for the allocators (cluster stage). IPv4 and IPv6 are handled alike as
//! `u128` offsets from the network address; nothing here panics on any input.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

use crate::model::IpFamily;

/// A parsed CIDR, normalised to its network address (`10.96.0.5/12` → `10.96.0.0/12`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Cidr {
    pub addr: IpAddr,
    pub prefix: u8,
}

impl Cidr {
    /// Parses `a.b.c.d/n` or `x::/n`; `None` for anything else.
    pub fn parse(text: &str) -> Option<Cidr> {
        let (ip, len) = text.trim().split_once('/')?;
        let addr: IpAddr = ip.parse().ok()?;
        let prefix: u8 = len.parse().ok()?;
        let bits = bits(addr);
        if prefix > bits {
            return None;
        }
        let base = to_u128(addr) & mask(bits, prefix);
        Some(Cidr { addr: from_u128(addr.is_ipv4(), base), prefix })
    }

    pub fn family(self) -> IpFamily {
        IpFamily::of(self.addr)
    }

    /// Number of host bits.
    pub fn host_bits(self) -> u8 {
        bits(self.addr) - self.prefix
    }

    /// `2^host_bits`, saturated at `u128::MAX`.
    pub fn size(self) -> u128 {
        1u128.checked_shl(u32::from(self.host_bits())).unwrap_or(u128::MAX)
    }

    /// The address `index` places after the network address, if inside the range.
    pub fn nth(self, index: u128) -> Option<IpAddr> {
        if index >= self.size() {
            return None;
        }
        Some(from_u128(self.addr.is_ipv4(), to_u128(self.addr).checked_add(index)?))
    }

    /// The offset of `ip` from the network address, if `ip` is inside.
    pub fn index_of(self, ip: IpAddr) -> Option<u128> {
        if ip.is_ipv4() != self.addr.is_ipv4() {
            return None;
        }
        let off = to_u128(ip).checked_sub(to_u128(self.addr))?;
        (off < self.size()).then_some(off)
    }

    pub fn contains(self, ip: IpAddr) -> bool {
        self.index_of(ip).is_some()
    }

    /// The `n`-th subnet of prefix `sub` inside this one (`10.244.0.0/16`, 24, 3 → `10.244.3.0/24`).
    pub fn subnet(self, sub: u8, n: u128) -> Option<Cidr> {
        if sub < self.prefix || sub > bits(self.addr) {
            return None;
        }
        let count = 1u128.checked_shl(u32::from(sub - self.prefix)).unwrap_or(u128::MAX);
        if n >= count {
            return None;
        }
        let step = 1u128.checked_shl(u32::from(bits(self.addr) - sub)).unwrap_or(0);
        let base = to_u128(self.addr).checked_add(n.checked_mul(step)?)?;
        Some(Cidr { addr: from_u128(self.addr.is_ipv4(), base), prefix: sub })
    }

    pub fn overlaps(self, other: Cidr) -> bool {
        self.contains(other.addr) || other.contains(self.addr)
    }
}

impl std::fmt::Display for Cidr {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}/{}", self.addr, self.prefix)
    }
}

fn bits(ip: IpAddr) -> u8 {
    if ip.is_ipv4() {
        32
    } else {
        128
    }
}

fn mask(bits: u8, prefix: u8) -> u128 {
    let host = u32::from(bits - prefix);
    let all = if bits == 32 { u128::from(u32::MAX) } else { u128::MAX };
    all & !(1u128.checked_shl(host).map_or(u128::MAX, |v| v - 1))
}

pub fn to_u128(ip: IpAddr) -> u128 {
    match ip {
        IpAddr::V4(v) => u128::from(u32::from(v)),
        IpAddr::V6(v) => u128::from(v),
    }
}

pub fn from_u128(v4: bool, v: u128) -> IpAddr {
    if v4 {
        IpAddr::V4(Ipv4Addr::from(u32::try_from(v & u128::from(u32::MAX)).unwrap_or(0)))
    } else {
        IpAddr::V6(Ipv6Addr::from(v))
    }
}

/// Parses comma-separated CIDRs (`10.244.0.0/16,fd00:10:244::/56`); bad parts are returned
/// separately so the caller can report them.
pub fn parse_list(text: &str) -> (Vec<Cidr>, Vec<String>) {
    let mut ok = Vec::new();
    let mut bad = Vec::new();
    for part in text.split(',').map(str::trim).filter(|p| !p.is_empty()) {
        match Cidr::parse(part) {
            Some(c) => ok.push(c),
            None => bad.push(part.to_string()),
        }
    }
    (ok, bad)
}

/// FNV-1a 32-bit, the hash Kubernetes uses for pod-template-hash (`pkg/util/hash`,
/// `controller.ComputeHash` uses `fnv.New32a`). Here it seeds deterministic choices.
pub fn fnv32a(data: &[u8]) -> u32 {
    let mut h: u32 = 0x811c_9dc5;
    for b in data {
        h ^= u32::from(*b);
        h = h.wrapping_mul(0x0100_0193);
    }
    h
}

/// FNV-1a 64-bit, for wider deterministic picks (service IPs in a /12 or IPv6 range).
pub fn fnv64a(data: &[u8]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in data {
        h ^= u64::from(*b);
        h = h.wrapping_mul(0x0000_0100_0000_01b3);
    }
    h
}

/// [`fnv32a`] of the concatenation of `parts`, without building it.
pub(crate) fn fnv32a_parts(parts: &[&[u8]]) -> u32 {
    let mut h: u32 = 0x811c_9dc5;
    for b in parts.iter().flat_map(|p| p.iter()) {
        h ^= u32::from(*b);
        h = h.wrapping_mul(0x0100_0193);
    }
    h
}

/// [`fnv64a`] of the concatenation of `parts`, without building it (FNV runs byte by byte).
pub(crate) fn fnv64a_parts(parts: &[&[u8]]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in parts.iter().flat_map(|p| p.iter()) {
        h ^= u64::from(*b);
        h = h.wrapping_mul(0x0000_0100_0000_01b3);
    }
    h
}

/// The alphabet of `k8s.io/apimachinery/pkg/util/rand` (`alphanums`): no vowels, no
/// confusable characters, so generated names never spell words.
pub const ALPHANUMS: &[u8] = b"bcdfghjklmnpqrstvwxz2456789";

/// `rand.SafeEncodeString`: maps every byte `b` to `ALPHANUMS[b % 27]`. Applied to the
/// decimal text of the FNV hash, as `controller.ComputeHash` does, it gives the familiar
/// pod-template-hash shapes (`7d4b9c8f5`).
pub fn safe_encode(s: &str) -> String {
    s.bytes().map(|b| char::from(ALPHANUMS[usize::from(b) % ALPHANUMS.len()])).collect()
}

/// A deterministic stand-in for `rand.String(n)` (what `generateName` appends): `n` characters
/// of [`ALPHANUMS`] drawn from an FNV-64 hash of `seed`.
pub fn suffix(seed: &str, n: usize) -> String {
    let mut h = fnv64a(seed.as_bytes());
    let mut out = String::with_capacity(n);
    for _ in 0..n {
        out.push(char::from(ALPHANUMS[(h % 27) as usize]));
        h /= 27;
        if h == 0 {
            h = fnv64a(out.as_bytes()) | 1;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cidr_arithmetic() {
        let c = Cidr::parse("10.96.5.3/12").unwrap();
        assert_eq!(c.to_string(), "10.96.0.0/12");
        assert_eq!(c.size(), 1 << 20);
        assert_eq!(c.nth(10).unwrap().to_string(), "10.96.0.10");
        assert_eq!(c.index_of("10.96.1.0".parse().unwrap()), Some(256));
        assert!(c.nth(1 << 20).is_none());
        let p = Cidr::parse("10.244.0.0/16").unwrap();
        assert_eq!(p.subnet(24, 2).unwrap().to_string(), "10.244.2.0/24");
        assert!(p.subnet(24, 256).is_none());
        let v6 = Cidr::parse("fd00:10:96::/112").unwrap();
        assert_eq!(v6.nth(10).unwrap().to_string(), "fd00:10:96::a");
        assert!(Cidr::parse("10.0.0.0/33").is_none());
        assert!(Cidr::parse("garbage").is_none());
        let (ok, bad) = parse_list("10.244.0.0/16, fd00::/56,x");
        assert_eq!(ok.len(), 2);
        assert_eq!(bad, ["x"]);
    }

    #[test]
    fn encodings() {
        // '0'..'9' map to 4 5 6 7 8 9 b c d f: the shape of real pod-template-hashes.
        assert_eq!(safe_encode("0123456789"), "456789bcdf");
        let s = suffix("default/web/0", 5);
        assert_eq!(s.len(), 5);
        assert!(s.bytes().all(|b| ALPHANUMS.contains(&b)));
        assert_eq!(s, suffix("default/web/0", 5));
        assert_ne!(s, suffix("default/web/1", 5));
    }
}
