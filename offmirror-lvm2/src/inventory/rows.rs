//! The rows of one `lvs -a` report grouped by LV, with the lookups the backend needs:
//! an LV's images, the PVs an image sits on, whether an image is split off.

use std::collections::BTreeMap;
use std::path::PathBuf;

use crate::parse::{LvRow, Permissions, VolumeType};

/// The `lvs -a` rows of one volume group, grouped by LV name (brackets removed), each
/// LV's segment rows in report order.
#[derive(Debug, Clone, Default)]
pub struct VgRows {
    order: Vec<String>,
    by_name: BTreeMap<String, Vec<LvRow>>,
}

impl VgRows {
    /// Groups the rows of `vg` (rows of other VGs are left out).
    pub fn new<'a>(vg: &str, rows: impl IntoIterator<Item = &'a LvRow>) -> Self {
        let mut out = VgRows::default();
        for row in rows {
            if row.vg_name.as_deref() != Some(vg) {
                continue;
            }
            let Some(name) = row.name() else { continue };
            if !out.by_name.contains_key(name) {
                out.order.push(name.to_string());
            }
            out.by_name
                .entry(name.to_string())
                .or_default()
                .push(row.clone());
        }
        out
    }

    /// The rows of one LV or sub-LV.
    pub fn rows(&self, name: &str) -> &[LvRow] {
        self.by_name.get(name).map(Vec::as_slice).unwrap_or(&[])
    }

    /// The first row of an LV, which carries its LV-level fields.
    pub fn first(&self, name: &str) -> Option<&LvRow> {
        self.rows(name).first()
    }

    /// Top-level LVs in report order: not hidden and not in a private role (which
    /// leaves out sub-LVs, including a split image made visible by `--trackchanges`).
    pub fn top_level(&self) -> impl Iterator<Item = (&str, &LvRow)> {
        self.order.iter().filter_map(|name| {
            let row = self.first(name)?;
            let private = row
                .lv_role
                .as_ref()
                .is_some_and(|r| r.iter().any(|x| x == "private"));
            (!row.is_hidden() && !private).then_some((name.as_str(), row))
        })
    }

    /// The images of a raid1 LV, in leg order, from its `devices` (`data_rimage_0(0),...`).
    pub fn images(&self, lv: &str) -> Vec<String> {
        self.first(lv)
            .and_then(|r| r.devices.as_ref())
            .map(|devs| devs.iter().map(|d| d.name.clone()).collect())
            .unwrap_or_default()
    }

    /// The split image of `lv`, if one is split off with tracking: an image of the LV
    /// that is visible (not bracketed) and read-only or marked out of sync.
    pub fn split_image(&self, lv: &str) -> Option<(usize, String)> {
        self.images(lv)
            .into_iter()
            .enumerate()
            .find(|(_, image)| self.first(image).is_some_and(is_split_image))
    }

    /// Whether the metadata sub-LV of the image at leg `k` of `lv` is active. While an
    /// image is split in the activation that split it, its `LV_rmeta_k` stays active; once
    /// the LV has been deactivated and activated again (a reboot), it is not, and the
    /// kernel no longer knows what was written since the split.
    pub fn image_meta_active(&self, lv: &str, k: usize) -> bool {
        self.first(&format!("{lv}_rmeta_{k}"))
            .and_then(|r| r.lv_attr.as_ref())
            .is_some_and(|a| a.is_active())
    }

    /// Whether the LV carries `tag`.
    pub fn has_tag(&self, lv: &str, tag: &str) -> bool {
        self.first(lv)
            .and_then(|r| r.lv_tags.as_ref())
            .is_some_and(|tags| tags.iter().any(|t| t == tag))
    }

    /// Whether the raid LV is in sync with nothing running: `sync_percent` 100 and an
    /// idle (or empty) sync action.
    pub fn in_sync(&self, lv: &str) -> bool {
        self.first(lv).is_some_and(|r| {
            r.sync_percent.is_some_and(|p| p >= 100.0)
                && matches!(r.raid_sync_action.as_deref(), None | Some("idle"))
        })
    }

    /// The PV paths (and first extents) each segment of `name` sits on, in segment order.
    pub fn pv_extents(&self, name: &str) -> Vec<(String, u64, u64, u64)> {
        self.rows(name)
            .iter()
            .flat_map(|row| {
                let start = row.seg_start_pe.unwrap_or(0);
                let size = row.seg_size_pe.unwrap_or(0);
                row.devices
                    .iter()
                    .flatten()
                    .map(move |d| (d.name.clone(), d.first_extent, start, size))
            })
            .collect()
    }

    /// The device-mapper path of an LV or sub-LV (`/dev/mapper/VG-LV`), which exists
    /// with or without udev.
    pub fn dm_path(&self, name: &str) -> Option<PathBuf> {
        self.first(name)
            .and_then(|r| r.lv_dm_path.as_ref())
            .map(PathBuf::from)
    }
}

/// A visible image row, read-only or out of sync: an image split off with tracking.
fn is_split_image(row: &LvRow) -> bool {
    if row.is_hidden() {
        return false;
    }
    let read_only = row.lv_permissions.as_deref() == Some("read-only")
        || row
            .lv_attr
            .as_ref()
            .is_some_and(|a| a.permissions == Permissions::ReadOnly);
    let out_of_sync = row
        .lv_attr
        .as_ref()
        .is_some_and(|a| a.volume_type == VolumeType::ImageOutOfSync);
    read_only || out_of_sync
}
