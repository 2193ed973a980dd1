/* dh.c: DHParameters: the values sendmail documents, what each means, and the size of the
 * parameters in a file as sendmail reads it. check, emit, the JSON and the wizard use it. */
#include "config.h"

#include <limits.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>

#include "smtls/cert.h"
#include "smtls/dh.h"
#include "smtls/fileio.h"
#include "smtls/i18n.h"
#include "smtls/xmalloc.h"

static const struct {
	const char	*word, *alias;
	enum dh_kind	 kind;
	int		 bits;
} dh_words[] = {
	{ "none", NULL, DH_NONE, 0 },
	{ "i", NULL, DH_INCLUDED, 2048 },
	{ "512", "5", DH_FIXED_512, 512 },
	{ "1024", "1", DH_GEN_1024, 1024 },
	{ "2048", "2", DH_GEN_2048, 2048 },
};

/* What sendmail makes of a value by its first character alone (tls.c's inittls). */
static const char *
dh_first_char_meaning(char c)
{
	switch (c) {
	case 'n': case 'N': return "none";
	case 'i': case 'I': return "i";
	case '5': return "512";
	case '1': return "1024";
	case '2': return "2048";
	default: return NULL;
	}
}

int
dh_params_parse(const char *value, struct dh_params *out, char **why)
{
	const char *m;
	size_t i;

	memset(out, 0, sizeof(*out));
	if (value[0] == '/') {
		out->kind = DH_FILE;
		out->keyword = "file";
		return 0;
	}
	for (i = 0; i < sizeof(dh_words) / sizeof(dh_words[0]); i++)
		if (strcasecmp(value, dh_words[i].word) == 0 ||
		    (dh_words[i].alias != NULL && strcmp(value, dh_words[i].alias) == 0)) {
			out->kind = dh_words[i].kind;
			out->bits = dh_words[i].bits;
			out->keyword = dh_words[i].word;
			return 0;
		}
	m = dh_first_char_meaning(value[0]);
	if (m != NULL)
		err_set(why, _("confDH_PARAMETERS: '%s' is not one of none, i, 512 (or 5), 1024 "
		    "(or 1), 2048 (or 2) or an absolute file name; sendmail looks at its first "
		    "character only and would read it as %s"), value, m);
	else
		err_set(why, _("confDH_PARAMETERS: '%s' is not one of none, i, 512 (or 5), 1024 "
		    "(or 1), 2048 (or 2) or an absolute file name; sendmail would log it as an "
		    "illegal value and use its included 2048-bit prime"), value);
	return -1;
}

char *
dh_params_describe(const char *value)
{
	struct dh_params dh;
	char *why = NULL, *r;
	int bits;

	if (dh_params_parse(value, &dh, &why) == -1)
		return why;
	switch (dh.kind) {
	case DH_NONE:
		return xstrdup(_("no Diffie-Hellman parameters: sendmail offers no DHE cipher "
		    "(ECDHE and TLS 1.3 are unaffected)"));
	case DH_INCLUDED:
		return xstrdup(_("sendmail's included 2048-bit prime (its default)"));
	case DH_FIXED_512:
		return xstrdup(_("sendmail's included 512-bit prime: below OpenSSL's default "
		    "security level, so no DHE cipher is offered"));
	case DH_GEN_1024:
		return xstrdup(_("1024-bit parameters sendmail makes at each start: below OpenSSL's "
		    "default security level, so no DHE cipher is offered"));
	case DH_GEN_2048:
		return xstrdup(_("2048-bit parameters sendmail makes at each start (this slows its "
		    "start)"));
	case DH_FILE:
		break;
	}
	/* a file: what it holds, as sendmail would read it (check judges whether it may) */
	switch (dh_params_file_bits(value, &bits, &why)) {
	case -2:
		r = xstrprintf(_("a file of DH parameters, which cannot be read: %s"), why);
		break;
	case -1:
		r = xstrprintf(_("a file of DH parameters, but %s"), why);
		break;
	default:
		r = xstrprintf(_("a file of %d-bit DH parameters"), bits);
		break;
	}
	free(why);
	return r;
}

int
dh_params_file_bits(const char *path, int *bits, char **why)
{
	enum file_status st;
	char *data = NULL;
	size_t len;
	int r;

	if (file_read(path, CERT_FILE_MAX, &data, &len, &st, why) == -1)
		return -2;
	r = dh_pem_bits(data, len, bits, why);
	free(data);
	return r == -1 ? -1 : 0;
}

int
dh_pem_bits(const char *data, size_t len, int *bits, char **why)
{
	BIO *bio = len <= INT_MAX ? BIO_new_mem_buf(data, (int)len) : NULL;
	char *name = NULL, *header = NULL;
	unsigned char *der = NULL;
	long dlen = 0;
	int r = -1;
	bool found = false;

	*bits = 0;
	/* as PEM_read_bio_DHparams(): the first DH PARAMETERS block, other blocks skipped */
	while (!found && bio != NULL && PEM_read_bio(bio, &name, &header, &der, &dlen) == 1) {
		bool dh = strcmp(name, PEM_STRING_DHPARAMS) == 0;

		if (dh || strcmp(name, PEM_STRING_DHXPARAMS) == 0) {
			const unsigned char *p = der;
			EVP_PKEY *pk = d2i_KeyParams(dh ? EVP_PKEY_DH : EVP_PKEY_DHX, NULL, &p, dlen);

			found = true;
			if (pk != NULL && (*bits = EVP_PKEY_get_bits(pk)) > 0)
				r = 0;
			else
				err_set(why, _("its %s block is damaged"), name);
			EVP_PKEY_free(pk);
		}
		OPENSSL_free(name);
		OPENSSL_free(header);
		OPENSSL_free(der);
		name = header = NULL;
		der = NULL;
	}
	BIO_free(bio);
	ERR_clear_error();
	if (!found)
		err_set(why, memmem(data, len, "-----BEGIN ", 11) != NULL ? _("it holds PEM blocks, "
		    "none of them DH PARAMETERS") : _("it holds no PEM block at all"));
	return r;
}
