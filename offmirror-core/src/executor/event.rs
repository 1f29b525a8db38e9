//! Progress events and the observer that receives them.

use std::time::Duration;

use serde::Serialize;

use crate::{Applied, HookPhase, Phase, Step};

/// Something that happened during a run.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "snake_case", tag = "event")]
#[non_exhaustive]
pub enum Event<'a> {
    /// The run started.
    RunStarted {
        /// Its identifier.
        run_id: &'a str,
        /// Number of steps planned.
        steps: usize,
    },
    /// A phase began.
    PhaseStarted {
        /// The phase.
        phase: Phase,
    },
    /// A phase ended (the next one begins, or the run ends).
    PhaseFinished {
        /// The phase.
        phase: Phase,
        /// Time spent in its steps.
        #[serde(with = "crate::duration_secs")]
        duration: Duration,
        /// Steps run in it.
        steps: u32,
    },
    /// A step is about to run.
    StepStarted {
        /// Its position in the plan.
        index: usize,
        /// The step.
        step: &'a Step,
    },
    /// A step finished.
    StepFinished {
        /// Its position in the plan.
        index: usize,
        /// The step.
        step: &'a Step,
        /// What it did, or `None` if it failed.
        applied: Option<Applied>,
        /// How long it took.
        #[serde(with = "crate::duration_secs")]
        elapsed: Duration,
    },
    /// A step was not run because an earlier failure sent the run to its safe end.
    StepSkipped {
        /// Its position in the plan.
        index: usize,
        /// The step.
        step: &'a Step,
    },
    /// A line of a hook's output.
    HookOutput {
        /// The hook's phase.
        phase: HookPhase,
        /// The line, without its newline.
        line: &'a str,
    },
    /// Resync progress of a unit.
    ResyncProgress {
        /// The unit.
        unit: u32,
        /// Stale partitions left.
        remaining: u64,
        /// Stale partitions when the resync started.
        total: u64,
    },
    /// An error; the run goes on to its safe end.
    Error {
        /// What failed.
        message: &'a str,
    },
    /// The run is over.
    RunFinished {
        /// Whether every step succeeded.
        success: bool,
    },
}

/// Receives events. Closures `Fn(&Event)` are observers too.
///
/// ```
/// use offmirror_core::{Event, Observer};
/// let seen = std::cell::Cell::new(0);
/// let count = |_: &Event| seen.set(seen.get() + 1);
/// count.on_event(&Event::RunFinished { success: true });
/// assert_eq!(seen.get(), 1);
/// ```
pub trait Observer {
    /// Called for each event, on the thread that runs the plan. Keep it quick: events
    /// inside the quiesce window count toward it.
    fn on_event(&self, event: &Event<'_>);
}

impl<F: Fn(&Event<'_>)> Observer for F {
    fn on_event(&self, event: &Event<'_>) {
        self(event)
    }
}

/// An observer that ignores every event.
#[derive(Debug, Clone, Copy, Default)]
pub struct Silent;

impl Observer for Silent {
    fn on_event(&self, _: &Event<'_>) {}
}
