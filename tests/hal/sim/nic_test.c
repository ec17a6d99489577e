/* The sim NIC: descriptors sent and logged, bad lengths flagged, frames received into posted
 * buffers (misses counted), the far end's echo and script, and behind the SMMU every access
 * confined to the card's stage 2: an unmapped buffer stops the card and nothing is read or written. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>
#include <libfdt.h>

#include "hal/mmu.h"
#include "hal/platform.h"
#include "hal/s2.h"
#include "hal/smmu.h"
#include "sim/bus.h"
#include "sim/nic.h"
#include "sim/smmu.h"
#include "harness.h"

#define SMMU_BASE 0x09050000ull
#define NIC_BASE  0x0a100000ull
#define NIC_SID   6u
#define VMID      3u
#define SMMU_MEM  0x40800000ull
#define S2_TABLES 0x40900000ull
#define TXR       0x40400000ull /* the rings and buffers, physical (or the IPA of the page below) */
#define RXR       0x40401000ull
#define BUF       0x40402000ull
#define IPA       0x80000000ull /* behind the SMMU: the one page mapped, to TXR */

static uint8_t tree[2048];
static const uint8_t peer[6] = { 0x02, 0, 0, 0, 0, 0x99 };
static char logged[8][160];
static unsigned nlogged;

static void log_line(const char *l)
{
	if (nlogged < 8)
		strncpy(logged[nlogged], l, sizeof(logged[0]) - 1);
	nlogged++;
}

static void make_tree(bool smmu, uint32_t inject)
{
	static const char names[] = "eventq\0gerror";
	assert_int_equal(fdt_create_empty_tree(tree, sizeof(tree)), 0);
	assert_int_equal(fdt_setprop_u32(tree, 0, "#address-cells", 2), 0);
	assert_int_equal(fdt_setprop_u32(tree, 0, "#size-cells", 2), 0);
	if (smmu) {
		int s = fdt_add_subnode(tree, 0, "smmuv3@9050000");
		assert_int_equal(fdt_setprop_string(tree, s, "compatible", "arm,smmu-v3"), 0);
		const fdt32_t reg[] = { 0, cpu_to_fdt32(SMMU_BASE), 0, cpu_to_fdt32(0x20000) };
		assert_int_equal(fdt_setprop(tree, s, "reg", reg, sizeof(reg)), 0);
		const fdt32_t irq[] = { 0, cpu_to_fdt32(74), cpu_to_fdt32(4), 0, cpu_to_fdt32(77), cpu_to_fdt32(4) };
		assert_int_equal(fdt_setprop(tree, s, "interrupts", irq, sizeof(irq)), 0);
		assert_int_equal(fdt_setprop(tree, s, "interrupt-names", names, sizeof(names)), 0);
		assert_int_equal(fdt_setprop_u32(tree, s, "phandle", 1), 0);
	}
	int n = fdt_add_subnode(tree, 0, "nic@a100000");
	assert_int_equal(fdt_setprop_string(tree, n, "compatible", "halcyon,sim-nic"), 0);
	const fdt32_t reg[] = { 0, cpu_to_fdt32(NIC_BASE), 0, cpu_to_fdt32(0x1000) };
	assert_int_equal(fdt_setprop(tree, n, "reg", reg, sizeof(reg)), 0);
	const fdt32_t irq[] = { 0, cpu_to_fdt32(50), cpu_to_fdt32(4) };
	assert_int_equal(fdt_setprop(tree, n, "interrupts", irq, sizeof(irq)), 0);
	assert_int_equal(fdt_setprop(tree, n, "halcyon,wire-mac", peer, 6), 0);
	const fdt32_t inj[] = { cpu_to_fdt32(inject), cpu_to_fdt32(2) };
	assert_int_equal(fdt_setprop(tree, n, "halcyon,wire-inject", inj, sizeof(inj)), 0);
	if (smmu) {
		const fdt32_t iommus[] = { cpu_to_fdt32(1), cpu_to_fdt32(NIC_SID) };
		assert_int_equal(fdt_setprop(tree, n, "iommus", iommus, sizeof(iommus)), 0);
	}
}

static uint8_t *pa(uint64_t a) { return hal_pa_to_va(pa_init(a)); }
static void w(uint32_t off, uint64_t v, unsigned size)
{
	assert_null(sim_mmio_write(pa_init(NIC_BASE + off), size, v));
}
static uint64_t r(uint32_t off)
{
	uint64_t v = 0;
	assert_null(sim_mmio_read(pa_init(NIC_BASE + off), 4, &v));
	return v;
}

static void desc(uint64_t ring, unsigned i, uint64_t addr, uint16_t len)
{
	struct sim_nic_desc d = { .addr = addr, .len = len };
	memcpy(pa(ring) + i * sizeof(d), &d, sizeof(d));
}
static struct sim_nic_desc desc_get(uint64_t ring, unsigned i)
{
	struct sim_nic_desc d;
	memcpy(&d, pa(ring) + i * sizeof(d), sizeof(d));
	return d;
}

static void frame(uint8_t *f, const uint8_t *dst, unsigned len, uint8_t fill)
{
	memset(f, fill, len);
	memcpy(f, dst, 6);
	memcpy(f + 6, (uint8_t[6]){ 0x00, 0x16, 0x3e, 0, 0, 1 }, 6);
}

static void start(uint64_t txr, uint64_t rxr, uint32_t ring)
{
	w(SIM_NIC_TX_BASE, txr, 8);
	w(SIM_NIC_RX_BASE, rxr, 8);
	w(SIM_NIC_RING, ring, 4);
	w(SIM_NIC_IMR, 7, 4);
	w(SIM_NIC_CTRL, 1, 4);
}

static struct {
	int create, attach;
	uint32_t ctrl_bad_ring, tx_head, isr, missed, rx_head, rx_head2, ctrl_after_fault, isr_fault;
	unsigned sent, sent_after_fault, last_len;
	struct sim_nic_desc td[3], rd[3];
	bool tx_bytes, rx_bytes, echo_bytes, script_bytes, victim_untouched;
	uint64_t fault;
} o;

static void boot_plain(void)
{
	char err[128];
	uint8_t last[SIM_NIC_FRAME_MAX];

	hal_platform_init(&harness_plat);
	o.create = sim_nic_create(tree, log_line, err, sizeof(err));
	w(SIM_NIC_RING, 3, 4);
	w(SIM_NIC_CTRL, 1, 4);
	o.ctrl_bad_ring = (uint32_t)r(SIM_NIC_CTRL);
	start(TXR, RXR, 4);
	/* Two good frames and one too long, in one tail move. */
	frame(pa(BUF), peer, 60, 0x11);
	frame(pa(BUF + 0x800), (uint8_t[6]){ 0xff, 0xff, 0xff, 0xff, 0xff, 0xff }, 1514, 0x22);
	desc(TXR, 0, BUF, 60);
	desc(TXR, 1, BUF + 0x800, 1514);
	desc(TXR, 2, BUF, 1515);
	w(SIM_NIC_TX_TAIL, 3, 4);
	o.tx_head = (uint32_t)r(SIM_NIC_TX_HEAD);
	o.isr = (uint32_t)r(SIM_NIC_ISR);
	for (unsigned i = 0; i < 3; i++)
		o.td[i] = desc_get(TXR, i);
	o.sent = sim_nic_sent(0, last, &o.last_len);
	o.tx_bytes = !memcmp(last, pa(BUF + 0x800), 1514);
	w(SIM_NIC_ISR, SIM_NIC_IRQ_TX, 4);

	/* Receive: nothing posted, then two buffers, one too small. */
	uint8_t in[100];
	frame(in, (uint8_t[6]){ 0x00, 0x16, 0x3e, 0, 0, 1 }, 100, 0x33);
	sim_nic_inject(0, in, 100);
	desc(RXR, 0, BUF + 0x1000, 2048);
	desc(RXR, 1, BUF + 0x1800, 64);
	w(SIM_NIC_RX_TAIL, 2, 4);
	sim_nic_inject(0, in, 100);
	sim_nic_inject(0, in, 100);
	o.rx_head = (uint32_t)r(SIM_NIC_RX_HEAD);
	o.missed = (uint32_t)r(SIM_NIC_MISSED);
	for (unsigned i = 0; i < 2; i++)
		o.rd[i] = desc_get(RXR, i);
	o.rx_bytes = !memcmp(pa(BUF + 0x1000), in, 100);

	/* The far end: the first frame was sent to it, so its echo comes on the next tick; then the
	 * script's broadcasts, one every second tick. */
	desc(RXR, 2, BUF + 0x2000, 2048);
	desc(RXR, 3, BUF + 0x2800, 2048);
	w(SIM_NIC_RX_TAIL, 4, 4);
	sim_bus_tick();
	sim_bus_tick();
	o.rx_head2 = (uint32_t)r(SIM_NIC_RX_HEAD);
	const uint8_t *e = pa(BUF + 0x2000), *s = pa(BUF + 0x2800);
	o.echo_bytes = !memcmp(e, pa(BUF) + 6, 6) && !memcmp(e + 6, peer, 6) && e[40] == 0x11;
	o.script_bytes = s[0] == 0xff && !memcmp(s + 6, peer, 6) && s[12] == 0x88 && s[17] == 0 && s[20] == 20;
}

static void test_nic_sends_receives_and_plays_the_far_end(void **state)
{
	struct sim_result res;
	(void)state;
	harness_reset();
	memset(&o, 0, sizeof(o));
	nlogged = 0;
	make_tree(false, 1);
	assert_int_equal(harness_run(boot_plain, NULL, 1, 0, &res), 0);
	assert_int_equal(o.create, 0);
	assert_int_equal(o.ctrl_bad_ring, 0);
	assert_int_equal(o.tx_head, 3);
	assert_true(o.isr & SIM_NIC_IRQ_TX);
	assert_int_equal(o.td[0].flags, SIM_NIC_DESC_DONE);
	assert_int_equal(o.td[1].flags, SIM_NIC_DESC_DONE);
	assert_int_equal(o.td[2].flags, SIM_NIC_DESC_DONE | SIM_NIC_DESC_ERR);
	assert_int_equal(o.sent, 2);
	assert_int_equal(o.last_len, 1514);
	assert_true(o.tx_bytes);
	assert_int_equal(nlogged, 2);
	assert_non_null(strstr(logged[0], "nic0: tx 60 bytes 02:00:00:00:00:99 <- 00:16:3e:00:00:01 sum "));
	assert_non_null(strstr(logged[1], "nic0: tx 1514 bytes ff:ff:ff:ff:ff:ff <- "));
	/* One miss with nothing posted, one for the 64-byte buffer (handed back marked). */
	assert_int_equal(o.missed, 2);
	assert_int_equal(o.rx_head, 2);
	assert_int_equal(o.rd[0].flags, SIM_NIC_DESC_DONE);
	assert_int_equal(o.rd[0].len, 100);
	assert_int_equal(o.rd[1].flags, SIM_NIC_DESC_DONE | SIM_NIC_DESC_ERR);
	assert_true(o.rx_bytes);
	assert_int_equal(o.rx_head2, 4);
	assert_true(o.echo_bytes);
	assert_true(o.script_bytes);
}

#define DESC_TABLE 3ull
#define DESC_PAGE  (3ull | 1ull << 10 | 3ull << 8 | 3ull << 6 | 0xfull << 2)

/* Behind the SMMU with only the IPA page mapped (to TXR): descriptors there work, a buffer address
 * outside it (BUF's physical address, as a DMA attack would use) faults and stops the card. */
static void boot_smmu(void)
{
	char err[128];
	struct hal_s2_geometry g;

	hal_platform_init(&harness_plat);
	o.create = sim_smmu_create(tree, err, sizeof(err)) || sim_nic_create(tree, log_line, err, sizeof(err));
	struct hal_smmu_desc d = { pa_init(SMMU_BASE), 0x20000, 74 + 32, 77 + 32 };
	memset(pa(SMMU_MEM), 0, 4096 << HAL_SMMU_MEM_ORDER);
	hal_smmu_probe(&d, pa_init(SMMU_MEM), pa(SMMU_MEM));
	hal_s2_geometry(&g);
	uint64_t *root = (uint64_t *)pa(S2_TABLES), *l2 = (uint64_t *)pa(S2_TABLES + 0x2000),
		 *l3 = (uint64_t *)pa(S2_TABLES + 0x3000);
	memset(root, 0, 0x4000);
	root[IPA >> 30] = (S2_TABLES + 0x2000) | DESC_TABLE;
	l2[(IPA >> 21) & 511] = (S2_TABLES + 0x3000) | DESC_TABLE;
	l3[(IPA >> 12) & 511] = TXR | DESC_PAGE;
	o.attach = hal_smmu_attach(NIC_SID, VMID, pa_init(S2_TABLES), g.vtcr);

	memset(pa(BUF), 0xee, 4096);
	start(IPA, IPA + 0x800, 4);
	frame(pa(TXR + 0x100), peer, 60, 0x44);
	desc(TXR, 0, IPA + 0x100, 60);
	desc(TXR, 1, BUF, 60);
	desc(TXR, 2, IPA + 0x100, 60);
	w(SIM_NIC_TX_TAIL, 3, 4);
	o.tx_head = (uint32_t)r(SIM_NIC_TX_HEAD);
	o.sent = sim_nic_sent(0, NULL, NULL);
	o.ctrl_after_fault = (uint32_t)r(SIM_NIC_CTRL);
	o.isr_fault = (uint32_t)r(SIM_NIC_ISR);
	uint64_t v = 0;
	assert_null(sim_mmio_read(pa_init(NIC_BASE + SIM_NIC_FAULT), 8, &v));
	o.fault = v;
	/* Enabled again, a receive into a buffer outside the stage 2 writes nothing there. */
	start(IPA, IPA + 0x800, 4);
	desc(TXR + 0x800, 0, BUF, 2048);
	w(SIM_NIC_RX_TAIL, 1, 4);
	uint8_t in[64];
	frame(in, (uint8_t[6]){ 0x00, 0x16, 0x3e, 0, 0, 1 }, 64, 0x55);
	sim_nic_inject(0, in, 64);
	o.victim_untouched = pa(BUF)[0] == 0xee && pa(BUF)[63] == 0xee;
	o.rx_head = (uint32_t)r(SIM_NIC_RX_HEAD);
	o.sent_after_fault = (uint32_t)r(SIM_NIC_CTRL);
}

static void test_nic_behind_the_smmu_reaches_only_its_stage_2(void **state)
{
	struct sim_result res;
	(void)state;
	harness_reset();
	memset(&o, 0, sizeof(o));
	nlogged = 0;
	make_tree(true, 0);
	assert_int_equal(harness_run(boot_smmu, NULL, 1, 0, &res), 0);
	assert_int_equal(o.create, 0);
	assert_int_equal(o.attach, 0);
	assert_int_equal(o.tx_head, 1); /* the first sent, the second's buffer aborted: stopped there */
	assert_int_equal(o.sent, 1);
	assert_int_equal(o.ctrl_after_fault, 0);
	assert_true(o.isr_fault & SIM_NIC_IRQ_FAULT);
	assert_int_equal(o.fault, BUF);
	assert_true(o.victim_untouched);
	assert_int_equal(o.rx_head, 0);
	assert_int_equal(o.sent_after_fault, 0); /* CTRL: the receive fault stopped it too */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_nic_sends_receives_and_plays_the_far_end),
		cmocka_unit_test(test_nic_behind_the_smmu_reaches_only_its_stage_2),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
