#!/usr/bin/env bash
# step: relocatable bundle runs through its own loader in a root without any glibc
set -euo pipefail
# set -e ends the step silently: say which command did it
trap 'echo "step-bundle: line $LINENO failed: $BASH_COMMAND"' ERR
bin=$1 out=$2
top=$(cd "$(dirname "$0")/../.." && pwd)
dest=$out/bundle
rm -rf "$dest" "$out/bundle-root"
MMAPSUITE_BUILD=$(dirname "$bin") "$top/tools/bundle" "$dest" >/dev/null
loader=$(ls "$dest"/lib/ld-*)
for f in "$dest"/libexec/mmapsuite "$dest"/libexec/mmapsuite-conform; do
	outside=$("$loader" --library-path "$dest/lib" --list "$f" | awk '/=>/ {print $3}' |
		grep -v "^$dest/" || true)
	[[ -z $outside ]] || { echo "$f: libraries outside the bundle: $outside"; exit 1; }
done
filter='mmap_anonymous/*'
# 1. from another directory, with an empty environment
(cd / && env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin "$dest/bin/mmapsuite" conform --fs tmpfs \
	--filter "$filter" --out "$out/bundle-run")
# 2. libgit2: the stand-in by default, Debian's with --real-libgit2; the same outcomes either
#    way, and the stand-in's workers load fewer libraries.
grep -q '^libgit2\.so[^ ]* tools/standins/libgit2.c$' "$dest/lib/STANDINS" ||
	{ echo "the bundle does not record the libgit2 stand-in (lib/STANDINS)"; exit 1; }
grep -q 'mmapsuite libgit2 stand-in' "$dest"/lib/libgit2.so* ||
	{ echo "lib/libgit2.so* is not the stand-in"; exit 1; }
real=$out/bundle-real
rm -rf "$real"
MMAPSUITE_BUILD=$(dirname "$bin") "$top/tools/bundle" --real-libgit2 "$real" >/dev/null
[[ ! -e $real/lib/STANDINS ]] || { echo "--real-libgit2 still used a stand-in"; exit 1; }
# shellcheck disable=SC2211 # the loader is ld-linux-<arch>.so.N: its name differs per arch
libs_of() { "$1"/lib/ld-* --library-path "$1/lib" --list "$1/libexec/mmapsuite-conform" | wc -l; }
echo "Criterion's worker loads $(libs_of "$dest") objects with the stand-in, $(libs_of "$real") without"
(( $(libs_of "$dest") < $(libs_of "$real") )) || { echo "the stand-in saved no library"; exit 1; }
for b in "$dest" "$real"; do # 148 tests: every mmap_* suite
	(cd / && env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin "$b/bin/mmapsuite" conform --fs tmpfs \
		--filter 'mmap_*' --out "$out/$(basename "$b")-run-mmap") || true # compared below
done
# The outcomes the run reports (results.json), not the runner's raw lines: when Criterion's
# runner dies mid-run (it aborts when it cannot spawn a test), the harness runs the tests that
# never reported once more, and the raw file then holds both attempts.
outcomes() {
	python3 -c 'import json, sys
for t in json.load(open(sys.argv[1]))["conformance"]:
	print(t["suite"], t["test"], t["outcome"])' \
		"$(ls -d "$1"/*/ | head -1)results.json" | sort
}
diff <(outcomes "$out/bundle-run-mmap") <(outcomes "$out/bundle-real-run-mmap") ||
	{ echo "the stand-in changed an outcome (above)"; exit 1; }
echo "same $(outcomes "$out/bundle-run-mmap" | wc -l) outcomes with the stand-in and with Debian's libgit2"
# 3. in a root holding only busybox (static) and the bundle: no /lib, no system loader, so
#    every program of the suite, Criterion's workers included, must start through the bundle.
busybox=$(command -v busybox || true)
if [[ $(id -u) != 0 || -z $busybox ]] || ! file -L "$busybox" | grep -q 'statically linked'; then
	echo "SKIP chroot run: needs root and a static busybox (Debian busybox-static)"
	exit 0
fi
root=$out/bundle-root
mkdir -p "$root"/{bin,proc,sys,dev,tmp,var/tmp,opt,results}
cp "$busybox" "$root/bin/busybox"
for c in sh dirname; do ln -s busybox "$root/bin/$c"; done
cp -a "$dest" "$root/opt/mmapsuite"
unshare --mount --fork sh -c '
	r=$1 filter=$2
	mount -t proc proc "$r/proc" && mount -t sysfs sys "$r/sys" &&
	mount --rbind /dev "$r/dev" && mount -t tmpfs shm "$r/dev/shm" &&
	exec chroot "$r" /bin/sh -c "[ ! -e /lib ] && [ ! -e /lib64 ] && [ ! -e /usr ] &&
		PATH=/bin /opt/mmapsuite/bin/mmapsuite conform --fs tmpfs --filter \"$filter\" \
		--out /results"' sh "$root" "$filter"
run=$(ls -d "$root"/results/*/ | head -1)
grep -q '"outcome":"pass"' "$run"/conform-tmpfs.jsonl ||
	{ echo "no passing test in the chroot run: $run"; exit 1; }
echo "chroot without glibc: $(grep -c '"outcome":"pass"' "$run"/conform-tmpfs.jsonl) tests pass"
