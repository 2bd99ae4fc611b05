/* The IOAPIC at 0xfec00000: routing one pin to a vector on the boot CPU. */
#include "guest.h"

#define IOAPIC_BASE 0xfec00000ull
#define IOAPIC_REGSEL 0x00
#define IOAPIC_WINDOW 0x10
#define IOAPIC_REDIR(pin) (0x10 + 2 * (pin))

#define REDIR_LEVEL (1u << 15)
#define REDIR_ACTIVE_LOW (1u << 13)
#define REDIR_MASKED (1u << 16)

static void ioapic_write(uint32_t reg, uint32_t v)
{
    mmio_write32(IOAPIC_BASE + IOAPIC_REGSEL, reg);
    mmio_write32(IOAPIC_BASE + IOAPIC_WINDOW, v);
}

void ioapic_route(unsigned pin, uint8_t vector, bool level, uint8_t apic_id)
{
    ioapic_write(IOAPIC_REDIR(pin) + 1, (uint32_t)apic_id << 24);
    /* Fixed delivery, physical destination, active high. */
    ioapic_write(IOAPIC_REDIR(pin), vector | (level ? REDIR_LEVEL : 0));
}

void ioapic_mask(unsigned pin)
{
    ioapic_write(IOAPIC_REDIR(pin), REDIR_MASKED);
}
