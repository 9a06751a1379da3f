/* Where mmapsuite finds its own files. Two layouts, told apart by where the test runner is:
 * - a build tree (build/bin) or the relocatable bundle: the runner, the faulty libraries and
 *   libmmapsuite sit beside the mmapsuite binary, data in build/share/mmapsuite;
 * - an installed package (cmake --install, the .deb): the FHS places, found relative to the
 *   binary's directory (bin -> ../libexec/mmapsuite, ../lib/<triplet>/mmapsuite,
 *   ../share/mmapsuite), so an install under another prefix works the same.
 * Paths come from the binary's own location, never from the current directory. */
#ifndef MMAPSUITE_INSTALL_DIRS_H
#define MMAPSUITE_INSTALL_DIRS_H

#include <stdbool.h>

/* Where the results of an installed run go by default as root. */
#define MS_INSTALLED_RESULTS_ROOT "/var/lib/mmapsuite/results"

/* True when running from an installed layout (the runner is not beside the binary). */
bool ms_installed(void);
/* Directory of mmapsuite-conform. */
const char *ms_runner_dir(void);
/* Directory of the private shared objects (libfaulty-*.so of the self-test). */
const char *ms_private_lib_dir(void);
/* Directory of the shipped data (kernel.expect). */
const char *ms_data_dir(void);
/* The shipped expectation file (<data>/kernel.expect), or NULL when there is none (the
 * relocatable bundle carries its own and names it with --expect). */
const char *ms_shipped_expect(void);

#endif
