/* GIC encodings (gic_enc.h): GICH_LR, GICH_VMCR, ICC_SGI1R_EL1 and the GICR frame walk. */
#include "gic_enc.h"

#include "hal/gic.h"

#define V2LR_VID_MASK    0x3ffu
#define V2LR_SGI_MASK    0x1fffu /* VirtualID plus CPUID [12:10] of a software SGI */
#define V2LR_PID_SHIFT   10
#define V2LR_EOI         (1u << 19)
#define V2LR_PRIO_SHIFT  23
#define V2LR_STATE_SHIFT 28
#define V2LR_GRP1        (1u << 30)
#define V2LR_HW          (1u << 31)
#define V2_VMCR_MASK     0xf8ffffffu

#define SGI1R_INTID_SHIFT 24
#define SGI1R_AFF1_SHIFT  16
#define SGI1R_AFF2_SHIFT  32
#define SGI1R_RS_SHIFT    44
#define SGI1R_AFF3_SHIFT  48

#define GICR_TYPER_LAST  (1u << 4)
#define GICR_TYPER_VLPIS (1u << 1)
#define GICR_FRAME       0x20000u

uint32_t gic_lr_to_v2(uint64_t lr)
{
	uint32_t v;

	if (lr & HAL_LR_HW)
		v = ((uint32_t)lr & V2LR_VID_MASK) |
		    ((uint32_t)((lr & HAL_LR_PINTID_MASK) >> HAL_LR_PINTID_SHIFT) & V2LR_VID_MASK) << V2LR_PID_SHIFT |
		    V2LR_HW;
	else
		v = ((uint32_t)lr & V2LR_SGI_MASK) | (lr & HAL_LR_EOI ? V2LR_EOI : 0);
	v |= (uint32_t)((lr & HAL_LR_PRIO_MASK) >> (HAL_LR_PRIO_SHIFT + 3)) << V2LR_PRIO_SHIFT;
	v |= (uint32_t)(lr >> HAL_LR_STATE_SHIFT & 3) << V2LR_STATE_SHIFT;
	return v | (lr & HAL_LR_GROUP1 ? V2LR_GRP1 : 0);
}

uint64_t gic_lr_from_v2(uint32_t v)
{
	uint64_t lr;

	if (v & V2LR_HW)
		lr = (v & V2LR_VID_MASK) | (uint64_t)(v >> V2LR_PID_SHIFT & V2LR_VID_MASK) << HAL_LR_PINTID_SHIFT |
		     HAL_LR_HW;
	else
		lr = (v & V2LR_SGI_MASK) | (v & V2LR_EOI ? HAL_LR_EOI : 0);
	lr |= (uint64_t)(v >> V2LR_PRIO_SHIFT & 0x1f) << (HAL_LR_PRIO_SHIFT + 3);
	lr |= (uint64_t)(v >> V2LR_STATE_SHIFT & 3) << HAL_LR_STATE_SHIFT;
	return lr | (v & V2LR_GRP1 ? HAL_LR_GROUP1 : 0);
}

uint32_t gic_vmcr_to_v2(uint32_t vmcr) { return vmcr & V2_VMCR_MASK; }

uint64_t gic_sgi1r(uint64_t mpidr, unsigned sgi)
{
	uint64_t aff0 = mpidr & 0xff;

	/* TargetList holds Aff0 % 16; RS selects which sixteen. */
	return (1ull << (aff0 % 16)) | (aff0 / 16) << SGI1R_RS_SHIFT | ((mpidr >> 8) & 0xff) << SGI1R_AFF1_SHIFT |
	       ((mpidr >> 16) & 0xff) << SGI1R_AFF2_SHIFT | ((mpidr >> 32) & 0xff) << SGI1R_AFF3_SHIFT |
	       (uint64_t)(sgi & 15) << SGI1R_INTID_SHIFT;
}

uint64_t gic_typer_aff(uint64_t mpidr) { return ((mpidr >> 8) & 0xff000000) | (mpidr & 0xffffff); }

uint64_t gic_find_rd(uint64_t base, uint64_t size, uint64_t mpidr, uint64_t (*typer)(uint64_t rd_base))
{
	uint64_t aff = gic_typer_aff(mpidr), end = base + size;

	while (base < end && end - base >= GICR_FRAME) {
		uint64_t t = typer(base);
		if (t >> 32 == aff)
			return base;
		if (t & GICR_TYPER_LAST)
			break;
		base += t & GICR_TYPER_VLPIS ? 2 * GICR_FRAME : GICR_FRAME;
	}
	return 0;
}
