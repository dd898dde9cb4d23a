/* Engine confinement: chroot, setuid, no_new_privs, seccomp. */
#include "os/sandbox.h"

#include <errno.h>
#include <netinet/in.h>
#include <grp.h>
#include <pwd.h>
#include <signal.h>
#include <linux/if_tun.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <seccomp.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

int sandbox_lookup_user(const char *name, const char *option,
			struct sandbox_user *out, char *err, size_t errlen)
{
	struct passwd *pw = getpwnam(name);

	if (pw == NULL) {
		snprintf(err, errlen, "user \"%s\" does not exist; create it "
			 "with: useradd --system --no-create-home --shell "
			 "/usr/sbin/nologin %s (make install does), or choose "
			 "another with %s", name, name, option);
		return -1;
	}
	if (pw->pw_uid == 0) {
		snprintf(err, errlen, "user \"%s\" is root; the engine must run "
			 "as an unprivileged user", name);
		return -1;
	}
	if (strlen(name) >= sizeof(out->name)) {
		snprintf(err, errlen, "user name \"%.32s...\" is too long", name);
		return -1;
	}
	out->uid = pw->pw_uid;
	out->gid = pw->pw_gid;
	strcpy(out->name, name);
	return 0;
}

#ifndef DTCP_NO_SECCOMP
/* The system calls the engine makes once confined: its event loop, the
 * control sessions, the relay, memory and time. Nothing that opens files,
 * creates processes or changes identities. */
static const int sandbox_syscalls[] = {
	SCMP_SYS(read), SCMP_SYS(write), SCMP_SYS(readv), SCMP_SYS(writev),
	SCMP_SYS(close), SCMP_SYS(fcntl), SCMP_SYS(fstat), SCMP_SYS(newfstatat),
	SCMP_SYS(lseek),
	SCMP_SYS(epoll_wait), SCMP_SYS(epoll_pwait), SCMP_SYS(epoll_ctl),
	SCMP_SYS(epoll_create1), SCMP_SYS(poll), SCMP_SYS(ppoll),
	SCMP_SYS(bind), SCMP_SYS(accept4),
	SCMP_SYS(getsockname), SCMP_SYS(getpeername),
	SCMP_SYS(getsockopt), SCMP_SYS(shutdown),
	SCMP_SYS(recvfrom), SCMP_SYS(sendto), SCMP_SYS(recvmsg),
	SCMP_SYS(sendmsg), SCMP_SYS(recvmmsg), SCMP_SYS(sendmmsg),
	SCMP_SYS(clock_gettime), SCMP_SYS(clock_nanosleep),
	SCMP_SYS(nanosleep), SCMP_SYS(gettimeofday), SCMP_SYS(time),
	SCMP_SYS(getrandom), SCMP_SYS(getpid), SCMP_SYS(gettid),
	SCMP_SYS(brk), SCMP_SYS(mmap), SCMP_SYS(munmap), SCMP_SYS(mremap),
	SCMP_SYS(madvise), SCMP_SYS(mprotect), SCMP_SYS(futex),
	SCMP_SYS(rt_sigreturn), SCMP_SYS(rt_sigprocmask),
	SCMP_SYS(rt_sigaction), SCMP_SYS(signalfd4), SCMP_SYS(restart_syscall),
	SCMP_SYS(exit), SCMP_SYS(exit_group),
};

/* One argument comparison, every field named (libseccomp's SCMP_A0()
 * leaves datum_b to a missing initialiser, which clang warns about). */
static struct scmp_arg_cmp arg_cmp(unsigned arg, enum scmp_compare op,
				   scmp_datum_t value)
{
	return (struct scmp_arg_cmp){ .arg = arg, .op = op, .datum_a = value,
				      .datum_b = 0 };
}

static int sandbox_seccomp(bool allow_connect, char *err, size_t errlen)
{
	const scmp_datum_t tungetiff = TUNGETIFF;
	scmp_filter_ctx ctx;
	int rc;

	/* The default action also covers foreign architectures: libseccomp
	 * adds the native architecture only and kills on any other. */
	ctx = seccomp_init(SCMP_ACT_KILL_PROCESS);
	if (ctx == NULL) {
		snprintf(err, errlen, "seccomp_init failed");
		return -1;
	}
	for (size_t i = 0; i < sizeof(sandbox_syscalls) / sizeof(int); i++) {
		rc = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, sandbox_syscalls[i], 0);
		if (rc < 0 && rc != -EDOM) {
			snprintf(err, errlen, "seccomp rule %d: %s",
				 sandbox_syscalls[i], strerror(-rc));
			seccomp_release(ctx);
			return -1;
		}
	}
	/* Narrower than "allowed": the engine creates IPv4 sockets only;
	 * syslog()'s attempts to reconnect /dev/log from inside the chroot
	 * (AF_UNIX socket, connect) and any ioctl but the relay's read-only
	 * TUNGETIFF fail harmlessly instead of killing it (no TUNSETPERSIST
	 * or TUNSETOWNER for a subverted engine). IP_HDRINCL is refused: the
	 * kernel checks CAP_NET_RAW when a raw socket is made, not when it
	 * is switched to headers of the sender's own, so the engine's
	 * protocol-41 socket could otherwise forge any IPv4 packet.
	 * Everything else is fatal. */
	if (seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(socket), 1,
			     arg_cmp(0, SCMP_CMP_EQ, AF_INET)) < 0 ||
	    seccomp_rule_add(ctx, SCMP_ACT_ERRNO(EACCES), SCMP_SYS(socket), 1,
			     arg_cmp(0, SCMP_CMP_EQ, AF_UNIX)) < 0 ||
	    seccomp_rule_add(ctx, allow_connect ? SCMP_ACT_ALLOW
						: SCMP_ACT_ERRNO(EACCES),
			     SCMP_SYS(connect), 0) < 0 ||
	    seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(ioctl), 1,
			     arg_cmp(1, SCMP_CMP_EQ, tungetiff)) < 0 ||
	    seccomp_rule_add(ctx, SCMP_ACT_ERRNO(ENOTTY), SCMP_SYS(ioctl), 1,
			     arg_cmp(1, SCMP_CMP_NE, tungetiff)) < 0 ||
	    seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(setsockopt), 1,
			     arg_cmp(1, SCMP_CMP_NE, IPPROTO_IP)) < 0 ||
	    seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(setsockopt), 2,
			     arg_cmp(1, SCMP_CMP_EQ, IPPROTO_IP),
			     arg_cmp(2, SCMP_CMP_NE, IP_HDRINCL)) < 0 ||
	    seccomp_rule_add(ctx, SCMP_ACT_ERRNO(EPERM), SCMP_SYS(setsockopt), 2,
			     arg_cmp(1, SCMP_CMP_EQ, IPPROTO_IP),
			     arg_cmp(2, SCMP_CMP_EQ, IP_HDRINCL)) < 0) {
		snprintf(err, errlen, "cannot add the seccomp argument rules");
		seccomp_release(ctx);
		return -1;
	}
	/* Threads started before the confinement (dtcps's relay threads)
	 * get the same filter, atomically, or none does. */
	rc = seccomp_attr_set(ctx, SCMP_FLTATR_CTL_TSYNC, 1);
	if (rc == 0)
		rc = seccomp_load(ctx);
	seccomp_release(ctx);
	if (rc < 0) {
		snprintf(err, errlen, "cannot load the seccomp filter: %s",
			 strerror(-rc));
		return -1;
	}
	return 0;
}

#endif

int sandbox_prepare_dir(const char *empty_dir, char *err, size_t errlen)
{
	struct stat st;

	if (mkdir(empty_dir, 0755) < 0 && errno != EEXIST) {
		snprintf(err, errlen, "cannot create %s: %s", empty_dir,
			 strerror(errno));
		return -1;
	}
	/* A directory the engine could write to, or one owned by someone
	 * else, would undo the point of the chroot. */
	if (stat(empty_dir, &st) < 0 || !S_ISDIR(st.st_mode) ||
	    st.st_uid != 0 || (st.st_mode & 022)) {
		snprintf(err, errlen, "%s must be a directory owned by root "
			 "and writable by nobody else (chown root, chmod 755)",
			 empty_dir);
		return -1;
	}
	return 0;
}

int sandbox_enter(const struct sandbox_user *user, const char *empty_dir,
		  pid_t parent, bool allow_connect, char *err, size_t errlen)
{
	/* syslog() needs the time zone, which cannot be read once chrooted:
	 * load it now. */
	tzset();
	if (sandbox_prepare_dir(empty_dir, err, errlen) < 0)
		return -1;
	/* A terminal's ^C or hangup goes to the parent alone, which passes
	 * it on once: the engine must not see it twice. */
	if (setpgid(0, 0) < 0) {
		snprintf(err, errlen, "setpgid: %s", strerror(errno));
		return -1;
	}
#ifdef DTCP_NO_SECCOMP
	/* Sanitizer builds: LeakSanitizer reads /proc and attaches to the
	 * process at exit, so no chroot here (the uid change still holds). */
	(void)empty_dir;
#else
	if (chroot(empty_dir) < 0 || chdir("/") < 0) {
		snprintf(err, errlen, "cannot chroot to %s: %s", empty_dir,
			 strerror(errno));
		return -1;
	}
#endif
	if (setgroups(1, &user->gid) < 0 ||
	    setresgid(user->gid, user->gid, user->gid) < 0 ||
	    setresuid(user->uid, user->uid, user->uid) < 0) {
		snprintf(err, errlen, "cannot become user %s: %s", user->name,
			 strerror(errno));
		return -1;
	}
	if (setuid(0) == 0) {
		snprintf(err, errlen, "privileges were not dropped");
		return -1;
	}
	/* Set after the uid change, which clears it: the engine must not
	 * outlive the parent that holds the password file. */
	if (prctl(PR_SET_PDEATHSIG, SIGTERM, 0, 0, 0) < 0 ||
	    getppid() != parent) {
		snprintf(err, errlen, "the privileged parent is gone");
		return -1;
	}
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0) {
		snprintf(err, errlen, "cannot set no_new_privs: %s",
			 strerror(errno));
		return -1;
	}
#ifdef DTCP_NO_SECCOMP
	/* Sanitizer builds: their runtime needs system calls (threads,
	 * ptrace for leak checks) that the allow-list rightly forbids, and
	 * a dumpable process to attach to. */
	prctl(PR_SET_DUMPABLE, 1, 0, 0, 0);
	(void)allow_connect;
	return 0;
#else
	return sandbox_seccomp(allow_connect, err, errlen);
#endif
}
