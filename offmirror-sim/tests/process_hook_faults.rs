//! Real process hooks ([`ProcessHookRunner`]) misbehaving at every phase of a demo run:
//! a hook that exits 1, one that hangs past its timeout and survives SIGTERM (so SIGKILL
//! is needed), and one that exits 0 but leaves a background child. Whatever the fault, the
//! run ends as DESIGN §4 says, no copy is left split, nothing is left frozen, and no
//! process a hook started is left running.
//!
//! Every hook is a small `/bin/sh` script that records its own pid (`$$`), the pid of any
//! background child (`$!`) and the phase it ran in, below a per-case directory named by
//! the `OMTEST_DIR` environment variable of its [`HookSpec`].

use std::cell::RefCell;
use std::collections::BTreeSet;
use std::error::Error;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

use offmirror_core::*;
use offmirror_sim::SimHost;

type TestResult = Result<(), Box<dyn Error>>;

/// Time between SIGTERM and SIGKILL.
const GRACE: Duration = Duration::from_millis(200);
/// Timeout of the hanging hook.
const HANG_TIMEOUT: Duration = Duration::from_millis(300);
/// Timeout of every other hook: long enough never to be reached.
const TIMEOUT: Duration = Duration::from_secs(20);
/// How long a process a hook started may take to disappear after the run.
const GONE_WITHIN: Duration = Duration::from_secs(5);

/// How the faulty hook misbehaves.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Fault {
    /// Exits 1.
    Fail,
    /// Never exits: it traps SIGTERM (records it and carries on) and its background child
    /// ignores SIGTERM, so only SIGKILL ends them.
    Hang,
    /// Exits 0 but leaves `sleep 300` running in the background.
    Background,
}

impl Fault {
    fn script(self) -> &'static str {
        match self {
            Fault::Fail => "fail.sh",
            Fault::Hang => "hang.sh",
            Fault::Background => "background.sh",
        }
    }
}

/// What every hook script does first: record its pid and its phase.
const PRELUDE: &str = r#"#!/bin/sh
d="$OMTEST_DIR"
echo $$ > "$d/pids/$OFFMIRROR_PHASE.self"
echo "$OFFMIRROR_PHASE" >> "$d/ran"
"#;

const WELL: &str = "echo \"$OFFMIRROR_PHASE done\"\nexit 0\n";

const FAIL: &str = "echo 'failing on purpose' >&2\nexit 1\n";

/// Records the SIGTERM it gets but carries on; its child ignores SIGTERM altogether.
const HANG: &str = r#"trap 'echo "$OFFMIRROR_PHASE" >> "$d/terms"' TERM
(trap '' TERM; exec sleep 300) &
echo $! > "$d/pids/$OFFMIRROR_PHASE.child"
echo hanging
while :; do wait; done
"#;

const BACKGROUND: &str = r#"sleep 300 &
echo $! > "$d/pids/$OFFMIRROR_PHASE.child"
echo "left a child behind"
exit 0
"#;

/// The hook scripts, written once per test process before any test runs a hook. Writing
/// an executable while another thread forks can leave the fork holding it open for
/// writing, and exec then fails with ETXTBSY; the tests all wait here first, so no hook
/// is being started while the scripts are written.
fn scripts() -> Result<PathBuf, Box<dyn Error>> {
    static DIR: OnceLock<Result<PathBuf, String>> = OnceLock::new();
    let dir = DIR.get_or_init(|| write_scripts().map_err(|e| e.to_string()));
    Ok(dir.clone()?)
}

fn write_scripts() -> Result<PathBuf, Box<dyn Error>> {
    use std::os::unix::fs::PermissionsExt;
    const PREFIX: &str = "process_hook_faults-";
    let root = Path::new(env!("CARGO_TARGET_TMPDIR"));
    // The scripts of earlier test processes, now ended.
    if let Ok(entries) = std::fs::read_dir(root) {
        for entry in entries.flatten() {
            let name = entry.file_name().to_string_lossy().into_owned();
            if let Some(pid) = name.strip_prefix(PREFIX)
                && pid.parse::<u32>().is_ok()
                && !Path::new("/proc").join(pid).exists()
            {
                let _ = std::fs::remove_dir_all(entry.path());
            }
        }
    }
    let dir = root.join(format!("{PREFIX}{}", std::process::id()));
    std::fs::create_dir_all(&dir)?;
    for (name, body) in [
        ("well.sh", WELL),
        ("fail.sh", FAIL),
        ("hang.sh", HANG),
        ("background.sh", BACKGROUND),
    ] {
        let path = dir.join(name);
        std::fs::write(&path, format!("{PRELUDE}{body}"))?;
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o700))?;
    }
    Ok(dir)
}

fn runner() -> ProcessHookRunner {
    ProcessHookRunner {
        grace: GRACE,
        poll: Duration::from_millis(10),
    }
}

/// The demo request with a script hook at every phase; `faulty` picks the one that
/// misbehaves.
fn request(
    work: &Path,
    case_dir: &Path,
    faulty: Option<(HookPhase, Fault)>,
) -> Result<BackupRequest, Box<dyn Error>> {
    let scripts = scripts()?;
    let mut r = BackupRequest::builder(work)
        .vg(VgName::new("datavg")?)
        .vg(VgName::new("appvg")?)
        .force_continue_on_warnings(true)
        .build();
    r.policy.resync_timeout = Duration::from_secs(5);
    for phase in HookPhase::ALL {
        let (script, timeout) = match faulty {
            Some((p, fault)) if p == phase => (
                fault.script(),
                if fault == Fault::Hang {
                    HANG_TIMEOUT
                } else {
                    TIMEOUT
                },
            ),
            _ => ("well.sh", TIMEOUT),
        };
        let mut spec = HookSpec::new(scripts.join(script)).timeout(timeout);
        spec.env
            .insert("OMTEST_DIR".into(), case_dir.to_string_lossy().into_owned());
        r.hooks.set(phase, spec);
    }
    Ok(r)
}

/// What a run left behind.
#[derive(Debug)]
struct Outcome {
    report: Report,
    /// Violations of the safe state before the run (the demo's stale LV).
    before: Vec<String>,
    host: SimHost,
    work: PathBuf,
    /// Phases whose hook script ran, in order, as the scripts recorded them.
    ran: Vec<String>,
    /// Phases whose hook script got SIGTERM.
    terms: Vec<String>,
    /// Every pid a hook script recorded: (file name, pid).
    pids: Vec<(String, u32)>,
    /// Hook output lines passed to the observer.
    output: Vec<(HookPhase, String)>,
    /// Error events.
    errors: Vec<String>,
    elapsed: Duration,
    _tmp: tempfile::TempDir,
}

fn lines(path: &Path) -> Result<Vec<String>, Box<dyn Error>> {
    if !path.exists() {
        return Ok(Vec::new());
    }
    Ok(std::fs::read_to_string(path)?
        .lines()
        .map(str::to_string)
        .collect())
}

/// Runs a full demo backup with real process hooks.
fn run(faulty: Option<(HookPhase, Fault)>) -> Result<Outcome, Box<dyn Error>> {
    let tmp = tempfile::tempdir()?;
    let work = tmp.path().join("work");
    let case_dir = tmp.path().join("case");
    std::fs::create_dir_all(case_dir.join("pids"))?;
    let host = SimHost::demo();
    let before = host.state()?.safe_state_violations();
    let hooks = runner();
    let output = RefCell::new(Vec::new());
    let errors = RefCell::new(Vec::new());
    let observer = |e: &Event<'_>| match e {
        Event::HookOutput { phase, line } => output.borrow_mut().push((*phase, line.to_string())),
        Event::Error { message } => errors.borrow_mut().push(message.to_string()),
        _ => {}
    };
    let run_id = match faulty {
        Some((phase, fault)) => format!("hookfault-{phase}-{fault:?}"),
        None => "hookfault-none".to_string(),
    };
    let executor = Executor::new(&host, &host, &hooks)
        .observer(&observer)
        .options(ExecOptions {
            run_id: Some(run_id),
            resync_poll: Duration::ZERO,
            sync_journal: false,
            ..ExecOptions::default()
        });
    let req = request(&work, &case_dir, faulty)?;
    let plan = executor.preview(&req)?.into_plan()?;
    let t0 = Instant::now();
    let report = executor.run(&plan)?;
    let elapsed = t0.elapsed();
    let mut pids = Vec::new();
    for entry in std::fs::read_dir(case_dir.join("pids"))? {
        let entry = entry?;
        let name = entry.file_name().to_string_lossy().into_owned();
        let text = std::fs::read_to_string(entry.path())?;
        let pid: u32 = text
            .trim()
            .parse()
            .map_err(|e| format!("pid file {name}: {text:?}: {e}"))?;
        pids.push((name, pid));
    }
    pids.sort();
    Ok(Outcome {
        report,
        before,
        host,
        work,
        ran: lines(&case_dir.join("ran"))?,
        terms: lines(&case_dir.join("terms"))?,
        pids,
        output: output.into_inner(),
        errors: errors.into_inner(),
        elapsed,
        _tmp: tmp,
    })
}

/// State and process group of a process, from `/proc/PID/stat`; `None` if it is gone.
fn proc_stat(pid: &str) -> Option<(char, u32)> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    // pid (comm) state ppid pgrp ...; comm may hold spaces and parentheses.
    let rest = stat.get(stat.rfind(')')? + 1..)?;
    let mut fields = rest.split_whitespace();
    let state = fields.next()?.chars().next()?;
    let _ppid = fields.next()?;
    let pgrp = fields.next()?.parse().ok()?;
    Some((state, pgrp))
}

/// Whether a process exists and is not a zombie.
fn alive(pid: u32) -> bool {
    proc_stat(&pid.to_string()).is_some_and(|(state, _)| state != 'Z')
}

/// Live processes (not zombies) in any of these process groups.
fn live_members(groups: &BTreeSet<u32>) -> Vec<String> {
    let Ok(entries) = std::fs::read_dir("/proc") else {
        return Vec::new();
    };
    entries
        .flatten()
        .filter_map(|e| {
            let name = e.file_name().to_string_lossy().into_owned();
            name.parse::<u32>().ok()?;
            let (state, pgrp) = proc_stat(&name)?;
            (state != 'Z' && groups.contains(&pgrp)).then(|| format!("pid {name} in group {pgrp}"))
        })
        .collect()
}

/// Processes the hooks started that are still running after `GONE_WITHIN`: the recorded
/// pids, and anything else left in the hooks' process groups (each hook script leads its
/// own group, so its `$$` is the group id).
fn still_running(out: &Outcome) -> Vec<String> {
    let groups: BTreeSet<u32> = out
        .pids
        .iter()
        .filter(|(name, _)| name.ends_with(".self"))
        .map(|(_, pid)| *pid)
        .collect();
    let deadline = Instant::now() + GONE_WITHIN;
    loop {
        let mut left: Vec<String> = out
            .pids
            .iter()
            .filter(|(_, pid)| alive(*pid))
            .map(|(name, pid)| format!("{name} = {pid}"))
            .collect();
        left.extend(live_members(&groups));
        if left.is_empty() || Instant::now() >= deadline {
            return left;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// The checks that hold whatever the fault: the host is back in its safe state (only the
/// demo's stale LV, which the run skipped, remains), no copy is split or frozen, the run
/// is not interrupted, and no process a hook started is running.
fn check_always(out: &Outcome, what: &str) -> TestResult {
    let state = out.host.state()?;
    assert_eq!(state.safe_state_violations(), out.before, "{what}");
    assert!(state.splits.is_empty(), "{what}: splits {:?}", state.splits);
    assert!(state.frozen.is_empty(), "{what}: frozen {:?}", state.frozen);
    assert!(
        out.report.units.iter().all(|u| u.rejoined || !u.split),
        "{what}: a unit left split: {:?}",
        out.report.units
    );
    assert!(
        interrupted_runs(&out.work)?.is_empty(),
        "{what}: the run is left interrupted"
    );
    // The scripts' own record agrees with the report on which hooks ran.
    let reported: Vec<&str> = out.report.hooks.iter().map(|h| h.phase.as_str()).collect();
    assert_eq!(out.ran, reported, "{what}");
    // Every hook that ran recorded its pid.
    let selves = out
        .pids
        .iter()
        .filter(|(name, _)| name.ends_with(".self"))
        .count();
    assert_eq!(selves, out.ran.len(), "{what}: {:?}", out.pids);
    let left = still_running(out);
    assert!(
        left.is_empty(),
        "{what}: still running after {GONE_WITHIN:?}: {left:?} (recorded {:?})",
        out.pids
    );
    Ok(())
}

/// One demo run where the `phase` hook has `fault` and the three others behave.
fn check(phase: HookPhase, fault: Fault) -> TestResult {
    let what = format!("{phase} {fault:?}");
    let out = run(Some((phase, fault)))?;
    let r = &out.report;
    check_always(&out, &what)?;

    // Which hooks ran.
    let want_ran: Vec<HookPhase> = if phase == HookPhase::PreOffline && fault != Fault::Background {
        vec![
            HookPhase::PreOffline,
            HookPhase::Resume,
            HookPhase::PostOffline,
        ]
    } else {
        HookPhase::ALL.to_vec()
    };
    let want_ran: Vec<&str> = want_ran.iter().map(|p| p.as_str()).collect();
    assert_eq!(out.ran, want_ran, "{what}: {}", r.to_text());

    // How the faulty hook ended, and what the runner said about it.
    let hook = r
        .hooks
        .iter()
        .find(|h| h.phase == phase)
        .ok_or_else(|| format!("{what}: no {phase} hook in the report"))?;
    let said = |needle: &str| {
        out.output
            .iter()
            .any(|(p, line)| *p == phase && line.contains(needle))
    };
    let child = format!("{phase}.child");
    let has_child = out.pids.iter().any(|(name, _)| *name == child);
    match fault {
        Fault::Fail => {
            assert_eq!(hook.status, Some(HookStatus::Failed { code: 1 }), "{what}");
            assert!(said("failing on purpose"), "{what}: {:?}", out.output);
            assert!(out.terms.is_empty(), "{what}: {:?}", out.terms);
        }
        Fault::Hang => {
            assert_eq!(hook.status, Some(HookStatus::TimedOut), "{what}");
            assert!(said("still running after"), "{what}: {:?}", out.output);
            // SIGTERM reached the script, which carried on: only SIGKILL, a grace period
            // later, ended it.
            assert_eq!(out.terms, vec![phase.as_str()], "{what}");
            assert!(
                hook.duration >= HANG_TIMEOUT + GRACE,
                "{what}: hook ended after {:?}",
                hook.duration
            );
            assert!(has_child, "{what}: no child pid recorded: {:?}", out.pids);
        }
        Fault::Background => {
            assert_eq!(hook.status, Some(HookStatus::Succeeded), "{what}");
            assert!(said("left processes"), "{what}: {:?}", out.output);
            assert!(out.terms.is_empty(), "{what}: {:?}", out.terms);
            assert!(has_child, "{what}: no child pid recorded: {:?}", out.pids);
        }
    }

    // The outcome of DESIGN §4.
    if fault == Fault::Background {
        // A child left behind is ended, not an error: the run succeeds (with the demo's
        // stale-LV warning) and every copy is split, backed up and rejoined.
        assert!(r.errors.is_empty(), "{what}: {:?}", r.errors);
        assert_eq!(r.outcome, RunOutcome::SuccessWithWarnings, "{what}");
        assert!(
            r.units.iter().all(|u| u.split && u.rejoined),
            "{what}: {:?}",
            r.units
        );
        return Ok(());
    }
    assert_eq!(r.outcome, RunOutcome::Failed, "{what}");
    assert_eq!(r.errors.len(), 1, "{what}: {:?}", r.errors);
    let needle = format!("hook {phase} ");
    assert!(
        r.errors.iter().any(|e| e.contains(&needle)),
        "{what}: {:?}",
        r.errors
    );
    assert!(
        out.errors.iter().any(|e| e.contains(&needle)),
        "{what}: no error event: {:?}",
        out.errors
    );
    match phase {
        HookPhase::PreOffline => {
            // Nothing split, nothing shown to a backup; resume still ran (checked above).
            assert!(
                r.units.iter().all(|u| !u.split && !u.rejoined),
                "{what}: {:?}",
                r.units
            );
            assert!(r.exposed.is_empty(), "{what}: {:?}", r.exposed);
        }
        HookPhase::Resume | HookPhase::Backup | HookPhase::PostOffline => {
            // The split happened; the run went on and rejoined every copy.
            assert!(
                r.units.iter().all(|u| u.split && u.rejoined),
                "{what}: {:?}",
                r.units
            );
        }
    }
    Ok(())
}

// ---------------------------------------------------------------------------------------

#[test]
fn well_behaved_hooks_run_in_order_and_leave_nothing_behind() -> TestResult {
    let out = run(None)?;
    check_always(&out, "no fault")?;
    let r = &out.report;
    assert_eq!(out.before.len(), 1, "the demo's stale LV: {:?}", out.before);
    assert!(r.errors.is_empty(), "{:?}", r.errors);
    assert_eq!(r.outcome, RunOutcome::SuccessWithWarnings);
    let want: Vec<&str> = HookPhase::ALL.iter().map(|p| p.as_str()).collect();
    assert_eq!(out.ran, want);
    assert!(
        r.hooks
            .iter()
            .all(|h| h.status == Some(HookStatus::Succeeded)),
        "{:?}",
        r.hooks
    );
    assert!(
        r.units.iter().all(|u| u.split && u.rejoined),
        "{:?}",
        r.units
    );
    assert!(out.terms.is_empty());
    assert!(
        out.elapsed < Duration::from_secs(5),
        "took {:?}",
        out.elapsed
    );
    Ok(())
}

#[test]
fn pre_offline_exits_1() -> TestResult {
    check(HookPhase::PreOffline, Fault::Fail)
}

#[test]
fn pre_offline_hangs_past_its_timeout() -> TestResult {
    check(HookPhase::PreOffline, Fault::Hang)
}

#[test]
fn pre_offline_leaves_a_background_child() -> TestResult {
    check(HookPhase::PreOffline, Fault::Background)
}

#[test]
fn resume_exits_1() -> TestResult {
    check(HookPhase::Resume, Fault::Fail)
}

#[test]
fn resume_hangs_past_its_timeout() -> TestResult {
    check(HookPhase::Resume, Fault::Hang)
}

#[test]
fn resume_leaves_a_background_child() -> TestResult {
    check(HookPhase::Resume, Fault::Background)
}

#[test]
fn backup_exits_1() -> TestResult {
    check(HookPhase::Backup, Fault::Fail)
}

#[test]
fn backup_hangs_past_its_timeout() -> TestResult {
    check(HookPhase::Backup, Fault::Hang)
}

#[test]
fn backup_leaves_a_background_child() -> TestResult {
    check(HookPhase::Backup, Fault::Background)
}

#[test]
fn post_offline_exits_1() -> TestResult {
    check(HookPhase::PostOffline, Fault::Fail)
}

#[test]
fn post_offline_hangs_past_its_timeout() -> TestResult {
    check(HookPhase::PostOffline, Fault::Hang)
}

#[test]
fn post_offline_leaves_a_background_child() -> TestResult {
    check(HookPhase::PostOffline, Fault::Background)
}
