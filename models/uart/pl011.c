#include "pl011.h"

#include <stddef.h>
#include <string.h>

#define CR_MASK    0xff87u /* SIREN..CTSEn less the reserved bits 6:3 */
#define RESET_CR   (PL011_CR_TXE | PL011_CR_RXE)
#define RESET_IFLS 0x12u /* both FIFOs interrupt at half full */

/* PeriphID0-3 and PCellID0-3. Revision 3 in PeriphID2 is r1p5, the one with 32-byte FIFOs: drivers
 * (Linux's amba-pl011) size their FIFO use from it, so it must agree with PL011_FIFO_DEPTH. */
static const uint8_t ids[8] = { 0x11, 0x10, 0x34, 0x00, 0x0d, 0xf0, 0x05, 0xb1 };

enum { R = 1, W = 2 };

struct reg {
	uint16_t offset;
	uint8_t rw;
	uint8_t min_size; /* narrower accesses would leave implemented bits untouched */
};

static const struct reg regs[] = {
	{ PL011_DR, R | W, 1 },   { PL011_RSR, R | W, 1 },   { PL011_FR, R, 2 },        { PL011_ILPR, R | W, 1 },
	{ PL011_IBRD, R | W, 2 }, { PL011_FBRD, R | W, 1 },  { PL011_LCR_H, R | W, 1 }, { PL011_CR, R | W, 2 },
	{ PL011_IFLS, R | W, 1 }, { PL011_IMSC, R | W, 2 },  { PL011_RIS, R, 2 },       { PL011_MIS, R, 2 },
	{ PL011_ICR, W, 2 },      { PL011_DMACR, R | W, 1 },
};

static bool fifo_enabled(const struct pl011 *u) { return u->lcr_h & PL011_LCR_H_FEN; }

/* With FIFOs off each direction has a one-character holding register. */
static unsigned depth(const struct pl011 *u) { return fifo_enabled(u) ? PL011_FIFO_DEPTH : 1; }

static void fifo_push(struct pl011_fifo *f, uint8_t c)
{
	f->data[(f->head + f->count) % PL011_FIFO_DEPTH] = c;
	f->count++;
}

static uint8_t fifo_pop(struct pl011_fifo *f)
{
	uint8_t c = f->data[f->head];
	f->head = (f->head + 1) % PL011_FIFO_DEPTH;
	f->count--;
	return c;
}

/* IFLS selects 1/8, 1/4, 1/2, 3/4 or 7/8 of the FIFO; reserved encodings act as the reset value. */
static unsigned trigger(unsigned sel)
{
	static const unsigned eighths[] = { 1, 2, 4, 6, 7 };
	return PL011_FIFO_DEPTH * eighths[sel < 5 ? sel : 2] / 8;
}

/* The transmit interrupt fires when the level falls to this; with FIFOs off, when it empties. */
static unsigned tx_trigger(const struct pl011 *u) { return fifo_enabled(u) ? trigger(u->ifls & 7) : 0; }

static unsigned rx_trigger(const struct pl011 *u) { return fifo_enabled(u) ? trigger((u->ifls >> 3) & 7) : 1; }

static void update_irq(struct pl011 *u)
{
	bool level = (u->ris & u->imsc) != 0;

	if (level == u->irq_level)
		return;
	u->irq_level = level;
	if (u->ops.irq)
		u->ops.irq(u->ops.opaque, level);
}

void pl011_init(struct pl011 *u, const struct pl011_ops *ops)
{
	memset(u, 0, sizeof(*u));
	if (ops)
		u->ops = *ops;
	u->cr = RESET_CR;
	u->ifls = RESET_IFLS;
}

static uint32_t flags(const struct pl011 *u)
{
	uint32_t fr = 0;

	/* BUSY covers the FIFO as well as the shift register, and is set even while disabled. */
	if (u->tx.count)
		fr |= PL011_FR_BUSY;
	else
		fr |= PL011_FR_TXFE;
	if (u->tx.count >= depth(u))
		fr |= PL011_FR_TXFF;
	if (!u->rx.count)
		fr |= PL011_FR_RXFE;
	if (u->rx.count >= depth(u))
		fr |= PL011_FR_RXFF;
	return fr;
}

static uint32_t read_dr(struct pl011 *u)
{
	if (!u->rx.count)
		return 0;
	uint32_t c = fifo_pop(&u->rx);
	if (u->rx.count < rx_trigger(u))
		u->ris &= ~PL011_INT_RX;
	update_irq(u);
	return c;
}

static void write_dr(struct pl011 *u, uint32_t val)
{
	/* Software must poll TXFF; what it writes into a full FIFO is lost, as on the hardware. */
	if (u->tx.count >= depth(u))
		return;
	fifo_push(&u->tx, (uint8_t)val);
	if (u->tx.count > tx_trigger(u))
		u->ris &= ~PL011_INT_TX;
	update_irq(u);
}

static void write_lcr_h(struct pl011 *u, uint32_t val)
{
	bool was_fifo = fifo_enabled(u);

	u->lcr_h = val & 0xff;
	/* Clearing FEN is the TRM's way of flushing the FIFOs. */
	if (was_fifo && !fifo_enabled(u)) {
		u->tx.count = 0;
		u->rx.count = 0;
	}
}

static const struct reg *find_reg(uint64_t offset)
{
	for (size_t i = 0; i < sizeof(regs) / sizeof(regs[0]); i++)
		if (regs[i].offset == offset)
			return &regs[i];
	static const struct reg id_reg = { PL011_PERIPH0, R, 1 };
	return offset >= PL011_PERIPH0 && offset < PL011_SIZE ? &id_reg : NULL;
}

static enum pl011_status check(uint64_t offset, unsigned size, int need)
{
	const struct reg *r = (offset & 3) ? NULL : find_reg(offset);

	if (!r)
		return PL011_BAD_OFFSET;
	if ((size != 1 && size != 2 && size != 4) || size < r->min_size)
		return PL011_BAD_SIZE;
	if (!(r->rw & need))
		return need == R ? PL011_WRITE_ONLY : PL011_READ_ONLY;
	return PL011_OK;
}

static uint32_t size_mask(unsigned size) { return size == 4 ? 0xffffffffu : (1u << (8 * size)) - 1; }

enum pl011_status pl011_read(struct pl011 *u, uint64_t offset, unsigned size, uint32_t *val)
{
	enum pl011_status s = check(offset, size, R);
	uint32_t v = 0;

	*val = 0;
	if (s != PL011_OK)
		return s;
	switch (offset) {
	case PL011_DR: v = read_dr(u); break;
	case PL011_RSR: v = u->rsr; break;
	case PL011_FR: v = flags(u); break;
	case PL011_ILPR: v = u->ilpr; break;
	case PL011_IBRD: v = u->ibrd; break;
	case PL011_FBRD: v = u->fbrd; break;
	case PL011_LCR_H: v = u->lcr_h; break;
	case PL011_CR: v = u->cr; break;
	case PL011_IFLS: v = u->ifls; break;
	case PL011_IMSC: v = u->imsc; break;
	case PL011_RIS: v = u->ris; break;
	case PL011_MIS: v = u->ris & u->imsc; break;
	case PL011_DMACR: v = u->dmacr; break;
	default: v = ids[(offset - PL011_PERIPH0) / 4]; break;
	}
	*val = v & size_mask(size);
	return PL011_OK;
}

enum pl011_status pl011_write(struct pl011 *u, uint64_t offset, unsigned size, uint32_t val)
{
	enum pl011_status s = check(offset, size, W);

	if (s != PL011_OK)
		return s;
	val &= size_mask(size);
	switch (offset) {
	case PL011_DR: write_dr(u, val); break;
	case PL011_RSR: u->rsr = 0; break; /* any write to UARTECR clears every error */
	case PL011_ILPR: u->ilpr = val & 0xff; break;
	case PL011_IBRD: u->ibrd = val & 0xffff; break;
	case PL011_FBRD: u->fbrd = val & 0x3f; break;
	case PL011_LCR_H: write_lcr_h(u, val); break;
	case PL011_CR: u->cr = val & CR_MASK; break;
	case PL011_IFLS: u->ifls = val & 0x3f; break;
	case PL011_IMSC: u->imsc = val & PL011_INT_ALL; break;
	case PL011_ICR: u->ris &= ~val; break;
	case PL011_DMACR: u->dmacr = val & 7; break;
	}
	update_irq(u);
	return PL011_OK;
}

unsigned pl011_tx_drain(struct pl011 *u, unsigned max)
{
	unsigned before = u->tx.count, sent = 0;

	if (!(u->cr & PL011_CR_UARTEN) || !(u->cr & PL011_CR_TXE))
		return 0;
	while (sent < max && u->tx.count) {
		uint8_t c = fifo_pop(&u->tx);
		if (u->ops.tx)
			u->ops.tx(u->ops.opaque, c);
		sent++;
	}
	/* The interrupt marks the crossing of the trigger level, not the level itself: a FIFO that was
	 * never filled above it raises nothing (drivers prime it with a first write). */
	if (before > tx_trigger(u) && u->tx.count <= tx_trigger(u))
		u->ris |= PL011_INT_TX;
	update_irq(u);
	return sent;
}

bool pl011_rx_push(struct pl011 *u, uint8_t c)
{
	if (!(u->cr & PL011_CR_UARTEN) || !(u->cr & PL011_CR_RXE))
		return false;
	if (u->rx.count >= depth(u)) {
		u->rsr |= PL011_RSR_OE;
		u->ris |= PL011_INT_OE;
		update_irq(u);
		return false;
	}
	fifo_push(&u->rx, c);
	if (u->rx.count >= rx_trigger(u))
		u->ris |= PL011_INT_RX;
	update_irq(u);
	return true;
}

bool pl011_irq_pending(const struct pl011 *u) { return (u->ris & u->imsc) != 0; }

const char *pl011_status_str(enum pl011_status s)
{
	switch (s) {
	case PL011_OK: return "ok";
	case PL011_BAD_OFFSET: return "no register at this offset";
	case PL011_BAD_SIZE: return "access size not accepted by this register";
	case PL011_READ_ONLY: return "register is read-only";
	case PL011_WRITE_ONLY: return "register is write-only";
	}
	return "unknown status";
}
