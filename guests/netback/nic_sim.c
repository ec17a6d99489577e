/* The network driver domain's driver for the sim NIC (hal/sim/nic.h's registers): descriptor rings
 * and buffers in this domain's RAM, given to the card by guest address (the SMMU maps the domain's
 * stage 2 for the card's stream). Received frames land in the backend's staging area, so the switch
 * takes them from there without another copy. Polled: the card's SPI is not routed to DomUs. */
#include "nic.h"

#include <libfdt.h>

#include "lib/guest.h"
#include "public/errno.h"

/* The card's registers and descriptor layout, from the sim's device. */
#define R_TX_BASE 0x00u
#define R_RX_BASE 0x08u
#define R_RING    0x10u
#define R_CTRL    0x14u
#define R_TX_TAIL 0x18u
#define R_TX_HEAD 0x1cu
#define R_RX_TAIL 0x20u
#define R_RX_HEAD 0x24u
#define R_MISSED  0x38u
#define DESC_SIZE 16u
#define DESC_DONE 1u
#define DESC_ERR  2u

static int sim_probe(struct nic *n, const void *fdt)
{
	int node = fdt_node_offset_by_compatible(fdt, -1, "halcyon,sim-nic"), len;
	const fdt32_t *reg = node >= 0 ? fdt_getprop(fdt, node, "reg", &len) : NULL;

	if (!reg || len != 16)
		return -XEN_ENODEV;
	n->mmio = (uint64_t)fdt32_to_cpu(reg[0]) << 32 | fdt32_to_cpu(reg[1]);
	return 0;
}

static void sim_start(struct nic *n, uint64_t area, uint64_t stage, size_t rx_boff)
{
	n->sim.txr = area;
	n->sim.rxr = area + NIC_RING * DESC_SIZE;
	n->sim.rx_head = n->sim.tx_tail = 0;
	gl_write32(n->mmio + R_CTRL, 0);
	gl_write64(n->mmio + R_TX_BASE, n->sim.txr);
	gl_write64(n->mmio + R_RX_BASE, n->sim.rxr);
	gl_write32(n->mmio + R_RING, NIC_RING);
	for (unsigned i = 0; i < NIC_RING; i++) {
		gl_write64(n->sim.rxr + i * DESC_SIZE, stage + rx_boff + i * NIC_BUF);
		gl_write64(n->sim.rxr + i * DESC_SIZE + 8, NIC_BUF);
	}
	gl_write32(n->mmio + R_CTRL, 1);
	gl_write32(n->mmio + R_RX_TAIL, NIC_RING);
}

static int sim_rx(struct nic *n, size_t *boff, unsigned *len)
{
	if (n->sim.rx_head == gl_read32(n->mmio + R_RX_HEAD))
		return 0;
	unsigned i = n->sim.rx_head % NIC_RING;
	uint64_t d = gl_read64(n->sim.rxr + i * DESC_SIZE + 8);
	*boff = n->rx_boff + i * NIC_BUF;
	*len = (d >> 16 & DESC_ERR) ? 0 : (unsigned)(d & 0xffff);
	return 1;
}

static void sim_rx_done(struct nic *n)
{
	unsigned i = n->sim.rx_head++ % NIC_RING;
	gl_write64(n->sim.rxr + i * DESC_SIZE + 8, NIC_BUF);
	gl_write32(n->mmio + R_RX_TAIL, n->sim.rx_head + NIC_RING);
}

static int sim_tx(struct nic *n, size_t boff, unsigned len)
{
	uint8_t frame[NIC_BUF];
	unsigned i = n->sim.tx_tail % NIC_RING;

	if (len > NIC_BUF)
		return -XEN_EINVAL;
	gl_copy_from(n->stage + boff, frame, len);
	gl_copy_to(n->txbuf + i * NIC_BUF, frame, len);
	gl_write64(n->sim.txr + i * DESC_SIZE, n->txbuf + i * NIC_BUF);
	gl_write64(n->sim.txr + i * DESC_SIZE + 8, len);
	/* The card sends synchronously with the tail's store: the head says whether it went. */
	gl_write32(n->mmio + R_TX_TAIL, ++n->sim.tx_tail);
	if (gl_read32(n->mmio + R_TX_HEAD) != n->sim.tx_tail)
		return -XEN_EIO;
	return (gl_read64(n->sim.txr + i * DESC_SIZE + 8) >> 16 & DESC_ERR) ? -XEN_EINVAL : 0;
}

static uint32_t sim_missed(const struct nic *n) { return gl_read32(n->mmio + R_MISSED); }

const struct nic_ops nic_sim_ops = {
	.name = "sim NIC",
	.probe = sim_probe,
	.start = sim_start,
	.rx = sim_rx,
	.rx_done = sim_rx_done,
	.tx = sim_tx,
	.missed = sim_missed,
};
