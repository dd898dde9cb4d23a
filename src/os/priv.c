/* In-process implementation of the privileged operations (see priv.h). */
#include "os/priv.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "authdb/authdb.h"
#include "common/log.h"
#include "os/rtnl.h"
#include "os/tun.h"
#include "proto/proto.h"

static struct rtnl *priv_nl;
static struct authdb *priv_db;
static const char *priv_authfile;
static struct stat priv_auth_st;   /* identity of the loaded file */
static bool priv_auth_broken;      /* last reload failed: refuse logins */

static int priv_auth_load(char *err, size_t errlen)
{
	struct authdb_error aerr;
	struct authdb *db;
	struct stat st;

	if (stat(priv_authfile, &st) < 0) {
		snprintf(err, errlen, "%s: %s; create it with dtcpauth --init",
			 priv_authfile, strerror(errno));
		return -1;
	}
	if (authdb_load(priv_authfile, true, &db, &aerr) < 0) {
		if (aerr.line)
			snprintf(err, errlen, "%s:%u: %s", priv_authfile,
				 aerr.line, aerr.msg);
		else
			snprintf(err, errlen, "%s: %s", priv_authfile,
				 aerr.msg);
		return -1;
	}
	authdb_free(priv_db);
	priv_db = db;
	priv_auth_st = st;
	return 0;
}

int priv_init(const char *authfile, char *err, size_t errlen)
{
	priv_nl = rtnl_open();
	if (priv_nl == NULL) {
		snprintf(err, errlen, "cannot open a netlink socket: %s",
			 strerror(errno));
		return -1;
	}
	priv_authfile = authfile;
	if (authfile && priv_auth_load(err, errlen) < 0)
		return -1;
	return 0;
}

void priv_shutdown(void)
{
	authdb_free(priv_db);
	priv_db = NULL;
	rtnl_close(priv_nl);
	priv_nl = NULL;
}

int priv_tun_create(const char *name, unsigned mtu, char out_name[IFNAMSIZ],
		    unsigned *ifindex)
{
	static bool logged;
	unsigned idx, off;
	int fd, err;

	fd = tun_open(name, out_name, &off);
	if (fd < 0)
		return fd;
	/* Every device gets the same answer from one kernel: say it once. */
	if (!logged && (off & (TUN_OFF_VNET | TUN_OFF_TSO6)) !=
			       (TUN_OFF_VNET | TUN_OFF_TSO6))
		log_debug("tun: kernel refused %s; reading one packet per "
			  "system call from TUN devices", off & TUN_OFF_VNET
			  ? "TCP segmentation offload" : "the virtio-net header");
	logged = true;
	idx = if_nametoindex(out_name);
	if (idx == 0) {
		err = -errno;
		goto fail;
	}
	err = rtnl_link_up(priv_nl, idx, mtu);
	if (err < 0)
		goto fail;
	*ifindex = idx;
	return fd;
fail:
	close(fd);
	return err;
}

int priv_addr6_add(unsigned ifindex, const struct in6_addr *local,
		   const struct in6_addr *peer)
{
	return rtnl_addr6_add(priv_nl, ifindex, local, peer, 128);
}

int priv_route6_add(unsigned ifindex, const struct in6_addr *dst,
		    unsigned plen)
{
	return rtnl_route6_add(priv_nl, ifindex, dst, plen);
}

/* Reload the password file when it was replaced or changed, so that
 * dtcpauth takes effect without a restart, as with the original's DBM. */
static int priv_auth_refresh(void)
{
	char err[256];
	struct stat st;

	if (stat(priv_authfile, &st) == 0 && !priv_auth_broken &&
	    st.st_ino == priv_auth_st.st_ino &&
	    st.st_dev == priv_auth_st.st_dev &&
	    st.st_size == priv_auth_st.st_size &&
	    st.st_mtim.tv_sec == priv_auth_st.st_mtim.tv_sec &&
	    st.st_mtim.tv_nsec == priv_auth_st.st_mtim.tv_nsec)
		return 0;
	if (priv_auth_load(err, sizeof(err)) < 0) {
		if (!priv_auth_broken)
			log_warnx("%s; refusing every login until it is fixed",
				  err);
		priv_auth_broken = true;
		return -1;
	}
	if (priv_auth_broken)
		log_info("%s: usable again", priv_authfile);
	priv_auth_broken = false;
	return 0;
}

int priv_auth_check(const char *user, const char *challenge,
		    const char *response)
{
	uint8_t secret[AUTHDB_SECRET_MAX];
	char expect[PROTO_DIGEST_LEN + 1];
	size_t len;
	bool ok;

	if (priv_authfile == NULL || priv_auth_refresh() < 0)
		return -1;
	if (authdb_lookup(priv_db, user, secret, &len) < 0) {
		/* Same work for an unknown user, so timing does not tell. */
		memset(secret, 0, sizeof(secret));
		len = 0;
		proto_digest(user, challenge, secret, len, expect);
		proto_digest_equal(expect, response);
		explicit_bzero(expect, sizeof(expect));
		return 0;
	}
	proto_digest(user, challenge, secret, len, expect);
	ok = proto_digest_equal(expect, response);
	explicit_bzero(secret, sizeof(secret));
	explicit_bzero(expect, sizeof(expect));
	return ok ? 1 : 0;
}
