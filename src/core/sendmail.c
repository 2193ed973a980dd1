/* sendmail.c: learn the sendmail binary's version and TLS features from its file, never by running it. */
#include "config.h"

#include <ctype.h>
#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <unistd.h>

#include "smtls/fileio.h"
#include "smtls/i18n.h"
#include "smtls/sendmail.h"
#include "smtls/statcache.h"
#include "smtls/xmalloc.h"

#define SENDMAIL_MAX	(64u * 1024 * 1024)

const char *
sendmail_default_path(void)
{
	static const char *const paths[] = {
		"/usr/libexec/sendmail/sendmail", "/usr/lib/sendmail", "/usr/sbin/sendmail.sendmail",
		"/usr/sbin/sendmail", "/usr/libexec/sendmail",
	};
	size_t i;

	for (i = 0; i < sizeof(paths) / sizeof(paths[0]); i++)
		if (access(paths[i], X_OK) == 0)
			return paths[i];
	return NULL;
}

/* True when the NUL-terminated string s occurs as a whole string in the binary. */
static bool
has_string(const char *data, size_t len, const char *s)
{
	size_t sl = strlen(s) + 1;	/* with its NUL */
	const char *p = data, *end = data + len;

	while (p < end && (p = memmem(p, (size_t)(end - p), s, sl)) != NULL) {
		if (p == data || p[-1] == '\0')
			return true;
		p++;
	}
	return false;
}

static bool
has_bytes(const char *data, size_t len, const char *s)
{
	return memmem(data, len, s, strlen(s)) != NULL;
}

static void
find_version(const char *data, size_t len, char *out, size_t size)
{
	const char *p = data, *end = data + len;

	/* the version is a string of its own: "8.17.1.9" */
	while (p < end && (p = memchr(p, '8', (size_t)(end - p))) != NULL) {
		const char *q = p;
		int dots = 0;

		if (p == data || p[-1] == '\0') {
			while (q < end && (isdigit((unsigned char)*q) || *q == '.')) {
				if (*q == '.')
					dots++;
				q++;
			}
			if (q < end && *q == '\0' && dots >= 2 && dots <= 3 && p[1] == '.' &&
			    (size_t)(q - p) < size) {
				memcpy(out, p, (size_t)(q - p));
				out[q - p] = '\0';
				return;
			}
		}
		p++;
	}
	out[0] = '\0';
}

/* What sendmail_inspect() learned, as statcache keeps it: "VERSION\tSCDE" (flags 0 or 1). */
static bool
from_cache(const char *path, const struct file_key *k, struct sendmail_info *out)
{
	size_t len;
	char *blob = statcache_get("sendmail", path, NULL, k, &len), *tab;
	bool ok;

	if (blob == NULL)
		return false;
	tab = strchr(blob, '\t');
	ok = tab != NULL && strlen(tab + 1) == 4 && (size_t)(tab - blob) < sizeof(out->version) &&
	    strspn(tab + 1, "01") == 4;
	if (ok) {
		memcpy(out->version, blob, (size_t)(tab - blob));
		out->version[tab - blob] = '\0';
		out->found = true;
		out->starttls = tab[1] == '1';
		out->chain_file = tab[2] == '1';
		out->dane = tab[3] == '1';
		out->tls_ec = tab[4] == '1';
	}
	free(blob);
	return ok;
}

int
sendmail_inspect(const char *path, struct sendmail_info *out, char **err)
{
	enum file_status st;
	struct file_key k;
	char *data = NULL, *blob;
	size_t len = 0;
	bool keyed;

	memset(out, 0, sizeof(*out));
	out->path = xstrdup(path);
	/* reading the 1 MB binary costs a millisecond: the wizard and check ask often */
	keyed = file_key_of(path, &k) == 0;
	if (keyed && from_cache(path, &k, out))
		return 0;
	if (file_read(path, SENDMAIL_MAX, &data, &len, &st, err) == -1)
		return -1;
	if (len < 4 || memcmp(data, "\177ELF", 4) != 0) {
		err_set(err, _("%s: not an executable (ELF) file"), path);
		free(data);
		return -1;
	}
	out->found = true;
	find_version(data, len, out->version, sizeof(out->version));
	/* STARTTLS builds log "STARTTLS=server" and link libssl */
	out->starttls = has_bytes(data, len, "STARTTLS=server") &&
	    has_bytes(data, len, "SSL_CTX_new");
	/* builds with _FFR_TLS_USE_CERTIFICATE_CHAIN_FILE import the chain loader */
	out->chain_file = has_string(data, len, "SSL_CTX_use_certificate_chain_file") ||
	    has_string(data, len, "_FFR_TLS_USE_CERTIFICATE_CHAIN_FILE");
	out->dane = has_string(data, len, "DANE");
	out->tls_ec = has_string(data, len, "TLS_EC");
	free(data);
	if (keyed && strchr(out->version, '\t') == NULL) {
		blob = xstrprintf("%s\t%d%d%d%d", out->version, out->starttls, out->chain_file,
		    out->dane, out->tls_ec);
		statcache_put("sendmail", path, NULL, &k, blob, strlen(blob));
		free(blob);
	}
	return 0;
}

void
sendmail_info_free(struct sendmail_info *sm)
{
	free(sm->path);
	memset(sm, 0, sizeof(*sm));
}

#define HOSTS_FILE	"/etc/hosts"
#define RESOLV_CONF	"/etc/resolv.conf"

static bool
set_fqdn(struct sendmail_host *h, const char *name)
{
	if (name == NULL || strchr(name, '.') == NULL)
		return false;
	snprintf(h->fqdn, sizeof(h->fqdn), "%s", name);
	h->qualified = true;
	return true;
}

/* The hosts file's line that names the host: its first dotted name qualifies it. */
static bool
qualify_by_hosts_file(struct sendmail_host *h)
{
	FILE *f = fopen(HOSTS_FILE, "r");
	char line[1024];
	bool found = false;

	if (f == NULL)
		return false;
	while (!found && fgets(line, sizeof(line), f) != NULL) {
		char *save = NULL, *tok, *dotted = NULL;
		bool names_it = false;

		line[strcspn(line, "#\n")] = '\0';
		/* the first column is the address, then the names */
		if (strtok_r(line, " \t", &save) == NULL)
			continue;
		while ((tok = strtok_r(NULL, " \t", &save)) != NULL) {
			if (strcasecmp(tok, h->name) == 0)
				names_it = true;
			if (dotted == NULL && strchr(tok, '.') != NULL)
				dotted = tok;
		}
		if (names_it)
			found = set_fqdn(h, dotted);
	}
	fclose(f);
	return found;
}

/* NAME.DOMAIN for each of resolv.conf's search domains, asked of the resolver. */
static bool
qualify_by_search_domains(struct sendmail_host *h)
{
	FILE *f = fopen(RESOLV_CONF, "r");
	char line[1024], domains[1024] = "";
	char *save = NULL, *d;
	bool found = false;

	if (f == NULL)
		return false;
	while (fgets(line, sizeof(line), f) != NULL) {
		char *rest = line;

		if (strncmp(line, "search", 6) == 0 && isspace((unsigned char)line[6]))
			rest = line + 6;
		else if (strncmp(line, "domain", 6) == 0 && isspace((unsigned char)line[6]))
			rest = line + 6;
		else
			continue;
		/* the last search or domain line is the one that counts */
		snprintf(domains, sizeof(domains), "%s", rest);
	}
	fclose(f);
	for (d = strtok_r(domains, " \t\r\n", &save); d != NULL && !found;
	    d = strtok_r(NULL, " \t\r\n", &save)) {
		struct addrinfo hints = { .ai_flags = AI_CANONNAME, .ai_socktype = SOCK_STREAM };
		struct addrinfo *ai = NULL;
		char *full = xstrprintf("%s.%s", h->name, d);

		if (getaddrinfo(full, NULL, &hints, &ai) == 0) {
			found = (ai->ai_canonname != NULL && set_fqdn(h, ai->ai_canonname)) ||
			    set_fqdn(h, full);
			freeaddrinfo(ai);
		}
		free(full);
	}
	return found;
}

void
sendmail_host_check(struct sendmail_host *out)
{
	struct hostent *hp;
	char **alias;

	memset(out, 0, sizeof(*out));
	out->qualified = true;
	if (gethostname(out->name, sizeof(out->name) - 1) == -1) {
		out->name[0] = '\0';
		return;
	}
	if (set_fqdn(out, out->name))
		return;
	/* sendmail asks the resolver first; a name it does not know is not waited for */
	hp = gethostbyname2(out->name, AF_INET6);
	if (hp == NULL)
		hp = gethostbyname2(out->name, AF_INET);
	if (hp == NULL)
		return;
	out->qualified = false;
	if (set_fqdn(out, hp->h_name))
		return;
	for (alias = hp->h_aliases; alias != NULL && *alias != NULL; alias++)
		if (set_fqdn(out, *alias))
			return;
	/* then its own lookup of the canonical name: the hosts file, then DNS */
	if (qualify_by_hosts_file(out))
		return;
	(void)qualify_by_search_domains(out);
}
