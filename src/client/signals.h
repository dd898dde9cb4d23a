/* The client engine's signals: SIGINT, SIGTERM and SIGHUP arrive on a
 * signalfd that every wait of the engine watches (login, session, backoff). */
#ifndef DTCP_CLIENT_SIGNALS_H
#define DTCP_CLIENT_SIGNALS_H

/* Block SIGINT, SIGTERM and SIGHUP and return a signalfd for them.
 * Returns -errno on failure. */
int signals_init(void);

/* Read one pending signal from the signalfd: its number, or 0. */
int signals_take(int sigfd);

#endif
