//! `pvs --reportformat json --units b --nosuffix -o ...`: one row per physical volume.
//!
//! No `pvs` JSON was captured in the VM run; the field names are those of LVM 2.03
//! (`pvs -o help`). The table output showed a missing PV as `[unknown]  vg0 a-m
//! missing`.

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::ParseError;
use super::report::{At, RowKey, rows};

/// One row of the `pvs` report. Every field is `None` when it was not asked for with
/// `-o` or printed as an empty string, except [`PvRow::pv_missing`] (see there).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct PvRow {
    /// `pv_name`: the device path, or `[unknown]` when the PV is missing.
    pub pv_name: Option<String>,
    /// `vg_name`: the VG it belongs to (`None` for an orphan PV).
    pub vg_name: Option<String>,
    /// `pv_uuid`.
    pub pv_uuid: Option<String>,
    /// `pv_fmt`: `lvm2`.
    pub pv_fmt: Option<String>,
    /// `pv_attr`, as printed (3 characters, e.g. `a--`, `a-m` when missing).
    pub pv_attr: Option<String>,
    /// `pv_size` in bytes.
    pub pv_size: Option<u64>,
    /// `pv_free` in bytes.
    pub pv_free: Option<u64>,
    /// `pv_used` in bytes.
    pub pv_used: Option<u64>,
    /// `dev_size`: size of the underlying device in bytes.
    pub dev_size: Option<u64>,
    /// `pv_missing`: LVM prints `missing` or an empty string (`1`/`0` with
    /// `--binary`), so here an empty string is `Some(false)`, not `None`; `None` means
    /// the field was not in the report.
    pub pv_missing: Option<bool>,
    /// `pv_pe_count`: the number of physical extents on the PV.
    pub pv_pe_count: Option<u64>,
}

impl PvRow {
    /// Whether the PV is missing, from `pv_missing` or `pv_attr` position 3 (`m`).
    pub fn is_missing(&self) -> bool {
        self.pv_missing == Some(true)
            || self
                .pv_attr
                .as_deref()
                .is_some_and(|a| a.chars().nth(2) == Some('m'))
    }
}

/// The fields as they arrive.
#[derive(Debug, Deserialize)]
struct RawPv {
    pv_name: Option<Value>,
    vg_name: Option<Value>,
    pv_uuid: Option<Value>,
    pv_fmt: Option<Value>,
    pv_attr: Option<Value>,
    pv_size: Option<Value>,
    pv_free: Option<Value>,
    pv_used: Option<Value>,
    dev_size: Option<Value>,
    pv_missing: Option<Value>,
    pv_pe_count: Option<Value>,
}

/// Parses the stdout of `pvs --reportformat json`.
///
/// # Errors
///
/// [`ParseError::Json`] when the text is not LVM's JSON envelope,
/// [`ParseError::BadValue`] naming the row and field when a value cannot be read.
pub fn parse_pvs(text: &str) -> Result<Vec<PvRow>, ParseError> {
    rows::<RawPv>("pvs", RowKey::Pv, text)?
        .into_iter()
        .enumerate()
        .map(|(i, raw)| {
            convert(
                At {
                    report: "pvs",
                    row: i + 1,
                },
                raw,
            )
        })
        .collect()
}

fn convert(at: At, raw: RawPv) -> Result<PvRow, ParseError> {
    let present = raw.pv_missing.is_some();
    let pv_missing = match at.text("pv_missing", raw.pv_missing)?.as_deref() {
        Some("missing" | "1") => Some(true),
        Some("0") => Some(false),
        None if present => Some(false),
        None => None,
        Some(other) => {
            return Err(ParseError::bad_value(
                at.report,
                at.row,
                "pv_missing",
                "\"missing\" or an empty string",
                other,
            ));
        }
    };
    Ok(PvRow {
        pv_name: at.text("pv_name", raw.pv_name)?,
        vg_name: at.text("vg_name", raw.vg_name)?,
        pv_uuid: at.text("pv_uuid", raw.pv_uuid)?,
        pv_fmt: at.text("pv_fmt", raw.pv_fmt)?,
        pv_pe_count: at.number("pv_pe_count", raw.pv_pe_count)?,
        pv_attr: at.text("pv_attr", raw.pv_attr)?,
        pv_size: at.number("pv_size", raw.pv_size)?,
        pv_free: at.number("pv_free", raw.pv_free)?,
        pv_used: at.number("pv_used", raw.pv_used)?,
        dev_size: at.number("dev_size", raw.dev_size)?,
        pv_missing,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_rows_and_missing_pv() -> Result<(), ParseError> {
        let text = r#"{"report":[{"pv":[
            {"pv_name":"/dev/vda", "vg_name":"vg0", "pv_attr":"a--", "pv_size":"264241152", "pv_free":"121634816", "dev_size":"268435456", "pv_missing":""},
            {"pv_name":"[unknown]", "vg_name":"vg0", "pv_attr":"a-m", "pv_missing":"missing"}
        ]}]}"#;
        let pvs = parse_pvs(text)?;
        let [vda, unknown] = pvs.as_slice() else {
            unreachable!("two rows expected, got {pvs:?}");
        };
        assert_eq!(vda.pv_size, Some(264_241_152));
        assert_eq!(vda.dev_size, Some(268_435_456));
        assert_eq!(vda.pv_missing, Some(false));
        assert!(!vda.is_missing());
        assert!(unknown.is_missing());
        assert_eq!(unknown.pv_missing, Some(true));
        Ok(())
    }

    #[test]
    fn absent_missing_field_is_none_and_bad_values_fail() {
        let pvs = parse_pvs(r#"{"report":[{"pv":[{"pv_name":"/dev/vda"}]}]}"#);
        assert_eq!(pvs.map(|p| p.first().and_then(|r| r.pv_missing)), Ok(None));
        assert!(matches!(
            parse_pvs(r#"{"report":[{"pv":[{"pv_missing":"maybe"}]}]}"#),
            Err(ParseError::BadValue {
                report: "pvs",
                field: "pv_missing",
                ..
            })
        ));
        assert!(matches!(
            parse_pvs(r#"{"report":[{"pv":[{"pv_free":"252.00m"}]}]}"#),
            Err(ParseError::BadValue {
                report: "pvs",
                field: "pv_free",
                ..
            })
        ));
    }
}
