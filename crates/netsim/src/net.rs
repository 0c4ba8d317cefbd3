//! The one CIDR type of the core and the address arithmetic behind it. IPv4 and IPv6 are
//! handled alike as `u128` offsets from the network address; nothing here panics on any input.
//!
//! Every parse masks the host bits away (`10.96.0.5/12` is `10.96.0.0/12`, as Go's
//! `IPNet.String()` prints it); the constructors differ only in what text they accept:
//! - [`Cidr::parse`]: Go's `net.ParseCIDR` as kube-proxy reads its flags, Service fields and
//!   its own rule text: `ADDRESS/N` with N one to three decimal digits, nothing around it;
//! - [`Cidr::parse_lenient`]: what the cluster stage reads from Node `podCIDRs` and kubeadm's
//!   subnets: surrounding whitespace ignored, N any number `u8` reads (as
//!   `manifest::validate` accepts a CIDR there);
//! - [`Cidr::parse_or_host`]: a CIDR or a bare address (a host route), as iptables reads
//!   `-s`/`-d` and nft its sets.
//!
//! NetworkPolicy's `ipBlock` has its own Kubernetes parse rules (leading zeros, host bits
//! remembered): `policy::net::IpNet`.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

use crate::model::IpFamily;

/// An IP network, stored masked to its network address.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Cidr {
    pub addr: IpAddr,
    pub prefix: u8,
}

impl Cidr {
    /// Parses `a.b.c.d/n` or `v6/n` (`net.ParseCIDR`): the prefix length is one to three
    /// decimal digits; a bare address is not accepted (use [`Cidr::parse_or_host`]).
    pub fn parse(text: &str) -> Option<Cidr> {
        let (ip, len) = text.split_once('/')?;
        if len.is_empty() || len.len() > 3 || !len.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        Cidr::new(ip.parse().ok()?, len.parse().ok()?)
    }

    /// `netutils.ParseCIDRSloppy` (k8s.io/utils/net, Go 1.16's `net.ParseCIDR`), as kube-proxy
    /// reads `loadBalancerSourceRanges` (`proxyutil.MapCIDRsByIPFamily`, after
    /// `strings.TrimSpace`): IPv4 octets may carry leading zeros, read as decimal
    /// (`203.0.113.000/025` is `203.0.113.0/25`), and the prefix length is any run of decimal
    /// digits (`dtoi`).
    pub fn parse_sloppy(text: &str) -> Option<Cidr> {
        let (ip, len) = text.split_once('/')?;
        let prefix = u8::try_from(dtoi(len)?).ok()?;
        let addr = if ip.contains(':') { IpAddr::V6(ip.parse().ok()?) } else { ipv4_sloppy(ip)? };
        Cidr::new(addr, prefix)
    }

    /// Parses a CIDR as the cluster stage reads Node `podCIDRs` and kubeadm's `podSubnet` and
    /// `serviceSubnet`: surrounding whitespace is ignored and the prefix length is any number
    /// `u8` reads (leading zeros, a leading `+`).
    pub fn parse_lenient(text: &str) -> Option<Cidr> {
        let (ip, len) = text.trim().split_once('/')?;
        Cidr::new(ip.parse().ok()?, len.parse().ok()?)
    }

    /// Parses either a CIDR ([`Cidr::parse`]) or a bare address (a host route, `/32` or
    /// `/128`), as iptables does.
    pub fn parse_or_host(text: &str) -> Option<Cidr> {
        if text.contains('/') {
            Cidr::parse(text)
        } else {
            text.parse().ok().map(Cidr::host)
        }
    }

    /// The network of `addr` with `prefix` bits (host bits masked away); `None` when `prefix`
    /// is longer than the address.
    pub fn new(addr: IpAddr, prefix: u8) -> Option<Cidr> {
        let bits = bits(addr);
        if prefix > bits {
            return None;
        }
        let base = to_u128(addr) & mask(bits, prefix);
        Some(Cidr { addr: from_u128(addr.is_ipv4(), base), prefix })
    }

    /// The host network of one address.
    pub fn host(addr: IpAddr) -> Cidr {
        Cidr { addr, prefix: bits(addr) }
    }

    pub fn family(self) -> IpFamily {
        IpFamily::of(self.addr)
    }

    pub fn is_ipv4(self) -> bool {
        self.addr.is_ipv4()
    }

    /// Number of host bits.
    pub fn host_bits(self) -> u8 {
        bits(self.addr).saturating_sub(self.prefix)
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

/// The address length of `ip`'s family: 32 or 128.
pub fn bits(ip: IpAddr) -> u8 {
    if ip.is_ipv4() {
        32
    } else {
        128
    }
}

/// The network mask of `prefix` bits in an address of `bits` bits, as a `u128` (a prefix
/// longer than the address masks nothing away).
pub fn mask(bits: u8, prefix: u8) -> u128 {
    let host = u32::from(bits.saturating_sub(prefix));
    let all = if bits == 32 { u128::from(u32::MAX) } else { u128::MAX };
    all & !(1u128.checked_shl(host).map_or(u128::MAX, |v| v - 1))
}

pub fn to_u128(ip: IpAddr) -> u128 {
    match ip {
        IpAddr::V4(v) => u128::from(u32::from(v)),
        IpAddr::V6(v) => u128::from(v),
    }
}

/// The address of family `v4` (else IPv6) with value `v` (IPv4 takes the low 32 bits).
pub fn from_u128(v4: bool, v: u128) -> IpAddr {
    if v4 {
        IpAddr::V4(Ipv4Addr::from(u32::try_from(v & u128::from(u32::MAX)).unwrap_or(0)))
    } else {
        IpAddr::V6(Ipv6Addr::from(v))
    }
}

/// Parses comma-separated CIDRs (`10.244.0.0/16,fd00:10:244::/56`, each
/// [`Cidr::parse_lenient`]); bad parts are returned separately so the caller can report them.
pub fn parse_list(text: &str) -> (Vec<Cidr>, Vec<String>) {
    let mut ok = Vec::new();
    let mut bad = Vec::new();
    for part in text.split(',').map(str::trim).filter(|p| !p.is_empty()) {
        match Cidr::parse_lenient(part) {
            Some(c) => ok.push(c),
            None => bad.push(part.to_string()),
        }
    }
    (ok, bad)
}

/// Go's `dtoi` over a whole string: one or more decimal digits, below `0xFFFFFF`.
fn dtoi(s: &str) -> Option<u32> {
    if s.is_empty() {
        return None;
    }
    s.bytes().try_fold(0u32, |n, b| {
        let n = n * 10 + u32::from(b.checked_sub(b'0').filter(|d| *d < 10)?);
        (n < 0xFF_FFFF).then_some(n)
    })
}

/// Go 1.16's `parseIPv4` (kept by `netutils.ParseIPSloppy`): four dotted decimal octets, leading
/// zeros allowed.
fn ipv4_sloppy(s: &str) -> Option<IpAddr> {
    let mut octets = [0u8; 4];
    let mut parts = s.split('.');
    for o in &mut octets {
        *o = u8::try_from(dtoi(parts.next()?)?).ok()?;
    }
    parts.next().is_none().then_some(IpAddr::from(octets))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sloppy_cidrs() {
        let p = |s: &str| Cidr::parse_sloppy(s).map(|c| c.to_string());
        assert_eq!(p("203.0.113.000/025").as_deref(), Some("203.0.113.0/25"));
        assert_eq!(p("010.0.0.1/0008").as_deref(), Some("10.0.0.0/8"));
        assert_eq!(p("fd00::1/64").as_deref(), Some("fd00::/64"));
        for bad in
            ["203.0.113.256/25", "1.2.3/8", "1.2.3.4/33", "1.2.3.4/", "1.2.3.4", "/8", "1.2.3.4/+8"]
        {
            assert_eq!(p(bad), None, "{bad}");
        }
    }

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
        let (ok, bad) = parse_list("10.244.0.0/16, fd00::/56,x");
        assert_eq!(ok.len(), 2);
        assert_eq!(bad, ["x"]);
    }

    #[test]
    fn parse_rules() {
        for parse in [Cidr::parse, Cidr::parse_lenient] {
            assert_eq!(parse("10.1.2.3/8").unwrap().to_string(), "10.0.0.0/8");
            assert!(parse("10.0.0.0/33").is_none());
            assert!(parse("garbage").is_none());
            assert!(parse("10.0.0.0").is_none());
            assert!(parse("fd00::/129").is_none());
        }
        // Strict: nothing around the text, the prefix in one to three digits.
        assert!(Cidr::parse(" 10.0.0.0/8").is_none());
        assert!(Cidr::parse("10.0.0.0/+8").is_none());
        assert!(Cidr::parse("10.0.0.0/0008").is_none());
        assert!(Cidr::parse("10.0.0.0/").is_none());
        // Lenient: what the cluster stage has always read.
        assert_eq!(Cidr::parse_lenient(" 10.0.0.0/+8 ").unwrap().to_string(), "10.0.0.0/8");
        assert_eq!(Cidr::parse_lenient("10.0.0.0/0008").unwrap().to_string(), "10.0.0.0/8");
        // Host routes.
        assert_eq!(Cidr::parse_or_host("1.2.3.4").unwrap().to_string(), "1.2.3.4/32");
        assert_eq!(Cidr::parse_or_host("fd00::1").unwrap().to_string(), "fd00::1/128");
    }

    #[test]
    fn contains() {
        let c = Cidr::parse("10.1.2.3/8").unwrap();
        assert!(c.contains("10.200.0.1".parse().unwrap()));
        assert!(!c.contains("11.0.0.1".parse().unwrap()));
        assert!(!c.contains("::a01:1".parse().unwrap()));
        assert!(Cidr::parse("0.0.0.0/0").unwrap().contains("8.8.8.8".parse().unwrap()));
        assert!(Cidr::parse("::/0").unwrap().contains("fd00::1".parse().unwrap()));
        assert!(Cidr::host("1.2.3.4".parse().unwrap()).contains("1.2.3.4".parse().unwrap()));
    }
}
