/* Reading whole host files (kernels, initrds) with a size cap. */
#ifndef KESTREL_CORE_FILE_H
#define KESTREL_CORE_FILE_H

#include <stddef.h>
#include <stdint.h>

/*
 * Reads path into a malloc'd buffer. Files larger than max_size are refused (-EFBIG).
 * Errors are reported to the user naming what (e.g. "-kernel") and path. 0 or -errno.
 */
int file_read_all(const char *what, const char *path, uint64_t max_size, uint8_t **buf,
                  size_t *len);

#endif
