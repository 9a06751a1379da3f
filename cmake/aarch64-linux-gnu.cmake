# Cross build for arm64 boards: gcc-aarch64-linux-gnu (C library and runtime from its cross
# packages in /usr/aarch64-linux-gnu) and Debian's arm64 -dev libraries unpacked by
# tools/arm64-sysroot. tools/build-aarch64 configures build-aarch64/ with this file.
#   cmake -S . -B build-aarch64 -DCMAKE_TOOLCHAIN_FILE=cmake/aarch64-linux-gnu.cmake
#         [-DMMAPSUITE_ARM64_SYSROOT=DIR]
set(CMAKE_SYSTEM_NAME Linux)
set(CMAKE_SYSTEM_PROCESSOR aarch64)
set(CMAKE_C_COMPILER aarch64-linux-gnu-gcc)

if(NOT MMAPSUITE_ARM64_SYSROOT)
  if(DEFINED ENV{MMAPSUITE_CACHE})
    set(MMAPSUITE_ARM64_SYSROOT "$ENV{MMAPSUITE_CACHE}/sysroot-arm64")
  else()
    set(MMAPSUITE_ARM64_SYSROOT "$ENV{HOME}/.cache/mmapsuite/sysroot-arm64")
  endif()
endif()
set(MMAPSUITE_ARM64_SYSROOT "${MMAPSUITE_ARM64_SYSROOT}" CACHE PATH "arm64 library sysroot (tools/arm64-sysroot)")
if(NOT EXISTS "${MMAPSUITE_ARM64_SYSROOT}/.complete")
  message(FATAL_ERROR "no arm64 sysroot at ${MMAPSUITE_ARM64_SYSROOT}: run tools/arm64-sysroot")
endif()
set(_sr "${MMAPSUITE_ARM64_SYSROOT}")
set(_multi "${_sr}/usr/lib/aarch64-linux-gnu")

# Libraries and headers: the sysroot after the cross C library (not --sysroot, which would
# hide /usr/aarch64-linux-gnu). rpath-link resolves the libraries' own dependencies.
set(CMAKE_C_FLAGS_INIT "-idirafter ${_sr}/usr/include -idirafter ${_sr}/usr/include/aarch64-linux-gnu")
set(CMAKE_EXE_LINKER_FLAGS_INIT "-L${_multi} -Wl,-rpath-link,${_multi}:${_sr}/lib/aarch64-linux-gnu")
set(CMAKE_SHARED_LINKER_FLAGS_INIT "${CMAKE_EXE_LINKER_FLAGS_INIT}")
set(CMAKE_MODULE_LINKER_FLAGS_INIT "${CMAKE_EXE_LINKER_FLAGS_INIT}")

# pkg-config reads the arm64 .pc files only, with their paths moved into the sysroot.
set(ENV{PKG_CONFIG_LIBDIR} "${_multi}/pkgconfig:${_sr}/usr/share/pkgconfig")
set(ENV{PKG_CONFIG_SYSROOT_DIR} "${_sr}")
set(ENV{PKG_CONFIG_PATH} "")

set(CMAKE_FIND_ROOT_PATH "${_sr}" /usr/aarch64-linux-gnu)
set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
set(CMAKE_FIND_ROOT_PATH_MODE_LIBRARY ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_INCLUDE ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_PACKAGE ONLY)
