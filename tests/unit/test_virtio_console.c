/* Unit tests for hw/virtio/virtio_console: a driver drives the device through the transport. */
#include <fcntl.h>
#include <glib.h>
#include <stdint.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "core/memory.h"
#include "hw/virtio/virtio_console.h"

#define RAM_BASE 0x80000000ull
#define RAM_SIZE (4ull << 20)
#define QSIZE 8
#define NR_PORTS 2
#define NR_QUEUES (2 * (NR_PORTS + 1))
#define RING(q) (RAM_BASE + 0x10000ull * (q)) /* desc; avail +0x1000; used +0x2000 */
#define BUF(q, i) (RING(q) + 0x4000 + 0x1000ull * (i)) /* 8 buffers of 4 KiB per queue */

struct fake_irq {
    struct irq_chip chip;
    int level;
};

static void fake_set_level(void *opaque, uint32_t pin, int level)
{
    (void)pin;
    ((struct fake_irq *)opaque)->level = level;
}

struct rig {
    struct guest_memory mem;
    struct fake_irq irq;
    struct virtio_console con;
    struct virtio_mmio t;
    int out[NR_PORTS][2]; /* what each port's chardev writes: a pipe the test reads */
    uint16_t avail_idx[NR_QUEUES];
    uint16_t seen_used[NR_QUEUES];
    unsigned next_buf[NR_QUEUES];
};

static uint64_t rd(struct rig *r, uint64_t offset, uint32_t size)
{
    struct io_access a = {.offset = offset, .size = size, .is_write = false};
    virtio_mmio_io(&r->t, &a);
    return a.data;
}

static void wr(struct rig *r, uint64_t offset, uint64_t value)
{
    struct io_access a = {.offset = offset, .size = 4, .is_write = true, .data = value};
    virtio_mmio_io(&r->t, &a);
}

static void *ram(struct rig *r, uint64_t gpa)
{
    return gpa_to_host(&r->mem, gpa, 1);
}

/* Port 0 a console on a pipe, port 1 "org.test.port" on a pipe. */
static void rig_init(struct rig *r)
{
    memset(r, 0, sizeof(*r));
    g_assert_cmpint(guest_memory_add_ram(&r->mem, RAM_BASE, RAM_SIZE), ==, 0);
    r->irq.chip = (struct irq_chip){fake_set_level, &r->irq};
    virtio_console_init(&r->con, NR_PORTS, &r->t);
    virtio_mmio_init(&r->t, "virtio-mmio@test", &r->con.ops, &r->con, &r->mem,
                     irq_line_make(&r->irq.chip, 1));
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
    guest_memory_free(&r->mem);
}

static void set_queue(struct rig *r, unsigned q)
{
    wr(r, VIRTIO_MMIO_QUEUE_SEL, q);
    wr(r, VIRTIO_MMIO_QUEUE_NUM, QSIZE);
    wr(r, VIRTIO_MMIO_QUEUE_DESC_LOW, (uint32_t)RING(q));
    wr(r, VIRTIO_MMIO_QUEUE_DESC_HIGH, (uint32_t)(RING(q) >> 32));
    wr(r, VIRTIO_MMIO_QUEUE_DRIVER_LOW, (uint32_t)(RING(q) + 0x1000));
    wr(r, VIRTIO_MMIO_QUEUE_DRIVER_HIGH, (uint32_t)((RING(q) + 0x1000) >> 32));
    wr(r, VIRTIO_MMIO_QUEUE_DEVICE_LOW, (uint32_t)(RING(q) + 0x2000));
    wr(r, VIRTIO_MMIO_QUEUE_DEVICE_HIGH, (uint32_t)((RING(q) + 0x2000) >> 32));
    wr(r, VIRTIO_MMIO_QUEUE_READY, 1);
}

/* Initialisation (3.1.1), with or without MULTIPORT, every queue set up. */
static void driver_setup(struct rig *r, bool multiport)
{
    memset(r->avail_idx, 0, sizeof(r->avail_idx));
    memset(r->seen_used, 0, sizeof(r->seen_used));
    memset(r->next_buf, 0, sizeof(r->next_buf));
    memset(ram(r, RAM_BASE), 0, 0x10000 * NR_QUEUES);
    wr(r, VIRTIO_MMIO_STATUS, 0);
    wr(r, VIRTIO_MMIO_STATUS, VIRTIO_STATUS_ACKNOWLEDGE | VIRTIO_STATUS_DRIVER);
    wr(r, VIRTIO_MMIO_DRIVER_FEATURES_SEL, 0);
    wr(r, VIRTIO_MMIO_DRIVER_FEATURES, multiport ? (uint32_t)VIRTIO_CONSOLE_F_MULTIPORT : 0);
    wr(r, VIRTIO_MMIO_DRIVER_FEATURES_SEL, 1);
    wr(r, VIRTIO_MMIO_DRIVER_FEATURES, 1); /* VERSION_1 */
    wr(r, VIRTIO_MMIO_STATUS, 0x0b);
    g_assert_cmphex(rd(r, VIRTIO_MMIO_STATUS, 4), ==, 0x0b);
    for (unsigned q = 0; q < (multiport ? NR_QUEUES : 2u); q++)
        set_queue(r, q);
    wr(r, VIRTIO_MMIO_STATUS, 0x0f);
}

/* Offers one buffer of len bytes (data copied in unless writable) on queue q; no notify. */
static uint64_t offer(struct rig *r, unsigned q, const void *data, uint32_t len, bool writable)
{
    unsigned i = r->next_buf[q]++ % QSIZE;
    uint64_t addr = BUF(q, i);
    uint16_t flags = writable ? VIRTQ_DESC_F_WRITE : 0, next = 0, head = (uint16_t)i;
    uint8_t *d = ram(r, RING(q) + 16ull * i);
    memcpy(d, &addr, 8);
    memcpy(d + 8, &len, 4);
    memcpy(d + 12, &flags, 2);
    memcpy(d + 14, &next, 2);
    if (!writable && data)
        memcpy(ram(r, addr), data, len);
    memcpy(ram(r, RING(q) + 0x1000 + 4 + 2u * (r->avail_idx[q] % QSIZE)), &head, 2);
    r->avail_idx[q]++;
    memcpy(ram(r, RING(q) + 0x1000 + 2), &r->avail_idx[q], 2);
    return addr;
}

static void kick(struct rig *r, unsigned q)
{
    wr(r, VIRTIO_MMIO_QUEUE_NOTIFY, q);
}

static uint16_t used_idx(struct rig *r, unsigned q)
{
    uint16_t idx;
    memcpy(&idx, ram(r, RING(q) + 0x2002), 2);
    return idx;
}

/* The next used element of queue q: false if the device has returned nothing new. */
static bool next_used(struct rig *r, unsigned q, uint32_t *id, uint32_t *len)
{
    if (used_idx(r, q) == r->seen_used[q])
        return false;
    uint32_t elem[2];
    memcpy(elem, ram(r, RING(q) + 0x2004 + 8u * (r->seen_used[q]++ % QSIZE)), 8);
    *id = elem[0];
    *len = elem[1];
    return true;
}

static void send_control(struct rig *r, uint32_t id, uint16_t event, uint16_t value)
{
    uint8_t msg[8];
    memcpy(msg, &id, 4);
    memcpy(msg + 4, &event, 2);
    memcpy(msg + 6, &value, 2);
    offer(r, 3, msg, sizeof(msg), false);
    kick(r, 3);
}

/* Posts control receive buffers and collects what the device sent, as "id:event:value"
 * (with ":name" for PORT_NAME) joined by spaces. */
static char *collect_control(struct rig *r, unsigned buffers)
{
    GString *s = g_string_new(NULL);
    uint32_t id, len;

    for (unsigned i = 0; i < buffers; i++)
        offer(r, 2, NULL, 4096, true);
    kick(r, 2);
    while (next_used(r, 2, &id, &len)) {
        const uint8_t *m = ram(r, BUF(2, id));
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
    g_assert_cmphex(rd(&r, VIRTIO_MMIO_DEVICE_ID, 4), ==, VIRTIO_ID_CONSOLE);
    wr(&r, VIRTIO_MMIO_DEVICE_FEATURES_SEL, 0);
    g_assert_cmphex(rd(&r, VIRTIO_MMIO_DEVICE_FEATURES, 4) & 3, ==, VIRTIO_CONSOLE_F_MULTIPORT);
    g_assert_cmpuint(rd(&r, VIRTIO_MMIO_CONFIG + 4, 4), ==, NR_PORTS); /* max_nr_ports */
    g_assert_cmpuint(rd(&r, VIRTIO_MMIO_CONFIG + 0, 4), ==, 0);        /* no console size */
    g_assert_cmpuint(rd(&r, VIRTIO_MMIO_CONFIG + 12, 4), ==, 0);       /* past the end */
    wr(&r, VIRTIO_MMIO_QUEUE_SEL, NR_QUEUES - 1);
    g_assert_cmpuint(rd(&r, VIRTIO_MMIO_QUEUE_NUM_MAX, 4), ==, 256);
    wr(&r, VIRTIO_MMIO_QUEUE_SEL, NR_QUEUES);
    g_assert_cmpuint(rd(&r, VIRTIO_MMIO_QUEUE_NUM_MAX, 4), ==, 0);
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
    offer(&r, 1, "to-console", 10, false); /* port 0 transmits on queue 1 */
    kick(&r, 1);
    offer(&r, 5, "to-port-1", 9, false); /* port 1 on queue 5 */
    kick(&r, 5);
    g_assert_cmpuint(read_out(&r, 0, buf, sizeof(buf)), ==, 10);
    g_assert_true(memcmp(buf, "to-console", 10) == 0);
    g_assert_cmpuint(read_out(&r, 1, buf, sizeof(buf)), ==, 9);
    g_assert_true(memcmp(buf, "to-port-1", 9) == 0);
    g_assert_true(next_used(&r, 1, &id, &len));
    g_assert_cmpuint(len, ==, 0);
    g_assert_true(next_used(&r, 5, &id, &len));
    g_assert_cmpint(r.irq.level, ==, 1);
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
    offer(&r, 4, NULL, 4096, true); /* port 1 receives on queue 4 */
    kick(&r, 4);
    g_assert_true(feed(&r, 1, "hello", 5));
    g_assert_true(next_used(&r, 4, &id, &len));
    g_assert_cmpuint(len, ==, 5);
    g_assert_true(memcmp(ram(&r, BUF(4, id)), "hello", 5) == 0);

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
    g_assert_false(next_used(&r, 4, &id, &len));
    /* The guest posts two buffers of 1 KiB: they fill in order. */
    offer(&r, 4, NULL, 1024, true);
    offer(&r, 4, NULL, 1024, true);
    kick(&r, 4);
    size_t got = 0;
    while (next_used(&r, 4, &id, &len)) {
        g_assert_cmpuint(len, ==, 1024);
        g_assert_true(memcmp(ram(&r, BUF(4, id)), pattern + got, len) == 0);
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
    offer(&r, 0, NULL, 64, true);
    kick(&r, 0);
    g_assert_false(next_used(&r, 0, &id, &len));
    g_assert_true(feed(&r, 0, "fresh", 5));
    g_assert_true(next_used(&r, 0, &id, &len));
    g_assert_cmpuint(len, ==, 5);
    g_assert_true(memcmp(ram(&r, BUF(0, id)), "fresh", 5) == 0);
    rig_free(&r);
}

/* Malformed control messages are ignored; nothing is sent for them, the device goes on. */
static void test_malformed_control(void)
{
    struct rig r;

    rig_init(&r);
    driver_setup(&r, true);
    send_control(&r, 0, VIRTIO_CONSOLE_PORT_READY, 1); /* before DEVICE_READY */
    offer(&r, 3, "\0\0\0", 3, false);                  /* shorter than a message */
    kick(&r, 3);
    /* A buffer too small for a message comes back empty, the message waits for the next. */
    offer(&r, 2, NULL, 4, true);
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
    g_assert_cmpuint(used_idx(&r, 3), ==, 2 + 1 + 5 + 100);
    g_assert_false(feed(&r, 1, "x", 1)); /* port 1 was never really opened */
    g_assert_cmphex(rd(&r, VIRTIO_MMIO_STATUS, 4) & VIRTIO_STATUS_NEEDS_RESET, ==, 0);
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
    offer(&r, 0, NULL, 64, true);
    kick(&r, 0);
    g_assert_true(feed(&r, 0, "in", 2));
    g_assert_true(next_used(&r, 0, &id, &len));
    g_assert_cmpuint(len, ==, 2);
    offer(&r, 1, "out", 3, false);
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
        offer(&r, 5, big + 4096 * i, 4096, false);
    kick(&r, 5);
    unsigned returned = 0;
    while (next_used(&r, 5, &id, &len))
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
    while (next_used(&r, 5, &id, &len))
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
