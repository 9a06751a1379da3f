#!/usr/bin/env bash
# step: options: every option a command's --help lists is parsed by that command (--help and parsing share one table)
# For each command and each option of its --help: `mmapsuite CMD --OPTION [VALUE] --bogus` must
# fail on --bogus (exit 2, naming it), which shows --OPTION and its value were taken. Nothing
# runs: the unknown option stops the command before it writes anything.
#   step-options.sh BIN_DIR OUT_DIR
set -uo pipefail
ms=$1/mmapsuite work=$2/options
rm -rf "$work" && mkdir -p "$work"
fails=0 checks=0
fail() { echo "step-options: FAILED: $*"; fails=$((fails + 1)); }

# A value the parser accepts for an option (values are checked while parsing for some).
value_for() {
	case $1 in
	--fs) echo tmpfs ;; --fs-size) echo 64 ;; --fault) echo anon_not_zeroed ;; --profile) echo quick ;; --max-size) echo 4M ;;
	--jobs | --gpio-pin | --time-factor | --side-by-side) echo 2 ;; --run-timeout) echo 60 ;; --fail-on-regression) echo 5 ;;
	--dir | --fs-path) echo "$work" ;; *) echo "$work/value" ;;
	esac
}

for cmd in run conform bench env list expect report compare history selftest; do
	help=$("$ms" "$cmd" --help) || { fail "$cmd --help exited $?"; continue; }
	# Option lines: "  --name ARG  help" or "  -x, --name ARG  help".
	n=0
	while read -r opt arg; do
		[[ $opt == --help || $opt == --list ]] && continue
		args=("$opt")
		[[ -n $arg ]] && args+=("$(value_for "$opt")")
		checks=$((checks + 1)) n=$((n + 1))
		out=$("$ms" "$cmd" "${args[@]}" --bogus --out "$work/never" 2>&1); rc=$?
		if [[ $rc -ne 2 || $out != *"unknown option '--bogus'"* ]]; then
			fail "$cmd ${args[*]} --bogus: exit $rc: $out"
		fi
	done < <(sed -nE 's/^  (-[a-zA-Z], )?(--[a-z][a-z-]*)( ([^ ]+))?  .*/\2 \4/p' <<<"$help")
	[[ $n -gt 0 || $cmd == env ]] || fail "$cmd --help lists no option"
done
checks=$((checks + 1))
[[ ! -e $work/never ]] || fail "a refused command created $work/never"

echo "step-options: $((checks - fails)) of $checks checks passed"
[[ $fails -eq 0 ]]
