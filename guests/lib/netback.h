/* The PV network backend's engine, free of hypercalls: each frontend's transmit ring served (every
 * request checked, its bytes grant-copied into a staging area), frames switched to other frontends'
 * receive rings or the uplink, responses batched with one notification per round. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lib/netsw.h"
#include "lib/ring.h"
#include "public/io/netif.h"
#include "public/xen.h"

#define NETBACK_PAGE      4096u
#define NETBACK_FRAME_MAX 1514u /* an Ethernet frame at MTU 1500, no FCS: no GSO is offered */
#define NETBACK_UPLINK    0u    /* the switch port of the device */
#define NETBACK_BUDGET                                                                                                 \
	64u /* transmit slots taken from one frontend per round: a flooding                                            \
	     * frontend gets its share, the others theirs */
/* The staging area a transmitted frame is gathered in (offset 0) before it is switched. */
#define NETBACK_STAGE_SIZE 2048u

/* The grants and the device, as the guest program (or a test) provides them. The data moves only
 * between guest memory (the staging area) and grants: the engine names offsets in the area. */
struct netback_io {
	void *ctx;
	/* @len bytes between the staging area at @boff and byte @off of domain @dom's granted page
	 * @gref (into the page when @to_guest). 0, or -errno for a grant that does not work. */
	int (*grant_copy)(void *ctx, domid_t dom, grant_ref_t gref, unsigned off, size_t boff, unsigned len,
			  bool to_guest);
	/* @len bytes of the staging area at @boff, for the switch to read the Ethernet header. */
	void (*peek)(void *ctx, size_t boff, void *buf, unsigned len);
	/* Sends the frame at @boff out of the device. 0, or -errno when it was dropped. NULL: none. */
	int (*wire_send)(void *ctx, size_t boff, unsigned len);
};

struct netback_stats {
	uint64_t tx_frames, tx_bytes; /* frames the frontend sent, switched */
	uint64_t tx_errors;           /* malformed requests or grants that failed: NETIF_RSP_ERROR */
	uint64_t tx_spoofed;          /* frames from an address not the frontend's: dropped */
	uint64_t rx_frames, rx_bytes; /* frames delivered into the frontend's pages */
	uint64_t rx_dropped;          /* no receive buffer posted */
	uint64_t rx_errors;           /* a posted buffer whose grant failed */
};

struct netback_vif {
	bool connected, broken; /* broken: an index beyond its rings; cut off until reconnected */
	bool notify;            /* the frontend asked for an event this round: the glue sends it */
	domid_t dom;
	unsigned port;
	uint8_t mac[ETH_ALEN];
	struct ring_back tx, rx;
	unsigned npend; /* the slots of a frame whose more_data chain is not complete yet */
	struct netif_tx_request pend[XEN_NETIF_NR_SLOTS_MIN];
	struct netback_stats st;
};

struct netback {
	struct netback_io io;
	struct netsw sw;
	struct netback_vif *vif[NETSW_PORTS]; /* by switch port; [NETBACK_UPLINK] stays NULL */
	uint64_t wire_rx, wire_tx, wire_dropped;
};

/* @uplink: the device exists (its port floods and learns like any other). */
void netback_init(struct netback *nb, const struct netback_io *io, bool uplink);

/* A vif the toolstack listed on switch port @port with address @mac, before its frontend connects:
 * the address is kept for it (netsw_port_reserve). -XEN_EINVAL for the uplink or a bad address,
 * -XEN_EEXIST when another vif has it. */
int netback_vif_reserve(struct netback *nb, unsigned port, const uint8_t mac[ETH_ALEN]);
/* The frontend of domain @dom with address @mac has rings at @tx_sring and @rx_sring (mapped):
 * @v serves them on switch port @port (1..NETSW_PORTS-1). -XEN_EINVAL for a bad port, ring or mac,
 * -XEN_EBUSY when the port is taken, -XEN_EEXIST when another frontend has the address. */
int netback_vif_connect(struct netback *nb, struct netback_vif *v, unsigned port, domid_t dom,
			const uint8_t mac[ETH_ALEN], uint64_t tx_sring, uint64_t rx_sring);
/* Its frontend went away: the port goes down (its address stays reserved); @v's rings are not
 * touched again. */
void netback_vif_disconnect(struct netback *nb, struct netback_vif *v);

/* One round: up to NETBACK_BUDGET transmit slots of every connected frontend taken, checked,
 * switched and answered; every ring pushed once; a frontend whose ring indices went out of the
 * ring is cut off (broken). vif->notify says who to notify. 1 when some frontend has requests
 * left (run another round without waiting for an event), 0 when all are idle. */
int netback_poll(struct netback *nb);

/* A frame of @len bytes came in on the device, in the staging area at @boff: switched to the
 * frontends (dropped when malformed). Call netback_push_rx after a batch of them. */
void netback_wire_rx(struct netback *nb, size_t boff, unsigned len);
/* Pushes every frontend's receive responses; sets vif->notify where the frontend asked. */
void netback_push_rx(struct netback *nb);

/* The status a transmit request chain (@n slots, the frame's size in the first) gets before any
 * byte moves, and each slot's own length in @len: NETIF_RSP_OKAY, or NETIF_RSP_ERROR for a size
 * outside 14..NETBACK_FRAME_MAX, a slot crossing the page, slot sizes that do not add up, or
 * an extra_info flag (no extra is offered). */
int netback_tx_check(const struct netif_tx_request *req, unsigned n, unsigned len[]);

/* Internal to the engine's two files: a frame at @boff handed to the switch's @ports; a frontend
 * cut off for a broken ring. */
void netback_deliver(struct netback *nb, uint32_t ports, size_t boff, unsigned len);
void netback_vif_break(struct netback *nb, struct netback_vif *v);
