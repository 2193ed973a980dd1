/* probe.c: SMTP STARTTLS client with hard timeouts; captures and judges the server's chain. */
#include "config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <openssl/x509_vfy.h>

#include "smtls/i18n.h"
#include "smtls/probe.h"
#include "smtls/xmalloc.h"

/* One connection: the socket, TLS once started, and the unread input. */
struct conn {
	int		 fd;
	SSL		*ssl;
	char		 buf[PROBE_LINE_MAX + 2];
	size_t		 have;
	long long	 deadline;	/* monotonic ms */
	bool		 eof;
};

/* An SMTP reply: its code and its lines' text joined by '\n'. */
struct reply {
	int		 code;
	struct buf	 text;
};

static void
fail(struct probe_result *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void
fail(struct probe_result *r, const char *fmt, ...)
{
	va_list ap;

	free(r->failure);
	va_start(ap, fmt);
	r->failure = xvstrprintf(fmt, ap);
	va_end(ap);
}

/* Timeouts only: validity is always judged at o->now, never at the clock. */
static long long
mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Waits for events on fd until the deadline: 1 ready, 0 timed out, -1 error. */
static int
wait_fd(int fd, short events, long long deadline)
{
	struct pollfd p;
	long long left;
	int n;

	for (;;) {
		left = deadline - mono_ms();
		if (left <= 0)
			return 0;
		p.fd = fd;
		p.events = events;
		p.revents = 0;
		n = poll(&p, 1, left > 60000 ? 60000 : (int)left);
		if (n > 0)
			return 1;
		if (n == -1 && errno != EINTR)
			return -1;
	}
}

bool
probe_is_address(const char *s)
{
	unsigned char a[16];

	return inet_pton(AF_INET, s, a) == 1 || inet_pton(AF_INET6, s, a) == 1;
}

int
probe_parse_target(const char *arg, int default_port, char **host, int *port, char **err)
{
	const char *colon, *end;
	char *e;
	long p = default_port;

	*host = NULL;
	if (arg[0] == '[') {
		end = strchr(arg, ']');
		if (end == NULL || end == arg + 1) {
			err_set(err, _("'%s': an IPv6 address in brackets needs its closing ']'"),
			    arg);
			return -1;
		}
		*host = xstrndup(arg + 1, (size_t)(end - arg - 1));
		colon = end[1] == ':' ? end + 1 : NULL;
		if (end[1] != '\0' && colon == NULL) {
			err_set(err, _("'%s': expected ':PORT' after ']'"), arg);
			goto bad;
		}
	} else if ((colon = strchr(arg, ':')) != NULL && strchr(colon + 1, ':') != NULL) {
		*host = xstrdup(arg);	/* a bare IPv6 literal */
		colon = NULL;
	} else if (colon != NULL) {
		*host = xstrndup(arg, (size_t)(colon - arg));
	} else {
		*host = xstrdup(arg);
	}
	if (**host == '\0') {
		err_set(err, _("'%s': no host name"), arg);
		goto bad;
	}
	if (colon != NULL) {
		errno = 0;
		p = strtol(colon + 1, &e, 10);
		if (colon[1] == '\0' || *e != '\0' || errno != 0 || p < 1 || p > 65535) {
			err_set(err, _("'%s': the port must be a number from 1 to 65535"), arg);
			goto bad;
		}
	}
	if (strchr(*host, ':') != NULL && !probe_is_address(*host)) {
		err_set(err, _("'%s' is not an IPv6 address"), *host);
		goto bad;
	}
	*port = (int)p;
	return 0;
bad:
	xfree(*host);
	return -1;
}

static int
tcp_connect(const struct probe_opts *o, struct probe_result *r)
{
	struct addrinfo hints, *res = NULL, *ai;
	char portstr[16], addr[INET6_ADDRSTRLEN];
	long long deadline = mono_ms() + o->connect_timeout_ms;
	int fd = -1, g, soerr = 0, last_err = 0;
	socklen_t sl;

	memset(&hints, 0, sizeof(hints));
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_STREAM;
	hints.ai_flags = AI_NUMERICSERV | AI_ADDRCONFIG;
	snprintf(portstr, sizeof(portstr), "%d", o->port);
	r->stage = PROBE_RESOLVE;
	if ((g = getaddrinfo(o->host, portstr, &hints, &res)) != 0) {
		/* AI_ADDRCONFIG hides ::1 on hosts without a global IPv6 address */
		hints.ai_flags = AI_NUMERICSERV;
		g = getaddrinfo(o->host, portstr, &hints, &res);
	}
	if (g != 0) {
		fail(r, _("cannot resolve %s: %s"), o->host, gai_strerror(g));
		return -1;
	}
	r->stage = PROBE_CONNECT;
	for (ai = res; ai != NULL; ai = ai->ai_next) {
		fd = socket(ai->ai_family, ai->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC,
		    ai->ai_protocol);
		if (fd == -1) {
			last_err = errno;
			continue;
		}
		getnameinfo(ai->ai_addr, ai->ai_addrlen, addr, sizeof(addr), NULL, 0,
		    NI_NUMERICHOST);
		if (connect(fd, ai->ai_addr, ai->ai_addrlen) == 0)
			break;
		if (errno == EINPROGRESS) {
			g = wait_fd(fd, POLLOUT, deadline);
			sl = sizeof(soerr);
			if (g == 1 && getsockopt(fd, SOL_SOCKET, SO_ERROR, &soerr, &sl) == 0 &&
			    soerr == 0)
				break;
			last_err = g == 0 ? ETIMEDOUT : soerr ? soerr : errno;
		} else {
			last_err = errno;
		}
		close(fd);
		fd = -1;
		if (last_err == ETIMEDOUT)
			break;
	}
	freeaddrinfo(res);
	if (fd == -1) {
		if (last_err == ETIMEDOUT)
			fail(r, _("cannot connect to %s port %d: no answer within %d s"), o->host,
			    o->port, o->connect_timeout_ms / 1000);
		else
			fail(r, _("cannot connect to %s port %d: %s"), o->host, o->port,
			    strerror(last_err));
		return -1;
	}
	r->address = xstrdup(addr);
	return fd;
}

/* The first error in OpenSSL's queue as text (static storage), or NULL. */
static const char *
ssl_reason(void)
{
	unsigned long e = ERR_peek_last_error();
	const char *s = e ? ERR_reason_error_string(e) : NULL;

	return s;
}

/* Reads more input: >0 bytes, 0 at the end, -1 on error (failure set), -2 on timeout. */
static ssize_t
conn_fill(struct conn *c, struct probe_result *r, const char *waiting_for)
{
	char *p = c->buf + c->have;
	size_t room = sizeof(c->buf) - 1 - c->have;
	ssize_t n;
	int w;

	for (;;) {
		if (c->ssl != NULL) {
			int k, e;

			ERR_clear_error();
			k = SSL_read(c->ssl, p, (int)room);
			if (k > 0)
				return k;
			e = SSL_get_error(c->ssl, k);
			if (e == SSL_ERROR_ZERO_RETURN)
				return 0;
			if (e == SSL_ERROR_WANT_READ || e == SSL_ERROR_WANT_WRITE) {
				w = wait_fd(c->fd, e == SSL_ERROR_WANT_READ ? POLLIN : POLLOUT,
				    c->deadline);
				if (w == 1)
					continue;
			} else if (e == SSL_ERROR_SYSCALL && ERR_peek_error() == 0) {
				return 0;
			} else {
				fail(r, _("TLS error while waiting for %s: %s"), waiting_for,
				    ssl_reason() ? ssl_reason() : _("unknown"));
				return -1;
			}
		} else {
			n = recv(c->fd, p, room, 0);
			if (n >= 0)
				return n;
			if (errno == EINTR)
				continue;
			if (errno != EAGAIN && errno != EWOULDBLOCK) {
				fail(r, _("connection error while waiting for %s: %s"), waiting_for,
				    strerror(errno));
				return -1;
			}
			w = wait_fd(c->fd, POLLIN, c->deadline);
			if (w == 1)
				continue;
		}
		if (w == 0)
			return -2;
		fail(r, _("connection error while waiting for %s: %s"), waiting_for,
		    strerror(errno));
		return -1;
	}
}

/* A printable excerpt of server output for messages (caller frees). */
static char *
excerpt(const char *s, size_t n)
{
	struct buf b = { 0 };
	size_t i;

	for (i = 0; i < n && i < 60; i++) {
		unsigned char ch = (unsigned char)s[i];

		if (ch >= 0x20 && ch < 0x7f)
			buf_append(&b, &s[i], 1);
		else
			buf_printf(&b, "\\x%02x", ch);
	}
	if (n > 60)
		buf_puts(&b, "...");
	if (b.data == NULL)
		buf_puts(&b, "");
	return buf_release(&b);
}

/* Reads one complete (possibly multi-line) reply. Returns 0, or -1 (failure set). */
static int
read_reply(struct conn *c, struct probe_result *r, const char *what, int timeout_ms,
    struct reply *rep)
{
	int lines = 0;

	rep->code = 0;
	buf_free(&rep->text);
	c->deadline = mono_ms() + timeout_ms;
	for (;;) {
		char *nl = memchr(c->buf, '\n', c->have), *x;
		size_t len;
		int code;
		bool last;

		if (nl == NULL) {
			ssize_t n;

			if (c->have >= PROBE_LINE_MAX) {
				fail(r, _("the server sent a reply line longer than %d bytes while we "
				    "waited for %s: not SMTP"), PROBE_LINE_MAX, what);
				return -1;
			}
			n = conn_fill(c, r, what);
			if (n == -2)
				fail(r, _("no %s within %d s: the server accepted the connection but "
				    "stopped answering"), what, timeout_ms / 1000);
			if (n < 0)
				return -1;
			if (n == 0) {
				fail(r, c->have ? _("the server closed the connection in the middle "
				    "of its %s") : _("the server closed the connection instead of "
				    "sending its %s"), what);
				return -1;
			}
			c->have += (size_t)n;
			continue;
		}
		len = (size_t)(nl - c->buf);
		if (len > 0 && c->buf[len - 1] == '\r')
			len--;
		if (len < 3 || c->buf[0] < '2' || c->buf[0] > '5' || c->buf[1] < '0' ||
		    c->buf[1] > '9' || c->buf[2] < '0' || c->buf[2] > '9' ||
		    (len > 3 && c->buf[3] != ' ' && c->buf[3] != '-')) {
			x = excerpt(c->buf, len);
			fail(r, _("the server sent garbage instead of its %s: \"%s\""), what, x);
			free(x);
			return -1;
		}
		code = (c->buf[0] - '0') * 100 + (c->buf[1] - '0') * 10 + (c->buf[2] - '0');
		if (lines > 0 && code != rep->code) {
			fail(r, _("the server changed the reply code within one reply (%d, then %d)"),
			    rep->code, code);
			return -1;
		}
		rep->code = code;
		last = len == 3 || c->buf[3] == ' ';
		/* the reply is shown to the user: no control characters from the server */
		for (x = c->buf; x < c->buf + len; x++)
			if ((unsigned char)*x < 0x20 || *x == 0x7f)
				*x = '?';
		if (rep->text.len)
			buf_append(&rep->text, "\n", 1);
		buf_append(&rep->text, c->buf, len);
		c->have -= (size_t)(nl + 1 - c->buf);
		memmove(c->buf, nl + 1, c->have);
		if (++lines > 200) {
			fail(r, _("the server sent more than 200 lines in one reply"));
			return -1;
		}
		if (last)
			return 0;
	}
}

static int
conn_send(struct conn *c, struct probe_result *r, const char *line, int timeout_ms)
{
	size_t len = strlen(line), off = 0;
	long long deadline = mono_ms() + timeout_ms;

	while (off < len) {
		ssize_t n;

		if (c->ssl != NULL) {
			int k, e;

			ERR_clear_error();
			k = SSL_write(c->ssl, line + off, (int)(len - off));
			if (k > 0) {
				off += (size_t)k;
				continue;
			}
			e = SSL_get_error(c->ssl, k);
			if ((e == SSL_ERROR_WANT_READ || e == SSL_ERROR_WANT_WRITE) &&
			    wait_fd(c->fd, e == SSL_ERROR_WANT_READ ? POLLIN : POLLOUT, deadline) == 1)
				continue;
		} else {
			n = send(c->fd, line + off, len - off, MSG_NOSIGNAL);
			if (n > 0) {
				off += (size_t)n;
				continue;
			}
			if (n == -1 && (errno == EAGAIN || errno == EINTR) &&
			    wait_fd(c->fd, POLLOUT, deadline) == 1)
				continue;
		}
		fail(r, _("cannot send %.*s to the server: %s"), (int)strcspn(line, " \r"), line,
		    errno ? strerror(errno) : _("connection closed"));
		return -1;
	}
	return 0;
}

static bool
ehlo_has_starttls(const char *text)
{
	const char *p = text;

	while (p != NULL && *p) {
		const char *kw = p + 4;
		size_t n = strcspn(kw, " \n");

		if (strlen(p) > 4 && n == 8 && strncasecmp(kw, "STARTTLS", 8) == 0)
			return true;
		p = strchr(p, '\n');
		if (p != NULL)
			p++;
	}
	return false;
}

static int
tls_handshake(struct conn *c, const struct probe_opts *o, struct probe_result *r, SSL_CTX *ctx)
{
	long long deadline = mono_ms() + o->reply_timeout_ms;
	int k, e, w;

	r->stage = PROBE_HANDSHAKE;
	c->ssl = SSL_new(ctx);
	if (c->ssl == NULL || SSL_set_fd(c->ssl, c->fd) != 1) {
		fail(r, _("cannot set up TLS: %s"), ssl_reason() ? ssl_reason() : _("unknown"));
		return -1;
	}
	if (o->verify_name != NULL && !probe_is_address(o->verify_name))
		SSL_set_tlsext_host_name(c->ssl, o->verify_name);
	if (c->have > 0) {
		fail(r, _("the server sent data after its reply to STARTTLS, before the TLS "
		    "handshake (a protocol error)"));
		return -1;
	}
	for (;;) {
		ERR_clear_error();
		errno = 0;
		k = SSL_connect(c->ssl);
		if (k == 1)
			return 0;
		e = SSL_get_error(c->ssl, k);
		if (e == SSL_ERROR_WANT_READ || e == SSL_ERROR_WANT_WRITE) {
			w = wait_fd(c->fd, e == SSL_ERROR_WANT_READ ? POLLIN : POLLOUT, deadline);
			if (w == 1)
				continue;
			if (w == 0)
				fail(r, _("the TLS handshake did not finish within %d s: the server "
				    "stopped answering"), o->reply_timeout_ms / 1000);
			else
				fail(r, _("the TLS handshake failed: %s"), strerror(errno));
			return -1;
		}
		if (e == SSL_ERROR_SYSCALL && ERR_peek_error() == 0)
			fail(r, _("the server closed the connection during the TLS handshake%s%s"),
			    errno ? ": " : "", errno ? strerror(errno) : "");
		else
			fail(r, _("the TLS handshake failed: %s"),
			    ssl_reason() ? ssl_reason() : _("unknown error"));
		return -1;
	}
}

static void
add_reproduce(struct finding *f, const struct probe_opts *o)
{
	bool v6 = strchr(o->host, ':') != NULL;

	finding_set_reproduce(f, "openssl s_client %s-connect %s%s%s:%d%s%s -showcerts",
	    o->smtps ? "" : "-starttls smtp ", v6 ? "[" : "", o->host, v6 ? "]" : "", o->port,
	    o->verify_name ? " -servername " : "", o->verify_name ? o->verify_name : "");
}

static void
verify_chain(const struct probe_opts *o, struct probe_result *r)
{
	X509_STORE *st = X509_STORE_new();
	X509_STORE_CTX *xc = X509_STORE_CTX_new();
	STACK_OF(X509) *untrusted = sk_X509_new_null();
	size_t i;

	if (o->ca_file != NULL || o->ca_path != NULL) {
		if (X509_STORE_load_locations(st, o->ca_file, o->ca_path) != 1) {
			r->verify_error = X509_V_ERR_UNSPECIFIED;
			r->verify_text = xstrprintf(_("cannot load %s%s%s"),
			    o->ca_file ? o->ca_file : "", o->ca_file && o->ca_path ? ", " : "",
			    o->ca_path ? o->ca_path : "");
			goto out;
		}
	} else {
		X509_STORE_set_default_paths(st);
	}
	for (i = 1; i < r->chain.n; i++)
		sk_X509_push(untrusted, r->chain.v[i].x509);
	X509_STORE_CTX_init(xc, st, r->chain.v[0].x509, untrusted);
	/* validity is judged separately at o->now, so that trust errors are not hidden */
	X509_VERIFY_PARAM_set_flags(X509_STORE_CTX_get0_param(xc), X509_V_FLAG_NO_CHECK_TIME);
	if (X509_verify_cert(xc) == 1) {
		r->verify_error = X509_V_OK;
	} else {
		r->verify_error = X509_STORE_CTX_get_error(xc);
		r->verify_depth = X509_STORE_CTX_get_error_depth(xc);
	}
	r->verify_text = xstrdup(X509_verify_cert_error_string(r->verify_error));
out:
	ERR_clear_error();
	sk_X509_free(untrusted);
	X509_STORE_CTX_free(xc);
	X509_STORE_free(st);
}

static const char *
roots_name(const struct probe_opts *o)
{
	if (o->ca_file && o->ca_path)
		return o->ca_file;
	if (o->ca_file)
		return o->ca_file;
	if (o->ca_path)
		return o->ca_path;
	return _("the system's trusted roots");
}

static void
judge_validity(const struct probe_opts *o, struct probe_result *r)
{
	struct findings *fs = &r->findings;
	char d[32];
	size_t i;

	for (i = 0; i < r->chain.n; i++) {
		const struct cert *c = &r->chain.v[i];
		enum cert_validity v = cert_expiry_state(c, o->now, NULL);
		struct finding *f;

		if (v == CERT_EXPIRED) {
			time_format_iso(c->not_after, d, sizeof(d));
			if (i == 0) {
				f = findings_add(fs, "cert.expired", SEV_ERROR, NULL, _("The server's "
				    "certificate %s expired on %s: clients that verify refuse it, "
				    "others log verify=FAIL."), c->subject, d);
				finding_set_fix(f, _("The server's admin must renew it and restart "
				    "sendmail (on our server: renew, then 'smtls check')."));
			} else {
				f = findings_add(fs, "chain.expired-ca", SEV_ERROR, NULL, _("The server "
				    "sends an expired CA certificate (#%zu, %s, expired %s)."), i,
				    c->subject, d);
				finding_set_fix(f, _("The server must stop sending it: use the CA's "
				    "current chain (for Let's Encrypt, the current chain.pem)."));
			}
			add_reproduce(f, o);
		} else if (v == CERT_NOT_YET_VALID) {
			time_format_iso(c->not_before, d, sizeof(d));
			f = findings_add(fs, "cert.not-yet-valid", SEV_ERROR, NULL, _("Certificate "
			    "#%zu (%s) is not valid before %s."), i, c->subject, d);
			finding_set_fix(f, _("Check the clocks, ours and the server's."));
		} else if (i == 0 && v == CERT_EXPIRING) {
			time_format_iso(c->not_after, d, sizeof(d));
			f = findings_add(fs, "cert.expiring", SEV_WARNING, NULL, _("The server's "
			    "certificate expires on %s (in %lld hours)."), d,
			    (long long)((c->not_after - o->now) / 3600));
			finding_set_fix(f, _("Renew it now."));
		}
	}
}

/* A chain that does not verify against the chosen roots is an error, as for openssl s_client
 * -verify_return_error: the roots were chosen to anchor it. */
static void
judge_trust(const struct probe_opts *o, struct probe_result *r)
{
	struct findings *fs = &r->findings;
	const struct cert *leaf = &r->chain.v[0];
	const char *roots = roots_name(o);
	struct finding *f = NULL;
	long e = r->verify_error;

	if (e == X509_V_OK) {
		findings_add(fs, "chain.untrusted", SEV_OK, NULL, _("The chain verifies against %s."),
		    roots);
		return;
	}
	if ((e == X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY ||
	    e == X509_V_ERR_UNABLE_TO_VERIFY_LEAF_SIGNATURE) && (r->chain.n == 1 ||
	    r->verify_depth == 0)) {
		f = findings_add(fs, "chain.incomplete", SEV_ERROR, NULL, _("The server sends "
		    "only its own certificate, and its issuer (%s) is not among %s: clients fail "
		    "with \"unable to get local issuer certificate\" (sendmail logs "
		    "verify=FAIL)."), leaf->issuer, roots);
		finding_set_fix(f, _("On that server, send the intermediate certificate (sendmail "
		    "on Debian/FreeBSD: confCACERT = the issuer's certificate, e.g. Let's Encrypt's "
		    "chain.pem; the server cert file's extra certificates are ignored there)."));
	} else if (e == X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY ||
	    e == X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT ||
	    e == X509_V_ERR_SELF_SIGNED_CERT_IN_CHAIN) {
		const struct cert *top = &r->chain.v[r->chain.n - 1];

		f = findings_add(fs, "chain.untrusted", SEV_ERROR, NULL, _("The chain the server "
		    "sends ends at %s (issued by %s), which is not among %s (%s)."), top->subject,
		    top->issuer, roots, r->verify_text);
		finding_set_fix(f, _("If you trust that CA, give its root with --ca-cert or "
		    "--ca-path (and to sendmail in CACertPath); if it is a public CA, update the "
		    "system's roots (ca-certificates)."));
	} else if (e == X509_V_ERR_DEPTH_ZERO_SELF_SIGNED_CERT) {
		findings_add(fs, "cert.self-signed", SEV_INFO, NULL, _("The server's certificate "
		    "%s is self-signed."), leaf->subject);
		f = findings_add(fs, "chain.untrusted", SEV_ERROR, NULL, _("Its certificate is "
		    "self-signed and not among %s: peers that verify with them refuse it (openssl "
		    "s_client -verify_return_error fails); others encrypt but log verify=FAIL."),
		    roots);
	} else if (e == X509_V_ERR_EE_KEY_TOO_SMALL || e == X509_V_ERR_CA_KEY_TOO_SMALL) {
		f = findings_add(fs, "key.weak", SEV_ERROR, NULL, _("Certificate #%d has a key "
		    "that OpenSSL refuses as too small."), r->verify_depth);
	} else if (e == X509_V_ERR_CA_MD_TOO_WEAK) {
		f = findings_add(fs, "cert.weak-signature", SEV_ERROR, NULL, _("Certificate #%d is "
		    "signed with a digest OpenSSL refuses (MD5 or SHA-1)."), r->verify_depth);
	} else {
		f = findings_add(fs, "chain.untrusted", SEV_ERROR, NULL, _("The chain does not "
		    "verify against %s: %s (at certificate #%d)."), roots, r->verify_text,
		    r->verify_depth);
	}
	add_reproduce(f, o);
}

static void
judge(const struct probe_opts *o, struct probe_result *r)
{
	struct findings *fs = &r->findings;
	const struct cert *leaf;
	size_t i;

	if (r->chain.n == 0) {
		findings_add(fs, "chain.incomplete", SEV_ERROR, NULL, _("The server sent no "
		    "certificate at all (an anonymous cipher)."));
		return;
	}
	leaf = &r->chain.v[0];
	judge_validity(o, r);
	judge_trust(o, r);
	for (i = 0; i < r->chain.n; i++) {
		const struct cert *c = &r->chain.v[i];

		if (c->weak_sig && !c->self_signed && !findings_has(fs, "cert.weak-signature", NULL))
			findings_add(fs, "cert.weak-signature", SEV_ERROR, NULL, _("Certificate #%zu "
			    "(%s) is signed with %s (MD5/SHA-1)."), i, c->subject, c->sig_alg);
	}
	if (!findings_has(fs, "key.weak", NULL) && ((strcmp(leaf->key_type, "RSA") == 0 &&
	    leaf->key_bits < 2048) || (strcmp(leaf->key_type, "EC") == 0 && leaf->key_bits < 256)))
		findings_add(fs, "key.weak", SEV_ERROR, NULL, _("The server's key is %s %d bits."),
		    leaf->key_type, leaf->key_bits);
	if (leaf->has_eku && !(leaf->eku & (EKU_SERVER_AUTH | EKU_ANY)))
		findings_add(fs, "cert.no-server-auth", SEV_WARNING, NULL, _("The server's "
		    "certificate has an extended key usage without serverAuth: strict clients "
		    "refuse it."));
	if (r->ca_names > 20) {
		struct finding *f = findings_add(fs, "store.cacert-large", SEV_WARNING, NULL,
		    _("The server sends %d acceptable CA names in every handshake: its CACertFile "
		    "holds a whole root bundle. That makes handshakes large and some clients fail."),
		    r->ca_names);

		finding_set_fix(f, _("On that server, make confCACERT hold only its own issuer "
		    "(e.g. chain.pem) and put public roots in confCACERT_PATH."));
	}
	if (o->verify_name == NULL) {
		findings_add(fs, "cert.name-mismatch", SEV_INFO, NULL, _("No host name to check "
		    "the certificate against (%s is an address); give one with --hostname."),
		    o->host);
	} else if (cert_matches_host(leaf, o->verify_name)) {
		findings_add(fs, "cert.name-mismatch", SEV_OK, NULL, _("The certificate covers "
		    "%s."), o->verify_name);
	} else {
		struct buf b = { 0 };
		struct finding *f;

		for (i = 0; i < leaf->n_dns; i++)
			buf_printf(&b, "%s%s", i ? ", " : "", leaf->dns_names[i]);
		for (i = 0; i < leaf->n_ip; i++)
			buf_printf(&b, "%s%s", b.len ? ", " : "", leaf->ip_names[i]);
		if (b.len == 0)
			buf_printf(&b, "CN=%s", leaf->subject_cn ? leaf->subject_cn : "?");
		f = findings_add(fs, "cert.name-mismatch", SEV_WARNING, NULL, _("The certificate "
		    "does not cover %s; it names %s."), o->verify_name, b.data);
		finding_set_fix(f, _("Get a certificate whose subjectAltName includes %s, or "
		    "check the name with --hostname."), o->verify_name);
		add_reproduce(f, o);
		buf_free(&b);
	}
}

int
probe_run(const struct probe_opts *o, struct probe_result *r)
{
	struct conn *c = xcalloc(1, sizeof(*c));
	struct reply rep = { 0 };
	SSL_CTX *ctx = NULL;
	char *line;
	int rc = -1;

	memset(r, 0, sizeof(*r));
	c->fd = tcp_connect(o, r);
	if (c->fd == -1) {
		free(c);
		return -1;
	}
	ctx = SSL_CTX_new(TLS_client_method());
	if (ctx == NULL) {
		fail(r, _("cannot set up TLS: %s"), ssl_reason() ? ssl_reason() : _("unknown"));
		goto out;
	}
	SSL_CTX_set_verify(ctx, SSL_VERIFY_NONE, NULL);
	/*
	 * A diagnosis must see old servers too: accept any protocol version and key size, then
	 * judge the chain ourselves (key.weak, cert.weak-signature) instead of failing blind.
	 */
	SSL_CTX_set_security_level(ctx, 0);
	SSL_CTX_set_min_proto_version(ctx, TLS1_VERSION);
	if (o->smtps && tls_handshake(c, o, r, ctx) == -1)
		goto out;
	r->stage = PROBE_GREETING;
	if (read_reply(c, r, _("greeting"), o->reply_timeout_ms, &rep) == -1)
		goto out;
	line = xstrndup(rep.text.data, strcspn(rep.text.data, "\n"));
	r->greeting = line;
	if (rep.code != 220) {
		fail(r, _("the server refuses the session: \"%s\""), line);
		goto out;
	}
	r->stage = PROBE_EHLO;
	line = xstrprintf("EHLO %s\r\n", o->ehlo_name);
	rc = conn_send(c, r, line, o->reply_timeout_ms);
	free(line);
	if (rc == -1 || read_reply(c, r, _("reply to EHLO"), o->reply_timeout_ms, &rep) == -1) {
		rc = -1;
		goto out;
	}
	rc = -1;
	if (rep.code != 250) {
		fail(r, _("the server refuses our EHLO: \"%s\""), rep.text.data);
		goto out;
	}
	r->starttls_offered = ehlo_has_starttls(rep.text.data) || o->smtps;
	if (!o->smtps) {
		r->stage = PROBE_STARTTLS;
		if (!r->starttls_offered) {
			fail(r, _("the server does not offer STARTTLS (its EHLO reply has no "
			    "STARTTLS line): mail to it goes in clear"));
			(void)conn_send(c, r, "QUIT\r\n", 1000);
			goto out;
		}
		if (conn_send(c, r, "STARTTLS\r\n", o->reply_timeout_ms) == -1 ||
		    read_reply(c, r, _("reply to STARTTLS"), o->reply_timeout_ms, &rep) == -1)
			goto out;
		if (rep.code != 220) {
			fail(r, _("the server refuses STARTTLS with \"%s\"%s"), rep.text.data,
			    rep.code < 500 ? _(" (a temporary error: its TLS setup may be broken, "
			    "see its log)") : "");
			(void)conn_send(c, r, "QUIT\r\n", 1000);
			goto out;
		}
		if (tls_handshake(c, o, r, ctx) == -1)
			goto out;
	}
	r->stage = PROBE_DONE;
	r->protocol = xstrdup(SSL_get_version(c->ssl));
	r->cipher = xstrdup(SSL_CIPHER_get_name(SSL_get_current_cipher(c->ssl)));
	{
		STACK_OF(X509) *sk = SSL_get_peer_cert_chain(c->ssl);
		int i;

		for (i = 0; sk != NULL && i < sk_X509_num(sk); i++) {
			r->chain.v = xreallocarray(r->chain.v, r->chain.n + 1, sizeof(*r->chain.v));
			cert_from_x509(&r->chain.v[r->chain.n++], sk_X509_value(sk, i));
		}
	}
	{
		/* sendmail sends the names of every certificate in its CACertFile */
		const STACK_OF(X509_NAME) *names = SSL_get_client_CA_list(c->ssl);

		r->ca_names = names != NULL ? sk_X509_NAME_num(names) : -1;
		if (r->ca_names > 0) {
			int k;

			r->ca_name_list = xcalloc((size_t)r->ca_names, sizeof(char *));
			for (k = 0; k < r->ca_names; k++) {
				char *t = X509_NAME_oneline(sk_X509_NAME_value(names, k), NULL, 0);

				r->ca_name_list[k] = xstrdup(t != NULL ? t : "?");
				OPENSSL_free(t);
			}
		}
	}
	if (r->chain.n > 0)
		verify_chain(o, r);
	judge(o, r);
	/* be polite; the result does not depend on it */
	if (conn_send(c, r, "QUIT\r\n", 1000) == 0)
		(void)read_reply(c, r, "QUIT", 1000, &rep);
	free(r->failure);
	r->failure = NULL;
	rc = 0;
out:
	buf_free(&rep.text);
	if (c->ssl != NULL) {
		if (rc == 0)
			SSL_shutdown(c->ssl);
		SSL_free(c->ssl);
	}
	SSL_CTX_free(ctx);
	ERR_clear_error();
	close(c->fd);
	free(c);
	return rc;
}

void
probe_result_free(struct probe_result *r)
{
	free(r->address);
	free(r->greeting);
	free(r->protocol);
	free(r->cipher);
	free(r->verify_text);
	free(r->failure);
	if (r->ca_name_list != NULL)
		strv_free(r->ca_name_list, (size_t)r->ca_names);
	certlist_free(&r->chain);
	findings_free(&r->findings);
	memset(r, 0, sizeof(*r));
}
