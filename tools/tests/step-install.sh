#!/usr/bin/env bash
# step: installed layout: cmake --install tree runs from /, shipped expectations by default, --no-expect raw, version, man page and completion from the option tables
# Args: BIN_DIR OUT_DIR. Installs the build into OUT_DIR/install/usr (cmake --install --prefix),
# and checks that the installed program finds its runner and data from any directory, uses the
# shipped kernel.expect unless told --no-expect (the counts agree either way), records its
# version, and that mmapsuite(1) and the bash completion list every option --help lists.
set -euo pipefail
bin=$1 out=$2/install
top=$(cd "$(dirname "$0")/../.." && pwd)
fail() { echo "step-install: FAILED: $*"; exit 1; }
rm -rf "$out" && mkdir -p "$out"
prefix=$out/tree/usr
cmake --install "$(dirname "$bin")" --prefix "$prefix" >"$out/install.log" ||
	fail "cmake --install: $(tail -3 "$out/install.log")"
ms=$prefix/bin/mmapsuite
version=$(sed -n 's/^project(mmapsuite VERSION \([^ ]*\) .*/\1/p' "$top/CMakeLists.txt")

# 1. version
[[ $("$ms" --version) == "mmapsuite $version" ]] || fail "--version says '$("$ms" --version)'"

# 2. from /, with the shipped expectations by default, and raw with --no-expect
filter='mmap_shared/*'
run() { # NAME [ARGS...]: exit status into $out/NAME.rc
	local name=$1; shift
	local rc=0
	(cd / && "$ms" conform --fs tmpfs --filter "$filter" --out "$out/$name" "$@") \
		>"$out/$name.log" 2>&1 || rc=$?
	echo "$rc" >"$out/$name.rc"
}
run default
run raw --no-expect
[[ $(cat "$out/default.rc") -le 1 && $(cat "$out/raw.rc") -le 1 ]] ||
	fail "conform exited $(cat "$out/default.rc") / $(cat "$out/raw.rc"): $(tail -3 "$out/default.log")"
python3 - "$out" "$prefix/share/mmapsuite/kernel.expect" "$version" <<'PY' || exit 1
import glob, json, os, sys
out, shipped, version = sys.argv[1], os.path.realpath(sys.argv[2]), sys.argv[3]
def load(name):
    return json.load(open(glob.glob(f"{out}/{name}/*/results.json")[0]))
d, r = load("default"), load("raw")
problems = []
for run, name in ((d, "default"), (r, "raw")):
    if run["environment"].get("mmapsuite_version") != version:
        problems.append(f"{name}: environment.mmapsuite_version is "
                        f"{run['environment'].get('mmapsuite_version')!r}, not {version!r}")
def count(run, *outcomes):
    return sum(c["outcome"] in outcomes for c in run["conformance"])
files = {c["expectation"]["file"] for c in d["conformance"] if "expectation" in c}
if files - {shipped}:
    problems.append(f"default run matched lines of {files}, not only {shipped}")
if count(r, "xfail", "xpass"):
    problems.append("--no-expect run has xfail/xpass results")
if count(d, "fail", "xfail") != count(r, "fail"):
    problems.append(f"default fail+xfail {count(d, 'fail', 'xfail')} != raw fail {count(r, 'fail')}")
if count(d, "fail") and not count(d, "xfail"):
    problems.append("default run: failures but none matched the shipped file")
rc_d = int(open(f"{out}/default.rc").read())
rc_r = int(open(f"{out}/raw.rc").read())
if rc_d != (1 if count(d, "fail", "broken") else 0) or rc_r != (1 if count(r, "fail", "broken") else 0):
    problems.append(f"exit statuses {rc_d}/{rc_r} do not follow the outcomes")
print("step-install: " + ("; ".join(problems) if problems else
      f"{len(d['conformance'])} results; default {count(d, 'xfail')} xfail from {shipped}, "
      f"--no-expect {count(r, 'fail')} fail"))
sys.exit(1 if problems else 0)
PY
grep -q "expectations $prefix/share/mmapsuite/kernel.expect" "$out/default.log" ||
	fail "the default run does not name the shipped kernel.expect: $(grep expectations "$out/default.log")"
# The checkout's binary reads the build's copy.
"$bin/mmapsuite" conform --fs tmpfs --filter 'mmap_shared/store_past_eof*' --out "$out/checkout" \
	>"$out/checkout.log" 2>&1 || true
grep -q "expectations $(cd "$bin/.." && pwd)/share/mmapsuite/kernel.expect" "$out/checkout.log" ||
	fail "the checkout's run does not use build/share/mmapsuite/kernel.expect"

# 3. man page and completion name every option --help lists
man_text=$(man -l -P cat "$prefix/share/man/man1/mmapsuite.1" 2>/dev/null)
completion=$prefix/share/bash-completion/completions/mmapsuite
missing=()
for cmd in run conform bench env list report compare history selftest expect; do
	grep -q "^   $cmd\$" <<<"$man_text" || missing+=("man: command $cmd")
	while read -r opt; do
		grep -qe "$opt" <<<"$man_text" || missing+=("man: $cmd $opt")
		grep -q "^	$cmd)" "$completion" || missing+=("completion: command $cmd")
		sed -n "/^	$cmd)/,/;;/p" "$completion" | grep -qe "$opt\b" ||
			missing+=("completion: $cmd $opt")
	done < <("$ms" "$cmd" --help | grep -oE '^ +(-[a-zA-Z], )?--[a-z-]+' | grep -oE -- '--[a-z-]+')
done
((${#missing[@]} == 0)) || fail "${missing[*]}"
echo "step-install: installed tree runs from /, man page and completion list every option"
