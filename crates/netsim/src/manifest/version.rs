//! The Kubernetes release the simulated cluster runs, and what changes with it.
//!
//! The version is kubeadm ClusterConfiguration's `kubernetesVersion` (docs/cli.md); without it
//! the cluster runs the newest release the simulator knows, [`KubeVersion::NEWEST`]. The loader
//! finds it before it validates anything ([`find`]), since validation depends on it and the
//! ClusterConfiguration may come anywhere in the input.
//!
//! Version rules, each with its source (feature stages from `kubernetes/enhancements`
//! `keps/sig-network/*/kep.yaml` and the website's feature-gate pages, summarised in
//! kubernetes-networking-2.md §4):
//! * Service names: DNS-1035 label up to v1.35, DNS-1123 label from v1.36
//!   (KEP-5311 `RelaxedServiceNameValidation`: alpha 1.34 off, beta 1.36 on, GA 1.37; a 1.35
//!   beta was reverted, kubernetes#135426) — [`KubeVersion::relaxed_service_names`].
//! * `spec.trafficDistribution`: `PreferClose` only in v1.33 (KEP-3015
//!   `PreferSameTrafficDistribution` alpha 1.33, off), `PreferSameZone` and `PreferSameNode`
//!   from v1.34 (beta, on; GA 1.35) — [`KubeVersion::traffic_distributions`].
//! * API warnings: `v1 Endpoints is deprecated in v1.33+` on every version simulated
//!   (KEP-4974; `kubernetes/api` `core/v1` `APILifecycleDeprecated() = 1,33`);
//!   `spec.externalIPs is deprecated …` from v1.36 (KEP-5707, `pkg/api/service/warnings.go`
//!   1.36 revision) — [`KubeVersion::external_ips_deprecated`].
//! * Leading-zero IPv4 and IPv4-mapped IPv6 in legacy IP fields, and also CIDRs with bits set
//!   beyond the prefix length in legacy CIDR fields (`loadBalancerSourceRanges`, NetworkPolicy
//!   `ipBlock`): accepted (with a warning) up to v1.35, errors from v1.36 (KEP-4858
//!   `StrictIPCIDRValidation`) — [`KubeVersion::strict_ip_cidr`].
//! * kube-proxy `mode: ipvs` is deprecated from v1.35 (KEP-5495) —
//!   [`KubeVersion::ipvs_deprecated`].
//! * The port order of Endpoints subsets and EndpointSlices: by an FNV-1a 128 object hash
//!   from v1.35, by MD5 before (kubernetes#133511) — [`KubeVersion::fnv_object_hashes`].
//!
//! The defaults of the v1.36 gates were read from the kube-scheduler reference that
//! kubernetes/website generates from the v1.36 binary (`--emulated-version` "kube=1.33..1.36
//! (default:1.36)"): `RelaxedServiceNameValidation` and `StrictIPCIDRValidation` are both
//! "BETA - default=true" there.

use std::fmt;

/// A Kubernetes release, `v1.MINOR.PATCH`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct KubeVersion {
    pub minor: u32,
    pub patch: u32,
}

impl KubeVersion {
    /// The oldest release simulated.
    pub const OLDEST: KubeVersion = KubeVersion { minor: 33, patch: 0 };
    /// The newest release simulated, and the default.
    pub const NEWEST: KubeVersion = KubeVersion { minor: 37, patch: 0 };

    /// `v1.37`.
    pub fn minor_string(self) -> String {
        format!("v1.{}", self.minor)
    }

    /// From v1.36 a Service name is a DNS-1123 label (may start with a digit), before that a
    /// DNS-1035 label (KEP-5311, `ValidateServiceName`).
    pub fn relaxed_service_names(self) -> bool {
        self.minor >= 36
    }

    /// The `spec.trafficDistribution` values `validateServiceTrafficDistribution` accepts,
    /// in the order its `Unsupported value` message lists them. v1.33 (gate off): only
    /// `PreferClose` (the v1.31–1.32 code path, read upstream). From v1.34 the gate is on and
    /// the three values are accepted; the order of that list in the message is taken from a
    /// port of validation.go and is *unverified* against upstream.
    pub fn traffic_distributions(self) -> &'static [&'static str] {
        if self.minor >= 34 {
            &["PreferClose", "PreferSameZone", "PreferSameNode"]
        } else {
            &["PreferClose"]
        }
    }

    /// `spec.externalIPs is deprecated and may no longer be implemented in some clusters`
    /// (warnings.go from v1.36, KEP-5707).
    pub fn external_ips_deprecated(self) -> bool {
        self.minor >= 36
    }

    /// `StrictIPCIDRValidation` (KEP-4858): legacy IP fields refuse IPv4 octets with leading
    /// zeros and IPv4-mapped IPv6 addresses (`must not have leading 0s`, `must not be an
    /// IPv4-mapped IPv6 address`, apimachinery `util/validation/ip.go` `parseIP`), and legacy
    /// CIDR fields also CIDRs with host bits (`must not have bits set beyond the prefix length`,
    /// `parseCIDR`); with the gate off they are accepted with a warning. The gate is alpha and
    /// off in 1.33-1.35 (`pkg/features/kube_features.go` versioned specs: only the 1.33 Alpha
    /// entry in the 1.35 tree), beta and on in v1.36 (kep.yaml; the v1.36 component reference
    /// lists `StrictIPCIDRValidation=true|false (BETA - default=true)`).
    pub fn strict_ip_cidr(self) -> bool {
        self.minor >= 36
    }

    /// kube-proxy's `ipvs` mode is deprecated (KEP-5495 stage 1, v1.35: kube-proxy logs `The ipvs
    /// proxier is now deprecated …`, `cmd/kube-proxy/app/server_linux.go`); v1.33 and v1.34 run it
    /// without a word.
    pub fn ipvs_deprecated(self) -> bool {
        self.minor >= 35
    }

    /// NetworkPolicy `endPort < port` reports the `endPort` value (kubernetes#137960, merged
    /// March 2026: v1.37); before, the `port` value.
    pub fn end_port_value_fixed(self) -> bool {
        self.minor >= 37
    }

    /// The `PreferClose` deprecation warning (`spec.trafficDistribution: "PreferClose" is
    /// deprecated; use "PreferSameZone"`, warnings.go). kubernetes#134457, the change that took
    /// `PreferSameTrafficDistribution` to GA in v1.35 (kube_features.go 1.35 entry), deprecated
    /// the value; its v1.35.0 release note reads "The `PreferClose` value is now deprecated in
    /// favor of the more explicit `PreferSameZone`".
    pub fn prefer_close_deprecated(self) -> bool {
        self.minor >= 35
    }

    /// The object hashes that order ports (Endpoints `SortSubsets` `portsByHash`,
    /// EndpointSlice `NewPortMapKey` `portsInOrder`) are FNV-1a 128 from v1.35, MD5 before
    /// (kubernetes#133511 "eliminate md5 usage", opened 2025-08-14 during the v1.34 code freeze:
    /// merged for v1.35; `staging/src/k8s.io/endpointslice/util/controller_utils.go`
    /// `deepHashObjectToString` now `fnv.New128a()`). Real clusters agree on the slices: kube-dns
    /// shows PORTS `9153,53,53` up to v1.34 and `53,53,9153` on recent releases.
    pub fn fnv_object_hashes(self) -> bool {
        self.minor >= 35
    }
}

impl Default for KubeVersion {
    fn default() -> Self {
        KubeVersion::NEWEST
    }
}

impl fmt::Display for KubeVersion {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "v1.{}.{}", self.minor, self.patch)
    }
}

/// Why a `kubernetesVersion` cannot be used.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum VersionError {
    /// Not a version kubeadm reads (kubeadm's own error text).
    Malformed(String),
    /// A real release the simulator does not model.
    Unsupported(KubeVersion),
}

/// Parses `kubernetesVersion` as kubeadm does (`cmd/kubeadm/app/util/version.go`
/// `KubernetesReleaseVersion`: `^v?(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)([-0-9a-zA-Z_\.+]*)?$`,
/// e.g. `v1.35.2`, `1.35.2`, `v1.36.0-rc.1`). kubeadm resolves the labels `stable`,
/// `latest`, `stable-1`, `stable-1.35` … online (`kubeReleaseLabelRegex`
/// `^((latest|stable)+(-[1-9](\.[1-9](\d)?)?)?)\z`); here `stable`, `latest`, `stable-1` and an
/// empty value (kubeadm defaults it to `stable-1`) mean the newest release simulated, and
/// `stable-1.N`/`latest-1.N` mean v1.N.0.
pub fn parse(text: &str) -> Result<KubeVersion, VersionError> {
    let t = text.trim();
    let malformed = || {
        VersionError::Malformed(format!(
            "version {t:?} doesn't match patterns for neither semantic version nor labels (stable, latest, ...)"
        ))
    };
    let label = t
        .strip_prefix("stable")
        .or_else(|| t.strip_prefix("latest"))
        .map(|rest| rest.strip_prefix('-').unwrap_or(rest));
    if t.is_empty() {
        // kubeadm defaulting (`SetDefaults_ClusterConfiguration`): an empty value is
        // `DefaultKubernetesVersion`, the label `stable-1`.
        return Ok(KubeVersion::NEWEST);
    }
    let (major, minor, patch) = match label {
        Some("") => return Ok(KubeVersion::NEWEST),
        Some(rest) => match rest.split_once('.') {
            Some((a, b)) => (number(a).ok_or_else(malformed)?, number(b).ok_or_else(malformed)?, 0),
            // `stable-1`: the newest release of that major version.
            None if number(rest) == Some(1) => return Ok(KubeVersion::NEWEST),
            None => (number(rest).ok_or_else(malformed)?, 0, 0),
        },
        None => {
            let body = t.strip_prefix('v').unwrap_or(t);
            let mut parts = body.splitn(3, '.');
            let a = parts.next().and_then(number).ok_or_else(malformed)?;
            let b = parts.next().and_then(number).ok_or_else(malformed)?;
            let rest = parts.next().ok_or_else(malformed)?;
            // The patch number, then an optional `-pre.release+build` suffix.
            let end = rest.find(|c: char| !c.is_ascii_digit()).unwrap_or(rest.len());
            let (p, suffix) = rest.split_at(end);
            let p = number(p).ok_or_else(malformed)?;
            if !suffix
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.' | '+'))
            {
                return Err(malformed());
            }
            (a, b, p)
        }
    };
    let v = KubeVersion { minor, patch };
    if major != 1 || !(KubeVersion::OLDEST.minor..=KubeVersion::NEWEST.minor).contains(&minor) {
        return Err(VersionError::Unsupported(KubeVersion {
            minor: if major == 1 { minor } else { u32::MAX },
            patch,
        }));
    }
    Ok(v)
}

/// A decimal number without leading zeros (`0|[1-9][0-9]*`), at most 9 digits.
fn number(s: &str) -> Option<u32> {
    let ok = !s.is_empty()
        && s.len() <= 9
        && s.bytes().all(|b| b.is_ascii_digit())
        && (s == "0" || !s.starts_with('0'));
    ok.then(|| s.parse().ok()).flatten()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kubeadm_version_forms() {
        assert_eq!(parse("v1.35.2"), Ok(KubeVersion { minor: 35, patch: 2 }));
        assert_eq!(parse("1.34.0"), Ok(KubeVersion { minor: 34, patch: 0 }));
        assert_eq!(parse("v1.36.0-rc.1"), Ok(KubeVersion { minor: 36, patch: 0 }));
        assert_eq!(parse("stable"), Ok(KubeVersion::NEWEST));
        assert_eq!(parse("stable-1.33"), Ok(KubeVersion { minor: 33, patch: 0 }));
        assert!(matches!(parse("v1.32.4"), Err(VersionError::Unsupported(v)) if v.minor == 32));
        assert!(matches!(parse("v1.38.0"), Err(VersionError::Unsupported(_))));
        assert!(matches!(parse("v2.0.0"), Err(VersionError::Unsupported(_))));
        assert_eq!(parse(""), Ok(KubeVersion::NEWEST));
        assert_eq!(parse("stable-1"), Ok(KubeVersion::NEWEST));
        assert!(matches!(parse("latest-2"), Err(VersionError::Unsupported(_))));
        for bad in ["v1.35", "1.35.x", "v01.35.0", "v1.35.0/x", "stable-x"] {
            assert!(matches!(parse(bad), Err(VersionError::Malformed(_))), "{bad}");
        }
        assert_eq!(KubeVersion::default().to_string(), "v1.37.0");
    }

    #[test]
    fn rules_follow_the_release() {
        let v = |minor| KubeVersion { minor, patch: 0 };
        assert!(!v(35).relaxed_service_names() && v(36).relaxed_service_names());
        assert_eq!(v(33).traffic_distributions(), &["PreferClose"]);
        assert_eq!(v(34).traffic_distributions().len(), 3);
        assert!(!v(35).external_ips_deprecated() && v(36).external_ips_deprecated());
    }
}
