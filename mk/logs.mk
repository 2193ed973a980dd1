# mk/logs.mk: `smtls explain` (sendmail's STARTTLS log lines) and `smtls probe` (a live server).
libsmtls_a_SOURCES += \
	include/smtls/explain.h src/core/explain.c src/core/explain_parse.c \
	src/core/explain_stream.c src/core/explain_received.c \
	include/smtls/probe.h src/core/probe.c

smtls_SOURCES += src/cli/cmd-explain.c src/cli/cmd-probe.c

MAN_PARTS += doc/cmd-explain.8 doc/cmd-probe.8

TESTS += tests/explain.test tests/explain-sendmail.test tests/explain-setup.test tests/probe.test \
	tests/probe-sendmail.test
TESTS += tests/regress-explain-file-unsafe-overread.test

EXTRA_DIST += tests/data/explain-forum.maillog tests/data/explain-framing.maillog tests/data/explain-verify.maillog \
	tests/data/explain-captured.maillog tests/data/explain-mixed.maillog tests/data/explain-headers.mbox \
	tests/fake-smtp.py tests/probe-pki.sh bench/explain.sh

check_PROGRAMS += tests/unit_explain
tests_unit_explain_SOURCES = tests/tap.h tests/unit_explain.c
tests_unit_explain_LDADD = $(TEST_LIBS)
TESTS += tests/unit_explain
