//! `offmirror demo`: a complete offline mirror backup of a simulated database server.

use std::path::PathBuf;
use std::time::Duration;

use anyhow::{Context, Result};
use offmirror_core::{
    BackupRequest, CopyNumber, ExecOptions, Executor, ProcessHookRunner, Target, VgName,
};
use offmirror_sim::SimHost;

use crate::args::DemoArgs;
use crate::exit::Code;
use crate::progress::Lines;

pub fn run(args: &DemoArgs) -> Result<Code> {
    let work_dir = match &args.work_dir {
        Some(d) => d.clone(),
        None => std::env::temp_dir().join(format!("offmirror-demo-{}", std::process::id())),
    };
    offmirror_core::create_private_dir(&work_dir)
        .with_context(|| format!("creating the work directory {}", work_dir.display()))?;
    let work_dir = std::fs::canonicalize(&work_dir)
        .with_context(|| format!("resolving {}", work_dir.display()))?;
    let hooks = crate::demo_hooks::install(&work_dir.join("hooks"))?;
    let host = SimHost::demo().with_files(true);
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

    let executor = Executor::new(&host, &host, &runner);
    let preview = executor.preview(&request)?;
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
    let left = host.state()?.safe_state_violations();
    if args.json {
        println!("{}", serde_json::to_string_pretty(&report)?);
    } else {
        println!();
        println!("{}", report.to_text());
        println!("Backup archive: {}", archive.display());
        println!(
            "Host after the run: {}",
            if left.is_empty() {
                "every copy rejoined and in sync".to_string()
            } else {
                format!("as before the run but for: {}", left.join("; "))
            }
        );
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
