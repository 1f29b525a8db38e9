//! `sim init`, `preview` and `run` against a simulator state file.

use std::time::Duration;

use anyhow::{Context, Result, bail};
use offmirror_core::{
    BackupRequest, CopyNumber, ExecOptions, Executor, HookPhase, HookSpec, LvName,
    ProcessHookRunner, Target, VgName,
};
use offmirror_sim::SimHost;

use crate::args::{RecoverArgs, RunArgs, SimInitArgs};
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

fn load(args: &RunArgs) -> Result<Host> {
    Host::open(args.backend, &args.sim_state, &args.work_dir)
}

/// The request the arguments describe; names are checked here, before anything runs.
fn request(args: &RunArgs) -> Result<BackupRequest> {
    let mut builder = BackupRequest::builder(&args.work_dir)
        .copy(CopyNumber::new(args.copy).context("--copy")?)
        .allow_full_resync(args.allow_full_resync)
        .min_copies_left(args.min_copies_left)
        .force_continue_on_warnings(args.force);
    for vg in &args.vgs {
        builder = builder.target(Target::Vg(VgName::new(vg.as_str()).context("--vg")?));
    }
    for lv in &args.lvs {
        builder = builder.target(Target::Lv(LvName::new(lv.as_str()).context("--lv")?));
    }
    let timeout = Duration::from_secs(args.hook_timeout);
    for (phase, program) in [
        (HookPhase::PreOffline, &args.pre_offline),
        (HookPhase::Resume, &args.resume),
        (HookPhase::Backup, &args.backup),
        (HookPhase::PostOffline, &args.post_offline),
    ] {
        if let Some(program) = program {
            builder = builder.hook(phase, HookSpec::new(program).timeout(timeout));
        }
    }
    Ok(builder.build())
}

pub fn preview(args: &RunArgs) -> Result<Code> {
    let host = load(args)?;
    let runner = ProcessHookRunner::default();
    let preview = Executor::new(host.volumes(), host.fs(), &runner).preview(&request(args)?)?;
    if args.json {
        println!("{}", serde_json::to_string_pretty(&preview)?);
    } else {
        print!("{}", preview.to_text());
    }
    Ok(Code::of_preview(&preview))
}

pub fn run(args: &RunArgs) -> Result<Code> {
    let host = load(args)?;
    let runner = ProcessHookRunner::default();
    let request = request(args)?;
    let executor = Executor::new(host.volumes(), host.fs(), &runner);
    let preview = executor.preview(&request)?;
    if !preview.is_runnable() {
        if args.json {
            println!("{}", serde_json::to_string_pretty(&preview)?);
        } else {
            print!("{}", preview.to_text());
        }
        eprintln!("offmirror: the preview blocks the run; nothing was changed");
        return Ok(Code::Error);
    }
    let plan = preview.into_plan()?;
    let observer = Lines::new(&plan, args.json);
    let report = executor
        .observer(&observer)
        .options(ExecOptions {
            run_id: None,
            resync_poll: Duration::from_millis(1),
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
    let host = Host::open(args.backend, &args.sim_state, &args.work_dir)?;
    let runner = ProcessHookRunner::default();
    if args.manual {
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
    let reports = Executor::new(host.volumes(), host.fs(), &runner)
        .options(ExecOptions {
            run_id: None,
            resync_poll: Duration::from_millis(1),
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
