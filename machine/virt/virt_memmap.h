/* The RISC-V virt board's memory map: the same addresses as QEMU's virt machine. */
#ifndef KESTREL_MACHINE_VIRT_MEMMAP_H
#define KESTREL_MACHINE_VIRT_MEMMAP_H

/*
 *   0x0010_0000  sifive_test finisher (4 KiB)
 *   0x0200_0000  ACLINT / CLINT: msip, mtimecmp, mtime (64 KiB)
 *   0x0c00_0000  PLIC (6 MiB)
 *   0x1000_0000  NS16550A UART (256 bytes), PLIC source 10
 *   0x1000_1000  8 virtio-mmio slots, 4 KiB apart, PLIC sources 1-8 (all empty for now)
 *   0x8000_0000  RAM
 */
#define VIRT_TEST_BASE 0x100000ull
#define VIRT_CLINT_BASE 0x2000000ull
#define VIRT_PLIC_BASE 0xc000000ull
#define VIRT_UART0_BASE 0x10000000ull
#define VIRT_UART0_SIZE 0x100ull
#define VIRT_UART0_IRQ 10
#define VIRT_VIRTIO_BASE 0x10001000ull
#define VIRT_VIRTIO_COUNT 8
#define VIRT_VIRTIO_IRQ 1 /* slot i raises PLIC source VIRT_VIRTIO_IRQ + i */
#define VIRT_DRAM_BASE 0x80000000ull

#define VIRT_TIMEBASE_HZ 10000000ull
#define VIRT_UART_CLOCK_HZ 3686400u

#endif
