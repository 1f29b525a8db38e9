//! The demo's hook scripts. They are ordinary executables run as argv (never through a
//! shell line); being scripts, they start their own interpreter.

use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use offmirror_core::{HookPhase, HookSpec, Hooks};

const PRE_OFFLINE: &str = r#"#!/bin/sh
# Demo pre_offline hook: a real one would stop or quiesce the database here.
echo "quiescing the application (demo: nothing to stop)"
"#;

const RESUME: &str = r#"#!/bin/sh
# Demo resume hook: a real one would restart the database here.
echo "application resumed"
"#;

const BACKUP: &str = r#"#!/bin/sh
# Demo backup hook: archives every split copy it is given into one tar file.
set -eu
dest="$OFFMIRROR_WORK_DIR/backups"
mkdir -p "$dest"
archive="$dest/$OFFMIRROR_RUN_ID.tar"
set --
while IFS= read -r path; do
    [ -n "$path" ] || continue
    if [ -e "$path" ]; then
        set -- "$@" "${path#/}"
    else
        # With --backend aix the host is emulated: its raw devices do not exist here.
        echo "skipping $path: not on this machine (an emulated device)"
    fi
done <<PATHS
$OFFMIRROR_SPLIT_PATHS
PATHS
tar -cf "$archive" -C / "$@"
echo "archived $# split copies of copy $OFFMIRROR_COPY into $archive"
"#;

const POST_OFFLINE: &str = r#"#!/bin/sh
# Demo post_offline hook: checks that the archive is there.
set -eu
archive="$OFFMIRROR_WORK_DIR/backups/$OFFMIRROR_RUN_ID.tar"
echo "archive holds $(tar -tf "$archive" | grep -c CONTENTS) split copies"
"#;

/// Writes the four scripts into `dir` and returns the hooks that run them.
pub fn install(dir: &Path) -> Result<Hooks> {
    offmirror_core::create_private_dir(dir)
        .with_context(|| format!("creating {}", dir.display()))?;
    let mut hooks = Hooks::default();
    for (phase, text) in [
        (HookPhase::PreOffline, PRE_OFFLINE),
        (HookPhase::Resume, RESUME),
        (HookPhase::Backup, BACKUP),
        (HookPhase::PostOffline, POST_OFFLINE),
    ] {
        let path = write_script(dir, phase, text)?;
        hooks.set(
            phase,
            HookSpec::new(path).timeout(std::time::Duration::from_secs(120)),
        );
    }
    Ok(hooks)
}

fn write_script(dir: &Path, phase: HookPhase, text: &str) -> Result<PathBuf> {
    let path = dir.join(format!("{phase}.sh"));
    std::fs::write(&path, text).with_context(|| format!("writing {}", path.display()))?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o700))
            .with_context(|| format!("making {} executable", path.display()))?;
    }
    Ok(path)
}
