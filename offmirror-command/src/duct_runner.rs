//! The real runner: child processes through `duct`.

use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

use super::{BackgroundJob, CommandOutput, CommandRunner, ExitState, RunError};

/// Runs commands as child processes.
///
/// Every command gets:
///
/// - its argument vector as is (no shell, no word splitting, no globbing);
/// - `LC_ALL=C` and `LANG=C`, so that headers and messages are the English ones the
///   parsers read, and `PATH` set to [`DuctRunner::DEFAULT_PATH`] (or what
///   [`DuctRunner::path`] sets), preceded by the command directory when one is set;
/// - a null standard input, so a command that asks for confirmation reads end-of-file
///   instead of hanging;
/// - its standard output and standard error captured, whatever its exit status.
///
/// The program (`argv[0]`) is looked up in the command directory first
/// ([`DuctRunner::command_dir`], where tests put the AIX command emulator), then in each
/// `PATH` directory.
///
/// A command still running at the timeout is **not killed**: a `splitvg` or `chlvcopy`
/// stopped half-way can leave a volume group locked or half changed. The call returns
/// [`RunError::TimedOut`] (the step is in doubt and the state must be read again), and a
/// thread reaps the command when it ends.
///
/// ```
/// use std::time::Duration;
/// use offmirror_command::{CommandRunner, DuctRunner};
/// let runner = DuctRunner::new().timeout(Duration::from_secs(30));
/// let out = runner.run(&["echo".into(), "$HOME".into()])?;
/// assert_eq!(out.stdout, "$HOME\n"); // no shell: no expansion
/// # Ok::<(), offmirror_command::RunError>(())
/// ```
#[derive(Debug, Clone)]
pub struct DuctRunner {
    path: Vec<PathBuf>,
    command_dir: Option<PathBuf>,
    timeout: Duration,
    env: Vec<(OsString, OsString)>,
}

impl Default for DuctRunner {
    fn default() -> Self {
        Self::new()
    }
}

impl DuctRunner {
    /// Where AIX and Linux keep the LVM and file-system commands, and the basic tools.
    pub const DEFAULT_PATH: &'static str = "/usr/sbin:/usr/bin:/sbin:/bin";

    /// How long a command may run before its outcome is reported in doubt.
    pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(600);

    /// A runner with the default `PATH` and timeout and no command directory.
    pub fn new() -> Self {
        Self {
            path: std::env::split_paths(Self::DEFAULT_PATH).collect(),
            command_dir: None,
            timeout: Self::DEFAULT_TIMEOUT,
            env: Vec::new(),
        }
    }

    /// Sets the `PATH` searched for programs and given to the commands
    /// (`:`-separated).
    pub fn path(mut self, path: impl AsRef<std::ffi::OsStr>) -> Self {
        self.path = std::env::split_paths(path.as_ref()).collect();
        self
    }

    /// Looks programs up in `dir` before `PATH`, and puts `dir` first in the commands'
    /// `PATH`.
    pub fn command_dir(mut self, dir: impl Into<PathBuf>) -> Self {
        self.command_dir = Some(dir.into());
        self
    }

    /// Sets the time after which a command is reported in doubt (and left running).
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// Adds an environment variable for every command (the emulator's state file, for
    /// example). `LC_ALL`, `LANG` and `PATH` are set by the runner and cannot be changed
    /// here.
    pub fn env(mut self, name: impl Into<OsString>, value: impl Into<OsString>) -> Self {
        self.env.push((name.into(), value.into()));
        self
    }

    /// The directories searched, in order.
    fn search_dirs(&self) -> impl Iterator<Item = &Path> {
        self.command_dir
            .iter()
            .map(PathBuf::as_path)
            .chain(self.path.iter().map(PathBuf::as_path))
    }

    /// The `PATH` given to the commands.
    fn path_value(&self) -> OsString {
        std::env::join_paths(self.search_dirs()).unwrap_or_else(|_| Self::DEFAULT_PATH.into())
    }

    /// Finds the program of `argv`.
    fn resolve(&self, argv: &[String]) -> Result<PathBuf, RunError> {
        let program = argv.first().ok_or(RunError::Empty)?;
        if program.contains('/') {
            return Ok(PathBuf::from(program));
        }
        self.search_dirs()
            .map(|dir| dir.join(program))
            .find(|candidate| is_executable(candidate))
            .ok_or_else(|| RunError::NotFound {
                argv: argv.to_vec(),
                program: program.clone(),
                searched: self.path_value().to_string_lossy().into_owned(),
            })
    }

    fn expression(&self, argv: &[String]) -> Result<duct::Expression, RunError> {
        let program = self.resolve(argv)?;
        let mut expr = duct::cmd(program, argv.iter().skip(1));
        for (name, value) in &self.env {
            expr = expr.env(name, value);
        }
        Ok(expr
            .env("LC_ALL", "C")
            .env("LANG", "C")
            .env("PATH", self.path_value())
            .stdin_null()
            .stdout_capture()
            .stderr_capture()
            .unchecked())
    }
}

fn is_executable(path: &Path) -> bool {
    use std::os::unix::fs::PermissionsExt;
    path.metadata()
        .is_ok_and(|m| m.is_file() && m.permissions().mode() & 0o111 != 0)
}

fn to_output(output: &std::process::Output) -> CommandOutput {
    CommandOutput {
        status: ExitState::from_status(output.status),
        stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
    }
}

impl DuctRunner {
    /// Starts `argv` as a process.
    fn spawn(&self, argv: &[String]) -> Result<duct::Handle, RunError> {
        self.expression(argv)?.start().map_err(|e| RunError::Spawn {
            argv: argv.to_vec(),
            source: Arc::new(e),
        })
    }
}

impl CommandRunner for DuctRunner {
    fn run(&self, argv: &[String]) -> Result<CommandOutput, RunError> {
        let handle = self.spawn(argv)?;
        let finished = match Instant::now().checked_add(self.timeout) {
            Some(deadline) => handle.wait_deadline(deadline).map(|o| o.map(to_output)),
            None => handle.wait().map(|o| Some(to_output(o))),
        };
        match finished {
            Ok(Some(output)) => Ok(output),
            Ok(None) => {
                // Left running on purpose; a thread reaps it when it ends. If no thread
                // can be started, dropping the handle hands the child to duct's own
                // reaping of leaked children.
                let _ = std::thread::Builder::new()
                    .name("offmirror-reap".into())
                    .spawn(move || {
                        let _ = handle.wait();
                    });
                Err(RunError::TimedOut {
                    argv: argv.to_vec(),
                    after: self.timeout,
                })
            }
            Err(e) => Err(RunError::Wait {
                argv: argv.to_vec(),
                source: Arc::new(e),
            }),
        }
    }

    fn start(&self, argv: &[String]) -> Result<BackgroundJob, RunError> {
        let handle = self.spawn(argv)?;
        let job = BackgroundJob::pending(argv.to_vec());
        let done = job.clone();
        let owned = argv.to_vec();
        let spawned = std::thread::Builder::new()
            .name("offmirror-background".into())
            .spawn(move || {
                let outcome = handle.wait().map(to_output).map_err(|e| RunError::Wait {
                    argv: owned,
                    source: Arc::new(e),
                });
                done.complete(outcome);
            });
        if let Err(e) = spawned {
            job.complete(Err(RunError::Wait {
                argv: argv.to_vec(),
                source: Arc::new(e),
            }));
        }
        Ok(job)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn argv(words: &[&str]) -> Vec<String> {
        words.iter().map(|w| (*w).to_string()).collect()
    }

    fn script(dir: &Path, name: &str, body: &str) -> std::io::Result<()> {
        use std::os::unix::fs::PermissionsExt;
        let path = dir.join(name);
        std::fs::write(&path, format!("#!/bin/sh\n{body}\n"))?;
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755))
    }

    #[test]
    fn captures_output_status_and_environment() -> Result<(), Box<dyn std::error::Error>> {
        let dir = tempfile::tempdir()?;
        script(
            dir.path(),
            "lsvg",
            "echo \"$LC_ALL $LANG $PATH\"; echo \"args:$#:$1\"; \
             echo '0516-010 : Volume group must be varied on; use varyonvg command.' >&2; \
             read x && echo got-input; exit 1",
        )?;
        let runner = DuctRunner::new().command_dir(dir.path());
        let out = runner.run(&argv(&["lsvg", "-l datavg"]))?;
        assert_eq!(out.status, ExitState::Code(1));
        let first = out.stdout.lines().next().unwrap_or_default();
        assert_eq!(
            first,
            format!("C C {}:{}", dir.path().display(), DuctRunner::DEFAULT_PATH)
        );
        assert!(out.stdout.contains("args:1:-l datavg"), "{}", out.stdout);
        assert!(!out.stdout.contains("got-input"), "stdin must be null");
        assert!(out.stderr.starts_with("0516-010"));
        Ok(())
    }

    #[test]
    fn signals_are_reported_as_signals() -> Result<(), Box<dyn std::error::Error>> {
        let dir = tempfile::tempdir()?;
        script(dir.path(), "dies", "kill -9 $$")?;
        let out = DuctRunner::new()
            .command_dir(dir.path())
            .run(&argv(&["dies"]))?;
        assert_eq!(out.status, ExitState::Signal(9));
        Ok(())
    }

    #[test]
    fn a_timeout_leaves_the_command_running() -> Result<(), Box<dyn std::error::Error>> {
        let dir = tempfile::tempdir()?;
        let marker = dir.path().join("finished");
        script(
            dir.path(),
            "slow",
            &format!("sleep 1; touch '{}'", marker.display()),
        )?;
        let runner = DuctRunner::new()
            .command_dir(dir.path())
            .timeout(Duration::from_millis(100));
        let err = runner.run(&argv(&["slow"])).err();
        assert!(
            matches!(&err, Some(e @ RunError::TimedOut { .. }) if e.is_in_doubt()),
            "{err:?}"
        );
        let until = Instant::now() + Duration::from_secs(10);
        while !marker.exists() && Instant::now() < until {
            std::thread::sleep(Duration::from_millis(50));
        }
        assert!(marker.exists(), "the timed-out command was killed");
        Ok(())
    }

    #[test]
    fn unknown_programs_and_empty_argv() {
        let runner = DuctRunner::new().path("/nonexistent-dir");
        assert!(matches!(
            runner.run(&argv(&["lsvg"])),
            Err(RunError::NotFound { program, .. }) if program == "lsvg"
        ));
        assert!(matches!(runner.run(&[]), Err(RunError::Empty)));
    }

    #[test]
    fn background_jobs_report_their_end() -> Result<(), Box<dyn std::error::Error>> {
        let dir = tempfile::tempdir()?;
        script(dir.path(), "syncvg", "sleep 0.2; echo synced; exit 3")?;
        let runner = DuctRunner::new().command_dir(dir.path());
        let job = runner.start(&argv(&["syncvg", "-v", "datavg"]))?;
        assert!(job.is_running());
        let until = Instant::now() + Duration::from_secs(10);
        while job.is_running() && Instant::now() < until {
            std::thread::sleep(Duration::from_millis(20));
        }
        let outcome = job.poll().ok_or("still running")??;
        assert_eq!(outcome.status, ExitState::Code(3));
        assert_eq!(outcome.stdout, "synced\n");
        Ok(())
    }
}
