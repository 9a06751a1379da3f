/* Device-tree lookups for the devmem suite (see devmem_dt.h). The tree is read as the kernel
 * exports it: one directory per node, one file per property, cells big-endian. */
#include "devmem_dt.h"
#include "trusted_env.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

const char *ms_dt_root(void)
{
	const char *env = ms_env("MMAPSUITE_DEVICE_TREE");
	return env && *env ? env : "/proc/device-tree";
}

unsigned char *ms_dt_prop(const char *node, const char *name, size_t *len)
{
	char path[PATH_MAX];
	snprintf(path, sizeof(path), "%s/%s", node, name);
	FILE *f = fopen(path, "rb");
	if (!f)
		return NULL;
	size_t cap = 256, n = 0;
	unsigned char *buf = malloc(cap);
	size_t got;
	while (buf && (got = fread(buf + n, 1, cap - n, f)) > 0) {
		n += got;
		if (n == cap) {
			unsigned char *bigger = realloc(buf, cap *= 2);
			if (!bigger)
				free(buf);
			buf = bigger;
		}
	}
	fclose(f);
	if (buf) {
		buf[n] = 0; /* n < cap here: a full buffer was grown before the next read */
		*len = n;   /* a string property is read to its NUL even when the file lacks one */
	}
	return buf;
}

static uint32_t be32(const unsigned char *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

/* A number of `cells` cells; only the low 64 bits count (a PCI address's first cell is
 * its space code, not part of the offset). */
static uint64_t cells_value(const unsigned char *p, unsigned cells)
{
	uint64_t v = 0;
	for (unsigned i = 0; i < cells; i++)
		v = v << 32 | be32(p + 4 * i);
	return v;
}

static int prop_u32(const char *node, const char *name, uint32_t *v)
{
	size_t len;
	unsigned char *p = ms_dt_prop(node, name, &len);
	int ok = p && len == 4;
	if (ok)
		*v = be32(p);
	free(p);
	return ok ? 0 : -1;
}

static int is_root(const char *node)
{
	return strcmp(node, ms_dt_root()) == 0;
}

static void parent_of(const char *node, char *out)
{
	snprintf(out, PATH_MAX, "%s", node);
	char *slash = strrchr(out, '/');
	if (slash && slash != out)
		*slash = 0;
}

/* #address-cells / #size-cells a bus gives its children (DT spec defaults 2 and 1). */
static unsigned addr_cells(const char *bus)
{
	uint32_t v;
	return prop_u32(bus, "#address-cells", &v) ? 2 : v;
}

static unsigned size_cells(const char *bus)
{
	uint32_t v;
	return prop_u32(bus, "#size-cells", &v) ? 1 : v;
}

int ms_dt_is_compatible(const char *node, const char *compat)
{
	size_t len;
	char *p = (char *)ms_dt_prop(node, "compatible", &len);
	int found = 0;
	if (!p)
		return 0;
	/* strnlen: the last string of a property written by hand may lack its NUL */
	for (size_t i = 0; i < len; i += strnlen(p + i, len - i) + 1)
		if (strncmp(p + i, compat, len - i) == 0 && strlen(compat) < len - i)
			found = 1;
	free(p);
	return found;
}

int ms_dt_enabled(const char *node)
{
	size_t len;
	char *p = (char *)ms_dt_prop(node, "status", &len);
	int on = !p || (len >= 2 && (!strncmp(p, "okay", len) || !strncmp(p, "ok", len)));
	free(p);
	return on;
}

typedef int (*visit_fn)(const char *node, void *ctx);

/* Calls fn(child, ctx) for each child node (subdirectory) of node, in name order; stops
 * when fn returns non-zero and returns that value. */
static int each_child(const char *node, visit_fn fn, void *ctx)
{
	int r = 0;
	struct dirent **names;
	int n = scandir(node, &names, NULL, alphasort);
	for (int i = 0; i < n; i++) {
		char child[PATH_MAX];
		struct stat st;
		snprintf(child, sizeof(child), "%s/%s", node, names[i]->d_name);
		if (!r && names[i]->d_name[0] != '.' && lstat(child, &st) == 0 &&
		    S_ISDIR(st.st_mode))
			r = fn(child, ctx);
		free(names[i]);
	}
	if (n >= 0)
		free(names);
	return r;
}

struct walk_args {
	visit_fn visit;
	void *ctx;
};

static int walk(const char *node, visit_fn visit, void *ctx);

static int walk_child(const char *child, void *arg)
{
	const struct walk_args *w = arg;
	return walk(child, w->visit, w->ctx);
}

/* Depth first over every node below (and including) node, children in name order; stops
 * when visit returns non-zero and returns that value. */
static int walk(const char *node, visit_fn visit, void *ctx)
{
	int r = visit(node, ctx);
	if (r)
		return r;
	struct walk_args w = { visit, ctx };
	return each_child(node, walk_child, &w);
}

struct find_ctx {
	const char *const *compats;
	size_t n, which;
	char *out;
};

static int find_visit(const char *node, void *vctx)
{
	struct find_ctx *c = vctx;
	if (!ms_dt_enabled(node))
		return 0;
	for (size_t i = 0; i < c->n; i++) {
		if (ms_dt_is_compatible(node, c->compats[i])) {
			snprintf(c->out, PATH_MAX, "%s", node);
			c->which = i;
			return 1;
		}
	}
	return 0;
}

int ms_dt_find_compatible(const char *const *compats, size_t n, char *node, size_t *which)
{
	struct find_ctx c = { compats, n, 0, node };
	if (walk(ms_dt_root(), find_visit, &c) != 1)
		return -1;
	*which = c.which;
	return 0;
}

int ms_dt_reg_phys(const char *node, unsigned i, uint64_t *addr, uint64_t *size, char *why)
{
	char bus[PATH_MAX], cur[PATH_MAX];
	parent_of(node, bus);
	unsigned ac = addr_cells(bus), sc = size_cells(bus);
	size_t len;
	unsigned char *reg = ms_dt_prop(node, "reg", &len);
	if (!reg || ac == 0 || ac > 4 || sc > 2 || len < (i + 1) * 4 * (ac + sc)) {
		snprintf(why, 256, "%s: no reg entry %u for #address-cells %u, #size-cells %u",
			 node, i, ac, sc);
		free(reg);
		return -1;
	}
	const unsigned char *e = reg + (size_t)i * 4 * (ac + sc);
	uint64_t a = cells_value(e, ac), sz = cells_value(e + 4 * ac, sc);
	free(reg);
	/* Up through each bus: its ranges map its children's addresses to its parent's. */
	snprintf(cur, sizeof(cur), "%s", node);
	while (!is_root(cur)) {
		parent_of(cur, bus);
		if (is_root(bus) || strlen(bus) < strlen(ms_dt_root()))
			break;
		unsigned char *r = ms_dt_prop(bus, "ranges", &len);
		if (!r) {
			snprintf(why, 256, "%s has no ranges: its children are not memory mapped",
				 bus);
			return -1;
		}
		if (len > 0) {
			char up[PATH_MAX];
			parent_of(bus, up);
			unsigned cac = addr_cells(bus), pac = addr_cells(up), csc = size_cells(bus);
			/* As for reg: more cells than 64 bits hold is a malformed tree (a huge
			 * count would also wrap the sum below and read past the property). */
			if (cac > 4 || pac > 4 || csc > 2) {
				snprintf(why, 256, "%s: #address-cells %u, parent's %u, #size-cells %u: "
					 "too many for its ranges", bus, cac, pac, csc);
				free(r);
				return -1;
			}
			size_t ent = 4 * (size_t)(cac + pac + csc);
			int hit = 0;
			for (size_t off = 0; ent && off + ent <= len; off += ent) {
				uint64_t cb = cells_value(r + off, cac);
				uint64_t pb = cells_value(r + off + 4 * cac, pac);
				uint64_t rs = cells_value(r + off + 4 * (cac + pac), csc);
				if (a >= cb && a - cb < rs && sz <= rs - (a - cb)) {
					a = pb + (a - cb);
					hit = 1;
					break;
				}
			}
			if (!hit) {
				snprintf(why, 256, "%#llx is outside every ranges window of %s",
					 (unsigned long long)a, bus);
				free(r);
				return -1;
			}
		}
		free(r);
		snprintf(cur, sizeof(cur), "%s", bus);
	}
	*addr = a;
	*size = sz;
	return 0;
}

struct compat_ctx {
	char *out;
	size_t len, used;
};

static void append(struct compat_ctx *c, const char *s)
{
	if (c->used < c->len)
		c->used += (size_t)snprintf(c->out + c->used, c->len - c->used, "%s%s",
					    c->used ? ", " : "", s);
}

static int compat_visit(const char *node, void *vctx)
{
	struct compat_ctx *c = vctx;
	size_t len;
	unsigned char *gc = ms_dt_prop(node, "gpio-controller", &len);
	if (!gc)
		return 0;
	free(gc);
	char *p = (char *)ms_dt_prop(node, "compatible", &len);
	for (size_t i = 0; p && i < len; i += strlen(p + i) + 1)
		if (p[i] && !(c->out && strstr(c->out, p + i)))
			append(c, p + i);
	free(p);
	return 0;
}

void ms_dt_gpio_compatibles(char *out, size_t len)
{
	struct compat_ctx c = { out, len, 0 };
	out[0] = 0;
	walk(ms_dt_root(), compat_visit, &c);
	if (!c.used)
		append(&c, "(no node declares gpio-controller)");
}

struct pins_ctx {
	const char *controller;        /* the GPIO controller's node */
	uint32_t phandle;
	unsigned char *used;
	unsigned npins;
	/* phandle -> #gpio-cells of every GPIO controller */
	uint32_t ph[64], cells[64];
	unsigned nctl;
	/* pin configurations that enabled nodes select (pinctrl-N phandles) */
	uint32_t selected[256];
	unsigned nsel;
};

static void mark(struct pins_ctx *c, uint32_t pin)
{
	if (pin < c->npins)
		c->used[pin] = 1;
}

static int controllers_visit(const char *node, void *vctx)
{
	struct pins_ctx *c = vctx;
	uint32_t ph, cells;
	if ((prop_u32(node, "phandle", &ph) == 0 || prop_u32(node, "linux,phandle", &ph) == 0) &&
	    prop_u32(node, "#gpio-cells", &cells) == 0 && c->nctl < 64) {
		c->ph[c->nctl] = ph;
		c->cells[c->nctl++] = cells;
	}
	return 0;
}

static unsigned gpio_cells_of(struct pins_ctx *c, uint32_t ph)
{
	for (unsigned i = 0; i < c->nctl; i++)
		if (c->ph[i] == ph)
			return c->cells[i];
	return 0;
}

/* Every `gpios` / `*-gpios` property: <phandle pin flags...> specifiers. */
static int specifiers_visit(const char *node, void *vctx)
{
	struct pins_ctx *c = vctx;
	struct dirent **names;
	int n = scandir(node, &names, NULL, alphasort);
	for (int i = 0; i < n; i++) {
		const char *name = names[i]->d_name;
		size_t nl = strlen(name);
		if (!strncmp(name, "pinctrl-", 8) && name[8] >= '0' && name[8] <= '9' &&
		    ms_dt_enabled(node)) {
			size_t len;
			unsigned char *p = ms_dt_prop(node, name, &len);
			for (size_t off = 0; p && off + 4 <= len && c->nsel < 256; off += 4)
				c->selected[c->nsel++] = be32(p + off);
			free(p);
		}
		if (!strcmp(name, "gpios") || (nl > 6 && !strcmp(name + nl - 6, "-gpios"))) {
			size_t len;
			unsigned char *p = ms_dt_prop(node, name, &len);
			for (size_t off = 0; p && off + 4 <= len;) {
				uint32_t ph = be32(p + off);
				unsigned cells = ph ? gpio_cells_of(c, ph) : 0;
				if (ph && !cells)
					break; /* an unknown controller: its cell count is unknown */
				if (ph == c->phandle && off + 8 <= len)
					mark(c, be32(p + off + 4));
				off += 4 * (1 + (size_t)cells);
			}
			free(p);
		}
		free(names[i]);
	}
	if (n >= 0)
		free(names);
	return 0;
}

static int selected(const struct pins_ctx *c, const char *node)
{
	uint32_t ph;
	if (prop_u32(node, "phandle", &ph) && prop_u32(node, "linux,phandle", &ph))
		return 0;
	for (unsigned i = 0; i < c->nsel; i++)
		if (c->selected[i] == ph)
			return 1;
	return 0;
}

/* A child of the controller: the pins of a group that an enabled node selects, and a hog's. */
static int group_visit(const char *child, void *vctx)
{
	struct pins_ctx *c = vctx;
	size_t len;
	unsigned char *p = selected(c, child) ? ms_dt_prop(child, "brcm,pins", &len) : NULL;
	for (size_t off = 0; p && off + 4 <= len; off += 4)
		mark(c, be32(p + off));
	free(p);
	unsigned char *hog = ms_dt_prop(child, "gpio-hog", &len);
	uint32_t cells;
	if (hog) {
		if (prop_u32(c->controller, "#gpio-cells", &cells))
			cells = 2;
		p = ms_dt_prop(child, "gpios", &len);
		for (size_t off = 0; p && cells && off + 4 <= len; off += 4 * cells)
			mark(c, be32(p + off));
		free(p);
	}
	free(hog);
	return 0;
}

void ms_dt_gpio_pins_used(const char *node, unsigned char *used, unsigned npins)
{
	struct pins_ctx c;
	memset(&c, 0, sizeof(c));
	c.controller = node, c.used = used, c.npins = npins;
	if (prop_u32(node, "phandle", &c.phandle) && prop_u32(node, "linux,phandle", &c.phandle))
		c.phandle = 0;
	walk(ms_dt_root(), controllers_visit, &c);
	walk(ms_dt_root(), specifiers_visit, &c);
	/* Pin groups (children of the controller) that an enabled node selects, and hogs. A
	 * group nobody selects (bcm283x.dtsi lists every alternative) hands out nothing. */
	each_child(node, group_visit, &c);
}
