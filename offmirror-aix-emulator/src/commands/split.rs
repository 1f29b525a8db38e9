//! Splits and rejoins: `splitvg`/`joinvg`, `chfs -a splitcopy`/`rmfs`,
//! `chlvcopy -b`/`chlvcopy -B`, `splitlvcopy`/`rmlv` + `mklvcopy`.
//!
//! No split or rejoin command has a real output sample. `splitvg` prints the snapshot
//! VG's name (IBM: "The new volume group name is sent to standard output"); `rmlv`
//! prints `rmlv: Logical volume X is removed.` (fixture rmfs.1); the others print
//! nothing on success.

use std::collections::BTreeSet;
use std::path::Path;

use offmirror_core::{
    Applied, CopyNumber, Mechanism, MountPoint, SplitName, SplitVia, VgName, VolumeManager,
};
use offmirror_sim::SimState;

use super::{
    Emulator, copy_number, new_lv_name, sim_failure, unit, unit_lv, unit_of_split, usage,
    varied_on_lv, varied_on_vg,
};
use crate::args;
use crate::contents;
use crate::messages;
use crate::output::Output;
use crate::view::HostView;

impl Emulator {
    pub(super) fn splitvg(&mut self, state: &SimState, argv: &[String]) -> Output {
        const USAGE: &str = "-y SnapVGname [-c Copy] VGname";
        let parsed = match args::parse(argv, "y:c:") {
            Ok(p) => p,
            Err(problem) => return usage("splitvg", &problem, USAGE),
        };
        let ([name], Some(snapshot)) = (parsed.operands.as_slice(), parsed.value('y')) else {
            return usage(
                "splitvg",
                "Specify the snapshot VG name (-y) and one volume group.",
                USAGE,
            );
        };
        let Some(copy) = parsed
            .value('c')
            .map_or(Some(CopyNumber::default()), copy_number)
        else {
            return usage("splitvg", "The copy (-c) must be 1, 2 or 3.", USAGE);
        };
        let vg = match varied_on_vg(state, name) {
            Ok(vg) => vg,
            Err(out) => return out,
        };
        if vg.snapshot_of.is_some() {
            return Output::fail(messages::refused(
                "splitvg",
                &format!("{name} is a snapshot volume group and cannot be split."),
            ));
        }
        let Ok(snapshot_name) = VgName::new(snapshot) else {
            return Output::fail(messages::refused(
                "splitvg",
                &format!("{snapshot} is not a valid volume group name."),
            ));
        };
        if HostView::build(state, &self.extras).name_used(snapshot) {
            return Output::fail(messages::name_used("splitvg", snapshot));
        }
        let lvs = vg.lvs.iter().map(|lv| unit_lv(state, lv)).collect();
        let split = unit(
            Mechanism::VgSplit,
            &vg.name,
            copy,
            lvs,
            SplitName::SnapshotVg(snapshot_name),
        );
        match self.host.split(&split) {
            Ok(Applied::Done) => Output::ok(format!("{snapshot}\n")),
            Ok(Applied::AlreadyDone) => Output::fail(messages::refused(
                "splitvg",
                &format!(
                    "Volume group {name} already has the snapshot volume group {}.",
                    vg.snapshot.as_ref().map_or("", |s| s.as_str())
                ),
            )),
            Err(e) => sim_failure("splitvg", &e, messages::LVM_REFUSED),
        }
    }

    pub(super) fn joinvg(&mut self, state: &SimState, argv: &[String]) -> Output {
        let parsed = match args::parse(argv, "") {
            Ok(p) => p,
            Err(problem) => return usage("joinvg", &problem, "VGname"),
        };
        let [name] = parsed.operands.as_slice() else {
            return usage("joinvg", "Specify the original volume group.", "VGname");
        };
        if let Some(original) = state
            .inventory
            .vgs
            .iter()
            .find(|v| v.snapshot.as_ref().is_some_and(|s| s.as_str() == name))
        {
            return Output::fail(messages::refused(
                "joinvg",
                &format!(
                    "{name} is a snapshot volume group: name its original, {}.",
                    original.name
                ),
            ));
        }
        let vg = match varied_on_vg(state, name) {
            Ok(vg) => vg,
            Err(out) => return out,
        };
        let Some(snapshot) = vg.snapshot.clone() else {
            return Output::fail(messages::refused(
                "joinvg",
                &format!("Volume group {name} has no snapshot volume group to join."),
            ));
        };
        let view = HostView::build(state, &self.extras);
        if let Some(busy) = view
            .vg(snapshot.as_str())
            .and_then(|s| s.lvs.iter().find_map(|l| self.extras.device_mount(&l.name)))
        {
            return Output::fail(messages::lv_open("joinvg", &busy.device, &busy.dir));
        }
        let copy = vg
            .lvs
            .iter()
            .find_map(|lv| lv.split.as_ref().map(|m| m.copy))
            .unwrap_or_default();
        let lvs = vg.lvs.iter().map(|lv| unit_lv(state, lv)).collect();
        let join = unit(
            Mechanism::VgSplit,
            &vg.name,
            copy,
            lvs,
            SplitName::SnapshotVg(snapshot),
        );
        match self.host.rejoin(&join) {
            Ok(Applied::Done) => Output::default(),
            Ok(Applied::AlreadyDone) => Output::fail(messages::refused(
                "joinvg",
                &format!("Volume group {name} has no snapshot volume group to join."),
            )),
            Err(e) => sim_failure("joinvg", &e, messages::LVM_REFUSED),
        }
    }

    /// `chfs -a splitcopy=MNT [-a copy=N] FS`.
    pub(super) fn chfs_splitcopy(
        &mut self,
        state: &SimState,
        split_mount: &str,
        copy: Option<&str>,
        fs_name: &str,
    ) -> Output {
        let Some(fs) = state
            .inventory
            .filesystems
            .iter()
            .find(|f| f.mount_point.as_str() == fs_name)
        else {
            return Output::fail(messages::fs_refused(
                "chfs",
                &format!("No record matching '{fs_name}' was found in /etc/filesystems."),
            ));
        };
        let Some(copy) = copy.map_or(Some(CopyNumber::default()), copy_number) else {
            return Output::fail(messages::fs_refused(
                "chfs",
                "The copy attribute must be 1, 2 or 3.",
            ));
        };
        let mount_point = match MountPoint::new(split_mount) {
            Ok(m) => m,
            Err(e) => return Output::fail(messages::fs_refused("chfs", &e.to_string())),
        };
        let view = HostView::build(state, &self.extras);
        if view
            .filesystems
            .iter()
            .any(|f| f.mount_point == split_mount)
            || view.mounts.iter().any(|m| m.mount_point == split_mount)
        {
            return Output::fail(messages::fs_refused(
                "chfs",
                &format!("{split_mount} is already a mount point."),
            ));
        }
        let (vg, lv) = match varied_on_lv(state, fs.device.as_str(), messages::lv_not_found) {
            Ok(found) => found,
            Err(out) => return out,
        };
        // The split copy is mounted there: the directory must exist first.
        if let Err(e) = offmirror_core::create_private_dir(Path::new(split_mount)) {
            return Output::fail(messages::fs_refused(
                "chfs",
                &format!("Cannot create the mount point {split_mount}: {e}"),
            ));
        }
        let split = unit(
            Mechanism::FsSplitCopy,
            &vg.name,
            copy,
            vec![unit_lv(state, lv)],
            SplitName::SplitMount(mount_point),
        );
        match self.host.split(&split) {
            Ok(Applied::Done) => {
                let data = self
                    .current()
                    .and_then(|s| s.split_copy_data(&lv.name))
                    .unwrap_or_default();
                match contents::write_contents(
                    Path::new(split_mount),
                    lv.name.as_str(),
                    copy.get(),
                    &data,
                ) {
                    Ok(()) => Output::default(),
                    Err(e) => Output::fail(messages::fs_refused(
                        "chfs",
                        &format!("The copy is split but {split_mount} cannot be written: {e}"),
                    )),
                }
            }
            Ok(Applied::AlreadyDone) => Output::fail(messages::fs_refused(
                "chfs",
                &format!("A copy of {fs_name} is already split off."),
            )),
            Err(e) => sim_failure("chfs", &e, messages::LVM_REFUSED),
        }
    }

    pub(super) fn rmfs(&mut self, state: &SimState, argv: &[String]) -> Output {
        let parsed = match args::parse(argv, "r") {
            Ok(p) => p,
            Err(problem) => return usage("rmfs", &problem, "[-r] FileSystem"),
        };
        let [name] = parsed.operands.as_slice() else {
            return usage("rmfs", "Specify one file system.", "[-r] FileSystem");
        };
        let split = state.inventory.vgs.iter().find_map(|vg| {
            vg.lvs
                .iter()
                .find_map(|lv| match lv.split.as_ref().map(|m| &m.via) {
                    Some(SplitVia::FsSplitCopy { mount_point }) if mount_point.as_str() == name => {
                        unit_of_split(state, vg, lv)
                    }
                    _ => None,
                })
        });
        let Some(join) = split else {
            let text = if state
                .inventory
                .filesystems
                .iter()
                .any(|f| f.mount_point.as_str() == name)
            {
                format!(
                    "{name} is a file system of its own; the emulator removes only split copies."
                )
            } else {
                format!("No record matching '{name}' was found in /etc/filesystems.")
            };
            return Output::fail(messages::fs_refused("rmfs", &text));
        };
        match self.host.rejoin(&join) {
            Ok(Applied::Done) => match contents::remove_contents(Path::new(name)) {
                Ok(_) => Output::default(),
                Err(e) => Output::fail(messages::fs_refused(
                    "rmfs",
                    &format!("The copy is rejoined but {name} cannot be cleaned: {e}"),
                )),
            },
            Ok(Applied::AlreadyDone) => Output::fail(messages::fs_refused(
                "rmfs",
                &format!("No record matching '{name}' was found in /etc/filesystems."),
            )),
            Err(e) => sim_failure("rmfs", &e, messages::LVM_REFUSED),
        }
    }

    pub(super) fn chlvcopy(&mut self, state: &SimState, argv: &[String]) -> Output {
        const USAGE: &str = "-b [-c Copy] [-P] -l NewLVname LVname | -B LVname";
        let parsed = match args::parse(argv, "bBc:Pl:") {
            Ok(p) => p,
            Err(problem) => return usage("chlvcopy", &problem, USAGE),
        };
        let [name] = parsed.operands.as_slice() else {
            return usage("chlvcopy", "Specify one logical volume.", USAGE);
        };
        let (vg, lv) = match varied_on_lv(state, name, messages::lv_not_found) {
            Ok(found) => found,
            Err(out) => return out,
        };
        match (parsed.has('b'), parsed.has('B')) {
            (true, false) => {
                let Some(backup) = parsed.value('l') else {
                    return usage(
                        "chlvcopy",
                        "The emulator needs the backup LV name (-l).",
                        USAGE,
                    );
                };
                let last = u8::try_from(lv.copy_count())
                    .ok()
                    .and_then(|n| CopyNumber::new(n).ok())
                    .unwrap_or_default();
                let Some(copy) = parsed.value('c').map_or(Some(last), copy_number) else {
                    return usage("chlvcopy", "The copy (-c) must be 1, 2 or 3.", USAGE);
                };
                let backup_name = match new_lv_name("chlvcopy", backup) {
                    Ok(n) => n,
                    Err(out) => return out,
                };
                if HostView::build(state, &self.extras).name_used(backup) {
                    return Output::fail(messages::name_used("chlvcopy", backup));
                }
                let split = unit(
                    Mechanism::LvCopy,
                    &vg.name,
                    copy,
                    vec![unit_lv(state, lv)],
                    SplitName::BackupLv(backup_name),
                );
                match self.host.split(&split) {
                    Ok(Applied::Done) => Output::default(),
                    Ok(Applied::AlreadyDone) => Output::fail(messages::refused(
                        "chlvcopy",
                        &format!("Logical volume {name} already has an online backup copy."),
                    )),
                    Err(e) => sim_failure("chlvcopy", &e, messages::LVM_REFUSED),
                }
            }
            (false, true) => {
                let Some(SplitVia::BackupLv { lv: backup }) = lv.split.as_ref().map(|m| &m.via)
                else {
                    return Output::fail(messages::refused(
                        "chlvcopy",
                        &format!("Logical volume {name} has no online backup copy."),
                    ));
                };
                if let Some(m) = self.extras.device_mount(backup.as_str()) {
                    return Output::fail(messages::lv_open("chlvcopy", &m.device, &m.dir));
                }
                let Some(join) = unit_of_split(state, vg, lv) else {
                    return Output::fail(messages::refused(
                        "chlvcopy",
                        &format!("Logical volume {name} has no online backup copy."),
                    ));
                };
                match self.host.rejoin(&join) {
                    Ok(Applied::Done) => Output::default(),
                    Ok(Applied::AlreadyDone) => Output::fail(messages::refused(
                        "chlvcopy",
                        &format!("Logical volume {name} has no online backup copy."),
                    )),
                    Err(e) => sim_failure("chlvcopy", &e, messages::LVM_REFUSED),
                }
            }
            _ => usage("chlvcopy", "Specify either -b or -B.", USAGE),
        }
    }

    pub(super) fn splitlvcopy(&mut self, state: &SimState, argv: &[String]) -> Output {
        const USAGE: &str = "[-f] -y NewLVname LVname Copies [PVname ...]";
        let parsed = match args::parse(argv, "fy:") {
            Ok(p) => p,
            Err(problem) => return usage("splitlvcopy", &problem, USAGE),
        };
        let (Some(new_name), [name, copies, pvs @ ..]) =
            (parsed.value('y'), parsed.operands.as_slice())
        else {
            return usage(
                "splitlvcopy",
                "Specify the new LV name (-y), the LV and the copies to keep.",
                USAGE,
            );
        };
        let (vg, lv) = match varied_on_lv(state, name, messages::lv_not_found) {
            Ok(found) => found,
            Err(out) => return out,
        };
        let new_lv = match new_lv_name("splitlvcopy", new_name) {
            Ok(n) => n,
            Err(out) => return out,
        };
        if HostView::build(state, &self.extras).name_used(new_name) {
            return Output::fail(messages::name_used("splitlvcopy", new_name));
        }
        let now = lv.copy_count();
        let keep: Option<usize> = copies.parse().ok();
        if now < 2 || keep != Some(now - 1) {
            return Output::fail(messages::refused(
                "splitlvcopy",
                &format!(
                    "{name} has {now} copies; the emulator splits off one copy, so Copies must be {}.",
                    now.saturating_sub(1)
                ),
            ));
        }
        let mut named = BTreeSet::new();
        for pv in pvs {
            match vg.pvs.iter().position(|p| p.name.as_str() == pv) {
                Some(i) => {
                    named.insert(u16::try_from(i).unwrap_or(u16::MAX));
                }
                None => return Output::fail(messages::pv_not_found("splitlvcopy", pv)),
            }
        }
        let index = if named.is_empty() {
            Some(now - 1)
        } else {
            lv.copies.iter().rposition(|c| {
                let set = c.pv_set();
                !set.is_empty() && set.is_subset(&named)
            })
        };
        let Some(copy) = index
            .and_then(|i| u8::try_from(i + 1).ok())
            .and_then(|n| CopyNumber::new(n).ok())
        else {
            return Output::fail(messages::refused(
                "splitlvcopy",
                &format!("No copy of {name} lies on {}.", pvs.join(" ")),
            ));
        };
        if lv.open && !parsed.has('f') {
            return Output::fail(messages::refused(
                "splitlvcopy",
                &format!("Logical volume {name} is open; confirm with -f to split it anyway."),
            ));
        }
        let split = unit(
            Mechanism::FullResyncSplit,
            &vg.name,
            copy,
            vec![unit_lv(state, lv)],
            SplitName::DetachedLv(new_lv),
        );
        match self.host.split(&split) {
            Ok(Applied::Done) => Output::default(),
            Ok(Applied::AlreadyDone) => Output::fail(messages::refused(
                "splitlvcopy",
                &format!("A copy of {name} is already split off."),
            )),
            Err(e) => sim_failure("splitlvcopy", &e, messages::LVM_REFUSED),
        }
    }

    /// `rmlv -f NEWLV` of a detached copy's LV: the copy's partitions are freed; the
    /// `mklvcopy` that follows rebuilds the copy (the simulator's rejoin).
    pub(super) fn rmlv(&mut self, state: &SimState, argv: &[String]) -> Output {
        let parsed = match args::parse(argv, "f") {
            Ok(p) => p,
            Err(problem) => return usage("rmlv", &problem, "[-f] LVname"),
        };
        let [name] = parsed.operands.as_slice() else {
            return usage("rmlv", "Specify one logical volume.", "[-f] LVname");
        };
        let parent = state
            .inventory
            .vgs
            .iter()
            .flat_map(|vg| vg.lvs.iter().map(move |lv| (vg, lv)))
            .find(|(_, lv)| {
                matches!(lv.split.as_ref().map(|m| &m.via),
                    Some(SplitVia::Detached { lv: child }) if child.as_str() == name)
                    && !self.extras.removed_detached.contains(&lv.name)
            });
        let Some((vg, parent)) = parent else {
            return if HostView::build(state, &self.extras).lv(name).is_some() {
                Output::fail(messages::refused(
                    "rmlv",
                    &format!(
                        "The emulator removes only logical volumes made by splitlvcopy; {name} is not one."
                    ),
                ))
            } else {
                Output::fail(messages::lv_not_found(name))
            };
        };
        if !vg.varied_on {
            return Output::fail(messages::vg_offline());
        }
        if !parsed.has('f') {
            return Output::fail(messages::refused(
                "rmlv",
                &format!("All data on logical volume {name} would be destroyed; confirm with -f."),
            ));
        }
        if let Some(m) = self.extras.device_mount(name) {
            return Output::fail(messages::lv_open("rmlv", &m.device, &m.dir));
        }
        self.extras.removed_detached.insert(parent.name.clone());
        Output::ok(format!("rmlv: Logical volume {name} is removed.\n"))
    }

    /// `mklvcopy LV COPIES [PV...]`: rebuilds the copy `splitlvcopy` took off (the
    /// simulator's rejoin: every partition of the new copy is stale until `syncvg`).
    pub(super) fn mklvcopy(&mut self, state: &SimState, argv: &[String]) -> Output {
        const USAGE: &str = "LVname Copies [PVname ...]";
        let parsed = match args::parse(argv, "") {
            Ok(p) => p,
            Err(problem) => return usage("mklvcopy", &problem, USAGE),
        };
        let [name, copies, pvs @ ..] = parsed.operands.as_slice() else {
            return usage(
                "mklvcopy",
                "Specify the LV and the number of copies.",
                USAGE,
            );
        };
        let (vg, lv) = match varied_on_lv(state, name, messages::mklvcopy_lv_not_found) {
            Ok(found) => found,
            Err(out) => return out,
        };
        if let Some(pv) = pvs
            .iter()
            .find(|pv| !vg.pvs.iter().any(|p| p.name.as_str() == pv.as_str()))
        {
            return Output::fail(messages::pv_not_found("mklvcopy", pv));
        }
        let now = lv.copy_count();
        let wanted: Option<usize> = copies.parse().ok();
        let detached = match lv.split.as_ref().map(|m| &m.via) {
            Some(SplitVia::Detached { lv: child }) => Some(child),
            _ => None,
        };
        let Some(child) = detached else {
            let text = if wanted.is_some_and(|w| w <= now) {
                format!("Logical volume {name} already has {now} copies.")
            } else {
                format!(
                    "The emulator adds back only a copy split off by splitlvcopy; {name} has none."
                )
            };
            return Output::fail(messages::refused("mklvcopy", &text));
        };
        if !self.extras.removed_detached.contains(&lv.name) {
            return Output::fail(messages::refused(
                "mklvcopy",
                &format!(
                    "The partitions of the copy split off {name} still belong to {child}; remove it with rmlv first."
                ),
            ));
        }
        if wanted != Some(now + 1) {
            return Output::fail(messages::refused(
                "mklvcopy",
                &format!(
                    "{name} has {now} copies; the emulator adds back the one copy split off, so Copies must be {}.",
                    now + 1
                ),
            ));
        }
        let Some(join) = unit_of_split(state, vg, lv) else {
            return Output::fail(messages::refused(
                "mklvcopy",
                &format!("Logical volume {name} has no copy split off."),
            ));
        };
        match self.host.rejoin(&join) {
            Ok(Applied::Done) => {
                self.extras.removed_detached.remove(&lv.name);
                Output::default()
            }
            Ok(Applied::AlreadyDone) => Output::fail(messages::refused(
                "mklvcopy",
                &format!("Logical volume {name} already has {now} copies."),
            )),
            Err(e) => sim_failure("mklvcopy", &e, messages::LVM_REFUSED),
        }
    }
}
