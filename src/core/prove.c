/* prove.c: the candidate sendmail.cf as a second daemon on 127.0.0.1, probed and mailed to. */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <limits.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <openssl/x509_vfy.h>

#include "smtls/chain.h"
#include "smtls/fileio.h"
#include "smtls/i18n.h"
#include "smtls/proc.h"
#include "smtls/prove.h"
#include "smtls/sendmail.h"
#include "smtls/xmalloc.h"

#define PROVE_FIRST_PORT	20025
#define PROVE_PORT_TRIES	20
#define PROVE_START_MS		30000	/* for the daemon to listen */
#define PROVE_CLIENT_MS		60000	/* for the sending instance to finish */
#define PROVE_STOP_MS		5000	/* after SIGTERM, before SIGKILL */
#define PROVE_LOG_MAX		(4u * 1024 * 1024)
/* The test recipient: an address literal of TEST-NET-1 (RFC 5737), never one of ours. */
#define PROVE_RCPT		"smtls-prove@[192.0.2.25]"
#define PROVE_RCPT_LHS		"$* < @ [ 192 . 0 . 2 . 25 ] > $*"
#define PROVE_MAILER		"smtlsprove"
#define PROVE_FALLBACK_NAME	"prove.smtls.invalid"

static const struct {
	const char *name, *title;
} step_names[PROVE_STEPS] = {
	[PROVE_STEP_HOST] = { "host", N_("a qualified host name for the candidate") },
	[PROVE_STEP_START] = { "start", N_("start the candidate daemon on 127.0.0.1") },
	[PROVE_STEP_PROBE] = { "probe", N_("STARTTLS to the candidate") },
	[PROVE_STEP_DELIVER] = { "deliver", N_("deliver a test message from a second instance") },
	[PROVE_STEP_STOP] = { "stop", N_("stop both and remove the temporary files") },
};

/* Everything one run needs besides the result. */
struct ctx {
	const struct prove_opts	*o;
	struct prove_result	*r;
	char			 sm_real[PATH_MAX];	/* the binary, symlinks resolved */
	const char		*sm;
	const char		*uts;		/* the host name to run under, or NULL */
	bool			 sleeps;	/* without a namespace, sendmail sleeps 60 s first */
	char			*srv_dir, *srv_log, *srv_pid, *srv_queue;
	char			*clt_dir, *clt_log, *clt_cf, *clt_queue;
	size_t			 srv_log_mark;	/* the server log's length before the delivery */
	pid_t			 told;		/* the daemon's own process group, told to a job */
};

const char *
prove_state_name(enum prove_state s)
{
	switch (s) {
	case PROVE_PENDING:	return "pending";
	case PROVE_RUNNING:	return "running";
	case PROVE_DONE:	return "done";
	case PROVE_FAILED:	return "failed";
	case PROVE_SKIPPED:	return "skipped";
	}
	return "?";
}

static void step(struct ctx *c, enum prove_step_id id, enum prove_state st, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static void
step(struct ctx *c, enum prove_step_id id, enum prove_state st, const char *fmt, ...)
{
	struct prove_step *s = &c->r->steps[id];
	va_list ap;

	s->state = st;
	xfree(s->detail);
	if (fmt != NULL) {
		va_start(ap, fmt);
		s->detail = xvstrprintf(fmt, ap);
		va_end(ap);
	}
	if (c->o->progress != NULL)
		c->o->progress(c->r, id, c->o->progress_arg);
}

/* True when the caller asked to stop; the steps left are then skipped. */
static bool
cancelled(struct ctx *c)
{
	if (c->o->cancel != NULL && *c->o->cancel)
		c->r->interrupted = true;
	return c->r->interrupted;
}

static void
pause_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

	while (nanosleep(&ts, &ts) == -1 && errno == EINTR)
		;
}

/* The whole file as a string ("" when it cannot be read). */
static char *
slurp(const char *path)
{
	enum file_status st;
	char *data = NULL;
	size_t len;

	if (file_read(path, PROVE_LOG_MAX, &data, &len, &st, NULL) == -1)
		return xstrdup("");
	return data;
}

/* True when nothing listens on 127.0.0.1:port and we could bind it. */
static bool
port_free(int port)
{
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons((uint16_t)port),
	    .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0), one = 1;
	bool ok;

	if (fd == -1)
		return false;
	/* as sendmail binds: a port in TIME_WAIT is free for it */
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	ok = bind(fd, (struct sockaddr *)&a, sizeof(a)) == 0;
	close(fd);
	return ok;
}

/* True when a socket listens on 127.0.0.1:port (Linux: /proc/net/tcp, no connection made). */
static bool
listening(int port)
{
	FILE *f = fopen("/proc/net/tcp", "r");
	char line[512], want[32];
	bool found = false;

	if (f == NULL)
		return false;
	snprintf(want, sizeof(want), "0100007F:%04X", port);
	while (!found && fgets(line, sizeof(line), f) != NULL) {
		char local[64], remote[64], st[8];

		if (sscanf(line, " %*[0-9]: %63s %63s %7s", local, remote, st) == 3)
			found = strcmp(local, want) == 0 && strcmp(st, "0A") == 0;
	}
	fclose(f);
	return found;
}

/* PID runs our sendmail binary from a working directory inside dir (its queue directory). */
static bool
pid_is_ours(const struct ctx *c, pid_t pid, const char *dir)
{
	char p[64], exe[PATH_MAX], cwd[PATH_MAX];
	ssize_t n;
	size_t dl = strlen(dir);

	if (pid <= 1)
		return false;
	snprintf(p, sizeof(p), "/proc/%ld/exe", (long)pid);
	if ((n = readlink(p, exe, sizeof(exe) - 1)) <= 0)
		return false;
	exe[n] = '\0';
	if (strcmp(exe, c->sm_real) != 0)
		return false;
	snprintf(p, sizeof(p), "/proc/%ld/cwd", (long)pid);
	if ((n = readlink(p, cwd, sizeof(cwd) - 1)) <= 0)
		return false;
	cwd[n] = '\0';
	return strncmp(cwd, dir, dl) == 0 && (cwd[dl] == '\0' || cwd[dl] == '/');
}

/* Stops PID (checked first, and before each signal): SIGTERM, then SIGKILL. True when gone. */
static bool
stop_pid(const struct ctx *c, pid_t pid, const char *dir)
{
	int waited;

	if (!pid_is_ours(c, pid, dir))
		return true;
	kill(pid, SIGTERM);
	for (waited = 0; waited < PROVE_STOP_MS && pid_is_ours(c, pid, dir); waited += 50)
		pause_ms(50);
	if (pid_is_ours(c, pid, dir)) {
		kill(pid, SIGKILL);
		for (waited = 0; waited < PROVE_STOP_MS && pid_is_ours(c, pid, dir); waited += 50)
			pause_ms(50);
	}
	return !pid_is_ours(c, pid, dir);
}

/* Stops every sendmail process still working inside dir (session children). False: some stay. */
static bool
sweep(const struct ctx *c, const char *dir)
{
	DIR *d = opendir("/proc");
	struct dirent *e;
	bool all = true;

	if (d == NULL)
		return true;
	while ((e = readdir(d)) != NULL) {
		char *end;
		long pid = strtol(e->d_name, &end, 10);

		if (*end != '\0' || pid <= 1 || pid == (long)getpid())
			continue;
		if (pid_is_ours(c, (pid_t)pid, dir) && !stop_pid(c, (pid_t)pid, dir))
			all = false;
	}
	closedir(d);
	return all;
}

static int
rm_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)ftw;
	return (flag == FTW_DP ? rmdir(path) : unlink(path)) == -1 && errno != ENOENT ? -1 : 0;
}

static int
mkdir_private(const char *path)
{
	return mkdir(path, 0700) == -1 && errno != EEXIST ? -1 : 0;
}

/* The first PID of a pid file, or 0. */
static pid_t
read_pid(const char *path)
{
	char *s = slurp(path);
	long v = strtol(s, NULL, 10);

	free(s);
	return v > 1 ? (pid_t)v : 0;
}

/* A growable argv. */
struct argv {
	char	**v;
	size_t	  n;
};

static void argv_add(struct argv *a, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void
argv_add(struct argv *a, const char *fmt, ...)
{
	va_list ap;

	a->v = xreallocarray(a->v, a->n + 2, sizeof(*a->v));
	va_start(ap, fmt);
	a->v[a->n++] = xvstrprintf(fmt, ap);
	va_end(ap);
	a->v[a->n] = NULL;
}

static void
argv_free(struct argv *a)
{
	strv_free(a->v, a->n);
	a->v = NULL;
	a->n = 0;
}

/*
 * The options that keep an instance off everything of the live daemon's, set on the command
 * line (sticky: the cf cannot override them). dir holds the instance's files.
 */
static void
private_options(struct argv *a, const char *dir)
{
	argv_add(a, "-OQueueDirectory=%s/queue", dir);
	argv_add(a, "-OPidFile=%s/sendmail.pid", dir);
	argv_add(a, "-OStatusFile=%s/statistics", dir);
	argv_add(a, "-OControlSocketName=%s/control", dir);
	argv_add(a, "-OHostStatusDirectory=%s/hoststat", dir);
	argv_add(a, "-ODeadLetterDrop=%s/dead.letter", dir);
	/* no milter of the live setup sees the test */
	argv_add(a, "-OInputMailFilters=");
	/* whatever the routing, a connection goes nowhere but 127.0.0.1 */
	argv_add(a, "-OConnectOnlyTo=127.0.0.1");
	/* 14: the peer's certificate and verifymsg are logged too */
	argv_add(a, "-OLogLevel=14");
}

/* Runs argv under the chosen host name; falls back to no namespace once it cannot be made. */
static int
run_sendmail(struct ctx *c, struct argv *a, const char *in, int timeout_ms,
    struct proc_result *pr)
{
	int rc;

	if (c->sleeps)
		timeout_ms += SENDMAIL_UNQUALIFIED_SLEEP_MS;
	rc = proc_run_as_host_input(a->v, c->r->own_uts ? c->uts : NULL, in, in ? strlen(in) : 0,
	    timeout_ms, 64 * 1024, pr);
	if (rc == -1 && pr->ns_failed) {
		c->r->own_uts = false;
		proc_result_free(pr);
		rc = proc_run_as_host_input(a->v, NULL, in, in ? strlen(in) : 0,
		    timeout_ms + (c->sleeps ? 0 : SENDMAIL_UNQUALIFIED_SLEEP_MS), 64 * 1024, pr);
	}
	return rc;
}

/* The last non-empty lines of s, joined by " / " (at most n). */
static char *
tail_lines(const char *s, int n)
{
	const char *p = s + strlen(s), *start;
	struct buf b = { 0 };
	char **v = NULL;
	int k = 0, i;

	while (p > s && k < n) {
		while (p > s && (p[-1] == '\n' || p[-1] == '\r'))
			p--;
		start = p;
		while (start > s && start[-1] != '\n')
			start--;
		if (p > start) {
			v = xreallocarray(v, (size_t)k + 1, sizeof(*v));
			v[k++] = xstrndup(start, (size_t)(p - start));
		}
		p = start;
	}
	for (i = k - 1; i >= 0; i--)
		buf_printf(&b, "%s%s", b.len ? " / " : "", v[i]);
	strv_free(v, (size_t)k);
	return b.len ? buf_release(&b) : xstrdup("");
}

/* --- the host name ----------------------------------------------------------------------- */

/* True when a program can run in a private UTS namespace named name; else *e says why. */
static bool
uts_works(const char *name, int *e)
{
	char prog[] = "true";
	char *argv[] = { prog, NULL };
	struct proc_result pr;
	bool ok;

	ok = !(proc_run_as_host(argv, name, 5000, 1024, &pr) == -1 && pr.ns_failed);
	*e = pr.errno_exec;
	proc_result_free(&pr);
	return ok;
}

const char *
prove_host_name(const struct tls_plan *plan, const struct sendmail_host *h)
{
	if (plan != NULL && plan->hostname != NULL && strchr(plan->hostname, '.') != NULL)
		return plan->hostname;
	if (h->fqdn[0] != '\0')
		return h->fqdn;
	if (strchr(h->name, '.') != NULL)
		return h->name;
	return PROVE_FALLBACK_NAME;
}

static void
do_host(struct ctx *c)
{
	struct sendmail_host h;
	const char *name = NULL;
	struct finding *f;
	int e = 0;

	step(c, PROVE_STEP_HOST, PROVE_RUNNING, NULL);
	sendmail_host_check(&h);
	name = prove_host_name(c->o->plan, &h);
	c->r->hostname = xstrdup(name);
	c->r->own_uts = uts_works(name, &e);
	c->sleeps = !h.qualified && !c->r->own_uts;
	if (!c->r->own_uts) {
		/* sendmail runs under this host's own name then */
		free(c->r->hostname);
		c->r->hostname = xstrdup(h.fqdn[0] ? h.fqdn : h.name);
	}
	c->uts = c->r->hostname;
	if (!h.qualified) {
		f = findings_add(&c->r->findings, "prove.host-unqualified", SEV_WARNING, NULL,
		    _("This host's name '%s' is not qualified and the resolver knows no dotted "
		    "name for it: every sendmail run, the live daemon's start included, first "
		    "sleeps 60 s (\"My unqualified host name (%s) unknown; sleeping for retry\")."),
		    h.name, h.name);
		finding_set_fix(f, _("Give the host a dotted name: a line \"ADDRESS %s.example.org "
		    "%s\" in /etc/hosts (hostname -f must then print the dotted name)."), h.name,
		    h.name);
		finding_set_reproduce(f, "hostname -f");
	}
	if (c->r->own_uts)
		step(c, PROVE_STEP_HOST, PROVE_DONE, _("the candidate runs as %s in a private UTS "
		    "namespace"), name);
	else if (c->sleeps)
		step(c, PROVE_STEP_HOST, PROVE_DONE, _("no private UTS namespace (%s): sendmail "
		    "first sleeps 60 s (unqualified host name %s)"), strerror(e), h.name);
	else
		step(c, PROVE_STEP_HOST, PROVE_DONE, _("the candidate runs as %s"),
		    c->r->hostname);
}

/* --- the candidate daemon ---------------------------------------------------------------- */

/* Starts the daemon on port: 1 listening, 0 the port was taken meanwhile, -1 failed. */
static int
start_on(struct ctx *c, int port, char **why)
{
	struct argv a = { 0 };
	struct proc_result pr;
	int waited, limit = PROVE_START_MS + (c->sleeps ? SENDMAIL_UNQUALIFIED_SLEEP_MS : 0);
	char *log;
	pid_t pid = 0;

	unlink(c->srv_log);
	unlink(c->srv_pid);
	argv_add(&a, "%s", c->sm);
	argv_add(&a, "-C%s", c->o->cf_path);
	argv_add(&a, "-D%s", c->srv_log);	/* -D before -d */
	argv_add(&a, "-d89.8");			/* log lines to the -D file, not syslog */
	argv_add(&a, "-bd");
	argv_add(&a, "-ODaemonPortOptions=Port=%d,Addr=127.0.0.1,Name=smtls-prove", port);
	argv_add(&a, "-ODeliveryMode=queue");	/* accepted mail stays in its queue */
	private_options(&a, c->srv_dir);
	if (run_sendmail(c, &a, NULL, PROVE_START_MS, &pr) == -1 || pr.status != 0) {
		*why = pr.exec_failed ? xstrprintf(_("cannot run %s: %s"), c->sm,
		    strerror(pr.errno_exec)) : pr.timed_out ? xstrprintf(_("%s -bd did not "
		    "return"), c->sm) : NULL;
		if (*why == NULL) {
			char *t = tail_lines(pr.err && *pr.err ? pr.err : "", 3);
			char *l = slurp(c->srv_log), *lt = tail_lines(l, 3);

			*why = xstrprintf(_("sendmail -bd exited with status %d: %s%s%s"), pr.status,
			    t, *t && *lt ? " / " : "", lt);
			free(t);
			free(l);
			free(lt);
		}
		proc_result_free(&pr);
		argv_free(&a);
		return -1;
	}
	proc_result_free(&pr);
	argv_free(&a);
	for (waited = 0; waited < limit; waited += 50) {
		pid = read_pid(c->srv_pid);
		if (pid != 0 && listening(port) && pid_is_ours(c, pid, c->srv_dir)) {
			c->r->server_pid = pid;
			c->r->port = port;
			/* it left proc_run's group for a session of its own: a job that
			 * runs this proof is told, so that killing the job kills it too */
			if (getpgid(pid) == pid) {
				proc_tell_group((int)pid, true);
				c->told = pid;
			}
			return 1;
		}
		log = slurp(c->srv_log);
		if (strstr(log, "cannot bind") != NULL || strstr(log, "Address already in use")) {
			free(log);
			if (pid != 0)
				(void)stop_pid(c, pid, c->srv_dir);
			(void)sweep(c, c->srv_dir);
			return 0;
		}
		free(log);
		/* its pid file is written, but it is gone: no use waiting */
		if (pid != 0 && !pid_is_ours(c, pid, c->srv_dir)) {
			pid = 0;
			break;
		}
		if (cancelled(c))
			break;
		pause_ms(50);
	}
	log = slurp(c->srv_log);
	{
		char *lt = tail_lines(log, 3);

		if (c->r->interrupted)
			*why = xstrdup(_("interrupted"));
		else if (waited < limit)
			*why = xstrprintf(_("the daemon for 127.0.0.1:%d exited%s%s"), port,
			    *lt ? ": " : "", lt);
		else
			*why = xstrprintf(_("no daemon listening on 127.0.0.1:%d after %d s%s%s"),
			    port, limit / 1000, *lt ? ": " : "", lt);
		free(lt);
	}
	free(log);
	if (pid != 0)
		c->r->server_pid = pid;	/* the stop step ends it */
	return -1;
}

static bool
do_start(struct ctx *c)
{
	int port = c->o->first_port > 0 ? c->o->first_port : PROVE_FIRST_PORT, tries, rc = 0;
	char *why = NULL;
	struct finding *f;

	step(c, PROVE_STEP_START, PROVE_RUNNING, NULL);
	for (tries = 0; tries < PROVE_PORT_TRIES && port <= 65535; tries++, port++) {
		if (!port_free(port)) {
			c->r->ports_busy++;
			continue;
		}
		rc = start_on(c, port, &why);
		if (rc != 0)
			break;
		c->r->ports_busy++;
	}
	if (rc == 1) {
		step(c, PROVE_STEP_START, PROVE_DONE, c->r->ports_busy ? _("listening on "
		    "127.0.0.1:%d (pid %ld; %d busy port(s) skipped)") : _("listening on "
		    "127.0.0.1:%d (pid %ld)"), c->r->port, (long)c->r->server_pid, c->r->ports_busy);
		return true;
	}
	if (why == NULL)
		why = xstrprintf(_("no free port from %d on"), port - tries);
	if (c->r->interrupted) {
		step(c, PROVE_STEP_START, PROVE_FAILED, "%s", why);
		free(why);
		return false;
	}
	f = findings_add(&c->r->findings, "prove.start-failed", SEV_ERROR, c->o->cf_path,
	    _("The candidate sendmail.cf does not start as a daemon: %s."), why);
	finding_set_reproduce(f, "%s -C %s -bt < /dev/null", c->sm, c->o->cf_path);
	step(c, PROVE_STEP_START, PROVE_FAILED, "%s", why);
	free(why);
	return false;
}

/* --- the log ----------------------------------------------------------------------------- */

/* The next line of *p (without its newline) as a new string, or NULL at the end. */
static char *
next_line(const char **p)
{
	const char *s = *p, *e;

	if (*s == '\0')
		return NULL;
	e = s + strcspn(s, "\n");
	*p = *e ? e + 1 : e;
	return xstrndup(s, (size_t)(e - s));
}

/* The line without a leading "QUEUEID: " or "NOQUEUE: ". */
static const char *
unprefixed(const char *line)
{
	const char *colon = strstr(line, ": ");

	if (strncmp(line, "STARTTLS", 8) == 0 || colon == NULL)
		return line;
	if (strspn(line, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789") ==
	    (size_t)(colon - line))
		return colon + 2;
	return line;
}

/* The TLS start-up lines of the daemon's log: STARTTLS lines that are no session's result. */
static void
collect_startup(struct ctx *c, const char *log)
{
	const char *p = log;
	char *line;
	size_t i;

	while ((line = next_line(&p)) != NULL) {
		const char *l = unprefixed(line);
		bool seen = false;

		if (strncmp(l, "STARTTLS", 8) != 0 || strstr(l, "relay=") != NULL ||
		    strstr(l, "cert-subject=") != NULL || strstr(l, "start=ok") != NULL ||
		    strstr(l, "SSL_shutdown") != NULL) {
			free(line);
			continue;
		}
		for (i = 0; i < c->r->n_startup && !seen; i++)
			seen = strcmp(c->r->startup[i], l) == 0;
		if (!seen) {
			c->r->startup = xreallocarray(c->r->startup, c->r->n_startup + 1,
			    sizeof(char *));
			c->r->startup[c->r->n_startup++] = xstrdup(l);
		}
		free(line);
	}
}

/* True when a start-up line says something is wrong (a CRL file nobody set is no news). */
static bool
startup_problem(const struct ctx *c, const char *l)
{
	if (strstr(l, "CRLFile missing") != NULL && plan_get(c->o->plan, PF_CRL) == NULL)
		return false;
	if (strstr(l, "CRLPath missing") != NULL && plan_get(c->o->plan, PF_CRL_PATH) == NULL)
		return false;
	if ((strstr(l, "ClientCertFile missing") != NULL ||
	    strstr(l, "ClientKeyFile missing") != NULL) &&
	    plan_get(c->o->plan, PF_CLIENT_CERT) == NULL)
		return false;
	if (strstr(l, "DHParameters") != NULL && plan_get(c->o->plan, PF_DH_PARAMS) == NULL &&
	    strstr(l, "missing") != NULL)
		return false;
	return strstr(l, "unsafe") != NULL || strstr(l, "missing") != NULL ||
	    strstr(l, "failed") != NULL || strstr(l, "error") != NULL ||
	    strstr(l, "init=0") != NULL || strstr(l, "not ") != NULL;
}

/* The start-up lines that say something is wrong, joined by " / ". */
static char *
startup_problems(const struct ctx *c)
{
	struct buf b = { 0 };
	size_t i;

	for (i = 0; i < c->r->n_startup; i++)
		if (startup_problem(c, c->r->startup[i]))
			buf_printf(&b, "%s\"%s\"", b.len ? " / " : "", c->r->startup[i]);
	return b.len ? buf_release(&b) : NULL;
}

/* "verify=OK," -> "OK" */
static char *
field(const char *line, const char *key)
{
	const char *p = strstr(line, key);
	size_t n;

	if (p == NULL)
		return NULL;
	p += strlen(key);
	n = strcspn(p, ", ");
	return xstrndup(p, n);
}

/* One direction's lines ("STARTTLS=server"/"STARTTLS=client") of log: the last session's. */
static void
collect_verify(const char *log, const char *who, struct prove_verify *v)
{
	const char *p = log;
	char *line, *relay = xstrprintf("%s, relay=", who), *cert = xstrprintf("%s, cert-subject=",
	    who);

	while ((line = next_line(&p)) != NULL) {
		const char *l = unprefixed(line);

		if (strncmp(l, relay, strlen(relay)) == 0 && strstr(l, "verify=") != NULL) {
			free(v->line);
			free(v->verify);
			v->line = xstrdup(l);
			v->verify = field(l, "verify=");
		} else if (strncmp(l, cert, strlen(cert)) == 0) {
			free(v->cert_line);
			v->cert_line = xstrdup(l);
		}
		free(line);
	}
	free(relay);
	free(cert);
}

/* --- the probe and the comparison with the plan ------------------------------------------ */

void
prove_planned_chain(const struct tls_plan *p, struct cert *leaf, bool *has_leaf,
    struct cert *issuer, bool *has_issuer)
{
	const char *cert = plan_get(p, PF_SERVER_CERT);
	struct certlist file = { 0 }, presented = { 0 };
	struct trust *t;
	size_t i;

	*has_leaf = *has_issuer = false;
	if (cert == NULL || cert_load_file(cert, &file, NULL) != LOAD_OK || file.n == 0) {
		certlist_free(&file);
		return;
	}
	cert_dup(leaf, &file.v[0]);
	*has_leaf = true;
	if (file.v[0].self_signed)
		goto out;
	for (i = 1; i < file.n; i++)
		if (cert_issued_by(&file.v[0], &file.v[i])) {
			cert_dup(issuer, &file.v[i]);
			*has_issuer = true;
			goto out;
		}
	/* no issuer in the file: OpenSSL completes the chain from CACertFile/CACertPath */
	t = trust_new(plan_get(p, PF_CA_CERT), plan_get(p, PF_CA_PATH));
	chain_presented(t, &file.v[0], NULL, p->now, &presented);
	if (presented.n > 1 && cert_issued_by(&file.v[0], &presented.v[1])) {
		cert_dup(issuer, &presented.v[1]);
		*has_issuer = true;
	}
	certlist_free(&presented);
	trust_free(&t);
out:
	certlist_free(&file);
}

void
prove_chain_served(const struct certlist *served, const struct cert *leaf,
    const struct cert *issuer, bool *leaf_served, bool *issuer_served)
{
	size_t i;

	*leaf_served = *issuer_served = false;
	if (leaf == NULL || served->n == 0)
		return;
	*leaf_served = strcmp(served->v[0].sha256, leaf->sha256) == 0;
	for (i = 1; issuer != NULL && i < served->n && !*issuer_served; i++)
		*issuer_served = strcmp(served->v[i].sha256, issuer->sha256) == 0;
}

/* The planned leaf (ServerCertFile's first certificate) and its issuer, as the settings make it. */
static void
load_plan(struct ctx *c)
{
	prove_planned_chain(c->o->plan, &c->r->planned_leaf, &c->r->has_planned_leaf,
	    &c->r->planned_issuer, &c->r->has_planned_issuer);
}

static void
compare_chain(struct ctx *c)
{
	struct prove_result *r = c->r;
	const char *cert = plan_get(c->o->plan, PF_SERVER_CERT);
	struct finding *f;

	if (!r->has_planned_leaf || r->probe.chain.n == 0)
		return;
	prove_chain_served(&r->probe.chain, &r->planned_leaf,
	    r->has_planned_issuer ? &r->planned_issuer : NULL, &r->leaf_served, &r->issuer_served);
	if (!r->leaf_served) {
		f = findings_add(&r->findings, "prove.leaf-mismatch", SEV_ERROR, cert, _("The "
		    "candidate serves %s (SHA-256 %s), not the planned certificate %s (SHA-256 %s)."),
		    r->probe.chain.v[0].subject, r->probe.chain.v[0].sha256,
		    r->planned_leaf.subject, r->planned_leaf.sha256);
		finding_set_fix(f, _("Make confSERVER_CERT name %s in sendmail.mc and rebuild "
		    "sendmail.cf."), cert);
	}
	if (!r->has_planned_issuer)
		return;
	/* a root need not be sent: peers have it or do not */
	if (r->issuer_served || r->planned_issuer.self_signed)
		return;
	f = findings_add(&r->findings, "prove.issuer-not-served", SEV_ERROR, cert, _("The "
	    "candidate does not send the issuer of its certificate (%s): peers that do not have "
	    "it already fail with \"unable to get local issuer certificate\"."),
	    r->planned_issuer.subject);
	finding_set_fix(f, _("Put the issuer in the file named by confCACERT (e.g. the CA's "
	    "chain.pem): this sendmail sends only the first certificate of ServerCertFile and "
	    "completes the chain from CACertFile and CACertPath."));
	finding_set_reproduce(f, "openssl s_client -starttls smtp -connect 127.0.0.1:%d "
	    "-showcerts", r->port);
}

/*
 * A chain the candidate serves in full (the planned leaf, and its issuer unless that is a
 * root) that ends at a root the public roots lack is the certificate's nature (self-signed,
 * a private CA), which the check already judges (cert.self-signed, chain.untrusted as info),
 * not a fault of the candidate: its chain.untrusted is information then, and the proof can
 * pass. A chain that lacks its issuer, or fails for another reason, stays an error.
 */
static void
settle_private_root(struct ctx *c)
{
	const struct prove_result *r = c->r;
	long e = r->probe.verify_error;
	size_t i;

	if (!r->leaf_served || (r->has_planned_issuer && !r->issuer_served &&
	    !r->planned_issuer.self_signed))
		return;
	if (e != X509_V_ERR_DEPTH_ZERO_SELF_SIGNED_CERT && e != X509_V_ERR_SELF_SIGNED_CERT_IN_CHAIN &&
	    !((e == X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY ||
	    e == X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT) && r->probe.verify_depth > 0))
		return;
	for (i = 0; i < c->r->findings.n; i++) {
		struct finding *f = &c->r->findings.v[i];

		if (strcmp(f->id, "chain.untrusted") == 0 && f->severity == SEV_ERROR)
			f->severity = SEV_INFO;
	}
}

/*
 * The fix for sendmail's "file F unsafe: REASON": the chmod for a readable or writable file,
 * the directories for a writable directory; otherwise what check explains.
 */
static void
set_startup_fix(const struct ctx *c, struct finding *f)
{
	size_t i;

	for (i = 0; i < c->r->n_startup; i++) {
		const char *l = c->r->startup[i], *p = strstr(l, ": file "), *u;
		char *file;

		if (p == NULL || (u = strstr(p + 7, " unsafe: ")) == NULL)
			continue;
		file = xstrndup(p + 7, (size_t)(u - p - 7));
		if (strstr(u, "directory") != NULL)
			finding_set_fix(f, _("Make every directory above %s writable by its owner "
			    "only (chmod go-w; smtls check names which), then prove again."), file);
		else
			finding_set_fix(f, _("chmod 600 %s (readable by its owner only), then prove "
			    "again."), file);
		free(file);
		return;
	}
	finding_set_fix(f, _("Fix what sendmail's own lines name (smtls check explains each "
	    "file), then prove again."));
}

static bool
do_probe(struct ctx *c)
{
	const struct tls_plan *p = c->o->plan;
	struct probe_opts po;
	struct stat st;
	char *problems, *log;
	struct finding *f;
	int rc;

	step(c, PROVE_STEP_PROBE, PROVE_RUNNING, NULL);
	memset(&po, 0, sizeof(po));
	po.host = "127.0.0.1";
	po.port = c->r->port;
	po.verify_name = p->hostname;
	po.ehlo_name = PROVE_FALLBACK_NAME;
	if (p->public_roots != NULL && stat(p->public_roots, &st) == 0 && S_ISDIR(st.st_mode))
		po.ca_path = p->public_roots;
	else
		po.ca_file = p->public_roots;
	po.connect_timeout_ms = 10000;
	po.reply_timeout_ms = 30000 + (c->sleeps ? SENDMAIL_UNQUALIFIED_SLEEP_MS : 0);
	po.now = p->now;
	rc = probe_run(&po, &c->r->probe);
	/* sendmail logs its TLS set-up at start and again in a session that retries it */
	log = slurp(c->srv_log);
	collect_startup(c, log);
	c->srv_log_mark = strlen(log);
	free(log);
	problems = startup_problems(c);
	if (rc == -1) {
		f = findings_add(&c->r->findings, "prove.no-starttls", SEV_ERROR, c->o->cf_path,
		    _("The candidate offers no working STARTTLS: %s.%s%s"), c->r->probe.failure,
		    problems ? _(" sendmail says: ") : "", problems ? problems : "");
		set_startup_fix(c, f);
		step(c, PROVE_STEP_PROBE, PROVE_FAILED, "%s", c->r->probe.failure);
		free(problems);
		return false;
	}
	c->r->probed = true;
	free(problems);
	findings_move(&c->r->findings, &c->r->probe.findings);
	compare_chain(c);
	settle_private_root(c);
	step(c, PROVE_STEP_PROBE, PROVE_DONE, "%s, %s", c->r->probe.protocol, c->r->probe.cipher);
	return true;
}

/* --- the test message -------------------------------------------------------------------- */

/*
 * The sending instance's cf: the candidate's, plus one rule at the head of ruleset 0 that
 * routes the test recipient to a copy of its esmtp mailer aimed at the candidate's port. No
 * other line changes, so its TLS options and rulesets are the candidate's own.
 */
static int
write_client_cf(struct ctx *c, char **why)
{
	char *cf = slurp(c->o->cf_path), *line, *mailer = NULL;
	const char *p = cf;
	struct buf out = { 0 }, m = { 0 };
	bool ruled = false, in_mailer = false;
	int rc = -1;

	while ((line = next_line(&p)) != NULL) {
		buf_printf(&out, "%s\n", line);
		if (!ruled && (strcmp(line, "Sparse=0") == 0 || strcmp(line, "S0") == 0)) {
			buf_printf(&out, "R%s\t$#%s $@ [127.0.0.1] $: $1 < @ [ 192 . 0 . 2 . 25 ] > $2\n",
			    PROVE_RCPT_LHS, PROVE_MAILER);
			ruled = true;
		}
		if (in_mailer && (line[0] == ' ' || line[0] == '\t'))
			buf_printf(&m, " %s", line + strspn(line, " \t"));
		else
			in_mailer = false;
		if (m.len == 0 && strncmp(line, "Mesmtp,", 7) == 0) {
			buf_puts(&m, line + 7);
			in_mailer = true;
		}
		free(line);
	}
	if (!ruled) {
		*why = xstrdup(_("the candidate has no ruleset 0 to route the test message"));
		goto out;
	}
	if (m.len == 0) {
		*why = xstrdup(_("the candidate has no esmtp mailer (MAILER(`smtp'))"));
		goto out;
	}
	{
		/* F= gains k (no "mail loops back to me": both instances share $j), A= the port */
		char *fl = strstr(m.data, "F="), *a = strstr(m.data, "A=");
		struct buf nm = { 0 };

		if (fl == NULL || a == NULL || (fl > a)) {
			*why = xstrdup(_("the candidate's esmtp mailer has no F= or A= field"));
			goto out;
		}
		buf_printf(&nm, "M%s,", PROVE_MAILER);
		buf_append(&nm, m.data, (size_t)(fl - m.data) + 2);
		buf_puts(&nm, "k");
		buf_append(&nm, fl + 2, (size_t)(a - fl - 2));
		buf_printf(&nm, "A=TCP $h %d\n", c->r->port);
		mailer = buf_release(&nm);
	}
	buf_printf(&out, "\n# smtls prove: the test message's way to the candidate\n%s", mailer);
	if (file_write_new(c->clt_cf, out.data, out.len, 0600, why) == -1)
		goto out;	/* a file of our own work directory, made once */
	rc = 0;
out:
	free(mailer);
	buf_free(&m);
	buf_free(&out);
	free(cf);
	return rc;
}

/* True when the candidate's queue holds a queued message (a qf file). */
static bool
queued(const char *queue)
{
	DIR *d = opendir(queue);
	struct dirent *e;
	bool found = false;

	if (d == NULL)
		return false;
	while (!found && (e = readdir(d)) != NULL)
		found = strncmp(e->d_name, "qf", 2) == 0;
	closedir(d);
	return found;
}

static void
do_deliver(struct ctx *c)
{
	static const char msg[] = "Subject: smtls prove: a test message\n"
	    "\n"
	    "smtls proves a candidate sendmail.cf; this message never leaves its queue.\n";
	struct argv a = { 0 };
	struct proc_result pr;
	char *why = NULL, *log, *slog;
	struct finding *f;

	step(c, PROVE_STEP_DELIVER, PROVE_RUNNING, NULL);
	if (write_client_cf(c, &why) == -1) {
		step(c, PROVE_STEP_DELIVER, PROVE_SKIPPED, "%s", why);
		free(why);
		return;
	}
	argv_add(&a, "%s", c->sm);
	argv_add(&a, "-C%s", c->clt_cf);
	argv_add(&a, "-D%s", c->clt_log);
	argv_add(&a, "-d89.8");
	argv_add(&a, "-odi");		/* deliver now, in the foreground */
	argv_add(&a, "-oi");
	argv_add(&a, "-oeq");		/* no error report by mail */
	argv_add(&a, "-Nnever");	/* no delivery status notification either */
	private_options(&a, c->clt_dir);
	/* a bounce, had there been one, would go the test message's way: to the candidate */
	argv_add(&a, "-ODoubleBounceAddress=%s", PROVE_RCPT);
	argv_add(&a, "-OPostmasterCopy=");
	/* the null sender: no domain to check (Debian's cf refuses [192.0.2.25]), none to bounce to */
	argv_add(&a, "-f<>");
	argv_add(&a, "%s", PROVE_RCPT);
	(void)run_sendmail(c, &a, msg, PROVE_CLIENT_MS, &pr);
	argv_free(&a);
	log = slurp(c->clt_log);
	slog = slurp(c->srv_log);
	collect_startup(c, log);
	collect_verify(log, "STARTTLS=client", &c->r->client_verify);
	collect_verify(slog + (c->srv_log_mark <= strlen(slog) ? c->srv_log_mark : 0),
	    "STARTTLS=server", &c->r->server_verify);
	{
		const char *p = log;
		char *line;

		while ((line = next_line(&p)) != NULL) {
			const char *s = strstr(line, "stat=");

			if (s != NULL && strstr(line, "to=" PROVE_RCPT) != NULL) {
				free(c->r->delivery);
				c->r->delivery = xstrdup(s);
			}
			free(line);
		}
	}
	c->r->delivered = c->r->delivery != NULL && strncmp(c->r->delivery, "stat=Sent", 9) == 0 &&
	    queued(c->srv_queue);
	if (c->r->delivered) {
		step(c, PROVE_STEP_DELIVER, PROVE_DONE, _("delivered; verify=%s at the candidate, "
		    "verify=%s at the sender"), c->r->server_verify.verify ?
		    c->r->server_verify.verify : "?", c->r->client_verify.verify ?
		    c->r->client_verify.verify : "?");
	} else {
		char *t = c->r->delivery ? xstrdup(c->r->delivery) : pr.timed_out ?
		    xstrdup(_("the sending instance did not finish")) : tail_lines(log, 2);
		bool tls = c->r->client_verify.verify != NULL;

		f = findings_add(&c->r->findings, "prove.delivery-failed", tls ? SEV_WARNING :
		    SEV_ERROR, c->o->cf_path, tls ? _("The test message from a second candidate "
		    "instance was not accepted (%s); TLS itself worked both ways.") :
		    _("A second candidate instance could not deliver to the candidate over TLS "
		    "(%s): its outgoing mail will not be encrypted or will not go."), t);
		finding_set_reproduce(f, "smtls explain LOGFILE");
		step(c, PROVE_STEP_DELIVER, PROVE_FAILED, "%s", t);
		free(t);
	}
	/* verify=FAIL: the candidate's own store cannot verify a chain like its own */
	if (c->r->server_verify.verify && strcmp(c->r->server_verify.verify, "FAIL") == 0) {
		f = findings_add(&c->r->findings, "prove.peer-verify", SEV_WARNING, NULL, _("The "
		    "candidate could not verify the sending instance's client certificate "
		    "(verify=FAIL%s%s): its CACertFile/CACertPath lack that certificate's root, so "
		    "it cannot verify clients with certificates like its own."),
		    c->r->server_verify.cert_line ? ": " : "", c->r->server_verify.cert_line ?
		    c->r->server_verify.cert_line : "");
		finding_set_reproduce(f, "smtls check");
	}
	if (c->r->client_verify.verify && strcmp(c->r->client_verify.verify, "FAIL") == 0) {
		f = findings_add(&c->r->findings, "prove.peer-verify", SEV_WARNING, NULL, _("The "
		    "sending instance could not verify the candidate's certificate (verify=FAIL%s%s): "
		    "its CACertFile/CACertPath do not lead to the root of its own chain."),
		    c->r->client_verify.cert_line ? ": " : "", c->r->client_verify.cert_line ?
		    c->r->client_verify.cert_line : "");
		finding_set_reproduce(f, "smtls check");
	}
	free(log);
	free(slog);
	proc_result_free(&pr);
}

/* A working STARTTLS whose start-up lines (both instances') still complain. */
static void
judge_startup(struct ctx *c)
{
	char *problems = startup_problems(c);
	struct finding *f;

	if (problems == NULL)
		return;
	f = findings_add(&c->r->findings, "prove.tls-startup", SEV_WARNING, c->o->cf_path,
	    _("The candidate's TLS start-up complains: %s."), problems);
	set_startup_fix(c, f);
	free(problems);
}

/* --- stop and clean up ------------------------------------------------------------------- */

static void
do_stop(struct ctx *c)
{
	bool gone = true;
	struct finding *f;
	pid_t pid;

	step(c, PROVE_STEP_STOP, PROVE_RUNNING, NULL);
	if (c->r->workdir == NULL) {
		step(c, PROVE_STEP_STOP, PROVE_DONE, _("nothing to stop"));
		c->r->cleaned = true;
		return;
	}
	pid = c->r->server_pid ? c->r->server_pid : read_pid(c->srv_pid);
	if (pid != 0)
		gone = stop_pid(c, pid, c->srv_dir);
	if (gone && c->told != 0) {
		proc_tell_group((int)c->told, false);
		c->told = 0;
	}
	/* its session children, and a sending instance that outlived its timeout */
	gone = sweep(c, c->r->workdir) && gone;
	if (!gone) {
		f = findings_add(&c->r->findings, "prove.left-behind", SEV_ERROR, c->r->workdir,
		    _("A candidate sendmail process inside %s did not stop."), c->r->workdir);
		finding_set_reproduce(f, "ls -l /proc/*/cwd 2>/dev/null | grep %s", c->r->workdir);
		step(c, PROVE_STEP_STOP, PROVE_FAILED, _("a process did not stop; %s is kept"),
		    c->r->workdir);
		return;
	}
	if (nftw(c->r->workdir, rm_one, 16, FTW_DEPTH | FTW_PHYS) == -1) {
		f = findings_add(&c->r->findings, "prove.left-behind", SEV_ERROR, c->r->workdir,
		    _("%s could not be removed: %s."), c->r->workdir, strerror(errno));
		step(c, PROVE_STEP_STOP, PROVE_FAILED, _("%s could not be removed"), c->r->workdir);
		return;
	}
	c->r->cleaned = true;
	if (pid != 0)
		step(c, PROVE_STEP_STOP, PROVE_DONE, _("stopped pid %ld; %s removed"), (long)pid,
		    c->r->workdir);
	else
		step(c, PROVE_STEP_STOP, PROVE_DONE, _("%s removed"), c->r->workdir);
}

/* --- the whole proof --------------------------------------------------------------------- */

static int
unavailable(struct ctx *c, const char *file, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static int
unavailable(struct ctx *c, const char *file, const char *fmt, ...)
{
	va_list ap;
	char *msg;
	int i;

	va_start(ap, fmt);
	msg = xvstrprintf(fmt, ap);
	va_end(ap);
	findings_add(&c->r->findings, "prove.unavailable", SEV_ERROR, file, "%s", msg);
	for (i = 0; i < PROVE_STEPS; i++)
		if (c->r->steps[i].state == PROVE_PENDING)
			c->r->steps[i].state = PROVE_SKIPPED;
	step(c, PROVE_STEP_HOST, PROVE_FAILED, "%s", msg);
	free(msg);
	return -1;
}

int
prove_run(const struct prove_opts *o, struct prove_result *r)
{
	struct ctx c = { .o = o, .r = r };
	const char *parent = o->work_parent ? o->work_parent : "/run";
	char *tmpl;
	int i;

	prove_result_init(r);
	c.sm = o->sendmail_path ? o->sendmail_path : sendmail_default_path();
	if (c.sm == NULL || realpath(c.sm, c.sm_real) == NULL)
		return unavailable(&c, c.sm, _("No sendmail binary to run the candidate with%s%s."),
		    c.sm ? ": " : "", c.sm ? c.sm : "");
	if (o->cf_path == NULL || access(o->cf_path, R_OK) == -1)
		return unavailable(&c, o->cf_path, _("The candidate sendmail.cf %s cannot be read: "
		    "%s."), o->cf_path ? o->cf_path : "", o->cf_path ? strerror(errno) :
		    _("none given"));
	if (geteuid() != 0)
		return unavailable(&c, NULL, _("Proving a sendmail.cf needs root: sendmail reads "
		    "the TLS files and binds a port as the live daemon does."));
	tmpl = xstrprintf("%s/smtls-prove.XXXXXX", parent);
	if (mkdtemp(tmpl) == NULL) {
		i = errno;
		free(tmpl);
		return unavailable(&c, parent, _("Cannot make a temporary directory in %s: %s."),
		    parent, strerror(i));
	}
	r->workdir = tmpl;
	c.srv_dir = xstrprintf("%s/server", tmpl);
	c.srv_log = xstrprintf("%s/log", c.srv_dir);
	c.srv_pid = xstrprintf("%s/sendmail.pid", c.srv_dir);
	c.srv_queue = xstrprintf("%s/queue", c.srv_dir);
	c.clt_dir = xstrprintf("%s/client", tmpl);
	c.clt_log = xstrprintf("%s/log", c.clt_dir);
	c.clt_cf = xstrprintf("%s/sendmail.cf", c.clt_dir);
	c.clt_queue = xstrprintf("%s/queue", c.clt_dir);
	{
		const char *dirs[] = { "server", "server/queue", "server/hoststat", "client",
		    "client/queue", "client/hoststat" };

		for (size_t k = 0; k < sizeof(dirs) / sizeof(dirs[0]); k++) {
			char *d = xstrprintf("%s/%s", tmpl, dirs[k]);

			(void)mkdir_private(d);
			free(d);
		}
		/* sendmail keeps statistics only in a file that exists */
		for (size_t k = 0; k < 2; k++) {
			char *s = xstrprintf("%s/statistics", k ? c.clt_dir : c.srv_dir);
			int fd = open(s, O_WRONLY | O_CREAT | O_CLOEXEC, 0600);

			if (fd != -1)
				close(fd);
			free(s);
		}
	}
	load_plan(&c);
	do_host(&c);
	if (!cancelled(&c) && do_start(&c) && !cancelled(&c) && do_probe(&c) && !cancelled(&c)) {
		do_deliver(&c);
		judge_startup(&c);
	}
	(void)cancelled(&c);
	for (i = 0; i < PROVE_STEPS; i++)
		if (r->steps[i].state == PROVE_PENDING && i != PROVE_STEP_STOP)
			step(&c, (enum prove_step_id)i, PROVE_SKIPPED, r->interrupted ?
			    _("interrupted") : NULL);
	do_stop(&c);
	findings_sort(&r->findings);
	r->passed = !r->interrupted && findings_count(&r->findings, SEV_ERROR) == 0 &&
	    r->steps[PROVE_STEP_START].state == PROVE_DONE &&
	    r->steps[PROVE_STEP_PROBE].state == PROVE_DONE && r->cleaned;
	free(c.srv_dir);
	free(c.srv_log);
	free(c.srv_pid);
	free(c.srv_queue);
	free(c.clt_dir);
	free(c.clt_log);
	free(c.clt_cf);
	free(c.clt_queue);
	return 0;
}

static void
verify_free(struct prove_verify *v)
{
	free(v->line);
	free(v->verify);
	free(v->cert_line);
}

void
prove_result_init(struct prove_result *r)
{
	int i;

	memset(r, 0, sizeof(*r));
	for (i = 0; i < PROVE_STEPS; i++) {
		r->steps[i].name = step_names[i].name;
		r->steps[i].title = step_names[i].title;
	}
}

void
prove_result_free(struct prove_result *r)
{
	int i;

	for (i = 0; i < PROVE_STEPS; i++)
		free(r->steps[i].detail);
	free(r->hostname);
	free(r->workdir);
	probe_result_free(&r->probe);
	if (r->has_planned_leaf)
		cert_clear(&r->planned_leaf);
	if (r->has_planned_issuer)
		cert_clear(&r->planned_issuer);
	strv_free(r->startup, r->n_startup);
	verify_free(&r->server_verify);
	verify_free(&r->client_verify);
	free(r->delivery);
	findings_free(&r->findings);
	memset(r, 0, sizeof(*r));
}
