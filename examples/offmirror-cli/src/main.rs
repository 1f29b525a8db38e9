//! `offmirror`: the example command line of the offmirror library.
//!
//! It previews and runs offline mirror backups against the built-in simulator (a host kept
//! in a JSON state file), and runs a complete demo on a simulated database server.

mod args;
mod demo;
mod demo_hooks;
mod exit;
mod progress;
mod sim_cmd;
mod status;

use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    let cli = args::Cli::parse();
    let result = match cli.command {
        args::Command::Demo(a) => demo::run(&a),
        args::Command::Preview(a) => sim_cmd::preview(&a),
        args::Command::Run(a) => sim_cmd::run(&a),
        args::Command::Recover(a) => sim_cmd::recover(&a),
        args::Command::Status(a) => status::run(&a),
        args::Command::Sim(args::SimCommand::Init(a)) => sim_cmd::init(&a),
    };
    match result {
        Ok(code) => code.into(),
        Err(e) => {
            eprintln!("offmirror: error: {e:#}");
            exit::Code::Error.into()
        }
    }
}
