//! An in-process hook runner: the backup phase calls a closure that reads the exposed
//! copies and writes to the live LVs while they are split.

use std::sync::Mutex;
use std::time::{Duration, Instant};

use offmirror_core::{
    HookContext, HookError, HookOutcome, HookPhase, HookRunner, HookSpec, HookStatus,
};

type BackupFn<'a> = Box<dyn Fn(&HookContext) -> Result<(), String> + Send + Sync + 'a>;

/// Runs the backup closure for the backup phase and succeeds at once for every other.
pub struct ClosureHooks<'a> {
    backup: BackupFn<'a>,
    /// What the backup closure said, if it failed.
    pub failure: Mutex<Option<String>>,
    /// Whether the backup closure ran.
    pub ran: Mutex<bool>,
}

impl<'a> ClosureHooks<'a> {
    /// Hooks whose backup phase runs `backup`.
    pub fn new(backup: impl Fn(&HookContext) -> Result<(), String> + Send + Sync + 'a) -> Self {
        ClosureHooks {
            backup: Box::new(backup),
            failure: Mutex::new(None),
            ran: Mutex::new(false),
        }
    }

    /// The backup closure's verdict.
    pub fn verdict(&self) -> Result<(), String> {
        if !*self.ran.lock().map_err(|_| "poisoned")? {
            return Err("the backup hook never ran".into());
        }
        match self.failure.lock().map_err(|_| "poisoned")?.clone() {
            Some(why) => Err(why),
            None => Ok(()),
        }
    }
}

impl HookRunner for ClosureHooks<'_> {
    fn run(
        &self,
        _spec: &HookSpec,
        context: &HookContext,
        _output: &mut dyn FnMut(&str),
    ) -> Result<HookOutcome, HookError> {
        let started = Instant::now();
        let mut status = HookStatus::Succeeded;
        if context.phase == HookPhase::Backup {
            if let Ok(mut ran) = self.ran.lock() {
                *ran = true;
            }
            if let Err(why) = (self.backup)(context) {
                println!("backup hook: {why}");
                if let Ok(mut f) = self.failure.lock() {
                    *f = Some(why);
                }
                status = HookStatus::Failed { code: 1 };
            }
        }
        Ok(HookOutcome {
            status,
            duration: started.elapsed().max(Duration::from_micros(1)),
            log: None,
        })
    }
}
