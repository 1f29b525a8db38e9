//! Exposing a split image: `blockdev --setro` on its device (it is writable at block
//! level, and a write there would never be resynchronised), then a read-only mount below
//! the run's mount root for ext4 and XFS, or the device path for anything else.

use std::path::{Path, PathBuf};

use offmirror_command::CommandRunner;
use offmirror_core::{Applied, ExposedCopy, SplitUnit, Vfs, create_private_dir};

use super::{Lvm2Backend, unit_image};
use crate::commands;
use crate::error::Lvm2Error;
use crate::inventory::VgRows;

/// Where an LV's split image is mounted below the mount root.
pub(super) fn mount_dir(mount_root: &Path, lv: &str) -> PathBuf {
    mount_root.join(lv)
}

/// The path as the mount table prints it: symlinks, `..` and relative parts resolved
/// (the directory as given when it does not exist).
fn canonical(dir: &Path) -> PathBuf {
    std::fs::canonicalize(dir).unwrap_or_else(|_| dir.to_path_buf())
}

impl<R: CommandRunner> Lvm2Backend<R> {
    /// Where `name` (an LV or image of `rows`) is mounted, if it is.
    pub(super) fn mount_of(&self, rows: &VgRows, name: &str) -> Result<Option<String>, Lvm2Error> {
        let Some(first) = rows.first(name) else {
            return Ok(None);
        };
        let (Some(major), Some(minor)) = (first.lv_kernel_major, first.lv_kernel_minor) else {
            return Ok(None);
        };
        Ok(self
            .mounts()?
            .into_iter()
            .find(|m| m.major == major && m.minor == minor)
            .map(|m| m.mount_point))
    }

    pub(super) fn expose_unit(
        &self,
        unit: &SplitUnit,
        mount_root: &Path,
    ) -> Result<Vec<ExposedCopy>, Lvm2Error> {
        let image = unit_image(unit)?;
        let rows = self.vg_rows(&unit.vg)?;
        let mut exposed = Vec::new();
        for ulv in &unit.lvs {
            let what = format!("expose {}/{image}", unit.vg);
            match rows.split_image(ulv.lv.as_str()) {
                Some((_, split)) if split == image.as_str() => {}
                _ => {
                    return Err(Lvm2Error::refused(
                        what,
                        format!("{} has no split image {image}", ulv.lv),
                        "split first; lvs -a shows the images",
                    ));
                }
            }
            let device = rows.dm_path(image.as_str()).ok_or_else(|| {
                Lvm2Error::refused(
                    what.clone(),
                    "lvs printed no lv_dm_path for the image (is it active?)",
                    format!("lvm lvchange -ay {}/{image}", unit.vg),
                )
            })?;
            self.run_ok(&commands::set_read_only(&device))?;
            let vfs = ulv
                .fs
                .as_ref()
                .map(|f| f.vfs)
                .filter(|v| matches!(v, Vfs::Ext4 | Vfs::Xfs));
            let Some(vfs) = vfs else {
                exposed.push(ExposedCopy {
                    lv: ulv.lv.clone(),
                    path: device,
                    mounted: false,
                });
                continue;
            };
            let dir = mount_dir(mount_root, ulv.lv.as_str());
            let already = self.mount_of(&rows, image.as_str())?;
            let dir_now = canonical(&dir);
            match already {
                Some(at) if Path::new(&at) == dir || Path::new(&at) == dir_now => {}
                Some(at) => {
                    return Err(Lvm2Error::refused(
                        what,
                        format!("{image} is already mounted on {at}"),
                        format!("umount {at}"),
                    ));
                }
                None => {
                    create_private_dir(&dir).map_err(|e| {
                        Lvm2Error::refused(
                            what.clone(),
                            format!("cannot create {}: {e}", dir.display()),
                            "check the work directory's file system",
                        )
                    })?;
                    self.run_ok(&commands::mount_read_only(vfs, &device, &dir))?;
                }
            }
            exposed.push(ExposedCopy {
                lv: ulv.lv.clone(),
                path: dir,
                mounted: true,
            });
        }
        Ok(exposed)
    }

    pub(super) fn unexpose_unit(
        &self,
        unit: &SplitUnit,
        mount_root: &Path,
    ) -> Result<Applied, Lvm2Error> {
        let mounts = self.mounts()?;
        let mut applied = Applied::AlreadyDone;
        for ulv in &unit.lvs {
            let dir = mount_dir(mount_root, ulv.lv.as_str());
            let dir_now = canonical(&dir);
            if let Some(m) = mounts.iter().find(|m| {
                let at = Path::new(&m.mount_point);
                at == dir || at == dir_now
            }) {
                self.run_ok(&commands::umount(Path::new(&m.mount_point)))?;
                applied = Applied::Done;
            }
            // Only an empty directory goes; anything else is left for the administrator.
            let _ = std::fs::remove_dir(&dir);
        }
        Ok(applied)
    }
}
