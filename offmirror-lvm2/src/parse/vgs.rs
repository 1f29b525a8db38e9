//! `vgs --reportformat json --units b --nosuffix -o ...`: one row per volume group.
//!
//! No `vgs` JSON was captured in the VM run; the field names are those of LVM 2.03
//! (`vgs -o help`) and the only captured `vg_attr` values are `wz--n-` and, with a PV
//! missing, `wz-pn-`.

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::ParseError;
use super::report::{At, RowKey, rows};

/// One row of the `vgs` report. Every field is `None` when it was not asked for with
/// `-o` or printed as an empty string.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct VgRow {
    /// `vg_name`.
    pub vg_name: Option<String>,
    /// `vg_uuid`.
    pub vg_uuid: Option<String>,
    /// `vg_attr`, as printed (6 characters, e.g. `wz--n-`); see [`VgRow::is_partial`].
    pub vg_attr: Option<String>,
    /// `pv_count`: number of PVs.
    pub pv_count: Option<u64>,
    /// `lv_count`: number of LVs (sub-LVs not counted).
    pub lv_count: Option<u64>,
    /// `snap_count`: number of snapshots.
    pub snap_count: Option<u64>,
    /// `vg_missing_pv_count`: number of PVs LVM cannot find.
    pub vg_missing_pv_count: Option<u64>,
    /// `vg_size` in bytes.
    pub vg_size: Option<u64>,
    /// `vg_free` in bytes.
    pub vg_free: Option<u64>,
    /// `vg_extent_size` in bytes.
    pub vg_extent_size: Option<u64>,
    /// `vg_extent_count`.
    pub vg_extent_count: Option<u64>,
    /// `vg_free_count`: free extents.
    pub vg_free_count: Option<u64>,
    /// `vg_shared`: `shared` for a VG shared through lvmlockd, otherwise `None`.
    pub vg_shared: Option<String>,
    /// `vg_lock_type`: `sanlock`, `dlm` or `idm` for a shared VG, `none` or `None`
    /// otherwise.
    pub vg_lock_type: Option<String>,
}

impl VgRow {
    /// Whether `vg_attr` position 4 is `p`: one or more PVs are missing.
    pub fn is_partial(&self) -> bool {
        self.vg_attr
            .as_deref()
            .is_some_and(|a| a.chars().nth(3) == Some('p'))
    }
}

/// The fields as they arrive.
#[derive(Debug, Deserialize)]
struct RawVg {
    vg_name: Option<Value>,
    vg_uuid: Option<Value>,
    vg_attr: Option<Value>,
    pv_count: Option<Value>,
    lv_count: Option<Value>,
    snap_count: Option<Value>,
    vg_missing_pv_count: Option<Value>,
    vg_size: Option<Value>,
    vg_free: Option<Value>,
    vg_extent_size: Option<Value>,
    vg_extent_count: Option<Value>,
    vg_free_count: Option<Value>,
    vg_shared: Option<Value>,
    vg_lock_type: Option<Value>,
}

/// Parses the stdout of `vgs --reportformat json`.
///
/// # Errors
///
/// [`ParseError::Json`] when the text is not LVM's JSON envelope,
/// [`ParseError::BadValue`] naming the row and field when a value cannot be read.
pub fn parse_vgs(text: &str) -> Result<Vec<VgRow>, ParseError> {
    rows::<RawVg>("vgs", RowKey::Vg, text)?
        .into_iter()
        .enumerate()
        .map(|(i, raw)| {
            convert(
                At {
                    report: "vgs",
                    row: i + 1,
                },
                raw,
            )
        })
        .collect()
}

fn convert(at: At, raw: RawVg) -> Result<VgRow, ParseError> {
    Ok(VgRow {
        vg_name: at.text("vg_name", raw.vg_name)?,
        vg_uuid: at.text("vg_uuid", raw.vg_uuid)?,
        vg_attr: at.text("vg_attr", raw.vg_attr)?,
        pv_count: at.number("pv_count", raw.pv_count)?,
        lv_count: at.number("lv_count", raw.lv_count)?,
        snap_count: at.number("snap_count", raw.snap_count)?,
        vg_missing_pv_count: at.number("vg_missing_pv_count", raw.vg_missing_pv_count)?,
        vg_size: at.number("vg_size", raw.vg_size)?,
        vg_free: at.number("vg_free", raw.vg_free)?,
        vg_extent_size: at.number("vg_extent_size", raw.vg_extent_size)?,
        vg_extent_count: at.number("vg_extent_count", raw.vg_extent_count)?,
        vg_free_count: at.number("vg_free_count", raw.vg_free_count)?,
        vg_shared: at.text("vg_shared", raw.vg_shared)?,
        vg_lock_type: at.text("vg_lock_type", raw.vg_lock_type)?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Shaped like LVM 2.03's output for the VG of the capture (`vgs` printed
    /// `vg0 3 0 0 wz--n- 756.00m 756.00m` as a table; 756 MiB = 792723456 bytes).
    const VGS: &str = r#"  {
      "report": [
          {
              "vg": [
                  {"vg_name":"vg0", "pv_count":"3", "lv_count":"0", "snap_count":"0", "vg_attr":"wz--n-", "vg_size":"792723456", "vg_free":"792723456"}
              ]
          }
      ]
  }
"#;

    #[test]
    fn reads_counts_and_sizes() -> Result<(), ParseError> {
        let vgs = parse_vgs(VGS)?;
        let [vg] = vgs.as_slice() else {
            unreachable!("one row expected, got {vgs:?}");
        };
        assert_eq!(vg.vg_name.as_deref(), Some("vg0"));
        assert_eq!(vg.pv_count, Some(3));
        assert_eq!(vg.lv_count, Some(0));
        assert_eq!(vg.vg_size, Some(792_723_456));
        assert!(!vg.is_partial());
        Ok(())
    }

    #[test]
    fn partial_vg_and_bad_count() -> Result<(), ParseError> {
        let text = r#"{"report":[{"vg":[{"vg_name":"vg0","vg_attr":"wz-pn-","pv_count":"3","vg_missing_pv_count":"1"}]}]}"#;
        let vgs = parse_vgs(text)?;
        assert!(vgs.first().is_some_and(VgRow::is_partial));
        assert_eq!(vgs.first().and_then(|v| v.vg_missing_pv_count), Some(1));
        let text = r#"{"report":[{"vg":[{"vg_name":"vg0","pv_count":"three"}]}]}"#;
        assert!(matches!(
            parse_vgs(text),
            Err(ParseError::BadValue {
                report: "vgs",
                row: 1,
                field: "pv_count",
                ..
            })
        ));
        Ok(())
    }
}
