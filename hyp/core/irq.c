#include "core/irq.h"

#include "core/console.h"
#include "core/spinlock.h"
#include "core/swtimer.h"
#include "hal/gic.h"
#include "public/errno.h"
#include "vgic/vgic.h"
#include "vtimer/vtimer.h"

/* An interrupt source that stays asserted must not hold the pCPU in the loop for ever. */
#define IRQ_MAX_PER_EXIT 64

static unsigned hyp_ppi, virt_ppi, maint_ppi, uart_spi;

static spinlock_t routes_lock = SPINLOCK_INIT;
static struct {
	struct domain *d;
	uint32_t vintid;
	void (*own)(uint32_t intid); /* kept by a driver of the hypervisor's */
	unsigned cpu;                /* the pCPU a forwarded SPI is routed to */
} routes[VGIC_MAX_INTID];

void irq_init(const struct platform *p)
{
	hyp_ppi = p->timer.hyp;
	virt_ppi = p->timer.virt;
	maint_ppi = p->gic.maint_intid;
	uart_spi = p->uart.intid;
}

void irq_cpu_init(void)
{
	hal_irq_cpu_init();
	hal_irq_enable(hyp_ppi, true);
	hal_irq_enable(virt_ppi, true);
}

int irq_assign(uint32_t pintid, struct domain *d, uint32_t vintid)
{
	if (pintid < HAL_IRQ_NR_PRIV || pintid >= VGIC_MAX_INTID || pintid == uart_spi)
		return -XEN_EINVAL;
	spin_lock(&routes_lock);
	if (routes[pintid].d || routes[pintid].own) {
		spin_unlock(&routes_lock);
		return -XEN_EBUSY;
	}
	int rc = vgic_link_hw(d, vintid, pintid);
	if (!rc) {
		routes[pintid].d = d;
		routes[pintid].vintid = vintid;
		routes[pintid].cpu = 0;
	}
	spin_unlock(&routes_lock);
	if (!rc) {
		hal_irq_config_spi(pintid, false, 0);
		hal_irq_enable(pintid, true);
	}
	return rc;
}

int irq_own(uint32_t intid, bool edge, void (*fn)(uint32_t intid))
{
	if (intid < HAL_IRQ_NR_PRIV || intid >= VGIC_MAX_INTID || intid == uart_spi || !fn)
		return -XEN_EINVAL;
	spin_lock(&routes_lock);
	bool taken = routes[intid].d || routes[intid].own;
	if (!taken)
		routes[intid].own = fn;
	spin_unlock(&routes_lock);
	if (taken)
		return -XEN_EBUSY;
	hal_irq_config_spi(intid, edge, 0);
	hal_irq_enable(intid, true);
	return 0;
}

void irq_release(struct domain *d)
{
	spin_lock(&routes_lock);
	for (uint32_t i = HAL_IRQ_NR_PRIV; i < VGIC_MAX_INTID; i++)
		if (routes[i].d == d) {
			hal_irq_enable(i, false);
			routes[i].d = NULL;
		}
	spin_unlock(&routes_lock);
}

/* An SPI a hypervisor driver keeps: true once its handler ran. */
static bool own(uint32_t intid)
{
	if (intid < HAL_IRQ_NR_PRIV || intid >= VGIC_MAX_INTID)
		return false;
	spin_lock(&routes_lock);
	void (*fn)(uint32_t) = routes[intid].own;
	spin_unlock(&routes_lock);
	if (fn)
		fn(intid); /* outside the lock: a driver may take its own and print */
	return fn != NULL;
}

/* A forwarded SPI: true if it went to its domain's vGIC, which now owns its deactivation. Its
 * physical route then follows the vCPU the guest routes it to, wherever the scheduler placed that
 * vCPU: the next one is taken on that pCPU, straight into the running vCPU's list registers rather
 * than through a kick from here. Lazily, so a migration or a guest's retargeting costs nothing
 * until the interrupt next fires, and an SPI that never fires is never moved. */
static bool forward(uint32_t intid)
{
	if (intid < HAL_IRQ_NR_PRIV || intid >= VGIC_MAX_INTID)
		return false;
	spin_lock(&routes_lock);
	struct domain *d = routes[intid].d;
	bool ok = d && vgic_inject(d, NULL, routes[intid].vintid) == 0;
	struct vcpu *t = ok ? vgic_spi_target(d, routes[intid].vintid) : NULL;
	unsigned to = t ? __atomic_load_n(&t->pcpu, __ATOMIC_RELAXED) : routes[intid].cpu;
	if (to != routes[intid].cpu) {
		routes[intid].cpu = to;
		hal_irq_config_spi(intid, false, to); /* the same trigger: only the target changes */
	}
	spin_unlock(&routes_lock);
	return ok;
}

/* The pCPU forwarded SPI @pintid is routed to now (tests, the summary). */
unsigned irq_route_cpu(uint32_t pintid) { return pintid < VGIC_MAX_INTID ? routes[pintid].cpu : 0; }

void irq_handle(struct vcpu *running)
{
	bool vtimer_active = false;

	for (unsigned n = 0; n < IRQ_MAX_PER_EXIT; n++) {
		uint32_t intid = hal_irq_ack();
		if (intid == HAL_IRQ_SPURIOUS)
			break;
		hal_irq_eoi(intid);
		if (intid == hyp_ppi) {
			swtimer_expire(); /* re-arms or disarms the timer: its level is down when deactivated */
		} else if (intid == virt_ppi) {
			/* The guest's timer is still live in the hardware until the next entry loads the
			 * masked CTL: deactivated now it would be signalled again at once. Last, then. */
			if (running)
				vtimer_virt_irq(running);
			vtimer_active = true;
			continue;
		} else if (intid == HAL_SGI_KICK || intid == maint_ppi) {
			/* A kick only asks for a look at the run queue and the vGIC, which the run loop
			 * does; the maintenance causes (only armed while LRs are in use) are read by the
			 * vgic_sync that follows every such exit. */
		} else if (own(intid)) {
			/* Its handler cleared the cause: a level that stays up is signalled again. */
		} else if (forward(intid)) {
			continue; /* HW-linked: the guest's deactivation ends it */
		} else {
			/* Nobody's: off, so a stuck level does not come back for ever. */
			con_printf("IRQ %u: not expected on this pCPU, disabled\n", intid);
			hal_irq_enable(intid, false);
		}
		hal_irq_deactivate(intid);
	}
	if (vtimer_active)
		hal_irq_deactivate(virt_ppi);
}
