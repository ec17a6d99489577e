#include "lib/blkfront.h"

#include "lib/ring.h"
#include "public/errno.h"

int blkfront_poll(struct blkfront *f, struct ring_front *ring)
{
	int n = 0, rc;

	do {
		struct blkif_response rsp;
		while ((rc = ring_front_take(ring, &rsp, sizeof(rsp))) == 1)
			n += blkfront_complete(f, &rsp) == 0;
		if (rc < 0)
			return -XEN_EIO;
	} while (ring_front_final_check(ring));
	return n;
}
