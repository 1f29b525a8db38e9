//! The `offmirror` command, run as a process.

use assert_cmd::cargo::cargo_bin_cmd;
use predicates::prelude::*;

type TestResult = Result<(), Box<dyn std::error::Error>>;

#[test]
fn demo_runs_a_full_backup_and_archives_the_split_copies() -> TestResult {
    let tmp = tempfile::tempdir()?;
    let work = tmp.path().join("work");
    let out = cargo_bin_cmd!("offmirror")
        .args(["demo", "--work-dir"])
        .arg(&work)
        .assert()
        .success()
        .stdout(predicate::str::contains("vg_split datavg"))
        .stdout(predicate::str::contains("== rejoin"))
        .stdout(predicate::str::contains("every copy rejoined").not())
        .stdout(predicate::str::contains(
            "as before the run but for: scratchlv has 3 stale",
        ))
        .stdout(predicate::str::contains(
            "archived 5 split copies of copy 2",
        ))
        .get_output()
        .stdout
        .clone();
    let text = String::from_utf8(out)?;
    let archive = text
        .lines()
        .find_map(|l| l.strip_prefix("Backup archive: "))
        .ok_or("no archive line")?;
    let listing = std::process::Command::new("tar")
        .arg("-tf")
        .arg(archive)
        .output()?;
    let names = String::from_utf8(listing.stdout)?;
    assert_eq!(
        names.lines().filter(|l| l.ends_with("CONTENTS")).count(),
        5,
        "{names}"
    );
    Ok(())
}

#[test]
fn demo_json_report_parses() -> TestResult {
    let tmp = tempfile::tempdir()?;
    let out = cargo_bin_cmd!("offmirror")
        .args(["demo", "--json", "--work-dir"])
        .arg(tmp.path())
        .output()?;
    assert!(out.status.success());
    let text = String::from_utf8(out.stdout)?;
    // Two JSON documents: the preview, then the report.
    let mut docs = serde_json::Deserializer::from_str(&text).into_iter::<serde_json::Value>();
    let preview = docs.next().ok_or("no preview")??;
    let report = docs.next().ok_or("no report")??;
    assert_eq!(preview["plan"]["units"].as_array().map(Vec::len), Some(3));
    assert_eq!(report["schema_version"], 1);
    assert_eq!(report["outcome"], "success_with_warnings");
    Ok(())
}

fn sim_init(dir: &std::path::Path) -> Result<std::path::PathBuf, Box<dyn std::error::Error>> {
    let state = dir.join("host.json");
    cargo_bin_cmd!("offmirror")
        .args(["sim", "init", "--sim-state"])
        .arg(&state)
        .assert()
        .success();
    Ok(state)
}

#[test]
fn preview_json_lists_problems_and_changes_nothing() -> TestResult {
    let tmp = tempfile::tempdir()?;
    let state = sim_init(tmp.path())?;
    let before = std::fs::read(&state)?;
    let out = cargo_bin_cmd!("offmirror")
        .args([
            "preview",
            "--json",
            "--vg",
            "appvg",
            "--backup",
            "/bin/true",
            "--sim-state",
        ])
        .arg(&state)
        .arg("--work-dir")
        .arg(tmp.path().join("w"))
        .output()?;
    // A stale LV is a warning: without --force the preview blocks the run.
    assert_eq!(out.status.code(), Some(2));
    let preview: serde_json::Value = serde_json::from_slice(&out.stdout)?;
    let codes: Vec<&str> = preview["problems"]
        .as_array()
        .ok_or("no problems")?
        .iter()
        .filter_map(|p| p["code"].as_str())
        .collect();
    assert!(codes.contains(&"stale_partitions"), "{codes:?}");
    assert!(codes.contains(&"excluded_lv_type"), "{codes:?}");
    assert_eq!(std::fs::read(&state)?, before, "a preview changed the host");
    Ok(())
}

#[test]
fn run_backs_up_a_vg_and_saves_the_host() -> TestResult {
    let tmp = tempfile::tempdir()?;
    let state = sim_init(tmp.path())?;
    let work = tmp.path().join("w");
    let out = cargo_bin_cmd!("offmirror")
        .args([
            "run",
            "--json",
            "--vg",
            "datavg",
            "--backup",
            "/bin/true",
            "--sim-state",
        ])
        .arg(&state)
        .arg("--work-dir")
        .arg(&work)
        .output()?;
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let report: serde_json::Value = serde_json::from_slice(&out.stdout)?;
    assert_eq!(report["outcome"], "success");
    assert_eq!(report["units"][0]["mechanism"], "vg_split");
    assert_eq!(report["units"][0]["rejoined"], true);
    cargo_bin_cmd!("offmirror")
        .args(["status", "--sim-state"])
        .arg(&state)
        .arg("--work-dir")
        .arg(&work)
        .assert()
        .success()
        .stdout(predicate::str::contains("oradatalv"))
        .stdout(predicate::str::contains("Success"));
    Ok(())
}

#[test]
fn run_with_warnings_forced_exits_1() -> TestResult {
    let tmp = tempfile::tempdir()?;
    let state = sim_init(tmp.path())?;
    cargo_bin_cmd!("offmirror")
        .args([
            "run",
            "--force",
            "--vg",
            "appvg",
            "--backup",
            "/bin/true",
            "--sim-state",
        ])
        .arg(&state)
        .arg("--work-dir")
        .arg(tmp.path().join("w"))
        .assert()
        .code(1)
        .stdout(predicate::str::contains("scratchlv"));
    Ok(())
}

#[test]
fn bad_names_are_refused_with_the_fix() -> TestResult {
    let tmp = tempfile::tempdir()?;
    let state = sim_init(tmp.path())?;
    cargo_bin_cmd!("offmirror")
        .args([
            "preview",
            "--vg=-rf",
            "--backup",
            "/bin/true",
            "--sim-state",
        ])
        .arg(&state)
        .arg("--work-dir")
        .arg(tmp.path())
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "invalid volume group name \"-rf\"",
        ))
        .stderr(predicate::str::contains("not starting with '-'"));
    Ok(())
}

#[test]
fn a_missing_state_file_is_a_clear_error() -> TestResult {
    cargo_bin_cmd!("offmirror")
        .args(["status", "--sim-state", "/nonexistent/host.json"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("/nonexistent/host.json"));
    Ok(())
}

#[test]
fn recover_with_nothing_interrupted_says_so() -> TestResult {
    let tmp = tempfile::tempdir()?;
    let state = sim_init(tmp.path())?;
    cargo_bin_cmd!("offmirror")
        .args(["recover", "--sim-state"])
        .arg(&state)
        .arg("--work-dir")
        .arg(tmp.path().join("w"))
        .assert()
        .success()
        .stdout(predicate::str::contains("nothing to recover"));
    Ok(())
}

fn edit_state(path: &std::path::Path, f: impl FnOnce(&mut serde_json::Value)) -> TestResult {
    let mut v: serde_json::Value = serde_json::from_slice(&std::fs::read(path)?)?;
    f(&mut v);
    std::fs::write(path, serde_json::to_vec(&v)?)?;
    Ok(())
}

#[test]
fn an_interrupted_run_is_refused_listed_and_recovered() -> TestResult {
    let tmp = tempfile::tempdir()?;
    let state = sim_init(tmp.path())?;
    let work = tmp.path().join("w");
    // The host dies after a few operations: inside the split phase.
    edit_state(&state, |v| {
        v["faults"]["crash_after_ops"] = serde_json::json!(4)
    })?;
    let run = |force: bool| {
        let mut cmd = cargo_bin_cmd!("offmirror");
        cmd.args([
            "run",
            "--vg",
            "datavg",
            "--backup",
            "/bin/true",
            "--sim-state",
        ])
        .arg(&state)
        .arg("--work-dir")
        .arg(&work);
        if force {
            cmd.arg("--force");
        }
        cmd
    };
    run(false)
        .assert()
        .code(2)
        .stdout(predicate::str::contains("offmirror recover"));
    // The host comes back.
    edit_state(&state, |v| {
        v["crashed"] = serde_json::json!(false);
        v["faults"] = serde_json::json!({});
    })?;
    // Refused until recovered: exit code 3.
    run(false)
        .assert()
        .code(3)
        .stdout(predicate::str::contains("[interrupted_run]"))
        .stdout(predicate::str::contains("fix: offmirror recover"));
    cargo_bin_cmd!("offmirror")
        .args(["status", "--sim-state"])
        .arg(&state)
        .arg("--work-dir")
        .arg(&work)
        .assert()
        .success()
        .stdout(predicate::str::contains(
            "interrupted: run `offmirror recover`",
        ));
    let before = std::fs::read(&state)?;
    cargo_bin_cmd!("offmirror")
        .args(["recover", "--manual", "--sim-state"])
        .arg(&state)
        .arg("--work-dir")
        .arg(&work)
        .assert()
        .success()
        .stdout(predicate::str::contains("# run "))
        .stdout(predicate::str::contains("rejoin unit 0"))
        .stdout(predicate::str::contains("thaw /oradata"));
    assert_eq!(std::fs::read(&state)?, before, "--manual changed the host");
    cargo_bin_cmd!("offmirror")
        .args(["recover", "--sim-state"])
        .arg(&state)
        .arg("--work-dir")
        .arg(&work)
        .assert()
        .success()
        .stdout(predicate::str::contains("rejoined=true"));
    let v: serde_json::Value = serde_json::from_slice(&std::fs::read(&state)?)?;
    assert_eq!(v["splits"], serde_json::json!({}), "a copy is still split");
    assert_eq!(
        v["frozen"],
        serde_json::json!([]),
        "a file system is still frozen"
    );
    run(false).assert().code(0);
    Ok(())
}

#[test]
fn demo_through_the_aix_backend_and_the_command_emulator() -> TestResult {
    let tmp = tempfile::tempdir()?;
    let work = tmp.path().join("work");
    cargo_bin_cmd!("offmirror")
        .args(["demo", "--backend", "aix", "--work-dir"])
        .arg(&work)
        .assert()
        .success()
        .stdout(predicate::str::contains("on aix started"))
        .stdout(predicate::str::contains(
            "vg_split datavg: split=true rejoined=true",
        ))
        .stdout(predicate::str::contains("9 backend operation(s)"))
        .stdout(predicate::str::contains(
            "archived 4 split copies of copy 2",
        ))
        .stdout(predicate::str::contains(
            "as before the run but for: scratchlv has 3 stale",
        ));
    // The commands really ran as processes: the emulated host's state file recorded them.
    let state: serde_json::Value =
        serde_json::from_slice(&std::fs::read(work.join("aix-host.json"))?)?;
    assert!(
        state["op_counts"]["split"].as_u64().unwrap_or(0) >= 3,
        "{}",
        state["op_counts"]
    );
    assert_eq!(state["splits"], serde_json::json!({}));
    Ok(())
}

#[test]
fn aix_parse_prints_json_with_numbers_and_nulls() -> TestResult {
    let tmp = tempfile::tempdir()?;
    let file = tmp.path().join("lsvg-l.txt");
    std::fs::write(
        &file,
        "datavg:\n\
         LV NAME             TYPE       LPs     PPs     PVs  LV STATE      MOUNT POINT\n\
         datalv              jfs2       10      20      2    open/syncd    /data\n\
         oddlv               ???????    4       8       2    ???????       N/A\n",
    )?;
    let out = cargo_bin_cmd!("offmirror")
        .args(["aix", "parse", "lsvg-l"])
        .arg(&file)
        .output()?;
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: serde_json::Value = serde_json::from_slice(&out.stdout)?;
    assert_eq!(v["vg_name"], "datavg");
    assert_eq!(v["lvs"][0]["lps"], 10);
    assert_eq!(v["lvs"][0]["mount_point"], "/data");
    assert_eq!(v["lvs"][1]["lv_type"], serde_json::Value::Null);
    assert_eq!(v["lvs"][1]["state"], serde_json::Value::Null);
    Ok(())
}

#[test]
fn aix_parse_names_the_line_it_cannot_read() -> TestResult {
    let tmp = tempfile::tempdir()?;
    let file = tmp.path().join("lsvg-l.txt");
    std::fs::write(
        &file,
        "datavg:\nLV NAME TYPE LPs PPs PVs LV STATE MOUNT POINT\ndatalv jfs2 many\n",
    )?;
    cargo_bin_cmd!("offmirror")
        .args(["aix", "parse", "lsvg-l"])
        .arg(&file)
        .assert()
        .code(2)
        .stderr(predicate::str::contains("line 3"));
    Ok(())
}

#[test]
fn aix_parse_reads_every_real_sample() -> TestResult {
    // The real samples sit beside the project in CI (../shared/aix/fixtures), or where
    // OFFMIRROR_AIX_SAMPLES says — then they must be there.
    let named = std::env::var_os("OFFMIRROR_AIX_SAMPLES").map(std::path::PathBuf::from);
    let dir = named.clone().unwrap_or_else(|| {
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/aix/fixtures")
    });
    let entries = match std::fs::read_dir(&dir) {
        Ok(entries) => entries,
        Err(e) if named.is_some() => return Err(format!("{}: {e}", dir.display()).into()),
        Err(_) => {
            eprintln!("skipped: no real samples at {}", dir.display());
            return Ok(());
        }
    };
    let kinds = [
        ("lsvg_vg.", "lsvg-vg"),
        ("lsvg-l.", "lsvg-l"),
        ("lsvg-p.", "lsvg-p"),
        ("lslv-m.", "lslv-m"),
        ("lslv.", "lslv"),
        ("lspv_pv.", "lspv-pv"),
        ("lspv.", "lspv"),
        ("lsfs-c.", "lsfs-c"),
        ("mount.", "mount"),
    ];
    let mut seen = 0;
    for entry in entries.flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        let Some((_, kind)) = kinds.iter().find(|(prefix, _)| name.starts_with(prefix)) else {
            continue;
        };
        let out = cargo_bin_cmd!("offmirror")
            .args(["aix", "parse", kind])
            .arg(entry.path())
            .output()?;
        assert_eq!(
            out.status.code(),
            Some(0),
            "{name}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        serde_json::from_slice::<serde_json::Value>(&out.stdout)?;
        seen += 1;
    }
    assert!(seen >= 20, "only {seen} samples");
    Ok(())
}

/// Kills `offmirror run --backend aix` with SIGKILL after `delay`, then recovers with
/// `offmirror recover --backend aix`: the emulated host must end as before the run, every
/// copy rejoined and in sync, nothing frozen. Says whether the kill interrupted a run.
fn kill_then_recover(delay: std::time::Duration) -> Result<bool, Box<dyn std::error::Error>> {
    let tmp = tempfile::tempdir()?;
    let state = sim_init(tmp.path())?;
    let work = tmp.path().join("w");
    let before = offmirror_sim::SimHost::load(&state)?
        .state()?
        .safe_state_violations();
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_offmirror"))
        .args([
            "run",
            "--backend",
            "aix",
            "--force",
            "--vg",
            "datavg",
            "--vg",
            "appvg",
        ])
        .args([
            "--backup",
            "/bin/true",
            "--pre-offline",
            "/bin/true",
            "--resume",
            "/bin/true",
        ])
        .arg("--sim-state")
        .arg(&state)
        .arg("--work-dir")
        .arg(&work)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()?;
    std::thread::sleep(delay);
    let _ = child.kill();
    child.wait()?;
    // An AIX command the killed run had started finishes on its own: let it.
    std::thread::sleep(std::time::Duration::from_millis(150));
    let interrupted = !offmirror_core::interrupted_runs(&work)?.is_empty();
    cargo_bin_cmd!("offmirror")
        .args(["recover", "--backend", "aix", "--sim-state"])
        .arg(&state)
        .arg("--work-dir")
        .arg(&work)
        .assert()
        .success();
    let after = offmirror_sim::SimHost::load(&state)?.state()?;
    assert_eq!(
        after.safe_state_violations(),
        before,
        "killed after {delay:?}"
    );
    assert!(
        after.splits.is_empty() && after.frozen.is_empty(),
        "killed after {delay:?}"
    );
    // And the work directory takes a new run.
    cargo_bin_cmd!("offmirror")
        .args([
            "run",
            "--backend",
            "aix",
            "--vg",
            "datavg",
            "--backup",
            "/bin/true",
        ])
        .arg("--sim-state")
        .arg(&state)
        .arg("--work-dir")
        .arg(&work)
        .assert()
        .code(0);
    Ok(interrupted)
}

#[test]
fn a_cli_killed_at_any_point_of_an_aix_run_is_recovered() -> TestResult {
    // A run takes about half a second here; the delays walk through all of it, spaced
    // unevenly so that they fall at different steps.
    let mut interrupted = 0;
    for ms in [
        0u64, 15, 35, 60, 90, 120, 150, 185, 225, 270, 320, 380, 450, 600,
    ] {
        interrupted += usize::from(kill_then_recover(std::time::Duration::from_millis(ms))?);
    }
    assert!(
        interrupted >= 5,
        "only {interrupted} kills landed inside a run"
    );
    Ok(())
}

fn write_job(
    dir: &std::path::Path,
    text: &str,
) -> Result<std::path::PathBuf, Box<dyn std::error::Error>> {
    let path = dir.join("job.toml");
    std::fs::write(&path, text)?;
    Ok(path)
}

#[test]
fn a_job_file_describes_the_whole_run() -> TestResult {
    let tmp = tempfile::tempdir()?;
    let state = sim_init(tmp.path())?;
    let work = tmp.path().join("w");
    let seen = tmp.path().join("seen.txt");
    let job = write_job(
        tmp.path(),
        &format!(
            r#"
sim_state = "{}"
work_dir = "{}"
copy = 2

[targets]
vgs = ["datavg"]

[hooks.backup]
command = "/bin/sh"
args = ["-c", "echo \"$GREETING $OFFMIRROR_COPY\" > {}"]
timeout = 60
env = {{ GREETING = "hello" }}

[policy]
min_copies_left = 1
"#,
            state.display(),
            work.display(),
            seen.display()
        ),
    )?;
    let out = cargo_bin_cmd!("offmirror")
        .args(["run", "--json", "--job"])
        .arg(&job)
        .output()?;
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let report: serde_json::Value = serde_json::from_slice(&out.stdout)?;
    assert_eq!(report["outcome"], "success");
    assert_eq!(report["units"][0]["vg"], "datavg");
    assert_eq!(std::fs::read_to_string(&seen)?.trim(), "hello 2");
    Ok(())
}

#[test]
fn flags_override_the_job_file() -> TestResult {
    let tmp = tempfile::tempdir()?;
    let state = sim_init(tmp.path())?;
    // The job names appvg (a stale LV: blocked without force), another work dir and a
    // backup hook that does not exist; the flags name datavg, a work dir and a hook.
    let job = write_job(
        tmp.path(),
        &format!(
            "sim_state = \"{}\"\nwork_dir = \"/nonexistent/dir/w\"\n[targets]\nvgs = [\"appvg\"]\n\
             [hooks.backup]\ncommand = \"/nonexistent/backup\"\n",
            state.display()
        ),
    )?;
    let out = cargo_bin_cmd!("offmirror")
        .args([
            "run",
            "--json",
            "--vg",
            "datavg",
            "--backup",
            "/bin/true",
            "--job",
        ])
        .arg(&job)
        .arg("--work-dir")
        .arg(tmp.path().join("w"))
        .output()?;
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let report: serde_json::Value = serde_json::from_slice(&out.stdout)?;
    assert_eq!(report["units"].as_array().map(Vec::len), Some(1));
    assert_eq!(report["units"][0]["vg"], "datavg");
    // Without the flags, the job file's values hold: the preview is blocked.
    cargo_bin_cmd!("offmirror")
        .args(["preview", "--job"])
        .arg(&job)
        .assert()
        .code(2)
        .stdout(predicate::str::contains("fs_split_copy appvg"))
        .stdout(predicate::str::contains(
            "/nonexistent/dir/w/split/legacylv",
        ))
        .stdout(predicate::str::contains(
            "[hook_not_executable] hook backup",
        ));
    Ok(())
}

#[test]
fn a_value_given_nowhere_is_a_clear_error() -> TestResult {
    let tmp = tempfile::tempdir()?;
    let state = sim_init(tmp.path())?;
    cargo_bin_cmd!("offmirror")
        .args(["preview", "--vg", "datavg", "--sim-state"])
        .arg(&state)
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "no work_dir: give --work-dir, or a job file (--job FILE) that sets `work_dir`",
        ));
    let job = write_job(tmp.path(), "work_dir = \"/tmp/w\"\n")?;
    cargo_bin_cmd!("offmirror")
        .args(["preview", "--job"])
        .arg(&job)
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "no sim_state: give --sim-state or set `sim_state` in the job file",
        ));
    Ok(())
}

#[test]
fn job_file_errors_name_the_line_and_the_key() -> TestResult {
    let tmp = tempfile::tempdir()?;
    let job = write_job(
        tmp.path(),
        "sim_state = \"/h.json\"\nwork_dir = \"/w\"\n\n[hooks.backup]\ncommand = \"/b\"\ntimeot = 5\n",
    )?;
    cargo_bin_cmd!("offmirror")
        .args(["preview", "--job"])
        .arg(&job)
        .assert()
        .code(2)
        .stderr(predicate::str::contains(format!(
            "job file {}:6:1: key `hooks.backup.timeot`: unknown field `timeot`",
            job.display()
        )));
    let job = write_job(
        tmp.path(),
        "sim_state = \"/h.json\"\n[policy]\nmin_copies_left = \"one\"\n",
    )?;
    cargo_bin_cmd!("offmirror")
        .args(["run", "--job"])
        .arg(&job)
        .assert()
        .code(2)
        .stderr(predicate::str::contains(format!(
            "job file {}:3:19: key `policy.min_copies_left`: invalid type: string \"one\"",
            job.display()
        )));
    let job = write_job(tmp.path(), "backend = \"hpux\"\n")?;
    cargo_bin_cmd!("offmirror")
        .args(["run", "--job"])
        .arg(&job)
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            ":1:11: key `backend`: unknown variant `hpux`",
        ));
    Ok(())
}

#[test]
fn the_example_job_file_is_read() -> TestResult {
    let tmp = tempfile::tempdir()?;
    let state = sim_init(tmp.path())?;
    let example = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("job.example.toml");
    // Its hooks are not on this machine: the preview says so, which shows it was read.
    cargo_bin_cmd!("offmirror")
        .args(["preview", "--job"])
        .arg(&example)
        .arg("--sim-state")
        .arg(&state)
        .arg("--work-dir")
        .arg(tmp.path().join("w"))
        .assert()
        .code(2)
        .stdout(predicate::str::contains("vg_split datavg"))
        .stdout(predicate::str::contains("/usr/local/bin/backup-split"));
    Ok(())
}

#[test]
fn a_locked_work_directory_exits_4() -> TestResult {
    let tmp = tempfile::tempdir()?;
    let state = sim_init(tmp.path())?;
    let work = tmp.path().join("w");
    std::fs::create_dir(&work)?;
    let lock = offmirror_core::WorkDirLock::acquire(&work, "run om-test (pid 1)")?;
    let before = std::fs::read(&state)?;
    cargo_bin_cmd!("offmirror")
        .args([
            "run",
            "--vg",
            "datavg",
            "--backup",
            "/bin/true",
            "--sim-state",
        ])
        .arg(&state)
        .arg("--work-dir")
        .arg(&work)
        .assert()
        .code(4)
        .stderr(predicate::str::contains("is in use by run om-test (pid 1)"));
    cargo_bin_cmd!("offmirror")
        .args(["recover", "--sim-state"])
        .arg(&state)
        .arg("--work-dir")
        .arg(&work)
        .assert()
        .code(4);
    assert_eq!(
        std::fs::read(&state)?,
        before,
        "a locked run changed the host"
    );
    drop(lock);
    cargo_bin_cmd!("offmirror")
        .args([
            "run",
            "--vg",
            "datavg",
            "--backup",
            "/bin/true",
            "--sim-state",
        ])
        .arg(&state)
        .arg("--work-dir")
        .arg(&work)
        .assert()
        .code(0);
    Ok(())
}

#[test]
fn an_interrupted_run_exits_3_until_recovered() -> TestResult {
    let tmp = tempfile::tempdir()?;
    let state = sim_init(tmp.path())?;
    let work = tmp.path().join("w");
    edit_state(&state, |v| {
        v["faults"]["crash_after_ops"] = serde_json::json!(4)
    })?;
    let command = |sub: &str| {
        let mut cmd = cargo_bin_cmd!("offmirror");
        cmd.args([
            sub,
            "--vg",
            "datavg",
            "--backup",
            "/bin/true",
            "--sim-state",
        ])
        .arg(&state)
        .arg("--work-dir")
        .arg(&work);
        cmd
    };
    // The run that crashes fails: 2.
    command("run").assert().code(2);
    edit_state(&state, |v| {
        v["crashed"] = serde_json::json!(false);
        v["faults"] = serde_json::json!({});
    })?;
    command("preview")
        .assert()
        .code(3)
        .stdout(predicate::str::contains("[interrupted_run]"));
    command("run")
        .arg("--json")
        .assert()
        .code(3)
        .stderr(predicate::str::contains("nothing was changed"));
    cargo_bin_cmd!("offmirror")
        .args(["recover", "--sim-state"])
        .arg(&state)
        .arg("--work-dir")
        .arg(&work)
        .assert()
        .code(0);
    command("run").assert().code(0);
    Ok(())
}

#[test]
fn a_bad_run_id_is_refused() -> TestResult {
    let tmp = tempfile::tempdir()?;
    let state = sim_init(tmp.path())?;
    cargo_bin_cmd!("offmirror")
        .args(["run", "--run-id", "../x", "--vg", "datavg", "--sim-state"])
        .arg(&state)
        .arg("--work-dir")
        .arg(tmp.path().join("w"))
        .assert()
        .code(2)
        .stderr(predicate::str::contains("invalid run id \"../x\""));
    Ok(())
}

#[test]
fn quiet_and_verbose_set_how_much_progress_is_printed() -> TestResult {
    let tmp = tempfile::tempdir()?;
    let run = |flag: &str, dir: &str| -> Result<String, Box<dyn std::error::Error>> {
        let out = cargo_bin_cmd!("offmirror")
            .args([flag, "demo", "--work-dir"])
            .arg(tmp.path().join(dir))
            .output()?;
        assert!(out.status.success());
        Ok(String::from_utf8(out.stdout)?)
    };
    let quiet = run("--quiet", "q")?;
    assert!(!quiet.contains("== split"), "{quiet}");
    assert!(
        quiet.contains("Quiesce window:"),
        "the report is still printed"
    );
    let step_start = "   split unit 0 (vg_split datavg: oradatalv loglv01 oraloglv rawdb) ...\n";
    let verbose = run("-v", "v")?;
    assert!(verbose.contains("== split"));
    assert!(verbose.contains(step_start), "{verbose}");
    // Without -v, step starts are not printed; progress is.
    let out = cargo_bin_cmd!("offmirror")
        .args(["demo", "--work-dir"])
        .arg(tmp.path().join("n"))
        .output()?;
    let normal = String::from_utf8(out.stdout)?;
    assert!(normal.contains("== split"));
    assert!(!normal.contains(step_start));
    Ok(())
}

/// The real LVM2 reports and mount tables captured in the qemu guest.
fn lvm2_fixture(name: &str) -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../offmirror-lvm2/tests/fixtures/vm")
        .join(name)
}

#[test]
fn lvm2_parse_reads_every_captured_report() -> TestResult {
    // (kind, file, a value the rows must hold)
    let cases = [
        ("lvs", "split.lvs.json", "data_rimage_1"),
        ("lvs", "normal.lvs.json", "[data_rimage_0]"),
        ("vgs", "normal.vgs.json", "\"vg_extent_size\": 4194304"),
        ("pvs", "normal.pvs.json", "/dev/vda"),
        ("mountinfo", "normal.mountinfo.txt", "/mnt/data"),
    ];
    for (kind, file, value) in cases {
        let out = cargo_bin_cmd!("offmirror")
            .args(["lvm2", "parse", kind])
            .arg(lvm2_fixture(file))
            .output()?;
        assert_eq!(
            out.status.code(),
            Some(0),
            "{file}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        let text = String::from_utf8(out.stdout)?;
        let rows: serde_json::Value = serde_json::from_str(&text)?;
        assert!(
            rows.as_array().is_some_and(|r| !r.is_empty()),
            "{file}: {text}"
        );
        assert!(text.contains(value), "{file}: no {value} in {text}");
    }
    // Every captured file of every kind parses.
    for entry in std::fs::read_dir(lvm2_fixture(""))? {
        let path = entry?.path();
        let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
        let Some(kind) = ["lvs", "vgs", "pvs", "mountinfo"].into_iter().find(|k| {
            name.ends_with(&format!(".{k}.json")) || name.ends_with(&format!(".{k}.txt"))
        }) else {
            continue;
        };
        cargo_bin_cmd!("offmirror")
            .args(["lvm2", "parse", kind])
            .arg(&path)
            .assert()
            .success();
    }
    Ok(())
}

#[test]
fn lvm2_parse_names_the_file_and_what_it_cannot_read() -> TestResult {
    let tmp = tempfile::tempdir()?;
    let file = tmp.path().join("lvs-with-suffixes.json");
    // Sizes printed without --units b --nosuffix.
    std::fs::write(
        &file,
        r#"{"report": [{"lv": [{"lv_name": "data", "lv_size": "64.00m"}]}]}"#,
    )?;
    cargo_bin_cmd!("offmirror")
        .args(["lvm2", "parse", "lvs"])
        .arg(&file)
        .assert()
        .code(2)
        .stdout(predicate::str::is_empty())
        .stderr(predicate::str::contains(format!(
            "offmirror: error: {}: lvs report, row 1: lv_size is \"64.00m\"",
            file.display()
        )));
    // A report given as the wrong kind of input.
    cargo_bin_cmd!("offmirror")
        .args(["lvm2", "parse", "mountinfo"])
        .arg(lvm2_fixture("normal.lvs.json"))
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "normal.lvs.json: mountinfo, line 1",
        ));
    // The same in `lvm2 inventory`: the file is named.
    let normal = |kind: &str| lvm2_fixture(&format!("normal.{kind}.json"));
    cargo_bin_cmd!("offmirror")
        .args(["lvm2", "inventory", "--vgs"])
        .arg(normal("vgs"))
        .arg("--pvs")
        .arg(normal("pvs"))
        .arg("--lvs")
        .arg(&file)
        .arg("--mountinfo")
        .arg(lvm2_fixture("normal.mountinfo.txt"))
        .assert()
        .code(2)
        .stderr(predicate::str::contains(format!(
            "{}: lvs report, row 1",
            file.display()
        )));
    Ok(())
}

#[test]
fn lvm2_inventory_maps_a_captured_host() -> TestResult {
    let normal = |kind: &str| lvm2_fixture(&format!("normal.{kind}.json"));
    let out = cargo_bin_cmd!("offmirror")
        .args(["lvm2", "inventory", "--vgs"])
        .arg(normal("vgs"))
        .arg("--pvs")
        .arg(normal("pvs"))
        .arg("--lvs")
        .arg(normal("lvs"))
        .arg("--mountinfo")
        .arg(lvm2_fixture("normal.mountinfo.txt"))
        .output()?;
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let inventory: serde_json::Value = serde_json::from_slice(&out.stdout)?;
    let vg = &inventory["vgs"][0];
    assert_eq!(vg["name"], "vg0");
    let lvs: Vec<&str> = vg["lvs"]
        .as_array()
        .ok_or("no lvs")?
        .iter()
        .filter_map(|lv| lv["name"].as_str())
        .collect();
    assert_eq!(lvs, ["data", "data3", "plain", "r5"]);
    // The raid1 LVs have their legs as copies.
    assert_eq!(vg["lvs"][0]["copies"].as_array().map(Vec::len), Some(2));
    assert_eq!(vg["lvs"][1]["copies"].as_array().map(Vec::len), Some(3));
    let fs = &inventory["filesystems"][0];
    assert_eq!(fs["mount_point"], "/mnt/data");
    assert_eq!(fs["device"], "data");
    assert_eq!(fs["vfs"], "ext4");
    Ok(())
}

#[test]
fn there_is_no_lvm2_demo() -> TestResult {
    let tmp = tempfile::tempdir()?;
    let work = tmp.path().join("work");
    cargo_bin_cmd!("offmirror")
        .args(["demo", "--backend", "lvm2", "--work-dir"])
        .arg(&work)
        .assert()
        .code(2)
        .stdout(predicate::str::is_empty())
        .stderr(predicate::str::contains(
            "there is no LVM2 demo: the demo runs on the simulator (--backend sim) or the AIX \
             command emulator (--backend aix), while the LVM2 backend needs a real Linux host \
             with LVM2 raid1 LVs",
        ))
        .stderr(predicate::str::contains(
            "offmirror preview --backend lvm2 --job FILE",
        ))
        .stderr(predicate::str::contains("offmirror-lvm2-vm"));
    // Refused before anything was made.
    assert!(!work.exists());
    Ok(())
}

/// A job for the lvm2 backend on this host.
fn lvm2_job(dir: &std::path::Path) -> Result<std::path::PathBuf, Box<dyn std::error::Error>> {
    write_job(
        dir,
        &format!(
            "backend = \"lvm2\"\nwork_dir = \"{}\"\n[targets]\nvgs = [\"offmirrortestvg\"]\n\
             [hooks.backup]\ncommand = \"/bin/true\"\n",
            dir.join("w").display()
        ),
    )
}

#[test]
fn lvm2_preview_on_this_host_fails_cleanly() -> TestResult {
    // Whatever this host has — no LVM2, LVM2 without device-mapper, no such VG, not root —
    // the preview stops with exit code 2 and says why: a typed error naming the failing
    // command, or a blocked preview naming the VG. Never a panic.
    let tmp = tempfile::tempdir()?;
    let job = lvm2_job(tmp.path())?;
    let out = cargo_bin_cmd!("offmirror")
        .args(["preview", "--job"])
        .arg(&job)
        .output()?;
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stdout}\n{stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
    let failed_command = stderr.contains("offmirror: error:")
        && (stderr.contains("\"lvm\"")
            || stderr.contains("/proc/self/mountinfo")
            || stderr.contains("run offmirror as root"));
    let blocked = stdout.contains("[vg_not_found] vg offmirrortestvg");
    assert!(failed_command || blocked, "{stdout}\n{stderr}");
    // A simulator state file makes no sense here.
    cargo_bin_cmd!("offmirror")
        .args(["preview", "--sim-state", "/nonexistent/host.json", "--job"])
        .arg(&job)
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "--sim-state is for the sim and aix backends",
        ));
    Ok(())
}

/// Whether this test process is root (read from /proc, which is Linux's).
fn is_root() -> bool {
    std::fs::read_to_string("/proc/self/status").is_ok_and(|s| {
        s.lines()
            .find_map(|l| l.strip_prefix("Uid:"))
            .and_then(|ids| ids.split_whitespace().nth(1))
            == Some("0")
    })
}

#[test]
fn a_failing_lvm_command_is_a_typed_error_naming_it() -> TestResult {
    // An `lvm` that fails as on a host without device-mapper, bind-mounted over the real
    // one in a private mount namespace (root and unshare(1) needed; skipped otherwise).
    if !is_root() || !std::path::Path::new("/usr/sbin/lvm").exists() {
        eprintln!("skipped: needs root and /usr/sbin/lvm");
        return Ok(());
    }
    let tmp = tempfile::tempdir()?;
    let job = lvm2_job(tmp.path())?;
    let fake = tmp.path().join("lvm");
    std::fs::write(
        &fake,
        "#!/bin/sh\n\
         echo '  /dev/mapper/control: open failed: No such device' >&2\n\
         echo '  Failure to communicate with kernel device-mapper driver.' >&2\n\
         exit 5\n",
    )?;
    std::fs::set_permissions(&fake, std::os::unix::fs::PermissionsExt::from_mode(0o755))?;
    let offmirror = assert_cmd::cargo::cargo_bin!("offmirror");
    let out = std::process::Command::new("unshare")
        .args(["--mount", "--propagation", "private", "/bin/sh", "-c"])
        .arg("mount --bind \"$1\" /usr/sbin/lvm || exit 97; shift; exec \"$@\"")
        .arg("sh")
        .arg(&fake)
        .arg(offmirror)
        .args(["preview", "--job"])
        .arg(&job)
        .output();
    let out = match out {
        // 97: the bind mount failed; `unshare:` on stderr: no private namespace allowed.
        Ok(out)
            if out.status.code() != Some(97)
                && !String::from_utf8_lossy(&out.stderr).starts_with("unshare:") =>
        {
            out
        }
        _ => {
            eprintln!("skipped: cannot bind-mount in a private mount namespace");
            return Ok(());
        }
    };
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(out.stdout.is_empty());
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert!(
        stderr.contains(
            "offmirror: error: cannot read the host's volume groups: command [\"lvm\", \"vgs\""
        ),
        "{stderr}"
    );
    assert!(stderr.contains("failed (exit status 5)"), "{stderr}");
    assert!(
        stderr.contains("Failure to communicate with kernel device-mapper driver."),
        "{stderr}"
    );
    Ok(())
}

#[test]
fn the_lvm2_backend_needs_root() -> TestResult {
    // Run as nobody through setpriv(1) (root needed to switch; skipped otherwise).
    if !is_root() {
        eprintln!("skipped: needs root to switch to another user");
        return Ok(());
    }
    let offmirror = assert_cmd::cargo::cargo_bin!("offmirror");
    let out = std::process::Command::new("setpriv")
        .args(["--reuid", "65534", "--regid", "65534", "--clear-groups"])
        .arg(offmirror)
        .args([
            "preview",
            "--backend",
            "lvm2",
            "--vg",
            "vg0",
            "--backup",
            "/bin/true",
        ])
        .args(["--work-dir", "/nonexistent/w"])
        .output();
    let Ok(out) = out else {
        eprintln!("skipped: no setpriv");
        return Ok(());
    };
    let stderr = String::from_utf8_lossy(&out.stderr);
    if stderr.contains("setpriv:") || stderr.contains("Permission denied") {
        eprintln!("skipped: setpriv could not run offmirror as nobody: {stderr}");
        return Ok(());
    }
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains("which need root: run offmirror as root (effective user id is 65534)"),
        "{stderr}"
    );
    Ok(())
}

#[test]
fn lvm2_recover_and_status_take_no_state_file_and_sim_still_needs_one() -> TestResult {
    let tmp = tempfile::tempdir()?;
    for args in [
        &[
            "recover",
            "--backend",
            "lvm2",
            "--sim-state",
            "/h.json",
            "--work-dir",
            "/w",
        ][..],
        &["status", "--backend", "lvm2", "--sim-state", "/h.json"][..],
    ] {
        cargo_bin_cmd!("offmirror")
            .args(args)
            .assert()
            .code(2)
            .stderr(predicate::str::contains(
                "--sim-state is for the sim and aix backends",
            ));
    }
    cargo_bin_cmd!("offmirror")
        .args(["recover", "--work-dir"])
        .arg(tmp.path())
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "no sim_state: the sim backend needs the simulator state file; give --sim-state",
        ));
    cargo_bin_cmd!("offmirror")
        .args(["status", "--backend", "aix"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("no sim_state: the aix backend"));
    // A manual recovery only prints commands: no root, no LVM2 needed.
    cargo_bin_cmd!("offmirror")
        .args(["recover", "--manual", "--backend", "lvm2", "--work-dir"])
        .arg(tmp.path())
        .assert()
        .success()
        .stdout(predicate::str::contains("nothing to recover"));
    Ok(())
}
