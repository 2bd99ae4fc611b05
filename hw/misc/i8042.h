/* The i8042 keyboard controller: command byte, self-tests, output port and the reset line. */
#ifndef KESTREL_HW_MISC_I8042_H
#define KESTREL_HW_MISC_I8042_H

#include <pthread.h>
#include <stdint.h>

#include "core/io.h"
#include "core/irq.h"

struct runstate;

#define I8042_DATA_PORT 0x60
#define I8042_CMD_PORT 0x64
#define I8042_QUEUE_SIZE 16

struct i8042 {
    pthread_mutex_t lock;
    struct runstate *runstate; /* the reset line */
    struct irq_line kbd_irq;   /* IRQ 1 */
    uint8_t command_byte;
    uint8_t output_port;
    uint8_t pending_cmd; /* controller command waiting for its data byte, or 0 */
    uint8_t status_sys;  /* the system flag, set once self-test passed */
    uint8_t queue[I8042_QUEUE_SIZE];
    unsigned q_head, q_count;
    int irq_level;
};

void i8042_init(struct i8042 *k, struct runstate *rs, struct irq_line kbd_irq);
void i8042_reset(struct i8042 *k);
/* The data port (0x60) and the command/status port (0x64). */
io_handler_fn i8042_data_io;
io_handler_fn i8042_cmd_io;

#endif
