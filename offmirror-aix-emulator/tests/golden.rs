//! Golden layouts: what the emulator prints for the demo host parses with
//! `offmirror-aix`'s parsers into the simulator's values, and its lines have the column
//! structure of the real samples (headings byte for byte, fields starting in the same
//! columns).

mod common;

use std::collections::BTreeMap;
use std::error::Error;
use std::path::Path;
use std::sync::{Mutex, PoisonError};

use offmirror_aix::AixBackend;
use offmirror_aix::parse::{
    self, LvState, PpUsage, PvState, VgState, parse_fs_list, parse_lv_detail, parse_lv_pp_map,
    parse_mounts, parse_pv_list, parse_vg_detail, parse_vg_lvs, parse_vg_names, parse_vg_pp_map,
    parse_vg_pvs,
};
use offmirror_aix::runner::{BackgroundJob, CommandOutput, CommandRunner, ExitState, RunError};
use offmirror_aix_emulator::{Emulator, Output};
use offmirror_core::{LogDevice, VolumeManager};
use offmirror_sim::{SimState, demo_state};

use common::{EmulatedHost, TestResult, samples, samples_of};

/// An idle demo host (no application writes), so that values can be compared exactly.
fn idle_demo() -> SimState {
    let mut state = demo_state();
    state.writes.per_op = 0;
    state
}

fn run(emulator: &mut Emulator, line: &str) -> Result<Output, Box<dyn Error>> {
    let words: Vec<String> = line.split_whitespace().map(String::from).collect();
    let (program, args) = words.split_first().ok_or("empty command")?;
    let out = emulator.run(program, args);
    if out.success() {
        Ok(out)
    } else {
        Err(format!("{line}: {out:?}").into())
    }
}

/// The start column of every blank-separated field of a line.
fn field_starts(line: &str) -> Vec<usize> {
    let mut starts = Vec::new();
    let mut previous_blank = true;
    for (i, c) in line.char_indices() {
        if c != ' ' && previous_blank {
            starts.push(i);
        }
        previous_blank = c == ' ';
    }
    starts
}

fn lines_of(text: &str) -> Vec<&str> {
    text.lines().map(|l| l.trim_end_matches('\r')).collect()
}

#[test]
fn vg_names_are_the_simulators() -> TestResult {
    let state = idle_demo();
    let mut emulator = Emulator::new(state.clone());
    let all = parse_vg_names(&run(&mut emulator, "lsvg")?.stdout)?;
    let want: Vec<String> = state
        .inventory
        .vgs
        .iter()
        .map(|v| v.name.to_string())
        .collect();
    assert_eq!(all, want);
    let online = parse_vg_names(&run(&mut emulator, "lsvg -o")?.stdout)?;
    assert_eq!(online, want);
    Ok(())
}

#[test]
fn vg_detail_pvs_lvs_and_map_match_the_simulator() -> TestResult {
    let state = idle_demo();
    let mut emulator = Emulator::new(state.clone());
    for vg in &state.inventory.vgs {
        let name = vg.name.as_str();
        let detail = parse_vg_detail(&run(&mut emulator, &format!("lsvg {name}"))?.stdout)?;
        assert_eq!(detail.name, name);
        assert_eq!(detail.state, Some(VgState::Active));
        assert_eq!(detail.pp_size_bytes, Some(u64::from(vg.pp_size_mb) << 20));
        let total: u32 = vg.pvs.iter().map(|p| p.total_pps).sum();
        let used: u64 = vg.lvs.iter().map(|l| l.allocated_pps()).sum();
        assert_eq!(detail.total_pps, Some(total));
        assert_eq!(detail.used_pps.map(u64::from), Some(used));
        assert_eq!(
            detail.free_pps.map(u64::from),
            Some(u64::from(total) - used)
        );
        assert_eq!(detail.stale_pps.map(u64::from), Some(vg.stale_pps()));
        assert_eq!(detail.lvs, u32::try_from(vg.lvs.len()).ok());
        assert_eq!(detail.total_pvs, u32::try_from(vg.pvs.len()).ok());
        assert_eq!(detail.active_pvs, detail.total_pvs);

        let pvs = parse_vg_pvs(&run(&mut emulator, &format!("lsvg -p {name}"))?.stdout)?;
        assert_eq!(pvs.vg_name, name);
        assert_eq!(pvs.pvs.len(), vg.pvs.len());
        for (i, (row, pv)) in pvs.pvs.iter().zip(&vg.pvs).enumerate() {
            let used_here = vg
                .lvs
                .iter()
                .flat_map(|l| l.copies.iter().flat_map(|c| c.pps.iter().flatten()))
                .filter(|p| usize::from(p.pv) == i)
                .count();
            assert_eq!(row.name, pv.name.as_str());
            assert_eq!(row.state, Some(PvState::Active));
            assert_eq!(row.total_pps, Some(pv.total_pps));
            assert_eq!(
                row.free_pps.map(|f| f as usize),
                Some(pv.total_pps as usize - used_here)
            );
            let distribution: u32 = row.free_distribution.iter().flatten().sum();
            assert_eq!(Some(distribution), row.free_pps, "{}", row.name);
        }

        let lvs = parse_vg_lvs(&run(&mut emulator, &format!("lsvg -l {name}"))?.stdout)?;
        assert_eq!(lvs.vg_name, name);
        assert_eq!(lvs.lvs.len(), vg.lvs.len());
        for (row, lv) in lvs.lvs.iter().zip(&vg.lvs) {
            assert_eq!(row.name, lv.name.as_str());
            assert_eq!(row.lv_type.as_deref(), Some(lv.lv_type.as_str()));
            assert_eq!(row.lps, Some(lv.lps));
            assert_eq!(row.pps.map(u64::from), Some(lv.allocated_pps()));
            assert_eq!(
                row.state,
                Some(LvState {
                    open: lv.open,
                    stale: lv.stale_pps() > 0
                })
            );
            let mount = state
                .inventory
                .filesystem_on(&lv.name)
                .map(|f| f.mount_point.to_string());
            assert_eq!(row.mount_point, mount);
        }

        let map = parse_vg_pp_map(&run(&mut emulator, &format!("lsvg -M {name}"))?.stdout)?;
        assert_eq!(map.vg_name.as_deref(), Some(name));
        let mut used_map = BTreeMap::new();
        for (pv, pp, copy) in map.used() {
            let key = (map.pv_name(pv).unwrap_or("").to_string(), pp);
            let value = (
                map.lv_name(copy.lv).unwrap_or("").to_string(),
                copy.lp,
                copy.copy,
                copy.stale,
            );
            assert!(used_map.insert(key, value).is_none(), "a PP listed twice");
        }
        let mut expected = BTreeMap::new();
        for lv in &vg.lvs {
            for (ci, copy) in lv.copies.iter().enumerate() {
                for (lp, pp) in copy.pps.iter().enumerate() {
                    let Some(pp) = pp else { continue };
                    let pv = vg.pv_name(pp.pv).ok_or("bad pv")?.to_string();
                    let copy_no = (lv.copies.len() > 1).then(|| ci as u8 + 1);
                    expected.insert(
                        (pv, pp.pp),
                        (lv.name.to_string(), lp as u32 + 1, copy_no, pp.stale),
                    );
                }
            }
        }
        assert_eq!(used_map, expected, "lsvg -M {name}");
        // Free ranges cover exactly the rest of each disk.
        let free: u64 = map
            .entries
            .iter()
            .map(|e| match e.usage {
                PpUsage::Free { last_pp } => u64::from(last_pp - e.pp + 1),
                PpUsage::Lp(_) => 0,
            })
            .sum();
        assert_eq!(free + used, u64::from(total));
    }
    Ok(())
}

#[test]
fn file_systems_and_mounts_match_the_simulator() -> TestResult {
    let state = idle_demo();
    let mut emulator = Emulator::new(state.clone());
    let fss = parse_fs_list(&run(&mut emulator, "lsfs -c")?.stdout)?;
    assert_eq!(fss.len(), state.inventory.filesystems.len());
    for (entry, fs) in fss.iter().zip(&state.inventory.filesystems) {
        assert_eq!(entry.mount_point, fs.mount_point.as_str());
        assert_eq!(
            entry.device.as_deref(),
            Some(format!("/dev/{}", fs.device).as_str())
        );
        assert_eq!(entry.vfs.as_deref(), Some(fs.vfs.as_str()));
        let (vg, lv) = state.inventory.lv(&fs.device).ok_or("no LV")?;
        let blocks = u64::from(lv.lps) * u64::from(vg.pp_size_mb) * 2048;
        assert_eq!(entry.size_blocks, Some(blocks));
    }
    let mounts = parse_mounts(&run(&mut emulator, "mount")?.stdout)?;
    for fs in state.inventory.filesystems.iter().filter(|f| f.mounted) {
        let m = mounts
            .iter()
            .find(|m| m.mount_point == fs.mount_point.as_str())
            .ok_or("not mounted")?;
        assert_eq!(m.device, format!("/dev/{}", fs.device));
        assert_eq!(m.vfs, fs.vfs.as_str());
        assert_eq!(m.node, None);
        assert_eq!(
            offmirror_aix::inventory::log_device(m.options.iter().map(String::as_str)),
            Some(fs.log.clone())
        );
        assert!(!m.is_read_only());
    }
    assert!(mounts.iter().any(|m| m.vfs == "procfs"));
    Ok(())
}

#[test]
fn lslv_and_lspv_match_the_simulator() -> TestResult {
    let state = idle_demo();
    let mut emulator = Emulator::new(state.clone());
    for vg in &state.inventory.vgs {
        for lv in &vg.lvs {
            let name = lv.name.as_str();
            let detail = parse_lv_detail(&run(&mut emulator, &format!("lslv {name}"))?.stdout)?;
            assert_eq!(detail.name, name);
            assert_eq!(detail.vg_name.as_deref(), Some(vg.name.as_str()));
            assert_eq!(detail.copies, u32::try_from(lv.copy_count()).ok());
            assert_eq!(detail.lps, Some(lv.lps));
            assert_eq!(detail.pps.map(u64::from), Some(lv.allocated_pps()));
            assert_eq!(detail.stale_pps.map(u64::from), Some(lv.stale_pps()));
            assert_eq!(detail.state.map(|s| s.open), Some(lv.open));
            let map = parse_lv_pp_map(&run(&mut emulator, &format!("lslv -m {name}"))?.stdout)?;
            assert_eq!(map.lv_name, name);
            assert_eq!(map.lps.len(), lv.lps as usize);
            for (row, lp) in map.lps.iter().zip(0..) {
                let want: Vec<(u32, String)> = lv
                    .copies
                    .iter()
                    .filter_map(|c| c.pps.get(lp).copied().flatten())
                    .map(|p| {
                        (
                            p.pp,
                            vg.pv_name(p.pv).map(|n| n.to_string()).unwrap_or_default(),
                        )
                    })
                    .collect();
                let got: Vec<(u32, String)> =
                    row.copies.iter().map(|c| (c.pp, c.pv.clone())).collect();
                assert_eq!(got, want, "lslv -m {name} LP {}", lp + 1);
            }
        }
    }
    let pvs = parse_pv_list(&run(&mut emulator, "lspv")?.stdout)?;
    let want: Vec<(String, String)> = state
        .inventory
        .vgs
        .iter()
        .flat_map(|vg| {
            vg.pvs
                .iter()
                .map(move |p| (p.name.to_string(), vg.name.to_string()))
        })
        .collect();
    let got: Vec<(String, String)> = pvs
        .iter()
        .map(|p| (p.name.clone(), p.vg.clone().unwrap_or_default()))
        .collect();
    assert_eq!(got, want);
    assert!(pvs.iter().all(|p| p.state == Some(PvState::Active)));
    Ok(())
}

/// Runs the emulator in this process for `offmirror-aix`'s backend.
struct InProcess(Mutex<Emulator>);

impl CommandRunner for InProcess {
    fn run(&self, argv: &[String]) -> Result<CommandOutput, RunError> {
        let (program, args) = argv.split_first().ok_or(RunError::Empty)?;
        let out = self
            .0
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .run(program, args);
        Ok(CommandOutput::new(
            ExitState::Code(out.status),
            out.stdout,
            out.stderr,
        ))
    }

    fn start(&self, argv: &[String]) -> Result<BackgroundJob, RunError> {
        Ok(BackgroundJob::finished(argv.to_vec(), self.run(argv)))
    }
}

#[test]
fn the_aix_inventory_of_the_emulator_is_the_simulators_inventory() -> TestResult {
    let state = idle_demo();
    let backend = AixBackend::new(InProcess(Mutex::new(Emulator::new(state.clone()))));
    let inventory = backend.inventory()?;
    assert_eq!(inventory, state.inventory);
    assert!(matches!(
        inventory.filesystems.first().map(|f| &f.log),
        Some(LogDevice::Lv(_))
    ));
    Ok(())
}

#[test]
fn the_same_listings_through_the_binary() -> TestResult {
    let host = EmulatedHost::new(idle_demo())?;
    let mut emulator = Emulator::new(idle_demo());
    for line in [
        "lsvg",
        "lsvg -o",
        "lsvg -l datavg",
        "lsvg -p appvg",
        "lsfs -c",
        "mount",
        "lspv",
    ] {
        let words: Vec<&str> = line.split_whitespace().collect();
        let (program, args) = words.split_first().ok_or("empty")?;
        let process = host.run(program, args)?;
        let in_memory = run(&mut emulator, line)?;
        assert_eq!(process, in_memory, "{line}");
    }
    // Called by its own name, the first argument is the command.
    let out = std::process::Command::new(common::binary())
        .args(["lsvg", "-o"])
        .env(offmirror_aix_emulator::STATE_ENV, &host.state)
        .output()?;
    assert!(out.status.success());
    assert_eq!(String::from_utf8(out.stdout)?, "rootvg\ndatavg\nappvg\n");
    Ok(())
}

// ---- layouts against the real samples ----

fn fixture_dir() -> Result<Option<std::path::PathBuf>, Box<dyn Error>> {
    samples()
}

/// The sample `name`'s lines.
fn sample_lines(dir: &Path, name: &str) -> Result<Vec<String>, Box<dyn Error>> {
    let text = std::fs::read_to_string(dir.join(name))?;
    Ok(lines_of(&text).into_iter().map(String::from).collect())
}

#[test]
fn lsvg_l_heading_and_columns_as_the_samples() -> TestResult {
    let Some(dir) = fixture_dir()? else {
        return Ok(());
    };
    let mut emulator = Emulator::new(idle_demo());
    let ours = run(&mut emulator, "lsvg -l appvg")?.stdout;
    let ours = lines_of(&ours);
    for (name, text) in samples_of(&dir, "lsvg-l")? {
        let theirs = lines_of(&text);
        assert_eq!(ours.get(1), theirs.get(1), "heading differs from {name}");
        let their_row = theirs.get(2).ok_or("no row")?;
        for row in ours.iter().skip(2) {
            assert_eq!(
                field_starts(row),
                field_starts(their_row),
                "{row:?} vs {name}"
            );
        }
    }
    // The parser reads every sample and our listing alike.
    parse_vg_lvs(&ours.join("\n"))?;
    Ok(())
}

#[test]
fn lsvg_p_heading_and_columns_as_the_samples() -> TestResult {
    let Some(dir) = fixture_dir()? else {
        return Ok(());
    };
    let mut emulator = Emulator::new(idle_demo());
    let ours = run(&mut emulator, "lsvg -p datavg")?.stdout;
    let ours = lines_of(&ours);
    assert_eq!(ours.first().copied(), Some("datavg:"));
    for (name, text) in samples_of(&dir, "lsvg-p")? {
        let theirs = lines_of(&text);
        assert_eq!(ours.get(1), theirs.get(1), "heading differs from {name}");
        let their_row = theirs.get(2).ok_or("no row")?;
        for row in ours.iter().skip(2) {
            assert_eq!(
                field_starts(row),
                field_starts(their_row),
                "{row:?} vs {name}"
            );
        }
    }
    Ok(())
}

#[test]
fn lsvg_detail_labels_as_the_scalable_sample() -> TestResult {
    let Some(dir) = fixture_dir()? else {
        return Ok(());
    };
    let mut emulator = Emulator::new(idle_demo());
    let ours = run(&mut emulator, "lsvg datavg")?.stdout;
    let ours = lines_of(&ours);
    let theirs = sample_lines(&dir, "lsvg_vg.1.txt")?;
    assert_eq!(ours.len(), theirs.len());
    let label = |line: &str, from: usize, to: usize| -> String {
        line.get(from..to.min(line.len()))
            .unwrap_or("")
            .split(':')
            .next()
            .unwrap_or("")
            .trim_end()
            .to_string()
    };
    for (o, t) in ours.iter().zip(&theirs) {
        assert_eq!(label(o, 0, 20), label(t, 0, 20), "{o:?} vs {t:?}");
        assert_eq!(label(o, 45, 61), label(t, 45, 61), "{o:?} vs {t:?}");
        if t.len() > 45 && !t.get(45..).unwrap_or("").trim().is_empty() {
            assert_eq!(field_starts(o).first(), field_starts(t).first());
            let right = |l: &str| l.get(45..).map(|r| r.find(':'));
            assert_eq!(right(o), right(t), "{o:?} vs {t:?}");
        }
    }
    // The lines AIX pads with blanks are padded the same way.
    for quirk in ["MIRROR POOL STRICT: off", "HOT SPARE:"] {
        let o = ours.iter().find(|l| l.starts_with(quirk));
        let t = theirs.iter().find(|l| l.starts_with(quirk));
        assert_eq!(o.map(|l| l.len()), t.map(|l| l.len()), "{quirk}");
    }
    // The other layouts' samples parse, and so does ours.
    for (name, text) in samples_of(&dir, "lsvg_vg")? {
        parse_vg_detail(&text).map_err(|e| format!("{name}: {e}"))?;
    }
    Ok(())
}

#[test]
fn mount_and_lsfs_as_the_samples() -> TestResult {
    let Some(dir) = fixture_dir()? else {
        return Ok(());
    };
    let mut emulator = Emulator::new(idle_demo());
    let ours = run(&mut emulator, "mount")?.stdout;
    let ours = lines_of(&ours);
    for (name, text) in samples_of(&dir, "mount")? {
        let theirs = lines_of(&text);
        for i in 0..2 {
            assert_eq!(
                ours.get(i).map(|l| l.trim_end()),
                theirs.get(i).map(|l| l.trim_end()),
                "heading line {} differs from {name}",
                i + 1
            );
        }
    }
    let theirs = sample_lines(&dir, "mount.2.txt")?;
    let their_row = theirs.get(2).ok_or("no row")?;
    let our_row = ours.get(2).ok_or("no row")?;
    assert_eq!(field_starts(our_row), field_starts(their_row));
    assert_eq!(
        ours.get(..2),
        theirs
            .get(..2)
            .map(|h| h.iter().map(String::as_str).collect::<Vec<_>>())
            .as_deref()
    );

    let ours = run(&mut emulator, "lsfs -c")?.stdout;
    for (name, text) in samples_of(&dir, "lsfs-c")? {
        assert_eq!(ours.lines().next(), text.lines().next(), "{name}");
        let their_fields = text.lines().nth(1).map(|l| l.split(':').count());
        for line in ours.lines().skip(1) {
            assert_eq!(Some(line.split(':').count()), their_fields, "{line}");
        }
    }
    Ok(())
}

#[test]
fn lslv_lslv_m_and_lspv_as_the_samples() -> TestResult {
    let Some(dir) = fixture_dir()? else {
        return Ok(());
    };
    let mut emulator = Emulator::new(idle_demo());
    let ours = run(&mut emulator, "lslv oraloglv")?.stdout;
    let ours = lines_of(&ours);
    let theirs = sample_lines(&dir, "lslv.3.txt")?;
    assert_eq!(ours.len(), theirs.len());
    for (o, t) in ours.iter().zip(&theirs) {
        let key = |l: &str| l.split(':').next().unwrap_or("").to_string();
        assert_eq!(key(o), key(t));
        let right = |l: &str| {
            l.get(43..)
                .and_then(|r| r.split(':').next())
                .map(str::to_string)
        };
        if t.len() > 43 && !t.starts_with("LV IDENTIFIER") {
            assert_eq!(right(o), right(t), "{o:?} vs {t:?}");
        }
    }
    let ours = run(&mut emulator, "lslv -m oraloglv")?.stdout;
    let ours = lines_of(&ours);
    let theirs = sample_lines(&dir, "lslv-m.1.txt")?;
    assert_eq!(ours.get(1).copied(), theirs.get(1).map(String::as_str));
    assert_eq!(
        ours.get(2).map(|l| field_starts(l)),
        theirs.get(2).map(|l| field_starts(l))
    );
    let ours = run(&mut emulator, "lspv")?.stdout;
    let theirs = sample_lines(&dir, "lspv.1.txt")?;
    for line in ours.lines() {
        assert_eq!(
            field_starts(line),
            field_starts(theirs.first().ok_or("empty")?)
        );
    }
    Ok(())
}

#[test]
fn the_varied_off_message_is_the_samples_byte_for_byte() -> TestResult {
    let Some(dir) = fixture_dir()? else {
        return Ok(());
    };
    let sample = std::fs::read_to_string(dir.join("err_0516-010.1.txt"))?;
    assert_eq!(offmirror_aix_emulator::messages::vg_offline(), sample);
    let messages = parse::parse_messages(&sample);
    assert_eq!(
        messages.first().map(|m| m.kind()),
        Some(parse::MessageKind::VgNotVariedOn)
    );
    Ok(())
}
