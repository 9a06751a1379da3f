#!/usr/bin/env bash
# step: tools/board ssh://: a real sshd on 127.0.0.1 (started and stopped here) with the host build as the board: results back, nothing left behind, a foreign bundle refused
set -euo pipefail
bin=$1 out=$2/board-ssh
top=$(cd "$(dirname "$0")/../.." && pwd)
[[ -x /usr/sbin/sshd ]] || { echo "no /usr/sbin/sshd: install openssh-server (tools/deps)"; exit 1; }
rm -rf "$out" && mkdir -p "$out"
work=$(mktemp -d /tmp/mmapsuite-sshd.XXXXXX)
sshd_pid=
cleanup() {
	[[ -z $sshd_pid ]] || kill "$sshd_pid" 2>/dev/null || true
	rm -rf "$work"
}
trap cleanup EXIT
ssh-keygen -q -t ed25519 -N '' -f "$work/host_key"
ssh-keygen -q -t ed25519 -N '' -f "$work/user_key"
cp "$work/user_key.pub" "$work/authorized_keys"
chmod 600 "$work/authorized_keys"
# A free port chosen by the kernel.
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
mkdir -p /run/sshd
cat >"$work/sshd_config" <<CONF
ListenAddress 127.0.0.1
Port $port
HostKey $work/host_key
AuthorizedKeysFile $work/authorized_keys
PermitRootLogin prohibit-password
PasswordAuthentication no
KbdInteractiveAuthentication no
UsePAM no
StrictModes no
PidFile $work/sshd.pid
CONF
/usr/sbin/sshd -D -e -f "$work/sshd_config" 2>"$work/sshd.log" &
sshd_pid=$!
export MMAPSUITE_SSH_OPTS="-i $work/user_key -o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null -o LogLevel=ERROR"
for _ in $(seq 50); do ssh -p "$port" $MMAPSUITE_SSH_OPTS -o BatchMode=yes root@127.0.0.1 true 2>/dev/null && break; sleep 0.2; done
board=ssh://root@127.0.0.1:$port
board_dirs() { shopt -s nullglob; local d=(/tmp/mmapsuite-board.*); echo ${#d[@]}; }
before=$(board_dirs)

# 1. A run on the "board": results come back marked board:ssh-127.0.0.1.
bundle=$work/bundle
MMAPSUITE_BUILD=$(dirname "$bin") "$top/tools/bundle" "$bundle" >/dev/null
"$top/tools/board" "$board" --bundle "$bundle" --filter "mmap_anonymous/*"  --out "$out/run" || { echo "tools/board exit $?"; exit 1; }
python3 - "$out/run" <<'PY'
import glob, json, sys
r = json.load(open(glob.glob(sys.argv[1] + "/*/results.json")[0]))
assert r["place"] == "board:ssh-127.0.0.1", r["place"]
assert len(r["conformance"]) > 5 and all(c["outcome"] in ("pass", "skip") for c in r["conformance"])
PY

# 2. Interrupted half-way: nothing left on the board.
"$top/tools/board" "$board" --bundle "$bundle" --out "$out/interrupted" &
pid=$!
# Interrupt once the test binary runs on the board (a fixed delay raced the whole run: 5 s).
for _ in $(seq 300); do
	pgrep -f 'mmapsuite-board\..*/libexec/mmapsuite-conform' >/dev/null && break
	kill -0 "$pid" 2>/dev/null || { echo "the board run ended before it could be interrupted"; exit 1; }
	sleep 0.1
done
kill -TERM "$pid" # (a background job of a script ignores SIGINT; Ctrl-C takes the same path)
rc=0
wait "$pid" || rc=$?
[[ $rc -ne 0 ]] || { echo "an interrupted board run exited 0"; exit 1; }
sleep 3
after=$(board_dirs)
[[ $after -le $before ]] || { echo "left behind: $(ls -d /tmp/mmapsuite-board.*)"; exit 1; }
if pgrep -f 'mmapsuite-board\..*/libexec/mmapsuite' >/dev/null; then
	echo "the suite still runs on the board"; exit 1
fi
[[ -z $(ls -A "$out/interrupted" 2>/dev/null) ]] || { echo "an interrupted run brought results"; exit 1; }

# 3. A bundle of another architecture is refused with exit 2.
fake=$work/fake && mkdir -p "$fake/lib" && cp /usr/aarch64-linux-gnu/lib/ld-linux-aarch64.so.1 "$fake/lib/" 2>/dev/null ||
	{ echo "no arm64 loader to fake a foreign bundle (gcc-aarch64-linux-gnu)"; exit 1; }
set +e
msg=$("$top/tools/board" "$board" --bundle "$fake" --out "$out/refused" 2>&1)
rc=$?
set -e
[[ $rc -eq 2 && $msg == *"aarch64"*"x86_64"* ]] || { echo "foreign bundle: exit $rc: $msg"; exit 1; }
echo "ssh board: run, interruption and refusal checked"
