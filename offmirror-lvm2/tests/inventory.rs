//! The inventory built from the reports LVM2 2.03.16 printed in the VM, state by state,
//! checked against facts read off the fixture text; and the core's plan over it.

mod common;

use std::error::Error;

use common::{
    TestResult, edit, extent, inventory, lv, lvs_text, preview, report, report_with_lvs, unit_for,
};
use offmirror_core::{
    CopyNumber, Inventory, LvBlocker, LvName, LvType, Mechanism, ProblemCode, PvName, PvState,
    Severity, SplitMark, SplitName, SplitVia, Step, Subject, Vfs,
};
use offmirror_lvm2::inventory::build_inventory;

fn lv_names(inv: &Inventory) -> Vec<String> {
    inv.vgs
        .iter()
        .flat_map(|vg| vg.lvs.iter().map(|lv| lv.name.to_string()))
        .collect()
}

fn pv_names(inv: &Inventory) -> Vec<String> {
    inv.vgs
        .iter()
        .flat_map(|vg| vg.pvs.iter().map(|pv| pv.name.to_string()))
        .collect()
}

fn mounts(inv: &Inventory) -> Vec<(String, String, Vfs)> {
    inv.filesystems
        .iter()
        .map(|fs| (fs.mount_point.to_string(), fs.device.to_string(), fs.vfs))
        .collect()
}

fn tracked(copy: u8, image: &str) -> Result<Option<SplitMark>, Box<dyn Error>> {
    Ok(Some(SplitMark {
        copy: CopyNumber::new(copy)?,
        via: SplitVia::TrackedImage {
            image: LvName::new(image)?,
        },
    }))
}

/// The invariants the core's conformance suite checks, on every captured state.
#[test]
fn every_state_gives_a_consistent_inventory() -> TestResult {
    for state in common::STATES {
        let inv = inventory(state)?;
        assert_eq!(inv.vgs.len(), 1, "{state}");
        for vg in &inv.vgs {
            assert_eq!(vg.name.as_str(), "vg0", "{state}");
            assert!(vg.varied_on, "{state}");
            assert_eq!(vg.pp_size_mb, 4, "{state}: 4 MiB extents");
            assert_eq!(vg.pvs.len(), 3, "{state}");
            assert!(vg.pvs.iter().all(|p| p.total_pps == 255), "{state}");
            for lv in &vg.lvs {
                assert!(
                    (1..=3).contains(&lv.copies.len()),
                    "{state}: {} has {} copies",
                    lv.name,
                    lv.copies.len()
                );
                for copy in &lv.copies {
                    assert_eq!(copy.pps.len(), lv.lps as usize, "{state}: {}", lv.name);
                    assert!(
                        copy.pps
                            .iter()
                            .flatten()
                            .all(|p| usize::from(p.pv) < vg.pvs.len()),
                        "{state}: {}",
                        lv.name
                    );
                }
            }
        }
        for fs in &inv.filesystems {
            assert!(inv.lv(&fs.device).is_some(), "{state}: {}", fs.mount_point);
        }
    }
    Ok(())
}

#[test]
fn normal_lists_top_level_lvs_with_their_copies() -> TestResult {
    let inv = inventory("normal")?;
    assert_eq!(lv_names(&inv), ["data", "data3", "plain", "r5"]);
    assert_eq!(pv_names(&inv), ["/dev/vda", "/dev/vdb", "/dev/vdc"]);
    let vg = inv.vgs.first().ok_or("no VG")?;
    assert!(vg.pvs.iter().all(|p| p.state == PvState::Active));

    let counts: Vec<(String, usize, u32)> = vg
        .lvs
        .iter()
        .map(|lv| (lv.name.to_string(), lv.copies.len(), lv.lps))
        .collect();
    let expected = [
        ("data", 2, 8),
        ("data3", 3, 4),
        ("plain", 1, 4),
        ("r5", 1, 4),
    ];
    let expected: Vec<(String, usize, u32)> = expected
        .iter()
        .map(|(n, c, l)| ((*n).to_string(), *c, *l))
        .collect();
    assert_eq!(counts, expected);

    let data = lv(&inv, "data")?;
    assert!(data.blockers.is_empty(), "{:?}", data.blockers);
    assert_eq!(data.split, None);
    assert!(data.open, "rwi-aor---: open");
    assert_eq!(data.lv_type, LvType::Ext4);
    // [data_rimage_0] is /dev/vda(1), [data_rimage_1] /dev/vdb(1), 8 extents each.
    assert_eq!(extent(data, 1, 0)?, Some((0, 2, false)));
    assert_eq!(extent(data, 1, 7)?, Some((0, 9, false)));
    assert_eq!(extent(data, 2, 0)?, Some((1, 2, false)));
    assert_eq!(extent(data, 2, 7)?, Some((1, 9, false)));
    assert_eq!(data.stale_pps(), 0);

    let data3 = lv(&inv, "data3")?;
    assert!(data3.blockers.is_empty(), "{:?}", data3.blockers);
    assert!(!data3.open, "rwi-a-r---: not open");
    assert_eq!(data3.lv_type, LvType::Raw);
    // /dev/vda(10), /dev/vdb(10), /dev/vdc(1).
    assert_eq!(extent(data3, 1, 0)?, Some((0, 11, false)));
    assert_eq!(extent(data3, 2, 3)?, Some((1, 14, false)));
    assert_eq!(extent(data3, 3, 0)?, Some((2, 2, false)));
    assert_eq!(extent(data3, 3, 3)?, Some((2, 5, false)));

    // Two segments: extents 0-1 on /dev/vda(14), 2-3 on /dev/vdc(8).
    let plain = lv(&inv, "plain")?;
    assert!(plain.blockers.is_empty(), "{:?}", plain.blockers);
    let mapped: Vec<Option<(u16, u32, bool)>> = (0..4)
        .map(|lp| extent(plain, 1, lp))
        .collect::<Result<_, _>>()?;
    assert_eq!(
        mapped,
        [
            Some((0, 15, false)),
            Some((0, 16, false)),
            Some((2, 9, false)),
            Some((2, 10, false))
        ]
    );

    let r5 = lv(&inv, "r5")?;
    assert_eq!(
        r5.blockers,
        [LvBlocker::UnsupportedLayout {
            layout: "raid5".into()
        }]
    );
    Ok(())
}

#[test]
fn normal_has_one_file_system_on_data() -> TestResult {
    let inv = inventory("normal")?;
    // /var/lib/offmirror (252:48, /dev/vdd) is not an LV; /mnt/data is 254:4 = data.
    assert_eq!(
        mounts(&inv),
        [("/mnt/data".to_string(), "data".to_string(), Vfs::Ext4)]
    );
    assert!(inv.filesystems.iter().all(|fs| fs.mounted));
    Ok(())
}

#[test]
fn split_marks_data_and_hides_the_visible_image() -> TestResult {
    let inv = inventory("split")?;
    // data_rimage_1 is printed without brackets now, but it is still a sub-LV.
    assert_eq!(lv_names(&inv), ["data", "data3", "plain", "r5"]);
    let data = lv(&inv, "data")?;
    assert_eq!(data.split, tracked(2, "data_rimage_1")?);
    assert_eq!(data.copies.len(), 2);
    assert_eq!(extent(data, 2, 0)?, Some((1, 2, false)));
    assert!(data.blockers.is_empty(), "{:?}", data.blockers);
    assert_eq!(lv(&inv, "data3")?.split, None);
    assert_eq!(lv(&inv, "plain")?.split, None);
    // /split (254:3) is the image's mount, not a file system of any LV.
    assert_eq!(
        mounts(&inv),
        [("/mnt/data".to_string(), "data".to_string(), Vfs::Ext4)]
    );
    Ok(())
}

#[test]
fn reactivated_still_shows_the_split_and_nothing_mounted() -> TestResult {
    let inv = inventory("reactivated")?;
    assert_eq!(lv_names(&inv), ["data", "data3", "plain", "r5"]);
    let data = lv(&inv, "data")?;
    assert_eq!(data.split, tracked(2, "data_rimage_1")?);
    assert_eq!(data.lv_type, LvType::Raw, "nothing is mounted");
    assert!(!data.open, "rwi-a-r---");
    assert!(inv.filesystems.is_empty());
    Ok(())
}

#[test]
fn syncing_blocks_slow_and_marks_what_the_resync_has_not_reached() -> TestResult {
    let inv = inventory("syncing")?;
    assert_eq!(lv_names(&inv), ["data", "data3", "plain", "r5", "slow"]);
    let slow = lv(&inv, "slow")?;
    assert_eq!(slow.lps, 50);
    assert_eq!(slow.copies.len(), 2);
    assert!(
        slow.blockers.contains(&LvBlocker::NotInSync {
            action: "resync".into(),
            percent: "0.00".into()
        }),
        "{:?}",
        slow.blockers
    );
    // slow_rimage_0 is /dev/vda(20), slow_rimage_1 /dev/vdb(18); sync_percent 0.00 and
    // LVM shows both images `I` (out of sync) during the initial resync, so every
    // extent of both is stale.
    assert_eq!(extent(slow, 1, 0)?, Some((0, 21, true)));
    assert_eq!(extent(slow, 2, 49)?, Some((1, 68, true)));
    assert_eq!(slow.stale_pps(), 100);
    // The LVs in sync have nothing stale and no blocker.
    for name in ["data", "data3", "plain"] {
        let other = lv(&inv, name)?;
        assert_eq!(other.stale_pps(), 0, "{name}");
        assert!(other.blockers.is_empty(), "{name}: {:?}", other.blockers);
    }
    Ok(())
}

/// The same capture with the resync 40% through a recovery of image 1 only (as after a
/// `lvchange --rebuild`): stale from extent floor(50 * 0.40) = 20 on, in that image only.
#[test]
fn a_recovery_marks_only_the_out_of_sync_image_beyond_the_sync_point() -> TestResult {
    let text = edit(
        &lvs_text("syncing")?,
        r#""sync_percent":"0.00", "lv_health_status":"", "raid_sync_action":"resync""#,
        r#""sync_percent":"40.00", "lv_health_status":"", "raid_sync_action":"recover""#,
    )?;
    let text = edit(
        &text,
        r#""lv_name":"[slow_rimage_0]", "lv_uuid":"PFVSSY-rADg-sFoe-2UtP-I2bg-edK9-LYbnoq", "lv_attr":"Iwi-aor---""#,
        r#""lv_name":"[slow_rimage_0]", "lv_uuid":"PFVSSY-rADg-sFoe-2UtP-I2bg-edK9-LYbnoq", "lv_attr":"iwi-aor---""#,
    )?;
    let inv = build_inventory(&report_with_lvs("syncing", &text)?)?;
    let slow = lv(&inv, "slow")?;
    assert!(
        slow.blockers.contains(&LvBlocker::NotInSync {
            action: "recover".into(),
            percent: "40.00".into()
        }),
        "{:?}",
        slow.blockers
    );
    let copy1 = slow.copies.first().ok_or("no copy 1")?;
    let copy2 = slow.copies.get(1).ok_or("no copy 2")?;
    assert_eq!(copy1.stale_pps(), 0);
    assert_eq!(copy2.stale_pps(), 30);
    assert_eq!(extent(slow, 2, 19)?, Some((1, 38, false)));
    assert_eq!(extent(slow, 2, 20)?, Some((1, 39, true)));
    assert_eq!(extent(slow, 2, 49)?, Some((1, 68, true)));
    Ok(())
}

/// A check scrub runs with sync_percent below 100 but nothing is stale or blocked by it.
#[test]
fn a_check_scrub_is_not_a_resync() -> TestResult {
    let text = edit(
        &lvs_text("syncing")?,
        r#""sync_percent":"0.00", "lv_health_status":"", "raid_sync_action":"resync""#,
        r#""sync_percent":"12.00", "lv_health_status":"", "raid_sync_action":"check""#,
    )?;
    let inv = build_inventory(&report_with_lvs("syncing", &text)?)?;
    let slow = lv(&inv, "slow")?;
    assert_eq!(slow.stale_pps(), 0);
    assert!(
        !slow
            .blockers
            .iter()
            .any(|b| matches!(b, LvBlocker::NotInSync { .. })),
        "{:?}",
        slow.blockers
    );
    Ok(())
}

#[test]
fn missing_pv_is_named_by_uuid_and_keeps_its_extents() -> TestResult {
    let inv = inventory("missing_pv")?;
    assert_eq!(
        pv_names(&inv),
        [
            "/dev/vda",
            "/dev/vdb",
            "qkrepj-BvIH-5qEv-8zSp-Bb0e-7LNV-DMfnIg"
        ]
    );
    let vg = inv.vgs.first().ok_or("no VG")?;
    let states: Vec<PvState> = vg.pvs.iter().map(|p| p.state).collect();
    assert_eq!(states, [PvState::Active, PvState::Active, PvState::Missing]);
    assert_eq!(lv_names(&inv), ["data", "data3", "plain", "r5"]);
    // plain's second segment is [unknown](8): PV #2, extents 9 and 10.
    let plain = lv(&inv, "plain")?;
    assert_eq!(extent(plain, 1, 1)?, Some((0, 16, false)));
    assert_eq!(extent(plain, 1, 2)?, Some((2, 9, false)));
    assert_eq!(extent(plain, 1, 3)?, Some((2, 10, false)));
    // data3's third image is [unknown](1).
    let data3 = lv(&inv, "data3")?;
    assert_eq!(extent(data3, 3, 0)?, Some((2, 2, false)));
    // data is on vda and vdb only.
    let data = lv(&inv, "data")?;
    assert!(
        data.copies
            .iter()
            .flat_map(|c| c.pps.iter().flatten())
            .all(|p| p.pv < 2)
    );
    Ok(())
}

#[test]
fn missing_pv_blocks_the_whole_vg_in_the_plan() -> TestResult {
    let preview = preview(&inventory("missing_pv")?)?;
    assert!(preview.plan.units.is_empty(), "{:?}", preview.plan.units);
    let subject = Subject::Pv(PvName::new("qkrepj-BvIH-5qEv-8zSp-Bb0e-7LNV-DMfnIg")?);
    let missing: Vec<(Severity, &Subject)> = preview
        .problems
        .iter()
        .filter(|p| p.code == ProblemCode::MissingPvs)
        .map(|p| (p.severity, &p.subject))
        .collect();
    assert_eq!(missing, [(Severity::Error, &subject)]);
    assert!(!preview.is_runnable());
    Ok(())
}

#[test]
fn plan_on_normal_splits_the_raid1_lvs_and_freezes_data() -> TestResult {
    let preview = preview(&inventory("normal")?)?;
    let data = unit_for(&preview, "data")?;
    assert_eq!(data.mechanism, Mechanism::TrackedImageSplit);
    assert_eq!(
        data.split_name,
        SplitName::TrackedImage(LvName::new("data_rimage_1")?)
    );
    assert_eq!(data.copy.get(), 2);
    let data_lv = data.lvs.first().ok_or("empty unit")?;
    assert_eq!((data_lv.lps, data_lv.copies), (8, 2));
    assert_eq!(
        data_lv.fs.as_ref().map(|f| (f.mount_point.as_str(), f.vfs)),
        Some(("/mnt/data", Vfs::Ext4))
    );
    let data3 = unit_for(&preview, "data3")?;
    assert_eq!(data3.mechanism, Mechanism::TrackedImageSplit);
    assert_eq!(
        data3.split_name,
        SplitName::TrackedImage(LvName::new("data3_rimage_1")?)
    );
    assert_eq!(data3.lvs.first().map(|l| l.copies), Some(3));
    assert_eq!(preview.plan.units.len(), 2, "{:?}", preview.plan.units);

    let freezes: Vec<&str> = preview
        .plan
        .steps
        .iter()
        .filter_map(|s| match s {
            Step::Freeze { mount_point, .. } => Some(mount_point.as_str()),
            _ => None,
        })
        .collect();
    assert_eq!(freezes, ["/mnt/data"]);

    let plain_subject = Subject::Lv(LvName::new("plain")?);
    let plain = preview
        .problems
        .iter()
        .find(|p| p.subject == plain_subject)
        .ok_or("no problem for plain")?;
    assert_eq!(plain.code, ProblemCode::LvNotMirrored);
    assert!(
        plain
            .fix
            .as_deref()
            .is_some_and(|f| f.contains("lvconvert --type raid1")),
        "{plain:?}"
    );
    let r5_subject = Subject::Lv(LvName::new("r5")?);
    let r5 = preview
        .problems
        .iter()
        .find(|p| p.subject == r5_subject)
        .ok_or("no problem for r5")?;
    assert_eq!(r5.code, ProblemCode::UnsupportedLayout);
    Ok(())
}

#[test]
fn plan_on_split_reports_the_leftover_with_the_merge_command() -> TestResult {
    let preview = preview(&inventory("split")?)?;
    let subject = Subject::Lv(LvName::new("data")?);
    let leftover = preview
        .problems
        .iter()
        .find(|p| p.subject == subject && p.code == ProblemCode::LeftoverSplit)
        .ok_or_else(|| format!("no leftover split for data in {:?}", preview.problems))?;
    assert_eq!(leftover.severity, Severity::Error);
    assert!(
        leftover
            .fix
            .as_deref()
            .is_some_and(|f| f.contains("lvconvert --mergemirrors vg0/data_rimage_1")),
        "{leftover:?}"
    );
    assert!(!preview.is_runnable());
    // data3 is untouched and still planned.
    assert!(unit_for(&preview, "data3").is_ok());
    assert!(unit_for(&preview, "data").is_err());
    Ok(())
}

#[test]
fn plan_on_syncing_skips_slow_as_not_in_sync() -> TestResult {
    let preview = preview(&inventory("syncing")?)?;
    let subject = Subject::Lv(LvName::new("slow")?);
    let codes: Vec<ProblemCode> = preview
        .problems
        .iter()
        .filter(|p| p.subject == subject)
        .map(|p| p.code)
        .collect();
    assert_eq!(codes, [ProblemCode::NotInSync]);
    assert!(unit_for(&preview, "slow").is_err());
    Ok(())
}

/// The report a backend would read: `HostReport` parses all four fixtures of each state.
#[test]
fn every_fixture_parses() -> TestResult {
    for state in common::STATES {
        let r = report(state)?;
        assert_eq!(r.vgs.len(), 1, "{state}");
        assert_eq!(r.pvs.len(), 3, "{state}");
        assert!(r.lvs.len() >= 21, "{state}: {}", r.lvs.len());
        assert!(r.mounts.len() >= 9, "{state}");
    }
    Ok(())
}

/// LVM2 allows raid1 LVs of more than three legs; the model holds three copies. Such an
/// LV is mapped over its first three images and blocked, naming a split image if any.
#[test]
fn raid1_with_four_legs_is_blocked_and_names_its_split_image()
-> Result<(), Box<dyn std::error::Error>> {
    use offmirror_core::LvBlocker;
    use offmirror_lvm2::inventory::{HostReport, build_inventory};
    use offmirror_lvm2::parse::{parse_lvs, parse_pvs, parse_vgs};
    let image = |k: usize, hidden: bool| {
        let name = format!("wide_rimage_{k}");
        let shown = if hidden { format!("[{name}]") } else { name };
        let attr = if hidden { "iwi-aor---" } else { "Iri-a-r---" };
        format!(
            r#"{{"vg_name":"vg0","lv_name":"{shown}","lv_attr":"{attr}","segtype":"linear","lv_role":"private,raid,image","seg_start_pe":"0","seg_size_pe":"2","devices":"/dev/vd{}(1)"}}"#,
            (b'a' + k as u8) as char
        )
    };
    let rows = [
        r#"{"vg_name":"vg0","lv_name":"wide","lv_attr":"rwi-a-r---","segtype":"raid1","sync_percent":"100.00","raid_sync_action":"idle","lv_role":"public","seg_start_pe":"0","seg_size_pe":"2","devices":"wide_rimage_0(0),wide_rimage_1(0),wide_rimage_2(0),wide_rimage_3(0)"}"#.to_string(),
        image(0, true),
        image(1, true),
        image(2, true),
        image(3, false),
    ];
    let pvs: Vec<String> = (0..4)
        .map(|k| {
            format!(
                r#"{{"pv_name":"/dev/vd{}","vg_name":"vg0","pv_pe_count":"10"}}"#,
                (b'a' + k as u8) as char
            )
        })
        .collect();
    let inventory = build_inventory(&HostReport {
        vgs: parse_vgs(r#"{"report":[{"vg":[{"vg_name":"vg0","vg_extent_size":"4194304"}]}]}"#)?,
        pvs: parse_pvs(&format!(r#"{{"report":[{{"pv":[{}]}}]}}"#, pvs.join(",")))?,
        lvs: parse_lvs(&format!(r#"{{"report":[{{"lv":[{}]}}]}}"#, rows.join(",")))?,
        mounts: Vec::new(),
    })?;
    let lv = inventory
        .vgs
        .first()
        .and_then(|vg| vg.lvs.first())
        .ok_or("no LV")?;
    assert_eq!(lv.copies.len(), 3);
    assert!(lv.split.is_none());
    assert!(
        lv.blockers.iter().any(|b| matches!(
            b,
            LvBlocker::UnsupportedLayout { layout } if layout.contains("4 images") && layout.contains("wide_rimage_3")
        )),
        "{:?}",
        lv.blockers
    );
    Ok(())
}

/// A raid1 LV created with `--raidintegrity y` (captured in the VM: its images have
/// segtype `integrity` and sit on `_iorig` sub-LVs). LVM refuses a tracked split of it
/// ("Command on LV vg0/integ is invalid on LV with properties:
/// lv_is_raid_with_integrity"), so the inventory blocks it and the plan says why.
#[test]
fn raid_integrity_is_blocked_with_its_fix() -> TestResult {
    use offmirror_core::{LvBlocker, ProblemCode};
    let report = common::report_with_lvs("normal", &common::fixture("integrity", "lvs.json")?)?;
    let inventory = offmirror_lvm2::inventory::build_inventory(&report)?;
    let integ = common::lv(&inventory, "integ")?;
    assert_eq!(integ.copies.len(), 2);
    assert_eq!(integ.blockers, [LvBlocker::RaidIntegrity]);
    let preview = common::preview(&inventory)?;
    let problem = preview
        .problems
        .iter()
        .find(|p| p.code == ProblemCode::RaidIntegrity)
        .ok_or("no raid_integrity problem")?;
    assert_eq!(
        problem.fix.as_deref(),
        Some("lvconvert --raidintegrity n vg0/integ")
    );
    assert!(
        preview
            .plan
            .units
            .iter()
            .all(|u| u.lvs.iter().all(|l| l.lv.as_str() != "integ"))
    );
    Ok(())
}

/// A file system holding /etc/lvm is never frozen: LVM writes its metadata backups there
/// during the split, which would then hang until the freeze timed out.
#[test]
fn the_root_file_system_is_blocked_not_frozen() -> TestResult {
    use offmirror_core::{LvBlocker, ProblemCode, Step};
    let table = common::mountinfo_text("normal")?.replace(" / /mnt/data ", " / / ");
    let mut report = common::report("normal")?;
    report.mounts = offmirror_lvm2::parse::parse_mountinfo(&table)?;
    let inventory = offmirror_lvm2::inventory::build_inventory(&report)?;
    let data = common::lv(&inventory, "data")?;
    assert_eq!(
        data.blockers,
        [LvBlocker::FreezeBlocksLvm {
            mount_point: "/".into()
        }]
    );
    assert!(inventory.filesystems.is_empty());
    let preview = common::preview(&inventory)?;
    assert!(
        preview
            .problems
            .iter()
            .any(|p| p.code == ProblemCode::FsNotFreezable && p.message.contains("/etc/lvm"))
    );
    assert!(
        !preview
            .plan
            .steps
            .iter()
            .any(|s| matches!(s, Step::Freeze { .. }))
    );
    Ok(())
}
