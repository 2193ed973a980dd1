#!/bin/sh
# scripts/install-deps.sh: install what smtls needs to build, test and run (Debian/Ubuntu),
# to fuzz (clang, libFuzzer) and to check under valgrind, and make the de_DE.UTF-8 locale
# available (the German translation and its tests).
# Runs as root, or as a user who has sudo (each command that needs root goes through sudo).
set -e
export DEBIAN_FRONTEND=noninteractive
SUDO=
if [ "$(id -u)" -ne 0 ]; then
	command -v sudo >/dev/null 2>&1 ||
		{ echo "$0: run it as root (or install sudo)" >&2; exit 1; }
	SUDO=sudo
fi
PKGS="build-essential autoconf automake autopoint gettext pkg-config m4 make
	libssl-dev libncurses-dev zlib1g-dev openssl ca-certificates
	sendmail-bin sendmail-cf tmux python3 locales iproute2 util-linux procps time faketime groff-base strace
	clang libclang-rt-14-dev valgrind"
# the Debian package (debian/): .ci/run builds it, checks it with lintian and installs it
PKGS="$PKGS debhelper dpkg-dev fakeroot lintian"
# the Ansible role's test (tests/ansible-role.test) runs Debian's ansible-playbook
PKGS="$PKGS ansible-core"
missing=
for p in $PKGS; do
	dpkg-query -W -f='${Status}\n' "$p" 2>/dev/null | grep -q '^install ok installed' ||
		missing="$missing $p"
done
if [ -n "$missing" ]; then
	# keep the packaged sendmail daemon from starting while it is installed
	if [ ! -e /usr/sbin/policy-rc.d ]; then
		printf '#!/bin/sh\nexit 101\n' | $SUDO tee /usr/sbin/policy-rc.d >/dev/null
		$SUDO chmod 755 /usr/sbin/policy-rc.d
		trap '$SUDO rm -f /usr/sbin/policy-rc.d' EXIT
	fi
	$SUDO apt-get update -qq
	$SUDO apt-get install -y -qq --no-install-recommends $missing
fi
# de_DE.UTF-8: enabled in /etc/locale.gen and compiled, as dpkg-reconfigure locales does
if ! locale -a 2>/dev/null | grep -qix 'de_DE\.utf-\{0,1\}8'; then
	if grep -q '^# *de_DE\.UTF-8 UTF-8' /etc/locale.gen 2>/dev/null; then
		$SUDO sed -i 's/^# *\(de_DE\.UTF-8 UTF-8\)/\1/' /etc/locale.gen
	elif ! grep -q '^de_DE\.UTF-8 UTF-8' /etc/locale.gen 2>/dev/null; then
		echo 'de_DE.UTF-8 UTF-8' | $SUDO tee -a /etc/locale.gen >/dev/null
	fi
	$SUDO locale-gen >/dev/null
fi
