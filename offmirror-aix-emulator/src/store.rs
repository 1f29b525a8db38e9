//! Running one command against a state file: lock, load, run, save.
//!
//! The state file is a `SimState` JSON as `offmirror_sim::SimHost::save` writes it; the
//! emulator's own facts go to `<state>.emulator` ([`crate::extras`]). Each command takes
//! an exclusive lock (`std::fs::File::lock`) on `<state>.lock` for the whole
//! load-run-save: the state file itself cannot carry the lock, because every save
//! replaces it (temporary file, fsync, rename) and a lock on the old file would not stop
//! a process that opens the new one. Nothing is written when the command changed
//! nothing.

use std::ffi::OsString;
use std::fs::OpenOptions;
use std::io::Write as _;
use std::path::{Path, PathBuf};

use offmirror_sim::SimHost;

use crate::commands::Emulator;
use crate::extras::Extras;
use crate::output::Output;

/// The environment variable that names the state file.
pub const STATE_ENV: &str = "OFFMIRROR_AIX_EMULATOR_STATE";

/// Exit status for a failure of the emulator itself (no state file, unreadable state):
/// not something AIX would print.
pub const EMULATOR_FAILURE: i32 = 2;

fn with_suffix(path: &Path, suffix: &str) -> PathBuf {
    let mut name = path.as_os_str().to_owned();
    name.push(suffix);
    PathBuf::from(name)
}

/// Where the emulator keeps its own facts for the state file `state`.
pub fn extras_path(state: &Path) -> PathBuf {
    with_suffix(state, ".emulator")
}

/// The lock file of the state file `state`.
pub fn lock_path(state: &Path) -> PathBuf {
    with_suffix(state, ".lock")
}

fn internal(message: String) -> Output {
    Output {
        stderr: format!("aix-emulator: {message}\n"),
        status: EMULATOR_FAILURE,
        ..Output::default()
    }
}

/// Reads the emulator's own facts (none when the file does not exist).
///
/// # Errors
///
/// The file exists but cannot be read or is not valid.
pub fn load_extras(state: &Path) -> Result<Extras, String> {
    let path = extras_path(state);
    match std::fs::read(&path) {
        Ok(bytes) => serde_json::from_slice(&bytes)
            .map_err(|e| format!("{} is not valid: {e}", path.display())),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(Extras::default()),
        Err(e) => Err(format!("{}: {e}", path.display())),
    }
}

/// Writes the emulator's own facts atomically (temporary file, fsync, rename).
///
/// # Errors
///
/// The file cannot be written.
pub fn save_extras(state: &Path, extras: &Extras) -> Result<(), String> {
    let path = extras_path(state);
    let tmp = with_suffix(&path, ".tmp");
    let fail = |e: std::io::Error| format!("{}: {e}", path.display());
    let json = serde_json::to_vec_pretty(extras).map_err(|e| e.to_string())?;
    {
        let mut f = std::fs::File::create(&tmp).map_err(fail)?;
        f.write_all(&json).map_err(fail)?;
        f.sync_all().map_err(fail)?;
    }
    std::fs::rename(&tmp, &path).map_err(fail)
}

/// Runs `program args` against the state file `state`, under its lock.
pub fn run_with_state_file(state: &Path, program: &str, args: &[String]) -> Output {
    let lock_file = match OpenOptions::new()
        .create(true)
        .truncate(false)
        .read(true)
        .write(true)
        .open(lock_path(state))
    {
        Ok(f) => f,
        Err(e) => {
            return internal(format!(
                "cannot open the lock file of {}: {e}",
                state.display()
            ));
        }
    };
    if let Err(e) = lock_file.lock() {
        return internal(format!("cannot lock {}: {e}", state.display()));
    }
    let output = run_locked(state, program, args);
    // Dropping the file releases the lock; an explicit unlock reports nothing useful.
    let _ = lock_file.unlock();
    output
}

fn run_locked(state: &Path, program: &str, args: &[String]) -> Output {
    let host = match SimHost::load(state) {
        Ok(h) => h,
        Err(e) => return internal(offmirror_core::display_chain(&e)),
    };
    let extras = match load_extras(state) {
        Ok(x) => x,
        Err(e) => return internal(e),
    };
    let before = host.state().ok();
    let before_extras = extras.clone();
    let mut emulator = Emulator::with_extras(host, extras);
    let mut output = emulator.run(program, args);
    let after = emulator.host().state().ok();
    let save = || -> Result<(), String> {
        if emulator.extras() != &before_extras {
            save_extras(state, emulator.extras())?;
        }
        if after != before {
            emulator
                .host()
                .save(state)
                .map_err(|e| offmirror_core::display_chain(&e))?;
        }
        Ok(())
    };
    if let Err(e) = save() {
        output.append(internal(format!("the state was not saved: {e}")));
        output.status = EMULATOR_FAILURE;
    }
    output
}

/// The program to run and its arguments, from the command line: the name the binary
/// was called by (a link named `lsvg` ...) or, when that is not a command, the first
/// argument (`aix-emulator lsvg -o`).
///
/// # Errors
///
/// Neither names an emulated command, or an argument is not UTF-8.
pub fn resolve(argv: Vec<OsString>) -> Result<(String, Vec<String>), String> {
    let mut words = argv.into_iter();
    let called = words
        .next()
        .map(PathBuf::from)
        .and_then(|p| p.file_name().map(|n| n.to_string_lossy().into_owned()))
        .unwrap_or_default();
    let rest: Vec<String> = words
        .map(|w| {
            w.into_string()
                .map_err(|w| format!("argument {} is not UTF-8", w.to_string_lossy()))
        })
        .collect::<Result<_, _>>()?;
    if crate::COMMANDS.contains(&called.as_str()) {
        return Ok((called, rest));
    }
    match rest.split_first() {
        Some((first, tail)) if crate::COMMANDS.contains(&first.as_str()) => {
            Ok((first.clone(), tail.to_vec()))
        }
        _ => Err(format!(
            "usage: aix-emulator COMMAND [ARGUMENT ...], or call it through a link named after \
             the command; {STATE_ENV} names the simulator state file. Commands: {}",
            crate::COMMANDS.join(" ")
        )),
    }
}

/// Everything `main` does: resolves the command, finds the state file in `state_env`
/// (the value of [`STATE_ENV`]) and runs it.
pub fn main_with(argv: Vec<OsString>, state_env: Option<OsString>) -> Output {
    let (program, args) = match resolve(argv) {
        Ok(x) => x,
        Err(e) => return internal(e),
    };
    let Some(state) = state_env.filter(|s| !s.is_empty()) else {
        return internal(format!(
            "{STATE_ENV} is not set: it must name the simulator state file"
        ));
    };
    run_with_state_file(Path::new(&state), &program, &args)
}

/// Makes `dir` a command directory: one symbolic link per emulated command, each
/// pointing at `binary`.
///
/// # Errors
///
/// A link cannot be made (one that exists is replaced).
pub fn link_commands(dir: &Path, binary: &Path) -> std::io::Result<()> {
    std::fs::create_dir_all(dir)?;
    for name in crate::COMMANDS {
        let link = dir.join(name);
        if link.symlink_metadata().is_ok() {
            std::fs::remove_file(&link)?;
        }
        std::os::unix::fs::symlink(binary, &link)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn os(words: &[&str]) -> Vec<OsString> {
        words.iter().map(OsString::from).collect()
    }

    #[test]
    fn resolves_by_link_name_or_first_argument() -> Result<(), String> {
        assert_eq!(
            resolve(os(&["/x/bin/lsvg", "-o"]))?,
            ("lsvg".to_string(), vec!["-o".to_string()])
        );
        assert_eq!(
            resolve(os(&["/x/aix-emulator", "chfs", "-a", "freeze=off", "/d"]))?,
            (
                "chfs".to_string(),
                vec!["-a".into(), "freeze=off".into(), "/d".into()]
            )
        );
        assert!(resolve(os(&["aix-emulator"])).is_err());
        assert!(resolve(os(&["aix-emulator", "rm", "-rf"])).is_err());
        Ok(())
    }

    #[test]
    fn missing_state_is_an_emulator_failure() {
        let out = main_with(os(&["lsvg"]), None);
        assert_eq!(out.status, EMULATOR_FAILURE);
        let out = main_with(os(&["lsvg"]), Some("/nonexistent/state.json".into()));
        assert_eq!(out.status, EMULATOR_FAILURE);
        assert!(out.stderr.contains("state"), "{}", out.stderr);
    }

    #[test]
    fn commands_change_the_file_and_listings_do_not() -> Result<(), Box<dyn std::error::Error>> {
        let tmp = tempfile::tempdir()?;
        let path = tmp.path().join("state.json");
        SimHost::demo().save(&path)?;
        let before = std::fs::read(&path)?;
        let out = run_with_state_file(&path, "lsvg", &["-l".into(), "datavg".into()]);
        assert!(out.success(), "{out:?}");
        assert_eq!(std::fs::read(&path)?, before, "a listing rewrote the state");
        let out = run_with_state_file(
            &path,
            "chfs",
            &["-a".into(), "freeze=30".into(), "/oradata".into()],
        );
        assert!(out.success(), "{out:?}");
        let state = SimHost::load(&path)?.state()?;
        assert!(state.frozen.iter().any(|m| m.as_str() == "/oradata"));
        assert!(lock_path(&path).exists());
        Ok(())
    }
}
