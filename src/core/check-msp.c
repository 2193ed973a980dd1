/* check-msp.c: the MSP's configuration (submit.mc/submit.cf): client side only, run as smmsp, verifying its relay. */
#include "config.h"

#include <grp.h>
#include <pwd.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "check-int.h"
#include "smtls/fileio.h"
#include "smtls/i18n.h"
#include "smtls/mc.h"
#include "smtls/xmalloc.h"

/* The user the MSP runs as (msp.m4: confRUN_AS_USER, smmsp unless set). */
#define MSP_USER	"smmsp"

/* msp.server-setting: the MSP never accepts a connection, so a server setting does nothing. */
static void
check_server_settings(struct check_ctx *c)
{
	const struct tls_plan *p = c->plan;
	size_t i;

	for (i = 0; i < tls_options_count; i++) {
		const struct tls_option *t = &tls_options[i];
		const char *file = p->origin[t->field].file ? p->origin[t->field].file : p->mc_path;
		struct finding *f;

		if (!plan_field_server_only(t->field) || plan_get_written(p, t->field) == NULL)
			continue;
		f = findings_add(c->out, "msp.server-setting", SEV_WARNING, file,
		    _("%s (%s) is set in the MSP's configuration: the MSP (submit.cf) only "
		    "submits mail to its relay and never accepts a connection, so it never uses "
		    "it"), t->cf_name, t->macro);
		finding_set_fix(f, _("remove define(`%s', ...) from submit.mc (it belongs in "
		    "sendmail.mc) and rebuild submit.cf"), t->macro);
	}
}

/* msp.no-ca: without a trust store the MSP cannot verify its relay. */
static void
check_trust(struct check_ctx *c)
{
	const struct tls_plan *p = c->plan;
	const char *file = p->mc_path ? p->mc_path : p->cf_path;
	struct finding *f;

	if (plan_get(p, PF_CA_CERT) != NULL || plan_get(p, PF_CA_PATH) != NULL) {
		check_ok(c, "msp.no-ca", file, _("the MSP has a trust store to verify its relay"));
		return;
	}
	f = findings_add(c->out, "msp.no-ca", SEV_WARNING, file,
	    _("the MSP has neither CACertFile nor CACertPath: it submits over STARTTLS but cannot "
	    "verify its relay's certificate (verify=FAIL in the log)"));
	finding_set_fix(f, _("add to submit.mc and rebuild submit.cf: define(`confCACERT', "
	    "`FILE') naming the relay's issuer, and define(`confCACERT_PATH', `/etc/ssl/certs') "
	    "(here: apply --submit-mc with --ca-cert and --ca-path)"));
}

/* Whether file is one of the comma-separated files of list (the same file, however named). */
static bool
file_in_list(const char *file, const char *list)
{
	struct stat a, b;

	if (list == NULL || stat(file, &a) == -1)
		return false;
	while (*list != '\0') {
		size_t n = strcspn(list, ",");
		char *one = xstrndup(list, n);
		bool same = stat(one, &b) == 0 && a.st_dev == b.st_dev && a.st_ino == b.st_ino;

		free(one);
		if (same)
			return true;
		list += n + (list[n] == ',');
	}
	return false;
}

/* The plan of the sendmail.cf in the directory of msp_file, into *mta (plan_free it always). */
static bool
mta_beside(const char *msp_file, time_t now, struct tls_plan *mta)
{
	char *dir, *cf;
	bool ok;

	plan_init(mta, now);
	if (msp_file == NULL)
		return false;
	dir = path_dirname(msp_file);
	cf = xstrprintf("%s/sendmail.cf", dir);
	ok = access(cf, F_OK) == 0 && cf_load(cf, mta, NULL) == 0;
	free(cf);
	free(dir);
	return ok;
}

/*
 * Whether the MTA reads file too, as one of its keys: the MTA the MSP's plan names
 * (mta_keys: apply's plan of both, or the relay given), else the one whose sendmail.cf is
 * beside the MSP's submit.mc or submit.cf. Read only when the MSP cannot read its key.
 */
static bool
key_shared_with_mta(const struct tls_plan *msp, const char *file)
{
	struct tls_plan mta;
	bool shared;

	if (msp->mta_keys != NULL)
		return file_in_list(file, msp->mta_keys);
	shared = mta_beside(msp->mc_path ? msp->mc_path : msp->cf_path, msp->now, &mta) &&
	    (file_in_list(file, plan_get(&mta, PF_SERVER_KEY)) ||
	    file_in_list(file, plan_get(&mta, PF_CLIENT_KEY)));
	plan_free(&mta);
	return shared;
}

/*
 * msp.key-unreadable: the MSP runs as smmsp (even when root submits), so it reads its client
 * key as smmsp. A key only root can read gives no client certificate.
 */
static void
check_key_access(struct check_ctx *c)
{
	const char *key = plan_get(c->plan, PF_CLIENT_KEY);
	struct passwd *pw;
	struct group *gr;
	struct stat st;
	bool readable;
	struct finding *f;
	char *first;

	if (key == NULL || c->plan->no_client_cert)
		return;
	/* "rsa.pem,ec.pem": each file must be readable; the first one is judged here */
	first = xstrndup(key, strcspn(key, ","));
	if (stat(first, &st) == -1 || (pw = getpwnam(MSP_USER)) == NULL) {
		free(first);
		return;		/* a missing file has its own finding; no smmsp: cannot judge */
	}
	gr = getgrgid(pw->pw_gid);
	readable = (st.st_uid == pw->pw_uid && (st.st_mode & S_IRUSR)) ||
	    (st.st_uid != pw->pw_uid && st.st_gid == pw->pw_gid && (st.st_mode & S_IRGRP)) ||
	    (st.st_uid != pw->pw_uid && st.st_gid != pw->pw_gid && (st.st_mode & S_IROTH));
	if (readable)
		check_ok(c, "msp.key-unreadable", first, _("the MSP's user can read its client key"));
	else {
		f = findings_add(c->out, "msp.key-unreadable", SEV_WARNING, first,
		    _("the MSP runs as %s and cannot read its client key (mode %04o, owner %u:%u): "
		    "sendmail logs 'STARTTLS=client: file %s unsafe: Permission denied' and submits without a client "
		    "certificate"), MSP_USER, (unsigned)(st.st_mode & 07777), (unsigned)st.st_uid,
		    (unsigned)st.st_gid, first);
		if (key_shared_with_mta(c->plan, first))
			/* chown smmsp would make the MTA refuse it (root must own its keys) */
			finding_set_fix(f, _("the MTA reads this key too and takes it only while root "
			    "owns it, so do not give it to %s: let the group %s read it: chgrp %s %s && "
			    "chmod 640 %s, and accept group-readable keys in sendmail.mc and submit.mc: "
			    "define(`confDONT_BLAME_SENDMAIL', `GroupReadableKeyFile'), then rebuild "
			    "both (apply --group-readable-key)"), MSP_USER,
			    gr ? gr->gr_name : MSP_USER, gr ? gr->gr_name : MSP_USER, first, first);
		else
			finding_set_fix(f, _("give the MSP a key of its own: chown %s %s && chmod 600 "
			    "%s (or keys 0640 root:%s with --group-readable-key)"), MSP_USER, first,
			    first, gr ? gr->gr_name : MSP_USER);
		finding_set_reproduce(f, "su -s /bin/sh %s -c 'head -c1 %s'", MSP_USER, first);
	}
	free(first);
}

void
check_msp(struct check_ctx *c)
{
	check_server_settings(c);
	check_trust(c);
	check_key_access(c);
}

/* The first certificate of a cert setting ("rsa.pem,ec.pem": the first file). */
static int
first_cert_file(const char *value, struct certlist *out)
{
	char *first = xstrndup(value, strcspn(value, ","));
	enum load_status ls = cert_load_file(first, out, NULL);

	free(first);
	if (ls != LOAD_OK || out->n == 0) {
		certlist_free(out);
		return -1;
	}
	return 0;
}

void
check_msp_relay(const struct tls_plan *msp, const struct tls_plan *mta,
    const struct sendmail_info *sm, struct findings *out)
{
	const char *sc = plan_get(mta, PF_SERVER_CERT);
	const char *where = msp->mc_path ? msp->mc_path : msp->cf_path ? msp->cf_path :
	    plan_get(msp, PF_CA_CERT) ? plan_get(msp, PF_CA_CERT) : plan_get(msp, PF_CA_PATH);
	struct trust *relay_store, *msp_store;
	struct certlist certs = { 0 }, extra = { 0 }, presented = { 0 };
	enum chain_result r;
	char *detail = NULL;
	struct finding *f;

	if (sc == NULL || (plan_get(msp, PF_CA_CERT) == NULL && plan_get(msp, PF_CA_PATH) == NULL))
		return;		/* nothing served, or msp.no-ca says it */
	if (first_cert_file(sc, &certs) == -1)
		return;		/* the MTA's own check names the file */
	if (sm != NULL && sm->chain_file && certs.n > 1) {
		extra.v = certs.v + 1;	/* a view */
		extra.n = certs.n - 1;
	}
	relay_store = trust_new(plan_get(mta, PF_CA_CERT), plan_get(mta, PF_CA_PATH));
	msp_store = trust_new(plan_get(msp, PF_CA_CERT), plan_get(msp, PF_CA_PATH));
	chain_presented(relay_store, &certs.v[0], &extra, msp->now, &presented);
	r = chain_verify_dated(msp_store, &presented, msp->now, &detail);
	if (r == CHAIN_OK) {
		if (msp->want_ok)
			findings_add(out, "msp.relay-unverified", SEV_OK, where,
			    _("the MSP verifies its relay's certificate %s"), certs.v[0].subject);
	} else {
		f = findings_add(out, "msp.relay-unverified", SEV_WARNING, where,
		    _("the MSP cannot verify its relay's certificate (%s, issued by %s) with its "
		    "CACertFile and CACertPath: %s; sendmail logs verify=FAIL for every submission"),
		    certs.v[0].subject, certs.v[0].issuer, detail ? detail : "?");
		finding_set_fix(f, _("make submit.mc's confCACERT (or confCACERT_PATH) hold the "
		    "root that issued %s, e.g. the relay's own confCACERT, and rebuild submit.cf"),
		    sc);
		{
			struct buf b = { 0 };

			buf_puts(&b, "openssl verify");
			if (plan_get(msp, PF_CA_CERT) != NULL)
				buf_printf(&b, " -CAfile %s", plan_get(msp, PF_CA_CERT));
			if (plan_get(msp, PF_CA_PATH) != NULL)
				buf_printf(&b, " -CApath %s", plan_get(msp, PF_CA_PATH));
			if (plan_get(mta, PF_CA_CERT) != NULL)
				buf_printf(&b, " -untrusted %s", plan_get(mta, PF_CA_CERT));
			finding_set_reproduce(f, "%s %.*s", b.data, (int)strcspn(sc, ","), sc);
			buf_free(&b);
		}
	}
	free(detail);
	certlist_free(&presented);
	certlist_free(&certs);
	trust_free(&relay_store);
	trust_free(&msp_store);
}

void
check_msp_relay_beside(const char *msp_file, const struct tls_plan *msp,
    const struct sendmail_info *sm, struct findings *out)
{
	struct tls_plan mta;

	if (mta_beside(msp_file, msp->now, &mta))
		check_msp_relay(msp, &mta, sm, out);
	plan_free(&mta);
}

char *
check_submit_beside(const char *mta_file)
{
	char *dir, *mc, *err = NULL;

	if (mta_file == NULL)
		return NULL;
	dir = path_dirname(mta_file);
	mc = xstrprintf("%s/submit.mc", dir);
	free(dir);
	/* the mta's own file is never its MSP (check --mc submit.mc) */
	if (strcmp(mc, mta_file) == 0 || access(mc, F_OK) == -1 || mc_file_is_msp(mc, &err) != 1) {
		free(err);
		free(mc);
		return NULL;
	}
	return mc;
}

int
check_msp_file(const char *path, const char *m4_path, const char *cf_dir,
    const struct tls_plan *base, const struct tls_plan *relay,
    const struct sendmail_info *sm, struct findings *out)
{
	struct tls_plan msp;

	plan_init(&msp, base->now);
	if (mc_load(path, m4_path, cf_dir, &msp, out, NULL) == -1) {
		plan_free(&msp);
		return -1;
	}
	msp.msp = true;		/* --submit-mc is the MSP's even if m4 hides the feature */
	msp.want_ok = base->want_ok;
	msp.mc_path = xstrdup(path);
	if (base->hostname != NULL)
		msp.hostname = xstrdup(base->hostname);
	if (base->public_roots != NULL)
		msp.public_roots = xstrdup(base->public_roots);
	if (relay != NULL)
		plan_set_mta_keys(&msp, relay);	/* else the MTA beside is the one */
	check_plan(&msp, sm, out);
	if (relay != NULL)
		check_msp_relay(&msp, relay, sm, out);
	else
		check_msp_relay_beside(path, &msp, sm, out);
	plan_free(&msp);
	return 0;
}
