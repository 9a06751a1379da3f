# Cross build for arm64 boards: gcc-aarch64-linux-gnu and Debian's arm64 -dev libraries
# unpacked by tools/foreign-sysroot arm64 (cross-linux-gnu.cmake does the work).
# tools/build-aarch64 configures build-aarch64/ with this file.
#   cmake -S . -B build-aarch64 -DCMAKE_TOOLCHAIN_FILE=cmake/aarch64-linux-gnu.cmake
#         [-DMMAPSUITE_ARM64_SYSROOT=DIR]
set(CMAKE_SYSTEM_PROCESSOR aarch64)
set(MMAPSUITE_CROSS_TRIPLET aarch64-linux-gnu)
set(MMAPSUITE_CROSS_ARCH arm64)
if(MMAPSUITE_ARM64_SYSROOT)
  set(MMAPSUITE_CROSS_SYSROOT "${MMAPSUITE_ARM64_SYSROOT}")
endif()
include(${CMAKE_CURRENT_LIST_DIR}/cross-linux-gnu.cmake)
