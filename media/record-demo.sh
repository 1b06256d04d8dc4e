#!/usr/bin/env bash
# Re-records media/demo.cast and media/demo.svg: the real TUI (`ha-tui demo`) in a tmux pane,
# recorded by asciinema while this script presses the keys, then rendered by svg-term-cli.
# Needs: tmux and asciinema (Debian: apt-get install tmux asciinema); svg-term-cli comes via npx.
set -euo pipefail
cd "$(dirname "$0")/.."
for tool in tmux asciinema; do
	command -v "$tool" >/dev/null || { echo "record-demo: $tool not found (apt-get install $tool)" >&2; exit 1; }
done

npm run build >/dev/null
cast=media/demo.cast
session="ha-tui-demo-$$"
socket="ha-tui-demo-$$"
t() { tmux -L "$socket" "$@"; }
cleanup() { t kill-server 2>/dev/null || true; }
trap cleanup EXIT

# Ink prints only the final frame under CI: record a live screen.
t new-session -d -s "$session" -x 100 -y 30 \
	"env -u CI TERM=xterm-256color asciinema rec --overwrite --quiet --idle-time-limit 2 --cols 100 --rows 30 --command 'node dist/bin/cli.js demo' $cast"

screen() { t capture-pane -p -t "$session"; }
wait_for() { # pattern, seconds
	local deadline=$((SECONDS + ${2:-10}))
	until screen | grep -q -- "$1"; do
		[ $SECONDS -lt $deadline ] || { echo "record-demo: never saw '$1'" >&2; screen >&2; exit 1; }
		sleep 0.1
	done
}
key() { t send-keys -t "$session" "$@"; }

wait_for 'OK: healthy' 15
sleep 3
key k; wait_for 'y yes' 5; sleep 1.5; key y      # force failover: the live leaves L, a backup takes over
wait_for 'became LIVE' 5; sleep 4
key f; sleep 1.5                               # request failback: a new live writes F
if screen | grep -q 'y yes'; then key y; fi
wait_for 'stepping down' 10; sleep 4
key '?'; sleep 3; key Escape; sleep 1.5        # the help overlay
key q; wait_for 'Quit?' 5; sleep 1.5; key y      # quit: nodes stop cleanly
for _ in $(seq 50); do t has-session -t "$session" 2>/dev/null || break; sleep 0.1; done

npx --yes svg-term-cli@2.1.1 --in "$cast" --out media/demo.svg --window --width 100 --height 30 --no-cursor
echo "record-demo: wrote $cast and media/demo.svg"
