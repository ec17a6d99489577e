/* The network driver domain's sim NIC driver: rings set up in its RAM, frames received into the
 * backend's staging area and sent from it. */
#pragma once

#include <stddef.h>
#include <stdint.h>

#define NIC_RING 16u
#define NIC_BUF  2048u
/* Bytes of RAM nic_start takes at @area: both descriptor rings and the transmit buffers. */
#define NIC_AREA (2u * NIC_RING * 16u + NIC_RING * NIC_BUF)

struct nic {
	uint64_t mmio, txr, rxr, txbuf, stage;
	size_t rx_boff;
	uint32_t rx_head, tx_tail;
};

/* The card named by the tree's "halcyon,sim-nic" node (its /passthrough). 0 or -XEN_ENODEV. */
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
