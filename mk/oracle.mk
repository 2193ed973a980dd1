# mk/oracle.mk: the differential oracle: `smtls check` against the real sendmail (doc/oracle.md)
TESTS += tests/oracle.test
EXTRA_DIST += bench/oracle.sh bench/oracle.py doc/oracle.md
