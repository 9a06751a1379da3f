#!/usr/bin/env bash
# step: a Debian 6.1 guest under QEMU runs the conformance, driver and media suites, catches every injected module bug; results come back in the host format
set -uo pipefail
bin=$1 out=$2
top=$(cd "$(dirname "$0")/../.." && pwd)
MMAPSUITE_BUILD=$(dirname "$bin")
export MMAPSUITE_BUILD
for p in qemu-system-x86_64 busybox cpio depmod; do
	command -v "$p" >/dev/null ||
		{ echo "SKIP: $p not found (tools/deps installs qemu-system-x86, busybox-static, cpio, kmod)"; exit 0; }
done
# tmpfs and ext4 take about 4 minutes under TCG on 2 cores; all four about 7
fs=${MMAPSUITE_VM_FS:-tmpfs,ext4}
rm -rf "$out/vm" && mkdir -p "$out/vm"
t0=$SECONDS
# the test module for the guest kernel (drivers/build); without it the driver suite skips
bugs=()
if "$top/drivers/build" --kernel debian:6.1 > "$out/vm/module-build.log" 2>&1; then
	bugs=(--check-bugs)
else
	echo "the test module did not build for the guest: see $out/vm/module-build.log"
	exit 1
fi
"$top/tools/vm" --kernel debian:6.1 --timeout 900 --no-bench --fs "$fs" --out "$out/vm" \
	"${bugs[@]}" > "$out/vm/tools-vm.log" 2>&1
rc=$?
took=$((SECONDS - t0))
grep -E '^(guest:|mmapsuite: .* tests|tools/vm:)' "$out/vm/tools-vm.log"
run=$(ls -d "$out"/vm/*/ 2>/dev/null | head -1)
[[ -n $run ]] || { echo "no results came back (tools/vm exit $rc)"; exit 1; }
python3 - "$run" "$rc" "$fs" "${#bugs[@]}" <<'CHECK' || exit 1
import glob, json, os, re, sys
run, rc, fs, bugs = sys.argv[1], int(sys.argv[2]), sys.argv[3].split(","), sys.argv[4] == "1"
res = json.load(open(os.path.join(run, "results.json")))
assert res["schema"] == "mmapsuite-results", res.get("schema")
place = res["place"]
assert place.startswith("guest:6.1."), f"place is {place!r}, expected guest:<6.1 release>"
assert res["environment"]["kernel"]["release"] == place[len("guest:"):], "place and kernel differ"
conf = res["conformance"]
seen = {c["fs"] for c in conf}
assert set(fs) <= seen, f"file systems with results: {sorted(seen)}, expected {fs}"
bad = [c for c in conf if c["outcome"] in ("fail", "broken")]
# tools/vm runs the guest with the repository's kernel.expect, so the guest is held to the host's
# standard: every failure is a known deviation (xfail, with its kernel= gate), none unexplained
def first_line(c):
    return (c.get("message") or "").split("\n")[0][:200]
assert not bad, f"{len(bad)} unexplained failures in the guest (no line of kernel.expect):\n" + \
    "\n".join(f'  {c["outcome"]} {c["fs"]} {c["suite"]}/{c["test"]}: {first_line(c)}' for c in bad)
n = {o: sum(c["outcome"] == o for c in conf) for o in ("pass", "fail", "skip", "broken", "xfail", "xpass")}
for f in fs:
    ran = [c for c in conf if c["fs"] == f and c["outcome"] != "skip"]
    assert ran, f"every test on {f} was skipped in the guest"
# the guest's verdict is tools/vm's exit status: 0 all passed (or failed as expected), 1 a test
# failed (excluded above) or check-bugs failed
assert rc in (0, 1), f"tools/vm exit {rc}: the guest hung or gave no verdict"
drv = [c for c in conf if c["suite"].startswith("driver")]
# the media suite (group n): tools/vm loads vivid and snd-aloop at boot, so none may skip
media = [c for c in conf if c["suite"].startswith("media_")]
skipped = [c for c in media if c["outcome"] == "skip"]
assert not skipped, "media tests skipped in the guest: " + "; ".join(
    f'{c["suite"]}/{c["test"]}: {c["message"]}' for c in skipped[:3])
caught = ""
if bugs:
    text = open(os.path.join(run, "check-bugs.txt")).read()
    m = re.search(r"check-bugs: (\d+) of (\d+) injected bugs caught", text)
    assert m, "check-bugs gave no summary:\n" + text[-2000:]
    assert int(m.group(2)) > 0 and m.group(1) == m.group(2), m.group(0)
    assert any(c["outcome"] == "pass" for c in drv), "no driver test passed with the module loaded"
    caught = "; " + m.group(0)
    assert rc == 0, "tools/vm exit 1 with no failed test: check-bugs failed\n" + text[-2000:]
else:
    assert (rc == 1) == bool(bad), f"exit {rc} but {len(bad)} tests failed or broke"
print(f"guest {place}: " + ", ".join(f"{k} {v}" for k, v in n.items() if v) +
      (f"; driver suite: {len(drv)} results" if drv else "; driver suite: not in this build") +
      (f"; media suite: {sum(c['outcome'] == 'pass' for c in media)} of {len(media)} pass, "
       f"{sum(c.get('duration_s') or 0 for c in media):.1f} s" if media else "") +
      caught)
CHECK
boot=$(sed -n 's/.*guest: .* up after \([0-9.]*\) s.*/\1/p' "$out/vm/tools-vm.log" | head -1)
done_s=$(sed -n 's/.*guest: finished with status .* after \([0-9.]*\) s.*/\1/p' "$out/vm/tools-vm.log" | head -1)
echo "guest boot ${boot:-?} s, results after ${done_s:-?} s of guest uptime; whole step ${took} s"
# The places of this tools/test side by side (mmapsuite report --matrix): the host's conformance
# run, the 16 KiB arm64 guest's (step-vm-16k runs before this step) and this guest's, each file
# system a column headed with its kernel, architecture and page size.
places=()
for d in "$out"/conform/*/ "$out"/vm-16k/*/ "$run"; do
	[[ -f $d/results.json ]] && places+=("$d")
done
"$bin/mmapsuite" report --matrix --out "$out/vm/matrix" "${places[@]}" >/dev/null ||
	{ echo "report --matrix of ${#places[@]} runs failed"; exit 1; }
python3 - "$out/vm/matrix/matrix.md" "${places[@]}" <<'CHECK' || exit 1
import json, os, sys
md, runs = open(sys.argv[1]).read(), sys.argv[2:]
columns = sum(len({c["fs"] for c in json.load(open(os.path.join(r, "results.json")))["conformance"]})
              for r in runs)
pages = {str(json.load(open(os.path.join(r, "results.json")))["environment"].get("page_size", ""))
         for r in runs}
for p in pages - {""}:
    assert f"· {int(p) // 1024} KiB ·" in md, f"no column of matrix.md is headed {int(p) // 1024} KiB"
print(f"matrix of places: {len(runs)} runs, {columns} columns, page sizes {sorted(pages - {''})}: "
      f"{os.path.dirname(sys.argv[1])}/matrix.html")
CHECK
