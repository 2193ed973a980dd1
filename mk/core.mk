# mk/core.mk: the core library, the CLI frame, `check`, and their tests.
libsmtls_a_SOURCES += \
	include/smtls/cert.h src/core/cert.c \
	include/smtls/cf.h src/core/cf.c \
	include/smtls/chain.h src/core/chain.c \
	include/smtls/check.h src/core/check.c src/core/check-int.h \
	src/core/check-cert.c src/core/check-files.c src/core/check-msp.c src/core/check-store.c \
	include/smtls/fileio.h src/core/fileio.c \
	include/smtls/hindex.h src/core/hindex.c \
	include/smtls/journal.h src/core/journal.c \
	include/smtls/finding.h src/core/finding.c \
	include/smtls/i18n.h \
	include/smtls/m4.h src/core/m4.c \
	include/smtls/mc.h src/core/mc.c \
	include/smtls/plan.h src/core/plan.c \
	include/smtls/proc.h src/core/proc.c \
	include/smtls/job.h src/core/job.c \
	include/smtls/sendmail.h src/core/sendmail.c \
	include/smtls/statcache.h src/core/statcache.c \
	include/smtls/xmalloc.h src/core/xmalloc.c

smtls_SOURCES += \
	src/cli/main.c src/cli/command.c src/cli/settings.c src/cli/json.c src/cli/report.c \
	src/cli/cmd-check.c

MAN_PARTS += doc/head.8 doc/cmd-check.8
# doc/tail.8 must come last: Makefile.am adds it after every module's parts

TESTS += tests/cli.test tests/help-man.test tests/check.test tests/regress-m4-include-in-comment.test tests/regress-garbage-key-message.test tests/findings.test tests/mc.test tests/badinput.test \
	tests/check-sendmail.test tests/check-cache.test tests/tree.test tests/man.test tests/design.test
EXTRA_DIST += tests/lib-check.sh tests/gen-fixtures.sh tests/data/letsencrypt/README.md \
	tests/data/letsencrypt/dst-root-ca-x3.pem tests/data/letsencrypt/int-yr1.pem \
	tests/data/letsencrypt/isrg-root-x1-cross-signed.pem tests/data/letsencrypt/isrg-root-x1.pem \
	tests/data/letsencrypt/lets-encrypt-r3-cross-signed.pem tests/data/letsencrypt/lets-encrypt-r3.pem \
	tests/data/letsencrypt/r11.pem tests/data/letsencrypt/root-yr-by-x1.pem bench/check.sh \
	bench/check-plan.c bench/minverify.c bench/pair.py

check_PROGRAMS += tests/unit_check
tests_unit_check_SOURCES = tests/tap.h tests/unit_check.c
tests_unit_check_LDADD = $(TEST_LIBS)
TESTS += tests/unit_check

# the JSON writer of every --json, read back by Python's json module
check_PROGRAMS += tests/unit_json
tests_unit_json_SOURCES = tests/tap.h tests/unit_json.c src/cli/json.c
tests_unit_json_LDADD = $(TEST_LIBS)
TESTS += tests/unit_json

# regression tests of the check model against the real daemon
TESTS += tests/regress-cacert-without-capath.test tests/regress-certs-mc-lines.test \
	tests/regress-capath-false-alarms.test tests/regress-public-roots-debian-selfsigned.test \
	tests/regress-probe-wrong-roots.test tests/regress-stale-cf.test \
	tests/regress-le-long-chain.test tests/regress-reproduce-commands.test \
	tests/regress-no-trust-anchors.test tests/regress-capath-dir-safety.test \
	tests/regress-key-without-cert.test tests/regress-expired-issuer-store.test \
	tests/regress-client-cert-expired.test tests/regress-file-problem-named.test \
	tests/regress-file-unsafe-once.test \
	tests/regress-dash-file-names.test
EXTRA_DIST += tests/lib-regress.sh

check_PROGRAMS += tests/unit_journal
tests_unit_journal_SOURCES = tests/tap.h tests/unit_journal.c
tests_unit_journal_LDADD = $(TEST_LIBS)
TESTS += tests/unit_journal

# Debian's update_tls layout (starttls.m4 included from sendmail.mc), made by the real script
TESTS += tests/debian-update-tls.test
# --dh-params: every value sendmail documents, each run by the real daemon
TESTS += tests/dh-params.test tests/dh-params-file.test tests/safefile-fixes.test tests/fixes-run.test

check_PROGRAMS += tests/unit_job
tests_unit_job_SOURCES = tests/tap.h tests/unit_job.c
tests_unit_job_LDADD = $(TEST_LIBS)
TESTS += tests/unit_job
