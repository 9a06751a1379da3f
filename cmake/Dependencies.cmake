# Every dependency is a Debian package; a missing one stops the configure step with the
# package's name, so `apt-get install` is one copy-paste away (tools/deps installs them all).
find_package(PkgConfig)
if(NOT PKG_CONFIG_FOUND)
  message(FATAL_ERROR "pkg-config not found: install the Debian package 'pkg-config' (or run tools/deps)")
endif()

function(mmapsuite_require_pkg target module debian_package)
  pkg_check_modules(${target} IMPORTED_TARGET ${module})
  if(NOT ${target}_FOUND)
    message(FATAL_ERROR "${module} not found: install the Debian package '${debian_package}' (or run tools/deps)")
  endif()
endfunction()

mmapsuite_require_pkg(CRITERION criterion libcriterion-dev)
mmapsuite_require_pkg(HWLOC hwloc libhwloc-dev)
mmapsuite_require_pkg(JANSSON jansson libjansson-dev)
mmapsuite_require_pkg(SQLITE3 sqlite3 libsqlite3-dev)
mmapsuite_require_pkg(ZLIB zlib zlib1g-dev)

# libpfm4-dev ships no pkg-config file.
find_path(PFM_INCLUDE_DIR perfmon/pfmlib_perf_event.h)
find_library(PFM_LIBRARY pfm)
if(NOT PFM_INCLUDE_DIR OR NOT PFM_LIBRARY)
  message(FATAL_ERROR "libpfm4 not found: install the Debian package 'libpfm4-dev' (or run tools/deps)")
endif()
add_library(PFM::pfm UNKNOWN IMPORTED)
set_target_properties(PFM::pfm PROPERTIES IMPORTED_LOCATION ${PFM_LIBRARY}
  INTERFACE_INCLUDE_DIRECTORIES ${PFM_INCLUDE_DIR})

find_program(GNUPLOT_EXECUTABLE gnuplot)
if(NOT GNUPLOT_EXECUTABLE)
  message(FATAL_ERROR "gnuplot not found: install the Debian package 'gnuplot-nox' (or run tools/deps)")
endif()

find_package(Threads REQUIRED)
