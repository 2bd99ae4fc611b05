/* The virt board's device tree, built with libfdt, describing what the board really has. */
#ifndef KESTREL_MACHINE_VIRT_FDT_H
#define KESTREL_MACHINE_VIRT_FDT_H

#include <stddef.h>
#include <stdint.h>

struct virt_fdt_params {
    uint64_t ram_base, ram_size;
    unsigned nr_harts;
    const char *bootargs;
    uint64_t initrd_start, initrd_end; /* both 0 without an initrd */
    /* /chosen/rng-seed, from the host's getrandom(), as QEMU passes it: Linux credits it, so
     * its random pool is ready at boot. NULL for none. */
    const uint8_t *rng_seed;
};

#define VIRT_RNG_SEED_SIZE 32

/* A malloc'd flattened device tree, or NULL; *size gets its total size. */
void *virt_fdt_build(const struct virt_fdt_params *p, size_t *size);

#endif
