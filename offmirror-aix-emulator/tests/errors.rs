//! Error paths through the binary: AIX messages on stderr with a non-zero exit, the
//! simulator's rules and faults, a crashed host, and concurrent commands under the lock.

mod common;

use offmirror_aix::parse::{MessageKind, parse_messages};
use offmirror_core::LvType;
use offmirror_sim::{FailRule, HostBuilder, OpKind, SimState};

use common::{EmulatedHost, TestResult};

/// The demo host plus a varied-off VG `offvg`.
fn demo_with_offline_vg() -> Result<SimState, Box<dyn std::error::Error>> {
    let mut state = offmirror_sim::demo_state();
    let extra = HostBuilder::new()
        .vg("offvg", &["hdisk9"], 100)
        .lv("offvg", "offlv", LvType::Jfs2, 4, 1)
        .varied_off("offvg")
        .inventory()?;
    state.inventory.vgs.extend(extra.vgs);
    Ok(state)
}

fn kinds(stderr: &str) -> Vec<MessageKind> {
    parse_messages(stderr).iter().map(|m| m.kind()).collect()
}

#[test]
fn a_varied_off_vg_answers_0516_010() -> TestResult {
    let host = EmulatedHost::new(demo_with_offline_vg()?)?;
    for args in [
        &["-l", "offvg"][..],
        &["offvg"],
        &["-p", "offvg"],
        &["-M", "offvg"],
    ] {
        let out = host.run("lsvg", args)?;
        assert_eq!(
            out.stderr, "0516-010 : Volume group must be varied on; use varyonvg command.\n",
            "lsvg {args:?}"
        );
        assert_eq!(out.stdout, "");
        assert_ne!(out.status, 0);
        assert_eq!(kinds(&out.stderr), [MessageKind::VgNotVariedOn]);
    }
    // Listed as defined, not as varied on.
    assert!(host.run("lsvg", &[])?.stdout.contains("offvg\n"));
    assert!(!host.run("lsvg", &["-o"])?.stdout.contains("offvg"));
    // varyonvg brings it back.
    assert!(host.run("varyonvg", &["offvg"])?.success());
    let out = host.run("lsvg", &["-l", "offvg"])?;
    assert!(out.success(), "{out:?}");
    assert!(out.stdout.contains("offlv"));
    Ok(())
}

#[test]
fn unknown_names_answer_0516_306_or_312() -> TestResult {
    let host = EmulatedHost::demo()?;
    let out = host.run("lslv", &["nosuchlv"])?;
    assert_eq!(
        out.stderr,
        "0516-306 getlvodm: Unable to find  nosuchlv in the Device\n\tConfiguration Database.\n"
    );
    assert_eq!(out.status, 1);
    assert_eq!(kinds(&out.stderr), [MessageKind::NotFoundInOdm]);
    for (program, args) in [
        ("lsvg", &["-l", "nosuchvg"][..]),
        ("splitvg", &["-y", "x_om", "nosuchvg"]),
        ("joinvg", &["nosuchvg"]),
        ("syncvg", &["-v", "nosuchvg"]),
        ("chlvcopy", &["-B", "nosuchlv"]),
        ("syncvg", &["-l", "nosuchlv"]),
    ] {
        let out = host.run(program, args)?;
        assert_eq!(out.status, 1, "{program} {args:?}");
        assert_eq!(
            kinds(&out.stderr),
            [MessageKind::NotFoundInOdm],
            "{program} {args:?}: {}",
            out.stderr
        );
    }
    let out = host.run("mklvcopy", &["nosuchlv", "2"])?;
    assert_eq!(kinds(&out.stderr), [MessageKind::LvNotFound]);
    assert!(
        out.stderr
            .starts_with("0516-312 mklvcopy: Unable to find logical volume nosuchlv")
    );
    Ok(())
}

#[test]
fn refusals_carry_a_message_number_and_change_nothing() -> TestResult {
    let host = EmulatedHost::demo()?;
    let before = host.sim()?;
    for (program, args) in [
        ("splitvg", &["-y", "rootvg_om", "rootvg"][..]),
        (
            "chlvcopy",
            &["-b", "-c", "2", "-P", "-l", "scratchlv_om", "scratchlv"],
        ),
        ("chlvcopy", &["-b", "-l", "hd4", "homelv"]),
        ("chfs", &["-a", "splitcopy=/x/split/homelv", "/nonexistent"]),
        ("chfs", &["-a", "freeze=60", "/legacy"]),
        ("rmfs", &["/oradata"]),
        ("rmlv", &["-f", "oradatalv"]),
        ("mklvcopy", &["oradatalv", "3"]),
        ("joinvg", &["datavg"]),
        ("lsvg", &["-z"]),
        (
            "mount",
            &["-V", "jfs2", "-o", "ro", "/dev/oradatalv", "/tmp/x"],
        ),
        ("umount", &["/not/mounted"]),
        ("umount", &["/oradata"]),
    ] {
        let out = host.run(program, args)?;
        assert_ne!(out.status, 0, "{program} {args:?} succeeded");
        assert!(out.stdout.is_empty(), "{program} {args:?}: {}", out.stdout);
        assert!(
            !parse_messages(&out.stderr).is_empty(),
            "{program} {args:?}: {}",
            out.stderr
        );
    }
    let out = host.run("umount", &["/not/mounted"])?;
    assert_eq!(
        out.stderr,
        "umount: 0506-347 Cannot find anything to unmount.\n"
    );
    assert_eq!(kinds(&out.stderr), [MessageKind::NothingToUnmount]);
    let after = host.sim()?;
    assert_eq!(after.inventory, before.inventory);
    assert!(after.splits.is_empty() && after.frozen.is_empty());
    Ok(())
}

#[test]
fn a_repeated_split_fails_as_aix_would() -> TestResult {
    let host = EmulatedHost::demo()?;
    let split = ["-y", "datavg_om", "-c", "2", "datavg"];
    let out = host.run("splitvg", &split)?;
    assert!(out.success(), "{out:?}");
    assert_eq!(out.stdout, "datavg_om\n");
    let out = host.run("splitvg", &split)?;
    assert_eq!(out.status, 1);
    assert!(out.stderr.starts_with("0516-"), "{}", out.stderr);
    let out = host.run("joinvg", &["datavg"])?;
    assert!(out.success(), "{out:?}");
    let out = host.run("joinvg", &["datavg"])?;
    assert_eq!(out.status, 1);
    Ok(())
}

#[test]
fn an_injected_failure_fails_once_and_changes_nothing() -> TestResult {
    let mut state = offmirror_sim::demo_state();
    state.faults.fail.push(FailRule {
        op: OpKind::Split,
        nth: 1,
    });
    let host = EmulatedHost::new(state)?;
    let split = ["-y", "datavg_om", "datavg"];
    let out = host.run("splitvg", &split)?;
    assert_eq!(out.status, 1);
    assert!(
        out.stderr.starts_with("0516-070 splitvg:"),
        "{}",
        out.stderr
    );
    assert!(host.sim()?.splits.is_empty());
    let out = host.run("splitvg", &split)?;
    assert!(out.success(), "{out:?}");
    assert_eq!(host.sim()?.splits.len(), 4);
    Ok(())
}

#[test]
fn a_crashed_host_answers_every_command_with_an_error() -> TestResult {
    let mut state = offmirror_sim::demo_state();
    state.faults.crash_after_ops = Some(1);
    let host = EmulatedHost::new(state)?;
    assert!(host.run("lsvg", &[])?.success()); // operation 1
    let out = host.run("chfs", &["-a", "freeze=60", "/oradata"])?; // operation 2: crash
    assert_eq!(out.status, 1);
    assert!(out.stderr.starts_with("0516-024 chfs:"), "{}", out.stderr);
    let state = host.sim()?;
    assert!(state.crashed);
    assert!(state.frozen.is_empty(), "the crashing freeze took effect");
    for (program, args) in [
        ("lsvg", &["-o"][..]),
        ("lsvg", &["-l", "datavg"]),
        ("mount", &[]),
        ("lsfs", &["-c"]),
        ("joinvg", &["datavg"]),
    ] {
        let out = host.run(program, args)?;
        assert_ne!(out.status, 0, "{program} {args:?}");
        assert!(out.stdout.is_empty());
        assert!(
            out.stderr.starts_with(&format!("0516-024 {program}:")),
            "{}",
            out.stderr
        );
    }
    Ok(())
}

#[test]
fn a_crash_after_the_effect_leaves_the_split_in_place() -> TestResult {
    let mut state = offmirror_sim::demo_state();
    state.faults.crash_after_ops = Some(0);
    state.faults.crash_after_effect = true;
    let host = EmulatedHost::new(state)?;
    let out = host.run("splitvg", &["-y", "datavg_om", "datavg"])?;
    assert_ne!(out.status, 0);
    assert!(out.stderr.starts_with("0516-024"), "{}", out.stderr);
    let state = host.sim()?;
    assert!(state.crashed);
    assert_eq!(
        state.splits.len(),
        4,
        "the split happened, its answer was lost"
    );
    Ok(())
}

#[test]
fn concurrent_commands_lose_no_update() -> TestResult {
    let host = EmulatedHost::demo()?;
    let children: Vec<std::process::Child> = (0..12)
        .map(|_| {
            std::process::Command::new(host.bin.join("lsvg"))
                .env(offmirror_aix_emulator::STATE_ENV, &host.state)
                .stdout(std::process::Stdio::null())
                .spawn()
        })
        .collect::<Result<_, _>>()?;
    for mut child in children {
        assert!(child.wait()?.success());
    }
    let state = host.sim()?;
    // Each `lsvg` is one inventory operation of the simulator.
    assert_eq!(state.ops, 12);
    assert_eq!(state.op_counts.get(&OpKind::Inventory), Some(&12));
    Ok(())
}

#[test]
fn the_emulator_itself_fails_with_status_2() -> TestResult {
    let out = std::process::Command::new(common::binary())
        .args(["lsvg"])
        .env_remove(offmirror_aix_emulator::STATE_ENV)
        .output()?;
    assert_eq!(out.status.code(), Some(2));
    let out = std::process::Command::new(common::binary())
        .args(["frobnicate"])
        .env(offmirror_aix_emulator::STATE_ENV, "/nonexistent")
        .output()?;
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8(out.stderr)?.contains("usage"));
    Ok(())
}
