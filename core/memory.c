/* Guest physical memory: RAM regions and the one checked gpa -> host translation. */
#include "core/memory.h"

#include <errno.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <unistd.h>

#ifndef PR_SET_VMA
#define PR_SET_VMA 0x53564d41
#define PR_SET_VMA_ANON_NAME 0
#endif

#define GUEST_PAGE_SIZE 4096u

static int guest_memory_overlaps(const struct guest_memory *mem, uint64_t gpa, uint64_t end)
{
    for (unsigned i = 0; i < mem->nr_regions; i++) {
        const struct guest_ram_region *r = &mem->region[i];
        if (gpa < r->gpa + r->size && r->gpa < end)
            return 1;
    }
    return 0;
}

static void guest_memory_insert_sorted(struct guest_memory *mem, struct guest_ram_region r)
{
    unsigned i = mem->nr_regions;

    while (i > 0 && mem->region[i - 1].gpa > r.gpa) {
        mem->region[i] = mem->region[i - 1];
        i--;
    }
    mem->region[i] = r;
    mem->nr_regions++;
}

int guest_memory_add_ram(struct guest_memory *mem, uint64_t gpa, uint64_t size)
{
    uint64_t end = gpa + size;

    if (size == 0 || end < gpa || (gpa | size) % GUEST_PAGE_SIZE)
        return -EINVAL;
    if (mem->nr_regions == GUEST_RAM_MAX_REGIONS || guest_memory_overlaps(mem, gpa, end))
        return -EINVAL;

    void *host = mmap(NULL, size, PROT_READ | PROT_WRITE,
                      MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    if (host == MAP_FAILED)
        return -ENOMEM;
    /*
     * Names the mapping in /proc/PID/smaps so tools can tell guest RAM from VMM memory.
     * Kernels without CONFIG_ANON_VMA_NAME refuse; the name is a convenience only.
     */
    prctl(PR_SET_VMA, PR_SET_VMA_ANON_NAME, (unsigned long)host, size, "kestrel-guest-ram");
    /* Huge host pages cut TLB misses for the guest, as QEMU does for its RAM. Advice only. */
    madvise(host, size, MADV_HUGEPAGE);

    guest_memory_insert_sorted(mem, (struct guest_ram_region){gpa, size, host});
    return 0;
}

void guest_memory_free(struct guest_memory *mem)
{
    for (unsigned i = 0; i < mem->nr_regions; i++)
        munmap(mem->region[i].host, mem->region[i].size);
    mem->nr_regions = 0;
}

void *gpa_to_host(const struct guest_memory *mem, uint64_t gpa, uint64_t len)
{
    if (len == 0 || gpa + len < gpa)
        return NULL;
    for (unsigned i = 0; i < mem->nr_regions; i++) {
        const struct guest_ram_region *r = &mem->region[i];
        /* Written so that no sum can overflow: gpa >= r->gpa is checked first. */
        if (gpa >= r->gpa && gpa - r->gpa < r->size && len <= r->size - (gpa - r->gpa))
            return r->host + (gpa - r->gpa);
    }
    return NULL;
}

int guest_memory_write(const struct guest_memory *mem, uint64_t gpa, const void *src,
                       uint64_t len)
{
    if (len == 0)
        return 0;
    void *dst = gpa_to_host(mem, gpa, len);

    if (!dst)
        return -EFAULT;
    memcpy(dst, src, len);
    return 0;
}

int guest_memory_read(const struct guest_memory *mem, uint64_t gpa, void *dst, uint64_t len)
{
    if (len == 0)
        return 0;
    const void *src = gpa_to_host(mem, gpa, len);

    if (!src)
        return -EFAULT;
    memcpy(dst, src, len);
    return 0;
}

int guest_memory_fill(const struct guest_memory *mem, uint64_t gpa, int byte, uint64_t len)
{
    if (len == 0)
        return 0;
    void *dst = gpa_to_host(mem, gpa, len);

    if (!dst)
        return -EFAULT;
    memset(dst, byte, len);
    return 0;
}

uint64_t guest_memory_size(const struct guest_memory *mem)
{
    uint64_t total = 0;

    for (unsigned i = 0; i < mem->nr_regions; i++)
        total += mem->region[i].size;
    return total;
}
