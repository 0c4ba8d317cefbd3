//! The reachability matrix: sources × destinations, each cell allowed / denied / unknown with the
//! policy that decided — upstream's e2e "truth tables" (`test/e2e/network/netpol`), for the Pods
//! on screen.
//!
//! Cost: the selectors were evaluated once in [`PolicySet::new`]; a cell looks up bitsets of the
//! policies that apply to its two Pods (indexed per Pod) and compares ports. No strings are made
//! per cell.

use super::*;

/// The port a destination column is probed on.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct MatrixPort {
    pub port: u16,
    /// `TCP`, `UDP` or `SCTP`.
    pub protocol: String,
    /// The request target that probes this column from a row's Pod: the Pod's first IP and the
    /// port (`10.244.1.5:8080`, `[fd00::5]:8080`); empty while the Pod has no IP.
    #[serde(default)]
    pub target: String,
}

/// One cell: may the row's Pod open a connection to the column's Pod?
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(rename = "MatrixCell"))]
pub struct Cell {
    pub decision: Decision,
    /// Index into [`Matrix::policies`] of the policy that decided (for allowed cells: the one
    /// that allowed it), if any.
    pub by: Option<u32>,
    /// The direction that decided.
    pub direction: Option<Direction>,
}

/// Sources (rows) × destinations (columns).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Matrix {
    /// `NS/NAME`, the order of both rows and columns.
    pub pods: Vec<String>,
    /// The port each column was probed on.
    pub ports: Vec<MatrixPort>,
    /// Every policy of the cluster (what [`Cell::by`] points into).
    pub policies: Vec<PolicyRef>,
    /// `cells[source][destination]`. A Pod to itself is always allowed.
    pub cells: Vec<Vec<Cell>>,
    /// Requested names that are no Pod of the cluster.
    pub missing: Vec<String>,
    pub allowed: usize,
    pub denied: usize,
    pub unknown: usize,
}

/// The port a Pod is probed on: its first declared container port (regular containers, then
/// sidecars), else 80/TCP.
fn default_port(p: &Pod) -> (u16, Protocol) {
    p.spec
        .containers
        .iter()
        .chain(
            p.spec.init_containers.iter().filter(|c| c.restart_policy.as_deref() == Some("Always")),
        )
        .flat_map(|c| c.ports.iter())
        .find_map(|cp| {
            u16::try_from(cp.container_port).ok().filter(|&n| n != 0).map(|n| (n, cp.protocol))
        })
        .unwrap_or((80, Protocol::Tcp))
}

impl PolicySet<'_> {
    fn matrix_index(&self, pid: Pid) -> u32 {
        let i = match pid {
            Pid::Np(k) => k,
            Pid::Cnp(k) => self.nps.len() + k,
        };
        u32::try_from(i).unwrap_or(u32::MAX)
    }

    /// The matrix for `pods` (`NS/NAME`, or `NAME` in `default`; duplicates kept once), each
    /// destination probed on `port` when given, else on its first declared container port.
    pub fn matrix(&self, pods: &[&str], port: Option<(u16, Protocol)>) -> Matrix {
        let mut idx: Vec<usize> = Vec::with_capacity(pods.len());
        let mut missing = Vec::new();
        for key in pods {
            let (ns, name) = key.split_once('/').unwrap_or(("default", key));
            match self.pod_index.get(&(ns, name)) {
                Some(&i) if !idx.contains(&i) => idx.push(i),
                Some(_) => {}
                None => missing.push(key.to_string()),
            }
        }
        self.matrix_of(&idx, port, missing)
    }

    /// The matrix for every Pod of the cluster, in `NS/NAME` order.
    pub fn matrix_all(&self, port: Option<(u16, Protocol)>) -> Matrix {
        let idx: Vec<usize> = self.pod_index.values().copied().collect();
        self.matrix_of(&idx, port, Vec::new())
    }

    fn matrix_of(
        &self,
        idx: &[usize],
        port: Option<(u16, Protocol)>,
        missing: Vec<String>,
    ) -> Matrix {
        let ports: Vec<(u16, Protocol)> = idx
            .iter()
            .map(|&i| {
                port.unwrap_or_else(|| {
                    self.objects.pods.get(i).map_or((80, Protocol::Tcp), default_port)
                })
            })
            .collect();
        let mut scratch = Vec::new();
        let (mut allowed, mut denied, mut unknown) = (0, 0, 0);
        // Each Pod resolved once; a cell only looks up bitsets.
        let ends: Vec<_> = idx.iter().filter_map(|&i| self.end_of(i)).collect();
        let cells: Vec<Vec<Cell>> = ends
            .iter()
            .map(|s| {
                ends.iter()
                    .zip(&ports)
                    .map(|(d, &(p, proto))| {
                        let (decision, by, direction) =
                            self.judge_pods(s, d, p, proto, &mut scratch);
                        match decision {
                            Decision::Allowed => allowed += 1,
                            Decision::Denied => denied += 1,
                            Decision::Unknown => unknown += 1,
                        }
                        Cell { decision, by: by.map(|b| self.matrix_index(b)), direction }
                    })
                    .collect()
            })
            .collect();
        Matrix {
            pods: idx.iter().filter_map(|&i| self.objects.pods.get(i)).map(pod_key).collect(),
            ports: idx
                .iter()
                .zip(&ports)
                .map(|(&i, &(port, p))| MatrixPort {
                    port,
                    protocol: p.as_str().to_string(),
                    target: self
                        .objects
                        .pods
                        .get(i)
                        .and_then(|pod| pod.status.pod_ips.first())
                        .map(|ip| match ip {
                            IpAddr::V4(v4) => format!("{v4}:{port}"),
                            IpAddr::V6(v6) => format!("[{v6}]:{port}"),
                        })
                        .unwrap_or_default(),
                })
                .collect(),
            policies: self.policies(),
            cells,
            missing,
            allowed,
            denied,
            unknown,
        }
    }
}
