//! Synthetic LVM2 reports shaped like the real ones captured in the guest
//! (`offmirror-lvm2/tests/fixtures/vm`): one VG on three PVs, raid1 LVs with their
//! hidden images and metadata sub-LVs, one row per segment.

/// `vgs`, `pvs` and `lvs -a` JSON for one VG holding `lvs` raid1 LVs of `legs` images
/// and `extents` extents each.
pub fn lvm2_reports(lvs: usize, legs: usize, extents: u64) -> (String, String, String) {
    let vgs = r#"{"report":[{"vg":[{"vg_name":"vg0","vg_uuid":"u","vg_attr":"wz--n-","vg_extent_size":"4194304","vg_shared":"","vg_lock_type":""}]}]}"#.to_string();
    let pv_count = extents
        .saturating_add(1)
        .saturating_mul(lvs as u64)
        .saturating_add(1);
    let pv_rows: Vec<String> = (0..legs)
        .map(|i| {
            format!(
                r#"{{"pv_name":"/dev/vd{}","vg_name":"vg0","pv_uuid":"pv{i}","pv_attr":"a--","pv_missing":"","pv_pe_count":"{pv_count}"}}"#,
                (b'a' + i as u8) as char
            )
        })
        .collect();
    let pvs = format!(r#"{{"report":[{{"pv":[{}]}}]}}"#, pv_rows.join(","));
    let mut rows = Vec::with_capacity(lvs * (1 + 2 * legs));
    let row = |name: &str,
               attr: &str,
               seg: &str,
               sync: &str,
               role: &str,
               start: u64,
               size: u64,
               devices: &str| {
        format!(
            r#"{{"vg_name":"vg0","lv_name":"{name}","lv_uuid":"x","lv_attr":"{attr}","lv_size":"{}","segtype":"{seg}","sync_percent":"{sync}","lv_health_status":"","raid_sync_action":"{}","raid_mismatch_count":"{}","lv_role":"{role}","lv_layout":"linear","lv_permissions":"writeable","lv_dm_path":"/dev/mapper/vg0-{}","lv_kernel_major":"254","lv_kernel_minor":"1","seg_start_pe":"{start}","seg_size_pe":"{size}","devices":"{devices}"}}"#,
            size * 4_194_304,
            if sync.is_empty() { "" } else { "idle" },
            if sync.is_empty() { "" } else { "0" },
            name.trim_matches(['[', ']']),
        )
    };
    for n in 0..lvs {
        let lv = format!("lv{n}");
        let images: Vec<String> = (0..legs).map(|k| format!("{lv}_rimage_{k}(0)")).collect();
        rows.push(row(
            &lv,
            "rwi-a-r---",
            "raid1",
            "100.00",
            "public",
            0,
            extents,
            &images.join(","),
        ));
        let base = n as u64 * (extents + 1);
        for k in 0..legs {
            let disk = (b'a' + k as u8) as char;
            rows.push(row(
                &format!("[{lv}_rimage_{k}]"),
                "iwi-aor---",
                "linear",
                "",
                "private,raid,image",
                0,
                extents,
                &format!("/dev/vd{disk}({})", base + 1),
            ));
            rows.push(row(
                &format!("[{lv}_rmeta_{k}]"),
                "ewi-aor---",
                "linear",
                "",
                "private,raid,metadata",
                0,
                1,
                &format!("/dev/vd{disk}({base})"),
            ));
        }
    }
    let lvs_json = format!(r#"{{"report":[{{"lv":[{}]}}]}}"#, rows.join(",\n"));
    (vgs, pvs, lvs_json)
}

#[cfg(test)]
mod tests {
    use offmirror_lvm2::inventory::{HostReport, build_inventory};
    use offmirror_lvm2::parse::{parse_lvs, parse_pvs, parse_vgs};

    #[test]
    fn the_synthetic_reports_map_every_extent() -> Result<(), Box<dyn std::error::Error>> {
        let (vgs, pvs, lvs) = super::lvm2_reports(10, 3, 16);
        let inventory = build_inventory(&HostReport {
            vgs: parse_vgs(&vgs)?,
            pvs: parse_pvs(&pvs)?,
            lvs: parse_lvs(&lvs)?,
            mounts: Vec::new(),
        })?;
        let vg = inventory.vgs.first().ok_or("no VG")?;
        assert_eq!(vg.lvs.len(), 10);
        for lv in &vg.lvs {
            assert_eq!(lv.copies.len(), 3);
            assert!(
                lv.copies
                    .iter()
                    .all(|c| c.is_complete() && c.pps.len() == 16)
            );
            assert!(lv.blockers.is_empty(), "{:?}", lv.blockers);
        }
        Ok(())
    }
}
