//! The listing commands: `lsvg`, `lslv`, `lspv`, `lsfs -c`.

use offmirror_core::{CopyNumber, Mechanism, SplitName, VgName, VolumeManager};
use offmirror_sim::SimState;

use super::{Emulator, sim_failure, unit, usage};
use crate::args;
use crate::format;
use crate::messages;
use crate::output::Output;
use crate::view::{HostView, VgView};

const LSVG_USAGE: &str = "[-o] | [-p | -l | -M] VGname ...";

/// The varied-on VG called `name` in the view, or the error AIX prints.
fn listable<'a>(view: &'a HostView, name: &str) -> Result<&'a VgView, Output> {
    let vg = view
        .vg(name)
        .ok_or_else(|| Output::fail(messages::vg_not_found(name)))?;
    if vg.varied_on {
        Ok(vg)
    } else {
        Err(Output::fail(messages::vg_offline()))
    }
}

impl Emulator {
    pub(super) fn lsvg(&mut self, state: &SimState, argv: &[String]) -> Output {
        let parsed = match args::parse(argv, "oplM") {
            Ok(p) => p,
            Err(problem) => return usage("lsvg", &problem, LSVG_USAGE),
        };
        let modes: Vec<char> = parsed.flags.iter().map(|(c, _)| *c).collect();
        let view = HostView::build(state, &self.extras);
        match (modes.as_slice(), parsed.operands.is_empty()) {
            ([], true) => {
                // `lsvg` starts every inventory: it counts as the simulator's inventory.
                if let Err(e) = self.host.inventory() {
                    return sim_failure("lsvg", &e, messages::LVM_REFUSED);
                }
                Output::ok(format::vg_names(view.vgs.iter().map(|v| v.name.as_str())))
            }
            (['o'], true) => Output::ok(format::vg_names(
                view.vgs
                    .iter()
                    .filter(|v| v.varied_on)
                    .map(|v| v.name.as_str()),
            )),
            ([], false) => each_vg(&parsed.operands, "\n", |name| {
                listable(&view, name).map(format::vg_detail)
            }),
            (['p'], false) => each_vg(&parsed.operands, "\n", |name| {
                listable(&view, name).map(format::vg_pvs)
            }),
            (['l'], false) => each_vg(&parsed.operands, "\n", |name| {
                listable(&view, name).map(format::vg_lvs)
            }),
            (['M'], false) => each_vg(&parsed.operands, "", |name| self.vg_map(state, name)),
            _ => usage("lsvg", "Not a supported combination of flags.", LSVG_USAGE),
        }
    }

    /// `lsvg -M VG`: a `stale_pps` poll of the simulator, which lets the application
    /// write and then a running resync make progress; the map shows the partitions
    /// stale after the writes and before the progress, which is the count the
    /// simulator's own `stale_pps` returns.
    fn vg_map(&mut self, state: &SimState, name: &str) -> Result<String, Output> {
        listable(&HostView::build(state, &self.extras), name)?;
        let vg = VgName::new(name).map_err(|_| Output::fail(messages::vg_not_found(name)))?;
        let poll = unit(
            Mechanism::VgSplit,
            &vg,
            CopyNumber::default(),
            Vec::new(),
            SplitName::SnapshotVg(vg.clone()),
        );
        self.host
            .stale_pps(&poll)
            .map_err(|e| sim_failure("lsvg", &e, messages::LVM_REFUSED))?;
        let mut now = self.current().unwrap_or_else(|| state.clone());
        keep_stale(state, &mut now);
        let view = HostView::build(&now, &self.extras);
        listable(&view, name).map(format::vg_map)
    }

    pub(super) fn lslv(&mut self, state: &SimState, argv: &[String]) -> Output {
        let parsed = match args::parse(argv, "m") {
            Ok(p) => p,
            Err(problem) => return usage("lslv", &problem, "[-m] LVname"),
        };
        let [name] = parsed.operands.as_slice() else {
            return usage("lslv", "Specify one logical volume.", "[-m] LVname");
        };
        let view = HostView::build(state, &self.extras);
        let Some((vg, lv)) = view.lv(name) else {
            return Output::fail(messages::lv_not_found(name));
        };
        if !vg.varied_on {
            return Output::fail(messages::vg_offline());
        }
        if parsed.has('m') {
            Output::ok(format::lv_map(vg, lv))
        } else {
            let index = vg.lvs.iter().position(|l| l.name == lv.name).unwrap_or(0);
            Output::ok(format::lv_detail(vg, index, lv))
        }
    }

    pub(super) fn lspv(&mut self, state: &SimState, argv: &[String]) -> Output {
        if !argv.is_empty() {
            return usage("lspv", "Only lspv without arguments is emulated.", "");
        }
        Output::ok(format::pv_list(&HostView::build(state, &self.extras)))
    }

    pub(super) fn lsfs(&mut self, state: &SimState, argv: &[String]) -> Output {
        let parsed = match args::parse(argv, "c") {
            Ok(p) if p.has('c') => p,
            Ok(_) => return usage("lsfs", "Only lsfs -c is emulated.", "-c [FileSystem ...]"),
            Err(problem) => return usage("lsfs", &problem, "-c [FileSystem ...]"),
        };
        let view = HostView::build(state, &self.extras);
        if parsed.operands.is_empty() {
            return Output::ok(format::fs_list(&view.filesystems));
        }
        let mut out = Output::default();
        let mut chosen = Vec::new();
        for name in &parsed.operands {
            match view.filesystems.iter().find(|f| &f.mount_point == name) {
                Some(fs) => chosen.push(fs.clone()),
                None => out.append(Output::fail(messages::fs_refused(
                    "lsfs",
                    &format!("No record matching '{name}' was found in /etc/filesystems."),
                ))),
            }
        }
        if !chosen.is_empty() {
            out.stdout = format::fs_list(&chosen);
        }
        out
    }
}

/// Marks stale in `after` every partition that was stale in `before` at the same place.
/// Application writes only make partitions stale and a resync only makes them current,
/// so this is the state between the two.
fn keep_stale(before: &SimState, after: &mut SimState) {
    for (vg_after, vg_before) in after.inventory.vgs.iter_mut().zip(&before.inventory.vgs) {
        for lv in &mut vg_after.lvs {
            let Some(old) = vg_before.lvs.iter().find(|l| l.name == lv.name) else {
                continue;
            };
            for (copy, old_copy) in lv.copies.iter_mut().zip(&old.copies) {
                for (pp, old_pp) in copy.pps.iter_mut().zip(&old_copy.pps) {
                    if let (Some(pp), Some(old_pp)) = (pp.as_mut(), old_pp)
                        && old_pp.stale
                        && old_pp.pv == pp.pv
                        && old_pp.pp == pp.pp
                    {
                        pp.stale = true;
                    }
                }
            }
        }
    }
}

/// Runs `one` for each VG name; outputs are joined by `separator`, errors collected.
fn each_vg(
    names: &[String],
    separator: &str,
    mut one: impl FnMut(&str) -> Result<String, Output>,
) -> Output {
    let mut out = Output::default();
    for name in names {
        match one(name) {
            Ok(text) => {
                if !out.stdout.is_empty() {
                    out.stdout.push_str(separator);
                }
                out.stdout.push_str(&text);
            }
            Err(e) => out.append(e),
        }
    }
    out
}
