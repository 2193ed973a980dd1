/* unit_journal.c: TAP tests of the file-set transaction: commit, discard, removal, key modes, recovery of a dead run, a live set left alone. */
#include "config.h"

#include <dirent.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "tap.h"
#include "smtls/fileio.h"
#include "smtls/journal.h"
#include "smtls/xmalloc.h"

static char dir[4096];

static char *
path(const char *name)
{
	return xstrprintf("%s/%s", dir, name);
}

static void
spit(const char *name, const char *text)
{
	char *p = path(name), *e = NULL;

	unlink(p);
	if (file_write_new(p, text, strlen(text), 0644, &e) == -1)
		bail_out("%s", e);
	free(p);
}

/* The file's content, or "(absent)" (caller frees). */
static char *
slurp(const char *name)
{
	char *p = path(name), *d;
	size_t len;
	enum file_status st;

	if (file_read(p, 1 << 20, &d, &len, &st, NULL) == -1)
		d = xstrdup("(absent)");
	free(p);
	return d;
}

static int
is_file(const char *name, const char *want, const char *what)
{
	char *got = slurp(name);
	int r = is(got, want, what);

	free(got);
	return r;
}

/* The names in dir that smtls makes on the way (temp files, journals), space-separated. */
static char *
leftovers(const char *d)
{
	struct buf b = { 0 };
	struct dirent *de;
	DIR *dp = opendir(d);

	buf_puts(&b, "");
	while (dp != NULL && (de = readdir(dp)) != NULL)
		if (strstr(de->d_name, ".smtls-") != NULL || strncmp(de->d_name, "journal-", 8) == 0)
			buf_printf(&b, "%s%s", b.len ? " " : "", de->d_name);
	if (dp != NULL)
		closedir(dp);
	return buf_release(&b);
}

static void
no_leftovers(const char *what)
{
	char *l = leftovers(dir), *s = path("state"), *ls = leftovers(s);

	is(l, "", what);
	is(ls, "", "... and no registry file");
	free(l);
	free(s);
	free(ls);
}

int
main(void)
{
	const char *tmp = getenv("SMTLS_SCRATCH") ? getenv("SMTLS_SCRATCH") : getenv("TMPDIR");
	struct journal_file f = { 0 };
	struct journal_report rep;
	struct journal *j;
	struct stat st;
	char *e = NULL, *a, *b, *bk, *state, cmd[4200];
	pid_t pid;
	int i, status;

	snprintf(dir, sizeof(dir), "%s/unit_journal.XXXXXX", tmp && *tmp ? tmp : "/tmp");
	if (mkdtemp(dir) == NULL)
		bail_out("mkdtemp %s", dir);
	state = path("state");
	setenv("SMTLS_STATE_DIR", state, 1);
	is(journal_state_dir(), state, "SMTLS_STATE_DIR names the state directory");
	a = path("a");
	b = path("b");
	bk = path("a.smtls-1");

	/* a set of an existing file (its backup kept) and a new one */
	spit("a", "old a\n");
	j = journal_begin("test");
	f.target = a;
	f.data = "new a\n";
	f.len = 6;
	f.mode = 0640;
	f.keep_owner = true;
	f.backup = bk;
	i = journal_add(j, &f, &e);
	ok(i == 0 && journal_existed(j, 0), "an existing target is staged");
	memset(&f, 0, sizeof(f));
	f.target = b;
	f.data = "secret\n";
	f.len = 7;
	f.mode = 0600;
	f.new_only = true;
	i = journal_add(j, &f, &e);
	ok(i == 1 && !journal_existed(j, 1), "an absent target is staged");
	ok(stat(journal_staged(j, 1), &st) == 0 && (st.st_mode & 07777) == 0600,
	    "a key's temp file is 0600");
	is_file("a", "old a\n", "nothing is in place before the commit");
	ok(journal_commit(j, &e) == 0 && journal_state(j) == JOURNAL_COMMITTED, "the set commits");
	journal_free(j);
	is_file("a", "new a\n", "the existing file is new");
	is_file("b", "secret\n", "the new file is there");
	is_file("a.smtls-1", "old a\n", "the backup holds the old version");
	ok(stat(a, &st) == 0 && (st.st_mode & 07777) == 0644, "keep_owner keeps the old mode");
	unlink(bk);
	no_leftovers("a commit leaves no temp file, journal nor registry file");

	/* discarded before the commit: nothing changes */
	j = journal_begin("test");
	memset(&f, 0, sizeof(f));
	f.target = a;
	f.data = "newer\n";
	f.len = 6;
	f.mode = 0644;
	ok(journal_add(j, &f, &e) == 0, "staged");
	journal_free(j);
	is_file("a", "new a\n", "a discarded set changes nothing");
	no_leftovers("a discarded set leaves nothing behind");

	/* new_only and symbolic links */
	j = journal_begin("test");
	f.target = b;
	f.new_only = true;
	ok(journal_add(j, &f, &e) == -1 && e != NULL && strstr(e, "already exists") != NULL,
	    "new_only refuses an existing file");
	xfree(e);
	journal_free(j);
	free(b);
	ok(symlink("a", b = xstrprintf("%s/link", dir)) == 0, "a symbolic link");
	j = journal_begin("test");
	f.target = b;
	f.new_only = false;
	ok(journal_add(j, &f, &e) == -1 && e != NULL && strstr(e, "symbolic link") != NULL,
	    "a symbolic link is never written through");
	xfree(e);
	journal_free(j);
	unlink(b);
	free(b);
	b = path("b");
	is_file("a", "new a\n", "... and its file is unchanged");
	no_leftovers("refusals leave nothing behind");

	/* a removal, and the absence restored by a removal */
	j = journal_begin("test");
	ok(journal_remove(j, b, NULL, &e) == 0, "a removal is staged");
	is_file("b", "secret\n", "not yet removed");
	ok(journal_commit(j, &e) == 0, "the removal commits");
	journal_free(j);
	is_file("b", "(absent)", "removed");
	no_leftovers("a removal leaves nothing behind");

	/* a run that dies with its set staged: the next recovery removes its files */
	free(a);
	fflush(stdout);
	pid = fork();
	if (pid == 0) {
		j = journal_begin("dead");
		memset(&f, 0, sizeof(f));
		f.target = b;
		f.data = "half\n";
		f.len = 5;
		f.mode = 0600;
		if (journal_add(j, &f, NULL) != 0)
			_exit(1);
		raise(SIGKILL);	/* dies as a killed run does (no exit, no leak check) */
		_exit(2);
	}
	ok(waitpid(pid, &status, 0) == pid && WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL,
	    "a run dies with its set staged");
	a = leftovers(dir);
	ok(strstr(a, ".b.smtls-") != NULL && strstr(a, ".smtls-journal-") != NULL,
	    "its temp file and journal are there");
	free(a);
	ok(journal_recover(NULL, &rep) == 1 && rep.n == 1 && rep.v[0].outcome == JOURNAL_CLEANED &&
	    strcmp(rep.v[0].label, "dead") == 0, "the recovery finds it through the registry");
	a = rep.n ? journal_recovered_text(&rep.v[0]) : xstrdup("");
	ok(strstr(a, "changed no file") != NULL, "and says it changed no file");
	diag("%s", a);
	free(a);
	journal_report_free(&rep);
	is_file("b", "(absent)", "the dead run's file is not there");
	no_leftovers("its temp file, journal and registry file are removed");

	/* a live set is left alone */
	j = journal_begin("live");
	f.target = b;
	f.data = "half\n";
	f.len = 5;
	ok(journal_add(j, &f, &e) == 0, "a live set is staged");
	ok(journal_recover(NULL, &rep) == 0 && rep.n == 0, "the recovery leaves a live set alone");
	journal_report_free(&rep);
	ok(journal_recover(dir, &rep) == 0 && rep.n == 0, "... also when it scans the directory");
	journal_report_free(&rep);
	ok(journal_commit(j, &e) == 0, "and it commits");
	journal_free(j);
	is_file("b", "half\n", "committed");
	no_leftovers("nothing left");

	free(state);
	free(b);
	free(bk);
	free(e);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	ok(system(cmd) == 0, "the scratch directory is removed");
	return tap_done();
}
