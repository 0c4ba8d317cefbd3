//! Address allocation (cluster stage): Pod IPs (IPAM), ClusterIPs and NodePorts (the
//! apiserver's allocators), load-balancer IPs (MetalLB).
//!
//! * Pod IPs: host-local IPAM as kind's CNI (kindnet) configures it — per node, from the node's
//!   pod CIDR, skipping the network address and the `.1` gateway and never the last address;
//!   sequential from the last reserved address, wrapping round (so an address released by a
//!   deleted Pod is not handed out again until the range wraps). Explicit `status.podIPs` are
//!   honoured; two Pods on one IP is an error and the later Pod gets a fresh address.
//! * ClusterIPs (`pkg/registry/core/service/ipallocator`): index 0 is network+1; IPv4 excludes
//!   broadcast; IPv6 ranges are capped at 65536 addresses. The range is split at
//!   `min(max(16, size/16), 256)`: the lower band is kept for static IPs. Explicit IPs are
//!   reserved first (for every Service, in input order); then each Service without one gets a
//!   pseudo-random free IP in the upper band: the FNV-64 hash of `namespace/name/family` picks
//!   the start, linear probing finds a free one, and the lower band is used only when the upper
//!   one is full. Upstream picks at random; hashing keeps every IP stable while the input is
//!   edited (adding a Service never moves another's IP unless they collide).
//! * NodePorts (`pkg/registry/core/service/portallocator`): the same two-band scheme with
//!   offset `min(max(16, size/32), 128)` (86 for 30000-32767), hash of `namespace/name/portIndex`;
//!   ports of one Service sharing a `port` number share one nodePort (`initNodePorts`);
//!   `healthCheckNodePort` for LoadBalancer + externalTrafficPolicy Local.
//! * Failures are the apiserver's own messages (`pkg/registry/core/service/storage/alloc.go`),
//!   and, as with `kubectl apply`, the Service is then not created.
//! * LoadBalancer: `status.loadBalancer.ingress` from the input is kept; otherwise, with a
//!   MetalLB `IPAddressPool`, the first free address of the first pool (by name) that allows
//!   auto-assignment, or the address asked for by `spec.loadBalancerIP` or the
//!   `metallb.universe.tf/loadBalancerIPs` annotation; otherwise it stays `<pending>`.

use std::collections::{BTreeMap, BTreeSet};
use std::net::IpAddr;

use super::net::fnv64a;
use super::{span_of, Cluster, Event, EventType, PortRange, State};
use crate::diagnostic::Diagnostic;
use crate::model::{IpFamily, LoadBalancerIngress, Service, ServiceType, TrafficPolicy};
use crate::net::{to_u128, Cidr};

// ---------------------------------------------------------------------------------------------
// Pod IPs

/// Most probes per Pod IP allocation (an IPv6 /64 is never scanned whole).
const MAX_PROBES: u128 = 1 << 17;

pub(crate) fn alloc_pod_ip(state: &mut State, cidr: Cidr) -> Option<IpAddr> {
    let size = cidr.size();
    if size < 4 {
        return None;
    }
    let (first, last) = (2u128, size - 2); // inclusive
    let span = last - first + 1;
    // A failed probe leaves the cursor where it was, so until an address is released the same
    // probe would fail again.
    if state.full_pod_cidrs.contains(&cidr) {
        return None;
    }
    let start = state.pod_ip_cursor.get(&cidr).copied().unwrap_or(first).clamp(first, last);
    for k in 0..span.min(MAX_PROBES) {
        let idx = first + (start - first + k) % span;
        let ip = cidr.nth(idx)?;
        if state.used_pod_ips.insert(ip) {
            state.pod_ip_cursor.insert(cidr, if idx == last { first } else { idx + 1 });
            return Some(ip);
        }
    }
    state.full_pod_cidrs.insert(cidr);
    None
}

pub(crate) fn reserve_explicit_pod_ips(c: &mut Cluster) {
    let mut owner: BTreeMap<IpAddr, String> = BTreeMap::new();
    let mut diags = Vec::new();
    for p in &mut c.objects.pods {
        if p.spec.host_network {
            continue;
        }
        let mut clash = None;
        for ip in &p.status.pod_ips {
            if let Some(first) = owner.get(ip) {
                clash = Some((*ip, first.clone()));
                break;
            }
        }
        match clash {
            Some((ip, first)) => {
                diags.push(
                    Diagnostic::error(
                        "duplicate-pod-ip",
                        span_of(&p.meta, "status.podIP"),
                        format!("Pod {:?} has IP {ip}, which Pod {first:?} already has", p.meta.name),
                    )
                    .with_hint("no CNI hands out one address twice; the simulator gives this Pod a fresh address"),
                );
                p.status.pod_ips.clear();
            }
            None => {
                for ip in &p.status.pod_ips {
                    owner.insert(*ip, format!("{}/{}", p.meta.namespace, p.meta.name));
                    c.state.used_pod_ips.insert(*ip);
                }
            }
        }
    }
    c.diagnostics.extend(diags);
}

// ---------------------------------------------------------------------------------------------
// Two-band allocators

/// A bitmap-like allocator over `0..max` with a static band `0..offset`.
struct Bands {
    max: u128,
    offset: u128,
    used: BTreeSet<u128>,
}

impl Bands {
    fn for_cidr(cidr: Cidr) -> Bands {
        let size = cidr.size();
        let mut max =
            if cidr.family() == IpFamily::IPv6 { size.min(65536) } else { size.saturating_sub(1) };
        max = max.saturating_sub(1);
        // calculateRangeOffset: min(max(16, cidrSize/16), 256), 0 for tiny ranges.
        let offset = if size < 16 { 0 } else { (size / 16).clamp(16, 256) };
        Bands { max, offset: offset.min(max), used: BTreeSet::new() }
    }

    fn for_ports(size: u128) -> Bands {
        let offset = if size < 16 { 0 } else { (size / 32).clamp(16, 128) };
        Bands { max: size, offset: offset.min(size), used: BTreeSet::new() }
    }

    /// `randomScanStrategyWithOffset`, with the hash as the "random" start.
    fn next(&mut self, hash: u64) -> Option<u128> {
        for (lo, hi) in [(self.offset, self.max), (0, self.offset)] {
            let n = hi.saturating_sub(lo);
            if n == 0 {
                continue;
            }
            let start = u128::from(hash) % n;
            // The hashed start is usually free: taken at once, without counting the band (a
            // count per allocation made many Services quadratic).
            if self.used.insert(lo + start) {
                return Some(lo + start);
            }
            let in_band = self.used.range(lo..hi).count() as u128;
            if in_band >= n {
                continue;
            }
            for k in 0..n {
                let i = lo + (start + k) % n;
                if self.used.insert(i) {
                    return Some(i);
                }
            }
        }
        None
    }
}

struct IpAllocator {
    cidr: Cidr,
    bands: Bands,
}

impl IpAllocator {
    fn index(&self, ip: IpAddr) -> Option<u128> {
        let i = self.cidr.index_of(ip)?.checked_sub(1)?;
        (i < self.bands.max).then_some(i)
    }
    fn ip(&self, i: u128) -> Option<IpAddr> {
        self.cidr.nth(i + 1)
    }
}

/// `servicecidr.PrefixContainsIP`: in the prefix, not its network address nor, for IPv4, its
/// broadcast address (which the allocators keep).
fn in_service_cidr(cidr: Cidr, ip: IpAddr) -> bool {
    let last = cidr.size().checked_sub(1).and_then(|n| cidr.nth(n));
    cidr.contains(ip) && cidr.nth(0) != Some(ip) && (!cidr.is_ipv4() || last != Some(ip))
}

fn go_strings(ips: &[String]) -> String {
    let q: Vec<String> = ips.iter().map(|s| format!("{s:?}")).collect();
    format!("[]string{{{}}}", q.join(", "))
}

fn svc_error(svc: &Service, path: &str, message: String, hint: &str) -> Diagnostic {
    let mut d = Diagnostic::error("service-allocation", span_of(&svc.meta, path), message)
        .with_hint(hint.to_string());
    d.object = Some(format!("Service {:?}", svc.meta.name));
    d
}

fn needs_health_check(s: &Service) -> bool {
    s.spec.type_ == ServiceType::LoadBalancer
        && s.spec.external_traffic_policy == Some(TrafficPolicy::Local)
}

fn should_allocate_node_ports(s: &Service) -> bool {
    match s.spec.type_ {
        ServiceType::NodePort => true,
        ServiceType::LoadBalancer => s.spec.allocate_load_balancer_node_ports != Some(false),
        _ => false,
    }
}

/// Fills ipFamilyPolicy / ipFamilies as `initIPFamilyFields` does
/// (pkg/registry/core/service/storage/alloc.go). Err: the apiserver's causes (path, message),
/// all of one step, as it collects them before it gives up.
fn init_families(s: &mut Service, cluster: &[IpFamily]) -> Result<(), Vec<(String, String)>> {
    if s.spec.type_ == ServiceType::ExternalName {
        s.spec.ip_families.clear();
        s.spec.ip_family_policy.clear();
        return Ok(());
    }
    let selectorless = s.spec.selector.as_ref().is_none_or(|m| m.is_empty());
    if s.spec.ip_family_policy.is_empty() {
        s.spec.ip_family_policy = if s.spec.headless && selectorless {
            "RequireDualStack".into()
        } else {
            "SingleStack".into()
        };
    }
    let mut errs = single_stack_errors(s);
    infer_families(s, cluster, &mut errs);
    if !errs.is_empty() {
        return Err(errs);
    }
    let default = cluster.first().copied().unwrap_or(IpFamily::IPv4);
    let other = |f: IpFamily| if f == IpFamily::IPv4 { IpFamily::IPv6 } else { IpFamily::IPv4 };
    if s.spec.headless && selectorless {
        if s.spec.ip_families.is_empty() {
            s.spec.ip_families.push(default);
        }
        if s.spec.ip_families.len() < 2 && s.spec.ip_family_policy != "SingleStack" {
            let f = other(s.spec.ip_families[0]);
            s.spec.ip_families.push(f);
        }
        return Ok(());
    }
    if s.spec.ip_family_policy == "RequireDualStack" && cluster.len() < 2 {
        errs.push((
            "spec.ipFamilyPolicy".into(),
            "spec.ipFamilyPolicy: Invalid value: \"RequireDualStack\": this cluster is not configured for dual-stack services".into(),
        ));
    }
    for (i, f) in s.spec.ip_families.iter().enumerate() {
        if !cluster.contains(f) {
            errs.push((
                format!("spec.ipFamilies[{i}]"),
                format!(
                    "spec.ipFamilies[{i}]: Invalid value: \"{}\": not configured on this cluster",
                    fam_str(*f)
                ),
            ));
        }
    }
    if !errs.is_empty() {
        return Err(errs);
    }
    if s.spec.ip_families.is_empty() {
        s.spec.ip_families.push(default);
    }
    if s.spec.ip_family_policy != "SingleStack"
        && s.spec.ip_families.len() == 1
        && cluster.len() == 2
    {
        let f = other(s.spec.ip_families[0]);
        s.spec.ip_families.push(f);
    }
    Ok(())
}

/// `initIPFamilyFields`: a SingleStack Service may not list two cluster IPs or two families.
fn single_stack_errors(s: &Service) -> Vec<(String, String)> {
    let mut errs = Vec::new();
    if s.spec.ip_family_policy != "SingleStack" {
        return errs;
    }
    for (n, what) in
        [(s.spec.cluster_ips.len(), "cluster IPs"), (s.spec.ip_families.len(), "IP families")]
    {
        if n == 2 {
            errs.push((
                "spec.ipFamilyPolicy".to_string(),
                format!("spec.ipFamilyPolicy: Invalid value: \"SingleStack\": must be 'RequireDualStack' or 'PreferDualStack' when multiple {what} are specified"),
            ));
        }
    }
    errs
}

/// `initIPFamilyFields`: the family of each cluster IP beyond the given ipFamilies is added,
/// when the cluster has it.
fn infer_families(s: &mut Service, cluster: &[IpFamily], errs: &mut Vec<(String, String)>) {
    let ips: Vec<String> = s.spec.cluster_ips.iter().map(|i| i.to_string()).collect();
    for (i, ip) in s.spec.cluster_ips.iter().enumerate() {
        let fam = IpFamily::of(*ip);
        if i >= s.spec.ip_families.len() {
            if cluster.contains(&fam) {
                s.spec.ip_families.push(fam);
            } else {
                errs.push((
                    format!("spec.clusterIPs[{i}]"),
                    format!("spec.clusterIPs[{i}]: Invalid value: {}: {} is not configured on this cluster", go_strings(&ips), fam_str(fam)),
                ));
            }
        }
    }
}

fn fam_str(f: IpFamily) -> &'static str {
    match f {
        IpFamily::IPv4 => "IPv4",
        IpFamily::IPv6 => "IPv6",
    }
}

/// ClusterIPs, ip families and NodePorts for every Service; rejected Services are removed.
pub(crate) fn allocate_services(c: &mut Cluster) {
    let families = c.settings.service_families();
    let range = c.settings.node_port_range;
    let mut alloc = ServiceAllocators {
        ips: c
            .settings
            .service_subnets
            .iter()
            .map(|&cidr| IpAllocator { cidr, bands: Bands::for_cidr(cidr) })
            .collect(),
        ports: Bands::for_ports(u128::try_from(range.size()).unwrap_or(0)),
        range,
    };
    let mut rejected: BTreeSet<usize> = BTreeSet::new();
    let mut diags = Vec::new();
    let mut services = std::mem::take(&mut c.objects.services);

    // Pass 1: families, explicit ClusterIPs and NodePorts, in input order.
    for (si, s) in services.iter_mut().enumerate() {
        if let Err(errs) = init_families(s, &families) {
            for (path, msg) in errs {
                diags.push(svc_error(
                    s,
                    &path,
                    msg,
                    "the API server rejects this Service; it is not created",
                ));
            }
            rejected.insert(si);
            continue;
        }
        if !alloc.take_requested(s, &mut diags) {
            rejected.insert(si);
        }
    }

    // Pass 2: dynamic ClusterIPs and NodePorts.
    for (si, s) in services.iter_mut().enumerate() {
        if rejected.contains(&si) {
            continue;
        }
        let id = format!("{}/{}", s.meta.namespace, s.meta.name);
        if !(alloc.allocate_ips(s, &id, &mut diags) && alloc.allocate_ports(s, &id, &mut diags)) {
            rejected.insert(si);
        }
    }
    c.objects.services = services
        .into_iter()
        .enumerate()
        .filter(|(i, _)| !rejected.contains(i))
        .map(|(_, s)| s)
        .collect();
    c.diagnostics.extend(diags);
}

/// The Service allocators: ClusterIPs per service subnet, NodePorts in the node-port range.
struct ServiceAllocators {
    ips: Vec<IpAllocator>,
    ports: Bands,
    range: PortRange,
}

impl ServiceAllocators {
    /// Takes the ClusterIPs and NodePorts `s` asks for; on the first refusal reports it, gives
    /// back what it took and returns false (the Service is rejected).
    fn take_requested(&mut self, s: &Service, diags: &mut Vec<Diagnostic>) -> bool {
        let mut taken_ips: Vec<(usize, u128)> = Vec::new();
        let mut taken_ports: Vec<u128> = Vec::new();
        let ok = self.take_requested_ips(s, &mut taken_ips, diags)
            && self.take_requested_ports(s, &mut taken_ports, diags);
        if !ok {
            for (ai, i) in taken_ips {
                self.ips[ai].bands.used.remove(&i);
            }
            for i in taken_ports {
                self.ports.used.remove(&i);
            }
        }
        ok
    }

    fn take_requested_ips(
        &mut self,
        s: &Service,
        taken: &mut Vec<(usize, u128)>,
        diags: &mut Vec<Diagnostic>,
    ) -> bool {
        if s.spec.type_ == ServiceType::ExternalName || s.spec.headless {
            return true;
        }
        for &ip in &s.spec.cluster_ips {
            let fam = IpFamily::of(ip);
            let Some(ai) = self.ips.iter().position(|a| a.cidr.family() == fam) else {
                continue;
            };
            let ips: Vec<String> = s.spec.cluster_ips.iter().map(|i| i.to_string()).collect();
            let a = &mut self.ips[ai];
            // The MetaAllocator (MultiCIDRServiceAllocator: GA and on in v1.33, locked on from
            // v1.34) first looks for a ServiceCIDR that holds the address, its network address
            // and (IPv4) broadcast address excluded (`cidrallocator.go` `getAllocator`,
            // `servicecidr.PrefixContainsIP`): none is `ErrMismatchedNetwork`. An address in the
            // prefix past what the range's allocator covers (IPv6 ranges are capped at 2^16) is
            // that allocator's `ErrNotInRange` (`ipallocator.go` `allocateService`,
            // `interfaces.go`).
            let err = match a.index(ip) {
                None if in_service_cidr(a.cidr, ip) => Some(format!(
                    "the provided IP ({ip}) is not in the valid range. The range of valid IPs is {}",
                    a.cidr
                )),
                None => Some("the provided network does not match the current range".to_string()),
                Some(i) if !a.bands.used.insert(i) => {
                    Some("provided IP is already allocated".to_string())
                }
                Some(i) => {
                    taken.push((ai, i));
                    None
                }
            };
            if let Some(e) = err {
                diags.push(svc_error(
                    s,
                    "spec.clusterIP",
                    format!("spec.clusterIPs: Invalid value: {}: failed to allocate IP {ip}: {e}", go_strings(&ips)),
                    "the API server rejects this Service; it is not created (leave clusterIP out to get a free one)",
                ));
                return false;
            }
        }
        true
    }

    fn take_requested_ports(
        &mut self,
        s: &Service,
        taken: &mut Vec<u128>,
        diags: &mut Vec<Diagnostic>,
    ) -> bool {
        if !matches!(s.spec.type_, ServiceType::NodePort | ServiceType::LoadBalancer) {
            return true;
        }
        let mut by_port: BTreeMap<i32, i32> = BTreeMap::new();
        for (pi, p) in s.spec.ports.iter().enumerate() {
            let Some(np) = p.node_port else { continue };
            if by_port.get(&p.port) == Some(&np) {
                continue;
            }
            if let Some(e) = self.take_port(np, taken) {
                diags.push(svc_error(
                    s,
                    &format!("spec.ports[{pi}].nodePort"),
                    format!("spec.ports[{pi}].nodePort: Invalid value: {np}: {e}"),
                    "the API server rejects this Service; it is not created (leave nodePort out to get a free one)",
                ));
                return false;
            }
            by_port.insert(p.port, np);
        }
        if needs_health_check(s) {
            if let Some(h) = s.spec.health_check_node_port.filter(|h| *h != 0) {
                if let Some(e) = self.take_port(h, taken) {
                    diags.push(svc_error(
                        s,
                        "spec.healthCheckNodePort",
                        format!("Internal error occurred: failed to allocate requested HealthCheck NodePort {h}: {e}"),
                        "the API server rejects this Service; it is not created",
                    ));
                    return false;
                }
            }
        }
        true
    }

    /// Takes the requested node port `np`, or says why it cannot be had.
    fn take_port(&mut self, np: i32, taken: &mut Vec<u128>) -> Option<String> {
        let range = self.range;
        match u128::try_from(np - range.first).ok().filter(|_| range.contains(np)) {
            None => Some(format!(
                "provided port is not in the valid range. The range of valid ports is {range}"
            )),
            Some(i) if !self.ports.used.insert(i) => {
                Some("provided port is already allocated".to_string())
            }
            Some(i) => {
                taken.push(i);
                None
            }
        }
    }

    /// A ClusterIP of each of the Service's families it did not ask for (none for ExternalName
    /// and headless Services); false when a range is full.
    fn allocate_ips(&mut self, s: &mut Service, id: &str, diags: &mut Vec<Diagnostic>) -> bool {
        if s.spec.type_ == ServiceType::ExternalName || s.spec.headless {
            s.spec.cluster_ips.clear();
            return true;
        }
        let mut failed = false;
        let mut ips = Vec::new();
        for fam in s.spec.ip_families.clone() {
            if let Some(ip) = s.spec.cluster_ips.iter().copied().find(|ip| IpFamily::of(*ip) == fam)
            {
                ips.push(ip);
                continue;
            }
            let Some(a) = self.ips.iter_mut().find(|a| a.cidr.family() == fam) else { continue };
            let h = fnv64a(format!("{id}/{}", fam_str(fam)).as_bytes());
            match a.bands.next(h).and_then(|i| a.ip(i)) {
                Some(ip) => ips.push(ip),
                None => {
                    diags.push(svc_error(
                        s,
                        "metadata.name",
                        "Internal error occurred: failed to allocate a serviceIP: range is full".into(),
                        "every address of the service range is taken; the Service is not created (use a larger serviceSubnet)",
                    ));
                    failed = true;
                    break;
                }
            }
        }
        s.spec.cluster_ips = ips;
        !failed
    }

    /// The NodePorts (and healthCheckNodePort) a NodePort or LoadBalancer Service did not ask
    /// for; false when the range is full.
    fn allocate_ports(&mut self, s: &mut Service, id: &str, diags: &mut Vec<Diagnostic>) -> bool {
        if !matches!(s.spec.type_, ServiceType::NodePort | ServiceType::LoadBalancer) {
            return true;
        }
        let range = self.range;
        let mut failed = false;
        let alloc = should_allocate_node_ports(s);
        let mut by_port: BTreeMap<i32, i32> = BTreeMap::new();
        for p in &s.spec.ports {
            if let Some(np) = p.node_port {
                by_port.entry(p.port).or_insert(np);
            }
        }
        for (pi, p) in s.spec.ports.iter_mut().enumerate() {
            if p.node_port.is_some() || !alloc {
                continue;
            }
            if let Some(np) = by_port.get(&p.port) {
                p.node_port = Some(*np);
                continue;
            }
            let h = fnv64a(format!("{id}/{pi}").as_bytes());
            match self.ports.next(h) {
                Some(i) => {
                    let np = range.first + i32::try_from(i).unwrap_or(0);
                    p.node_port = Some(np);
                    by_port.insert(p.port, np);
                }
                None => {
                    failed = true;
                    break;
                }
            }
        }
        if !failed && needs_health_check(s) && s.spec.health_check_node_port.is_none_or(|h| h == 0)
        {
            match self.ports.next(fnv64a(format!("{id}/healthCheckNodePort").as_bytes())) {
                Some(i) => {
                    s.spec.health_check_node_port =
                        Some(range.first + i32::try_from(i).unwrap_or(0))
                }
                None => failed = true,
            }
        }
        if failed {
            diags.push(svc_error(
                s,
                "spec.ports",
                "Internal error occurred: failed to allocate a nodePort: range is full".into(),
                "every port of the node-port range is taken; the Service is not created",
            ));
        }
        !failed
    }
}

// ---------------------------------------------------------------------------------------------
// LoadBalancer (MetalLB)

fn pool_addresses(text: &str) -> Option<(u128, u128, bool)> {
    let t = text.trim();
    if let Some(c) = Cidr::parse_lenient(t) {
        let a = to_u128(c.addr);
        return Some((a, a + (c.size() - 1), c.addr.is_ipv4()));
    }
    let (a, b) = t.split_once('-')?;
    let a: IpAddr = a.trim().parse().ok()?;
    let b: IpAddr = b.trim().parse().ok()?;
    (a.is_ipv4() == b.is_ipv4() && to_u128(a) <= to_u128(b))
        .then(|| (to_u128(a), to_u128(b), a.is_ipv4()))
}

fn in_pool(pool: &crate::model::IpAddressPool, ip: IpAddr) -> bool {
    pool.addresses
        .iter()
        .filter_map(|r| pool_addresses(r))
        .any(|(a, b, v4)| v4 == ip.is_ipv4() && (a..=b).contains(&to_u128(ip)))
}

pub(crate) fn assign_load_balancers(c: &mut Cluster) {
    let mut pools = c.objects.ip_address_pools.clone();
    crate::sort::sort_by(&mut pools, |a, b| a.meta.name.cmp(&b.meta.name));
    let mut used: BTreeSet<IpAddr> = c
        .objects
        .services
        .iter()
        .flat_map(|s| s.status.load_balancer_ingress.iter().filter_map(|i| i.ip))
        .collect();
    let mut events = Vec::new();
    let mut diags = Vec::new();
    for s in &mut c.objects.services {
        if s.spec.type_ != ServiceType::LoadBalancer
            || !s.status.load_balancer_ingress.is_empty()
            || pools.is_empty()
        {
            continue;
        }
        if s.spec.load_balancer_class.is_some() {
            continue; // MetalLB only serves Services without a loadBalancerClass (by default).
        }
        let ann = |k: &str| {
            s.meta
                .annotations
                .get(&format!("metallb.universe.tf/{k}"))
                .or_else(|| s.meta.annotations.get(&format!("metallb.io/{k}")))
                .cloned()
        };
        let mut requested: Vec<IpAddr> = Vec::new();
        if let Some(list) = ann("loadBalancerIPs") {
            requested.extend(list.split(',').filter_map(|x| x.trim().parse::<IpAddr>().ok()));
        } else if let Some(ip) = s.spec.load_balancer_ip {
            requested.push(ip);
        }
        let pool_name = ann("address-pool");
        let svc_id = format!("{}/{}", s.meta.namespace, s.meta.name);
        let fam = s.spec.ip_families.first().copied().unwrap_or(IpFamily::IPv4);
        let mut got = None;
        let mut failure = None;
        if let Some(ip) = requested.first().copied() {
            if !pools
                .iter()
                .any(|p| in_pool(p, ip) && pool_name.as_ref().is_none_or(|n| *n == p.meta.name))
            {
                failure = Some(format!(
                    "Failed to allocate IP for \"{svc_id}\": [\"{ip}\"] is not allowed in config"
                ));
            } else if used.contains(&ip) {
                failure = Some(format!("Failed to allocate IP for \"{svc_id}\": can't change sharing key for \"{svc_id}\", address also in use by another service"));
            } else {
                got = Some(ip);
            }
        } else {
            'pools: for p in &pools {
                if pool_name.as_ref().is_some_and(|n| *n != p.meta.name)
                    || (pool_name.is_none() && !p.auto_assign)
                {
                    continue;
                }
                for r in p.addresses.iter().filter_map(|r| pool_addresses(r)) {
                    let (a, b, v4) = r;
                    if v4 != (fam == IpFamily::IPv4) {
                        continue;
                    }
                    // Bounded: at most 65536 addresses per range are tried.
                    for k in 0..=(b - a).min(65535) {
                        let ip = crate::net::from_u128(v4, a + k);
                        if !used.contains(&ip) {
                            got = Some(ip);
                            break 'pools;
                        }
                    }
                }
            }
            if got.is_none() {
                failure = Some(format!("Failed to allocate IP for \"{svc_id}\": no available IPs"));
            }
        }
        match got {
            Some(ip) => {
                used.insert(ip);
                s.status.load_balancer_ingress.push(LoadBalancerIngress {
                    ip: Some(ip),
                    hostname: None,
                    ip_mode: None,
                });
                events.push(Event::new(
                    EventType::Normal,
                    "IPAllocated",
                    format!("service/{}", s.meta.name),
                    &s.meta.namespace,
                    format!("Assigned IP [\"{ip}\"]"),
                ));
                // The controller records the pool it took the address from (metallb
                // `controller/service.go`: `AnnotationIPAllocateFromPool`).
                if let Some(p) = pools.iter().find(|p| in_pool(p, ip)) {
                    s.meta
                        .annotations
                        .insert("metallb.io/ip-allocated-from-pool".into(), p.meta.name.clone());
                }
            }
            None => {
                let msg = failure.unwrap_or_default();
                events.push(Event::new(
                    EventType::Warning,
                    "AllocationFailed",
                    format!("service/{}", s.meta.name),
                    &s.meta.namespace,
                    msg.clone(),
                ));
                diags.push(
                    Diagnostic::warning(
                        "load-balancer-allocation",
                        span_of(&s.meta, "spec.loadBalancerIP"),
                        msg,
                    )
                    .with_hint(
                        "MetalLB leaves the EXTERNAL-IP <pending>; the NodePorts still work",
                    ),
                );
            }
        }
    }
    c.events.extend(events);
    c.diagnostics.extend(diags);
}
