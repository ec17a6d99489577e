/* The guest's own exceptions: IRQs go to the handler a test set, data aborts a test asked to catch
 * are recorded and skipped, anything else is reported on the console and ends the guest. Also the
 * stack protector's hooks. */
#include "lib/guest.h"
#include "public/xen.h"

#define ESR_EC(esr)       (((esr) >> 26) & 0x3f)
#define EC_DABT_CUR       0x25
#define SLOT_CUR_SPX_SYNC 4
#define SLOT_CUR_SPX_IRQ  5

extern void (*gl_irq_handler)(void); /* irq.c */

#define sysreg_read(reg)                                                                                               \
	({                                                                                                             \
		uint64_t v_;                                                                                           \
		__asm__ volatile("mrs %0, " #reg : "=r"(v_));                                                          \
		v_;                                                                                                    \
	})

static struct gl_abort *catcher;

void gl_catch_aborts(struct gl_abort *a) { __atomic_store_n(&catcher, a, __ATOMIC_RELAXED); }

/* Called by vectors.S with the vector slot: group (EL1t, EL1h, EL0 64, EL0 32) * 4 + kind. */
void gl_exception(unsigned slot);

void gl_exception(unsigned slot)
{
	static const char *const group[] = { "EL1t", "EL1h", "EL0 AArch64", "EL0 AArch32" };
	static const char *const kind[] = { "sync", "IRQ", "FIQ", "SError" };
	uint64_t esr = sysreg_read(esr_el1), far = sysreg_read(far_el1), elr = sysreg_read(elr_el1);
	struct gl_abort *c = __atomic_load_n(&catcher, __ATOMIC_RELAXED);
	void (*irq)(void) = __atomic_load_n(&gl_irq_handler, __ATOMIC_ACQUIRE);

	/* The vector saved what C clobbers and IRQs stay masked while it runs: the handler may return. */
	if (slot == SLOT_CUR_SPX_IRQ && irq) {
		irq();
		return;
	}

	if (slot == SLOT_CUR_SPX_SYNC && ESR_EC(esr) == EC_DABT_CUR && c) {
		if (!c->taken)
			*c = (struct gl_abort){ .taken = true, .esr = esr, .far = far };
		/* Skip the access: gl_read* left 0 in its destination register. */
		__asm__ volatile("msr elr_el1, %0" : : "r"(elr + 4));
		return;
	}
	gl_printf("guest: unexpected %s exception from %s: ESR_EL1 %#llx, FAR_EL1 %#llx, ELR_EL1 %#llx\n",
		  kind[slot & 3], group[(slot >> 2) & 3], (unsigned long long)esr, (unsigned long long)far,
		  (unsigned long long)elr);
	gl_shutdown(SHUTDOWN_crash);
}

/* Debian's libfdt.a is built with -fstack-protector-strong. */
uintptr_t __stack_chk_guard = 0x5e1f3b9ac2d47700UL;

__attribute__((noreturn)) void __stack_chk_fail(void);

__attribute__((noreturn)) void __stack_chk_fail(void)
{
	gl_printf("guest: stack protector: stack smashed\n");
	gl_shutdown(SHUTDOWN_crash);
}
