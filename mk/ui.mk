# mk/ui.mk: the wizard (src/ui, the only code that uses curses), its demo sandbox, tests, bench.
libsmtls_a_SOURCES += include/smtls/demo.h src/core/demo.c

smtls_SOURCES += \
	src/cli/cmd-wizard.c \
	src/ui/wizard.h src/ui/ui.h src/ui/model.c src/ui/model-check.c src/ui/engine.c \
	src/ui/engine-apply.c src/ui/engine-certs.c src/ui/engine-explain.c \
	src/ui/curses.c src/ui/render.c src/ui/items.c src/ui/panel.c src/ui/dialog.c src/ui/keys.c \
	src/ui/paint.c src/ui/filechooser.c src/ui/lineedit.c src/ui/text.c \
	src/ui/screen-start.c src/ui/screen-source.c src/ui/screen-details.c \
	src/ui/screen-store.c src/ui/screen-key.c src/ui/screen-options.c \
	src/ui/screen-review.c src/ui/screen-apply.c src/ui/screen-confirm.c \
	src/ui/engine-confirm.c src/ui/engine-step.c src/ui/curses-step.c

MAN_PARTS += doc/cmd-wizard.8

TESTS += tests/ui-demo.test tests/ui-keys.test tests/ui-own-files.test tests/ui-stale.test tests/ui-m4-words.test tests/ui-nav.test tests/ui-repair.test tests/ui-text.test tests/ui-de.test tests/ui-certs.test \
	tests/ui-ownca.test tests/ui-confirm.test tests/ui-confirm-text.test
TESTS += tests/ui-picture.test tests/ui-wrap.test
TESTS += tests/ui-certs-agree.test tests/ui-apply-request.test tests/ui-options-agree.test tests/ui-replay.test
TESTS += tests/ui-draw-reads.test tests/ui-import-replace.test
TESTS += tests/ui-abort.test tests/ui-abort-key.test tests/ui-abort-preview.test tests/ui-abort-live.test
TESTS += tests/ui-submit.test tests/ui-update-tls.test

EXTRA_DIST += tests/lib-ui.sh bench/ui.sh

# the checks of how the wizard should feel, and every screen at 80x24 against a saved copy
# (SMTLS_UPDATE_SCREENS=1 make check TESTS=tests/ux-screens.test writes the copies again)
TESTS += tests/ux-checks.test tests/ux-terminal.test tests/ux-screens.test
UX_SCREENS = apply apply-done chooser details-commercial details-files details-letsencrypt details-ownca \
	details-error details-selfsigned dialog-quit explain help key options review source start store summary too-small
EXTRA_DIST += $(UX_SCREENS:%=tests/screens/%.txt)
