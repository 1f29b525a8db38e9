//! Exit codes.
//!
//! | code | meaning                                                                  |
//! |------|--------------------------------------------------------------------------|
//! | 0    | success                                                                  |
//! | 1    | success with warnings (LVs skipped)                                      |
//! | 2    | an error, a failed run, or a preview that blocks the run                 |
//! | 3    | refused: an interrupted run in the work directory needs `offmirror recover` |
//! | 4    | refused: another run holds the work directory's lock                      |

use std::process::ExitCode;

use offmirror_core::{ProblemCode, RunError, Severity};

/// What the process tells its caller.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Code {
    /// Success.
    Ok = 0,
    /// Success, with warnings (LVs skipped).
    Warnings = 1,
    /// An error, a failed run, or a preview that blocks the run.
    Error = 2,
    /// Refused: an interrupted run must be recovered first (`offmirror recover`).
    NeedsRecovery = 3,
    /// Refused: another run holds the work directory.
    Locked = 4,
}

impl From<Code> for ExitCode {
    fn from(c: Code) -> ExitCode {
        ExitCode::from(c as u8)
    }
}

impl Code {
    /// The code for a report.
    pub fn of_report(report: &offmirror_core::Report) -> Code {
        match report.outcome {
            offmirror_core::RunOutcome::Success => Code::Ok,
            offmirror_core::RunOutcome::SuccessWithWarnings => Code::Warnings,
            offmirror_core::RunOutcome::Failed => Code::Error,
        }
    }

    /// The code for a preview: 3 when an interrupted run blocks it (whatever else does:
    /// the other problems may be the interrupted run's own split copies), else 2 when it
    /// is blocked, 1 with warnings, 0 without.
    pub fn of_preview(preview: &offmirror_core::Preview) -> Code {
        let blocking = preview.blocking();
        if blocking
            .iter()
            .any(|p| p.code == ProblemCode::InterruptedRun)
        {
            Code::NeedsRecovery
        } else if !blocking.is_empty() {
            Code::Error
        } else if preview
            .problems
            .iter()
            .any(|p| p.severity == Severity::Warning)
        {
            Code::Warnings
        } else {
            Code::Ok
        }
    }

    /// The code for an error: 3 and 4 for the refusals a caller may want to handle (or
    /// retry), 2 for anything else.
    pub fn of_error(error: &anyhow::Error) -> Code {
        match error.downcast_ref::<RunError>() {
            Some(RunError::NeedsRecovery { .. }) => Code::NeedsRecovery,
            Some(RunError::Locked(offmirror_core::LockError::Held { .. })) => Code::Locked,
            _ => Code::Error,
        }
    }
}
