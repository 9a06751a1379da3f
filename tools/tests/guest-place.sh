#!/usr/bin/env bash
# Shared body of the guest-place steps (step-vm-16k.sh, step-vm-64k.sh, step-vm-s390x.sh,
# step-vm-armhf.sh, step-vm-compat32.sh): builds the test module for SPEC's kernel, runs `tools/vm --kernel SPEC` on tmpfs (or
# the file systems GUEST_FS names) with the driver suite and requires verdict 0, passing tests on
# each file system (every difference from the host explained by kernel.expect or a SKIP naming
# the feature), the place's page size (and BYTE_ORDER, big or little, WORD_BITS, 32 or 64, and
# KERNEL_WORD_BITS, the kernel's, when given) in the run's environment and a passing driver test; prints the boot and
# boot-to-results times.
# GUEST_TIMEOUT: seconds before tools/vm kills a hung guest (default 1500).
# GUEST_FS: the guest's --fs (default tmpfs; tmpfs,ext4 costs about as much again per file system).
# GUEST_MMU: when set (powerpc: Radix or Hash), the MMU the run's environment must record.
# GUEST_BENCH: when set to a profile (quick), the guest runs it after the conformance tests, on
# GUEST_FS; the step then requires records from every case `mmapsuite bench --list` names (or
# a skip or dropped point recorded for it), none without samples or with a median of 0, the report
# of the run to render naming its page size (and its emulated CPU under TCG), and `mmapsuite
# compare` of the host fixture run (reports/tests/fixtures/run-small) against it to exit 0,
# calling the guest's timings smoke figures and naming a page size that differs.
# GUEST_FILTER: the conformance tests to run (--filter); the driver suite is then required
# only when the filter selects it.
# GUEST_ARCH and GUEST_QEMU (PROGRAM:PACKAGE): when set, SKIP unless that QEMU, the
# architecture's cross compiler with its C library and the ported Criterion's build tools are
# there (the SKIP names the package tools/deps installs).
# A SPEC KERNEL+USERLAND (tools/vm) runs USERLAND's build on KERNEL: GUEST_ARCH names USERLAND.
#   tools/tests/guest-place.sh SPEC PAGE_SIZE NAME OUT [BYTE_ORDER [WORD_BITS [KERNEL_WORD_BITS]]]
set -uo pipefail
spec=$1 page_size=$2 name=$3 out=$4 byte_order=${5:-} word_bits=${6:-} kernel_bits=${7:-}
top=$(cd "$(dirname "$0")/../.." && pwd)
if [[ -n ${GUEST_ARCH:-} ]]; then
	# shellcheck source=../lib/cross.sh
	. "$top/tools/lib/cross.sh"
	triplet=$(cross_triplet "$GUEST_ARCH") || exit 1
	for n in "${GUEST_QEMU:?GUEST_QEMU=PROGRAM:PACKAGE}" "$triplet-gcc:gcc-$triplet" cpio:cpio \
		depmod:kmod meson:meson protoc:protobuf-compiler protoc-gen-nanopb:nanopb; do
		command -v "${n%%:*}" >/dev/null || { echo "SKIP: ${n%%:*} not found (tools/deps installs ${n#*:})"; exit 0; }
	done
	[[ -e /usr/$triplet/lib/crt1.o ]] || { echo "SKIP: no $GUEST_ARCH C library for the cross compiler" \
		"(tools/deps installs libc6-dev-$GUEST_ARCH-cross)"; exit 0; }
fi
rm -rf "$out" && mkdir -p "$out"
t0=$SECONDS
# the test module, cross-built against the guest kernel's own headers (fetched, never installed)
if ! "$top/drivers/build" --kernel "${spec%+*}" > "$out/module-build.log" 2>&1; then
	echo "the test module did not build for the $name guest: see $out/module-build.log"
	exit 1
fi
run_args=(--no-bench)
[[ -n ${GUEST_BENCH:-} ]] && run_args=(--profile "$GUEST_BENCH")
[[ -n ${GUEST_FILTER:-} ]] && run_args+=(--filter "$GUEST_FILTER")
"$top/tools/vm" --kernel "$spec" --timeout "${GUEST_TIMEOUT:-1500}" "${run_args[@]}" --fs "${GUEST_FS:-tmpfs}" \
	--out "$out" > "$out/tools-vm.log" 2>&1
rc=$?
took=$((SECONDS - t0))
grep -E '^(guest:|mmapsuite: .* tests|tools/vm:)' "$out/tools-vm.log"
run=$(ls -d "$out"/*/ 2>/dev/null | head -1)
[[ -n $run ]] || { echo "no results came back (tools/vm exit $rc)"; exit 1; }
cases=
if [[ -n ${GUEST_BENCH:-} ]]; then
	cases=$("$MMAPSUITE_BUILD/bin/mmapsuite" bench --list | sed -n 's/^\([a-z_][a-z_0-9]*\) .*/\1/p' | tr '\n' ,)
	[[ -n $cases ]] || { echo "mmapsuite bench --list names no case"; exit 1; }
fi
python3 - "$run" "$rc" "$spec" "$page_size" "$name" "$byte_order" "$word_bits" "${GUEST_FS:-tmpfs}" \
	"$kernel_bits" "${GUEST_MMU:-}" "$cases" "${GUEST_FILTER:-}" <<'CHECK' || exit 1
import json, os, sys
run, rc, spec, want_page, name = sys.argv[1], int(sys.argv[2]), sys.argv[3], int(sys.argv[4]), sys.argv[5]
want_order, want_bits, want_fs, want_kbits = sys.argv[6], sys.argv[7], sys.argv[8].split(","), sys.argv[9]
want_mmu, want_cases, filtered = sys.argv[10], [c for c in sys.argv[11].split(",") if c], sys.argv[12]
res = json.load(open(os.path.join(run, "results.json")))
place = res["place"]
series, flavour = spec.split(":")[1].split("-", 1)
flavour, plus, userland = flavour.partition("+") # KERNEL+USERLAND: the place is <release>+USERLAND
flavour = flavour.replace("ppc64el", "powerpc64le").replace("armhf", "armmp-lpae")
flavour = {"rt": "rt-amd64", "cloud": "cloud-amd64"}.get(flavour, flavour) + plus + userland
assert place.startswith(f"guest:{series}.") and place.endswith("-" + flavour), f"place is {place!r}"
env = res["environment"]
# the place must really be the one named: the page size the suite saw in the guest
page = (env.get("place") or {}).get("page_size") or env.get("page_size")
assert page is not None and int(page) == want_page, f"the guest's page size is {page}, not {want_page}"
order = (env.get("place") or {}).get("byte_order")
assert not want_order or order == want_order, f"the guest's byte order is {order}, not {want_order}"
bits = (env.get("place") or {}).get("word_bits")
assert not want_bits or bits == int(want_bits), f"the guest's word is {bits} bits, not {want_bits}"
mmu = (env.get("place") or {}).get("mmu")
assert not want_mmu or mmu == want_mmu, f"the guest's MMU is {mmu}, not {want_mmu}"
kbits = (env.get("place") or {}).get("kernel_word_bits")
assert not want_kbits or kbits == int(want_kbits), \
    f"the guest kernel's word is {kbits} bits, not {want_kbits}"
conf = res["conformance"]
for fs in want_fs: # a file system the guest could not make or mount only skips: not enough
    assert any(c["fs"] == fs and c["outcome"] == "pass" for c in conf), \
        f"no {fs} test passed in the guest (no mkfs or module for it?)"
bad = [c for c in conf if c["outcome"] in ("fail", "broken")]
def first_line(c):
    return (c.get("message") or "").split("\n")[0][:200]
assert not bad, f"{len(bad)} unexplained failures in the {name} guest:\n" + \
    "\n".join(f'  {c["outcome"]} {c["fs"]} {c["suite"]}/{c["test"]}: {first_line(c)}' for c in bad)
drv = [c for c in conf if c["suite"].startswith("driver")]
assert any(c["outcome"] == "pass" for c in drv) or (filtered and not drv), \
    "no driver test passed: the cross-built module did not load in the guest?"
if want_cases: # the benchmark smoke: every case measured something, or said why not
    bench = res.get("benchmarks") or []
    extra = (res.get("extra") or {}).get("bench") or {}
    skipped = extra.get("skipped") or []
    # a point the place cannot hold (a size past a quarter of memory or the free space) is
    # dropped with its reason: a case all of whose points were dropped said why too
    said = skipped + (extra.get("dropped_points") or [])
    silent = [k for k in want_cases if not any(b["case"] == k for b in bench)
              and not any(s.get("case") == k for s in said)]
    assert not silent, f"the benchmark cases {silent} left no record and no skip in the {name} guest"
    empty = [f'{b["case"]} {b["metric"]} {b.get("params")}' for b in bench
             if not b.get("samples") or not b.get("median")]
    assert not empty, f"{len(empty)} benchmark records without samples or with a median of 0:\n  " + \
        "\n  ".join(e[:300] for e in empty[:10])
    print(f"benchmarks: {len(bench)} records from {len({b['case'] for b in bench})} cases, "
          f"{len(skipped)} variants skipped")
assert rc == 0, f"tools/vm exit {rc} (3: the guest hung or gave no verdict)"
n = {o: sum(c["outcome"] == o for c in conf) for o in ("pass", "fail", "skip", "broken", "xfail", "xpass")}
sizes = {k: (env.get("place") or {}).get(k) for k in ("mmu", "thp_pmd_size", "hugetlb_default_kb")}
print(f"guest {place} ({bits}-bit programs, kernel {(env.get('place') or {}).get('kernel_machine')}" +
      "".join(f", {k} {v}" for k, v in sizes.items() if v is not None) + "): " +
      ", ".join(f"{k} {v}" for k, v in n.items() if v) +
      f"; driver suite: {sum(c['outcome'] == 'pass' for c in drv)} of {len(drv)} pass")
CHECK
if [[ -n ${GUEST_BENCH:-} ]]; then
	# the report and compare paths meet this place: both must render, label TCG timings as
	# smoke figures and name the page size
	ms=$MMAPSUITE_BUILD/bin/mmapsuite
	"$ms" report "$run" > "$out/report.log" 2>&1 || { echo "mmapsuite report of the guest run failed: $out/report.log"; exit 1; }
	pages=$(python3 -c 'import sys; b = int(sys.argv[1]); print(f"{b >> 10} KiB")' "$page_size")
	grep -q " · $pages pages" "$run/summary.md" || { echo "the guest run's summary.md does not name its $pages pages"; exit 1; }
	tcg=; grep -q 'under tcg' "$out/tools-vm.log" && tcg=1
	if [[ -n $tcg ]] && ! grep -q 'emulated CPU (QEMU TCG): smoke' "$run/summary.md"; then
		echo "the guest run's summary.md does not call its TCG timings smoke figures"; exit 1
	fi
	fixture=$top/reports/tests/fixtures/run-small
	"$ms" compare --out "$out/compare" "$fixture" "$run" > "$out/compare.md" 2> "$out/compare.log" ||
		{ echo "mmapsuite compare of the host fixture run and the guest run failed: $out/compare.log"; exit 1; }
	grep -q '^Run 1: smoke figures only' "$out/compare.md" ||
		{ echo "compare does not call the guest's timings smoke figures: $out/compare.md"; exit 1; }
	if [[ $page_size != 4096 ]] && ! grep -q "page size 4 KiB vs $pages" "$out/compare.md"; then
		echo "compare does not name the page sizes (4 KiB vs $pages): $out/compare.md"; exit 1
	fi
	echo "report and compare: rendered; $(grep -c '' "$out/compare.md") lines of compare.md, the guest's timings smoke figures"
fi
boot=$(sed -n 's/.*guest: .* up after \([0-9.]*\) s.*/\1/p' "$out/tools-vm.log" | head -1)
done_s=$(sed -n 's/.*guest: finished with status .* after \([0-9.]*\) s.*/\1/p' "$out/tools-vm.log" | head -1)
echo "$name guest: boot ${boot:-?} s, boot to results ${done_s:-?} s of guest uptime; whole step ${took} s"
