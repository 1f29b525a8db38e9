//! `offmirror aix parse KIND FILE`: parses saved AIX command output with the AIX backend's
//! parsers and prints what they read, as JSON — for checking the parsers on a system's
//! own output and attaching the result to a bug report.

use std::path::Path;

use anyhow::{Context, Result, bail};
use offmirror_aix::parse;
use serde::Serialize;

use crate::args::ParseKind;
use crate::exit::Code;

pub fn run(kind: ParseKind, file: &Path) -> Result<Code> {
    let bytes = std::fs::read(file).with_context(|| format!("reading {}", file.display()))?;
    let text = String::from_utf8_lossy(&bytes);
    let json = match kind {
        ParseKind::Lsvg | ParseKind::LsvgO => to_json(parse::parse_vg_names(&text)),
        ParseKind::LsvgVg => to_json(parse::parse_vg_detail(&text)),
        ParseKind::LsvgL => to_json(parse::parse_vg_lvs(&text)),
        ParseKind::LsvgP => to_json(parse::parse_vg_pvs(&text)),
        ParseKind::LsvgM => to_json(parse::parse_vg_pp_map(&text)),
        ParseKind::Lslv => to_json(parse::parse_lv_detail(&text)),
        ParseKind::LslvM => to_json(parse::parse_lv_pp_map(&text)),
        ParseKind::Lspv => to_json(parse::parse_pv_list(&text)),
        ParseKind::LspvPv => to_json(parse::parse_pv_detail(&text)),
        ParseKind::LsfsC => to_json(parse::parse_fs_list(&text)),
        ParseKind::Mount => to_json(parse::parse_mounts(&text)),
    };
    match json {
        Ok(json) => {
            println!("{json}");
            Ok(Code::Ok)
        }
        Err(e) => bail!("{}: {e}", file.display()),
    }
}

fn to_json<T: Serialize>(parsed: Result<T, parse::ParseError>) -> Result<String> {
    let parsed = parsed?;
    Ok(serde_json::to_string_pretty(&parsed)?)
}
