/* The sizes of the place a run is on, read from the kernel at run time, never assumed: the
 * base page size (4 KiB, 16 KiB on arm64-16k, 64 KiB on ppc64el), the PMD size of transparent
 * huge pages (2 MiB, 32 MiB on arm64-16k, 16 MiB under ppc64's hash MMU), the default hugetlb
 * page size and every hugetlb size the kernel offers (none on s390x under TCG).
 *
 * Plain C with no other lib/ code: the test binary reads them too. */
#ifndef MMAPSUITE_PLACE_H
#define MMAPSUITE_PLACE_H

#include <stdbool.h>
#include <stddef.h>

#define MS_HUGETLB_SYSFS "/sys/kernel/mm/hugepages"

size_t ms_place_page_size(void);
/* /sys/kernel/mm/transparent_hugepage/hpage_pmd_size in bytes; 0 without THP. */
size_t ms_place_pmd_size(void);
/* The default hugetlb page size (Hugepagesize of /proc/meminfo) in kB; 0 when the kernel
 * has none. */
unsigned long ms_place_default_hugetlb_kb(void);
/* The hugetlb page sizes (MS_HUGETLB_SYSFS/hugepages-<N>kB), ascending, at most max of them
 * into kb; returns how many there are. */
size_t ms_place_hugetlb_sizes_kb(unsigned long *kb, size_t max);
/* "little" or "big": the byte order of this program (and of /proc/self/pagemap's words). */
const char *ms_place_byte_order(void);
/* sizeof(long) * 8 of this program: 32 for an armhf or i386 build, also on a 64-bit kernel. */
int ms_place_word_bits(void);
/* The kernel's machine into buf: /proc/sys/kernel/arch (what uname -m says to a native
 * program), else uname's machine, which a compat task may see differently (arm64 tells a
 * 32-bit program "armv8l"). */
void ms_place_kernel_machine(char *buf, size_t n);
/* The kernel's word in bits (32 or 64) from the width of /proc/kallsyms' addresses; 0 when
 * unreadable. 64 beside a word_bits of 32: a 32-bit program on a 64-bit kernel (compat). */
int ms_place_kernel_word_bits(void);
/* Whether this program's word is narrower than its kernel's: a 32-bit program on a 64-bit
 * kernel, whose system calls go through the kernel's compat entry points. */
bool ms_place_compat(void);
/* This program's machine into buf: uname's, but for a 32-bit program on a 64-bit kernel
 * what its 32-bit personality is told (`linux32 uname -m`: armv8l on arm64, i686 on x86-64),
 * so that it names the place apart from a native 64-bit program on the same kernel. */
void ms_place_machine(char *buf, size_t n);
/* Whether this kernel is known to lack module name (file name without .ko, e.g. "vivid",
 * "snd-aloop"): /lib/modules/<release>/modules.dep is readable and neither it nor
 * modules.builtin lists the module. False when that cannot be told (no modules.dep). */
bool ms_place_module_absent(const char *name);
/* The same against the module directory dir (what /lib/modules/<release> is above). */
bool ms_place_module_absent_in(const char *dir, const char *name);

#endif
