#include "iommu_int.h"

#include <libfdt.h>

#include "core/console.h"
#include "core/irq.h"
#include "core/spinlock.h"
#include "core/swtimer.h"
#include "hal/mmu.h"
#include "hal/smmu.h"
#include "hal/timer.h"
#include "mm/frame.h"
#include "public/errno.h"

struct iommu_state iommu_st = { .node = -1 };
spinlock_t iommu_lock = SPINLOCK_INIT;

/* Without a usable event-queue SPI (none in the tree, or taken) faults are read by polling,
 * armed only while a stream is attached, so an idle machine with no DMA masters stays idle. */
static struct swtimer poll_timer;

static void poll_tick(void *data)
{
	(void)data;
	iommu_poll();
	if (__atomic_load_n(&iommu_st.live, __ATOMIC_RELAXED))
		swtimer_set(&poll_timer, hal_counter_now() + hal_counter_freq() / POLL_HZ);
}

void iommu_reset(void)
{
	iommu_st.present = iommu_st.failed = false;
	iommu_st.node = -1;
	iommu_st.evtq_intid = iommu_st.gerror_intid = 0;
	iommu_st.wired = false;
	for (unsigned i = 0; i < HAL_SMMU_MAX_SIDS; i++)
		iommu_st.owner[i] = NO_OWNER;
	for (unsigned i = 0; i < DOMAIN_MAX; i++)
		iommu_st.faults[i] = 0;
	iommu_st.faults_unowned = 0;
	iommu_st.live = 0;
	iommu_st.fdt = NULL;
	iommu_st.devs = NULL;
	for (unsigned i = 0; i < DT_DEV_MAX; i++)
		iommu_st.assigned[i] = NO_OWNER;
	swtimer_init(&poll_timer, poll_tick, NULL);
}

bool iommu_present(void) { return iommu_st.present; }

/* The INTID interrupt-names calls @name, if it is a GIC SPI (3 cells: type 0, number, flags with
 * 1 for a rising edge), and whether it is edge-triggered. */
static uint32_t named_spi(const void *fdt, int node, const char *name, bool *edge)
{
	int idx = fdt_stringlist_search(fdt, node, "interrupt-names", name), len;
	const fdt32_t *p = fdt_getprop(fdt, node, "interrupts", &len);

	if (idx < 0 || !p || len < (idx + 1) * 12 || fdt32_ld(&p[idx * 3]) != 0)
		return 0;
	*edge = (fdt32_ld(&p[idx * 3 + 2]) & 0xf) == 1;
	return fdt32_ld(&p[idx * 3 + 1]) + 32;
}

static void evtq_irq(uint32_t intid) { iommu_irq(intid); }

static void print_id(paddr_t base)
{
	struct hal_smmu_id id;

	static const unsigned oas[8] = { 32, 36, 40, 42, 44, 48, 52, 0 };

	hal_smmu_id(&id);
	con_printf("smmu: SMMUv3.%u at %#llx: IDR0 %#x (S2P %u, S1P %u, TTF %u, COHACC %u, VMID16 %u, ST_LEVEL %u), "
		   "IDR1 %#x (SIDSIZE %u, CMDQS %u, EVENTQS %u), IDR5 %#x (OAS %u bits, GRAN4K %u)\n",
		   id.aidr & 0xf, (unsigned long long)pa_addr(base), id.idr0, id.idr0 & 1, (id.idr0 >> 1) & 1,
		   (id.idr0 >> 2) & 3, (id.idr0 >> 4) & 1, (id.idr0 >> 18) & 1, (id.idr0 >> 27) & 3, id.idr1,
		   id.idr1 & 0x3f, (id.idr1 >> 21) & 0x1f, (id.idr1 >> 16) & 0x1f, id.idr5, oas[id.idr5 & 7],
		   (id.idr5 >> 4) & 1);
}

int iommu_init(const void *fdt, const struct dt_devices *devs)
{
	const struct dt_dev *dev = NULL;
	paddr_t mem;
	bool evtq_edge = false, gerror_edge = false;

	iommu_reset();
	iommu_st.fdt = fdt;
	iommu_st.devs = devs;
	for (unsigned i = 0; fdt && i < devs->count && !dev; i++)
		if (devs->dev[i].owner == DT_OWN_HYP && devs->dev[i].nreg &&
		    fdt_node_check_compatible(fdt, devs->dev[i].node, "arm,smmu-v3") == 0)
			dev = &devs->dev[i];
	if (!dev)
		return 0;
	iommu_st.node = dev->node;
	iommu_st.failed = true;
	struct hal_smmu_desc desc = {
		.base = dev->reg[0].base,
		.size = dev->reg[0].size,
		.evtq_intid = named_spi(fdt, dev->node, "eventq", &evtq_edge),
		.gerror_intid = named_spi(fdt, dev->node, "gerror", &gerror_edge),
	};
	int rc = frame_alloc(DOMID_XEN, HAL_SMMU_MEM_ORDER, &mem);
	if (rc) {
		con_printf("smmu: no memory for its tables (%d): devices behind it stay unassigned\n", rc);
		return rc;
	}
	void *va = hal_pa_to_va(mem);
	for (unsigned i = 0; i < (PAGE_SIZE << HAL_SMMU_MEM_ORDER) / 8; i++)
		((volatile uint64_t *)va)[i] = 0;
	rc = hal_smmu_probe(&desc, mem, va);
	print_id(desc.base);
	if (rc) {
		struct hal_smmu_id id;
		hal_smmu_id(&id);
		con_printf("smmu: %s not used (%d%s): DomUs get none of its devices, Dom0's DMA stays untranslated\n",
			   fdt_get_name(fdt, dev->node, NULL), rc,
			   rc == -XEN_ENODEV && !(id.idr0 & 1) ? ": no stage-2 translation, IDR0.S2P 0" : "");
		frame_free(DOMID_XEN, mem, HAL_SMMU_MEM_ORDER);
		return rc;
	}
	iommu_st.evtq_intid = desc.evtq_intid;
	iommu_st.gerror_intid = desc.gerror_intid;
	iommu_st.failed = false;
	iommu_st.present = true;
	/* Faults reported as they are recorded. The gerror SPI stays off: the driver meets command
	 * errors as it issues commands, and an aborted event queue write would hold its level up. */
	int irq_rc = desc.evtq_intid ? irq_own(desc.evtq_intid, evtq_edge, evtq_irq) : -XEN_ENODEV;
	iommu_st.wired = irq_rc == 0;
	if (iommu_st.wired)
		con_printf("smmu: faults reported on SPI %u (%s)\n", desc.evtq_intid, evtq_edge ? "edge" : "level");
	else
		con_printf("smmu: no event-queue SPI (%d): faults polled every %u ms\n", irq_rc, 1000 / POLL_HZ);
	return 0;
}

static bool owns(const struct dt_dev *dev, const struct domain *d)
{
	return d->id == 0 ? dev->owner == DT_OWN_DOM0 : dev->owner == DT_OWN_DOMU && dev->domu == d->id;
}

/* Streams of @d back to abort; called with the lock held. */
static void release(struct domain *d)
{
	bool any = false;

	if (!iommu_st.present)
		return;
	for (unsigned sid = 0; sid < HAL_SMMU_MAX_SIDS; sid++) {
		if (iommu_st.owner[sid] != d->id)
			continue;
		hal_smmu_detach(sid);
		iommu_st.owner[sid] = NO_OWNER;
		iommu_st.live--;
		any = true;
	}
	if (any) /* entries the detached streams' walks left, before the tables go */
		hal_smmu_flush_vmid(d->p2m.vmid);
}

/* A range past the linear stream table (a PCI bridge's iommu-map covers all 65536 requester IDs;
 * QEMU's root bus uses the first 256) is attached as far as the table goes: the rest stay aborted,
 * so a device there cannot DMA at all rather than anywhere. */
int iommu_attach_range(struct domain *d, const char *name, const struct dt_sids *r, unsigned *n)
{
	uint32_t end = r->count > HAL_SMMU_MAX_SIDS - (r->base < HAL_SMMU_MAX_SIDS ? r->base : HAL_SMMU_MAX_SIDS)
			   ? HAL_SMMU_MAX_SIDS
			   : r->base + r->count;

	if (r->base >= HAL_SMMU_MAX_SIDS || end - r->base < r->count)
		con_printf("d%u: %s: stream IDs %#x+%#x reach past the SMMU's %u; those stay aborted\n", d->id, name,
			   r->base, r->count, HAL_SMMU_MAX_SIDS);
	for (uint32_t sid = r->base; sid < end; sid++) {
		if (iommu_st.owner[sid] == d->id)
			continue; /* two devices behind one requester ID (a PCI bridge's alias) */
		if (iommu_st.owner[sid] != NO_OWNER) {
			con_printf("d%u: %s: stream %u is d%u's\n", d->id, name, sid, iommu_st.owner[sid]);
			return -XEN_EBUSY;
		}
		int rc = hal_smmu_attach(sid, d->p2m.vmid, d->p2m.root, d->p2m.geo.vtcr);
		if (rc)
			return rc;
		iommu_st.owner[sid] = d->id;
		iommu_st.live++;
		(*n)++;
	}
	return 0;
}

void iommu_arm_poll(unsigned n)
{
	if (n && !iommu_st.wired && !swtimer_armed(&poll_timer))
		swtimer_set(&poll_timer, hal_counter_now() + hal_counter_freq() / POLL_HZ);
}

int iommu_domain_attach(struct domain *d, const void *fdt, const struct dt_devices *devs)
{
	int rc = 0;
	unsigned n = 0;

	spin_lock(&iommu_lock);
	for (unsigned i = 0; devs && i < devs->count && !rc; i++) {
		const struct dt_dev *dev = &devs->dev[i];
		if (!owns(dev, d))
			continue;
		const char *name = fdt ? fdt_get_name(fdt, dev->node, NULL) : NULL;
		for (unsigned j = 0; j < dev->nsid && !rc; j++) {
			if (dev->sid[j].iommu != iommu_st.node || iommu_st.node < 0)
				continue; /* behind an IOMMU the hypervisor does not drive */
			if (iommu_st.failed && (d->id == 0 || d->direct_map)) {
				/* The SMMU was left as reset (GBPA bypass): Dom0 and a direct-map DomU are 1:1,
				 * so their devices' DMA still lands where it means, as Xen's without an IOMMU. */
				con_printf("d%u: %s: no SMMU: its DMA is untranslated (%s)\n", d->id,
					   name ? name : "device", d->id == 0 ? "Dom0 is 1:1" : "direct-map");
				continue;
			}
			rc = iommu_st.failed ? -XEN_ENODEV
					     : iommu_attach_range(d, name ? name : "device", &dev->sid[j], &n);
		}
	}
	if (rc)
		release(d);
	spin_unlock(&iommu_lock);
	if (!rc)
		iommu_arm_poll(n);
	if (!rc && n)
		con_printf("d%u: %u SMMU stream(s) attached to its stage 2 (VMID %u)\n", d->id, n, d->p2m.vmid);
	return rc;
}

static const char *event_name(uint8_t type)
{
	switch (type) {
	case 0x02: return "bad stream ID";
	case 0x03: return "STE fetch abort";
	case 0x04: return "stream not attached";
	case 0x0b: return "table walk abort";
	case 0x10: return "translation fault";
	case 0x11: return "address size fault";
	case 0x12: return "access flag fault";
	case 0x13: return "permission fault";
	default: return "fault";
	}
}

void iommu_poll(void)
{
	struct hal_smmu_fault f;

	if (!iommu_st.present)
		return;
	spin_lock(&iommu_lock);
	while (hal_smmu_fault_pop(&f)) {
		domid_t owner = f.sid < HAL_SMMU_MAX_SIDS ? iommu_st.owner[f.sid] : NO_OWNER;
		if (owner < DOMAIN_MAX) {
			iommu_st.faults[owner]++;
			con_printf("smmu: d%u stream %u: DMA %s at %#llx blocked (%s, event %#x)\n", owner, f.sid,
				   f.write ? "write" : "read", (unsigned long long)f.addr, event_name(f.type), f.type);
		} else {
			iommu_st.faults_unowned++;
			con_printf("smmu: stream %u (no domain): DMA %s at %#llx blocked (%s, event %#x)\n", f.sid,
				   f.write ? "write" : "read", (unsigned long long)f.addr, event_name(f.type), f.type);
		}
	}
	unsigned lost = hal_smmu_fault_lost();
	if (lost)
		con_printf("smmu: event queue overflowed (%u time(s)): fault records were lost\n", lost);
	spin_unlock(&iommu_lock);
}

bool iommu_irq(uint32_t intid)
{
	if (!iommu_st.present || !intid || (intid != iommu_st.evtq_intid && intid != iommu_st.gerror_intid))
		return false;
	iommu_poll();
	return true;
}

void iommu_domain_detach(struct domain *d)
{
	iommu_poll(); /* its last faults are still its own */
	spin_lock(&iommu_lock);
	release(d);
	for (unsigned i = 0; i < DT_DEV_MAX; i++)
		if (iommu_st.assigned[i] == d->id)
			iommu_st.assigned[i] = NO_OWNER; /* free for the next driver domain */
	uint64_t faults = d->id < DOMAIN_MAX ? iommu_st.faults[d->id] : 0;
	if (d->id < DOMAIN_MAX)
		iommu_st.faults[d->id] = 0; /* the next domain with this ID starts clean */
	spin_unlock(&iommu_lock);
	if (faults)
		con_printf("d%u: %llu SMMU fault(s) reported\n", d->id, (unsigned long long)faults);
}

uint64_t iommu_fault_count(domid_t id)
{
	if (id == DOMID_INVALID)
		return iommu_st.faults_unowned;
	return id < DOMAIN_MAX ? iommu_st.faults[id] : 0;
}
