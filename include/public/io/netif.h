/* The PV network protocol (Xen's io/netif.h, arm64 layout): the transmit and receive rings' request
 * and response slots, their flags and statuses, and the xenstore keys the two ends exchange. */
#pragma once

#include <stddef.h>
#include <stdint.h>

#include "public/grant_table.h"

/* Transmit: the frontend grants a page holding (part of) a frame and names the bytes of it. */
#define NETTXF_csum_blank     (1u << 0)
#define NETTXF_data_validated (1u << 1)
#define NETTXF_more_data      (1u << 2) /* the frame continues in the next request */
#define NETTXF_extra_info     (1u << 3) /* a netif_extra_info slot follows */

#define XEN_NETIF_MAX_TX_SIZE 0xFFFFu

struct netif_tx_request {
	grant_ref_t gref;
	uint16_t offset; /* of the data in the granted page */
	uint16_t flags;  /* NETTXF_* */
	uint16_t id;     /* the frontend's, echoed in the response */
	uint16_t size;   /* the first request of a frame: the whole frame's; the others: their own */
};

struct netif_tx_response {
	uint16_t id;
	int16_t status; /* NETIF_RSP_* */
};

/* Receive: the frontend posts empty granted pages; the backend fills one per response. */
struct netif_rx_request {
	uint16_t id;
	uint16_t pad;
	grant_ref_t gref;
};

#define NETRXF_data_validated (1u << 0)
#define NETRXF_csum_blank     (1u << 1)
#define NETRXF_more_data      (1u << 2)
#define NETRXF_extra_info     (1u << 3)
#define NETRXF_gso_prefix     (1u << 4)

struct netif_rx_response {
	uint16_t id;
	uint16_t offset; /* of the data in the page */
	uint16_t flags;  /* NETRXF_* */
	int16_t status;  /* > 0: the bytes received; else NETIF_RSP_* */
};

#define NETIF_RSP_DROPPED (-2)
#define NETIF_RSP_ERROR   (-1)
#define NETIF_RSP_OKAY    0
#define NETIF_RSP_NULL    1 /* the slot after an extra_info one */

/* The fewest slots a backend must accept for one frame (Linux's netback honours this). */
#define XEN_NETIF_NR_SLOTS_MIN 18u

/* The xenstore keys of a vif as Linux's netfront and netback use them. Frontend directory: */
#define NETIF_KEY_TX_RING_REF       "tx-ring-ref"
#define NETIF_KEY_RX_RING_REF       "rx-ring-ref"
#define NETIF_KEY_EVENT_CHANNEL     "event-channel"
#define NETIF_KEY_REQUEST_RX_COPY   "request-rx-copy"
#define NETIF_KEY_FEATURE_RX_NOTIFY "feature-rx-notify"
/* Both directories: */
#define NETIF_KEY_MAC    "mac"
#define NETIF_KEY_HANDLE "handle"
/* Backend directory: */
#define NETIF_KEY_FEATURE_RX_COPY "feature-rx-copy"

_Static_assert(sizeof(struct netif_tx_request) == 12, "netif_tx_request layout");
_Static_assert(offsetof(struct netif_tx_request, offset) == 4, "netif_tx_request layout");
_Static_assert(offsetof(struct netif_tx_request, flags) == 6, "netif_tx_request layout");
_Static_assert(offsetof(struct netif_tx_request, id) == 8, "netif_tx_request layout");
_Static_assert(offsetof(struct netif_tx_request, size) == 10, "netif_tx_request layout");
_Static_assert(sizeof(struct netif_tx_response) == 4, "netif_tx_response layout");
_Static_assert(offsetof(struct netif_tx_response, status) == 2, "netif_tx_response layout");
_Static_assert(sizeof(struct netif_rx_request) == 8, "netif_rx_request layout");
_Static_assert(offsetof(struct netif_rx_request, gref) == 4, "netif_rx_request layout");
_Static_assert(sizeof(struct netif_rx_response) == 8, "netif_rx_response layout");
_Static_assert(offsetof(struct netif_rx_response, flags) == 4, "netif_rx_response layout");
_Static_assert(offsetof(struct netif_rx_response, status) == 6, "netif_rx_response layout");
