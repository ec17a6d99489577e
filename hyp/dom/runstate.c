#include "dom/runstate.h"

#include "hal/timer.h"
#include "mm/guest_copy.h"
#include "public/errno.h"

static uint64_t now_ns(void)
{
	uint64_t t = hal_counter_now(), f = hal_counter_freq();
	return t / f * 1000000000ull + t % f * 1000000000ull / f;
}

/* The update flag brackets the write so a guest reading concurrently can tell it is torn. Faults
 * are ignored: the area is the guest's to keep mapped, and its own accounting suffers, no one else's. */
static void publish(struct vcpu *v)
{
	struct vcpu_runstate_info *r = &v->runstate;
	uint64_t flagged = r->state_entry_time | XEN_RUNSTATE_UPDATE;
	uint64_t at = v->runstate_gva + __builtin_offsetof(struct vcpu_runstate_info, state_entry_time);

	if (copy_to_guest(&v->ctx, &v->dom->p2m, at, &flagged, sizeof(flagged)))
		return;
	copy_to_guest(&v->ctx, &v->dom->p2m, v->runstate_gva, r, sizeof(*r));
}

void runstate_set(struct vcpu *v, int state)
{
	struct vcpu_runstate_info *r = &v->runstate;
	uint64_t now = now_ns();

	if (r->state >= RUNSTATE_running && r->state <= RUNSTATE_offline && r->state_entry_time)
		r->time[r->state] += now - r->state_entry_time;
	r->state = state;
	r->state_entry_time = now;
	if (v->runstate_gva)
		publish(v);
}

long runstate_register(struct vcpu *caller, struct vcpu *v, uint64_t gva)
{
	/* Only a vCPU's own area can be written through its stage 1: registering another's is Xen's
	 * only for vCPUs that are down, and there its translation is not live either. */
	if (caller != v)
		return -XEN_EINVAL;
	if (gva & 7)
		return -XEN_EINVAL;
	/* Like Xen, the address is taken as given: an unmapped area only means updates are lost. */
	v->runstate_gva = gva;
	if (gva)
		publish(v);
	return 0;
}
