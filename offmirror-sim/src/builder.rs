//! Builds simulated hosts: volume groups with disks, mirrored LVs laid out copy by copy,
//! file systems, stale partitions, missing disks.

use std::collections::HashMap;

use offmirror_core::{
    Dialect, FileSystem, Inventory, LogDevice, LogicalVolume, LvBlocker, LvName, LvType,
    MirrorCopy, MountPoint, PhysicalVolume, PpRef, PvName, PvState, Vfs, VgName, VolumeGroup,
};

use crate::{SimError, SimHost, SimState};

/// Builds a host step by step; names are checked, mistakes are collected and reported by
/// [`HostBuilder::build`].
///
/// ```
/// use offmirror_core::{LvType, Vfs};
/// use offmirror_sim::HostBuilder;
/// let host = HostBuilder::new()
///     .vg("datavg", &["hdisk1", "hdisk2"], 100)
///     .lv("datavg", "datalv", LvType::Jfs2, 10, 2)
///     .fs("datalv", "/data", Vfs::Jfs2, true, None)
///     .build()?;
/// # Ok::<(), offmirror_sim::SimError>(())
/// ```
///
/// A Linux host: disks are device paths, LVs raid1 with one image per PV, and the host
/// speaks LVM2 ([`HostBuilder::dialect`]).
///
/// ```
/// use offmirror_core::{Dialect, LvBlocker, LvType, Mechanism, Vfs, VolumeManager};
/// use offmirror_sim::HostBuilder;
/// let host = HostBuilder::new()
///     .dialect(Dialect::Lvm2)
///     .vg("vg0", &["/dev/vdb", "/dev/vdc"], 100)
///     .lv("vg0", "data", LvType::Xfs, 10, 2)
///     .fs("data", "/srv/data", Vfs::Xfs, true, None)
///     .lv("vg0", "busy", LvType::Raw, 10, 2)
///     .blocker("busy", LvBlocker::Inactive)
///     .build()?;
/// assert_eq!(host.capabilities().mechanisms, vec![Mechanism::TrackedImageSplit]);
/// # Ok::<(), offmirror_sim::SimError>(())
/// ```
#[derive(Debug, Default)]
pub struct HostBuilder {
    inventory: Inventory,
    next_pp: HashMap<(usize, usize), u32>,
    errors: Vec<String>,
    dialect: Option<Dialect>,
}

impl HostBuilder {
    /// An empty host.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds a varied-on volume group with these disks of `pps` partitions each.
    pub fn vg(mut self, name: &str, disks: &[&str], pps: u32) -> Self {
        let Some(vg) = self.name(VgName::new(name)) else {
            return self;
        };
        let pvs = disks
            .iter()
            .filter_map(|d| {
                PvName::new(*d)
                    .map_err(|e| self.errors.push(e.to_string()))
                    .ok()
            })
            .map(|name| PhysicalVolume {
                name,
                state: PvState::Active,
                total_pps: pps,
            })
            .collect();
        self.inventory.vgs.push(VolumeGroup {
            name: vg,
            varied_on: true,
            pp_size_mb: 64,
            pvs,
            lvs: Vec::new(),
            snapshot: None,
            snapshot_of: None,
        });
        self
    }

    /// Adds an LV with `copies` copies, copy `c` laid on the VG's disk `c - 1` (wrapping
    /// round when the VG has fewer disks than copies, which puts two copies on one disk).
    pub fn lv(self, vg: &str, name: &str, lv_type: LvType, lps: u32, copies: u8) -> Self {
        let layout: Vec<usize> = (0..usize::from(copies)).collect();
        self.lv_layout(vg, name, lv_type, lps, &layout)
    }

    /// Adds an LV whose copy `i` lives on the VG's disk `disks[i]` (an index).
    pub fn lv_layout(
        mut self,
        vg: &str,
        name: &str,
        lv_type: LvType,
        lps: u32,
        disks: &[usize],
    ) -> Self {
        let Some(lv_name) = self.name(LvName::new(name)) else {
            return self;
        };
        let Some(vi) = self
            .inventory
            .vgs
            .iter()
            .position(|v| v.name.as_str() == vg)
        else {
            self.errors.push(format!("LV {name}: no volume group {vg}"));
            return self;
        };
        let npvs = self.inventory.vgs.get(vi).map_or(0, |v| v.pvs.len());
        if npvs == 0 {
            self.errors
                .push(format!("LV {name}: volume group {vg} has no disks"));
            return self;
        }
        let mut copies = Vec::new();
        for &disk in disks {
            let pv = disk % npvs;
            let next = self.next_pp.entry((vi, pv)).or_insert(1);
            let pps = (0..lps)
                .map(|i| {
                    Some(PpRef {
                        pv: pv as u16,
                        pp: *next + i,
                        stale: false,
                    })
                })
                .collect();
            *next += lps;
            copies.push(MirrorCopy { pps });
        }
        if let Some(v) = self.inventory.vgs.get_mut(vi) {
            v.lvs.push(LogicalVolume {
                name: lv_name,
                lv_type,
                lps,
                copies,
                open: false,
                split: None,
                blockers: Vec::new(),
            });
        }
        self
    }

    /// Adds a file system on an LV; `log` names its log LV (`None`: inline log).
    pub fn fs(mut self, lv: &str, mount: &str, vfs: Vfs, mounted: bool, log: Option<&str>) -> Self {
        let (Some(device), Some(mount_point)) = (
            self.name(LvName::new(lv)),
            self.name(MountPoint::new(mount)),
        ) else {
            return self;
        };
        let log = match log {
            None => LogDevice::Inline,
            Some(l) => match self.name(LvName::new(l)) {
                Some(l) => LogDevice::Lv(l),
                None => return self,
            },
        };
        if let Some(l) = self.lv_mut(lv) {
            l.open = mounted;
        } else {
            self.errors.push(format!("file system {mount}: no LV {lv}"));
        }
        self.inventory.filesystems.push(FileSystem {
            mount_point,
            device,
            vfs,
            mounted,
            log,
        });
        self
    }

    /// Marks the first `count` partitions of an LV's copy stale.
    pub fn stale(mut self, lv: &str, copy: u8, count: u32) -> Self {
        let Some(l) = self.lv_mut(lv) else {
            self.errors.push(format!("stale: no LV {lv}"));
            return self;
        };
        let c = usize::from(copy.saturating_sub(1));
        if let Some(copy) = l.copies.get_mut(c) {
            for pp in copy.pps.iter_mut().take(count as usize).flatten() {
                pp.stale = true;
            }
        }
        self
    }

    /// Sets a disk's state.
    pub fn pv_state(mut self, pv: &str, state: PvState) -> Self {
        for vg in &mut self.inventory.vgs {
            for p in &mut vg.pvs {
                if p.name.as_str() == pv {
                    p.state = state;
                }
            }
        }
        self
    }

    /// Varies a volume group off.
    pub fn varied_off(mut self, vg: &str) -> Self {
        for v in &mut self.inventory.vgs {
            if v.name.as_str() == vg {
                v.varied_on = false;
            }
        }
        self
    }

    /// Adds a condition that stops the LV from being split now (as the LVM2 backend reports
    /// them: a mirror not in sync, an inactive LV, ...). The planner skips the LV with a
    /// warning and the simulator refuses to split it.
    pub fn blocker(mut self, lv: &str, blocker: LvBlocker) -> Self {
        match self.lv_mut(lv) {
            Some(l) => l.blockers.push(blocker),
            None => self.errors.push(format!("blocker: no LV {lv}")),
        }
        self
    }

    /// Makes the built host speak `dialect` and offer its mechanisms (see
    /// [`SimState::set_dialect`]); without it the host is AIX-flavoured. Applies to
    /// [`HostBuilder::build`] and [`HostBuilder::state`], not to the bare inventory.
    pub fn dialect(mut self, dialect: Dialect) -> Self {
        self.dialect = Some(dialect);
        self
    }

    /// Marks an LV open (a raw LV in use by an application).
    pub fn open(mut self, lv: &str) -> Self {
        if let Some(l) = self.lv_mut(lv) {
            l.open = true;
        }
        self
    }

    /// The inventory built so far.
    pub fn inventory(self) -> Result<Inventory, SimError> {
        if self.errors.is_empty() {
            Ok(self.inventory)
        } else {
            Err(SimError::Build(self.errors.join("; ")))
        }
    }

    /// The host's state, every partition at data version 0.
    pub fn state(self) -> Result<SimState, SimError> {
        let dialect = self.dialect;
        let mut state = SimState::new(self.inventory()?);
        if let Some(d) = dialect {
            state.set_dialect(d);
        }
        Ok(state)
    }

    /// The host.
    pub fn build(self) -> Result<SimHost, SimError> {
        self.state().map(SimHost::new)
    }

    fn lv_mut(&mut self, name: &str) -> Option<&mut LogicalVolume> {
        self.inventory
            .vgs
            .iter_mut()
            .flat_map(|v| v.lvs.iter_mut())
            .find(|l| l.name.as_str() == name)
    }

    fn name<T>(&mut self, r: Result<T, offmirror_core::NameError>) -> Option<T> {
        r.map_err(|e| self.errors.push(e.to_string())).ok()
    }
}
