//! The tracked raid1 image split of Linux LVM2 ([`Mechanism::TrackedImageSplit`]), with
//! LVM2's rules:
//!
//! - `lvconvert --splitmirrors 1 --trackchanges VG/LV`: one LV per unit; the LV must be an
//!   active raid1 LV (2 or more complete images, none on a missing PV), in sync (no stale
//!   partition, no blocker), and LVM2 tracks one split image per LV, so splitting a
//!   second image is refused with the image to merge first. The split image keeps the
//!   image's name, `LV_rimage_N` for copy `N + 1`, and its data as at the split; writes to
//!   the LV meanwhile are tracked (the image's partitions marked stale).
//! - `lvconvert --mergemirrors VG/LV_rimage_N`: refused while the image is mounted (by
//!   `expose`) or when another image is the split one; the kernel then resynchronises the
//!   written partitions by itself, so `start_resync` finds it already running.
//! - Splitting the split image again and merging an image that is not split report
//!   `AlreadyDone`.

use offmirror_core::{
    Applied, BackendError, CopyNumber, LogicalVolume, LvBlocker, LvName, Mechanism, PvState,
    SplitName, SplitUnit, UnitLv, VgName,
};

use crate::state::SimState;

/// The name LVM2 gives copy `copy` of `lv`: `LV_rimage_<copy - 1>`.
pub(crate) fn image_name(lv: &LvName, copy: CopyNumber) -> String {
    format!("{lv}_rimage_{}", copy.index())
}

fn refused(operation: &str, message: String, fix: Option<String>) -> BackendError {
    BackendError::Failed {
        operation: operation.to_string(),
        message,
        fix,
    }
}

/// The unit's one LV and its split image, checked against LVM2's naming.
pub(crate) fn tracked_unit<'u>(
    unit: &'u SplitUnit,
    what: &str,
) -> Result<(&'u UnitLv, &'u LvName), BackendError> {
    let [ulv] = unit.lvs.as_slice() else {
        return Err(refused(
            what,
            format!(
                "an LVM2 tracked split takes exactly one LV per unit, not {}",
                unit.lvs.len()
            ),
            Some("plan the run again".into()),
        ));
    };
    let SplitName::TrackedImage(image) = &unit.split_name else {
        return Err(refused(
            what,
            format!("{} is not a raid1 image of {}", unit.split_name, ulv.lv),
            Some("plan the run again with this backend".into()),
        ));
    };
    let want = image_name(&ulv.lv, unit.copy);
    if image.as_str() != want {
        return Err(refused(
            what,
            format!(
                "{} has no image {image}: copy {} is {want}",
                ulv.lv, unit.copy
            ),
            Some("split a copy the LV has (lvs -a shows its images)".into()),
        ));
    }
    Ok((ulv, image))
}

/// Why LVM2 would refuse to split an image off this LV now, if it would.
fn split_refusal(
    vg: &VgName,
    lv: &LogicalVolume,
    pv_states: &[PvState],
    copy: CopyNumber,
    image: &LvName,
) -> Option<(String, Option<String>)> {
    let target = format!("{vg}/{}", lv.name);
    if let Some(blocker) = lv.blockers.first() {
        let (message, fix) = match blocker {
            LvBlocker::NotInSync { action, percent } => (
                format!(
                    "unable to split images of {target} while it is not in-sync ({action} at {percent}%)"
                ),
                format!("wait until lvs -o sync_percent {target} shows 100.00"),
            ),
            LvBlocker::Inactive => (
                format!("{target} is not active"),
                format!("lvchange -ay {target}"),
            ),
            other => (
                format!("{target} cannot have an image split off: {other:?}"),
                "preview again: the planner says what to fix".to_string(),
            ),
        };
        return Some((message, Some(fix)));
    }
    if lv.copy_count() < 2 {
        return Some((
            format!("{target} is not a raid1 LV with two or more images"),
            Some(format!("lvconvert --type raid1 -m 1 {target} <PV>")),
        ));
    }
    let Some(split) = lv.copy(copy) else {
        return Some((
            format!("{} has no image {image}", lv.name),
            Some("split a copy the LV has (lvs -a shows its images)".into()),
        ));
    };
    let complete = lv.copies.iter().filter(|c| c.is_complete()).count();
    if !split.is_complete() || complete < 2 {
        return Some((
            format!("{target} has images with missing extents"),
            Some(format!("lvconvert --repair {target}")),
        ));
    }
    let on_missing_pv = lv.copies.iter().flat_map(|c| c.pv_set()).any(|pv| {
        pv_states
            .get(usize::from(pv))
            .is_none_or(|s| *s != PvState::Active)
    });
    if on_missing_pv {
        return Some((
            format!("{target} has an image on a missing PV"),
            Some(format!("repair the LV first: lvconvert --repair {target}")),
        ));
    }
    let stale = lv.stale_pps();
    if stale > 0 {
        return Some((
            format!(
                "unable to split images of {target} while it is not in-sync ({stale} stale partitions)"
            ),
            Some(format!(
                "wait until lvs -o sync_percent {target} shows 100.00"
            )),
        ));
    }
    None
}

impl SimState {
    /// `lvconvert --splitmirrors 1 --trackchanges`, under LVM2's rules (module docs).
    pub(crate) fn split_tracked(&mut self, unit: &SplitUnit) -> Result<Applied, BackendError> {
        let what = format!("split {} {}", unit.mechanism, unit.vg);
        let (ulv, image) = tracked_unit(unit, &what)?;
        let what = format!(
            "lvconvert --splitmirrors 1 --trackchanges {}/{}",
            unit.vg, ulv.lv
        );
        let vg = self
            .vg_index(&unit.vg)
            .and_then(|vi| self.inventory.vgs.get(vi))
            .ok_or_else(|| {
                refused(
                    &what,
                    format!("volume group \"{}\" not found", unit.vg),
                    None,
                )
            })?;
        if !vg.varied_on {
            return Err(refused(
                &what,
                format!("volume group {} is not active", vg.name),
                Some(format!("vgchange -ay {}", vg.name)),
            ));
        }
        let lv = vg.lvs.iter().find(|l| l.name == ulv.lv).ok_or_else(|| {
            refused(
                &what,
                format!("logical volume {}/{} not found", unit.vg, ulv.lv),
                Some("preview again: the host changed since the plan".into()),
            )
        })?;
        if let Some(record) = self.splits.get(&lv.name) {
            if record.mechanism == Mechanism::TrackedImageSplit && record.copy == unit.copy {
                return Ok(Applied::AlreadyDone);
            }
            let (message, fix) = if record.mechanism == Mechanism::TrackedImageSplit {
                let other = image_name(&lv.name, record.copy);
                (
                    format!(
                        "image {other} of {}/{} is already split off, and LVM2 tracks only one \
                         split image per LV",
                        unit.vg, lv.name
                    ),
                    format!(
                        "merge it back first: lvconvert --mergemirrors {}/{other}",
                        unit.vg
                    ),
                )
            } else {
                (
                    format!(
                        "copy {} of {} is already split off ({})",
                        record.copy, lv.name, record.mechanism
                    ),
                    "offmirror recover".to_string(),
                )
            };
            return Err(refused(&what, message, Some(fix)));
        }
        let pv_states: Vec<PvState> = vg.pvs.iter().map(|p| p.state).collect();
        if let Some((message, fix)) = split_refusal(&vg.name, lv, &pv_states, unit.copy, image) {
            return Err(refused(&what, message, fix));
        }
        let name = lv.name.clone();
        self.split_lv(&name, unit)?;
        Ok(Applied::Done)
    }

    /// `lvconvert --mergemirrors VG/LV_rimage_N`, under LVM2's rules (module docs).
    pub(crate) fn rejoin_tracked(&mut self, unit: &SplitUnit) -> Result<Applied, BackendError> {
        let what = format!("rejoin {} {}", unit.mechanism, unit.vg);
        let (ulv, image) = tracked_unit(unit, &what)?;
        let what = format!("lvconvert --mergemirrors {}/{image}", unit.vg);
        let Some(record) = self.splits.get(&ulv.lv) else {
            return Ok(Applied::AlreadyDone);
        };
        if record.mechanism != Mechanism::TrackedImageSplit {
            return Err(refused(
                &what,
                format!(
                    "copy {} of {} is split by {}, not as a tracked image",
                    record.copy, ulv.lv, record.mechanism
                ),
                Some("offmirror recover with the run that split it".into()),
            ));
        }
        if record.copy != unit.copy {
            let split = image_name(&ulv.lv, record.copy);
            return Err(refused(
                &what,
                format!("the split image of {} is {split}, not {image}", ulv.lv),
                Some(format!(
                    "merge it by hand: lvconvert --mergemirrors {}/{split}",
                    unit.vg
                )),
            ));
        }
        if let Some(at) = self.exposed.get(&ulv.lv) {
            return Err(refused(
                &what,
                format!("{image} is still mounted on {}", at.display()),
                Some(format!("umount {}", at.display())),
            ));
        }
        self.splits.remove(&ulv.lv);
        if let Some(lv) = self.lv_mut(&ulv.lv) {
            lv.split = None;
        }
        // The kernel resynchronises the regions written while split by itself.
        self.resyncing.insert(ulv.lv.clone());
        Ok(Applied::Done)
    }

    /// Checks that the unit's image is the split one, before `expose` shows it.
    pub(crate) fn check_tracked_split(
        &self,
        unit: &SplitUnit,
        what: &str,
    ) -> Result<(), BackendError> {
        let (ulv, image) = tracked_unit(unit, what)?;
        match self.splits.get(&ulv.lv) {
            Some(r) if r.mechanism == Mechanism::TrackedImageSplit && r.copy == unit.copy => Ok(()),
            _ => Err(refused(
                what,
                format!("{} has no split image {image}", ulv.lv),
                Some("split first; lvs -a shows the images".into()),
            )),
        }
    }
}
