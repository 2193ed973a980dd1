/* apply.c: the apply transaction: fragment, merge, m4, read-back, sendmail -bC, backups, install; and undo. */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <sys/file.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "smtls/apply.h"
#include "smtls/cf.h"
#include "smtls/check.h"
#include "smtls/fileio.h"
#include "smtls/i18n.h"
#include "smtls/journal.h"
#include "smtls/m4.h"
#include "smtls/mc.h"
#include "smtls/mcedit.h"
#include "smtls/proc.h"
#include "smtls/udiff.h"
#include "smtls/xmalloc.h"

#define MC_MAX		(4u * 1024 * 1024)
#define CF_MAX		(32u * 1024 * 1024)
#define STAMP_LEN	16	/* YYYYMMDDTHHMMSSZ */
#define RESTART_TIMEOUT_MS	60000

static const struct {
	const char	*name;
	const char	*title;
} step_names[APPLY_STEP_COUNT] = {
	[APPLY_STEP_EMIT] = { "emit", N_("write the .mc fragment") },
	[APPLY_STEP_MERGE] = { "merge", N_("merge it into sendmail.mc") },
	[APPLY_STEP_M4] = { "m4", N_("build sendmail.cf with m4") },
	[APPLY_STEP_VERIFY] = { "verify", N_("read every TLS option back") },
	[APPLY_STEP_CHECK] = { "check", N_("check the files the new sendmail.cf names") },
	[APPLY_STEP_SENDMAIL] = { "sendmail", N_("sendmail -bC on the new sendmail.cf") },
	[APPLY_STEP_PROVE] = { "prove", N_("prove the new sendmail.cf on 127.0.0.1") },
	[APPLY_STEP_BACKUP] = { "backup", N_("back up sendmail.mc and sendmail.cf") },
	[APPLY_STEP_INSTALL] = { "install", N_("install the new files") },
	[APPLY_STEP_RESTART] = { "restart", N_("restart sendmail") },
};

const char *
apply_step_name(enum apply_step step)
{
	return step < APPLY_STEP_COUNT ? step_names[step].name : "?";
}

const char *
apply_step_title(enum apply_step step)
{
	return step < APPLY_STEP_COUNT ? step_names[step].title : "?";
}

void
apply_request_init(struct apply_request *rq, const struct tls_plan *plan,
    const struct emit_options *eo, const struct sendmail_info *sm, const char *mc_path)
{
	memset(rq, 0, sizeof(*rq));
	rq->plan = plan;
	rq->emit = eo;
	rq->sm = sm;
	rq->mc_path = mc_path;
	rq->m4_path = getenv("SMTLS_M4") != NULL ? getenv("SMTLS_M4") : M4_PATH;
	rq->sendmail_timeout_ms = APPLY_SENDMAIL_TIMEOUT_MS;
	rq->now = eo->now;
}

static void
step_set(const struct apply_request *rq, struct apply_result *res, enum apply_step s,
    enum apply_state st, const char *detail)
{
	res->state[s] = st;
	if (st == APPLY_ST_FAILED)
		res->failed_step = s;
	if (rq != NULL && rq->progress != NULL)
		rq->progress(s, st, s == APPLY_STEP_PROVE && st == APPLY_ST_SKIPPED ?
		    res->prove_skip : APPLY_PROVE_NOT_SKIPPED, detail, rq->progress_arg);
}

static const char *
base_name(const char *path)
{
	const char *s = strrchr(path, '/');

	return s ? s + 1 : path;
}

/* Equal apart from the lines m4 stamps with the build time and directory. */
static bool
cf_same(const char *a, const char *b)
{
	for (;;) {
		const char *ea = strchr(a, '\n'), *eb = strchr(b, '\n');
		size_t la = ea ? (size_t)(ea - a) : strlen(a), lb = eb ? (size_t)(eb - b) : strlen(b);
		bool stamp = strncmp(a, "##### built by ", 15) == 0 ||
		    strncmp(a, "##### in ", 9) == 0;

		if (stamp ? strncmp(a, b, 9) != 0 : (la != lb || memcmp(a, b, la) != 0))
			return false;
		if ((ea == NULL) != (eb == NULL))
			return false;
		if (ea == NULL)
			return true;
		a = ea + 1;
		b = eb + 1;
	}
}

const char *const *
apply_restart_argv(void)
{
	static const char *const systemd[] = { "systemctl", "restart", "sendmail.service", NULL };
	static const char *const service[] = { "service", "sendmail", "restart", NULL };
	static const char *const initd[] = { "/etc/init.d/sendmail", "restart", NULL };
	static const char *const rcd[] = { "/etc/rc.d/sendmail", "restart", NULL };

	if (access("/run/systemd/system", F_OK) == 0)
		return systemd;
	if (access("/usr/sbin/service", X_OK) == 0 || access("/sbin/service", X_OK) == 0)
		return service;
	if (access("/etc/init.d/sendmail", X_OK) == 0)
		return initd;
	if (access("/etc/rc.d/sendmail", X_OK) == 0)
		return rcd;
	return NULL;
}

static char *
join_argv(const char *const *argv)
{
	struct buf b = { 0 };

	for (; *argv; argv++)
		buf_printf(&b, "%s%s", b.len ? " " : "", *argv);
	return buf_release(&b);
}

/* Runs sendmail -C cf -bC (as host name as_host when not NULL); -1 with *err quoting what it
 * said, or with *ns_failed when the private host name could not be set. */
static int
sendmail_check_cf(const char *sendmail, const char *cf, int timeout_ms, const char *as_host,
    const char *label, bool *ns_failed, char **err)
{
	/* sendmail reads a -C value that starts with '-' as options, and takes no "--" */
	char *cfarg = proc_operand(cf);
	char *argv[] = { (char *)sendmail, (char *)"-C", cfarg, (char *)"-bC", NULL };
	struct proc_result pr;
	int r;

	r = as_host ? proc_run_as_host(argv, as_host, timeout_ms, 1024 * 1024, &pr) :
	    proc_run(argv, NULL, 0, timeout_ms, 1024 * 1024, &pr);
	free(cfarg);
	*ns_failed = pr.ns_failed;
	if (r == -1 && pr.timed_out)
		err_set(err, _("%s: `sendmail -bC' did not finish within %d seconds (sendmail "
		    "sleeps 60 s when this host's name is not fully qualified: check hostname -f)"),
		    label, timeout_ms / 1000);
	else if (r == -1 && pr.interrupted)
		err_set(err, _("%s: sendmail -bC was interrupted"), label);
	else if (r == -1 && pr.ns_failed)
		err_set(err, _("cannot give sendmail the host name %s: %s"), as_host,
		    strerror(pr.errno_exec));
	else if (r == -1)
		err_set(err, _("cannot run %s: %s"), sendmail, strerror(pr.errno_exec));
	else if (pr.status != 0) {
		const char *msg = pr.err_len ? pr.err : pr.out;
		size_t l = strlen(msg);

		while (l > 0 && msg[l - 1] == '\n')
			l--;
		err_set(err, _("%s: sendmail -bC refused the new configuration (exit %d): "
		    "%.*s"), label, pr.status, (int)l, l ? msg : _("no message"));
		r = -1;
	}
	proc_result_free(&pr);
	return r;
}

/* Why sendmail stalls on this host, and the fix; as_host: the name it was run with instead. */
static char *
unqualified_note(const struct sendmail_host *h, const char *as_host)
{
	if (as_host != NULL)
		return xstrprintf(_("run as %s, because this host's name (%s) is not fully "
		    "qualified and sendmail would first wait 60 s; the fix: a dotted name first on "
		    "the host's line in /etc/hosts (hostname -f prints it)"), as_host, h->name);
	return xstrprintf(_("this host's name (%s) is not fully qualified, so sendmail first "
	    "waits 60 s, also each time it starts; the fix: a dotted name first on the host's "
	    "line in /etc/hosts (hostname -f prints it)"), h->name);
}

/* The state shared by the steps of one run. */
struct apply_ctx {
	const struct apply_request	*rq;
	struct apply_result		*res;
	struct emit_result		 em;
	char				*old_mc, *old_cf, *new_mc, *new_cf;
	size_t				 old_mc_len, old_cf_len;
	struct stat			 mc_st, cf_st;
	bool				 have_cf;
	char				*scratch;	/* --dry-run: temp files go here */
	struct journal			*j;		/* the install: new files and backups */
	char				*sfx;		/* this run's backup suffix */
	char				*mc_in, *cf_in;	/* the new files m4 and -bC read */
	char				*cf_marker;	/* sendmail.cf.smtls-SUFFIX.absent */
	bool				 mc_changed, cf_changed;
	struct tls_plan			 cfplan;	/* the settings of the new cf (check, proof) */
	bool				 have_cfplan;
	struct apply_request		 msp_rq;	/* the MSP's pair (rq->msp_plan) ... */
	struct emit_options		 msp_eo;	/* (no --smtps there) */
	struct apply_ctx		*msp;		/* ... and its steps' state, or NULL */
};

/*
 * Writes the new version of target where m4 or sendmail -bC reads it: a temp file of the
 * transaction, beside target (its old version kept as target.smtls-SUFFIX, or, when there
 * was none, an empty target.smtls-SUFFIX.absent says so to --undo), or a file in the
 * --dry-run scratch directory. *path names it.
 */
static int
stage(struct apply_ctx *c, const char *target, const char *data, const struct stat *st,
    bool existed, char **backup, char **path, char **err)
{
	struct journal_file f = { 0 };
	char *bk;
	int i;

	if (c->scratch != NULL) {
		*path = xstrprintf("%s/%s", c->scratch, base_name(target));
		if (file_write_new(*path, data, strlen(data), 0644, err) == -1) {
			xfree(*path);
			return -1;
		}
		return 0;
	}
	if (c->j == NULL) {
		const char *pair[] = { c->res->mc_path, c->res->cf_path };

		c->sfx = c->rq->backup_suffix ? xstrdup(c->rq->backup_suffix) :
		    backup_suffix_for(AT_FDCWD, pair, 2, c->rq->now);
		c->j = journal_begin("apply");
	}
	bk = xstrprintf(existed ? "%s.smtls-%s" : "%s.smtls-%s.absent", target, c->sfx);
	f.target = target;
	f.data = data;
	f.len = strlen(data);
	f.like = st;
	f.new_only = !existed;
	f.backup = existed ? bk : NULL;
	/* a world-readable mc or cf holds nothing to hide: made durable with the rest of the
	 * set before the commit record (journal_backup()), not one fsync per line and file */
	f.lazy = st != NULL && (st->st_mode & 0004) != 0;
	if ((i = journal_add(c->j, &f, err)) == -1) {
		free(bk);
		return -1;
	}
	*path = xstrdup(journal_staged(c->j, i));
	if (!existed) {
		memset(&f, 0, sizeof(f));
		f.target = bk;
		f.data = "";
		f.mode = 0600;
		f.new_only = true;
		f.lazy = true;	/* empty */
		if (journal_add(c->j, &f, err) == -1) {
			free(bk);
			return -1;
		}
	}
	*backup = bk;
	return 0;
}

static int
fail_step(struct apply_ctx *c, enum apply_step s, char *msg)
{
	free(c->res->error);
	c->res->error = msg;
	c->res->outcome = APPLY_FAILED;
	step_set(c->rq, c->res, s, APPLY_ST_FAILED, msg);
	return -1;
}

static int
do_read(struct apply_ctx *c)
{
	enum file_status st;
	struct stat lst;
	char *e = NULL;
	const char *paths[] = { c->res->mc_path, c->res->cf_path };
	size_t i;

	/* the install renames over the path: a symlink there would be replaced, not followed */
	for (i = 0; i < 2; i++)
		if (lstat(paths[i], &lst) == 0 && S_ISLNK(lst.st_mode))
			return fail_step(c, APPLY_STEP_MERGE, xstrprintf(_("%s: is a symbolic link; "
			    "smtls replaces files by renaming and will not replace a link (name the "
			    "file it points to)"), paths[i]));

	if (file_read(c->res->mc_path, MC_MAX, &c->old_mc, &c->old_mc_len, &st, &e) == -1 ||
	    stat(c->res->mc_path, &c->mc_st) == -1)
		return fail_step(c, APPLY_STEP_MERGE, e ? e : xstrprintf("%s: %s",
		    c->res->mc_path, strerror(errno)));
	if (file_read(c->res->cf_path, CF_MAX, &c->old_cf, &c->old_cf_len, &st, &e) == 0 &&
	    stat(c->res->cf_path, &c->cf_st) == 0)
		c->have_cf = true;
	else if (st != FILE_MISSING)
		return fail_step(c, APPLY_STEP_MERGE, e);
	else {
		free(e);
		/* a new cf gets the mc's owner and mode 0644 */
		c->cf_st = c->mc_st;
		c->cf_st.st_mode = 0644;
	}
	return 0;
}

/* s with every from replaced by to (m4 names the temp file; the user knows the mc). */
static char *
replace_all(const char *s, const char *from, const char *to)
{
	struct buf b = { 0 };
	size_t fl = strlen(from);
	const char *p;

	while ((p = strstr(s, from)) != NULL) {
		buf_append(&b, s, (size_t)(p - s));
		buf_puts(&b, to);
		s = p + fl;
	}
	buf_puts(&b, s);
	return buf_release(&b);
}

static int
do_m4_verify(struct apply_ctx *c)
{
	const struct apply_request *rq = c->rq;
	struct proc_result pr;
	struct cf_options cfo;
	char *dir, *e = NULL;
	int inc, r;

	step_set(rq, c->res, APPLY_STEP_M4, APPLY_ST_RUNNING, NULL);
	dir = m4_find_cf_dir(c->new_mc, rq->cf_m4_dir, &inc);
	if (dir == NULL)
		return fail_step(c, APPLY_STEP_M4, rq->cf_m4_dir ?
		    xstrprintf(_("%s: no m4/cf.m4 there (--cf-m4)"), rq->cf_m4_dir) :
		    xstrprintf(_("%s: cannot find sendmail's cf.m4 (the mc's include, "
		    "/usr/share/sendmail/cf, /usr/share/sendmail-cf); give --cf-m4 DIR"),
		    c->res->mc_path));
	/* an unchanged mc is its own input; a changed one is staged (the first of the set) */
	if (!c->mc_changed)
		c->mc_in = xstrdup(c->res->mc_path);
	else if (stage(c, c->res->mc_path, c->new_mc, &c->mc_st, true, &c->res->mc_backup,
	    &c->mc_in, &e) == -1) {
		free(dir);
		return fail_step(c, APPLY_STEP_M4, e);
	}
	r = m4_build_cf(rq->m4_path, c->mc_in, dir, inc, &pr, &e);
	free(dir);
	if (r == -1) {
		char *msg = replace_all(e, c->mc_in, c->res->mc_path);

		free(e);
		proc_result_free(&pr);
		return fail_step(c, APPLY_STEP_M4, msg);
	}
	c->new_cf = pr.out;
	pr.out = NULL;
	proc_result_free(&pr);
	step_set(rq, c->res, APPLY_STEP_M4, APPLY_ST_DONE, NULL);

	step_set(rq, c->res, APPLY_STEP_VERIFY, APPLY_ST_RUNNING, NULL);
	cf_parse(c->new_cf, &cfo);
	r = emit_verify_cf(&c->em, &cfo, &e);
	cf_options_free(&cfo);
	if (r == -1)
		return fail_step(c, APPLY_STEP_VERIFY, e);
	step_set(rq, c->res, APPLY_STEP_VERIFY, APPLY_ST_DONE, NULL);
	return 0;
}

/*
 * Judges the settings the new sendmail.cf will hold: the chosen ones (read back equal),
 * those the mc sets elsewhere, and its DontBlameSendmail (TrustStickyBit and
 * GroupReadableKeyFile change what sendmail accepts). Refuses on an error unless forced.
 */
static int
do_check(struct apply_ctx *c)
{
	const struct apply_request *rq = c->rq;
	struct tls_plan *chosen = &c->cfplan;
	struct cf_options cfo;
	int f;

	step_set(rq, c->res, APPLY_STEP_CHECK, APPLY_ST_RUNNING, NULL);
	*chosen = *rq->plan;	/* hostname, roots, time: borrowed */
	memset(chosen->value, 0, sizeof(chosen->value));
	memset(chosen->origin, 0, sizeof(chosen->origin));
	chosen->mc_path = NULL;
	chosen->cf_path = NULL;
	chosen->trusted_user = NULL;	/* the new cf's own: freed with the values */
	c->have_cfplan = true;
	cf_parse(c->new_cf, &cfo);
	cf_to_plan(&cfo, c->res->cf_path, chosen);
	cf_options_free(&cfo);
	if (chosen->msp)
		chosen->mc_path = c->res->mc_path;	/* borrowed: the MSP's findings name submit.mc */
	/* where each value comes from, for the fixes: the chosen ones from the command line
	 * (or wherever the caller's plan says), the others from the mc */
	for (f = 0; f < PF_COUNT; f++) {
		const struct setting_origin *o = &rq->plan->origin[f];
		const char *mine = rq->plan->value[f];

		if (chosen->value[f] == NULL)
			continue;
		free(chosen->origin[f].file);
		if (mine != NULL && strcmp(mine, chosen->value[f]) == 0) {
			chosen->origin[f].file = o->file ? xstrdup(o->file) : NULL;
			chosen->origin[f].line = o->line;
		} else {
			chosen->origin[f].file = xstrdup(c->res->mc_path);
			chosen->origin[f].line = 0;
		}
	}
	check_plan(chosen, rq->sm && rq->sm->found ? rq->sm : NULL, &c->res->findings);
	findings_sort(&c->res->findings);
	if (findings_count(&c->res->findings, SEV_ERROR) > 0 && !rq->force) {
		/* sorted: the first is an error; the front end says how to go on */
		const struct finding *bad = &c->res->findings.v[0];
		char *why = xstrprintf("%s %s: %s", severity_label(bad->severity), bad->id,
		    bad->message);

		c->res->outcome = APPLY_REFUSED;
		step_set(rq, c->res, APPLY_STEP_CHECK, APPLY_ST_FAILED, why);
		free(why);
		return -1;
	}
	step_set(rq, c->res, APPLY_STEP_CHECK, APPLY_ST_DONE, NULL);
	return 0;
}

static int
do_sendmail(struct apply_ctx *c)
{
	const struct apply_request *rq = c->rq;
	struct sendmail_host host;
	char *e = NULL, *note = NULL;
	bool ns_failed = false, ran = false;
	int r = -1;

	/* an unchanged cf (but for m4's stamp) stays; -bC reads it as it is */
	if (!c->cf_changed)
		c->cf_in = xstrdup(c->res->cf_path);
	else if (stage(c, c->res->cf_path, c->new_cf, &c->cf_st, c->have_cf,
	    c->have_cf ? &c->res->cf_backup : &c->cf_marker, &c->cf_in, &e) == -1)
		return fail_step(c, APPLY_STEP_SENDMAIL, e);
	if (rq->sm == NULL || !rq->sm->found || rq->sm->path == NULL) {
		/* not fatal, the steps go on; but the new cf goes in unchecked: a warning that
		 * says so, and what to do */
		note = xstrprintf(_("%s: no sendmail binary found: the new sendmail.cf is installed "
		    "without sendmail having checked it; run sendmail -bC yourself once sendmail "
		    "is installed"), severity_label(SEV_WARNING));
		step_set(rq, c->res, APPLY_STEP_SENDMAIL, APPLY_ST_SKIPPED, note);
		free(note);
		return 0;
	}
	if (rq->sandbox_hostname != NULL && geteuid() != 0) {
		/* sendmail -bC: "Program mode requires special privileges" */
		step_set(rq, c->res, APPLY_STEP_SENDMAIL, APPLY_ST_SKIPPED,
		    _("sendmail -bC only runs as root; the demo skips it"));
		return 0;
	}
	/* sendmail sleeps 60 s before it reads the file when the host name is unqualified */
	sendmail_host_check(&host);
	if (!host.qualified) {
		/* a dotted name in a private UTS namespace, as the proof's candidate gets */
		const char *as = rq->sandbox_hostname ? rq->sandbox_hostname :
		    prove_host_name(rq->plan, &host);

		note = unqualified_note(&host, as);
		step_set(rq, c->res, APPLY_STEP_SENDMAIL, APPLY_ST_RUNNING, note);
		r = sendmail_check_cf(rq->sm->path, c->cf_in, rq->sendmail_timeout_ms, as,
		    c->res->cf_path, &ns_failed, &e);
		ran = !ns_failed;
		if (ns_failed)
			xfree(e);	/* no namespaces here: wait the sleep out instead */
	}
	if (!ran) {
		if (!host.qualified) {
			xfree(note);
			note = unqualified_note(&host, NULL);
		}
		step_set(rq, c->res, APPLY_STEP_SENDMAIL, APPLY_ST_RUNNING, note);
		r = sendmail_check_cf(rq->sm->path, c->cf_in, rq->sendmail_timeout_ms +
		    (host.qualified ? 0 : SENDMAIL_UNQUALIFIED_SLEEP_MS), NULL, c->res->cf_path,
		    &ns_failed, &e);
	}
	if (r == -1) {
		free(note);
		return fail_step(c, APPLY_STEP_SENDMAIL, e);
	}
	step_set(rq, c->res, APPLY_STEP_SENDMAIL, APPLY_ST_DONE, note);
	free(note);
	return 0;
}

/* The proof ran on the staged temp file: its findings name the sendmail.cf it becomes. */
static void
name_the_cf(struct findings *fs, const char *tmp, const char *cf)
{
	char **fields[3];
	size_t i, k;

	for (i = 0; i < fs->n; i++) {
		struct finding *f = &fs->v[i];

		if (f->file != NULL && strcmp(f->file, tmp) == 0) {
			free(f->file);
			f->file = xstrdup(cf);
		}
		fields[0] = &f->message;
		fields[1] = &f->fix;
		fields[2] = &f->reproduce;
		for (k = 0; k < 3; k++)
			if (*fields[k] != NULL && strstr(*fields[k], tmp) != NULL) {
				char *t = replace_all(*fields[k], tmp, cf);

				free(*fields[k]);
				*fields[k] = t;
			}
	}
}

static void
prove_step_changed(const struct prove_result *r, enum prove_step_id step, void *arg)
{
	const struct apply_request *rq = arg;

	if (rq->prove_progress != NULL)
		rq->prove_progress(r, step, rq->progress_arg);
}

/*
 * The proof of the new cf (src/core/prove.c): the candidate on 127.0.0.1, probed and mailed
 * to. A failed proof refuses the install, as error findings of the check do, unless forced;
 * an interrupted one always stops it.
 */
static int
do_prove(struct apply_ctx *c)
{
	const struct apply_request *rq = c->rq;
	struct apply_result *res = c->res;
	const struct finding *err = NULL;
	struct prove_opts o;
	char *detail;
	size_t i;
	int rc;

	if (rq->no_prove) {
		res->prove_skip = APPLY_PROVE_SKIP_ASKED;
		step_set(rq, res, APPLY_STEP_PROVE, APPLY_ST_SKIPPED, _("--no-prove"));
		return 0;
	}
	if (c->have_cfplan && c->cfplan.msp) {
		res->prove_skip = APPLY_PROVE_SKIP_MSP;
		step_set(rq, res, APPLY_STEP_PROVE, APPLY_ST_SKIPPED, _("the MSP (submit.cf) runs "
		    "no daemon; its submissions log verify= (LogLevel 9 or more)"));
		return 0;
	}
	if (rq->sm == NULL || !rq->sm->found || rq->sm->path == NULL) {
		res->prove_skip = APPLY_PROVE_SKIP_NO_SENDMAIL;
		step_set(rq, res, APPLY_STEP_PROVE, APPLY_ST_SKIPPED, _("no sendmail binary found"));
		return 0;
	}
	if (geteuid() != 0) {
		res->prove_skip = APPLY_PROVE_SKIP_NOT_ROOT;
		step_set(rq, res, APPLY_STEP_PROVE, APPLY_ST_SKIPPED, _("only root can prove: "
		    "sendmail reads the keys and binds a port as the live daemon does"));
		return 0;
	}
	step_set(rq, res, APPLY_STEP_PROVE, APPLY_ST_RUNNING, _("a second daemon on 127.0.0.1 "
	    "with files of its own; the live one is not touched"));
	memset(&o, 0, sizeof(o));
	o.cf_path = c->cf_in;
	o.sendmail_path = rq->sm->path;
	o.plan = c->have_cfplan ? &c->cfplan : rq->plan;
	o.work_parent = rq->prove_workdir;
	o.first_port = rq->prove_port;
	o.progress = prove_step_changed;
	o.progress_arg = (void *)rq;
	o.cancel = rq->cancel;
	rc = prove_run(&o, &res->prove);
	res->proved = true;
	if (strcmp(c->cf_in, res->cf_path) != 0)
		name_the_cf(&res->prove.findings, c->cf_in, res->cf_path);
	if (rc == 0 && res->prove.passed) {
		step_set(rq, res, APPLY_STEP_PROVE, APPLY_ST_DONE, res->prove.leaf_served ?
		    _("the candidate serves the planned certificate") : NULL);
		return 0;
	}
	if (res->prove.interrupted)
		return fail_step(c, APPLY_STEP_PROVE, xstrdup(_("the proof was interrupted")));
	for (i = 0; i < res->prove.findings.n && err == NULL; i++)
		if (res->prove.findings.v[i].severity == SEV_ERROR)
			err = &res->prove.findings.v[i];
	detail = err ? xstrdup(err->message) : xstrdup(_("the proof failed"));
	if (!rq->force)
		res->outcome = APPLY_REFUSED;
	step_set(rq, res, APPLY_STEP_PROVE, APPLY_ST_FAILED, detail);
	free(detail);
	return rq->force ? 0 : -1;
}

/* Backups, then the renames, as one transaction (src/core/journal.c). */
static int
do_backup_install(struct apply_ctx *c)
{
	const struct apply_request *rq = c->rq;
	char *e = NULL;

	step_set(rq, c->res, APPLY_STEP_BACKUP, APPLY_ST_RUNNING, NULL);
	if (journal_backup(c->j, &e) == -1) {
		xfree(c->res->mc_backup);
		xfree(c->res->cf_backup);
		if (c->res->msp != NULL) {
			xfree(c->res->msp->mc_backup);
			xfree(c->res->msp->cf_backup);
		}
		return fail_step(c, APPLY_STEP_BACKUP, e);
	}
	step_set(rq, c->res, APPLY_STEP_BACKUP, APPLY_ST_DONE, NULL);
	step_set(rq, c->res, APPLY_STEP_INSTALL, APPLY_ST_RUNNING, NULL);
	if (journal_commit(c->j, &e) == -1) {
		if (journal_state(c->j) == JOURNAL_PENDING)
			c->res->journal_kept = true;
		else {
			/* rolled back: no backup is left, and the cf is not new */
			xfree(c->res->mc_backup);
			xfree(c->res->cf_backup);
			if (c->res->msp != NULL) {
				xfree(c->res->msp->mc_backup);
				xfree(c->res->msp->cf_backup);
			}
		}
		return fail_step(c, APPLY_STEP_INSTALL, e);
	}
	c->res->cf_absent = c->cf_marker != NULL;
	if (c->msp != NULL)
		c->res->msp->cf_absent = c->msp->cf_marker != NULL;
	step_set(rq, c->res, APPLY_STEP_INSTALL, APPLY_ST_DONE, NULL);
	return 0;
}

int
apply_restart(char **command, char **err)
{
	return apply_restart_with(NULL, command, err);
}

int
apply_restart_with(const char *shell_command, char **command, char **err)
{
	const char *const sh[] = { "/bin/sh", "-c", shell_command, NULL };
	const char *const *argv = shell_command ? sh : apply_restart_argv();
	struct proc_result pr;
	int r;

	*command = NULL;
	if (argv == NULL) {
		err_set(err, "%s", _("no way to restart sendmail was found (systemctl, service, "
		    "/etc/init.d/sendmail)"));
		return -1;
	}
	*command = shell_command ? xstrdup(shell_command) : join_argv(argv);
	r = proc_run((char *const *)argv, NULL, 0, RESTART_TIMEOUT_MS, 64 * 1024, &pr);
	if (r == -1 || pr.status != 0) {
		size_t l = pr.err ? strlen(pr.err) : 0;

		while (l > 0 && pr.err[l - 1] == '\n')
			l--;
		err_set(err, _("`%s' failed (%s): %.*s"), *command, r == -1 ?
		    (pr.timed_out ? _("timed out") : strerror(pr.errno_exec)) : _("non-zero exit"),
		    (int)l, l ? pr.err : "");
		proc_result_free(&pr);
		return -1;
	}
	proc_result_free(&pr);
	return 0;
}

/* After the install: a failed restart leaves the outcome (the files are in place) and says so. */
static int
do_restart(struct apply_ctx *c)
{
	const char *const *argv = apply_restart_argv();
	char *e;

	if (c->rq->dry_run) {
		c->res->restart_command = c->rq->restart_command ?
		    xstrdup(c->rq->restart_command) : argv ? join_argv(argv) : NULL;
		step_set(c->rq, c->res, APPLY_STEP_RESTART, APPLY_ST_SKIPPED,
		    c->res->restart_command ? c->res->restart_command : _("no restart command found"));
		return 0;
	}
	step_set(c->rq, c->res, APPLY_STEP_RESTART, APPLY_ST_RUNNING, NULL);
	if (apply_restart_with(c->rq->restart_command, &c->res->restart_command, &e) == -1) {
		err_set(&c->res->error, _("the files are installed, but %s"), e);
		free(e);
		step_set(c->rq, c->res, APPLY_STEP_RESTART, APPLY_ST_FAILED, c->res->error);
		return -1;
	}
	step_set(c->rq, c->res, APPLY_STEP_RESTART, APPLY_ST_DONE, c->res->restart_command);
	return 0;
}

/*
 * Takes an exclusive flock on the mc's directory, so that two runs (two admins, or the
 * wizard and a script) cannot interleave their renames. Returns the fd, or -1 with *err.
 */
static int
lock_dir(const char *mc_path, char **err)
{
	char *dir = path_dirname(mc_path);
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);

	if (fd == -1) {
		/* without its directory, the mc cannot be there either: name the mc */
		err_set(err, "%s: %s", mc_path, strerror(errno));
		free(dir);
		return -1;
	}
	if (flock(fd, LOCK_EX | LOCK_NB) == -1) {
		err_set(err, errno == EWOULDBLOCK ? _("%s: another smtls apply is working "
		    "in this directory; try again when it is done") : "%s: %s", dir,
		    strerror(errno));
		close(fd);
		free(dir);
		return -1;
	}
	free(dir);
	return fd;
}

/* path with its extension from replaced by to (or named other there); caller frees. */
static char *
beside(const char *path, const char *from, const char *to, const char *other)
{
	char *dir = path_dirname(path), *r;
	const char *b = base_name(path);
	size_t bl = strlen(b), fl = strlen(from);

	if (bl > fl && strcmp(b + bl - fl, from) == 0)
		r = xstrprintf("%s/%.*s%s", dir, (int)(bl - fl), b, to);
	else
		r = xstrprintf("%s/%s", dir, other);
	free(dir);
	return r;
}

char *
apply_cf_beside(const char *mc_path)
{
	return beside(mc_path, ".mc", ".cf", "sendmail.cf");
}

char *
apply_mc_beside(const char *cf_path)
{
	return beside(cf_path, ".cf", ".mc", "sendmail.mc");
}

/* The MSP's context shares the transaction (journal, suffix, scratch directory) of c. */
static void
msp_share(struct apply_ctx *c, bool to_msp)
{
	struct apply_ctx *m = c->msp;

	if (to_msp) {
		m->j = c->j;
		m->sfx = c->sfx;
		m->scratch = c->scratch;
		return;
	}
	c->j = m->j;
	c->sfx = m->sfx;
	m->j = NULL;
	m->sfx = NULL;
	m->scratch = NULL;
}

/* A failed step of the MSP's pair fails the run, its message naming submit.mc/.cf. */
static int
msp_failed(struct apply_ctx *c)
{
	struct apply_result *mr = c->res->msp;

	msp_share(c, false);
	free(c->res->error);
	c->res->error = mr->error ? xstrdup(mr->error) : NULL;
	c->res->outcome = mr->outcome;
	c->res->failed_step = mr->failed_step;
	step_set(c->rq, c->res, mr->failed_step, APPLY_ST_FAILED, c->res->error);
	return -1;
}

/*
 * The MSP's pair up to the check (emit, merge, m4, read-back, check, and its relay judged
 * against the new sendmail.cf), in the transaction of c. Its steps are not reported apart:
 * each of c's steps covers both pairs.
 */
static int
msp_prepare(struct apply_ctx *c)
{
	struct apply_ctx *m = c->msp;
	struct apply_result *mr = c->res->msp;
	struct mcedit_result me;
	char *e = NULL;
	int r;

	msp_share(c, true);
	if (emit_build(m->rq->plan, m->rq->emit, m->rq->sm, &m->em, &e) == -1) {
		err_set(&mr->error, "%s: %s", mr->mc_path, e);
		free(e);
		mr->outcome = APPLY_BAD_VALUE;
		mr->failed_step = APPLY_STEP_EMIT;
		return msp_failed(c);
	}
	if (do_read(m) == -1)
		return msp_failed(c);
	if (mcedit_merge(m->old_mc, m->em.fragment, m->em.macros, m->em.nmacros, &me, &e) == -1) {
		err_set(&mr->error, "%s: %s", mr->mc_path, e);
		free(e);
		mr->outcome = APPLY_FAILED;
		mr->failed_step = APPLY_STEP_MERGE;
		return msp_failed(c);
	}
	m->new_mc = me.text;
	me.text = NULL;
	m->mc_changed = strcmp(m->new_mc, m->old_mc) != 0;
	mr->commented = me.commented;
	mcedit_result_free(&me);
	r = do_m4_verify(m);
	if (r == 0) {
		r = do_check(m);
		if (c->have_cfplan && m->have_cfplan)
			check_msp_relay(&m->cfplan, &c->cfplan, m->rq->sm && m->rq->sm->found ?
			    m->rq->sm : NULL, &mr->findings);
		findings_move(&c->res->findings, &mr->findings);
		findings_sort(&c->res->findings);
	}
	if (r == -1)
		return msp_failed(c);
	m->cf_changed = !m->have_cf || !cf_same(m->new_cf, m->old_cf);
	msp_share(c, false);
	return 0;
}

/* submit.mc alone: its relay is the MTA whose sendmail.cf is beside it (when there is one). */
static void
msp_relay_beside(struct apply_ctx *c)
{
	check_msp_relay_beside(c->res->mc_path, &c->cfplan, c->rq->sm && c->rq->sm->found ?
	    c->rq->sm : NULL, &c->res->findings);
	findings_sort(&c->res->findings);
}

/* The MSP's submit.mc that this apply leaves alone, judged against the new sendmail.cf. */
static void
msp_judge(struct apply_ctx *c)
{
	const struct apply_request *rq = c->rq;

	c->res->msp_judged_mc = xstrdup(rq->msp_judge_mc);
	(void)check_msp_file(rq->msp_judge_mc, rq->m4_path, rq->cf_m4_dir, rq->plan, &c->cfplan,
	    rq->sm && rq->sm->found ? rq->sm : NULL, &c->res->msp_findings);
	findings_sort(&c->res->msp_findings);
}

static int
apply_steps(struct apply_ctx *c)
{
	const struct apply_request *rq = c->rq;
	struct apply_result *res = c->res;
	struct mcedit_result me;
	bool mc_changed, cf_changed;
	char *e = NULL;

	step_set(rq, res, APPLY_STEP_EMIT, APPLY_ST_RUNNING, NULL);
	if (emit_build(rq->plan, rq->emit, rq->sm, &c->em, &e) == -1) {
		fail_step(c, APPLY_STEP_EMIT, e);
		res->outcome = APPLY_BAD_VALUE;
		return -1;
	}
	step_set(rq, res, APPLY_STEP_EMIT, APPLY_ST_DONE, NULL);

	step_set(rq, res, APPLY_STEP_MERGE, APPLY_ST_RUNNING, NULL);
	if (do_read(c) == -1)
		return -1;
	if (mcedit_merge(c->old_mc, c->em.fragment, c->em.macros, c->em.nmacros, &me, &e) == -1) {
		char *msg = xstrprintf("%s: %s", res->mc_path, e);

		free(e);
		return fail_step(c, APPLY_STEP_MERGE, msg);
	}
	c->new_mc = me.text;
	me.text = NULL;
	c->mc_changed = strcmp(c->new_mc, c->old_mc) != 0;
	res->commented = me.commented;
	mcedit_result_free(&me);
	step_set(rq, res, APPLY_STEP_MERGE, APPLY_ST_DONE, NULL);

	mc_changed = c->mc_changed;
	if (do_m4_verify(c) == -1 || do_check(c) == -1)
		return -1;
	if (c->cfplan.msp)
		msp_relay_beside(c);
	else if (rq->msp_judge_mc != NULL && c->msp == NULL)
		msp_judge(c);
	cf_changed = c->cf_changed = !c->have_cf || !cf_same(c->new_cf, c->old_cf);
	if (c->msp != NULL) {
		if (msp_prepare(c) == -1)
			return -1;
		mc_changed = mc_changed || c->msp->mc_changed;
		cf_changed = cf_changed || c->msp->cf_changed;
	}
	if (!mc_changed && !cf_changed) {
		res->outcome = APPLY_UNCHANGED;
		res->mc_diff = xstrdup("");
		res->cf_diff = xstrdup("");
		step_set(rq, res, APPLY_STEP_SENDMAIL, APPLY_ST_SKIPPED, _("unchanged"));
		step_set(rq, res, APPLY_STEP_PROVE, APPLY_ST_SKIPPED, _("unchanged"));
		step_set(rq, res, APPLY_STEP_BACKUP, APPLY_ST_SKIPPED, _("unchanged"));
		step_set(rq, res, APPLY_STEP_INSTALL, APPLY_ST_SKIPPED, _("unchanged"));
		if (rq->restart)
			step_set(rq, res, APPLY_STEP_RESTART, APPLY_ST_SKIPPED, _("unchanged"));
		return 0;
	}
	if (do_sendmail(c) == -1)
		return -1;
	if (c->msp != NULL) {
		msp_share(c, true);
		if (do_sendmail(c->msp) == -1)
			return msp_failed(c);
		msp_share(c, false);
	}
	if (do_prove(c) == -1)
		return -1;
	if (!rq->no_diff || rq->dry_run) {
		struct apply_ctx *x = c;
		int k;

		for (k = 0; k < 2 && x != NULL; k++, x = c->msp) {
			x->res->mc_diff = udiff(x->old_mc, x->new_mc, x->res->mc_path,
			    x->res->mc_path);
			x->res->cf_diff = x->cf_changed ? udiff(x->have_cf ? x->old_cf : "",
			    x->new_cf, x->have_cf ? x->res->cf_path : "/dev/null",
			    x->res->cf_path) : xstrdup("");
		}
	}
	if (rq->dry_run) {
		res->outcome = APPLY_PREVIEW;
		step_set(rq, res, APPLY_STEP_BACKUP, APPLY_ST_SKIPPED, _("--dry-run"));
		step_set(rq, res, APPLY_STEP_INSTALL, APPLY_ST_SKIPPED, _("--dry-run"));
		return rq->restart ? do_restart(c) : 0;
	}
	if (rq->cancel != NULL && *rq->cancel)
		return fail_step(c, APPLY_STEP_BACKUP, xstrdup(_("interrupted before the install")));
	/* the point of no return: a restart, once begun, runs to its end */
	(void)proc_set_cancel(NULL);
	if (do_backup_install(c) == -1)
		return -1;
	res->outcome = APPLY_CHANGED;
	return rq->restart ? do_restart(c) : 0;
}

/* Frees what the steps of c made; in --dry-run's scratch directory, its files go too. */
static void
ctx_free(struct apply_ctx *c, const char *scratch)
{
	int i;

	if (scratch != NULL) {
		if (c->mc_in != NULL && c->mc_changed)
			unlink(c->mc_in);
		if (c->cf_in != NULL && c->cf_changed)
			unlink(c->cf_in);
	}
	if (c->have_cfplan) {
		for (i = 0; i < PF_COUNT; i++) {
			free(c->cfplan.value[i]);
			free(c->cfplan.origin[i].file);
		}
		free(c->cfplan.trusted_user);
	}
	emit_result_free(&c->em);
	free(c->sfx);
	free(c->mc_in);
	free(c->cf_in);
	free(c->cf_marker);
	free(c->old_mc);
	free(c->old_cf);
	free(c->new_mc);
	free(c->new_cf);
}

int
apply_run(const struct apply_request *rq, struct apply_result *res)
{
	struct apply_ctx c;
	volatile sig_atomic_t *old_cancel;
	int i, r, lock = -1;

	memset(res, 0, sizeof(*res));
	memset(&c, 0, sizeof(c));
	c.rq = rq;
	c.res = res;
	for (i = 0; i < APPLY_STEP_COUNT; i++)
		res->state[i] = APPLY_ST_PENDING;
	if (!rq->restart)
		res->state[APPLY_STEP_RESTART] = APPLY_ST_SKIPPED;
	res->mc_path = xstrdup(rq->mc_path);
	res->cf_path = rq->cf_path ? xstrdup(rq->cf_path) : apply_cf_beside(rq->mc_path);
	if (rq->dry_run) {
		const char *tmp = getenv("TMPDIR");

		c.scratch = xstrprintf("%s/smtls-apply.XXXXXX", tmp && *tmp ? tmp : "/tmp");
		if (mkdtemp(c.scratch) == NULL) {
			err_set(&res->error, _("%s: cannot create a scratch directory: %s"),
			    c.scratch, strerror(errno));
			res->outcome = APPLY_FAILED;
			free(c.scratch);
			return -1;
		}
	}
	if (!rq->dry_run && (lock = lock_dir(rq->mc_path, &res->error)) == -1) {
		res->outcome = APPLY_FAILED;
		res->failed_step = APPLY_STEP_MERGE;
		return -1;
	}
	if (rq->msp_plan != NULL && rq->msp_mc_path != NULL) {
		c.msp = xcalloc(1, sizeof(*c.msp));
		c.msp_rq = *rq;
		c.msp_rq.plan = rq->msp_plan;
		c.msp_rq.mc_path = rq->msp_mc_path;
		c.msp_rq.cf_path = rq->msp_cf_path;
		c.msp_rq.progress = NULL;
		c.msp_rq.msp_plan = NULL;
		c.msp_eo = *rq->emit;
		c.msp_eo.smtps = false;
		c.msp_eo.smtps_addr = NULL;
		c.msp_rq.emit = &c.msp_eo;
		c.msp->rq = &c.msp_rq;
		c.msp->res = res->msp = xcalloc(1, sizeof(*res->msp));
		res->msp->mc_path = xstrdup(rq->msp_mc_path);
		res->msp->cf_path = rq->msp_cf_path ? xstrdup(rq->msp_cf_path) :
		    apply_cf_beside(rq->msp_mc_path);
	}
	/* m4, sendmail -bC and the proof's programs stop when rq->cancel is set */
	old_cancel = proc_set_cancel(rq->cancel);
	r = apply_steps(&c);
	(void)proc_set_cancel(old_cancel);
	if (lock != -1)
		close(lock);
	journal_free(c.j);	/* not committed: discarded, nothing changed */
	if (c.msp != NULL) {
		ctx_free(c.msp, c.scratch);
		free(c.msp);
	}
	ctx_free(&c, c.scratch);
	if (c.scratch != NULL) {
		rmdir(c.scratch);
		free(c.scratch);
	}
	return r;
}

char *
apply_backup_suffix(const char *mc_path, const char *cf_path, time_t now)
{
	char *cf = cf_path ? xstrdup(cf_path) : apply_cf_beside(mc_path), *sfx;
	const char *pair[] = { mc_path, cf };

	sfx = backup_suffix_for(AT_FDCWD, pair, 2, now);
	free(cf);
	return sfx;
}

/* Orders backup suffixes: by time stamp, then by the -N of runs in the same second. */
static int
suffix_cmp(const char *a, const char *b)
{
	int c = strncmp(a, b, STAMP_LEN);

	if (c != 0)
		return c;
	return (a[STAMP_LEN] ? atoi(a + STAMP_LEN + 1) : 0) -
	    (b[STAMP_LEN] ? atoi(b + STAMP_LEN + 1) : 0);
}

/* The newest suffix of path's backups "BASE.smtls-YYYYMMDDTHHMMSSZ[-N]" and absence
 * markers "BASE.smtls-YYYYMMDDTHHMMSSZ[-N].absent", or NULL. */
static char *
newest_backup_suffix(const char *path)
{
	char *dir = path_dirname(path), *best = NULL;
	const char *b = base_name(path);
	size_t bl = strlen(b), sl;
	struct dirent *de;
	DIR *d = opendir(dir);

	free(dir);
	if (d == NULL)
		return NULL;
	while ((de = readdir(d)) != NULL) {
		const char *s = de->d_name;

		if (strncmp(s, b, bl) != 0 || strncmp(s + bl, ".smtls-", 7) != 0)
			continue;
		s += bl + 7;
		sl = strlen(s);
		if (sl > 7 && strcmp(s + sl - 7, ".absent") == 0)
			sl -= 7;
		if (sl < STAMP_LEN || s[8] != 'T' || s[STAMP_LEN - 1] != 'Z' ||
		    strspn(s, "0123456789") != 8 || (sl > STAMP_LEN &&
		    (s[STAMP_LEN] != '-' || strspn(s + STAMP_LEN + 1, "0123456789") !=
		    sl - STAMP_LEN - 1)))
			continue;
		if (best == NULL || suffix_cmp(s, best) > 0) {
			free(best);
			best = xstrndup(s, sl);
		}
	}
	closedir(d);
	return best;
}

/* Adds to j: path gets the content, mode and owner of backup, and backup goes; -1 with *err. */
static int
undo_restore(struct journal *j, const char *path, const char *backup, char **err)
{
	struct journal_file f = { 0 };
	enum file_status fst;
	struct stat st;
	char *data;
	size_t len;
	int r;

	if (file_read(backup, CF_MAX, &data, &len, &fst, err) == -1)
		return -1;
	if (stat(backup, &st) == -1) {
		err_set(err, "%s: %s", backup, strerror(errno));
		free(data);
		return -1;
	}
	f.target = path;
	f.data = data;
	f.len = len;
	f.like = &st;
	r = journal_add(j, &f, err) == -1 || journal_remove(j, backup, NULL, err) == -1 ? -1 : 0;
	free(data);
	return r;
}

/* Adds to j: the file of the undone run's suffix sfx, restored or (absent) removed. */
static int
undo_one(struct journal *j, const char *path, const char *sfx, char **backup, bool *absent,
    char **err)
{
	struct stat st;
	char *bk = xstrprintf("%s.smtls-%s", path, sfx), *marker = xstrprintf("%s.absent", bk);
	int r = 0;

	if (lstat(bk, &st) == 0) {
		*backup = bk;
		bk = NULL;
		r = undo_restore(j, path, *backup, err);
	} else if (lstat(marker, &st) == 0) {
		*absent = true;
		r = journal_remove(j, path, NULL, err) == -1 ||
		    journal_remove(j, marker, NULL, err) == -1 ? -1 : 0;
	}
	free(bk);
	free(marker);
	return r;
}

/* Restores the files of the run whose backups have suffix sfx; lock and res set up by the caller. */
static int
undo_suffix(const char *mc_path, const char *cf, const char *sfx, struct apply_result *res)
{
	struct journal *j = journal_begin("apply --undo");
	char *e = NULL;
	int rc = 0;

	/* the files of one run share its suffix; all of them go back, or none (the MSP's pair
	 * of an apply --submit-mc too) */
	if (undo_one(j, mc_path, sfx, &res->mc_backup, &res->mc_absent, &e) == -1 ||
	    undo_one(j, cf, sfx, &res->cf_backup, &res->cf_absent, &e) == -1 ||
	    (res->msp != NULL && (undo_one(j, res->msp->mc_path, sfx, &res->msp->mc_backup,
	    &res->msp->mc_absent, &e) == -1 || undo_one(j, res->msp->cf_path, sfx,
	    &res->msp->cf_backup, &res->msp->cf_absent, &e) == -1)) ||
	    journal_commit(j, &e) == -1) {
		res->journal_kept = journal_state(j) == JOURNAL_PENDING;
		res->error = e;
		res->outcome = APPLY_FAILED;
		/* nothing was restored nor removed (journal_kept: see the error) */
		xfree(res->mc_backup);
		xfree(res->cf_backup);
		res->mc_absent = res->cf_absent = false;
		if (res->msp != NULL) {
			xfree(res->msp->mc_backup);
			xfree(res->msp->cf_backup);
			res->msp->mc_absent = res->msp->cf_absent = false;
		}
		rc = -1;
	} else
		res->outcome = APPLY_CHANGED;
	journal_free(j);
	return rc;
}

/* Sets up res and takes the directory's lock for an undo; -1 with res->error. */
static int
undo_begin(const char *mc_path, const char *cf_path, struct apply_result *res)
{
	int lock;

	memset(res, 0, sizeof(*res));
	res->mc_path = xstrdup(mc_path);
	res->cf_path = cf_path ? xstrdup(cf_path) : apply_cf_beside(mc_path);
	if ((lock = lock_dir(mc_path, &res->error)) == -1)
		res->outcome = APPLY_FAILED;
	return lock;
}

int
apply_undo(const char *mc_path, const char *cf_path, struct apply_result *res)
{
	return apply_undo_msp(mc_path, cf_path, NULL, NULL, res);
}

int
apply_undo_msp(const char *mc_path, const char *cf_path, const char *msp_mc_path,
    const char *msp_cf_path, struct apply_result *res)
{
	char *smc_suffix = NULL, *scf_suffix = NULL, *best;
	int rc = -1, lock;

	if ((lock = undo_begin(mc_path, cf_path, res)) == -1)
		return -1;
	if (msp_mc_path != NULL) {
		res->msp = xcalloc(1, sizeof(*res->msp));
		res->msp->mc_path = xstrdup(msp_mc_path);
		res->msp->cf_path = msp_cf_path ? xstrdup(msp_cf_path) :
		    apply_cf_beside(msp_mc_path);
	}
	smc_suffix = newest_backup_suffix(mc_path);
	scf_suffix = newest_backup_suffix(res->cf_path);
	best = smc_suffix;
	if (best == NULL || (scf_suffix != NULL && suffix_cmp(scf_suffix, best) > 0))
		best = scf_suffix;
	if (best == NULL) {
		err_set(&res->error, _("%s: no smtls backup (%s.smtls-YYYYMMDDTHHMMSSZ) to "
		    "restore"), mc_path, base_name(mc_path));
		res->outcome = APPLY_FAILED;
	} else
		rc = undo_suffix(mc_path, res->cf_path, best, res);
	free(smc_suffix);
	free(scf_suffix);
	close(lock);
	return rc;
}

int
apply_undo_suffix(const char *mc_path, const char *cf_path, const char *suffix,
    struct apply_result *res)
{
	int rc, lock;

	if ((lock = undo_begin(mc_path, cf_path, res)) == -1)
		return -1;
	rc = undo_suffix(mc_path, res->cf_path, suffix, res);
	close(lock);
	return rc;
}

void
apply_result_free(struct apply_result *res)
{
	free(res->error);
	findings_free(&res->findings);
	findings_free(&res->msp_findings);
	free(res->msp_judged_mc);
	free(res->mc_path);
	free(res->cf_path);
	free(res->mc_diff);
	free(res->cf_diff);
	free(res->mc_backup);
	free(res->cf_backup);
	free(res->restart_command);
	free(res->recovered);
	prove_result_free(&res->prove);
	if (res->msp != NULL) {
		apply_result_free(res->msp);
		free(res->msp);
	}
	memset(res, 0, sizeof(*res));
}

char *
apply_command_line(const char *emitted, const struct apply_request *rq,
    const char *restart_command, const char *confirm_within)
{
	char *beside = rq->mc_path ? apply_cf_beside(rq->mc_path) : NULL;
	struct buf b = { 0 };

	buf_puts(&b, emitted);
	if (rq->cf_path != NULL && (beside == NULL || strcmp(beside, rq->cf_path) != 0)) {
		buf_puts(&b, " --cf ");
		emit_shell_word(&b, rq->cf_path);
	}
	if (rq->cf_m4_dir != NULL) {
		buf_puts(&b, " --cf-m4 ");
		emit_shell_word(&b, rq->cf_m4_dir);
	}
	if (rq->msp_plan != NULL && rq->msp_mc_path != NULL) {
		buf_puts(&b, " --submit-mc ");
		emit_shell_word(&b, rq->msp_mc_path);
	}
	if (rq->force)
		buf_puts(&b, " --force");
	if (rq->no_prove)
		buf_puts(&b, " --no-prove");
	if (rq->restart)
		buf_puts(&b, " --restart");
	if (rq->restart && restart_command != NULL) {
		buf_puts(&b, " --restart-command ");
		emit_shell_word(&b, restart_command);
	}
	if (rq->restart && confirm_within != NULL) {
		buf_puts(&b, " --confirm-within ");
		emit_shell_word(&b, confirm_within);
	}
	free(beside);
	return buf_release(&b);
}

char *
apply_undo_command(const char *mc_path, const char *cf_path)
{
	struct apply_request rq;
	char *base, *r;
	struct buf b = { 0 };

	memset(&rq, 0, sizeof(rq));
	rq.mc_path = mc_path;
	rq.cf_path = cf_path;
	buf_printf(&b, "%s apply --undo --mc ", PACKAGE);
	emit_shell_word(&b, mc_path);
	base = buf_release(&b);
	r = apply_command_line(base, &rq, NULL, NULL);
	free(base);
	return r;
}
