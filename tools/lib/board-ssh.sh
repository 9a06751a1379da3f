# shellcheck shell=bash
# shellcheck disable=SC2154 # board, top, keep, out, timeout: set by tools/board, which sources this
# tools/board ssh://user@host[:port]: sourced by tools/board, which has parsed the options
# (board, out, timeout, fs, filter, extra, bundle, keep, top).
board_ssh() {
	local spec=${board#ssh://} user host port=22 name
	[[ $spec == *@* ]] || die "$board: name the user (ssh://user@host[:port])"
	user=${spec%%@*} host=${spec#*@}
	if [[ $host == *:* ]]; then port=${host##*:} host=${host%:*}; fi
	[[ -n $user && -n $host && $port =~ ^[0-9]+$ ]] || die "$board: use ssh://user@host[:port]"
	name=ssh-$host
	# shellcheck disable=SC2206
	local sshopts=(-p "$port" -o BatchMode=yes -o ConnectTimeout=15 ${MMAPSUITE_SSH_OPTS:-})
	rsh() { ssh "${sshopts[@]}" "$user@$host" "$@"; }
	local arch
	arch=$(rsh uname -m) || { echo "tools/board: cannot reach $user@$host:$port over ssh" >&2; exit 1; }
	work=$(mktemp -d /tmp/mmapsuite-board.XXXXXX) # global: the EXIT trap uses it
	if [[ -z $bundle ]]; then
		bundle=$work/bundle
		case $arch in
		aarch64) "$top/tools/build-aarch64" --bundle "$bundle" >/dev/null ;;
		"$(uname -m)") "$top/tools/build" && "$top/tools/bundle" "$bundle" >/dev/null ;;
		*) rm -rf "$work"; die "the board is $arch: there is no build for it (aarch64 or $(uname -m))" ;;
		esac
	fi
	# The bundle's architecture, from its loader's ELF header.
	local loader barch
	loader=$(ls "$bundle"/lib/ld-linux* 2>/dev/null | head -1)
	[[ -n $loader ]] || { rm -rf "$work"; die "$bundle is not a bundle (no lib/ld-linux*; see tools/bundle)"; }
	case $(readelf -h "$loader" | sed -n 's/ *Machine: *//p') in
	AArch64) barch=aarch64 ;; *X86-64*) barch=x86_64 ;; *) barch=unknown ;;
	esac
	if [[ $barch != "$arch" ]]; then
		rm -rf "$work"
		die "the bundle is built for $barch but the board $host is $arch: refused"
	fi
	rdir='' sleeper='' sshpid='' # globals: the EXIT trap uses them
	cleanup_ssh() {
		# Our ssh and its stdin's sleeper first: the board sees its stdin close.
		[[ -z $sleeper ]] || kill "$sleeper" 2>/dev/null || true
		[[ -z $sshpid ]] || { kill "$sshpid" 2>/dev/null; wait "$sshpid" 2>/dev/null; } || true
		# The remote side also cleans up when its stdin closes; this is the second guard.
		[[ -z $rdir ]] || rsh "rm -rf '$rdir'" 2>/dev/null || true
		if ((keep)); then echo "tools/board: kept $work" >&2; else rm -rf "$work"; fi
	}
	trap cleanup_ssh EXIT
	trap 'exit 130' INT TERM
	mkdir -p "$out"
	rdir=$(rsh 'mktemp -d /tmp/mmapsuite-board.XXXXXX') || { echo "tools/board: mktemp on $host failed" >&2; exit 1; }
	tar -C "$bundle" -cf - . | rsh "tar -C '$rdir' -xf -" ||
		{ echo "tools/board: copying the bundle to $host failed" >&2; exit 1; }
	local args=(--fs "$fs" --place "board:$name" --out "$rdir/out" "${extra[@]}")
	[[ -z $filter ]] || args+=(--filter "$filter")
	local qargs
	qargs=$(printf '%q ' "${args[@]}")
	# On the board: the suite runs in the background; when this side goes (ssh's stdin
	# closes: Ctrl-C here, or --timeout) it gets SIGTERM (the harness undoes what it made).
	# The results come back as a tar stream on stdout, the verdict on stderr; then rdir goes.
	local remote="
		d='$rdir'
		cd \"\$d\" || exit 99
		./bin/mmapsuite conform $qargs >\"\$d/log\" 2>&1 </dev/null &
		pid=\$!
		exec 3<&0 # a background list's stdin would be /dev/null
		( cat <&3 >/dev/null; kill -TERM \$pid ) >/dev/null 2>&1 &
		wait \$pid
		rc=\$?
		cat \"\$d/log\" >&2
		echo \"MMAPSUITE-EXIT \$rc\" >&2
		tar -C \"\$d/out\" -cf - .
		cd / && rm -rf \"\$d\""
	local t0=$SECONDS rc=
	mkdir -p "$work/results"
	# ssh's stdin stays open until the timeout: a sleeper we own, not waited for.
	exec 3< <(sleep "$timeout")
	sleeper=$!
	ssh "${sshopts[@]}" "$user@$host" "$remote" <&3 2>"$work/ssh.log" >"$work/results.tar" &
	sshpid=$!
	exec 3<&-
	wait "$sshpid" || true
	sshpid=
	kill "$sleeper" 2>/dev/null || true
	sleeper=
	tar -C "$work/results" -xf "$work/results.tar" 2>/dev/null || true
	rc=$(sed -n 's/^MMAPSUITE-EXIT \([0-9]*\)$/\1/p' "$work/ssh.log" | head -1)
	grep '^mmapsuite: ' "$work/ssh.log" >&2 || true
	if [[ -z $rc ]] || ((SECONDS - t0 >= timeout)); then
		echo "tools/board: no verdict from $host in ${timeout}s: stopped" >&2
		exit 1
	fi
	rdir= # removed on the board
	echo "tools/board: $name ($arch): verdict in $((SECONDS - t0)) s" >&2
	take_results "$work/results" "$rc"
	echo "results: $out/$run"
	return $((rc == 0 ? 0 : rc == 2 ? 2 : 1))
}
