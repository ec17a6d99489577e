/* The GIC register encodings the EL2 drivers compute, kept apart from any register access so that
 * host tests check them: GICv2 list registers and VMCR from and to ICH_*_EL2's, ICC_SGI1R_EL1. */
#pragma once

#include <stdint.h>

/* GICH_LR from an ICH_LR_EL2-format list register (include/hal/gic.h): INTIDs cut to 10 bits, the
 * top five priority bits, a software SGI's source CPU from vINTID [12:10]. */
uint32_t gic_lr_to_v2(uint64_t lr);
/* And back; a priority comes back with its low three bits 0. */
uint64_t gic_lr_from_v2(uint32_t v2);

/* GICH_VMCR from ICH_VMCR_EL2: the same fields at the same places, VPMR's top five bits only. */
uint32_t gic_vmcr_to_v2(uint32_t vmcr);

/* ICC_SGI1R_EL1 sending @sgi to the one CPU with affinity @mpidr (Aff3.Aff2.Aff1.Aff0 as MPIDR). */
uint64_t gic_sgi1r(uint64_t mpidr, unsigned sgi);

/* GICR_TYPER's affinity value [63:32] for @mpidr. */
uint64_t gic_typer_aff(uint64_t mpidr);

/* The redistributor of @mpidr in the region [@base, @base + @size): frames follow each other
 * (twice as large with VLPIs) up to the one marked Last. @typer reads GICR_TYPER of a frame.
 * Returns its RD_base, or 0. */
uint64_t gic_find_rd(uint64_t base, uint64_t size, uint64_t mpidr, uint64_t (*typer)(uint64_t rd_base));
