/* PL011 console driver (ARM DDI 0183): polled transmit on the UART of the tree's stdout-path.
 * The baud rate is the firmware's: struct platform carries no UART clock to program it from. */
#include "uart.h"

#include "hal/console.h"
#include "hal/cpu.h"

#define UARTDR    0x00
#define UARTFR    0x18
#define UARTLCR_H 0x2c
#define UARTCR    0x30
#define UARTIMSC  0x38

#define FR_BUSY   (1u << 3)
#define FR_TXFF   (1u << 5)
#define LCR_H_FEN (1u << 4)
#define CR_UARTEN (1u << 0)
#define CR_TXE    (1u << 8)

static uintptr_t base;

static uint32_t reg_read(unsigned off) { return *(volatile uint32_t *)(base + off); }

static void reg_write(unsigned off, uint32_t v) { *(volatile uint32_t *)(base + off) = v; }

void uart_init(paddr_t regs)
{
	base = (uintptr_t)pa_addr(regs);
	if (!base)
		return;
	/* Polled: no interrupt may fire for us. */
	reg_write(UARTIMSC, 0);
	uint32_t cr = reg_read(UARTCR);
	/* The 32-entry transmit FIFO, if the firmware left it off: without it every character is a
	 * wait on the line. Control registers may only change with the UART disabled and idle, and
	 * LCR_H keeps the firmware's word format and (with IBRD/FBRD, latched by this write) baud. */
	uint32_t lcr = reg_read(UARTLCR_H);
	if (!(lcr & LCR_H_FEN)) {
		while (reg_read(UARTFR) & FR_BUSY)
			hal_cpu_relax();
		reg_write(UARTCR, cr & ~CR_UARTEN);
		reg_write(UARTLCR_H, lcr | LCR_H_FEN);
		cr &= ~CR_UARTEN;
	}
	/* Otherwise UARTCR is written only if it must be: a write mid-character is undefined. */
	if ((cr & (CR_UARTEN | CR_TXE)) != (CR_UARTEN | CR_TXE))
		reg_write(UARTCR, cr | CR_UARTEN | CR_TXE);
}

static void put(char c)
{
	while (reg_read(UARTFR) & FR_TXFF)
		hal_cpu_relax();
	reg_write(UARTDR, (uint8_t)c);
}

void hal_console_write(const char *s, size_t len)
{
	if (!base)
		return;
	for (size_t i = 0; i < len; i++) {
		if (s[i] == '\n')
			put('\r');
		put(s[i]);
	}
}

void uart_flush(void)
{
	while (base && (reg_read(UARTFR) & FR_BUSY))
		hal_cpu_relax();
}
