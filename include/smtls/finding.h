/* finding.h: the findings the core returns (doc/design.md §4) and the catalogue of their ids. */
#ifndef SMTLS_FINDING_H
#define SMTLS_FINDING_H

#include <stddef.h>

enum severity {
	SEV_OK = 0,	/* a check that passed (the wizard's green marks) */
	SEV_INFO,
	SEV_WARNING,
	SEV_ERROR,
};

struct finding {
	char		*id;		/* stable id, e.g. "chain.incomplete" */
	enum severity	 severity;
	char		*file;		/* the file or directory concerned, or NULL */
	char		*message;	/* what breaks and for whom (translated) */
	char		*fix;		/* the concrete fix, or NULL */
	char		*reproduce;	/* a command that shows the same thing, or NULL */
};

struct findings {
	struct finding	*v;
	size_t		 n;
	size_t		 cap;
};

/* One entry of the catalogue of stable ids. */
struct finding_def {
	const char	*id;
	enum severity	 severity;	/* the usual severity */
	const char	*summary;	/* when it fires (untranslated; mark with N_) */
};

extern const struct finding_def finding_defs[];
extern const size_t finding_defs_count;

/* Adds a finding; message is a printf format. Returns it so a fix can be set. */
struct finding *findings_add(struct findings *fs, const char *id, enum severity sev,
    const char *file, const char *fmt, ...) __attribute__((format(printf, 5, 6)));
void finding_set_fix(struct finding *f, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
void finding_set_reproduce(struct finding *f, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* Number of findings of exactly this severity. */
size_t findings_count(const struct findings *fs, enum severity sev);
/* True when a finding with this id (and file, when file is not NULL) exists. */
int findings_has(const struct findings *fs, const char *id, const char *file);
/* Stable sort: errors first, then warnings, info, ok. */
void findings_sort(struct findings *fs);
/* Moves all findings of src to the end of dst; src is left empty. */
void findings_move(struct findings *dst, struct findings *src);
void findings_free(struct findings *fs);
/* "ERROR", "WARNING", "INFO", "OK", translated: the word people see beside a finding. */
const char *severity_label(enum severity sev);
/* "error", "warning", "info", "ok" (for JSON; not translated). */
const char *severity_name(enum severity sev);

#endif
