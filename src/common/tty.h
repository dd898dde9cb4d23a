/* Reading a secret from the controlling terminal with echo off. */
#ifndef DTCP_TTY_H
#define DTCP_TTY_H

#include <stddef.h>

/* Print `prompt` on /dev/tty and read one line with echo off into
 * buf[size] (NUL-terminated, newline removed; echo restored even on
 * SIGINT). Returns the length, or -errno (-ENXIO: no terminal, -ENOBUFS:
 * the line did not fit). */
int tty_read_secret(const char *prompt, char *buf, size_t size);

#endif
