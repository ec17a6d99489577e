/* The netfront DomU's two halves: the xenbus connection (conn.c) and the traffic it checks
 * (netfront.c), sharing the domain's state. The sim links one copy of these globals per build: a
 * second DomU runs a second copy (guests/sim: netfront_b, its globals renamed). */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include "lib/netfront.h"
#include "lib/ring.h"
#include "lib/xenbus.h"
#include "lib/xs.h"

#define PAGE       4096u
#define RING_PAGES 8u /* fresh ring pages per connection: an old one may still be mapped by a dead backend */
#define RX_PAGES   64u
#define TX_PAGES   64u

struct nf {
	struct xs_client *xs;
	char path[XENBUS_PATH], be_path[XENBUS_PATH];
	domid_t be;
	uint8_t mac[6];
	uint64_t pages; /* RING_PAGES * 2, then RX_PAGES, then TX_PAGES */
	unsigned ring_next;
	grant_ref_t tx_ref, rx_ref;
	evtchn_port_t port;
	struct ring_front tx, rx;
	bool ring_up, connected;
	unsigned connections;
	struct netfront f;
	unsigned failures;
};

extern struct nf nf;

void nf_fail(const char *what, long v);
/* Reads our vif's keys; 0 or -errno. */
int nf_conn_init(void);
/* A xenstore event came: follow the backend through its states. */
void nf_conn_step(void);
/* Pushes both rings, notifying the backend when it asked. */
void nf_push(void);
/* Says Closed and stops using the rings. */
void nf_conn_close(void);
