//! `build_inventory` never panics, never hangs and never allocates beyond what the
//! report's volume groups hold, whatever the rows say: arbitrary extents and sizes,
//! devices naming unknown PVs or LVs, rows of VGs `vgs` does not list, duplicate names,
//! any `sync_percent` (NaN, negative, huge). When it builds an inventory, every copy maps
//! exactly the LV's extents onto PVs of the VG.

use std::error::Error;
use std::time::Duration;

use offmirror_command::{CommandOutput, ScriptedRunner, display_argv};
use offmirror_core::{CopyNumber, Inventory, LvBlocker, LvName, LvType, Mechanism, SplitName};
use offmirror_core::{SplitUnit, UnitLv, VgName, VolumeManager};
use offmirror_lvm2::inventory::{HostReport, build_inventory};
use offmirror_lvm2::parse::{
    LvRow, MountInfo, PvRow, SegmentDevice, VgRow, decode_lv_attr, parse_lvs, parse_pvs, parse_vgs,
};
use offmirror_lvm2::{Lvm2Backend, commands};
use proptest::prelude::*;

type TestResult = Result<(), Box<dyn Error>>;

fn pick(pool: &'static [&'static str]) -> impl Strategy<Value = String> {
    proptest::sample::select(pool).prop_map(str::to_string)
}

/// Mostly present: an absent field is a case, not the rule.
fn maybe(pool: &'static [&'static str]) -> impl Strategy<Value = Option<String>> {
    proptest::option::weighted(0.9, pick(pool))
}

/// Mostly vg0, so that rows meet; sometimes another VG or a name offmirror refuses.
fn vg_name() -> impl Strategy<Value = Option<String>> {
    prop_oneof![
        12 => Just(Some("vg0".to_string())),
        2 => Just(Some("vg1".to_string())),
        1 => Just(None),
        1 => Just(Some("bad name".to_string())),
    ]
}

/// Mostly the names of a raid1 LV and its sub-LVs; sometimes odd ones (`[`, `[]`).
fn lv_name() -> impl Strategy<Value = Option<String>> {
    prop_oneof![
        30 => maybe(LV_NAMES),
        1 => Just(Some("[".to_string())),
        1 => Just(Some("[]".to_string())),
    ]
}

const LV_NAMES: &[&str] = &[
    "data",
    "data",
    "[data_rimage_0]",
    "[data_rimage_1]",
    "data_rimage_1",
    "[data_rimage_2]",
    "[data_rmeta_0]",
    "[data_rmeta_1]",
    "plain",
    "x",
    "[x]",
];
const DEVICE_NAMES: &[&str] = &[
    "/dev/vda",
    "/dev/vda",
    "/dev/vdb",
    "/dev/vdb",
    "/dev/vdc",
    "/dev/nowhere",
    "[unknown]",
    "data_rimage_0",
    "data_rimage_1",
    "data_rimage_2",
    "data",
    "x",
];
const ATTRS: &[&str] = &[
    "rwi-aor---",
    "rwi-a-r---",
    "rwi-a-r-m-",
    "iwi-aor---",
    "Iwi-aor---",
    "Iri-a-r---",
    "Iwi-aor-p-",
    "ewi-aor---",
    "ewi---r---",
    "-wi-a-----",
    "-wi-------",
    "gwi-aor---",
];
const SEGTYPES: &[&str] = &[
    "raid1",
    "raid1",
    "linear",
    "striped",
    "raid5",
    "integrity",
    "thin",
    "error",
];

/// Extent numbers and counts: mostly within a few extents of each other, so that
/// segments, images and PVs overlap; up to 10 000.
fn small() -> impl Strategy<Value = u64> + Clone {
    prop_oneof![4 => 0u64..16, 1 => 0u64..10_000]
}

fn percent() -> impl Strategy<Value = f64> {
    prop_oneof![
        0.0f64..=100.0,
        Just(100.0),
        Just(f64::NAN),
        Just(-1.0),
        Just(-0.0),
        Just(1e300),
        Just(f64::INFINITY),
        Just(f64::NEG_INFINITY),
        any::<f64>(),
    ]
}

fn devices(extents: impl Strategy<Value = u64> + Clone) -> impl Strategy<Value = SegmentDevice> {
    (pick(DEVICE_NAMES), extents)
        .prop_map(|(name, first_extent)| SegmentDevice { name, first_extent })
}

fn vg_row() -> impl Strategy<Value = VgRow> {
    (
        vg_name(),
        proptest::option::of(prop_oneof![Just(4_194_304u64), any::<u64>()]),
        maybe(&["none", "sanlock", "dlm"]),
        maybe(&["shared"]),
    )
        .prop_map(|(vg_name, vg_extent_size, vg_lock_type, vg_shared)| VgRow {
            vg_name,
            vg_extent_size,
            vg_lock_type,
            vg_shared,
            ..VgRow::default()
        })
}

fn pv_row(pe_count: impl Strategy<Value = u64>) -> impl Strategy<Value = PvRow> {
    (
        maybe(&["/dev/vda", "/dev/vdb", "/dev/vdc", "[unknown]", "bad name"]),
        vg_name(),
        maybe(&["qkrepj-BvIH-5qEv", "eQlg3d-bBcE", "bad uuid"]),
        maybe(&["a--", "a-m", "", "m"]),
        proptest::option::of(any::<bool>()),
        proptest::option::weighted(0.9, pe_count),
    )
        .prop_map(
            |(pv_name, vg_name, pv_uuid, pv_attr, pv_missing, pv_pe_count)| PvRow {
                pv_name,
                vg_name,
                pv_uuid,
                pv_attr,
                pv_missing,
                pv_pe_count,
                ..PvRow::default()
            },
        )
}

fn lv_row(extents: impl Strategy<Value = u64> + Clone) -> impl Strategy<Value = LvRow> {
    (
        (
            vg_name(),
            lv_name(),
            proptest::option::weighted(0.9, pick(ATTRS)),
            maybe(SEGTYPES),
            proptest::option::of(percent()),
            maybe(&["idle", "resync", "recover", "check", "repair", "frozen"]),
            proptest::option::of(prop_oneof![Just(0u64), any::<u64>()]),
        ),
        (
            maybe(&[
                "public",
                "public",
                "public",
                "private,raid,image",
                "private,raid,metadata",
                "private",
            ]),
            maybe(&["writeable", "read-only", "unknown"]),
            proptest::option::of(250u32..256),
            proptest::option::of(0u32..8),
            proptest::option::weighted(0.9, extents.clone()),
            proptest::option::weighted(0.9, extents.clone()),
            proptest::option::weighted(0.9, proptest::collection::vec(devices(extents), 0..4)),
        ),
    )
        .prop_map(
            |(
                (vg_name, lv_name, attr, segtype, sync_percent, raid_sync_action, mismatches),
                (role, permissions, major, minor, seg_start_pe, seg_size_pe, devices),
            )| LvRow {
                vg_name,
                lv_name,
                lv_attr: attr.and_then(|a| decode_lv_attr(&a).ok()),
                segtype,
                sync_percent,
                raid_sync_action,
                raid_mismatch_count: mismatches,
                lv_role: role.map(|r| r.split(',').map(str::to_string).collect()),
                lv_permissions: permissions,
                lv_kernel_major: major,
                lv_kernel_minor: minor,
                seg_start_pe,
                seg_size_pe,
                devices,
                lv_dm_path: Some("/dev/mapper/vg0-x".into()),
                ..LvRow::default()
            },
        )
}

fn mount() -> impl Strategy<Value = MountInfo> {
    (
        250u32..256,
        0u32..8,
        pick(&["/", "/sub"]),
        pick(&["/mnt/data", "/mnt/other", "", "relative", "/mnt/a b"]),
        pick(&["ext4", "xfs", "btrfs", "vfat"]),
    )
        .prop_map(|(major, minor, root, mount_point, fs_type)| MountInfo {
            mount_id: 1,
            parent_id: 1,
            major,
            minor,
            root,
            mount_point,
            mount_options: vec!["rw".into()],
            optional_fields: Vec::new(),
            fs_type,
            source: None,
            super_options: Vec::new(),
        })
}

fn host_report(
    extents: impl Strategy<Value = u64> + Clone,
    pe_count: impl Strategy<Value = u64>,
) -> impl Strategy<Value = HostReport> {
    (
        proptest::collection::vec(vg_row(), 1..3),
        proptest::collection::vec(pv_row(pe_count), 0..6),
        proptest::collection::vec(lv_row(extents), 0..16),
        proptest::collection::vec(mount(), 0..3),
    )
        .prop_map(|(vgs, pvs, lvs, mounts)| HostReport {
            vgs,
            pvs,
            lvs,
            mounts,
        })
}

/// What the core's conformance suite checks of an inventory, where the input allows
/// it: every copy covers exactly the LV's extents, every extent sits on a PV of the VG.
fn check_mapping(inv: &Inventory) -> Result<(), TestCaseError> {
    for vg in &inv.vgs {
        for lv in &vg.lvs {
            for copy in &lv.copies {
                prop_assert_eq!(copy.pps.len(), lv.lps as usize, "{}", lv.name);
                for pp in copy.pps.iter().flatten() {
                    prop_assert!(usize::from(pp.pv) < vg.pvs.len(), "{}: {:?}", lv.name, pp);
                    prop_assert!(pp.pp >= 1, "{}: PV extents are 1-based", lv.name);
                }
            }
        }
    }
    for fs in &inv.filesystems {
        prop_assert!(inv.lv(&fs.device).is_some(), "{}", fs.mount_point);
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(1024))]

    /// Small values, so that the rows often describe LVs that overlap what the PVs hold.
    #[test]
    fn small_values_never_panic(report in host_report(small(), small())) {
        if let Ok(inv) = build_inventory(&report) {
            check_mapping(&inv)?;
        }
    }

    /// Extents and first extents anywhere in u64, PVs of realistic size: nothing may
    /// overflow, loop over an absurd segment or allocate one slot per absurd extent.
    #[test]
    fn huge_extents_never_panic_nor_allocate_past_the_vg(
        report in host_report(
            prop_oneof![0u64..16, Just(u64::MAX), Just(u64::MAX / 2), Just(1u64 << 40), any::<u64>()],
            small(),
        )
    ) {
        if let Ok(inv) = build_inventory(&report) {
            check_mapping(&inv)?;
            for vg in &inv.vgs {
                let capacity: u64 = vg.pvs.iter().map(|p| u64::from(p.total_pps)).sum();
                for lv in &vg.lvs {
                    for copy in &lv.copies {
                        prop_assert!(
                            copy.pps.len() as u64 <= capacity,
                            "{} maps {} extents in a VG of {}",
                            lv.name,
                            copy.pps.len(),
                            capacity
                        );
                    }
                }
            }
        }
    }
}

/// One change to a numeric field of the `normal` capture.
#[derive(Debug, Clone)]
enum Change {
    SegStart(proptest::sample::Index, u64),
    SegSize(proptest::sample::Index, u64),
    FirstExtent(proptest::sample::Index, u64),
    SyncPercent(proptest::sample::Index, f64),
    DeviceName(proptest::sample::Index, String),
    PeCount(proptest::sample::Index, u64),
    Attr(proptest::sample::Index, String),
}

fn change() -> impl Strategy<Value = Change> {
    let number = prop_oneof![0u64..300, Just(u64::MAX), any::<u64>()];
    prop_oneof![
        (any::<proptest::sample::Index>(), number.clone())
            .prop_map(|(i, v)| Change::SegStart(i, v)),
        (any::<proptest::sample::Index>(), number.clone()).prop_map(|(i, v)| Change::SegSize(i, v)),
        (any::<proptest::sample::Index>(), number.clone())
            .prop_map(|(i, v)| Change::FirstExtent(i, v)),
        (any::<proptest::sample::Index>(), percent()).prop_map(|(i, v)| Change::SyncPercent(i, v)),
        (any::<proptest::sample::Index>(), pick(DEVICE_NAMES))
            .prop_map(|(i, v)| Change::DeviceName(i, v)),
        (any::<proptest::sample::Index>(), number).prop_map(|(i, v)| Change::PeCount(i, v)),
        (any::<proptest::sample::Index>(), pick(ATTRS)).prop_map(|(i, v)| Change::Attr(i, v)),
    ]
}

fn apply(report: &mut HostReport, change: &Change) {
    let lvs = report.lvs.len();
    match change {
        Change::SegStart(i, v) => {
            if let Some(row) = report.lvs.get_mut(i.index(lvs)) {
                row.seg_start_pe = Some(*v);
            }
        }
        Change::SegSize(i, v) => {
            if let Some(row) = report.lvs.get_mut(i.index(lvs)) {
                row.seg_size_pe = Some(*v);
            }
        }
        Change::FirstExtent(i, v) => {
            if let Some(device) = report
                .lvs
                .get_mut(i.index(lvs))
                .and_then(|row| row.devices.as_mut())
                .and_then(|d| d.first_mut())
            {
                device.first_extent = *v;
            }
        }
        Change::SyncPercent(i, v) => {
            if let Some(row) = report.lvs.get_mut(i.index(lvs)) {
                row.sync_percent = Some(*v);
            }
        }
        Change::DeviceName(i, v) => {
            if let Some(device) = report
                .lvs
                .get_mut(i.index(lvs))
                .and_then(|row| row.devices.as_mut())
                .and_then(|d| d.last_mut())
            {
                device.name.clone_from(v);
            }
        }
        Change::PeCount(i, v) => {
            let pvs = report.pvs.len();
            if let Some(row) = report.pvs.get_mut(i.index(pvs)) {
                row.pv_pe_count = Some(*v % 100_000);
            }
        }
        Change::Attr(i, v) => {
            if let Some(row) = report.lvs.get_mut(i.index(lvs)) {
                row.lv_attr = decode_lv_attr(v).ok();
            }
        }
    }
}

fn normal_report() -> Result<HostReport, Box<dyn Error>> {
    let dir = std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/vm");
    let read = |kind: &str| std::fs::read_to_string(dir.join(format!("normal.{kind}")));
    Ok(HostReport {
        vgs: parse_vgs(&read("vgs.json")?)?,
        pvs: parse_pvs(&read("pvs.json")?)?,
        lvs: parse_lvs(&read("lvs.json")?)?,
        mounts: offmirror_lvm2::parse::parse_mountinfo(&read("mountinfo.txt")?)?,
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    /// The real capture with a few numbers, device names or attributes changed to
    /// anything: the structure stays rich (raid1 with 2 and 3 legs, two segments,
    /// raid5) while the values go wrong.
    #[test]
    fn the_capture_with_changed_numbers_never_panics(
        changes in proptest::collection::vec(change(), 1..6)
    ) {
        let mut report = normal_report().map_err(|e| TestCaseError::fail(e.to_string()))?;
        for c in &changes {
            apply(&mut report, c);
        }
        if let Ok(inv) = build_inventory(&report) {
            check_mapping(&inv)?;
            let capacity: u64 = inv
                .vgs
                .iter()
                .flat_map(|vg| vg.pvs.iter().map(|p| u64::from(p.total_pps)))
                .sum();
            for lv in inv.vgs.iter().flat_map(|vg| vg.lvs.iter()) {
                prop_assert!(u64::from(lv.lps) <= capacity, "{}: {}", lv.name, lv.lps);
            }
        }
    }
}

fn lvs_json(rows: &[String]) -> String {
    format!(r#"{{"report":[{{"lv":[{}]}}]}}"#, rows.join(","))
}

/// Two segments whose sizes add up past u64: the sum must not overflow (a panic in a
/// debug build, a wrong size in a release one).
#[test]
fn segment_sizes_that_overflow_a_sum() -> TestResult {
    let big = u64::MAX / 2 + 1;
    let lvs = lvs_json(&[
        format!(
            r#"{{"vg_name":"vg0","lv_name":"plain","lv_attr":"-wi-a-----","segtype":"linear","seg_start_pe":"0","seg_size_pe":"{big}","devices":"/dev/vda(0)"}}"#
        ),
        format!(
            r#"{{"vg_name":"vg0","lv_name":"plain","lv_attr":"-wi-a-----","segtype":"linear","seg_start_pe":"{big}","seg_size_pe":"{big}","devices":"/dev/vdb(0)"}}"#
        ),
    ]);
    let report = HostReport {
        vgs: parse_vgs(r#"{"report":[{"vg":[{"vg_name":"vg0","vg_extent_size":"4194304"}]}]}"#)?,
        pvs: parse_pvs(
            r#"{"report":[{"pv":[{"pv_name":"/dev/vda","vg_name":"vg0","pv_pe_count":"255"},{"pv_name":"/dev/vdb","vg_name":"vg0","pv_pe_count":"255"}]}]}"#,
        )?,
        lvs: parse_lvs(&lvs)?,
        mounts: Vec::new(),
    };
    let inv = build_inventory(&report)?;
    let lv = inv
        .vgs
        .first()
        .and_then(|vg| vg.lvs.first())
        .ok_or("no LV")?;
    assert!(lv.copies.iter().all(|c| c.pps.len() == lv.lps as usize));
    assert!(
        !lv.blockers.is_empty(),
        "an LV larger than its VG cannot be split: {lv:?}"
    );
    Ok(())
}

/// A raid1 LV of 4 extents whose image claims a segment of 2^63 extents: the mapping
/// stops at the LV's end instead of walking the whole segment.
#[test]
fn an_image_segment_longer_than_its_lv_is_mapped_in_time() -> TestResult {
    let lvs = lvs_json(&[
        r#"{"vg_name":"vg0","lv_name":"data","lv_attr":"rwi-a-r---","segtype":"raid1","sync_percent":"100.00","raid_sync_action":"idle","seg_start_pe":"0","seg_size_pe":"4","devices":"data_rimage_0(0),data_rimage_1(0)"}"#.to_string(),
        r#"{"vg_name":"vg0","lv_name":"[data_rimage_0]","lv_attr":"iwi-aor---","segtype":"linear","seg_start_pe":"0","seg_size_pe":"4","devices":"/dev/vda(1)"}"#.to_string(),
        r#"{"vg_name":"vg0","lv_name":"[data_rimage_1]","lv_attr":"iwi-aor---","segtype":"linear","seg_start_pe":"0","seg_size_pe":"9223372036854775808","devices":"/dev/vdb(1)"}"#.to_string(),
    ]);
    let report = HostReport {
        vgs: parse_vgs(r#"{"report":[{"vg":[{"vg_name":"vg0","vg_extent_size":"4194304"}]}]}"#)?,
        pvs: parse_pvs(
            r#"{"report":[{"pv":[{"pv_name":"/dev/vda","vg_name":"vg0","pv_pe_count":"255"},{"pv_name":"/dev/vdb","vg_name":"vg0","pv_pe_count":"255"}]}]}"#,
        )?,
        lvs: parse_lvs(&lvs)?,
        mounts: Vec::new(),
    };
    let (done, result) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let _ = done.send(build_inventory(&report).map_err(|e| e.to_string()));
    });
    let inv = result
        .recv_timeout(Duration::from_secs(20))
        .map_err(|_| "build_inventory did not return within 20 s")??;
    let lv = inv
        .vgs
        .first()
        .and_then(|vg| vg.lvs.first())
        .ok_or("no LV")?;
    assert_eq!(lv.lps, 4);
    let copy2: Vec<Option<(u16, u32)>> = lv
        .copies
        .get(1)
        .ok_or("no copy 2")?
        .pps
        .iter()
        .map(|p| p.map(|p| (p.pv, p.pp)))
        .collect();
    assert_eq!(
        copy2,
        [Some((1, 2)), Some((1, 3)), Some((1, 4)), Some((1, 5))]
    );
    Ok(())
}

/// A thin LV far larger than its VG (thin volumes are over-provisioned): it is blocked as
/// an unsupported layout, and its size costs no per-extent memory.
#[test]
fn an_over_provisioned_thin_lv_is_blocked_without_a_giant_map() -> TestResult {
    // 2^40 extents of 4 MiB: 4 EiB.
    let lvs = lvs_json(&[
        r#"{"vg_name":"vg0","lv_name":"thin1","lv_attr":"Vwi-a-tz--","segtype":"thin","seg_start_pe":"0","seg_size_pe":"1099511627776","devices":""}"#.to_string(),
        r#"{"vg_name":"vg0","lv_name":"plain","lv_attr":"-wi-a-----","segtype":"linear","seg_start_pe":"0","seg_size_pe":"2","devices":"/dev/vda(0)"}"#.to_string(),
    ]);
    let report = HostReport {
        vgs: parse_vgs(r#"{"report":[{"vg":[{"vg_name":"vg0","vg_extent_size":"4194304"}]}]}"#)?,
        pvs: parse_pvs(
            r#"{"report":[{"pv":[{"pv_name":"/dev/vda","vg_name":"vg0","pv_pe_count":"255"}]}]}"#,
        )?,
        lvs: parse_lvs(&lvs)?,
        mounts: Vec::new(),
    };
    let inv = build_inventory(&report)?;
    let vg = inv.vgs.first().ok_or("no VG")?;
    let thin = vg
        .lvs
        .iter()
        .find(|lv| lv.name.as_str() == "thin1")
        .ok_or("no thin1")?;
    assert!(
        thin.blockers.contains(&LvBlocker::UnsupportedLayout {
            layout: "thin".into()
        }),
        "{:?}",
        thin.blockers
    );
    assert!(thin.copies.iter().all(|c| c.pps.len() <= 255));
    // The linear LV next to it is mapped as usual.
    let plain = vg
        .lvs
        .iter()
        .find(|lv| lv.name.as_str() == "plain")
        .ok_or("no plain")?;
    assert_eq!(plain.lps, 2);
    assert!(plain.blockers.is_empty(), "{:?}", plain.blockers);
    Ok(())
}

/// `stale_pps` sums an LV's segments the same way.
#[test]
fn stale_extents_of_overflowing_segments() -> TestResult {
    let big = u64::MAX / 2 + 1;
    let lvs = lvs_json(&[
        format!(
            r#"{{"vg_name":"vg0","lv_name":"data","lv_attr":"rwi-a-r---","segtype":"raid1","sync_percent":"50.00","raid_sync_action":"resync","seg_start_pe":"0","seg_size_pe":"{big}","devices":"data_rimage_0(0),data_rimage_1(0)"}}"#
        ),
        format!(
            r#"{{"vg_name":"vg0","lv_name":"data","lv_attr":"rwi-a-r---","segtype":"raid1","sync_percent":"50.00","raid_sync_action":"resync","seg_start_pe":"{big}","seg_size_pe":"{big}","devices":"data_rimage_0(0),data_rimage_1(0)"}}"#
        ),
    ]);
    let vg = VgName::new("vg0")?;
    let runner = ScriptedRunner::new().on(
        &display_argv(&commands::lvs(Some(&vg))),
        CommandOutput::ok(lvs),
    );
    let backend = Lvm2Backend::new(runner).freeze_watchdog(None);
    let unit = SplitUnit {
        id: 0,
        mechanism: Mechanism::TrackedImageSplit,
        vg,
        copy: CopyNumber::new(2)?,
        lvs: vec![UnitLv {
            lv: LvName::new("data")?,
            lv_type: LvType::Raw,
            lps: u32::MAX,
            copies: 2,
            fs: None,
        }],
        split_name: SplitName::TrackedImage(LvName::new("data_rimage_1")?),
    };
    let stale = backend.stale_pps(&unit)?;
    assert!(stale > 0);
    Ok(())
}
