/* The network driver domain's driver for a virtio-mmio network device (virtio 1.1: the MMIO
 * transport's version 2 registers, 4.2.2; the network device, 5.1): feature negotiation (VERSION_1,
 * and MAC when offered), receive queue 0 and transmit queue 1 as split virtqueues of NIC_RING
 * entries, each frame behind the 12-byte virtio_net_hdr with no offloads. The device is given this
 * domain's addresses as bus addresses: right only in a direct-map domain (bus == IPA == PA) or behind
 * an IOMMU that translates them. Polled: its interrupt is acknowledged, never waited for. */
#include <libfdt.h>

#include "lib/guest.h"
#include "nic.h"
#include "public/errno.h"

#define R_MAGIC      0x000u
#define R_VERSION    0x004u
#define R_DEVICE_ID  0x008u
#define R_DEV_FEAT   0x010u
#define R_DEV_FSEL   0x014u
#define R_DRV_FEAT   0x020u
#define R_DRV_FSEL   0x024u
#define R_QUEUE_SEL  0x030u
#define R_QUEUE_MAX  0x034u
#define R_QUEUE_NUM  0x038u
#define R_QUEUE_RDY  0x044u
#define R_NOTIFY     0x050u
#define R_INT_STATUS 0x060u
#define R_INT_ACK    0x064u
#define R_STATUS     0x070u
#define R_DESC       0x080u /* low word, high at +4 */
#define R_DRIVER     0x090u /* the available ring */
#define R_DEVICE     0x0a0u /* the used ring */
#define R_CONFIG     0x100u /* virtio_net_config: mac[6] first */

#define MAGIC         0x74726976u /* "virt" */
#define DEVICE_NET    1u
#define S_ACKNOWLEDGE 1u
#define S_DRIVER      2u
#define S_DRIVER_OK   4u
#define S_FEATURES_OK 8u
#define S_FAILED      128u
#define F_MAC         (1ull << 5)
#define F_VERSION_1   (1ull << 32)
#define HDR           12u /* virtio_net_hdr with num_buffers: VERSION_1 always has it */
#define RXQ           0u
#define TXQ           1u

_Static_assert(NIC_RING <= 16, "tx_busy has a bit per transmit descriptor");

static bool is_net(uint64_t mmio)
{
	return gl_read32(mmio + R_MAGIC) == MAGIC && gl_read32(mmio + R_VERSION) == 2 &&
	       gl_read32(mmio + R_DEVICE_ID) == DEVICE_NET;
}

/* The first virtio,mmio node with a network device behind it (QEMU's empty transports read
 * device ID 0, and version 1 is the legacy interface this driver does not speak). */
static int vio_probe(struct nic *n, const void *fdt)
{
	for (int node = fdt_node_offset_by_compatible(fdt, -1, "virtio,mmio"); node >= 0;
	     node = fdt_node_offset_by_compatible(fdt, node, "virtio,mmio")) {
		int len;
		const fdt32_t *reg = fdt_getprop(fdt, node, "reg", &len);
		if (!reg || len != 16)
			continue;
		uint64_t mmio = (uint64_t)fdt32_to_cpu(reg[0]) << 32 | fdt32_to_cpu(reg[1]);
		if (is_net(mmio)) {
			n->mmio = mmio;
			return 0;
		}
	}
	return -XEN_ENODEV;
}

static int queue(struct nic *n, unsigned sel, struct vq *q, uint64_t base)
{
	gl_write32(n->mmio + R_QUEUE_SEL, sel);
	if (gl_read32(n->mmio + R_QUEUE_RDY) || gl_read32(n->mmio + R_QUEUE_MAX) < NIC_RING)
		return -XEN_ENODEV;
	vq_init(q, base, NIC_RING);
	gl_write32(n->mmio + R_QUEUE_NUM, NIC_RING);
	const uint64_t at[3][2] = { { R_DESC, q->desc }, { R_DRIVER, q->avail }, { R_DEVICE, q->used } };
	for (unsigned i = 0; i < 3; i++) {
		gl_write32(n->mmio + at[i][0], (uint32_t)at[i][1]);
		gl_write32(n->mmio + at[i][0] + 4, (uint32_t)(at[i][1] >> 32));
	}
	gl_write32(n->mmio + R_QUEUE_RDY, 1);
	return 0;
}

/* Initialisation in the order of virtio 1.1, 3.1.1: reset, ACKNOWLEDGE, DRIVER, features,
 * FEATURES_OK (read back), queues, DRIVER_OK. */
static int bring_up(struct nic *n, uint64_t area, uint64_t stage, size_t rx_boff)
{
	uint64_t offered, want;

	gl_write32(n->mmio + R_STATUS, 0);
	gl_write32(n->mmio + R_STATUS, S_ACKNOWLEDGE);
	gl_write32(n->mmio + R_STATUS, S_ACKNOWLEDGE | S_DRIVER);
	gl_write32(n->mmio + R_DEV_FSEL, 1);
	offered = (uint64_t)gl_read32(n->mmio + R_DEV_FEAT) << 32;
	gl_write32(n->mmio + R_DEV_FSEL, 0);
	offered |= gl_read32(n->mmio + R_DEV_FEAT);
	if (!(offered & F_VERSION_1))
		return -XEN_ENODEV;
	want = offered & (F_VERSION_1 | F_MAC);
	gl_write32(n->mmio + R_DRV_FSEL, 0);
	gl_write32(n->mmio + R_DRV_FEAT, (uint32_t)want);
	gl_write32(n->mmio + R_DRV_FSEL, 1);
	gl_write32(n->mmio + R_DRV_FEAT, (uint32_t)(want >> 32));
	gl_write32(n->mmio + R_STATUS, S_ACKNOWLEDGE | S_DRIVER | S_FEATURES_OK);
	if (!(gl_read32(n->mmio + R_STATUS) & S_FEATURES_OK))
		return -XEN_EINVAL;
	int rc = queue(n, RXQ, &n->vio.rxq, area);
	rc = rc ?: queue(n, TXQ, &n->vio.txq, area + VQ_BYTES);
	if (rc)
		return rc;
	for (uint16_t i = 0; i < NIC_RING; i++) {
		vq_set_desc(&n->vio.rxq, i, stage + rx_boff + i * NIC_BUF, NIC_BUF, VQ_DESC_F_WRITE);
		vq_post(&n->vio.rxq, i);
	}
	gl_write32(n->mmio + R_STATUS, S_ACKNOWLEDGE | S_DRIVER | S_FEATURES_OK | S_DRIVER_OK);
	gl_write32(n->mmio + R_NOTIFY, RXQ);
	if (want & F_MAC) {
		uint32_t lo = gl_read32(n->mmio + R_CONFIG), hi = gl_read32(n->mmio + R_CONFIG + 4);
		for (unsigned i = 0; i < 6; i++)
			n->vio.mac[i] = (uint8_t)((i < 4 ? lo >> (8 * i) : hi >> (8 * (i - 4))) & 0xff);
	}
	gl_printf("netback: virtio-net: features %#llx of %#llx, %u-entry queues, mac %02x:%02x:%02x:%02x:%02x:%02x\n",
		  (unsigned long long)want, (unsigned long long)offered, NIC_RING, n->vio.mac[0], n->vio.mac[1],
		  n->vio.mac[2], n->vio.mac[3], n->vio.mac[4], n->vio.mac[5]);
	return 0;
}

static void vio_start(struct nic *n, uint64_t area, uint64_t stage, size_t rx_boff)
{
	n->vio.failed = bring_up(n, area, stage, rx_boff);
	if (n->vio.failed) {
		gl_write32(n->mmio + R_STATUS, gl_read32(n->mmio + R_STATUS) | S_FAILED);
		gl_printf("netback: virtio-net: FAIL: the device refused initialisation (%d)\n", n->vio.failed);
	}
}

static int vio_rx(struct nic *n, size_t *boff, unsigned *len)
{
	uint32_t got, isr = gl_read32(n->mmio + R_INT_STATUS);

	if (isr)
		gl_write32(n->mmio + R_INT_ACK, isr); /* polled: keep the line low */
	if (n->vio.failed || vq_take(&n->vio.rxq, &n->vio.rx_id, &got) != 1)
		return 0;
	*boff = n->rx_boff + (size_t)n->vio.rx_id * NIC_BUF + HDR;
	*len = got > HDR && got <= NIC_BUF ? got - HDR : 0;
	n->vio.dropped += *len == 0;
	return 1;
}

static void vio_rx_done(struct nic *n)
{
	vq_post(&n->vio.rxq, n->vio.rx_id);
	gl_write32(n->mmio + R_NOTIFY, RXQ);
}

/* Descriptors the device has finished with are free again. */
static void reclaim(struct nic *n)
{
	uint16_t id;
	uint32_t len;

	while (vq_take(&n->vio.txq, &id, &len) == 1)
		n->vio.tx_busy &= (uint16_t) ~(1u << id);
}

/* Header and frame copied into a transmit buffer of our own, one descriptor each, so the staging
 * area is free again as soon as this returns. */
static int vio_tx(struct nic *n, size_t boff, unsigned len)
{
	uint8_t frame[NIC_BUF] = { 0 };
	unsigned i = 0;

	if (n->vio.failed)
		return -XEN_EIO;
	if (len > NIC_BUF - HDR)
		return -XEN_EINVAL;
	reclaim(n);
	while (i < NIC_RING && (n->vio.tx_busy >> i & 1))
		i++;
	if (i == NIC_RING)
		return -XEN_EBUSY;
	gl_copy_from(n->stage + boff, frame + HDR, len);
	gl_copy_to(n->txbuf + i * NIC_BUF, frame, HDR + len);
	vq_set_desc(&n->vio.txq, (uint16_t)i, n->txbuf + i * NIC_BUF, HDR + len, 0);
	n->vio.tx_busy |= (uint16_t)(1u << i);
	vq_post(&n->vio.txq, (uint16_t)i);
	gl_write32(n->mmio + R_NOTIFY, TXQ);
	return 0;
}

static uint32_t vio_missed(const struct nic *n) { return n->vio.dropped; }

const struct nic_ops nic_virtio_ops = {
	.name = "virtio-net (virtio-mmio)",
	.probe = vio_probe,
	.start = vio_start,
	.rx = vio_rx,
	.rx_done = vio_rx_done,
	.tx = vio_tx,
	.missed = vio_missed,
};
