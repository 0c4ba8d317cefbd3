//! IP networks as NetworkPolicy and ClusterNetworkPolicy read them.
//!
//! - [`IpNet::parse_sloppy`] is `k8s.io/utils/net` `ParseCIDRSloppy` (what `ipBlock.cidr` and
//!   `ipBlock.except` go through in `ValidateIPBlock` and in network plugins): IPv4 octets and the
//!   prefix length may have leading zeros (read as decimal), bits beyond the prefix are masked
//!   away (`10.0.0.1/24` is `10.0.0.0/24`).
//! - [`IpNet::parse_strict`] is Go's `netip.ParsePrefix` as the Kubernetes CEL library's
//!   `isCIDR()` uses it (ClusterNetworkPolicy `networks`): no leading zeros, no IPv4-mapped IPv6.
//!
//! Nothing here panics on any input.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

use crate::net::{bits, from_u128, mask, to_u128};

/// A network: the masked address and the prefix length.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct IpNet {
    pub addr: IpAddr,
    pub prefix: u8,
    /// Whether the text had bits set beyond the prefix (`10.0.0.1/24`).
    pub host_bits_set: bool,
}

/// `ParseIPSloppy` for IPv4: four decimal octets, leading zeros allowed (read as decimal).
fn ipv4_sloppy(s: &str) -> Option<Ipv4Addr> {
    let mut out = [0u8; 4];
    let mut parts = s.split('.');
    for o in &mut out {
        let p = parts.next()?;
        if p.is_empty() || p.len() > 10 || !p.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        *o = u8::try_from(p.parse::<u32>().ok()?).ok()?;
    }
    if parts.next().is_some() {
        return None;
    }
    Some(Ipv4Addr::from(out))
}

impl IpNet {
    fn build(addr: IpAddr, prefix: u8) -> Option<IpNet> {
        let b = bits(addr);
        if prefix > b {
            return None;
        }
        let raw = to_u128(addr);
        let masked = raw & mask(b, prefix);
        Some(IpNet {
            addr: from_u128(addr.is_ipv4(), masked),
            prefix,
            host_bits_set: masked != raw,
        })
    }

    /// `ParseCIDRSloppy`; `None` where it returns an error.
    pub fn parse_sloppy(text: &str) -> Option<IpNet> {
        let (ip, len) = text.split_once('/')?;
        if len.is_empty() || len.len() > 4 || !len.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        let prefix: u8 = len.parse().ok()?;
        let addr = match ipv4_sloppy(ip) {
            Some(a) => IpAddr::V4(a),
            None => {
                if !ip.contains(':') {
                    return None;
                }
                IpAddr::V6(ip.parse::<Ipv6Addr>().ok()?)
            }
        };
        IpNet::build(addr, prefix)
    }

    /// `netip.ParsePrefix` without IPv4-mapped IPv6 (the CEL `isCIDR()` check).
    pub fn parse_strict(text: &str) -> Option<IpNet> {
        let (ip, len) = text.split_once('/')?;
        if len.is_empty() || len.len() > 3 || !len.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        if len.len() > 1 && len.starts_with('0') {
            return None;
        }
        let addr: IpAddr = ip.parse().ok()?;
        if let IpAddr::V6(a) = addr {
            if a.to_ipv4_mapped().is_some() {
                return None;
            }
        }
        IpNet::build(addr, len.parse().ok()?)
    }

    /// The address is inside the network (same family only).
    pub fn contains(self, ip: IpAddr) -> bool {
        if ip.is_ipv4() != self.addr.is_ipv4() {
            return false;
        }
        to_u128(ip) & mask(bits(ip), self.prefix) == to_u128(self.addr)
    }

    /// `IPNet.String()`: the masked address and the prefix.
    pub fn canonical(self) -> String {
        format!("{}/{}", self.addr, self.prefix)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sloppy_and_strict() {
        let n = IpNet::parse_sloppy("010.000.0.1/008").unwrap();
        assert_eq!(n.canonical(), "10.0.0.0/8");
        assert!(n.host_bits_set);
        assert!(n.contains("10.9.9.9".parse().unwrap()));
        assert!(!n.contains("11.0.0.0".parse().unwrap()));
        assert!(!n.contains("::1".parse().unwrap()));
        assert!(IpNet::parse_sloppy("192.168.5.6").is_none());
        assert!(IpNet::parse_sloppy("fd00:192:168::").is_none());
        assert!(IpNet::parse_sloppy("300.300.300.300/32").is_none());
        assert!(IpNet::parse_sloppy(" /8").is_none());
        assert!(IpNet::parse_sloppy("10.0.0.0/33").is_none());
        let v6 = IpNet::parse_sloppy("fd00:192:168::/48").unwrap();
        assert!(v6.contains("fd00:192:168:3::1".parse().unwrap()));
        assert!(IpNet::parse_sloppy("0.0.0.0/0").unwrap().contains("1.2.3.4".parse().unwrap()));
        assert!(IpNet::parse_sloppy("::/0").unwrap().contains("fe80::1".parse().unwrap()));
        assert!(IpNet::parse_strict("010.0.0.0/8").is_none());
        assert!(IpNet::parse_strict("10.0.0.0/08").is_none());
        assert!(IpNet::parse_strict("::ffff:1.2.3.4/120").is_none());
        assert!(IpNet::parse_strict("10.0.0.1/8").is_some());
    }
}
