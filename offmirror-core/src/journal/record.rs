use serde::{Deserialize, Serialize};

use crate::{Applied, Plan, RunOutcome, Step};

/// The version of the journal's record layout.
pub const JOURNAL_SCHEMA_VERSION: u32 = 1;

/// How a step ended, as journaled.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "result")]
pub enum StepResult {
    /// It succeeded.
    Ok {
        /// What it did.
        applied: Applied,
    },
    /// It failed.
    Failed {
        /// Why.
        message: String,
    },
}

/// One journal record.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "record")]
#[non_exhaustive]
pub enum Record {
    /// The run starts with this plan.
    Begin {
        /// [`JOURNAL_SCHEMA_VERSION`].
        schema: u32,
        /// The run's identifier.
        run_id: String,
        /// Start time, RFC 3339.
        started_at: String,
        /// Process id of the runner.
        pid: u32,
        /// The plan being run.
        plan: Box<Plan>,
    },
    /// A step is about to run.
    Intent {
        /// Its index in the plan (recovery steps continue after the last one).
        index: usize,
        /// The step.
        step: Step,
        /// Whether it is part of a recovery.
        #[serde(default)]
        recovery: bool,
    },
    /// A step finished.
    Outcome {
        /// Its index.
        index: usize,
        /// How it ended.
        #[serde(flatten)]
        result: StepResult,
    },
    /// The run is over.
    End {
        /// How it ended.
        outcome: RunOutcome,
        /// Whether a recovery ended it.
        #[serde(default)]
        recovered: bool,
    },
}
