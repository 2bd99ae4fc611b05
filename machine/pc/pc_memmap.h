/* The PC board's guest-physical memory map, as one table of addresses. */
#ifndef KESTREL_MACHINE_PC_MEMMAP_H
#define KESTREL_MACHINE_PC_MEMMAP_H

/*
 *   0x0000_0000 .. 0x0009_fbff  RAM: low memory (real-mode IVT, BDA, boot data)
 *   0x0009_fc00 .. 0x0009_ffff  RAM, reserved: extended BIOS data area
 *   0x000a_0000 .. 0x000e_ffff  RAM, reserved: legacy VGA and option ROM window
 *   0x000f_0000 .. 0x000f_ffff  RAM, reserved: BIOS area; the MP table lives here
 *   0x0010_0000 .. low_end      RAM: kernels load at 1 MiB
 *   0xd000_0000 .. 0xffff_ffff  the hole below 4 GiB (no RAM):
 *       0xd000_0000             virtio-mmio slots, 4 KiB each, one per virtio device in
 *                               command-line order (at most 8: 0xd000_0000..0xd000_7fff)
 *       0xfec0_0000             IOAPIC (in-kernel under KVM)
 *       0xfee0_0000             local APICs (in-kernel under KVM)
 *       0xfeff_c000             KVM identity-map page, then its three TSS pages
 *       0xff00_0000             pc-testdev scratch MMIO (64 KiB), when present
 *   0x1_0000_0000 ..            RAM above 4 GiB, when -m exceeds 3.25 GiB
 */
#define PC_LOW_RAM_TOP_MAX 0xd0000000ull /* 3.25 GiB: where the hole starts */
#define PC_HIGH_RAM_BASE 0x100000000ull

#define PC_EBDA_BASE 0x9fc00ull
#define PC_ISA_HOLE_BASE 0xa0000ull
#define PC_BIOS_AREA_BASE 0xf0000ull
#define PC_HIGH_MEMORY_BASE 0x100000ull

#define PC_IOAPIC_BASE 0xfec00000ull
#define PC_LAPIC_BASE 0xfee00000ull
#define PC_KVM_IDENTITY_MAP 0xfeffc000ull
#define PC_KVM_TSS 0xfeffd000ull
#define PC_KVM_PRIVATE_END 0xff000000ull

#define PC_MPTABLE_BASE PC_BIOS_AREA_BASE

/* ISA interrupt lines (GSIs under KVM's default routing). */
#define PC_IRQ_PIT 0
#define PC_IRQ_KEYBOARD 1
#define PC_IRQ_COM1 4
#define PC_IRQ_RTC 8
#define PC_NR_ISA_IRQS 16
#define PC_NR_IOAPIC_PINS 24

/*
 * virtio-mmio slots. Their interrupts are IOAPIC pins 16..23: above the ISA lines, so they
 * collide with no legacy device and reach no 8259 PIC input, and level-triggered, active high
 * (the MP table says so), because the transport's InterruptStatus is a level.
 */
#define PC_VIRTIO_MMIO_BASE 0xd0000000ull
#define PC_VIRTIO_MMIO_SLOT_SIZE 0x1000ull
#define PC_VIRTIO_IRQ_BASE 16
#define PC_VIRTIO_MAX_SLOTS (PC_NR_IOAPIC_PINS - PC_VIRTIO_IRQ_BASE)

/* Legacy ports. */
#define PC_COM1_PORT 0x3f8
#define PC_POST_PORT 0x80
#define PC_CMOS_PORT 0x70

#endif
