/* The sim NIC's state, shared by its registers and rings (nic.c) and its wire and tree (nic_wire.c). */
#pragma once

#include "nic.h"

#define SIM_NIC_MAX   2
#define SIM_NIC_QUEUE 8 /* frames the far end has in flight towards the card */

struct sim_nic {
	unsigned index;
	uint32_t sid, intid;
	uint64_t tx_base, rx_base, fault;
	uint32_t ring, ctrl, tx_tail, tx_head, rx_tail, rx_head, isr, imr, missed;
	uint8_t mac[6];
	/* The wire's far end. */
	bool echo;
	uint8_t peer[6];
	uint32_t inject_left, inject_every, inject_wait, inject_seq;
	unsigned sent, last_len, nq;
	uint8_t last[SIM_NIC_FRAME_MAX];
	struct {
		uint16_t len;
		uint8_t b[SIM_NIC_FRAME_MAX];
	} q[SIM_NIC_QUEUE];
	void (*log)(const char *line);
};

extern struct sim_nic sim_nics[SIM_NIC_MAX];
extern unsigned sim_nnics;

const char *sim_nic_read(void *opaque, uint64_t off, unsigned size, uint64_t *val);
const char *sim_nic_write(void *opaque, uint64_t off, unsigned size, uint64_t val);
/* A frame the card sent: logged, kept, echoed by the far end if it is addressed to it. */
void sim_nic_wire_out(struct sim_nic *n, const uint8_t *frame, unsigned len);
/* A frame from the wire into the card's next receive buffer. */
bool sim_nic_receive(struct sim_nic *n, const uint8_t *frame, unsigned len);
