//! The error messages the emulator prints on standard error.
//!
//! AIX LVM messages start with their number, then the program name and a colon (the
//! name may be empty: `0516-010 : ...`); continuation lines are indented with a TAB
//! (SEMANTICS.md §1.6). File-system commands print the program first
//! (`umount: 0506-347 ...`). Every failure exits with status 1.
//!
//! | number | text | source |
//! |---|---|---|
//! | 0516-010 | `Volume group must be varied on; use varyonvg command.` | real sample (err_0516-010.1) |
//! | 0516-306 | `getlvodm: Unable to find volume group X in the Device` ⏎ `Configuration Database.` | real (SEMANTICS.md §2.15) |
//! | 0516-306 | `getlvodm: Unable to find  X in the Device` ⏎ `Configuration Database.` (LV; two blanks) | real (SEMANTICS.md §2.15) |
//! | 0516-312 | `mklvcopy: Unable to find logical volume X in the Device` ⏎ `Configuration Database.` | real (SEMANTICS.md §2.15) |
//! | 0506-347 | `umount: 0506-347 Cannot find anything to unmount.` | real (SEMANTICS.md §2.15) |
//! | 0516-932/934 | syncvg could not synchronise a VG / LV | catalog text, SEMANTICS.md §2.15 |
//! | 0516-012 | a logical volume must be closed first (own wording) | AIX 4.1 message catalog number |
//! | 0516-024 | a physical volume cannot be opened: the simulated host has crashed (own wording) | AIX 4.1 message catalog number |
//! | 0516-070 | an LVM call failed: an injected fault (own wording) | AIX 4.1 message catalog number |
//! | 0516-360 | the device name is already used (own wording) | AIX 4.1 message catalog number |
//! | 0506-324 | `mount: 0506-324 Cannot mount X on Y: ...` | public session transcripts |
//! | 0516-999 / 0506-999 | any other refusal (a rule of the simulator, a bad argument) | **the emulator's own**: no real number is known for these cases |
//!
//! The numbers marked "the emulator's own" are placeholders: they keep the rule that
//! every LVM error carries a `0516-NNN` number, and must not be read as AIX's.

use std::fmt::Write as _;

/// A message number, such as `0516-010`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Code {
    set: u16,
    number: u16,
}

impl Code {
    /// `0516-NNN`, an LVM message.
    pub const fn lvm(number: u16) -> Self {
        Self { set: 516, number }
    }

    /// `0506-NNN`, a file-system command message.
    pub const fn fs(number: u16) -> Self {
        Self { set: 506, number }
    }
}

impl std::fmt::Display for Code {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{:04}-{:03}", self.set, self.number)
    }
}

/// `0516-010`: the volume group is varied off.
pub const VG_OFFLINE: Code = Code::lvm(10);
/// `0516-012`: the logical volume is open.
pub const LV_OPEN: Code = Code::lvm(12);
/// `0516-024`: a physical volume cannot be opened (the simulated host crashed).
pub const PV_UNAVAILABLE: Code = Code::lvm(24);
/// `0516-070`: an LVM call failed (an injected fault).
pub const LVM_CALL_FAILED: Code = Code::lvm(70);
/// `0516-306`: not found in the ODM.
pub const NOT_FOUND: Code = Code::lvm(306);
/// `0516-312`: logical volume not found (`mklvcopy`).
pub const LV_NOT_FOUND: Code = Code::lvm(312);
/// `0516-360`: the device name is already used.
pub const NAME_USED: Code = Code::lvm(360);
/// `0516-932`: a volume group could not be synchronised.
pub const VG_SYNC_FAILED: Code = Code::lvm(932);
/// `0516-934`: a logical volume could not be synchronised.
pub const LV_SYNC_FAILED: Code = Code::lvm(934);
/// `0516-999`: the emulator's own number for an LVM refusal with no known real number.
pub const LVM_REFUSED: Code = Code::lvm(999);
/// `0506-324`: mount failed.
pub const CANNOT_MOUNT: Code = Code::fs(324);
/// `0506-347`: nothing to unmount.
pub const NOTHING_TO_UNMOUNT: Code = Code::fs(347);
/// `0506-999`: the emulator's own number for a file-system command refusal.
pub const FS_REFUSED: Code = Code::fs(999);

/// An LVM-style message: `NNNN-NNN program: first line`, then each further line
/// indented with a TAB. An empty program prints as `NNNN-NNN : text`.
pub fn lvm(code: Code, program: &str, lines: &[&str]) -> String {
    let mut out = String::new();
    let mut rest = lines.iter();
    let first = rest.next().copied().unwrap_or_default();
    let _ = writeln!(out, "{code} {program}: {first}");
    for line in rest {
        let _ = writeln!(out, "\t{line}");
    }
    out
}

/// A file-system command message: `program: NNNN-NNN text`.
pub fn fs(code: Code, program: &str, text: &str) -> String {
    format!("{program}: {code} {text}\n")
}

/// `0516-010 : Volume group must be varied on; use varyonvg command.` (the program name
/// is empty in the real sample).
pub fn vg_offline() -> String {
    lvm(
        VG_OFFLINE,
        "",
        &["Volume group must be varied on; use varyonvg command."],
    )
}

/// `0516-306 getlvodm: Unable to find volume group VG in the Device` ...
pub fn vg_not_found(vg: &str) -> String {
    lvm(
        NOT_FOUND,
        "getlvodm",
        &[
            &format!("Unable to find volume group {vg} in the Device"),
            "Configuration Database.",
        ],
    )
}

/// `0516-306 getlvodm: Unable to find  LV in the Device` ... (two blanks: the object
/// type word is empty, as AIX prints it for a logical volume).
pub fn lv_not_found(lv: &str) -> String {
    lvm(
        NOT_FOUND,
        "getlvodm",
        &[
            &format!("Unable to find  {lv} in the Device"),
            "Configuration Database.",
        ],
    )
}

/// `0516-306 PROGRAM: Unable to find physical volume PV in the Device` ...
pub fn pv_not_found(program: &str, pv: &str) -> String {
    lvm(
        NOT_FOUND,
        program,
        &[
            &format!("Unable to find physical volume {pv} in the Device"),
            "Configuration Database.",
        ],
    )
}

/// `0516-312 mklvcopy: Unable to find logical volume LV in the Device` ...
pub fn mklvcopy_lv_not_found(lv: &str) -> String {
    lvm(
        LV_NOT_FOUND,
        "mklvcopy",
        &[
            &format!("Unable to find logical volume {lv} in the Device"),
            "Configuration Database.",
        ],
    )
}

/// `0516-360`: the name is already used by a device.
pub fn name_used(program: &str, name: &str) -> String {
    lvm(
        NAME_USED,
        program,
        &[&format!(
            "The device name {name} is already used; choose a different name."
        )],
    )
}

/// `0516-012`: the logical volume is open (a split copy is still mounted).
pub fn lv_open(program: &str, lv: &str, dir: &str) -> String {
    lvm(
        LV_OPEN,
        program,
        &[
            &format!("Logical volume {lv} must be closed; it is mounted on {dir}."),
            "Unmount it with the umount command first.",
        ],
    )
}

/// `0516-024`: what every command answers once the simulated host has crashed.
pub fn crashed(program: &str, detail: &str) -> String {
    lvm(
        PV_UNAVAILABLE,
        program,
        &[
            "Unable to open physical volume.",
            &format!("The simulated host is down ({detail}); no device answers."),
        ],
    )
}

/// `0516-999` (the emulator's own number): a refusal with no known AIX number.
pub fn refused(program: &str, text: &str) -> String {
    lvm(LVM_REFUSED, program, &[text])
}

/// `0506-999` (the emulator's own number): a file-system command refusal.
pub fn fs_refused(program: &str, text: &str) -> String {
    fs(FS_REFUSED, program, text)
}

/// `umount: 0506-347 Cannot find anything to unmount.`
pub fn nothing_to_unmount() -> String {
    fs(
        NOTHING_TO_UNMOUNT,
        "umount",
        "Cannot find anything to unmount.",
    )
}

/// A usage error: an unknown flag or a missing argument, then the usage line.
pub fn usage(program: &str, problem: &str, usage: &str) -> String {
    let mut out = refused(program, problem);
    let _ = writeln!(out, "Usage: {program} {usage}");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn real_sample_text() {
        assert_eq!(
            vg_offline(),
            "0516-010 : Volume group must be varied on; use varyonvg command.\n"
        );
        assert_eq!(
            lv_not_found("part3"),
            "0516-306 getlvodm: Unable to find  part3 in the Device\n\tConfiguration Database.\n"
        );
        assert_eq!(
            nothing_to_unmount(),
            "umount: 0506-347 Cannot find anything to unmount.\n"
        );
        assert_eq!(Code::lvm(1804).to_string(), "0516-1804");
    }
}
