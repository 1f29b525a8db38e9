#!/usr/bin/env bash
# lvm2-vm.sh: boot a throw-away Linux guest with real LVM2 under qemu, so that the
# offmirror LVM2 backend can be tested against the real tools and the real
# device-mapper / md raid1 kernel code.
#
#   lvm2-vm.sh deps    install the host packages with apt-get (no-op when present)
#   lvm2-vm.sh build   Debian cloud kernel + initramfs into $OFFMIRROR_VM_DIR
#   lvm2-vm.sh run --payload DIR --disks DIR [--kill-on MARKER] [--timeout SECS]
#   lvm2-vm.sh check   exit 0 when `run` can work here, else say why and exit 3
#
# Outputs live in $OFFMIRROR_VM_DIR (default /tmp/offmirror-vm): vmlinuz,
# initramfs.img, initramfs.manifest (every path in the guest image), build-info.
# Nothing is installed for the kernel: its .deb is downloaded and unpacked only.
#
# `run` exit codes: 0 the payload returned 0 (or the guest was killed at --kill-on),
# 1 the payload returned non-zero, 2 harness failure (no result line, timeout,
# marker never seen, bad arguments), 3 cannot run here (missing qemu/kernel/initramfs).
#
# Environment: OFFMIRROR_VM_DIR (build output), OFFMIRROR_VM_ACCEL=auto|tcg|kvm
# (auto uses KVM only with a real VT-x/AMD-V /dev/kvm, never with kvm_pvm),
# OFFMIRROR_VM_DISK_SIZE (size of each sparse data disk made by `run`, default 1G:
# mkfs.xfs refuses file systems under 300 MB).
set -euo pipefail
shopt -s extglob

SELF=$(readlink -f -- "${BASH_SOURCE[0]}")
VM_DIR=${OFFMIRROR_VM_DIR:-/tmp/offmirror-vm}
# How to call this script again in messages (keeps a non-default build dir).
FIX="$SELF"
[[ -n ${OFFMIRROR_VM_DIR:-} ]] && FIX="OFFMIRROR_VM_DIR=$VM_DIR $SELF"
export LC_ALL=C
# Resolve host tools the same way whatever PATH the caller has.
HOST_PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
export PATH="$HOST_PATH${PATH:+:$PATH}"

# Host packages, and the host commands whose absence means `deps` must run.
APT_PACKAGES=(qemu-system-x86 lvm2 busybox-static kmod cpio e2fsprogs xfsprogs zstd util-linux)
HOST_COMMANDS=(qemu-system-x86_64 lvm dmsetup busybox depmod modprobe cpio mke2fs mkfs.xfs zstd
  fsfreeze findmnt blockdev blkid dpkg-deb apt-get ldd ldconfig flock)

# Kernel modules wanted in the guest (their dependency closure is added).
# virtio-rng: without an entropy source the crng of a TCG guest stays unseeded, and
# libuuid then sleeps about a second per UUID (mkfs.ext4 took 4 s, mkfs.xfs 3 s).
GUEST_MODULES=(dm-mod dm-raid raid1 dm-mirror dm-snapshot dm-integrity virtio_pci virtio_blk virtio-rng xfs)
# Host binaries copied into the guest with their shared libraries. Each one replaces
# any busybox applet link of the same name, so a PATH lookup finds the real tool.
GUEST_BINARIES=(
  lvm dmsetup
  mke2fs e2fsck tune2fs dumpe2fs resize2fs
  mkfs.xfs xfs_repair xfs_db xfs_io xfs_admin xfs_growfs xfs_info xfs_spaceman xfs_freeze
  fsfreeze mount umount findmnt blockdev blkid lsblk wipefs mountpoint
  bash
)
MULTIARCH_LIB=usr/lib/x86_64-linux-gnu

log() { printf '[lvm2-vm] %s\n' "$*" >&2; }
die() { log "error: $*"; exit 2; }
cannot_run() { log "cannot run here: $*"; exit 3; }

usage() {
  cat <<EOF
usage: $SELF deps | build | check
       $SELF run --payload DIR --disks DIR [--kill-on MARKER] [--timeout SECS]
EOF
}

# ---------------------------------------------------------------- deps

missing_packages() {
  local p status
  for p in "${APT_PACKAGES[@]}"; do
    status=$(dpkg-query -W -f='${db:Status-Status}' "$p" 2>/dev/null || true)
    [[ $status == installed ]] || printf '%s\n' "$p"
  done
}

deps_cmd() {
  local missing had_qemu_img=0
  mapfile -t missing < <(missing_packages)
  if ((${#missing[@]} == 0)); then
    log "deps: all host packages present"
    return 0
  fi
  command -v qemu-img >/dev/null 2>&1 && had_qemu_img=1
  log "deps: installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -q --no-install-recommends "${APT_PACKAGES[@]}"
  # Installing Debian's qemu-system-x86 may remove a newer backported qemu-utils;
  # put the distribution's qemu-utils back so qemu-img stays available.
  if ((had_qemu_img)) && ! command -v qemu-img >/dev/null 2>&1; then
    log "deps: qemu-img was removed by the install; reinstalling qemu-utils"
    apt-get install -y -q --no-install-recommends qemu-utils
  fi
  mapfile -t missing < <(missing_packages)
  ((${#missing[@]} == 0)) || die "deps: still missing after apt-get: ${missing[*]}"
}

# Host commands needed by build; prints the first one missing.
first_missing_command() {
  local c
  for c in "${HOST_COMMANDS[@]}"; do
    command -v "$c" >/dev/null 2>&1 || { printf '%s\n' "$c"; return 0; }
  done
}

# ---------------------------------------------------------------- build

# Map a host path to the guest's merged-/usr layout (/bin, /sbin, /lib, /lib64
# are symlinks into /usr in the guest).
guest_path() {
  case $1 in
    /bin/*|/sbin/*|/lib/*|/lib64/*) printf '/usr%s\n' "$1" ;;
    *) printf '%s\n' "$1" ;;
  esac
}

is_elf() {
  [[ -f $1 && $(od -An -N4 -tx1 -- "$1" 2>/dev/null | tr -d ' \n') == 7f454c46 ]]
}

# Print the shared libraries (and the ELF interpreter) a binary needs, one path
# a line. Fails on a library that cannot be found. Static binaries print nothing.
elf_libs() {
  local out line
  if ! out=$(ldd -- "$1" 2>&1); then
    [[ $out == *"not a dynamic executable"* || $out == *"statically linked"* ]] && return 0
    die "ldd $1 failed: $out"
  fi
  while IFS= read -r line; do
    line=${line#"${line%%[![:space:]]*}"}
    case $line in
      *"=> not found"*) die "$1 needs ${line%% *}, which ldd cannot find" ;;
      *" => /"*) line=${line#* => }; printf '%s\n' "${line%% (*}" ;;
      /*) printf '%s\n' "${line%% (*}" ;;
      *"statically linked"*) ;;
    esac
  done <<<"$out"
}

# Copy FILE's libraries into ROOT (dereferenced, at their guest path).
copy_libs() {
  local root=$1 file=$2 lib dest
  while IFS= read -r lib; do
    dest=$root$(guest_path "$lib")
    [[ -e $dest ]] && continue
    mkdir -p -- "${dest%/*}"
    cp -L -- "$lib" "$dest"
  done < <(elf_libs "$file")
}

# Remove busybox applet links called NAME, so that the real tool wins.
drop_applet() {
  local root=$1 name=$2 d
  for d in usr/bin usr/sbin; do
    if [[ -L $root/$d/$name && $(readlink -- "$root/$d/$name") == /usr/bin/busybox ]]; then
      rm -f -- "$root/$d/$name"
    fi
  done
}

# Copy host command NAME (and its libraries) into the guest at its own path.
copy_bin() {
  local root=$1 name=$2 src dest
  src=$(PATH=$HOST_PATH command -v "$name") || die "host command $name not found (run: $FIX deps)"
  dest=$root$(guest_path "$src")
  drop_applet "$root" "$name"
  rm -f -- "$dest"
  mkdir -p -- "${dest%/*}"
  cp -L -- "$src" "$dest"
  if is_elf "$dest"; then copy_libs "$root" "$src"; fi
}

# ln -s TARGET as guest command NAME in DIR (usr/bin or usr/sbin), beating busybox.
link_tool() {
  local root=$1 dir=$2 name=$3 target=$4
  drop_applet "$root" "$name"
  ln -sfn -- "$target" "$root/$dir/$name"
}

kernel_package() {
  apt-cache depends linux-image-cloud-amd64 2>/dev/null \
    | awk '$1 == "Depends:" && $2 ~ /^linux-image-/ { print $2; exit }'
}

# Download (once) and unpack (once) the cloud kernel; sets KROOT and KVER.
fetch_kernel() {
  local kpkg deb err
  kpkg=$(kernel_package)
  if [[ -z $kpkg ]]; then
    log "build: apt lists do not know linux-image-cloud-amd64; running apt-get update"
    apt-get update -qq
    kpkg=$(kernel_package)
  fi
  [[ -n $kpkg ]] || die "cannot resolve linux-image-cloud-amd64 to a kernel package"
  mkdir -p -- "$VM_DIR/debs" "$VM_DIR/kernel"
  deb=$(find "$VM_DIR/debs" -maxdepth 1 -name "${kpkg}_*.deb" -print -quit)
  if [[ -z $deb ]]; then
    log "build: downloading $kpkg"
    find "$VM_DIR/debs" -maxdepth 1 -name '*.deb' -delete
    err=$(cd "$VM_DIR/debs" && apt-get download -q "$kpkg" 2>&1 >/dev/null) \
      || die "apt-get download $kpkg failed: $err"
    # apt warns that root downloads unsandboxed; anything else is worth showing.
    grep -v 'unsandboxed as root' <<<"$err" >&2 || true
    deb=$(find "$VM_DIR/debs" -maxdepth 1 -name "${kpkg}_*.deb" -print -quit)
    [[ -n $deb ]] || die "apt-get download $kpkg produced no .deb"
  fi
  KROOT=$VM_DIR/kernel/$kpkg
  if [[ ! -f $KROOT/.unpacked ]]; then
    log "build: unpacking $(basename -- "$deb")"
    find "$VM_DIR/kernel" -mindepth 1 -maxdepth 1 -exec rm -rf -- {} +
    mkdir -p -- "$KROOT"
    dpkg-deb -x "$deb" "$KROOT"
    # Newer packages ship modules under usr/lib; kmod's -d/-b want lib/modules.
    if [[ ! -d $KROOT/lib/modules && -d $KROOT/usr/lib/modules ]]; then
      ln -s usr/lib "$KROOT/lib"
    fi
    KVER=$(find "$KROOT/lib/modules/" -mindepth 1 -maxdepth 1 -type d -printf '%f\n' | head -n 1)
    [[ -n $KVER ]] || die "no lib/modules/<version> in $deb"
    depmod -b "$KROOT" "$KVER"
    touch -- "$KROOT/.unpacked"
  fi
  KVER=$(find "$KROOT/lib/modules/" -mindepth 1 -maxdepth 1 -type d -printf '%f\n' | head -n 1)
  [[ -f $KROOT/boot/vmlinuz-$KVER ]] || die "no boot/vmlinuz-$KVER in $deb"
}

# Copy the wanted modules and their dependency closure; writes the load order to
# ROOT/etc/offmirror-vm/modules. Sets BUILTIN_MODULES and LOADED_MODULES.
copy_modules() {
  local root=$1 m line ko rel dest
  local -A seen=()
  BUILTIN_MODULES=() LOADED_MODULES=()
  local moddir=$root/usr/lib/modules/$KVER order=$root/etc/offmirror-vm/modules
  mkdir -p -- "$moddir" "${order%/*}"
  : >"$order"
  for m in "${GUEST_MODULES[@]}"; do
    while IFS= read -r line; do
      case $line in
        builtin\ *) BUILTIN_MODULES+=("${line#builtin }") ;;
        insmod\ *)
          ko=${line#insmod }; ko=${ko%% *}
          [[ -n ${seen[$ko]:-} ]] && continue
          seen[$ko]=1
          rel=${ko#"$KROOT/lib/modules/$KVER/"}
          dest=$moddir/$rel
          case $dest in *.ko.xz|*.ko.gz) dest=${dest%.?z} ;; *.ko.zst) dest=${dest%.zst} ;; esac
          mkdir -p -- "${dest%/*}"
          case $ko in
            *.ko.xz) xz -dc -- "$ko" >"$dest" ;;
            *.ko.zst) zstd -q -dc -- "$ko" >"$dest" ;;
            *.ko.gz) gzip -dc -- "$ko" >"$dest" ;;
            *) cp -- "$ko" "$dest" ;;
          esac
          printf '/lib/modules/%s/%s\n' "$KVER" "${dest#"$moddir/"}" >>"$order"
          LOADED_MODULES+=("$(basename -- "${dest%.ko}")")
          ;;
      esac
    done < <(modprobe -d "$KROOT" -S "$KVER" --show-depends "$m" || die "module $m not found in $KVER")
  done
  for m in modules.order modules.builtin modules.builtin.modinfo; do
    [[ -f $KROOT/lib/modules/$KVER/$m ]] && cp -- "$KROOT/lib/modules/$KVER/$m" "$moddir/"
  done
  depmod -b "$root" "$KVER"
}

write_lvm_conf() {
  mkdir -p -- "$1/etc/lvm"
  cat >"$1/etc/lvm/lvm.conf" <<'EOF'
# LVM for the offmirror test guest: no udev, no daemons, no devices file.
# Only the three data disks are PVs; /dev/vdd is the guest's state disk.
devices {
    dir = "/dev"
    scan = [ "/dev" ]
    filter = [ "a|^/dev/vd[abc]$|", "r|.*|" ]
    global_filter = [ "a|^/dev/vd[abc]$|", "r|.*|" ]
    use_devicesfile = 0
    obtain_device_list_from_udev = 0
    external_device_info_source = "none"
    hints = "none"
    multipath_component_detection = 0
}
activation {
    udev_sync = 0
    udev_rules = 0
    verify_udev_operations = 0
    monitoring = 0
}
global {
    use_lvmpolld = 0
    event_activation = 0
    use_lvmlockd = 0
}
backup {
    archive = 0
}
EOF
}

write_init() {
  cat >"$1/init" <<'EOF'
#!/bin/sh
# /init of the offmirror LVM2 test guest (written by lvm2-vm.sh build).
PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
export PATH
fail() { echo "OFFMIRROR-VM: init error: $*"; sync; poweroff -f; sleep 5; exit 1; }

mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev
mkdir -p /dev/pts /dev/shm
mount -t devpts devpts /dev/pts
mount -t tmpfs -o mode=1777 tmpfs /dev/shm
ln -sfn /proc/self/fd /dev/fd
ln -sfn /proc/self/fd/0 /dev/stdin
ln -sfn /proc/self/fd/1 /dev/stdout
ln -sfn /proc/self/fd/2 /dev/stderr
mount -t tmpfs -o mode=0755 tmpfs /run
mount -t tmpfs -o mode=1777 tmpfs /tmp
mkdir -p /run/lock/lvm /run/lvm /var/lib/offmirror
hostname offmirror-vm
ip link set lo up 2>/dev/null

# Load in dependency order. CPU-specific helpers (crc32c-intel on a qemu64 CPU)
# fail with "No such device"; the generic code built into the kernel serves then.
while read -r ko; do
  insmod "$ko" 2>/tmp/insmod.err || case $(cat /tmp/insmod.err) in
    *"No such device"* | *"File exists"*) ;;
    *) echo "OFFMIRROR-VM: insmod $ko failed: $(cat /tmp/insmod.err)" ;;
  esac
done </etc/offmirror-vm/modules
rm -f /tmp/insmod.err
read -r t_mod _ </proc/uptime

# Nothing may ever wait for console input (an LVM prompt then fails fast).
exec </dev/null

n=0
while [ ! -b /dev/vdd ]; do
  n=$((n + 1)); [ "$n" -gt 100 ] && fail "no /dev/vdd (state disk)"
  sleep 0.1
done
if ! blkid -p /dev/vdd >/dev/null 2>&1; then
  mkfs.ext4 -q -F -L offmirror-state /dev/vdd || fail "mkfs.ext4 /dev/vdd"
fi
mount -t ext4 /dev/vdd /var/lib/offmirror || fail "cannot mount the state disk /dev/vdd"

read -r up _ </proc/uptime
echo "OFFMIRROR-VM: kernel $(uname -r), modules loaded at ${t_mod}s, userland ready at ${up}s"
echo "OFFMIRROR-VM: payload start"
if [ -f /payload/run ]; then
  (
    cd /payload || exit 126
    HOME=/root
    export HOME
    if [ -f /payload/env ]; then
      while IFS= read -r kv || [ -n "$kv" ]; do
        kv=${kv%"$(printf '\r')"}
        case $kv in '' | '#'*) continue ;; esac
        key=${kv%%=*}
        case $key in
          "$kv" | '' | [0-9]* | *[!A-Za-z0-9_]*) echo "OFFMIRROR-VM: ignoring env line: $kv"; continue ;;
        esac
        # shellcheck disable=SC2163 # exports KEY=VALUE as given
        export "$kv"
      done </payload/env
    fi
    exec /payload/run
  )
  rc=$?
else
  echo "OFFMIRROR-VM: /payload/run is missing"
  rc=127
fi
sync
echo "OFFMIRROR-VM-RESULT: rc=$rc"

# Stop leftovers, unmount what the payload mounted, then the state disk.
kill -9 -1 2>/dev/null
sync
grep -E '^/dev/(mapper/|dm-|vd[abc])' /proc/mounts | cut -d' ' -f2 | sort -r | while read -r m; do
  umount "$m" 2>/dev/null
done
sync
umount /var/lib/offmirror || mount -o remount,ro /var/lib/offmirror
poweroff -f
EOF
  chmod 0755 "$1/init"
}

build_is_current() {
  local f
  for f in vmlinuz initramfs.img initramfs.manifest; do
    [[ -f $VM_DIR/$f && $VM_DIR/$f -nt $SELF ]] || return 1
  done
}

build_cmd() {
  local missing root name d line
  missing=$(first_missing_command)
  [[ -z $missing ]] || cannot_run "host command '$missing' is missing; fix: $FIX deps"
  mkdir -p -- "$VM_DIR"
  exec 9>"$VM_DIR/.build.lock"
  flock 9
  if build_is_current; then
    log "build: cached in $VM_DIR (newer than the script)"
    return 0
  fi
  local t0=$EPOCHREALTIME
  fetch_kernel

  root=$VM_DIR/root.tmp
  rm -rf -- "$root"
  mkdir -p -- "$root"/usr/{bin,sbin,lib64} "$root/$MULTIARCH_LIB" \
    "$root"/{dev,proc,sys,run,tmp,mnt,root,etc,var/lib/offmirror,var/tmp,usr/local/bin,usr/local/sbin}
  for d in bin sbin lib lib64; do ln -s "usr/$d" "$root/$d"; done
  mknod -m 0600 "$root/dev/console" c 5 1
  mknod -m 0666 "$root/dev/null" c 1 3

  # busybox first, one link per applet; real tools copied afterwards replace links.
  cp -- "$(PATH=$HOST_PATH command -v busybox)" "$root/usr/bin/busybox"
  while IFS= read -r line; do
    name=${line##*/}
    case $line in
      bin/*|usr/bin/*) d=usr/bin ;;
      sbin/*|usr/sbin/*) d=usr/sbin ;;
      *) continue ;;
    esac
    [[ -e $root/$d/$name || -L $root/$d/$name || $name == busybox ]] && continue
    ln -s /usr/bin/busybox "$root/$d/$name"
  done < <("$root/usr/bin/busybox" --list-full)

  for name in "${GUEST_BINARIES[@]}"; do copy_bin "$root" "$name"; done
  # Every lv*/vg*/pv* command is a link to the lvm multi-call binary.
  while IFS= read -r name; do
    link_tool "$root" usr/sbin "$name" lvm
  done < <(find /usr/sbin/ -maxdepth 1 -type l -lname lvm -printf '%f\n')
  for name in mkfs.ext2 mkfs.ext3 mkfs.ext4; do link_tool "$root" usr/sbin "$name" mke2fs; done
  for name in fsck.ext2 fsck.ext3 fsck.ext4; do link_tool "$root" usr/sbin "$name" e2fsck; done
  link_tool "$root" usr/sbin e2label tune2fs

  [[ -f /etc/mke2fs.conf ]] && cp -- /etc/mke2fs.conf "$root/etc/"
  write_lvm_conf "$root"
  printf '%s\n' "/$MULTIARCH_LIB" /usr/lib64 /usr/local/lib >"$root/etc/ld.so.conf"
  ldconfig -r "$root"
  printf 'root:x:0:0:root:/root:/bin/sh\n' >"$root/etc/passwd"
  printf 'root:x:0:\ndisk:x:6:\n' >"$root/etc/group"
  printf '127.0.0.1 localhost\n::1 localhost\n' >"$root/etc/hosts"
  ln -s /proc/self/mounts "$root/etc/mtab"

  copy_modules "$root"
  write_init "$root"

  # Pack: newc cpio, owned by root, zstd (the kernel has CONFIG_RD_ZSTD).
  (cd "$root" && find . -mindepth 1 -print0 | sort -z | cpio --null -o -H newc -R 0:0 --quiet) \
    | zstd -q -T0 -10 >"$VM_DIR/initramfs.img.new"
  (cd "$root" && find . -mindepth 1 | sed 's|^\./||' | sort) >"$VM_DIR/initramfs.manifest.new"
  {
    printf 'kernel_package=%s\nkernel_version=%s\n' "${KROOT##*/}" "$KVER"
    printf 'modules_loaded=%s\n' "${LOADED_MODULES[*]}"
    printf 'modules_builtin=%s\n' "${BUILTIN_MODULES[*]}"
    for name in CONFIG_XFS_FS CONFIG_EXT4_FS CONFIG_BLK_DEV_DM CONFIG_MD_RAID1 CONFIG_CRYPTO_CRC32C CONFIG_LIBCRC32C; do
      grep -E "^$name=|^# $name is not set" "$KROOT/boot/config-$KVER" || true
    done
  } >"$VM_DIR/build-info"
  cp -- "$KROOT/boot/vmlinuz-$KVER" "$VM_DIR/vmlinuz.new"
  rm -rf -- "$root"
  mv -f -- "$VM_DIR/vmlinuz.new" "$VM_DIR/vmlinuz"
  mv -f -- "$VM_DIR/initramfs.manifest.new" "$VM_DIR/initramfs.manifest"
  mv -f -- "$VM_DIR/initramfs.img.new" "$VM_DIR/initramfs.img"
  log "build: kernel $KVER, initramfs $(stat -c %s "$VM_DIR/initramfs.img") bytes," \
    "modules: ${LOADED_MODULES[*]}${BUILTIN_MODULES[*]:+ (built in: ${BUILTIN_MODULES[*]})}," \
    "$(printf '%.1f' "$(bc_sub "$EPOCHREALTIME" "$t0")") s"
}

# a - b for two $EPOCHREALTIME values, in seconds with a fraction.
bc_sub() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.3f", a - b }'; }

# ---------------------------------------------------------------- check

# Prints why `run` cannot work (one reason a line, with the fixing command).
run_blockers() {
  command -v qemu-system-x86_64 >/dev/null 2>&1 \
    || echo "qemu-system-x86_64 is not installed; fix: $FIX deps"
  command -v cpio >/dev/null 2>&1 || echo "cpio is not installed; fix: $FIX deps"
  local f
  for f in vmlinuz initramfs.img initramfs.manifest; do
    [[ -s $VM_DIR/$f ]] || echo "$VM_DIR/$f is missing; fix: $FIX build"
  done
}

check_cmd() {
  local blockers line
  blockers=$(run_blockers)
  if [[ -n $blockers ]]; then
    while IFS= read -r line; do log "cannot run here: $line"; done <<<"$blockers"
    exit 3
  fi
  local m
  m=$(first_missing_command)
  [[ -z $m ]] || log "note: host command '$m' is missing (needed by build; fix: $FIX deps)"
  build_is_current || log "note: the build in $VM_DIR is older than the script; refresh: $FIX build"
  log "check: ok (build in $VM_DIR)"
}

# ---------------------------------------------------------------- run

QEMU_PID=""
RUN_TMP=""
WATCHDOGS=()

# In the background: after SECS, note REASON and kill qemu. A TERM cancels it
# (and its sleep) quietly.
start_watchdog() {
  local secs=$1 reason=$2
  (
    sp=""
    trap 'if [[ -n $sp ]]; then kill "$sp" 2>/dev/null; wait "$sp"; fi; exit 0' TERM
    sleep "$secs" &
    sp=$!
    wait "$sp"
    printf '%s\n' "$reason" >"$RUN_TMP/why"
    kill -9 "$QEMU_PID" 2>/dev/null
  ) </dev/null >/dev/null 2>&1 &
  WATCHDOGS+=("$!")
}

stop_watchdogs() {
  local w
  for w in "${WATCHDOGS[@]}"; do
    kill "$w" 2>/dev/null || true
    wait "$w" 2>/dev/null || true
  done
  WATCHDOGS=()
}

run_cleanup() {
  local rc=$?
  stop_watchdogs
  if [[ -n $QEMU_PID ]] && kill -0 "$QEMU_PID" 2>/dev/null; then
    log "stopping qemu (pid $QEMU_PID)"
    kill -9 "$QEMU_PID" 2>/dev/null || true
    wait "$QEMU_PID" 2>/dev/null || true
  fi
  [[ -n $RUN_TMP ]] && rm -rf -- "$RUN_TMP"
  return "$rc"
}

# Stage DIR as /payload, plus the libraries its ELF executables need that the
# guest image lacks (into the guest's multiarch lib dir, which ld.so searches).
stage_payload() {
  local src=$1 stage=$2 f lib base real_src
  local -A have=()
  mkdir -p -- "$stage/payload" "$stage/$MULTIARCH_LIB"
  cp -a -- "$src/." "$stage/payload/"
  while IFS= read -r f; do have[$f]=1; done <"$VM_DIR/initramfs.manifest"
  real_src=$(readlink -f -- "$src")
  while IFS= read -r -d '' f; do
    is_elf "$f" || continue
    while IFS= read -r lib; do
      base=${lib##*/}
      [[ -n ${have[${MULTIARCH_LIB}/$base]:-} || -n ${have[usr/lib64/$base]:-} ]] && continue
      [[ $(readlink -f -- "$lib") == "$real_src"/* ]] && continue
      [[ -e $stage/$MULTIARCH_LIB/$base ]] && continue
      cp -L -- "$lib" "$stage/$MULTIARCH_LIB/$base"
      log "payload: added /$MULTIARCH_LIB/$base (needed by ${f#"$stage/"})"
    done < <(elf_libs "$f")
  done < <(find "$stage/payload" -type f -perm -u+x -print0)
  # Only add the lib dir entries when something went there.
  if [[ -z $(ls -A -- "$stage/$MULTIARCH_LIB") ]]; then rm -rf -- "${stage:?}/usr"; fi
}

pick_accel() {
  local mode=${OFFMIRROR_VM_ACCEL:-auto}
  if [[ $mode == auto ]]; then
    mode=tcg
    # kvm_pvm (nested, no VT-x) cannot run a stock kernel: only real KVM counts.
    if [[ -c /dev/kvm && ! -d /sys/module/kvm_pvm ]] && grep -qwE 'vmx|svm' /proc/cpuinfo; then
      mode=kvm
    fi
  fi
  case $mode in
    tcg) ACCEL_ARGS=(-accel tcg -cpu qemu64) ;;
    kvm) ACCEL_ARGS=(-accel kvm -cpu host) ;;
    *) die "OFFMIRROR_VM_ACCEL must be auto, tcg or kvm (got '$mode')" ;;
  esac
}

# One console line: show it, log it, and act on markers. Uses run_cmd's locals
# (kill_on, console_log, killed, result).
console_line() {
  printf '%s\n' "$1"
  printf '%s\n' "$1" >>"$console_log"
  ((killed)) && return 0
  if [[ -n $kill_on && $1 == *"$kill_on"* ]]; then
    kill -9 "$QEMU_PID" 2>/dev/null || true
    killed=1
    printf '%s\n' "OFFMIRROR-VM: killed at marker" | tee -a -- "$console_log"
  elif [[ $1 == *"KVM internal error"* ]]; then
    # qemu pauses instead of exiting on this; nothing more will come.
    printf '%s\n' "KVM internal error" >"$RUN_TMP/why"
    kill -9 "$QEMU_PID" 2>/dev/null || true
  elif [[ $1 =~ OFFMIRROR-VM-RESULT:\ rc=([0-9]+) ]]; then
    result=${BASH_REMATCH[1]}
    # The guest powers off right after; do not wait the full timeout if not.
    start_watchdog 30 "qemu did not exit within 30 s of the result line"
  fi
  return 0
}

run_cmd() {
  local payload="" disks="" kill_on="" timeout=600 line
  while (($#)); do
    case $1 in
      --payload|--disks|--kill-on|--timeout)
        (($# >= 2)) || { usage >&2; die "$1 needs a value"; }
        case $1 in
          --payload) payload=$2 ;;
          --disks) disks=$2 ;;
          --kill-on) kill_on=$2 ;;
          --timeout) timeout=$2 ;;
        esac
        shift 2 ;;
      *) usage >&2; die "unknown run argument: $1" ;;
    esac
  done
  [[ -n $payload && -n $disks ]] || { usage >&2; die "run needs --payload DIR and --disks DIR"; }
  [[ -d $payload ]] || die "payload directory $payload does not exist"
  [[ $timeout =~ ^[1-9][0-9]*$ ]] || die "--timeout must be a positive number of seconds"

  local blockers
  blockers=$(run_blockers)
  if [[ -n $blockers ]]; then
    while IFS= read -r line; do log "cannot run here: $line"; done <<<"$blockers"
    exit 3
  fi
  build_is_current || log "warning: the build in $VM_DIR is older than this script; consider: $FIX build"

  trap run_cleanup EXIT
  trap 'exit 130' INT
  trap 'exit 143' TERM HUP
  RUN_TMP=$(mktemp -d "${TMPDIR:-/tmp}/lvm2-vm.XXXXXX")

  # Second cpio: the payload (uncompressed newc), appended to the base image.
  stage_payload "$payload" "$RUN_TMP/stage"
  (cd "$RUN_TMP/stage" && find . -mindepth 1 -print0 | sort -z | cpio --null -o -H newc -R 0:0 --quiet) \
    >"$RUN_TMP/payload.cpio"
  # The kernel only accepts a following archive at a 4-byte aligned offset
  # (zero bytes in between are skipped), so pad the compressed base image.
  local base_size pad
  base_size=$(stat -c %s -- "$VM_DIR/initramfs.img")
  pad=$(((4 - base_size % 4) % 4))
  {
    cat -- "$VM_DIR/initramfs.img"
    head -c "$pad" /dev/zero
    cat -- "$RUN_TMP/payload.cpio"
  } >"$RUN_TMP/initrd.img"

  # Persistent disks: three data disks and the state disk.
  mkdir -p -- "$disks"
  local n
  for n in 1 2 3; do [[ -e $disks/disk$n.img ]] || truncate -s "${OFFMIRROR_VM_DISK_SIZE:-1G}" -- "$disks/disk$n.img"; done
  [[ -e $disks/state.img ]] || truncate -s 64M -- "$disks/state.img"

  # A crash test must leave the images as a power cut would: no host-side
  # write-back cache then. Otherwise speed wins.
  local cache=unsafe
  [[ -n $kill_on ]] && cache=writethrough
  pick_accel
  local -a qemu_args=(
    "${ACCEL_ARGS[@]}" -m 768 -smp 1
    -nographic -no-reboot -nodefaults -serial stdio -monitor none
    -kernel "$VM_DIR/vmlinuz" -initrd "$RUN_TMP/initrd.img"
    -append "console=ttyS0 panic=-1 quiet loglevel=4"
  )
  for n in disk1 disk2 disk3 state; do
    qemu_args+=(-drive "file=$disks/$n.img,format=raw,if=virtio,cache=$cache")
  done
  # Entropy for the guest's crng (see virtio-rng in GUEST_MODULES).
  qemu_args+=(-device virtio-rng-pci)

  local console_log=$disks/console.log
  : >"$console_log"
  mkfifo -- "$RUN_TMP/console"
  local t0=$EPOCHREALTIME
  # shellcheck disable=SC2016 # the quotes are literal text around the marker
  log "booting (${ACCEL_ARGS[*]}, cache=$cache, timeout ${timeout}s${kill_on:+, kill on '$kill_on'})"
  qemu-system-x86_64 "${qemu_args[@]}" </dev/null >"$RUN_TMP/console" 2>&1 &
  QEMU_PID=$!
  local con
  exec {con}<"$RUN_TMP/console"

  # Deadlines are kept by watchdog processes, so the console is read with plain
  # blocking reads (bash's `read -t` was seen to drop bytes when it timed out).
  start_watchdog "$timeout" "timeout after ${timeout}s"

  # Watch the console line by line until qemu is gone (EOF on the FIFO).
  # SeaBIOS leaves "Booting from ROM.." unterminated and the kernel starts with a
  # terminal reset (ESC c), so that reset also ends a line.
  local part result="" killed=0 why=""
  local -a parts
  while IFS= read -r -u "$con" line || [[ -n $line ]]; do
    line=${line//$'\r'/}
    if [[ $line == *$'\e'* ]]; then
      mapfile -t parts <<<"${line//$'\e'c/$'\n'}"
      for part in "${parts[@]}"; do
        # Drop the remaining escape sequences (SeaBIOS clears the screen).
        part=${part//$'\e'\[*([0-9;?])[A-Za-z]/}
        part=${part//$'\e'?/}
        if [[ -n $part ]]; then console_line "$part"; fi
      done
    else
      console_line "$line"
    fi
    line=""
  done
  exec {con}<&-
  local qrc=0
  wait "$QEMU_PID" 2>/dev/null || qrc=$?
  QEMU_PID=""
  stop_watchdogs
  [[ -f $RUN_TMP/why ]] && why=$(<"$RUN_TMP/why")
  log "qemu exited (status $qrc) after $(printf '%.1f' "$(bc_sub "$EPOCHREALTIME" "$t0")") s; console in $console_log"

  if [[ -n $kill_on ]]; then
    ((killed)) && return 0
    log "harness failure: marker '$kill_on' never seen${why:+ ($why)}${result:+ (payload rc=$result)}"
    return 2
  fi
  if [[ -n $result ]]; then
    [[ -n $why ]] && log "note: $why"
    [[ $result == 0 ]] && return 0
    log "payload failed: rc=$result"
    return 1
  fi
  log "harness failure: no OFFMIRROR-VM-RESULT line (${why:-qemu exited with status $qrc})"
  return 2
}

# ---------------------------------------------------------------- main

main() {
  local cmd=${1:-}
  (($#)) && shift
  case $cmd in
    deps) deps_cmd "$@" ;;
    build) build_cmd "$@" ;;
    check) check_cmd "$@" ;;
    run) run_cmd "$@" ;;
    -h|--help|help) usage ;;
    *) usage >&2; exit 2 ;;
  esac
}

main "$@"
