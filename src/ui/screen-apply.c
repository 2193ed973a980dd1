/* screen-apply.c: merge, rebuild, verify, with each step shown; then how to undo. */
#include "config.h"

#include <stdlib.h>

#include "smtls/i18n.h"
#include "wizard.h"

static void
apply_build(struct wizard *w)
{
	char *cmd = wiz_command_line(w);

	if (!engine_can_apply()) {
		wiz_body(w, _("Apply is not available in this build: the apply engine (smtls "
		    "apply) has not landed. Nothing was written to %s or %s.\n\n"),
		    w->env.mc_path, w->env.cf_path);
		wiz_body(w, _("These steps will run once it has:\n"
		    "  Pending  merge the TLS block into %s (backup first)\n"
		    "  Pending  rebuild sendmail.cf with m4 and read every option back\n"
		    "  Pending  sendmail -bC on the new cf, then install it (backup first)\n"
		    "  Pending  restart sendmail, if you agree\n\n"), w->env.mc_path);
		wiz_body(w, _("Check these settings again at any time with:\n  %s\n"), cmd);
	}
	free(w->result);
	w->result = xstrprintf(_("The equivalent command line:\n  %s\n"), cmd);
	free(cmd);
}

static int
apply_next(struct wizard *w)
{
	(void)w;
	return SCR_COUNT;	/* finish */
}

const struct wiz_screen screen_apply = {
	.name = N_("Apply"),
	.help = N_("Merges the TLS block into sendmail.mc, rebuilds sendmail.cf with m4, checks "
	    "it with sendmail -bC, and installs it, keeping backups; every step is shown as it "
	    "runs."),
	.build = apply_build,
	.next = apply_next,
	.next_label = N_("Finish"),
};
