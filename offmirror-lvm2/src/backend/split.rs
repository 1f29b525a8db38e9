//! Split, merge and resync progress of tracked raid1 images.

use offmirror_command::CommandRunner;
use std::time::Instant;

use offmirror_core::{Applied, LvName, PvName, SplitUnit};

use super::{Lvm2Backend, unit_image};
use crate::commands;
use crate::error::Lvm2Error;
use crate::inventory::VgRows;
use crate::parse::VolumeType;

impl<R: CommandRunner> Lvm2Backend<R> {
    /// Splits the unit's image off each of its LVs (one, for this mechanism).
    pub(super) fn split_unit(&self, unit: &SplitUnit) -> Result<Applied, Lvm2Error> {
        let image = unit_image(unit)?;
        // Rows read before the quiesce window, if `prepare_split` ran; anything they get
        // wrong shows below and sends the split back to rows read now.
        let prepared = self.prepared().remove(&(unit.vg.clone(), image.clone()));
        match prepared {
            Some(rows) => match self.split_with(unit, rows) {
                Ok(applied) => Ok(applied),
                // An lvconvert whose outcome is unknown must not be run again blindly, and
                // a freeze that ran out is not cured by reading the VG again.
                Err(e @ Lvm2Error::Run(_)) => Err(e),
                Err(_) => {
                    self.freezes_hold(&format!("split {}", unit.vg))?;
                    self.split_with(unit, self.vg_rows(&unit.vg)?)
                }
            },
            None => self.split_with(unit, self.vg_rows(&unit.vg)?),
        }
    }

    /// Splits with `rows` as what the VG looks like now.
    fn split_with(&self, unit: &SplitUnit, mut rows: VgRows) -> Result<Applied, Lvm2Error> {
        let image = unit_image(unit)?;
        let mut applied = Applied::AlreadyDone;
        for (i, ulv) in unit.lvs.iter().enumerate() {
            let what = format!("split {}/{}", unit.vg, ulv.lv);
            if i > 0 {
                rows = self.vg_rows(&unit.vg)?;
            }
            if rows.first(ulv.lv.as_str()).is_none() {
                return Err(Lvm2Error::refused(
                    what,
                    format!("volume group {} has no LV {}", unit.vg, ulv.lv),
                    "preview again: the host changed since the plan",
                ));
            }
            match rows.split_image(ulv.lv.as_str()) {
                Some((_, split)) if split == image.as_str() => continue,
                Some((_, other)) => {
                    return Err(Lvm2Error::refused(
                        what,
                        format!("image {other} is already split off, and LVM2 tracks only one"),
                        format!(
                            "merge it back first: lvm lvconvert --yes --mergemirrors {}/{other}",
                            unit.vg
                        ),
                    ));
                }
                None => {}
            }
            if !rows
                .images(ulv.lv.as_str())
                .iter()
                .any(|i| i == image.as_str())
            {
                return Err(Lvm2Error::refused(
                    what,
                    format!("{} has no image {image}", ulv.lv),
                    "split a copy the LV has (lvs -a shows its images)",
                ));
            }
            let pvs = image_pvs(&rows, image)?;
            self.freezes_hold(&what)?;
            let output = self.run_ok(&commands::split_tracked(&unit.vg, &ulv.lv, &pvs))?;
            // A freeze that ran out while lvconvert ran may have let writes in before the
            // image left: the split is reported failed, so the run unwinds and rejoins.
            self.freezes_hold(&what)?;
            // LVM names the image it split ("vg0/data_rimage_1 split from vg0/data for
            // read-only purposes."): when that is the planned one, the split is known
            // without another `lvs` inside the quiesce window.
            let confirmed = format!("{}/{image} split from {}/{}", unit.vg, unit.vg, ulv.lv);
            if output.stdout.contains(&confirmed) || output.stderr.contains(&confirmed) {
                applied = Applied::Done;
                continue;
            }
            let after = self.vg_rows(&unit.vg)?;
            match after.split_image(ulv.lv.as_str()) {
                Some((_, split)) if split == image.as_str() => applied = Applied::Done,
                Some((_, other)) => {
                    // LVM picked another image: put it back, so nothing is left split
                    // under a name the plan does not know.
                    let other = LvName::new(other).map_err(|source| Lvm2Error::Name {
                        command: "lvs".into(),
                        source,
                    })?;
                    self.run_ok(&commands::merge(&unit.vg, &other))?;
                    return Err(Lvm2Error::refused(
                        what,
                        format!("LVM split {other} instead of {image}; it was merged back"),
                        "keep each image on PVs of its own (lvs -a -o name,devices)",
                    ));
                }
                None => {
                    return Err(Lvm2Error::refused(
                        what,
                        format!(
                            "lvconvert succeeded but no image of {} shows as split",
                            ulv.lv
                        ),
                        "check lvs -a; the LVM version may report splits differently",
                    ));
                }
            }
        }
        Ok(applied)
    }

    /// Merges the unit's split image back into each LV, and rebuilds the image whole when
    /// the merge cannot be trusted (see [`commands::REBUILD_TAG`]).
    pub(super) fn rejoin_unit(&self, unit: &SplitUnit) -> Result<Applied, Lvm2Error> {
        let image = unit_image(unit)?;
        let mut applied = Applied::AlreadyDone;
        for ulv in &unit.lvs {
            let what = format!("merge {}/{image}", unit.vg);
            let lv = ulv.lv.as_str();
            let rows = match self.vg_rows(&unit.vg) {
                Ok(rows) => rows,
                // A VG that is gone holds no split image: nothing is left to rejoin.
                Err(Lvm2Error::Command(f)) if f.says("not found") => continue,
                Err(e) => return Err(e),
            };
            if rows.first(lv).is_none() {
                // Likewise an LV that was removed since.
                continue;
            }
            let tagged = rows.has_tag(lv, commands::REBUILD_TAG);
            let Some((leg, split)) = rows.split_image(lv) else {
                if tagged {
                    self.finish_rebuild(unit, &ulv.lv, image, rows)?;
                    applied = Applied::Done;
                }
                continue;
            };
            if split != image.as_str() {
                return Err(Lvm2Error::refused(
                    what,
                    format!("the split image of {} is {split}, not {image}", ulv.lv),
                    format!(
                        "merge it by hand: lvm lvconvert --yes --mergemirrors {}/{split}",
                        unit.vg
                    ),
                ));
            }
            if let Some(mount) = self.mount_of(&rows, image.as_str())? {
                return Err(Lvm2Error::refused(
                    what,
                    format!("{image} is still mounted on {mount}"),
                    format!("umount {mount}"),
                ));
            }
            // Measured on LVM 2.03.16: after the LV is activated again (a reboot between
            // split and merge), the merge can leave the legs different. The image is then
            // rebuilt whole from the other legs; the decision is written into the LV's
            // metadata first, so a crash or a failure after the merge cannot lose it.
            let tracking_lost = tagged || !rows.image_meta_active(lv, leg);
            if tracking_lost && !tagged {
                self.run_ok(&commands::add_tag(&unit.vg, &ulv.lv, commands::REBUILD_TAG))?;
            }
            self.run_ok(&commands::merge(&unit.vg, image))?;
            let after = self.vg_rows(&unit.vg)?;
            if after.split_image(lv).is_some() {
                return Err(Lvm2Error::refused(
                    what,
                    "lvconvert succeeded but the image still shows as split",
                    "check lvs -a; run the merge again",
                ));
            }
            if tracking_lost {
                self.finish_rebuild(unit, &ulv.lv, image, after)?;
            }
            applied = Applied::Done;
        }
        Ok(applied)
    }

    /// Rebuilds a merged image whole, once the LV is in sync (LVM refuses a rebuild while
    /// the merge's own recovery runs), then removes the tag that asked for it.
    fn finish_rebuild(
        &self,
        unit: &SplitUnit,
        lv: &LvName,
        image: &LvName,
        mut rows: VgRows,
    ) -> Result<(), Lvm2Error> {
        let deadline = Instant::now() + self.rebuild_wait;
        while !rows.in_sync(lv.as_str()) {
            if Instant::now() >= deadline {
                return Err(Lvm2Error::refused(
                    format!("rebuild {}/{image}", unit.vg),
                    format!(
                        "{lv} is still resyncing after {}s; the image still has to be rebuilt \
                         (tag {} on the LV)",
                        self.rebuild_wait.as_secs(),
                        commands::REBUILD_TAG
                    ),
                    "run offmirror recover again once lvs shows sync_percent 100.00",
                ));
            }
            std::thread::sleep(self.poll);
            rows = self.vg_rows(&unit.vg)?;
        }
        let pvs = image_pvs(&rows, image)?;
        self.run_ok(&commands::rebuild(&unit.vg, lv, &pvs))?;
        self.run_ok(&commands::del_tag(&unit.vg, lv, commands::REBUILD_TAG))?;
        Ok(())
    }

    /// Extents the kernel still has to resynchronise over the unit's LVs, from
    /// `sync_percent`, plus the images still flagged out of sync; 0 while an image is
    /// split (LVM does not report what the merge will copy).
    pub(super) fn unit_stale_extents(&self, unit: &SplitUnit) -> Result<u64, Lvm2Error> {
        let rows = self.vg_rows(&unit.vg)?;
        let mut stale = 0u64;
        for ulv in &unit.lvs {
            let name = ulv.lv.as_str();
            if rows.split_image(name).is_some() {
                continue;
            }
            let Some(first) = rows.first(name) else {
                continue;
            };
            if rows.has_tag(name, commands::REBUILD_TAG) {
                // A rebuild is still owed: nothing of this LV counts as in sync yet.
                let extents = first.seg_size_pe.unwrap_or(0).max(1);
                stale = stale.saturating_add(extents);
                continue;
            }
            let extents: u64 = rows
                .rows(name)
                .iter()
                .map(|r| r.seg_size_pe.unwrap_or(0))
                .fold(0, u64::saturating_add);
            // An image still flagged out of sync (attr `I`) is not back, whatever the
            // percentage says: count it until LVM clears the flag.
            let flagged = rows
                .images(name)
                .iter()
                .filter(|image| {
                    rows.first(image)
                        .and_then(|r| r.lv_attr.as_ref())
                        .is_some_and(|a| a.volume_type == VolumeType::ImageOutOfSync)
                })
                .count() as u64;
            let Some(percent) = first.sync_percent else {
                stale = stale.saturating_add(flagged.saturating_mul(extents.max(1)));
                continue;
            };
            if matches!(first.raid_sync_action.as_deref(), Some("check" | "repair")) {
                continue;
            }
            if percent >= 100.0 {
                stale = stale.saturating_add(flagged);
                continue;
            }
            let left = (extents as f64 * (100.0 - percent.max(0.0)) / 100.0).ceil();
            stale = stale.saturating_add((left as u64).max(1));
        }
        Ok(stale)
    }
}

/// The PVs an image sits on, to tell `lvconvert` which image to split.
fn image_pvs(rows: &VgRows, image: &LvName) -> Result<Vec<PvName>, Lvm2Error> {
    let mut pvs: Vec<PvName> = Vec::new();
    for (device, ..) in rows.pv_extents(image.as_str()) {
        if device == "[unknown]" {
            return Err(Lvm2Error::refused(
                format!("split {image}"),
                "the image sits on a missing PV",
                "repair the LV first: lvm lvconvert --repair VG/LV",
            ));
        }
        let pv = PvName::new(device).map_err(|source| Lvm2Error::Name {
            command: "lvs".into(),
            source,
        })?;
        if !pvs.contains(&pv) {
            pvs.push(pv);
        }
    }
    if pvs.is_empty() {
        return Err(Lvm2Error::refused(
            format!("split {image}"),
            "lvs shows no PV under the image",
            "check lvs -a -o name,devices",
        ));
    }
    Ok(pvs)
}
