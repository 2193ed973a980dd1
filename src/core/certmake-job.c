/* certmake-job.c: making a key and its certificate or request in a child process (job.h);
 * the files to write come back as the job's records, and the caller writes them. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "smtls/certmake.h"
#include "smtls/job.h"

enum { REC_FILE = 'f', REC_END = 'e' };

struct maker {
	certmake_fn	 make;
	void		*arg;
};

static void
child_make(void *arg)
{
	const struct maker *mk = arg;
	const struct pki_out_file *files = NULL;
	const char *cacert = NULL;
	char *err = NULL;
	struct buf b = { 0 };
	size_t n = 0, i;
	int rc = mk->make(mk->arg, &files, &n, &cacert, &err);

	for (i = 0; rc == 0 && i < n && i < 4; i++) {
		job_put_str(&b, files[i].name);
		job_put_int(&b, (int)files[i].mode);
		job_put_mem(&b, files[i].data, files[i].len);
		job_send(REC_FILE, &b);
	}
	job_put_int(&b, rc);
	job_put_str(&b, rc == 0 ? cacert : NULL);
	job_put_str(&b, rc == 0 ? NULL : err ? err : "?");
	job_send(REC_END, &b);
	free(err);
}

int
certmake_job_start(certmake_fn make, void *arg, struct job **out, char **err)
{
	struct maker mk = { make, arg };

	/* the child has its own copy of mk from the fork */
	return job_start(child_make, &mk, false, out, err);
}

void
certmake_job_record(void *ctx, char type, struct job_rd *r)
{
	struct certmake_made *m = ctx;

	if (type == REC_FILE && m->n_files < 4 && !m->ended) {
		struct pki_out_file *f = &m->files[m->n_files];
		char *name = job_get_str(r), *data;
		int mode = job_get_int(r);
		size_t len;

		data = job_get_mem(r, &len);
		if (r->bad || name == NULL || data == NULL) {
			free(name);
			free(data);
			return;
		}
		f->name = name;
		f->mode = (mode_t)mode;
		f->data = data;
		f->len = len;
		m->n_files++;
	} else if (type == REC_END && !m->ended) {
		int rc = job_get_int(r);

		free(m->cacert);	/* a bad end record before this one */
		free(m->error);
		m->cacert = job_get_str(r);
		m->error = job_get_str(r);
		if (rc != 0 && m->error == NULL)
			m->error = xstrdup("?");
		m->ended = !r->bad;
	}
}

void
certmake_made_free(struct certmake_made *m)
{
	size_t i;

	for (i = 0; i < m->n_files; i++) {
		free((char *)m->files[i].name);
		if (m->files[i].data != NULL)
			explicit_bzero((char *)m->files[i].data, m->files[i].len);
		free((char *)m->files[i].data);
	}
	free(m->cacert);
	free(m->error);
	memset(m, 0, sizeof(*m));
}
