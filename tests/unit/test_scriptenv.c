/* Unit tests for the environment dtcpclient gives its script. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>

#include "client/scriptenv.h"

#define PATH_VALUE "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"

/* Every variable, in the order scriptenv_build puts them. */
static const char *const names[] = {
	"PATH", "DTCP_EVENT", "DTCP_INTERFACE", "DTCP_TUNNEL_TYPE",
	"DTCP_CLIENT_V4", "DTCP_SERVER_V4", "DTCP_CLIENT_V6", "DTCP_SERVER_V6",
	"DTCP_MTU", "DTCP_UDP_MODE", "DTCP_LOCAL_UDP_PORT",
	"DTCP_SERVER_UDP_PORT", "DTCP_SCRIPT_CONF", "DTCP_PREFIXES",
	"DTCP_LAN_ADDRESSES",
};
#define NVARS (sizeof(names) / sizeof(*names))

/* A host tunnel over UDP, as tunctl would describe it. */
static struct script_info host_info(void)
{
	struct script_info info = {
		.event = "up",
		.ifname = "ng0",
		.type = PROTO_TYPE_HOST,
		.mtu = 1280,
		.local_udp_port = 4028,
		.udp_mode = "nat-traversal",
		.conf_path = "/etc/dtcp/dtcpclient_script.conf",
	};

	inet_pton(AF_INET, "192.0.2.10", &info.reply.client4);
	inet_pton(AF_INET, "198.51.100.1", &info.reply.server4);
	info.reply.has_v6 = true;
	inet_pton(AF_INET6, "2001:db8:1::2", &info.reply.client6);
	inet_pton(AF_INET6, "2001:db8:1::1", &info.reply.server6);
	info.reply.udp_port = 4029;
	return info;
}

/* The value of `name` in envp, or NULL when it is absent. */
static const char *env_get(char *const *envp, const char *name)
{
	size_t n = strlen(name);

	for (; *envp; envp++)
		if (strncmp(*envp, name, n) == 0 && (*envp)[n] == '=')
			return *envp + n + 1;
	return NULL;
}

static size_t env_count(char *const *envp)
{
	size_t n = 0;

	while (envp[n])
		n++;
	return n;
}

static void test_host_tunnel(void **state)
{
	struct script_info info = host_info();
	struct scriptenv se;

	(void)state;
	assert_int_equal(scriptenv_build(&se, &info), 0);
	/* Exactly the documented set, each once, in order, then NULL. */
	assert_int_equal(env_count(se.envp), NVARS);
	for (size_t i = 0; i < NVARS; i++) {
		size_t n = strlen(names[i]);

		assert_int_equal(strncmp(se.envp[i], names[i], n), 0);
		assert_int_equal(se.envp[i][n], '=');
	}
	assert_null(se.envp[NVARS]);
	assert_string_equal(env_get(se.envp, "PATH"), PATH_VALUE);
	assert_string_equal(env_get(se.envp, "DTCP_EVENT"), "up");
	assert_string_equal(env_get(se.envp, "DTCP_INTERFACE"), "ng0");
	assert_string_equal(env_get(se.envp, "DTCP_TUNNEL_TYPE"), "host");
	assert_string_equal(env_get(se.envp, "DTCP_CLIENT_V4"), "192.0.2.10");
	assert_string_equal(env_get(se.envp, "DTCP_SERVER_V4"),
			    "198.51.100.1");
	assert_string_equal(env_get(se.envp, "DTCP_CLIENT_V6"),
			    "2001:db8:1::2");
	assert_string_equal(env_get(se.envp, "DTCP_SERVER_V6"),
			    "2001:db8:1::1");
	assert_string_equal(env_get(se.envp, "DTCP_MTU"), "1280");
	assert_string_equal(env_get(se.envp, "DTCP_UDP_MODE"),
			    "nat-traversal");
	assert_string_equal(env_get(se.envp, "DTCP_LOCAL_UDP_PORT"), "4028");
	assert_string_equal(env_get(se.envp, "DTCP_SERVER_UDP_PORT"), "4029");
	assert_string_equal(env_get(se.envp, "DTCP_SCRIPT_CONF"),
			    "/etc/dtcp/dtcpclient_script.conf");
}

static void test_no_v6_is_empty(void **state)
{
	struct script_info info = host_info();
	struct scriptenv se;

	(void)state;
	/* Without v6 the variables are still set, to the empty string
	 * (whatever the v6 fields hold), so a script can test them. */
	info.type = PROTO_TYPE_TUNNELONLY;
	info.reply.has_v6 = false;
	info.event = "down";
	assert_int_equal(scriptenv_build(&se, &info), 0);
	assert_int_equal(env_count(se.envp), NVARS);
	assert_string_equal(env_get(se.envp, "DTCP_CLIENT_V6"), "");
	assert_string_equal(env_get(se.envp, "DTCP_SERVER_V6"), "");
	assert_string_equal(env_get(se.envp, "DTCP_TUNNEL_TYPE"),
			    "tunnelonly");
	assert_string_equal(env_get(se.envp, "DTCP_EVENT"), "down");
	assert_string_equal(env_get(se.envp, "DTCP_CLIENT_V4"), "192.0.2.10");
}

static void test_type_names(void **state)
{
	struct script_info info = host_info();
	struct scriptenv se;

	(void)state;
	info.type = PROTO_TYPE_NETWORK;
	assert_int_equal(scriptenv_build(&se, &info), 0);
	assert_string_equal(env_get(se.envp, "DTCP_TUNNEL_TYPE"), "network");
	/* An out-of-range type is named, not printed as a number. */
	info.type = PROTO_TYPE_UNKNOWN;
	assert_int_equal(scriptenv_build(&se, &info), 0);
	assert_string_equal(env_get(se.envp, "DTCP_TUNNEL_TYPE"), "unknown");
}

static void test_number_limits(void **state)
{
	struct script_info info = host_info();
	struct scriptenv se;

	(void)state;
	/* Ports are unsigned (no "-1" for 65535), 0 for protocol-41. */
	info.mtu = 65535;
	info.local_udp_port = 65535;
	info.reply.udp_port = 0;
	info.udp_mode = "plain";
	assert_int_equal(scriptenv_build(&se, &info), 0);
	assert_string_equal(env_get(se.envp, "DTCP_MTU"), "65535");
	assert_string_equal(env_get(se.envp, "DTCP_LOCAL_UDP_PORT"), "65535");
	assert_string_equal(env_get(se.envp, "DTCP_SERVER_UDP_PORT"), "0");
	assert_string_equal(env_get(se.envp, "DTCP_UDP_MODE"), "plain");
	/* The interface name may use all of IFNAMSIZ. */
	memcpy(info.ifname, "abcdefghijklmno", IFNAMSIZ);
	assert_int_equal(scriptenv_build(&se, &info), 0);
	assert_string_equal(env_get(se.envp, "DTCP_INTERFACE"),
			    "abcdefghijklmno");
}

static void test_nothing_inherited(void **state)
{
	struct script_info info = host_info();
	struct scriptenv se;
	char *path = getenv("PATH") ? strdup(getenv("PATH")) : NULL;

	(void)state;
	/* dtcpclient's own environment, even DTCP_* and PATH, does not
	 * leak into the script's. */
	setenv("LD_PRELOAD", "/tmp/evil.so", 1);
	setenv("DTCP_EVENT", "evil", 1);
	setenv("DTCP_EXTRA", "evil", 1);
	setenv("PATH", "/tmp/evil", 1);
	assert_int_equal(scriptenv_build(&se, &info), 0);
	unsetenv("LD_PRELOAD");
	unsetenv("DTCP_EVENT");
	unsetenv("DTCP_EXTRA");
	if (path)
		setenv("PATH", path, 1);
	free(path);
	assert_null(env_get(se.envp, "LD_PRELOAD"));
	assert_null(env_get(se.envp, "DTCP_EXTRA"));
	assert_null(env_get(se.envp, "HOME"));
	assert_string_equal(env_get(se.envp, "DTCP_EVENT"), "up");
	assert_string_equal(env_get(se.envp, "PATH"), PATH_VALUE);
	assert_int_equal(env_count(se.envp), NVARS);
}

static void test_values_are_copies(void **state)
{
	struct script_info info = host_info();
	struct scriptenv se;
	char conf[] = "/etc/dtcp/a.conf";

	(void)state;
	/* envp points into se->buf only: it outlives the caller's strings. */
	info.conf_path = conf;
	assert_int_equal(scriptenv_build(&se, &info), 0);
	conf[10] = 'X';
	memset(&info, 0, sizeof(info));
	assert_string_equal(env_get(se.envp, "DTCP_SCRIPT_CONF"),
			    "/etc/dtcp/a.conf");
	for (size_t i = 0; i < NVARS; i++) {
		assert_true(se.envp[i] >= se.buf);
		assert_true(se.envp[i] + strlen(se.envp[i]) <
			    se.buf + sizeof(se.buf));
	}
}

static void test_rebuild_starts_over(void **state)
{
	struct script_info info = host_info();
	struct scriptenv se;

	(void)state;
	/* The same scriptenv serves "up" and later "down". */
	assert_int_equal(scriptenv_build(&se, &info), 0);
	info.event = "down";
	info.reply.has_v6 = false;
	for (int i = 0; i < 50; i++)
		assert_int_equal(scriptenv_build(&se, &info), 0);
	assert_int_equal(env_count(se.envp), NVARS);
	assert_string_equal(env_get(se.envp, "DTCP_EVENT"), "down");
	assert_string_equal(env_get(se.envp, "DTCP_CLIENT_V6"), "");
}

/* Bytes of buf used by envp (each string and its NUL). */
static size_t env_bytes(char *const *envp)
{
	size_t n = 0;

	for (; *envp; envp++)
		n += strlen(*envp) + 1;
	return n;
}

static void test_does_not_fit(void **state)
{
	struct script_info info = host_info();
	struct scriptenv se;
	char *path = malloc(SCRIPTENV_BUF + 1);
	size_t base, room;

	(void)state;
	assert_non_null(path);
	/* Measure with a one-byte path, then grow the path to use every
	 * byte of the buffer: that still fits. */
	info.conf_path = "/";
	assert_int_equal(scriptenv_build(&se, &info), 0);
	base = env_bytes(se.envp);
	assert_true(base < SCRIPTENV_BUF);
	room = SCRIPTENV_BUF - base;
	memset(path, 'p', 1 + room);
	path[0] = '/';
	path[1 + room] = '\0';
	info.conf_path = path;
	assert_int_equal(scriptenv_build(&se, &info), 0);
	assert_int_equal(env_bytes(se.envp), SCRIPTENV_BUF);
	assert_int_equal(strlen(env_get(se.envp, "DTCP_SCRIPT_CONF")),
			 1 + room);
	/* One byte more does not fit: an error, never a cut value. */
	memset(path, 'p', 2 + room);
	path[0] = '/';
	path[2 + room] = '\0';
	assert_int_equal(scriptenv_build(&se, &info), -1);
	/* A value early in the list that cannot fit fails too. */
	memset(path, 'p', SCRIPTENV_BUF);
	path[SCRIPTENV_BUF] = '\0';
	info.conf_path = "/";
	info.udp_mode = path;
	assert_int_equal(scriptenv_build(&se, &info), -1);
	info.udp_mode = "plain";
	info.event = path;
	assert_int_equal(scriptenv_build(&se, &info), -1);
	free(path);
}

/* network: the delegated prefixes and the LAN numbering, as text. */
static void test_network_prefixes(void **state)
{
	struct script_info info = host_info();
	struct scriptenv se;

	(void)state;
	info.type = PROTO_TYPE_NETWORK;
	info.reply.has_v6 = false;
	info.reply.nprefixes = 2;
	inet_pton(AF_INET6, "2001:db8:4401::", &info.reply.prefix[0].addr);
	info.reply.prefix[0].plen = 56;
	inet_pton(AF_INET6, "2001:db8:4402::", &info.reply.prefix[1].addr);
	info.reply.prefix[1].plen = 56;
	snprintf(info.lan, sizeof(info.lan), "lan0=2001:db8:4401:1::1/64");
	assert_int_equal(scriptenv_build(&se, &info), 0);
	assert_string_equal(se.envp[NVARS - 2],
			    "DTCP_PREFIXES=2001:db8:4401::/56 2001:db8:4402::/56");
	assert_string_equal(se.envp[NVARS - 1],
			    "DTCP_LAN_ADDRESSES=lan0=2001:db8:4401:1::1/64");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_network_prefixes),
		cmocka_unit_test(test_host_tunnel),
		cmocka_unit_test(test_no_v6_is_empty),
		cmocka_unit_test(test_type_names),
		cmocka_unit_test(test_number_limits),
		cmocka_unit_test(test_nothing_inherited),
		cmocka_unit_test(test_values_are_copies),
		cmocka_unit_test(test_rebuild_starts_over),
		cmocka_unit_test(test_does_not_fit),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
