/* mm_util: the helper library of the conformance tests, for what a test needs of the memory
 * manager besides the call it checks (modelled on the kernel selftests' mm/vm_util.h). A helper
 * that two test files would write is written here, once. Every name it exports starts with
 * ms_; the x*() set-up wrappers (BROKEN on failure with the caller's file:line) are macros over
 * ms_x*_at() functions, as in conform.h.
 *
 *   page tables     ms_pagemap_entry(), ms_pagemap_present(), ms_page_kpageflags()
 *   VMAs            ms_vma_at(), ms_vma_walk() (every entry, parsed by proc_parse.h's
 *                   ms_maps_parse_line(), the one parser of maps lines), ms_vmas_in(),
 *                   ms_vma_flags(), ms_vma_has_flag()
 *   mappings        xmap_anon(), xmmap_aligned(), ms_map_with_hole(), ms_unmapped_range(),
 *                   ms_anon_nothp(), ms_fenced_range()
 *   backings        enum ms_backing, ms_map_backing(), CONFORM_PER_BACKING(set, ...): one test,
 *                   one result per kind of mapping
 *   huge pages      ms_pmd_size(), ms_thp_pmd_size(), ms_default_huge_page_size(),
 *                   ms_require_default_huge_page_size()
 *   files           ms_map_shared_file() (the shared-file fixture), ms_map_shared_file_stored(),
 *                   ms_hot_file(), ms_read_only_file(), ms_drop_file_cache(), ms_reopen(),
 *                   ms_loop_attach_or_skip(), ms_shm_name()
 *   numbers         ms_read_long_file(), ms_meminfo_kb(), ms_vmstat()
 *   machine code    ms_return_insn(): a bare return, for the PROT_EXEC tests
 *   system calls    ms_sys_mseal() with ms_require_mseal(); xpidfd_open();
 *                   ms_require_pkey_mprotect();
 *                   ms_userfaultfd_or_skip(), xuffd_register()
 *   settings        ms_setting_change(), ms_setting_hold(), ms_settings_restore(): the
 *                   machine-wide settings of lib/machine_settings.h, changed for one test
 *   uapi values     MAP_DROPPABLE, MAP_UNINITIALIZED, MLOCK_ONFAULT, MCL_ONFAULT, SYS_mseal
 *                   and userfaultfd features, where Debian 12's headers lack them
 *
 * What belongs to the test harness rather than to mm stays in conform.h: CONFORM(), the x*()
 * set-up wrappers, fault probes and counters, and (conform_child.c) fork, the bounded child
 * wait (xwait, ms_wait_bounded) and the parent/child handshake (ms_fork_handshake).
 *
 * Page tables are read from /proc/self/pagemap: one 64-bit entry per page, bit 63 present,
 * bit 55 soft-dirty, bits 0-54 the PFN (zero without CAP_SYS_ADMIN); /proc/kpageflags gives
 * the flags of a page frame (root only; Documentation/admin-guide/mm/pagemap.rst). */
#ifndef MMAPSUITE_MM_UTIL_H
#define MMAPSUITE_MM_UTIL_H

#include "conform.h"
#include "machine_settings.h"
#include "proc_parse.h"

#include <fcntl.h>
#include <linux/userfaultfd.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/ioctl.h>
#include <sys/syscall.h>
#include <unistd.h>

/* uapi values newer than Debian 12's glibc and kernel headers */
#ifndef MAP_DROPPABLE
#define MAP_DROPPABLE 0x08 /* Linux 6.11 */
#endif
#ifndef MAP_UNINITIALIZED
#define MAP_UNINITIALIZED 0x4000000 /* glibc does not export it */
#endif
#ifndef MLOCK_ONFAULT
#define MLOCK_ONFAULT 0x01
#endif
#ifndef MCL_ONFAULT
#define MCL_ONFAULT 4
#endif
/* userfaultfd features (include/uapi/linux/userfaultfd.h) */
#ifndef UFFD_FEATURE_WP_UNPOPULATED
#define UFFD_FEATURE_WP_UNPOPULATED (1 << 13)
#endif
#ifndef UFFD_FEATURE_WP_ASYNC
#define UFFD_FEATURE_WP_ASYNC (1 << 15)
#endif
#ifndef SYS_mseal
#define SYS_mseal 462
#endif

/* ---- page tables ---- */

/* /proc/self/pagemap and /proc/kpageflags are arrays of native-endian u64 words (one per page
 * of ms_page() bytes, whatever its size, or per page frame): every reader here pread()s whole
 * uint64_t words at offsets that are multiples of 8 and tests bits of the word, never its
 * bytes, so a big-endian (s390x) or 32-bit program decodes them alike. */
#define PM_PRESENT (1ull << 63)
#define PM_SOFT_DIRTY (1ull << 55)
#define PM_PFN_MASK ((1ull << 55) - 1)
#define PM_PFN(e) ((e) & PM_PFN_MASK)

/* The pagemap entry of the page at addr (BROKEN when it cannot be read). */
uint64_t ms_pagemap_entry(const void *addr);

/* Fills present[i] (when present != NULL) with the pagemap present bit of page i; returns
 * how many are present. */
size_t ms_pagemap_present(const void *addr, size_t pages, bool *present);

enum kpageflags_result {
	KPAGEFLAGS_READ,           /* *flags holds the page's /proc/kpageflags word */
	KPAGEFLAGS_UNREADABLE,     /* /proc/self/pagemap or /proc/kpageflags cannot be opened (errno) */
	KPAGEFLAGS_NOT_PRESENT,    /* no page is mapped at addr */
	KPAGEFLAGS_PFN_HIDDEN,     /* the PFN reads as 0 (no CAP_SYS_ADMIN) or past /proc/kpageflags */
};
/* The /proc/kpageflags word of the page mapped at addr (bits: linux/kernel-page-flags.h). */
enum kpageflags_result ms_page_kpageflags(const void *addr, uint64_t *flags);

/* ---- VMAs ---- */

/* struct ms_vma, one /proc/self/maps entry, and its parser: proc_parse.h. */

/* Calls visit(vma, arg) for each /proc/self/maps entry, in address order, until it returns
 * false. The entry's strings live until visit returns. False (errno set) when the file cannot
 * be read: a forked child may prefer that to BROKEN. */
bool ms_vma_walk(bool (*visit)(const struct ms_vma *vma, void *arg), void *arg);

/* The entry containing addr, copied to *vma; its line and name are copied into line (len
 * bytes) when line is not NULL, else they read "". False if no VMA holds addr. BROKEN when
 * /proc/self/maps cannot be read. */
bool ms_vma_at(const void *addr, struct ms_vma *vma, char *line, size_t len);

/* Number of /proc/self/maps entries overlapping [addr, addr + len). */
int ms_vmas_in(const void *addr, size_t len);

/* The VmFlags of the /proc/self/smaps entry containing addr: two-letter mnemonics separated
 * by spaces ("rd wr mr mw me lo"), without the newline; "" if none. Static buffer. */
const char *ms_vma_flags(const void *addr);
/* Whether flags (as ms_vma_flags() gives them) hold the mnemonic ("lo" = VM_LOCKED, "dd" =
 * VM_DONTDUMP, "mg" = VM_MERGEABLE: Documentation/filesystems/proc.rst). */
bool ms_vmflags_have(const char *flags, const char *mnemonic);
/* ms_vmflags_have(ms_vma_flags(addr), mnemonic). */
bool ms_vma_has_flag(const void *addr, const char *mnemonic);

/* ---- mappings ---- */

/* A read-write anonymous mapping of type MAP_PRIVATE or MAP_SHARED (BROKEN on failure). */
#define xmap_anon(len, type) \
	xmmap(NULL, len, PROT_READ | PROT_WRITE, (type) | MAP_ANONYMOUS, -1, 0)

/* Maps len bytes at an address aligned to align (a power of two), BROKEN on failure. With
 * MAP_ANONYMOUS (fd -1) the mapping is made as asked and trimmed to the aligned part; else a
 * PROT_NONE reservation is trimmed and the file mapped over it with MAP_FIXED. Fault-around
 * windows and PMDs are aligned in the virtual address space, so counts and huge mappings are
 * exact only from an aligned start. */
#define xmmap_aligned(len, align, prot, flags, fd) \
	ms_xmmap_aligned_at(__FILE__, __LINE__, len, align, prot, flags, fd)
void *ms_xmmap_aligned_at(const char *file, int line, size_t len, size_t align, int prot,
			  int flags, int fd);

/* [page][hole][page] of private anonymous read-write memory: returns the start; the middle
 * page is unmapped. */
unsigned char *ms_map_with_hole(void);

/* len bytes of PROT_NONE address space between two PROT_NONE guard pages; returns the start
 * of the middle. Anonymous mappings made there with MAP_FIXED merge with no neighbour the
 * kernel happened to place beside them (one with an anon_vma changes what 6.1 merges), so
 * VMA counts see only what the test did. ms_fenced_release() unmaps the middle and the guards. */
unsigned char *ms_fenced_range(size_t len);
void ms_fenced_release(unsigned char *p, size_t len);

/* The architecture's own prot bits the running kernel accepts because the CPU has the
 * feature: arm64's PROT_BTI (0x10, HWCAP2_BTI) and PROT_MTE (0x20, HWCAP2_MTE); 0 elsewhere.
 * Elsewhere, and without the feature, those bits are unknown and refused with EINVAL. */
unsigned long ms_arch_prot_bits(void);

/* The most bytes ms_return_insn() writes. */
#define MS_RETURN_INSN_MAX 4
/* Writes the machine code of a bare return for this architecture at `at` (x86 ret, arm64
 * ret x30, ppc64 ELFv2 blr, s390x br %r14, armhf A32 bx lr) and returns its length; 0 where no
 * encoding is known (the test SKIPs). The code is called through a plain function pointer
 * (ms_probe_exec()), so it returns to its caller. */
size_t ms_return_insn(unsigned char at[MS_RETURN_INSN_MAX]);

/* An address range that is certainly unmapped: mapped, then unmapped again. */
unsigned char *ms_unmapped_range(size_t len);

/* Private anonymous read-write memory in base pages only: a huge zero page or a THP would
 * turn per-page counts into per-PMD counts. MADV_NOHUGEPAGE where the kernel has THP. */
unsigned char *ms_anon_nothp(size_t len);

/* A read fault (or none) on the byte at p. Inline: a call into another text page inside a
 * counted window could itself fault. */
static inline void ms_touch_read(const unsigned char *p)
{
	(void)*(const volatile unsigned char *)p;
}

/* ---- backings: one test, one result per kind of mapping ---- */

/* The kinds of memory a test runs over; file ones live on the file system under test. */
enum ms_backing {
	MS_ANON_PRIVATE, MS_ANON_SHARED, MS_FILE_SHARED, MS_FILE_PRIVATE, MS_N_BACKINGS
};

/* "MAP_PRIVATE|MAP_ANONYMOUS", "MAP_SHARED file" ... for messages. */
extern const char *const ms_backing_name[MS_N_BACKINGS];

/* len bytes of backing b with protection prot. A file backing gets a new file of file_size
 * bytes (ms_pattern() content); its descriptor goes to *fd, or is closed when fd is NULL.
 * *fd is -1 for an anonymous backing. BROKEN on failure. */
unsigned char *ms_map_backing(enum ms_backing b, size_t len, size_t file_size, int prot,
			      int *fd);

/* Sets of backings for CONFORM_PER_BACKING: each calls V(args..., suffix, backing) per member,
 * and the suffix is the one the test's name gets. */
#define MS_BACKINGS_ALL(V, ...)                                                             \
	V(__VA_ARGS__, anon_private, MS_ANON_PRIVATE)                                       \
	V(__VA_ARGS__, anon_shared, MS_ANON_SHARED)                                         \
	MS_BACKINGS_FILE(V, __VA_ARGS__)
#define MS_BACKINGS_FILE(V, ...)                                                            \
	V(__VA_ARGS__, file_shared, MS_FILE_SHARED)                                         \
	V(__VA_ARGS__, file_private, MS_FILE_PRIVATE)
#define MS_BACKINGS_SHARED(V, ...)                                                          \
	V(__VA_ARGS__, anon_shared, MS_ANON_SHARED)                                         \
	V(__VA_ARGS__, file_shared, MS_FILE_SHARED)
#define MS_BACKINGS_PRIVATE(V, ...)                                                         \
	V(__VA_ARGS__, anon_private, MS_ANON_PRIVATE)                                       \
	V(__VA_ARGS__, file_private, MS_FILE_PRIVATE)
/* Private anonymous memory and both file kinds: what the protection rules are judged on. */
#define MS_BACKINGS_ANON_PRIVATE_AND_FILE(V, ...)                                           \
	V(__VA_ARGS__, anon_private, MS_ANON_PRIVATE)                                       \
	MS_BACKINGS_FILE(V, __VA_ARGS__)

/* One result per backing of set: suite/name_<suffix> for each member, each running the body
 * that follows, static void name(enum ms_backing b), with its backing. A failing backing hides
 * none of the others.
 *   CONFORM_PER_BACKING(MS_BACKINGS_FILE, mremap, grow_past_eof_raises_sigbus, "g5", LINUX)
 *   { unsigned char *p = ms_map_backing(b, ...); ... } */
#define CONFORM_PER_BACKING(set, suite, name, ids, spec)                                    \
	static void name(enum ms_backing b);                                                \
	set(MS_BACKING_VARIANT_, suite, name, ids, spec)                                    \
	static void name(enum ms_backing b)
#define MS_BACKING_VARIANT_(suite, name, ids, spec, suffix, backing)                        \
	CONFORM_VARIANT(suite, name, suffix, ids, spec, name, backing)

/* A mapping request a device must refuse: len bytes at offset off, and why it is wrong. */
struct ms_bad_range {
	size_t len;
	off_t off;
	const char *why;
};
/* Asserts that a read-write MAP_SHARED mmap() of fd fails with EINVAL for each of the n
 * requests (a mapping made all the same is unmapped); what names the buffer in the message. */
void ms_assert_ranges_einval(int fd, const struct ms_bad_range *r, size_t n, const char *what);

/* Reads one byte of every page of [p, p + len): each page is then mapped (or faults). */
void ms_touch_pages(const unsigned char *p, size_t len);

/* A byte pattern by offset from the start of a mapping, different on every page: what a test
 * stores before it moves, splits or unmaps the mapping. */
static inline unsigned char ms_stamp(size_t offset)
{
	return (unsigned char)(offset * 13u + (offset >> 12) + 5u);
}
void ms_fill_stamped(unsigned char *p, size_t len);
/* Asserts that [p + from, p + to) still holds the stamp of those offsets; what names p. */
void ms_assert_stamped(const unsigned char *p, size_t from, size_t to, const char *what);
/* Asserts that a read of addr raises SIGSEGV with SEGV_MAPERR at exactly addr. */
void ms_assert_unmapped(const unsigned char *addr, const char *what);
/* Asserts that a read of addr raises SIGBUS with BUS_ADRERR at exactly addr. */
void ms_assert_bus_error(const unsigned char *addr, const char *what);
/* xclose(fd) unless fd is negative (an anonymous backing's -1). */
void ms_close_if_open(int fd);

/* ---- huge pages ---- */

/* The size a PMD maps, from /sys/kernel/mm/transparent_hugepage/hpage_pmd_size; 0 when the
 * kernel has no THP (the file is missing). */
size_t ms_pmd_size(void);
/* ms_pmd_size() for a test that needs THP: SKIPs when the kernel has none. */
size_t ms_thp_pmd_size(void);
/* The default hugetlb page size (Hugepagesize in /proc/meminfo); 0 without hugetlb. */
size_t ms_default_huge_page_size(void);
/* ms_default_huge_page_size() for a test that needs hugetlb: SKIPs when the kernel has none. */
size_t ms_require_default_huge_page_size(void);

/* ---- files ---- */

/* A hot, clean file of len bytes: written, fsync()ed, every page in the page cache. */
int ms_hot_file(size_t len);

/* The shared-file fixture: a new ms_file() of len bytes (ms_pattern() content; its name in
 * path unless path is NULL, as ms_file() does), mapped MAP_SHARED read-write whole; its
 * descriptor in *fd. Stores through it: ms_fill_stored(). */
unsigned char *ms_map_shared_file(size_t len, char *path, int *fd);
/* The same fixture with every byte then stored through the mapping: [0, len) holds
 * ms_stored(), dirty in the page cache (the "file, map shared, fill" opening of b and f). */
unsigned char *ms_map_shared_file_stored(size_t len, char *path, int *fd);

/* The same fixture as one value, for a test that keeps mapping, length and descriptor
 * together: ms_map_shared_file(len, path, &m.fd), or with stored ms_map_shared_file_stored(). */
struct ms_file_map {
	unsigned char *p;
	size_t len;
	int fd;
};
struct ms_file_map ms_file_map(size_t len, char *path, bool stored);
/* A read-write MAP_PRIVATE mapping of a new ms_file() of len bytes, as one value. */
struct ms_file_map ms_file_map_private(size_t len);
/* Unmaps m and closes its descriptor (BROKEN when either fails). */
void ms_file_map_release(const struct ms_file_map *m);

/* Drops a clean file from the page cache with POSIX_FADV_DONTNEED, never the global
 * drop_caches: that disturbs every test running beside this one (observed on 6.18: after
 * drop_caches, tmpfs read faults on the files it passed over stop mapping neighbours, 64
 * faults for 64 pages). SKIPs when pages stay (tmpfs keeps them: its only backing is swap). */
void ms_drop_file_cache(int fd, size_t len);

/* A new ms_file() of len bytes, opened O_RDONLY only (no descriptor with write access to it
 * stays open; its name is gone). */
int ms_read_only_file(size_t len);

/* A POSIX shared memory object name for shm_open() that no other process uses:
 * "/mmapsuite-<pid>-<tag>" in buf (len bytes). */
void ms_shm_name(char *buf, size_t len, const char *tag);

/* The same open file as fd, opened again with other flags (O_RDONLY, O_WRONLY) through
 * /proc/self/fd, so that scratch files need no name (BROKEN on failure). */
int ms_reopen(int fd, int flags);

/* Attaches backing_fd to a free loop device that detaches by itself when the test's last
 * descriptor of it closes, even if the test crashes (lib/loop_device.h). Returns the open
 * device, its path in name (PATH_MAX). SKIPs without loop support. */
int ms_loop_attach_or_skip(int backing_fd, char *name);

/* ---- numbers from procfs and sysfs ---- */

/* Whether swap space is active (/proc/swaps lists a device): decides whether anonymous and
 * shmem pages can be reclaimed. */
bool ms_swap_active(void);

/* The first line of a file (its newline kept) in buf, of len bytes; "" when the file cannot
 * be read. */
void ms_read_first_line(const char *path, char *buf, size_t len);
/* The number a file starts with; -1 if it cannot be read. */
long ms_read_long_file(const char *path);
/* A field of /proc/meminfo ("MemTotal") in kB; BROKEN when absent. */
long ms_meminfo_kb(const char *field);
/* A counter of /proc/vmstat ("thp_fault_fallback"); -1 when absent. */
long ms_vmstat(const char *name);

/* ---- system calls glibc does not wrap ---- */

/* mseal(2) (Linux 6.10). */
int ms_sys_mseal(void *addr, size_t len, unsigned long flags);
/* SKIPs when mseal(2) is not in this kernel (ENOSYS). */
void ms_require_mseal(void);
/* pidfd_open(pid, 0) for a child of the test (process_madvise, process_mrelease); SKIPs when
 * this kernel lacks it or refuses it (ENOSYS, EPERM). */
#define xpidfd_open(pid) ms_xpidfd_open_at(__FILE__, __LINE__, pid)
int ms_xpidfd_open_at(const char *file, int line, pid_t pid);
/* SKIPs when pkey_mprotect(2) is not in this kernel (ENOSYS: an architecture without
 * protection keys, such as arm64 before 6.12). */
void ms_require_pkey_mprotect(void);

/* A userfaultfd for user-mode faults (allowed without privilege even with
 * vm.unprivileged_userfaultfd=0), with the given features; SKIPs when refused. */
int ms_userfaultfd_or_skip(uint64_t features);
#define xuffd_register(uffd, addr, len, mode) \
	ms_xuffd_register_at(__FILE__, __LINE__, uffd, addr, len, mode)
void ms_xuffd_register_at(const char *file, int line, int uffd, void *addr, size_t len,
			  uint64_t mode);

/* ---- machine-wide settings (the list: lib/machine_settings.h) ----
 *
 * A test changes a setting for its duration, as root, and always gets it back: explicitly
 * with ms_settings_restore() in the test, and again from the test's .fini when an assertion
 * ends it early and from its clean-up entry at exit (lib/cleanup.h), which is what runs when a
 * BROKEN set-up ends the test process (ms_broken() exits); the harness's guard puts back
 * what a killed test left. Settings are global and several mmapsuite-conform processes may
 * run at once, so each is changed under its lock (machine_settings.h), held until
 * ms_settings_restore().
 *
 *   CONFORM(ksm, merges, "i5", LINUX, .fini = ms_settings_restore) {
 *           ms_setting_change(MS_KSM_RUN, "1");   // SKIPs unless root
 *           ... fork a child that does the work ...
 *           ms_settings_restore();
 *   } */

/* Takes the lock of setting id until ms_settings_restore(), waiting up to 10 s (BROKEN
 * after that, naming the holder); for a test that depends on a setting without changing it.
 * SKIPs without root: the locks are root's, so that no other user can squat them, and a
 * non-root run cannot keep a root run from changing the setting. */
void ms_setting_hold(enum ms_machine_setting id);
/* The current value of setting id in buf; false (errno set) when it cannot be read. */
bool ms_setting_read(enum ms_machine_setting id, char *buf, size_t len);
/* Holds setting id and sets it to value for this test, remembering the old value for
 * ms_settings_restore(). SKIPs without root, when the kernel lacks the setting, or when
 * MMAPSUITE_NO_GLOBAL_SETTINGS forbids it; BROKEN when the write fails. */
void ms_setting_change(enum ms_machine_setting id, const char *value);
/* As ms_setting_change() without the SKIPs: false (errno set) when the write failed (the old
 * value is put back by ms_settings_restore() all the same). */
bool ms_setting_try_change(enum ms_machine_setting id, const char *value);
/* Puts every changed setting back, newest first, and releases every lock held. Safe to
 * call twice, and a no-op in a forked child. */
void ms_settings_restore(void);

#endif
