//! A guest killed between split and merge, then `recover` after the reboot.
//!
//! Boot 1 starts a run and announces [`CRASH_MARKER`] at the crash point; the host kills
//! the guest at that line. Three points: inside the quiesce window (the split done, the
//! file system still frozen), during the backup (the image split and mounted, the live LV
//! written), and just before the merge (the image unmounted again). Boot 2 activates the
//! VG and mounts the file system as a boot would, lets the application write, finds the
//! interrupted run in the journal on the state disk, recovers it and checks the result.

use std::io::Write;
use std::path::Path;
use std::time::Duration;

use offmirror_command::DuctRunner;
use offmirror_core::{
    BackupRequest, Event, ExecOptions, Executor, HookPhase, HookSpec, LvName, Observer,
    ProblemCode, Step, display_chain, interrupted_runs,
};
use offmirror_lvm2::Lvm2Backend;

use crate::Outcome;
use crate::checks::{check, ensure};
use crate::hooks::ClosureHooks;
use crate::host::{
    STATE_DIR, fresh_vg, lv_field, make_fs, raid1, scrub, sh, wait_in_sync, write_synced,
};

/// The console line at which the host kills the guest.
pub const CRASH_MARKER: &str = "OFFMIRROR-CRASH-NOW";

const VG: &str = "vgk";
const LV: &str = "crashlv";
const RUN_ID: &str = "crash";

/// Where boot 1 is killed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CrashPoint {
    /// Right after the split, the file system still frozen.
    InWindow,
    /// In the backup hook, the image mounted, after a write to the live LV.
    InBackup,
    /// After the backup: the image unmounted again, not yet merged.
    BeforeMerge,
}

fn work_dir() -> String {
    format!("{STATE_DIR}/crash")
}

fn mount_origin() -> Result<(), String> {
    std::fs::create_dir_all(format!("/mnt/{LV}")).map_err(|e| e.to_string())?;
    sh(&[
        "mount",
        "-t",
        "ext4",
        &format!("/dev/mapper/{VG}-{LV}"),
        &format!("/mnt/{LV}"),
    ])
    .map(|_| ())
}

fn read_data() -> Result<Vec<u8>, String> {
    std::fs::read(format!("/mnt/{LV}/data.txt")).map_err(|e| e.to_string())
}

fn request() -> Result<BackupRequest, String> {
    Ok(BackupRequest::builder(work_dir())
        .lv(LvName::new(LV).map_err(|e| e.to_string())?)
        .hook(HookPhase::Backup, HookSpec::new("/bin/true"))
        .build())
}

/// Announces the crash and blocks the run after the first step that matches.
struct CrashAfter(fn(&Step) -> bool);

impl Observer for CrashAfter {
    fn on_event(&self, event: &Event<'_>) {
        if let Event::StepFinished { step, .. } = event
            && (self.0)(step)
        {
            hang();
        }
    }
}

fn hang() {
    println!("{CRASH_MARKER}");
    let _ = std::io::stdout().flush();
    std::thread::sleep(Duration::from_secs(300));
}

/// Boot 1: run until the crash point, then hang until killed.
pub fn split_then_hang(point: CrashPoint) -> Vec<Outcome> {
    let setup = check("crash.setup", || {
        fresh_vg(VG)?;
        let dev = raid1(VG, LV, 2, "32M")?;
        let dir = make_fs("ext4", &dev, LV)?;
        write_synced(&format!("{dir}/data.txt"), b"version-1\n")
    });
    if setup.1.is_err() {
        return vec![setup];
    }
    let backend = Lvm2Backend::new(DuctRunner::new());
    let hooks = ClosureHooks::new(move |ctx| {
        ensure(!ctx.exposed.is_empty(), || "nothing exposed".into())?;
        write_synced(&format!("/mnt/{LV}/data.txt"), b"version-2\n")?;
        sh(&["sync"])?;
        if point == CrashPoint::InBackup {
            hang();
            return Err("the guest was not killed at the marker".into());
        }
        Ok(())
    });
    let observer = match point {
        CrashPoint::InWindow => Some(CrashAfter(|s| matches!(s, Step::Split { .. }))),
        CrashPoint::BeforeMerge => Some(CrashAfter(|s| matches!(s, Step::Unexpose { .. }))),
        CrashPoint::InBackup => None,
    };
    let mut executor = Executor::new(&backend, &backend, &hooks).options(ExecOptions {
        run_id: Some(RUN_ID.into()),
        ..ExecOptions::default()
    });
    if let Some(observer) = &observer {
        executor = executor.observer(observer);
    }
    let result = request().and_then(|r| {
        let plan = executor
            .preview(&r)
            .map_err(|e| display_chain(&e))?
            .into_plan()
            .map_err(|e| e.to_string())?;
        executor
            .run(&plan)
            .map(|_| ())
            .map_err(|e| display_chain(&e))
    });
    vec![
        setup,
        (
            "crash.killed_before_the_merge".into(),
            Err(format!("the run ended instead of being killed: {result:?}")),
        ),
    ]
}

/// Boot 2: recover the interrupted run.
pub fn recover_after_reboot(point: CrashPoint) -> Vec<Outcome> {
    let mut out = Vec::new();
    out.push(check("crash.reboot_finds_the_split", || {
        sh(&["lvm", "vgchange", "-ay", VG])?;
        let lvs = sh(&["lvm", "lvs", "-a", "--noheadings", "-o", "lv_name", VG])?;
        ensure(
            lvs.lines().any(|l| l.trim() == format!("{LV}_rimage_1")),
            || format!("no split image after the reboot: {lvs}"),
        )?;
        mount_origin()?;
        let before = read_data()?;
        let expected: &[u8] = match point {
            CrashPoint::InWindow => b"version-1\n",
            CrashPoint::InBackup | CrashPoint::BeforeMerge => b"version-2\n",
        };
        ensure(before == expected, || {
            format!(
                "after the reboot the file holds {:?}",
                String::from_utf8_lossy(&before)
            )
        })?;
        // The application is back before anyone recovers: it writes to the live LV.
        write_synced(&format!("/mnt/{LV}/data.txt"), b"version-3\n")?;
        let runs = interrupted_runs(Path::new(&work_dir())).map_err(|e| display_chain(&e))?;
        ensure(runs == [RUN_ID], || format!("interrupted runs: {runs:?}"))
    }));
    let backend = Lvm2Backend::new(DuctRunner::new());
    let hooks = ClosureHooks::new(|_| Ok(()));
    let executor = Executor::new(&backend, &backend, &hooks);
    out.push(check("crash.preview_refuses_until_recovered", || {
        let preview = executor
            .preview(&request()?)
            .map_err(|e| display_chain(&e))?;
        ensure(
            preview
                .problems
                .iter()
                .any(|p| p.code == ProblemCode::InterruptedRun)
                && !preview.is_runnable(),
            || "a new run is not refused while the crashed one waits".into(),
        )
    }));
    out.push(check("crash.manual_recovery_names_the_merge", || {
        let manual = executor
            .manual_recovery(Path::new(&work_dir()))
            .map_err(|e| display_chain(&e))?;
        let text = format!("{manual:?}");
        ensure(
            text.contains("--mergemirrors") && text.contains("vgk/crashlv_rimage_1"),
            || format!("recover --manual does not show the merge: {text}"),
        )
    }));
    out.push(check("crash.recover_merges_and_resyncs", || {
        let reports = executor
            .recover(Path::new(&work_dir()))
            .map_err(|e| display_chain(&e))?;
        ensure(reports.len() == 1, || format!("{} reports", reports.len()))?;
        for r in &reports {
            ensure(r.errors.is_empty(), || {
                format!("recovery errors: {:?}", r.errors)
            })?;
        }
        let runs = interrupted_runs(Path::new(&work_dir())).map_err(|e| display_chain(&e))?;
        ensure(runs.is_empty(), || format!("still interrupted: {runs:?}"))?;
        let lvs = sh(&["lvm", "lvs", "-a", "--noheadings", "-o", "lv_name", VG])?;
        ensure(
            !lvs.lines().any(|l| l.trim() == format!("{LV}_rimage_1")),
            || format!("the image is still split: {lvs}"),
        )?;
        wait_in_sync(VG, LV, Duration::from_secs(120))?;
        let mismatches = scrub(VG, LV)?;
        ensure(mismatches == 0, || {
            format!("raid_mismatch_count {mismatches}")
        })?;
        let attr = lv_field(VG, LV, "lv_attr")?;
        ensure(attr.starts_with("rwi"), || format!("lv_attr {attr}"))?;
        let text = read_data()?;
        ensure(text == b"version-3\n", || {
            format!(
                "the write made after the reboot is lost: {:?}",
                String::from_utf8_lossy(&text)
            )
        })
    }));
    out
}
