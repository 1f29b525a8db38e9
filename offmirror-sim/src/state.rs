//! The simulated host's state and the rules of its operations, as AIX applies them (and,
//! for the tracked raid1 image split, as Linux LVM2 does: see `lvm2.rs`).
//!
//! The state is the core [`Inventory`] (with split marks, stale flags and the snapshot
//! relation of VGs) plus what LVM keeps below it: a data version per physical partition,
//! which mechanism split what, frozen file systems, running resyncs, mounted split images.
//! Every operation is idempotent: repeating one whose effect is in place reports
//! `AlreadyDone`.

use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;

use serde::{Deserialize, Serialize};

use offmirror_core::{
    Applied, BackendError, CopyNumber, Dialect, Inventory, LogicalVolume, LvBlocker, LvName,
    Mechanism, MirrorCopy, MountPoint, SplitMark, SplitName, SplitUnit, SplitVia, VgName,
};

use crate::faults::{Faults, OpKind};
use crate::rng;

/// Application writes the simulator makes on its own.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct WriteLoad {
    /// Logical partitions written before each backend operation (0 = an idle host).
    pub per_op: u32,
    /// Also write to the split side of a VG split (like an `fsck` of the snapshot), which
    /// the rejoin must undo.
    #[serde(default)]
    pub on_split_side: bool,
}

/// A split in place, as the simulator remembers it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SplitRecord {
    /// The mechanism.
    pub mechanism: Mechanism,
    /// The copy split off.
    pub copy: CopyNumber,
    /// For a full-resync split: the data of the detached copy.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub detached: Option<Vec<u64>>,
    /// For a full-resync split: where the detached copy's partitions were, so the copy is
    /// rebuilt on the same disks.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub detached_map: Option<MirrorCopy>,
}

/// Everything the simulated host holds. Serialisable, so the CLI and the AIX command
/// emulator can keep it in a file between commands.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SimState {
    /// The LVM view.
    pub inventory: Inventory,
    /// Data version per LV, per copy, per logical partition.
    pub data: BTreeMap<LvName, Vec<Vec<u64>>>,
    /// Splits in place, by LV.
    pub splits: BTreeMap<LvName, SplitRecord>,
    /// Primary data of each LV at the moment of its split: what a backup must see.
    pub split_images: BTreeMap<LvName, Vec<u64>>,
    /// Frozen file systems.
    pub frozen: BTreeSet<MountPoint>,
    /// LVs whose stale partitions are being resynchronised.
    pub resyncing: BTreeSet<LvName>,
    /// Stale partitions resynchronised per progress poll.
    pub resync_rate: u64,
    /// Application writes.
    pub writes: WriteLoad,
    /// Injected faults.
    pub faults: Faults,
    /// Operations performed so far, per kind.
    pub op_counts: BTreeMap<OpKind, u64>,
    /// Operations performed so far.
    pub ops: u64,
    /// The host has crashed (see [`Faults::crash_after_ops`]).
    pub crashed: bool,
    /// Last data version written.
    pub version: u64,
    /// Random generator state.
    pub rng: u64,
    /// The mechanisms this host offers (all of the dialect's unless restricted for a
    /// test; see [`SimState::set_dialect`]).
    pub mechanisms: Vec<Mechanism>,
    /// Whose commands the host speaks, as its capabilities report it: AIX (the default)
    /// or Linux LVM2 (see [`SimState::set_dialect`]).
    #[serde(default, skip_serializing_if = "is_aix")]
    pub dialect: Dialect,
    /// Split raid1 images mounted read-only by `expose` (LVM2 tracked splits of ext4 and
    /// XFS), by LV, with where they are mounted: LVM2 refuses to merge a mounted image.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub exposed: BTreeMap<LvName, PathBuf>,
}

fn is_aix(dialect: &Dialect) -> bool {
    *dialect == Dialect::Aix
}

/// The mechanisms of a simulated AIX host.
const AIX_MECHANISMS: [Mechanism; 4] = [
    Mechanism::VgSplit,
    Mechanism::FsSplitCopy,
    Mechanism::LvCopy,
    Mechanism::FullResyncSplit,
];

impl SimState {
    /// A state for an inventory, every partition holding version 0.
    pub fn new(inventory: Inventory) -> Self {
        let data = inventory
            .vgs
            .iter()
            .flat_map(|vg| vg.lvs.iter())
            .map(|lv| {
                (
                    lv.name.clone(),
                    vec![vec![0; lv.lps as usize]; lv.copies.len()],
                )
            })
            .collect();
        Self {
            inventory,
            data,
            splits: BTreeMap::new(),
            split_images: BTreeMap::new(),
            frozen: BTreeSet::new(),
            resyncing: BTreeSet::new(),
            resync_rate: 64,
            writes: WriteLoad::default(),
            faults: Faults::default(),
            op_counts: BTreeMap::new(),
            ops: 0,
            crashed: false,
            version: 0,
            rng: 0x5EED,
            mechanisms: AIX_MECHANISMS.to_vec(),
            dialect: Dialect::Aix,
            exposed: BTreeMap::new(),
        }
    }

    /// Makes the host speak `dialect` and offer that dialect's mechanisms: AIX's four
    /// (`vg_split`, `fs_split_copy`, `lv_copy`, `full_resync_split`), or for
    /// [`Dialect::Lvm2`] a Linux host with the tracked raid1 image split only
    /// ([`Mechanism::TrackedImageSplit`]), whose problems' fixes name LVM2 commands.
    ///
    /// ```
    /// use offmirror_core::{Dialect, Inventory, Mechanism, VolumeManager};
    /// use offmirror_sim::{SimHost, SimState};
    /// let mut state = SimState::new(Inventory::default());
    /// state.set_dialect(Dialect::Lvm2);
    /// let caps = SimHost::new(state).capabilities();
    /// assert_eq!(caps.dialect, Dialect::Lvm2);
    /// assert_eq!(caps.mechanisms, vec![Mechanism::TrackedImageSplit]);
    /// ```
    pub fn set_dialect(&mut self, dialect: Dialect) {
        self.dialect = dialect;
        self.mechanisms = match dialect {
            Dialect::Lvm2 => vec![Mechanism::TrackedImageSplit],
            _ => AIX_MECHANISMS.to_vec(),
        };
    }

    /// Counts an operation and applies faults. `Err` means the operation must not happen. `Ok(true)` means it happens but the caller must be told
    /// the host crashed (the effect is in place, the answer is lost).
    pub(crate) fn begin(&mut self, op: OpKind, what: &str) -> Result<bool, BackendError> {
        if self.crashed {
            return Err(BackendError::Gone(format!(
                "simulated host crashed before {what}"
            )));
        }
        self.ops += 1;
        let n = {
            let c = self.op_counts.entry(op).or_insert(0);
            *c += 1;
            *c
        };
        if self
            .faults
            .crash_after_ops
            .is_some_and(|limit| self.ops > limit)
        {
            self.crashed = true;
            if !self.faults.crash_after_effect {
                return Err(BackendError::Gone(format!(
                    "simulated host crashed during {what}"
                )));
            }
            return Ok(true);
        }
        if self.faults.fail.iter().any(|r| r.op == op && r.nth == n) {
            return Err(BackendError::Failed {
                operation: what.to_string(),
                message: "injected failure: the command exited 1 and changed nothing".into(),
                fix: Some("remove the fault from the simulator state".into()),
            });
        }
        Ok(false)
    }

    /// The application writes that happen between two backend operations.
    pub(crate) fn app_writes(&mut self) {
        for _ in 0..self.writes.per_op {
            self.write_random();
        }
    }

    pub(crate) fn lv_mut(&mut self, name: &LvName) -> Option<&mut LogicalVolume> {
        self.inventory
            .vgs
            .iter_mut()
            .flat_map(|vg| vg.lvs.iter_mut())
            .find(|lv| &lv.name == name)
    }

    /// Writes one random logical partition of a random data LV, as an application would.
    pub fn write_random(&mut self) {
        let candidates: Vec<(LvName, u32)> = self
            .inventory
            .vgs
            .iter()
            .filter(|vg| vg.varied_on)
            .flat_map(|vg| vg.lvs.iter())
            .filter(|lv| !lv.lv_type.never_split() && !lv.lv_type.is_log() && lv.lps > 0)
            .filter(|lv| !lv.blockers.contains(&LvBlocker::Inactive))
            .map(|lv| (lv.name.clone(), lv.lps))
            .collect();
        if candidates.is_empty() {
            return;
        }
        let pick = rng::below(&mut self.rng, candidates.len() as u64) as usize;
        let Some((lv, lps)) = candidates.get(pick).cloned() else {
            return;
        };
        let lp = rng::below(&mut self.rng, u64::from(lps)) as usize;
        self.write(&lv, lp);
        if self.writes.on_split_side
            && self
                .splits
                .get(&lv)
                .is_some_and(|r| r.mechanism == Mechanism::VgSplit)
        {
            self.write_split_side(&lv, lp);
        }
    }

    /// The application writes logical partition `lp` (0-based) of `lv`: every copy in use
    /// gets the new data; a split copy does not, and its partition is marked stale so the
    /// rejoin resynchronises it. Writes to a frozen file system wait, so they are dropped.
    pub fn write(&mut self, lv: &LvName, lp: usize) {
        if self.is_frozen(lv) {
            return;
        }
        self.version += 1;
        let version = self.version;
        let split = self.splits.get(lv).map(|r| (r.copy, r.mechanism));
        let Some(copies) = self.data.get_mut(lv) else {
            return;
        };
        for (ci, copy) in copies.iter_mut().enumerate() {
            if split.is_some_and(|(c, m)| c.index() == ci && m != Mechanism::FullResyncSplit) {
                continue;
            }
            if let Some(slot) = copy.get_mut(lp) {
                *slot = version;
            }
        }
        if let Some((copy, mechanism)) = split
            && mechanism != Mechanism::FullResyncSplit
        {
            self.mark_stale(lv, copy.index(), lp);
        }
    }

    /// A write on the split side (the snapshot VG): changes the split copy and marks the
    /// partition stale, so the rejoin overwrites it from the primary.
    pub fn write_split_side(&mut self, lv: &LvName, lp: usize) {
        let Some(record) = self.splits.get(lv).cloned() else {
            return;
        };
        self.version += 1;
        let version = self.version;
        if let Some(slot) = self
            .data
            .get_mut(lv)
            .and_then(|c| c.get_mut(record.copy.index()))
            .and_then(|c| c.get_mut(lp))
        {
            *slot = version;
        }
        self.mark_stale(lv, record.copy.index(), lp);
    }

    fn mark_stale(&mut self, lv: &LvName, copy: usize, lp: usize) {
        if let Some(pp) = self
            .lv_mut(lv)
            .and_then(|l| l.copies.get_mut(copy))
            .and_then(|c| c.pps.get_mut(lp))
            .and_then(Option::as_mut)
        {
            pp.stale = true;
        }
    }

    fn is_frozen(&self, lv: &LvName) -> bool {
        self.inventory
            .filesystems
            .iter()
            .any(|fs| &fs.device == lv && self.frozen.contains(&fs.mount_point))
    }

    pub(crate) fn vg_index(&self, name: &VgName) -> Option<usize> {
        self.inventory.vgs.iter().position(|vg| &vg.name == name)
    }

    /// Splits a unit, checking AIX's rules first (LVM2's for a tracked image split).
    pub(crate) fn split(&mut self, unit: &SplitUnit) -> Result<Applied, BackendError> {
        if unit.mechanism == Mechanism::TrackedImageSplit {
            return self.split_tracked(unit);
        }
        let what = format!("split {} {}", unit.mechanism, unit.vg);
        let refuse = |message: String| BackendError::Failed {
            operation: what.clone(),
            message,
            fix: None,
        };
        if unit
            .lvs
            .iter()
            .all(|l| self.splits.get(&l.lv).is_some_and(|r| r.copy == unit.copy))
        {
            return Ok(Applied::AlreadyDone);
        }
        let vi = self
            .vg_index(&unit.vg)
            .ok_or_else(|| refuse(format!("0516-306 Unable to find volume group {}", unit.vg)))?;
        for ulv in &unit.lvs {
            let lv = self
                .inventory
                .vgs
                .get(vi)
                .and_then(|vg| vg.lvs.iter().find(|l| l.name == ulv.lv))
                .ok_or_else(|| {
                    refuse(format!("0516-306 Unable to find logical volume {}", ulv.lv))
                })?;
            if self.splits.contains_key(&lv.name) {
                return Err(refuse(format!(
                    "{}: only one copy may be split off at a time",
                    lv.name
                )));
            }
            let copy = lv
                .copy(unit.copy)
                .filter(|c| c.is_complete())
                .ok_or_else(|| refuse(format!("{} has no complete copy {}", lv.name, unit.copy)))?;
            if copy.stale_pps() > 0 || lv.stale_pps() > 0 {
                return Err(refuse(format!(
                    "{} has stale partitions; run syncvg -l {}",
                    lv.name, lv.name
                )));
            }
            if lv.copy_count() < 2 {
                return Err(refuse(format!("{} is not mirrored", lv.name)));
            }
            if unit.mechanism == Mechanism::FsSplitCopy {
                let mounted = self
                    .inventory
                    .filesystems
                    .iter()
                    .any(|fs| fs.device == lv.name && fs.mounted);
                if !mounted {
                    return Err(refuse(format!(
                        "the file system on {} is not mounted",
                        lv.name
                    )));
                }
            }
        }
        if unit.mechanism == Mechanism::VgSplit {
            let vg = self
                .inventory
                .vgs
                .get(vi)
                .ok_or_else(|| refuse("volume group vanished".into()))?;
            if vg.is_root() {
                return Err(refuse("splitvg cannot split rootvg".into()));
            }
            if vg.lvs.len() != unit.lvs.len() {
                return Err(refuse("splitvg splits every LV of the volume group".into()));
            }
            if vg.snapshot.is_some() {
                return Err(refuse(format!(
                    "{} already has a snapshot volume group",
                    vg.name
                )));
            }
        }
        for ulv in &unit.lvs {
            self.split_lv(&ulv.lv, unit)?;
        }
        if let (Mechanism::VgSplit, SplitName::SnapshotVg(snap)) =
            (unit.mechanism, &unit.split_name)
            && let Some(vg) = self.inventory.vgs.get_mut(vi)
        {
            vg.snapshot = Some(snap.clone());
        }
        Ok(Applied::Done)
    }

    pub(crate) fn split_lv(&mut self, name: &LvName, unit: &SplitUnit) -> Result<(), BackendError> {
        let image = self
            .data
            .get(name)
            .and_then(|c| c.first())
            .cloned()
            .unwrap_or_default();
        self.split_images.insert(name.clone(), image);
        let via = match &unit.split_name {
            SplitName::SnapshotVg(vg) => SplitVia::SnapshotVg {
                vg: vg.clone(),
                lv: name.clone(),
            },
            SplitName::BackupLv(lv) => SplitVia::BackupLv { lv: lv.clone() },
            SplitName::SplitMount(mp) => SplitVia::FsSplitCopy {
                mount_point: mp.clone(),
            },
            SplitName::DetachedLv(lv) => SplitVia::Detached { lv: lv.clone() },
            SplitName::TrackedImage(image) => SplitVia::TrackedImage {
                image: image.clone(),
            },
        };
        let mut detached = None;
        let mut detached_map = None;
        if unit.mechanism == Mechanism::FullResyncSplit {
            // splitlvcopy: the copy leaves the LV for good.
            if let Some(copies) = self.data.get_mut(name)
                && unit.copy.index() < copies.len()
            {
                detached = Some(copies.remove(unit.copy.index()));
            }
            if let Some(lv) = self.lv_mut(name)
                && unit.copy.index() < lv.copies.len()
            {
                detached_map = Some(lv.copies.remove(unit.copy.index()));
            }
        }
        if let Some(lv) = self.lv_mut(name) {
            lv.split = Some(SplitMark {
                copy: unit.copy,
                via,
            });
        }
        self.splits.insert(
            name.clone(),
            SplitRecord {
                mechanism: unit.mechanism,
                copy: unit.copy,
                detached,
                detached_map,
            },
        );
        Ok(())
    }

    /// Rejoins a unit. Tracked mechanisms leave the partitions written while split stale;
    /// the full-resync mechanism adds the copy back entirely stale.
    pub(crate) fn rejoin(&mut self, unit: &SplitUnit) -> Result<Applied, BackendError> {
        if unit.mechanism == Mechanism::TrackedImageSplit {
            return self.rejoin_tracked(unit);
        }
        let mut did = false;
        for ulv in &unit.lvs {
            let Some(record) = self.splits.remove(&ulv.lv) else {
                continue;
            };
            did = true;
            if let Some(detached) = record.detached {
                // rmlv of the detached LV, then mklvcopy: a new copy, all stale.
                let index = record.copy.index();
                if let Some(copies) = self.data.get_mut(&ulv.lv) {
                    let at = index.min(copies.len());
                    copies.insert(at, detached);
                }
                if let Some(lv) = self.lv_mut(&ulv.lv) {
                    // mklvcopy on the disks the copy left: every partition new, so stale.
                    let mut copy = record.detached_map.clone().unwrap_or_default();
                    copy.pps.resize(lv.lps as usize, None);
                    for pp in copy.pps.iter_mut().flatten() {
                        pp.stale = true;
                    }
                    let at = index.min(lv.copies.len());
                    lv.copies.insert(at, copy);
                }
            }
            if let Some(lv) = self.lv_mut(&ulv.lv) {
                lv.split = None;
            }
            if unit.mechanism == Mechanism::VgSplit {
                // joinvg resynchronises in the background by itself.
                self.resyncing.insert(ulv.lv.clone());
            }
        }
        if let Some(vg) = self.inventory.vgs.iter_mut().find(|vg| vg.name == unit.vg)
            && unit.mechanism == Mechanism::VgSplit
            && vg.snapshot.take().is_some()
        {
            did = true;
        }
        Ok(if did {
            Applied::Done
        } else {
            Applied::AlreadyDone
        })
    }

    /// Starts resynchronising a unit's stale partitions (syncvg).
    pub(crate) fn start_resync(&mut self, unit: &SplitUnit) -> Applied {
        let mut did = false;
        for ulv in &unit.lvs {
            let stale = self
                .inventory
                .lv(&ulv.lv)
                .is_some_and(|(_, lv)| lv.stale_pps() > 0);
            if stale && !self.splits.contains_key(&ulv.lv) && self.resyncing.insert(ulv.lv.clone())
            {
                did = true;
            }
        }
        if did {
            Applied::Done
        } else {
            Applied::AlreadyDone
        }
    }

    /// Stale partitions of the unit's LVs now; running resyncs then make progress.
    pub(crate) fn stale_pps(&mut self, unit: &SplitUnit) -> u64 {
        let stale = unit
            .lvs
            .iter()
            .filter_map(|l| self.inventory.lv(&l.lv))
            .map(|(_, lv)| lv.stale_pps())
            .sum();
        self.advance_resync();
        stale
    }

    /// Copies up to `resync_rate` stale partitions from a current copy.
    fn advance_resync(&mut self) {
        let mut budget = self.resync_rate.max(1);
        let names: Vec<LvName> = self.resyncing.iter().cloned().collect();
        for name in names {
            let Some(lv) = self.inventory.lv(&name).map(|(_, lv)| lv.clone()) else {
                self.resyncing.remove(&name);
                continue;
            };
            let mut fixed = Vec::new();
            'lps: for lp in 0..lv.lps as usize {
                for (ci, copy) in lv.copies.iter().enumerate() {
                    if budget == 0 {
                        break 'lps;
                    }
                    if copy.pps.get(lp).copied().flatten().is_some_and(|p| p.stale) {
                        let source = lv.copies.iter().enumerate().find(|(si, c)| {
                            *si != ci && c.pps.get(lp).copied().flatten().is_some_and(|p| !p.stale)
                        });
                        if let Some((si, _)) = source {
                            fixed.push((ci, si, lp));
                            budget -= 1;
                        }
                    }
                }
            }
            for (ci, si, lp) in &fixed {
                if let Some(copies) = self.data.get_mut(&name) {
                    let value = copies.get(*si).and_then(|c| c.get(*lp)).copied();
                    if let (Some(v), Some(slot)) =
                        (value, copies.get_mut(*ci).and_then(|c| c.get_mut(*lp)))
                    {
                        *slot = v;
                    }
                }
                if let Some(pp) = self
                    .lv_mut(&name)
                    .and_then(|l| l.copies.get_mut(*ci))
                    .and_then(|c| c.pps.get_mut(*lp))
                    .and_then(Option::as_mut)
                {
                    pp.stale = false;
                }
            }
            let done = self
                .inventory
                .lv(&name)
                .is_none_or(|(_, l)| l.stale_pps() == 0);
            if done {
                self.resyncing.remove(&name);
            }
            if budget == 0 {
                break;
            }
        }
    }

    /// The data of an LV's split copy as it is now (what a backup reads).
    pub fn split_copy_data(&self, lv: &LvName) -> Option<Vec<u64>> {
        let record = self.splits.get(lv)?;
        if let Some(d) = &record.detached {
            return Some(d.clone());
        }
        self.data.get(lv)?.get(record.copy.index()).cloned()
    }

    /// Every way the host differs from "all copies rejoined, current and identical,
    /// nothing frozen or split". Empty when it is in its safe end state.
    pub fn safe_state_violations(&self) -> Vec<String> {
        let mut out = Vec::new();
        for mp in &self.frozen {
            out.push(format!("{mp} is still frozen"));
        }
        for (lv, at) in &self.exposed {
            out.push(format!(
                "the split image of {lv} is still mounted on {}",
                at.display()
            ));
        }
        for lv in self.splits.keys() {
            out.push(format!("{lv} still has a split copy"));
        }
        for vg in &self.inventory.vgs {
            if let Some(s) = &vg.snapshot {
                out.push(format!("{} still has snapshot VG {s}", vg.name));
            }
            for lv in &vg.lvs {
                if lv.split.is_some() {
                    out.push(format!("{} is marked split", lv.name));
                }
                let stale = lv.stale_pps();
                if stale > 0 {
                    out.push(format!("{} has {stale} stale partition(s)", lv.name));
                }
                if let Some(copies) = self.data.get(&lv.name) {
                    if let Some((first, rest)) = copies.split_first() {
                        for (i, c) in rest.iter().enumerate() {
                            if c != first {
                                out.push(format!("{} copy {} differs from copy 1", lv.name, i + 2));
                            }
                        }
                    }
                    if copies.len() != lv.copies.len() {
                        out.push(format!(
                            "{} has data for {} copies but {} copies",
                            lv.name,
                            copies.len(),
                            lv.copies.len()
                        ));
                    }
                }
            }
        }
        out
    }
}
