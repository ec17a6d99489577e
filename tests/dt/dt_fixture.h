/* Test trees for hyp/dt: load a DTB from the runfiles into a writable copy and patch it with
 * libfdt's read-write calls, so each malformed case is a small edit of a tree that is valid. */
#pragma once

#include <stddef.h>
#include <stdint.h>

#include "dt/dt.h"

#define FX_QEMU_V3   "tests/dt/data/qemu-virt-gicv3-smp4.dtb"
#define FX_QEMU_V2   "tests/dt/data/qemu-virt-gicv2-smp2.dtb"
#define FX_QEMU_SMMU "tests/dt/data/qemu-virt-gicv3-smmuv3-smp2.dtb"
#define FX_BOARD     "tests/dt/board-two-banks.dtb"
#define FX_PARTIAL   "tests/dt/domu-passthrough.dtb" /* a DomU's dom0less passthrough tree */

/* A writable copy of the DTB at @path (relative to the runfiles root) with room to grow. */
void *fx_load(const char *path);
void fx_free(void *fdt);

/* Offset of the node at @path; fails the test if there is none. */
int fx_node(const void *fdt, const char *path);

/* Sets @prop of the node at @path to @n big-endian cells. */
void fx_cells(void *fdt, const char *path, const char *prop, const uint32_t *cells, int n);
#define FX_CELLS(fdt, path, prop, ...)                                                                                 \
	fx_cells(fdt, path, prop, (const uint32_t[]){ __VA_ARGS__ },                                                   \
		 (int)(sizeof((const uint32_t[]){ __VA_ARGS__ }) / sizeof(uint32_t)))

void fx_string(void *fdt, const char *path, const char *prop, const char *value);
/* Sets @prop to exactly @len raw bytes (e.g. a string without its NUL). */
void fx_bytes(void *fdt, const char *path, const char *prop, const void *value, int len);
void fx_delprop(void *fdt, const char *path, const char *prop);
void fx_delnode(void *fdt, const char *path);
/* Adds @name under @parent; returns the new node's offset. */
int fx_addnode(void *fdt, const char *parent, const char *name);

/* Adds QEMU-style /reserved-memory (2/2 cells, ranges) with ramdisk@7ff00000 { halcyon,ramdisk;
 * reg: the last MiB of QEMU's 1 GiB; no-map }, the RAM disk tests/pv's QEMU block test carves out. */
#define FX_RAMDISK "/reserved-memory/ramdisk@7ff00000"
void fx_reserved_ramdisk(void *fdt);

/* True if @msg contains @part (for asserting that a message names the right node and fault). */
int fx_contains(const char *msg, const char *part);
