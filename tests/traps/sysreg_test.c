/* sysreg_trap: MSR/MRS syndromes (EC 0x18) crafted field by field, decoded to the vGIC's SGI
 * register and the emulated physical timer; the rest undefined for the guest. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "dom/vcpu.h"
#include "traps/esr.h"
#include "traps/sysreg.h"
#include "vgic/vgic.h"
#include "vtimer/vtimer.h"

#define PC   0x40080000ull
#define VBAR 0x40100000ull

static struct domain dom;
static struct vcpu vc;
static unsigned sgi_writes, timer_writes, timer_reads;
static uint64_t sgi_val, timer_val;
static enum vtimer_reg last_reg;

void domain_shutdown(struct domain *d, unsigned reason)
{
	(void)d;
	(void)reason;
	fail_msg("a register access never crashes the domain");
}
void vgic_sgi1r_write(struct vcpu *v, uint64_t val)
{
	assert_ptr_equal(v, &vc);
	sgi_writes++;
	sgi_val = val;
}
void vtimer_phys_write(struct vcpu *v, enum vtimer_reg r, uint64_t val)
{
	assert_ptr_equal(v, &vc);
	timer_writes++;
	last_reg = r;
	timer_val = val;
}
uint64_t vtimer_phys_read(struct vcpu *v, enum vtimer_reg r)
{
	assert_ptr_equal(v, &vc);
	timer_reads++;
	last_reg = r;
	return 0xabc0u + r;
}

static int setup(void **state)
{
	(void)state;
	memset(&vc, 0, sizeof(vc));
	vc.dom = &dom;
	vc.ctx.pc = PC;
	vc.ctx.pstate = 0x3c5;
	vc.ctx.el1.vbar = VBAR;
	sgi_writes = timer_writes = timer_reads = 0;
	return 0;
}

/* The syndrome of MSR/MRS <op0, op1, CRn, CRm, op2>, Xt. */
static uint64_t msr(unsigned op0, unsigned op1, unsigned crn, unsigned crm, unsigned op2, unsigned rt, bool read)
{
	return (uint64_t)ESR_EC_SYSREG << ESR_EC_SHIFT | ESR_IL | op0 << 20 | op2 << 17 | op1 << 14 | crn << 10 |
	       rt << 5 | crm << 1 | (read ? 1 : 0);
}

static void assert_undef(void)
{
	assert_int_equal(esr_ec(vc.ctx.el1.esr), ESR_EC_UNKNOWN);
	assert_int_equal(vc.ctx.el1.elr, PC);
	assert_int_equal(vc.ctx.pc, VBAR + 0x200);
}

static void test_sysreg_sgi1r_write_goes_to_the_vgic_with_xt(void **state)
{
	(void)state;
	vc.ctx.x[9] = 0x0100000000010002ull;
	sysreg_trap(&vc, msr(3, 0, 12, 11, 5, 9, false));
	assert_int_equal(sgi_writes, 1);
	assert_int_equal(sgi_val, 0x0100000000010002ull);
	assert_int_equal(vc.ctx.pc, PC + 4);
}

static void test_sysreg_sgi1r_write_of_xzr_is_zero(void **state)
{
	(void)state;
	vc.ctx.x[30] = ~0ull;
	sysreg_trap(&vc, msr(3, 0, 12, 11, 5, 31, false));
	assert_int_equal(sgi_val, 0);
}

static void test_sysreg_sgi1r_read_is_undefined(void **state)
{
	(void)state;
	sysreg_trap(&vc, msr(3, 0, 12, 11, 5, 0, true));
	assert_int_equal(sgi_writes, 0);
	assert_undef();
}

static void test_sysreg_cntp_registers_reach_the_emulated_timer(void **state)
{
	(void)state;
	static const struct {
		unsigned op2;
		enum vtimer_reg reg;
	} regs[] = { { 0, VTIMER_CNTP_TVAL }, { 1, VTIMER_CNTP_CTL }, { 2, VTIMER_CNTP_CVAL } };
	for (unsigned i = 0; i < 3; i++) {
		setup(NULL);
		vc.ctx.x[2] = 0x5000 + i;
		sysreg_trap(&vc, msr(3, 3, 14, 2, regs[i].op2, 2, false));
		assert_int_equal(timer_writes, 1);
		assert_int_equal(last_reg, regs[i].reg);
		assert_int_equal(timer_val, 0x5000 + i);
		assert_int_equal(vc.ctx.pc, PC + 4);
		sysreg_trap(&vc, msr(3, 3, 14, 2, regs[i].op2, 4, true));
		assert_int_equal(timer_reads, 1);
		assert_int_equal(vc.ctx.x[4], 0xabc0u + regs[i].reg);
		assert_int_equal(vc.ctx.pc, PC + 8);
	}
}

static void test_sysreg_cntp_read_into_xzr_is_discarded(void **state)
{
	(void)state;
	vc.ctx.x[30] = 0x30;
	sysreg_trap(&vc, msr(3, 3, 14, 2, 1, 31, true));
	assert_int_equal(vc.ctx.x[30], 0x30);
	assert_int_equal(vc.ctx.pc, PC + 4);
}

static void test_sysreg_neighbouring_encodings_are_undefined(void **state)
{
	(void)state;
	/* CNTV_CTL (not trapped, so not ours), CNTPCT, ICC_SGI0R, ICC_ASGI1R, a different op1. */
	const uint64_t others[] = { msr(3, 3, 14, 3, 1, 0, false),  msr(3, 3, 14, 0, 1, 0, true),
				    msr(3, 0, 12, 11, 7, 0, false), msr(3, 0, 12, 11, 6, 0, false),
				    msr(3, 1, 12, 11, 5, 0, false), msr(2, 3, 14, 2, 1, 0, false) };
	for (unsigned i = 0; i < sizeof(others) / sizeof(others[0]); i++) {
		setup(NULL);
		sysreg_trap(&vc, others[i]);
		assert_int_equal(sgi_writes + timer_writes + timer_reads, 0);
		assert_undef();
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_sysreg_sgi1r_write_goes_to_the_vgic_with_xt, setup),
		cmocka_unit_test_setup(test_sysreg_sgi1r_write_of_xzr_is_zero, setup),
		cmocka_unit_test_setup(test_sysreg_sgi1r_read_is_undefined, setup),
		cmocka_unit_test_setup(test_sysreg_cntp_registers_reach_the_emulated_timer, setup),
		cmocka_unit_test_setup(test_sysreg_cntp_read_into_xzr_is_discarded, setup),
		cmocka_unit_test_setup(test_sysreg_neighbouring_encodings_are_undefined, setup),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
