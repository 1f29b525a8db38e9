//! No input makes a parser panic: arbitrary text, text built from the words AIX
//! prints, and real samples with random byte and line edits, each fed to every parser.

mod common;

use std::sync::LazyLock;

use offmirror_aix::parse::{
    parse_fs_list, parse_lv_detail, parse_lv_pp_map, parse_messages, parse_mounts, parse_pv_detail,
    parse_pv_list, parse_vg_detail, parse_vg_lvs, parse_vg_names, parse_vg_pp_map, parse_vg_pvs,
};
use proptest::prelude::*;

/// Runs every parser; results are dropped, only panics matter.
fn parse_with_everything(text: &str) {
    let _ = parse_vg_names(text);
    let _ = parse_vg_detail(text);
    let _ = parse_vg_lvs(text);
    let _ = parse_vg_pvs(text);
    let _ = parse_vg_pp_map(text);
    let _ = parse_lv_detail(text);
    let _ = parse_lv_pp_map(text);
    let _ = parse_pv_list(text);
    let _ = parse_pv_detail(text);
    let _ = parse_fs_list(text);
    let _ = parse_mounts(text);
    let _ = parse_messages(text);
}

/// Short samples that are always part of the corpus, so the mutation test has work
/// even when the real samples are not available. The `lsvg -M` one follows the
/// documented format (there is no real sample of it).
const BUILT_IN: &[&str] = &[
    "rootvg\nhdisk0:1\thd5:1:1\nhdisk0:2-20\nhdisk1:1\thd5:1:2\tstale\nhdisk1:2\tlv:9\n",
    "vg:\nLV NAME  TYPE  LPs  PPs  PVs  LV STATE  MOUNT POINT\nhd4 jfs2 3 6 2 open/stale /\n",
    "vg:\nPV_NAME  PV STATE  TOTAL PPs  FREE PPs  FREE DISTRIBUTION\nhdisk1 active 9 9 01..02..03..02..01\n",
    "lv:/mnt\nLP PP1 PV1 PP2 PV2\n0001 0001 hdisk0 0001 hdisk1\n",
    "LOGICAL VOLUME:     lv                     VOLUME GROUP:   vg\nLPs:  1   PPs:  2\n",
    "PV IDENTIFIER:      00f9 VG IDENTIFIER     00f9\nPHYSICAL VOLUME: hdisk0\n",
    "  node  mounted\n---\n   /dev/hd4 / jfs2 Jan 01 00:00 rw\n",
    "0516-306 getlvodm: Unable to find x in the Device\n\tConfiguration Database.\n",
];

static CORPUS: LazyLock<Vec<String>> = LazyLock::new(|| {
    let mut corpus: Vec<String> = BUILT_IN.iter().map(|s| (*s).to_owned()).collect();
    if let Ok(Some(samples)) = common::samples()
        && let Ok(all) = samples.all()
    {
        corpus.extend(all.into_iter().map(|(_, text)| text));
    }
    corpus
});

/// Words and separators the parsers look for, to build inputs that get past the
/// first checks more often than random text does.
const WORDS: &[&str] = &[
    "rootvg",
    "rootvg:",
    "hdisk0",
    "hdisk0:12",
    "hdisk0:1-9",
    "hd4:3:2",
    "hd4:3",
    "stale",
    "LV NAME",
    "PV_NAME",
    "PV ID",
    "LP",
    "NAME",
    "PVID",
    "open/syncd",
    "closed/stale",
    "opened/stale",
    "N/A",
    "None",
    "none",
    "???????",
    "?",
    "0001",
    "99999",
    "4294967296",
    "00..01..02..03..04",
    "..",
    ":",
    "::",
    "-",
    " ",
    "  ",
    "\t",
    "\n",
    "\r\n",
    "\r",
    "VOLUME GROUP:",
    "LOGICAL VOLUME:",
    "PHYSICAL VOLUME:",
    "VG IDENTIFIER",
    "PPs:",
    "STALE PPs:",
    "LV STATE:",
    "PP SIZE:",
    "16 megabyte(s)",
    "QUORUM:",
    "2 (Enabled)",
    "#MountPoint",
    "/dev/hd4:jfs2",
    "Jan",
    "31",
    "23:59",
    "rw,log=/dev/hd8",
    "0516-010",
    "0506-347",
    "umount:",
    "é",
    "\u{0}",
    "\u{feff}",
];

fn word_soup() -> impl Strategy<Value = String> {
    proptest::collection::vec(proptest::sample::select(WORDS), 0..60).prop_map(|w| w.concat())
}

/// One random edit of a sample.
#[derive(Debug, Clone)]
enum Edit {
    InsertByte(usize, u8),
    DeleteByte(usize),
    ReplaceByte(usize, u8),
    InsertWord(usize, &'static str),
    DuplicateLine(usize),
    DeleteLine(usize),
    SwapLines(usize, usize),
    Truncate(usize),
}

fn edit() -> impl Strategy<Value = Edit> {
    prop_oneof![
        (any::<usize>(), any::<u8>()).prop_map(|(at, b)| Edit::InsertByte(at, b)),
        any::<usize>().prop_map(Edit::DeleteByte),
        (any::<usize>(), any::<u8>()).prop_map(|(at, b)| Edit::ReplaceByte(at, b)),
        (any::<usize>(), proptest::sample::select(WORDS))
            .prop_map(|(at, w)| Edit::InsertWord(at, w)),
        any::<usize>().prop_map(Edit::DuplicateLine),
        any::<usize>().prop_map(Edit::DeleteLine),
        (any::<usize>(), any::<usize>()).prop_map(|(a, b)| Edit::SwapLines(a, b)),
        any::<usize>().prop_map(Edit::Truncate),
    ]
}

fn apply(text: &str, edits: &[Edit]) -> String {
    let mut bytes = text.as_bytes().to_vec();
    for edit in edits {
        let len = bytes.len();
        let at = |i: usize| if len == 0 { 0 } else { i % (len + 1) };
        match *edit {
            Edit::InsertByte(i, b) => bytes.insert(at(i), b),
            Edit::DeleteByte(i) if len > 0 => {
                bytes.remove(i % len);
            }
            Edit::ReplaceByte(i, b) if len > 0 => {
                if let Some(slot) = bytes.get_mut(i % len) {
                    *slot = b;
                }
            }
            Edit::InsertWord(i, w) => {
                let pos = at(i);
                bytes.splice(pos..pos, w.bytes());
            }
            Edit::Truncate(i) => bytes.truncate(at(i)),
            Edit::DuplicateLine(i) | Edit::DeleteLine(i) | Edit::SwapLines(i, _) => {
                let mut lines: Vec<Vec<u8>> =
                    bytes.split(|&b| b == b'\n').map(<[u8]>::to_vec).collect();
                let n = lines.len();
                match *edit {
                    Edit::DuplicateLine(_) => {
                        let line = lines.get(i % n).cloned().unwrap_or_default();
                        lines.insert(i % n, line);
                    }
                    Edit::DeleteLine(_) if n > 1 => {
                        lines.remove(i % n);
                    }
                    Edit::SwapLines(a, b) => lines.swap(a % n, b % n),
                    _ => {}
                }
                bytes = lines.join(&b'\n');
            }
            _ => {}
        }
    }
    String::from_utf8_lossy(&bytes).into_owned()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

    #[test]
    fn arbitrary_text(text in any::<String>()) {
        parse_with_everything(&text);
    }

    #[test]
    fn text_made_of_aix_words(text in word_soup()) {
        parse_with_everything(&text);
    }

    #[test]
    fn mutated_samples(
        pick in any::<usize>(),
        edits in proptest::collection::vec(edit(), 1..12),
    ) {
        let corpus = &*CORPUS;
        let original = corpus.get(pick % corpus.len().max(1)).map_or("", String::as_str);
        parse_with_everything(&apply(original, &edits));
    }
}

#[test]
fn every_sample_with_every_parser() {
    for text in CORPUS.iter() {
        parse_with_everything(text);
        // Cut at every byte: truncated output must not panic either.
        for end in 0..=text.len() {
            if let Some(prefix) = text.get(..end) {
                parse_with_everything(prefix);
            }
        }
    }
}
