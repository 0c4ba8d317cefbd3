//! Deterministic stand-ins for the cluster stage's random choices: Kubernetes' hashes and name
//! suffixes. (CIDR arithmetic is [`crate::net`].)

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
