//! Sizes written as a number and a unit word: `16 megabyte(s)`, `256 kilobytes`.

use super::lines::Fields;
use super::values::parse_u64;

/// Bytes per unit word, after dropping a plural `s` or `(s)` and ignoring case.
fn unit_bytes(unit: &str) -> Option<u64> {
    let unit = unit.to_ascii_lowercase();
    let unit = unit.strip_suffix("(s)").unwrap_or(&unit);
    let unit = unit.strip_suffix('s').unwrap_or(unit);
    let shift = match unit {
        "byte" | "b" => 0,
        "kilobyte" | "kb" | "k" => 10,
        "megabyte" | "mb" | "m" => 20,
        "gigabyte" | "gb" | "g" => 30,
        "terabyte" | "tb" | "t" => 40,
        _ => return None,
    };
    Some(1u64 << shift)
}

/// Parses `N unit` into bytes (binary multiples, as AIX means them).
///
/// Returns `None` when the number or the unit is not understood or the result does not
/// fit in 64 bits. Anything after the unit word is ignored.
pub(crate) fn parse_size_bytes(value: &str) -> Option<u64> {
    let mut fields = Fields::new(value);
    let number = parse_u64(fields.next()?)?;
    let unit = unit_bytes(fields.next()?)?;
    number.checked_mul(unit)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn units() {
        assert_eq!(parse_size_bytes("16 megabyte(s)"), Some(16 << 20));
        assert_eq!(parse_size_bytes("256 kilobyte(s)"), Some(256 << 10));
        assert_eq!(parse_size_bytes("256 kilobytes"), Some(256 << 10));
        assert_eq!(parse_size_bytes("1 gigabyte(s)"), Some(1 << 30));
        assert_eq!(parse_size_bytes("2 Gigabytes"), Some(2 << 30));
        assert_eq!(parse_size_bytes("512 bytes"), Some(512));
        assert_eq!(parse_size_bytes("16"), None);
        assert_eq!(parse_size_bytes("16 furlongs"), None);
        assert_eq!(parse_size_bytes("99999999999 terabytes"), None);
    }
}
