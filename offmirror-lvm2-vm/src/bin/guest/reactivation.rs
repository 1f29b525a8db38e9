//! The LVM2 behaviour behind the backend's rebuild after a reactivation, on two LVs side
//! by side across a crash, both split with `lvconvert --splitmirrors 1 --trackchanges`:
//! `lvx` merged by the backend, `lvy` by the bare `lvconvert --mergemirrors` (the
//! baseline). Both are written while split, the guest is killed, and after
//! the reboot both are written again before the merge. A scrub then counts the mismatched
//! sectors of each: the backend's LV must have none; the baseline's count is printed.

use std::io::Write;
use std::time::Duration;

use offmirror_command::DuctRunner;
use offmirror_core::{
    Applied, CopyNumber, LvName, LvType, Mechanism, SplitName, SplitUnit, UnitLv, VgName,
    VolumeManager, display_chain,
};
use offmirror_lvm2::Lvm2Backend;

use crate::Outcome;
use crate::checks::{check, ensure};
use crate::crash::CRASH_MARKER;
use crate::host::{fresh_vg, make_fs, raid1, scrub, sh, wait_in_sync, write_synced};

const VG: &str = "vgr";

fn unit() -> Result<SplitUnit, String> {
    let name = |n: &str| LvName::new(n).map_err(|e| e.to_string());
    Ok(SplitUnit {
        id: 0,
        mechanism: Mechanism::TrackedImageSplit,
        vg: VgName::new(VG).map_err(|e| e.to_string())?,
        copy: CopyNumber::new(2).map_err(|e| e.to_string())?,
        lvs: vec![UnitLv {
            lv: name("lvx")?,
            lv_type: LvType::Raw,
            lps: 8,
            copies: 2,
            fs: None,
        }],
        split_name: SplitName::TrackedImage(name("lvx_rimage_1")?),
    })
}

fn write_both(version: &str) -> Result<(), String> {
    for lv in ["lvx", "lvy"] {
        write_synced(&format!("/mnt/{lv}/data.txt"), version.as_bytes())?;
    }
    sh(&["sync"]).map(|_| ())
}

/// Boot 1: split both, write, hang until killed.
pub fn split_then_hang() -> Vec<Outcome> {
    let setup = check("reactivation.split_and_write", || {
        fresh_vg(VG)?;
        for lv in ["lvx", "lvy"] {
            let dev = raid1(VG, lv, 2, "32M")?;
            make_fs("ext4", &dev, lv)?;
        }
        write_both("version-1\n")?;
        // Both split the same way, so the only difference is who merges.
        for lv in ["lvx", "lvy"] {
            sh(&[
                "lvm",
                "lvconvert",
                "--yes",
                "--splitmirrors",
                "1",
                "--trackchanges",
                &format!("{VG}/{lv}"),
            ])?;
        }
        write_both("version-2\n")
    });
    if setup.1.is_ok() {
        println!("{CRASH_MARKER}");
        let _ = std::io::stdout().flush();
        std::thread::sleep(Duration::from_secs(300));
    }
    vec![setup]
}

/// Boot 2: write again, merge both, scrub both.
pub fn merge_after_reboot() -> Vec<Outcome> {
    vec![check(
        "reactivation.backend_merge_leaves_identical_legs",
        || {
            sh(&["lvm", "vgchange", "-ay", VG])?;
            for lv in ["lvx", "lvy"] {
                std::fs::create_dir_all(format!("/mnt/{lv}")).map_err(|e| e.to_string())?;
                sh(&[
                    "mount",
                    &format!("/dev/mapper/{VG}-{lv}"),
                    &format!("/mnt/{lv}"),
                ])?;
            }
            write_both("version-3\n")?;
            for lv in ["lvx", "lvy"] {
                sh(&["umount", &format!("/mnt/{lv}")])?;
            }
            sh(&[
                "lvm",
                "lvconvert",
                "--yes",
                "--mergemirrors",
                "vgr/lvy_rimage_1",
            ])?;
            let backend = Lvm2Backend::new(DuctRunner::new());
            let applied = backend.rejoin(&unit()?).map_err(|e| display_chain(&e))?;
            ensure(applied == Applied::Done, || format!("rejoin: {applied:?}"))?;
            for lv in ["lvx", "lvy"] {
                wait_in_sync(VG, lv, Duration::from_secs(120))?;
            }
            let baseline = scrub(VG, "lvy")?;
            let ours = scrub(VG, "lvx")?;
            println!("GUEST-FIGURE reactivation.bare_merge_mismatched_sectors {baseline}");
            println!("GUEST-FIGURE reactivation.backend_merge_mismatched_sectors {ours}");
            ensure(ours == 0, || {
                format!(
                    "{ours} mismatched sectors after the backend's merge (bare merge: {baseline})"
                )
            })
        },
    )]
}
