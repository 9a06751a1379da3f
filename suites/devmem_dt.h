/* The device tree as the kernel exports it (/proc/device-tree, or the directory named by
 * $MMAPSUITE_DEVICE_TREE): finding a device node by compatible string and translating its
 * `reg` to a CPU physical address through every parent bus's `ranges`.
 *
 * The parser is independent of Criterion so the unit tests run it on a fake tree. */
#ifndef MMAPSUITE_DEVMEM_DT_H
#define MMAPSUITE_DEVMEM_DT_H

#include <limits.h>
#include <stddef.h>
#include <stdint.h>

/* The tree's root directory: $MMAPSUITE_DEVICE_TREE if set, else /proc/device-tree. */
const char *ms_dt_root(void);

/* A property's raw bytes (malloc'd, *len set, a NUL after the last byte) or NULL (errno set)
 * when absent. */
unsigned char *ms_dt_prop(const char *node, const char *name, size_t *len);

/* Whether the node's compatible list holds compat. */
int ms_dt_is_compatible(const char *node, const char *compat);

/* Whether the node is enabled: no status property, or "okay"/"ok". */
int ms_dt_enabled(const char *node);

/* The first enabled node below root (depth first, directory order sorted) compatible with any
 * of compats[0..n), its path in node (PATH_MAX) and the index of the matched string.
 * Returns 0, or -1 if none. */
int ms_dt_find_compatible(const char *const *compats, size_t n, char *node, size_t *which);

/* reg entry i of node translated to a CPU physical address through every parent's ranges.
 * Returns 0; -1 with a reason in why (256 bytes) when reg is absent or malformed, or an
 * address falls outside every `ranges` window, or a bus has no `ranges` (not memory mapped). */
int ms_dt_reg_phys(const char *node, unsigned i, uint64_t *addr, uint64_t *size, char *why);

/* The compatible strings of every node that declares gpio-controller, ", "-separated, into
 * out (len bytes), for a SKIP that names what the board has. */
void ms_dt_gpio_compatibles(char *out, size_t len);

/* Pins of the GPIO controller at node that the tree hands to someone: pins of a child pin
 * group (brcm,pins) that an enabled node selects through pinctrl-N, gpio-hog children, and
 * every `gpios`/`*-gpios` specifier anywhere in the tree (enabled or not) that points at
 * the controller's phandle.
 * Sets used[pin] = 1 for pin < npins. */
void ms_dt_gpio_pins_used(const char *node, unsigned char *used, unsigned npins);

#endif
