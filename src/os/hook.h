/* Running an operator's script: explicit argv and environment, no shell,
 * stdin from /dev/null, its own process group, and a time limit. */
#ifndef DTCP_HOOK_H
#define DTCP_HOOK_H

#include <sys/types.h>

/* Start `argv[0]` with argv and envp (NULL-terminated) and leave it
 * running (a daemon in the foreground, such as radvd -n). Returns 0 and
 * *pid, or -errno when it could not be started. */
int hook_spawn(char *const argv[], char *const envp[], pid_t *pid);

/* Stop what hook_spawn started: SIGTERM to its process group, then wait at
 * most timeout_s seconds (SIGKILL after). Returns as hook_run. */
int hook_stop(pid_t pid, unsigned timeout_s);

/* Run `argv[0]` with argv and envp (NULL-terminated) and wait at most
 * timeout_s seconds. Returns the exit status (0..255), 128+signal when it
 * was killed, -ETIMEDOUT when it ran too long (its whole process group is
 * then killed), or -errno when it could not be started. */
int hook_run(char *const argv[], char *const envp[], unsigned timeout_s);

#endif
