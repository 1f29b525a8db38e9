//! The JSON envelope shared by `lvs`, `vgs` and `pvs`, and the conversion of its
//! string values into typed ones.
//!
//! LVM prints `{"report": [{"lv": [{"lv_name": "data", ...}, ...]}]}`: a list of report
//! objects, each holding a list of rows under the report's key (`lv`, `vg`, `pv`).
//! Every value is a string in `--reportformat json`; numbers are also accepted here, as
//! `--reportformat json_std` of newer LVM releases prints them, and are read back from
//! their decimal text.

use serde::Deserialize;
use serde::de::DeserializeOwned;
use serde_json::Value;

use super::ParseError;

/// The outer object: `{"report": [...]}`. Other keys (such as `"log"`) are ignored.
#[derive(Debug, Deserialize)]
#[serde(bound(deserialize = "R: Deserialize<'de>"))]
struct Envelope<R> {
    report: Vec<ReportObject<R>>,
}

/// One element of `"report"`: rows under `lv`, `vg` or `pv`, whichever is present.
#[derive(Debug, Deserialize)]
#[serde(bound(deserialize = "R: Deserialize<'de>"))]
struct ReportObject<R> {
    #[serde(default)]
    lv: Vec<R>,
    #[serde(default)]
    vg: Vec<R>,
    #[serde(default)]
    pv: Vec<R>,
}

/// Which list of a report object holds the rows.
#[derive(Debug, Clone, Copy)]
pub(crate) enum RowKey {
    /// `"lv"`, printed by `lvs`.
    Lv,
    /// `"vg"`, printed by `vgs`.
    Vg,
    /// `"pv"`, printed by `pvs`.
    Pv,
}

/// Reads the envelope and returns the rows under `key` from every report object, in
/// order. A key of another report (say `vg` rows in `lvs` output) is ignored.
pub(crate) fn rows<R: DeserializeOwned>(
    report: &'static str,
    key: RowKey,
    text: &str,
) -> Result<Vec<R>, ParseError> {
    let envelope: Envelope<R> =
        serde_json::from_str(text).map_err(|e| ParseError::json(report, &e))?;
    let mut out = Vec::new();
    for object in envelope.report {
        out.extend(match key {
            RowKey::Lv => object.lv,
            RowKey::Vg => object.vg,
            RowKey::Pv => object.pv,
        });
    }
    Ok(out)
}

/// Where a value sits, for error messages.
#[derive(Debug, Clone, Copy)]
pub(crate) struct At {
    pub(crate) report: &'static str,
    /// 1-based row.
    pub(crate) row: usize,
}

impl At {
    fn bad(self, field: &'static str, expected: &'static str, found: &str) -> ParseError {
        ParseError::bad_value(self.report, self.row, field, expected, found)
    }

    /// A string value; empty string, `null` or a missing field is `None`.
    pub(crate) fn text(
        self,
        field: &'static str,
        value: Option<Value>,
    ) -> Result<Option<String>, ParseError> {
        match value {
            None | Some(Value::Null) => Ok(None),
            Some(Value::String(s)) if s.is_empty() => Ok(None),
            Some(Value::String(s)) => Ok(Some(s)),
            Some(Value::Number(n)) => Ok(Some(n.to_string())),
            Some(Value::Bool(b)) => Ok(Some(b.to_string())),
            Some(other) => Err(self.bad(field, "a string", &other.to_string())),
        }
    }

    /// A count or a byte size printed with `--units b --nosuffix` (a trailing `B`, as
    /// printed without `--nosuffix`, is accepted too).
    pub(crate) fn number(
        self,
        field: &'static str,
        value: Option<Value>,
    ) -> Result<Option<u64>, ParseError> {
        let Some(text) = self.text(field, value)? else {
            return Ok(None);
        };
        let digits = text.strip_suffix('B').unwrap_or(&text);
        if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
            return Err(self.bad(
                field,
                "a whole number (sizes need --units b --nosuffix)",
                &text,
            ));
        }
        digits
            .parse::<u64>()
            .map(Some)
            .map_err(|_| self.bad(field, "a whole number that fits in 64 bits", &text))
    }

    /// A kernel device number; LVM's `-1` (not active) is `None`.
    pub(crate) fn device_number(
        self,
        field: &'static str,
        value: Option<Value>,
    ) -> Result<Option<u32>, ParseError> {
        let Some(text) = self.text(field, value)? else {
            return Ok(None);
        };
        if text == "-1" {
            return Ok(None);
        }
        text.parse::<u32>()
            .map(Some)
            .map_err(|_| self.bad(field, "a device number or -1", &text))
    }

    /// A percentage such as `"100.00"` or `"6.45"`.
    pub(crate) fn percent(
        self,
        field: &'static str,
        value: Option<Value>,
    ) -> Result<Option<f64>, ParseError> {
        let Some(text) = self.text(field, value)? else {
            return Ok(None);
        };
        let plain = !text.is_empty()
            && text.bytes().all(|b| b.is_ascii_digit() || b == b'.')
            && text.bytes().filter(|&b| b == b'.').count() <= 1;
        match text.parse::<f64>() {
            Ok(v) if plain && v.is_finite() => Ok(Some(v)),
            _ => Err(self.bad(field, "a percentage such as 100.00", &text)),
        }
    }

    /// A comma-separated list such as `lv_role` `"private,raid,image"`.
    pub(crate) fn list(
        self,
        field: &'static str,
        value: Option<Value>,
    ) -> Result<Option<Vec<String>>, ParseError> {
        Ok(self
            .text(field, value)?
            .map(|text| text.split(',').map(str::to_owned).collect()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const AT: At = At {
        report: "lvs",
        row: 1,
    };

    fn s(text: &str) -> Option<Value> {
        Some(Value::String(text.to_owned()))
    }

    #[test]
    fn empty_strings_are_none() -> Result<(), ParseError> {
        assert_eq!(AT.text("lv_name", s(""))?, None);
        assert_eq!(AT.number("lv_size", s(""))?, None);
        assert_eq!(AT.percent("sync_percent", s(""))?, None);
        assert_eq!(AT.list("lv_role", None)?, None);
        Ok(())
    }

    #[test]
    fn numbers_and_percentages() -> Result<(), ParseError> {
        assert_eq!(AT.number("lv_size", s("67108864"))?, Some(67_108_864));
        assert_eq!(AT.number("lv_size", s("67108864B"))?, Some(67_108_864));
        assert_eq!(AT.number("lv_size", Some(Value::from(5u64)))?, Some(5));
        assert_eq!(AT.percent("sync_percent", s("6.45"))?, Some(6.45));
        assert_eq!(AT.percent("sync_percent", s("100.00"))?, Some(100.0));
        Ok(())
    }

    #[test]
    fn sizes_with_units_name_the_field() {
        let err = AT.number("lv_size", s("64.00m"));
        assert!(matches!(
            err,
            Err(ParseError::BadValue {
                field: "lv_size",
                report: "lvs",
                row: 1,
                ..
            })
        ));
        assert!(AT.number("lv_size", s("99999999999999999999999")).is_err());
        assert!(AT.percent("sync_percent", s("-1")).is_err());
        assert!(AT.percent("sync_percent", s("NaN")).is_err());
        assert!(AT.percent("sync_percent", s("1e5")).is_err());
        assert!(AT.text("lv_name", Some(Value::Array(vec![]))).is_err());
    }
}
