#!/usr/bin/env bash
# step: Debian packages: build from a clean copy, lintian, install into a fresh Debian 12 root, purge
exec "$(dirname "$0")/package-check.sh" "$1" "$2" gate
