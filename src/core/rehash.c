/* rehash.c: split bundles into a CACertPath and make the HASH.N links exactly as `openssl rehash` names them. */
#include "config.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include "smtls/cert.h"
#include "smtls/fileio.h"
#include "smtls/hindex.h"
#include "smtls/i18n.h"
#include "smtls/emit.h"
#include "smtls/journal.h"
#include "smtls/namehash.h"
#include "smtls/pem.h"
#include "smtls/pki.h"
#include "smtls/rehash.h"
#include "smtls/xmalloc.h"

#define SHA1_LEN	20
#define MAX_IDS		256	/* as openssl rehash: at most 256 files per hash */

enum entry_kind {
	ENTRY_OTHER,	/* not a certificate file for us: never linked */
	ENTRY_CERT,
	ENTRY_CRL,
};

/* A file of the directory (or one this run writes). */
struct entry {
	char		*name;
	enum entry_kind	 kind;
	bool		 linkable;	/* one CA certificate or one CRL */
	bool		 dup;		/* same fingerprint as an earlier file */
	unsigned long	 hash;
	unsigned char	 sha1[SHA1_LEN];
	int		 link_id;	/* the id of its link, -1 while it has none */
	bool		 made;		/* written by this run from a bundle */
};

/* A HASH.N or HASH.rN symbolic link found in the directory. */
struct hlink {
	char		*name;
	char		*target;
	enum entry_kind	 kind;
	unsigned long	 hash;
	int		 id;
	bool		 keep;
};

struct state {
	int		 dirfd;
	const char	*dir;
	struct entry	*e;
	size_t		 ne, cap_e;
	struct hlink	*l;
	size_t		 nl;
	char		**made_files;	/* created by this run, removed on failure */
	size_t		 n_made_files;
	struct journal	*j;		/* the new certificate files: all or none */
	char		**made_links;
	size_t		 n_made_links;
	struct rehash_result *res;
	const struct rehash_progress *prog;
	struct hindex	 by_name;	/* e by name */
	struct hindex	 by_sha1;	/* e (certificates) by fingerprint, while bundles are added */
	struct hindex	 by_bucket;	/* e by kind and hash, once every entry is there */
	struct hindex	 kept_links;	/* l kept, by kind and hash */
	time_t		 now;		/* bundle certificates expired by now are skipped; 0: none */
	size_t		 done, total;
};

static void note(struct rehash_result *r, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void
note(struct rehash_result *r, const char *fmt, ...)
{
	va_list ap;

	r->notes = xreallocarray(r->notes, r->n_notes + 1, sizeof(*r->notes));
	va_start(ap, fmt);
	r->notes[r->n_notes++] = xvstrprintf(fmt, ap);
	va_end(ap);
}

static void
tick(struct state *st)
{
	st->done++;
	if (st->prog != NULL && st->prog->fn != NULL)
		st->prog->fn(st->prog->arg, st->done, st->total);
}

/*
 * What a rehash needs of a certificate, read from its DER without decoding it whole (the
 * public key and every extension, which OpenSSL 3 decodes through its providers, made most
 * of the time): the subject, the SHA-1 fingerprint, and whether it is a trust anchor.
 */
struct lite {
	X509_NAME	*subject;	/* decoded only when asked for (a bundle's, to name its file) */
	unsigned long	 hash;		/* X509_NAME_hash(subject), as openssl x509 -hash */
	unsigned char	 sha1[SHA1_LEN];
	bool		 anchor;	/* basicConstraints CA:TRUE, or self-issued (a root) */
	long		 der_len;	/* the Certificate's own length (TRUSTED CERTIFICATE adds aux) */
	time_t		 not_after;
	bool		 ok;		/* read whole */
};

/* Drops what OpenSSL queued on a failure (ERR_clear_error() alone costs more than a parse). */
static void
err_drop(void)
{
	if (ERR_peek_error() != 0)
		ERR_clear_error();
}

/* Reads one TLV header at *p; with skip, steps over its content too. -1 when malformed. */
static int
der_step(const unsigned char **p, const unsigned char *end, bool skip, int *tag, int *cls,
    long *len)
{
	const unsigned char *q = *p;
	int r;

	if (q >= end)
		return -1;
	r = ASN1_get_object(&q, len, tag, cls, end - q);
	if ((r & 0x80) || *len > end - q)
		return -1;
	*p = skip ? q + *len : q;
	return 0;
}

static const unsigned char oid_basic_constraints[] = { 0x55, 0x1d, 0x13 };	/* 2.5.29.19 */

/* Looks for basicConstraints CA:TRUE in the content of [3] Extensions. */
static bool
lite_bc_ca(const unsigned char *p, const unsigned char *end)
{
	const unsigned char *ext, *ext_end, *v;
	BASIC_CONSTRAINTS *bc;
	int tag, cls;
	long len;
	bool ca = false;

	if (der_step(&p, end, false, &tag, &cls, &len) == -1)	/* SEQUENCE OF Extension */
		return false;
	end = p + len;
	while (p < end && der_step(&p, end, false, &tag, &cls, &len) == 0) {
		ext = p;
		ext_end = p + len;
		p = ext_end;
		if (der_step(&ext, ext_end, false, &tag, &cls, &len) == -1 || tag != V_ASN1_OBJECT ||
		    len != (long)sizeof(oid_basic_constraints) ||
		    memcmp(ext, oid_basic_constraints, sizeof(oid_basic_constraints)) != 0)
			continue;
		ext += len;
		if (der_step(&ext, ext_end, false, &tag, &cls, &len) == 0 && tag == V_ASN1_BOOLEAN) {
			ext += len;	/* critical */
			if (der_step(&ext, ext_end, false, &tag, &cls, &len) == -1)
				break;
		}
		if (tag != V_ASN1_OCTET_STRING)
			break;
		v = ext;
		if ((bc = d2i_BASIC_CONSTRAINTS(NULL, &v, len)) != NULL) {
			ca = bc->ca != 0;
			BASIC_CONSTRAINTS_free(bc);
		} else {
			err_drop();
		}
		break;
	}
	return ca;
}

/* notAfter out of a Validity SEQUENCE { notBefore, notAfter }. */
static int
lite_not_after(const unsigned char *p, const unsigned char *end, time_t *out)
{
	ASN1_TIME *t;
	struct tm tm;
	int tag, cls, ok;
	long len;

	if (der_step(&p, end, false, &tag, &cls, &len) == -1 ||
	    der_step(&p, end, true, &tag, &cls, &len) == -1)	/* notBefore */
		return -1;
	if ((t = d2i_ASN1_TIME(NULL, &p, end - p)) == NULL)
		return -1;
	memset(&tm, 0, sizeof(tm));
	ok = ASN1_TIME_to_tm(t, &tm);
	ASN1_TIME_free(t);
	if (!ok)
		return -1;
	*out = timegm(&tm);
	return 0;
}

static void
lite_clear(struct lite *l)
{
	X509_NAME_free(l->subject);
	memset(l, 0, sizeof(*l));
}

static int
lite_parse(const unsigned char *der, long dlen, bool want_subject, struct lite *l)
{
	const unsigned char *p = der, *end = der + dlen, *q, *iss, *sub;
	long len, iss_len, sub_len;
	int tag, cls, ok = 0;

	memset(l, 0, sizeof(*l));
	if (der_step(&p, end, false, &tag, &cls, &len) == -1)		/* Certificate */
		return -1;
	l->der_len = (long)(p - der) + len;
	end = p + len;
	if (der_step(&p, end, false, &tag, &cls, &len) == -1)		/* TBSCertificate */
		return -1;
	end = p + len;
	q = p;
	if (der_step(&q, end, true, &tag, &cls, &len) == -1)
		return -1;
	if (cls == V_ASN1_CONTEXT_SPECIFIC && tag == 0)
		p = q;							/* [0] version */
	if (der_step(&p, end, true, &tag, &cls, &len) == -1 ||		/* serialNumber */
	    der_step(&p, end, true, &tag, &cls, &len) == -1)		/* signature */
		return -1;
	iss = p;
	if (der_step(&p, end, true, &tag, &cls, &len) == -1)		/* issuer */
		return -1;
	iss_len = p - iss;
	q = p;
	if (der_step(&p, end, true, &tag, &cls, &len) == -1 ||	/* validity */
	    lite_not_after(q, p, &l->not_after) == -1)
		return -1;
	sub = p;						/* subject */
	if (namehash_der(sub, end - sub, &l->hash, &sub_len) == 1) {
		p += sub_len;
		q = sub;
		if (want_subject && (l->subject = d2i_X509_NAME(NULL, &q, sub_len)) == NULL)
			goto fail;
	} else {
		if ((l->subject = d2i_X509_NAME(NULL, &p, end - p)) == NULL)
			goto fail;
		sub_len = p - sub;
		l->hash = X509_NAME_hash_ex(l->subject, NULL, NULL, &ok);
		if (!ok)
			goto fail;
	}
	if (der_step(&p, end, true, &tag, &cls, &len) == -1)		/* subjectPublicKeyInfo */
		goto fail;
	while (p < end) {				/* [1], [2] unique ids, [3] extensions */
		q = p;
		if (der_step(&p, end, true, &tag, &cls, &len) == -1)
			goto fail;
		if (cls == V_ASN1_CONTEXT_SPECIFIC && tag == 3) {
			der_step(&q, end, false, &tag, &cls, &len);
			l->anchor = lite_bc_ca(q, q + len);
		}
	}
	l->anchor = l->anchor || (iss_len == sub_len && memcmp(iss, sub, (size_t)iss_len) == 0);
	sha1_digest(der, (size_t)l->der_len, l->sha1);
	l->ok = true;
	return 0;
fail:
	err_drop();
	lite_clear(l);
	return -1;
}

static bool
pem_is_cert(const char *name)
{
	return strcmp(name, PEM_STRING_X509) == 0 || strcmp(name, PEM_STRING_X509_OLD) == 0 ||
	    strcmp(name, PEM_STRING_X509_TRUSTED) == 0;
}

static bool
has_cert_ext(const char *name)
{
	static const char *const exts[] = { "pem", "crt", "cer", "crl" };
	const char *dot = strrchr(name, '.');
	size_t i;

	if (dot == NULL)
		return false;
	for (i = 0; i < sizeof(exts) / sizeof(exts[0]); i++)
		if (strcasecmp(dot + 1, exts[i]) == 0)
			return true;
	return false;
}

/* Parses "1a2b3c4d.0" or "1a2b3c4d.r0" as openssl rehash does. */
static bool
parse_link_name(const char *name, unsigned long *hash, enum entry_kind *kind, int *id)
{
	char *end;
	long v;
	int i;

	for (i = 0; i < 8; i++)
		if (!isxdigit((unsigned char)name[i]))
			return false;
	if (name[8] != '.')
		return false;
	*hash = strtoul(name, NULL, 16);
	name += 9;
	*kind = ENTRY_CERT;
	if (*name == 'r' || *name == 'R') {
		*kind = ENTRY_CRL;
		name++;
	}
	if (!isdigit((unsigned char)*name))
		return false;
	v = strtol(name, &end, 10);
	if (*end != '\0' || v < 0 || v > 100000)
		return false;
	*id = (int)v;
	return true;
}

/* Reads a whole (small) file of the directory into memory: PEM parsing on an fd BIO reads byte by byte. */
static char *
slurp_at(int dirfd, const char *name, size_t *len)
{
	struct stat sb;
	char *data;
	size_t cap, got = 0;
	ssize_t n = 0;
	int fd, e;

	fd = openat(dirfd, name, O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
	if (fd == -1)
		return NULL;
	if (fstat(fd, &sb) == -1)
		e = errno;
	else if (!S_ISREG(sb.st_mode))
		e = S_ISDIR(sb.st_mode) ? EISDIR : EINVAL;	/* a FIFO or device: never read */
	else
		e = sb.st_size > CERT_FILE_MAX ? EFBIG : 0;
	if (e != 0) {
		close(fd);
		errno = e;
		return NULL;
	}
	/* the size fstat() gave, read straight into place: no read() to find the end */
	cap = (size_t)sb.st_size;
	data = xmalloc(cap + 1);
	while (got < cap) {
		n = read(fd, data + got, cap - got);
		if (n == -1 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		got += (size_t)n;
	}
	e = errno;
	close(fd);
	if (n == -1) {
		free(data);
		errno = e;
		return NULL;
	}
	data[got] = '\0';
	*len = got;
	return data;
}

/*
 * Reads a file of the directory: one certificate or one CRL (PEM) makes it an entry.
 * False when it is gone (removed since the directory was read): no entry at all.
 */
static bool
scan_file(struct state *st, struct entry *en)
{
	struct pem_blocks blocks;
	char *data;
	struct stat sb;
	size_t len = 0, i;
	int n = 0, bad = 0, e;
	struct lite l;
	X509_CRL *crl = NULL;

	data = slurp_at(st->dirfd, en->name, &len);
	e = errno;
	if (data == NULL && e == ENOENT &&
	    fstatat(st->dirfd, en->name, &sb, AT_SYMLINK_NOFOLLOW) == -1)
		return false;
	if (data == NULL) {
		note(st->res, _("%s/%s: skipped: %s"), st->dir, en->name, e == EINVAL ?
		    _("not a regular file (a FIFO or a device is never read)") : strerror(e));
		st->res->skipped++;
		return true;
	}
	memset(&l, 0, sizeof(l));
	pem_read_all(data, len, &blocks);
	for (i = 0; i < blocks.n; i++) {
		const struct pem_block *pb = &blocks.v[i];
		const unsigned char *q = pb->der;

		if (pem_is_cert(pb->label)) {
			if (++n == 1 && lite_parse(pb->der, pb->der_len, false, &l) == -1)
				bad = 1;
		} else if (strcmp(pb->label, PEM_STRING_X509_CRL) == 0) {
			if (++n == 1 && (crl = d2i_X509_CRL(NULL, &q, pb->der_len)) == NULL)
				bad = 1;
		}
	}
	if (blocks.damaged)
		bad = 1;	/* a damaged block: openssl rehash skips the whole file too */
	pem_blocks_free(&blocks);
	free(data);
	if (n != 1 || bad) {
		if (n > 1)
			note(st->res, _("%s/%s: skipped: it holds %d certificates or CRLs; a hashed "
			    "directory needs one per file (openssl rehash skips it too)"), st->dir,
			    en->name, n);
		else
			note(st->res, _("%s/%s: skipped: no intact PEM certificate or CRL in it"),
			    st->dir, en->name);
		st->res->skipped++;
	} else if (l.ok) {
		en->kind = ENTRY_CERT;
		en->hash = l.hash;
		memcpy(en->sha1, l.sha1, SHA1_LEN);
		en->linkable = l.anchor;
		if (!en->linkable) {
			note(st->res, _("%s/%s: not linked: not a CA certificate (a server's own "
			    "certificate does not belong in CACertPath)"), st->dir, en->name);
			st->res->skipped++;
		}
	} else if (crl != NULL) {
		en->kind = ENTRY_CRL;
		en->hash = X509_NAME_hash_ex(X509_CRL_get_issuer(crl), NULL, NULL, NULL);
		X509_CRL_digest(crl, EVP_sha1(), en->sha1, NULL);
		en->linkable = true;
	}
	lite_clear(&l);
	X509_CRL_free(crl);
	if (bad || crl != NULL)
		err_drop();	/* OpenSSL's words for what failed (the rest leave none) */
	return true;
}

/* A name of the directory and its type as readdir() gave it (DT_UNKNOWN: look). */
struct dname {
	char		*name;
	unsigned char	 type;
};

static int
name_cmp(const void *a, const void *b)
{
	return strcmp(((const struct dname *)a)->name, ((const struct dname *)b)->name);
}

static void entry_push(struct state *st, const struct entry *en);

static int
scan_dir(struct state *st, char **err)
{
	DIR *d;
	struct dirent *de;
	struct stat sb;
	struct dname *names = NULL;
	char target[4096];
	size_t n = 0, cap = 0, i;
	int dfd = dup(st->dirfd);
	ssize_t len;

	if (dfd == -1 || (d = fdopendir(dfd)) == NULL) {
		err_set(err, "%s: %s", st->dir, strerror(errno));
		if (dfd != -1)
			close(dfd);
		return -1;
	}
	while ((de = readdir(d)) != NULL) {
		if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
			continue;
		if (n == cap) {
			cap = cap ? cap * 2 : 256;
			names = xreallocarray(names, cap, sizeof(*names));
		}
		names[n].name = xstrdup(de->d_name);
		names[n++].type = de->d_type;
	}
	closedir(d);
	if (n > 0)
		qsort(names, n, sizeof(*names), name_cmp);	/* openssl rehash's order */
	st->total += n;
	for (i = 0; i < n; i++) {
		struct hlink hl;
		unsigned char type = names[i].type;

		memset(&hl, 0, sizeof(hl));
		/* the type readdir() gave saves a stat of each file (most file systems give it) */
		if (type == DT_UNKNOWN) {
			if (fstatat(st->dirfd, names[i].name, &sb, AT_SYMLINK_NOFOLLOW) == -1) {
				free(names[i].name);
				continue;
			}
			type = S_ISLNK(sb.st_mode) ? DT_LNK : S_ISREG(sb.st_mode) ? DT_REG : DT_UNKNOWN;
		}
		if (type == DT_LNK &&
		    parse_link_name(names[i].name, &hl.hash, &hl.kind, &hl.id)) {
			len = readlinkat(st->dirfd, names[i].name, target, sizeof(target) - 1);
			if (len >= 0) {
				target[len] = '\0';
				hl.name = names[i].name;
				hl.target = xstrdup(target);
				st->l = xreallocarray(st->l, st->nl + 1, sizeof(*st->l));
				st->l[st->nl++] = hl;
				tick(st);
				continue;
			}
		}
		{
			struct entry en;

			memset(&en, 0, sizeof(en));
			en.name = names[i].name;
			en.link_id = -1;
			if (has_cert_ext(names[i].name) && !scan_file(st, &en)) {
				free(names[i].name);	/* gone since readdir() */
				continue;
			}
			entry_push(st, &en);
		}
		tick(st);
	}
	free(names);
	return 0;
}

static struct entry *
entry_by_name(const struct state *st, const char *name)
{
	size_t i, it;

	for (it = 0; hindex_next(&st->by_name, hash_str(name), &it, &i); )
		if (strcmp(st->e[i].name, name) == 0)
			return &st->e[i];
	return NULL;
}

static const struct entry *
entry_by_sha1(const struct state *st, const unsigned char *sha1)
{
	size_t i, it;

	for (it = 0; hindex_next(&st->by_sha1, hash_bytes(sha1, SHA1_LEN), &it, &i); )
		if (st->e[i].kind == ENTRY_CERT && memcmp(st->e[i].sha1, sha1, SHA1_LEN) == 0)
			return &st->e[i];
	return NULL;
}

/* The key of a hash bucket: HASH.N and HASH.rN are two buckets. */
static uint64_t
bucket_key(enum entry_kind kind, unsigned long hash)
{
	return hash_bytes(&hash, sizeof(hash)) ^ (uint64_t)kind;
}

/* Appends en to the entries, and to the indexes by name and fingerprint. */
static void
entry_push(struct state *st, const struct entry *en)
{
	if (st->ne == st->cap_e) {
		st->cap_e = st->cap_e ? st->cap_e * 2 : 64;
		st->e = xreallocarray(st->e, st->cap_e, sizeof(*st->e));
	}
	st->e[st->ne] = *en;
	hindex_add(&st->by_name, hash_str(en->name), st->ne);
	if (en->kind == ENTRY_CERT)
		hindex_add(&st->by_sha1, hash_bytes(en->sha1, SHA1_LEN), st->ne);
	st->ne++;
}

/* After the sort: the indexes by name and by bucket anew. */
static void
index_entries(struct state *st)
{
	size_t i;

	hindex_free(&st->by_name);
	hindex_free(&st->by_sha1);
	for (i = 0; i < st->ne; i++) {
		hindex_add(&st->by_name, hash_str(st->e[i].name), i);
		hindex_add(&st->by_bucket, bucket_key(st->e[i].kind, st->e[i].hash), i);
	}
}

/* A file name from the certificate's CN: "ISRG Root X1" -> "ISRG_Root_X1.pem". */
static char *
file_name_for(struct state *st, const X509_NAME *subj)
{
	int idx = X509_NAME_get_index_by_NID(subj, NID_commonName, -1);
	unsigned char *cn = NULL;
	char base[64], *name;
	size_t i, o = 0;
	int n, len = -1;

	if (idx >= 0)
		len = ASN1_STRING_to_UTF8(&cn, X509_NAME_ENTRY_get_data(
		    X509_NAME_get_entry(subj, idx)));
	for (i = 0; len > 0 && i < (size_t)len && o < sizeof(base) - 1; i++) {
		unsigned char ch = cn[i];

		if (isalnum(ch) || ch == '.' || ch == '-')
			base[o++] = (char)ch;
		else if (o > 0 && base[o - 1] != '_')
			base[o++] = '_';
	}
	OPENSSL_free(cn);
	while (o > 0 && (base[o - 1] == '_' || base[o - 1] == '.'))
		o--;
	base[o] = '\0';
	if (o == 0)
		snprintf(base, sizeof(base), "ca");
	name = xstrprintf("%s.pem", base);
	for (n = 2; entry_by_name(st, name) != NULL; n++) {
		free(name);
		name = xstrprintf("%s_%d.pem", base, n);
	}
	return name;
}

/* The next name after a clash: "X.pem" -> "X_2.pem", "X_2.pem" -> "X_3.pem". */
static char *
next_name(struct state *st, char *name)
{
	char *dot = strrchr(name, '.'), *us = strrchr(name, '_'), *base, *r;
	int n = 2;

	*dot = '\0';
	if (us != NULL && strspn(us + 1, "0123456789") == strlen(us + 1) && us[1] != '\0') {
		n = atoi(us + 1) + 1;
		*us = '\0';
	}
	base = name;
	r = xstrprintf("%s_%d.pem", base, n);
	while (entry_by_name(st, r) != NULL) {
		free(r);
		r = xstrprintf("%s_%d.pem", base, ++n);
	}
	free(name);
	return r;
}

/* Stages a new file named *name, or the next free name, in the set of new files. */
static int
write_file(struct state *st, char **name, const char *data, size_t len, char **err)
{
	struct journal_file f = { 0 };
	struct stat sb;
	char *path;
	int tries, r;

	if (st->j == NULL)
		st->j = journal_begin("rehash");
	f.data = data;
	f.len = len;
	f.mode = 0644;
	f.new_only = true;
	f.lazy = true;	/* public certificates, often a hundred: one sync for all */
	/*
	 * A name taken since the scan goes to the next one. The journal looks (new_only
	 * refuses an existing file, and leaves the set usable); only then is the name
	 * looked at again here, rather than once more for every file.
	 */
	for (tries = 0; ; tries++) {
		path = xstrprintf("%s/%s", st->dir, *name);
		f.target = path;
		r = journal_add(st->j, &f, err) == -1 ? -1 : 0;
		free(path);
		if (r == 0 || tries == 100 ||
		    fstatat(st->dirfd, *name, &sb, AT_SYMLINK_NOFOLLOW) == -1)
			return r;
		xfree(*err);
		*name = next_name(st, *name);
	}
}

/* Puts the staged files in place, all or none; from then on a failure removes them. */
static int
commit_files(struct state *st, char **err)
{
	size_t i;

	if (st->j == NULL)
		return 0;
	if (journal_commit(st->j, err) == -1)
		return -1;
	for (i = 0; i < st->ne; i++)
		if (st->e[i].made) {
			st->made_files = xreallocarray(st->made_files, st->n_made_files + 1,
			    sizeof(*st->made_files));
			st->made_files[st->n_made_files++] = xstrdup(st->e[i].name);
		}
	return 0;
}

/* A certificate of a --from bundle: its DER and what the light parse found. */
struct bcert {
	unsigned char	*der;
	struct lite	 l;
};

struct bcerts {
	struct bcert	*v;
	size_t		 n, cap;
};

static int
bcert_add(struct bcerts *bs, const unsigned char *der, long dlen)
{
	struct bcert b;

	if (lite_parse(der, dlen, true, &b.l) == -1)
		return -1;
	b.der = xmalloc((size_t)b.l.der_len);
	memcpy(b.der, der, (size_t)b.l.der_len);
	if (bs->n == bs->cap) {
		bs->cap = bs->cap ? bs->cap * 2 : 64;
		bs->v = xreallocarray(bs->v, bs->cap, sizeof(*bs->v));
	}
	bs->v[bs->n++] = b;
	return 0;
}

static void
bcerts_free(struct bcerts *bs)
{
	size_t i;

	for (i = 0; i < bs->n; i++) {
		free(bs->v[i].der);
		lite_clear(&bs->v[i].l);
	}
	free(bs->v);
	memset(bs, 0, sizeof(*bs));
}

/*
 * Loads a bundle: PEM certificates the light way; anything else (DER, PKCS#7) through
 * pki_load_certs(). A damaged PEM certificate fails the whole bundle, naming it.
 */
static int
load_bundle(const char *path, struct bcerts *out, char **err)
{
	struct certlist l = { 0 };
	struct pem_blocks blocks;
	enum file_status fst;
	char *data = NULL;
	size_t len = 0, before = out->n, i;
	int bad = 0;

	if (file_read(path, CERT_FILE_MAX, &data, &len, &fst, err) == -1)
		return -1;
	if (strstr(data, "-----BEGIN") != NULL) {
		pem_read_all(data, len, &blocks);
		for (i = 0; i < blocks.n && !bad; i++)
			if (pem_is_cert(blocks.v[i].label) &&
			    bcert_add(out, blocks.v[i].der, blocks.v[i].der_len) == -1)
				bad = 1;
		if (!bad && out->n > before && blocks.damaged)
			bad = 1;
		pem_blocks_free(&blocks);
		if (bad) {
			err_set(err, _("%s: certificate %zu is damaged (truncated or edited?)"), path,
			    out->n - before + 1);
			free(data);
			return -1;
		}
		if (out->n > before) {
			free(data);
			return 0;
		}
	}
	free(data);
	if (pki_load_certs(path, &l, err) == -1)
		return -1;
	for (i = 0; i < l.n; i++) {
		unsigned char *d = NULL;
		int n = i2d_X509(l.v[i].x509, &d);

		if (n <= 0 || bcert_add(out, d, n) == -1) {
			err_set(err, _("%s: certificate %zu cannot be read"), path, i + 1);
			OPENSSL_free(d);
			certlist_free(&l);
			return -1;
		}
		OPENSSL_free(d);
	}
	certlist_free(&l);
	return 0;
}

static char *
name_oneline(const X509_NAME *n)
{
	char *s = X509_NAME_oneline(n, NULL, 0);
	char *r = xstrdup(s ? s : "?");

	OPENSSL_free(s);
	return r;
}

/* Writes the bundles' CA certificates the directory does not hold yet. */
static int
add_bundles(struct state *st, const struct bcerts *certs, char **err)
{
	BIO *bio = NULL;
	BUF_MEM *mem;
	size_t i;

	for (i = 0; i < certs->n; i++) {
		const struct bcert *bc = &certs->v[i];
		struct entry en;

		tick(st);
		if (!bc->l.anchor) {
			char *subj = name_oneline(bc->l.subject);

			note(st->res, _("%s: skipped: not a CA certificate"), subj);
			free(subj);
			st->res->skipped++;
			continue;
		}
		if (entry_by_sha1(st, bc->l.sha1) != NULL) {
			st->res->present++;
			continue;
		}
		if (st->now != 0 && bc->l.not_after <= st->now) {
			char *subj = name_oneline(bc->l.subject), when[32];

			time_format_iso(bc->l.not_after, when, sizeof(when));
			note(st->res, _("%s: skipped: expired on %s (an expired root anchors "
			    "nothing, and check warns about it: store.expired-root)"), subj, when);
			free(subj);
			st->res->skipped++;
			continue;
		}
		memset(&en, 0, sizeof(en));
		en.name = file_name_for(st, bc->l.subject);
		en.kind = ENTRY_CERT;
		en.linkable = true;
		en.hash = bc->l.hash;
		en.link_id = -1;
		memcpy(en.sha1, bc->l.sha1, SHA1_LEN);
		BIO_free(bio);
		bio = BIO_new(BIO_s_mem());
		if (bio == NULL || !PEM_write_bio(bio, PEM_STRING_X509, "", bc->der, bc->l.der_len)) {
			err_set(err, _("%s/%s: cannot encode the certificate"), st->dir, en.name);
			free(en.name);
			BIO_free(bio);
			return -1;
		}
		BIO_get_mem_ptr(bio, &mem);
		if (write_file(st, &en.name, mem->data, mem->length, err) == -1) {
			free(en.name);
			BIO_free(bio);
			return -1;
		}
		en.made = true;
		entry_push(st, &en);
		st->res->written++;
	}
	BIO_free(bio);
	return commit_files(st, err);
}

static int
entry_cmp(const void *a, const void *b)
{
	return strcmp(((const struct entry *)a)->name, ((const struct entry *)b)->name);
}

/* Marks duplicates (same fingerprint as an earlier file in name order). */
static void
mark_dups(struct state *st)
{
	struct hindex first = { 0 };	/* the linkable files that are no duplicate so far */
	size_t i, j, it;

	for (i = 0; i < st->ne; i++) {
		uint64_t h = hash_bytes(st->e[i].sha1, SHA1_LEN) ^ (uint64_t)st->e[i].kind;

		if (!st->e[i].linkable)
			continue;
		for (it = 0; hindex_next(&first, h, &it, &j); ) {
			if (st->e[j].kind == st->e[i].kind &&
			    memcmp(st->e[j].sha1, st->e[i].sha1, SHA1_LEN) == 0) {
				st->e[i].dup = true;
				note(st->res, _("%s/%s: not linked: the same certificate as %s"),
				    st->dir, st->e[i].name, st->e[j].name);
				break;
			}
		}
		if (!st->e[i].dup)
			hindex_add(&first, h, i);
	}
	hindex_free(&first);
}

/* How many files of this bucket need a link (openssl keeps old ids below this). */
static int
bucket_needed(const struct state *st, enum entry_kind kind, unsigned long hash)
{
	size_t i, it;
	int n = 0;

	for (it = 0; hindex_next(&st->by_bucket, bucket_key(kind, hash), &it, &i); )
		if (st->e[i].linkable && !st->e[i].dup && st->e[i].kind == kind &&
		    st->e[i].hash == hash)
			n++;
	return n;
}

/* Decides which existing links stay: right target, right hash, not a second link. */
static void
judge_links(struct state *st)
{
	size_t i, j;

	for (i = 0; i < st->nl; i++) {
		struct hlink *hl = &st->l[i];
		struct entry *en = strchr(hl->target, '/') ? NULL : entry_by_name(st, hl->target);
		struct stat sb;

		if (en == NULL) {
			/* a target outside the directory: only judge whether it dangles */
			hl->keep = fstatat(st->dirfd, hl->name, &sb, 0) == 0;
			continue;
		}
		if (en->kind != hl->kind || en->hash != hl->hash) {
			hl->keep = false;
		} else if (!en->linkable && en->kind == ENTRY_CERT) {
			hl->keep = true;	/* someone linked a non-CA certificate: leave it */
		} else if (en->dup || en->link_id != -1 ||
		    hl->id >= bucket_needed(st, en->kind, en->hash)) {
			hl->keep = false;
		} else {
			hl->keep = true;
			en->link_id = hl->id;
		}
	}
	/* two links with one name cannot exist; two kept links to one file were handled above */
	for (i = 0; i < st->nl; i++) {
		uint64_t h = bucket_key(st->l[i].kind, st->l[i].hash);
		size_t it;

		if (!st->l[i].keep)
			continue;
		for (it = 0; st->l[i].keep && hindex_next(&st->kept_links, h, &it, &j); )
			if (st->l[i].kind == st->l[j].kind && st->l[i].hash == st->l[j].hash &&
			    st->l[i].id == st->l[j].id)
				st->l[i].keep = false;
		if (st->l[i].keep)
			hindex_add(&st->kept_links, h, i);
	}
}

static bool
id_taken(const struct state *st, enum entry_kind kind, unsigned long hash, int id)
{
	uint64_t h = bucket_key(kind, hash);
	char name[32];
	size_t i, it;

	for (it = 0; hindex_next(&st->kept_links, h, &it, &i); )
		if (st->l[i].keep && st->l[i].kind == kind && st->l[i].hash == hash &&
		    st->l[i].id == id)
			return true;
	for (it = 0; hindex_next(&st->by_bucket, h, &it, &i); )
		if (st->e[i].link_id == id && st->e[i].kind == kind && st->e[i].hash == hash)
			return true;
	/* a file with a link's name that is not a hash link is never replaced */
	snprintf(name, sizeof(name), "%08lx.%s%d", hash, kind == ENTRY_CRL ? "r" : "", id);
	return entry_by_name(st, name) != NULL;
}

static void
rollback(struct state *st)
{
	size_t i;

	for (i = 0; i < st->n_made_links; i++)
		(void)unlinkat(st->dirfd, st->made_links[i], 0);
	for (i = 0; i < st->n_made_files; i++)
		(void)unlinkat(st->dirfd, st->made_files[i], 0);
}

static int
apply_links(struct state *st, char **err)
{
	struct stat sb;
	char name[32];
	size_t i;
	int id;

	for (i = 0; i < st->nl; i++) {
		if (st->l[i].keep) {
			st->res->kept++;
			continue;
		}
		/* only a symbolic link is ever removed */
		if (fstatat(st->dirfd, st->l[i].name, &sb, AT_SYMLINK_NOFOLLOW) == 0 &&
		    S_ISLNK(sb.st_mode) && unlinkat(st->dirfd, st->l[i].name, 0) == 0)
			st->res->removed++;
	}
	for (i = 0; i < st->ne; i++)
		if (st->e[i].linkable && !st->e[i].dup && st->e[i].link_id == -1)
			st->total++;
	for (i = 0; i < st->ne; i++) {
		struct entry *en = &st->e[i];

		if (!en->linkable || en->dup || en->link_id != -1)
			continue;
		for (id = 0; id < MAX_IDS && id_taken(st, en->kind, en->hash, id); id++)
			;
		if (id == MAX_IDS) {
			note(st->res, _("%s/%s: not linked: more than %d files with hash %08lx"),
			    st->dir, en->name, MAX_IDS, en->hash);
			continue;
		}
		snprintf(name, sizeof(name), "%08lx.%s%d", en->hash,
		    en->kind == ENTRY_CRL ? "r" : "", id);
		if (symlinkat(en->name, st->dirfd, name) == -1) {
			err_set(err, _("%s/%s: cannot make the link: %s"), st->dir, name,
			    strerror(errno));
			return -1;
		}
		st->made_links = xreallocarray(st->made_links, st->n_made_links + 1,
		    sizeof(*st->made_links));
		st->made_links[st->n_made_links++] = xstrdup(name);
		en->link_id = id;
		st->res->linked++;
		tick(st);
	}
	return 0;
}

static void
state_free(struct state *st)
{
	size_t i;

	journal_free(st->j);	/* not committed: the staged files are discarded */
	for (i = 0; i < st->ne; i++)
		free(st->e[i].name);
	free(st->e);
	for (i = 0; i < st->nl; i++) {
		free(st->l[i].name);
		free(st->l[i].target);
	}
	free(st->l);
	for (i = 0; i < st->n_made_files; i++)
		free(st->made_files[i]);
	free(st->made_files);
	for (i = 0; i < st->n_made_links; i++)
		free(st->made_links[i]);
	free(st->made_links);
	if (st->dirfd != -1)
		close(st->dirfd);
	hindex_free(&st->by_name);
	hindex_free(&st->by_sha1);
	hindex_free(&st->by_bucket);
	hindex_free(&st->kept_links);
}

int
rehash_dir(const char *dir, const char *const *bundles, size_t n_bundles, time_t now,
    const struct rehash_progress *prog, struct rehash_result *res, char **err)
{
	struct state st;
	struct bcerts certs = { 0 };
	bool created = false;
	size_t i;
	int rc = -1;

	memset(res, 0, sizeof(*res));
	memset(&st, 0, sizeof(st));
	st.dirfd = -1;
	st.dir = dir;
	st.res = res;
	st.prog = prog;
	st.now = now;
	for (i = 0; i < n_bundles; i++)
		if (load_bundle(bundles[i], &certs, err) == -1)
			goto out;
	st.total = certs.n;
	if (pki_outdir_prepare(dir, 0755, &created, err) == -1)
		goto out;
	st.dirfd = open(dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (st.dirfd == -1) {
		err_set(err, "%s: %s", dir, strerror(errno));
		goto out;
	}
	if (scan_dir(&st, err) == -1)
		goto out;
	if (add_bundles(&st, &certs, err) == -1) {
		rollback(&st);
		goto out;
	}
	if (st.ne > 0)
		qsort(st.e, st.ne, sizeof(*st.e), entry_cmp);
	index_entries(&st);
	mark_dups(&st);
	judge_links(&st);
	if (apply_links(&st, err) == -1) {
		rollback(&st);
		goto out;
	}
	if (st.n_made_files > 0 || st.n_made_links > 0 || res->removed > 0)
		(void)fsync(st.dirfd);
	rc = 0;
out:
	journal_free(st.j);	/* not committed: the staged files are discarded */
	st.j = NULL;
	if (rc == -1 && created)
		(void)rmdir(dir);
	bcerts_free(&certs);
	state_free(&st);
	return rc;
}

void
rehash_process_init(void)
{
	(void)OPENSSL_init_crypto(OPENSSL_INIT_NO_LOAD_CONFIG | OPENSSL_INIT_NO_ATEXIT, NULL);
}

void
rehash_result_free(struct rehash_result *res)
{
	size_t i;

	for (i = 0; i < res->n_notes; i++)
		free(res->notes[i]);
	free(res->notes);
	memset(res, 0, sizeof(*res));
}

char *
rehash_command(const char *dir, const char *bundle)
{
	struct buf b = { 0 };

	buf_printf(&b, "%s rehash ", PACKAGE);
	emit_shell_word(&b, dir);
	buf_puts(&b, " --from ");
	emit_shell_word(&b, bundle);
	return buf_release(&b);
}
