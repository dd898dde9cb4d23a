/* Reading tunif and prefix_delegation from the script's configuration. */
#include "client/scriptconf.h"

#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
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

/* The script sources the file as root: the same refusals as
 * dtcpclient.script's, so that a file passing here at start is not
 * refused there after login. st is the file itself (links followed, as
 * the shell's "." follows them). Returns true with err set. */
static bool scriptconf_unsafe(const char *path, const struct stat *st,
			      char *err, size_t errlen)
{
	if (st->st_mode & (S_IWGRP | S_IWOTH)) {
		snprintf(err, errlen, "%s is writable by group or others; run "
			 "chmod go-w %s", path, path);
		return true;
	}
	if (st->st_uid != 0 && st->st_uid != geteuid()) {
		snprintf(err, errlen, "%s is owned by uid %u, not root; run "
			 "chown root %s", path, (unsigned)st->st_uid, path);
		return true;
	}
	return false;
}

/* The value of the last "key=" line into out[size] (left alone when the
 * file or the line is missing). Returns 0, or -1 with err (file:line). */
static int scriptconf_get(const char *path, const char *key, char *out,
			  size_t size, unsigned *at, char *err, size_t errlen)
{
	char line[SCRIPTCONF_LINE_MAX + 2];
	size_t klen = strlen(key);
	unsigned lineno = 0;
	struct stat st;
	FILE *f;
	int ret = 0;

	f = rdfile_open(path, false, &st, err, errlen);
	if (f == NULL)
		return errno == ENOENT ? 0 : -1;
	if (scriptconf_unsafe(path, &st, err, errlen)) {
		fclose(f);
		return -1;
	}
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
		if (strncmp(v, key, klen) != 0 || v[klen] != '=')
			continue;
		if (scriptconf_word(v + klen + 1, &word) < 0) {
			snprintf(err, errlen, "%s:%u: write %s=value or "
				 "%s=\"value\" (one word, matching quotes, "
				 "no $, ` or \\), as the script's shell reads "
				 "it", path, lineno, key, key);
			ret = -1;
			break;
		}
		if (strlen(word) >= size) {
			snprintf(err, errlen, "%s:%u: %s too long", path,
				 lineno, key);
			ret = -1;
			break;
		}
		strcpy(out, word);
		*at = lineno;
	}
	if (ret == 0 && ferror(f)) {
		snprintf(err, errlen, "%s: cannot read it", path);
		ret = -1;
	}
	fclose(f);
	return ret;
}

int scriptconf_tunif(const char *path, char ifname[IFNAMSIZ], char *err,
		     size_t errlen)
{
	char word[SCRIPTCONF_LINE_MAX + 1] = "";
	unsigned at = 0;

	if (scriptconf_get(path, "tunif", word, sizeof(word), &at, err,
			   errlen) < 0)
		return -1;
	if (at == 0)
		return 0;
	if (!parse_ifname_ok(word)) {
		snprintf(err, errlen, "%s:%u: tunif \"%.20s\" is not a valid "
			 "interface name (1 to 15 characters, no '/', ':' or "
			 "spaces)", path, at, word);
		return -1;
	}
	strcpy(ifname, word);
	return 0;
}

int scriptconf_delegation(const char *path, struct delegate_list *out,
			  char *err, size_t errlen)
{
	char word[SCRIPTCONF_LINE_MAX + 1] = "", why[DELEGATE_ERR_LEN];
	unsigned at = 0;

	if (scriptconf_get(path, "prefix_delegation", word, sizeof(word), &at,
			   err, errlen) < 0)
		return -1;
	if (at == 0)
		return 0;
	if (delegate_parse(word, out, why, sizeof(why)) < 0) {
		snprintf(err, errlen, "%s:%u: prefix_delegation: %s", path, at,
			 why);
		return -1;
	}
	return 0;
}
