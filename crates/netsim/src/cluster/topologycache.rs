//! `service.kubernetes.io/topology-mode: Auto` (KEP-2433): the EndpointSlice controller's
//! topology cache, which hints each ready endpoint for a zone in proportion to the zones'
//! allocatable CPU.
//!
//! Upstream: `staging/src/k8s.io/endpointslice/topologycache/topologycache.go` (`SetNodes`,
//! `getAllocations`, `AddHints`), `utils.go` (`getGivingAndReceivingZones`, `redistributeHints`,
//! `getMost`, `hasExcludedLabels`), `event.go` (the messages). Go iterates maps in random order
//! where the cache picks a zone; here zones are visited in name order, so the choice is
//! deterministic (upstream's tests only pin cases where the order does not matter).

use std::collections::BTreeMap;

use crate::model::{EndpointHints, EndpointSlice, Node};

/// `overloadThreshold`: the most any one endpoint should be overloaded.
const OVERLOAD_THRESHOLD: f64 = 0.2;

// event.go
const NO_ZONE_SPECIFIED: &str = "One or more endpoints do not have a zone specified";
const NO_ALLOCATED_HINTS_FOR_ZONES: &str = "No hints allocated for zones";
const TOPOLOGY_AWARE_HINTS_ENABLED: &str = "Topology Aware Hints has been enabled";
const INSUFFICIENT_NODE_INFO: &str =
    "Insufficient Node information: allocatable CPU or zone not specified on one or more nodes";
const NODES_READY_IN_ONE_ZONE_ONLY: &str = "Nodes only ready in one zone";
const INSUFFICIENT_NUMBER_OF_ENDPOINTS: &str = "Insufficient number of endpoints";
const MIN_ALLOCATION_EXCEEDS_OVERLOAD_THRESHOLD: &str =
    "Unable to allocate minimum required endpoints to each zone without exceeding overload threshold";

/// The share of the cluster's allocatable CPU in each zone (`cpuRatiosByZone`).
pub type ZoneRatios = BTreeMap<String, f64>;

/// An event `AddHints` asks the controller to record: (`Normal`?, reason, message without the
/// `, addressType: …` suffix).
#[derive(Clone, Debug, PartialEq)]
pub struct HintEvent {
    pub warning: bool,
    pub reason: &'static str,
    pub message: String,
}

impl HintEvent {
    fn disabled(message: String) -> HintEvent {
        HintEvent { warning: true, reason: "TopologyAwareHintsDisabled", message }
    }
}

/// A Kubernetes CPU quantity (`"4"`, `"3500m"`, `"1.5"`, `"2k"`, `"1Ki"`) in millicores,
/// rounded up as `Quantity.MilliValue` does. `None` when it does not parse.
pub fn cpu_milli(q: &str) -> Option<i64> {
    let q = q.trim();
    let split = q.find(|c: char| !(c.is_ascii_digit() || c == '.' || c == '+' || c == '-'));
    let (num, suffix) = q.split_at(split.unwrap_or(q.len()));
    let mult: f64 = match suffix {
        "" => 1e3,
        "m" => 1.0,
        "k" => 1e6,
        "M" => 1e9,
        "G" => 1e12,
        "Ki" => 1024.0 * 1e3,
        "Mi" => 1024.0 * 1024.0 * 1e3,
        "Gi" => 1024.0 * 1024.0 * 1024.0 * 1e3,
        _ => return None,
    };
    let v: f64 = num.parse().ok()?;
    let milli = (v * mult).ceil();
    (milli.is_finite() && milli.abs() < 9e15).then_some(milli as i64)
}

/// `hasExcludedLabels`: control-plane Nodes do not count.
fn excluded(n: &Node) -> bool {
    n.meta.labels.contains_key("node-role.kubernetes.io/control-plane")
        || n.meta.labels.contains_key("node-role.kubernetes.io/master")
}

/// `SetNodes`: over the ready, non-control-plane Nodes, each zone's share of the allocatable
/// CPU. `None` (no ratios: "insufficient node info") when such a Node lacks a zone label or
/// CPU, or fewer than two zones remain.
pub fn zone_ratios(nodes: &[Node]) -> Option<ZoneRatios> {
    let mut by_zone: BTreeMap<String, i64> = BTreeMap::new();
    let mut total: i64 = 0;
    for n in nodes.iter().filter(|n| !excluded(n) && n.ready) {
        let zone = n.meta.labels.get(super::ZONE_LABEL).filter(|z| !z.is_empty())?;
        let cpu = n.allocatable_cpu_milli.filter(|c| *c != 0)?;
        total = total.saturating_add(cpu);
        let z = by_zone.entry(zone.clone()).or_insert(0);
        *z = z.saturating_add(cpu);
    }
    if total == 0 || by_zone.len() < 2 {
        return None;
    }
    Some(by_zone.into_iter().map(|(z, c)| (z, c as f64 / total as f64)).collect())
}

/// One zone's share of a Service's ready endpoints (`allocation`).
#[derive(Clone, Copy, Debug)]
struct Allocation {
    desired: f64,
}

/// `getAllocations`: the endpoints each zone should get, or the safeguard that stops hints.
fn allocations(
    ratios: Option<&ZoneRatios>,
    n: usize,
) -> Result<BTreeMap<&str, Allocation>, HintEvent> {
    let Some(ratios) = ratios else {
        return Err(HintEvent::disabled(INSUFFICIENT_NODE_INFO.into()));
    };
    let zones = ratios.len();
    if zones < 2 {
        return Err(HintEvent::disabled(NODES_READY_IN_ONE_ZONE_ONLY.into()));
    }
    let counts = format!("({n} endpoints, {zones} zones)");
    if zones > n {
        return Err(HintEvent::disabled(format!("{INSUFFICIENT_NUMBER_OF_ENDPOINTS} {counts}")));
    }
    let mut remaining = n as i64;
    let mut out = BTreeMap::new();
    for (zone, ratio) in ratios {
        let desired = ratio * n as f64;
        let minimum = (desired * (1.0 / (1.0 + OVERLOAD_THRESHOLD))).ceil();
        out.insert(zone.as_str(), Allocation { desired: desired.max(minimum) });
        remaining -= minimum as i64;
        if remaining < 0 {
            return Err(HintEvent::disabled(format!(
                "{MIN_ALLOCATION_EXCEEDS_OVERLOAD_THRESHOLD} {counts}"
            )));
        }
    }
    Ok(out)
}

/// `getMost`: the zone with the largest positive value (the first such in name order).
fn most(zones: &BTreeMap<String, f64>) -> (Option<String>, f64) {
    let mut best = (None, 0.0);
    for (z, n) in zones {
        if *n > best.1 {
            best = (Some(z.clone()), *n);
        }
    }
    best
}

type Moves = (BTreeMap<String, i64>, BTreeMap<String, i64>);

/// `getGivingAndReceivingZones`: how many whole endpoints each zone gives away or receives.
fn giving_and_receiving(
    allocs: &BTreeMap<&str, Allocation>,
    hinted: &BTreeMap<String, i64>,
) -> Moves {
    let mut giving_desired: BTreeMap<String, f64> = BTreeMap::new();
    let mut receiving_desired: BTreeMap<String, f64> = BTreeMap::new();
    for (zone, a) in allocs {
        let have = hinted.get(*zone).copied().unwrap_or(0) as f64;
        if have > a.desired {
            giving_desired.insert(zone.to_string(), have - a.desired);
        } else if have < a.desired {
            receiving_desired.insert(zone.to_string(), a.desired - have);
        }
    }
    let (mut giving, mut receiving) = (BTreeMap::new(), BTreeMap::new());
    loop {
        let (g, to_give) = most(&giving_desired);
        let (r, to_receive) = most(&receiving_desired);
        let (Some(g), Some(r)) = (g, r) else { break };
        if (to_give < 1.0 && to_receive < 1.0) || to_give < 0.5 || to_receive < 0.5 {
            break;
        }
        *giving.entry(g.clone()).or_insert(0) += 1;
        *giving_desired.entry(g).or_insert(0.0) -= 1.0;
        *receiving.entry(r.clone()).or_insert(0) += 1;
        *receiving_desired.entry(r).or_insert(0.0) -= 1.0;
    }
    (giving, receiving)
}

fn ready(e: &crate::model::Endpoint) -> bool {
    e.conditions.ready == Some(true)
}

fn zone_hint(zone: &str) -> Option<EndpointHints> {
    Some(EndpointHints { for_zones: vec![zone.to_string()], for_nodes: Vec::new() })
}

/// `redistributeHints`: re-hint endpoints of giving zones for receiving zones, in slice order.
fn redistribute(slices: &mut [EndpointSlice], moves: Moves) {
    let (mut giving, mut receiving) = moves;
    for e in slices.iter_mut().flat_map(|s| s.endpoints.iter_mut()).filter(|e| ready(e)) {
        if giving.is_empty() || receiving.is_empty() {
            return;
        }
        let Some(zone) = e.zone.clone().filter(|z| !z.is_empty()) else { continue };
        if giving.get(&zone).is_none_or(|n| *n <= 0) {
            continue;
        }
        let Some(to) = receiving.iter().find(|(_, n)| **n > 0).map(|(z, _)| z.clone()) else {
            continue;
        };
        e.hints = zone_hint(&to);
        for (map, z) in [(&mut giving, zone), (&mut receiving, to)] {
            match map.get_mut(&z) {
                Some(n) if *n > 1 => *n -= 1,
                _ => {
                    map.remove(&z);
                }
            }
        }
    }
}

/// `AddHints` for one address type's slices (all to be created or updated): every ready
/// endpoint is first hinted for its own zone, then whole endpoints move from zones above their
/// CPU share to zones below it. A safeguard instead removes every hint and returns its Warning
/// (`TopologyAwareHintsDisabled`); success returns the Normal `TopologyAwareHintsEnabled`.
pub fn add_hints(ratios: Option<&ZoneRatios>, slices: &mut [EndpointSlice]) -> HintEvent {
    let total = slices.iter().flat_map(|s| &s.endpoints).filter(|e| ready(e)).count();
    let remove = |slices: &mut [EndpointSlice], ev: HintEvent| {
        slices.iter_mut().flat_map(|s| s.endpoints.iter_mut()).for_each(|e| e.hints = None);
        ev
    };
    let allocs = match allocations(ratios, total) {
        Ok(a) => a,
        Err(ev) => return remove(slices, ev),
    };
    let mut hinted: BTreeMap<String, i64> = BTreeMap::new();
    for e in slices.iter_mut().flat_map(|s| s.endpoints.iter_mut()) {
        if !ready(e) {
            e.hints = None;
            continue;
        }
        let Some(zone) = e.zone.clone().filter(|z| !z.is_empty()) else {
            return remove(slices, HintEvent::disabled(NO_ZONE_SPECIFIED.into()));
        };
        e.hints = zone_hint(&zone);
        *hinted.entry(zone).or_insert(0) += 1;
    }
    if hinted.is_empty() {
        return remove(slices, HintEvent::disabled(NO_ALLOCATED_HINTS_FOR_ZONES.into()));
    }
    redistribute(slices, giving_and_receiving(&allocs, &hinted));
    HintEvent {
        warning: false,
        reason: "TopologyAwareHintsEnabled",
        message: TOPOLOGY_AWARE_HINTS_ENABLED.into(),
    }
}
