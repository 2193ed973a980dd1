# mk/valgrind.mk: `make check-valgrind` runs the C unit tests (tests/unit_*) under valgrind:
# memory errors and definite leaks fail them. It needs a build without the sanitizers
# (valgrind cannot run ASan binaries): ./configure without --enable-sanitizers (see HACKING).
VALGRIND = valgrind
VALGRIND_FLAGS = --error-exitcode=1 --leak-check=full --errors-for-leak-kinds=definite \
	--num-callers=30
UNIT_TESTS = $(filter tests/unit_%,$(TESTS))

check-valgrind:
	@case '$(SAN_CFLAGS)' in *sanitize*) \
		echo "check-valgrind: valgrind cannot run sanitizer builds; configure" \
		    "without --enable-sanitizers or --enable-fuzzing" >&2; exit 1 ;; esac
	@$(MAKE) $(AM_MAKEFLAGS) check TESTS='$(UNIT_TESTS)' LOG_COMPILER='$(VALGRIND)' \
		AM_LOG_FLAGS='$(VALGRIND_FLAGS)'
.PHONY: check-valgrind
