# Cross build for armhf guests (32-bit ARMv7, hard float, little-endian): gcc-arm-linux-gnueabihf
# and Debian's armhf -dev libraries, with Criterion and BoxFort built from source
# (tools/foreign-sysroot armhf; cross-linux-gnu.cmake does the work). tools/build-cross armhf
# configures build-armhf/.
set(CMAKE_SYSTEM_PROCESSOR arm)
set(MMAPSUITE_CROSS_TRIPLET arm-linux-gnueabihf)
set(MMAPSUITE_CROSS_ARCH armhf)
include(${CMAKE_CURRENT_LIST_DIR}/cross-linux-gnu.cmake)
