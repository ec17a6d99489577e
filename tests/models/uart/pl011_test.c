/* The PL011 model's registers, FIFOs and interrupts as the r1p5 TRM describes them. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "models/uart/pl011.h"

static char sent[256];
static unsigned nsent;
static int irq_edges;
static bool irq_line;

static void on_tx(void *opaque, uint8_t c)
{
	(void)opaque;
	if (nsent < sizeof(sent))
		sent[nsent++] = (char)c;
}

static void on_irq(void *opaque, bool level)
{
	(void)opaque;
	irq_line = level;
	irq_edges++;
}

static int setup(void **state)
{
	static struct pl011 u;
	static const struct pl011_ops ops = { on_tx, on_irq, NULL };

	pl011_init(&u, &ops);
	memset(sent, 0, sizeof(sent));
	nsent = 0;
	irq_edges = 0;
	irq_line = false;
	*state = &u;
	return 0;
}

static uint32_t rd(struct pl011 *u, uint64_t off)
{
	uint32_t v = 0xdeadbeef;
	assert_int_equal(pl011_read(u, off, 4, &v), PL011_OK);
	return v;
}

static void wr(struct pl011 *u, uint64_t off, uint32_t v) { assert_int_equal(pl011_write(u, off, 4, v), PL011_OK); }

static void enable(struct pl011 *u, bool fifo)
{
	wr(u, PL011_LCR_H, PL011_LCR_H_WLEN_8 | (fifo ? PL011_LCR_H_FEN : 0));
	wr(u, PL011_CR, PL011_CR_UARTEN | PL011_CR_TXE | PL011_CR_RXE);
}

static void test_pl011_reset_values_match_the_trm(void **state)
{
	struct pl011 *u = *state;

	assert_int_equal(rd(u, PL011_FR), PL011_FR_TXFE | PL011_FR_RXFE);
	assert_int_equal(rd(u, PL011_CR), PL011_CR_TXE | PL011_CR_RXE);
	assert_int_equal(rd(u, PL011_IFLS), 0x12);
	assert_int_equal(rd(u, PL011_IMSC), 0);
	assert_int_equal(rd(u, PL011_RIS), 0);
	assert_false(pl011_irq_pending(u));
}

static void test_pl011_id_registers_identify_an_r1p5_primecell(void **state)
{
	static const uint32_t want[8] = { 0x11, 0x10, 0x34, 0x00, 0x0d, 0xf0, 0x05, 0xb1 };

	for (unsigned i = 0; i < 8; i++)
		assert_int_equal(rd(*state, PL011_PERIPH0 + 4 * i), want[i]);
}

static void test_pl011_write_dr_with_uart_enabled_sends_the_character(void **state)
{
	struct pl011 *u = *state;

	enable(u, true);
	wr(u, PL011_DR, 'A');
	assert_int_equal(pl011_tx_drain(u, 100), 1);
	assert_int_equal(nsent, 1);
	assert_int_equal(sent[0], 'A');
}

static void test_pl011_write_dr_with_uart_disabled_sends_nothing(void **state)
{
	struct pl011 *u = *state;

	wr(u, PL011_LCR_H, PL011_LCR_H_FEN);
	wr(u, PL011_DR, 'x');
	assert_int_equal(pl011_tx_drain(u, 100), 0);
	assert_int_equal(nsent, 0);
	/* Queued while disabled: BUSY says so, as the TRM requires even with UARTEN clear. */
	assert_true(rd(u, PL011_FR) & PL011_FR_BUSY);
	/* Enabled without TXE: the transmitter stays off. */
	wr(u, PL011_CR, PL011_CR_UARTEN | PL011_CR_RXE);
	assert_int_equal(pl011_tx_drain(u, 100), 0);
	assert_int_equal(nsent, 0);
}

static void test_pl011_data_queued_while_disabled_is_sent_once_enabled(void **state)
{
	struct pl011 *u = *state;

	wr(u, PL011_LCR_H, PL011_LCR_H_FEN);
	wr(u, PL011_DR, 'o');
	wr(u, PL011_DR, 'k');
	wr(u, PL011_CR, PL011_CR_UARTEN | PL011_CR_TXE);
	assert_int_equal(pl011_tx_drain(u, 100), 2);
	assert_memory_equal(sent, "ok", 2);
}

static void test_pl011_flags_track_the_transmit_fifo_level(void **state)
{
	struct pl011 *u = *state;

	wr(u, PL011_LCR_H, PL011_LCR_H_FEN);
	for (int i = 0; i < PL011_FIFO_DEPTH - 1; i++)
		wr(u, PL011_DR, 'a');
	uint32_t fr = rd(u, PL011_FR);
	assert_false(fr & PL011_FR_TXFE);
	assert_false(fr & PL011_FR_TXFF);
	wr(u, PL011_DR, 'a');
	assert_true(rd(u, PL011_FR) & PL011_FR_TXFF);
	wr(u, PL011_CR, PL011_CR_UARTEN | PL011_CR_TXE);
	pl011_tx_drain(u, PL011_FIFO_DEPTH);
	fr = rd(u, PL011_FR);
	assert_true(fr & PL011_FR_TXFE);
	assert_false(fr & (PL011_FR_TXFF | PL011_FR_BUSY));
}

static void test_pl011_write_to_a_full_fifo_is_lost(void **state)
{
	struct pl011 *u = *state;

	enable(u, false); /* character mode: a one-byte holding register */
	wr(u, PL011_DR, '1');
	assert_true(rd(u, PL011_FR) & PL011_FR_TXFF);
	wr(u, PL011_DR, '2');
	pl011_tx_drain(u, 10);
	assert_int_equal(nsent, 1);
	assert_int_equal(sent[0], '1');
}

static void test_pl011_drain_sends_at_most_the_requested_count_in_order(void **state)
{
	struct pl011 *u = *state;

	enable(u, true);
	for (const char *p = "hello"; *p; p++)
		wr(u, PL011_DR, (uint8_t)*p);
	assert_int_equal(pl011_tx_drain(u, 2), 2);
	assert_int_equal(pl011_tx_drain(u, 10), 3);
	assert_memory_equal(sent, "hello", 5);
}

static void test_pl011_clearing_fen_flushes_the_fifos(void **state)
{
	struct pl011 *u = *state;

	wr(u, PL011_LCR_H, PL011_LCR_H_FEN);
	wr(u, PL011_DR, 'z');
	wr(u, PL011_LCR_H, 0);
	assert_true(rd(u, PL011_FR) & PL011_FR_TXFE);
}

static void test_pl011_baud_and_line_control_registers_are_stored(void **state)
{
	struct pl011 *u = *state;

	wr(u, PL011_IBRD, 0x1234d);
	wr(u, PL011_FBRD, 0xff);
	wr(u, PL011_LCR_H, 0x170);
	assert_int_equal(rd(u, PL011_IBRD), 0x234d); /* 16 bits */
	assert_int_equal(rd(u, PL011_FBRD), 0x3f);   /* 6 bits */
	assert_int_equal(rd(u, PL011_LCR_H), 0x70);  /* 8 bits */
}

static void test_pl011_tx_interrupt_fires_when_the_fifo_drains_below_the_trigger(void **state)
{
	struct pl011 *u = *state;

	enable(u, true);
	wr(u, PL011_IMSC, PL011_INT_TX);
	for (int i = 0; i < 20; i++) /* above the reset trigger of half full (16) */
		wr(u, PL011_DR, 'a');
	assert_false(irq_line);
	pl011_tx_drain(u, 4);
	assert_true(rd(u, PL011_RIS) & PL011_INT_TX);
	assert_true(rd(u, PL011_MIS) & PL011_INT_TX);
	assert_true(irq_line);
	assert_true(pl011_irq_pending(u));
	wr(u, PL011_ICR, PL011_INT_TX);
	assert_false(irq_line);
	assert_int_equal(irq_edges, 2);
}

static void test_pl011_tx_interrupt_is_raw_but_not_masked_when_imsc_is_clear(void **state)
{
	struct pl011 *u = *state;

	enable(u, false);
	wr(u, PL011_DR, 'a');
	pl011_tx_drain(u, 1);
	assert_true(rd(u, PL011_RIS) & PL011_INT_TX);
	assert_int_equal(rd(u, PL011_MIS), 0);
	assert_false(irq_line);
	/* A write refills the holding register and withdraws the interrupt. */
	wr(u, PL011_DR, 'b');
	assert_false(rd(u, PL011_RIS) & PL011_INT_TX);
}

static void test_pl011_received_characters_are_read_from_dr(void **state)
{
	struct pl011 *u = *state;

	assert_true(rd(u, PL011_FR) & PL011_FR_RXFE);
	assert_false(pl011_rx_push(u, 'q')); /* UARTEN clear: the receiver is off */
	enable(u, true);
	wr(u, PL011_IMSC, PL011_INT_RX);
	assert_true(pl011_rx_push(u, 'q'));
	assert_false(rd(u, PL011_FR) & PL011_FR_RXFE);
	assert_int_equal(rd(u, PL011_DR), 'q');
	assert_true(rd(u, PL011_FR) & PL011_FR_RXFE);
	assert_false(irq_line); /* one character is below the half-full trigger */
}

static void test_pl011_receive_overrun_sets_oe_until_cleared(void **state)
{
	struct pl011 *u = *state;

	enable(u, false);
	wr(u, PL011_IMSC, PL011_INT_OE);
	assert_true(pl011_rx_push(u, '1'));
	assert_false(pl011_rx_push(u, '2'));
	assert_int_equal(rd(u, PL011_RSR), PL011_RSR_OE);
	assert_true(irq_line);
	wr(u, PL011_RSR, 0);
	assert_int_equal(rd(u, PL011_RSR), 0);
	wr(u, PL011_ICR, PL011_INT_ALL);
	assert_false(irq_line);
}

static void test_pl011_byte_write_to_dr_sends_the_byte(void **state)
{
	struct pl011 *u = *state;

	enable(u, true);
	assert_int_equal(pl011_write(u, PL011_DR, 1, 0x1ff), PL011_OK);
	pl011_tx_drain(u, 1);
	assert_int_equal((uint8_t)sent[0], 0xff);
}

static void test_pl011_halfword_access_reaches_sixteen_bit_registers(void **state)
{
	struct pl011 *u = *state;
	uint32_t v;

	assert_int_equal(pl011_write(u, PL011_CR, 2, PL011_CR_UARTEN | PL011_CR_TXE), PL011_OK);
	assert_int_equal(pl011_read(u, PL011_CR, 2, &v), PL011_OK);
	assert_int_equal(v, PL011_CR_UARTEN | PL011_CR_TXE);
}

static void test_pl011_sizes_a_register_does_not_take_are_refused(void **state)
{
	struct pl011 *u = *state;
	uint32_t v = 1;

	assert_int_equal(pl011_write(u, PL011_CR, 1, PL011_CR_UARTEN), PL011_BAD_SIZE);
	assert_int_equal(rd(u, PL011_CR), PL011_CR_TXE | PL011_CR_RXE); /* unchanged */
	assert_int_equal(pl011_read(u, PL011_FR, 1, &v), PL011_BAD_SIZE);
	assert_int_equal(v, 0);
	assert_int_equal(pl011_read(u, PL011_DR, 8, &v), PL011_BAD_SIZE);
	assert_int_equal(pl011_write(u, PL011_DR, 3, 'a'), PL011_BAD_SIZE);
	assert_int_equal(pl011_write(u, PL011_DR, 0, 'a'), PL011_BAD_SIZE);
}

static void test_pl011_unaligned_and_reserved_offsets_are_refused(void **state)
{
	struct pl011 *u = *state;
	uint32_t v;

	assert_int_equal(pl011_read(u, PL011_FR + 1, 1, &v), PL011_BAD_OFFSET);
	assert_int_equal(pl011_read(u, 0x008, 4, &v), PL011_BAD_OFFSET);
	assert_int_equal(pl011_write(u, 0x080, 4, 0), PL011_BAD_OFFSET); /* test registers */
	assert_int_equal(pl011_read(u, PL011_SIZE, 4, &v), PL011_BAD_OFFSET);
	assert_int_equal(pl011_read(u, UINT64_MAX - 3, 4, &v), PL011_BAD_OFFSET);
}

static void test_pl011_accesses_against_a_registers_direction_are_refused(void **state)
{
	struct pl011 *u = *state;

	assert_int_equal(pl011_write(u, PL011_FR, 4, 0), PL011_READ_ONLY);
	assert_int_equal(pl011_write(u, PL011_RIS, 4, 0), PL011_READ_ONLY);
	assert_int_equal(pl011_write(u, PL011_MIS, 4, 0), PL011_READ_ONLY);
	assert_int_equal(pl011_write(u, PL011_PERIPH0, 4, 0), PL011_READ_ONLY);
	uint32_t v = 1;
	assert_int_equal(pl011_read(u, PL011_ICR, 4, &v), PL011_WRITE_ONLY);
	assert_int_equal(v, 0);
	assert_string_equal(pl011_status_str(PL011_WRITE_ONLY), "register is write-only");
}

static void test_pl011_works_without_callbacks(void **state)
{
	struct pl011 u;

	(void)state;
	pl011_init(&u, NULL);
	wr(&u, PL011_IMSC, PL011_INT_ALL);
	wr(&u, PL011_CR, PL011_CR_UARTEN | PL011_CR_TXE);
	wr(&u, PL011_DR, 'a');
	assert_int_equal(pl011_tx_drain(&u, 1), 1);
	assert_true(pl011_irq_pending(&u));
}

#define T(name) cmocka_unit_test_setup(name, setup)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_pl011_reset_values_match_the_trm),
		T(test_pl011_id_registers_identify_an_r1p5_primecell),
		T(test_pl011_write_dr_with_uart_enabled_sends_the_character),
		T(test_pl011_write_dr_with_uart_disabled_sends_nothing),
		T(test_pl011_data_queued_while_disabled_is_sent_once_enabled),
		T(test_pl011_flags_track_the_transmit_fifo_level),
		T(test_pl011_write_to_a_full_fifo_is_lost),
		T(test_pl011_drain_sends_at_most_the_requested_count_in_order),
		T(test_pl011_clearing_fen_flushes_the_fifos),
		T(test_pl011_baud_and_line_control_registers_are_stored),
		T(test_pl011_tx_interrupt_fires_when_the_fifo_drains_below_the_trigger),
		T(test_pl011_tx_interrupt_is_raw_but_not_masked_when_imsc_is_clear),
		T(test_pl011_received_characters_are_read_from_dr),
		T(test_pl011_receive_overrun_sets_oe_until_cleared),
		T(test_pl011_byte_write_to_dr_sends_the_byte),
		T(test_pl011_halfword_access_reaches_sixteen_bit_registers),
		T(test_pl011_sizes_a_register_does_not_take_are_refused),
		T(test_pl011_unaligned_and_reserved_offsets_are_refused),
		T(test_pl011_accesses_against_a_registers_direction_are_refused),
		T(test_pl011_works_without_callbacks),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
