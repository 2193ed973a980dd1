/* confirm.c: probe the live daemon's listeners after an install; the timed rollback's state and revert. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <netdb.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "smtls/cf.h"
#include "smtls/confirm.h"
#include "smtls/fileio.h"
#include "smtls/i18n.h"
#include "smtls/journal.h"
#include "smtls/prove.h"
#include "smtls/sendmail.h"
#include "smtls/xmalloc.h"

#define CF_MAX		(32u * 1024 * 1024)
#define STATE_MAX	(64u * 1024)
#define RETRY_MS	250
#define STATE_MAGIC	"smtls-confirm 1"

/* --- the live check ------------------------------------------------------------------------ */

static char *
trimmed(const char *s, size_t n)
{
	while (n > 0 && (*s == ' ' || *s == '\t')) {
		s++;
		n--;
	}
	while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\t'))
		n--;
	return xstrndup(s, n);
}

/* A port number or service name ("smtp", "submission", "smtps"); -1 when unknown. */
static int
port_of(const char *s)
{
	static const struct { const char *name; int port; } known[] = {
		{ "smtp", 25 }, { "submission", 587 }, { "smtps", 465 }, { "submissions", 465 },
	};
	struct servent *se;
	char *end;
	long v;
	size_t i;

	v = strtol(s, &end, 10);
	if (*s != '\0' && *end == '\0')
		return v >= 0 && v <= 65535 ? (int)v : -1;
	for (i = 0; i < sizeof(known) / sizeof(known[0]); i++)
		if (strcasecmp(s, known[i].name) == 0)
			return known[i].port;
	se = getservbyname(s, "tcp");
	return se ? ntohs((unsigned short)se->s_port) : -1;
}

/* Where to probe l, or why not (sets l->target or l->skipped). */
static void
listener_target(struct confirm_listener *l, const char *port_text)
{
	bool inet6 = l->family != NULL && strcasecmp(l->family, "inet6") == 0;
	const char *a = l->addr;

	if (l->family != NULL && !inet6 && strcasecmp(l->family, "inet") != 0) {
		l->skipped = xstrprintf(_("Family=%s is not a TCP/IP listener"), l->family);
		return;
	}
	if (l->port < 0) {
		l->skipped = xstrprintf(_("Port=%s: no such port or service"), port_text);
		return;
	}
	if (l->port == 0) {
		l->skipped = xstrdup(_("Port=0: it does not listen"));
		return;
	}
	if (a != NULL && strncasecmp(a, "IPv6:", 5) == 0)
		a += 5;
	if (a == NULL || *a == '\0' || strcmp(a, "0.0.0.0") == 0 || strcasecmp(a, "INADDR_ANY") == 0)
		l->target = xstrdup(inet6 ? "::1" : "127.0.0.1");
	else if (strcmp(a, "::") == 0 || strcmp(a, "::0") == 0)
		l->target = xstrdup("::1");
	else
		l->target = xstrdup(a);
}

/* Parses one DaemonPortOptions value ("Port=smtp, Addr=127.0.0.1, Name=MTA, M=s"). */
static void
listener_parse(const char *value, int line, struct confirm_listener *l)
{
	const char *p = value;
	char *port_text = NULL;
	bool no_starttls = false;

	memset(l, 0, sizeof(*l));
	l->line = line;
	l->port = 25;
	while (*p != '\0') {
		const char *end = strchr(p, ','), *eq;
		size_t n = end ? (size_t)(end - p) : strlen(p);
		char *item = trimmed(p, n), *v;

		p += n + (end != NULL);
		if ((eq = strchr(item, '=')) == NULL) {
			free(item);
			continue;
		}
		v = trimmed(eq + 1, strlen(eq + 1));
		/* sendmail tells the keys apart by their first letter */
		switch (item[0]) {
		case 'A':
			free(l->addr);
			l->addr = v;
			v = NULL;
			break;
		case 'F':
			free(l->family);
			l->family = v;
			v = NULL;
			break;
		case 'N':
			free(l->name);
			l->name = v;
			v = NULL;
			break;
		case 'P':
			free(port_text);
			port_text = v;
			v = NULL;
			l->port = port_of(port_text);
			break;
		case 'M':
			l->smtps = strchr(v, 's') != NULL;
			no_starttls = strchr(v, 'S') != NULL;
			break;
		}
		free(v);
		free(item);
	}
	listener_target(l, port_text ? port_text : "");
	if (no_starttls && !l->smtps && l->skipped == NULL) {
		xfree(l->target);
		l->skipped = xstrdup(_("M=S: it offers no STARTTLS"));
	}
	free(port_text);
}

void
confirm_listeners(const char *cf_text, struct confirm_listener **v, size_t *n)
{
	struct cf_options o;
	size_t i;

	cf_parse(cf_text, &o);
	*v = NULL;
	*n = 0;
	for (i = 0; i < o.n; i++) {
		if (strcmp(o.v[i].name, "DaemonPortOptions") != 0)
			continue;
		*v = xreallocarray(*v, *n + 1, sizeof(**v));
		listener_parse(o.v[i].value, o.v[i].line, &(*v)[(*n)++]);
	}
	if (*n == 0) {
		/* none named: sendmail listens on port 25 of every address */
		*v = xcalloc(1, sizeof(**v));
		listener_parse("Name=MTA", 0, *v);
		*n = 1;
	}
	cf_options_free(&o);
}

static void
pause_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

	while (nanosleep(&ts, &ts) == -1 && errno == EINTR)
		;
}

/* Probes l; a listener that is not there yet is tried again while *budget_ms lasts. */
static void
probe_listener(const struct confirm_live_opts *o, struct confirm_live_result *r,
    struct confirm_listener *l, int *budget_ms, bool slow)
{
	const struct tls_plan *p = o->plan;
	struct probe_opts po;
	struct stat st;

	memset(&po, 0, sizeof(po));
	po.host = l->target;
	po.port = l->port;
	po.smtps = l->smtps;
	po.verify_name = p->hostname;
	po.ehlo_name = p->hostname ? p->hostname : "localhost";
	if (p->public_roots != NULL && stat(p->public_roots, &st) == 0 && S_ISDIR(st.st_mode))
		po.ca_path = p->public_roots;
	else
		po.ca_file = p->public_roots;
	po.connect_timeout_ms = 10000;
	po.reply_timeout_ms = 30000 + (slow ? SENDMAIL_UNQUALIFIED_SLEEP_MS : 0);
	po.now = p->now;
	for (;;) {
		if (probe_run(&po, &l->probe) == 0)
			break;
		if (l->probe.stage > PROBE_CONNECT || *budget_ms <= 0)
			return;
		probe_result_free(&l->probe);
		pause_ms(RETRY_MS);
		*budget_ms -= RETRY_MS;
	}
	l->probed = true;
	prove_chain_served(&l->probe.chain, r->has_planned_leaf ? &r->planned_leaf : NULL,
	    r->has_planned_issuer ? &r->planned_issuer : NULL, &l->leaf_served,
	    &l->issuer_served);
	l->ok = l->leaf_served && (l->issuer_served || !r->has_planned_issuer ||
	    r->planned_issuer.self_signed);
}

int
confirm_live(const struct confirm_live_opts *o, struct confirm_live_result *r)
{
	struct sendmail_host host;
	enum file_status fst;
	char *text = NULL;
	size_t len, i, failed = 0;
	int budget;

	memset(r, 0, sizeof(*r));
	if (file_read(o->cf_path, CF_MAX, &text, &len, &fst, &r->error) == -1)
		return -1;
	prove_planned_chain(o->plan, &r->planned_leaf, &r->has_planned_leaf, &r->planned_issuer,
	    &r->has_planned_issuer);
	if (!r->has_planned_leaf) {
		const char *cert = plan_get(o->plan, PF_SERVER_CERT);

		free(text);
		if (cert == NULL) {
			/* a client-only setup: nothing is served to compare */
			r->skipped = xstrdup(_("no server certificate is planned (ServerCertFile): "
			    "there is no served chain to confirm"));
			return 0;
		}
		r->error = xstrprintf(_("%s: no certificate to compare the served one with"),
		    cert);
		return -1;
	}
	confirm_listeners(text, &r->v, &r->n);
	free(text);
	/* sendmail sleeps 60 s before it listens when the host name is not fully qualified */
	sendmail_host_check(&host);
	budget = o->wait_ms + (host.qualified ? 0 : SENDMAIL_UNQUALIFIED_SLEEP_MS);
	for (i = 0; i < r->n; i++) {
		struct confirm_listener *l = &r->v[i];

		if (l->skipped != NULL)
			continue;
		if (o->progress)
			o->progress(l, false, o->progress_arg);
		probe_listener(o, r, l, &budget, !host.qualified);
		r->probed += l->probed;
		r->matched += l->ok;
		failed += !l->ok;
		if (o->progress)
			o->progress(l, true, o->progress_arg);
	}
	r->passed = r->matched > 0 && failed == 0;
	return r->passed ? 0 : -1;
}

void
confirm_live_free(struct confirm_live_result *r)
{
	size_t i;

	for (i = 0; i < r->n; i++) {
		struct confirm_listener *l = &r->v[i];

		free(l->name);
		free(l->addr);
		free(l->family);
		free(l->target);
		free(l->skipped);
		probe_result_free(&l->probe);
	}
	free(r->v);
	if (r->has_planned_leaf)
		cert_clear(&r->planned_leaf);
	if (r->has_planned_issuer)
		cert_clear(&r->planned_issuer);
	free(r->error);
	free(r->skipped);
	memset(r, 0, sizeof(*r));
}

/* --- the state file ------------------------------------------------------------------------ */

static const char *const phase_names[] = {
	[CONFIRM_INSTALLING] = "installing",
	[CONFIRM_PENDING] = "pending",
	[CONFIRM_REVERTED] = "reverted",
	[CONFIRM_NOTHING] = "nothing",
	[CONFIRM_FAILED] = "failed",
};

const char *
confirm_phase_name(enum confirm_phase p)
{
	return p <= CONFIRM_FAILED ? phase_names[p] : "?";
}

int
confirm_parse_duration(const char *s, long long *seconds)
{
	char *end;
	long long v, unit = 1;

	if (*s < '0' || *s > '9')
		return -1;
	errno = 0;
	v = strtoll(s, &end, 10);
	if (errno != 0)
		return -1;
	if (strcmp(end, "m") == 0 || strcmp(end, "min") == 0)
		unit = 60;
	else if (strcmp(end, "h") == 0)
		unit = 3600;
	else if (*end != '\0' && strcmp(end, "s") != 0)
		return -1;
	if (v < 1 || v > 24 * 3600 / unit)
		return -1;
	*seconds = v * unit;
	return 0;
}

char *
confirm_state_path(void)
{
	return xstrprintf("%s/confirm", journal_state_dir());
}

/* mkdir -p, the last component 0700. */
static int
make_dirs(const char *path)
{
	char *parent;
	int r;

	if (mkdir(path, 0700) == 0 || errno == EEXIST)
		return 0;
	if (errno != ENOENT)
		return -1;
	parent = path_dirname(path);
	r = strcmp(parent, path) != 0 && make_dirs(parent) == 0 &&
	    (mkdir(path, 0700) == 0 || errno == EEXIST) ? 0 : -1;
	free(parent);
	return r;
}

/*
 * The lock every change of the state is made under (blocking): the fd; -2 when create is
 * false and there is no state directory or lock (so no state: a helper must not make it
 * again after it was removed) or this user cannot open it; -1 with *err.
 */
static int
state_lock(bool create, char **err)
{
	const char *dir = journal_state_dir();
	char *path = xstrprintf("%s/confirm.lock", dir);
	int fd = -1;

	if (create && make_dirs(dir) == -1)
		err_set(err, _("%s: cannot create the state directory: %s"), dir, strerror(errno));
	else if ((fd = open(path, O_RDWR | O_NOFOLLOW | O_CLOEXEC | (create ? O_CREAT : 0),
	    0600)) == -1) {
		/* no state directory, or none this user may see: no state */
		if (!create && (errno == ENOENT || errno == ENOTDIR || errno == EACCES))
			fd = -2;
		else
			err_set(err, "%s: %s", path, strerror(errno));
	} else {
		while (flock(fd, LOCK_EX) == -1 && errno == EINTR)
			;
	}
	free(path);
	return fd;
}

void
confirm_state_free(struct confirm_state *st)
{
	free(st->id);
	free(st->mc_path);
	free(st->cf_path);
	free(st->suffix);
	free(st->restart_command);
	free(st->mc_backup);
	free(st->cf_backup);
	free(st->note);
	free(st->error);
	memset(st, 0, sizeof(*st));
}

static char **
str_field(struct confirm_state *st, const char *key)
{
	static const struct { const char *key; size_t off; } f[] = {
		{ "id", offsetof(struct confirm_state, id) },
		{ "mc", offsetof(struct confirm_state, mc_path) },
		{ "cf", offsetof(struct confirm_state, cf_path) },
		{ "suffix", offsetof(struct confirm_state, suffix) },
		{ "restart", offsetof(struct confirm_state, restart_command) },
		{ "mc_backup", offsetof(struct confirm_state, mc_backup) },
		{ "cf_backup", offsetof(struct confirm_state, cf_backup) },
		{ "note", offsetof(struct confirm_state, note) },
		{ "error", offsetof(struct confirm_state, error) },
	};
	size_t i;

	for (i = 0; i < sizeof(f) / sizeof(f[0]); i++)
		if (strcmp(key, f[i].key) == 0)
			return (char **)(void *)((char *)st + f[i].off);
	return NULL;
}

/* 0, 1 when there is no state, -1 with *err (a state that cannot be read or is damaged). */
static int
state_read(struct confirm_state *st, char **err)
{
	char *path = confirm_state_path(), *data, *line, *save = NULL, **sp, *e = NULL;
	enum file_status fs;
	size_t len;
	int n = 0;

	memset(st, 0, sizeof(*st));
	if (file_read(path, STATE_MAX, &data, &len, &fs, &e) == -1) {
		free(path);
		if (fs != FILE_MISSING)
			err_set(err, "%s", e);
		free(e);
		return fs == FILE_MISSING ? 1 : -1;
	}
	for (line = strtok_r(data, "\n", &save); line; line = strtok_r(NULL, "\n", &save), n++) {
		char *eq = strchr(line, '=');
		size_t i;

		if (n == 0 && strcmp(line, STATE_MAGIC) == 0)
			continue;
		if (n == 0 || eq == NULL)
			break;
		*eq++ = '\0';
		if ((sp = str_field(st, line)) != NULL) {
			free(*sp);
			*sp = *eq ? xstrdup(eq) : NULL;
		} else if (strcmp(line, "phase") == 0) {
			for (i = 0; i <= CONFIRM_FAILED; i++)
				if (strcmp(eq, phase_names[i]) == 0)
					st->phase = (enum confirm_phase)i;
		} else if (strcmp(line, "seconds") == 0)
			st->seconds = atoll(eq);
		else if (strcmp(line, "deadline") == 0)
			st->deadline = atoll(eq);
		else if (strcmp(line, "finished") == 0)
			st->finished = atoll(eq);
		else if (strcmp(line, "apply_pid") == 0)
			st->apply_pid = (pid_t)atol(eq);
		else if (strcmp(line, "helper_pid") == 0)
			st->helper_pid = (pid_t)atol(eq);
		else if (strcmp(line, "cf_absent") == 0)
			st->cf_absent = strcmp(eq, "1") == 0;
	}
	free(data);
	if (st->id == NULL || st->mc_path == NULL || st->cf_path == NULL || st->suffix == NULL) {
		err_set(err, _("%s: not a state file of smtls apply --confirm-within (remove it "
		    "when no change awaits confirmation)"), path);
		free(path);
		confirm_state_free(st);
		return -1;
	}
	free(path);
	return 0;
}

static void
put(struct buf *b, const char *key, const char *v)
{
	char *s = v ? xstrdup(v) : NULL, *p;

	/* one value a line: a line break in a message is written as a space */
	for (p = s; p && *p; p++)
		if (*p == '\n')
			*p = ' ';
	buf_printf(b, "%s=%s\n", key, s ? s : "");
	free(s);
}

static int
state_write(const struct confirm_state *st, char **err)
{
	char *path = confirm_state_path(), *tmp = xstrprintf("%s.new", path), *data;
	struct buf b = { 0 };
	int r = -1;

	buf_printf(&b, "%s\n", STATE_MAGIC);
	put(&b, "id", st->id);
	put(&b, "phase", confirm_phase_name(st->phase));
	put(&b, "mc", st->mc_path);
	put(&b, "cf", st->cf_path);
	put(&b, "suffix", st->suffix);
	put(&b, "restart", st->restart_command);
	buf_printf(&b, "seconds=%lld\ndeadline=%lld\nfinished=%lld\n", st->seconds, st->deadline,
	    st->finished);
	buf_printf(&b, "apply_pid=%ld\nhelper_pid=%ld\n", (long)st->apply_pid,
	    (long)st->helper_pid);
	put(&b, "mc_backup", st->mc_backup);
	put(&b, "cf_backup", st->cf_backup);
	buf_printf(&b, "cf_absent=%d\n", st->cf_absent);
	put(&b, "note", st->note);
	put(&b, "error", st->error);
	data = buf_release(&b);
	(void)unlink(tmp);	/* a leftover of a killed writer (we hold the lock) */
	if (file_write_new(tmp, data, strlen(data), 0600, err) == 0) {
		if (rename(tmp, path) == 0) {
			file_fsync_dir(path);
			r = 0;
		} else {
			err_set(err, "%s: %s", path, strerror(errno));
			(void)unlink(tmp);
		}
	}
	free(data);
	free(tmp);
	free(path);
	return r;
}

static void
state_remove(void)
{
	char *path = confirm_state_path();

	(void)unlink(path);
	file_fsync_dir(path);
	free(path);
}

/* Appends "TIME ID: text" to STATEDIR/confirm.log (errors ignored: the state says it too). */
static void
log_line(time_t now, const char *id, const char *text)
{
	char *path = xstrprintf("%s/confirm.log", journal_state_dir()), stamp[32], *line;
	int fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0600);

	time_format_iso(now, stamp, sizeof(stamp));
	line = xstrprintf("%s %s: %s\n", stamp, id, text);
	if (fd != -1) {
		(void)file_write_all(fd, line, strlen(line));
		(void)fsync(fd);
		close(fd);
	}
	free(line);
	free(path);
}

/* True while pid runs (a zombie does not). */
static bool
pid_alive(pid_t pid)
{
	char path[64], buf[512], *rp;
	FILE *f;
	bool zombie = false;

	if (pid <= 0 || (kill(pid, 0) == -1 && errno != EPERM))
		return false;
	snprintf(path, sizeof(path), "/proc/%ld/stat", (long)pid);
	if ((f = fopen(path, "re")) != NULL) {
		if (fgets(buf, sizeof(buf), f) != NULL && (rp = strrchr(buf, ')')) != NULL)
			zombie = rp[1] == ' ' && rp[2] == 'Z';
		fclose(f);
	}
	return !zombie;
}

static char *
absolute(const char *path)
{
	char cwd[PATH_MAX];

	if (path[0] == '/' || getcwd(cwd, sizeof(cwd)) == NULL)
		return xstrdup(path);
	return xstrprintf("%s/%s", strcmp(cwd, "/") == 0 ? "" : cwd, path);
}

/*
 * Starts `self confirm-helper id` detached: double-forked, in a session of its own, in /,
 * with /dev/null as its standard streams; its pid in *pid. -1 with *err.
 */
static int
spawn_helper(const char *self, const char *id, pid_t *pid, char **err)
{
	char *argv[] = { (char *)self, (char *)"confirm-helper", (char *)id, NULL };
	int p[2], e = 0, st = 0;
	pid_t child, got;
	ssize_t n;

	if (pipe2(p, O_CLOEXEC) == -1) {
		err_set(err, _("cannot start the revert helper: %s"), strerror(errno));
		return -1;
	}
	child = fork();
	if (child == 0) {
		pid_t g;
		int fd, i;

		close(p[0]);
		(void)setsid();
		g = fork();
		if (g != 0) {
			/* the first child says the helper's pid (or why not) and ends */
			e = g == -1 ? errno : 0;
			(void)!write(p[1], g == -1 ? (void *)&e : (void *)&g, sizeof(g));
			_exit(g == -1);
		}
		if (chdir("/") == -1 || (fd = open("/dev/null", O_RDWR)) == -1) {
			e = errno;
			(void)!write(p[1], &e, sizeof(e));
			_exit(127);
		}
		dup2(fd, 0);
		dup2(fd, 1);
		dup2(fd, 2);
		for (i = 3; i < 1024; i++)
			if (i != p[1])
				close(i);
		signal(SIGHUP, SIG_IGN);
		execv(self, argv);
		e = errno;
		(void)!write(p[1], &e, sizeof(e));
		_exit(127);
	}
	close(p[1]);
	if (child == -1) {
		e = errno;
		close(p[0]);
		err_set(err, _("cannot start the revert helper: %s"), strerror(e));
		return -1;
	}
	while ((got = waitpid(child, &st, 0)) == -1 && errno == EINTR)
		;
	*pid = 0;
	n = read(p[0], pid, sizeof(*pid));
	if (n != (ssize_t)sizeof(*pid))
		e = ECHILD;
	else if (got != child || !WIFEXITED(st) || WEXITSTATUS(st) != 0)
		e = (int)*pid;		/* the first child's errno */
	else if (read(p[0], &e, sizeof(e)) == 0)
		e = 0;			/* no word from the helper: its exec succeeded */
	close(p[0]);
	if (e != 0) {
		err_set(err, _("cannot start the revert helper %s: %s"), self, strerror(e));
		return -1;
	}
	return 0;
}

/* The message for a change that awaits confirmation. */
static void
awaits(const struct confirm_state *st, char **err)
{
	char stamp[32];

	time_format_iso((time_t)st->deadline, stamp, sizeof(stamp));
	err_set(err, _("a change to %s awaits confirmation (it reverts at %s): `smtls apply "
	    "--confirm' keeps it; wait for the revert to make another"), st->mc_path, stamp);
}

int
confirm_idle(char **err)
{
	struct confirm_state st;
	int r = confirm_status(&st, err);

	if (r == 1)
		return 0;
	if (r == -1)
		return -1;
	r = st.phase == CONFIRM_INSTALLING || st.phase == CONFIRM_PENDING ? -1 : 0;
	if (r == -1)
		awaits(&st, err);
	confirm_state_free(&st);
	return r;
}

int
confirm_arm(const struct confirm_arm_opts *o, struct confirm_state *st, char **err)
{
	struct confirm_state old;
	int lock, r;

	memset(st, 0, sizeof(*st));
	if (strchr(o->mc_path, '\n') || (o->cf_path && strchr(o->cf_path, '\n')) ||
	    (o->restart_command && strchr(o->restart_command, '\n'))) {
		err_set(err, "%s", _("a file name or restart command with a line break cannot be "
		    "kept for the timed rollback"));
		return -1;
	}
	if ((lock = state_lock(true, err)) == -1)
		return -1;
	r = state_read(&old, err);
	if (r == -1)
		goto fail;
	if (r == 0 && (old.phase == CONFIRM_INSTALLING || old.phase == CONFIRM_PENDING)) {
		awaits(&old, err);
		confirm_state_free(&old);
		goto fail;
	}
	if (r == 0 && old.phase == CONFIRM_FAILED) {
		err_set(err, _("an earlier timed rollback of %s could not complete (%s); its backups "
		    "are kept: see to it, then `smtls apply --confirm' acknowledges it"),
		    old.mc_path, old.error ? old.error : "?");
		confirm_state_free(&old);
		goto fail;
	}
	if (r == 0)
		confirm_state_free(&old);
	st->phase = CONFIRM_INSTALLING;
	st->mc_path = absolute(o->mc_path);
	if (o->cf_path != NULL)
		st->cf_path = absolute(o->cf_path);
	else
		st->cf_path = apply_cf_beside(st->mc_path);
	st->suffix = apply_backup_suffix(st->mc_path, st->cf_path, o->stamp);
	st->id = xstrprintf("%s-%ld", st->suffix, (long)getpid());
	st->restart_command = o->restart_command ? xstrdup(o->restart_command) : NULL;
	st->seconds = o->seconds;
	st->deadline = (long long)o->now + o->seconds;
	st->apply_pid = getpid();
	if (state_write(st, err) == -1)
		goto fail_st;
	if (spawn_helper(o->self, st->id, &st->helper_pid, err) == -1) {
		state_remove();
		goto fail_st;
	}
	/* the helper waits for the lock before it reads the state */
	(void)state_write(st, NULL);
	close(lock);
	return 0;
fail_st:
	confirm_state_free(st);
fail:
	close(lock);
	return -1;
}

int
confirm_installed(struct confirm_state *st, const struct apply_result *res, time_t now,
    char **err)
{
	struct confirm_state cur;
	int lock, r;

	if ((lock = state_lock(false, err)) < 0)
		return lock == -2 ? 0 : -1;
	r = state_read(&cur, err);
	if (r != 0 || strcmp(cur.id, st->id) != 0 || cur.phase != CONFIRM_INSTALLING) {
		/* kept meanwhile (smtls apply --confirm): nothing to do */
		if (r == 0)
			confirm_state_free(&cur);
		close(lock);
		return r == -1 ? -1 : 0;
	}
	confirm_state_free(&cur);
	if (res->outcome != APPLY_CHANGED) {
		state_remove();
		close(lock);
		return 0;
	}
	st->phase = CONFIRM_PENDING;
	st->deadline = (long long)now + st->seconds;
	free(st->mc_backup);
	free(st->cf_backup);
	st->mc_backup = res->mc_backup ? xstrdup(res->mc_backup) : NULL;
	st->cf_backup = res->cf_backup ? xstrdup(res->cf_backup) : NULL;
	st->cf_absent = res->cf_absent;
	r = state_write(st, err);
	close(lock);
	return r;
}

int
confirm_keep(struct confirm_state *st, char **err)
{
	int lock, r;

	memset(st, 0, sizeof(*st));
	if ((lock = state_lock(false, err)) < 0)
		return lock == -2 ? 1 : -1;
	if ((r = state_read(st, err)) == 0)
		state_remove();
	close(lock);
	return r;
}

int
confirm_status(struct confirm_state *st, char **err)
{
	int lock, r;

	memset(st, 0, sizeof(*st));
	if ((lock = state_lock(false, err)) < 0)
		return lock == -2 ? 1 : -1;
	r = state_read(st, err);
	close(lock);
	return r;
}

/* True when path exists as anything (even a dangling link). */
static bool
exists(const char *path)
{
	struct stat sb;

	return lstat(path, &sb) == 0;
}

/* The revert: the install's backups restored as one transaction, then the restart. */
static void
revert(struct confirm_state *st)
{
	struct journal_report rep;
	struct apply_result res;
	char *mcb = xstrprintf("%s.smtls-%s", st->mc_path, st->suffix);
	char *cfb = xstrprintf("%s.smtls-%s", st->cf_path, st->suffix);
	char *marker = xstrprintf("%s.absent", cfb), *cmd = NULL, *e = NULL;
	const char *missing = NULL;

	/* an install killed half-way is completed or rolled back first */
	journal_recover(NULL, &rep);
	journal_report_free(&rep);
	if (st->phase == CONFIRM_PENDING) {
		if (st->mc_backup && !exists(st->mc_backup))
			missing = st->mc_backup;
		else if (st->cf_backup && !exists(st->cf_backup))
			missing = st->cf_backup;
		else if (st->cf_absent && !exists(marker))
			missing = marker;
	} else if (!exists(mcb) && !exists(cfb) && !exists(marker)) {
		st->phase = CONFIRM_NOTHING;
		st->note = xstrprintf(_("the deadline came, but the install into %s had changed "
		    "no file: nothing to revert"), st->mc_path);
		goto out;
	}
	if (missing != NULL) {
		st->phase = CONFIRM_FAILED;
		st->error = xstrprintf(_("the timed rollback of %s cannot complete: its backup %s "
		    "is gone; nothing was restored, and the other backups are kept"),
		    st->mc_path, missing);
		goto out;
	}
	if (apply_undo_suffix(st->mc_path, st->cf_path, st->suffix, &res) == -1) {
		st->phase = CONFIRM_FAILED;
		st->error = xstrprintf(_("the timed rollback of %s cannot complete: %s; %s"),
		    st->mc_path, res.error ? res.error : "?", res.journal_kept ?
		    _("the next smtls command completes or rolls back the restore") :
		    _("nothing was restored, and the backups are kept"));
		apply_result_free(&res);
		goto out;
	}
	if (apply_restart_with(st->restart_command, &cmd, &e) == -1) {
		st->phase = CONFIRM_FAILED;
		st->error = xstrprintf(_("the timed rollback restored the previous %s and %s, "
		    "but %s: sendmail still runs with the reverted settings until it is restarted"),
		    st->mc_path, st->cf_path, e);
	} else {
		st->phase = CONFIRM_REVERTED;
		st->note = xstrprintf(_("not confirmed in time: restored the previous %s and "
		    "%s%s; restarted: %s"), st->mc_path, st->cf_path,
		    res.cf_absent ? _(" (removed: it was new)") : "", cmd);
	}
	free(e);
	free(cmd);
	apply_result_free(&res);
out:
	free(mcb);
	free(cfb);
	free(marker);
}

/* True when pid is a running helper of the arming id (its command line says so). */
static bool
helper_alive(pid_t pid, const char *id)
{
	char path[64], data[4096];
	ssize_t len, i;
	bool found = false;
	int fd;

	if (!pid_alive(pid))
		return false;
	snprintf(path, sizeof(path), "/proc/%ld/cmdline", (long)pid);
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1)
		return true;	/* no /proc: trust the pid */
	len = read(fd, data, sizeof(data) - 1);
	close(fd);
	if (len <= 0)
		return false;
	data[len] = '\0';
	for (i = 0; i < len; i += (ssize_t)strlen(data + i) + 1)
		if (strcmp(data + i, id) == 0)
			found = true;
	return found;
}

int
confirm_resume(const char *self, struct confirm_state *st, char **err)
{
	int lock, r;

	memset(st, 0, sizeof(*st));
	if ((lock = state_lock(false, err)) < 0)
		return lock == -2 ? 0 : -1;
	r = state_read(st, err);
	if (r != 0 || (st->phase != CONFIRM_INSTALLING && st->phase != CONFIRM_PENDING) ||
	    helper_alive(st->helper_pid, st->id)) {
		if (r == 0)
			confirm_state_free(st);
		close(lock);
		return r == -1 ? -1 : 0;
	}
	if (spawn_helper(self, st->id, &st->helper_pid, err) == -1 ||
	    state_write(st, err) == -1) {
		confirm_state_free(st);
		close(lock);
		return -1;
	}
	close(lock);
	return 1;
}

enum confirm_tick
confirm_tick(const char *id, time_t now, struct confirm_state *st, char **err)
{
	int lock, r;

	memset(st, 0, sizeof(*st));
	if ((lock = state_lock(false, err)) < 0)
		return CONFIRM_TICK_DONE;
	r = state_read(st, err);
	if (r != 0 || strcmp(st->id, id) != 0 ||
	    (st->phase != CONFIRM_INSTALLING && st->phase != CONFIRM_PENDING)) {
		if (r == 0)
			confirm_state_free(st);
		close(lock);
		return CONFIRM_TICK_DONE;
	}
	if ((long long)now < st->deadline ||
	    (st->phase == CONFIRM_INSTALLING && pid_alive(st->apply_pid))) {
		close(lock);
		return CONFIRM_TICK_WAIT;
	}
	revert(st);
	st->finished = (long long)now;
	/* when the outcome cannot be written, the log line and the caller still say it */
	(void)state_write(st, NULL);
	log_line(now, st->id, st->phase == CONFIRM_FAILED ? st->error : st->note);
	close(lock);
	return CONFIRM_TICK_REVERTED;
}

bool
confirm_awaits(const struct confirm_state *st)
{
	return st->phase == CONFIRM_INSTALLING || st->phase == CONFIRM_PENDING;
}

int
confirm_revert_now(const char *id, time_t now, char **err)
{
	struct confirm_state st;
	int lock, r;

	if ((lock = state_lock(false, err)) < 0)
		return lock == -2 ? 1 : -1;
	r = state_read(&st, err);
	if (r == 0 && (strcmp(st.id, id) != 0 || !confirm_awaits(&st)))
		r = 1;
	else if (r == 0 && st.deadline > (long long)now) {
		st.deadline = (long long)now;
		r = state_write(&st, err);
	}
	confirm_state_free(&st);
	close(lock);
	return r;
}

/* --- around one apply ---------------------------------------------------------------------- */

void
confirm_apply_init(struct confirm_apply *ca)
{
	memset(ca, 0, sizeof(*ca));
	ca->wait_ms = CONFIRM_WAIT_MS;
}

int
confirm_apply_before(struct confirm_apply *ca, struct apply_request *rq, time_t now)
{
	struct confirm_arm_opts o;
	char *self;

	rq->restart_command = ca->restart_command;
	if (ca->restart_command != NULL || ca->seconds > 0)
		rq->restart = true;
	if (rq->dry_run)
		return 0;
	if (ca->seconds == 0)
		return confirm_idle(&ca->refused);
	if (rq->msp_plan != NULL) {
		/* the revert restores the mc and cf of the state file: not the MSP's pair */
		ca->refused = xstrdup(_("a timed rollback (--confirm-within) does not cover "
		    "submit.mc: it would leave the MSP's pair changed; apply submit.mc on its own"));
		return -1;
	}
	if ((self = realpath("/proc/self/exe", NULL)) == NULL) {
		ca->refused = xstrprintf(_("cannot find the smtls binary for the revert helper: %s"),
		    strerror(errno));
		return -1;
	}
	memset(&o, 0, sizeof(o));
	o.mc_path = rq->mc_path;
	o.cf_path = rq->cf_path;
	o.restart_command = ca->restart_command;
	o.seconds = ca->seconds;
	o.now = now;
	o.stamp = rq->now;
	o.self = self;
	if (confirm_arm(&o, &ca->st, &ca->refused) == -1) {
		free(self);
		return -1;
	}
	free(self);
	ca->armed = true;
	rq->backup_suffix = ca->st.suffix;
	return 0;
}

bool
confirm_apply_live_due(const struct apply_request *rq, const struct apply_result *res)
{
	return rq->restart && !rq->dry_run && res->outcome == APPLY_CHANGED &&
	    res->state[APPLY_STEP_RESTART] == APPLY_ST_DONE;
}

int
confirm_apply_live(struct confirm_apply *ca, const struct apply_request *rq,
    const struct apply_result *res)
{
	struct confirm_live_opts o;

	if (!confirm_apply_live_due(rq, res))
		return 0;
	memset(&o, 0, sizeof(o));
	o.cf_path = res->cf_path;
	o.plan = rq->plan;
	o.wait_ms = ca->wait_ms;
	o.progress = ca->progress;
	o.progress_arg = ca->progress_arg;
	ca->live_ran = true;
	return confirm_live(&o, &ca->live);
}

int
confirm_apply_installed(struct confirm_apply *ca, const struct apply_result *res, time_t now)
{
	if (!ca->armed)
		return 0;
	return confirm_installed(&ca->st, res, now, &ca->error);
}

void
confirm_apply_free(struct confirm_apply *ca)
{
	if (ca->live_ran)
		confirm_live_free(&ca->live);
	confirm_state_free(&ca->st);
	free(ca->refused);
	free(ca->error);
	memset(ca, 0, sizeof(*ca));
}
