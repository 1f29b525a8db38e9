//! Prints run events, one line each (suits terminals and cron logs alike).

use std::io::Write;

use offmirror_core::{Event, Observer, Plan};

/// Prints events to standard output, or to standard error when the output is JSON.
pub struct Lines<'p> {
    to_stderr: bool,
    plan: &'p Plan,
}

impl<'p> Lines<'p> {
    /// A printer for a run of `plan`.
    pub fn new(plan: &'p Plan, to_stderr: bool) -> Self {
        Self { to_stderr, plan }
    }

    fn print(&self, line: &str) {
        let _ = if self.to_stderr {
            writeln!(std::io::stderr(), "{line}")
        } else {
            writeln!(std::io::stdout(), "{line}")
        };
    }

    fn describe(&self, step: &offmirror_core::Step) -> String {
        use offmirror_core::Step;
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
            } if (*remaining == 0 || *remaining == *total) => {
                self.print(&format!(
                    "   resync unit {unit}: {remaining} of {total} stale partitions left"
                ));
            }
            Event::Error { message } => self.print(&format!("   error: {message}")),
            _ => {}
        }
    }
}
