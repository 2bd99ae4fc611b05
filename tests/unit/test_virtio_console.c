/* Unit tests for hw/virtio/virtio_console: a driver drives the device through the transport. */
#include <fcntl.h>
#include <glib.h>
#include <stdint.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "hw/virtio/virtio_console.h"
#include "tests/unit/virtio_driver.h"

#define NR_PORTS 2
#define NR_QUEUES (2 * (NR_PORTS + 1))

struct rig {
    struct vdrv d;
    struct virtio_console con;
    int out[NR_PORTS][2]; /* what each port's chardev writes: a pipe the test reads */
};

/* Port 0 a console on a pipe, port 1 "org.test.port" on a pipe. */
static void rig_init(struct rig *r)
{
    memset(r, 0, sizeof(*r));
    virtio_console_init(&r->con, NR_PORTS, &r->d.t); /* fills con.ops */
    vdrv_init(&r->d, &r->con.ops, &r->con);
    for (unsigned nr = 0; nr < NR_PORTS; nr++) {
        struct virtio_console_port *p = virtio_console_add_port(
            &r->con, nr, nr == 0, nr == 0 ? NULL : "org.test.port", nr == 0 ? "c0" : "c1");
        g_assert_cmpint(pipe2(r->out[nr], O_NONBLOCK), ==, 0);
        chardev_open_fds(&p->chr, p->label, -1, r->out[nr][1]);
        p->chr_open = true;
    }
    virtio_console_start(&r->con);
}

static void rig_free(struct rig *r)
{
    virtio_console_destroy(&r->con);
    for (unsigned nr = 0; nr < NR_PORTS; nr++)
        close(r->out[nr][0]), close(r->out[nr][1]);
    vdrv_free(&r->d);
}

/* Initialisation (3.1.1), with or without MULTIPORT, every queue set up. */
static void driver_setup(struct rig *r, bool multiport)
{
    vdrv_start_with(&r->d, multiport ? NR_QUEUES : 2u,
                    multiport ? (uint32_t)VIRTIO_CONSOLE_F_MULTIPORT : 0);
    g_assert_cmphex(vdrv_rd(&r->d, VIRTIO_MMIO_STATUS, 4), ==, 0x0f);
}

static void kick(struct rig *r, unsigned q)
{
    vdrv_wr(&r->d, VIRTIO_MMIO_QUEUE_NOTIFY, q);
}

static void send_control(struct rig *r, uint32_t id, uint16_t event, uint16_t value)
{
    uint8_t msg[8];
    memcpy(msg, &id, 4);
    memcpy(msg + 4, &event, 2);
    memcpy(msg + 6, &value, 2);
    vdrv_offer_buf(&r->d, 3, msg, sizeof(msg), false);
    kick(r, 3);
}

/* Posts control receive buffers and collects what the device sent, as "id:event:value"
 * (with ":name" for PORT_NAME) joined by spaces. */
static char *collect_control(struct rig *r, unsigned buffers)
{
    GString *s = g_string_new(NULL);
    uint32_t id, len;

    for (unsigned i = 0; i < buffers; i++)
        vdrv_offer_buf(&r->d, 2, NULL, 4096, true);
    kick(r, 2);
    while (vdrv_take_used(&r->d, 2, &id, &len)) {
        const uint8_t *m = vdrv_ram(&r->d, VD_QBUF(2, id));
        uint32_t port;
        uint16_t event, value;
        memcpy(&port, m, 4);
        memcpy(&event, m + 4, 2);
        memcpy(&value, m + 6, 2);
        if (len < 8) {
            g_string_append_printf(s, "%sshort(%u)", s->len ? " " : "", len);
            continue;
        }
        g_string_append_printf(s, "%s%u:%u:%u", s->len ? " " : "", port, event, value);
        if (event == VIRTIO_CONSOLE_PORT_NAME)
            g_string_append_printf(s, ":%.*s", (int)(len - 8), (const char *)m + 8);
    }
    return g_string_free(s, FALSE);
}

static void assert_control(struct rig *r, unsigned buffers, const char *want)
{
    char *got = collect_control(r, buffers);
    g_assert_cmpstr(got, ==, want);
    g_free(got);
}

/* DEVICE_READY, then PORT_READY and PORT_OPEN for both ports. */
static void handshake(struct rig *r)
{
    send_control(r, 0, VIRTIO_CONSOLE_DEVICE_READY, 1);
    assert_control(r, 4, "0:1:1 1:1:1"); /* PORT_ADD for ports 0 and 1 */
    send_control(r, 0, VIRTIO_CONSOLE_PORT_READY, 1);
    send_control(r, 1, VIRTIO_CONSOLE_PORT_READY, 1);
    /* Port 0: CONSOLE_PORT, PORT_OPEN; port 1: PORT_NAME, PORT_OPEN. */
    assert_control(r, 4, "0:4:1 0:6:1 1:7:1:org.test.port 1:6:1");
    send_control(r, 0, VIRTIO_CONSOLE_PORT_OPEN, 1);
    send_control(r, 1, VIRTIO_CONSOLE_PORT_OPEN, 1);
}

static size_t read_out(struct rig *r, unsigned nr, char *buf, size_t len)
{
    ssize_t n = read(r->out[nr][0], buf, len);
    return n > 0 ? (size_t)n : 0;
}

static bool feed(struct rig *r, unsigned nr, const char *s, size_t len)
{
    return chardev_feed_input(&r->con.port[nr].chr, (const uint8_t *)s, len);
}

static void test_identity(void)
{
    struct rig r;
    rig_init(&r);
    g_assert_cmphex(vdrv_rd(&r.d, VIRTIO_MMIO_DEVICE_ID, 4), ==, VIRTIO_ID_CONSOLE);
    vdrv_wr(&r.d, VIRTIO_MMIO_DEVICE_FEATURES_SEL, 0);
    g_assert_cmphex(vdrv_rd(&r.d, VIRTIO_MMIO_DEVICE_FEATURES, 4) & 3, ==, VIRTIO_CONSOLE_F_MULTIPORT);
    g_assert_cmpuint(vdrv_rd(&r.d, VIRTIO_MMIO_CONFIG + 4, 4), ==, NR_PORTS); /* max_nr_ports */
    g_assert_cmpuint(vdrv_rd(&r.d, VIRTIO_MMIO_CONFIG + 0, 4), ==, 0);        /* no console size */
    g_assert_cmpuint(vdrv_rd(&r.d, VIRTIO_MMIO_CONFIG + 12, 4), ==, 0);       /* past the end */
    vdrv_wr(&r.d, VIRTIO_MMIO_QUEUE_SEL, NR_QUEUES - 1);
    g_assert_cmpuint(vdrv_rd(&r.d, VIRTIO_MMIO_QUEUE_NUM_MAX, 4), ==, 256);
    vdrv_wr(&r.d, VIRTIO_MMIO_QUEUE_SEL, NR_QUEUES);
    g_assert_cmpuint(vdrv_rd(&r.d, VIRTIO_MMIO_QUEUE_NUM_MAX, 4), ==, 0);
    rig_free(&r);
}

static void test_handshake_and_transmit(void)
{
    struct rig r;
    char buf[64];
    uint32_t id, len;

    rig_init(&r);
    driver_setup(&r, true);
    handshake(&r);
    vdrv_offer_buf(&r.d, 1, "to-console", 10, false); /* port 0 transmits on queue 1 */
    kick(&r, 1);
    vdrv_offer_buf(&r.d, 5, "to-port-1", 9, false); /* port 1 on queue 5 */
    kick(&r, 5);
    g_assert_cmpuint(read_out(&r, 0, buf, sizeof(buf)), ==, 10);
    g_assert_true(memcmp(buf, "to-console", 10) == 0);
    g_assert_cmpuint(read_out(&r, 1, buf, sizeof(buf)), ==, 9);
    g_assert_true(memcmp(buf, "to-port-1", 9) == 0);
    g_assert_true(vdrv_take_used(&r.d, 1, &id, &len));
    g_assert_cmpuint(len, ==, 0);
    g_assert_true(vdrv_take_used(&r.d, 5, &id, &len));
    g_assert_cmpint(r.d.irq_level, ==, 1);
    rig_free(&r);
}

/* Input waits until the guest opens the port, then fills posted buffers; with none posted,
 * the device holds 4 KiB and throttles the chardev; late buffers get everything, in order. */
static void test_input_flow_control(void)
{
    struct rig r;
    uint32_t id, len;
    char pattern[6000];

    for (unsigned i = 0; i < sizeof(pattern); i++)
        pattern[i] = (char)('a' + i % 26);
    rig_init(&r);
    driver_setup(&r, true);
    g_assert_false(feed(&r, 1, "early", 5)); /* the port is not open: nothing taken */
    handshake(&r);
    vdrv_offer_buf(&r.d, 4, NULL, 4096, true); /* port 1 receives on queue 4 */
    kick(&r, 4);
    g_assert_true(feed(&r, 1, "hello", 5));
    g_assert_true(vdrv_take_used(&r.d, 4, &id, &len));
    g_assert_cmpuint(len, ==, 5);
    g_assert_true(memcmp(vdrv_ram(&r.d, VD_QBUF(4, id)), "hello", 5) == 0);

    /* No buffers posted: 6000 bytes offered, 4096 taken, the rest waits in the chardev. */
    size_t taken = 0;
    for (size_t off = 0; off < sizeof(pattern); off += CHARDEV_INPUT_BUF) {
        size_t n = sizeof(pattern) - off < CHARDEV_INPUT_BUF ? sizeof(pattern) - off
                                                             : CHARDEV_INPUT_BUF;
        if (!feed(&r, 1, pattern + off, n)) {
            taken = off;
            break;
        }
    }
    g_assert_cmpuint(taken, >, 0);
    g_assert_false(vdrv_take_used(&r.d, 4, &id, &len));
    /* The guest posts two buffers of 1 KiB: they fill in order. */
    vdrv_offer_buf(&r.d, 4, NULL, 1024, true);
    vdrv_offer_buf(&r.d, 4, NULL, 1024, true);
    kick(&r, 4);
    size_t got = 0;
    while (vdrv_take_used(&r.d, 4, &id, &len)) {
        g_assert_cmpuint(len, ==, 1024);
        g_assert_true(memcmp(vdrv_ram(&r.d, VD_QBUF(4, id)), pattern + got, len) == 0);
        got += len;
    }
    g_assert_cmpuint(got, ==, 2048);
    /* The chardev's buffered bytes can go now (what chardev_accept_input resumes). */
    struct chardev *cd = &r.con.port[1].chr;
    size_t room = cd->frontend.can_receive(cd->frontend.opaque);
    g_assert_cmpuint(room, ==, 2048);
    rig_free(&r);
}

/* A reset drops input in flight; the next driver sees none of it. */
static void test_reset_drops_input(void)
{
    struct rig r;
    uint32_t id, len;

    rig_init(&r);
    driver_setup(&r, true);
    handshake(&r);
    g_assert_true(feed(&r, 0, "stale", 5));
    driver_setup(&r, true); /* status 0 first */
    g_assert_false(feed(&r, 0, "x", 1)); /* not open again yet */
    handshake(&r);
    vdrv_offer_buf(&r.d, 0, NULL, 64, true);
    kick(&r, 0);
    g_assert_false(vdrv_take_used(&r.d, 0, &id, &len));
    g_assert_true(feed(&r, 0, "fresh", 5));
    g_assert_true(vdrv_take_used(&r.d, 0, &id, &len));
    g_assert_cmpuint(len, ==, 5);
    g_assert_true(memcmp(vdrv_ram(&r.d, VD_QBUF(0, id)), "fresh", 5) == 0);
    rig_free(&r);
}

/* Malformed control messages are ignored; nothing is sent for them, the device goes on. */
static void test_malformed_control(void)
{
    struct rig r;

    rig_init(&r);
    driver_setup(&r, true);
    send_control(&r, 0, VIRTIO_CONSOLE_PORT_READY, 1); /* before DEVICE_READY */
    vdrv_offer_buf(&r.d, 3, "\0\0\0", 3, false);                  /* shorter than a message */
    kick(&r, 3);
    /* A buffer too small for a message comes back empty, the message waits for the next. */
    vdrv_offer_buf(&r.d, 2, NULL, 4, true);
    kick(&r, 2);
    send_control(&r, 0, VIRTIO_CONSOLE_DEVICE_READY, 1);
    assert_control(&r, 2, "short(0) 0:1:1 1:1:1");
    send_control(&r, 99, VIRTIO_CONSOLE_PORT_READY, 1);     /* no such port */
    send_control(&r, 0xffffffffu, VIRTIO_CONSOLE_PORT_OPEN, 1);
    send_control(&r, 1, VIRTIO_CONSOLE_PORT_OPEN, 1);       /* before PORT_READY */
    send_control(&r, 0, VIRTIO_CONSOLE_RESIZE, 1);          /* the device's to send */
    send_control(&r, 0, 0xbeef, 1);                         /* no such event */
    for (unsigned i = 0; i < 100; i++)                      /* nothing piles up */
        send_control(&r, 0, VIRTIO_CONSOLE_DEVICE_READY, 1);
    assert_control(&r, 2, "");
    /* Every message was returned to the driver. */
    g_assert_cmpuint(vdrv_used_idx(&r.d, 3), ==, 2 + 1 + 5 + 100);
    g_assert_false(feed(&r, 1, "x", 1)); /* port 1 was never really opened */
    g_assert_cmphex(vdrv_rd(&r.d, VIRTIO_MMIO_STATUS, 4) & VIRTIO_STATUS_NEEDS_RESET, ==, 0);
    rig_free(&r);
}

/* A driver without MULTIPORT: port 0 alone, a console, on queues 0 and 1. */
static void test_single_port_driver(void)
{
    struct rig r;
    char buf[16];
    uint32_t id, len;

    rig_init(&r);
    driver_setup(&r, false);
    vdrv_offer_buf(&r.d, 0, NULL, 64, true);
    kick(&r, 0);
    g_assert_true(feed(&r, 0, "in", 2));
    g_assert_true(vdrv_take_used(&r.d, 0, &id, &len));
    g_assert_cmpuint(len, ==, 2);
    vdrv_offer_buf(&r.d, 1, "out", 3, false);
    kick(&r, 1);
    g_assert_cmpuint(read_out(&r, 0, buf, sizeof(buf)), ==, 3);
    g_assert_false(feed(&r, 1, "x", 1)); /* port 1 does not exist for this driver */
    rig_free(&r);
}

/* A socket whose reader is behind: the transmit chain waits, unreturned, and goes on once
 * the reader catches up; nothing is lost and the vCPU never blocked. */
static void test_transmit_waits_for_reader(void)
{
    struct rig r;
    int sv[2];
    uint32_t id, len;
    int small = 4096;

    rig_init(&r);
    g_assert_cmpint(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), ==, 0);
    setsockopt(sv[0], SOL_SOCKET, SO_SNDBUF, &small, sizeof(small));
    setsockopt(sv[1], SOL_SOCKET, SO_RCVBUF, &small, sizeof(small));
    struct chardev *cd = &r.con.port[1].chr;
    cd->is_socket = true;
    cd->out_fd = sv[0];
    driver_setup(&r, true);
    handshake(&r);
    static char big[4096 * 8];
    for (unsigned i = 0; i < sizeof(big); i++)
        big[i] = (char)i;
    for (unsigned i = 0; i < 8; i++)
        vdrv_offer_buf(&r.d, 5, big + 4096 * i, 4096, false);
    kick(&r, 5);
    unsigned returned = 0;
    while (vdrv_take_used(&r.d, 5, &id, &len))
        returned++;
    g_assert_cmpuint(returned, <, 8); /* the socket is full: the device holds back */
    static char got[sizeof(big)];
    size_t have = 0;
    for (unsigned spins = 0; have < sizeof(got) && spins < 100000; spins++) {
        ssize_t n = recv(sv[1], got + have, sizeof(got) - have, MSG_DONTWAIT);
        if (n > 0)
            have += (size_t)n;
        g_main_context_iteration(NULL, FALSE); /* the writable watch resumes the device */
    }
    g_assert_cmpuint(have, ==, sizeof(big));
    g_assert_true(memcmp(got, big, sizeof(big)) == 0);
    while (vdrv_take_used(&r.d, 5, &id, &len))
        returned++;
    g_assert_cmpuint(returned, ==, 8);
    cd->is_socket = false;
    cd->out_fd = -1;
    close(sv[0]);
    close(sv[1]);
    rig_free(&r);
}

/* A socket's client coming and going reaches the driver as PORT_OPEN 1 and 0. */
static void test_host_connection(void)
{
    struct rig r;

    rig_init(&r);
    struct chardev *cd = &r.con.port[1].chr;
    int pipe_fd = cd->out_fd;
    cd->is_socket = true; /* a socket nobody has connected to */
    cd->out_fd = -1;
    driver_setup(&r, true);
    send_control(&r, 0, VIRTIO_CONSOLE_DEVICE_READY, 1);
    assert_control(&r, 2, "0:1:1 1:1:1");
    send_control(&r, 1, VIRTIO_CONSOLE_PORT_READY, 1);
    assert_control(&r, 2, "1:7:1:org.test.port 1:6:0");
    cd->out_fd = pipe_fd; /* a client connects */
    cd->frontend.connected(cd->frontend.opaque);
    assert_control(&r, 1, "1:6:1");
    cd->out_fd = -1; /* and leaves */
    cd->frontend.connected(cd->frontend.opaque);
    assert_control(&r, 1, "1:6:0");
    cd->is_socket = false;
    cd->out_fd = pipe_fd;
    rig_free(&r);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/virtio_console/identity", test_identity);
    g_test_add_func("/virtio_console/handshake-and-transmit", test_handshake_and_transmit);
    g_test_add_func("/virtio_console/input-flow-control", test_input_flow_control);
    g_test_add_func("/virtio_console/reset-drops-input", test_reset_drops_input);
    g_test_add_func("/virtio_console/malformed-control", test_malformed_control);
    g_test_add_func("/virtio_console/single-port-driver", test_single_port_driver);
    g_test_add_func("/virtio_console/transmit-waits-for-reader", test_transmit_waits_for_reader);
    g_test_add_func("/virtio_console/host-connection", test_host_connection);
    return g_test_run();
}
