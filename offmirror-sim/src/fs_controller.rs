//! The simulator as an [`FsController`]: freeze/thaw of the file systems a split below
//! them needs frozen (JFS2, ext4, XFS), and split copies shown as read-only paths
//! (optionally as real files, so a real backup program can read them).

use std::path::{Path, PathBuf};
use std::time::Duration;

use offmirror_core::{
    Applied, BackendError, ExposedCopy, FsController, Mechanism, MountPoint, SplitName, SplitUnit,
    UnitLv, Vfs,
};

use crate::SimHost;
use crate::faults::OpKind;
use crate::volume_manager::answer;

/// Name of the file that holds a split copy's contents when files are written.
pub const CONTENTS_FILE: &str = "CONTENTS";

impl FsController for SimHost {
    fn freeze(
        &self,
        mount_point: &MountPoint,
        _timeout: Duration,
    ) -> Result<Applied, BackendError> {
        let what = format!("freeze {mount_point}");
        self.with_state(|s| {
            let lost = s.begin(OpKind::Freeze, &what)?;
            let fs = s
                .inventory
                .filesystems
                .iter()
                .find(|f| &f.mount_point == mount_point)
                .cloned();
            let r = match fs {
                None => Err(BackendError::failed(&what, "no such file system")),
                Some(f) if !f.mounted => Err(BackendError::failed(
                    &what,
                    "the file system is not mounted",
                )),
                Some(f) if !f.vfs.split_needs_freeze() => Err(BackendError::failed(
                    &what,
                    format!("{} cannot be frozen", f.vfs.as_str()),
                )),
                Some(_) => Ok(if s.frozen.insert(mount_point.clone()) {
                    Applied::Done
                } else {
                    Applied::AlreadyDone
                }),
            };
            s.app_writes();
            answer(lost, &what, r)
        })?
    }

    fn thaw(&self, mount_point: &MountPoint) -> Result<Applied, BackendError> {
        let what = format!("thaw {mount_point}");
        self.with_state(|s| {
            let lost = s.begin(OpKind::Thaw, &what)?;
            let r = Ok(if s.frozen.remove(mount_point) {
                Applied::Done
            } else {
                Applied::AlreadyDone
            });
            s.app_writes();
            answer(lost, &what, r)
        })?
    }

    fn expose(
        &self,
        unit: &SplitUnit,
        mount_root: &Path,
    ) -> Result<Vec<ExposedCopy>, BackendError> {
        let what = format!("expose unit {}", unit.id);
        let materialize = self.materialize();
        self.with_state(|s| {
            let lost = s.begin(OpKind::Expose, &what)?;
            let tracked = unit.mechanism == Mechanism::TrackedImageSplit;
            if tracked {
                s.check_tracked_split(unit, &what)?;
            }
            let mut exposed = Vec::new();
            let mut mounts = Vec::new();
            for ulv in &unit.lvs {
                if ulv.lv_type.is_log() {
                    continue;
                }
                let data = s.split_copy_data(&ulv.lv).ok_or_else(|| {
                    BackendError::failed(&what, format!("{} has no split copy to expose", ulv.lv))
                })?;
                let (path, mounted) = exposure(unit, ulv, mount_root, materialize);
                if tracked && mounted {
                    // LVM2: the image is mounted read-only below the mount root.
                    match s.exposed.get(&ulv.lv) {
                        Some(at) if at != &path => {
                            return Err(BackendError::Failed {
                                operation: what.clone(),
                                message: format!(
                                    "the split image of {} is already mounted on {}",
                                    ulv.lv,
                                    at.display()
                                ),
                                fix: Some(format!("umount {}", at.display())),
                            });
                        }
                        _ => mounts.push((ulv.lv.clone(), path.clone())),
                    }
                }
                if materialize {
                    write_contents(&path, ulv.lv.as_str(), unit.copy.get(), &data).map_err(
                        |e| BackendError::failed(&what, format!("{}: {e}", path.display())),
                    )?;
                }
                exposed.push(ExposedCopy {
                    lv: ulv.lv.clone(),
                    path,
                    mounted,
                });
            }
            s.exposed.extend(mounts);
            s.app_writes();
            answer(lost, &what, Ok(exposed))
        })?
    }

    fn unexpose(&self, unit: &SplitUnit, mount_root: &Path) -> Result<Applied, BackendError> {
        let what = format!("unexpose unit {}", unit.id);
        let materialize = self.materialize();
        self.with_state(|s| {
            let lost = s.begin(OpKind::Unexpose, &what)?;
            let mut did = false;
            for ulv in &unit.lvs {
                let (path, _) = exposure(unit, ulv, mount_root, materialize);
                if materialize {
                    let file = path.join(CONTENTS_FILE);
                    if file.exists() {
                        std::fs::remove_file(&file).map_err(|e| {
                            BackendError::failed(&what, format!("{}: {e}", file.display()))
                        })?;
                        did = true;
                    }
                    // Only an empty directory is removed: anything else is not ours.
                    let _ = std::fs::remove_dir(&path);
                }
                // A split image mounted here is unmounted; one mounted elsewhere (by
                // another run) is left alone, as `umount` of this directory would.
                if s.exposed.get(&ulv.lv) == Some(&path) {
                    s.exposed.remove(&ulv.lv);
                    did = true;
                }
            }
            s.app_writes();
            answer(
                lost,
                &what,
                Ok(if did {
                    Applied::Done
                } else {
                    Applied::AlreadyDone
                }),
            )
        })?
    }
}

/// Where an LV's split copy is shown, and whether that is a mounted file system: the split
/// mount of a JFS split; for an LVM2 tracked image, a read-only mount below the mount root
/// for ext4 and XFS and the image's device (`/dev/VG/LV_rimage_N`) for anything else —
/// written as files below the mount root instead when files are written, since the
/// simulator makes no device nodes; else below the mount root.
fn exposure(
    unit: &SplitUnit,
    ulv: &UnitLv,
    mount_root: &Path,
    materialize: bool,
) -> (PathBuf, bool) {
    match &unit.split_name {
        SplitName::SplitMount(mp) => (PathBuf::from(mp.as_str()), ulv.fs.is_some()),
        SplitName::TrackedImage(image) => {
            let fs = ulv
                .fs
                .as_ref()
                .is_some_and(|f| matches!(f.vfs, Vfs::Ext4 | Vfs::Xfs));
            if fs || materialize {
                (mount_root.join(ulv.lv.as_str()), fs)
            } else {
                (
                    PathBuf::from("/dev")
                        .join(unit.vg.as_str())
                        .join(image.as_str()),
                    false,
                )
            }
        }
        _ => (mount_root.join(ulv.lv.as_str()), ulv.fs.is_some()),
    }
}

fn write_contents(dir: &Path, lv: &str, copy: u8, data: &[u64]) -> std::io::Result<()> {
    offmirror_core::create_private_dir(dir)?;
    let mut text = format!("# split copy {copy} of {lv}: data version of each logical partition\n");
    for (lp, v) in data.iter().enumerate() {
        text.push_str(&format!("{} {v}\n", lp + 1));
    }
    std::fs::write(dir.join(CONTENTS_FILE), text)
}
