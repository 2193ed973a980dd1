/* fuzz_cf.c: a sendmail.cf text through cf_parse, cf_get and cf_to_plan. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "smtls/cf.h"
#include "smtls/plan.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = fuzz_text(data, size);
	struct cf_options o;
	struct tls_plan p;
	size_t i;

	cf_parse(text, &o);
	for (i = 0; i < o.n; i++)
		if (o.v[i].name == NULL || o.v[i].value == NULL || o.v[i].line < 1 ||
		    cf_get(&o, o.v[i].name) == NULL)
			abort();
	plan_init(&p, 0);
	cf_to_plan(&o, "fuzz.cf", &p);
	for (i = 0; i < tls_options_count; i++)
		(void)plan_get(&p, tls_options[i].field);
	plan_free(&p);
	cf_options_free(&o);
	free(text);
	return 0;
}
