//! Parses every JSON report captured from real LVM2 2.03.16 in the VM run
//! (`shared/lvm2/transcript.txt` and the copy of it in `REPORT.md`) and checks values a
//! person reads off them.
//!
//! The folder is `$OFFMIRROR_LVM2_SAMPLES` when set (it must then exist), otherwise
//! `<crate>/../../shared/lvm2`; when that is absent the tests print a message and pass.

use std::error::Error;
use std::path::PathBuf;

use offmirror_lvm2::parse::{
    Health, LvRow, Permissions, SegmentDevice, TargetType, VolumeType, parse_lvs, parse_pvs,
    parse_vgs,
};

type TestResult = Result<(), Box<dyn Error>>;

/// One JSON block found after a `# lvs|vgs|pvs --reportformat json ...` line.
#[derive(Debug)]
struct Block {
    file: &'static str,
    /// The command line, without the leading `# `.
    command: String,
    /// The JSON text with the merged stderr `WARNING:` lines dropped.
    json: String,
    /// How many `WARNING:` lines were dropped from inside the block.
    warnings: usize,
}

fn samples_dir() -> Result<Option<PathBuf>, Box<dyn Error>> {
    if let Some(dir) = std::env::var_os("OFFMIRROR_LVM2_SAMPLES") {
        let dir = PathBuf::from(dir);
        if !dir.is_dir() {
            return Err(format!("OFFMIRROR_LVM2_SAMPLES={} does not exist", dir.display()).into());
        }
        return Ok(Some(dir));
    }
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../shared/lvm2");
    if dir.is_dir() {
        Ok(Some(dir))
    } else {
        eprintln!(
            "skipping: no LVM2 samples at {} (set OFFMIRROR_LVM2_SAMPLES)",
            dir.display()
        );
        Ok(None)
    }
}

/// Extracts the JSON blocks of one file: the indented lines that follow a command line.
fn extract(file: &'static str, text: &str) -> Vec<Block> {
    let mut blocks = Vec::new();
    let mut lines = text.lines().peekable();
    while let Some(line) = lines.next() {
        let Some(command) = line.strip_prefix("# ") else {
            continue;
        };
        let is_report = ["lvs ", "vgs ", "pvs "]
            .iter()
            .any(|c| command.starts_with(c));
        if !is_report || !command.contains("--reportformat json") {
            continue;
        }
        let mut json = String::new();
        let mut warnings = 0;
        while let Some(next) = lines.next_if(|l| l.starts_with(' ')) {
            if next.trim_start().starts_with("WARNING:") {
                warnings += 1;
            } else {
                json.push_str(next);
                json.push('\n');
            }
        }
        blocks.push(Block {
            file,
            command: command.to_owned(),
            json,
            warnings,
        });
    }
    blocks
}

fn all_blocks() -> Result<Option<Vec<Block>>, Box<dyn Error>> {
    let Some(dir) = samples_dir()? else {
        return Ok(None);
    };
    let mut blocks = Vec::new();
    for file in ["transcript.txt", "REPORT.md"] {
        let path = dir.join(file);
        if path.is_file() {
            blocks.extend(extract(file, &std::fs::read_to_string(&path)?));
        }
    }
    Ok(Some(blocks))
}

/// The transcript's `lvs` block whose command contains `needle`, parsed (the first one
/// when several match, or the `nth`).
fn lvs_block(
    blocks: &[Block],
    needle: &str,
    nth: usize,
) -> Result<(Vec<LvRow>, usize), Box<dyn Error>> {
    let block = blocks
        .iter()
        .filter(|b| {
            b.file == "transcript.txt"
                && b.command.starts_with("lvs ")
                && b.command.contains(needle)
        })
        .nth(nth)
        .ok_or_else(|| format!("no lvs block #{nth} with {needle:?} in transcript.txt"))?;
    Ok((parse_lvs(&block.json)?, block.warnings))
}

fn row<'a>(rows: &'a [LvRow], printed_name: &str) -> Result<&'a LvRow, Box<dyn Error>> {
    rows.iter()
        .find(|r| r.lv_name.as_deref() == Some(printed_name))
        .ok_or_else(|| format!("no row {printed_name:?} in {rows:?}").into())
}

#[test]
fn every_captured_json_report_parses() -> TestResult {
    let Some(blocks) = all_blocks()? else {
        return Ok(());
    };
    let mut counts = [0usize; 3];
    for block in &blocks {
        let rows = if block.command.starts_with("lvs ") {
            counts[0] += 1;
            parse_lvs(&block.json).map(|r| r.len())
        } else if block.command.starts_with("vgs ") {
            counts[1] += 1;
            parse_vgs(&block.json).map(|r| r.len())
        } else {
            counts[2] += 1;
            parse_pvs(&block.json).map(|r| r.len())
        };
        let rows = rows.map_err(|e| format!("{}: `{}`: {e}", block.file, block.command))?;
        assert!(rows > 0, "{}: `{}` gave no rows", block.file, block.command);
    }
    let in_transcript = blocks.iter().filter(|b| b.file == "transcript.txt").count();
    eprintln!(
        "parsed {} JSON reports ({in_transcript} in transcript.txt): {} lvs, {} vgs, {} pvs",
        blocks.len(),
        counts[0],
        counts[1],
        counts[2]
    );
    assert!(
        in_transcript >= 7,
        "expected the 7 lvs JSON reports of the capture"
    );
    Ok(())
}

#[test]
fn raid1_after_create() -> TestResult {
    let Some(blocks) = all_blocks()? else {
        return Ok(());
    };
    let (rows, _) = lvs_block(&blocks, "raid_mismatch_count,segtype,devices", 0)?;
    assert_eq!(rows.len(), 5);

    let data = row(&rows, "data")?;
    assert_eq!(data.sync_percent, Some(100.0));
    assert_eq!(data.copy_percent, Some(100.0));
    assert_eq!(data.segtype.as_deref(), Some("raid1"));
    assert_eq!(data.raid_sync_action.as_deref(), Some("idle"));
    assert_eq!(data.raid_mismatch_count, Some(0));
    assert_eq!(data.lv_health_status, None);
    let attr = data.lv_attr.as_ref().ok_or("data has no lv_attr")?;
    assert_eq!(attr.raw, "rwi-a-r---");
    assert_eq!(attr.volume_type, VolumeType::Raid);
    assert_eq!(attr.permissions, Permissions::Writeable);
    assert!(attr.is_active());
    assert!(!attr.open, "not mounted yet");
    assert_eq!(attr.target_type, TargetType::Raid);
    assert_eq!(attr.health, Health::Ok);
    assert_eq!(
        data.devices.as_deref(),
        Some(
            &[
                SegmentDevice {
                    name: "data_rimage_0".into(),
                    first_extent: 0
                },
                SegmentDevice {
                    name: "data_rimage_1".into(),
                    first_extent: 0
                },
            ][..]
        )
    );

    let names: Vec<_> = rows
        .iter()
        .filter(|r| r.is_hidden())
        .filter_map(LvRow::name)
        .collect();
    assert_eq!(
        names,
        [
            "data_rimage_0",
            "data_rimage_1",
            "data_rmeta_0",
            "data_rmeta_1"
        ]
    );
    let image = row(&rows, "[data_rimage_1]")?;
    assert_eq!(
        image.lv_attr.as_ref().map(|a| a.volume_type),
        Some(VolumeType::Image)
    );
    assert_eq!(image.sync_percent, None);
    assert_eq!(image.raid_mismatch_count, None);
    assert_eq!(image.segtype.as_deref(), Some("linear"));
    assert_eq!(
        image.devices.as_deref(),
        Some(
            &[SegmentDevice {
                name: "/dev/vdb".into(),
                first_extent: 1
            }][..]
        )
    );
    let meta = row(&rows, "[data_rmeta_0]")?;
    assert_eq!(
        meta.lv_attr.as_ref().map(|a| a.volume_type),
        Some(VolumeType::Metadata)
    );

    // After mkfs and mount the same report shows the LV open.
    let (rows, _) = lvs_block(&blocks, "raid_mismatch_count,segtype,devices", 1)?;
    assert!(row(&rows, "data")?.lv_attr.as_ref().is_some_and(|a| a.open));
    Ok(())
}

#[test]
fn size_in_bytes() -> TestResult {
    let Some(blocks) = all_blocks()? else {
        return Ok(());
    };
    let (rows, _) = lvs_block(&blocks, "--units b --nosuffix", 0)?;
    let data = row(&rows, "data")?;
    assert_eq!(data.lv_size, Some(64 * 1024 * 1024));
    assert_eq!(data.sync_percent, Some(100.0));
    Ok(())
}

#[test]
fn tracked_split_image_is_visible_and_read_only() -> TestResult {
    let Some(blocks) = all_blocks()? else {
        return Ok(());
    };
    let (rows, _) = lvs_block(&blocks, "lv_permissions,lv_role,lv_layout", 0)?;
    let data = row(&rows, "data")?;
    assert_eq!(data.lv_role.as_deref(), Some(&["public".to_owned()][..]));
    assert_eq!(
        data.lv_layout.as_deref(),
        Some(&["raid".to_owned(), "raid1".to_owned()][..])
    );
    assert_eq!(
        data.lv_health_status, None,
        "health does not show the split"
    );

    let split = row(&rows, "data_rimage_1")?;
    assert!(!split.is_hidden());
    assert_eq!(split.lv_permissions.as_deref(), Some("read-only"));
    assert_eq!(
        split.lv_role.as_deref(),
        Some(&["private".to_owned(), "raid".to_owned(), "image".to_owned()][..])
    );
    let attr = split.lv_attr.as_ref().ok_or("split image has no lv_attr")?;
    assert_eq!(attr.volume_type, VolumeType::ImageOutOfSync);
    assert_eq!(attr.permissions, Permissions::ReadOnly);
    assert!(attr.is_image());
    assert!(!attr.open);

    let still_hidden = row(&rows, "[data_rimage_0]")?;
    assert_eq!(still_hidden.lv_permissions.as_deref(), Some("writeable"));
    Ok(())
}

#[test]
fn mismatches_after_a_check_scrub() -> TestResult {
    let Some(blocks) = all_blocks()? else {
        return Ok(());
    };
    let (rows, _) = lvs_block(
        &blocks,
        "-o lv_name,lv_health_status,raid_mismatch_count",
        0,
    )?;
    let data = row(&rows, "data")?;
    assert_eq!(data.raid_mismatch_count, Some(4096));
    assert_eq!(data.lv_health_status.as_deref(), Some("mismatches exist"));
    assert_eq!(data.raid_sync_action.as_deref(), Some("idle"));
    assert_eq!(data.lv_attr, None, "not asked for");
    Ok(())
}

#[test]
fn initial_sync_in_progress() -> TestResult {
    let Some(blocks) = all_blocks()? else {
        return Ok(());
    };
    let (rows, _) = lvs_block(&blocks, "vg0/slow", 0)?;
    let slow = row(&rows, "slow")?;
    assert_eq!(slow.sync_percent, Some(6.45));
    assert_eq!(slow.raid_sync_action.as_deref(), Some("resync"));
    assert_eq!(slow.lv_health_status, None);
    Ok(())
}

#[test]
fn partial_lv_with_a_missing_disk() -> TestResult {
    let Some(blocks) = all_blocks()? else {
        return Ok(());
    };
    let (rows, warnings) = lvs_block(
        &blocks,
        "-o lv_name,lv_attr,lv_health_status,sync_percent vg0",
        0,
    )?;
    // The console merged stderr into the JSON: two WARNING lines sat between
    // `"report": [` and its first object.
    assert_eq!(warnings, 2);
    let data3 = row(&rows, "data3")?;
    let attr = data3.lv_attr.as_ref().ok_or("data3 has no lv_attr")?;
    assert_eq!(attr.raw, "rwi-a-r-p-");
    assert_eq!(attr.health, Health::Partial);
    assert_eq!(data3.lv_health_status.as_deref(), Some("partial"));
    assert_eq!(data3.sync_percent, Some(100.0), "100% in sync yet partial");
    let data = row(&rows, "data")?;
    assert_eq!(data.lv_attr.as_ref().map(|a| a.health), Some(Health::Ok));
    Ok(())
}
