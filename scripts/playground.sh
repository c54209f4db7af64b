#!/usr/bin/env bash
# make playground — the bot plus the Microsoft 365 Agents Playground (a local Teams client).
#
# Starts `python bot.py` (local mode, 127.0.0.1:$BOT_PORT) and the Playground binary pointing at
# it, waits until both answer, prints the URL to open, and stops both on Ctrl-C.
#
#   BOT_PORT=3978           port of the bot (/api/messages, /healthz)
#   PLAYGROUND_PORT=56150   port of the Playground UI and its fake Teams connector
#
# The Playground reads deployment/playground/.m365agentsplayground.yml (people, team, channels)
# and logs to deployment/playground/devTools/m365agentsplayground.log.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
PLAYGROUND_DIR="$ROOT/deployment/playground"
PLAYGROUND_BIN="$PLAYGROUND_DIR/node_modules/.bin/agentsplayground"
PYTHON="$ROOT/.venv/bin/python"
BOT_PORT="${BOT_PORT:-3978}"
PLAYGROUND_PORT="${PLAYGROUND_PORT:-56150}"

die() { echo "playground: $*" >&2; exit 1; }

[ -x "$PYTHON" ] || die "no virtualenv at .venv — run 'make run' or 'make test' once first"
command -v node >/dev/null || die "node is missing (apt-get install nodejs npm)"

if [ ! -x "$PLAYGROUND_BIN" ]; then
  echo "playground: installing @microsoft/m365agentsplayground (npm ci)..."
  (cd "$PLAYGROUND_DIR" && npm ci --no-audit --no-fund) || die "npm ci failed in deployment/playground"
fi

port_in_use() { (: </dev/tcp/127.0.0.1/"$1") 2>/dev/null; }
http_ok() {
  "$PYTHON" - "$1" <<'PY' 2>/dev/null
import sys, urllib.request
with urllib.request.urlopen(sys.argv[1], timeout=1) as response:
    sys.exit(0 if response.status == 200 else 1)
PY
}

# The Playground silently moves to a random port when its port is taken; refuse instead.
port_in_use "$BOT_PORT" && die "port $BOT_PORT is in use (another bot?). Set BOT_PORT=..."
port_in_use "$PLAYGROUND_PORT" && die "port $PLAYGROUND_PORT is in use. Set PLAYGROUND_PORT=..."

BOT_PID=""
PLAYGROUND_PID=""
stop() {
  trap - INT TERM EXIT
  local pid alive
  for pid in $PLAYGROUND_PID $BOT_PID; do
    kill -TERM "$pid" 2>/dev/null || true
  done
  for _ in $(seq 50); do  # up to 5 s to shut down cleanly
    alive=""
    for pid in $PLAYGROUND_PID $BOT_PID; do
      kill -0 "$pid" 2>/dev/null && alive=1
    done
    [ -n "$alive" ] || break
    sleep 0.1
  done
  for pid in $PLAYGROUND_PID $BOT_PID; do
    kill -KILL "$pid" 2>/dev/null || true
  done
  wait 2>/dev/null || true
  echo "playground: stopped."
}
trap stop EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# The bot, in local mode whatever .env says: the Playground sends no tokens.
(
  cd "$ROOT"
  # LANGUAGE=sv: the Playground always sends locale en-US, but our users are Swedish.
  HOST=127.0.0.1 PORT="$BOT_PORT" LANGUAGE="${LANGUAGE:-sv}" MicrosoftAppId="" MicrosoftAppPassword="" \
    exec "$PYTHON" bot.py
) &
BOT_PID=$!

# The Playground binary itself (not npx), so there is exactly one PID to stop.
(
  cd "$PLAYGROUND_DIR"
  TEAMSAPPTESTER_BROWSER=none exec "$PLAYGROUND_BIN" \
    -e "http://127.0.0.1:$BOT_PORT/api/messages" -c msteams --disable-telemetry -p "$PLAYGROUND_PORT"
) &
PLAYGROUND_PID=$!

wait_for() {  # name pid url
  for _ in $(seq 300); do
    if ! kill -0 "$2" 2>/dev/null; then
      # A bad .m365agentsplayground.yml: the reason is only in the Playground's own log file.
      [ "$1" = Playground ] && grep '^error' "$PLAYGROUND_DIR/devTools/m365agentsplayground.log" 2>/dev/null | tail -3 >&2
      die "$1 exited during start-up (see above)"
    fi
    http_ok "$3" && return 0
    sleep 0.1
  done
  die "$1 did not answer $3 within 30 s"
}
wait_for bot "$BOT_PID" "http://127.0.0.1:$BOT_PORT/healthz"
wait_for Playground "$PLAYGROUND_PID" "http://127.0.0.1:$PLAYGROUND_PORT/"

cat <<EOF

  Skyddad ID-bot:  http://127.0.0.1:$BOT_PORT/api/messages  (pid $BOT_PID)
  Playground:      pid $PLAYGROUND_PID

  Open  http://localhost:$PLAYGROUND_PORT  in a browser.   Ctrl-C stops both.

EOF

# Stay until either one exits (or Ctrl-C); then stop the other.
while kill -0 "$BOT_PID" 2>/dev/null && kill -0 "$PLAYGROUND_PID" 2>/dev/null; do
  sleep 1
done
sleep 0.3  # on Ctrl-C the children may die first; let the INT trap run before blaming one
echo "playground: the $(kill -0 "$BOT_PID" 2>/dev/null && echo Playground || echo bot) exited; stopping the other."
