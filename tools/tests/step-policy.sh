#!/usr/bin/env bash
# step: kernel policy: zero-page tests skip under pvm_no_zero_page=1 (fake cmdline) and run without it
# Both directions, on any host:
#  1. a fake command line with pvm_no_zero_page=1 (MMAPSUITE_POLICY_CMDLINE, test-only) makes
#     the three zero-page tests SKIP with "zero page disabled by pvm_no_zero_page=1 (...)",
#     the environment records it, and compare shows "pass → skip: <reason>";
#     a fake sysfs (MMAPSUITE_POLICY_ROOT) with use_zero_page=0 makes j7 SKIP naming that file;
#     pvm_no_zero_page=0 is no switch: the tests run;
#  2. with no override, a host whose real /proc/cmdline lacks the parameter runs them and they
#     PASS; a host booted with it skips them naming /proc/cmdline.
set -uo pipefail
bin=$1 out=$2/policy
rm -rf "$out" && mkdir -p "$out"
fail=0
bad() { echo "step-policy: $*"; fail=1; }

# `conform` on tmpfs for the globs that hold the three tests; prints the run directory
run() {
	local dest=$1; shift
	for f in 'fault_counts/anon_first_touch_*' 'pagemap/anon_read_maps_zero_page' 'thp_zero_page/*'; do
		env "$@" "$bin/mmapsuite" conform --fs tmpfs --filter "$f" --out "$dest" \
			>"$dest.log" 2>&1 || true
	done
}

# outcome and message of suite/test in every results.json under dir: "outcome<TAB>message"
verdict() {
	python3 - "$1" "$2" <<'EOF'
import glob, json, sys
for path in sorted(glob.glob(sys.argv[1] + "/*/results.json")):
    for c in json.load(open(path))["conformance"]:
        if c["suite"] + "/" + c["test"] == sys.argv[2]:
            print(c["outcome"] + "\t" + (c["message"] or ""))
            sys.exit(0)
print("missing\t")
EOF
}

tests=(fault_counts/anon_first_touch_fault_counts pagemap/anon_read_maps_zero_page
	thp_zero_page/read_fault_maps_huge_zero_page)

# expect_skip DIR TEST TEXT: TEST skipped in DIR with TEXT in its reason
expect_skip() {
	local v; v=$(verdict "$1" "$2")
	if [[ ${v%%$'\t'*} != skip || $v != *"$3"* ]]; then
		bad "$2: expected SKIP with \"$3\", got: $v"
	else
		echo "  $2: SKIP: ${v#*$'\t'}"
	fi
}

# expect_ran DIR TEST: TEST was not skipped for the zero-page setting (pass or fail: on a kernel
# that really keeps read faults off the zero page, a test told otherwise runs and fails)
expect_ran() {
	local v; v=$(verdict "$1" "$2")
	case $v in
	pass*|fail*) echo "  $2: ran: ${v%%$'\t'*}" ;;
	*) bad "$2: expected it to run (pass or fail), got: $v" ;;
	esac
}

# expect_runs DIR TEST: TEST ran and passed (j7 may skip for what the host cannot give, e.g.
# no root or no free 2 MiB block, but never for a zero-page setting)
expect_runs() {
	local v; v=$(verdict "$1" "$2")
	case ${v%%$'\t'*} in
	pass) echo "  $2: PASS" ;;
	skip)
		if [[ $2 == thp_zero_page/* && $v != *"zero page disabled"* ]]; then
			echo "  $2: SKIP for a reason of this host: ${v#*$'\t'}"
		else
			bad "$2: expected it to run and PASS, got: $v"
		fi ;;
	*) bad "$2: expected PASS, got: $v" ;;
	esac
}

real=$(cat /proc/cmdline)
host_has=
if [[ " $real " =~ [[:space:]]pvm[-_]no[-_]zero[-_]page(=[^0[:space:]][^[:space:]]*)?[[:space:]] ]]; then
	host_has=${BASH_REMATCH[0]}
fi
# the real command line without the parameter (a host booted with it must not leak it in)
stripped=$(sed -E 's/(^| )pvm[-_]no[-_]zero[-_]page(=[^ ]*)?//g' /proc/cmdline)

# the run directory under $1 that holds the faults tests
faults_run() { dirname "$(grep -l anon_first_touch_fault_counts "$1"/*/results.json | head -1)"; }

echo "1. fake /proc/cmdline with pvm_no_zero_page=1"
printf 'pvm_no_zero_page=1 %s\n' "$stripped" >"$out/cmdline-off"
run "$out/off" MMAPSUITE_POLICY_CMDLINE="$out/cmdline-off"
for t in "${tests[@]}"; do
	expect_skip "$out/off" "$t" \
		"zero page disabled by pvm_no_zero_page=1 ($out/cmdline-off, standing in for /proc/cmdline"
done
rec=$(python3 -c '
import glob, json, sys
r = json.load(open(sorted(glob.glob(sys.argv[1] + "/*/results.json"))[0]))
p = r["environment"]["policy"]
s = [x for x in p["settings"] if x["label"] == "pvm_no_zero_page"][0]
b = [x for x in p["behaviours"] if x["label"] == "zero_page"][0]
print(s["value"], b["on"], p["override"])' "$out/off")
[[ $rec == "1 False MMAPSUITE_POLICY_CMDLINE" ]] ||
	bad "environment.policy does not record the setting: $rec"

echo "   fake sysfs (MMAPSUITE_POLICY_ROOT) with use_zero_page=0"
thp=$out/root/sys/kernel/mm/transparent_hugepage
mkdir -p "$thp" "$out/root/proc"
echo "always [madvise] never" >"$thp/enabled"
echo 0 >"$thp/use_zero_page"
echo "$stripped" >"$out/root/proc/cmdline"
run "$out/root-run" MMAPSUITE_POLICY_ROOT="$out/root"
expect_skip "$out/root-run" thp_zero_page/read_fault_maps_huge_zero_page \
	"huge zero page disabled by transparent_hugepage/use_zero_page=0 ($thp/use_zero_page, standing in for /sys/kernel/mm/transparent_hugepage/use_zero_page"

echo "   fake /proc/cmdline with pvm_no_zero_page=0 (not a switch)"
printf 'pvm_no_zero_page=0 %s\n' "$stripped" >"$out/cmdline-on"
run "$out/on" MMAPSUITE_POLICY_CMDLINE="$out/cmdline-on"
for t in "${tests[@]}"; do
	if [[ -n $host_has ]]; then expect_ran "$out/on" "$t"; else expect_runs "$out/on" "$t"; fi
done

echo "2. the real /proc/cmdline, no override"
run "$out/real" MMAPSUITE_POLICY_CMDLINE= MMAPSUITE_POLICY_ROOT=
if [[ -n $host_has ]]; then
	echo "   this host is booted with$host_has: the tests skip naming /proc/cmdline"
	for t in "${tests[@]}"; do
		expect_skip "$out/real" "$t" "zero page disabled by pvm_no_zero_page=1 (/proc/cmdline)"
	done
else
	echo "   this host's /proc/cmdline has no pvm_no_zero_page: the tests run"
	for t in "${tests[@]}"; do
		expect_runs "$out/real" "$t"
	done
fi

echo "3. compare shows the change with its reason"
"$bin/mmapsuite" compare --out "$out/compare" "$(faults_run "$out/on")" \
	"$(faults_run "$out/off")" >"$out/compare.txt" 2>&1 ||
	bad "compare failed: $(tail -3 "$out/compare.txt")"
# the baseline passes where the kernel maps the zero page; on one booted without it, it fails
before=pass
[[ -n $host_has ]] && before="(pass|fail)"
grep -Eq "anon_first_touch_fault_counts.*$before → skip: zero page disabled by pvm_no_zero_page=1" \
	"$out/compare.txt" && echo "  compare: $before → skip: zero page disabled by pvm_no_zero_page=1 (...)" ||
	bad "compare does not show '$before → skip: zero page disabled by pvm_no_zero_page=1' (see $out/compare.txt)"

echo "4. a run whose override file and results lie below /tmp (CI may clone under /tmp)"
# The contained test run gets a private /tmp; the file the run was told to read must stay
# visible in it, as the run and bundle directories do.
under_tmp=$(mktemp -d /tmp/mmapsuite-policy.XXXXXX) || exit 1
trap 'rm -rf "$under_tmp"' EXIT
trap 'exit 130' INT TERM
cp "$out/cmdline-off" "$under_tmp/cmdline-off"
env MMAPSUITE_POLICY_CMDLINE="$under_tmp/cmdline-off" "$bin/mmapsuite" conform --fs tmpfs \
	--filter 'pagemap/anon_read_maps_zero_page' --out "$under_tmp/out" >"$out/under-tmp.log" 2>&1 || true
expect_skip "$under_tmp/out" pagemap/anon_read_maps_zero_page \
	"zero page disabled by pvm_no_zero_page=1 ($under_tmp/cmdline-off, standing in for /proc/cmdline"

exit $fail
