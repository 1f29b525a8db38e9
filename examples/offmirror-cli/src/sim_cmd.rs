//! `sim init`, `preview` and `run` against a simulator state file.

use std::path::PathBuf;
use std::time::Duration;

use anyhow::{Context, Result, anyhow, bail};
use offmirror_core::{
    BackupRequest, CopyNumber, ExecOptions, Executor, HookPhase, HookSpec, LvName,
    ProcessHookRunner, Target, VgName,
};
use offmirror_sim::SimHost;

use crate::args::{BackendKind, RecoverArgs, RunArgs, SimInitArgs};
use crate::exit::Code;
use crate::host::Host;
use crate::progress::Lines;

pub fn init(args: &SimInitArgs) -> Result<Code> {
    if args.sim_state.exists() && !args.force {
        bail!(
            "{} exists; pass --force to overwrite it",
            args.sim_state.display()
        );
    }
    let mut state = offmirror_sim::demo_state();
    state.writes.per_op = args.writes_per_op;
    SimHost::new(state).save(&args.sim_state)?;
    println!("wrote the demo host to {}", args.sim_state.display());
    Ok(Code::Ok)
}

/// What `preview` and `run` work on: the job file, if any, with the flags over it.
struct Job {
    backend: BackendKind,
    /// The simulator state file (`sim` and `aix` backends).
    sim_state: Option<PathBuf>,
    request: BackupRequest,
}

impl Job {
    fn host(&self) -> Result<Host> {
        Host::open(
            self.backend,
            self.sim_state.as_deref(),
            &self.request.work_dir,
        )
    }
}

/// The job the arguments (and the job file they name) describe; names are checked here,
/// before anything runs.
fn job(args: &RunArgs) -> Result<Job> {
    let file = match &args.job {
        Some(path) => crate::job::Job::load(path)?,
        None => crate::job::Job::default(),
    };
    let required = |flag: &str, key: &str| {
        anyhow!(
            "no {key}: give --{flag}{}",
            if args.job.is_some() {
                format!(" or set `{key}` in the job file")
            } else {
                format!(", or a job file (--job FILE) that sets `{key}`")
            }
        )
    };
    let backend = args.backend.or(file.backend).unwrap_or(BackendKind::Sim);
    // The lvm2 backend works on this host: a state file on the command line is a mistake
    // (refused when the host is opened), one in a job file written for another backend
    // is left unused.
    let sim_state = if backend.uses_sim_state() {
        Some(
            args.sim_state
                .clone()
                .or(file.sim_state)
                .ok_or_else(|| required("sim-state", "sim_state"))?,
        )
    } else {
        args.sim_state.clone()
    };
    let work_dir = args
        .work_dir
        .clone()
        .or(file.work_dir)
        .ok_or_else(|| required("work-dir", "work_dir"))?;
    let copy = match args.copy {
        Some(n) => CopyNumber::new(n).context("--copy")?,
        None => file.copy.unwrap_or_default(),
    };
    let mut policy = file.policy.unwrap_or_default();
    policy.allow_full_resync |= args.allow_full_resync;
    policy.force_continue_on_warnings |= args.force;
    if let Some(n) = args.min_copies_left {
        policy.min_copies_left = n;
    }
    let mut request = BackupRequest::builder(&work_dir)
        .copy(copy)
        .policy(policy)
        .build();
    if args.vgs.is_empty() && args.lvs.is_empty() {
        request
            .targets
            .extend(file.targets.vgs.into_iter().map(Target::Vg));
        request
            .targets
            .extend(file.targets.lvs.into_iter().map(Target::Lv));
    } else {
        for vg in &args.vgs {
            request
                .targets
                .push(Target::Vg(VgName::new(vg.as_str()).context("--vg")?));
        }
        for lv in &args.lvs {
            request
                .targets
                .push(Target::Lv(LvName::new(lv.as_str()).context("--lv")?));
        }
    }
    request.hooks = file.hooks.to_hooks();
    let timeout = args.hook_timeout.map(Duration::from_secs);
    for (phase, program) in [
        (HookPhase::PreOffline, &args.pre_offline),
        (HookPhase::Resume, &args.resume),
        (HookPhase::Backup, &args.backup),
        (HookPhase::PostOffline, &args.post_offline),
    ] {
        if let Some(program) = program {
            request.hooks.set(phase, HookSpec::new(program));
        }
    }
    if let Some(timeout) = timeout {
        for phase in HookPhase::ALL {
            if let Some(spec) = request.hooks.get(phase) {
                request.hooks.set(phase, spec.clone().timeout(timeout));
            }
        }
    }
    if let Some(id) = &args.run_id {
        check_run_id(id)?;
    }
    Ok(Job {
        backend,
        sim_state,
        request,
    })
}

/// A run id names a directory under `runs/`: letters, digits, `-`, `_` and `.`, not
/// starting with `.`.
fn check_run_id(id: &str) -> Result<()> {
    let ok = !id.is_empty()
        && id.len() <= 64
        && !id.starts_with('.')
        && id
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'));
    if !ok {
        bail!(
            "invalid run id {id:?}: use 1 to 64 letters, digits, '-', '_' or '.', not starting with '.'"
        );
    }
    Ok(())
}

pub fn preview(args: &RunArgs) -> Result<Code> {
    let job = job(args)?;
    let host = job.host()?;
    let runner = ProcessHookRunner::default();
    let preview = Executor::new(host.volumes(), host.fs(), &runner).preview(&job.request)?;
    if args.json {
        println!("{}", serde_json::to_string_pretty(&preview)?);
    } else {
        print!("{}", preview.to_text());
    }
    Ok(Code::of_preview(&preview))
}

pub fn run(args: &RunArgs) -> Result<Code> {
    let job = job(args)?;
    let host = job.host()?;
    let runner = ProcessHookRunner::default();
    let executor = Executor::new(host.volumes(), host.fs(), &runner);
    let preview = executor.preview(&job.request)?;
    if !preview.is_runnable() {
        if args.json {
            println!("{}", serde_json::to_string_pretty(&preview)?);
        } else {
            print!("{}", preview.to_text());
        }
        eprintln!("offmirror: the preview blocks the run; nothing was changed");
        return Ok(Code::of_preview(&preview));
    }
    let plan = preview.into_plan()?;
    let observer = Lines::new(&plan, args.json);
    let report = executor
        .observer(&observer)
        .options(ExecOptions {
            run_id: args.run_id.clone(),
            resync_poll: host.resync_poll(),
            ..ExecOptions::default()
        })
        .run(&plan)?;
    host.persist()?;
    if args.json {
        println!("{}", serde_json::to_string_pretty(&report)?);
    } else {
        print!("{}", report.to_text());
    }
    Ok(Code::of_report(&report))
}

pub fn recover(args: &RecoverArgs) -> Result<Code> {
    let runner = ProcessHookRunner::default();
    if args.manual {
        let host = Host::open_for_manual(args.backend, args.sim_state.as_deref(), &args.work_dir)?;
        let manual =
            Executor::new(host.volumes(), host.fs(), &runner).manual_recovery(&args.work_dir)?;
        if args.json {
            println!("{}", serde_json::to_string_pretty(&manual)?);
        } else if manual.is_empty() {
            println!("nothing to recover in {}", args.work_dir.display());
        }
        for run in manual.iter().filter(|_| !args.json) {
            println!(
                "# run {}: do these in order, checking each succeeds",
                run.run_id
            );
            for (i, step) in run.steps.iter().enumerate() {
                println!("# {}. {}", i + 1, step.step);
                for command in &step.commands {
                    println!("{command}");
                }
            }
        }
        return Ok(Code::Ok);
    }
    let host = Host::open(args.backend, args.sim_state.as_deref(), &args.work_dir)?;
    let reports = Executor::new(host.volumes(), host.fs(), &runner)
        .options(ExecOptions {
            run_id: None,
            resync_poll: host.resync_poll(),
            ..ExecOptions::default()
        })
        .recover(&args.work_dir)?;
    host.persist()?;
    if args.json {
        println!("{}", serde_json::to_string_pretty(&reports)?);
    } else if reports.is_empty() {
        println!("nothing to recover in {}", args.work_dir.display());
    } else {
        for r in &reports {
            print!("{}", r.to_text());
        }
    }
    Ok(if reports.iter().all(|r| r.succeeded()) {
        Code::Ok
    } else {
        Code::Error
    })
}
