#!/usr/bin/env bash
# step: the main job as a non-root user: tools/run builds and runs from a copy of the tree, says what it skipped, fails nothing
# A user without root, with the run-time packages present, runs the README's main command in a
# copy of the working tree that the user owns: tools/deps --run finds nothing missing,
# tools/build builds, `mmapsuite run` tests a tmpfs (/dev/shm) and the current directory. The
# run must exit 0 with no failed test (the tmpfs deviations match through the file system's
# type), record root=false, and name what root would have given (memory cgroup, mlock rows).
set -uo pipefail
out=$2/nonroot
top=$(cd "$(dirname "$0")/../.." && pwd)
rm -rf "$out" && mkdir -p "$out"
fail=0
bad() { echo "step-nonroot: $*"; fail=1; }

user=nobody
if ! id "$user" >/dev/null 2>&1; then
	echo "step-nonroot: SKIP: no user '$user' on this machine"
	exit 0
fi
if [[ $(id -u) -ne 0 ]]; then
	echo "step-nonroot: SKIP: this step needs root to become '$user'"
	exit 0
fi

work=$(mktemp -d /tmp/mmapsuite-nonroot-XXXXXX)
cleanup() { rm -rf "$work"; }
trap cleanup EXIT
trap 'exit 130' INT TERM
# The tracked and new files as they are now (a clean clone in CI), owned by the user.
(cd "$top" && git ls-files -co --exclude-standard -z | xargs -0 tar -cf - 2>/dev/null) |
	tar -xf - -C "$work"
chown -R "$user" "$work"

# A fresh login's environment: none of tools/test's MMAPSUITE_* settings (its build directory).
as_user() {
	(cd "$work" && runuser -u "$user" -- env -i PATH="$PATH" HOME="$work" LANG=C.UTF-8 "$@")
}

as_user tools/deps --run --check >"$out/deps.log" 2>&1 ||
	bad "tools/deps --run --check as $user: $(tail -1 "$out/deps.log")"
start=$SECONDS
as_user tools/run --no-bench --out "$work/results" >"$out/run.log" 2>&1
rc=$?
echo "step-nonroot: tools/run --no-bench as $user: exit $rc in $((SECONDS - start)) s (build included)"
((rc == 0)) || bad "tools/run exited $rc: $(tail -3 "$out/run.log")"
grep -q 'needs root to create a memory cgroup' "$out/run.log" ||
	bad "the run does not say that the memory cgroup needs root"

results=$(ls -d "$work"/results/*/ 2>/dev/null | head -1)
if [[ -z $results ]]; then
	bad "no results directory"
else
	cp "$results/results.json" "$out/"
	python3 - "$out/results.json" <<'EOF' || fail=1
import json, sys
r = json.load(open(sys.argv[1]))
ok = True
def bad(msg):
    global ok
    print("step-nonroot: " + msg)
    ok = False
if r["environment"].get("root") is not False:
    bad("environment.root is %r, expected false" % r["environment"].get("root"))
labels = sorted({c["fs"] for c in r["conformance"]})
if not any(l.startswith("dir:") for l in labels):
    bad("no directory was tested: %s" % labels)
count = {}
for c in r["conformance"]:
    count[c["outcome"]] = count.get(c["outcome"], 0) + 1
    if c["outcome"] in ("fail", "broken", "xpass"):
        bad("%s %s/%s on %s: %s" % (c["outcome"], c["suite"], c["test"], c["fs"],
                                    (c.get("message") or "")[:200]))
root_skips = [c for c in r["conformance"] if c["outcome"] == "skip" and
              any(w in (c.get("message") or "") for w in ("CAP_", "root"))]
if not root_skips:
    bad("no skip names root or a capability")
print("step-nonroot: %s: %s; %d skips name root or a capability" %
      (", ".join(labels), ", ".join("%d %s" % (n, o) for o, n in sorted(count.items())),
       len(root_skips)))
sys.exit(0 if ok else 1)
EOF
fi
exit $fail
