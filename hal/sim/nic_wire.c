/* The sim NIC's wire and its place in the machine: cards made from the tree, the far end's script
 * (numbered broadcasts, echoes of frames sent to it) run on the bus tick, so a scenario's traffic
 * from outside is as deterministic as the rest of the machine. */
#include "nic_int.h"

#include <libfdt.h>
#include <stdio.h>
#include <string.h>

#include "bus.h"

#define FIRST_SPI 32u

static void (*nic_log)(const char *line);

/* FNV-1a: a short fingerprint of a frame for the log, so a test compares lines, not bytes. */
static uint32_t fingerprint(const uint8_t *b, unsigned len)
{
	uint32_t h = 2166136261u;
	for (unsigned i = 0; i < len; i++)
		h = (h ^ b[i]) * 16777619u;
	return h;
}

static void queue(struct sim_nic *n, const uint8_t *frame, unsigned len)
{
	if (n->nq == SIM_NIC_QUEUE)
		return; /* the far end's buffer is full: the frame is lost, as on a real wire */
	memcpy(n->q[n->nq].b, frame, len);
	n->q[n->nq++].len = (uint16_t)len;
}

void sim_nic_wire_out(struct sim_nic *n, const uint8_t *frame, unsigned len)
{
	char line[160];

	memcpy(n->last, frame, len);
	n->last_len = len;
	n->sent++;
	if (nic_log) {
		snprintf(line, sizeof(line),
			 "nic%u: tx %u bytes %02x:%02x:%02x:%02x:%02x:%02x <- %02x:%02x:%02x:%02x:%02x:%02x sum %08x",
			 n->index, len, frame[0], frame[1], frame[2], frame[3], frame[4], frame[5], frame[6], frame[7],
			 frame[8], frame[9], frame[10], frame[11], fingerprint(frame, len));
		nic_log(line);
	}
	if (n->echo && !memcmp(frame, n->peer, 6)) {
		uint8_t e[SIM_NIC_FRAME_MAX];
		memcpy(e, frame, len);
		memcpy(e, frame + 6, 6);
		memcpy(e + 6, n->peer, 6);
		queue(n, e, len);
	}
}

/* The far end's n-th numbered broadcast: 64 bytes, EtherType 0x88b5 (local experimental), the
 * number big-endian, then bytes counting up from it. */
static unsigned scripted(const struct sim_nic *n, uint32_t seq, uint8_t *f)
{
	memset(f, 0xff, 6);
	memcpy(f + 6, n->peer, 6);
	f[12] = 0x88, f[13] = 0xb5;
	for (unsigned i = 0; i < 4; i++)
		f[14 + i] = (uint8_t)(seq >> (24 - 8 * i));
	for (unsigned i = 18; i < 64; i++)
		f[i] = (uint8_t)(seq + i);
	return 64;
}

static void tick(void *opaque)
{
	struct sim_nic *n = opaque;
	uint8_t f[SIM_NIC_FRAME_MAX];

	for (unsigned i = 0; i < n->nq; i++)
		sim_nic_receive(n, n->q[i].b, n->q[i].len);
	n->nq = 0;
	if (n->inject_left && !(n->ctrl & 1))
		return; /* the script waits for a driver */
	if (n->inject_left && ++n->inject_wait >= n->inject_every) {
		n->inject_wait = 0;
		n->inject_left--;
		sim_nic_receive(n, f, scripted(n, n->inject_seq++, f));
	}
}

static int add(const void *fdt, int node, char *err, size_t errlen)
{
	const char *name = fdt_get_name(fdt, node, NULL);
	int len;
	const fdt32_t *reg = fdt_getprop(fdt, node, "reg", &len);

	if (sim_nnics == SIM_NIC_MAX) {
		snprintf(err, errlen, "more than %d NICs", SIM_NIC_MAX);
		return -1;
	}
	if (!reg || len != 16 || fdt32_to_cpu(reg[3]) < SIM_NIC_SIZE) {
		snprintf(err, errlen, "%s: reg must be <0 base 0 0x1000>", name);
		return -1;
	}
	struct sim_nic *n = &sim_nics[sim_nnics];
	*n = (struct sim_nic){ .index = sim_nnics, .sid = UINT32_MAX };
	const fdt32_t *p = fdt_getprop(fdt, node, "iommus", &len);
	if (p) {
		int smmu = len == 8 ? fdt_node_offset_by_phandle(fdt, fdt32_to_cpu(p[0])) : -1;
		if (smmu < 0 || fdt_node_check_compatible(fdt, smmu, "arm,smmu-v3")) {
			snprintf(err, errlen, "%s: iommus must be <&smmu sid>", name);
			return -1;
		}
		n->sid = fdt32_to_cpu(p[1]);
	}
	if ((p = fdt_getprop(fdt, node, "interrupts", &len)) && len >= 12 && !fdt32_to_cpu(p[0]))
		n->intid = fdt32_to_cpu(p[1]) + FIRST_SPI;
	const uint8_t *mac = fdt_getprop(fdt, node, "local-mac-address", &len);
	if (mac && len == 6)
		memcpy(n->mac, mac, 6);
	if ((mac = fdt_getprop(fdt, node, "halcyon,wire-mac", &len)) && len == 6) {
		memcpy(n->peer, mac, 6);
		n->echo = true;
	}
	if ((p = fdt_getprop(fdt, node, "halcyon,wire-inject", &len)) && len == 8) {
		n->inject_left = fdt32_to_cpu(p[0]);
		n->inject_every = fdt32_to_cpu(p[1]) ? fdt32_to_cpu(p[1]) : 1;
	}
	struct sim_device dev = { .name = "nic",
				  .base = pa_init(((uint64_t)fdt32_to_cpu(reg[0]) << 32) | fdt32_to_cpu(reg[1])),
				  .size = SIM_NIC_SIZE,
				  .read = sim_nic_read,
				  .write = sim_nic_write,
				  .tick = tick,
				  .opaque = n };
	if (sim_bus_add(&dev)) {
		snprintf(err, errlen, "%s overlaps another device", name);
		return -1;
	}
	sim_nnics++;
	return 0;
}

int sim_nic_create(const void *fdt, void (*log)(const char *line), char *err, size_t errlen)
{
	char path[64];

	sim_nic_destroy();
	nic_log = log;
	for (int node = fdt_node_offset_by_compatible(fdt, -1, "halcyon,sim-nic"); node >= 0;
	     node = fdt_node_offset_by_compatible(fdt, node, "halcyon,sim-nic")) {
		/* A driver domain's partial tree under /chosen names the card too: that one is no card. */
		if (fdt_get_path(fdt, node, path, sizeof(path)) || !strncmp(path, "/chosen", 7))
			continue;
		if (add(fdt, node, err, errlen))
			return -1;
	}
	return 0;
}

void sim_nic_destroy(void)
{
	sim_nnics = 0;
	nic_log = NULL;
}

bool sim_nic_inject(unsigned i, const void *frame, unsigned len)
{
	return i < sim_nnics && sim_nic_receive(&sim_nics[i], frame, len);
}

unsigned sim_nic_sent(unsigned i, void *last, unsigned *len)
{
	if (i >= sim_nnics)
		return 0;
	if (last)
		memcpy(last, sim_nics[i].last, sim_nics[i].last_len);
	if (len)
		*len = sim_nics[i].last_len;
	return sim_nics[i].sent;
}
