/* A DMA engine for the sim: copies LEN bytes from SRC to DST, both bus addresses its stream ID's
 * SMMU translation turns into physical ones, and says through STATUS and an SPI how it went. */
#pragma once

#include <stddef.h>
#include <stdint.h>

#include "hal/types.h"

/* Register interface (32-bit accesses; SRC and DST also 64-bit). */
#define SIM_DMA_SRC    0x00u /* 64-bit */
#define SIM_DMA_DST    0x08u /* 64-bit */
#define SIM_DMA_LEN    0x10u /* bytes, at most SIM_DMA_MAX_LEN */
#define SIM_DMA_GO     0x14u /* write 1: start; ignored while busy */
#define SIM_DMA_STATUS 0x18u /* write anything: back to idle, the interrupt line falls */
#define SIM_DMA_FAULT  0x20u /* 64-bit: the bus address the failed access used */
#define SIM_DMA_SIZE   0x1000u

#define SIM_DMA_MAX_LEN (1u << 20)

enum sim_dma_status {
	SIM_DMA_IDLE = 0,
	SIM_DMA_DONE = 1,
	SIM_DMA_READ_FAULT = 2,  /* reading SRC was aborted (by the SMMU, or nothing there) */
	SIM_DMA_WRITE_FAULT = 3, /* writing DST was aborted */
	SIM_DMA_BAD_LEN = 4,
};

/* A DMA engine at @base on the bus issuing its accesses as stream @sid, raising SPI @intid (0 for
 * none) while a finished transfer's status is not acknowledged. 0, or -1 if the bus refuses it. */
int sim_dma_add(paddr_t base, uint32_t sid, uint32_t intid, char *err, size_t errlen);
void sim_dma_reset(void);

/* Writes every multiboot,device-tree module's halcyon,sim-partial subnode into RAM at the module's
 * reg, as a DTB (the DMA scenarios' driver domain gets its device through one). 0, or -1 with @err. */
int sim_dma_write_partials(const void *fdt, char *err, size_t errlen);
