/* unit_confirm.c: TAP tests of the confirm core: the listeners a sendmail.cf names, and durations. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tap.h"
#include "smtls/confirm.h"
#include "smtls/xmalloc.h"

/* "target:port[s]" or "-(reason)" per listener, space-separated (caller frees). */
static char *
listeners(const char *cf)
{
	struct confirm_listener *v;
	struct buf b = { 0 };
	size_t n, i;

	confirm_listeners(cf, &v, &n);
	for (i = 0; i < n; i++) {
		if (v[i].skipped)
			buf_printf(&b, "%s-(%s)", b.len ? " " : "", v[i].skipped);
		else
			buf_printf(&b, "%s%s:%d%s", b.len ? " " : "", v[i].target, v[i].port,
			    v[i].smtps ? "s" : "");
		free(v[i].name);
		free(v[i].addr);
		free(v[i].family);
		free(v[i].target);
		free(v[i].skipped);
	}
	free(v);
	return b.data ? buf_release(&b) : xstrdup("");
}

static void
is_listeners(const char *cf, const char *want, const char *name)
{
	char *got = listeners(cf);

	is(got, want, name);
	free(got);
}

int
main(void)
{
	long long s = 0;

	tap_init();
	/* Debian's stock cf: both loopback listeners, by service name */
	is_listeners("O DaemonPortOptions=Family=inet,  Name=MTA-v4, Port=smtp, Addr=127.0.0.1\n"
	    "O DaemonPortOptions=Family=inet,  Name=MSP-v4, Port=submission, M=Ea, "
	    "Addr=127.0.0.1\n", "127.0.0.1:25 127.0.0.1:587", "Debian: 25 and 587 on loopback");
	is_listeners("O DaemonPortOptions=Name=MTA\nO DaemonPortOptions=Port=587, Name=MSA, M=E\n",
	    "127.0.0.1:25 127.0.0.1:587", "no Addr: every address, probed on 127.0.0.1");
	is_listeners("O DaemonPortOptions=Port=smtps, Name=TLSMTA, M=s, Addr=0.0.0.0\n",
	    "127.0.0.1:465s", "M=s: SMTPS on 465, 0.0.0.0 probed as 127.0.0.1");
	is_listeners("O DaemonPortOptions=Family=inet6, Name=MTA-v6, Port=smtp, Addr=::\n",
	    "::1:25", "Family=inet6, Addr=::: probed on ::1");
	is_listeners("O DaemonPortOptions=Name=MTA, Family=inet6, Addr=IPv6:2001:db8::1\n",
	    "2001:db8::1:25", "an IPv6: address is probed as given");
	is_listeners("O DaemonPortOptions=Port=0, Addr=127.0.0.1, Name=MTA\n",
	    "-(Port=0: it does not listen)", "Port=0 is skipped, with the reason");
	is_listeners("O DaemonPortOptions=Family=local, Addr=/run/sm.sock, Name=L\n",
	    "-(Family=local is not a TCP/IP listener)", "Family=local is skipped");
	is_listeners("O DaemonPortOptions=Port=nosuchservice, Name=X\n",
	    "-(Port=nosuchservice: no such port or service)", "an unknown service is skipped");
	is_listeners("O DaemonPortOptions=Port=2526, Addr=127.0.0.1, Name=NoTLS, M=S\n",
	    "-(M=S: it offers no STARTTLS)", "M=S (no STARTTLS) is skipped");
	is_listeners("O LogLevel=9\n", "127.0.0.1:25", "no DaemonPortOptions: sendmail's port 25");
	is_listeners("O DaemonPortOptions=Port=2525, Addr=192.0.2.7, Name=MTA\n", "192.0.2.7:2525",
	    "a specific address is probed as it is");

	ok(confirm_parse_duration("120", &s) == 0 && s == 120, "120 is 120 s");
	ok(confirm_parse_duration("120s", &s) == 0 && s == 120, "120s");
	ok(confirm_parse_duration("2m", &s) == 0 && s == 120, "2m is 120 s");
	ok(confirm_parse_duration("1h", &s) == 0 && s == 3600, "1h");
	ok(confirm_parse_duration("24h", &s) == 0 && s == 86400, "24h is the most");
	ok(confirm_parse_duration("25h", &s) == -1, "25h is too long");
	ok(confirm_parse_duration("0", &s) == -1, "0 is refused");
	ok(confirm_parse_duration("-5", &s) == -1, "a negative duration is refused");
	ok(confirm_parse_duration("5x", &s) == -1, "an unknown unit is refused");
	ok(confirm_parse_duration("", &s) == -1, "an empty duration is refused");
	ok(confirm_parse_duration("99999999999999999999", &s) == -1, "an overflow is refused");
	is(confirm_phase_name(CONFIRM_PENDING), "pending", "phase names are stable");
	return tap_done();
}
