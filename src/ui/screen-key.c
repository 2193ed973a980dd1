/* screen-key.c: the private key: what it is, who may read it, whether it matches. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "smtls/i18n.h"
#include "wizard.h"

enum { KEY_CHMOD = 1, KEY_GROUP };

static void
key_build(struct wizard *w)
{
	const char *key = plan_get(&w->m.plan, PF_SERVER_KEY);
	const char *what = w->m.described[PF_SERVER_KEY];
	int mode = w->m.key_mode;
	struct wiz_item *it;

	wiz_body(w, _("Key: %s\n  %s\n"), key ? key : _("(not set)"), what ? what : _("not set"));
	if (mode >= 0)
		wiz_body(w, _("  owner %s\n"), w->m.key_owner);
	if (findings_has(&w->live, "key.mismatch", NULL))
		wiz_body(w, _("  ERROR: it does not belong to the certificate\n"));
	else if (key && plan_get(&w->m.plan, PF_SERVER_CERT) &&
	    !findings_has(&w->live, "file.missing", key) &&
	    !findings_has(&w->live, "file.not-pem", key))
		wiz_body(w, _("  OK: it belongs to the certificate\n"));
	wiz_path_item(w, PF_SERVER_KEY, 1, 'k', _("Private key"),
	    N_("confSERVER_KEY (ServerKeyFile). sendmail refuses a key that group or others can "
	    "read (\"Group readable file\"), unless DontBlameSendmail has GroupReadableKeyFile."));
	if (mode >= 0 && (mode & 077) != 0) {
		it = wiz_item_add(w, WI_ACTION, KEY_CHMOD, 2, 'm', _("chmod 600 the key now"));
		wiz_item_note(it, (mode & 004) ? _("mode is %04o: sendmail says \"World readable "
		    "file\"") : _("mode is %04o: sendmail says \"Group readable file\""),
		    (unsigned)mode);
		it->help = N_("Makes the key readable by its owner only. Asks before it changes "
		    "anything.");
		if ((mode & 07777) == 0640) {
			it = wiz_item_add(w, WI_ACTION, KEY_GROUP, 2, 'g',
			    _("Keep 0640 and set GroupReadableKeyFile"));
			it->help = N_("Debian's layout: keys 0640 root:smmsp, with "
			    "confDONT_BLAME_SENDMAIL=GroupReadableKeyFile.");
		}
	}
}

static enum wiz_key_result
key_activate(struct wizard *w, struct wiz_item *it)
{
	const char *key = plan_get(&w->m.plan, PF_SERVER_KEY);
	char *q, *err = NULL;

	if (it->id == KEY_CHMOD) {
		q = xstrprintf(_("Run chmod 600 %s now?"), key);
		if (w->confirm(w, q, false)) {
			if (engine_chmod_key(key, &err) == -1) {
				wiz_set_status(w, "%s", err);
				free(err);
			} else {
				wiz_set_status(w, _("Done: chmod 600 %s"), key);
				wiz_wrote(w, key, _("mode 0600"));
			}
			wiz_recheck(w);
		}
		free(q);
		return WK_HANDLED;
	}
	if (it->id == KEY_GROUP) {
		const char *db = plan_get(&w->m.plan, PF_DONT_BLAME);

		/* keep the other DontBlameSendmail flags (Debian sets many) */
		w->m.group_readable = true;
		if (db == NULL)
			wiz_set_field(w, PF_DONT_BLAME, "GroupReadableKeyFile");
		else if (strstr(db, "GroupReadableKeyFile") == NULL) {
			q = xstrprintf("%s,GroupReadableKeyFile", db);
			wiz_set_field(w, PF_DONT_BLAME, q);
			free(q);
		}
		wiz_set_status(w, _("confDONT_BLAME_SENDMAIL will include GroupReadableKeyFile"));
		return WK_HANDLED;
	}
	return WK_UNHANDLED;
}

const struct wiz_screen screen_key = {
	.name = N_("Key"),
	.help = N_("The private key of the server certificate (confSERVER_KEY, ServerKeyFile): "
	    "its type and size, who may read it, and whether it belongs to the certificate. "
	    "sendmail cannot ask for a passphrase, so the key must be unencrypted and readable "
	    "by root only."),
	.build = key_build,
	.activate = key_activate,
};
