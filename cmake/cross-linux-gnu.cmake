# The shared part of the cross toolchain files (aarch64-linux-gnu.cmake, s390x-linux-gnu.cmake,
# powerpc64le-linux-gnu.cmake, arm-linux-gnueabihf.cmake): gcc-TRIPLET with its C library and runtime from Debian's cross
# packages in /usr/TRIPLET, and Debian's -dev libraries for the target unpacked by
# tools/foreign-sysroot ARCH. The including file sets MMAPSUITE_CROSS_TRIPLET (GNU triplet),
# MMAPSUITE_CROSS_ARCH (Debian architecture), CMAKE_SYSTEM_PROCESSOR and, where the libraries'
# directory is not the triplet (i386), MMAPSUITE_CROSS_MULTIARCH; the sysroot is
# -DMMAPSUITE_CROSS_SYSROOT=DIR, else <cache>/sysroot-ARCH.
set(CMAKE_SYSTEM_NAME Linux)
set(CMAKE_C_COMPILER ${MMAPSUITE_CROSS_TRIPLET}-gcc)

if(NOT MMAPSUITE_CROSS_SYSROOT)
  if(DEFINED ENV{MMAPSUITE_CACHE})
    set(MMAPSUITE_CROSS_SYSROOT "$ENV{MMAPSUITE_CACHE}/sysroot-${MMAPSUITE_CROSS_ARCH}")
  else()
    set(MMAPSUITE_CROSS_SYSROOT "$ENV{HOME}/.cache/mmapsuite/sysroot-${MMAPSUITE_CROSS_ARCH}")
  endif()
endif()
set(MMAPSUITE_CROSS_SYSROOT "${MMAPSUITE_CROSS_SYSROOT}" CACHE PATH
  "${MMAPSUITE_CROSS_ARCH} library sysroot (tools/foreign-sysroot ${MMAPSUITE_CROSS_ARCH})")
if(NOT EXISTS "${MMAPSUITE_CROSS_SYSROOT}/.complete")
  message(FATAL_ERROR "no ${MMAPSUITE_CROSS_ARCH} sysroot at ${MMAPSUITE_CROSS_SYSROOT}: run tools/foreign-sysroot ${MMAPSUITE_CROSS_ARCH}")
endif()
set(_sr "${MMAPSUITE_CROSS_SYSROOT}")
if(NOT MMAPSUITE_CROSS_MULTIARCH)
  set(MMAPSUITE_CROSS_MULTIARCH ${MMAPSUITE_CROSS_TRIPLET})
endif()
set(_multi "${_sr}/usr/lib/${MMAPSUITE_CROSS_MULTIARCH}")

# Libraries and headers: the sysroot after the cross C library (not --sysroot, which would
# hide /usr/TRIPLET). rpath-link resolves the libraries' own dependencies.
set(CMAKE_C_FLAGS_INIT "-idirafter ${_sr}/usr/include -idirafter ${_sr}/usr/include/${MMAPSUITE_CROSS_MULTIARCH}")
set(CMAKE_EXE_LINKER_FLAGS_INIT "-L${_multi} -Wl,-rpath-link,${_multi}:${_sr}/lib/${MMAPSUITE_CROSS_MULTIARCH}")
set(CMAKE_SHARED_LINKER_FLAGS_INIT "${CMAKE_EXE_LINKER_FLAGS_INIT}")
set(CMAKE_MODULE_LINKER_FLAGS_INIT "${CMAKE_EXE_LINKER_FLAGS_INIT}")

# pkg-config reads the target's .pc files only, with their paths moved into the sysroot.
set(ENV{PKG_CONFIG_LIBDIR} "${_multi}/pkgconfig:${_sr}/usr/share/pkgconfig")
set(ENV{PKG_CONFIG_SYSROOT_DIR} "${_sr}")
set(ENV{PKG_CONFIG_PATH} "")

set(CMAKE_FIND_ROOT_PATH "${_sr}" /usr/${MMAPSUITE_CROSS_TRIPLET})
set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
set(CMAKE_FIND_ROOT_PATH_MODE_LIBRARY ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_INCLUDE ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_PACKAGE ONLY)
