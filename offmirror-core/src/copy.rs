//! Mirror copy numbers.

use std::fmt;

use serde::{Deserialize, Serialize};

/// A mirror copy number: 1, 2 or 3, as AIX numbers them.
///
/// ```
/// use offmirror_core::CopyNumber;
/// assert_eq!(CopyNumber::default().get(), 2);
/// assert!(CopyNumber::new(4).is_err());
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "u8", into = "u8")]
pub struct CopyNumber(u8);

/// A copy number outside 1..=3.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("mirror copy {0} does not exist: AIX numbers copies 1, 2 and 3")]
pub struct CopyNumberError(pub u8);

impl CopyNumber {
    /// The first copy.
    pub const FIRST: CopyNumber = CopyNumber(1);

    /// Checks that `n` is 1, 2 or 3.
    pub fn new(n: u8) -> Result<Self, CopyNumberError> {
        if (1..=3).contains(&n) {
            Ok(Self(n))
        } else {
            Err(CopyNumberError(n))
        }
    }

    /// The number (1..=3).
    pub fn get(self) -> u8 {
        self.0
    }

    /// The zero-based index of this copy in a list of copies.
    pub fn index(self) -> usize {
        usize::from(self.0 - 1)
    }
}

impl Default for CopyNumber {
    /// Copy 2, the copy AIX splits when none is named.
    fn default() -> Self {
        CopyNumber(2)
    }
}

impl TryFrom<u8> for CopyNumber {
    type Error = CopyNumberError;
    fn try_from(n: u8) -> Result<Self, CopyNumberError> {
        Self::new(n)
    }
}

impl From<CopyNumber> for u8 {
    fn from(c: CopyNumber) -> u8 {
        c.0
    }
}

impl fmt::Display for CopyNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)
    }
}
