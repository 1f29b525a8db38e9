//! The core conformance suite against the real AIX backend (`offmirror-aix`), whose
//! `DuctRunner` runs the emulator as processes from a command directory of links, on
//! the simulator's demo host.

mod common;

use std::time::Duration;

use offmirror_aix::AixBackend;
use offmirror_core::conformance::{CheckResult, Subject};
use offmirror_core::{HookSpec, ProcessHookRunner};

use common::EmulatedHost;

fn with_subject(check: fn(&Subject<'_>) -> CheckResult) -> Result<(), String> {
    let host = EmulatedHost::demo().map_err(|e| e.to_string())?;
    let backend = AixBackend::new(host.runner()).work_dir(&host.work);
    let hooks = ProcessHookRunner::default();
    let subject = Subject {
        volumes: &backend,
        fs: &backend,
        hooks: &hooks,
        work_dir: host.work.clone(),
        backup_hook: HookSpec::new("/bin/true"),
        resync_timeout: Duration::from_secs(60),
    };
    check(&subject)?;
    // Whatever a check did, nothing it split or mounted may be left behind.
    let state = host.sim().map_err(|e| e.to_string())?;
    let left: Vec<String> = state
        .safe_state_violations()
        .into_iter()
        .filter(|v| !v.starts_with("scratchlv has"))
        .collect();
    if left.is_empty() {
        Ok(())
    } else {
        Err(format!("left behind: {}", left.join("; ")))
    }
}

offmirror_core::conformance_tests!(with_subject);
