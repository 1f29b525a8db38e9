//! Orders the steps of a run (DESIGN §1): quiesce, freeze, split, thaw, resume, expose,
//! backup, unexpose, rejoin, resync, verify, post.

use crate::{BackupRequest, Capabilities, HookPhase, Mechanism, MountPoint, SplitUnit, Step};

pub(crate) fn order(
    request: &BackupRequest,
    caps: &Capabilities,
    units: &[SplitUnit],
) -> Vec<Step> {
    let mut steps = Vec::new();
    if units.is_empty() {
        return steps;
    }
    let hook = |phase: HookPhase, steps: &mut Vec<Step>| {
        if request.hooks.get(phase).is_some() {
            steps.push(Step::Hook { phase });
        }
    };
    let freeze = to_freeze(request, caps, units);
    hook(HookPhase::PreOffline, &mut steps);
    steps.extend(freeze.iter().map(|mp| Step::Freeze {
        mount_point: mp.clone(),
        timeout: request.policy.freeze_timeout,
    }));
    steps.extend(units.iter().map(|u| Step::Split { unit: u.id }));
    steps.extend(freeze.iter().rev().map(|mp| Step::Thaw {
        mount_point: mp.clone(),
    }));
    hook(HookPhase::Resume, &mut steps);
    steps.extend(units.iter().map(|u| Step::Expose { unit: u.id }));
    hook(HookPhase::Backup, &mut steps);
    steps.extend(units.iter().rev().map(|u| Step::Unexpose { unit: u.id }));
    steps.extend(units.iter().rev().map(|u| Step::Rejoin { unit: u.id }));
    steps.extend(units.iter().map(|u| Step::Resync { unit: u.id }));
    if !units.is_empty() {
        steps.push(Step::Verify);
    }
    hook(HookPhase::PostOffline, &mut steps);
    steps
}

/// Mounted file systems split below the file system (JFS2, ext4, XFS): frozen so that the
/// split copy is consistent. A `chfs` split makes its own copy consistent and needs no
/// freeze.
fn to_freeze(request: &BackupRequest, caps: &Capabilities, units: &[SplitUnit]) -> Vec<MountPoint> {
    if !request.policy.freeze || !caps.freeze {
        return Vec::new();
    }
    let mut out: Vec<MountPoint> = units
        .iter()
        .filter(|u| u.mechanism != Mechanism::FsSplitCopy)
        .flat_map(|u| u.lvs.iter())
        .filter_map(|lv| lv.fs.as_ref())
        .filter(|fs| fs.mounted && fs.vfs.split_needs_freeze())
        .map(|fs| fs.mount_point.clone())
        .collect();
    out.sort();
    out.dedup();
    out
}
