//! The pure planner: one test per problem code (code, severity, subject, fix, whether the
//! preview may run), the choice of mechanism, the order of the steps, serialisation and
//! determinism.
//!
//! `offmirror-core` cannot use the simulator's `HostBuilder` (the simulator depends on this
//! crate), so inventories are built here with the model types by a small local builder.

use std::collections::{BTreeMap, BTreeSet};
use std::error::Error;
use std::time::Duration;

use offmirror_core::*;

type TestResult = Result<(), Box<dyn Error>>;

const WORK: &str = "/var/om";

// ---------------------------------------------------------------------------------------
// A small inventory builder.
// ---------------------------------------------------------------------------------------

#[derive(Debug, Default)]
struct Inv {
    inventory: Inventory,
    /// Next free PP per (VG index, PV index).
    next_pp: BTreeMap<(usize, u16), u32>,
}

impl Inv {
    fn new() -> Self {
        Self::default()
    }

    /// A varied-on VG with these disks of 1000 PPs each.
    fn vg(mut self, name: &str, disks: &[&str]) -> Result<Self, Box<dyn Error>> {
        let mut pvs = Vec::new();
        for d in disks {
            pvs.push(PhysicalVolume {
                name: PvName::new(*d)?,
                state: PvState::Active,
                total_pps: 1000,
            });
        }
        self.inventory.vgs.push(VolumeGroup {
            name: VgName::new(name)?,
            varied_on: true,
            pp_size_mb: 64,
            pvs,
            lvs: Vec::new(),
            snapshot: None,
            snapshot_of: None,
        });
        Ok(self)
    }

    /// An LV in `vg` whose copy `i` lies on the VG's disk `disks[i]`.
    fn lv(
        mut self,
        vg: &str,
        name: &str,
        lv_type: LvType,
        lps: u32,
        disks: &[u16],
    ) -> Result<Self, Box<dyn Error>> {
        let vi = self
            .inventory
            .vgs
            .iter()
            .position(|v| v.name.as_str() == vg)
            .ok_or_else(|| format!("no vg {vg}"))?;
        let mut copies = Vec::new();
        for &pv in disks {
            let next = self.next_pp.entry((vi, pv)).or_insert(1);
            let pps = (0..lps)
                .map(|i| {
                    Some(PpRef {
                        pv,
                        pp: *next + i,
                        stale: false,
                    })
                })
                .collect();
            *next += lps;
            copies.push(MirrorCopy { pps });
        }
        let lv = LogicalVolume {
            name: LvName::new(name)?,
            lv_type,
            lps,
            copies,
            open: false,
            split: None,
            blockers: Vec::new(),
        };
        self.inventory
            .vgs
            .get_mut(vi)
            .ok_or("vg vanished")?
            .lvs
            .push(lv);
        Ok(self)
    }

    fn fs(
        mut self,
        lv: &str,
        mount: &str,
        vfs: Vfs,
        mounted: bool,
        log: Option<&str>,
    ) -> Result<Self, Box<dyn Error>> {
        let log = match log {
            None => LogDevice::Inline,
            Some(l) => LogDevice::Lv(LvName::new(l)?),
        };
        if let Some(l) = self.lv_mut(lv) {
            l.open = mounted;
        }
        self.inventory.filesystems.push(FileSystem {
            mount_point: MountPoint::new(mount)?,
            device: LvName::new(lv)?,
            vfs,
            mounted,
            log,
        });
        Ok(self)
    }

    /// Marks the first `count` PPs of copy `copy` (1-based) of `lv` stale.
    fn stale(mut self, lv: &str, copy: usize, count: usize) -> Result<Self, Box<dyn Error>> {
        let l = self.lv_mut(lv).ok_or_else(|| format!("no lv {lv}"))?;
        let c = l
            .copies
            .get_mut(copy - 1)
            .ok_or_else(|| format!("no copy {copy}"))?;
        for pp in c.pps.iter_mut().take(count).flatten() {
            pp.stale = true;
        }
        Ok(self)
    }

    /// Removes LP `lp` (0-based) from copy `copy` (1-based) of `lv`.
    fn hole(mut self, lv: &str, copy: usize, lp: usize) -> Result<Self, Box<dyn Error>> {
        let l = self.lv_mut(lv).ok_or_else(|| format!("no lv {lv}"))?;
        let slot = l
            .copies
            .get_mut(copy - 1)
            .and_then(|c| c.pps.get_mut(lp))
            .ok_or("no such partition")?;
        *slot = None;
        Ok(self)
    }

    fn pv_state(mut self, pv: &str, state: PvState) -> Self {
        for vg in &mut self.inventory.vgs {
            for p in &mut vg.pvs {
                if p.name.as_str() == pv {
                    p.state = state;
                }
            }
        }
        self
    }

    fn vg_mut(&mut self, name: &str) -> Option<&mut VolumeGroup> {
        self.inventory
            .vgs
            .iter_mut()
            .find(|v| v.name.as_str() == name)
    }

    fn lv_mut(&mut self, name: &str) -> Option<&mut LogicalVolume> {
        self.inventory
            .vgs
            .iter_mut()
            .flat_map(|v| v.lvs.iter_mut())
            .find(|l| l.name.as_str() == name)
    }

    fn done(self) -> Inventory {
        self.inventory
    }
}

// ---------------------------------------------------------------------------------------
// Requests, capabilities, planning and lookups.
// ---------------------------------------------------------------------------------------

fn vg(name: &str) -> Result<Target, NameError> {
    Ok(Target::Vg(VgName::new(name)?))
}

fn lv(name: &str) -> Result<Target, NameError> {
    Ok(Target::Lv(LvName::new(name)?))
}

/// A request for these targets with a backup hook.
fn request(targets: Vec<Target>) -> BackupRequestBuilder {
    let mut b = BackupRequest::builder(WORK).hook(HookPhase::Backup, HookSpec::new("/bin/true"));
    for t in targets {
        b = b.target(t);
    }
    b
}

fn caps(mechanisms: &[Mechanism]) -> Capabilities {
    Capabilities {
        backend: "test".into(),
        mechanisms: mechanisms.to_vec(),
        freeze: true,
        dialect: offmirror_core::Dialect::Aix,
        counts_written: true,
    }
}

fn all_caps() -> Capabilities {
    caps(&[
        Mechanism::VgSplit,
        Mechanism::FsSplitCopy,
        Mechanism::LvCopy,
        Mechanism::FullResyncSplit,
    ])
}

fn preview_with(inventory: &Inventory, request: &BackupRequest, caps: &Capabilities) -> Preview {
    plan(
        inventory,
        request,
        caps,
        &LocalFacts::assume_usable(request),
    )
}

fn preview(inventory: &Inventory, request: &BackupRequest) -> Preview {
    preview_with(inventory, request, &all_caps())
}

/// The only problem with `code`.
fn only(preview: &Preview, code: ProblemCode) -> Result<Problem, String> {
    let found: Vec<&Problem> = preview.problems.iter().filter(|p| p.code == code).collect();
    match found.as_slice() {
        [one] => Ok((*one).clone()),
        _ => Err(format!(
            "expected exactly one {code}, found {}:\n{}",
            found.len(),
            preview.to_text()
        )),
    }
}

/// The problem with `code` about `subject`.
fn about(preview: &Preview, code: ProblemCode, subject: &Subject) -> Result<Problem, String> {
    preview
        .problems
        .iter()
        .find(|p| p.code == code && &p.subject == subject)
        .cloned()
        .ok_or_else(|| format!("no {code} about {subject}:\n{}", preview.to_text()))
}

fn codes(preview: &Preview) -> Vec<ProblemCode> {
    preview.problems.iter().map(|p| p.code).collect()
}

fn fix_of(problem: &Problem) -> &str {
    problem.fix.as_deref().unwrap_or("")
}

fn lv_subject(name: &str) -> Result<Subject, NameError> {
    Ok(Subject::Lv(LvName::new(name)?))
}

fn vg_subject(name: &str) -> Result<Subject, NameError> {
    Ok(Subject::Vg(VgName::new(name)?))
}

fn planned_lvs(preview: &Preview) -> Vec<String> {
    preview.plan.lvs().map(|l| l.lv.to_string()).collect()
}

/// A healthy VG with two mirrored LVs (copy 1 on hdisk1, copy 2 on hdisk2) and a paging LV,
/// so that it is split per LV: the base of the warning tests, which add a bad LV to it.
fn healthy() -> Result<Inv, Box<dyn Error>> {
    Inv::new()
        .vg("datavg", &["hdisk1", "hdisk2", "hdisk3"])?
        .lv("datavg", "goodlv", LvType::Raw, 4, &[0, 1])?
        .lv("datavg", "pagelv", LvType::Paging, 2, &[0, 1])
}

/// Checks the rules of a warning that skips `lv_name`: the preview blocks, forcing it on
/// makes it runnable and leaves the LV out of the plan.
fn assert_warning_skips(
    inventory: &Inventory,
    targets: Vec<Target>,
    lv_name: &str,
    caps: &Capabilities,
) -> TestResult {
    let strict = preview_with(inventory, &request(targets.clone()).build(), caps);
    assert!(!strict.is_runnable(), "{}", strict.to_text());
    assert!(strict.clone().into_plan().is_err());
    let forced = preview_with(
        inventory,
        &request(targets).force_continue_on_warnings(true).build(),
        caps,
    );
    assert!(forced.is_runnable(), "{}", forced.to_text());
    assert!(!planned_lvs(&forced).contains(&lv_name.to_string()));
    let plan = forced.clone().into_plan()?;
    assert_eq!(
        plan.accepted, forced.problems,
        "accepted problems go to the plan"
    );
    Ok(())
}

/// Checks that an error blocks, forced or not.
fn assert_error_blocks(inventory: &Inventory, targets: Vec<Target>) -> TestResult {
    for force in [false, true] {
        let p = preview(
            inventory,
            &request(targets.clone())
                .force_continue_on_warnings(force)
                .build(),
        );
        assert!(!p.is_runnable(), "force={force}\n{}", p.to_text());
        let blocked = p.clone().into_plan().err().ok_or("an error must block")?;
        assert!(
            blocked
                .problems
                .iter()
                .any(|b| b.severity == Severity::Error)
        );
    }
    Ok(())
}

// ---------------------------------------------------------------------------------------
// One test per problem code.
// ---------------------------------------------------------------------------------------

#[test]
fn no_targets() -> TestResult {
    let inv = healthy()?.done();
    let p = preview(&inv, &request(vec![]).build());
    let pr = only(&p, ProblemCode::NoTargets)?;
    assert_eq!(pr.severity, Severity::Error);
    assert_eq!(pr.subject, Subject::Request);
    assert!(pr.fix.is_some());
    assert!(p.plan.units.is_empty() && p.plan.steps.iter().all(|s| matches!(s, Step::Hook { .. })));
    // NothingToSplit is not added on top of an error.
    assert!(!codes(&p).contains(&ProblemCode::NothingToSplit));
    assert_error_blocks(&inv, vec![])
}

#[test]
fn vg_not_found() -> TestResult {
    let inv = healthy()?.done();
    let targets = vec![vg("nosuchvg")?];
    let p = preview(&inv, &request(targets.clone()).build());
    let pr = only(&p, ProblemCode::VgNotFound)?;
    assert_eq!(pr.severity, Severity::Error);
    assert_eq!(pr.subject, vg_subject("nosuchvg")?);
    assert!(fix_of(&pr).contains("lsvg"), "{pr}");
    assert_error_blocks(&inv, targets)
}

#[test]
fn lv_not_found() -> TestResult {
    let inv = healthy()?.done();
    let targets = vec![lv("nosuchlv")?];
    let p = preview(&inv, &request(targets.clone()).build());
    let pr = only(&p, ProblemCode::LvNotFound)?;
    assert_eq!(pr.severity, Severity::Error);
    assert_eq!(pr.subject, lv_subject("nosuchlv")?);
    assert!(fix_of(&pr).contains("lsvg -l"), "{pr}");
    assert_error_blocks(&inv, targets)
}

#[test]
fn vg_not_varied_on() -> TestResult {
    let mut inv = healthy()?;
    if let Some(v) = inv.vg_mut("datavg") {
        v.varied_on = false;
    }
    let inv = inv.done();
    let targets = vec![vg("datavg")?];
    let p = preview(&inv, &request(targets.clone()).build());
    let pr = only(&p, ProblemCode::VgNotVariedOn)?;
    assert_eq!(pr.severity, Severity::Error);
    assert_eq!(pr.subject, vg_subject("datavg")?);
    assert_eq!(fix_of(&pr), "varyonvg datavg");
    // Its LVs are not examined.
    assert!(!codes(&p).contains(&ProblemCode::ExcludedLvType));
    assert!(p.plan.units.is_empty());
    assert_error_blocks(&inv, targets)
}

#[test]
fn missing_pvs() -> TestResult {
    let inv = healthy()?
        .pv_state("hdisk2", PvState::Missing)
        .pv_state("hdisk3", PvState::Removed)
        .done();
    let targets = vec![vg("datavg")?];
    let p = preview(&inv, &request(targets.clone()).build());
    let missing: Vec<&Problem> = p.with_severity(Severity::Error).collect();
    assert_eq!(missing.len(), 2, "{}", p.to_text());
    for (disk, pr) in ["hdisk2", "hdisk3"].iter().zip(missing) {
        assert_eq!(pr.code, ProblemCode::MissingPvs);
        assert_eq!(pr.subject, Subject::Pv(PvName::new(*disk)?));
        assert!(fix_of(pr).contains(&format!("chpv -v a {disk}")), "{pr}");
        assert!(fix_of(pr).contains("syncvg -v datavg"), "{pr}");
    }
    assert!(p.plan.units.is_empty());
    assert_error_blocks(&inv, targets)
}

#[test]
fn lv_not_mirrored() -> TestResult {
    let inv = healthy()?
        .lv("datavg", "singlelv", LvType::Jfs2, 4, &[0])?
        .done();
    let targets = vec![vg("datavg")?];
    let p = preview(&inv, &request(targets.clone()).build());
    let pr = only(&p, ProblemCode::LvNotMirrored)?;
    assert_eq!(pr.severity, Severity::Warning);
    assert_eq!(pr.subject, lv_subject("singlelv")?);
    assert!(fix_of(&pr).contains("mklvcopy singlelv 2"), "{pr}");
    assert!(fix_of(&pr).contains("syncvg -l singlelv"), "{pr}");
    assert_warning_skips(&inv, targets, "singlelv", &all_caps())
}

#[test]
fn copy_absent_when_the_copy_does_not_exist() -> TestResult {
    let inv = healthy()?
        .lv("datavg", "twolv", LvType::Jfs2, 4, &[0, 1])?
        .lv("datavg", "threelv", LvType::Jfs2, 4, &[0, 1, 2])?
        .done();
    let targets = vec![lv("twolv")?, lv("threelv")?];
    let req = request(targets.clone()).copy(CopyNumber::new(3)?).build();
    let p = preview(&inv, &req);
    let pr = only(&p, ProblemCode::CopyAbsent)?;
    assert_eq!(pr.severity, Severity::Warning);
    assert_eq!(pr.subject, lv_subject("twolv")?);
    assert!(pr.message.contains("copy 3 does not exist"), "{pr}");
    assert!(fix_of(&pr).contains("split copy 2 instead"), "{pr}");
    assert!(fix_of(&pr).contains("mklvcopy twolv 3"), "{pr}");
    let forced = preview(
        &inv,
        &request(targets.clone())
            .copy(CopyNumber::new(3)?)
            .force_continue_on_warnings(true)
            .build(),
    );
    assert!(forced.is_runnable());
    assert_eq!(planned_lvs(&forced), vec!["threelv".to_string()]);
    assert!(!p.is_runnable());
    Ok(())
}

#[test]
fn copy_absent_when_the_copy_is_incomplete() -> TestResult {
    let inv = healthy()?
        .lv("datavg", "holelv", LvType::Jfs2, 4, &[0, 1])?
        .hole("holelv", 2, 3)?
        .done();
    let targets = vec![vg("datavg")?];
    let p = preview(&inv, &request(targets.clone()).build());
    let pr = only(&p, ProblemCode::CopyAbsent)?;
    assert_eq!(pr.severity, Severity::Warning);
    assert_eq!(pr.subject, lv_subject("holelv")?);
    assert!(pr.message.contains("lacks 1 logical partition"), "{pr}");
    assert!(fix_of(&pr).contains("mklvcopy holelv 2"), "{pr}");
    assert!(fix_of(&pr).contains("syncvg -l holelv"), "{pr}");
    // Copy 1 is complete, but splitting it would leave the hole's partition with no
    // copy in use at all: that is refused too, naming the partition.
    let p1 = preview(
        &inv,
        &request(vec![lv("holelv")?]).copy(CopyNumber::FIRST).build(),
    );
    assert!(
        !codes(&p1).contains(&ProblemCode::CopyAbsent),
        "{}",
        p1.to_text()
    );
    let hole = only(&p1, ProblemCode::TooFewCopiesLeft)?;
    assert!(hole.message.contains("logical partition"), "{hole}");
    assert!(fix_of(&hole).contains("mklvcopy holelv 2"), "{hole}");
    assert!(!p1.is_runnable(), "{}", p1.to_text());
    assert_warning_skips(&inv, targets, "holelv", &all_caps())
}

#[test]
fn stale_partitions() -> TestResult {
    let inv = healthy()?
        .lv("datavg", "datalv", LvType::Jfs2, 8, &[0, 1])?
        .stale("datalv", 1, 3)?
        .done();
    let targets = vec![vg("datavg")?];
    let p = preview(&inv, &request(targets.clone()).build());
    let pr = only(&p, ProblemCode::StalePartitions)?;
    assert_eq!(pr.severity, Severity::Warning);
    assert_eq!(pr.subject, lv_subject("datalv")?);
    assert!(pr.message.contains('3'), "{pr}");
    assert_eq!(fix_of(&pr), "syncvg -l datalv");
    assert_warning_skips(&inv, targets, "datalv", &all_caps())
}

#[test]
fn copy_shares_pv() -> TestResult {
    // Copy 1 on hdisk1, copy 2 on hdisk1 too.
    let inv = healthy()?
        .lv("datavg", "samelv", LvType::Raw, 4, &[0, 0])?
        .done();
    let targets = vec![vg("datavg")?];
    let p = preview(&inv, &request(targets.clone()).build());
    let pr = only(&p, ProblemCode::CopySharesPv)?;
    assert_eq!(pr.severity, Severity::Warning);
    assert_eq!(pr.subject, lv_subject("samelv")?);
    assert!(pr.message.contains("hdisk1"), "{pr}");
    assert!(fix_of(&pr).contains("migratepv -l samelv hdisk1"), "{pr}");
    assert_warning_skips(&inv, targets, "samelv", &all_caps())
}

#[test]
fn fs_not_mounted() -> TestResult {
    let inv = healthy()?
        .lv("datavg", "loglv00", LvType::Jfslog, 1, &[0, 1])?
        .lv("datavg", "legacylv", LvType::Jfs, 8, &[0, 1])?
        .fs("legacylv", "/legacy", Vfs::Jfs, false, Some("loglv00"))?
        .done();
    let targets = vec![lv("goodlv")?, lv("legacylv")?];
    let chfs_only = caps(&[Mechanism::FsSplitCopy]);
    let p = preview_with(&inv, &request(targets.clone()).build(), &chfs_only);
    let pr = only(&p, ProblemCode::FsNotMounted)?;
    assert_eq!(pr.severity, Severity::Warning);
    assert_eq!(pr.subject, Subject::FileSystem(MountPoint::new("/legacy")?));
    assert_eq!(fix_of(&pr), "mount /legacy");
    assert!(!p.is_runnable());
    // Forcing it on: nothing else can be split by chfs (goodlv is raw), so nothing is left.
    let forced = preview_with(
        &inv,
        &request(targets.clone())
            .force_continue_on_warnings(true)
            .build(),
        &chfs_only,
    );
    assert!(codes(&forced).contains(&ProblemCode::NothingToSplit));
    // With LvCopy the unmounted JFS is split below the file system instead.
    let p = preview_with(
        &inv,
        &request(targets).build(),
        &caps(&[Mechanism::FsSplitCopy, Mechanism::LvCopy]),
    );
    assert!(
        !codes(&p).contains(&ProblemCode::FsNotMounted),
        "{}",
        p.to_text()
    );
    assert!(p.is_runnable(), "{}", p.to_text());
    assert!(
        p.plan
            .units
            .iter()
            .all(|u| u.mechanism == Mechanism::LvCopy)
    );
    Ok(())
}

#[test]
fn jfs_log_not_mirrored() -> TestResult {
    for (case, log_copies, stale) in [
        ("single copy", &[0u16][..], false),
        ("stale", &[0, 1], true),
    ] {
        let mut inv = healthy()?
            .lv("datavg", "loglv00", LvType::Jfslog, 1, log_copies)?
            .lv("datavg", "legacylv", LvType::Jfs, 8, &[0, 1])?
            .fs("legacylv", "/legacy", Vfs::Jfs, true, Some("loglv00"))?;
        if stale {
            inv = inv.stale("loglv00", 2, 1)?;
        }
        let inv = inv.done();
        let targets = vec![lv("goodlv")?, lv("legacylv")?];
        let p = preview_with(
            &inv,
            &request(targets.clone()).build(),
            &caps(&[Mechanism::FsSplitCopy, Mechanism::LvCopy]),
        );
        let pr = only(&p, ProblemCode::JfsLogNotMirrored).map_err(|e| format!("{case}: {e}"))?;
        assert_eq!(pr.severity, Severity::Warning, "{case}");
        assert_eq!(pr.subject, Subject::FileSystem(MountPoint::new("/legacy")?));
        assert!(pr.message.contains("loglv00"), "{pr}");
        assert!(fix_of(&pr).contains("mklvcopy loglv00 2"), "{pr}");
        assert!(fix_of(&pr).contains("syncvg -l loglv00"), "{pr}");
        assert_warning_skips(
            &inv,
            targets,
            "legacylv",
            &caps(&[Mechanism::FsSplitCopy, Mechanism::LvCopy]),
        )?;
    }
    Ok(())
}

#[test]
fn excluded_lv_type_is_a_notice_in_a_vg_and_a_warning_when_named() -> TestResult {
    let inv = Inv::new()
        .vg("sysvg", &["hdisk1", "hdisk2"])?
        .lv("sysvg", "bootlv", LvType::Boot, 1, &[0, 1])?
        .lv("sysvg", "dumplv", LvType::Sysdump, 2, &[0, 1])?
        .lv("sysvg", "pagelv", LvType::Paging, 2, &[0, 1])?
        .lv("sysvg", "datalv", LvType::Jfs2, 4, &[0, 1])?
        .fs("datalv", "/data", Vfs::Jfs2, true, None)?
        .done();
    let p = preview(&inv, &request(vec![vg("sysvg")?]).build());
    for name in ["bootlv", "dumplv", "pagelv"] {
        let pr = about(&p, ProblemCode::ExcludedLvType, &lv_subject(name)?)?;
        assert_eq!(pr.severity, Severity::Notice, "{pr}");
    }
    assert!(p.is_runnable(), "notices never block:\n{}", p.to_text());
    assert_eq!(planned_lvs(&p), vec!["datalv".to_string()]);
    let plan = p.clone().into_plan()?;
    assert_eq!(plan.accepted.len(), 3, "notices are carried into the plan");

    // Named explicitly: a warning.
    let targets = vec![lv("pagelv")?, lv("datalv")?];
    let p = preview(&inv, &request(targets.clone()).build());
    let pr = only(&p, ProblemCode::ExcludedLvType)?;
    assert_eq!(pr.severity, Severity::Warning);
    assert_eq!(pr.subject, lv_subject("pagelv")?);
    assert!(pr.message.contains("paging"), "{pr}");
    assert_warning_skips(&inv, targets, "pagelv", &all_caps())
}

#[test]
fn log_lv_not_split_alone() -> TestResult {
    let inv = healthy()?
        .lv("datavg", "loglv01", LvType::Jfs2log, 1, &[0, 1])?
        .lv("datavg", "homelv", LvType::Jfs2, 8, &[0, 1])?
        .fs("homelv", "/home2", Vfs::Jfs2, true, Some("loglv01"))?
        .done();
    let p = preview(&inv, &request(vec![vg("datavg")?]).build());
    let pr = only(&p, ProblemCode::LogLvNotSplitAlone)?;
    assert_eq!(pr.severity, Severity::Notice);
    assert_eq!(pr.subject, lv_subject("loglv01")?);
    assert!(p.is_runnable(), "{}", p.to_text());
    assert!(!planned_lvs(&p).contains(&"loglv01".to_string()));
    Ok(())
}

#[test]
fn unsupported_by_backend() -> TestResult {
    let inv = healthy()?
        .lv("datavg", "rawlv", LvType::Raw, 4, &[0, 1])?
        .done();
    let targets = vec![lv("rawlv")?, lv("goodlv")?];
    let vg_only = caps(&[Mechanism::VgSplit]);
    let p = preview_with(&inv, &request(targets.clone()).build(), &vg_only);
    for name in ["rawlv", "goodlv"] {
        let pr = about(&p, ProblemCode::UnsupportedByBackend, &lv_subject(name)?)?;
        assert_eq!(pr.severity, Severity::Warning);
        assert!(pr.message.contains("raw"), "{pr}");
        assert!(pr.message.contains("test"), "names the backend: {pr}");
    }
    assert!(!p.is_runnable());
    // Forced, nothing is left: an error.
    let forced = preview_with(
        &inv,
        &request(targets).force_continue_on_warnings(true).build(),
        &vg_only,
    );
    assert_eq!(
        only(&forced, ProblemCode::NothingToSplit)?.severity,
        Severity::Error
    );
    assert!(!forced.is_runnable());
    // A backend with LvCopy splits it; one with only chfs splits one JFS, not it.
    let targets = vec![lv("rawlv")?, lv("goodlv")?];
    let with_jfs = Inv::new()
        .vg("datavg", &["hdisk1", "hdisk2"])?
        .lv("datavg", "rawlv", LvType::Raw, 4, &[0, 1])?
        .lv("datavg", "jfslv", LvType::Jfs, 4, &[0, 1])?
        .fs("jfslv", "/jfs", Vfs::Jfs, true, None)?
        .lv("datavg", "goodlv", LvType::Raw, 4, &[0, 1])?
        .lv("datavg", "pagelv", LvType::Paging, 1, &[0, 1])?
        .done();
    let p = preview_with(
        &with_jfs,
        &request(vec![lv("rawlv")?, lv("jfslv")?])
            .force_continue_on_warnings(true)
            .build(),
        &caps(&[Mechanism::FsSplitCopy]),
    );
    assert!(p.is_runnable(), "{}", p.to_text());
    assert_eq!(planned_lvs(&p), vec!["jfslv".to_string()]);
    assert_eq!(
        only(&p, ProblemCode::UnsupportedByBackend)?.subject,
        lv_subject("rawlv")?
    );
    let p = preview_with(&inv, &request(targets).build(), &caps(&[Mechanism::LvCopy]));
    assert!(p.is_runnable(), "{}", p.to_text());
    Ok(())
}

#[test]
fn full_resync_not_allowed() -> TestResult {
    let inv = healthy()?.done();
    let targets = vec![lv("goodlv")?];
    let splitlvcopy = caps(&[Mechanism::FullResyncSplit]);
    let p = preview_with(&inv, &request(targets.clone()).build(), &splitlvcopy);
    let pr = only(&p, ProblemCode::FullResyncNotAllowed)?;
    assert_eq!(pr.severity, Severity::Warning);
    assert_eq!(pr.subject, lv_subject("goodlv")?);
    assert!(fix_of(&pr).contains("allow_full_resync"), "{pr}");
    assert!(!p.is_runnable());
    assert!(p.plan.units.is_empty(), "never picked silently");
    Ok(())
}

#[test]
fn full_resync_cost() -> TestResult {
    let inv = healthy()?.done();
    let req = request(vec![lv("goodlv")?]).allow_full_resync(true).build();
    let p = preview_with(&inv, &req, &caps(&[Mechanism::FullResyncSplit]));
    let pr = only(&p, ProblemCode::FullResyncCost)?;
    assert_eq!(pr.severity, Severity::Notice);
    assert_eq!(pr.subject, lv_subject("goodlv")?);
    assert!(pr.message.contains("all 4 partitions"), "{pr}");
    assert!(p.is_runnable(), "{}", p.to_text());
    let [unit] = p.plan.units.as_slice() else {
        return Err(format!("one unit expected:\n{}", p.to_text()).into());
    };
    assert_eq!(unit.mechanism, Mechanism::FullResyncSplit);
    assert_eq!(
        unit.split_name,
        SplitName::DetachedLv(LvName::new("goodlv_om")?)
    );
    // With a tracked mechanism available, full resync is not chosen even when allowed.
    let p = preview_with(&inv, &req, &all_caps());
    assert!(!codes(&p).contains(&ProblemCode::FullResyncCost));
    assert!(
        p.plan
            .units
            .iter()
            .all(|u| u.mechanism == Mechanism::LvCopy)
    );
    Ok(())
}

#[test]
fn too_few_copies_left() -> TestResult {
    let inv = healthy()?
        .lv("datavg", "threelv", LvType::Raw, 4, &[0, 1, 2])?
        .done();
    let targets = vec![vg("datavg")?];
    let req = request(targets.clone()).min_copies_left(2).build();
    let p = preview(&inv, &req);
    // goodlv has two copies: splitting one leaves one.
    let pr = only(&p, ProblemCode::TooFewCopiesLeft)?;
    assert_eq!(pr.severity, Severity::Warning);
    assert_eq!(pr.subject, lv_subject("goodlv")?);
    assert!(fix_of(&pr).contains("mklvcopy goodlv 3"), "{pr}");
    assert!(fix_of(&pr).contains("min_copies_left"), "{pr}");
    assert!(!p.is_runnable());
    let forced = preview(
        &inv,
        &request(targets)
            .min_copies_left(2)
            .force_continue_on_warnings(true)
            .build(),
    );
    assert!(forced.is_runnable(), "{}", forced.to_text());
    assert_eq!(planned_lvs(&forced), vec!["threelv".to_string()]);
    Ok(())
}

#[test]
fn leftover_split_snapshot_vg() -> TestResult {
    let mut inv = Inv::new()
        .vg("datavg", &["hdisk1", "hdisk2"])?
        .lv("datavg", "datalv", LvType::Jfs2, 4, &[0, 1])?
        .vg("datavg_om", &["hdisk9"])?;
    if let Some(v) = inv.vg_mut("datavg") {
        v.snapshot = Some(VgName::new("datavg_om")?);
    }
    if let Some(v) = inv.vg_mut("datavg_om") {
        v.snapshot_of = Some(VgName::new("datavg")?);
    }
    let inv = inv.done();
    let p = preview(&inv, &request(vec![vg("datavg")?]).build());
    let pr = only(&p, ProblemCode::LeftoverSplit)?;
    assert_eq!(pr.severity, Severity::Error);
    assert_eq!(pr.subject, vg_subject("datavg")?);
    assert!(pr.message.contains("datavg_om"), "{pr}");
    assert!(fix_of(&pr).contains("joinvg datavg"), "{pr}");
    assert!(fix_of(&pr).contains("offmirror recover"), "{pr}");
    assert_error_blocks(&inv, vec![vg("datavg")?])?;
    // Targeting the snapshot VG itself.
    let p = preview(&inv, &request(vec![vg("datavg_om")?]).build());
    let pr = only(&p, ProblemCode::LeftoverSplit)?;
    assert_eq!(pr.subject, vg_subject("datavg_om")?);
    assert!(fix_of(&pr).contains("joinvg datavg"), "{pr}");
    Ok(())
}

#[test]
fn leftover_split_marked_lv() -> TestResult {
    let cases: Vec<(SplitVia, &str)> = vec![
        (
            SplitVia::BackupLv {
                lv: LvName::new("datalv_om")?,
            },
            "chlvcopy -B datalv",
        ),
        (
            SplitVia::FsSplitCopy {
                mount_point: MountPoint::new("/var/om/split/datalv")?,
            },
            "rmfs /var/om/split/datalv",
        ),
        (
            SplitVia::SnapshotVg {
                vg: VgName::new("datavg_om")?,
                lv: LvName::new("datalv")?,
            },
            "joinvg datavg",
        ),
        (
            SplitVia::Detached {
                lv: LvName::new("datalv_om")?,
            },
            "rmlv -f datalv_om; mklvcopy datalv 3; syncvg -l datalv",
        ),
    ];
    for (via, manual) in cases {
        let mut inv = healthy()?.lv("datavg", "datalv", LvType::Jfs2, 4, &[0, 1])?;
        if let Some(l) = inv.lv_mut("datalv") {
            l.split = Some(SplitMark {
                copy: CopyNumber::default(),
                via: via.clone(),
            });
        }
        let inv = inv.done();
        let p = preview(&inv, &request(vec![vg("datavg")?]).build());
        let pr = only(&p, ProblemCode::LeftoverSplit)?;
        assert_eq!(pr.severity, Severity::Error, "{via:?}");
        assert_eq!(pr.subject, lv_subject("datalv")?);
        assert!(pr.message.contains("copy 2"), "{pr}");
        assert!(fix_of(&pr).contains(manual), "{via:?}: {pr}");
        assert_error_blocks(&inv, vec![vg("datavg")?])?;
    }
    Ok(())
}

#[test]
fn leftover_split_by_name() -> TestResult {
    // An LV named like the split copy of datalv exists (in another VG).
    let inv = healthy()?
        .lv("datavg", "datalv", LvType::Jfs2, 4, &[0, 1])?
        .vg("othervg", &["hdisk8", "hdisk9"])?
        .lv("othervg", "datalv_om", LvType::Raw, 4, &[0, 1])?
        .done();
    let targets = vec![lv("datalv")?];
    let p = preview(&inv, &request(targets.clone()).build());
    let pr = only(&p, ProblemCode::LeftoverSplit)?;
    assert_eq!(pr.severity, Severity::Error);
    assert_eq!(pr.subject, lv_subject("datalv")?);
    assert!(pr.message.contains("datalv_om"), "{pr}");
    assert!(fix_of(&pr).contains("datalv_om"), "{pr}");
    assert!(p.plan.units.is_empty());
    assert_error_blocks(&inv, targets)?;

    // A VG split whose snapshot name is taken by an LV.
    let inv = Inv::new()
        .vg("datavg", &["hdisk1", "hdisk2"])?
        .lv("datavg", "datalv", LvType::Jfs2, 4, &[0, 1])?
        .vg("othervg", &["hdisk8", "hdisk9"])?
        .lv("othervg", "datavg_om", LvType::Raw, 4, &[0, 1])?
        .done();
    let p = preview(&inv, &request(vec![vg("datavg")?]).build());
    let pr = only(&p, ProblemCode::LeftoverSplit)?;
    assert_eq!(pr.subject, vg_subject("datavg")?);
    assert!(pr.message.contains("datavg_om"), "{pr}");
    Ok(())
}

#[test]
fn work_dir_unusable() -> TestResult {
    let inv = healthy()?.done();
    let req = request(vec![vg("datavg")?]).build();
    let mut facts = LocalFacts::assume_usable(&req);
    facts.work_dir_problem = Some("cannot write in it: permission denied".into());
    let p = plan(&inv, &req, &all_caps(), &facts);
    let pr = only(&p, ProblemCode::WorkDirUnusable)?;
    assert_eq!(pr.severity, Severity::Error);
    assert_eq!(pr.subject, Subject::WorkDir(WORK.into()));
    assert!(pr.message.contains("permission denied"), "{pr}");
    assert!(pr.fix.is_some());
    assert!(!p.is_runnable());
    Ok(())
}

#[test]
fn interrupted_run() -> TestResult {
    let inv = healthy()?.done();
    let req = request(vec![vg("datavg")?]).build();
    let mut facts = LocalFacts::assume_usable(&req);
    facts.interrupted_runs = vec!["om-20261125T000000Z-42".into()];
    let p = plan(&inv, &req, &all_caps(), &facts);
    let pr = only(&p, ProblemCode::InterruptedRun)?;
    assert_eq!(pr.severity, Severity::Error);
    assert_eq!(pr.subject, Subject::WorkDir(WORK.into()));
    assert!(pr.message.contains("om-20261125T000000Z-42"), "{pr}");
    assert!(fix_of(&pr).contains("offmirror recover"), "{pr}");
    assert!(!p.is_runnable());
    let mut forced = req.clone();
    forced.policy.force_continue_on_warnings = true;
    assert!(!plan(&inv, &forced, &all_caps(), &facts).is_runnable());
    Ok(())
}

#[test]
fn work_dir_unusable_for_split_mounts() -> TestResult {
    // A JFS split copy is mounted below the work directory; a work directory that is not
    // a valid mount point prefix makes that impossible.
    let inv = healthy()?
        .lv("datavg", "legacylv", LvType::Jfs, 8, &[0, 1])?
        .fs("legacylv", "/legacy", Vfs::Jfs, true, None)?
        .done();
    let req = BackupRequest::builder("relative/work")
        .lv(LvName::new("legacylv")?)
        .hook(HookPhase::Backup, HookSpec::new("/bin/true"))
        .build();
    let p = preview(&inv, &req);
    let pr = only(&p, ProblemCode::WorkDirUnusable)?;
    assert_eq!(pr.severity, Severity::Error);
    assert_eq!(pr.subject, Subject::WorkDir("relative/work".into()));
    assert!(!p.is_runnable());
    Ok(())
}

#[test]
fn hook_not_executable() -> TestResult {
    let inv = healthy()?.done();
    let req = request(vec![vg("datavg")?])
        .hook(HookPhase::Resume, HookSpec::new("/opt/app/resume"))
        .build();
    let mut facts = LocalFacts::assume_usable(&req);
    facts.hook_problems.insert(
        HookPhase::Resume,
        "/opt/app/resume is not executable".into(),
    );
    let p = plan(&inv, &req, &all_caps(), &facts);
    let pr = only(&p, ProblemCode::HookNotExecutable)?;
    assert_eq!(pr.severity, Severity::Error);
    assert_eq!(pr.subject, Subject::Hook(HookPhase::Resume));
    assert!(pr.message.contains("/opt/app/resume"), "{pr}");
    assert!(fix_of(&pr).contains("chmod +x"), "{pr}");
    assert!(!p.is_runnable());
    Ok(())
}

#[test]
fn no_backup_hook() -> TestResult {
    let inv = healthy()?.done();
    let req = BackupRequest::builder(WORK)
        .vg(VgName::new("datavg")?)
        .force_continue_on_warnings(true)
        .build();
    let p = preview(&inv, &req);
    let pr = only(&p, ProblemCode::NoBackupHook)?;
    assert_eq!(pr.severity, Severity::Error);
    assert_eq!(pr.subject, Subject::Hook(HookPhase::Backup));
    assert!(fix_of(&pr).contains("backup hook"), "{pr}");
    assert!(!p.is_runnable());
    Ok(())
}

#[test]
fn nothing_to_split() -> TestResult {
    let inv = Inv::new()
        .vg("pagevg", &["hdisk1", "hdisk2"])?
        .lv("pagevg", "pagelv", LvType::Paging, 4, &[0, 1])?
        .lv("pagevg", "singlelv", LvType::Raw, 4, &[0])?
        .done();
    let p = preview(
        &inv,
        &request(vec![vg("pagevg")?])
            .force_continue_on_warnings(true)
            .build(),
    );
    let pr = only(&p, ProblemCode::NothingToSplit)?;
    assert_eq!(pr.severity, Severity::Error);
    assert_eq!(pr.subject, Subject::Request);
    assert!(pr.fix.is_some());
    assert!(!p.is_runnable(), "force never makes an error non-blocking");
    assert!(p.plan.units.is_empty());
    assert!(!p.plan.steps.contains(&Step::Verify));
    Ok(())
}

#[test]
fn bad_policy() -> TestResult {
    let inv = healthy()?.done();
    for (min, bad) in [(0u8, true), (1, false), (2, false), (3, true)] {
        let req = request(vec![lv("goodlv")?])
            .min_copies_left(min)
            .force_continue_on_warnings(true)
            .build();
        let p = preview(&inv, &req);
        let found = codes(&p).contains(&ProblemCode::BadPolicy);
        assert_eq!(found, bad, "min_copies_left {min}:\n{}", p.to_text());
        if bad {
            let pr = only(&p, ProblemCode::BadPolicy)?;
            assert_eq!(pr.severity, Severity::Error);
            assert_eq!(pr.subject, Subject::Request);
            assert!(pr.message.contains(&min.to_string()), "{pr}");
            assert!(fix_of(&pr).contains("min_copies_left"), "{pr}");
            assert!(!p.is_runnable());
        }
    }
    Ok(())
}

/// Every code has a scenario above: this lists the codes they produce.
#[test]
fn every_problem_code_is_covered() -> TestResult {
    let mut seen: BTreeSet<ProblemCode> = BTreeSet::new();
    let base = healthy()?;
    let mut record = |p: &Preview| seen.extend(codes(p));

    record(&preview(&base.done(), &request(vec![]).build()));
    let inv = healthy()?
        .lv("datavg", "singlelv", LvType::Raw, 4, &[0])?
        .lv("datavg", "staleln", LvType::Raw, 4, &[0, 1])?
        .stale("staleln", 2, 1)?
        .lv("datavg", "samelv", LvType::Raw, 4, &[1, 1])?
        .lv("datavg", "holelv", LvType::Raw, 4, &[0, 1])?
        .hole("holelv", 2, 0)?
        .lv("datavg", "loglv00", LvType::Jfslog, 1, &[0])?
        .lv("datavg", "jfslv", LvType::Jfs, 4, &[0, 1])?
        .fs("jfslv", "/jfs", Vfs::Jfs, true, Some("loglv00"))?
        .lv("datavg", "ujfslv", LvType::Jfs, 4, &[0, 1])?
        .fs("ujfslv", "/ujfs", Vfs::Jfs, false, None)?
        .lv("datavg", "loglv01", LvType::Jfs2log, 1, &[0, 1])?
        .vg("offvg", &["hdisk7"])?
        .vg("missvg", &["hdisk8"])?
        .lv("missvg", "misslv", LvType::Raw, 1, &[0])?
        .pv_state("hdisk8", PvState::Missing);
    let mut inv = inv;
    if let Some(v) = inv.vg_mut("offvg") {
        v.varied_on = false;
    }
    let inv = inv.done();
    let req = request(vec![
        vg("datavg")?,
        lv("pagelv")?,
        vg("nosuchvg")?,
        lv("nosuchlv")?,
        vg("offvg")?,
        vg("missvg")?,
    ])
    .min_copies_left(0)
    .build();
    let mut facts = LocalFacts::assume_usable(&req);
    facts.work_dir_problem = Some("no".into());
    facts.hook_problems.insert(HookPhase::Backup, "no".into());
    record(&plan(
        &inv,
        &req,
        &caps(&[Mechanism::FsSplitCopy, Mechanism::FullResyncSplit]),
        &facts,
    ));
    record(&preview_with(
        &inv,
        &request(vec![lv("staleln")?, lv("goodlv")?]).build(),
        &caps(&[Mechanism::VgSplit]),
    ));
    record(&preview_with(
        &inv,
        &request(vec![lv("goodlv")?]).allow_full_resync(true).build(),
        &caps(&[Mechanism::FullResyncSplit]),
    ));
    record(&preview(
        &healthy()?.done(),
        &request(vec![lv("goodlv")?]).min_copies_left(2).build(),
    ));
    record(&preview(
        &healthy()?.done(),
        &BackupRequest::builder(WORK).build(),
    ));
    record(&preview(
        &Inv::new()
            .vg("pagevg", &["hdisk1", "hdisk2"])?
            .lv("pagevg", "pagelv", LvType::Paging, 1, &[0, 1])?
            .done(),
        &request(vec![vg("pagevg")?]).build(),
    ));
    let mut snap = healthy()?;
    if let Some(v) = snap.vg_mut("datavg") {
        v.snapshot = Some(VgName::new("datavg_om")?);
    }
    record(&preview(
        &snap.done(),
        &request(vec![vg("datavg")?]).build(),
    ));
    record(&preview(
        &healthy()?
            .lv("datavg", "rawlv", LvType::Raw, 4, &[0, 1])?
            .done(),
        &request(vec![lv("rawlv")?])
            .copy(CopyNumber::new(3)?)
            .build(),
    ));

    let all = [
        ProblemCode::NoTargets,
        ProblemCode::VgNotFound,
        ProblemCode::LvNotFound,
        ProblemCode::VgNotVariedOn,
        ProblemCode::MissingPvs,
        ProblemCode::LvNotMirrored,
        ProblemCode::CopyAbsent,
        ProblemCode::StalePartitions,
        ProblemCode::CopySharesPv,
        ProblemCode::FsNotMounted,
        ProblemCode::JfsLogNotMirrored,
        ProblemCode::ExcludedLvType,
        ProblemCode::LogLvNotSplitAlone,
        ProblemCode::UnsupportedByBackend,
        ProblemCode::FullResyncNotAllowed,
        ProblemCode::FullResyncCost,
        ProblemCode::TooFewCopiesLeft,
        ProblemCode::LeftoverSplit,
        ProblemCode::WorkDirUnusable,
        ProblemCode::HookNotExecutable,
        ProblemCode::NoBackupHook,
        ProblemCode::NothingToSplit,
        ProblemCode::BadPolicy,
    ];
    let missing: Vec<&ProblemCode> = all.iter().filter(|c| !seen.contains(c)).collect();
    assert!(missing.is_empty(), "not produced: {missing:?}");
    Ok(())
}

// ---------------------------------------------------------------------------------------
// Severity rules.
// ---------------------------------------------------------------------------------------

#[test]
fn force_makes_warnings_non_blocking_but_never_errors() -> TestResult {
    let inv = healthy()?
        .lv("datavg", "stalelv", LvType::Raw, 4, &[0, 1])?
        .stale("stalelv", 2, 1)?
        .done();
    let warn_only = vec![vg("datavg")?];
    let strict = preview(&inv, &request(warn_only.clone()).build());
    assert_eq!(strict.blocking().len(), 1);
    assert_eq!(
        strict.blocking().first().map(|p| p.code),
        Some(ProblemCode::StalePartitions)
    );
    let forced = preview(
        &inv,
        &request(warn_only).force_continue_on_warnings(true).build(),
    );
    assert!(forced.blocking().is_empty());
    assert!(forced.is_runnable());
    let plan = forced.into_plan()?;
    assert!(
        plan.accepted
            .iter()
            .any(|p| p.code == ProblemCode::StalePartitions)
    );

    // Warning plus error: forcing removes only the warning from the blockers.
    let both = vec![vg("datavg")?, vg("nosuchvg")?];
    let forced = preview(
        &inv,
        &request(both).force_continue_on_warnings(true).build(),
    );
    let blocking: Vec<ProblemCode> = forced.blocking().iter().map(|p| p.code).collect();
    assert_eq!(blocking, vec![ProblemCode::VgNotFound]);
    assert!(!forced.is_runnable());
    let blocked = forced.into_plan().err().ok_or("must be blocked")?;
    assert_eq!(blocked.problems.len(), 1);
    assert!(blocked.to_string().contains("vg_not_found"), "{blocked}");
    Ok(())
}

#[test]
fn problems_are_sorted_errors_first() -> TestResult {
    let inv = healthy()?
        .lv("datavg", "stalelv", LvType::Raw, 4, &[0, 1])?
        .stale("stalelv", 2, 1)?
        .done();
    let p = preview(&inv, &request(vec![vg("datavg")?, lv("nosuchlv")?]).build());
    let severities: Vec<Severity> = p.problems.iter().map(|p| p.severity).collect();
    let mut sorted = severities.clone();
    sorted.sort_by(|a, b| b.cmp(a));
    assert_eq!(severities, sorted, "{}", p.to_text());
    assert_eq!(
        severities,
        vec![Severity::Error, Severity::Warning, Severity::Notice]
    );
    Ok(())
}

// ---------------------------------------------------------------------------------------
// Mechanism choice.
// ---------------------------------------------------------------------------------------

/// A VG whose LVs are all splittable, copy 2 alone on hdisk2.
fn clean_vg(name: &str, d1: &str, d2: &str) -> Result<Inv, Box<dyn Error>> {
    let p = |s: &str| format!("{s}_{name}");
    Inv::new()
        .vg(name, &[d1, d2])?
        .lv(name, &p("dl"), LvType::Jfs2, 8, &[0, 1])?
        .fs(&p("dl"), &format!("/{}", p("data")), Vfs::Jfs2, true, None)?
        .lv(name, &p("lg"), LvType::Jfs2log, 1, &[0, 1])?
        .lv(name, &p("rw"), LvType::Raw, 4, &[0, 1])?
        .lv(name, &p("jf"), LvType::Jfs, 4, &[0, 1])?
        .fs(
            &p("jf"),
            &format!("/{}", p("jfs")),
            Vfs::Jfs,
            true,
            Some(&p("lg")),
        )
}

#[test]
fn whole_vg_with_every_lv_eligible_is_one_vg_split() -> TestResult {
    let inv = clean_vg("datavg", "hdisk1", "hdisk2")?.done();
    let p = preview(&inv, &request(vec![vg("datavg")?]).build());
    assert!(p.problems.is_empty(), "{}", p.to_text());
    assert!(p.is_runnable());
    let [unit] = p.plan.units.as_slice() else {
        return Err(format!("one unit expected:\n{}", p.to_text()).into());
    };
    assert_eq!(unit.mechanism, Mechanism::VgSplit);
    assert_eq!(unit.id, 0);
    assert_eq!(unit.vg.as_str(), "datavg");
    assert_eq!(unit.copy, CopyNumber::default());
    assert_eq!(
        unit.split_name,
        SplitName::SnapshotVg(VgName::new("datavg_om")?)
    );
    let names: Vec<&str> = unit.lvs.iter().map(|l| l.lv.as_str()).collect();
    assert_eq!(
        names,
        vec!["dl_datavg", "lg_datavg", "rw_datavg", "jf_datavg"]
    );
    assert_eq!(unit.copy_pps(), 8 + 1 + 4 + 4);
    // One split per VG: one split step.
    let splits = p
        .plan
        .steps
        .iter()
        .filter(|s| matches!(s, Step::Split { .. }))
        .count();
    assert_eq!(splits, 1);
    // Naming every LV explicitly is the same as naming the VG.
    let all_lvs = vec![
        lv("dl_datavg")?,
        lv("lg_datavg")?,
        lv("rw_datavg")?,
        lv("jf_datavg")?,
    ];
    let p2 = preview(&inv, &request(all_lvs).build());
    assert_eq!(p2.plan.units.len(), 1);
    assert_eq!(
        p2.plan.units.first().map(|u| u.mechanism),
        Some(Mechanism::VgSplit)
    );
    Ok(())
}

#[test]
fn rootvg_and_vgs_with_excluded_lvs_split_per_lv() -> TestResult {
    // rootvg by name.
    let inv = clean_vg("rootvg", "hdisk0", "hdisk1")?.done();
    let p = preview(&inv, &request(vec![vg("rootvg")?]).build());
    assert!(p.is_runnable(), "{}", p.to_text());
    assert!(p.plan.units.iter().all(|u| u.lvs.len() == 1));
    assert!(
        p.plan
            .units
            .iter()
            .all(|u| u.mechanism != Mechanism::VgSplit)
    );
    // The log LV is not split alone.
    assert_eq!(
        only(&p, ProblemCode::LogLvNotSplitAlone)?.subject,
        lv_subject("lg_rootvg")?
    );
    // A VG with a paging LV (excluded, so the VG cannot be split whole).
    let inv = clean_vg("datavg", "hdisk1", "hdisk2")?
        .lv("datavg", "pagelv", LvType::Paging, 2, &[0, 1])?
        .done();
    let p = preview(&inv, &request(vec![vg("datavg")?]).build());
    assert!(p.is_runnable(), "{}", p.to_text());
    let mechanisms: Vec<(String, Mechanism)> = p
        .plan
        .units
        .iter()
        .map(|u| {
            (
                u.lvs.first().map(|l| l.lv.to_string()).unwrap_or_default(),
                u.mechanism,
            )
        })
        .collect();
    assert_eq!(
        mechanisms,
        vec![
            ("dl_datavg".to_string(), Mechanism::LvCopy),
            ("rw_datavg".to_string(), Mechanism::LvCopy),
            ("jf_datavg".to_string(), Mechanism::FsSplitCopy),
        ]
    );
    // A VG with a boot LV is a root VG whatever its name.
    let inv = clean_vg("bootvg", "hdisk1", "hdisk2")?
        .lv("bootvg", "bootlv", LvType::Boot, 1, &[0, 1])?
        .done();
    let p = preview(&inv, &request(vec![vg("bootvg")?]).build());
    assert!(
        p.plan
            .units
            .iter()
            .all(|u| u.mechanism != Mechanism::VgSplit),
        "{}",
        p.to_text()
    );
    Ok(())
}

#[test]
fn per_lv_when_the_split_copy_shares_disks_or_the_backend_lacks_vg_split() -> TestResult {
    // Copy 2 of one LV on the disk of copy 1 of another: splitvg cannot take hdisk2 alone.
    let inv = Inv::new()
        .vg("datavg", &["hdisk1", "hdisk2", "hdisk3"])?
        .lv("datavg", "alv", LvType::Raw, 4, &[0, 1])?
        .lv("datavg", "blv", LvType::Raw, 4, &[1, 2])?
        .done();
    let p = preview(&inv, &request(vec![vg("datavg")?]).build());
    assert!(p.is_runnable(), "{}", p.to_text());
    assert_eq!(p.plan.units.len(), 2);
    assert!(
        p.plan
            .units
            .iter()
            .all(|u| u.mechanism == Mechanism::LvCopy)
    );
    let inv = clean_vg("datavg", "hdisk1", "hdisk2")?.done();
    let no_vg_split = caps(&[
        Mechanism::FsSplitCopy,
        Mechanism::LvCopy,
        Mechanism::FullResyncSplit,
    ]);
    let p = preview_with(&inv, &request(vec![vg("datavg")?]).build(), &no_vg_split);
    assert!(p.is_runnable(), "{}", p.to_text());
    assert_eq!(p.plan.units.len(), 3);
    // A subset of a VG's LVs is split per LV.
    let p = preview(&inv, &request(vec![lv("dl_datavg")?]).build());
    assert_eq!(
        p.plan.units.first().map(|u| u.mechanism),
        Some(Mechanism::LvCopy)
    );
    Ok(())
}

#[test]
fn per_lv_mechanism_by_file_system() -> TestResult {
    let inv = healthy()?
        .lv("datavg", "loglv00", LvType::Jfslog, 1, &[0, 1])?
        .lv("datavg", "jfsmlv", LvType::Jfs, 4, &[0, 1])?
        .fs("jfsmlv", "/jfsm", Vfs::Jfs, true, Some("loglv00"))?
        .lv("datavg", "jfsulv", LvType::Jfs, 4, &[0, 1])?
        .fs("jfsulv", "/jfsu", Vfs::Jfs, false, Some("loglv00"))?
        .lv("datavg", "jfs2mlv", LvType::Jfs2, 4, &[0, 1])?
        .fs("jfs2mlv", "/jfs2m", Vfs::Jfs2, true, None)?
        .lv("datavg", "jfs2ulv", LvType::Jfs2, 4, &[0, 1])?
        .fs("jfs2ulv", "/jfs2u", Vfs::Jfs2, false, None)?
        .lv("datavg", "rawlv", LvType::Raw, 4, &[0, 1])?
        .done();
    let p = preview(
        &inv,
        &request(vec![vg("datavg")?])
            .force_continue_on_warnings(true)
            .build(),
    );
    assert!(p.is_runnable(), "{}", p.to_text());
    let got: BTreeMap<String, (Mechanism, SplitName)> = p
        .plan
        .units
        .iter()
        .filter_map(|u| {
            u.lvs
                .first()
                .map(|l| (l.lv.to_string(), (u.mechanism, u.split_name.clone())))
        })
        .collect();
    let lvc = |n: &str| -> Result<(Mechanism, SplitName), NameError> {
        Ok((Mechanism::LvCopy, SplitName::BackupLv(LvName::new(n)?)))
    };
    let mut want = BTreeMap::new();
    want.insert("goodlv".to_string(), lvc("goodlv_om")?);
    want.insert(
        "jfsmlv".to_string(),
        (
            Mechanism::FsSplitCopy,
            SplitName::SplitMount(MountPoint::new("/var/om/split/jfsmlv")?),
        ),
    );
    want.insert("jfsulv".to_string(), lvc("jfsulv_om")?);
    want.insert("jfs2mlv".to_string(), lvc("jfs2mlv_om")?);
    want.insert("jfs2ulv".to_string(), lvc("jfs2ulv_om")?);
    want.insert("rawlv".to_string(), lvc("rawlv_om")?);
    assert_eq!(got, want);
    // Unit ids are their indexes.
    for (i, u) in p.plan.units.iter().enumerate() {
        assert_eq!(u.id as usize, i);
    }
    Ok(())
}

#[test]
fn freeze_only_mounted_jfs2_outside_chfs_splits() -> TestResult {
    let inv = healthy()?
        .lv("datavg", "loglv00", LvType::Jfslog, 1, &[0, 1])?
        .lv("datavg", "jfsmlv", LvType::Jfs, 4, &[0, 1])?
        .fs("jfsmlv", "/jfsm", Vfs::Jfs, true, Some("loglv00"))?
        .lv("datavg", "jfs2mlv", LvType::Jfs2, 4, &[0, 1])?
        .fs("jfs2mlv", "/jfs2m", Vfs::Jfs2, true, None)?
        .lv("datavg", "jfs2ulv", LvType::Jfs2, 4, &[0, 1])?
        .fs("jfs2ulv", "/jfs2u", Vfs::Jfs2, false, None)?
        .lv("datavg", "rawlv", LvType::Raw, 4, &[0, 1])?
        .vg("vgsplit", &["hdisk7", "hdisk8"])?
        .lv("vgsplit", "vjfs2lv", LvType::Jfs2, 4, &[0, 1])?
        .fs("vjfs2lv", "/vjfs2", Vfs::Jfs2, true, None)?
        .lv("vgsplit", "vjfslv", LvType::Jfs, 4, &[0, 1])?
        .fs("vjfslv", "/vjfs", Vfs::Jfs, true, None)?
        .done();
    let targets = vec![vg("datavg")?, vg("vgsplit")?];
    let frozen = |p: &Preview| -> Vec<String> {
        p.plan
            .steps
            .iter()
            .filter_map(|s| match s {
                Step::Freeze {
                    mount_point,
                    timeout,
                } => {
                    assert_eq!(*timeout, p.plan.request.policy.freeze_timeout);
                    Some(mount_point.to_string())
                }
                _ => None,
            })
            .collect()
    };
    let thawed = |p: &Preview| -> Vec<String> {
        p.plan
            .steps
            .iter()
            .filter_map(|s| match s {
                Step::Thaw { mount_point } => Some(mount_point.to_string()),
                _ => None,
            })
            .collect()
    };
    let p = preview(&inv, &request(targets.clone()).build());
    assert!(p.is_runnable(), "{}", p.to_text());
    assert!(
        p.plan
            .units
            .iter()
            .any(|u| u.mechanism == Mechanism::VgSplit && u.vg.as_str() == "vgsplit")
    );
    // Mounted JFS2 split per LV (LvCopy) or by the VG split; sorted; thawed in reverse.
    assert_eq!(frozen(&p), vec!["/jfs2m", "/vjfs2"]);
    assert_eq!(thawed(&p), vec!["/vjfs2", "/jfs2m"]);

    // No freeze when the policy or the backend says so.
    let mut policy = Policy {
        freeze: false,
        ..Policy::default()
    };
    let p = preview(
        &inv,
        &request(targets.clone()).policy(policy.clone()).build(),
    );
    assert!(frozen(&p).is_empty() && thawed(&p).is_empty());
    policy.freeze = true;
    policy.freeze_timeout = Duration::from_secs(7);
    let p = preview(&inv, &request(targets.clone()).policy(policy).build());
    assert_eq!(frozen(&p).len(), 2, "timeout comes from the policy");
    let mut no_freeze = all_caps();
    no_freeze.freeze = false;
    let p = preview_with(&inv, &request(targets).build(), &no_freeze);
    assert!(frozen(&p).is_empty() && thawed(&p).is_empty());
    Ok(())
}

#[test]
fn steps_are_in_design_order() -> TestResult {
    let inv = healthy()?
        .lv("datavg", "loglv00", LvType::Jfslog, 1, &[0, 1])?
        .lv("datavg", "jfsmlv", LvType::Jfs, 4, &[0, 1])?
        .fs("jfsmlv", "/jfsm", Vfs::Jfs, true, Some("loglv00"))?
        .lv("datavg", "bjfs2lv", LvType::Jfs2, 4, &[0, 1])?
        .fs("bjfs2lv", "/b", Vfs::Jfs2, true, None)?
        .lv("datavg", "ajfs2lv", LvType::Jfs2, 4, &[0, 1])?
        .fs("ajfs2lv", "/a", Vfs::Jfs2, true, None)?
        .done();
    let req = request(vec![vg("datavg")?])
        .hook(HookPhase::PreOffline, HookSpec::new("/bin/pre"))
        .hook(HookPhase::Resume, HookSpec::new("/bin/resume"))
        .hook(HookPhase::PostOffline, HookSpec::new("/bin/post"))
        .build();
    let p = preview(&inv, &req);
    assert!(p.is_runnable(), "{}", p.to_text());
    // Units: goodlv, jfsmlv, bjfs2lv, ajfs2lv (VG order).
    assert_eq!(p.plan.units.len(), 4);
    let t = Duration::from_secs(60);
    let mp = |s: &str| MountPoint::new(s);
    let want = vec![
        Step::Hook {
            phase: HookPhase::PreOffline,
        },
        Step::Freeze {
            mount_point: mp("/a")?,
            timeout: t,
        },
        Step::Freeze {
            mount_point: mp("/b")?,
            timeout: t,
        },
        Step::Split { unit: 0 },
        Step::Split { unit: 1 },
        Step::Split { unit: 2 },
        Step::Split { unit: 3 },
        Step::Thaw {
            mount_point: mp("/b")?,
        },
        Step::Thaw {
            mount_point: mp("/a")?,
        },
        Step::Hook {
            phase: HookPhase::Resume,
        },
        Step::Expose { unit: 0 },
        Step::Expose { unit: 1 },
        Step::Expose { unit: 2 },
        Step::Expose { unit: 3 },
        Step::Hook {
            phase: HookPhase::Backup,
        },
        Step::Unexpose { unit: 3 },
        Step::Unexpose { unit: 2 },
        Step::Unexpose { unit: 1 },
        Step::Unexpose { unit: 0 },
        Step::Rejoin { unit: 3 },
        Step::Rejoin { unit: 2 },
        Step::Rejoin { unit: 1 },
        Step::Rejoin { unit: 0 },
        Step::Resync { unit: 0 },
        Step::Resync { unit: 1 },
        Step::Resync { unit: 2 },
        Step::Resync { unit: 3 },
        Step::Verify,
        Step::Hook {
            phase: HookPhase::PostOffline,
        },
    ];
    assert_eq!(p.plan.steps, want);
    // Phases never go backwards.
    let phases: Vec<Phase> = p.plan.steps.iter().map(Step::phase).collect();
    let mut sorted = phases.clone();
    sorted.sort();
    assert_eq!(phases, sorted);
    // Only the configured hooks appear.
    let p = preview(&inv, &request(vec![vg("datavg")?]).build());
    let hooks: Vec<&Step> = p
        .plan
        .steps
        .iter()
        .filter(|s| matches!(s, Step::Hook { .. }))
        .collect();
    assert_eq!(
        hooks,
        vec![&Step::Hook {
            phase: HookPhase::Backup
        }]
    );
    // Every step that changes the host has its inverse later in the plan.
    for (i, s) in p.plan.steps.iter().enumerate() {
        if let Some(inv) = s.inverse() {
            assert!(
                p.plan.steps.iter().skip(i + 1).any(|later| later == &inv),
                "{s} has no later {inv}"
            );
        }
    }
    Ok(())
}

#[test]
fn split_names_are_unique_and_valid_for_long_names() -> TestResult {
    let inv = Inv::new()
        .vg("datavg", &["hdisk1", "hdisk2"])?
        .lv("datavg", "abcdefghijklmn1", LvType::Raw, 2, &[0, 1])?
        .lv("datavg", "abcdefghijklmn2", LvType::Raw, 2, &[0, 1])?
        .lv("datavg", "pagelv", LvType::Paging, 1, &[0, 1])?
        .done();
    let p = preview(&inv, &request(vec![vg("datavg")?]).build());
    assert!(p.is_runnable(), "{}", p.to_text());
    let names: Vec<String> = p
        .plan
        .units
        .iter()
        .map(|u| match &u.split_name {
            SplitName::BackupLv(n) => n.to_string(),
            other => format!("{other:?}"),
        })
        .collect();
    assert_eq!(names.len(), 2);
    let unique: BTreeSet<&String> = names.iter().collect();
    assert_eq!(unique.len(), 2, "{names:?}");
    for n in &names {
        assert!(n.len() <= MAX_LVM_NAME_LEN, "{n}");
        assert!(n.contains("_om"), "{n}");
    }
    Ok(())
}

// ---------------------------------------------------------------------------------------
// Serialisation and determinism.
// ---------------------------------------------------------------------------------------

fn rich_case() -> Result<(Inventory, BackupRequest), Box<dyn Error>> {
    let inv = clean_vg("datavg", "hdisk1", "hdisk2")?
        .vg("appvg", &["hdisk5", "hdisk6"])?
        .lv("appvg", "loglv00", LvType::Jfslog, 1, &[0, 1])?
        .lv("appvg", "legacylv", LvType::Jfs, 24, &[0, 1])?
        .fs("legacylv", "/legacy", Vfs::Jfs, true, Some("loglv00"))?
        .lv("appvg", "homelv", LvType::Jfs2, 20, &[0, 1])?
        .fs("homelv", "/home2", Vfs::Jfs2, true, None)?
        .lv("appvg", "scratchlv", LvType::Jfs2, 16, &[0, 1])?
        .fs("scratchlv", "/scratch", Vfs::Jfs2, true, None)?
        .stale("scratchlv", 2, 3)?
        .lv("appvg", "paging01", LvType::Paging, 8, &[0, 1])?
        .done();
    let req = request(vec![vg("datavg")?, vg("appvg")?])
        .hook(HookPhase::PreOffline, HookSpec::new("/bin/pre").arg("x"))
        .hook(
            HookPhase::PostOffline,
            HookSpec::new("/bin/post").timeout(Duration::from_secs(5)),
        )
        .force_continue_on_warnings(true)
        .build();
    Ok((inv, req))
}

#[test]
fn plan_and_preview_round_trip_through_json() -> TestResult {
    let (inv, req) = rich_case()?;
    let p = preview(&inv, &req);
    assert!(p.is_runnable(), "{}", p.to_text());
    assert!(!p.plan.units.is_empty() && !p.problems.is_empty());
    let json = serde_json::to_string_pretty(&p.plan)?;
    let back: Plan = serde_json::from_str(&json)?;
    assert_eq!(back, p.plan);
    let json = serde_json::to_string(&p)?;
    let back: Preview = serde_json::from_str(&json)?;
    assert_eq!(back, p);
    let plan = p.clone().into_plan()?;
    let back: Plan = serde_json::from_str(&serde_json::to_string(&plan)?)?;
    assert_eq!(back, plan);
    // Stable codes in JSON.
    let value: serde_json::Value = serde_json::to_value(&p)?;
    let codes: Vec<&str> = value["problems"]
        .as_array()
        .map(|a| a.iter().filter_map(|p| p["code"].as_str()).collect())
        .unwrap_or_default();
    assert!(codes.contains(&"stale_partitions"), "{codes:?}");
    assert_eq!(value["plan"]["units"][0]["mechanism"], "vg_split");
    // The inventory itself round-trips too.
    let back: Inventory = serde_json::from_str(&serde_json::to_string(&inv)?)?;
    assert_eq!(back, inv);
    Ok(())
}

#[test]
fn planning_is_deterministic() -> TestResult {
    let (inv, req) = rich_case()?;
    let first = preview(&inv, &req);
    let first_json = serde_json::to_string(&first)?;
    for _ in 0..20 {
        let again = preview(&inv, &req);
        assert_eq!(again, first);
        assert_eq!(serde_json::to_string(&again)?, first_json);
        assert_eq!(again.to_text(), first.to_text());
    }
    // A clone of the inputs (fresh hash maps inside the planner) gives the same plan.
    let again = preview(&inv.clone(), &req.clone());
    assert_eq!(again, first);
    Ok(())
}
