#!/usr/bin/env bash
# step: static analysis: cppcheck, gcc -fanalyzer, shellcheck
# tools/checks/static-analysis (docs/checks.md): 0 findings from each tool, every suppression
# at its line with its reason. About 2 minutes on 2 CPUs, most of it gcc -fanalyzer.
set -uo pipefail
bin=$1
top=$(cd "$(dirname "$0")/../.." && pwd)
MMAPSUITE_BUILD=$(dirname "$bin") "$top/tools/checks/static-analysis"
