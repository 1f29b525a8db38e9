//! Reading single values: the `???????` placeholder, counts, yes/no words.

/// True when AIX printed question marks because it could not find the value.
pub(crate) fn is_unknown(value: &str) -> bool {
    !value.is_empty() && value.bytes().all(|b| b == b'?')
}

/// `None` for an empty value or the unknown placeholder, else the value itself.
pub(crate) fn known(value: &str) -> Option<&str> {
    let value = value.trim();
    if value.is_empty() || is_unknown(value) {
        None
    } else {
        Some(value)
    }
}

/// `None` when AIX wrote the "no such thing" word (`N/A`, `None`, `none`, `--`).
pub(crate) fn unless_none_word(value: Option<&str>) -> Option<&str> {
    value.filter(|v| !matches!(*v, "N/A" | "None" | "none" | "--"))
}

/// Decimal digits only, no sign, no overflow.
pub(crate) fn parse_u32(text: &str) -> Option<u32> {
    parse_u64(text).and_then(|n| u32::try_from(n).ok())
}

/// Decimal digits only, no sign, no overflow.
pub(crate) fn parse_u64(text: &str) -> Option<u64> {
    if text.is_empty() {
        return None;
    }
    text.bytes().try_fold(0u64, |acc, b| {
        let digit = u64::from(b.checked_sub(b'0').filter(|d| *d <= 9)?);
        acc.checked_mul(10)?.checked_add(digit)
    })
}

/// `yes`/`no` and the other two-state words AIX prints (`on`/`off`, `true`/`false`).
pub(crate) fn parse_yes_no(value: &str) -> Option<bool> {
    match value.to_ascii_lowercase().as_str() {
        "yes" | "on" | "true" | "y" => Some(true),
        "no" | "off" | "false" | "n" => Some(false),
        _ => None,
    }
}

/// Free/used distribution over the five disk regions, `08..00..00..20..40`.
pub(crate) fn parse_distribution(value: &str) -> Option<Vec<u32>> {
    value.split("..").map(parse_u32).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn question_marks_are_unknown() {
        assert!(is_unknown("???????"));
        assert!(is_unknown("?"));
        assert!(!is_unknown(""));
        assert!(!is_unknown("?a"));
        assert_eq!(known(" ??????? "), None);
        assert_eq!(known(""), None);
        assert_eq!(known(" x "), Some("x"));
    }

    #[test]
    fn numbers() {
        assert_eq!(parse_u32("0042"), Some(42));
        assert_eq!(parse_u32("4294967295"), Some(u32::MAX));
        assert_eq!(parse_u32("4294967296"), None);
        assert_eq!(parse_u32("-1"), None);
        assert_eq!(parse_u32(""), None);
        assert_eq!(parse_u64("99999999999999999999"), None);
    }

    #[test]
    fn words() {
        assert_eq!(parse_yes_no("YES"), Some(true));
        assert_eq!(parse_yes_no("off"), Some(false));
        assert_eq!(parse_yes_no("maybe"), None);
        assert_eq!(unless_none_word(Some("N/A")), None);
        assert_eq!(unless_none_word(Some("/u01")), Some("/u01"));
        assert_eq!(
            parse_distribution("192..192..191..192..191"),
            Some(vec![192, 192, 191, 192, 191])
        );
        assert_eq!(parse_distribution("00..x"), None);
    }
}
