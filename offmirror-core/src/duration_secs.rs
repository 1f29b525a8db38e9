//! Serialises a [`std::time::Duration`] as a number of seconds (fractions allowed).

use std::time::Duration;

use serde::{Deserialize, Deserializer, Serializer};

/// Writes whole and fractional seconds.
pub fn serialize<S: Serializer>(d: &Duration, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_f64(d.as_secs_f64())
}

/// Reads seconds; rejects negative, non-finite and absurd values.
pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Duration, D::Error> {
    let secs = f64::deserialize(d)?;
    Duration::try_from_secs_f64(secs)
        .map_err(|_| serde::de::Error::custom(format!("{secs} is not a usable number of seconds")))
}
