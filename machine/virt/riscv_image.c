/* The RISC-V Linux kernel Image header: identification and the sizes a loader needs. */
#include "machine/virt/riscv_image.h"

#include <errno.h>
#include <string.h>

/* Image header field offsets. */
enum {
    HDR_TEXT_OFFSET = 0x08,
    HDR_IMAGE_SIZE = 0x10,
    HDR_VERSION = 0x20,
    HDR_MAGIC = 0x30,  /* "RISCV\0\0\0", deprecated but still written */
    HDR_MAGIC2 = 0x38, /* "RSC\x05" */
};

/* The largest image_size we believe: no real kernel comes near it. */
#define RISCV_IMAGE_MAX_SIZE (1ull << 32)

static uint64_t le64(const uint8_t *p)
{
    uint64_t v = 0;

    for (int i = 7; i >= 0; i--)
        v = (v << 8) | p[i];
    return v;
}

static uint32_t le32(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

int riscv_image_parse(const uint8_t *buf, size_t len, struct riscv_image *img, const char **why)
{
    if (len >= 2 && buf[0] == 0x1f && buf[1] == 0x8b) {
        *why = "a gzip-compressed Image; decompress it first (gunzip)";
        return -EINVAL;
    }
    if (len < RISCV_IMAGE_HEADER_SIZE ||
        (memcmp(buf + HDR_MAGIC2, "RSC\x05", 4) != 0 && memcmp(buf + HDR_MAGIC, "RISCV\0\0\0", 8) != 0)) {
        *why = "not a RISC-V kernel Image (no RSC\\x05 magic)";
        return -ENOEXEC;
    }
    uint64_t image_size = le64(buf + HDR_IMAGE_SIZE);
    img->text_offset = le64(buf + HDR_TEXT_OFFSET);
    img->version = le32(buf + HDR_VERSION);
    img->has_pe_header = buf[0] == 'M' && buf[1] == 'Z';
    if (image_size > RISCV_IMAGE_MAX_SIZE) {
        *why = "the header's image_size is implausibly large (corrupt header)";
        return -EINVAL;
    }
    if (img->text_offset & 0xfff) {
        *why = "the header's text_offset is not page aligned";
        return -EINVAL;
    }
    /* A signed kernel may carry data past image_size: load whichever is larger. */
    img->load_size = image_size > len ? image_size : len;
    return 0;
}
