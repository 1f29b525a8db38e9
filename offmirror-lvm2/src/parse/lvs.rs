//! `lvs --reportformat json --units b --nosuffix -o ...`: one row per logical volume.

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::ParseError;
use super::devices::{SegmentDevice, split_devices};
use super::lv_attr::{LvAttr, decode_lv_attr};
use super::report::{At, RowKey, rows};

/// One row of the `lvs` report. Every field is `None` when it was not asked for with
/// `-o` or printed as an empty string.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct LvRow {
    /// `lv_name` as printed: hidden sub-LVs listed with `-a` are in brackets
    /// (`[data_rimage_0]`); see [`LvRow::name`] and [`LvRow::is_hidden`].
    pub lv_name: Option<String>,
    /// `vg_name`.
    pub vg_name: Option<String>,
    /// `lv_uuid`.
    pub lv_uuid: Option<String>,
    /// `lv_attr`, decoded.
    pub lv_attr: Option<LvAttr>,
    /// `lv_size` in bytes (needs `--units b --nosuffix`).
    pub lv_size: Option<u64>,
    /// `segtype`: `raid1`, `linear`, `error`, ...
    pub segtype: Option<String>,
    /// `sync_percent`: RAID sync progress, 0 to 100. Below 100 during an initial sync,
    /// a resync or a `check`/`repair` scrub; not by itself a sign of a degraded mirror.
    pub sync_percent: Option<f64>,
    /// `copy_percent`: the same value as `sync_percent` in LVM 2.03.
    pub copy_percent: Option<f64>,
    /// `lv_health_status`: `partial`, `refresh needed`, `mismatches exist`, ...
    pub lv_health_status: Option<String>,
    /// `raid_sync_action`: `idle`, `resync`, `recover`, `check`, `repair`, ...
    pub raid_sync_action: Option<String>,
    /// `raid_mismatch_count`, in sectors, from the last `check` scrub.
    pub raid_mismatch_count: Option<u64>,
    /// `devices`, split into items.
    pub devices: Option<Vec<SegmentDevice>>,
    /// `lv_role`, split at commas: `public`, or `private,raid,image`, ...
    pub lv_role: Option<Vec<String>>,
    /// `lv_layout`, split at commas: `raid,raid1`, `linear`, ...
    pub lv_layout: Option<Vec<String>>,
    /// `lv_permissions`: `writeable`, `read-only`, ...
    pub lv_permissions: Option<String>,
    /// `origin`: the origin of a snapshot.
    pub origin: Option<String>,
    /// `lv_parent`: for a sub-LV, the LV it belongs to.
    pub lv_parent: Option<String>,
    /// `lv_path`: `/dev/VG/LV`. Without udev this link may not exist; prefer
    /// [`LvRow::lv_dm_path`].
    pub lv_path: Option<String>,
    /// `lv_dm_path`: `/dev/mapper/VG-LV`.
    pub lv_dm_path: Option<String>,
    /// `seg_start_pe`: the first logical extent of this row's segment. Asking for a
    /// segment field (this, `seg_size_pe`, `devices`) makes `lvs` print one row per
    /// segment.
    pub seg_start_pe: Option<u64>,
    /// `seg_size_pe`: the segment's length in extents.
    pub seg_size_pe: Option<u64>,
    /// `lv_kernel_major`: the device's major number; `None` when the LV is not active
    /// (LVM prints `-1`).
    pub lv_kernel_major: Option<u32>,
    /// `lv_kernel_minor`: the device's minor number; `None` when not active.
    pub lv_kernel_minor: Option<u32>,
    /// `lv_tags`, split at commas.
    pub lv_tags: Option<Vec<String>>,
}

impl LvRow {
    /// The LV name without the brackets LVM puts around hidden sub-LVs.
    pub fn name(&self) -> Option<&str> {
        let name = self.lv_name.as_deref()?;
        Some(
            name.strip_prefix('[')
                .and_then(|n| n.strip_suffix(']'))
                .unwrap_or(name),
        )
    }

    /// Whether LVM printed the name in brackets: a hidden sub-LV (listed with `-a`).
    pub fn is_hidden(&self) -> bool {
        self.lv_name
            .as_deref()
            .is_some_and(|n| n.len() >= 2 && n.starts_with('[') && n.ends_with(']'))
    }
}

/// The fields as they arrive; each a string in LVM's JSON.
#[derive(Debug, Deserialize)]
struct RawLv {
    lv_name: Option<Value>,
    vg_name: Option<Value>,
    lv_uuid: Option<Value>,
    lv_attr: Option<Value>,
    lv_size: Option<Value>,
    segtype: Option<Value>,
    sync_percent: Option<Value>,
    copy_percent: Option<Value>,
    lv_health_status: Option<Value>,
    raid_sync_action: Option<Value>,
    raid_mismatch_count: Option<Value>,
    devices: Option<Value>,
    lv_role: Option<Value>,
    lv_layout: Option<Value>,
    lv_permissions: Option<Value>,
    origin: Option<Value>,
    lv_parent: Option<Value>,
    lv_path: Option<Value>,
    lv_dm_path: Option<Value>,
    seg_start_pe: Option<Value>,
    seg_size_pe: Option<Value>,
    lv_kernel_major: Option<Value>,
    lv_kernel_minor: Option<Value>,
    lv_tags: Option<Value>,
}

/// Parses the stdout of `lvs --reportformat json`.
///
/// Fields not listed in [`LvRow`] are ignored. Rows of every report object are
/// returned in order.
///
/// # Errors
///
/// [`ParseError::Json`] when the text is not LVM's JSON envelope,
/// [`ParseError::BadValue`] naming the row and field when a value cannot be read (a size
/// printed with units, an `lv_attr` that is not 10 characters, ...).
pub fn parse_lvs(text: &str) -> Result<Vec<LvRow>, ParseError> {
    rows::<RawLv>("lvs", RowKey::Lv, text)?
        .into_iter()
        .enumerate()
        .map(|(i, raw)| {
            convert(
                At {
                    report: "lvs",
                    row: i + 1,
                },
                raw,
            )
        })
        .collect()
}

fn convert(at: At, raw: RawLv) -> Result<LvRow, ParseError> {
    let lv_attr = match at.text("lv_attr", raw.lv_attr)? {
        None => None,
        Some(text) => Some(decode_lv_attr(&text).map_err(|_| {
            ParseError::bad_value(
                at.report,
                at.row,
                "lv_attr",
                "10 ASCII characters such as rwi-aor---",
                &text,
            )
        })?),
    };
    let devices = match at.text("devices", raw.devices)? {
        None => None,
        Some(text) => Some(split_devices(&text).ok_or_else(|| {
            ParseError::bad_value(
                at.report,
                at.row,
                "devices",
                "a list of name(extent) items",
                &text,
            )
        })?),
    };
    Ok(LvRow {
        lv_name: at.text("lv_name", raw.lv_name)?,
        vg_name: at.text("vg_name", raw.vg_name)?,
        lv_uuid: at.text("lv_uuid", raw.lv_uuid)?,
        lv_attr,
        lv_size: at.number("lv_size", raw.lv_size)?,
        segtype: at.text("segtype", raw.segtype)?,
        sync_percent: at.percent("sync_percent", raw.sync_percent)?,
        copy_percent: at.percent("copy_percent", raw.copy_percent)?,
        lv_health_status: at.text("lv_health_status", raw.lv_health_status)?,
        raid_sync_action: at.text("raid_sync_action", raw.raid_sync_action)?,
        raid_mismatch_count: at.number("raid_mismatch_count", raw.raid_mismatch_count)?,
        devices,
        lv_role: at.list("lv_role", raw.lv_role)?,
        lv_layout: at.list("lv_layout", raw.lv_layout)?,
        lv_permissions: at.text("lv_permissions", raw.lv_permissions)?,
        origin: at.text("origin", raw.origin)?,
        lv_parent: at.text("lv_parent", raw.lv_parent)?,
        lv_path: at.text("lv_path", raw.lv_path)?,
        lv_dm_path: at.text("lv_dm_path", raw.lv_dm_path)?,
        seg_start_pe: at.number("seg_start_pe", raw.seg_start_pe)?,
        seg_size_pe: at.number("seg_size_pe", raw.seg_size_pe)?,
        lv_kernel_major: at.device_number("lv_kernel_major", raw.lv_kernel_major)?,
        lv_kernel_minor: at.device_number("lv_kernel_minor", raw.lv_kernel_minor)?,
        lv_tags: at.list("lv_tags", raw.lv_tags)?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hidden_names() {
        let row = LvRow {
            lv_name: Some("[data_rimage_0]".into()),
            ..LvRow::default()
        };
        assert!(row.is_hidden());
        assert_eq!(row.name(), Some("data_rimage_0"));
        let row = LvRow {
            lv_name: Some("data_rimage_1".into()),
            ..LvRow::default()
        };
        assert!(!row.is_hidden());
        assert_eq!(row.name(), Some("data_rimage_1"));
        assert!(
            !LvRow {
                lv_name: Some("[".into()),
                ..LvRow::default()
            }
            .is_hidden()
        );
    }

    #[test]
    fn unknown_fields_are_ignored_and_missing_ones_are_none() -> Result<(), ParseError> {
        let rows = parse_lvs(r#"{"report":[{"lv":[{"lv_name":"x","lv_foo":"bar"}]}]}"#)?;
        assert_eq!(rows.len(), 1);
        assert_eq!(rows.first().and_then(LvRow::name), Some("x"));
        assert_eq!(rows.first().and_then(|r| r.sync_percent), None);
        Ok(())
    }

    #[test]
    fn bad_values_name_row_and_field() {
        let text = r#"{"report":[{"lv":[{"lv_name":"a"},{"lv_name":"b","lv_size":"64.00m"}]}]}"#;
        assert!(matches!(
            parse_lvs(text),
            Err(ParseError::BadValue {
                report: "lvs",
                row: 2,
                field: "lv_size",
                ..
            })
        ));
        let text = r#"{"report":[{"lv":[{"lv_attr":"rwi"}]}]}"#;
        assert!(matches!(
            parse_lvs(text),
            Err(ParseError::BadValue {
                report: "lvs",
                row: 1,
                field: "lv_attr",
                ..
            })
        ));
        let text = r#"{"report":[{"lv":[{"devices":"vda"}]}]}"#;
        assert!(matches!(
            parse_lvs(text),
            Err(ParseError::BadValue {
                field: "devices",
                ..
            })
        ));
        assert!(matches!(
            parse_lvs("  {"),
            Err(ParseError::Json { report: "lvs", .. })
        ));
        assert!(matches!(parse_lvs("{}"), Err(ParseError::Json { .. })));
    }
}
