#!/usr/bin/env bash
# step: MMAPSUITE_* variables are read only through lib/trusted_env.c
# Every MMAPSUITE_* variable the C code reads goes through ms_env(), which knows the one list and
# refuses an untrusted path in a root run: a direct getenv("MMAPSUITE_...") elsewhere bypasses
# both. (That docs/security.md lists exactly ms_env_vars is the unit test
# trusted_env/security_doc_lists_exactly_the_variables.)
set -uo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
cd "$top" || exit 1
found=$(git ls-files -z -- '*.c' '*.h' |
	grep -zv '^lib/trusted_env\.c$' |
	xargs -0 grep -nE '(secure_)?getenv *\( *"MMAPSUITE_' 2>/dev/null)
if [[ -n $found ]]; then
	echo "step-env-vars: these read MMAPSUITE_* directly instead of through ms_env():"
	echo "$found"
	exit 1
fi
echo "step-env-vars: no getenv(\"MMAPSUITE_...\") outside lib/trusted_env.c"
