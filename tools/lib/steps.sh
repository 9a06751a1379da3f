# shellcheck shell=bash
# Shared pieces of the check scripts in tools/tests/. Source it from bash (`set -uo pipefail`).
# Sourcing sets top, the source tree this file belongs to.
#
#   step_begin NAME OUT_ROOT     out=OUT_ROOT/NAME, emptied; bad=0; from then on fail WHY prints
#                                "step-NAME: FAILED: WHY" and sets bad=1
#   expect STATUS PATTERN -- COMMAND...
#                                one check (counted in checks): COMMAND exits STATUS and its
#                                output matches PATTERN (grep -E); else fail says what it did.
#                                A pass goes to ok, which prints nothing unless the script
#                                defines its own ok after sourcing
#   module_check CHECK BIN       tools/checks/module-checks CHECK (docs/checks.md) with the
#                                build of BIN; its status 3 (cannot run here) is a SKIP
#   ppc64el_place BIN OUT_ROOT NAME SPEC MMU
#                                the ppc64el guest steps (64 KiB pages, QEMU pseries POWER9,
#                                TCG): tools/tests/guest-place.sh for SPEC into OUT_ROOT/NAME,
#                                the environment recording MMU (Radix, or Hash for a -hash
#                                SPEC); SKIPs naming the package when a tool is missing
# shellcheck disable=SC2034 # top, out, bad: for the scripts that source this
top=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)

step_begin() {
	step_name=$1 out=$2/$1 bad=0
	rm -rf "$out" && mkdir -p "$out"
}
fail() { echo "step-$step_name: FAILED: $*"; bad=1; } # a script that counts failures has its own

checks=0
ok() { :; }
expect() {
	local status=$1 pattern=$2; shift 3
	checks=$((checks + 1))
	local output rc
	output=$("$@" 2>&1); rc=$?
	if [[ $rc -ne $status ]]; then
		fail "$* exited $rc, expected $status: $output"
	elif ! grep -qE -- "$pattern" <<<"$output"; then
		fail "$*: output does not match '$pattern': $output"
	else
		ok "$* -> $rc, '$pattern'"
	fi
}

module_check() {
	MMAPSUITE_BUILD=$(dirname "$2") "$top/tools/checks/module-checks" "$1"
	local rc=$?
	((rc == 3)) && { echo "SKIP: $1 cannot run here (reason above)"; exit 0; }
	exit "$rc"
}

# guest_place_step BIN ARCH PROGRAM:PACKAGE SPEC PAGE_SIZE NAME OUT [BYTE_ORDER [WORD_BITS [KERNEL_WORD_BITS]]]
#                              a guest-place step (tools/tests/guest-place.sh): SPEC's guest with
#                              the build of BIN, ARCH's cross build (GUEST_ARCH) and that QEMU
#                              (GUEST_QEMU); GUEST_TIMEOUT defaults to 3000 s (TCG under load),
#                              GUEST_FS to MATRIX_GUEST_FS
# MATRIX_GUEST_FS: the file systems of the matrix tier's place steps, tmpfs and ext4: the
# issue's verdict 0 holds on both (the gate's 16 KiB step stays on tmpfs; GUEST_FS overrides)
MATRIX_GUEST_FS=tmpfs,ext4
guest_place_step() {
	local bin=$1 arch=$2 qemu=$3
	shift 3
	MMAPSUITE_BUILD=$(dirname "$bin") GUEST_TIMEOUT=${GUEST_TIMEOUT:-3000} GUEST_ARCH=$arch GUEST_QEMU=$qemu \
		GUEST_FS=${GUEST_FS:-$MATRIX_GUEST_FS} exec "$top/tools/tests/guest-place.sh" "$@"
}

# ppc64el_place BIN OUT NAME SPEC MMU: a ppc64el guest-place step (64 KiB pages) whose MMU is MMU
ppc64el_place() {
	GUEST_MMU=$5 guest_place_step "$1" ppc64el qemu-system-ppc64:qemu-system-ppc "$4" 65536 "$3" "$2/$3"
}
