/*
 * bench/check-plan.c: how long one check_plan() takes in-process, as the wizard calls it on
 * every key: the first call (nothing cached in the process) and the median and slowest of the
 * re-checks after it, nothing on disk having changed.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "smtls/cert.h"
#include "smtls/check.h"
#include "smtls/xmalloc.h"

static int
cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

/* Usage: check-plan CERT KEY CHAIN CAPATH HOSTNAME RUNS */
int
main(int argc, char **argv)
{
	struct tls_plan p;
	double *ms;
	int i, runs;

	if (argc != 7)
		return 2;
	runs = atoi(argv[6]);
	if (runs < 2)
		return 2;
	ms = xcalloc((size_t)runs, sizeof(*ms));
	plan_init(&p, time(NULL));
	plan_set(&p, PF_SERVER_CERT, argv[1], NULL, 0);
	plan_set(&p, PF_SERVER_KEY, argv[2], NULL, 0);
	plan_set(&p, PF_CA_CERT, argv[3], NULL, 0);
	plan_set(&p, PF_CA_PATH, argv[4], NULL, 0);
	p.hostname = xstrdup(argv[5]);
	p.public_roots = xstrdup("/etc/ssl/certs");
	p.want_ok = true;
	for (i = 0; i < runs; i++) {
		struct findings fs = { 0 };
		struct timespec a, b;

		clock_gettime(CLOCK_MONOTONIC, &a);
		check_plan(&p, NULL, &fs);
		clock_gettime(CLOCK_MONOTONIC, &b);
		ms[i] = (double)(b.tv_sec - a.tv_sec) * 1e3 + (double)(b.tv_nsec - a.tv_nsec) / 1e6;
		findings_free(&fs);
	}
	printf("%.2f ", ms[0]);
	qsort(ms + 1, (size_t)runs - 1, sizeof(*ms), cmp_double);
	printf("%.2f %.2f\n", ms[1 + (runs - 1) / 2], ms[runs - 1]);
	free(ms);
	plan_free(&p);
	return 0;
}
