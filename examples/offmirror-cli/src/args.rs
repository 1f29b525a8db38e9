//! Command-line arguments.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

/// Offline mirror backups: split a mirror copy off, back it up, rejoin and resync only what
/// changed.
#[derive(Debug, Parser)]
#[command(
    name = "offmirror",
    version,
    about,
    long_about = None,
    after_help = "Exit codes: 0 success; 1 success with warnings (LVs skipped); 2 an error, a failed \
                  run or a blocked preview; 3 refused: an interrupted run needs `offmirror \
                  recover`; 4 refused: another run holds the work directory."
)]
pub struct Cli {
    /// Print only errors and the final result, no progress.
    #[arg(long, short, global = true, conflicts_with = "verbose")]
    pub quiet: bool,
    /// Print more: every step as it starts, every resync poll (repeat for more).
    #[arg(long, short, global = true, action = clap::ArgAction::Count)]
    pub verbose: u8,
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

impl Command {
    /// Whether the command prints JSON on standard output (progress then goes to
    /// standard error).
    pub fn json(&self) -> bool {
        match self {
            Command::Demo(a) => a.json,
            Command::Preview(a) | Command::Run(a) => a.json,
            Command::Recover(a) => a.json,
            Command::Status(a) => a.json,
            Command::Sim(_) | Command::Aix(_) | Command::Lvm2(_) => false,
        }
    }
}

/// Subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Build a simulated database server and run a complete offline mirror backup of it,
    /// with real hook scripts (the backup hook archives the split copies with tar).
    ///
    /// Example: offmirror demo
    Demo(DemoArgs),
    /// Show what a run would split and every problem that would stop or degrade it.
    ///
    /// Example: offmirror preview --sim-state host.json --vg datavg --work-dir /tmp/om --backup /usr/local/bin/backup.sh
    ///
    /// Example: offmirror preview --job job.toml
    Preview(RunArgs),
    /// Run an offline mirror backup.
    ///
    /// Example: offmirror run --sim-state host.json --vg datavg --work-dir /tmp/om --backup /usr/local/bin/backup.sh
    ///
    /// Example: offmirror run --job job.toml
    Run(RunArgs),
    /// Complete interrupted runs: thaw, unexpose and rejoin every split copy, resync,
    /// verify, and run the resume hook if the application was quiesced and not resumed.
    /// Safe to run again.
    ///
    /// Example: offmirror recover --sim-state host.json --work-dir /tmp/om
    Recover(RecoverArgs),
    /// Show volume groups, logical volumes, copies, stale partitions and splits, and the
    /// runs recorded in a work directory.
    ///
    /// Example: offmirror status --sim-state host.json --work-dir /tmp/om
    Status(StatusArgs),
    /// Manage simulated hosts.
    #[command(subcommand)]
    Sim(SimCommand),
    /// Tools for the AIX backend.
    #[command(subcommand)]
    Aix(AixCommand),
    /// Tools for the Linux LVM2 backend.
    #[command(subcommand)]
    Lvm2(Lvm2Command),
}

/// LVM2 subcommands.
#[derive(Debug, Subcommand)]
pub enum Lvm2Command {
    /// Parse a saved LVM2 JSON report or mount table and print the rows offmirror reads
    /// from it, as JSON. Exits 2 naming the file, the row or line and the field when it
    /// cannot be parsed; attach both to a bug report.
    ///
    /// Example: lvm lvs -a --reportformat json --units b --nosuffix -o vg_name,lv_name,lv_attr,segtype,devices > lvs.json; offmirror lvm2 parse lvs lvs.json
    Parse {
        /// Which report the file holds.
        #[arg(value_enum)]
        kind: Lvm2ParseKind,
        /// The saved output.
        file: PathBuf,
    },
    /// Build the inventory offmirror sees (VGs, LVs, copies, stale extents, splits, file
    /// systems) from saved `vgs`, `pvs` and `lvs -a` JSON reports and a mount table, and
    /// print it as JSON.
    ///
    /// Example: offmirror lvm2 inventory --vgs vgs.json --pvs pvs.json --lvs lvs.json --mountinfo mountinfo.txt
    Inventory(Lvm2InventoryArgs),
}

/// The long help of an `lvm2 inventory` report file: the command the backend runs.
fn report_help(command: &str, fields: &str) -> String {
    format!(
        "The output of `LC_ALL=C lvm {command} --reportformat json --units b --nosuffix -o {fields}` \
         (the command the backend runs; its standard output only)."
    )
}

/// What `lvm2 parse` reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Lvm2ParseKind {
    /// `lvm lvs -a --reportformat json --units b --nosuffix -o ...`: LVs, one row per segment.
    Lvs,
    /// `lvm vgs --reportformat json --units b --nosuffix -o ...`: volume groups.
    Vgs,
    /// `lvm pvs --reportformat json --units b --nosuffix -o ...`: physical volumes.
    Pvs,
    /// `/proc/self/mountinfo`: the mount table.
    Mountinfo,
}

/// Arguments of `lvm2 inventory`: the saved output of the four commands the LVM2 backend
/// reads a host with (`offmirror-lvm2`'s `commands` module has their exact field lists).
#[derive(Debug, Args)]
pub struct Lvm2InventoryArgs {
    /// `lvm vgs --reportformat json --units b --nosuffix -o ...` output.
    #[arg(
        long,
        value_name = "FILE",
        long_help = report_help("vgs", offmirror_lvm2::commands::VG_FIELDS)
    )]
    pub vgs: PathBuf,
    /// `lvm pvs --reportformat json --units b --nosuffix -o ...` output.
    #[arg(
        long,
        value_name = "FILE",
        long_help = report_help("pvs", offmirror_lvm2::commands::PV_FIELDS)
    )]
    pub pvs: PathBuf,
    /// `lvm lvs -a --reportformat json --units b --nosuffix -o ...` output.
    #[arg(
        long,
        value_name = "FILE",
        long_help = report_help("lvs -a", offmirror_lvm2::commands::LV_FIELDS)
    )]
    pub lvs: PathBuf,
    /// A copy of `/proc/self/mountinfo`.
    #[arg(long, value_name = "FILE")]
    pub mountinfo: PathBuf,
}

/// AIX subcommands.
#[derive(Debug, Subcommand)]
pub enum AixCommand {
    /// Parse saved output of an AIX command and print what offmirror reads from it, as
    /// JSON (numbers as numbers, values AIX printed as ??????? as null). Exits 2 with the
    /// line number when the output cannot be parsed; attach both to a bug report.
    ///
    /// Example: lsvg -l datavg > lsvg-l.txt; offmirror aix parse lsvg-l lsvg-l.txt
    Parse {
        /// Which command produced the file.
        #[arg(value_enum)]
        kind: ParseKind,
        /// The saved output.
        file: PathBuf,
    },
}

/// The command outputs `aix parse` reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ParseKind {
    /// `lsvg`: every volume group.
    Lsvg,
    /// `lsvg -o`: varied-on volume groups.
    #[value(name = "lsvg-o")]
    LsvgO,
    /// `lsvg VG`: a volume group's attributes.
    #[value(name = "lsvg-vg")]
    LsvgVg,
    /// `lsvg -l VG`: its logical volumes.
    #[value(name = "lsvg-l")]
    LsvgL,
    /// `lsvg -p VG`: its physical volumes.
    #[value(name = "lsvg-p")]
    LsvgP,
    /// `lsvg -M VG`: its partition map.
    #[value(name = "lsvg-M")]
    LsvgM,
    /// `lslv LV`: a logical volume's attributes.
    Lslv,
    /// `lslv -m LV`: its partition map.
    #[value(name = "lslv-m")]
    LslvM,
    /// `lspv`: every physical volume.
    Lspv,
    /// `lspv PV`: a physical volume's attributes.
    #[value(name = "lspv-pv")]
    LspvPv,
    /// `lsfs -c`: file systems.
    #[value(name = "lsfs-c")]
    LsfsC,
    /// `mount`: mounted file systems.
    Mount,
}

/// Simulator subcommands.
#[derive(Debug, Subcommand)]
pub enum SimCommand {
    /// Write the demo host to a state file.
    ///
    /// Example: offmirror sim init --sim-state host.json
    Init(SimInitArgs),
}

/// Arguments of `sim init`.
#[derive(Debug, Args)]
pub struct SimInitArgs {
    /// The state file to create.
    #[arg(long, value_name = "FILE")]
    pub sim_state: PathBuf,
    /// Overwrite an existing file.
    #[arg(long)]
    pub force: bool,
    /// Application writes per backend operation (simulated load while split).
    #[arg(long, default_value_t = 2)]
    pub writes_per_op: u32,
}

/// Arguments of `demo`.
#[derive(Debug, Args)]
pub struct DemoArgs {
    /// Work directory (default: a new directory under the system's temporary directory).
    #[arg(long, value_name = "DIR")]
    pub work_dir: Option<PathBuf>,
    /// Print the preview and the report as JSON on standard output (progress goes to
    /// standard error).
    #[arg(long)]
    pub json: bool,
    /// The mirror copy to split.
    #[arg(long, default_value_t = 2)]
    pub copy: u8,
    /// The backend: `sim` drives the simulator directly; `aix` drives the real AIX
    /// backend, whose commands (lsvg, splitvg, chfs ...) run as processes against an AIX
    /// command emulator that keeps the simulated host in a state file. There is no `lvm2`
    /// demo: that backend needs a real Linux host (see `preview --backend lvm2`).
    #[arg(long, value_enum, default_value_t = DemoBackend::Sim)]
    pub backend: DemoBackend,
}

/// The backend a command drives.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum BackendKind {
    /// The simulator, in process.
    Sim,
    /// The AIX backend, through the AIX command emulator.
    Aix,
    /// The Linux LVM2 backend on this host: real `lvm`, `fsfreeze`, `mount` and `blockdev`
    /// commands, as root.
    Lvm2,
}

impl BackendKind {
    /// Whether the backend works on a simulated host kept in a state file (`--sim-state`).
    pub fn uses_sim_state(self) -> bool {
        match self {
            BackendKind::Sim | BackendKind::Aix => true,
            BackendKind::Lvm2 => false,
        }
    }
}

/// Backends of the demo.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum DemoBackend {
    /// The simulator, in process.
    Sim,
    /// The AIX backend, through the AIX command emulator.
    Aix,
    /// Refused with an explanation: the LVM2 backend needs a real Linux host with LVM2
    /// raid1 LVs.
    Lvm2,
}

/// Arguments of `preview` and `run`. Each flag overrides the job file's value.
#[derive(Debug, Args)]
pub struct RunArgs {
    /// A job file (TOML) describing the backup; flags given as well override it.
    #[arg(long, value_name = "FILE")]
    pub job: Option<PathBuf>,
    /// The simulator state file (made by `offmirror sim init`); required here or in the
    /// job file with the `sim` and `aix` backends, refused with `lvm2`.
    #[arg(long, value_name = "FILE")]
    pub sim_state: Option<PathBuf>,
    /// A volume group to back up (repeatable; replaces the job file's targets).
    #[arg(long = "vg", value_name = "VG")]
    pub vgs: Vec<String>,
    /// A logical volume to back up (repeatable; replaces the job file's targets).
    #[arg(long = "lv", value_name = "LV")]
    pub lvs: Vec<String>,
    /// The mirror copy to split (1, 2 or 3) [default: 2].
    #[arg(long)]
    pub copy: Option<u8>,
    /// Work directory: lock, hook logs, run records, mount points of split copies;
    /// required here or in the job file.
    #[arg(long, value_name = "DIR")]
    pub work_dir: Option<PathBuf>,
    /// Hook that quiesces the application (absolute path of an executable).
    #[arg(long, value_name = "PROGRAM")]
    pub pre_offline: Option<PathBuf>,
    /// Hook that restarts the application right after the split.
    #[arg(long, value_name = "PROGRAM")]
    pub resume: Option<PathBuf>,
    /// Hook that backs up the split copies (required to run).
    #[arg(long, value_name = "PROGRAM")]
    pub backup: Option<PathBuf>,
    /// Hook run last.
    #[arg(long, value_name = "PROGRAM")]
    pub post_offline: Option<PathBuf>,
    /// Timeout of each hook, in seconds (also of the job file's hooks when given)
    /// [default: 3600].
    #[arg(long, value_name = "SECONDS")]
    pub hook_timeout: Option<u64>,
    /// Allow the full-resync mechanism (splitlvcopy) where nothing tracked works.
    #[arg(long)]
    pub allow_full_resync: bool,
    /// Fewest copies an LV must keep in use while split [default: 1].
    #[arg(long)]
    pub min_copies_left: Option<u8>,
    /// Run despite warnings, skipping the LVs they name.
    #[arg(long)]
    pub force: bool,
    /// Output JSON on standard output.
    #[arg(long)]
    pub json: bool,
    /// `sim`: the simulator in process. `aix`: the real AIX backend, its commands run as
    /// processes against the AIX command emulator keeping the host in the state file.
    /// `lvm2`: the Linux LVM2 backend on this host, its commands (lvm, fsfreeze, mount,
    /// blockdev) run as processes; as root, without --sim-state [default: sim].
    #[arg(long, value_enum)]
    pub backend: Option<BackendKind>,
    /// The run's identifier (default: made from the time and process id). It must not
    /// have been used in the work directory.
    #[arg(long, value_name = "ID")]
    pub run_id: Option<String>,
}

/// Arguments of `status`.
#[derive(Debug, Args)]
pub struct StatusArgs {
    /// The simulator state file (with the `sim` and `aix` backends).
    #[arg(long, value_name = "FILE")]
    pub sim_state: Option<PathBuf>,
    /// A work directory whose runs to list.
    #[arg(long, value_name = "DIR")]
    pub work_dir: Option<PathBuf>,
    /// Output JSON.
    #[arg(long)]
    pub json: bool,
    /// `sim` and `aix`: the simulated host in the state file (the AIX command emulator
    /// keeps its host there). `lvm2`: this host's LVM2 volumes, read with `lvm vgs`, `pvs`
    /// and `lvs` as root, without --sim-state.
    #[arg(long, value_enum, default_value_t = BackendKind::Sim)]
    pub backend: BackendKind,
}

/// Arguments of `recover`.
#[derive(Debug, Args)]
pub struct RecoverArgs {
    /// The simulator state file (with the `sim` and `aix` backends).
    #[arg(long, value_name = "FILE")]
    pub sim_state: Option<PathBuf>,
    /// The work directory of the interrupted run.
    #[arg(long, value_name = "DIR")]
    pub work_dir: PathBuf,
    /// Change nothing: print, in order, the commands an administrator would run instead.
    #[arg(long)]
    pub manual: bool,
    /// Output the recovery reports as JSON.
    #[arg(long)]
    pub json: bool,
    /// `sim`: the simulator in process. `aix`: the real AIX backend, its commands run as
    /// processes against the AIX command emulator keeping the host in the state file.
    /// `lvm2`: the Linux LVM2 backend on this host, its commands run as processes; as
    /// root, without --sim-state.
    #[arg(long, value_enum, default_value_t = BackendKind::Sim)]
    pub backend: BackendKind,
}
