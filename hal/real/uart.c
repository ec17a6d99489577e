/* PL011 console driver (ARM DDI 0183): polled transmit on the UART of the tree's stdout-path.
 * The baud rate is the firmware's: struct platform carries no UART clock to program it from. */
#include "uart.h"

#include "hal/console.h"
#include "hal/cpu.h"

#define UARTDR   0x00
#define UARTFR   0x18
#define UARTCR   0x30
#define UARTIMSC 0x38

#define FR_BUSY   (1u << 3)
#define FR_TXFF   (1u << 5)
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
	/* Polled: no interrupt may fire for us. Enable only if needed, since changing UARTCR mid-byte
	 * is undefined; the firmware normally left it on. */
	reg_write(UARTIMSC, 0);
	uint32_t cr = reg_read(UARTCR);
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
