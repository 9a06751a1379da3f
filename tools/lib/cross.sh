# shellcheck shell=bash
# What a cross build needs to know of a Debian architecture. Source it from bash.
#   cross_triplet ARCH     the GNU triplet of Debian's cross toolchain (gcc-TRIPLET)
#   cross_multiarch ARCH   the directory of ARCH's libraries and headers in Debian's packages
#                          (lib/TUPLE): the triplet but for i386 (i686-linux-gnu's libraries
#                          are in lib/i386-linux-gnu)
#   cross_meson ARCH       "cpu_family cpu endian" for a meson cross file
#   cross_build_dir ARCH   the build directory's name (build-aarch64, build-ppc64le, ...)
#   cross_kernel_arch ARCH Kbuild's ARCH= for the architecture's kernel (x86, powerpc, s390, ...)
#   cross_elf_deps DIRS FILE  the libraries FILE (an ELF object of any architecture: ldd cannot
#                          run its loader) loads, found from the ELF headers in DIRS
#                          (colon-separated, searched in order): its interpreter, then every
#                          DT_NEEDED, recursively; one path a line; fails naming a missing one
cross_triplet() {
	case $1 in
	amd64) echo x86_64-linux-gnu ;;
	arm64) echo aarch64-linux-gnu ;;
	ppc64el) echo powerpc64le-linux-gnu ;;
	s390x) echo s390x-linux-gnu ;;
	armhf) echo arm-linux-gnueabihf ;;
	i386) echo i686-linux-gnu ;;
	*) echo "cross: no triplet known for Debian architecture '$1'" >&2; return 2 ;;
	esac
}
cross_multiarch() {
	case $1 in
	i386) echo i386-linux-gnu ;;
	*) cross_triplet "$1" ;;
	esac
}
cross_meson() {
	case $1 in
	arm64) echo aarch64 aarch64 little ;;
	ppc64el) echo ppc64 ppc64le little ;;
	s390x) echo s390x s390x big ;;
	armhf) echo arm armv7 little ;;
	i386) echo x86 i686 little ;;
	*) echo "cross: no meson machine known for Debian architecture '$1'" >&2; return 2 ;;
	esac
}
cross_build_dir() {
	case $1 in
	arm64) echo build-aarch64 ;;
	ppc64el) echo build-ppc64le ;;
	*) echo "build-$1" ;;
	esac
}
cross_kernel_arch() {
	case $1 in
	amd64) echo x86 ;;
	arm64) echo arm64 ;;
	ppc64el) echo powerpc ;;
	s390x) echo s390 ;;
	armhf) echo arm ;;
	i386) echo x86 ;;
	*) echo "cross: no kernel architecture known for Debian architecture '$1'" >&2; return 2 ;;
	esac
}

_cross_find() { # DIRS NAME
	local d dirs
	IFS=: read -ra dirs <<<"$1"
	for d in "${dirs[@]}"; do
		[[ -e $d/$2 ]] && { echo "$d/$2"; return 0; }
	done
	echo "cross: $2 not found in $1" >&2
	return 1
}
cross_elf_deps() {
	local -A seen=()
	local todo=("$2") f n p interp
	interp=$(readelf -lW "$2" | sed -n 's/.*Requesting program interpreter: \(.*\)]/\1/p')
	[[ -z $interp ]] || _cross_find "$1" "$(basename "$interp")" || return 1
	while ((${#todo[@]})); do
		f=${todo[0]} todo=("${todo[@]:1}")
		for n in $(readelf -dW "$f" | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p'); do
			[[ -n ${seen[$n]:-} ]] && continue
			seen[$n]=1
			p=$(_cross_find "$1" "$n") || return 1
			echo "$p"
			todo+=("$p")
		done
	done
}
