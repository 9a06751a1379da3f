#!/usr/bin/env bash
# step: benchmark cases keep their state per variant (two variants of one case at once)
set -uo pipefail
bin=$1
exec "$bin/mmapsuite-bench-unit"
