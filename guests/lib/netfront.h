/* The PV network frontend's buffer tracking, free of rings and hypercalls: frames sent from granted
 * pages until the backend answers, receive pages posted and handed back filled, every response
 * checked against what is in flight, and the posted pages offered again to a new backend. */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include "public/io/netif.h"
#include "public/xen.h"

/* The rings' sizes for a 4 KiB page: (4096 - 64) / 12 and / 8, rounded down to a power of two. */
#define NETFRONT_TX_IDS 256u
#define NETFRONT_RX_IDS 256u
#define NETFRONT_PAGE   4096u

struct netfront_ops {
	void *ctx;
	/* Grants @gfn to domain @backend: a ref, or -errno. */
	int (*grant)(void *ctx, domid_t backend, uint64_t gfn, bool readonly);
	/* Ends the grant; -errno while the backend still uses it. */
	int (*ungrant)(void *ctx, grant_ref_t ref);
	/* Put a request on the transmit / receive ring (the caller pushes once per batch); -errno when
	 * full. */
	int (*tx_queue)(void *ctx, const struct netif_tx_request *req);
	int (*rx_queue)(void *ctx, const struct netif_rx_request *req);
};

struct netfront_buf {
	bool busy, granted;
	grant_ref_t ref;
	uint64_t gfn;
};

struct netfront {
	struct netfront_ops ops;
	domid_t backend;
	bool connected;
	unsigned tx_inflight, rx_posted;
	struct netfront_buf tx[NETFRONT_TX_IDS], rx[NETFRONT_RX_IDS];
	uint64_t tx_done, tx_errors, tx_lost; /* lost: in flight when the backend went away */
	uint64_t rx_frames, rx_errors, bad_responses;
};

void netfront_init(struct netfront *f, const struct netfront_ops *ops);

/* The backend @backend's rings are ready (fresh): every receive page posted before (to a backend
 * that went away, or while disconnected) is granted to it and posted again. The number posted, or
 * -errno. */
int netfront_connect(struct netfront *f, domid_t backend);
/* The backend went away: grants ended where the hypervisor lets us; frames in flight are lost
 * (counted), receive pages stay posted for the next backend. */
void netfront_disconnect(struct netfront *f);

/* Sends the frame of @len bytes at byte @off of page @gfn (one slot: it must not cross the page).
 * The id, or -XEN_EINVAL for a bad length or offset, -XEN_EBUSY when every id is in flight,
 * -XEN_EAGAIN while disconnected, or the grant's or queue's error. The page must
 * stay untouched until the response. */
int netfront_send(struct netfront *f, uint64_t gfn, unsigned off, unsigned len);
/* Offers page @gfn for a received frame. The id, or -errno as netfront_send. While disconnected the
 * page is kept and posted at the next connect. */
int netfront_post_rx(struct netfront *f, uint64_t gfn);

/* A transmit response: the slot freed, its grant ended. The backend's status (NETIF_RSP_*), or
 * -XEN_EINVAL for a response naming nothing in flight (counted in bad_responses). */
int netfront_tx_complete(struct netfront *f, const struct netif_tx_response *rsp);
/* A receive response: the page handed back in *@gfn, no longer posted. 1 and the frame's bytes at
 * *@off, *@len; 0 when the backend reported an error or a frame that does not fit the page (the
 * page is still handed back); -XEN_EINVAL for a response naming nothing posted. */
int netfront_rx_complete(struct netfront *f, const struct netif_rx_response *rsp, uint64_t *gfn, unsigned *off,
			 unsigned *len);
