/* Reading tunif from the script's configuration file. */
#include "client/scriptconf.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/parse.h"
#include "os/rdfile.h"

#define SCRIPTCONF_LINE_MAX 1024

/* The value of "tunif=" as the shell reads it, restricted to what an
 * interface name can be: a bare word, or one in "" or '' without
 * expansions; blanks and a #comment may follow. Points *word into v (cut
 * in place) and returns 0, or -1 for anything the shell would read
 * differently or not at all. */
static int scriptconf_word(char *v, char **word)
{
	static const char special[] = "\"'$`\\";
	char *end;

	if (*v == '"' || *v == '\'') {
		end = strchr(v + 1, *v);
		if (end == NULL)
			return -1;
		*end++ = '\0';
		*word = v + 1;
		if (strpbrk(*word, special) != NULL)
			return -1;
	} else {
		*word = v;
		end = v + strcspn(v, " \t");
		if (memchr(v, '#', 1) != NULL ||
		    strcspn(v, special) < (size_t)(end - v))
			return -1;
		if (*end != '\0')
			*end++ = '\0';
	}
	end += strspn(end, " \t");
	return *end == '\0' || *end == '#' ? 0 : -1;
}

int scriptconf_tunif(const char *path, char ifname[IFNAMSIZ], char *err,
		     size_t errlen)
{
	char line[SCRIPTCONF_LINE_MAX + 2];
	unsigned lineno = 0;
	struct stat st;
	FILE *f;
	int ret = 0;

	f = rdfile_open(path, false, &st, err, errlen);
	if (f == NULL)
		return errno == ENOENT ? 0 : -1;
	while (fgets(line, sizeof(line), f)) {
		char *v, *word;

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
		if (scriptconf_word(v + 6, &word) < 0) {
			snprintf(err, errlen, "%s:%u: write tunif=name or "
				 "tunif=\"name\" (one word, matching quotes, "
				 "no $, ` or \\), as the script's shell reads "
				 "it", path, lineno);
			ret = -1;
			break;
		}
		if (!parse_ifname_ok(word)) {
			snprintf(err, errlen, "%s:%u: tunif \"%.20s\" is not a "
				 "valid interface name (1 to 15 characters, no "
				 "'/', ':' or spaces)", path, lineno, word);
			ret = -1;
			break;
		}
		strcpy(ifname, word);
	}
	if (ret == 0 && ferror(f)) {
		snprintf(err, errlen, "%s: cannot read it", path);
		ret = -1;
	}
	fclose(f);
	return ret;
}
