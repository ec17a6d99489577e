/* EVTCHNOP_send through event_channel_op as a guest issues it, on a masked port and on an
 * unmasked one whose upcall goes through the real vGIC (vgic_inject queueing PPI 31 on the vCPU).
 * hyp/evtchn and hyp/vgic are compiled from their own sources at -O2 over a HAL that does nothing;
 * the guest's argument struct is host memory, so the guest-copy path is not in the figure. Between
 * sends the "guest" consumes the event outside the measured function, as its handler would.
 * Prints figures; never passes or fails. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "evtchn/evtchn.h"
#include "hcall/hcall.h"
#include "mm/guest_copy.h"
#include "mm/heap.h"
#include "traps/mmio.h"
#include "vgic/vgic_int.h"

/* ---- what the two modules need around them ---- */
void *heap_alloc(size_t size) { return calloc(1, size); }
void heap_free(void *p) { free(p); }
void hal_cpu_relax(void) {}
void *hal_pa_to_va(paddr_t pa) { return (void *)(uintptr_t)pa_addr(pa); }
unsigned hal_vgic_lrs(void) { return 4; }
unsigned hal_vgic_prio_bits(void) { return 5; }
void hal_irq_deactivate(uint32_t intid) { (void)intid; }
void vcpu_kick(struct vcpu *v) { (void)v; }
void domain_pause(struct domain *d) { (void)d; }
int domain_unpause(struct domain *d)
{
	(void)d;
	return 0;
}
int mmio_register(struct domain *d, ipa_t base, uint64_t size, mmio_fn fn, void *priv)
{
	(void)d, (void)base, (void)size, (void)fn, (void)priv;
	return 0;
}
int copy_from_guest(struct hal_vcpu_ctx *v, struct p2m *p2m, void *dst, uint64_t gva, size_t len)
{
	(void)v, (void)p2m;
	memcpy(dst, (const void *)(uintptr_t)gva, len);
	return 0;
}
int copy_to_guest(struct hal_vcpu_ctx *v, struct p2m *p2m, uint64_t gva, const void *src, size_t len)
{
	(void)v, (void)p2m;
	memcpy((void *)(uintptr_t)gva, src, len);
	return 0;
}

static struct domain dom;
static struct vcpu vcpu;
static struct shared_info *si;
struct domain *domain_by_id(domid_t id) { return id == dom.id ? &dom : NULL; }
struct domain *domain_get(domid_t id) { return domain_by_id(id); }
void domain_put(struct domain *d) { (void)d; }

static struct evtchn_send send_arg;
static const uint64_t send_args[5] = { EVTCHNOP_send, (uintptr_t)&send_arg };

/* The measured path: one hypercall's worth, dispatch included. */
__attribute__((noinline)) long bench_send(void)
{
	bool yield = false;
	return hcall_event_channel_op(&vcpu, send_args, &yield);
}

/* The guest's side between sends: its handler takes PPI 31 from the LR and clears the bits. */
static void guest_consumes(evtchn_port_t p)
{
	si->vcpu_info[0].evtchn_upcall_pending = 0;
	si->vcpu_info[0].evtchn_pending_sel = 0;
	si->evtchn_pending[p / 64] &= ~(1ull << (p % 64));
	struct hal_vgic_cpu *hw = &vcpu.ctx.vgic;
	vgic_flush(&vcpu);
	for (unsigned i = 0; i < hw->nr_lr; i++)
		hw->lr[i] &= ~HAL_LR_STATE_MASK; /* acknowledged and ended (EOImode 0) */
	vgic_sync(&vcpu);
}

static void setup(void)
{
	dom.id = 1;
	dom.nr_vcpus = 1;
	dom.vcpu[0] = &vcpu;
	vcpu.dom = &dom;
	si = aligned_alloc(4096, 4096);
	memset(si, 0, 4096);
	dom.shared_info = pa_init((uintptr_t)si);
	vcpu.vcpu_info = dom.shared_info;
	struct vgic_config cfg = {
		.version = 3, .nr_spis = 32, .dist = ipa_init(0x03001000), .redist = ipa_init(0x03020000)
	};
	if (vgic_domain_init(&dom, &cfg) || evtchn_domain_init(&dom)) {
		fprintf(stderr, "evtchn_bench: setup failed\n");
		exit(1);
	}
	vgic_vcpu_reset(&vcpu);
	/* The guest's GIC driver: group 1 on, PMR open, PPI 31 enabled at priority 0xa0. */
	dom.vgic->ctlr |= VGIC_CTLR_GRP1;
	vcpu.ctx.vgic.vmcr |= 3u | 0xf0u << 24;
	struct vgic_irq *irq = vgic_irq(&dom, &vcpu, DOMAIN_EVTCHN_PPI);
	irq->enabled = irq->group1 = true;
	irq->prio = 0xa0;
}

static double now(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
}

int main(int argc, char **argv)
{
	unsigned iters = 1000000;
	const char *mode = "both";
	for (int i = 1; i < argc; i++) {
		if (!strncmp(argv[i], "--iters=", 8))
			iters = (unsigned)strtoul(argv[i] + 8, NULL, 0);
		else if (!strncmp(argv[i], "--mode=", 7))
			mode = argv[i] + 7;
	}
	setup();
	struct evtchn_bind_ipi b = { .vcpu = 0 };
	if (evtchn_bind_ipi(&dom, &b)) {
		fprintf(stderr, "evtchn_bench: bind_ipi failed\n");
		return 1;
	}
	send_arg.port = b.port;
	unsigned injected = 0;
	if (strcmp(mode, "unmasked")) {
		si->evtchn_mask[b.port / 64] |= 1ull << (b.port % 64);
		double t0 = now();
		for (unsigned i = 0; i < iters; i++) {
			if (bench_send())
				return 1;
			si->evtchn_pending[b.port / 64] = 0;
		}
		double t = now() - t0;
		printf("send, masked port:    %8.1f ns per call (%u calls)\n", t / iters * 1e9, iters);
		si->evtchn_mask[b.port / 64] = 0;
	}
	if (strcmp(mode, "masked")) {
		double t = 0;
		for (unsigned i = 0; i < iters; i++) {
			double t0 = now();
			if (bench_send())
				return 1;
			t += now() - t0;
			injected += vgic_vcpu_pending(&vcpu);
			guest_consumes(b.port);
		}
		printf("send, unmasked port:  %8.1f ns per call with the upcall injected (%u of %u calls)\n",
		       t / iters * 1e9, injected, iters);
	}
	return 0;
}
