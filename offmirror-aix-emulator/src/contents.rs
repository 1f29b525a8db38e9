//! The `CONTENTS` file that stands for a mounted split copy, so that a real backup
//! program has something to read: one line per logical partition with the data version
//! the split copy holds. Same name and format as the simulator's own
//! ([`offmirror_sim::CONTENTS_FILE`]).

use std::path::Path;
use std::time::{SystemTime, UNIX_EPOCH};

use offmirror_sim::CONTENTS_FILE;

/// Creates `dir` (mode 0700) if needed and writes the split copy's contents into it.
///
/// # Errors
///
/// The directory or the file cannot be written.
pub fn write_contents(dir: &Path, lv: &str, copy: u8, data: &[u64]) -> std::io::Result<()> {
    offmirror_core::create_private_dir(dir)?;
    let mut text = format!("# split copy {copy} of {lv}: data version of each logical partition\n");
    for (lp, v) in data.iter().enumerate() {
        text.push_str(&format!("{} {v}\n", lp + 1));
    }
    std::fs::write(dir.join(CONTENTS_FILE), text)
}

/// Removes the contents file from `dir`; `Ok(false)` when there was none. The
/// directory itself is left (an empty mount point, as `umount` leaves it).
///
/// # Errors
///
/// The file exists but cannot be removed.
pub fn remove_contents(dir: &Path) -> std::io::Result<bool> {
    match std::fs::remove_file(dir.join(CONTENTS_FILE)) {
        Ok(()) => Ok(true),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(false),
        Err(e) => Err(e),
    }
}

/// The current time as `mount` prints it (`Mon DD HH:MM`, UTC).
pub fn mount_date(now: SystemTime) -> String {
    const MONTHS: [&str; 12] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    let secs = now.duration_since(UNIX_EPOCH).map_or(0, |d| d.as_secs());
    let days = i64::try_from(secs / 86_400).unwrap_or(0);
    let of_day = secs % 86_400;
    // Civil date from days since 1970-01-01 (H. Hinnant's algorithm).
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let name = usize::try_from(month - 1)
        .ok()
        .and_then(|m| MONTHS.get(m))
        .copied()
        .unwrap_or("Jan");
    format!(
        "{name} {day:02} {:02}:{:02}",
        of_day / 3600,
        (of_day % 3600) / 60
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[test]
    fn dates_as_mount_prints_them() {
        let t = UNIX_EPOCH + Duration::from_secs(1_700_000_000); // 2023-11-14 22:13:20 UTC
        assert_eq!(mount_date(t), "Nov 14 22:13");
        assert_eq!(mount_date(UNIX_EPOCH), "Jan 01 00:00");
    }

    #[test]
    fn contents_round_trip() -> std::io::Result<()> {
        let tmp = tempfile::tempdir()?;
        let dir = tmp.path().join("a").join("b");
        write_contents(&dir, "datalv", 2, &[0, 7])?;
        let text = std::fs::read_to_string(dir.join(CONTENTS_FILE))?;
        assert_eq!(
            text,
            "# split copy 2 of datalv: data version of each logical partition\n1 0\n2 7\n"
        );
        assert!(remove_contents(&dir)?);
        assert!(!remove_contents(&dir)?);
        Ok(())
    }
}
