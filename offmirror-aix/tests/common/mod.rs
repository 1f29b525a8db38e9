//! Finding the real AIX output samples the fixture tests read.
//!
//! The samples live outside the project, in `shared/aix/fixtures` beside the workspace
//! (`<workspace>/../shared/aix/fixtures`). `OFFMIRROR_AIX_SAMPLES` may name another
//! folder; when it is set the folder must exist, otherwise the tests fail. Without the
//! variable and without the default folder (a plain clone), the tests print that they
//! were skipped and pass.

#![allow(dead_code)] // each test binary uses a different part of this module

use std::error::Error;
use std::fs;
use std::path::{Path, PathBuf};

/// Name of the variable that points at the samples folder.
pub const SAMPLES_VAR: &str = "OFFMIRROR_AIX_SAMPLES";

/// The samples folder.
#[derive(Debug, Clone)]
pub struct Samples {
    dir: PathBuf,
}

/// The samples folder, `None` when absent and not required (a line says so on stdout).
pub fn samples() -> Result<Option<Samples>, Box<dyn Error>> {
    if let Some(dir) = std::env::var_os(SAMPLES_VAR) {
        let dir = PathBuf::from(dir);
        if !dir.is_dir() {
            return Err(format!("{SAMPLES_VAR}={} is not a folder", dir.display()).into());
        }
        return Ok(Some(Samples { dir }));
    }
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/aix/fixtures");
    if dir.is_dir() {
        Ok(Some(Samples { dir }))
    } else {
        println!(
            "AIX fixture tests skipped: {} not found and {SAMPLES_VAR} not set",
            dir.display()
        );
        Ok(None)
    }
}

impl Samples {
    /// Text of the sample `name` (e.g. `lsvg-l.1.txt`); a missing file is an error.
    pub fn read(&self, name: &str) -> Result<String, Box<dyn Error>> {
        let path = self.dir.join(name);
        fs::read_to_string(&path).map_err(|e| format!("{}: {e}", path.display()).into())
    }

    /// All samples of one command: files named `<prefix>.<N>.txt`, sorted by name,
    /// as `(file name, text)`.
    pub fn of_command(&self, prefix: &str) -> Result<Vec<(String, String)>, Box<dyn Error>> {
        let mut found = Vec::new();
        for entry in fs::read_dir(&self.dir)? {
            let name = entry?.file_name().to_string_lossy().into_owned();
            let number = name
                .strip_prefix(prefix)
                .and_then(|rest| rest.strip_prefix('.'))
                .and_then(|rest| rest.strip_suffix(".txt"));
            if number.is_some_and(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit())) {
                let text = self.read(&name)?;
                found.push((name, text));
            }
        }
        found.sort();
        Ok(found)
    }

    /// Every `*.txt` sample, as `(file name, text)`, sorted by name.
    pub fn all(&self) -> Result<Vec<(String, String)>, Box<dyn Error>> {
        let mut found = Vec::new();
        for entry in fs::read_dir(&self.dir)? {
            let name = entry?.file_name().to_string_lossy().into_owned();
            if name.ends_with(".txt") {
                let bytes = fs::read(self.dir.join(&name))?;
                found.push((name, String::from_utf8_lossy(&bytes).into_owned()));
            }
        }
        found.sort();
        Ok(found)
    }
}
