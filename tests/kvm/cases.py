"""The kvm suite: each x86 test guest under -accel kvm, with its serial output and status.

A case names its guest, extra kestrel arguments, the lines its serial output must contain
in order (regular expressions matched against whole lines), and the exit status. Guests end
through isa-debug-exit, so PASS is status 1 ((0 << 1) | 1) and FAIL is status 3.
"""

BASE_ARGS = ["-M", "pc", "-accel", "kvm", "-m", "64", "-nographic",
             "-device", "isa-debug-exit,iobase=0xf4,iosize=4"]

PASS = 1

MODULE0 = bytes(range(256)) * 19 + bytes(136)  # 5000 bytes, not a page multiple
MODULE1 = b"!"


def fnv1a(data):
    h = 2166136261
    for b in data:
        h = ((h ^ b) * 16777619) & 0xFFFFFFFF
    return h


# The virtio guest's disk: byte o is ((o / 512) * 31 + o) & 0xff, 64 sectors. The guest
# writes sectors 8-11 with byte j of sector s = (s * 13 + j * 7 + 0x5a) & 0xff.
DISK = bytes(((o >> 9) * 31 + o) & 0xFF for o in range(64 * 512))
DISK_WRITTEN = (DISK[:8 * 512]
                + bytes((s * 13 + j * 7 + 0x5A) & 0xFF for s in range(8, 12) for j in range(512))
                + DISK[12 * 512:])


def virtio_blk_lines(readonly, first_slot=0):
    return [
        r"virtio: 4096 bytes at 0x%x, irq %d: device 2 \(block\)"
        % (0xD0000000 + 0x1000 * first_slot, 16 + first_slot),
        r"blk: 64 sectors, read-only %s, flush yes" % ("yes" if readonly else "no"),
        r"blk: read sectors 0-7 by polling: the host's pattern",
        r"blk: write sectors 8-11 by interrupt: status %d" % (1 if readonly else 0),
        r"blk: flush: status 0",
        r"blk: read back sectors 8-11 by interrupt: the %s pattern"
        % ("host's" if readonly else "guest's"),
    ]


# The virtio guest's UDP exchange through slirp: the host's socket must receive exactly the
# datagrams with good checksums (the guest's, then the device-completed one), never the one
# the guest sent first with a wrong checksum; its reply must reach the guest.
PAYLOAD = "datagram-from-the-kestrel-guest"  # odd length: the checksum's padded last byte
UDP_REPLY = b"reply from the host: 42"
UDP = dict(expect=[PAYLOAD.encode(), (PAYLOAD + "+checksum-offload").encode()],
           reply=UDP_REPLY)
NET_APPEND = "udp={udp_port} payload=" + PAYLOAD


def virtio_net_lines(slot=0, mac="52:54:00:12:34:56"):
    return [
        r"virtio: 4096 bytes at 0x%x, irq %d: device 1 \(network\)"
        % (0xD0000000 + 0x1000 * slot, 16 + slot),
        r"net: MAC %s from config space, link up, checksum offload yes" % mac,
        r"net: ARP request for 10.0.2.2 sent",
        r"net: ARP reply by polling: 10.0.2.2 is at 52:55:0a:00:02:02",
        r"net: sent '%s\+wrong-checksum' to 10.0.2.2:{udp_port} with a wrong UDP checksum"
        % PAYLOAD,
        r"net: sent '%s' to 10.0.2.2:{udp_port} from port 40000, UDP checksum by the guest"
        % PAYLOAD,
        r"net: sent '%s\+checksum-offload' to 10.0.2.2:{udp_port}, UDP checksum by the device"
        % PAYLOAD,
        r"net: UDP reply by interrupt from 10.0.2.2:{udp_port} to port 40000 \(checksum good\): "
        r"'%s'" % UDP_REPLY.decode(),
    ]


def case(guest, expect, args=(), status=PASS, **extra):
    return dict(guest=guest, expect=list(expect), args=list(args), status=status, **extra)


CASES = {
    "hello": case("hello", [
        r"hello from a kestrel test guest \(64-bit long mode\)",
        r"command line: '/\S+/hello\.elf first second=2'",
        r"PASS",
    ], args=["-append", "first second=2"]),

    # -initrd "PATH ARGS,PATH": multiboot modules with their command lines, page-aligned.
    "modules": case("hello", [
        r"module 0: '/\S+/mod0\.bin arg=1 two' 5000 bytes fnv1a=0x%08x" % fnv1a(MODULE0),
        r"module 1: '/\S+/mod1\.bin' 1 bytes fnv1a=0x%08x" % fnv1a(MODULE1),
        r"PASS",
    ], args=["-initrd", "{tmp}/mod0.bin arg=1 two,{tmp}/mod1.bin"],
        files={"mod0.bin": MODULE0, "mod1.bin": MODULE1}),

    # isa-debug-exit: the process status is the low byte of (value << 1) | 1.
    "debug-exit-code": case("hello", [r"command line: '\S+ exit=42'"], status=(42 << 1) | 1,
                            args=["-append", "exit=42"], absent=[r"PASS"]),

    "exceptions": case("exceptions", [
        r"exception #DE vector=0 error=0x0",
        r"exception #UD vector=6 error=0x0",
        r"exception #PF vector=14 error=0x0 cr2=0x4000000000",
        r"exception #PF vector=14 error=0x2 cr2=0x4000000000",
        r"exception #GP vector=13 error=0x0",
        r"exception #PF from ring 3 error=0x6",
        r"exception #GP from ring 3 \(cli at IOPL 0\)",
        r"PASS",
    ]),

    "interrupts": case("interrupts", [
        r"pit: 10 ticks through the PIC on IRQ 0",
        r"lapic timer: 10 periodic ticks on vector 0x40",
        r"serial: THRE interrupt on IRQ 4 \(IIR=0xc2\)",
        r"PASS",
    ]),

    "io": case("io", [
        r"pio: 8/16/32-bit round trips through pc-testdev",
        r"pio: rep outsb / rep insw repeat on one port",
        r"mmio: 8/16/32/64-bit round trips through pc-testdev",
        r"pio: UART scratch and divisor registers",
        r"pio: CMOS NVRAM round trip, clock plausible",
        r"pio: unclaimed ports read as all ones",
        r"PASS",
    ], args=["-device", "pc-testdev"]),

    # -d unimp logs each unclaimed address once, however often the guest touches it.
    "io-unimp-log": case("io", [r"PASS"], args=["-device", "pc-testdev", "-d", "unimp",
                                                "-D", "{tmp}/unimp.log"],
                         log_file="unimp.log",
                         log_expect=[r"unimp: unclaimed pio read addr=0x3e0 size=1 .*"],
                         log_count={r"addr=0x3e0\b": 1}),

    "smp-2": case("smp", [
        r"smp: 2 CPUs in the firmware tables",
        r"cpu 0 \(APIC ID 0\) checked in \(BSP\)",
        r"cpu 1 \(APIC ID 1\) checked in",
        r"smp: locked counter = 40000 \(2 CPUs x 20000\)",
        r"PASS",
    ], args=["-smp", "2"]),

    "smp-4": case("smp", [
        r"smp: 4 CPUs in the firmware tables",
        r"cpu 0 \(APIC ID 0\) checked in \(BSP\)",
        r"cpu 1 \(APIC ID 1\) checked in",
        r"cpu 2 \(APIC ID 2\) checked in",
        r"cpu 3 \(APIC ID 3\) checked in",
        r"smp: locked counter = 80000 \(4 CPUs x 20000\)",
        r"PASS",
    ], args=["-smp", "4"]),

    # The checksum must equal what the same object computes natively (bench/compute-native).
    "compute": case("compute", [
        r"compute: 3 iterations in ring 3, checksum={native_checksum}",
        r"PASS",
    ], args=["-append", "iterations=3"], native_iterations=3),

    "pio": case("pio", [r"pio: 5000 port writes", r"PASS"], args=["-append", "exits=5000"]),

    "reset": case("reset", [
        r"reset: boot 1", r"reset: triple fault",
        r"reset: boot 2", r"reset: i8042 reset line",
        r"reset: boot 3", r"PASS",
    ], args=["-smp", "2"], stderr_expect=[r"kestrel: vCPU 0: guest triple fault; resetting"]),

    "reset-no-reboot": case("reset", [r"reset: boot 1", r"reset: triple fault"],
                            args=["-no-reboot"], status=0, absent=[r"reset: boot 2"]),

    # QEMU as a second oracle: its -M pc has no virtio-mmio bus, so virtio-blk-device cannot
    # be plugged there. QEMU 7.2's -M microvm has one, but it appends virtio_mmio.device=
    # entries only to a Linux kernel's command line, not a multiboot one, its transports
    # speak version 1 unless -global virtio-mmio.force-legacy=false, and they sit at
    # 0xfeb00000 + 512 * n (the device lands in the last free one). With
    #   -M microvm,ioapic2=off -global virtio-mmio.force-legacy=false
    #   -append virtio_mmio.device=512@0xfeb00e00:12
    # the guest probes the device and its polled reads and interrupt-driven write reach
    # the image, but the write's interrupt never arrived in our one try (not investigated
    # further). So these cases run under kestrel only.
    #
    # virtio-blk on the pc board: the slot at 0xd0000000 on IOAPIC pin 16 announced on the
    # command line, reads of the host's pattern, writes, FLUSH and GET_ID, some requests
    # waited for by interrupt; then the image on the host holds what the guest wrote.
    "virtio-blk": case("virtio", [
        r"command line: '/\S+/virtio\.elf virtio_mmio\.device=4K@0xd0000000:16'",
        r"virtio: 1 device\(s\) on the command line",
    ] + virtio_blk_lines(False) + [r"blk: serial 'kestrel-disk-1'", r"PASS"],
        args=["-drive", "file={tmp}/disk.img,if=none,id=d0",
              "-device", "virtio-blk-device,drive=d0,serial=kestrel-disk-1"],
        files={"disk.img": DISK}, files_after={"disk.img": DISK_WRITTEN}),

    # Read-only: writes answered with IOERR, the image untouched.
    "virtio-blk-readonly": case("virtio", virtio_blk_lines(True) + [r"blk: serial ''", r"PASS"],
                                args=["-drive", "file={tmp}/disk.img,format=raw,if=virtio,"
                                                "readonly=on"],
                                files={"disk.img": DISK}, files_after={"disk.img": DISK}),

    # Without the fast path (no ioeventfd, no irqfd): the same results through VM exits.
    "virtio-blk-no-ioeventfd": case(
        "virtio", virtio_blk_lines(False) + [r"PASS"],
        args=["-drive", "file={tmp}/disk.img,if=none,id=d0",
              "-device", "virtio-blk-device,drive=d0,ioeventfd=off"],
        files={"disk.img": DISK}, files_after={"disk.img": DISK_WRITTEN}),

    # Two slots: each device has its own address and pin; -global turns the fast path off
    # for -drive if=virtio, and the rng keeps its own.
    "virtio-two-devices": case("virtio", [
        r"command line: '/\S+/virtio\.elf bench=0 virtio_mmio\.device=4K@0xd0000000:16 "
        r"virtio_mmio\.device=4K@0xd0001000:17'",
        r"virtio: 2 device\(s\) on the command line",
        r"virtio: 4096 bytes at 0xd0000000, irq 16: device 4 \(entropy\)",
    ] + virtio_blk_lines(False, first_slot=1) + [r"PASS"],
        args=["-global", "virtio-mmio.ioeventfd=off", "-device", "virtio-rng-device,ioeventfd=on",
              "-drive", "file={tmp}/disk.img,if=virtio", "-append", "bench=0"],
        files={"disk.img": DISK}, files_after={"disk.img": DISK_WRITTEN}),

    # virtio-net on slirp: the MAC from config space, ARP for the gateway answered by slirp,
    # UDP datagrams to a socket on the host's loopback, and the host's reply back. Under
    # kestrel only, as for virtio-blk: QEMU's pc has no virtio-mmio bus.
    "virtio-net": case("virtio", [
        r"command line: '/\S+/virtio\.elf udp={udp_port} payload=%s "
        r"virtio_mmio\.device=4K@0xd0000000:16'" % PAYLOAD,
        r"virtio: 1 device\(s\) on the command line",
    ] + virtio_net_lines() + [r"PASS"],
        args=["-netdev", "user,id=n0", "-device", "virtio-net-device,netdev=n0",
              "-append", NET_APPEND], udp=UDP),

    # The same through VM exits, the NIC from -nic with its own MAC.
    "virtio-net-no-ioeventfd": case(
        "virtio", virtio_net_lines(mac="52:54:00:ab:cd:ef") + [r"PASS"],
        args=["-nic", "user,model=virtio-net-device,mac=52:54:00:ab:cd:ef",
              "-global", "virtio-mmio.ioeventfd=off", "-append", NET_APPEND], udp=UDP),

    # A disk and a NIC: slots and pins in command-line order, each device driven on its own.
    "virtio-blk-net": case("virtio", [
        r"virtio: 2 device\(s\) on the command line",
        virtio_net_lines(slot=0)[0],
        virtio_blk_lines(False, first_slot=1)[0],
    ] + virtio_blk_lines(False, first_slot=1)[1:] + virtio_net_lines(slot=0)[1:] + [r"PASS"],
        args=["-netdev", "user,id=n0", "-device", "virtio-net-device,netdev=n0",
              "-drive", "file={tmp}/disk.img,if=none,id=d0",
              "-device", "virtio-blk-device,drive=d0", "-append", NET_APPEND],
        files={"disk.img": DISK}, files_after={"disk.img": DISK_WRITTEN}, udp=UDP),

    "serial-file": case("hello", [], args=["-serial", "file:{tmp}/serial.txt"],
                        stdout_empty=True, log_file="serial.txt",
                        log_expect=[r"hello from a kestrel test guest \(64-bit long mode\)",
                                    r"PASS"]),

    "debugcon": case("hello", [r"PASS"], args=["-debugcon", "file:{tmp}/debugcon.txt"],
                     log_file="debugcon.txt",
                     log_expect=[r"debugcon: hello from port 0xe9"]),

    # Host stdin reaches the guest through the 16550's FIFO and IRQ 4; a line longer than
    # the FIFO needs flow control.
    "serial-input": case("echo", [
        r"echo: ready",
        r"echo: hello world \(11 bytes\)",
        r"echo: " + "x" * 300 + r" \(300 bytes\)",
        r"PASS",
    ], send_after=[(r"echo: ready", "hello world\n" + "x" * 300 + "\nquit\n")]),

    # Ctrl-A x on stdio ends kestrel with status 0, as in QEMU.
    "ctrl-a-x": case("echo", [r"echo: ready"], status=0,
                     send_after=[(r"echo: ready", "\x01x")],
                     stderr_expect=[r"kestrel: terminated \(C-a x\)"]),
}
