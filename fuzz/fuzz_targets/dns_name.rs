//! The DNS query side: `check_name`, the stub resolver's candidate list and `Zone::query` with
//! arbitrary names and types against a fixed cluster (headless, ExternalName, dual-stack).
//! Input: first byte picks the record type, the rest is the name.
#![no_main]

use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use netsim::diagnostic::SourceFiles;
use netsim::dns::{CorefileConfig, RecordType, ResolvConf, Zone, ZoneInput};

const CLUSTER: &str = include_str!("../seeds/cluster.yaml");

struct Fixture {
    zone: Zone,
    rc: ResolvConf,
}

fn fixture() -> &'static Fixture {
    static F: OnceLock<Fixture> = OnceLock::new();
    F.get_or_init(|| {
        let mut files = SourceFiles::default();
        files.add("cluster.yaml", CLUSTER);
        let loaded = netsim::manifest::load(&files);
        let c = netsim::cluster::build(&loaded.objects);
        let o = &c.objects;
        let zone = Zone::new(
            CorefileConfig::kubeadm(&c.settings.dns_domain),
            ZoneInput {
                services: &o.services,
                endpoint_slices: &o.endpoint_slices,
                pods: &o.pods,
                namespaces: &o.namespaces,
            },
        );
        let settings = netsim::dns::ResolverSettings::new(
            c.settings.cluster_dns.clone(),
            c.settings.cluster_domain.clone(),
        );
        let pod = o.pods.first().cloned().unwrap_or_default();
        let rc = netsim::dns::resolv_conf(&pod, &settings);
        Fixture { zone, rc }
    })
}

fuzz_target!(|data: &[u8]| {
    let Some((&t, rest)) = data.split_first() else { return };
    let types = RecordType::ALL;
    let qtype = types[usize::from(t) % types.len()];
    let name = String::from_utf8_lossy(rest);
    let f = fixture();
    std::hint::black_box(netsim::dns::check_name(&name).ok());
    std::hint::black_box(RecordType::parse(&name).ok());
    std::hint::black_box(netsim::dns::address_from_reverse(&name));
    std::hint::black_box(f.zone.query(&name, qtype));
    for c in netsim::dns::candidates(&f.rc, &name) {
        std::hint::black_box(f.zone.query(&c, qtype));
    }
});
