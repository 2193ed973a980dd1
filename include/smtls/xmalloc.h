/* xmalloc.h: allocation wrappers that abort on out-of-memory, as tmux does. */
#ifndef SMTLS_XMALLOC_H
#define SMTLS_XMALLOC_H

#include <stddef.h>
#include <stdarg.h>

void *xmalloc(size_t size);
void *xcalloc(size_t nmemb, size_t size);
void *xrealloc(void *ptr, size_t size);
void *xreallocarray(void *ptr, size_t nmemb, size_t size);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);
/* Frees the n strings of v and v itself. */
void strv_free(char **v, size_t n);
/* Returns a newly allocated formatted string. */
char *xstrprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
char *xvstrprintf(const char *fmt, va_list ap) __attribute__((format(printf, 1, 0)));

/*
 * The one error convention of the core. A function that can fail takes `char **err` last and
 * returns -1 (or a failure status). err may be NULL: then no message is stored. Otherwise, on
 * failure, it stores a newly allocated message that names the file (or value) and the problem,
 * always through err_set, and the caller frees it; on success *err is left as it was, so callers
 * start with `char *err = NULL`. A function passes its err on to the functions it calls rather
 * than copying their message. err_set sets *err to the formatted message, or does nothing when
 * err is NULL.
 */
void err_set(char **err, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* A growable byte buffer; always NUL-terminated after the data. */
struct buf {
	char	*data;
	size_t	 len;
	size_t	 cap;
};
void buf_append(struct buf *b, const void *data, size_t len);
void buf_puts(struct buf *b, const char *s);
void buf_printf(struct buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void buf_vprintf(struct buf *b, const char *fmt, va_list ap) __attribute__((format(printf, 2, 0)));
/* Returns the data (caller frees) and resets the buffer. */
char *buf_release(struct buf *b);
void buf_free(struct buf *b);

/* Frees *p and sets it to NULL. */
#define xfree(p) do { free(p); (p) = NULL; } while (0)

#endif
