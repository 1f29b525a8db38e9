//! Exit codes.

use std::process::ExitCode;

/// What the process tells its caller.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Code {
    /// Success.
    Ok = 0,
    /// Success, with warnings (LVs skipped).
    Warnings = 1,
    /// An error, or a preview that blocks the run.
    Error = 2,
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

    /// The code for a preview.
    pub fn of_preview(preview: &offmirror_core::Preview) -> Code {
        if !preview.is_runnable() {
            Code::Error
        } else if preview
            .problems
            .iter()
            .any(|p| p.severity == offmirror_core::Severity::Warning)
        {
            Code::Warnings
        } else {
            Code::Ok
        }
    }
}
