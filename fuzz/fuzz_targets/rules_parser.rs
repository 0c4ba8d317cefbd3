//! The iptables rule parser (`RuleTable::parse`), its save form re-parsed (round trip must be
//! stable), and a walk of a few packets through the parsed rules.
#![no_main]

use std::net::{IpAddr, Ipv4Addr};

use libfuzzer_sys::fuzz_target;
use netsim::model::Protocol;
use netsim::proxy::{walk, NodeInfo, Origin, Packet, RuleTable};

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let Ok(table) = RuleTable::parse(&text) else { return };
    let saved = table.save_text();
    // What we print must parse again.
    let again = RuleTable::parse(&saved);
    assert!(again.is_ok(), "save text does not re-parse: {again:?}\n{saved}");
    let node = NodeInfo {
        name: "node-1".into(),
        ips: vec![IpAddr::V4(Ipv4Addr::new(10, 0, 0, 1)), IpAddr::V4(Ipv4Addr::LOCALHOST)],
        zone: None,
    };
    let packets = [
        (Ipv4Addr::new(10, 244, 1, 5), Ipv4Addr::new(10, 96, 0, 10), 53, Protocol::Udp, Origin::FromPod),
        (Ipv4Addr::new(10, 0, 0, 1), Ipv4Addr::new(10, 96, 0, 1), 443, Protocol::Tcp, Origin::FromNode),
        (Ipv4Addr::new(192, 168, 1, 9), Ipv4Addr::new(10, 0, 0, 1), 30080, Protocol::Tcp, Origin::FromOutside),
    ];
    for (src, dst, dport, proto, origin) in packets {
        let p = Packet { src: src.into(), dst: dst.into(), dport, proto, origin };
        std::hint::black_box(walk(&table, &node, &p));
    }
});
