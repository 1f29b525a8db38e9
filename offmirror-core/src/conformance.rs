//! The conformance suite: checks every backend must pass, whatever it drives.
//!
//! Each check is a free function over a [`Subject`] (the backend's three traits, a work
//! directory and a backup hook) and returns `Err` with what went wrong. A backend's test
//! suite calls each of them, one `#[test]` each, on a host that meets these conditions:
//!
//! - at least one varied-on VG other than rootvg, fully mirrored, whose copy 2 sits alone
//!   on its disks and whose LVs have no stale partitions (so it can be split whole);
//! - for every mechanism the backend offers, at least one LV it can split: a mounted JFS2
//!   file system and a raw LV, and for `fs_split_copy` a mounted JFS with a mirrored log;
//! - no copy split, nothing frozen.
//!
//! The simulator's demo host meets them.
//!
//! ```
//! # fn check(subject: &offmirror_core::conformance::Subject<'_>) {
//! for (name, result) in offmirror_core::conformance::run_all(subject) {
//!     assert!(result.is_ok(), "{name}: {result:?}");
//! }
//! # }
//! ```

use std::path::PathBuf;
use std::time::{Duration, Instant};

use crate::{
    Applied, BackupRequest, Capabilities, ExecOptions, Executor, FsController, HookPhase,
    HookRunner, HookSpec, Inventory, LocalFacts, Mechanism, Plan, SplitUnit, Target, VolumeManager,
    plan,
};

/// Writes one `#[test]` per conformance check, plus one that runs them all in sequence on
/// one host, so that every backend's suite runs every check (a check added here reaches
/// them all). `$with_subject` is a function `fn(fn(&Subject<'_>) -> CheckResult) ->
/// Result<(), String>` that sets up a fresh host, builds the [`Subject`] and runs the
/// check on it.
///
/// ```text
/// fn with_subject(check: fn(&Subject<'_>) -> CheckResult) -> Result<(), String> { ... }
/// offmirror_core::conformance_tests!(with_subject);
/// ```
#[macro_export]
macro_rules! conformance_tests {
    ($with_subject:path) => {
        #[test]
        fn inventory_is_consistent() -> Result<(), String> {
            $with_subject($crate::conformance::inventory_is_consistent)
        }

        #[test]
        fn preview_changes_nothing() -> Result<(), String> {
            $with_subject($crate::conformance::preview_changes_nothing)
        }

        #[test]
        fn freeze_and_thaw_are_idempotent() -> Result<(), String> {
            $with_subject($crate::conformance::freeze_and_thaw_are_idempotent)
        }

        #[test]
        fn every_mechanism_round_trips() -> Result<(), String> {
            $with_subject($crate::conformance::every_mechanism_round_trips)
        }

        #[test]
        fn full_cycle_ends_in_sync() -> Result<(), String> {
            $with_subject($crate::conformance::full_cycle_ends_in_sync)
        }

        #[test]
        fn all_checks_in_sequence_on_one_host() -> Result<(), String> {
            $with_subject(|subject| {
                for (name, result) in $crate::conformance::run_all(subject) {
                    result.map_err(|e| format!("{name}: {e}"))?;
                }
                Ok(())
            })
        }
    };
}

/// The backend under test.
pub struct Subject<'a> {
    /// Its volume manager.
    pub volumes: &'a dyn VolumeManager,
    /// Its file-system controller.
    pub fs: &'a dyn FsController,
    /// Its hook runner.
    pub hooks: &'a dyn HookRunner,
    /// A scratch work directory.
    pub work_dir: PathBuf,
    /// The backup hook to run in full cycles.
    pub backup_hook: HookSpec,
    /// Longest wait for a resync.
    pub resync_timeout: Duration,
}

impl std::fmt::Debug for Subject<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Subject")
            .field("work_dir", &self.work_dir)
            .finish_non_exhaustive()
    }
}

/// The result of one check.
pub type CheckResult = Result<(), String>;

/// Runs every check in order, each on the state the previous one left.
pub fn run_all(subject: &Subject<'_>) -> Vec<(&'static str, CheckResult)> {
    vec![
        ("inventory_is_consistent", inventory_is_consistent(subject)),
        ("preview_changes_nothing", preview_changes_nothing(subject)),
        (
            "freeze_and_thaw_are_idempotent",
            freeze_and_thaw_are_idempotent(subject),
        ),
        (
            "every_mechanism_round_trips",
            every_mechanism_round_trips(subject),
        ),
        ("full_cycle_ends_in_sync", full_cycle_ends_in_sync(subject)),
    ]
}

fn inventory(subject: &Subject<'_>) -> Result<Inventory, String> {
    subject
        .volumes
        .inventory()
        .map_err(|e| format!("inventory: {}", crate::display_chain(&e)))
}

/// Every partition reference points at an existing disk, every copy covers every LP,
/// names are unique, and file systems sit on existing LVs.
pub fn inventory_is_consistent(subject: &Subject<'_>) -> CheckResult {
    let inv = inventory(subject)?;
    let mut names = std::collections::HashSet::new();
    for vg in &inv.vgs {
        if !names.insert(vg.name.to_string()) {
            return Err(format!("VG name {} appears twice", vg.name));
        }
        for lv in &vg.lvs {
            if !names.insert(lv.name.to_string()) {
                return Err(format!("LV name {} is not unique", lv.name));
            }
            if lv.copies.is_empty() || lv.copies.len() > 3 {
                return Err(format!("{} has {} copies", lv.name, lv.copies.len()));
            }
            for (i, copy) in lv.copies.iter().enumerate() {
                if copy.pps.len() != lv.lps as usize {
                    return Err(format!(
                        "{} copy {} maps {} of {} LPs",
                        lv.name,
                        i + 1,
                        copy.pps.len(),
                        lv.lps
                    ));
                }
                if let Some(bad) = copy
                    .pps
                    .iter()
                    .flatten()
                    .find(|p| usize::from(p.pv) >= vg.pvs.len())
                {
                    return Err(format!(
                        "{} copy {} points at disk #{} of {}",
                        lv.name,
                        i + 1,
                        bad.pv,
                        vg.name
                    ));
                }
            }
        }
    }
    for fs in &inv.filesystems {
        if inv.lv(&fs.device).is_none() {
            return Err(format!(
                "file system {} is on unknown LV {}",
                fs.mount_point, fs.device
            ));
        }
    }
    Ok(())
}

/// A preview reads and plans but changes nothing on the host.
pub fn preview_changes_nothing(subject: &Subject<'_>) -> CheckResult {
    let before = inventory(subject)?;
    let request = whole_host_request(subject, &before);
    Executor::new(subject.volumes, subject.fs, subject.hooks)
        .preview(&request)
        .map_err(|e| crate::display_chain(&e))?;
    let after = inventory(subject)?;
    if strip_data(before) != strip_data(after) {
        return Err("the inventory changed during a preview".into());
    }
    Ok(())
}

/// Stale flags can change under application writes on a live host; compare the rest.
fn strip_data(mut inv: Inventory) -> Inventory {
    for lv in inv.vgs.iter_mut().flat_map(|vg| vg.lvs.iter_mut()) {
        for pp in lv
            .copies
            .iter_mut()
            .flat_map(|c| c.pps.iter_mut())
            .flatten()
        {
            pp.stale = false;
        }
    }
    inv
}

/// Freezing a frozen file system and thawing a thawed one report `AlreadyDone`.
pub fn freeze_and_thaw_are_idempotent(subject: &Subject<'_>) -> CheckResult {
    if !subject.volumes.capabilities().freeze {
        return Ok(());
    }
    let inv = inventory(subject)?;
    let fs = inv
        .filesystems
        .iter()
        .find(|f| f.vfs.split_needs_freeze() && f.mounted && f.mount_point.as_str() != "/")
        .ok_or("the host has no mounted file system it can freeze")?;
    let mp = &fs.mount_point;
    let e = |what: &str| {
        let what = what.to_string();
        move |err: crate::BackendError| format!("{what} {mp}: {}", crate::display_chain(&err))
    };
    let timeout = Duration::from_secs(60);
    expect(
        subject.fs.freeze(mp, timeout).map_err(e("freeze"))?,
        Applied::Done,
        "first freeze",
    )?;
    expect(
        subject.fs.freeze(mp, timeout).map_err(e("freeze"))?,
        Applied::AlreadyDone,
        "second freeze",
    )?;
    expect(
        subject.fs.thaw(mp).map_err(e("thaw"))?,
        Applied::Done,
        "first thaw",
    )?;
    expect(
        subject.fs.thaw(mp).map_err(e("thaw"))?,
        Applied::AlreadyDone,
        "second thaw",
    )?;
    Ok(())
}

fn expect(got: Applied, want: Applied, what: &str) -> CheckResult {
    if got == want {
        Ok(())
    } else {
        Err(format!("{what}: expected {want:?}, got {got:?}"))
    }
}

/// For each mechanism the backend offers: split, split again (`AlreadyDone`), expose,
/// unexpose, rejoin, rejoin again (`AlreadyDone`), resync to zero stale partitions; the
/// inventory shows the split while it lasts and nothing of it afterwards.
pub fn every_mechanism_round_trips(subject: &Subject<'_>) -> CheckResult {
    let caps = subject.volumes.capabilities();
    for &mechanism in &caps.mechanisms {
        let unit = unit_for(subject, &caps, mechanism)?;
        round_trip(subject, &unit).map_err(|e| format!("{mechanism}: {e}"))?;
    }
    Ok(())
}

fn unit_for(
    subject: &Subject<'_>,
    caps: &Capabilities,
    mechanism: Mechanism,
) -> Result<SplitUnit, String> {
    let inv = inventory(subject)?;
    let mut request = whole_host_request(subject, &inv);
    request.policy.allow_full_resync = true;
    let only = Capabilities {
        mechanisms: vec![mechanism],
        ..caps.clone()
    };
    let preview = plan(&inv, &request, &only, &LocalFacts::assume_usable(&request));
    preview
        .plan
        .units
        .into_iter()
        .find(|u| u.mechanism == mechanism)
        .ok_or_else(|| format!("no LV of the host can be split with {mechanism}; the conformance host must offer one"))
}

fn round_trip(subject: &Subject<'_>, unit: &SplitUnit) -> CheckResult {
    let vm = subject.volumes;
    let be = |what: &'static str| {
        move |e: crate::BackendError| format!("{what}: {}", crate::display_chain(&e))
    };
    expect(vm.split(unit).map_err(be("split"))?, Applied::Done, "split")?;
    let inv = inventory(subject)?;
    for ulv in &unit.lvs {
        let marked = inv
            .lv(&ulv.lv)
            .and_then(|(_, lv)| lv.split.as_ref())
            .map(|m| m.copy);
        if marked != Some(unit.copy) {
            return Err(format!(
                "after the split {} shows split copy {marked:?}, not {}",
                ulv.lv, unit.copy
            ));
        }
    }
    expect(
        vm.split(unit).map_err(be("second split"))?,
        Applied::AlreadyDone,
        "second split",
    )?;
    let root = subject.work_dir.join("mnt").join("conformance");
    let exposed = subject.fs.expose(unit, &root).map_err(be("expose"))?;
    if exposed.is_empty() {
        return Err("expose showed no split copy".into());
    }
    subject.fs.unexpose(unit, &root).map_err(be("unexpose"))?;
    subject
        .fs
        .unexpose(unit, &root)
        .map_err(be("second unexpose"))?;
    expect(
        vm.rejoin(unit).map_err(be("rejoin"))?,
        Applied::Done,
        "rejoin",
    )?;
    expect(
        vm.rejoin(unit).map_err(be("second rejoin"))?,
        Applied::AlreadyDone,
        "second rejoin",
    )?;
    vm.start_resync(unit).map_err(be("start resync"))?;
    let deadline = Instant::now() + subject.resync_timeout;
    loop {
        let stale = vm.stale_pps(unit).map_err(be("stale partitions"))?;
        if stale == 0 {
            break;
        }
        if Instant::now() > deadline {
            return Err(format!(
                "{stale} partitions still stale at the resync timeout"
            ));
        }
        std::thread::sleep(Duration::from_millis(5));
    }
    let inv = inventory(subject)?;
    for ulv in &unit.lvs {
        let Some((_, lv)) = inv.lv(&ulv.lv) else {
            return Err(format!("{} vanished", ulv.lv));
        };
        if lv.split.is_some() || lv.stale_pps() > 0 || lv.copy(unit.copy).is_none() {
            return Err(format!(
                "{} is not back in sync with copy {}",
                lv.name, unit.copy
            ));
        }
    }
    Ok(())
}

/// A full run through the executor succeeds and leaves every split LV rejoined and in
/// sync.
pub fn full_cycle_ends_in_sync(subject: &Subject<'_>) -> CheckResult {
    let inv = inventory(subject)?;
    let request = whole_host_request(subject, &inv);
    let executor = Executor::new(subject.volumes, subject.fs, subject.hooks).options(ExecOptions {
        run_id: Some("conformance".into()),
        resync_poll: Duration::from_millis(5),
        ..ExecOptions::default()
    });
    let preview = executor
        .preview(&request)
        .map_err(|e| crate::display_chain(&e))?;
    let plan: Plan = preview.into_plan().map_err(|e| e.to_string())?;
    let report = executor.run(&plan).map_err(|e| crate::display_chain(&e))?;
    if !report.errors.is_empty() {
        return Err(format!("the run failed: {}", report.errors.join("; ")));
    }
    let inv = inventory(subject)?;
    for ulv in plan.lvs() {
        match inv.lv(&ulv.lv) {
            Some((_, lv)) if lv.split.is_none() && lv.stale_pps() == 0 => {}
            _ => {
                return Err(format!(
                    "{} is not rejoined and in sync after the run",
                    ulv.lv
                ));
            }
        }
    }
    Ok(())
}

/// Every varied-on VG except rootvg, copy 2, the subject's backup hook, warnings forced.
fn whole_host_request(subject: &Subject<'_>, inv: &Inventory) -> BackupRequest {
    let mut request = BackupRequest::builder(&subject.work_dir)
        .hook(HookPhase::Backup, subject.backup_hook.clone())
        .force_continue_on_warnings(true)
        .build();
    request.policy.resync_timeout = subject.resync_timeout;
    request.targets = inv
        .vgs
        .iter()
        .filter(|vg| vg.varied_on && !vg.is_root())
        .map(|vg| Target::Vg(vg.name.clone()))
        .collect();
    request
}
