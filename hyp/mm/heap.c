/* Small objects live in slabs: one DOMID_XEN frame per slab, a header, then equal slots of one
 * size class. Larger objects take whole frames, remembered in a list so a free can be checked. */
#include "mm/heap.h"

#include "core/panic.h"
#include "core/spinlock.h"
#include "hal/mmu.h"
#include "mm/frame.h"

#define HDR   64
#define MAGIC UINT64_C(0x68616c6379686561) /* "haelcyhea", mixed with the slab's PA */

/* Multiples of 16 (the alignment every object gets) that divide the slab's 4032 bytes well. */
static const uint16_t class_size[] = { 16, 32, 48, 64, 96, 128, 192, 256, 336, 448, 672, 1008, 1344, 2016 };
#define NCLASS    (sizeof(class_size) / sizeof(class_size[0]))
#define SLOTS_MAX ((PAGE_SIZE - HDR) / 16)

struct slab {
	uint64_t check;           /* MAGIC ^ own PA: tells a slab from any other frame */
	struct slab *next, *prev; /* the class's slabs with a free slot */
	uint16_t cls, used;
	uint64_t map[(SLOTS_MAX + 63) / 64]; /* slots in use */
};
_Static_assert(sizeof(struct slab) <= HDR, "slab header outgrew its room");

struct large {
	void *p;
	unsigned order;
	struct large *next;
};

static spinlock_t lock = SPINLOCK_INIT;
static struct slab *partial[NCLASS];
static struct large *large;
static uint64_t in_use;

/* The smallest class that holds @size; NCLASS when none does. */
static unsigned class_of(size_t size)
{
	unsigned cls = 0;

	while (cls < NCLASS && class_size[cls] < size)
		cls++;
	return cls;
}

static unsigned slots(unsigned cls) { return (unsigned)((PAGE_SIZE - HDR) / class_size[cls]); }

static void partial_push(struct slab *s)
{
	s->prev = NULL;
	s->next = partial[s->cls];
	if (s->next)
		s->next->prev = s;
	partial[s->cls] = s;
}

static void partial_unlink(struct slab *s)
{
	if (s->prev)
		s->prev->next = s->next;
	else
		partial[s->cls] = s->next;
	if (s->next)
		s->next->prev = s->prev;
	s->next = s->prev = NULL;
}

static void *slab_alloc(unsigned cls)
{
	struct slab *s = partial[cls];

	if (!s) {
		paddr_t pa;
		if (frame_alloc(DOMID_XEN, 0, &pa))
			return NULL;
		s = hal_pa_to_va(pa);
		s->check = MAGIC ^ pa_addr(pa);
		s->cls = (uint16_t)cls;
		partial_push(s);
	}
	unsigned i = 0;
	while (s->map[i / 64] & (UINT64_C(1) << (i % 64)))
		i++;
	ASSERT(i < slots(cls));
	s->map[i / 64] |= UINT64_C(1) << (i % 64);
	if (++s->used == slots(cls))
		partial_unlink(s);
	in_use += class_size[cls];
	void *p = (char *)s + HDR + (size_t)i * class_size[cls];
	__builtin_memset(p, 0, class_size[cls]);
	return p;
}

/* Frees a slot, asserting it is one: a pointer into anything else, or a slot already free, is a
 * hypervisor bug that would otherwise corrupt whatever shares the frame. */
static void slab_free(void *p)
{
	struct slab *s = (struct slab *)((uintptr_t)p & ~(uintptr_t)PAGE_MASK);
	paddr_t pa = hal_va_to_pa(s);

	ASSERT(frame_owner(pa) == DOMID_XEN && s->check == (MAGIC ^ pa_addr(pa)));
	ASSERT(s->cls < NCLASS);
	size_t off = (size_t)((char *)p - (char *)s) - HDR, size = class_size[s->cls];
	unsigned i = (unsigned)(off / size);
	ASSERT((char *)p >= (char *)s + HDR && off % size == 0 && i < slots(s->cls));
	ASSERT(s->map[i / 64] & (UINT64_C(1) << (i % 64))); /* double free */
	s->map[i / 64] &= ~(UINT64_C(1) << (i % 64));
	in_use -= size;
	if (s->used-- == slots(s->cls))
		partial_push(s);
	if (s->used == 0) {
		partial_unlink(s);
		s->check = 0;
		int rc = frame_free(DOMID_XEN, pa, 0);
		ASSERT(rc == 0);
	}
}

static void *large_alloc(size_t size)
{
	unsigned order = 0;
	paddr_t pa;

	while ((PAGE_SIZE << order) < size)
		if (++order > FRAME_MAX_ORDER)
			return NULL;
	struct large *l = slab_alloc(class_of(sizeof(*l)));
	if (!l)
		return NULL;
	if (frame_alloc(DOMID_XEN, order, &pa)) {
		slab_free(l);
		return NULL;
	}
	*l = (struct large){ hal_pa_to_va(pa), order, large };
	large = l;
	in_use += PAGE_SIZE << order;
	return l->p;
}

static void large_free(void *p)
{
	struct large **pp = &large;

	while (*pp && (*pp)->p != p)
		pp = &(*pp)->next;
	ASSERT(*pp); /* not from heap_alloc, or freed already */
	struct large *l = *pp;
	*pp = l->next;
	in_use -= PAGE_SIZE << l->order;
	int rc = frame_free(DOMID_XEN, hal_va_to_pa(p), l->order);
	ASSERT(rc == 0);
	slab_free(l);
}

void *heap_alloc(size_t size)
{
	unsigned cls = class_of(size);
	void *p;

	if (size == 0)
		return NULL;
	spin_lock(&lock);
	p = cls < NCLASS ? slab_alloc(cls) : large_alloc(size);
	spin_unlock(&lock);
	return p;
}

void heap_free(void *p)
{
	if (!p)
		return;
	spin_lock(&lock);
	if (((uintptr_t)p & PAGE_MASK) == 0)
		large_free(p); /* slab slots never start a frame: the header does */
	else
		slab_free(p);
	spin_unlock(&lock);
}

uint64_t heap_bytes_in_use(void)
{
	spin_lock(&lock);
	uint64_t n = in_use;
	spin_unlock(&lock);
	return n;
}
