//! Choosing a mechanism: per VG the atomic, change-tracking VG split where the VG allows
//! it; otherwise per LV the best tracked mechanism; the full-resync one only when allowed.

use std::collections::BTreeSet;

use super::eligibility::Selection;
use crate::{
    BackupRequest, Capabilities, CopyNumber, FileSystem, Inventory, LogDevice, LvName, LvType,
    Mechanism, Problem, ProblemCode, Severity, Subject, Vfs, VolumeGroup,
};

/// One split operation: a mechanism and the LVs (indexes into the VG's `lvs`) it splits.
#[derive(Debug)]
pub(crate) struct Choice {
    /// Index of the VG in the inventory.
    pub vg: usize,
    /// The mechanism.
    pub mechanism: Mechanism,
    /// The LVs it splits.
    pub lvs: Vec<usize>,
}

pub(crate) fn choose(
    inventory: &Inventory,
    request: &BackupRequest,
    caps: &Capabilities,
    selection: &Selection,
    problems: &mut Vec<Problem>,
) -> Vec<Choice> {
    let fs_index = inventory.fs_index();
    let mut choices = Vec::new();
    for (&vi, sel) in selection {
        let Some(vg) = inventory.vgs.get(vi) else {
            continue;
        };
        if caps.supports(Mechanism::VgSplit)
            && sel.whole_vg_eligible(vg)
            && !vg.is_root()
            && copy_disks_alone(vg, request.copy)
        {
            choices.push(Choice {
                vg: vi,
                mechanism: Mechanism::VgSplit,
                lvs: sel.eligible.clone(),
            });
            continue;
        }
        for &li in &sel.eligible {
            let Some(lv) = vg.lvs.get(li) else { continue };
            if lv.lv_type.is_log() {
                problems.push(Problem::new(
                    ProblemCode::LogLvNotSplitAlone,
                    Severity::Notice,
                    Subject::Lv(lv.name.clone()),
                    "a log LV is split only together with its volume group; file systems split \
                     per LV are made consistent by the split or the freeze",
                ));
                continue;
            }
            let fs = fs_index.get(&lv.name).copied();
            match per_lv(inventory, request, caps, vg, &lv.name, lv.lv_type, fs) {
                Ok(mechanism) => {
                    if mechanism == Mechanism::FullResyncSplit {
                        problems.push(Problem::new(
                            ProblemCode::FullResyncCost,
                            Severity::Notice,
                            Subject::Lv(lv.name.clone()),
                            format!(
                                "split with splitlvcopy: all {} partitions of copy {} are \
                                 recopied after the backup",
                                lv.lps, request.copy
                            ),
                        ));
                    }
                    choices.push(Choice {
                        vg: vi,
                        mechanism,
                        lvs: vec![li],
                    });
                }
                Err(problem) => problems.push(problem),
            }
        }
    }
    choices
}

/// The best per-LV mechanism, or the warning that skips the LV.
fn per_lv(
    inventory: &Inventory,
    request: &BackupRequest,
    caps: &Capabilities,
    vg: &VolumeGroup,
    name: &LvName,
    lv_type: LvType,
    fs: Option<&FileSystem>,
) -> Result<Mechanism, Problem> {
    let subject = || Subject::Lv(name.clone());
    let fs_state = fs.map(|f| (f.vfs, f.mounted));
    if caps.supports(Mechanism::FsSplitCopy)
        && Mechanism::FsSplitCopy.can_split_lv(lv_type, fs_state)
    {
        if let Some(fs) = fs
            && let Some(problem) = jfs_log_problem(inventory, vg, fs, request.copy)
        {
            return Err(problem);
        }
        return Ok(Mechanism::FsSplitCopy);
    }
    if caps.supports(Mechanism::LvCopy) && Mechanism::LvCopy.can_split_lv(lv_type, fs_state) {
        return Ok(Mechanism::LvCopy);
    }
    if caps.supports(Mechanism::TrackedImageSplit)
        && Mechanism::TrackedImageSplit.can_split_lv(lv_type, fs_state)
    {
        return Ok(Mechanism::TrackedImageSplit);
    }
    let full_resync = caps.supports(Mechanism::FullResyncSplit)
        && Mechanism::FullResyncSplit.can_split_lv(lv_type, fs_state);
    if full_resync && request.policy.allow_full_resync {
        return Ok(Mechanism::FullResyncSplit);
    }
    if let Some(fs) = fs
        && fs.vfs == Vfs::Jfs
        && !fs.mounted
        && caps.supports(Mechanism::FsSplitCopy)
    {
        return Err(Problem::new(
            ProblemCode::FsNotMounted,
            Severity::Warning,
            Subject::FileSystem(fs.mount_point.clone()),
            format!(
                "JFS {} must be mounted to be split with chfs",
                fs.mount_point
            ),
        )
        .fix(format!("mount {}", fs.mount_point)));
    }
    if full_resync {
        return Err(Problem::new(
            ProblemCode::FullResyncNotAllowed,
            Severity::Warning,
            subject(),
            "only a full-resync split (splitlvcopy) is possible here, and the policy does not \
             allow it",
        )
        .fix("set allow_full_resync to accept recopying the whole copy afterwards"));
    }
    Err(Problem::new(
        ProblemCode::UnsupportedByBackend,
        Severity::Warning,
        subject(),
        format!(
            "backend {} has no mechanism that splits a {} LV{}",
            caps.backend,
            lv_type.as_str(),
            match fs {
                Some(f) if f.mounted => format!(" with mounted {}", f.vfs.as_str()),
                Some(f) => format!(" with unmounted {}", f.vfs.as_str()),
                None => String::new(),
            }
        ),
    ))
}

/// A JFS split with `chfs` needs the file system's log LV mirrored, with the split copy.
fn jfs_log_problem(
    inventory: &Inventory,
    vg: &VolumeGroup,
    fs: &FileSystem,
    copy: CopyNumber,
) -> Option<Problem> {
    let LogDevice::Lv(log) = &fs.log else {
        return None;
    };
    let log_lv = vg
        .lvs
        .iter()
        .find(|l| &l.name == log)
        .or_else(|| inventory.lv(log).map(|(_, l)| l));
    let mirrored =
        log_lv.is_some_and(|l| l.copy(copy).is_some_and(|c| c.is_complete()) && l.stale_pps() == 0);
    if mirrored {
        return None;
    }
    Some(
        Problem::new(
            ProblemCode::JfsLogNotMirrored,
            Severity::Warning,
            Subject::FileSystem(fs.mount_point.clone()),
            format!(
                "its JFS log {log} has no current copy {copy}, so chfs -a splitcopy would fail"
            ),
        )
        .fix(format!("mklvcopy {log} {copy} <disk>; syncvg -l {log}")),
    )
}

/// `splitvg` needs the disks of the split copy to hold that copy only.
fn copy_disks_alone(vg: &VolumeGroup, copy: CopyNumber) -> bool {
    let mut split_disks = BTreeSet::new();
    let mut other_disks = BTreeSet::new();
    for lv in &vg.lvs {
        for (i, c) in lv.copies.iter().enumerate() {
            let set = if i == copy.index() {
                &mut split_disks
            } else {
                &mut other_disks
            };
            set.extend(c.pps.iter().flatten().map(|p| p.pv));
        }
    }
    split_disks.is_disjoint(&other_disks)
}
