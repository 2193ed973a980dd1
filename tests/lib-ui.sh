# tests/lib-ui.sh: drive the wizard in tmux as a person would: start it in a detached
# session on a private socket, send keys, read the screen. Source after tests/lib.sh.
command -v tmux >/dev/null 2>&1 || { echo "1..0 # SKIP tmux is not installed"; exit 0; }
# the tmux sockets live in the scratch directory too, so nothing is left behind
export TMUX_TMPDIR="$T"
UI_N=0
UI_SOCK="smtls-ui-$$-0"
UI_RC="$T/ui.rc"
UI_ASAN="$T/asan"
# each wizard run gets its own tmux server (private socket); all are killed at exit
_ui_kill_all() { local i; for i in $(seq 0 "$UI_N"); do tmux -L "smtls-ui-$$-$i" kill-server; done; }
at_exit _ui_kill_all

# ui_stop: ends the current wizard's tmux server.
ui_stop() { tmux -L "$UI_SOCK" kill-server 2>/dev/null || true; }

# sendmail -bC sleeps 60 s on a host without a dotted name: with UI_HOSTNAME set, the
# wizard runs in a private UTS namespace with that name (as tests/lib-sendmail.sh does).
UI_HOSTNAME=${UI_HOSTNAME:-}
ui_ns_available() { [ "$(id -u)" -eq 0 ] && unshare --uts true 2>/dev/null; }

# ui_start W H [VAR=value...] -- ARGS...: runs smtls ARGS in a W x H terminal.
ui_start() {
	local w=$1 h=$2 envs="" q
	shift 2
	while [ $# -gt 0 ] && [ "$1" != "--" ]; do
		envs="$envs $(printf '%q' "$1")"
		shift
	done
	shift
	q=$(printf '%q ' "$SMTLS" "$@")
	ui_stop
	UI_N=$((UI_N + 1))
	UI_SOCK="smtls-ui-$$-$UI_N"
	if [ -n "$UI_HOSTNAME" ]; then
		q="unshare --uts sh -c $(printf '%q' "hostname $UI_HOSTNAME && exec $q")"
	fi
	rm -f "$UI_RC"
	tmux -L "$UI_SOCK" -f /dev/null new-session -d -x "$w" -y "$h" -s ui \
		"env ASAN_OPTIONS=log_path=$UI_ASAN:detect_leaks=1 $envs $q; echo \$? > $UI_RC; sleep 600"
}

# ui_screen: the visible text, in $SCREEN.
ui_screen() {
	SCREEN=$(tmux -L "$UI_SOCK" capture-pane -J -p -t ui 2>/dev/null)
}

# ui_wait REGEX [SECONDS]: waits until the screen shows REGEX (grep -E); 1 on timeout.
ui_wait() {
	local i=0 n=$(( ${2:-10} * 20 ))
	while [ $i -lt $n ]; do
		ui_screen
		printf '%s\n' "$SCREEN" | grep -qE -- "$1" && return 0
		sleep 0.05
		i=$((i + 1))
	done
	return 1
}

# ui_wait_flat REGEX [SECONDS]: ui_wait with every run of blanks and line ends read as one space
# (as ui_like_flat): for a sentence the wizard may wrap, which ui_wait would miss until its timeout.
ui_wait_flat() {
	local i=0 n=$(( ${2:-10} * 20 ))
	while [ $i -lt $n ]; do
		ui_screen
		printf '%s' "$SCREEN" | tr -s ' \n' '  ' | grep -qE -- "$1" && return 0
		sleep 0.05
		i=$((i + 1))
	done
	return 1
}

# ui_settle: waits until the screen stops changing (a redraw is done).
ui_settle() {
	local prev="" i=0
	while [ $i -lt 60 ]; do
		sleep 0.05
		ui_screen
		[ "$SCREEN" = "$prev" ] && [ $i -gt 1 ] && return 0
		prev=$SCREEN
		i=$((i + 1))
	done
}

# ui_keys KEY...: tmux key names (Enter, Escape, Tab, BTab, Up, F1, C-c, ...) one at a time.
ui_keys() {
	local k
	for k in "$@"; do
		tmux -L "$UI_SOCK" send-keys -t ui "$k"
		ui_settle
	done
}

# ui_type TEXT: types literal text.
ui_type() {
	tmux -L "$UI_SOCK" send-keys -t ui -l "$1"
	ui_settle
}

ui_resize() {
	tmux -L "$UI_SOCK" resize-window -t ui -x "$1" -y "$2" 2>/dev/null ||
		tmux -L "$UI_SOCK" resize-pane -t ui -x "$1" -y "$2"
	ui_settle
}

# ui_exit_code: waits for the program to end; its exit status in $UI_EXIT.
ui_exit_code() {
	local i=0
	while [ ! -s "$UI_RC" ] && [ $i -lt 200 ]; do sleep 0.05; i=$((i + 1)); done
	UI_EXIT=$(cat "$UI_RC" 2>/dev/null || echo none)
	ui_screen
}

# ui_like REGEX NAME / ui_unlike: assertions on the current screen. A blank screen (the
# wizard gone, its tmux server dead) holds nothing: ui_unlike fails on it rather than pass.
ui_like() { ui_screen; like "$SCREEN" "$1" "$2"; }
ui_unlike() {
	ui_screen
	if [ -z "${SCREEN//[[:space:]]/}" ]; then fail "$2" "the screen is blank: is the wizard running?"
	else unlike "$SCREEN" "$1" "$2"; fi
}

# ui_no_sanitizer_report: no ASan/UBSan report was written by the wizard.
ui_no_sanitizer_report() {
	if ls "$UI_ASAN".* >/dev/null 2>&1; then
		fail "no sanitizer report" "$(head -20 "$UI_ASAN".*)"
	else
		pass "no sanitizer report"
	fi
}

# ui_wait_idle [SECONDS]: waits (60 s unless told) until no long step of the wizard runs: no
# "Running: ..., N s so far" or "Aborting: ..." on its status line (the Review's m4 preview,
# making a key). Keys typed meanwhile act only after it: wait before asserting on their effect.
UI_BUSY='(Running|Läuft): .*[0-9]+ s|(Aborting|Abbruch): '
ui_wait_idle() {
	local i=0 n=$(( ${1:-60} * 20 ))
	while [ $i -lt $n ]; do
		ui_screen
		printf '%s\n' "$SCREEN" | grep -qE -- "$UI_BUSY" || return 0
		sleep 0.05
		i=$((i + 1))
	done
	return 1
}

# ui_to_buttons [HINT_REGEX]: Tab until the focus is on the buttons (the hint line says so),
# once no long step runs (a key typed during one acts only after it).
ui_to_buttons() {
	local i=0 hint=${1:-'Left/Right Choose'}
	ui_wait_idle
	while [ $i -lt 12 ]; do
		ui_screen
		printf '%s\n' "$SCREEN" | tail -1 | grep -qE -- "$hint" && return 0
		ui_keys Tab
		i=$((i + 1))
	done
	return 1
}

# ui_next [HINT_REGEX]: Tab to the buttons, then Enter on Next; waits (up to 30 s) for
# another title, or for a message that stops it (an error shown at its field, a question),
# then for the end of a step the new screen runs (the Review's m4 preview: ui_wait_idle),
# unless UI_NEXT_BUSY=1 (a test that looks at the running step).
ui_next() {
	local title i=0
	ui_to_buttons "$@"
	title=$(printf '%s\n' "$SCREEN" | head -1)
	ui_keys Enter
	while [ $i -lt 600 ]; do
		ui_screen
		[ "$(printf '%s\n' "$SCREEN" | head -1)" != "$title" ] && break
		printf '%s\n' "$SCREEN" | grep -qE 'Next again|< No >|< Nein >' && break
		sleep 0.05
		i=$((i + 1))
	done
	ui_settle
	[ "${UI_NEXT_BUSY:-0}" = 1 ] || ui_wait_idle
}

# ui_like_flat REGEX NAME / ui_unlike_flat: like ui_like, with every run of blanks and line
# ends read as one space (for sentences that wrap differently with the length of the scratch path).
ui_like_flat() {
	ui_screen
	like "$(printf '%s' "$SCREEN" | tr -s ' \n' '  ')" "$1" "$2"
}
ui_unlike_flat() {
	ui_screen
	if [ -z "${SCREEN//[[:space:]]/}" ]; then fail "$2" "the screen is blank: is the wizard running?"
	else unlike "$(printf '%s' "$SCREEN" | tr -s ' \n' '  ')" "$1" "$2"; fi
}
