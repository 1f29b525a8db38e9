//! A small `getopt`: the flag syntax of the AIX commands (`-y NAME`, `-yNAME`, `-fP`,
//! `--` ends the flags, the first operand ends them too).

/// Flags and operands of one command line.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Parsed {
    /// Flags in order, with their values.
    pub flags: Vec<(char, Option<String>)>,
    /// What follows the flags.
    pub operands: Vec<String>,
}

impl Parsed {
    /// Whether flag `c` was given.
    pub fn has(&self, c: char) -> bool {
        self.flags.iter().any(|(f, _)| *f == c)
    }

    /// The value of the last `-c VALUE`.
    pub fn value(&self, c: char) -> Option<&str> {
        self.flags
            .iter()
            .rev()
            .find(|(f, _)| *f == c)
            .and_then(|(_, v)| v.as_deref())
    }

    /// Every value of `-c`, in order.
    pub fn values(&self, c: char) -> impl Iterator<Item = &str> {
        self.flags
            .iter()
            .filter(move |(f, _)| *f == c)
            .filter_map(|(_, v)| v.as_deref())
    }
}

/// Parses `args` against `spec`: each letter a flag, a letter followed by `:` a flag
/// that takes a value. `Err` names the problem.
///
/// ```
/// use offmirror_aix_emulator::args::parse;
/// let p = parse(&["-y".into(), "snap".into(), "-c2".into(), "datavg".into()], "y:c:f")?;
/// assert_eq!(p.value('y'), Some("snap"));
/// assert_eq!(p.value('c'), Some("2"));
/// assert_eq!(p.operands, ["datavg"]);
/// # Ok::<(), String>(())
/// ```
pub fn parse(args: &[String], spec: &str) -> Result<Parsed, String> {
    let takes_value = |c: char| -> Option<bool> {
        let at = spec.find(c)?;
        Some(
            spec.get(at + c.len_utf8()..)
                .is_some_and(|r| r.starts_with(':')),
        )
    };
    let mut parsed = Parsed::default();
    let mut rest = args.iter();
    while let Some(arg) = rest.next() {
        if arg == "--" {
            parsed.operands.extend(rest.cloned());
            break;
        }
        let Some(letters) = arg.strip_prefix('-').filter(|l| !l.is_empty()) else {
            parsed.operands.push(arg.clone());
            parsed.operands.extend(rest.cloned());
            break;
        };
        for (at, c) in letters.char_indices() {
            if c == ':' {
                return Err(format!("Not a recognized flag: {c}"));
            }
            match takes_value(c) {
                None => return Err(format!("Not a recognized flag: {c}")),
                Some(false) => parsed.flags.push((c, None)),
                Some(true) => {
                    let inline = letters.get(at + c.len_utf8()..).unwrap_or_default();
                    let value = if inline.is_empty() {
                        rest.next()
                            .cloned()
                            .ok_or_else(|| format!("Flag -{c} needs a value."))?
                    } else {
                        inline.to_string()
                    };
                    parsed.flags.push((c, Some(value)));
                    break;
                }
            }
        }
    }
    Ok(parsed)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn strings(words: &[&str]) -> Vec<String> {
        words.iter().map(|w| (*w).to_string()).collect()
    }

    #[test]
    fn clusters_values_and_operands() -> Result<(), String> {
        let p = parse(
            &strings(&["-bP", "-c", "2", "-l", "lv_om", "lv"]),
            "bBc:Pl:f",
        )?;
        assert!(p.has('b') && p.has('P') && !p.has('B'));
        assert_eq!(p.value('l'), Some("lv_om"));
        assert_eq!(p.operands, ["lv"]);
        let p = parse(&strings(&["-a", "x=1", "-a", "y=2", "/fs"]), "a:")?;
        assert_eq!(p.values('a').collect::<Vec<_>>(), ["x=1", "y=2"]);
        assert!(parse(&strings(&["-z"]), "a:").is_err());
        assert!(parse(&strings(&["-a"]), "a:").is_err());
        let p = parse(&strings(&["-l", "--", "-odd"]), "l")?;
        assert_eq!(p.operands, ["-odd"]);
        Ok(())
    }
}
