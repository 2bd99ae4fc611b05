/* The i8042 keyboard controller: command byte, self-tests, output port and the reset line. */
#include "hw/misc/i8042.h"

#include <string.h>

#include "core/runstate.h"

#define I8042_STATUS_OBF 0x01
#define I8042_STATUS_SYS 0x04
#define I8042_STATUS_CMD 0x08
#define I8042_STATUS_UNLOCKED 0x10

#define I8042_CB_KBD_INT 0x01
#define I8042_CB_SYS 0x04
#define I8042_CB_KBD_DISABLE 0x10
#define I8042_CB_AUX_DISABLE 0x20
#define I8042_CB_XLATE 0x40

#define I8042_OUT_RESET_LINE 0x01 /* active low: clearing it resets the CPU */
#define I8042_OUT_A20 0x02

static void i8042_update_irq(struct i8042 *k)
{
    int level = k->q_count && (k->command_byte & I8042_CB_KBD_INT);

    if (level != k->irq_level) {
        k->irq_level = level;
        irq_set(&k->kbd_irq, level);
    }
}

static void i8042_queue(struct i8042 *k, uint8_t byte)
{
    if (k->q_count < I8042_QUEUE_SIZE) {
        k->queue[(k->q_head + k->q_count) % I8042_QUEUE_SIZE] = byte;
        k->q_count++;
    }
}

static uint8_t i8042_dequeue(struct i8042 *k)
{
    if (!k->q_count)
        return 0;
    uint8_t byte = k->queue[k->q_head];
    k->q_head = (k->q_head + 1) % I8042_QUEUE_SIZE;
    k->q_count--;
    return byte;
}

void i8042_reset(struct i8042 *k)
{
    k->command_byte = I8042_CB_KBD_INT | I8042_CB_SYS | I8042_CB_XLATE;
    k->output_port = I8042_OUT_RESET_LINE | I8042_OUT_A20;
    k->pending_cmd = 0;
    k->status_sys = I8042_STATUS_SYS;
    k->q_head = k->q_count = 0;
    k->irq_level = 0;
    irq_set(&k->kbd_irq, 0);
}

void i8042_init(struct i8042 *k, struct runstate *rs, struct irq_line kbd_irq)
{
    memset(k, 0, sizeof(*k));
    pthread_mutex_init(&k->lock, NULL);
    k->runstate = rs;
    k->kbd_irq = kbd_irq;
    i8042_reset(k);
}

static void i8042_write_output_port(struct i8042 *k, uint8_t val)
{
    k->output_port = val;
    if (!(val & I8042_OUT_RESET_LINE))
        runstate_request_reset(k->runstate);
}

static void i8042_command(struct i8042 *k, uint8_t cmd)
{
    switch (cmd) {
    case 0x20: /* read command byte */
        i8042_queue(k, k->command_byte);
        break;
    case 0x60: /* write command byte: data follows */
    case 0xd1: /* write output port: data follows */
    case 0xd2: /* write keyboard output buffer: data follows */
        k->pending_cmd = cmd;
        break;
    case 0xa7: k->command_byte |= I8042_CB_AUX_DISABLE; break;
    case 0xa8: k->command_byte &= ~I8042_CB_AUX_DISABLE; break;
    case 0xa9: i8042_queue(k, 0x00); break; /* aux interface test: passed */
    case 0xaa: /* controller self-test */
        k->status_sys = I8042_STATUS_SYS;
        i8042_queue(k, 0x55);
        break;
    case 0xab: i8042_queue(k, 0x00); break; /* keyboard interface test: passed */
    case 0xad: k->command_byte |= I8042_CB_KBD_DISABLE; break;
    case 0xae: k->command_byte &= ~I8042_CB_KBD_DISABLE; break;
    case 0xc0: i8042_queue(k, 0xff); break; /* input port: no keylock, colour */
    case 0xd0: i8042_queue(k, k->output_port); break;
    default:
        /* 0xf0-0xff pulse output port bits low for 6 us; bit 0 is the CPU reset line. */
        if (cmd >= 0xf0 && !(cmd & 0x01))
            runstate_request_reset(k->runstate);
        break;
    }
}

/* A byte to the keyboard itself: there are no keys, but it answers like one. */
static void i8042_keyboard_write(struct i8042 *k, uint8_t val)
{
    switch (val) {
    case 0xff: /* reset: ack, then self-test passed */
        i8042_queue(k, 0xfa);
        i8042_queue(k, 0xaa);
        break;
    case 0xf2: /* identify: MF2 keyboard */
        i8042_queue(k, 0xfa);
        i8042_queue(k, 0xab);
        i8042_queue(k, 0x83);
        break;
    case 0xee: /* echo */
        i8042_queue(k, 0xee);
        break;
    default:
        i8042_queue(k, 0xfa);
        break;
    }
}

static void i8042_write_data(struct i8042 *k, uint8_t val)
{
    uint8_t cmd = k->pending_cmd;

    k->pending_cmd = 0;
    switch (cmd) {
    case 0x60:
        k->command_byte = val;
        break;
    case 0xd1:
        i8042_write_output_port(k, val);
        break;
    case 0xd2:
        i8042_queue(k, val);
        break;
    default:
        i8042_keyboard_write(k, val);
        break;
    }
}

static uint8_t i8042_status(const struct i8042 *k)
{
    uint8_t st = k->status_sys | I8042_STATUS_UNLOCKED;

    if (k->q_count)
        st |= I8042_STATUS_OBF;
    if (k->pending_cmd)
        st |= I8042_STATUS_CMD;
    return st;
}

static void i8042_access(struct i8042 *k, bool data_port, struct io_access *a)
{
    pthread_mutex_lock(&k->lock);
    if (a->is_write && data_port)
        i8042_write_data(k, (uint8_t)a->data);
    else if (a->is_write)
        i8042_command(k, (uint8_t)a->data);
    else if (data_port)
        a->data = i8042_dequeue(k);
    else
        a->data = i8042_status(k);
    i8042_update_irq(k);
    pthread_mutex_unlock(&k->lock);
}

void i8042_data_io(void *opaque, struct io_access *a)
{
    i8042_access(opaque, true, a);
}

void i8042_cmd_io(void *opaque, struct io_access *a)
{
    i8042_access(opaque, false, a);
}
