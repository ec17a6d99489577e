/* The sim NIC's registers and rings. Transmit runs when the driver moves TX_TAIL; receive when the
 * wire delivers. Every descriptor and buffer access is a DMA through the SMMU as the card's stream
 * ID, split at 4 KiB pages; the first one aborted stops the card (FAULT), as a real card's bus
 * error would, and nothing past it is read or written. */
#include "nic_int.h"

#include <string.h>

#include "hal/mmu.h"
#include "irq.h"
#include "smmu.h"

struct sim_nic sim_nics[SIM_NIC_MAX];
unsigned sim_nnics;

static bool dma(struct sim_nic *n, uint64_t addr, void *buf, unsigned len, bool write)
{
	uint8_t *b = buf;

	while (len) {
		unsigned k = 4096 - (unsigned)(addr & 4095);
		uint64_t pa;
		k = k < len ? k : len;
		uint8_t *p, *q;
		if (!sim_smmu_access(n->sid, addr, k, write, &pa) || !(p = hal_pa_to_va(pa_init(pa))) ||
		    !(q = hal_pa_to_va(pa_init(pa + k - 1))) || q != p + k - 1) {
			n->fault = addr;
			return false;
		}
		if (write)
			memcpy(p, b, k);
		else
			memcpy(b, p, k);
		addr += k, b += k, len -= k;
	}
	return true;
}

static void irq_update(struct sim_nic *n)
{
	if (n->intid)
		gic_set_line(sim_gic(), 0, n->intid, (n->isr & n->imr) != 0);
}

/* A bus error: the card stops until the driver enables it again. */
static void stop(struct sim_nic *n)
{
	n->ctrl = 0;
	n->isr |= SIM_NIC_IRQ_FAULT;
}

static uint64_t desc_at(const struct sim_nic *n, uint64_t base, uint32_t i)
{
	return base + (uint64_t)(i & (n->ring - 1)) * sizeof(struct sim_nic_desc);
}

static void transmit(struct sim_nic *n)
{
	uint8_t frame[SIM_NIC_FRAME_MAX];

	/* A tail more than a ring ahead is the driver's bug: at most one ring's worth is sent. */
	for (unsigned k = 0; (n->ctrl & 1) && n->tx_head != n->tx_tail && k < n->ring; k++) {
		struct sim_nic_desc d;
		uint64_t at = desc_at(n, n->tx_base, n->tx_head);
		if (!dma(n, at, &d, sizeof(d), false)) {
			stop(n);
			break;
		}
		d.flags = SIM_NIC_DESC_DONE;
		if (d.len < 14 || d.len > SIM_NIC_FRAME_MAX)
			d.flags |= SIM_NIC_DESC_ERR;
		else if (!dma(n, d.addr, frame, d.len, false)) {
			stop(n);
			break;
		}
		if (!(d.flags & SIM_NIC_DESC_ERR))
			sim_nic_wire_out(n, frame, d.len);
		if (!dma(n, at, &d, sizeof(d), true)) {
			stop(n);
			break;
		}
		n->tx_head++;
		n->isr |= SIM_NIC_IRQ_TX;
	}
	irq_update(n);
}

bool sim_nic_receive(struct sim_nic *n, const uint8_t *frame, unsigned len)
{
	struct sim_nic_desc d;
	bool ok = false;

	if (!(n->ctrl & 1) || n->rx_head == n->rx_tail || len > SIM_NIC_FRAME_MAX) {
		n->missed++;
		return false;
	}
	uint64_t at = desc_at(n, n->rx_base, n->rx_head);
	if (!dma(n, at, &d, sizeof(d), false))
		goto fault;
	if (d.len < len) {
		n->missed++; /* the buffer goes back empty, marked, so a small one cannot block the ring */
		d.flags = SIM_NIC_DESC_DONE | SIM_NIC_DESC_ERR;
		d.len = 0;
	} else if (!dma(n, d.addr, (void *)frame, len, true)) {
		goto fault;
	} else {
		d.flags = SIM_NIC_DESC_DONE;
		d.len = (uint16_t)len;
		ok = true;
	}
	if (!dma(n, at, &d, sizeof(d), true))
		goto fault;
	n->rx_head++;
	n->isr |= SIM_NIC_IRQ_RX;
	irq_update(n);
	return ok;
fault:
	stop(n);
	irq_update(n);
	return false;
}

static bool wide_reg(uint64_t off)
{
	off &= ~7ull;
	return off == SIM_NIC_TX_BASE || off == SIM_NIC_RX_BASE || off == SIM_NIC_FAULT;
}

const char *sim_nic_read(void *opaque, uint64_t off, unsigned size, uint64_t *val)
{
	struct sim_nic *n = opaque;

	if (size != 4 && !(size == 8 && wide_reg(off) && !(off & 4)))
		return "a width the register does not take";
	if (off & (size - 1))
		return "unaligned";
	if (wide_reg(off)) {
		uint64_t r = (off & ~7ull) == SIM_NIC_TX_BASE   ? n->tx_base
			     : (off & ~7ull) == SIM_NIC_RX_BASE ? n->rx_base
								: n->fault;
		*val = size == 8 ? r : off & 4 ? r >> 32 : (uint32_t)r;
		return NULL;
	}
	switch (off) {
	case SIM_NIC_RING: *val = n->ring; break;
	case SIM_NIC_CTRL: *val = n->ctrl; break;
	case SIM_NIC_TX_TAIL: *val = n->tx_tail; break;
	case SIM_NIC_TX_HEAD: *val = n->tx_head; break;
	case SIM_NIC_RX_TAIL: *val = n->rx_tail; break;
	case SIM_NIC_RX_HEAD: *val = n->rx_head; break;
	case SIM_NIC_ISR: *val = n->isr; break;
	case SIM_NIC_IMR: *val = n->imr; break;
	case SIM_NIC_MISSED: *val = n->missed; break;
	case SIM_NIC_MAC_LO: *val = n->mac[0] | n->mac[1] << 8 | n->mac[2] << 16 | (uint32_t)n->mac[3] << 24; break;
	case SIM_NIC_MAC_HI: *val = n->mac[4] | n->mac[5] << 8; break;
	default: *val = 0; /* reserved: RAZ */
	}
	return NULL;
}

static void set_half(uint64_t *reg, uint64_t off, unsigned size, uint64_t val)
{
	if (size == 8)
		*reg = val;
	else if (off & 4)
		*reg = (*reg & 0xffffffffull) | val << 32;
	else
		*reg = (*reg & ~0xffffffffull) | (uint32_t)val;
}

static void enable(struct sim_nic *n, uint32_t val)
{
	bool ring_ok = n->ring >= 2 && n->ring <= SIM_NIC_RING_MAX && !(n->ring & (n->ring - 1));

	/* Enabling takes the rings as they are now, from index 0; a bad ring size stays disabled. */
	n->ctrl = (val & 1) && ring_ok;
	if (n->ctrl)
		n->tx_head = n->tx_tail = n->rx_head = n->rx_tail = 0;
}

const char *sim_nic_write(void *opaque, uint64_t off, unsigned size, uint64_t val)
{
	struct sim_nic *n = opaque;

	if (size != 4 && !(size == 8 && (off == SIM_NIC_TX_BASE || off == SIM_NIC_RX_BASE)))
		return "a width the register does not take";
	if (off & (size - 1))
		return "unaligned";
	switch (off & ~7ull) {
	case SIM_NIC_TX_BASE: set_half(&n->tx_base, off, size, val); return NULL;
	case SIM_NIC_RX_BASE: set_half(&n->rx_base, off, size, val); return NULL;
	default: break;
	}
	switch (off) {
	case SIM_NIC_RING: n->ring = (uint32_t)val; break;
	case SIM_NIC_CTRL: enable(n, (uint32_t)val); break;
	case SIM_NIC_TX_TAIL:
		n->tx_tail = (uint32_t)val;
		transmit(n);
		break;
	case SIM_NIC_RX_TAIL: n->rx_tail = (uint32_t)val; break;
	case SIM_NIC_ISR:
		n->isr &= ~(uint32_t)val;
		irq_update(n);
		break;
	case SIM_NIC_IMR:
		n->imr = (uint32_t)val;
		irq_update(n);
		break;
	default: break; /* read-only or reserved: WI */
	}
	return NULL;
}
