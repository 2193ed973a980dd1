# mk/ui.mk: this module's part of Makefile.am (empty until the module lands).
