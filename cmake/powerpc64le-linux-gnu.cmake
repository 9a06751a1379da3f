# Cross build for ppc64el guests and machines: gcc-powerpc64le-linux-gnu and Debian's ppc64el
# -dev libraries, with Criterion and BoxFort built from source (tools/foreign-sysroot ppc64el;
# cross-linux-gnu.cmake does the work). tools/build-cross ppc64el configures build-ppc64le/.
#   cmake -S . -B build-ppc64le -DCMAKE_TOOLCHAIN_FILE=cmake/powerpc64le-linux-gnu.cmake
#         [-DMMAPSUITE_CROSS_SYSROOT=DIR]
set(CMAKE_SYSTEM_PROCESSOR ppc64le)
set(MMAPSUITE_CROSS_TRIPLET powerpc64le-linux-gnu)
set(MMAPSUITE_CROSS_ARCH ppc64el)
include(${CMAKE_CURRENT_LIST_DIR}/cross-linux-gnu.cmake)
