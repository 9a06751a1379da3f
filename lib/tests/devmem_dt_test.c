/* The devmem suite's device-tree parser (suites/devmem_dt.c) on fake trees built here:
 * a Raspberry Pi 3's bus translation, QEMU virt's two-cell addresses, and the pins a tree
 * hands out. */
#include <criterion/criterion.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "devmem_dt.h"
#include "util.h"

static char root[PATH_MAX];

static void put(const char *node, const char *prop, const void *data, size_t len)
{
	char path[PATH_MAX];
	snprintf(path, sizeof(path), "%s%s", root, node);
	for (char *s = path + strlen(root) + 1; *s; s++)
		if (*s == '/')
			*s = 0, mkdir(path, 0755), *s = '/';
	mkdir(path, 0755);
	snprintf(path, sizeof(path), "%s%s/%s", root, node, prop);
	FILE *f = fopen(path, "wb");
	cr_assert_not_null(f, "cannot create %s", path);
	fwrite(data, 1, len, f);
	fclose(f);
}

/* Big-endian cells. */
static void cells(const char *node, const char *prop, int n, const uint32_t *v)
{
	unsigned char b[64];
	for (int i = 0; i < n; i++) {
		b[4 * i] = (unsigned char)(v[i] >> 24), b[4 * i + 1] = (unsigned char)(v[i] >> 16);
		b[4 * i + 2] = (unsigned char)(v[i] >> 8), b[4 * i + 3] = (unsigned char)v[i];
	}
	put(node, prop, b, 4 * (size_t)n);
}

#define CELLS(node, prop, ...) \
	cells(node, prop, sizeof((uint32_t[]){ __VA_ARGS__ }) / 4, (uint32_t[]){ __VA_ARGS__ })
#define STR(node, prop, s) put(node, prop, s, sizeof(s))

static void make_root(void)
{
	snprintf(root, sizeof(root), "/tmp/mmapsuite-dt-XXXXXX");
	cr_assert_not_null(mkdtemp(root));
	setenv("MMAPSUITE_DEVICE_TREE", root, 1);
}

static void remove_root(void)
{
	cr_assert_eq(ms_remove_tree(root), 0);
}

/* The Pi 3 layout of bcm2837-rpi-3-b.dts: /soc maps bus 0x7e000000 to CPU 0x3f000000. */
static void pi3_tree(void)
{
	make_root();
	STR("", "compatible", "raspberrypi,3-model-b\0brcm,bcm2837");
	CELLS("", "#address-cells", 1);
	CELLS("", "#size-cells", 1);
	STR("/soc", "compatible", "simple-bus");
	CELLS("/soc", "#address-cells", 1);
	CELLS("/soc", "#size-cells", 1);
	CELLS("/soc", "ranges", 0x7e000000, 0x3f000000, 0x1000000, 0x40000000, 0x40000000, 0x1000);
	STR("/soc/gpio@7e200000", "compatible", "brcm,bcm2835-gpio");
	CELLS("/soc/gpio@7e200000", "reg", 0x7e200000, 0xb4);
	CELLS("/soc/gpio@7e200000", "phandle", 0x10);
	CELLS("/soc/gpio@7e200000", "#gpio-cells", 2);
	put("/soc/gpio@7e200000", "gpio-controller", "", 0);
	CELLS("/soc/gpio@7e200000/uart0_gpio14", "brcm,pins", 14, 15);
	CELLS("/soc/gpio@7e200000/uart0_gpio14", "phandle", 0x11);
	CELLS("/soc/gpio@7e200000/dpi_gpio0", "brcm,pins", 0, 1, 2, 3, 17, 27); /* nobody's */
	CELLS("/soc/gpio@7e200000/dpi_gpio0", "phandle", 0x12);
	CELLS("/soc/gpio@7e200000/spi0_gpio7", "brcm,pins", 7, 8);
	CELLS("/soc/gpio@7e200000/spi0_gpio7", "phandle", 0x13);
	CELLS("/soc/serial@7e201000", "pinctrl-0", 0x11);
	CELLS("/soc/spi@7e204000", "pinctrl-0", 0x13); /* selected by a disabled node only */
	STR("/soc/spi@7e204000", "status", "disabled");
	CELLS("/soc/gpio@7e200000/hog", "gpios", 40, 0);
	put("/soc/gpio@7e200000/hog", "gpio-hog", "", 0);
	/* a disabled copy earlier in name order must not be chosen */
	STR("/soc/gpio@7e100000", "compatible", "brcm,bcm2835-gpio");
	CELLS("/soc/gpio@7e100000", "reg", 0x7e100000, 0xb4);
	STR("/soc/gpio@7e100000", "status", "disabled");
	/* another controller with three cells a specifier, then ours */
	STR("/expgpio", "compatible", "raspberrypi,firmware-gpio");
	CELLS("/expgpio", "phandle", 0x20);
	CELLS("/expgpio", "#gpio-cells", 3);
	put("/expgpio", "gpio-controller", "", 0);
	CELLS("/leds/act", "gpios", 0x20, 2, 0, 0, 0x10, 29, 0);
	CELLS("/sd", "cd-gpios", 0x10, 47, 1);
}

Test(devmem_dt, pi3_gpio_bus_address_translated_through_soc_ranges)
{
	pi3_tree();
	const char *compats[] = { "arm,pl061", "brcm,bcm2835-gpio" };
	char node[PATH_MAX];
	size_t which = 9;
	cr_assert_eq(ms_dt_find_compatible(compats, 2, node, &which), 0);
	cr_assert_eq(which, 1);
	cr_assert(strstr(node, "/soc/gpio@7e200000"), "found %s, not the enabled node", node);
	uint64_t addr = 0, size = 0;
	char why[256] = "";
	cr_assert_eq(ms_dt_reg_phys(node, 0, &addr, &size, why), 0, "%s", why);
	cr_assert_eq(addr, 0x3f200000, "bus 0x7e200000 translated to %#llx",
		     (unsigned long long)addr);
	cr_assert_eq(size, 0xb4);
	unsigned char used[64] = { 0 };
	ms_dt_gpio_pins_used(node, used, 54);
	for (unsigned p = 0; p < 54; p++)
		cr_assert_eq(used[p], p == 14 || p == 15 || p == 29 || p == 40 || p == 47, "pin %u used: %d", p,
			     used[p]);
	char found[256];
	ms_dt_gpio_compatibles(found, sizeof(found));
	cr_assert(strstr(found, "brcm,bcm2835-gpio") && strstr(found, "raspberrypi,firmware-gpio"),
		  "gpio controllers named: %s", found);
	remove_root();
}

Test(devmem_dt, virt_pl061_two_cell_address_and_failures)
{
	make_root();
	CELLS("", "#address-cells", 2);
	CELLS("", "#size-cells", 2);
	STR("/pl061@9030000", "compatible", "arm,pl061\0arm,primecell");
	CELLS("/pl061@9030000", "reg", 0, 0x9030000, 0, 0x1000);
	/* a bus without ranges: not memory mapped */
	CELLS("/i2c", "#address-cells", 1);
	CELLS("/i2c", "#size-cells", 0);
	CELLS("/i2c/dev@50", "reg", 0x50);
	/* a bus whose window misses the child */
	CELLS("/bus", "#address-cells", 1);
	CELLS("/bus", "#size-cells", 1);
	CELLS("/bus", "ranges", 0x0, 0x0, 0x10000000, 0x1000);
	CELLS("/bus/dev@2000", "reg", 0x2000, 0x100);
	char node[PATH_MAX], why[256];
	size_t which;
	const char *compats[] = { "arm,pl061" };
	cr_assert_eq(ms_dt_find_compatible(compats, 1, node, &which), 0);
	uint64_t addr, size;
	cr_assert_eq(ms_dt_reg_phys(node, 0, &addr, &size, why), 0, "%s", why);
	cr_assert_eq(addr, 0x9030000);
	cr_assert_eq(size, 0x1000);
	snprintf(node, sizeof(node), "%s/i2c/dev@50", root);
	cr_assert_neq(ms_dt_reg_phys(node, 0, &addr, &size, why), 0);
	cr_assert(strstr(why, "no ranges"), "%s", why);
	snprintf(node, sizeof(node), "%s/bus/dev@2000", root);
	cr_assert_neq(ms_dt_reg_phys(node, 0, &addr, &size, why), 0);
	cr_assert(strstr(why, "outside"), "%s", why);
	const char *none[] = { "brcm,bcm2835-gpio" };
	cr_assert_neq(ms_dt_find_compatible(none, 1, node, &which), 0);
	remove_root();
}
