/* The PV block protocol (Xen's io/blkif.h, arm64 layout): requests and responses on the shared
 * ring, their operations and status codes, and the xenstore keys the two ends exchange. */
#pragma once

#include <stddef.h>
#include <stdint.h>

#include "public/grant_table.h"

typedef uint16_t blkif_vdev_t;
typedef uint64_t blkif_sector_t;

#define BLKIF_OP_READ            0
#define BLKIF_OP_WRITE           1
#define BLKIF_OP_WRITE_BARRIER   2
#define BLKIF_OP_FLUSH_DISKCACHE 3
#define BLKIF_OP_RESERVED_1      4
#define BLKIF_OP_DISCARD         5
#define BLKIF_OP_INDIRECT        6

/* Sectors are always 512 bytes on the wire, whatever the disk's own sector size. */
#define BLKIF_SECTOR_SIZE              512u
#define BLKIF_SECTORS_PER_PAGE         8u
#define BLKIF_MAX_SEGMENTS_PER_REQUEST 11u

/* One granted page of a request: the 512-byte sectors first_sect..last_sect (0..7) of it. */
struct blkif_request_segment {
	grant_ref_t gref;
	uint8_t first_sect;
	uint8_t last_sect;
};

struct blkif_request {
	uint8_t operation;
	uint8_t nr_segments;
	blkif_vdev_t handle;
	uint64_t id; /* the frontend's, echoed in the response */
	blkif_sector_t sector_number;
	struct blkif_request_segment seg[BLKIF_MAX_SEGMENTS_PER_REQUEST];
};

struct blkif_response {
	uint64_t id;
	uint8_t operation;
	int16_t status;
};

#define BLKIF_RSP_EOPNOTSUPP (-2)
#define BLKIF_RSP_ERROR      (-1)
#define BLKIF_RSP_OKAY       0

/* "info" key bits of the backend. */
#define VDISK_CDROM     0x1u
#define VDISK_REMOVABLE 0x2u
#define VDISK_READONLY  0x4u

_Static_assert(sizeof(struct blkif_request_segment) == 8, "blkif_request_segment layout");
_Static_assert(offsetof(struct blkif_request_segment, first_sect) == 4, "blkif_request_segment layout");
_Static_assert(sizeof(struct blkif_request) == 112, "blkif_request layout");
_Static_assert(offsetof(struct blkif_request, handle) == 2, "blkif_request layout");
_Static_assert(offsetof(struct blkif_request, id) == 8, "blkif_request layout");
_Static_assert(offsetof(struct blkif_request, sector_number) == 16, "blkif_request layout");
_Static_assert(offsetof(struct blkif_request, seg) == 24, "blkif_request layout");
_Static_assert(sizeof(struct blkif_response) == 16, "blkif_response layout");
_Static_assert(offsetof(struct blkif_response, operation) == 8, "blkif_response layout");
_Static_assert(offsetof(struct blkif_response, status) == 10, "blkif_response layout");
