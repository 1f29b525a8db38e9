//! Which LVs the request targets, and which of them can be split at all.

use std::collections::BTreeMap;

use crate::{
    BackupRequest, CopyNumber, Dialect, Inventory, LogicalVolume, LvBlocker, Policy, Problem,
    ProblemCode, Severity, Subject, Target, VolumeGroup,
};

/// The targeted LVs of one VG.
#[derive(Debug, Default)]
pub(crate) struct VgSelection {
    /// Every LV of the VG is targeted.
    pub whole_vg: bool,
    /// Targeted LVs (index into the VG's `lvs`) and whether the user named them.
    pub targeted: BTreeMap<usize, bool>,
    /// Targeted LVs that passed every check, in VG order.
    pub eligible: Vec<usize>,
}

impl VgSelection {
    /// Every LV of the VG is targeted and splittable.
    pub fn whole_vg_eligible(&self, vg: &VolumeGroup) -> bool {
        self.whole_vg && !vg.lvs.is_empty() && self.eligible.len() == vg.lvs.len()
    }
}

/// The selection per VG, keyed by the VG's index in the inventory.
pub(crate) type Selection = BTreeMap<usize, VgSelection>;

/// Resolves targets and checks each targeted LV.
pub(crate) fn select(
    inventory: &Inventory,
    request: &BackupRequest,
    dialect: Dialect,
    problems: &mut Vec<Problem>,
) -> Selection {
    let mut selection = Selection::new();
    let index = inventory.lv_index();
    for target in &request.targets {
        match target {
            Target::Vg(name) => match inventory.vgs.iter().position(|vg| &vg.name == name) {
                Some(vi) => selection.entry(vi).or_default().whole_vg = true,
                None => problems.push(
                    Problem::new(
                        ProblemCode::VgNotFound,
                        Severity::Error,
                        Subject::Vg(name.clone()),
                        "no such volume group",
                    )
                    .fix(dialect.list_vgs()),
                ),
            },
            Target::Lv(name) => match index.get(name) {
                Some(loc) => {
                    selection
                        .entry(loc.vg)
                        .or_default()
                        .targeted
                        .insert(loc.lv, true);
                }
                None => problems.push(
                    Problem::new(
                        ProblemCode::LvNotFound,
                        Severity::Error,
                        Subject::Lv(name.clone()),
                        "no such logical volume in any volume group",
                    )
                    .fix(dialect.list_lvs()),
                ),
            },
        }
    }
    for (&vi, sel) in selection.iter_mut() {
        let Some(vg) = inventory.vgs.get(vi) else {
            continue;
        };
        if sel.whole_vg {
            for li in 0..vg.lvs.len() {
                sel.targeted.entry(li).or_insert(false);
            }
        } else if !vg.lvs.is_empty() && sel.targeted.len() == vg.lvs.len() {
            sel.whole_vg = true;
        }
        if !check_vg(vg, dialect, problems) {
            continue;
        }
        for (&li, &explicit) in &sel.targeted {
            let Some(lv) = vg.lvs.get(li) else { continue };
            let found = check_lv(vg, lv, request.copy, &request.policy, explicit, dialect);
            let blocks = found.iter().any(|p| p.severity != Severity::Notice);
            let excluded = !found.is_empty();
            problems.extend(found);
            if !blocks && !excluded {
                sel.eligible.push(li);
            }
        }
    }
    selection
}

/// VG-wide checks; `false` when no LV of the VG can be split.
fn check_vg(vg: &VolumeGroup, dialect: Dialect, problems: &mut Vec<Problem>) -> bool {
    let subject = Subject::Vg(vg.name.clone());
    if !vg.varied_on {
        problems.push(
            Problem::new(
                ProblemCode::VgNotVariedOn,
                Severity::Error,
                subject,
                "the volume group is varied off",
            )
            .fix(dialect.activate_vg(&vg.name)),
        );
        return false;
    }
    if let Some(of) = &vg.snapshot_of {
        problems.push(
            Problem::new(
                ProblemCode::LeftoverSplit,
                Severity::Error,
                subject,
                format!("this is a snapshot volume group split off {of} and not rejoined"),
            )
            .fix(format!("offmirror recover, or joinvg {of}")),
        );
        return false;
    }
    if let Some(snap) = &vg.snapshot {
        problems.push(
            Problem::new(
                ProblemCode::LeftoverSplit,
                Severity::Error,
                subject,
                format!("snapshot volume group {snap} is still split off"),
            )
            .fix(format!("offmirror recover, or joinvg {}", vg.name)),
        );
        return false;
    }
    let mut ok = true;
    for pv in vg.missing_pvs() {
        ok = false;
        problems.push(
            Problem::new(
                ProblemCode::MissingPvs,
                Severity::Error,
                Subject::Pv(pv.name.clone()),
                format!(
                    "disk of {} is {:?}, so its copies cannot be trusted",
                    vg.name, pv.state
                ),
            )
            .fix(dialect.restore_pv(&vg.name, &pv.name)),
        );
    }
    ok
}

/// Every problem of one targeted LV; empty when it can be split.
fn check_lv(
    vg: &VolumeGroup,
    lv: &LogicalVolume,
    copy: CopyNumber,
    policy: &Policy,
    explicit: bool,
    dialect: Dialect,
) -> Vec<Problem> {
    let subject = || Subject::Lv(lv.name.clone());
    let mut found = Vec::new();
    if let Some(mark) = &lv.split {
        let manual = dialect.undo_split(vg, lv, &mark.via);
        found.push(
            Problem::new(
                ProblemCode::LeftoverSplit,
                Severity::Error,
                subject(),
                format!("copy {} is still split from an earlier run", mark.copy),
            )
            .fix(format!("offmirror recover, or: {manual}")),
        );
        return found;
    }
    if lv.lv_type.never_split() {
        let severity = if explicit {
            Severity::Warning
        } else {
            Severity::Notice
        };
        found.push(Problem::new(
            ProblemCode::ExcludedLvType,
            severity,
            subject(),
            format!("{} logical volumes are never split", lv.lv_type.as_str()),
        ));
        return found;
    }
    if !lv.blockers.is_empty() {
        found.extend(lv.blockers.iter().map(|b| blocker_problem(vg, &lv.name, b)));
        return found;
    }
    let copies = lv.copy_count();
    if copies < 2 {
        found.push(
            Problem::new(
                ProblemCode::LvNotMirrored,
                Severity::Warning,
                subject(),
                format!("the LV has {copies} copy; there is no mirror to split"),
            )
            .fix(dialect.mirror_lv(&vg.name, &lv.name)),
        );
        return found;
    }
    match lv.copy(copy) {
        None => {
            found.push(
                Problem::new(
                    ProblemCode::CopyAbsent,
                    Severity::Warning,
                    subject(),
                    format!("the LV has {copies} copies, so copy {copy} does not exist"),
                )
                .fix(format!(
                    "split copy {copies} instead, or add one: {}",
                    dialect.add_copies(&vg.name, &lv.name, usize::from(copy.get()))
                )),
            );
            return found;
        }
        Some(c) if !c.is_complete() => {
            let missing = c.pps.iter().filter(|p| p.is_none()).count();
            found.push(
                Problem::new(
                    ProblemCode::CopyAbsent,
                    Severity::Warning,
                    subject(),
                    format!("copy {copy} lacks {missing} logical partition(s)"),
                )
                .fix(format!(
                    "complete the copy: {}",
                    dialect.add_copies(&vg.name, &lv.name, copies)
                )),
            );
        }
        Some(_) => {}
    }
    let stale = lv.stale_pps();
    if stale > 0 {
        found.push(
            Problem::new(
                ProblemCode::StalePartitions,
                Severity::Warning,
                subject(),
                format!("{stale} stale physical partition(s)"),
            )
            .fix(dialect.resync_lv(&vg.name, &lv.name)),
        );
    }
    if let Some(shared) = shared_pv(lv, copy) {
        let pv = vg.pv_name(shared).cloned();
        let shown = pv
            .as_ref()
            .map(|p| p.to_string())
            .unwrap_or_else(|| format!("#{shared}"));
        found.push(
            Problem::new(
                ProblemCode::CopySharesPv,
                Severity::Warning,
                subject(),
                format!("copy {copy} uses disk {shown}, which also holds another copy"),
            )
            .fix(match &pv {
                Some(pv) => dialect.move_off_pv(&vg.name, &lv.name, pv),
                None => "keep each copy on its own disks".to_string(),
            }),
        );
    }
    let (left, worst_lp) = copies_left(lv, copy);
    let wanted = usize::from(policy.min_copies_left.max(1));
    if left < wanted {
        let (message, fix) = match worst_lp {
            Some(lp) if left + 1 < copies => (
                format!(
                    "logical partition {lp} has {left} copy besides copy {copy}, so the split \
                     would leave it with fewer copies in use than the policy's {wanted}"
                ),
                format!(
                    "complete the other copies: {}",
                    dialect.add_copies(&vg.name, &lv.name, copies)
                ),
            ),
            _ => (
                format!("splitting leaves {left} copy in use; the policy wants at least {wanted}"),
                format!(
                    "{}, or lower min_copies_left",
                    dialect.add_copies(&vg.name, &lv.name, copies + 1)
                ),
            ),
        };
        found.push(
            Problem::new(
                ProblemCode::TooFewCopiesLeft,
                Severity::Warning,
                subject(),
                message,
            )
            .fix(fix),
        );
    }
    found
}

/// The fewest copies, other than the split one, that any logical partition keeps, and
/// the first partition (1-based) with that few.
fn copies_left(lv: &LogicalVolume, copy: CopyNumber) -> (usize, Option<usize>) {
    let mut worst = lv.copy_count().saturating_sub(1);
    let mut worst_lp = None;
    for lp in 0..lv.lps as usize {
        let present = lv
            .copies
            .iter()
            .enumerate()
            .filter(|(i, c)| *i != copy.index() && c.pps.get(lp).is_some_and(Option::is_some))
            .count();
        if present < worst {
            worst = present;
            worst_lp = Some(lp + 1);
        }
    }
    (worst, worst_lp)
}

/// A PV that the split copy shares with another copy, if any.
fn shared_pv(lv: &LogicalVolume, copy: CopyNumber) -> Option<u16> {
    let target = lv.copy(copy)?.pv_set();
    lv.copies
        .iter()
        .enumerate()
        .filter(|(i, _)| *i != copy.index())
        .flat_map(|(_, c)| c.pps.iter().flatten())
        .map(|p| p.pv)
        .find(|pv| target.contains(pv))
}

/// The problem a backend-reported blocker stands for, with its fix.
fn blocker_problem(vg: &VolumeGroup, lv: &crate::LvName, blocker: &LvBlocker) -> Problem {
    let subject = Subject::Lv(lv.clone());
    let target = format!("{}/{lv}", vg.name);
    let (code, message, fix) = match blocker {
        LvBlocker::UnsupportedLayout { layout } => (
            ProblemCode::UnsupportedLayout,
            format!("the LV is {layout}; only raid1 LVs can have an image split off and tracked"),
            format!("lvconvert --type raid1 {target} (then wait for the sync)"),
        ),
        LvBlocker::RaidIntegrity => (
            ProblemCode::RaidIntegrity,
            "its raid1 images carry dm-integrity, which a tracked split does not support"
                .to_string(),
            format!("lvconvert --raidintegrity n {target}"),
        ),
        LvBlocker::SharedVg { lock_type } => (
            ProblemCode::SharedVg,
            format!(
                "volume group {} is shared between hosts ({lock_type}); a split from this host \
                 is not coordinated with the others",
                vg.name
            ),
            "back it up from a VG that is local to this host".to_string(),
        ),
        LvBlocker::NotInSync { action, percent } => (
            ProblemCode::NotInSync,
            format!("the mirror is {percent}% in sync ({action} running)"),
            Dialect::Lvm2.resync_lv(&vg.name, lv),
        ),
        LvBlocker::RebuildPending => (
            ProblemCode::NotInSync,
            "a copy merged back after a reactivation still has to be rebuilt whole".to_string(),
            format!(
                "offmirror recover, or by hand once lvs shows sync_percent 100.00: lvm lvchange \
                 --yes --rebuild <each PV of the merged image> {target}; lvm lvchange --deltag \
                 offmirror_rebuild {target}"
            ),
        ),
        LvBlocker::Mismatches { count } => (
            ProblemCode::MirrorMismatches,
            format!("the last scrub found {count} mismatched sectors between the images"),
            format!(
                "lvchange --syncaction repair {target}, then lvchange --syncaction check \
                 {target} until raid_mismatch_count is 0"
            ),
        ),
        LvBlocker::NameNotUnique { other_vg } => (
            ProblemCode::UnsupportedByBackend,
            format!("volume group {other_vg} has an LV of the same name"),
            format!("lvrename {} {lv} <a name no other VG uses>", vg.name),
        ),
        LvBlocker::FreezeBlocksLvm { mount_point } => (
            ProblemCode::FsNotFreezable,
            format!(
                "{mount_point} holds /etc/lvm, where LVM writes metadata backups during the \
                 split: frozen, it would hang the split until the freeze times out"
            ),
            format!(
                "back up {mount_point} another way, or point lvm.conf's backup_dir and \
                 archive_dir at a file system that is not split"
            ),
        ),
        LvBlocker::Inactive => (
            ProblemCode::LvInactive,
            "the LV is not active".to_string(),
            format!("lvchange -ay {target}"),
        ),
        LvBlocker::FsNotFreezable {
            fs_type,
            mount_point,
        } => (
            ProblemCode::FsNotFreezable,
            format!(
                "{fs_type} file system mounted on {mount_point}: offmirror can only freeze and \
                 expose ext4 and XFS"
            ),
            format!("unmount {mount_point} for the backup, or back it up another way"),
        ),
    };
    Problem::new(code, Severity::Warning, subject, message).fix(fix)
}
