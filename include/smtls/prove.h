/*
 * prove.h: prove a candidate sendmail.cf before it is installed: run it as a second daemon on
 * 127.0.0.1, STARTTLS to it, and deliver one message to it from a second instance of itself.
 *
 * Everything the candidate writes lives in one private temporary directory: its queue, pid
 * file, statistics, control socket, host status and log. The live daemon's ports, queue, pid
 * file and log are never touched: every such option is overridden on the sendmail command line
 * (options given there are sticky: the cf cannot override them, and the cf's own
 * DaemonPortOptions are then ignored). sendmail writes its log lines to a file of ours with
 * -d89.8 -D FILE instead of to syslog. The receiving daemon only queues (DeliveryMode=queue):
 * the test message ends in its private queue, and nothing leaves 127.0.0.1.
 */
#ifndef SMTLS_PROVE_H
#define SMTLS_PROVE_H

#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "smtls/cert.h"
#include "smtls/finding.h"
#include "smtls/plan.h"
#include "smtls/probe.h"

enum prove_step_id {
	PROVE_STEP_HOST = 0,	/* a dotted host name for the candidate (sendmail's 60 s sleep) */
	PROVE_STEP_START,	/* a free port, then the candidate daemon listening on it */
	PROVE_STEP_PROBE,	/* STARTTLS to it with the public roots */
	PROVE_STEP_DELIVER,	/* one message from a second candidate instance */
	PROVE_STEP_STOP,	/* both stopped by their PIDs, the directory removed */
	PROVE_STEPS
};

enum prove_state {
	PROVE_PENDING = 0,
	PROVE_RUNNING,
	PROVE_DONE,
	PROVE_FAILED,
	PROVE_SKIPPED,
};

struct prove_step {
	const char		*name;		/* "start": stable, for scripts */
	const char		*title;		/* what it does (untranslated; mark with N_) */
	enum prove_state	 state;
	char			*detail;	/* one line: what it found, or why it failed */
};

struct prove_result;

/* Called whenever a step changes state; the core never prints. */
typedef void (*prove_progress_fn)(const struct prove_result *r, enum prove_step_id step,
    void *arg);

struct prove_opts {
	const char		*cf_path;	/* the candidate sendmail.cf */
	const char		*sendmail_path;	/* the binary, or NULL for sendmail_default_path() */
	const struct tls_plan	*plan;		/* the planned files, public roots, hostname, now */
	const char		*work_parent;	/* where the temporary directory goes (NULL: /run) */
	int			 first_port;	/* the first port to try (0: 20025); busy ones are skipped */
	prove_progress_fn	 progress;
	void			*progress_arg;
	/*
	 * Set (by a signal handler) to stop early: the steps left are skipped, the stop step
	 * still runs, so nothing is left behind. NULL: never.
	 */
	volatile sig_atomic_t	*cancel;
};

/* One direction's verify= as sendmail logged it. */
struct prove_verify {
	char	*line;		/* the whole "STARTTLS=server, relay=..., verify=OK, ..." line */
	char	*verify;	/* "OK", "NO", "FAIL", ... or NULL when no TLS line was logged */
	char	*cert_line;	/* the "cert-subject=..., verifymsg=..." line, or NULL */
};

struct prove_result {
	struct prove_step	 steps[PROVE_STEPS];
	char			*hostname;	/* the host name the candidate ran under */
	bool			 own_uts;	/* in a private UTS namespace */
	char			*workdir;	/* the temporary directory (gone after the stop step) */
	int			 port;		/* where the candidate listened, 0 = never */
	int			 ports_busy;	/* ports skipped because something listened there */
	pid_t			 server_pid;
	bool			 probed;	/* probe holds a TLS session's observations */
	struct probe_result	 probe;		/* protocol, cipher, chain, verification, CA names */
	struct cert		 planned_leaf;	/* the first certificate of ServerCertFile */
	bool			 has_planned_leaf;
	struct cert		 planned_issuer;	/* its issuer, as the settings make it */
	bool			 has_planned_issuer;
	bool			 leaf_served;	/* the served leaf is the planned one (SHA-256) */
	bool			 issuer_served;	/* the planned issuer is among the served */
	char			**startup;	/* the candidate's TLS start-up log lines */
	size_t			 n_startup;
	struct prove_verify	 server_verify;	/* the receiving daemon's view of the client */
	struct prove_verify	 client_verify;	/* the sending instance's view of the server */
	char			*delivery;	/* the client's "stat=..." of the test message */
	bool			 delivered;	/* stat=Sent, and the message is in the candidate's queue */
	bool			 cleaned;	/* no process and no file left behind */
	struct findings		 findings;	/* probe's chain findings and prove.* */
	bool			 interrupted;	/* stopped early through opts->cancel */
	bool			 passed;	/* no error finding, start and probe done, all cleaned */
};

/*
 * Runs the proof. Returns 0 when it could be carried out (r->passed gives the verdict), -1
 * when it could not even start (r->findings say why: prove.unavailable). Never prints; every
 * step is reported through o->progress as it goes.
 */
int prove_run(const struct prove_opts *o, struct prove_result *r);

struct sendmail_host;
/*
 * The dotted name a sendmail run gets on a host whose own name is not qualified (in a
 * private UTS namespace, so that it does not sleep 60 s first): the plan's host name when it
 * has a dot, else the name sendmail would use, else prove.smtls.invalid.
 */
const char *prove_host_name(const struct tls_plan *plan, const struct sendmail_host *h);
void prove_result_free(struct prove_result *r);
/* An empty result: every step pending, with its name and title (prove_run starts so). */
void prove_result_init(struct prove_result *r);
/*
 * The planned leaf (the first certificate of the plan's ServerCertFile) and its issuer as
 * the settings make it (the file's, else the one CACertFile/CACertPath complete the chain
 * with); *has_leaf and *has_issuer say which were found (cert_clear() those).
 */
void prove_planned_chain(const struct tls_plan *p, struct cert *leaf, bool *has_leaf,
    struct cert *issuer, bool *has_issuer);
/* Compares a served chain (leaf first) with the planned leaf and issuer (NULL: none) by SHA-256. */
void prove_chain_served(const struct certlist *served, const struct cert *leaf,
    const struct cert *issuer, bool *leaf_served, bool *issuer_served);
/* "pending", "running", "done", "failed", "skipped" (for JSON; not translated). */
const char *prove_state_name(enum prove_state s);

#endif
