/* sendmail.c: learn the sendmail binary's version and TLS features from its file, never by running it. */
#include "config.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "smtls/fileio.h"
#include "smtls/i18n.h"
#include "smtls/sendmail.h"
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

int
sendmail_inspect(const char *path, struct sendmail_info *out, char **err)
{
	enum file_status st;
	char *data = NULL;
	size_t len = 0;

	memset(out, 0, sizeof(*out));
	out->path = xstrdup(path);
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
	return 0;
}

void
sendmail_info_free(struct sendmail_info *sm)
{
	free(sm->path);
	memset(sm, 0, sizeof(*sm));
}
