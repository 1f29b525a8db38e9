//! Snapshots of what `offmirror` prints: the text preview, and the report as text and as
//! JSON, for a run of the simulated demo host with a fixed run id. Times, durations and
//! the temporary directory are normalised; everything else must not change unnoticed.
//!
//! After an intended change of the output: `INSTA_UPDATE=always cargo test -p
//! offmirror-cli --test snapshots`, review the diff of `tests/snapshots/`, commit it.

use std::path::{Path, PathBuf};

use assert_cmd::cargo::cargo_bin_cmd;
use offmirror_core::Report;
use regex::Regex;
use serde_json::Value;

type TestResult = Result<(), Box<dyn std::error::Error>>;

const RUN_ID: &str = "om-snapshot";

/// A simulated demo host in a temporary directory.
struct Fixture {
    tmp: tempfile::TempDir,
    state: PathBuf,
}

impl Fixture {
    fn new() -> Result<Self, Box<dyn std::error::Error>> {
        let tmp = tempfile::tempdir()?;
        let state = tmp.path().join("host.json");
        cargo_bin_cmd!("offmirror")
            .args(["sim", "init", "--sim-state"])
            .arg(&state)
            .assert()
            .success();
        Ok(Self { tmp, state })
    }

    fn work_dir(&self) -> PathBuf {
        self.tmp.path().join("work")
    }

    /// `offmirror SUB` on both demo VGs, forced past the warnings, with every hook.
    fn command(&self, sub: &str) -> assert_cmd::Command {
        let mut cmd = cargo_bin_cmd!("offmirror");
        cmd.args([sub, "--vg", "datavg", "--vg", "appvg", "--force"])
            .args(["--pre-offline", "/bin/true", "--resume", "/bin/true"])
            .args(["--backup", "/bin/true", "--post-offline", "/bin/true"])
            .arg("--sim-state")
            .arg(&self.state)
            .arg("--work-dir")
            .arg(self.work_dir());
        cmd
    }

    /// Standard output of a command that must exit with `code`.
    fn stdout(
        &self,
        cmd: &mut assert_cmd::Command,
        code: i32,
    ) -> Result<String, Box<dyn std::error::Error>> {
        let out = cmd.output()?;
        assert_eq!(
            out.status.code(),
            Some(code),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        Ok(String::from_utf8(out.stdout)?)
    }

    /// The temporary directory as the output may spell it.
    fn tmp_names(&self) -> Vec<String> {
        let mut names = vec![self.tmp.path().display().to_string()];
        if let Ok(real) = std::fs::canonicalize(self.tmp.path()) {
            names.insert(0, real.display().to_string());
        }
        names
    }

    /// Text with the temporary directory as `[TMP]`, times and durations as placeholders.
    fn normalise(&self, text: &str) -> Result<String, Box<dyn std::error::Error>> {
        let mut text = text.to_string();
        for name in self.tmp_names() {
            text = text.replace(&name, "[TMP]");
        }
        let time = Regex::new(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z")?;
        // The report's phase table: `{:<13} {:>10.3} ms`, laid out again around the
        // placeholder.
        let phase_ms = Regex::new(r"(?m)^  (\w+) +\d+\.\d+ ms")?;
        let ms = Regex::new(r"\d+\.\d+ ms")?;
        let secs = Regex::new(r"\d+\.\d+s\b")?;
        let text = time.replace_all(&text, "[TIME]");
        let text = phase_ms.replace_all(&text, |c: &regex::Captures<'_>| {
            format!("  {:<13} {:>10} ms", &c[1], "[MS]")
        });
        let text = ms.replace_all(&text, "[MS] ms");
        Ok(secs.replace_all(&text, "[S]s").into_owned())
    }
}

/// The JSON with durations and times as placeholders and the temporary directory as
/// `[TMP]`.
fn normalise_json(value: &mut Value, fixture: &Fixture) -> TestResult {
    match value {
        Value::Object(map) => {
            for (key, v) in map.iter_mut() {
                match key.as_str() {
                    "duration" | "backend_time" if v.is_number() => {
                        *v = Value::from("[duration]");
                    }
                    "started_at" => *v = Value::from("[time]"),
                    _ => normalise_json(v, fixture)?,
                }
            }
        }
        Value::Array(items) => {
            for v in items {
                normalise_json(v, fixture)?;
            }
        }
        Value::String(s) => *s = fixture.normalise(s)?,
        _ => {}
    }
    Ok(())
}

#[test]
fn text_preview() -> TestResult {
    let fixture = Fixture::new()?;
    let out = fixture.stdout(&mut fixture.command("preview"), 1)?;
    insta::assert_snapshot!("preview_text", fixture.normalise(&out)?);
    Ok(())
}

#[test]
fn text_run_and_report() -> TestResult {
    let fixture = Fixture::new()?;
    let out = fixture.stdout(fixture.command("run").args(["--run-id", RUN_ID]), 1)?;
    insta::assert_snapshot!("run_text", fixture.normalise(&out)?);
    Ok(())
}

#[test]
fn json_report() -> TestResult {
    let fixture = Fixture::new()?;
    let out = fixture.stdout(
        fixture.command("run").args(["--json", "--run-id", RUN_ID]),
        1,
    )?;
    let mut report: Value = serde_json::from_str(&out)?;
    normalise_json(&mut report, &fixture)?;
    insta::assert_json_snapshot!("report_json", report);
    Ok(())
}

#[test]
fn the_json_report_round_trips_through_the_library_type() -> TestResult {
    let fixture = Fixture::new()?;
    let out = fixture.stdout(fixture.command("run").arg("--json"), 1)?;
    let printed: Value = serde_json::from_str(&out)?;
    let report: Report = serde_json::from_str(&out)?;
    assert_eq!(report.schema_version, offmirror_core::REPORT_SCHEMA_VERSION);
    let again = serde_json::to_value(&report)?;
    same(&printed, &again, "$")?;
    // The report the run kept in the work directory is the same report.
    let kept: Report = serde_json::from_slice(&std::fs::read(
        Path::new(&fixture.work_dir())
            .join("runs")
            .join(&report.run_id)
            .join("report.json"),
    )?)?;
    same(&serde_json::to_value(&kept)?, &again, "$")?;
    Ok(())
}

/// Equal values; seconds (floats) may differ by a nanosecond's rounding.
fn same(a: &Value, b: &Value, at: &str) -> TestResult {
    match (a, b) {
        (Value::Object(x), Value::Object(y)) => {
            let keys = |m: &serde_json::Map<String, Value>| m.keys().cloned().collect::<Vec<_>>();
            if keys(x) != keys(y) {
                return Err(format!("{at}: keys {:?} != {:?}", keys(x), keys(y)).into());
            }
            for (k, v) in x {
                same(v, &y[k], &format!("{at}.{k}"))?;
            }
            Ok(())
        }
        (Value::Array(x), Value::Array(y)) => {
            if x.len() != y.len() {
                return Err(format!("{at}: {} items != {}", x.len(), y.len()).into());
            }
            for (i, (v, w)) in x.iter().zip(y).enumerate() {
                same(v, w, &format!("{at}[{i}]"))?;
            }
            Ok(())
        }
        (Value::Number(x), Value::Number(y)) if x.is_f64() || y.is_f64() => {
            match (x.as_f64(), y.as_f64()) {
                (Some(p), Some(q)) if (p - q).abs() <= 1e-9 => Ok(()),
                _ => Err(format!("{at}: {x} != {y}").into()),
            }
        }
        _ if a == b => Ok(()),
        _ => Err(format!("{at}: {a} != {b}").into()),
    }
}
