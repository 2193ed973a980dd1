/* unit_apply.c: TAP tests of the apply core used in-process, as the wizard does: steps through the callback, diffs, undo. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "tap.h"
#include "smtls/apply.h"
#include "smtls/fileio.h"
#include "smtls/xmalloc.h"

#define PLAIN_MC "divert(0)dnl\nOSTYPE(`linux')dnl\nDOMAIN(`generic')dnl\n" \
	"MAILER(`local')dnl\nMAILER(`smtp')dnl\n"

/* The callback's record: "name:state name:state ..." */
static struct buf trace;

static void
progress(enum apply_step step, enum apply_state state, enum apply_prove_skip why,
    const char *detail, void *arg)
{
	static const char *const st[] = { "pending", "running", "done", "failed", "skipped" };

	(void)detail;
	(*(int *)arg)++;
	buf_printf(&trace, "%s%s:%s%s", trace.len ? " " : "", apply_step_name(step), st[state],
	    why == APPLY_PROVE_SKIP_NO_SENDMAIL ? "(no sendmail)" : why != APPLY_PROVE_NOT_SKIPPED ?
	    "(other)" : "");
}

static char *
slurp(const char *path)
{
	enum file_status st;
	char *d = NULL;
	size_t len;

	if (file_read(path, 1 << 20, &d, &len, &st, NULL) == -1)
		return NULL;
	return d;
}

static void
spit(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	if (f != NULL) {
		fputs(text, f);
		fclose(f);
	}
}

int
main(void)
{
	/* the tests' scratch base (tests/scratch-dir.sh), else TMPDIR */
	const char *tmp = getenv("SMTLS_SCRATCH") ? getenv("SMTLS_SCRATCH") : getenv("TMPDIR");
	char dir[4096], mc[4200], cf[4200], *before, *after, *s;
	struct tls_plan p;
	struct emit_options eo = { 0 };
	struct apply_request rq;
	struct apply_result res;
	int calls = 0, r;

	snprintf(dir, sizeof(dir), "%s/unit_apply.XXXXXX", tmp && *tmp ? tmp : "/tmp");
	if (mkdtemp(dir) == NULL)
		bail_out("mkdtemp %s", dir);
	snprintf(mc, sizeof(mc), "%s/sendmail.mc", dir);
	snprintf(cf, sizeof(cf), "%s/sendmail.cf", dir);
	spit(mc, PLAIN_MC);

	plan_init(&p, 0);
	plan_set(&p, PF_SERVER_CERT, "/nonexistent/cert.pem", NULL, 0);
	plan_set(&p, PF_SERVER_KEY, "/nonexistent/key.pem", NULL, 0);
	plan_set(&p, PF_LOG_LEVEL, "12", NULL, 0);
	{
		static char sd[4096];
		const char *top = getenv("top_srcdir");

		snprintf(sd, sizeof(sd), "%s/snippets", top ? top : ".");
		eo.snippets_dir = sd;
	}
	eo.version = "test";
	eo.now = 1795000000;
	apply_request_init(&rq, &p, &eo, NULL, mc);	/* sm NULL: no sendmail -bC here */
	rq.progress = progress;
	rq.progress_arg = &calls;

	/* the missing files are error findings: refused, nothing written */
	r = apply_run(&rq, &res);
	ok(r == -1 && res.outcome == APPLY_REFUSED, "error findings: refused");
	ok(res.findings.n > 0 && res.state[APPLY_STEP_CHECK] == APPLY_ST_FAILED,
	    "the findings are returned and the check step failed");
	ok(access(cf, F_OK) == -1, "refused: no sendmail.cf written");
	apply_result_free(&res);

	/* --dry-run, forced: diffs, no file */
	rq.force = true;
	rq.dry_run = true;
	buf_free(&trace);
	before = slurp(mc);
	r = apply_run(&rq, &res);
	ok(r == 0 && res.outcome == APPLY_PREVIEW, "dry run: preview");
	ok(res.mc_diff && strstr(res.mc_diff, "+define(`confLOG_LEVEL', ``12'')dnl\n") != NULL,
	    "dry run: the mc diff has the new define");
	ok(res.cf_diff && strstr(res.cf_diff, "--- /dev/null\n") != NULL &&
	    strstr(res.cf_diff, "\n+O LogLevel=12\n") != NULL, "dry run: the cf diff from nothing");
	after = slurp(mc);
	ok(before && after && strcmp(before, after) == 0 && access(cf, F_OK) == -1,
	    "dry run: nothing written");
	free(after);
	apply_result_free(&res);

	/* for real: every step through the callback, in order */
	rq.dry_run = false;
	buf_free(&trace);
	calls = 0;
	r = apply_run(&rq, &res);
	ok(r == 0 && res.outcome == APPLY_CHANGED, "apply: changed");
	is(trace.data, "emit:running emit:done merge:running merge:done m4:running m4:done "
	    "verify:running verify:done check:running check:done sendmail:skipped "
	    "prove:skipped(no sendmail) backup:running backup:done install:running install:done",
	    "the callback sees each step running, then done (or skipped, with the core's reason)");
	ok(res.prove_skip == APPLY_PROVE_SKIP_NO_SENDMAIL, "no sendmail: the result says why "
	    "the proof was skipped");
	ok(res.state[APPLY_STEP_RESTART] == APPLY_ST_SKIPPED, "restart: skipped unless asked");
	ok(res.mc_backup && strstr(res.mc_backup, "sendmail.mc.smtls-20261118T") != NULL,
	    "the backup's name carries the given time, in UTC");
	ok(res.cf_backup == NULL, "no cf existed: no cf backup");
	s = slurp(cf);
	ok(s && strstr(s, "\nO ServerCertFile=/nonexistent/cert.pem\n") != NULL, "the cf is installed");
	free(s);
	apply_result_free(&res);

	/* again: unchanged */
	r = apply_run(&rq, &res);
	ok(r == 0 && res.outcome == APPLY_UNCHANGED && res.mc_backup == NULL, "again: unchanged, no backup");
	apply_result_free(&res);

	/* undo: the original mc, and the cf it did not have is left (no backup of it) */
	r = apply_undo(mc, NULL, &res);
	after = slurp(mc);
	ok(r == 0 && after && strcmp(after, before) == 0, "undo restores the mc");
	free(after);
	apply_result_free(&res);

	/* eleven runs in the same second: suffixes STAMP, STAMP-1 ... STAMP-10; undo goes
	 * back one run at a time, -10 before -9 */
	{
		char *states[12];
		int k, good = 1;

		rq.progress = NULL;
		spit(mc, PLAIN_MC);
		states[0] = slurp(mc);
		for (k = 1; k <= 11; k++) {
			char lv[8];

			snprintf(lv, sizeof(lv), "%d", 10 + k);
			plan_set(&p, PF_LOG_LEVEL, lv, NULL, 0);
			good &= apply_run(&rq, &res) == 0 && res.outcome == APPLY_CHANGED;
			apply_result_free(&res);
			states[k] = slurp(mc);
		}
		ok(good, "eleven applies in the same second");
		for (k = 11; k >= 1; k--) {
			good &= apply_undo(mc, NULL, &res) == 0;
			apply_result_free(&res);
			after = slurp(mc);
			good &= after != NULL && states[k - 1] != NULL && strcmp(after, states[k - 1]) == 0;
			free(after);
		}
		ok(good, "eleven undos restore each earlier state in turn");
		for (k = 0; k <= 11; k++)
			free(states[k]);
		rq.progress = progress;
	}

	/* a broken block fails the merge step */
	spit(mc, "dnl # BEGIN smtls\n" PLAIN_MC);
	r = apply_run(&rq, &res);
	ok(r == -1 && res.outcome == APPLY_FAILED && res.failed_step == APPLY_STEP_MERGE &&
	    res.error && strstr(res.error, "without its"), "a broken block: the merge step fails");
	apply_result_free(&res);

	/* a bad value: the emit step refuses (exit 2 for the command line) */
	spit(mc, PLAIN_MC);
	plan_set(&p, PF_CA_CERT, "/a/b#c.pem", NULL, 0);
	r = apply_run(&rq, &res);
	ok(r == -1 && res.outcome == APPLY_BAD_VALUE && res.failed_step == APPLY_STEP_EMIT,
	    "a value with #: bad value at the emit step");
	apply_result_free(&res);

	free(before);
	buf_free(&trace);
	plan_free(&p);
	{
		char cmd[4300];

		snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
		ok(system(cmd) == 0, "the scratch directory is removed");
	}
	return tap_done();
}
