# mk/ui.mk: the wizard (src/ui, the only code that uses curses), its demo sandbox, tests, bench.
libsmtls_a_SOURCES += include/smtls/demo.h src/core/demo.c

smtls_SOURCES += \
	src/cli/cmd-wizard.c \
	src/ui/wizard.h src/ui/ui.h src/ui/model.c src/ui/engine.c \
	src/ui/engine-apply.c src/ui/engine-certs.c src/ui/engine-explain.c \
	src/ui/curses.c src/ui/filechooser.c src/ui/lineedit.c src/ui/text.c \
	src/ui/screen-start.c src/ui/screen-source.c src/ui/screen-details.c \
	src/ui/screen-store.c src/ui/screen-key.c src/ui/screen-options.c \
	src/ui/screen-review.c src/ui/screen-apply.c

MAN_PARTS += doc/cmd-wizard.8

TESTS += tests/ui-demo.test tests/ui-keys.test tests/ui-own-files.test tests/ui-stale.test tests/ui-m4-words.test tests/ui-nav.test tests/ui-repair.test tests/ui-text.test tests/ui-de.test tests/ui-certs.test tests/ui-certs-agree.test tests/ui-apply-request.test tests/ui-options-agree.test \
	tests/ui-ownca.test

EXTRA_DIST += tests/lib-ui.sh bench/ui.sh
