/* The RISC-V Linux kernel Image header (Documentation/arch/riscv/boot-image-header.rst). */
#ifndef KESTREL_MACHINE_VIRT_RISCV_IMAGE_H
#define KESTREL_MACHINE_VIRT_RISCV_IMAGE_H

#include <stddef.h>
#include <stdint.h>

#define RISCV_IMAGE_HEADER_SIZE 64

struct riscv_image {
    uint64_t text_offset; /* the offset from a 2 MiB boundary the kernel asks to load at */
    uint64_t load_size;   /* bytes the kernel occupies once running: file and bss */
    uint32_t version;     /* header version, major << 16 | minor */
    int has_pe_header;    /* an EFI stub: the file also starts like a PE image */
};

/*
 * Checks that buf holds a 64-bit RISC-V kernel Image. Returns 0, or -ENOEXEC when buf is not
 * an Image at all, or -EINVAL when the header is inconsistent, with *why saying what is
 * wrong. A gzip-compressed Image is recognised and refused with its own reason.
 */
int riscv_image_parse(const uint8_t *buf, size_t len, struct riscv_image *img,
                      const char **why);

#endif
