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
#include "smtls/m4.h"
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
	rq->m4_path = M4_PATH;
	rq->sendmail_timeout_ms = APPLY_SENDMAIL_TIMEOUT_MS;
	rq->now = eo->now;
}

/* A new file written beside its target (or in a scratch directory), not yet renamed. */
struct staged {
	char	*tmp;
	char	*target;
};

static void
step_set(const struct apply_request *rq, struct apply_result *res, enum apply_step s,
    enum apply_state st, const char *detail)
{
	res->state[s] = st;
	if (st == APPLY_ST_FAILED)
		res->failed_step = s;
	if (rq != NULL && rq->progress != NULL)
		rq->progress(s, st, detail, rq->progress_arg);
}

static const char *
base_name(const char *path)
{
	const char *s = strrchr(path, '/');

	return s ? s + 1 : path;
}

/*
 * Writes data to a temp file in dir (NULL: the target's directory) with the mode and
 * owner of st (NULL: 0644), fsynced. The temp name is hidden: .NAME.smtls-XXXXXX.
 */
static int
stage_write(struct staged *sg, const char *target, const char *dir, const char *data,
    size_t len, const struct stat *st, char **err)
{
	char *d = dir ? xstrdup(dir) : path_dirname(target);
	int fd, e;

	sg->target = xstrdup(target);
	sg->tmp = xstrprintf("%s/.%s.smtls-XXXXXX", d, base_name(target));
	free(d);
	fd = mkstemp(sg->tmp);
	if (fd == -1) {
		err_set(err, _("%s: cannot create a temporary file beside it: %s"), target,
		    strerror(errno));
		xfree(sg->tmp);
		xfree(sg->target);
		return -1;
	}
	if (fchmod(fd, st ? st->st_mode & 07777 : 0644) == -1 ||
	    (st != NULL && fchown(fd, st->st_uid, st->st_gid) == -1 && errno != EPERM) ||
	    file_write_all(fd, data, len) == -1 || fsync(fd) == -1) {
		e = errno;
		close(fd);
		goto fail;
	}
	if (close(fd) == -1) {
		e = errno;
		goto fail;
	}
	return 0;
fail:
	err_set(err, _("%s: cannot write the new file %s: %s"), target, sg->tmp, strerror(e));
	unlink(sg->tmp);
	xfree(sg->tmp);
	xfree(sg->target);
	return -1;
}

static void
stage_discard(struct staged *sg)
{
	if (sg->tmp != NULL)
		unlink(sg->tmp);
	xfree(sg->tmp);
	xfree(sg->target);
}

static int
stage_commit(struct staged *sg, char **err)
{
	if (rename(sg->tmp, sg->target) == -1) {
		err_set(err, _("%s: cannot rename %s over it: %s"), sg->target, sg->tmp,
		    strerror(errno));
		return -1;
	}
	file_fsync_dir(sg->target);
	xfree(sg->tmp);
	xfree(sg->target);
	return 0;
}

/* True when path.smtls-SUFFIX exists (as anything, even a dangling link). */
static bool
backup_taken(const char *path, const char *suffix)
{
	struct stat st;
	char *name = xstrprintf("%s.smtls-%s", path, suffix);
	bool taken = lstat(name, &st) == 0 || errno != ENOENT;

	free(name);
	return taken;
}

/*
 * The suffix of this run's backups: the time stamp, or STAMP-N when a run in the same
 * second took it; one suffix for both files, so that undo restores them together.
 */
static char *
backup_suffix(const char *mc, const char *cf, const char *stamp)
{
	char *sfx = xstrdup(stamp);
	int n;

	for (n = 1; n < 1000 && (backup_taken(mc, sfx) || backup_taken(cf, sfx)); n++) {
		free(sfx);
		sfx = xstrprintf("%s-%d", stamp, n);
	}
	return sfx;
}

/* Writes path.smtls-SUFFIX, exclusively, with the mode and owner of st. */
static char *
backup_write(const char *path, const char *suffix, const char *data, size_t len,
    const struct stat *st, char **err)
{
	char *name = xstrprintf("%s.smtls-%s", path, suffix);

	/* never through a symlink, the original mode from the first byte */
	if (file_write_new(name, data, len, st->st_mode & 07777, err) == -1) {
		free(name);
		return NULL;
	}
	if (lchown(name, st->st_uid, st->st_gid) == -1 && errno != EPERM) {
		err_set(err, _("%s: cannot give the backup %s its owner: %s"), path, name,
		    strerror(errno));
		unlink(name);
		free(name);
		return NULL;
	}
	return name;
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

static void
format_stamp(time_t t, char *out, size_t n)
{
	struct tm tm;

	if (gmtime_r(&t, &tm) == NULL || strftime(out, n, "%Y%m%dT%H%M%SZ", &tm) == 0)
		snprintf(out, n, "%lld", (long long)t);
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
	struct staged			 smc, scf;
};

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
	if (stage_write(&c->smc, c->res->mc_path, c->scratch, c->new_mc, strlen(c->new_mc),
	    &c->mc_st, &e) == -1) {
		free(dir);
		return fail_step(c, APPLY_STEP_M4, e);
	}
	r = m4_build_cf(rq->m4_path, c->smc.tmp, dir, inc, &pr, &e);
	free(dir);
	if (r == -1) {
		char *msg = replace_all(e, c->smc.tmp, c->res->mc_path);

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
	struct tls_plan chosen = *rq->plan;	/* hostname, roots, time: borrowed */
	struct cf_options cfo;
	int f;

	step_set(rq, c->res, APPLY_STEP_CHECK, APPLY_ST_RUNNING, NULL);
	memset(chosen.value, 0, sizeof(chosen.value));
	memset(chosen.origin, 0, sizeof(chosen.origin));
	chosen.mc_path = NULL;
	chosen.cf_path = NULL;
	cf_parse(c->new_cf, &cfo);
	cf_to_plan(&cfo, c->res->cf_path, &chosen);
	cf_options_free(&cfo);
	/* where each value comes from, for the fixes: the chosen ones from the command line
	 * (or wherever the caller's plan says), the others from the mc */
	for (f = 0; f < PF_COUNT; f++) {
		const struct setting_origin *o = &rq->plan->origin[f];
		const char *mine = rq->plan->value[f];

		if (chosen.value[f] == NULL)
			continue;
		free(chosen.origin[f].file);
		if (mine != NULL && strcmp(mine, chosen.value[f]) == 0) {
			chosen.origin[f].file = o->file ? xstrdup(o->file) : NULL;
			chosen.origin[f].line = o->line;
		} else {
			chosen.origin[f].file = xstrdup(c->res->mc_path);
			chosen.origin[f].line = 0;
		}
	}
	check_plan(&chosen, rq->sm && rq->sm->found ? rq->sm : NULL, &c->res->findings);
	for (f = 0; f < PF_COUNT; f++) {
		free(chosen.value[f]);
		free(chosen.origin[f].file);
	}
	findings_sort(&c->res->findings);
	if (findings_count(&c->res->findings, SEV_ERROR) > 0 && !rq->force) {
		c->res->outcome = APPLY_REFUSED;
		step_set(rq, c->res, APPLY_STEP_CHECK, APPLY_ST_FAILED,
		    _("error findings (--force applies anyway)"));
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

	if (stage_write(&c->scf, c->res->cf_path, c->scratch, c->new_cf, strlen(c->new_cf),
	    &c->cf_st, &e) == -1)
		return fail_step(c, APPLY_STEP_SENDMAIL, e);
	if (rq->sm == NULL || !rq->sm->found || rq->sm->path == NULL) {
		step_set(rq, c->res, APPLY_STEP_SENDMAIL, APPLY_ST_SKIPPED,
		    _("no sendmail binary found"));
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
	if (!host.qualified && rq->sandbox_hostname != NULL) {
		note = unqualified_note(&host, rq->sandbox_hostname);
		step_set(rq, c->res, APPLY_STEP_SENDMAIL, APPLY_ST_RUNNING, note);
		r = sendmail_check_cf(rq->sm->path, c->scf.tmp, rq->sendmail_timeout_ms,
		    rq->sandbox_hostname, c->res->cf_path, &ns_failed, &e);
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
		r = sendmail_check_cf(rq->sm->path, c->scf.tmp, rq->sendmail_timeout_ms +
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

/* Puts back what the failed install had already replaced, and drops this run's backups. */
static void
roll_back(struct apply_ctx *c, bool mc_done, bool cf_done)
{
	struct staged sg = { 0 };
	char *e = NULL;

	if (mc_done && stage_write(&sg, c->res->mc_path, NULL, c->old_mc, c->old_mc_len,
	    &c->mc_st, &e) == 0)
		(void)stage_commit(&sg, &e);
	stage_discard(&sg);
	free(e);
	e = NULL;
	if (cf_done) {
		if (c->have_cf) {
			if (stage_write(&sg, c->res->cf_path, NULL, c->old_cf, c->old_cf_len,
			    &c->cf_st, &e) == 0)
				(void)stage_commit(&sg, &e);
			stage_discard(&sg);
			free(e);
		} else
			unlink(c->res->cf_path);
	}
	if (c->res->mc_backup != NULL)
		unlink(c->res->mc_backup);
	if (c->res->cf_backup != NULL)
		unlink(c->res->cf_backup);
	xfree(c->res->mc_backup);
	xfree(c->res->cf_backup);
}

static int
do_backup_install(struct apply_ctx *c, bool mc_changed, bool cf_changed)
{
	const struct apply_request *rq = c->rq;
	char stamp[32], *sfx, *e = NULL;

	format_stamp(rq->now, stamp, sizeof(stamp));
	sfx = backup_suffix(c->res->mc_path, c->res->cf_path, stamp);
	step_set(rq, c->res, APPLY_STEP_BACKUP, APPLY_ST_RUNNING, NULL);
	if ((mc_changed && (c->res->mc_backup = backup_write(c->res->mc_path, sfx, c->old_mc,
	    c->old_mc_len, &c->mc_st, &e)) == NULL) ||
	    (cf_changed && c->have_cf && (c->res->cf_backup = backup_write(c->res->cf_path, sfx,
	    c->old_cf, c->old_cf_len, &c->cf_st, &e)) == NULL)) {
		free(sfx);
		roll_back(c, false, false);
		return fail_step(c, APPLY_STEP_BACKUP, e);
	}
	free(sfx);
	step_set(rq, c->res, APPLY_STEP_BACKUP, APPLY_ST_DONE, NULL);

	step_set(rq, c->res, APPLY_STEP_INSTALL, APPLY_ST_RUNNING, NULL);
	if (mc_changed && stage_commit(&c->smc, &e) == -1) {
		roll_back(c, false, false);
		return fail_step(c, APPLY_STEP_INSTALL, e);
	}
	if (cf_changed && stage_commit(&c->scf, &e) == -1) {
		roll_back(c, mc_changed, false);
		return fail_step(c, APPLY_STEP_INSTALL, e);
	}
	step_set(rq, c->res, APPLY_STEP_INSTALL, APPLY_ST_DONE, NULL);
	return 0;
}

int
apply_restart(char **command, char **err)
{
	const char *const *argv = apply_restart_argv();
	struct proc_result pr;
	int r;

	*command = NULL;
	if (argv == NULL) {
		err_set(err, "%s", _("no way to restart sendmail was found (systemctl, service, "
		    "/etc/init.d/sendmail)"));
		return -1;
	}
	*command = join_argv(argv);
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
		c->res->restart_command = argv ? join_argv(argv) : NULL;
		step_set(c->rq, c->res, APPLY_STEP_RESTART, APPLY_ST_SKIPPED,
		    c->res->restart_command ? c->res->restart_command : _("no restart command found"));
		return 0;
	}
	step_set(c->rq, c->res, APPLY_STEP_RESTART, APPLY_ST_RUNNING, NULL);
	if (apply_restart(&c->res->restart_command, &e) == -1) {
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

static char *
cf_beside(const char *mc_path)
{
	char *dir = path_dirname(mc_path), *r;
	const char *b = base_name(mc_path);
	size_t bl = strlen(b);

	if (bl > 3 && strcmp(b + bl - 3, ".mc") == 0)
		r = xstrprintf("%s/%.*s.cf", dir, (int)(bl - 3), b);
	else
		r = xstrprintf("%s/sendmail.cf", dir);
	free(dir);
	return r;
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
	res->commented = me.commented;
	mcedit_result_free(&me);
	step_set(rq, res, APPLY_STEP_MERGE, APPLY_ST_DONE, NULL);

	if (do_m4_verify(c) == -1 || do_check(c) == -1)
		return -1;
	mc_changed = strcmp(c->new_mc, c->old_mc) != 0;
	cf_changed = !c->have_cf || !cf_same(c->new_cf, c->old_cf);
	if (!mc_changed && !cf_changed) {
		res->outcome = APPLY_UNCHANGED;
		res->mc_diff = xstrdup("");
		res->cf_diff = xstrdup("");
		step_set(rq, res, APPLY_STEP_SENDMAIL, APPLY_ST_SKIPPED, _("unchanged"));
		step_set(rq, res, APPLY_STEP_BACKUP, APPLY_ST_SKIPPED, _("unchanged"));
		step_set(rq, res, APPLY_STEP_INSTALL, APPLY_ST_SKIPPED, _("unchanged"));
		if (rq->restart)
			step_set(rq, res, APPLY_STEP_RESTART, APPLY_ST_SKIPPED, _("unchanged"));
		return 0;
	}
	if (do_sendmail(c) == -1)
		return -1;
	res->mc_diff = udiff(c->old_mc, c->new_mc, res->mc_path, res->mc_path);
	res->cf_diff = cf_changed ? udiff(c->have_cf ? c->old_cf : "", c->new_cf,
	    c->have_cf ? res->cf_path : "/dev/null", res->cf_path) : xstrdup("");
	if (rq->dry_run) {
		res->outcome = APPLY_PREVIEW;
		step_set(rq, res, APPLY_STEP_BACKUP, APPLY_ST_SKIPPED, _("--dry-run"));
		step_set(rq, res, APPLY_STEP_INSTALL, APPLY_ST_SKIPPED, _("--dry-run"));
		return rq->restart ? do_restart(c) : 0;
	}
	if (do_backup_install(c, mc_changed, cf_changed) == -1)
		return -1;
	res->outcome = APPLY_CHANGED;
	return rq->restart ? do_restart(c) : 0;
}

int
apply_run(const struct apply_request *rq, struct apply_result *res)
{
	struct apply_ctx c;
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
	res->cf_path = rq->cf_path ? xstrdup(rq->cf_path) : cf_beside(rq->mc_path);
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
	r = apply_steps(&c);
	if (lock != -1)
		close(lock);
	stage_discard(&c.smc);
	stage_discard(&c.scf);
	if (c.scratch != NULL) {
		rmdir(c.scratch);
		free(c.scratch);
	}
	emit_result_free(&c.em);
	free(c.old_mc);
	free(c.old_cf);
	free(c.new_mc);
	free(c.new_cf);
	return r;
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

/* The newest suffix of path's backups "BASE.smtls-YYYYMMDDTHHMMSSZ[-N]", or NULL. */
static char *
newest_backup_suffix(const char *path)
{
	char *dir = path_dirname(path), *best = NULL;
	const char *b = base_name(path);
	size_t bl = strlen(b);
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
		if (strlen(s) < STAMP_LEN || s[8] != 'T' || s[STAMP_LEN - 1] != 'Z' ||
		    strspn(s, "0123456789") != 8 || (s[STAMP_LEN] != '\0' &&
		    (s[STAMP_LEN] != '-' || strspn(s + STAMP_LEN + 1, "0123456789") !=
		    strlen(s + STAMP_LEN + 1))))
			continue;
		if (best == NULL || suffix_cmp(s, best) > 0) {
			free(best);
			best = xstrdup(s);
		}
	}
	closedir(d);
	return best;
}

/* Stages the content of backup for path; -1 with *err. */
static int
stage_backup(struct staged *sg, const char *path, const char *backup, char **err)
{
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
	r = stage_write(sg, path, NULL, data, len, &st, err);
	free(data);
	return r;
}

int
apply_undo(const char *mc_path, const char *cf_path, struct apply_result *res)
{
	struct staged smc = { 0 }, scf = { 0 };
	char *cf, *smc_suffix = NULL, *scf_suffix = NULL, *best, *e = NULL;
	int rc = -1, lock;

	memset(res, 0, sizeof(*res));
	res->mc_path = xstrdup(mc_path);
	res->cf_path = cf = cf_path ? xstrdup(cf_path) : cf_beside(mc_path);
	if ((lock = lock_dir(mc_path, &res->error)) == -1) {
		res->outcome = APPLY_FAILED;
		return -1;
	}
	smc_suffix = newest_backup_suffix(mc_path);
	scf_suffix = newest_backup_suffix(cf);
	best = smc_suffix;
	if (best == NULL || (scf_suffix != NULL && suffix_cmp(scf_suffix, best) > 0))
		best = scf_suffix;
	if (best == NULL) {
		err_set(&res->error, _("%s: no smtls backup (%s.smtls-YYYYMMDDTHHMMSSZ) to "
		    "restore"), mc_path, base_name(mc_path));
		res->outcome = APPLY_FAILED;
		goto out;
	}
	/* the files backed up by the newest run share its suffix */
	if (smc_suffix != NULL && strcmp(smc_suffix, best) == 0)
		res->mc_backup = xstrprintf("%s.smtls-%s", mc_path, smc_suffix);
	if (scf_suffix != NULL && strcmp(scf_suffix, best) == 0)
		res->cf_backup = xstrprintf("%s.smtls-%s", cf, scf_suffix);
	if ((res->mc_backup && stage_backup(&smc, mc_path, res->mc_backup, &e) == -1) ||
	    (res->cf_backup && stage_backup(&scf, cf, res->cf_backup, &e) == -1))
		goto fail;
	if (smc.tmp != NULL && stage_commit(&smc, &e) == -1)
		goto fail;
	if (scf.tmp != NULL && stage_commit(&scf, &e) == -1)
		goto fail;
	if (res->mc_backup)
		unlink(res->mc_backup);
	if (res->cf_backup)
		unlink(res->cf_backup);
	res->outcome = APPLY_CHANGED;
	rc = 0;
	goto out;
fail:
	res->error = e;
	res->outcome = APPLY_FAILED;
out:
	stage_discard(&smc);
	stage_discard(&scf);
	free(smc_suffix);
	free(scf_suffix);
	close(lock);
	return rc;
}

void
apply_result_free(struct apply_result *res)
{
	free(res->error);
	findings_free(&res->findings);
	free(res->mc_path);
	free(res->cf_path);
	free(res->mc_diff);
	free(res->cf_diff);
	free(res->mc_backup);
	free(res->cf_backup);
	free(res->restart_command);
	memset(res, 0, sizeof(*res));
}
