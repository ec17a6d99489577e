/* The sim's SMMUv3 and the DMA masters behind it: models/smmu on the bus where the scenario's tree
 * puts an "arm,smmu-v3" node, its interrupt outputs on the GIC, and every access a device makes. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Puts the tree's SMMU (if any) and DMA devices ("halcyon,sim-dma") on the machine. After
 * sim_machine_create. Returns 0, or -1 with @err naming the node. */
int sim_smmu_create(const void *fdt, char *err, size_t errlen);

/* Forgets the SMMU and the DMA devices (sim_machine_destroy calls it). */
void sim_smmu_destroy(void);

/* A device access of @len bytes at @addr on stream @sid, not crossing 4 KiB: through the SMMU when
 * the machine has one (else untranslated). True with *@pa the physical address; false if the
 * SMMU terminated it. */
bool sim_smmu_access(uint32_t sid, uint64_t addr, unsigned len, bool write, uint64_t *pa);

/* The model's counters (translations, events...) or NULL without an SMMU. */
struct smmu_stats;
const struct smmu_stats *sim_smmu_stats(void);
