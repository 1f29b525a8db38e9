//! The `devices` field of `lvs`: where each segment's data lives, as
//! `name(first_extent)` items separated by commas.
//!
//! Captured values: `data_rimage_0(0),data_rimage_1(0)` on a raid1 LV, `/dev/vda(1)` on
//! an image, `[unknown](1)` on an image whose disk is missing, and an empty string on an
//! image replaced by an `error` segment.

use serde::{Deserialize, Serialize};

/// One item of the `devices` list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SegmentDevice {
    /// A PV path (`/dev/vda`), a sub-LV name (`data_rimage_0`), or `[unknown]` for a
    /// missing PV.
    pub name: String,
    /// The first extent used on it.
    pub first_extent: u64,
}

impl SegmentDevice {
    /// Whether LVM printed `[unknown]`: the PV is missing.
    pub fn is_missing_pv(&self) -> bool {
        self.name == "[unknown]"
    }
}

/// Splits a `devices` value into its items; `None` when an item is not `name(number)`.
pub(crate) fn split_devices(text: &str) -> Option<Vec<SegmentDevice>> {
    text.split(',')
        .map(|item| {
            let body = item.trim().strip_suffix(')')?;
            let (name, extent) = body.rsplit_once('(')?;
            if name.is_empty() || extent.is_empty() || !extent.bytes().all(|b| b.is_ascii_digit()) {
                return None;
            }
            Some(SegmentDevice {
                name: name.to_owned(),
                first_extent: extent.parse().ok()?,
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn captured_values() {
        let raid = split_devices("data_rimage_0(0),data_rimage_1(0)");
        assert_eq!(
            raid,
            Some(vec![
                SegmentDevice {
                    name: "data_rimage_0".into(),
                    first_extent: 0
                },
                SegmentDevice {
                    name: "data_rimage_1".into(),
                    first_extent: 0
                },
            ])
        );
        let missing = split_devices("[unknown](1)");
        assert_eq!(
            missing
                .as_ref()
                .map(|d| d.iter().all(SegmentDevice::is_missing_pv)),
            Some(true)
        );
        assert_eq!(
            split_devices("/dev/vda(18)"),
            Some(vec![SegmentDevice {
                name: "/dev/vda".into(),
                first_extent: 18
            }])
        );
    }

    #[test]
    fn malformed_items() {
        for bad in [
            "",
            "vda",
            "vda()",
            "(3)",
            "vda(x)",
            "a(1),",
            "a(99999999999999999999999)",
        ] {
            assert_eq!(split_devices(bad), None, "{bad:?}");
        }
    }
}
