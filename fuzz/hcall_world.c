/* The hypercall harness's machine: host RAM under the real frame allocator, heap and p2m, and three
 * domains (Dom0, two DomUs) built with the core's own mm, grant-table and event-channel calls and
 * torn down in domain_destroy's order after every input; what the core needs of the HAL and of
 * the modules left out (scheduler, vGIC, domain list) is here. */
#include "hcall_world.h"

#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "evtchn/evtchn.h"
#include "gnttab/gnttab.h"
#include "hal/console.h"
#include "hal/cpu.h"
#include "hal/exit.h"
#include "hal/mmu.h"
#include "hal/s2.h"
#include "hal/vcpu.h"
#include "hcall/hcall.h"
#include "mm/frame.h"
#include "mm/heap.h"
#include "vgic/vgic.h"
#include "world_check.h"

/* The fake HAL and the rest are the harness's: the engines trace the core only. */
WORLD_UNTRACED_BEGIN

struct world_dom world[WORLD_DOMS];
unsigned world_injects, world_kicks, world_shutdowns, world_pauses;
static uint8_t *ram;

/* The HAL: one RAM bank, no caches or TLBs to maintain, a guest whose MMU is off (VA == IPA). */
void *hal_pa_to_va(paddr_t pa)
{
	uint64_t off = pa_addr(pa) - WORLD_RAM_BASE;
	return off < WORLD_RAM_SIZE ? ram + off : NULL;
}

paddr_t hal_va_to_pa(const void *va) { return pa_init(WORLD_RAM_BASE + (uint64_t)((const uint8_t *)va - ram)); }

void hal_dcache_clean(const void *va, size_t len)
{
	(void)va;
	(void)len;
}

unsigned hal_mem_reserved(struct plat_region *out, unsigned max)
{
	(void)out;
	(void)max;
	return 0;
}

void hal_s2_geometry(struct hal_s2_geometry *g) { *g = (struct hal_s2_geometry){ 40, 40, 1, 2, 0 }; }
void hal_s2_publish(void) {}
void hal_s2_flush_ipa(uint16_t vmid, ipa_t ipa)
{
	(void)vmid;
	(void)ipa;
}
void hal_s2_flush_vmid(uint16_t vmid) { (void)vmid; }

bool hal_vcpu_va_to_ipa(struct hal_vcpu_ctx *ctx, uint64_t va, bool write, ipa_t *ipa)
{
	(void)ctx;
	(void)write;
	*ipa = ipa_init(va);
	return true;
}

unsigned hal_cpu_id(void) { return 0; }
/* One thread: spinning can only be on a lock this thread already holds. */
void hal_cpu_relax(void) { abort(); }
void hal_console_write(const char *s, size_t len)
{
	(void)s;
	(void)len;
}
HAL_NORETURN void hal_panic_stop(int status)
{
	(void)status;
	abort();
}

/* The rest of the core, as far as these hypercalls reach it. */
struct domain *domain_by_id(domid_t id)
{
	for (unsigned i = 0; i < WORLD_DOMS; i++)
		if (world[i].d.id == id)
			return &world[i].d;
	return NULL;
}

void domain_shutdown(struct domain *d, unsigned reason)
{
	(void)reason;
	if (d->state == DOMAIN_RUNNING)
		d->state = DOMAIN_SHUTDOWN;
	world_shutdowns++;
}

void domain_pause(struct domain *d)
{
	d->pause_count++;
	world_pauses++;
}

int domain_unpause(struct domain *d)
{
	if (!d->pause_count)
		return -XEN_EINVAL;
	d->pause_count--;
	return 0;
}

/* domctl needs the whole domain life cycle; it is tested over the real one in tests/hcall/domctl_test. */
long hcall_domctl(struct vcpu *v, const uint64_t *a, bool *yield)
{
	(void)v;
	(void)a;
	(void)yield;
	return -XEN_ENOSYS;
}

/* What memory_op and sysctl ask of the domain life cycle, the scheduler and the timer. The world's
 * domains never go, so a reference is the domain itself; each may populate a few pages. */
struct domain *domain_get(domid_t id) { return domain_by_id(id); }
void domain_put(struct domain *d) { (void)d; }
bool domain_may_grow(const struct domain *d, uint64_t pages) { return frame_count(d->id) + pages <= 64; }
unsigned sched_pcpus(void) { return 2; }
uint64_t hal_counter_freq(void) { return 62500000; }

long runstate_register(struct vcpu *caller, struct vcpu *v, uint64_t gva)
{
	(void)caller;
	v->runstate_gva = gva;
	return 0;
}

int vgic_inject(struct domain *d, struct vcpu *v, uint32_t intid)
{
	(void)d;
	(void)v;
	(void)intid;
	world_injects++;
	return 0;
}

void vcpu_kick(struct vcpu *v)
{
	(void)v;
	world_kicks++;
}

void world_init(void)
{
	struct platform plat = { 0 };

	ram = mmap(NULL, WORLD_RAM_SIZE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (ram == MAP_FAILED)
		abort();
	plat.mem[plat.mem_count++] = (struct plat_region){ pa_init(WORLD_RAM_BASE), WORLD_RAM_SIZE };
	if (frame_init(&plat, NULL, 0))
		abort();
}

static void dom_make(struct world_dom *w, domid_t id)
{
	struct domain *d = &w->d;

	memset(w, 0, sizeof(*w));
	d->id = id;
	d->privileged = id == 0;
	d->state = DOMAIN_RUNNING;
	d->shared_gfn = SHARED_UNMAPPED;
	if (p2m_init(&d->p2m, id, (uint16_t)(id + 1)) || frame_alloc(id, 0, &d->shared_info))
		abort();
	memset(hal_pa_to_va(d->shared_info), 0, PAGE_SIZE);
	for (unsigned i = 0; i < WORLD_PAGES; i++) {
		if (frame_alloc(id, 0, &w->ram[i]) ||
		    p2m_map(&d->p2m, ipa_init((WORLD_RAM_GFN + i) << 12), w->ram[i], PAGE_SIZE, P2M_RAM_RW))
			abort();
		memset(hal_pa_to_va(w->ram[i]), 0, PAGE_SIZE);
	}
	for (unsigned i = 0; i < WORLD_VCPUS; i++) {
		w->v[i].dom = d;
		w->v[i].id = i;
		d->vcpu[i] = &w->v[i];
	}
	d->nr_vcpus = WORLD_VCPUS;
	if (gnttab_domain_init(d) || evtchn_domain_init(d) || gnttab_map_frame(d, 0, WORLD_TABLE_GFN))
		abort();
}

void world_build(void)
{
	static const domid_t ids[WORLD_DOMS] = { 0, 1, 2 };
	for (unsigned i = 0; i < WORLD_DOMS; i++)
		dom_make(&world[i], ids[i]);
	world_injects = world_kicks = world_shutdowns = world_pauses = 0;
}

/* One domain after another, each in domain_destroy's order: ports, vcpu_info references, grants,
 * stage 2, frames (a frame another domain still maps outlives its owner until that mapping goes). */
void world_destroy(void)
{
	for (unsigned i = 0; i < WORLD_DOMS; i++) {
		struct domain *d = &world[i].d;
		evtchn_domain_destroy(d);
		for (unsigned j = 0; j < d->nr_vcpus; j++)
			if (d->vcpu[j]->vcpu_info_registered)
				frame_put(d->vcpu[j]->vcpu_info);
		gnttab_domain_destroy(d);
		p2m_destroy(&d->p2m);
		frame_release_all(d->id);
		d->id = DOMID_INVALID_WORLD;
	}
}

void *world_guest_page(struct world_dom *w, uint64_t ipa)
{
	paddr_t pa;
	if (world_p2m_lookup(&w->d.p2m, ipa & ~(uint64_t)(PAGE_SIZE - 1), &pa) != P2M_RAM_RW)
		return NULL;
	return hal_pa_to_va(pa);
}

long world_hypercall(struct world_dom *w, unsigned vcpu, uint64_t op, const uint64_t x[5])
{
	struct vcpu *v = &w->v[vcpu % WORLD_VCPUS];

	memset(&v->ctx, 0, sizeof(v->ctx));
	memcpy(v->ctx.x, x, 5 * sizeof(x[0]));
	v->ctx.x[16] = op;
	v->ctx.pc = WORLD_HVC_PC + 4;
	for (unsigned n = 0; n < 64; n++) {
		hcall_dispatch(v);
		if (v->ctx.pc != WORLD_HVC_PC)
			break;
		v->ctx.pc = WORLD_HVC_PC + 4;
		if (v->ctx.x[16] != op)
			abort(); /* a continuation is the same call */
	}
	return (long)v->ctx.x[0];
}

WORLD_UNTRACED_END
