# shellcheck shell=bash
# Shared pieces for running mmapsuite in a QEMU guest (tools/vm) or on a board (tools/board).
# Source it from bash with `set -euo pipefail`. Every function prints errors to stderr as
# "<prog>: ..." ($GUEST_PROG, default "guest") and returns non-zero; none exits.
#
#   guest_cache                          cache root: ${MMAPSUITE_CACHE:-~/.cache/mmapsuite}
#   guest_deb_fetch PKG [ARCH]           apt-get download + dpkg -x into
#                                        <cache>/debian/<pkg>_<version>_<arch>/ (cached); prints
#                                        the directory. Extra apt options (private arm64 lists)
#                                        come from the array GUEST_APT_OPTS.
#   guest_debian_kernel SPEC [ARCH]      SPEC debian:6.1 | debian:6.12: the kernel image package
#                                        the meta-package depends on today, fetched; prints
#                                        "<image dir> <release>"
#   guest_foreign_pkg ARCH PKG           Debian's PKG for ARCH (candidate version) through the
#                                        private lists (tools/foreign-apt), unpacked in
#                                        <cache>/debian/<pkg>_<version>_<arch>/ (cached); prints it
#   guest_arm64_pkg PKG                  guest_foreign_pkg arm64 PKG
#   guest_arch_of SPEC|IMAGE             amd64, arm64, ppc64el, s390x or armhf: the flavour of a debian:
#                                        SPEC (debian:6.12-arm64-16k, debian:6.1-s390x), or what
#                                        `file` says of IMAGE
#   guest_root_init ROOT [ARCH]          an initramfs root: static busybox (the host's, or
#                                        Debian's one for a foreign ARCH), /init-less skeleton
#   guest_copy_programs ROOT PROG...     programs (names or paths) with every library ldd lists,
#                                        at the same paths inside ROOT
#   guest_foreign_programs ROOT ARCH PKG FILE...
#                                        FILEs (paths in Debian's ARCH package PKG: programs,
#                                        their symlinks, configuration) at the same paths inside
#                                        ROOT, with every library they load taken from PKG's
#                                        dependencies (libc6 too) and the ELF loader at the
#                                        programs' interpreter path
#   guest_copy_modules ROOT MODDIR MOD...  modules and their dependencies from MODDIR
#                                        (/lib/modules/<release>), decompressed, depmod -b run;
#                                        appends the load order to ROOT/etc/guest-modules
#   guest_write_init ROOT                the /init that mounts /proc /sys /dev /dev/shm /tmp,
#                                        loads ROOT/etc/guest-modules, mounts the 9p share
#                                        "results" on /results, runs ROOT/etc/guest-run (a sh
#                                        fragment), writes its exit status to
#                                        /results/guest-status, then reports it through
#                                        isa-debug-exit (x86, when /dev/port exists) or powers
#                                        off. A kernel without 9p: /results stays in memory and
#                                        is written as a tar onto the virtio disk whose serial
#                                        is "results" (guest_results_disk)
#   guest_results_disk KERNEL_CONFIG     true when that kernel has no virtio 9p (9P_FS and
#                                        NET_9P_VIRTIO): its results need the disk
#   guest_results_untar IMAGE DIR        the tar the guest wrote onto IMAGE, unpacked into DIR
#                                        (owned by us, no device files, nothing outside DIR)
#   guest_cpio ROOT OUT                  newc cpio, gzip -1
#   guest_run_timeout SECS LOG CMD...    runs CMD (qemu) with stdout+stderr to LOG and to our
#                                        stderr; kills it after SECS; returns CMD's status,
#                                        124 = timed out
#   guest_status DIR QEMU_RC [CONSOLE]   the guest's verdict: DIR/guest-status, else the
#                                        isa-debug-exit code ((rc-1)/2) on x86, else the
#                                        "guest: finished with status N" line of the CONSOLE
#                                        log (arm: no exit device); 125 = no verdict

# shellcheck source=cross.sh
. "$(dirname "${BASH_SOURCE[0]}")/cross.sh"

guest_err() { echo "${GUEST_PROG:-guest}: $*" >&2; }

guest_cache() { echo "${MMAPSUITE_CACHE:-$HOME/.cache/mmapsuite}"; }

guest_deb_fetch() {
	local pkg=$1 arch=${2:-$(dpkg --print-architecture)} cache tmp deb ver dir
	cache=$(guest_cache)/debian
	local opts=("${GUEST_APT_OPTS[@]}")
	[[ $arch == "$(dpkg --print-architecture)" ]] || opts+=("-oAPT::Architecture=$arch")
	ver=$(apt-cache "${opts[@]}" show --no-all-versions "$pkg:$arch" 2>/dev/null |
		awk '/^Version:/ {print $2; exit}')
	[[ -n $ver ]] || { guest_err "apt knows no package $pkg for $arch (apt-get update?)"; return 1; }
	dir=$cache/${pkg}_${ver}_$arch
	if [[ ! -d $dir ]]; then
		tmp=$(mktemp -d "$cache/.fetch-XXXXXX" 2>/dev/null ||
			{ mkdir -p "$cache" && mktemp -d "$cache/.fetch-XXXXXX"; })
		(cd "$tmp" && apt-get "${opts[@]}" download "$pkg:$arch" >/dev/null 2>"$tmp/err") ||
			{ guest_err "apt-get download $pkg:$arch failed: $(cat "$tmp/err")"; rm -rf "$tmp"; return 1; }
		deb=$(ls "$tmp"/*.deb)
		mkdir -p "$tmp/x" && dpkg -x "$deb" "$tmp/x" && mv "$tmp/x" "$dir"
		rm -rf "$tmp"
	fi
	echo "$dir"
}

guest_debian_kernel() {
	local spec=$1 arch=${2:-$(dpkg --print-architecture)} meta dep dir rel
	case $spec in
	debian:6.1) meta=linux-image-$arch ;;
	debian:6.12) meta=linux-image-6.12-$arch ;;
	*) guest_err "unknown kernel '$spec' (debian:6.1, debian:6.12 or a bzImage path)"; return 2 ;;
	esac
	local opts=("${GUEST_APT_OPTS[@]}")
	[[ $arch == "$(dpkg --print-architecture)" ]] || opts+=("-oAPT::Architecture=$arch")
	dep=$(apt-cache "${opts[@]}" depends "$meta:$arch" 2>/dev/null |
		awk '/Depends: linux-image-/ {print $2; exit}')
	dep=${dep%:*}
	[[ -n $dep ]] || { guest_err "cannot resolve $meta's kernel image (apt-get update?)"; return 1; }
	dir=$(guest_deb_fetch "$dep" "$arch") || return 1
	rel=$(ls "$dir/lib/modules" | head -1)
	echo "$dir $rel"
}

guest_foreign_pkg() {
	local top
	top=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
	"$top/tools/foreign-apt" "$1" pkg "$2" ||
		{ guest_err "cannot fetch the $1 package $2 (tools/foreign-apt $1 update?)"; return 1; }
}

guest_arm64_pkg() { guest_foreign_pkg arm64 "$1"; }

guest_arch_of() {
	case $1 in
	debian:*-arm64*) echo arm64 ;;
	debian:*-ppc64el*) echo ppc64el ;;
	debian:*-s390x*) echo s390x ;;
	debian:*-armhf*) echo armhf ;;
	debian:*) dpkg --print-architecture ;;
	*) local f
	   f=$(file -bL "$1")
	   if grep -qi 'arm64\|aarch64' <<<"$f"; then echo arm64
	   elif grep -qi 'PowerPC' <<<"$f"; then echo ppc64el
	   elif grep -qi 'S/390\|s390' <<<"$f"; then echo s390x
	   elif grep -qi 'ARM boot executable' <<<"$f"; then echo armhf
	   else echo amd64; fi ;;
	esac
}

guest_root_init() {
	local root=$1 arch=${2:-amd64} bb
	if [[ $arch != "$(dpkg --print-architecture)" ]]; then
		bb=$(guest_foreign_pkg "$arch" busybox-static)/bin/busybox || return 1
	else
		bb=$(command -v busybox || true)
	fi
	if [[ -z $bb ]] || ! file -L "$bb" | grep -q 'statically linked'; then
		guest_err "a static busybox is needed: apt-get install busybox-static"
		return 1
	fi
	mkdir -p "$root"/{bin,sbin,etc,proc,sys,dev,tmp,var/tmp,results,opt,lib/modules}
	cp "$bb" "$root/bin/busybox"
	ln -sf busybox "$root/bin/sh"
	: > "$root/etc/guest-modules"
}

guest_copy_programs() {
	local root=$1 p path lib
	shift
	for p in "$@"; do
		path=$(command -v "$p" || true)
		[[ -n $path ]] || { guest_err "program $p not found on this machine"; return 1; }
		mkdir -p "$root$(dirname "$path")"
		cp -L "$path" "$root$path"
		while read -r lib; do
			[[ -e $root$lib ]] && continue
			mkdir -p "$root$(dirname "$lib")"
			cp -L "$lib" "$root$lib"
		done < <(ldd "$path" 2>/dev/null | awk '/=> \// {print $3} /^\t\/[^ ]+ \(/ {print $1}')
	done
	# the loader's canonical path (PT_INTERP) for every copied program
	[[ -e $root/lib64 || ! -e /lib64 ]] || cp -a /lib64 "$root/" 2>/dev/null || true
}

guest_foreign_programs() {
	local root=$1 arch=$2 pkg=$3 top triplet d f p rel lib libs interp
	shift 3
	top=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
	triplet=$(cross_multiarch "$arch") || return 1 # the libraries' directory
	local deps=() dirs=() libdirs=''
	mapfile -t deps < <("$top/tools/foreign-apt" "$arch" cache depends --recurse --no-recommends \
		--no-suggests --no-conflicts --no-breaks --no-replaces --no-enhances "$pkg" |
		grep -v '^[ <]' | sort -u)
	((${#deps[@]})) || { guest_err "no $arch package $pkg (tools/foreign-apt $arch update?)"; return 1; }
	for p in "${deps[@]}"; do
		d=$(guest_foreign_pkg "$arch" "$p") || return 1
		dirs+=("$d")
		libdirs+=$d/lib/$triplet:$d/usr/lib/$triplet:$d/lib:$d/usr/lib:
	done
	d=$(guest_foreign_pkg "$arch" "$pkg") || return 1
	for f in "$@"; do
		[[ -e $d/$f || -L $d/$f ]] || { guest_err "$arch package $pkg has no $f"; return 1; }
		mkdir -p "$root/$(dirname "$f")"
		cp -a "$d/$f" "$root/$f"
		[[ ! -L $d/$f ]] && file -b "$d/$f" | grep -q '^ELF' || continue
		libs=$(cross_elf_deps "$libdirs" "$d/$f") ||
			{ guest_err "$arch: a library of $pkg's $f is in none of its dependencies"; return 1; }
		while read -r lib; do # a path in one of the unpacked packages: the same path in ROOT
			for p in "${dirs[@]}"; do
				[[ $lib == "$p"/* ]] && rel=${lib#"$p"} && break
			done
			[[ -e $root$rel ]] && continue
			mkdir -p "$root$(dirname "$rel")"
			cp -L "$lib" "$root$rel"
		done <<<"$libs"
		interp=$(readelf -lW "$d/$f" | sed -n 's/.*Requesting program interpreter: \(.*\)]/\1/p')
		[[ -z $interp || -e $root$interp ]] && continue
		[[ -e $root/lib/$triplet/${interp##*/} ]] ||
			{ guest_err "$arch: the loader $interp of $pkg's $f is not in /lib/$triplet"; return 1; }
		mkdir -p "$root$(dirname "$interp")"
		# relative: it resolves inside ROOT in the guest and under qemu-user -L ROOT alike
		ln -s "$(realpath -m --relative-to="$(dirname "$interp")" "/lib/$triplet/$(basename "$interp")")" \
			"$root$interp"
	done
}

guest_copy_modules() {
	local root=$1 moddir=$2 rel m f
	shift 2
	rel=$(basename "$moddir")
	if [[ ! -f $moddir/modules.dep ]]; then # a package unpacked by dpkg -x has none yet
		[[ $moddir == */lib/modules/"$rel" ]] || { guest_err "$moddir: no modules.dep"; return 1; }
		depmod -b "${moddir%/lib/modules/*}" "$rel" ||
			{ guest_err "depmod failed for $moddir (apt-get install kmod?)"; return 1; }
	fi
	local -A seen=()
	local order=()
	_guest_mod() { # depth first: dependencies before the module
		local rel_path=$1 dep
		[[ -n ${seen[$rel_path]:-} ]] && return 0
		seen[$rel_path]=1
		for dep in $(awk -F': *' -v m="$rel_path" '$1 == m {print $2}' "$moddir/modules.dep"); do
			_guest_mod "$dep"
		done
		order+=("$rel_path")
	}
	for m in "$@"; do
		f=$(awk -F: -v m="$m" '{n=$1; sub(/.*\//, "", n); sub(/\.ko.*/, "", n);
			gsub(/-/, "_", n); mm=m; gsub(/-/, "_", mm); if (n == mm) {print $1; exit}}' \
			"$moddir/modules.dep")
		[[ -n $f ]] || continue # built in, or absent: the guest finds out
		_guest_mod "$f"
	done
	mkdir -p "$root/lib/modules/$rel"
	for f in "${order[@]}"; do
		local dst=$root/lib/modules/$rel/${f%.xz}
		dst=${dst%.zst}
		mkdir -p "$(dirname "$dst")"
		case $f in
		*.xz) xz -dc "$moddir/$f" > "$dst" ;;
		*.zst) zstd -qdc "$moddir/$f" > "$dst" ;;
		*) cp "$moddir/$f" "$dst" ;;
		esac
		local name=${f##*/}
		echo "${name%%.ko*}" >> "$root/etc/guest-modules"
	done
	cp "$moddir"/modules.{order,builtin,builtin.modinfo} "$root/lib/modules/$rel/" 2>/dev/null || true
	depmod -b "$root" "$rel"
}

guest_write_init() {
	local root=$1
	cat > "$root/init" <<'INIT'
#!/bin/sh
/bin/busybox --install -s /bin
export PATH=/usr/sbin:/usr/bin:/sbin:/bin
mount -t proc proc /proc
mount -t sysfs sys /sys
mount -t devtmpfs dev /dev
mkdir -p /dev/shm /dev/pts
mount -t tmpfs -o mode=1777 shm /dev/shm
mount -t tmpfs -o mode=1777,size=80% tmp /tmp
mount -t tmpfs -o mode=1777,size=80% vartmp /var/tmp
# the suite's state root as root (scratch areas, loop images): root's own, 0700, with room
mkdir -p /var/lib/mmapsuite
mount -t tmpfs -o mode=0700,size=80% mmapsuite-state /var/lib/mmapsuite
hostname guest
for m in $(cat /etc/guest-modules); do modprobe "$m" || echo "guest: modprobe $m failed" >&2; done
# the results: the 9p share, else (a kernel without 9p, e.g. Debian's cloud flavour) the
# virtio disk the host attached with serial "results": a tar of /results written onto it at the end
disk=
if ! grep -qw 9p /proc/filesystems || ! mount -t 9p -o trans=virtio,version=9p2000.L,msize=512000 results /results; then
	for b in /sys/block/vd*; do
		[ "$(cat "$b/serial" 2>/dev/null)" = results ] && disk=/dev/${b##*/}
	done
	if [ -n "$disk" ]; then echo "guest: no 9p: the results go back as a tar on $disk"
	else echo "guest: cannot mount the results share" >&2; fi
fi
echo "guest: $(uname -r) up after $(cut -d' ' -f1 /proc/uptime) s"
status=125
if [ -f /etc/guest-run ]; then
	( . /etc/guest-run )
	status=$?
fi
echo "$status" > /results/guest-status
echo "guest: finished with status $status after $(cut -d' ' -f1 /proc/uptime) s"
[ -z "$disk" ] || tar -cf "$disk" -C /results . || echo "guest: writing the results to $disk failed" >&2
sync
umount /results 2>/dev/null
if [ -c /dev/port ] && [ "$(uname -m)" = x86_64 ]; then
	# isa-debug-exit at 0xf4: QEMU exits with (value << 1) | 1
	printf "\\$(printf %03o "$status")" | dd of=/dev/port bs=1 seek=244 count=1 2>/dev/null
fi
poweroff -f
INIT
	chmod +x "$root/init"
}

guest_cpio() {
	local root=$1 out=$2
	(cd "$root" && find . -print0 | cpio --null -o -H newc --quiet) | gzip -1 > "$out.tmp" &&
		mv "$out.tmp" "$out"
}

guest_run_timeout() {
	local secs=$1 log=$2
	shift 2
	# --foreground: QEMU keeps the terminal (-nographic reads it) and still gets the signal
	{ timeout --foreground -k 5 "$secs" "$@"; echo $? > "$log.rc"; } 2>&1 | tee "$log" >&2
	local rc
	rc=$(cat "$log.rc" 2>/dev/null || echo 125)
	rm -f "$log.rc"
	return "$rc"
}

guest_status() {
	local dir=$1 rc=$2 console=${3:-} s
	if [[ -f $dir/guest-status ]]; then
		s=$(tr -dc 0-9 < "$dir/guest-status")
		[[ -n $s ]] && { echo "$s"; return 0; }
	fi
	if [[ -z $console ]] && ((rc % 2 == 1 && rc != 124)); then
		echo $(((rc - 1) / 2))
		return 0
	fi
	if [[ -n $console && -f $console ]]; then
		s=$(tr -d '\r' < "$console" | sed -n 's/^guest: finished with status \([0-9]*\) .*/\1/p' | tail -1)
		[[ -n $s ]] && { echo "$s"; return 0; }
	fi
	echo 125
}

guest_results_disk() {
	[[ -f $1 ]] || return 1 # no config to read: assume the share works
	! { grep -qE '^CONFIG_9P_FS=[ym]' "$1" && grep -qE '^CONFIG_NET_9P_VIRTIO=[ym]' "$1"; }
}

guest_results_untar() {
	local img=$1 dir=$2
	# an empty disk (the guest died before writing it) is no tar: nothing to unpack
	[[ -n $(head -c 512 "$img" | tr -d '\0') ]] || return 0
	tar -xf "$img" -C "$dir" --no-same-owner --no-same-permissions --no-overwrite-dir \
		--exclude='dev/*' || { guest_err "the results disk $img holds no readable tar"; return 1; }
	# what the guest wrote is data: no links may point out of DIR
	find "$dir" -type l -delete
}
