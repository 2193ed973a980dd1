/*
 * fuzz_job.c: the records a child process sends the wizard over its pipe (job.h's framing),
 * read as the wizard reads them. The first byte chooses the reader: an apply's progress and
 * result (apply_child_decode), the files of a key and certificate made in the child
 * (certmake_job_record: 'f'), or the live check's listeners and verdict
 * (confirm_live_job_record: 'c'). A result read must be whole enough to free and to count.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "smtls/apply-child.h"
#include "smtls/certmake.h"
#include "smtls/confirm-job.h"
#include "smtls/job.h"

static void
made(const char *data, size_t len)
{
	struct certmake_made m;
	struct job_rd r;
	size_t used, i;
	char type;

	memset(&m, 0, sizeof(m));
	while ((used = job_record_at(data, len, &type, &r)) > 0) {
		certmake_job_record(&m, type, &r);
		data += used;
		len -= used;
	}
	if (m.n_files > 4)
		abort();
	for (i = 0; i < m.n_files; i++)
		if (m.files[i].name == NULL || m.files[i].data == NULL)
			abort();	/* a file that came has its name and contents */
	certmake_made_free(&m);
}

static void
listener(const struct confirm_listener *l, bool done, void *arg)
{
	(void)done;
	(void)arg;
	if (l->target == NULL)
		abort();	/* a listener shown has its address */
	(void)strlen(l->target);
	if (l->name != NULL)
		(void)strlen(l->name);
}

static void
live(const char *data, size_t len)
{
	struct confirm_live_made m;
	struct job_rd r;
	size_t used;
	char type;

	memset(&m, 0, sizeof(m));
	m.progress = listener;
	while ((used = job_record_at(data, len, &type, &r)) > 0) {
		confirm_live_job_record(&m, type, &r);
		data += used;
		len -= used;
	}
	confirm_live_made_free(&m);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct apply_result res;
	char *summary = NULL;

	if (size < 1)
		return 0;
	if (data[0] == 'f') {
		made((const char *)data + 1, size - 1);
		return 0;
	}
	if (data[0] == 'c') {
		live((const char *)data + 1, size - 1);
		return 0;
	}
	memset(&res, 0, sizeof(res));
	if (apply_child_decode((const char *)data + 1, size - 1, &res, &summary)) {
		if (res.mc_path == NULL || res.cf_path == NULL)
			abort();	/* a result names its files */
		(void)findings_count(&res.findings, SEV_ERROR);
		(void)findings_count(&res.prove.findings, SEV_ERROR);
		apply_result_free(&res);
		free(summary);
	}
	return 0;
}
