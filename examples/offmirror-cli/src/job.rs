//! Job files: a backup described in TOML, for `preview --job FILE` and `run --job FILE`.
//!
//! Every key is checked: an unknown key or a bad value is refused with the file, the line
//! and the key (see `job.example.toml` and README.md for the format).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::Duration;

use anyhow::{Context, Result};
use offmirror_core::{CopyNumber, HookSpec, Hooks, LvName, Policy, VgName};
use serde::Deserialize;

use crate::args::BackendKind;

/// A job file.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Job {
    /// `sim`, `aix` or `lvm2`.
    pub backend: Option<BackendKind>,
    /// The simulator state file.
    pub sim_state: Option<PathBuf>,
    /// The work directory.
    pub work_dir: Option<PathBuf>,
    /// The mirror copy to split.
    pub copy: Option<CopyNumber>,
    /// What to back up.
    #[serde(default)]
    pub targets: JobTargets,
    /// Hooks by phase.
    #[serde(default)]
    pub hooks: JobHooks,
    /// Policies; every key optional, defaults as the library's.
    pub policy: Option<Policy>,
}

/// The `[targets]` table.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct JobTargets {
    /// Volume groups.
    #[serde(default)]
    pub vgs: Vec<VgName>,
    /// Logical volumes.
    #[serde(default)]
    pub lvs: Vec<LvName>,
}

/// The `[hooks.*]` tables.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct JobHooks {
    /// Quiesces the application.
    pub pre_offline: Option<JobHook>,
    /// Restarts the application.
    pub resume: Option<JobHook>,
    /// Backs up the split copies.
    pub backup: Option<JobHook>,
    /// Runs last.
    pub post_offline: Option<JobHook>,
}

/// One hook: a program and its arguments (never a shell line).
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct JobHook {
    /// Absolute path of the program.
    pub command: PathBuf,
    /// Its arguments.
    #[serde(default)]
    pub args: Vec<String>,
    /// Seconds before it is killed (default 3600).
    pub timeout: Option<u64>,
    /// Environment variables added to the hook's.
    #[serde(default)]
    pub env: BTreeMap<String, String>,
}

impl JobHook {
    fn spec(&self) -> HookSpec {
        let mut spec = HookSpec::new(&self.command);
        spec.args.clone_from(&self.args);
        spec.env.clone_from(&self.env);
        if let Some(secs) = self.timeout {
            spec.timeout = Duration::from_secs(secs);
        }
        spec
    }
}

impl JobHooks {
    /// The library's hooks.
    pub fn to_hooks(&self) -> Hooks {
        Hooks {
            pre_offline: self.pre_offline.as_ref().map(JobHook::spec),
            resume: self.resume.as_ref().map(JobHook::spec),
            backup: self.backup.as_ref().map(JobHook::spec),
            post_offline: self.post_offline.as_ref().map(JobHook::spec),
        }
    }
}

impl Job {
    /// Reads and checks a job file.
    pub fn load(path: &Path) -> Result<Job> {
        let text = std::fs::read_to_string(path)
            .with_context(|| format!("reading the job file {}", path.display()))?;
        Job::parse(&text).map_err(|e| anyhow::anyhow!("job file {}:{e}", path.display()))
    }

    /// Parses a job file's text; the error starts with `LINE:COLUMN: `.
    pub fn parse(text: &str) -> Result<Job, String> {
        toml::from_str(text).map_err(|e| describe(text, &e))
    }
}

/// `LINE:COLUMN: key `KEY`: MESSAGE`, the key dotted with its table (`hooks.backup.timeout`).
fn describe(text: &str, e: &toml::de::Error) -> String {
    let message = e.message().trim();
    let Some(span) = e.span() else {
        return format!(" {message}");
    };
    let start = span.start.min(text.len());
    let line_start = text[..start].rfind('\n').map_or(0, |i| i + 1);
    let line_no = text[..start].matches('\n').count() + 1;
    let column = text[line_start..start].chars().count() + 1;
    match key_at(text, line_no) {
        Some(key) => format!("{line_no}:{column}: key `{key}`: {message}"),
        None => format!("{line_no}:{column}: {message}"),
    }
}

/// The dotted key the line `line_no` (1-based) belongs to: the nearest `key =` at or above
/// it (a value may span lines), prefixed by the table it is in; or the table itself when
/// the line is a header.
fn key_at(text: &str, line_no: usize) -> Option<String> {
    let lines: Vec<&str> = text.lines().take(line_no).collect();
    let mut key: Option<String> = None;
    for line in lines.iter().rev() {
        let line = line.trim();
        if let Some(header) = table_header(line) {
            return Some(match key {
                Some(k) => format!("{header}.{k}"),
                None => header,
            });
        }
        if key.is_none()
            && !line.starts_with('#')
            && let Some((k, _)) = line.split_once('=')
        {
            key = Some(k.trim().trim_matches('"').to_string());
        }
    }
    key
}

fn table_header(line: &str) -> Option<String> {
    let inner = line.strip_prefix('[')?;
    let end = inner.find(']')?;
    Some(inner[..end].trim_matches(['[', ' ']).to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_example_job_file_parses() -> Result<(), String> {
        let job = Job::parse(include_str!("../job.example.toml"))?;
        assert_eq!(job.backend, Some(BackendKind::Sim));
        assert_eq!(job.targets.vgs.len(), 1);
        assert_eq!(job.copy.map(CopyNumber::get), Some(2));
        let hooks = job.hooks.to_hooks();
        let backup = hooks.backup.ok_or("no backup hook")?;
        assert!(!backup.env.is_empty());
        assert!(hooks.pre_offline.is_some());
        let policy = job.policy.ok_or("no policy")?;
        assert_eq!(policy.min_copies_left, 1);
        Ok(())
    }

    #[test]
    fn an_unknown_key_is_named_with_its_line() {
        let err = Job::parse("work_dir = \"/w\"\n\n[hooks.backup]\ncommand = \"/b\"\ntimeot = 5\n")
            .err()
            .unwrap_or_default();
        assert!(err.starts_with("5:1: key `hooks.backup.timeot`"), "{err}");
        assert!(err.contains("unknown field `timeot`"), "{err}");
        let err = Job::parse("[policy]\nfreeze = true\nfreez = false\n")
            .err()
            .unwrap_or_default();
        assert!(err.starts_with("3:1: key `policy.freez`"), "{err}");
        let err = Job::parse("[targets]\nvg = [\"datavg\"]\n")
            .err()
            .unwrap_or_default();
        assert!(err.starts_with("2:1: key `targets.vg`"), "{err}");
    }

    #[test]
    fn a_bad_value_is_named_with_its_line() {
        let err = Job::parse("work_dir = \"/w\"\ncopy = 7\n")
            .err()
            .unwrap_or_default();
        assert!(err.starts_with("2:8: key `copy`"), "{err}");
        assert!(err.contains("mirror copy 7 does not exist"), "{err}");
        let err = Job::parse("[targets]\nvgs = [\n  \"datavg\",\n  \"-rf\",\n]\n")
            .err()
            .unwrap_or_default();
        // A bad element is reported at its list.
        assert!(err.starts_with("2:7: key `targets.vgs`"), "{err}");
        assert!(err.contains("invalid volume group name \"-rf\""), "{err}");
        let err = Job::parse("[policy]\nfreeze_timeout = -3\n")
            .err()
            .unwrap_or_default();
        assert!(
            err.starts_with("2:18: key `policy.freeze_timeout`"),
            "{err}"
        );
    }
}
