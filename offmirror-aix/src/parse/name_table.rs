//! Turning repeated names (disks, logical volumes) into small indices.
//!
//! Used by the `lsvg -M` parser, which sees the same few names on millions of lines.
//! Lines come grouped by disk and usually in runs of one LV, so the last name looked up
//! is checked first; only a change of name reaches the hash map.

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};

/// A fast non-cryptographic hash (the multiply-rotate scheme used by rustc's FxHash).
/// Names come from trusted local command output, so hash flooding is not a concern.
#[derive(Debug, Default, Clone, Copy)]
struct NameHasher(u64);

const SEED: u64 = 0x51_7c_c1_b7_27_22_0a_95;

impl NameHasher {
    fn add(&mut self, word: u64) {
        self.0 = (self.0.rotate_left(5) ^ word).wrapping_mul(SEED);
    }
}

impl Hasher for NameHasher {
    fn write(&mut self, bytes: &[u8]) {
        let mut chunks = bytes.chunks_exact(8);
        for chunk in &mut chunks {
            let mut word = [0u8; 8];
            word.copy_from_slice(chunk);
            self.add(u64::from_le_bytes(word));
        }
        for &b in chunks.remainder() {
            self.add(u64::from(b));
        }
    }

    fn write_u8(&mut self, i: u8) {
        self.add(u64::from(i));
    }

    fn write_usize(&mut self, i: usize) {
        self.add(i as u64);
    }

    fn finish(&self) -> u64 {
        self.0
    }
}

/// Names seen so far, each with its index into [`NameTable::into_names`].
#[derive(Debug, Default)]
pub(crate) struct NameTable<'a> {
    names: Vec<String>,
    index: HashMap<&'a [u8], u32, BuildHasherDefault<NameHasher>>,
    last: Option<(&'a [u8], u32)>,
}

impl<'a> NameTable<'a> {
    /// The index of `name`, adding it when new; `None` past `u32::MAX` names.
    ///
    /// Names are bytes cut out of UTF-8 text at ASCII separators, so they are UTF-8
    /// themselves; the lossy conversion never has anything to replace.
    #[inline]
    pub(crate) fn intern(&mut self, name: &'a [u8]) -> Option<u32> {
        if let Some((last, id)) = self.last
            && last == name
        {
            return Some(id);
        }
        let id = match self.index.get(name) {
            Some(&id) => id,
            None => {
                let id = u32::try_from(self.names.len()).ok()?;
                self.names.push(String::from_utf8_lossy(name).into_owned());
                self.index.insert(name, id);
                id
            }
        };
        self.last = Some((name, id));
        Some(id)
    }

    /// The names, indexed by the ids [`Self::intern`] gave out.
    pub(crate) fn into_names(self) -> Vec<String> {
        self.names
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::hash::BuildHasher;

    #[test]
    fn interning_gives_stable_indices() {
        let mut table = NameTable::default();
        assert_eq!(table.intern(b"hdisk0"), Some(0));
        assert_eq!(table.intern(b"hdisk0"), Some(0));
        assert_eq!(table.intern(b"hdisk1"), Some(1));
        assert_eq!(table.intern(b"hdisk0"), Some(0));
        assert_eq!(table.into_names(), ["hdisk0", "hdisk1"]);
    }

    #[test]
    fn hasher_tells_names_apart() {
        let build = BuildHasherDefault::<NameHasher>::default();
        assert_ne!(build.hash_one("hd1"), build.hash_one("hd2"));
        assert_ne!(
            build.hash_one("EMC_3451_0DEF"),
            build.hash_one("EMC_3451_0DEG")
        );
    }
}
