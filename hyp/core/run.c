#include "core/run.h"

#include "core/irq.h"
#include "core/swtimer.h"
#include "dom/domain.h"
#include "dom/runstate.h"
#include "hal/cpu.h"
#include "hal/exit.h"
#include "hal/timer.h"
#include "hal/vcpu.h"
#include "sched/sched.h"
#include "traps/trap.h"
#include "vgic/vgic.h"
#include "vtimer/vtimer.h"

static bool poweroff_when_idle;

void run_set_poweroff_when_idle(bool on) { poweroff_when_idle = on; }

static void maybe_power_off(void)
{
	if (poweroff_when_idle && domain_live_count() == 0)
		hal_exit(domain_gone_unclean() ? 1 : 0);
}

static uint64_t slice_ticks(void)
{
	uint64_t f = hal_counter_freq();
	return sched_slice_ns / 1000000000ull * f + sched_slice_ns % 1000000000ull * f / 1000000000ull;
}

/* The slice timer's interrupt is the point: it makes the vCPU exit, and the exit looks at the slice.
 * While the vCPU keeps its pCPU the timer ticks on, so a vCPU queued later is not waited for long. */
static void slice_tick(void *data) { swtimer_set(data, hal_counter_now() + slice_ticks()); }

HAL_NORETURN void run_cpu(unsigned cpu)
{
	struct swtimer slice;

	swtimer_init(&slice, slice_tick, &slice);
	irq_cpu_init();
	for (;;) {
		struct vcpu *v = sched_pick(cpu);
		if (!v) {
			swtimer_cancel(&slice);
			maybe_power_off();
			hal_cpu_idle();
			irq_handle(NULL);
			continue;
		}
		struct hal_exit exit;
		runstate_set(v, RUNSTATE_running);
		v->dom->vcpus_ran = true;
		vtimer_restore(v);
		/* Under the 1:1 policy nothing ever waits for a pCPU: no tick. */
		if (sched_kind() == SCHED_CREDIT)
			swtimer_set(&slice, hal_counter_now() + slice_ticks());
		/* The null hypercall's path: vgic_flush finds nothing listed, no LR to read back. */
		do {
			vgic_flush(v);
			hal_vcpu_enter(&v->ctx, &exit);
			if (v->ctx.vgic.nr_lr)
				vgic_sync(v);
		} while (trap_handle(v, &exit) && v->dom->state == DOMAIN_RUNNING && !domain_paused(v->dom));
		/* Before sched_put: once queued another pCPU may pick it and take its timer back. */
		hal_vcpu_put(&v->ctx);
		vtimer_save(v);
		runstate_set(v, sched_blocked(v)            ? RUNSTATE_blocked
				: v->state == VCPU_RUNNABLE ? RUNSTATE_runnable
							    : RUNSTATE_offline);
		sched_put(v);
	}
}
