# mk/fuzz.mk: libFuzzer targets, one per parser (./configure --enable-fuzzing; see HACKING).
# `make fuzz-smoke` runs each for FUZZ_SECONDS; bench/fuzz.sh runs each for a number of inputs.
FUZZ_TARGETS = fuzz/fuzz_explain_line fuzz/fuzz_explain_stream fuzz/fuzz_mc fuzz/fuzz_cf \
	fuzz/fuzz_cert fuzz/fuzz_key fuzz/fuzz_mcedit fuzz/fuzz_job fuzz/fuzz_pem
FUZZ_COMMON = fuzz/fuzz.h fuzz/fuzz-util.c
FUZZ_LINK = $(AM_LDFLAGS) $(FUZZ_LDFLAGS)
FUZZ_SECONDS = 30

EXTRA_PROGRAMS = $(FUZZ_TARGETS)
if FUZZING
noinst_PROGRAMS = $(FUZZ_TARGETS)
endif
fuzz_fuzz_explain_line_SOURCES = fuzz/fuzz_explain_line.c $(FUZZ_COMMON)
fuzz_fuzz_explain_line_LDADD = $(TEST_LIBS)
fuzz_fuzz_explain_line_LDFLAGS = $(FUZZ_LINK)
# its own explain_stream.c with a 4 KiB buffer: fuzz inputs reach the over-long line paths;
# and 8 KiB zlib buffers: those for the 256 KiB a log gets are three quarters of a MiB, which
# ASan would map and unmap for every gzip input
fuzz_fuzz_explain_stream_SOURCES = fuzz/fuzz_explain_stream.c src/core/explain_stream.c \
	$(FUZZ_COMMON)
fuzz_fuzz_explain_stream_CPPFLAGS = $(AM_CPPFLAGS) -DSTREAM_BUF=4096 -DSTREAM_GZBUF=8192
fuzz_fuzz_explain_stream_LDADD = $(TEST_LIBS)
fuzz_fuzz_explain_stream_LDFLAGS = $(FUZZ_LINK)
fuzz_fuzz_mc_SOURCES = fuzz/fuzz_mc.c $(FUZZ_COMMON)
fuzz_fuzz_mc_LDADD = $(TEST_LIBS)
fuzz_fuzz_mc_LDFLAGS = $(FUZZ_LINK)
fuzz_fuzz_cf_SOURCES = fuzz/fuzz_cf.c $(FUZZ_COMMON)
fuzz_fuzz_cf_LDADD = $(TEST_LIBS)
fuzz_fuzz_cf_LDFLAGS = $(FUZZ_LINK)
fuzz_fuzz_cert_SOURCES = fuzz/fuzz_cert.c $(FUZZ_COMMON)
fuzz_fuzz_cert_LDADD = $(TEST_LIBS)
fuzz_fuzz_cert_LDFLAGS = $(FUZZ_LINK)
fuzz_fuzz_key_SOURCES = fuzz/fuzz_key.c $(FUZZ_COMMON)
fuzz_fuzz_key_LDADD = $(TEST_LIBS)
fuzz_fuzz_key_LDFLAGS = $(FUZZ_LINK)
fuzz_fuzz_mcedit_SOURCES = fuzz/fuzz_mcedit.c $(FUZZ_COMMON)
fuzz_fuzz_mcedit_LDADD = $(TEST_LIBS)
fuzz_fuzz_mcedit_LDFLAGS = $(FUZZ_LINK)
fuzz_fuzz_pem_SOURCES = fuzz/fuzz_pem.c $(FUZZ_COMMON)
fuzz_fuzz_pem_LDADD = $(TEST_LIBS)
fuzz_fuzz_pem_LDFLAGS = $(FUZZ_LINK)
fuzz_fuzz_job_SOURCES = fuzz/fuzz_job.c $(FUZZ_COMMON)
fuzz_fuzz_job_LDADD = $(TEST_LIBS)
fuzz_fuzz_job_LDFLAGS = $(FUZZ_LINK)

EXTRA_DIST += fuzz/seeds.sh fuzz/corpus fuzz/dict bench/fuzz.sh

# seed corpora made from the test fixtures (fuzz/seeds/TARGET), next to fuzz/corpus/TARGET
fuzz/seeds/.stamp: $(srcdir)/fuzz/seeds.sh
	$(AM_V_GEN)$(SHELL) $(srcdir)/fuzz/seeds.sh $(abs_srcdir) fuzz/seeds $(OPENSSL) && touch $@

if FUZZING
fuzz-smoke: $(FUZZ_TARGETS) fuzz/seeds/.stamp
	@$(SHELL) $(srcdir)/bench/fuzz.sh --seconds $(FUZZ_SECONDS) --srcdir $(srcdir)
else
fuzz-smoke:
	@echo "fuzz-smoke: configure with --enable-fuzzing (clang, libFuzzer) first" >&2; exit 1
endif
.PHONY: fuzz-smoke

clean-local: clean-fuzz
clean-fuzz:
	rm -rf fuzz/seeds fuzz/work fuzz/artifacts
.PHONY: clean-fuzz
