//! A small deterministic random number generator (SplitMix64), so that simulated
//! workloads repeat exactly from a seed and the state file can carry the generator.

/// Advances `state` and returns the next pseudo-random number.
pub(crate) fn next(state: &mut u64) -> u64 {
    *state = state.wrapping_add(0x9E37_79B9_7F4A_7C15);
    let mut z = *state;
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// A number in `0..bound` (0 when `bound` is 0).
pub(crate) fn below(state: &mut u64, bound: u64) -> u64 {
    if bound == 0 { 0 } else { next(state) % bound }
}
