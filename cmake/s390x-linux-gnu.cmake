# Cross build for s390x guests (big-endian, 64-bit): gcc-s390x-linux-gnu and Debian's s390x
# -dev libraries, with Criterion and BoxFort built from source (tools/foreign-sysroot s390x;
# cross-linux-gnu.cmake does the work). tools/build-cross s390x configures build-s390x/.
set(CMAKE_SYSTEM_PROCESSOR s390x)
set(MMAPSUITE_CROSS_TRIPLET s390x-linux-gnu)
set(MMAPSUITE_CROSS_ARCH s390x)
include(${CMAKE_CURRENT_LIST_DIR}/cross-linux-gnu.cmake)
