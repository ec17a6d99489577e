#include "lib/blkback.h"

#include "lib/ring.h"
#include "public/errno.h"

int blkback_serve(struct ring_back *ring, const struct blkback_io *io, struct blkback_stats *st, bool *notify)
{
	int n = 0, rc;

	*notify = false;
	do {
		struct blkif_request req;
		while ((rc = ring_back_take(ring, &req, sizeof(req))) == 1) {
			struct blkif_response rsp = { .id = req.id, .operation = req.operation };
			rsp.status = blkback_execute(io, &req, st);
			rc = ring_back_put(ring, &rsp, sizeof(rsp));
			if (rc)
				return -XEN_EIO;
			n++;
		}
		if (rc < 0)
			return -XEN_EIO;
		*notify |= ring_back_push(ring);
	} while (ring_back_final_check(ring));
	return n;
}
