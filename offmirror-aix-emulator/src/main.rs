//! `aix-emulator`: one binary for every emulated AIX command (see the library's
//! documentation).

use std::io::Write as _;
use std::process::ExitCode;

fn main() -> ExitCode {
    let state = std::env::var_os(offmirror_aix_emulator::STATE_ENV);
    let output = offmirror_aix_emulator::main_with(std::env::args_os().collect(), state);
    // A closed pipe is not worth a second error.
    let _ = std::io::stdout().write_all(output.stdout.as_bytes());
    let _ = std::io::stderr().write_all(output.stderr.as_bytes());
    ExitCode::from(u8::try_from(output.status.clamp(0, 255)).unwrap_or(1))
}
