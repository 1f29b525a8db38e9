//! # offmirror-aix-emulator
//!
//! An AIX LVM and JFS command emulator built on the offmirror simulator, so that the
//! real AIX backend (`offmirror-aix`) can be run end to end on any Unix machine.
//!
//! One binary, `aix-emulator`, answers every emulated command. It picks the command
//! from the name it was called by (make links named `lsvg`, `chfs` ... pointing at it,
//! see [`link_commands`]) or from its first argument (`aix-emulator lsvg -o`). The
//! simulated host lives in a state file named by the environment variable
//! [`STATE_ENV`] (`OFFMIRROR_AIX_EMULATOR_STATE`): a `SimState` JSON as
//! `offmirror_sim::SimHost::save` writes it. Each command locks the file, loads it,
//! applies its effect with the simulator's own rules and faults, and saves it atomically
//! ([`store`]).
//!
//! Commands and forms emulated (exactly what `offmirror-aix` runs, plus a few
//! listings):
//!
//! | command | forms |
//! |---|---|
//! | `lsvg` | `lsvg`, `lsvg -o`, `lsvg VG...`, `lsvg -p VG...`, `lsvg -l VG...`, `lsvg -M VG...` |
//! | `lslv` | `lslv LV`, `lslv -m LV` |
//! | `lspv` | `lspv` |
//! | `lsfs` | `lsfs -c [FS...]` |
//! | `mount` | `mount`, `mount -V VFS -o ro /dev/LV DIR` (also `-v VFS`) |
//! | `umount` | `umount DIR` (or `/dev/LV`) |
//! | `chfs` | `chfs -a splitcopy=MNT [-a copy=N] FS`, `chfs -a freeze=SECS FS`, `chfs -a freeze=off FS` |
//! | `rmfs` | `rmfs [-r] MNT` (a split copy) |
//! | `splitvg` | `splitvg -y SNAP [-c N] VG` |
//! | `joinvg` | `joinvg VG` |
//! | `chlvcopy` | `chlvcopy -b [-c N] [-P] -l BACKUPLV LV`, `chlvcopy -B LV` |
//! | `splitlvcopy` | `splitlvcopy [-f] -y NEWLV LV COPIES [PV...]` |
//! | `rmlv` | `rmlv -f NEWLV` (an LV made by `splitlvcopy`) |
//! | `mklvcopy` | `mklvcopy LV COPIES [PV...]` (rebuilds the copy `splitlvcopy` took) |
//! | `syncvg` | `syncvg -l LV...`, `syncvg -v VG...` |
//! | `varyonvg` | `varyonvg [-n] VG` |
//!
//! Output follows the layouts of the real samples in `shared/aix/fixtures` (the [format module](crate::format));
//! where none exists (`lsvg -M`, the split and rejoin commands) it follows SEMANTICS.md,
//! as the module documentation says. Errors are `0516-NNN` messages on standard error
//! with exit status 1 ([`messages`]). How splits show in the listings is described in
//! [`view`]; how commands map to simulator operations (and so to its faults) in
//! the [`commands`] module.
//!
//! The AIX backend runs it as processes through a command directory of links:
//!
//! ```no_run
//! use offmirror_aix::AixBackend;
//! use offmirror_aix::runner::DuctRunner;
//! use offmirror_core::VolumeManager;
//! use offmirror_sim::SimHost;
//!
//! let dir = std::path::Path::new("/tmp/emulated-aix");
//! let state = dir.join("state.json");
//! SimHost::demo().save(&state)?;
//! offmirror_aix_emulator::link_commands(&dir.join("bin"), "/path/to/aix-emulator".as_ref())?;
//! let runner = DuctRunner::new()
//!     .command_dir(dir.join("bin"))
//!     .env(offmirror_aix_emulator::STATE_ENV, &state);
//! let backend = AixBackend::new(runner).work_dir(dir.join("work"));
//! assert_eq!(backend.inventory()?.vgs.len(), 3);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! In memory, without a state file:
//!
//! ```
//! use offmirror_aix_emulator::Emulator;
//! let mut host = Emulator::new(offmirror_sim::demo_state());
//! let out = host.run("splitvg", &["-y".into(), "datavg_om".into(), "-c".into(), "2".into(), "datavg".into()]);
//! assert_eq!(out.stdout, "datavg_om\n");
//! let out = host.run("lsvg", &["-l".into(), "datavg_om".into()]);
//! assert!(out.stdout.contains("fsoradatalv"));
//! let out = host.run("lsvg", &["-l".into(), "nosuchvg".into()]);
//! assert!(out.stderr.starts_with("0516-306"));
//! assert_eq!(out.status, 1);
//! ```
#![deny(missing_docs)]

pub mod args;
pub mod commands;
pub mod contents;
pub mod extras;
pub mod format;
pub mod messages;
mod output;
pub mod store;
pub mod view;

pub use commands::{COMMANDS, Emulator};
pub use output::Output;
pub use store::{STATE_ENV, link_commands, main_with, run_with_state_file};
