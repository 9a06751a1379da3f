#!/usr/bin/env bash
# step: a hostile local user against a root run on the default paths: refused or unaffected
# Plays the unprivileged user (nobody) of issue 18 against root runs of `mmapsuite conform` on
# the suite's default state paths (no MMAPSUITE_* test hooks). Everything happens inside
# `unshare --mount --net`: fresh tmpfs mounts over /run, /var/tmp, /var/lib (so
# /var/lib/mmapsuite starts absent, as on a fresh host) and /tmp, and stand-ins bind-mounted over the
# machine settings the suite puts back (lib/machine_settings.c), so no attack reaches the real
# machine; the private network namespace keeps the squatted abstract socket away from other
# runs. After each root run: it exited as expected, no file appeared outside the run's own
# directories (its --out, and root-owned 0700 /run/mmapsuite and /var/lib/mmapsuite), nothing
# the attacker owns changed, and every setting reads as before. Each failed check is printed
# as "CHECK FAILED: <attack>: <what>".
# Usage: step-hostile.sh BIN_DIR OUT_DIR (as tools/test calls it).
set -uo pipefail
bin=$1 out=$2/hostile
self=$(cd "$(dirname "$0")" && pwd)/$(basename "$0")

if [[ ${3:-} != --inside ]]; then
	if [[ $(id -u) -ne 0 ]]; then
		echo "step-hostile: SKIP: plays a user against a root run, so needs root"
		exit 0
	fi
	for tool in unshare runuser setpriv python3 mkfifo prlimit; do
		command -v "$tool" >/dev/null || { echo "step-hostile: $tool is missing"; exit 1; }
	done
	id nobody >/dev/null 2>&1 || { echo "step-hostile: no user nobody"; exit 1; }
	# Machine-wide sysctls: read, never changed. The checks hold with 0 (no kernel help).
	echo "step-hostile: fs.protected_symlinks=$(cat /proc/sys/fs/protected_symlinks)" \
		"fs.protected_regular=$(cat /proc/sys/fs/protected_regular)"
	rm -rf "$out" && mkdir -p "$out" && chmod 0711 "$out"
	# The mounts end with the namespace; the work directory (stand-ins, results) goes here.
	trap 'rm -rf "$out/work"' EXIT
	trap 'exit 130' INT TERM
	unshare --mount --net --propagation private -- "$self" "$1" "$2" --inside
	exit
fi

# ---- inside the private mount and network namespaces ----
# The checkout may lie under a directory this step covers (CI may clone under /tmp) or under one
# nobody cannot enter (/root): the binaries are bound back at their path after every cover, and
# the work happens on a tmpfs of the step's own over /mnt. Logs are copied to $out at the end.
bin=$(realpath "$bin")
covers=(/run /var/tmp /var/lib /tmp)
for d in "${covers[@]}"; do
	[[ $bin == "$d"/* ]] && { exec {old_cover}<"$d"; bin_cover=$d; }
done
keep_bin() { # binds $bin back where a fresh tmpfs over $bin_cover hid it
	[[ -n ${bin_cover:-} ]] || return 0
	mkdir -p "$bin" && mount --no-canonicalize --bind "/proc/self/fd/$old_cover${bin#"$bin_cover"}" "$bin"
}
saved_out=$out
mount -t tmpfs -o mode=0755 hostile-work /mnt || exit 1
out=/mnt
trap 'cp -a "$out"/*.log "$saved_out"/ 2>/dev/null' EXIT
work=$out/work # root-owned 0711: nobody reaches only the shared results root a check makes in it
mkdir -m 0711 "$work" || exit 1
ip link set lo up 2>/dev/null || true
fail=0 attack=setup
check_failed() { echo "CHECK FAILED: $attack: $*"; fail=1; }
as_nobody() { runuser -u nobody -- "$@"; }
# Starts an attacker that runs in the background, its output in log; its pid joins pids.
# setpriv and env exec in place, so $! is the attacker itself (killing runuser, or a
# backgrounded function's subshell, would leave it running).
start_as_nobody() { # log command...
	local log=$1
	shift
	setpriv --reuid=nobody --regid="$(id -g nobody)" --clear-groups -- \
		env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin LANG=C.UTF-8 "$@" >"$log" 2>&1 &
	pids+=($!)
}
pids=()
stop_attackers() {
	local p ours
	for p in "${pids[@]}"; do kill "$p" 2>/dev/null; wait "$p" 2>/dev/null; done
	pids=()
	# Anything of nobody's still in this private network namespace was started here.
	ours=$(readlink /proc/self/ns/net)
	for p in $(pgrep -u nobody); do
		[[ $(readlink "/proc/$p/ns/net" 2>/dev/null) == "$ours" ]] && kill "$p" 2>/dev/null
	done
}
trap 'stop_attackers; cp -a "$out"/*.log "$saved_out"/ 2>/dev/null' EXIT
trap 'exit 130' INT TERM

# The hugetlb pool of the default huge page size (2048 kB on x86_64, 16 MiB on hash ppc64...).
hp_kb=$(awk '/^Hugepagesize:/ {print $2}' /proc/meminfo)
hp_pool=/sys/kernel/mm/hugepages/hugepages-${hp_kb:-2048}kB/nr_hugepages
settings=(/proc/sys/vm/overcommit_memory /proc/sys/vm/max_map_count /sys/kernel/mm/ksm/run
	"$hp_pool"
	/proc/sys/vm/swappiness) # the last is not in the suite's list: it must never be written
fakes=$work/fakes
mkdir -m 0755 "$fakes"
declare -A original
for s in "${settings[@]}"; do
	[[ -e $s ]] || continue
	f=$fakes/$(echo "$s" | tr / _)
	original[$s]=$(cat "$s")
	echo "${original[$s]}" >"$f"
	chmod 0644 "$f" # readable, as the real files are: the hugetlb lock was a flock of it
	mount --bind "$f" "$s" || { echo "step-hostile: cannot bind a stand-in over $s"; exit 1; }
done

varlib=/var/lib
fresh_mounts() {
	local d
	for d in /run /var/tmp "$varlib" /tmp; do
		mountpoint -q "$d" && [[ -e $d/.hostile-tmpfs ]] && umount -l "$d"
	done
	mount -t tmpfs -o mode=0755 hostile /run && touch /run/.hostile-tmpfs
	mount -t tmpfs -o mode=1777 hostile /var/tmp && touch /var/tmp/.hostile-tmpfs
	mount -t tmpfs -o mode=0755 hostile "$varlib" && touch "$varlib/.hostile-tmpfs"
	mount -t tmpfs -o mode=1777 hostile /tmp && touch /tmp/.hostile-tmpfs
	keep_bin
	for s in "${!original[@]}"; do
		echo "${original[$s]}" >"$fakes/$(echo "$s" | tr / _)"
	done
}

# Every file in the places a run or an attacker may touch: path, owner, type.
listing() {
	find /run /var/tmp "$varlib" /tmp "$work/shared" -xdev -printf '%p\t%u\t%y\n' 2>/dev/null |
		sort
}
# What the attacker owns, with contents, outside the run's own directories (where the reaper may
# remove what a dead run left).
attacker_digest() {
	local p type target
	find /run /var/tmp "$varlib" /tmp "$work/shared" -xdev -user nobody -printf '%p\t%y\t%l\n' \
		2>/dev/null | sort | while IFS=$'\t' read -r p type target; do
		owned_by_run "$p" "$work/none" && continue
		printf '%s %s %s %s\n' "$p" "$type" "$target" \
			"$([[ $type == f ]] && sha256sum <"$p" | cut -c1-64)"
	done
}

# A new path is the run's own if it lies in its results directory, or in /run/mmapsuite or
# /var/lib/mmapsuite while those are root-owned 0700 directories, or (shared results root) in
# a root-owned directory the run created there.
owned_by_run() { # path results_dir
	local p=$1 results=$2 root
	[[ $p == "$results" || $p == "$results"/* ]] && return 0
	for root in /run/mmapsuite /var/lib/mmapsuite; do
		if [[ $p == "$root" || $p == "$root"/* ]]; then
			[[ ! -L $root && $(stat -c '%u %a' "$root") == "0 700" ]] && return 0
			return 1
		fi
	done
	if [[ $p == "$work/shared/"* ]]; then
		local top=${p#"$work/shared/"}
		top=$work/shared/${top%%/*}
		[[ -d $top && ! -L $top && $(stat -c %u "$top") == 0 ]] && return 0
	fi
	return 1
}

before_files='' before_attacker=''
snapshot() {
	before_files=$(listing)
	before_attacker=$(attacker_digest)
}
# After a root run: nothing outside its own directories, the attacker's files as they were,
# every setting as it was.
verify() { # results_dir
	local results=$1 p s now
	while IFS=$'\t' read -r p _ _; do
		owned_by_run "$p" "$results" || check_failed "$p appeared outside the run's own directories"
	done < <(comm -13 <(echo "$before_files") <(listing))
	[[ $(attacker_digest) == "$before_attacker" ]] ||
		check_failed "files the attacker owns changed: $(diff <(echo "$before_attacker") \
			<(attacker_digest) | grep '^[<>]' | head -5 | tr '\n' ' ')"
	for s in "${!original[@]}"; do
		now=$(cat "$s")
		[[ $now == "${original[$s]}" ]] || check_failed "$s reads $now, was ${original[$s]}"
	done
}

filter='devmem/*' # 8 tests; all SKIP without /dev/mem, in under a second
n=0
# Runs a root conform into a fresh results directory (or --out given as $1=-o DIR); sets
# rc, results, log. Extra arguments go to mmapsuite.
root_run() {
	n=$((n + 1))
	results=$work/results-$n log=$out/run-$n.log
	local start=$SECONDS
	env -u MMAPSUITE_OUT "$@" "$bin/mmapsuite" conform --fs tmpfs --filter "$filter" \
		--out "${out_dir:-$results}" >"$log" 2>&1 </dev/null
	rc=$? elapsed=$((SECONDS - start))
	[[ -n ${out_dir:-} ]] && results=$out_dir
}
messages() { # results root -> "test message" lines of its runs
	cat "$1"/*/conform-tmpfs.jsonl 2>/dev/null |
		python3 -c 'import json,sys
for l in sys.stdin: r=json.loads(l); print(r["test"], r["outcome"], r.get("message",""))' | sort
}
expect_clean_run() { # what: the run must exit 0 as the baseline did
	[[ $rc -eq 0 ]] || check_failed "the root run exited $rc: $(tail -2 "$log" | tr '\n' ' ')"
}

# ---- baseline: the run on untouched paths works here ----
attack=baseline
fresh_mounts; snapshot
root_run
expect_clean_run
verify "$results"
baseline_messages=$(messages "$results") baseline_elapsed=$elapsed
[[ -n $baseline_messages ]] || check_failed "no results from $filter"
echo "step-hostile: baseline root run: exit $rc in $elapsed s"

# ---- attack 1: planted settings snapshots ----
attack="1 planted /var/tmp/mmapsuite/1-1/settings"
fresh_mounts
as_nobody sh -c 'mkdir -p /var/tmp/mmapsuite/1-1 && cat >/var/tmp/mmapsuite/1-1/settings' <<EOF
/proc/sys/vm/overcommit_memory=2
/proc/sys/vm/max_map_count=1
/sys/kernel/mm/ksm/run=1
$hp_pool=4096
EOF
snapshot; root_run; expect_clean_run; verify "$results"

attack="1 planted areas and snapshots under the root-owned state roots"
fresh_mounts
# Root's roots are 0700: no other user reaches them. What could still be there is an area of
# another user (a run with another uid) or a snapshot holding values no run of the suite
# records; the reaper must put back neither. Both layouts are planted: the snapshot beside the
# areas in /run/mmapsuite (<area>.settings) and inside the area (<area>/settings).
mkdir -m 0700 /run/mmapsuite /var/lib/mmapsuite
for area in 1-1 1-2 1-3; do
	mkdir -m 0700 "/var/lib/mmapsuite/$area"
	echo "1 1 another-boot pid:[1]" >"/var/lib/mmapsuite/$area/owner" # a dead run's
done
printf '%s\n' /proc/sys/vm/overcommit_memory=2 /proc/sys/vm/max_map_count=1 \
	/sys/kernel/mm/ksm/run=1 "$hp_pool=4096" |
	tee /run/mmapsuite/1-1.settings /run/mmapsuite/1-3.settings >/var/lib/mmapsuite/1-1/settings
chown -R nobody /var/lib/mmapsuite/1-1 /run/mmapsuite/1-1.settings # another user's area
chown nobody /run/mmapsuite/1-3.settings # root's area, another user's snapshot file
printf '%s\n' /proc/sys/vm/overcommit_memory=7 /proc/sys/vm/max_map_count=-1 \
	/sys/kernel/mm/ksm/run=foo "$hp_pool=99999999999999999999" \
	/proc/sys/vm/swappiness=0 |
	tee /run/mmapsuite/1-2.settings >/var/lib/mmapsuite/1-2/settings
# A link in place of an area, to another user's look-alike, and a link in place of a dead
# area's snapshot: neither may be followed.
as_nobody sh -c 'mkdir /tmp/evil-area && echo "1 1 another-boot pid:[1]" >/tmp/evil-area/owner &&
	echo keep >/tmp/evil-area/keep && echo /proc/sys/vm/overcommit_memory=2 >/tmp/evil-snapshot'
ln -s /tmp/evil-area /var/lib/mmapsuite/1-4
mkdir -m 0700 /var/lib/mmapsuite/1-5
echo "1 1 another-boot pid:[1]" >/var/lib/mmapsuite/1-5/owner
ln -s /tmp/evil-snapshot /run/mmapsuite/1-5.settings
ln -s /tmp/evil-snapshot /var/lib/mmapsuite/1-5/settings
snapshot; root_run
[[ $rc -eq 0 || $rc -eq 2 ]] || check_failed "the root run exited $rc"
verify "$results"

# Records, as nobody, every name that appears in dir while a run lasts: a run that used the
# attacker's directory and cleaned up after itself still used it. setpriv execs in place, so
# the pid kept is the watcher's own (runuser would leave it running when killed).
watch_dir() { # dir log
	start_as_nobody "$2" python3 -c '
import os, sys, time
seen = set()
while True:
    try:
        names = os.listdir(sys.argv[1])
    except OSError:
        names = []
    for name in names:
        if name not in seen:
            seen.add(name)
            print(name, flush=True)
    time.sleep(0.005)' "$1"
}

# ---- attack 2: a link in place of the state root ----
attack="2 symlink /var/tmp/mmapsuite to the attacker's directory"
fresh_mounts
as_nobody sh -c 'mkdir /tmp/evil-state && ln -s /tmp/evil-state /var/tmp/mmapsuite'
watch_dir /tmp/evil-state "$work/seen"
snapshot; root_run; expect_clean_run; verify "$results"
stop_attackers
[[ ! -s $work/seen ]] || check_failed "root used /tmp/evil-state: $(head -3 "$work/seen" | tr '\n' ' ')"

for root in /run/mmapsuite /var/lib/mmapsuite; do
	attack="2 state root $root a link to, or owned by, another user"
	for how in link owned; do
		fresh_mounts
		as_nobody mkdir /tmp/evil-state
		if [[ $how == link ]]; then
			ln -s /tmp/evil-state "$root"
			watch_dir /tmp/evil-state "$work/seen"
		else
			mkdir -m 0700 "$root" && chown nobody "$root"
			watch_dir "$root" "$work/seen"
		fi
		snapshot; root_run
		stop_attackers
		if [[ $rc -eq 2 ]]; then
			grep -q "$root" "$log" || check_failed "($how) exit 2 without naming $root: $(tail -1 "$log")"
		elif [[ $rc -ne 0 ]]; then
			check_failed "($how) the root run exited $rc: $(tail -1 "$log")"
		fi
		verify "$results"
		[[ ! -s $work/seen ]] ||
			check_failed "($how) root used the attacker's directory: $(head -3 "$work/seen" | tr '\n' ' ')"
	done
done

# ---- attacks 3 and 4: a shared (1777) results root ----
shared_root() {
	rm -rf "$work/shared" && mkdir -m 1777 "$work/shared" && chmod 1777 "$work/shared"
	chmod 0711 "$work"
}
attack="3 planted run-directory names in a shared results root"
fresh_mounts; shared_root
as_nobody sh -c 'mkdir /tmp/evil-results && echo attacker >/tmp/evil-results/summary.md'
go=$work/go pidfile=$work/victim.pid
mkfifo -m 0600 "$go"
n=$((n + 1)) log=$out/run-$n.log
# The attacker learns the victim's pid as one who watches /proc would, and plants the
# run-directory names of the next 90 seconds for it (the issue's attacker, who could not know
# the pid, planted 30,000 names).
bash -c 'echo $$ >"$0"; read -r _ <"$1"; exec "${@:2}"' "$pidfile" "$go" \
	env -u MMAPSUITE_OUT "$bin/mmapsuite" conform --fs tmpfs --filter "$filter" \
	--out "$work/shared" >"$log" 2>&1 &
victim=$!
for _ in $(seq 50); do [[ -s $pidfile ]] && break; sleep 0.1; done
host=$(hostname | tr '/ ' '__')
as_nobody python3 -c '
import os, sys, time
root, host, pid = sys.argv[1:4]
now = int(time.time())
for t in range(now - 2, now + 90):
    stamp = time.strftime("%Y%m%dT%H%M%SZ", time.gmtime(t))
    os.symlink("/tmp/evil-results", f"{root}/{stamp}-{host}-{pid}")
' "$work/shared" "$host" "$(cat "$pidfile")"
snapshot
echo go >"$go"
wait "$victim"
rc=$?
[[ $rc == 0 || $rc == 2 ]] || check_failed "the root run exited $rc: $(tail -1 "$log")"
verify "$work/none"
[[ $(ls -A /tmp/evil-results) == summary.md && $(cat /tmp/evil-results/summary.md) == attacker ]] ||
	check_failed "root wrote into /tmp/evil-results: $(ls -A /tmp/evil-results | head -5 | tr '\n' ' ')"

attack="4 symlink history.sqlite in a shared results root"
fresh_mounts; shared_root
as_nobody sh -c 'mkdir -m 0777 /tmp/evil-db && ln -s /tmp/evil-db/history.sqlite '"$work"'/shared/history.sqlite'
snapshot
out_dir=$work/shared root_run
[[ $rc -eq 0 || $rc -eq 2 ]] || check_failed "the root run exited $rc: $(tail -1 "$log")"
verify "$work/none"
[[ -z $(ls -A /tmp/evil-db) ]] || check_failed "root created $(ls -A /tmp/evil-db | tr '\n' ' ')in /tmp/evil-db"
rm -rf "$work/shared"; chmod 0711 "$work"

# ---- attack 5: another user holds the locks ----
attack="5 another user holds the settings and hugetlb locks"
fresh_mounts
root_run # creates whatever state and lock files a root run keeps
probed=0
while IFS= read -r f; do
	probed=$((probed + 1))
	as_nobody sh -c "exec 3<'$f'" 2>/dev/null && check_failed "nobody can open $f"
done < <(find /run/mmapsuite /var/lib/mmapsuite -xdev -type f 2>/dev/null)
((probed > 0)) || check_failed "the root run left no lock file in /run/mmapsuite to probe"
for f in /run/mmapsuite/settings.lock /run/mmapsuite/hugetlb.lock /run/mmapsuite/x.lock \
	/var/lib/mmapsuite/x; do
	as_nobody sh -c ": >'$f'" 2>/dev/null && check_failed "nobody can create $f"
done
hugetlb=$hp_pool
start_as_nobody "$work/squatter.out" python3 -c '
import fcntl, os, socket, sys, time
s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
s.bind("\0mmapsuite-settings-lock")
f = open(sys.argv[1])
fcntl.flock(f, fcntl.LOCK_EX)
print("held", flush=True)
time.sleep(600)' "$hugetlb"
for _ in $(seq 50); do grep -qs held "$work/squatter.out" && break; sleep 0.1; done
grep -q held "$work/squatter.out" || check_failed "the squatter could not start: $(cat "$work/squatter.out")"
snapshot; root_run; expect_clean_run; verify "$results"
[[ $(messages "$results") == "$baseline_messages" ]] || check_failed "outcomes differ from the baseline"
# The old harness waited 10 s for each lock it could not get, then went on without it.
((elapsed < baseline_elapsed + 8)) ||
	check_failed "the run took $elapsed s against $baseline_elapsed s: it waited for a lock another user holds"
stop_attackers

# ---- attack 6: /dev/mem writes from the environment ----
attack="6 MMAPSUITE_ALLOW_WRITE and MMAPSUITE_GPIO_PIN in the environment"
fresh_mounts
snapshot; root_run MMAPSUITE_ALLOW_WRITE=1; expect_clean_run; verify "$results"
snapshot; root_run MMAPSUITE_ALLOW_WRITE=1 MMAPSUITE_GPIO_PIN=17; expect_clean_run; verify "$results"
[[ $(messages "$results") == "$baseline_messages" ]] ||
	check_failed "the devmem tests read the variables: $(diff <(echo "$baseline_messages") \
		<(messages "$results") | grep '^>' | head -2 | tr '\n' ' ')"

# ---- bad inputs: each exits 2 (or 3 where recording fails) with a message, writes nothing ----
bad_input() { # title expected-status command... (the output must match every ERE of $need)
	attack="bad input: $1"
	local want=$2 pattern before_work
	shift 2
	snapshot
	before_work=$(find "$work" -xdev | sort)
	# At most 15 s: the old code hung on a FIFO.
	timeout 15 "$@" >"$out/bad.log" 2>&1 </dev/null
	local got=$?
	[[ $got -eq $want ]] || check_failed "exit $got, want $want: $(tail -1 "$out/bad.log")"
	for pattern in "${need[@]}"; do
		tr '\n' ' ' <"$out/bad.log" | grep -qiE -- "$pattern" ||
			check_failed "the message does not match /$pattern/: $(tail -1 "$out/bad.log")"
	done
	verify "$work/none"
	[[ $(find "$work" -xdev | sort) == "$before_work" ]] ||
		check_failed "wrote $(comm -13 <(echo "$before_work") <(find "$work" -xdev | sort) | head -3 | tr '\n' ' ')"
}
fresh_mounts
ms=$bin/mmapsuite
conform=("$ms" conform --fs tmpfs --filter "$filter" --out "$work/bad-results")
mkfifo -m 0600 "$work/fifo"
printf '%s\n' 'devmem/* fs=[tmpfs reason="a malformed pattern"' >"$work/malformed.expect"
: >"$work/a-file"
mkdir -m 0700 "$work/full" && mount -t tmpfs -o size=4k hostile "$work/full" &&
	dd if=/dev/zero of="$work/full/filler" bs=4k count=1 status=none 2>/dev/null
run_dir=$(ls -d "$work"/results-1/*/ | head -1)
need=(/dev/zero)
# At most 1 GiB of address space: the old code read /dev/zero until memory ran out.
bad_input "--expect /dev/zero" 2 prlimit --as=$((1 << 30)) "${conform[@]}" --expect /dev/zero
need=("$work/fifo")
bad_input "--expect on a FIFO" 2 "${conform[@]}" --expect "$work/fifo"
need=('malformed\.expect' '(line |:)1[^0-9]' 'fs')
bad_input "a malformed pattern in an expectation line" 2 \
	"${conform[@]}" --expect "$work/malformed.expect"
need=('selects no test')
bad_input "conform --fs ," 2 "$ms" conform --fs , --out "$work/bad-results"
bad_input "a --filter that selects no test" 2 \
	"$ms" conform --fs tmpfs --filter 'no-such-suite/*' --out "$work/bad-results"
need=("$work/a-file")
bad_input "report --out a regular file" 2 "$ms" report --out "$work/a-file" "$run_dir"
need=('space|full')
bad_input "expect --out on a full disk" 3 \
	"$ms" expect --from "$run_dir" --out "$work/full/known.expect"
truncate -s 5M "$work/big.expect"
need=("$work/big.expect")
bad_input "--expect of a 5 MiB file" 2 "${conform[@]}" --expect "$work/big.expect"
# Results roots a root run must refuse: writable by others without the sticky bit, another
# user's.
mkdir -m 0777 "$work/open-results" && chmod 0777 "$work/open-results"
mkdir -m 0755 "$work/their-results" && chown nobody "$work/their-results"
need=("$work/open-results")
bad_input "a results root others may write (0777)" 2 \
	"$ms" conform --fs tmpfs --filter "$filter" --out "$work/open-results"
need=("$work/their-results")
bad_input "a results root owned by another user" 2 \
	"$ms" conform --fs tmpfs --filter "$filter" --out "$work/their-results"
need=(ambiguous -- --filter -- --fs)
bad_input "an ambiguous option prefix --f" 2 "$ms" conform --f x
umount -l "$work/full" 2>/dev/null

if ((fail)); then
	echo "step-hostile: FAILED (logs in $saved_out)"
	exit 1
fi
echo "step-hostile: every attack refused or without effect; every bad input refused"
