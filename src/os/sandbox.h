/* Confining the network-facing engine: an empty chroot, an unprivileged
 * user with no capabilities, no_new_privs, and a seccomp allow-list that
 * checks the architecture and kills the process on anything else. */
#ifndef DTCP_SANDBOX_H
#define DTCP_SANDBOX_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

struct sandbox_user {
	uid_t uid;
	gid_t gid;
	char name[64];
};

/* Look up `name` in the user database. Returns 0, or -1 with a message
 * that says how to create the user, or which option (`option`) picks
 * another, in err[errlen]. Call before chroot. */
int sandbox_lookup_user(const char *name, const char *option,
			struct sandbox_user *out, char *err, size_t errlen);

/* Create empty_dir (0755, root) when missing and check that only root can
 * write it. Returns 0, or -1 with the fix in err[errlen]. */
int sandbox_prepare_dir(const char *empty_dir, char *err, size_t errlen);

/* Load the time zone (for syslog, unreadable once chrooted), leave the
 * terminal's process group to the parent (which forwards signals), enter
 * an empty directory as root (created 0755 owned by root when missing),
 * drop to `user` (groups, gid, uid: all capabilities go), set
 * no_new_privs, die with `parent` (the pid before the fork) and load the
 * engine's seccomp filter, which lets connect() through only with
 * allow_connect (a client engine dials its server). Returns 0, or -1 with
 * a message in err[errlen]. */
int sandbox_enter(const struct sandbox_user *user, const char *empty_dir,
		  pid_t parent, bool allow_connect, char *err, size_t errlen);

#endif
