//! `offmirror`: the example command line of the offmirror library.
//!
//! It previews and runs offline mirror backups against the built-in simulator (a host kept
//! in a JSON state file), the AIX backend over the AIX command emulator, or the Linux LVM2
//! backend on the host itself, and runs a complete demo on a simulated database server.

mod aix_parse;
mod args;
mod demo;
mod demo_hooks;
mod exit;
mod host;
mod job;
mod lvm2_cmd;
mod progress;
mod sim_cmd;
mod status;

use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    // Called through a link named after an AIX command (`lsvg`, `splitvg` ...), this
    // binary is the AIX command emulator that `demo --backend aix` runs the AIX backend
    // against.
    if let Some(code) = emulated_command() {
        return code;
    }
    restore_sigpipe();
    let cli = args::Cli::parse();
    progress::init(cli.quiet, cli.verbose, cli.command.json());
    let result = match cli.command {
        args::Command::Demo(a) => demo::run(&a),
        args::Command::Preview(a) => sim_cmd::preview(&a),
        args::Command::Run(a) => sim_cmd::run(&a),
        args::Command::Recover(a) => sim_cmd::recover(&a),
        args::Command::Status(a) => status::run(&a),
        args::Command::Sim(args::SimCommand::Init(a)) => sim_cmd::init(&a),
        args::Command::Aix(args::AixCommand::Parse { kind, file }) => aix_parse::run(kind, &file),
        args::Command::Lvm2(args::Lvm2Command::Parse { kind, file }) => {
            lvm2_cmd::parse(kind, &file)
        }
        args::Command::Lvm2(args::Lvm2Command::Inventory(a)) => lvm2_cmd::inventory(&a),
    };
    match result {
        Ok(code) => code.into(),
        Err(e) => {
            eprintln!("offmirror: error: {e:#}");
            exit::Code::of_error(&e).into()
        }
    }
}

fn emulated_command() -> Option<ExitCode> {
    use std::io::Write as _;
    let argv: Vec<std::ffi::OsString> = std::env::args_os().collect();
    let program = argv
        .first()
        .and_then(|p| std::path::Path::new(p).file_name())
        .and_then(|n| n.to_str())?;
    if !offmirror_aix_emulator::COMMANDS.contains(&program) {
        return None;
    }
    let state = std::env::var_os(offmirror_aix_emulator::STATE_ENV);
    let output = offmirror_aix_emulator::main_with(argv, state);
    let _ = std::io::stdout().write_all(output.stdout.as_bytes());
    let _ = std::io::stderr().write_all(output.stderr.as_bytes());
    Some(ExitCode::from(
        u8::try_from(output.status.clamp(0, 255)).unwrap_or(1),
    ))
}

/// Lets `offmirror status | head` end quietly, as command-line tools do, instead of
/// failing on every write after the reader has gone.
#[allow(unsafe_code)]
fn restore_sigpipe() {
    // SAFETY: resetting SIGPIPE to its default action at the start of `main`, before any
    // thread is started, changes no memory of this program.
    unsafe {
        libc::signal(libc::SIGPIPE, libc::SIG_DFL);
    }
}
