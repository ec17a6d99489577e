/* Domains and their vCPUs: identity, privilege, memory (a p2m), life cycle and teardown that
 * returns every frame and hypervisor allocation. */
#pragma once

#include "core/spinlock.h"
#include "hal/vcpu.h"
#include "mm/p2m.h"
#include "public/hvm.h"
#include "public/shared.h"
#include "sched/sched_vcpu.h"
#include "public/xen.h"

#define DOMAIN_MAX         16 /* live domains; VMID = domid + 1 keeps within 8-bit VMIDs */
#define DOMAIN_MAX_VCPUS   8
#define DOMAIN_NAME_MAX    32
#define DOMAIN_CONSOLE_MAX 240 /* a guest console line; with "(dN) " it fits con_printf's 256 bytes */
#define SHARED_UNMAPPED    UINT64_MAX
#define DOMAIN_EVTCHN_PPI  31 /* INTID of the event-channel upcall */
#define DOMAIN_MMIO_MAX    8  /* emulated MMIO regions */
#define DOMAIN_IOMEM_MAX   8  /* host frame ranges the toolstack let a domain have */

enum domain_state {
	DOMAIN_RUNNING,
	DOMAIN_SHUTDOWN, /* its vCPUs are being retired; destroyed when the last one is */
};

enum vcpu_state {
	VCPU_OFFLINE,  /* not started, or retired */
	VCPU_RUNNABLE, /* claimed, then on its pCPU's run queue or running */
	VCPU_STOPPING, /* asked to stop (CPU_OFF): retires when its pCPU next looks at it */
};

struct domain;
struct gnttab;
struct vgic_dist;
struct vgic_cpu;
struct vtimer;
struct evtchn_dom;

struct vcpu {
	struct hal_vcpu_ctx ctx;
	struct domain *dom;
	unsigned id;
	unsigned pcpu; /* the pCPU whose run queue holds it */
	enum vcpu_state state;
	struct vcpu *rq_next;
	struct sched_vcpu sched;
	/* Where its vcpu_info lives: a slot of shared_info, or a page the guest registered (which
	 * then holds a frame reference until the domain goes). */
	paddr_t vcpu_info;
	bool vcpu_info_registered;
	uint64_t runstate_gva; /* 0: no runstate area registered */
	struct vcpu_runstate_info runstate;
	struct vgic_cpu *vgic; /* hyp/vgic: its private interrupts and pending list */
	struct vtimer *vtimer; /* hyp/vtimer: the virtual and emulated physical timers */
};

struct domain {
	domid_t id;
	bool privileged; /* Dom0: hardware and control domain */
	bool direct_map; /* a dom0less DomU's RAM at IPA == PA (Dom0's always is: domain_direct_mapped) */
	char name[DOMAIN_NAME_MAX];
	enum domain_state state;
	unsigned shutdown_reason;
	struct p2m p2m;
	unsigned nr_vcpus;
	struct vcpu *vcpu[DOMAIN_MAX_VCPUS];
	unsigned vcpus_live;  /* vCPUs claimed and not yet retired */
	bool vcpus_ran;       /* any vCPU ever ran: run times are worth reporting */
	unsigned pause_count; /* the control domain's nested pauses: its vCPUs run only at 0 */
	uint64_t hvm_param[HVM_NR_PARAMS];
	paddr_t shared_info; /* a frame the domain owns, mapped where it asks */
	uint64_t shared_gfn; /* where it is mapped, or SHARED_UNMAPPED */
	spinlock_t con_lock;
	unsigned con_len;
	char con_buf[DOMAIN_CONSOLE_MAX];
	struct vgic_dist *vgic; /* hyp/vgic: the distributor */
	uint64_t cntvoff;       /* hyp/vtimer: the counter at creation, every vCPU's CNTVOFF_EL2 */
	struct {
		uint64_t base, size;
		int (*fn)(struct vcpu *v, uint64_t offset, unsigned size, bool write, uint64_t *val, void *priv);
		void *priv;
	} mmio[DOMAIN_MMIO_MAX]; /* traps/mmio.h */
	unsigned nr_mmio;
	struct evtchn_dom *evtchn; /* hyp/evtchn: the port table */
	struct gnttab *gnttab;     /* hyp/gnttab: its grant table and the mappings it holds */
	/* The toolstack's (dom/dom_create.h): a domain it created outlives its shutdown until it is
	 * destroyed, as Xen's do, so the toolstack can read why it went and reap it. */
	bool toolstack;
	bool dying;          /* destruction asked for (XEN_DOMCTL_destroydomain): XEN_DOMINF_dying */
	bool xs_domain;      /* XEN_DOMCTL_CDF_xs_domain */
	uint8_t handle[16];  /* the toolstack's UUID for it */
	uint64_t max_pages;  /* XEN_DOMCTL_max_mem: the most frames it may populate */
	unsigned start_mask; /* vCPUs given a context with VGCF_online: started at the last unpause */
	struct {
		uint64_t first, last; /* machine frames, inclusive */
	} iomem[DOMAIN_IOMEM_MAX];    /* XEN_DOMCTL_iomem_permission (dom/dom_create.h) */
	unsigned nr_iomem;
	unsigned refs;     /* domain_get holders: teardown waits for the last domain_put */
	bool reaped;       /* its teardown is decided: domain_get no longer hands it out */
	bool reap_pending; /* torn down by the last domain_put */
};

/* RAM at IPA == PA: Dom0, or a DomU built with dom0less direct-map (XENFEAT_direct_mapped). */
static inline bool domain_direct_mapped(const struct domain *d) { return d->privileged || d->direct_map; }

/* Creates domain @id with @nr_vcpus offline vCPUs and an empty p2m. Returns 0, -XEN_EEXIST,
 * -XEN_EINVAL (bad id or vCPU count) or -XEN_ENOMEM. */
int domain_create(domid_t id, const char *name, unsigned nr_vcpus, struct domain **out);

/* NULL if there is no live domain @id. */
struct domain *domain_by_id(domid_t id);

/* domain_by_id with a reference that keeps the struct (not the domain's life) until domain_put:
 * for the control domain's operations, which another pCPU's teardown must not pull away. */
struct domain *domain_get(domid_t id);
void domain_put(struct domain *d);

/* The first live domain with an id >= @id (XEN_DOMCTL_getdomaininfo's walk), referenced; NULL if none. */
struct domain *domain_get_next(domid_t id);

/* XEN_DOMCTL_destroydomain: marks @d dying and stops it. True once its teardown is done (or left
 * to the last domain_get holder); false while vCPUs of it still run: the caller asks again (Xen's
 * continuation), so a destroy that returns has given back the memory, and meanwhile the domain
 * stays visible as dying. Only with no control domain left does the last vCPU tear it down. */
bool domain_kill(struct domain *d);

/* Stops the domain with a SHUTDOWN_* reason; its vCPUs retire as their pCPUs next look at them. */
void domain_shutdown(struct domain *d, unsigned reason);

/* Takes an offline vCPU of a running domain for starting; false if it is not offline. */
bool domain_vcpu_claim(struct vcpu *v);

/* Asks the running vCPU @v to stop (PSCI CPU_OFF). */
void domain_vcpu_stop(struct vcpu *v);

/* Called by a pCPU once it will never run @v again (it stopped, or its domain is shutting down);
 * in a domain that is shutting down, the last retirement destroys it. */
void domain_vcpu_retire(struct vcpu *v);

/* The control domain's pause and unpause (XEN_DOMCTL_pausedomain/unpausedomain): nested; the
 * vCPUs stop at their next exit and run again, on every pCPU, once the count is back at 0.
 * domain_unpause returns -XEN_EINVAL when the domain is not paused. */
void domain_pause(struct domain *d);
int domain_unpause(struct domain *d);
static inline bool domain_paused(const struct domain *d) { return __atomic_load_n(&d->pause_count, __ATOMIC_ACQUIRE); }

/* The frames @d holds as its memory (Xen's tot_pages: its shared_info page is the hypervisor's). */
uint64_t domain_tot_pages(const struct domain *d);

/* Whether @d may be given @pages more frames under XEN_DOMCTL_max_mem's limit (boot domains: no limit). */
bool domain_may_grow(const struct domain *d, uint64_t pages);

/* Frees everything of a domain none of whose vCPUs runs (also for failed builds). */
void domain_destroy(struct domain *d);

/* Live domains, and a summary of the ones that have gone: for the poweroff_when_idle exit. */
unsigned domain_live_count(void);
unsigned domain_gone_unclean(void); /* shut down with a reason other than poweroff */
