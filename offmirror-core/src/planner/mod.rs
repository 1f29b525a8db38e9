//! The planner: a pure function from inventory, request, backend capabilities and local
//! facts to a [`Preview`]. It reads nothing and changes nothing, so the same inputs always
//! give the same plan.

mod eligibility;
mod mechanism_choice;
mod naming;

pub use naming::split_copy_name;
mod steps;

use std::collections::BTreeMap;

use crate::{
    BackupRequest, Capabilities, HookPhase, Inventory, LocalFacts, Plan, Preview, Problem,
    ProblemCode, Severity, Subject,
};

/// Plans a backup.
///
/// ```
/// use offmirror_core::*;
///
/// let inventory = Inventory::default();
/// let request = BackupRequest::builder("/var/offmirror")
///     .vg(VgName::new("datavg")?)
///     .build();
/// let caps = Capabilities { backend: "doc".into(), mechanisms: vec![Mechanism::VgSplit], freeze: true, dialect: Dialect::Aix, counts_written: true };
/// let preview = plan(&inventory, &request, &caps, &LocalFacts::assume_usable(&request));
/// assert!(!preview.is_runnable());
/// let codes: Vec<ProblemCode> = preview.problems.iter().map(|p| p.code).collect();
/// assert!(codes.contains(&ProblemCode::VgNotFound));
/// assert!(codes.contains(&ProblemCode::NoBackupHook));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn plan(
    inventory: &Inventory,
    request: &BackupRequest,
    caps: &Capabilities,
    facts: &LocalFacts,
) -> Preview {
    let mut problems = Vec::new();
    check_request(request, facts, &mut problems);
    let selection = eligibility::select(inventory, request, caps.dialect, &mut problems);
    let choices = mechanism_choice::choose(inventory, request, caps, &selection, &mut problems);
    let work_dir = facts
        .work_dir
        .clone()
        .unwrap_or_else(|| request.work_dir.clone());
    let units = naming::name_units(inventory, request.copy, &work_dir, choices, &mut problems);
    if units.is_empty() && !problems.iter().any(|p| p.severity == Severity::Error) {
        problems.push(
            Problem::new(
                ProblemCode::NothingToSplit,
                Severity::Error,
                Subject::Request,
                "after skipping what cannot be split, nothing is left to back up",
            )
            .fix("fix the warnings above or name other targets"),
        );
    }
    let steps = steps::order(request, caps, &units);
    problems.sort_by_key(|p| std::cmp::Reverse(p.severity));
    Preview {
        plan: Plan {
            request: request.clone(),
            backend: caps.backend.clone(),
            units,
            steps,
            accepted: Vec::new(),
        },
        problems,
    }
}

fn check_request(request: &BackupRequest, facts: &LocalFacts, problems: &mut Vec<Problem>) {
    if request.targets.is_empty() {
        problems.push(
            Problem::new(
                ProblemCode::NoTargets,
                Severity::Error,
                Subject::Request,
                "no volume group or logical volume was named",
            )
            .fix("name a VG or LVs to back up"),
        );
    }
    let min = request.policy.min_copies_left;
    if !(1..=2).contains(&min) {
        problems.push(
            Problem::new(
                ProblemCode::BadPolicy,
                Severity::Error,
                Subject::Request,
                format!("min_copies_left is {min}; a split leaves at most 2 copies in use"),
            )
            .fix("set min_copies_left to 1 or 2"),
        );
    }
    if let Some(why) = &facts.work_dir_problem {
        problems.push(
            Problem::new(
                ProblemCode::WorkDirUnusable,
                Severity::Error,
                Subject::WorkDir(request.work_dir.clone()),
                why.clone(),
            )
            .fix("give a writable directory on a local file system outside the split VGs"),
        );
    }
    for run in &facts.interrupted_runs {
        problems.push(
            Problem::new(
                ProblemCode::InterruptedRun,
                Severity::Error,
                Subject::WorkDir(request.work_dir.clone()),
                format!("run {run} was interrupted and its copies may still be split"),
            )
            .fix("offmirror recover (or Executor::recover) with this work directory"),
        );
    }
    let mut hook_problems: BTreeMap<HookPhase, &String> = BTreeMap::new();
    for (phase, why) in &facts.hook_problems {
        hook_problems.insert(*phase, why);
    }
    for (phase, why) in hook_problems {
        problems.push(
            Problem::new(
                ProblemCode::HookNotExecutable,
                Severity::Error,
                Subject::Hook(phase),
                why.clone(),
            )
            .fix("give the absolute path of an executable file (chmod +x)"),
        );
    }
    if request.hooks.backup.is_none() {
        problems.push(
            Problem::new(
                ProblemCode::NoBackupHook,
                Severity::Error,
                Subject::Hook(HookPhase::Backup),
                "no backup hook: nothing would read the split copies",
            )
            .fix("configure the backup hook"),
        );
    }
}
