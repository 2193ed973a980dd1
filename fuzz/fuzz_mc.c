/*
 * fuzz_mc.c: a sendmail.mc text through the scanner (mc_scan_text), the search for cf.m4
 * and the settings loader's file path (cf_load, then mc_compare_cf). m4 itself is not run.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "smtls/finding.h"
#include "smtls/m4.h"
#include "smtls/mc.h"
#include "smtls/plan.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = fuzz_text(data, size), *dir;
	struct findings fs = { 0 };
	struct tls_plan a, b;
	struct mc_scan s;
	int includes = 0, line = 0;
	size_t i;

	mc_scan_text(text, &s);
	for (i = 0; i < s.n; i++) {
		if (s.v[i].macro == NULL || s.v[i].value == NULL || s.v[i].line < line)
			abort();	/* defines in line order */
		line = s.v[i].line;
	}
	mc_scan_free(&s);
	dir = m4_find_cf_dir(text, "/nonexistent/smtls-fuzz", &includes);
	free(dir);
	plan_init(&a, 0);
	plan_init(&b, 0);
	if (cf_load(fuzz_file(data, size), &a, &fs) == 0)
		mc_compare_cf(&a, &b, "fuzz.mc", "fuzz.cf", &fs);
	plan_free(&a);
	plan_free(&b);
	findings_free(&fs);
	free(text);
	return 0;
}
