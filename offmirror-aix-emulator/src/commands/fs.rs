//! File-system commands and the rest: `chfs` (split copy, freeze, thaw), `mount`,
//! `umount`, `syncvg`, `varyonvg`.

use std::path::Path;
use std::time::{Duration, SystemTime};

use offmirror_core::{
    CopyNumber, FsController, LogicalVolume, Mechanism, MountPoint, SplitName, SplitVia,
    VolumeGroup, VolumeManager,
};
use offmirror_sim::SimState;

use super::{
    Emulator, sim_failure, unit, unit_lv, unit_of_split, usage, varied_on_lv, varied_on_vg,
};
use crate::args;
use crate::contents;
use crate::extras::SplitCopyMount;
use crate::format;
use crate::messages;
use crate::output::Output;
use crate::view::{HostView, snapshot_lv_name};

const CHFS_USAGE: &str =
    "-a splitcopy=NewMountPoint [-a copy=Copy] FileSystem | -a freeze={Seconds|off} FileSystem";
const MOUNT_USAGE: &str = "[-V|-v VfsName] -o ro Device Directory";

/// `mount: 0506-324 Cannot mount DEVICE on DIR: REASON`.
fn cannot_mount(device: &str, dir: &str, reason: &str) -> Output {
    Output::fail(messages::fs(
        messages::CANNOT_MOUNT,
        "mount",
        &format!("Cannot mount {device} on {dir}: {reason}"),
    ))
}

/// The LV whose split copy the device `name` (without `/dev/`) gives access to: a
/// snapshot VG's `fs<lv>`, a backup LV or a detached copy's LV.
fn split_copy_device<'a>(
    state: &'a SimState,
    removed: &std::collections::BTreeSet<offmirror_core::LvName>,
    name: &str,
) -> Option<(&'a VolumeGroup, &'a LogicalVolume)> {
    state
        .inventory
        .vgs
        .iter()
        .flat_map(|vg| vg.lvs.iter().map(move |lv| (vg, lv)))
        .find(|(_, lv)| match lv.split.as_ref().map(|m| &m.via) {
            Some(SplitVia::SnapshotVg { .. }) => snapshot_lv_name(lv.name.as_str()) == name,
            Some(SplitVia::BackupLv { lv: child }) => child.as_str() == name,
            Some(SplitVia::Detached { lv: child }) => {
                child.as_str() == name && !removed.contains(&lv.name)
            }
            _ => false,
        })
}

impl Emulator {
    pub(super) fn chfs(&mut self, state: &SimState, argv: &[String]) -> Output {
        let parsed = match args::parse(argv, "a:") {
            Ok(p) => p,
            Err(problem) => return usage("chfs", &problem, CHFS_USAGE),
        };
        let [fs] = parsed.operands.as_slice() else {
            return usage("chfs", "Specify one file system.", CHFS_USAGE);
        };
        let mut splitcopy = None;
        let mut copy = None;
        let mut freeze = None;
        for attribute in parsed.values('a') {
            match attribute.split_once('=') {
                Some(("splitcopy", v)) => splitcopy = Some(v),
                Some(("copy", v)) => copy = Some(v),
                Some(("freeze", v)) => freeze = Some(v),
                _ => {
                    return usage(
                        "chfs",
                        &format!("The attribute {attribute} is not emulated."),
                        CHFS_USAGE,
                    );
                }
            }
        }
        match (splitcopy, freeze) {
            (Some(split_mount), None) => self.chfs_splitcopy(state, split_mount, copy, fs),
            (None, Some(value)) if copy.is_none() => self.freeze(state, value, fs),
            _ => usage(
                "chfs",
                "Give either splitcopy (with copy) or freeze.",
                CHFS_USAGE,
            ),
        }
    }

    /// `chfs -a freeze=SECS FS` / `chfs -a freeze=off FS`. AIX accepts a second freeze
    /// (it resets the timeout) and, here, a thaw of a thawed file system. The simulator
    /// has no freeze timeout: a frozen file system stays frozen until thawed.
    fn freeze(&mut self, state: &SimState, value: &str, fs: &str) -> Output {
        let Ok(mount_point) = MountPoint::new(fs) else {
            return Output::fail(messages::fs_refused(
                "chfs",
                &format!("No record matching '{fs}' was found in /etc/filesystems."),
            ));
        };
        if !state
            .inventory
            .filesystems
            .iter()
            .any(|f| f.mount_point == mount_point)
        {
            return Output::fail(messages::fs_refused(
                "chfs",
                &format!("No record matching '{fs}' was found in /etc/filesystems."),
            ));
        }
        let result = if value.eq_ignore_ascii_case("off") {
            self.host.thaw(&mount_point)
        } else {
            match value.parse::<u64>() {
                Ok(secs) if secs > 0 => self.host.freeze(&mount_point, Duration::from_secs(secs)),
                _ => {
                    return usage(
                        "chfs",
                        "freeze takes a timeout in seconds or off.",
                        CHFS_USAGE,
                    );
                }
            }
        };
        match result {
            Ok(_) => Output::default(),
            Err(e) => sim_failure("chfs", &e, messages::FS_REFUSED),
        }
    }

    pub(super) fn mount(&mut self, state: &SimState, argv: &[String]) -> Output {
        let parsed = match args::parse(argv, "V:v:o:") {
            Ok(p) => p,
            Err(problem) => return usage("mount", &problem, MOUNT_USAGE),
        };
        if parsed.flags.is_empty() && parsed.operands.is_empty() {
            return Output::ok(format::mount_table(
                &HostView::build(state, &self.extras).mounts,
            ));
        }
        let [device, dir] = parsed.operands.as_slice() else {
            return usage(
                "mount",
                "Specify the device and the directory.",
                MOUNT_USAGE,
            );
        };
        if !parsed
            .value('o')
            .is_some_and(|o| o.split(',').any(|w| w == "ro"))
        {
            return cannot_mount(
                device,
                dir,
                "the emulator mounts split copies read-only only (-o ro).",
            );
        }
        let Some(name) = device.strip_prefix("/dev/") else {
            return cannot_mount(
                device,
                dir,
                "A file or directory in the path name does not exist.",
            );
        };
        let Some((vg, lv)) = split_copy_device(state, &self.extras.removed_detached, name) else {
            let reason = if state
                .inventory
                .vgs
                .iter()
                .flat_map(|v| v.lvs.iter())
                .any(|l| l.name.as_str() == name)
            {
                "the emulator mounts only split copies (snapshot VG, backup or split-off LVs)."
            } else {
                "A file or directory in the path name does not exist."
            };
            return cannot_mount(device, dir, reason);
        };
        if !vg.varied_on {
            return Output::fail(messages::vg_offline());
        }
        let Ok(mount_point) = MountPoint::new(dir.as_str()) else {
            return cannot_mount(device, dir, "The mount point must be an absolute path.");
        };
        let view = HostView::build(state, &self.extras);
        if view.mounts.iter().any(|m| m.mount_point == *dir) {
            return cannot_mount(device, dir, "Something is already mounted there.");
        }
        if let Some(m) = self.extras.device_mount(name) {
            return cannot_mount(
                device,
                dir,
                &format!("The device is already mounted on {}.", m.dir),
            );
        }
        let Some(expose) = unit_of_split(state, vg, lv) else {
            return cannot_mount(device, dir, "The device holds no split copy.");
        };
        let root = Path::new(mount_point.as_str())
            .parent()
            .unwrap_or(Path::new("/"))
            .to_path_buf();
        if let Err(e) = offmirror_core::create_private_dir(Path::new(dir)) {
            return cannot_mount(device, dir, &e.to_string());
        }
        if let Err(e) = self.host.expose(&expose, &root) {
            return match e {
                offmirror_core::BackendError::Gone(_) => {
                    sim_failure("mount", &e, messages::CANNOT_MOUNT)
                }
                other => cannot_mount(device, dir, &other.to_string()),
            };
        }
        let data = self
            .current()
            .and_then(|s| s.split_copy_data(&lv.name))
            .unwrap_or_default();
        if let Err(e) =
            contents::write_contents(Path::new(dir), lv.name.as_str(), expose.copy.get(), &data)
        {
            return cannot_mount(device, dir, &e.to_string());
        }
        let vfs = parsed
            .value('V')
            .or(parsed.value('v'))
            .map(str::to_string)
            .or_else(|| {
                state
                    .inventory
                    .filesystem_on(&lv.name)
                    .map(|f| f.vfs.as_str().to_string())
            })
            .unwrap_or_else(|| "jfs2".into());
        self.extras.mounts.push(SplitCopyMount {
            device: name.to_string(),
            lv: lv.name.clone(),
            dir: dir.clone(),
            vfs,
            date: contents::mount_date(SystemTime::now()),
        });
        Output::default()
    }

    pub(super) fn umount(&mut self, state: &SimState, argv: &[String]) -> Output {
        let parsed = match args::parse(argv, "") {
            Ok(p) => p,
            Err(problem) => return usage("umount", &problem, "Directory | Device"),
        };
        let [target] = parsed.operands.as_slice() else {
            return usage(
                "umount",
                "Specify one directory or device.",
                "Directory | Device",
            );
        };
        let found = self.extras.mounts.iter().position(|m| {
            &m.dir == target || target.strip_prefix("/dev/") == Some(m.device.as_str())
        });
        let Some(index) = found else {
            let view = HostView::build(state, &self.extras);
            if view
                .mounts
                .iter()
                .any(|m| &m.mount_point == target || &m.device == target)
            {
                return Output::fail(messages::fs_refused(
                    "umount",
                    &format!(
                        "The emulator unmounts only split copies it mounted; {target} is not one."
                    ),
                ));
            }
            return Output::fail(messages::nothing_to_unmount());
        };
        let Some(mount) = self.extras.mounts.get(index).cloned() else {
            return Output::fail(messages::nothing_to_unmount());
        };
        let root = Path::new(&mount.dir)
            .parent()
            .unwrap_or(Path::new("/"))
            .to_path_buf();
        let split = state
            .inventory
            .lv(&mount.lv)
            .and_then(|(vg, lv)| unit_of_split(state, vg, lv));
        if let Some(unexpose) = split
            && let Err(e) = self.host.unexpose(&unexpose, &root)
        {
            return sim_failure("umount", &e, messages::FS_REFUSED);
        }
        if let Err(e) = contents::remove_contents(Path::new(&mount.dir)) {
            return Output::fail(messages::fs_refused(
                "umount",
                &format!("Cannot clean {}: {e}", mount.dir),
            ));
        }
        self.extras.mounts.remove(index);
        Output::default()
    }

    pub(super) fn syncvg(&mut self, state: &SimState, argv: &[String]) -> Output {
        const USAGE: &str = "{-l LVname ... | -v VGname ...}";
        let parsed = match args::parse(argv, "lv") {
            Ok(p) => p,
            Err(problem) => return usage("syncvg", &problem, USAGE),
        };
        if parsed.operands.is_empty() {
            return usage("syncvg", "Specify what to synchronize.", USAGE);
        }
        match (parsed.has('l'), parsed.has('v')) {
            (true, false) => {
                let mut lvs = Vec::new();
                let mut vg_name = None;
                for name in &parsed.operands {
                    match varied_on_lv(state, name, messages::lv_not_found) {
                        Ok((vg, lv)) => {
                            vg_name.get_or_insert_with(|| vg.name.clone());
                            lvs.push(unit_lv(state, lv));
                        }
                        Err(out) => return out,
                    }
                }
                let Some(vg) = vg_name else {
                    return Output::default();
                };
                let what = parsed.operands.join(" ");
                let resync = unit(
                    Mechanism::LvCopy,
                    &vg,
                    CopyNumber::default(),
                    lvs,
                    SplitName::SnapshotVg(vg.clone()),
                );
                match self.host.start_resync(&resync) {
                    Ok(_) => Output::default(),
                    Err(e) => sync_failure(&e, messages::LV_SYNC_FAILED, "logical volume", &what),
                }
            }
            (false, true) => {
                let mut out = Output::default();
                for name in &parsed.operands {
                    if state
                        .inventory
                        .vgs
                        .iter()
                        .any(|v| v.snapshot.as_ref().is_some_and(|s| s.as_str() == name))
                    {
                        continue;
                    }
                    let vg = match varied_on_vg(state, name) {
                        Ok(vg) => vg,
                        Err(e) => {
                            out.append(e);
                            continue;
                        }
                    };
                    let lvs = vg.lvs.iter().map(|lv| unit_lv(state, lv)).collect();
                    let resync = unit(
                        Mechanism::VgSplit,
                        &vg.name,
                        CopyNumber::default(),
                        lvs,
                        SplitName::SnapshotVg(vg.name.clone()),
                    );
                    if let Err(e) = self.host.start_resync(&resync) {
                        out.append(sync_failure(
                            &e,
                            messages::VG_SYNC_FAILED,
                            "volume group",
                            name,
                        ));
                    }
                }
                out
            }
            _ => usage("syncvg", "Specify either -l or -v.", USAGE),
        }
    }

    /// `varyonvg [-n] VG`: varies a varied-off VG on (stale partitions start resyncing
    /// unless `-n`, as AIX does); a VG already varied on, or a snapshot VG, is left as
    /// is. Not an operation of the simulator: no fault applies.
    pub(super) fn varyonvg(&mut self, state: &SimState, argv: &[String]) -> Output {
        let parsed = match args::parse(argv, "n") {
            Ok(p) => p,
            Err(problem) => return usage("varyonvg", &problem, "[-n] VGname"),
        };
        let [name] = parsed.operands.as_slice() else {
            return usage("varyonvg", "Specify one volume group.", "[-n] VGname");
        };
        if state
            .inventory
            .vgs
            .iter()
            .any(|v| v.snapshot.as_ref().is_some_and(|s| s.as_str() == name))
        {
            return Output::default();
        }
        let Some(vg) = state.inventory.vgs.iter().find(|v| v.name.as_str() == name) else {
            return Output::fail(messages::vg_not_found(name));
        };
        if vg.varied_on {
            return Output::default();
        }
        let resync = !parsed.has('n');
        let changed = self.host.with_state(|s| {
            let stale: Vec<_> = match s.inventory.vgs.iter_mut().find(|v| v.name.as_str() == name) {
                Some(v) => {
                    v.varied_on = true;
                    v.lvs
                        .iter()
                        .filter(|l| l.stale_pps() > 0)
                        .map(|l| l.name.clone())
                        .collect()
                }
                None => Vec::new(),
            };
            if resync {
                s.resyncing.extend(stale);
            }
        });
        match changed {
            Ok(()) => Output::default(),
            Err(e) => sim_failure("varyonvg", &e, messages::LVM_REFUSED),
        }
    }
}

/// `0516-934 syncvg: Unable to synchronize logical volume X.` (or 932 for a VG), with
/// the simulator's reason; a crash reads as one.
fn sync_failure(
    error: &offmirror_core::BackendError,
    code: messages::Code,
    what: &str,
    name: &str,
) -> Output {
    match error {
        offmirror_core::BackendError::Gone(_) => sim_failure("syncvg", error, code),
        other => Output::fail(messages::lvm(
            code,
            "syncvg",
            &[
                &format!("Unable to synchronize {what} {name}."),
                &other.to_string(),
            ],
        )),
    }
}
