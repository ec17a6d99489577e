/* A register-level model of the ARM PrimeCell PL011 UART (r1p5, ARM DDI 0183G) for host programs.
 * The caller owns time: it moves written data out of the transmit FIFO with pl011_tx_drain. */
#pragma once

#include <stdbool.h>
#include <stdint.h>

/* Register offsets. */
#define PL011_DR      0x000
#define PL011_RSR     0x004 /* read: receive status; write: error clear (ECR) */
#define PL011_FR      0x018
#define PL011_ILPR    0x020
#define PL011_IBRD    0x024
#define PL011_FBRD    0x028
#define PL011_LCR_H   0x02c
#define PL011_CR      0x030
#define PL011_IFLS    0x034
#define PL011_IMSC    0x038
#define PL011_RIS     0x03c
#define PL011_MIS     0x040
#define PL011_ICR     0x044
#define PL011_DMACR   0x048
#define PL011_PERIPH0 0xfe0 /* PeriphID0-3 then PCellID0-3, one byte per word */
#define PL011_SIZE    0x1000

/* UARTFR */
#define PL011_FR_BUSY (1u << 3)
#define PL011_FR_RXFE (1u << 4)
#define PL011_FR_TXFF (1u << 5)
#define PL011_FR_RXFF (1u << 6)
#define PL011_FR_TXFE (1u << 7)

/* UARTLCR_H */
#define PL011_LCR_H_FEN    (1u << 4)
#define PL011_LCR_H_WLEN_8 (3u << 5)

/* UARTCR */
#define PL011_CR_UARTEN (1u << 0)
#define PL011_CR_TXE    (1u << 8)
#define PL011_CR_RXE    (1u << 9)

/* Interrupt bits, shared by IMSC, RIS, MIS and ICR. */
#define PL011_INT_RX  (1u << 4)
#define PL011_INT_TX  (1u << 5)
#define PL011_INT_OE  (1u << 10)
#define PL011_INT_ALL 0x7ffu

/* UARTRSR */
#define PL011_RSR_OE (1u << 3)

#define PL011_FIFO_DEPTH 32 /* r1p5; earlier revisions had 16 */

enum pl011_status {
	PL011_OK,
	PL011_BAD_OFFSET, /* reserved, unimplemented (test registers) or not register-aligned */
	PL011_BAD_SIZE,   /* an access width the register does not accept */
	PL011_READ_ONLY,
	PL011_WRITE_ONLY,
};

/* Where the UART's outputs go. Both callbacks are optional. */
struct pl011_ops {
	void (*tx)(void *opaque, uint8_t c);   /* a character left the transmit shift register */
	void (*irq)(void *opaque, bool level); /* UARTINTR changed level */
	void *opaque;
};

struct pl011_fifo {
	uint8_t data[PL011_FIFO_DEPTH];
	unsigned head, count;
};

/* All state is the model's own; callers use the functions below. */
struct pl011 {
	struct pl011_ops ops;
	struct pl011_fifo tx, rx;
	uint32_t rsr, ilpr, ibrd, fbrd, lcr_h, cr, ifls, imsc, ris, dmacr;
	bool irq_level;
};

/* Power-on reset: UART disabled, TXE and RXE set, FIFOs off and empty, interrupts masked. */
void pl011_init(struct pl011 *u, const struct pl011_ops *ops);

/* A bus access of @size bytes (1, 2 or 4) at @offset from the UART's base. Every register takes
 * 32- and 16-bit accesses (all are at most 16 bits wide); registers of at most 8 bits, and UARTDR,
 * also take 8-bit ones. On failure nothing changes and *@val is 0. */
enum pl011_status pl011_read(struct pl011 *u, uint64_t offset, unsigned size, uint32_t *val);
enum pl011_status pl011_write(struct pl011 *u, uint64_t offset, unsigned size, uint32_t val);

/* Transmits up to @max characters from the transmit FIFO if UARTEN and TXE are set; returns how many. */
unsigned pl011_tx_drain(struct pl011 *u, unsigned max);

/* A character arrives on the line. Returns false if it was lost (receiver off, or overrun). */
bool pl011_rx_push(struct pl011 *u, uint8_t c);

/* UARTINTR: any unmasked raw interrupt. */
bool pl011_irq_pending(const struct pl011 *u);

const char *pl011_status_str(enum pl011_status s);
