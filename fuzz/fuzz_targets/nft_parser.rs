//! The nftables text parser (`proxy::nft::NftTables::parse`, both the dump and the
//! `nft list ruleset` forms) and a walk of a few packets through what it parsed. Neither may
//! panic, and every walk stays within its bounds.
#![no_main]

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

use libfuzzer_sys::fuzz_target;
use netsim::model::Protocol;
use netsim::proxy::nft::{walk, NftTables};
use netsim::proxy::{NodeInfo, Origin, Packet};

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let Ok(tables) = NftTables::parse(&text) else { return };
    let node = NodeInfo {
        name: "node-1".into(),
        ips: vec![IpAddr::V4(Ipv4Addr::new(10, 0, 0, 1)), IpAddr::V4(Ipv4Addr::LOCALHOST)],
        zone: None,
    };
    let packets: [(IpAddr, IpAddr, u16, Protocol, Origin); 4] = [
        (
            Ipv4Addr::new(10, 244, 1, 5).into(),
            Ipv4Addr::new(10, 96, 0, 10).into(),
            53,
            Protocol::Udp,
            Origin::FromPod,
        ),
        (
            Ipv4Addr::new(10, 0, 0, 1).into(),
            Ipv4Addr::new(10, 96, 0, 1).into(),
            443,
            Protocol::Tcp,
            Origin::FromNode,
        ),
        (
            Ipv4Addr::new(192, 168, 1, 9).into(),
            Ipv4Addr::new(10, 0, 0, 1).into(),
            30080,
            Protocol::Tcp,
            Origin::FromOutside,
        ),
        (
            Ipv6Addr::LOCALHOST.into(),
            "fd00::10".parse::<Ipv6Addr>().unwrap_or(Ipv6Addr::LOCALHOST).into(),
            80,
            Protocol::Sctp,
            Origin::FromPod,
        ),
    ];
    for (src, dst, dport, proto, origin) in packets {
        let p = Packet { src, dst, dport, proto, origin };
        let t = walk(&tables, &node, &p);
        assert!(t.outcomes.len() <= 4097, "walk beyond its bound");
    }
});
