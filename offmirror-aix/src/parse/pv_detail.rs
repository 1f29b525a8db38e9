//! `lspv PV`: the physical-volume detail screen.

use serde::{Deserialize, Serialize};

use super::error::ParseError;
use super::screen::{Screen, ScreenLayout};
use super::states::PvState;
use super::values::{parse_distribution, unless_none_word};

const LAYOUT: ScreenLayout = ScreenLayout {
    command: "lspv",
    right_labels: &[
        "VOLUME GROUP:",
        "VG IDENTIFIER:",
        "ALLOCATABLE:",
        "LOGICAL VOLUMES:",
        "VG DESCRIPTORS:",
        "HOT SPARE:",
        "MAX REQUEST:",
    ],
    // AIX prints this label without its colon, right after the PVID and one blank.
    colonless_labels: &["VG IDENTIFIER"],
};

/// What `lspv PV` shows about one disk.
///
/// Everything except the name is optional: a field is `None` when the release does
/// not print it or AIX printed `???????` for it (as it does for a disk whose group is
/// varied off).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PvDetail {
    /// `PHYSICAL VOLUME:`.
    pub name: String,
    /// `VOLUME GROUP:`.
    pub vg_name: Option<String>,
    /// `PV IDENTIFIER:`.
    pub pvid: Option<String>,
    /// `VG IDENTIFIER`.
    pub vg_identifier: Option<String>,
    /// `PV STATE:`.
    pub state: Option<PvState>,
    /// `STALE PARTITIONS:`: stale PPs on this disk.
    pub stale_partitions: Option<u32>,
    /// `ALLOCATABLE:`.
    pub allocatable: Option<bool>,
    /// `PP SIZE:` in bytes.
    pub pp_size_bytes: Option<u64>,
    /// `LOGICAL VOLUMES:`: LVs with partitions on this disk.
    pub logical_volumes: Option<u32>,
    /// `TOTAL PPs:`.
    pub total_pps: Option<u32>,
    /// `FREE PPs:`.
    pub free_pps: Option<u32>,
    /// `USED PPs:`.
    pub used_pps: Option<u32>,
    /// `VG DESCRIPTORS:`.
    pub vg_descriptors: Option<u32>,
    /// `HOT SPARE:`.
    pub hot_spare: Option<bool>,
    /// `MAX REQUEST:` in bytes.
    pub max_request_bytes: Option<u64>,
    /// `FREE DISTRIBUTION:` per region, outer edge to inner edge.
    pub free_distribution: Option<Vec<u32>>,
    /// `USED DISTRIBUTION:` per region, outer edge to inner edge.
    pub used_distribution: Option<Vec<u32>>,
    /// `MIRROR POOL:` (AIX 6.1+); `None` for `None`.
    pub mirror_pool: Option<String>,
}

/// Parses the screen `lspv PV` prints.
///
/// # Errors
///
/// A line without any label, a missing or unknown `PHYSICAL VOLUME:`, or a number,
/// size, flag or distribution field whose value is not one.
///
/// # Example
///
/// ```rust
/// use offmirror_aix::parse::{PvState, parse_pv_detail};
///
/// let text = "\
/// PHYSICAL VOLUME:    hdisk0                   VOLUME GROUP:     rootvg
/// PV IDENTIFIER:      00f9280c31fc0ae6 VG IDENTIFIER     00f9280c00004c00000001737084c416
/// PV STATE:           active
/// STALE PARTITIONS:   4                        ALLOCATABLE:      yes
/// ";
/// let pv = parse_pv_detail(text)?;
/// assert_eq!(pv.pvid.as_deref(), Some("00f9280c31fc0ae6"));
/// assert_eq!(pv.vg_identifier.as_deref(), Some("00f9280c00004c00000001737084c416"));
/// assert_eq!(pv.state, Some(PvState::Active));
/// assert_eq!(pv.stale_partitions, Some(4));
/// # Ok::<(), offmirror_aix::parse::ParseError>(())
/// ```
pub fn parse_pv_detail(text: &str) -> Result<PvDetail, ParseError> {
    let screen = Screen::parse(&LAYOUT, text)?;
    let distribution = |key: &'static str| {
        screen.convert(
            screen.raw(key),
            key,
            "numbers separated by ..",
            parse_distribution,
        )
    };
    Ok(PvDetail {
        name: screen.required("PHYSICAL VOLUME")?.to_owned(),
        vg_name: screen.string("VOLUME GROUP"),
        pvid: screen.string("PV IDENTIFIER"),
        vg_identifier: screen.string("VG IDENTIFIER"),
        state: screen.text("PV STATE").map(PvState::parse),
        stale_partitions: screen.count("STALE PARTITIONS")?,
        allocatable: screen.flag("ALLOCATABLE")?,
        pp_size_bytes: screen.size("PP SIZE")?,
        logical_volumes: screen.count("LOGICAL VOLUMES")?,
        total_pps: screen.count("TOTAL PPs")?,
        free_pps: screen.count("FREE PPs")?,
        used_pps: screen.count("USED PPs")?,
        vg_descriptors: screen.count("VG DESCRIPTORS")?,
        hot_spare: screen.flag("HOT SPARE")?,
        max_request_bytes: screen.size("MAX REQUEST")?,
        free_distribution: distribution("FREE DISTRIBUTION")?,
        used_distribution: distribution("USED DISTRIBUTION")?,
        mirror_pool: unless_none_word(screen.text("MIRROR POOL")).map(str::to_owned),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn varied_off_group_shows_question_marks() -> Result<(), ParseError> {
        let text = "0516-010 : Volume group must be varied on; use varyonvg command.\r\n\
                    PHYSICAL VOLUME:    hdisk2                   VOLUME GROUP:     datavg\r\n\
                    PV IDENTIFIER:      00f9280c31fc0ae6 VG IDENTIFIER     ???????\r\n\
                    PV STATE:           varied off\r\n\
                    STALE PARTITIONS:   ???????                  ALLOCATABLE:      ???????\r\n\
                    PP SIZE:            ???????                  LOGICAL VOLUMES:  ???????\r\n\
                    TOTAL PPs:          ??????? (??????? megabytes) VG DESCRIPTORS:   ???????\r\n\
                    FREE DISTRIBUTION:  ???????\r\n";
        let pv = parse_pv_detail(text)?;
        assert_eq!(pv.name, "hdisk2");
        assert_eq!(pv.vg_identifier, None);
        assert_eq!(pv.state, Some(PvState::VariedOff));
        assert_eq!(pv.stale_partitions, None);
        assert_eq!(pv.allocatable, None);
        assert_eq!(pv.pp_size_bytes, None);
        assert_eq!(pv.logical_volumes, None);
        assert_eq!((pv.total_pps, pv.vg_descriptors), (None, None));
        assert_eq!(pv.free_distribution, None);
        Ok(())
    }

    #[test]
    fn colon_after_vg_identifier_also_works() -> Result<(), ParseError> {
        let pv =
            parse_pv_detail("PHYSICAL VOLUME: hdisk0\nPV IDENTIFIER: 00aa VG IDENTIFIER: 00bb\n")?;
        assert_eq!(pv.pvid.as_deref(), Some("00aa"));
        assert_eq!(pv.vg_identifier.as_deref(), Some("00bb"));
        Ok(())
    }

    #[test]
    fn bad_distribution_is_an_error() {
        let err = parse_pv_detail("PHYSICAL VOLUME: hdisk0\nUSED DISTRIBUTION: 1..x\n").err();
        assert_eq!(err.as_ref().map(ParseError::line), Some(2));
    }
}
