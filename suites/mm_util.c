/* The helper library of the conformance tests: see mm_util.h. */
#include "mm_util.h"
#include "proc_parse.h"

#include "loop_device.h"

#include <limits.h>
#include <stdio.h>
#include <string.h>
#if defined(__aarch64__)
#include <asm/hwcap.h>
#include <sys/auxv.h>
#endif

/* ---- page tables ---- */

uint64_t pagemap_entry(const void *addr)
{
	int fd = xopen("/proc/self/pagemap", O_RDONLY, 0);
	uint64_t e = 0;
	xpread(fd, &e, sizeof(e), (off_t)((uintptr_t)addr / ms_page() * sizeof(e)));
	xclose(fd);
	return e;
}

size_t pagemap_present(const void *addr, size_t pages, bool *present)
{
	uint64_t *e = calloc(pages, sizeof(*e));
	if (!e)
		ms_broken("calloc");
	int fd = xopen("/proc/self/pagemap", O_RDONLY, 0);
	xpread(fd, e, pages * sizeof(*e), (off_t)((uintptr_t)addr / ms_page() * sizeof(*e)));
	xclose(fd);
	size_t n = 0;
	for (size_t i = 0; i < pages; i++) {
		bool p = e[i] & PM_PRESENT;
		if (present)
			present[i] = p;
		n += p;
	}
	free(e);
	return n;
}

enum kpageflags_result page_kpageflags(const void *addr, uint64_t *flags)
{
	int pm = open("/proc/self/pagemap", O_RDONLY | O_CLOEXEC);
	int kf = open("/proc/kpageflags", O_RDONLY | O_CLOEXEC);
	enum kpageflags_result r = KPAGEFLAGS_READ;
	uint64_t entry = 0;
	if (pm < 0 || kf < 0)
		r = KPAGEFLAGS_UNREADABLE;
	else if (pread(pm, &entry, sizeof(entry),
		       (off_t)((uintptr_t)addr / ms_page() * sizeof(entry))) != sizeof(entry))
		r = KPAGEFLAGS_UNREADABLE;
	else if (!(entry & PM_PRESENT))
		r = KPAGEFLAGS_NOT_PRESENT;
	else if (PM_PFN(entry) == 0 ||
		 pread(kf, flags, sizeof(*flags), (off_t)(PM_PFN(entry) * sizeof(*flags))) !=
			 sizeof(*flags))
		r = KPAGEFLAGS_PFN_HIDDEN;
	int e = errno;
	if (pm >= 0)
		close(pm);
	if (kf >= 0)
		close(kf);
	errno = e;
	return r;
}

/* ---- VMAs ---- */

int vmas_in(const void *addr, size_t len)
{
	FILE *f = fopen("/proc/self/maps", "r");
	if (!f)
		ms_broken("fopen(/proc/self/maps): %s", ms_errname(errno));
	int n = ms_maps_count(f, (unsigned long)addr, (unsigned long)addr + len);
	fclose(f);
	return n;
}

const char *vma_flags(const void *addr)
{
	static char flags[256];
	FILE *f = fopen("/proc/self/smaps", "r");
	flags[0] = 0;
	if (f) {
		ms_smaps_vmflags(f, (unsigned long)addr, flags, sizeof(flags));
		fclose(f);
	}
	return flags;
}

bool vmflags_have(const char *flags, const char *mnemonic)
{
	char padded[260], want[8];
	snprintf(padded, sizeof(padded), " %s ", flags);
	snprintf(want, sizeof(want), " %s ", mnemonic);
	return strstr(padded, want) != NULL;
}

bool vma_has_flag(const void *addr, const char *mnemonic)
{
	return vmflags_have(vma_flags(addr), mnemonic);
}

/* ---- mappings ---- */

void *xmmap_aligned(size_t len, size_t align, int prot, int flags, int fd)
{
	bool anon = flags & MAP_ANONYMOUS;
	unsigned char *raw = anon ? xmmap(NULL, len + align, prot, flags, -1, 0)
				  : xmmap(NULL, len + align, PROT_NONE,
					  MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	uintptr_t at = ((uintptr_t)raw + align - 1) & ~(uintptr_t)(align - 1);
	void *p = anon ? (void *)at : xmmap((void *)at, len, prot, flags | MAP_FIXED, fd, 0);
	if (at > (uintptr_t)raw)
		xmunmap(raw, at - (uintptr_t)raw);
	size_t tail = (uintptr_t)raw + len + align - (at + len);
	if (tail)
		xmunmap((void *)(at + len), tail);
	return p;
}

unsigned char *map_with_hole(void)
{
	size_t pg = ms_page();
	unsigned char *p = xmmap(NULL, 3 * pg, PROT_READ | PROT_WRITE,
				 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	xmunmap(p + pg, pg);
	return p;
}

unsigned char *fenced_range(size_t len)
{
	size_t pg = ms_page();
	unsigned char *p = xmmap(NULL, len + 2 * pg, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	/* Guards and middle are one PROT_NONE VMA until the test maps over the middle; its
	 * read-write mappings then differ from the guards in their flags, so never merge. */
	return p + pg;
}

void fenced_release(unsigned char *p, size_t len)
{
	xmunmap(p - ms_page(), len + 2 * ms_page());
}

unsigned char *unmapped_range(size_t len)
{
	unsigned char *p = xmmap(NULL, len, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	xmunmap(p, len);
	/* cppcheck-suppress deallocret ; the caller needs a just-unmapped address */
	return p;
}

unsigned char *anon_nothp(size_t len)
{
	unsigned char *p = xmmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
				 -1, 0);
	xmadvise(p, len, MADV_NOHUGEPAGE);
	return p;
}

/* ---- huge pages ---- */

#define PMD_SIZE_FILE "/sys/kernel/mm/transparent_hugepage/hpage_pmd_size"

size_t pmd_size(void)
{
	long v = read_long_file(PMD_SIZE_FILE);
	return v > 0 ? (size_t)v : 0;
}

size_t thp_pmd_size(void)
{
	size_t size = pmd_size();
	if (!size)
		cr_skip_test("%s cannot be read (%s): this kernel has no transparent huge pages",
			     PMD_SIZE_FILE, ms_errname(errno));
	return size;
}

size_t default_huge_page_size(void)
{
	FILE *f = fopen("/proc/meminfo", "r");
	long kb = f ? ms_proc_field(f, "Hugepagesize") : -1;
	if (f)
		fclose(f);
	return kb > 0 ? (size_t)kb * 1024 : 0;
}

size_t require_default_huge_page_size(void)
{
	size_t size = default_huge_page_size();
	if (!size)
		cr_skip_test("no Hugepagesize in /proc/meminfo: this kernel has no hugetlb pages");
	return size;
}

/* ---- files ---- */

int hot_file(size_t len)
{
	int fd = ms_file(len, NULL);
	xfsync(fd);
	return fd;
}

void drop_file_cache(int fd, size_t len)
{
	xfsync(fd);
	int e = posix_fadvise(fd, 0, (off_t)len, POSIX_FADV_DONTNEED);
	if (e)
		ms_broken("posix_fadvise(DONTNEED): %s", ms_errname(e));
	void *p = xmmap(NULL, len, PROT_READ, MAP_SHARED, fd, 0);
	long resident = ms_resident(p, len);
	xmunmap(p, len);
	if (resident != 0)
		cr_skip_test("POSIX_FADV_DONTNEED left %ld of %zu pages cached on %s (tmpfs keeps "
			     "its pages: they can only go to swap), so a cold fault cannot be made",
			     resident, len / ms_page(), ms_fs_name());
}

int reopen(int fd, int flags)
{
	char path[64];
	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	return xopen(path, flags, 0);
}

void shm_name(char *buf, size_t len, const char *tag)
{
	snprintf(buf, len, "/mmapsuite-%d-%s", (int)getpid(), tag);
}

int read_only_file(size_t len)
{
	int rw = ms_file(len, NULL);
	int fd = reopen(rw, O_RDONLY);
	xclose(rw);
	return fd;
}

int loop_attach(int backing_fd, char *name)
{
	const char *step;
	int dev = ms_loop_attach(backing_fd, NULL, name, PATH_MAX, &step);
	if (dev >= 0)
		return dev;
	int e = errno;
	if (!strcmp(step, "/dev/loop-control"))
		cr_skip_test("no loop devices: /dev/loop-control: %s", ms_errname(e));
	if (!strcmp(step, "LOOP_CTL_GET_FREE"))
		cr_skip_test("LOOP_CTL_GET_FREE: %s", ms_errname(e));
	if (!strcmp(step, "LOOP_CONFIGURE"))
		cr_skip_test("LOOP_CONFIGURE on %s: %s", name, ms_errname(e));
	if (!strcmp(step, "open"))
		ms_broken("open(%s): %s", name, ms_errname(e));
	ms_broken("no free loop device after 8 attempts (each was taken concurrently)");
	return -1;
}

/* ---- numbers from procfs and sysfs ---- */

long read_long_file(const char *path)
{
	FILE *f = fopen(path, "r");
	long v = -1;
	if (!f)
		return -1;
	if (fscanf(f, "%ld", &v) != 1)
		v = -1;
	fclose(f);
	return v;
}

long meminfo_kb(const char *field)
{
	FILE *f = fopen("/proc/meminfo", "r");
	long v = f ? ms_proc_field(f, field) : -1;
	if (f)
		fclose(f);
	if (v < 0)
		ms_broken("/proc/meminfo has no %s", field);
	return v;
}

long vmstat(const char *name)
{
	FILE *f = fopen("/proc/vmstat", "r");
	char key[64];
	long v, found = -1;
	if (!f)
		return -1;
	while (fscanf(f, "%63s %ld", key, &v) == 2)
		if (strcmp(key, name) == 0)
			found = v;
	fclose(f);
	return found;
}

/* ---- system calls glibc does not wrap ---- */

int sys_mseal(void *addr, size_t len, unsigned long flags)
{
	return (int)syscall(SYS_mseal, addr, len, flags);
}

void require_mseal(void)
{
	if (sys_mseal(NULL, 0, 0) == -1 && errno == ENOSYS)
		cr_skip_test("mseal gives ENOSYS: needs Linux 6.10 or later (64-bit)");
}

void require_pkey_mprotect(void)
{
	if (syscall(SYS_pkey_mprotect, NULL, 0, PROT_READ, -1) == -1 && errno == ENOSYS)
		cr_skip_test("pkey_mprotect gives ENOSYS: this kernel has no protection-key system "
			     "calls on this architecture (arm64 has them from 6.12)");
}

int xuserfaultfd(uint64_t features)
{
	ms_require_behaviour(MS_USERFAULTFD);
	int uffd = (int)syscall(SYS_userfaultfd, O_CLOEXEC | O_NONBLOCK | UFFD_USER_MODE_ONLY);
	if (uffd < 0)
		cr_skip_test("userfaultfd: %s (not built in, or refused: set "
			     "vm.unprivileged_userfaultfd=1 or run as root)", ms_errname(errno));
	struct uffdio_api api = { .api = UFFD_API, .features = features };
	if (ioctl(uffd, UFFDIO_API, &api) != 0)
		cr_skip_test("UFFDIO_API with features 0x%llx: %s (this kernel lacks them)",
			     (unsigned long long)features, ms_errname(errno));
	return uffd;
}

void xuffd_register(int uffd, void *addr, size_t len, uint64_t mode)
{
	struct uffdio_register reg = {
		.range = { .start = (uintptr_t)addr, .len = len }, .mode = mode,
	};
	xcheck("ioctl(UFFDIO_REGISTER)", ioctl(uffd, UFFDIO_REGISTER, &reg));
}

/* ---- machine-wide settings ----
 * One test process changes at most a few settings; forked children inherit this state and
 * the atexit handler, so only the process that took the locks restores. */

static struct {
	enum ms_machine_setting id;
	char value[64];
} saved[MS_N_MACHINE_SETTINGS];
static int n_saved;
static int lock_fd[MS_N_MACHINE_SETTINGS] = { -1, -1, -1, -1 };
static pid_t owner;

_Static_assert(MS_N_MACHINE_SETTINGS == 4, "lock_fd's initialiser lists every setting");

/* The descriptor that holds id's lock: its own, or the one of the settings lock. */
static int *lock_slot(enum ms_machine_setting id)
{
	if (ms_machine_setting(id)->lock == MS_LOCK_OWN_FILE)
		return &lock_fd[id];
	for (int i = 0; i < MS_N_MACHINE_SETTINGS; i++)
		if (ms_machine_setting((enum ms_machine_setting)i)->lock == MS_LOCK_SETTINGS)
			return &lock_fd[i];
	return &lock_fd[id];
}

void mm_settings_restore(void)
{
	if (getpid() != owner)
		return;
	while (n_saved > 0) {
		n_saved--;
		const char *path = ms_machine_setting(saved[n_saved].id)->path;
		if (!ms_setting_file_write(path, saved[n_saved].value))
			fprintf(stderr, "mmapsuite: could not restore %s to \"%s\": %s; restore it "
				"by hand\n", path, saved[n_saved].value, ms_errname(errno));
	}
	for (int i = MS_N_MACHINE_SETTINGS - 1; i >= 0; i--)
		if (lock_fd[i] >= 0) {
			close(lock_fd[i]);
			lock_fd[i] = -1;
		}
}

void mm_setting_hold(enum ms_machine_setting id)
{
	int *slot = lock_slot(id);
	if (*slot >= 0)
		return;
	const struct ms_machine_setting_info *s = ms_machine_setting(id);
	int fd = ms_setting_lock_take(id, s->path, 10000);
	if (fd < 0) {
		if (s->lock == MS_LOCK_SETTINGS)
			ms_broken("settings lock (abstract socket @%s): %s after 10 s",
				  MS_SETTINGS_LOCK_NAME, ms_errname(errno));
		ms_broken("flock of %s: %s after 10 s", s->path, ms_errname(errno));
	}
	*slot = fd;
	owner = getpid();
	static bool registered;
	if (!registered) {
		atexit(mm_settings_restore);
		registered = true;
	}
}

bool mm_setting_read(enum ms_machine_setting id, char *buf, size_t len)
{
	return ms_setting_file_read(ms_machine_setting(id)->path, buf, len);
}

bool mm_setting_try_change(enum ms_machine_setting id, const char *value)
{
	const char *path = ms_machine_setting(id)->path;
	mm_setting_hold(id);
	char old[sizeof(saved[0].value)];
	/* read under the lock: another test may just have restored it */
	if (!ms_setting_file_read(path, old, sizeof(old)))
		ms_broken("read %s: %s", path, ms_errname(errno));
	if (n_saved == MS_N_MACHINE_SETTINGS)
		ms_broken("more settings changed in one test than the list holds");
	saved[n_saved].id = id;
	snprintf(saved[n_saved].value, sizeof(saved[n_saved].value), "%s", old);
	n_saved++;
	return ms_setting_file_write(path, value);
}

void mm_setting_change(enum ms_machine_setting id, const char *value)
{
	const char *path = ms_machine_setting(id)->path;
	ms_require_root();
	const char *no_global = getenv("MMAPSUITE_NO_GLOBAL_SETTINGS");
	if (no_global && *no_global && ms_machine_setting(id)->global_memory)
		cr_skip_test("%s would change for the whole machine, which this run forbids "
			     "(MMAPSUITE_NO_GLOBAL_SETTINGS=%s): a broken mmap under test must not make "
			     "allocations fail elsewhere", path, no_global);
	char old[64];
	if (!ms_setting_file_read(path, old, sizeof(old)))
		cr_skip_test("%s cannot be read (%s): this kernel lacks the setting", path,
			     ms_errname(errno));
	if (!mm_setting_try_change(id, value))
		ms_broken("write \"%s\" to %s: %s", value, path, ms_errname(errno));
}

/* ---- protection bits ---- */

#if defined(__aarch64__)
unsigned long arch_prot_bits(void)
{
	unsigned long hw2 = getauxval(AT_HWCAP2), bits = 0;
#ifdef HWCAP2_BTI
	if (hw2 & HWCAP2_BTI)
		bits |= 0x10; /* PROT_BTI */
#endif
#ifdef HWCAP2_MTE
	if (hw2 & HWCAP2_MTE)
		bits |= 0x20; /* PROT_MTE */
#endif
	return bits;
}
#else
unsigned long arch_prot_bits(void)
{
	return 0;
}
#endif
