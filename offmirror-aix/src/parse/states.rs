//! State words shared by several commands: LV open/sync state and PV state.

use serde::{Deserialize, Serialize};

/// Open and sync state of a logical volume.
///
/// `lsvg -l` prints it as `open/syncd`, `closed/stale` ...; `lslv` prints `opened/...`
/// for the same thing. Both spellings read into this one type.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct LvState {
    /// The LV device is open (mounted file system, active paging space, open raw LV).
    pub open: bool,
    /// At least one physical partition of the LV is stale (a mirror copy is behind).
    pub stale: bool,
}

impl LvState {
    /// Reads `open/syncd`, `opened/stale`, `closed/syncd` ... (case-insensitive).
    pub(crate) fn parse(value: &str) -> Option<Self> {
        let (open, sync) = value.split_once('/')?;
        let open = match open.to_ascii_lowercase().as_str() {
            "open" | "opened" => true,
            "closed" => false,
            _ => return None,
        };
        let stale = match sync.to_ascii_lowercase().as_str() {
            "syncd" => false,
            "stale" => true,
            _ => return None,
        };
        Some(Self { open, stale })
    }
}

/// State of a physical volume as `lspv`, `lspv PV` and `lsvg -p` print it.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum PvState {
    /// `active`: the disk is in use by its varied-on volume group.
    Active,
    /// `missing`: the volume group expects the disk but cannot reach it.
    Missing,
    /// `removed`: the disk was taken out of service (`chpv -v r`).
    Removed,
    /// `varied off`: the volume group is not varied on.
    VariedOff,
    /// `concurrent`: the volume group is varied on in concurrent mode (`lspv`).
    Concurrent,
    /// `locked`: the disk is locked by another node (`lspv`).
    Locked,
    /// Any other word, kept as printed.
    Other(String),
}

impl PvState {
    /// Reads the state word (case-insensitive); never fails.
    pub(crate) fn parse(value: &str) -> Self {
        match value.to_ascii_lowercase().as_str() {
            "active" => Self::Active,
            "missing" => Self::Missing,
            "removed" => Self::Removed,
            "varied off" | "variedoff" => Self::VariedOff,
            "concurrent" => Self::Concurrent,
            "locked" => Self::Locked,
            _ => Self::Other(value.to_owned()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lv_states_in_both_spellings() {
        assert_eq!(
            LvState::parse("open/syncd"),
            Some(LvState {
                open: true,
                stale: false
            })
        );
        assert_eq!(
            LvState::parse("opened/stale"),
            Some(LvState {
                open: true,
                stale: true
            })
        );
        assert_eq!(
            LvState::parse("closed/stale"),
            Some(LvState {
                open: false,
                stale: true
            })
        );
        assert_eq!(LvState::parse("closed"), None);
        assert_eq!(LvState::parse("open/dirty"), None);
    }

    #[test]
    fn pv_states() {
        assert_eq!(PvState::parse("active"), PvState::Active);
        assert_eq!(PvState::parse("missing"), PvState::Missing);
        assert_eq!(PvState::parse("varied off"), PvState::VariedOff);
        assert_eq!(PvState::parse("odd"), PvState::Other("odd".into()));
    }
}
