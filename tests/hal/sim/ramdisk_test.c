/* The sim's RAM disk: made from the tree's "halcyon,ramdisk" nodes, loads and stores of any width
 * reach its bytes through the bus, and a reg the device cannot have is refused with a reason. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>
#include <libfdt.h>

#include "sim/bus.h"
#include "sim/ramdisk.h"

static char fdt[4096], err[160];

/* A root with 2/2 cells and one ramdisk node at @base of @size. */
static void tree(uint64_t base, uint64_t size)
{
	fdt32_t reg[4] = { cpu_to_fdt32((uint32_t)(base >> 32)), cpu_to_fdt32((uint32_t)base),
			   cpu_to_fdt32((uint32_t)(size >> 32)), cpu_to_fdt32((uint32_t)size) };

	assert_int_equal(fdt_create(fdt, sizeof(fdt)), 0);
	assert_int_equal(fdt_finish_reservemap(fdt), 0);
	assert_int_equal(fdt_begin_node(fdt, ""), 0);
	assert_int_equal(fdt_property_u32(fdt, "#address-cells", 2), 0);
	assert_int_equal(fdt_property_u32(fdt, "#size-cells", 2), 0);
	assert_int_equal(fdt_begin_node(fdt, "disk"), 0);
	assert_int_equal(fdt_property_string(fdt, "compatible", "halcyon,ramdisk"), 0);
	assert_int_equal(fdt_property(fdt, "reg", reg, sizeof(reg)), 0);
	assert_int_equal(fdt_end_node(fdt), 0);
	assert_int_equal(fdt_end_node(fdt), 0);
	assert_int_equal(fdt_finish(fdt), 0);
}

static int teardown(void **state)
{
	(void)state;
	sim_ramdisk_destroy();
	sim_bus_reset();
	return 0;
}

static void test_ramdisk_stores_of_every_width_reach_its_bytes(void **state)
{
	(void)state;
	uint64_t size, v;
	tree(0x60000000, 0x100000);
	assert_int_equal(sim_ramdisk_create(fdt, err, sizeof(err)), 0);
	uint8_t *b = sim_ramdisk_bytes(0x60000000, &size);
	assert_non_null(b);
	assert_int_equal(size, 0x100000);

	assert_null(sim_mmio_write(pa_init(0x60000010), 8, 0x0807060504030201ull));
	assert_null(sim_mmio_write(pa_init(0x600fffff), 1, 0xab));
	assert_int_equal(b[0x10], 1);
	assert_int_equal(b[0x17], 8);
	assert_int_equal(b[0xfffff], 0xab);
	assert_null(sim_mmio_read(pa_init(0x60000013), 4, &v)); /* unaligned: memory takes it */
	assert_int_equal(v, 0x07060504);
	assert_null(sim_mmio_read(pa_init(0x60000020), 8, &v));
	assert_int_equal(v, 0); /* a new disk is zeroed */
}

static void test_ramdisk_access_past_its_end_is_refused(void **state)
{
	(void)state;
	uint64_t v;
	tree(0x60000000, 0x1000);
	assert_int_equal(sim_ramdisk_create(fdt, err, sizeof(err)), 0);
	assert_non_null(sim_mmio_read(pa_init(0x60000ffc), 8, &v));
	assert_non_null(sim_mmio_write(pa_init(0x60001000), 4, 1));
}

static void test_ramdisk_reg_not_whole_pages_is_refused(void **state)
{
	(void)state;
	tree(0x60000800, 0x1000);
	assert_int_equal(sim_ramdisk_create(fdt, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "not whole pages"));
	tree(0x60000000, 0);
	assert_int_equal(sim_ramdisk_create(fdt, err, sizeof(err)), -1);
	tree(0x60000000, SIM_RAMDISK_MAX_SIZE + 0x1000);
	assert_int_equal(sim_ramdisk_create(fdt, err, sizeof(err)), -1);
	assert_null(sim_bus_find(pa_init(0x60000000)));
}

static void test_ramdisk_overlapping_another_device_is_refused(void **state)
{
	(void)state;
	tree(0x60000000, 0x2000);
	assert_int_equal(sim_ramdisk_create(fdt, err, sizeof(err)), 0);
	sim_bus_reset();
	const struct sim_device other = { .name = "other", .base = pa_init(0x60001000), .size = 0x1000 };
	assert_int_equal(sim_bus_add(&other), 0);
	assert_int_equal(sim_ramdisk_create(fdt, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "overlaps"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_teardown(test_ramdisk_stores_of_every_width_reach_its_bytes, teardown),
		cmocka_unit_test_teardown(test_ramdisk_access_past_its_end_is_refused, teardown),
		cmocka_unit_test_teardown(test_ramdisk_reg_not_whole_pages_is_refused, teardown),
		cmocka_unit_test_teardown(test_ramdisk_overlapping_another_device_is_refused, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
