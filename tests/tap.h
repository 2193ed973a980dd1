/* tap.h: the one TAP implementation of the C unit tests (tests/unit_*.c).
 * One "ok N - name" line per assertion; a failed one says where it is (file and line);
 * tap_done() prints the plan and gives main's exit status (non-zero if any assertion failed). */
#ifndef SMTLS_TESTS_TAP_H
#define SMTLS_TESTS_TAP_H

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int tap_n, tap_failed;

/* Line-buffered, so that a sanitizer's exit cannot swallow the lines already printed. */
__attribute__((constructor)) static void
tap_init(void)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
}

/* Prints a printf-style text as TAP comments, one "# " per line. */
static void __attribute__((unused, format(printf, 1, 2)))
diag(const char *fmt, ...)
{
	char buf[8192], *line, *nl;
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	for (line = buf; *line != '\0'; line = nl + 1) {
		nl = strchr(line, '\n');
		if (nl == NULL) {
			printf("# %s\n", line);
			break;
		}
		printf("# %.*s\n", (int)(nl - line), line);
	}
}

static int __attribute__((unused, format(printf, 4, 5)))
tap_ok(int cond, const char *file, int line, const char *fmt, ...)
{
	va_list ap;

	printf("%sok %d - ", cond ? "" : "not ", ++tap_n);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
	if (!cond) {
		tap_failed++;
		diag("  failed at %s line %d", file, line);
	}
	return cond;
}

/* ok(COND, NAME): one assertion; okf(COND, FMT, ...): the same with a printf-style name.
 * Both give COND back (0 or 1), to add diagnostics on a failure. */
#define ok(cond, name)		tap_ok(!!(cond), __FILE__, __LINE__, "%s", (name))
#define okf(cond, ...)		tap_ok(!!(cond), __FILE__, __LINE__, __VA_ARGS__)

/* is(GOT, WANT, NAME): two strings are equal; on a difference prints both. */
#define is(got, want, name)	tap_is((got), (want), __FILE__, __LINE__, (name))

static int __attribute__((unused))
tap_is(const char *got, const char *want, const char *file, int line, const char *name)
{
	int same = got != NULL && want != NULL && strcmp(got, want) == 0;

	if (!tap_ok(same, file, line, "%s", name))
		diag("got:\n%s\nwant:\n%s", got ? got : "(null)", want ? want : "(null)");
	return same;
}

/* A test that cannot run here: counted in the plan, never a failure. */
static void __attribute__((unused))
skip(const char *name, const char *why)
{
	printf("ok %d - %s # SKIP %s\n", ++tap_n, name, why);
}

/* Stops the whole test program: nothing after this can be judged. */
static void __attribute__((unused, noreturn, format(printf, 1, 2)))
bail_out(const char *fmt, ...)
{
	va_list ap;

	fputs("Bail out! ", stdout);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
	exit(1);
}

/* Prints the plan; the exit status of the test program. */
static int
tap_done(void)
{
	printf("1..%d\n", tap_n);
	return tap_failed ? 1 : 0;
}

#endif
