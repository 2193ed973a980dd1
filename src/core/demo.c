/* demo.c: the --demo sandbox: a test CA and a Let's-Encrypt-style lineage made with the real
 * openssl program, a hashed root directory, and a stock-like sendmail.mc built with real m4. */
#include "config.h"

#define _XOPEN_SOURCE_EXTENDED 1
#include <errno.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "smtls/demo.h"
#include "smtls/fileio.h"
#include "smtls/i18n.h"
#include "smtls/m4.h"
#include "smtls/proc.h"
#include "smtls/xmalloc.h"

#define DEMO_TIMEOUT_MS	60000

static const char demo_ext[] =
    "[ca]\n"
    "basicConstraints=critical,CA:true\n"
    "keyUsage=critical,keyCertSign,cRLSign\n"
    "subjectKeyIdentifier=hash\n"
    "[leaf]\n"
    "basicConstraints=critical,CA:false\n"
    "keyUsage=critical,digitalSignature\n"
    "extendedKeyUsage=serverAuth\n"
    "subjectAltName=DNS:" DEMO_HOSTNAME "\n";

/* Debian's sendmail.mc, shortened; the TLS define that someone once disabled stays disabled. */
static const char demo_mc[] =
    "divert(-1)dnl\n"
    "# sendmail.mc of the smtls demo sandbox: the shape of Debian's stock file.\n"
    "# Rebuild with: m4 sendmail.mc > sendmail.cf\n"
    "divert(0)dnl\n"
    "define(`_USE_ETC_MAIL_')dnl\n"
    "include(`%s/m4/cf.m4')dnl\n"
    "VERSIONID(`smtls demo sandbox')\n"
    "OSTYPE(`debian')dnl\n"
    "DOMAIN(`debian-mta')dnl\n"
    "FEATURE(`no_default_msa')dnl\n"
    "DAEMON_OPTIONS(`Family=inet,  Name=MTA-v4, Port=smtp, Addr=127.0.0.1')dnl\n"
    "define(`confPRIVACY_FLAGS',dnl\n"
    "`needmailhelo,needexpnhelo,needvrfyhelo,restrictqrun,restrictexpand,nobodyreturn,authwarnings')dnl\n"
    "define(`confCONNECTION_RATE_THROTTLE', `15')dnl\n"
    "dnl define(`confSERVER_CERT', `%s/cert.pem')dnl\n"
    "FEATURE(`use_cw_file')dnl\n"
    "FEATURE(`access_db', , `skip')dnl\n"
    "FEATURE(`greet_pause', `1000')dnl 1 seconds\n"
    "MAILER_DEFINITIONS\n"
    "MAILER(`local')dnl\n"
    "MAILER(`smtp')dnl\n";

static int
run_openssl(const char *openssl, const char *dir, char **argv_tail, char **err)
{
	char *argv[32];
	struct proc_result res = { 0 };
	char *cwd = getcwd(NULL, 0);
	int n = 0, r;

	argv[n++] = (char *)openssl;
	while (*argv_tail != NULL && n < 31)
		argv[n++] = *argv_tail++;
	argv[n] = NULL;
	/* openssl writes relative paths: run it inside the sandbox */
	if (cwd == NULL || chdir(dir) == -1) {
		err_set(err, _("%s: cannot enter the directory: %s"), dir, strerror(errno));
		free(cwd);
		return -1;
	}
	r = proc_run(argv, NULL, 0, DEMO_TIMEOUT_MS, 1024 * 1024, &res);
	if (chdir(cwd) == -1)
		r = -1;
	free(cwd);
	if (r == -1 || res.status != 0) {
		err_set(err, _("openssl %s failed in %s: %s"), argv[1], dir,
		    res.exec_failed ? strerror(res.errno_exec) :
		    (res.err && *res.err ? res.err : _("no message")));
		proc_result_free(&res);
		return -1;
	}
	proc_result_free(&res);
	return 0;
}

#define OPENSSL(...) do { \
	char *a_[] = { __VA_ARGS__, NULL }; \
	if (run_openssl(openssl, dir, a_, err) == -1) \
		goto fail; \
} while (0)

static int
mkdirs(const char *dir, const char *const *subs, char **err)
{
	for (; *subs != NULL; subs++) {
		char *p = xstrprintf("%s/%s", dir, *subs);

		if (mkdir(p, 0755) == -1 && errno != EEXIST) {
			err_set(err, _("%s: cannot create the directory: %s"), p, strerror(errno));
			free(p);
			return -1;
		}
		free(p);
	}
	return 0;
}

static int
link_live(const char *dir, const char *name, char **err)
{
	char *target = xstrprintf("../../archive/%s/%s1.pem", DEMO_HOSTNAME, name);
	char *link = xstrprintf("%s/letsencrypt/live/%s/%s.pem", dir, DEMO_HOSTNAME, name);
	int r = symlink(target, link);

	if (r == -1)
		err_set(err, _("%s: cannot create the symlink: %s"), link, strerror(errno));
	free(target);
	free(link);
	return r;
}

static int
build_cf(const char *m4_path, struct demo_paths *out, char **err)
{
	struct proc_result res = { 0 };
	char *cfdir, *text = NULL;
	size_t len;
	enum file_status st;
	int inc, r = -1;

	if (file_read(out->mc, 1024 * 1024, &text, &len, &st, err) == -1)
		return -1;
	cfdir = m4_find_cf_dir(text, NULL, &inc);
	if (cfdir == NULL) {
		err_set(err, "%s", _("sendmail's cf.m4 was not found (install sendmail-cf)"));
		goto out;
	}
	if (m4_build_cf(m4_path, out->mc, cfdir, inc, &res, err) == -1)
		goto out;
	r = file_write_new(out->cf, res.out, res.out_len, 0644, err);
out:
	free(cfdir);
	free(text);
	proc_result_free(&res);
	return r;
}

int
demo_build(const char *dir, const char *openssl, const char *m4_path, struct demo_paths *out,
    char **err)
{
	static const char *const subs[] = {
		"ca", "roots", "mail", "letsencrypt", "letsencrypt/live", "letsencrypt/archive",
		"letsencrypt/live/" DEMO_HOSTNAME, "letsencrypt/archive/" DEMO_HOSTNAME, NULL,
	};
	static const char *const live[] = { "cert", "chain", "fullchain", "privkey", NULL };
	const char *arch = "letsencrypt/archive/" DEMO_HOSTNAME;
	char *p = NULL, *cfdir, *mc = NULL, *full = NULL, *a = NULL, *b = NULL;
	size_t alen, blen, i;
	enum file_status st;
	int inc;

	memset(out, 0, sizeof(*out));
	out->dir = xstrdup(dir);
	if (mkdirs(dir, subs, err) == -1)
		goto fail;
	p = xstrprintf("%s/ca/ext.cnf", dir);
	if (file_write_new(p, demo_ext, strlen(demo_ext), 0644, err) == -1)
		goto fail;
	xfree(p);
	OPENSSL("req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
	    "-keyout", "ca/root.key", "-out", "ca/root.pem", "-days", "3650",
	    "-subj", "/O=smtls demo/CN=smtls Demo Root X1",
	    "-addext", "basicConstraints=critical,CA:true",
	    "-addext", "keyUsage=critical,keyCertSign,cRLSign");
	OPENSSL("req", "-new", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
	    "-keyout", "ca/int.key", "-out", "ca/int.csr", "-subj", "/O=smtls demo/CN=Demo R1");
	OPENSSL("x509", "-req", "-in", "ca/int.csr", "-CA", "ca/root.pem", "-CAkey", "ca/root.key",
	    "-set_serial", "2", "-out", "letsencrypt/archive/" DEMO_HOSTNAME "/chain1.pem",
	    "-days", "1825", "-extfile", "ca/ext.cnf", "-extensions", "ca");
	OPENSSL("req", "-new", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
	    "-keyout", "letsencrypt/archive/" DEMO_HOSTNAME "/privkey1.pem", "-out", "ca/leaf.csr",
	    "-subj", "/CN=" DEMO_HOSTNAME);
	OPENSSL("x509", "-req", "-in", "ca/leaf.csr", "-CA",
	    "letsencrypt/archive/" DEMO_HOSTNAME "/chain1.pem", "-CAkey", "ca/int.key",
	    "-set_serial", "3", "-out", "letsencrypt/archive/" DEMO_HOSTNAME "/cert1.pem",
	    "-days", "90", "-extfile", "ca/ext.cnf", "-extensions", "leaf");
	/* fullchain = cert + chain, as certbot writes it */
	p = xstrprintf("%s/%s/cert1.pem", dir, arch);
	if (file_read(p, 1024 * 1024, &a, &alen, &st, err) == -1)
		goto fail;
	xfree(p);
	p = xstrprintf("%s/%s/chain1.pem", dir, arch);
	if (file_read(p, 1024 * 1024, &b, &blen, &st, err) == -1)
		goto fail;
	xfree(p);
	full = xstrprintf("%s%s", a, b);
	p = xstrprintf("%s/%s/fullchain1.pem", dir, arch);
	if (file_write_new(p, full, strlen(full), 0644, err) == -1)
		goto fail;
	xfree(p);
	p = xstrprintf("%s/%s/privkey1.pem", dir, arch);
	if (chmod(p, 0600) == -1) {
		err_set(err, _("%s: cannot chmod: %s"), p, strerror(errno));
		goto fail;
	}
	xfree(p);
	for (i = 0; live[i] != NULL; i++)
		if (link_live(dir, live[i], err) == -1)
			goto fail;
	/* the demo's trusted roots, hashed like /etc/ssl/certs */
	xfree(a);
	{
		char *src = xstrprintf("%s/ca/root.pem", dir);
		char *dst = xstrprintf("%s/roots/smtls-demo-root.pem", dir);
		int r = file_read(src, 1024 * 1024, &a, &alen, &st, err);

		if (r == 0)
			r = file_write_new(dst, a, alen, 0644, err);
		free(src);
		free(dst);
		if (r == -1)
			goto fail;
	}
	OPENSSL("rehash", "roots");
	out->mc = xstrprintf("%s/mail/sendmail.mc", dir);
	out->cf = xstrprintf("%s/mail/sendmail.cf", dir);
	out->le_live = xstrprintf("%s/letsencrypt/live", dir);
	out->lineage = xstrprintf("%s/letsencrypt/live/%s", dir, DEMO_HOSTNAME);
	out->roots = xstrprintf("%s/roots", dir);
	out->root_cert = xstrprintf("%s/ca/root.pem", dir);
	cfdir = m4_find_cf_dir(NULL, NULL, &inc);
	if (cfdir == NULL) {
		err_set(err, "%s", _("sendmail's cf.m4 was not found (install sendmail-cf)"));
		goto fail;
	}
	mc = xstrprintf(demo_mc, cfdir, out->lineage);
	free(cfdir);
	if (file_write_new(out->mc, mc, strlen(mc), 0644, err) == -1)
		goto fail;
	if (build_cf(m4_path, out, err) == -1)
		goto fail;
	free(mc);
	free(full);
	free(a);
	free(b);
	return 0;
fail:
	free(p);
	free(mc);
	free(full);
	free(a);
	free(b);
	demo_paths_free(out);
	return -1;
}

static int
remove_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)ftw;
	if (flag == FTW_DP)
		return rmdir(path);
	return unlink(path);
}

int
demo_remove(const char *dir)
{
	return nftw(dir, remove_one, 16, FTW_DEPTH | FTW_PHYS);
}

void
demo_paths_free(struct demo_paths *p)
{
	free(p->dir);
	free(p->mc);
	free(p->cf);
	free(p->le_live);
	free(p->lineage);
	free(p->roots);
	free(p->root_cert);
	memset(p, 0, sizeof(*p));
}
