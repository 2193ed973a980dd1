# mk/certs.mk: certificates from every source: selfsigned, ca new/issue, csr, import, letsencrypt,
# rehash, hook install (issue 4), their man page parts, tests and the renewal-hook template.
libsmtls_a_SOURCES += \
	include/smtls/pki.h src/core/pki.c include/smtls/ca.h src/core/ca.c \
	include/smtls/certmake.h src/core/certmake.c src/core/certmake-job.c \
	include/smtls/rehash.h src/core/rehash.c include/smtls/pem.h src/core/pem.c \
	include/smtls/namehash.h src/core/namehash.c \
	include/smtls/lineage.h src/core/lineage.c \
	include/smtls/hook.h src/core/hook.c

smtls_SOURCES += \
	src/cli/certs-cli.h src/cli/certs-cli.c \
	src/cli/cmd-selfsigned.c src/cli/cmd-ca.c src/cli/cmd-csr.c src/cli/cmd-import.c \
	src/cli/cmd-rehash.c src/cli/cmd-letsencrypt.c src/cli/cmd-hook.c

MAN_PARTS += doc/cmd-selfsigned.8 doc/cmd-ca.8 doc/cmd-csr.8 doc/cmd-import.8 doc/cmd-rehash.8 doc/cmd-letsencrypt.8 doc/cmd-hook.8

TESTS += tests/certs-selfsigned.test tests/certs-ca.test tests/certs-import.test \
	tests/certs-rehash.test tests/certs-letsencrypt.test tests/certs-hook.test \
	tests/certs-bad-input.test tests/certs-e2e.test tests/certs-cli.test \
	tests/certs-import-replace.test

EXTRA_DIST += bench/rehash.sh bench/gencerts.c bench/symlinks.c
EXTRA_DIST += tests/lib-letsencrypt.sh tests/data/letsencrypt-certs/README \
	tests/data/letsencrypt-certs/r11.pem tests/data/letsencrypt-certs/int-yr1.pem \
	tests/data/letsencrypt-certs/root-yr-by-x1.pem tests/data/letsencrypt-certs/lets-encrypt-r3.pem \
	tests/data/letsencrypt-certs/isrg-root-x1-cross-signed.pem tests/data/letsencrypt-certs/isrg-root-x1.pem

dist_snippets_DATA += snippets/certbot-deploy-hook.in

check_PROGRAMS += tests/unit_certs
tests_unit_certs_SOURCES = tests/tap.h tests/unit_certs.c
tests_unit_certs_LDADD = $(TEST_LIBS)
TESTS += tests/unit_certs
check_PROGRAMS += tests/unit_pem
tests_unit_pem_SOURCES = tests/tap.h tests/unit_pem.c
tests_unit_pem_LDADD = $(TEST_LIBS)
TESTS += tests/unit_pem
