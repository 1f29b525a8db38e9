//! Runs hooks as real processes: argv only (never a shell), null stdin, output to a log
//! file in the run directory (streamed to the caller line by line), a JSON context file,
//! and a timeout that terminates the hook's whole process group.

use std::fs::File;
use std::io::{Read, Seek, SeekFrom};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::time::{Duration, Instant};

use crate::private_files::{open_private_append, write_private};
use crate::{
    HookContext, HookError, HookOutcome, HookPhase, HookRunner, HookSpec, HookStatus,
    create_private_dir, run_dir,
};

/// The longest line passed on to the observer; longer output is cut into pieces.
const MAX_LINE: usize = 64 * 1024;

/// Runs hooks as processes.
///
/// The hook gets these environment variables (lists are one item per line):
/// `OFFMIRROR_PHASE`, `OFFMIRROR_RUN_ID`, `OFFMIRROR_VGS`, `OFFMIRROR_LVS`,
/// `OFFMIRROR_COPY`, `OFFMIRROR_WORK_DIR`, `OFFMIRROR_RUN_DIR`, `OFFMIRROR_CONTEXT`
/// (path of a JSON file with the full [`HookContext`]) and, for `backup`,
/// `OFFMIRROR_SPLIT_PATHS` (the read-only split copies). Its working directory is the
/// work directory. It runs as the leader of its own process group: at its timeout the
/// group gets SIGTERM, then SIGKILL after the grace period; processes it leaves behind in
/// its group when it exits are ended the same way. A process that leaves the group
/// (`setsid`) is out of reach; start long-lived services through the service manager.
///
/// ```no_run
/// use offmirror_core::*;
/// let runner = ProcessHookRunner::default();
/// let context = HookContext {
///     run_id: "om-doc".into(), phase: HookPhase::Backup, vgs: vec![], lvs: vec![],
///     copy: CopyNumber::default(), work_dir: "/var/offmirror".into(), exposed: vec![],
/// };
/// let spec = HookSpec::new("/usr/bin/true");
/// let outcome = runner.run(&spec, &context, &mut |line| println!("{line}"))?;
/// assert!(outcome.succeeded());
/// # Ok::<(), HookError>(())
/// ```
#[derive(Debug, Clone)]
pub struct ProcessHookRunner {
    /// Time between SIGTERM and SIGKILL.
    pub grace: Duration,
    /// How often the hook is checked and its output read.
    pub poll: Duration,
}

impl Default for ProcessHookRunner {
    fn default() -> Self {
        Self {
            grace: Duration::from_secs(10),
            poll: Duration::from_millis(20),
        }
    }
}

impl HookRunner for ProcessHookRunner {
    fn run(
        &self,
        spec: &HookSpec,
        context: &HookContext,
        output: &mut dyn FnMut(&str),
    ) -> Result<HookOutcome, HookError> {
        let phase = context.phase;
        let prepare = |path: &Path| {
            let path = path.to_path_buf();
            move |source| HookError::Prepare {
                phase,
                path,
                source,
            }
        };
        let dir = run_dir(&context.work_dir, &context.run_id);
        create_private_dir(&dir).map_err(prepare(&dir))?;
        let context_path = dir.join(format!("{phase}-context.json"));
        let json = serde_json::to_vec_pretty(context)
            .map_err(|e| std::io::Error::other(e.to_string()))
            .map_err(prepare(&context_path))?;
        write_private(&context_path, &json).map_err(prepare(&context_path))?;
        let log_path = dir.join(format!("{phase}.log"));
        let log = open_private_append(&log_path).map_err(prepare(&log_path))?;
        let mut tail = LogTail::open(&log_path).map_err(prepare(&log_path))?;
        let log_err = log.try_clone().map_err(prepare(&log_path))?;

        let mut cmd = Command::new(&spec.program);
        cmd.args(&spec.args)
            .current_dir(&context.work_dir)
            .stdin(Stdio::null())
            .stdout(log)
            .stderr(log_err);
        set_env(&mut cmd, context, &dir, &context_path);
        cmd.envs(&spec.env);
        #[cfg(unix)]
        {
            use std::os::unix::process::CommandExt;
            cmd.process_group(0);
        }
        let started = Instant::now();
        let mut child = cmd.spawn().map_err(|source| HookError::Spawn {
            phase,
            program: spec.program.clone(),
            source,
        })?;
        let group = child.id();
        let status = loop {
            tail.pump(output);
            match child.try_wait() {
                Ok(Some(status)) => break status_of(status),
                Ok(None) => {}
                Err(source) => {
                    end_group(group, &mut child, self.grace, self.poll);
                    return Err(HookError::Wait { phase, source });
                }
            }
            if started.elapsed() >= spec.timeout {
                output(&format!(
                    "offmirror: hook {phase} still running after {}s; terminating its process group",
                    spec.timeout.as_secs_f64()
                ));
                end_group(group, &mut child, self.grace, self.poll);
                break HookStatus::TimedOut;
            }
            // Short hooks are seen to end quickly; long ones are polled at `poll`.
            std::thread::sleep(
                self.poll
                    .min(started.elapsed() / 4)
                    .max(Duration::from_millis(1)),
            );
        };
        if group_alive(group) {
            output(&format!(
                "offmirror: hook {phase} left processes in its process group {group}; ending them"
            ));
            end_group(group, &mut child, self.grace, self.poll);
        }
        tail.pump(output);
        tail.finish(output);
        Ok(HookOutcome {
            status,
            duration: started.elapsed(),
            log: Some(log_path),
        })
    }
}

fn set_env(cmd: &mut Command, context: &HookContext, run_dir: &Path, context_path: &Path) {
    let lines = |items: Vec<String>| items.join("\n");
    cmd.env("OFFMIRROR_PHASE", context.phase.as_str())
        .env("OFFMIRROR_RUN_ID", &context.run_id)
        .env(
            "OFFMIRROR_VGS",
            lines(context.vgs.iter().map(ToString::to_string).collect()),
        )
        .env(
            "OFFMIRROR_LVS",
            lines(context.lvs.iter().map(ToString::to_string).collect()),
        )
        .env("OFFMIRROR_COPY", context.copy.to_string())
        .env("OFFMIRROR_WORK_DIR", &context.work_dir)
        .env("OFFMIRROR_RUN_DIR", run_dir)
        .env("OFFMIRROR_CONTEXT", context_path);
    if context.phase == HookPhase::Backup {
        cmd.env(
            "OFFMIRROR_SPLIT_PATHS",
            lines(
                context
                    .exposed
                    .iter()
                    .map(|e| e.path.to_string_lossy().into_owned())
                    .collect(),
            ),
        );
    }
}

fn status_of(status: ExitStatus) -> HookStatus {
    if let Some(code) = status.code() {
        return if code == 0 {
            HookStatus::Succeeded
        } else {
            HookStatus::Failed { code }
        };
    }
    #[cfg(unix)]
    {
        use std::os::unix::process::ExitStatusExt;
        if let Some(signal) = status.signal() {
            return HookStatus::Signalled { signal };
        }
    }
    HookStatus::Failed { code: -1 }
}

/// Reads what a hook appends to its log and hands it on line by line.
struct LogTail {
    file: File,
    partial: Vec<u8>,
}

impl LogTail {
    fn open(path: &PathBuf) -> std::io::Result<Self> {
        let mut file = File::open(path)?;
        file.seek(SeekFrom::End(0))?;
        Ok(Self {
            file,
            partial: Vec::new(),
        })
    }

    fn pump(&mut self, output: &mut dyn FnMut(&str)) {
        let mut buf = [0u8; 8192];
        while let Ok(n) = self.file.read(&mut buf) {
            let Some(chunk) = buf.get(..n).filter(|c| !c.is_empty()) else {
                break;
            };
            for &b in chunk {
                if b == b'\n' || self.partial.len() >= MAX_LINE {
                    self.emit(output);
                    if b == b'\n' {
                        continue;
                    }
                }
                self.partial.push(b);
            }
        }
    }

    fn emit(&mut self, output: &mut dyn FnMut(&str)) {
        let line = String::from_utf8_lossy(&self.partial);
        output(line.trim_end_matches('\r'));
        self.partial.clear();
    }

    fn finish(&mut self, output: &mut dyn FnMut(&str)) {
        if !self.partial.is_empty() {
            self.emit(output);
        }
    }
}

/// Whether any process of the group still exists.
fn group_alive(group: u32) -> bool {
    signal_group(group, 0)
}

/// SIGTERM to the group, SIGKILL after the grace period, then reap the leader.
fn end_group(group: u32, child: &mut Child, grace: Duration, poll: Duration) {
    if signal_group(group, libc::SIGTERM) {
        let deadline = Instant::now() + grace;
        while Instant::now() < deadline {
            let _ = child.try_wait();
            if !group_alive(group) {
                break;
            }
            std::thread::sleep(poll);
        }
        signal_group(group, libc::SIGKILL);
    }
    let _ = child.wait();
}

/// Sends `signal` to every process of the group; `true` if the group exists.
#[allow(unsafe_code)]
fn signal_group(group: u32, signal: libc::c_int) -> bool {
    let Ok(pgid) = libc::pid_t::try_from(group) else {
        return false;
    };
    if pgid <= 1 {
        return false;
    }
    // SAFETY: kill(2) with a negative pid only sends a signal to a process group; it
    // touches no memory of this process. pgid > 1 rules out "every process" (-1).
    unsafe { libc::kill(-pgid, signal) == 0 }
}
