/* command.c: a command's option table made into its getopt_long options and its --help. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "smtls/i18n.h"

#define HELP_COLUMN	26	/* where the option descriptions start */
#define HELP_WIDTH	79	/* the last column of the help */
#define OPTIONS_MAX	64

static const struct cmd_option help_option = {
	"help", 0, no_argument, NULL, CMD_OPT_HELP, N_("display this help and exit")
};

/* Calls fn for each option of the entry, --help last. */
static void
each_option(const struct cmd_entry *e, void (*fn)(const struct cmd_option *, void *), void *arg)
{
	const struct cmd_group *const *g;
	const struct cmd_option *o;

	for (g = e->groups; g && *g; g++)
		for (o = (*g)->options; o->name; o++)
			fn(o, arg);
	fn(&help_option, arg);
}

struct getopt_table {
	struct option	long_opts[OPTIONS_MAX + 1];
	char		short_opts[3 * OPTIONS_MAX + 2];
	int		short_ids[256];
	size_t		n;
};

static void
add_option(const struct cmd_option *o, void *arg)
{
	struct getopt_table *t = arg;
	size_t len;

	if (t->n == OPTIONS_MAX)
		abort();	/* a table larger than OPTIONS_MAX: raise it */
	t->long_opts[t->n++] = (struct option){ o->name, o->has_arg, NULL, o->id };
	if (o->short_name != 0) {
		len = strlen(t->short_opts);
		t->short_opts[len++] = o->short_name;
		if (o->has_arg != no_argument)
			t->short_opts[len++] = ':';
		if (o->has_arg == optional_argument)
			t->short_opts[len++] = ':';
		t->short_opts[len] = '\0';
		t->short_ids[(unsigned char)o->short_name] = o->id;
	}
}

int
cmd_getopt(const struct cmd_entry *e, int argc, char **argv)
{
	static struct getopt_table t;
	static const struct cmd_entry *built;
	int opt;

	if (built != e) {
		memset(&t, 0, sizeof(t));
		t.short_opts[0] = '\0';
		each_option(e, add_option, &t);
		built = e;
	}
	opt = getopt_long(argc, argv, t.short_opts, t.long_opts, NULL);
	if (opt > 0 && opt < 256 && t.short_ids[opt] != 0)
		return t.short_ids[opt];
	return opt;
}

/* Display columns of UTF-8 text: one per character. */
static size_t
columns(const char *s, size_t n)
{
	size_t c = 0, i;

	for (i = 0; i < n; i++)
		if (((unsigned char)s[i] & 0xc0) != 0x80)
			c++;
	return c;
}

/* Writes text word-wrapped from column col to HELP_WIDTH; lines after the first start at col. */
static void
wrap(FILE *f, const char *text, size_t col)
{
	size_t at = col;
	const char *p = text;

	while (*p) {
		size_t n = strcspn(p, " "), w = columns(p, n);

		if (at > col && at + 1 + w > HELP_WIDTH) {
			fprintf(f, "\n%*s", (int)col, "");
			at = col;
		} else if (at > col) {
			fputc(' ', f);
			at++;
		}
		fwrite(p, 1, n, f);
		at += w;
		p += n;
		while (*p == ' ')
			p++;
	}
	fputc('\n', f);
}

static void
print_option(const struct cmd_option *o, void *arg)
{
	FILE *f = arg;
	char left[128];
	size_t w;

	if (o->short_name)
		snprintf(left, sizeof(left), "  -%c, --%s", o->short_name, o->name);
	else
		snprintf(left, sizeof(left), "      --%s", o->name);
	w = strlen(left);
	if (o->has_arg == required_argument)
		snprintf(left + w, sizeof(left) - w, " %s", _(o->arg));
	else if (o->has_arg == optional_argument)
		snprintf(left + w, sizeof(left) - w, "[=%s]", _(o->arg));
	fputs(left, f);
	w = columns(left, strlen(left));
	if (w + 2 > HELP_COLUMN)
		fprintf(f, "\n%*s", HELP_COLUMN, "");
	else
		fprintf(f, "%*s", (int)(HELP_COLUMN - w), "");
	wrap(f, _(o->help), HELP_COLUMN);
}

void
cmd_help(const struct cmd_entry *e, FILE *f)
{
	const struct cmd_group *const *g;
	const struct cmd_option *o;
	bool noted = false, first = true;

	fprintf(f, _("Usage: %s %s %s\n"), PACKAGE, e->name, _(e->usage));
	if (e->description)
		fputs(_(e->description), f);
	for (g = e->groups; g && *g; g++) {
		/* the description ends with a blank line */
		if ((*g)->title)
			fprintf(f, "%s%s\n", first ? "" : "\n", _((*g)->title));
		else if (noted)
			fputc('\n', f);
		first = false;
		for (o = (*g)->options; o->name; o++)
			print_option(o, f);
		noted = (*g)->note != NULL;
		if (noted)
			fputs(_((*g)->note), f);
	}
	if (noted)
		fputc('\n', f);
	print_option(&help_option, f);
	if (e->footer) {
		fputc('\n', f);
		fputs(_(e->footer), f);
	}
	fprintf(f, _("Report bugs to: %s\n"), PACKAGE_BUGREPORT);
}
