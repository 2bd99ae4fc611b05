/*
 * libFuzzer harness for the split-virtqueue walker (hw/virtio/virtq.c). Each input is a hostile
 * driver's whole view of one queue: its size, its three ring addresses and the contents of
 * guest RAM (descriptor tables, avail ring, indirect tables, buffers). The harness activates
 * the queue and plays the device: pop, read and write each chain, push, decide interrupts, arm
 * notifications. The property checked is the one virtq.h promises: every buffer the walker
 * hands out lies inside guest RAM, whatever the guest wrote. A breach abort()s, and so does any
 * broken promise of the API (return values, chain totals, copy lengths).
 *
 * Input layout (little-endian):
 *   0       flags: bit 0 EVENT_IDX; bit 1 take the queue size raw from bytes 2-3 (invalid sizes
 *           too); bits 2-3 the RAM layout (layouts[] below); bit 4 activate the queue a second
 *           time after the first run (a driver reset) and run again
 *   1       queue size as a power of two: 1 << (byte % 7), so 1 to 64
 *   2-3     raw queue size
 *   4       how each area's address is made, 2 bits each (desc 0-1, avail 2-3, used 4-5):
 *           0 an aligned offset into RAM below 8 KiB (short inputs reach there), 1 an aligned
 *           offset below 64 KiB, 2 the same unaligned, 3 the field itself, a raw 64-bit gpa
 *   5-6     bytes per virtq_chain_read / virtq_chain_write call, minus one
 *   7       where the RAM contents go: at offset 64 * byte (so that a short input can place a
 *           table at a region's end)
 *   8-31    three 8-byte address fields: desc, avail, used
 *   32-     guest RAM contents; the rest of RAM is zero
 *
 * Offsets into RAM (input bytes and ring offsets) count across the regions laid end to end,
 * holes skipped, and wrap around at the RAM size.
 *
 * RAM is allocated once and reused; the pages an input dirtied are zeroed before the next.
 */
#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "core/memory.h"
#include "hw/virtio/virtq.h"

#define PAGE 4096u
#define GUARD (1u << 20) /* PROT_NONE on each side of every region */
#define HEADER 32
#define WINDOW 0x10000u   /* ring offsets (modes 1, 2) reach 64 KiB into RAM */
#define NEAR 0x2000u      /* ring offsets (mode 0) stay below 8 KiB */
#define MAX_POPS 64       /* chains taken per activation */
#define MAX_COPY_CALLS 16 /* virtq_chain_read/write calls per chain and direction */
#define MAX_COPY (128u << 10)

/*
 * Three RAM layouts: one 64 KiB region; a 4 KiB region, a hole, then one large enough for a
 * chain to exceed VIRTQ_MAX_CHAIN_BYTES with a single buffer; and 4 KiB at each end of the
 * address space, where every gpa + len sum is near overflow. The small regions put a region's
 * end within the input's reach, so rings and tables can be made to end exactly there.
 */
static const struct layout {
    unsigned n;
    uint64_t gpa[2], size[2];
} layouts[3] = {
    {1, {0x80000000ull}, {64u << 10}},
    {2, {0x80000000ull, 0x80010000ull}, {4u << 10, 72u << 20}},
    {2, {0, 0xfffffffffffff000ull - PAGE}, {PAGE, PAGE}},
};

struct ram {
    struct guest_memory mem;
    uint64_t *dirty[GUEST_RAM_MAX_REGIONS]; /* one bit per page written since the last clear */
};

static struct ram rams[3];
static struct virtq_chain chain;
static uint8_t scratch[MAX_COPY];

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void die(const char *what)
{
    fprintf(stderr, "fuzz_virtq: %s\n", what);
    abort();
}

/*
 * Moves a region's host mapping between two PROT_NONE guards, so that an access the walker
 * makes just past guest RAM faults even when it is no buffer it hands out (a descriptor read
 * past a table's end, say), which the checks on chains would not see.
 */
static void guard_region(struct guest_ram_region *r)
{
    uint8_t *area = mmap(NULL, r->size + 2 * GUARD, PROT_NONE,
                         MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    if (area == MAP_FAILED)
        die("cannot reserve guard pages");
    void *moved = mremap(r->host, r->size, r->size, MREMAP_MAYMOVE | MREMAP_FIXED, area + GUARD);
    if (moved == MAP_FAILED)
        die("cannot move guest RAM between guard pages");
    r->host = moved;
}

static void ram_init(void)
{
    for (unsigned l = 0; l < 3; l++) {
        struct ram *ram = &rams[l];
        for (unsigned i = 0; i < layouts[l].n; i++) {
            if (guest_memory_add_ram(&ram->mem, layouts[l].gpa[i], layouts[l].size[i]) < 0)
                die("guest_memory_add_ram failed");
        }
        for (unsigned i = 0; i < ram->mem.nr_regions; i++) {
            guard_region(&ram->mem.region[i]);
            ram->dirty[i] = calloc(ram->mem.region[i].size / PAGE / 64 + 1, 8);
            if (!ram->dirty[i])
                die("out of memory");
        }
    }
}

/* The region holding host pointer p, or -1. */
static int region_of(const struct guest_memory *mem, const uint8_t *p)
{
    for (unsigned i = 0; i < mem->nr_regions; i++) {
        uintptr_t base = (uintptr_t)mem->region[i].host;
        if ((uintptr_t)p >= base && (uintptr_t)p - base < mem->region[i].size)
            return (int)i;
    }
    return -1;
}

/* The property: [p, p + len) lies inside one RAM region. */
static void check_in_ram(const struct guest_memory *mem, const uint8_t *p, uint64_t len)
{
    int i = region_of(mem, p);

    if (len == 0 || i < 0)
        die("a host pointer outside guest RAM (or an empty range)");
    const struct guest_ram_region *r = &mem->region[i];
    if (len > r->size - (uint64_t)(p - r->host))
        die("a host range runs past the end of its RAM region");
}

static void mark_dirty(struct ram *ram, const uint8_t *p, uint64_t len)
{
    int i = region_of(&ram->mem, p);

    if (len == 0)
        return;
    if (i < 0)
        die("a write outside guest RAM");
    uint64_t first = (uint64_t)(p - ram->mem.region[i].host) / PAGE;
    uint64_t last = ((uint64_t)(p - ram->mem.region[i].host) + len - 1) / PAGE;
    for (uint64_t pg = first; pg <= last; pg++)
        ram->dirty[i][pg / 64] |= 1ull << (pg % 64);
}

static void ram_clear(struct ram *ram)
{
    for (unsigned i = 0; i < ram->mem.nr_regions; i++) {
        uint64_t pages = ram->mem.region[i].size / PAGE;
        for (uint64_t w = 0; w * 64 < pages; w++) {
            for (uint64_t bits = ram->dirty[i][w]; bits; bits &= bits - 1) {
                uint64_t pg = w * 64 + (uint64_t)__builtin_ctzll(bits);
                memset(ram->mem.region[i].host + pg * PAGE, 0, PAGE);
            }
            ram->dirty[i][w] = 0;
        }
    }
}

/* Offset off of the window: the regions laid end to end, holes skipped, repeated. */
static uint64_t window_gpa(const struct guest_memory *mem, uint64_t off)
{
    off %= guest_memory_size(mem);
    for (unsigned i = 0; i < mem->nr_regions; i++) {
        if (off < mem->region[i].size)
            return mem->region[i].gpa + off;
        off -= mem->region[i].size;
    }
    return UINT64_MAX; /* not reached */
}

static void ram_load(struct ram *ram, uint64_t at, const uint8_t *bytes, size_t len)
{
    if (len > guest_memory_size(&ram->mem))
        len = guest_memory_size(&ram->mem);
    for (uint64_t off = 0; off < len;) {
        uint64_t gpa = window_gpa(&ram->mem, at + off);
        int i = region_of(&ram->mem, gpa_to_host(&ram->mem, gpa, 1));
        const struct guest_ram_region *r = &ram->mem.region[i];
        uint64_t n = r->size - (gpa - r->gpa);
        if (n > len - off)
            n = len - off;
        memcpy(r->host + (gpa - r->gpa), bytes + off, n);
        mark_dirty(ram, r->host + (gpa - r->gpa), n);
        off += n;
    }
}

static uint64_t get64(const uint8_t *p)
{
    uint64_t v;
    memcpy(&v, p, 8);
    return v;
}

static uint64_t area_gpa(const struct guest_memory *mem, unsigned mode, uint64_t field,
                         uint64_t align)
{
    switch (mode & 3) {
    case 0: return window_gpa(mem, (field % NEAR) & ~(align - 1));
    case 1: return window_gpa(mem, (field % WINDOW) & ~(align - 1));
    case 2: return window_gpa(mem, field % WINDOW);
    default: return field;
    }
}

/* Checks what virtq.h promises of a popped chain. */
static void check_chain(const struct virtq *vq, const struct guest_memory *mem,
                        const struct virtq_chain *c)
{
    uint64_t readable = 0, writable = 0;

    if (c->head >= vq->num || c->nsegs > VIRTQ_MAX_SEGS)
        die("a chain's head or segment count is out of range");
    for (unsigned i = 0; i < c->nsegs; i++) {
        const struct virtq_seg *s = &c->seg[i];
        check_in_ram(mem, s->host, s->len);
        if (s->device_writes)
            writable += s->len;
        else if (writable)
            die("a readable segment after a writable one");
        else
            readable += s->len;
    }
    if (readable != c->readable_bytes || writable != c->writable_bytes)
        die("a chain's byte totals disagree with its segments");
    if (readable > VIRTQ_MAX_CHAIN_BYTES || writable > VIRTQ_MAX_CHAIN_BYTES)
        die("a chain carries more bytes than the cap");
}

/* Marks the guest pages virtq_chain_write(c, off, ., len) wrote, walking the chain as it does. */
static void mark_written(struct ram *ram, const struct virtq_chain *c, uint64_t off, size_t len)
{
    for (unsigned i = 0; i < c->nsegs && len; i++) {
        const struct virtq_seg *s = &c->seg[i];
        if (!s->device_writes)
            continue;
        if (off >= s->len) {
            off -= s->len;
            continue;
        }
        size_t n = s->len - off < len ? (size_t)(s->len - off) : len;
        mark_dirty(ram, s->host + off, n);
        len -= n;
        off = 0;
    }
}

/* One virtq_chain_read (w 0) or virtq_chain_write (w 1) at off, checked against the totals. */
static size_t copy_once(struct ram *ram, const struct virtq_chain *c, int w, uint64_t off,
                        size_t chunk)
{
    uint64_t total = w ? c->writable_bytes : c->readable_bytes;
    size_t want = off >= total ? 0 : total - off < chunk ? (size_t)(total - off) : chunk;
    size_t got;

    if (w) {
        got = virtq_chain_write(c, off, scratch, chunk);
        mark_written(ram, c, off, got);
    } else {
        got = virtq_chain_read(c, off, scratch, chunk);
    }
    if (got != want)
        die("a chain copy moved the wrong number of bytes");
    return got;
}

/*
 * Reads the chain's readable bytes, then writes them back into its writable ones (an echo
 * device), chunk bytes per call: from the start, at most MAX_COPY_CALLS calls and MAX_COPY
 * bytes, then the last chunk, then one call just past the end. Returns the bytes written.
 */
static uint32_t copy_chain(struct ram *ram, const struct virtq_chain *c, size_t chunk)
{
    uint64_t written = 0;

    for (int w = 0; w < 2; w++) {
        uint64_t total = w ? c->writable_bytes : c->readable_bytes, off = 0;
        for (int calls = 0; calls < MAX_COPY_CALLS && off < total && off < MAX_COPY; calls++) {
            size_t got = copy_once(ram, c, w, off, chunk);
            if (w)
                written += got;
            off += chunk;
        }
        if (off < total)
            copy_once(ram, c, w, total - (total < chunk ? total : chunk), chunk);
        copy_once(ram, c, w, total, chunk);
    }
    return written < c->writable_bytes ? (uint32_t)written : (uint32_t)c->writable_bytes;
}

static void check_broken(struct virtq *vq, const struct guest_memory *mem)
{
    if (!vq->broken || !vq->why)
        die("virtq_pop failed without marking the queue broken");
    if (virtq_pop(vq, mem, &chain) != -EIO || virtq_arm_notify(vq))
        die("a broken queue is still used");
}

/* Plays the device on an activated queue, at most MAX_POPS chains. */
static void run_queue(struct ram *ram, struct virtq *vq, size_t chunk)
{
    for (int i = 0; i < MAX_POPS; i++) {
        int r = virtq_pop(vq, &ram->mem, &chain);
        if (r == -EIO) {
            check_broken(vq, &ram->mem);
            return;
        }
        if (r == 0) {
            if (!virtq_arm_notify(vq)) /* nothing new: the device would sleep */
                return;
            continue;
        }
        if (r != 1)
            die("virtq_pop returned something other than 1, 0 or -EIO");
        check_chain(vq, &ram->mem, &chain);
        uint32_t written = copy_chain(ram, &chain, chunk);
        virtq_push(vq, chain.head, written);
        (void)virtq_should_notify(vq);
        (void)virtq_arm_notify(vq);
    }
}

static void activate_and_run(struct ram *ram, struct virtq *vq, bool event_idx, size_t chunk)
{
    int r = virtq_activate(vq, &ram->mem, VIRTQ_MAX_SIZE, event_idx);

    if (r < 0) {
        if (r != -EINVAL || vq->active || !vq->why)
            die("virtq_activate failed without saying why");
        if (virtq_pop(vq, &ram->mem, &chain) != 0 || virtq_arm_notify(vq))
            die("a queue that failed to activate is used");
        return;
    }
    if (r != 0 || !vq->active)
        die("virtq_activate returned something other than 0 or -EINVAL");
    uint64_t e = event_idx ? 2 : 0;
    check_in_ram(&ram->mem, vq->desc, 16ull * vq->num);
    check_in_ram(&ram->mem, vq->avail, 4 + 2ull * vq->num + e);
    check_in_ram(&ram->mem, vq->used, 4 + 8ull * vq->num + e);
    mark_dirty(ram, vq->used, 4 + 8ull * vq->num + e); /* the device writes only there */
    run_queue(ram, vq, chunk);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static bool ready;

    if (!ready) {
        ram_init();
        ready = true;
    }
    if (size < HEADER)
        return 0;

    uint8_t flags = data[0];
    struct ram *ram = &rams[((flags >> 2) & 3) % 3]; /* layout 3 is layout 0 */
    ram_clear(ram);
    ram_load(ram, 64u * data[7], data + HEADER, size - HEADER);

    struct virtq vq;
    virtq_reset(&vq);
    vq.num = (flags & 2) ? (uint16_t)(data[2] | data[3] << 8) : (uint16_t)(1u << (data[1] % 7));
    vq.desc_gpa = area_gpa(&ram->mem, data[4], get64(data + 8), 16);
    vq.avail_gpa = area_gpa(&ram->mem, data[4] >> 2, get64(data + 16), 2);
    vq.used_gpa = area_gpa(&ram->mem, data[4] >> 4, get64(data + 24), 4);
    size_t chunk = 1 + (size_t)(data[5] | data[6] << 8); /* up to 64 KiB: scratch holds it */

    activate_and_run(ram, &vq, flags & 1, chunk);
    if (flags & 16)
        activate_and_run(ram, &vq, flags & 1, chunk);
    return 0;
}
