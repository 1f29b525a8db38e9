//! The planner on a Linux LVM2 host: the tracked image split, freezes for ext4 and XFS,
//! backend blockers as problems, and fixes in LVM2's own commands.

use offmirror_core::{
    BackupRequest, Capabilities, CopyNumber, Dialect, FileSystem, HookPhase, HookSpec, Inventory,
    LocalFacts, LogDevice, LogicalVolume, LvBlocker, LvName, LvType, Mechanism, MirrorCopy,
    MountPoint, PhysicalVolume, PpRef, Preview, ProblemCode, PvName, PvState, SplitMark, SplitName,
    SplitVia, Step, Subject, Vfs, VgName, VolumeGroup, plan,
};

type TestResult = Result<(), Box<dyn std::error::Error>>;

fn lvm2_caps() -> Capabilities {
    Capabilities {
        backend: "lvm2".into(),
        mechanisms: vec![Mechanism::TrackedImageSplit],
        freeze: true,
        dialect: Dialect::Lvm2,
        counts_written: false,
    }
}

/// An LV of `lps` extents with one copy per PV index in `legs`.
fn lv(
    name: &str,
    lv_type: LvType,
    lps: u32,
    legs: &[u16],
) -> Result<LogicalVolume, Box<dyn std::error::Error>> {
    let copies = legs
        .iter()
        .map(|&pv| MirrorCopy {
            pps: (0..lps)
                .map(|i| {
                    Some(PpRef {
                        pv,
                        pp: i + 1,
                        stale: false,
                    })
                })
                .collect(),
        })
        .collect();
    Ok(LogicalVolume {
        name: LvName::new(name)?,
        lv_type,
        lps,
        copies,
        open: false,
        split: None,
        blockers: Vec::new(),
    })
}

fn host() -> Result<Inventory, Box<dyn std::error::Error>> {
    let pvs = ["/dev/vda", "/dev/vdb", "/dev/vdc"]
        .iter()
        .map(|n| {
            Ok(PhysicalVolume {
                name: PvName::new(*n)?,
                state: PvState::Active,
                total_pps: 255,
            })
        })
        .collect::<Result<Vec<_>, offmirror_core::NameError>>()?;
    let mut data = lv("data", LvType::Ext4, 8, &[0, 1])?;
    data.open = true;
    let mut lvs = vec![
        data,
        lv("logs", LvType::Xfs, 80, &[0, 1, 2])?,
        lv("rawdb", LvType::Raw, 4, &[1, 2])?,
        lv("lin", LvType::Raw, 4, &[2])?,
    ];
    let blocked = [
        (
            "r5",
            LvBlocker::UnsupportedLayout {
                layout: "raid5".into(),
            },
        ),
        ("integ", LvBlocker::RaidIntegrity),
        (
            "slow",
            LvBlocker::NotInSync {
                action: "resync".into(),
                percent: "6.45".into(),
            },
        ),
        ("garbled", LvBlocker::Mismatches { count: 4096 }),
        ("idle", LvBlocker::Inactive),
        (
            "btr",
            LvBlocker::FsNotFreezable {
                fs_type: "btrfs".into(),
                mount_point: "/b".into(),
            },
        ),
    ];
    for (name, blocker) in blocked {
        let mut l = lv(name, LvType::Raw, 4, &[0, 1])?;
        l.blockers.push(blocker);
        lvs.push(l);
    }
    let mut left = lv("left", LvType::Raw, 4, &[0, 1])?;
    left.split = Some(SplitMark {
        copy: CopyNumber::new(2)?,
        via: SplitVia::TrackedImage {
            image: LvName::new("left_rimage_1")?,
        },
    });
    lvs.push(left);
    Ok(Inventory {
        vgs: vec![VolumeGroup {
            name: VgName::new("vg0")?,
            varied_on: true,
            pp_size_mb: 4,
            pvs,
            lvs,
            snapshot: None,
            snapshot_of: None,
        }],
        filesystems: vec![
            FileSystem {
                mount_point: MountPoint::new("/data")?,
                device: LvName::new("data")?,
                vfs: Vfs::Ext4,
                mounted: true,
                log: LogDevice::Inline,
            },
            FileSystem {
                mount_point: MountPoint::new("/logs")?,
                device: LvName::new("logs")?,
                vfs: Vfs::Xfs,
                mounted: true,
                log: LogDevice::Inline,
            },
        ],
    })
}

fn preview_of(inventory: &Inventory, request: &BackupRequest) -> Preview {
    plan(
        inventory,
        request,
        &lvm2_caps(),
        &LocalFacts::assume_usable(request),
    )
}

fn whole_vg() -> Result<BackupRequest, Box<dyn std::error::Error>> {
    Ok(BackupRequest::builder("/var/lib/offmirror")
        .vg(VgName::new("vg0")?)
        .hook(HookPhase::Backup, HookSpec::new("/usr/local/bin/backup"))
        .build())
}

fn fix_of(preview: &Preview, code: ProblemCode, lv: &str) -> Option<String> {
    preview
        .problems
        .iter()
        .find(|p| p.code == code && matches!(&p.subject, Subject::Lv(n) if n.as_str() == lv))
        .and_then(|p| p.fix.clone())
}

#[test]
fn splittable_lvs_get_a_tracked_image_split_each() -> TestResult {
    let preview = preview_of(&host()?, &whole_vg()?);
    let units: Vec<(&str, Mechanism, String)> = preview
        .plan
        .units
        .iter()
        .map(|u| (u.lvs[0].lv.as_str(), u.mechanism, u.split_name.to_string()))
        .collect();
    assert_eq!(
        units,
        [
            (
                "data",
                Mechanism::TrackedImageSplit,
                "split image data_rimage_1".to_string()
            ),
            (
                "logs",
                Mechanism::TrackedImageSplit,
                "split image logs_rimage_1".to_string()
            ),
            (
                "rawdb",
                Mechanism::TrackedImageSplit,
                "split image rawdb_rimage_1".to_string()
            ),
        ]
    );
    assert!(
        matches!(&preview.plan.units[0].split_name, SplitName::TrackedImage(n) if n.as_str() == "data_rimage_1")
    );
    Ok(())
}

#[test]
fn copy_three_names_the_third_image() -> TestResult {
    let mut request = BackupRequest::builder("/w")
        .lv(LvName::new("logs")?)
        .copy(CopyNumber::new(3)?)
        .hook(HookPhase::Backup, HookSpec::new("/usr/local/bin/backup"))
        .build();
    request.policy.min_copies_left = 1;
    let preview = preview_of(&host()?, &request);
    assert!(preview.is_runnable(), "{:?}", preview.problems);
    assert!(
        matches!(&preview.plan.units[0].split_name, SplitName::TrackedImage(n) if n.as_str() == "logs_rimage_2")
    );
    Ok(())
}

#[test]
fn mounted_ext4_and_xfs_are_frozen_around_the_splits_and_raw_lvs_are_not() -> TestResult {
    let preview = preview_of(&host()?, &whole_vg()?);
    let steps = &preview.plan.steps;
    let freezes: Vec<&str> = steps
        .iter()
        .filter_map(|s| match s {
            Step::Freeze { mount_point, .. } => Some(mount_point.as_str()),
            _ => None,
        })
        .collect();
    assert_eq!(freezes, ["/data", "/logs"]);
    let first_split = steps.iter().position(|s| matches!(s, Step::Split { .. }));
    let last_freeze = steps.iter().rposition(|s| matches!(s, Step::Freeze { .. }));
    let first_thaw = steps.iter().position(|s| matches!(s, Step::Thaw { .. }));
    let last_split = steps.iter().rposition(|s| matches!(s, Step::Split { .. }));
    assert!(
        last_freeze < first_split && last_split < first_thaw,
        "{steps:?}"
    );
    Ok(())
}

#[test]
fn backend_blockers_become_warnings_with_lvm2_fixes() -> TestResult {
    let preview = preview_of(&host()?, &whole_vg()?);
    let expect = [
        (
            ProblemCode::UnsupportedLayout,
            "r5",
            "lvconvert --type raid1 vg0/r5",
        ),
        (
            ProblemCode::RaidIntegrity,
            "integ",
            "lvconvert --raidintegrity n vg0/integ",
        ),
        (
            ProblemCode::NotInSync,
            "slow",
            "lvs -o sync_percent vg0/slow",
        ),
        (
            ProblemCode::MirrorMismatches,
            "garbled",
            "lvchange --syncaction repair vg0/garbled",
        ),
        (ProblemCode::LvInactive, "idle", "lvchange -ay vg0/idle"),
        (ProblemCode::FsNotFreezable, "btr", "unmount /b"),
        (
            ProblemCode::LeftoverSplit,
            "left",
            "lvconvert --mergemirrors vg0/left_rimage_1",
        ),
        (
            ProblemCode::LvNotMirrored,
            "lin",
            "lvconvert --type raid1 -m 1 vg0/lin",
        ),
    ];
    for (code, lv, fix) in expect {
        let got = fix_of(&preview, code, lv);
        assert!(
            got.as_deref().is_some_and(|f| f.contains(fix)),
            "{code} for {lv}: fix {got:?} lacks {fix:?}"
        );
    }
    for p in &preview.problems {
        let fix = p.fix.clone().unwrap_or_default();
        for aix in [
            "mklvcopy",
            "syncvg",
            "varyonvg",
            "chlvcopy",
            "lsvg",
            "migratepv",
        ] {
            assert!(!fix.contains(aix), "an AIX command in an LVM2 fix: {p}");
        }
    }
    Ok(())
}

#[test]
fn redundancy_policy_asks_for_a_third_leg() -> TestResult {
    let mut request = whole_vg()?;
    request.policy.min_copies_left = 2;
    let preview = preview_of(&host()?, &request);
    assert_eq!(
        fix_of(&preview, ProblemCode::TooFewCopiesLeft, "data").as_deref(),
        Some("lvconvert -m 2 vg0/data <PV>, or lower min_copies_left")
    );
    assert!(fix_of(&preview, ProblemCode::TooFewCopiesLeft, "logs").is_none());
    Ok(())
}

#[test]
fn unknown_names_point_at_the_lvm2_listing_commands() -> TestResult {
    let request = BackupRequest::builder("/w")
        .vg(VgName::new("nosuchvg")?)
        .lv(LvName::new("nosuchlv")?)
        .hook(HookPhase::Backup, HookSpec::new("/usr/local/bin/backup"))
        .build();
    let preview = preview_of(&host()?, &request);
    let fixes: Vec<String> = preview
        .problems
        .iter()
        .filter_map(|p| p.fix.clone())
        .collect();
    assert!(
        fixes
            .iter()
            .any(|f| f == "run vgs to list the volume groups"),
        "{fixes:?}"
    );
    assert!(
        fixes
            .iter()
            .any(|f| f == "run lvs to list the logical volumes"),
        "{fixes:?}"
    );
    Ok(())
}

#[test]
fn the_same_host_under_the_aix_dialect_keeps_aix_fixes() -> TestResult {
    let mut inventory = host()?;
    for lv in &mut inventory.vgs[0].lvs {
        lv.blockers.clear();
        lv.split = None;
    }
    let caps = Capabilities {
        dialect: Dialect::Aix,
        ..lvm2_caps()
    };
    let request = whole_vg()?;
    let preview = plan(
        &inventory,
        &request,
        &caps,
        &LocalFacts::assume_usable(&request),
    );
    let fix = preview
        .problems
        .iter()
        .find(|p| p.code == ProblemCode::LvNotMirrored)
        .and_then(|p| p.fix.clone());
    assert_eq!(fix.as_deref(), Some("mklvcopy lin 2 <disk>; syncvg -l lin"));
    Ok(())
}
