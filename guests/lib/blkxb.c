#include "lib/blkxb.h"

#include "core/format.h"
#include "public/errno.h"

static int key_path(char *buf, const char *dir, const char *key)
{
	int n = key ? fmt_snprintf(buf, BLKXB_PATH, "%s/%s", dir, key) : fmt_snprintf(buf, BLKXB_PATH, "%s", dir);
	return n > 0 && (unsigned)n < BLKXB_PATH ? 0 : -XEN_E2BIG;
}

int blkxb_read_u64(struct xs_client *c, const char *dir, const char *key, uint64_t *v)
{
	char path[BLKXB_PATH], val[24];
	int rc = key_path(path, dir, key);

	rc = rc ?: xs_read(c, XS_TX_NONE, path, val, sizeof(val));
	if (rc < 0)
		return rc;
	if (rc == 0)
		return -XEN_EINVAL;
	uint64_t x = 0;
	for (int i = 0; i < rc; i++) {
		if (val[i] < '0' || val[i] > '9' || x > (UINT64_MAX - 9) / 10)
			return -XEN_EINVAL;
		x = x * 10 + (uint64_t)(val[i] - '0');
	}
	*v = x;
	return 0;
}

int blkxb_write_u64(struct xs_client *c, const char *dir, const char *key, uint64_t v)
{
	char path[BLKXB_PATH], val[24];
	int rc = key_path(path, dir, key);

	fmt_snprintf(val, sizeof(val), "%llu", (unsigned long long)v);
	return rc ?: xs_write(c, XS_TX_NONE, path, val);
}

enum xenbus_state blkxb_state(struct xs_client *c, const char *dir)
{
	uint64_t v;
	return blkxb_read_u64(c, dir, "state", &v) || v > XenbusStateReconfigured ? XenbusStateUnknown :
										    (enum xenbus_state)v;
}

int blkxb_set_state(struct xs_client *c, const char *dir, enum xenbus_state s)
{
	return blkxb_write_u64(c, dir, "state", (uint64_t)s);
}

void blkxb_front_path(char *buf, domid_t fe, unsigned dev)
{
	fmt_snprintf(buf, BLKXB_PATH, "/local/domain/%u/device/vbd/%u", (unsigned)fe, dev);
}

void blkxb_back_path(char *buf, domid_t be, domid_t fe, unsigned dev)
{
	fmt_snprintf(buf, BLKXB_PATH, "/local/domain/%u/backend/vbd/%u/%u", (unsigned)be, (unsigned)fe, dev);
}

int blkxb_share(struct xs_client *c, const char *path, domid_t owner, domid_t reader)
{
	char perms[16];
	int a = fmt_snprintf(perms, sizeof(perms), "n%u", (unsigned)owner) + 1;
	int b = fmt_snprintf(perms + a, sizeof(perms) - (size_t)a, "r%u", (unsigned)reader) + 1;

	return xs_set_perms(c, XS_TX_NONE, path, perms, (size_t)(a + b));
}
