#include "core/run.h"

#include "dom/domain.h"
#include "dom/runstate.h"
#include "hal/cpu.h"
#include "hal/exit.h"
#include "hal/vcpu.h"
#include "sched/sched.h"
#include "traps/trap.h"

static bool poweroff_when_idle;

void run_set_poweroff_when_idle(bool on) { poweroff_when_idle = on; }

static void maybe_power_off(void)
{
	if (poweroff_when_idle && domain_live_count() == 0)
		hal_exit(domain_gone_unclean() ? 1 : 0);
}

HAL_NORETURN void run_cpu(unsigned cpu)
{
	for (;;) {
		struct vcpu *v = sched_pick(cpu);
		if (!v) {
			maybe_power_off();
			hal_cpu_idle();
			continue;
		}
		struct hal_exit exit;
		unsigned exits = 0;
		runstate_set(v, RUNSTATE_running);
		v->dom->vcpus_ran = true;
		/* The slice is only looked at every 64th exit: the clock read stays off the hypercall path,
		 * and without a timer interrupt exits are the only preemption points anyway. */
		do {
			hal_vcpu_enter(&v->ctx, &exit);
		} while (trap_handle(v, &exit) && v->dom->state == DOMAIN_RUNNING && !domain_paused(v->dom) &&
			 ((++exits & 63) || !sched_should_preempt(v, cpu)));
		runstate_set(v, v->state == VCPU_RUNNABLE ? RUNSTATE_runnable : RUNSTATE_offline);
		sched_put(v);
	}
}
