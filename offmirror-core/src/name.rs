//! Validated names of LVM objects and file-system mount points.
//!
//! Names arrive from users (job files, command lines) and from command output. They are
//! checked once, on construction, against what AIX and Linux LVM2 accept, so that every
//! later use (an argv entry, a file name in the work directory, a JSON field) can rely on
//! them. AIX allows shorter names than LVM2; its own commands refuse the longer ones.

use std::fmt;

use serde::{Deserialize, Serialize};

/// The longest VG, LV or PV name AIX accepts; offmirror's split names are cut to fit it.
pub const MAX_LVM_NAME_LEN: usize = 15;

/// The longest VG, LV or PV name accepted at all (LVM2's limit).
pub const MAX_NAME_LEN: usize = 127;

/// The longest mount point accepted.
pub const MAX_MOUNT_POINT_LEN: usize = 1023;

/// What kind of object a name names; used in error messages.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum NameKind {
    /// A volume group.
    VolumeGroup,
    /// A logical volume.
    LogicalVolume,
    /// A physical volume (disk).
    PhysicalVolume,
    /// A file-system mount point.
    MountPoint,
}

impl fmt::Display for NameKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            NameKind::VolumeGroup => "volume group",
            NameKind::LogicalVolume => "logical volume",
            NameKind::PhysicalVolume => "physical volume",
            NameKind::MountPoint => "mount point",
        })
    }
}

/// Why a name was rejected.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("invalid {kind} name {name:?}: {reason}")]
pub struct NameError {
    /// The kind of object the name was for.
    pub kind: NameKind,
    /// The rejected text.
    pub name: String,
    /// What is wrong with it and what would be accepted instead.
    pub reason: String,
}

fn reject(kind: NameKind, name: &str, reason: impl Into<String>) -> NameError {
    NameError {
        kind,
        name: name.to_owned(),
        reason: reason.into(),
    }
}

/// Checks a VG, LV or PV name: 1 to 127 characters from `A-Z a-z 0-9 _ . + -`, not
/// starting with `-`; a PV name may also be a device path (`/dev/vdb`).
fn check_lvm_name(kind: NameKind, name: &str) -> Result<(), NameError> {
    const FIX: &str = "use 1 to 127 characters from A-Z a-z 0-9 _ . + - not starting with '-' \
                       (AIX: at most 15)";
    if name.is_empty() {
        return Err(reject(kind, name, format!("it is empty; {FIX}")));
    }
    if name.len() > MAX_NAME_LEN {
        return Err(reject(
            kind,
            name,
            format!("it is {} characters long; {FIX}", name.len()),
        ));
    }
    if name.starts_with('-') {
        return Err(reject(
            kind,
            name,
            format!("it starts with '-' and would read as an option; {FIX}"),
        ));
    }
    if name == "." || name == ".." {
        return Err(reject(kind, name, format!("it is a directory name; {FIX}")));
    }
    let path_ok = kind == NameKind::PhysicalVolume && name.starts_with("/dev/");
    if let Some(bad) = name.chars().find(|&c| {
        !(c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '+' | '-') || (path_ok && c == '/'))
    }) {
        return Err(reject(kind, name, format!("it contains {bad:?}; {FIX}")));
    }
    if path_ok && name.split('/').any(|part| part == "..") {
        return Err(reject(kind, name, format!("it climbs out of /dev; {FIX}")));
    }
    Ok(())
}

macro_rules! lvm_name {
    ($(#[$doc:meta])* $ty:ident, $kind:expr) => {
        $(#[$doc])*
        #[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
        #[serde(try_from = "String", into = "String")]
        pub struct $ty(String);

        impl $ty {
            /// Validates `name` and wraps it.
            pub fn new(name: impl Into<String>) -> Result<Self, NameError> {
                let name = name.into();
                check_lvm_name($kind, &name)?;
                Ok(Self(name))
            }

            /// The name as text.
            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl fmt::Display for $ty {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }

        impl AsRef<str> for $ty {
            fn as_ref(&self) -> &str {
                &self.0
            }
        }

        impl TryFrom<String> for $ty {
            type Error = NameError;
            fn try_from(s: String) -> Result<Self, NameError> {
                Self::new(s)
            }
        }

        impl TryFrom<&str> for $ty {
            type Error = NameError;
            fn try_from(s: &str) -> Result<Self, NameError> {
                Self::new(s)
            }
        }

        impl std::str::FromStr for $ty {
            type Err = NameError;
            fn from_str(s: &str) -> Result<Self, NameError> {
                Self::new(s)
            }
        }

        impl From<$ty> for String {
            fn from(n: $ty) -> String {
                n.0
            }
        }
    };
}

lvm_name!(
    /// A volume group name (`datavg`, `vg0`).
    ///
    /// ```
    /// use offmirror_core::VgName;
    /// assert!(VgName::new("datavg").is_ok());
    /// assert!(VgName::new("-rf").is_err());
    /// assert!(VgName::new("a name").is_err());
    /// ```
    VgName,
    NameKind::VolumeGroup
);
lvm_name!(
    /// A logical volume name (`datalv`, `hd4`, `data_rimage_1`).
    ///
    /// ```
    /// use offmirror_core::LvName;
    /// assert_eq!(LvName::new("hd9var").unwrap().as_str(), "hd9var");
    /// assert!(LvName::new("x".repeat(128)).is_err());
    /// assert!(LvName::new("a/b").is_err());
    /// ```
    LvName,
    NameKind::LogicalVolume
);
lvm_name!(
    /// A physical volume (disk) name: an AIX disk (`hdisk1`) or a Linux device path
    /// (`/dev/vdb`).
    ///
    /// ```
    /// use offmirror_core::PvName;
    /// assert!(PvName::new("hdisk1").is_ok());
    /// assert!(PvName::new("/dev/mapper/mpatha").is_ok());
    /// assert!(PvName::new("/dev/../etc").is_err());
    /// assert!(PvName::new("").is_err());
    /// ```
    PvName,
    NameKind::PhysicalVolume
);

/// An absolute file-system mount point such as `/oracle/data`.
///
/// Rejects relative paths, `..` components, control characters and `:` (the field
/// separator of `/etc/filesystems` listings).
///
/// ```
/// use offmirror_core::MountPoint;
/// assert!(MountPoint::new("/oracle/data").is_ok());
/// assert!(MountPoint::new("data").is_err());
/// assert!(MountPoint::new("/a/../b").is_err());
/// ```
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct MountPoint(String);

impl MountPoint {
    /// Validates `path` and wraps it.
    pub fn new(path: impl Into<String>) -> Result<Self, NameError> {
        let path = path.into();
        let kind = NameKind::MountPoint;
        const FIX: &str = "give an absolute path such as /data";
        if !path.starts_with('/') {
            return Err(reject(kind, &path, format!("it is not absolute; {FIX}")));
        }
        if path.len() > MAX_MOUNT_POINT_LEN {
            return Err(reject(
                kind,
                &path,
                format!("it is longer than {MAX_MOUNT_POINT_LEN} bytes"),
            ));
        }
        if let Some(bad) = path.chars().find(|c| c.is_control() || *c == ':') {
            return Err(reject(kind, &path, format!("it contains {bad:?}; {FIX}")));
        }
        if path.split('/').any(|part| part == "..") {
            return Err(reject(kind, &path, format!("it contains '..'; {FIX}")));
        }
        Ok(Self(path))
    }

    /// The mount point as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for MountPoint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl TryFrom<String> for MountPoint {
    type Error = NameError;
    fn try_from(s: String) -> Result<Self, NameError> {
        Self::new(s)
    }
}

impl From<MountPoint> for String {
    fn from(m: MountPoint) -> String {
        m.0
    }
}

impl std::str::FromStr for MountPoint {
    type Err = NameError;
    fn from_str(s: &str) -> Result<Self, NameError> {
        Self::new(s)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_typical_aix_names() {
        for n in [
            "rootvg",
            "datavg",
            "hd9var",
            "loglv00",
            "fs.lv-1_a",
            "EMC_3451_0DEF",
        ] {
            assert!(LvName::new(n).is_ok(), "{n}");
        }
    }

    #[test]
    fn rejects_what_lvm_rejects() {
        let too_long = "x".repeat(MAX_NAME_LEN + 1);
        for n in [
            "",
            "-x",
            "a b",
            "a/b",
            "/dev/vdb",
            "a;b",
            "$(rm)",
            too_long.as_str(),
            ".",
            "..",
            "é",
        ] {
            let err = VgName::new(n).err();
            assert!(err.is_some(), "{n:?} accepted");
        }
        assert!(VgName::new("x".repeat(MAX_NAME_LEN)).is_ok());
        assert!(VgName::new("vg+1").is_ok());
    }

    #[test]
    fn pv_names_may_be_device_paths() {
        assert!(PvName::new("/dev/vdb").is_ok());
        assert!(PvName::new("/dev/disk/by-id/wwn-0x5000c5").is_ok());
        for n in ["/dev/../etc/passwd", "/tmp/x", "dev/vdb", "/dev/a b"] {
            assert!(PvName::new(n).is_err(), "{n:?} accepted");
        }
    }

    #[test]
    fn error_names_the_thing_and_the_fix() {
        let err = LvName::new("-rf")
            .err()
            .map(|e| e.to_string())
            .unwrap_or_default();
        assert!(err.contains("logical volume"), "{err}");
        assert!(err.contains("\"-rf\""), "{err}");
        assert!(err.contains("not starting with '-'"), "{err}");
    }

    #[test]
    fn serde_validates() {
        assert!(serde_json::from_str::<LvName>("\"ok\"").is_ok());
        assert!(serde_json::from_str::<LvName>("\"-bad\"").is_err());
        assert!(serde_json::from_str::<MountPoint>("\"rel\"").is_err());
    }

    #[test]
    fn mount_points() {
        assert!(MountPoint::new("/").is_ok());
        assert!(MountPoint::new("/var/adm/ras/livedump").is_ok());
        assert!(MountPoint::new("/a:b").is_err());
        assert!(MountPoint::new("/a\nb").is_err());
    }
}
