/* Reading a secret from the controlling terminal with echo off. */
#ifndef DTCP_TTY_H
#define DTCP_TTY_H

#include <stddef.h>

/* Print `prompt` on /dev/tty and read one line with echo off into
 * buf[size] (NUL-terminated, newline removed). A terminating signal
 * restores the terminal and is then re-raised. Returns the length, or
 * -errno (-ENXIO: no terminal, -ENOBUFS: the line did not fit, -ENODATA:
 * end of input before anything was typed); buf is wiped on error. */
int tty_read_secret(const char *prompt, char *buf, size_t size);

#endif
