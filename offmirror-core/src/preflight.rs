//! Facts about the local machine that the pure planner needs: whether the work directory
//! and the hook programs are usable. Gathering them is the only I/O before planning.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::{BackupRequest, HookPhase};

/// What the planner is told about the machine it runs on.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct LocalFacts {
    /// The work directory made absolute, when it could be.
    pub work_dir: Option<PathBuf>,
    /// Why the work directory cannot be used, if it cannot.
    pub work_dir_problem: Option<String>,
    /// Why a hook cannot be run, per phase.
    pub hook_problems: BTreeMap<HookPhase, String>,
    /// Interrupted runs in the work directory (or why its journals cannot be read).
    #[serde(default)]
    pub interrupted_runs: Vec<String>,
}

impl LocalFacts {
    /// Facts for a request whose work directory and hooks are known to be fine (tests and
    /// simulations). The work directory must be absolute.
    pub fn assume_usable(request: &BackupRequest) -> Self {
        Self {
            work_dir: Some(request.work_dir.clone()),
            work_dir_problem: None,
            hook_problems: BTreeMap::new(),
            interrupted_runs: Vec::new(),
        }
    }

    /// Inspects the work directory (which the run creates if it is missing) and the hook
    /// programs. Changes nothing.
    pub fn probe(request: &BackupRequest) -> Self {
        let mut facts = Self::default();
        match probe_work_dir(&request.work_dir) {
            Ok(dir) => {
                facts.interrupted_runs = match crate::interrupted_runs(&dir) {
                    Ok(runs) => runs,
                    Err(e) => vec![crate::display_chain(&e)],
                };
                facts.work_dir = Some(dir);
            }
            Err(why) => facts.work_dir_problem = Some(why),
        }
        for phase in HookPhase::ALL {
            if let Some(spec) = request.hooks.get(phase)
                && let Err(why) = probe_executable(&spec.program)
            {
                facts.hook_problems.insert(phase, why);
            }
        }
        facts
    }
}

fn probe_work_dir(dir: &Path) -> Result<PathBuf, String> {
    if dir.as_os_str().is_empty() {
        return Err("no work directory was given".into());
    }
    let abs = if dir.is_absolute() {
        dir.to_path_buf()
    } else {
        std::env::current_dir()
            .map_err(|e| format!("cannot resolve a relative path: {e}"))?
            .join(dir)
    };
    let text = abs.to_string_lossy();
    if text.contains(':') || text.chars().any(char::is_control) {
        return Err("its path contains ':' or a control character".into());
    }
    if !abs.exists() {
        // It will be created at the start of the run; its nearest ancestor must allow that.
        let parent = abs
            .ancestors()
            .skip(1)
            .find(|a| a.exists())
            .ok_or_else(|| "no part of its path exists".to_string())?;
        if !parent.is_dir() {
            return Err(format!("{} is not a directory", parent.display()));
        }
        return Ok(abs);
    }
    let meta = std::fs::metadata(&abs).map_err(|e| format!("cannot read it: {e}"))?;
    if !meta.is_dir() {
        return Err("it is not a directory".into());
    }
    let probe = abs.join(".offmirror-write-test");
    std::fs::write(&probe, b"").map_err(|e| format!("cannot write in it: {e}"))?;
    std::fs::remove_file(&probe).map_err(|e| format!("cannot remove a file in it: {e}"))?;
    Ok(abs)
}

fn probe_executable(program: &Path) -> Result<(), String> {
    if !program.is_absolute() {
        return Err(format!(
            "{} is not an absolute path; hooks are run without a shell or PATH search",
            program.display()
        ));
    }
    let meta = std::fs::metadata(program).map_err(|e| format!("{}: {e}", program.display()))?;
    if !meta.is_file() {
        return Err(format!("{} is not a regular file", program.display()));
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        if meta.permissions().mode() & 0o111 == 0 {
            return Err(format!("{} is not executable", program.display()));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::HookSpec;

    #[test]
    fn finds_unusable_hooks_and_accepts_a_work_dir_to_create() {
        let tmp = tempfile::tempdir().map_err(|e| e.to_string());
        let Ok(tmp) = tmp else { return };
        let work = tmp.path().join("w");
        let request = BackupRequest::builder(&work)
            .hook(HookPhase::Backup, HookSpec::new("/nonexistent/backup"))
            .hook(HookPhase::Resume, HookSpec::new("relative/resume"))
            .build();
        let facts = LocalFacts::probe(&request);
        assert!(!work.exists(), "a probe changes nothing");
        assert_eq!(facts.work_dir_problem, None);
        assert_eq!(facts.work_dir.as_deref(), Some(work.as_path()));
        assert!(facts.hook_problems.contains_key(&HookPhase::Backup));
        assert!(facts.hook_problems[&HookPhase::Resume].contains("absolute"));
    }

    #[test]
    fn a_file_is_not_a_work_dir() {
        let Ok(tmp) = tempfile::tempdir() else { return };
        let file = tmp.path().join("f");
        assert!(std::fs::write(&file, b"x").is_ok());
        let facts = LocalFacts::probe(&BackupRequest::builder(&file).build());
        assert!(facts.work_dir_problem.is_some());
    }
}
