# Cross build for i386 programs (32-bit x86) on an amd64 kernel: gcc-i686-linux-gnu and
# Debian's i386 -dev libraries (in lib/i386-linux-gnu, not the triplet), with Criterion and
# BoxFort built from source when Debian has no i386 libcriterion-dev (tools/foreign-sysroot
# i386; cross-linux-gnu.cmake does the work). tools/build-cross i386 configures build-i386/.
set(CMAKE_SYSTEM_PROCESSOR i686)
set(MMAPSUITE_CROSS_TRIPLET i686-linux-gnu)
set(MMAPSUITE_CROSS_MULTIARCH i386-linux-gnu)
set(MMAPSUITE_CROSS_ARCH i386)
include(${CMAKE_CURRENT_LIST_DIR}/cross-linux-gnu.cmake)
