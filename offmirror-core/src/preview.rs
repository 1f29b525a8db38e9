//! The preview: the plan together with every problem found, ready to show or to run.

use std::fmt::Write as _;

use serde::{Deserialize, Serialize};

use crate::{Plan, Problem, Severity};

/// What a run would do and everything that would stop or degrade it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Preview {
    /// The plan for the LVs that can be split.
    pub plan: Plan,
    /// Every problem, errors first.
    pub problems: Vec<Problem>,
}

/// A plan that may not run, with the problems that stop it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("the run is blocked by {} problem(s): {}", .problems.len(), summary(.problems))]
pub struct Blocked {
    /// The problems that stop it.
    pub problems: Vec<Problem>,
}

fn summary(problems: &[Problem]) -> String {
    problems
        .iter()
        .map(|p| format!("{} {}", p.code, p.subject))
        .collect::<Vec<_>>()
        .join("; ")
}

impl Preview {
    /// Problems of a severity.
    pub fn with_severity(&self, severity: Severity) -> impl Iterator<Item = &Problem> {
        self.problems.iter().filter(move |p| p.severity == severity)
    }

    /// The problems that stop the run: every error, and every warning unless the policy
    /// forces the run on.
    pub fn blocking(&self) -> Vec<&Problem> {
        let force = self.plan.request.policy.force_continue_on_warnings;
        self.problems
            .iter()
            .filter(|p| match p.severity {
                Severity::Error => true,
                Severity::Warning => !force,
                Severity::Notice => false,
            })
            .collect()
    }

    /// Whether the plan may run.
    pub fn is_runnable(&self) -> bool {
        self.blocking().is_empty()
    }

    /// The plan, if nothing blocks it.
    pub fn into_plan(self) -> Result<Plan, Blocked> {
        let blocking: Vec<Problem> = self.blocking().into_iter().cloned().collect();
        if blocking.is_empty() {
            let mut plan = self.plan;
            plan.accepted = self.problems;
            Ok(plan)
        } else {
            Err(Blocked { problems: blocking })
        }
    }

    /// The preview as text for people.
    pub fn to_text(&self) -> String {
        let mut out = String::new();
        let plan = &self.plan;
        let _ = writeln!(
            out,
            "Plan: split copy {} of {} LV(s) in {} unit(s) on backend {}",
            plan.request.copy,
            plan.lvs().count(),
            plan.units.len(),
            plan.backend
        );
        for unit in &plan.units {
            let names: Vec<&str> = unit.lvs.iter().map(|l| l.lv.as_str()).collect();
            let _ = writeln!(
                out,
                "  unit {}: {} {} -> {}: {}",
                unit.id,
                unit.mechanism,
                unit.vg,
                unit.split_name,
                names.join(" ")
            );
        }
        let _ = writeln!(out, "Steps:");
        for (i, step) in plan.steps.iter().enumerate() {
            let _ = writeln!(out, "  {:>3}. [{}] {}", i + 1, step.phase(), step);
        }
        if self.problems.is_empty() {
            let _ = writeln!(out, "Problems: none");
        } else {
            let _ = writeln!(out, "Problems:");
            for p in &self.problems {
                let _ = writeln!(out, "  {p}");
            }
        }
        let verdict = if self.is_runnable() {
            "runnable"
        } else {
            "BLOCKED"
        };
        let _ = writeln!(out, "Verdict: {verdict}");
        out
    }
}
