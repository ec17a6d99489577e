/* guests/netback's split virtqueue (virtio 1.1, 2.6) against a device played by the test in host
 * memory: entries made available in order with their index published, used entries taken back
 * with their ids and lengths across the 16-bit index wrap, and a broken device (its used index a
 * ring ahead, an id beyond the table) reported instead of followed. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "public/errno.h"
#include "tests/guests/ring/fake_shared.h"
#include "virtq.h"

static _Alignas(4096) uint8_t mem[VQ_BYTES];
static struct vq q;
static uint16_t dev_avail_seen, dev_used_idx; /* the device's own counters */

static uint16_t rd16(size_t off) { return (uint16_t)(mem[off] | mem[off + 1] << 8); }
static void wr16(size_t off, uint16_t v) { mem[off] = (uint8_t)v, mem[off + 1] = (uint8_t)(v >> 8); }
static void wr32(size_t off, uint32_t v)
{
	for (unsigned i = 0; i < 4; i++)
		mem[off + i] = (uint8_t)(v >> (8 * i));
}
static size_t avail_off(void) { return (size_t)(q.avail - fake_gva(mem)); }
static size_t used_off(void) { return (size_t)(q.used - fake_gva(mem)); }

static int setup(void **state)
{
	(void)state;
	fake_shared_reset();
	memset(mem, 0xa5, sizeof(mem));
	fake_shared_window(mem, sizeof(mem));
	vq_init(&q, fake_gva(mem), 16);
	dev_avail_seen = dev_used_idx = 0;
	return 0;
}

/* The device takes the next available head, if any. */
static int dev_next(void)
{
	if (rd16(avail_off() + 2) == dev_avail_seen)
		return -1;
	return rd16(avail_off() + 4 + 2u * (dev_avail_seen++ % q.size));
}

static void dev_use(uint32_t id, uint32_t len)
{
	wr32(used_off() + 4 + 8u * (dev_used_idx % q.size), id);
	wr32(used_off() + 8 + 8u * (dev_used_idx % q.size), len);
	wr16(used_off() + 2, ++dev_used_idx);
}

static void test_vq_init_clears_rings_and_places_them_apart(void **state)
{
	(void)state;
	assert_int_equal(q.desc, fake_gva(mem));
	assert_true(q.avail >= q.desc + 16u * VQ_MAX && q.used >= q.avail + 6 + 2u * VQ_MAX);
	assert_true(q.used % 4 == 0 && q.used + 6 + 8u * VQ_MAX <= fake_gva(mem) + VQ_BYTES);
	for (size_t i = 0; i < sizeof(mem); i++)
		assert_int_equal(mem[i], 0);
	assert_int_equal(fake_shared_strays, 0);
}

static void test_vq_set_desc_writes_the_spec_layout(void **state)
{
	(void)state;
	vq_set_desc(&q, 3, 0x123456789abcull, 2048, VQ_DESC_F_WRITE);
	uint64_t addr;
	memcpy(&addr, mem + 3 * 16, 8);
	assert_int_equal(addr, 0x123456789abcull);
	assert_int_equal(mem[3 * 16 + 8] | mem[3 * 16 + 9] << 8, 2048);
	assert_int_equal(rd16(3 * 16 + 12), VQ_DESC_F_WRITE);
	assert_int_equal(rd16(3 * 16 + 14), 0);
}

/* Posts appear in order; neighbouring 16-bit entries written as words keep each other. */
static void test_vq_post_publishes_heads_in_order(void **state)
{
	(void)state;
	for (uint16_t i = 0; i < 5; i++)
		vq_post(&q, (uint16_t)(4 - i));
	assert_int_equal(rd16(avail_off() + 2), 5);
	for (int i = 0; i < 5; i++)
		assert_int_equal(dev_next(), 4 - i);
	assert_int_equal(dev_next(), -1);
	assert_int_equal(rd16(avail_off()), 0); /* flags untouched: interrupts still wanted */
}

static void test_vq_take_returns_used_entries_then_nothing(void **state)
{
	(void)state;
	uint16_t id;
	uint32_t len;
	assert_int_equal(vq_take(&q, &id, &len), 0);
	dev_use(7, 60);
	dev_use(2, 1514);
	assert_int_equal(vq_take(&q, &id, &len), 1);
	assert_int_equal(id, 7);
	assert_int_equal(len, 60);
	assert_int_equal(vq_take(&q, &id, &len), 1);
	assert_int_equal(id, 2);
	assert_int_equal(len, 1514);
	assert_int_equal(vq_take(&q, &id, &len), 0);
}

/* 70,000 round trips: both free-running indices wrap past 65535 and nothing is lost or repeated. */
static void test_vq_indices_wrap_without_losing_an_entry(void **state)
{
	(void)state;
	for (uint16_t i = 0; i < q.size; i++)
		vq_post(&q, i);
	for (unsigned n = 0; n < 70000; n++) {
		int head = dev_next();
		assert_true(head >= 0 && head < q.size);
		dev_use((uint32_t)head, n);
		uint16_t id;
		uint32_t len;
		assert_int_equal(vq_take(&q, &id, &len), 1);
		assert_int_equal(id, head);
		assert_int_equal(len, n);
		vq_post(&q, id);
	}
	assert_int_equal(q.avail_idx, (uint16_t)(16 + 70000));
	assert_int_equal(q.used_seen, (uint16_t)70000);
	assert_int_equal(fake_shared_strays, 0);
}

/* A device claiming more used entries than the ring holds, or an id past the table, is broken: the
 * entry is not consumed and nothing outside the queue is read. */
static void test_vq_take_refuses_a_broken_device(void **state)
{
	(void)state;
	uint16_t id = 0xffff;
	uint32_t len = 0;
	wr16(used_off() + 2, 17);
	assert_int_equal(vq_take(&q, &id, &len), -XEN_EIO);
	assert_int_equal(q.used_seen, 0);
	wr16(used_off() + 2, 0);
	dev_used_idx = 0;
	dev_use(16, 64);
	assert_int_equal(vq_take(&q, &id, &len), -XEN_EIO);
	assert_int_equal(q.used_seen, 0);
	assert_int_equal(id, 0xffff);
	dev_used_idx = 0;
	wr16(used_off() + 2, 0);
	dev_use(15, 64);
	assert_int_equal(vq_take(&q, &id, &len), 1);
	assert_int_equal(id, 15);
	assert_int_equal(fake_shared_strays, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_vq_init_clears_rings_and_places_them_apart, setup),
		cmocka_unit_test_setup(test_vq_set_desc_writes_the_spec_layout, setup),
		cmocka_unit_test_setup(test_vq_post_publishes_heads_in_order, setup),
		cmocka_unit_test_setup(test_vq_take_returns_used_entries_then_nothing, setup),
		cmocka_unit_test_setup(test_vq_indices_wrap_without_losing_an_entry, setup),
		cmocka_unit_test_setup(test_vq_take_refuses_a_broken_device, setup),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
