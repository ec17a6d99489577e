/* The xenstore side of PV block's handshake, shared by both ends: numbers in keys, the xenbus
 * "state" of a device directory, and the paths libxl gives a vbd's frontend and backend. */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include "lib/xs.h"
#include "public/io/xenbus.h"

#define BLKXB_PATH 96u

/* The decimal number in node @dir/@key (@dir itself when @key is NULL): 0 and *@v, or -errno (-XEN_EINVAL when it is no number). */
int blkxb_read_u64(struct xs_client *c, const char *dir, const char *key, uint64_t *v);
int blkxb_write_u64(struct xs_client *c, const char *dir, const char *key, uint64_t v);

/* @dir/state as a xenbus state; XenbusStateUnknown when the node is missing or not a number (a
 * peer that went away reads so). */
enum xenbus_state blkxb_state(struct xs_client *c, const char *dir);
int blkxb_set_state(struct xs_client *c, const char *dir, enum xenbus_state s);

/* Gives node @path to domain @owner (no access for others) with read access for @reader, as libxl
 * does for a device's two directories. */
int blkxb_share(struct xs_client *c, const char *path, domid_t owner, domid_t reader);

/* strcmp(a, b) == 0, which a freestanding guest's C library lacks. */
static inline bool blkxb_same(const char *a, const char *b)
{
	while (*a && *a == *b)
		a++, b++;
	return *a == *b;
}

/* libxl's layout: /local/domain/<fe>/device/vbd/<dev> and /local/domain/<be>/backend/vbd/<fe>/<dev>. */
void blkxb_front_path(char *buf, domid_t fe, unsigned dev);
void blkxb_back_path(char *buf, domid_t be, domid_t fe, unsigned dev);
