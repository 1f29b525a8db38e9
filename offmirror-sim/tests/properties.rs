//! Property tests: random hosts, requests, backend capabilities and write loads.
//!
//! (a) the plan never splits what must not be split and never uses a mechanism the
//!     backend lacks, nor the full-resync one unless allowed;
//! (b) a runnable plan runs without errors and leaves the host as it found it (every copy
//!     rejoined, no new stale partition, every copy identical: no write lost);
//! (c) the backup hook read exactly the point-in-time image of every exposed LV;
//! (d) tracked mechanisms resync exactly what was written while split; the full-resync
//!     mechanism resyncs the whole copy.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use offmirror_core::*;
use offmirror_sim::{HostBuilder, SimHookRunner, SimHost};
use proptest::prelude::*;
use proptest::test_runner::TestCaseError;

const TYPES: [LvType; 8] = [
    LvType::Jfs,
    LvType::Jfs2,
    LvType::Raw,
    LvType::Jfslog,
    LvType::Jfs2log,
    LvType::Paging,
    LvType::Boot,
    LvType::Sysdump,
];

const ALL_MECHANISMS: [Mechanism; 4] = [
    Mechanism::VgSplit,
    Mechanism::FsSplitCopy,
    Mechanism::LvCopy,
    Mechanism::FullResyncSplit,
];

#[derive(Debug, Clone)]
struct LvGen {
    kind: usize,
    lps: u32,
    copies: usize,
    /// Copy `i` on disk `(offset + i) % disks` when `spread`, else on `disks[i] % disks`.
    spread: bool,
    offset: usize,
    disks: [usize; 3],
    /// (copy, count): the first `count` partitions of that copy are stale.
    stale: Option<(u8, u32)>,
    mounted: bool,
    /// (copy index, lp): that partition is missing from that copy. Applied only where the
    /// split leaves the LP another copy in use (see the ignored test at the end).
    hole: Option<(usize, usize)>,
    /// Also named as an LV target.
    target: bool,
}

#[derive(Debug, Clone)]
struct VgGen {
    disks: usize,
    lvs: Vec<LvGen>,
    missing_disk: bool,
    varied_off: bool,
    rootvg: bool,
    target: bool,
}

#[derive(Debug, Clone)]
struct Case {
    vgs: Vec<VgGen>,
    bogus_target: bool,
    copy: u8,
    allow_full_resync: bool,
    min_copies_left: u8,
    force: bool,
    freeze: bool,
    /// pre_offline, resume, post_offline.
    hooks: [bool; 3],
    /// Subset of [`ALL_MECHANISMS`].
    mechanisms: [bool; 4],
    per_op: u32,
    on_split_side: bool,
    seed: u64,
}

fn lv_gen() -> impl Strategy<Value = LvGen> {
    (
        // Indexes into TYPES, weighted towards the LVs a backup is for.
        prop_oneof![
            3 => Just(0usize),
            4 => Just(1usize),
            3 => Just(2usize),
            1 => Just(3usize),
            1 => Just(4usize),
            1 => Just(5usize),
            1 => Just(6usize),
            1 => Just(7usize),
        ],
        1u32..=6,
        prop_oneof![1 => Just(1usize), 4 => Just(2usize), 3 => Just(3usize)],
        prop::bool::weighted(0.85),
        0usize..4,
        [0usize..4, 0usize..4, 0usize..4],
        prop::option::weighted(0.1, (1u8..=3, 1u32..=6)),
        prop::bool::weighted(0.8),
        prop::option::weighted(0.06, (0usize..3, 0usize..6)),
        prop::bool::weighted(0.25),
    )
        .prop_map(
            |(kind, lps, copies, spread, offset, disks, stale, mounted, hole, target)| LvGen {
                kind,
                lps,
                copies,
                spread,
                offset,
                disks,
                stale,
                mounted,
                hole,
                target,
            },
        )
}

fn vg_gen() -> impl Strategy<Value = VgGen> {
    (
        prop_oneof![1 => Just(1usize), 3 => Just(2usize), 3 => Just(3usize), 2 => Just(4usize)],
        prop::collection::vec(lv_gen(), 1..=6),
        prop::bool::weighted(0.04),
        prop::bool::weighted(0.04),
        prop::bool::weighted(0.15),
        prop::bool::weighted(0.7),
    )
        .prop_map(
            |(disks, lvs, missing_disk, varied_off, rootvg, target)| VgGen {
                disks,
                lvs,
                missing_disk,
                varied_off,
                rootvg,
                target,
            },
        )
}

fn case_gen() -> impl Strategy<Value = Case> {
    (
        prop::collection::vec(vg_gen(), 1..=3),
        prop::bool::weighted(0.03),
        prop_oneof![2 => Just(1u8), 6 => Just(2u8), 2 => Just(3u8)],
        any::<bool>(),
        prop_oneof![80 => Just(1u8), 15 => Just(2u8), 2 => Just(0u8), 2 => Just(3u8)],
        prop::bool::weighted(0.85),
        prop::bool::weighted(0.8),
        [any::<bool>(), any::<bool>(), any::<bool>()],
        [
            prop::bool::weighted(0.75),
            prop::bool::weighted(0.75),
            prop::bool::weighted(0.75),
            prop::bool::weighted(0.5),
        ],
        0u32..5,
        prop::bool::weighted(0.2),
        any::<u64>(),
    )
        .prop_map(
            |(
                vgs,
                bogus_target,
                copy,
                allow_full_resync,
                min_copies_left,
                force,
                freeze,
                hooks,
                mechanisms,
                per_op,
                on_split_side,
                seed,
            )| Case {
                vgs,
                bogus_target,
                copy,
                allow_full_resync,
                min_copies_left,
                force,
                freeze,
                hooks,
                mechanisms,
                per_op,
                on_split_side,
                seed,
            },
        )
}

fn vg_name(case_vg: &VgGen, v: usize) -> String {
    if case_vg.rootvg && v == 0 {
        "rootvg".to_string()
    } else {
        format!("vg{v}")
    }
}

fn lv_name(v: usize, i: usize) -> String {
    format!("v{v}lv{i}")
}

fn fail(e: impl std::fmt::Display) -> TestCaseError {
    TestCaseError::fail(e.to_string())
}

/// The host of a case: valid by construction.
fn build_host(case: &Case) -> Result<SimHost, TestCaseError> {
    let mut b = HostBuilder::new();
    for (v, g) in case.vgs.iter().enumerate() {
        let vg = vg_name(g, v);
        let disks: Vec<String> = (0..g.disks)
            .map(|d| format!("hdisk{}", v * 10 + d))
            .collect();
        let disk_refs: Vec<&str> = disks.iter().map(String::as_str).collect();
        b = b.vg(&vg, &disk_refs, 200);
        let first_of = |t: LvType| {
            g.lvs
                .iter()
                .position(|l| TYPES.get(l.kind) == Some(&t))
                .map(|i| lv_name(v, i))
        };
        let jfslog = first_of(LvType::Jfslog);
        let jfs2log = first_of(LvType::Jfs2log);
        for (i, l) in g.lvs.iter().enumerate() {
            let name = lv_name(v, i);
            let lv_type = TYPES.get(l.kind).copied().unwrap_or(LvType::Raw);
            let layout: Vec<usize> = (0..l.copies)
                .map(|c| {
                    if l.spread {
                        (l.offset + c) % g.disks
                    } else {
                        l.disks.get(c).copied().unwrap_or(0) % g.disks
                    }
                })
                .collect();
            b = b.lv_layout(&vg, &name, lv_type, l.lps, &layout);
            if let Some((copy, count)) = l.stale {
                b = b.stale(&name, copy, count);
            }
            let mount = format!("/v{v}/lv{i}");
            match lv_type {
                LvType::Jfs => {
                    b = b.fs(&name, &mount, Vfs::Jfs, l.mounted, jfslog.as_deref());
                }
                LvType::Jfs2 => {
                    b = b.fs(&name, &mount, Vfs::Jfs2, l.mounted, jfs2log.as_deref());
                }
                _ => {}
            }
        }
        if g.missing_disk {
            b = b.pv_state(&format!("hdisk{}", v * 10), PvState::Missing);
        }
        if g.varied_off {
            b = b.varied_off(&vg);
        }
    }
    let host = b.build().map_err(fail)?;
    host.with_state(|s| {
        // Partially allocated copies.
        for (v, g) in case.vgs.iter().enumerate() {
            for (i, l) in g.lvs.iter().enumerate() {
                let Some((copy, lp)) = l.hole else { continue };
                // A hole anywhere: the planner must refuse whatever would leave a
                // partition without a copy in use (see the regression tests below).
                let name = lv_name(v, i);
                if let Some(slot) = s
                    .inventory
                    .vgs
                    .iter_mut()
                    .flat_map(|vg| vg.lvs.iter_mut())
                    .find(|x| x.name.as_str() == name)
                    .and_then(|x| x.copies.get_mut(copy))
                    .and_then(|c| c.pps.get_mut(lp))
                {
                    *slot = None;
                }
            }
        }
        s.mechanisms = ALL_MECHANISMS
            .iter()
            .zip(case.mechanisms)
            .filter(|(_, on)| *on)
            .map(|(m, _)| *m)
            .collect();
        s.writes.per_op = case.per_op;
        s.writes.on_split_side = case.on_split_side;
        s.rng = case.seed;
    })
    .map_err(fail)?;
    Ok(host)
}

fn build_request(case: &Case, work: &Path) -> Result<BackupRequest, TestCaseError> {
    let mut b = BackupRequest::builder(work)
        .copy(CopyNumber::new(case.copy).map_err(fail)?)
        .hook(HookPhase::Backup, HookSpec::new("/bin/backup"));
    for (v, g) in case.vgs.iter().enumerate() {
        if g.target {
            b = b.vg(VgName::new(vg_name(g, v)).map_err(fail)?);
        }
        for (i, l) in g.lvs.iter().enumerate() {
            if l.target {
                b = b.lv(LvName::new(lv_name(v, i)).map_err(fail)?);
            }
        }
    }
    if case.bogus_target {
        b = b.vg(VgName::new("nosuchvg").map_err(fail)?);
    }
    let phases = [
        HookPhase::PreOffline,
        HookPhase::Resume,
        HookPhase::PostOffline,
    ];
    for (phase, on) in phases.into_iter().zip(case.hooks) {
        if on {
            b = b.hook(phase, HookSpec::new(format!("/bin/{phase}")));
        }
    }
    let policy = Policy {
        allow_full_resync: case.allow_full_resync,
        min_copies_left: case.min_copies_left,
        force_continue_on_warnings: case.force,
        freeze: case.freeze,
        // Long enough for any simulated resync, short enough that a bug does not hang.
        resync_timeout: Duration::from_secs(5),
        ..Policy::default()
    };
    Ok(b.policy(policy).build())
}

/// (a): what the plan splits, checked against the inventory it was planned from.
fn check_plan(
    case: &Case,
    inventory: &Inventory,
    request: &BackupRequest,
    caps: &Capabilities,
    preview: &Preview,
) -> Result<(), TestCaseError> {
    let copy = request.copy;
    let targeted: BTreeSet<String> = request
        .targets
        .iter()
        .flat_map(|t| match t {
            Target::Vg(name) => inventory
                .vg(name)
                .map(|vg| vg.lvs.iter().map(|l| l.name.to_string()).collect())
                .unwrap_or_default(),
            Target::Lv(name) => vec![name.to_string()],
        })
        .collect();
    let mut seen = BTreeSet::new();
    for unit in &preview.plan.units {
        prop_assert!(
            caps.supports(unit.mechanism),
            "{} not offered by {:?}",
            unit.mechanism,
            caps.mechanisms
        );
        prop_assert!(
            unit.mechanism != Mechanism::FullResyncSplit || case.allow_full_resync,
            "full resync picked without permission"
        );
        prop_assert_eq!(unit.copy, copy);
        let vg = inventory
            .vg(&unit.vg)
            .ok_or_else(|| fail(format!("unit on unknown VG {}", unit.vg)))?;
        prop_assert!(vg.varied_on, "{} is varied off", vg.name);
        prop_assert!(
            vg.missing_pvs().next().is_none(),
            "{} has missing disks",
            vg.name
        );
        prop_assert!(!unit.lvs.is_empty());
        if unit.mechanism == Mechanism::VgSplit {
            prop_assert!(!vg.is_root(), "splitvg of root VG {}", vg.name);
            prop_assert_eq!(unit.lvs.len(), vg.lvs.len(), "VG split of part of a VG");
        } else {
            prop_assert_eq!(unit.lvs.len(), 1);
        }
        for ulv in &unit.lvs {
            let name = ulv.lv.to_string();
            prop_assert!(seen.insert(name.clone()), "{} split twice", name);
            prop_assert!(targeted.contains(&name), "{} was not targeted", name);
            let (_, lv) = inventory
                .lv(&ulv.lv)
                .ok_or_else(|| fail(format!("unknown LV {name}")))?;
            prop_assert!(!lv.lv_type.never_split(), "{} is {:?}", name, lv.lv_type);
            prop_assert!(lv.copy_count() >= 2, "{} is not mirrored", name);
            prop_assert_eq!(lv.stale_pps(), 0, "{} is stale", name);
            prop_assert!(
                lv.copy(copy).is_some_and(MirrorCopy::is_complete),
                "{} lacks a complete copy {}",
                name,
                copy
            );
            prop_assert!(
                lv.copy_count() > usize::from(request.policy.min_copies_left),
                "{} keeps too few copies",
                name
            );
            prop_assert!(lv.split.is_none());
            let fs = inventory.filesystem_on(&ulv.lv);
            match unit.mechanism {
                Mechanism::FsSplitCopy => {
                    prop_assert!(
                        lv.lv_type == LvType::Jfs
                            && fs.is_some_and(|f| f.vfs == Vfs::Jfs && f.mounted),
                        "chfs split of {}",
                        name
                    );
                }
                Mechanism::LvCopy | Mechanism::FullResyncSplit => {
                    prop_assert!(
                        matches!(lv.lv_type, LvType::Jfs | LvType::Jfs2 | LvType::Raw),
                        "per-LV split of a {:?}",
                        lv.lv_type
                    );
                }
                _ => {}
            }
            if unit.mechanism != Mechanism::VgSplit {
                // The split copy holds its disks alone.
                let target = lv.copy(copy).map(MirrorCopy::pv_set).unwrap_or_default();
                for (i, c) in lv.copies.iter().enumerate() {
                    if i != copy.index() {
                        prop_assert!(
                            c.pv_set().is_disjoint(&target),
                            "{} shares a disk between copies",
                            name
                        );
                    }
                }
            }
        }
    }
    Ok(())
}

static RUN: AtomicU64 = AtomicU64::new(0);

fn check_case(case: &Case, work: &Path) -> Result<(), TestCaseError> {
    let host = build_host(case)?;
    let before = host.state().map_err(fail)?.safe_state_violations();
    let request = build_request(case, work)?;
    let inventory = host.inventory().map_err(fail)?;
    let caps = host.capabilities();
    let preview = plan(
        &inventory,
        &request,
        &caps,
        &LocalFacts::assume_usable(&request),
    );
    check_plan(case, &inventory, &request, &caps, &preview)?;
    if !preview.is_runnable() {
        prop_assert!(preview.clone().into_plan().is_err());
        return Ok(());
    }
    let plan = preview.into_plan().map_err(fail)?;
    prop_assert!(!plan.units.is_empty());

    // (b) the run.
    let hooks = SimHookRunner::new(host.clone());
    let run_id = format!("prop-{}", RUN.fetch_add(1, Ordering::Relaxed));
    let report = Executor::new(&host, &host, &hooks)
        .options(ExecOptions {
            run_id: Some(run_id),
            resync_poll: Duration::ZERO,
            sync_journal: false,
            ..ExecOptions::default()
        })
        .run(&plan)
        .map_err(fail)?;
    prop_assert!(
        report.errors.is_empty(),
        "errors: {:?}\n{}",
        report.errors,
        report.to_text()
    );
    prop_assert!(report.succeeded());
    let state = host.state().map_err(fail)?;
    prop_assert_eq!(state.safe_state_violations(), before);
    prop_assert!(state.splits.is_empty() && state.frozen.is_empty());
    for unit in &report.units {
        prop_assert!(unit.split && unit.rejoined, "unit {} {:?}", unit.id, unit);
    }

    // (c) point in time.
    let reads = hooks.backup_reads();
    let read_lvs: BTreeSet<String> = reads.iter().map(|r| r.lv.to_string()).collect();
    let exposed: BTreeSet<String> = report.exposed.iter().map(|e| e.lv.to_string()).collect();
    let splittable: BTreeSet<String> = plan
        .lvs()
        .filter(|l| !l.lv_type.is_log())
        .map(|l| l.lv.to_string())
        .collect();
    prop_assert_eq!(&read_lvs, &exposed);
    prop_assert_eq!(&exposed, &splittable);
    prop_assert_eq!(reads.len(), exposed.len());
    if !case.on_split_side {
        for read in &reads {
            prop_assert_eq!(
                Some(&read.data),
                state.split_images.get(&read.lv),
                "backup of {} is not the image at the split",
                read.lv
            );
        }
    }

    // (d) resync accounting.
    let lps: BTreeMap<u32, u64> = plan.units.iter().map(|u| (u.id, u.copy_pps())).collect();
    for unit in &report.units {
        if unit.mechanism.tracks_changes() {
            prop_assert!(unit.pps_written_while_split.is_some(), "{:?}", unit);
            prop_assert_eq!(
                unit.pps_written_while_split,
                unit.pps_resynced,
                "unit {} ({})",
                unit.id,
                unit.mechanism
            );
        } else {
            prop_assert_eq!(unit.pps_written_while_split, None);
            prop_assert_eq!(unit.pps_resynced, lps.get(&unit.id).copied());
        }
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: 1024,
        // Tests may not write files next to the sources; failures print the case.
        failure_persistence: None,
        ..ProptestConfig::default()
    })]

    #[test]
    fn random_hosts_plan_safely_and_run_back_to_a_safe_state(case in case_gen()) {
        let tmp = tempfile::tempdir().map_err(fail)?;
        check_case(&case, tmp.path())?;
    }
}

/// Crashes the simulated host after `crash_at` operations of a run of a random case
/// (optionally after the crashing operation took effect, and optionally again inside the
/// first recovery), reboots it and recovers: the host must end as before the run but
/// with every copy rejoined, in sync and identical to the primary, nothing frozen or
/// split, the application resumed if it was quiesced, and nothing left to recover.
fn check_crash_case(
    case: &Case,
    crash_at: u64,
    after_effect: bool,
    crash_in_recovery: Option<u64>,
    work: &Path,
) -> Result<(), TestCaseError> {
    let host = build_host(case)?;
    let before = host.state().map_err(fail)?.safe_state_violations();
    let request = build_request(case, work)?;
    let inventory = host.inventory().map_err(fail)?;
    let preview = plan(
        &inventory,
        &request,
        &host.capabilities(),
        &LocalFacts::assume_usable(&request),
    );
    let Ok(plan) = preview.into_plan() else {
        return Ok(());
    };
    let options = || ExecOptions {
        run_id: Some("crash".into()),
        resync_poll: Duration::ZERO,
        sync_journal: false,
        ..ExecOptions::default()
    };
    let reboot = |host: &SimHost| {
        host.with_state(|s| {
            s.crashed = false;
            s.faults = offmirror_sim::Faults::default();
        })
        .map_err(fail)
    };
    host.with_state(|s| {
        s.faults.crash_after_ops = Some(s.ops + crash_at);
        s.faults.crash_after_effect = after_effect;
    })
    .map_err(fail)?;
    let hooks = SimHookRunner::new(host.clone());
    Executor::new(&host, &host, &hooks)
        .options(options())
        .run(&plan)
        .map_err(fail)?;
    reboot(&host)?;
    if let Some(m) = crash_in_recovery {
        host.with_state(|s| s.faults.crash_after_ops = Some(s.ops + m))
            .map_err(fail)?;
        Executor::new(&host, &host, &hooks)
            .options(options())
            .recover(work)
            .map_err(fail)?;
        reboot(&host)?;
    }
    let reports = Executor::new(&host, &host, &hooks)
        .options(options())
        .recover(work)
        .map_err(fail)?;
    for r in &reports {
        prop_assert!(r.errors.is_empty(), "recovery failed: {:?}", r.errors);
    }
    let state = host.state().map_err(fail)?;
    prop_assert_eq!(state.safe_state_violations(), before);
    prop_assert!(state.splits.is_empty() && state.frozen.is_empty());
    prop_assert!(interrupted_runs(work).map_err(fail)?.is_empty());
    let calls = hooks.calls();
    if calls.contains(&HookPhase::PreOffline) && request.hooks.resume.is_some() {
        prop_assert!(
            calls.contains(&HookPhase::Resume),
            "not resumed: {:?}",
            calls
        );
    }
    Ok(())
}

/// Crash cases per run of the test: 10,000 by default (CI); set `OFFMIRROR_CRASH_CASES`
/// for a longer run.
fn crash_cases() -> u32 {
    std::env::var("OFFMIRROR_CRASH_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(10_000)
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: crash_cases(),
        failure_persistence: None,
        ..ProptestConfig::default()
    })]

    #[test]
    fn a_crash_at_any_point_of_a_random_run_is_recovered(
        case in case_gen(),
        crash_at in 0u64..72,
        after_effect in any::<bool>(),
        crash_in_recovery in proptest::option::weighted(0.25, 0u64..24),
    ) {
        let tmp = tempfile::tempdir().map_err(fail)?;
        check_crash_case(&case, crash_at, after_effect, crash_in_recovery, tmp.path())?;
    }
}

/// Makes sure the generator reaches the interesting cases: runnable plans with each
/// mechanism. Deterministic (fixed seed), so it cannot flake.
#[test]
fn the_generator_covers_every_mechanism() -> Result<(), Box<dyn std::error::Error>> {
    use proptest::strategy::ValueTree;
    use proptest::test_runner::{Config, RngAlgorithm, TestRng, TestRunner};
    let mut runner = TestRunner::new_with_rng(
        Config::default(),
        TestRng::from_seed(RngAlgorithm::ChaCha, &[7; 32]),
    );
    let strategy = case_gen();
    let mut runnable = 0;
    let mut mechanisms = BTreeSet::new();
    for _ in 0..256 {
        let case = strategy
            .new_tree(&mut runner)
            .map_err(|e| e.to_string())?
            .current();
        let host = build_host(&case).map_err(|e| e.to_string())?;
        let request = build_request(&case, Path::new("/tmp/om-prop")).map_err(|e| e.to_string())?;
        let preview = plan(
            &host.inventory()?,
            &request,
            &host.capabilities(),
            &LocalFacts::assume_usable(&request),
        );
        if preview.is_runnable() {
            runnable += 1;
            mechanisms.extend(preview.plan.units.iter().map(|u| u.mechanism));
        }
    }
    assert!(runnable >= 64, "only {runnable} runnable cases of 256");
    assert_eq!(mechanisms.len(), 4, "{mechanisms:?}");
    Ok(())
}

/// Regression: the planner checked that the copy to split is complete and that enough *copies*
/// stay in use, but not that every *logical partition* keeps a copy in use. Splitting copy
/// 2 of an LV whose copy 1 lacks LP 1 leaves LP 1 with no copy at all: writes to it while
/// split land nowhere current, and after the rejoin the resync has no source, so the run
/// waits the whole `resync_timeout` (6 hours by default) and fails verification.
#[test]

fn splitting_never_leaves_a_partition_without_a_copy_in_use()
-> Result<(), Box<dyn std::error::Error>> {
    let host = HostBuilder::new()
        .vg("vg0", &["hdisk0", "hdisk1"], 100)
        .lv_layout("vg0", "v0lv0", LvType::Raw, 3, &[0, 1])
        .build()?;
    host.with_state(|s| {
        if let Some(slot) = s
            .inventory
            .vgs
            .iter_mut()
            .flat_map(|vg| vg.lvs.iter_mut())
            .next()
            .and_then(|lv| lv.copies.first_mut())
            .and_then(|c| c.pps.first_mut())
        {
            *slot = None;
        }
    })?;
    let request = BackupRequest::builder("/tmp/om-prop-bug")
        .vg(VgName::new("vg0")?)
        .hook(HookPhase::Backup, HookSpec::new("/bin/backup"))
        .build();
    let preview = plan(
        &host.inventory()?,
        &request,
        &host.capabilities(),
        &LocalFacts::assume_usable(&request),
    );
    // Today: runnable, one LvCopy unit for v0lv0, no problem reported.
    assert!(
        preview.plan.units.is_empty() && !preview.is_runnable(),
        "copy 2 of v0lv0 holds the only copy of LP 1, yet it is split:\n{}",
        preview.to_text()
    );
    Ok(())
}

fn run_once(
    host: &SimHost,
    request: &BackupRequest,
    run_id: &str,
) -> Result<(Preview, Option<Report>), Box<dyn std::error::Error>> {
    let preview = plan(
        &host.inventory()?,
        request,
        &host.capabilities(),
        &LocalFacts::assume_usable(request),
    );
    if !preview.is_runnable() {
        return Ok((preview, None));
    }
    let hooks = SimHookRunner::new(host.clone());
    let report = Executor::new(host, host, &hooks)
        .options(ExecOptions {
            run_id: Some(run_id.into()),
            resync_poll: Duration::ZERO,
            sync_journal: false,
            ..ExecOptions::default()
        })
        .run(&preview.clone().into_plan()?)?;
    Ok((preview, Some(report)))
}

fn full_resync_host(hole_in_copy_1: bool) -> Result<SimHost, Box<dyn std::error::Error>> {
    let host = HostBuilder::new()
        .vg("vg0", &["hdisk0", "hdisk1", "hdisk2"], 100)
        .lv_layout("vg0", "v0lv0", LvType::Raw, 4, &[0, 1, 2])
        .build()?;
    host.with_state(|s| {
        s.mechanisms = vec![Mechanism::FullResyncSplit];
        if hole_in_copy_1
            && let Some(slot) = s
                .inventory
                .vgs
                .iter_mut()
                .flat_map(|vg| vg.lvs.iter_mut())
                .next()
                .and_then(|lv| lv.copies.first_mut())
                .and_then(|c| c.pps.first_mut())
        {
            *slot = None;
        }
    })?;
    Ok(host)
}

fn full_resync_request(work: &Path) -> Result<BackupRequest, Box<dyn std::error::Error>> {
    Ok(BackupRequest::builder(work)
        .vg(VgName::new("vg0")?)
        .hook(HookPhase::Backup, HookSpec::new("/bin/backup"))
        .allow_full_resync(true)
        .build())
}

/// Simulator bug: the rejoin of a full-resync split (`SimState::rejoin`, `detached`
/// branch) builds the new copy from copy 1's PP map. When copy 1 lacks a partition the
/// new copy lacks it too, so the rejoined copy 2 is incomplete and verification fails
/// ("v0lv0 lacks copy 2"), although the split copy was complete.
#[test]

fn full_resync_rejoin_gives_back_a_complete_copy() -> Result<(), Box<dyn std::error::Error>> {
    let tmp = tempfile::tempdir()?;
    let host = full_resync_host(true)?;
    let (preview, report) = run_once(&host, &full_resync_request(tmp.path())?, "hole")?;
    let report = report.ok_or_else(|| preview.to_text())?;
    assert!(report.errors.is_empty(), "{:?}", report.errors);
    Ok(())
}

/// Simulator infidelity: the same cloning puts the re-created copy on copy 1's disks
/// (PP numbers + 1,000,000, beyond the disk's size), so after one full-resync cycle of a
/// healthy LV the next preview finds copy 2 sharing a disk with copy 1 and skips the LV.
#[test]

fn full_resync_cycle_keeps_copies_on_their_disks() -> Result<(), Box<dyn std::error::Error>> {
    let tmp = tempfile::tempdir()?;
    let host = full_resync_host(false)?;
    let request = full_resync_request(tmp.path())?;
    let (preview, report) = run_once(&host, &request, "first")?;
    let report = report.ok_or_else(|| preview.to_text())?;
    assert!(report.errors.is_empty(), "{:?}", report.errors);
    let (again, _) = run_once(&host, &request, "second")?;
    let codes: Vec<ProblemCode> = again.problems.iter().map(|p| p.code).collect();
    assert!(
        !codes.contains(&ProblemCode::CopySharesPv),
        "the second run finds shared disks:\n{}",
        again.to_text()
    );
    Ok(())
}
