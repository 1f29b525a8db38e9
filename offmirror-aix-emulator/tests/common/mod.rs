//! Shared by the integration tests: a state file with a command directory of links to
//! the emulator binary, and the real AIX samples.

#![allow(dead_code)] // each test binary uses a different part of this module

use std::error::Error;
use std::path::{Path, PathBuf};
use std::process::Command;

use offmirror_aix::runner::DuctRunner;
use offmirror_aix_emulator::{Output, STATE_ENV, link_commands};
use offmirror_sim::{SimHost, SimState};

pub type TestResult = Result<(), Box<dyn Error>>;

/// The emulator binary cargo built for these tests.
pub fn binary() -> PathBuf {
    PathBuf::from(env!("CARGO_BIN_EXE_aix-emulator"))
}

/// A simulated host in a temporary directory: `state.json`, a `bin/` command directory
/// (one link per command) and a `work/` directory.
pub struct EmulatedHost {
    pub dir: tempfile::TempDir,
    pub state: PathBuf,
    pub bin: PathBuf,
    pub work: PathBuf,
}

impl EmulatedHost {
    pub fn new(state: SimState) -> Result<Self, Box<dyn Error>> {
        let dir = tempfile::tempdir()?;
        let path = dir.path().join("state.json");
        SimHost::new(state).save(&path)?;
        let bin = dir.path().join("bin");
        link_commands(&bin, &binary())?;
        let work = dir.path().join("work");
        std::fs::create_dir_all(&work)?;
        Ok(Self {
            dir,
            state: path,
            bin,
            work,
        })
    }

    pub fn demo() -> Result<Self, Box<dyn Error>> {
        Self::new(offmirror_sim::demo_state())
    }

    /// Runs a command through its link, as a process (argument vector, no shell).
    pub fn run(&self, program: &str, args: &[&str]) -> Result<Output, Box<dyn Error>> {
        let out = Command::new(self.bin.join(program))
            .args(args)
            .env(STATE_ENV, &self.state)
            .env("LC_ALL", "C")
            .output()?;
        Ok(Output {
            stdout: String::from_utf8(out.stdout)?,
            stderr: String::from_utf8(out.stderr)?,
            status: out.status.code().unwrap_or(-1),
        })
    }

    /// The simulator's state now.
    pub fn sim(&self) -> Result<SimState, Box<dyn Error>> {
        Ok(SimHost::load(&self.state)?.state()?)
    }

    /// A runner that finds the emulator's links first and passes the state file.
    pub fn runner(&self) -> DuctRunner {
        DuctRunner::new()
            .command_dir(&self.bin)
            .env(STATE_ENV, &self.state)
    }
}

/// Name of the variable that points at the samples folder.
pub const SAMPLES_VAR: &str = "OFFMIRROR_AIX_SAMPLES";

/// The real AIX samples folder; `None` (and a line on stdout) when it is absent and
/// `OFFMIRROR_AIX_SAMPLES` is not set; an error when the variable names no folder.
pub fn samples() -> Result<Option<PathBuf>, Box<dyn Error>> {
    if let Some(dir) = std::env::var_os(SAMPLES_VAR) {
        let dir = PathBuf::from(dir);
        if !dir.is_dir() {
            return Err(format!("{SAMPLES_VAR}={} is not a folder", dir.display()).into());
        }
        return Ok(Some(dir));
    }
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/aix/fixtures");
    if dir.is_dir() {
        Ok(Some(dir))
    } else {
        println!(
            "fixture layout checks skipped: {} not found and {SAMPLES_VAR} not set",
            dir.display()
        );
        Ok(None)
    }
}

/// Every sample of one command (`<prefix>.<N>.txt`), sorted, as `(name, text)`.
pub fn samples_of(dir: &Path, prefix: &str) -> Result<Vec<(String, String)>, Box<dyn Error>> {
    let mut found = Vec::new();
    for entry in std::fs::read_dir(dir)? {
        let name = entry?.file_name().to_string_lossy().into_owned();
        let number = name
            .strip_prefix(prefix)
            .and_then(|rest| rest.strip_prefix('.'))
            .and_then(|rest| rest.strip_suffix(".txt"));
        if number.is_some_and(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit())) {
            let bytes = std::fs::read(dir.join(&name))?;
            found.push((name, String::from_utf8_lossy(&bytes).into_owned()));
        }
    }
    found.sort();
    if found.is_empty() {
        return Err(format!("no {prefix}.N.txt sample in {}", dir.display()).into());
    }
    Ok(found)
}
