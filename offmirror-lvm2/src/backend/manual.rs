//! The commands an administrator runs by hand to finish an interrupted run on LVM2 —
//! what `offmirror recover --manual` prints. Built with the backend's own argv builders.

use std::path::Path;

use offmirror_command::display_argv;
use offmirror_core::{SplitName, SplitUnit, Step};

use super::expose::mount_dir;
use crate::commands;

/// Commands for a `Rejoin`, `Resync` or `Verify` step of a unit.
pub(super) fn volume_commands(step: &Step, unit: &SplitUnit) -> Vec<String> {
    let lvs = || unit.lvs.iter().map(|l| format!("{}/{}", unit.vg, l.lv));
    match (step, &unit.split_name) {
        (Step::Rejoin { .. }, SplitName::TrackedImage(image)) => {
            let mut out = vec![
                format!(
                    "# first: `lvm lvs -a -o lv_name,lv_attr,lv_tags,devices {}`; go on only if \
                     it lists {image} without brackets, or an LV tagged {}",
                    unit.vg,
                    commands::REBUILD_TAG
                ),
                "# if the image's LV_rmeta_N shows inactive (5th attr character '-': the LV \
                 was activated again since the split, e.g. by a reboot), the merge cannot be \
                 trusted; record that before merging:"
                    .to_string(),
            ];
            for l in &unit.lvs {
                out.push(display_argv(&commands::add_tag(
                    &unit.vg,
                    &l.lv,
                    commands::REBUILD_TAG,
                )));
            }
            out.push(display_argv(&commands::merge(&unit.vg, image)));
            out.push(format!(
                "# then, for an LV tagged {}: wait until lvs shows sync_percent 100.00, \
                 rebuild the image whole and drop the tag:",
                commands::REBUILD_TAG
            ));
            for l in &unit.lvs {
                out.push(format!(
                    "lvm lvchange --yes --rebuild <each PV {image} uses> {}/{}",
                    unit.vg, l.lv
                ));
                out.push(display_argv(&commands::del_tag(
                    &unit.vg,
                    &l.lv,
                    commands::REBUILD_TAG,
                )));
            }
            out
        }
        (Step::Resync { .. }, _) => lvs()
            .map(|lv| {
                format!(
                    "lvm lvs -o lv_name,sync_percent,raid_sync_action {lv}   # the kernel \
                     resyncs by itself; wait for 100.00"
                )
            })
            .collect(),
        (Step::Verify, _) => vec![format!(
            "lvm lvs -a -o lv_name,lv_attr,sync_percent,raid_mismatch_count {}   # no \
             image may show attr I or a visible _rimage_ LV",
            unit.vg
        )],
        _ => vec![format!(
            "{step}: nothing to do by hand for unit {}",
            unit.id
        )],
    }
}

/// Commands for a `Thaw` or `Unexpose` step.
pub(super) fn fs_commands(step: &Step, unit: Option<&SplitUnit>, mount_root: &Path) -> Vec<String> {
    match (step, unit) {
        (Step::Thaw { mount_point }, _) => vec![display_argv(&commands::thaw(mount_point))],
        (Step::Unexpose { .. }, Some(unit)) => unit
            .lvs
            .iter()
            .map(|l| {
                let dir = mount_dir(mount_root, l.lv.as_str());
                format!(
                    "{}   # only if it is mounted",
                    display_argv(&commands::umount(&dir))
                )
            })
            .collect(),
        _ => vec![step.to_string()],
    }
}
