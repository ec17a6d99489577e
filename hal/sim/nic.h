/* A network card for the sim ("halcyon,sim-nic"): transmit and receive descriptor rings in memory
 * its driver owns, fetched and filled by DMA through the SMMU by the card's stream ID, and a wire
 * whose far end the scenario scripts (frames injected, frames sent out logged and echoed). */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Registers (32-bit accesses; the ring bases also 64-bit). */
#define SIM_NIC_TX_BASE 0x00u /* 64-bit bus address of the transmit descriptors */
#define SIM_NIC_RX_BASE 0x08u /* 64-bit bus address of the receive descriptors */
#define SIM_NIC_RING    0x10u /* descriptors per ring: a power of two, 2..SIM_NIC_RING_MAX */
#define SIM_NIC_CTRL    0x14u /* bit 0: enabled (rings and heads reset when it is set) */
#define SIM_NIC_TX_TAIL 0x18u /* driver: descriptors before it are ready to send (free-running) */
#define SIM_NIC_TX_HEAD 0x1cu /* card: descriptors before it are done */
#define SIM_NIC_RX_TAIL 0x20u /* driver: buffers before it are empty, ready to fill */
#define SIM_NIC_RX_HEAD 0x24u /* card: buffers before it hold a frame */
#define SIM_NIC_ISR     0x28u /* SIM_NIC_IRQ_* pending; write 1s to clear */
#define SIM_NIC_IMR     0x2cu /* which of them raise the SPI */
#define SIM_NIC_FAULT   0x30u /* 64-bit: the bus address of the last access the SMMU aborted */
#define SIM_NIC_MISSED  0x38u /* frames from the wire dropped: no buffer, or it was too small */
#define SIM_NIC_MAC_LO  0x40u /* the card's address, bytes 0-3 (byte 0 in bits 0-7) */
#define SIM_NIC_MAC_HI  0x44u /* bytes 4-5 */
#define SIM_NIC_SIZE    0x1000u

#define SIM_NIC_RING_MAX  256u
#define SIM_NIC_FRAME_MAX 1514u

#define SIM_NIC_IRQ_TX    (1u << 0) /* a transmit descriptor completed */
#define SIM_NIC_IRQ_RX    (1u << 1) /* a frame was received */
#define SIM_NIC_IRQ_FAULT (1u << 2) /* a descriptor or buffer access was aborted: the card stopped */

/* A descriptor, 16 bytes, little-endian, in the driver's memory. */
struct sim_nic_desc {
	uint64_t addr;  /* the buffer's bus address */
	uint16_t len;   /* transmit: the frame's bytes; receive: the buffer's size, then the frame's */
	uint16_t flags; /* SIM_NIC_DESC_*: written by the card */
	uint32_t rsvd;
};
#define SIM_NIC_DESC_DONE 1u
#define SIM_NIC_DESC_ERR  2u /* transmit: a length out of 14..SIM_NIC_FRAME_MAX */

/* The cards of the tree's "halcyon,sim-nic" nodes (reg: one 4 KiB frame; interrupts: one SPI;
 * iommus = <&smmu sid>: behind the SMMU; halcyon,wire-mac: the far end's address, which answers
 * frames sent to it by echoing them back, addresses swapped; halcyon,wire-inject = <n interval>:
 * the far end broadcasts n numbered frames, one every interval scheduling steps). Frames sent out
 * are logged on @log ("nic0: tx ..." lines). 0, or -1 with @err. */
int sim_nic_create(const void *fdt, void (*log)(const char *line), char *err, size_t errlen);
void sim_nic_destroy(void);

/* The wire's far end, for tests and the scripts: a frame from outside into card @i (dropped and
 * counted when no buffer is ready); the last frame card @i sent out and how many it sent. */
bool sim_nic_inject(unsigned i, const void *frame, unsigned len);
unsigned sim_nic_sent(unsigned i, void *last, unsigned *len);
