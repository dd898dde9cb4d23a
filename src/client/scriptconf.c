/* Reading tunif from the script's configuration file. */
#include "client/scriptconf.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "common/parse.h"

#define SCRIPTCONF_LINE_MAX 1024

int scriptconf_tunif(const char *path, char ifname[IFNAMSIZ], char *err,
		     size_t errlen)
{
	char line[SCRIPTCONF_LINE_MAX + 2];
	unsigned lineno = 0;
	FILE *f;
	int ret = 0;

	strcpy(ifname, SCRIPTCONF_TUNIF_DEFAULT);
	f = fopen(path, "re");
	if (f == NULL) {
		if (errno == ENOENT)
			return 0;
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	while (fgets(line, sizeof(line), f)) {
		char *v, *end;
		size_t len;

		lineno++;
		if (strchr(line, '\n') == NULL && !feof(f)) {
			snprintf(err, errlen, "%s:%u: line too long", path,
				 lineno);
			ret = -1;
			break;
		}
		line[strcspn(line, "\r\n")] = '\0';
		v = line + strspn(line, " \t");
		if (strncmp(v, "tunif=", 6) != 0)
			continue;
		v += 6;
		len = strlen(v);
		/* Accept the quoting a shell would: "x", 'x' or bare x. */
		if (len >= 2 && (v[0] == '"' || v[0] == '\'') &&
		    v[len - 1] == v[0]) {
			v[len - 1] = '\0';
			v++;
		}
		end = v + strcspn(v, " \t#");
		*end = '\0';
		if (!parse_ifname_ok(v)) {
			snprintf(err, errlen, "%s:%u: tunif \"%.20s\" is not a "
				 "valid interface name (1 to 15 characters, no "
				 "'/', ':' or spaces)", path, lineno, v);
			ret = -1;
			break;
		}
		strcpy(ifname, v);
	}
	fclose(f);
	return ret;
}
