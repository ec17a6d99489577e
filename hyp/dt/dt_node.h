/* Per-node device-tree reads shared by the platform parser and device discovery: checked strings,
 * alias-safe path lookup, MMIO regions translated to CPU physical addresses, GIC interrupt IDs. */
#pragma once

#include "dt/dt.h"

/* Writes "<path of @node>: <message>" to @err (no prefix if @node < 0) and returns @rc. */
int dt_fail(struct dt_error *err, const void *fdt, int node, int rc, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));

/* @node's full path in @buf, or a placeholder if the tree cannot name it. */
const char *dt_path(const void *fdt, int node, char *buf, int len);

/* True unless `status` says otherwise ("disabled", "fail", ...): absent, "okay" and "ok" count. */
bool dt_enabled(const void *fdt, int node);

bool dt_has(const void *fdt, int node, const char *prop);

/* True if @prop is exactly the string @want. */
bool dt_prop_is(const void *fdt, int node, const char *prop, const char *want);

/* @prop as a NUL-terminated string: 0, -XEN_ENOENT if absent, -XEN_EINVAL if unterminated. */
int dt_string(const void *fdt, int node, const char *prop, const char **out, struct dt_error *err);

/* The node the first @len bytes of @path name: an absolute path, or an alias optionally followed by
 * "/sub/nodes". Returns the node offset, -XEN_ENOENT if there is none, -XEN_EINVAL for a bad alias. */
int dt_lookup(const void *fdt, const char *path, int len, struct dt_error *err);

/* Number of `reg` entries (0 if absent), or -XEN_EINVAL if its length does not fit the parent's cells. */
int dt_reg_count(const void *fdt, int node, struct dt_error *err);

/* `reg` entry @index translated through every ancestor's `ranges` to a CPU physical address.
 * -XEN_ENOENT if there is no such entry, -XEN_EINVAL if the tree is malformed or untranslatable. */
int dt_reg(const void *fdt, int node, unsigned index, struct plat_region *out, struct dt_error *err);

/* 3 for a GICv3, 2 for a GICv2 we can drive, 0 for anything else. */
unsigned dt_gic_version(const void *fdt, int node);

/* Interrupt @index of @node (`interrupts-extended`, else `interrupts` through the interrupt-parent
 * chain) as a GIC INTID. -XEN_ENOENT if there is no such interrupt, -XEN_EINVAL if the tree is
 * malformed or the interrupt does not go straight to the GIC. */
int dt_irq(const void *fdt, int node, unsigned index, unsigned *intid, struct dt_error *err);

/* The controller @node's `interrupts` go to: the nearest interrupt-parent, on it or an ancestor.
 * Its node offset, or -XEN_EINVAL if there is none or it names no node. */
int dt_irq_parent(const void *fdt, int node, struct dt_error *err);

/* String equality from what the freestanding image links (strlen, memcmp). */
bool dt_streq(const char *a, const char *b);

/* Checks a whole flattened tree before any other libfdt call walks it: header, version 16 or later,
 * totalsize at most @max bytes (-XEN_E2BIG beyond), every property inside the structure block, then
 * fdt_check_full. 0, or -XEN_EINVAL with @err saying what is wrong. */
int dt_check(const void *fdt, uint32_t max, struct dt_error *err);
