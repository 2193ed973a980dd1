# mk/apply.mk: `smtls emit' and `smtls apply': the fragment, the mc editor, the transaction, their tests.
libsmtls_a_SOURCES += \
	include/smtls/emit.h src/core/emit.c include/smtls/dh.h src/core/dh.c \
	include/smtls/mcedit.h src/core/mcedit.c \
	include/smtls/udiff.h src/core/udiff.c \
	include/smtls/apply.h src/core/apply.c \
	include/smtls/apply-child.h src/core/apply-child.c \
	include/smtls/debian.h src/core/debian.c

smtls_SOURCES += \
	src/cli/emit-flags.h src/cli/emit-flags.c \
	src/cli/cmd-emit.c src/cli/cmd-apply.c

dist_snippets_DATA += \
	snippets/fragment.m4 snippets/define.m4 snippets/undefine.m4 \
	snippets/group-readable-key.m4 snippets/smtps.m4

MAN_PARTS += doc/cmd-emit.8 doc/cmd-apply.8

# an LD_PRELOAD shim that makes one write, fsync, rename or the m4 exec fail (tests only);
# built without the sanitizers, so that it can be preloaded into the ASan binary
check_PROGRAMS += tests/fault-shim.so
tests_fault_shim_so_SOURCES = tests/fault-shim.c
tests_fault_shim_so_CFLAGS = -fPIC $(WARN_CFLAGS)
tests_fault_shim_so_LDFLAGS = -shared
tests_fault_shim_so_LDADD = -ldl

check_PROGRAMS += tests/unit_mcedit
tests_unit_mcedit_SOURCES = tests/tap.h tests/unit_mcedit.c
tests_unit_mcedit_LDADD = $(TEST_LIBS)

check_PROGRAMS += tests/unit_emit
tests_unit_emit_SOURCES = tests/tap.h tests/unit_emit.c
tests_unit_emit_LDADD = $(TEST_LIBS)

check_PROGRAMS += tests/unit_apply
tests_unit_apply_SOURCES = tests/tap.h tests/unit_apply.c
tests_unit_apply_LDADD = $(TEST_LIBS)

TESTS += tests/unit_mcedit tests/unit_emit tests/unit_apply tests/emit.test tests/emit-values.test tests/apply.test \
	tests/apply-faults.test tests/journal-kill.test tests/e2e-apply.test \
	tests/regress-undo-half-restored.test tests/regress-apply-two-io-errors.test \
	tests/regress-apply-kill-between-renames.test tests/regress-undo-created-cf.test tests/journal.test
EXTRA_DIST += tests/data/debian-sendmail.mc tests/data/debian-starttls.m4 tests/lib-apply.sh bench/apply.sh

# submit.mc, the MSP's configuration: emit, check and apply --submit-mc with a real sendmail
TESTS += tests/submit-sendmail.test tests/submit-beside.test

# the live check after an install and the timed rollback (apply --restart, --confirm-within)
libsmtls_a_SOURCES += include/smtls/confirm.h src/core/confirm.c \
	include/smtls/confirm-job.h src/core/confirm-job.c
smtls_SOURCES += src/cli/confirm-cli.h src/cli/cmd-confirm.c
TESTS += tests/confirm.test tests/confirm-sendmail.test
EXTRA_DIST += tests/lib-live.sh
check_PROGRAMS += tests/unit_confirm
tests_unit_confirm_SOURCES = tests/tap.h tests/unit_confirm.c
tests_unit_confirm_LDADD = $(TEST_LIBS)
TESTS += tests/unit_confirm

# the Ansible role (contrib/ansible), run by ansible-playbook against localhost
TESTS += tests/ansible-role.test
