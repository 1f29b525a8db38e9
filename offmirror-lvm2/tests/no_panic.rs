//! No input makes a parser panic: arbitrary strings, and captured samples with bytes
//! replaced, inserted or deleted, or with one value swapped for an arbitrary string.

use offmirror_lvm2::parse::{
    decode_lv_attr, parse_lvs, parse_mountinfo, parse_mountinfo_line, parse_pvs, parse_vgs,
};
use proptest::prelude::*;

/// Copied from `shared/lvm2/transcript.txt` (raid1 after the tracked split).
const LVS_SAMPLE: &str = r#"  {
      "report": [
          {
              "lv": [
                  {"lv_name":"data", "lv_attr":"rwi-aor---", "lv_permissions":"writeable", "lv_role":"public", "lv_layout":"raid,raid1", "sync_percent":"100.00", "lv_health_status":""},
                  {"lv_name":"[data_rimage_0]", "lv_attr":"iwi-aor---", "lv_permissions":"writeable", "lv_role":"private,raid,image", "lv_layout":"linear", "sync_percent":"", "lv_health_status":""},
                  {"lv_name":"data_rimage_1", "lv_attr":"Iri-a-r---", "lv_permissions":"read-only", "lv_role":"private,raid,image", "lv_layout":"linear", "sync_percent":"", "lv_health_status":""},
                  {"lv_name":"data", "lv_attr":"rwi-a-r---", "copy_percent":"100.00", "sync_percent":"100.00", "lv_health_status":"", "raid_sync_action":"idle", "raid_mismatch_count":"0", "segtype":"raid1", "devices":"data_rimage_0(0),data_rimage_1(0)", "lv_size":"67108864"}
              ]
          }
      ]
  }
"#;

const VGS_SAMPLE: &str = r#"{"report":[{"vg":[{"vg_name":"vg0","pv_count":"3","lv_count":"0","snap_count":"0","vg_attr":"wz-pn-","vg_size":"792723456","vg_free":"792723456","vg_missing_pv_count":"1"}]}]}"#;

const PVS_SAMPLE: &str = r#"{"report":[{"pv":[{"pv_name":"/dev/vda","vg_name":"vg0","pv_attr":"a--","pv_size":"264241152","pv_free":"121634816","dev_size":"268435456","pv_missing":""},{"pv_name":"[unknown]","vg_name":"vg0","pv_attr":"a-m","pv_missing":"missing"}]}]}"#;

const MOUNTINFO_SAMPLE: &str = "22 1 0:21 / /proc rw,nosuid shared:12 - proc proc rw\n\
    48 22 253:3 / /mnt/my\\040snap ro,relatime - ext4 /dev/mapper/vg0-data_rimage_1 ro,norecovery\n";

fn run_all(text: &str) {
    let _ = parse_lvs(text);
    let _ = parse_vgs(text);
    let _ = parse_pvs(text);
    let _ = parse_mountinfo(text);
    let _ = parse_mountinfo_line(text, 1);
    let _ = decode_lv_attr(text);
}

/// Replaces, inserts or deletes one character at a position given as a fraction.
fn mutate(sample: &str, at: f64, op: u8, with: char) -> String {
    let chars: Vec<char> = sample.chars().collect();
    let index = ((chars.len() as f64) * at) as usize;
    let index = index.min(chars.len().saturating_sub(1));
    let mut out = chars;
    match op % 3 {
        0 => {
            if let Some(c) = out.get_mut(index) {
                *c = with;
            }
        }
        1 => out.insert(index, with),
        _ => {
            if index < out.len() {
                out.remove(index);
            }
        }
    }
    out.into_iter().collect()
}

/// Swaps the `n`-th string value `"..."` after a `:` for `value` (JSON-escaped).
fn swap_value(sample: &str, n: usize, value: &str) -> String {
    let escaped = serde_json_escape(value);
    let parts: Vec<&str> = sample.split(":\"").collect();
    let count = parts.len().saturating_sub(1);
    if count == 0 {
        return sample.to_owned();
    }
    let target = n % count + 1;
    let mut out = String::new();
    for (i, part) in parts.iter().enumerate() {
        if i > 0 {
            out.push_str(":\"");
        }
        if i == target {
            let rest = part
                .find('"')
                .map_or("", |end| part.get(end..).unwrap_or(""));
            out.push_str(&escaped);
            out.push_str(rest);
        } else {
            out.push_str(part);
        }
    }
    out
}

/// The JSON string literal of `value` without its quotes, so that the swapped sample
/// stays valid JSON and the value conversions are what gets exercised.
fn serde_json_escape(value: &str) -> String {
    let quoted = serde_json::to_string(value).unwrap_or_default();
    quoted
        .strip_prefix('"')
        .and_then(|q| q.strip_suffix('"'))
        .unwrap_or("")
        .to_owned()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn arbitrary_strings(text in any::<String>()) {
        run_all(&text);
    }

    #[test]
    fn attr_like_strings(text in "[-a-zA-Z ]{0,12}") {
        let decoded = decode_lv_attr(&text);
        prop_assert_eq!(decoded.is_ok(), text.len() == 10);
    }

    #[test]
    fn mountinfo_like_lines(text in "[0-9 :/a-z\\\\-]{0,60}") {
        run_all(&text);
    }

    #[test]
    fn mutated_samples(at in 0.0f64..1.0, op in any::<u8>(), with in any::<char>(), which in 0usize..4) {
        let sample = [LVS_SAMPLE, VGS_SAMPLE, PVS_SAMPLE, MOUNTINFO_SAMPLE][which];
        run_all(&mutate(sample, at, op, with));
    }

    #[test]
    fn swapped_values(n in any::<usize>(), value in any::<String>(), which in 0usize..3) {
        let sample = [LVS_SAMPLE, VGS_SAMPLE, PVS_SAMPLE][which];
        let text = swap_value(sample, n, &value);
        run_all(&text);
    }
}

#[test]
fn samples_parse_unmutated() {
    assert_eq!(parse_lvs(LVS_SAMPLE).map(|r| r.len()), Ok(4));
    assert_eq!(parse_vgs(VGS_SAMPLE).map(|r| r.len()), Ok(1));
    assert_eq!(parse_pvs(PVS_SAMPLE).map(|r| r.len()), Ok(2));
    assert_eq!(parse_mountinfo(MOUNTINFO_SAMPLE).map(|r| r.len()), Ok(2));
}
