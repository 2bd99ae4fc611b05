/*
 * Unit tests for hw/virtio/virtio_net on a real libslirp stack, driven through the
 * virtio-mmio transport as a driver would: ARP with the gateway, a UDP datagram that reaches
 * a socket on the host's loopback and its answer coming back through the main loop, frames
 * waiting for receive buffers, and hostile chains.
 */
#include <arpa/inet.h>
#include <glib.h>
#include <sys/socket.h>
#include <unistd.h>

#include "tests/unit/virtio_driver.h"
#include "hw/virtio/virtio_net.h"

enum { RXQ = 0, TXQ = 1 };
#define HDR VIRTIO_NET_HDR_LEN
#define RX_BUF_LEN 2048

static const uint8_t guest_mac[6] = {0x52, 0x54, 0x00, 0x12, 0x34, 0x56};
static const uint8_t gateway_mac[6] = {0x52, 0x55, 0x0a, 0x00, 0x02, 0x02}; /* slirp's */
static const uint8_t guest_ip[4] = {10, 0, 2, 15}, gateway_ip[4] = {10, 0, 2, 2};

struct rig {
    struct vdrv d;
    struct virtio_net net;
    struct vm_netdev_config cfg;
};

#define F_CSUM 1u
#define F_GUEST_CSUM 2u

static void rig_init_with(struct rig *r, uint32_t features)
{
    memset(r, 0, sizeof(*r));
    r->cfg = (struct vm_netdev_config){.id = "n0", .ipv6 = false};
    vdrv_init(&r->d, &virtio_net_ops, &r->net);
    g_assert_cmpint(virtio_net_init(&r->net, &r->cfg, guest_mac, &r->d.t), ==, 0);
    vdrv_start_with(&r->d, 2, features);
    g_assert_cmphex(vdrv_rd(&r->d, VIRTIO_MMIO_STATUS, 4), ==, 0x0f);
}

static void rig_init(struct rig *r)
{
    rig_init_with(r, 0);
}

static void rig_free(struct rig *r)
{
    virtio_net_destroy(&r->net);
    vdrv_free(&r->d);
}

/* Posts receive buffer i (descriptor i of the receive queue) of len bytes. */
static void post_rx(struct rig *r, unsigned i, uint32_t len)
{
    vdrv_desc(&r->d, RXQ, i, VD_BUF(i), len, VIRTQ_DESC_F_WRITE, 0);
    vdrv_offer(&r->d, RXQ, (uint16_t)i);
}

/* Queues a frame after the virtio-net header hdr (zeros if NULL) in descriptor 0 of the
 * transmit queue and notifies: the device copies it out and completes the buffer. */
static void queue_tx(struct rig *r, const uint8_t *hdr, const uint8_t *frame, size_t len)
{
    uint8_t *buf = vdrv_ram(&r->d, VD_BUF(7));
    memset(buf, 0, HDR);
    if (hdr)
        memcpy(buf, hdr, HDR);
    memcpy(buf + HDR, frame, len);
    vdrv_desc(&r->d, TXQ, 0, VD_BUF(7), (uint32_t)(HDR + len), 0, 0);
    vdrv_offer(&r->d, TXQ, 0);
    vdrv_wr(&r->d, VIRTIO_MMIO_QUEUE_NOTIFY, TXQ);
}

/* queue_tx, then what the main loop does: the frame goes on to slirp. */
static void transmit_with(struct rig *r, const uint8_t *hdr, const uint8_t *frame, size_t len)
{
    queue_tx(r, hdr, frame, len);
    virtio_net_process(&r->net);
}

static void transmit(struct rig *r, const uint8_t *frame, size_t len)
{
    transmit_with(r, NULL, frame, len);
}

static size_t arp_request(uint8_t *f)
{
    static const uint8_t head[] = {0x08, 0x06, 0, 1, 0x08, 0x00, 6, 4, 0, 1};
    memset(f, 0xff, 6);
    memcpy(f + 6, guest_mac, 6);
    memcpy(f + 12, head, sizeof(head));
    memcpy(f + 22, guest_mac, 6);
    memcpy(f + 28, guest_ip, 4);
    memset(f + 32, 0, 6);
    memcpy(f + 38, gateway_ip, 4);
    return 42;
}

static uint16_t ip_checksum(const uint8_t *p, size_t len)
{
    uint32_t sum = 0;
    for (size_t i = 0; i + 1 < len; i += 2)
        sum += (uint32_t)(p[i] << 8 | p[i + 1]);
    while (sum >> 16)
        sum = (sum & 0xffff) + (sum >> 16);
    return (uint16_t)~sum;
}

/* An Ethernet + IPv4 + UDP frame from the guest's port 5555 to the gateway's dport. */
static size_t udp_frame(uint8_t *f, uint16_t dport, const char *payload)
{
    size_t n = strlen(payload), ip_len = 20 + 8 + n;
    memcpy(f, gateway_mac, 6);
    memcpy(f + 6, guest_mac, 6);
    f[12] = 0x08, f[13] = 0x00;
    uint8_t *ip = f + 14;
    memset(ip, 0, 20);
    ip[0] = 0x45, ip[2] = (uint8_t)(ip_len >> 8), ip[3] = (uint8_t)ip_len;
    ip[8] = 64, ip[9] = 17;
    memcpy(ip + 12, guest_ip, 4);
    memcpy(ip + 16, gateway_ip, 4);
    uint16_t c = ip_checksum(ip, 20);
    ip[10] = (uint8_t)(c >> 8), ip[11] = (uint8_t)c;
    uint8_t *udp = ip + 20;
    udp[0] = 5555 >> 8, udp[1] = 5555 & 0xff, udp[2] = (uint8_t)(dport >> 8),
    udp[3] = (uint8_t)dport;
    udp[4] = (uint8_t)((8 + n) >> 8), udp[5] = (uint8_t)(8 + n), udp[6] = 0, udp[7] = 0;
    memcpy(udp + 8, payload, n);
    return 14 + ip_len;
}

/* The frame in receive buffer i, after checking its virtio-net header. */
static const uint8_t *rx_frame_flags(struct rig *r, unsigned i, uint8_t flags)
{
    const uint8_t *buf = vdrv_ram(&r->d, VD_BUF(i));
    uint16_t num_buffers;
    memcpy(&num_buffers, buf + 10, 2);
    g_assert_cmpuint(num_buffers, ==, 1);
    g_assert_cmpuint(buf[0], ==, flags);
    return buf + HDR;
}

static const uint8_t *rx_frame(struct rig *r, unsigned i)
{
    return rx_frame_flags(r, i, 0);
}

static void assert_arp_reply(const uint8_t *f)
{
    g_assert_cmpmem(f, 6, guest_mac, 6);             /* to us */
    g_assert_cmpmem(f + 6, 6, gateway_mac, 6);       /* from the gateway */
    g_assert_cmpuint(f[12] << 8 | f[13], ==, 0x0806);
    g_assert_cmpuint(f[20] << 8 | f[21], ==, 2);     /* reply */
    g_assert_cmpmem(f + 22, 6, gateway_mac, 6);
    g_assert_cmpmem(f + 28, 4, gateway_ip, 4);
}

static void test_config(void)
{
    struct rig r;
    rig_init(&r);
    g_assert_cmpuint(vdrv_rd(&r.d, VIRTIO_MMIO_DEVICE_ID, 4), ==, VIRTIO_ID_NET);
    vdrv_wr(&r.d, VIRTIO_MMIO_DEVICE_FEATURES_SEL, 0);
    uint32_t features = vdrv_rd(&r.d, VIRTIO_MMIO_DEVICE_FEATURES, 4);
    g_assert_cmphex(features & (1u << 5 | 1u << 16), ==, 1u << 5 | 1u << 16); /* MAC, STATUS */
    for (unsigned i = 0; i < 6; i++)
        g_assert_cmphex(vdrv_rd(&r.d, VIRTIO_MMIO_CONFIG + i, 1), ==, guest_mac[i]);
    g_assert_cmphex(vdrv_rd(&r.d, VIRTIO_MMIO_CONFIG + 6, 2), ==, 1); /* link up */
    g_assert_cmphex(vdrv_rd(&r.d, VIRTIO_MMIO_CONFIG + 64, 4), ==, 0); /* past the end */
    rig_free(&r);
}

/* The notify itself completes the transmit buffer; the frame goes on from the main loop. */
static void test_transmit_completes_at_notify(void)
{
    struct rig r;
    uint8_t f[64];
    uint32_t id = ~0u, len = ~0u;
    rig_init(&r);
    post_rx(&r, 0, RX_BUF_LEN);
    queue_tx(&r, NULL, f, arp_request(f));
    g_assert_true(vdrv_take_used(&r.d, TXQ, &id, &len));
    g_assert_cmpuint(r.net.tx.len, ==, 1);
    g_assert_false(vdrv_take_used(&r.d, RXQ, &id, &len)); /* slirp has not seen it yet */
    for (int i = 0; i < 100 && !vdrv_take_used(&r.d, RXQ, &id, &len); i++)
        g_main_context_iteration(NULL, TRUE);
    assert_arp_reply(rx_frame(&r, 0));
    g_assert_cmpuint(r.net.tx.len, ==, 0);
    rig_free(&r);
}

static void test_arp_with_the_gateway(void)
{
    struct rig r;
    uint8_t f[64];
    uint32_t id = ~0u, len = ~0u;
    rig_init(&r);
    post_rx(&r, 0, RX_BUF_LEN);
    transmit(&r, f, arp_request(f));
    g_assert_true(vdrv_take_used(&r.d, TXQ, &id, &len));
    g_assert_cmpuint(id, ==, 0);
    g_assert_true(vdrv_take_used(&r.d, RXQ, &id, &len));
    g_assert_cmpuint(id, ==, 0);
    g_assert_cmpuint(len, >=, HDR + 42);
    assert_arp_reply(rx_frame(&r, 0));
    g_assert_cmpuint(r.net.tx_frames, ==, 1);
    g_assert_cmpuint(r.net.rx_frames, ==, 1);
    rig_free(&r);
}

/* A frame with no receive buffer waits; the driver's notify of new buffers delivers it. */
static void test_frames_wait_for_buffers(void)
{
    struct rig r;
    uint8_t f[64];
    uint32_t id = ~0u, len = ~0u;
    rig_init(&r);
    transmit(&r, f, arp_request(f));
    g_assert_false(vdrv_take_used(&r.d, RXQ, &id, &len));
    g_assert_cmpuint(r.net.backlog.len, ==, 1);
    post_rx(&r, 3, RX_BUF_LEN);
    vdrv_wr(&r.d, VIRTIO_MMIO_QUEUE_NOTIFY, RXQ);
    for (int i = 0; i < 100 && !vdrv_take_used(&r.d, RXQ, &id, &len); i++)
        g_main_context_iteration(NULL, TRUE);
    g_assert_cmpuint(id, ==, 3);
    assert_arp_reply(rx_frame(&r, 3));
    g_assert_cmpuint(r.net.backlog.len, ==, 0);
    g_assert_cmpint(r.d.irq_level, ==, 1);
    rig_free(&r);
}

/* A host UDP socket bound to loopback, with a receive timeout; its port in *port. */
static int host_udp_socket(uint16_t *port)
{
    struct sockaddr_in addr = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    socklen_t alen = sizeof(addr);
    struct timeval tv = {2, 0};
    int s = socket(AF_INET, SOCK_DGRAM, 0);
    g_assert_cmpint(bind(s, (struct sockaddr *)&addr, sizeof(addr)), ==, 0);
    g_assert_cmpint(getsockname(s, (struct sockaddr *)&addr, &alen), ==, 0);
    setsockopt(s, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
    *port = ntohs(addr.sin_port);
    return s;
}

static void test_udp_to_the_host_and_back(void)
{
    struct rig r;
    uint8_t f[128];
    uint32_t id = ~0u, len = ~0u;
    char got[64];
    uint16_t port;
    int s = host_udp_socket(&port);

    rig_init(&r);
    post_rx(&r, 0, RX_BUF_LEN);
    transmit(&r, f, arp_request(f)); /* slirp learns our MAC */
    g_assert_true(vdrv_take_used(&r.d, RXQ, &id, &len));
    transmit(&r, f, udp_frame(f, port, "hello from the guest"));
    struct sockaddr_in from;
    socklen_t flen = sizeof(from);
    ssize_t n = recvfrom(s, got, sizeof(got), 0, (struct sockaddr *)&from, &flen);
    g_assert_cmpint(n, ==, 20);
    g_assert_cmpmem(got, 20, "hello from the guest", 20);

    post_rx(&r, 1, RX_BUF_LEN);
    g_assert_cmpint(sendto(s, "reply", 5, 0, (struct sockaddr *)&from, flen), ==, 5);
    bool delivered = false;
    for (int i = 0; i < 200 && !delivered; i++) {
        g_main_context_iteration(NULL, TRUE);
        delivered = vdrv_take_used(&r.d, RXQ, &id, &len);
    }
    g_assert_true(delivered);
    const uint8_t *rf = rx_frame(&r, id);
    g_assert_cmpuint(len, ==, HDR + 14 + 20 + 8 + 5);
    g_assert_cmpuint(rf[14 + 9], ==, 17);                    /* UDP */
    g_assert_cmpmem(rf + 14 + 12, 4, gateway_ip, 4);         /* from 10.0.2.2 */
    g_assert_cmpmem(rf + 14 + 16, 4, guest_ip, 4);           /* to 10.0.2.15 */
    g_assert_cmpuint(rf[14 + 22] << 8 | rf[14 + 23], ==, 5555);
    g_assert_cmpmem(rf + 14 + 28, 5, "reply", 5);
    close(s);
    rig_free(&r);
}

/* The UDP pseudo-header's sum (not inverted), as a guest puts it in the checksum field. */
static uint16_t udp_pseudo_sum(const uint8_t *ip)
{
    uint32_t sum = 17 + (uint32_t)(ip[24] << 8 | ip[25]);
    for (int i = 12; i < 20; i += 2)
        sum += (uint32_t)(ip[i] << 8 | ip[i + 1]);
    while (sum >> 16)
        sum = (sum & 0xffff) + (sum >> 16);
    return (uint16_t)sum;
}

/* CSUM: the guest leaves a UDP checksum to the device. slirp drops a datagram whose checksum
 * is wrong, so the host socket only sees it if the device completed it. GUEST_CSUM: frames
 * for the guest say their checksums were checked. */
static void test_checksum_offload(void)
{
    struct rig r;
    uint8_t f[128], hdr[HDR] = {1 /* NEEDS_CSUM */};
    char got[64];
    uint16_t port, start = 14 + 20, offset = 6;
    uint32_t id = ~0u, len = ~0u;
    int s = host_udp_socket(&port);

    rig_init_with(&r, F_CSUM | F_GUEST_CSUM);
    post_rx(&r, 0, RX_BUF_LEN);
    transmit(&r, f, arp_request(f));
    g_assert_true(vdrv_take_used(&r.d, RXQ, &id, &len));
    rx_frame_flags(&r, 0, 2 /* DATA_VALID */);
    size_t n = udp_frame(f, port, "checksummed by the device");
    uint16_t pseudo = udp_pseudo_sum(f + 14);
    f[start + offset] = (uint8_t)(pseudo >> 8), f[start + offset + 1] = (uint8_t)pseudo;
    memcpy(hdr + 6, &start, 2);
    memcpy(hdr + 8, &offset, 2);
    transmit_with(&r, hdr, f, n);
    g_assert_cmpint(recv(s, got, sizeof(got), 0), ==, 25);
    g_assert_cmpmem(got, 25, "checksummed by the device", 25);
    /* The same datagram with a wrong seed in the field never arrives. */
    f[start + offset] ^= 0x55;
    transmit_with(&r, hdr, f, n);
    g_assert_cmpint(recv(s, got, sizeof(got), MSG_DONTWAIT), ==, -1);
    /* A datagram whose checksum comes out 0 goes as 0xffff: 0 would mean "none" to UDP. */
    n = udp_frame(f, port, "zero-sum-..");
    f[start + offset] = 0, f[start + offset + 1] = 0;
    uint16_t seed = udp_pseudo_sum(f + 14);
    uint32_t sum = seed;
    f[start + 8 + 8] = 0, f[start + 8 + 9] = 0; /* the payload's "..", chosen below */
    for (size_t i = start; i + 1 < n; i += 2)
        sum += (uint32_t)(f[i] << 8 | f[i + 1]);
    sum += (uint32_t)f[n - 1] << 8; /* 19 bytes from start: one left over */
    while (sum >> 16)
        sum = (sum & 0xffff) + (sum >> 16);
    uint16_t fill = (uint16_t)(0xffff - sum); /* the sum becomes 0xffff, its complement 0 */
    f[start + 16] = (uint8_t)(fill >> 8), f[start + 17] = (uint8_t)fill;
    f[start + offset] = (uint8_t)(seed >> 8), f[start + offset + 1] = (uint8_t)seed;
    queue_tx(&r, hdr, f, n);
    g_assert_cmpuint(r.net.tx.len, ==, 1); /* copied and completed, not yet sent */
    const uint8_t *sent = r.net.tx.f[r.net.tx.head].data;
    g_assert_cmphex(sent[start + offset] << 8 | sent[start + offset + 1], ==, 0xffff);
    virtio_net_process(&r.net);
    g_assert_cmpint(recv(s, got, sizeof(got), 0), ==, 11);
    /* Offsets past the frame: dropped before slirp. */
    offset = 2000;
    memcpy(hdr + 8, &offset, 2);
    transmit_with(&r, hdr, f, n);
    g_assert_cmpuint(r.net.tx_dropped, ==, 1);
    close(s);
    rig_free(&r);
}

static void test_hostile_chains(void)
{
    struct rig r;
    uint8_t f[64];
    uint32_t id = ~0u, len = ~0u;
    rig_init(&r);
    /* NEEDS_CSUM without the feature, and a segmentation offload never offered. */
    uint8_t hdr[HDR] = {1};
    transmit_with(&r, hdr, f, arp_request(f));
    hdr[0] = 0, hdr[1] = 1; /* GSO_TCPV4 */
    transmit_with(&r, hdr, f, arp_request(f));
    g_assert_cmpuint(r.net.tx_dropped, ==, 2);
    g_assert_cmpuint(r.net.rx_frames, ==, 0);
    r.net.tx_dropped = 0;
    /* A header and no frame: dropped, and the chain is still returned. */
    transmit(&r, f, 0);
    g_assert_true(vdrv_take_used(&r.d, TXQ, &id, &len));
    g_assert_cmpuint(r.net.tx_dropped, ==, 1);
    g_assert_cmpuint(r.net.tx_frames, ==, 0);
    /* A transmit chain longer than any frame. */
    vdrv_desc(&r.d, TXQ, 0, VD_BUF(0), 0x10000, VIRTQ_DESC_F_NEXT, 1);
    vdrv_desc(&r.d, TXQ, 1, VD_BUF(1), 0x10000, 0, 0);
    vdrv_offer(&r.d, TXQ, 0);
    vdrv_wr(&r.d, VIRTIO_MMIO_QUEUE_NOTIFY, TXQ);
    g_assert_true(vdrv_take_used(&r.d, TXQ, &id, &len));
    g_assert_cmpuint(r.net.tx_dropped, ==, 2);
    /* A receive buffer too small for the reply: dropped, the buffer comes back empty. */
    post_rx(&r, 0, 20);
    transmit(&r, f, arp_request(f));
    g_assert_true(vdrv_take_used(&r.d, RXQ, &id, &len));
    g_assert_cmpuint(len, ==, 0);
    g_assert_cmpuint(r.net.rx_dropped, ==, 1);
    /* A receive buffer the device may not write: the same. */
    vdrv_desc(&r.d, RXQ, 1, VD_BUF(1), RX_BUF_LEN, 0, 0);
    vdrv_offer(&r.d, RXQ, 1);
    transmit(&r, f, arp_request(f));
    g_assert_true(vdrv_take_used(&r.d, RXQ, &id, &len));
    g_assert_cmpuint(len, ==, 0);
    g_assert_cmpuint(r.net.rx_dropped, ==, 2);
    /* A receive buffer outside RAM is a broken ring: the device asks for a reset. */
    vdrv_desc(&r.d, RXQ, 2, VD_RAM_BASE + VD_RAM_SIZE - 16, RX_BUF_LEN, VIRTQ_DESC_F_WRITE, 0);
    vdrv_offer(&r.d, RXQ, 2);
    transmit(&r, f, arp_request(f));
    g_assert_cmphex(vdrv_rd(&r.d, VIRTIO_MMIO_STATUS, 4) & VIRTIO_STATUS_NEEDS_RESET, !=, 0);
    g_assert_cmpuint(r.net.rx_dropped, ==, 3);
    rig_free(&r);
}

/* A frame waiting for buffers when the driver resets the device is dropped with it. */
static void test_reset_drops_the_backlog(void)
{
    struct rig r;
    uint8_t f[64];
    rig_init(&r);
    for (int i = 0; i < VIRTIO_NET_RX_BACKLOG + 5; i++)
        transmit(&r, f, arp_request(f));
    g_assert_cmpuint(r.net.backlog.len, ==, VIRTIO_NET_RX_BACKLOG);
    g_assert_cmpuint(r.net.rx_dropped, ==, 5);
    vdrv_wr(&r.d, VIRTIO_MMIO_STATUS, 0);
    g_assert_cmpuint(r.net.backlog.len, ==, 0);
    rig_free(&r);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/virtio_net/config", test_config);
    g_test_add_func("/virtio_net/arp_with_the_gateway", test_arp_with_the_gateway);
    g_test_add_func("/virtio_net/transmit_completes_at_notify",
                    test_transmit_completes_at_notify);
    g_test_add_func("/virtio_net/frames_wait_for_buffers", test_frames_wait_for_buffers);
    g_test_add_func("/virtio_net/udp_to_the_host_and_back", test_udp_to_the_host_and_back);
    g_test_add_func("/virtio_net/checksum_offload", test_checksum_offload);
    g_test_add_func("/virtio_net/hostile_chains", test_hostile_chains);
    g_test_add_func("/virtio_net/reset_drops_the_backlog", test_reset_drops_the_backlog);
    return g_test_run();
}
