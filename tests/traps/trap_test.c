/* trap_handle: exits decoded by exception class; nothing a guest does reaches a hypervisor panic. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "dom/vcpu.h"
#include "core/irq.h"
#include "hcall/hcall.h"
#include "sched/sched.h"
#include "traps/esr.h"
#include "traps/mmio.h"
#include "traps/sysreg.h"
#include "traps/trap.h"
#include "vgic/vgic.h"

static struct domain dom;
static struct vcpu vc;
static unsigned hcalls, psci_calls, shutdowns, sysregs, blocks, wakes, mmio_reads;
static bool irq_pending, slice_used;
static unsigned irq_handled;

void irq_handle(struct vcpu *running)
{
	assert_ptr_equal(running, &vc);
	irq_handled++;
}

bool sched_should_preempt(struct vcpu *v, unsigned pcpu)
{
	assert_ptr_equal(v, &vc);
	assert_int_equal(pcpu, vc.pcpu);
	return slice_used;
}
static uint64_t last_sysreg_esr;

void sysreg_trap(struct vcpu *v, uint64_t esr)
{
	assert_ptr_equal(v, &vc);
	sysregs++;
	last_sysreg_esr = esr;
}

void sched_block(struct vcpu *v)
{
	assert_ptr_equal(v, &vc);
	blocks++;
	v->sched.wait = SCHED_BLOCKING;
}

int sched_wake(struct vcpu *v)
{
	assert_ptr_equal(v, &vc);
	wakes++;
	v->sched.wait = SCHED_AWAKE;
	return -1;
}

bool vgic_vcpu_pending(struct vcpu *v)
{
	assert_ptr_equal(v, &vc);
	/* The sleep must be announced before the last look, or a wake-up in between is lost. */
	assert_int_equal(v->sched.wait, SCHED_BLOCKING);
	return irq_pending;
}

static int device(struct vcpu *v, uint64_t offset, unsigned size, bool write, uint64_t *val, void *priv)
{
	(void)v;
	(void)offset;
	(void)size;
	(void)priv;
	assert_false(write);
	mmio_reads++;
	*val = 0x42;
	return 0;
}

bool vpsci_call(struct vcpu *v)
{
	assert_ptr_equal(v, &vc);
	psci_calls++;
	return true;
}

bool hcall_dispatch(struct vcpu *v)
{
	assert_ptr_equal(v, &vc);
	hcalls++;
	return true;
}

void domain_shutdown(struct domain *d, unsigned reason)
{
	(void)d;
	(void)reason;
	shutdowns++;
}

static int setup(void **state)
{
	(void)state;
	memset(&vc, 0, sizeof(vc));
	memset(&dom, 0, sizeof(dom));
	vc.dom = &dom;
	sysregs = blocks = wakes = mmio_reads = 0;
	irq_pending = slice_used = false;
	irq_handled = 0;
	vc.pcpu = 1;
	vc.ctx.pc = 0x40080004;
	vc.ctx.pstate = 0x3c5;
	vc.ctx.el1.vbar = 0x40100000;
	hcalls = psci_calls = shutdowns = 0;
	return 0;
}

static struct hal_exit sync_exit(unsigned ec, uint32_t iss)
{
	return (struct hal_exit){ HAL_EXIT_SYNC, (uint64_t)ec << ESR_EC_SHIFT | ESR_IL | iss, 0x50000000, 0x500000 };
}

static void test_trap_hvc_0xea1_dispatches_hypercall(void **state)
{
	(void)state;
	struct hal_exit e = sync_exit(ESR_EC_HVC64, 0xea1);
	assert_true(trap_handle(&vc, &e));
	assert_int_equal(hcalls, 1);
	assert_int_equal(vc.ctx.pc, 0x40080004);
}

static void test_trap_hvc_0_is_the_smccc_conduit(void **state)
{
	(void)state;
	struct hal_exit e = sync_exit(ESR_EC_HVC64, 0x0);
	assert_true(trap_handle(&vc, &e));
	assert_int_equal(psci_calls, 1);
	assert_int_equal(hcalls, 0);
	assert_int_equal(vc.ctx.pc, 0x40080004);
}

static void test_trap_smc_0_goes_to_vpsci_past_the_smc(void **state)
{
	(void)state;
	struct hal_exit e = sync_exit(ESR_EC_SMC64, 0x0);
	assert_true(trap_handle(&vc, &e));
	assert_int_equal(psci_calls, 1);
	assert_int_equal(vc.ctx.pc, 0x40080008);
}

static void test_trap_smc_nonzero_immediate_injects_undef_at_the_smc(void **state)
{
	(void)state;
	struct hal_exit e = sync_exit(ESR_EC_SMC64, 0x42);
	assert_true(trap_handle(&vc, &e));
	assert_int_equal(psci_calls, 0);
	assert_int_equal(vc.ctx.el1.elr, 0x40080004);
	assert_int_equal(vc.ctx.pc, 0x40100200);
}

static void test_trap_hvc_other_immediate_injects_undef(void **state)
{
	(void)state;
	struct hal_exit e = sync_exit(ESR_EC_HVC64, 0x1);
	assert_true(trap_handle(&vc, &e));
	assert_int_equal(hcalls, 0);
	assert_int_equal(esr_ec(vc.ctx.el1.esr), ESR_EC_UNKNOWN);
	assert_int_equal(vc.ctx.pc, 0x40100200);
}

static void test_trap_stage2_data_abort_injects_dabt_with_far(void **state)
{
	(void)state;
	/* QEMU's syndrome for a 32-bit load into x0 hitting an unmapped IPA (FACTS.md). */
	struct hal_exit e = { HAL_EXIT_SYNC, 0x93c08005, 0x50000000, 0x500000 };
	assert_true(trap_handle(&vc, &e));
	assert_int_equal(esr_ec(vc.ctx.el1.esr), ESR_EC_DABT_CUR);
	assert_int_equal(vc.ctx.el1.far, 0x50000000);
	assert_int_equal(vc.ctx.el1.elr, 0x40080004);
}

static void test_trap_wfi_with_nothing_pending_blocks_the_vcpu(void **state)
{
	(void)state;
	struct hal_exit e = sync_exit(ESR_EC_WFX, 0);
	assert_false(trap_handle(&vc, &e));
	assert_int_equal(blocks, 1);
	assert_int_equal(wakes, 0);
	assert_int_equal(vc.sched.wait, SCHED_BLOCKING);
	assert_int_equal(vc.ctx.pc, 0x40080008);
}

static void test_trap_wfi_with_an_interrupt_pending_completes_at_once(void **state)
{
	(void)state;
	irq_pending = true;
	struct hal_exit e = sync_exit(ESR_EC_WFX, 0);
	assert_true(trap_handle(&vc, &e));
	assert_int_equal(vc.sched.wait, SCHED_AWAKE);
	assert_int_equal(vc.ctx.pc, 0x40080008);
}

static void test_trap_wfe_yields_without_blocking(void **state)
{
	(void)state;
	struct hal_exit e = sync_exit(ESR_EC_WFX, 1);
	assert_false(trap_handle(&vc, &e));
	assert_int_equal(blocks, 0);
	assert_int_equal(vc.ctx.pc, 0x40080008);
}

static void test_trap_msr_mrs_goes_to_sysreg_emulation(void **state)
{
	(void)state;
	struct hal_exit e = sync_exit(ESR_EC_SYSREG, 0x3a1a3); /* an MRS of CNTP_CTL_EL0 */
	assert_true(trap_handle(&vc, &e));
	assert_int_equal(sysregs, 1);
	assert_int_equal(last_sysreg_esr, e.esr);
}

static void test_trap_stage2_data_abort_in_an_mmio_region_is_emulated(void **state)
{
	(void)state;
	assert_int_equal(mmio_register(&dom, ipa_init(0x50000000), 0x1000, device, NULL), 0);
	struct hal_exit e = { HAL_EXIT_SYNC, 0x93c08005, 0x50000000, 0x500000 };
	assert_true(trap_handle(&vc, &e));
	assert_int_equal(mmio_reads, 1);
	assert_int_equal(vc.ctx.x[0], 0x42);
	assert_int_equal(vc.ctx.pc, 0x40080008);
}

static void test_trap_unknown_classes_inject_undef_never_panic(void **state)
{
	(void)state;
	for (unsigned ec = 0; ec < 64; ec++) {
		if (ec == ESR_EC_HVC64 || ec == ESR_EC_SMC64 || ec == ESR_EC_DABT_LOW || ec == ESR_EC_IABT_LOW ||
		    ec == ESR_EC_WFX || ec == ESR_EC_SYSREG)
			continue;
		setup(NULL);
		struct hal_exit e = sync_exit(ec, 0x1234);
		trap_handle(&vc, &e);
		assert_int_equal(vc.ctx.pc, 0x40100200);
		assert_int_equal(vc.ctx.el1.esr, ESR_IL);
	}
}

static void test_trap_serror_crashes_the_domain(void **state)
{
	(void)state;
	struct hal_exit e = { HAL_EXIT_SERROR, 0xbe000000, 0, 0 };
	assert_false(trap_handle(&vc, &e));
	assert_int_equal(shutdowns, 1);
}

static void test_trap_irq_exit_takes_interrupts_and_goes_on_without_touching_guest(void **state)
{
	(void)state;
	struct hal_exit e = { HAL_EXIT_IRQ, 0, 0, 0 };
	assert_true(trap_handle(&vc, &e));
	assert_int_equal(irq_handled, 1);
	assert_int_equal(vc.ctx.pc, 0x40080004);
	assert_int_equal(shutdowns, 0);
}

static void test_trap_irq_exit_yields_once_the_slice_is_used(void **state)
{
	(void)state;
	slice_used = true;
	struct hal_exit e = { HAL_EXIT_IRQ, 0, 0, 0 };
	assert_false(trap_handle(&vc, &e));
	assert_int_equal(irq_handled, 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_trap_hvc_0xea1_dispatches_hypercall, setup),
		cmocka_unit_test_setup(test_trap_hvc_0_is_the_smccc_conduit, setup),
		cmocka_unit_test_setup(test_trap_smc_0_goes_to_vpsci_past_the_smc, setup),
		cmocka_unit_test_setup(test_trap_smc_nonzero_immediate_injects_undef_at_the_smc, setup),
		cmocka_unit_test_setup(test_trap_hvc_other_immediate_injects_undef, setup),
		cmocka_unit_test_setup(test_trap_stage2_data_abort_injects_dabt_with_far, setup),
		cmocka_unit_test_setup(test_trap_wfi_with_nothing_pending_blocks_the_vcpu, setup),
		cmocka_unit_test_setup(test_trap_wfi_with_an_interrupt_pending_completes_at_once, setup),
		cmocka_unit_test_setup(test_trap_wfe_yields_without_blocking, setup),
		cmocka_unit_test_setup(test_trap_msr_mrs_goes_to_sysreg_emulation, setup),
		cmocka_unit_test_setup(test_trap_stage2_data_abort_in_an_mmio_region_is_emulated, setup),
		cmocka_unit_test_setup(test_trap_unknown_classes_inject_undef_never_panic, setup),
		cmocka_unit_test_setup(test_trap_serror_crashes_the_domain, setup),
		cmocka_unit_test_setup(test_trap_irq_exit_takes_interrupts_and_goes_on_without_touching_guest, setup),
		cmocka_unit_test_setup(test_trap_irq_exit_yields_once_the_slice_is_used, setup),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
