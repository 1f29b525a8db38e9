//! The process hook runner against real processes: argv without a shell, environment and
//! context file, output streaming, exit statuses, and timeouts that end the whole
//! process group.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use offmirror_core::*;

type TestResult = Result<(), Box<dyn std::error::Error>>;

fn script(dir: &Path, name: &str, body: &str) -> Result<PathBuf, Box<dyn std::error::Error>> {
    use std::os::unix::fs::PermissionsExt;
    let path = dir.join(name);
    std::fs::write(&path, format!("#!/bin/sh\n{body}\n"))?;
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o700))?;
    Ok(path)
}

fn context(work: &Path, phase: HookPhase) -> Result<HookContext, NameError> {
    Ok(HookContext {
        run_id: "om-test".into(),
        phase,
        vgs: vec![VgName::new("datavg")?, VgName::new("appvg")?],
        lvs: vec![LvName::new("datalv")?],
        copy: CopyNumber::default(),
        work_dir: work.to_path_buf(),
        exposed: vec![ExposedCopy {
            lv: LvName::new("datalv")?,
            path: work.join("mnt/datalv"),
            mounted: true,
        }],
    })
}

fn runner() -> ProcessHookRunner {
    ProcessHookRunner {
        grace: Duration::from_millis(300),
        poll: Duration::from_millis(10),
    }
}

#[test]
fn arguments_reach_the_program_verbatim_without_a_shell() -> TestResult {
    let tmp = tempfile::tempdir()?;
    let hook = script(
        tmp.path(),
        "args.sh",
        r#"for a in "$@"; do printf '<%s>\n' "$a"; done"#,
    )?;
    let spec = HookSpec::new(&hook)
        .arg("two words")
        .arg("$(touch /tmp/pwned)")
        .arg("; echo x");
    let mut lines = Vec::new();
    let outcome = runner().run(&spec, &context(tmp.path(), HookPhase::Resume)?, &mut |l| {
        lines.push(l.to_string())
    })?;
    assert!(outcome.succeeded());
    assert_eq!(
        lines,
        vec!["<two words>", "<$(touch /tmp/pwned)>", "<; echo x>"]
    );
    Ok(())
}

#[test]
fn environment_and_context_file_describe_the_run() -> TestResult {
    let tmp = tempfile::tempdir()?;
    let hook = script(
        tmp.path(),
        "env.sh",
        r#"echo "phase=$OFFMIRROR_PHASE run=$OFFMIRROR_RUN_ID copy=$OFFMIRROR_COPY"
echo "vgs=$(echo "$OFFMIRROR_VGS" | tr '\n' ,)"
echo "paths=$OFFMIRROR_SPLIT_PATHS"
echo "cwd=$(pwd)"
cat "$OFFMIRROR_CONTEXT" | grep -c '"lv": "datalv"'
read line || echo "stdin is empty""#,
    )?;
    let mut lines = Vec::new();
    let ctx = context(tmp.path(), HookPhase::Backup)?;
    let outcome = runner().run(&HookSpec::new(&hook), &ctx, &mut |l| {
        lines.push(l.to_string())
    })?;
    assert!(outcome.succeeded(), "{lines:?}");
    let cwd = std::fs::canonicalize(tmp.path())?;
    assert_eq!(
        lines,
        vec![
            "phase=backup run=om-test copy=2".to_string(),
            "vgs=datavg,appvg,".to_string(),
            format!("paths={}", tmp.path().join("mnt/datalv").display()),
            format!("cwd={}", cwd.display()),
            "1".to_string(),
            "stdin is empty".to_string(),
        ]
    );
    let log = std::fs::read_to_string(outcome.log.ok_or("no log")?)?;
    assert!(log.contains("phase=backup"), "{log}");
    Ok(())
}

#[test]
fn exit_status_is_reported() -> TestResult {
    let tmp = tempfile::tempdir()?;
    let hook = script(tmp.path(), "fail.sh", "echo failing >&2; exit 7")?;
    let mut lines = Vec::new();
    let outcome = runner().run(
        &HookSpec::new(&hook),
        &context(tmp.path(), HookPhase::PreOffline)?,
        &mut |l| lines.push(l.to_string()),
    )?;
    assert_eq!(outcome.status, HookStatus::Failed { code: 7 });
    assert_eq!(lines, vec!["failing"]);
    Ok(())
}

#[test]
fn a_missing_program_is_a_spawn_error() -> TestResult {
    let tmp = tempfile::tempdir()?;
    let result = runner().run(
        &HookSpec::new("/nonexistent/hook"),
        &context(tmp.path(), HookPhase::Backup)?,
        &mut |_| {},
    );
    let err = result.err().ok_or("a missing program ran")?;
    assert!(matches!(err, HookError::Spawn { .. }));
    assert!(display_chain(&err).contains("/nonexistent/hook"));
    Ok(())
}

/// Whether a process with this pid exists (and is not a zombie).
fn alive(pid: u32) -> bool {
    std::fs::read_to_string(format!("/proc/{pid}/stat"))
        .map(|s| !s.contains(") Z "))
        .unwrap_or(false)
}

fn wait_gone(pid: u32) -> bool {
    let deadline = Instant::now() + Duration::from_secs(5);
    while Instant::now() < deadline {
        if !alive(pid) {
            return true;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    false
}

#[test]
fn a_hanging_hook_and_its_children_are_ended_at_the_timeout() -> TestResult {
    let tmp = tempfile::tempdir()?;
    let pidfile = tmp.path().join("child.pid");
    let hook = script(
        tmp.path(),
        "hang.sh",
        &format!(
            "sleep 300 &\necho $! > {}\ntrap '' TERM\nsleep 300",
            pidfile.display()
        ),
    )?;
    let spec = HookSpec::new(&hook).timeout(Duration::from_millis(500));
    let started = Instant::now();
    let outcome = runner().run(&spec, &context(tmp.path(), HookPhase::Backup)?, &mut |_| {})?;
    assert_eq!(outcome.status, HookStatus::TimedOut);
    assert!(started.elapsed() < Duration::from_secs(10));
    let child: u32 = std::fs::read_to_string(&pidfile)?.trim().parse()?;
    assert!(
        wait_gone(child),
        "background child {child} survived the timeout"
    );
    Ok(())
}

#[test]
fn processes_left_behind_are_ended_when_the_hook_exits() -> TestResult {
    let tmp = tempfile::tempdir()?;
    let pidfile = tmp.path().join("child.pid");
    let hook = script(
        tmp.path(),
        "leave.sh",
        &format!("sleep 300 &\necho $! > {}\necho started", pidfile.display()),
    )?;
    let mut lines = Vec::new();
    let outcome = runner().run(
        &HookSpec::new(&hook),
        &context(tmp.path(), HookPhase::Resume)?,
        &mut |l| lines.push(l.to_string()),
    )?;
    assert!(outcome.succeeded());
    assert!(
        lines.iter().any(|l| l.contains("left processes")),
        "{lines:?}"
    );
    let child: u32 = std::fs::read_to_string(&pidfile)?.trim().parse()?;
    assert!(wait_gone(child), "background child {child} survived");
    Ok(())
}

#[test]
fn long_lines_and_missing_final_newline_are_passed_on() -> TestResult {
    let tmp = tempfile::tempdir()?;
    let hook = script(
        tmp.path(),
        "long.sh",
        "head -c 70000 /dev/zero | tr '\\0' x; printf 'tail'",
    )?;
    let mut lines = Vec::new();
    runner().run(
        &HookSpec::new(&hook),
        &context(tmp.path(), HookPhase::Backup)?,
        &mut |l| lines.push(l.len()),
    )?;
    assert_eq!(lines.iter().sum::<usize>(), 70004);
    assert!(lines.iter().all(|&n| n <= 64 * 1024));
    Ok(())
}
