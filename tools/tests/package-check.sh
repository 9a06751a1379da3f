#!/usr/bin/env bash
# The Debian packages end to end (debian/, docs/install.md), in a fresh Debian 12 root.
#   tools/tests/package-check.sh BIN_DIR OUT_DIR gate|deep
# gate: builds the source and binary packages from `git archive HEAD` (a clean copy: no build/,
#   nothing uncommitted), proves the version check fails on a changelog that disagrees, runs
#   lintian --fail-on error,warning, installs both packages into a fresh root made by
#   mmdebstrap, runs `mmapsuite --version` and `man mmapsuite` there, purges them and checks that
#   nothing of theirs is left.
# deep: before that, the autopkgtests of the .changes (autopkgtest -- chroot ROOT) and, after
#   installing, `mmapsuite run --no-bench` from / and `dkms build -k` for each Debian kernel
#   whose headers the root holds (the 6.1 and 6.12 series).
# The root's tarball is cached in /var/cache/mmapsuite-test (root-owned, 0700, checked; a new
# tarball when its package list changes); the work directory lives there too, never in /tmp.
# Every mount and the work directory are removed on exit, also on failure or Ctrl-C.
set -euo pipefail
[[ $# -eq 3 && ($3 == gate || $3 == deep) ]] ||
	{ echo "usage: package-check.sh BIN_DIR OUT_DIR gate|deep" >&2; exit 2; }
out=$2/package mode=$3
top=$(cd "$(dirname "$0")/../.." && pwd)
cache=/var/cache/mmapsuite-test
arch=$(dpkg --print-architecture)
fail() { echo "package-check: FAILED: $*"; exit 1; }
log() { echo "package-check: $* ($((SECONDS - t0)) s)"; }
t0=$SECONDS
[[ $(id -u) -eq 0 ]] || { echo "package-check: needs root (mmdebstrap, chroot)" >&2; exit 2; }

# ---- a cache only root can write ----
[[ -e $cache ]] || install -d -m 0700 -o root -g root "$cache"
[[ -d $cache && ! -L $cache ]] || fail "$cache is not a directory (or is a symlink)"
read -r owner perms < <(stat -c '%u %a' "$cache")
[[ $owner == 0 && $perms == 700 ]] ||
	fail "$cache: owner uid $owner, mode $perms; it must be root's with mode 0700"

rm -rf "$out" && mkdir -p "$out"
work=$(mktemp -d "$cache/work.XXXXXX")
root=$work/root
mounted=()
cleanup() {
	local m
	for ((i = ${#mounted[@]} - 1; i >= 0; i--)); do
		m=${mounted[i]}
		umount -R "$m" 2>/dev/null || umount -Rl "$m" 2>/dev/null || true
	done
	mountpoint -q "$root/proc" 2>/dev/null && umount -Rl "$root/proc"
	rm -rf --one-file-system "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM
in_root() { chroot "$root" env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/root LANG=C.UTF-8 "$@"; }

# ---- 1. build from a clean copy ----
version=$(sed -n 's/^project(mmapsuite VERSION \([^ ]*\) .*/\1/p' "$top/CMakeLists.txt")
src=$work/mmapsuite-$version
git -C "$top" archive --prefix="mmapsuite-$version/" HEAD | tar -x -C "$work"
(cd "$src" && DEB_BUILD_OPTIONS="parallel=$(nproc)" dpkg-buildpackage -us -uc) \
	>"$out/build.log" 2>&1 || fail "dpkg-buildpackage: $(tail -5 "$out/build.log")"
changes=$work/mmapsuite_${version}_$arch.changes
[[ -f $changes ]] || fail "no $changes"
log "built $(basename "$changes")"

# No compiler warning of ours under Debian's flags (hardening=+all: _FORTIFY_SOURCE,
# -Wformat-security...). The build uses -DMMAPSUITE_WERROR=OFF, so only the log shows them.
if grep -E '\.[ch]:[0-9]+(:[0-9]+)?: warning:|^(/usr/bin/)?ld: .*warning:' "$out/build.log" \
	>"$out/build-warnings.log"; then
	fail "compiler warnings in the package build: $(head -5 "$out/build-warnings.log")"
fi

# nocheck: the build above ran the unit tests (ctest); with DEB_BUILD_OPTIONS=nocheck the same
# step of the same tree runs none.
grep -q '^/usr/bin/ctest ' "$out/build.log" || fail "the package build ran no ctest"
(cd "$src" && DEB_BUILD_OPTIONS=nocheck dh_auto_test --buildsystem=cmake) >"$out/nocheck.log" 2>&1 ||
	fail "dh_auto_test with nocheck: $(tail -5 "$out/nocheck.log")"
! grep -q 'ctest' "$out/nocheck.log" || fail "DEB_BUILD_OPTIONS=nocheck still ran ctest"
log "no compiler warning; nocheck honoured"

# The version check fails on a changelog that says another version.
sed -i "1s/($version)/(${version}9)/" "$src/debian/changelog"
if (cd "$src" && make -f debian/rules execute_before_dh_auto_configure) >"$out/version-check.log" 2>&1 ||
	! grep -q "differs from CMakeLists.txt" "$out/version-check.log"; then
	fail "a changelog version ${version}9 against CMakeLists.txt's $version was not refused"
fi

# ---- 2. lintian ----
lintian --fail-on error,warning "$changes" >"$out/lintian.log" 2>&1 ||
	fail "lintian: $(grep -E '^[EW]:' "$out/lintian.log" | head -10)"
log "lintian clean"

# ---- 3. a fresh Debian 12 root ----
# What the packages need at run time and in the tests (dkms-autopkgtest adds linux-doc itself).
includes=(man-db dkms "linux-headers-$arch" "linux-headers-6.12-$arch" gnuplot-nox libcriterion3
	libhwloc15 libjansson4 libpfm4 libsqlite3-0 zlib1g e2fsprogs util-linux mount kmod)
mirrors=("deb http://deb.debian.org/debian bookworm main"
	"deb http://deb.debian.org/debian-security bookworm-security main")
key=$(printf '%s\n' "$arch" "${includes[@]}" "${mirrors[@]}" | sha256sum | cut -c1-12)
tarball=$cache/bookworm-$key.tar
if [[ ! -f $tarball ]]; then
	log "making the root's tarball (cold: downloads from deb.debian.org)"
	mmdebstrap --mode=root --variant=apt --format=tar \
		--include="$(IFS=,; echo "${includes[*]}")" bookworm "$tarball.part" "${mirrors[@]}" \
		>"$out/mmdebstrap.log" 2>&1 || { rm -f "$tarball.part"; fail "mmdebstrap: $(tail -5 "$out/mmdebstrap.log")"; }
	mv "$tarball.part" "$tarball"
fi
mkdir "$root"
tar -C "$root" -xf "$tarball"
# The root is a mount point of its own, as / is on a machine: the suite's contained runs make
# the mounts below / private (mount(2) MS_PRIVATE on "/"), which fails with EINVAL in a plain
# directory and leaves tests BROKEN.
mounted+=("$root")
mount --bind "$root" "$root"
for d in proc sys dev; do
	mounted+=("$root/$d")
	mount --rbind "/$d" "$root/$d"
	mount --make-rslave "$root/$d"
done
mounted+=("$root/run")
mount -t tmpfs -o mode=0755 tmpfs "$root/run"
cp /etc/resolv.conf "$root/etc/resolv.conf"
log "root unpacked from $(basename "$tarball")"

# What the root holds before the packages, to compare after the purge. /var/tmp is left out:
# a tree from before issue 18 keeps its state root there, in a world-writable directory that a
# package must not clean as root; its state now lives in /run/mmapsuite and /var/lib/mmapsuite,
# both checked below.
snapshot() {
	(cd "$root" && find . -xdev -path ./proc -prune -o -path ./sys -prune -o -path ./dev -prune \
		-o -path ./run -prune -o -path ./var/lib/dpkg -prune -o -path ./var/log -prune \
		-o -path ./var/cache -prune -o -path ./var/lib/apt -prune -o -path ./tmp -prune \
		-o -path ./var/tmp -prune \
		-o -path ./root -prune -o -print | sort)
}

# ---- 4. the autopkgtests (deep) ----
if [[ $mode == deep ]]; then
	# The chroot cannot be reverted and is no virtual machine: the tests' isolation-machine
	# (namespaces, loop devices, tmpfs mounts) is what this root provides, since it is thrown
	# away afterwards; breaks-testbed (the dkms test) likewise.
	autopkgtest --ignore-restrictions=isolation-machine,breaks-testbed --setup-commands='apt-get update' \
		--output-dir "$out/autopkgtest" "$changes" -- chroot "$root" \
		>"$out/autopkgtest.log" 2>&1 || fail "autopkgtest: $(tail -15 "$out/autopkgtest.log")"
	grep -E '^(conform-tmpfs|selftest|dkms-autopkgtest) +PASS' "$out/autopkgtest/summary" |
		wc -l | grep -qx 3 || fail "autopkgtest: not all three tests passed: $(cat "$out/autopkgtest/summary")"
	in_root dpkg --purge mmapsuite mmaptest-dkms >"$out/autopkgtest-purge.log" 2>&1 ||
		fail "purge after the autopkgtests: $(tail -5 "$out/autopkgtest-purge.log")"
	log "autopkgtests: $(tr '\n' ';' <"$out/autopkgtest/summary")"
fi

# ---- 5. install, use, purge ----
# Installing builds the module for every kernel whose headers the root holds (DKMS's
# autoinstall, a minute or more each under load): the deep step's dkms-autopkgtest has proved
# that (checked below), so the install here skips it and the deep step builds each kernel
# once more by hand with dkms build -k.
touch "$root/etc/dkms/no-autoinstall"
before=$(snapshot)
mkdir "$root/root/debs"
cp "$work"/mmapsuite_"${version}"_"$arch".deb "$work"/mmaptest-dkms_"${version}"_all.deb "$root/root/debs/"
in_root sh -c 'dpkg -i /root/debs/*.deb' >"$out/install.log" 2>&1 ||
	fail "dpkg -i: $(tail -10 "$out/install.log")"
[[ $(in_root mmapsuite --version) == "mmapsuite $version" ]] || fail "mmapsuite --version"
in_root man -P cat mmapsuite 2>/dev/null | grep -q 'mmapsuite conform' || fail "man mmapsuite"
in_root man -P cat 5 mmapsuite-expect 2>/dev/null | grep -q 'reason=' || fail "man 5 mmapsuite-expect"
log "installed; --version and man pages answer"

if [[ $mode == deep ]]; then
	in_root sh -c 'cd / && mmapsuite run --no-bench' >"$out/run.log" 2>&1 ||
		fail "mmapsuite run --no-bench from / in the root: $(tail -8 "$out/run.log")"
	in_root sh -c 'ls /var/lib/mmapsuite/results/*/results.json' >/dev/null ||
		fail "no results.json under /var/lib/mmapsuite/results"
	log "mmapsuite run --no-bench: $(grep -E ' tests: ' "$out/run.log" | tr '\n' ';')"
	# The dkms-autopkgtest's install built and installed the module for every kernel whose
	# headers the root holds (this host's kernel has none there); dkms build -k builds each
	# again on request, signed with DKMS's MOK key (made by its first build: openssl is there,
	# the autopkgtest installed it).
	for hdr in "$root"/usr/src/linux-headers-*-"$arch"; do
		rel=${hdr##*/linux-headers-}
		grep -q "Installing to /lib/modules/$rel/updates/dkms" "$out/autopkgtest/log" ||
			fail "installing mmaptest-dkms (dkms-autopkgtest) did not install the module for $rel"
	done
	built=0
	for hdr in "$root"/usr/src/linux-headers-*-"$arch"; do
		rel=${hdr##*/linux-headers-}
		in_root dkms build --force -m mmaptest -v "$version" -k "$rel" >"$out/dkms-$rel.log" 2>&1 ||
			fail "dkms build -k $rel: $(tail -10 "$out/dkms-$rel.log")"
		ko=$(cd "$root" && compgen -G "var/lib/dkms/mmaptest/$version/$rel/*/module/mmaptest.ko*") ||
			fail "dkms build -k $rel left no mmaptest.ko"
		signer=$(in_root modinfo -F signer "/$ko") || fail "modinfo /$ko"
		[[ $signer == "DKMS module signing key" ]] ||
			fail "dkms build -k $rel: mmaptest.ko signed by '$signer', not DKMS's MOK key"
		built=$((built + 1))
		log "dkms build -k $rel (signed by '$signer')"
	done
	((built >= 2)) || fail "dkms: headers of $built kernel(s) in the root, expected 6.1 and 6.12"
	# The MOK private key signs modules the machine will load: root's alone.
	[[ $(stat -c '%u %a' "$root/var/lib/dkms/mok.key") == "0 600" ]] ||
		fail "/var/lib/dkms/mok.key: $(stat -c 'owner uid %u, mode %a' "$root/var/lib/dkms/mok.key")"
fi

in_root dpkg -L mmapsuite mmaptest-dkms | sort -u >"$out/package-files.txt"
in_root dpkg --purge mmapsuite mmaptest-dkms >"$out/purge.log" 2>&1 ||
	fail "dpkg --purge: $(tail -10 "$out/purge.log")"
for p in usr/share/mmapsuite usr/libexec/mmapsuite var/lib/dkms/mmaptest var/lib/mmapsuite \
	run/mmapsuite usr/share/doc/mmapsuite; do
	[[ ! -e $root/$p ]] || fail "left after purge: /$p"
done
compgen -G "$root/usr/src/mmaptest-*" >/dev/null && fail "left after purge: /usr/src/mmaptest-*"
compgen -G "$root/usr/lib/*/mmapsuite" >/dev/null && fail "left after purge: /usr/lib/*/mmapsuite"
while read -r f; do
	[[ -d $root$f && ! -L $root$f ]] && continue # shared directories (/usr/bin) stay
	[[ ! -e $root$f && ! -L $root$f ]] || fail "a file of the packages is left after purge: $f"
done <"$out/package-files.txt"
left=$(comm -13 <(echo "$before") <(snapshot))
[[ -z $left ]] || fail "files left after purge: $(echo "$left" | head -20)"
log "purged; nothing of theirs left"
