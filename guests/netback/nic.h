/* The network driver domain's card, whichever its tree passes through: the sim NIC
 * ("halcyon,sim-nic", nic_sim.c) or a virtio-mmio network device (virtio_net.c). Rings set up in its
 * RAM, frames received into the backend's staging area and sent from it. Polled. */
#pragma once

#include <stddef.h>
#include <stdint.h>

#include "virtq.h"

#define NIC_RING 16u
#define NIC_BUF  2048u
/* Bytes of RAM nic_start takes at @area: rings and the transmit buffers, for either card. */
#define NIC_AREA (2u * VQ_BYTES + NIC_RING * NIC_BUF)

struct nic;

/* One card's driver. probe: 0 when @fdt names such a card (its registers found), else -XEN_ENODEV. */
struct nic_ops {
	const char *name;
	int (*probe)(struct nic *n, const void *fdt);
	void (*start)(struct nic *n, uint64_t area, uint64_t stage, size_t rx_boff);
	int (*rx)(struct nic *n, size_t *boff, unsigned *len);
	void (*rx_done)(struct nic *n);
	int (*tx)(struct nic *n, size_t boff, unsigned len);
	uint32_t (*missed)(const struct nic *n);
};

struct nic {
	const struct nic_ops *ops;
	uint64_t mmio, txbuf, stage;
	size_t rx_boff;
	union {
		struct { /* the sim NIC */
			uint64_t txr, rxr;
			uint32_t rx_head, tx_tail;
		} sim;
		struct { /* virtio-net */
			struct vq rxq, txq;
			uint16_t rx_id;   /* the descriptor nic_rx handed out */
			uint16_t tx_busy; /* transmit descriptors the device still has, one bit each */
			uint32_t dropped; /* received buffers too short to hold a header */
			uint8_t mac[6];
			int failed; /* start's error: no traffic */
		} vio;
	};
};

extern const struct nic_ops nic_sim_ops, nic_virtio_ops;

/* The card named by the tree (its /passthrough): the sim NIC, else a virtio-mmio transport whose
 * device is a network card. 0 or -XEN_ENODEV. */
int nic_probe(struct nic *n, const void *fdt);
/* Resets and enables the card: rings at @area, receive buffers at @stage + @rx_boff
 * (NIC_RING * NIC_BUF bytes), all posted. */
void nic_start(struct nic *n, uint64_t area, uint64_t stage, size_t rx_boff);
/* The next received frame: 1 and its place in the staging area (*@len 0: the card marked it bad);
 * 0 when none. nic_rx_done gives its buffer back to the card. */
int nic_rx(struct nic *n, size_t *boff, unsigned *len);
void nic_rx_done(struct nic *n);
/* Sends the @len bytes at @boff of the staging area. 0, or -errno when the card refused it. */
int nic_tx(struct nic *n, size_t boff, unsigned len);
uint32_t nic_missed(const struct nic *n);
