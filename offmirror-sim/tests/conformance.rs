//! The core conformance suite, run against the simulator's demo host.

use std::time::Duration;

use offmirror_core::HookSpec;
use offmirror_core::conformance::{self, Subject};
use offmirror_sim::{SimHookRunner, SimHost};

fn with_subject(check: fn(&Subject<'_>) -> conformance::CheckResult) -> Result<(), String> {
    let tmp = tempfile::tempdir().map_err(|e| e.to_string())?;
    let host = SimHost::demo();
    let hooks = SimHookRunner::new(host.clone());
    let subject = Subject {
        volumes: &host,
        fs: &host,
        hooks: &hooks,
        work_dir: tmp.path().to_path_buf(),
        backup_hook: HookSpec::new("/bin/true"),
        resync_timeout: Duration::from_secs(10),
    };
    check(&subject)
}

offmirror_core::conformance_tests!(with_subject);
