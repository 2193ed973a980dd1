/* cmd-hook.c: `smtls hook install`: install the certbot deploy hook that checks renewals before restarting sendmail. */
#include "config.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "certs-cli.h"
#include "cli.h"
#include "smtls/fileio.h"
#include "smtls/i18n.h"
#include "smtls/pki.h"
#include "smtls/xmalloc.h"

#define HOOK_TEMPLATE	"certbot-deploy-hook.in"
#define HOOK_NAME	"smtls-sendmail"
#define HOOK_MAX	(64 * 1024)

enum { HOPT_DIR = COPT_OWN, HOPT_COPY_TO, HOPT_RESTART, HOPT_LINEAGE, HOPT_SMTLS };

static void
hook_usage(FILE *f)
{
	fprintf(f, _("Usage: %s hook install [--dir DIR] [--lineage NAME] [--copy-to DIR] "
	    "[--restart CMD] [OPTION]...\n"), PACKAGE);
	fputs(_("Install a certbot deploy hook, DIR/renewal-hooks/deploy/" HOOK_NAME ", that after\n"
	    "each renewal checks the renewed files with 'smtls check' (key match, chain, expiry,\n"
	    "EKU), copies them where sendmail reads them when the setup uses copies (keys 0600,\n"
	    "atomically), and restarts sendmail only when the check passed. It logs to syslog\n"
	    "(tag smtls-hook) and exits non-zero on failure, so certbot reports it.\n\n"), f);
	fputs(_("      --dir DIR           certbot's directory (default /etc/letsencrypt)\n"
	    "      --lineage NAME      act only on this lineage (live/NAME); required with\n"
	    "                          --copy-to, so another site's renewal never lands there\n"
	    "      --copy-to DIR       copy cert.pem, chain.pem, fullchain.pem and privkey.pem\n"
	    "                          into DIR (where sendmail.mc points)\n"
	    "      --restart CMD       how to restart sendmail (default: systemctl restart\n"
	    "                          sendmail, or service sendmail restart without systemd)\n"
	    "      --hostname FQDN     the name to check the certificate against (default:\n"
	    "                          the first renewed domain)\n"
	    "      --smtls PATH        the smtls the hook runs (default: this one)\n"
	    "      --force             replace an installed hook\n"
	    "      --help              display this help and exit\n\n"
	    "Exit status: 0 installed, 1 failed (nothing written), 2 bad usage.\n"), f);
}

/* The template: $SMTLS_SNIPPETS_DIR, the installed snippets, or snippets/ beside the binary. */
static char *
hook_template(char **path_out)
{
	const char *env = getenv("SMTLS_SNIPPETS_DIR");
	enum file_status st;
	char *path, *data = NULL, *exe, *err = NULL;
	size_t len;

	path = xstrprintf("%s/" HOOK_TEMPLATE, env && *env ? env : SNIPPETSDIR);
	if (access(path, R_OK) != 0 && (env == NULL || *env == '\0') &&
	    (exe = realpath("/proc/self/exe", NULL)) != NULL) {
		char *dir = path_dirname(exe);

		free(path);
		path = xstrprintf("%s/snippets/" HOOK_TEMPLATE, dir);
		free(dir);
		free(exe);
	}
	if (file_read(path, HOOK_MAX, &data, &len, &st, &err) == -1) {
		cli_error(_("the hook template is missing: %s"), err);
		free(err);
		free(path);
		return NULL;
	}
	*path_out = path;
	return data;
}

/* Replaces @KEY@ by value, quoted for a '...' string of sh. */
static void
subst(struct buf *out, const char *tmpl, const char *const keys[][2], size_t n)
{
	const char *p = tmpl, *at;
	size_t i, klen;

	while ((at = strchr(p, '@')) != NULL) {
		buf_append(out, p, (size_t)(at - p));
		for (i = 0; i < n; i++) {
			klen = strlen(keys[i][0]);
			if (strncmp(at + 1, keys[i][0], klen) == 0 && at[1 + klen] == '@')
				break;
		}
		if (i == n) {
			buf_append(out, "@", 1);
			p = at + 1;
			continue;
		}
		for (const char *v = keys[i][1]; *v; v++) {
			if (*v == '\'')
				buf_puts(out, "'\\''");
			else
				buf_append(out, v, 1);
		}
		p = at + 2 + klen;
	}
	buf_puts(out, p);
}

static bool
one_line(const char *flag, const char *v)
{
	if (strchr(v, '\n') != NULL || strchr(v, '\r') != NULL) {
		cli_error(_("%s: a value on one line, please"), flag);
		return false;
	}
	return true;
}

/*
 * Creates DIR/renewal-hooks/deploy (not DIR itself), refusing symlinks on the way;
 * made[0] and made[1] say which of the two this call created.
 */
static char *
hook_dir(const char *le_dir, bool made[2])
{
	char *hooks = xstrprintf("%s/renewal-hooks", le_dir), *deploy, *err = NULL;
	struct stat st;

	made[0] = made[1] = false;
	if (stat(le_dir, &st) == -1 || !S_ISDIR(st.st_mode)) {
		cli_error(_("%s: no such directory: is certbot installed (--dir)?"), le_dir);
		free(hooks);
		return NULL;
	}
	deploy = xstrprintf("%s/deploy", hooks);
	if (pki_outdir_prepare(hooks, 0755, &made[0], &err) == -1 ||
	    pki_outdir_prepare(deploy, 0755, &made[1], &err) == -1) {
		cli_error("%s", err);
		free(err);
		if (made[0])
			(void)rmdir(hooks);
		free(hooks);
		free(deploy);
		return NULL;
	}
	free(hooks);
	return deploy;
}

static int
hook_install_run(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "dir", required_argument, NULL, HOPT_DIR },
		{ "lineage", required_argument, NULL, HOPT_LINEAGE },
		{ "copy-to", required_argument, NULL, HOPT_COPY_TO },
		{ "restart", required_argument, NULL, HOPT_RESTART },
		{ "smtls", required_argument, NULL, HOPT_SMTLS },
		{ "hostname", required_argument, NULL, COPT_HOSTNAME },
		{ "force", no_argument, NULL, COPT_FORCE },
		{ "help", no_argument, NULL, COPT_HELP },
		{ NULL, 0, NULL, 0 }
	};
	const char *le_dir = "/etc/letsencrypt", *lineage = "", *copy_to = "", *restart = NULL;
	const char *hostname = "", *smtls = NULL;
	char *tmpl = NULL, *tmpl_path = NULL, *deploy = NULL, *self = NULL, *copy_abs = NULL;
	char *err = NULL;
	struct buf script = { 0 };
	struct pki_out_file file;
	struct stat st;
	bool force = false, made[2] = { false, false };
	int opt, rc = EXIT_USAGE;

	optind = 1;
	while ((opt = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		switch (opt) {
		case HOPT_DIR: le_dir = optarg; break;
		case HOPT_LINEAGE: lineage = optarg; break;
		case HOPT_COPY_TO: copy_to = optarg; break;
		case HOPT_RESTART: restart = optarg; break;
		case HOPT_SMTLS: smtls = optarg; break;
		case COPT_HOSTNAME: hostname = optarg; break;
		case COPT_FORCE: force = true; break;
		case COPT_HELP:
			hook_usage(stdout);
			return EXIT_DONE;
		default:
			return cli_usage_error("hook install");
		}
	}
	if (optind < argc) {
		cli_error(_("hook install: unexpected argument '%s'"), argv[optind]);
		return cli_usage_error("hook install");
	}
	if (restart == NULL)
		restart = access("/run/systemd/system", F_OK) == 0 ?
		    "systemctl restart sendmail" : "service sendmail restart";
	if (!one_line("--restart", restart) || !one_line("--lineage", lineage) ||
	    !one_line("--copy-to", copy_to) || !one_line("--hostname", hostname) ||
	    (smtls && !one_line("--smtls", smtls)))
		goto out;
	if (*restart == '\0' || strchr(lineage, '/') != NULL) {
		cli_error(_("hook install: --restart must not be empty and --lineage is a name "
		    "under live/, not a path"));
		goto out;
	}
	if (*copy_to != '\0' && *lineage == '\0') {
		cli_error(_("hook install: --copy-to needs --lineage NAME, so that another "
		    "lineage's renewal is never copied where sendmail reads"));
		goto out;
	}
	if (*hostname != '\0' && !pki_name_valid(hostname, NULL)) {
		cli_error(_("--hostname: '%s' is not a host name"), hostname);
		goto out;
	}
	rc = EXIT_FINDINGS;
	if (*copy_to != '\0') {
		if (lstat(copy_to, &st) == -1 || !S_ISDIR(st.st_mode)) {
			cli_error(_("%s: --copy-to must be an existing directory (not a symlink)"),
			    copy_to);
			goto out;
		}
		copy_abs = certs_abs_dir(copy_to);
	}
	self = smtls ? xstrdup(smtls) : realpath("/proc/self/exe", NULL);
	if (self == NULL || access(self, X_OK) != 0) {
		cli_error(_("%s: not an executable smtls (--smtls)"), self ? self : "smtls");
		goto out;
	}
	if ((tmpl = hook_template(&tmpl_path)) == NULL ||
	    (deploy = hook_dir(le_dir, made)) == NULL)
		goto out;
	{
		const char *const keys[][2] = {
			{ "SMTLS", self }, { "LINEAGE", lineage },
			{ "COPY_TO", copy_abs ? copy_abs : "" }, { "RESTART", restart },
			{ "HOSTNAME", hostname },
		};

		subst(&script, tmpl, keys, sizeof(keys) / sizeof(keys[0]));
	}
	file = (struct pki_out_file){ HOOK_NAME, script.data, script.len, 0755 };
	if (pki_write_files(deploy, &file, 1, force, &err) == -1) {
		cli_error("%s", err);
		free(err);
		if (made[1])
			(void)rmdir(deploy);
		if (made[0]) {
			char *hooks = path_dirname(deploy);

			(void)rmdir(hooks);
			free(hooks);
		}
		goto out;
	}
	printf(_("Installed %s/" HOOK_NAME " (from %s).\n"), deploy, tmpl_path);
	printf(_("After each renewal%s%s certbot runs it: it checks the renewed files with\n"
	    "  %s check\n"), *lineage ? _(" of ") : "", lineage, self);
	if (copy_abs)
		printf(_("copies them into %s (privkey.pem mode 0600),\n"), copy_abs);
	printf(_("and only then runs: %s\n"
	    "It logs to syslog (tag smtls-hook). Try it now:\n"
	    "  RENEWED_LINEAGE=%s/live/%s %s/" HOOK_NAME "\n"), restart, le_dir,
	    *lineage ? lineage : "NAME", deploy);
	rc = EXIT_DONE;
out:
	if (rc == EXIT_USAGE)
		rc = cli_usage_error("hook install");
	free(tmpl);
	free(tmpl_path);
	free(deploy);
	free(self);
	free(copy_abs);
	buf_free(&script);
	return rc;
}

const struct cmd_entry cmd_hook_install_entry = {
	.name = "hook install",
	.usage = "[--dir DIR] [--lineage NAME] [--copy-to DIR] [--restart CMD]",
	.summary = N_("install a certbot deploy hook that checks renewals before a restart"),
	.run = hook_install_run,
};
