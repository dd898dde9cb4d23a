/* The clock every timeout, rate and keepalive is measured on. */
#ifndef DTCP_MONOTIME_H
#define DTCP_MONOTIME_H

#include <stdint.h>

/* Milliseconds on CLOCK_MONOTONIC: never jumps with the wall clock. */
uint64_t monotime_ms(void);

#endif
