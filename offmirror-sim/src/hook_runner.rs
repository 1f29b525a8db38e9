//! A simulated [`HookRunner`]: hooks that take no time, can be made to fail or hang, and
//! whose backup hook records exactly what it read from the split copies.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use offmirror_core::{
    HookContext, HookError, HookOutcome, HookPhase, HookRunner, HookSpec, HookStatus, LvName,
};

use crate::SimHost;
use crate::faults::HookFault;

/// What the simulated backup hook read from one split copy.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BackupRead {
    /// The LV.
    pub lv: LvName,
    /// Data version of each logical partition of its split copy.
    pub data: Vec<u64>,
}

/// Runs hooks inside the simulator.
#[derive(Debug, Clone)]
pub struct SimHookRunner {
    host: SimHost,
    calls: Arc<Mutex<Vec<HookPhase>>>,
    reads: Arc<Mutex<Vec<BackupRead>>>,
}

impl SimHookRunner {
    /// A runner on this host (its faults decide how hooks behave).
    pub fn new(host: SimHost) -> Self {
        Self {
            host,
            calls: Arc::default(),
            reads: Arc::default(),
        }
    }

    /// The phases run so far, in order.
    pub fn calls(&self) -> Vec<HookPhase> {
        self.calls.lock().map(|c| c.clone()).unwrap_or_default()
    }

    /// What the backup hooks read.
    pub fn backup_reads(&self) -> Vec<BackupRead> {
        self.reads.lock().map(|r| r.clone()).unwrap_or_default()
    }
}

impl HookRunner for SimHookRunner {
    fn run(
        &self,
        spec: &HookSpec,
        context: &HookContext,
        output: &mut dyn FnMut(&str),
    ) -> Result<HookOutcome, HookError> {
        let phase = context.phase;
        let simulated = |message: String| HookError::Simulated { phase, message };
        if let Ok(mut calls) = self.calls.lock() {
            calls.push(phase);
        }
        let fault = self
            .host
            .with_state(|s| {
                s.faults
                    .hooks
                    .iter()
                    .find(|(p, _)| *p == phase)
                    .map(|(_, f)| *f)
            })
            .map_err(|e| simulated(e.to_string()))?;
        output(&format!(
            "simulated {phase} hook: {}",
            spec.program.display()
        ));
        if phase == HookPhase::Backup {
            for copy in &context.exposed {
                let data = self
                    .host
                    .with_state(|s| s.split_copy_data(&copy.lv))
                    .map_err(|e| simulated(e.to_string()))?
                    .ok_or_else(|| {
                        simulated(format!("{} is not split: nothing to read", copy.lv))
                    })?;
                if let Ok(mut reads) = self.reads.lock() {
                    reads.push(BackupRead {
                        lv: copy.lv.clone(),
                        data,
                    });
                }
            }
        }
        let (status, duration) = match fault {
            None => (HookStatus::Succeeded, Duration::ZERO),
            Some(HookFault::Fail) => (HookStatus::Failed { code: 1 }, Duration::ZERO),
            Some(HookFault::Hang) => (HookStatus::TimedOut, spec.timeout),
        };
        Ok(HookOutcome {
            status,
            duration,
            log: None,
        })
    }
}
