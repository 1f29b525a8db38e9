//! The core conformance suite, the same checks every backend passes, on real LVM2.

use std::time::Duration;

use offmirror_command::DuctRunner;
use offmirror_core::HookSpec;
use offmirror_core::conformance::{Subject, run_all};
use offmirror_lvm2::Lvm2Backend;

use crate::Outcome;
use crate::checks::check;
use crate::hooks::ClosureHooks;
use crate::host::{STATE_DIR, fresh_vg, make_fs, raid1};

/// A VG with a mounted ext4 raid1 LV and a raw raid1 LV, then every conformance check.
pub fn run() -> Vec<Outcome> {
    let setup = check("conformance.setup", || {
        fresh_vg("vgconf")?;
        let dev = raid1("vgconf", "confext4", 2, "32M")?;
        make_fs("ext4", &dev, "confext4")?;
        raid1("vgconf", "confraw", 2, "16M")?;
        Ok(())
    });
    if setup.1.is_err() {
        return vec![setup];
    }
    let backend = Lvm2Backend::new(DuctRunner::new());
    let hooks = ClosureHooks::new(|_| Ok(()));
    let subject = Subject {
        volumes: &backend,
        fs: &backend,
        hooks: &hooks,
        work_dir: format!("{STATE_DIR}/conformance").into(),
        backup_hook: HookSpec::new("/bin/true"),
        resync_timeout: Duration::from_secs(120),
    };
    let mut out = vec![setup];
    for (name, result) in run_all(&subject) {
        println!("==== conformance.{name} ====");
        out.push((format!("conformance.{name}"), result));
    }
    out
}
