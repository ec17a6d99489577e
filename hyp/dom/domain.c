#include "dom/domain.h"

#include "core/console.h"
#include "core/irq.h"
#include "hal/cpu.h"
#include "hal/timer.h"
#include "core/panic.h"
#include "dom/vcpu.h"
#include "evtchn/evtchn.h"
#include "gnttab/gnttab.h"
#include "iommu/iommu.h"
#include "mm/frame.h"
#include "mm/heap.h"
#include "public/errno.h"
#include "vgic/vgic.h"
#include "vtimer/vtimer.h"

static spinlock_t domains_lock = SPINLOCK_INIT;
static struct domain *domains[DOMAIN_MAX];
static unsigned gone_unclean;

static const char *const reason_names[] = { "poweroff", "reboot", "suspend", "crash", "watchdog", "soft_reset" };

int domain_create(domid_t id, const char *name, unsigned nr_vcpus, struct domain **out)
{
	if (id >= DOMAIN_MAX || nr_vcpus == 0 || nr_vcpus > DOMAIN_MAX_VCPUS)
		return -XEN_EINVAL;
	struct domain *d = heap_alloc(sizeof(*d));
	if (!d)
		return -XEN_ENOMEM;
	d->id = id;
	d->privileged = id == 0;
	d->max_pages = UINT64_MAX; /* boot domains: what dom_build gives them; the toolstack sets its own */
	for (unsigned i = 0; name && name[i] && i + 1 < DOMAIN_NAME_MAX; i++)
		d->name[i] = name[i];
	int rc = p2m_init(&d->p2m, id, (uint16_t)(id + 1));
	if (rc) {
		heap_free(d);
		return rc;
	}
	d->shared_gfn = SHARED_UNMAPPED;
	/* Its vCPUs' virtual count starts near 0 here, as Xen's CNTVOFF makes it. */
	d->cntvoff = hal_counter_now();
	/* The event-channel upcall, as Xen presets it for every arm domain (Xen's DomU layout: PPI 31). */
	d->hvm_param[HVM_PARAM_CALLBACK_IRQ] =
	    HVM_PARAM_CALLBACK_TYPE_PPI << 56 | HVM_PARAM_CALLBACK_TYPE_PPI_FLAG_LOW_LEVEL << 8 | DOMAIN_EVTCHN_PPI;
	rc = frame_alloc(id, 0, &d->shared_info);
	if (rc) {
		p2m_destroy(&d->p2m);
		heap_free(d);
		return rc;
	}
	rc = gnttab_domain_init(d);
	if (rc) {
		domain_destroy(d);
		return rc;
	}
	rc = evtchn_domain_init(d);
	if (rc) {
		domain_destroy(d);
		return rc;
	}
	for (unsigned i = 0; i < nr_vcpus; i++) {
		struct vcpu *v = heap_alloc(sizeof(*v));
		if (!v || hal_vcpu_init(&v->ctx)) {
			heap_free(v);
			domain_destroy(d);
			return -XEN_ENOMEM;
		}
		v->dom = d;
		d->vcpu[d->nr_vcpus++] = v;
		if (vtimer_vcpu_init(v)) {
			domain_destroy(d);
			return -XEN_ENOMEM;
		}
		v->id = i;
		/* Its identity from the start: PSCI finds a vCPU that never ran by this MPIDR. */
		v->ctx.vmpidr = (1ull << 31) | i;
		/* Legacy slots: only vCPU 0 has one in shared_info on arm; the others must register. */
		v->vcpu_info = i < XEN_LEGACY_MAX_VCPUS ? d->shared_info : pa_init(0);
		v->runstate.state = RUNSTATE_offline;
	}
	spin_lock(&domains_lock);
	if (domains[id]) {
		spin_unlock(&domains_lock);
		domain_destroy(d);
		return -XEN_EEXIST;
	}
	domains[id] = d;
	spin_unlock(&domains_lock);
	*out = d;
	return 0;
}

struct domain *domain_by_id(domid_t id)
{
	return id < DOMAIN_MAX ? __atomic_load_n(&domains[id], __ATOMIC_ACQUIRE) : NULL;
}

/* Under domains_lock: a domain whose teardown is decided is no longer handed out. */
static struct domain *get_locked(unsigned id)
{
	struct domain *d = domains[id];
	if (!d || d->reaped)
		return NULL;
	d->refs++;
	return d;
}

struct domain *domain_get(domid_t id)
{
	struct domain *d = NULL;

	if (id >= DOMAIN_MAX)
		return NULL;
	spin_lock(&domains_lock);
	d = get_locked(id);
	spin_unlock(&domains_lock);
	return d;
}

struct domain *domain_get_next(domid_t id)
{
	struct domain *d = NULL;

	spin_lock(&domains_lock);
	for (unsigned i = id; !d && i < DOMAIN_MAX; i++)
		d = get_locked(i);
	spin_unlock(&domains_lock);
	return d;
}

void domain_put(struct domain *d)
{
	spin_lock(&domains_lock);
	bool last = --d->refs == 0 && d->reap_pending;
	spin_unlock(&domains_lock);
	if (last)
		domain_destroy(d);
}

/* Tells the control domain a domain shut down or went (VIRQ_DOM_EXC: xenstored's @releaseDomain). */
static void dom_exc(void) { evtchn_send_virq_global(VIRQ_DOM_EXC); }

/* Under domains_lock: exactly one path (the last vCPU's retirement, a kill, a shutdown of an idle
 * domain) tears a domain down. */
static bool claim_reap(struct domain *d)
{
	bool first = !d->reaped;
	d->reaped = true;
	return first;
}

/* Teardown once its claimer decided it: now, or by the last domain_get holder. */
static void reap(struct domain *d)
{
	spin_lock(&domains_lock);
	bool later = d->refs != 0;
	d->reap_pending = later;
	spin_unlock(&domains_lock);
	if (!later)
		domain_destroy(d);
}

/* The domain is shutting down and no vCPU of it can run any more. One the toolstack created
 * stays, shut down, for the toolstack to destroy, as long as there is a control domain to do it. */
static void gone(struct domain *d)
{
	spin_lock(&domains_lock);
	/* A dying domain is its destroyer's to reap (destroydomain asks until it is done). */
	bool keep = (d->toolstack || d->dying) && domains[0] && !domains[0]->reaped;
	bool take = !keep && claim_reap(d);
	spin_unlock(&domains_lock);
	if (!d->dying && d->shutdown_reason != SHUTDOWN_poweroff)
		__atomic_add_fetch(&gone_unclean, 1, __ATOMIC_ACQ_REL);
	if (take)
		reap(d);
}

bool domain_kill(struct domain *d)
{
	spin_lock(&domains_lock);
	bool first = !d->dying;
	d->dying = true;
	bool running = d->state == DOMAIN_RUNNING;
	d->state = DOMAIN_SHUTDOWN;
	bool take = d->vcpus_live == 0 && claim_reap(d);
	bool done = d->reaped;
	spin_unlock(&domains_lock);
	if (take)
		reap(d);
	/* Its live vCPUs retire as their pCPUs next look at them. */
	for (unsigned i = 0; first && running && !done && i < d->nr_vcpus; i++)
		vcpu_kick(d->vcpu[i]);
	return done;
}

void domain_shutdown(struct domain *d, unsigned reason)
{
	spin_lock(&domains_lock);
	bool first = d->state == DOMAIN_RUNNING;
	if (first) {
		d->state = DOMAIN_SHUTDOWN;
		d->shutdown_reason = reason;
	}
	bool idle = first && d->vcpus_live == 0;
	spin_unlock(&domains_lock);
	if (first) {
		con_printf("Domain d%u (%s): shut down (%s)\n", d->id, d->name,
			   reason < sizeof(reason_names) / sizeof(reason_names[0]) ? reason_names[reason] : "unknown");
		dom_exc();
	}
	if (idle) {
		gone(d);
		return;
	}
	/* Sleeping vCPUs are on no queue: woken, they are met and retired; running ones exit now. */
	for (unsigned i = 0; first && i < d->nr_vcpus; i++)
		vcpu_kick(d->vcpu[i]);
}

void domain_pause(struct domain *d)
{
	__atomic_add_fetch(&d->pause_count, 1, __ATOMIC_ACQ_REL);
	/* Its running vCPUs stop at their next exit: a kick makes that now rather than at the next
	 * tick. One sleeping in WFI is on no pCPU; waking it is not the pause's business. */
	for (unsigned i = 0; i < d->nr_vcpus; i++)
		if (d->vcpu[i]->pcpu != hal_cpu_id())
			hal_cpu_kick(d->vcpu[i]->pcpu);
}

int domain_unpause(struct domain *d)
{
	unsigned n = __atomic_load_n(&d->pause_count, __ATOMIC_ACQUIRE);

	do {
		if (n == 0)
			return -XEN_EINVAL;
	} while (!__atomic_compare_exchange_n(&d->pause_count, &n, n - 1, false, __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE));
	if (n != 1)
		return 0;
	/* vCPUs the toolstack gave a context start now, each on a pCPU of its own where there is one. */
	unsigned start = __atomic_exchange_n(&d->start_mask, 0, __ATOMIC_ACQ_REL);
	for (unsigned i = 0; i < d->nr_vcpus; i++)
		if (start >> i & 1 && domain_vcpu_claim(d->vcpu[i]))
			vcpu_start(d->vcpu[i], d->id + i);
	/* Its vCPUs wait on whichever pCPUs' queues: let every one look again. */
	for (unsigned i = 0; i < d->nr_vcpus; i++)
		if (d->vcpu[i]->pcpu != hal_cpu_id())
			hal_cpu_kick(d->vcpu[i]->pcpu);
	return 0;
}

bool domain_vcpu_claim(struct vcpu *v)
{
	enum vcpu_state offline = VCPU_OFFLINE;
	bool ok = false;

	spin_lock(&domains_lock);
	if (v->dom->state == DOMAIN_RUNNING)
		ok = __atomic_compare_exchange_n(&v->state, &offline, VCPU_RUNNABLE, false, __ATOMIC_ACQ_REL,
						 __ATOMIC_ACQUIRE);
	if (ok)
		v->dom->vcpus_live++;
	spin_unlock(&domains_lock);
	return ok;
}

void domain_vcpu_stop(struct vcpu *v) { __atomic_store_n(&v->state, VCPU_STOPPING, __ATOMIC_RELEASE); }

void domain_vcpu_retire(struct vcpu *v)
{
	struct domain *d = v->dom;

	spin_lock(&domains_lock);
	__atomic_store_n(&v->state, VCPU_OFFLINE, __ATOMIC_RELEASE);
	bool last = --d->vcpus_live == 0 && d->state == DOMAIN_SHUTDOWN;
	spin_unlock(&domains_lock);
	if (last)
		gone(d);
}

/* What each vCPU ran, from its runstate accounting: the scheduler's result, as the domain leaves. */
static void print_run_times(const struct domain *d)
{
	char line[DOMAIN_CONSOLE_MAX];
	int n = fmt_snprintf(line, sizeof(line), "Domain d%u (%s): ran", d->id, d->name);

	for (unsigned i = 0; i < d->nr_vcpus && n > 0 && (size_t)n < sizeof(line); i++) {
		uint64_t us = d->vcpu[i]->runstate.time[RUNSTATE_running] / 1000;
		n += fmt_snprintf(line + n, sizeof(line) - (size_t)n, " v%u %llu.%03llu ms", i,
				  (unsigned long long)(us / 1000), (unsigned long long)(us % 1000));
	}
	con_printf("%s\n", line);
}

void domain_destroy(struct domain *d)
{
	if (d->vcpus_ran)
		print_run_times(d);
	/* Its devices' DMA stops before any of its memory or mappings go. */
	iommu_domain_detach(d);
	/* Ports first: once they are closed no peer can deliver into what is freed next. */
	evtchn_domain_destroy(d);
	irq_release(d);
	/* Timers first: none of their callbacks may inject into what is freed next. */
	for (unsigned i = 0; i < d->nr_vcpus; i++)
		vtimer_vcpu_destroy(d->vcpu[i]);
	if (d->vgic)
		vgic_domain_destroy(d);
	for (unsigned i = 0; i < d->nr_vcpus; i++) {
		if (d->vcpu[i]->vcpu_info_registered)
			frame_put(d->vcpu[i]->vcpu_info);
		hal_vcpu_destroy(&d->vcpu[i]->ctx);
		heap_free(d->vcpu[i]);
	}
	gnttab_domain_destroy(d);
	p2m_destroy(&d->p2m);
	uint64_t frames = frame_release_all(d->id);
	con_printf("Domain d%u (%s): destroyed, %llu frames returned\n", d->id, d->name, (unsigned long long)frames);
	/* Unlisted last: whoever waits for every domain to be gone must also wait for this teardown. */
	spin_lock(&domains_lock);
	if (domains[d->id] == d)
		domains[d->id] = NULL;
	spin_unlock(&domains_lock);
	bool control = d->privileged;
	bool listed = d->reaped;
	heap_free(d);
	if (listed)
		dom_exc();
	/* With the control domain gone no one will destroy the domains it left shut down. */
	for (unsigned i = 1; control && i < DOMAIN_MAX; i++) {
		struct domain *z = domain_get((domid_t)i);
		if (z && z->toolstack && z->state == DOMAIN_SHUTDOWN)
			domain_kill(z);
		if (z)
			domain_put(z);
	}
}

uint64_t domain_tot_pages(const struct domain *d)
{
	uint64_t n = frame_count(d->id);
	return n ? n - 1 : 0;
}

bool domain_may_grow(const struct domain *d, uint64_t pages)
{
	uint64_t tot = domain_tot_pages(d);
	return tot <= d->max_pages && pages <= d->max_pages - tot;
}

unsigned domain_live_count(void)
{
	unsigned n = 0;

	spin_lock(&domains_lock);
	for (unsigned i = 0; i < DOMAIN_MAX; i++)
		n += domains[i] != NULL;
	spin_unlock(&domains_lock);
	return n;
}

unsigned domain_gone_unclean(void) { return __atomic_load_n(&gone_unclean, __ATOMIC_ACQUIRE); }
