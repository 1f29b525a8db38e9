//! The parsers against real AIX output (see `common` for where the samples are).
//!
//! Each test reads the values a person reads off the sample. The `*_every_sample`
//! tests also parse every other sample of the same command found in the folder, so
//! extra samples dropped there are checked for errors too.

mod common;

use std::collections::BTreeSet;
use std::error::Error;

use offmirror_aix::parse::{
    AixMessage, LvState, MessageCode, MessageKind, MirrorWriteConsistency, PvState, Quorum,
    Strictness, VgActivation, VgLvList, VgLvRow, VgState, parse_fs_list, parse_lv_detail,
    parse_lv_pp_map, parse_messages, parse_mounts, parse_pv_detail, parse_pv_list, parse_vg_detail,
    parse_vg_lvs, parse_vg_pvs,
};

type TestResult = Result<(), Box<dyn Error>>;

const MB: u64 = 1 << 20;
const KB: u64 = 1 << 10;

const OPEN_SYNCD: Option<LvState> = Some(LvState {
    open: true,
    stale: false,
});
const OPEN_STALE: Option<LvState> = Some(LvState {
    open: true,
    stale: true,
});
const CLOSED_SYNCD: Option<LvState> = Some(LvState {
    open: false,
    stale: false,
});
const CLOSED_STALE: Option<LvState> = Some(LvState {
    open: false,
    stale: true,
});

fn lv<'a>(list: &'a VgLvList, name: &str) -> Result<&'a VgLvRow, Box<dyn Error>> {
    list.lvs
        .iter()
        .find(|row| row.name == name)
        .ok_or_else(|| format!("no LV {name} in {}", list.vg_name).into())
}

fn names(list: &VgLvList) -> Vec<&str> {
    list.lvs.iter().map(|row| row.name.as_str()).collect()
}

/// Parses every sample of a command with `parse`, naming the file on failure.
fn every_sample<T, E: Error + 'static>(
    prefix: &str,
    parse: impl Fn(&str) -> Result<T, E>,
) -> Result<usize, Box<dyn Error>> {
    let Some(samples) = common::samples()? else {
        return Ok(0);
    };
    let found = samples.of_command(prefix)?;
    if found.is_empty() {
        return Err(format!("no {prefix}.N.txt sample found").into());
    }
    for (name, text) in &found {
        parse(text).map_err(|e| format!("{name}: {e}"))?;
    }
    Ok(found.len())
}

// ---------------------------------------------------------------- lsvg VG

#[test]
fn lsvg_vg_1_scalable_vg_with_7_2_fields() -> TestResult {
    let Some(samples) = common::samples()? else {
        return Ok(());
    };
    let vg = parse_vg_detail(&samples.read("lsvg_vg.1.txt")?)?;
    assert_eq!(vg.name, "testvg");
    assert_eq!(
        vg.identifier.as_deref(),
        Some("00f6f42a00004c000000017a0bd88942")
    );
    assert_eq!(vg.state, Some(VgState::Active));
    assert_eq!(vg.permission.as_deref(), Some("read/write"));
    assert_eq!(vg.pp_size_bytes, Some(16 * MB));
    assert_eq!(
        (vg.total_pps, vg.free_pps, vg.used_pps),
        (Some(2550), Some(2550), Some(0))
    );
    assert_eq!(
        (vg.max_lvs, vg.lvs, vg.open_lvs),
        (Some(256), Some(0), Some(0))
    );
    assert_eq!(
        vg.quorum,
        Some(Quorum {
            count: 2,
            enabled: Some(true)
        })
    );
    assert_eq!(
        (vg.total_pvs, vg.active_pvs, vg.stale_pvs),
        (Some(2), Some(2), Some(0))
    );
    assert_eq!(vg.stale_pps, Some(0));
    assert_eq!(vg.vg_descriptors, Some(3));
    assert_eq!((vg.auto_on, vg.auto_sync), (Some(true), Some(false)));
    assert_eq!(
        (vg.max_pps_per_vg, vg.max_pps_per_pv, vg.max_pvs),
        (Some(32768), None, Some(1024))
    );
    assert_eq!(vg.ltg_size_bytes, Some(256 * KB));
    assert_eq!(vg.hot_spare.as_deref(), Some("no"));
    assert_eq!(vg.bb_policy.as_deref(), Some("relocatable"));
    assert_eq!(vg.mirror_pool_strict.as_deref(), Some("off"));
    assert_eq!(vg.pv_restriction.as_deref(), Some("none"));
    assert_eq!(vg.infinite_retry.as_deref(), Some("no"));
    assert_eq!(vg.disk_block_size, Some(512));
    assert_eq!(vg.critical_vg.as_deref(), Some("no"));
    assert_eq!(vg.fs_sync_option.as_deref(), Some("no"));
    assert_eq!(vg.critical_pvs.as_deref(), Some("no"));
    assert_eq!(vg.encryption.as_deref(), Some("no"));
    assert!(!vg.has_missing_pvs());
    Ok(())
}

#[test]
fn lsvg_vg_2_rootvg_normal_vg() -> TestResult {
    let Some(samples) = common::samples()? else {
        return Ok(());
    };
    let vg = parse_vg_detail(&samples.read("lsvg_vg.2.txt")?)?;
    assert_eq!(vg.name, "rootvg");
    assert_eq!(
        vg.identifier.as_deref(),
        Some("00082a6a0000d400000001321aa20bf2")
    );
    assert_eq!(vg.pp_size_bytes, Some(64 * MB));
    assert_eq!(
        (vg.total_pps, vg.free_pps, vg.used_pps),
        (Some(959), Some(717), Some(242))
    );
    assert_eq!((vg.lvs, vg.open_lvs), (Some(11), Some(10)));
    assert_eq!(
        (vg.total_pvs, vg.active_pvs, vg.stale_pps),
        (Some(1), Some(1), Some(0))
    );
    assert_eq!(vg.vg_descriptors, Some(2));
    assert_eq!(
        (vg.max_pps_per_vg, vg.max_pps_per_pv, vg.max_pvs),
        (Some(32512), Some(1016), Some(32))
    );
    assert_eq!(vg.bb_policy.as_deref(), Some("relocatable"));
    assert_eq!(vg.pv_restriction, None);
    assert_eq!(vg.encryption, None);
    Ok(())
}

#[test]
fn lsvg_vg_3_vios_with_trailing_blanks() -> TestResult {
    let Some(samples) = common::samples()? else {
        return Ok(());
    };
    let vg = parse_vg_detail(&samples.read("lsvg_vg.3.txt")?)?;
    assert_eq!(vg.name, "vdiskvg");
    assert_eq!(vg.pp_size_bytes, Some(256 * MB));
    assert_eq!(
        (vg.total_pps, vg.free_pps, vg.used_pps),
        (Some(546), Some(18), Some(528))
    );
    assert_eq!((vg.lvs, vg.open_lvs), (Some(7), Some(7)));
    assert_eq!(vg.max_pps_per_vg, Some(32512));
    assert_eq!(vg.ltg_size_bytes, Some(1024 * KB));
    assert_eq!(vg.bb_policy.as_deref(), Some("relocatable"));
    assert_eq!(vg.disk_block_size, Some(512));
    assert_eq!(vg.stale_pps, Some(0));
    Ok(())
}

#[test]
fn lsvg_vg_4_three_disks_hot_spare() -> TestResult {
    let Some(samples) = common::samples()? else {
        return Ok(());
    };
    let vg = parse_vg_detail(&samples.read("lsvg_vg.4.txt")?)?;
    assert_eq!(vg.name, "datavg");
    assert_eq!(vg.pp_size_bytes, Some(4 * MB));
    assert_eq!(
        (vg.total_pps, vg.free_pps, vg.used_pps),
        (Some(3018), Some(2250), Some(768))
    );
    assert_eq!(
        (vg.total_pvs, vg.active_pvs, vg.vg_descriptors),
        (Some(3), Some(3), Some(3))
    );
    assert_eq!(vg.hot_spare.as_deref(), Some("yes (one to one)"));
    assert_eq!(vg.ltg_size_bytes, Some(512 * KB));
    assert_eq!(vg.mirror_pool_strict.as_deref(), Some("off"));
    assert_eq!(vg.max_pvs, Some(1024));
    Ok(())
}

#[test]
fn lsvg_vg_every_sample() -> TestResult {
    every_sample("lsvg_vg", parse_vg_detail)?;
    Ok(())
}

// ---------------------------------------------------------------- lsvg -l VG

#[test]
fn lsvg_l_1_rootvg_single_copy() -> TestResult {
    let Some(samples) = common::samples()? else {
        return Ok(());
    };
    let list = parse_vg_lvs(&samples.read("lsvg-l.1.txt")?)?;
    assert_eq!(list.vg_name, "rootvg");
    assert_eq!(
        names(&list),
        [
            "hd5",
            "hd6",
            "hd8",
            "hd4",
            "hd2",
            "hd9var",
            "hd3",
            "hd1",
            "hd10opt",
            "lv_logs",
            "lv_moteurs"
        ]
    );
    let hd5 = lv(&list, "hd5")?;
    assert_eq!(hd5.lv_type.as_deref(), Some("boot"));
    assert_eq!(hd5.state, CLOSED_SYNCD);
    assert_eq!(hd5.mount_point, None);
    let moteurs = lv(&list, "lv_moteurs")?;
    assert_eq!(
        (moteurs.lps, moteurs.pps, moteurs.pvs),
        (Some(56), Some(56), Some(1))
    );
    assert_eq!(moteurs.mount_point.as_deref(), Some("/moteurs"));
    assert_eq!(lv(&list, "hd4")?.mount_point.as_deref(), Some("/"));
    assert_eq!(lv(&list, "hd6")?.lv_type.as_deref(), Some("paging"));
    assert!(list.lvs.iter().all(|r| r.copies_hint() == Some(1)));
    assert_eq!(
        list.lvs.iter().filter(|r| r.state == OPEN_SYNCD).count(),
        10
    );
    Ok(())
}

#[test]
fn lsvg_l_2_vios_virtual_disks() -> TestResult {
    let Some(samples) = common::samples()? else {
        return Ok(());
    };
    let list = parse_vg_lvs(&samples.read("lsvg-l.2.txt")?)?;
    assert_eq!(list.vg_name, "vdiskvg");
    assert_eq!(list.lvs.len(), 7);
    assert!(list.lvs.iter().all(|r| r.lv_type.as_deref() == Some("jfs")
        && r.mount_point.is_none()
        && r.state == OPEN_SYNCD));
    assert_eq!(lv(&list, "vdisk00n02")?.lps, Some(160));
    assert_eq!(lv(&list, "vdisk00n11")?.pps, Some(4));
    Ok(())
}

#[test]
fn lsvg_l_3_stale_after_mirrorvg_s() -> TestResult {
    let Some(samples) = common::samples()? else {
        return Ok(());
    };
    let list = parse_vg_lvs(&samples.read("lsvg-l.3.txt")?)?;
    assert_eq!(list.vg_name, "rootvg");
    assert_eq!(list.lvs.len(), 14);
    let stale: Vec<&str> = list
        .lvs
        .iter()
        .filter(|r| r.state.is_some_and(|s| s.stale))
        .map(|r| r.name.as_str())
        .collect();
    assert_eq!(stale.len(), 12);
    assert!(!stale.contains(&"hd5") && !stale.contains(&"lv_dump"));
    assert_eq!(lv(&list, "hd5")?.state, CLOSED_SYNCD);
    assert_eq!(lv(&list, "hd6")?.state, OPEN_STALE);
    let loglv = lv(&list, "loglv00")?;
    assert_eq!(loglv.state, CLOSED_STALE);
    assert_eq!(loglv.lv_type.as_deref(), Some("jfslog"));
    let hd4 = lv(&list, "hd4")?;
    assert_eq!((hd4.lps, hd4.pps, hd4.pvs), (Some(3), Some(6), Some(2)));
    assert_eq!(hd4.copies_hint(), Some(2));
    assert_eq!(
        lv(&list, "livedump")?.mount_point.as_deref(),
        Some("/var/adm/ras/livedump")
    );
    let dump = lv(&list, "lv_dump")?;
    assert_eq!(dump.lv_type.as_deref(), Some("sysdump"));
    assert_eq!(dump.state, OPEN_SYNCD);
    assert_eq!(dump.mount_point, None);
    assert_eq!(dump.copies_hint(), Some(1));
    assert_eq!(lv(&list, "paging00")?.pps, Some(56));
    Ok(())
}

#[test]
fn lsvg_l_4_same_vg_after_sync() -> TestResult {
    let Some(samples) = common::samples()? else {
        return Ok(());
    };
    let list = parse_vg_lvs(&samples.read("lsvg-l.4.txt")?)?;
    assert_eq!(list.lvs.len(), 14);
    assert!(list.lvs.iter().all(|r| r.state.is_some_and(|s| !s.stale)));
    assert_eq!(lv(&list, "loglv00")?.state, CLOSED_SYNCD);
    assert_eq!(lv(&list, "hd2")?.pps, Some(72));
    Ok(())
}

#[test]
fn lsvg_l_5_and_6_oralv_before_and_after_mount() -> TestResult {
    let Some(samples) = common::samples()? else {
        return Ok(());
    };
    let before = parse_vg_lvs(&samples.read("lsvg-l.5.txt")?)?;
    let after = parse_vg_lvs(&samples.read("lsvg-l.6.txt")?)?;
    assert_eq!(before.lvs.len(), 12);
    assert_eq!(after.lvs.len(), 12);
    let ora = lv(&before, "oralv")?;
    assert_eq!((ora.lps, ora.pps, ora.pvs), (Some(120), Some(240), Some(2)));
    assert_eq!(ora.state, CLOSED_SYNCD);
    assert_eq!(ora.mount_point, None);
    let ora = lv(&after, "oralv")?;
    assert_eq!(ora.state, OPEN_SYNCD);
    assert_eq!(ora.mount_point.as_deref(), Some("/u01"));
    assert!(after.lvs.iter().all(|r| r.copies_hint() == Some(2)));
    Ok(())
}

#[test]
fn lsvg_l_7_unmounted_file_systems() -> TestResult {
    let Some(samples) = common::samples()? else {
        return Ok(());
    };
    let list = parse_vg_lvs(&samples.read("lsvg-l.7.txt")?)?;
    assert_eq!(list.vg_name, "datavg01");
    assert_eq!(names(&list), ["ora001", "loglv01"]);
    let ora = lv(&list, "ora001")?;
    assert_eq!((ora.lps, ora.pps, ora.pvs), (Some(8), Some(8), Some(1)));
    assert_eq!(ora.state, CLOSED_SYNCD);
    assert_eq!(ora.mount_point.as_deref(), Some("/oracle/oradb/ora001"));
    assert_eq!(lv(&list, "loglv01")?.lv_type.as_deref(), Some("jfs2log"));
    Ok(())
}

#[test]
fn lsvg_l_every_sample() -> TestResult {
    every_sample("lsvg-l", parse_vg_lvs)?;
    Ok(())
}

// ---------------------------------------------------------------- lsvg -p VG

#[test]
fn lsvg_p_one_two_three_disks() -> TestResult {
    let Some(samples) = common::samples()? else {
        return Ok(());
    };
    for (file, disks) in [
        ("lsvg-p.1.txt", vec!["hdisk1"]),
        ("lsvg-p.2.txt", vec!["hdisk1", "hdisk2"]),
        ("lsvg-p.3.txt", vec!["hdisk2", "hdisk3", "hdisk4"]),
    ] {
        let list = parse_vg_pvs(&samples.read(file)?)?;
        assert_eq!(list.vg_name, "testvg", "{file}");
        let got: Vec<&str> = list.pvs.iter().map(|p| p.name.as_str()).collect();
        assert_eq!(got, disks, "{file}");
        for pv in &list.pvs {
            assert_eq!(pv.state, Some(PvState::Active), "{file}");
            assert_eq!(
                (pv.total_pps, pv.free_pps),
                (Some(1275), Some(1275)),
                "{file}"
            );
            assert_eq!(pv.free_distribution, Some(vec![255; 5]), "{file}");
        }
    }
    Ok(())
}

#[test]
fn lsvg_p_every_sample() -> TestResult {
    every_sample("lsvg-p", parse_vg_pvs)?;
    Ok(())
}

// ---------------------------------------------------------------- lslv LV

#[test]
fn lslv_1_aix_7_layout() -> TestResult {
    let Some(samples) = common::samples()? else {
        return Ok(());
    };
    let lv = parse_lv_detail(&samples.read("lslv.1.txt")?)?;
    assert_eq!(lv.name, "testlv");
    assert_eq!(lv.vg_name.as_deref(), Some("testvg"));
    assert_eq!(
        lv.identifier.as_deref(),
        Some("00f6f42a00004c0000000179c407a0bb.1")
    );
    assert_eq!(lv.permission.as_deref(), Some("read/write"));
    assert_eq!(lv.vg_state, Some(VgActivation::ActiveComplete));
    assert_eq!(lv.state, CLOSED_SYNCD);
    assert_eq!(lv.lv_type.as_deref(), Some("jfs2"));
    assert_eq!(lv.write_verify.as_deref(), Some("off"));
    assert_eq!(lv.max_lps, Some(512));
    assert_eq!(lv.pp_size_bytes, Some(32 * MB));
    assert_eq!(lv.copies, Some(1));
    assert_eq!(lv.sched_policy.as_deref(), Some("parallel"));
    assert_eq!(
        (lv.lps, lv.pps, lv.stale_pps),
        (Some(10), Some(10), Some(0))
    );
    assert_eq!(lv.bb_policy.as_deref(), Some("relocatable"));
    assert_eq!(lv.inter_policy.as_deref(), Some("maximum"));
    assert_eq!(lv.relocatable, Some(true));
    assert_eq!(lv.intra_policy.as_deref(), Some("middle"));
    assert_eq!(lv.upper_bound, Some(1024));
    assert_eq!(lv.mount_point, None);
    assert_eq!(lv.label, None);
    assert_eq!(
        lv.mirror_write_consistency,
        Some(MirrorWriteConsistency::Active)
    );
    assert_eq!(lv.strictness, Some(Strictness::Strict));
    assert_eq!(lv.serialize_io.as_deref(), Some("NO"));
    assert_eq!(lv.infinite_retry.as_deref(), Some("no"));
    assert_eq!(lv.preferred_read, Some(0));
    assert_eq!(lv.device_subtype.as_deref(), Some("DS_LVZ"));
    assert_eq!(lv.copy_mirror_pools, [None, None, None]);
    assert_eq!(lv.encryption.as_deref(), Some("no"));
    assert_eq!(lv.all_copies_allocated(), Some(true));
    Ok(())
}

#[test]
fn lslv_2_boot_lv_with_overflowing_identifier() -> TestResult {
    let Some(samples) = common::samples()? else {
        return Ok(());
    };
    let lv = parse_lv_detail(&samples.read("lslv.2.txt")?)?;
    assert_eq!(lv.name, "hd5");
    assert_eq!(lv.vg_name.as_deref(), Some("rootvg"));
    assert_eq!(
        lv.identifier.as_deref(),
        Some("00fa684e00004c00000001715c6c0708.1")
    );
    assert_eq!(lv.permission.as_deref(), Some("read/write"));
    assert_eq!(lv.state, CLOSED_SYNCD);
    assert_eq!(lv.lv_type.as_deref(), Some("boot"));
    assert_eq!(
        (lv.copies, lv.lps, lv.pps, lv.stale_pps),
        (Some(1), Some(1), Some(1), Some(0))
    );
    assert_eq!(lv.bb_policy.as_deref(), Some("non-relocatable"));
    assert_eq!(lv.inter_policy.as_deref(), Some("minimum"));
    assert_eq!(lv.relocatable, Some(false));
    assert_eq!(lv.intra_policy.as_deref(), Some("edge"));
    assert_eq!(lv.upper_bound, Some(32));
    assert_eq!(lv.mount_point, None);
    assert_eq!(lv.label.as_deref(), Some("primary_bootlv"));
    assert_eq!(
        lv.mirror_write_consistency,
        Some(MirrorWriteConsistency::Active)
    );
    assert_eq!(lv.strictness, Some(Strictness::Strict));
    Ok(())
}

#[test]
fn lslv_3_two_copies() -> TestResult {
    let Some(samples) = common::samples()? else {
        return Ok(());
    };
    let lv = parse_lv_detail(&samples.read("lslv.3.txt")?)?;
    assert_eq!(lv.name, "part1");
    assert_eq!(lv.vg_name.as_deref(), Some("datavg"));
    assert_eq!(lv.copies, Some(2));
    assert_eq!(
        (lv.lps, lv.pps, lv.stale_pps),
        (Some(10), Some(20), Some(0))
    );
    assert_eq!(lv.all_copies_allocated(), Some(true));
    assert_eq!(lv.pp_size_bytes, Some(4 * MB));
    assert_eq!(lv.state, CLOSED_SYNCD);
    assert_eq!(lv.vg_state, Some(VgActivation::ActiveComplete));
    assert_eq!(
        lv.mirror_write_consistency,
        Some(MirrorWriteConsistency::Active)
    );
    assert_eq!(lv.inter_policy.as_deref(), Some("minimum"));
    assert_eq!(lv.device_subtype.as_deref(), Some("DS_LVZ"));
    assert_eq!(lv.preferred_read, None);
    Ok(())
}

#[test]
fn lslv_every_sample() -> TestResult {
    every_sample("lslv", parse_lv_detail)?;
    Ok(())
}

// ---------------------------------------------------------------- lslv -m LV

#[test]
fn lslv_m_1_two_copies_on_renamed_disks() -> TestResult {
    let Some(samples) = common::samples()? else {
        return Ok(());
    };
    let map = parse_lv_pp_map(&samples.read("lslv-m.1.txt")?)?;
    assert_eq!(map.lv_name, "ora001");
    assert_eq!(map.mount_point.as_deref(), Some("/oracle/oradb/ora001"));
    assert_eq!(map.lps.len(), 8);
    for (i, row) in map.lps.iter().enumerate() {
        let n = u32::try_from(i)?;
        assert_eq!(row.lp, n + 1);
        let copies: Vec<(u32, &str)> = row.copies.iter().map(|c| (c.pp, c.pv.as_str())).collect();
        assert_eq!(
            copies,
            [(35 + n, "EMC_3451_0DEF"), (49 + n, "EMC_3339_1F45")]
        );
    }
    assert_eq!(map.max_copies(), 2);
    assert_eq!(map.copy_pvs(1), BTreeSet::from(["EMC_3451_0DEF"]));
    assert_eq!(map.copy_pvs(2), BTreeSet::from(["EMC_3339_1F45"]));
    assert!(map.copy_pvs(3).is_empty());
    Ok(())
}

#[test]
fn lslv_m_every_sample() -> TestResult {
    every_sample("lslv-m", parse_lv_pp_map)?;
    Ok(())
}

// ---------------------------------------------------------------- lspv

#[test]
fn lspv_1_two_disks() -> TestResult {
    let Some(samples) = common::samples()? else {
        return Ok(());
    };
    let pvs = parse_pv_list(&samples.read("lspv.1.txt")?)?;
    let got: Vec<_> = pvs
        .iter()
        .map(|p| {
            (
                p.name.as_str(),
                p.pvid.as_deref(),
                p.vg.as_deref(),
                p.state.clone(),
            )
        })
        .collect();
    assert_eq!(
        got,
        [
            (
                "hdisk0",
                Some("00082a6a1aa20b3c"),
                Some("rootvg"),
                Some(PvState::Active)
            ),
            (
                "hdisk1",
                Some("00082a6ae73c7bb6"),
                Some("datavg"),
                Some(PvState::Active)
            ),
        ]
    );
    Ok(())
}

#[test]
fn lspv_2_vios_heading_and_free_disks() -> TestResult {
    let Some(samples) = common::samples()? else {
        return Ok(());
    };
    let pvs = parse_pv_list(&samples.read("lspv.2.txt")?)?;
    let got: Vec<&str> = pvs.iter().map(|p| p.name.as_str()).collect();
    assert_eq!(
        got,
        [
            "hdisk0", "hdisk1", "hdisk2", "hdisk3", "hdisk4", "hdisk5", "hdisk6", "hdisk7"
        ]
    );
    let hdisk1 = pvs.get(1).ok_or("hdisk1")?;
    assert_eq!(hdisk1.vg.as_deref(), Some("vdiskvg"));
    assert_eq!(hdisk1.state, Some(PvState::Active));
    let hdisk2 = pvs.get(2).ok_or("hdisk2")?;
    assert_eq!(hdisk2.pvid.as_deref(), Some("00f60e59529c77f2"));
    assert_eq!((hdisk2.vg.as_deref(), hdisk2.state.clone()), (None, None));
    assert!(
        pvs.iter()
            .skip(3)
            .all(|p| p.pvid.is_none() && p.vg.is_none() && p.state.is_none())
    );
    Ok(())
}

#[test]
fn lspv_3_and_4_before_and_after_extendvg() -> TestResult {
    let Some(samples) = common::samples()? else {
        return Ok(());
    };
    let before = parse_pv_list(&samples.read("lspv.3.txt")?)?;
    let hdisk0 = before.first().ok_or("hdisk0")?;
    assert_eq!(hdisk0.name, "hdisk0");
    assert_eq!(
        (
            hdisk0.pvid.as_deref(),
            hdisk0.vg.as_deref(),
            hdisk0.state.clone()
        ),
        (None, None, None)
    );
    let hdisk1 = before.get(1).ok_or("hdisk1")?;
    assert_eq!(hdisk1.pvid.as_deref(), Some("00002f8bd1e92b12"));
    assert_eq!(hdisk1.vg.as_deref(), Some("rootvg"));
    assert_eq!(hdisk1.state, Some(PvState::Active));

    let after = parse_pv_list(&samples.read("lspv.4.txt")?)?;
    assert_eq!(after.len(), 2);
    assert_eq!(
        after.first().and_then(|p| p.pvid.as_deref()),
        Some("00002f8bd6dea7e0")
    );
    assert!(
        after
            .iter()
            .all(|p| p.vg.as_deref() == Some("rootvg") && p.state == Some(PvState::Active))
    );
    Ok(())
}

#[test]
fn lspv_every_sample() -> TestResult {
    every_sample("lspv", parse_pv_list)?;
    Ok(())
}

// ---------------------------------------------------------------- lspv PV

#[test]
fn lspv_pv_1_with_colonless_vg_identifier() -> TestResult {
    let Some(samples) = common::samples()? else {
        return Ok(());
    };
    let pv = parse_pv_detail(&samples.read("lspv_pv.1.txt")?)?;
    assert_eq!(pv.name, "hdisk0");
    assert_eq!(pv.vg_name.as_deref(), Some("rootvg"));
    assert_eq!(pv.pvid.as_deref(), Some("00f9280c31fc0ae6"));
    assert_eq!(
        pv.vg_identifier.as_deref(),
        Some("00f9280c00004c00000001737084c416")
    );
    assert_eq!(pv.state, Some(PvState::Active));
    assert_eq!(pv.stale_partitions, Some(0));
    assert_eq!(pv.allocatable, Some(true));
    assert_eq!(pv.pp_size_bytes, Some(32 * MB));
    assert_eq!(pv.logical_volumes, Some(12));
    assert_eq!(
        (pv.total_pps, pv.free_pps, pv.used_pps),
        (Some(959), Some(1), Some(958))
    );
    assert_eq!(pv.vg_descriptors, Some(2));
    assert_eq!(pv.hot_spare, Some(false));
    assert_eq!(pv.max_request_bytes, Some(256 * KB));
    assert_eq!(pv.free_distribution, Some(vec![0, 0, 0, 0, 1]));
    assert_eq!(pv.used_distribution, Some(vec![192, 192, 191, 192, 191]));
    assert_eq!(pv.mirror_pool, None);
    Ok(())
}

#[test]
fn lspv_pv_2_renamed_disk() -> TestResult {
    let Some(samples) = common::samples()? else {
        return Ok(());
    };
    let pv = parse_pv_detail(&samples.read("lspv_pv.2.txt")?)?;
    assert_eq!(pv.name, "cli10in");
    assert_eq!(pv.vg_name.as_deref(), Some("vg1"));
    assert_eq!(pv.pvid.as_deref(), Some("000d772cf1c91f57"));
    assert_eq!(
        pv.vg_identifier.as_deref(),
        Some("000d772c00004c0000000136f1c94160")
    );
    assert_eq!(pv.stale_partitions, Some(0));
    assert_eq!(pv.pp_size_bytes, Some(8 * MB));
    assert_eq!(pv.logical_volumes, Some(2));
    assert_eq!(
        (pv.total_pps, pv.free_pps, pv.used_pps),
        (Some(524), Some(137), Some(387))
    );
    assert_eq!(pv.free_distribution, Some(vec![105, 0, 0, 0, 32]));
    assert_eq!(pv.used_distribution, Some(vec![0, 105, 104, 105, 73]));
    assert_eq!(pv.mirror_pool, None);
    Ok(())
}

#[test]
fn lspv_pv_every_sample() -> TestResult {
    every_sample("lspv_pv", parse_pv_detail)?;
    Ok(())
}

// ---------------------------------------------------------------- lsfs -c

#[test]
fn lsfs_c_jfs_and_jfs2() -> TestResult {
    let Some(samples) = common::samples()? else {
        return Ok(());
    };
    for (file, vfs, sizes) in [
        ("lsfs-c.1.txt", "jfs", [49152, 131072, 311296]),
        ("lsfs-c.2.txt", "jfs2", [262144, 262144, 4456448]),
    ] {
        let fss = parse_fs_list(&samples.read(file)?)?;
        let got: Vec<_> = fss
            .iter()
            .map(|f| (f.mount_point.as_str(), f.device.as_deref(), f.size_blocks))
            .collect();
        assert_eq!(
            got,
            [
                ("/", Some("/dev/hd4"), Some(sizes[0])),
                ("/tmp", Some("/dev/hd3"), Some(sizes[1])),
                ("/usr", Some("/dev/hd2"), Some(sizes[2])),
            ],
            "{file}"
        );
        for fs in &fss {
            assert_eq!(fs.vfs.as_deref(), Some(vfs), "{file}");
            assert_eq!(fs.nodename, None, "{file}");
            assert_eq!(fs.options.as_deref(), Some("rw"), "{file}");
            assert_eq!(fs.automount.as_deref(), Some("yes"), "{file}");
            assert_eq!(fs.accounting.as_deref(), Some("no"), "{file}");
        }
        let types: Vec<_> = fss.iter().map(|f| f.fs_type.as_deref()).collect();
        assert_eq!(types, [Some("bootfs"), None, Some("bootfs")], "{file}");
    }
    Ok(())
}

#[test]
fn lsfs_c_every_sample() -> TestResult {
    every_sample("lsfs-c", parse_fs_list)?;
    Ok(())
}

// ---------------------------------------------------------------- mount

#[test]
fn mount_1_padded_and_truncated_last_line() -> TestResult {
    let Some(samples) = common::samples()? else {
        return Ok(());
    };
    let mounts = parse_mounts(&samples.read("mount.1.txt")?)?;
    let got: Vec<(&str, &str, &str)> = mounts
        .iter()
        .map(|m| (m.device.as_str(), m.mount_point.as_str(), m.vfs.as_str()))
        .collect();
    assert_eq!(
        got,
        [
            ("/dev/hd4", "/", "jfs2"),
            ("/dev/hd2", "/usr", "jfs2"),
            ("/dev/testlv", "/tmp/testfs", "jfs2"),
            ("/dev/hd3", "/tmp", "jfs2"),
            ("/dev/hd1", "/home", "jfs2"),
            ("/dev/hd11admin", "/admin", "jfs2"),
            ("/proc", "/proc", "procfs"),
            ("/dev/hd10opt", "/opt", "jfs2"),
            ("/dev/livedump", "/var/adm/ras/livedump", "jfs2"),
            ("/ahafs", "/aha", "ahafs"),
        ]
    );
    assert!(
        mounts
            .iter()
            .all(|m| m.node.is_none() && m.date == "Nov 07 19:11")
    );
    assert!(mounts.iter().all(|m| !m.is_read_only()));
    let first = mounts.first().ok_or("first")?;
    assert_eq!(first.options, ["rw", "log=/dev/hd8"]);
    let last = mounts.last().ok_or("last")?;
    assert_eq!(last.options, ["rw"]);
    Ok(())
}

#[test]
fn mount_2_four_mounts() -> TestResult {
    let Some(samples) = common::samples()? else {
        return Ok(());
    };
    let mounts = parse_mounts(&samples.read("mount.2.txt")?)?;
    let got: Vec<_> = mounts
        .iter()
        .map(|m| {
            (
                m.device.as_str(),
                m.mount_point.as_str(),
                m.vfs.as_str(),
                m.options.join(","),
            )
        })
        .collect();
    assert_eq!(
        got,
        [
            ("/dev/hd4", "/", "jfs2", "rw,log=/dev/hd8".to_owned()),
            ("/dev/hd2", "/usr", "jfs2", "rw,log=/dev/hd8".to_owned()),
            ("/proc", "/proc", "procfs", "rw".to_owned()),
            ("/dev/hd10opt", "/opt", "jfs2", "rw,log=/dev/hd8".to_owned()),
        ]
    );
    assert!(
        mounts
            .iter()
            .all(|m| m.node.is_none() && m.date == "Mar 22 08:05")
    );
    Ok(())
}

#[test]
fn mount_every_sample() -> TestResult {
    every_sample("mount", parse_mounts)?;
    Ok(())
}

// ---------------------------------------------------------------- messages

fn message_summary(messages: &[AixMessage]) -> Vec<(String, Option<&str>, MessageKind)> {
    messages
        .iter()
        .map(|m| (m.code.to_string(), m.program.as_deref(), m.kind()))
        .collect()
}

#[test]
fn err_0516_010_varied_off_vg() -> TestResult {
    let Some(samples) = common::samples()? else {
        return Ok(());
    };
    let messages = parse_messages(&samples.read("err_0516-010.1.txt")?);
    assert_eq!(
        messages,
        [AixMessage {
            code: MessageCode::lvm(10),
            program: None,
            text: "Volume group must be varied on; use varyonvg command.".to_owned(),
            line: 1,
        }]
    );
    assert_eq!(
        messages.first().map(AixMessage::kind),
        Some(MessageKind::VgNotVariedOn)
    );
    Ok(())
}

#[test]
fn err_every_sample_carries_the_number_in_its_name() -> TestResult {
    let Some(samples) = common::samples()? else {
        return Ok(());
    };
    let mut seen = 0;
    for (name, text) in samples.all()? {
        let Some(code) = name
            .strip_prefix("err_")
            .and_then(|rest| rest.split('.').next())
        else {
            continue;
        };
        let messages = parse_messages(&text);
        assert!(
            messages.iter().any(|m| m.code.to_string() == code),
            "{name}: no message {code} in {messages:?}"
        );
        seen += 1;
    }
    assert!(seen > 0, "no err_*.txt sample");
    Ok(())
}

#[test]
fn mirrorvg_and_unmirrorvg_messages_with_continuations() -> TestResult {
    let Some(samples) = common::samples()? else {
        return Ok(());
    };
    let mirror = parse_messages(&samples.read("mirrorvg.1.txt")?);
    assert_eq!(
        message_summary(&mirror),
        [
            (
                "0516-1804".to_owned(),
                Some("chvg"),
                MessageKind::QuorumChanged
            ),
            (
                "0516-1126".to_owned(),
                Some("mirrorvg"),
                MessageKind::Mirrored
            ),
        ]
    );
    let done = mirror.get(1).ok_or("second message")?;
    assert!(
        done.text
            .starts_with("rootvg successfully mirrored, user should perform bosboot")
    );
    assert!(done.text.ends_with("bootlist to include:  hdisk1 hdisk0."));
    assert_eq!(done.line, 2);

    let unmirror = parse_messages(&samples.read("unmirrorvg.1.txt")?);
    assert_eq!(
        message_summary(&unmirror),
        [
            (
                "0516-1246".to_owned(),
                Some("rmlvcopy"),
                MessageKind::BootLvCopyRemoved
            ),
            (
                "0516-1804".to_owned(),
                Some("chvg"),
                MessageKind::QuorumChanged
            ),
            (
                "0516-1144".to_owned(),
                Some("unmirrorvg"),
                MessageKind::Unmirrored
            ),
        ]
    );
    let boot = unmirror.first().ok_or("first message")?;
    assert!(boot.text.ends_with("logical volume is moved/removed."));
    assert!(unmirror.iter().all(|m| m.kind().is_informational()));
    Ok(())
}

#[test]
fn chvg_and_extendvg_messages() -> TestResult {
    let Some(samples) = common::samples()? else {
        return Ok(());
    };
    let chvg = parse_messages(&samples.read("chvg.1.txt")?);
    assert_eq!(
        message_summary(&chvg),
        [
            (
                "0516-1224".to_owned(),
                Some("chvg"),
                MessageKind::Other(MessageCode::lvm(1224))
            ),
            (
                "0516-1712".to_owned(),
                Some("chvg"),
                MessageKind::Other(MessageCode::lvm(1712))
            ),
        ]
    );
    // The answer `y` typed at the prompt is not part of the warning.
    let warning = chvg.first().ok_or("warning")?;
    assert!(warning.text.ends_with("Continue (y/n) ?"));

    let extendvg = parse_messages(&samples.read("extendvg.1.txt")?);
    assert_eq!(
        extendvg,
        [AixMessage {
            code: MessageCode::lvm(1254),
            program: Some("extendvg".to_owned()),
            text: "Changing the PVID in the ODM.".to_owned(),
            line: 1,
        }]
    );
    assert_eq!(
        extendvg.first().map(AixMessage::kind),
        Some(MessageKind::PvidChanged)
    );
    Ok(())
}

#[test]
fn plain_progress_line_is_not_a_message() -> TestResult {
    let Some(samples) = common::samples()? else {
        return Ok(());
    };
    assert!(parse_messages(&samples.read("rmfs.1.txt")?).is_empty());
    assert!(parse_messages(&samples.read("fsck.1.txt")?).is_empty());
    Ok(())
}
