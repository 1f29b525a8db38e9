//! `offmirror demo`: a complete offline mirror backup of a simulated database server.

use std::path::PathBuf;
use std::time::Duration;

use anyhow::{Context, Result};
use offmirror_core::{
    BackupRequest, CopyNumber, ExecOptions, Executor, FsController, ProcessHookRunner, Target,
    VgName, VolumeManager,
};
use offmirror_sim::SimHost;

use crate::args::{DemoArgs, DemoBackend};
use crate::exit::Code;
use crate::progress::Lines;

pub fn run(args: &DemoArgs) -> Result<Code> {
    if args.backend == DemoBackend::Lvm2 {
        // Nothing to simulate LVM2 with: the backend's real test is a real host.
        return Err(crate::host::HostError::NoLvm2Demo.into());
    }
    let work_dir = match &args.work_dir {
        Some(d) => d.clone(),
        None => std::env::temp_dir().join(format!("offmirror-demo-{}", std::process::id())),
    };
    offmirror_core::create_private_dir(&work_dir)
        .with_context(|| format!("creating the work directory {}", work_dir.display()))?;
    let work_dir = std::fs::canonicalize(&work_dir)
        .with_context(|| format!("resolving {}", work_dir.display()))?;
    let hooks = crate::demo_hooks::install(&work_dir.join("hooks"))?;
    let runner = ProcessHookRunner::default();
    let mut request = BackupRequest::builder(&work_dir)
        .copy(CopyNumber::new(args.copy)?)
        .force_continue_on_warnings(true)
        .build();
    request.hooks = hooks;
    request.targets = vec![
        Target::Vg(VgName::new("datavg")?),
        Target::Vg(VgName::new("appvg")?),
    ];

    match args.backend {
        DemoBackend::Sim => {
            let host = SimHost::demo().with_files(true);
            let code = demo_on(args, &work_dir, &request, &host, &host, &runner)?;
            say(
                args.json,
                &host_after(host.state()?.safe_state_violations()),
            );
            Ok(code)
        }
        DemoBackend::Aix => {
            // The simulated host lives in a state file; every AIX command the backend
            // runs is this very binary, called through a link named after the command.
            let state = work_dir.join("aix-host.json");
            SimHost::demo().save(&state)?;
            let backend = crate::host::aix_backend(&state, &work_dir)?;
            let log = backend.runner().log();
            say(
                args.json,
                &format!(
                    "AIX commands: {} (emulated; host state in {})",
                    work_dir.join("aix-commands").display(),
                    state.display()
                ),
            );
            let code = demo_on(args, &work_dir, &request, &backend, &backend, &runner)?;
            say(args.json, &format!("AIX commands run: {}", log.count()));
            say(
                args.json,
                &host_after(SimHost::load(&state)?.state()?.safe_state_violations()),
            );
            Ok(code)
        }
        DemoBackend::Lvm2 => Err(crate::host::HostError::NoLvm2Demo.into()),
    }
}

fn host_after(left: Vec<String>) -> String {
    format!(
        "Host after the run: {}",
        if left.is_empty() {
            "every copy rejoined and in sync".to_string()
        } else {
            format!("as before the run but for: {}", left.join("; "))
        }
    )
}

/// Previews and runs the demo request on one backend.
fn demo_on(
    args: &DemoArgs,
    work_dir: &std::path::Path,
    request: &BackupRequest,
    volumes: &dyn VolumeManager,
    fs: &dyn FsController,
    runner: &ProcessHookRunner,
) -> Result<Code> {
    let executor = Executor::new(volumes, fs, runner);
    let preview = executor.preview(request)?;
    say(
        args.json,
        "offmirror demo: a simulated database server with mirrored disks",
    );
    say(
        args.json,
        &format!("work directory: {}", work_dir.display()),
    );
    say(args.json, "");
    if args.json {
        println!("{}", serde_json::to_string_pretty(&preview)?);
    } else {
        println!("{}", preview.to_text());
    }
    let plan = preview.into_plan()?;
    let observer = Lines::new(&plan, args.json);
    let executor = executor.observer(&observer).options(ExecOptions {
        run_id: None,
        resync_poll: Duration::from_millis(1),
        ..ExecOptions::default()
    });
    let report = executor.run(&plan)?;
    let archive: PathBuf = work_dir
        .join("backups")
        .join(format!("{}.tar", report.run_id));
    if args.json {
        println!("{}", serde_json::to_string_pretty(&report)?);
    } else {
        println!();
        println!("{}", report.to_text());
        println!("Backup archive: {}", archive.display());
    }
    // The demo succeeds with the warnings it was built to show.
    Ok(if report.succeeded() {
        Code::Ok
    } else {
        Code::Error
    })
}

fn say(json: bool, line: &str) {
    if json {
        eprintln!("{line}");
    } else {
        println!("{line}");
    }
}
