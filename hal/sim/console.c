#include "console.h"

#include "bus.h"
#include "hal/console.h"
#include "hal/cpu.h"
#include "hal/mmu.h"
#include "irq.h"
#include "machine.h"
#include "models/uart/pl011.h"
#include "public/errno.h"

static struct pl011 uart;
static paddr_t uart_base;
static bool driver_up;

static const char *uart_read(void *opaque, uint64_t off, unsigned size, uint64_t *val)
{
	uint32_t v;
	enum pl011_status s = pl011_read(opaque, off, size, &v);

	*val = v;
	return s == PL011_OK ? NULL : pl011_status_str(s);
}

static const char *uart_write(void *opaque, uint64_t off, unsigned size, uint64_t val)
{
	enum pl011_status s = pl011_write(opaque, off, size, (uint32_t)val);
	return s == PL011_OK ? NULL : pl011_status_str(s);
}

/* An infinitely fast line, as QEMU's: whatever the FIFO holds leaves within one step. */
static void uart_tick(void *opaque) { pl011_tx_drain(opaque, PL011_FIFO_DEPTH); }

int sim_console_attach(const struct platform *plat, void (*sink)(void *opaque, uint8_t c), void *opaque)
{
	const struct pl011_ops ops = { .tx = sink, .opaque = opaque };
	const struct plat_region *r = &plat->uart.regs;

	driver_up = false;
	if (!r->size)
		return 0;
	pl011_init(&uart, &ops);
	uart_base = r->base;
	const struct sim_device dev = {
		.name = "pl011",
		.base = r->base,
		.size = r->size < PL011_SIZE ? r->size : PL011_SIZE,
		.read = uart_read,
		.write = uart_write,
		.tick = uart_tick,
		.opaque = &uart,
	};
	if (hal_pa_to_va(r->base) || hal_pa_to_va(pa_add(r->base, dev.size - 1)))
		return -1;
	return sim_bus_add(&dev);
}

/* The driver below mirrors hal/real's PL011 driver access for access. */

static uint32_t reg_read(unsigned off)
{
	uint64_t v;
	const char *err = sim_mmio_read(pa_add(uart_base, off), 4, &v);

	if (err)
		sim_stop(SIM_STOP_ERROR, 1, "console: %s", err);
	return (uint32_t)v;
}

static void reg_write(unsigned off, uint32_t v)
{
	const char *err = sim_mmio_write(pa_add(uart_base, off), 4, v);

	if (err)
		sim_stop(SIM_STOP_ERROR, 1, "console: %s", err);
}

static bool ram_backed(const struct plat_region *r)
{
	return r->size && hal_pa_to_va(r->base) && hal_pa_to_va(pa_add(r->base, r->size - 1));
}

int hal_platform_init(struct platform *plat)
{
	int rc = 0;

	/* The sim's "final memory map" is its RAM: every bank the core will use must be backed. */
	for (unsigned i = 0; i < plat->mem_count; i++)
		if (!ram_backed(&plat->mem[i]))
			rc = -XEN_EINVAL;
	driver_up = false;
	plat->gic.nr_spis = sim_gic_spis();
	if (!plat->uart.regs.size)
		return rc;
	const struct sim_device *d = sim_bus_find(plat->uart.regs.base);
	if (!d || d->opaque != &uart || pa_addr(d->base) != pa_addr(plat->uart.regs.base))
		return -XEN_ENODEV;
	/* Polled: keep the UART's interrupts off. Turn the transmit FIFO on as hal/real does, with the
	 * UART disabled and idle while LCR_H changes. */
	reg_write(PL011_IMSC, 0);
	uint32_t cr = reg_read(PL011_CR);
	uint32_t lcr = reg_read(PL011_LCR_H);
	if (!(lcr & PL011_LCR_H_FEN)) {
		while (reg_read(PL011_FR) & PL011_FR_BUSY)
			hal_cpu_relax();
		reg_write(PL011_CR, cr & ~PL011_CR_UARTEN);
		reg_write(PL011_LCR_H, lcr | PL011_LCR_H_FEN);
		cr &= ~PL011_CR_UARTEN;
	}
	/* Otherwise UARTCR is written only if it must be: a write mid-character is undefined. */
	if ((cr & (PL011_CR_UARTEN | PL011_CR_TXE)) != (PL011_CR_UARTEN | PL011_CR_TXE))
		reg_write(PL011_CR, cr | PL011_CR_UARTEN | PL011_CR_TXE);
	driver_up = true;
	return rc;
}

static void put(char c)
{
	while (reg_read(PL011_FR) & PL011_FR_TXFF)
		hal_cpu_relax();
	reg_write(PL011_DR, (uint8_t)c);
}

void hal_console_write(const char *s, size_t len)
{
	if (!driver_up)
		return;
	/* Another CPU may run between two writes: the interleavings the seed picks include these. */
	sim_yield();
	for (size_t i = 0; i < len; i++) {
		if (s[i] == '\n')
			put('\r');
		put(s[i]);
	}
}

void sim_console_flush(void)
{
	while (driver_up && (reg_read(PL011_FR) & PL011_FR_BUSY))
		hal_cpu_relax();
}
