//! A full executor run of the demo host through the real AIX backend and the emulator:
//! the run succeeds, every copy is rejoined and in sync afterwards, the backup read the
//! split copies' files, and the quiesce window holds few commands (datavg is split by one
//! `splitvg`).

mod common;

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use offmirror_aix::AixBackend;
use offmirror_aix::runner::{
    BackgroundJob, CommandOutput, CommandRunner, RecordingRunner, RunError, display_argv,
};
use offmirror_core::{
    BackupRequest, Event, ExecOptions, Executor, HookPhase, HookSpec, Mechanism, ProcessHookRunner,
    RunOutcome, Step, VgName,
};

use common::{EmulatedHost, TestResult};

/// Records every command with whether it ran inside the quiesce window.
#[derive(Debug, Clone, Default)]
struct Window {
    open: Arc<AtomicBool>,
    commands: Arc<Mutex<Vec<(bool, String)>>>,
}

impl Window {
    fn record(&self, argv: &[String]) {
        let inside = self.open.load(Ordering::SeqCst);
        self.commands
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .push((inside, display_argv(argv)));
    }

    fn inside(&self) -> Vec<String> {
        self.commands
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .iter()
            .filter(|(inside, _)| *inside)
            .map(|(_, c)| c.clone())
            .collect()
    }

    fn all(&self) -> Vec<String> {
        self.commands
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .iter()
            .map(|(_, c)| c.clone())
            .collect()
    }

    /// The executor's window: from the end of the `pre_offline` hook (or the first
    /// freeze or split) to the start of the `resume` hook.
    fn observe(&self, event: &Event<'_>) {
        match event {
            Event::StepFinished {
                step:
                    Step::Hook {
                        phase: HookPhase::PreOffline,
                    },
                ..
            } => self.open.store(true, Ordering::SeqCst),
            Event::StepStarted {
                step: Step::Freeze { .. } | Step::Split { .. },
                ..
            } => {
                let _ = self
                    .open
                    .compare_exchange(false, true, Ordering::SeqCst, Ordering::SeqCst);
            }
            Event::StepStarted {
                step: Step::Hook {
                    phase: HookPhase::Resume,
                },
                ..
            } => self.open.store(false, Ordering::SeqCst),
            _ => {}
        }
    }
}

struct Tagged<R> {
    inner: R,
    window: Window,
}

impl<R: CommandRunner> CommandRunner for Tagged<R> {
    fn run(&self, argv: &[String]) -> Result<CommandOutput, RunError> {
        self.window.record(argv);
        self.inner.run(argv)
    }

    fn start(&self, argv: &[String]) -> Result<BackgroundJob, RunError> {
        self.window.record(argv);
        self.inner.start(argv)
    }
}

fn request(
    host: &EmulatedHost,
    backup: &std::path::Path,
) -> Result<BackupRequest, Box<dyn std::error::Error>> {
    Ok(BackupRequest::builder(&host.work)
        .vg(VgName::new("datavg")?)
        .vg(VgName::new("appvg")?)
        .hook(HookPhase::PreOffline, HookSpec::new("/bin/true"))
        .hook(HookPhase::Resume, HookSpec::new("/bin/true"))
        .hook(HookPhase::Backup, HookSpec::new(backup))
        .hook(HookPhase::PostOffline, HookSpec::new("/bin/true"))
        .force_continue_on_warnings(true)
        .build())
}

/// A backup hook that reads every exposed split copy's CONTENTS file and fails when
/// one is missing (argv only: `/bin/sh` runs this script file, not a command line).
fn backup_script(host: &EmulatedHost) -> Result<std::path::PathBuf, Box<dyn std::error::Error>> {
    use std::os::unix::fs::PermissionsExt;
    let path = host.dir.path().join("backup.sh");
    let copy = host.dir.path().join("backed-up");
    std::fs::write(
        &path,
        format!(
            "#!/bin/sh\nset -e\nmkdir -p '{}'\nfor p in $OFFMIRROR_SPLIT_PATHS; do\n  case \"$p\" in\n    /dev/*) ;;\n    *) cat \"$p/CONTENTS\" > '{}'/\"$(basename \"$p\")\" ;;\n  esac\ndone\n",
            copy.display(),
            copy.display()
        ),
    )?;
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755))?;
    Ok(path)
}

#[test]
fn the_demo_host_backs_up_through_the_emulator() -> TestResult {
    let host = EmulatedHost::demo()?;
    let before = host.sim()?.safe_state_violations();
    assert_eq!(before, ["scratchlv has 3 stale partition(s)"]);

    let window = Window::default();
    let recording = RecordingRunner::new(Tagged {
        inner: host.runner(),
        window: window.clone(),
    });
    let log = recording.log();
    let backend = AixBackend::new(recording).work_dir(&host.work);
    let hooks = ProcessHookRunner::default();
    let observer = |event: &Event<'_>| window.observe(event);
    let executor = Executor::new(&backend, &backend, &hooks)
        .observer(&observer)
        .options(ExecOptions {
            run_id: Some("emulated".into()),
            resync_poll: Duration::from_millis(5),
            ..ExecOptions::default()
        });

    let script = backup_script(&host)?;
    let preview = executor.preview(&request(&host, &script)?)?;
    let mechanisms: Vec<Mechanism> = preview.plan.units.iter().map(|u| u.mechanism).collect();
    assert_eq!(
        mechanisms,
        [
            Mechanism::VgSplit,
            Mechanism::FsSplitCopy,
            Mechanism::LvCopy
        ],
        "{}",
        preview.to_text()
    );
    let plan = preview.into_plan()?;
    let report = executor.run(&plan)?;
    assert!(report.errors.is_empty(), "{:?}", report.errors);
    assert_eq!(report.outcome, RunOutcome::SuccessWithWarnings);

    // Every copy rejoined and current; only what was wrong before is still wrong.
    let state = host.sim()?;
    assert_eq!(state.safe_state_violations(), before);
    assert!(state.splits.is_empty() && state.frozen.is_empty());
    assert!(state.inventory.vgs.iter().all(|vg| vg.snapshot.is_none()));
    let extras = offmirror_aix_emulator::store::load_extras(&host.state)?;
    assert!(extras.mounts.is_empty(), "{extras:?}");

    // The backup read the CONTENTS of every mounted split copy.
    let backed_up: Vec<String> = std::fs::read_dir(host.dir.path().join("backed-up"))?
        .map(|e| e.map(|e| e.file_name().to_string_lossy().into_owned()))
        .collect::<Result<_, _>>()?;
    let mut backed_up = backed_up;
    backed_up.sort();
    assert_eq!(backed_up, ["homelv", "legacylv", "oradatalv", "oraloglv"]);

    // The quiesce window: freezes, one splitvg for all of datavg, the JFS split, the
    // backup copy, thaws.
    let inside = window.inside();
    println!(
        "{} commands in all, {} inside the quiesce window ({} backend operations, {:.3} ms):",
        log.count(),
        inside.len(),
        report.quiesce.backend_operations,
        report.quiesce.duration.as_secs_f64() * 1000.0
    );
    for line in &inside {
        println!("  {line}");
    }
    let all = window.all();
    assert_eq!(all, log.lines());
    let splitvgs: Vec<&String> = all.iter().filter(|c| c.starts_with("splitvg ")).collect();
    assert_eq!(splitvgs, ["splitvg -y datavg_om -c 2 datavg"]);
    let joinvgs = all.iter().filter(|c| c.starts_with("joinvg ")).count();
    assert_eq!(joinvgs, 1);
    assert!(
        inside
            .iter()
            .all(|c| !c.starts_with("lsvg") || c.starts_with("lsvg -")),
        "{inside:?}"
    );
    let splits: Vec<&String> = inside
        .iter()
        .filter(|c| {
            c.starts_with("splitvg")
                || c.starts_with("chfs -a splitcopy")
                || c.starts_with("chlvcopy -b")
        })
        .collect();
    assert_eq!(splits.len(), 3, "{inside:?}");
    assert_eq!(inside.len(), 9, "{inside:?}");
    println!("{}", report.to_text());
    Ok(())
}
