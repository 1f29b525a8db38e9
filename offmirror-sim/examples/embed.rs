//! How a backup product embeds offmirror: its own observer (here, a progress log with
//! timestamps and a resync percentage), a cancel token it could trigger from its UI, and
//! the report it stores. Runs on the simulated demo host:
//!
//! ```text
//! cargo run -p offmirror-sim --example embed
//! ```

use std::cell::RefCell;
use std::time::{Duration, Instant};

use offmirror_core::{
    BackupRequest, CancelToken, Event, ExecOptions, Executor, HookPhase, HookSpec, Observer,
    RunOutcome, VgName,
};
use offmirror_sim::{SimHookRunner, SimHost};

/// The product's progress log: what its UI or job history would show.
struct ProductLog {
    started: Instant,
    lines: RefCell<Vec<String>>,
}

impl ProductLog {
    fn note(&self, text: String) {
        let at = self.started.elapsed().as_secs_f64() * 1000.0;
        self.lines
            .borrow_mut()
            .push(format!("[{at:8.3} ms] {text}"));
    }
}

impl Observer for ProductLog {
    fn on_event(&self, event: &Event<'_>) {
        match event {
            Event::PhaseStarted { phase } => self.note(format!("phase {phase}")),
            Event::HookOutput { phase, line } => self.note(format!("{phase} says: {line}")),
            Event::ResyncProgress {
                unit,
                remaining,
                total,
            } if *total > 0 => {
                let done = 100.0 * (total - remaining.min(total)) as f64 / *total as f64;
                self.note(format!("unit {unit} resync {done:.0} %"));
            }
            Event::Error { message } => self.note(format!("ERROR {message}")),
            _ => {}
        }
    }
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let work = std::env::temp_dir().join(format!("offmirror-embed-{}", std::process::id()));
    let host = SimHost::demo();
    let hooks = SimHookRunner::new(host.clone());
    let request = BackupRequest::builder(&work)
        .vg(VgName::new("datavg")?)
        .hook(HookPhase::Backup, HookSpec::new("/bin/true"))
        .build();

    let log = ProductLog {
        started: Instant::now(),
        lines: RefCell::new(Vec::new()),
    };
    // The product keeps the token and calls cancel() if its user presses "Stop".
    let cancel = CancelToken::new();
    let executor = Executor::new(&host, &host, &hooks)
        .observer(&log)
        .options(ExecOptions {
            resync_poll: Duration::from_millis(1),
            cancel: Some(cancel.clone()),
            ..ExecOptions::default()
        });

    let preview = executor.preview(&request)?;
    for problem in &preview.problems {
        log.note(format!("preview: {problem}"));
    }
    let report = executor.run(&preview.into_plan()?)?;

    for line in log.lines.borrow().iter() {
        println!("{line}");
    }
    println!(
        "outcome {:?}; quiesce window {:.3} ms; {} PPs written while split, {} resynced",
        report.outcome,
        report.quiesce.duration.as_secs_f64() * 1000.0,
        report.pps_written_while_split(),
        report.pps_resynced()
    );
    // The product stores the report as JSON in its job history.
    let json = serde_json::to_string(&report)?;
    println!(
        "report: {} bytes of JSON (schema {})",
        json.len(),
        report.schema_version
    );
    std::fs::remove_dir_all(&work)?;
    if report.outcome == RunOutcome::Failed {
        return Err(report.errors.join("; ").into());
    }
    Ok(())
}
