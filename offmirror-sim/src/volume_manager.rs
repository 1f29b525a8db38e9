//! The simulator as a [`VolumeManager`].

use offmirror_core::{Applied, BackendError, Capabilities, Inventory, SplitUnit, VolumeManager};

use crate::SimHost;
use crate::faults::OpKind;

impl VolumeManager for SimHost {
    fn capabilities(&self) -> Capabilities {
        let (mechanisms, dialect) = self
            .with_state(|s| (s.mechanisms.clone(), s.dialect))
            .unwrap_or_default();
        Capabilities {
            backend: "sim".into(),
            mechanisms,
            freeze: true,
            dialect,
            counts_written: true,
        }
    }

    fn inventory(&self) -> Result<Inventory, BackendError> {
        self.with_state(|s| {
            let lost = s.begin(OpKind::Inventory, "inventory")?;
            let inventory = s.inventory.clone();
            s.app_writes();
            answer(lost, "inventory", Ok(inventory))
        })?
    }

    fn split(&self, unit: &SplitUnit) -> Result<Applied, BackendError> {
        let what = format!("split unit {} of {}", unit.id, unit.vg);
        self.with_state(|s| {
            let lost = s.begin(OpKind::Split, &what)?;
            let r = s.split(unit);
            s.app_writes();
            answer(lost, &what, r)
        })?
    }

    fn rejoin(&self, unit: &SplitUnit) -> Result<Applied, BackendError> {
        let what = format!("rejoin unit {} of {}", unit.id, unit.vg);
        self.with_state(|s| {
            let lost = s.begin(OpKind::Rejoin, &what)?;
            let r = s.rejoin(unit);
            s.app_writes();
            answer(lost, &what, r)
        })?
    }

    fn start_resync(&self, unit: &SplitUnit) -> Result<Applied, BackendError> {
        let what = format!("resync unit {} of {}", unit.id, unit.vg);
        self.with_state(|s| {
            let lost = s.begin(OpKind::StartResync, &what)?;
            let r = Ok(s.start_resync(unit));
            s.app_writes();
            answer(lost, &what, r)
        })?
    }

    fn stale_pps(&self, unit: &SplitUnit) -> Result<u64, BackendError> {
        let what = format!("read stale partitions of unit {}", unit.id);
        self.with_state(|s| {
            let lost = s.begin(OpKind::StalePps, &what)?;
            s.app_writes();
            let r = Ok(s.stale_pps(unit));
            answer(lost, &what, r)
        })?
    }
}

/// The answer to a caller: the result, or "gone" when the host crashed after the effect.
pub(crate) fn answer<T>(
    lost: bool,
    what: &str,
    result: Result<T, BackendError>,
) -> Result<T, BackendError> {
    if lost {
        Err(BackendError::Gone(format!(
            "simulated host crashed after {what}"
        )))
    } else {
        result
    }
}
