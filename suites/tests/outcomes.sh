#!/usr/bin/env bash
# ctest "outcomes": runs mmapsuite-conform-outcomes (outcomes.c) as the harness would, with a
# scratch directory and a results file of its own, and checks what the report hook recorded.
# usage: outcomes.sh BINARY
set -euo pipefail
bin=$1
# our own fresh directory, in the build tree (ctest's working directory), never a shared /tmp
work=$(mktemp -d "$PWD/outcomes.XXXXXX")
trap 'rm -rf "$work"' EXIT
mkdir "$work/scratch"
status=0
MMAPSUITE_DIR=$work/scratch MMAPSUITE_RESULTS=$work/results.jsonl "$bin" -j1 \
	>"$work/log" 2>&1 || status=$?
if [ "$status" -eq 0 ]; then
	echo "outcomes: the runner exited 0 although tests fail on purpose" >&2
	exit 1
fi
if ! python3 - "$work/results.jsonl" "$work/scratch" <<'PY'
import json, os, sys
results = {}
with open(sys.argv[1]) as f:
    for line in f:
        o = json.loads(line)
        results[o["test"]] = o
bad = []
def want(test, outcome, check, why):
    r = results.get(test)
    if r is None:
        bad.append(f"{test}: no result recorded")
    elif r["outcome"] != outcome:
        bad.append(f"{test}: outcome {r['outcome']!r}, want {outcome!r} ({r.get('message')!r})")
    elif not check(r.get("message") or ""):
        bad.append(f"{test}: {why}: {r.get('message')!r}")
    elif outcome == "broken" and not r["duration_s"] > 0:
        bad.append(f"{test}: a broken test's time is {r['duration_s']}, not the time it ran")
want("setup_failure_is_broken", "broken",
     lambda m: m == "open(/nonexistent/file): ENOENT", "message not as ms_broken() wrote it")
want("broken_words_in_an_assertion_fail", "fail",
     lambda m: m.startswith("BROKEN: these are only"), "message changed")
want("broken_test_cleans_up", "broken",
     lambda m: m.startswith("set-up stopped after creating"), "message changed")
want("child_exit_keeps_parent_files", "pass", lambda m: True, "")
want("child_setup_failure_is_broken", "broken",
     lambda m: "its set-up failed" in m, "not the parent's word on its child")
want("bounded_wait_is_bounded_by_time", "pass", lambda m: True, "")
left = os.listdir(sys.argv[2])
if left:
    bad.append(f"files left in the scratch directory: {left}")
for b in bad:
    print("outcomes:", b, file=sys.stderr)
sys.exit(1 if bad else 0)
PY
then
	echo "outcomes: runner output:" >&2
	cat "$work/log" >&2
	exit 1
fi
echo "outcomes: broken, fail and pass recorded as expected"
