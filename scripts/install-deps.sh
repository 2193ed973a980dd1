#!/bin/sh
# scripts/install-deps.sh: install what smtls needs to build, test and run (Debian/Ubuntu, as root).
set -e
export DEBIAN_FRONTEND=noninteractive
SUDO=
[ "$(id -u)" -eq 0 ] || SUDO=sudo
PKGS="build-essential autoconf automake autopoint gettext pkg-config m4 make
	libssl-dev libncurses-dev zlib1g-dev openssl ca-certificates
	sendmail-bin sendmail-cf tmux python3 locales iproute2 util-linux procps time"
missing=
for p in $PKGS; do
	dpkg-query -W -f='${Status}\n' "$p" 2>/dev/null | grep -q '^install ok installed' ||
		missing="$missing $p"
done
[ -z "$missing" ] && exit 0
# keep the packaged sendmail daemon from starting while it is installed
if [ ! -e /usr/sbin/policy-rc.d ]; then
	printf '#!/bin/sh\nexit 101\n' | $SUDO tee /usr/sbin/policy-rc.d >/dev/null
	$SUDO chmod 755 /usr/sbin/policy-rc.d
	trap '$SUDO rm -f /usr/sbin/policy-rc.d' EXIT
fi
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends $missing
