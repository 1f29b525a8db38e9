//! Call-order tests with a mockall runner: the exact command sequence, and that nothing
//! else is run (an unexpected command fails the test).

use std::time::Duration;

use mockall::Sequence;
use offmirror_core::{
    Applied, BackendError, CopyNumber, FsController, LvName, LvType, Mechanism, MountPoint,
    SplitName, SplitUnit, UnitLv, VgName, VolumeManager,
};

use super::AixBackend;
use crate::runner::{CommandOutput, MockCommandRunner};

type TestResult = Result<(), Box<dyn std::error::Error>>;

fn vg_unit() -> Result<SplitUnit, Box<dyn std::error::Error>> {
    Ok(SplitUnit {
        id: 0,
        mechanism: Mechanism::VgSplit,
        vg: VgName::new("datavg")?,
        copy: CopyNumber::default(),
        lvs: vec![UnitLv {
            lv: LvName::new("rawlv")?,
            lv_type: LvType::Raw,
            lps: 4,
            copies: 2,
            fs: None,
        }],
        split_name: SplitName::SnapshotVg(VgName::new("datavg_om")?),
    })
}

/// Expects `line` next, answering `output`.
fn expect(
    mock: &mut MockCommandRunner,
    seq: &mut Sequence,
    line: &'static str,
    output: CommandOutput,
) {
    let words: Vec<String> = line.split(' ').map(String::from).collect();
    mock.expect_run()
        .withf(move |argv| argv == words.as_slice())
        .times(1)
        .in_sequence(seq)
        .return_once(move |_| Ok(output));
}

#[test]
fn vg_split_and_rejoin_in_order() -> TestResult {
    let mut mock = MockCommandRunner::new();
    let mut seq = Sequence::new();
    expect(
        &mut mock,
        &mut seq,
        "splitvg -y datavg_om -c 2 datavg",
        CommandOutput::ok("datavg_om\n"),
    );
    expect(
        &mut mock,
        &mut seq,
        "lsvg",
        CommandOutput::ok("rootvg\ndatavg\ndatavg_om\n"),
    );
    expect(&mut mock, &mut seq, "joinvg datavg", CommandOutput::ok(""));
    expect(
        &mut mock,
        &mut seq,
        "lsvg",
        CommandOutput::ok("rootvg\ndatavg\n"),
    );
    let backend = AixBackend::new(mock);
    let unit = vg_unit()?;
    assert_eq!(backend.split(&unit)?, Applied::Done);
    assert_eq!(backend.rejoin(&unit)?, Applied::Done);
    assert_eq!(backend.rejoin(&unit)?, Applied::AlreadyDone);
    Ok(())
}

#[test]
fn a_failed_split_is_rejoined_without_joinvg() -> TestResult {
    let mut mock = MockCommandRunner::new();
    let mut seq = Sequence::new();
    expect(
        &mut mock,
        &mut seq,
        "splitvg -y datavg_om -c 2 datavg",
        CommandOutput::failed(
            1,
            "0516-010 : Volume group must be varied on; use varyonvg command.\n",
        ),
    );
    expect(
        &mut mock,
        &mut seq,
        "lsvg",
        CommandOutput::ok("rootvg\ndatavg\n"),
    );
    expect(
        &mut mock,
        &mut seq,
        "lsvg",
        CommandOutput::ok("rootvg\ndatavg\n"),
    );
    let backend = AixBackend::new(mock);
    let unit = vg_unit()?;
    match backend.split(&unit) {
        Err(BackendError::Command { status, .. }) => {
            assert_eq!(
                status,
                "exit status 1; 0516-010: the volume group is not varied on"
            );
        }
        other => return Err(format!("expected a command error, got {other:?}").into()),
    }
    assert_eq!(backend.rejoin(&unit)?, Applied::AlreadyDone);
    Ok(())
}

#[test]
fn freeze_split_thaw_in_order() -> TestResult {
    let mut mock = MockCommandRunner::new();
    let mut seq = Sequence::new();
    expect(
        &mut mock,
        &mut seq,
        "chfs -a freeze=30 /data",
        CommandOutput::ok(""),
    );
    expect(
        &mut mock,
        &mut seq,
        "splitvg -y datavg_om -c 2 datavg",
        CommandOutput::ok(""),
    );
    expect(
        &mut mock,
        &mut seq,
        "chfs -a freeze=off /data",
        CommandOutput::ok(""),
    );
    let backend = AixBackend::new(mock);
    let data = MountPoint::new("/data")?;
    assert_eq!(
        backend.freeze(&data, Duration::from_secs(30))?,
        Applied::Done
    );
    assert_eq!(backend.split(&vg_unit()?)?, Applied::Done);
    assert_eq!(backend.thaw(&data)?, Applied::Done);
    Ok(())
}

#[test]
fn the_inventory_of_one_vg_in_order() -> TestResult {
    let mut mock = MockCommandRunner::new();
    let mut seq = Sequence::new();
    expect(&mut mock, &mut seq, "lsvg", CommandOutput::ok("datavg\n"));
    expect(
        &mut mock,
        &mut seq,
        "lsvg -o",
        CommandOutput::ok("datavg\n"),
    );
    expect(
        &mut mock,
        &mut seq,
        "lsvg datavg",
        CommandOutput::ok(
            "VOLUME GROUP:       datavg                   VG IDENTIFIER:  00f6f42a00004c000000017a0bd88942\n\
             VG STATE:           active                   PP SIZE:        16 megabyte(s)\n",
        ),
    );
    expect(
        &mut mock,
        &mut seq,
        "lsvg -p datavg",
        CommandOutput::ok(
            "datavg:\nPV_NAME           PV STATE          TOTAL PPs   FREE PPs    FREE DISTRIBUTION\n\
             hdisk2            active            10          8           02..02..02..01..01\n\
             hdisk3            active            10          8           02..02..02..01..01\n",
        ),
    );
    expect(
        &mut mock,
        &mut seq,
        "lsvg -l datavg",
        CommandOutput::ok(
            "datavg:\nLV NAME             TYPE       LPs     PPs     PVs  LV STATE      MOUNT POINT\n\
             rawlv               raw        2       4       2    closed/stale  N/A\n",
        ),
    );
    expect(
        &mut mock,
        &mut seq,
        "lsvg -M datavg",
        CommandOutput::ok(
            "datavg\nhdisk2:1\trawlv:1:1\nhdisk2:2\trawlv:2:1\nhdisk2:3-10\n\
             hdisk3:1\trawlv:1:2\nhdisk3:2\trawlv:2:2\tstale\nhdisk3:3-10\n",
        ),
    );
    expect(
        &mut mock,
        &mut seq,
        "lsfs -c",
        CommandOutput::ok("#MountPoint:Device:Vfs:Nodename:Type:Size:Options:AutoMount:Acct\n"),
    );
    expect(&mut mock, &mut seq, "mount", CommandOutput::ok(""));
    let inventory = AixBackend::new(mock).inventory()?;
    let (vg, lv) = inventory.lv(&LvName::new("rawlv")?).ok_or("no rawlv")?;
    assert_eq!(vg.pp_size_mb, 16);
    assert_eq!(lv.copies.len(), 2);
    assert_eq!(lv.stale_pps(), 1);
    Ok(())
}
