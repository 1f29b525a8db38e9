use std::path::{Path, PathBuf};

use super::Record;

/// A journal that cannot be trusted.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum JournalError {
    /// It could not be read.
    #[error("cannot read the journal {path}")]
    Io {
        /// The file.
        path: PathBuf,
        /// Why.
        #[source]
        source: std::io::Error,
    },
    /// A record other than the last is damaged: nothing is done automatically.
    #[error(
        "journal {path} is corrupt at line {line}: {problem}; it is not acted on automatically: \
         inspect the host (offmirror status) and repair it by hand"
    )]
    Corrupt {
        /// The file.
        path: PathBuf,
        /// The damaged line (1-based).
        line: usize,
        /// What is wrong.
        problem: String,
    },
}

/// What a journal holds.
#[derive(Debug, Clone, PartialEq)]
pub struct JournalContents {
    /// The intact records, in order.
    pub records: Vec<Record>,
    /// The last line was torn (an interrupted write): its step is in doubt.
    pub torn_tail: bool,
}

impl JournalContents {
    /// Whether the run ended (an `End` record exists).
    pub fn ended(&self) -> bool {
        self.records.iter().any(|r| matches!(r, Record::End { .. }))
    }
}

/// Whether the journal ends with an `End` record. Reads only the file's tail when it
/// does, so checking a work directory that holds many finished runs stays cheap; a
/// journal that does not end is read and checked whole.
pub fn journal_ended(path: &Path) -> Result<bool, JournalError> {
    use std::io::{Read, Seek, SeekFrom};
    const TAIL: u64 = 64 * 1024;
    let io = |source| JournalError::Io {
        path: path.to_path_buf(),
        source,
    };
    let mut file = std::fs::File::open(path).map_err(io)?;
    let len = file.metadata().map_err(io)?.len();
    file.seek(SeekFrom::Start(len.saturating_sub(TAIL)))
        .map_err(io)?;
    let mut tail = Vec::new();
    file.read_to_end(&mut tail).map_err(io)?;
    let last_line = tail
        .strip_suffix(b"\n")
        .map(|body| body.rsplit(|&b| b == b'\n').next().unwrap_or(body));
    if let Some(line) = last_line {
        let mut complete = line.to_vec();
        complete.push(b'\n');
        if matches!(decode(&complete), Ok(Record::End { .. })) {
            return Ok(true);
        }
    }
    Ok(read_journal(path)?.ended())
}

/// Reads and checks a journal.
pub fn read_journal(path: &Path) -> Result<JournalContents, JournalError> {
    let bytes = std::fs::read(path).map_err(|source| JournalError::Io {
        path: path.to_path_buf(),
        source,
    })?;
    parse(path, &bytes)
}

fn parse(path: &Path, bytes: &[u8]) -> Result<JournalContents, JournalError> {
    let mut records = Vec::new();
    let mut torn_tail = false;
    let lines: Vec<&[u8]> = bytes.split_inclusive(|&b| b == b'\n').collect();
    let count = lines.len();
    for (i, raw) in lines.into_iter().enumerate() {
        let last = i + 1 == count;
        let decoded = if raw.ends_with(b"\n") {
            decode(raw)
        } else {
            Err("incomplete line".to_string())
        };
        match decoded {
            Ok(record) => records.push(record),
            Err(_) if last => torn_tail = true,
            Err(problem) => {
                return Err(JournalError::Corrupt {
                    path: path.to_path_buf(),
                    line: i + 1,
                    problem,
                });
            }
        }
    }
    Ok(JournalContents { records, torn_tail })
}

fn decode(raw: &[u8]) -> Result<Record, String> {
    let line = raw.strip_suffix(b"\n").unwrap_or(raw);
    let space = line
        .iter()
        .position(|&b| b == b' ')
        .ok_or("no checksum field")?;
    let (crc_hex, rest) = line.split_at(space);
    let json = rest.get(1..).unwrap_or_default();
    let crc_text = std::str::from_utf8(crc_hex).map_err(|_| "checksum is not text")?;
    let want = u32::from_str_radix(crc_text, 16).map_err(|_| "checksum is not hexadecimal")?;
    if crc32fast::hash(json) != want {
        return Err("checksum mismatch".into());
    }
    serde_json::from_slice(json).map_err(|e| format!("record does not parse: {e}"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::journal::{JournalWriter, Record, StepResult};
    use crate::{Applied, RunOutcome};

    fn sample(path: &Path) -> std::io::Result<()> {
        let mut w = JournalWriter::open(path)?;
        w.append(&Record::Outcome {
            index: 0,
            result: StepResult::Ok {
                applied: Applied::Done,
            },
        })?;
        w.append(&Record::End {
            outcome: RunOutcome::Success,
            recovered: false,
        })
    }

    #[test]
    fn round_trip() -> Result<(), Box<dyn std::error::Error>> {
        let dir = tempfile::tempdir()?;
        let path = dir.path().join("j");
        sample(&path)?;
        let c = read_journal(&path)?;
        assert_eq!(c.records.len(), 2);
        assert!(!c.torn_tail);
        assert!(c.ended());
        Ok(())
    }

    #[test]
    fn the_end_is_found_from_the_tail() -> Result<(), Box<dyn std::error::Error>> {
        let dir = tempfile::tempdir()?;
        let path = dir.path().join("j");
        sample(&path)?;
        assert!(journal_ended(&path)?);
        let bytes = std::fs::read(&path)?;
        let first_line = bytes.iter().position(|&b| b == b'\n').map_or(0, |i| i + 1);
        std::fs::write(&path, bytes.get(..first_line).unwrap_or_default())?;
        assert!(!journal_ended(&path)?);
        Ok(())
    }

    #[test]
    fn a_torn_last_line_is_in_doubt_not_corrupt() -> Result<(), Box<dyn std::error::Error>> {
        let dir = tempfile::tempdir()?;
        let path = dir.path().join("j");
        sample(&path)?;
        let bytes = std::fs::read(&path)?;
        for cut in 1..bytes.len() {
            let c = parse(&path, bytes.get(..cut).unwrap_or_default())?;
            let whole_lines = bytes
                .get(..cut)
                .unwrap_or_default()
                .iter()
                .filter(|&&b| b == b'\n')
                .count();
            assert_eq!(c.records.len(), whole_lines, "cut at {cut}");
            assert_eq!(
                c.torn_tail,
                !bytes.get(..cut).unwrap_or_default().ends_with(b"\n")
            );
        }
        Ok(())
    }

    #[test]
    fn damage_before_the_last_line_is_corruption() -> Result<(), Box<dyn std::error::Error>> {
        let dir = tempfile::tempdir()?;
        let path = dir.path().join("j");
        sample(&path)?;
        let mut bytes = std::fs::read(&path)?;
        if let Some(b) = bytes.get_mut(12) {
            *b ^= 0x01;
        }
        let err = parse(&path, &bytes).err().ok_or("damage not found")?;
        assert!(
            matches!(err, JournalError::Corrupt { line: 1, .. }),
            "{err}"
        );
        assert!(err.to_string().contains("not acted on automatically"));
        Ok(())
    }
}
