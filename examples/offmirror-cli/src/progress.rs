//! Run progress: one line per event through `tracing` (levels set by `--quiet` and `-v`;
//! plain lines suit cron logs), and on a terminal progress bars for the resync and the
//! backup hook.

use std::cell::RefCell;
use std::io::IsTerminal;
use std::time::Duration;

use indicatif::{ProgressBar, ProgressStyle};
use offmirror_core::{Event, HookPhase, Observer, Plan, Step};
use tracing::Level;

/// Sets up the progress output: standard output, or standard error when the command
/// prints JSON; `--quiet` keeps errors only, `-v` adds step starts and every resync poll.
pub fn init(quiet: bool, verbose: u8, json: bool) {
    let level = match (quiet, verbose) {
        (true, _) => Level::WARN,
        (false, 0) => Level::INFO,
        (false, 1) => Level::DEBUG,
        (false, _) => Level::TRACE,
    };
    let builder = tracing_subscriber::fmt()
        .with_max_level(level)
        .without_time()
        .with_level(false)
        .with_target(false)
        .with_ansi(false);
    // A second initialisation (never in this program) would only be ignored.
    let _ = if json {
        builder.with_writer(std::io::stderr).try_init()
    } else {
        builder.with_writer(std::io::stdout).try_init()
    };
}

/// Reports a run's events.
pub struct Lines<'p> {
    plan: &'p Plan,
    /// Draw progress bars (standard output is a terminal and shows progress).
    bars: bool,
    bar: RefCell<Option<ProgressBar>>,
}

impl<'p> Lines<'p> {
    /// A reporter for a run of `plan`; `json` means standard output carries JSON.
    pub fn new(plan: &'p Plan, json: bool) -> Self {
        Self {
            plan,
            bars: !json && std::io::stdout().is_terminal() && tracing::enabled!(Level::INFO),
            bar: RefCell::new(None),
        }
    }

    fn print(&self, line: &str) {
        tracing::info!("{line}");
    }

    fn finish_bar(&self) {
        if let Some(bar) = self.bar.borrow_mut().take() {
            bar.finish_and_clear();
        }
    }

    fn resync_bar(&self, unit: u32, remaining: u64, total: u64) {
        let mut slot = self.bar.borrow_mut();
        let bar = slot.get_or_insert_with(|| {
            let bar = ProgressBar::new(total);
            if let Ok(style) = ProgressStyle::with_template(
                "   resync unit {msg} [{bar:30}] {pos}/{len} PPs, {per_sec}, ETA {eta}",
            ) {
                bar.set_style(style);
            }
            bar.set_message(unit.to_string());
            bar
        });
        bar.set_length(total);
        bar.set_position(total.saturating_sub(remaining));
    }

    fn hook_spinner(&self) {
        let bar = ProgressBar::new_spinner();
        if let Ok(style) =
            ProgressStyle::with_template("   {spinner} backup hook running for {elapsed}")
        {
            bar.set_style(style);
        }
        bar.enable_steady_tick(Duration::from_millis(200));
        *self.bar.borrow_mut() = Some(bar);
    }

    fn describe(&self, step: &Step) -> String {
        let unit = |id: u32| {
            self.plan.unit(id).map_or_else(String::new, |u| {
                let lvs: Vec<&str> = u.lvs.iter().map(|l| l.lv.as_str()).collect();
                format!(" ({} {}: {})", u.mechanism, u.vg, lvs.join(" "))
            })
        };
        match step {
            Step::Split { unit: id }
            | Step::Expose { unit: id }
            | Step::Unexpose { unit: id }
            | Step::Rejoin { unit: id }
            | Step::Resync { unit: id } => format!("{step}{}", unit(*id)),
            _ => step.to_string(),
        }
    }
}

impl Observer for Lines<'_> {
    fn on_event(&self, event: &Event<'_>) {
        match event {
            Event::StepStarted { step, .. } => {
                tracing::debug!("   {} ...", self.describe(step));
                if self.bars
                    && matches!(
                        step,
                        Step::Hook {
                            phase: HookPhase::Backup
                        }
                    )
                {
                    self.hook_spinner();
                }
            }
            Event::RunStarted { run_id, steps } => {
                self.print(&format!("run {run_id}: {steps} steps"))
            }
            Event::PhaseStarted { phase } => self.print(&format!("== {phase}")),
            Event::StepFinished {
                step,
                applied,
                elapsed,
                ..
            } => {
                if matches!(step, Step::Hook { .. } | Step::Resync { .. }) {
                    self.finish_bar();
                }
                let how = match applied {
                    Some(offmirror_core::Applied::Done) => "done",
                    Some(offmirror_core::Applied::AlreadyDone) => "already done",
                    None => "FAILED",
                };
                self.print(&format!(
                    "   {} ... {how} ({:.3} ms)",
                    self.describe(step),
                    elapsed.as_secs_f64() * 1000.0
                ));
            }
            Event::StepSkipped { step, .. } => self.print(&format!(
                "   {} ... skipped after an earlier failure",
                self.describe(step)
            )),
            Event::HookOutput { phase, line } => self.print(&format!("   | {phase}: {line}")),
            Event::ResyncProgress {
                unit,
                remaining,
                total,
            } => {
                let line =
                    format!("   resync unit {unit}: {remaining} of {total} stale partitions left");
                if self.bars {
                    self.resync_bar(*unit, *remaining, *total);
                } else if *remaining == 0 || *remaining == *total {
                    self.print(&line);
                } else {
                    tracing::debug!("{line}");
                }
            }
            Event::Error { message } => {
                self.finish_bar();
                tracing::warn!("   error: {message}");
            }
            _ => {}
        }
    }
}
