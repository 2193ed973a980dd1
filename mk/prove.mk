# mk/prove.mk: `smtls prove`: the candidate sendmail.cf run on 127.0.0.1, probed and mailed to.
libsmtls_a_SOURCES += include/smtls/prove.h src/core/prove.c

smtls_SOURCES += src/cli/cmd-prove.c src/cli/prove-print.h src/cli/prove-print.c \
	src/common/prove-text.h src/common/prove-text.c

MAN_PARTS += doc/cmd-prove.8

TESTS += tests/prove.test tests/prove-sendmail.test tests/apply-prove.test tests/ui-prove.test tests/apply-no-sendmail.test
