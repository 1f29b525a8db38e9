//! The simulator as an [`FsController`]: freeze/thaw of JFS2, and split copies shown as
//! read-only paths (optionally as real files, so a real backup program can read them).

use std::path::{Path, PathBuf};
use std::time::Duration;

use offmirror_core::{
    Applied, BackendError, ExposedCopy, FsController, MountPoint, SplitName, SplitUnit,
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
            let mut exposed = Vec::new();
            for ulv in &unit.lvs {
                if ulv.lv_type.is_log() {
                    continue;
                }
                let data = s.split_copy_data(&ulv.lv).ok_or_else(|| {
                    BackendError::failed(&what, format!("{} has no split copy to expose", ulv.lv))
                })?;
                let path = exposed_path(unit, &ulv.lv, mount_root);
                if materialize {
                    write_contents(&path, ulv.lv.as_str(), unit.copy.get(), &data).map_err(
                        |e| BackendError::failed(&what, format!("{}: {e}", path.display())),
                    )?;
                }
                exposed.push(ExposedCopy {
                    lv: ulv.lv.clone(),
                    path,
                    mounted: ulv.fs.is_some(),
                });
            }
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
            if materialize {
                for ulv in &unit.lvs {
                    let path = exposed_path(unit, &ulv.lv, mount_root);
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

/// Where an LV's split copy is shown: the split mount of a JFS split, else below the
/// mount root.
fn exposed_path(unit: &SplitUnit, lv: &offmirror_core::LvName, mount_root: &Path) -> PathBuf {
    match &unit.split_name {
        SplitName::SplitMount(mp) => PathBuf::from(mp.as_str()),
        _ => mount_root.join(lv.as_str()),
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
