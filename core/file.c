/* Reading whole host files (kernels, initrds) with a size cap. */
#include "core/file.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/log.h"

static int file_fail(const char *what, const char *path, int err, int fd, uint8_t *buf)
{
    log_error("%s %s: %s", what, path, strerror(err));
    if (fd >= 0)
        close(fd);
    free(buf);
    return -err;
}

int file_read_all(const char *what, const char *path, uint64_t max_size, uint8_t **out,
                  size_t *out_len)
{
    struct stat st;
    int fd = open(path, O_RDONLY | O_CLOEXEC);

    if (fd < 0)
        return file_fail(what, path, errno, -1, NULL);
    if (fstat(fd, &st) < 0)
        return file_fail(what, path, errno, fd, NULL);
    if (S_ISDIR(st.st_mode))
        return file_fail(what, path, EISDIR, fd, NULL);
    if (!S_ISREG(st.st_mode)) {
        log_error("%s %s: not a regular file", what, path);
        close(fd);
        return -EINVAL;
    }
    if ((uint64_t)st.st_size > max_size) {
        log_error("%s %s: %lld bytes is larger than guest RAM allows (%llu)", what, path,
                  (long long)st.st_size, (unsigned long long)max_size);
        close(fd);
        return -EFBIG;
    }
    size_t len = (size_t)st.st_size;
    uint8_t *buf = malloc(len ? len : 1);
    if (!buf)
        return file_fail(what, path, ENOMEM, fd, NULL);
    for (size_t done = 0; done < len;) {
        ssize_t n = read(fd, buf + done, len - done);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return file_fail(what, path, n < 0 ? errno : EIO, fd, buf);
        done += (size_t)n;
    }
    close(fd);
    *out = buf;
    *out_len = len;
    return 0;
}
