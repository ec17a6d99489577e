/* Three frontends (domains 1-3, switch ports 1-3) and a wire around one netback engine, all in host
 * memory: shared ring pages driven by lib/ring's frontend end, granted pages indexed by ref, a
 * staging area, and a log of what went out of the wire. */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include "lib/netback.h"
#include "lib/ring.h"

#define NFE       3u
#define NPAGES    16u                /* granted pages per frontend: a ref is the page's index */
#define WIRE_BOFF NETBACK_STAGE_SIZE /* where the fake device puts frames it received */

struct fe {
	domid_t dom;
	uint8_t mac[6];
	struct ring_front tx, rx;
	struct netback_vif vif;
	_Alignas(4096) uint8_t tx_page[4096], rx_page[4096];
	_Alignas(4096) uint8_t page[NPAGES][4096];
};

extern struct fe fe[NFE];
extern struct netback nb;
extern unsigned grant_copies, wire_frames, wire_last_len;
extern uint8_t wire_last[NETBACK_FRAME_MAX];
extern const uint8_t outside_mac[6], bcast_mac[6];

/* cmocka setup: every frontend connected with fresh rings and nothing posted; the wire up. */
int nbf_setup(void **state);

/* Writes a @len-byte frame (@dst, the frontend's own source unless @src, payload bytes @fill) at
 * @off of page @ref, and puts a one-slot transmit request for it (id @id), unpushed. */
void nbf_frame(struct fe *f, unsigned ref, unsigned off, unsigned len, const uint8_t *dst, const uint8_t *src,
	       uint8_t fill, uint16_t id);
void nbf_tx(struct fe *f, grant_ref_t ref, unsigned off, unsigned len, uint16_t flags, uint16_t id);
/* Posts @n receive pages (refs 8.., ids 100..) and pushes. */
void nbf_post_rx(struct fe *f, unsigned n);
void nbf_push(struct fe *f);
/* The next transmit response's status (asserting its id), and the next receive response (1) or 0. */
int nbf_tx_status(struct fe *f, uint16_t id);
int nbf_rx(struct fe *f, struct netif_rx_response *rsp);
/* A frame from outside of @len bytes, @dst, filled with @fill, handed to the engine. */
void nbf_wire_in(const uint8_t *dst, unsigned len, uint8_t fill);
