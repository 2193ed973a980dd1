# mk/oracle.mk: the differential oracle: `smtls check` against the real sendmail (doc/oracle.md)
TESTS += tests/oracle.test
# regressions of the check model found by the oracle, against the real daemon
TESTS += tests/regress-capath-unhashed-root-in-cafile.test
EXTRA_DIST += bench/oracle.sh bench/oracle.py doc/oracle.md
