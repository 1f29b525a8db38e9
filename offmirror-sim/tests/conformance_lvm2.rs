//! The core conformance suite, run against the simulator's Linux-flavoured (LVM2) demo
//! host: the tracked raid1 image split, ext4 and XFS frozen around it.

use std::time::Duration;

use offmirror_core::conformance::{self, Subject};
use offmirror_core::{Dialect, HookSpec, Mechanism, VolumeManager};
use offmirror_sim::{SimHookRunner, SimHost};

fn with_subject(check: fn(&Subject<'_>) -> conformance::CheckResult) -> Result<(), String> {
    let tmp = tempfile::tempdir().map_err(|e| e.to_string())?;
    let host = SimHost::lvm2_demo();
    let caps = host.capabilities();
    if caps.dialect != Dialect::Lvm2 || caps.mechanisms != [Mechanism::TrackedImageSplit] {
        return Err(format!("not an LVM2 host: {caps:?}"));
    }
    let hooks = SimHookRunner::new(host.clone());
    let subject = Subject {
        volumes: &host,
        fs: &host,
        hooks: &hooks,
        work_dir: tmp.path().to_path_buf(),
        backup_hook: HookSpec::new("/bin/true"),
        resync_timeout: Duration::from_secs(10),
    };
    check(&subject)?;
    // Whatever the check did, it left nothing split, frozen, mounted or stale behind.
    let left = host
        .state()
        .map_err(|e| e.to_string())?
        .safe_state_violations();
    if left.is_empty() {
        Ok(())
    } else {
        Err(format!("left behind: {left:?}"))
    }
}

offmirror_core::conformance_tests!(with_subject);
