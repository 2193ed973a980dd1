/* chain.c: the OpenSSL wrapper for trust stores, chain building and CACertPath directories. */
#include "config.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509_vfy.h>
#include <openssl/x509v3.h>

#include "smtls/chain.h"
#include "smtls/fileio.h"
#include "smtls/hindex.h"
#include "smtls/i18n.h"
#include "smtls/statcache.h"
#include "smtls/xmalloc.h"

static char *name_text(const X509_NAME *n);
static X509_NAME *der_subject(const unsigned char *der, long len);
static bool is_hash_name(const char *name, unsigned long *hash);

struct trust {
	X509_STORE	*store;
	char		*id;		/* trust_load(): what it was loaded from, and its key */
	bool		 ca_roots;	/* only CA:TRUE anchors count (a directory without its bundle) */
};

/* Debian's bundle beside its hashed directory: the roots ca-certificates chose */
#define TRUST_DIR_BUNDLE	"ca-certificates.crt"

static struct trust *
trust_alloc(void)
{
	struct trust *t = xcalloc(1, sizeof(*t));

	t->store = X509_STORE_new();
	if (t->store == NULL)
		abort();
	return t;
}

static int
is_dir(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

/* Adds every certificate of a PEM file; file_read() never blocks on a FIFO or reads a huge file. */
static int
trust_add_file(struct trust *t, const char *path, char **err)
{
	struct certlist l = { 0 };
	enum load_status ls;
	char *e = NULL;
	size_t i;

	/* cert_load_file() reads the PEM certificates as PEM_read_bio_X509() does, and keeps
	 * them for the next load of the same file (check loads CACertFile more than once) */
	ls = cert_load_file(path, &l, &e);
	for (i = 0; ls == LOAD_OK && i < l.n; i++)
		X509_STORE_add_cert(t->store, l.v[i].x509);
	ERR_clear_error();
	if (ls == LOAD_MISSING || ls == LOAD_UNREADABLE)
		err_set(err, "%s", e);
	else if (ls != LOAD_OK)
		err_set(err, _("%s: no certificate found"), path);
	free(e);
	certlist_free(&l);
	return ls == LOAD_OK ? 0 : -1;
}

/*
 * Trust anchors looked up when OpenSSL asks for a subject, as its lookup by hash does, rather
 * than loaded whole: a hashed directory (HASH.0, HASH.1, ... until one is missing; a FIFO or
 * device is passed over, never opened) or a bundle indexed by subject hash (the index kept by
 * statcache while the bundle is unchanged). check needs the issuer or two it looks up, not
 * the hundred and more roots; the wizard re-checks on every key.
 */
struct bundle_cert {
	unsigned long	 hash;		/* X509_NAME_hash_ex() of the subject */
	size_t		 off, len;	/* its PEM block in the bundle */
};

struct lazy {
	char			*dir;		/* a hashed directory, or NULL */
	char			*data;		/* or a bundle's text, */
	int			 fd;		/* or (its index kept) the bundle, read where needed */
	size_t			 len;
	struct bundle_cert	*v;
	size_t			 n;
	struct hindex		 by_hash;	/* v by subject hash */
	struct hindex		 done;		/* the hashes looked up already */
};

static void
lazy_free(X509_LOOKUP *lu)
{
	struct lazy *z = X509_LOOKUP_get_method_data(lu);

	if (z == NULL)
		return;
	free(z->dir);
	free(z->data);
	if (z->fd != -1)
		close(z->fd);
	free(z->v);
	hindex_free(&z->by_hash);
	hindex_free(&z->done);
	free(z);
	X509_LOOKUP_set_method_data(lu, NULL);
}

/* The certificates of one PEM block (or file): added to the store; how many. */
static int
store_add_pem(X509_STORE *store, const char *data, size_t len)
{
	BIO *bio = BIO_new_mem_buf(data, (int)len);
	X509 *x;
	int n = 0;

	while (bio != NULL && (x = PEM_read_bio_X509(bio, NULL, NULL, NULL)) != NULL) {
		X509_STORE_add_cert(store, x);
		X509_free(x);
		n++;
	}
	BIO_free(bio);
	ERR_clear_error();
	return n;
}

/* A HASH.N file's certificates and CRLs, as OpenSSL's X509_load_cert_file() reads them. */
static int
store_add_info(X509_STORE *store, const char *data, size_t len)
{
	BIO *bio = BIO_new_mem_buf(data, (int)len);
	STACK_OF(X509_INFO) *inf = bio ? PEM_X509_INFO_read_bio(bio, NULL, NULL, "") : NULL;
	int i, n = 0;

	for (i = 0; inf != NULL && i < sk_X509_INFO_num(inf); i++) {
		X509_INFO *it = sk_X509_INFO_value(inf, i);

		if (it->x509 != NULL && X509_STORE_add_cert(store, it->x509))
			n++;
		if (it->crl != NULL && X509_STORE_add_crl(store, it->crl))
			n++;
	}
	sk_X509_INFO_pop_free(inf, X509_INFO_free);
	BIO_free(bio);
	ERR_clear_error();
	return n;
}

static void
lazy_load(struct lazy *z, X509_STORE *store, unsigned long h)
{
	size_t i, it;

	if (z->dir == NULL) {
		for (it = 0; hindex_next(&z->by_hash, h, &it, &i); ) {
			char *block;

			if (z->v[i].hash != h)
				continue;
			if (z->fd == -1) {
				(void)store_add_pem(store, z->data + z->v[i].off, z->v[i].len);
				continue;
			}
			block = xmalloc(z->v[i].len);
			if (pread(z->fd, block, z->v[i].len, (off_t)z->v[i].off) ==
			    (ssize_t)z->v[i].len)
				(void)store_add_pem(store, block, z->v[i].len);
			free(block);
		}
		return;
	}
	for (i = 0; ; i++) {
		char *path = xstrprintf("%s/%08lx.%zu", z->dir, h, i), *data = NULL;
		enum file_status fst;
		struct stat st;
		size_t len = 0;
		int n = 0;

		if (stat(path, &st) == -1) {
			free(path);
			break;
		}
		/* file_read() refuses a FIFO or device without opening it */
		if (file_read(path, CERT_FILE_MAX, &data, &len, &fst, NULL) == 0)
			n = store_add_info(store, data, len);
		free(data);
		free(path);
		if (n == 0 && S_ISREG(st.st_mode))
			break;		/* as OpenSSL: a file without a certificate ends the bucket */
	}
}

static int
lazy_by_subject(X509_LOOKUP *lu, X509_LOOKUP_TYPE type, const X509_NAME *name, X509_OBJECT *ret)
{
	struct lazy *z = X509_LOOKUP_get_method_data(lu);
	X509_STORE *store = X509_LOOKUP_get_store(lu);
	X509_OBJECT *obj;
	unsigned long h;
	size_t it, v;
	bool done = false;
	X509 *x = NULL;
	int ok = 0;

	if (z == NULL || store == NULL || type != X509_LU_X509)
		return 0;
	h = X509_NAME_hash_ex(name, NULL, NULL, &ok);
	if (!ok)
		return 0;
	for (it = 0; !done && hindex_next(&z->done, h, &it, &v); )
		done = true;
	if (!done) {
		hindex_add(&z->done, h, 0);
		lazy_load(z, store, h);
	}
	if (!X509_STORE_lock(store))
		return 0;
	obj = X509_OBJECT_retrieve_by_subject(X509_STORE_get0_objects(store), X509_LU_X509, name);
	x = obj ? X509_OBJECT_get0_X509(obj) : NULL;
	X509_STORE_unlock(store);
	/* ret borrows the store's reference, as OpenSSL's own lookups fill it */
	if (x == NULL || !X509_OBJECT_set1_X509(ret, x))
		return 0;
	X509_free(x);
	return 1;
}

static X509_LOOKUP_METHOD *
lazy_method(void)
{
	static X509_LOOKUP_METHOD *m;

	if (m == NULL) {
		m = X509_LOOKUP_meth_new("smtls lazy");
		if (m == NULL)
			abort();
		X509_LOOKUP_meth_set_get_by_subject(m, lazy_by_subject);
		X509_LOOKUP_meth_set_free(m, lazy_free);
	}
	return m;
}

static void
trust_add_lazy(struct trust *t, struct lazy *z)
{
	X509_LOOKUP *lu = X509_STORE_add_lookup(t->store, lazy_method());

	if (lu == NULL || !X509_LOOKUP_set_method_data(lu, z))
		abort();
}

static void
trust_add_dir(struct trust *t, const char *dir)
{
	struct lazy *z = xcalloc(1, sizeof(*z));

	z->fd = -1;
	z->dir = xstrdup(dir);
	trust_add_lazy(t, z);
}

/* The bundle's index: "HASH OFF LEN" a line, in the bundle's order. */
static bool
bundle_index_parse(struct lazy *z, const char *blob)
{
	const char *p = blob;

	while (*p != '\0') {
		unsigned long h;
		size_t off, len;
		int used = 0;

		if (sscanf(p, "%lx %zu %zu\n%n", &h, &off, &len, &used) != 3 || used == 0 ||
		    off > z->len || len > z->len - off)
			return false;
		z->v = xreallocarray(z->v, z->n + 1, sizeof(*z->v));
		z->v[z->n++] = (struct bundle_cert){ h, off, len };
		p += used;
	}
	return true;
}

/* Indexes the bundle: each certificate's subject hash, as PEM_read_bio_X509() reads them. */
static void
bundle_index_build(struct lazy *z)
{
	BIO *bio = BIO_new_mem_buf(z->data, (int)z->len);
	char *name = NULL, *header = NULL;
	unsigned char *der = NULL;
	long dlen = 0;
	size_t before = 0;

	while (bio != NULL && PEM_read_bio(bio, &name, &header, &der, &dlen) == 1) {
		size_t after = z->len - (size_t)BIO_pending(bio);
		/* the blocks PEM_read_bio_X509() takes (not TRUSTED CERTIFICATE) */
		bool cert = strcmp(name, PEM_STRING_X509) == 0 ||
		    strcmp(name, PEM_STRING_X509_OLD) == 0;
		X509_NAME *subj = cert ? der_subject(der, dlen) : NULL;
		int ok = 0;

		OPENSSL_free(name);
		OPENSSL_free(header);
		OPENSSL_free(der);
		if (cert && subj == NULL)
			break;		/* trust_add_file() stops there too */
		if (cert) {
			unsigned long h = X509_NAME_hash_ex(subj, NULL, NULL, &ok);

			if (ok) {
				z->v = xreallocarray(z->v, z->n + 1, sizeof(*z->v));
				z->v[z->n++] = (struct bundle_cert){ h, before, after - before };
			}
		}
		X509_NAME_free(subj);
		before = after;
	}
	BIO_free(bio);
	ERR_clear_error();
}

/* The bundle open for pread() when the index kept for key k is the one for what it opens. */
static bool
bundle_open_kept(struct lazy *z, const char *path, const struct file_key *k, const char *blob)
{
	struct stat st;
	struct file_key o;

	z->fd = open(path, O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
	if (z->fd == -1)
		return false;
	if (fstat(z->fd, &st) == 0 && S_ISREG(st.st_mode)) {
		o = (struct file_key){ st.st_dev, st.st_ino, st.st_size, st.st_mtim, st.st_ctim };
		z->len = (size_t)st.st_size;
		if (file_key_eq(&o, k) && bundle_index_parse(z, blob))
			return true;
	}
	close(z->fd);
	z->fd = -1;
	z->n = 0;
	return false;
}

/* A bundle as a lazy source; -1 when it cannot be read or holds no certificate. */
static int
trust_add_bundle(struct trust *t, const char *path)
{
	struct lazy *z = xcalloc(1, sizeof(*z));
	enum file_status fst;
	struct file_key k;
	char *blob;
	size_t i, blen;
	bool keyed;

	z->fd = -1;
	keyed = file_key_of(path, &k) == 0;
	blob = keyed ? statcache_get("bundle", path, NULL, &k, &blen) : NULL;
	if (blob == NULL || !bundle_open_kept(z, path, &k, blob)) {
		if (file_read(path, CERT_FILE_MAX, &z->data, &z->len, &fst, NULL) == -1) {
			free(blob);
			free(z);
			return -1;
		}
		struct buf b = { 0 };

		free(z->v);
		z->v = NULL;
		z->n = 0;
		bundle_index_build(z);
		for (i = 0; i < z->n; i++)
			buf_printf(&b, "%08lx %zu %zu\n", z->v[i].hash, z->v[i].off, z->v[i].len);
		if (keyed && z->n > 0)
			statcache_put("bundle", path, NULL, &k, b.data, b.len);
		buf_free(&b);
	}
	free(blob);
	if (z->n == 0) {
		free(z->v);
		free(z->data);
		if (z->fd != -1)
			close(z->fd);
		free(z);
		return -1;
	}
	for (i = 0; i < z->n; i++)
		hindex_add(&z->by_hash, z->v[i].hash, i);
	trust_add_lazy(t, z);
	return 0;
}

struct trust *
trust_new(const char *ca_file, const char *ca_path)
{
	struct trust *t = trust_alloc();

	if (ca_file != NULL)
		(void)trust_add_file(t, ca_file, NULL);
	if (ca_path != NULL && is_dir(ca_path))
		trust_add_dir(t, ca_path);
	return t;
}

/* "KIND:PATH:KEY": what a store was loaded from, while it is unchanged (statcache). */
static char *
source_id(const char *kind, const char *path)
{
	struct file_key k;

	if (file_key_of(path, &k) == -1)
		return xstrprintf("%s:%s:-", kind, path);
	return xstrprintf("%s:%s:%llu:%llu:%lld:%lld.%09ld:%lld.%09ld", kind, path,
	    (unsigned long long)k.dev, (unsigned long long)k.ino, (long long)k.size,
	    (long long)k.mtime.tv_sec, k.mtime.tv_nsec, (long long)k.ctime.tv_sec,
	    k.ctime.tv_nsec);
}

struct trust *
trust_load(const char *file_or_dir, char **err)
{
	struct trust *t = trust_alloc();

	if (is_dir(file_or_dir)) {
		/*
		 * Public roots are what ca-certificates chose: the hashed directory also holds
		 * whatever was linked into it (Debian's update_tls links sendmail's own
		 * self-signed certificates there). Without the bundle, only CA:TRUE roots count.
		 */
		char *bundle = xstrprintf("%s/%s", file_or_dir, TRUST_DIR_BUNDLE);
		int r = access(bundle, R_OK) == 0 ? trust_add_bundle(t, bundle) : -1;

		if (r == 0)
			t->id = source_id("bundle", bundle);
		free(bundle);
		if (r == 0)
			return t;
		trust_add_dir(t, file_or_dir);
		t->ca_roots = true;
		t->id = source_id("dir", file_or_dir);
		return t;
	}
	if (trust_add_file(t, file_or_dir, err) == -1)
		trust_free(&t);
	else
		t->id = source_id("file", file_or_dir);
	return t;
}

void
trust_free(struct trust **t)
{
	if (*t == NULL)
		return;
	X509_STORE_free((*t)->store);
	free((*t)->id);
	free(*t);
	*t = NULL;
}

static bool
trust_has_x509(const struct trust *t, X509 *x)
{
	X509_STORE_CTX *ctx;
	STACK_OF(X509) *sk;
	EVP_PKEY *pk = X509_get0_pubkey(x);
	bool found = false;
	int i;

	if (t == NULL || pk == NULL || (ctx = X509_STORE_CTX_new()) == NULL)
		return false;
	if (X509_STORE_CTX_init(ctx, t->store, NULL, NULL) == 1) {
		sk = X509_STORE_CTX_get1_certs(ctx, X509_get_subject_name(x));
		for (i = 0; sk != NULL && i < sk_X509_num(sk) && !found; i++)
			found = EVP_PKEY_eq(X509_get0_pubkey(sk_X509_value(sk, i)), pk) == 1;
		sk_X509_pop_free(sk, X509_free);
	}
	X509_STORE_CTX_free(ctx);
	ERR_clear_error();
	return found;
}

bool
trust_has(const struct trust *t, const struct cert *c)
{
	return c->x509 != NULL && trust_has_x509(t, c->x509);
}

/* Validity is judged on its own (cert.expired, chain.expired-ca): it must not end the build. */
static int
ignore_time_cb(int ok, X509_STORE_CTX *ctx)
{
	int e = X509_STORE_CTX_get_error(ctx);

	if (!ok && (e == X509_V_ERR_CERT_HAS_EXPIRED || e == X509_V_ERR_CERT_NOT_YET_VALID))
		return 1;
	return ok;
}

void
chain_presented(const struct trust *t, const struct cert *leaf, const struct certlist *extra,
    time_t now, struct certlist *out)
{
	X509_STORE_CTX *ctx;
	STACK_OF(X509) *chain;
	size_t i;
	int j;

	certlist_add(out, leaf);
	if (extra != NULL && extra->n > 0) {
		for (i = 0; i < extra->n; i++)
			certlist_add(out, &extra->v[i]);
		return;
	}
	if (t == NULL || (ctx = X509_STORE_CTX_new()) == NULL)
		return;
	/* as ssl_add_cert_chain(): verify against the store, send whatever chain was built */
	if (X509_STORE_CTX_init(ctx, t->store, leaf->x509, NULL) == 1) {
		X509_VERIFY_PARAM_set_time(X509_STORE_CTX_get0_param(ctx), now);
		(void)X509_verify_cert(ctx);
		chain = X509_STORE_CTX_get0_chain(ctx);
		for (j = 1; chain != NULL && j < sk_X509_num(chain); j++) {
			struct cert c;

			cert_from_x509(&c, sk_X509_value(chain, j));
			out->v = xreallocarray(out->v, out->n + 1, sizeof(*out->v));
			out->v[out->n++] = c;
		}
	}
	X509_STORE_CTX_free(ctx);
	ERR_clear_error();
}

static enum chain_result chain_verify_impl(const struct trust *roots,
    const struct certlist *presented, time_t now, bool dated, char **detail);

enum chain_result
chain_verify(const struct trust *roots, const struct certlist *presented, time_t now,
    char **detail)
{
	return chain_verify_impl(roots, presented, now, false, detail);
}

enum chain_result
chain_verify_dated(const struct trust *roots, const struct certlist *presented, time_t now,
    char **detail)
{
	return chain_verify_impl(roots, presented, now, true, detail);
}

static enum chain_result
chain_verify_impl(const struct trust *roots, const struct certlist *presented, time_t now,
    bool dated, char **detail)
{
	STACK_OF(X509) *untrusted = sk_X509_new_null();
	X509_STORE_CTX *ctx = X509_STORE_CTX_new();
	enum chain_result r = CHAIN_ERROR;
	size_t i;
	int e;

	*detail = NULL;
	if (untrusted == NULL || ctx == NULL || presented->n == 0 || roots == NULL)
		goto done;
	for (i = 1; i < presented->n; i++)
		sk_X509_push(untrusted, presented->v[i].x509);
	if (X509_STORE_CTX_init(ctx, roots->store, presented->v[0].x509, untrusted) != 1)
		goto done;
	X509_VERIFY_PARAM_set_time(X509_STORE_CTX_get0_param(ctx), now);
	if (!dated)
		X509_STORE_CTX_set_verify_cb(ctx, ignore_time_cb);
	if (X509_verify_cert(ctx) == 1) {
		STACK_OF(X509) *chain = X509_STORE_CTX_get0_chain(ctx);
		X509 *anchor = sk_X509_value(chain, sk_X509_num(chain) - 1);

		r = CHAIN_OK;
		if (roots->ca_roots && !(X509_get_extension_flags(anchor) & EXFLAG_CA))
			r = sk_X509_num(chain) == 1 ? CHAIN_SELF_SIGNED : CHAIN_PRIVATE_ROOT;
		goto done;
	}
	e = X509_STORE_CTX_get_error(ctx);
	*detail = xstrdup(X509_verify_cert_error_string(e));
	switch (e) {
	case X509_V_ERR_DEPTH_ZERO_SELF_SIGNED_CERT:
		r = CHAIN_SELF_SIGNED;
		break;
	case X509_V_ERR_SELF_SIGNED_CERT_IN_CHAIN:
		r = CHAIN_PRIVATE_ROOT;
		break;
	case X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT:
	case X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY:
		r = CHAIN_NO_ISSUER;
		break;
	default:
		r = CHAIN_ERROR;
		break;
	}
done:
	X509_STORE_CTX_free(ctx);
	sk_X509_free(untrusted);	/* the certificates belong to presented */
	ERR_clear_error();
	return r;
}

/* A stand-in for a peer certificate issued by ca's subject: only its names matter. */
static X509 *
child_of(X509 *ca)
{
	X509 *x = X509_dup(ca);
	X509_NAME *n = X509_NAME_new();
	int i;

	if (x == NULL || n == NULL ||
	    X509_NAME_add_entry_by_txt(n, "CN", MBSTRING_ASC, (const unsigned char *)"smtls peer",
	    -1, -1, 0) != 1 || X509_set_subject_name(x, n) != 1 ||
	    X509_set_issuer_name(x, X509_get_subject_name(ca)) != 1) {
		X509_free(x);
		X509_NAME_free(n);
		return NULL;
	}
	X509_NAME_free(n);
	/* no key identifiers: any certificate named like ca may be its issuer, as for a peer */
	while ((i = X509_get_ext_by_NID(x, NID_authority_key_identifier, -1)) >= 0)
		X509_EXTENSION_free(X509_delete_ext(x, i));
	while ((i = X509_get_ext_by_NID(x, NID_subject_key_identifier, -1)) >= 0)
		X509_EXTENSION_free(X509_delete_ext(x, i));
	while ((i = X509_get_ext_by_NID(x, NID_basic_constraints, -1)) >= 0)
		X509_EXTENSION_free(X509_delete_ext(x, i));
	return x;
}

/* The stand-in's own signature and dates are not the question: only what lies above it. */
static int
above_child_cb(int ok, X509_STORE_CTX *ctx)
{
	return ok || X509_STORE_CTX_get_error_depth(ctx) == 0;
}

bool
chain_issued_by_verifies(const struct trust *t, const struct cert *ca, time_t now,
    char **detail, char **picked)
{
	X509_STORE_CTX *ctx = NULL;
	X509 *child, *iss = NULL;
	bool good = true;

	*detail = NULL;
	*picked = NULL;
	if (t == NULL || ca->x509 == NULL || (child = child_of(ca->x509)) == NULL)
		return true;
	if ((ctx = X509_STORE_CTX_new()) == NULL ||
	    X509_STORE_CTX_init(ctx, t->store, child, NULL) != 1)
		goto done;
	X509_VERIFY_PARAM_set_time(X509_STORE_CTX_get0_param(ctx), now);
	if (X509_STORE_CTX_get1_issuer(&iss, ctx, child) == 1 && iss != NULL) {
		char *sub = name_text(X509_get_subject_name(iss));
		char *is = name_text(X509_get_issuer_name(iss));

		*picked = xstrprintf(_("%s, issued by %s"), sub, is);
		free(sub);
		free(is);
		X509_free(iss);
	}
	X509_STORE_CTX_set_verify_cb(ctx, above_child_cb);
	if (X509_verify_cert(ctx) != 1) {
		int e = X509_STORE_CTX_get_error(ctx);

		good = false;
		*detail = xstrdup(X509_verify_cert_error_string(e));
	}
done:
	X509_STORE_CTX_free(ctx);
	X509_free(child);
	ERR_clear_error();
	if (good) {
		free(*picked);
		*picked = NULL;
	}
	return good;
}

bool
trust_has_root_named(const struct trust *t, const struct cert *c)
{
	X509_STORE_CTX *ctx;
	STACK_OF(X509) *sk;
	bool found = false;
	int i;

	if (t == NULL || c->x509 == NULL || (ctx = X509_STORE_CTX_new()) == NULL)
		return false;
	if (X509_STORE_CTX_init(ctx, t->store, NULL, NULL) == 1) {
		sk = X509_STORE_CTX_get1_certs(ctx, X509_get_subject_name(c->x509));
		for (i = 0; sk != NULL && i < sk_X509_num(sk) && !found; i++)
			found = X509_self_signed(sk_X509_value(sk, i), 0) == 1;
		sk_X509_pop_free(sk, X509_free);
	}
	X509_STORE_CTX_free(ctx);
	ERR_clear_error();
	return found;
}

/* "5ad8a5d6.0": the names OpenSSL's lookup by hash opens (CRLs are "HASH.rN") */
static bool
is_hash_name(const char *name, unsigned long *hash)
{
	const char *p;
	int i;

	for (i = 0; i < 8; i++)
		if (!isxdigit((unsigned char)name[i]) || isupper((unsigned char)name[i]))
			return false;
	if (name[8] != '.' || name[9] == '\0')
		return false;
	for (p = name + 9; *p; p++)
		if (!isdigit((unsigned char)*p))
			return false;
	*hash = strtoul(name, NULL, 16);
	return true;
}

/*
 * A certificate read without OpenSSL 3's costly public-key decoding: hashed directories hold
 * a hundred and more roots, and the wizard re-runs the check on every key. The DER is walked
 * only as far as the subject public key info.
 */
struct lite {
	X509_NAME		*subject;
	X509_NAME		*issuer;
	ASN1_TIME		*not_after;
	unsigned char		*spki;		/* DER of SubjectPublicKeyInfo */
	long			 spki_len;
	unsigned char		 md[32];	/* SHA-256 of the whole certificate */
};

static void
lite_clear(struct lite *l)
{
	X509_NAME_free(l->subject);
	X509_NAME_free(l->issuer);
	ASN1_TIME_free(l->not_after);
	free(l->spki);
	memset(l, 0, sizeof(*l));
}

/* Enters (or, with skip, passes over) the next DER element; -1 when malformed. */
static int
der_step(const unsigned char **p, const unsigned char *end, bool skip, int *tag, int *cls)
{
	long len;
	int r;

	if (*p >= end)
		return -1;
	r = ASN1_get_object(p, &len, tag, cls, end - *p);
	if (r & 0x80)
		return -1;
	if (skip)
		*p += len;
	return *p <= end ? 0 : -1;
}

static int
lite_parse(const unsigned char *der, long len, struct lite *l)
{
	const unsigned char *p = der, *end = der + len, *q;
	int tag, cls;

	memset(l, 0, sizeof(*l));
	if (der_step(&p, end, false, &tag, &cls) == -1 ||	/* Certificate */
	    der_step(&p, end, false, &tag, &cls) == -1)	/* TBSCertificate */
		return -1;
	q = p;
	if (der_step(&q, end, false, &tag, &cls) == -1)
		return -1;
	if (cls == V_ASN1_CONTEXT_SPECIFIC && tag == 0 && der_step(&p, end, true, &tag, &cls) == -1)
		return -1;			/* [0] version */
	if (der_step(&p, end, true, &tag, &cls) == -1 ||	/* serialNumber */
	    der_step(&p, end, true, &tag, &cls) == -1)	/* signature */
		return -1;
	if ((l->issuer = d2i_X509_NAME(NULL, &p, end - p)) == NULL ||
	    der_step(&p, end, false, &tag, &cls) == -1)	/* validity */
		goto fail;
	ASN1_TIME_free(d2i_ASN1_TIME(NULL, &p, end - p));
	if ((l->not_after = d2i_ASN1_TIME(NULL, &p, end - p)) == NULL ||
	    (l->subject = d2i_X509_NAME(NULL, &p, end - p)) == NULL)
		goto fail;
	q = p;
	if (der_step(&p, end, true, &tag, &cls) == -1)
		goto fail;
	l->spki_len = p - q;
	l->spki = xmalloc((size_t)l->spki_len);
	memcpy(l->spki, q, (size_t)l->spki_len);
	if (!EVP_Digest(der, (size_t)len, l->md, NULL, EVP_sha256(), NULL))
		goto fail;
	return 0;
fail:
	lite_clear(l);
	return -1;
}

/* The subject of a certificate, read the light way (no public key decoded); NULL if damaged. */
static X509_NAME *
der_subject(const unsigned char *der, long len)
{
	struct lite l;
	X509_NAME *n;

	if (lite_parse(der, len, &l) == -1)
		return NULL;
	n = l.subject;
	l.subject = NULL;
	lite_clear(&l);
	return n;
}

/* The first certificate of a file (PEM, or DER), read the light way. */
static int
lite_read_first(const char *path, struct lite *l)
{
	enum file_status st;
	char *data = NULL, *name = NULL, *header = NULL;
	unsigned char *der = NULL;
	size_t len = 0;
	long dlen = 0;
	int r = -1;
	BIO *bio;

	if (file_read(path, CERT_FILE_MAX, &data, &len, &st, NULL) == -1)
		return -1;
	bio = BIO_new_mem_buf(data, (int)len);
	while (bio != NULL && PEM_read_bio(bio, &name, &header, &der, &dlen) == 1) {
		bool cert = strcmp(name, PEM_STRING_X509) == 0 || strcmp(name, PEM_STRING_X509_OLD) == 0
		    || strcmp(name, PEM_STRING_X509_TRUSTED) == 0;

		if (cert)
			r = lite_parse(der, dlen, l);
		OPENSSL_free(name);
		OPENSSL_free(header);
		OPENSSL_free(der);
		if (cert)
			break;
	}
	BIO_free(bio);
	if (r == -1 && len > 0 && (unsigned char)data[0] == 0x30)
		r = lite_parse((const unsigned char *)data, (long)len, l);
	free(data);
	ERR_clear_error();
	return r;
}

/* True when the store holds a certificate with this subject and public key. */
static bool
trust_has_lite(const struct trust *t, const struct lite *l)
{
	X509_STORE_CTX *ctx;
	STACK_OF(X509) *sk;
	bool found = false;
	int i;

	if (t == NULL || (ctx = X509_STORE_CTX_new()) == NULL)
		return false;
	if (X509_STORE_CTX_init(ctx, t->store, NULL, NULL) == 1) {
		sk = X509_STORE_CTX_get1_certs(ctx, l->subject);
		for (i = 0; sk != NULL && i < sk_X509_num(sk) && !found; i++) {
			unsigned char *der = NULL;
			int n = i2d_X509_PUBKEY(X509_get_X509_PUBKEY(sk_X509_value(sk, i)), &der);

			found = n == l->spki_len && memcmp(der, l->spki, (size_t)n) == 0;
			OPENSSL_free(der);
		}
		sk_X509_pop_free(sk, X509_free);
	}
	X509_STORE_CTX_free(ctx);
	ERR_clear_error();
	return found;
}

static char *
name_text(const X509_NAME *n)
{
	BIO *b = BIO_new(BIO_s_mem());
	char *data, *r;
	long len;

	if (b == NULL)
		return xstrdup("?");
	X509_NAME_print_ex(b, n, 0, XN_FLAG_ONELINE & ~ASN1_STRFLGS_ESC_MSB);
	len = BIO_get_mem_data(b, &data);
	r = xstrndup(data, (size_t)len);
	BIO_free(b);
	return r;
}

static void
add_str(char ***v, size_t *n, char *s)
{
	*v = xreallocarray(*v, *n + 1, sizeof(**v));
	(*v)[(*n)++] = s;
}

/* A self-issued certificate is a root: note it when expired, and when it is a public one. */
static void
judge_root(const struct lite *l, const char *label, const struct trust *pub, time_t now,
    char ***expired, size_t *n_expired, bool *has_public)
{
	if (X509_NAME_cmp(l->subject, l->issuer) != 0)
		return;
	if (X509_cmp_time(l->not_after, &now) < 0) {
		char *subj = name_text(l->subject);
		struct tm tm;
		char date[32] = "?";

		if (ASN1_TIME_to_tm(l->not_after, &tm) == 1)
			strftime(date, sizeof(date), "%Y-%m-%d", &tm);
		add_str(expired, n_expired, label ? xstrprintf(_("%s (%s, expired %s)"), label,
		    subj, date) : xstrprintf(_("%s (expired %s)"), subj, date));
		free(subj);
	}
	if (pub != NULL && !*has_public && trust_has_lite(pub, l))
		*has_public = true;
}

int
cafile_scan(const char *path, const struct trust *pub, time_t now, struct capath_scan *out)
{
	enum file_status st;
	char *data = NULL, *name = NULL, *header = NULL;
	unsigned char *der = NULL;
	size_t len = 0;
	long dlen = 0;
	BIO *bio;

	memset(out, 0, sizeof(*out));
	if (file_read(path, CERT_FILE_MAX, &data, &len, &st, NULL) == -1)
		return -1;
	bio = BIO_new_mem_buf(data, (int)len);
	while (bio != NULL && PEM_read_bio(bio, &name, &header, &der, &dlen) == 1) {
		struct lite l;

		if ((strcmp(name, PEM_STRING_X509) == 0 || strcmp(name, PEM_STRING_X509_OLD) == 0 ||
		    strcmp(name, PEM_STRING_X509_TRUSTED) == 0) && lite_parse(der, dlen, &l) == 0) {
			out->n_certs++;
			judge_root(&l, NULL, pub, now, &out->expired_roots, &out->n_expired_roots,
			    &out->has_public_root);
			lite_clear(&l);
		}
		OPENSSL_free(name);
		OPENSSL_free(header);
		OPENSSL_free(der);
	}
	BIO_free(bio);
	free(data);
	ERR_clear_error();
	return out->n_certs > 0 ? 0 : -1;
}

struct hashed {
	dev_t		 dev;
	ino_t		 ino;
	unsigned char	 md[32];
};

/*
 * What capath_scan() learns from a directory, whatever the time, as lines that statcache
 * keeps while the directory is unchanged: "N count", "U name" (unhashed), "S text" (stale),
 * "M name" (a stale hash name that is a file, not a link), "I name" (issued), "R end label
 * subject date" (each root: end is the last second of its validity as a time_t, "-" when
 * X509_cmp_time() cannot read it), "P 0|1" (has a public root); fields tab-separated, with
 * \\, \t and \n escaped.
 */
static void
blob_field(struct buf *b, const char *s)
{
	buf_puts(b, "\t");
	for (; *s; s++)
		if (*s == '\\' || *s == '\t' || *s == '\n')
			buf_printf(b, "\\%c", *s == '\t' ? 't' : *s == '\n' ? 'n' : '\\');
		else
			buf_append(b, s, 1);
}

static void
blob_line(struct buf *b, char tag, const char *s)
{
	buf_append(b, &tag, 1);
	blob_field(b, s);
	buf_puts(b, "\n");
}

static void
blob_line_own(struct buf *b, char tag, char *s)
{
	blob_line(b, tag, s);
	free(s);
}

/* The next field of a blob line (after its tab), unescaped; NULL at the line's end. */
static char *
blob_next(const char **p)
{
	struct buf f = { 0 };
	const char *s = *p;

	if (*s != '\t')
		return NULL;
	for (s++; *s && *s != '\t' && *s != '\n'; s++) {
		char c = *s;

		if (c == '\\' && s[1] != '\0') {
			s++;
			c = *s == 't' ? '\t' : *s == 'n' ? '\n' : *s;
		}
		buf_append(&f, &c, 1);
	}
	*p = s;
	return f.data ? buf_release(&f) : xstrdup("");
}

/* A root: the end of its validity (the time it is judged at comes later). */
static void
blob_root(struct buf *b, const struct lite *l, const char *label, const struct trust *pub,
    bool *has_public)
{
	char *subj, end[32] = "-", date[32] = "?";
	struct tm tm;

	if (X509_NAME_cmp(l->subject, l->issuer) != 0)
		return;
	subj = name_text(l->subject);
	if (ASN1_TIME_to_tm(l->not_after, &tm) == 1) {
		time_t t = timegm(&tm);

		strftime(date, sizeof(date), "%Y-%m-%d", &tm);
		/* X509_cmp_time() says "expired" from that second on, and 0 when it cannot
		 * read the time (then it never says so) */
		if (X509_cmp_time(l->not_after, &t) == -1)
			snprintf(end, sizeof(end), "%lld", (long long)t);
	}
	buf_puts(b, "R");
	blob_field(b, end);
	blob_field(b, label ? label : "");
	blob_field(b, subj);
	blob_field(b, date);
	buf_puts(b, "\n");
	free(subj);
	if (pub != NULL && !*has_public && trust_has_lite(pub, l))
		*has_public = true;
}

/* The root of an R line: expired at now, as X509_cmp_time() judges its validity end. */
static void
root_from_blob(const char **p, time_t now, struct capath_scan *out)
{
	char *f[4];
	size_t i;

	for (i = 0; i < 4; i++)
		f[i] = blob_next(p);
	if (f[3] != NULL && strcmp(f[0], "-") != 0 && strtoll(f[0], NULL, 10) <= (long long)now)
		add_str(&out->expired_roots, &out->n_expired_roots, *f[1] ?
		    xstrprintf(_("%s (%s, expired %s)"), f[1], f[2], f[3]) :
		    xstrprintf(_("%s (expired %s)"), f[2], f[3]));
	for (i = 0; i < 4; i++)
		free(f[i]);
}

static void
scan_from_blob(const char *blob, time_t now, struct capath_scan *out)
{
	const char *p = blob;

	while (*p != '\0') {
		char tag = *p++, *v = NULL;

		if (tag == 'R')
			root_from_blob(&p, now, out);
		else if ((v = blob_next(&p)) != NULL) {
			if (tag == 'N')
				out->n_certs = (size_t)strtoul(v, NULL, 10);
			else if (tag == 'P')
				out->has_public_root = strcmp(v, "1") == 0;
			else if (tag == 'U')
				add_str(&out->unhashed, &out->n_unhashed, xstrdup(v));
			else if (tag == 'S')
				add_str(&out->stale, &out->n_stale, xstrdup(v));
			else if (tag == 'M')
				add_str(&out->misnamed, &out->n_misnamed, xstrdup(v));
			else if (tag == 'I')
				add_str(&out->issued, &out->n_issued, xstrdup(v));
			free(v);
		}
		p += strcspn(p, "\n");
		if (*p == '\n')
			p++;
	}
}

static int
capath_scan_dir(const char *dir, const struct trust *pub, struct buf *b, char **err)
{
	struct hashed *h = NULL;
	size_t nh = 0, i, nother = 0, n_certs = 0;
	bool has_public = false;
	char **other = NULL;
	struct dirent *de;
	DIR *d;

	if ((d = opendir(dir)) == NULL) {
		err_set(err, "%s: %s", dir, strerror(errno));
		return -1;
	}
	while ((de = readdir(d)) != NULL) {
		char *path;
		unsigned long hash;
		struct stat st, lst;
		struct lite l;
		bool misnamed;
		int r;

		if (de->d_name[0] == '.')
			continue;
		path = xstrprintf("%s/%s", dir, de->d_name);
		if (!is_hash_name(de->d_name, &hash)) {
			if (stat(path, &st) == 0 && S_ISREG(st.st_mode))
				add_str(&other, &nother, xstrdup(de->d_name));
			free(path);
			continue;
		}
		if (stat(path, &st) == -1) {
			blob_line_own(b, 'S', xstrprintf(_("%s: dangling link (%s)"), de->d_name,
			    file_strerror(errno)));
			free(path);
			continue;
		}
		if (!S_ISREG(st.st_mode)) {
			/* a FIFO there would make OpenSSL's own lookup wait forever */
			blob_line_own(b, 'S', xstrprintf("%s: %s", de->d_name, file_problem(path)));
			free(path);
			continue;
		}
		r = lite_read_first(path, &l);
		/* a file, not a link, under a hash name (copied there by hand, or named by an old
		 * OpenSSL's hash): rehash removes and remakes links only, so it stays */
		misnamed = lstat(path, &lst) == 0 && S_ISREG(lst.st_mode);
		free(path);
		if (r == -1) {
			blob_line_own(b, 'S', xstrprintf(_("%s: holds no certificate"), de->d_name));
			if (misnamed)
				blob_line(b, 'M', de->d_name);
			continue;
		}
		if (X509_NAME_hash_ex(l.subject, NULL, NULL, NULL) != hash) {
			blob_line_own(b, 'S', xstrprintf(_("%s: the certificate's subject hash is "
			    "%08lx, so OpenSSL never finds it under this name"), de->d_name,
			    X509_NAME_hash_ex(l.subject, NULL, NULL, NULL)));
			if (misnamed)
				blob_line(b, 'M', de->d_name);
			lite_clear(&l);
			continue;
		}
		n_certs++;
		blob_root(b, &l, de->d_name, pub, &has_public);
		if (X509_NAME_cmp(l.subject, l.issuer) != 0)
			blob_line(b, 'I', de->d_name);
		h = xreallocarray(h, nh + 1, sizeof(*h));
		h[nh].dev = st.st_dev;
		h[nh].ino = st.st_ino;
		memcpy(h[nh++].md, l.md, sizeof(l.md));
		lite_clear(&l);
	}
	closedir(d);
	/* a certificate file is hashed when a hash name leads to the same file or certificate */
	for (i = 0; i < nother; i++) {
		char *path = xstrprintf("%s/%s", dir, other[i]);
		struct stat st;
		bool linked = false;
		struct lite l;
		size_t j;

		if (stat(path, &st) == 0)
			for (j = 0; j < nh && !linked; j++)
				linked = h[j].dev == st.st_dev && h[j].ino == st.st_ino;
		if (!linked && lite_read_first(path, &l) == 0) {
			for (j = 0; j < nh && !linked; j++)
				linked = memcmp(h[j].md, l.md, sizeof(l.md)) == 0;
			if (!linked)
				blob_line(b, 'U', other[i]);
			lite_clear(&l);
		}
		free(path);
		free(other[i]);
	}
	buf_printf(b, "N\t%zu\nP\t%d\n", n_certs, has_public);
	free(other);
	free(h);
	ERR_clear_error();
	return 0;
}

/*
 * Scanning /etc/ssl/certs reads and parses every file (1,500 system calls): the wizard
 * re-checks on every key and check runs often, so the scan is kept (statcache) while the
 * directory, the public roots and the language of the messages are the same. What depends
 * on the time (which roots have expired) is judged anew from it each time.
 */
int
capath_scan(const char *dir, const struct trust *pub, time_t now, struct capath_scan *out,
    char **err)
{
	const char *loc = setlocale(LC_MESSAGES, NULL);
	struct buf b = { 0 };
	struct file_key k;
	char *extra, *blob = NULL;
	size_t blen;
	bool keyed = file_key_of(dir, &k) == 0;

	memset(out, 0, sizeof(*out));
	/* the blob's format, the language of its messages, the public roots it was judged by */
	extra = xstrprintf("3\t%s\t%s", loc ? loc : "", pub && pub->id ? pub->id : "-");
	if (keyed)
		blob = statcache_get("capath", dir, extra, &k, &blen);
	if (blob == NULL) {
		if (capath_scan_dir(dir, pub, &b, err) == -1) {
			buf_free(&b);
			free(extra);
			return -1;
		}
		if (keyed)
			statcache_put("capath", dir, extra, &k, b.data, b.len);
		blob = buf_release(&b);
	}
	scan_from_blob(blob, now, out);
	free(blob);
	free(extra);
	return 0;
}

void
capath_scan_free(struct capath_scan *s)
{
	strv_free(s->unhashed, s->n_unhashed);
	strv_free(s->stale, s->n_stale);
	strv_free(s->misnamed, s->n_misnamed);
	strv_free(s->expired_roots, s->n_expired_roots);
	strv_free(s->issued, s->n_issued);
	memset(s, 0, sizeof(*s));
}
