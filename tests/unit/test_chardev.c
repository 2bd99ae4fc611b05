/* Unit tests for core/chardev: output, input delivery and the Ctrl-A escape commands. */
#include <errno.h>
#include <fcntl.h>
#include <glib.h>
#include <glib/gstdio.h>
#include <stdint.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "core/chardev.h"
#include "core/config.h"
#include "core/runstate.h"

/* A frontend that records what it receives and has a settable amount of room. */
struct fake_fe {
    GByteArray *got;
    size_t room;
    unsigned breaks;
};

static size_t fe_can_receive(void *opaque)
{
    struct fake_fe *fe = opaque;

    return fe->room;
}

static void fe_receive(void *opaque, const uint8_t *buf, size_t len)
{
    struct fake_fe *fe = opaque;

    g_assert_cmpuint(len, <=, fe->room);
    g_byte_array_append(fe->got, buf, (guint)len);
    fe->room -= len;
}

static void fe_receive_break(void *opaque)
{
    struct fake_fe *fe = opaque;

    fe->breaks++;
}

struct fixture {
    struct chardev cd;
    struct runstate rs;
    struct fake_fe fe;
    int out[2];
};

static void fixture_setup(struct fixture *f, gconstpointer data)
{
    (void)data;
    memset(f, 0, sizeof(*f));
    g_assert_cmpint(pipe2(f->out, O_NONBLOCK | O_CLOEXEC), ==, 0);
    runstate_init(&f->rs, false);
    chardev_open_fds(&f->cd, "-serial", -1, f->out[1]);
    /* As on stdio: escape commands on, Ctrl-A x ends this runstate. */
    f->cd.mux_escape = true;
    f->cd.runstate = &f->rs;
    f->fe = (struct fake_fe){.got = g_byte_array_new(), .room = 1024};
    struct chardev_frontend fe = {.can_receive = fe_can_receive, .receive = fe_receive,
                                  .receive_break = fe_receive_break, .opaque = &f->fe};
    chardev_set_frontend(&f->cd, &fe);
}

static void fixture_teardown(struct fixture *f, gconstpointer data)
{
    (void)data;
    chardev_close(&f->cd);
    g_byte_array_unref(f->fe.got);
    close(f->out[0]);
    close(f->out[1]);
}

static bool feed(struct fixture *f, const char *s, size_t len)
{
    return chardev_feed_input(&f->cd, (const uint8_t *)s, len);
}

static void assert_got(struct fixture *f, const char *s, size_t len)
{
    g_assert_cmpmem(f->fe.got->data, f->fe.got->len, s, len);
}

static enum runstate_request pending(struct fixture *f, int *status)
{
    return runstate_pending(&f->rs, status);
}

static void test_plain_bytes(struct fixture *f, gconstpointer data)
{
    int status;

    (void)data;
    g_assert_true(feed(f, "hello\r\n\0x", 9));
    assert_got(f, "hello\r\n\0x", 9);
    g_assert_cmpint(pending(f, &status), ==, RUNSTATE_RUN);
    g_assert_cmpuint(f->fe.breaks, ==, 0);
}

static void test_escape_exit(struct fixture *f, gconstpointer data)
{
    int status = -1;

    (void)data;
    g_assert_true(feed(f, "ab\x01x", 4));
    assert_got(f, "ab", 2);
    g_assert_cmpint(pending(f, &status), ==, RUNSTATE_EXIT);
    g_assert_cmpint(status, ==, 0);
}

static void test_escape_split(struct fixture *f, gconstpointer data)
{
    int status = -1;

    (void)data;
    /* The escape and its command arrive in separate reads. */
    g_assert_true(feed(f, "a\x01", 2));
    assert_got(f, "a", 1);
    g_assert_cmpint(pending(f, &status), ==, RUNSTATE_RUN);
    g_assert_true(feed(f, "x", 1));
    assert_got(f, "a", 1);
    g_assert_cmpint(pending(f, &status), ==, RUNSTATE_EXIT);
    g_assert_cmpint(status, ==, 0);
}

static void test_escape_literal(struct fixture *f, gconstpointer data)
{
    int status;

    (void)data;
    g_assert_true(feed(f, "\x01\x01" "z\x01\x01\x01\x01", 7));
    assert_got(f, "\x01z\x01\x01", 4);
    g_assert_cmpint(pending(f, &status), ==, RUNSTATE_RUN);
}

static void test_escape_break(struct fixture *f, gconstpointer data)
{
    int status;

    (void)data;
    g_assert_true(feed(f, "1\x01" "b2\x01" "b", 6));
    assert_got(f, "12", 2);
    g_assert_cmpuint(f->fe.breaks, ==, 2);
    g_assert_cmpint(pending(f, &status), ==, RUNSTATE_RUN);
}

static void test_escape_help_and_unknown(struct fixture *f, gconstpointer data)
{
    char buf[512];
    int status;

    (void)data;
    g_assert_true(feed(f, "\x01h", 2));
    ssize_t n = read(f->out[0], buf, sizeof(buf) - 1);
    g_assert_cmpint(n, >, 0);
    buf[n] = '\0';
    g_assert_nonnull(strstr(buf, "C-a x"));
    g_assert_nonnull(strstr(buf, "C-a b"));
    /* Unknown commands are swallowed with their key. */
    g_assert_true(feed(f, "\x01q!", 3));
    assert_got(f, "!", 1);
    g_assert_cmpint(pending(f, &status), ==, RUNSTATE_RUN);
}

static void test_no_escape_when_off(struct fixture *f, gconstpointer data)
{
    int status;

    (void)data;
    /* Files and pipes pass Ctrl-A through: only stdio multiplexes. */
    f->cd.mux_escape = false;
    g_assert_true(feed(f, "\x01x\x01" "b", 4));
    assert_got(f, "\x01x\x01" "b", 4);
    g_assert_cmpint(pending(f, &status), ==, RUNSTATE_RUN);
    g_assert_cmpuint(f->fe.breaks, ==, 0);
}

static void test_frontend_full(struct fixture *f, gconstpointer data)
{
    (void)data;
    f->fe.room = 0;
    g_assert_false(feed(f, "abc", 3));
    g_assert_cmpuint(f->fe.got->len, ==, 0);
    /* Partial room: the frontend takes what fits, the rest waits. */
    f->fe.room = 2;
    g_assert_false(feed(f, "defgh", 5));
    assert_got(f, "de", 2);
    /* With room, everything is taken. */
    f->fe.room = 100;
    g_assert_true(feed(f, "ij", 2));
    assert_got(f, "deij", 4);
}

static void test_no_frontend(void)
{
    struct chardev cd;

    /* Nobody listening: input is dropped, not held. */
    chardev_open_fds(&cd, "-debugcon", -1, -1);
    g_assert_false(cd.has_frontend);
    g_assert_true(chardev_feed_input(&cd, (const uint8_t *)"abc", 3));
    chardev_write(&cd, (const uint8_t *)"x", 1); /* out_fd -1: discarded */
    chardev_close(&cd);
    g_assert_cmpint(cd.out_fd, ==, -1);
}

static void test_write(struct fixture *f, gconstpointer data)
{
    char buf[16];

    (void)data;
    chardev_write(&f->cd, (const uint8_t *)"out\n", 4);
    g_assert_cmpint(read(f->out[0], buf, sizeof(buf)), ==, 4);
    g_assert_cmpmem(buf, 4, "out\n", 4);
}

static void test_open_specs(void)
{
    struct chardev cd;
    struct runstate rs;
    gchar *dir = g_dir_make_tmp("kestrel-chardev-XXXXXX", NULL);
    g_assert_nonnull(dir);
    gchar *path = g_build_filename(dir, "out.txt", NULL);
    gchar *spec = g_strconcat("file:", path, NULL);
    gchar *text = NULL;
    gsize len = 0;

    runstate_init(&rs, false);
    g_assert_cmpint(chardev_open(&cd, "-serial", "null", &rs), ==, 0);
    g_assert_cmpint(cd.out_fd, ==, -1);
    g_assert_cmpint(cd.in_fd, ==, -1);
    chardev_close(&cd);
    g_assert_cmpint(chardev_open(&cd, "-serial", "none", &rs), ==, 0);
    chardev_close(&cd);
    g_assert_cmpint(chardev_open(&cd, "-serial", "bogus", &rs), ==, -EINVAL);

    g_assert_cmpint(chardev_open(&cd, "-serial", spec, &rs), ==, 0);
    g_assert_cmpint(cd.out_fd, >=, 0);
    g_assert_false(cd.mux_escape);
    chardev_write(&cd, (const uint8_t *)"to file", 7);
    chardev_close(&cd);
    g_assert_true(g_file_get_contents(path, &text, &len, NULL));
    g_assert_cmpmem(text, len, "to file", 7);
    g_free(text);

    gchar *bad = g_strconcat("file:", dir, "/no/such/dir/x", NULL);
    g_assert_cmpint(chardev_open(&cd, "-serial", bad, &rs), <, 0);
    g_free(bad);

    g_unlink(path);
    g_rmdir(dir);
    g_free(spec);
    g_free(path);
    g_free(dir);
}

#define ADD(path, fn) \
    g_test_add(path, struct fixture, NULL, fixture_setup, fn, fixture_teardown)

/* ---- -chardev socket,server=on,wait=off ---- */

struct sink {
    char buf[64];
    size_t len;
    unsigned connections; /* connected() calls: a client came or went */
};

static void sink_connected(void *opaque)
{
    ((struct sink *)opaque)->connections++;
}

static size_t sink_can_receive(void *opaque)
{
    struct sink *k = opaque;
    return sizeof(k->buf) - k->len;
}

static void sink_receive(void *opaque, const uint8_t *buf, size_t len)
{
    struct sink *k = opaque;
    memcpy(k->buf + k->len, buf, len);
    k->len += len;
}

/* Runs the main loop until cond holds (or a few seconds pass). */
#define SPIN_UNTIL(cond)                                                                        \
    for (unsigned spin_ = 0; !(cond) && spin_ < 2000; spin_++)                                \
        g_usleep(1000), g_main_context_iteration(NULL, FALSE)

static int connect_to(const char *path)
{
    struct sockaddr_un sa = {.sun_family = AF_UNIX};
    int fd = socket(AF_UNIX, SOCK_STREAM, 0);
    strcpy(sa.sun_path, path);
    g_assert_cmpint(connect(fd, (struct sockaddr *)&sa, sizeof(sa)), ==, 0);
    return fd;
}

/* A server serves one client at a time, listens again when it leaves, drops output while
 * nobody is connected, and removes its socket file at close. */
static void test_socket_server(void)
{
    char *dir = g_dir_make_tmp("kestrel-chardev-XXXXXX", NULL);
    char *path = g_build_filename(dir, "console.sock", NULL);
    struct vm_chardev_config cfg = {.id = "s0", .backend = VM_CHARDEV_SOCKET, .path = path,
                                    .server = true, .wait = false};
    struct chardev cd;
    struct sink sink = {0};
    char got[16] = {0};

    g_assert_cmpint(chardev_open_config(&cd, "-chardev s0", &cfg), ==, 0);
    chardev_set_frontend(&cd, &(struct chardev_frontend){.can_receive = sink_can_receive,
                                                         .receive = sink_receive,
                                                         .connected = sink_connected,
                                                         .opaque = &sink});
    chardev_start_input(&cd);
    g_assert_cmpuint(chardev_write_some(&cd, (const uint8_t *)"lost", 4), ==, 4);
    for (unsigned client = 0; client < 2; client++) {
        int fd = connect_to(path);
        SPIN_UNTIL(cd.out_fd >= 0);
        g_assert_cmpint(cd.out_fd, >=, 0);
        g_assert_true(chardev_connected(&cd));
        g_assert_cmpuint(sink.connections, ==, 2 * client + 1);
        g_assert_cmpuint(chardev_write_some(&cd, (const uint8_t *)"hello", 5), ==, 5);
        g_assert_cmpint(recv(fd, got, sizeof(got), 0), ==, 5);
        g_assert_true(memcmp(got, "hello", 5) == 0);
        g_assert_cmpint(send(fd, "in", 2, 0), ==, 2);
        SPIN_UNTIL(sink.len == 2 * (client + 1));
        g_assert_cmpuint(sink.len, ==, 2 * (client + 1));
        close(fd);
        SPIN_UNTIL(cd.out_fd < 0);
        g_assert_cmpint(cd.out_fd, <, 0);
        g_assert_false(chardev_connected(&cd));
        g_assert_cmpuint(sink.connections, ==, 2 * client + 2);
        g_assert_cmpuint(cd.listen_watch, !=, 0); /* listening for the next client */
    }
    g_assert_true(memcmp(sink.buf, "inin", 4) == 0);
    chardev_close(&cd);
    g_assert_false(g_file_test(path, G_FILE_TEST_EXISTS));
    g_rmdir(dir);
    g_free(path);
    g_free(dir);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    ADD("/chardev/plain_bytes", test_plain_bytes);
    ADD("/chardev/escape/exit", test_escape_exit);
    ADD("/chardev/escape/split", test_escape_split);
    ADD("/chardev/escape/literal", test_escape_literal);
    ADD("/chardev/escape/break", test_escape_break);
    ADD("/chardev/escape/help_and_unknown", test_escape_help_and_unknown);
    ADD("/chardev/escape/off", test_no_escape_when_off);
    ADD("/chardev/frontend_full", test_frontend_full);
    ADD("/chardev/write", test_write);
    g_test_add_func("/chardev/no_frontend", test_no_frontend);
    g_test_add_func("/chardev/open_specs", test_open_specs);
    g_test_add_func("/chardev/socket_server", test_socket_server);
    return g_test_run();
}
