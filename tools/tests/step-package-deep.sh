#!/usr/bin/env bash
# step: Debian packages in a fresh root: autopkgtests, run --no-bench, dkms build for 6.1 and 6.12
# tier: deep
exec "$(dirname "$0")/package-check.sh" "$1" "$2" deep
