//! Names for split copies, chosen before the split so that a crashed run can find them.
//!
//! The names are derived from the LV or VG name, so a copy left split by an earlier run
//! shows up under the same name and is reported instead of being overwritten.

use std::collections::HashSet;
use std::path::Path;

use super::mechanism_choice::Choice;
use crate::name::MAX_LVM_NAME_LEN;
use crate::{
    CopyNumber, Inventory, LvName, Mechanism, MountPoint, Problem, ProblemCode, Severity,
    SplitName, SplitUnit, Subject, UnitFs, UnitLv, VgName,
};

/// The suffix of every name offmirror creates.
const SUFFIX: &str = "_om";

pub(crate) fn name_units(
    inventory: &Inventory,
    copy: CopyNumber,
    work_dir: &Path,
    choices: Vec<Choice>,
    problems: &mut Vec<Problem>,
) -> Vec<SplitUnit> {
    let mut existing: HashSet<String> = HashSet::new();
    for vg in &inventory.vgs {
        existing.insert(vg.name.to_string());
        existing.extend(vg.lvs.iter().map(|lv| lv.name.to_string()));
        existing.extend(vg.pvs.iter().map(|pv| pv.name.to_string()));
    }
    let mut taken = existing.clone();
    let leftover = |base: &str, subject: Subject, problems: &mut Vec<Problem>| {
        let ours = first_candidate(base);
        if existing.contains(&ours) {
            problems.push(
                Problem::new(
                    ProblemCode::LeftoverSplit,
                    Severity::Error,
                    subject,
                    format!("{ours} exists: it has the name of a split copy from an earlier run"),
                )
                .fix(format!(
                    "offmirror recover; if {ours} is not a split copy, rename it"
                )),
            );
            true
        } else {
            false
        }
    };
    let fs_index = inventory.fs_index();
    let mut units = Vec::with_capacity(choices.len());
    for choice in choices {
        let Some(vg) = inventory.vgs.get(choice.vg) else {
            continue;
        };
        let lvs: Vec<UnitLv> = choice
            .lvs
            .iter()
            .filter_map(|&li| vg.lvs.get(li))
            .map(|lv| UnitLv {
                lv: lv.name.clone(),
                lv_type: lv.lv_type,
                lps: lv.lps,
                copies: u8::try_from(lv.copy_count()).unwrap_or(u8::MAX),
                fs: fs_index.get(&lv.name).map(|fs| UnitFs {
                    mount_point: fs.mount_point.clone(),
                    vfs: fs.vfs,
                    mounted: fs.mounted,
                }),
            })
            .collect();
        let Some(first) = lvs.first() else { continue };
        let base = if choice.mechanism == Mechanism::VgSplit {
            vg.name.as_str()
        } else {
            first.lv.as_str()
        };
        let subject = if choice.mechanism == Mechanism::VgSplit {
            Subject::Vg(vg.name.clone())
        } else {
            Subject::Lv(first.lv.clone())
        };
        let named_by_us = !matches!(
            choice.mechanism,
            Mechanism::FsSplitCopy | Mechanism::TrackedImageSplit
        );
        if named_by_us && leftover(base, subject, problems) {
            continue;
        }
        let split_name = match choice.mechanism {
            Mechanism::VgSplit => {
                match unique(vg.name.as_str(), &mut taken).and_then(|n| VgName::new(n).ok()) {
                    Some(n) => SplitName::SnapshotVg(n),
                    None => continue,
                }
            }
            Mechanism::LvCopy | Mechanism::FullResyncSplit => {
                let Some(name) =
                    unique(first.lv.as_str(), &mut taken).and_then(|n| LvName::new(n).ok())
                else {
                    continue;
                };
                if choice.mechanism == Mechanism::LvCopy {
                    SplitName::BackupLv(name)
                } else {
                    SplitName::DetachedLv(name)
                }
            }
            Mechanism::TrackedImageSplit => {
                let image = format!("{}_rimage_{}", first.lv, copy.index());
                match LvName::new(image) {
                    Ok(name) => SplitName::TrackedImage(name),
                    Err(e) => {
                        problems.push(Problem::new(
                            ProblemCode::UnsupportedByBackend,
                            Severity::Warning,
                            Subject::Lv(first.lv.clone()),
                            format!("its split image would have an invalid name: {e}"),
                        ));
                        continue;
                    }
                }
            }
            Mechanism::FsSplitCopy => {
                let path = work_dir.join("split").join(first.lv.as_str());
                match MountPoint::new(path.to_string_lossy().into_owned()) {
                    Ok(mp) => SplitName::SplitMount(mp),
                    Err(e) => {
                        problems.push(Problem::new(
                            ProblemCode::WorkDirUnusable,
                            Severity::Error,
                            Subject::WorkDir(work_dir.to_path_buf()),
                            format!("split copies cannot be mounted under it: {e}"),
                        ));
                        continue;
                    }
                }
            }
        };
        units.push(SplitUnit {
            id: units.len() as u32,
            mechanism: choice.mechanism,
            vg: vg.name.clone(),
            copy,
            lvs,
            split_name,
        });
    }
    units
}

/// The `n`-th name offmirror gives a split copy of the VG or LV `base`: `base` shortened
/// to fit 15 characters, plus `_om` (`n` = 0) or `_om<n>` when two targets shorten to
/// the same text. Backends use it to recognise a split left in place.
///
/// ```
/// use offmirror_core::split_copy_name;
/// assert_eq!(split_copy_name("datavg", 0), "datavg_om");
/// assert_eq!(split_copy_name("averyverylongvg", 1), "averyverylo_om1");
/// ```
pub fn split_copy_name(base: &str, n: u32) -> String {
    let tail = if n == 0 {
        SUFFIX.to_string()
    } else {
        format!("{SUFFIX}{n}")
    };
    let keep = MAX_LVM_NAME_LEN.saturating_sub(tail.len()).min(base.len());
    format!("{}{tail}", base.get(..keep).unwrap_or(base))
}

fn first_candidate(base: &str) -> String {
    split_copy_name(base, 0)
}

/// The first free candidate name for `base`, reserved once chosen. Names are numbered
/// when two targets shorten to the same text.
fn unique(base: &str, taken: &mut HashSet<String>) -> Option<String> {
    (0..1000u32)
        .map(|n| split_copy_name(base, n))
        .find(|c| taken.insert(c.clone()))
}
