/* kestrel: options -> vm config -> board -> accelerator -> run. */
#include <stdio.h>
#include <string.h>

#include "accel/accel.h"
#include "core/chardev.h"
#include "core/log.h"
#include "core/options.h"
#include "machine/machine.h"

/* Static so everything the configuration points to stays reachable for leak checkers. */
static struct vm_config config;

static int setup_logging(const struct vm_config *cfg)
{
    log_set_mask(cfg->log_mask);
    if (cfg->log_file) {
        int ret = log_set_file(cfg->log_file);
        if (ret < 0) {
            log_error("-D %s: cannot open the log file: %s", cfg->log_file, strerror(-ret));
            return ret;
        }
    }
    return 0;
}

int main(int argc, char **argv)
{
    enum options_result opts = options_parse(argc, argv, &config);

    if (opts != OPTIONS_RUN)
        return options_exit_status(opts);
    if (setup_logging(&config) < 0)
        return 1;

    struct machine *m = machine_create(&config);
    if (!m)
        return 1;
    struct accel accel;
    const char *accel_list = config.accel ? config.accel : m->board->default_accel;
    if (accel_select(accel_list, m->board->arch, &accel) != ACCEL_OK) {
        machine_destroy(m);
        return 1;
    }
    int status = machine_run(m, &accel);
    machine_destroy(m);
    chardev_restore_terminal();
    log_close();
    return status;
}
