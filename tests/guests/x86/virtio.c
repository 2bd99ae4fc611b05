/*
 * virtio: finds the virtio-mmio devices its command line announces (virtio_mmio.device=
 * entries), probes each, and drives the first virtio-blk and the first virtio-net device
 * (virtio_net.c: ARP and UDP through slirp); it needs at least one of them.
 *
 * virtio-blk: reads sectors the host prepared,
 * writes sectors, flushes, reads them back and asks for the serial. Some requests wait for
 * the device's interrupt (through the IOAPIC, level-triggered), the others poll the used
 * ring. With bench=N it then times N one-sector reads polled from ring 3 and N waited for
 * by interrupt in ring 0.
 *
 * The host's image: byte o is ((o / 512) * 31 + o) & 0xff. The guest writes sectors 8-11
 * with byte j of sector s = (s * 13 + j * 7 + 0x5a) & 0xff, unless the disk is read-only.
 */
#include "runtime/guest.h"
#include "runtime/virtio.h"
#include "virtio_net.h"

#define SECTOR 512u
#define MAX_DEVICES 8
#define VIRTIO_VECTOR_BASE 0x50

#define VIRTIO_BLK_F_RO (1ull << 5)
#define VIRTIO_BLK_F_FLUSH (1ull << 9)
enum { BLK_T_IN = 0, BLK_T_OUT = 1, BLK_T_FLUSH = 4, BLK_T_GET_ID = 8 };
enum { BLK_S_OK = 0, BLK_S_IOERR = 1 };

struct blk_header {
    uint32_t type, reserved;
    uint64_t sector;
};

static struct virtio_dev devs[MAX_DEVICES];
static unsigned nr_devs;
static volatile unsigned interrupts[MAX_DEVICES];

static uint8_t blk_queue_area[VIRTQ_AREA] __attribute__((aligned(4096)));
static struct virtq blk_vq;
static struct blk_header blk_hdr;
static volatile uint8_t blk_status;
static uint8_t blk_data[8 * SECTOR] __attribute__((aligned(64)));
static unsigned blk_index;

/* ---- interrupts ---- */

static void on_virtio_interrupt(struct trap_frame *f)
{
    unsigned i = (unsigned)(f->vector - VIRTIO_VECTOR_BASE);

    if (i < nr_devs && virtio_interrupt_ack(&devs[i]))
        interrupts[i]++;
    lapic_eoi(); /* a level-triggered pin: the EOI also reaches the IOAPIC */
}

static void route_interrupt(unsigned i)
{
    idt_set_handler((uint8_t)(VIRTIO_VECTOR_BASE + i), on_virtio_interrupt, 0);
    ioapic_route(devs[i].irq, (uint8_t)(VIRTIO_VECTOR_BASE + i), true, (uint8_t)lapic_id());
}

/* ---- virtio-blk requests ---- */

static void blk_post(uint32_t type, uint64_t sector, void *buf, uint32_t len)
{
    struct virtq_buf bufs[3];
    unsigned n = 0;

    blk_hdr = (struct blk_header){type, 0, sector};
    blk_status = 0xff;
    bufs[n++] = (struct virtq_buf){&blk_hdr, sizeof(blk_hdr), false};
    if (len)
        bufs[n++] = (struct virtq_buf){buf, len, type != BLK_T_OUT};
    bufs[n++] = (struct virtq_buf){(void *)&blk_status, 1, true};
    virtq_post(&blk_vq, bufs, n);
    virtq_kick(&blk_vq);
}

/* One request, waited for by polling or by interrupt; its status byte. */
static uint8_t blk_request(uint32_t type, uint64_t sector, void *buf, uint32_t len,
                           bool by_interrupt, uint32_t *written)
{
    uint16_t head;
    uint32_t w;

    virtq_want_interrupts(&blk_vq, by_interrupt);
    unsigned before = interrupts[blk_index];
    blk_post(type, sector, buf, len);
    while (!virtq_take_used(&blk_vq, &head, &w)) {
        if (by_interrupt)
            wait_for_interrupt();
        else
            cpu_relax();
    }
    /* The chain may be used before the interrupt is taken (interrupts are off here): a
     * request that asked for one is complete once it arrived. A lost one hangs the test. */
    while (by_interrupt && interrupts[blk_index] == before)
        wait_for_interrupt();
    if (written)
        *written = w;
    return blk_status;
}

static uint8_t host_pattern(uint64_t offset) { return (uint8_t)((offset / SECTOR) * 31 + offset); }
static uint8_t guest_pattern(uint64_t sector, unsigned j)
{
    return (uint8_t)(sector * 13 + j * 7 + 0x5a);
}

/* The first byte of sectors [first, first + n) in blk_data that differs; -1 if none. */
static int check_sectors(uint64_t first, unsigned n, bool guests)
{
    for (unsigned s = 0; s < n; s++)
        for (unsigned j = 0; j < SECTOR; j++) {
            uint8_t want = guests ? guest_pattern(first + s, j)
                                  : host_pattern((first + s) * SECTOR + j);
            if (blk_data[s * SECTOR + j] != want)
                return (int)(s * SECTOR + j);
        }
    return -1;
}

static void blk_setup(struct virtio_dev *d, bool *readonly)
{
    uint64_t features;

    if (virtio_negotiate(d, VIRTIO_BLK_F_RO | VIRTIO_BLK_F_FLUSH, &features) < 0 ||
        virtq_setup(&blk_vq, d, 0, blk_queue_area, 16) < 0)
        fail("blk: set-up failed");
    virtio_driver_ok(d);
    if (virtio_status(d) & 0x40)
        fail("blk: the device wants a reset after DRIVER_OK");
    *readonly = features & VIRTIO_BLK_F_RO;
    uint64_t capacity = virtio_config_read32(d, 0) | (uint64_t)virtio_config_read32(d, 4) << 32;
    printf("blk: %lu sectors, read-only %s, flush %s\n", capacity, *readonly ? "yes" : "no",
           features & VIRTIO_BLK_F_FLUSH ? "yes" : "no");
    if (capacity < 16)
        fail("blk: the test needs at least 16 sectors");
}

static void blk_read_host_sectors(void)
{
    uint32_t written;
    uint8_t st = blk_request(BLK_T_IN, 0, blk_data, 8 * SECTOR, false, &written);
    int bad = check_sectors(0, 8, false);

    if (st != BLK_S_OK || written != 8 * SECTOR + 1 || bad >= 0)
        fail("blk: read of sectors 0-7: status %u, %u bytes, first mismatch at %d", st,
             written, bad);
    printf("blk: read sectors 0-7 by polling: the host's pattern\n");
}

static void blk_write_and_read_back(bool readonly)
{
    for (unsigned s = 0; s < 4; s++)
        for (unsigned j = 0; j < SECTOR; j++)
            blk_data[s * SECTOR + j] = guest_pattern(8 + s, j);
    uint8_t st = blk_request(BLK_T_OUT, 8, blk_data, 4 * SECTOR, true, NULL);
    printf("blk: write sectors 8-11 by interrupt: status %u\n", st);
    if (st != (readonly ? BLK_S_IOERR : BLK_S_OK))
        fail("blk: unexpected write status");
    st = blk_request(BLK_T_FLUSH, 0, NULL, 0, true, NULL);
    printf("blk: flush: status %u\n", st);
    if (st != BLK_S_OK)
        fail("blk: flush failed");
    memset(blk_data, 0, 4 * SECTOR);
    st = blk_request(BLK_T_IN, 8, blk_data, 4 * SECTOR, true, NULL);
    int bad = check_sectors(8, 4, !readonly);
    if (st != BLK_S_OK || bad >= 0)
        fail("blk: read back: status %u, first mismatch at %d", st, bad);
    printf("blk: read back sectors 8-11 by interrupt: the %s pattern\n",
           readonly ? "host's" : "guest's");
}

static void blk_get_id(void)
{
    char id[21] = {0};
    uint32_t written;
    uint8_t st = blk_request(BLK_T_GET_ID, 0, id, 20, false, &written);

    if (st != BLK_S_OK)
        fail("blk: GET_ID status %u", st);
    printf("blk: serial '%s'\n", id);
}

/* ---- bench=N ---- */

static uint64_t bench_poll_user(uint64_t n)
{
    uint16_t head;
    uint32_t w;
    uint64_t start = rdtsc();

    for (uint64_t i = 0; i < n; i++) {
        blk_post(BLK_T_IN, 0, blk_data, SECTOR);
        while (!virtq_take_used(&blk_vq, &head, &w))
            ;
    }
    return rdtsc() - start;
}

static void blk_bench(uint64_t n)
{
    virtq_want_interrupts(&blk_vq, false);
    user_init();
    uint64_t poll = run_in_user_mode(bench_poll_user, n, false);
    printf("bench: poll %lu requests %lu cycles\n", n, poll);
    uint64_t start = rdtsc();
    for (uint64_t i = 0; i < n; i++)
        blk_request(BLK_T_IN, 0, blk_data, SECTOR, true, NULL);
    printf("bench: irq %lu requests %lu cycles\n", n, rdtsc() - start);
}

/* ---- probing ---- */

static const char *device_name(uint32_t id)
{
    return id == VIRTIO_ID_BLOCK ? "block" : id == VIRTIO_ID_NET ? "network"
         : id == 4 ? "entropy" : id == 0 ? "none" : "other";
}

static void probe_all(void)
{
    printf("command line: '%s'\n", cmdline());
    nr_devs = virtio_find_devices(devs, MAX_DEVICES);
    printf("virtio: %u device(s) on the command line\n", nr_devs);
    for (unsigned i = 0; i < nr_devs; i++) {
        if (virtio_probe(&devs[i]) < 0)
            fail("virtio: probing 0x%lx", devs[i].base);
        printf("virtio: %lu bytes at 0x%lx, irq %u: device %u (%s)\n", devs[i].size,
               devs[i].base, devs[i].irq, devs[i].device_id, device_name(devs[i].device_id));
    }
}

/* The first probed device with this ID; -1 if none. */
static int find_device(uint32_t device_id)
{
    for (unsigned i = 0; i < nr_devs; i++)
        if (devs[i].device_id == device_id)
            return (int)i;
    return -1;
}

static void blk_test(unsigned index)
{
    bool readonly;

    blk_index = index;
    route_interrupt(blk_index);
    blk_setup(&devs[blk_index], &readonly);
    blk_read_host_sectors();
    blk_write_and_read_back(readonly);
    blk_get_id();
    printf("blk: %u interrupts\n", interrupts[blk_index]);
    if (cmdline_uint("bench", 0))
        blk_bench(cmdline_uint("bench", 0));
}

void guest_main(void)
{
    probe_all();
    int blk = find_device(VIRTIO_ID_BLOCK), net = find_device(VIRTIO_ID_NET);
    if (blk < 0 && net < 0)
        fail("no virtio-blk or virtio-net device");
    lapic_enable();
    if (blk >= 0)
        blk_test((unsigned)blk);
    if (net >= 0) {
        route_interrupt((unsigned)net);
        net_test(&devs[net], &interrupts[net]);
    }
    pass();
}
