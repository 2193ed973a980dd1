/*
 * unit_json.c: the JSON writer of every --json (src/cli/json.c): control characters, quotes,
 * valid UTF-8 kept, invalid bytes written as their Latin-1 characters, and the shape of
 * nested objects and arrays, each read back by Python's json module (strict UTF-8).
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../src/cli/cli.h"
#include "smtls/xmalloc.h"
#include "tap.h"

/* What each string member must read back as: its code points in hex. */
static const struct {
	const char	*key;
	const char	*value;
	size_t		 len;		/* 0: strlen */
	const char	*want;
} cases[] = {
	{ "plain", "abc", 0, "0061 0062 0063" },
	{ "quote", "\"\\/", 0, "0022 005c 002f" },
	{ "ctl", "\x01\x1f\t\n\r\x7f", 0, "0001 001f 0009 000a 000d 007f" },
	{ "nul", "a\0b", 3, "0061 0000 0062" },
	{ "utf8", "\xc3\xbc\xe6\x97\xa5\xf0\x9f\x98\x80", 0, "00fc 65e5 1f600" },
	{ "latin1", "M\xfcller", 0, "004d 00fc 006c 006c 0065 0072" },
	{ "overlong", "\xc0\xaf\xe0\x80\xaf", 0, "00c0 00af 00e0 0080 00af" },
	{ "surrogate", "\xed\xa0\x80", 0, "00ed 00a0 0080" },
	{ "too_big", "\xf4\x90\x80\x80", 0, "00f4 0090 0080 0080" },
	{ "cut", "x\xe6\x97", 0, "0078 00e6 0097" },
	{ "lone", "\x80\xbf" "a", 0, "0080 00bf 0061" },
	{ "mixed", "\xff\xc3\xa4\xfe", 0, "00ff 00e4 00fe" },
};
#define NCASES	(sizeof(cases) / sizeof(cases[0]))

static char *
read_all(FILE *f)
{
	struct buf b = { 0 };
	char chunk[4096];
	size_t n;

	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
		buf_append(&b, chunk, n);
	buf_puts(&b, "");
	return buf_release(&b);
}

int
main(void)
{
	const char *base = getenv("SMTLS_SCRATCH") ? getenv("SMTLS_SCRATCH") :
	    getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp";
	char *tmpl = xstrprintf("%s/unit_json.XXXXXX", base), *dir, *path, *cmd, *got, *raw;
	struct findings fs = { 0 };
	struct json j;
	struct buf want = { 0 };
	FILE *f, *p;
	size_t i;

	if ((dir = mkdtemp(tmpl)) == NULL) {
		printf("Bail out! mkdtemp %s\n", tmpl);
		return 1;
	}
	path = xstrprintf("%s/out.json", dir);
	f = fopen(path, "w");
	if (f == NULL) {
		printf("Bail out! %s\n", path);
		return 1;
	}
	json_init(&j, f);
	json_object(&j, NULL, true);
	for (i = 0; i < NCASES; i++)
		json_strn(&j, cases[i].key, cases[i].value,
		    cases[i].len ? cases[i].len : strlen(cases[i].value));
	json_str(&j, "null", NULL);
	json_int(&j, "neg", -42);
	json_uint(&j, "big", 18446744073709551615ULL);
	json_bool(&j, "yes", true);
	json_array(&j, "empty", true);
	json_end(&j);
	json_array(&j, "list", false);
	json_object(&j, NULL, false);
	json_bool(&j, "no", false);
	json_end(&j);
	json_array(&j, NULL, true);
	json_int(&j, NULL, 1);
	json_null(&j, NULL);
	json_end(&j);
	json_end(&j);
	finding_set_fix(findings_add(&fs, "key.mismatch", SEV_ERROR, "/k\xe9y.pem", "message"),
	    "fix");
	json_findings(&j, &fs);
	json_end(&j);
	fclose(f);
	findings_free(&fs);

	f = fopen(path, "r");
	raw = read_all(f);
	fclose(f);
	ok(strstr(raw, "\"ctl\": \"\\u0001\\u001f\\t\\n\\r\\u007f\"") != NULL,
	    "control characters are escaped, \\t \\n \\r by name");
	ok(strstr(raw, "\"latin1\": \"M\\u00fcller\"") != NULL,
	    "an invalid byte is written as \\u00XX, its Latin-1 character");
	ok(strstr(raw, "\"utf8\": \"\xc3\xbc\xe6\x97\xa5\xf0\x9f\x98\x80\"") != NULL,
	    "valid UTF-8 is written as it is");
	ok(raw[strlen(raw) - 1] == '\n' && raw[strlen(raw) - 2] == '}',
	    "the outermost object ends the output with a newline");
	free(raw);

	if (system("python3 -c 'import json' 2>/dev/null") != 0) {
		printf("ok %d - # SKIP python3 is not available\n", ++tap_n);
		return tap_done();
	}
	cmd = xstrprintf("python3 -c '\n"
	    "import json, sys\n"
	    "d = json.load(open(sys.argv[1], encoding=\"utf-8\"))\n"
	    "for k, v in d.items():\n"
	    "    if isinstance(v, str):\n"
	    "        print(k, \" \".join(\"%%04x\" %% ord(c) for c in v))\n"
	    "    else:\n"
	    "        print(k, json.dumps(v, sort_keys=False))\n"
	    "' '%s' 2>&1", path);
	p = popen(cmd, "r");
	got = read_all(p);
	ok(pclose(p) == 0, "Python's json module reads the output (strict UTF-8)");
	for (i = 0; i < NCASES; i++)
		buf_printf(&want, "%s %s\n", cases[i].key, cases[i].want);
	buf_puts(&want, "null null\nneg -42\nbig 18446744073709551615\nyes true\nempty []\n"
	    "list [{\"no\": false}, [1, null]]\n"
	    "findings [{\"id\": \"key.mismatch\", \"severity\": \"error\", "
	    "\"file\": \"/k\\u00e9y.pem\", \"message\": \"message\", \"fix\": \"fix\"}]\n"
	    "errors 1\nwarnings 0\n");
	is(got, want.data, "every value reads back as written, in order");
	free(got);
	buf_free(&want);
	free(cmd);
	unlink(path);
	rmdir(dir);
	free(path);
	free(tmpl);
	return tap_done();
}
