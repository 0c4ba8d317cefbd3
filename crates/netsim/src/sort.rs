//! One shared stable sort for the core.
//!
//! Size measure (first-load budget of the web app): std's slice sorts (driftsort) are
//! monomorphised for every element type and comparator, and the core sorts ~20 different types,
//! which put ~60 KB of near-identical sort code into the wasm. Here the sorting itself is one
//! non-generic merge sort over `u32` indices that calls the comparator through `&mut dyn FnMut`;
//! the per-type part is only the comparator closure and a loop of `swap`s.
//!
//! The sort is stable, like `slice::sort_by`, so the results are the same as std's (the test
//! below checks this on random data). Use these instead of `slice::sort*` in the core (clippy's
//! `disallowed-methods` in `crates/netsim/clippy.toml` points here).

use std::cmp::Ordering;

/// Stable sort of `v` by `cmp`; same order as `v.sort_by(cmp)`.
pub(crate) fn sort_by<T>(v: &mut [T], mut cmp: impl FnMut(&T, &T) -> Ordering) {
    if v.len() < 2 {
        return;
    }
    let order = {
        let s: &[T] = v;
        sorted_indices(s.len(), &mut |a, b| cmp(&s[a as usize], &s[b as usize]))
    };
    for (a, b) in swaps_for(&order) {
        v.swap(a as usize, b as usize);
    }
}

/// Stable sort of `v` by a key; same order as `v.sort_by_key(key)`.
pub(crate) fn sort_by_key<T, K: Ord>(v: &mut [T], mut key: impl FnMut(&T) -> K) {
    sort_by(v, |a, b| key(a).cmp(&key(b)));
}

/// Stable sort of `v` by `Ord`; same order as `v.sort()`.
pub(crate) fn sort<T: Ord>(v: &mut [T]) {
    sort_by(v, T::cmp);
}

/// The indices `0..n` in stable sorted order: bottom-up merge sort, where a tie keeps the
/// element from the left run.
#[inline(never)]
fn sorted_indices(n: usize, cmp: &mut dyn FnMut(u32, u32) -> Ordering) -> Vec<u32> {
    let mut a: Vec<u32> = (0..n as u32).collect();
    let mut b: Vec<u32> = vec![0; n];
    let mut width = 1;
    while width < n {
        let mut start = 0;
        while start < n {
            let mid = (start + width).min(n);
            let end = (start + 2 * width).min(n);
            let (mut i, mut j, mut k) = (start, mid, start);
            while i < mid && j < end {
                // Take the right element only if it is strictly smaller: stable.
                if cmp(a[j], a[i]) == Ordering::Less {
                    b[k] = a[j];
                    j += 1;
                } else {
                    b[k] = a[i];
                    i += 1;
                }
                k += 1;
            }
            b[k..k + (mid - i)].copy_from_slice(&a[i..mid]);
            k += mid - i;
            b[k..k + (end - j)].copy_from_slice(&a[j..end]);
            start = end;
        }
        std::mem::swap(&mut a, &mut b);
        width *= 2;
    }
    a
}

/// The swaps that turn `v` into `[v[order[0]], v[order[1]], ...]` in place (O(n)).
#[inline(never)]
fn swaps_for(order: &[u32]) -> Vec<(u32, u32)> {
    let n = order.len();
    // `pos[o]`: where the element originally at `o` is now; `at[p]`: which original is at `p`.
    let mut pos: Vec<u32> = (0..n as u32).collect();
    let mut at: Vec<u32> = pos.clone();
    let mut swaps = Vec::new();
    for (k, &orig) in order.iter().enumerate() {
        let p = pos[orig as usize] as usize;
        if p != k {
            swaps.push((k as u32, p as u32));
            let displaced = at[k];
            at[p] = displaced;
            pos[displaced as usize] = p as u32;
            at[k] = orig;
            pos[orig as usize] = k as u32;
        }
    }
    swaps
}

#[cfg(test)]
mod tests {
    // Compares with std's sort, which `clippy.toml` bans outside tests.
    #![allow(clippy::disallowed_methods, clippy::unnecessary_sort_by)]
    use super::*;

    /// A small deterministic PRNG (xorshift), so the test needs no dependency.
    fn rng(seed: &mut u64) -> u64 {
        *seed ^= *seed << 13;
        *seed ^= *seed >> 7;
        *seed ^= *seed << 17;
        *seed
    }

    #[test]
    fn same_order_as_std_stable_sort() {
        let mut seed = 0x9E37_79B9_7F4A_7C15;
        for len in (0..70).chain([127, 128, 129, 1000, 4097]) {
            for range in [1, 3, 10, 1000] {
                // (key, original position): equal keys must keep their input order.
                let v: Vec<(u64, usize)> = (0..len).map(|i| (rng(&mut seed) % range, i)).collect();
                let mut ours = v.clone();
                sort_by(&mut ours, |a, b| a.0.cmp(&b.0));
                let mut std = v.clone();
                std.sort_by(|a, b| a.0.cmp(&b.0));
                assert_eq!(ours, std, "len {len} range {range}");

                let mut ours = v.clone();
                sort_by_key(&mut ours, |a| std::cmp::Reverse(a.0));
                let mut std = v.clone();
                std.sort_by_key(|a| std::cmp::Reverse(a.0));
                assert_eq!(ours, std);
            }
        }
        let mut words = vec!["b", "a", "c", "a", ""];
        sort(&mut words);
        assert_eq!(words, ["", "a", "a", "b", "c"]);
    }
}
