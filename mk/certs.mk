# mk/certs.mk: certificates from every source: selfsigned, ca new/issue, csr, import, letsencrypt,
# rehash, hook install (issue 4), their man page parts, tests and the renewal-hook template.
libsmtls_a_SOURCES += \
	include/smtls/pki.h src/core/pki.c \
	include/smtls/rehash.h src/core/rehash.c

smtls_SOURCES += \
	src/cli/certs-cli.h src/cli/certs-cli.c \
	src/cli/cmd-selfsigned.c src/cli/cmd-ca.c src/cli/cmd-csr.c src/cli/cmd-import.c \
	src/cli/cmd-rehash.c

MAN_PARTS += doc/cmd-selfsigned.8 doc/cmd-ca.8 doc/cmd-csr.8 doc/cmd-import.8 doc/cmd-rehash.8

TESTS += tests/certs-selfsigned.test tests/certs-ca.test tests/certs-import.test tests/certs-rehash.test

EXTRA_DIST += bench/rehash.sh
