/* (l) /dev/mem: device registers found through the device tree, and the rules /dev/mem keeps
 * on every machine.
 *
 * GPIO (l1-l3): the GPIO block is found in the device tree by compatible string, its reg
 * translated through every parent bus's ranges (on a Pi 3, bus address 0x7e200000 is CPU
 * address 0x3f200000), mapped from /dev/mem with O_SYNC and read with 32-bit volatile
 * accesses. Read-only unless the command that runs was given --gpio-pin N --allow-write (the
 * runner's arguments, then MMAPSUITE_GPIO_REQUEST "N:write" set by suites/main.c and by
 * nothing the caller exports); then only that pin's registers are written,
 * only when neither the tree nor gpiolib reports the pin in use, and the pin is put back.
 *
 * Rules (l4-l6), per access method: STRICT_DEVMEM refuses RAM to mmap and read (x86 shows
 * the first MiB as zeros instead), read() past the RAM fails with EFAULT, mmap is bounded by
 * the physical-address width. Every test is a SKIP where /dev/mem is absent. */
#include "mm_util.h"
#include "policy.h"
#include "devmem_dt.h"
#include "trusted_env.h"

#include <dirent.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/gpio.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/utsname.h>
#include <unistd.h>

/* ---- board register maps (data) ---- */

enum gpio_kind { GPIO_BCM2835, GPIO_PL061 };

struct gpio_map {
	const char *compatible;
	const char *name;
	enum gpio_kind kind;
	unsigned npins;
	uint32_t fsel;  /* BCM: GPFSEL0 (3 bits a pin, 10 pins a register); PL061: GPIODIR */
	uint32_t set;   /* BCM: GPSET0; PL061: address-masked GPIODATA base */
	uint32_t clr;   /* BCM: GPCLR0 */
	uint32_t lev;   /* BCM: GPLEV0; PL061: GPIODATA read with every mask bit (0x3FC) */
	uint32_t afsel; /* PL061: GPIOAFSEL (hardware control); 0: none */
	uint32_t span;  /* bytes of registers to map */
};

static const struct gpio_map gpio_maps[] = {
	/* BCM2835 ARM Peripherals, 6.1: GPFSEL0-5 0x00-0x14, GPSET0/1 0x1c, GPCLR0/1 0x28,
	 * GPLEV0/1 0x34. The BCM2837 of the Pi 3 has the same block. */
	{ "brcm,bcm2835-gpio", "BCM2835/2837 GPIO", GPIO_BCM2835, 54, 0x00, 0x1c, 0x28, 0x34, 0,
	  0xb4 },
	{ "brcm,bcm2711-gpio", "BCM2711 GPIO", GPIO_BCM2835, 58, 0x00, 0x1c, 0x28, 0x34, 0, 0xf4 },
	/* ARM PrimeCell PL061 TRM: GPIODATA 0x000-0x3FC (bits [9:2] of the address mask the
	 * access), GPIODIR 0x400, GPIOAFSEL 0x420, PeriphID 0xFE0-0xFEC, PCellID 0xFF0-0xFFC. */
	{ "arm,pl061", "PL061 GPIO", GPIO_PL061, 8, 0x400, 0x000, 0x000, 0x3fc, 0x420, 0x1000 },
};
#define NMAPS (sizeof(gpio_maps) / sizeof(gpio_maps[0]))

static inline uint32_t rd32(volatile void *base, uint32_t off)
{
	return *(volatile uint32_t *)((volatile char *)base + off);
}

static inline void wr32(volatile void *base, uint32_t off, uint32_t v)
{
	*(volatile uint32_t *)((volatile char *)base + off) = v;
}

/* ---- what the machine allows, and why not ---- */

static const char *lockdown_mode(void)
{
	static char mode[32];
	char line[128];
	ms_read_first_line("/sys/kernel/security/lockdown", line, sizeof(line));
	char *a = strchr(line, '['), *b = a ? strchr(a, ']') : NULL;
	if (!a || !b || !strncmp(a + 1, "none", 4))
		return NULL;
	snprintf(mode, sizeof(mode), "%.*s", (int)(b - a - 1), a + 1);
	return mode;
}

/* Opens /dev/mem, or ends the test as a SKIP that says why it cannot be opened. */
static int devmem_open(int flags)
{
	int fd = open("/dev/mem", flags | O_SYNC | O_CLOEXEC);
	if (fd >= 0)
		return fd;
	int e = errno;
	if (e == ENOENT)
		cr_skip_test("no /dev/mem: the kernel is built without CONFIG_DEVMEM or /dev has no "
			     "mem node (mknod /dev/mem c 1 1)");
	if (e == EPERM || e == EACCES) {
		const char *mode = lockdown_mode();
		if (mode)
			cr_skip_test("kernel lockdown (%s) refuses opening /dev/mem: boot with "
				     "lockdown=none and Secure Boot off", mode);
		cr_skip_test("opening /dev/mem is refused (%s): it needs CAP_SYS_RAWIO (run as "
			     "root)", ms_errname(e));
	}
	ms_broken("open(/dev/mem): %s", ms_errname(e));
	return -1;
}

struct iomem_range {
	uint64_t start, end; /* inclusive, as /proc/iomem prints them */
	int depth;
	char name[64];
};

/* /proc/iomem; the addresses read as zero without CAP_SYS_ADMIN: then a SKIP. */
static int iomem_read(struct iomem_range *r, int max)
{
	FILE *f = fopen("/proc/iomem", "r");
	if (!f)
		cr_skip_test("no /proc/iomem: the physical memory map is unknown");
	char line[256];
	int n = 0, nonzero = 0;
	while (n < max && fgets(line, sizeof(line), f)) {
		int depth = 0;
		while (line[depth] == ' ')
			depth++;
		unsigned long long s, e;
		int pos = 0;
		if (sscanf(line + depth, "%llx-%llx : %n", &s, &e, &pos) != 2 || !pos)
			continue;
		r[n] = (struct iomem_range){ s, e, depth / 2, "" };
		snprintf(r[n].name, sizeof(r[n].name), "%s", line + depth + pos);
		r[n].name[strcspn(r[n].name, "\n")] = 0;
		nonzero |= s || e;
		n++;
	}
	fclose(f);
	if (!nonzero)
		cr_skip_test("/proc/iomem shows no addresses: reading them needs CAP_SYS_ADMIN "
			     "(run as root)");
	return n;
}

static int is_ram(const struct iomem_range *r)
{
	return r->depth == 0 && !strcmp(r->name, "System RAM");
}

/* 'y', 'n' or '?' (no configuration to read) for CONFIG_<name>; *val gets the value. The
 * configuration is read by the policy module (/boot/config-RELEASE or /proc/config.gz). */
static char kconfig(const char *name, char *val, size_t len)
{
	char option[128];
	struct ms_setting s;
	snprintf(option, sizeof(option), "CONFIG_%s", name);
	if (!ms_kconfig(option, &s))
		return '?';
	if (!strcmp(s.value, "n"))
		return 'n';
	if (val)
		snprintf(val, len, "%s", s.value);
	return 'y';
}

/* Maps [phys, phys + len) of /dev/mem or ends the test as a SKIP naming the rule that
 * refused it and its fix. */
static volatile void *devmem_map(int fd, uint64_t phys, size_t len, int prot)
{
	uint64_t page = ms_page(), base = phys & ~(page - 1);
	size_t maplen = (size_t)((phys - base + len + page - 1) & ~(page - 1));
	void *p = mmap(NULL, maplen, prot, MAP_SHARED, fd, (off_t)base);
	if (p != MAP_FAILED)
		return (volatile char *)p + (phys - base);
	int e = errno;
	if (e == EPERM) {
		struct iomem_range r[512];
		int n = iomem_read(r, 512);
		const char *claim = NULL;
		for (int i = 0; i < n; i++) {
			if (phys < r[i].start || phys > r[i].end)
				continue;
			if (is_ram(&r[i]))
				cr_skip_test("STRICT_DEVMEM refuses mapping RAM at %#llx (no boot option "
					     "lifts it: only a kernel built without "
					     "CONFIG_STRICT_DEVMEM maps RAM)", (unsigned long long)phys);
			claim = r[i].name;
		}
		char cmdline[1024];
		ms_read_first_line("/proc/cmdline", cmdline, sizeof(cmdline));
		if (strstr(cmdline, "iomem=relaxed"))
			cr_skip_test("mapping %#llx is refused (EPERM) although iomem=relaxed is set "
				     "(claimed as \"%s\" in /proc/iomem)", (unsigned long long)phys,
				     claim ? claim : "?");
		cr_skip_test("IO_STRICT_DEVMEM refuses I/O memory a driver claimed (%#llx, \"%s\" "
			     "in /proc/iomem): boot with iomem=relaxed", (unsigned long long)phys,
			     claim ? claim : "?");
	}
	ms_broken("mmap(/dev/mem, %#llx, %zu): %s", (unsigned long long)base, maplen,
		  ms_errname(e));
	return NULL;
}

/* ---- the GPIO block ---- */

struct gpio_block {
	const struct gpio_map *map;
	char node[PATH_MAX];
	uint64_t phys, size;
	volatile void *regs;
};

static void gpio_find(struct gpio_block *g)
{
	if (access("/dev/mem", F_OK) != 0)
		close(devmem_open(O_RDONLY)); /* the SKIP that names why */
	if (access(ms_dt_root(), F_OK) != 0)
		cr_skip_test("no device tree at %s: this machine describes its hardware another "
			     "way (ACPI), so no GPIO block is known", ms_dt_root());
	const char *compats[NMAPS];
	for (size_t i = 0; i < NMAPS; i++)
		compats[i] = gpio_maps[i].compatible;
	size_t which;
	if (ms_dt_find_compatible(compats, NMAPS, g->node, &which) != 0) {
		char found[512];
		ms_dt_gpio_compatibles(found, sizeof(found));
		cr_skip_test("no known GPIO block in the device tree (known: brcm,bcm2835-gpio, "
			     "brcm,bcm2711-gpio, arm,pl061; the tree's GPIO controllers: %s)", found);
	}
	g->map = &gpio_maps[which];
	char why[256];
	if (ms_dt_reg_phys(g->node, 0, &g->phys, &g->size, why) != 0)
		ms_broken("%s", why);
	if (g->size < g->map->span)
		ms_broken("%s: reg size %#llx is smaller than the %s registers (%#x)", g->node,
			  (unsigned long long)g->size, g->map->name, g->map->span);
}

static void gpio_map_block(struct gpio_block *g, int writable)
{
	gpio_find(g);
	int fd = devmem_open(writable ? O_RDWR : O_RDONLY);
	g->regs = devmem_map(fd, g->phys, g->map->span, PROT_READ | (writable ? PROT_WRITE : 0));
	close(fd);
}

/* Assert that the GPIO block the device tree names answers at its translated address: a
 * PL061's PrimeCell and peripheral ID registers read 0xB105F00D and part 0x061 by ARM
 * (0x41); a BCM2835's function-select registers read the same twice and not as an
 * unmapped bus's all-ones. LINUX. */
CONFORM(devmem, gpio_block_answers_at_device_tree_address, "m1", LINUX)
{
	struct gpio_block g;
	gpio_map_block(&g, 0);
	if (g.map->kind == GPIO_PL061) {
		uint32_t id[8];
		for (int i = 0; i < 8; i++)
			id[i] = rd32(g.regs, 0xfe0 + 4 * (uint32_t)i) & 0xff;
		uint32_t pcell = id[4] | id[5] << 8 | id[6] << 16 | id[7] << 24;
		uint32_t part = id[0] | (id[1] & 0xf) << 8, designer = id[1] >> 4 | (id[2] & 0xf) << 4;
		cr_assert(pcell == 0xb105f00d && part == 0x061 && designer == 0x41,
			  "%s at %#llx (%s): PCellID %#x, part %#x, designer %#x; a PL061 reads "
			  "0xb105f00d, 0x61, 0x41", g.map->name, (unsigned long long)g.phys, g.node,
			  pcell, part, designer);
	} else {
		for (uint32_t r = 0; r < 6; r++) {
			uint32_t a = rd32(g.regs, g.map->fsel + 4 * r), b = rd32(g.regs, g.map->fsel + 4 * r);
			cr_assert(a == b && a != 0xffffffffu, "%s at %#llx (%s): GPFSEL%u reads %#x "
				  "then %#x", g.map->name, (unsigned long long)g.phys, g.node, r, a, b);
		}
	}
}

/* Assert that the function-select (direction) and level registers read back sane values:
 * their reserved bits, those of pins the block does not have, read as zero. LINUX. */
CONFORM(devmem, gpio_function_and_level_registers_sane, "m2", LINUX)
{
	struct gpio_block g;
	gpio_map_block(&g, 0);
	const struct gpio_map *m = g.map;
	if (m->kind == GPIO_PL061) {
		uint32_t dir = rd32(g.regs, m->fsel), lev = rd32(g.regs, m->lev),
			 af = rd32(g.regs, m->afsel);
		cr_assert(!(dir >> m->npins) && !(lev >> m->npins) && !(af >> m->npins),
			  "PL061 GPIODIR %#x, GPIODATA %#x, GPIOAFSEL %#x: bits above pin %u must "
			  "read zero", dir, lev, af, m->npins - 1);
		return;
	}
	for (uint32_t r = 0; r * 10 < m->npins; r++) {
		uint32_t v = rd32(g.regs, m->fsel + 4 * r), pins = m->npins - r * 10;
		uint32_t valid = pins >= 10 ? 0x3fffffffu : (1u << (3 * pins)) - 1;
		cr_assert(!(v & ~valid), "GPFSEL%u reads %#x: bits outside %#x (reserved or no "
			  "pin) must be zero", r, v, valid);
	}
	uint32_t lev1 = rd32(g.regs, m->lev + 4);
	cr_assert(!(lev1 >> (m->npins - 32)), "GPLEV1 reads %#x: bits above pin %u must be zero",
		  lev1, m->npins - 1);
}

/* The pin the user named, and whether writes are allowed; SKIP otherwise. */
static unsigned gpio_pin_requested(void)
{
	const char *request = ms_env("MMAPSUITE_GPIO_REQUEST");
	if (!request)
		cr_skip_test("read-only by default: writing a GPIO pin needs --gpio-pin N "
			     "--allow-write");
	char *end;
	unsigned long n = strtoul(request, &end, 10);
	if (end == request || n > 1023 || (*end && strcmp(end, ":write")))
		ms_broken("MMAPSUITE_GPIO_REQUEST='%s' is not a pin number", request);
	if (strcmp(end, ":write"))
		cr_skip_test("--gpio-pin %lu without --allow-write: no register is written", n);
	return (unsigned)n;
}

/* The gpiolib chip of the device-tree node, if a driver registered one: its /dev path. */
static int gpiolib_chip_of(const char *node, char *dev)
{
	const char *rel = node + strlen(ms_dt_root());
	DIR *d = opendir("/sys/bus/gpio/devices");
	struct dirent *e;
	int found = 0;
	/* cppcheck-suppress readdirCalled ; readdir_r is deprecated */
	while (d && !found && (e = readdir(d))) {
		if (strncmp(e->d_name, "gpiochip", 8))
			continue;
		char link[PATH_MAX], real[PATH_MAX];
		snprintf(link, sizeof(link), "/sys/bus/gpio/devices/%s/of_node", e->d_name);
		if (!realpath(link, real)) {
			snprintf(link, sizeof(link), "/sys/bus/gpio/devices/%s/../of_node", e->d_name);
			if (!realpath(link, real))
				continue;
		}
		size_t lr = strlen(real), ln = strlen(rel);
		if (lr >= ln && !strcmp(real + lr - ln, rel)) {
			snprintf(dev, PATH_MAX, "/dev/%s", e->d_name);
			found = 1;
		}
	}
	if (d)
		closedir(d);
	return found;
}

/* SKIP unless the pin is free: not in use by the device tree (pin groups, hogs, any
 * gpios specifier) nor by gpiolib (GPIO_V2_GET_LINEINFO_IOCTL's USED flag). */
static void gpio_require_free(const struct gpio_block *g, unsigned pin)
{
	unsigned char used[64] = { 0 };
	ms_dt_gpio_pins_used(g->node, used, g->map->npins);
	if (used[pin])
		cr_skip_test("pin %u is in use in the device tree (%s: a pin group, hog or gpios "
			     "reference names it): choose a free pin", pin, g->node);
	char dev[PATH_MAX];
	if (!gpiolib_chip_of(g->node, dev))
		return; /* no gpiolib driver for the block: the tree is the only claimant */
	int fd = open(dev, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		ms_broken("open(%s): %s", dev, ms_errname(errno));
	struct gpio_v2_line_info info = { .offset = pin };
	if (ioctl(fd, GPIO_V2_GET_LINEINFO_IOCTL, &info) != 0)
		ms_broken("GPIO_V2_GET_LINEINFO_IOCTL(%s, %u): %s", dev, pin, ms_errname(errno));
	close(fd);
	if (info.flags & GPIO_V2_LINE_FLAG_USED)
		cr_skip_test("pin %u is in use according to gpiolib (%s, consumer \"%s\"): choose "
			     "a free pin", pin, dev, info.consumer);
}

/* BCM: a pin's 3-bit function field; PL061: its direction bit (1: output). */
static uint32_t fsel_get(const struct gpio_block *g, unsigned pin)
{
	const struct gpio_map *m = g->map;
	if (m->kind == GPIO_PL061)
		return rd32(g->regs, m->fsel) >> pin & 1;
	return rd32(g->regs, m->fsel + 4 * (pin / 10)) >> (3 * (pin % 10)) & 7;
}

/* Read-modify-write of the pin's own field only. */
static void fsel_set(const struct gpio_block *g, unsigned pin, uint32_t f)
{
	const struct gpio_map *m = g->map;
	if (m->kind == GPIO_PL061) {
		uint32_t v = rd32(g->regs, m->fsel);
		wr32(g->regs, m->fsel, (v & ~(1u << pin)) | f << pin);
		return;
	}
	uint32_t off = m->fsel + 4 * (pin / 10), sh = 3 * (pin % 10);
	uint32_t v = rd32(g->regs, off);
	wr32(g->regs, off, (v & ~(7u << sh)) | f << sh);
}

static void level_drive(const struct gpio_block *g, unsigned pin, int high)
{
	const struct gpio_map *m = g->map;
	if (m->kind == GPIO_PL061)
		/* Address bit pin + 2 selects the pin: the other pins' data is untouched. */
		wr32(g->regs, m->set + (4u << pin), high ? 1u << pin : 0);
	else
		wr32(g->regs, (high ? m->set : m->clr) + 4 * (pin / 32), 1u << (pin % 32));
}

static int level_get(const struct gpio_block *g, unsigned pin)
{
	const struct gpio_map *m = g->map;
	uint32_t off = m->kind == GPIO_PL061 ? m->lev : m->lev + 4 * (pin / 32);
	return rd32(g->regs, off) >> (pin % 32) & 1;
}

/* Assert, on the free pin the user named with --gpio-pin N --allow-write, that the
 * function-select (direction) register takes "output" and reads it back, and that set and
 * clear show in the level register while the function stays output (QEMU's GPLEV latches
 * GPSET even on an input). The pin's level and function are put back; no other register is
 * written. LINUX. */
CONFORM(devmem, gpio_pin_output_round_trip, "m3", LINUX)
{
	unsigned pin = gpio_pin_requested();
	struct gpio_block g;
	gpio_find(&g);
	if (pin >= g.map->npins)
		ms_broken("--gpio-pin %u: the %s block has pins 0 to %u", pin, g.map->name,
			  g.map->npins - 1);
	gpio_require_free(&g, pin);
	gpio_map_block(&g, 1);
	const struct gpio_map *m = g.map;
	const uint32_t out = 1;
	uint32_t f0 = fsel_get(&g, pin);
	if (m->kind == GPIO_PL061 && (rd32(g.regs, m->afsel) >> pin & 1))
		cr_skip_test("pin %u is under hardware control (GPIOAFSEL): not a free GPIO", pin);
	if (m->kind == GPIO_BCM2835 && f0 > 1)
		cr_skip_test("pin %u is in alternate function %u: in use by a peripheral", pin, f0);
	int l0 = level_get(&g, pin);
	/* The output latch first takes the pin's present level, so switching does not glitch. */
	level_drive(&g, pin, l0);
	fsel_set(&g, pin, out);
	uint32_t f1 = fsel_get(&g, pin);
	level_drive(&g, pin, 1);
	int high = level_get(&g, pin);
	level_drive(&g, pin, 0);
	int low = level_get(&g, pin);
	uint32_t f2 = fsel_get(&g, pin);
	/* Put the pin back before judging. */
	level_drive(&g, pin, l0);
	fsel_set(&g, pin, f0);
	uint32_t f3 = fsel_get(&g, pin);
	cr_assert(f1 == out, "pin %u: function select reads %u after writing output (%u)", pin,
		  f1, out);
	cr_assert(high == 1 && low == 0, "pin %u: level reads %d after set, %d after clear", pin,
		  high, low);
	cr_assert(f2 == out, "pin %u: function select reads %u after set and clear; still "
		  "output expected", pin, f2);
	cr_assert(f3 == f0, "pin %u: function select reads %u after restoring %u", pin, f3, f0);
}

/* ---- the /dev/mem rules of every machine ---- */

/* A page of System RAM, above the first MiB (x86 treats that MiB apart): the middle of the
 * largest range, or (low) one MiB into it, where a 32-bit kernel's lowmem is: read() reaches
 * lowmem only there (valid_phys_addr_range(), arch/arm/mm/mmap.c: EFAULT past high_memory,
 * before STRICT_DEVMEM is asked). */
static uint64_t ram_page_at(bool low)
{
	struct iomem_range r[512];
	int n = iomem_read(r, 512);
	uint64_t best = 0, best_len = 0;
	for (int i = 0; i < n; i++) {
		uint64_t s = r[i].start < (1u << 20) ? 1u << 20 : r[i].start;
		if (is_ram(&r[i]) && r[i].end > s && r[i].end - s > best_len) {
			best_len = r[i].end - s;
			best = s;
		}
	}
	if (best_len < 2 * ms_page())
		cr_skip_test("/proc/iomem shows no System RAM above 1 MiB");
	uint64_t off = low && best_len > (2u << 20) ? 1u << 20 : best_len / 2;
	return (best + off) & ~(uint64_t)(ms_page() - 1);
}

static uint64_t ram_page(void)
{
	return ram_page_at(false);
}

/* SKIP unless the kernel is known to be built with STRICT_DEVMEM. */
static void require_strict_devmem(void)
{
	char c = kconfig("STRICT_DEVMEM", NULL, 0);
	if (c == 'n')
		cr_skip_test("kernel built without CONFIG_STRICT_DEVMEM: RAM is open to /dev/mem");
	if (c == '?')
		cr_skip_test("the kernel configuration is not readable (/boot/config-$(uname -r) "
			     "or /proc/config.gz): cannot tell whether STRICT_DEVMEM is on");
}

/* Assert that under STRICT_DEVMEM mmap of System RAM (above the first MiB) fails with EPERM.
 * LINUX (drivers/char/mem.c, range_is_allowed). */
CONFORM(devmem, strict_devmem_refuses_ram_to_mmap, "m4", LINUX)
{
	int fd = devmem_open(O_RDONLY);
	require_strict_devmem();
	uint64_t at = ram_page();
	void *p = mmap(NULL, ms_page(), PROT_READ, MAP_SHARED, fd, (off_t)at);
	int e = errno;
	if (p != MAP_FAILED)
		munmap(p, ms_page());
	cr_assert(p == MAP_FAILED && e == EPERM, "mmap of System RAM at %#llx: %s; EPERM "
		  "expected under STRICT_DEVMEM", (unsigned long long)at,
		  p == MAP_FAILED ? ms_errname(e) : "mapped");
}

/* Assert that under STRICT_DEVMEM read() of System RAM above the first MiB fails with
 * EPERM. LINUX (drivers/char/mem.c, read_mem). The page is one MiB into the RAM: on 32-bit
 * arm the middle of 2 GiB lies in highmem, which read() refuses with EFAULT for its range
 * before STRICT_DEVMEM decides (seen on the armhf guest). */
CONFORM(devmem, strict_devmem_refuses_ram_to_read, "m4", LINUX)
{
	int fd = devmem_open(O_RDONLY);
	require_strict_devmem();
	uint64_t at = ram_page_at(true);
	char *buf = malloc(ms_page());
	ssize_t n = pread(fd, buf, ms_page(), (off_t)at);
	int e = errno;
	free(buf);
	cr_assert(n < 0 && e == EPERM, "read() of System RAM at %#llx: %s; EPERM expected under "
		  "STRICT_DEVMEM", (unsigned long long)at, n < 0 ? ms_errname(e) : "data");
}

/* Assert that on x86 under STRICT_DEVMEM read() of System RAM in the first MiB succeeds and
 * shows zeros (arch/x86/mm/init.c, devmem_is_allowed returns 2). LINUX, x86 only. */
CONFORM(devmem, x86_first_mib_ram_reads_as_zeros, "m4", LINUX)
{
	int fd = devmem_open(O_RDONLY);
#if !defined(__x86_64__) && !defined(__i386__)
	(void)fd;
	cr_skip_test("only x86 shows RAM in the first MiB as zeros; other architectures refuse it");
#else
	require_strict_devmem();
	struct iomem_range r[512];
	int n = iomem_read(r, 512);
	uint64_t at = 0;
	int found = 0;
	for (int i = 0; i < n && !found; i++) {
		uint64_t s = (r[i].start + ms_page() - 1) & ~(uint64_t)(ms_page() - 1);
		if (is_ram(&r[i]) && s + ms_page() - 1 <= r[i].end && s + ms_page() <= (1u << 20))
			at = s, found = 1;
	}
	if (!found)
		cr_skip_test("/proc/iomem shows no page of System RAM in the first MiB");
	unsigned char *buf = malloc(ms_page());
	memset(buf, 0xa5, ms_page());
	ssize_t got = pread(fd, buf, ms_page(), (off_t)at);
	int e = errno;
	cr_assert(got == (ssize_t)ms_page(), "read() of RAM at %#llx (first MiB): %s",
		  (unsigned long long)at, got < 0 ? ms_errname(e) : "short read");
	size_t nz = 0;
	for (size_t i = 0; i < ms_page(); i++)
		nz += buf[i] != 0;
	cr_assert(nz == 0, "read() of RAM at %#llx (first MiB): %zu non-zero bytes; zeros "
		  "expected under STRICT_DEVMEM", (unsigned long long)at, nz);
	free(buf);
#endif
}

/* Assert that read() at the first page past the highest System RAM fails with EFAULT
 * (valid_phys_addr_range). LINUX (drivers/char/mem.c, read_mem). */
CONFORM(devmem, read_past_ram_fails_efault, "m5", LINUX)
{
	int fd = devmem_open(O_RDONLY);
	struct iomem_range r[512];
	int n = iomem_read(r, 512);
	uint64_t top = 0;
	for (int i = 0; i < n; i++)
		if (is_ram(&r[i]) && r[i].end + 1 > top)
			top = r[i].end + 1;
	if (!top)
		cr_skip_test("/proc/iomem shows no System RAM");
	top = (top + ms_page() - 1) & ~(uint64_t)(ms_page() - 1);
	char buf[64];
	ssize_t got = pread(fd, buf, sizeof(buf), (off_t)top);
	int e = errno;
	cr_assert(got < 0 && e == EFAULT, "read() at %#llx, past the last System RAM: %s; EFAULT "
		  "expected", (unsigned long long)top, got < 0 ? ms_errname(e) : "data");
}

/* The physical-address width mmap of /dev/mem is bounded by: x86's CPU width from
 * /proc/cpuinfo, arm64's configured CONFIG_ARM64_PA_BITS. SKIP when unknown. */
static unsigned phys_bits(void)
{
#if defined(__x86_64__) || defined(__i386__)
	FILE *f = fopen("/proc/cpuinfo", "r");
	char line[256];
	unsigned bits = 0;
	while (f && !bits && fgets(line, sizeof(line), f))
		if (sscanf(line, "address sizes : %u bits physical", &bits) != 1)
			bits = 0;
	if (f)
		fclose(f);
	if (!bits)
		cr_skip_test("/proc/cpuinfo gives no physical address size");
	return bits;
#elif defined(__aarch64__)
	char val[32];
	if (kconfig("ARM64_PA_BITS", val, sizeof(val)) != 'y')
		cr_skip_test("CONFIG_ARM64_PA_BITS unknown (no readable kernel configuration): the "
			     "physical-address bound of /dev/mem is unknown");
	return (unsigned)atoi(val);
#elif defined(__arm__)
	cr_skip_test("32-bit arm bounds /dev/mem's mmap by PHYS_MASK (arch/arm/mm/mmap.c: 40 bits "
		     "with LPAE, 32 without; a compat task is bounded by its 64-bit kernel's): "
		     "not derived here");
	return 0;
#else
	cr_skip_test("no physical-address bound here: this architecture (powerpc, s390) has no "
		     "ARCH_HAS_VALID_PHYS_ADDR_RANGE, so drivers/char/mem.c's generic "
		     "valid_mmap_phys_addr_range() accepts every address");
	return 0;
#endif
}

/* Assert that mmap of /dev/mem at the first address past the physical-address width fails
 * with EINVAL, and that an address inside it (2^(bits-1)) is not refused for its address
 * (it may be refused as RAM or claimed I/O: EPERM). Nothing is touched. LINUX
 * (valid_mmap_phys_addr_range). */
CONFORM(devmem, mmap_bounded_by_physical_address_width, "m6", LINUX)
{
	int fd = devmem_open(O_RDONLY);
	unsigned bits = phys_bits();
	if (bits >= 63)
		cr_skip_test("a %u-bit physical address does not fit an off_t", bits);
	uint64_t limit = (uint64_t)1 << bits;
	void *p = mmap(NULL, ms_page(), PROT_READ, MAP_SHARED, fd, (off_t)limit);
	int e = errno;
	if (p != MAP_FAILED)
		munmap(p, ms_page());
	cr_assert(p == MAP_FAILED && e == EINVAL, "mmap at %#llx (2^%u): %s; EINVAL expected",
		  (unsigned long long)limit, bits, p == MAP_FAILED ? ms_errname(e) : "mapped");
	/* Half-way up, not at the last page: arm64 compares the range's exclusive end with
	 * PHYS_MASK and so also refuses the last page below 2^bits. */
	p = mmap(NULL, ms_page(), PROT_READ, MAP_SHARED, fd, (off_t)(limit / 2));
	e = errno;
	if (p != MAP_FAILED)
		munmap(p, ms_page());
	cr_assert(p != MAP_FAILED || e == EPERM, "mmap at 2^%u: %s; it is inside the "
		  "physical-address width", bits - 1, ms_errname(e));
}
