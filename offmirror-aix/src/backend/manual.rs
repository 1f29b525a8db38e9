//! The AIX commands an administrator runs by hand to finish an interrupted run — what
//! `offmirror recover --manual` prints. The same argv builders as the backend itself, so
//! the manual and the automatic recovery cannot drift apart.

use std::path::Path;

use offmirror_core::{Mechanism, SplitName, SplitUnit, Step};

use super::expose::{exposed_lvs, mount_dir};
use crate::commands;
use crate::runner::display_argv;

/// Commands for a `Rejoin`, `Resync` or `Verify` step of a unit.
pub(super) fn volume_commands(step: &Step, unit: &SplitUnit) -> Vec<String> {
    let show = |argv: Vec<String>| display_argv(&argv);
    match (step, unit.mechanism, &unit.split_name) {
        (Step::Rejoin { .. }, Mechanism::VgSplit, SplitName::SnapshotVg(snap)) => vec![
            format!("# only if `lsvg` still lists {snap}:"),
            show(commands::joinvg(&unit.vg)),
        ],
        (Step::Rejoin { .. }, Mechanism::FsSplitCopy, SplitName::SplitMount(mount)) => vec![
            format!("# only if `mount` still shows {mount}:"),
            show(commands::rmfs(mount)),
        ],
        (Step::Rejoin { .. }, Mechanism::LvCopy, SplitName::BackupLv(backup)) => unit
            .lvs
            .iter()
            .flat_map(|lv| {
                [
                    format!("# only if `lsvg -l {}` still lists {backup}:", unit.vg),
                    show(commands::chlvcopy_unmark(&lv.lv)),
                ]
            })
            .collect(),
        (Step::Rejoin { .. }, Mechanism::FullResyncSplit, SplitName::DetachedLv(detached)) => {
            let mut out = vec![
                format!("# only if `lsvg -l {}` still lists {detached}:", unit.vg),
                show(commands::rmlv(detached)),
            ];
            for lv in &unit.lvs {
                let copies = usize::from(lv.copies.max(2));
                out.push(format!(
                    "# then, if `lslv {}` shows fewer than {copies} COPIES, on the disks {detached} used:",
                    lv.lv
                ));
                out.push(format!(
                    "{} <disk>...",
                    show(commands::mklvcopy(&lv.lv, copies, &[]))
                ));
            }
            out
        }
        (Step::Resync { .. }, Mechanism::VgSplit, _) => vec![show(commands::syncvg_vg(&unit.vg))],
        (Step::Resync { .. }, _, _) => {
            vec![show(commands::syncvg_lvs(unit.lvs.iter().map(|l| &l.lv)))]
        }
        (Step::Verify, _, _) => vec![
            format!(
                "{}   # STALE PPs must reach 0",
                show(commands::lsvg_detail(&unit.vg))
            ),
            format!(
                "{}   # no LV may show /stale",
                show(commands::lsvg_lvs(&unit.vg))
            ),
        ],
        _ => vec![format!(
            "# {step}: no command for {} {}",
            unit.mechanism, unit.vg
        )],
    }
}

/// Commands for a `Thaw` step, or the `Unexpose` step of a unit.
pub(super) fn fs_commands(step: &Step, unit: Option<&SplitUnit>, mount_root: &Path) -> Vec<String> {
    match (step, unit) {
        (Step::Thaw { mount_point }, _) => vec![display_argv(&commands::thaw(mount_point))],
        (Step::Unexpose { .. }, Some(unit)) if unit.mechanism != Mechanism::FsSplitCopy => {
            exposed_lvs(unit)
                .filter(|(_, l)| l.fs.is_some())
                .filter_map(|(_, l)| mount_dir(mount_root, &l.lv).ok())
                .map(|dir| format!("{}   # if mounted", display_argv(&commands::umount(&dir))))
                .collect()
        }
        (Step::Unexpose { .. }, Some(_)) => {
            vec!["# nothing: rmfs of the split copy unmounts it".to_string()]
        }
        _ => vec![format!("# {step}")],
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use offmirror_core::{CopyNumber, LvName, LvType, MountPoint, UnitFs, UnitLv, Vfs, VgName};

    fn unit(
        mechanism: Mechanism,
        split_name: SplitName,
    ) -> Result<SplitUnit, Box<dyn std::error::Error>> {
        Ok(SplitUnit {
            id: 0,
            mechanism,
            vg: VgName::new("datavg")?,
            copy: CopyNumber::default(),
            lvs: vec![UnitLv {
                lv: LvName::new("datalv")?,
                lv_type: LvType::Jfs2,
                lps: 8,
                copies: 3,
                fs: Some(UnitFs {
                    mount_point: MountPoint::new("/data")?,
                    vfs: Vfs::Jfs2,
                    mounted: true,
                }),
            }],
            split_name,
        })
    }

    #[test]
    fn each_mechanism_has_its_rejoin_commands() -> Result<(), Box<dyn std::error::Error>> {
        let rejoin = Step::Rejoin { unit: 0 };
        let vg = unit(
            Mechanism::VgSplit,
            SplitName::SnapshotVg(VgName::new("datavg_om")?),
        )?;
        assert!(volume_commands(&rejoin, &vg).contains(&"joinvg datavg".to_string()));
        let lv = unit(
            Mechanism::LvCopy,
            SplitName::BackupLv(LvName::new("datalv_om")?),
        )?;
        assert!(volume_commands(&rejoin, &lv).contains(&"chlvcopy -B datalv".to_string()));
        let full = unit(
            Mechanism::FullResyncSplit,
            SplitName::DetachedLv(LvName::new("datalv_om")?),
        )?;
        let cmds = volume_commands(&rejoin, &full);
        assert!(cmds.contains(&"rmlv -f datalv_om".to_string()), "{cmds:?}");
        assert!(
            cmds.iter().any(|c| c.starts_with("mklvcopy datalv 3")),
            "{cmds:?}"
        );
        assert_eq!(
            volume_commands(&Step::Resync { unit: 0 }, &lv),
            ["syncvg -l datalv"]
        );
        assert_eq!(
            volume_commands(&Step::Resync { unit: 0 }, &vg),
            ["syncvg -v datavg"]
        );
        Ok(())
    }

    #[test]
    fn thaw_and_unmount() -> Result<(), Box<dyn std::error::Error>> {
        let thaw = Step::Thaw {
            mount_point: MountPoint::new("/data")?,
        };
        assert_eq!(
            fs_commands(&thaw, None, Path::new("/w/mnt")),
            ["chfs -a freeze=off /data"]
        );
        let lv = unit(
            Mechanism::LvCopy,
            SplitName::BackupLv(LvName::new("datalv_om")?),
        )?;
        let cmds = fs_commands(
            &Step::Unexpose { unit: 0 },
            Some(&lv),
            Path::new("/w/mnt/r1"),
        );
        assert_eq!(cmds, ["umount /w/mnt/r1/datalv   # if mounted"]);
        Ok(())
    }
}
