//! AIX words for LV types and disk states, and the core types they become.

use offmirror_core::{LvType, PvName, PvState};

use crate::parse;

/// The core type of an LV whose `lsvg -l` TYPE is `word` (`None` for `???????`).
///
/// | AIX TYPE | core |
/// |---|---|
/// | `jfs`, `jfs2`, `jfslog`, `jfs2log`, `paging`, `boot`, `sysdump` | the same |
/// | `dump` | sysdump |
/// | `raw` | raw |
/// | anything else, and unknown (`???????`) | raw |
///
/// AIX lets an administrator give any word as the type (`mklv -t`); databases often
/// use `raw` or their own word for volumes they read and write directly. Such an LV is
/// not a file system, a log, a boot, dump or paging device, so it is treated as a raw
/// data volume: it is split only when a request names it, by a per-LV mechanism, and
/// exposed as its raw device. The words AIX uses for system LVs map to the types the
/// planner never splits, so an unknown word cannot make a system LV splittable.
///
/// ```
/// use offmirror_aix::inventory::lv_type;
/// use offmirror_core::LvType;
/// assert_eq!(lv_type(Some("jfs2log")), LvType::Jfs2log);
/// assert_eq!(lv_type(Some("dump")), LvType::Sysdump);
/// assert_eq!(lv_type(Some("oradata")), LvType::Raw);
/// assert_eq!(lv_type(None), LvType::Raw);
/// ```
pub fn lv_type(word: Option<&str>) -> LvType {
    let Some(word) = word else {
        return LvType::Raw;
    };
    match word.to_ascii_lowercase().as_str() {
        "jfs" => LvType::Jfs,
        "jfs2" => LvType::Jfs2,
        "jfslog" => LvType::Jfslog,
        "jfs2log" => LvType::Jfs2log,
        "paging" => LvType::Paging,
        "boot" => LvType::Boot,
        "sysdump" | "dump" => LvType::Sysdump,
        _ => LvType::Raw,
    }
}

/// The core state of a disk as `lsvg -p` printed it (`None` for `???????`).
///
/// `active` and `concurrent` are usable; `missing`, `locked`, `varied off` and unknown
/// states are missing; `removed` and any other word (such as the state of a disk handed
/// to a `splitvg` snapshot volume group, which the original VG no longer uses) are
/// removed.
pub fn pv_state(state: Option<&parse::PvState>) -> PvState {
    match state {
        Some(parse::PvState::Active | parse::PvState::Concurrent) => PvState::Active,
        Some(parse::PvState::Removed | parse::PvState::Other(_)) => PvState::Removed,
        Some(parse::PvState::Missing | parse::PvState::Locked | parse::PvState::VariedOff)
        | None => PvState::Missing,
    }
}

/// The disk name for a name `lsvg -p` or `lsvg -M` printed, `None` for an unusable one.
///
/// A disk the ODM no longer knows is listed by its 16-digit PVID, which is kept whole.
///
/// ```
/// use offmirror_aix::inventory::pv_name;
/// assert_eq!(pv_name("hdisk1").map(|p| p.to_string()).as_deref(), Some("hdisk1"));
/// assert_eq!(pv_name("00ce4b6a01292201").map(|p| p.to_string()).as_deref(), Some("00ce4b6a01292201"));
/// assert!(pv_name("bad name").is_none());
/// ```
pub fn pv_name(printed: &str) -> Option<PvName> {
    PvName::new(printed).ok()
}
