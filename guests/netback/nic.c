#include "nic.h"

#include "lib/guest.h"
#include "public/errno.h"

int nic_probe(struct nic *n, const void *fdt)
{
	static const struct nic_ops *const drivers[] = { &nic_sim_ops, &nic_virtio_ops };

	for (unsigned i = 0; i < sizeof(drivers) / sizeof(drivers[0]); i++) {
		*n = (struct nic){ .ops = drivers[i] };
		if (!drivers[i]->probe(n, fdt)) {
			gl_printf("netback: card: %s at %#llx\n", drivers[i]->name, (unsigned long long)n->mmio);
			return 0;
		}
	}
	n->ops = NULL;
	return -XEN_ENODEV;
}

void nic_start(struct nic *n, uint64_t area, uint64_t stage, size_t rx_boff)
{
	n->stage = stage;
	n->rx_boff = rx_boff;
	n->txbuf = area + 2 * VQ_BYTES;
	n->ops->start(n, area, stage, rx_boff);
}

int nic_rx(struct nic *n, size_t *boff, unsigned *len) { return n->ops->rx(n, boff, len); }
void nic_rx_done(struct nic *n) { n->ops->rx_done(n); }
int nic_tx(struct nic *n, size_t boff, unsigned len) { return n->ops->tx(n, boff, len); }
uint32_t nic_missed(const struct nic *n) { return n->ops->missed(n); }
