/* screen-start.c: what smtls found on this machine, the current TLS settings, and what to do. */
#include "config.h"

#include <string.h>

#include "smtls/i18n.h"
#include "wizard.h"

enum { START_SETUP = 1, START_CHECK, START_EXPLAIN, START_LEARN };

static const char *
yes_no(bool b)
{
	return b ? _("yes") : _("no");
}

static void
start_build(struct wizard *w)
{
	const struct wiz_env *e = &w->env;
	const struct tls_plan *cur = &e->current;
	struct wiz_item *it;
	size_t i;
	bool any = false;

	if (e->demo)
		wiz_body(w, _("DEMO sandbox %s (nothing else is touched)\n"), e->demo_dir);
	if (e->sm.found)
		wiz_body(w, _("sendmail %s (%s): STARTTLS %s, sends the cert file's chain %s, "
		    "DANE %s\n"), e->sm.version[0] ? e->sm.version : "?", e->sm.path,
		    yes_no(e->sm.starttls), yes_no(e->sm.chain_file), yes_no(e->sm.dane));
	else
		wiz_body(w, _("sendmail: not found (%s); checks assume Debian's build\n"),
		    e->sm_err ? e->sm_err : _("no binary in the usual places"));
	if (!e->host.qualified)
		wiz_body(w, _("Host name %s is not qualified: sendmail waits 60 s (fix: "
		    "/etc/hosts)\n"), e->host.name);
	wiz_body(w, _("sendmail-cf: %s; TLS files usually in %s\n"),
	    e->cf_found ? e->cf_found : _("not found (install sendmail-cf)"),
	    e->cf_found && strstr(e->cf_found, "sendmail-cf") ? "/etc/pki/tls (RHEL)" :
	    "/etc/mail/tls (Debian, FreeBSD)");
	if (e->mc_loaded)
		wiz_body(w, _("%s: built with m4, TLS settings:\n"), e->mc_path);
	else
		wiz_body(w, _("%s: %s\n"), e->mc_path, e->mc_err ? e->mc_err :
		    _("not read; settings from sendmail.cf"));
	for (i = 0; i < tls_options_count; i++) {
		const char *v = plan_get(cur, tls_options[i].field);

		if (v == NULL)
			continue;
		if (tls_options[i].field == PF_DH_PARAMS && w->m.described[PF_DH_PARAMS] &&
		    plan_get(&w->m.plan, PF_DH_PARAMS) != NULL &&
		    strcmp(plan_get(&w->m.plan, PF_DH_PARAMS), v) == 0)
			/* a keyword or a file: what sendmail makes of it (dh_params_describe, read
			 * at the last check, never while drawing) */
			wiz_body(w, "  %-16s %s: %s\n", tls_options[i].cf_name, v,
			    w->m.described[PF_DH_PARAMS]);
		else if (!tls_options[i].tls && strlen(v) > 40)
			wiz_body(w, "  %-16s %.37s...\n", tls_options[i].cf_name, v);
		else
			wiz_body(w, "  %-16s %s\n", tls_options[i].cf_name, v);
		any = true;
	}
	if (!any)
		wiz_body(w, _("  none: sendmail offers no STARTTLS now\n"));
	wiz_body(w, _("Now: %zu errors, %zu warnings (listed under Findings).\n"),
	    e->now_errors, e->now_warnings);

	it = wiz_item_add(w, WI_CHOICE, START_SETUP, 1, 's', _("Set up or repair TLS"));
	it->help = N_("Walk through the certificate, the trusted roots, the key and the options; "
	    "nothing is written before the Review and Apply screens.");
	it = wiz_item_add(w, WI_CHOICE, START_CHECK, 1, 'c', _("Only check (show every finding)"));
	it->help = N_("Go straight to the Review screen with the settings in force now.");
	it = wiz_item_add(w, WI_CHOICE, START_EXPLAIN, 1, 'e', _("Explain a log line"));
	it->help = N_("Paste one of sendmail's STARTTLS log lines (from /var/log/mail.log): "
	    "what happened, what it meant for the mail, the likely cause and the fix.");
	it = wiz_item_add(w, WI_CHOICE, START_LEARN, 1, 'l',
	    _("Learn how sendmail's TLS files fit together"));
	it->help = N_("Shows how CACertPath, CACertFile and ServerCertFile work together.");
	for (i = 0; i < w->n_items; i++)
		w->items[i].on = w->items[i].id == (w->m.start ? w->m.start : START_SETUP);
}

static enum wiz_key_result
start_activate(struct wizard *w, struct wiz_item *it)
{
	if (it->id == START_LEARN)
		return WK_HELP;
	if (it->id == START_EXPLAIN)
		return WK_EXPLAIN;
	w->m.start = it->id;
	return WK_NEXT;
}

static int
start_next(struct wizard *w)
{
	return w->m.start == START_CHECK ? SCR_REVIEW : -1;
}

const struct wiz_screen screen_start = {
	.name = N_("Start"),
	.help = N_("What smtls found on this machine before changing anything: the sendmail "
	    "binary and what it was built with, the sendmail.mc and the TLS settings it gives "
	    "(evaluated with the real m4), and what is wrong with them now."),
	.build = start_build,
	.activate = start_activate,
	.next = start_next,
	.items_first = true,
	.menu = true,
};
