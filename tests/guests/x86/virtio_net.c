/*
 * The virtio guest's virtio-net driver, and just enough Ethernet, ARP, IPv4 and UDP to reach
 * the host through slirp (guest 10.0.2.15, gateway 10.0.2.2, which is the host's loopback).
 *
 * It reads the MAC from config space, posts receive buffers, asks who has 10.0.2.2 (the
 * answer must come from slirp's MAC), then sends UDP datagrams from port 40000 to
 * 10.0.2.2:udp= carrying the command line's payload=: first one with a wrong UDP checksum
 * (slirp must drop it), then one whose checksum the guest computed, then, if CSUM was
 * negotiated, one whose checksum the device completes (NEEDS_CSUM, the pseudo-header's sum
 * as the seed). It prints the host's reply, which it waits for by interrupt. The ARP reply
 * is polled for. Every wait is bounded by the TSC, measured against the PIT.
 */
#include "virtio_net.h"

/* virtio-net features (virtio 1.2, 5.1.3), status, and the header before every frame. */
#define NET_F_CSUM (1ull << 0)
#define NET_F_MAC (1ull << 5)
#define NET_F_STATUS (1ull << 16)
#define NET_S_LINK_UP 1u
#define NET_CONFIG_STATUS 6
#define NET_HDR_LEN 12 /* VERSION_1: flags, gso_type, hdr_len, gso_size, csum_start,
                          csum_offset, num_buffers */
#define NET_HDR_F_NEEDS_CSUM 1u
#define STATUS_NEEDS_RESET 0x40u
enum { RXQ = 0, TXQ = 1 };

#define RX_BUFS 8
#define TX_SLOTS 4
#define FRAME_MAX 1514
#define RX_BUF_LEN (NET_HDR_LEN + FRAME_MAX)
#define WAIT_MS 5000
#define TICK_VECTOR 0x48
#define TICK_COUNT 10000000u /* 10 ms at the 1 GHz of KVM's and QEMU's APIC timer */

#define ETH_ALEN 6
#define ETH_HLEN 14
#define ETH_MIN_FRAME 60
#define ETHERTYPE_IPV4 0x0800
#define ETHERTYPE_ARP 0x0806
#define ARP_LEN 28
#define ARP_HW_ETHERNET 1
#define ARP_REQUEST 1
#define ARP_REPLY 2
#define IP_HLEN 20
#define IP_DONT_FRAGMENT 0x4000
#define IP_PROTO_UDP 17
#define UDP_HLEN 8
#define UDP_CSUM_FIELD 6

#define GUEST_IP 0x0a00020fu /* 10.0.2.15 */
#define HOST_IP 0x0a000202u  /* 10.0.2.2 */
#define GUEST_PORT 40000
#define PAYLOAD_MAX 200
#define IP_ARGS(a) (a) >> 24, ((a) >> 16) & 0xff, ((a) >> 8) & 0xff, (a) & 0xff

static const uint8_t slirp_mac[ETH_ALEN] = {0x52, 0x55, 0x0a, 0x00, 0x02, 0x02};
static const uint8_t broadcast_mac[ETH_ALEN] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff};
static const uint8_t zero_mac[ETH_ALEN];

static struct virtio_dev *dev;
static volatile unsigned *dev_interrupts;
static uint8_t rxq_area[VIRTQ_AREA] __attribute__((aligned(4096)));
static uint8_t txq_area[VIRTQ_AREA] __attribute__((aligned(4096)));
static struct virtq rxq, txq;
static uint8_t rx_bufs[RX_BUFS][RX_BUF_LEN] __attribute__((aligned(64)));
static uint8_t *rx_buf_of_head[VIRTQ_MAX];
static uint8_t tx_buf[NET_HDR_LEN + FRAME_MAX] __attribute__((aligned(64)));
static uint8_t mac[ETH_ALEN];
static bool csum_offload;
static uint64_t tsc_ms;
static uint16_t ip_id;

/* What the frame handlers saw. */
static struct {
    bool arp_reply;
    uint8_t gateway_mac[ETH_ALEN];
    bool udp_reply;
    uint32_t udp_src;
    uint16_t udp_src_port, udp_dst_port;
    bool udp_checksummed;
    char udp_text[PAYLOAD_MAX + 1];
    unsigned arp_requests_answered, ignored_frames;
} seen;

/* ---- bytes in network order, checksums ---- */

static void put16(uint8_t *p, uint16_t v)
{
    p[0] = (uint8_t)(v >> 8);
    p[1] = (uint8_t)v;
}
static void put32(uint8_t *p, uint32_t v)
{
    put16(p, (uint16_t)(v >> 16));
    put16(p + 2, (uint16_t)v);
}
static uint16_t get16(const uint8_t *p) { return (uint16_t)(p[0] << 8 | p[1]); }
static uint32_t get32(const uint8_t *p) { return (uint32_t)get16(p) << 16 | get16(p + 2); }

/* Adds len bytes, as big-endian 16-bit words (an odd last byte padded with zero), to sum. */
static uint32_t sum_words(uint32_t sum, const uint8_t *p, size_t len)
{
    size_t i;

    for (i = 0; i + 1 < len; i += 2)
        sum += get16(p + i);
    if (i < len)
        sum += (uint32_t)p[i] << 8;
    return sum;
}

/* The ones'-complement sum: carries folded back in. */
static uint16_t fold(uint32_t sum)
{
    while (sum >> 16)
        sum = (sum & 0xffff) + (sum >> 16);
    return (uint16_t)sum;
}

/* RFC 768's pseudo-header: addresses, protocol and UDP length, summed but not folded. */
static uint32_t udp_pseudo_sum(uint32_t src, uint32_t dst, uint16_t udp_len)
{
    return (src >> 16) + (src & 0xffff) + (dst >> 16) + (dst & 0xffff) + IP_PROTO_UDP + udp_len;
}

static void mac_string(char out[18], const uint8_t *m)
{
    snprintf(out, 18, "%02x:%02x:%02x:%02x:%02x:%02x", m[0], m[1], m[2], m[3], m[4], m[5]);
}

/* ---- time ---- */

static uint64_t deadline_after(unsigned ms) { return rdtsc() + ms * tsc_ms; }
static bool past(uint64_t deadline) { return (int64_t)(rdtsc() - deadline) > 0; }

static void on_tick(struct trap_frame *f)
{
    (void)f;
    lapic_eoi();
}

/* ---- the device and its queues ---- */

static void net_setup(void)
{
    uint64_t features;
    char text[18];

    if (virtio_negotiate(dev, NET_F_MAC | NET_F_STATUS | NET_F_CSUM, &features) < 0 ||
        virtq_setup(&rxq, dev, RXQ, rxq_area, RX_BUFS) < 0 ||
        virtq_setup(&txq, dev, TXQ, txq_area, TX_SLOTS) < 0)
        fail("net: set-up failed");
    if (!(features & NET_F_MAC))
        fail("net: the device offers no MAC address");
    csum_offload = features & NET_F_CSUM;
    virtio_driver_ok(dev);
    if (virtio_status(dev) & STATUS_NEEDS_RESET)
        fail("net: the device wants a reset after DRIVER_OK");
    for (unsigned i = 0; i < ETH_ALEN; i++)
        mac[i] = virtio_config_read8(dev, i); /* u8 fields: byte accesses (4.2.2.2) */
    bool link_up = !(features & NET_F_STATUS) ||
                   (virtio_config_read16(dev, NET_CONFIG_STATUS) & NET_S_LINK_UP);
    mac_string(text, mac);
    printf("net: MAC %s from config space, link %s, checksum offload %s\n", text,
           link_up ? "up" : "down", csum_offload ? "yes" : "no");
    if (!link_up)
        fail("net: the link is down");
}

static void rx_post(uint8_t *buf)
{
    int head = virtq_post(&rxq, &(struct virtq_buf){buf, RX_BUF_LEN, true}, 1);

    if (head < 0)
        fail("net: the receive queue is full");
    rx_buf_of_head[head] = buf;
}

static void rx_fill(void)
{
    virtq_want_interrupts(&rxq, false);
    virtq_want_interrupts(&txq, false);
    for (unsigned i = 0; i < RX_BUFS; i++)
        rx_post(rx_bufs[i]);
    virtq_kick(&rxq);
}

/* The frame being built, after its virtio-net header in tx_buf. */
static uint8_t *tx_frame(void) { return tx_buf + NET_HDR_LEN; }

/*
 * Sends the frame of len bytes in tx_frame(), padded to Ethernet's minimum. With offload,
 * the device completes the checksum of everything from start on, storing it at
 * start + checksum_at (NEEDS_CSUM). Waits until the device has taken the buffer.
 */
static void tx_send(size_t len, bool offload, uint16_t start, uint16_t checksum_at)
{
    uint16_t head;
    uint32_t written;

    memset(tx_buf, 0, NET_HDR_LEN);
    if (offload) {
        tx_buf[0] = NET_HDR_F_NEEDS_CSUM;
        memcpy(tx_buf + 6, &start, 2); /* little-endian, as every VERSION_1 field */
        memcpy(tx_buf + 8, &checksum_at, 2);
    }
    if (len < ETH_MIN_FRAME) {
        memset(tx_frame() + len, 0, ETH_MIN_FRAME - len);
        len = ETH_MIN_FRAME;
    }
    if (virtq_post(&txq, &(struct virtq_buf){tx_buf, (uint32_t)(NET_HDR_LEN + len), false}, 1) < 0)
        fail("net: the transmit queue is full");
    virtq_kick(&txq);
    for (uint64_t deadline = deadline_after(WAIT_MS); !virtq_take_used(&txq, &head, &written);)
        if (past(deadline))
            fail("net: the device did not take a transmit buffer within %u ms", WAIT_MS);
}

/* ---- building frames ---- */

static uint8_t *eth_header(const uint8_t *dst, uint16_t type)
{
    uint8_t *f = tx_frame();

    memcpy(f, dst, ETH_ALEN);
    memcpy(f + ETH_ALEN, mac, ETH_ALEN);
    put16(f + 12, type);
    return f + ETH_HLEN;
}

/* An ARP packet from us (10.0.2.15) to target_ip, in an Ethernet frame to eth_dst. */
static size_t arp_frame(uint16_t op, const uint8_t *eth_dst, const uint8_t *target_mac,
                        uint32_t target_ip)
{
    uint8_t *a = eth_header(eth_dst, ETHERTYPE_ARP);

    put16(a, ARP_HW_ETHERNET);
    put16(a + 2, ETHERTYPE_IPV4);
    a[4] = ETH_ALEN;
    a[5] = 4;
    put16(a + 6, op);
    memcpy(a + 8, mac, ETH_ALEN);
    put32(a + 14, GUEST_IP);
    memcpy(a + 18, target_mac, ETH_ALEN);
    put32(a + 24, target_ip);
    return ETH_HLEN + ARP_LEN;
}

static void ipv4_header(uint8_t *ip, uint16_t total_len, uint32_t dst)
{
    memset(ip, 0, IP_HLEN);
    ip[0] = 0x45; /* version 4, 5 words */
    put16(ip + 2, total_len);
    put16(ip + 4, ++ip_id);
    put16(ip + 6, IP_DONT_FRAGMENT);
    ip[8] = 64; /* TTL */
    ip[9] = IP_PROTO_UDP;
    put32(ip + 12, GUEST_IP);
    put32(ip + 16, dst);
    put16(ip + 10, (uint16_t)~fold(sum_words(0, ip, IP_HLEN)));
}

enum udp_checksum { UDP_CHECKSUM_WRONG, UDP_CHECKSUM_BY_GUEST, UDP_CHECKSUM_BY_DEVICE };

/* The UDP checksum field for the datagram udp[0, len) whose field is still zero. */
static uint16_t udp_checksum(const uint8_t *udp, uint16_t len, enum udp_checksum how)
{
    uint32_t pseudo = udp_pseudo_sum(GUEST_IP, HOST_IP, len);
    uint16_t sum = (uint16_t)~fold(sum_words(pseudo, udp, len));

    if (how == UDP_CHECKSUM_BY_DEVICE)
        return fold(pseudo); /* the seed the device adds the datagram to */
    if (sum == 0)
        sum = 0xffff; /* zero means "no checksum" in UDP over IPv4 */
    if (how == UDP_CHECKSUM_WRONG)
        sum = sum == 0x00ff ? 1 : (uint16_t)(sum ^ 0x00ff); /* wrong, yet never 0 (none) */
    return sum;
}

/* Sends payload from 10.0.2.15:GUEST_PORT to 10.0.2.2:port through the gateway. */
static void udp_send(uint16_t port, const char *payload, size_t n, enum udp_checksum how)
{
    uint8_t *ip = eth_header(seen.gateway_mac, ETHERTYPE_IPV4);
    uint8_t *udp = ip + IP_HLEN;
    uint16_t udp_len = (uint16_t)(UDP_HLEN + n);

    ipv4_header(ip, (uint16_t)(IP_HLEN + udp_len), HOST_IP);
    put16(udp, GUEST_PORT);
    put16(udp + 2, port);
    put16(udp + 4, udp_len);
    put16(udp + UDP_CSUM_FIELD, 0);
    memcpy(udp + UDP_HLEN, payload, n);
    put16(udp + UDP_CSUM_FIELD, udp_checksum(udp, udp_len, how));
    tx_send(ETH_HLEN + IP_HLEN + udp_len, how == UDP_CHECKSUM_BY_DEVICE, ETH_HLEN + IP_HLEN,
            UDP_CSUM_FIELD);
}

/* ---- received frames ---- */

static void handle_arp(const uint8_t *eth, const uint8_t *a)
{
    uint16_t op = get16(a + 6);
    uint32_t sender_ip = get32(a + 14), target_ip = get32(a + 24);
    char from[18], sender[18];

    if (get16(a) != ARP_HW_ETHERNET || get16(a + 2) != ETHERTYPE_IPV4 || a[4] != ETH_ALEN ||
        a[5] != 4 || target_ip != GUEST_IP) {
        seen.ignored_frames++;
    } else if (op == ARP_REQUEST) {
        /* slirp asks when it has not learnt our address; an unanswered ask stalls it. */
        tx_send(arp_frame(ARP_REPLY, a + 8, a + 8, sender_ip), false, 0, 0);
        seen.arp_requests_answered++;
    } else if (op == ARP_REPLY && sender_ip == HOST_IP) {
        mac_string(from, eth + ETH_ALEN);
        mac_string(sender, a + 8);
        if (memcmp(eth + ETH_ALEN, a + 8, ETH_ALEN) != 0)
            fail("net: an ARP reply from %s names %s as 10.0.2.2", from, sender);
        memcpy(seen.gateway_mac, a + 8, ETH_ALEN);
        seen.arp_reply = true;
    } else {
        seen.ignored_frames++;
    }
}

/* Keeps the payload printable: anything else becomes '.'. */
static void record_text(const uint8_t *p, size_t n)
{
    if (n > PAYLOAD_MAX)
        n = PAYLOAD_MAX;
    for (size_t i = 0; i < n; i++)
        seen.udp_text[i] = p[i] >= 0x20 && p[i] < 0x7f ? (char)p[i] : '.';
    seen.udp_text[n] = 0;
}

static void handle_udp(uint32_t src, const uint8_t *udp, size_t len)
{
    uint16_t udp_len = get16(udp + 4);

    if (udp_len < UDP_HLEN || udp_len > len || get16(udp + 2) != GUEST_PORT) {
        seen.ignored_frames++;
        return;
    }
    seen.udp_checksummed = get16(udp + UDP_CSUM_FIELD) != 0;
    if (seen.udp_checksummed &&
        fold(sum_words(udp_pseudo_sum(src, GUEST_IP, udp_len), udp, udp_len)) != 0xffff)
        fail("net: a received UDP datagram's checksum is wrong");
    seen.udp_src = src;
    seen.udp_src_port = get16(udp);
    seen.udp_dst_port = get16(udp + 2);
    record_text(udp + UDP_HLEN, udp_len - UDP_HLEN);
    seen.udp_reply = true;
}

static void handle_ipv4(const uint8_t *ip, size_t len)
{
    size_t header_len = (size_t)(ip[0] & 0xf) * 4;
    uint16_t total = get16(ip + 2);
    bool fragment = get16(ip + 6) & 0x3fff; /* more fragments, or an offset */

    if (ip[0] >> 4 != 4 || header_len < IP_HLEN || total < header_len + UDP_HLEN ||
        total > len || fragment || ip[9] != IP_PROTO_UDP || get32(ip + 16) != GUEST_IP) {
        seen.ignored_frames++;
        return;
    }
    if (fold(sum_words(0, ip, header_len)) != 0xffff)
        fail("net: a received IPv4 header's checksum is wrong");
    handle_udp(get32(ip + 12), ip + header_len, total - header_len);
}

static void handle_frame(const uint8_t *f, size_t len)
{
    uint16_t type = len >= ETH_HLEN ? get16(f + 12) : 0;

    if (type == ETHERTYPE_ARP && len >= ETH_HLEN + ARP_LEN)
        handle_arp(f, f + ETH_HLEN);
    else if (type == ETHERTYPE_IPV4 && len >= ETH_HLEN + IP_HLEN)
        handle_ipv4(f + ETH_HLEN, len - ETH_HLEN);
    else
        seen.ignored_frames++;
}

/* Handles the next received frame and gives its buffer back; false if there is none. */
static bool rx_next(void)
{
    uint16_t head;
    uint32_t len;

    if (!virtq_take_used(&rxq, &head, &len))
        return false;
    uint8_t *buf = rx_buf_of_head[head];
    if (!buf || len < NET_HDR_LEN || len > RX_BUF_LEN)
        fail("net: receive chain %u came back with %u bytes", head, len);
    rx_buf_of_head[head] = NULL;
    handle_frame(buf + NET_HDR_LEN, len - NET_HDR_LEN);
    rx_post(buf);
    virtq_kick(&rxq);
    return true;
}

/* ---- waiting ---- */

/* Handles frames, polling the used ring, until *done; fails after WAIT_MS. */
static void poll_until(const bool *done, const char *what)
{
    uint64_t deadline = deadline_after(WAIT_MS);

    while (!*done)
        if (!rx_next()) {
            if (past(deadline))
                fail("net: no %s within %u ms", what, WAIT_MS);
            cpu_relax();
        }
}

/*
 * Handles frames as the device's interrupts announce them, until *done; a 10 ms LAPIC tick
 * wakes each sleep so the wait stays bounded. Returns the device's interrupts taken.
 */
static unsigned interrupts_until(const bool *done, const char *what)
{
    unsigned before = *dev_interrupts;
    uint64_t deadline = deadline_after(WAIT_MS);

    lapic_timer_periodic(TICK_VECTOR, TICK_COUNT);
    while (!*done && !past(deadline))
        if (!rx_next())
            wait_for_interrupt();
    /* The frame may be in the ring before its interrupt is taken (interrupts are off). */
    while (*dev_interrupts == before && !past(deadline))
        wait_for_interrupt();
    lapic_timer_stop();
    if (!*done)
        fail("net: no %s within %u ms", what, WAIT_MS);
    if (*dev_interrupts == before)
        fail("net: %s arrived without an interrupt", what);
    return *dev_interrupts - before;
}

/* ---- the test ---- */

static void arp_for_gateway(void)
{
    char text[18];

    tx_send(arp_frame(ARP_REQUEST, broadcast_mac, zero_mac, HOST_IP), false, 0, 0);
    printf("net: ARP request for 10.0.2.2 sent\n");
    poll_until(&seen.arp_reply, "ARP reply for 10.0.2.2");
    mac_string(text, seen.gateway_mac);
    printf("net: ARP reply by polling: 10.0.2.2 is at %s\n", text);
    if (memcmp(seen.gateway_mac, slirp_mac, ETH_ALEN) != 0)
        fail("net: 10.0.2.2 should be slirp's 52:55:0a:00:02:02");
}

static void udp_send_all(uint16_t port, const char *payload, size_t n)
{
    char variant[PAYLOAD_MAX + 32];

    snprintf(variant, sizeof(variant), "%s+wrong-checksum", payload);
    udp_send(port, variant, strlen(variant), UDP_CHECKSUM_WRONG);
    printf("net: sent '%s' to 10.0.2.2:%u with a wrong UDP checksum\n", variant, port);
    udp_send(port, payload, n, UDP_CHECKSUM_BY_GUEST);
    printf("net: sent '%s' to 10.0.2.2:%u from port %u, UDP checksum by the guest\n", payload,
           port, GUEST_PORT);
    if (!csum_offload)
        return;
    snprintf(variant, sizeof(variant), "%s+checksum-offload", payload);
    udp_send(port, variant, strlen(variant), UDP_CHECKSUM_BY_DEVICE);
    printf("net: sent '%s' to 10.0.2.2:%u, UDP checksum by the device\n", variant, port);
}

static void udp_exchange(void)
{
    char payload[PAYLOAD_MAX + 1];
    uint64_t port = cmdline_uint("udp", 0);
    size_t n = cmdline_string("payload", payload, sizeof(payload));

    if (port == 0 || port > 0xffff || n == 0)
        fail("net: the command line needs udp=PORT and payload=TEXT");
    virtq_want_interrupts(&rxq, true);
    udp_send_all((uint16_t)port, payload, n);
    unsigned irqs = interrupts_until(&seen.udp_reply, "UDP reply");
    virtq_want_interrupts(&rxq, false);
    printf("net: UDP reply by interrupt from %u.%u.%u.%u:%u to port %u (%s): '%s'\n",
           IP_ARGS(seen.udp_src), seen.udp_src_port, seen.udp_dst_port,
           seen.udp_checksummed ? "checksum good" : "no checksum", seen.udp_text);
    printf("net: %u interrupt(s) while waiting\n", irqs);
}

void net_test(struct virtio_dev *d, volatile unsigned *interrupts)
{
    dev = d;
    dev_interrupts = interrupts;
    if (!(tsc_ms = tsc_per_ms()))
        fail("net: PIT channel 2 never counted down; no clock for timeouts");
    idt_set_handler(TICK_VECTOR, on_tick, 0);
    net_setup();
    rx_fill();
    arp_for_gateway();
    udp_exchange();
    printf("net: answered %u ARP request(s), ignored %u frame(s)\n",
           seen.arp_requests_answered, seen.ignored_frames);
}
