#!/usr/bin/env bash
# step: relocatable bundle runs from another directory with every library inside it
set -euo pipefail
bin=$1 out=$2
top=$(cd "$(dirname "$0")/../.." && pwd)
dest=$out/bundle
MMAPSUITE_BUILD=$(dirname "$bin") "$top/tools/bundle" "$dest" >/dev/null
for f in "$dest"/mmapsuite "$dest"/mmapsuite-conform; do
	outside=$(ldd "$f" | awk '/=>/ {print $3}' | grep -v "^$dest/" || true)
	if [[ -n $outside ]]; then
		echo "$f loads libraries from outside the bundle: $outside"
		exit 1
	fi
done
cd /
env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin "$dest/mmapsuite" conform --fs tmpfs \
	--filter 'mmap_anonymous/*' --out "$out/bundle-run"
