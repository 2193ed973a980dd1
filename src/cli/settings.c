/* settings.c: the settings flags shared by check, emit, apply and probe, and small CLI helpers. */
#include "config.h"

#include <errno.h>
#include <netdb.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "smtls/cert.h"
#include "smtls/check.h"
#include "smtls/fileio.h"
#include "smtls/i18n.h"
#include "smtls/mc.h"

#define SMTLS_MAIL_DIR_DEFAULT	"/etc/mail"	/* overridden by $SMTLS_MAIL_DIR (tests) */
#include "smtls/xmalloc.h"

static const struct cmd_option settings_options[] = {
	{ "letsencrypt", 0, required_argument, N_("DIR"), OPT_LETSENCRYPT,
	  N_("a Let's Encrypt live directory: DIR/cert.pem as server cert, DIR/chain.pem as CA "
	  "cert, DIR/privkey.pem as key") },
	{ "server-cert", 0, required_argument, N_("FILE"), OPT_SERVER_CERT,
	  N_("our certificate (confSERVER_CERT, ServerCertFile)") },
	{ "server-key", 0, required_argument, N_("FILE"), OPT_SERVER_KEY,
	  N_("its private key (confSERVER_KEY, ServerKeyFile)") },
	{ "client-cert", 0, required_argument, N_("FILE"), OPT_CLIENT_CERT,
	  N_("certificate for outgoing mail (default: the server's)") },
	{ "client-key", 0, required_argument, N_("FILE"), OPT_CLIENT_KEY,
	  N_("its key (default: the server key)") },
	{ "no-client-cert", 0, no_argument, NULL, OPT_NO_CLIENT_CERT,
	  N_("send no certificate when delivering to other servers") },
	{ "ca-cert", 0, required_argument, N_("FILE"), OPT_CA_CERT,
	  N_("our issuer, sent to clients as acceptable CA (confCACERT)") },
	{ "ca-path", 0, required_argument, N_("DIR"), OPT_CA_PATH,
	  N_("hashed directory of trusted roots (confCACERT_PATH)") },
	{ "hostname", 0, required_argument, N_("FQDN"), OPT_HOSTNAME,
	  N_("the name the certificate must cover (default: this host)") },
	{ "mc", 0, required_argument, N_("FILE"), OPT_MC,
	  N_("read the settings from this sendmail.mc (runs m4)") },
	{ "cf", 0, required_argument, N_("FILE"), OPT_CF,
	  N_("read the settings from this sendmail.cf") },
	{ "cf-m4", 0, required_argument, N_("DIR"), OPT_CF_M4,
	  N_("the sendmail-cf directory holding m4/cf.m4") },
	{ "public-roots", 0, required_argument, N_("F|D"), OPT_PUBLIC_ROOTS,
	  N_("roots peers are assumed to trust (default: system bundle)") },
	{ "sendmail", 0, required_argument, N_("PATH"), OPT_SENDMAIL,
	  N_("the sendmail binary to inspect") },
	{ "at", 0, required_argument, N_("TIME"), OPT_AT,
	  N_("judge validity at this UTC time (2021-10-01[T00:00:00Z])") },
	{ "json", 0, no_argument, NULL, OPT_JSON, N_("machine-readable output") },
	CMD_OPTIONS_END
};

const struct cmd_group settings_group = { N_("Settings:"), settings_options, NULL };

void
settings_init(struct cli_settings *s)
{
	memset(s, 0, sizeof(*s));
	plan_init(&s->plan, time(NULL));
}

static void
set_file(struct cli_settings *s, enum plan_field f, const char *arg)
{
	plan_set(&s->plan, f, arg, NULL, 0);
	s->any_file_flag = true;
}

int
settings_option(struct cli_settings *s, int opt, const char *arg)
{
	char *p;

	switch (opt) {
	case OPT_LETSENCRYPT:
		p = xstrprintf("%s/cert.pem", arg);
		set_file(s, PF_SERVER_CERT, p);
		free(p);
		p = xstrprintf("%s/privkey.pem", arg);
		set_file(s, PF_SERVER_KEY, p);
		free(p);
		p = xstrprintf("%s/chain.pem", arg);
		set_file(s, PF_CA_CERT, p);
		free(p);
		return 1;
	case OPT_SERVER_CERT:
		set_file(s, PF_SERVER_CERT, arg);
		return 1;
	case OPT_SERVER_KEY:
		set_file(s, PF_SERVER_KEY, arg);
		return 1;
	case OPT_CLIENT_CERT:
		set_file(s, PF_CLIENT_CERT, arg);
		return 1;
	case OPT_CLIENT_KEY:
		set_file(s, PF_CLIENT_KEY, arg);
		return 1;
	case OPT_NO_CLIENT_CERT:
		s->plan.no_client_cert = true;
		s->any_file_flag = true;
		return 1;
	case OPT_CA_CERT:
		set_file(s, PF_CA_CERT, arg);
		return 1;
	case OPT_CA_PATH:
		set_file(s, PF_CA_PATH, arg);
		return 1;
	case OPT_HOSTNAME:
		free(s->plan.hostname);
		s->plan.hostname = xstrdup(arg);
		return 1;
	case OPT_MC:
		free(s->plan.mc_path);
		s->plan.mc_path = xstrdup(arg);
		return 1;
	case OPT_CF:
		free(s->plan.cf_path);
		s->plan.cf_path = xstrdup(arg);
		return 1;
	case OPT_CF_M4:
		free(s->cf_m4);
		s->cf_m4 = xstrdup(arg);
		return 1;
	case OPT_PUBLIC_ROOTS:
		free(s->plan.public_roots);
		s->plan.public_roots = xstrdup(arg);
		return 1;
	case OPT_SENDMAIL:
		free(s->plan.sendmail_path);
		s->plan.sendmail_path = xstrdup(arg);
		return 1;
	case OPT_AT:
		if (time_parse_iso(arg, &s->plan.now) == -1) {
			cli_error(_("--at: '%s' is not a UTC time like 2021-10-01 or "
			    "2021-10-01T00:00:00Z"), arg);
			return -1;
		}
		s->at_given = true;
		return 1;
	case OPT_JSON:
		s->json = true;
		return 1;
	}
	return 0;
}

void
settings_finish(struct cli_settings *s)
{
	struct tls_plan *p = &s->plan;

	/* sendmail sends no client certificate unless told: defaults only for flag-made plans */
	if (s->any_file_flag && !p->no_client_cert && p->mc_path == NULL && p->cf_path == NULL) {
		if (p->value[PF_CLIENT_CERT] == NULL && p->value[PF_SERVER_CERT] != NULL)
			plan_set(p, PF_CLIENT_CERT, p->value[PF_SERVER_CERT], NULL, 0);
		if (p->value[PF_CLIENT_KEY] == NULL && p->value[PF_SERVER_KEY] != NULL)
			plan_set(p, PF_CLIENT_KEY, p->value[PF_SERVER_KEY], NULL, 0);
	}
	if (p->hostname == NULL)
		p->hostname = cli_fqdn();
	if (s->has_next && s->next.hostname == NULL && p->hostname != NULL)
		s->next.hostname = xstrdup(p->hostname);
	if (p->public_roots == NULL) {
		/* the hashed directory first: the same roots as its bundle, looked up by hash
		 * instead of parsing every certificate (the wizard re-checks on every key) */
		static const char *const bundles[] = {
			"/etc/ssl/certs", "/etc/ssl/certs/ca-certificates.crt",
			"/etc/pki/tls/certs/ca-bundle.crt", "/etc/ssl/cert.pem",
		};
		size_t i;

		for (i = 0; i < sizeof(bundles) / sizeof(bundles[0]); i++)
			if (access(bundles[i], R_OK) == 0) {
				p->public_roots = xstrdup(bundles[i]);
				break;
			}
	}
	if (s->has_next && s->next.public_roots == NULL && p->public_roots != NULL)
		s->next.public_roots = xstrdup(p->public_roots);
}

int
settings_check_targets(const struct cli_settings *s, const char *cmd)
{
	const char *mc = s->plan.mc_path, *cf = s->plan.cf_path, *why;
	struct stat st;

	if (mc != NULL && (why = file_problem(mc)) != NULL) {
		cli_error(_("%s: %s: %s; --mc must name the sendmail.mc to use"), cmd, mc, why);
		return -1;
	}
	/* a missing cf is built; a loop, a directory or a FIFO there is an error */
	if (cf != NULL && (lstat(cf, &st) == 0 || errno != ENOENT) &&
	    (why = file_problem(cf)) != NULL) {
		cli_error(_("%s: %s: %s; --cf must name the sendmail.cf to use (or a new one)"), cmd, cf, why);
		return -1;
	}
	return 0;
}

/* Copies the fields of from that the flags left unset into to. */
static void
plan_fill(struct tls_plan *to, const struct tls_plan *from)
{
	int f;

	for (f = 0; f < PF_COUNT; f++)
		if (to->value[f] == NULL && from->value[f] != NULL)
			plan_set(to, (enum plan_field)f, from->value[f], from->origin[f].file,
			    from->origin[f].line);
	plan_fill_sendmail(to, from);
}

/* s->next: the flags of s->plan over the mc's settings, judged like the plan. */
static void
plan_next(struct cli_settings *s, const struct tls_plan *mc)
{
	const struct tls_plan *p = &s->plan;
	struct tls_plan *n = &s->next;

	plan_init(n, p->now);
	plan_fill(n, p);
	plan_fill(n, mc);
	n->no_client_cert = p->no_client_cert;
	n->want_ok = p->want_ok;
	n->msp = mc->msp;
#define NEXT_STR(x)	n->x = p->x ? xstrdup(p->x) : NULL
	NEXT_STR(hostname);
	NEXT_STR(public_roots);
	NEXT_STR(mc_path);
	NEXT_STR(cf_path);
	NEXT_STR(sendmail_path);
#undef NEXT_STR
	s->has_next = true;
}

/* Something is there (a loop, a dangling link or an unreadable file too: the loader then
 * says what is wrong with it, rather than "neither exists"). */
static int
exists(const char *path)
{
	struct stat st;

	return lstat(path, &st) == 0 || errno != ENOENT;
}

int
settings_load_config(struct cli_settings *s, struct findings *fs)
{
	struct tls_plan *p = &s->plan, base, cfp;
	char *mc = NULL, *cf = NULL;
	int rc = 0;

	if (p->mc_path != NULL)
		mc = xstrdup(p->mc_path);
	if (p->cf_path != NULL)
		cf = xstrdup(p->cf_path);
	if (mc == NULL && cf == NULL) {
		const char *dir = getenv("SMTLS_MAIL_DIR");
		char *m, *c;

		if (s->any_file_flag)
			return 0;
		if (dir == NULL || *dir == '\0')
			dir = SMTLS_MAIL_DIR_DEFAULT;
		m = xstrprintf("%s/sendmail.mc", dir);
		c = xstrprintf("%s/sendmail.cf", dir);
		if (exists(m))
			mc = m;
		else
			free(m);
		if (exists(c))
			cf = c;
		else
			free(c);
		if (mc == NULL && cf == NULL) {
			cli_error(_("no settings to check: neither %s/sendmail.mc nor %s/sendmail.cf "
			    "exists; give --mc FILE, --cf FILE or the file flags (--server-cert ...)"),
			    dir, dir);
			return -2;
		}
		free(p->mc_path);
		free(p->cf_path);
		p->mc_path = mc ? xstrdup(mc) : NULL;
		p->cf_path = cf ? xstrdup(cf) : NULL;
	}
	plan_init(&base, p->now);
	if (mc != NULL) {
		if (mc_load(mc, NULL, s->cf_m4, &base, fs, NULL) == -1)
			rc = -1;
		else if (cf != NULL) {
			plan_init(&cfp, p->now);
			if (cf_load(cf, &cfp, fs) == 0) {
				mc_compare_cf(&base, &cfp, mc, cf, fs);
				/* the cf is what sendmail runs now; the mc what a rebuild gives */
				plan_next(s, &base);
				plan_free(&base);
				base = cfp;
				free(p->mc_path);
				p->mc_path = NULL;
			} else
				plan_free(&cfp);
		}
	} else if (cf_load(cf, &base, fs) == -1)
		rc = -1;
	if (rc == 0) {
		plan_fill(p, &base);
		p->msp = p->msp || base.msp;	/* submit.mc / submit.cf */
	}
	plan_free(&base);
	free(mc);
	free(cf);
	return rc;
}

int
settings_submit_mc(const char *cmd, const char *given, bool no, const char *mta_mc,
    bool mta_is_msp, char **out)
{
	char *err = NULL;
	int r;

	*out = NULL;
	if (given != NULL && no) {
		cli_error(_("%s: --submit-mc and --no-submit-mc do not go together"), cmd);
		return EXIT_USAGE;
	}
	if (given == NULL) {
		if (!no && !mta_is_msp)
			*out = check_submit_beside(mta_mc);
		return 0;
	}
	if (mta_is_msp) {
		cli_error(_("%s: --mc %s is the MSP's configuration (FEATURE(`msp')); --submit-mc "
		    "goes with the MTA's sendmail.mc"), cmd, mta_mc ? mta_mc : "");
		return EXIT_USAGE;
	}
	r = mc_file_is_msp(given, &err);
	if (r == -1) {
		cli_error(_("%s: --submit-mc: %s"), cmd, err);
		free(err);
		return EXIT_FINDINGS;
	}
	if (r == 0) {
		cli_error(_("%s: --submit-mc: %s has no FEATURE(`msp'): it is not the MSP's "
		    "configuration (submit.mc)"), cmd, given);
		return EXIT_USAGE;
	}
	*out = xstrdup(given);
	return 0;
}

void
settings_free(struct cli_settings *s)
{
	plan_free(&s->plan);
	plan_free(&s->next);
	free(s->cf_m4);
	memset(s, 0, sizeof(*s));
}

void
cli_error(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "%s: ", PACKAGE);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

int
cli_usage_error(const struct cmd_entry *e)
{
	fprintf(stderr, _("Try '%s %s --help'.\n"), PACKAGE, e->name);
	return EXIT_USAGE;
}

int
cli_parse_range(const char *arg, long min, long max, long *out)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(arg, &end, 10);
	if (errno != 0 || end == arg || *end != '\0' || v < min || v > max)
		return -1;
	*out = v;
	return 0;
}

char *
cli_fqdn(void)
{
	char host[256];
	struct addrinfo hints, *ai = NULL;
	char *r;

	if (gethostname(host, sizeof(host)) == -1)
		return NULL;
	host[sizeof(host) - 1] = '\0';
	if (strchr(host, '.') != NULL)
		return xstrdup(host);
	/* only the local resolver (files): getaddrinfo with AI_CANONNAME */
	memset(&hints, 0, sizeof(hints));
	hints.ai_flags = AI_CANONNAME;
	hints.ai_socktype = SOCK_STREAM;
	if (getaddrinfo(host, NULL, &hints, &ai) == 0 && ai && ai->ai_canonname &&
	    strchr(ai->ai_canonname, '.')) {
		r = xstrdup(ai->ai_canonname);
		freeaddrinfo(ai);
		return r;
	}
	if (ai)
		freeaddrinfo(ai);
	return xstrdup(host);
}
