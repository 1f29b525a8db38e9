//! The names offmirror gives split copies, as the core planner chooses them: the VG or
//! LV name, shortened to fit 15 characters, plus `_om` (`_om1`, `_om2` ... when two
//! targets shorten to the same text).
//!
//! The rule itself is the core planner's ([`offmirror_core::split_copy_name`]); this
//! module recognises its names, so that the inventory can find a snapshot VG, a backup LV
//! or a detached LV left by a run (a crashed run included).

/// How many numbered alternatives are recognised (`_om`, `_om1` ... `_om9`).
const ALTERNATIVES: u32 = 10;

/// The `n`-th candidate name for a split copy of `base` (`n` = 0 is `<base>_om`).
///
/// ```
/// use offmirror_aix::split_names::candidate;
/// assert_eq!(candidate("datavg", 0), "datavg_om");
/// assert_eq!(candidate("averyverylongvg", 0), "averyverylon_om");
/// ```
pub fn candidate(base: &str, n: u32) -> String {
    offmirror_core::split_copy_name(base, n)
}

/// Whether `name` is one of the names offmirror would give a split copy of `base`.
pub fn is_split_name_of(name: &str, base: &str) -> bool {
    name != base && (0..ALTERNATIVES).any(|n| candidate(base, n) == name)
}

/// The candidate names for a split copy of `base`, first choice first.
pub fn candidates(base: &str) -> impl Iterator<Item = String> + '_ {
    (0..ALTERNATIVES).map(move |n| candidate(base, n))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recognises_numbered_and_shortened_names() {
        assert!(is_split_name_of("datalv_om", "datalv"));
        assert!(is_split_name_of("datalv_om3", "datalv"));
        assert!(!is_split_name_of("datalv_omx", "datalv"));
        assert!(!is_split_name_of("datalv", "datalv"));
        assert!(!is_split_name_of("fifteen_chars_om", "fifteen_chars_x"));
        assert!(!is_split_name_of("fifteen_cha_om", "fifteen_chars_x"));
        assert!(is_split_name_of("fifteen_char_om", "fifteen_chars_x"));
        assert_eq!(candidates("a").count(), 10);
    }
}
