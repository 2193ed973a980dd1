/* tap.h: TAP output for the C unit tests (one "ok N - name" line per assertion). */
#ifndef SMTLS_TESTS_TAP_H
#define SMTLS_TESTS_TAP_H

#include <stdio.h>
#include <string.h>

static int tap_n, tap_failed;

/* Line-buffered, so that a sanitizer's exit cannot swallow the lines already printed. */
__attribute__((constructor)) static void
tap_init(void)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
}

static void
ok(int cond, const char *name)
{
	printf("%sok %d - %s\n", cond ? "" : "not ", ++tap_n, name);
	if (!cond)
		tap_failed++;
}

/* Compares two strings; on a difference prints both as TAP comments. */
static void __attribute__((unused))
is(const char *got, const char *want, const char *name)
{
	int same = got != NULL && strcmp(got, want) == 0;

	ok(same, name);
	if (!same)
		printf("# got:\n%s\n# want:\n%s\n", got ? got : "(null)", want);
}

/* Prints the plan; the exit status of the test program. */
static int
tap_done(void)
{
	printf("1..%d\n", tap_n);
	return tap_failed ? 1 : 0;
}

#endif
